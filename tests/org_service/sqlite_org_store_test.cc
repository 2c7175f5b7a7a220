#include "org_service/sqlite_org_store.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::org {
namespace {

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

Change Create(Snapshot after) { return Change{std::nullopt, std::move(after)}; }
Change Modify(Snapshot before, Snapshot after) {
  return Change{std::move(before), std::move(after)};
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

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class SqliteOrgStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteOrgStore> OpenStore() {
    auto store = SqliteOrgStore::Open(path_);
    EXPECT_OK(store);
    return store.ok() ? *std::move(store) : nullptr;
  }

  StoredState LoadAfterReopen() {
    store_.reset();
    store_ = OpenStore();
    if (store_ == nullptr) return {};
    auto state = store_->Load();
    EXPECT_OK(state);
    return state.ok() ? *std::move(state) : StoredState();
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
  std::string path_ = dir_.File("org.db");
  std::unique_ptr<SqliteOrgStore> store_ = OpenStore();
};

// (revision, index) of each event, to compare orders at a glance.
std::vector<std::pair<int64_t, int32_t>> Positions(const std::vector<Event>& events) {
  std::vector<std::pair<int64_t, int32_t>> positions;
  for (const Event& event : events) positions.emplace_back(event.revision, event.index);
  return positions;
}

TEST_F(SqliteOrgStoreTest, NewStoreIsEmpty) {
  ASSERT_NE(store_, nullptr);
  ASSERT_OK_AND_ASSIGN(const StoredState state, store_->Load());
  EXPECT_THAT(state.units, IsEmpty());
  EXPECT_THAT(state.party_orgs, IsEmpty());
  EXPECT_EQ(state.revision, 0);
  EXPECT_EQ(state.max_unit_id, 0);
  EXPECT_EQ(state.max_party_org_id, 0);
  EXPECT_THAT(Events(), IsEmpty());
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

TEST_F(SqliteOrgStoreTest, LaterChangeReplacesTheCurrentRow) {
  ASSERT_NE(store_, nullptr);
  const Unit created = MakeCompound(4, 1);
  Unit renamed = created;
  renamed.display_name = "新名字";
  renamed.details = std::monostate();
  renamed.update_time = At(7777);
  renamed.revision = 2;
  CommitOrFail({MakeMutation(1, {Create(created)})});
  CommitOrFail({MakeMutation(2, {Modify(created, renamed)})});

  const StoredState state = LoadAfterReopen();
  EXPECT_THAT(state.units, ElementsAre(renamed));
  EXPECT_EQ(state.revision, 2);
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

TEST_F(SqliteOrgStoreTest, ReadEventsStartsAtRevisionAndIndexAndHonoursTheLimit) {
  ASSERT_NE(store_, nullptr);
  std::vector<Mutation> mutations;
  for (int64_t revision = 1; revision <= 4; ++revision) {
    mutations.push_back(
        MakeMutation(revision, {Create(MakeUnit(2 * revision, revision, Level::kDistrict)),
                                Create(MakeUnit(2 * revision + 1, revision, Level::kDistrict))}));
  }
  CommitOrFail(mutations);
  using P = std::pair<int64_t, int32_t>;

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
  EXPECT_EQ(page[0].after, Snapshot(MakeUnit(7, 3, Level::kDistrict)));
}

TEST_F(SqliteOrgStoreTest, BeforeWithoutAHistoryRowIsAcceptedAndReadsAsNone) {
  ASSERT_NE(store_, nullptr);
  // The store records only before's revision; revision 99 was never stored.
  const Unit imagined = MakeUnit(1, 99, Level::kDistrict);
  const Unit after = MakeUnit(1, 1, Level::kDistrict);
  CommitOrFail({MakeMutation(1, {Modify(imagined, after)})});

  const std::vector<Event> events = Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].before, std::nullopt);
  EXPECT_EQ(events[0].after, Snapshot(after));
}

TEST_F(SqliteOrgStoreTest, FailedBatchStoresNothingOfIt) {
  ASSERT_NE(store_, nullptr);
  const Unit kept = MakeUnit(1, 1, Level::kDistrict);
  CommitOrFail({MakeMutation(1, {Create(kept)}, "req-kept")});

  // Mutation 3 changes unit 3 twice: the second history row (3, 3) is a
  // duplicate, which fails the transaction after mutation 2 was written.
  const Unit street = MakeUnit(2, 2, Level::kStreet, 1);
  const Unit twice = MakeUnit(3, 3, Level::kStreet, 1);
  EXPECT_THAT(
      store_->Commit({MakeMutation(2, {Create(street)}, "req-street"),
                      MakeMutation(3, {Create(twice), Create(twice)}, "req-twice")}),
      StatusIs(absl::StatusCode::kInternal,
               AllOf(HasSubstr(path_), HasSubstr("UNIQUE constraint failed: unit_history.id"))));

  EXPECT_THAT(Positions(Events()), ElementsAre(std::pair<int64_t, int32_t>(1, 0)));
  EXPECT_EQ(Lookup("req-street"), std::nullopt);
  const StoredState state = LoadAfterReopen();
  EXPECT_THAT(state.units, ElementsAre(kept));
  EXPECT_EQ(state.revision, 1);

  // The store is still usable: the same revisions commit once corrected.
  CommitOrFail({MakeMutation(2, {Create(street)}, "req-street")});
  EXPECT_EQ(Lookup("req-street"), UnitName(2));
}

TEST_F(SqliteOrgStoreTest, RecommittingARevisionFailsAndChangesNothing) {
  ASSERT_NE(store_, nullptr);
  const Unit original = MakeUnit(1, 1, Level::kDistrict);
  CommitOrFail({MakeMutation(1, {Create(original)})});
  Unit other = original;
  other.display_name = "另一个";
  EXPECT_THAT(store_->Commit({MakeMutation(1, {Create(other)})}),
              StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(LoadAfterReopen().units, ElementsAre(original));
}

TEST_F(SqliteOrgStoreTest, ChangeMustNameOneResource) {
  ASSERT_NE(store_, nullptr);
  EXPECT_THAT(
      store_->Commit({MakeMutation(
          1, {Modify(MakeUnit(1, 1, Level::kDistrict), MakeUnit(2, 1, Level::kDistrict))})}),
      StatusIs(absl::StatusCode::kInternal, HasSubstr("before is units/1 but after is units/2")));
  EXPECT_THAT(Events(), IsEmpty());
}

TEST_F(SqliteOrgStoreTest, LookupRequestFindsCommittedRequestIdsOnly) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakeUnit(7, 1, Level::kDistrict))}, "req-unit"),
                MakeMutation(2, {Create(MakeOrg(3, 2))}, "req-org"),
                MakeMutation(3, {Create(MakeUnit(8, 3, Level::kDistrict))})});

  EXPECT_EQ(Lookup("req-unit"), UnitName(7));
  EXPECT_EQ(Lookup("req-org"), PartyOrgName(3));
  EXPECT_EQ(Lookup("req-other"), std::nullopt);
  EXPECT_EQ(Lookup("req-uni"), std::nullopt);
  EXPECT_EQ(Lookup(""), std::nullopt);

  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  EXPECT_EQ(Lookup("req-unit"), UnitName(7));
}

