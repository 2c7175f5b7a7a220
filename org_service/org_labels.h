#ifndef GRASSROOTS_ORG_SERVICE_ORG_LABELS_H_
#define GRASSROOTS_ORG_SERVICE_ORG_LABELS_H_

// The Chinese label of each value of a domain enum: one table per enum,
// beside the enum's domain, read by everything that shows a value to people
// (the audit's messages) or reads one from them (the CSV import). The
// words are those of ../shared/DOMAIN.md.
//
// Labels<Enum>() is the table; Label(value) and ParseLabel<Enum>(text) read
// it. A value may have other spellings that are still read (an older label
// a stored file may carry) but never written. No two values share a
// spelling. kUnspecified has no label.
//
// This header holds the tables of the org domain (Level, CompoundKind,
// RenovationStatus, OrgForm, Rating, ExternalOrgKind and the alliances');
// roster_service/roster_labels.h those of the roster domain. Thread-safe: the tables are constants.

#include <array>
#include <optional>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots {

// One value of `Enum` in Chinese.
template <typename Enum>
struct EnumLabel {
  Enum value;
  // What is written: "街道".
  absl::string_view label;
  // Also read, never written; empty slots are unused.
  std::array<absl::string_view, 2> aliases = {};
};

// The table of `Enum`, in the enum's order; specialised beside each enum.
template <typename Enum>
absl::Span<const EnumLabel<Enum>> Labels();

// The label of `value`; empty for kUnspecified and values not in the table.
template <typename Enum>
absl::string_view Label(Enum value) {
  for (const EnumLabel<Enum>& entry : Labels<Enum>()) {
    if (entry.value == value) return entry.label;
  }
  return {};
}

// The value whose label or alias is exactly `text`; nullopt for none.
template <typename Enum>
std::optional<Enum> ParseLabel(absl::string_view text) {
  if (text.empty()) return std::nullopt;
  for (const EnumLabel<Enum>& entry : Labels<Enum>()) {
    if (entry.label == text) return entry.value;
    for (absl::string_view alias : entry.aliases) {
      if (alias == text) return entry.value;
    }
  }
  return std::nullopt;
}

template <>
absl::Span<const EnumLabel<org::Level>> Labels<org::Level>();
template <>
absl::Span<const EnumLabel<org::CompoundKind>> Labels<org::CompoundKind>();
template <>
absl::Span<const EnumLabel<org::RenovationStatus>> Labels<org::RenovationStatus>();
template <>
absl::Span<const EnumLabel<org::OrgForm>> Labels<org::OrgForm>();
template <>
absl::Span<const EnumLabel<org::Rating>> Labels<org::Rating>();
template <>
absl::Span<const EnumLabel<org::ExternalOrgKind>> Labels<org::ExternalOrgKind>();
template <>
absl::Span<const EnumLabel<org::AllianceKind>> Labels<org::AllianceKind>();
template <>
absl::Span<const EnumLabel<org::AllianceMemberRole>> Labels<org::AllianceMemberRole>();
template <>
absl::Span<const EnumLabel<org::ItemKind>> Labels<org::ItemKind>();

}  // namespace grassroots

#endif  // GRASSROOTS_ORG_SERVICE_ORG_LABELS_H_
