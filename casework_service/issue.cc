#include "casework_service/issue.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/enum_names.h"
#include "common/resource_name.h"
#include "common/text.h"

namespace grassroots::casework {
namespace {

constexpr std::array<absl::string_view, 5> kLevelNames = {"HANDLING_LEVEL_UNSPECIFIED", "COMPOUND",
                                                          "COMMUNITY", "STREET", "DISTRICT"};
constexpr std::array<absl::string_view, kCategoryCount> kCategoryNames = {"CATEGORY_UNSPECIFIED",
                                                                          "PROPERTY_MAINTENANCE",
                                                                          "ENVIRONMENT_SANITATION",
                                                                          "SAFETY_HAZARD",
                                                                          "NEIGHBOUR_DISPUTE",
                                                                          "PARKING",
                                                                          "ELDERLY_AND_CHILDREN",
                                                                          "RENOVATION",
                                                                          "CERTIFICATE",
                                                                          "SUGGESTION",
                                                                          "OTHER"};
constexpr std::array<absl::string_view, 9> kChannelNames = {
    "CHANNEL_UNSPECIFIED",    "GRID_WORKER", "BUILDING_LEAD",
    "PARTY_MEMBER_HOUSEHOLD", "RESIDENT",    "OWNERS_COMMITTEE",
    "PROPERTY_COMPANY",       "HOTLINE",     "REPRESENTATIVE_WORKROOM"};
constexpr std::array<absl::string_view, 4> kSatisfactionNames = {
    "SATISFACTION_UNSPECIFIED", "SATISFIED", "BASICALLY_SATISFIED", "DISSATISFIED"};
constexpr std::array<absl::string_view, 8> kStateNames = {
    "STATE_UNSPECIFIED", "REPORTED",  "ACCEPTED", "RESOLVED",
    "CONFIRMED",         "ESCALATED", "REJECTED", "REOPENED"};

// The states each action is allowed in: the one table of the lifecycle.
struct Allowed {
  IssueAction action;
  absl::string_view verb;
  std::array<IssueState, 4> states;  // kUnspecified pads
};
constexpr std::array<Allowed, 7> kTransitions = {{
    {IssueAction::kAccept, "accepted", {IssueState::kReported, IssueState::kEscalated}},
    {IssueAction::kEscalate,
     "escalated",
     {IssueState::kReported, IssueState::kAccepted, IssueState::kEscalated, IssueState::kReopened}},
    {IssueAction::kResolve, "resolved", {IssueState::kAccepted, IssueState::kReopened}},
    {IssueAction::kConfirm, "confirmed", {IssueState::kResolved}},
    {IssueAction::kReopen, "reopened", {IssueState::kResolved}},
    {IssueAction::kReject,
     "rejected",
     {IssueState::kReported, IssueState::kAccepted, IssueState::kEscalated}},
    {IssueAction::kUpdate,
     "changed",
     {IssueState::kReported, IssueState::kAccepted, IssueState::kEscalated, IssueState::kReopened}},
}};

const Allowed& TransitionOf(IssueAction action) {
  for (const Allowed& allowed : kTransitions) {
    if (allowed.action == action) return allowed;
  }
  return kTransitions[0];  // every action is in the table
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace

absl::string_view HandlingLevelName(HandlingLevel level) { return EnumName(kLevelNames, level); }
absl::string_view CategoryName(Category category) { return EnumName(kCategoryNames, category); }
absl::string_view ChannelName(Channel channel) { return EnumName(kChannelNames, channel); }
absl::string_view SatisfactionName(Satisfaction satisfaction) {
  return EnumName(kSatisfactionNames, satisfaction);
}
absl::string_view IssueStateName(IssueState state) { return EnumName(kStateNames, state); }
std::optional<HandlingLevel> ParseHandlingLevelName(absl::string_view name) {
  return ParseEnumName<HandlingLevel>(kLevelNames, name);
}
std::optional<Category> ParseCategoryName(absl::string_view name) {
  return ParseEnumName<Category>(kCategoryNames, name);
}
std::optional<Channel> ParseChannelName(absl::string_view name) {
  return ParseEnumName<Channel>(kChannelNames, name);
}
std::optional<IssueState> ParseIssueStateName(absl::string_view name) {
  return ParseEnumName<IssueState>(kStateNames, name);
}

bool IsValidHandlingLevel(HandlingLevel level) {
  return level >= HandlingLevel::kCompound && level <= HandlingLevel::kDistrict;
}
bool IsValidCategory(Category category) {
  return category >= Category::kPropertyMaintenance && category <= Category::kOther;
}
bool IsValidChannel(Channel channel) {
  return channel >= Channel::kGridWorker && channel <= Channel::kRepresentativeWorkroom;
}

bool IsOpen(IssueState state) {
  return state == IssueState::kReported || state == IssueState::kAccepted ||
         state == IssueState::kEscalated || state == IssueState::kReopened;
}
bool IsClosed(IssueState state) {
  return state == IssueState::kConfirmed || state == IssueState::kRejected;
}

absl::string_view IssueActionVerb(IssueAction action) { return TransitionOf(action).verb; }

absl::Status CheckTransition(int64_t issue_id, IssueState state, IssueAction action) {
  const Allowed& allowed = TransitionOf(action);
  std::vector<absl::string_view> names;
  for (IssueState s : allowed.states) {
    if (s == IssueState::kUnspecified) continue;
    if (s == state) return absl::OkStatus();
    names.push_back(IssueStateName(s));
  }
  return absl::FailedPreconditionError(
      absl::StrCat(IssueName(issue_id), " is ", IssueStateName(state), "; only a ",
                   absl::StrJoin(names, ", "), " issue can be ", allowed.verb));
}

int64_t HandlingChain::UnitAt(HandlingLevel level) const {
  switch (level) {
    case HandlingLevel::kCompound:
      return compound_id;
    case HandlingLevel::kCommunity:
      return community_id;
    case HandlingLevel::kStreet:
      return street_id;
    case HandlingLevel::kDistrict:
      return district_id;
    case HandlingLevel::kUnspecified:
      break;
  }
  return 0;
}

HandlingLevel HandlingChain::LowestFrom(HandlingLevel from) const {
  for (HandlingLevel level = from; level != HandlingLevel::kUnspecified; level = NextLevel(level)) {
    if (UnitAt(level) != 0) return level;
  }
  return HandlingLevel::kUnspecified;
}

HandlingLevel NextLevel(HandlingLevel level) {
  switch (level) {
    case HandlingLevel::kCompound:
      return HandlingLevel::kCommunity;
    case HandlingLevel::kCommunity:
      return HandlingLevel::kStreet;
    case HandlingLevel::kStreet:
      return HandlingLevel::kDistrict;
    case HandlingLevel::kDistrict:
    case HandlingLevel::kUnspecified:
      break;
  }
  return HandlingLevel::kUnspecified;
}

std::string IssueName(int64_t id) { return FormatResourceName("issues", id); }

absl::StatusOr<int64_t> ParseIssueName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "issues", field);
}

absl::Status ValidateReportedFields(const Issue& issue, absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (issue.place_id == 0) return Invalid(field("place"), "is required");
  if (!IsValidCategory(issue.category)) {
    return Invalid(field("category"), "is required: one of the categories of docs/casework.md");
  }
  if (!IsValidChannel(issue.channel)) return Invalid(field("channel"), "is required");
  if (absl::Status s = ValidateDisplayText(issue.title, field("title"), kMaxTitleChars); !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateDisplayText(issue.description, field("description"),
                                           kMaxDescriptionChars, /*required=*/false);
      !s.ok()) {
    return s;
  }
  return ValidateDisplayText(issue.reporter_contact, field("reporter_contact"), kMaxContactChars,
                             /*required=*/false);
}

absl::Status ValidateImportedIssue(Issue& issue, absl::Time now, absl::Duration default_due,
                                   absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (absl::Status s = ValidateReportedFields(issue, prefix); !s.ok()) return s;
  if (absl::Status s =
          ValidateDisplayText(issue.external_key, field("external_key"), kMaxExternalKeyChars);
      !s.ok()) {
    return s;
  }
  if (issue.state == IssueState::kUnspecified || issue.state > IssueState::kReopened) {
    return Invalid(field("state"), "is required");
  }
  const HandlingLevel lowest = issue.chain.LowestFrom(HandlingLevel::kCompound);
  if (!IsValidHandlingLevel(issue.handling_level) || issue.handling_unit_id() == 0 ||
      issue.handling_level < lowest) {
    return Invalid(field("handling_level"), absl::StrCat("must be a level the place has, from ",
                                                         HandlingLevelName(lowest), " up"));
  }
  const absl::Time epoch = absl::UnixEpoch();
  if (issue.create_time == epoch)
    return Invalid(field("create_time"), "is required: the report time");
  if (issue.create_time > now) return Invalid(field("create_time"), "is in the future");
  const bool resolved =
      issue.state == IssueState::kResolved || issue.state == IssueState::kConfirmed;
  if (resolved) {
    if (issue.resolve_time == epoch) return Invalid(field("resolve_time"), "is required");
    if (absl::Status s = ValidateReason(issue.resolution, field("resolution"), kMaxResolutionChars);
        !s.ok()) {
      return s;
    }
  }
  if (issue.resolve_time != epoch &&
      (issue.resolve_time < issue.create_time || issue.resolve_time > now)) {
    return Invalid(field("resolve_time"), "must lie between create_time and now");
  }
  if (IsClosed(issue.state)) {
    if (issue.close_time == epoch) return Invalid(field("close_time"), "is required");
    const absl::Time after = resolved ? issue.resolve_time : issue.create_time;
    if (issue.close_time < after || issue.close_time > now) {
      return Invalid(field("close_time"), "must lie between the report (or resolution) and now");
    }
  } else {
    issue.close_time = epoch;
  }
  if (issue.state == IssueState::kConfirmed && issue.satisfaction != Satisfaction::kSatisfied &&
      issue.satisfaction != Satisfaction::kBasicallySatisfied) {
    return Invalid(field("satisfaction"),
                   "a CONFIRMED issue needs SATISFIED or BASICALLY_SATISFIED");
  }
  if (issue.state == IssueState::kRejected || issue.state == IssueState::kEscalated ||
      issue.state == IssueState::kReopened) {
    if (absl::Status s = ValidateReason(issue.state_reason, field("state_reason"), kMaxReasonChars);
        !s.ok()) {
      return s;
    }
  }
  int32_t climbed = 0;
  for (HandlingLevel l = lowest; l != issue.handling_level && l != HandlingLevel::kUnspecified;
       l = issue.chain.LowestFrom(NextLevel(l))) {
    ++climbed;
  }
  if (issue.escalations == 0) issue.escalations = climbed;
  if (issue.escalations < climbed || issue.escalations > 100) {
    return Invalid(field("escalations"),
                   absl::StrCat("must be at least the ", climbed, " levels climbed, at most 100"));
  }
  if (IsOpen(issue.state)) {
    if (issue.due_time == epoch) issue.due_time = issue.create_time + default_due;
    if (issue.due_time < issue.create_time) {
      return Invalid(field("due_time"), "must not be before create_time");
    }
  } else {
    issue.due_time = epoch;
  }
  return absl::OkStatus();
}

absl::Status ValidateReason(absl::string_view text, absl::string_view field, size_t max_chars) {
  return ValidateDisplayText(text, field, max_chars);
}

}  // namespace grassroots::casework
