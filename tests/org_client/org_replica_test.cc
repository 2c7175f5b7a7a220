#include "org_client/org_replica.h"

#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <algorithm>
#include <deque>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/org_client/sample_street.h"
#include "tests/org_service/org_test_support.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org_client {
namespace {

namespace v1 = ::grassroots::org::v1;
using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::IdOf;
using ::grassroots::org::testing::NewCompound;
using ::grassroots::org::testing::NewPartyOrg;
using ::grassroots::org::testing::OrgServerFixture;
using ::grassroots::org::testing::OrgServerOptions;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;
using ::grassroots::testing::StatusIs;
using ::testing::AnyOf;
using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

// How long a test waits for the replica to catch up. Generous: it bounds a
// failure, not a success.
constexpr absl::Duration kCatchUp = absl::Seconds(20);
// What "promptly" means for Stop and for a call that must not wait for its
// deadline: far below every deadline in play, far above scheduling noise.
constexpr absl::Duration kPrompt = absl::Seconds(1);

Place UnitPlace(int64_t id) { return {Place::Kind::kUnit, id}; }
Place OrgPlace(int64_t id) { return {Place::Kind::kPartyOrg, id}; }
Place PlaceOf(const v1::Unit& unit) { return UnitPlace(IdOf(unit.name())); }
Place PlaceOf(const v1::PartyOrg& org) { return OrgPlace(IdOf(org.name())); }

// "units/7", "partyOrgs/3": readable in failures, unlike Place's bytes.
std::vector<std::string> Names(const std::vector<Place>& places) {
  std::vector<std::string> names;
  names.reserve(places.size());
  for (const Place& place : places) names.push_back(PlaceName(place));
  return names;
}

// The names PlacesUnder should give for these units and organisations.
std::vector<std::string> ExpectedNames(const std::vector<v1::Unit>& units,
                                       const std::vector<v1::PartyOrg>& orgs) {
  std::vector<std::string> names;
  for (const v1::Unit& unit : units) names.push_back(unit.name());
  for (const v1::PartyOrg& org : orgs) names.push_back(org.name());
  return names;
}

absl::StatusOr<std::vector<std::string>> NamesUnder(const OrgDirectory& directory,
                                                    const v1::Unit& unit) {
  absl::StatusOr<std::vector<Place>> places = directory.PlacesUnder(IdOf(unit.name()));
  if (!places.ok()) return places.status();
  return Names(*places);
}

// An answer to Describe, shared with the callback so that a test that gives
// up waiting leaves the callback something alive to write to.
struct DescribeAnswer {
  absl::Notification done;
  absl::StatusOr<PlaceFacts> facts = absl::InternalError("no answer yet");
  absl::Duration describe_returned_after;  // how long Describe itself took
  absl::Duration answered_after;           // how long until `done` ran
};

std::shared_ptr<DescribeAnswer> StartDescribe(OrgDirectory& directory, const Place& place) {
  auto answer = std::make_shared<DescribeAnswer>();
  const absl::Time start = absl::Now();
  directory.Describe(place, [answer, start](absl::StatusOr<PlaceFacts> facts) {
    answer->facts = std::move(facts);
    answer->answered_after = absl::Now() - start;
    answer->done.Notify();
  });
  answer->describe_returned_after = absl::Now() - start;
  return answer;
}

absl::StatusOr<PlaceFacts> DescribeAndWait(OrgDirectory& directory, const Place& place) {
  std::shared_ptr<DescribeAnswer> answer = StartDescribe(directory, place);
  if (!answer->done.WaitForNotificationWithTimeout(kCatchUp)) {
    return absl::DeadlineExceededError(
        absl::StrCat("Describe(", PlaceName(place), ") never answered"));
  }
  return answer->facts;
}

// Freezes a child process (SIGSTOP) while in scope: its socket still takes
// connections, but nothing answers, which is the slow peer deadlines are
// for.
class Frozen {
 public:
  explicit Frozen(pid_t pid) : pid_(pid) {
    EXPECT_EQ(::kill(pid_, SIGSTOP), 0);
    // The signal takes effect asynchronously; until the child has stopped,
    // it may still answer a call made right now.
    int wait_status = 0;
    EXPECT_EQ(::waitpid(pid_, &wait_status, WUNTRACED), pid_);
    EXPECT_TRUE(WIFSTOPPED(wait_status)) << ::grassroots::testing::DescribeWaitStatus(wait_status);
  }
  ~Frozen() { ::kill(pid_, SIGCONT); }
  Frozen(const Frozen&) = delete;
  Frozen& operator=(const Frozen&) = delete;

