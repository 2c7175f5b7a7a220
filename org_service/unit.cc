#include "org_service/unit.h"

#include <array>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/text.h"

namespace grassroots::org {
namespace {

constexpr std::array<absl::string_view, 6> kLevelNames = {
    "LEVEL_UNSPECIFIED", "DISTRICT", "STREET", "COMMUNITY", "COMPOUND", "BUILDING"};

constexpr std::array<absl::string_view, 6> kCompoundKindNames = {
    "KIND_UNSPECIFIED", "COMMODITY", "OLD", "RESETTLEMENT", "URBAN_VILLAGE", "RURAL_CONCENTRATED"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

absl::Status CheckRange(int64_t value, int64_t max, absl::string_view field) {
  if (value < 0 || value > max) {
    return Invalid(field, absl::StrCat("must be between 0 and ", max, "; got ", value));
  }
  return absl::OkStatus();
}

}  // namespace

bool IsValidLevel(Level level) { return level >= Level::kDistrict && level <= Level::kBuilding; }

absl::string_view LevelName(Level level) {
  const int i = static_cast<int>(level);
  return i >= 0 && i < static_cast<int>(kLevelNames.size()) ? kLevelNames[i] : "LEVEL_UNKNOWN";
}

std::optional<Level> ParseLevelName(absl::string_view name) {
  for (size_t i = 1; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<Level>(i);
  }
  return std::nullopt;
}

std::optional<CompoundKind> ParseCompoundKindName(absl::string_view name) {
  for (size_t i = 1; i < kCompoundKindNames.size(); ++i) {
    if (kCompoundKindNames[i] == name) return static_cast<CompoundKind>(i);
  }
  return std::nullopt;
}

std::string UnitName(int64_t id) { return FormatResourceName("units", id); }

absl::StatusOr<int64_t> ParseUnitName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "units", field);
}

absl::Status ValidateDisplayName(absl::string_view name, absl::string_view field) {
  return ValidateDisplayText(name, field, kMaxDisplayNameChars);
}

absl::Status ValidateCode(absl::string_view code, absl::string_view field) {
  if (code.empty()) return Invalid(field, "is required");
  if (code.size() > kMaxCodeLength) {
    return Invalid(field, absl::StrCat("is longer than ", kMaxCodeLength, " characters"));
  }
  for (char c : code) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_';
    if (!ok) return Invalid(field, "may hold only ASCII letters, digits, '-' and '_'");
  }
  return absl::OkStatus();
}

