// ID-card numbers, mobile numbers and the redaction of personal data
// (common/personal_data.h).
//
// Input: two bytes pick "today" (1990-01-01 plus up to 65535 days), the
// rest is the text checked as an ID-card number, as a phone number, and as
// free text to redact.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/personal_data.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"

namespace grassroots::fuzz {
namespace {

constexpr absl::string_view kField = "person.id_card_number";
constexpr absl::string_view kPhoneField = "person.phone";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int CountDigits(absl::string_view text) {
  int n = 0;
  for (char c : text) n += IsDigit(c) ? 1 : 0;
  return n;
}

int LongestDigitRun(absl::string_view text) {
  int longest = 0;
  int run = 0;
  for (char c : text) {
    run = IsDigit(c) ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return longest;
}

// A refusal names the field and never repeats the value (it would reach
// logs and clients unmasked). Only values with six digits in a row are
// checked: the messages themselves hold short numbers ("18 characters",
// "13..19") that a value may happen to spell.
void CheckRefusal(const absl::Status& status, absl::string_view field, absl::string_view value) {
  FUZZ_CHECK(status.code() == absl::StatusCode::kInvalidArgument) << status;
  FUZZ_CHECK(absl::StartsWith(status.message(), absl::StrCat(field, ": "))) << status;
  if (LongestDigitRun(value) >= 6) {
    FUZZ_CHECK(!absl::StrContains(status.message(), value)) << "the message repeats the value";
  }
}

void CheckIdCard(const std::string& text, absl::CivilDay today) {
  const char check = IdCardCheckCharacter(text);
  const bool first17_digits =
      text.size() >= 17 && CountDigits(absl::string_view(text).substr(0, 17)) == 17;
  FUZZ_CHECK((check != '\0') == first17_digits) << "check character " << int{check};
  if (check != '\0') FUZZ_CHECK(IsDigit(check) || check == 'X') << int{check};

  FUZZ_CHECK(NormalizeIdCardNumber(NormalizeIdCardNumber(text)) == NormalizeIdCardNumber(text));

  absl::StatusOr<IdCardFacts> facts = ParseIdCardNumber(text, kField, today);
  if (!facts.ok()) {
    CheckRefusal(facts.status(), kField, text);
    return;
  }
  // A number that parses is 18 characters with the right check character.
  FUZZ_CHECK(text.size() == 18) << text.size();
  FUZZ_CHECK(check == absl::ascii_toupper(static_cast<unsigned char>(text[17])))
      << "accepted a wrong check character";
  FUZZ_CHECK(facts->region_code == text.substr(0, 6));
  FUZZ_CHECK(facts->birth_date.year() >= 1900 && facts->birth_date <= today) << facts->birth_date;
  const int sequence_last = text[16] - '0';
  FUZZ_CHECK((facts->gender == IdCardGender::kMale) == (sequence_last % 2 == 1));
  FUZZ_CHECK(ParseIdCardNumber(NormalizeIdCardNumber(text), kField, today).ok());
  FUZZ_CHECK(ContainsPersonalData(text)) << "a valid number is not seen as personal data";
  const std::string masked = MaskIdCardNumber(text);
  FUZZ_CHECK(masked == absl::StrCat(text.substr(0, 6), "********", text.substr(14))) << masked;
}

void CheckPhone(const std::string& text) {
  const absl::Status status = ValidateMobilePhone(text, kPhoneField);
  if (!status.ok()) {
    CheckRefusal(status, kPhoneField, text);
    return;
  }
  const std::string number = NormalizeMobilePhone(text);
  FUZZ_CHECK(number.size() == 11 && CountDigits(number) == 11 && number[0] == '1' &&
             number[1] >= '3')
      << "accepted a number that is not a mainland mobile number";
  FUZZ_CHECK(ContainsPersonalData(number)) << "a valid phone is not seen as personal data";
  FUZZ_CHECK(MaskMobilePhone(text) == absl::StrCat(number.substr(0, 3), "****", number.substr(7)));
}

void CheckRedaction(const std::string& text) {
  const std::string redacted = RedactPersonalData(text);
  FUZZ_CHECK(!ContainsPersonalData(redacted)) << "redaction left personal data";
  // Masking replaces characters one for one, with '*' only, and only where
  // something was found.
  FUZZ_CHECK(redacted.size() == text.size()) << redacted.size() << " vs " << text.size();
  for (size_t i = 0; i < text.size(); ++i) {
    FUZZ_CHECK(redacted[i] == text[i] || redacted[i] == '*') << "changed byte " << i;
  }
  FUZZ_CHECK(ContainsPersonalData(text) == (redacted != text));
  FUZZ_CHECK(RedactPersonalData(redacted) == redacted) << "redaction is not idempotent";
  // The masked forms are safe to show whatever they were given.
  FUZZ_CHECK(!ContainsPersonalData(MaskIdCardNumber(text)));
  FUZZ_CHECK(!ContainsPersonalData(MaskMobilePhone(text)));
}

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grassroots::fuzz;
  FuzzInput in(data, size);
  const int offset = in.Byte() | (in.Byte() << 8);
  const absl::CivilDay today = absl::CivilDay(1990, 1, 1) + offset;
  const std::string text = in.Rest();
  CheckIdCard(text, today);
  CheckPhone(text);
  CheckRedaction(text);
  return 0;
}
