#ifndef GRASSROOTS_TESTS_COMMON_STORE_CONTRACT_TEST_H_
#define GRASSROOTS_TESTS_COMMON_STORE_CONTRACT_TEST_H_

// The contract every SQLite store of the suite keeps (common/mutation_store.h
// and common/sqlite_store_support.h), written once and run against each
// store: open and reopen, commit, current rows, the event log with its
// positions and limits, request ids, failed batches, refused files (newer
// schema, garbage, another application's database), a full disk, a
// read-only directory, readers concurrent with commits.
//
// A store's test file instantiates it with a traits struct:
//
//   struct OrgStoreTraits {
//     using Store = SqliteOrgStore;          // Open(path), and MutationStore
//     using Stored = StoredState;            // what Load returns
//     using Snapshot = org::Snapshot;
//     static constexpr char kFileName[] = "org.db";
//     static constexpr int kSchemaVersion = 2;
//     // A resource of the store's main kind with `id` at `revision`, every
//     // field set; `label` (when not empty) is its display name.
//     static Snapshot Primary(int64_t id, int64_t revision, const std::string& label);
//     static std::string PrimaryName(int64_t id);
//     // A resource of another kind, with the same ids.
//     static Snapshot Secondary(int64_t id, int64_t revision);
//     static std::string SecondaryName(int64_t id);
//     // Every current row of `stored`, as snapshots, in Load's order
//     // (AllRows below joins a store's vectors).
//     static std::vector<Snapshot> Current(const Stored& stored);
//     static int64_t Revision(const Stored& stored);
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Org, StoreContractTest, OrgStoreTraits);
//
// What only one store has (its columns, its kinds, its schema's rules)
// stays in that store's own tests.

#include <unistd.h>

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
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/mutation.h"
#include "common/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::testing {

// The rows of several vectors (of a store's kinds), in order, as snapshots.
template <typename Snapshot, typename... Rows>
std::vector<Snapshot> AllRows(const std::vector<Rows>&... rows) {
  std::vector<Snapshot> all;
  (all.insert(all.end(), rows.begin(), rows.end()), ...);
  return all;
}

// The fixture of the contract, and of a store's own tests (each store's
// fixture derives from it with its traits).
template <typename Traits>
class StoreContractTest : public ::testing::Test {
 protected:
  using Store = typename Traits::Store;
  using Stored = typename Traits::Stored;
  using Snapshot = typename Traits::Snapshot;
  using MutationT = ::grassroots::Mutation<Snapshot>;
  using ChangeT = ::grassroots::Change<Snapshot>;
  using EventT = ::grassroots::Event<Snapshot>;
  using Position = std::pair<int64_t, int32_t>;  // (revision, index) of an event

