// Durability of the org service, end to end: what the server acknowledged
// is there after a graceful restart and after kill -9, with the same names,
// etags and revisions, and the event log goes on without gaps.

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/testing/batch_get.h"
#include "tests/testing/crash_harness.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {
namespace {

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

// Every unit of `names`, by BatchGetUnits.
absl::StatusOr<std::vector<v1::Unit>> GetAllUnits(const OrgClient& client,
                                                  const std::vector<std::string>& names) {
  return BatchGetAll<v1::Unit>(
      names, [&](const std::vector<std::string>& chunk) { return client.BatchGetUnits(chunk); });
}

// Everything a client can read back, for comparing before and after a restart.
struct StoreSnapshot {
  std::vector<v1::Unit> units;  // deleted ones too
  std::vector<v1::PartyOrg> party_orgs;
  std::vector<v1::Event> events;
  std::vector<v1::Unit> descendants;   // of the district
  std::vector<v1::LevelCount> counts;  // of the district
  int64_t revision = 0;
};

absl::StatusOr<StoreSnapshot> TakeSnapshot(const OrgClient& client,
                                           const std::vector<std::string>& unit_names,
                                           const std::vector<std::string>& org_names,
                                           const std::string& district) {
  StoreSnapshot snapshot;
  absl::StatusOr<std::vector<v1::Unit>> units = GetAllUnits(client, unit_names);
  if (!units.ok()) return units.status();
  snapshot.units = *std::move(units);
  absl::StatusOr<std::vector<v1::PartyOrg>> orgs = client.BatchGetPartyOrgs(org_names);
  if (!orgs.ok()) return orgs.status();
  snapshot.party_orgs = *std::move(orgs);
  absl::StatusOr<Pages<v1::Event>> events = client.ListAllEvents(1);
  if (!events.ok()) return events.status();
  snapshot.events = std::move(events->items);
  snapshot.revision = events->revisions.back();
  absl::StatusOr<Descendants> descendants = client.ListDescendants(district);
  if (!descendants.ok()) return descendants.status();
  snapshot.descendants = std::move(descendants->units);
  absl::StatusOr<v1::CountDescendantsResponse> counts = client.CountDescendants(district);
  if (!counts.ok()) return counts.status();
  snapshot.counts.assign(counts->counts().begin(), counts->counts().end());
  return snapshot;
}

class OrgDurabilityTest : public OrgServerFixture {
 protected:
  // SIGTERM (exit code 0 expected), start on the same data directory, reconnect.
  void RestartGracefully() {
    ASSERT_THAT(server().Stop(SIGTERM), IsOkAndHolds(0));
    ASSERT_OK(server().Start());
    Reconnect();
  }
};

TEST_F(OrgDurabilityTest, AGracefulRestartKeepsEverythingAndRevisionsContinue) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict sample, CreateSampleDistrict(client()));
  // History besides creations: an update, a move, a deletion, a create with a request id.
  v1::Unit rename;
  rename.set_name(sample.compound1.name());
  rename.set_display_name("幸福花园一期");
  ASSERT_OK(client().UpdateUnit(rename, {"display_name"}));
  ASSERT_OK(client().MoveUnit(sample.compound4.name(), sample.community3.name()));
  ASSERT_OK(client().DeleteUnit(sample.building3.name()));
  const v1::Unit request = NewCompound(sample.community2.name(), "新建小区", "XJ", {});
  ASSERT_OK_AND_ASSIGN(const v1::Unit created, client().CreateUnit(request, "restart-request"));

  std::vector<std::string> unit_names = NamesOf(sample.AllUnits());
  unit_names.push_back(created.name());
  const std::vector<std::string> org_names = NamesOf(sample.AllPartyOrgs());
  ASSERT_OK_AND_ASSIGN(const StoreSnapshot before,
                       TakeSnapshot(client(), unit_names, org_names, sample.district.name()));

  ASSERT_NO_FATAL_FAILURE(RestartGracefully());

  ASSERT_OK_AND_ASSIGN(const StoreSnapshot after,
                       TakeSnapshot(client(), unit_names, org_names, sample.district.name()));
  EXPECT_THAT(after.units, ElementsAreArray(EqualsProtos(before.units)));
  EXPECT_THAT(after.party_orgs, ElementsAreArray(EqualsProtos(before.party_orgs)));
  EXPECT_THAT(after.events, ElementsAreArray(EqualsProtos(before.events)));
  EXPECT_THAT(after.descendants, ElementsAreArray(EqualsProtos(before.descendants)));
  EXPECT_THAT(after.counts, ElementsAreArray(EqualsProtos(before.counts)));
  EXPECT_EQ(after.revision, before.revision);

  // The request id is remembered.
  EXPECT_THAT(client().CreateUnit(request, "restart-request"), IsOkAndHolds(EqualsProto(created)));
  // The next write takes the next revision.
  ASSERT_OK_AND_ASSIGN(const v1::Unit next, client().CreateUnit(NewCompound(
                                                sample.community2.name(), "又一小区", "YY", {})));
  EXPECT_EQ(next.revision(), before.revision + 1);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> log, client().ListAllEvents(1));
  EXPECT_TRUE(EventsAreContiguous(log.items, 1));
  EXPECT_EQ(log.items.back().revision(), before.revision + 1);

  std::cout << "[ restart  ] " << after.units.size() << " units, " << after.party_orgs.size()
            << " party orgs and " << after.events.size() << " events over " << after.revision
            << " revisions read back unchanged; the next write got revision " << next.revision()
            << "\n";
}

