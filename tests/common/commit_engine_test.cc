#include "common/commit_engine.h"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/version_chain.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/mocks/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/wait_for.h"

// The commit engine on its own, with a small in-memory state and a store
// whose commits can be made to fail or to wait: the write path (planning,
// group commit, publishing, answering callers), its faults, shutdown,
// idempotent request ids, reads at revisions, retention and events, without
// any service's rules.
namespace grassroots::engine_test {
namespace {

using ::grassroots::testing::EventuallyEq;
using ::grassroots::testing::FakeClock;
using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::grassroots::testing::WaitFor;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// The one resource type: a named counter.
struct Item {
  std::string name;
  int64_t value = 0;
  int64_t revision = 0;
  bool operator==(const Item&) const = default;
};
void PrintTo(const Item& item, std::ostream* os) {
  *os << item.name << "=" << item.value << "@" << item.revision;
}

// Found by argument-dependent lookup from the engine.
std::string SnapshotName(const Item& item) { return item.name; }

// A second resource type, for TypedDone.
struct Other {
  int64_t value = 0;
};
using TwoKinds = std::variant<Item, Other>;

using TestMutation = Mutation<Item>;
using TestEvent = Event<Item>;

struct Stored {
  std::map<std::string, Item> items;
  int64_t revision = 0;
};

// The engine's `State`: one version chain per item.
class State {
 public:
  int64_t published_revision() const { return published_; }
  int64_t oldest_readable_revision() const { return oldest_readable_; }
  void Apply(const TestMutation& mutation) {
    for (const auto& change : mutation.changes) {
      auto it = items_.find(change.after.name);
      if (it == items_.end()) {
        items_.emplace(change.after.name, VersionChain<Item>(change.after));
      } else {
        it->second.Push(change.after);
      }
    }
  }
  void Publish(int64_t revision) { published_ = revision; }
  void Prune(int64_t horizon) {
    if (horizon <= oldest_readable_) return;
    oldest_readable_ = horizon;
    for (auto& [name, chain] : items_) chain.Prune(horizon);
  }
  void Reset(Stored stored) {
    items_.clear();
    for (auto& [name, item] : stored.items) items_.emplace(name, VersionChain<Item>(item));
    published_ = stored.revision;
    oldest_readable_ = stored.revision;
  }
  absl::StatusOr<Item> FindByName(const std::string& name) const {
    auto it = items_.find(name);
    if (it == items_.end()) return absl::NotFoundError(name);
    return it->second.head();
  }
  // The item as of `revision`, or nullopt.
  std::optional<Item> At(const std::string& name, int64_t revision) const {
    auto it = items_.find(name);
    if (it == items_.end()) return std::nullopt;
    const Item* item = it->second.At(revision);
    return item == nullptr ? std::nullopt : std::optional<Item>(*item);
  }

 private:
  std::map<std::string, VersionChain<Item>> items_;
  int64_t published_ = 0;
  int64_t oldest_readable_ = 0;
};

// An in-memory store whose commits can be made to fail (storing nothing, or
// storing and then reporting an error) and to wait until released, so that
// writes queue up behind one commit and form the next batch.
class FaultyStore final : public MutationStore<Item, Stored> {
 public:
  absl::StatusOr<Stored> Load() override {
    absl::MutexLock lock(&mu_);
    ++loads_;
    if (!load_error_.ok()) return load_error_;
    return stored_;
  }

