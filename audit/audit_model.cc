#include "audit/audit_model.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace grassroots::audit {

absl::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "ERROR";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kInfo:
      return "INFO";
  }
  return "SEVERITY_UNKNOWN";
}

// Neither rule ids nor resource names contain a space, so the key cannot be
// read two ways, and it stays the same from run to run as long as the rule
// and the resources do (the message and the severity may change).
std::string Finding::Key() const { return absl::StrCat(rule, " ", absl::StrJoin(resources, " ")); }

bool AuditReport::HasErrors() const {
  return std::any_of(findings.begin(), findings.end(),
                     [](const Finding& f) { return f.severity == Severity::kError; });
}

}  // namespace grassroots::audit
