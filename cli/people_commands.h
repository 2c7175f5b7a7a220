#ifndef GRASSROOTS_CLI_PEOPLE_COMMANDS_H_
#define GRASSROOTS_CLI_PEOPLE_COMMANDS_H_

// `orgctl people create|get|list|update|delete|undelete`.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/roster/v1/resources.pb.h"

namespace grassroots::cli {

void AddPeopleCommands(CLI::App& app, std::shared_ptr<Context> context);

// The table columns of a person. ID-card numbers and phones are printed as
// the gateway sent them: masked unless the token carries the grant.
const Columns<roster::v1::Person>& PersonTableColumns();

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_PEOPLE_COMMANDS_H_
