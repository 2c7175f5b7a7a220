#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_EVENT_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_EVENT_H_

#include <string>
#include <variant>

#include "common/mutation.h"
#include "roster_service/membership.h"
#include "roster_service/person.h"
#include "roster_service/role.h"

namespace grassroots::roster {

using Snapshot = std::variant<Person, Membership, Registration, RoleAssignment>;

// "people/4", "people/4/memberships/17", ...
std::string SnapshotName(const Snapshot& snapshot);

using Change = ::grassroots::Change<Snapshot>;
using Mutation = ::grassroots::Mutation<Snapshot>;
using Event = ::grassroots::Event<Snapshot>;

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_EVENT_H_
