#ifndef GRASSROOTS_COMMON_MUTATION_H_
#define GRASSROOTS_COMMON_MUTATION_H_

// The change records every service of the suite commits and streams. A
// service picks its `Snapshot`: a std::variant of its resource types.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace grassroots {

// One resource changed by a mutation. Resources are never removed (deletion
// is soft), so there is always an `after`; `before` is empty for a creation.
template <typename Snapshot>
struct Change {
  std::optional<Snapshot> before;
  Snapshot after;
};

// Everything one mutation changed, committed atomically at one revision. The
// i-th change is the event (revision, i).
template <typename Snapshot>
struct Mutation {
  int64_t revision = 0;
  absl::Time time = absl::UnixEpoch();
  std::string actor;
  std::string method;  // the RPC, e.g. "MoveUnit"
  std::vector<Change<Snapshot>> changes;
  // The idempotency key of a create (the caller's principal and request_id,
  // IdempotencyKey in common/commit_engine.h); empty when none. The store
  // remembers it with the name of the first change's resource.
  std::string request_id;
};

// A change as read back from the event log.
template <typename Snapshot>
struct Event {
  int64_t revision = 0;
  int32_t index = 0;
  absl::Time time = absl::UnixEpoch();
  std::string actor;
  std::string method;
  std::optional<Snapshot> before;
  Snapshot after;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_MUTATION_H_
