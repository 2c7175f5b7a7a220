#ifndef GRASSROOTS_CLI_ROLE_COMMANDS_H_
#define GRASSROOTS_CLI_ROLE_COMMANDS_H_

// `orgctl roles assign|end|get|list`: the roles people hold at units and
// party organisations.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddRoleCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_ROLE_COMMANDS_H_
