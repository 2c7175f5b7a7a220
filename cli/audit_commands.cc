#include "cli/audit_commands.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "audit/audit_reader.h"
#include "audit/audit_rules.h"
#include "audit/report_writers.h"
#include "cli/common_commands.h"
#include "cli/demo_commands.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/grpc_status.h"
#include "common/resource_name.h"

namespace grassroots::cli {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace gw_v1 = ::grassroots::gateway::v1;

// What `orgctl audit` exits with when the audit ran and found ERRORs, so
// that cron can alert (0: none; 1: the audit could not run).
constexpr int kExitAuditErrors = 3;

// The audit could not run: exit 1 (cron tells this from 3, "ERRORs found").
[[noreturn]] void CannotRun(const std::string& message) {
  throw CommandError(kExitCallFailed, message);
}

// The subtree to audit: --subtree, else the caller's scope, else the one
// district there is.
std::string AuditRoot(Context& context, const std::string& subtree, const std::string& scope) {
  if (!subtree.empty()) {
    absl::StatusOr<int64_t> id = ParseResourceName(subtree, "units", "--subtree");
    if (!id.ok()) CannotRun(std::string(id.status().message()));
    return subtree;
  }
  if (scope != "*") return scope;
  org_v1::ListUnitsRequest districts;
  const auto page = context.Call(context.org(), &org_v1::OrgService::Stub::ListUnits, districts);
  if (page.units_size() != 1) {
    CannotRun(absl::StrCat("there are ", page.units_size(),
                           " districts; say which with --subtree units/N"));
  }
  return page.units(0).name();
}

// Writes `contents` to `path` whole or not at all: a full disk must not
// leave a truncated report for the next night's --previous.
void WriteFile(const std::filesystem::path& path, const std::string& contents) {
  const std::filesystem::path partial = path.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << contents;
    out.close();
    if (!out) CannotRun(absl::StrCat("cannot write ", partial.string()));
  }
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) CannotRun(absl::StrCat("cannot write ", path.string(), ": ", error.message()));
}

void RunAuditCommand(Context& context, const std::string& subtree, const std::string& out_dir,
                     const std::string& previous_path) {
  // A --previous that cannot be read is noticed before the (long) read.
  std::optional<audit::AuditReport> previous;
  if (!previous_path.empty()) {
    absl::StatusOr<std::string> json = ReadWholeFile(previous_path, "--previous");
    if (!json.ok()) CannotRun(std::string(json.status().message()));
    absl::StatusOr<audit::AuditReport> report = audit::ReportFromJson(*json);
    if (!report.ok()) {
      CannotRun(absl::StrCat("--previous ", previous_path, ": ", report.status().message()));
    }
    previous = *std::move(report);
  }
  const auto who = context.Call(context.gateway_service(), &gw_v1::GatewayService::Stub::WhoAmI,
                                gw_v1::WhoAmIRequest());
  const std::string root = AuditRoot(context, subtree, who.scope());
  if (previous && absl::StrCat("units/", previous->root_unit_id) != root) {
    CannotRun(absl::StrCat("--previous ", previous_path, " is a report of units/",
                           previous->root_unit_id, ", not of ", root));
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<audit::AuditInput> input = audit::ReadAuditInput(
      context.org(), context.roster(), context.casework(),
      {.root = root,
       .today = ChinaDay(start),
       .audit_time = absl::FromUnixSeconds(absl::ToUnixSeconds(start)),
       .new_context = [&context](bool stream) {
         auto call = std::make_unique<grpc::ClientContext>();
         context.Prepare(*call, /*unary=*/!stream);
         // The subtree's stream may carry a city, but a stalled gateway must
         // still end the nightly run (exit 1) rather than hang it.
         if (stream)
           call->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
         return call;
       }});
  if (!input.ok()) CallFailed(ToGrpcStatus(input.status()));
  // Memberships outside a narrower scope are filtered out by the gateway.
  input->complete_roster = who.scope() == "*";
  const absl::Time read = absl::Now();
  absl::StatusOr<audit::AuditReport> report = audit::RunAudit(*input);
  if (!report.ok()) throw CommandError(kExitCallFailed, std::string(report.status().message()));
  std::optional<audit::ReportDiff> diff;
  if (previous) diff = audit::CompareReports(*previous, *report);
  const audit::ReportDiff* diff_ptr = diff ? &*diff : nullptr;

  std::error_code error;
  std::filesystem::create_directories(out_dir, error);
  if (error) CannotRun(absl::StrCat("cannot create ", out_dir));
  const std::string stem =
      absl::StrCat("audit-", absl::FormatCivilTime(report->today), "-units-", report->root_unit_id);
  const std::filesystem::path dir(out_dir);
  WriteFile(dir / (stem + ".json"), audit::ReportToJson(*report, diff_ptr));
  WriteFile(dir / (stem + ".md"), audit::ReportToMarkdown(*report, diff_ptr));
  WriteFile(dir / (stem + ".html"), audit::ReportToHtml(*report, diff_ptr));

  const audit::FindingCounts counts = audit::CountFindings(report->findings);
  std::cout << "audit of " << report->root_display_name << " (" << root << ") at org revision "
            << report->org_revision << ", roster revision " << report->roster_revision
            << ", casework revision " << report->casework_revision << ": " << counts.errors
            << " errors, " << counts.warnings << " warnings, " << counts.info << " notes";
  if (diff)
    std::cout << "; " << diff->added.size() << " new, " << diff->resolved.size()
              << " resolved since the previous run";
  std::cout << "\n"
            << absl::StrFormat("read in %.1f s, audited in %.1f s\n",
                               absl::ToDoubleSeconds(read - start),
                               absl::ToDoubleSeconds(absl::Now() - read))
            << "report: " << (dir / (stem + ".html")).string() << " (also .json, .md)\n";
  if (counts.errors > 0) {
    throw CommandError(kExitAuditErrors, absl::StrCat(counts.errors, " ERROR findings"));
  }
}

}  // namespace

void AddAuditCommands(CLI::App& app, std::shared_ptr<Context> context) {
  struct AuditFlags {
    std::string subtree, out = "audit-reports", previous;
  };
  auto flags = std::make_shared<AuditFlags>();
  CLI::App* audit = app.add_subcommand(
      "audit",
      "Audit coverage and consistency of a subtree (read-only); writes JSON, Markdown and HTML. "
      "Exit 0: no ERROR finding; 3: ERROR findings; 1: could not run");
  audit->add_option("--subtree", flags->subtree,
                    "units/N to audit (default: your scope, or the one district)");
  audit->add_option("--out", flags->out, "Directory for the reports (default audit-reports)");
  audit->add_option("--previous", flags->previous,
                    "An earlier report's .json: say what is new and what was resolved");
  audit->callback(
      [context, flags] { RunAuditCommand(*context, flags->subtree, flags->out, flags->previous); });

  // `orgctl demo` is registered here, after `audit`, as it always was.
  AddDemoCommands(app, context);
}

}  // namespace grassroots::cli
