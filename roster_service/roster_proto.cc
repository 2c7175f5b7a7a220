#include "roster_service/roster_proto.h"

#include <cstdint>
#include <optional>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/personal_data.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::roster {
namespace {

// The domain enums are converted with a cast, which is right only while
// their values equal the proto's. These fail the build if either side is
// renumbered or grows.
static_assert(static_cast<int>(Gender::kMale) == v1::Person::MALE &&
              static_cast<int>(Gender::kFemale) == v1::Person::FEMALE &&
              v1::Person::Gender_MAX == v1::Person::FEMALE);
static_assert(static_cast<int>(PartyStatus::kFull) == v1::Person::FULL &&
              static_cast<int>(PartyStatus::kProbationary) == v1::Person::PROBATIONARY &&
              static_cast<int>(PartyStatus::kNone) == v1::Person::NONE &&
              v1::Person::PartyStatus_MAX == v1::Person::NONE);
static_assert(static_cast<int>(MemberCategory::kInService) == v1::Person::IN_SERVICE &&
              static_cast<int>(MemberCategory::kRetired) == v1::Person::RETIRED &&
              static_cast<int>(MemberCategory::kDirect) == v1::Person::DIRECT &&
              static_cast<int>(MemberCategory::kFloating) == v1::Person::FLOATING &&
              v1::Person::MemberCategory_MAX == v1::Person::FLOATING);
static_assert(static_cast<int>(Role::kSecretary) == v1::SECRETARY &&
              static_cast<int>(Role::kDeputySecretary) == v1::DEPUTY_SECRETARY &&
              static_cast<int>(Role::kCommitteeMember) == v1::COMMITTEE_MEMBER &&
              static_cast<int>(Role::kGroupLeader) == v1::GROUP_LEADER &&
              static_cast<int>(Role::kFirstSecretary) == v1::FIRST_SECRETARY &&
              static_cast<int>(Role::kWorkTeamMember) == v1::WORK_TEAM_MEMBER &&
              static_cast<int>(Role::kBuildingLead) == v1::BUILDING_LEAD &&
              static_cast<int>(Role::kGridWorker) == v1::GRID_WORKER &&
              static_cast<int>(Role::kMicroGridLiaison) == v1::MICRO_GRID_LIAISON &&
              static_cast<int>(Role::kPartyHousehold) == v1::PARTY_HOUSEHOLD &&
              static_cast<int>(Role::kVolunteer) == v1::VOLUNTEER &&
              static_cast<int>(Role::kOwnersCommitteeMember) == v1::OWNERS_COMMITTEE_MEMBER &&
              static_cast<int>(Role::kPropertyContact) == v1::PROPERTY_CONTACT &&
              static_cast<int>(Role::kResidentRepresentative) == v1::RESIDENT_REPRESENTATIVE &&
              static_cast<int>(Role::kPartyGroupMember) == v1::PARTY_GROUP_MEMBER &&
              static_cast<int>(Role::kResidentsCommitteeDirector) ==
                  v1::RESIDENTS_COMMITTEE_DIRECTOR &&
              static_cast<int>(Role::kResidentsCommitteeMember) == v1::RESIDENTS_COMMITTEE_MEMBER &&
              static_cast<int>(Role::kWorkTeamLeader) == v1::WORK_TEAM_LEADER &&
              v1::Role_MAX == v1::WORK_TEAM_LEADER);
static_assert(static_cast<int>(RegistrationPost::kVolunteer) == v1::Registration::VOLUNTEER &&
              v1::Registration::Post_MAX == v1::Registration::VOLUNTEER);

bool IsUnset(const grassroots::type::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

// What a caller without the grant sees of a number: its masked form. Empty
// stays empty, so that "none given" is not shown as a mask.
std::string Shown(const std::string& value, bool unmask, std::string (*mask)(absl::string_view)) {
  if (value.empty() || unmask) return value;
  return mask(value);
}

// Writes a snapshot into the oneof member of its type.
struct SnapshotWriter {
  const View& view;
  v1::ResourceSnapshot* proto;

  void operator()(const Person& person) const {
    PersonToProto(person, view, proto->mutable_person());
  }
  void operator()(const Membership& membership) const {
    MembershipToProto(membership, proto->mutable_membership());
  }
  void operator()(const Registration& registration) const {
    RegistrationToProto(registration, proto->mutable_registration());
  }
  void operator()(const RoleAssignment& assignment) const {
    RoleAssignmentToProto(assignment, view, proto->mutable_role_assignment());
  }
};

// A date the domain cannot do without: absent or all zeros is "is required".
absl::StatusOr<absl::CivilDay> RequiredDateFromProto(const grassroots::type::Date& proto,
                                                     absl::string_view field) {
  ASSIGN_OR_RETURN(const std::optional<absl::CivilDay> date, DateFromProto(proto, field));
  if (!date) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  return *date;
}

}  // namespace

void PersonToProto(const Person& person, const View& view, v1::Person* proto) {
  proto->Clear();
  const bool unmask = view.unmask_personal_data;
  proto->set_name(PersonName(person.id));
  proto->set_display_name(person.display_name);
  proto->set_gender(static_cast<v1::Person::Gender>(person.gender));
  // The mask keeps an ID-card number's region code and its last four
  // characters and hides the eight digits of the birth date; sending the
  // birth date beside it would give the whole number away.
  if (unmask || person.id_card_number.empty()) {
    if (person.birth_date) DateToProto(*person.birth_date, proto->mutable_birth_date());
  }
  proto->set_id_card_number(Shown(person.id_card_number, unmask, MaskIdCardNumber));
  proto->set_phone(Shown(person.phone, unmask, MaskMobilePhone));
  if (person.residence_building_id != 0) {
    proto->set_residence_building(org::UnitName(person.residence_building_id));
  }
  // Free text may hold a number someone typed in: masked like the fields.
  proto->set_residence_room(unmask ? person.residence_room
                                   : RedactPersonalData(person.residence_room));
  proto->set_party_status(static_cast<v1::Person::PartyStatus>(person.party_status));
  if (person.admission_date) DateToProto(*person.admission_date, proto->mutable_admission_date());
  proto->set_member_category(static_cast<v1::Person::MemberCategory>(person.member_category));
  proto->set_probation_extension_months(person.probation_extension_months);
  // A district's own key may be an ID-card number: masked like free text.
  proto->set_external_key(unmask ? person.external_key : RedactPersonalData(person.external_key));
  SoftDeletableToProto(person, proto);
}

void MembershipToProto(const Membership& membership, v1::Membership* proto) {
  proto->Clear();
  proto->set_name(MembershipName(membership.person_id, membership.id));
  proto->set_party_org(org::PartyOrgName(membership.party_org_id));
  DateToProto(membership.start_date, proto->mutable_start_date());
  if (membership.end_date) DateToProto(*membership.end_date, proto->mutable_end_date());
  proto->set_current(membership.current());
  TimeToProto(membership.create_time, proto->mutable_create_time());
  TimeToProto(membership.update_time, proto->mutable_update_time());
  proto->set_revision(membership.revision);
}

void RegistrationToProto(const Registration& registration, v1::Registration* proto) {
  proto->Clear();
  proto->set_name(RegistrationName(registration.person_id, registration.id));
  proto->set_community(org::UnitName(registration.community_id));
  if (registration.compound_id != 0) proto->set_compound(org::UnitName(registration.compound_id));
  proto->set_post(static_cast<v1::Registration::Post>(registration.post));
  proto->set_duty_zone(registration.duty_zone);
  if (registration.employer_id != 0) {
    proto->set_employer(org::ExternalOrgName(registration.employer_id));
  }
  DateToProto(registration.start_date, proto->mutable_start_date());
  if (registration.end_date) DateToProto(*registration.end_date, proto->mutable_end_date());
  proto->set_current(registration.current());
  TimeToProto(registration.create_time, proto->mutable_create_time());
  TimeToProto(registration.update_time, proto->mutable_update_time());
  proto->set_revision(registration.revision);
}

void RoleAssignmentToProto(const RoleAssignment& assignment, const View& view,
                           v1::RoleAssignment* proto) {
  proto->Clear();
  proto->set_name(RoleAssignmentName(assignment.id));
  proto->set_person(PersonName(assignment.person_id));
  proto->set_role(static_cast<v1::Role>(assignment.role));
  proto->set_place(PlaceName(assignment.place));
  DateToProto(assignment.start_date, proto->mutable_start_date());
  if (assignment.end_date) DateToProto(*assignment.end_date, proto->mutable_end_date());
  proto->set_note(view.unmask_personal_data ? assignment.note
                                            : RedactPersonalData(assignment.note));
  if (assignment.sending_org_id != 0) {
    proto->set_sending_org(org::ExternalOrgName(assignment.sending_org_id));
  }
  proto->set_current(assignment.CurrentOn(view.today));
  ResourceTimesToProto(assignment, proto);
}

void EventToProto(const Event& event, const View& view, v1::Event* proto) {
  proto->Clear();
  proto->set_revision(event.revision);
  proto->set_index(event.index);
  TimeToProto(event.time, proto->mutable_time());
  proto->set_actor(event.actor);
  proto->set_method(event.method);
  proto->set_resource(SnapshotName(event.after));
  if (event.before) std::visit(SnapshotWriter{view, proto->mutable_before()}, *event.before);
  std::visit(SnapshotWriter{view, proto->mutable_after()}, event.after);
}

absl::StatusOr<Person> PersonFromProto(const v1::Person& proto, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Person person;
  person.display_name = proto.display_name();
  ASSIGN_OR_RETURN(person.gender, EnumFromProto<Gender>(proto.gender(), v1::Person_Gender_IsValid,
                                                        field("gender")));
  ASSIGN_OR_RETURN(person.birth_date, DateFromProto(proto.birth_date(), field("birth_date")));
  person.id_card_number = proto.id_card_number();
  person.phone = proto.phone();
  ASSIGN_OR_RETURN(
      person.residence_building_id,
      ParseOptionalResourceName(proto.residence_building(), "units", field("residence_building")));
  person.residence_room = proto.residence_room();
  ASSIGN_OR_RETURN(person.party_status,
                   EnumFromProto<PartyStatus>(proto.party_status(), v1::Person_PartyStatus_IsValid,
                                              field("party_status")));
  ASSIGN_OR_RETURN(person.admission_date,
                   DateFromProto(proto.admission_date(), field("admission_date")));
  ASSIGN_OR_RETURN(
      person.member_category,
      EnumFromProto<MemberCategory>(proto.member_category(), v1::Person_MemberCategory_IsValid,
                                    field("member_category")));
  person.probation_extension_months = proto.probation_extension_months();
  person.external_key = proto.external_key();
  return person;
}

absl::StatusOr<RoleAssignment> RoleAssignmentFromProto(const v1::RoleAssignment& proto,
                                                       absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  RoleAssignment assignment;
  ASSIGN_OR_RETURN(assignment.person_id, ParsePersonName(proto.person(), field("person")));
  ASSIGN_OR_RETURN(assignment.role,
                   EnumFromProto<Role>(proto.role(), v1::Role_IsValid, field("role")));
  ASSIGN_OR_RETURN(assignment.place, ParsePlaceName(proto.place(), field("place")));
  ASSIGN_OR_RETURN(assignment.start_date,
                   RequiredDateFromProto(proto.start_date(), field("start_date")));
  ASSIGN_OR_RETURN(assignment.end_date, DateFromProto(proto.end_date(), field("end_date")));
  assignment.note = proto.note();
  ASSIGN_OR_RETURN(
      assignment.sending_org_id,
      ParseOptionalResourceName(proto.sending_org(), "externalOrgs", field("sending_org")));
  return assignment;
}

std::vector<std::string> ImpliedPersonUpdatePaths(const v1::Person& proto) {
  std::vector<std::string> paths;
  const auto add_if = [&](bool set, const char* path) {
    if (set) paths.push_back(path);
  };
  add_if(!proto.display_name().empty(), "display_name");
  add_if(proto.gender() != v1::Person::GENDER_UNSPECIFIED, "gender");
  // An all-zero date is the unset value, so it implies no change.
  add_if(!IsUnset(proto.birth_date()), "birth_date");
  add_if(!proto.id_card_number().empty(), "id_card_number");
  add_if(!proto.phone().empty(), "phone");
  add_if(!proto.residence_building().empty(), "residence_building");
  add_if(!proto.residence_room().empty(), "residence_room");
  add_if(proto.party_status() != v1::Person::PARTY_STATUS_UNSPECIFIED, "party_status");
  add_if(!IsUnset(proto.admission_date()), "admission_date");
  add_if(proto.member_category() != v1::Person::MEMBER_CATEGORY_UNSPECIFIED, "member_category");
  add_if(proto.probation_extension_months() != 0, "probation_extension_months");
  add_if(!proto.external_key().empty(), "external_key");
  return paths;
}

}  // namespace grassroots::roster
