#include "cli/issue_commands.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "casework_service/casework_labels.h"
#include "casework_service/dispatch.h"
#include "casework_service/service_levels.h"
#include "cli/common_commands.h"
#include "cli/watch_commands.h"
#include "common/proto_convert.h"

namespace grassroots::cli {
namespace {

using casework::v1::Dispatch;
using casework::v1::Issue;
using CaseworkStub = casework::v1::CaseworkService::Stub;

// The service's default page (ListIssuesRequest.page_size) and its largest.
constexpr int32_t kIssuePageSize = 100;
constexpr int32_t kMaxIssuePageSize = 1000;

const ResourceKind<CaseworkStub, casework::v1::GetIssueRequest, Issue> kIssues = {
    &Context::casework, "issues", &CaseworkStub::GetIssue, &IssueTableColumns};

std::string IssueNameFlag(const std::string& text) { return ResourceName(text, "issues", "NAME"); }

// `issues/{i}/dispatches/{d}` as given, checked as the service checks it.
std::string DispatchNameFlag(const std::string& text) {
  if (const absl::Status status = casework::ParseDispatchName(text, "NAME").status();
      !status.ok()) {
    UsageError(std::string(status.message()));
  }
  return text;
}

// --- The transitions: `issues VERB NAME [--etag E]` and the step's own flags.

// What a transition is given.
struct StepFlags {
  std::string name, etag;
  std::string text;                 // --reason, --resolution, --report or --satisfaction
  std::string assignee, party_org;  // accept's
};

// What the transitions act on: issues or their dispatches.
template <typename Resource>
struct Subject {
  const char* name_help;
  std::string (*name)(const std::string&);
  const Columns<Resource>& (*columns)();
};
const Subject<Issue> kIssueSubject = {"issues/ID", &IssueNameFlag, &IssueTableColumns};
const Subject<Dispatch> kDispatchSubject = {"issues/ID/dispatches/ID", &DispatchNameFlag,
                                            &DispatchTableColumns};

// Adds `noun VERB NAME [--etag E]`, which sends `method` the request `fill`
// completes from the flags, and prints what it returns. Without --etag the
// request carries none: the step applies to the resource as it is.
template <typename Resource, typename Request>
CLI::App* AddStep(CLI::App& noun, std::shared_ptr<Context> context, Subject<Resource> subject,
                  const std::string& verb, const std::string& description,
                  grpc::Status (CaseworkStub::*method)(grpc::ClientContext*, const Request&,
                                                       Resource*),
                  std::shared_ptr<StepFlags> flags,
                  std::function<void(const StepFlags&, Request*)> fill) {
  CLI::App* command = noun.add_subcommand(verb, description);
  command->add_option("name", flags->name, subject.name_help)->required();
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, subject, method, flags, fill] {
    Request request;
    request.set_name(subject.name(flags->name));
    request.set_etag(flags->etag);
    fill(*flags, &request);
    Print(*context, context->Call(context->casework(), method, request), subject.columns());
  });
  return command;
}

// A step that takes one text, required: `escalate --reason R`.
template <typename Resource, typename Request>
void AddTextStep(CLI::App& noun, std::shared_ptr<Context> context, Subject<Resource> subject,
                 const std::string& verb, const std::string& description,
                 grpc::Status (CaseworkStub::*method)(grpc::ClientContext*, const Request&,
                                                      Resource*),
                 const std::string& flag, const std::string& flag_help,
                 std::function<void(const std::string&, Request*)> set) {
  auto flags = std::make_shared<StepFlags>();
  CLI::App* command =
      AddStep<Resource, Request>(noun, context, subject, verb, description, method, flags,
                                 [set](const StepFlags& f, Request* r) { set(f.text, r); });
  command->add_option(flag, flags->text, flag_help)->required();
}

