// Integration tests of the roster service: a real org_service and a real
// roster_service pointed at it, each on a loopback port with its own data
// directory, driven over gRPC. Each test starts fresh servers and creates
// the sample district of org_test_support.h in the org service;
// expectations follow the contract in protos/grassroots/roster/v1/*.proto
// and the rules in roster_service/roster_core.h.

#include <signal.h>

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster::testing {
namespace {

using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::NewBuilding;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::CheckHealth;
using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::EqualsProtos;
using ::grassroots::testing::HealthStatus;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::ListServicesByReflection;
using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::AnyOf;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::Property;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr grpc::StatusCode kInvalidArgument = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kNotFound = grpc::StatusCode::NOT_FOUND;
constexpr grpc::StatusCode kAlreadyExists = grpc::StatusCode::ALREADY_EXISTS;
constexpr grpc::StatusCode kFailedPrecondition = grpc::StatusCode::FAILED_PRECONDITION;
constexpr grpc::StatusCode kAborted = grpc::StatusCode::ABORTED;

// A masked ID-card number: the region code, eight stars, the last four.
constexpr char kMaskedIdCardPattern[] = "[1-8][0-9]{5}\\*{8}[0-9]{3}[0-9X]";
constexpr char kMaskedPhonePattern[] = "1[3-9][0-9]\\*{4}[0-9]{4}";

// The message must name the field and must not give the number away.
::testing::Matcher<const std::string&> NamesFieldNotNumber(const std::string& field,
                                                           const std::string& number) {
  return AllOf(HasSubstr(field), Not(HasSubstr(number)), Not(HasSubstr(number.substr(0, 17))));
}

// Everything a client sees of a person without the grant: no clear ID-card
// number, phone or (with an ID-card number) birth date.
void ExpectMasked(const v1::Person& person) {
  SCOPED_TRACE(person.ShortDebugString());
  if (!person.id_card_number().empty()) {
    EXPECT_THAT(person.id_card_number(), MatchesRegex(kMaskedIdCardPattern));
    EXPECT_FALSE(person.has_birth_date()) << "the birth date is what the mask hides";
  }
  if (!person.phone().empty()) {
    EXPECT_THAT(person.phone(), MatchesRegex(kMaskedPhonePattern));
  }
}

class RosterServerTest : public RosterServerFixture {
 protected:
  void SetUp() override {
    RosterServerFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(sample_, CreateSampleDistrict(org()));
  }

  int64_t CurrentRevisionOrDie() {
    absl::StatusOr<int64_t> revision = roster().CurrentRevision();
    EXPECT_OK(revision);
    return revision.value_or(-1);
  }

  // A full, in-service party member with a fresh ID-card number and phone.
  absl::StatusOr<v1::Person> CreateFullMember(absl::string_view display_name) {
    return CreateMember(display_name, v1::Person::FULL, v1::Person::IN_SERVICE);
  }
  absl::StatusOr<v1::Person> CreateMember(absl::string_view display_name,
                                          v1::Person::PartyStatus status,
                                          v1::Person::MemberCategory category) {
    const int n = next_person_++;
    return roster().CreatePerson(
        NewMember(display_name, status, category, TestIdCardNumber(n), TestPhone(n)));
  }
  absl::StatusOr<v1::Person> CreateNonMember(absl::string_view display_name) {
    const int n = next_person_++;
    return roster().CreatePerson(NewPerson(display_name, TestIdCardNumber(n), TestPhone(n)));
  }

  SampleDistrict sample_;
  int next_person_ = 100;
};

// --- People -------------------------------------------------------------------------------------

TEST_F(RosterServerTest, CreatedPeopleComeBackMaskedAndReadBackTheSame) {
  const std::string id_card = TestIdCardNumber(1);  // sequence 001: a man's
  v1::Person request =
      NewMember("张伟", v1::Person::FULL, v1::Person::IN_SERVICE, id_card, "13800135678");
  request.set_residence_building(sample_.building1.name());
  request.set_residence_room("1-302");
  request.set_external_key("hr:0001");
  ASSERT_OK_AND_ASSIGN(const v1::Person created, roster().CreatePerson(request));

  EXPECT_THAT(created.name(), MatchesRegex("people/[1-9][0-9]*"));
  EXPECT_EQ(created.id_card_number(), absl::StrCat("110105********", id_card.substr(14)));
  EXPECT_EQ(created.id_card_number(), ExpectedIdCardMask(id_card));
  EXPECT_EQ(created.phone(), "138****5678");
  ExpectMasked(created);
  EXPECT_EQ(created.gender(), v1::Person::MALE) << "filled in from the ID-card number";
  EXPECT_EQ(created.display_name(), "张伟");
  EXPECT_EQ(created.residence_building(), sample_.building1.name());
  EXPECT_EQ(created.residence_room(), "1-302");
  EXPECT_EQ(created.party_status(), v1::Person::FULL);
  EXPECT_EQ(created.member_category(), v1::Person::IN_SERVICE);
  EXPECT_THAT(created.admission_date(), EqualsProto(MakeDate(2005, 7, 1)));
  EXPECT_EQ(created.external_key(), "hr:0001");
  EXPECT_EQ(created.state(), v1::Person::ACTIVE);
  EXPECT_TRUE(created.has_create_time());
  EXPECT_FALSE(created.has_delete_time());
  EXPECT_FALSE(created.etag().empty());
  EXPECT_EQ(created.revision(), 1);

  EXPECT_THAT(roster().GetPerson(created.name()), IsOkAndHolds(EqualsProto(created)));

  // Without an ID-card number the birth date is not hidden.
  v1::Person plain = NewPerson("李娜", "", "13900001111");
  *plain.mutable_birth_date() = MakeDate(1990, 5, 17);
  ASSERT_OK_AND_ASSIGN(const v1::Person second, roster().CreatePerson(plain));
  EXPECT_THAT(second.birth_date(), EqualsProto(MakeDate(1990, 5, 17)));
  EXPECT_EQ(second.phone(), "139****1111");
  EXPECT_EQ(second.id_card_number(), "");
  EXPECT_EQ(second.revision(), created.revision() + 1);

  EXPECT_THAT(roster().BatchGetPeople({second.name(), created.name()}),
              IsOkAndHolds(ElementsAre(EqualsProto(second), EqualsProto(created))));
  EXPECT_THAT(roster().BatchGetPeople({created.name(), "people/999999"}),
              StatusIs(kNotFound, HasSubstr("people/999999")));
  EXPECT_THAT(roster().GetPerson("people/999999"), StatusIs(kNotFound, HasSubstr("people/999999")));
  EXPECT_THAT(roster().GetPerson("units/1"), StatusIs(kInvalidArgument, HasSubstr("name")));

  // A residence that is not a building is refused, naming the field.
  v1::Person misplaced = NewPerson("王强");
  misplaced.set_residence_building(sample_.compound1.name());
  EXPECT_THAT(roster().CreatePerson(misplaced),
              StatusIs(kInvalidArgument, HasSubstr("person.residence_building")));
}

TEST_F(RosterServerTest, ListPeopleFiltersAndPagesAtOneRevision) {
  std::vector<std::string> full;
  std::vector<std::string> zhang;
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK_AND_ASSIGN(const v1::Person p, CreateFullMember(absl::StrCat("张", i)));
    full.push_back(p.name());
    zhang.push_back(p.name());
  }
  ASSERT_OK_AND_ASSIGN(const v1::Person probationary,
                       CreateMember("张预备", v1::Person::PROBATIONARY, v1::Person::IN_SERVICE));
  zhang.push_back(probationary.name());
  ASSERT_OK_AND_ASSIGN(const v1::Person retired,
                       CreateMember("李退休", v1::Person::FULL, v1::Person::RETIRED));
  full.push_back(retired.name());
  ASSERT_OK(CreateNonMember("王群众"));

  v1::ListPeopleRequest request;
  request.set_filter("party_status = FULL");
  request.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(const v1::ListPeopleResponse first, roster().ListPeople(request));
  ASSERT_THAT(first.people(), SizeIs(2));
  ASSERT_FALSE(first.next_page_token().empty());

  // Written between the pages: a new full member, and a rename.
  ASSERT_OK_AND_ASSIGN(const v1::Person late, CreateFullMember("张迟到"));
  v1::Person rename;
  rename.set_name(full.back());
  rename.set_display_name("李改名");
  ASSERT_OK(roster().UpdatePerson(rename, {"display_name"}));

  request.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> rest, roster().ListAllPeople(request));
  EXPECT_THAT(rest.revisions, Each(Eq(first.revision())));
  std::vector<v1::Person> seen(first.people().begin(), first.people().end());
  seen.insert(seen.end(), rest.items.begin(), rest.items.end());
  EXPECT_THAT(NamesOf(seen), ElementsAreArray(full));
  for (const v1::Person& p : seen) {
    EXPECT_EQ(p.party_status(), v1::Person::FULL);
    ExpectMasked(p);
  }
  EXPECT_EQ(seen.back().display_name(), "李退休") << "read at the first page's revision";
  for (int size : rest.page_sizes) EXPECT_LE(size, 2);

  v1::ListPeopleRequest by_name;
  by_name.set_filter("display_name : \"张\"");
  zhang.push_back(late.name());
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> named, roster().ListAllPeople(by_name));
  EXPECT_THAT(NamesOf(named.items), ElementsAreArray(zhang));
  EXPECT_THAT(named.revisions, Each(Eq(late.revision() + 1)));

  v1::ListPeopleRequest combined;
  combined.set_filter("party_status = FULL AND member_category = RETIRED");
  EXPECT_THAT(
      roster().ListAllPeople(combined),
      IsOkAndHolds(::testing::Field(&Pages<v1::Person>::items,
                                    ElementsAre(Property(&v1::Person::name, retired.name())))));

  v1::ListPeopleRequest bad;
  bad.set_filter("party_status = MAYBE");
  EXPECT_THAT(roster().ListPeople(bad), StatusIs(kInvalidArgument, HasSubstr("filter")));
  bad.set_filter("");
  bad.set_page_size(1001);
  EXPECT_THAT(roster().ListPeople(bad), StatusIs(kInvalidArgument, HasSubstr("page_size")));
}

