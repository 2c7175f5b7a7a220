#include "gateway/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"

namespace grassroots::gateway {

absl::Status RateLimiter::Admit(absl::string_view principal, absl::Duration* retry_after) {
  *retry_after = absl::ZeroDuration();
  if (limit_.calls_per_second <= 0) return absl::OkStatus();
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  auto [it, inserted] = buckets_.try_emplace(principal);
  Bucket& bucket = it->second;
  if (inserted) {
    bucket.tokens = limit_.burst;
  } else {
    const double elapsed =
        absl::ToDoubleSeconds(std::max(now - bucket.refilled, absl::ZeroDuration()));
    bucket.tokens = std::min(limit_.burst, bucket.tokens + elapsed * limit_.calls_per_second);
  }
  bucket.refilled = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return absl::OkStatus();
  }
  *retry_after =
      absl::Milliseconds(std::ceil((1 - bucket.tokens) / limit_.calls_per_second * 1000));
  return absl::ResourceExhaustedError(
      absl::StrCat("rate limit: more than ", limit_.calls_per_second, " calls per second from ",
                   principal, "; retry in ", absl::ToInt64Milliseconds(*retry_after), " ms"));
}

}  // namespace grassroots::gateway