 private:
  pid_t pid_;
};

// ---------------------------------------------------------------------------
// OrgHierarchy, in memory.

TEST(OrgHierarchyTest, WalksTheSubtreeInPreorderByIdThenCoveringOrgsById) {
  OrgHierarchy hierarchy;
  // 1 ─┬─ 2 ─┬─ 5
  //    │     └─ 4
  //    └─ 3
  for (const ReplicaUnit unit : {ReplicaUnit{1, 0}, ReplicaUnit{3, 1}, ReplicaUnit{2, 1},
                                 ReplicaUnit{5, 2}, ReplicaUnit{4, 2}}) {
    hierarchy.PutUnit(unit);
  }
  hierarchy.PutPartyOrg({.id = 9, .unit_ids = {4, 5}});  // twice in the subtree, listed once
  hierarchy.PutPartyOrg({.id = 8, .unit_ids = {3}});
  hierarchy.PutPartyOrg({.id = 7, .unit_ids = {}});

  ASSERT_OK_AND_ASSIGN(const std::vector<Place> all, hierarchy.PlacesUnder(1));
  EXPECT_THAT(Names(all), ElementsAre("units/1", "units/2", "units/4", "units/5", "units/3",
                                      "partyOrgs/8", "partyOrgs/9"));
  ASSERT_OK_AND_ASSIGN(const std::vector<Place> leaf, hierarchy.PlacesUnder(3));
  EXPECT_THAT(Names(leaf), ElementsAre("units/3", "partyOrgs/8"));
  EXPECT_THAT(hierarchy.PlacesUnder(6), StatusIs(absl::StatusCode::kNotFound));
}

TEST(OrgHierarchyTest, TellsWhetherAPlaceIsUnderAUnitWithoutListingTheSubtree) {
  OrgHierarchy hierarchy;
  // 1 ─┬─ 2 ─┬─ 5
  //    │     └─ 4
  //    └─ 3
  for (const ReplicaUnit unit : {ReplicaUnit{1, 0}, ReplicaUnit{3, 1}, ReplicaUnit{2, 1},
                                 ReplicaUnit{5, 2}, ReplicaUnit{4, 2}}) {
    hierarchy.PutUnit(unit);
  }
  hierarchy.PutPartyOrg({.id = 9, .unit_ids = {3, 5}});  // a joint branch across 2 and 3
  hierarchy.PutPartyOrg({.id = 8, .unit_ids = {3}});

  // Exactly the places PlacesUnder lists, for every unit.
  for (int64_t root = 1; root <= 5; ++root) {
    ASSERT_OK_AND_ASSIGN(const std::vector<Place> listed, hierarchy.PlacesUnder(root));
    for (int64_t id = 1; id <= 9; ++id) {
      for (const Place::Kind kind : {Place::Kind::kUnit, Place::Kind::kPartyOrg}) {
        const Place place{kind, id};
        EXPECT_EQ(hierarchy.IsPlaceUnder(place, root),
                  std::find(listed.begin(), listed.end(), place) != listed.end())
            << PlaceName(place) << " under units/" << root;
      }
    }
  }

  ASSERT_OK_AND_ASSIGN(std::optional<std::vector<Place>> all, hierarchy.PlacesUnderAtMost(1, 7));
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->size(), 7u);
  ASSERT_OK_AND_ASSIGN(std::optional<std::vector<Place>> too_many,
                       hierarchy.PlacesUnderAtMost(1, 6));
  EXPECT_FALSE(too_many.has_value());
  EXPECT_THAT(hierarchy.PlacesUnderAtMost(6, 100), StatusIs(absl::StatusCode::kNotFound));
}

TEST(OrgHierarchyTest, APutReplacesTheOldParentAndTheOldCoverage) {
  OrgHierarchy hierarchy;
  for (const ReplicaUnit unit :
       {ReplicaUnit{1, 0}, ReplicaUnit{2, 1}, ReplicaUnit{3, 1}, ReplicaUnit{4, 2}}) {
    hierarchy.PutUnit(unit);
  }
  hierarchy.PutPartyOrg({.id = 7, .unit_ids = {4}});

  hierarchy.PutUnit({4, 3});                          // moved from 2 to 3
  hierarchy.PutPartyOrg({.id = 7, .unit_ids = {2}});  // now covers 2 instead

  ASSERT_OK_AND_ASSIGN(const std::vector<Place> two, hierarchy.PlacesUnder(2));
  EXPECT_THAT(Names(two), ElementsAre("units/2", "partyOrgs/7"));
  ASSERT_OK_AND_ASSIGN(const std::vector<Place> three, hierarchy.PlacesUnder(3));
  EXPECT_THAT(Names(three), ElementsAre("units/3", "units/4"));
  EXPECT_EQ(hierarchy.unit_count(), 4u);
  EXPECT_EQ(hierarchy.party_org_count(), 1u);
}

