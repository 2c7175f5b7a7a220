#include "cli/csv.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::cli {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

using Fields = std::vector<std::string>;

// The fields of every record, or the first error.
absl::StatusOr<std::vector<Fields>> FieldsOf(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> records = ParseCsv(text);
  if (!records.ok()) return records.status();
  std::vector<Fields> fields;
  for (const CsvRow& record : *records) fields.push_back(record.fields);
  return fields;
}

std::vector<int> LinesOf(absl::string_view text) {
  const std::vector<CsvRow> records = ParseCsv(text).value();
  std::vector<int> lines;
  for (const CsvRow& record : records) lines.push_back(record.line);
  return lines;
}

TEST(CsvReaderTest, ReadsLfAndCrlfRecords) {
  const std::vector<Fields> expected = {{"a", "b", "c"}, {"1", "", "3"}};
  EXPECT_EQ(FieldsOf("a,b,c\n1,,3\n").value(), expected);
  EXPECT_EQ(FieldsOf("a,b,c\r\n1,,3\r\n").value(), expected);
  EXPECT_EQ(FieldsOf("a,b,c\r\n1,,3").value(), expected);  // no line end at the end
  EXPECT_EQ(FieldsOf("a,b,c\r1,,3\r").value(), expected);  // old Mac line ends
}

TEST(CsvReaderTest, EmptyInputHasNoRecords) {
  EXPECT_TRUE(FieldsOf("").value().empty());
  EXPECT_TRUE(FieldsOf(kUtf8Bom).value().empty());
}

TEST(CsvReaderTest, EmptyFieldsAndLinesAreKept) {
  EXPECT_EQ(FieldsOf("a,\n\n,\n").value(), (std::vector<Fields>{{"a", ""}, {""}, {"", ""}}));
}

TEST(CsvReaderTest, SkipsByteOrderMark) {
  EXPECT_EQ(FieldsOf(absl::StrCat(kUtf8Bom, "姓名,电话\n")).value(),
            (std::vector<Fields>{{"姓名", "电话"}}));
}

TEST(CsvReaderTest, TextStartingLikeAMarkIsNotOne) {
  // U+FF0C "，" is EF BC 8C: the first byte of a mark, then not.
  EXPECT_EQ(FieldsOf("，a,b\n").value(), (std::vector<Fields>{{"，a", "b"}}));
  EXPECT_EQ(FieldsOf("\xEF").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReaderTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  EXPECT_EQ(FieldsOf("\"A座,1201\",\"他说\"\"好\"\"\",\"two\nlines\",\"\"\n").value(),
            (std::vector<Fields>{{"A座,1201", "他说\"好\"", "two\nlines", ""}}));
  EXPECT_EQ(FieldsOf("\"crlf\r\ninside\"\r\n").value(), (std::vector<Fields>{{"crlf\r\ninside"}}));
}

TEST(CsvReaderTest, QuoteInsideAnUnquotedFieldIsKept) {
  EXPECT_EQ(FieldsOf("5\" screen,x\n").value(), (std::vector<Fields>{{"5\" screen", "x"}}));
}

TEST(CsvReaderTest, LineNumbersCountQuotedLineBreaks) {
  EXPECT_THAT(LinesOf("h\n\"a\nb\nc\"\nnext\r\n\"x\r\ny\"\r\nlast\n"), ElementsAre(1, 2, 5, 6, 8));
}

TEST(CsvReaderTest, InvalidUtf8NamesTheLineOfTheBadByte) {
  EXPECT_THAT(FieldsOf("ok\nbad\xFF,x\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2: invalid UTF-8")));
  // In a quoted field from line 2 to line 4, the bad byte is on line 3.
  EXPECT_THAT(FieldsOf("h\n\"a\nb\xE5\xB9\nc\"\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 3:")));
}

TEST(CsvReaderTest, GoesOnAfterARecordWithInvalidUtf8) {
  std::istringstream in("a\n\"b\xC0\xAF\nc\"\nd\n");
  CsvReader reader(in);
  EXPECT_THAT(reader.Next(),
              ::grassroots::testing::IsOkAndHolds(Optional(::testing::Field(&CsvRow::line, 1))));
  EXPECT_THAT(reader.Next(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 2:")));
  EXPECT_EQ(reader.error_line(), 2);
  absl::StatusOr<std::optional<CsvRow>> next = reader.Next();
  ASSERT_TRUE(next.ok() && next->has_value());
  EXPECT_EQ((*next)->line, 4);
  EXPECT_THAT((*next)->fields, ElementsAre("d"));
  EXPECT_THAT(reader.Next(), ::grassroots::testing::IsOkAndHolds(::testing::Eq(std::nullopt)));
}

TEST(CsvReaderTest, UnclosedQuoteNamesWhereItOpenedAndEndsTheInput) {
  std::istringstream in("a\nb,\"open\nmore\nend\n");
  CsvReader reader(in);
  ASSERT_TRUE(reader.Next().ok());
  EXPECT_THAT(reader.Next(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("line 2: a quoted field opened here is not closed")));
  EXPECT_THAT(reader.Next(), ::grassroots::testing::IsOkAndHolds(::testing::Eq(std::nullopt)));
}

TEST(CsvReaderTest, TextAfterAClosingQuoteIsRefused) {
  EXPECT_THAT(FieldsOf("a\n\"b\"c,d\n"), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("line 2: text after a closing quote")));
}

TEST(CsvReaderTest, CountsBytesRead) {
  const std::string text = absl::StrCat(kUtf8Bom, "姓名\n张三\n");
  std::istringstream in(text);
  CsvReader reader(in);
  EXPECT_EQ(reader.bytes_read(), 3);
  ASSERT_TRUE(reader.Next().ok());
  EXPECT_EQ(reader.bytes_read(), 3 + 7);
  ASSERT_TRUE(reader.Next().ok());
  EXPECT_EQ(reader.bytes_read(), static_cast<int64_t>(text.size()));
}

TEST(FormatCsvRecordTest, QuotesOnlyWhatMustBeQuoted) {
  EXPECT_EQ(FormatCsvRecord({"张三", "", "units/12"}), "张三,,units/12\r\n");
  EXPECT_EQ(FormatCsvRecord({"A座,1201", "他说\"好\"", "a\nb"}),
            "\"A座,1201\",\"他说\"\"好\"\"\",\"a\nb\"\r\n");
}

TEST(FormatCsvRecordTest, ReadsBackAsWritten) {
  const std::vector<Fields> records = {
      {"plain", "", " spaced ", "逗号,", "\"quoted\"", "line\r\nbreak", "\"", ","}, {""}, {"last"}};
  std::string text(kUtf8Bom);
  for (const Fields& record : records) text += FormatCsvRecord(record);
  EXPECT_EQ(FieldsOf(text).value(), records);
}

}  // namespace
}  // namespace grassroots::cli
