#ifndef GRASSROOTS_COMMON_TOKEN_BUCKETS_H_
#define GRASSROOTS_COMMON_TOKEN_BUCKETS_H_

// A token bucket per key (a principal, a peer address): at most `burst`
// tokens, refilled at `per_second`. What the gateway's rate limits and the
// roster's ration of uniqueness answers are made of.

#include <cstddef>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grassroots {

struct TokenBucketRate {
  double per_second = 1;  // refill rate; 0 or less: never refilled
  double burst = 1;       // bucket size; a new key's bucket starts full
};

// Thread-safe.
class TokenBuckets {
 public:
  explicit TokenBuckets(TokenBucketRate rate) : rate_(rate) {}

  // Takes a token from `key`'s bucket at `now`: true; or false, with `wait`
  // (when not null) set to how long until a token is there (infinite when
  // the bucket is never refilled).
  bool Take(absl::string_view key, absl::Time now, absl::Duration* wait = nullptr);

  // Whether `key`'s bucket has a token at `now`; takes none.
  bool Has(absl::string_view key, absl::Time now) const;

  const TokenBucketRate& rate() const { return rate_; }

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time refilled;
  };
  // The tokens of `bucket` at `now`.
  double TokensAt(const Bucket& bucket, absl::Time now) const;
  // Forgets the keys whose buckets are full again (they would start full),
  // so that many keys (peer addresses) seen once do not pile up. Runs when
  // the map reaches forget_at_, which then doubles past what is left, so
  // that a map of empty buckets is not scanned on every Take.
  void ForgetFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  static constexpr size_t kForgetAbove = 100000;

  const TokenBucketRate rate_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);
  size_t forget_at_ ABSL_GUARDED_BY(mu_) = kForgetAbove;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_TOKEN_BUCKETS_H_
