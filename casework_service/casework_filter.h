#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_FILTER_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_FILTER_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "casework_service/issue.h"

namespace grassroots::casework {

// The conditions ListIssues accepts (AIP-160, a conjunction); every set
// condition must hold.
struct IssueFilter {
  std::optional<IssueState> state;              // state = ESCALATED
  std::optional<bool> open;                     // open = true
  std::optional<HandlingLevel> handling_level;  // handling_level = STREET
  std::optional<Category> category;             // category = PARKING
  std::optional<Channel> channel;               // channel = HOTLINE
  std::optional<bool> overdue;                  // overdue = true
  std::optional<int64_t> assignee_id;           // assignee = "people/3"
  std::optional<int64_t> reporter_id;           // reporter = "people/4"

  // `now` decides `overdue`.
  bool Matches(const Issue& issue, absl::Time now) const;
  // Whether only open issues can match, so that a list may walk the open
  // ones alone.
  bool OpenOnly() const;
};

// INVALID_ARGUMENT ("filter: ...") for unknown fields, operators a field
// does not take, unknown values, or a field given twice.
absl::StatusOr<IssueFilter> ParseIssueFilter(absl::string_view filter);

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_FILTER_H_
