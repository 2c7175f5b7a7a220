#include "common/etag.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;

TEST(EtagForRevisionTest, DiffersPerRevisionAndIsStable) {
  EXPECT_NE(EtagForRevision(1), EtagForRevision(2));
  EXPECT_NE(EtagForRevision(1), EtagForRevision(11));
  EXPECT_EQ(EtagForRevision(3), EtagForRevision(3));
  EXPECT_FALSE(EtagForRevision(0).empty());
}

TEST(CheckEtagTest, AnEmptyOrCurrentEtagPasses) {
  EXPECT_OK(CheckEtag("", 5, "units/1"));
  EXPECT_OK(CheckEtag(EtagForRevision(5), 5, "people/1"));
}

TEST(CheckEtagTest, AStaleOrForeignEtagIsAbortedNamingTheResourceAndTheCurrentEtag) {
  EXPECT_THAT(CheckEtag(EtagForRevision(4), 5, "units/1"),
              StatusIs(absl::StatusCode::kAborted,
                       AllOf(HasSubstr("etag: "), HasSubstr("units/1"),
                             HasSubstr(EtagForRevision(4)), HasSubstr(EtagForRevision(5)))));
  EXPECT_THAT(CheckEtag("garbage", 5, "roleAssignments/2"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("roleAssignments/2")));
  // The bare revision is not the etag.
  EXPECT_THAT(CheckEtag("5", 5, "units/1"), StatusIs(absl::StatusCode::kAborted));
}

}  // namespace
}  // namespace grassroots
