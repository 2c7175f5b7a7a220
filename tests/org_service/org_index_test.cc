#include "org_service/org_index.h"

#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace grassroots::org {
namespace {

using ::testing::ElementsAre;

// Builds mutations by hand, the way OrgCore does after validating them.
class OrgIndexTest : public ::testing::Test {
 protected:
  Unit Make(int64_t id, int64_t parent, Level level) {
    Unit unit;
    unit.id = id;
    unit.parent_id = parent;
    unit.level = level;
    unit.display_name = "单位";
    unit.code = std::to_string(id);
    return unit;
  }
  // Commits `changes` as the next revision and publishes it.
  int64_t Commit(std::vector<Change> changes) {
    Mutation mutation;
    mutation.revision = ++revision_;
    for (Change& change : changes) {
      std::visit([&](auto& r) { r.revision = revision_; }, change.after);
      mutation.changes.push_back(std::move(change));
    }
    index_.Apply(mutation);
    index_.Publish(revision_);
    return revision_;
  }
  int64_t Create(Unit unit) { return Commit({Change{std::nullopt, unit}}); }
  int64_t Update(const Unit& next) {
    return Commit({Change{*index_.FindUnit(next.id, OrgIndex::kHead), next}});
  }
  std::vector<int64_t> Children(int64_t parent, int64_t revision) {
    std::vector<int64_t> ids;
    index_.ForEachChild(parent, revision, 0, [&](const Unit& u) {
      ids.push_back(u.id);
      return true;
    });
    return ids;
  }
  int32_t CountAt(int64_t id, Level level, int64_t revision) {
    return index_.Counts(id, revision)->by_level[LevelIndex(level)];
  }
  std::vector<int64_t> WalkAll(int64_t root, int64_t revision, int batch, int max_depth = 0) {
    WalkCursor cursor;
    std::vector<int64_t> ids;
    while (!cursor.done) {
      index_.Walk(root, revision, max_depth, batch, cursor,
                  [&](const Unit& u, int) { ids.push_back(u.id); });
    }
    return ids;
  }

