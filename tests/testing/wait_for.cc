#include "tests/testing/wait_for.h"

#include "absl/time/clock.h"

namespace grassroots::testing {

bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout,
             absl::Duration interval) {
  const absl::Time give_up = absl::Now() + timeout;
  while (true) {
    if (condition()) return true;
    if (absl::Now() >= give_up) return false;
    // Polling, not asserting after a fixed wait: the loop ends as soon as
    // the condition holds.
    absl::SleepFor(interval);
  }
}

}  // namespace grassroots::testing
