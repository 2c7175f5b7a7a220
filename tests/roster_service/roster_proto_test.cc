#include "roster_service/roster_proto.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using ::grassroots::testing::kInvalid;

template <typename Message>
Message ParseText(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) << text;
  return message;
}

// 2024-05-01 08:30:00.123456789 UTC.
const absl::Time kCreated = absl::FromUnixNanos(1714552200'123456789);
const absl::Time kUpdated = kCreated + absl::Hours(26);
const absl::CivilDay kToday(2026, 11, 23);

const View kMasked{/*unmask_personal_data=*/false, kToday};
const View kUnmasked{/*unmask_personal_data=*/true, kToday};

// GB 11643's own example: born 1949-12-31, a woman.
constexpr absl::string_view kIdCard = "11010519491231002X";
constexpr absl::string_view kPhone = "13800138000";

Person FullPerson() {
  Person person;
  person.id = 4;
  person.display_name = "张秀英";
  person.gender = Gender::kFemale;
  person.birth_date = absl::CivilDay(1949, 12, 31);
  person.id_card_number = std::string(kIdCard);
  person.phone = std::string(kPhone);
  person.residence_building_id = 43;
  person.residence_room = "502";
  person.party_status = PartyStatus::kFull;
  person.admission_date = absl::CivilDay(1975, 7, 1);
  person.member_category = MemberCategory::kRetired;
  person.external_key = "HR-001";
  person.create_time = kCreated;
  person.update_time = kUpdated;
  person.revision = 12;
  return person;
}

// What a client may supply; the rest is output only and not read back.
Person ClientFieldsOf(const Person& person) {
  Person fields = person;
  fields.id = 0;
  fields.create_time = absl::UnixEpoch();
  fields.update_time = absl::UnixEpoch();
  fields.deleted = false;
  fields.delete_time = absl::UnixEpoch();
  fields.revision = 0;
  return fields;
}

Membership EndedMembership() {
  Membership membership;
  membership.id = 17;
  membership.person_id = 4;
  membership.party_org_id = 9;
  membership.start_date = absl::CivilDay(2010, 3, 1);
  membership.end_date = absl::CivilDay(2024, 5, 1);
  membership.create_time = kCreated;
  membership.update_time = kUpdated;
  membership.revision = 13;
  return membership;
}

Registration CurrentRegistration() {
  Registration registration;
  registration.id = 3;
  registration.person_id = 4;
  registration.community_id = 12;
  registration.start_date = absl::CivilDay(2023, 9, 1);
  registration.create_time = kCreated;
  registration.update_time = kCreated;
  registration.revision = 14;
  return registration;
}

RoleAssignment BuildingLead() {
  RoleAssignment assignment;
  assignment.id = 21;
  assignment.person_id = 4;
  assignment.role = Role::kBuildingLead;
  assignment.place = Place{Place::Kind::kUnit, 43};
  assignment.start_date = absl::CivilDay(2024, 1, 1);
  assignment.note = "负责3号楼";
  assignment.create_time = kCreated;
  assignment.update_time = kUpdated;
  assignment.revision = 15;
  return assignment;
}

// --- People ---

TEST(PersonToProtoTest, WritesEveryFieldUnmaskedForTheGrant) {
  v1::Person proto;
  PersonToProto(FullPerson(), kUnmasked, &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::Person>(R"pb(
                name: "people/4"
                display_name: "张秀英"
                gender: FEMALE
                birth_date { year: 1949 month: 12 day: 31 }
                id_card_number: "11010519491231002X"
                phone: "13800138000"
                residence_building: "units/43"
                residence_room: "502"
                party_status: FULL
                admission_date { year: 1975 month: 7 day: 1 }
                member_category: RETIRED
                external_key: "HR-001"
                state: ACTIVE
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714645800 nanos: 123456789 }
                etag: "\"12\""
                revision: 12
              )pb")));
}

TEST(PersonToProtoTest, MasksPersonalDataWithoutTheGrant) {
  v1::Person proto;
  PersonToProto(FullPerson(), kMasked, &proto);
  EXPECT_EQ(proto.id_card_number(), "110105********002X");
  EXPECT_EQ(proto.phone(), "138****8000");
  EXPECT_FALSE(ContainsPersonalData(proto.DebugString()));
  // Everything else is as the grant shows it, but for the birth date.
  v1::Person unmasked;
  PersonToProto(FullPerson(), kUnmasked, &unmasked);
  unmasked.set_id_card_number(proto.id_card_number());
  unmasked.set_phone(proto.phone());
  unmasked.clear_birth_date();
  EXPECT_THAT(proto, EqualsProto(unmasked));
}

TEST(PersonToProtoTest, WithholdsTheBirthDateTheMaskHides) {
  // Region code and last four characters, with the birth date beside them,
  // would be the whole number.
  v1::Person proto;
  PersonToProto(FullPerson(), kMasked, &proto);
  EXPECT_FALSE(proto.has_birth_date());
  EXPECT_THAT(proto.DebugString(), Not(HasSubstr("1949")));

  // Without an ID-card number the birth date gives nothing away.
  Person person = FullPerson();
  person.id_card_number.clear();
  PersonToProto(person, kMasked, &proto);
  EXPECT_THAT(proto.birth_date(),
              EqualsProto(ParseText<grassroots::type::Date>("year: 1949 month: 12 day: 31")));
}

TEST(PersonToProtoTest, EmptyPersonalDataStaysEmpty) {
  Person person = FullPerson();
  person.id_card_number.clear();
  person.phone.clear();
  v1::Person proto;
  PersonToProto(person, kMasked, &proto);
  EXPECT_EQ(proto.id_card_number(), "");
  EXPECT_EQ(proto.phone(), "");
}

TEST(PersonToProtoTest, LeavesOptionalFieldsUnset) {
  Person person;
  person.id = 5;
  person.display_name = "王芳";
  person.party_status = PartyStatus::kNone;
  v1::Person proto;
  PersonToProto(person, kUnmasked, &proto);
  EXPECT_FALSE(proto.has_birth_date());
  EXPECT_FALSE(proto.has_admission_date());
  EXPECT_FALSE(proto.has_delete_time());
  EXPECT_EQ(proto.residence_building(), "");
  EXPECT_EQ(proto.party_status(), v1::Person::NONE);
}

TEST(PersonToProtoTest, ADeletedPersonHasStateAndDeleteTime) {
  Person person = FullPerson();
  person.deleted = true;
  person.delete_time = kUpdated + absl::Seconds(1);
  v1::Person proto;
  PersonToProto(person, kMasked, &proto);
  EXPECT_EQ(proto.state(), v1::Person::DELETED);
  EXPECT_EQ(proto.delete_time().seconds(), absl::ToUnixSeconds(person.delete_time));
}

TEST(RoleAssignmentToProtoTest, RedactsNumbersTypedIntoFreeTextWithoutTheGrant) {
  RoleAssignment assignment;
  assignment.id = 3;
  assignment.person_id = 1;
  assignment.role = Role::kBuildingLead;
  assignment.place = {Place::Kind::kUnit, 9};
  assignment.start_date = absl::CivilDay(2024, 1, 1);
  assignment.note = "有事找他 13812345678";
  v1::RoleAssignment masked;
  RoleAssignmentToProto(assignment, kMasked, &masked);
  EXPECT_EQ(masked.note(), "有事找他 138****5678");
  v1::RoleAssignment unmasked;
  RoleAssignmentToProto(assignment, kUnmasked, &unmasked);
  EXPECT_EQ(unmasked.note(), assignment.note);

  Person person = FullPerson();
  person.residence_room = "13812345678";
  v1::Person proto;
  PersonToProto(person, kMasked, &proto);
  EXPECT_EQ(proto.residence_room(), "138****5678");
}

TEST(PersonRoundTripTest, DomainToProtoAndBack) {
  v1::Person proto;
  PersonToProto(FullPerson(), kUnmasked, &proto);
  const absl::StatusOr<Person> back = PersonFromProto(proto, "person.");
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, ClientFieldsOf(FullPerson()));
}

