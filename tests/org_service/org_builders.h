#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_BUILDERS_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_BUILDERS_H_

// Builders of org resources for the integration tests, and the ids and
// names of what the server returned.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "grassroots/org/v1/resources.pb.h"

namespace grassroots::org::testing {

namespace v1 = ::grassroots::org::v1;

// The id of "units/42" or "partyOrgs/7"; -1 when `name` is not of that form.
int64_t IdOf(absl::string_view name);

v1::Unit NewUnit(v1::Level level, absl::string_view parent, absl::string_view display_name,
                 absl::string_view code);

v1::Unit NewCompound(absl::string_view parent, absl::string_view display_name,
                     absl::string_view code, const v1::CompoundDetails& details);

v1::Unit NewBuilding(absl::string_view parent, absl::string_view display_name,
                     absl::string_view code, int households, int floors, absl::string_view address);

v1::PartyOrg NewPartyOrg(v1::PartyOrg::Form form, absl::string_view display_name,
                         const std::vector<std::string>& units, absl::string_view parent = "");

// The names of `resources`, in order.
template <typename Resource>
std::vector<std::string> NamesOf(const std::vector<Resource>& resources) {
  std::vector<std::string> names;
  names.reserve(resources.size());
  for (const Resource& resource : resources) names.push_back(resource.name());
  return names;
}

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_BUILDERS_H_
