#ifndef GRASSROOTS_CLI_COMMON_COMMANDS_H_
#define GRASSROOTS_CLI_COMMON_COMMANDS_H_

// What the noun commands have in common: reading flag values (each mistake
// is a UsageError naming the flag, noticed before any call), the list flags,
// printing in the chosen format, the etag of a write, and the verbs that
// look the same for every resource (get, delete, undelete).

#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "cli/context.h"
#include "cli/csv.h"
#include "cli/output.h"
#include "google/protobuf/generated_enum_reflection.h"
#include "google/protobuf/timestamp.pb.h"
#include "grassroots/type/date.pb.h"
#include "org_service/org_labels.h"

namespace grassroots::cli {

// --- Flag values.

// `units/12`, or a bare `12`, as `units/12` (`collection` is "units").
// UsageError naming `flag` for anything else.
std::string ResourceName(absl::string_view text, absl::string_view collection,
                         absl::string_view flag);

// As ResourceName, but empty stays empty (an optional name, or one cleared).
std::string OptionalResourceName(absl::string_view text, absl::string_view collection,
                                 absl::string_view flag);

// Where a role is held: `units/{id}` or `partyOrgs/{id}`.
std::string PlaceName(absl::string_view text, absl::string_view flag);

// `2024-01-01` (a day that exists). Empty gives an unset date.
type::Date ParseDate(absl::string_view text, absl::string_view flag);

// `2024-01-01`; empty for an unset date.
std::string FormatDate(const type::Date& date);

// `time` in Beijing time (UTC+8, as every time orgctl shows):
// `2026-12-20 18:00`; empty for an unset timestamp.
std::string FormatTimestamp(const google::protobuf::Timestamp& time);

// Today in the local time zone, for a term that ends "now".
type::Date Today();

// The enum value named `text` (any case: `community` is COMMUNITY). The
// usage error lists the names accepted.
template <typename E>
E ParseEnum(absl::string_view text, absl::string_view flag) {
  const google::protobuf::EnumDescriptor* descriptor = google::protobuf::GetEnumDescriptor<E>();
  const google::protobuf::EnumValueDescriptor* value =
      descriptor->FindValueByName(absl::AsciiStrToUpper(text));
  if (value == nullptr || value->number() == 0) {
    std::vector<std::string> names;
    for (int i = 0; i < descriptor->value_count(); ++i) {
      if (descriptor->value(i)->number() != 0) names.push_back(descriptor->value(i)->name());
    }
    UsageError(absl::StrCat(flag, ": '", text, "' is not one of ", absl::StrJoin(names, ", ")));
  }
  return static_cast<E>(value->number());
}

// The value of the proto enum `P` that `text` names: by the Chinese label of
// `Domain`, the domain enum numbered as `P` (物业企业), or by `P`'s name in
// any case (PROPERTY_COMPANY). nullopt for anything else and for the
// unspecified 0. Spreadsheets carry the labels, flags either.
template <typename Domain, typename P>
std::optional<P> LabelOrEnumName(absl::string_view text) {
  if (std::optional<Domain> value = ParseLabel<Domain>(text)) return static_cast<P>(*value);
  const google::protobuf::EnumValueDescriptor* value =
      google::protobuf::GetEnumDescriptor<P>()->FindValueByName(absl::AsciiStrToUpper(text));
  if (value == nullptr || value->number() == 0) return std::nullopt;
  return static_cast<P>(value->number());
}

// What LabelOrEnumName<Domain, P> accepts, for a flag's help and errors:
// `物业维修 (PROPERTY_MAINTENANCE), 环境卫生 (ENVIRONMENT_SANITATION), ...`.
template <typename Domain, typename P>
std::string LabelsAndNames() {
  std::vector<std::string> accepted;
  for (const EnumLabel<Domain>& entry : Labels<Domain>()) {
    const google::protobuf::EnumValueDescriptor* value =
        google::protobuf::GetEnumDescriptor<P>()->FindValueByNumber(static_cast<int>(entry.value));
    accepted.push_back(value == nullptr ? std::string(entry.label)
                                        : absl::StrCat(entry.label, " (", value->name(), ")"));
  }
  return absl::StrJoin(accepted, ", ");
}

// As LabelOrEnumName, but anything else is a UsageError naming `flag` and
// listing what is accepted: `--category: "x" is not one of 物业维修
// (PROPERTY_MAINTENANCE), 环境卫生 (ENVIRONMENT_SANITATION), ...`.
template <typename Domain, typename P>
P ParseLabelOrEnumName(absl::string_view text, absl::string_view flag) {
  if (std::optional<P> value = LabelOrEnumName<Domain, P>(text)) return *value;
  UsageError(absl::StrCat(flag, ": \"", text, "\" is not one of ", LabelsAndNames<Domain, P>()));
}

// The Chinese label of the proto enum value `value` by the table of
// `Domain`, the domain enum numbered as `P`, for a table cell; empty for the
// unspecified 0.
template <typename Domain, typename P>
std::string LabelOf(P value) {
  return std::string(Label(static_cast<Domain>(value)));
}

// The name of an enum value for a table cell; empty for the unspecified 0.
template <typename E>
std::string EnumName(E value) {
  if (static_cast<int>(value) == 0) return "";
  const google::protobuf::EnumValueDescriptor* descriptor =
      google::protobuf::GetEnumDescriptor<E>()->FindValueByNumber(static_cast<int>(value));
  return descriptor != nullptr ? descriptor->name() : absl::StrCat(static_cast<int>(value));
}

// "yes" or "no" for a table cell.
inline std::string YesNo(bool value) { return value ? "yes" : "no"; }

// The request_id of a create: `--request-id` when given (so that a retried
// command creates nothing twice), else a new random UUID.
std::string RequestId(const std::string& flag_value);

// A filter value as a quoted string of the list filter syntax.
std::string FilterString(absl::string_view value);

// A yes/no flag that remembers whether it was given, so that an update
// leaves the field alone unless asked: `--red-property` or
// `--red-property=true` set true, `--red-property=false` sets false.
void AddYesNoFlag(CLI::App* command, const std::string& name, std::optional<bool>* value,
                  const std::string& description);

// Adds `--request-id` to a create command.
void AddRequestIdFlag(CLI::App* command, std::string* request_id);

// --- Lists.

struct ListFlags {
  int64_t limit = 0;
  std::string filter;
  bool show_deleted = false;
};

// --limit, --filter and (with `show_deleted`) --show-deleted.
void AddListFlags(CLI::App* command, ListFlags* flags, bool show_deleted = true);

// `conditions` (`level = COMPOUND`, ...) and `--filter` joined by AND.
std::string JoinFilter(std::vector<std::string> conditions, const ListFlags& flags);

// --- Spreadsheet files.

// Reads the CSV file `path`, whose first record must be `header`, and calls
// `on_row` with each record after it. A record that cannot be read is
// reported on stderr by its line and counted in the result; `on_row` counts
// its own refusals. An unreadable file is a UsageError; a wrong header ends
// orgctl with kExitCallFailed before any row is used.
int ForEachCsvRecord(const std::string& path, const std::vector<std::string>& header,
                     const std::function<void(const CsvRow&)>& on_row);

// --- Printing to stdout in the chosen format.

template <typename M>
void Print(const Context& context, const M& item, const Columns<M>& columns) {
  std::cout << Render(context.output, item, columns) << std::flush;
}

template <typename M>
void PrintList(const Context& context, const std::vector<M>& items, const Columns<M>& columns) {
  std::cout << RenderList(context.output, items, columns) << std::flush;
}

// --- Writes and the verbs every resource shares.

// The resource as it is now. A write without `--etag` sends the etag read
// here, so that a change someone makes in between fails the write with
// ABORTED instead of being overwritten.
template <typename Stub, typename GetRequest, typename Resource>
Resource CurrentVersion(Context& context, Stub& stub,
                        grpc::Status (Stub::*get)(grpc::ClientContext*, const GetRequest&,
                                                  Resource*),
                        const std::string& name) {
  GetRequest request;
  request.set_name(name);
  return context.Call(stub, get, request);
}

// How a noun's commands reach its resources: the stub, the collection of
// its names, its Get method and its columns.
template <typename Stub, typename GetRequest, typename Resource>
struct ResourceKind {
  Stub& (Context::*stub)();
  const char* collection;
  grpc::Status (Stub::*get)(grpc::ClientContext*, const GetRequest&, Resource*);
  const Columns<Resource>& (*columns)();
};

// `NOUN get NAME` (or another `verb`: `issues show NAME`).
template <typename Stub, typename GetRequest, typename Resource>
void AddGetCommand(CLI::App& noun, std::shared_ptr<Context> context,
                   ResourceKind<Stub, GetRequest, Resource> kind, const std::string& verb = "get") {
  auto name = std::make_shared<std::string>();
  CLI::App* command = noun.add_subcommand(verb, "Show one");
  command->add_option("name", *name, absl::StrCat(kind.collection, "/ID"))->required();
  command->callback([context, name, kind] {
    GetRequest request;
    request.set_name(ResourceName(*name, kind.collection, "NAME"));
    Print(*context, context->Call(((*context).*kind.stub)(), kind.get, request), kind.columns());
  });
}

// `NOUN delete NAME` or `NOUN undelete NAME` (`verb`), through `method`,
// with `--etag` and, where the request has it, `--cascade`.
template <typename Stub, typename GetRequest, typename Resource, typename Request>
void AddStateCommand(CLI::App& noun, std::shared_ptr<Context> context,
                     ResourceKind<Stub, GetRequest, Resource> kind, const std::string& verb,
                     const std::string& description,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                  Resource*)) {
  constexpr bool kHasCascade = requires(Request r) { r.set_cascade(true); };
  struct Flags {
    std::string name;
    std::string etag;
    bool cascade = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(verb, description);
  command->add_option("name", flags->name, absl::StrCat(kind.collection, "/ID"))->required();
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  if constexpr (kHasCascade) {
    command->add_flag("--cascade", flags->cascade, "Take along (or restore) what lies below");
  }
  command->callback([context, flags, kind, method] {
    Stub& stub = ((*context).*kind.stub)();
    Request request;
    request.set_name(ResourceName(flags->name, kind.collection, "NAME"));
    request.set_etag(flags->etag.empty()
                         ? CurrentVersion(*context, stub, kind.get, request.name()).etag()
                         : flags->etag);
    if constexpr (kHasCascade) request.set_cascade(flags->cascade);
    Print(*context, context->Call(stub, method, request), kind.columns());
  });
}

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_COMMON_COMMANDS_H_
