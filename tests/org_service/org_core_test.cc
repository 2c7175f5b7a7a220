#include "org_service/org_core.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "org_service/sqlite_org_store.h"
#include "tests/org_service/org_core_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::org {
namespace {

using ::grassroots::org::testing::FixedClock;
using ::grassroots::org::testing::Sync;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The real SQLite store with faults that can't be produced on cue for
// real: a commit held back until released (so that the next requests queue up
// as one batch), a commit or a load that fails once.
class FaultyStore final : public OrgStore {
 public:
  explicit FaultyStore(OrgStore* store) : store_(store) {}
  absl::StatusOr<StoredState> Load() override {
    if (fail_loads.load()) return absl::UnavailableError("injected: load failed");
    return store_->Load();
  }
  absl::Status Commit(const std::vector<Mutation>& mutations) override {
    if (hold_next_commit.exchange(false)) {
      held.Notify();
      release.WaitForNotification();
      return store_->Commit(mutations);  // a held commit itself goes through
    }
    if (fail_next_commit.exchange(false)) return absl::UnavailableError("injected: disk full");
    return store_->Commit(mutations);
  }
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t revision, int32_t index,
                                                int limit) override {
    return store_->ReadEvents(revision, index, limit);
  }
  absl::StatusOr<std::optional<std::string>> LookupRequest(absl::string_view id) override {
    return store_->LookupRequest(id);
  }

  std::atomic<bool> hold_next_commit{false};
  std::atomic<bool> fail_next_commit{false};
  std::atomic<bool> fail_loads{false};
  absl::Notification held;
  absl::Notification release;

 private:
  OrgStore* const store_;
};

class OrgCoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open(OrgCoreOptions options = {}) {
    core_.reset();
    faulty_.reset();
    store_.reset();
    auto store = SqliteOrgStore::Open(dir_.File("org.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    faulty_ = std::make_unique<FaultyStore>(store_.get());
    core_ = std::make_unique<OrgCore>(faulty_.get(), &clock_, options);
    ASSERT_TRUE(core_->Start().ok());
  }

  absl::StatusOr<Unit> Create(int64_t parent, Level level, std::string code,
                              std::string request_id = "", UnitDetails details = {}) {
    Unit unit;
    unit.parent_id = parent;
    unit.level = level;
    unit.display_name = "幸福" + code;
    unit.code = std::move(code);
    unit.details = std::move(details);
    return Sync<Unit>([&](auto done) { core_->CreateUnit(caller_, unit, request_id, done); });
  }
  Unit MustCreate(int64_t parent, Level level, std::string code) {
    absl::StatusOr<Unit> unit = Create(parent, level, std::move(code));
    EXPECT_TRUE(unit.ok()) << unit.status();
    return unit.ok() ? *unit : Unit{};
  }
  absl::StatusOr<PartyOrg> CreateOrg(OrgForm form, std::vector<int64_t> units, int64_t parent = 0) {
    PartyOrg org;
    org.form = form;
    org.display_name = "党组织";
    org.unit_ids = std::move(units);
    org.parent_id = parent;
    return Sync<PartyOrg>([&](auto done) { core_->CreatePartyOrg(caller_, org, "", done); });
  }
  absl::StatusOr<Unit> Move(int64_t id, int64_t parent, std::string etag = "") {
    return Sync<Unit>([&](auto done) { core_->MoveUnit(caller_, id, parent, etag, done); });
  }
  absl::StatusOr<Unit> Delete(int64_t id, bool cascade) {
    return Sync<Unit>([&](auto done) { core_->DeleteUnit(caller_, id, "", cascade, done); });
  }
  absl::StatusOr<Unit> Undelete(int64_t id, bool cascade) {
    return Sync<Unit>([&](auto done) { core_->UndeleteUnit(caller_, id, "", cascade, done); });
  }
  int32_t Count(int64_t id, Level level) {
    absl::StatusOr<CountResult> result = core_->CountDescendants(id, 0);
    EXPECT_TRUE(result.ok()) << result.status();
    return result->counts.by_level[LevelIndex(level)];
  }

  // district 1 → street → community A, community B → compounds in A.
  void BuildSmallDistrict() {
    district_ = MustCreate(0, Level::kDistrict, "D").id;
    street_ = MustCreate(district_, Level::kStreet, "S").id;
    community_a_ = MustCreate(street_, Level::kCommunity, "A").id;
    community_b_ = MustCreate(street_, Level::kCommunity, "B").id;
    compound_1_ = MustCreate(community_a_, Level::kCompound, "C1").id;
    compound_2_ = MustCreate(community_a_, Level::kCompound, "C2").id;
    building_ = MustCreate(compound_1_, Level::kBuilding, "B1").id;
  }

  ::grassroots::testing::TempDir dir_;
  FixedClock clock_;
  Caller caller_{"tester"};
  std::unique_ptr<SqliteOrgStore> store_;
  std::unique_ptr<FaultyStore> faulty_;
  std::unique_ptr<OrgCore> core_;
  int64_t district_ = 0, street_ = 0, community_a_ = 0, community_b_ = 0;
  int64_t compound_1_ = 0, compound_2_ = 0, building_ = 0;
};

TEST_F(OrgCoreTest, CreateEnforcesParentLevelExistenceAndUniqueCodes) {
  BuildSmallDistrict();
  EXPECT_THAT(Create(street_, Level::kCompound, "X").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.parent")));
  EXPECT_THAT(Create(999, Level::kStreet, "X").status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/999")));
  EXPECT_THAT(Create(community_a_, Level::kCompound, "C1").status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("unit.code")));
  EXPECT_THAT(Create(0, Level::kStreet, "X").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.parent")));
  // The same code under another parent is fine.
  EXPECT_TRUE(Create(community_b_, Level::kCompound, "C1").ok());
}

TEST_F(OrgCoreTest, RevisionsIncreaseByOnePerMutationAndRejectedWritesStoreNothing) {
  BuildSmallDistrict();
  const int64_t before = core_->published_revision();
  EXPECT_FALSE(Create(street_, Level::kCompound, "bad").ok());
  EXPECT_EQ(core_->published_revision(), before);
  MustCreate(community_b_, Level::kCompound, "C9");
  EXPECT_EQ(core_->published_revision(), before + 1);
  absl::StatusOr<EventPage> events = core_->ListEvents(1, 1000, "");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->events.size(), static_cast<size_t>(before + 1));
  for (size_t i = 0; i < events->events.size(); ++i) {
    EXPECT_EQ(events->events[i].revision, static_cast<int64_t>(i + 1));
    EXPECT_EQ(events->events[i].actor, "tester");
  }
}

TEST_F(OrgCoreTest, AWriteWhoseCallerStoppedWaitingIsNotApplied) {
  BuildSmallDistrict();
  const int64_t before = core_->published_revision();
  Caller gone = caller_;
  gone.deadline = absl::Now() - absl::Milliseconds(1);
  Unit unit;
  unit.parent_id = community_b_;
  unit.level = Level::kCompound;
  unit.code = "late";
  unit.display_name = "迟到小区";
  EXPECT_THAT(Sync<Unit>([&](auto done) { core_->CreateUnit(gone, unit, "", done); }).status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("nothing was written")));
  EXPECT_EQ(core_->published_revision(), before);
  // The same write from a caller still waiting is applied.
  Caller waiting = caller_;
  waiting.deadline = absl::Now() + absl::Minutes(1);
  EXPECT_TRUE(Sync<Unit>([&](auto done) { core_->CreateUnit(waiting, unit, "", done); }).ok());
  EXPECT_EQ(core_->published_revision(), before + 1);
}

TEST_F(OrgCoreTest, UpdateAppliesTheMaskAndRefusesStaleEtags) {
  BuildSmallDistrict();
  const Unit original = *core_->GetUnit(compound_1_);
  UnitUpdate update;
  update.id = compound_1_;
  update.values.display_name = "阳光花园";
  update.values.details = CompoundDetails{.kind = CompoundKind::kOld, .households = 300};
  update.values.code = "ignored";
  update.paths = {"display_name", "compound.kind"};
  update.etag = EtagForRevision(original.revision);
  absl::StatusOr<Unit> updated =
      Sync<Unit>([&](auto done) { core_->UpdateUnit(caller_, update, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "阳光花园");
  EXPECT_EQ(updated->code, "C1");
  EXPECT_EQ(std::get<CompoundDetails>(updated->details).kind, CompoundKind::kOld);
  EXPECT_EQ(std::get<CompoundDetails>(updated->details).households, 0);  // not in the mask

  // The same etag again is stale now.
  EXPECT_THAT(Sync<Unit>([&](auto done) { core_->UpdateUnit(caller_, update, done); }).status(),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("etag")));
  update.etag = "";
  update.paths = {"parent"};
  EXPECT_THAT(Sync<Unit>([&](auto done) { core_->UpdateUnit(caller_, update, done); }).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  update.paths = {"no_such_field"};
  EXPECT_THAT(Sync<Unit>([&](auto done) { core_->UpdateUnit(caller_, update, done); }).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no_such_field")));
}

TEST_F(OrgCoreTest, MoveCarriesTheSubtreeAndEnforcesLevels) {
  BuildSmallDistrict();
  EXPECT_EQ(Count(community_a_, Level::kBuilding), 1);
  EXPECT_THAT(Move(compound_1_, street_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("new_parent")));
  ASSERT_TRUE(Move(compound_1_, community_b_).ok());
  EXPECT_EQ(Count(community_a_, Level::kBuilding), 0);
  EXPECT_EQ(Count(community_b_, Level::kBuilding), 1);
  EXPECT_EQ(Count(community_b_, Level::kCompound), 1);
  absl::StatusOr<AncestorPath> path = core_->GetAncestors(building_);
  ASSERT_TRUE(path.ok());
  std::vector<int64_t> ids;
  for (const Unit& u : path->ancestors) ids.push_back(u.id);
  EXPECT_THAT(ids, ElementsAre(district_, street_, community_b_, compound_1_));
}

TEST_F(OrgCoreTest, MoveRefusesToSplitAJointBranch) {
  BuildSmallDistrict();
  ASSERT_TRUE(CreateOrg(OrgForm::kJointBranch, {compound_1_, compound_2_}).ok());
  EXPECT_THAT(Move(compound_1_, community_b_).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("JOINT_BRANCH")));
}

TEST_F(OrgCoreTest, DeleteNeedsCascadeAndUndeleteRestoresWhatWentWithIt) {
  BuildSmallDistrict();
  absl::StatusOr<PartyOrg> branch = CreateOrg(OrgForm::kBranch, {compound_1_});
  ASSERT_TRUE(branch.ok()) << branch.status();
  EXPECT_THAT(Delete(compound_1_, false).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("live descendants")));
  ASSERT_TRUE(Delete(compound_1_, true).ok());
  EXPECT_TRUE(core_->GetUnit(building_)->deleted);
  EXPECT_TRUE(core_->GetPartyOrg(branch->id)->deleted);
  EXPECT_EQ(Count(community_a_, Level::kBuilding), 0);
  EXPECT_EQ(Count(community_a_, Level::kCompound), 1);

  ASSERT_TRUE(Undelete(compound_1_, true).ok());
  EXPECT_FALSE(core_->GetUnit(building_)->deleted);
  EXPECT_FALSE(core_->GetPartyOrg(branch->id)->deleted);
  EXPECT_EQ(Count(community_a_, Level::kBuilding), 1);
}

TEST_F(OrgCoreTest, CoverageRulesAndTheNearestCoveringOrganisation) {
  BuildSmallDistrict();
  absl::StatusOr<PartyOrg> committee = CreateOrg(OrgForm::kPartyCommittee, {community_a_});
  ASSERT_TRUE(committee.ok()) << committee.status();
  EXPECT_THAT(CreateOrg(OrgForm::kBranch, {community_a_}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("party_org.units")));
  EXPECT_THAT(CreateOrg(OrgForm::kJointBranch, {compound_1_, community_b_}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("party_org.units")));
  absl::StatusOr<PartyOrg> branch = CreateOrg(OrgForm::kBranch, {compound_1_}, committee->id);
  ASSERT_TRUE(branch.ok()) << branch.status();
  EXPECT_THAT(CreateOrg(OrgForm::kBranch, {compound_1_}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already covered")));
  EXPECT_THAT(CreateOrg(OrgForm::kPartyCommittee, {community_b_}, branch->id).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("party_org.parent")));

  absl::StatusOr<CoveringResult> covering = core_->GetCoveringPartyOrg(building_);
  ASSERT_TRUE(covering.ok());
  EXPECT_EQ(covering->party_org.id, branch->id);
  EXPECT_EQ(covering->covered_unit_id, compound_1_);
  covering = core_->GetCoveringPartyOrg(compound_2_);
  ASSERT_TRUE(covering.ok());
  EXPECT_EQ(covering->party_org.id, committee->id);
}

TEST_F(OrgCoreTest, RequestIdCreatesOnceEvenAcrossRestarts) {
  BuildSmallDistrict();
  absl::StatusOr<Unit> first = Create(community_b_, Level::kCompound, "R1", "req-1");
  ASSERT_TRUE(first.ok());
  absl::StatusOr<Unit> again = Create(community_b_, Level::kCompound, "R1", "req-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, first->id);
  Open();
  again = Create(community_b_, Level::kCompound, "R1", "req-1");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(Count(community_b_, Level::kCompound), 1);
}

TEST_F(OrgCoreTest, PagesKeepTheRevisionOfTheFirstPage) {
  BuildSmallDistrict();
  for (int i = 0; i < 5; ++i) MustCreate(community_b_, Level::kCompound, "P" + std::to_string(i));
  ListUnitsQuery query{.parent_id = community_b_, .page_size = 2};
  absl::StatusOr<Page<Unit>> page = core_->ListUnits(query);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 2u);
  const int64_t revision = page->revision;
  MustCreate(community_b_, Level::kCompound, "P9");  // after the first page
  std::vector<std::string> codes{page->items[0].code, page->items[1].code};
  while (!page->next_page_token.empty()) {
    query.page_token = page->next_page_token;
    page = core_->ListUnits(query);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->revision, revision);
    for (const Unit& u : page->items) codes.push_back(u.code);
  }
  EXPECT_THAT(codes, ElementsAre("P0", "P1", "P2", "P3", "P4"));

  query.filter = "level = COMPOUND";  // a token from another query is refused
  EXPECT_THAT(core_->ListUnits(query).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(OrgCoreTest, OldRevisionsAgeOutAfterTheRetention) {
  Open({.revision_retention = absl::Minutes(1)});
  BuildSmallDistrict();
  const int64_t old_revision = core_->published_revision();
  ASSERT_TRUE(core_->CountDescendants(district_, old_revision).ok());
  clock_.now += absl::Minutes(2);
  MustCreate(community_b_, Level::kCompound, "late");
  MustCreate(community_b_, Level::kCompound, "later");
  EXPECT_THAT(core_->CountDescendants(district_, old_revision - 1).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no longer readable")));
  EXPECT_THAT(core_->CountDescendants(district_, core_->published_revision() + 5).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("read_revision")));
}

TEST_F(OrgCoreTest, ChildrenUnderAHigherIdParentSurviveARestart) {
  const int64_t first = MustCreate(0, Level::kDistrict, "D1").id;
  const int64_t street = MustCreate(first, Level::kStreet, "S").id;
  const int64_t community = MustCreate(street, Level::kCommunity, "C").id;
  const int64_t second = MustCreate(0, Level::kDistrict, "D2").id;
  const int64_t other_street = MustCreate(second, Level::kStreet, "S2").id;
  ASSERT_TRUE(Move(street, second).ok());
  absl::StatusOr<PartyOrg> low = CreateOrg(OrgForm::kWorkingCommittee, {street});
  absl::StatusOr<PartyOrg> child = CreateOrg(OrgForm::kPartyCommittee, {community}, low->id);
  absl::StatusOr<PartyOrg> high = CreateOrg(OrgForm::kWorkingCommittee, {other_street});
  ASSERT_TRUE(child.ok() && high.ok());
  PartyOrgUpdate reparent{.id = child->id, .paths = {"parent"}};
  reparent.values.parent_id = high->id;
  ASSERT_TRUE(
      Sync<PartyOrg>([&](auto done) { core_->UpdatePartyOrg(caller_, reparent, done); }).ok());

  Open();
  absl::StatusOr<Page<Unit>> streets = core_->ListUnits({.parent_id = second});
  ASSERT_TRUE(streets.ok());
  std::vector<int64_t> ids;
  for (const Unit& u : streets->items) ids.push_back(u.id);
  EXPECT_THAT(ids, ElementsAre(street, other_street));
  EXPECT_THAT(Delete(second, false).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("live descendants")));
  absl::StatusOr<Page<PartyOrg>> below = core_->ListPartyOrgs({.parent_id = high->id});
  ASSERT_TRUE(below.ok());
  ASSERT_EQ(below->items.size(), 1u);
  EXPECT_EQ(below->items[0].id, child->id);
}

TEST_F(OrgCoreTest, AFailedCommitAnswersEveryRequestPlannedOnItWithTheError) {
  BuildSmallDistrict();
  const Unit before = *core_->GetUnit(compound_2_);
  const int64_t revision = core_->published_revision();
  // Hold one commit so that the next requests queue up into one batch, then
  // fail that batch's commit.
  faulty_->hold_next_commit = true;
  std::promise<absl::StatusOr<Unit>> holder;
  core_->CreateUnit(caller_,
                    Unit{.parent_id = community_b_,
                         .level = Level::kCompound,
                         .display_name = "先行",
                         .code = "FIRST"},
                    "", [&](absl::StatusOr<Unit> r) { holder.set_value(std::move(r)); });
  faulty_->held.WaitForNotification();
  std::vector<std::promise<absl::StatusOr<Unit>>> answers(4);
  const auto answer = [&](int i) {
    return [&answers, i](absl::StatusOr<Unit> r) { answers[i].set_value(std::move(r)); };
  };
  const Unit twin{.parent_id = community_b_,
                  .level = Level::kCompound,
                  .display_name = "双胞胎",
                  .code = "TWIN"};
  core_->CreateUnit(caller_, twin, "req-twin", answer(0));
  core_->CreateUnit(caller_, twin, "req-twin", answer(1));  // answered from the first
  UnitUpdate rename{.id = compound_2_, .paths = {"display_name"}};
  rename.values.display_name = "新名字";
  core_->UpdateUnit(caller_, rename, answer(2));
  core_->UpdateUnit(caller_, rename, answer(3));  // a no-op on top of the first
  faulty_->fail_next_commit = true;
  faulty_->release.Notify();
  ASSERT_TRUE(holder.get_future().get().ok());
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(answers[i].get_future().get().status(),
                StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk full")))
        << "request " << i;
  }
  EXPECT_EQ(core_->GetUnit(compound_2_)->display_name, before.display_name);
  EXPECT_EQ(core_->published_revision(), revision + 1);
  EXPECT_EQ(Count(community_b_, Level::kCompound), 1);  // FIRST only
  // The same request id works once the store does, and revisions go on.
  absl::StatusOr<Unit> retried = Create(community_b_, Level::kCompound, "TWIN", "req-twin");
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->revision, revision + 2);
}

TEST_F(OrgCoreTest, WritesWaitForAStoreThatCannotBeReadBack) {
  BuildSmallDistrict();
  const int64_t revision = core_->published_revision();
  faulty_->fail_next_commit = true;
  faulty_->fail_loads = true;
  EXPECT_THAT(Create(community_b_, Level::kCompound, "LOST").status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("disk full")));
  EXPECT_THAT(Create(community_b_, Level::kCompound, "WAIT").status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot read its store back")));
  // Readers still see the last published state, nothing of the failed write.
  EXPECT_EQ(core_->published_revision(), revision);
  EXPECT_EQ(Count(community_b_, Level::kCompound), 0);
  faulty_->fail_loads = false;
  absl::StatusOr<Unit> made = Create(community_b_, Level::kCompound, "LATER");
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->revision, revision + 1);
  EXPECT_EQ(Count(community_b_, Level::kCompound), 1);
}

TEST_F(OrgCoreTest, CascadeUndeleteRefusesOrganisationsThatCannotComeBack) {
  BuildSmallDistrict();
  absl::StatusOr<PartyOrg> committee = CreateOrg(OrgForm::kPartyCommittee, {community_a_});
  ASSERT_TRUE(committee.ok());
  absl::StatusOr<PartyOrg> joint =
      CreateOrg(OrgForm::kJointBranch, {compound_1_, compound_2_}, committee->id);
  ASSERT_TRUE(joint.ok()) << joint.status();
  // From the top, everything the deletion took comes back together.
  ASSERT_TRUE(Delete(community_a_, true).ok());
  ASSERT_TRUE(Undelete(community_a_, true).ok());
  EXPECT_FALSE(core_->GetPartyOrg(joint->id)->deleted);
  EXPECT_FALSE(core_->GetPartyOrg(committee->id)->deleted);
  EXPECT_FALSE(core_->GetUnit(compound_2_)->deleted);

  // From below, the joint branch would come back covering compound 2, which
  // stays deleted, under a party committee that stays deleted.
  ASSERT_TRUE(Delete(community_a_, true).ok());
  ASSERT_TRUE(Undelete(community_a_, false).ok());
  EXPECT_THAT(Undelete(compound_1_, true).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(PartyOrgName(joint->id))));
  EXPECT_TRUE(core_->GetUnit(compound_1_)->deleted);
  EXPECT_TRUE(core_->GetPartyOrg(joint->id)->deleted);
}

TEST_F(OrgCoreTest, DescendantWalksShowDeletedUnitsOnlyWhenAsked) {
  BuildSmallDistrict();
  ASSERT_TRUE(Delete(compound_1_, true).ok());
  const auto walk_ids = [&](bool include_deleted) {
    absl::StatusOr<DescendantsWalk> walk =
        core_->StartDescendants(community_a_, 0, {}, 0, include_deleted);
    EXPECT_TRUE(walk.ok());
    std::vector<Unit> units;
    while (walk.ok() && !walk->cursor.done)
      EXPECT_TRUE(core_->NextDescendants(*walk, 1, &units).ok());
    std::vector<int64_t> ids;
    for (const Unit& u : units) ids.push_back(u.id);
    return ids;
  };
  EXPECT_THAT(walk_ids(false), ElementsAre(compound_2_));
  EXPECT_THAT(walk_ids(true), ElementsAre(compound_1_, building_, compound_2_));
}

}  // namespace
}  // namespace grassroots::org
