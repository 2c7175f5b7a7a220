#include "org_service/alliance.h"

#include <array>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/enum_names.h"
#include "common/personal_data.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {
namespace {

constexpr std::array<absl::string_view, 3> kKindNames = {"KIND_UNSPECIFIED", "COMPOUND",
                                                         "NEIGHBOURHOOD"};
constexpr std::array<absl::string_view, 3> kStateNames = {"STATE_UNSPECIFIED", "ACTIVE",
                                                          "DISSOLVED"};
constexpr std::array<absl::string_view, 9> kRoleNames = {
    "ROLE_UNSPECIFIED", "RESIDENT_REPRESENTATIVES", "PARTY_MEMBER_REPRESENTATIVES",
    "OWNERS_COMMITTEE", "PROPERTY_COMPANY",         "CO_BUILDING_UNIT",
    "ENTERPRISE",       "SOCIAL_ORGANISATION",      "OTHER"};
constexpr std::array<absl::string_view, 4> kItemKindNames = {"KIND_UNSPECIFIED", "RESOURCE", "NEED",
                                                             "RESPONSIBILITY"};
constexpr std::array<absl::string_view, 4> kItemStateNames = {"STATE_UNSPECIFIED", "OPEN",
                                                              "CLAIMED", "DONE"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// Names are shown to every reader of the alliance and filtered on, masked
// for no one: a number in one could be read, or found by guessing.
absl::Status RefusePersonalData(absl::string_view text, absl::string_view field) {
  if (!ContainsPersonalData(text)) return absl::OkStatus();
  return Invalid(field, "must not hold an ID-card or mobile number");
}

absl::Status ValidateMembers(const std::vector<AllianceMember>& members,
                             absl::string_view field_prefix) {
  if (members.size() > kMaxAllianceMembers) {
    return Invalid(absl::StrCat(field_prefix, "members"),
                   absl::StrCat("at most ", kMaxAllianceMembers, " members"));
  }
  absl::flat_hash_set<int64_t> seen;
  for (size_t i = 0; i < members.size(); ++i) {
    const AllianceMember& m = members[i];
    const auto field = [&](absl::string_view name) {
      return absl::StrCat(field_prefix, "members[", i, "].", name);
    };
    if (m.role == AllianceMemberRole::kUnspecified ||
        static_cast<int>(m.role) >= static_cast<int>(kRoleNames.size())) {
      return Invalid(field("role"),
                     "is required: one of RESIDENT_REPRESENTATIVES, PARTY_MEMBER_REPRESENTATIVES, "
                     "OWNERS_COMMITTEE, PROPERTY_COMPANY, CO_BUILDING_UNIT, ENTERPRISE, "
                     "SOCIAL_ORGANISATION, OTHER");
    }
    if (MemberRoleNamesExternalOrg(m.role)) {
      if (m.external_org_id == 0) {
        return Invalid(field("external_org"),
                       absl::StrCat("is required for a ", AllianceMemberRoleName(m.role)));
      }
      if (!seen.insert(m.external_org_id).second) {
        return Invalid(field("external_org"), "names an organisation that is already a member");
      }
      RETURN_IF_ERROR(ValidateDisplayText(m.display_name, field("display_name"),
                                          kMaxDisplayNameChars, /*required=*/false));
    } else {
      if (m.external_org_id != 0) {
        return Invalid(field("external_org"),
                       absl::StrCat("must be empty for ", AllianceMemberRoleName(m.role),
                                    ": a group of people, named by display_name"));
      }
      RETURN_IF_ERROR(ValidateDisplayName(m.display_name, field("display_name")));
    }
    RETURN_IF_ERROR(RefusePersonalData(m.display_name, field("display_name")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view AllianceKindName(AllianceKind kind) { return EnumName(kKindNames, kind); }
std::optional<AllianceKind> ParseAllianceKindName(absl::string_view name) {
  return ParseEnumName<AllianceKind>(kKindNames, name);
}
absl::string_view AllianceStateName(AllianceState state) { return EnumName(kStateNames, state); }
std::optional<AllianceState> ParseAllianceStateName(absl::string_view name) {
  return ParseEnumName<AllianceState>(kStateNames, name);
}
absl::string_view AllianceMemberRoleName(AllianceMemberRole role) {
  return EnumName(kRoleNames, role);
}
std::optional<AllianceMemberRole> ParseAllianceMemberRoleName(absl::string_view name) {
  return ParseEnumName<AllianceMemberRole>(kRoleNames, name);
}
absl::string_view ItemKindName(ItemKind kind) { return EnumName(kItemKindNames, kind); }
std::optional<ItemKind> ParseItemKindName(absl::string_view name) {
  return ParseEnumName<ItemKind>(kItemKindNames, name);
}
absl::string_view ItemStateName(ItemState state) { return EnumName(kItemStateNames, state); }
std::optional<ItemState> ParseItemStateName(absl::string_view name) {
  return ParseEnumName<ItemState>(kItemStateNames, name);
}

bool MemberRoleNamesExternalOrg(AllianceMemberRole role) {
  return role >= AllianceMemberRole::kPropertyCompany;
}

absl::string_view AllianceUnitLevels(AllianceKind kind) {
  return kind == AllianceKind::kCompound ? "COMPOUND" : "COMMUNITY or STREET";
}

std::string AllianceName(int64_t id) { return FormatResourceName("alliances", id); }

absl::StatusOr<int64_t> ParseAllianceName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "alliances", field);
}

std::string AllianceItemName(int64_t alliance_id, int64_t id) {
  return absl::StrCat(AllianceName(alliance_id), "/", FormatResourceName("items", id));
}

absl::StatusOr<AllianceItemId> ParseAllianceItemName(absl::string_view name,
                                                     absl::string_view field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "alliances" || parts[2] != "items") {
    return Invalid(field, name.empty() ? "is required" : "must be alliances/{id}/items/{id}");
  }
  AllianceItemId id;
  ASSIGN_OR_RETURN(id.alliance_id,
                   ParseResourceName(absl::StrCat(parts[0], "/", parts[1]), "alliances", field));
  ASSIGN_OR_RETURN(id.id, ParseResourceName(absl::StrCat(parts[2], "/", parts[3]), "items", field));
  return id;
}

absl::Status ValidateAllianceFields(const Alliance& alliance, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (alliance.kind != AllianceKind::kCompound && alliance.kind != AllianceKind::kNeighbourhood) {
    return Invalid(field("kind"),
                   "is required: COMPOUND (\"1+4+X\") or NEIGHBOURHOOD (近邻党建联盟)");
  }
  RETURN_IF_ERROR(ValidateDisplayName(alliance.display_name, field("display_name")));
  RETURN_IF_ERROR(RefusePersonalData(alliance.display_name, field("display_name")));
  if (alliance.established_date) {
    RETURN_IF_ERROR(ValidateCivilDay(*alliance.established_date, field("established_date")));
  }
  return ValidateMembers(alliance.members, field_prefix);
}

absl::Status ValidateAllianceItemFields(const AllianceItem& item, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (item.kind != ItemKind::kResource && item.kind != ItemKind::kNeed &&
      item.kind != ItemKind::kResponsibility) {
    return Invalid(field("kind"), "is required: RESOURCE, NEED or RESPONSIBILITY");
  }
  RETURN_IF_ERROR(ValidateDisplayName(item.title, field("title")));
  // Titles are listed and filtered on (`title : "..."`) by callers without
  // the personal-data grant, so a number in one could be found by guessing;
  // the description, which is masked, is the place for it.
  if (ContainsPersonalData(item.title)) {
    return Invalid(field("title"),
                   "must not hold an ID-card or mobile number; put it in the description");
  }
  return ValidateDisplayText(item.description, field("description"), kMaxItemDescriptionChars,
                             /*required=*/false);
}

absl::Status CheckItemTransition(const AllianceItem& item, ItemState to, absl::string_view name) {
  const bool allowed = (item.state == ItemState::kOpen && to == ItemState::kClaimed) ||
                       (item.state == ItemState::kClaimed && to == ItemState::kDone);
  if (allowed) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(name, " is ", ItemStateName(item.state), "; only ",
                   to == ItemState::kClaimed ? "an OPEN item can be claimed"
                                             : "a CLAIMED item can be completed"));
}

}  // namespace grassroots::org
