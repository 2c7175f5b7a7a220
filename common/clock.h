#ifndef GRASSROOTS_COMMON_CLOCK_H_
#define GRASSROOTS_COMMON_CLOCK_H_

#include "absl/time/civil_time.h"
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

// The calendar day of `time` in China (UTC+8, no daylight saving): the day
// every date in the suite (admissions, role starts, audits) is counted in.
inline absl::CivilDay ChinaDay(absl::Time time) {
  static const absl::TimeZone kChina = absl::FixedTimeZone(8 * 60 * 60);
  return absl::ToCivilDay(time, kChina);
}

class RealClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CLOCK_H_
