#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_H_

// A party organisation's activity (a themed party day, a branch assembly, a
// volunteer service...) and the rules of its lifecycle, with the
// validation of its fields. Pure C++ and abseil.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::activity {

// Values as in grassroots.activity.v1 (the proto layer static_asserts it).
enum class ActivityKind : int8_t {
  kUnspecified = 0,
  kThemedPartyDay = 1,
  kOpenThemedPartyDay = 2,
  kBranchAssembly = 3,
  kBranchCommittee = 4,
  kPartyGroupMeeting = 5,
  kPartyLecture = 6,
  kVolunteerService = 7,
  kCourtyardMeeting = 8,
  kServiceDay = 9,
  kNeighbourhoodFestival = 10,
  kTraining = 11,
};
inline constexpr int kActivityKindCount = 12;  // kUnspecified included

enum class ActivityState : int8_t {
  kUnspecified = 0,
  kDraft = 1,
  kSubmitted = 2,
  kApproved = 3,
  kHeld = 4,
  kRecorded = 5,
  kCancelled = 6,
};

// The proto names ("THEMED_PARTY_DAY", "HELD"), for filters and messages.
absl::string_view ActivityKindName(ActivityKind kind);
absl::string_view ActivityStateName(ActivityState state);
std::optional<ActivityKind> ParseActivityKindName(absl::string_view name);
std::optional<ActivityState> ParseActivityStateName(absl::string_view name);
bool IsValidActivityKind(ActivityKind kind);

// The party's own organisational life ("three meetings and one lesson" and
// the themed party days), as opposed to service to residents.
bool IsOrganisationalLife(ActivityKind kind);

// What may happen to an activity (one per transition RPC, and updates).
enum class ActivityAction : int8_t {
  kUpdate,
  kSubmit,
  kApprove,
  kReturn,
  kHold,
  kRecord,
  kCancel,
  kRecordAttendance,
};
absl::string_view ActivityActionVerb(ActivityAction action);  // "submitted", "approved", ...

// Whether `action` is allowed in `state`; FAILED_PRECONDITION otherwise,
// naming the activity, its state and the states that allow it:
// "activities/7 is HELD; only a SUBMITTED activity can be approved".
absl::Status CheckTransition(int64_t activity_id, ActivityState state, ActivityAction action);

// The state an allowed action leads to (kRecordAttendance and kUpdate keep
// the state).
ActivityState StateAfter(ActivityState state, ActivityAction action);

struct Activity {
  int64_t id = 0;
  int64_t party_org_id = 0;  // partyOrgs/{id}: the organiser; immutable
  ActivityKind kind = ActivityKind::kUnspecified;
  std::string theme;
  std::string description;       // free text: redacted for callers without the grant
  int64_t place_id = 0;          // units/{id}; the service point's unit when one is set
  int64_t service_point_id = 0;  // 0 for none
  absl::Time start_time = absl::UnixEpoch();
  absl::Time end_time = absl::UnixEpoch();
  int64_t organiser_id = 0;  // people/{id}; 0 for none
  int32_t capacity = 0;      // 0: no limit
  // "externalOrgs/3", "alliances/2": kept as names (two collections).
  std::vector<std::string> co_organisers;
  ActivityState state = ActivityState::kUnspecified;
  std::string state_reason;
  int64_t approver_id = 0;  // partyOrgs/{id}; 0 until approved
  // The units the organising organisation covered at creation, ascending.
  std::vector<int64_t> party_org_unit_ids;
  // Attendance so far.
  int32_t attendees = 0;
  int32_t residents_served = 0;
  int64_t service_minutes = 0;
  int64_t credit_awarded = 0;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const Activity&) const = default;
};

inline constexpr size_t kMaxThemeChars = 128;
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr size_t kMaxReasonChars = 500;
inline constexpr int32_t kMaxCapacity = 100000;
inline constexpr size_t kMaxCoOrganisers = 20;
inline constexpr absl::Duration kMaxActivityLength = absl::Hours(24 * 7);

// "activities/7"; INVALID_ARGUMENT naming `field` for anything else.
std::string ActivityName(int64_t id);
absl::StatusOr<int64_t> ParseActivityName(absl::string_view name, absl::string_view field);

// The fields a planner gives, each checked with the field named
// ("activity.theme: ..."): party organisation and place (or service point)
// present, kind, theme, description, the window (start before end, at most
// kMaxActivityLength), capacity, co-organisers (each "externalOrgs/{id}" or
// "alliances/{id}", no repeats, at most kMaxCoOrganisers). Whether the
// places, organisations and people exist is the core's to check.
absl::Status ValidatePlannedFields(const Activity& activity, absl::string_view prefix);

// A reason (return, cancel): valid text, 1..max_chars characters.
absl::Status ValidateReason(absl::string_view text, absl::string_view field, size_t max_chars);

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_H_
