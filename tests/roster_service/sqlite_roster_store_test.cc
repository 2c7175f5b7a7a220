#include "roster_service/sqlite_roster_store.h"

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/personal_data.h"
#include "common/sqlite.h"
#include "common/sqlite_store_support.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/store_contract_test.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::AllRows;
using ::grassroots::testing::StoreContractTest;

using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;
using P = std::pair<int64_t, int32_t>;  // (revision, index) of an event

// Fixed times, whole microseconds (what the store keeps).
absl::Time At(int64_t seconds) { return absl::FromUnixMicros(seconds * 1'000'000 + 123'456); }

// A valid resident ID-card number (GB 11643 check character), distinct for
// each `serial` below 1000.
std::string IdCard(int serial) {
  const std::string first17 = absl::StrFormat("11010519800101%03d", serial);
  return first17 + IdCardCheckCharacter(first17);
}

// A party member with every field set.
Person MakePerson(int64_t id, int64_t revision) {
  Person person;
  person.id = id;
  person.display_name = absl::StrCat("张三", id);
  person.gender = Gender::kMale;
  person.birth_date = absl::CivilDay(1980, 1, 1);
  person.id_card_number = IdCard(static_cast<int>(id));
  person.phone = absl::StrCat(13800000000 + id);
  person.residence_building_id = 40 + id;
  person.residence_room = "3-201";
  person.party_status = PartyStatus::kFull;
  person.admission_date = absl::CivilDay(2001, 7, 1);
  person.member_category = MemberCategory::kRetired;
  person.external_key = absl::StrCat("hr-", id);
  person.create_time = At(1000 + id);
  person.update_time = At(2000 + revision);
  person.revision = revision;
  return person;
}

Membership MakeMembership(int64_t id, int64_t person_id, int64_t revision) {
  Membership membership;
  membership.id = id;
  membership.person_id = person_id;
  membership.party_org_id = 7;
  membership.start_date = absl::CivilDay(2001, 7, 1);
  membership.create_time = At(3000 + id);
  membership.update_time = At(4000 + revision);
  membership.revision = revision;
  return membership;
}

Registration MakeRegistration(int64_t id, int64_t person_id, int64_t revision) {
  Registration registration;
  registration.id = id;
  registration.person_id = person_id;
  registration.community_id = 3;
  registration.start_date = absl::CivilDay(2020, 2, 29);
  registration.create_time = At(5000 + id);
  registration.update_time = At(6000 + revision);
  registration.revision = revision;
  return registration;
}

RoleAssignment MakeAssignment(int64_t id, int64_t person_id, int64_t revision) {
  RoleAssignment assignment;
  assignment.id = id;
  assignment.person_id = person_id;
  assignment.role = Role::kBuildingLead;
  assignment.place = Place{Place::Kind::kUnit, 12};
  assignment.start_date = absl::CivilDay(2022, 3, 1);
  assignment.end_date = absl::CivilDay(2024, 2, 29);
  assignment.note = "负责 3 栋，联系 20 户";
  assignment.create_time = At(7000 + id);
  assignment.update_time = At(8000 + revision);
  assignment.revision = revision;
  return assignment;
}

Mutation MakeMutation(int64_t revision, std::vector<Change> changes, std::string request_id = "") {
  Mutation mutation;
  mutation.revision = revision;
  mutation.time = At(9000 + revision);
  mutation.actor = absl::StrCat("users/", revision);
  mutation.method = revision % 2 == 0 ? "UpdatePerson" : "CreatePerson";
  mutation.changes = std::move(changes);
  mutation.request_id = std::move(request_id);
  return mutation;
}

// The store contract (tests/common/store_contract_test.h) and this file's
// fixture, with people as the
// main kind and role assignments as the other.
struct RosterStoreTraits {
  using Store = SqliteRosterStore;
  using Stored = StoredRoster;
  using Snapshot = roster::Snapshot;
  static constexpr char kFileName[] = "roster.db";
  static constexpr int kSchemaVersion = 4;
  static constexpr absl::string_view kUndoStepsAfter2 = R"(
      ALTER TABLE people DROP COLUMN probation_extension_months;
      ALTER TABLE person_history DROP COLUMN probation_extension_months;
      ALTER TABLE registrations DROP COLUMN compound_id;
      ALTER TABLE registrations DROP COLUMN post;
      ALTER TABLE registrations DROP COLUMN duty_zone;
      ALTER TABLE registration_history DROP COLUMN compound_id;
      ALTER TABLE registration_history DROP COLUMN post;
      ALTER TABLE registration_history DROP COLUMN duty_zone;
      ALTER TABLE role_assignments DROP COLUMN sending_org_id;
      ALTER TABLE role_assignment_history DROP COLUMN sending_org_id;
      ALTER TABLE registrations DROP COLUMN employer_id;
      ALTER TABLE registration_history DROP COLUMN employer_id;)";
  static Snapshot Primary(int64_t id, int64_t revision, const std::string& label) {
    Person person = MakePerson(id, revision);
    if (!label.empty()) person.display_name = label;
    return person;
  }
  static std::string PrimaryName(int64_t id) { return PersonName(id); }
  static Snapshot Secondary(int64_t id, int64_t revision) {
    return MakeAssignment(id, 1, revision);
  }
  static std::string SecondaryName(int64_t id) { return RoleAssignmentName(id); }
  static std::vector<Snapshot> Current(const Stored& stored) {
    return AllRows<Snapshot>(stored.people, stored.memberships, stored.registrations,
                             stored.role_assignments);
  }
  static int64_t Revision(const Stored& stored) { return stored.revision; }
};

// The contract's fixture: a fresh store in a temporary directory.
class SqliteRosterStoreTest : public StoreContractTest<RosterStoreTraits> {};

TEST_F(SqliteRosterStoreTest, NewStoreHasNoIds) {
  ASSERT_NE(store_, nullptr);
  ASSERT_OK_AND_ASSIGN(const StoredRoster roster, store_->Load());
  EXPECT_EQ(roster.max_person_id, 0);
  EXPECT_EQ(roster.max_membership_id, 0);
  EXPECT_EQ(roster.max_registration_id, 0);
  EXPECT_EQ(roster.max_role_assignment_id, 0);
}

TEST_F(SqliteRosterStoreTest, EveryPersonFieldSurvivesReopen) {
  ASSERT_NE(store_, nullptr);
  const Person member = MakePerson(3, 1);
  Person probationary = MakePerson(5, 1);
  probationary.gender = Gender::kFemale;
  probationary.id_card_number = "11010519800101002X";  // upper-case X, as normalised
  probationary.party_status = PartyStatus::kProbationary;
  probationary.member_category = MemberCategory::kFloating;
  // Nothing optional is set: no dates, empty texts, unspecified enums.
  Person bare;
  bare.id = 8;
  bare.display_name = "李四";
  bare.create_time = At(1);
  bare.update_time = At(1);
  bare.revision = 2;
  Person deleted = MakePerson(4, 2);
  deleted.party_status = PartyStatus::kNone;
  deleted.admission_date = std::nullopt;
  deleted.member_category = MemberCategory::kUnspecified;
  deleted.deleted = true;
  deleted.delete_time = At(9999);
  // Committed out of id order: Load returns them ascending.
  CommitOrFail({MakeMutation(1, {Create(probationary), Create(member)}),
                MakeMutation(2, {Create(bare), Create(deleted)})});

  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.people, ElementsAre(member, deleted, probationary, bare));
  EXPECT_EQ(roster.revision, 2);
  EXPECT_EQ(roster.max_person_id, 8);
  EXPECT_THAT(roster.memberships, IsEmpty());
}