void AddIssueSteps(CLI::App& noun, std::shared_ptr<Context> context) {
  auto accept = std::make_shared<StepFlags>();
  CLI::App* command = AddStep<Issue, casework::v1::AcceptIssueRequest>(
      noun, context, kIssueSubject, "accept",
      "Take on a REPORTED or ESCALATED issue at its handling level", &CaseworkStub::AcceptIssue,
      accept, [](const StepFlags& f, casework::v1::AcceptIssueRequest* r) {
        r->set_assignee(OptionalResourceName(f.assignee, "people", "--assignee"));
        r->set_handling_party_org(OptionalResourceName(f.party_org, "partyOrgs", "--party-org"));
      });
  command->add_option("--assignee", accept->assignee, "people/ID who works the issue");
  command->add_option("--party-org", accept->party_org,
                      "partyOrgs/ID leading it at this level (the branch, the party committee)");

  AddTextStep<Issue, casework::v1::EscalateIssueRequest>(
      noun, context, kIssueSubject, "escalate", "Hand an open issue up one level (上交)",
      &CaseworkStub::EscalateIssue, "--reason", "Why this level cannot handle it",
      [](const std::string& text, casework::v1::EscalateIssueRequest* r) { r->set_reason(text); });
  AddTextStep<Issue, casework::v1::ResolveIssueRequest>(
      noun, context, kIssueSubject, "resolve", "Report an ACCEPTED or REOPENED issue done (办结)",
      &CaseworkStub::ResolveIssue, "--resolution", "What was done",
      [](const std::string& text, casework::v1::ResolveIssueRequest* r) {
        r->set_resolution(text);
      });
  AddTextStep<Issue, casework::v1::ConfirmIssueRequest>(
      noun, context, kIssueSubject, "confirm", "The resident confirms a RESOLVED issue",
      &CaseworkStub::ConfirmIssue, "--satisfaction",
      "满意 or 基本满意 (SATISFIED, BASICALLY_SATISFIED)",
      [](const std::string& text, casework::v1::ConfirmIssueRequest* r) {
        r->set_satisfaction(SatisfactionFlag(text));
      });
  AddTextStep<Issue, casework::v1::ReopenIssueRequest>(
      noun, context, kIssueSubject, "reopen",
      "The resident is not satisfied with a RESOLVED issue: handle it again",
      &CaseworkStub::ReopenIssue, "--reason", "What the resident says is still wrong",
      [](const std::string& text, casework::v1::ReopenIssueRequest* r) { r->set_reason(text); });
  AddTextStep<Issue, casework::v1::RejectIssueRequest>(
      noun, context, kIssueSubject, "reject",
      "Close a REPORTED, ACCEPTED or ESCALATED issue without handling it (不予受理)",
      &CaseworkStub::RejectIssue, "--reason", "Why: a duplicate of issues/N, outside remit...",
      [](const std::string& text, casework::v1::RejectIssueRequest* r) { r->set_reason(text); });
}

void AddDispatchSteps(CLI::App& noun, std::shared_ptr<Context> context) {
  AddStep<Dispatch, casework::v1::AcknowledgeDispatchRequest>(
      noun, context, kDispatchSubject, "acknowledge", "The department reports in (部门报到)",
      &CaseworkStub::AcknowledgeDispatch, std::make_shared<StepFlags>(),
      [](const StepFlags&, casework::v1::AcknowledgeDispatchRequest*) {});
  AddTextStep<Dispatch, casework::v1::ReportDispatchRequest>(
      noun, context, kDispatchSubject, "report-back",
      "The department reports what it did on an ACKNOWLEDGED dispatch",
      &CaseworkStub::ReportDispatch, "--report", "What the department did",
      [](const std::string& text, casework::v1::ReportDispatchRequest* r) { r->set_report(text); });
}

// --- Report, list, dispatch.

void AddReport(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string place, category, channel, title, description, reporter, contact, party_org,
        assignee, request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "report",
      "Report an issue at a building, compound or community; it starts at the lowest "
      "level the place allows");
  command->add_option("--place", flags->place, "units/ID of a building, compound or community")
      ->required();
  command
      ->add_option("--category", flags->category,
                   LabelsAndNames<casework::Category, casework::v1::Category>())
      ->required();
  command
      ->add_option("--channel", flags->channel,
                   LabelsAndNames<casework::Channel, casework::v1::Channel>())
      ->required();
  command->add_option("--title", flags->title, "What it is, e.g. 3单元楼道灯不亮")->required();
  command->add_option("--description", flags->description, "More about it");
  command->add_option("--reporter", flags->reporter, "people/ID of the resident who reported it");
  command->add_option("--contact", flags->contact, "How to reach the reporter (masked when shown)");
  command->add_option("--party-org", flags->party_org, "partyOrgs/ID leading the handling");
  command->add_option("--assignee", flags->assignee, "people/ID who works the issue");
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    casework::v1::ReportIssueRequest request;
    Issue* issue = request.mutable_issue();
    issue->set_place(ResourceName(flags->place, "units", "--place"));
    issue->set_category(CategoryFlag(flags->category));
    issue->set_channel(ChannelFlag(flags->channel));
    issue->set_title(flags->title);
    issue->set_description(flags->description);
    issue->set_reporter(OptionalResourceName(flags->reporter, "people", "--reporter"));
    issue->set_reporter_contact(flags->contact);
    issue->set_handling_party_org(
        OptionalResourceName(flags->party_org, "partyOrgs", "--party-org"));
    issue->set_assignee(OptionalResourceName(flags->assignee, "people", "--assignee"));
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->casework(), &CaseworkStub::ReportIssue, request),
          IssueTableColumns());
  });
}

