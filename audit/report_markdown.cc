// The Markdown report: for people, one page per run.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "audit/report_figures.h"
#include "audit/report_writers.h"
#include "org_service/unit.h"

namespace grassroots::audit {
namespace {

using report::Cell;
using report::CoverageLayout;
using report::FormatDay;
using report::KeyCells;
using report::KeyColumnLabels;
using report::kReplacement;
using report::kSeverities;
using report::ResourcesText;
using report::SeverityLabel;
using report::StreetGroup;
using report::UnitLabel;

// Markdown table cells and list items: one line, and the characters that
// would split a cell or start markup are backslash-escaped.
std::string MdEscape(absl::string_view s) {
  std::string out;
  report::ForEachChar(
      s,
      [&](char c) {
        switch (c) {
          case '\\':
          case '|':
          case '`':
          case '*':
          case '_':
          case '[':
          case ']':
          case '<':
          case '>':
          case '#':
            out.push_back('\\');
            out.push_back(c);
            break;
          case '\n':
          case '\r':
          case '\t':
            out.push_back(' ');
            break;
          default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
              out.append(kReplacement);
            } else {
              out.push_back(c);
            }
        }
      },
      [&](absl::string_view seq) { out.append(seq.data(), seq.size()); });
  return out;
}

void MdCoverageRow(absl::string_view first, const Coverage& c, std::string* out) {
  absl::StrAppend(out, "| ", first);
  for (const Cell& cell : KeyCells(c)) {
    if (cell.ratio.empty() || cell.missing) {
      absl::StrAppend(out, " | ", cell.value);
    } else {
      absl::StrAppend(out, " | ", cell.value, " (", cell.ratio, ")");
    }
  }
  out->append(" |\n");
}

void MdCoverageHeader(absl::string_view first, std::string* out) {
  const std::vector<std::string> labels = KeyColumnLabels();
  absl::StrAppend(out, "| ", first, " | ", absl::StrJoin(labels, " | "), " |\n|---");
  for (size_t i = 0; i < labels.size(); ++i) out->append("|---:");
  out->append("|\n");
}

void MdFindings(const std::vector<Finding>& findings, bool with_severity, std::string* out) {
  if (findings.empty()) {
    out->append("无。\n");
    return;
  }
  for (const Finding& f : findings) {
    out->append("- ");
    if (with_severity) absl::StrAppend(out, SeverityLabel(f.severity), " · ");
    absl::StrAppend(out, "**", MdEscape(f.rule), "** · ", MdEscape(ResourcesText(f)), " — ",
                    MdEscape(f.message), "\n");
  }
}

void MdFindingsBySeverity(const std::vector<Finding>& findings, absl::string_view heading,
                          std::string* out) {
  for (Severity s : kSeverities) {
    const std::vector<Finding> group = report::FindingsOfSeverity(findings, s);
    if (group.empty()) continue;
    absl::StrAppend(out, "\n", heading, " ", SeverityLabel(s), "（", group.size(), "）\n\n");
    MdFindings(group, /*with_severity=*/false, out);
  }
}

}  // namespace

std::string ReportToMarkdown(const AuditReport& report, const ReportDiff* diff) {
  std::string out;
  const FindingCounts counts = CountFindings(report.findings);
  absl::StrAppend(&out, "# 夜间审计报告：", MdEscape(report.root_display_name));
  if (report.root_unit_id > 0)
    absl::StrAppend(&out, "（", org::UnitName(report.root_unit_id), "）");
  absl::StrAppend(&out, "\n\n- 日期：", FormatDay(report.today), "\n- 数据版本：组织服务 ",
                  report.org_revision, "，名册服务 ", report.roster_revision, "，诉求服务 ",
                  report.casework_revision, "\n");
  absl::StrAppend(&out, "- 摘要：错误 ", counts.errors, " 项，警告 ", counts.warnings, " 项，提示 ",
                  counts.info, " 项");
  if (diff != nullptr) {
    absl::StrAppend(&out, "；较上次新增 ", diff->added.size(), " 项，已解决 ",
                    diff->resolved.size(), " 项");
  }
  out.append("\n\n## 覆盖情况\n\n比率后括号内为分子/分母；分母为 0 时记为“—”。\n");

  const CoverageLayout layout = report::LayOut(report);
  for (const StreetGroup& group : layout.streets) {
    absl::StrAppend(&out, "\n### ", MdEscape(UnitLabel(*group.street)), "\n\n");
    MdCoverageHeader("社区", &out);
    for (const Coverage* c : group.communities) MdCoverageRow(MdEscape(c->display_name), *c, &out);
    MdCoverageRow("**街道合计**", *group.street, &out);
  }
  if (!layout.others.empty()) {
    out.append("\n### 其他社区\n\n");
    MdCoverageHeader("社区", &out);
    for (const Coverage* c : layout.others) MdCoverageRow(MdEscape(c->display_name), *c, &out);
  }

  absl::StrAppend(&out, "\n### 合计：", MdEscape(UnitLabel(report.totals)), "\n\n");
  MdCoverageHeader("范围", &out);
  MdCoverageRow(MdEscape(report.totals.display_name), report.totals, &out);
  const Coverage& t = report.totals;
  absl::StrAppend(&out, "\n小区 ", t.compounds, " 个（有物业 ", t.compounds_with_property,
                  "，无物业 ", t.compounds - t.compounds_with_property, "），另有城中村 ",
                  t.urban_villages, " 个、农村集中居住区 ", t.rural_areas, " 个；小区级党组织 ",
                  t.branches, " 个，第一书记 ", t.first_secretaries, " 名；工作队 ", t.work_teams,
                  " 支、队员 ", t.work_team_cadres, " 名；楼栋 ", t.buildings,
                  " 栋；双报到在职党员 ", t.registered_in_service, " 名（其中有岗位 ",
                  t.registered_with_post, " 名）；交叉任职 ", t.cross_appointments, " 人；联盟 ",
                  t.alliances, " 个（小区“1+4+X” ", t.compound_alliances, "，近邻党建联盟 ",
                  t.neighbourhood_alliances, "）。\n");

  absl::StrAppend(&out, "\n## 诉求办理\n\n", MdEscape(report::CaseworkSummary(t)), "\n\n| ",
                  absl::StrJoin(report::ResolveTimeLabels(), " | "), " |\n|---|---:|---:|---:|\n");
  for (const std::vector<std::string>& row : report::ResolveTimeRows(t)) {
    absl::StrAppend(&out, "| ", absl::StrJoin(row, " | "), " |\n");
  }

  absl::StrAppend(&out, "\n## 发现的问题（", report.findings.size(), "）\n");
  if (report.findings.empty()) out.append("\n未发现问题。\n");
  MdFindingsBySeverity(report.findings, "###", &out);

  if (diff != nullptr) {
    absl::StrAppend(&out, "\n## 自上次审计以来\n\n### 新增（", diff->added.size(), "）\n\n");
    MdFindings(diff->added, /*with_severity=*/true, &out);
    absl::StrAppend(&out, "\n### 已解决（", diff->resolved.size(), "）\n\n");
    MdFindings(diff->resolved, /*with_severity=*/true, &out);
  }
  return out;
}

}  // namespace grassroots::audit
