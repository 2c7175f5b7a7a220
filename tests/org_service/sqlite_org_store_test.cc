#include "org_service/sqlite_org_store.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/store_contract_test.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::org {
namespace {

using ::grassroots::testing::AllRows;
using ::grassroots::testing::StoreContractTest;

using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;

// Fixed times, whole microseconds (what the store keeps).
absl::Time At(int64_t seconds) { return absl::FromUnixMicros(seconds * 1'000'000 + 123'456); }

Unit MakeUnit(int64_t id, int64_t revision, Level level, int64_t parent_id = 0) {
  Unit unit;
  unit.id = id;
  unit.parent_id = parent_id;
  unit.level = level;
  unit.display_name = absl::StrCat("单位 ", id);
  unit.code = absl::StrCat("U", id);
  unit.create_time = At(1000 + id);
  unit.update_time = At(2000 + revision);
  unit.revision = revision;
  return unit;
}

Unit MakeCompound(int64_t id, int64_t revision) {
  Unit unit = MakeUnit(id, revision, Level::kCompound, 3);
  unit.details = CompoundDetails{.kind = CompoundKind::kResettlement,
                                 .has_property_company = true,
                                 .red_property = false,
                                 .has_owners_committee = true,
                                 .red_owners_committee = true,
                                 .households = 1234,
                                 .renovation_status = RenovationStatus::kInProgress};
  return unit;
}

Unit MakeBuilding(int64_t id, int64_t revision) {
  Unit unit = MakeUnit(id, revision, Level::kBuilding, 4);
  unit.details = BuildingDetails{.households = 96, .floors = 18, .address = "幸福路 8 号 3 栋"};
  return unit;
}

PartyOrg MakeOrg(int64_t id, int64_t revision) {
  PartyOrg org;
  org.id = id;
  org.parent_id = 1;
  org.form = OrgForm::kJointBranch;
  org.display_name = absl::StrCat("联合党支部 ", id);
  org.unit_ids = {4, 9, 12};
  org.established_date = absl::CivilDay(2021, 7, 1);
  org.rating = Rating::kAdvanced;
  org.create_time = At(3000 + id);
  org.update_time = At(4000 + revision);
  org.revision = revision;
  return org;
}

Mutation MakeMutation(int64_t revision, std::vector<Change> changes, std::string request_id = "") {
  Mutation mutation;
  mutation.revision = revision;
  mutation.time = At(5000 + revision);
  mutation.actor = absl::StrCat("users/", revision);
  mutation.method = revision % 2 == 0 ? "UpdateUnit" : "CreateUnit";
  mutation.changes = std::move(changes);
  mutation.request_id = std::move(request_id);
  return mutation;
}

// The store contract (tests/common/store_contract_test.h) and this file's
// fixture, with units as the
// main kind and party organisations as the other.
struct OrgStoreTraits {
  using Store = SqliteOrgStore;
  using Stored = StoredState;
  using Snapshot = org::Snapshot;
  static constexpr char kFileName[] = "org.db";
  static constexpr int kSchemaVersion = 5;
  // Schema 3's, 4's and 5's columns and tables (the widened events CHECK stays:
  // it allows what version 1 allowed).
  static constexpr absl::string_view kUndoStepsAfter2 = R"(
      ALTER TABLE units DROP COLUMN property_mode;
      ALTER TABLE units DROP COLUMN property_company_id;
      ALTER TABLE units DROP COLUMN contract_start;
      ALTER TABLE units DROP COLUMN contract_end;
      ALTER TABLE units DROP COLUMN owners_body;
      ALTER TABLE units DROP COLUMN owners_body_term_start;
      ALTER TABLE units DROP COLUMN owners_body_term_end;
      ALTER TABLE unit_history DROP COLUMN property_mode;
      ALTER TABLE unit_history DROP COLUMN property_company_id;
      ALTER TABLE unit_history DROP COLUMN contract_start;
      ALTER TABLE unit_history DROP COLUMN contract_end;
      ALTER TABLE unit_history DROP COLUMN owners_body;
      ALTER TABLE unit_history DROP COLUMN owners_body_term_start;
      ALTER TABLE unit_history DROP COLUMN owners_body_term_end;
      DROP TABLE external_orgs;
      DROP TABLE external_org_history;
      ALTER TABLE party_orgs DROP COLUMN term_start;
      ALTER TABLE party_orgs DROP COLUMN term_years;
      ALTER TABLE party_orgs DROP COLUMN term_postponed_until;
      ALTER TABLE party_orgs DROP COLUMN ratings;
      ALTER TABLE party_org_history DROP COLUMN term_start;
      ALTER TABLE party_org_history DROP COLUMN term_years;
      ALTER TABLE party_org_history DROP COLUMN term_postponed_until;
      ALTER TABLE party_org_history DROP COLUMN ratings;
      DROP TABLE alliances;
      DROP TABLE alliance_history;
      DROP TABLE alliance_items;
      DROP TABLE alliance_item_history;)";
  static Snapshot Primary(int64_t id, int64_t revision, const std::string& label) {
    Unit unit = MakeBuilding(id, revision);
    if (!label.empty()) unit.display_name = label;
    return unit;
  }
  static std::string PrimaryName(int64_t id) { return UnitName(id); }
  static Snapshot Secondary(int64_t id, int64_t revision) { return MakeOrg(id, revision); }
  static std::string SecondaryName(int64_t id) { return PartyOrgName(id); }
  static std::vector<Snapshot> Current(const Stored& stored) {
    return AllRows<Snapshot>(stored.units, stored.party_orgs);
  }
  static int64_t Revision(const Stored& stored) { return stored.revision; }
};

// The contract's fixture: a fresh store in a temporary directory.
class SqliteOrgStoreTest : public StoreContractTest<OrgStoreTraits> {};

TEST_F(SqliteOrgStoreTest, NewStoreHasNoIds) {
  ASSERT_NE(store_, nullptr);
  ASSERT_OK_AND_ASSIGN(const StoredState state, store_->Load());
  EXPECT_EQ(state.max_unit_id, 0);
  EXPECT_EQ(state.max_party_org_id, 0);
}

TEST_F(SqliteOrgStoreTest, EveryUnitFieldSurvivesReopen) {
  ASSERT_NE(store_, nullptr);
  Unit district = MakeUnit(1, 1, Level::kDistrict);
  Unit street = MakeUnit(2, 1, Level::kStreet, 1);
  Unit compound = MakeCompound(4, 2);
  Unit building = MakeBuilding(7, 2);
  Unit deleted = MakeBuilding(5, 3);
  deleted.deleted = true;
  deleted.delete_time = At(9000);
  deleted.delete_revision = 3;
  Unit no_text = MakeBuilding(6, 3);
  std::get<BuildingDetails>(no_text.details).address = "";
  // Committed out of id order: Load returns them ascending.
  CommitOrFail({MakeMutation(1, {Create(street), Create(district)}),
                MakeMutation(2, {Create(building), Create(compound)}),
                MakeMutation(3, {Create(no_text), Create(deleted)})});

  const StoredState state = LoadAfterReopen();
  EXPECT_THAT(state.units, ElementsAre(district, street, compound, deleted, no_text, building));
  EXPECT_THAT(state.party_orgs, IsEmpty());
  EXPECT_EQ(state.revision, 3);
  EXPECT_EQ(state.max_unit_id, 7);
}

TEST_F(SqliteOrgStoreTest, EveryPartyOrgFieldSurvivesReopen) {
  ASSERT_NE(store_, nullptr);
  const PartyOrg joint = MakeOrg(3, 1);
  PartyOrg bare = MakeOrg(8, 2);
  bare.parent_id = 0;
  bare.form = OrgForm::kWorkingCommittee;
  bare.unit_ids = {};
  bare.established_date = std::nullopt;
  bare.rating = Rating::kUnspecified;
  PartyOrg deleted = MakeOrg(5, 2);
  deleted.unit_ids = {42};
  deleted.established_date = absl::CivilDay(1921, 7, 1);
  deleted.rating = Rating::kLagging;
  deleted.deleted = true;
  deleted.delete_time = At(9500);
  deleted.delete_revision = 2;
  CommitOrFail(
      {MakeMutation(1, {Create(joint)}), MakeMutation(2, {Create(bare), Create(deleted)})});

  const StoredState state = LoadAfterReopen();
  EXPECT_THAT(state.party_orgs, ElementsAre(joint, deleted, bare));
  EXPECT_THAT(state.units, IsEmpty());
  EXPECT_EQ(state.revision, 2);
  EXPECT_EQ(state.max_party_org_id, 8);
}

TEST_F(SqliteOrgStoreTest, ReadEventsReturnsSnapshotsInOrder) {
  ASSERT_NE(store_, nullptr);
  const Unit compound_v1 = MakeCompound(4, 1);
  const Unit building_v1 = MakeBuilding(5, 1);
  const PartyOrg org_v2 = MakeOrg(1, 2);
  Unit compound_v3 = compound_v1;
  compound_v3.parent_id = 30;
  compound_v3.revision = 3;
  PartyOrg org_v3 = org_v2;
  org_v3.unit_ids = {4};
  org_v3.revision = 3;
  CommitOrFail({MakeMutation(1, {Create(compound_v1), Create(building_v1)}),
                MakeMutation(2, {Create(org_v2)}, "req-org")});
  CommitOrFail({MakeMutation(3, {Modify(compound_v1, compound_v3), Modify(org_v2, org_v3)})});

  const std::vector<Event> events = Events();
  ASSERT_THAT(Positions(events),
              ElementsAre(std::pair<int64_t, int32_t>(1, 0), std::pair<int64_t, int32_t>(1, 1),
                          std::pair<int64_t, int32_t>(2, 0), std::pair<int64_t, int32_t>(3, 0),
                          std::pair<int64_t, int32_t>(3, 1)));
  EXPECT_EQ(events[0].time, At(5001));
  EXPECT_EQ(events[0].actor, "users/1");
  EXPECT_EQ(events[0].method, "CreateUnit");
  EXPECT_EQ(events[0].before, std::nullopt);
  EXPECT_EQ(events[0].after, Snapshot(compound_v1));
  EXPECT_EQ(events[1].after, Snapshot(building_v1));
  EXPECT_EQ(events[2].before, std::nullopt);
  EXPECT_EQ(events[2].after, Snapshot(org_v2));
  EXPECT_EQ(events[3].method, "CreateUnit");
  EXPECT_THAT(events[3].before, Optional(Snapshot(compound_v1)));
  EXPECT_EQ(events[3].after, Snapshot(compound_v3));
  EXPECT_THAT(events[4].before, Optional(Snapshot(org_v2)));
  EXPECT_EQ(events[4].after, Snapshot(org_v3));
}

}  // namespace
}  // namespace grassroots::org

// The suite's symbols live beside its pattern.
namespace grassroots::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Org, StoreContractTest, ::grassroots::org::OrgStoreTraits);
}  // namespace grassroots::testing
