#ifndef GRASSROOTS_CLI_EXTERNAL_ORG_COMMANDS_H_
#define GRASSROOTS_CLI_EXTERNAL_ORG_COMMANDS_H_

// `orgctl external-orgs create|get|list|update|delete|undelete|import|
// export`: a district's directory of external organisations (agencies,
// co-building enterprises, schools, hospitals, social organisations,
// property companies). import and export read and write the spreadsheet
// lists districts keep: 名称,类型,统一社会信用代码,地址.

#include <memory>

#include "CLI/CLI.hpp"
#include "cli/context.h"
#include "cli/output.h"
#include "grassroots/org/v1/resources.pb.h"

namespace grassroots::cli {

void AddExternalOrgCommands(CLI::App& app, std::shared_ptr<Context> context);

const Columns<org::v1::ExternalOrg>& ExternalOrgTableColumns();

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_EXTERNAL_ORG_COMMANDS_H_