TEST_F(RosterServerTest, UpdateAppliesOnlyTheMaskAndRefusesAStaleEtag) {
  const std::string id_card = TestIdCardNumber(7);
  const std::string phone = "13800130007";
  ASSERT_OK_AND_ASSIGN(const v1::Person created,
                       roster().CreatePerson(NewMember("赵敏", v1::Person::FULL,
                                                       v1::Person::IN_SERVICE, id_card, phone)));

  // Only the fields in the mask change.
  v1::Person change;
  change.set_name(created.name());
  change.set_etag(created.etag());
  change.set_display_name("赵敏敏");
  change.set_residence_room("9-901");
  change.set_phone("13900139999");
  ASSERT_OK_AND_ASSIGN(const v1::Person updated,
                       roster().UpdatePerson(change, {"display_name", "residence_room"}));
  EXPECT_EQ(updated.display_name(), "赵敏敏");
  EXPECT_EQ(updated.residence_room(), "9-901");
  EXPECT_EQ(updated.phone(), ExpectedPhoneMask(phone)) << "phone was not in the mask";
  EXPECT_EQ(updated.id_card_number(), ExpectedIdCardMask(id_card));
  EXPECT_EQ(updated.revision(), created.revision() + 1);
  EXPECT_NE(updated.etag(), created.etag());
  EXPECT_THAT(updated.create_time(), EqualsProto(created.create_time()));
  EXPECT_THAT(roster().GetPerson(created.name()), IsOkAndHolds(EqualsProto(updated)));

  // The etag read before that update is stale now.
  const int64_t revision = CurrentRevisionOrDie();
  change.set_display_name("过时的修改");
  EXPECT_THAT(roster().UpdatePerson(change, {"display_name"}), StatusIs(kAborted));
  EXPECT_THAT(roster().DeletePerson(created.name(), created.etag()), StatusIs(kAborted));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision));

  // A client that sends back what it read, masked numbers and all, with
  // every field in the mask, changes only what it edited.
  ASSERT_OK_AND_ASSIGN(v1::Person as_read, roster().GetPerson(created.name()));
  as_read.set_residence_room("9-902");
  ASSERT_OK_AND_ASSIGN(const v1::Person round_trip, roster().UpdatePerson(as_read, {"*"}));
  EXPECT_EQ(round_trip.residence_room(), "9-902");
  EXPECT_EQ(round_trip.id_card_number(), ExpectedIdCardMask(id_card));
  EXPECT_EQ(round_trip.phone(), ExpectedPhoneMask(phone));
  EXPECT_EQ(round_trip.gender(), created.gender());
  // The stored number is the real one still.
  EXPECT_THAT(roster().LookupPersonByIdCard(id_card),
              IsOkAndHolds(Property(&v1::Person::name, created.name())));
  // Naming the masked fields explicitly is "unchanged" too.
  v1::Person masked_only;
  masked_only.set_name(created.name());
  masked_only.set_id_card_number(round_trip.id_card_number());
  masked_only.set_phone(round_trip.phone());
  ASSERT_OK_AND_ASSIGN(const v1::Person unchanged,
                       roster().UpdatePerson(masked_only, {"id_card_number", "phone"}));
  EXPECT_EQ(unchanged.id_card_number(), ExpectedIdCardMask(id_card));
  EXPECT_EQ(unchanged.phone(), ExpectedPhoneMask(phone));
  EXPECT_THAT(roster().LookupPersonByIdCard(id_card),
              IsOkAndHolds(Property(&v1::Person::name, created.name())));

  // A real new phone is taken.
  v1::Person new_phone;
  new_phone.set_name(created.name());
  new_phone.set_phone("13700001234");
  EXPECT_THAT(roster().UpdatePerson(new_phone, {"phone"}),
              IsOkAndHolds(Property(&v1::Person::phone, "137****1234")));

  v1::Person bad;
  bad.set_name(created.name());
  EXPECT_THAT(roster().UpdatePerson(bad, {"no_such_field"}),
              StatusIs(kInvalidArgument, HasSubstr("update_mask")));
  EXPECT_THAT(roster().UpdatePerson(bad, {"revision"}),
              StatusIs(kInvalidArgument, HasSubstr("update_mask")));
  bad.set_name("people/999999");
  bad.set_display_name("无此人");
  EXPECT_THAT(roster().UpdatePerson(bad, {"display_name"}), StatusIs(kNotFound));
}

TEST_F(RosterServerTest, ADuplicateIdCardNumberIsRefusedWithoutRepeatingIt) {
  const std::string id_card = TestIdCardNumber(21);
  ASSERT_OK_AND_ASSIGN(const v1::Person first,
                       roster().CreatePerson(NewPerson("孙一", id_card, TestPhone(21))));
  const int64_t revision = CurrentRevisionOrDie();

  EXPECT_THAT(roster().CreatePerson(NewPerson("孙二", id_card)),
              StatusIs(kAlreadyExists, NamesFieldNotNumber("person.id_card_number", id_card)));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision)) << "nothing was written";

  // Nor may an update take another person's number. (Sequence 023: the
  // same birth date and sex as 021, so that only the duplicate is wrong.)
  ASSERT_OK_AND_ASSIGN(const v1::Person second,
                       roster().CreatePerson(NewPerson("孙二", TestIdCardNumber(23))));
  v1::Person take;
  take.set_name(second.name());
  take.set_id_card_number(id_card);
  EXPECT_THAT(roster().UpdatePerson(take, {"id_card_number"}),
              StatusIs(kAlreadyExists, NamesFieldNotNumber("person.id_card_number", id_card)));
  EXPECT_THAT(roster().LookupPersonByIdCard(id_card),
              IsOkAndHolds(Property(&v1::Person::name, first.name())));
}

// A mistyped ID-card number is corrected by sending the right one: the
// birth date and sex the server filled in from the wrong number (the client
// never gave them, and without the grant never even sees the birth date)
// are filled in again from the right one.
TEST_F(RosterServerTest, CorrectingTheIdCardNumberAloneRefillsTheBirthDateAndSex) {
  const std::string mistyped = TestIdCardNumber(2);  // born 1 January 1970; 002: a woman
  const std::string right = TestIdCardNumber(1001);  // born 2 January 1970; 001: a man
  ASSERT_OK_AND_ASSIGN(const v1::Person created,
                       roster().CreatePerson(NewPerson("钱某", mistyped)));
  EXPECT_EQ(created.gender(), v1::Person::FEMALE);

  v1::Person fix;
  fix.set_name(created.name());
  fix.set_id_card_number(right);
  ASSERT_OK_AND_ASSIGN(const v1::Person fixed, roster().UpdatePerson(fix, {"id_card_number"}));
  EXPECT_EQ(fixed.id_card_number(), ExpectedIdCardMask(right));
  EXPECT_EQ(fixed.gender(), v1::Person::MALE);
  EXPECT_THAT(roster().LookupPersonByIdCard(right),
              IsOkAndHolds(Property(&v1::Person::name, created.name())));
  EXPECT_THAT(roster().LookupPersonByIdCard(mistyped), StatusIs(kNotFound));
}