TEST(OrgHierarchyTest, AChildMayArriveBeforeItsParent) {
  // A cascading undelete may restore a child before its parent.
  OrgHierarchy hierarchy;
  hierarchy.PutUnit({1, 0});
  hierarchy.PutUnit({3, 2});
  EXPECT_THAT(hierarchy.PlacesUnder(2), StatusIs(absl::StatusCode::kNotFound));
  hierarchy.PutUnit({2, 1});
  ASSERT_OK_AND_ASSIGN(const std::vector<Place> places, hierarchy.PlacesUnder(1));
  EXPECT_THAT(Names(places), ElementsAre("units/1", "units/2", "units/3"));
}

TEST(OrgHierarchyTest, AStreetOfTenThousandUnitsIsListedWhole) {
  // 10521 units and 500 branches. How fast PlacesUnder is, is measured by
  // bench/org_hierarchy_bench.cc.
  OrgHierarchy hierarchy;
  const int64_t street = testing::AddSampleStreet(hierarchy);
  ASSERT_OK_AND_ASSIGN(const std::vector<Place> places, hierarchy.PlacesUnder(street));
  EXPECT_EQ(places.size(), 10521u + 500u);
}

// ---------------------------------------------------------------------------
// Against the real org service.

class OrgReplicaTest : public OrgServerFixture {
 protected:
  std::unique_ptr<OrgReplica> NewReplica(OrgReplicaOptions options = {}) {
    return std::make_unique<OrgReplica>(channel_, options);
  }

  // Starts `replica` and waits until it has loaded the sample district, so
  // that every later change reaches it through the event stream.
  static void StartAndLoad(OrgReplica& replica, const SampleDistrict& sample) {
    replica.Start();
    ASSERT_TRUE(replica.WaitForRevision(sample.party_group.revision(), kCatchUp))
        << replica.stats().last_error;
    ASSERT_EQ(replica.stats().events_applied, 0);
  }
};

TEST_F(OrgReplicaTest, DescribeReportsLiveDeletedAndUnknownPlaces) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  ASSERT_OK(client().DeleteUnit(s.building5.name()).status());
  ASSERT_OK(client().DeletePartyOrg(s.party_group.name()).status());
  // Describe needs no replica: it works without Start.
  const std::unique_ptr<OrgReplica> replica = NewReplica();

  ASSERT_OK_AND_ASSIGN(PlaceFacts live, DescribeAndWait(*replica, PlaceOf(s.compound1)));
  EXPECT_EQ(live.place, PlaceOf(s.compound1));
  EXPECT_EQ(live.level, org::Level::kCompound);
  EXPECT_FALSE(live.deleted);

  ASSERT_OK_AND_ASSIGN(PlaceFacts deleted, DescribeAndWait(*replica, PlaceOf(s.building5)));
  EXPECT_EQ(deleted.level, org::Level::kBuilding);
  EXPECT_TRUE(deleted.deleted);

  ASSERT_OK_AND_ASSIGN(PlaceFacts branch, DescribeAndWait(*replica, PlaceOf(s.branch)));
  EXPECT_EQ(branch.place, PlaceOf(s.branch));
  EXPECT_EQ(branch.form, org::OrgForm::kBranch);
  EXPECT_FALSE(branch.deleted);

  ASSERT_OK_AND_ASSIGN(PlaceFacts group, DescribeAndWait(*replica, PlaceOf(s.party_group)));
  EXPECT_EQ(group.form, org::OrgForm::kPartyGroup);
  EXPECT_TRUE(group.deleted);

  EXPECT_THAT(DescribeAndWait(*replica, UnitPlace(999999)), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(DescribeAndWait(*replica, OrgPlace(999999)), StatusIs(absl::StatusCode::kNotFound));
}

