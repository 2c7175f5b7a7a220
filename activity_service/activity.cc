#include "activity_service/activity.h"

#include <algorithm>
#include <array>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/enum_names.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace grassroots::activity {
namespace {

constexpr std::array<absl::string_view, kActivityKindCount> kKindNames = {
    "ACTIVITY_KIND_UNSPECIFIED",
    "THEMED_PARTY_DAY",
    "OPEN_THEMED_PARTY_DAY",
    "BRANCH_ASSEMBLY",
    "BRANCH_COMMITTEE",
    "PARTY_GROUP_MEETING",
    "PARTY_LECTURE",
    "VOLUNTEER_SERVICE",
    "COURTYARD_MEETING",
    "SERVICE_DAY",
    "NEIGHBOURHOOD_FESTIVAL",
    "TRAINING"};
constexpr std::array<absl::string_view, 7> kStateNames = {
    "STATE_UNSPECIFIED", "DRAFT", "SUBMITTED", "APPROVED", "HELD", "RECORDED", "CANCELLED"};

// The states each action is allowed in and the state it leads to: the one
// table of the lifecycle (the proto's comment on Activity draws it).
// kUnspecified as `to` keeps the state.
struct Allowed {
  ActivityAction action;
  absl::string_view verb;
  std::array<ActivityState, 3> states;  // kUnspecified pads
  ActivityState to;
};
constexpr std::array<Allowed, 8> kTransitions = {{
    {ActivityAction::kUpdate, "changed", {ActivityState::kDraft}, ActivityState::kUnspecified},
    {ActivityAction::kSubmit, "submitted", {ActivityState::kDraft}, ActivityState::kSubmitted},
    {ActivityAction::kApprove, "approved", {ActivityState::kSubmitted}, ActivityState::kApproved},
    {ActivityAction::kReturn, "returned", {ActivityState::kSubmitted}, ActivityState::kDraft},
    {ActivityAction::kHold, "held", {ActivityState::kApproved}, ActivityState::kHeld},
    {ActivityAction::kRecord, "recorded", {ActivityState::kHeld}, ActivityState::kRecorded},
    {ActivityAction::kCancel,
     "cancelled",
     {ActivityState::kDraft, ActivityState::kSubmitted, ActivityState::kApproved},
     ActivityState::kCancelled},
    {ActivityAction::kRecordAttendance,
     "given attendance",
     {ActivityState::kHeld},
     ActivityState::kUnspecified},
}};

const Allowed& TransitionOf(ActivityAction action) {
  for (const Allowed& allowed : kTransitions) {
    if (allowed.action == action) return allowed;
  }
  return kTransitions[0];  // every action is in the table
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// "DRAFT", "DRAFT or SUBMITTED", "DRAFT, SUBMITTED or APPROVED".
std::string StateList(const std::vector<absl::string_view>& names) {
  if (names.size() <= 1) return absl::StrJoin(names, "");
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

absl::Status ValidateCoOrganisers(const std::vector<std::string>& co_organisers,
                                  absl::string_view field) {
  if (co_organisers.size() > kMaxCoOrganisers) {
    return Invalid(field, absl::StrCat("at most ", kMaxCoOrganisers, " are allowed; ",
                                       co_organisers.size(), " were given"));
  }
  for (size_t i = 0; i < co_organisers.size(); ++i) {
    const std::string& name = co_organisers[i];
    const std::string item = absl::StrCat(field, "[", i, "]");
    const absl::string_view collection =
        absl::StartsWith(name, "alliances/") ? "alliances" : "externalOrgs";
    if (absl::Status s = ParseResourceName(name, collection, item).status(); !s.ok()) {
      return Invalid(item,
                     "must name an external organisation (externalOrgs/{id}) or an "
                     "alliance (alliances/{id})");
    }
    if (std::find(co_organisers.begin(), co_organisers.begin() + i, name) !=
        co_organisers.begin() + i) {
      return Invalid(item, absl::StrCat(name, " is given twice"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view ActivityKindName(ActivityKind kind) { return EnumName(kKindNames, kind); }
absl::string_view ActivityStateName(ActivityState state) { return EnumName(kStateNames, state); }
std::optional<ActivityKind> ParseActivityKindName(absl::string_view name) {
  return ParseEnumName<ActivityKind>(kKindNames, name);
}
std::optional<ActivityState> ParseActivityStateName(absl::string_view name) {
  return ParseEnumName<ActivityState>(kStateNames, name);
}

bool IsValidActivityKind(ActivityKind kind) {
  return kind >= ActivityKind::kThemedPartyDay && kind <= ActivityKind::kTraining;
}

bool IsOrganisationalLife(ActivityKind kind) {
  return kind >= ActivityKind::kThemedPartyDay && kind <= ActivityKind::kPartyLecture;
}

absl::string_view ActivityActionVerb(ActivityAction action) { return TransitionOf(action).verb; }

absl::Status CheckTransition(int64_t activity_id, ActivityState state, ActivityAction action) {
  const Allowed& allowed = TransitionOf(action);
  std::vector<absl::string_view> names;
  for (ActivityState s : allowed.states) {
    if (s == ActivityState::kUnspecified) continue;
    if (s == state) return absl::OkStatus();
    names.push_back(ActivityStateName(s));
  }
  return absl::FailedPreconditionError(
      absl::StrCat(ActivityName(activity_id), " is ", ActivityStateName(state), "; only a ",
                   StateList(names), " activity can be ", allowed.verb));
}

ActivityState StateAfter(ActivityState state, ActivityAction action) {
  const ActivityState to = TransitionOf(action).to;
  return to == ActivityState::kUnspecified ? state : to;
}

std::string ActivityName(int64_t id) { return FormatResourceName("activities", id); }

absl::StatusOr<int64_t> ParseActivityName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "activities", field);
}

absl::Status ValidatePlannedFields(const Activity& activity, absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (activity.party_org_id == 0) return Invalid(field("party_org"), "is required");
  if (!IsValidActivityKind(activity.kind)) {
    return Invalid(field("kind"), "is required: one of the kinds of ActivityKind");
  }
  RETURN_IF_ERROR(ValidateDisplayText(activity.theme, field("theme"), kMaxThemeChars));
  RETURN_IF_ERROR(ValidateDisplayText(activity.description, field("description"),
                                      kMaxDescriptionChars, /*required=*/false));
  if (activity.place_id == 0 && activity.service_point_id == 0) {
    return Invalid(field("place"), "is required unless service_point is set");
  }
  const absl::Time epoch = absl::UnixEpoch();
  if (activity.start_time == epoch) return Invalid(field("start_time"), "is required");
  if (activity.end_time == epoch) return Invalid(field("end_time"), "is required");
  if (activity.end_time <= activity.start_time) {
    return Invalid(field("end_time"), "must be after start_time");
  }
  if (activity.end_time - activity.start_time > kMaxActivityLength) {
    return Invalid(field("end_time"), "must be at most 7 days after start_time");
  }
  if (activity.capacity < 0 || activity.capacity > kMaxCapacity) {
    return Invalid(field("capacity"), absl::StrCat("must be 0 (no limit) to ", kMaxCapacity,
                                                   "; got ", activity.capacity));
  }
  return ValidateCoOrganisers(activity.co_organisers, field("co_organisers"));
}

absl::Status ValidateReason(absl::string_view text, absl::string_view field, size_t max_chars) {
  return ValidateDisplayText(text, field, max_chars);
}

}  // namespace grassroots::activity
