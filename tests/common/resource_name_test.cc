#include "common/resource_name.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

TEST(FormatResourceNameTest, JoinsCollectionAndId) {
  EXPECT_EQ(FormatResourceName("units", 42), "units/42");
  EXPECT_EQ(FormatResourceName("partyOrgs", 7), "partyOrgs/7");
}

TEST(ParseResourceNameTest, ParsesWhatFormatProduces) {
  for (int64_t id : {int64_t{1}, int64_t{42}, int64_t{9223372036854775807}}) {
    const absl::StatusOr<int64_t> parsed =
        ParseResourceName(FormatResourceName("units", id), "units", "unit.parent");
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, id);
  }
}

TEST(ParseResourceNameTest, EmptyIsRequiredAndNamesTheField) {
  EXPECT_THAT(ParseResourceName("", "units", "unit.parent").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.parent: is required")));
}

TEST(ParseResourceNameTest, RefusesMalformedNames) {
  for (absl::string_view name : {
           "units",                       // no id
           "units/",                      // empty id
           "partyOrgs/1",                 // another collection
           "unit/1",                      // a prefix of the collection
           "unitsx/1",                    // the collection as a prefix
           "units/0",                     // ids are positive
           "units/-1",                    // no sign
           "units/+1",                    // no sign
           "units/01",                    // one spelling per id
           "units/1a",                    // not all digits
           "units/1/",                    // trailing slash
           "units/ 1",                    // space
           "units/9223372036854775808",   // past INT64_MAX
           "units/12345678901234567890",  // 20 digits
           "/units/1",
       }) {
    EXPECT_THAT(ParseResourceName(name, "units", "unit.parent").status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("unit.parent: must look like units/")))
        << name;
  }
}

TEST(ParseOptionalResourceNameTest, EmptyIsZero) {
  const absl::StatusOr<int64_t> parsed = ParseOptionalResourceName("", "units", "parent");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, 0);
}

TEST(ParseOptionalResourceNameTest, ParsesAndChecksASetName) {
  const absl::StatusOr<int64_t> parsed = ParseOptionalResourceName("units/3", "units", "parent");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, 3);
  EXPECT_THAT(ParseOptionalResourceName("units/x", "units", "parent").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parent:")));
}

}  // namespace
}  // namespace grassroots
