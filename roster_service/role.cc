#include "roster_service/role.h"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "roster_service/membership.h"

namespace grassroots::roster {
namespace {

using org::Level;
using org::OrgForm;

constexpr std::array<absl::string_view, 19> kRoleNames = {
    "ROLE_UNSPECIFIED",
    "SECRETARY",
    "DEPUTY_SECRETARY",
    "COMMITTEE_MEMBER",
    "GROUP_LEADER",
    "FIRST_SECRETARY",
    "WORK_TEAM_MEMBER",
    "BUILDING_LEAD",
    "GRID_WORKER",
    "MICRO_GRID_LIAISON",
    "PARTY_HOUSEHOLD",
    "VOLUNTEER",
    "OWNERS_COMMITTEE_MEMBER",
    "PROPERTY_CONTACT",
    "RESIDENT_REPRESENTATIVE",
    "PARTY_GROUP_MEMBER",
    "RESIDENTS_COMMITTEE_DIRECTOR",
    "RESIDENTS_COMMITTEE_MEMBER",
    "WORK_TEAM_LEADER",
};
static_assert(kRoleNames.size() == static_cast<size_t>(Role::kWorkTeamLeader) + 1);

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Where a role may be held: the unit levels and the party organisation
// forms that take it, as bit sets indexed by the enum values. A role is
// held at units or at party organisations, never both.
struct PlaceRule {
  uint32_t levels = 0;
  uint32_t forms = 0;
};

template <typename Enum>
constexpr uint32_t Bits(std::initializer_list<Enum> values) {
  uint32_t bits = 0;
  for (Enum value : values) bits |= uint32_t{1} << static_cast<int>(value);
  return bits;
}

template <typename Enum>
constexpr bool Has(uint32_t bits, Enum value) {
  const int i = static_cast<int>(value);
  return i >= 0 && i < 32 && (bits >> i & 1) != 0;
}

constexpr PlaceRule AtUnits(std::initializer_list<Level> levels) { return {Bits(levels), 0}; }
constexpr PlaceRule AtOrgs(std::initializer_list<OrgForm> forms) { return {0, Bits(forms)}; }

// DOMAIN.md, "People and roles". First secretaries are sent to compounds,
// so they serve the branch forms that cover compounds by territory; a
// functional branch is formed by purpose (org::IsTerritorial) and gets none.
PlaceRule PlaceRuleFor(Role role) {
  switch (role) {
    case Role::kSecretary:
    case Role::kDeputySecretary:
    case Role::kCommitteeMember:
      return AtOrgs({OrgForm::kWorkingCommittee, OrgForm::kPartyCommittee, OrgForm::kGeneralBranch,
                     OrgForm::kBranch, OrgForm::kJointBranch, OrgForm::kFunctionalBranch});
    case Role::kGroupLeader:
    case Role::kPartyGroupMember:
      return AtOrgs({OrgForm::kPartyGroup});
    case Role::kResidentsCommitteeDirector:
    case Role::kResidentsCommitteeMember:
      return AtUnits({Level::kCommunity});
    case Role::kFirstSecretary:
      return AtOrgs({OrgForm::kGeneralBranch, OrgForm::kBranch, OrgForm::kJointBranch});
    case Role::kBuildingLead:
    case Role::kPartyHousehold:
      return AtUnits({Level::kBuilding});
    case Role::kWorkTeamMember:
    case Role::kWorkTeamLeader:
    case Role::kOwnersCommitteeMember:
    case Role::kPropertyContact:
      return AtUnits({Level::kCompound});
    case Role::kGridWorker:
    case Role::kResidentRepresentative:
      return AtUnits({Level::kCommunity, Level::kCompound});
    case Role::kMicroGridLiaison:
      return AtUnits({Level::kCompound, Level::kBuilding});
    case Role::kVolunteer:
      return AtUnits({Level::kStreet, Level::kCommunity, Level::kCompound, Level::kBuilding});
    case Role::kUnspecified:
      break;
  }
  return {};
}

// "GENERAL_BRANCH, BRANCH or JOINT_BRANCH": the names of the values in `bits`.
template <typename Enum>
std::string NameList(uint32_t bits, absl::string_view (*name_of)(Enum)) {
  std::vector<absl::string_view> names;
  for (int i = 0; i < 32; ++i) {
    if (Has(bits, i)) names.push_back(name_of(static_cast<Enum>(i)));
  }
  if (names.size() <= 1) return absl::StrJoin(names, "");
  return absl::StrCat(absl::StrJoin(names.begin(), names.end() - 1, ", "), " or ", names.back());
}

// Generated from the rule, so that the message cannot disagree with the
// check.
std::string DescribeRule(const PlaceRule& rule) {
  return rule.forms != 0
             ? absl::StrCat("a party organisation of form ", NameList(rule.forms, org::FormName))
             : absl::StrCat("a unit of level ", NameList(rule.levels, org::LevelName));
}

std::string DescribePlace(const PlaceFacts& facts) {
  return facts.place.kind == Place::Kind::kPartyOrg
             ? absl::StrCat("a ", org::FormName(facts.form))
             : absl::StrCat("a ", org::LevelName(facts.level), " unit");
}

bool RuleAllows(const PlaceRule& rule, const PlaceFacts& facts) {
  return facts.place.kind == Place::Kind::kPartyOrg ? Has(rule.forms, facts.form)
                                                    : Has(rule.levels, facts.level);
}

}  // namespace

bool IsValidRole(Role role) { return role >= Role::kSecretary && role <= Role::kWorkTeamLeader; }

absl::string_view RoleName(Role role) {
  return IsValidRole(role) || role == Role::kUnspecified ? kRoleNames[static_cast<int>(role)]
                                                         : "ROLE_UNKNOWN";
}

std::optional<Role> ParseRoleName(absl::string_view name) {
  for (size_t i = 1; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

absl::Status CheckRolePlace(Role role, const PlaceFacts& facts, absl::string_view field) {
  if (facts.deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", PlaceName(facts.place), " is deleted"));
  }
  const PlaceRule rule = PlaceRuleFor(role);
  if (rule.levels == 0 && rule.forms == 0) {
    return Invalid(field, absl::StrCat("no place takes role ", RoleName(role)));
  }
  if (RuleAllows(rule, facts)) return absl::OkStatus();
  return Invalid(field, absl::StrCat(RoleName(role), " is held at ", DescribeRule(rule), "; ",
                                     PlaceName(facts.place), " is ", DescribePlace(facts)));
}

bool RoleNeedsFullMember(Role role) {
  switch (role) {
    case Role::kSecretary:
    case Role::kDeputySecretary:
    case Role::kCommitteeMember:
    case Role::kGroupLeader:
    case Role::kFirstSecretary:
      return true;
    default:
      return false;
  }
}

bool RoleIsSeconded(Role role) {
  return role == Role::kFirstSecretary || role == Role::kWorkTeamMember ||
         role == Role::kWorkTeamLeader;
}

bool RoleNeedsPartyMember(Role role) {
  return RoleNeedsFullMember(role) || role == Role::kPartyGroupMember;
}

bool RoleIsSingleHolder(Role role) {
  // The roles that lead: one secretary per organisation, one leader per
  // party group, one first secretary per compound branch, one director per
  // residents' committee, one leader per work team. Deputies and members
  // come in numbers.
  return role == Role::kSecretary || role == Role::kGroupLeader || role == Role::kFirstSecretary ||
         role == Role::kResidentsCommitteeDirector || role == Role::kWorkTeamLeader;
}

std::string RoleAssignmentName(int64_t id) { return FormatResourceName("roleAssignments", id); }

absl::StatusOr<int64_t> ParseRoleAssignmentName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "roleAssignments", field);
}

absl::Status ValidateRoleAssignmentFields(const RoleAssignment& assignment,
                                          absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (!IsValidRole(assignment.role)) {
    return Invalid(field("role"),
                   absl::StrCat("is required: one of ",
                                absl::StrJoin(kRoleNames.begin() + 1, kRoleNames.end(), ", ")));
  }
  RETURN_IF_ERROR(
      ValidateDisplayText(assignment.note, field("note"), kMaxNoteChars, /*required=*/false));
  if (assignment.sending_org_id != 0 && !RoleIsSeconded(assignment.role)) {
    return Invalid(field("sending_org"),
                   absl::StrCat("is for seconded roles (FIRST_SECRETARY, WORK_TEAM_MEMBER, "
                                "WORK_TEAM_LEADER), not ",
                                RoleName(assignment.role)));
  }
  if (assignment.end_date) {
    return CheckPeriod(assignment.start_date, *assignment.end_date, field("end_date"));
  }
  return absl::OkStatus();
}

}  // namespace grassroots::roster
