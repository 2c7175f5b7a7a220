#ifndef GRASSROOTS_CASEWORK_SERVICE_SERVICE_LEVELS_H_
#define GRASSROOTS_CASEWORK_SERVICE_SERVICE_LEVELS_H_

// The service-level table: how long each handling level has for an issue
// of each category before the issue is overdue and the service escalates
// it. Defaults (docs/casework.md): the compound two days (seed 002: a
// leaking roof settled by the branch, the property company and the owners
// committee "in two days"), the community three, the street seven, the
// district fifteen. A file (--sla_file) overrides any of them, one line
// each:
//
//   # level     category               duration
//   COMPOUND    *                      48h
//   COMMUNITY   SAFETY_HAZARD          24h
//   STREET      RENOVATION             30d
//
// `*` is every category; a later line overrides an earlier one. Durations
// are absl durations ("90m", "48h") or whole days ("7d"), from 1 s to
// 365 days.

#include <array>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "casework_service/issue.h"

namespace grassroots::casework {

// A duration as the table and the CLI write it: an absl duration ("90m",
// "48h") or whole days ("7d"); nullopt for anything else (zero, negative
// and infinite included).
std::optional<absl::Duration> ParseDaysOrDuration(absl::string_view text);

class ServiceLevels {
 public:
  // The defaults above.
  ServiceLevels();

  // The defaults overridden by `text`; INVALID_ARGUMENT naming the line
  // ("sla line 3: ...") for anything it cannot read.
  static absl::StatusOr<ServiceLevels> Parse(absl::string_view text);
  // Parse of a file's contents; the path is named in its errors.
  static absl::StatusOr<ServiceLevels> Load(const std::string& path);

  // How long `level` has for an issue of `category`.
  absl::Duration DueAfter(HandlingLevel level, Category category) const;

 private:
  // [level][category]; the unspecified rows and columns are unused.
  std::array<std::array<absl::Duration, kCategoryCount>, 5> table_;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_SERVICE_LEVELS_H_
