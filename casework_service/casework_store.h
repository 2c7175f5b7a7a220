#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_STORE_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_STORE_H_

#include <cstdint>
#include <vector>

#include "casework_service/casework_event.h"
#include "common/mutation_store.h"

namespace grassroots::casework {

// The whole current state, as loaded at start-up; each list ascending by id.
struct StoredCasework {
  std::vector<Issue> issues;
  std::vector<Dispatch> dispatches;
  int64_t revision = 0;  // the last committed revision; 0 when empty
  int64_t max_issue_id = 0;
  int64_t max_dispatch_id = 0;
};

// Durable storage of the casework state, its history and its event log:
// the contract every store of the suite keeps (see MutationStore).
using CaseworkStore = MutationStore<Snapshot, StoredCasework>;

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_STORE_H_