  static ChangeT Create(Snapshot after) { return ChangeT{std::nullopt, std::move(after)}; }
  static ChangeT Modify(Snapshot before, Snapshot after) {
    return ChangeT{std::move(before), std::move(after)};
  }
  static Snapshot Primary(int64_t id, int64_t revision, const std::string& label = "") {
    return Traits::Primary(id, revision, label);
  }
  static MutationT MutationAt(int64_t revision, std::vector<ChangeT> changes,
                              std::string request_id = "") {
    MutationT mutation;
    mutation.revision = revision;
    // Whole microseconds: what the stores keep.
    mutation.time = absl::FromUnixMicros((9000 + revision) * 1'000'000 + 123'456);
    mutation.actor = absl::StrCat("users/", revision);
    mutation.method = revision % 2 == 0 ? "Update" : "Create";
    mutation.changes = std::move(changes);
    mutation.request_id = std::move(request_id);
    return mutation;
  }
  static std::vector<Position> Positions(const std::vector<EventT>& events) {
    std::vector<Position> positions;
    for (const EventT& event : events) positions.emplace_back(event.revision, event.index);
    return positions;
  }
  static std::string ReadBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::unique_ptr<Store> OpenStore() {
    auto store = Store::Open(path_);
    EXPECT_OK(store);
    return store.ok() ? *std::move(store) : nullptr;
  }
  Stored LoadAfterReopen() {
    store_.reset();
    store_ = OpenStore();
    if (store_ == nullptr) return {};
    auto stored = store_->Load();
    EXPECT_OK(stored);
    return stored.ok() ? *std::move(stored) : Stored();
  }
  std::vector<EventT> Events(int64_t start_revision = 0, int32_t start_index = 0,
                             int limit = 1000) {
    auto events = store_->ReadEvents(start_revision, start_index, limit);
    EXPECT_OK(events);
    return events.ok() ? *std::move(events) : std::vector<EventT>();
  }
  void CommitOrFail(const std::vector<MutationT>& mutations) {
    ASSERT_OK(store_->Commit(mutations));
  }
  // What LookupRequest returns, or "error: ..." when it fails.
  std::optional<std::string> Lookup(absl::string_view request_id) {
    auto name = store_->LookupRequest(request_id);
    EXPECT_OK(name);
    return name.value_or(std::string("error: ") + name.status().ToString());
  }
  // Opens the file expecting FAILED_PRECONDITION naming it, and checks that
  // the refused file is left byte for byte as it was.
  absl::Status OpenExpectingRefusal() {
    store_.reset();
    const std::string before = ReadBytes(path_);
    auto store = Store::Open(path_);
    EXPECT_THAT(store,
                StatusIs(absl::StatusCode::kFailedPrecondition, ::testing::HasSubstr(path_)));
    EXPECT_EQ(ReadBytes(path_), before) << "the refused file was modified";
    return store.status();
  }

  TempDir dir_;
  std::string path_ = dir_.File(Traits::kFileName);
  std::unique_ptr<Store> store_ = OpenStore();
};

TYPED_TEST_SUITE_P(StoreContractTest);

TYPED_TEST_P(StoreContractTest, NewStoreIsEmpty) {
  ASSERT_NE(this->store_, nullptr);
  ASSERT_OK_AND_ASSIGN(const typename TestFixture::Stored stored, this->store_->Load());
  EXPECT_THAT(TypeParam::Current(stored), ::testing::IsEmpty());
  EXPECT_EQ(TypeParam::Revision(stored), 0);
  EXPECT_THAT(this->Events(), ::testing::IsEmpty());
  EXPECT_EQ(this->Lookup("anything"), std::nullopt);
}

TYPED_TEST_P(StoreContractTest, LaterChangeReplacesTheCurrentRow) {
  ASSERT_NE(this->store_, nullptr);
  const auto created = this->Primary(4, 1, "created");
  const auto renamed = this->Primary(4, 2, "renamed");
  this->CommitOrFail({this->MutationAt(1, {this->Create(created)})});
  this->CommitOrFail({this->MutationAt(2, {this->Modify(created, renamed)})});

  const auto stored = this->LoadAfterReopen();
  EXPECT_THAT(TypeParam::Current(stored), ::testing::ElementsAre(renamed));
  EXPECT_EQ(TypeParam::Revision(stored), 2);
}

TYPED_TEST_P(StoreContractTest, ReadEventsStartsAtRevisionAndIndexAndHonoursTheLimit) {
  ASSERT_NE(this->store_, nullptr);
  std::vector<typename TestFixture::MutationT> mutations;
  for (int64_t revision = 1; revision <= 4; ++revision) {
    mutations.push_back(
        this->MutationAt(revision, {this->Create(this->Primary(2 * revision, revision)),
                                    this->Create(this->Primary(2 * revision + 1, revision))}));
  }
  this->CommitOrFail(mutations);
  using P = typename TestFixture::Position;
  using ::testing::ElementsAre;
  using ::testing::IsEmpty;

  EXPECT_THAT(this->Positions(this->Events(2, 1, 3)), ElementsAre(P(2, 1), P(3, 0), P(3, 1)));
  EXPECT_THAT(this->Positions(this->Events(2, 0, 1)), ElementsAre(P(2, 0)));
  EXPECT_THAT(this->Positions(this->Events(4, 1, 10)), ElementsAre(P(4, 1)));
  EXPECT_THAT(this->Positions(this->Events(3, 2, 1)), ElementsAre(P(4, 0)));  // past the last
  EXPECT_THAT(this->Events(4, 2, 10), IsEmpty());
  EXPECT_THAT(this->Events(5, 0, 10), IsEmpty());
  EXPECT_THAT(this->Events(1, 0, 0), IsEmpty());
  EXPECT_EQ(this->Events(0, 0, 100).size(), 8u);
  const auto page = this->Events(3, 1, 1);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].after, this->Primary(7, 3));
  EXPECT_EQ(page[0].time, this->MutationAt(3, {}).time);
  EXPECT_EQ(page[0].actor, "users/3");
  EXPECT_EQ(page[0].method, "Create");
  EXPECT_EQ(page[0].before, std::nullopt);
}