TEST_F(SqliteOrgStoreTest, ReopenedStoreKeepsEverythingAndContinues) {
  ASSERT_NE(store_, nullptr);
  const Unit district = MakeUnit(1, 1, Level::kDistrict);
  CommitOrFail({MakeMutation(1, {Create(district)}, "req-1")});
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  const PartyOrg org = MakeOrg(1, 2);
  CommitOrFail({MakeMutation(2, {Create(org)})});

  const StoredState state = LoadAfterReopen();
  EXPECT_THAT(state.units, ElementsAre(district));
  EXPECT_THAT(state.party_orgs, ElementsAre(org));
  EXPECT_EQ(state.revision, 2);
  EXPECT_THAT(Positions(Events()),
              ElementsAre(std::pair<int64_t, int32_t>(1, 0), std::pair<int64_t, int32_t>(2, 0)));
  EXPECT_EQ(Lookup("req-1"), UnitName(1));
}

// Refusals: the file is left byte for byte as it was.
class SqliteOrgStoreRefusalTest : public SqliteOrgStoreTest {
 protected:
  absl::Status OpenExpectingRefusal() {
    store_.reset();
    const std::string before = ReadBytes(path_);
    auto store = SqliteOrgStore::Open(path_);
    EXPECT_THAT(store, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(path_)));
    EXPECT_EQ(ReadBytes(path_), before) << "the refused file was modified";
    return store.status();
  }
};

TEST_F(SqliteOrgStoreRefusalTest, NewerSchemaIsRefused) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakeUnit(1, 1, Level::kDistrict))})});
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_));
    ASSERT_OK(db->Exec("PRAGMA user_version = 7"));
  }
  EXPECT_THAT(OpenExpectingRefusal().message(),
              HasSubstr("schema version 7 is newer than this binary supports (1); "
                        "refusing to open it"));
}

