#include "cli/activity_commands.h"

#include <algorithm>
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
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "activity_service/activity_labels.h"
#include "activity_service/attendance.h"
#include "cli/common_commands.h"
#include "cli/progress_bar.h"
#include "common/proto_convert.h"

namespace grassroots::cli {
namespace {

namespace av = ::grassroots::activity::v1;
using av::Activity;
using av::Attendance;
using ActivityStub = av::ActivityService::Stub;

// Lines a call of ImportAttendance takes (ImportAttendanceRequest).
constexpr size_t kSheetLinesPerCall = 10000;

const absl::TimeZone& Beijing() {
  static const absl::TimeZone zone = absl::FixedTimeZone(8 * 60 * 60);
  return zone;
}

// `2026-12-20 18:00` (Beijing time) or an RFC 3339 time.
absl::Time TimeFlag(absl::string_view text, absl::string_view flag) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) return time;
  if (absl::ParseTime("%Y-%m-%d %H:%M", text, Beijing(), &time, &error)) return time;
  UsageError(absl::StrCat(flag, ": '", text,
                          "' is neither 2026-12-20 18:00 (Beijing time) nor "
                          "2026-12-20T18:00:00+08:00"));
}

std::string ActivityNameFlag(const std::string& text) {
  return ResourceName(text, "activities", "NAME");
}

const ResourceKind<ActivityStub, av::GetActivityRequest, Activity> kActivities = {
    &Context::activity, "activities", &ActivityStub::GetActivity, &ActivityTableColumns};

// --- Plan, list.

void AddPlan(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string party_org, kind, theme, description, place, service_point, start, end, organiser,
        request_id;
    int32_t capacity = 0;
    std::vector<std::string> co_organisers;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command =
      noun.add_subcommand("plan", "Plan an activity of a party organisation (it starts DRAFT)");
  command->add_option("--party-org", flags->party_org, "partyOrgs/ID organising it")->required();
  command
      ->add_option("--kind", flags->kind,
                   LabelsAndNames<activity::ActivityKind, av::ActivityKind>())
      ->required();
  command->add_option("--theme", flags->theme, "What it is about, e.g. 楼道清洁志愿服务")
      ->required();
  command->add_option("--description", flags->description, "More about it");
  command->add_option("--place", flags->place, "units/ID where it takes place");
  command->add_option("--service-point", flags->service_point,
                      "servicePoints/ID where it takes place (instead of --place)");
  command->add_option("--start", flags->start, "2026-12-20 09:00 (Beijing time)")->required();
  command->add_option("--end", flags->end, "2026-12-20 11:00")->required();
  command->add_option("--organiser", flags->organiser, "people/ID organising it");
  command->add_option("--capacity", flags->capacity, "How many may attend (0: no limit)");
  command->add_option("--co-organiser", flags->co_organisers,
                      "externalOrgs/ID or alliances/ID organising it together (repeatable)");
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    if (flags->place.empty() == flags->service_point.empty()) {
      UsageError("give where it takes place: --place units/ID or --service-point servicePoints/ID");
    }
    av::CreateActivityRequest request;
    Activity* a = request.mutable_activity();
    a->set_party_org(ResourceName(flags->party_org, "partyOrgs", "--party-org"));
    a->set_kind(
        ParseLabelOrEnumName<activity::ActivityKind, av::ActivityKind>(flags->kind, "--kind"));
    a->set_theme(flags->theme);
    a->set_description(flags->description);
    a->set_place(OptionalResourceName(flags->place, "units", "--place"));
    a->set_service_point(
        OptionalResourceName(flags->service_point, "servicePoints", "--service-point"));
    TimeToProto(TimeFlag(flags->start, "--start"), a->mutable_start_time());
    TimeToProto(TimeFlag(flags->end, "--end"), a->mutable_end_time());
    a->set_organiser(OptionalResourceName(flags->organiser, "people", "--organiser"));
    a->set_capacity(flags->capacity);
    for (const std::string& co : flags->co_organisers) a->add_co_organisers(co);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->activity(), &ActivityStub::CreateActivity, request),
          ActivityTableColumns());
  });
}