TEST(PersonRoundTripTest, ProtoToDomainAndBack) {
  const auto input = ParseText<v1::Person>(R"pb(
    display_name: "陈刚"
    gender: MALE
    birth_date { year: 1990 month: 3 day: 7 }
    id_card_number: "330106199003070057"
    phone: "13912345678"
    residence_building: "units/8"
    residence_room: "1-301"
    party_status: PROBATIONARY
    admission_date { year: 2026 month: 1 day: 5 }
    member_category: IN_SERVICE
    external_key: "import-7"
  )pb");
  const absl::StatusOr<Person> person = PersonFromProto(input, "person.");
  ASSERT_THAT(person, IsOk());
  v1::Person output;
  PersonToProto(*person, kUnmasked, &output);
  // Only the output-only fields were added.
  for (const char* field : {"name", "state", "create_time", "update_time", "etag"}) {
    output.GetReflection()->ClearField(&output, output.GetDescriptor()->FindFieldByName(field));
  }
  EXPECT_THAT(output, EqualsProto(input));
}

TEST(PersonFromProtoTest, IgnoresOutputOnlyFields) {
  const absl::StatusOr<Person> person = PersonFromProto(ParseText<v1::Person>(R"pb(
                                                          name: "people/9"
                                                          state: DELETED
                                                          etag: "\"3\""
                                                          revision: 3
                                                          create_time { seconds: 5 }
                                                        )pb"),
                                                        "person.");
  ASSERT_THAT(person, IsOk());
  EXPECT_EQ(*person, Person());
}

