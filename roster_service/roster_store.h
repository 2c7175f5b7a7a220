#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mutation_store.h"
#include "roster_service/roster_event.h"

namespace grassroots::roster {

// The whole current state, as loaded at start-up; each list ascending by id.
struct StoredRoster {
  std::vector<Person> people;  // deleted ones too
  std::vector<Membership> memberships;
  std::vector<Registration> registrations;
  std::vector<RoleAssignment> role_assignments;
  int64_t revision = 0;  // the last committed revision; 0 when empty
  int64_t max_person_id = 0;
  int64_t max_membership_id = 0;
  int64_t max_registration_id = 0;
  int64_t max_role_assignment_id = 0;
};

// Durable storage of the roster, its history and its event log: the same
// contract as the org store (see MutationStore).
using RosterStore = MutationStore<Snapshot, StoredRoster>;

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_
