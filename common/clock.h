#ifndef GRASSROOTS_COMMON_CLOCK_H_
#define GRASSROOTS_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace grassroots {

// The source of wall-clock time, passed into constructors so that tests can
// fix it. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CLOCK_H_
