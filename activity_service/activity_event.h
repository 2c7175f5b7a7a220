#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_EVENT_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_EVENT_H_

#include <string>
#include <variant>

#include "activity_service/activity.h"
#include "activity_service/attendance.h"
#include "activity_service/service_point.h"
#include "common/mutation.h"

namespace grassroots::activity {

using Snapshot = std::variant<Activity, Attendance, CreditEntry, ServicePoint>;

// "activities/4", "activities/4/attendances/2", "creditAccounts/5/entries/9",
// "servicePoints/3".
std::string SnapshotName(const Snapshot& snapshot);

using Change = ::grassroots::Change<Snapshot>;
using Mutation = ::grassroots::Mutation<Snapshot>;
using Event = ::grassroots::Event<Snapshot>;

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_EVENT_H_
