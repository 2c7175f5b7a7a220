#ifndef GRASSROOTS_CLI_UNIT_COMMANDS_H_
#define GRASSROOTS_CLI_UNIT_COMMANDS_H_

// `orgctl units create|get|list|update|move|delete|undelete|tree|path`, and
// `orgctl tree` and `orgctl path` as short forms of the last two.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/org/v1/resources.pb.h"

namespace grassroots::cli {

void AddUnitCommands(CLI::App& app, std::shared_ptr<Context> context);

// The table columns of a unit.
const Columns<org::v1::Unit>& UnitTableColumns();

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_UNIT_COMMANDS_H_
