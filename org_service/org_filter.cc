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
#include "common/filter_fields.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

using filter_fields::ApplyFilter;
using filter_fields::FieldSpec;
using filter_fields::MatchesName;
using filter_fields::SetDisplayName;
using filter_fields::SetEnum;

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

constexpr FieldSpec<ExternalOrgFilter> kExternalOrgFields[] = {
    {"kind", false, "kind = PROPERTY_COMPANY",
     [](const FilterCondition& c, ExternalOrgFilter& f) {
       return SetEnum(c, ParseExternalOrgKindName, f.kind);
     }},
    {"display_name", true, "display_name : \"物业\"", SetDisplayName<ExternalOrgFilter>},
    {"credit_code", false, "credit_code = \"91430211...\"",
     [](const FilterCondition& c, ExternalOrgFilter& f) {
       f.credit_code = c.value;
       return absl::OkStatus();
     }},
};

constexpr FieldSpec<AllianceFilter> kAllianceFields[] = {
    {"kind", false, "kind = COMPOUND",
     [](const FilterCondition& c, AllianceFilter& f) {
       return SetEnum(c, ParseAllianceKindName, f.kind);
     }},
    {"state", false, "state = ACTIVE",
     [](const FilterCondition& c, AllianceFilter& f) {
       return SetEnum(c, ParseAllianceStateName, f.state);
     }},
    {"display_name", true, "display_name : \"联盟\"", SetDisplayName<AllianceFilter>},
    {"member", false, "member = \"externalOrgs/5\"",
     [](const FilterCondition& c, AllianceFilter& f) -> absl::Status {
       ASSIGN_OR_RETURN(f.member_id, ParseExternalOrgName(c.value, "filter: member"));
       return absl::OkStatus();
     }},
};

constexpr FieldSpec<AllianceItemFilter> kAllianceItemFields[] = {
    {"kind", false, "kind = NEED",
     [](const FilterCondition& c, AllianceItemFilter& f) {
       return SetEnum(c, ParseItemKindName, f.kind);
     }},
    {"state", false, "state = OPEN",
     [](const FilterCondition& c, AllianceItemFilter& f) {
       return SetEnum(c, ParseItemStateName, f.state);
     }},
    {"title", true, "title : \"助老\"", SetDisplayName<AllianceItemFilter>},
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

bool ExternalOrgFilter::Matches(const ExternalOrg& org) const {
  if (kind && org.kind != *kind) return false;
  if (credit_code && org.credit_code != *credit_code) return false;
  return MatchesName(name_equals, name_contains, org.display_name);
}

absl::StatusOr<ExternalOrgFilter> ParseExternalOrgFilter(absl::string_view filter) {
  return ApplyFilter<ExternalOrgFilter>(filter, kExternalOrgFields);
}

bool AllianceFilter::Matches(const Alliance& alliance) const {
  if (kind && alliance.kind != *kind) return false;
  if (state && alliance.state != *state) return false;
  if (member_id &&
      std::none_of(alliance.members.begin(), alliance.members.end(),
                   [&](const AllianceMember& m) { return m.external_org_id == *member_id; })) {
    return false;
  }
  return MatchesName(name_equals, name_contains, alliance.display_name);
}

absl::StatusOr<AllianceFilter> ParseAllianceFilter(absl::string_view filter) {
  return ApplyFilter<AllianceFilter>(filter, kAllianceFields);
}

bool AllianceItemFilter::Matches(const AllianceItem& item) const {
  if (kind && item.kind != *kind) return false;
  if (state && item.state != *state) return false;
  return MatchesName(name_equals, name_contains, item.title);
}

absl::StatusOr<AllianceItemFilter> ParseAllianceItemFilter(absl::string_view filter) {
  return ApplyFilter<AllianceItemFilter>(filter, kAllianceItemFields);
}

}  // namespace grassroots::org
