// Durability of the roster service, end to end: what it acknowledged is
// there after a graceful restart and after kill -9, identical, a transfer is
// whole or absent, and the event log goes on without gaps. The org service
// keeps running throughout; only the roster is stopped.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/batch_get.h"
#include "tests/testing/crash_harness.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster::testing {
namespace {

using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::BatchGetAll;
using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::EqualsProtos;
using ::grassroots::testing::ExpectLogEndsAtTheLastAcknowledged;
using ::grassroots::testing::ExpectNoneLost;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StopBy;
using ::grassroots::testing::StopLabel;
using ::grassroots::testing::StopServer;
using ::grassroots::testing::WriterOutcome;
using ::grassroots::testing::WriteUntilStopped;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

// Every person of `names`, by BatchGetPeople.
absl::StatusOr<std::vector<v1::Person>> GetAllPeople(const RosterClient& client,
                                                     const std::vector<std::string>& names) {
  return BatchGetAll<v1::Person>(
      names, [&](const std::vector<std::string>& chunk) { return client.BatchGetPeople(chunk); });
}

// Everything a client can read back, for comparing before and after a restart.
struct RosterSnapshot {
  std::vector<v1::Person> people;  // deleted ones too, by ListPeople
  std::vector<v1::Membership> memberships;
  std::vector<v1::Registration> registrations;
  std::vector<v1::RoleAssignment> roles;
  std::vector<v1::Event> events;
  int64_t revision = 0;
};

absl::StatusOr<RosterSnapshot> TakeSnapshot(const RosterClient& client) {
  RosterSnapshot snapshot;
  v1::ListPeopleRequest people;
  people.set_show_deleted(true);
  absl::StatusOr<Pages<v1::Person>> listed = client.ListAllPeople(people);
  if (!listed.ok()) return listed.status();
  snapshot.people = std::move(listed->items);
  absl::StatusOr<std::vector<v1::Membership>> memberships = client.Memberships("people/-");
  if (!memberships.ok()) return memberships.status();
  snapshot.memberships = *std::move(memberships);
  absl::StatusOr<std::vector<v1::Registration>> registrations = client.Registrations("people/-");
  if (!registrations.ok()) return registrations.status();
  snapshot.registrations = *std::move(registrations);
  absl::StatusOr<Pages<v1::RoleAssignment>> roles =
      client.ListAllRoleAssignments(v1::ListRoleAssignmentsRequest());
  if (!roles.ok()) return roles.status();
  snapshot.roles = std::move(roles->items);
  absl::StatusOr<Pages<v1::Event>> events = client.ListAllEvents(1);
  if (!events.ok()) return events.status();
  snapshot.events = std::move(events->items);
  snapshot.revision = events->revisions.back();
  return snapshot;
}

class RosterDurabilityTest : public RosterServerFixture {
 protected:
  void SetUp() override {
    RosterServerFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(sample_, CreateSampleDistrict(org()));
  }

