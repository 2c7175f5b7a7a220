#ifndef GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_
#define GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// A resource as it was before or after a change.
using Snapshot = std::variant<Unit, PartyOrg>;

// "units/42" or "partyOrgs/7".
std::string SnapshotName(const Snapshot& snapshot);

// One resource changed by a mutation. Resources are never removed (deletion
// is soft), so there is always an `after`; `before` is empty for a creation.
struct Change {
  std::optional<Snapshot> before;
  Snapshot after;
};

// Everything one mutation changed, committed atomically at one revision.
// The i-th change is the event (revision, i).
struct Mutation {
  int64_t revision = 0;
  absl::Time time = absl::UnixEpoch();
  std::string actor;
  std::string method;  // the RPC, e.g. "MoveUnit"
  std::vector<Change> changes;
  // The client's request_id for an idempotent create; empty when none. The
  // store remembers it with the name of the first change's resource.
  std::string request_id;
};

// A change as read back from the event log.
struct Event {
  int64_t revision = 0;
  int32_t index = 0;
  absl::Time time = absl::UnixEpoch();
  std::string actor;
  std::string method;
  std::optional<Snapshot> before;
  Snapshot after;
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_
