#include "common/personal_data.h"

#include <array>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace grassroots {
namespace {

// GB 11643-1999: weight of each of the first 17 digits (2^(17-i) mod 11), and
// the check character for each remainder of the weighted sum modulo 11.
constexpr std::array<int, 17> kIdCardWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                3, 7, 9,  10, 5, 8, 4, 2};
constexpr absl::string_view kIdCardCheckCharacters = "10X98765432";

constexpr size_t kIdCardLength = 18;
constexpr size_t kPhoneLength = 11;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool AllDigits(absl::string_view s) {
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  return !s.empty();
}

int Digits(absl::string_view s) {
  int value = 0;
  for (char c : s) value = value * 10 + (c - '0');
  return value;
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsIdCardAt(absl::string_view text, size_t i) {
  if (i + kIdCardLength > text.size()) return false;
  const char last = text[i + kIdCardLength - 1];
  return AllDigits(text.substr(i, kIdCardLength - 1)) &&
         (IsDigit(last) || last == 'X' || last == 'x');
}

bool IsPhoneAt(absl::string_view text, size_t i) {
  return i + kPhoneLength <= text.size() && text[i] == '1' && text[i + 1] >= '3' &&
         AllDigits(text.substr(i, kPhoneLength));
}

// Calls `on_match(start, length, is_id_card)` for each stand-alone ID-card
// or phone number in `text`, left to right.
template <typename OnMatch>
void ScanPersonalData(absl::string_view text, OnMatch on_match) {
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i]) || (i > 0 && IsDigit(text[i - 1]))) {
      ++i;
      continue;
    }
    size_t run = i;
    while (run < text.size() && IsDigit(text[run])) ++run;
    const size_t digits = run - i;
    const bool x_after = run < text.size() && (text[run] == 'X' || text[run] == 'x');
    if ((digits == kIdCardLength || (digits == kIdCardLength - 1 && x_after)) &&
        IsIdCardAt(text, i)) {
      on_match(i, kIdCardLength, true);
    } else if (digits == kPhoneLength && IsPhoneAt(text, i)) {
      on_match(i, kPhoneLength, false);
    }
    i = run;
  }
}

}  // namespace

char IdCardCheckCharacter(absl::string_view number) {
  if (number.size() < kIdCardLength - 1 || !AllDigits(number.substr(0, kIdCardLength - 1))) {
    return '\0';
  }
  int sum = 0;
  for (size_t i = 0; i < kIdCardWeights.size(); ++i) {
    sum += (number[i] - '0') * kIdCardWeights[i];
  }
  return kIdCardCheckCharacters[sum % 11];
}

std::string NormalizeIdCardNumber(absl::string_view number) {
  return absl::AsciiStrToUpper(number);
}

absl::StatusOr<IdCardFacts> ParseIdCardNumber(absl::string_view number, absl::string_view field,
                                              absl::CivilDay today) {
  if (number.size() != kIdCardLength) {
    return Invalid(field, absl::StrCat("must be 18 characters; got ", number.size()));
  }
  if (!IsIdCardAt(number, 0)) {
    return Invalid(field, "must be 17 digits followed by a digit or X");
  }
  const char check = IdCardCheckCharacter(number);
  if (absl::ascii_toupper(number.back()) != check) {
    return Invalid(field, "has a wrong check character (GB 11643); it was mistyped");
  }
  if (number[0] == '0' || number[0] == '9') {
    return Invalid(field, "does not start with a region code");
  }
  const int year = Digits(number.substr(6, 4));
  const int month = Digits(number.substr(10, 2));
  const int day = Digits(number.substr(12, 2));
  const absl::CivilDay birth(year, month, day);
  // CivilDay normalises impossible dates (Feb 30 becomes Mar 2): compare back.
  if (birth.year() != year || birth.month() != month || birth.day() != day) {
    return Invalid(field, "holds a birth date that does not exist");
  }
  if (year < 1900 || birth > today) {
    return Invalid(field, "holds a birth date before 1900 or in the future");
  }
  const int sequence = Digits(number.substr(14, 3));
  return IdCardFacts{std::string(number.substr(0, 6)), birth,
                     sequence % 2 == 1 ? IdCardGender::kMale : IdCardGender::kFemale};
}

std::string NormalizeMobilePhone(absl::string_view phone) {
  absl::ConsumePrefix(&phone, "+86");
  return std::string(phone);
}

absl::Status ValidateMobilePhone(absl::string_view phone, absl::string_view field) {
  const std::string number = NormalizeMobilePhone(phone);
  if (number.size() != kPhoneLength || !IsPhoneAt(number, 0)) {
    return Invalid(field, "must be a mainland mobile number: 11 digits starting 13..19");
  }
  return absl::OkStatus();
}

std::string MaskIdCardNumber(absl::string_view number) {
  if (number.size() != kIdCardLength) return std::string(number.size(), '*');
  return absl::StrCat(number.substr(0, 6), std::string(8, '*'), number.substr(14));
}

std::string MaskMobilePhone(absl::string_view phone) {
  const std::string number = NormalizeMobilePhone(phone);
  if (number.size() != kPhoneLength) return std::string(phone.size(), '*');
  return absl::StrCat(number.substr(0, 3), "****", number.substr(7));
}

std::string RedactPersonalData(absl::string_view text) {
  std::string out;
  size_t copied = 0;
  ScanPersonalData(text, [&](size_t start, size_t length, bool is_id_card) {
    out.append(text.data() + copied, start - copied);
    const absl::string_view found = text.substr(start, length);
    out += is_id_card ? MaskIdCardNumber(found) : MaskMobilePhone(found);
    copied = start + length;
  });
  out.append(text.data() + copied, text.size() - copied);
  return out;
}

bool ContainsPersonalData(absl::string_view text) {
  bool found = false;
  ScanPersonalData(text, [&](size_t, size_t, bool) { found = true; });
  return found;
}

}  // namespace grassroots
