// Tests of the per-principal token buckets (gateway/rate_limiter.h) on a
// fake clock.

#include "gateway/rate_limiter.h"

#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/mocks/fake_clock.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::gateway {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

using ::grassroots::testing::FakeClock;

class RateLimiterTest : public ::testing::Test {
 protected:
  // Admits `n` calls from `principal`; true when every one was admitted.
  bool AdmitAll(RateLimiter& limiter, const std::string& principal, int n) {
    for (int i = 0; i < n; ++i) {
      absl::Duration retry_after = absl::InfiniteDuration();
      if (!limiter.Admit(principal, &retry_after).ok()) return false;
      if (retry_after != absl::ZeroDuration()) return false;
    }
    return true;
  }

  FakeClock clock_;
};

TEST_F(RateLimiterTest, BurstIsAdmittedThenExhausted) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 5}, &clock_);
  EXPECT_TRUE(AdmitAll(limiter, "zhang.wei", 5));

  absl::Duration retry_after = absl::ZeroDuration();
  EXPECT_THAT(limiter.Admit("zhang.wei", &retry_after),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(HasSubstr("zhang.wei"), HasSubstr("rate limit"))));
  EXPECT_GT(retry_after, absl::ZeroDuration());
  // One token comes back every 100 ms.
  EXPECT_LE(retry_after, absl::Milliseconds(100));
  EXPECT_GE(retry_after, absl::Milliseconds(99));
}

TEST_F(RateLimiterTest, RefusedCallsTakeNothing) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 2}, &clock_);
  ASSERT_TRUE(AdmitAll(limiter, "p", 2));
  absl::Duration retry_after;
  for (int i = 0; i < 20; ++i) {
    EXPECT_THAT(limiter.Admit("p", &retry_after), StatusIs(absl::StatusCode::kResourceExhausted));
  }
  // Hammering while refused does not push the next admission further out.
  clock_.Advance(absl::Milliseconds(100));
  EXPECT_THAT(limiter.Admit("p", &retry_after), IsOk());
}

TEST_F(RateLimiterTest, RetryAfterIsWhenTheNextCallIsAdmitted) {
  RateLimiter limiter({.calls_per_second = 4, .burst = 1}, &clock_);
  absl::Duration retry_after;
  ASSERT_THAT(limiter.Admit("p", &retry_after), IsOk());
  ASSERT_THAT(limiter.Admit("p", &retry_after), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(retry_after, absl::Milliseconds(250));

  clock_.Advance(retry_after - absl::Milliseconds(10));
  absl::Duration second_retry;
  EXPECT_THAT(limiter.Admit("p", &second_retry), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_GT(second_retry, absl::ZeroDuration());
  EXPECT_LE(second_retry, absl::Milliseconds(11));  // rounded up

  clock_.Advance(second_retry);
  EXPECT_THAT(limiter.Admit("p", &retry_after), IsOk());
  EXPECT_EQ(retry_after, absl::ZeroDuration());
}

TEST_F(RateLimiterTest, RefillsOverTime) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 5}, &clock_);
  ASSERT_TRUE(AdmitAll(limiter, "p", 5));
  absl::Duration retry_after;
  ASSERT_FALSE(limiter.Admit("p", &retry_after).ok());

  clock_.Advance(absl::Milliseconds(300));  // three tokens
  EXPECT_TRUE(AdmitAll(limiter, "p", 3));
  EXPECT_FALSE(limiter.Admit("p", &retry_after).ok());

  clock_.Advance(absl::Milliseconds(100));
  EXPECT_TRUE(AdmitAll(limiter, "p", 1));
  EXPECT_FALSE(limiter.Admit("p", &retry_after).ok());
}

TEST_F(RateLimiterTest, RefillIsCappedAtTheBurst) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 5}, &clock_);
  ASSERT_TRUE(AdmitAll(limiter, "p", 1));
  clock_.Advance(absl::Hours(1));
  EXPECT_TRUE(AdmitAll(limiter, "p", 5));
  absl::Duration retry_after;
  EXPECT_FALSE(limiter.Admit("p", &retry_after).ok());
}

TEST_F(RateLimiterTest, SteadyRateAtTheLimitIsAdmitted) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 1}, &clock_);
  for (int i = 0; i < 100; ++i) {
    absl::Duration retry_after;
    EXPECT_THAT(limiter.Admit("p", &retry_after), IsOk()) << "call " << i;
    clock_.Advance(absl::Milliseconds(100));
  }
}

TEST_F(RateLimiterTest, OnePrincipalsFloodDoesNotAffectAnother) {
  RateLimiter limiter({.calls_per_second = 1, .burst = 3}, &clock_);
  ASSERT_TRUE(AdmitAll(limiter, "flooder", 3));
  absl::Duration retry_after;
  for (int i = 0; i < 100; ++i) {
    EXPECT_THAT(limiter.Admit("flooder", &retry_after),
                StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("flooder")));
  }
  EXPECT_TRUE(AdmitAll(limiter, "quiet", 3));
  EXPECT_THAT(limiter.Admit("quiet", &retry_after),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       AllOf(HasSubstr("quiet"), ::testing::Not(HasSubstr("flooder")))));
}

TEST_F(RateLimiterTest, FractionalRate) {
  RateLimiter limiter({.calls_per_second = 0.5, .burst = 1}, &clock_);
  absl::Duration retry_after;
  ASSERT_THAT(limiter.Admit("p", &retry_after), IsOk());
  EXPECT_THAT(limiter.Admit("p", &retry_after), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_EQ(retry_after, absl::Seconds(2));
  clock_.Advance(absl::Seconds(2));
  EXPECT_THAT(limiter.Admit("p", &retry_after), IsOk());
}

TEST_F(RateLimiterTest, ClockGoingBackwardsRefillsNothing) {
  RateLimiter limiter({.calls_per_second = 10, .burst = 2}, &clock_);
  ASSERT_TRUE(AdmitAll(limiter, "p", 2));
  clock_.Advance(-absl::Hours(1));
  absl::Duration retry_after;
  EXPECT_THAT(limiter.Admit("p", &retry_after), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_GT(retry_after, absl::ZeroDuration());
  clock_.Advance(absl::Milliseconds(100));
  EXPECT_THAT(limiter.Admit("p", &retry_after), IsOk());
}

TEST_F(RateLimiterTest, ZeroOrNegativeRateIsUnlimited) {
  for (double rate : {0.0, -1.0}) {
    RateLimiter limiter({.calls_per_second = rate, .burst = 1}, &clock_);
    EXPECT_TRUE(AdmitAll(limiter, "p", 10000)) << "rate " << rate;
  }
}

}  // namespace
}  // namespace grassroots::gateway
