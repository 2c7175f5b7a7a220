#ifndef GRASSROOTS_COMMON_FILTER_FIELDS_H_
#define GRASSROOTS_COMMON_FILTER_FIELDS_H_

// The table-driven part of list filters that every service shares: a list
// describes the fields it filters on once, as FieldSpecs, and ApplyFilter
// turns a parsed filter (common/filter.h) into that list's filter struct.
// Header-only because it is templated on the filter struct.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/filter.h"
#include "common/status_macros.h"

namespace grassroots::filter_fields {

// INVALID_ARGUMENT "filter: {field}: {problem}".
inline absl::Status FilterError(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat("filter: ", field, ": ", problem));
}

// One field a list filter accepts: its name, whether it takes `:` as well as
// `=`, an example for error messages, and how a condition on it fills the
// filter struct.
template <typename Filter>
struct FieldSpec {
  absl::string_view name;
  bool takes_has = false;
  absl::string_view example;
  absl::Status (*apply)(const FilterCondition& condition, Filter& filter);
};

// Parses `text` and applies each condition through the spec of its field.
// The rules common to every list live here: known fields only, the
// operators each one takes, and each field at most once. INVALID_ARGUMENT
// ("filter: ...") otherwise.
template <typename Filter>
absl::StatusOr<Filter> ApplyFilter(absl::string_view text,
                                   absl::Span<const FieldSpec<Filter>> specs) {
  ASSIGN_OR_RETURN(const std::vector<FilterCondition> conditions, ParseFilter(text));
  Filter filter;
  std::vector<absl::string_view> seen;
  for (const FilterCondition& condition : conditions) {
    const auto spec = std::find_if(specs.begin(), specs.end(), [&](const FieldSpec<Filter>& s) {
      return s.name == condition.field;
    });
    if (spec == specs.end()) {
      std::vector<absl::string_view> known;
      for (const FieldSpec<Filter>& s : specs) known.push_back(s.name);
      return FilterError(condition.field, absl::StrCat("is not a field this list filters on; use ",
                                                       absl::StrJoin(known, ", ")));
    }
    if (condition.op == FilterCondition::Op::kHas && !spec->takes_has) {
      return FilterError(spec->name, absl::StrCat("takes only =, as in ", spec->example));
    }
    if (std::find(seen.begin(), seen.end(), spec->name) != seen.end()) {
      return FilterError(spec->name, "is given twice; give each field at most once");
    }
    seen.push_back(spec->name);
    RETURN_IF_ERROR(spec->apply(condition, filter));
  }
  return filter;
}

// Fills `out` from an enum named as in the proto (COMPOUND, FULL, RETIRED);
// `parse` knows no UNSPECIFIED name, as that is not a value one filters on.
template <typename Enum>
absl::Status SetEnum(const FilterCondition& condition,
                     std::optional<Enum> (*parse)(absl::string_view), std::optional<Enum>& out) {
  out = parse(condition.value);
  if (!out) {
    return FilterError(
        condition.field,
        absl::StrCat("\"", condition.value, "\" is not a known value; use the proto enum name"));
  }
  return absl::OkStatus();
}

// `display_name = "..."` asks for the exact name, `display_name : "..."` for
// names containing the text. `Filter` has `name_equals` and `name_contains`.
template <typename Filter>
absl::Status SetDisplayName(const FilterCondition& condition, Filter& filter) {
  (condition.op == FilterCondition::Op::kHas ? filter.name_contains : filter.name_equals) =
      condition.value;
  return absl::OkStatus();
}

// Substring and equality compare bytes. That is exact for Chinese (no case)
// and for UTF-8 (a valid needle cannot match part of a character).
inline bool MatchesName(const std::optional<std::string>& equals,
                        const std::optional<std::string>& contains, absl::string_view name) {
  return (!equals || name == *equals) && (!contains || absl::StrContains(name, *contains));
}

}  // namespace grassroots::filter_fields

#endif  // GRASSROOTS_COMMON_FILTER_FIELDS_H_