absl::Status ValidateDetails(Level level, const UnitDetails& details,
                             absl::string_view field_prefix) {
  if (const auto* compound = std::get_if<CompoundDetails>(&details)) {
    const std::string field = absl::StrCat(field_prefix, "compound");
    if (level != Level::kCompound) {
      return Invalid(field, absl::StrCat("is only for COMPOUND units, not ", LevelName(level)));
    }
    if (static_cast<int>(compound->kind) < 0 || static_cast<int>(compound->kind) > 5) {
      return Invalid(absl::StrCat(field, ".kind"), "is not a known kind");
    }
    if (static_cast<int>(compound->renovation_status) < 0 ||
        static_cast<int>(compound->renovation_status) > 4) {
      return Invalid(absl::StrCat(field, ".renovation_status"), "is not a known status");
    }
    if (static_cast<int>(compound->property_mode) < 0 ||
        static_cast<int>(compound->property_mode) > 3) {
      return Invalid(absl::StrCat(field, ".property_service.mode"), "is not a known mode");
    }
    if (static_cast<int>(compound->owners_body) < 0 ||
        static_cast<int>(compound->owners_body) > 2) {
      return Invalid(absl::StrCat(field, ".owners_body.kind"), "is not a known kind");
    }
    const bool company = compound->property_mode == PropertyMode::kCompany;
    // The flag follows the mode (NormalizeDetails); it may not claim a
    // company the mode says is not there.
    if (compound->property_mode != PropertyMode::kUnspecified && !company &&
        compound->has_property_company) {
      return Invalid(absl::StrCat(field, ".has_property_company"),
                     "contradicts property_service.mode");
    }
    if (!company && (compound->property_company_id != 0 || compound->contract_start ||
                     compound->contract_end)) {
      return Invalid(absl::StrCat(field, ".property_service"),
                     "company and contract dates are for mode COMPANY only");
    }
    if (compound->contract_start && compound->contract_end &&
        *compound->contract_end < *compound->contract_start) {
      return Invalid(absl::StrCat(field, ".property_service.contract_end_date"),
                     "is before the contract start");
    }
    if (compound->owners_body == OwnersBodyKind::kPropertyManagementCommittee &&
        compound->has_owners_committee) {
      return Invalid(absl::StrCat(field, ".has_owners_committee"), "contradicts owners_body.kind");
    }
    if (compound->owners_body == OwnersBodyKind::kNone &&
        (compound->owners_body_term_start || compound->owners_body_term_end)) {
      return Invalid(absl::StrCat(field, ".owners_body"), "term dates need a kind");
    }
    if (compound->owners_body_term_start && compound->owners_body_term_end &&
        *compound->owners_body_term_end < *compound->owners_body_term_start) {
      return Invalid(absl::StrCat(field, ".owners_body.term_end_date"), "is before the term start");
    }
    if (compound->red_property && !compound->has_property_company) {
      return Invalid(absl::StrCat(field, ".red_property"),
                     "needs has_property_company: only a property company can be red");
    }
    if (compound->red_owners_committee && !compound->has_owners_committee) {
      return Invalid(absl::StrCat(field, ".red_owners_committee"),
                     "needs has_owners_committee: only an owners committee can be red");
    }
    return CheckRange(compound->households, kMaxCompoundHouseholds,
                      absl::StrCat(field, ".households"));
  }
  if (const auto* building = std::get_if<BuildingDetails>(&details)) {
    const std::string field = absl::StrCat(field_prefix, "building");
    if (level != Level::kBuilding) {
      return Invalid(field, absl::StrCat("is only for BUILDING units, not ", LevelName(level)));
    }
    if (auto s = CheckRange(building->households, kMaxBuildingHouseholds,
                            absl::StrCat(field, ".households"));
        !s.ok()) {
      return s;
    }
    if (auto s = CheckRange(building->floors, kMaxBuildingFloors, absl::StrCat(field, ".floors"));
        !s.ok()) {
      return s;
    }
    return ValidateDisplayText(building->address, absl::StrCat(field, ".address"), kMaxAddressChars,
                               /*required=*/false);
  }
  return absl::OkStatus();
}

void NormalizeDetails(UnitDetails& details) {
  auto* compound = std::get_if<CompoundDetails>(&details);
  if (compound == nullptr) return;
  if (compound->property_mode != PropertyMode::kUnspecified) {
    compound->has_property_company = compound->property_mode == PropertyMode::kCompany;
  }
  if (compound->owners_body != OwnersBodyKind::kNone) {
    compound->has_owners_committee = compound->owners_body == OwnersBodyKind::kOwnersCommittee;
  }
}

absl::Status ValidateNewUnit(const Unit& unit, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (!IsValidLevel(unit.level)) {
    return Invalid(field("level"),
                   "is required: one of DISTRICT, STREET, COMMUNITY, COMPOUND, BUILDING");
  }
  if (unit.level == Level::kDistrict && unit.parent_id != 0) {
    return Invalid(field("parent"), "must be empty for a DISTRICT");
  }
  if (unit.level != Level::kDistrict && unit.parent_id == 0) {
    return Invalid(field("parent"), absl::StrCat("is required for a ", LevelName(unit.level)));
  }
  if (auto s = ValidateDisplayName(unit.display_name, field("display_name")); !s.ok()) return s;
  if (auto s = ValidateCode(unit.code, field("code")); !s.ok()) return s;
  return ValidateDetails(unit.level, unit.details, field_prefix);
}

}  // namespace grassroots::org
