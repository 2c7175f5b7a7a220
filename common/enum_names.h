#ifndef GRASSROOTS_COMMON_ENUM_NAMES_H_
#define GRASSROOTS_COMMON_ENUM_NAMES_H_

// A domain enum's proto names ("COMPOUND", "STATE_UNSPECIFIED"), as one
// array indexed by the enum's value: what filters and messages use, so that
// a client writes the name it sees in the proto. The value 0 (unspecified)
// is written but never parsed: nothing filters on it.

#include <array>
#include <cstddef>
#include <optional>

#include "absl/strings/string_view.h"

namespace grassroots {

// `names[value]`, or "UNKNOWN" for a value outside the array.
template <typename Enum, size_t N>
absl::string_view EnumName(const std::array<absl::string_view, N>& names, Enum value) {
  const int i = static_cast<int>(value);
  return i >= 0 && i < static_cast<int>(N) ? names[i] : "UNKNOWN";
}

// The value named `name` exactly; nullopt for none and for index 0.
template <typename Enum, size_t N>
std::optional<Enum> ParseEnumName(const std::array<absl::string_view, N>& names,
                                  absl::string_view name) {
  for (size_t i = 1; i < N; ++i) {
    if (names[i] == name) return static_cast<Enum>(i);
  }
  return std::nullopt;
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_ENUM_NAMES_H_