// A Describe's answer is given before gRPC has let go of the call; the
// replica must not return from Stop while anything of the call (its
// context holds the channel) is still alive on a gRPC thread, or the last
// reference to the channel may be dropped there while the process exits
// (once: an ASan double free in grpc_cq_internal_unref at exit).
TEST_F(OrgReplicaTest, NothingOfACallOutlivesTheReplica) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  for (int round = 0; round < 50; ++round) {
    std::shared_ptr<grpc::Channel> channel =
        ::grassroots::testing::CreateTestChannel(server().address());
    {
      OrgReplica replica(channel);
      ASSERT_OK(DescribeAndWait(replica, PlaceOf(s.compound1)).status());
      ASSERT_OK(DescribeAndWait(replica, PlaceOf(s.branch)).status());
    }
    ASSERT_EQ(channel.use_count(), 1) << "round " << round;
  }
}

absl::StatusOr<std::vector<absl::StatusOr<PlaceFacts>>> DescribeManyAndWait(
    OrgDirectory& directory, std::vector<Place> places) {
  struct Answer {
    absl::Notification done;
    std::vector<absl::StatusOr<PlaceFacts>> facts;
  };
  auto answer = std::make_shared<Answer>();
  directory.DescribeMany(std::move(places),
                         [answer](std::vector<absl::StatusOr<PlaceFacts>> facts) {
                           answer->facts = std::move(facts);
                           answer->done.Notify();
                         });
  if (!answer->done.WaitForNotificationWithTimeout(kCatchUp)) {
    return absl::DeadlineExceededError("DescribeMany never answered");
  }
  return answer->facts;
}

// What a test compares of two answers.
std::string AnswerText(const absl::StatusOr<PlaceFacts>& facts) {
  if (!facts.ok()) return absl::StatusCodeToString(facts.status().code());
  return absl::StrCat(PlaceName(facts->place), " level ", static_cast<int>(facts->level), " form ",
                      static_cast<int>(facts->form), facts->deleted ? " deleted" : " live");
}

TEST_F(OrgReplicaTest, DescribeManyAnswersEachPlaceAsDescribeDoes) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  ASSERT_OK(client().DeleteUnit(s.building5.name()).status());
  ASSERT_OK(client().DeletePartyOrg(s.party_group.name()).status());
  const std::unique_ptr<OrgReplica> replica = NewReplica();
  // Units and organisations mixed, repeated, deleted and unknown; then more
  // unknown units than one batch call takes (1000 names), so that the
  // batches split and each refused batch is asked again place by place.
  std::vector<Place> places = {PlaceOf(s.compound1),   PlaceOf(s.branch), PlaceOf(s.building5),
                               PlaceOf(s.party_group), UnitPlace(999999), OrgPlace(999999),
                               PlaceOf(s.compound1),   PlaceOf(s.street1)};
  for (int64_t id = 1000000; id < 1001100; ++id) places.push_back(UnitPlace(id));
  places.push_back(PlaceOf(s.street1));
  ASSERT_OK_AND_ASSIGN(const std::vector<absl::StatusOr<PlaceFacts>> many,
                       DescribeManyAndWait(*replica, places));
  ASSERT_EQ(many.size(), places.size());
  for (size_t i = 0; i < places.size(); ++i) {
    if (i >= 8 && i < 8 + 1100) {  // the unknown ones: no need to ask 1100 times more
      ASSERT_THAT(many[i], StatusIs(absl::StatusCode::kNotFound)) << PlaceName(places[i]);
      continue;
    }
    EXPECT_EQ(AnswerText(many[i]), AnswerText(DescribeAndWait(*replica, places[i])))
        << PlaceName(places[i]);
  }
  EXPECT_EQ(AnswerText(many[0]),
            absl::StrCat(s.compound1.name(), " level ", static_cast<int>(org::Level::kCompound),
                         " form 0 live"));
  EXPECT_TRUE(many[3].ok() && many[3]->deleted);
  EXPECT_THAT(many[4], StatusIs(absl::StatusCode::kNotFound));

  // Nothing asked: answered at once with nothing.
  ASSERT_OK_AND_ASSIGN(const auto none, DescribeManyAndWait(*replica, {}));
  EXPECT_TRUE(none.empty());
}

TEST_F(OrgReplicaTest, DescribeManyFailsEveryPlaceWhenTheOrgServiceIsGone) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  const std::unique_ptr<OrgReplica> replica = NewReplica();
  ASSERT_OK(DescribeAndWait(*replica, PlaceOf(s.street1)).status());  // connected
  ASSERT_THAT(server().Stop(), IsOk());
  ASSERT_OK_AND_ASSIGN(
      const std::vector<absl::StatusOr<PlaceFacts>> many,
      DescribeManyAndWait(*replica, {PlaceOf(s.street1), PlaceOf(s.branch), PlaceOf(s.street1)}));
  ASSERT_EQ(many.size(), 3u);
  for (const absl::StatusOr<PlaceFacts>& facts : many) {
    EXPECT_THAT(facts, AnyOf(StatusIs(absl::StatusCode::kUnavailable),
                             StatusIs(absl::StatusCode::kDeadlineExceeded)));
  }
}

