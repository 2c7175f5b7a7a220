#include "org_service/org_filter.h"

#include <algorithm>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "common/filter.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

using Op = FilterCondition::Op;

absl::Status FilterError(absl::string_view field, absl::string_view problem) {
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
// operators each one takes, and each field at most once.
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
    if (condition.op == Op::kHas && !spec->takes_has) {
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

// Fills `out` from an enum named as in the proto (COMPOUND, OLD, BRANCH,
// LAGGING); the UNSPECIFIED names are not values one can filter on.
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
// names containing the text.
template <typename Filter>
absl::Status SetDisplayName(const FilterCondition& condition, Filter& filter) {
  (condition.op == Op::kHas ? filter.name_contains : filter.name_equals) = condition.value;
  return absl::OkStatus();
}

// Substring and equality compare bytes. That is exact for Chinese (no case)
// and for UTF-8 (a valid needle cannot match part of a character).
bool MatchesName(const std::optional<std::string>& equals,
                 const std::optional<std::string>& contains, absl::string_view name) {
  return (!equals || name == *equals) && (!contains || absl::StrContains(name, *contains));
}

constexpr FieldSpec<UnitFilter> kUnitFields[] = {
    {"level", false, "level = COMPOUND",
     [](const FilterCondition& c, UnitFilter& f) { return SetEnum(c, ParseLevelName, f.level); }},
    {"display_name", true, "display_name : \"花园\"", SetDisplayName<UnitFilter>},
    {"code", false, "code = \"3301\"",
     [](const FilterCondition& c, UnitFilter& f) {
       f.code = c.value;
       return absl::OkStatus();
     }},
    {"compound.kind", false, "compound.kind = OLD",
     [](const FilterCondition& c, UnitFilter& f) {
       return SetEnum(c, ParseCompoundKindName, f.compound_kind);
     }},
};

constexpr FieldSpec<PartyOrgFilter> kPartyOrgFields[] = {
    {"form", false, "form = BRANCH",
     [](const FilterCondition& c, PartyOrgFilter& f) { return SetEnum(c, ParseFormName, f.form); }},
    {"rating", false, "rating = LAGGING",
     [](const FilterCondition& c, PartyOrgFilter& f) {
       return SetEnum(c, ParseRatingName, f.rating);
     }},
    {"display_name", true, "display_name : \"支部\"", SetDisplayName<PartyOrgFilter>},
    {"unit", false, "unit = \"units/12\"",
     [](const FilterCondition& c, PartyOrgFilter& f) -> absl::Status {
       ASSIGN_OR_RETURN(f.unit_id, ParseUnitName(c.value, "filter: unit"));
       return absl::OkStatus();
     }},
};

}  // namespace

bool UnitFilter::Matches(const Unit& unit) const {
  if (level && unit.level != *level) return false;
  if (code && unit.code != *code) return false;
  if (compound_kind) {
    const auto* compound = std::get_if<CompoundDetails>(&unit.details);
    if (compound == nullptr || compound->kind != *compound_kind) return false;
  }
  return MatchesName(name_equals, name_contains, unit.display_name);
}

absl::StatusOr<UnitFilter> ParseUnitFilter(absl::string_view filter) {
  return ApplyFilter<UnitFilter>(filter, kUnitFields);
}

bool PartyOrgFilter::Matches(const PartyOrg& org) const {
  if (form && org.form != *form) return false;
  if (rating && org.rating != *rating) return false;
  // A linear search: at most kMaxCoveredUnits, and it does not rely on the
  // ids being sorted.
  if (unit_id &&
      std::find(org.unit_ids.begin(), org.unit_ids.end(), *unit_id) == org.unit_ids.end()) {
    return false;
  }
  return MatchesName(name_equals, name_contains, org.display_name);
}

absl::StatusOr<PartyOrgFilter> ParsePartyOrgFilter(absl::string_view filter) {
  return ApplyFilter<PartyOrgFilter>(filter, kPartyOrgFields);
}

}  // namespace grassroots::org
