// Durable write throughput of the org core: creates through OrgCore on a real
// SQLite database (WAL, synchronous=FULL: every acknowledged write has been
// fsynced), with 1 and with N writes in flight. With one in flight every
// commit pays its own fsync; with many, group commit shares one fsync among
// everything queued meanwhile. Prints writes/s and the ratio.
//
//   bench/org_write_bench [--writes=20000] [--in_flight=64] [--dir=/tmp]

#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "bench/org_core_sync.h"
#include "common/clock.h"
#include "org_service/org_core.h"
#include "org_service/sqlite_org_store.h"

ABSL_FLAG(int, writes, 20000, "Creates per run.");
ABSL_FLAG(int, in_flight, 64, "Writes in flight in the concurrent run.");
ABSL_FLAG(std::string, dir, "/tmp", "Where the temporary databases go.");

namespace grassroots::org {
namespace {

struct RunResult {
  double writes_per_second = 0;
  int failed = 0;
};

// Creates `writes` compounds under one community, keeping `in_flight`
// outstanding, on a fresh database.
RunResult Run(int writes, int in_flight, const std::string& path) {
  std::remove(path.c_str());
  auto store = SqliteOrgStore::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), store.status().ToString().c_str());
    std::exit(1);
  }
  RealClock clock;
  OrgCore core(store->get(), &clock);
  if (!core.Start().ok()) std::exit(1);
  const Unit district = bench::CreateUnitOrDie(
      core, {.level = Level::kDistrict, .display_name = "测试区", .code = "D"});
  const Unit street = bench::CreateUnitOrDie(
      core,
      {.parent_id = district.id, .level = Level::kStreet, .display_name = "街道", .code = "S"});
  const Unit community = bench::CreateUnitOrDie(
      core,
      {.parent_id = street.id, .level = Level::kCommunity, .display_name = "社区", .code = "C"});

  // Writes in flight, kept at most `limit`.
  struct Window {
    int outstanding = 0;
    int limit = 0;
    bool HasRoom() const { return outstanding < limit; }
    bool Empty() const { return outstanding == 0; }
  };
  absl::Mutex mu;
  Window window{0, in_flight};
  int failed = 0;
  const absl::Time start = absl::Now();
  for (int i = 0; i < writes; ++i) {
    {
      absl::MutexLock lock(&mu);
      mu.Await(absl::Condition(&window, &Window::HasRoom));
      ++window.outstanding;
    }
    core.CreateUnit(Caller{},
                    {.parent_id = community.id,
                     .level = Level::kCompound,
                     .display_name = absl::StrCat("小区", i),
                     .code = absl::StrCat("C", i)},
                    "", [&](absl::StatusOr<Unit> r) {
                      absl::MutexLock lock(&mu);
                      --window.outstanding;
                      if (!r.ok()) ++failed;
                    });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(&window, &Window::Empty));
  }
  const double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  core.Stop();
  return {writes / seconds, failed};
}

}  // namespace
}  // namespace grassroots::org

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int writes = absl::GetFlag(FLAGS_writes);
  const int in_flight = absl::GetFlag(FLAGS_in_flight);
  const std::string db = absl::GetFlag(FLAGS_dir) + "/org_write_bench.db";
  // One in flight: a commit, and an fsync, per write. Fewer writes suffice.
  const auto serial = grassroots::org::Run(std::max(200, writes / 20), 1, db);
  const auto grouped = grassroots::org::Run(writes, in_flight, db);
  std::printf("%-44s %12s\n", "durable creates (synchronous=FULL)", "writes/s");
  std::printf("%-44s %12.0f\n", "1 in flight (one fsync per write)", serial.writes_per_second);
  std::printf("%-44s %12.0f\n", absl::StrCat(in_flight, " in flight (group commit)").c_str(),
              grouped.writes_per_second);
  std::printf("%-44s %12.1fx\n", "ratio", grouped.writes_per_second / serial.writes_per_second);
  std::printf("failed calls: %d\n", serial.failed + grouped.failed);
  return serial.failed + grouped.failed == 0 ? 0 : 1;
}
