#ifndef GRASSROOTS_COMMON_COMMIT_ENGINE_H_
#define GRASSROOTS_COMMON_COMMIT_ENGINE_H_

#include <algorithm>
#include <cstdio>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/mutation.h"
#include "common/mutation_store.h"
#include "common/page_token.h"
#include "common/status_macros.h"

namespace grassroots {

struct CommitEngineOptions {
  // How long a superseded revision stays readable after it was published.
  absl::Duration revision_retention = absl::Minutes(10);
  // The most mutations committed in one transaction (group commit).
  int max_batch = 1024;
  // What the engine is called in messages ("the org service").
  std::string service_name = "the service";
};

// The key under which a create's `request_id` is remembered: the caller's
// principal and the id ("users.alice/r-1"; a principal has no '/'), so that
// one principal's request ids never answer, or block, another's. Empty when
// `request_id` is.
inline std::string IdempotencyKey(const Caller& caller, absl::string_view request_id) {
  if (request_id.empty()) return std::string();
  return absl::StrCat(caller.principal, "/", request_id);
}

template <typename Snapshot>
struct EventPage {
  std::vector<Event<Snapshot>> events;
  std::string next_page_token;
  int64_t current_revision = 0;
};

// The write path and the revision bookkeeping every service of the suite
// shares. Reads see a `State` (the service's in-memory, multi-version index)
// at a published revision; writes are queued to one writer thread that plans
// each against the newest state, applies it without publishing it, commits
// everything queued in one store transaction (group commit: one fsync per
// batch), and only then publishes the batch to readers and answers callers.
//
// `State` provides:
//   int64_t published_revision() const;
//   int64_t oldest_readable_revision() const;
//   void Apply(const Mutation<Snapshot>&);  // on top of the newest state
//   void Publish(int64_t revision);
//   void Prune(int64_t horizon);            // forget versions before it
//   void Reset(Stored);                     // replace all; publishes its revision
//   absl::StatusOr<Snapshot> FindByName(const std::string&) const;  // newest
// and `Stored` has an `int64_t revision`.
//
// A failed commit (a full disk, a read-only file system) leaves the state
// with applied changes the store does not have: the engine rebuilds it from
// the store, on the writer thread and without holding readers up, before it
// plans another write. Callers of the failed batch get the store's code with
// a message that names the cause (kStorageFaultCause) and says that nothing
// was written; readers go on reading the last published revision meanwhile;
// the first commit that succeeds again ends the episode. The engine writes
// one line to stderr when writes start failing and one when they succeed
// again, with the store's full message (file names, codes), which callers
// are not shown.
//
// Thread-safe. Write callbacks and watcher notifications run on the writer
// thread and must not block.
template <typename Snapshot, typename State, typename Stored>
class CommitEngine {
 public:
  using Store = MutationStore<Snapshot, Stored>;
  using MutationT = Mutation<Snapshot>;
  using EventT = Event<Snapshot>;
  // Plans one write against the newest state: fills `mutation.changes`
  // (revision and time are set) and returns the resource the caller gets
  // back. An error, or no changes, writes nothing.
  using Plan = std::function<absl::StatusOr<Snapshot>(const State&, MutationT&)>;
  using Done = std::function<void(absl::StatusOr<Snapshot>)>;

  CommitEngine(Store* store, const Clock* clock, CommitEngineOptions options)
      : store_(store), clock_(clock), options_(std::move(options)), state_(new State()) {}
  ~CommitEngine() { Stop(); }
  CommitEngine(const CommitEngine&) = delete;
  CommitEngine& operator=(const CommitEngine&) = delete;

  // Loads the store and starts the writer thread.
  absl::Status Start() {
    ASSIGN_OR_RETURN(Stored stored, store_->Load());
    {
      absl::MutexLock lock(&state_mu_);
      state_->Reset(std::move(stored));
    }
    absl::MutexLock lock(&queue_mu_);
    started_ = true;
    writer_ = std::thread([this] { WriterLoop(); });
    return absl::OkStatus();
  }

