// Tests of common/token_buckets.h: the per-key token buckets of the
// gateway's rate limits and the roster's ration of uniqueness answers.

#include "common/token_buckets.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace grassroots {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1'800'000'000);

TEST(TokenBucketsTest, ANewKeyHasItsBurstThenWaitsForTheRefill) {
  TokenBuckets buckets({.per_second = 2, .burst = 3});
  absl::Duration wait;
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(buckets.Take("a", kStart, &wait)) << i;
  EXPECT_FALSE(buckets.Has("a", kStart));
  EXPECT_FALSE(buckets.Take("a", kStart, &wait));
  EXPECT_EQ(wait, absl::Milliseconds(500));
  EXPECT_TRUE(buckets.Has("a", kStart + absl::Milliseconds(500)));
  EXPECT_TRUE(buckets.Take("a", kStart + absl::Milliseconds(500)));
  EXPECT_FALSE(buckets.Has("a", kStart + absl::Milliseconds(500)));
  // Never more than the burst, however long the key was idle.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(buckets.Take("a", kStart + absl::Hours(1))) << i;
  EXPECT_FALSE(buckets.Take("a", kStart + absl::Hours(1)));
}

TEST(TokenBucketsTest, KeysAreIndependentAndHasTakesNothing) {
  TokenBuckets buckets({.per_second = 1, .burst = 1});
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(buckets.Has("a", kStart));
  EXPECT_TRUE(buckets.Take("a", kStart));
  EXPECT_FALSE(buckets.Take("a", kStart));
  EXPECT_TRUE(buckets.Take("b", kStart));
}

TEST(TokenBucketsTest, WithoutARefillABucketStaysEmpty) {
  TokenBuckets buckets({.per_second = 0, .burst = 2});
  absl::Duration wait;
  EXPECT_TRUE(buckets.Take("a", kStart));
  EXPECT_TRUE(buckets.Take("a", kStart));
  EXPECT_FALSE(buckets.Take("a", kStart + absl::Hours(24 * 365), &wait));
  EXPECT_EQ(wait, absl::InfiniteDuration());
}

TEST(TokenBucketsTest, ATimeGoingBackwardsRefillsNothing) {
  TokenBuckets buckets({.per_second = 1, .burst = 1});
  EXPECT_TRUE(buckets.Take("a", kStart));
  EXPECT_FALSE(buckets.Take("a", kStart - absl::Hours(1)));
}

// Keys seen once and full again are forgotten when there are very many (a
// flood from many addresses), and an emptied bucket is not: forgetting it
// would hand its key a fresh burst.
TEST(TokenBucketsTest, ManyKeysAreForgottenButNotTheEmptyOnes) {
  TokenBuckets buckets({.per_second = 1, .burst = 1});
  EXPECT_TRUE(buckets.Take("flooder", kStart));
  for (int i = 0; i < 100'000; ++i) buckets.Take(absl::StrCat("peer-", i), kStart);
  // A second later every peer's bucket is full again; the flooder's too,
  // but it is taken again now, so it stays empty.
  EXPECT_TRUE(buckets.Take("flooder", kStart + absl::Seconds(1)));
  for (int i = 0; i < 10; ++i) buckets.Take(absl::StrCat("late-", i), kStart + absl::Seconds(1));
  EXPECT_FALSE(buckets.Has("flooder", kStart + absl::Seconds(1)));
}

}  // namespace
}  // namespace grassroots
