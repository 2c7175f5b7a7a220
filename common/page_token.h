#ifndef GRASSROOTS_COMMON_PAGE_TOKEN_H_
#define GRASSROOTS_COMMON_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// Where a paged list stopped. Opaque to clients: encoded as web-safe base64
// with a version byte and a checksum.
struct PageCursor {
  // The revision the first page was read at; later pages read at it too.
  int64_t revision = 0;
  // The sort key of the last item returned (an id, or a revision).
  int64_t last_key = 0;
  // A second key where the order needs one (an event's index).
  int64_t last_subkey = 0;
  // Fingerprint of the request fields that must not change between pages.
  uint64_t request_fingerprint = 0;
};

std::string EncodePageToken(const PageCursor& cursor);

// Decodes `token`. INVALID_ARGUMENT ("page_token: ...") when it is not one we
// issued, or was issued for a request with other parameters (its
// fingerprint differs from `request_fingerprint`).
absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, uint64_t request_fingerprint);

// A hash that is stable across processes and versions (FNV-1a, 64 bits), for
// fingerprints of request parameters. Not for security.
class StableHasher {
 public:
  StableHasher& Add(absl::string_view bytes);
  StableHasher& Add(int64_t value);
  uint64_t hash() const { return state_; }

 private:
  uint64_t state_ = 0xcbf29ce484222325ULL;
};

// Resolves the page size a list request asked for: 0 means `default_size`,
// 1..max_size is taken as is, anything else is INVALID_ARGUMENT.
absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size, int max_size);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PAGE_TOKEN_H_
