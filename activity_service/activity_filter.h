#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_FILTER_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_FILTER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "activity_service/activity.h"

namespace grassroots::activity {

// The conditions ListActivities accepts (AIP-160, a conjunction); every set
// condition must hold.
struct ActivityFilter {
  std::optional<ActivityState> state;      // state = APPROVED
  std::optional<ActivityKind> kind;        // kind = THEMED_PARTY_DAY
  std::optional<int64_t> party_org_id;     // party_org = "partyOrgs/3"
  std::optional<absl::Time> start_from;    // start_time >= "2026-12-01T00:00:00+08:00"
  std::optional<absl::Time> start_before;  // start_time < "2027-01-01T00:00:00+08:00"

  bool Matches(const Activity& activity) const;
};

// INVALID_ARGUMENT ("filter: ...") for unknown fields, operators a field
// does not take, unknown values, unparsable times (RFC 3339), or a field
// given twice (start_time may be given once with >= and once with <).
absl::StatusOr<ActivityFilter> ParseActivityFilter(absl::string_view filter);

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_FILTER_H_