  SampleDistrict sample_;
};

TEST_F(RosterDurabilityTest, AGracefulRestartKeepsEverythingAndRevisionsContinue) {
  const SampleDistrict& s = sample_;
  // Some of everything: people, a transferred membership, a registration,
  // current and ended roles, a deleted person, a create with a request id.
  ASSERT_OK_AND_ASSIGN(
      const v1::Person member,
      roster().CreatePerson(NewMember("重启党员", v1::Person::FULL, v1::Person::IN_SERVICE,
                                      TestIdCardNumber(1), TestPhone(1))));
  ASSERT_OK_AND_ASSIGN(const v1::Person lead,
                       roster().CreatePerson(NewPerson("重启楼长", TestIdCardNumber(2))));
  ASSERT_OK_AND_ASSIGN(const v1::Person leaver, roster().CreatePerson(NewPerson("重启离开")));
  ASSERT_OK(roster().StartMembership(member.name(), s.branch.name(), MakeDate(2020, 3, 1)));
  ASSERT_OK(
      roster().TransferMembership(member.name(), s.joint_branch.name(), MakeDate(2021, 5, 1)));
  ASSERT_OK(roster().CreateRegistration(member.name(), s.community2.name(), MakeDate(2022, 1, 1)));
  ASSERT_OK(roster().AssignRole(NewRole(member.name(), v1::SECRETARY, s.joint_branch.name())));
  ASSERT_OK_AND_ASSIGN(
      const v1::RoleAssignment role,
      roster().AssignRole(NewRole(lead.name(), v1::BUILDING_LEAD, s.building1.name())));
  ASSERT_OK(roster().EndRoleAssignment(role.name(), MakeDate(2023, 6, 30)));
  ASSERT_OK(roster().DeletePerson(leaver.name()));
  v1::Person rename;
  rename.set_name(lead.name());
  rename.set_display_name("重启楼长改名");
  ASSERT_OK(roster().UpdatePerson(rename, {"display_name"}));
  const v1::Person request = NewPerson("重启请求", TestIdCardNumber(3), TestPhone(3));
  ASSERT_OK_AND_ASSIGN(const v1::Person created, roster().CreatePerson(request, "restart-request"));

  ASSERT_OK_AND_ASSIGN(const RosterSnapshot before, TakeSnapshot(roster()));
  ASSERT_NO_FATAL_FAILURE(RestartRoster());
  ASSERT_OK_AND_ASSIGN(const RosterSnapshot after, TakeSnapshot(roster()));

  EXPECT_THAT(after.people, ElementsAreArray(EqualsProtos(before.people)));
  EXPECT_THAT(after.memberships, ElementsAreArray(EqualsProtos(before.memberships)));
  EXPECT_THAT(after.registrations, ElementsAreArray(EqualsProtos(before.registrations)));
  EXPECT_THAT(after.roles, ElementsAreArray(EqualsProtos(before.roles)));
  EXPECT_THAT(after.events, ElementsAreArray(EqualsProtos(before.events)));
  EXPECT_EQ(after.revision, before.revision);
  EXPECT_EQ(before.people.size(), 4u);
  EXPECT_EQ(before.memberships.size(), 2u);
  EXPECT_EQ(before.roles.size(), 2u);
  // The indexes came back too.
  EXPECT_THAT(roster().LookupPersonByIdCard(TestIdCardNumber(1)),
              IsOkAndHolds(EqualsProto(before.people[0])));

  // The request id is remembered.
  EXPECT_THAT(roster().CreatePerson(request, "restart-request"),
              IsOkAndHolds(EqualsProto(created)));
  // The next write takes the next revision.
  ASSERT_OK_AND_ASSIGN(const v1::Person next, roster().CreatePerson(NewPerson("重启之后")));
  EXPECT_EQ(next.revision(), before.revision + 1);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> log, roster().ListAllEvents(1));
  EXPECT_TRUE(EventsAreContiguous(log.items, 1));
  EXPECT_EQ(log.items.back().revision(), before.revision + 1);

  std::cout << "[ restart  ] " << after.people.size() << " people, " << after.memberships.size()
            << " memberships, " << after.registrations.size() << " registrations, "
            << after.roles.size() << " roles and " << after.events.size() << " events over "
            << after.revision << " revisions read back unchanged; the next write got revision "
            << next.revision() << "\n";
}

// --- Acknowledged writes under a crash
// ------------------------------------------------------------

// One write of the crash test's writer, as the server acknowledged it.
struct AckedWrite {
  enum class Kind { kCreatePerson, kAssignRole, kTransfer };
  Kind kind;
  int64_t revision = 0;
  v1::Person person;          // kCreatePerson
  v1::RoleAssignment role;    // kAssignRole
  v1::Membership membership;  // kTransfer: the new membership
  std::string member;         // kTransfer: whose
};

// The members whose memberships the writer moves back and forth.
struct Member {
  std::string name;
  std::string membership;  // the first one, started before the writer
};

struct WriterPlan {
  std::vector<Member> members;
  std::string org_a;  // where the members start
  std::string org_b;
  std::vector<std::string> buildings;  // where volunteers are assigned
};