TEST_F(OrgReplicaTest, DescribeNeverBlocksAndFailsWithinItsDeadlineWhenTheOrgServiceIsDown) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  const OrgReplicaOptions options;  // the production deadline
  const std::unique_ptr<OrgReplica> replica = NewReplica(options);
  ASSERT_OK(DescribeAndWait(*replica, PlaceOf(s.street1)).status());  // connected
  const auto expect_bounded = [&](const DescribeAnswer& answer, absl::string_view what) {
    std::cout << "[ timing ] Describe with the org service " << what << ": returned after "
              << answer.describe_returned_after << ", answered " << answer.facts.status().code()
              << " after " << answer.answered_after << "\n";
    // Describe only starts a call: one that blocked would return after the
    // call's deadline (2 s), not within kPrompt.
    EXPECT_LT(answer.describe_returned_after, kPrompt) << what;
    EXPECT_LE(answer.answered_after, options.call_timeout + kPrompt) << what;
  };

  {
    // Connected but silent: only the deadline ends the call.
    Frozen frozen(server().pid());
    std::shared_ptr<DescribeAnswer> answer = StartDescribe(*replica, PlaceOf(s.street1));
    ASSERT_TRUE(answer->done.WaitForNotificationWithTimeout(kCatchUp));
    EXPECT_THAT(answer->facts, StatusIs(absl::StatusCode::kDeadlineExceeded));
    EXPECT_GE(answer->answered_after, options.call_timeout - absl::Milliseconds(50));
    expect_bounded(*answer, "frozen");
  }

  // Gone: the connection is refused, which may be known before the deadline.
  ASSERT_THAT(server().Stop(), IsOk());
  for (const Place& place : {PlaceOf(s.street1), PlaceOf(s.branch)}) {
    std::shared_ptr<DescribeAnswer> answer = StartDescribe(*replica, place);
    ASSERT_TRUE(answer->done.WaitForNotificationWithTimeout(kCatchUp));
    EXPECT_THAT(answer->facts, AnyOf(StatusIs(absl::StatusCode::kUnavailable),
                                     StatusIs(absl::StatusCode::kDeadlineExceeded)));
    expect_bounded(*answer, "stopped");
  }
}

TEST_F(OrgReplicaTest, PlacesUnderFollowsAMoveWithItsCoveringOrgs) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  ASSERT_OK_AND_ASSIGN(const v1::PartyOrg branch4,
                       client().CreatePartyOrg(NewPartyOrg(v1::PartyOrg::BRANCH, "阳光花园党支部",
                                                           {s.compound4.name()})));
  const std::unique_ptr<OrgReplica> replica = NewReplica();
  EXPECT_THAT(replica->PlacesUnder(IdOf(s.street1.name())),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(replica->replica_revision(), 0);

  replica->Start();
  ASSERT_TRUE(replica->WaitForRevision(branch4.revision(), kCatchUp))
      << replica->stats().last_error;
  EXPECT_THAT(NamesUnder(*replica, s.street1),
              IsOkAndHolds(UnorderedElementsAreArray(ExpectedNames(
                  {s.street1, s.community1, s.community2, s.compound1, s.compound2, s.compound3,
                   s.compound4, s.building1, s.building2, s.building3, s.building4, s.building5},
                  {s.working_committee1, s.party_committee, s.branch, s.joint_branch, s.party_group,
                   branch4}))));
  EXPECT_THAT(NamesUnder(*replica, s.street2),
              IsOkAndHolds(UnorderedElementsAreArray(
                  ExpectedNames({s.street2, s.community3, s.compound5}, {s.working_committee2}))));
  EXPECT_THAT(replica->PlacesUnder(999999), StatusIs(absl::StatusCode::kNotFound));

  // The compound moves to the other street with its buildings and its branch;
  // a building deleted afterwards is still a place under the street.
  ASSERT_OK_AND_ASSIGN(const v1::Unit moved,
                       client().MoveUnit(s.compound4.name(), s.community3.name()));
  ASSERT_OK_AND_ASSIGN(const v1::Unit deleted, client().DeleteUnit(s.building5.name()));
  ASSERT_TRUE(replica->WaitForRevision(deleted.revision(), kCatchUp))
      << replica->stats().last_error;
  EXPECT_GT(deleted.revision(), moved.revision());
  EXPECT_THAT(
      NamesUnder(*replica, s.street1),
      IsOkAndHolds(UnorderedElementsAreArray(ExpectedNames(
          {s.street1, s.community1, s.community2, s.compound1, s.compound2, s.compound3,
           s.building1, s.building2, s.building3},
          {s.working_committee1, s.party_committee, s.branch, s.joint_branch, s.party_group}))));
  EXPECT_THAT(NamesUnder(*replica, s.street2),
              IsOkAndHolds(UnorderedElementsAreArray(ExpectedNames(
                  {s.street2, s.community3, s.compound5, s.compound4, s.building4, s.building5},
                  {s.working_committee2, branch4}))));

  // Followed through the stream, not by loading again.
  const OrgReplicaStats stats = replica->stats();
  EXPECT_EQ(stats.bootstraps, 1);
  EXPECT_EQ(stats.events_applied, 2);
  EXPECT_EQ(replica->replica_revision(), deleted.revision());
}

