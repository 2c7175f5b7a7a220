// orgctl's output formats: tables aligned by display width, RFC 4180 CSV and
// protobuf JSON with proto field names.

#include "cli/output.h"

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "common/text.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grassroots/org/v1/resources.pb.h"
#include "gtest/gtest.h"

namespace grassroots::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

org::v1::Unit MakeUnit(const std::string& name, const std::string& display_name,
                       const std::string& code) {
  org::v1::Unit unit;
  unit.set_name(name);
  unit.set_display_name(display_name);
  unit.set_code(code);
  unit.set_level(org::v1::COMPOUND);
  return unit;
}

const Columns<org::v1::Unit> kColumns = {
    {"display_name", [](const org::v1::Unit& u) { return u.display_name(); }},
    {"code", [](const org::v1::Unit& u) { return u.code(); }},
};

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  EXPECT_EQ(lines.back(), "") << "the text must end with a newline";
  lines.pop_back();
  return lines;
}

TEST(PadToWidthTest, CountsChineseCharactersAsTwoColumns) {
  EXPECT_EQ(PadToWidth("ab", 5), "ab   ");
  EXPECT_EQ(PadToWidth("幸福", 5), "幸福 ");
  EXPECT_EQ(DisplayWidth(PadToWidth("幸福社区", 10)), 10u);
}

TEST(PadToWidthTest, LeavesWideTextAlone) { EXPECT_EQ(PadToWidth("幸福社区", 3), "幸福社区"); }

TEST(FormatTableTest, AlignsColumnsByDisplayWidth) {
  const Table table{.header = {"NAME", "CODE", "LEVEL"},
                    .rows = {{"幸福社区", "C01", "COMMUNITY"},
                             {"Garden", "X2", "COMPOUND"},
                             {"1号楼", "B1", "BUILDING"}}};
  EXPECT_EQ(FormatTable(table),
            "NAME      CODE  LEVEL\n"
            "幸福社区  C01   COMMUNITY\n"
            "Garden    X2    COMPOUND\n"
            "1号楼     B1    BUILDING\n");
}

TEST(FormatTableTest, EveryColumnStartsAtTheSameDisplayColumn) {
  const Table table{.header = {"A", "B"},
                    .rows = {{"一号小区党支部", "x"}, {"ab", "y"}, {"二号", "z"}}};
  for (const std::string& line : Lines(FormatTable(table))) {
    const size_t last_space = line.rfind(' ');
    ASSERT_NE(last_space, std::string::npos) << line;
    EXPECT_EQ(DisplayWidth(line.substr(0, last_space + 1)), 16u) << line;
  }
}

TEST(FormatTableTest, LeavesNoTrailingSpaces) {
  const Table table{.header = {"NAME", "NOTE"}, .rows = {{"a", ""}, {"幸福", "说明"}}};
  for (const std::string& line : Lines(FormatTable(table))) {
    EXPECT_THAT(line, Not(testing::EndsWith(" "))) << line;
  }
}

TEST(FormatTableTest, HeaderOnlyForNoRows) {
  EXPECT_EQ(FormatTable({.header = {"NAME", "CODE"}}), "NAME  CODE\n");
}

TEST(FormatCsvTest, QuotesCommasQuotesAndLineBreaksOnly) {
  const Table table{.header = {"a", "b", "c", "d", "e"},
                    .rows = {{"幸福社区", "a,b", "say \"hi\"", "two\nlines", "cr\rhere"},
                             {"", "a b", "", "", ""}}};
  EXPECT_EQ(FormatCsv(table),
            "a,b,c,d,e\r\n"
            "幸福社区,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\"\r\n"
            ",a b,,,\r\n");
}

TEST(FormatCsvTest, HeaderAndRecordsEndInCrlf) {
  const Table table{.header = {"name", "note"},
                    .rows = {{"people/1", "楼栋长, 热心"}, {"people/2", "plain"}}};
  EXPECT_EQ(FormatCsv(table),
            "name,note\r\n"
            "people/1,\"楼栋长, 热心\"\r\n"
            "people/2,plain\r\n");
}

TEST(ToJsonTest, UsesProtoFieldNamesAndEnumNames) {
  const std::string json = ToJson(MakeUnit("units/5", "一号小区", "X1"));
  EXPECT_THAT(json, HasSubstr("\"display_name\":\"一号小区\""));
  EXPECT_THAT(json, HasSubstr("\"level\":\"COMPOUND\""));
  EXPECT_THAT(json, Not(HasSubstr("displayName")));
}

TEST(ToJsonArrayTest, IsOneJsonArray) {
  const org::v1::Unit a = MakeUnit("units/5", "一号小区", "X1");
  const org::v1::Unit b = MakeUnit("units/6", "二号小区", "X2");
  google::protobuf::ListValue list;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(ToJsonArray({&a, &b}), &list).ok());
  ASSERT_EQ(list.values_size(), 2);
  EXPECT_EQ(list.values(1).struct_value().fields().at("display_name").string_value(), "二号小区");
}

TEST(ToJsonArrayTest, EmptyListIsAnEmptyArray) { EXPECT_EQ(ToJsonArray({}), "[]\n"); }

TEST(RenderListTest, TableHasAnUpperCaseHeader) {
  const std::vector<org::v1::Unit> units = {MakeUnit("units/5", "一号小区", "X1"),
                                            MakeUnit("units/6", "Garden", "X2")};
  EXPECT_THAT(Lines(RenderList(OutputFormat::kTable, units, kColumns)),
              ElementsAre("DISPLAY_NAME  CODE", "一号小区      X1", "Garden        X2"));
}

TEST(RenderListTest, CsvKeepsTheColumnNames) {
  const std::vector<org::v1::Unit> units = {MakeUnit("units/5", "一号,小区", "X1")};
  EXPECT_EQ(RenderList(OutputFormat::kCsv, units, kColumns),
            "display_name,code\r\n\"一号,小区\",X1\r\n");
}

TEST(RenderListTest, JsonIsAnArrayOfWholeMessages) {
  const std::vector<org::v1::Unit> units = {MakeUnit("units/5", "一号小区", "X1")};
  const std::string json = RenderList(OutputFormat::kJson, units, kColumns);
  EXPECT_THAT(json, testing::StartsWith("["));
  // Fields outside the columns are there too.
  EXPECT_THAT(json, HasSubstr("\"name\":\"units/5\""));
}

TEST(RenderTest, OneMessageIsAJsonObject) {
  const std::string json =
      Render(OutputFormat::kJson, MakeUnit("units/5", "一号小区", "X1"), kColumns);
  EXPECT_THAT(json, testing::StartsWith("{"));
  org::v1::Unit parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(json, &parsed).ok());
  EXPECT_EQ(parsed.display_name(), "一号小区");
}

TEST(RenderTest, OneMessageIsATableOfOneRow) {
  EXPECT_THAT(Lines(Render(OutputFormat::kTable, MakeUnit("units/5", "一号小区", "X1"), kColumns)),
              ElementsAre("DISPLAY_NAME  CODE", "一号小区      X1"));
}

}  // namespace
}  // namespace grassroots::cli