void AddList(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string place;
    IssueFilterFlags filter;
    int32_t page_size = kIssuePageSize;
    bool all = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command =
      noun.add_subcommand("list", "The issues at a place or below it, in the order reported");
  command->add_option("--place", flags->place,
                      "units/ID (needed unless your scope is every district)");
  command->add_option("--state", flags->filter.state,
                      LabelsAndNames<casework::IssueState, Issue::State>());
  command->add_option("--level", flags->filter.level,
                      LabelsAndNames<casework::HandlingLevel, casework::v1::HandlingLevel>());
  command->add_option("--category", flags->filter.category, "A category, as for report");
  command->add_flag("--overdue", flags->filter.overdue, "Only open issues past their due time");
  command->add_flag("--open", flags->filter.open, "Only open issues (not resolved nor closed)");
  command->add_option("--assignee", flags->filter.assignee, "Only those people/ID works");
  command->add_option("--reporter", flags->filter.reporter, "Only those people/ID reported");
  command
      ->add_option("--page-size", flags->page_size,
                   absl::StrCat("Issues per page (default ", kIssuePageSize, ", at most ",
                                kMaxIssuePageSize, "); only the first page unless --all"))
      ->check(CLI::Range(1, kMaxIssuePageSize));
  command->add_flag("--all", flags->all, "Every page");
  command->callback([context, flags] {
    casework::v1::ListIssuesRequest request;
    request.set_place(OptionalResourceName(flags->place, "units", "--place"));
    request.set_filter(IssueFilter(flags->filter));
    std::vector<Issue> issues;
    bool more = false;
    if (flags->all) {
      issues = context->ListAll(context->casework(), &CaseworkStub::ListIssues, request,
                                &casework::v1::ListIssuesResponse::issues);
    } else {
      request.set_page_size(flags->page_size);
      const casework::v1::ListIssuesResponse page =
          context->Call(context->casework(), &CaseworkStub::ListIssues, request);
      issues.assign(page.issues().begin(), page.issues().end());
      more = !page.next_page_token().empty();
    }
    PrintList(*context, issues, IssueTableColumns());
    if (more) {
      std::cerr << "orgctl: more than " << flags->page_size << " issues: --all lists every one\n";
    }
  });
}

void AddDispatch(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string issue, department_org, department, due, request, request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "dispatch",
      "Summon a department to an issue the street or district handles (街道吹哨、部门报到)");
  command->add_option("issue", flags->issue, "issues/ID")->required();
  CLI::Option* org = command->add_option("--department-org", flags->department_org,
                                         "externalOrgs/ID of the department");
  CLI::Option* name = command->add_option("--department", flags->department,
                                          "The department's name where it has no externalOrgs");
  org->excludes(name);
  command
      ->add_option("--due", flags->due,
                   "By when it must report back: 2026-12-20T18:00:00+08:00, or 72h, 7d from now")
      ->required();
  command->add_option("--request", flags->request, "What the department is asked to do");
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    if (flags->department_org.empty() && flags->department.empty()) {
      UsageError("give the department: --department-org externalOrgs/ID or --department NAME");
    }
    casework::v1::CreateDispatchRequest request;
    request.set_parent(IssueNameFlag(flags->issue));
    Dispatch* dispatch = request.mutable_dispatch();
    dispatch->set_department_org(
        OptionalResourceName(flags->department_org, "externalOrgs", "--department-org"));
    dispatch->set_department_name(flags->department);
    TimeToProto(DueTimeFlag(flags->due, absl::Now()), dispatch->mutable_due_time());
    dispatch->set_request(flags->request);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->casework(), &CaseworkStub::CreateDispatch, request),
          DispatchTableColumns());
  });
}

