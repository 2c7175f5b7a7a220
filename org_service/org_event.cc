#include "org_service/org_event.h"

namespace grassroots::org {

std::string SnapshotName(const Snapshot& snapshot) {
  struct Name {
    std::string operator()(const Unit& unit) const { return UnitName(unit.id); }
    std::string operator()(const PartyOrg& org) const { return PartyOrgName(org.id); }
    std::string operator()(const ExternalOrg& org) const { return ExternalOrgName(org.id); }
    std::string operator()(const Alliance& alliance) const { return AllianceName(alliance.id); }
    std::string operator()(const AllianceItem& item) const {
      return AllianceItemName(item.alliance_id, item.id);
    }
  };
  return std::visit(Name{}, snapshot);
}

}  // namespace grassroots::org