TEST_F(SqliteRosterStoreTest, EveryMembershipAndRegistrationFieldSurvivesReopen) {
  ASSERT_NE(store_, nullptr);
  const Membership current = MakeMembership(2, 1, 1);
  Membership ended = MakeMembership(1, 1, 1);
  ended.party_org_id = 9;
  ended.start_date = absl::CivilDay(1990, 12, 31);
  ended.end_date = absl::CivilDay(2001, 6, 30);
  const Registration registered = MakeRegistration(6, 1, 2);
  Registration left = MakeRegistration(4, 2, 2);
  left.end_date = absl::CivilDay(2023, 1, 1);
  CommitOrFail({MakeMutation(1, {Create(current), Create(ended)}),
                MakeMutation(2, {Create(registered), Create(left)})});

  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.memberships, ElementsAre(ended, current));
  EXPECT_THAT(roster.registrations, ElementsAre(left, registered));
  EXPECT_EQ(roster.max_membership_id, 2);
  EXPECT_EQ(roster.max_registration_id, 6);
  EXPECT_THAT(roster.people, IsEmpty());
}

TEST_F(SqliteRosterStoreTest, EveryRoleAssignmentFieldSurvivesReopen) {
  ASSERT_NE(store_, nullptr);
  // Every role, at both kinds of place, ended and not, with and without a note.
  std::vector<Change> changes;
  std::vector<RoleAssignment> expected;
  for (int role = 1; role <= static_cast<int>(Role::kResidentRepresentative); ++role) {
    RoleAssignment assignment = MakeAssignment(role, 100 + role, 1);
    assignment.role = static_cast<Role>(role);
    if (role % 2 == 0) assignment.place = Place{Place::Kind::kPartyOrg, 30 + role};
    if (role % 3 == 0) assignment.end_date = std::nullopt;
    if (role % 4 == 0) assignment.note = "";
    changes.push_back(Create(assignment));
    expected.push_back(std::move(assignment));
  }
  CommitOrFail({MakeMutation(1, std::move(changes))});

  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.role_assignments, ::testing::ElementsAreArray(expected));
  EXPECT_EQ(roster.max_role_assignment_id, static_cast<int64_t>(expected.size()));
}

