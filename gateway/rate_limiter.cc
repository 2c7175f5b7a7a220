#include "gateway/rate_limiter.h"

#include "absl/strings/str_cat.h"

namespace grassroots::gateway {

absl::Status RateLimiter::Admit(absl::string_view principal, absl::Duration* retry_after) {
  *retry_after = absl::ZeroDuration();
  if (limit_.calls_per_second <= 0) return absl::OkStatus();
  if (buckets_.Take(principal, clock_->Now(), retry_after)) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrCat("rate limit: more than ", limit_.calls_per_second, " calls per second from ",
                   principal, "; retry in ", absl::ToInt64Milliseconds(*retry_after), " ms"));
}

}  // namespace grassroots::gateway
