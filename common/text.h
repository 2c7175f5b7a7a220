#ifndef GRASSROOTS_COMMON_TEXT_H_
#define GRASSROOTS_COMMON_TEXT_H_

#include <cstddef>
#include <optional>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace grassroots {

// Counts the code points of `text`, or nullopt when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::optional<size_t> Utf8Length(absl::string_view text);

// The width `text` takes in a terminal: 2 for East Asian wide and fullwidth
// characters (Chinese among them), 0 for combining marks, 1 otherwise.
// Invalid UTF-8 bytes count 1 each.
size_t DisplayWidth(absl::string_view text);

// Checks a human-readable name: valid UTF-8, 1..max_chars code points, no
// control characters, not only white space. `field` names the request field
// in the INVALID_ARGUMENT message.
absl::Status ValidateDisplayText(absl::string_view text, absl::string_view field,
                                 size_t max_chars, bool required = true);

// A client's request_id for an idempotent create: optional, at most 64
// characters of text. INVALID_ARGUMENT ("request_id: ...") otherwise.
absl::Status ValidateRequestId(absl::string_view request_id);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_TEXT_H_
