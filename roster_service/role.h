#ifndef GRASSROOTS_ROSTER_SERVICE_ROLE_H_
#define GRASSROOTS_ROSTER_SERVICE_ROLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "org_client/place.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/person.h"

namespace grassroots::roster {

// Values match the proto enum and the database.
enum class Role : int8_t {
  kUnspecified = 0,
  kSecretary = 1,
  kDeputySecretary = 2,
  kCommitteeMember = 3,
  kGroupLeader = 4,
  kFirstSecretary = 5,
  kWorkTeamMember = 6,
  kBuildingLead = 7,
  kGridWorker = 8,
  kMicroGridLiaison = 9,
  kPartyHousehold = 10,
  kVolunteer = 11,
  kOwnersCommitteeMember = 12,
  kPropertyContact = 13,
  kResidentRepresentative = 14,
  kPartyGroupMember = 15,
  kResidentsCommitteeDirector = 16,
  kResidentsCommitteeMember = 17,
  kWorkTeamLeader = 18,
};

bool IsValidRole(Role role);
absl::string_view RoleName(Role role);  // "BUILDING_LEAD"
std::optional<Role> ParseRoleName(absl::string_view name);

// The org service's places, as the roster names them.
using ::grassroots::org_client::ParsePlaceName;
using ::grassroots::org_client::Place;
using ::grassroots::org_client::PlaceFacts;
using ::grassroots::org_client::PlaceName;
using ::grassroots::org_client::PlaceRefusal;

// Checks that `role` may be held at `facts` (DOMAIN.md, "People and roles"):
// secretaries, deputies and committee members at a party organisation other
// than a party group; group leaders at a party group; first secretaries at a
// compound branch (branch, joint or general branch); building leads and
// party households at a building; work-team members, owners-committee members
// and property contacts at a compound; grid workers and resident
// representatives at a community or compound; micro-grid liaisons at a
// compound or building; volunteers at any unit below the district; party
// group members at a party group; residents' committee directors and
// members at a community; work-team leaders at a compound.
// INVALID_ARGUMENT naming `field` and saying where the role belongs;
// FAILED_PRECONDITION naming `field` when the place is deleted (DOMAIN.md:
// no role is held at a deleted unit).
absl::Status CheckRolePlace(Role role, const PlaceFacts& facts, absl::string_view field);

// Whether the role needs a full party member (secretaries, deputies,
// committee members, group leaders, first secretaries).
bool RoleNeedsFullMember(Role role);

// Whether the role needs a party member, full or probationary (party group
// members: probationary members belong to a group too).
bool RoleNeedsPartyMember(Role role);

// Only one current holder per place (one secretary per organisation).
bool RoleIsSingleHolder(Role role);

// The roles held by cadres seconded from an agency (first secretaries, work
// teams: 机关干部进小区): the ones that may carry a sending organisation.
bool RoleIsSeconded(Role role);

struct RoleAssignment {
  int64_t id = 0;
  int64_t person_id = 0;
  Role role = Role::kUnspecified;
  Place place;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;
  std::string note;
  // Seconded roles only: the external organisation (an agency) that sent
  // the holder, whose organisational relationship stays there; 0: none.
  int64_t sending_org_id = 0;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  // Held on `today`: started, and not ended yet.
  bool CurrentOn(absl::CivilDay today) const {
    return start_date <= today && (!end_date || *end_date > today);
  }
  bool operator==(const RoleAssignment&) const = default;
};

std::string RoleAssignmentName(int64_t id);  // "roleAssignments/9"
absl::StatusOr<int64_t> ParseRoleAssignmentName(absl::string_view name, absl::string_view field);

inline constexpr size_t kMaxNoteChars = 256;

// Checks an assignment's own fields: role, note, an end date not before
// the start, and a sending organisation only on a seconded role.
// INVALID_ARGUMENT naming `field_prefix` + the field.
absl::Status ValidateRoleAssignmentFields(const RoleAssignment& assignment,
                                          absl::string_view field_prefix);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROLE_H_
