#ifndef GRASSROOTS_COMMON_FILTER_H_
#define GRASSROOTS_COMMON_FILTER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// One condition of a list filter, in the small subset of AIP-160 we accept:
// `field = value` (equals) or `field : value` (has / contains), joined by
// AND. Values are bare words (COMPOUND, 42) or double-quoted strings with
// \" and \\ escapes ("幸福 花园").
struct FilterCondition {
  enum class Op { kEquals, kHas };
  std::string field;  // e.g. "compound.kind"
  Op op = Op::kEquals;
  std::string value;  // unquoted and unescaped

  bool operator==(const FilterCondition&) const = default;
};

inline constexpr size_t kMaxFilterLength = 1024;

// Parses `filter`; an empty or all-space filter gives no conditions.
// INVALID_ARGUMENT ("filter: ...", saying what and where) for anything else:
// unknown operators, OR/NOT, parentheses, unterminated strings, a filter
// longer than kMaxFilterLength bytes, invalid UTF-8.
absl::StatusOr<std::vector<FilterCondition>> ParseFilter(absl::string_view filter);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_FILTER_H_