  absl::Status Commit(const std::vector<TestMutation>& mutations) override {
    absl::MutexLock lock(&mu_);
    ++commits_entered_;
    mu_.Await(absl::Condition(
        +[](FaultyStore* s) ABSL_NO_THREAD_SAFETY_ANALYSIS { return !s->hold_commits_; }, this));
    batch_sizes_.push_back(static_cast<int>(mutations.size()));
    if (!fail_commits_.empty()) {
      absl::Status error = fail_commits_.front();
      fail_commits_.erase(fail_commits_.begin());
      if (!store_then_fail_) return error;
      Store(mutations);
      return error;
    }
    Store(mutations);
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<TestEvent>> ReadEvents(int64_t start_revision, int32_t start_index,
                                                    int limit) override {
    absl::MutexLock lock(&mu_);
    ++event_reads_;
    std::vector<TestEvent> events;
    for (const TestEvent& event : events_) {
      if (std::make_pair(event.revision, event.index) < std::make_pair(start_revision, start_index))
        continue;
      if (static_cast<int>(events.size()) == limit) break;
      events.push_back(event);
    }
    return events;
  }

  absl::StatusOr<std::optional<std::string>> LookupRequest(absl::string_view request_id) override {
    absl::MutexLock lock(&mu_);
    auto it = requests_.find(std::string(request_id));
    if (it == requests_.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }

  // The next commits fail with these errors, in order.
  void FailNextCommits(std::vector<absl::Status> errors, bool store_anyway = false) {
    absl::MutexLock lock(&mu_);
    fail_commits_ = std::move(errors);
    store_then_fail_ = store_anyway;
  }
  void FailLoads(absl::Status error) {
    absl::MutexLock lock(&mu_);
    load_error_ = std::move(error);
  }
  void HoldCommits() {
    absl::MutexLock lock(&mu_);
    hold_commits_ = true;
  }
  void ReleaseCommits() {
    absl::MutexLock lock(&mu_);
    hold_commits_ = false;
  }
  // Waits until `n` commits have started (the last one may be held).
  void AwaitCommitsEntered(int n) {
    struct Arg {
      FaultyStore* store;
      int n;
    } arg{this, n};
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](Arg* a) ABSL_NO_THREAD_SAFETY_ANALYSIS { return a->store->commits_entered_ >= a->n; },
        &arg));
  }

  std::vector<int> batch_sizes() const {
    absl::MutexLock lock(&mu_);
    return batch_sizes_;
  }
  int64_t stored_revision() const {
    absl::MutexLock lock(&mu_);
    return stored_.revision;
  }
  std::map<std::string, Item> stored_items() const {
    absl::MutexLock lock(&mu_);
    return stored_.items;
  }
  int loads() const {
    absl::MutexLock lock(&mu_);
    return loads_;
  }
  int event_reads() const {
    absl::MutexLock lock(&mu_);
    return event_reads_;
  }

 private:
  void Store(const std::vector<TestMutation>& mutations) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const TestMutation& mutation : mutations) {
      for (size_t i = 0; i < mutation.changes.size(); ++i) {
        const auto& change = mutation.changes[i];
        stored_.items[change.after.name] = change.after;
        events_.push_back(TestEvent{mutation.revision, static_cast<int32_t>(i), mutation.time,
                                    mutation.actor, mutation.method, change.before, change.after});
      }
      if (!mutation.request_id.empty()) {
        requests_[mutation.request_id] = mutation.changes.front().after.name;
      }
      stored_.revision = mutation.revision;
    }
  }

  mutable absl::Mutex mu_;
  Stored stored_ ABSL_GUARDED_BY(mu_);
  std::vector<TestEvent> events_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::string> requests_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::Status> fail_commits_ ABSL_GUARDED_BY(mu_);
  bool store_then_fail_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status load_error_ ABSL_GUARDED_BY(mu_);
  bool hold_commits_ ABSL_GUARDED_BY(mu_) = false;
  int commits_entered_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<int> batch_sizes_ ABSL_GUARDED_BY(mu_);
  int loads_ ABSL_GUARDED_BY(mu_) = 0;
  int event_reads_ ABSL_GUARDED_BY(mu_) = 0;
};

using Engine = CommitEngine<Item, State, Stored>;

