#ifndef GRASSROOTS_TESTS_TESTING_CRASH_HARNESS_H_
#define GRASSROOTS_TESTS_TESTING_CRASH_HARNESS_H_

// The kill -9 harness of the durability tests: a writer runs against a real
// server, the server is stopped part-way through (kill -9, or SIGTERM with
// writes in flight), and after the restart every write the server
// acknowledged must be there, and the event log must run without gaps up to
// the last acknowledged revision (plus at most the write in flight).
//
// A test supplies what only it knows: the writes (and what it records of
// each acknowledged one), and how it reads them back.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/testing/event_checks.h"
#include "tests/testing/server_process.h"

namespace grassroots::testing {

// How a durability test stops the server.
enum class StopBy { kKill9, kSigterm };

// "[ kill -9  ]" or "[ SIGTERM  ]": the prefix of the figures a test prints.
std::string StopLabel(StopBy stop_by);

// Stops `server`: SIGKILL, or SIGTERM expecting exit code 0 (a graceful stop
// answers the writes in flight before it exits).
absl::Status StopServer(ServerProcess& server, StopBy stop_by);

struct CrashOptions {
  // Writes acknowledged before the server is stopped.
  int acked_before_stop = 200;
  // How long to wait for them; the server is stopped then anyway.
  absl::Duration wait_for_writes = absl::Seconds(30);
  // The writer gives up (without a failure) after this many writes or this
  // long, which fails the test: the stop never reached it.
  int max_writes = 5000;
  absl::Duration max_write_time = absl::Seconds(60);
};

// How the writer ended.
struct WriterOutcome {
  int acknowledged = 0;
  absl::Status failure;  // the failed write's status
};

// Calls `write(0)`, `write(1)`, ... on a writer thread until one fails;
// once `options.acked_before_stop` have succeeded calls `stop`, then waits
// for the writer. `write` records what it needs of each acknowledged write
// (it runs on the writer thread only; the caller reads its records after
// this returns). Errors: `stop`'s; FAILED_PRECONDITION when the writer
// ended before the stop or nothing was acknowledged.
absl::StatusOr<WriterOutcome> WriteUntilStopped(const std::function<absl::Status(int)>& write,
                                                const std::function<absl::Status()>& stop,
                                                const CrashOptions& options = {});

// Records `acknowledged` and the lost writes as test properties and expects
// none lost.
void ExpectNoneLost(int acknowledged, int present);

// Where the event log read after the restart ends.
struct LogEnd {
  int64_t last_revision = 0;
  bool contiguous = false;
};

// Expects `events` (any service's Event protos, read from revision 1) to run
// without gaps and to end at the last acknowledged revision or one past it
// (the write in flight at the stop, unacknowledged, may have committed).
template <typename Event>
LogEnd ExpectLogEndsAtTheLastAcknowledged(const std::vector<Event>& events,
                                          int64_t max_acked_revision) {
  LogEnd end;
  end.last_revision = events.empty() ? 0 : events.back().revision();
  const ::testing::AssertionResult contiguous = EventsAreContiguous(events, 1);
  end.contiguous = static_cast<bool>(contiguous);
  EXPECT_TRUE(contiguous);
  EXPECT_GE(end.last_revision, max_acked_revision);
  EXPECT_LE(end.last_revision, max_acked_revision + 1);
  return end;
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_CRASH_HARNESS_H_
