#ifndef GRASSROOTS_CLI_GATEWAY_COMMANDS_H_
#define GRASSROOTS_CLI_GATEWAY_COMMANDS_H_

// What the gateway answers itself: `orgctl whoami`, `orgctl profile units/N`
// (a compound with its branch, secretaries, buildings and leads) and `path`
// (a unit's ancestors with their party organisations and secretaries).

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

// `whoami` and `profile`.
void AddGatewayCommands(CLI::App& app, std::shared_ptr<Context> context);

// `path UNIT` below `parent` (orgctl has it as `path` and `units path`).
void AddPathCommand(CLI::App& parent, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_GATEWAY_COMMANDS_H_
