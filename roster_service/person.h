#ifndef GRASSROOTS_ROSTER_SERVICE_PERSON_H_
#define GRASSROOTS_ROSTER_SERVICE_PERSON_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace grassroots::roster {

// Values match the proto enums and the database; never renumber them.
enum class Gender : int8_t { kUnspecified = 0, kMale = 1, kFemale = 2 };
enum class PartyStatus : int8_t { kUnspecified = 0, kFull = 1, kProbationary = 2, kNone = 3 };
enum class MemberCategory : int8_t {
  kUnspecified = 0,
  kInService = 1,
  kRetired = 2,
  kDirect = 3,
  kFloating = 4,
};

inline bool IsPartyMember(PartyStatus status) {
  return status == PartyStatus::kFull || status == PartyStatus::kProbationary;
}

struct Person {
  int64_t id = 0;
  std::string display_name;
  Gender gender = Gender::kUnspecified;
  std::optional<absl::CivilDay> birth_date;
  // Kept in full (normalised: upper-case X); masked on the way out unless
  // the caller may see it.
  std::string id_card_number;
  std::string phone;                  // normalised: no +86
  int64_t residence_building_id = 0;  // 0: none
  std::string residence_room;
  PartyStatus party_status = PartyStatus::kUnspecified;
  std::optional<absl::CivilDay> admission_date;
  MemberCategory member_category = MemberCategory::kUnspecified;
  // Probationary members: the months by which probation was extended, once
  // (0..12).
  int32_t probation_extension_months = 0;
  std::string external_key;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  bool deleted = false;
  absl::Time delete_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const Person&) const = default;
};

std::string PersonName(int64_t id);  // "people/42"
absl::StatusOr<int64_t> ParsePersonName(absl::string_view name, absl::string_view field);

inline constexpr size_t kMaxPersonNameChars = 64;
inline constexpr size_t kMaxRoomChars = 16;
inline constexpr size_t kMaxExternalKeyLength = 128;

// Checks a person's fields on their own, given today's date (for birth and
// admission dates): display name; ID-card number (GB 11643 check character,
// its birth date equal to birth_date when both are given, and its sex to
// gender); phone; room; that a party status is given, that members have an
// admission date not in the future and non-members neither an admission date
// nor a member category; the external key. Normalises the ID-card number and
// phone, and fills birth_date and gender from the ID-card number when they
// are unset. INVALID_ARGUMENT naming `field_prefix` + the field; messages
// never repeat an ID-card number or phone.
absl::Status ValidateAndNormalizePerson(Person& person, absl::CivilDay today,
                                        absl::string_view field_prefix);

inline constexpr int32_t kMaxProbationExtensionMonths = 12;

// Probationary members are due for a decision a year after admission, or
// that many months later when probation was extended: the day it falls due,
// nullopt for anyone else (or without an admission date).
std::optional<absl::CivilDay> ProbationDecisionDue(const Person& person);
// Overdue from the day after it falls due.
bool ProbationIsOverdue(const Person& person, absl::CivilDay today);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_PERSON_H_
