#include "activity_service/activity_filter.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/filter.h"
#include "common/filter_fields.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

// The suite's filter grammar (common/filter.h) has `=` and `:` only; a time
// window needs `start_time >= T` and `start_time < T`. Before the shared
// parser runs, those two comparisons are rewritten into equalities on two
// internal field names, so that everything else (strings, AND, the rules
// of each field, the messages) stays the shared code's. The internal names
// are as long as "start_time", and each operator is replaced by as many
// characters, so that the parser's positions stay those of the filter as
// written; messages show the comparison, never the internal name.

namespace grassroots::activity {
namespace {

using filter_fields::FieldSpec;

constexpr absl::string_view kStartTime = "start_time";
constexpr absl::string_view kFromField = "start_tmGE";    // start_time >=
constexpr absl::string_view kBeforeField = "start_tmLT";  // start_time <
static_assert(kFromField.size() == kStartTime.size() && kBeforeField.size() == kStartTime.size());
constexpr absl::string_view kFromShown = "start_time >=";
constexpr absl::string_view kBeforeShown = "start_time <";
constexpr absl::string_view kTimeExample = "start_time >= \"2026-12-01T00:00:00+08:00\"";

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool IsOperatorChar(char c) {
  return c == '=' || c == ':' || c == '<' || c == '>' || c == '!' || c == '~';
}
bool IsWordChar(char c) {
  return !IsSpace(c) && !IsOperatorChar(c) && c != '"' && c != '(' && c != ')';
}

// `filter` with `start_time >= v` and `start_time < v` turned into
// `<kFromField> =  v` and `<kBeforeField> = v` (see the top of the file).
// INVALID_ARGUMENT for start_time with another operator, and for the
// internal names written by the caller. Strings are skipped whole (an
// unterminated one is left for the parser to report).
absl::StatusOr<std::string> RewriteComparisons(absl::string_view filter) {
  std::string out(filter);
  size_t last_word_start = std::string::npos;  // of the last word before an operator
  absl::string_view last_word;
  for (size_t pos = 0; pos < filter.size();) {
    const char c = filter[pos];
    if (IsSpace(c)) {
      ++pos;
      continue;
    }
    if (c == '"') {
      for (++pos; pos < filter.size() && filter[pos] != '"'; ++pos) {
        if (filter[pos] == '\\') ++pos;
      }
      ++pos;
      last_word = {};
      continue;
    }
    if (c == '(' || c == ')') {
      ++pos;
      last_word = {};
      continue;
    }
    const size_t start = pos;
    if (IsOperatorChar(c)) {
      while (pos < filter.size() && IsOperatorChar(filter[pos])) ++pos;
      const absl::string_view op = filter.substr(start, pos - start);
      if (last_word == kStartTime) {
        if (op == ">=") {
          out.replace(last_word_start, kStartTime.size(), kFromField.data(), kFromField.size());
          out.replace(start, 2, "= ");
        } else if (op == "<") {
          out.replace(last_word_start, kStartTime.size(), kBeforeField.data(), kBeforeField.size());
          out.replace(start, 1, "=");
        } else {
          return filter_fields::FilterError(
              kStartTime, absl::StrCat("takes >= or < and a time, as in ", kTimeExample));
        }
      }
      last_word = {};
      continue;
    }
    while (pos < filter.size() && IsWordChar(filter[pos])) ++pos;
    last_word = filter.substr(start, pos - start);
    last_word_start = start;
    if (last_word == kFromField || last_word == kBeforeField) {
      return filter_fields::FilterError(last_word, "is not a field this list filters on");
    }
  }
  return out;
}

absl::Status SetTime(const FilterCondition& condition, absl::string_view shown,
                     std::optional<absl::Time>& out) {
  absl::Time time;
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, condition.value, &time, &error)) {
    return filter_fields::FilterError(
        shown,
        absl::StrCat("\"", condition.value, "\" is not an RFC 3339 time, as in ", kTimeExample));
  }
  out = time;
  return absl::OkStatus();
}

constexpr FieldSpec<ActivityFilter> kActivityFields[] = {
    {"state", false, "state = APPROVED",
     [](const FilterCondition& c, ActivityFilter& f) {
       return filter_fields::SetEnum(c, ParseActivityStateName, f.state);
     }},
    {"kind", false, "kind = THEMED_PARTY_DAY",
     [](const FilterCondition& c, ActivityFilter& f) {
       return filter_fields::SetEnum(c, ParseActivityKindName, f.kind);
     }},
    {"party_org", false, "party_org = \"partyOrgs/3\"",
     [](const FilterCondition& c, ActivityFilter& f) -> absl::Status {
       ASSIGN_OR_RETURN(f.party_org_id,
                        ParseResourceName(c.value, "partyOrgs", absl::StrCat("filter: ", c.field)));
       return absl::OkStatus();
     }},
    {kFromField, false, kTimeExample,
     [](const FilterCondition& c, ActivityFilter& f) {
       return SetTime(c, kFromShown, f.start_from);
     }},
    {kBeforeField, false, "start_time < \"2027-01-01T00:00:00+08:00\"",
     [](const FilterCondition& c, ActivityFilter& f) {
       return SetTime(c, kBeforeShown, f.start_before);
     }},
};

}  // namespace

bool ActivityFilter::Matches(const Activity& activity) const {
  if (state && activity.state != *state) return false;
  if (kind && activity.kind != *kind) return false;
  if (party_org_id && activity.party_org_id != *party_org_id) return false;
  if (start_from && activity.start_time < *start_from) return false;
  if (start_before && activity.start_time >= *start_before) return false;
  return true;
}

absl::StatusOr<ActivityFilter> ParseActivityFilter(absl::string_view filter) {
  ASSIGN_OR_RETURN(const std::string rewritten, RewriteComparisons(filter));
  absl::StatusOr<ActivityFilter> parsed =
      filter_fields::ApplyFilter<ActivityFilter>(rewritten, kActivityFields);
  if (parsed.ok()) return parsed;
  return absl::Status(parsed.status().code(), absl::StrReplaceAll(parsed.status().message(),
                                                                  {{kFromField, kFromShown},
                                                                   {kBeforeField, kBeforeShown}}));
}

}  // namespace grassroots::activity