// Plans: set an item's value; refuse; change nothing.
Engine::Plan SetValue(std::string name, int64_t value) {
  return [name = std::move(name), value](const State& state,
                                         TestMutation& mutation) -> absl::StatusOr<Item> {
    std::optional<Item> before;
    if (absl::StatusOr<Item> found = state.FindByName(name); found.ok()) before = *found;
    Item after{name, value, mutation.revision};
    mutation.changes.push_back({before, after});
    return after;
  };
}
Engine::Plan Refuse(absl::Status error) {
  return [error](const State&, TestMutation&) -> absl::StatusOr<Item> { return error; };
}
Engine::Plan NoChange() {
  return [](const State&, TestMutation&) -> absl::StatusOr<Item> { return Item{"none", 0, 0}; };
}
// Adds one to an item (0 when it is new): planned on the newest state, so
// concurrent increments never lose one.
Engine::Plan Increment(std::string name) {
  return
      [name = std::move(name)](const State& state, TestMutation& mutation) -> absl::StatusOr<Item> {
        std::optional<Item> before;
        if (absl::StatusOr<Item> found = state.FindByName(name); found.ok()) before = *found;
        Item after{name, before ? before->value + 1 : 1, mutation.revision};
        mutation.changes.push_back({before, after});
        return after;
      };
}

// The answer to one submitted write, once it comes.
class Outcome {
 public:
  Engine::Done Callback() {
    return [this](absl::StatusOr<Item> result) {
      result_ = std::move(result);
      done_.Notify();
    };
  }
  bool answered() const { return done_.HasBeenNotified(); }
  const absl::StatusOr<Item>& Get() {
    EXPECT_TRUE(done_.WaitForNotificationWithTimeout(absl::Seconds(30)));
    return result_;
  }

 private:
  absl::Notification done_;
  absl::StatusOr<Item> result_ = absl::UnknownError("no answer");
};

Caller Alice() {
  Caller caller;
  caller.principal = "users/alice";
  return caller;
}

class CommitEngineTest : public ::testing::Test {
 protected:
  CommitEngineTest() { Restart(); }

  // A new engine over the same store.
  void Restart(CommitEngineOptions options = {.revision_retention = absl::Minutes(1),
                                              .max_batch = 1024,
                                              .service_name = "the test service"}) {
    engine_.reset();
    engine_ = std::make_unique<Engine>(&store_, &clock_, std::move(options));
    ASSERT_OK(engine_->Start());
  }

  void Submit(Outcome& outcome, Engine::Plan plan, std::string request_id = "",
              Caller caller = Alice()) {
    engine_->Submit(caller, "SetValue", std::move(request_id), std::move(plan), outcome.Callback());
  }
  // Holds the writer thread in the commit of `blocker` (a first write), so
  // that whatever is submitted meanwhile queues up for the next batch; the
  // test releases it with store_.ReleaseCommits().
  void HoldTheWriterOn(Outcome& blocker) {
    store_.HoldCommits();
    Submit(blocker, SetValue("items/x", 0));
    store_.AwaitCommitsEntered(1);
  }

  absl::StatusOr<Item> Write(Engine::Plan plan, std::string request_id = "") {
    Outcome outcome;
    Submit(outcome, std::move(plan), std::move(request_id));
    return outcome.Get();
  }

  // What a reader sees of `name` at the latest published revision.
  std::optional<Item> Read(const std::string& name) {
    return engine_->Read(
        [&](const State& state, int64_t revision) { return state.At(name, revision); });
  }
  absl::StatusOr<std::optional<Item>> ReadAt(int64_t revision, const std::string& name) {
    return engine_->ReadAt(
        revision, [&](const State& state, int64_t at) -> absl::StatusOr<std::optional<Item>> {
          return state.At(name, at);
        });
  }

