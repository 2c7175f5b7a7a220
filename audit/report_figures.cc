#include "audit/report_figures.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "audit/report_writers.h"
#include "org_service/unit.h"

namespace grassroots::audit {
namespace report {

std::optional<double> RateOf(const Coverage& c, const RateDef& rate) {
  const int64_t d = c.*rate.denominator;
  if (d <= 0) return std::nullopt;
  return static_cast<double>(c.*rate.numerator) / static_cast<double>(d);
}

std::string FormatRateNumber(double rate) {
  std::string s = absl::StrFormat("%.4f", rate);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string FormatPercent(double rate) { return absl::StrFormat("%.1f%%", rate * 100.0); }

std::string RatioText(const Coverage& c, const RateDef& rate) {
  return absl::StrCat(c.*rate.numerator, "/", c.*rate.denominator);
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

const char* SeverityLabel(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "错误";
    case Severity::kWarning:
      return "警告";
    case Severity::kInfo:
      return "提示";
  }
  return "未知";
}

CoverageLayout LayOut(const AuditReport& report) {
  CoverageLayout layout;
  std::map<int64_t, size_t> index;
  for (const Coverage& street : report.streets) {
    index.emplace(street.unit_id, layout.streets.size());
    layout.streets.push_back({&street, {}});
  }
  for (const Coverage& community : report.communities) {
    auto it = community.parent_id > 0 ? index.find(community.parent_id) : index.end();
    if (it == index.end()) {
      layout.others.push_back(&community);
    } else {
      layout.streets[it->second].communities.push_back(&community);
    }
  }
  return layout;
}

std::vector<std::string> KeyColumnLabels() {
  std::vector<std::string> labels = {"小区"};
  for (size_t i = 0; i < kRateCount; ++i) {
    if (std::string(kRates[i].key) == "double_reporting") labels.push_back("交叉任职");
    labels.push_back(kRates[i].label);
  }
  labels.push_back("联盟");
  labels.push_back("诉求");
  labels.push_back("超期未办");
  return labels;
}

std::vector<Cell> KeyCells(const Coverage& c) {
  std::vector<Cell> cells = {{absl::StrCat(c.compounds), "", false}};
  for (const RateDef& rate : kRates) {
    if (std::string(rate.key) == "double_reporting") {
      cells.push_back({absl::StrCat(c.cross_appointments), "", false});
    }
    const std::optional<double> r = RateOf(c, rate);
    cells.push_back({r.has_value() ? FormatPercent(*r) : "—", RatioText(c, rate), !r.has_value()});
  }
  cells.push_back({absl::StrCat(c.alliances), "", false});
  cells.push_back({absl::StrCat(c.issues_opened), "", false});
  cells.push_back({absl::StrCat(c.issues_open_overdue), "", false});
  return cells;
}

std::string FormatResolveTime(const ResolveTimes& t, absl::Duration d) {
  if (t.resolved == 0) return "—";
  const double hours = absl::ToDoubleHours(d);
  return hours < 24 ? absl::StrFormat("%.1f 小时", hours) : absl::StrFormat("%.1f 天", hours / 24);
}

std::vector<std::string> ResolveTimeLabels() {
  return {"办结层级", "办结件数", "用时中位数", "用时 90% 分位"};
}

std::vector<std::vector<std::string>> ResolveTimeRows(const Coverage& c) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < kHandlingLevels; ++i) {
    const ResolveTimes& t = c.resolve_times[i];
    rows.push_back({kHandlingLevelDefs[i].label, absl::StrCat(t.resolved),
                    FormatResolveTime(t, t.median), FormatResolveTime(t, t.p90)});
  }
  return rows;
}

std::string CaseworkSummary(const Coverage& c) {
  return absl::StrCat("统计期内受理诉求 ", c.issues_opened, " 件，办结 ", c.issues_resolved,
                      " 件（其中小事不出社区 ", c.issues_resolved_in_community,
                      " 件，大事不出街道 ", c.issues_resolved_in_street, " 件），关闭 ",
                      c.issues_closed, " 件，返工 ", c.issues_reopened, " 件；在办 ", c.issues_open,
                      " 件，其中超期 ", c.issues_open_overdue, " 件。");
}

std::string UnitLabel(const Coverage& c) {
  return c.unit_id > 0 ? absl::StrCat(c.display_name, "（", org::UnitName(c.unit_id), "）")
                       : c.display_name;
}

std::string ResourcesText(const Finding& f) { return absl::StrJoin(f.resources, ", "); }

std::vector<Finding> FindingsOfSeverity(const std::vector<Finding>& findings, Severity severity) {
  std::vector<Finding> group;
  for (const Finding& f : findings) {
    if (f.severity == severity) group.push_back(f);
  }
  return group;
}

}  // namespace report

FindingCounts CountFindings(const std::vector<Finding>& findings) {
  FindingCounts summary;
  for (const Finding& f : findings) {
    switch (f.severity) {
      case Severity::kError:
        ++summary.errors;
        break;
      case Severity::kWarning:
        ++summary.warnings;
        break;
      case Severity::kInfo:
        ++summary.info;
        break;
    }
  }
  return summary;
}

ReportDiff CompareReports(const AuditReport& previous, const AuditReport& current) {
  // Findings with the same key are one finding: the first one is kept.
  const auto keys_of = [](const std::vector<Finding>& findings) {
    std::set<std::string> keys;
    for (const Finding& f : findings) keys.insert(f.Key());
    return keys;
  };
  const auto missing_from = [](const std::vector<Finding>& findings,
                               const std::set<std::string>& other) {
    std::vector<std::pair<std::string, const Finding*>> keyed;
    std::set<std::string> seen;
    for (const Finding& f : findings) {
      std::string key = f.Key();
      if (other.count(key) == 0 && seen.insert(key).second) keyed.emplace_back(std::move(key), &f);
    }
    // The report's order: by severity, then rule, then key.
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second->severity, a.second->rule, a.first) <
             std::tie(b.second->severity, b.second->rule, b.first);
    });
    std::vector<Finding> out;
    out.reserve(keyed.size());
    for (const auto& [key, f] : keyed) out.push_back(*f);
    return out;
  };
  ReportDiff diff;
  diff.added = missing_from(current.findings, keys_of(previous.findings));
  diff.resolved = missing_from(previous.findings, keys_of(current.findings));
  return diff;
}

}  // namespace grassroots::audit