TEST_F(RosterServerTest, AWrongCheckCharacterIsInvalidArgumentNamingTheField) {
  const std::string wrong = WithWrongCheckCharacter(TestIdCardNumber(31));
  const int64_t revision = CurrentRevisionOrDie();
  EXPECT_THAT(roster().CreatePerson(NewPerson("周某", wrong)),
              StatusIs(kInvalidArgument, NamesFieldNotNumber("person.id_card_number", wrong)));
  EXPECT_THAT(
      roster().CreatePerson(NewPerson("周某", "", "12345")),
      StatusIs(kInvalidArgument, AllOf(HasSubstr("person.phone"), Not(HasSubstr("12345")))));
  EXPECT_THAT(roster().CreatePerson(NewPerson("")),
              StatusIs(kInvalidArgument, HasSubstr("person.display_name")));
  v1::Person no_admission = NewMember("周党员", v1::Person::FULL, v1::Person::IN_SERVICE);
  no_admission.clear_admission_date();
  EXPECT_THAT(roster().CreatePerson(no_admission),
              StatusIs(kInvalidArgument, HasSubstr("person.admission_date")));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision));
}

TEST_F(RosterServerTest, LookupPersonByIdCardFindsTheLivePerson) {
  // A number whose check character is X, looked up with a lower-case x.
  int with_x = -1;
  for (int n = 0; n < 1000 && with_x < 0; ++n) {
    if (TestIdCardNumber(n).back() == 'X') with_x = n;
  }
  ASSERT_GE(with_x, 0);
  const std::string id_card = TestIdCardNumber(with_x);
  ASSERT_OK_AND_ASSIGN(const v1::Person created, roster().CreatePerson(NewPerson("吴某", id_card)));
  EXPECT_THAT(roster().LookupPersonByIdCard(id_card), IsOkAndHolds(EqualsProto(created)));
  EXPECT_THAT(roster().LookupPersonByIdCard(absl::AsciiStrToLower(id_card)),
              IsOkAndHolds(EqualsProto(created)));

  const std::string unknown = TestIdCardNumber(with_x + 1);
  EXPECT_THAT(roster().LookupPersonByIdCard(unknown),
              StatusIs(kNotFound, NamesFieldNotNumber("id_card_number", unknown)));
  EXPECT_THAT(roster().LookupPersonByIdCard("12345"),
              StatusIs(kInvalidArgument, HasSubstr("id_card_number")));

  ASSERT_OK(roster().DeletePerson(created.name()));
  EXPECT_THAT(roster().LookupPersonByIdCard(id_card), StatusIs(kNotFound));
}

TEST_F(RosterServerTest, DeleteIsRefusedWhileTheyHoldARoleOrAMembership) {
  ASSERT_OK_AND_ASSIGN(const v1::Person lead, CreateNonMember("郑楼长"));
  ASSERT_OK_AND_ASSIGN(
      const v1::RoleAssignment role,
      roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, sample_.building1.name())));
  EXPECT_THAT(roster().DeletePerson(lead.name()),
              StatusIs(kFailedPrecondition, HasSubstr(role.name())));

  ASSERT_OK_AND_ASSIGN(const v1::RoleAssignment ended,
                       roster().EndRoleAssignment(role.name(), DateOf(TodayInChina())));
  EXPECT_FALSE(ended.current());
  ASSERT_OK_AND_ASSIGN(const v1::Person deleted, roster().DeletePerson(lead.name()));
  EXPECT_EQ(deleted.state(), v1::Person::DELETED);
  EXPECT_TRUE(deleted.has_delete_time());
  EXPECT_THAT(roster().GetPerson(lead.name()), IsOkAndHolds(EqualsProto(deleted)));
  ExpectMasked(deleted);

  v1::ListPeopleRequest live;
  EXPECT_THAT(roster().ListAllPeople(live),
              IsOkAndHolds(::testing::Field(&Pages<v1::Person>::items, IsEmpty())));
  v1::ListPeopleRequest all;
  all.set_show_deleted(true);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> with_deleted, roster().ListAllPeople(all));
  EXPECT_THAT(with_deleted.items, ElementsAre(EqualsProto(deleted)));

  // A current membership holds a person too.
  ASSERT_OK_AND_ASSIGN(const v1::Person member, CreateFullMember("郑党员"));
  ASSERT_OK(roster().StartMembership(member.name(), sample_.branch.name(), MakeDate(2020, 3, 1)));
  EXPECT_THAT(roster().DeletePerson(member.name()),
              StatusIs(kFailedPrecondition, HasSubstr("membership")));
  EXPECT_THAT(roster().GetPerson(member.name()),
              IsOkAndHolds(Property(&v1::Person::state, v1::Person::ACTIVE)));
}

TEST_F(RosterServerTest, ARequestIdMakesACreateIdempotent) {
  const v1::Person request = NewPerson("冯某", TestIdCardNumber(41), TestPhone(41));
  ASSERT_OK_AND_ASSIGN(const v1::Person created, roster().CreatePerson(request, "import-41"));
  const int64_t revision = CurrentRevisionOrDie();
  EXPECT_THAT(roster().CreatePerson(request, "import-41"), IsOkAndHolds(EqualsProto(created)));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision)) << "the retry wrote nothing";

  v1::ListPeopleRequest all;
  EXPECT_THAT(
      roster().ListAllPeople(all),
      IsOkAndHolds(::testing::Field(&Pages<v1::Person>::items, ElementsAre(EqualsProto(created)))));

  const v1::RoleAssignment role = NewRole(created.name(), v1::VOLUNTEER, sample_.community1.name());
  ASSERT_OK_AND_ASSIGN(const v1::RoleAssignment assigned, roster().AssignRole(role, "role-41"));
  EXPECT_THAT(roster().AssignRole(role, "role-41"), IsOkAndHolds(EqualsProto(assigned)));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision + 1));

  EXPECT_THAT(roster().CreatePerson(request, std::string(65, 'r')),
              StatusIs(kInvalidArgument, HasSubstr("request_id")));
}

// --- Memberships
// ----------------------------------------------------------------------------------

