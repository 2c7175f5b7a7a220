#include "common/text.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

std::string Repeat(absl::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece.data(), piece.size());
  return out;
}

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_THAT(Utf8Length(""), Optional(0u));
  EXPECT_THAT(Utf8Length("abc"), Optional(3u));
  EXPECT_THAT(Utf8Length("幸福花园"), Optional(4u));
  EXPECT_THAT(Utf8Length("A栋3单元"), Optional(5u));
  EXPECT_THAT(Utf8Length("\xC2\xA9"), Optional(1u));          // U+00A9, two bytes
  EXPECT_THAT(Utf8Length("\xF0\x9F\x98\x80"), Optional(1u));  // U+1F600, four bytes
  EXPECT_THAT(Utf8Length("\xEF\xBF\xBF"), Optional(1u));      // U+FFFF
  EXPECT_THAT(Utf8Length("\xF4\x8F\xBF\xBF"), Optional(1u));  // U+10FFFF, the last
  EXPECT_THAT(Utf8Length(absl::string_view("a\0b", 3)), Optional(3u));
}

TEST(Utf8LengthTest, RefusesInvalidSequences) {
  for (absl::string_view bad : {
           "\xFF",      // never a UTF-8 byte
           "\x80",      // a lone continuation byte
           "\xE5\xB9",  // 幸 cut short
           "\xE5\xB9"
           "a",                     // a continuation byte missing
           "abc\xE5",               // cut short at the end
           "\xC0\xAF",              // overlong '/' in two bytes
           "\xC1\xBF",              // overlong in two bytes
           "\xE0\x80\xAF",          // overlong '/' in three bytes
           "\xF0\x80\x80\xAF",      // overlong '/' in four bytes
           "\xED\xA0\x80",          // U+D800, a surrogate
           "\xED\xBF\xBF",          // U+DFFF, a surrogate
           "\xF4\x90\x80\x80",      // U+110000, past the last code point
           "\xF8\x88\x80\x80\x80",  // a five-byte form
       }) {
    EXPECT_EQ(Utf8Length(bad), std::nullopt) << absl::CEscape(bad);
  }
}

TEST(DisplayWidthTest, ChineseIsTwiceAsWideAsAscii) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abcd"), 4u);
  EXPECT_EQ(DisplayWidth("幸福花园"), 8u);
  EXPECT_EQ(DisplayWidth("A栋3单元"), 8u);
  EXPECT_EQ(DisplayWidth("\xEF\xBC\xA1\xEF\xBC\xA2"), 4u);  // fullwidth "ＡＢ"
  EXPECT_EQ(DisplayWidth("\xE3\x80\x80"), 2u);              // ideographic space
}

TEST(DisplayWidthTest, CombiningMarksTakeNoWidth) {
  EXPECT_EQ(DisplayWidth("e\xCC\x81"), 1u);  // e + U+0301 combining acute
}

TEST(DisplayWidthTest, InvalidBytesCountOneEach) {
  EXPECT_EQ(DisplayWidth("\xFF"), 1u);
  EXPECT_EQ(DisplayWidth("a\xFF\xFE"
                         "b"),
            4u);
  EXPECT_EQ(DisplayWidth("\xE5\xB9"), 2u);  // a cut-short character
}

TEST(ValidateDisplayTextTest, AcceptsUpToMaxCharacters) {
  EXPECT_TRUE(ValidateDisplayText("幸福花园", "unit.display_name", 128).ok());
  EXPECT_TRUE(ValidateDisplayText(Repeat("花", 128), "unit.display_name", 128).ok());
  EXPECT_TRUE(ValidateDisplayText(Repeat("a", 128), "unit.display_name", 128).ok());
  EXPECT_TRUE(ValidateDisplayText(" 幸福 花园 ", "unit.display_name", 128).ok());
}

TEST(ValidateDisplayTextTest, CountsCharactersNotBytes) {
  // 129 Chinese characters are 387 bytes; 128 of them (384 bytes) pass above.
  EXPECT_THAT(ValidateDisplayText(Repeat("花", 129), "unit.display_name", 128),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unit.display_name: is 129 characters long; at most 128")));
}

TEST(ValidateDisplayTextTest, EmptyIsRequiredUnlessOptional) {
  EXPECT_THAT(
      ValidateDisplayText("", "unit.display_name", 128),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.display_name: is required")));
  EXPECT_TRUE(ValidateDisplayText("", "unit.building.address", 256, /*required=*/false).ok());
}

TEST(ValidateDisplayTextTest, RefusesBlankText) {
  for (absl::string_view blank : {" ", "   ", "\xE3\x80\x80", " \xE3\x80\x80 "}) {
    EXPECT_THAT(ValidateDisplayText(blank, "unit.display_name", 128),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("unit.display_name: must not be blank")))
        << absl::CEscape(blank);
  }
  // Optional text that is given must still not be blank.
  EXPECT_THAT(ValidateDisplayText("  ", "unit.building.address", 256, /*required=*/false),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.building.address")));
}

TEST(ValidateDisplayTextTest, RefusesControlCharacters) {
  const absl::string_view kControls[] = {"a\tb",
                                         "a\nb",
                                         "\r",
                                         "a\x7F",
                                         "\xC2\x85",  // U+0085, a C1 control
                                         absl::string_view("a\0b", 3)};
  for (absl::string_view text : kControls) {
    EXPECT_THAT(ValidateDisplayText(text, "unit.display_name", 128),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("unit.display_name: must not contain control characters")))
        << absl::CEscape(text);
  }
}

TEST(ValidateDisplayTextTest, RefusesInvalidUtf8) {
  EXPECT_THAT(ValidateDisplayText("\xE5\xB9"
                                  "a",
                                  "unit.display_name", 128),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("unit.display_name: is not valid UTF-8")));
  EXPECT_THAT(ValidateDisplayText("\xED\xA0\x80", "unit.display_name", 128),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("unit.display_name")));
}