TEST_F(SqliteRosterStoreTest, DatesOfAnyYearSurvive) {
  ASSERT_NE(store_, nullptr);
  // Years 0..9999 take the fast 'YYYY-MM-DD' path, others absl's form.
  const absl::CivilDay days[] = {absl::CivilDay(0, 1, 1),     absl::CivilDay(999, 12, 31),
                                 absl::CivilDay(2000, 2, 29), absl::CivilDay(9999, 12, 31),
                                 absl::CivilDay(10000, 1, 1), absl::CivilDay(-44, 3, 15)};
  std::vector<Change> changes;
  std::vector<Membership> expected;
  for (int i = 0; i < static_cast<int>(std::size(days)); ++i) {
    Membership membership = MakeMembership(i + 1, 1, 1);
    membership.start_date = days[i];
    membership.end_date = days[i];
    changes.push_back(Create(membership));
    expected.push_back(membership);
  }
  CommitOrFail({MakeMutation(1, std::move(changes))});

  EXPECT_THAT(LoadAfterReopen().memberships, ::testing::ElementsAreArray(expected));
}

TEST_F(SqliteRosterStoreTest, ReadEventsRebuildsBeforeAndAfterOfEveryKindInOrder) {
  ASSERT_NE(store_, nullptr);
  const Person person_v1 = MakePerson(1, 1);
  const Membership membership_v1 = MakeMembership(1, 1, 1);
  const Registration registration_v2 = MakeRegistration(1, 1, 2);
  const RoleAssignment assignment_v2 = MakeAssignment(1, 1, 2);
  Person person_v3 = person_v1;
  person_v3.party_status = PartyStatus::kNone;
  person_v3.revision = 3;
  Membership membership_v3 = membership_v1;
  membership_v3.end_date = absl::CivilDay(2024, 1, 31);
  membership_v3.revision = 3;
  Registration registration_v3 = registration_v2;
  registration_v3.end_date = absl::CivilDay(2024, 1, 31);
  registration_v3.revision = 3;
  RoleAssignment assignment_v3 = assignment_v2;
  assignment_v3.note = "卸任";
  assignment_v3.revision = 3;
  CommitOrFail({MakeMutation(1, {Create(person_v1), Create(membership_v1)}),
                MakeMutation(2, {Create(registration_v2), Create(assignment_v2)})});
  // One mutation changes all four kinds; the order of its changes is kept.
  CommitOrFail({MakeMutation(
      3, {Modify(assignment_v2, assignment_v3), Modify(registration_v2, registration_v3),
          Modify(membership_v1, membership_v3), Modify(person_v1, person_v3)})});

  const std::vector<Event> events = Events();
  ASSERT_THAT(Positions(events),
              ElementsAre(P(1, 0), P(1, 1), P(2, 0), P(2, 1), P(3, 0), P(3, 1), P(3, 2), P(3, 3)));
  EXPECT_EQ(events[0].time, At(9001));
  EXPECT_EQ(events[0].actor, "users/1");
  EXPECT_EQ(events[0].method, "CreatePerson");
  EXPECT_EQ(events[0].before, std::nullopt);
  EXPECT_EQ(events[0].after, Snapshot(person_v1));
  EXPECT_EQ(events[1].before, std::nullopt);
  EXPECT_EQ(events[1].after, Snapshot(membership_v1));
  EXPECT_EQ(events[2].after, Snapshot(registration_v2));
  EXPECT_EQ(events[3].after, Snapshot(assignment_v2));
  EXPECT_EQ(events[4].method, "CreatePerson");
  EXPECT_EQ(events[4].time, At(9003));
  EXPECT_THAT(events[4].before, Optional(Snapshot(assignment_v2)));
  EXPECT_EQ(events[4].after, Snapshot(assignment_v3));
  EXPECT_THAT(events[5].before, Optional(Snapshot(registration_v2)));
  EXPECT_EQ(events[5].after, Snapshot(registration_v3));
  EXPECT_THAT(events[6].before, Optional(Snapshot(membership_v1)));
  EXPECT_EQ(events[6].after, Snapshot(membership_v3));
  EXPECT_THAT(events[7].before, Optional(Snapshot(person_v1)));
  EXPECT_EQ(events[7].after, Snapshot(person_v3));

  // The same from a reopened file.
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  const std::vector<Event> reread = Events();
  ASSERT_EQ(reread.size(), events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(reread[i].before, events[i].before) << i;
    EXPECT_EQ(reread[i].after, events[i].after) << i;
  }
}