TYPED_TEST_P(StoreContractTest, BeforeWithoutAHistoryRowIsAcceptedAndReadsAsNone) {
  ASSERT_NE(this->store_, nullptr);
  // The store records only before's revision; revision 99 was never stored.
  const auto imagined = this->Primary(1, 99);
  const auto after = this->Primary(1, 1);
  this->CommitOrFail({this->MutationAt(1, {this->Modify(imagined, after)})});

  const auto events = this->Events();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].before, std::nullopt);
  EXPECT_EQ(events[0].after, after);
}

TYPED_TEST_P(StoreContractTest, ModifyReadsBackItsBefore) {
  ASSERT_NE(this->store_, nullptr);
  const auto v1 = this->Primary(1, 1, "v1");
  const auto v2 = this->Primary(1, 2, "v2");
  this->CommitOrFail(
      {this->MutationAt(1, {this->Create(v1)}), this->MutationAt(2, {this->Modify(v1, v2)})});
  const auto events = this->Events(2);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_THAT(events[0].before, ::testing::Optional(v1));
  EXPECT_EQ(events[0].after, v2);
}

TYPED_TEST_P(StoreContractTest, FailedBatchStoresNothingOfIt) {
  ASSERT_NE(this->store_, nullptr);
  using ::testing::HasSubstr;
  const auto kept = this->Primary(1, 1);
  this->CommitOrFail({this->MutationAt(1, {this->Create(kept)}, "req-kept")});

  // Mutation 3 changes resource 3 twice: the second history row (3, 3) is a
  // duplicate, which fails the transaction after mutation 2 and the first
  // change of mutation 3 were written.
  const auto second = this->Primary(2, 2);
  const auto twice = this->Primary(3, 3);
  EXPECT_THAT(
      this->store_->Commit({this->MutationAt(2, {this->Create(second)}, "req-second"),
                            this->MutationAt(3,
                                             {this->Create(TypeParam::Secondary(1, 3)),
                                              this->Create(twice), this->Create(twice)},
                                             "req-twice")}),
      StatusIs(absl::StatusCode::kInternal,
               ::testing::AllOf(HasSubstr(this->path_), HasSubstr("UNIQUE constraint failed"))));

  using P = typename TestFixture::Position;
  EXPECT_THAT(this->Positions(this->Events()), ::testing::ElementsAre(P(1, 0)));
  EXPECT_EQ(this->Lookup("req-second"), std::nullopt);
  EXPECT_EQ(this->Lookup("req-twice"), std::nullopt);
  const auto stored = this->LoadAfterReopen();
  EXPECT_THAT(TypeParam::Current(stored), ::testing::ElementsAre(kept));
  EXPECT_EQ(TypeParam::Revision(stored), 1);

  // The store is still usable: the same revisions commit once corrected.
  this->CommitOrFail({this->MutationAt(2, {this->Create(second)}, "req-second"),
                      this->MutationAt(3, {this->Create(twice)}, "req-twice")});
  EXPECT_EQ(this->Lookup("req-second"), TypeParam::PrimaryName(2));
  EXPECT_EQ(this->Lookup("req-twice"), TypeParam::PrimaryName(3));
}

TYPED_TEST_P(StoreContractTest, RecommittingARevisionFailsAndChangesNothing) {
  ASSERT_NE(this->store_, nullptr);
  const auto original = this->Primary(1, 1, "original");
  this->CommitOrFail({this->MutationAt(1, {this->Create(original)})});
  EXPECT_THAT(
      this->store_->Commit({this->MutationAt(1, {this->Create(this->Primary(1, 1, "other"))})}),
      StatusIs(absl::StatusCode::kInternal));
  EXPECT_THAT(TypeParam::Current(this->LoadAfterReopen()), ::testing::ElementsAre(original));
}

