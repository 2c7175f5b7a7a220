#ifndef GRASSROOTS_ORG_SERVICE_ORG_PROTO_H_
#define GRASSROOTS_ORG_SERVICE_ORG_PROTO_H_

// Conversion between the org protos and the domain types. The only place
// that knows both.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/org/v1/resources.pb.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/org_event.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// Domain -> proto: every field, output-only ones included (name, state,
// times, etag from the revision, revision).
void UnitToProto(const Unit& unit, v1::Unit* proto);
void PartyOrgToProto(const PartyOrg& org, v1::PartyOrg* proto);
void ExternalOrgToProto(const ExternalOrg& org, v1::ExternalOrg* proto);
void AllianceToProto(const Alliance& alliance, v1::Alliance* proto);
// `personal_data`: whether the caller may see ID-card and mobile numbers in
// the description; they are masked otherwise.
void AllianceItemToProto(const AllianceItem& item, bool personal_data, v1::AllianceItem* proto);
// `personal_data` as for AllianceItemToProto, for items in the event.
void EventToProto(const Event& event, bool personal_data, v1::Event* proto);

// Proto -> domain for the fields a client may supply: parent, level,
// display_name, code and details of a unit (name, state, times, etag and
// revision are ignored); parent, form, display_name, units (sorted
// ascending), established_date and rating of a party org. Names are parsed
// (INVALID_ARGUMENT naming `field_prefix` + the field); enum values outside
// the proto's range are INVALID_ARGUMENT. Business rules are left to
// ValidateNewUnit / ValidatePartyOrgFields and the core.
absl::StatusOr<Unit> UnitFromProto(const v1::Unit& proto, absl::string_view field_prefix);
absl::StatusOr<PartyOrg> PartyOrgFromProto(const v1::PartyOrg& proto,
                                           absl::string_view field_prefix);
// district, kind, display_name, credit_code, address.
absl::StatusOr<ExternalOrg> ExternalOrgFromProto(const v1::ExternalOrg& proto,
                                                 absl::string_view field_prefix);
// kind, unit, leading_party_org, display_name, members, established_date.
absl::StatusOr<Alliance> AllianceFromProto(const v1::Alliance& proto,
                                           absl::string_view field_prefix);
// kind, title, description.
absl::StatusOr<AllianceItem> AllianceItemFromProto(const v1::AllianceItem& proto,
                                                   absl::string_view field_prefix);

// The update paths implied by an Update request without a mask (AIP-134):
// the mutable fields set to a non-default value. For a unit among
// display_name, code, compound, building; for a party org among parent,
// display_name, units, established_date, rating.
std::vector<std::string> ImpliedUnitUpdatePaths(const v1::Unit& proto);
std::vector<std::string> ImpliedPartyOrgUpdatePaths(const v1::PartyOrg& proto);
std::vector<std::string> ImpliedExternalOrgUpdatePaths(const v1::ExternalOrg& proto);
std::vector<std::string> ImpliedAllianceUpdatePaths(const v1::Alliance& proto);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_PROTO_H_
