#ifndef GRASSROOTS_AUDIT_REPORT_FIGURES_H_
#define GRASSROOTS_AUDIT_REPORT_FIGURES_H_

// What every report writer shows, defined once so that the JSON, the
// Markdown and the HTML agree on names and definitions (docs/audit.md): the
// counters and rates of a Coverage, how a rate is written, the severities
// and their labels, and how communities group under
// their streets. Also the one escaping loop the writers build on, which
// keeps their output valid UTF-8 whatever they are given. For the writers
// (report_json.cc, report_markdown.cc, report_html.cc); not a client API.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "audit/audit_model.h"
#include "common/text.h"

namespace grassroots::audit::report {

// One counter of Coverage, by its key in JSON.
struct Counter {
  const char* key;
  int64_t Coverage::*field;
};

// Every counter of Coverage, in the order of audit_model.h.
inline constexpr Counter kCounters[] = {
    {"communities", &Coverage::communities},
    {"compounds", &Coverage::compounds},
    {"urban_villages", &Coverage::urban_villages},
    {"rural_areas", &Coverage::rural_areas},
    {"compound_level_units", &Coverage::compound_level_units},
    {"compound_level_units_covered", &Coverage::compound_level_units_covered},
    {"branches", &Coverage::branches},
    {"village_branches", &Coverage::village_branches},
    {"branches_with_secretary", &Coverage::branches_with_secretary},
    {"branches_with_first_secretary", &Coverage::branches_with_first_secretary},
    {"first_secretaries", &Coverage::first_secretaries},
    {"compounds_with_property", &Coverage::compounds_with_property},
    {"compounds_with_red_property", &Coverage::compounds_with_red_property},
    {"compounds_with_owners_committee", &Coverage::compounds_with_owners_committee},
    {"compounds_with_red_owners_committee", &Coverage::compounds_with_red_owners_committee},
    {"work_team_targets", &Coverage::work_team_targets},
    {"work_team_targets_with_team", &Coverage::work_team_targets_with_team},
    {"work_teams", &Coverage::work_teams},
    {"work_team_cadres", &Coverage::work_team_cadres},
    {"buildings", &Coverage::buildings},
    {"buildings_with_party_group", &Coverage::buildings_with_party_group},
    {"buildings_with_lead", &Coverage::buildings_with_lead},
    {"cross_appointments", &Coverage::cross_appointments},
    {"registered_in_service", &Coverage::registered_in_service},
    {"registered_with_post", &Coverage::registered_with_post},
    {"registered_with_duty_zone", &Coverage::registered_with_duty_zone},
    {"in_service_residents", &Coverage::in_service_residents},
    {"in_service_residents_registered", &Coverage::in_service_residents_registered},
    {"communities_one_shoulder", &Coverage::communities_one_shoulder},
    {"alliances", &Coverage::alliances},
    {"compound_alliances", &Coverage::compound_alliances},
    {"neighbourhood_alliances", &Coverage::neighbourhood_alliances},
    {"issues_opened", &Coverage::issues_opened},
    {"issues_closed", &Coverage::issues_closed},
    {"issues_resolved", &Coverage::issues_resolved},
    {"issues_resolved_in_community", &Coverage::issues_resolved_in_community},
    {"issues_resolved_in_street", &Coverage::issues_resolved_in_street},
    {"issues_resolved_ever", &Coverage::issues_resolved_ever},
    {"issues_reopened", &Coverage::issues_reopened},
    {"issues_open", &Coverage::issues_open},
    {"issues_open_overdue", &Coverage::issues_open_overdue},
};

// A rate: numerator over denominator, both counters of Coverage.
struct RateDef {
  const char* key;    // in JSON "rates"
  const char* label;  // in Markdown and HTML
  int64_t Coverage::*numerator;
  int64_t Coverage::*denominator;
};

inline constexpr RateDef kRates[] = {
    {"coverage", "覆盖率", &Coverage::compound_level_units_covered,
     &Coverage::compound_level_units},
    {"secretary", "书记配备率", &Coverage::branches_with_secretary, &Coverage::branches},
    {"first_secretary", "第一书记", &Coverage::branches_with_first_secretary, &Coverage::branches},
    {"property", "有物业", &Coverage::compounds_with_property, &Coverage::compounds},
    {"work_team", "工作队", &Coverage::work_team_targets_with_team, &Coverage::work_team_targets},
    {"red_owners_committee", "红色业委会率", &Coverage::compounds_with_red_owners_committee,
     &Coverage::compounds_with_owners_committee},
    {"red_property", "红色物业率", &Coverage::compounds_with_red_property,
     &Coverage::compounds_with_property},
    {"building_party_group", "楼栋党小组", &Coverage::buildings_with_party_group,
     &Coverage::buildings},
    {"building_lead", "楼栋长", &Coverage::buildings_with_lead, &Coverage::buildings},
    {"double_reporting", "双报到", &Coverage::in_service_residents_registered,
     &Coverage::in_service_residents},
    {"one_shoulder", "一肩挑", &Coverage::communities_one_shoulder, &Coverage::communities},
    {"resolved_in_community", "小事不出社区", &Coverage::issues_resolved_in_community,
     &Coverage::issues_resolved},
    {"resolved_in_street", "大事不出街道", &Coverage::issues_resolved_in_street,
     &Coverage::issues_resolved},
    {"reopened", "返工率", &Coverage::issues_reopened, &Coverage::issues_resolved_ever},
};
inline constexpr size_t kRateCount = sizeof(kRates) / sizeof(kRates[0]);

// Null when the denominator is zero (nothing to measure).
std::optional<double> RateOf(const Coverage& c, const RateDef& rate);

// "0.6667", "1", "0": four decimals, trailing zeros dropped (JSON).
std::string FormatRateNumber(double rate);

// "66.7%" (Markdown and HTML).
std::string FormatPercent(double rate);

// "2/3": the numerator and denominator of `rate`.
std::string RatioText(const Coverage& c, const RateDef& rate);

// "2026-11-23".
std::string FormatDay(absl::CivilDay day);

// Severities in report order.
inline constexpr Severity kSeverities[] = {Severity::kError, Severity::kWarning, Severity::kInfo};

// "错误", "警告", "提示": a severity for people.
const char* SeverityLabel(Severity severity);

// The findings of one severity, in their order.
std::vector<Finding> FindingsOfSeverity(const std::vector<Finding>& findings, Severity severity);

// Communities grouped under the streets listed in the report (by parent_id);
// communities whose street is not listed (a report rooted at a street or a
// community, or a parent not filled in) are kept apart in `others`.
struct StreetGroup {
  const Coverage* street = nullptr;
  std::vector<const Coverage*> communities;
};

struct CoverageLayout {
  std::vector<StreetGroup> streets;
  std::vector<const Coverage*> others;
};

CoverageLayout LayOut(const AuditReport& report);

// One cell of the key-figure columns of the coverage tables.
struct Cell {
  std::string value;  // "66.7%", "—", "3"
  std::string ratio;  // "2/3"; empty for a plain count
  bool missing = false;
};

// The headings of the key-figure columns, and a coverage's cells under them.
std::vector<std::string> KeyColumnLabels();
std::vector<Cell> KeyCells(const Coverage& c);

// The handling levels of Coverage::resolve_times, in order: their names in
// JSON ("COMPOUND") and their labels for people ("小区").
struct LevelDef {
  const char* key;
  const char* label;
};
inline constexpr LevelDef kHandlingLevelDefs[kHandlingLevels] = {
    {"COMPOUND", "小区"}, {"COMMUNITY", "社区"}, {"STREET", "街道"}, {"DISTRICT", "区"}};

// "2.5 天", "5.0 小时": a time to resolve for people; "—" with none resolved.
std::string FormatResolveTime(const ResolveTimes& t, absl::Duration d);

// The 诉求 section of the Markdown and HTML reports: the headings of the
// table of times to resolve, and its rows for a coverage (one per level).
std::vector<std::string> ResolveTimeLabels();
std::vector<std::vector<std::string>> ResolveTimeRows(const Coverage& c);

// The casework sentence under the totals: "诉求 1,600 件，办结 …".
std::string CaseworkSummary(const Coverage& c);

// "幸福街道（units/2）", or the display name alone for no unit.
std::string UnitLabel(const Coverage& c);

// "people/1, units/2".
std::string ResourcesText(const Finding& f);

// U+FFFD, which an invalid byte becomes in every report.
inline constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Calls `ascii(c)` for each ASCII character of `text` and `other(bytes)`
// for each other valid character; an invalid byte comes to `other` as
// U+FFFD. The writers' escaping is built on it.
template <typename Ascii, typename Other>
void ForEachChar(absl::string_view text, Ascii ascii, Other other) {
  ForEachUtf8Char(text, [&](Utf8Char c, absl::string_view bytes) {
    if (c.code_point == kInvalidCodePoint) {
      other(absl::string_view(kReplacement));
    } else if (c.code_point < 0x80) {
      ascii(bytes[0]);
    } else {
      other(bytes);
    }
  });
}

}  // namespace grassroots::audit::report

#endif  // GRASSROOTS_AUDIT_REPORT_FIGURES_H_
