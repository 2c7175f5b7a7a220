#include "activity_service/attendance.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/enum_names.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace grassroots::activity {
namespace {

constexpr std::array<absl::string_view, 5> kAttendeeKindNames = {
    "ATTENDEE_KIND_UNSPECIFIED", "MEMBER", "IN_SERVICE_MEMBER", "VOLUNTEER", "RESIDENTS"};

// The minutes one point of credit takes.
constexpr int32_t kMinutesPerPoint = 30;

// The years a credit period may name, as dates elsewhere in the suite.
constexpr int64_t kFirstPeriodYear = 1900;
constexpr int64_t kLastPeriodYear = 2200;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsPersonKind(AttendeeKind kind) {
  return kind == AttendeeKind::kMember || kind == AttendeeKind::kInServiceMember ||
         kind == AttendeeKind::kVolunteer;
}

// Service to residents: the kinds whose minutes earn credit.
bool EarnsCredit(ActivityKind kind) {
  switch (kind) {
    case ActivityKind::kVolunteerService:
    case ActivityKind::kServiceDay:
    case ActivityKind::kNeighbourhoodFestival:
    case ActivityKind::kOpenThemedPartyDay:
    case ActivityKind::kCourtyardMeeting:
      return true;
    case ActivityKind::kUnspecified:
    case ActivityKind::kThemedPartyDay:
    case ActivityKind::kBranchAssembly:
    case ActivityKind::kBranchCommittee:
    case ActivityKind::kPartyGroupMeeting:
    case ActivityKind::kPartyLecture:
    case ActivityKind::kTraining:
      break;
  }
  return false;
}

// `text` as a number of exactly `min_digits`..`max_digits` decimal digits,
// or -1.
int64_t Digits(absl::string_view text, size_t min_digits, size_t max_digits) {
  if (text.size() < min_digits || text.size() > max_digits) return -1;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return -1;
  }
  int64_t value = 0;
  return absl::SimpleAtoi(text, &value) ? value : -1;
}

}  // namespace

absl::string_view AttendeeKindName(AttendeeKind kind) { return EnumName(kAttendeeKindNames, kind); }
std::optional<AttendeeKind> ParseAttendeeKindName(absl::string_view name) {
  return ParseEnumName<AttendeeKind>(kAttendeeKindNames, name);
}

std::string AttendanceName(int64_t activity_id, int64_t id) {
  return absl::StrCat(FormatResourceName("activities", activity_id), "/",
                      FormatResourceName("attendances", id));
}

absl::StatusOr<AttendanceId> ParseAttendanceName(absl::string_view name, absl::string_view field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4) {
    return Invalid(field, "must look like activities/{id}/attendances/{id} with positive ids");
  }
  AttendanceId id;
  ASSIGN_OR_RETURN(id.activity_id,
                   ParseResourceName(absl::StrCat(parts[0], "/", parts[1]), "activities", field));
  ASSIGN_OR_RETURN(id.id,
                   ParseResourceName(absl::StrCat(parts[2], "/", parts[3]), "attendances", field));
  return id;
}

absl::Status ValidateAttendanceFields(const Attendance& attendance, absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (IsPersonKind(attendance.kind)) {
    if (attendance.person_id == 0) {
      return Invalid(field("person"), absl::StrCat("is required for a ",
                                                   AttendeeKindName(attendance.kind), " line"));
    }
    if (attendance.minutes < 1 || attendance.minutes > kMaxMinutes) {
      return Invalid(field("minutes"),
                     absl::StrCat("must be 1..", kMaxMinutes, " for a person's line; got ",
                                  attendance.minutes));
    }
    if (attendance.head_count != 0) {
      return Invalid(field("head_count"), "is for a RESIDENTS line only");
    }
  } else if (attendance.kind == AttendeeKind::kResidents) {
    if (attendance.person_id != 0) {
      return Invalid(field("person"), "must be empty for a RESIDENTS line (a head count)");
    }
    if (attendance.head_count < 1 || attendance.head_count > kMaxHeadCount) {
      return Invalid(field("head_count"),
                     absl::StrCat("must be 1..", kMaxHeadCount, " for a RESIDENTS line; got ",
                                  attendance.head_count));
    }
    if (attendance.minutes != 0) {
      return Invalid(field("minutes"), "is for a person's line only");
    }
  } else {
    return Invalid(field("kind"), "is required: MEMBER, IN_SERVICE_MEMBER, VOLUNTEER or RESIDENTS");
  }
  return ValidateDisplayText(attendance.key, field("key"), kMaxKeyChars, /*required=*/false);
}

