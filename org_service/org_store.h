#ifndef GRASSROOTS_ORG_SERVICE_ORG_STORE_H_
#define GRASSROOTS_ORG_SERVICE_ORG_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "org_service/org_event.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// The whole current state, as loaded at start-up.
struct StoredState {
  std::vector<Unit> units;        // deleted ones too, ascending by id
  std::vector<PartyOrg> party_orgs;  // deleted ones too, ascending by id
  int64_t revision = 0;           // the last committed revision; 0 when empty
  int64_t max_unit_id = 0;
  int64_t max_party_org_id = 0;
};

// Durable storage of units, party organisations, their history and the
// event log. The service keeps its working state in memory (OrgIndex) and
// uses the store to persist mutations and to read back the event log; the
// store never decides a business rule.
//
// Implementations are thread-safe. Commit is called from one writer thread
// at a time; ReadEvents and LookupRequest may be called from any thread
// concurrently with Commit.
class OrgStore {
 public:
  virtual ~OrgStore() = default;

  // Reads the current state. Called once, at start-up.
  virtual absl::StatusOr<StoredState> Load() = 0;

  // Persists `mutations` (consecutive revisions, ascending) in one
  // transaction: every change's `after` becomes the current row of its
  // resource and a history row, every change becomes an event, every
  // request_id is remembered. When it returns OK the batch is durable (it
  // survives kill -9 and power loss); otherwise nothing of it is stored.
  // Errors: UNAVAILABLE for a full disk, a read-only or locked database
  // (retryable once the cause is fixed), INTERNAL or DATA_LOSS otherwise.
  virtual absl::Status Commit(const std::vector<Mutation>& mutations) = 0;

  // Up to `limit` events from (start_revision, start_index) on, in
  // (revision, index) order.
  virtual absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision,
                                                        int32_t start_index,
                                                        int limit) = 0;

  // The resource name a committed create with `request_id` produced, or
  // nullopt when no committed create carried it.
  virtual absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view request_id) = 0;
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_STORE_H_
