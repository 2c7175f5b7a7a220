#include "roster_service/person.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/personal_data.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace grassroots::roster {
namespace {

// grassroots.type.Date starts in 1900; nobody alive was born or admitted
// earlier.
constexpr int kMinYear = 1900;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// A date that must already have happened: a birth or an admission.
absl::Status CheckPastDate(const std::optional<absl::CivilDay>& date, absl::CivilDay today,
                           absl::string_view field) {
  if (!date) return absl::OkStatus();
  if (date->year() < kMinYear) {
    return Invalid(field, absl::StrCat("must not be before ", kMinYear));
  }
  if (*date > today) return Invalid(field, "must not be in the future");
  return absl::OkStatus();
}

absl::Status CheckEnums(const Person& person, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (person.gender < Gender::kUnspecified || person.gender > Gender::kFemale) {
    return Invalid(field("gender"), "is not a known value");
  }
  if (person.member_category < MemberCategory::kUnspecified ||
      person.member_category > MemberCategory::kFloating) {
    return Invalid(field("member_category"), "is not a known value");
  }
  return absl::OkStatus();
}

Gender GenderOf(IdCardGender gender) {
  return gender == IdCardGender::kMale ? Gender::kMale : Gender::kFemale;
}

// Checks the number, normalises it, and makes birth_date and gender agree
// with what it says: filled in when unset, refused when they differ. The
// messages name the field but never the number or the dates it holds.
absl::Status CheckIdCard(Person& person, absl::CivilDay today, absl::string_view field_prefix) {
  if (person.id_card_number.empty()) return absl::OkStatus();
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  ASSIGN_OR_RETURN(const IdCardFacts facts,
                   ParseIdCardNumber(person.id_card_number, field("id_card_number"), today));
  if (person.birth_date && *person.birth_date != facts.birth_date) {
    return Invalid(field("birth_date"), "differs from the birth date in id_card_number");
  }
  if (person.gender != Gender::kUnspecified && person.gender != GenderOf(facts.gender)) {
    return Invalid(field("gender"), "differs from the sex id_card_number records");
  }
  person.id_card_number = NormalizeIdCardNumber(person.id_card_number);
  person.birth_date = facts.birth_date;
  person.gender = GenderOf(facts.gender);
  return absl::OkStatus();
}

absl::Status CheckPhone(std::string& phone, absl::string_view field) {
  if (phone.empty()) return absl::OkStatus();
  RETURN_IF_ERROR(ValidateMobilePhone(phone, field));
  phone = NormalizeMobilePhone(phone);
  return absl::OkStatus();
}

// Members have been admitted on a known day; non-members have neither an
// admission nor a member category.
absl::Status CheckPartyStatus(const Person& person, absl::CivilDay today,
                              absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (person.party_status <= PartyStatus::kUnspecified ||
      person.party_status > PartyStatus::kNone) {
    return Invalid(field("party_status"), "is required: one of FULL, PROBATIONARY, NONE");
  }
  if (person.probation_extension_months < 0 ||
      person.probation_extension_months > kMaxProbationExtensionMonths) {
    return Invalid(field("probation_extension_months"),
                   "must be 0..12: probation is extended once, by up to a year");
  }
  // Kept once a member becomes FULL: it is part of their record.
  if (person.probation_extension_months != 0 && !IsPartyMember(person.party_status)) {
    return Invalid(field("probation_extension_months"),
                   "must be 0 for a person who is not a member");
  }
  if (IsPartyMember(person.party_status)) {
    if (!person.admission_date) {
      return Invalid(field("admission_date"), "is required for a party member");
    }
    return CheckPastDate(person.admission_date, today, field("admission_date"));
  }
  if (person.admission_date) {
    return Invalid(field("admission_date"), "must be empty for a person who is not a member");
  }
  if (person.member_category != MemberCategory::kUnspecified) {
    return Invalid(field("member_category"), "must be empty for a person who is not a member");
  }
  return absl::OkStatus();
}

// Keys come from other systems, so any printable text is allowed; the limit
// is in bytes because keys are indexed as they are.
absl::Status CheckExternalKey(absl::string_view key, absl::string_view field) {
  if (key.size() > kMaxExternalKeyLength) {
    return Invalid(field, absl::StrCat("is ", key.size(), " bytes long; at most ",
                                       kMaxExternalKeyLength, " are allowed"));
  }
  return ValidateDisplayText(key, field, kMaxExternalKeyLength, /*required=*/false);
}

}  // namespace

std::string PersonName(int64_t id) { return FormatResourceName("people", id); }

absl::StatusOr<int64_t> ParsePersonName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "people", field);
}

absl::Status ValidateAndNormalizePerson(Person& person, absl::CivilDay today,
                                        absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  RETURN_IF_ERROR(
      ValidateDisplayText(person.display_name, field("display_name"), kMaxPersonNameChars));
  RETURN_IF_ERROR(CheckEnums(person, field_prefix));
  RETURN_IF_ERROR(CheckPastDate(person.birth_date, today, field("birth_date")));
  RETURN_IF_ERROR(CheckIdCard(person, today, field_prefix));
  RETURN_IF_ERROR(CheckPhone(person.phone, field("phone")));
  RETURN_IF_ERROR(ValidateDisplayText(person.residence_room, field("residence_room"), kMaxRoomChars,
                                      /*required=*/false));
  RETURN_IF_ERROR(CheckPartyStatus(person, today, field_prefix));
  return CheckExternalKey(person.external_key, field("external_key"));
}

std::optional<absl::CivilDay> ProbationDecisionDue(const Person& person) {
  if (person.party_status != PartyStatus::kProbationary || !person.admission_date) {
    return std::nullopt;
  }
  // The probation period is one year (Party Constitution, art. 7), and the
  // branch decides when it ends: the decision is due on the anniversary of
  // admission and overdue from the day after. A 29 February admission falls
  // due on 1 March of a common year, as CivilDay normalises 29 February.
  // An extension (once, by up to a year) moves it by whole months; the
  // month's day is kept, normalised like the anniversary (31 March + 6
  // months is 1 October).
  const absl::CivilDay& admitted = *person.admission_date;
  const absl::CivilMonth month =
      absl::CivilMonth(admitted) + 12 + person.probation_extension_months;
  return absl::CivilDay(month.year(), month.month(), admitted.day());
}

bool ProbationIsOverdue(const Person& person, absl::CivilDay today) {
  const std::optional<absl::CivilDay> due = ProbationDecisionDue(person);
  return due.has_value() && today > *due;
}

}  // namespace grassroots::roster