  // Finishes the queued writes, stops the writer and wakes every watcher.
  // Later writes fail with UNAVAILABLE.
  void Stop() {
    {
      absl::MutexLock lock(&queue_mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    if (writer_.joinable()) writer_.join();
    NotifyWatchers();
  }

  bool stopped() const {
    absl::MutexLock lock(&queue_mu_);
    return stopping_;
  }

  // Queues a write; `done` is called once, after it is durable (or failed).
  // A create with a `request_id` that the same caller used before returns
  // what that create made instead of writing again. Request ids are the
  // caller's own (IdempotencyKey): another principal's id is just a new id.
  void Submit(const Caller& caller, std::string method, std::string request_id, Plan plan,
              Done done) {
    {
      absl::MutexLock lock(&queue_mu_);
      if (!stopping_ && started_) {
        queue_.push_back({caller, std::move(method), IdempotencyKey(caller, request_id),
                          std::move(plan), std::move(done)});
        return;
      }
    }
    done(absl::UnavailableError(absl::StrCat(options_.service_name, " is shutting down")));
  }

  // Runs `read(state, revision)` under the read lock at the latest published
  // revision.
  template <typename F>
  auto Read(F&& read) const {
    absl::ReaderMutexLock lock(&state_mu_);
    return read(*state_, state_->published_revision());
  }

  // As Read, at `requested` (0: the latest). `read` returns an
  // absl::StatusOr; a revision never committed is INVALID_ARGUMENT, one no
  // longer retained FAILED_PRECONDITION.
  template <typename F>
  auto ReadAt(int64_t requested, F&& read) const
      -> decltype(read(std::declval<const State&>(), int64_t{})) {
    absl::ReaderMutexLock lock(&state_mu_);
    absl::StatusOr<int64_t> revision = ResolveRevision(requested);
    if (!revision.ok()) return revision.status();
    return read(*state_, *revision);
  }

  int64_t published_revision() const {
    absl::ReaderMutexLock lock(&state_mu_);
    return state_->published_revision();
  }

  // Up to `limit` published events from (revision, index) on. Watchers that
  // keep up are served from memory, others from the store.
  absl::StatusOr<std::vector<EventT>> ReadEvents(int64_t revision, int32_t index, int limit) const {
    const int64_t published = published_revision();
    {
      absl::MutexLock lock(&recent_mu_);
      const auto position = std::make_pair(revision, static_cast<int64_t>(index));
      if (!recent_events_.empty() && position >= Position(recent_events_.front())) {
        auto it = std::lower_bound(
            recent_events_.begin(), recent_events_.end(), position,
            [](const EventT& e, const std::pair<int64_t, int64_t>& p) { return Position(e) < p; });
        std::vector<EventT> events;
        for (; it != recent_events_.end() && static_cast<int>(events.size()) < limit &&
               it->revision <= published;
             ++it) {
          events.push_back(*it);
        }
        return events;
      }
    }
    ASSIGN_OR_RETURN(std::vector<EventT> events, store_->ReadEvents(revision, index, limit));
    while (!events.empty() && events.back().revision > published) events.pop_back();
    return events;
  }

  // A page of events from `start_revision` (0 means 1), 1..1000 per page.
  absl::StatusOr<EventPage<Snapshot>> ListEvents(int64_t start_revision, int32_t page_size,
                                                 const std::string& page_token) const {
    if (start_revision < 0) {
      return absl::InvalidArgumentError("start_revision: must not be negative");
    }
    ASSIGN_OR_RETURN(const int size, ResolvePageSize(page_size, 100, 1000));
    // The service's name is in it, so that one service's token is refused by
    // another's ListEvents instead of paging from a wrong position.
    const uint64_t fingerprint =
        StableHasher().Add("events").Add(options_.service_name).Add(start_revision).hash();
    int64_t revision = std::max<int64_t>(start_revision, 1);
    int32_t index = 0;
    if (!page_token.empty()) {
      ASSIGN_OR_RETURN(const PageCursor cursor, DecodePageToken(page_token, fingerprint));
      revision = cursor.last_key;
      index = static_cast<int32_t>(cursor.last_subkey) + 1;
    }
    EventPage<Snapshot> page;
    page.current_revision = published_revision();
    // One more than asked tells whether another page exists.
    ASSIGN_OR_RETURN(std::vector<EventT> events, ReadEvents(revision, index, size + 1));
    if (static_cast<int>(events.size()) > size) {
      events.resize(size);
      page.next_page_token = EncodePageToken({.last_key = events.back().revision,
                                              .last_subkey = events.back().index,
                                              .request_fingerprint = fingerprint});
    }
    page.events = std::move(events);
    return page;
  }

  // Calls `on_publish` (on the writer thread; it must not block) after each
  // published batch, and once more at Stop. Returns a handle for Unwatch.
  int Watch(std::function<void()> on_publish) {
    absl::MutexLock lock(&watch_mu_);
    const int handle = next_watch_handle_++;
    watchers_.emplace(handle, std::move(on_publish));
    return handle;
  }
  void Unwatch(int handle) {
    absl::MutexLock lock(&watch_mu_);
    watchers_.erase(handle);
  }

 private:
  struct WriteRequest {
    Caller caller;
    std::string method;
    std::string request_id;  // the IdempotencyKey
    Plan plan;
    Done done;
  };

  static std::pair<int64_t, int64_t> Position(const EventT& e) {
    return {e.revision, static_cast<int64_t>(e.index)};
  }

  absl::StatusOr<int64_t> ResolveRevision(int64_t requested) const
      ABSL_SHARED_LOCKS_REQUIRED(state_mu_) {
    const int64_t published = state_->published_revision();
    if (requested == 0) return published;
    if (requested < 0 || requested > published) {
      return absl::InvalidArgumentError(absl::StrCat(
          "read_revision: ", requested, " is not a committed revision; the latest is ", published));
    }
    if (requested < state_->oldest_readable_revision()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "read_revision: revision ", requested, " is no longer readable; the oldest readable is ",
          state_->oldest_readable_revision(), " (old revisions stay readable for ",
          absl::FormatDuration(options_.revision_retention),
          " after they are superseded, and only since the service started)"));
    }
    return requested;
  }