TEST_F(OrgReplicaTest, FollowsARestartOfTheOrgServiceAndMissesNothing) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  const std::unique_ptr<OrgReplica> replica = NewReplica();
  ASSERT_NO_FATAL_FAILURE(StartAndLoad(*replica, s));
  ASSERT_OK_AND_ASSIGN(const v1::Unit moved,
                       client().MoveUnit(s.compound4.name(), s.community3.name()));
  ASSERT_TRUE(replica->WaitForRevision(moved.revision(), kCatchUp)) << replica->stats().last_error;

  // The replica's channel names the old address: the new process takes the
  // same port, on the same data.
  const int port = server().port();
  ASSERT_THAT(server().Stop(), IsOk());  // watch streams end with UNAVAILABLE
  ServerOptions same_place = OrgServerOptions();
  same_place.data_dir = server().data_dir();
  same_place.extra_args = {absl::StrCat("--listen=127.0.0.1:", port)};  // the last --listen wins
  ASSERT_OK_AND_ASSIGN(const std::unique_ptr<ServerProcess> restarted,
                       ServerProcess::Launch(same_place));
  Reconnect();  // the test's own client: a fresh channel, not one that saw the old process go

  ASSERT_OK_AND_ASSIGN(const v1::Unit created,
                       client().CreateUnit(NewCompound(s.community3.name(), "新建小区", "XJ", {})));
  ASSERT_TRUE(replica->WaitForRevision(created.revision(), kCatchUp))
      << replica->stats().last_error << "\n"
      << restarted->ReadLog();
  ASSERT_OK_AND_ASSIGN(const std::vector<std::string> under_street2,
                       NamesUnder(*replica, s.street2));
  EXPECT_THAT(under_street2, ::testing::Contains(created.name()));
  EXPECT_THAT(under_street2, ::testing::Contains(s.building4.name()));

  // Resumed where it stopped: one load, and each event applied exactly once.
  const OrgReplicaStats stats = replica->stats();
  EXPECT_EQ(stats.bootstraps, 1);
  EXPECT_GE(stats.watch_streams, 2);
  EXPECT_EQ(stats.events_applied, 2);
  std::cout << "[ stats  ] " << stats.watch_streams
            << " watch streams; last error: " << stats.last_error << "\n";
}

