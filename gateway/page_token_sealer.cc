#include "gateway/page_token_sealer.h"

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"

namespace grassroots::gateway {
namespace {

// Version of the sealed format, also authenticated.
constexpr char kVersion = '\x01';
// A sealed token is never longer than this; anything longer is refused
// before decoding.
constexpr size_t kMaxSealedChars = 512;

absl::Status NotOurs() {
  return absl::InvalidArgumentError(
      "page_token: not a token the gateway issued for this caller and query; start from the "
      "first page");
}

bool ReadVarint(absl::string_view bytes, size_t& pos, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos >= bytes.size()) return false;
    const auto byte = static_cast<uint8_t>(bytes[pos++]);
    value |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void WriteVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

// One top-level field: its number, where it starts and ends, and for a
// length-delimited one its value.
struct Field {
  int number = 0;
  size_t begin = 0, end = 0;
  std::optional<absl::string_view> value;
};

// Calls `each(field)` for every top-level field, in order.
template <typename Each>
absl::Status ForEachField(absl::string_view bytes, Each each) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    Field field;
    field.begin = pos;
    uint64_t tag = 0;
    if (!ReadVarint(bytes, pos, tag) || (tag >> 3) == 0 || (tag >> 3) > 536870911) {
      return absl::InvalidArgumentError("message: not well-formed");
    }
    field.number = static_cast<int>(tag >> 3);
    uint64_t scratch = 0;
    switch (tag & 7) {
      case 0:
        if (!ReadVarint(bytes, pos, scratch)) {
          return absl::InvalidArgumentError("message: not well-formed");
        }
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2:
        if (!ReadVarint(bytes, pos, scratch) || scratch > bytes.size() - pos) {
          return absl::InvalidArgumentError("message: not well-formed");
        }
        field.value = bytes.substr(pos, scratch);
        pos += scratch;
        break;
      default:  // groups: none of our messages has one
        return absl::InvalidArgumentError("message: not well-formed");
    }
    if (pos > bytes.size()) return absl::InvalidArgumentError("message: not well-formed");
    field.end = pos;
    each(field);
  }
  return absl::OkStatus();
}

}  // namespace

PageTokenSealer::PageTokenSealer(std::string key) : key_(std::move(key)) {
  if (key_.size() != 32) std::abort();  // a programming error: see DerivedKey
}

std::string PageTokenSealer::Binding(absl::string_view principal, absl::string_view method,
                                     absl::string_view request_without_paging) {
  return absl::StrCat(std::string(1, kVersion), principal, std::string(1, '\0'), method,
                      std::string(1, '\0'), Sha256Hex(request_without_paging));
}

std::string PageTokenSealer::Seal(absl::string_view token, absl::string_view binding) const {
  return absl::WebSafeBase64Escape(
      absl::StrCat(std::string(1, kVersion), SealAes256Gcm(key_, token, binding)));
}

absl::StatusOr<std::string> PageTokenSealer::Open(absl::string_view sealed,
                                                  absl::string_view binding) const {
  std::string raw;
  if (sealed.size() > kMaxSealedChars || !absl::WebSafeBase64Unescape(sealed, &raw) ||
      raw.empty() || raw[0] != kVersion) {
    return NotOurs();
  }
  std::optional<std::string> token = OpenAes256Gcm(key_, absl::string_view(raw).substr(1), binding);
  if (!token) return NotOurs();
  return *std::move(token);
}

absl::StatusOr<std::string> ReadStringField(absl::string_view message, int number) {
  std::string value;
  absl::Status status = ForEachField(message, [&](const Field& field) {
    if (field.number == number && field.value) value = std::string(*field.value);
  });
  if (!status.ok()) return status;
  return value;
}

absl::StatusOr<std::string> WithoutFields(absl::string_view message,
                                          const std::vector<int>& numbers) {
  std::string out;
  out.reserve(message.size());
  absl::Status status = ForEachField(message, [&](const Field& field) {
    if (!absl::c_linear_search(numbers, field.number)) {
      out.append(message.data() + field.begin, field.end - field.begin);
    }
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::string> WithStringField(absl::string_view message, int number,
                                            absl::string_view value) {
  absl::StatusOr<std::string> out = WithoutFields(message, {number});
  if (!out.ok() || value.empty()) return out;
  WriteVarint(*out, (static_cast<uint64_t>(number) << 3) | 2);
  WriteVarint(*out, value.size());
  out->append(value.data(), value.size());
  return out;
}

}  // namespace grassroots::gateway
