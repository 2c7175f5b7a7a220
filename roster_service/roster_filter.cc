#include "roster_service/roster_filter.h"

#include <array>

#include "absl/status/status.h"
#include "common/enum_names.h"
#include "common/filter.h"
#include "common/filter_fields.h"
#include "common/status_macros.h"
#include "org_service/unit.h"

namespace grassroots::roster {
namespace {

using filter_fields::FieldSpec;

// The proto enum names, by value; index 0 (UNSPECIFIED) is never parsed.
constexpr std::array<absl::string_view, 4> kPartyStatusNames = {"PARTY_STATUS_UNSPECIFIED", "FULL",
                                                                "PROBATIONARY", "NONE"};
constexpr std::array<absl::string_view, 5> kMemberCategoryNames = {
    "MEMBER_CATEGORY_UNSPECIFIED", "IN_SERVICE", "RETIRED", "DIRECT", "FLOATING"};
static_assert(kPartyStatusNames.size() == static_cast<size_t>(PartyStatus::kNone) + 1);
static_assert(kMemberCategoryNames.size() == static_cast<size_t>(MemberCategory::kFloating) + 1);

std::optional<PartyStatus> ParsePartyStatusName(absl::string_view name) {
  return ParseEnumName<PartyStatus>(kPartyStatusNames, name);
}

std::optional<MemberCategory> ParseMemberCategoryName(absl::string_view name) {
  return ParseEnumName<MemberCategory>(kMemberCategoryNames, name);
}

constexpr FieldSpec<PersonFilter> kPersonFields[] = {
    {"display_name", true, "display_name : \"张\"", filter_fields::SetDisplayName<PersonFilter>},
    {"party_status", false, "party_status = FULL",
     [](const FilterCondition& c, PersonFilter& f) {
       return filter_fields::SetEnum(c, ParsePartyStatusName, f.party_status);
     }},
    {"member_category", false, "member_category = RETIRED",
     [](const FilterCondition& c, PersonFilter& f) {
       return filter_fields::SetEnum(c, ParseMemberCategoryName, f.member_category);
     }},
    {"residence_building", false, "residence_building = \"units/9\"",
     [](const FilterCondition& c, PersonFilter& f) -> absl::Status {
       ASSIGN_OR_RETURN(f.residence_building_id,
                        org::ParseUnitName(c.value, "filter: residence_building"));
       return absl::OkStatus();
     }},
    {"external_key", false, "external_key = \"HR-001\"",
     [](const FilterCondition& c, PersonFilter& f) {
       f.external_key = c.value;
       return absl::OkStatus();
     }},
};

}  // namespace

bool PersonFilter::Matches(const Person& person) const {
  if (party_status && person.party_status != *party_status) return false;
  if (member_category && person.member_category != *member_category) return false;
  if (residence_building_id && person.residence_building_id != *residence_building_id) {
    return false;
  }
  if (external_key && person.external_key != *external_key) return false;
  return filter_fields::MatchesName(name_equals, name_contains, person.display_name);
}

absl::StatusOr<PersonFilter> ParsePersonFilter(absl::string_view filter) {
  return filter_fields::ApplyFilter<PersonFilter>(filter, kPersonFields);
}

}  // namespace grassroots::roster
