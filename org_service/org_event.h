#ifndef GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_
#define GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "common/mutation.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// A resource as it was before or after a change.
using Snapshot = std::variant<Unit, PartyOrg, ExternalOrg, Alliance, AllianceItem>;

// "units/42", "partyOrgs/7", "externalOrgs/5", "alliances/3" or
// "alliances/3/items/9".
std::string SnapshotName(const Snapshot& snapshot);

using Change = ::grassroots::Change<Snapshot>;
using Mutation = ::grassroots::Mutation<Snapshot>;
using Event = ::grassroots::Event<Snapshot>;

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_EVENT_H_