// What the writer of the crash test did, as acknowledged by the server.
struct AckedWrite {
  std::string method;  // "CreateUnit", "UpdateUnit", "MoveUnit"
  v1::Unit unit;       // as the server returned it
};

// What the writer learnt: each acknowledged write, and the resource of the
// write in flight ("" for a create, whose name nobody learnt), which may or
// may not have committed when the server stopped.
struct WriteLog {
  std::vector<AckedWrite> acked;
  std::string pending_resource;
};

// Where the writer writes.
struct WriterPlan {
  std::vector<std::string> hosts;   // compounds that get new buildings
  std::vector<std::string> movers;  // childless compounds moved between two communities
  std::string community_a;          // where the movers start
  std::string community_b;
};

// The writer's i-th write: nine in ten are creates of buildings, with a
// rename of an earlier building and a move of a compound mixed in. Records
// the acknowledged result in `log`.
class Writer {
 public:
  Writer(const OrgClient& client, const WriterPlan& plan, WriteLog& log)
      : client_(client), plan_(plan), log_(log) {
    for (const std::string& mover : plan.movers) parent_of_[mover] = plan.community_a;
  }

  absl::Status Write(int i) {
    absl::StatusOr<v1::Unit> result;
    std::string method;
    if (i % 10 == 9) {
      const std::string& mover = plan_.movers[(i / 10) % plan_.movers.size()];
      const std::string& to =
          parent_of_[mover] == plan_.community_a ? plan_.community_b : plan_.community_a;
      log_.pending_resource = mover;
      method = "MoveUnit";
      result = client_.MoveUnit(mover, to);
    } else if (i % 10 == 4 && !buildings_.empty()) {
      v1::Unit rename;
      rename.set_name(buildings_[(i * 7) % buildings_.size()]);
      rename.set_display_name(absl::StrCat("改名", i));
      log_.pending_resource = rename.name();
      method = "UpdateUnit";
      result = client_.UpdateUnit(rename, {"display_name"});
    } else {
      log_.pending_resource.clear();
      method = "CreateUnit";
      result =
          client_.CreateUnit(NewBuilding(plan_.hosts[i % plan_.hosts.size()],
                                         absl::StrCat(i, "号楼"), absl::StrCat("W", i), 10, 6, ""));
    }
    if (!result.ok()) return result.status();
    if (method == "CreateUnit") buildings_.push_back(result->name());
    if (method == "MoveUnit") parent_of_[result->name()] = result->parent();
    log_.acked.push_back({method, *std::move(result)});
    return absl::OkStatus();
  }

 private:
  const OrgClient& client_;
  const WriterPlan& plan_;
  WriteLog& log_;
  std::vector<std::string> buildings_;
  std::map<std::string, std::string> parent_of_;
};

// Runs the writer, stops the server part-way through (kill -9, or SIGTERM
// with writes in flight), restarts it, and checks every acknowledged write.
class AcknowledgedWritesTest : public OrgDurabilityTest {
 protected:
  void WriteThenStop(StopBy stop_by);
};

