#ifndef GRASSROOTS_CASEWORK_SERVICE_ISSUE_H_
#define GRASSROOTS_CASEWORK_SERVICE_ISSUE_H_

// A resident's issue (诉求) and the rules of its lifecycle: which level
// handles it, which transitions its state allows, and the validation of
// its fields. Pure C++ and abseil.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::casework {

// Values as in grassroots.casework.v1 (the proto layer static_asserts it).
enum class HandlingLevel : int8_t {
  kUnspecified = 0,
  kCompound = 1,
  kCommunity = 2,
  kStreet = 3,
  kDistrict = 4,
};

enum class Category : int8_t {
  kUnspecified = 0,
  kPropertyMaintenance = 1,
  kEnvironmentSanitation = 2,
  kSafetyHazard = 3,
  kNeighbourDispute = 4,
  kParking = 5,
  kElderlyAndChildren = 6,
  kRenovation = 7,
  kCertificate = 8,
  kSuggestion = 9,
  kOther = 10,
};
inline constexpr int kCategoryCount = 11;  // kUnspecified included

enum class Channel : int8_t {
  kUnspecified = 0,
  kGridWorker = 1,
  kBuildingLead = 2,
  kPartyMemberHousehold = 3,
  kResident = 4,
  kOwnersCommittee = 5,
  kPropertyCompany = 6,
  kHotline = 7,
  kRepresentativeWorkroom = 8,
};

enum class Satisfaction : int8_t {
  kUnspecified = 0,
  kSatisfied = 1,
  kBasicallySatisfied = 2,
  kDissatisfied = 3,
};

enum class IssueState : int8_t {
  kUnspecified = 0,
  kReported = 1,
  kAccepted = 2,
  kResolved = 3,
  kConfirmed = 4,
  kEscalated = 5,
  kRejected = 6,
  kReopened = 7,
};

// The proto names ("STREET", "ESCALATED"), for filters and messages.
absl::string_view HandlingLevelName(HandlingLevel level);
absl::string_view CategoryName(Category category);
absl::string_view ChannelName(Channel channel);
absl::string_view SatisfactionName(Satisfaction satisfaction);
absl::string_view IssueStateName(IssueState state);
std::optional<HandlingLevel> ParseHandlingLevelName(absl::string_view name);
std::optional<Category> ParseCategoryName(absl::string_view name);
std::optional<Channel> ParseChannelName(absl::string_view name);
std::optional<IssueState> ParseIssueStateName(absl::string_view name);

bool IsValidHandlingLevel(HandlingLevel level);
bool IsValidCategory(Category category);
bool IsValidChannel(Channel channel);

// Open issues are worked at a level and have a due time: REPORTED,
// ACCEPTED, ESCALATED, REOPENED. RESOLVED waits for the resident;
// CONFIRMED and REJECTED are closed.
bool IsOpen(IssueState state);
bool IsClosed(IssueState state);

// What may happen to an issue (one per transition RPC, and the sweeper's
// escalation).
enum class IssueAction : int8_t {
  kAccept,
  kEscalate,
  kResolve,
  kConfirm,
  kReopen,
  kReject,
  kUpdate,
};
absl::string_view IssueActionVerb(IssueAction action);  // "accept", "escalate", ...

// Whether `action` is allowed in `state`; FAILED_PRECONDITION otherwise,
// naming the issue, its state and the states that allow it:
// "issues/7 is RESOLVED; only a REPORTED or ESCALATED issue can be accepted".
absl::Status CheckTransition(int64_t issue_id, IssueState state, IssueAction action);

// The units an issue may be handled at, as the hierarchy stood when it was
// reported: ids, 0 where there is none (a community's issue has no
// compound).
struct HandlingChain {
  int64_t compound_id = 0;
  int64_t community_id = 0;
  int64_t street_id = 0;
  int64_t district_id = 0;

  int64_t UnitAt(HandlingLevel level) const;
  // The lowest level with a unit at or above `from`; kUnspecified for none.
  HandlingLevel LowestFrom(HandlingLevel from) const;
  bool operator==(const HandlingChain&) const = default;
};

// The level above `level`; kUnspecified above DISTRICT.
HandlingLevel NextLevel(HandlingLevel level);

struct Issue {
  int64_t id = 0;
  int64_t place_id = 0;  // units/{id}: a building, compound or community
  Category category = Category::kUnspecified;
  Channel channel = Channel::kUnspecified;
  std::string title;
  std::string description;
  int64_t reporter_id = 0;       // people/{id}; 0 for none
  std::string reporter_contact;  // personal data
  HandlingChain chain;
  HandlingLevel handling_level = HandlingLevel::kUnspecified;
  int64_t handling_party_org_id = 0;  // 0 for none
  int64_t assignee_id = 0;            // 0 for none
  // When open: when the handling level must have resolved it. UnixEpoch
  // otherwise (no due time).
  absl::Time due_time = absl::UnixEpoch();
  IssueState state = IssueState::kUnspecified;
  std::string state_reason;
  Satisfaction satisfaction = Satisfaction::kUnspecified;
  std::string resolution;
  int32_t escalations = 0;
  absl::Time resolve_time = absl::UnixEpoch();  // UnixEpoch: never resolved
  absl::Time close_time = absl::UnixEpoch();    // UnixEpoch: not closed
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;
  std::string external_key;  // set by an import; unique among issues

  int64_t handling_unit_id() const { return chain.UnitAt(handling_level); }
  bool has_due_time() const { return due_time != absl::UnixEpoch(); }
  // Open with its due time passed at `now`.
  bool IsOverdue(absl::Time now) const {
    return IsOpen(state) && has_due_time() && due_time <= now;
  }
  bool operator==(const Issue&) const = default;
};

inline constexpr size_t kMaxTitleChars = 128;
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr size_t kMaxContactChars = 64;
inline constexpr size_t kMaxReasonChars = 500;
inline constexpr size_t kMaxResolutionChars = 2000;

// "issues/7"; INVALID_ARGUMENT naming `field` for anything else.
std::string IssueName(int64_t id);
absl::StatusOr<int64_t> ParseIssueName(absl::string_view name, absl::string_view field);

// The fields a reporter gives (place, category, channel, title,
// description, contact), each checked with the field named
// ("issue.title: ..."). Places and people are checked by the core.
absl::Status ValidateReportedFields(const Issue& issue, absl::string_view prefix);

inline constexpr size_t kMaxExternalKeyChars = 64;

// What an imported issue (ImportIssues) must hold besides the reported
// fields: a state, a level its chain has, a report time (create_time) not
// after `now`, and what its state needs (see ImportedIssue in the proto),
// its times in order. Fills what may be left out: escalations (the levels
// climbed from the lowest) and, while open, the due time (`default_due`
// after the report). Each problem names its field.
absl::Status ValidateImportedIssue(Issue& issue, absl::Time now, absl::Duration default_due,
                                   absl::string_view prefix);

// A reason or a resolution: valid text, 1..max_chars characters.
absl::Status ValidateReason(absl::string_view text, absl::string_view field, size_t max_chars);

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_ISSUE_H_
