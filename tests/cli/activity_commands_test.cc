// `orgctl activities` and `orgctl attendance`: a sign-in sheet's records as
// lines of attendance (labels or proto names, keys from the file and line),
// and the list filter with a month in Beijing time.

#include "cli/activity_commands.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/usage_error.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::cli {
namespace {

namespace av = ::grassroots::activity::v1;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

CsvRow Row(int line, std::vector<std::string> fields) { return CsvRow{line, std::move(fields)}; }

TEST(SignInSheetTest, APersonsLineByLabelOrName) {
  ASSERT_OK_AND_ASSIGN(av::Attendance line,
                       SignInLine(Row(2, {"志愿者", "people/7", "120", "", "A-1"}), "s.csv"));
  EXPECT_EQ(line.kind(), av::VOLUNTEER);
  EXPECT_EQ(line.person(), "people/7");
  EXPECT_EQ(line.minutes(), 120);
  EXPECT_EQ(line.key(), "A-1");
  ASSERT_OK_AND_ASSIGN(line, SignInLine(Row(3, {"IN_SERVICE_MEMBER", " 8 ", "45", "", ""}),
                                        "/tmp/sheets/十二月.csv"));
  EXPECT_EQ(line.kind(), av::IN_SERVICE_MEMBER);
  EXPECT_EQ(line.person(), "people/8");
  // No key: the file's name and the line, so that the sheet sent again
  // changes nothing, and another sheet's line 3 is another line.
  EXPECT_EQ(line.key(), "十二月.csv:3");
}

TEST(SignInSheetTest, AHeadCountOfResidents) {
  ASSERT_OK_AND_ASSIGN(av::Attendance line,
                       SignInLine(Row(4, {"居民群众", "", "", "35", ""}), "s.csv"));
  EXPECT_EQ(line.kind(), av::RESIDENTS);
  EXPECT_TRUE(line.person().empty());
  EXPECT_EQ(line.head_count(), 35);
  EXPECT_EQ(line.key(), "s.csv:4");
}

TEST(SignInSheetTest, BadRecordsNameTheirColumn) {
  EXPECT_THAT(SignInLine(Row(2, {"路人", "people/7", "60", "", ""}), "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("类型")));
  EXPECT_THAT(SignInLine(Row(2, {"志愿者", "person/7", "60", "", ""}), "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("人员")));
  EXPECT_THAT(SignInLine(Row(2, {"志愿者", "people/-7", "60", "", ""}), "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("人员")));
  EXPECT_THAT(SignInLine(Row(2, {"志愿者", "people/7", "一小时", "", ""}), "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("时长分钟")));
  EXPECT_THAT(SignInLine(Row(2, {"居民群众", "", "", "-3", ""}), "s.csv"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("人数")));
}

TEST(ActivityFilterTest, ConditionsJoinedByAndWithTheMonthInBeijingTime) {
  EXPECT_EQ(ActivityFilter("", "", "", ""), "");
  EXPECT_EQ(ActivityFilter("主题党日", "已批准", "partyOrgs/3", "2026-12"),
            "kind = THEMED_PARTY_DAY AND state = APPROVED AND party_org = \"partyOrgs/3\" AND "
            "start_time >= \"2026-12-01T00:00:00+08:00\" AND "
            "start_time < \"2027-01-01T00:00:00+08:00\"");
  EXPECT_THAT(UsageErrorOf([] { ActivityFilter("", "", "", "2026-13"); }), HasSubstr("--month"));
  EXPECT_THAT(UsageErrorOf([] { ActivityFilter("茶话会", "", "", ""); }), HasSubstr("--kind"));
}

}  // namespace
}  // namespace grassroots::cli