TEST_F(SqliteOrgStoreRefusalTest, GarbageIsRefused) {
  store_.reset();
  std::filesystem::remove(path_);
  std::ofstream(path_, std::ios::binary) << std::string(5000, 'g');
  EXPECT_THAT(OpenExpectingRefusal().message(), HasSubstr("is not an SQLite database"));
}

TEST_F(SqliteOrgStoreRefusalTest, DatabaseOfAnotherApplicationIsRefused) {
  store_.reset();
  std::filesystem::remove(path_);
  {
    // Rollback-journal mode: opening it as a store must not switch it to WAL.
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_, {.wal = false}));
    ASSERT_OK(sqlite::ApplyMigrations(*db, 0x12345678, {"CREATE TABLE theirs (x)"}));
  }
  EXPECT_THAT(OpenExpectingRefusal().message(), HasSubstr("belongs to another application"));
}

using ::grassroots::testing::FileSizeLimit;

TEST_F(SqliteOrgStoreTest, FullDiskIsUnavailableStoresNothingAndCanBeRetried) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakeUnit(1, 1, Level::kDistrict))})});
  // About 1 MB of changes, far past the limit below.
  std::vector<Mutation> batch;
  for (int64_t revision = 2; revision < 1002; ++revision) {
    Unit building = MakeBuilding(revision, revision);
    std::get<BuildingDetails>(building.details).address = std::string(1000, 'a');
    batch.push_back(MakeMutation(revision, {Create(building)}, absl::StrCat("req-", revision)));
  }

  absl::Status status;
  {
    const FileSizeLimit limit(256 * 1024);
    ASSERT_TRUE(limit.ok());
    status = store_->Commit(batch);  // no gtest output until the limit is lifted
  }
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path_)));
  EXPECT_THAT(Positions(Events()), ElementsAre(std::pair<int64_t, int32_t>(1, 0)));
  EXPECT_EQ(Lookup("req-2"), std::nullopt);

  // Once there is room again, the same batch commits.
  CommitOrFail(batch);
  const StoredState state = LoadAfterReopen();
  EXPECT_EQ(state.units.size(), 1001u);
  EXPECT_EQ(state.revision, 1001);
}

TEST_F(SqliteOrgStoreTest, ReadOnlyDirectoryIsUnavailable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, where permissions do not stop writes; "
                    "FullDiskIsUnavailableStoresNothingAndCanBeRetried covers UNAVAILABLE";
  }
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MakeMutation(1, {Create(MakeUnit(1, 1, Level::kDistrict))})});
  store_.reset();
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read);
  std::filesystem::permissions(
      dir_.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(SqliteOrgStore::Open(path_), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(SqliteOrgStoreTest, ReadersRunConcurrentlyWithCommits) {
  ASSERT_NE(store_, nullptr);
  constexpr int kRevisions = 200;
  constexpr int kReaders = 4;
  // Revision r creates unit r and, when r > 1, changes unit r - 1.
  const auto unit_at = [](int64_t id, int64_t revision) {
    Unit unit = MakeUnit(id, revision, Level::kDistrict);
    unit.display_name = absl::StrCat("unit ", id, " at ", revision);
    return unit;
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
        // Every event read is complete and consistent, and none disappears.
        for (const Event& event : *events) {
          const int64_t r = event.revision;
          const Snapshot expected = event.index == 0 ? unit_at(r, r) : unit_at(r - 1, r);
          if (event.after != expected || (event.index == 1) != event.before.has_value()) {
            failures[reader] = absl::StrCat("bad event (", r, ", ", event.index, ")");
            return;
          }
        }
        if (events->size() < seen) {
          failures[reader] = "the log shrank";
          return;
        }
        seen = events->size();
        auto name = store_->LookupRequest(absl::StrCat("req-", kRevisions / 2));
        if (!name.ok()) failures[reader] = name.status().ToString();
      }
      if (seen != 2 * kRevisions - 1) {
        failures[reader] = absl::StrCat("saw ", seen, " events at the end");
      }
    });
  }

  for (int64_t r = 1; r <= kRevisions; ++r) {
    std::vector<Change> changes = {Create(unit_at(r, r))};
    if (r > 1) changes.push_back(Modify(unit_at(r - 1, r - 1), unit_at(r - 1, r)));
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
}

}  // namespace
}  // namespace grassroots::org
