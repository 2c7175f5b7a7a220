#include "roster_service/person.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

using ::grassroots::testing::kInvalid;
const absl::CivilDay kToday(2026, 11, 23);

// Real-format numbers whose check characters were computed apart from this
// code: GB 11643's own example (born 1949-12-31, sequence 002: a woman) and
// a man born 1990-03-07 (sequence 005).
constexpr absl::string_view kStandardExample = "11010519491231002X";
constexpr absl::string_view kMaleSample = "330106199003070057";
// kStandardExample with a wrong check character.
constexpr absl::string_view kMistyped = "110105194912310021";

Person FullMember() {
  Person person;
  person.display_name = "张伟";
  person.party_status = PartyStatus::kFull;
  person.admission_date = absl::CivilDay(2001, 7, 1);
  person.member_category = MemberCategory::kRetired;
  return person;
}

Person NonMember() {
  Person person;
  person.display_name = "李娜";
  person.party_status = PartyStatus::kNone;
  return person;
}

// Validates a copy, so that a test can compare what was normalised.
absl::StatusOr<Person> Validated(Person person) {
  if (absl::Status s = ValidateAndNormalizePerson(person, kToday, "person."); !s.ok()) return s;
  return person;
}

absl::Status Validate(Person person) { return Validated(std::move(person)).status(); }

// --- Names ---

TEST(PersonNameTest, FormatsAndParses) {
  EXPECT_EQ(PersonName(42), "people/42");
  EXPECT_THAT(ParsePersonName("people/42", "person"), IsOkAndHolds(42));
}

TEST(PersonNameTest, RefusesOtherNamesNamingTheField) {
  for (absl::string_view name : {"people/0", "people/x", "units/4", "people/4/memberships/1"}) {
    EXPECT_THAT(ParsePersonName(name, "role_assignment.person"),
                StatusIs(kInvalid, HasSubstr("role_assignment.person: must look like people/{id}")))
        << name;
  }
  EXPECT_THAT(ParsePersonName("", "person"), StatusIs(kInvalid, HasSubstr("person: is required")));
}

// --- Party status ---

TEST(ValidatePersonTest, AcceptsEachPartyStatus) {
  Person probationary = FullMember();
  probationary.party_status = PartyStatus::kProbationary;
  probationary.admission_date = absl::CivilDay(2026, 3, 1);
  probationary.member_category = MemberCategory::kInService;
  for (const Person& person : {FullMember(), probationary, NonMember()}) {
    EXPECT_THAT(Validate(person), IsOk()) << person.display_name;
  }
}

TEST(ValidatePersonTest, RequiresAPartyStatus) {
  Person person = NonMember();
  person.party_status = PartyStatus::kUnspecified;
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.party_status: is required: one of FULL")));
}

TEST(ValidatePersonTest, MembersNeedAnAdmissionDateNotInTheFuture) {
  Person person = FullMember();
  person.admission_date.reset();
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.admission_date: is required for a party")));

  person.admission_date = kToday;
  EXPECT_THAT(Validate(person), IsOk());
  person.admission_date = kToday + 1;
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.admission_date: must not be in the future")));
  person.admission_date = absl::CivilDay(1899, 12, 31);
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.admission_date: must not be before 1900")));
}

TEST(ValidatePersonTest, NonMembersHaveNoAdmissionDateOrCategory) {
  Person person = NonMember();
  person.admission_date = absl::CivilDay(2001, 7, 1);
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.admission_date: must be empty for a person "
                                           "who is not a member")));

  person = NonMember();
  person.member_category = MemberCategory::kInService;
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.member_category: must be empty")));
}

TEST(ValidatePersonTest, RefusesEnumValuesOutsideTheDomain) {
  Person person = FullMember();
  person.gender = static_cast<Gender>(3);
  EXPECT_THAT(Validate(person), StatusIs(kInvalid, HasSubstr("person.gender: is not a known")));
  person = FullMember();
  person.member_category = static_cast<MemberCategory>(5);
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.member_category: is not a known")));
  person = FullMember();
  person.party_status = static_cast<PartyStatus>(4);
  EXPECT_THAT(Validate(person), StatusIs(kInvalid, HasSubstr("person.party_status:")));
}

// --- Text fields ---

TEST(ValidatePersonTest, ChecksTheDisplayName) {
  Person person = NonMember();
  person.display_name = "";
  EXPECT_THAT(Validate(person), StatusIs(kInvalid, HasSubstr("person.display_name: is required")));
  person.display_name = std::string(kMaxPersonNameChars + 1, 'a');
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.display_name: is 65 characters long")));
  person.display_name = "欧阳\n娜娜";
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.display_name: must not contain control")));
}

