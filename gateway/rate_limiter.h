#ifndef GRASSROOTS_GATEWAY_RATE_LIMITER_H_
#define GRASSROOTS_GATEWAY_RATE_LIMITER_H_

// A token bucket per principal, so that one principal's flood is refused
// without slowing anyone else.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/token_buckets.h"

namespace grassroots::gateway {

struct RateLimit {
  double calls_per_second = 500;  // refill rate; 0 or less: no limit
  double burst = 1000;            // bucket size
};

// Thread-safe.
class RateLimiter {
 public:
  RateLimiter(RateLimit limit, const Clock* clock)
      : limit_(limit),
        clock_(clock),
        buckets_({.per_second = limit.calls_per_second, .burst = limit.burst}) {}

  // OK and one call taken from `principal`'s bucket, or RESOURCE_EXHAUSTED
  // with `retry_after` set to when the next call will be admitted.
  absl::Status Admit(absl::string_view principal, absl::Duration* retry_after);

 private:
  const RateLimit limit_;
  const Clock* const clock_;
  TokenBuckets buckets_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_RATE_LIMITER_H_
