#include "cli/common_commands.h"

#include <fstream>
#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/text.h"

namespace grassroots::cli {

std::string ResourceName(absl::string_view text, absl::string_view collection,
                         absl::string_view flag) {
  int64_t id = 0;
  if (absl::SimpleAtoi(text, &id) && id > 0 && absl::ascii_isdigit(text.front())) {
    return FormatResourceName(collection, id);
  }
  if (!ParseResourceName(text, collection, flag).ok()) {
    UsageError(absl::StrCat(flag, ": '", text, "' is not a name like ", collection, "/12"));
  }
  return std::string(text);
}

std::string OptionalResourceName(absl::string_view text, absl::string_view collection,
                                 absl::string_view flag) {
  return text.empty() ? "" : ResourceName(text, collection, flag);
}

std::string PlaceName(absl::string_view text, absl::string_view flag) {
  if (absl::StartsWith(text, "partyOrgs/")) return ResourceName(text, "partyOrgs", flag);
  if (absl::StartsWith(text, "units/")) return ResourceName(text, "units", flag);
  UsageError(absl::StrCat(flag, ": '", text, "' is not a name like units/12 or partyOrgs/3"));
}

type::Date ParseDate(absl::string_view text, absl::string_view flag) {
  type::Date date;
  if (text.empty()) return date;
  absl::CivilDay day;
  // ParseCivilTime normalises (2024-02-30 would become March 1st); a day
  // that does not print back as written does not exist.
  if (!absl::ParseCivilTime(text, &day) || absl::FormatCivilTime(day) != text) {
    UsageError(absl::StrCat(flag, ": '", text, "' is not a date like 2024-01-31"));
  }
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

std::string FormatDate(const type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatTimestamp(const google::protobuf::Timestamp& time) {
  if (time.seconds() == 0 && time.nanos() == 0) return "";
  static const absl::TimeZone kBeijing = absl::FixedTimeZone(8 * 60 * 60);
  return absl::FormatTime("%Y-%m-%d %H:%M", TimeFromProto(time), kBeijing);
}

type::Date Today() {
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
  type::Date date;
  date.set_year(static_cast<int32_t>(today.year()));
  date.set_month(today.month());
  date.set_day(today.day());
  return date;
}

std::string RequestId(const std::string& flag_value) {
  if (!flag_value.empty()) {
    if (absl::Status status = ValidateRequestId(flag_value); !status.ok()) {
      UsageError(absl::StrCat("--request-id: ", status.message()));
    }
    return flag_value;
  }
  // A version 4 UUID: random enough that two orgctl runs never share one.
  std::random_device device;
  std::mt19937_64 bits((static_cast<uint64_t>(device()) << 32) ^ device());
  const uint64_t high = (bits() & ~0xF000ULL) | 0x4000ULL;
  const uint64_t low = (bits() & ~(0xC000ULL << 48)) | (0x8000ULL << 48);
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xFFFF,
                         high & 0xFFFF, low >> 48, low & 0xFFFFFFFFFFFFULL);
}

std::string FilterString(absl::string_view value) {
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

void AddYesNoFlag(CLI::App* command, const std::string& name, std::optional<bool>* value,
                  const std::string& description) {
  // CLI11's own add_flag would assign false when the flag is absent.
  const auto parse = [value](const CLI::results_t& results) {
    bool parsed = false;
    if (!CLI::detail::lexical_cast(results.back(), parsed)) return false;
    *value = parsed;
    return true;
  };
  command->add_option(name, parse, description, /*defaulted=*/false)
      ->expected(0)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
}

void AddRequestIdFlag(CLI::App* command, std::string* request_id) {
  command->add_option("--request-id", *request_id,
                      "Idempotency key: the same key again creates nothing twice (default: "
                      "a new random one)");
}

void AddListFlags(CLI::App* command, ListFlags* flags, bool show_deleted) {
  command->add_option("--limit", flags->limit, "Print at most N (default: all, page by page)")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--filter", flags->filter,
                      "More conditions in the list filter syntax, e.g. 'display_name : \"花园\"'");
  if (show_deleted) command->add_flag("--show-deleted", flags->show_deleted, "Include deleted");
}

std::string JoinFilter(std::vector<std::string> conditions, const ListFlags& flags) {
  if (!flags.filter.empty()) conditions.push_back(flags.filter);
  return absl::StrJoin(conditions, " AND ");
}

int ForEachCsvRecord(const std::string& path, const std::vector<std::string>& header,
                     const std::function<void(const CsvRow&)>& on_row) {
  std::ifstream in(path, std::ios::binary);
  if (!in) UsageError(absl::StrCat("cannot read ", path));
  CsvReader reader(in);
  int unreadable = 0;
  bool first = true;
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> row = reader.Next();
    if (!row.ok()) {
      std::cerr << path << ": " << row.status().message() << "\n";
      ++unreadable;
      continue;
    }
    if (!row->has_value()) break;
    if (first) {
      first = false;
      if ((*row)->fields != header) {
        throw CommandError(kExitCallFailed, absl::StrCat(path, ": line 1: the header must be ",
                                                         FormatCsvRecord(header)));
      }
      continue;
    }
    on_row(**row);
  }
  return unreadable;
}

}  // namespace grassroots::cli