  OrgIndex index_;
  int64_t revision_ = 0;
};

TEST_F(OrgIndexTest, ReadsAtEachRevisionSeeThatRevision) {
  const int64_t r1 = Create(Make(1, 0, Level::kDistrict));
  const int64_t r2 = Create(Make(2, 1, Level::kStreet));
  Unit renamed = *index_.FindUnit(2, OrgIndex::kHead);
  renamed.display_name = "新名";
  const int64_t r3 = Update(renamed);

  EXPECT_EQ(index_.FindUnit(2, r1), nullptr);
  EXPECT_EQ(index_.FindUnit(2, r2)->display_name, "单位");
  EXPECT_EQ(index_.FindUnit(2, r3)->display_name, "新名");
  EXPECT_THAT(Children(1, r1), ElementsAre());
  EXPECT_THAT(Children(1, r2), ElementsAre(2));
}

TEST_F(OrgIndexTest, CountsFollowCreatesDeletesAndMovesAtEveryRevision) {
  Create(Make(1, 0, Level::kDistrict));
  Create(Make(2, 1, Level::kStreet));
  Create(Make(3, 2, Level::kCommunity));
  Create(Make(4, 2, Level::kCommunity));
  Create(Make(5, 3, Level::kCompound));
  const int64_t before_move = Create(Make(6, 5, Level::kBuilding));

  EXPECT_EQ(CountAt(1, Level::kBuilding, before_move), 1);
  EXPECT_EQ(CountAt(3, Level::kCompound, before_move), 1);
  EXPECT_EQ(CountAt(4, Level::kCompound, before_move), 0);

  Unit moved = *index_.FindUnit(5, OrgIndex::kHead);
  moved.parent_id = 4;
  const int64_t after_move = Update(moved);
  EXPECT_EQ(CountAt(3, Level::kCompound, after_move), 0);
  EXPECT_EQ(CountAt(3, Level::kBuilding, after_move), 0);
  EXPECT_EQ(CountAt(4, Level::kCompound, after_move), 1);
  EXPECT_EQ(CountAt(4, Level::kBuilding, after_move), 1);
  EXPECT_EQ(CountAt(1, Level::kBuilding, after_move), 1);  // still under the district
  // The old revision still reads the old shape.
  EXPECT_EQ(CountAt(3, Level::kBuilding, before_move), 1);
  EXPECT_THAT(Children(3, before_move), ElementsAre(5));
  EXPECT_THAT(Children(3, after_move), ElementsAre());
  EXPECT_THAT(Children(4, after_move), ElementsAre(5));

  Unit deleted = *index_.FindUnit(6, OrgIndex::kHead);
  deleted.deleted = true;
  const int64_t after_delete = Update(deleted);
  EXPECT_EQ(CountAt(4, Level::kBuilding, after_delete), 0);
  EXPECT_EQ(CountAt(1, Level::kBuilding, after_delete), 0);
  EXPECT_EQ(CountAt(1, Level::kBuilding, after_move), 1);
}

TEST_F(OrgIndexTest, WalkVisitsPreorderAndResumesAcrossBatchesAndChanges) {
  Create(Make(1, 0, Level::kDistrict));
  Create(Make(2, 1, Level::kStreet));
  Create(Make(3, 2, Level::kCommunity));
  Create(Make(4, 1, Level::kStreet));
  Create(Make(5, 4, Level::kCommunity));
  const int64_t pinned = Create(Make(6, 3, Level::kCompound));

  EXPECT_THAT(WalkAll(1, pinned, 1000), ElementsAre(2, 3, 6, 4, 5));
  EXPECT_THAT(WalkAll(1, pinned, 1), ElementsAre(2, 3, 6, 4, 5));
  EXPECT_THAT(WalkAll(1, pinned, 1000, /*max_depth=*/1), ElementsAre(2, 4));

  // A walk pinned at a revision is not disturbed by a move made half-way.
  WalkCursor cursor;
  std::vector<int64_t> seen;
  index_.Walk(1, pinned, 0, 2, cursor, [&](const Unit& u, int) { seen.push_back(u.id); });
  Unit moved = *index_.FindUnit(3, OrgIndex::kHead);
  moved.parent_id = 4;
  Update(moved);
  while (!cursor.done) {
    index_.Walk(1, pinned, 0, 2, cursor, [&](const Unit& u, int) { seen.push_back(u.id); });
  }
  EXPECT_THAT(seen, ElementsAre(2, 3, 6, 4, 5));
  EXPECT_THAT(WalkAll(1, revision_, 1000), ElementsAre(2, 4, 3, 6, 5));
}

TEST_F(OrgIndexTest, UnpublishedChangesAreInvisibleToReaders) {
  Create(Make(1, 0, Level::kDistrict));
  Mutation pending;
  pending.revision = revision_ + 1;
  Unit street = Make(2, 1, Level::kStreet);
  street.revision = pending.revision;
  pending.changes.push_back({std::nullopt, street});
  index_.Apply(pending);

  const int64_t published = index_.published_revision();
  EXPECT_EQ(index_.FindUnit(2, published), nullptr);
  EXPECT_THAT(Children(1, published), ElementsAre());
  EXPECT_EQ(CountAt(1, Level::kStreet, published), 0);
  EXPECT_NE(index_.FindUnit(2, OrgIndex::kHead), nullptr);
}

TEST_F(OrgIndexTest, PruneDropsHistoryButKeepsEveryReadableRevisionRight) {
  Create(Make(1, 0, Level::kDistrict));
  Create(Make(2, 1, Level::kStreet));
  Create(Make(3, 1, Level::kStreet));
  Create(Make(4, 2, Level::kCommunity));
  Unit moved = *index_.FindUnit(4, OrgIndex::kHead);
  moved.parent_id = 3;
  const int64_t moved_at = Update(moved);
  moved.parent_id = 2;
  const int64_t back_at = Update(moved);

  index_.Prune(moved_at);
  EXPECT_EQ(index_.oldest_readable_revision(), moved_at);
  EXPECT_THAT(Children(2, moved_at), ElementsAre());
  EXPECT_THAT(Children(3, moved_at), ElementsAre(4));
  EXPECT_THAT(Children(2, back_at), ElementsAre(4));
  EXPECT_THAT(Children(3, back_at), ElementsAre());
  EXPECT_EQ(CountAt(3, Level::kCommunity, moved_at), 1);
  EXPECT_EQ(CountAt(3, Level::kCommunity, back_at), 0);

  index_.Prune(back_at);
  EXPECT_THAT(Children(3, back_at), ElementsAre());
  EXPECT_THAT(Children(2, back_at), ElementsAre(4));
}

TEST_F(OrgIndexTest, CoveringOrgsFollowCoverageChangesAtEachRevision) {
  Create(Make(1, 0, Level::kDistrict));
  Create(Make(2, 1, Level::kStreet));
  Create(Make(3, 2, Level::kCommunity));
  Create(Make(4, 3, Level::kCompound));
  const int64_t before = Create(Make(5, 3, Level::kCompound));
  PartyOrg joint;
  joint.id = 1;
  joint.form = OrgForm::kJointBranch;
  joint.unit_ids = {4, 5};
  const int64_t created = Commit({Change{std::nullopt, joint}});
  PartyOrg narrowed = *index_.FindPartyOrg(1, OrgIndex::kHead);
  narrowed.form = OrgForm::kBranch;
  narrowed.unit_ids = {4};
  const int64_t changed = Commit({Change{*index_.FindPartyOrg(1, OrgIndex::kHead), narrowed}});

  EXPECT_TRUE(index_.CoveringOrgs(5, before).empty());
  EXPECT_EQ(index_.CoveringOrgs(5, created).size(), 1u);
  EXPECT_TRUE(index_.CoveringOrgs(5, changed).empty());
  EXPECT_EQ(index_.CoveringOrgs(4, changed).size(), 1u);
  index_.Prune(changed);
  EXPECT_TRUE(index_.CoveringOrgs(5, changed).empty());
  EXPECT_EQ(index_.CoveringOrgs(4, changed).size(), 1u);
}

TEST_F(OrgIndexTest, LiveChildWithCodeFollowsCreatesRenamesMovesAndDeletes) {
  Create(Make(1, 0, Level::kDistrict));
  Create(Make(2, 1, Level::kStreet));
  Create(Make(3, 1, Level::kStreet));
  Unit community = Make(4, 2, Level::kCommunity);
  community.code = "C1";
  Create(community);
  const auto found = [&](int64_t parent, absl::string_view code, int64_t except = 0) {
    const Unit* unit = index_.LiveChildWithCode(parent, code, except);
    return unit == nullptr ? int64_t{0} : unit->id;
  };
  EXPECT_EQ(found(2, "C1"), 4);
  EXPECT_EQ(found(2, "C1", /*except=*/4), 0);
  EXPECT_EQ(found(3, "C1"), 0);
  EXPECT_EQ(found(2, "C"), 0);  // whole codes only
  EXPECT_EQ(found(0, "1"), 1);  // districts: parent 0

  community.code = "C2";
  Update(community);
  EXPECT_EQ(found(2, "C1"), 0);
  EXPECT_EQ(found(2, "C2"), 4);

  community.parent_id = 3;
  Update(community);
  EXPECT_EQ(found(2, "C2"), 0);
  EXPECT_EQ(found(3, "C2"), 4);

  community.deleted = true;
  Update(community);
  EXPECT_EQ(found(3, "C2"), 0);
  // A new unit may take the code of a deleted one; the deleted one coming
  // back is then seen as the other unit's duplicate by the caller's check.
  Unit other = Make(5, 3, Level::kCommunity);
  other.code = "C2";
  Create(other);
  EXPECT_EQ(found(3, "C2"), 5);
  EXPECT_EQ(found(3, "C2", /*except=*/4), 5);
  // The unit's head changing in other fields keeps it findable.
  other.display_name = "改名";
  Update(other);
  EXPECT_EQ(found(3, "C2"), 5);
}

TEST_F(OrgIndexTest, LiveChildWithCodeFindsEachOfDuplicatesLoadedFromOldData) {
  // Data from before the rule may hold two live siblings with one code.
  StoredState state;
  state.units = {Make(1, 0, Level::kDistrict), Make(2, 1, Level::kStreet),
                 Make(3, 1, Level::kStreet), Make(4, 1, Level::kStreet)};
  state.units[1].code = "S";
  state.units[2].code = "S";
  state.units[3].code = "T";
  state.max_unit_id = 4;
  state.revision = 1;
  for (Unit& unit : state.units) unit.revision = 1;
  index_.Reset(std::move(state));
  revision_ = 1;
  const auto found = [&](absl::string_view code, int64_t except) {
    const Unit* unit = index_.LiveChildWithCode(1, code, except);
    return unit == nullptr ? int64_t{0} : unit->id;
  };
  EXPECT_EQ(found("S", 0), 2);
  EXPECT_EQ(found("S", 2), 3);
  EXPECT_EQ(found("S", 3), 2);
  EXPECT_EQ(found("T", 4), 0);
  // One of them deleted: the other is still found, whichever the set held.
  Unit first = *index_.FindUnit(2, OrgIndex::kHead);
  first.deleted = true;
  Update(first);
  EXPECT_EQ(found("S", 0), 3);
  EXPECT_EQ(found("S", 3), 0);
}

}  // namespace
}  // namespace grassroots::org