TEST_F(RosterServerTest, MembershipsStartOnceAndTransferAtomically) {
  ASSERT_OK_AND_ASSIGN(const v1::Person member, CreateFullMember("陈党员"));
  ASSERT_OK_AND_ASSIGN(
      const v1::Membership started,
      roster().StartMembership(member.name(), sample_.branch.name(), MakeDate(2020, 3, 1)));
  EXPECT_THAT(started.name(),
              MatchesRegex(absl::StrCat(member.name(), "/memberships/[1-9][0-9]*")));
  EXPECT_EQ(started.party_org(), sample_.branch.name());
  EXPECT_THAT(started.start_date(), EqualsProto(MakeDate(2020, 3, 1)));
  EXPECT_FALSE(started.has_end_date());
  EXPECT_TRUE(started.current());

  EXPECT_THAT(
      roster().StartMembership(member.name(), sample_.joint_branch.name(), MakeDate(2021, 1, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(started.name())));

  // The transfer: the old one ends on the date, the new one starts on it,
  // in one revision.
  ASSERT_OK_AND_ASSIGN(const v1::Membership moved,
                       roster().TransferMembership(member.name(), sample_.joint_branch.name(),
                                                   MakeDate(2021, 5, 1)));
  EXPECT_EQ(moved.party_org(), sample_.joint_branch.name());
  EXPECT_THAT(moved.start_date(), EqualsProto(MakeDate(2021, 5, 1)));
  EXPECT_TRUE(moved.current());
  EXPECT_NE(moved.name(), started.name());
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Membership> history,
                       roster().Memberships(member.name()));
  ASSERT_THAT(history, SizeIs(2));
  EXPECT_EQ(history[0].name(), started.name());
  EXPECT_EQ(history[0].party_org(), sample_.branch.name());
  EXPECT_THAT(history[0].start_date(), EqualsProto(MakeDate(2020, 3, 1)));
  EXPECT_THAT(history[0].end_date(), EqualsProto(MakeDate(2021, 5, 1)));
  EXPECT_FALSE(history[0].current());
  EXPECT_EQ(history[0].revision(), moved.revision());
  EXPECT_THAT(history[1], EqualsProto(moved));

  // Everyone's, at one organisation, current only.
  v1::ListMembershipsRequest at_branch;
  at_branch.set_parent("people/-");
  at_branch.set_party_org(sample_.joint_branch.name());
  at_branch.set_current_only(true);
  EXPECT_THAT(roster().ListAllMemberships(at_branch),
              IsOkAndHolds(::testing::Field(&Pages<v1::Membership>::items,
                                            ElementsAre(EqualsProto(moved)))));
  at_branch.set_party_org(sample_.branch.name());
  EXPECT_THAT(roster().ListAllMemberships(at_branch),
              IsOkAndHolds(::testing::Field(&Pages<v1::Membership>::items, IsEmpty())));

  // Refused transfers write nothing.
  const int64_t revision = CurrentRevisionOrDie();
  ASSERT_OK(org().DeletePartyOrg(sample_.party_group.name()));
  EXPECT_THAT(
      roster().TransferMembership(member.name(), sample_.party_group.name(), MakeDate(2022, 1, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(sample_.party_group.name())));
  EXPECT_THAT(roster().TransferMembership(member.name(), "partyOrgs/999999", MakeDate(2022, 1, 1)),
              StatusIs(kNotFound, HasSubstr("partyOrgs/999999")));
  EXPECT_THAT(
      roster().TransferMembership(member.name(), sample_.joint_branch.name(), MakeDate(2022, 1, 1)),
      StatusIs(kInvalidArgument, HasSubstr("party_org")));
  EXPECT_THAT(
      roster().TransferMembership(member.name(), sample_.branch.name(), MakeDate(2021, 4, 30)),
      StatusIs(kInvalidArgument, HasSubstr("date")));
  EXPECT_THAT(
      roster().TransferMembership(member.name(), sample_.branch.name(), grassroots::type::Date()),
      StatusIs(kInvalidArgument, HasSubstr("date")));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(roster().Memberships(member.name()),
              IsOkAndHolds(ElementsAreArray(EqualsProtos(history))));

  // Not for people who are not party members, nor a transfer of nothing.
  ASSERT_OK_AND_ASSIGN(const v1::Person outsider, CreateNonMember("陈群众"));
  EXPECT_THAT(
      roster().StartMembership(outsider.name(), sample_.branch.name(), MakeDate(2020, 3, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(outsider.name())));
  ASSERT_OK_AND_ASSIGN(const v1::Person newcomer, CreateFullMember("陈新党员"));
  EXPECT_THAT(
      roster().TransferMembership(newcomer.name(), sample_.branch.name(), MakeDate(2022, 1, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(newcomer.name())));
  EXPECT_THAT(roster().StartMembership(newcomer.name(), "partyOrgs/999999", MakeDate(2020, 3, 1)),
              StatusIs(kNotFound));
  EXPECT_THAT(
      roster().StartMembership(newcomer.name(), sample_.party_group.name(), MakeDate(2020, 3, 1)),
      StatusIs(kFailedPrecondition));
  EXPECT_THAT(
      roster().StartMembership("people/999999", sample_.branch.name(), MakeDate(2020, 3, 1)),
      StatusIs(kNotFound, HasSubstr("people/999999")));
  EXPECT_THAT(roster().Memberships(outsider.name()), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(roster().Memberships(newcomer.name()), IsOkAndHolds(IsEmpty()));
}

// --- Registrations
// --------------------------------------------------------------------------------

TEST_F(RosterServerTest, AnInServiceMemberRegistersWithOneCommunityAtATime) {
  ASSERT_OK_AND_ASSIGN(const v1::Person member, CreateFullMember("黄在职"));
  ASSERT_OK_AND_ASSIGN(
      const v1::Registration registration,
      roster().CreateRegistration(member.name(), sample_.community2.name(), MakeDate(2023, 2, 1)));
  EXPECT_THAT(registration.name(),
              MatchesRegex(absl::StrCat(member.name(), "/registrations/[1-9][0-9]*")));
  EXPECT_EQ(registration.community(), sample_.community2.name());
  EXPECT_THAT(registration.start_date(), EqualsProto(MakeDate(2023, 2, 1)));
  EXPECT_TRUE(registration.current());
  EXPECT_THAT(roster().Registrations(member.name()),
              IsOkAndHolds(ElementsAre(EqualsProto(registration))));

  const int64_t revision = CurrentRevisionOrDie();
  EXPECT_THAT(
      roster().CreateRegistration(member.name(), sample_.community1.name(), MakeDate(2023, 3, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(registration.name())));

  ASSERT_OK_AND_ASSIGN(const v1::Person other, CreateFullMember("黄另一"));
  EXPECT_THAT(
      roster().CreateRegistration(other.name(), sample_.compound1.name(), MakeDate(2023, 3, 1)),
      StatusIs(kInvalidArgument, HasSubstr("community")));
  EXPECT_THAT(
      roster().CreateRegistration(other.name(), sample_.street1.name(), MakeDate(2023, 3, 1)),
      StatusIs(kInvalidArgument, HasSubstr("community")));
  EXPECT_THAT(roster().CreateRegistration(other.name(), "units/999999", MakeDate(2023, 3, 1)),
              StatusIs(kNotFound, HasSubstr("units/999999")));
  ASSERT_OK_AND_ASSIGN(const v1::Person retired,
                       CreateMember("黄退休", v1::Person::FULL, v1::Person::RETIRED));
  EXPECT_THAT(
      roster().CreateRegistration(retired.name(), sample_.community1.name(), MakeDate(2023, 3, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(retired.name())));
  ASSERT_OK_AND_ASSIGN(const v1::Person outsider, CreateNonMember("黄群众"));
  EXPECT_THAT(
      roster().CreateRegistration(outsider.name(), sample_.community1.name(), MakeDate(2023, 3, 1)),
      StatusIs(kFailedPrecondition, HasSubstr(outsider.name())));
  // The people created above are the only writes.
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision + 3));

  EXPECT_THAT(roster().Registrations("people/-"),
              IsOkAndHolds(ElementsAre(EqualsProto(registration))));
}

// --- Roles --------------------------------------------------------------------------------------

TEST_F(RosterServerTest, RolesAreHeldOnlyWhereAndByWhomTheRulesAllow) {
  ASSERT_OK_AND_ASSIGN(const v1::Person lead, CreateNonMember("林楼长"));
  ASSERT_OK_AND_ASSIGN(
      const v1::RoleAssignment building_lead,
      roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, sample_.building1.name())));
  EXPECT_THAT(building_lead.name(), MatchesRegex("roleAssignments/[1-9][0-9]*"));
  EXPECT_EQ(building_lead.person(), lead.name());
  EXPECT_EQ(building_lead.role(), v1::BUILDING_LEAD);
  EXPECT_EQ(building_lead.place(), sample_.building1.name());
  EXPECT_THAT(building_lead.start_date(), EqualsProto(MakeDate(2023, 1, 1)));
  EXPECT_TRUE(building_lead.current());
  EXPECT_FALSE(building_lead.etag().empty());
  EXPECT_THAT(roster().GetRoleAssignment(building_lead.name()),
              IsOkAndHolds(EqualsProto(building_lead)));

  const int64_t revision = CurrentRevisionOrDie();
  EXPECT_THAT(
      roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, sample_.compound1.name())),
      StatusIs(kInvalidArgument, HasSubstr("role_assignment.place")));
  EXPECT_THAT(roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, sample_.branch.name())),
              StatusIs(kInvalidArgument, HasSubstr("role_assignment.place")));
  EXPECT_THAT(roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, "units/999999")),
              StatusIs(kNotFound, HasSubstr("units/999999")));
  EXPECT_THAT(
      roster().AssignRole(NewRole("people/999999", v1::BUILDING_LEAD, sample_.building2.name())),
      StatusIs(kNotFound, HasSubstr("people/999999")));
  EXPECT_THAT(
      roster().AssignRole(NewRole(lead.name(), v1::ROLE_UNSPECIFIED, sample_.building2.name())),
      StatusIs(kInvalidArgument, HasSubstr("role_assignment.role")));
  EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision));

  // Secretaries: full members only, one in office per organisation.
  ASSERT_OK_AND_ASSIGN(const v1::Person full, CreateFullMember("林书记"));
  ASSERT_OK_AND_ASSIGN(const v1::Person full2, CreateFullMember("林二"));
  ASSERT_OK_AND_ASSIGN(const v1::Person probationary,
                       CreateMember("林预备", v1::Person::PROBATIONARY, v1::Person::IN_SERVICE));
  ASSERT_OK_AND_ASSIGN(
      const v1::RoleAssignment secretary,
      roster().AssignRole(NewRole(full.name(), v1::SECRETARY, sample_.branch.name())));
  EXPECT_TRUE(secretary.current());
  EXPECT_THAT(roster().AssignRole(NewRole(full2.name(), v1::SECRETARY, sample_.branch.name())),
              StatusIs(kFailedPrecondition, HasSubstr(secretary.name())));
  EXPECT_THAT(
      roster().AssignRole(NewRole(probationary.name(), v1::SECRETARY, sample_.joint_branch.name())),
      StatusIs(kFailedPrecondition, HasSubstr(probationary.name())));
  EXPECT_THAT(roster().AssignRole(NewRole(lead.name(), v1::SECRETARY, sample_.joint_branch.name())),
              StatusIs(kFailedPrecondition, HasSubstr(lead.name())));
  EXPECT_THAT(roster().AssignRole(NewRole(full2.name(), v1::SECRETARY, sample_.party_group.name())),
              StatusIs(kInvalidArgument, HasSubstr("role_assignment.place")));
  // Deputies come in numbers, and a probationary member may still be a
  // building lead.
  EXPECT_OK(
      roster().AssignRole(NewRole(full2.name(), v1::DEPUTY_SECRETARY, sample_.branch.name())));
  EXPECT_OK(roster().AssignRole(
      NewRole(probationary.name(), v1::BUILDING_LEAD, sample_.building2.name())));

  // Ending a role: a stale etag is refused; ended today, it is no longer current
  // and the office is free.
  EXPECT_THAT(
      roster().EndRoleAssignment(secretary.name(), DateOf(TodayInChina()), building_lead.etag()),
      StatusIs(kAborted));
  EXPECT_THAT(roster().EndRoleAssignment(secretary.name(), MakeDate(2022, 12, 31)),
              StatusIs(kInvalidArgument, HasSubstr("end_date")));
  ASSERT_OK_AND_ASSIGN(
      const v1::RoleAssignment ended,
      roster().EndRoleAssignment(secretary.name(), DateOf(TodayInChina()), secretary.etag()));
  EXPECT_FALSE(ended.current());
  EXPECT_THAT(ended.end_date(), EqualsProto(DateOf(TodayInChina())));
  EXPECT_GT(ended.revision(), secretary.revision());
  EXPECT_THAT(roster().GetRoleAssignment(secretary.name()), IsOkAndHolds(EqualsProto(ended)));
  EXPECT_OK(roster().AssignRole(NewRole(full2.name(), v1::SECRETARY, sample_.branch.name())));
  EXPECT_THAT(roster().GetRoleAssignment("roleAssignments/999999"), StatusIs(kNotFound));
}