TEST(PersonFromProtoTest, RefusesEnumValuesOutsideTheProto) {
  struct Case {
    const char* text;
    const char* expected;
  };
  for (const Case& c :
       {Case{"gender: 3", "person.gender: 3 is not a known value"},
        Case{"party_status: 4", "person.party_status: 4 is not a known value"},
        Case{"party_status: -1", "person.party_status: -1 is not a known value"},
        Case{"member_category: 5", "person.member_category: 5 is not a known value"}}) {
    EXPECT_THAT(PersonFromProto(ParseText<v1::Person>(c.text), "person."),
                StatusIs(kInvalid, HasSubstr(c.expected)))
        << c.text;
  }
}

TEST(PersonFromProtoTest, RefusesImpossibleDatesNamingTheField) {
  EXPECT_THAT(PersonFromProto(ParseText<v1::Person>("birth_date { year: 1990 month: 2 day: 30 }"),
                              "person."),
              StatusIs(kInvalid, HasSubstr("person.birth_date: 1990-02-30 is not a date")));
  EXPECT_THAT(
      PersonFromProto(ParseText<v1::Person>("admission_date { year: 2001 month: 7 }"), "person."),
      StatusIs(kInvalid, HasSubstr("person.admission_date: set year, month and day")));
  EXPECT_THAT(
      PersonFromProto(ParseText<v1::Person>("admission_date { year: 1800 month: 7 day: 1 }"),
                      "person."),
      StatusIs(kInvalid, HasSubstr("person.admission_date: year must be between 1900 and 2200")));
}

TEST(PersonFromProtoTest, RefusesABadBuildingName) {
  EXPECT_THAT(PersonFromProto(ParseText<v1::Person>(R"pb(residence_building: "partyOrgs/8")pb"),
                              "rows[2].person."),
              StatusIs(kInvalid, HasSubstr("rows[2].person.residence_building: must look like "
                                           "units/{id}")));
}

