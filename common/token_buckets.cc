#include "common/token_buckets.h"

#include <algorithm>
#include <cmath>

namespace grassroots {

double TokenBuckets::TokensAt(const Bucket& bucket, absl::Time now) const {
  if (rate_.per_second <= 0) return bucket.tokens;
  const double elapsed =
      absl::ToDoubleSeconds(std::max(now - bucket.refilled, absl::ZeroDuration()));
  return std::min(rate_.burst, bucket.tokens + elapsed * rate_.per_second);
}

bool TokenBuckets::Take(absl::string_view key, absl::Time now, absl::Duration* wait) {
  absl::MutexLock lock(&mu_);
  if (buckets_.size() >= forget_at_) ForgetFullBuckets(now);
  auto [it, inserted] = buckets_.try_emplace(key);
  Bucket& bucket = it->second;
  bucket.tokens = inserted ? rate_.burst : TokensAt(bucket, now);
  bucket.refilled = now;
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    if (wait != nullptr) *wait = absl::ZeroDuration();
    return true;
  }
  if (wait != nullptr) {
    *wait = rate_.per_second <= 0
                ? absl::InfiniteDuration()
                : absl::Milliseconds(std::ceil((1 - bucket.tokens) / rate_.per_second * 1000));
  }
  return false;
}

bool TokenBuckets::Has(absl::string_view key, absl::Time now) const {
  absl::MutexLock lock(&mu_);
  auto it = buckets_.find(key);
  if (it == buckets_.end()) return rate_.burst >= 1;
  return TokensAt(it->second, now) >= 1;
}

void TokenBuckets::ForgetFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    // absl's erase(iterator) leaves the other iterators valid.
    auto current = it++;
    if (TokensAt(current->second, now) >= rate_.burst) buckets_.erase(current);
  }
  forget_at_ = std::max(kForgetAbove, 2 * buckets_.size());
}

}  // namespace grassroots
