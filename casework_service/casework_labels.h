#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_LABELS_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_LABELS_H_

// The Chinese labels of the casework domain's enums, read with Label(value)
// and ParseLabel<Enum>(text) as org_service/org_labels.h describes.

#include "absl/types/span.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "org_service/org_labels.h"

namespace grassroots {

template <>
absl::Span<const EnumLabel<casework::HandlingLevel>> Labels<casework::HandlingLevel>();
template <>
absl::Span<const EnumLabel<casework::Category>> Labels<casework::Category>();
template <>
absl::Span<const EnumLabel<casework::Channel>> Labels<casework::Channel>();
template <>
absl::Span<const EnumLabel<casework::Satisfaction>> Labels<casework::Satisfaction>();
template <>
absl::Span<const EnumLabel<casework::IssueState>> Labels<casework::IssueState>();
template <>
absl::Span<const EnumLabel<casework::DispatchState>> Labels<casework::DispatchState>();

}  // namespace grassroots

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_LABELS_H_