TEST(PersonFromProtoTest, KeepsPersonalDataAsSentForValidation) {
  // Normalising and checking is the domain's job (ValidateAndNormalizePerson).
  const absl::StatusOr<Person> person = PersonFromProto(
      ParseText<v1::Person>(R"pb(id_card_number: "11010519491231002x" phone: "+8613800138000")pb"),
      "person.");
  ASSERT_THAT(person, IsOk());
  EXPECT_EQ(person->id_card_number, "11010519491231002x");
  EXPECT_EQ(person->phone, "+8613800138000");
}

// --- Memberships and registrations ---

TEST(MembershipToProtoTest, AnEndedMembershipIsNotCurrent) {
  v1::Membership proto;
  MembershipToProto(EndedMembership(), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::Membership>(R"pb(
                name: "people/4/memberships/17"
                party_org: "partyOrgs/9"
                start_date { year: 2010 month: 3 day: 1 }
                end_date { year: 2024 month: 5 day: 1 }
                current: false
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714645800 nanos: 123456789 }
                revision: 13
              )pb")));
}

TEST(MembershipToProtoTest, AMembershipWithoutAnEndIsCurrent) {
  Membership membership = EndedMembership();
  membership.end_date.reset();
  v1::Membership proto;
  MembershipToProto(membership, &proto);
  EXPECT_TRUE(proto.current());
  EXPECT_FALSE(proto.has_end_date());
}

TEST(RegistrationToProtoTest, WritesEveryField) {
  v1::Registration proto;
  RegistrationToProto(CurrentRegistration(), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::Registration>(R"pb(
                name: "people/4/registrations/3"
                community: "units/12"
                start_date { year: 2023 month: 9 day: 1 }
                current: true
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714552200 nanos: 123456789 }
                revision: 14
              )pb")));

  Registration ended = CurrentRegistration();
  ended.end_date = absl::CivilDay(2025, 1, 1);
  RegistrationToProto(ended, &proto);
  EXPECT_FALSE(proto.current());
  EXPECT_EQ(proto.end_date().year(), 2025);
}

// --- Role assignments ---

TEST(RoleAssignmentToProtoTest, WritesEveryField) {
  v1::RoleAssignment proto;
  RoleAssignmentToProto(BuildingLead(), kMasked, &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::RoleAssignment>(R"pb(
                name: "roleAssignments/21"
                person: "people/4"
                role: BUILDING_LEAD
                place: "units/43"
                start_date { year: 2024 month: 1 day: 1 }
                note: "负责3号楼"
                current: true
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714645800 nanos: 123456789 }
                etag: "\"15\""
                revision: 15
              )pb")));
}

TEST(RoleAssignmentToProtoTest, CurrentIsDecidedByTheViewsDay) {
  RoleAssignment assignment = BuildingLead();
  assignment.end_date = absl::CivilDay(2026, 12, 31);
  v1::RoleAssignment proto;
  RoleAssignmentToProto(assignment, View{false, absl::CivilDay(2026, 12, 30)}, &proto);
  EXPECT_TRUE(proto.current());
  RoleAssignmentToProto(assignment, View{false, absl::CivilDay(2026, 12, 31)}, &proto);
  EXPECT_FALSE(proto.current());
  // Not started yet.
  RoleAssignmentToProto(assignment, View{false, absl::CivilDay(2023, 12, 31)}, &proto);
  EXPECT_FALSE(proto.current());
}

TEST(RoleAssignmentToProtoTest, APartyOrgPlace) {
  RoleAssignment assignment = BuildingLead();
  assignment.role = Role::kSecretary;
  assignment.place = Place{Place::Kind::kPartyOrg, 9};
  v1::RoleAssignment proto;
  RoleAssignmentToProto(assignment, kMasked, &proto);
  EXPECT_EQ(proto.place(), "partyOrgs/9");
  EXPECT_EQ(proto.role(), v1::SECRETARY);
}

