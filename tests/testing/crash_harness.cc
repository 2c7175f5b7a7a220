#include "tests/testing/crash_harness.h"

#include <csignal>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "tests/testing/wait_for.h"

namespace grassroots::testing {

std::string StopLabel(StopBy stop_by) {
  return stop_by == StopBy::kKill9 ? "[ kill -9  ]" : "[ SIGTERM  ]";
}

absl::Status StopServer(ServerProcess& server, StopBy stop_by) {
  if (stop_by == StopBy::kKill9) return server.Kill();
  absl::StatusOr<int> exit_code = server.Stop(SIGTERM);
  if (!exit_code.ok()) return exit_code.status();
  if (*exit_code != 0) return absl::InternalError(absl::StrCat("exit code ", *exit_code));
  return absl::OkStatus();
}

absl::StatusOr<WriterOutcome> WriteUntilStopped(const std::function<absl::Status(int)>& write,
                                                const std::function<absl::Status()>& stop,
                                                const CrashOptions& options) {
  absl::Mutex mu;
  int acknowledged = 0;      // guarded by mu
  bool writer_done = false;  // guarded by mu
  bool stopped = false;      // guarded by mu
  bool failed_after_stop = false;
  absl::Status failure;
  std::thread writer([&] {
    const absl::Time give_up = absl::Now() + options.max_write_time;
    for (int i = 0; i < options.max_writes && absl::Now() < give_up; ++i) {
      absl::Status status = write(i);
      absl::MutexLock lock(&mu);
      if (!status.ok()) {
        failure = std::move(status);
        failed_after_stop = stopped;
        writer_done = true;
        return;
      }
      ++acknowledged;
    }
    absl::MutexLock lock(&mu);
    failure = absl::DeadlineExceededError(
        absl::StrCat("the writer stopped after ", acknowledged, " writes without a failure"));
    writer_done = true;
  });
  // The writer's progress, not a fixed time, decides when to stop.
  WaitFor(
      [&] {
        absl::MutexLock lock(&mu);
        return acknowledged >= options.acked_before_stop || writer_done;
      },
      options.wait_for_writes, absl::Milliseconds(2));
  {
    absl::MutexLock lock(&mu);
    stopped = true;
  }
  const absl::Status stop_status = stop();
  writer.join();
  if (!stop_status.ok()) return stop_status;
  if (!failed_after_stop) {
    return absl::FailedPreconditionError(
        absl::StrCat("the writer stopped before the server did: ", failure.ToString()));
  }
  if (acknowledged == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("nothing acknowledged in ", absl::FormatDuration(options.wait_for_writes)));
  }
  return WriterOutcome{acknowledged, failure};
}

void ExpectNoneLost(int acknowledged, int present) {
  const int lost = acknowledged - present;
  ::testing::Test::RecordProperty("acknowledged", acknowledged);
  ::testing::Test::RecordProperty("lost", lost);
  EXPECT_EQ(lost, 0) << "acknowledged writes missing after the restart";
}

}  // namespace grassroots::testing
