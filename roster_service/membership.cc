#include "roster_service/membership.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/text.h"
#include "roster_service/person.h"

namespace grassroots::roster {
namespace {

constexpr absl::string_view kMemberships = "memberships";
constexpr absl::string_view kRegistrations = "registrations";

// "people/{person_id}/{collection}/{id}": the person's name followed by a
// name in the child collection.
std::string ChildResourceName(int64_t person_id, absl::string_view collection, int64_t id) {
  return absl::StrCat(PersonName(person_id), "/", FormatResourceName(collection, id));
}

absl::StatusOr<ChildName> ParseChildName(absl::string_view name, absl::string_view collection,
                                         absl::string_view field) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  // One message for every malformation: the parts' own messages would
  // describe only half of the pattern.
  const absl::Status malformed = absl::InvalidArgumentError(
      absl::StrCat(field, ": must look like people/{id}/", collection, "/{id} with positive ids"));
  const size_t first_slash = name.find('/');
  const size_t second_slash =
      first_slash == absl::string_view::npos ? first_slash : name.find('/', first_slash + 1);
  if (second_slash == absl::string_view::npos) return malformed;
  const absl::StatusOr<int64_t> person_id = ParsePersonName(name.substr(0, second_slash), field);
  const absl::StatusOr<int64_t> id =
      ParseResourceName(name.substr(second_slash + 1), collection, field);
  if (!person_id.ok() || !id.ok()) return malformed;
  return ChildName{*person_id, *id};
}

}  // namespace

std::string MembershipName(int64_t person_id, int64_t id) {
  return ChildResourceName(person_id, kMemberships, id);
}

std::string RegistrationName(int64_t person_id, int64_t id) {
  return ChildResourceName(person_id, kRegistrations, id);
}

absl::StatusOr<ChildName> ParseMembershipName(absl::string_view name, absl::string_view field) {
  return ParseChildName(name, kMemberships, field);
}

absl::StatusOr<ChildName> ParseRegistrationName(absl::string_view name, absl::string_view field) {
  return ParseChildName(name, kRegistrations, field);
}

bool IsValidRegistrationPost(RegistrationPost post) {
  return post >= RegistrationPost::kUnspecified && post <= RegistrationPost::kVolunteer;
}

absl::string_view RegistrationPostName(RegistrationPost post) {
  switch (post) {
    case RegistrationPost::kUnspecified:
      return "POST_UNSPECIFIED";
    case RegistrationPost::kBranchCommittee:
      return "BRANCH_COMMITTEE";
    case RegistrationPost::kGridWorker:
      return "GRID_WORKER";
    case RegistrationPost::kBuildingLead:
      return "BUILDING_LEAD";
    case RegistrationPost::kVolunteer:
      return "VOLUNTEER";
  }
  return "";
}

absl::Status ValidateRegistrationFields(const Registration& registration,
                                        absl::string_view field_prefix) {
  if (!IsValidRegistrationPost(registration.post)) {
    return absl::InvalidArgumentError(absl::StrCat(
        field_prefix, "post: must be BRANCH_COMMITTEE, GRID_WORKER, BUILDING_LEAD or VOLUNTEER"));
  }
  return ValidateDisplayText(registration.duty_zone, absl::StrCat(field_prefix, "duty_zone"),
                             kMaxDutyZoneChars, /*required=*/false);
}

absl::Status CheckMembershipPlace(const org_client::PlaceFacts& facts, absl::string_view field) {
  if (facts.form == org::OrgForm::kPartyGroup) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", org_client::PlaceName(facts.place),
        " is a PARTY_GROUP; a membership sits with its branch (belonging to a group is the "
        "PARTY_GROUP_MEMBER role)"));
  }
  return absl::OkStatus();
}

absl::Status CheckPeriod(absl::CivilDay start, absl::CivilDay end, absl::string_view field) {
  if (end >= start) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", absl::FormatCivilTime(end),
                                                 " is before the start, ",
                                                 absl::FormatCivilTime(start)));
}

}  // namespace grassroots::roster
