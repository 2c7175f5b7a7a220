#include "casework_service/casework_filter.h"

#include "absl/status/status.h"
#include "common/filter.h"
#include "common/filter_fields.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace grassroots::casework {
namespace {

using filter_fields::FieldSpec;

absl::Status SetBool(const FilterCondition& condition, std::optional<bool>& out) {
  if (condition.value == "true") {
    out = true;
  } else if (condition.value == "false") {
    out = false;
  } else {
    return filter_fields::FilterError(condition.field, "takes true or false");
  }
  return absl::OkStatus();
}

absl::Status SetPerson(const FilterCondition& condition, std::optional<int64_t>& out) {
  ASSIGN_OR_RETURN(
      out, ParseResourceName(condition.value, "people", absl::StrCat("filter: ", condition.field)));
  return absl::OkStatus();
}

constexpr FieldSpec<IssueFilter> kIssueFields[] = {
    {"state", false, "state = ESCALATED",
     [](const FilterCondition& c, IssueFilter& f) {
       return filter_fields::SetEnum(c, ParseIssueStateName, f.state);
     }},
    {"open", false, "open = true",
     [](const FilterCondition& c, IssueFilter& f) { return SetBool(c, f.open); }},
    {"handling_level", false, "handling_level = STREET",
     [](const FilterCondition& c, IssueFilter& f) {
       return filter_fields::SetEnum(c, ParseHandlingLevelName, f.handling_level);
     }},
    {"category", false, "category = PARKING",
     [](const FilterCondition& c, IssueFilter& f) {
       return filter_fields::SetEnum(c, ParseCategoryName, f.category);
     }},
    {"channel", false, "channel = HOTLINE",
     [](const FilterCondition& c, IssueFilter& f) {
       return filter_fields::SetEnum(c, ParseChannelName, f.channel);
     }},
    {"overdue", false, "overdue = true",
     [](const FilterCondition& c, IssueFilter& f) { return SetBool(c, f.overdue); }},
    {"assignee", false, "assignee = \"people/3\"",
     [](const FilterCondition& c, IssueFilter& f) { return SetPerson(c, f.assignee_id); }},
    {"reporter", false, "reporter = \"people/4\"",
     [](const FilterCondition& c, IssueFilter& f) { return SetPerson(c, f.reporter_id); }},
};

}  // namespace

bool IssueFilter::Matches(const Issue& issue, absl::Time now) const {
  if (state && issue.state != *state) return false;
  if (open && IsOpen(issue.state) != *open) return false;
  if (handling_level && issue.handling_level != *handling_level) return false;
  if (category && issue.category != *category) return false;
  if (channel && issue.channel != *channel) return false;
  if (overdue && issue.IsOverdue(now) != *overdue) return false;
  if (assignee_id && issue.assignee_id != *assignee_id) return false;
  if (reporter_id && issue.reporter_id != *reporter_id) return false;
  return true;
}

bool IssueFilter::OpenOnly() const {
  return (open && *open) || (overdue && *overdue) || (state && IsOpen(*state));
}

absl::StatusOr<IssueFilter> ParseIssueFilter(absl::string_view filter) {
  return filter_fields::ApplyFilter<IssueFilter>(filter, kIssueFields);
}

}  // namespace grassroots::casework
