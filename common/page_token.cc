#include "common/page_token.h"

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace grassroots {
namespace {

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kPayloadSize = 1 + 4 * 8;
constexpr size_t kTokenSize = kPayloadSize + 4;

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

uint64_t GetU64(absl::string_view in, size_t offset) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<uint8_t>(in[offset + i])) << (8 * i);
  }
  return v;
}

uint32_t Checksum(absl::string_view payload) {
  const uint64_t h = StableHasher().Add(payload).hash();
  return static_cast<uint32_t>(h ^ (h >> 32));
}

absl::Status BadToken(absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("page_token: ", why));
}

}  // namespace

StableHasher& StableHasher::Add(absl::string_view bytes) {
  for (unsigned char c : bytes) {
    state_ ^= c;
    state_ *= 0x100000001b3ULL;
  }
  // A separator, so that ("ab","c") and ("a","bc") differ.
  state_ ^= 0xFF;
  state_ *= 0x100000001b3ULL;
  return *this;
}

StableHasher& StableHasher::Add(int64_t value) {
  std::string bytes;
  PutU64(bytes, static_cast<uint64_t>(value));
  return Add(bytes);
}

std::string EncodePageToken(const PageCursor& cursor) {
  std::string raw;
  raw.reserve(kTokenSize);
  raw.push_back(static_cast<char>(kTokenVersion));
  PutU64(raw, static_cast<uint64_t>(cursor.revision));
  PutU64(raw, static_cast<uint64_t>(cursor.last_key));
  PutU64(raw, static_cast<uint64_t>(cursor.last_subkey));
  PutU64(raw, cursor.request_fingerprint);
  const uint32_t sum = Checksum(raw);
  for (int i = 0; i < 4; ++i) raw.push_back(static_cast<char>((sum >> (8 * i)) & 0xFF));
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageCursor> DecodePageToken(absl::string_view token, uint64_t request_fingerprint) {
  // Anything longer than a token we issue is rejected before decoding.
  if (token.size() > 64) return BadToken("is not a token this service issued");
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() != kTokenSize ||
      static_cast<uint8_t>(raw[0]) != kTokenVersion) {
    return BadToken("is not a token this service issued");
  }
  uint32_t sum = 0;
  for (int i = 0; i < 4; ++i) {
    sum |= static_cast<uint32_t>(static_cast<uint8_t>(raw[kPayloadSize + i])) << (8 * i);
  }
  if (sum != Checksum(absl::string_view(raw).substr(0, kPayloadSize))) {
    return BadToken("is corrupt");
  }
  PageCursor cursor;
  cursor.revision = static_cast<int64_t>(GetU64(raw, 1));
  cursor.last_key = static_cast<int64_t>(GetU64(raw, 9));
  cursor.last_subkey = static_cast<int64_t>(GetU64(raw, 17));
  cursor.request_fingerprint = GetU64(raw, 25);
  if (cursor.request_fingerprint != request_fingerprint) {
    return BadToken("was issued for a request with other parameters");
  }
  if (cursor.revision < 0 || cursor.last_key < 0 || cursor.last_subkey < 0) {
    return BadToken("is corrupt");
  }
  return cursor;
}

absl::StatusOr<int> ResolvePageSize(int32_t requested, int default_size, int max_size) {
  if (requested == 0) return default_size;
  if (requested < 0 || requested > max_size) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be between 1 and ", max_size,
                                                   " (or 0 for ", default_size, "); got ",
                                                   requested));
  }
  return requested;
}

}  // namespace grassroots
