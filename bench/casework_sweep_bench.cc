// What an overdue sweep costs, with and without a million closed issues
// beside the open ones (issue 16: a sweep over 10^6 closed plus 10^4 open
// issues must cost no more than over the 10^4 open alone, ± 20 %).
//
// Each case writes its issues straight into a SqliteCaseworkStore in a
// temporary directory (big mutations, no RPCs: the closed issues are
// CONFIRMED with the ids below the open ones, as old issues are), copies
// that file for each run, and starts a CaseworkCore on the copy with a
// clock the benchmark moves. Every open issue is then overdue; each timed
// iteration is one SweepOverdue of OverdueSweeper::kBatch (1,000)
// escalations, committed durably, as the server's sweeper runs it. When a
// level's issues are all escalated the clock moves past the next level's
// due time (not timed): 10^4 issues give 10 sweeps a level, 30 from the
// compound to the district.
//
// BM_SweepOverdue/closed:N/open:M on the SQLite store; BM_SweepOverdueInMemory
// the same on a store that keeps nothing (the index and the plan alone).
// CASEWORK_SWEEP_CLOSED overrides N (default 1000000).
//
//   casework_sweep_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true

#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "casework_service/casework_core.h"
#include "casework_service/overdue_sweeper.h"
#include "casework_service/sqlite_casework_store.h"
#include "common/clock.h"
#include "org_client/org_directory.h"

namespace grassroots::casework {
namespace {

constexpr int64_t kOpen = 10000;
const absl::Time kStart = absl::FromUnixSeconds(1790000000);

int64_t ClosedCount() {
  const char* text = std::getenv("CASEWORK_SWEEP_CLOSED");
  return text != nullptr && *text != '\0' ? std::atoll(text) : 1000000;
}

// A clock only the benchmark moves.
class BenchClock final : public Clock {
 public:
  absl::Time Now() const override {
    return kStart + absl::Microseconds(micros_.load(std::memory_order_relaxed));
  }
  void Advance(absl::Duration d) {
    micros_.fetch_add(absl::ToInt64Microseconds(d), std::memory_order_relaxed);
  }

 private:
  std::atomic<int64_t> micros_{0};
};

// A sweep never asks the org service anything.
class NoDirectory final : public org_client::OrgDirectory {
 public:
  void Describe(const org_client::Place& /*place*/,
                std::function<void(absl::StatusOr<org_client::PlaceFacts>)> done) override {
    done(absl::UnavailableError("no org service in this benchmark"));
  }
  absl::StatusOr<std::vector<org_client::Place>> PlacesUnder(int64_t /*unit_id*/) const override {
    return absl::UnavailableError("no org service in this benchmark");
  }
  absl::StatusOr<std::optional<std::vector<org_client::Place>>> PlacesUnderAtMost(
      int64_t /*unit_id*/, size_t /*max_places*/) const override {
    return absl::UnavailableError("no org service in this benchmark");
  }
  bool IsPlaceUnder(const org_client::Place& /*place*/, int64_t /*unit_id*/) const override {
    return false;
  }
};

// A store that keeps nothing: Load gives what it was built with.
class MemoryStore final : public CaseworkStore {
 public:
  explicit MemoryStore(StoredCasework stored) : stored_(std::move(stored)) {}
  absl::StatusOr<StoredCasework> Load() override { return stored_; }
  absl::Status Commit(const std::vector<Mutation>& /*mutations*/) override {
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t /*start_revision*/, int32_t /*start_index*/,
                                                int /*limit*/) override {
    return std::vector<Event>{};
  }
  absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view /*request_id*/) override {
    return std::nullopt;
  }

 private:
  StoredCasework stored_;
};

// Issue `id` of a building's compound (units 5 < 4 < 3 < 2 < 1): CONFIRMED
// a month ago when `closed`, else REPORTED with its due time an hour after
// the clock's start (spread by a second per id).
Issue MakeIssue(int64_t id, bool closed, int64_t revision) {
  Issue issue;
  issue.id = id;
  issue.place_id = 5;
  issue.category = Category::kPropertyMaintenance;
  issue.channel = Channel::kGridWorker;
  issue.title = "楼道灯不亮";
  issue.description = "casework_sweep_bench";
  issue.chain = HandlingChain{4, 3, 2, 1};
  issue.handling_level = HandlingLevel::kCompound;
  issue.create_time = kStart - absl::Hours(24 * 60);
  issue.revision = revision;
  if (closed) {
    issue.state = IssueState::kConfirmed;
    issue.satisfaction = Satisfaction::kSatisfied;
    issue.resolution = "已更换灯泡";
    issue.resolve_time = kStart - absl::Hours(24 * 31);
    issue.close_time = kStart - absl::Hours(24 * 30);
    issue.update_time = issue.close_time;
  } else {
    issue.state = IssueState::kReported;
    issue.due_time = kStart + absl::Hours(1) + absl::Seconds(id % 3600);
    issue.update_time = issue.create_time;
  }
  return issue;
}

// Every issue of a case, in the order of their ids: the closed first.
template <typename Visit>
void ForEachIssue(int64_t closed, int64_t open, Visit visit) {
  for (int64_t id = 1; id <= closed + open; ++id) visit(id, id <= closed);
}

std::string ScratchDir() {
  static const std::string* dir = [] {
    const char* base = std::getenv("TMPDIR");
    std::string path =
        absl::StrCat(base != nullptr && *base != '\0' ? base : "/tmp", "/casework-sweep-XXXXXX");
    if (mkdtemp(path.data()) == nullptr) {
      std::fprintf(stderr, "casework_sweep_bench: cannot create %s\n", path.c_str());
      std::exit(1);
    }
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(*dir, ignored);
    });
    return new std::string(path);
  }();
  return *dir;
}