void AddList(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string place, kind, state, party_org, month;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand("list", "The activities at a place or below it");
  command->add_option("--place", flags->place,
                      "units/ID (needed unless your scope is every district)");
  command->add_option("--kind", flags->kind, "A kind, as for plan");
  command->add_option("--state", flags->state,
                      LabelsAndNames<activity::ActivityState, Activity::State>());
  command->add_option("--party-org", flags->party_org, "Only those partyOrgs/ID organises");
  command->add_option("--month", flags->month, "Only those starting in 2026-12 (Beijing time)");
  AddListFlags(command, &flags->list, /*show_deleted=*/false);
  command->callback([context, flags] {
    av::ListActivitiesRequest request;
    request.set_place(OptionalResourceName(flags->place, "units", "--place"));
    std::string filter = ActivityFilter(flags->kind, flags->state, flags->party_org, flags->month);
    request.set_filter(
        JoinFilter(filter.empty() ? std::vector<std::string>{} : std::vector<std::string>{filter},
                   flags->list));
    PrintList(*context,
              context->ListAll(context->activity(), &ActivityStub::ListActivities, request,
                               &av::ListActivitiesResponse::activities, flags->list.limit),
              ActivityTableColumns());
  });
}

// --- The transitions: `activities VERB NAME [--etag E]` and the step's flags.

struct StepFlags {
  std::string name, etag, approver, reason;
};

template <typename Request>
CLI::App* AddStep(CLI::App& noun, std::shared_ptr<Context> context, const std::string& verb,
                  const std::string& description,
                  grpc::Status (ActivityStub::*method)(grpc::ClientContext*, const Request&,
                                                       Activity*),
                  std::function<void(const StepFlags&, Request*)> fill = nullptr) {
  auto flags = std::make_shared<StepFlags>();
  CLI::App* command = noun.add_subcommand(verb, description);
  command->add_option("name", flags->name, "activities/ID")->required();
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  constexpr bool kApprover = requires(Request r) { r.set_approver(""); };
  constexpr bool kReason = requires(Request r) { r.set_reason(""); };
  if constexpr (kApprover) {
    command
        ->add_option("--approver", flags->approver,
                     "partyOrgs/ID of the organisation above the organiser (社区现场指导)")
        ->required();
  }
  if constexpr (kReason) command->add_option("--reason", flags->reason, "Why")->required();
  command->callback([context, flags, method, fill] {
    Request request;
    request.set_name(ActivityNameFlag(flags->name));
    request.set_etag(flags->etag);
    if constexpr (kApprover) {
      request.set_approver(ResourceName(flags->approver, "partyOrgs", "--approver"));
    }
    if constexpr (kReason) request.set_reason(flags->reason);
    if (fill) fill(*flags, &request);
    Print(*context, context->Call(context->activity(), method, request), ActivityTableColumns());
  });
  return command;
}

void AddSteps(CLI::App& noun, std::shared_ptr<Context> context) {
  AddStep<av::SubmitActivityRequest>(noun, context, "submit",
                                     "Submit a DRAFT to the organisation above (申报)",
                                     &ActivityStub::SubmitActivity);
  AddStep<av::ApproveActivityRequest>(noun, context, "approve", "Approve a SUBMITTED activity",
                                      &ActivityStub::ApproveActivity);
  AddStep<av::ReturnActivityRequest>(noun, context, "return",
                                     "Send a SUBMITTED activity back to DRAFT with a reason",
                                     &ActivityStub::ReturnActivity);
  AddStep<av::HoldActivityRequest>(noun, context, "hold",
                                   "Mark an APPROVED activity held (its start has passed)",
                                   &ActivityStub::HoldActivity);
  AddStep<av::RecordActivityRequest>(noun, context, "record",
                                     "Close a HELD activity's attendance (归档)",
                                     &ActivityStub::RecordActivity);
  AddStep<av::CancelActivityRequest>(noun, context, "cancel",
                                     "Cancel a DRAFT, SUBMITTED or APPROVED activity",
                                     &ActivityStub::CancelActivity);
}

// --- Attendance.