TEST(ValidatePersonTest, ChecksTheRoom) {
  Person person = NonMember();
  person.residence_room = "3单元502室";
  EXPECT_THAT(Validate(person), IsOk());
  person.residence_room = std::string(kMaxRoomChars + 1, '1');
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.residence_room: is 17 characters long")));
}

TEST(ValidatePersonTest, ChecksTheExternalKey) {
  Person person = NonMember();
  person.external_key = std::string(kMaxExternalKeyLength, 'k');
  EXPECT_THAT(Validate(person), IsOk());
  person.external_key += "k";
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.external_key: is 129 bytes long; at most 128")));
  person.external_key = "HR\t001";
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.external_key: must not contain control")));
}

TEST(ValidatePersonTest, UsesTheFieldPrefix) {
  Person person = NonMember();
  person.display_name = "";
  EXPECT_THAT(ValidateAndNormalizePerson(person, kToday, "rows[3].person."),
              StatusIs(kInvalid, HasSubstr("rows[3].person.display_name:")));
}

// --- Birth date, gender and ID-card number ---

TEST(ValidatePersonTest, ChecksABirthDateGivenAlone) {
  Person person = NonMember();
  person.birth_date = absl::CivilDay(1950, 5, 4);
  EXPECT_THAT(Validate(person), IsOk());
  person.birth_date = kToday + 1;
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.birth_date: must not be in the future")));
  person.birth_date = absl::CivilDay(1899, 12, 31);
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.birth_date: must not be before 1900")));
}

TEST(ValidatePersonTest, FillsBirthDateAndGenderFromTheIdCard) {
  Person person = NonMember();
  person.id_card_number = std::string(kStandardExample);
  absl::StatusOr<Person> validated = Validated(person);
  ASSERT_THAT(validated, IsOk());
  EXPECT_THAT(validated->birth_date, Optional(absl::CivilDay(1949, 12, 31)));
  EXPECT_EQ(validated->gender, Gender::kFemale);

  person.id_card_number = std::string(kMaleSample);
  validated = Validated(person);
  ASSERT_THAT(validated, IsOk());
  EXPECT_THAT(validated->birth_date, Optional(absl::CivilDay(1990, 3, 7)));
  EXPECT_EQ(validated->gender, Gender::kMale);
}

TEST(ValidatePersonTest, AcceptsBirthDateAndGenderThatAgreeWithTheIdCard) {
  Person person = FullMember();
  person.id_card_number = std::string(kMaleSample);
  person.birth_date = absl::CivilDay(1990, 3, 7);
  person.gender = Gender::kMale;
  absl::StatusOr<Person> validated = Validated(person);
  ASSERT_THAT(validated, IsOk());
  EXPECT_EQ(*validated, person);  // nothing to normalise
}

TEST(ValidatePersonTest, RefusesABirthDateOrGenderTheIdCardContradicts) {
  Person person = NonMember();
  person.id_card_number = std::string(kStandardExample);
  person.birth_date = absl::CivilDay(1949, 12, 30);
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.birth_date: differs from the birth date in "
                                           "id_card_number")));

  person.birth_date.reset();
  person.gender = Gender::kMale;
  EXPECT_THAT(Validate(person),
              StatusIs(kInvalid, HasSubstr("person.gender: differs from the sex id_card_number")));
}

TEST(ValidatePersonTest, NormalisesALowerCaseCheckCharacter) {
  Person person = NonMember();
  person.id_card_number = "11010519491231002x";
  absl::StatusOr<Person> validated = Validated(person);
  ASSERT_THAT(validated, IsOk());
  EXPECT_EQ(validated->id_card_number, kStandardExample);
}

TEST(ValidatePersonTest, RefusesBadIdCardNumbers) {
  struct Case {
    absl::string_view number;
    absl::string_view problem;
  };
  for (const Case& c : {Case{kMistyped, "has a wrong check character"},
                        Case{"1101051949123100", "must be 18 characters"},
                        Case{"1101051949123100AX", "must be 17 digits"},
                        // Right checksum, but born 1900-02-29, which never was.
                        Case{"110105190002290017", "holds a birth date that does not exist"}}) {
    Person person = NonMember();
    person.id_card_number = std::string(c.number);
    EXPECT_THAT(Validate(person),
                StatusIs(kInvalid, HasSubstr(absl::StrCat("person.id_card_number: ", c.problem))))
        << c.number;
  }
}

