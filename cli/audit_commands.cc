#include "cli/audit_commands.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "audit/audit_reader.h"
#include "audit/audit_rules.h"
#include "audit/demo_district.h"
#include "audit/report_writers.h"
#include "cli/common_commands.h"
#include "cli/progress_bar.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/resource_name.h"
#include "common/throttle_retry.h"
#include "common/proto_convert.h"

namespace grassroots::cli {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
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
  const auto page =
      context.Call(context.org(), &org_v1::OrgService::Stub::ListUnits, districts);
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
  const auto who = context.Call(context.gateway_service(),
                                &gw_v1::GatewayService::Stub::WhoAmI, gw_v1::WhoAmIRequest());
  const std::string root = AuditRoot(context, subtree, who.scope());
  if (previous && absl::StrCat("units/", previous->root_unit_id) != root) {
    CannotRun(absl::StrCat("--previous ", previous_path, " is a report of units/",
                           previous->root_unit_id, ", not of ", root));
  }
  const absl::Time start = absl::Now();
  absl::StatusOr<audit::AuditInput> input = audit::ReadAuditInput(
      context.org(), context.roster(),
      {.root = root,
       .today = ChinaDay(absl::Now()),
       .new_context = [&context](bool stream) {
         auto call = std::make_unique<grpc::ClientContext>();
         context.Prepare(*call, /*unary=*/!stream);
         // The subtree's stream may carry a city, but a stalled gateway must
         // still end the nightly run (exit 1) rather than hang it.
         if (stream) call->set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
         return call;
       }});
  if (!input.ok()) CallFailed(grpc::Status(static_cast<grpc::StatusCode>(input.status().code()),
                                           std::string(input.status().message())));
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
  const std::string stem = absl::StrCat("audit-", absl::FormatCivilTime(report->today), "-units-",
                                        report->root_unit_id);
  const std::filesystem::path dir(out_dir);
  WriteFile(dir / (stem + ".json"), audit::ReportToJson(*report, diff_ptr));
  WriteFile(dir / (stem + ".md"), audit::ReportToMarkdown(*report, diff_ptr));
  WriteFile(dir / (stem + ".html"), audit::ReportToHtml(*report, diff_ptr));

  int errors = 0, warnings = 0, infos = 0;
  for (const audit::Finding& f : report->findings) {
    (f.severity == audit::Severity::kError     ? errors
     : f.severity == audit::Severity::kWarning ? warnings
                                               : infos)++;
  }
  std::cout << "audit of " << report->root_display_name << " (" << root << ") at org revision "
            << report->org_revision << ", roster revision " << report->roster_revision << ": "
            << errors << " errors, " << warnings << " warnings, " << infos << " notes";
  if (diff) std::cout << "; " << diff->added.size() << " new, " << diff->resolved.size()
                      << " resolved since the previous run";
  std::cout << "\n"
            << absl::StrFormat("read in %.1f s, audited in %.1f s\n",
                               absl::ToDoubleSeconds(read - start),
                               absl::ToDoubleSeconds(absl::Now() - read))
            << "report: " << (dir / (stem + ".html")).string() << " (also .json, .md)\n";
  if (errors > 0) {
    throw CommandError(kExitAuditErrors, absl::StrCat(errors, " ERROR findings"));
  }
}

// --- demo

// Runs `work(i)` for i in [0, count) on `threads` threads; the first error
// wins and stops the rest.
void InParallel(int64_t count, int threads, ProgressBar& progress, std::atomic<int64_t>& done,
                const std::function<grpc::Status(int64_t)>& work) {
  std::atomic<int64_t> next{0};
  std::mutex mu;
  grpc::Status failure;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int64_t i; (i = next.fetch_add(1)) < count;) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!failure.ok()) return;
        }
        // Creates carry request ids, so a throttled one is safe to repeat.
        const grpc::Status status = RetryWhileThrottled([&] { return work(i); });
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.ok()) failure = status;
          return;
        }
        const int64_t finished = done.fetch_add(1) + 1;
        std::lock_guard<std::mutex> lock(mu);
        progress.Update(finished, static_cast<int>(finished));
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  if (!failure.ok()) {
    progress.Clear();
    CallFailed(failure);
  }
}