  FakeClock clock_;
  FaultyStore store_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(CommitEngineTest, WriteIsStoredThenPublishedThenAnswered) {
  // Shared with the watcher, which the engine calls once more when the
  // fixture stops it, after this body has returned.
  auto notified = std::make_shared<std::atomic<int>>(0);
  engine_->Watch([notified] { ++*notified; });
  ASSERT_OK_AND_ASSIGN(const Item item, Write(SetValue("items/a", 7)));
  EXPECT_EQ(item, (Item{"items/a", 7, 1}));
  EXPECT_EQ(engine_->published_revision(), 1);
  EXPECT_EQ(store_.stored_revision(), 1);
  EXPECT_EQ(Read("items/a"), item);
  // Watchers are told after the callers are answered.
  EXPECT_TRUE(EventuallyEq(1, [&] { return notified->load(); }));
}

TEST_F(CommitEngineTest, RefusedOrEmptyPlanWritesNothing) {
  EXPECT_THAT(Write(Refuse(absl::InvalidArgumentError("no"))),
              StatusIs(absl::StatusCode::kInvalidArgument, "no"));
  EXPECT_THAT(Write(NoChange()), IsOk());
  EXPECT_EQ(engine_->published_revision(), 0);
  EXPECT_THAT(store_.batch_sizes(), IsEmpty());
}

TEST_F(CommitEngineTest, FailedCommitAnswersEveryCallerPublishesNothingAndWritesResume) {
  auto notified = std::make_shared<std::atomic<int>>(0);  // outlives the body, as above
  engine_->Watch([notified] { ++*notified; });
  ASSERT_OK(Write(SetValue("items/a", 1)));
  absl::Status full = absl::UnavailableError("disk I/O error: /data/org.db (SQLITE_FULL)");
  full.SetPayload(kStorageFaultCause, absl::Cord("the disk is full"));
  store_.FailNextCommits({full});

  // Two writes in one batch: both get the engine's error, without the
  // store's file names.
  store_.HoldCommits();
  Outcome first, second;
  Submit(first, SetValue("items/a", 2));
  store_.AwaitCommitsEntered(2);
  Submit(second, SetValue("items/b", 3));
  store_.ReleaseCommits();
  const auto is_refusal =
      StatusIs(absl::StatusCode::kUnavailable,
               "the test service cannot write its database: the disk is full; nothing was written");
  EXPECT_THAT(first.Get(), is_refusal);
  // `second` was queued behind the failing commit: it goes into the next
  // batch, which is planned on the rebuilt state and succeeds.
  EXPECT_THAT(second.Get(), IsOkAndHolds(Item{"items/b", 3, 2}));

  EXPECT_EQ(engine_->published_revision(), 2);
  EXPECT_EQ(Read("items/a"), (Item{"items/a", 1, 1}));  // the failed write is gone
  EXPECT_EQ(store_.stored_items().at("items/a").value, 1);
  EXPECT_GE(store_.loads(), 2);  // start, and the rebuild after the failure
  EXPECT_THAT(Write(SetValue("items/a", 4)), IsOkAndHolds(Item{"items/a", 4, 3}));
  engine_->Stop();  // the writer is gone: no notification is still on its way
  // The three published batches, and Stop; not the failed one.
  EXPECT_EQ(notified->load(), 4);
}

TEST_F(CommitEngineTest, FailedCommitWithoutACauseKeepsTheStoresCodeAndMessage) {
  store_.FailNextCommits({absl::InternalError("bad batch")});
  EXPECT_THAT(Write(SetValue("items/a", 1)),
              StatusIs(absl::StatusCode::kInternal,
                       HasSubstr("could not store the write; nothing was written: bad batch")));
  EXPECT_EQ(engine_->published_revision(), 0);
  EXPECT_THAT(ReadAt(1, "items/a"), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const std::vector<TestEvent> events, engine_->ReadEvents(1, 0, 10));
  EXPECT_THAT(events, IsEmpty());
  EXPECT_THAT(Write(SetValue("items/a", 2)), IsOkAndHolds(Item{"items/a", 2, 1}));
}

TEST_F(CommitEngineTest, CommitThatFailsAfterStoringIsAnsweredAsWritten) {
  store_.FailNextCommits({absl::UnavailableError("fsync of the journal failed")},
                         /*store_anyway=*/true);
  EXPECT_THAT(Write(SetValue("items/a", 1)), IsOkAndHolds(Item{"items/a", 1, 1}));
  EXPECT_EQ(engine_->published_revision(), 1);
  EXPECT_EQ(Read("items/a"), (Item{"items/a", 1, 1}));
}

TEST_F(CommitEngineTest, UnreadableStoreAfterAFailedCommitRefusesWritesUntilItReadsAgain) {
  store_.FailNextCommits({absl::UnavailableError("read-only file system")});
  store_.FailLoads(absl::UnavailableError("cannot open the file"));
  EXPECT_THAT(Write(SetValue("items/a", 1)), StatusIs(absl::StatusCode::kUnavailable));
  // The state may hold the unstored change: nothing is planned on it.
  EXPECT_THAT(Write(SetValue("items/b", 1)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("cannot read its store back")));
  EXPECT_THAT(store_.batch_sizes(), ElementsAre(1));
  store_.FailLoads(absl::OkStatus());
  EXPECT_THAT(Write(SetValue("items/b", 2)), IsOkAndHolds(Item{"items/b", 2, 1}));
  EXPECT_EQ(Read("items/a"), std::nullopt);
}

TEST_F(CommitEngineTest, WriteWhoseDeadlinePassedIsNotApplied) {
  Caller late = Alice();
  late.deadline = absl::Now() - absl::Seconds(1);
  bool planned = false;
  Outcome outcome;
  Submit(
      outcome,
      [&](const State& state, TestMutation& mutation) {
        planned = true;
        return SetValue("items/a", 1)(state, mutation);
      },
      "", late);
  EXPECT_THAT(outcome.Get(), StatusIs(absl::StatusCode::kDeadlineExceeded,
                                      HasSubstr("SetValue: the caller's deadline passed before "
                                                "the write was applied; nothing was written")));
  EXPECT_FALSE(planned);
  EXPECT_EQ(engine_->published_revision(), 0);
  EXPECT_THAT(store_.batch_sizes(), IsEmpty());
}

TEST_F(CommitEngineTest, BatchCommitsValidWritesTogetherAndRefusesOthersAlone) {
  Outcome blocker;
  HoldTheWriterOn(blocker);
  // Queued while the first commit is held: one batch.
  Outcome valid1, refused, late, empty, valid2;
  Submit(valid1, SetValue("items/a", 1));
  Submit(refused, Refuse(absl::FailedPreconditionError("not allowed")));
  Caller expired = Alice();
  expired.deadline = absl::Now() - absl::Seconds(1);
  Submit(late, SetValue("items/late", 1), "", expired);
  Submit(empty, NoChange());
  Submit(valid2, SetValue("items/b", 2));
  store_.ReleaseCommits();

  EXPECT_THAT(blocker.Get(), IsOk());
  EXPECT_THAT(valid1.Get(), IsOkAndHolds(Item{"items/a", 1, 2}));
  EXPECT_THAT(refused.Get(), StatusIs(absl::StatusCode::kFailedPrecondition, "not allowed"));
  EXPECT_THAT(late.Get(), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(empty.Get(), IsOk());
  EXPECT_THAT(valid2.Get(), IsOkAndHolds(Item{"items/b", 2, 3}));
  EXPECT_THAT(store_.batch_sizes(), ElementsAre(1, 2));  // valid1 and valid2 in one commit
  EXPECT_EQ(engine_->published_revision(), 3);
  EXPECT_EQ(Read("items/late"), std::nullopt);
}

TEST_F(CommitEngineTest, BatchesAreCappedAtMaxBatch) {
  Restart({.revision_retention = absl::Minutes(1), .max_batch = 2, .service_name = "capped"});
  Outcome blocker;
  HoldTheWriterOn(blocker);
  std::vector<Outcome> outcomes(5);
  for (int i = 0; i < 5; ++i) Submit(outcomes[i], SetValue(absl::StrCat("items/", i), i));
  store_.ReleaseCommits();
  for (Outcome& outcome : outcomes) EXPECT_THAT(outcome.Get(), IsOk());
  EXPECT_THAT(store_.batch_sizes(), ElementsAre(1, 2, 2, 1));
}

TEST_F(CommitEngineTest, StopAnswersEveryQueuedWriteAndReturns) {
  std::atomic<int> final_notifications{0};
  engine_->Watch([&] { ++final_notifications; });
  Outcome blocker;
  HoldTheWriterOn(blocker);
  std::vector<Outcome> queued(4);
  for (int i = 0; i < 4; ++i) Submit(queued[i], SetValue(absl::StrCat("items/", i), i));

  std::thread stopper([&] { engine_->Stop(); });
  ASSERT_TRUE(WaitFor([&] { return engine_->stopped(); }));
  Outcome after_stop;
  Submit(after_stop, SetValue("items/late", 1));
  EXPECT_THAT(after_stop.Get(),
              StatusIs(absl::StatusCode::kUnavailable, "the test service is shutting down"));
  store_.ReleaseCommits();
  stopper.join();  // Stop returns once the queue is drained

  // Everything queued before Stop was written and answered: none is lost.
  EXPECT_THAT(blocker.Get(), IsOk());
  for (Outcome& outcome : queued) EXPECT_THAT(outcome.Get(), IsOk());
  EXPECT_EQ(store_.stored_revision(), 5);
  EXPECT_EQ(final_notifications.load(), 3);  // two published batches, and Stop
  // A restarted engine has them all.
  Restart();
  EXPECT_EQ(engine_->published_revision(), 5);
  EXPECT_EQ(Read("items/3"), (Item{"items/3", 3, 5}));
}

TEST_F(CommitEngineTest, StopWithNothingQueuedReturnsAndIsIdempotent) {
  engine_->Stop();
  engine_->Stop();
  EXPECT_TRUE(engine_->stopped());
  EXPECT_THAT(Write(SetValue("items/a", 1)), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(CommitEngineTest, WriteBeforeStartIsRefused) {
  Engine engine(&store_, &clock_, {});
  Outcome outcome;
  engine.Submit(Alice(), "SetValue", "", SetValue("items/a", 1), outcome.Callback());
  EXPECT_THAT(outcome.Get(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(CommitEngineTest, RepeatedRequestIdReturnsWhatTheFirstMade) {
  ASSERT_OK_AND_ASSIGN(const Item made, Write(SetValue("items/a", 1), "req-1"));
  // The retry's plan would make another item: it is not run.
  EXPECT_THAT(Write(SetValue("items/other", 9), "req-1"), IsOkAndHolds(made));
  EXPECT_EQ(engine_->published_revision(), 1);
  EXPECT_EQ(Read("items/other"), std::nullopt);

  // Remembered by the store, so across a restart too.
  Restart();
  EXPECT_THAT(Write(SetValue("items/other", 9), "req-1"), IsOkAndHolds(made));
  EXPECT_EQ(engine_->published_revision(), 1);
}

// Request ids are each principal's own: another principal's id neither
// answers with what it made nor stops a create, in one batch or across
// batches, and the store keeps them apart (IdempotencyKey).
TEST_F(CommitEngineTest, RequestIdsOfDifferentPrincipalsAreDifferentIds) {
  Caller bob = Alice();
  bob.principal = "bob";
  ASSERT_OK_AND_ASSIGN(const Item alices, Write(SetValue("items/a", 1), "req-1"));
  Outcome bobs;
  Submit(bobs, SetValue("items/b", 2), "req-1", bob);
  EXPECT_THAT(bobs.Get(), IsOkAndHolds(Item{"items/b", 2, 2}));

  Outcome blocker;
  HoldTheWriterOn(blocker);
  Outcome alice_again, bob_again, carol;
  Caller carol_caller = Alice();
  carol_caller.principal = "carol";
  Submit(alice_again, SetValue("items/c", 3), "req-1");
  Submit(bob_again, SetValue("items/c", 3), "req-1", bob);
  Submit(carol, SetValue("items/c", 3), "req-1", carol_caller);
  store_.ReleaseCommits();
  EXPECT_THAT(alice_again.Get(), IsOkAndHolds(alices));
  EXPECT_THAT(bob_again.Get(), IsOkAndHolds(Item{"items/b", 2, 2}));
  EXPECT_THAT(carol.Get(), IsOkAndHolds(Item{"items/c", 3, 4}));
  EXPECT_EQ(IdempotencyKey(bob, "req-1"), "bob/req-1");
  EXPECT_EQ(IdempotencyKey(bob, ""), "");
}

TEST_F(CommitEngineTest, RepeatedRequestIdInOneBatchIsAppliedOnce) {
  Outcome blocker;
  HoldTheWriterOn(blocker);
  Outcome first, retry;
  Submit(first, SetValue("items/a", 1), "req-1");
  Submit(retry, SetValue("items/b", 2), "req-1");
  store_.ReleaseCommits();
  EXPECT_THAT(first.Get(), IsOkAndHolds(Item{"items/a", 1, 2}));
  EXPECT_THAT(retry.Get(), IsOkAndHolds(Item{"items/a", 1, 2}));
  EXPECT_THAT(store_.batch_sizes(), ElementsAre(1, 1));
  EXPECT_EQ(Read("items/b"), std::nullopt);
}

TEST_F(CommitEngineTest, ReadAtServesRetainedRevisionsAndRefusesOthers) {
  ASSERT_OK(Write(SetValue("items/a", 1)));
  ASSERT_OK(Write(SetValue("items/a", 2)));
  EXPECT_THAT(ReadAt(1, "items/a"), IsOkAndHolds(Item{"items/a", 1, 1}));
  EXPECT_THAT(ReadAt(0, "items/a"), IsOkAndHolds(Item{"items/a", 2, 2}));  // 0: the latest
  EXPECT_THAT(ReadAt(3, "items/a"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("3 is not a committed revision; the latest is 2")));
  EXPECT_THAT(ReadAt(-1, "items/a"), StatusIs(absl::StatusCode::kInvalidArgument));

  // Once the retention (1 minute here) has passed, the next write prunes
  // what was published before it; the fake clock makes that exact.
  clock_.Advance(absl::Minutes(2));
  ASSERT_OK(Write(SetValue("items/a", 3)));
  EXPECT_THAT(ReadAt(1, "items/a"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("revision 1 is no longer readable; the oldest readable is 2")));
  EXPECT_THAT(ReadAt(2, "items/a"), IsOkAndHolds(Item{"items/a", 2, 2}));
  EXPECT_THAT(ReadAt(3, "items/a"), IsOkAndHolds(Item{"items/a", 3, 3}));
}

TEST_F(CommitEngineTest, RevisionsBeforeAStartAreNotReadable) {
  ASSERT_OK(Write(SetValue("items/a", 1)));
  ASSERT_OK(Write(SetValue("items/a", 2)));
  Restart();
  EXPECT_THAT(ReadAt(1, "items/a"), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(ReadAt(2, "items/a"), IsOkAndHolds(Item{"items/a", 2, 2}));
}

TEST_F(CommitEngineTest, EventsComeInOrderAcrossPages) {
  for (int i = 1; i <= 5; ++i) ASSERT_OK(Write(SetValue("items/a", i)));
  std::vector<int64_t> revisions;
  std::string token;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(const EventPage<Item> page, engine_->ListEvents(2, 2, token));
    EXPECT_EQ(page.current_revision, 5);
    for (const TestEvent& event : page.events) {
      revisions.push_back(event.revision);
      EXPECT_EQ(event.actor, "users/alice");
      EXPECT_EQ(event.method, "SetValue");
      EXPECT_EQ(event.after.value, event.revision);
      ASSERT_TRUE(event.before.has_value());
      EXPECT_EQ(event.before->value, event.revision - 1);
    }
    token = page.next_page_token;
    ++pages;
  } while (!token.empty());
  EXPECT_THAT(revisions, ElementsAre(2, 3, 4, 5));
  EXPECT_EQ(pages, 2);
}

TEST_F(CommitEngineTest, ListEventsRefusesBadArguments) {
  ASSERT_OK(Write(SetValue("items/a", 1)));
  ASSERT_OK(Write(SetValue("items/a", 2)));
  EXPECT_THAT(engine_->ListEvents(-1, 10, ""), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(engine_->ListEvents(0, -1, ""), StatusIs(absl::StatusCode::kInvalidArgument));
  ASSERT_OK_AND_ASSIGN(const EventPage<Item> page, engine_->ListEvents(1, 1, ""));
  ASSERT_THAT(page.next_page_token, Not(IsEmpty()));
  // A token is bound to the listing it came from.
  EXPECT_THAT(engine_->ListEvents(2, 1, page.next_page_token),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(engine_->ListEvents(1, 1, "garbage"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(CommitEngineTest, OldEventsAreReadFromTheStore) {
  // One mutation with more changes than the engine keeps in memory (4096).
  constexpr int kChanges = 5000;
  ASSERT_OK(Write([](const State&, TestMutation& mutation) -> absl::StatusOr<Item> {
    for (int i = 0; i < kChanges; ++i) {
      mutation.changes.push_back({std::nullopt, Item{absl::StrCat("items/", i), i, 1}});
    }
    return mutation.changes.front().after;
  }));
  const int reads_before = store_.event_reads();
  ASSERT_OK_AND_ASSIGN(std::vector<TestEvent> recent, engine_->ReadEvents(1, kChanges - 10, 100));
  EXPECT_THAT(recent, SizeIs(10));
  EXPECT_EQ(store_.event_reads(), reads_before);  // served from memory
  ASSERT_OK_AND_ASSIGN(std::vector<TestEvent> old, engine_->ReadEvents(1, 0, 3));
  EXPECT_EQ(store_.event_reads(), reads_before + 1);
  ASSERT_THAT(old, SizeIs(3));
  EXPECT_EQ(old[2].index, 2);
  EXPECT_EQ(old[2].after.name, "items/2");
}

TEST_F(CommitEngineTest, UnwatchedCallbackIsNotCalled) {
  std::atomic<int> calls{0};
  const int handle = engine_->Watch([&] { ++calls; });
  ASSERT_OK(Write(SetValue("items/a", 1)));
  ASSERT_TRUE(EventuallyEq(1, [&] { return calls.load(); }));
  engine_->Unwatch(handle);
  ASSERT_OK(Write(SetValue("items/a", 2)));
  engine_->Stop();
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(CommitEngineTest, TypedDoneRefusesARequestIdOfAnotherKind) {
  absl::StatusOr<int64_t> got;
  auto done = TypedDone<Other, TwoKinds>([&](absl::StatusOr<Other> result) {
    got = result.ok() ? absl::StatusOr<int64_t>(result->value) : result.status();
  });
  done(TwoKinds(Item{"items/a", 1, 1}));
  // Without naming what the id made: it may be nothing the caller may see.
  EXPECT_THAT(
      got, StatusIs(absl::StatusCode::kAlreadyExists,
                    "request_id: you already used it for a create of another kind; use a new one"));
  done(TwoKinds(Other{7}));
  EXPECT_THAT(got, IsOkAndHolds(7));
}

// Writers on several threads while readers read: every increment is applied
// exactly once, revisions are dense, and a reader never sees a revision
// whose item disagrees with it (each write sets the counter to the number
// of writes so far, which is its revision).
TEST_F(CommitEngineTest, ConcurrentWritersAndReadersSeeConsistentRevisions) {
  constexpr int kWriters = 4;
  constexpr int kWritesEach = 200;
  std::atomic<bool> writing{true};
  std::atomic<int> inconsistent{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (writing.load()) {
        engine_->Read([&](const State& state, int64_t revision) {
          const std::optional<Item> item = state.At("items/n", revision);
          const int64_t value = item ? item->value : 0;
          if (value != revision) inconsistent.fetch_add(1);
          return 0;
        });
      }
    });
  }
  std::vector<std::thread> writers;
  std::atomic<int> failures{0};
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&] {
      for (int i = 0; i < kWritesEach; ++i) {
        if (!Write(Increment("items/n")).ok()) failures.fetch_add(1);
      }
    });
  }
  for (std::thread& t : writers) t.join();
  writing = false;
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(engine_->published_revision(), kWriters * kWritesEach);
  EXPECT_EQ(Read("items/n")->value, kWriters * kWritesEach);
  ASSERT_OK_AND_ASSIGN(const std::vector<TestEvent> events,
                       engine_->ReadEvents(1, 0, kWriters * kWritesEach + 1));
  ASSERT_THAT(events, SizeIs(kWriters * kWritesEach));
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].revision, static_cast<int64_t>(i + 1));
  }
}

}  // namespace
}  // namespace grassroots::engine_test