TEST_F(RosterServerTest, RoleListsByPersonPlaceAndSubtreeFollowMovesInTheOrgService) {
  const SampleDistrict& s = sample_;
  ASSERT_OK_AND_ASSIGN(const org_v1::Unit building6,
                       org().CreateUnit(NewBuilding(s.compound5.name(), "6栋", "B6", 30, 11, "")));

  ASSERT_OK_AND_ASSIGN(const v1::Person lead1, CreateNonMember("楼长一"));
  ASSERT_OK_AND_ASSIGN(const v1::Person lead2, CreateNonMember("楼长二"));
  ASSERT_OK_AND_ASSIGN(const v1::Person lead3, CreateNonMember("楼长三"));
  ASSERT_OK_AND_ASSIGN(const v1::Person lead4, CreateNonMember("楼长四"));
  ASSERT_OK_AND_ASSIGN(const v1::Person sec1, CreateFullMember("书记一"));
  ASSERT_OK_AND_ASSIGN(const v1::Person sec2, CreateFullMember("书记二"));
  ASSERT_OK_AND_ASSIGN(const v1::Person sec3, CreateFullMember("书记三"));
  const auto assign = [&](const v1::Person& who, v1::Role role, const std::string& place) {
    absl::StatusOr<v1::RoleAssignment> made = roster().AssignRole(NewRole(who.name(), role, place));
    EXPECT_OK(made) << place;
    return made.ok() ? made->name() : "";
  };
  const std::string lead_b1 = assign(lead1, v1::BUILDING_LEAD, s.building1.name());
  const std::string lead_b4 = assign(lead2, v1::BUILDING_LEAD, s.building4.name());
  const std::string lead_b5 = assign(lead3, v1::BUILDING_LEAD, s.building5.name());
  const std::string lead_b6 = assign(lead4, v1::BUILDING_LEAD, building6.name());
  const std::string grid_c1 = assign(lead1, v1::GRID_WORKER, s.community1.name());
  const std::string sec_branch = assign(sec1, v1::SECRETARY, s.branch.name());
  const std::string sec_wc1 = assign(sec2, v1::SECRETARY, s.working_committee1.name());
  const std::string sec_wc2 = assign(sec3, v1::SECRETARY, s.working_committee2.name());
  ASSERT_FALSE(HasFailure());

  // By holder, and by place alone.
  v1::ListRoleAssignmentsRequest by_person;
  by_person.set_person(lead1.name());
  EXPECT_THAT(roster().RoleAssignmentNames(by_person), IsOkAndHolds(ElementsAre(lead_b1, grid_c1)));
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.building1.name(), false)),
              IsOkAndHolds(ElementsAre(lead_b1)));
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.branch.name(), false)),
              IsOkAndHolds(ElementsAre(sec_branch)));
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.street1.name(), false)),
              IsOkAndHolds(IsEmpty()));

  // Everything below a street: the leads of its buildings, and the
  // secretaries of the organisations covering its units.
  ASSERT_OK(WaitForReplicaToKnow(building6.name()));
  EXPECT_THAT(
      roster().RoleAssignmentNames(RolesAtRequest(s.street1.name(), true)),
      IsOkAndHolds(UnorderedElementsAre(lead_b1, lead_b4, lead_b5, grid_c1, sec_branch, sec_wc1)));
  EXPECT_THAT(
      roster().RoleAssignmentNames(RolesAtRequest(s.street1.name(), true, {v1::BUILDING_LEAD})),
      IsOkAndHolds(ElementsAre(lead_b1, lead_b4, lead_b5)));
  EXPECT_THAT(roster().RoleAssignmentNames(
                  RolesAtRequest(s.street1.name(), true, {v1::SECRETARY, v1::GRID_WORKER})),
              IsOkAndHolds(UnorderedElementsAre(grid_c1, sec_branch, sec_wc1)));
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.street2.name(), true)),
              IsOkAndHolds(UnorderedElementsAre(lead_b6, sec_wc2)));
  // Paged, the same.
  v1::ListRoleAssignmentsRequest paged = RolesAtRequest(s.street1.name(), true);
  paged.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::RoleAssignment> pages,
                       roster().ListAllRoleAssignments(paged));
  EXPECT_THAT(NamesOf(pages.items),
              UnorderedElementsAre(lead_b1, lead_b4, lead_b5, grid_c1, sec_branch, sec_wc1));
  for (int size : pages.page_sizes) EXPECT_LE(size, 2);
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.branch.name(), true)),
              StatusIs(kInvalidArgument, HasSubstr("include_descendants")));

  // The org service moves 阳光花园 (with its two buildings) to a community
  // of the other street; the roster follows its events.
  ASSERT_OK(org().MoveUnit(s.compound4.name(), s.community3.name()));
  const absl::Time moved = absl::Now();
  absl::Status followed = RetryFor(kReplicaCatchUp, absl::Milliseconds(20), [&]() -> absl::Status {
    absl::StatusOr<std::vector<std::string>> names =
        roster().RoleAssignmentNames(RolesAtRequest(s.street2.name(), true, {v1::BUILDING_LEAD}));
    if (!names.ok()) return names.status();
    if (std::count(names->begin(), names->end(), lead_b4) == 0) {
      return absl::NotFoundError("the leads of 阳光花园 are not under the new street yet");
    }
    return absl::OkStatus();
  });
  ASSERT_OK(followed);
  std::cout << "[ replica  ] the roster followed the move within " << absl::Now() - moved << "\n";
  EXPECT_THAT(
      roster().RoleAssignmentNames(RolesAtRequest(s.street2.name(), true, {v1::BUILDING_LEAD})),
      IsOkAndHolds(ElementsAre(lead_b4, lead_b5, lead_b6)));
  EXPECT_THAT(
      roster().RoleAssignmentNames(RolesAtRequest(s.street1.name(), true, {v1::BUILDING_LEAD})),
      IsOkAndHolds(ElementsAre(lead_b1)));
  EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(s.street1.name(), true)),
              IsOkAndHolds(UnorderedElementsAre(lead_b1, grid_c1, sec_branch, sec_wc1)));
  // The assignments themselves are untouched.
  EXPECT_THAT(roster().GetRoleAssignment(lead_b4),
              IsOkAndHolds(Property(&v1::RoleAssignment::place, s.building4.name())));
}

