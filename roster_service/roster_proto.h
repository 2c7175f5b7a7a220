#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_PROTO_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_PROTO_H_

// Conversion between the roster protos and the domain types; the only place
// that knows both. Personal data is masked here, on the way out, unless the
// caller may see it.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "roster_service/roster_event.h"

namespace grassroots::roster {

// How a caller sees resources: personal data masked unless `unmask`;
// `today` decides whether a role assignment is current.
struct View {
  bool unmask_personal_data = false;
  absl::CivilDay today;
};

// Domain -> proto, output-only fields included. Without the grant a
// person's ID-card number and phone are masked, and the birth date of a
// person with an ID-card number is left out: it is the part the mask hides.
void PersonToProto(const Person& person, const View& view, v1::Person* proto);
void MembershipToProto(const Membership& membership, v1::Membership* proto);
void RegistrationToProto(const Registration& registration, v1::Registration* proto);
void RoleAssignmentToProto(const RoleAssignment& assignment, const View& view,
                           v1::RoleAssignment* proto);
void EventToProto(const Event& event, const View& view, v1::Event* proto);

// Proto -> domain for what a client supplies. Names are parsed; enum values
// out of range and impossible dates are INVALID_ARGUMENT naming
// `field_prefix` + the field. Business rules are left to the domain and core.
absl::StatusOr<Person> PersonFromProto(const v1::Person& proto, absl::string_view field_prefix);
absl::StatusOr<RoleAssignment> RoleAssignmentFromProto(const v1::RoleAssignment& proto,
                                                       absl::string_view field_prefix);

// The update paths implied by an UpdatePerson without a mask: the mutable
// fields set to a non-default value.
std::vector<std::string> ImpliedPersonUpdatePaths(const v1::Person& proto);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_PROTO_H_