// What the writer learnt: each acknowledged write, and the transfer in
// flight when the server stopped (it may or may not have committed): whose,
// and to where.
struct WriteLog {
  std::vector<AckedWrite> acked;
  std::optional<std::pair<std::string, std::string>> pending_transfer;
};

// Far from the ID-card numbers of anything else in these tests.
constexpr int kWriterIdCardBase = 10000;

// The writer's i-th write: of every four writes two create people, one
// assigns a volunteer role to someone the writer created, one transfers a
// member to the other organisation (on a later date each time). Records the
// acknowledged result in `log`.
class Writer {
 public:
  Writer(const RosterClient& client, const WriterPlan& plan, WriteLog& log)
      : client_(client), plan_(plan), log_(log) {
    for (const Member& member : plan.members) org_of_[member.name] = plan.org_a;
  }

  absl::Status Write(int i) {
    log_.pending_transfer.reset();
    AckedWrite write;
    absl::Status status;
    if (i % 4 == 3) {
      const Member& member = plan_.members[(i / 4) % plan_.members.size()];
      const std::string to = org_of_[member.name] == plan_.org_a ? plan_.org_b : plan_.org_a;
      const absl::CivilDay date = absl::CivilDay(2010, 1, 1) + transfers_;
      log_.pending_transfer = {member.name, to};
      absl::StatusOr<v1::Membership> moved =
          client_.TransferMembership(member.name, to, DateOf(date));
      status = moved.status();
      if (moved.ok()) {
        ++transfers_;
        org_of_[member.name] = to;
        write = {AckedWrite::Kind::kTransfer, moved->revision(), {}, {}, *moved, member.name};
      }
    } else if (i % 4 == 2 && !people_.empty()) {
      absl::StatusOr<v1::RoleAssignment> role = client_.AssignRole(
          NewRole(people_.back(), v1::VOLUNTEER, plan_.buildings[i % plan_.buildings.size()]));
      status = role.status();
      if (role.ok()) write = {AckedWrite::Kind::kAssignRole, role->revision(), {}, *role, {}, ""};
    } else {
      const int n = kWriterIdCardBase + i;
      absl::StatusOr<v1::Person> person = client_.CreatePerson(
          NewPerson(absl::StrCat("写入", i), TestIdCardNumber(n), TestPhone(n)));
      status = person.status();
      if (person.ok()) {
        people_.push_back(person->name());
        write = {AckedWrite::Kind::kCreatePerson, person->revision(), *person, {}, {}, ""};
      }
    }
    if (!status.ok()) return status;
    log_.acked.push_back(std::move(write));
    return absl::OkStatus();
  }

 private:
  const RosterClient& client_;
  const WriterPlan& plan_;
  WriteLog& log_;
  std::map<std::string, std::string> org_of_;
  std::vector<std::string> people_;
  int transfers_ = 0;
};

// What is wrong with a member's memberships, or "" when they form one chain:
// in order, each ending on the day the next starts, only the last current.
std::string CheckChain(const std::vector<v1::Membership>& memberships) {
  if (memberships.empty()) return "no membership at all";
  int current = 0;
  for (size_t i = 0; i < memberships.size(); ++i) {
    const v1::Membership& m = memberships[i];
    if (m.current()) ++current;
    if (i + 1 == memberships.size()) break;
    const v1::Membership& next = memberships[i + 1];
    if (m.current() || !m.has_end_date()) {
      return absl::StrCat(m.name(), " is current but is not the last");
    }
    // One transfer ends the one and makes the next in the same mutation.
    if (m.end_date().SerializeAsString() != next.start_date().SerializeAsString() ||
        m.update_time().SerializeAsString() != next.create_time().SerializeAsString()) {
      return absl::StrCat(m.name(), " and ", next.name(),
                          " are not the two halves of one transfer");
    }
  }
  if (current != 1) return absl::StrCat(current, " current memberships");
  return "";
}

// Runs the writer, stops the roster part-way through (kill -9, or SIGTERM
// with writes in flight), restarts it, and checks every acknowledged write.
class AcknowledgedWritesTest : public RosterDurabilityTest {
 protected:
  void WriteThenStop(StopBy stop_by);
};