// The store file of a case, written once per process.
const std::string& PristineStore(int64_t closed, int64_t open) {
  static auto* made = new std::map<std::pair<int64_t, int64_t>, std::string>();
  auto [it, fresh] = made->try_emplace({closed, open});
  if (!fresh) return it->second;
  it->second = absl::StrCat(ScratchDir(), "/pristine-", closed, "-", open, ".db");
  const absl::Time started = absl::Now();
  auto store = SqliteCaseworkStore::Open(it->second);
  if (!store.ok()) {
    std::fprintf(stderr, "casework_sweep_bench: %s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  constexpr size_t kPerMutation = 20000;
  Mutation mutation;
  int64_t revision = 1;
  const auto flush = [&] {
    if (mutation.changes.empty()) return;
    mutation.revision = revision++;
    mutation.time = kStart - absl::Hours(24 * 60);
    mutation.actor = "casework_sweep_bench";
    mutation.method = "ImportIssues";
    if (absl::Status s = (*store)->Commit({mutation}); !s.ok()) {
      std::fprintf(stderr, "casework_sweep_bench: commit: %s\n", s.ToString().c_str());
      std::exit(1);
    }
    mutation.changes.clear();
  };
  ForEachIssue(closed, open, [&](int64_t id, bool is_closed) {
    mutation.changes.push_back(Change{std::nullopt, MakeIssue(id, is_closed, revision)});
    if (mutation.changes.size() >= kPerMutation) flush();
  });
  flush();
  store->reset();
  std::fprintf(stderr, "casework_sweep_bench: %lld closed + %lld open issues written in %.1f s\n",
               static_cast<long long>(closed), static_cast<long long>(open),
               absl::ToDoubleSeconds(absl::Now() - started));
  return it->second;
}

int Sweep(CaseworkCore& core, int max) {
  std::promise<absl::StatusOr<int>> promise;
  core.SweepOverdue(max, [&](absl::StatusOr<int> n) { promise.set_value(std::move(n)); });
  absl::StatusOr<int> n = promise.get_future().get();
  return n.ok() ? *n : -1;
}

// The timed loop, shared by both stores: 10 sweeps a level, then the clock
// moves past the next level's due time.
void SweepLoop(benchmark::State& state, CaseworkCore& core, BenchClock& clock, int64_t open) {
  constexpr int kBatch = OverdueSweeper::kBatch;
  const int64_t per_level = open / kBatch;
  clock.Advance(absl::Hours(72));  // past every open issue's due time
  int64_t sweeps = 0;
  int64_t escalated = 0;
  for (auto _ : state) {
    if (sweeps > 0 && sweeps % per_level == 0) {
      state.PauseTiming();
      clock.Advance(absl::Hours(24 * 16));  // past the longest due time (district: 15 days)
      state.ResumeTiming();
    }
    const int n = Sweep(core, kBatch);
    if (n != kBatch) {
      state.SkipWithError(absl::StrCat("a sweep escalated ", n, ", not ", kBatch).c_str());
      break;
    }
    escalated += n;
    ++sweeps;
  }
  state.counters["escalated"] = static_cast<double>(escalated);
  state.counters["issues"] = static_cast<double>(state.range(0) + open);
}

void BM_SweepOverdue(benchmark::State& state) {
  const int64_t closed = state.range(0);
  const int64_t open = state.range(1);
  const std::string& pristine = PristineStore(closed, open);
  const std::string work = absl::StrCat(ScratchDir(), "/work.db");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    std::error_code ignored;
    std::filesystem::remove(work + suffix, ignored);
    if (std::filesystem::exists(pristine + suffix)) {
      std::filesystem::copy_file(pristine + suffix, work + suffix);
    }
  }
  // The copy is hundreds of megabytes of dirty pages for the 10^6 case: write
  // them back before timing, or the kernel's writeback competes with the
  // sweeps' fsyncs and passes for the cost of the closed issues.
  ::sync();
  BenchClock clock;
  NoDirectory directory;
  auto store = SqliteCaseworkStore::Open(work);
  if (!store.ok()) return state.SkipWithError(store.status().ToString().c_str());
  CaseworkCore core(store->get(), &directory, &clock);
  if (absl::Status s = core.Start(); !s.ok()) return state.SkipWithError(s.ToString().c_str());
  SweepLoop(state, core, clock, open);
}

void BM_SweepOverdueInMemory(benchmark::State& state) {
  const int64_t closed = state.range(0);
  const int64_t open = state.range(1);
  StoredCasework stored;
  stored.issues.reserve(closed + open);
  ForEachIssue(closed, open, [&](int64_t id, bool is_closed) {
    stored.issues.push_back(MakeIssue(id, is_closed, 1));
  });
  stored.revision = 1;
  stored.max_issue_id = closed + open;
  MemoryStore store(std::move(stored));
  BenchClock clock;
  NoDirectory directory;
  CaseworkCore core(&store, &directory, &clock);
  if (absl::Status s = core.Start(); !s.ok()) return state.SkipWithError(s.ToString().c_str());
  SweepLoop(state, core, clock, open);
}

void Cases(benchmark::internal::Benchmark* b) {
  b->ArgNames({"closed", "open"});
  b->Args({0, kOpen});
  b->Args({ClosedCount(), kOpen});
  // 3 levels × open / 1,000 sweeps: every escalation the issues allow.
  b->Iterations(3 * kOpen / OverdueSweeper::kBatch);
  b->Unit(benchmark::kMillisecond);
  b->UseRealTime();
}

BENCHMARK(BM_SweepOverdue)->Apply(Cases);
BENCHMARK(BM_SweepOverdueInMemory)->Apply(Cases);

}  // namespace
}  // namespace grassroots::casework

BENCHMARK_MAIN();
