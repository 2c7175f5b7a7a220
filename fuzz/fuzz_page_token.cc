// Page tokens (common/page_token.h): decoding arbitrary text, the
// encode-decode round trip, and page-size resolution.
//
// Input: an 8-byte request fingerprint, a cursor (three 8-byte keys), a
// page size request (4 bytes) with a default and a maximum (2 bytes each),
// then the text decoded as a token.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/page_token.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace grassroots::fuzz {
namespace {

bool SameCursor(const PageCursor& a, const PageCursor& b) {
  return a.revision == b.revision && a.last_key == b.last_key && a.last_subkey == b.last_subkey &&
         a.request_fingerprint == b.request_fingerprint;
}

void CheckRoundTrip(const PageCursor& cursor) {
  const std::string token = EncodePageToken(cursor);
  FUZZ_CHECK(token.size() <= 64) << "a token we issue must fit the decoder's limit: " << token;
  for (char c : token) {
    FUZZ_CHECK(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
        << "a token must be web-safe: " << token;
  }
  absl::StatusOr<PageCursor> decoded = DecodePageToken(token, cursor.request_fingerprint);
  const bool valid = cursor.revision >= 0 && cursor.last_key >= 0 && cursor.last_subkey >= 0;
  FUZZ_CHECK(decoded.ok() == valid) << token << ": " << decoded.status();
  if (decoded.ok()) FUZZ_CHECK(SameCursor(*decoded, cursor)) << token;
  // Another request's parameters must not be able to use it.
  absl::StatusOr<PageCursor> other = DecodePageToken(token, cursor.request_fingerprint ^ 1);
  FUZZ_CHECK(other.status().code() == absl::StatusCode::kInvalidArgument) << other.status();
}

void CheckDecode(const std::string& token, uint64_t fingerprint) {
  absl::StatusOr<PageCursor> cursor = DecodePageToken(token, fingerprint);
  if (!cursor.ok()) {
    FUZZ_CHECK(cursor.status().code() == absl::StatusCode::kInvalidArgument) << cursor.status();
    FUZZ_CHECK(absl::StartsWith(cursor.status().message(), "page_token: ")) << cursor.status();
    return;
  }
  FUZZ_CHECK(cursor->request_fingerprint == fingerprint);
  FUZZ_CHECK(cursor->revision >= 0 && cursor->last_key >= 0 && cursor->last_subkey >= 0);
  // What a token decodes to, encoded again, decodes to the same.
  absl::StatusOr<PageCursor> again = DecodePageToken(EncodePageToken(*cursor), fingerprint);
  FUZZ_CHECK(again.ok() && SameCursor(*again, *cursor)) << again.status();
}

void CheckPageSize(int32_t requested, int default_size, int max_size) {
  absl::StatusOr<int> size = ResolvePageSize(requested, default_size, max_size);
  if (requested == 0) {
    FUZZ_CHECK(size.ok() && *size == default_size) << size.status();
  } else if (requested >= 1 && requested <= max_size) {
    FUZZ_CHECK(size.ok() && *size == requested) << size.status();
  } else {
    FUZZ_CHECK(size.status().code() == absl::StatusCode::kInvalidArgument) << requested;
    FUZZ_CHECK(absl::StartsWith(size.status().message(), "page_size: ")) << size.status();
  }
}

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grassroots::fuzz;
  FuzzInput in(data, size);
  const uint64_t fingerprint = in.U64();
  grassroots::PageCursor cursor;
  cursor.request_fingerprint = fingerprint;
  cursor.revision = in.I64();
  cursor.last_key = in.I64();
  cursor.last_subkey = in.I64();
  const int32_t requested = in.I32();
  // The services' limits: a maximum of 1..65536, a default within it.
  const int max_size = 1 + (in.Byte() | (in.Byte() << 8));
  const int default_size = 1 + (in.Byte() | (in.Byte() << 8)) % max_size;
  const std::string token = in.Rest();

  CheckRoundTrip(cursor);
  CheckDecode(token, fingerprint);
  CheckPageSize(requested, default_size, max_size);
  return 0;
}
