#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_RETRY_FOR_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_RETRY_FOR_H_

// Retrying a call that fails until something else catches up.

#include <functional>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace grassroots::roster::testing {

// Calls `attempt` every `interval` until it returns OK or `timeout` passes;
// returns the last status (with the time waited when it never succeeded).
absl::Status RetryFor(absl::Duration timeout, absl::Duration interval,
                      const std::function<absl::Status()>& attempt);

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_RETRY_FOR_H_