void AddAttendanceList(CLI::App& noun, std::shared_ptr<Context> context) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = noun.add_subcommand("list", "An activity's lines of attendance");
  command->add_option("activity", *name, "activities/ID")->required();
  command->callback([context, name] {
    av::ListAttendancesRequest request;
    request.set_parent(ActivityNameFlag(*name));
    PrintList(*context,
              context->ListAll(context->activity(), &ActivityStub::ListAttendances, request,
                               &av::ListAttendancesResponse::attendances),
              AttendanceTableColumns());
  });
}

void AddAttendanceImport(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string activity, file;
    bool dry_run = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "import", "Record a sign-in sheet (CSV: 类型,人员,时长分钟,人数,编号) for a HELD activity");
  command->add_option("file", flags->file, "The CSV file, UTF-8, with the header row")->required();
  command->add_option("--activity", flags->activity, "activities/ID")->required();
  command->add_flag("--dry-run", flags->dry_run, "Check every line, record nothing");
  command->callback([context, flags] {
    const std::string activity = ActivityNameFlag(flags->activity);
    std::vector<Attendance> lines;
    std::vector<int> line_numbers;
    int refused = 0;  // lines refused before any call
    refused += ForEachCsvRecord(flags->file, SignInSheetHeader(), [&](const CsvRow& row) {
      absl::StatusOr<Attendance> line = SignInLine(row, flags->file);
      if (!line.ok()) {
        std::cerr << flags->file << ": line " << row.line << ": " << line.status().message()
                  << "\n";
        ++refused;
        return;
      }
      lines.push_back(*std::move(line));
      line_numbers.push_back(row.line);
    });
    int recorded = 0, unchanged = 0, rejected = 0;
    ProgressBar bar(static_cast<int64_t>(lines.size()), "lines");
    for (size_t start = 0; start < lines.size(); start += kSheetLinesPerCall) {
      const size_t end = std::min(lines.size(), start + kSheetLinesPerCall);
      av::ImportAttendanceRequest request;
      request.set_parent(activity);
      request.set_validate_only(flags->dry_run);
      for (size_t i = start; i < end; ++i) *request.add_attendances() = lines[i];
      const av::ImportAttendanceResponse response =
          context->Call(context->activity(), &ActivityStub::ImportAttendance, request);
      recorded += response.recorded();
      unchanged += response.unchanged();
      for (const av::ImportAttendanceError& error : response.errors()) {
        const size_t at = start + static_cast<size_t>(error.row());
        bar.Clear();
        std::cerr << flags->file << ": line " << (at < line_numbers.size() ? line_numbers[at] : 0)
                  << ": " << error.message() << "\n";
        ++rejected;
      }
      bar.Update(static_cast<int64_t>(end), static_cast<int>(end));
    }
    bar.Clear();
    const int total_refused = refused + rejected;
    std::cout << activity << ": " << recorded
              << (flags->dry_run ? " lines would be recorded, " : " lines recorded, ") << unchanged
              << " recorded before, " << total_refused << " refused\n";
    if (total_refused > 0) {
      throw CommandError(kExitCallFailed, absl::StrCat(total_refused, " lines were refused"));
    }
  });
}

// --- Credit.

std::string AccountName(const std::string& text, absl::string_view flag) {
  // A person (people/7 or 7) or their account (creditAccounts/7).
  if (absl::StartsWith(text, "creditAccounts/")) {
    return ResourceName(text, "creditAccounts", flag);
  }
  return absl::StrCat("creditAccounts/",
                      absl::StripPrefix(ResourceName(text, "people", flag), "people/"));
}

void AddCreditCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun =
      app.add_subcommand("credit", "Volunteer credit (积分): balances, entries, redemptions");
  noun->require_subcommand(1);

  struct ShowFlags {
    std::string person, period;
  };
  auto show = std::make_shared<ShowFlags>();
  CLI::App* command =
      noun->add_subcommand("show", "A person's balance, totals and a period's totals");
  command->add_option("person", show->person, "people/ID")->required();
  command->add_option("--period", show->period, "2026 or 2026-12 (default: this month)");
  command->callback([context, show] {
    av::GetCreditAccountRequest request;
    request.set_name(AccountName(show->person, "PERSON"));
    request.set_period(show->period);
    static const Columns<av::CreditAccount> columns = {
        {"name", [](const av::CreditAccount& a) { return a.name(); }},
        {"balance", [](const av::CreditAccount& a) { return absl::StrCat(a.balance()); }},
        {"earned", [](const av::CreditAccount& a) { return absl::StrCat(a.earned_total()); }},
        {"redeemed", [](const av::CreditAccount& a) { return absl::StrCat(a.redeemed_total()); }},
        {"period", [](const av::CreditAccount& a) { return a.period(); }},
        {"period_earned",
         [](const av::CreditAccount& a) { return absl::StrCat(a.period_earned()); }},
        {"period_redeemed",
         [](const av::CreditAccount& a) { return absl::StrCat(a.period_redeemed()); }},
    };
    Print(*context, context->Call(context->activity(), &ActivityStub::GetCreditAccount, request),
          columns);
  });

  static const Columns<av::CreditEntry> kEntryColumns = {
      {"name", [](const av::CreditEntry& e) { return e.name(); }},
      {"amount", [](const av::CreditEntry& e) { return absl::StrCat(e.amount()); }},
      {"attendance", [](const av::CreditEntry& e) { return e.attendance(); }},
      {"reason", [](const av::CreditEntry& e) { return e.reason(); }},
      {"time", [](const av::CreditEntry& e) { return FormatTimestamp(e.create_time()); }},
  };
  auto person = std::make_shared<std::string>();
  command = noun->add_subcommand("entries", "A person's credit entries, oldest first");
  command->add_option("person", *person, "people/ID")->required();
  command->callback([context, person] {
    av::ListCreditEntriesRequest request;
    request.set_parent(AccountName(*person, "PERSON"));
    PrintList(*context,
              context->ListAll(context->activity(), &ActivityStub::ListCreditEntries, request,
                               &av::ListCreditEntriesResponse::entries),
              kEntryColumns);
  });

  struct RedeemFlags {
    std::string person, reason, request_id;
    int64_t amount = 0;
  };
  auto redeem = std::make_shared<RedeemFlags>();
  command = noun->add_subcommand("redeem", "Spend a person's credit (never below zero)");
  command->add_option("person", redeem->person, "people/ID")->required();
  command->add_option("--amount", redeem->amount, "Points")->required();
  command->add_option("--reason", redeem->reason, "What for, e.g. 兑换洗衣液")->required();
  AddRequestIdFlag(command, &redeem->request_id);
  command->callback([context, redeem] {
    av::RedeemCreditRequest request;
    request.set_account(AccountName(redeem->person, "PERSON"));
    request.set_amount(redeem->amount);
    request.set_reason(redeem->reason);
    request.set_request_id(RequestId(redeem->request_id));
    Print(*context, context->Call(context->activity(), &ActivityStub::RedeemCredit, request),
          kEntryColumns);
  });
}

// --- Service points.

const Columns<av::ServicePoint>& ServicePointColumns() {
  static const Columns<av::ServicePoint> columns = {
      {"name", [](const av::ServicePoint& p) { return p.name(); }},
      {"display_name", [](const av::ServicePoint& p) { return p.display_name(); }},
      {"kind",
       [](const av::ServicePoint& p) { return LabelOf<activity::ServicePointKind>(p.kind()); }},
      {"unit", [](const av::ServicePoint& p) { return p.unit(); }},
      {"address", [](const av::ServicePoint& p) { return p.address(); }},
      {"state", [](const av::ServicePoint& p) { return EnumName(p.state()); }},
  };
  return columns;
}

void AddServicePointCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun = app.add_subcommand(
      "service-points", "Where activities take place: 党群服务中心, 邻里服务点, 养老服务点");
  noun->require_subcommand(1);
  const ResourceKind<ActivityStub, av::GetServicePointRequest, av::ServicePoint> kind = {
      &Context::activity, "servicePoints", &ActivityStub::GetServicePoint, &ServicePointColumns};
  AddGetCommand(*noun, context, kind, "show");
  AddStateCommand(*noun, context, kind, "delete", "Delete a service point",
                  &ActivityStub::DeleteServicePoint);

  struct CreateFlags {
    std::string unit, name, kind, address, request_id;
  };
  auto create = std::make_shared<CreateFlags>();
  CLI::App* command = noun->add_subcommand("create", "A service point under a unit");
  command->add_option("--unit", create->unit, "units/ID it belongs to")->required();
  command->add_option("--name", create->name, "e.g. 水塔社区党群服务中心")->required();
  command
      ->add_option("--kind", create->kind,
                   LabelsAndNames<activity::ServicePointKind, av::ServicePoint::Kind>())
      ->required();
  command->add_option("--address", create->address, "Where it is");
  AddRequestIdFlag(command, &create->request_id);
  command->callback([context, create] {
    av::CreateServicePointRequest request;
    av::ServicePoint* p = request.mutable_service_point();
    p->set_unit(ResourceName(create->unit, "units", "--unit"));
    p->set_display_name(create->name);
    p->set_kind(ParseLabelOrEnumName<activity::ServicePointKind, av::ServicePoint::Kind>(
        create->kind, "--kind"));
    p->set_address(create->address);
    request.set_request_id(RequestId(create->request_id));
    Print(*context, context->Call(context->activity(), &ActivityStub::CreateServicePoint, request),
          ServicePointColumns());
  });

  struct ListPointFlags {
    std::string unit;
    ListFlags list;
  };
  auto list = std::make_shared<ListPointFlags>();
  command = noun->add_subcommand("list", "The service points at or below a unit");
  command->add_option("--unit", list->unit, "units/ID");
  AddListFlags(command, &list->list);
  command->callback([context, list] {
    av::ListServicePointsRequest request;
    request.set_unit(OptionalResourceName(list->unit, "units", "--unit"));
    request.set_show_deleted(list->list.show_deleted);
    PrintList(*context,
              context->ListAll(context->activity(), &ActivityStub::ListServicePoints, request,
                               &av::ListServicePointsResponse::service_points, list->list.limit),
              ServicePointColumns());
  });
}

}  // namespace

const Columns<Activity>& ActivityTableColumns() {
  static const Columns<Activity> columns = {
      {"name", [](const Activity& a) { return a.name(); }},
      {"kind", [](const Activity& a) { return LabelOf<activity::ActivityKind>(a.kind()); }},
      {"theme", [](const Activity& a) { return a.theme(); }},
      {"party_org", [](const Activity& a) { return a.party_org(); }},
      {"place", [](const Activity& a) { return a.place(); }},
      {"start", [](const Activity& a) { return FormatTimestamp(a.start_time()); }},
      {"state", [](const Activity& a) { return LabelOf<activity::ActivityState>(a.state()); }},
      {"attendees", [](const Activity& a) { return absl::StrCat(a.attendees()); }},
      {"residents", [](const Activity& a) { return absl::StrCat(a.residents_served()); }},
      {"credit", [](const Activity& a) { return absl::StrCat(a.credit_awarded()); }},
  };
  return columns;
}

const Columns<Attendance>& AttendanceTableColumns() {
  static const Columns<Attendance> columns = {
      {"name", [](const Attendance& a) { return a.name(); }},
      {"kind", [](const Attendance& a) { return LabelOf<activity::AttendeeKind>(a.kind()); }},
      {"person", [](const Attendance& a) { return a.person(); }},
      {"minutes", [](const Attendance& a) { return absl::StrCat(a.minutes()); }},
      {"head_count", [](const Attendance& a) { return absl::StrCat(a.head_count()); }},
      {"credit", [](const Attendance& a) { return absl::StrCat(a.credit()); }},
      {"key", [](const Attendance& a) { return a.key(); }},
  };
  return columns;
}

const std::vector<std::string>& SignInSheetHeader() {
  static const std::vector<std::string> header = {"类型", "人员", "时长分钟", "人数", "编号"};
  return header;
}

