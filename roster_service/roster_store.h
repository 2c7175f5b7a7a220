#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
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

// Durable storage of the roster, its history and its event log; the same
// contract as org::OrgStore (org_service/org_store.h), for roster resources.
// Thread-safe; Commit from one writer thread at a time.
class RosterStore {
 public:
  virtual ~RosterStore() = default;
  virtual absl::StatusOr<StoredRoster> Load() = 0;
  // All or nothing, durable when OK. UNAVAILABLE for a full disk or a
  // read-only or locked database, INTERNAL or DATA_LOSS otherwise.
  virtual absl::Status Commit(const std::vector<Mutation>& mutations) = 0;
  virtual absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision,
                                                        int32_t start_index, int limit) = 0;
  virtual absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view request_id) = 0;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_STORE_H_
