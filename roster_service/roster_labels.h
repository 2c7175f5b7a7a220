#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_LABELS_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_LABELS_H_

// The Chinese labels of the roster domain's enums (Gender, PartyStatus,
// MemberCategory, Role): the tables, read with Label(value) and
// ParseLabel<Enum>(text) as org_service/org_labels.h describes.

#include "absl/types/span.h"
#include "org_service/org_labels.h"
#include "roster_service/person.h"
#include "roster_service/role.h"

namespace grassroots {

template <>
absl::Span<const EnumLabel<roster::Gender>> Labels<roster::Gender>();
template <>
absl::Span<const EnumLabel<roster::PartyStatus>> Labels<roster::PartyStatus>();
template <>
absl::Span<const EnumLabel<roster::MemberCategory>> Labels<roster::MemberCategory>();
template <>
absl::Span<const EnumLabel<roster::Role>> Labels<roster::Role>();

}  // namespace grassroots

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_LABELS_H_
