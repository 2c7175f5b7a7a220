#include "org_service/org_event.h"

namespace grassroots::org {

std::string SnapshotName(const Snapshot& snapshot) {
  if (const auto* unit = std::get_if<Unit>(&snapshot)) return UnitName(unit->id);
  return PartyOrgName(std::get<PartyOrg>(snapshot).id);
}

}  // namespace grassroots::org
