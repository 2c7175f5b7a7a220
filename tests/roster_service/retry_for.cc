#include "tests/roster_service/retry_for.h"

#include <functional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace grassroots::roster::testing {

absl::Status RetryFor(absl::Duration timeout, absl::Duration interval,
                      const std::function<absl::Status()>& attempt) {
  const absl::Time deadline = absl::Now() + timeout;
  const absl::Time start = absl::Now();
  while (true) {
    absl::Status status = attempt();
    if (status.ok()) return status;
    if (absl::Now() + interval > deadline) {
      return absl::Status(status.code(), absl::StrCat("still failing after ",
                                                      absl::FormatDuration(absl::Now() - start),
                                                      ": ", status.message()));
    }
    absl::SleepFor(interval);
  }
}

}  // namespace grassroots::roster::testing
