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
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::roster {
namespace {

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

Change Create(Snapshot after) { return Change{std::nullopt, std::move(after)}; }
Change Modify(Snapshot before, Snapshot after) {
  return Change{std::move(before), std::move(after)};
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

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<P> Positions(const std::vector<Event>& events) {
  std::vector<P> positions;
  for (const Event& event : events) positions.emplace_back(event.revision, event.index);
  return positions;
}

class SqliteRosterStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteRosterStore> OpenStore() {
    auto store = SqliteRosterStore::Open(path_);
    EXPECT_OK(store);
    return store.ok() ? *std::move(store) : nullptr;
  }

  StoredRoster LoadAfterReopen() {
    store_.reset();
    store_ = OpenStore();
    if (store_ == nullptr) return {};
    auto roster = store_->Load();
    EXPECT_OK(roster);
    return roster.ok() ? *std::move(roster) : StoredRoster();
  }

  std::vector<Event> Events(int64_t start_revision = 0, int32_t start_index = 0, int limit = 1000) {
    auto events = store_->ReadEvents(start_revision, start_index, limit);
    EXPECT_OK(events);
    return events.ok() ? *std::move(events) : std::vector<Event>();
  }

  void CommitOrFail(const std::vector<Mutation>& mutations) {
    ASSERT_OK(store_->Commit(mutations));
  }

  // What LookupRequest returns, or "error: ..." when it fails.
  std::optional<std::string> Lookup(absl::string_view request_id) {
    auto name = store_->LookupRequest(request_id);
    EXPECT_OK(name);
    return name.value_or(std::string("error: ") + name.status().ToString());
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("roster.db");
  std::unique_ptr<SqliteRosterStore> store_ = OpenStore();
};

TEST_F(SqliteRosterStoreTest, NewStoreIsEmpty) {
  ASSERT_NE(store_, nullptr);
  ASSERT_OK_AND_ASSIGN(const StoredRoster roster, store_->Load());
  EXPECT_THAT(roster.people, IsEmpty());
  EXPECT_THAT(roster.memberships, IsEmpty());
  EXPECT_THAT(roster.registrations, IsEmpty());
  EXPECT_THAT(roster.role_assignments, IsEmpty());
  EXPECT_EQ(roster.revision, 0);
  EXPECT_EQ(roster.max_person_id, 0);
  EXPECT_EQ(roster.max_membership_id, 0);
  EXPECT_EQ(roster.max_registration_id, 0);
  EXPECT_EQ(roster.max_role_assignment_id, 0);
  EXPECT_THAT(Events(), IsEmpty());
  EXPECT_EQ(Lookup("anything"), std::nullopt);
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

TEST_F(SqliteRosterStoreTest, LaterChangeReplacesTheCurrentRow) {
  ASSERT_NE(store_, nullptr);
  const Person created = MakePerson(1, 1);
  Person moved = created;
  moved.residence_building_id = 77;
  moved.residence_room = "";
  moved.phone = "";
  moved.update_time = At(7777);
  moved.revision = 2;
  const RoleAssignment assigned = MakeAssignment(1, 1, 1);
  RoleAssignment ended = assigned;
  ended.end_date = absl::CivilDay(2023, 5, 4);
  ended.revision = 2;
  CommitOrFail({MakeMutation(1, {Create(created), Create(assigned)})});
  CommitOrFail({MakeMutation(2, {Modify(created, moved), Modify(assigned, ended)})});

  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.people, ElementsAre(moved));
  EXPECT_THAT(roster.role_assignments, ElementsAre(ended));
  EXPECT_EQ(roster.revision, 2);
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

TEST_F(SqliteRosterStoreTest, ReadEventsStartsAtRevisionAndIndexAndHonoursTheLimit) {
  ASSERT_NE(store_, nullptr);
  std::vector<Mutation> mutations;
  for (int64_t revision = 1; revision <= 4; ++revision) {
    mutations.push_back(
        MakeMutation(revision, {Create(MakePerson(revision, revision)),
                                Create(MakeMembership(revision, revision, revision))}));
  }
  CommitOrFail(mutations);

  EXPECT_THAT(Positions(Events(2, 1, 3)), ElementsAre(P(2, 1), P(3, 0), P(3, 1)));
  EXPECT_THAT(Positions(Events(2, 0, 1)), ElementsAre(P(2, 0)));
  EXPECT_THAT(Positions(Events(4, 1, 10)), ElementsAre(P(4, 1)));
  EXPECT_THAT(Positions(Events(3, 2, 1)), ElementsAre(P(4, 0)));  // past the last index
  EXPECT_THAT(Events(4, 2, 10), IsEmpty());
  EXPECT_THAT(Events(5, 0, 10), IsEmpty());
  EXPECT_THAT(Events(1, 0, 0), IsEmpty());
  EXPECT_EQ(Events(0, 0, 100).size(), 8u);
  const std::vector<Event> page = Events(3, 1, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].after, Snapshot(MakeMembership(3, 3, 3)));
}

TEST_F(SqliteRosterStoreTest, FailedBatchStoresNothingOfIt) {
  ASSERT_NE(store_, nullptr);
  const Person kept = MakePerson(1, 1);
  CommitOrFail({MakeMutation(1, {Create(kept)}, "req-kept")});

  // Mutation 3 changes registration 3 twice: the second history row (3, 3)
  // is a duplicate, which fails the transaction after mutation 2 and the
  // first changes of mutation 3 were written.
  const Person person = MakePerson(2, 2);
  const Registration twice = MakeRegistration(3, 2, 3);
  EXPECT_THAT(
      store_->Commit({MakeMutation(2, {Create(person)}, "req-person"),
                      MakeMutation(3,
                                   {Create(MakeMembership(1, 2, 3)),
                                    Create(MakeAssignment(1, 2, 3)), Create(twice), Create(twice)},
                                   "req-twice")}),
      StatusIs(
          absl::StatusCode::kInternal,
          AllOf(HasSubstr(path_), HasSubstr("UNIQUE constraint failed: registration_history.id"))));

  EXPECT_THAT(Positions(Events()), ElementsAre(P(1, 0)));
  EXPECT_EQ(Lookup("req-person"), std::nullopt);
  EXPECT_EQ(Lookup("req-twice"), std::nullopt);
  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.people, ElementsAre(kept));
  EXPECT_THAT(roster.memberships, IsEmpty());
  EXPECT_THAT(roster.registrations, IsEmpty());
  EXPECT_THAT(roster.role_assignments, IsEmpty());
  EXPECT_EQ(roster.revision, 1);

  // The store is still usable: the same revisions commit once corrected.
  CommitOrFail({MakeMutation(2, {Create(person)}, "req-person"),
                MakeMutation(3, {Create(twice)}, "req-twice")});
  EXPECT_EQ(Lookup("req-person"), PersonName(2));
  EXPECT_EQ(Lookup("req-twice"), RegistrationName(2, 3));
}

TEST_F(SqliteRosterStoreTest, RecommittingARevisionFailsAndChangesNothing) {
  ASSERT_NE(store_, nullptr);
  const Person original = MakePerson(1, 1);
  CommitOrFail({MakeMutation(1, {Create(original)})});
  Person other = original;
  other.display_name = "王五";
  EXPECT_THAT(store_->Commit({MakeMutation(1, {Create(other)})}),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(LoadAfterReopen().people, ElementsAre(original));
}

TEST_F(SqliteRosterStoreTest, ChangeMustNameOneResource) {
  ASSERT_NE(store_, nullptr);
  EXPECT_THAT(store_->Commit({MakeMutation(1, {Modify(MakePerson(1, 1), MakePerson(2, 1))})}),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr(absl::StrCat("revision 1 change 0: before is ", PersonName(1),
                                              " but after is ", PersonName(2)))));
  // The same id in another kind is another resource.
  EXPECT_THAT(store_->Commit(
                  {MakeMutation(1, {Modify(MakeMembership(4, 1, 1), MakeRegistration(4, 1, 1))})}),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr(absl::StrCat("before is ", MembershipName(1, 4), " but after is ",
                                              RegistrationName(1, 4)))));
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(SqliteRosterStoreTest, LookupRequestNamesTheCreatedResourceOfEveryKind) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakePerson(4, 1))}, "req-person"),
                MakeMutation(2, {Create(MakeMembership(17, 4, 2))}, "req-membership"),
                MakeMutation(3, {Create(MakeRegistration(3, 4, 3))}, "req-registration"),
                // The first change's resource is the one remembered.
                MakeMutation(4, {Create(MakeAssignment(9, 4, 4)), Create(MakePerson(5, 4))},
                             "req-assignment"),
                MakeMutation(5, {Create(MakePerson(6, 5))})});

  EXPECT_EQ(Lookup("req-person"), PersonName(4));
  EXPECT_EQ(Lookup("req-membership"), MembershipName(4, 17));
  EXPECT_EQ(Lookup("req-registration"), RegistrationName(4, 3));
  EXPECT_EQ(Lookup("req-assignment"), RoleAssignmentName(9));
  EXPECT_EQ(Lookup("req-other"), std::nullopt);
  EXPECT_EQ(Lookup(""), std::nullopt);

  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Lookup("req-membership"), MembershipName(4, 17));
}

