#ifndef GRASSROOTS_CLI_DEMO_COMMANDS_H_
#define GRASSROOTS_CLI_DEMO_COMMANDS_H_

// `orgctl demo`: generates the demo district (demo/demo_district.h) and
// loads it through the gateway (demo/demo_loader.h), with progress bars and
// a summary line with the load rates that bench/ parses.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddDemoCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_DEMO_COMMANDS_H_
