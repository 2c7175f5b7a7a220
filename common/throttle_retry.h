#ifndef GRASSROOTS_COMMON_THROTTLE_RETRY_H_
#define GRASSROOTS_COMMON_THROTTLE_RETRY_H_

// For long-running clients of the gateway (the audit, the demo loader): a
// call refused by the per-principal rate limit is tried again after a short
// wait, so that a read or load of thousands of calls does not fail on a
// moment's throttling.

#include <grpcpp/grpcpp.h>

#include <algorithm>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace grassroots {

// Runs `call()` (returning grpc::Status) again while it says
// RESOURCE_EXHAUSTED, waiting 10 ms more each time up to 200 ms, at most 100
// times; returns the last status. Only for calls that are safe to repeat
// (reads, or creates with a request id).
template <typename Call>
grpc::Status RetryWhileThrottled(Call call) {
  grpc::Status status = call();
  for (int attempt = 1;
       status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && attempt <= 100; ++attempt) {
    absl::SleepFor(absl::Milliseconds(10 * std::min(attempt, 20)));
    status = call();
  }
  return status;
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_THROTTLE_RETRY_H_