// Uniqueness of ID-card numbers (among live people) and external keys is
// the core's rule, checked against its memory; the store stores what it is
// given (see "Constraints and indexes" in sqlite_roster_store.cc).
TEST_F(SqliteRosterStoreTest, UniquenessOfIdCardsAndExternalKeysIsLeftToTheCore) {
  ASSERT_NE(store_, nullptr);
  const Person first = MakePerson(1, 1);
  Person twin = MakePerson(2, 1);
  twin.id_card_number = first.id_card_number;
  twin.external_key = first.external_key;
  CommitOrFail({MakeMutation(1, {Create(first), Create(twin)})});
  EXPECT_THAT(LoadAfterReopen().people, ElementsAre(first, twin));
}

TEST(SqliteRosterStoreErrorsTest, ErrorsNeverCarryPersonalData) {
  // A path that looks like a phone number stands for anything SQLite might
  // quote one day: every error leaves the store redacted.
  testing::TempDir dir;
  const std::string path = dir.File("13912345678.db");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<SqliteRosterStore> store, SqliteRosterStore::Open(path));
  // The same person twice at one revision: a duplicate history row.
  const Person person = MakePerson(1, 1);

  const absl::Status status = store->Commit({MakeMutation(
      1, {Change{std::nullopt, person}, Change{std::nullopt, person}}, "13912345678")});
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInternal,
                               AllOf(HasSubstr("UNIQUE constraint failed: person_history.id"),
                                     HasSubstr("139****5678.db"))));
  EXPECT_FALSE(ContainsPersonalData(status.message())) << status;
}

TEST_F(SqliteRosterStoreTest, CorruptDateIsDataLossNamingTheRowNotTheValue) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakePerson(1, 1))})});
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_));
    ASSERT_OK(db->Exec("UPDATE people SET birth_date = '1980-02-30'"));
  }
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_THAT(store_->Load(),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr("people row 1: birth_date is not a YYYY-MM-DD date"),
                             Not(HasSubstr("1980-02-30")))));
}

// What only the roster's store refuses: the org store's file.
TEST_F(SqliteRosterStoreTest, OrgStoreFileIsRefused) {
  store_.reset();
  std::filesystem::remove(path_);
  {
    // A file as the org store leaves it: stamped with its id, in WAL mode.
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_, {.wal = false}));
    ASSERT_OK(sqlite::ApplyMigrations(*db, sqlite::kOrgStoreApplicationId,
                                      {"CREATE TABLE units (id INTEGER PRIMARY KEY)"}));
    ASSERT_OK(db->EnableWal());
  }
  EXPECT_THAT(OpenExpectingRefusal().message(),
              AllOf(HasSubstr("belongs to another application"), HasSubstr("0x47524f52")));
}

}  // namespace
}  // namespace grassroots::roster

// The suite's symbols live beside its pattern.
namespace grassroots::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Roster, StoreContractTest, ::grassroots::roster::RosterStoreTraits);
}  // namespace grassroots::testing
