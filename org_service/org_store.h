#ifndef GRASSROOTS_ORG_SERVICE_ORG_STORE_H_
#define GRASSROOTS_ORG_SERVICE_ORG_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mutation_store.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/org_event.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// The whole current state, as loaded at start-up.
struct StoredState {
  std::vector<Unit> units;                   // deleted ones too, ascending by id
  std::vector<PartyOrg> party_orgs;          // deleted ones too, ascending by id
  std::vector<ExternalOrg> external_orgs;    // deleted ones too, ascending by id
  std::vector<Alliance> alliances;           // deleted ones too, ascending by id
  std::vector<AllianceItem> alliance_items;  // ascending by id
  int64_t revision = 0;                      // the last committed revision; 0 when empty
  int64_t max_unit_id = 0;
  int64_t max_party_org_id = 0;
  int64_t max_external_org_id = 0;
  int64_t max_alliance_id = 0;
  int64_t max_alliance_item_id = 0;
};

// Durable storage of units, party organisations, their history and the
// event log (see MutationStore for the contract).
using OrgStore = MutationStore<Snapshot, StoredState>;

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_STORE_H_