TEST_F(OrgReplicaTest, StopIsPromptWhileAStreamIsOpen) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  const std::unique_ptr<OrgReplica> replica = NewReplica();
  ASSERT_NO_FATAL_FAILURE(StartAndLoad(*replica, s));
  // A change after the load, which only the stream can bring: once it is
  // seen, the stream is open.
  ASSERT_OK_AND_ASSIGN(const v1::Unit moved,
                       client().MoveUnit(s.compound4.name(), s.community3.name()));
  ASSERT_TRUE(replica->WaitForRevision(moved.revision(), kCatchUp));

  const absl::Time start = absl::Now();
  replica->Stop();
  const absl::Duration took = absl::Now() - start;
  std::cout << "[ timing ] Stop with a watch stream open: " << took << "\n";
  EXPECT_LT(took, kPrompt);
  // Stopped, it still answers from what it holds, and refuses calls at once.
  EXPECT_THAT(replica->PlacesUnder(IdOf(s.street2.name())), IsOk());
  EXPECT_THAT(DescribeAndWait(*replica, PlaceOf(s.street1)),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(OrgReplicaTest, StopCancelsCallsToAFrozenOrgServiceWithoutWaitingForDeadlines) {
  ASSERT_OK_AND_ASSIGN(const SampleDistrict s, CreateSampleDistrict(client()));
  OrgReplicaOptions options;
  options.call_timeout = absl::Seconds(30);  // so that only a cancellation can end the calls
  const std::unique_ptr<OrgReplica> replica = NewReplica(options);
  Frozen frozen(server().pid());
  replica->Start();  // its first load hangs
  std::shared_ptr<DescribeAnswer> answer = StartDescribe(*replica, PlaceOf(s.street1));
  EXPECT_FALSE(answer->done.WaitForNotificationWithTimeout(absl::Milliseconds(200)));

  const absl::Time start = absl::Now();
  replica->Stop();
  const absl::Duration took = absl::Now() - start;
  std::cout << "[ timing ] Stop with a load and a Describe hanging: " << took << "\n";
  EXPECT_LT(took, kPrompt);
  // Stop returned after the callback had run.
  ASSERT_TRUE(answer->done.HasBeenNotified());
  EXPECT_THAT(answer->facts, StatusIs(absl::StatusCode::kCancelled));
  EXPECT_THAT(replica->PlacesUnder(IdOf(s.street1.name())),
              StatusIs(absl::StatusCode::kUnavailable));
}

// ---------------------------------------------------------------------------
// Against a scripted org service, for what the real one cannot be made to do
// on demand: refuse to resume, skip or repeat events.

// One WatchEvents call's script: a batch to send, then how the stream ends
// (nullopt: it stays open until cancelled).
struct WatchScript {
  std::vector<v1::Event> events;
  std::optional<grpc::Status> end;
};

v1::Event UnitEvent(int64_t revision, int32_t index, int64_t id, int64_t parent_id) {
  v1::Event event;
  event.set_revision(revision);
  event.set_index(index);
  event.set_resource(org::UnitName(id));
  v1::Unit* unit = event.mutable_after()->mutable_unit();
  unit->set_name(org::UnitName(id));
  unit->set_parent(parent_id == 0 ? "" : org::UnitName(parent_id));
  return event;
}

// Serves one district (units/1) with one street (units/2) and no party
// organisations at revision kRevision, and WatchEvents calls by script.
class ScriptedOrgService final : public v1::OrgService::CallbackService {
 public:
  static constexpr int64_t kRevision = 6;

  void AddWatch(WatchScript script) {
    absl::MutexLock lock(&mu_);
    scripts_.push_back(std::move(script));
  }
  // The (start_revision, start_index) of each WatchEvents call so far.
  std::vector<std::pair<int64_t, int32_t>> watch_starts() const {
    absl::MutexLock lock(&mu_);
    return watch_starts_;
  }

  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override {
    *response->add_units() = UnitEvent(0, 0, 1, 0).after().unit();
    response->set_revision(kRevision);
    return Answer(context);
  }

  grpc::ServerWriteReactor<v1::ListDescendantsResponse>* ListDescendants(
      grpc::CallbackServerContext* context, const v1::ListDescendantsRequest* request) override {
    v1::ListDescendantsResponse batch;
    *batch.add_units() = UnitEvent(0, 0, 2, 1).after().unit();
    batch.set_revision(kRevision);
    return new Writer<v1::ListDescendantsResponse>(std::move(batch), grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ListPartyOrgs(grpc::CallbackServerContext* context,
                                          const v1::ListPartyOrgsRequest* request,
                                          v1::ListPartyOrgsResponse* response) override {
    response->set_revision(kRevision);
    return Answer(context);
  }

  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override {
    WatchScript script;
    {
      absl::MutexLock lock(&mu_);
      watch_starts_.emplace_back(request->start_revision(), request->start_index());
      if (!scripts_.empty()) {
        script = std::move(scripts_.front());
        scripts_.pop_front();
      }
    }
    v1::WatchEventsResponse batch;
    for (v1::Event& event : script.events) *batch.add_events() = std::move(event);
    return new Writer<v1::WatchEventsResponse>(std::move(batch), script.end);
  }

 private:
  static grpc::ServerUnaryReactor* Answer(grpc::CallbackServerContext* context) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

  // Writes one message (if it has any content), then ends with `end`, or
  // waits for the client to cancel when there is none.
  template <typename Message>
  class Writer final : public grpc::ServerWriteReactor<Message> {
   public:
    Writer(Message message, std::optional<grpc::Status> end)
        : message_(std::move(message)), end_(std::move(end)) {
      absl::MutexLock lock(&mu_);
      if (message_.ByteSizeLong() > 0) {
        writing_ = true;
        this->StartWrite(&message_);
      } else {
        AfterWrite();
      }
    }
    void OnWriteDone(bool ok) override {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) cancelled_ = true;
      AfterWrite();
    }
    void OnCancel() override {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      if (!writing_) AfterWrite();
    }
    void OnDone() override { delete this; }

   private:
    void AfterWrite() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      if (finished_) return;
      if (cancelled_) {
        FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled"));
      } else if (end_.has_value()) {
        FinishOnce(*end_);
      }
    }
    void FinishOnce(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      finished_ = true;
      this->Finish(status);
    }

    absl::Mutex mu_;
    Message message_;
    const std::optional<grpc::Status> end_;
    bool writing_ ABSL_GUARDED_BY(mu_) = false;
    bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
    bool finished_ ABSL_GUARDED_BY(mu_) = false;
  };

  mutable absl::Mutex mu_;
  std::deque<WatchScript> scripts_ ABSL_GUARDED_BY(mu_);
  std::vector<std::pair<int64_t, int32_t>> watch_starts_ ABSL_GUARDED_BY(mu_);
};

class ScriptedOrgServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_NE(port, 0);
    OrgReplicaOptions options;
    options.initial_backoff = absl::Milliseconds(10);  // keep the test short
    replica_ = std::make_unique<OrgReplica>(
        ::grassroots::testing::CreateTestChannel(absl::StrCat("127.0.0.1:", port)), options);
  }

  void TearDown() override {
    replica_->Stop();  // cancels the streams the server would otherwise wait for
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  }

  ScriptedOrgService service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<OrgReplica> replica_;
};