// --- When the org service is away ----------------------------------------------------------------

// Whether every thread of process `pid` is stopped (state T in /proc).
bool AllThreadsStopped(pid_t pid) {
  std::error_code error;
  int threads = 0;
  for (const std::filesystem::directory_entry& task :
       std::filesystem::directory_iterator(absl::StrCat("/proc/", pid, "/task"), error)) {
    std::ifstream in(task.path() / "stat");
    const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // "tid (comm) S ...": the state follows the last parenthesis.
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] != 'T') {
      return false;
    }
    ++threads;
  }
  return !error && threads > 0;
}

// A write that names a place and so must ask the org service first.
struct OrgDependentWrite {
  std::string what;
  std::function<absl::Status()> call;
};

class OrgServiceAwayTest : public RosterServerTest {
 protected:
  // How long a refused write may take with --org_deadline=1s: behaviour,
  // not speed. A roster that waited for the hung org service past its own
  // deadline would take the client's (far longer); five times the org
  // deadline is far above the noise of a loaded machine.
  static constexpr absl::Duration kBound = absl::Seconds(5);

  void SetUp() override {
    RosterServerTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(member_, CreateFullMember("马在职"));
    ASSERT_OK_AND_ASSIGN(lead_, CreateNonMember("马楼长"));
    ASSERT_OK(WaitForReplicaToKnow(sample_.street1.name()));
    ASSERT_OK_AND_ASSIGN(log_before_, roster().ListAllEvents(1));
    revision_before_ = CurrentRevisionOrDie();
    ASSERT_OK_AND_ASSIGN(
        below_before_, roster().RoleAssignmentNames(RolesAtRequest(sample_.street1.name(), true)));
    writes_ = {
        {"AssignRole",
         [this] {
           return roster()
               .AssignRole(NewRole(lead_.name(), v1::BUILDING_LEAD, sample_.building1.name()))
               .status();
         }},
        {"StartMembership",
         [this] {
           return roster()
               .StartMembership(member_.name(), sample_.branch.name(), MakeDate(2020, 3, 1))
               .status();
         }},
        {"CreateRegistration",
         [this] {
           return roster()
               .CreateRegistration(member_.name(), sample_.community1.name(), MakeDate(2023, 2, 1))
               .status();
         }},
    };
  }

  // Each write fails with UNAVAILABLE or DEADLINE_EXCEEDED within kBound.
  void ExpectEachWriteFailsFast(absl::string_view label) {
    for (const OrgDependentWrite& write : writes_) {
      SCOPED_TRACE(write.what);
      const absl::Time start = absl::Now();
      const absl::Status status = write.call();
      const absl::Duration took = absl::Now() - start;
      EXPECT_THAT(status, StatusIs(AnyOf(Eq(absl::StatusCode::kUnavailable),
                                         Eq(absl::StatusCode::kDeadlineExceeded))));
      EXPECT_LT(took, kBound);
      std::cout << "[ " << label << " ] " << write.what << " answered " << status << " after "
                << took << "\n";
    }
  }

  // The roster is as it was before the refused writes, and reads still
  // answer, the subtree ones from the replica.
  void ExpectNothingWrittenAndReadsWork() {
    EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision_before_));
    EXPECT_THAT(roster().ListAllEvents(1),
                IsOkAndHolds(::testing::Field(&Pages<v1::Event>::items,
                                              ElementsAreArray(EqualsProtos(log_before_.items)))));
    EXPECT_THAT(roster().RoleAssignmentNames(RolesOf(lead_)), IsOkAndHolds(IsEmpty()));
    EXPECT_THAT(roster().Memberships(member_.name()), IsOkAndHolds(IsEmpty()));
    EXPECT_THAT(roster().Registrations(member_.name()), IsOkAndHolds(IsEmpty()));
    EXPECT_THAT(roster().GetPerson(member_.name()), IsOkAndHolds(EqualsProto(member_)));
    EXPECT_THAT(roster().ListAllPeople(v1::ListPeopleRequest()),
                IsOkAndHolds(::testing::Field(&Pages<v1::Person>::items, SizeIs(2))));
    EXPECT_THAT(roster().RoleAssignmentNames(RolesAtRequest(sample_.street1.name(), true)),
                IsOkAndHolds(ElementsAreArray(below_before_)));
  }

  // Once the org service answers again: the first write succeeds within
  // `recovery` (retrying UNAVAILABLE, as a client would, while the roster's
  // channel reconnects), the others at once, each exactly once.
  void ExpectWritesWorkAgain(absl::string_view label, absl::Duration recovery) {
    const absl::Time back = absl::Now();
    int refused = 0;
    ASSERT_OK(RetryFor(recovery, absl::Milliseconds(100), [&]() -> absl::Status {
      absl::Status status = writes_[0].call();
      if (status.ok()) return status;
      ++refused;
      if (!absl::IsUnavailable(status) && !absl::IsDeadlineExceeded(status)) {
        return absl::InternalError(absl::StrCat("not retryable: ", status.ToString()));
      }
      return status;
    }));
    std::cout << "[ " << label << " ] the first write succeeded " << absl::Now() - back
              << " after the org service was back, after " << refused << " refusals\n";
    EXPECT_OK(writes_[1].call());
    EXPECT_OK(writes_[2].call());
    EXPECT_THAT(roster().RoleAssignmentNames(RolesOf(lead_)), IsOkAndHolds(SizeIs(1)))
        << "the refused attempts left nothing behind";
    EXPECT_THAT(roster().Memberships(member_.name()), IsOkAndHolds(SizeIs(1)));
    EXPECT_THAT(roster().Registrations(member_.name()), IsOkAndHolds(SizeIs(1)));
    EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(revision_before_ + 3));
    ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> log_after, roster().ListAllEvents(1));
    EXPECT_TRUE(EventsAreContiguous(log_after.items, 1));
  }

  static v1::ListRoleAssignmentsRequest RolesOf(const v1::Person& person) {
    v1::ListRoleAssignmentsRequest request;
    request.set_person(person.name());
    return request;
  }

  v1::Person member_;
  v1::Person lead_;
  Pages<v1::Event> log_before_;
  int64_t revision_before_ = 0;
  std::vector<std::string> below_before_;
  std::vector<OrgDependentWrite> writes_;
};

TEST_F(OrgServiceAwayTest, WritesFailFastAndStoreNothingWhileTheOrgServiceIsStopped) {
  ASSERT_NO_FATAL_FAILURE(StopOrg());
  ExpectEachWriteFailsFast("org down ");
  ExpectNothingWrittenAndReadsWork();

  ASSERT_NO_FATAL_FAILURE(StartOrgAgain());
  ExpectWritesWorkAgain("org back ", absl::Seconds(30));
}

// A hung org service (SIGSTOP: connections accepted, nothing answered) is
// what the roster's --org_deadline is for.
TEST_F(OrgServiceAwayTest, WritesFailWithinTheOrgDeadlineWhileTheOrgServiceHangs) {
  // kill() returns before every thread has stopped; until then the org
  // service may still answer, so wait for the stop to be complete.
  const pid_t org_pid = org_server().pid();
  ASSERT_EQ(kill(org_pid, SIGSTOP), 0);
  ASSERT_OK(RetryFor(absl::Seconds(5), absl::Milliseconds(1), [&] {
    return AllThreadsStopped(org_pid) ? absl::OkStatus()
                                      : absl::UnavailableError("org_service is not stopped yet");
  }));
  ExpectEachWriteFailsFast("org hung ");
  ExpectNothingWrittenAndReadsWork();

  ASSERT_EQ(kill(org_pid, SIGCONT), 0);
  ExpectWritesWorkAgain("org wakes", absl::Seconds(30));
}

