#include "casework_service/dispatch.h"

#include <array>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/enum_names.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace grassroots::casework {
namespace {

constexpr std::array<absl::string_view, 4> kStateNames = {"STATE_UNSPECIFIED", "SUMMONED",
                                                          "ACKNOWLEDGED", "REPORTED"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace

absl::string_view DispatchStateName(DispatchState state) { return EnumName(kStateNames, state); }

std::string DispatchName(int64_t issue_id, int64_t id) {
  return absl::StrCat(FormatResourceName("issues", issue_id), "/",
                      FormatResourceName("dispatches", id));
}

absl::StatusOr<DispatchId> ParseDispatchName(absl::string_view name, absl::string_view field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4) {
    return Invalid(
        field, absl::StrCat("\"", name, "\" is not a dispatch name (issues/{id}/dispatches/{id})"));
  }
  DispatchId id;
  ASSIGN_OR_RETURN(id.issue_id,
                   ParseResourceName(absl::StrCat(parts[0], "/", parts[1]), "issues", field));
  ASSIGN_OR_RETURN(id.id,
                   ParseResourceName(absl::StrCat(parts[2], "/", parts[3]), "dispatches", field));
  return id;
}

absl::Status ValidateNewDispatch(const Dispatch& dispatch, absl::Time now,
                                 absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  const bool has_org = dispatch.department_org_id != 0;
  const bool has_name = !dispatch.department_name.empty();
  if (has_org == has_name) {
    return Invalid(field("department_org"),
                   "name the department either as an organisation (externalOrgs/{id}) or by "
                   "department_name, not both and not neither");
  }
  if (has_name) {
    RETURN_IF_ERROR(ValidateDisplayText(dispatch.department_name, field("department_name"),
                                        kMaxDepartmentNameChars));
  }
  if (dispatch.due_time == absl::UnixEpoch()) return Invalid(field("due_time"), "is required");
  if (dispatch.due_time <= now) return Invalid(field("due_time"), "must be in the future");
  if (dispatch.due_time > now + kMaxDispatchDue) {
    return Invalid(field("due_time"), "must be within a year");
  }
  return ValidateDisplayText(dispatch.request, field("request"), kMaxRequestChars,
                             /*required=*/false);
}

absl::Status ValidateImportedDispatch(const Dispatch& dispatch, absl::Time reported, absl::Time now,
                                      absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  const absl::Time epoch = absl::UnixEpoch();
  if ((dispatch.department_org_id != 0) == !dispatch.department_name.empty()) {
    return Invalid(field("department_org"), "name the department by organisation or by name");
  }
  if (!dispatch.department_name.empty()) {
    RETURN_IF_ERROR(ValidateDisplayText(dispatch.department_name, field("department_name"),
                                        kMaxDepartmentNameChars));
  }
  RETURN_IF_ERROR(ValidateDisplayText(dispatch.request, field("request"), kMaxRequestChars, false));
  if (dispatch.state == DispatchState::kUnspecified || dispatch.state > DispatchState::kReported) {
    return Invalid(field("state"), "is required");
  }
  if (dispatch.create_time == epoch || dispatch.create_time < reported ||
      dispatch.create_time > now) {
    return Invalid(field("create_time"), "is required, between the issue's report and now");
  }
  if (dispatch.due_time == epoch || dispatch.due_time < dispatch.create_time) {
    return Invalid(field("due_time"), "is required, not before create_time");
  }
  const bool acknowledged = dispatch.state != DispatchState::kSummoned;
  if (acknowledged != (dispatch.acknowledge_time != epoch) ||
      (acknowledged &&
       (dispatch.acknowledge_time < dispatch.create_time || dispatch.acknowledge_time > now))) {
    return Invalid(field("acknowledge_time"),
                   "is required once acknowledged (and only then), between create_time and now");
  }
  const bool reported_back = dispatch.state == DispatchState::kReported;
  if (reported_back != (dispatch.report_time != epoch) ||
      (reported_back &&
       (dispatch.report_time < dispatch.acknowledge_time || dispatch.report_time > now))) {
    return Invalid(field("report_time"),
                   "is required once reported (and only then), between acknowledge_time and now");
  }
  if (reported_back)
    RETURN_IF_ERROR(ValidateDisplayText(dispatch.report, field("report"), kMaxReportChars));
  return absl::OkStatus();
}

absl::Status CheckDispatchState(const Dispatch& dispatch, DispatchState expected,
                                absl::string_view verb) {
  if (dispatch.state == expected) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      DispatchName(dispatch.issue_id, dispatch.id), " is ", DispatchStateName(dispatch.state),
      "; only a ", DispatchStateName(expected), " dispatch can be ", verb));
}

}  // namespace grassroots::casework
