#include "common/filter.h"

#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using Op = FilterCondition::Op;

FilterCondition Equals(std::string field, std::string value) {
  return {std::move(field), Op::kEquals, std::move(value)};
}
FilterCondition Has(std::string field, std::string value) {
  return {std::move(field), Op::kHas, std::move(value)};
}

std::vector<FilterCondition> ParseOk(absl::string_view filter) {
  absl::StatusOr<std::vector<FilterCondition>> parsed = ParseFilter(filter);
  EXPECT_TRUE(parsed.ok()) << filter << ": " << parsed.status();
  return parsed.ok() ? *std::move(parsed) : std::vector<FilterCondition>{};
}

absl::Status ParseError(absl::string_view filter) { return ParseFilter(filter).status(); }

// A double-quoted filter string for `value`.
std::string Quote(absl::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

TEST(ParseFilterTest, EmptyOrBlankGivesNoConditions) {
  EXPECT_THAT(ParseOk(""), IsEmpty());
  EXPECT_THAT(ParseOk(" \t\r\n "), IsEmpty());
}

TEST(ParseFilterTest, ParsesEqualsAndHas) {
  EXPECT_THAT(ParseOk("level = COMPOUND"), ElementsAre(Equals("level", "COMPOUND")));
  EXPECT_THAT(ParseOk("display_name : \"花园\""), ElementsAre(Has("display_name", "花园")));
}

TEST(ParseFilterTest, SpacesAroundOperatorsAreOptional) {
  EXPECT_THAT(ParseOk("level=COMPOUND"), ElementsAre(Equals("level", "COMPOUND")));
  EXPECT_THAT(ParseOk("display_name:\"花园\""), ElementsAre(Has("display_name", "花园")));
  EXPECT_THAT(ParseOk("\t level \n=\r COMPOUND  "), ElementsAre(Equals("level", "COMPOUND")));
}

TEST(ParseFilterTest, JoinsConditionsWithAnd) {
  EXPECT_THAT(ParseOk("level = COMPOUND AND compound.kind = OLD AND display_name : \"花园\""),
              ElementsAre(Equals("level", "COMPOUND"), Equals("compound.kind", "OLD"),
                          Has("display_name", "花园")));
  // Conditions are kept as written, repeats included: the caller decides.
  EXPECT_THAT(ParseOk("a = 1 AND a = 1"), ElementsAre(Equals("a", "1"), Equals("a", "1")));
}

TEST(ParseFilterTest, BareWordsRunToASpaceOrOperator) {
  EXPECT_THAT(ParseOk("code = 3301"), ElementsAre(Equals("code", "3301")));
  EXPECT_THAT(ParseOk("unit = units/12"), ElementsAre(Equals("unit", "units/12")));
  EXPECT_THAT(ParseOk("code = -5"), ElementsAre(Equals("code", "-5")));
  EXPECT_THAT(ParseOk("display_name : 花园"), ElementsAre(Has("display_name", "花园")));
  EXPECT_THAT(ParseOk("code = a\\b"), ElementsAre(Equals("code", "a\\b")));
}

TEST(ParseFilterTest, UnquotesAndUnescapesStrings) {
  EXPECT_THAT(ParseOk(R"(display_name = "幸福 花园")"),
              ElementsAre(Equals("display_name", "幸福 花园")));
  EXPECT_THAT(ParseOk(R"(display_name = "say \"hi\" \\ me")"),
              ElementsAre(Equals("display_name", R"(say "hi" \ me)")));
  EXPECT_THAT(ParseOk(R"(code = "")"), ElementsAre(Equals("code", "")));
  EXPECT_THAT(ParseOk(R"f(a = "x = 1 AND (y)")f"), ElementsAre(Equals("a", "x = 1 AND (y)")));
}

TEST(ParseFilterTest, KeywordsAreValuesWhenQuoted) {
  EXPECT_THAT(ParseOk(R"(display_name = "AND")"), ElementsAre(Equals("display_name", "AND")));
  // Keywords are upper case only; other spellings are words.
  EXPECT_THAT(ParseOk("display_name = or"), ElementsAre(Equals("display_name", "or")));
}

TEST(ParseFilterTest, AcceptsExactlyTheMaximumLength) {
  const std::string prefix = "code = \"";
  const std::string filter = prefix + std::string(kMaxFilterLength - prefix.size() - 1, 'x') + "\"";
  ASSERT_EQ(filter.size(), kMaxFilterLength);
  EXPECT_THAT(
      ParseOk(filter),
      ElementsAre(Equals("code", filter.substr(prefix.size(), filter.size() - prefix.size() - 1))));
}

TEST(ParseFilterTest, RefusesATooLongFilter) {
  const std::string filter = "code = " + std::string(kMaxFilterLength, 'x');
  EXPECT_THAT(ParseError(filter), StatusIs(absl::StatusCode::kInvalidArgument,
                                           HasSubstr("filter: is 1031 bytes long")));
}

TEST(ParseFilterTest, RefusesInvalidUtf8AndControlCharacters) {
  EXPECT_THAT(
      ParseError("display_name = \"\xE5\xB9\""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: is not valid UTF-8")));
  EXPECT_THAT(ParseError("level = \x01"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 9: a control character is not allowed")));
  EXPECT_THAT(ParseError(absl::string_view("code = \"a\0\"", 11)),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 10: a control character")));
}

TEST(ParseFilterTest, RefusesOtherOperators) {
  for (absl::string_view op : {"!=", "<", "<=", ">", ">=", "==", "~", ":=", "=:"}) {
    EXPECT_THAT(ParseError(absl::StrCat("level ", op, " COMPOUND")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr(absl::StrCat("filter: at position 7: operator \"", op,
                                                "\" is not supported; use = or :"))))
        << op;
  }
  // A lone `!` reads as an operator, not as part of a word.
  EXPECT_THAT(ParseError("level!"), StatusIs(absl::StatusCode::kInvalidArgument,
                                             HasSubstr("operator \"!\" is not supported")));
}

TEST(ParseFilterTest, RefusesOrAndNot) {
  EXPECT_THAT(
      ParseError("a = 1 OR b = 2"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr(
              "filter: at position 7: OR is not supported; conditions can only be joined by AND")));
  EXPECT_THAT(ParseError("NOT a = 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 1: NOT is not supported")));
  EXPECT_THAT(ParseError("a = 1 AND NOT b = 2"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 11: NOT is not supported")));
  EXPECT_THAT(ParseError("-a = 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 1: negation with '-' is not supported")));
}

TEST(ParseFilterTest, RefusesParentheses) {
  EXPECT_THAT(ParseError("(a = 1)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 1: parentheses are not supported")));
  EXPECT_THAT(ParseError("a = (1)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 5: parentheses are not supported")));
  EXPECT_THAT(ParseError("a = 1)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 6: parentheses are not supported")));
}

TEST(ParseFilterTest, RefusesUnterminatedStrings) {
  for (absl::string_view filter : {R"(a = "abc)", R"(a = ")", R"(a = "abc\")", R"(a = "abc\)"}) {
    EXPECT_THAT(
        ParseError(filter),
        StatusIs(
            absl::StatusCode::kInvalidArgument,
            HasSubstr(
                "filter: at position 5: the string that starts here is not terminated with \"")))
        << filter;
  }
}

TEST(ParseFilterTest, RefusesUnknownEscapes) {
  EXPECT_THAT(
      ParseError(R"(a = "x\ny")"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr(R"(filter: at position 7: only \" and \\ may be escaped in a string)")));
  EXPECT_THAT(ParseError(R"(a = "\u82b1")"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr(R"(filter: at position 6: only \" and \\ may be escaped)")));
}

TEST(ParseFilterTest, RefusesIncompleteConditions) {
  EXPECT_THAT(ParseError("level"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 6: expected = or : after level but found the "
                                 "end of the filter")));
  EXPECT_THAT(
      ParseError("level COMPOUND"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("filter: at position 7: expected = or : after level but found \"COMPOUND\"")));
  EXPECT_THAT(
      ParseError("level ="),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("filter: at position 8: expected a value but found the end of the filter")));
  EXPECT_THAT(ParseError("= COMPOUND"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 1: expected a field name but found \"=\"")));
  EXPECT_THAT(
      ParseError(R"("level" = COMPOUND)"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("filter: at position 1: expected a field name but found a quoted string")));
}