// --- Events
// ---------------------------------------------------------------------------------------

TEST_F(RosterServerTest, ListEventsPagesWithoutGapsAndMasksPeople) {
  std::vector<v1::Person> people;
  for (int i = 0; i < 3; ++i) {
    ASSERT_OK_AND_ASSIGN(v1::Person p, CreateFullMember(absl::StrCat("事件", i)));
    people.push_back(std::move(p));
  }
  ASSERT_OK(
      roster().StartMembership(people[0].name(), sample_.branch.name(), MakeDate(2020, 3, 1)));
  ASSERT_OK_AND_ASSIGN(const v1::Membership moved,
                       roster().TransferMembership(people[0].name(), sample_.joint_branch.name(),
                                                   MakeDate(2021, 5, 1)));
  ASSERT_OK(roster().AssignRole(NewRole(people[1].name(), v1::SECRETARY, sample_.branch.name())));
  v1::Person rename;
  rename.set_name(people[2].name());
  rename.set_display_name("事件改名");
  ASSERT_OK_AND_ASSIGN(const v1::Person renamed, roster().UpdatePerson(rename, {"display_name"}));

  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> log, roster().ListAllEvents(1, /*page_size=*/3));
  const std::vector<v1::Event>& events = log.items;
  EXPECT_TRUE(EventsAreContiguous(events, 1));
  // 3 creates, a start, a transfer (two events), an assignment, an update.
  ASSERT_THAT(events, SizeIs(8));
  std::vector<int> sizes = log.page_sizes;
  if (!sizes.empty() && sizes.back() == 0) sizes.pop_back();  // after a last full page
  EXPECT_THAT(sizes, ElementsAre(3, 3, 2));
  EXPECT_THAT(log.revisions, Each(Eq(renamed.revision())));

  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].method(), "CreatePerson");
    EXPECT_EQ(events[i].resource(), people[i].name());
    EXPECT_FALSE(events[i].has_before());
    EXPECT_TRUE(events[i].has_time());
    EXPECT_THAT(events[i].after().person(), EqualsProto(people[i]));
  }
  // The transfer: one revision, the old membership ended and the new one.
  const v1::Event& ended = events[4];
  const v1::Event& started = events[5];
  EXPECT_EQ(ended.revision(), moved.revision());
  EXPECT_EQ(ended.index(), 0);
  EXPECT_EQ(started.revision(), moved.revision());
  EXPECT_EQ(started.index(), 1);
  EXPECT_EQ(ended.method(), "TransferMembership");
  EXPECT_TRUE(ended.before().membership().current());
  EXPECT_FALSE(ended.after().membership().current());
  EXPECT_THAT(ended.after().membership().end_date(), EqualsProto(MakeDate(2021, 5, 1)));
  EXPECT_EQ(started.resource(), moved.name());
  EXPECT_THAT(started.after().membership(), EqualsProto(moved));
  EXPECT_EQ(events[6].method(), "AssignRole");
  EXPECT_EQ(events[7].method(), "UpdatePerson");
  EXPECT_THAT(events[7].after().person(), EqualsProto(renamed));

  // Personal data in snapshots is masked like everywhere else.
  int person_snapshots = 0;
  for (const v1::Event& event : events) {
    for (const v1::ResourceSnapshot* snapshot : {&event.before(), &event.after()}) {
      if (!snapshot->has_person()) continue;
      ++person_snapshots;
      ExpectMasked(snapshot->person());
      EXPECT_FALSE(snapshot->person().id_card_number().empty());
    }
  }
  EXPECT_EQ(person_snapshots, 5);

  // From the middle, the same tail; past the end, nothing and no token.
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> tail, roster().ListAllEvents(moved.revision(), 2));
  EXPECT_THAT(
      tail.items,
      ElementsAreArray(EqualsProtos(std::vector<v1::Event>(events.begin() + 4, events.end()))));
  ASSERT_OK_AND_ASSIGN(const v1::ListEventsResponse past,
                       roster().ListEvents(renamed.revision() + 1, 10));
  EXPECT_THAT(past.events(), IsEmpty());
  EXPECT_EQ(past.next_page_token(), "");
  EXPECT_EQ(past.current_revision(), renamed.revision());

  EXPECT_THAT(roster().ListEvents(1, 1001), StatusIs(kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(roster().ListEvents(-1, 10), StatusIs(kInvalidArgument, HasSubstr("start_revision")));
}

TEST_F(RosterServerTest, WatchEventsResumesAfterAReconnectWithNothingLostOrRepeated) {
  constexpr absl::Duration kStreamTimeout = absl::Seconds(30);
  ASSERT_OK_AND_ASSIGN(const v1::Person p1, CreateFullMember("观察一"));
  ASSERT_OK_AND_ASSIGN(const v1::Person p2, CreateNonMember("观察二"));
  ASSERT_OK(roster().StartMembership(p1.name(), sample_.branch.name(), MakeDate(2020, 3, 1)));
  ASSERT_OK_AND_ASSIGN(
      const v1::Membership moved,
      roster().TransferMembership(p1.name(), sample_.joint_branch.name(), MakeDate(2021, 5, 1)));
  ASSERT_OK_AND_ASSIGN(Pages<v1::Event> log, roster().ListAllEvents(1));
  // Stop after the first event of the transfer, inside its revision.
  const auto transfer_start =
      std::find_if(log.items.begin(), log.items.end(),
                   [&](const v1::Event& e) { return e.revision() == moved.revision(); });
  ASSERT_NE(transfer_start, log.items.end());
  const int first_part = static_cast<int>(transfer_start - log.items.begin()) + 1;
  ASSERT_LT(first_part, static_cast<int>(log.items.size()));
  ASSERT_EQ(log.items[first_part].revision(), moved.revision());

  std::vector<v1::Event> received;
  {
    std::unique_ptr<RosterEventWatch> watch = roster().Watch(1, 0, kStreamTimeout);
    ASSERT_OK_AND_ASSIGN(received, watch->Take(first_part));
    EXPECT_THAT(watch->Cancel(), StatusIs(grpc::StatusCode::CANCELLED));
  }
  const v1::Event last = received.back();

  // Written while nobody watches.
  ASSERT_OK(roster().AssignRole(NewRole(p2.name(), v1::BUILDING_LEAD, sample_.building1.name())));
  ASSERT_OK(roster().CreatePerson(NewPerson("观察三", TestIdCardNumber(501), TestPhone(501))));

  std::unique_ptr<RosterEventWatch> watch =
      roster().Watch(last.revision(), last.index() + 1, kStreamTimeout);
  ASSERT_OK_AND_ASSIGN(log, roster().ListAllEvents(1));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Event> missed,
                       watch->Take(static_cast<int>(log.items.size()) - first_part));
  received.insert(received.end(), missed.begin(), missed.end());

  // Written while the stream is open: a transfer back (two events) and an update.
  ASSERT_OK(roster().TransferMembership(p1.name(), sample_.branch.name(), MakeDate(2022, 6, 1)));
  v1::Person rename;
  rename.set_name(p2.name());
  rename.set_display_name("观察二改");
  ASSERT_OK(roster().UpdatePerson(rename, {"display_name"}));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Event> live, watch->Take(3));
  received.insert(received.end(), live.begin(), live.end());

  ASSERT_OK_AND_ASSIGN(log, roster().ListAllEvents(1));
  EXPECT_TRUE(EventsAreContiguous(received, 1));
  EXPECT_THAT(received, ElementsAreArray(EqualsProtos(log.items)));
  EXPECT_EQ(live.back().resource(), p2.name());
  EXPECT_EQ(live.back().method(), "UpdatePerson");
  for (const v1::Event& event : received) {
    if (event.after().has_person()) ExpectMasked(event.after().person());
  }
}

// --- Serving
// --------------------------------------------------------------------------------------

