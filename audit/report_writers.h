#ifndef GRASSROOTS_AUDIT_REPORT_WRITERS_H_
#define GRASSROOTS_AUDIT_REPORT_WRITERS_H_

// The audit report for machines (JSON, a stable schema documented in
// docs/audit.md and docs/audit_report.schema.json) and for people
// (Markdown; a self-contained HTML page with a coverage table per street and
// a bar chart of coverage rates). UTF-8 throughout.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "audit/audit_model.h"

namespace grassroots::audit {

// What changed since a previous run: findings whose Key() is new, and
// previous ones no longer found.
struct ReportDiff {
  std::vector<Finding> added;
  std::vector<Finding> resolved;
};

ReportDiff CompareReports(const AuditReport& previous, const AuditReport& current);

// How many findings there are of each severity: the report's summary.
struct FindingCounts {
  int64_t errors = 0;
  int64_t warnings = 0;
  int64_t info = 0;
};

FindingCounts CountFindings(const std::vector<Finding>& findings);

// `diff` may be null (no --previous).
std::string ReportToJson(const AuditReport& report, const ReportDiff* diff);
std::string ReportToMarkdown(const AuditReport& report, const ReportDiff* diff);
std::string ReportToHtml(const AuditReport& report, const ReportDiff* diff);

// Reads a report written by ReportToJson (for --previous). INVALID_ARGUMENT
// naming what is wrong when it is not one.
absl::StatusOr<AuditReport> ReportFromJson(absl::string_view json);

}  // namespace grassroots::audit

#endif  // GRASSROOTS_AUDIT_REPORT_WRITERS_H_
