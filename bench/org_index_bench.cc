// Org service figures measured in process, without RPC:
//
//   populate  writes a city-shaped hierarchy of --units units straight into
//             --data_dir/org.db (large transactions, no RPC), for starting
//             org_service on it and reading its RSS, or for bench/grpc_loadgen.
//   index     in-process: creates, sibling-heavy creates and moves on
//             OrgCore over a temporary SQLite database.
//
// The tree: --districts districts (ids 1..D) taking streets in turn; per
// street 15 communities, per community 15 compounds, per compound 20
// buildings (4,741 units a street). Ids are assigned in preorder after the
// districts: with one district, unit 2 is the first street, 3 its first
// community, 4 its first compound, 5 its first building, 319 the second
// community and 4743 the second street.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/org_core_sync.h"
#include "common/clock.h"
#include "org_service/org_core.h"
#include "org_service/sqlite_org_store.h"

ABSL_FLAG(std::string, mode, "index", "populate | index");
ABSL_FLAG(std::string, data_dir, "", "populate: where org.db goes.");
ABSL_FLAG(int, units, 1000000, "populate/index: about how many units.");
ABSL_FLAG(int, districts, 1, "populate: districts, taking the streets in turn.");
ABSL_FLAG(bool, mutex_deadlock_detection, false,
          "Keep abseil's lock-order checking on (the servers turn it off when built with "
          "NDEBUG), to measure what it costs.");

