#ifndef GRASSROOTS_ORG_SERVICE_ALLIANCE_H_
#define GRASSROOTS_ORG_SERVICE_ALLIANCE_H_

// Alliances and their three lists.
//
// Seed 002's "1+4+X" joins, at one compound, its party branch (the "1"),
// residents' representatives, party members' representatives, the owners
// committee and the property company (the "4"), and co-building agencies,
// nearby enterprises and social organisations (the "X"). Seed 003's
// neighbourhood party alliances (近邻党建联盟, 67 in Zhangping) join a
// community or street with the enterprises and schools around it. Both keep
// three lists (资源、需求、责任"三张清单"): what members offer, what residents
// need and who answers for what; a member organisation claims an item
// (主动认领) and reports it done.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace grassroots::org {

// Values match the proto enums and the database; never renumber them.
enum class AllianceKind : int8_t {
  kUnspecified = 0,
  kCompound = 1,       // "1+4+X" of a COMPOUND, led by its branch
  kNeighbourhood = 2,  // 近邻党建联盟 of a COMMUNITY or STREET
};

enum class AllianceState : int8_t { kUnspecified = 0, kActive = 1, kDissolved = 2 };

// What a member is in the alliance. The leading party organisation (the
// "1") is the alliance's own field, not a member.
enum class AllianceMemberRole : int8_t {
  kUnspecified = 0,
  // The "4". The representatives and the owners committee are groups of
  // people, named by display_name, not resources.
  kResidentRepresentatives = 1,
  kPartyMemberRepresentatives = 2,
  kOwnersCommittee = 3,
  kPropertyCompany = 4,  // an external organisation of kind PROPERTY_COMPANY
  // The "X": external organisations of the district's directory.
  kCoBuildingUnit = 5,  // 共建单位: agencies, schools, hospitals
  kEnterprise = 6,
  kSocialOrganisation = 7,
  kOther = 8,
};

absl::string_view AllianceKindName(AllianceKind kind);  // "COMPOUND"
std::optional<AllianceKind> ParseAllianceKindName(absl::string_view name);
absl::string_view AllianceStateName(AllianceState state);
std::optional<AllianceState> ParseAllianceStateName(absl::string_view name);
absl::string_view AllianceMemberRoleName(AllianceMemberRole role);  // "PROPERTY_COMPANY"
std::optional<AllianceMemberRole> ParseAllianceMemberRoleName(absl::string_view name);

// Whether a member of `role` is an external organisation (else a group of
// people named by its display name).
bool MemberRoleNamesExternalOrg(AllianceMemberRole role);

struct AllianceMember {
  AllianceMemberRole role = AllianceMemberRole::kUnspecified;
  int64_t external_org_id = 0;  // for the roles that name one; 0 otherwise
  // Required for the groups ("居民代表5人"); an optional note for an
  // organisation (its contact office).
  std::string display_name;

  bool operator==(const AllianceMember&) const = default;
};

inline constexpr size_t kMaxAllianceMembers = 100;

struct Alliance {
  int64_t id = 0;
  AllianceKind kind = AllianceKind::kUnspecified;
  int64_t unit_id = 0;               // immutable: a COMPOUND, or a COMMUNITY or STREET
  int64_t leading_party_org_id = 0;  // the "1": a live organisation covering the unit
  std::string display_name;
  std::vector<AllianceMember> members;
  AllianceState state = AllianceState::kActive;
  std::optional<absl::CivilDay> established_date;
  std::optional<absl::CivilDay> dissolved_date;  // set by Dissolve
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  bool deleted = false;
  absl::Time delete_time = absl::UnixEpoch();
  int64_t delete_revision = 0;
  int64_t revision = 0;

  bool operator==(const Alliance&) const = default;
};

std::string AllianceName(int64_t id);  // "alliances/3"
absl::StatusOr<int64_t> ParseAllianceName(absl::string_view name, absl::string_view field);

// Checks an alliance's own fields: kind, display name, the members (roles,
// an organisation for the roles that need one and none for the others, a
// name for the groups, no organisation twice, at most kMaxAllianceMembers;
// no ID-card or mobile number in any name) and the established date. INVALID_ARGUMENT naming
// `field_prefix` + the field. The level of the unit and the organisations named are checked by the
// core, which knows them.
absl::Status ValidateAllianceFields(const Alliance& alliance, absl::string_view field_prefix);

// The unit levels an alliance of `kind` may sit at, for messages:
// "COMPOUND" or "COMMUNITY or STREET".
absl::string_view AllianceUnitLevels(AllianceKind kind);

enum class ItemKind : int8_t {
  kUnspecified = 0,
  kResource = 1,        // 资源: what a member offers
  kNeed = 2,            // 需求: what residents need
  kResponsibility = 3,  // 责任: what a member answers for
};

enum class ItemState : int8_t { kUnspecified = 0, kOpen = 1, kClaimed = 2, kDone = 3 };

absl::string_view ItemKindName(ItemKind kind);  // "NEED"
std::optional<ItemKind> ParseItemKindName(absl::string_view name);
absl::string_view ItemStateName(ItemState state);  // "CLAIMED"
std::optional<ItemState> ParseItemStateName(absl::string_view name);

// One entry of an alliance's three lists. Ids are unique across alliances;
// the name still carries the alliance ("alliances/3/items/9").
struct AllianceItem {
  int64_t id = 0;
  int64_t alliance_id = 0;
  // The alliance's unit (immutable there), kept so that an item shows where
  // it belongs without its alliance.
  int64_t unit_id = 0;
  ItemKind kind = ItemKind::kUnspecified;
  std::string title;
  // Free text, which may mention residents: ID-card and mobile numbers in it
  // are masked for callers without the personal-data grant.
  std::string description;
  ItemState state = ItemState::kOpen;
  // Who claimed it: a member external organisation, or the leading party
  // organisation (exactly one once CLAIMED).
  int64_t claimed_by_external_org_id = 0;
  int64_t claimed_by_party_org_id = 0;
  std::string result;  // what was done, given with Complete
  absl::Time claim_time = absl::UnixEpoch();
  absl::Time done_time = absl::UnixEpoch();
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const AllianceItem&) const = default;
};

std::string AllianceItemName(int64_t alliance_id, int64_t id);  // "alliances/3/items/9"
struct AllianceItemId {
  int64_t alliance_id = 0;
  int64_t id = 0;
};
absl::StatusOr<AllianceItemId> ParseAllianceItemName(absl::string_view name,
                                                     absl::string_view field);

inline constexpr size_t kMaxItemDescriptionChars = 2000;
inline constexpr size_t kMaxItemResultChars = 500;

// Checks an item's own fields (kind, title, description); a title may not
// hold an ID-card or mobile number. INVALID_ARGUMENT naming `field_prefix` +
// the field.
absl::Status ValidateAllianceItemFields(const AllianceItem& item, absl::string_view field_prefix);

// OPEN → CLAIMED → DONE. FAILED_PRECONDITION naming `name` and its current
// state for any other step.
absl::Status CheckItemTransition(const AllianceItem& item, ItemState to, absl::string_view name);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ALLIANCE_H_
