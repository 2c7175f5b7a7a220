// The HTML report: a self-contained page, a coverage table per street and a
// bar chart (inline SVG) of the rates of the totals.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "audit/report_figures.h"
#include "audit/report_writers.h"
#include "org_service/unit.h"

namespace grassroots::audit {
namespace {

using report::Cell;
using report::CoverageLayout;
using report::FormatDay;
using report::FormatPercent;
using report::KeyCells;
using report::KeyColumnLabels;
using report::kRateCount;
using report::kRates;
using report::kReplacement;
using report::kSeverities;
using report::RateDef;
using report::RateOf;
using report::RatioText;
using report::ResourcesText;
using report::SeverityLabel;
using report::StreetGroup;
using report::UnitLabel;

// HTML (and XML) text and attribute values. Control characters XML does not
// allow become U+FFFD.
std::string HtmlEscape(absl::string_view s) {
  std::string out;
  report::ForEachChar(
      s,
      [&](char c) {
        switch (c) {
          case '&':
            out.append("&amp;");
            break;
          case '<':
            out.append("&lt;");
            break;
          case '>':
            out.append("&gt;");
            break;
          case '"':
            out.append("&quot;");
            break;
          case '\'':
            out.append("&#39;");
            break;
          case '\n':
          case '\r':
          case '\t':
            out.push_back(c);
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

constexpr char kStyle[] = R"css(
body { font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; margin: 2em auto; max-width: 80em; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta { color: #59636e; margin-top: 0; }
.summary span { display: inline-block; margin-right: 1.5em; font-weight: 600; }
.sev-ERROR { color: #cf222e; }
.sev-WARNING { color: #9a6700; }
.sev-INFO { color: #0969da; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f6f8fa; }
tfoot td { background: #f6f8fa; font-weight: 600; }
td.na { color: #8c959f; text-align: center; }
table.findings td { text-align: left; white-space: normal; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
svg.chart text { font-size: 13px; fill: #1f2328; }
)css";

void HtmlCoverageHeader(absl::string_view first, std::string* out) {
  absl::StrAppend(out, "<thead><tr><th>", HtmlEscape(first), "</th>");
  for (const std::string& label : KeyColumnLabels()) {
    absl::StrAppend(out, "<th>", HtmlEscape(label), "</th>");
  }
  out->append("</tr></thead>\n");
}

void HtmlCoverageRow(absl::string_view first, const Coverage& c, std::string* out) {
  absl::StrAppend(out, "<tr><td>", HtmlEscape(first), "</td>");
  for (const Cell& cell : KeyCells(c)) {
    if (cell.ratio.empty()) {
      absl::StrAppend(out, "<td>", HtmlEscape(cell.value), "</td>");
    } else {
      absl::StrAppend(out, "<td", cell.missing ? " class=\"na\"" : "", " title=\"",
                      HtmlEscape(cell.ratio), "\">", HtmlEscape(cell.value), "</td>");
    }
  }
  out->append("</tr>\n");
}

// One street: its communities as rows, the street's own figures as the foot.
void HtmlStreetTable(const Coverage* street, const std::vector<const Coverage*>& communities,
                     std::string* out) {
  out->append("<table class=\"coverage\">\n");
  HtmlCoverageHeader("社区", out);
  out->append("<tbody>\n");
  if (communities.empty()) {
    absl::StrAppend(out, "<tr><td colspan=\"", KeyColumnLabels().size() + 1,
                    "\">（无社区）</td></tr>\n");
  }
  for (const Coverage* c : communities) HtmlCoverageRow(c->display_name, *c, out);
  out->append("</tbody>\n");
  if (street != nullptr) {
    out->append("<tfoot>\n");
    HtmlCoverageRow("街道合计", *street, out);
    out->append("</tfoot>\n");
  }
  out->append("</table>\n");
}

// A horizontal bar per rate of the totals; a rate with nothing to measure
// gets an empty track and "—".
std::string HtmlChart(const Coverage& totals) {
  constexpr int kLabelWidth = 120;
  constexpr int kBarX = 130;
  constexpr int kBarWidth = 400;
  constexpr int kRowHeight = 28;
  constexpr int kTop = 8;
  const int height = kTop * 2 + kRowHeight * static_cast<int>(kRateCount);
  const int width = kBarX + kBarWidth + 130;
  std::string out = absl::StrFormat(
      "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "aria-labelledby=\"chart-title\">\n<title id=\"chart-title\">%s</title>\n",
      width, height, width, height,
      HtmlEscape(absl::StrCat("覆盖率（", totals.display_name, "）")));
  int y = kTop;
  for (const RateDef& rate : kRates) {
    const std::optional<double> r = RateOf(totals, rate);
    const double clamped = r.has_value() ? std::clamp(*r, 0.0, 1.0) : 0.0;
    absl::StrAppendFormat(&out,
                          "<g><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#eaeef2\"/>",
                          kLabelWidth, y + 17, HtmlEscape(rate.label), kBarX, y + 4, kBarWidth);
    if (r.has_value()) {
      absl::StrAppendFormat(&out,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                            "fill=\"#2da44e\"/>",
                            kBarX, y + 4, clamped * kBarWidth);
    }
    absl::StrAppendFormat(
        &out, "<text x=\"%d\" y=\"%d\">%s</text></g>\n", kBarX + kBarWidth + 6, y + 17,
        r.has_value()
            ? HtmlEscape(absl::StrCat(FormatPercent(*r), "（", RatioText(totals, rate), "）"))
            : std::string("—"));
    y += kRowHeight;
  }
  out.append("</svg>\n");
  return out;
}

void HtmlFindingsTable(const std::vector<Finding>& findings, bool with_severity, std::string* out) {
  if (findings.empty()) {
    out->append("<p>无。</p>\n");
    return;
  }
  out->append("<table class=\"findings\">\n<thead><tr>");
  if (with_severity) out->append("<th>级别</th>");
  out->append("<th>规则</th><th>资源</th><th>说明</th></tr></thead>\n<tbody>\n");
  for (const Finding& f : findings) {
    const std::string severity = HtmlEscape(SeverityName(f.severity));
    absl::StrAppend(out, "<tr class=\"sev-", severity, "\">");
    if (with_severity) {
      absl::StrAppend(out, "<td>", HtmlEscape(SeverityLabel(f.severity)), "</td>");
    }
    absl::StrAppend(out, "<td><code>", HtmlEscape(f.rule), "</code></td><td>",
                    HtmlEscape(ResourcesText(f)), "</td><td>", HtmlEscape(f.message),
                    "</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

}  // namespace

std::string ReportToHtml(const AuditReport& report, const ReportDiff* diff) {
  const FindingCounts counts = CountFindings(report.findings);
  const std::string title = absl::StrCat("夜间审计报告：", report.root_display_name);
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                  "<title>",
                  HtmlEscape(title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n");
  absl::StrAppend(&out, "<h1>", HtmlEscape(title));
  if (report.root_unit_id > 0) {
    absl::StrAppend(&out, "（", HtmlEscape(org::UnitName(report.root_unit_id)), "）");
  }
  absl::StrAppend(&out, "</h1>\n<p class=\"meta\">日期 ", HtmlEscape(FormatDay(report.today)),
                  " · 组织服务版本 ", report.org_revision, " · 名册服务版本 ",
                  report.roster_revision, " · 诉求服务版本 ", report.casework_revision, "</p>\n");
  absl::StrAppend(&out, "<p class=\"summary\"><span class=\"sev-ERROR\">错误 ", counts.errors,
                  "</span><span class=\"sev-WARNING\">警告 ", counts.warnings,
                  "</span><span class=\"sev-INFO\">提示 ", counts.info, "</span>");
  if (diff != nullptr) {
    absl::StrAppend(&out, "<span>较上次新增 ", diff->added.size(), "</span><span>已解决 ",
                    diff->resolved.size(), "</span>");
  }
  out.append("</p>\n");

  out.append("<h2>覆盖情况</h2>\n");
  out.append(HtmlChart(report.totals));
  out.append("<p class=\"meta\">鼠标悬停在比率上可见分子/分母；分母为 0 时记为“—”。</p>\n");
  const CoverageLayout layout = report::LayOut(report);
  for (const StreetGroup& group : layout.streets) {
    absl::StrAppend(&out, "<h3>", HtmlEscape(UnitLabel(*group.street)), "</h3>\n");
    HtmlStreetTable(group.street, group.communities, &out);
  }
  if (!layout.others.empty()) {
    out.append("<h3>其他社区</h3>\n");
    HtmlStreetTable(nullptr, layout.others, &out);
  }
  absl::StrAppend(&out, "<h3>合计：", HtmlEscape(UnitLabel(report.totals)), "</h3>\n");
  out.append("<table class=\"totals\">\n");
  HtmlCoverageHeader("范围", &out);
  out.append("<tbody>\n");
  HtmlCoverageRow(report.totals.display_name, report.totals, &out);
  out.append("</tbody>\n</table>\n");

  // 诉求: the totals' sentence and their times to resolve by level.
  absl::StrAppend(&out, "<h2>诉求办理</h2>\n<p>",
                  HtmlEscape(report::CaseworkSummary(report.totals)),
                  "</p>\n<table class=\"casework\">\n<thead><tr>");
  for (const std::string& label : report::ResolveTimeLabels()) {
    absl::StrAppend(&out, "<th>", HtmlEscape(label), "</th>");
  }
  out.append("</tr></thead>\n<tbody>\n");
  for (const std::vector<std::string>& row : report::ResolveTimeRows(report.totals)) {
    out.append("<tr>");
    for (const std::string& cell : row) absl::StrAppend(&out, "<td>", HtmlEscape(cell), "</td>");
    out.append("</tr>\n");
  }
  out.append("</tbody>\n</table>\n");

  absl::StrAppend(&out, "<h2>发现的问题（", report.findings.size(), "）</h2>\n");
  if (report.findings.empty()) out.append("<p>未发现问题。</p>\n");
  for (Severity s : kSeverities) {
    const std::vector<Finding> group = report::FindingsOfSeverity(report.findings, s);
    if (group.empty()) continue;
    absl::StrAppend(&out, "<h3 class=\"sev-", HtmlEscape(SeverityName(s)), "\">", SeverityLabel(s),
                    "（", group.size(), "）</h3>\n");
    HtmlFindingsTable(group, /*with_severity=*/false, &out);
  }

  if (diff != nullptr) {
    absl::StrAppend(&out, "<h2>自上次审计以来</h2>\n<h3>新增（", diff->added.size(), "）</h3>\n");
    HtmlFindingsTable(diff->added, /*with_severity=*/true, &out);
    absl::StrAppend(&out, "<h3>已解决（", diff->resolved.size(), "）</h3>\n");
    HtmlFindingsTable(diff->resolved, /*with_severity=*/true, &out);
  }
  out.append("</body>\n</html>\n");
  return out;
}

}  // namespace grassroots::audit
