#include "cli/demo_commands.h"

#include <cstdint>
#include <iostream>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cli/progress_bar.h"
#include "common/clock.h"
#include "demo/demo_district.h"
#include "demo/demo_loader.h"

namespace grassroots::cli {
namespace {

struct DemoFlags {
  double scale = 1;
  std::string profile = "tianyuan";
  bool no_violations = false;
  bool no_issues = false;
  int threads = 8;
  double people_fraction = 1;
  bool second_role = false;
  bool units_only = false;
};

// "people imported in 9.8 s (102040 rows/s)": what the benchmark parses.
std::string PhaseRate(absl::string_view what, int64_t count, absl::Duration time,
                      absl::string_view per) {
  const double seconds = absl::ToDoubleSeconds(time);
  return absl::StrFormat("%s in %.2f s (%.0f %s/s)", what, seconds,
                         seconds > 0 ? static_cast<double>(count) / seconds : 0.0, per);
}

// One progress bar per phase of the load: a new phase clears the last bar.
class PhaseBars {
 public:
  void Update(absl::string_view phase, int64_t done, int64_t total) {
    if (!bar_.has_value() || phase != phase_) {
      bar_.reset();
      phase_ = std::string(phase);
      bar_.emplace(total, phase_);
    }
    bar_->Update(done, static_cast<int>(done));
  }
  void Clear() { bar_.reset(); }

 private:
  std::string phase_;
  std::optional<ProgressBar> bar_;
};

void RunDemoCommand(Context& context, const DemoFlags& flags) {
  const absl::Time start = absl::Now();
  const double scale = flags.scale;
  const demo::DemoDistrict district = demo::GenerateDemoDistrict(
      {.profile = flags.profile == "zhangping" ? demo::DemoProfile::kZhangping
                                               : demo::DemoProfile::kTianyuan,
       .scale = scale,
       .plant_violations = !flags.no_violations,
       // Units only: the leaders are generated (they cost little) but not loaded.
       .people_fraction = flags.units_only ? 0 : flags.people_fraction,
       .second_role = flags.second_role,
       .casework = !flags.no_issues,
       .today = ChinaDay(absl::Now())});
  const absl::Time generated = absl::Now();
  // Connect and read the token once, before the threads share the context.
  {
    grpc::ClientContext probe;
    context.Prepare(probe);
    context.org();
    context.roster();
    if (!flags.no_issues) context.casework();
  }
  PhaseBars bars;
  demo::LoadResult result;
  const grpc::Status status = demo::LoadDemoDistrict(
      district, context.org(), context.roster(), flags.no_issues ? nullptr : &context.casework(),
      [&context](grpc::ClientContext& call, bool unary) { context.Prepare(call, unary); },
      [&bars](absl::string_view phase, int64_t done, int64_t total) {
        bars.Update(phase, done, total);
      },
      {.threads = flags.threads,
       .units_only = flags.units_only,
       .request_id_prefix = absl::StrCat("demo-", flags.profile == "zhangping" ? "zp-" : "",
                                         absl::StrFormat("%g", scale), "-")},
      &result);
  bars.Clear();
  if (!status.ok()) CallFailed(status);

  const int64_t total = static_cast<int64_t>(district.units.size() + district.party_orgs.size());
  const std::string generated_in =
      absl::StrFormat("%.1f s", absl::ToDoubleSeconds(generated - start));
  if (flags.units_only) {
    std::cout << "demo district " << district.units[0].display_name << " (" << result.units[0]
              << "): " << district.units.size() << " units, " << district.party_orgs.size()
              << " party organisations, no people, generated in " << generated_in << "; "
              << PhaseRate("units and organisations loaded", total, result.units_time, "units")
              << "\n";
    return;
  }
  const roster::v1::ImportPeopleResponse& response = result.import;
  std::cout << "demo district " << district.units[0].display_name << " (" << result.units[0]
            << "): " << district.units.size() << " units, " << district.party_orgs.size()
            << " party organisations, " << response.rows_received() << " people ("
            << response.people_created() << " created, " << response.rows_unchanged()
            << " unchanged), " << response.roles_assigned() << " roles assigned, "
            << district.violations.size() << " planted violations, in "
            << absl::StrFormat("%.1f s", absl::ToDoubleSeconds(absl::Now() - start))
            << " (generated in " << generated_in << ")"
            << "; "
            << PhaseRate("units and organisations loaded", total, result.units_time, "units")
            << "; "
            << PhaseRate("people imported", response.rows_received(), result.people_time, "rows");
  if (!district.issues.empty()) {
    std::cout << "; " << district.issues.size() << " issues (" << result.issues_imported
              << " imported, " << result.issues_unchanged << " unchanged, "
              << district.overdue_issues.size() << " planted overdue, "
              << district.unacknowledged_dispatches.size() << " planted unacknowledged dispatches"
              << "), "
              << PhaseRate("issues imported", static_cast<int64_t>(district.issues.size()),
                           result.issues_time, "rows");
  }
  std::cout << "\n";
  if (response.errors_size() > 0) {
    for (const auto& e : response.errors()) {
      std::cerr << "row " << e.row() << " " << e.field() << ": " << e.message() << "\n";
    }
    throw CommandError(kExitCallFailed,
                       absl::StrCat(response.errors_size(), " demo people were refused"));
  }
}

}  // namespace

void AddDemoCommands(CLI::App& app, std::shared_ptr<Context> context) {
  auto flags = std::make_shared<DemoFlags>();
  CLI::App* demo = app.add_subcommand(
      "demo", "Load a demo district shaped like Tianyuan's (309 compounds, 211 branches, ...)");
  demo->add_option("--scale", flags->scale, "Multiply everything (default 1)")
      ->check(CLI::PositiveNumber);
  demo->add_option("--profile", flags->profile,
                   "tianyuan (seed 000: 309 compounds, 211 branches, 208 first secretaries, 95 "
                   "work teams) or zhangping (seed 003: 221 compound party organisations, 465 "
                   "party groups, red owners committees 90.16%, 78 cross-appointments)")
      ->check(CLI::IsMember({"tianyuan", "zhangping"}));
  demo->add_flag("--no-violations", flags->no_violations,
                 "Plant no rule violations (for benchmarks)");
  demo->add_flag("--no-issues", flags->no_issues,
                 "Load no residents' issues (a year of them in the first street by default; for "
                 "a gateway without --casework_address)");
  demo->add_option("--parallel", flags->threads, "Calls in flight while loading (default 8)")
      ->check(CLI::Range(1, 256));
  demo->add_option("--people-fraction", flags->people_fraction,
                   "Keep this share of the people, spread evenly, and every party leader "
                   "(default 1; 0.3 with --scale 350: about 10^6 units and 10^6 people)")
      ->check(CLI::Range(0.0, 1.0));
  demo->add_flag("--second-role", flags->second_role,
                 "Everyone also volunteers where they live: about two roles a person");
  demo->add_flag("--units-only", flags->units_only,
                 "Load the units and party organisations only, no people");
  demo->callback([context, flags] { RunDemoCommand(*context, *flags); });
}

}  // namespace grassroots::cli
