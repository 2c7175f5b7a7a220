#ifndef GRASSROOTS_BENCH_ORG_CORE_SYNC_H_
#define GRASSROOTS_BENCH_ORG_CORE_SYNC_H_

// For the in-process benchmarks: OrgCore's asynchronous writes, waited for.
// A benchmark cannot go on without the unit it set up, so a failure ends
// the process with the status.

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "common/caller.h"
#include "org_service/org_core.h"

namespace grassroots::org::bench {

inline Unit CreateUnitOrDie(OrgCore& core, Unit unit) {
  absl::Notification done;
  absl::StatusOr<Unit> made;
  core.CreateUnit(Caller{}, std::move(unit), "", [&](absl::StatusOr<Unit> result) {
    made = std::move(result);
    done.Notify();
  });
  done.WaitForNotification();
  if (!made.ok()) {
    std::fprintf(stderr, "create: %s\n", made.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(made);
}

}  // namespace grassroots::org::bench

#endif  // GRASSROOTS_BENCH_ORG_CORE_SYNC_H_