TEST(ParseFilterTest, RefusesBadJoins) {
  EXPECT_THAT(
      ParseError("a = 1 b = 2"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("filter: at position 7: expected AND between conditions but found \"b\"")));
  EXPECT_THAT(
      ParseError("a = 1 and b = 2"),
      StatusIs(
          absl::StatusCode::kInvalidArgument,
          HasSubstr("filter: at position 7: expected AND between conditions but found \"and\"")));
  EXPECT_THAT(ParseError("a = 1 AND"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 10: expected a condition after AND")));
  EXPECT_THAT(
      ParseError("AND a = 1"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("filter: at position 1: expected a field name but found \"AND\"")));
  EXPECT_THAT(
      ParseError("a = 1 AND AND b = 2"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("filter: at position 11: expected a field name but found \"AND\"")));
}

TEST(ParseFilterTest, RefusesKeywordsAsBareValues) {
  EXPECT_THAT(ParseError("a = AND"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 5: expected a value but found "
                                 "\"AND\" (quote it to use it as a value)")));
}

TEST(ParseFilterTest, RefusesMalformedFieldNames) {
  for (absl::string_view field : {"1a", "a..b", "a.", ".a", "a-b", "a/b", "花园", "a.1b"}) {
    EXPECT_THAT(
        ParseError(absl::StrCat(field, " = 1")),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr(absl::StrCat("filter: at position 1: \"", field,
                                        "\" is not a field name (letters, digits, '_' and '.', "
                                        "as in compound.kind)"))))
        << field;
  }
  EXPECT_THAT(ParseOk("a_1.b_2 = x"), ElementsAre(Equals("a_1.b_2", "x")));
}

