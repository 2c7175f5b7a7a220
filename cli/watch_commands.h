#ifndef GRASSROOTS_CLI_WATCH_COMMANDS_H_
#define GRASSROOTS_CLI_WATCH_COMMANDS_H_

// `orgctl watch org|roster [--from REVISION[.INDEX]]`: follows a service's
// change events, one line per event, until interrupted.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddWatchCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_WATCH_COMMANDS_H_
