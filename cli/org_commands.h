#ifndef GRASSROOTS_CLI_ORG_COMMANDS_H_
#define GRASSROOTS_CLI_ORG_COMMANDS_H_

// `orgctl orgs create|get|list|update|delete|undelete`: party organisations.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/org/v1/resources.pb.h"

namespace grassroots::cli {

void AddOrgCommands(CLI::App& app, std::shared_ptr<Context> context);

// The table columns of a party organisation.
const Columns<org::v1::PartyOrg>& PartyOrgTableColumns();

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_ORG_COMMANDS_H_