TEST(ValidatePersonTest, RefusesAnIdCardBornAfterToday) {
  Person person = NonMember();
  person.id_card_number = std::string(kMaleSample);
  EXPECT_THAT(ValidateAndNormalizePerson(person, absl::CivilDay(1990, 3, 6), "person."),
              StatusIs(kInvalid, HasSubstr("person.id_card_number: holds a birth date")));
}

// --- Phone ---

TEST(ValidatePersonTest, NormalisesThePhone) {
  Person person = NonMember();
  person.phone = "+8613800138000";
  absl::StatusOr<Person> validated = Validated(person);
  ASSERT_THAT(validated, IsOk());
  EXPECT_EQ(validated->phone, "13800138000");
}

TEST(ValidatePersonTest, RefusesBadPhones) {
  for (absl::string_view phone : {"12800138000", "1380013800", "010-88886666", "+851380013800"}) {
    Person person = NonMember();
    person.phone = std::string(phone);
    EXPECT_THAT(Validate(person),
                StatusIs(kInvalid, HasSubstr("person.phone: must be a mainland mobile number")))
        << phone;
  }
}

// --- Personal data in messages ---

TEST(ValidatePersonTest, MessagesNeverRepeatTheNumberOrPhone) {
  std::vector<Person> refused;
  for (absl::string_view number : {kMistyped, absl::string_view("110105190002290017"),
                                   absl::string_view("1101051949123100AX")}) {
    Person person = NonMember();
    person.id_card_number = std::string(number);
    refused.push_back(person);
  }
  Person contradicted = NonMember();
  contradicted.id_card_number = std::string(kStandardExample);
  contradicted.birth_date = absl::CivilDay(1950, 1, 1);
  refused.push_back(contradicted);
  contradicted.birth_date.reset();
  contradicted.gender = Gender::kMale;
  refused.push_back(contradicted);
  Person bad_phone = NonMember();
  bad_phone.phone = "1380013800012";  // one digit too many
  refused.push_back(bad_phone);

  for (const Person& person : refused) {
    const absl::Status status = Validate(person);
    ASSERT_THAT(status, StatusIs(kInvalid));
    const std::string message(status.message());
    EXPECT_FALSE(ContainsPersonalData(message)) << message;
    if (!person.id_card_number.empty()) {
      EXPECT_THAT(message, Not(HasSubstr(person.id_card_number)));
      // Nor the birth date it holds.
      EXPECT_THAT(message, Not(HasSubstr("1949")));
    }
    if (!person.phone.empty()) {
      EXPECT_THAT(message, Not(HasSubstr("13800138")));
    }
  }
}

// --- Probation ---

Person Probationary(absl::CivilDay admitted) {
  Person person = FullMember();
  person.party_status = PartyStatus::kProbationary;
  person.admission_date = admitted;
  return person;
}

TEST(ProbationIsOverdueTest, DueOnTheAnniversaryOverdueTheDayAfter) {
  const Person person = Probationary(absl::CivilDay(2025, 7, 1));
  EXPECT_FALSE(ProbationIsOverdue(person, absl::CivilDay(2025, 7, 1)));
  EXPECT_FALSE(ProbationIsOverdue(person, absl::CivilDay(2026, 6, 30)));
  EXPECT_FALSE(ProbationIsOverdue(person, absl::CivilDay(2026, 7, 1)));
  EXPECT_TRUE(ProbationIsOverdue(person, absl::CivilDay(2026, 7, 2)));
}

TEST(ProbationIsOverdueTest, ALeapDayAdmissionFallsDueOnTheFirstOfMarch) {
  const Person person = Probationary(absl::CivilDay(2024, 2, 29));
  EXPECT_FALSE(ProbationIsOverdue(person, absl::CivilDay(2025, 3, 1)));
  EXPECT_TRUE(ProbationIsOverdue(person, absl::CivilDay(2025, 3, 2)));
}

TEST(ProbationIsOverdueTest, OnlyProbationaryMembersAreDue) {
  Person full = Probationary(absl::CivilDay(2020, 1, 1));
  full.party_status = PartyStatus::kFull;
  EXPECT_FALSE(ProbationIsOverdue(full, kToday));
  EXPECT_FALSE(ProbationIsOverdue(NonMember(), kToday));
  Person undated = Probationary(absl::CivilDay(2020, 1, 1));
  undated.admission_date.reset();
  EXPECT_FALSE(ProbationIsOverdue(undated, kToday));
}

}  // namespace
}  // namespace grassroots::roster
