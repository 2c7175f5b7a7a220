#ifndef GRASSROOTS_ORG_SERVICE_ORG_FILTER_H_
#define GRASSROOTS_ORG_SERVICE_ORG_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// The conditions ListUnits accepts. Every set condition must hold.
struct UnitFilter {
  std::optional<Level> level;                 // level = COMPOUND
  std::optional<std::string> name_contains;   // display_name : "花园"
  std::optional<std::string> name_equals;     // display_name = "幸福花园"
  std::optional<std::string> code;            // code = "3301"
  std::optional<CompoundKind> compound_kind;  // compound.kind = OLD

  bool Matches(const Unit& unit) const;
};

// INVALID_ARGUMENT ("filter: ...") for unknown fields, operators that a
// field does not take, unknown enum names, or the same field twice.
absl::StatusOr<UnitFilter> ParseUnitFilter(absl::string_view filter);

// The conditions ListPartyOrgs accepts.
struct PartyOrgFilter {
  std::optional<OrgForm> form;               // form = BRANCH
  std::optional<Rating> rating;              // rating = LAGGING
  std::optional<std::string> name_contains;  // display_name : "..."
  std::optional<std::string> name_equals;    // display_name = "..."
  std::optional<int64_t> unit_id;            // unit = "units/12" (covers it)

  bool Matches(const PartyOrg& org) const;
};

absl::StatusOr<PartyOrgFilter> ParsePartyOrgFilter(absl::string_view filter);

// The conditions ListExternalOrgs accepts.
struct ExternalOrgFilter {
  std::optional<ExternalOrgKind> kind;       // kind = PROPERTY_COMPANY
  std::optional<std::string> name_contains;  // display_name : "物业"
  std::optional<std::string> name_equals;    // display_name = "..."
  std::optional<std::string> credit_code;    // credit_code = "9143..."

  bool Matches(const ExternalOrg& org) const;
};

absl::StatusOr<ExternalOrgFilter> ParseExternalOrgFilter(absl::string_view filter);

// The conditions ListAlliances accepts.
struct AllianceFilter {
  std::optional<AllianceKind> kind;          // kind = COMPOUND
  std::optional<AllianceState> state;        // state = ACTIVE
  std::optional<std::string> name_contains;  // display_name : "联盟"
  std::optional<std::string> name_equals;    // display_name = "..."
  std::optional<int64_t> member_id;          // member = "externalOrgs/5"

  bool Matches(const Alliance& alliance) const;
};

absl::StatusOr<AllianceFilter> ParseAllianceFilter(absl::string_view filter);

// The conditions ListAllianceItems accepts.
struct AllianceItemFilter {
  std::optional<ItemKind> kind;              // kind = NEED
  std::optional<ItemState> state;            // state = OPEN
  std::optional<std::string> name_contains;  // title : "..."
  std::optional<std::string> name_equals;    // title = "..."

  bool Matches(const AllianceItem& item) const;
};

absl::StatusOr<AllianceItemFilter> ParseAllianceItemFilter(absl::string_view filter);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_FILTER_H_