TEST(RoleAssignmentRoundTripTest, DomainToProtoAndBack) {
  RoleAssignment assignment = BuildingLead();
  assignment.end_date = absl::CivilDay(2025, 12, 31);
  v1::RoleAssignment proto;
  RoleAssignmentToProto(assignment, kMasked, &proto);
  const absl::StatusOr<RoleAssignment> back = RoleAssignmentFromProto(proto, "role_assignment.");
  ASSERT_THAT(back, IsOk());
  RoleAssignment expected = assignment;  // without the output-only fields
  expected.id = 0;
  expected.create_time = absl::UnixEpoch();
  expected.update_time = absl::UnixEpoch();
  expected.revision = 0;
  EXPECT_EQ(*back, expected);
}

TEST(RoleAssignmentFromProtoTest, RequiresPersonPlaceAndStartDate) {
  const auto valid = ParseText<v1::RoleAssignment>(R"pb(
    person: "people/4"
    role: GRID_WORKER
    place: "units/12"
    start_date { year: 2024 month: 1 day: 1 }
  )pb");
  ASSERT_THAT(RoleAssignmentFromProto(valid, "role_assignment."), IsOk());

  v1::RoleAssignment proto = valid;
  proto.clear_person();
  EXPECT_THAT(RoleAssignmentFromProto(proto, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.person: is required")));
  proto = valid;
  proto.set_place("people/4");
  EXPECT_THAT(RoleAssignmentFromProto(proto, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.place: must look like units/{id} or "
                                           "partyOrgs/{id}")));
  proto = valid;
  proto.clear_start_date();
  EXPECT_THAT(RoleAssignmentFromProto(proto, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.start_date: is required")));
}

TEST(RoleAssignmentFromProtoTest, RefusesBadEnumsAndDates) {
  auto proto = ParseText<v1::RoleAssignment>(R"pb(
    person: "people/4"
    role: 19
    place: "units/12"
    start_date { year: 2024 month: 1 day: 1 }
  )pb");
  EXPECT_THAT(RoleAssignmentFromProto(proto, "roles[1]."),
              StatusIs(kInvalid, HasSubstr("roles[1].role: 19 is not a known value")));
  proto.set_role(v1::VOLUNTEER);
  proto.mutable_end_date()->set_year(2024);
  EXPECT_THAT(RoleAssignmentFromProto(proto, "roles[1]."),
              StatusIs(kInvalid, HasSubstr("roles[1].end_date: set year, month and day")));
  *proto.mutable_start_date() = ParseText<grassroots::type::Date>("year: 2024 month: 2 day: 30");
  EXPECT_THAT(RoleAssignmentFromProto(proto, "roles[1]."),
              StatusIs(kInvalid, HasSubstr("roles[1].start_date: 2024-02-30 is not a date")));
}

TEST(RoleAssignmentFromProtoTest, AnUnspecifiedRoleIsLeftToValidation) {
  const auto proto = ParseText<v1::RoleAssignment>(R"pb(
    person: "people/4"
    place: "units/12"
    start_date { year: 2024 month: 1 day: 1 }
  )pb");
  const absl::StatusOr<RoleAssignment> assignment =
      RoleAssignmentFromProto(proto, "role_assignment.");
  ASSERT_THAT(assignment, IsOk());
  EXPECT_THAT(ValidateRoleAssignmentFields(*assignment, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.role: is required")));
}

// --- Events ---

TEST(EventToProtoTest, ACreationHasNoBefore) {
  Event event;
  event.revision = 12;
  event.index = 0;
  event.time = kCreated;
  event.actor = "user:zhang";
  event.method = "CreatePerson";
  event.after = FullPerson();
  v1::Event proto;
  EventToProto(event, kUnmasked, &proto);

  EXPECT_EQ(proto.revision(), 12);
  EXPECT_EQ(proto.index(), 0);
  EXPECT_EQ(proto.time().seconds(), absl::ToUnixSeconds(kCreated));
  EXPECT_EQ(proto.actor(), "user:zhang");
  EXPECT_EQ(proto.method(), "CreatePerson");
  EXPECT_EQ(proto.resource(), "people/4");
  EXPECT_FALSE(proto.has_before());
  v1::Person expected;
  PersonToProto(FullPerson(), kUnmasked, &expected);
  EXPECT_THAT(proto.after().person(), EqualsProto(expected));
}

TEST(EventToProtoTest, SnapshotsAreMaskedWithTheView) {
  Person before = FullPerson();
  Person after = before;
  after.phone = "13912345678";
  after.revision = 13;
  Event event;
  event.revision = 13;
  event.method = "UpdatePerson";
  event.before = before;
  event.after = after;

  v1::Event masked;
  EventToProto(event, kMasked, &masked);
  EXPECT_EQ(masked.before().person().phone(), "138****8000");
  EXPECT_EQ(masked.after().person().phone(), "139****5678");
  EXPECT_EQ(masked.after().person().id_card_number(), "110105********002X");
  EXPECT_FALSE(ContainsPersonalData(masked.DebugString()));

  v1::Event unmasked;
  EventToProto(event, kUnmasked, &unmasked);
  EXPECT_EQ(unmasked.before().person().phone(), kPhone);
  EXPECT_EQ(unmasked.after().person().phone(), "13912345678");
  EXPECT_EQ(unmasked.after().person().id_card_number(), kIdCard);
}

TEST(EventToProtoTest, NamesEachKindOfResource) {
  struct Case {
    Snapshot snapshot;
    const char* resource;
    v1::ResourceSnapshot::ResourceCase kind;
  };
  for (const Case& c :
       {Case{FullPerson(), "people/4", v1::ResourceSnapshot::kPerson},
        Case{EndedMembership(), "people/4/memberships/17", v1::ResourceSnapshot::kMembership},
        Case{CurrentRegistration(), "people/4/registrations/3",
             v1::ResourceSnapshot::kRegistration},
        Case{BuildingLead(), "roleAssignments/21", v1::ResourceSnapshot::kRoleAssignment}}) {
    Event event;
    event.after = c.snapshot;
    v1::Event proto;
    EventToProto(event, kMasked, &proto);
    EXPECT_EQ(proto.resource(), c.resource);
    EXPECT_EQ(proto.after().resource_case(), c.kind) << c.resource;
  }
}

TEST(EventToProtoTest, RoleSnapshotsAreCurrentOnTheViewsDay) {
  RoleAssignment before = BuildingLead();
  RoleAssignment after = before;
  after.end_date = absl::CivilDay(2025, 6, 30);
  Event event;
  event.before = before;
  event.after = after;
  v1::Event proto;
  EventToProto(event, kMasked, &proto);
  EXPECT_TRUE(proto.before().role_assignment().current());
  EXPECT_FALSE(proto.after().role_assignment().current());
}

// --- Implied update paths ---

TEST(ImpliedPersonUpdatePathsTest, NamesTheMutableFieldsThatAreSet) {
  EXPECT_THAT(ImpliedPersonUpdatePaths(v1::Person()), IsEmpty());
  v1::Person proto;
  PersonToProto(FullPerson(), kUnmasked, &proto);
  EXPECT_THAT(ImpliedPersonUpdatePaths(proto),
              ElementsAre("display_name", "gender", "birth_date", "id_card_number", "phone",
                          "residence_building", "residence_room", "party_status", "admission_date",
                          "member_category", "external_key"));
  EXPECT_THAT(ImpliedPersonUpdatePaths(ParseText<v1::Person>(R"pb(
                name: "people/1"
                state: DELETED
                etag: "\"3\""
                revision: 3
              )pb")),
              IsEmpty());
}

TEST(ImpliedPersonUpdatePathsTest, AnAllZeroDateIsNotAChange) {
  v1::Person proto;
  proto.mutable_birth_date();
  proto.mutable_admission_date();
  EXPECT_THAT(ImpliedPersonUpdatePaths(proto), IsEmpty());
  proto.mutable_admission_date()->set_year(2020);
  EXPECT_THAT(ImpliedPersonUpdatePaths(proto), ElementsAre("admission_date"));
}

}  // namespace
}  // namespace grassroots::roster