constexpr int64_t kR = ScriptedOrgService::kRevision;

TEST_F(ScriptedOrgServiceTest, ResumesAfterTheLastEventAndSkipsARepeatedOne) {
  service_.AddWatch({{UnitEvent(kR + 1, 0, 3, 2), UnitEvent(kR + 1, 1, 4, 3)},
                     grpc::Status(grpc::StatusCode::UNAVAILABLE, "shutting down")});
  service_.AddWatch({{UnitEvent(kR + 1, 1, 4, 3), UnitEvent(kR + 2, 0, 5, 4)}, std::nullopt});
  replica_->Start();
  ASSERT_TRUE(replica_->WaitForRevision(kR + 2, kCatchUp)) << replica_->stats().last_error;

  EXPECT_THAT(service_.watch_starts(),
              ElementsAre(std::make_pair(kR + 1, 0), std::make_pair(kR + 1, 2)));
  const OrgReplicaStats stats = replica_->stats();
  EXPECT_EQ(stats.bootstraps, 1);
  EXPECT_EQ(stats.events_applied, 3);
  EXPECT_THAT(stats.last_error, StatusIs(absl::StatusCode::kUnavailable));
  ASSERT_OK_AND_ASSIGN(const std::vector<Place> places, replica_->PlacesUnder(1));
  EXPECT_THAT(Names(places), ElementsAre("units/1", "units/2", "units/3", "units/4", "units/5"));
}

TEST_F(ScriptedOrgServiceTest, LoadsAgainWhenTheOrgServiceCannotResume) {
  service_.AddWatch({{}, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "too old")});
  service_.AddWatch({{UnitEvent(kR + 1, 0, 3, 2)}, std::nullopt});
  replica_->Start();
  ASSERT_TRUE(replica_->WaitForRevision(kR + 1, kCatchUp)) << replica_->stats().last_error;

  EXPECT_THAT(service_.watch_starts(),
              ElementsAre(std::make_pair(kR + 1, 0), std::make_pair(kR + 1, 0)));
  const OrgReplicaStats stats = replica_->stats();
  EXPECT_EQ(stats.bootstraps, 2);
  EXPECT_THAT(stats.last_error, StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ScriptedOrgServiceTest, LoadsAgainWhenTheStreamSkipsAnEvent) {
  // (R+1, 0) never comes: the stream jumps to R+2.
  service_.AddWatch({{UnitEvent(kR + 2, 0, 9, 2)}, std::nullopt});
  service_.AddWatch({{UnitEvent(kR + 1, 0, 3, 2)}, std::nullopt});
  replica_->Start();
  ASSERT_TRUE(replica_->WaitForRevision(kR + 1, kCatchUp)) << replica_->stats().last_error;

  const OrgReplicaStats stats = replica_->stats();
  EXPECT_EQ(stats.bootstraps, 2);
  EXPECT_EQ(stats.events_applied, 1);
  EXPECT_THAT(stats.last_error, StatusIs(absl::StatusCode::kDataLoss));
  EXPECT_THAT(replica_->PlacesUnder(9), StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace grassroots::org_client
