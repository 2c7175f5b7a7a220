#ifndef GRASSROOTS_FUZZ_FUZZ_INPUT_H_
#define GRASSROOTS_FUZZ_FUZZ_INPUT_H_

// Reads typed values off a fuzz input, front to back. A small stand-in for
// LLVM's FuzzedDataProvider, which only clang ships: the corpus replay test
// builds these targets with gcc too. Reads past the end give zeros and
// empty strings, so any input is a valid sequence of values.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace grassroots::fuzz {

class FuzzInput {
 public:
  FuzzInput(const uint8_t* data, size_t size) : rest_(reinterpret_cast<const char*>(data), size) {}

  bool empty() const { return rest_.empty(); }

  uint8_t Byte() {
    if (rest_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  bool Bool() { return (Byte() & 1) != 0; }

  // Little-endian, from up to eight bytes.
  uint64_t U64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(Byte()) << (8 * i);
    return v;
  }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  int32_t I32() {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(Byte()) << (8 * i);
    return static_cast<int32_t>(v);
  }

  // Bytes up to the next `separator` (consumed, not returned) or the end.
  std::string Until(char separator) {
    const size_t at = rest_.find(separator);
    std::string out(rest_.substr(0, at));
    rest_.remove_prefix(at == absl::string_view::npos ? rest_.size() : at + 1);
    return out;
  }

  // What remains, split at `separator`; empty input gives no pieces.
  std::vector<std::string> SplitRest(char separator) {
    std::vector<std::string> pieces;
    while (!rest_.empty()) pieces.push_back(Until(separator));
    return pieces;
  }

  std::string Rest() {
    std::string out(rest_);
    rest_ = {};
    return out;
  }

 private:
  absl::string_view rest_;
};

}  // namespace grassroots::fuzz

#endif  // GRASSROOTS_FUZZ_FUZZ_INPUT_H_