// "people imported in 9.8 s (102040 rows/s)": what the benchmark parses.
std::string PhaseRate(absl::string_view what, int64_t count, absl::Duration time,
                      absl::string_view per) {
  const double seconds = absl::ToDoubleSeconds(time);
  return absl::StrFormat("%s in %.2f s (%.0f %s/s)", what, seconds,
                         seconds > 0 ? static_cast<double>(count) / seconds : 0.0, per);
}

org_v1::Unit UnitProto(const audit::DemoUnit& u, const std::string& parent) {
  org_v1::Unit unit;
  unit.set_parent(parent);
  unit.set_level(static_cast<org_v1::Level>(u.level));
  unit.set_display_name(u.display_name);
  unit.set_code(u.code);
  if (u.level == org::Level::kCompound) {
    org_v1::CompoundDetails* c = unit.mutable_compound();
    c->set_kind(static_cast<org_v1::CompoundDetails::Kind>(u.kind));
    c->set_has_property_company(u.has_property_company);
    c->set_red_property(u.red_property);
    c->set_has_owners_committee(u.has_owners_committee);
    c->set_red_owners_committee(u.red_owners_committee);
    c->set_households(u.households);
  } else if (u.level == org::Level::kBuilding) {
    unit.mutable_building()->set_households(u.households);
    unit.mutable_building()->set_floors(u.floors);
  }
  return unit;
}

roster_v1::ImportRow ImportRowOf(const audit::DemoPerson& p,
                                 const std::vector<std::string>& units,
                                 const std::vector<std::string>& orgs) {
  roster_v1::ImportRow row;
  roster_v1::Person* person = row.mutable_person();
  person->set_external_key(p.external_key);
  person->set_display_name(p.display_name);
  person->set_gender(static_cast<roster_v1::Person::Gender>(p.gender));
  DateToProto(p.birth_date, person->mutable_birth_date());
  person->set_id_card_number(p.id_card_number);
  person->set_phone(p.phone);
  if (p.residence_building >= 0) person->set_residence_building(units[p.residence_building]);
  person->set_residence_room(p.residence_room);
  person->set_party_status(static_cast<roster_v1::Person::PartyStatus>(p.party_status));
  DateToProto(p.admission, person->mutable_admission_date());
  person->set_member_category(static_cast<roster_v1::Person::MemberCategory>(p.category));
  if (p.party_org >= 0) row.set_party_org(orgs[p.party_org]);
  DateToProto(p.membership_start, row.mutable_membership_start_date());
  for (const audit::DemoRole& r : p.roles) {
    roster_v1::RoleAssignment* role = row.add_roles();
    role->set_role(static_cast<roster_v1::Role>(r.role));
    role->set_place(r.at_party_org ? orgs[r.place] : units[r.place]);
    DateToProto(r.start, role->mutable_start_date());
  }
  return row;
}

// Double reporting: registers the in-service members with the community
// they live in. The import does not name the people it created, so they are
// found by external key in one pass over the roster. A second run finds the
// registrations already there (FAILED_PRECONDITION) and goes on.
void LoadRegistrations(Context& context, const audit::DemoDistrict& demo,
                       const std::vector<std::string>& units, int threads) {
  absl::flat_hash_map<std::string, std::string> names;  // external key → people/N
  roster_v1::ListPeopleRequest list;
  list.set_page_size(1000);
  do {
    const auto page = context.Call(context.roster(), &roster_v1::RosterService::Stub::ListPeople, list);
    for (const roster_v1::Person& person : page.people()) {
      if (!person.external_key().empty()) names[person.external_key()] = person.name();
    }
    list.set_page_token(page.next_page_token());
    list.set_read_revision(page.revision());
  } while (!list.page_token().empty());
  std::vector<const audit::DemoPerson*> registered;
  for (const audit::DemoPerson& p : demo.people) {
    if (p.registered_community >= 0 && names.contains(p.external_key)) registered.push_back(&p);
  }
  ProgressBar progress(static_cast<int64_t>(registered.size()), "registrations");
  std::atomic<int64_t> done{0};
  InParallel(static_cast<int64_t>(registered.size()), threads, progress, done, [&](int64_t i) {
    const audit::DemoPerson& p = *registered[i];
    roster_v1::CreateRegistrationRequest request;
    request.set_person(names.at(p.external_key));
    request.set_community(units[p.registered_community]);
    DateToProto(p.membership_start.value_or(absl::CivilDay(2020, 1, 1)),
                request.mutable_start_date());
    roster_v1::Registration created;
    grpc::ClientContext call;
    context.Prepare(call);
    grpc::Status status = context.roster().CreateRegistration(&call, request, &created);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) return grpc::Status::OK;
    return status;
  });
  progress.Clear();
}

