#ifndef GRASSROOTS_CLI_AUDIT_COMMANDS_H_
#define GRASSROOTS_CLI_AUDIT_COMMANDS_H_

// `orgctl audit`: the nightly audit, read-only, through the gateway. Also
// registers `orgctl demo` (demo_commands.h) after it.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddAuditCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_AUDIT_COMMANDS_H_