TYPED_TEST_P(StoreContractTest, ChangeMustNameOneResource) {
  ASSERT_NE(this->store_, nullptr);
  using ::testing::HasSubstr;
  EXPECT_THAT(
      this->store_->Commit(
          {this->MutationAt(1, {this->Modify(this->Primary(1, 1), this->Primary(2, 1))})}),
      StatusIs(absl::StatusCode::kInternal,
               HasSubstr(absl::StrCat("revision 1 change 0: before is ", TypeParam::PrimaryName(1),
                                      " but after is ", TypeParam::PrimaryName(2)))));
  // The same id in another kind is another resource.
  EXPECT_THAT(this->store_->Commit({this->MutationAt(
                  1, {this->Modify(TypeParam::Secondary(4, 1), this->Primary(4, 1))})}),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr(absl::StrCat("before is ", TypeParam::SecondaryName(4),
                                              " but after is ", TypeParam::PrimaryName(4)))));
  EXPECT_THAT(this->Events(), ::testing::IsEmpty());
}

TYPED_TEST_P(StoreContractTest, LookupRequestFindsCommittedRequestIdsOnly) {
  ASSERT_NE(this->store_, nullptr);
  this->CommitOrFail(
      {this->MutationAt(1, {this->Create(this->Primary(7, 1))}, "req-primary"),
       this->MutationAt(2, {this->Create(TypeParam::Secondary(3, 2))}, "req-secondary"),
       // The first change's resource is the one remembered.
       this->MutationAt(
           3, {this->Create(TypeParam::Secondary(4, 3)), this->Create(this->Primary(8, 3))},
           "req-first"),
       this->MutationAt(4, {this->Create(this->Primary(9, 4))})});

  EXPECT_EQ(this->Lookup("req-primary"), TypeParam::PrimaryName(7));
  EXPECT_EQ(this->Lookup("req-secondary"), TypeParam::SecondaryName(3));
  EXPECT_EQ(this->Lookup("req-first"), TypeParam::SecondaryName(4));
  EXPECT_EQ(this->Lookup("req-other"), std::nullopt);
  EXPECT_EQ(this->Lookup("req-prim"), std::nullopt);
  EXPECT_EQ(this->Lookup(""), std::nullopt);

  this->store_.reset();
  this->store_ = this->OpenStore();
  ASSERT_NE(this->store_, nullptr);
  EXPECT_EQ(this->Lookup("req-primary"), TypeParam::PrimaryName(7));
}

// Files of schema version 1 kept request ids bare; the migration to
// version 2 gives each the principal of the create that used it (the actor
// of its event), so that a retried create still finds what it made, and
// only its own principal's retries do.
TYPED_TEST_P(StoreContractTest, OlderRequestIdsBecomeTheirCreatorsOwn) {
  ASSERT_NE(this->store_, nullptr);
  // MutationAt's actor is "users/<revision>"; a bare id as version 1 wrote it.
  this->CommitOrFail({this->MutationAt(1, {this->Create(this->Primary(7, 1))}, "req-old"),
                      this->MutationAt(2, {this->Create(TypeParam::Secondary(3, 2))})});
  this->store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(this->path_));
    // Back to what version 1 had: the steps after 2 undone, so that they
    // apply again on top of step 2.
    ASSERT_OK(db->Exec(std::string(TypeParam::kUndoStepsAfter2)));
    ASSERT_OK(db->Exec("PRAGMA user_version = 1"));
  }
  this->store_ = this->OpenStore();
  ASSERT_NE(this->store_, nullptr);
  EXPECT_EQ(this->Lookup("users/1/req-old"), TypeParam::PrimaryName(7));
  EXPECT_EQ(this->Lookup("req-old"), std::nullopt);
  EXPECT_EQ(this->Lookup("users/2/req-old"), std::nullopt);
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(this->path_));
    EXPECT_THAT(db->QueryInt64("PRAGMA user_version"), IsOkAndHolds(TypeParam::kSchemaVersion));
  }
}

TYPED_TEST_P(StoreContractTest, RequestIdOnAMutationThatChangesNothingIsRefused) {
  ASSERT_NE(this->store_, nullptr);
  using ::testing::HasSubstr;
  EXPECT_THAT(this->store_->Commit({this->MutationAt(1, {}, "req-empty")}),
              StatusIs(absl::StatusCode::kInternal,
                       ::testing::AllOf(HasSubstr("changes nothing"),
                                        ::testing::Not(HasSubstr("req-empty")))));
  EXPECT_EQ(this->Lookup("req-empty"), std::nullopt);
}

