#include "tests/org_service/org_builders.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace grassroots::org::testing {

int64_t IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos || !absl::SimpleAtoi(name.substr(slash + 1), &id) ||
      id <= 0) {
    return -1;
  }
  return id;
}

v1::Unit NewUnit(v1::Level level, absl::string_view parent, absl::string_view display_name,
                 absl::string_view code) {
  v1::Unit unit;
  unit.set_level(level);
  unit.set_parent(std::string(parent));
  unit.set_display_name(std::string(display_name));
  unit.set_code(std::string(code));
  return unit;
}

v1::Unit NewCompound(absl::string_view parent, absl::string_view display_name,
                     absl::string_view code, const v1::CompoundDetails& details) {
  v1::Unit unit = NewUnit(v1::COMPOUND, parent, display_name, code);
  *unit.mutable_compound() = details;
  return unit;
}

v1::Unit NewBuilding(absl::string_view parent, absl::string_view display_name,
                     absl::string_view code, int households, int floors,
                     absl::string_view address) {
  v1::Unit unit = NewUnit(v1::BUILDING, parent, display_name, code);
  unit.mutable_building()->set_households(households);
  unit.mutable_building()->set_floors(floors);
  unit.mutable_building()->set_address(std::string(address));
  return unit;
}

v1::PartyOrg NewPartyOrg(v1::PartyOrg::Form form, absl::string_view display_name,
                         const std::vector<std::string>& units, absl::string_view parent) {
  v1::PartyOrg org;
  org.set_form(form);
  org.set_display_name(std::string(display_name));
  for (const std::string& unit : units) org.add_units(unit);
  org.set_parent(std::string(parent));
  return org;
}

}  // namespace grassroots::org::testing