int64_t CreditFor(ActivityKind kind, const Attendance& attendance) {
  if (!EarnsCredit(kind) || !IsPersonKind(attendance.kind) || attendance.person_id == 0) return 0;
  return std::max<int64_t>(0, attendance.minutes / kMinutesPerPoint);
}

std::string CreditAccountName(int64_t person_id) {
  return FormatResourceName("creditAccounts", person_id);
}

absl::StatusOr<int64_t> ParseCreditAccountName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "creditAccounts", field);
}

std::string CreditEntryName(int64_t person_id, int64_t id) {
  return absl::StrCat(CreditAccountName(person_id), "/", FormatResourceName("entries", id));
}

absl::CivilMonth CreditMonth(absl::Time time) {
  static const absl::TimeZone* const kBeijing = new absl::TimeZone(absl::FixedTimeZone(8 * 3600));
  return absl::ToCivilMonth(time, *kBeijing);
}

absl::StatusOr<CreditPeriod> ParseCreditPeriod(absl::string_view text, absl::string_view field) {
  const auto bad = [&] {
    return Invalid(field, absl::StrCat("must be a year (2026) or a month (2026-12), years ",
                                       kFirstPeriodYear, "..", kLastPeriodYear));
  };
  const std::vector<absl::string_view> parts = absl::StrSplit(text, absl::MaxSplits('-', 1));
  const int64_t year = Digits(parts[0], 4, 4);
  if (year < kFirstPeriodYear || year > kLastPeriodYear) return bad();
  if (parts.size() == 1) {
    return CreditPeriod{absl::CivilMonth(year, 1), absl::CivilMonth(year, 12), absl::StrCat(year)};
  }
  const int64_t month = Digits(parts[1], 1, 2);
  if (month < 1 || month > 12) return bad();
  return MonthPeriod(absl::CivilMonth(year, static_cast<int>(month)));
}

CreditPeriod MonthPeriod(absl::CivilMonth month) {
  return CreditPeriod{month, month, absl::StrFormat("%04d-%02d", month.year(), month.month())};
}

void CreditAccount::Add(const CreditEntry& entry) {
  if (person_id == 0) person_id = entry.person_id;
  const absl::CivilMonth month = CreditMonth(entry.create_time);
  auto it = std::lower_bound(months.begin(), months.end(), month,
                             [](const Month& m, absl::CivilMonth key) { return m.month < key; });
  if (it == months.end() || it->month != month) it = months.insert(it, Month{.month = month});
  balance += entry.amount;
  if (entry.amount >= 0) {
    earned_total += entry.amount;
    it->earned += entry.amount;
  } else {
    redeemed_total -= entry.amount;
    it->redeemed -= entry.amount;
  }
  update_time = std::max(update_time, entry.create_time);
  revision = std::max(revision, entry.revision);
}

std::pair<int64_t, int64_t> CreditAccount::PeriodTotals(const CreditPeriod& period) const {
  int64_t earned = 0;
  int64_t redeemed = 0;
  for (auto it =
           std::lower_bound(months.begin(), months.end(), period.first,
                            [](const Month&m, absl::CivilMonth key) { return m.month < key; });
       it != months.end() && it->month <= period.last; ++it) {
    earned += it->earned;
    redeemed += it->redeemed;
  }
  return {earned, redeemed};
}

}  // namespace grassroots::activity
