// `orgctl issues`: its flag values (labels or proto names, the due time),
// the list filter it builds, and the board's tables, aligned by display
// width with Chinese labels.

#include "cli/issue_commands.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cli/common_commands.h"
#include "common/proto_convert.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/cli/usage_error.h"

namespace grassroots::cli {
namespace {

using casework::v1::Issue;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

absl::Time Beijing(int year, int month, int day, int hour, int minute) {
  return absl::FromCivil(absl::CivilMinute(year, month, day, hour, minute),
                         absl::FixedTimeZone(8 * 60 * 60));
}

TEST(IssueFlagsTest, CategoryByLabelAliasOrProtoName) {
  EXPECT_EQ(CategoryFlag("物业维修"), casework::v1::PROPERTY_MAINTENANCE);
  EXPECT_EQ(CategoryFlag("物业"), casework::v1::PROPERTY_MAINTENANCE);  // an alias
  EXPECT_EQ(CategoryFlag("PROPERTY_MAINTENANCE"), casework::v1::PROPERTY_MAINTENANCE);
  EXPECT_EQ(CategoryFlag("parking"), casework::v1::PARKING);
  EXPECT_EQ(CategoryFlag("停车"), casework::v1::PARKING);
}

TEST(IssueFlagsTest, UnknownCategoryListsWhatIsAccepted) {
  const std::string message = UsageErrorOf([] { CategoryFlag("下水道"); });
  EXPECT_THAT(message,
              AllOf(HasSubstr("--category: \"下水道\" is not one of"),
                    HasSubstr("物业维修 (PROPERTY_MAINTENANCE)"), HasSubstr("其他 (OTHER)")));
  EXPECT_THAT(UsageErrorOf([] { CategoryFlag("CATEGORY_UNSPECIFIED"); }), HasSubstr("--category"));
  EXPECT_THAT(UsageErrorOf([] { CategoryFlag(""); }), HasSubstr("--category"));
}

TEST(IssueFlagsTest, ChannelByLabelAliasOrProtoName) {
  EXPECT_EQ(ChannelFlag("网格员"), casework::v1::GRID_WORKER);
  EXPECT_EQ(ChannelFlag("GRID_WORKER"), casework::v1::GRID_WORKER);
  EXPECT_EQ(ChannelFlag("hotline"), casework::v1::HOTLINE);
  EXPECT_EQ(ChannelFlag("12345"), casework::v1::HOTLINE);
  EXPECT_THAT(UsageErrorOf([] { ChannelFlag("微信"); }),
              AllOf(HasSubstr("--channel: \"微信\""), HasSubstr("网格员 (GRID_WORKER)")));
}

TEST(IssueFlagsTest, SatisfactionIsSatisfiedOrBasicallySatisfied) {
  EXPECT_EQ(SatisfactionFlag("满意"), casework::v1::SATISFIED);
  EXPECT_EQ(SatisfactionFlag("基本满意"), casework::v1::BASICALLY_SATISFIED);
  EXPECT_EQ(SatisfactionFlag("SATISFIED"), casework::v1::SATISFIED);
  EXPECT_EQ(SatisfactionFlag("basically_satisfied"), casework::v1::BASICALLY_SATISFIED);
  // A dissatisfied resident's answer is a reopening, not a confirmation.
  for (const char* text : {"不满意", "DISSATISFIED", "ok", ""}) {
    EXPECT_THAT(UsageErrorOf([text] { SatisfactionFlag(text); }),
                AllOf(HasSubstr("--satisfaction"), HasSubstr("issues reopen")))
        << text;
  }
}

TEST(DueTimeFlagTest, ReadsAnRfc3339Time) {
  const absl::Time now = Beijing(2026, 12, 7, 9, 0);
  EXPECT_EQ(DueTimeFlag("2026-12-20T18:00:00+08:00", now), Beijing(2026, 12, 20, 18, 0));
  EXPECT_EQ(DueTimeFlag("2026-12-20T10:00:00Z", now), Beijing(2026, 12, 20, 18, 0));
}

TEST(DueTimeFlagTest, ReadsADurationFromNow) {
  const absl::Time now = Beijing(2026, 12, 7, 9, 0);
  EXPECT_EQ(DueTimeFlag("72h", now), Beijing(2026, 12, 10, 9, 0));
  EXPECT_EQ(DueTimeFlag("90m", now), Beijing(2026, 12, 7, 10, 30));
  EXPECT_EQ(DueTimeFlag("1h30m", now), Beijing(2026, 12, 7, 10, 30));
  EXPECT_EQ(DueTimeFlag("7d", now), Beijing(2026, 12, 14, 9, 0));
}

TEST(DueTimeFlagTest, RefusesAnythingElse) {
  const absl::Time now = Beijing(2026, 12, 7, 9, 0);
  for (const char* text :
       {"", "soon", "2026-12-20", "2026-12-20 18:00", "0h", "-3h", "0d", "-1d", "inf", "3x"}) {
    EXPECT_THAT(UsageErrorOf([&] { DueTimeFlag(text, now); }),
                HasSubstr(absl::StrCat("--due: '", text, "' is neither a time")))
        << text;
  }
}

TEST(IssueFilterTest, JoinsEveryConditionInOrder) {
  const IssueFilterFlags flags{.state = "ACCEPTED",
                               .open = true,
                               .level = "STREET",
                               .category = "PARKING",
                               .overdue = true,
                               .assignee = "people/3",
                               .reporter = "4"};
  EXPECT_EQ(IssueFilter(flags),
            "state = ACCEPTED AND open = true AND handling_level = STREET AND category = PARKING "
            "AND overdue = true AND assignee = \"people/3\" AND reporter = \"people/4\"");
}

TEST(IssueFilterTest, ReadsLabelsAndLeavesOutWhatIsNotGiven) {
  EXPECT_EQ(IssueFilter({}), "");
  EXPECT_EQ(IssueFilter({.state = "办理中"}), "state = ACCEPTED");
  EXPECT_EQ(IssueFilter({.level = "街道", .category = "停车"}),
            "handling_level = STREET AND category = PARKING");
  EXPECT_EQ(IssueFilter({.open = true, .overdue = true}), "open = true AND overdue = true");
  EXPECT_EQ(IssueFilter({.state = "reopened"}), "state = REOPENED");
}

TEST(IssueFilterTest, BadValuesNameTheirFlag) {
  EXPECT_THAT(UsageErrorOf([] { IssueFilter({.state = "DONE"}); }),
              AllOf(HasSubstr("--state: \"DONE\""), HasSubstr("办理中 (ACCEPTED)")));
  EXPECT_THAT(UsageErrorOf([] { IssueFilter({.level = "BUILDING"}); }),
              AllOf(HasSubstr("--level"), HasSubstr("街道 (STREET)")));
  EXPECT_THAT(UsageErrorOf([] { IssueFilter({.category = "x"}); }), HasSubstr("--category"));
  EXPECT_THAT(UsageErrorOf([] { IssueFilter({.assignee = "units/3"}); }),
              HasSubstr("--assignee: 'units/3' is not a name like people/12"));
  EXPECT_THAT(UsageErrorOf([] { IssueFilter({.reporter = "x"}); }), HasSubstr("--reporter"));
}

TEST(FormatTimestampTest, IsBeijingTime) {
  google::protobuf::Timestamp time;
  EXPECT_EQ(FormatTimestamp(time), "");
  TimeToProto(absl::FromCivil(absl::CivilMinute(2026, 12, 20, 10, 0), absl::UTCTimeZone()), &time);
  EXPECT_EQ(FormatTimestamp(time), "2026-12-20 18:00");
  TimeToProto(absl::FromCivil(absl::CivilMinute(2026, 12, 31, 16, 30), absl::UTCTimeZone()), &time);
  EXPECT_EQ(FormatTimestamp(time), "2027-01-01 00:30");
}

TEST(FormatOverdueTest, DaysAndHoursOrHoursAndMinutes) {
  EXPECT_EQ(FormatOverdue(absl::Hours(51) + absl::Minutes(20)), "2天3小时");
  EXPECT_EQ(FormatOverdue(absl::Hours(48)), "2天");
  EXPECT_EQ(FormatOverdue(absl::Hours(5) + absl::Minutes(20)), "5小时20分钟");
  EXPECT_EQ(FormatOverdue(absl::Hours(5)), "5小时");
  EXPECT_EQ(FormatOverdue(absl::Minutes(12) + absl::Seconds(59)), "12分钟");
  EXPECT_EQ(FormatOverdue(absl::Seconds(20)), "0分钟");
  EXPECT_EQ(FormatOverdue(-absl::Hours(1)), "0分钟");
}

Issue MakeIssue(const std::string& name, const std::string& title, Issue::State state,
                casework::v1::HandlingLevel level, std::optional<absl::Time> due = std::nullopt) {
  Issue issue;
  issue.set_name(name);
  issue.set_title(title);
  issue.set_place("units/9");
  issue.set_state(state);
  issue.set_handling_level(level);
  if (due) TimeToProto(*due, issue.mutable_due_time());
  return issue;
}

// Four issues of a compound: two reported at the compound (one overdue by
// two days and three hours, one not yet due), one accepted by the street
// (overdue by five hours) and one confirmed at the community.
std::vector<Issue> SampleIssues() {
  return {
      MakeIssue("issues/1", "楼道灯不亮", Issue::REPORTED, casework::v1::COMPOUND,
                Beijing(2026, 12, 5, 6, 0)),
      MakeIssue("issues/2", "Lift", Issue::REPORTED, casework::v1::COMPOUND,
                Beijing(2026, 12, 9, 9, 0)),
      MakeIssue("issues/3", "占道停车", Issue::ACCEPTED, casework::v1::STREET,
                Beijing(2026, 12, 7, 4, 0)),
      MakeIssue("issues/4", "垃圾清运", Issue::CONFIRMED, casework::v1::COMMUNITY),
  };
}

const absl::Time kBoardNow = Beijing(2026, 12, 7, 9, 0);

TEST(BoardTest, OverdueIssuesLongestOverdueFirstInBeijingTime) {
  std::vector<Issue> open = SampleIssues();
  open.pop_back();
  const Table table = OverdueTable(open, kBoardNow);
  EXPECT_THAT(table.header, ElementsAre("name", "title", "place", "level", "due", "overdue"));
  EXPECT_THAT(
      table.rows,
      ElementsAre(
          ElementsAre("issues/1", "楼道灯不亮", "units/9", "小区", "2026-12-05 06:00", "2天3小时"),
          ElementsAre("issues/3", "占道停车", "units/9", "街道", "2026-12-07 04:00", "5小时")));
}

TEST(BoardTest, CountsByStateAndLevelAlignedByDisplayWidth) {
  EXPECT_EQ(FormatAs(OutputFormat::kTable, BoardCountsTable(SampleIssues())),
            "STATE     小区  社区  街道  区  TOTAL\n"
            "已上报    2     0     0     0   2\n"
            "办理中    0     0     1     0   1\n"
            "已办结    0     0     0     0   0\n"
            "已确认    0     1     0     0   1\n"
            "已上交    0     0     0     0   0\n"
            "不予受理  0     0     0     0   0\n"
            "重新办理  0     0     0     0   0\n"
            "total     2     1     1     0   4\n");
}

TEST(BoardTest, TableShowsTheOverdueIssuesFirst) {
  std::vector<Issue> open = SampleIssues();
  open.pop_back();
  const std::string board = RenderBoard(OutputFormat::kTable, SampleIssues(), open, kBoardNow);
  EXPECT_THAT(board, StartsWith("overdue: 2\n"
                                "NAME      TITLE       PLACE    LEVEL  DUE               OVERDUE\n"
                                "issues/1  楼道灯不亮  units/9  小区   2026-12-05 06:00  2天3小时\n"
                                "issues/3  占道停车    units/9  街道   2026-12-07 04:00  5小时\n"
                                "\n"
                                "STATE     小区"));
  EXPECT_THAT(RenderBoard(OutputFormat::kTable, {}, {}, kBoardNow),
              StartsWith("no overdue issues\n\nSTATE"));
}

TEST(BoardTest, CsvIsTheCountsAndJsonBoth) {
  std::vector<Issue> open = SampleIssues();
  open.pop_back();
  EXPECT_THAT(RenderBoard(OutputFormat::kCsv, SampleIssues(), open, kBoardNow),
              StartsWith("state,小区,社区,街道,区,total\r\n已上报,2,0,0,0,2\r\n"));

  const std::string json = RenderBoard(OutputFormat::kJson, SampleIssues(), open, kBoardNow);
  google::protobuf::Struct board;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &board).ok()) << json;
  const auto& overdue = board.fields().at("overdue").list_value().values();
  ASSERT_EQ(overdue.size(), 2) << json;
  EXPECT_EQ(overdue[0].struct_value().fields().at("name").string_value(), "issues/1");
  const auto& counts = board.fields().at("counts").list_value().values();
  ASSERT_EQ(counts.size(), 3) << json;
  const auto& first = counts[0].struct_value().fields();
  EXPECT_EQ(first.at("state").string_value(), "REPORTED");
  EXPECT_EQ(first.at("handling_level").string_value(), "COMPOUND");
  EXPECT_EQ(first.at("count").number_value(), 2);
}

}  // namespace
}  // namespace grassroots::cli