struct DemoFlags {
  double scale = 1;
  bool no_violations = false;
  int threads = 8;
  double people_fraction = 1;
  bool second_role = false;
  bool units_only = false;
};

void RunDemoCommand(Context& context, const DemoFlags& flags) {
  const absl::Time start = absl::Now();
  const double scale = flags.scale;
  const int threads = flags.threads;
  const audit::DemoDistrict demo = audit::GenerateDemoDistrict(
      {.scale = scale,
       .plant_violations = !flags.no_violations,
       // Units only: the leaders are generated (they cost little) but not loaded.
       .people_fraction = flags.units_only ? 0 : flags.people_fraction,
       .second_role = flags.second_role,
       .today = ChinaDay(absl::Now())});
  const absl::Time generated = absl::Now();
  // Connect and read the token once, before the threads share the context.
  {
    grpc::ClientContext probe;
    context.Prepare(probe);
    context.org();
    context.roster();
  }
  const std::string tag = absl::StrCat("demo-", absl::StrFormat("%g", scale), "-");
  const int64_t total = static_cast<int64_t>(demo.units.size() + demo.party_orgs.size());
  ProgressBar progress(total, "units and organisations");
  std::atomic<int64_t> done{0};

  // Units level by level (a parent exists before its children), each level
  // in parallel; request ids make a second run find the same units.
  const absl::Time units_start = absl::Now();
  std::vector<std::string> units(demo.units.size());
  for (int level = 1; level <= 5; ++level) {
    std::vector<int64_t> indices;
    for (size_t i = 0; i < demo.units.size(); ++i) {
      if (static_cast<int>(demo.units[i].level) == level) indices.push_back(static_cast<int64_t>(i));
    }
    InParallel(static_cast<int64_t>(indices.size()), threads, progress, done, [&](int64_t k) {
      const int64_t i = indices[k];
      const audit::DemoUnit& u = demo.units[i];
      org_v1::CreateUnitRequest request;
      *request.mutable_unit() = UnitProto(u, u.parent >= 0 ? units[u.parent] : "");
      request.set_request_id(absl::StrCat(tag, "u", i));
      org_v1::Unit created;
      grpc::ClientContext call;
      context.Prepare(call);
      grpc::Status status = context.org().CreateUnit(&call, request, &created);
      if (status.ok()) units[i] = created.name();
      return status;
    });
  }
  // Party organisations by depth, likewise.
  std::vector<int> depth(demo.party_orgs.size(), 0);
  int max_depth = 0;
  for (size_t i = 0; i < demo.party_orgs.size(); ++i) {
    const int parent = demo.party_orgs[i].parent;
    depth[i] = parent >= 0 ? depth[parent] + 1 : 0;
    max_depth = std::max(max_depth, depth[i]);
  }
  std::vector<std::string> orgs(demo.party_orgs.size());
  for (int d = 0; d <= max_depth; ++d) {
    std::vector<int64_t> indices;
    for (size_t i = 0; i < demo.party_orgs.size(); ++i) {
      if (depth[i] == d) indices.push_back(static_cast<int64_t>(i));
    }
    InParallel(static_cast<int64_t>(indices.size()), threads, progress, done, [&](int64_t k) {
      const int64_t i = indices[k];
      const audit::DemoPartyOrg& o = demo.party_orgs[i];
      org_v1::CreatePartyOrgRequest request;
      org_v1::PartyOrg* org = request.mutable_party_org();
      org->set_form(static_cast<org_v1::PartyOrg::Form>(o.form));
      org->set_display_name(o.display_name);
      if (o.parent >= 0) org->set_parent(orgs[o.parent]);
      for (int unit : o.units) org->add_units(units[unit]);
      DateToProto(o.established, org->mutable_established_date());
      request.set_request_id(absl::StrCat(tag, "o", i));
      org_v1::PartyOrg created;
      grpc::ClientContext call;
      context.Prepare(call);
      grpc::Status status = context.org().CreatePartyOrg(&call, request, &created);
      if (status.ok()) orgs[i] = created.name();
      return status;
    });
  }
  progress.Clear();

  const absl::Duration units_time = absl::Now() - units_start;
  if (flags.units_only) {
    std::cout << "demo district " << demo.units[0].display_name << " (" << units[0]
              << "): " << demo.units.size() << " units, " << demo.party_orgs.size()
              << " party organisations, no people, generated in "
              << absl::StrFormat("%.1f s", absl::ToDoubleSeconds(generated - start)) << "; "
              << PhaseRate("units and organisations loaded", total, units_time, "units") << "\n";
    return;
  }

  // People, memberships and roles through the bulk import.
  const absl::Time people_start = absl::Now();
  ProgressBar people_progress(static_cast<int64_t>(demo.people.size()), "people");
  grpc::ClientContext call;
  context.Prepare(call, /*unary=*/false);
  roster_v1::ImportPeopleResponse response;
  auto writer = context.roster().ImportPeople(&call, &response);
  roster_v1::ImportPeopleRequest request;
  for (size_t i = 0; i < demo.people.size(); ++i) {
    *request.add_rows() = ImportRowOf(demo.people[i], units, orgs);
    if (request.rows_size() == 500 || i + 1 == demo.people.size()) {
      if (!writer->Write(request)) break;
      request.Clear();
      people_progress.Update(static_cast<int64_t>(i + 1), static_cast<int>(i + 1));
    }
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  people_progress.Clear();
  const absl::Duration people_time = absl::Now() - people_start;
  if (!status.ok()) CallFailed(status);
  if (response.errors_size() == 0) LoadRegistrations(context, demo, units, threads);
  std::cout << "demo district " << demo.units[0].display_name << " (" << units[0]
            << "): " << demo.units.size() << " units, " << demo.party_orgs.size()
            << " party organisations, " << response.rows_received() << " people ("
            << response.people_created() << " created, " << response.rows_unchanged()
            << " unchanged), " << response.roles_assigned() << " roles assigned, "
            << demo.violations.size() << " planted violations, in "
            << absl::StrFormat("%.1f s", absl::ToDoubleSeconds(absl::Now() - start))
            << " (generated in "
            << absl::StrFormat("%.1f s", absl::ToDoubleSeconds(generated - start)) << ")"
            << "; " << PhaseRate("units and organisations loaded", total, units_time, "units")
            << "; " << PhaseRate("people imported", response.rows_received(), people_time, "rows")
            << "\n";
  if (response.errors_size() > 0) {
    for (const auto& e : response.errors()) {
      std::cerr << "row " << e.row() << " " << e.field() << ": " << e.message() << "\n";
    }
    throw CommandError(kExitCallFailed,
                       absl::StrCat(response.errors_size(), " demo people were refused"));
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
  audit->callback([context, flags] {
    RunAuditCommand(*context, flags->subtree, flags->out, flags->previous);
  });

  auto demo_flags = std::make_shared<DemoFlags>();
  CLI::App* demo = app.add_subcommand(
      "demo", "Load a demo district shaped like Tianyuan's (309 compounds, 211 branches, ...)");
  demo->add_option("--scale", demo_flags->scale, "Multiply everything (default 1)")
      ->check(CLI::PositiveNumber);
  demo->add_flag("--no-violations", demo_flags->no_violations,
                 "Plant no rule violations (for benchmarks)");
  demo->add_option("--parallel", demo_flags->threads, "Calls in flight while loading (default 8)")
      ->check(CLI::Range(1, 256));
  demo->add_option("--people-fraction", demo_flags->people_fraction,
                   "Keep this share of the people, spread evenly, and every party leader "
                   "(default 1; 0.3 with --scale 350: about 10^6 units and 10^6 people)")
      ->check(CLI::Range(0.0, 1.0));
  demo->add_flag("--second-role", demo_flags->second_role,
                 "Everyone also volunteers where they live: about two roles a person");
  demo->add_flag("--units-only", demo_flags->units_only,
                 "Load the units and party organisations only, no people");
  demo->callback([context, demo_flags] { RunDemoCommand(*context, *demo_flags); });
}

}  // namespace grassroots::cli
