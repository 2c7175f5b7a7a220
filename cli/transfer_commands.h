#ifndef GRASSROOTS_CLI_TRANSFER_COMMANDS_H_
#define GRASSROOTS_CLI_TRANSFER_COMMANDS_H_

// `orgctl import` and `orgctl export`: a subtree's units, party
// organisations, people and roles to and from CSV (UTF-8, BOM optional,
// header row) or JSON. Column sets: docs/import.md.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

// Adds the `import` and `export` subcommands to `app`. `context` is filled
// in by the global options before any of them runs.
void AddTransferCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_TRANSFER_COMMANDS_H_
