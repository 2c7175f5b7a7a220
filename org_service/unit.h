#ifndef GRASSROOTS_ORG_SERVICE_UNIT_H_
#define GRASSROOTS_ORG_SERVICE_UNIT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/etag.h"

namespace grassroots::org {

// Administrative levels, top down. The values match the proto enum and the
// database, so never renumber them.
enum class Level : int8_t {
  kUnspecified = 0,
  kDistrict = 1,
  kStreet = 2,
  kCommunity = 3,
  kCompound = 4,
  kBuilding = 5,
};
inline constexpr int kLevelCount = 5;  // kDistrict..kBuilding

bool IsValidLevel(Level level);
absl::string_view LevelName(Level level);  // "STREET"
std::optional<Level> ParseLevelName(absl::string_view name);
// A unit's parent is exactly one level up; a district has no parent.
inline bool IsParentLevel(Level parent, Level child) {
  return static_cast<int>(parent) + 1 == static_cast<int>(child) && parent != Level::kUnspecified &&
         child <= Level::kBuilding;
}
// 0 for kDistrict .. 4 for kBuilding; for array indexing.
inline int LevelIndex(Level level) { return static_cast<int>(level) - 1; }

enum class CompoundKind : int8_t {
  kUnspecified = 0,
  kCommodity = 1,
  kOld = 2,
  kResettlement = 3,
  kUrbanVillage = 4,
  kRuralConcentrated = 5,
};
std::optional<CompoundKind> ParseCompoundKindName(absl::string_view name);

enum class RenovationStatus : int8_t {
  kUnspecified = 0,
  kNotNeeded = 1,
  kPlanned = 2,
  kInProgress = 3,
  kCompleted = 4,
};

// How a compound is managed (物业服务). Values match the proto and the
// database.
enum class PropertyMode : int8_t {
  kUnspecified = 0,  // not recorded
  kCompany = 1,      // a property company (物业企业), under contract
  kSelfManaged = 2,  // the owners manage it themselves (自管)
  kNone = 3,         // no property management (无物业)
};

// The owners' body of a compound: an owners committee (业主委员会) elected
// by the owners' assembly, or, where none could be formed, a property
// management committee (物业管理委员会, 物管会) set up by the street.
enum class OwnersBodyKind : int8_t {
  kNone = 0,
  kOwnersCommittee = 1,
  kPropertyManagementCommittee = 2,
};

struct CompoundDetails {
  CompoundKind kind = CompoundKind::kUnspecified;
  // With property_mode set, has_property_company follows it (COMPANY);
  // without, it is what the caller said (data from before the mode).
  bool has_property_company = false;
  bool red_property = false;
  // With owners_body set, has_owners_committee follows it.
  bool has_owners_committee = false;
  bool red_owners_committee = false;
  int32_t households = 0;
  RenovationStatus renovation_status = RenovationStatus::kUnspecified;
  PropertyMode property_mode = PropertyMode::kUnspecified;
  int64_t property_company_id = 0;  // externalOrgs/{id}, with kCompany; 0: none named
  std::optional<absl::CivilDay> contract_start;
  std::optional<absl::CivilDay> contract_end;
  OwnersBodyKind owners_body = OwnersBodyKind::kNone;
  std::optional<absl::CivilDay> owners_body_term_start;
  std::optional<absl::CivilDay> owners_body_term_end;

  bool operator==(const CompoundDetails&) const = default;
};

struct BuildingDetails {
  int32_t households = 0;
  int32_t floors = 0;
  std::string address;

  bool operator==(const BuildingDetails&) const = default;
};

using UnitDetails = std::variant<std::monostate, CompoundDetails, BuildingDetails>;

// One administrative unit. Ids are positive; parent_id is 0 for a district.
struct Unit {
  int64_t id = 0;
  int64_t parent_id = 0;
  Level level = Level::kUnspecified;
  std::string display_name;
  std::string code;
  UnitDetails details;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  // Set while deleted; delete_revision is the revision of the deletion, so
  // that a cascading undelete restores exactly what went with it.
  bool deleted = false;
  absl::Time delete_time = absl::UnixEpoch();
  int64_t delete_revision = 0;
  // The revision of the unit's last change.
  int64_t revision = 0;

  bool operator==(const Unit&) const = default;
};

std::string UnitName(int64_t id);  // "units/42"
// Parses "units/{id}"; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseUnitName(absl::string_view name, absl::string_view field);

// Etags are the suite's (common/etag.h), named here too for the org code
// that has always called them org::.
using ::grassroots::CheckEtag;
using ::grassroots::EtagForRevision;

// Limits shared by validation and documentation.
inline constexpr size_t kMaxDisplayNameChars = 128;
inline constexpr size_t kMaxCodeLength = 32;
inline constexpr size_t kMaxAddressChars = 256;
inline constexpr int32_t kMaxCompoundHouseholds = 1000000;
inline constexpr int32_t kMaxBuildingHouseholds = 10000;
inline constexpr int32_t kMaxBuildingFloors = 200;

// Checks the fields a client supplies for a new unit, without looking at
// other units: level, parent presence, display name, code, details. Returns
// INVALID_ARGUMENT with the field path (prefixed by `field_prefix`, e.g.
// "unit.") in the message.
absl::Status ValidateNewUnit(const Unit& unit, absl::string_view field_prefix);

// The same checks for fields that Update may change.
absl::Status ValidateDisplayName(absl::string_view name, absl::string_view field);
absl::Status ValidateCode(absl::string_view code, absl::string_view field);
absl::Status ValidateDetails(Level level, const UnitDetails& details,
                             absl::string_view field_prefix);

// Makes a compound's flags follow its property mode and owners body where
// those are recorded (has_property_company, has_owners_committee), so that
// old clients that read only the flags see the truth. Call before
// ValidateDetails, which refuses a flag that contradicts them.
void NormalizeDetails(UnitDetails& details);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_UNIT_H_