TEST_F(RosterServerTest, HealthAndReflectionAnswer) {
  EXPECT_THAT(CheckHealth(roster_channel_, ""), IsOkAndHolds(HealthStatus::kServing));
  EXPECT_THAT(CheckHealth(roster_channel_, v1::RosterService::service_full_name()),
              IsOkAndHolds(HealthStatus::kServing));
  EXPECT_THAT(CheckHealth(roster_channel_, "no.such.Service"), StatusIs(kNotFound));
  EXPECT_THAT(
      ListServicesByReflection(roster_channel_),
      IsOkAndHolds(IsSupersetOf({std::string(v1::RosterService::service_full_name()),
                                 std::string("grpc.health.v1.Health"),
                                 std::string("grpc.reflection.v1alpha.ServerReflection")})));
}

// --- Bulk import.

// Five rows in two messages: rows 2 (a mistyped ID-card number) and 4 (an
// organisation that does not exist) are bad.
std::vector<v1::ImportPeopleRequest> ImportBatches(const SampleDistrict& sample,
                                                   bool validate_only) {
  const auto row = [](v1::Person person, absl::string_view key) {
    v1::ImportRow r;
    person.set_external_key(std::string(key));
    *r.mutable_person() = std::move(person);
    return r;
  };
  v1::ImportPeopleRequest first;
  first.set_validate_only(validate_only);
  v1::ImportRow lead = row(NewMember("王建国", v1::Person::FULL, v1::Person::IN_SERVICE,
                                     TestIdCardNumber(101), TestPhone(101)),
                           "HR-1");
  lead.set_party_org(sample.branch.name());
  *lead.add_roles() = NewRole("", v1::BUILDING_LEAD, sample.building1.name());
  *first.add_rows() = lead;
  *first.add_rows() =
      row(NewPerson("李四", WithWrongCheckCharacter(TestIdCardNumber(102))), "HR-2");
  *first.add_rows() = row(NewPerson("赵六", TestIdCardNumber(103)), "HR-3");
  v1::ImportPeopleRequest second;
  v1::ImportRow lost =
      row(NewMember("钱七", v1::Person::FULL, v1::Person::RETIRED, TestIdCardNumber(104)), "HR-4");
  lost.set_party_org("partyOrgs/999");
  *second.add_rows() = lost;
  v1::ImportRow secretary = row(
      NewMember("孙书记", v1::Person::FULL, v1::Person::IN_SERVICE, TestIdCardNumber(105)), "HR-5");
  *secretary.add_roles() = NewRole("", v1::SECRETARY, sample.branch.name());
  *second.add_rows() = secretary;
  return {first, second};
}

absl::StatusOr<v1::ImportPeopleResponse> Import(
    const RosterClient& client, const std::vector<v1::ImportPeopleRequest>& batches) {
  v1::ImportPeopleResponse response;
  auto context = ::grassroots::testing::NewClientContext();
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportPeopleRequest>> writer =
      client.stub().ImportPeople(context.get(), &response);
  for (const v1::ImportPeopleRequest& batch : batches) {
    if (!writer->Write(batch)) break;
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
  return response;
}

TEST_F(RosterServerTest, ImportReportsBadRowsAndCanBeRunAgainWithoutDuplicates) {
  const auto error_rows = [](const v1::ImportPeopleResponse& response) {
    std::vector<std::pair<int, std::string>> rows;
    for (const v1::ImportRowError& e : response.errors()) rows.push_back({e.row(), e.field()});
    return rows;
  };
  const std::vector<std::pair<int, std::string>> expected_errors = {{2, "person.id_card_number"},
                                                                    {4, "party_org"}};

  // A dry run checks everything and stores nothing.
  ASSERT_OK_AND_ASSIGN(const v1::ImportPeopleResponse dry,
                       Import(roster(), ImportBatches(sample_, /*validate_only=*/true)));
  EXPECT_EQ(dry.rows_received(), 5);
  EXPECT_EQ(error_rows(dry), expected_errors);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> none, roster().ListAllPeople({}));
  EXPECT_TRUE(none.items.empty());

  ASSERT_OK_AND_ASSIGN(const v1::ImportPeopleResponse first,
                       Import(roster(), ImportBatches(sample_, /*validate_only=*/false)));
  EXPECT_EQ(first.rows_received(), 5);
  EXPECT_EQ(first.people_created(), 3);
  EXPECT_EQ(first.roles_assigned(), 2);
  EXPECT_EQ(error_rows(first), expected_errors);
  for (const v1::ImportRowError& e : first.errors()) {
    EXPECT_THAT(e.message(), Not(HasSubstr(TestIdCardNumber(102).substr(0, 17))));
  }

  // The same file again: nothing new, nothing duplicated.
  ASSERT_OK_AND_ASSIGN(const v1::ImportPeopleResponse again,
                       Import(roster(), ImportBatches(sample_, /*validate_only=*/false)));
  EXPECT_EQ(again.people_created(), 0);
  EXPECT_EQ(again.people_updated(), 0);
  EXPECT_EQ(again.rows_unchanged(), 3);
  EXPECT_EQ(again.roles_assigned(), 0);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> people, roster().ListAllPeople({}));
  EXPECT_EQ(people.items.size(), 3u);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::RoleAssignment> roles, roster().ListAllRoleAssignments({}));
  EXPECT_EQ(roles.items.size(), 2u);
  ASSERT_OK_AND_ASSIGN(const v1::Person lead, roster().LookupPersonByIdCard(TestIdCardNumber(101)));
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Membership> memberships,
                       roster().Memberships(lead.name()));
  ASSERT_EQ(memberships.size(), 1u);
  EXPECT_EQ(memberships[0].party_org(), sample_.branch.name());
}

// Messages are read while earlier ones are still being committed (and held
// back once thousands of rows are unanswered): every row is still answered,
// rows are applied in the order sent (a later row for the same external key
// wins), and the response comes once all of them are durable.
TEST_F(RosterServerTest, ImportOfManyMessagesAnswersEveryRowInOrder) {
  constexpr int kMessages = 20, kRowsPerMessage = 300;
  std::vector<v1::ImportPeopleRequest> batches(kMessages + 1);
  for (int m = 0; m < kMessages; ++m) {
    for (int r = 0; r < kRowsPerMessage; ++r) {
      const int n = m * kRowsPerMessage + r;
      v1::ImportRow* row = batches[m].add_rows();
      *row->mutable_person() = NewPerson(absl::StrCat("居民", n), TestIdCardNumber(2000 + n));
      row->mutable_person()->set_external_key(absl::StrCat("K-", n));
      *row->add_roles() = NewRole("", v1::VOLUNTEER, sample_.building1.name());
    }
  }
  // Last: the first person again, renamed, and a row naming an unknown
  // organisation.
  v1::ImportRow* renamed = batches[kMessages].add_rows();
  *renamed->mutable_person() = NewPerson("居民零号", TestIdCardNumber(2000));
  renamed->mutable_person()->set_external_key("K-0");
  v1::ImportRow* lost = batches[kMessages].add_rows();
  *lost->mutable_person() =
      NewMember("钱七", v1::Person::FULL, v1::Person::RETIRED, TestIdCardNumber(9000));
  lost->mutable_person()->set_external_key("K-lost");
  lost->set_party_org("partyOrgs/999");

  ASSERT_OK_AND_ASSIGN(const v1::ImportPeopleResponse response, Import(roster(), batches));
  constexpr int kRows = kMessages * kRowsPerMessage;
  EXPECT_EQ(response.rows_received(), kRows + 2);
  EXPECT_EQ(response.people_created(), kRows);
  EXPECT_EQ(response.people_updated(), 1);
  EXPECT_EQ(response.roles_assigned(), kRows);
  ASSERT_EQ(response.errors_size(), 1);
  EXPECT_EQ(response.errors(0).row(), kRows + 2);
  EXPECT_EQ(response.errors(0).field(), "party_org");

  ASSERT_OK_AND_ASSIGN(const Pages<v1::Person> people, roster().ListAllPeople({}));
  EXPECT_EQ(people.items.size(), static_cast<size_t>(kRows));
  ASSERT_OK_AND_ASSIGN(const v1::Person first,
                       roster().LookupPersonByIdCard(TestIdCardNumber(2000)));
  EXPECT_EQ(first.display_name(), "居民零号");
  EXPECT_EQ(first.external_key(), "K-0");
  ASSERT_OK_AND_ASSIGN(const Pages<v1::RoleAssignment> roles, roster().ListAllRoleAssignments({}));
  EXPECT_EQ(roles.items.size(), static_cast<size_t>(kRows));
}

}  // namespace
}  // namespace grassroots::roster::testing
