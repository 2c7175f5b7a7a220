#ifndef GRASSROOTS_CLI_MEMBER_COMMANDS_H_
#define GRASSROOTS_CLI_MEMBER_COMMANDS_H_

// `orgctl members start|transfer|end|history|list`: where party members'
// organisational relationships sit, and sat.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"

namespace grassroots::cli {

void AddMemberCommands(CLI::App& app, std::shared_ptr<Context> context);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_MEMBER_COMMANDS_H_
