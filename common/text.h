#ifndef GRASSROOTS_COMMON_TEXT_H_
#define GRASSROOTS_COMMON_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// The one UTF-8 decoder of the suite: every count, width, validation and
// escaping of text goes through DecodeUtf8, so they all agree on what is
// valid (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).

// What DecodeUtf8 reports for a byte that does not start a valid sequence.
inline constexpr int32_t kInvalidCodePoint = -1;

// One character of a UTF-8 text.
struct Utf8Char {
  // The code point, or kInvalidCodePoint.
  int32_t code_point = kInvalidCodePoint;
  // The bytes it takes: 1 to 4; an invalid byte takes 1, so that a loop
  // over a text always advances and resynchronises on the next byte.
  size_t length = 1;
};

// Decodes the character that starts at `text[pos]`; `pos` must be less than
// `text.size()`.
Utf8Char DecodeUtf8(absl::string_view text, size_t pos);

// Calls `visit(Utf8Char, absl::string_view bytes)` for each character of
// `text` in order; `bytes` is the slice of `text` it was decoded from.
template <typename Visit>
void ForEachUtf8Char(absl::string_view text, Visit visit) {
  for (size_t pos = 0; pos < text.size();) {
    const Utf8Char c = DecodeUtf8(text, pos);
    visit(c, text.substr(pos, c.length));
    pos += c.length;
  }
}

// The number of characters in `text`, an invalid byte counting as one: a
// position for people ("at position 7") in text that may not be valid.
size_t CountUtf8Chars(absl::string_view text);

// The width of one code point in a terminal: 2 for East Asian wide and
// fullwidth characters (Chinese among them), 0 for combining marks and
// zero-width characters, 1 otherwise (an invalid byte too).
size_t CodePointWidth(int32_t code_point);

// Counts the code points of `text`, or nullopt when it is not valid UTF-8
// (overlong forms, surrogates and values past U+10FFFF are invalid).
std::optional<size_t> Utf8Length(absl::string_view text);

// The width `text` takes in a terminal: the sum of CodePointWidth over its
// characters; invalid UTF-8 bytes count 1 each.
size_t DisplayWidth(absl::string_view text);

// Checks a human-readable name: valid UTF-8, 1..max_chars code points, no
// control characters, not only white space. `field` names the request field
// in the INVALID_ARGUMENT message.
absl::Status ValidateDisplayText(absl::string_view text, absl::string_view field, size_t max_chars,
                                 bool required = true);

// A client's request_id for an idempotent create: optional, at most 64
// characters of text. INVALID_ARGUMENT ("request_id: ...") otherwise.
absl::Status ValidateRequestId(absl::string_view request_id);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_TEXT_H_
