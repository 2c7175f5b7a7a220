#ifndef GRASSROOTS_ACTIVITY_SERVICE_ATTENDANCE_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ATTENDANCE_H_

// Attendance of an activity, the volunteer credit it earns (the credit
// rule) and the credit ledger's entries. Pure C++ and abseil.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "activity_service/activity.h"

namespace grassroots::activity {

// Values as in grassroots.activity.v1.
enum class AttendeeKind : int8_t {
  kUnspecified = 0,
  kMember = 1,
  kInServiceMember = 2,
  kVolunteer = 3,
  kResidents = 4,  // a head count, no person
};
absl::string_view AttendeeKindName(AttendeeKind kind);  // "VOLUNTEER"
std::optional<AttendeeKind> ParseAttendeeKindName(absl::string_view name);

struct Attendance {
  int64_t activity_id = 0;
  int64_t id = 0;        // unique across the service
  int64_t place_id = 0;  // the activity's place, for scoping without a lookup
  AttendeeKind kind = AttendeeKind::kUnspecified;
  int64_t person_id = 0;   // 0 for kResidents
  int32_t head_count = 0;  // kResidents only
  int32_t minutes = 0;     // a person's line only
  int64_t credit = 0;      // under the credit rule, at recording
  std::string key;         // the sign-in sheet's key; "" for none
  absl::Time create_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const Attendance&) const = default;
};

inline constexpr int32_t kMaxMinutes = 24 * 60;
inline constexpr int32_t kMaxHeadCount = 100000;
inline constexpr size_t kMaxKeyChars = 64;

// "activities/7/attendances/12"; ParseAttendanceName checks both ids.
std::string AttendanceName(int64_t activity_id, int64_t id);
struct AttendanceId {
  int64_t activity_id = 0;
  int64_t id = 0;
};
absl::StatusOr<AttendanceId> ParseAttendanceName(absl::string_view name, absl::string_view field);

// A line as given (kind; person and minutes, or head count; key), each
// problem naming its field under `prefix` ("attendance.minutes: ...").
// Whether the person exists is the core's to check.
absl::Status ValidateAttendanceFields(const Attendance& attendance, absl::string_view prefix);

// The credit rule (docs/activities.md): one point for each full 30 minutes
// a person served in service to residents (volunteer service, service day,
// neighbourhood festival, open themed party day, courtyard meeting); none
// for the party's own meetings, lectures, themed party days and training
// (a member's duty, not service), and none for a head count.
int64_t CreditFor(ActivityKind kind, const Attendance& attendance);

// One entry of a person's credit account: earned (positive, by an
// attendance line) or redeemed (negative, with a reason).
struct CreditEntry {
  int64_t person_id = 0;
  int64_t id = 0;  // unique across the service
  int64_t amount = 0;
  int64_t activity_id = 0;    // the earning line's activity; 0 for a redemption
  int64_t attendance_id = 0;  // the earning line; 0 for a redemption
  std::string reason;         // a redemption's
  absl::Time create_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const CreditEntry&) const = default;
};

inline constexpr int64_t kMaxRedemption = 1000000;
inline constexpr size_t kMaxRedemptionReasonChars = 200;

// "creditAccounts/5" and "creditAccounts/5/entries/9".
std::string CreditAccountName(int64_t person_id);
absl::StatusOr<int64_t> ParseCreditAccountName(absl::string_view name, absl::string_view field);
std::string CreditEntryName(int64_t person_id, int64_t id);

// The month an entry counts in: its time in Beijing time (UTC+8, no DST).
absl::CivilMonth CreditMonth(absl::Time time);

// A credit period as a request names it: "2026" (a year) or "2026-12" (a
// month); INVALID_ARGUMENT naming `field` otherwise. `first` and `last` are
// the months it spans.
struct CreditPeriod {
  absl::CivilMonth first;
  absl::CivilMonth last;
  std::string text;  // as given, normalised ("2026-12")
};
absl::StatusOr<CreditPeriod> ParseCreditPeriod(absl::string_view text, absl::string_view field);
CreditPeriod MonthPeriod(absl::CivilMonth month);

// A person's credit account as the ledger's entries make it (derived, not
// stored): balance and totals, and the totals of each month with an entry,
// so that a period's totals need no walk over the entries.
struct CreditAccount {
  struct Month {
    absl::CivilMonth month;
    int64_t earned = 0;
    int64_t redeemed = 0;  // positive: the points spent
    bool operator==(const Month&) const = default;
  };
  int64_t person_id = 0;
  int64_t balance = 0;
  int64_t earned_total = 0;
  int64_t redeemed_total = 0;
  std::vector<Month> months;  // ascending by month
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;  // of the last entry

  // Adds `entry` (its month from CreditMonth(entry.create_time)).
  void Add(const CreditEntry& entry);
  // Earned and redeemed in `period`: a binary search and at most 12 steps.
  std::pair<int64_t, int64_t> PeriodTotals(const CreditPeriod& period) const;
  bool operator==(const CreditAccount&) const = default;
};

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ATTENDANCE_H_