TEST_F(SqliteRosterStoreTest, RequestIdOnAMutationThatChangesNothingIsRefused) {
  ASSERT_NE(store_, nullptr);
  EXPECT_THAT(store_->Commit({MakeMutation(1, {}, "req-empty")}),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("changes nothing"), Not(HasSubstr("req-empty")))));
  EXPECT_EQ(Lookup("req-empty"), std::nullopt);
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

  const absl::Status status =
      store->Commit({MakeMutation(1, {Create(person), Create(person)}, "13912345678")});
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

TEST_F(SqliteRosterStoreTest, ReopenedStoreKeepsEverythingAndContinues) {
  ASSERT_NE(store_, nullptr);
  const Person person = MakePerson(1, 1);
  CommitOrFail({MakeMutation(1, {Create(person)}, "req-1")});
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  const Membership membership = MakeMembership(1, 1, 2);
  CommitOrFail({MakeMutation(2, {Create(membership)})});

  const StoredRoster roster = LoadAfterReopen();
  EXPECT_THAT(roster.people, ElementsAre(person));
  EXPECT_THAT(roster.memberships, ElementsAre(membership));
  EXPECT_EQ(roster.revision, 2);
  EXPECT_THAT(Positions(Events()), ElementsAre(P(1, 0), P(2, 0)));
  EXPECT_EQ(Lookup("req-1"), PersonName(1));
}