void AcknowledgedWritesTest::WriteThenStop(StopBy stop_by) {
  const std::string label = StopLabel(stop_by);
  constexpr int kMembers = 4;
  const SampleDistrict& s = sample_;

  WriterPlan plan;
  plan.org_a = s.branch.name();
  plan.org_b = s.joint_branch.name();
  plan.buildings = {s.building1.name(), s.building2.name(), s.building3.name(), s.building4.name(),
                    s.building5.name()};
  for (int i = 0; i < kMembers; ++i) {
    ASSERT_OK_AND_ASSIGN(
        const v1::Person person,
        roster().CreatePerson(NewMember(absl::StrCat("流动", i), v1::Person::FULL,
                                        v1::Person::FLOATING, TestIdCardNumber(i), TestPhone(i))));
    ASSERT_OK_AND_ASSIGN(const v1::Membership membership,
                         roster().StartMembership(person.name(), plan.org_a, MakeDate(2009, 1, 1)));
    plan.members.push_back({person.name(), membership.name()});
  }

  WriteLog log;
  Writer writer(roster(), plan, log);
  ASSERT_OK_AND_ASSIGN(const WriterOutcome outcome,
                       WriteUntilStopped([&](int i) { return writer.Write(i); },
                                         [&] { return StopServer(roster_server(), stop_by); }));

  ASSERT_OK(roster_server().Start());
  ConnectRoster();

  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> events, roster().ListAllEvents(1));
  std::set<std::pair<int64_t, std::string>> logged;  // (revision, resource)
  for (const v1::Event& event : events.items) logged.insert({event.revision(), event.resource()});

  // Read back what each acknowledged write made.
  std::vector<std::string> person_names;
  for (const AckedWrite& write : log.acked) {
    if (write.kind == AckedWrite::Kind::kCreatePerson) person_names.push_back(write.person.name());
  }
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Person> people, GetAllPeople(roster(), person_names));
  ASSERT_EQ(people.size(), person_names.size());
  std::map<std::string, const v1::Person*> person_now;
  for (const v1::Person& person : people) person_now[person.name()] = &person;
  std::map<std::string, std::vector<v1::Membership>> memberships_of;
  for (const Member& member : plan.members) {
    ASSERT_OK_AND_ASSIGN(memberships_of[member.name], roster().Memberships(member.name));
  }

  // Present: read back exactly as acknowledged (nothing else changes them),
  // and its event is in the log; for a transfer both halves are.
  int present = 0;
  std::map<std::string, int> by_kind;
  std::vector<std::string> missing;
  int64_t max_acked_revision = 0;
  for (const AckedWrite& write : log.acked) {
    max_acked_revision = std::max(max_acked_revision, write.revision);
    bool found = false;
    switch (write.kind) {
      case AckedWrite::Kind::kCreatePerson: {
        ++by_kind["creates"];
        const auto it = person_now.find(write.person.name());
        found = it != person_now.end() &&
                it->second->SerializeAsString() == write.person.SerializeAsString() &&
                logged.count({write.revision, write.person.name()}) > 0;
        if (!found) missing.push_back(write.person.ShortDebugString());
        break;
      }
      case AckedWrite::Kind::kAssignRole: {
        ++by_kind["role assignments"];
        absl::StatusOr<v1::RoleAssignment> role = roster().GetRoleAssignment(write.role.name());
        found = role.ok() && role->SerializeAsString() == write.role.SerializeAsString() &&
                logged.count({write.revision, write.role.name()}) > 0;
        if (!found) missing.push_back(write.role.ShortDebugString());
        break;
      }
      case AckedWrite::Kind::kTransfer: {
        ++by_kind["transfers"];
        const std::vector<v1::Membership>& history = memberships_of[write.member];
        const auto it = std::find_if(history.begin(), history.end(), [&](const v1::Membership& m) {
          return m.name() == write.membership.name();
        });
        // The new membership as made (it may have been ended by a later
        // transfer), and two events at the transfer's revision.
        int events_at_revision = 0;
        for (const auto& [revision, resource] : logged) {
          if (revision == write.revision) ++events_at_revision;
        }
        found = it != history.end() && it->party_org() == write.membership.party_org() &&
                it->start_date().SerializeAsString() ==
                    write.membership.start_date().SerializeAsString() &&
                it->create_time().SerializeAsString() ==
                    write.membership.create_time().SerializeAsString() &&
                logged.count({write.revision, write.membership.name()}) > 0 &&
                events_at_revision == 2;
        if (!found) missing.push_back(write.membership.ShortDebugString());
        break;
      }
    }
    if (found) ++present;
  }
  const int lost = static_cast<int>(log.acked.size()) - present;
  std::cout << label << " acknowledged " << log.acked.size() << " (" << by_kind["creates"]
            << " creates of people, " << by_kind["role assignments"] << " role assignments, "
            << by_kind["transfers"] << " transfers), present after restart " << present << ", lost "
            << lost << "; the writer stopped with " << outcome.failure << "\n";
  ExpectNoneLost(static_cast<int>(log.acked.size()), present);
  EXPECT_THAT(missing, IsEmpty()) << "acknowledged but not as acknowledged after the restart";

  // Every member's memberships are one chain with exactly one current, at
  // the organisation of their last acknowledged transfer, or of the one in
  // flight if it committed.
  std::map<std::string, std::string> last_org;
  std::map<std::string, size_t> acked_transfers;
  for (const Member& member : plan.members) last_org[member.name] = plan.org_a;
  for (const AckedWrite& write : log.acked) {
    if (write.kind != AckedWrite::Kind::kTransfer) continue;
    last_org[write.member] = write.membership.party_org();
    ++acked_transfers[write.member];
  }
  std::vector<std::string> broken;
  for (const Member& member : plan.members) {
    const std::vector<v1::Membership>& history = memberships_of[member.name];
    if (const std::string problem = CheckChain(history); !problem.empty()) {
      broken.push_back(absl::StrCat(member.name, ": ", problem));
      continue;
    }
    const bool in_flight =
        log.pending_transfer.has_value() && log.pending_transfer->first == member.name;
    const size_t expected = acked_transfers[member.name] + 1;
    const bool as_acked =
        history.size() == expected && history.back().party_org() == last_org[member.name];
    const bool flight_committed = in_flight && history.size() == expected + 1 &&
                                  history.back().party_org() == log.pending_transfer->second;
    if (history.front().name() != member.membership || (!as_acked && !flight_committed)) {
      broken.push_back(absl::StrCat(member.name, ": ", history.size(), " memberships, the last at ",
                                    history.back().party_org(), "; acknowledged ", expected,
                                    ", the last at ", last_org[member.name]));
    }
  }
  EXPECT_THAT(broken, IsEmpty()) << "memberships not as the acknowledged transfers left them";

  // The log has no gaps and holds at most the one unacknowledged write past
  // the last acknowledged revision.
  const auto [last_revision, contiguous] =
      ExpectLogEndsAtTheLastAcknowledged(events.items, max_acked_revision);
  std::cout << label << " " << plan.members.size() << " members' memberships checked, "
            << broken.size() << " broken; event log revisions 1.." << last_revision
            << (contiguous ? " without gaps" : " WITH GAPS") << ", last acknowledged "
            << max_acked_revision << "\n";

  // Writing goes on from there.
  ASSERT_OK_AND_ASSIGN(const v1::Person next, roster().CreatePerson(NewPerson("重启后")));
  EXPECT_EQ(next.revision(), last_revision + 1);
}

TEST_F(AcknowledgedWritesTest, EveryAcknowledgedWriteSurvivesKill9) {
  WriteThenStop(StopBy::kKill9);
}

TEST_F(AcknowledgedWritesTest, EveryAcknowledgedWriteSurvivesSigtermMidStream) {
  WriteThenStop(StopBy::kSigterm);
}

}  // namespace
}  // namespace grassroots::roster::testing