namespace grassroots::org {
namespace {

constexpr int kCommunitiesPerStreet = 15;
constexpr int kCompoundsPerCommunity = 15;
constexpr int kBuildingsPerCompound = 20;

// Units in the preorder of the tree described above, up to `count`.
std::vector<Unit> CityUnits(int count, int districts, absl::Time now) {
  std::vector<Unit> units;
  units.reserve(count);
  const auto add = [&](int64_t parent, Level level, std::string name, std::string code) {
    Unit u;
    u.id = static_cast<int64_t>(units.size()) + 1;
    u.parent_id = parent;
    u.level = level;
    u.display_name = std::move(name);
    u.code = std::move(code);
    u.create_time = u.update_time = now;
    units.push_back(std::move(u));
    return units.back().id;
  };
  for (int d = 1; d <= districts; ++d) {
    add(0, Level::kDistrict, absl::StrCat("测试", d, "区"), absl::StrCat("D", d));
  }
  // Codes unique in the whole city, so that the move runs can take a unit
  // to any parent of the right level.
  for (int s = 1; static_cast<int>(units.size()) < count; ++s) {
    const int64_t street = add(1 + (s - 1) % districts, Level::kStreet,
                               absl::StrCat("第", s, "街道"), absl::StrCat("S", s));
    for (int c = 1; c <= kCommunitiesPerStreet; ++c) {
      const int64_t community =
          add(street, Level::kCommunity, absl::StrCat("第", s, "街道第", c, "社区"),
              absl::StrCat("S", s, "C", c));
      for (int k = 1; k <= kCompoundsPerCommunity; ++k) {
        const int64_t compound =
            add(community, Level::kCompound, absl::StrCat("幸福", c, "-", k, "小区"),
                absl::StrCat("S", s, "C", c, "K", k));
        units.back().details = CompoundDetails{.kind = CompoundKind::kCommodity,
                                               .households = 400,
                                               .renovation_status = RenovationStatus::kNotNeeded};
        for (int b = 1; b <= kBuildingsPerCompound; ++b) {
          add(compound, Level::kBuilding, absl::StrCat(b, "号楼"), absl::StrCat("B", b));
          units.back().details = BuildingDetails{
              .households = 24,
              .floors = 12,
              .address = absl::StrCat("幸福路", s, "号", c, "-", k, "小区", b, "栋")};
        }
      }
    }
  }
  units.resize(std::min<size_t>(units.size(), count));
  return units;
}

int Populate() {
  const std::string dir = absl::GetFlag(FLAGS_data_dir);
  auto store = SqliteOrgStore::Open(dir + "/org.db");
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  const absl::Time now = absl::Now();
  std::vector<Unit> units =
      CityUnits(absl::GetFlag(FLAGS_units), absl::GetFlag(FLAGS_districts), now);
  const absl::Time start = absl::Now();
  constexpr size_t kPerMutation = 20000;
  int64_t revision = 0;
  for (size_t i = 0; i < units.size(); i += kPerMutation) {
    Mutation m;
    m.revision = ++revision;
    m.time = now;
    m.actor = "bench";
    m.method = "CreateUnit";
    for (size_t j = i; j < std::min(units.size(), i + kPerMutation); ++j) {
      units[j].revision = revision;
      m.changes.push_back(Change{std::nullopt, units[j]});
    }
    if (absl::Status s = (*store)->Commit({m}); !s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf("[ figures ] populated %zu units in %s\n", units.size(),
              absl::FormatDuration(absl::Now() - start).c_str());
  return 0;
}

// --- In process.

// The p-quantile (0..1) of `values`.
double Percentile(std::vector<double> sorted, double p) {
  if (sorted.empty()) return 0;
  std::sort(sorted.begin(), sorted.end());
  const size_t at = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[at];
}

// Creates `count` buildings under one compound (the sibling-code check sees
// every earlier one), 64 in flight; returns writes/s.
double SiblingCreates(OrgCore& core, int64_t compound, int count) {
  static int next_code = 0;
  absl::Mutex mu;
  int outstanding = 0, failed = 0;
  const absl::Time start = absl::Now();
  for (int i = 0; i < count; ++i) {
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(
          +[](int* n) { return *n < 64; }, &outstanding));
      ++outstanding;
    }
    core.CreateUnit(Caller{},
                    {.parent_id = compound,
                     .level = Level::kBuilding,
                     .display_name = absl::StrCat(i, "号楼"),
                     .code = absl::StrCat("X", next_code++)},
                    "", [&](absl::StatusOr<Unit> r) {
                      absl::MutexLock lock(&mu);
                      --outstanding;
                      if (!r.ok()) ++failed;
                    });
  }
  absl::MutexLock lock(&mu);
  mu.Await(absl::Condition(
      +[](int* n) { return *n == 0; }, &outstanding));
  if (failed) std::fprintf(stderr, "%d creates failed\n", failed);
  return count / absl::ToDoubleSeconds(absl::Now() - start);
}

int Index() {
  const std::string path = "/tmp/org_index_bench.db";
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  auto store = SqliteOrgStore::Open(path);
  if (!store.ok()) return 1;
  RealClock clock;
  OrgCore core(store->get(), &clock);
  if (!core.Start().ok()) return 1;
  const Unit district =
      bench::CreateUnitOrDie(core, {.level = Level::kDistrict, .display_name = "区", .code = "D"});
  const Unit street = bench::CreateUnitOrDie(
      core, {.parent_id = district.id, .level = Level::kStreet, .display_name = "街", .code = "S"});
  const Unit community = bench::CreateUnitOrDie(
      core,
      {.parent_id = street.id, .level = Level::kCommunity, .display_name = "社区", .code = "C"});
  const Unit compound = bench::CreateUnitOrDie(
      core,
      {.parent_id = community.id, .level = Level::kCompound, .display_name = "小区", .code = "K"});
  for (int n : {1000, 10000, 30000}) {
    const int siblings = core.CountDescendants(compound.id, 0)->counts.by_level[4];
    const double rate = SiblingCreates(core, compound.id, n);
    std::printf("[ figures ] %d creates under a compound with %d children already: %.0f writes/s\n",
                n, siblings, rate);
  }
  // Moves of that compound (41,000 units below it) between two communities,
  // one at a time, each durable; a reader alongside notes its slowest read.
  const Unit community2 = bench::CreateUnitOrDie(
      core,
      {.parent_id = street.id, .level = Level::kCommunity, .display_name = "社区二", .code = "C2"});
  std::atomic<bool> moving{true};
  std::atomic<int64_t> reads{0};
  double slowest_read_us = 0;
  std::thread reader([&] {
    while (moving.load()) {
      const auto started = std::chrono::steady_clock::now();
      const bool ok = core.GetUnit(compound.id).ok() && core.CountDescendants(community.id, 0).ok();
      const double us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
              .count();
      if (!ok) std::exit(1);
      slowest_read_us = std::max(slowest_read_us, us);
      reads.fetch_add(1);
    }
  });
  std::vector<double> move_us;
  for (int i = 0; i < 300; ++i) {
    absl::Notification done;
    absl::Status status;
    const auto started = std::chrono::steady_clock::now();
    core.MoveUnit(Caller{}, compound.id, i % 2 == 0 ? community2.id : community.id, "",
                  [&](absl::StatusOr<Unit> r) {
                    status = r.status();
                    done.Notify();
                  });
    done.WaitForNotification();
    move_us.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - started)
            .count());
    if (!status.ok()) {
      std::fprintf(stderr, "move: %s\n", status.ToString().c_str());
      return 1;
    }
  }
  moving.store(false);
  reader.join();
  std::vector<double> sorted = move_us;
  std::printf(
      "[ figures ] in-process durable moves of a compound with %d units below: p50 %.0fus "
      "p99 %.0fus; %lld reads (GetUnit + CountDescendants) alongside, slowest %.0fus\n",
      core.CountDescendants(compound.id, 0)->counts.by_level[4], Percentile(sorted, 0.5),
      Percentile(sorted, 0.99), static_cast<long long>(reads.load()), slowest_read_us);
  core.Stop();
  std::remove(path.c_str());
  std::remove((path + "-wal").c_str());
  return 0;
}

}  // namespace
}  // namespace grassroots::org

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (!absl::GetFlag(FLAGS_mutex_deadlock_detection)) {
    absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  }
  const std::string mode = absl::GetFlag(FLAGS_mode);
  if (mode == "populate") return grassroots::org::Populate();
  if (mode == "index") return grassroots::org::Index();
  std::fprintf(stderr, "unknown --mode %s\n", mode.c_str());
  return 2;
}
