#ifndef GRASSROOTS_TESTS_MOCKS_FAKE_CLOCK_H_
#define GRASSROOTS_TESTS_MOCKS_FAKE_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"

namespace grassroots::testing {

// A clock that moves only when the test advances it. Thread-safe: the code
// under test may read it from its own threads.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1790000000)) : now_(start) {}

  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_MOCKS_FAKE_CLOCK_H_
