// orgctl: the admin CLI of the suite; it talks only to the gateway. Wiring
// only: the global options, the commands, and how an error becomes one line
// on stderr and an exit code.
//
//   orgctl [--gateway ADDR] [--token-file F] [-o table|json|csv] NOUN VERB ...

#include <chrono>
#include <exception>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/activity_commands.h"
#include "cli/alliance_commands.h"
#include "cli/audit_commands.h"
#include "cli/context.h"
#include "cli/external_org_commands.h"
#include "cli/gateway_commands.h"
#include "cli/issue_commands.h"
#include "cli/member_commands.h"
#include "cli/org_commands.h"
#include "cli/people_commands.h"
#include "cli/role_commands.h"
#include "cli/transfer_commands.h"
#include "cli/unit_commands.h"
#include "cli/watch_commands.h"

namespace grassroots::cli {
namespace {

constexpr char kDefaultGateway[] = "127.0.0.1:50050";

void AddGlobalOptions(CLI::App& app, const std::shared_ptr<Context>& context) {
  context->gateway = kDefaultGateway;
  app.add_option("--gateway", context->gateway,
                 absl::StrCat("The gateway, HOST:PORT (default ", kDefaultGateway, ")"))
      ->envname("ORGCTL_GATEWAY");
  app.add_option("--token-file", context->token_file,
                 "A file whose first line is your token (else $ORGCTL_TOKEN)");
  app.add_option_function<std::string>(
         "-o,--output",
         [context](const std::string& format) {
           static const std::map<std::string, OutputFormat> kFormats = {
               {"table", OutputFormat::kTable},
               {"json", OutputFormat::kJson},
               {"csv", OutputFormat::kCsv}};
           context->output = kFormats.at(format);
         },
         "table (default), json or csv")
      ->check(CLI::IsMember({"table", "json", "csv"}));
  app.add_option_function<double>(
         "--timeout",
         [context](double seconds) {
           context->timeout = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
         },
         "Deadline of each call in seconds (default 10)")
      ->check(CLI::PositiveNumber);
  app.add_option("--tls-ca", context->tls_ca_file,
                 "PEM roots to verify the gateway with; TLS is used only when given")
      ->check(CLI::ExistingFile);
}

// The subcommands given, outermost first (`units`, `create`).
std::vector<CLI::App*> ParsedCommands(CLI::App& app) {
  std::vector<CLI::App*> commands;
  for (CLI::App* level = &app; !level->get_subcommands().empty();) {
    level = level->get_subcommands().front();
    commands.push_back(level);
  }
  return commands;
}

// Help goes to stdout with exit 0. A noun without a verb (or nothing at all)
// prints that level's help to stderr; any other mistake one line. Exit 2.
int UsageFailed(CLI::App& app, const CLI::ParseError& error) {
  if (error.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return app.exit(error);
  const std::vector<CLI::App*> commands = ParsedCommands(app);
  CLI::App* innermost = commands.empty() ? &app : commands.back();
  if (innermost->get_require_subcommand_min() > 0 && innermost->get_subcommands().empty()) {
    std::cerr << innermost->help();
    return kExitUsage;
  }
  std::vector<std::string> path = {"orgctl"};
  for (const CLI::App* command : commands) path.push_back(command->get_name());
  std::cerr << "orgctl: " << error.what() << " (see " << absl::StrJoin(path, " ") << " --help)\n";
  return kExitUsage;
}

int Run(int argc, char** argv) {
  auto context = std::make_shared<Context>();
  CLI::App app("The admin CLI of the grassroots organisation suite.", "orgctl");
  // Global options may follow the noun and verb too: `orgctl units list -o json`.
  app.fallthrough();
  app.require_subcommand(1);
  AddGlobalOptions(app, context);
  AddUnitCommands(app, context);
  AddOrgCommands(app, context);
  AddExternalOrgCommands(app, context);
  AddAllianceCommands(app, context);
  AddPeopleCommands(app, context);
  AddRoleCommands(app, context);
  AddMemberCommands(app, context);
  AddIssueCommands(app, context);
  AddActivityCommands(app, context);
  AddWatchCommands(app, context);
  AddGatewayCommands(app, context);
  AddTransferCommands(app, context);
  AddAuditCommands(app, context);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return UsageFailed(app, error);
  } catch (const CommandError& error) {
    std::cout << std::flush;
    std::cerr << "orgctl: " << error.what() << "\n";
    return error.exit_code();
  } catch (const std::exception& error) {
    // Not a usage mistake nor a refused call: still one line, never a crash.
    std::cout << std::flush;
    std::cerr << "orgctl: internal error: " << error.what() << "\n";
    return kExitCallFailed;
  }
  return kExitOk;
}

}  // namespace
}  // namespace grassroots::cli

int main(int argc, char** argv) { return grassroots::cli::Run(argc, argv); }
