#include "cli/watch_commands.h"

#include <cstdint>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/common_commands.h"
#include "cli/csv.h"
#include "cli/output.h"

namespace grassroots::cli {
namespace {

// Where to start: `--from 12` is revision 12 from its first event, `--from
// 12.3` its fourth event on, so the last line printed, `12.3 ...`, resumes
// exactly there. Without --from, only events committed from now on.
struct Start {
  int64_t revision = 0;
  int32_t index = 0;
};

Start ParseFrom(const std::string& from, const std::string& flag) {
  Start start;
  if (from.empty()) return start;
  const std::vector<std::string> parts = absl::StrSplit(from, absl::MaxSplits('.', 1));
  if (!absl::SimpleAtoi(parts[0], &start.revision) || start.revision < 1 ||
      (parts.size() == 2 && (!absl::SimpleAtoi(parts[1], &start.index) || start.index < 0))) {
    UsageError(absl::StrCat(flag, ": '", from, "' is not a revision like 12 or 12.3"));
  }
  return start;
}

// One event as a line (table), a CSV record or a JSON object on its line:
// a stream has no end to align columns or close an array at.
template <typename Event>
std::string EventLine(OutputFormat format, const Event& event) {
  switch (format) {
    case OutputFormat::kJson:
      return ToJson(event) + "\n";
    case OutputFormat::kCsv:
      return FormatCsvRecord({absl::StrCat(event.revision()), absl::StrCat(event.index()),
                              event.actor(), event.method(), event.resource()});
    case OutputFormat::kTable:
      break;
  }
  return absl::StrCat(event.revision(), ".", event.index(), " ", event.actor(), " ", event.method(),
                      " ", event.resource(), "\n");
}

// Streams the events of one service until `limit` events were printed, or
// the stream ends (a server that stops ends it with an error: exit 1, and
// `--from` with the event after the last line printed resumes).
template <typename Stub, typename Request, typename Response>
void Watch(Context& context, Stub& stub,
           std::unique_ptr<grpc::ClientReader<Response>> (Stub::*method)(grpc::ClientContext*,
                                                                         const Request&),
           const WatchFlags& flags) {
  const Start start = ParseFrom(flags.from, flags.from_flag);
  Request request;
  request.set_start_revision(start.revision);
  request.set_start_index(start.index);
  if (context.output == OutputFormat::kCsv) {
    std::cout << FormatCsvRecord({"revision", "index", "actor", "method", "resource"});
  }
  grpc::ClientContext call;
  context.Prepare(call, /*unary=*/false);
  std::unique_ptr<grpc::ClientReader<Response>> reader = (stub.*method)(&call, request);
  Response response;
  int64_t printed = 0;
  while (reader->Read(&response)) {
    for (const auto& event : response.events()) {
      std::cout << EventLine(context.output, event) << std::flush;
      if (++printed == flags.limit) {
        call.TryCancel();
        while (reader->Read(&response)) {
        }
        reader->Finish();
        return;
      }
    }
  }
  if (const grpc::Status status = reader->Finish(); !status.ok()) CallFailed(status);
}

}  // namespace

void AddWatchFlags(CLI::App* command, WatchFlags* flags) {
  command->add_option(flags->from_flag, flags->from,
                      "Start at this revision (12), or at an event of it (12.3)");
  command->add_option("--limit", flags->limit, "Stop after N events (default: never)")
      ->check(CLI::NonNegativeNumber);
}

void WatchEvents(Context& context, EventSource source, const WatchFlags& flags) {
  switch (source) {
    case EventSource::kOrg:
      return Watch(context, context.org(), &org::v1::OrgService::Stub::WatchEvents, flags);
    case EventSource::kRoster:
      return Watch(context, context.roster(), &roster::v1::RosterService::Stub::WatchEvents, flags);
    case EventSource::kCasework:
      return Watch(context, context.casework(), &casework::v1::CaseworkService::Stub::WatchEvents,
                   flags);
  }
}

void AddWatchCommands(CLI::App& app, std::shared_ptr<Context> context) {
  static const std::map<std::string, EventSource> kSources = {{"org", EventSource::kOrg},
                                                              {"roster", EventSource::kRoster},
                                                              {"casework", EventSource::kCasework}};
  auto service = std::make_shared<std::string>();
  auto flags = std::make_shared<WatchFlags>();
  CLI::App* command = app.add_subcommand(
      "watch", "Follow a service's change events: revision.index actor method resource");
  command->add_option("service", *service, "org, roster or casework")
      ->required()
      ->check(CLI::IsMember({"org", "roster", "casework"}));
  AddWatchFlags(command, flags.get());
  command->callback(
      [context, service, flags] { WatchEvents(*context, kSources.at(*service), *flags); });
}

}  // namespace grassroots::cli
