#ifndef GRASSROOTS_COMMON_PERSONAL_DATA_H_
#define GRASSROOTS_COMMON_PERSONAL_DATA_H_

// Resident ID-card numbers and mobile phone numbers: validation, masking,
// and redaction of free text. Both are personal information under China's
// PIPL: they are shown unmasked only to callers granted that right, and never
// written to a log.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace grassroots {

enum class IdCardGender { kFemale, kMale };

// What an 18-character resident identity number (GB 11643-1999) says.
struct IdCardFacts {
  std::string region_code;  // the first six digits
  absl::CivilDay birth_date;
  IdCardGender gender;  // the sequence number's parity: odd for men
};

// Checks `number` as an 18-character resident identity number: 17 digits and
// a check character (a digit or X; lower-case x is accepted), the check
// character matching the GB 11643 weighted sum modulo 11, a region code that
// does not start with 0 or 9, and a birth date that exists, is not before
// 1900 and not after `today`. INVALID_ARGUMENT naming `field` otherwise; the
// message never repeats the number.
absl::StatusOr<IdCardFacts> ParseIdCardNumber(absl::string_view number, absl::string_view field,
                                              absl::CivilDay today);

// The GB 11643 check character for the first 17 digits of `number`, or '\0'
// when they are not 17 digits.
char IdCardCheckCharacter(absl::string_view number);

// The number in the form kept and compared: upper-case X.
std::string NormalizeIdCardNumber(absl::string_view number);

// Checks a mainland mobile number: 11 digits starting with 1 and then 3..9,
// optionally after "+86". INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateMobilePhone(absl::string_view phone, absl::string_view field);

// The number without a "+86" prefix.
std::string NormalizeMobilePhone(absl::string_view phone);

// Masked forms for callers without the right to see the data:
// "110105********1234" and "138****5678". Inputs of another length are masked
// whole, keeping none of them.
std::string MaskIdCardNumber(absl::string_view number);
std::string MaskMobilePhone(absl::string_view phone);

// `text` with everything that looks like an ID-card number (17 digits and a
// digit or X) or a mobile number (1[3-9] and 9 digits), not part of a longer
// run of digits, masked. For log lines and error messages.
std::string RedactPersonalData(absl::string_view text);

// Whether `text` holds something RedactPersonalData would mask. For tests
// that scan logs.
bool ContainsPersonalData(absl::string_view text);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PERSONAL_DATA_H_