// Refusals: the file is left byte for byte as it was.
class SqliteRosterStoreRefusalTest : public SqliteRosterStoreTest {
 protected:
  absl::Status OpenExpectingRefusal() {
    store_.reset();
    const std::string before = ReadBytes(path_);
    auto store = SqliteRosterStore::Open(path_);
    EXPECT_THAT(store, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(path_)));
    EXPECT_EQ(ReadBytes(path_), before) << "the refused file was modified";
    return store.status();
  }
};

TEST_F(SqliteRosterStoreRefusalTest, OrgStoreFileIsRefused) {
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

TEST_F(SqliteRosterStoreRefusalTest, NewerSchemaIsRefused) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakePerson(1, 1))})});
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_));
    ASSERT_OK(db->Exec("PRAGMA user_version = 2"));
  }
  EXPECT_THAT(OpenExpectingRefusal().message(),
              HasSubstr("schema version 2 is newer than this binary supports (1); "
                        "refusing to open it"));
}

TEST_F(SqliteRosterStoreRefusalTest, GarbageIsRefused) {
  store_.reset();
  std::filesystem::remove(path_);
  std::ofstream(path_, std::ios::binary) << std::string(5000, 'g');
  EXPECT_THAT(OpenExpectingRefusal().message(), HasSubstr("is not an SQLite database"));
}

TEST_F(SqliteRosterStoreTest, ReadersRunConcurrentlyWithCommits) {
  ASSERT_NE(store_, nullptr);
  constexpr int kRevisions = 200;
  constexpr int kReaders = 3;
  // Revision r creates person r and a role assignment r for them, and, when
  // r > 1, changes person r - 1.
  const auto person_at = [](int64_t id, int64_t revision) {
    Person person = MakePerson(id, revision);
    person.display_name = absl::StrCat("person ", id, " at ", revision);
    return person;
  };
  const auto expected_after = [&](const Event& event) -> Snapshot {
    const int64_t r = event.revision;
    switch (event.index) {
      case 0:
        return person_at(r, r);
      case 1:
        return MakeAssignment(r, r, r);
      default:
        return person_at(r - 1, r);
    }
  };

  std::atomic<bool> done = false;
  std::vector<std::string> failures(kReaders);
  std::vector<std::thread> readers;
  for (int reader = 0; reader < kReaders; ++reader) {
    readers.emplace_back([&, reader] {
      size_t seen = 0;
      // One more pass after the writer is done, to see the whole log.
      for (bool last = false; !last;) {
        last = done.load();
        auto events = store_->ReadEvents(1, 0, 10 * kRevisions);
        if (!events.ok()) {
          failures[reader] = events.status().ToString();
          return;
        }
        // Every event read is complete and consistent, and none disappears;
        // a revision is seen whole or not at all.
        for (const Event& event : *events) {
          if (event.after != expected_after(event) ||
              (event.index == 2) != event.before.has_value()) {
            failures[reader] = absl::StrCat("bad event (", event.revision, ", ", event.index, ")");
            return;
          }
        }
        if (!events->empty() && events->back().revision > 1 && events->back().index != 2) {
          failures[reader] = absl::StrCat("revision ", events->back().revision, " seen in part");
          return;
        }
        if (events->size() < seen) {
          failures[reader] = "the log shrank";
          return;
        }
        seen = events->size();
        auto name = store_->LookupRequest(absl::StrCat("req-", kRevisions / 2));
        if (!name.ok()) failures[reader] = name.status().ToString();
      }
      if (seen != 3 * kRevisions - 1) {
        failures[reader] = absl::StrCat("saw ", seen, " events at the end");
      }
    });
  }

  for (int64_t r = 1; r <= kRevisions; ++r) {
    std::vector<Change> changes = {Create(person_at(r, r)), Create(MakeAssignment(r, r, r))};
    if (r > 1) changes.push_back(Modify(person_at(r - 1, r - 1), person_at(r - 1, r)));
    const absl::Status status =
        store_->Commit({MakeMutation(r, std::move(changes), absl::StrCat("req-", r))});
    if (!status.ok()) {
      ADD_FAILURE() << status;
      break;
    }
  }
  done = true;
  for (std::thread& reader : readers) reader.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  EXPECT_EQ(Lookup(absl::StrCat("req-", kRevisions)), PersonName(kRevisions));
}

}  // namespace
}  // namespace grassroots::roster