TYPED_TEST_P(StoreContractTest, ReopenedStoreKeepsEverythingAndContinues) {
  ASSERT_NE(this->store_, nullptr);
  const auto first = this->Primary(1, 1);
  this->CommitOrFail({this->MutationAt(1, {this->Create(first)}, "req-1")});
  this->store_.reset();
  this->store_ = this->OpenStore();
  ASSERT_NE(this->store_, nullptr);
  const auto other = TypeParam::Secondary(1, 2);
  this->CommitOrFail({this->MutationAt(2, {this->Create(other)})});

  const auto stored = this->LoadAfterReopen();
  EXPECT_THAT(TypeParam::Current(stored), ::testing::UnorderedElementsAre(first, other));
  EXPECT_EQ(TypeParam::Revision(stored), 2);
  using P = typename TestFixture::Position;
  EXPECT_THAT(this->Positions(this->Events()), ::testing::ElementsAre(P(1, 0), P(2, 0)));
  EXPECT_EQ(this->Lookup("req-1"), TypeParam::PrimaryName(1));
}

TYPED_TEST_P(StoreContractTest, NewerSchemaIsRefused) {
  ASSERT_NE(this->store_, nullptr);
  this->CommitOrFail({this->MutationAt(1, {this->Create(this->Primary(1, 1))})});
  this->store_.reset();
  const int newer = TypeParam::kSchemaVersion + 6;
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(this->path_));
    ASSERT_OK(db->Exec(absl::StrCat("PRAGMA user_version = ", newer)));
  }
  EXPECT_THAT(this->OpenExpectingRefusal().message(),
              ::testing::HasSubstr(
                  absl::StrCat("schema version ", newer, " is newer than this binary supports (",
                               TypeParam::kSchemaVersion, "); refusing to open it")));
}

TYPED_TEST_P(StoreContractTest, GarbageIsRefused) {
  this->store_.reset();
  std::filesystem::remove(this->path_);
  std::ofstream(this->path_, std::ios::binary) << std::string(5000, 'g');
  EXPECT_THAT(this->OpenExpectingRefusal().message(),
              ::testing::HasSubstr("is not an SQLite database"));
}

TYPED_TEST_P(StoreContractTest, DatabaseOfAnotherApplicationIsRefused) {
  this->store_.reset();
  std::filesystem::remove(this->path_);
  {
    // Rollback-journal mode: opening it as a store must not switch it to WAL.
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(this->path_, {.wal = false}));
    ASSERT_OK(sqlite::ApplyMigrations(*db, 0x12345678, {"CREATE TABLE theirs (x)"}));
  }
  EXPECT_THAT(this->OpenExpectingRefusal().message(),
              ::testing::HasSubstr("belongs to another application"));
}

TYPED_TEST_P(StoreContractTest, FullDiskIsUnavailableStoresNothingAndCanBeRetried) {
  ASSERT_NE(this->store_, nullptr);
  this->CommitOrFail({this->MutationAt(1, {this->Create(this->Primary(1, 1))})});
  // About 1 MB of changes, far past the limit below.
  std::vector<typename TestFixture::MutationT> batch;
  for (int64_t revision = 2; revision < 902; ++revision) {
    batch.push_back(this->MutationAt(
        revision, {this->Create(this->Primary(revision, revision, std::string(1100, 'a')))},
        absl::StrCat("req-", revision)));
  }

  absl::Status status;
  {
    const FileSizeLimit limit(256 * 1024);
    ASSERT_TRUE(limit.ok());
    status = this->store_->Commit(batch);  // no gtest output until the limit is lifted
  }
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable, ::testing::HasSubstr(this->path_)));
  using P = typename TestFixture::Position;
  EXPECT_THAT(this->Positions(this->Events()), ::testing::ElementsAre(P(1, 0)));
  EXPECT_EQ(this->Lookup("req-2"), std::nullopt);

  // Once there is room again, the same batch commits.
  this->CommitOrFail(batch);
  const auto stored = this->LoadAfterReopen();
  EXPECT_EQ(TypeParam::Current(stored).size(), 901u);
  EXPECT_EQ(TypeParam::Revision(stored), 901);
}

