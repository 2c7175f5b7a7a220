#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_STORE_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_STORE_H_

#include <cstdint>
#include <vector>

#include "activity_service/activity_event.h"
#include "common/mutation_store.h"

namespace grassroots::activity {

// The whole current state, as loaded at start-up; each list ascending by id.
struct StoredActivities {
  std::vector<Activity> activities;
  std::vector<Attendance> attendances;
  std::vector<CreditEntry> credit_entries;
  std::vector<ServicePoint> service_points;
  int64_t revision = 0;  // the last committed revision; 0 when empty
  int64_t max_activity_id = 0;
  int64_t max_attendance_id = 0;
  int64_t max_credit_entry_id = 0;
  int64_t max_service_point_id = 0;
};

// Durable storage of the activity state, its history and its event log:
// the contract every store of the suite keeps (see MutationStore).
using ActivityStore = MutationStore<Snapshot, StoredActivities>;

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_STORE_H_