  void WriterLoop() {
    std::vector<WriteRequest> batch;
    while (true) {
      {
        absl::MutexLock lock(&queue_mu_);
        queue_mu_.Await(absl::Condition(
            +[](CommitEngine* engine) ABSL_NO_THREAD_SAFETY_ANALYSIS {
              return engine->stopping_ || !engine->queue_.empty();
            },
            this));
        if (queue_.empty()) return;  // stopping, and every queued write is done
        // Whatever queued up while the last batch was being committed goes
        // into the next one: the larger the load, the larger the batch.
        const size_t n = std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + static_cast<ptrdiff_t>(n)));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<ptrdiff_t>(n));
      }
      RunBatch(batch);
      batch.clear();
    }
  }

  void RunBatch(std::vector<WriteRequest>& batch) {
    // A failed commit whose state could not be rebuilt yet: try again now,
    // since no write may be planned on changes that were never stored.
    if (needs_reload_) {
      if (absl::Status reloaded = Reload(); !reloaded.ok()) {
        ReportCommitFailure(reloaded, batch.size());
        for (WriteRequest& request : batch) request.done(reloaded);
        return;
      }
    }
    // Request ids are looked up in the store before the state is locked, so
    // that readers never wait for store I/O.
    std::vector<absl::StatusOr<std::optional<std::string>>> stored_requests;
    stored_requests.reserve(batch.size());
    for (const WriteRequest& request : batch) {
      stored_requests.push_back(request.request_id.empty()
                                    ? absl::StatusOr<std::optional<std::string>>(std::nullopt)
                                    : store_->LookupRequest(request.request_id));
    }
    std::vector<absl::StatusOr<Snapshot>> outcomes;
    outcomes.reserve(batch.size());
    std::vector<MutationT> mutations;
    // Stores keep microseconds; so do we, or times would change on restart.
    const absl::Time now = absl::FromUnixMicros(absl::ToUnixMicros(clock_->Now()));
    // Every outcome from here on was planned on top of uncommitted changes.
    size_t first_applied = batch.size();
    // Request ids seen in this batch, with the resource their create made.
    absl::flat_hash_map<std::string, std::string> batch_requests;
    {
      absl::MutexLock lock(&state_mu_);
      State& state = *state_;
      int64_t revision = state.published_revision();
      for (size_t i = 0; i < batch.size(); ++i) {
        WriteRequest& request = batch[i];
        // An idempotent create that was already made returns what it made.
        if (!request.request_id.empty()) {
          if (!stored_requests[i].ok()) {
            outcomes.push_back(stored_requests[i].status());
            continue;
          }
          std::optional<std::string> made = *stored_requests[i];
          if (auto it = batch_requests.find(request.request_id); it != batch_requests.end()) {
            made = it->second;
          }
          if (made) {
            outcomes.push_back(state.FindByName(*made));
            continue;
          }
        }
        // Real time, not clock_: gRPC deadlines are wall-clock instants.
        if (absl::Now() > request.caller.deadline) {
          outcomes.push_back(absl::DeadlineExceededError(
              absl::StrCat(request.method,
                           ": the caller's deadline passed before the write was applied; "
                           "nothing was written")));
          continue;
        }
        MutationT mutation;
        mutation.revision = revision + 1;
        mutation.time = now;
        mutation.actor = request.caller.principal;
        mutation.method = request.method;
        mutation.request_id = request.request_id;
        absl::StatusOr<Snapshot> result = request.plan(state, mutation);
        if (!result.ok() || mutation.changes.empty()) {
          outcomes.push_back(std::move(result));
          continue;
        }
        state.Apply(mutation);
        ++revision;
        first_applied = std::min(first_applied, i);
        if (!request.request_id.empty()) {
          batch_requests[request.request_id] = NameOfFirstChange(mutation);
        }
        mutations.push_back(std::move(mutation));
        outcomes.push_back(std::move(result));
      }
    }

    absl::Status commit = mutations.empty() ? absl::OkStatus() : store_->Commit(mutations);
    bool published_by_reload = false;
    if (!commit.ok()) {
      // The store says nothing of the batch is stored: the applied changes
      // must go. Readers never saw them (they are past the published
      // revision); writers must not plan on them, so the state is rebuilt
      // from the store before anything else is planned. The rebuilt state
      // also shows whether the batch was stored after all (a commit whose
      // last step failed after its data was in): then it was written, and
      // its callers hear so.
      const absl::Status reloaded = Reload();
      if (reloaded.ok() && published_revision() >= mutations.back().revision) {
        std::fprintf(stderr, "%s: a commit reported an error but is stored: %s\n",
                     options_.service_name.c_str(), std::string(commit.message()).c_str());
        commit = absl::OkStatus();
        published_by_reload = true;
      } else {
        ReportCommitFailure(commit, batch.size() - first_applied);
        commit = CallerError(commit);
      }
    }
    if (commit.ok()) {
      absl::MutexLock lock(&state_mu_);
      if (!mutations.empty() && !published_by_reload) state_->Publish(mutations.back().revision);
      if (!mutations.empty()) published_times_.emplace_back(mutations.back().revision, now);
      PruneOldRevisions(now);
    }
    if (commit.ok() && !mutations.empty()) ReportCommitRecovery();
    if (commit.ok()) RememberRecentEvents(mutations);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i].done(!commit.ok() && i >= first_applied ? commit : std::move(outcomes[i]));
    }
    // Callers first, then the watchers, who may have reading to do.
    if (commit.ok() && !mutations.empty()) NotifyWatchers();
  }

  // What the callers of a batch whose commit failed are told: the store's
  // code, and the cause in words when the store named one (its full message
  // names files and SQLite codes, which are for the operator's log).
  absl::Status CallerError(const absl::Status& commit) const {
    const auto cause = commit.GetPayload(kStorageFaultCause);  // an absl::optional
    if (cause.has_value()) {
      return absl::Status(commit.code(),
                          absl::StrCat(options_.service_name, " cannot write its database: ",
                                       std::string(*cause), "; nothing was written"));
    }
    return absl::Status(commit.code(), absl::StrCat(options_.service_name,
                                                    " could not store the write; nothing was "
                                                    "written: ",
                                                    commit.message()));
  }

  // One line on stderr for the first failed commit of an episode, with the
  // store's full message; later failures are only counted.
  void ReportCommitFailure(const absl::Status& commit, size_t refused) {
    if (refused_writes_ == 0) {
      std::fprintf(stderr, "%s: writes are failing (%s): %s; reads go on\n",
                   options_.service_name.c_str(), absl::StatusCodeToString(commit.code()).c_str(),
                   std::string(commit.message()).c_str());
    }
    refused_writes_ += static_cast<int64_t>(refused);
  }

  void ReportCommitRecovery() {
    if (refused_writes_ == 0) return;
    std::fprintf(stderr, "%s: writes succeed again, after %lld refused\n",
                 options_.service_name.c_str(), static_cast<long long>(refused_writes_));
    refused_writes_ = 0;
  }

  static std::string NameOfFirstChange(const MutationT& mutation) {
    return SnapshotName(mutation.changes.front().after);
  }

  // Rebuilds the state from the store after a failed commit left changes in
  // it that were never stored. The store is read and the new state built
  // without the lock, so that readers go on with the old one (at its
  // published revision, which the store has) meanwhile; they wait only for
  // the swap. Writer thread only. UNAVAILABLE while the store can't be read;
  // needs_reload_ stays set then, and the next batch tries again.
  absl::Status Reload() {
    needs_reload_ = true;
    absl::StatusOr<Stored> stored = store_->Load();
    if (!stored.ok()) {
      return absl::UnavailableError(absl::StrCat(
          options_.service_name,
          " failed a commit and cannot read its store back yet; writes resume once it can: ",
          stored.status().message()));
    }
    auto fresh = std::make_unique<State>();
    fresh->Reset(*std::move(stored));
    {
      absl::MutexLock lock(&state_mu_);
      state_.swap(fresh);
      published_times_.clear();
    }
    needs_reload_ = false;
    return absl::OkStatus();  // the old state is freed here, outside the lock
  }

  void PruneOldRevisions(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(state_mu_) {
    int64_t horizon = 0;
    while (!published_times_.empty() &&
           published_times_.front().second + options_.revision_retention < now) {
      horizon = published_times_.front().first;
      published_times_.pop_front();
    }
    if (horizon > 0) state_->Prune(horizon);
  }

  void RememberRecentEvents(const std::vector<MutationT>& mutations) {
    absl::MutexLock lock(&recent_mu_);
    for (const MutationT& mutation : mutations) {
      for (size_t i = 0; i < mutation.changes.size(); ++i) {
        const auto& change = mutation.changes[i];
        recent_events_.push_back(EventT{mutation.revision, static_cast<int32_t>(i), mutation.time,
                                        mutation.actor, mutation.method, change.before,
                                        change.after});
      }
    }
    while (recent_events_.size() > kRecentEventCount) recent_events_.pop_front();
  }

  void NotifyWatchers() {
    absl::MutexLock lock(&watch_mu_);
    for (auto& [handle, notify] : watchers_) notify();
  }

  Store* const store_;
  const Clock* const clock_;
  const CommitEngineOptions options_;

  mutable absl::Mutex state_mu_;
  // Held by pointer so that Reload can build a new one beside it.
  std::unique_ptr<State> state_ ABSL_GUARDED_BY(state_mu_);
  // Published revisions with their commit times, for the retention horizon.
  std::deque<std::pair<int64_t, absl::Time>> published_times_ ABSL_GUARDED_BY(state_mu_);
  // Writer thread only: the state holds changes the store does not have.
  bool needs_reload_ = false;
  // Writer thread only: writes refused since commits started failing.
  int64_t refused_writes_ = 0;

  mutable absl::Mutex queue_mu_;
  std::vector<WriteRequest> queue_ ABSL_GUARDED_BY(queue_mu_);
  bool stopping_ ABSL_GUARDED_BY(queue_mu_) = false;
  bool started_ ABSL_GUARDED_BY(queue_mu_) = false;
  std::thread writer_;

  // The events of the latest published mutations, oldest first.
  static constexpr size_t kRecentEventCount = 4096;
  mutable absl::Mutex recent_mu_;
  std::deque<EventT> recent_events_ ABSL_GUARDED_BY(recent_mu_);

  mutable absl::Mutex watch_mu_;
  absl::flat_hash_map<int, std::function<void()>> watchers_ ABSL_GUARDED_BY(watch_mu_);
  int next_watch_handle_ ABSL_GUARDED_BY(watch_mu_) = 1;
};

// Adapts a callback for one resource type `T` to the snapshot the engine
// answers with. A request id reused for another kind of resource gets
// ALREADY_EXISTS.
template <typename T, typename Snapshot>
std::function<void(absl::StatusOr<Snapshot>)> TypedDone(
    std::function<void(absl::StatusOr<T>)> done) {
  return [done = std::move(done)](absl::StatusOr<Snapshot> result) {
    if (!result.ok()) return done(result.status());
    if (!std::holds_alternative<T>(*result)) {
      return done(absl::AlreadyExistsError(
          "request_id: you already used it for a create of another kind; use a new one"));
    }
    done(std::get<T>(*std::move(result)));
  };
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_COMMIT_ENGINE_H_