void AddDispatches(CLI::App& noun, std::shared_ptr<Context> context) {
  auto issue = std::make_shared<std::string>();
  CLI::App* command = noun.add_subcommand("dispatches", "The departments summoned to an issue");
  command->add_option("issue", *issue, "issues/ID")->required();
  command->callback([context, issue] {
    casework::v1::ListDispatchesRequest request;
    request.set_parent(IssueNameFlag(*issue));
    PrintList(*context,
              context->ListAll(context->casework(), &CaseworkStub::ListDispatches, request,
                               &casework::v1::ListDispatchesResponse::dispatches),
              DispatchTableColumns());
  });
}

void AddWatch(CLI::App& noun, std::shared_ptr<Context> context) {
  auto flags = std::make_shared<WatchFlags>();
  flags->from_flag = "--since";
  CLI::App* command = noun.add_subcommand(
      "watch", "Follow the casework service's change events: revision.index actor method resource");
  AddWatchFlags(command, flags.get());
  command->callback([context, flags] { WatchEvents(*context, EventSource::kCasework, *flags); });
}

void AddBoard(CLI::App& noun, std::shared_ptr<Context> context) {
  auto place = std::make_shared<std::string>();
  CLI::App* command = noun.add_subcommand(
      "board", "A place's overdue issues, and its issues counted by state and handling level");
  command->add_option("--place", *place, "units/ID")->required();
  command->callback([context, place] {
    casework::v1::ListIssuesRequest request;
    request.set_place(ResourceName(*place, "units", "--place"));
    const std::vector<Issue> all =
        context->ListAll(context->casework(), &CaseworkStub::ListIssues, request,
                         &casework::v1::ListIssuesResponse::issues);
    request.set_filter("open = true");
    const std::vector<Issue> open =
        context->ListAll(context->casework(), &CaseworkStub::ListIssues, request,
                         &casework::v1::ListIssuesResponse::issues);
    std::cout << RenderBoard(context->output, all, open, absl::Now()) << std::flush;
  });
}

// --- The board.

bool HasTime(const google::protobuf::Timestamp& time) {
  return time.seconds() != 0 || time.nanos() != 0;
}

std::vector<Issue> OverdueIssues(const std::vector<Issue>& open, absl::Time now) {
  std::vector<Issue> overdue;
  for (const Issue& issue : open) {
    if (HasTime(issue.due_time()) && TimeFromProto(issue.due_time()) <= now) {
      overdue.push_back(issue);
    }
  }
  std::stable_sort(overdue.begin(), overdue.end(), [](const Issue& a, const Issue& b) {
    return TimeFromProto(a.due_time()) < TimeFromProto(b.due_time());
  });
  return overdue;
}

// The levels in the board's columns.
constexpr std::array<casework::HandlingLevel, 4> kLevels = {
    casework::HandlingLevel::kCompound, casework::HandlingLevel::kCommunity,
    casework::HandlingLevel::kStreet, casework::HandlingLevel::kDistrict};

// counts[state][level], by the enums' values.
using Counts = std::array<std::array<int64_t, kLevels.size() + 1>, 8>;

Counts CountIssues(const std::vector<Issue>& issues) {
  Counts counts{};
  for (const Issue& issue : issues) {
    const size_t state = static_cast<size_t>(issue.state());
    const size_t level = static_cast<size_t>(issue.handling_level());
    if (state < counts.size() && level < counts[state].size()) ++counts[state][level];
  }
  return counts;
}

std::string CountsJson(const Counts& counts) {
  std::vector<std::string> cells;
  for (size_t state = 1; state < counts.size(); ++state) {
    for (size_t level = 1; level < counts[state].size(); ++level) {
      if (counts[state][level] == 0) continue;
      cells.push_back(absl::StrCat("{\"state\": \"", EnumName(static_cast<Issue::State>(state)),
                                   "\", \"handling_level\": \"",
                                   EnumName(static_cast<casework::v1::HandlingLevel>(level)),
                                   "\", \"count\": ", counts[state][level], "}"));
    }
  }
  return absl::StrCat("[", absl::StrJoin(cells, ",\n"), "]");
}

}  // namespace