void AcknowledgedWritesTest::WriteThenStop(StopBy stop_by) {
  const std::string label = StopLabel(stop_by);

  // The tree the writer works in; its creation is acknowledged too.
  WriteLog log;
  const auto create = [&](const v1::Unit& request) -> std::string {
    absl::StatusOr<v1::Unit> unit = client().CreateUnit(request);
    EXPECT_OK(unit);
    if (!unit.ok()) return "";
    log.acked.push_back({"CreateUnit", *unit});
    return unit->name();
  };
  WriterPlan plan;
  const std::string district = create(NewUnit(v1::DISTRICT, "", "江岸区", "420102"));
  const std::string street = create(NewUnit(v1::STREET, district, "大智街道", "420102001"));
  plan.community_a = create(NewUnit(v1::COMMUNITY, street, "二曜社区", "A"));
  plan.community_b = create(NewUnit(v1::COMMUNITY, street, "黄兴社区", "B"));
  for (const char* code : {"H1", "H2", "H3"}) {
    plan.hosts.push_back(
        create(NewCompound(plan.community_a, absl::StrCat("小区", code), code, {})));
  }
  for (const char* code : {"M1", "M2"}) {
    plan.movers.push_back(
        create(NewCompound(plan.community_a, absl::StrCat("小区", code), code, {})));
  }
  ASSERT_FALSE(HasFailure());

  Writer writer(client(), plan, log);
  ASSERT_OK_AND_ASSIGN(const WriterOutcome outcome,
                       WriteUntilStopped([&](int i) { return writer.Write(i); },
                                         [&] { return StopServer(server(), stop_by); }));

  ASSERT_OK(server().Start());
  Reconnect();

  // Read back: the units the writes touched, and the event log.
  std::map<std::string, const AckedWrite*> last;  // each unit's last acknowledged write
  std::map<std::string, int> writes_by_method;
  int64_t max_acked_revision = 0;
  for (const AckedWrite& write : log.acked) {
    last[write.unit.name()] = &write;
    ++writes_by_method[write.method];
    max_acked_revision = std::max(max_acked_revision, write.unit.revision());
  }
  std::vector<std::string> names;
  for (const auto& [name, write] : last) names.push_back(name);
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> units, GetAllUnits(client(), names));
  ASSERT_EQ(units.size(), names.size());
  std::map<std::string, const v1::Unit*> now;
  for (const v1::Unit& unit : units) now[unit.name()] = &unit;
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> events, client().ListAllEvents(1));
  std::set<std::pair<int64_t, std::string>> logged;  // (revision, resource)
  for (const v1::Event& event : events.items) logged.insert({event.revision(), event.resource()});

  // A write is present when its event is in the log and its unit is at its
  // revision or later.
  int present = 0;
  for (const AckedWrite& write : log.acked) {
    const auto it = now.find(write.unit.name());
    if (it != now.end() && it->second->revision() >= write.unit.revision() &&
        logged.count({write.unit.revision(), write.unit.name()}) > 0) {
      ++present;
    }
  }
  const int lost = static_cast<int>(log.acked.size()) - present;
  std::cout << label << " acknowledged " << log.acked.size() << " ("
            << writes_by_method["CreateUnit"] << " creates, " << writes_by_method["UpdateUnit"]
            << " updates, " << writes_by_method["MoveUnit"] << " moves), present after restart "
            << present << ", lost " << lost << "; the writer stopped with " << outcome.failure
            << "\n";
  ExpectNoneLost(static_cast<int>(log.acked.size()), present);

  // Each unit is as its last acknowledged write left it, unless the write in
  // flight at the kill (unacknowledged, maybe committed) came after it.
  std::vector<std::string> wrong;
  for (const auto& [name, write] : last) {
    const v1::Unit& acked = write->unit;
    const v1::Unit& unit = *now.at(name);
    const bool as_acked = unit.revision() == acked.revision() && unit.etag() == acked.etag() &&
                          unit.display_name() == acked.display_name() &&
                          unit.parent() == acked.parent();
    const bool overtaken = name == log.pending_resource && unit.revision() > acked.revision();
    if (!as_acked && !overtaken) {
      wrong.push_back(absl::StrCat(name, " is at revision ", unit.revision(), " \"",
                                   unit.display_name(), "\" under ", unit.parent(),
                                   "; acknowledged: revision ", acked.revision(), " \"",
                                   acked.display_name(), "\" under ", acked.parent()));
    }
  }
  EXPECT_THAT(wrong, IsEmpty()) << "units not in their last acknowledged state";

  // The log has no gaps and holds at most the one unacknowledged write past
  // the last acknowledged revision.
  const auto [last_revision, contiguous] =
      ExpectLogEndsAtTheLastAcknowledged(events.items, max_acked_revision);
  std::cout << label << " " << names.size() << " units checked, " << wrong.size()
            << " not as acknowledged; event log revisions 1.." << last_revision
            << (contiguous ? " without gaps" : " WITH GAPS") << ", last acknowledged "
            << max_acked_revision << "\n";

  // Writing goes on from there.
  ASSERT_OK_AND_ASSIGN(const v1::Unit next, client().CreateUnit(NewCompound(
                                                plan.community_b, "重启后小区", "AFTER", {})));
  EXPECT_EQ(next.revision(), last_revision + 1);
}

TEST_F(AcknowledgedWritesTest, EveryAcknowledgedWriteSurvivesKill9) {
  WriteThenStop(StopBy::kKill9);
}

TEST_F(AcknowledgedWritesTest, EveryAcknowledgedWriteSurvivesSigtermMidStream) {
  WriteThenStop(StopBy::kSigterm);
}

}  // namespace
}  // namespace grassroots::org::testing