TEST(ParseFilterTest, PositionsCountCharactersNotBytes) {
  // "花园" is six bytes but two characters; OR is the 21st character.
  EXPECT_THAT(ParseError("display_name = \"花园\" OR code = 1"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("filter: at position 21: OR is not supported")));
}

TEST(ParseFilterTest, QuotedValuesRoundTrip) {
  // Any value, quoted and escaped, parses back to itself.
  std::mt19937 random(20240601);  // fixed: the test must be repeatable
  const std::vector<std::string> pieces = {"a", "Z", "7",   " ",  "\"", "\\", "=", ":",
                                           "(", ")", "AND", "花", "园", "\t", "-", "."};
  for (int round = 0; round < 300; ++round) {
    std::string value;
    const int length = std::uniform_int_distribution<int>(0, 12)(random);
    for (int i = 0; i < length; ++i) {
      value += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
    }
    EXPECT_THAT(ParseOk(absl::StrCat("f = ", Quote(value), " AND g : ", Quote(value))),
                ElementsAre(Equals("f", value), Has("g", value)))
        << absl::CEscape(value);
  }
}

// Whatever the input, the parser returns: conditions, or INVALID_ARGUMENT
// with a message of ours. Run under ASan/UBSan this also checks it never
// reads out of bounds.
void ExpectParsesOrExplains(absl::string_view filter) {
  const absl::StatusOr<std::vector<FilterCondition>> parsed = ParseFilter(filter);
  if (parsed.ok()) {
    for (const FilterCondition& condition : *parsed) EXPECT_FALSE(condition.field.empty());
    return;
  }
  EXPECT_THAT(parsed.status(), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: ")))
      << absl::CEscape(filter);
  EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "filter: ")) << parsed.status();
}

TEST(ParseFilterTest, RandomBytesNeverCrash) {
  std::mt19937 random(7);  // fixed: the test must be repeatable
  for (int round = 0; round < 500; ++round) {
    std::string filter(std::uniform_int_distribution<size_t>(0, 64)(random), '\0');
    for (char& c : filter)
      c = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(random));
    ExpectParsesOrExplains(filter);
  }
}

TEST(ParseFilterTest, RandomTokenSoupNeverCrashes) {
  // Random bytes are rarely valid UTF-8, so they stop at the first check;
  // sequences of the grammar's own pieces reach every state of the parser.
  std::mt19937 random(11);  // fixed: the test must be repeatable
  const std::vector<std::string> pieces = {"a",  "b.c", " ", "=",  ":",     "!",    "<",
                                           "\"", "\\",  "(", ")",  "AND",   "OR",   "NOT",
                                           "-",  "花",  "1", "\t", "\"x\"", "\\\"", "."};
  int accepted = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string filter;
    const int length = std::uniform_int_distribution<int>(0, 16)(random);
    for (int i = 0; i < length; ++i) {
      filter += pieces[std::uniform_int_distribution<size_t>(0, pieces.size() - 1)(random)];
    }
    ExpectParsesOrExplains(filter);
    accepted += ParseFilter(filter).ok() ? 1 : 0;
  }
  // Some of the soup must parse, or this test would explore only errors.
  EXPECT_GT(accepted, 20);
}

}  // namespace
}  // namespace grassroots
