#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_EVENT_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_EVENT_H_

#include <string>
#include <variant>

#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "common/mutation.h"

namespace grassroots::casework {

using Snapshot = std::variant<Issue, Dispatch>;

// "issues/4", "issues/4/dispatches/2".
std::string SnapshotName(const Snapshot& snapshot);

using Change = ::grassroots::Change<Snapshot>;
using Mutation = ::grassroots::Mutation<Snapshot>;
using Event = ::grassroots::Event<Snapshot>;

// The actor of the events the service writes on its own (the sweeper's
// escalations).
inline constexpr char kServiceActor[] = "casework-service";

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_EVENT_H_
