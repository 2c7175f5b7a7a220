#include "casework_service/service_levels.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/file_util.h"

namespace grassroots::casework {
namespace {

absl::StatusOr<absl::Duration> ParseDueDuration(absl::string_view text) {
  const std::optional<absl::Duration> duration = ParseDaysOrDuration(text);
  if (!duration) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" is not a duration (90m, 48h, 7d)"));
  }
  if (*duration < absl::Seconds(1) || *duration > absl::Hours(24 * 365)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", text, "\" is outside 1s..365d"));
  }
  return *duration;
}

}  // namespace

std::optional<absl::Duration> ParseDaysOrDuration(absl::string_view text) {
  absl::Duration duration;
  int64_t days = 0;
  absl::string_view number = text;
  if (absl::ConsumeSuffix(&number, "d") && absl::SimpleAtoi(number, &days)) {
    if (days <= 0 || days > 100000) return std::nullopt;
    duration = absl::Hours(24) * days;
  } else if (!absl::ParseDuration(text, &duration)) {
    return std::nullopt;
  }
  if (duration <= absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return std::nullopt;
  }
  return duration;
}

ServiceLevels::ServiceLevels() {
  const absl::Duration by_level[] = {absl::ZeroDuration(), absl::Hours(48), absl::Hours(72),
                                     absl::Hours(24 * 7), absl::Hours(24 * 15)};
  for (size_t level = 0; level < table_.size(); ++level) table_[level].fill(by_level[level]);
}

absl::StatusOr<ServiceLevels> ServiceLevels::Parse(absl::string_view text) {
  ServiceLevels levels;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = line.substr(0, line.find('#'));
    const std::vector<absl::string_view> words =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (words.empty()) continue;
    const auto fail = [line_number](absl::string_view problem) {
      return absl::InvalidArgumentError(absl::StrCat("sla line ", line_number, ": ", problem));
    };
    if (words.size() != 3) return fail("expected LEVEL CATEGORY DURATION");
    const std::optional<HandlingLevel> level = ParseHandlingLevelName(words[0]);
    if (!level) {
      return fail(
          absl::StrCat("\"", words[0], "\" is not COMPOUND, COMMUNITY, STREET or DISTRICT"));
    }
    std::optional<Category> category;
    if (words[1] != "*") {
      category = ParseCategoryName(words[1]);
      if (!category) return fail(absl::StrCat("\"", words[1], "\" is not a category or *"));
    }
    absl::StatusOr<absl::Duration> duration = ParseDueDuration(words[2]);
    if (!duration.ok()) return fail(duration.status().message());
    auto& row = levels.table_[static_cast<size_t>(*level)];
    if (category) {
      row[static_cast<size_t>(*category)] = *duration;
    } else {
      row.fill(*duration);
    }
  }
  return levels;
}

absl::StatusOr<ServiceLevels> ServiceLevels::Load(const std::string& path) {
  absl::StatusOr<std::string> text = ReadWholeFile(path, "the service-level table");
  if (!text.ok()) return text.status();
  absl::StatusOr<ServiceLevels> levels = Parse(*text);
  if (!levels.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", levels.status().message()));
  }
  return levels;
}

absl::Duration ServiceLevels::DueAfter(HandlingLevel level, Category category) const {
  const size_t l = static_cast<size_t>(level);
  const size_t c = static_cast<size_t>(category);
  if (l >= table_.size() || c >= static_cast<size_t>(kCategoryCount)) return absl::Hours(48);
  return table_[l][c];
}

}  // namespace grassroots::casework
