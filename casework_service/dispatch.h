#ifndef GRASSROOTS_CASEWORK_SERVICE_DISPATCH_H_
#define GRASSROOTS_CASEWORK_SERVICE_DISPATCH_H_

// A department summoned to an issue by the street or the district
// (街道吹哨、部门报到): SUMMONED, then ACKNOWLEDGED (报到), then REPORTED.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::casework {

enum class DispatchState : int8_t {
  kUnspecified = 0,
  kSummoned = 1,
  kAcknowledged = 2,
  kReported = 3,
};
absl::string_view DispatchStateName(DispatchState state);

struct Dispatch {
  int64_t issue_id = 0;
  int64_t id = 0;                 // unique across the service, not per issue
  int64_t place_id = 0;           // the issue's place, for scoping without a lookup
  int64_t department_org_id = 0;  // externalOrgs/{id}; 0 when named only
  std::string department_name;    // when no organisation is named
  int64_t summoning_unit_id = 0;  // the street or district that summoned it
  absl::Time due_time = absl::UnixEpoch();
  DispatchState state = DispatchState::kUnspecified;
  std::string request;
  std::string report;
  absl::Time acknowledge_time = absl::UnixEpoch();
  absl::Time report_time = absl::UnixEpoch();
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const Dispatch&) const = default;
};

inline constexpr size_t kMaxDepartmentNameChars = 64;
inline constexpr size_t kMaxRequestChars = 1000;
inline constexpr size_t kMaxReportChars = 2000;
inline constexpr absl::Duration kMaxDispatchDue = absl::Hours(24 * 366);

struct DispatchId {
  int64_t issue_id = 0;
  int64_t id = 0;
};

// "issues/7/dispatches/3".
std::string DispatchName(int64_t issue_id, int64_t id);
absl::StatusOr<DispatchId> ParseDispatchName(absl::string_view name, absl::string_view field);

// The department (an organisation or a name, exactly one), the due time
// (after `now`, within kMaxDispatchDue) and the request text, each checked with the field named.
absl::Status ValidateNewDispatch(const Dispatch& dispatch, absl::Time now,
                                 absl::string_view prefix);

// An imported dispatch: a department, a due time, a state, a create_time
// not before `reported` (the issue's report) nor after `now`, and the times
// and report its state needs, in order. Each problem names its field.
absl::Status ValidateImportedDispatch(const Dispatch& dispatch, absl::Time reported, absl::Time now,
                                      absl::string_view prefix);

// FAILED_PRECONDITION unless `dispatch` is in `expected`: "issues/7/
// dispatches/3 is REPORTED; only a SUMMONED dispatch can be acknowledged".
absl::Status CheckDispatchState(const Dispatch& dispatch, DispatchState expected,
                                absl::string_view verb);

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_DISPATCH_H_
