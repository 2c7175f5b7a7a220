#ifndef GRASSROOTS_CLI_ALLIANCE_COMMANDS_H_
#define GRASSROOTS_CLI_ALLIANCE_COMMANDS_H_

// `orgctl alliances create|get|list|update|dissolve|delete|undelete`, with
// `alliances members import|export` (the spreadsheet of an alliance's
// members: 角色,名称,统一社会信用代码,备注) and `alliances items
// add|get|list|claim|complete` (the three lists: 资源、需求、责任).

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/org/v1/resources.pb.h"

namespace grassroots::cli {

void AddAllianceCommands(CLI::App& app, std::shared_ptr<Context> context);

const Columns<org::v1::Alliance>& AllianceTableColumns();
const Columns<org::v1::AllianceItem>& AllianceItemTableColumns();

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_ALLIANCE_COMMANDS_H_