// --- Flag values.

casework::v1::Category CategoryFlag(absl::string_view text) {
  return ParseLabelOrEnumName<casework::Category, casework::v1::Category>(text, "--category");
}

casework::v1::Channel ChannelFlag(absl::string_view text) {
  return ParseLabelOrEnumName<casework::Channel, casework::v1::Channel>(text, "--channel");
}

casework::v1::Satisfaction SatisfactionFlag(absl::string_view text) {
  const std::optional<casework::v1::Satisfaction> value =
      LabelOrEnumName<casework::Satisfaction, casework::v1::Satisfaction>(text);
  if (!value || *value == casework::v1::DISSATISFIED) {
    UsageError(absl::StrCat("--satisfaction: \"", text,
                            "\" is not 满意 (SATISFIED) or 基本满意 (BASICALLY_SATISFIED); a "
                            "dissatisfied resident's answer is `issues reopen`"));
  }
  return *value;
}

absl::Time DueTimeFlag(absl::string_view text, absl::Time now) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  const std::optional<absl::Duration> after = casework::ParseDaysOrDuration(text);
  if (!after) {
    UsageError(absl::StrCat("--due: '", text,
                            "' is neither a time like 2026-12-20T18:00:00+08:00 nor a duration "
                            "like 90m, 72h or 7d"));
  }
  return now + *after;
}

std::string IssueFilter(const IssueFilterFlags& flags) {
  std::vector<std::string> conditions;
  if (!flags.state.empty()) {
    conditions.push_back(
        absl::StrCat("state = ", EnumName(ParseLabelOrEnumName<casework::IssueState, Issue::State>(
                                     flags.state, "--state"))));
  }
  if (flags.open) conditions.push_back("open = true");
  if (!flags.level.empty()) {
    conditions.push_back(absl::StrCat(
        "handling_level = ",
        EnumName(ParseLabelOrEnumName<casework::HandlingLevel, casework::v1::HandlingLevel>(
            flags.level, "--level"))));
  }
  if (!flags.category.empty()) {
    conditions.push_back(absl::StrCat("category = ", EnumName(CategoryFlag(flags.category))));
  }
  if (flags.overdue) conditions.push_back("overdue = true");
  if (!flags.assignee.empty()) {
    conditions.push_back(absl::StrCat(
        "assignee = ", FilterString(ResourceName(flags.assignee, "people", "--assignee"))));
  }
  if (!flags.reporter.empty()) {
    conditions.push_back(absl::StrCat(
        "reporter = ", FilterString(ResourceName(flags.reporter, "people", "--reporter"))));
  }
  return absl::StrJoin(conditions, " AND ");
}

// --- The board.

std::string FormatOverdue(absl::Duration overdue) {
  const int64_t minutes = std::max<int64_t>(0, absl::ToInt64Minutes(overdue));
  const int64_t days = minutes / (24 * 60);
  const int64_t hours = minutes / 60 % 24;
  if (days > 0)
    return hours > 0 ? absl::StrCat(days, "天", hours, "小时") : absl::StrCat(days, "天");
  if (hours > 0) {
    return minutes % 60 > 0 ? absl::StrCat(hours, "小时", minutes % 60, "分钟")
                            : absl::StrCat(hours, "小时");
  }
  return absl::StrCat(minutes, "分钟");
}

Table OverdueTable(const std::vector<Issue>& open, absl::Time now) {
  Table table{.header = {"name", "title", "place", "level", "due", "overdue"}};
  for (const Issue& issue : OverdueIssues(open, now)) {
    table.rows.push_back({issue.name(), issue.title(), issue.place(),
                          LabelOf<casework::HandlingLevel>(issue.handling_level()),
                          FormatTimestamp(issue.due_time()),
                          FormatOverdue(now - TimeFromProto(issue.due_time()))});
  }
  return table;
}

