#include "common/personal_data.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

const absl::CivilDay kToday(2026, 11, 23);

// Samples in the real format whose check characters were computed apart from
// this code (the first is the standard's own example).
constexpr absl::string_view kStandardExample = "11010519491231002X";
constexpr absl::string_view kMaleSample = "330106199003070057";
constexpr absl::string_view kBornIn1880 = "440524188001010014";
constexpr absl::string_view kLeapDay = "110105200002290013";
constexpr absl::string_view kFemaleSample = "420102198511200040";

TEST(IdCardTest, AcceptsValidNumbersAndReadsTheirFacts) {
  absl::StatusOr<IdCardFacts> facts = ParseIdCardNumber(kStandardExample, "id", kToday);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->region_code, "110105");
  EXPECT_EQ(facts->birth_date, absl::CivilDay(1949, 12, 31));
  EXPECT_EQ(facts->gender, IdCardGender::kFemale);  // sequence 002

  facts = ParseIdCardNumber(kMaleSample, "id", kToday);
  ASSERT_TRUE(facts.ok()) << facts.status();
  EXPECT_EQ(facts->gender, IdCardGender::kMale);  // sequence 005
  EXPECT_EQ(facts->birth_date, absl::CivilDay(1990, 3, 7));
}

TEST(IdCardTest, ChecksTheBirthDate) {
  EXPECT_TRUE(ParseIdCardNumber(kLeapDay, "id", kToday).ok());
  // Checksum right, but 1900-02-29 never existed.
  EXPECT_THAT(ParseIdCardNumber("110105190002290017", "person.id_card_number", kToday).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("person.id_card_number: holds a birth date that does not")));
  EXPECT_THAT(ParseIdCardNumber(kBornIn1880, "id", kToday).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("before 1900")));
  EXPECT_THAT(ParseIdCardNumber(kFemaleSample, "id", absl::CivilDay(1985, 11, 19)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("in the future")));
}

TEST(IdCardTest, RefusesWrongCheckCharactersLengthsAndCharacters) {
  EXPECT_THAT(ParseIdCardNumber("110105194912310021", "id", kToday).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("check character")));
  EXPECT_THAT(ParseIdCardNumber("11010519491231002", "id", kToday).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("18 characters")));
  EXPECT_THAT(ParseIdCardNumber("1101051949123100AX", "id", kToday).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("17 digits")));
  EXPECT_TRUE(ParseIdCardNumber("11010519491231002x", "id", kToday).ok());
}

TEST(IdCardTest, ErrorsNeverRepeatTheNumber) {
  for (absl::string_view bad : {"110105194912310021", "110105190002290017", "1101051949123100"}) {
    absl::Status status = ParseIdCardNumber(bad, "id", kToday).status();
    EXPECT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()), Not(HasSubstr(std::string(bad))));
  }
}

TEST(IdCardTest, CheckCharacterMatchesTheStandardExample) {
  EXPECT_EQ(IdCardCheckCharacter(kStandardExample), 'X');
  EXPECT_EQ(IdCardCheckCharacter(kMaleSample), '7');
  EXPECT_EQ(IdCardCheckCharacter(kBornIn1880), '4');
  EXPECT_EQ(IdCardCheckCharacter("1234"), '\0');
}

TEST(MobilePhoneTest, AcceptsMainlandMobileNumbers) {
  EXPECT_TRUE(ValidateMobilePhone("13800138000", "phone").ok());
  EXPECT_TRUE(ValidateMobilePhone("+8619912345678", "phone").ok());
  EXPECT_EQ(NormalizeMobilePhone("+8613800138000"), "13800138000");
  for (absl::string_view bad : {"12800138000", "1380013800", "138001380000", "1380013800a", ""}) {
    EXPECT_THAT(ValidateMobilePhone(bad, "person.phone"),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("person.phone")))
        << bad;
  }
}

TEST(MaskTest, KeepsOnlyTheAgreedDigits) {
  EXPECT_EQ(MaskIdCardNumber(kStandardExample), "110105********002X");
  EXPECT_EQ(MaskMobilePhone("13812345678"), "138****5678");
  EXPECT_EQ(MaskMobilePhone("+8613812345678"), "138****5678");
  EXPECT_EQ(MaskIdCardNumber("12345"), "*****");
  EXPECT_EQ(MaskMobilePhone("12345"), "*****");
}

TEST(RedactTest, MasksEveryNumberInFreeTextAndLeavesTheRest) {
  const std::string line = absl::StrCat("张三 id=", kStandardExample,
                                        " phone:13812345678, room 1203, code 420102001001");
  const std::string redacted = RedactPersonalData(line);
  EXPECT_EQ(redacted, "张三 id=110105********002X phone:138****5678, room 1203, code 420102001001");
  EXPECT_TRUE(ContainsPersonalData(line));
  EXPECT_FALSE(ContainsPersonalData(redacted));
  // Longer runs of digits (revisions, codes) are not personal data.
  EXPECT_FALSE(ContainsPersonalData("revision 1381234567890123456789"));
  EXPECT_FALSE(ContainsPersonalData("138123456789"));
  EXPECT_TRUE(ContainsPersonalData("13812345678"));
}

}  // namespace
}  // namespace grassroots