// --- The decoder every other function is built on.

TEST(DecodeUtf8Test, DecodesOneCharacterOfEachLength) {
  const std::string text = "a\xC2\xA9\xE5\xB9\xB8\xF0\x9F\x98\x80";  // a © 幸 😀
  const Utf8Char a = DecodeUtf8(text, 0);
  EXPECT_EQ(a.code_point, 'a');
  EXPECT_EQ(a.length, 1u);
  const Utf8Char copyright = DecodeUtf8(text, 1);
  EXPECT_EQ(copyright.code_point, 0xA9);
  EXPECT_EQ(copyright.length, 2u);
  const Utf8Char xing = DecodeUtf8(text, 3);
  EXPECT_EQ(xing.code_point, 0x5E78);
  EXPECT_EQ(xing.length, 3u);
  const Utf8Char smile = DecodeUtf8(text, 6);
  EXPECT_EQ(smile.code_point, 0x1F600);
  EXPECT_EQ(smile.length, 4u);
}

TEST(DecodeUtf8Test, InvalidSequencesTakeOneByte) {
  for (const std::string& text : {
           std::string("\x80"),              // a continuation byte alone
           std::string("\xC0\xAF"),          // overlong '/'
           std::string("\xE0\x80\xAF"),      // overlong, three bytes
           std::string("\xED\xA0\x80"),      // a surrogate (U+D800)
           std::string("\xF4\x90\x80\x80"),  // past U+10FFFF
           std::string("\xF8\x88\x80\x80"),  // a five-byte lead
           std::string("\xE5\xB9"),          // cut short
           std::string("\xE5"
                       "a"
                       "\xB8"),  // interrupted
       }) {
    const Utf8Char c = DecodeUtf8(text, 0);
    EXPECT_EQ(c.code_point, kInvalidCodePoint) << absl::CEscape(text);
    EXPECT_EQ(c.length, 1u) << absl::CEscape(text);
  }
}

TEST(DecodeUtf8Test, ForEachVisitsEveryByteOnceAndResynchronises) {
  const std::string text =
      "\xE5\xB9"
      "A"
      "\xE7\xA6\x8F";  // cut 幸, A, 福
  std::vector<int32_t> code_points;
  std::string bytes;
  ForEachUtf8Char(text, [&](Utf8Char c, absl::string_view slice) {
    code_points.push_back(c.code_point);
    EXPECT_EQ(slice.size(), c.length);
    bytes.append(slice.data(), slice.size());
  });
  EXPECT_THAT(code_points,
              ::testing::ElementsAre(kInvalidCodePoint, kInvalidCodePoint, 'A', 0x798F));
  EXPECT_EQ(bytes, text);
}

TEST(CountUtf8CharsTest, CountsInvalidBytesOneEach) {
  EXPECT_EQ(CountUtf8Chars(""), 0u);
  EXPECT_EQ(CountUtf8Chars("幸福花园"), 4u);
  EXPECT_EQ(CountUtf8Chars("\xE5\xB9"
                           "A"),
            3u);
}

TEST(CodePointWidthTest, WideNarrowAndZero) {
  EXPECT_EQ(CodePointWidth('a'), 1u);
  EXPECT_EQ(CodePointWidth(0x5E78), 2u);  // 幸
  EXPECT_EQ(CodePointWidth(0xFF01), 2u);  // fullwidth '!'
  EXPECT_EQ(CodePointWidth(0x0301), 0u);  // combining acute
  EXPECT_EQ(CodePointWidth(0x200B), 0u);  // zero-width space
  EXPECT_EQ(CodePointWidth(kInvalidCodePoint), 1u);
}

TEST(DecodeUtf8Test, AgreesWithUtf8LengthOnEveryTwoByteInput) {
  // Valid exactly when every decoded character is valid, and then the
  // count is the same.
  for (int b0 = 0; b0 < 256; ++b0) {
    for (int b1 = 0; b1 < 256; ++b1) {
      const std::string text = {static_cast<char>(b0), static_cast<char>(b1)};
      size_t count = 0;
      bool valid = true;
      ForEachUtf8Char(text, [&](Utf8Char c, absl::string_view) {
        ++count;
        if (c.code_point == kInvalidCodePoint) valid = false;
      });
      const std::optional<size_t> length = Utf8Length(text);
      ASSERT_EQ(length.has_value(), valid) << absl::CEscape(text);
      if (valid) {
        EXPECT_EQ(*length, count) << absl::CEscape(text);
      }
    }
  }
}

}  // namespace
}  // namespace grassroots