TYPED_TEST_P(StoreContractTest, ReadOnlyDirectoryIsUnavailable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, where permissions do not stop writes; "
                    "FullDiskIsUnavailableStoresNothingAndCanBeRetried covers UNAVAILABLE";
  }
  ASSERT_NE(this->store_, nullptr);
  this->CommitOrFail({this->MutationAt(1, {this->Create(this->Primary(1, 1))})});
  this->store_.reset();
  std::filesystem::permissions(this->path_, std::filesystem::perms::owner_read);
  std::filesystem::permissions(
      this->dir_.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
  EXPECT_THAT(TypeParam::Store::Open(this->path_), StatusIs(absl::StatusCode::kUnavailable));
  // Writable again, so that the directory can be removed.
  std::filesystem::permissions(this->dir_.path(), std::filesystem::perms::owner_all);
}

TYPED_TEST_P(StoreContractTest, ReadersRunConcurrentlyWithCommits) {
  ASSERT_NE(this->store_, nullptr);
  using Snapshot = typename TestFixture::Snapshot;
  using EventT = typename TestFixture::EventT;
  constexpr int kRevisions = 200;
  constexpr int kReaders = 3;
  // Revision r creates resource r and, when r > 1, changes resource r - 1.
  const auto at = [](int64_t id, int64_t revision) -> Snapshot {
    return TypeParam::Primary(id, revision, absl::StrCat("resource ", id, " at ", revision));
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
        auto events = this->store_->ReadEvents(1, 0, 10 * kRevisions);
        if (!events.ok()) {
          failures[reader] = events.status().ToString();
          return;
        }
        // Every event read is complete and consistent, and none disappears;
        // a revision is seen whole or not at all.
        for (const EventT& event : *events) {
          const int64_t r = event.revision;
          const Snapshot expected = event.index == 0 ? at(r, r) : at(r - 1, r);
          if (event.after != expected || (event.index == 1) != event.before.has_value()) {
            failures[reader] = absl::StrCat("bad event (", r, ", ", event.index, ")");
            return;
          }
        }
        if (!events->empty() && events->back().revision > 1 && events->back().index != 1) {
          failures[reader] = absl::StrCat("revision ", events->back().revision, " seen in part");
          return;
        }
        if (events->size() < seen) {
          failures[reader] = "the log shrank";
          return;
        }
        seen = events->size();
        auto name = this->store_->LookupRequest(absl::StrCat("req-", kRevisions / 2));
        if (!name.ok()) failures[reader] = name.status().ToString();
      }
      if (seen != 2 * kRevisions - 1) {
        failures[reader] = absl::StrCat("saw ", seen, " events at the end");
      }
    });
  }

  for (int64_t r = 1; r <= kRevisions; ++r) {
    std::vector<typename TestFixture::ChangeT> changes = {this->Create(at(r, r))};
    if (r > 1) changes.push_back(this->Modify(at(r - 1, r - 1), at(r - 1, r)));
    const absl::Status status =
        this->store_->Commit({this->MutationAt(r, std::move(changes), absl::StrCat("req-", r))});
    if (!status.ok()) {
      ADD_FAILURE() << status;
      break;
    }
  }
  done = true;
  for (std::thread& reader : readers) reader.join();
  for (const std::string& failure : failures) EXPECT_EQ(failure, "");
  EXPECT_EQ(this->Lookup(absl::StrCat("req-", kRevisions)), TypeParam::PrimaryName(kRevisions));
}

REGISTER_TYPED_TEST_SUITE_P(StoreContractTest, NewStoreIsEmpty, LaterChangeReplacesTheCurrentRow,
                            ReadEventsStartsAtRevisionAndIndexAndHonoursTheLimit,
                            BeforeWithoutAHistoryRowIsAcceptedAndReadsAsNone,
                            ModifyReadsBackItsBefore, FailedBatchStoresNothingOfIt,
                            RecommittingARevisionFailsAndChangesNothing, ChangeMustNameOneResource,
                            LookupRequestFindsCommittedRequestIdsOnly,
                            OlderRequestIdsBecomeTheirCreatorsOwn,
                            RequestIdOnAMutationThatChangesNothingIsRefused,
                            ReopenedStoreKeepsEverythingAndContinues, NewerSchemaIsRefused,
                            GarbageIsRefused, DatabaseOfAnotherApplicationIsRefused,
                            FullDiskIsUnavailableStoresNothingAndCanBeRetried,
                            ReadOnlyDirectoryIsUnavailable, ReadersRunConcurrentlyWithCommits);

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_COMMON_STORE_CONTRACT_TEST_H_
