#ifndef GRASSROOTS_ROSTER_SERVICE_UNIQUENESS_BUDGET_H_
#define GRASSROOTS_ROSTER_SERVICE_UNIQUENESS_BUDGET_H_

// ID-card numbers are unique, so a write that names one someone else has is
// refused, and the refusal says so: to a caller who may not see ID-card
// numbers, each such answer confirms a number it was not allowed to read. A
// uniqueness check cannot be made silent, so the answers are rationed per
// principal instead: a token bucket of `burst` conflicts, refilled one every
// `refill`. A principal whose bucket is empty gets RESOURCE_EXHAUSTED for
// every write that names a new ID-card number, before the number is
// checked, whatever the truth; the security log and the operator hear of it.

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/token_buckets.h"

namespace grassroots::roster {

struct UniquenessBudgetOptions {
  int burst = 5;                              // conflicts told at once
  absl::Duration refill = absl::Minutes(12);  // one more each (5 an hour)
};

// Thread-safe.
class UniquenessBudget {
 public:
  explicit UniquenessBudget(UniquenessBudgetOptions options = {})
      : buckets_({.per_second = 1 / absl::ToDoubleSeconds(options.refill),
                  .burst = static_cast<double>(options.burst)}) {}

  // Whether `principal` may be told of one more conflict at `now`.
  bool CanTell(absl::string_view principal, absl::Time now) const {
    return buckets_.Has(principal, now);
  }

  // Records a conflict told to `principal` at `now`.
  void Spend(absl::string_view principal, absl::Time now) { buckets_.Take(principal, now); }

 private:
  TokenBuckets buckets_;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_UNIQUENESS_BUDGET_H_