absl::StatusOr<Attendance> SignInLine(const CsvRow& row, absl::string_view file) {
  const auto field = [&](size_t i) {
    return i < row.fields.size() ? std::string(absl::StripAsciiWhitespace(row.fields[i]))
                                 : std::string();
  };
  Attendance line;
  const std::optional<av::AttendeeKind> kind =
      LabelOrEnumName<activity::AttendeeKind, av::AttendeeKind>(field(0));
  if (!kind) {
    return absl::InvalidArgumentError(
        absl::StrCat("类型: \"", field(0), "\" is not one of ",
                     LabelsAndNames<activity::AttendeeKind, av::AttendeeKind>()));
  }
  line.set_kind(*kind);
  if (const std::string person = field(1); !person.empty()) {
    int64_t id = 0;
    const absl::string_view digits = absl::StripPrefix(person, "people/");
    if (!absl::SimpleAtoi(digits, &id) || id <= 0 || digits.empty() || digits[0] == '+') {
      return absl::InvalidArgumentError(
          absl::StrCat("人员: \"", person, "\" is not people/ID or an ID"));
    }
    line.set_person(absl::StrCat("people/", id));
  }
  const auto number = [&](size_t i, absl::string_view column,
                          void (Attendance::*set)(int32_t)) -> absl::Status {
    const std::string text = field(i);
    if (text.empty()) return absl::OkStatus();
    int32_t value = 0;
    if (!absl::SimpleAtoi(text, &value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(column, ": \"", text, "\" is not a whole number"));
    }
    (line.*set)(value);
    return absl::OkStatus();
  };
  if (absl::Status s = number(2, "时长分钟", &Attendance::set_minutes); !s.ok()) return s;
  if (absl::Status s = number(3, "人数", &Attendance::set_head_count); !s.ok()) return s;
  const std::string key = field(4);
  const size_t slash = file.find_last_of('/');
  line.set_key(!key.empty()
                   ? key
                   : absl::StrCat(slash == absl::string_view::npos ? file : file.substr(slash + 1),
                                  ":", row.line));
  return line;
}

std::string ActivityFilter(absl::string_view kind, absl::string_view state,
                           absl::string_view party_org, absl::string_view month) {
  std::vector<std::string> conditions;
  if (!kind.empty()) {
    conditions.push_back(absl::StrCat(
        "kind = ",
        EnumName(ParseLabelOrEnumName<activity::ActivityKind, av::ActivityKind>(kind, "--kind"))));
  }
  if (!state.empty()) {
    conditions.push_back(absl::StrCat(
        "state = ", EnumName(ParseLabelOrEnumName<activity::ActivityState, Activity::State>(
                        state, "--state"))));
  }
  if (!party_org.empty()) {
    conditions.push_back(absl::StrCat(
        "party_org = ", FilterString(ResourceName(party_org, "partyOrgs", "--party-org"))));
  }
  if (!month.empty()) {
    absl::CivilMonth first;
    if (!absl::ParseCivilTime(month, &first)) {
      UsageError(absl::StrCat("--month: '", month, "' is not a month like 2026-12"));
    }
    const auto bound = [](absl::CivilMonth m) {
      return FilterString(absl::FormatTime(
          "%Y-%m-%dT%H:%M:%S+08:00", absl::FromCivil(absl::CivilSecond(m), Beijing()), Beijing()));
    };
    conditions.push_back(absl::StrCat("start_time >= ", bound(first)));
    conditions.push_back(absl::StrCat("start_time < ", bound(first + 1)));
  }
  return absl::StrJoin(conditions, " AND ");
}

void AddActivityCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun = app.add_subcommand(
      "activities", "Party activities: themed party days, 三会一课, volunteer service, ...");
  noun->require_subcommand(1);
  AddPlan(*noun, context);
  AddGetCommand(*noun, context, kActivities, "show");
  AddList(*noun, context);
  AddSteps(*noun, context);

  CLI::App* attendance =
      app.add_subcommand("attendance", "Who took part in an activity: lines and sign-in sheets");
  attendance->require_subcommand(1);
  AddAttendanceList(*attendance, context);
  AddAttendanceImport(*attendance, context);

  AddCreditCommands(app, context);
  AddServicePointCommands(app, context);
}

}  // namespace grassroots::cli