Table BoardCountsTable(const std::vector<Issue>& issues) {
  const Counts counts = CountIssues(issues);
  Table table{.header = {"state"}};
  for (casework::HandlingLevel level : kLevels) table.header.emplace_back(Label(level));
  table.header.push_back("total");
  std::array<int64_t, kLevels.size() + 1> totals{};
  for (const EnumLabel<casework::IssueState>& state : Labels<casework::IssueState>()) {
    std::vector<std::string>& row = table.rows.emplace_back();
    row.emplace_back(state.label);
    int64_t total = 0;
    for (size_t i = 0; i < kLevels.size(); ++i) {
      const int64_t count =
          counts[static_cast<size_t>(state.value)][static_cast<size_t>(kLevels[i])];
      row.push_back(absl::StrCat(count));
      totals[i] += count;
      total += count;
    }
    row.push_back(absl::StrCat(total));
    totals.back() += total;
  }
  std::vector<std::string>& row = table.rows.emplace_back();
  row.push_back("total");
  for (int64_t total : totals) row.push_back(absl::StrCat(total));
  return table;
}

std::string RenderBoard(OutputFormat format, const std::vector<Issue>& all,
                        const std::vector<Issue>& open, absl::Time now) {
  switch (format) {
    case OutputFormat::kCsv:
      return FormatAs(format, BoardCountsTable(all));
    case OutputFormat::kJson: {
      const std::vector<Issue> overdue = OverdueIssues(open, now);
      std::vector<const google::protobuf::Message*> messages;
      for (const Issue& issue : overdue) messages.push_back(&issue);
      return absl::StrCat("{\"overdue\": ", absl::StripSuffix(ToJsonArray(messages), "\n"),
                          ",\n\"counts\": ", CountsJson(CountIssues(all)), "}\n");
    }
    case OutputFormat::kTable:
      break;
  }
  const Table overdue = OverdueTable(open, now);
  std::string out = overdue.rows.empty() ? "no overdue issues\n"
                                         : absl::StrCat("overdue: ", overdue.rows.size(), "\n",
                                                        FormatAs(format, overdue));
  absl::StrAppend(&out, "\n", FormatAs(format, BoardCountsTable(all)));
  return out;
}

// --- The columns and the noun.

const Columns<Issue>& IssueTableColumns() {
  static const Columns<Issue> columns = {
      {"name", [](const Issue& i) { return i.name(); }},
      {"title", [](const Issue& i) { return i.title(); }},
      {"category", [](const Issue& i) { return LabelOf<casework::Category>(i.category()); }},
      {"channel", [](const Issue& i) { return LabelOf<casework::Channel>(i.channel()); }},
      {"place", [](const Issue& i) { return i.place(); }},
      {"level",
       [](const Issue& i) { return LabelOf<casework::HandlingLevel>(i.handling_level()); }},
      {"state", [](const Issue& i) { return LabelOf<casework::IssueState>(i.state()); }},
      {"assignee", [](const Issue& i) { return i.assignee(); }},
      {"due", [](const Issue& i) { return FormatTimestamp(i.due_time()); }},
      {"overdue", [](const Issue& i) { return YesNo(i.overdue()); }},
  };
  return columns;
}

const Columns<Dispatch>& DispatchTableColumns() {
  static const Columns<Dispatch> columns = {
      {"name", [](const Dispatch& d) { return d.name(); }},
      {"department",
       [](const Dispatch& d) {
         return d.department_org().empty() ? d.department_name() : d.department_org();
       }},
      {"summoning_unit", [](const Dispatch& d) { return d.summoning_unit(); }},
      {"state", [](const Dispatch& d) { return LabelOf<casework::DispatchState>(d.state()); }},
      {"due", [](const Dispatch& d) { return FormatTimestamp(d.due_time()); }},
      {"request", [](const Dispatch& d) { return d.request(); }},
      {"report", [](const Dispatch& d) { return d.report(); }},
  };
  return columns;
}

void AddIssueCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun = app.add_subcommand(
      "issues", "Residents' issues (诉求): report, handle through the levels, dispatch, board");
  noun->require_subcommand(1);
  AddReport(*noun, context);
  AddGetCommand(*noun, context, kIssues, "show");
  AddList(*noun, context);
  AddIssueSteps(*noun, context);
  AddDispatch(*noun, context);
  AddDispatches(*noun, context);
  AddDispatchSteps(*noun, context);
  AddWatch(*noun, context);
  AddBoard(*noun, context);
}

}  // namespace grassroots::cli
