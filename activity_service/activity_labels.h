#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_LABELS_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_LABELS_H_

// The Chinese labels of the activity domain's enums, read with Label(value)
// and ParseLabel<Enum>(text) as org_service/org_labels.h describes.

#include "absl/types/span.h"
#include "activity_service/activity.h"
#include "activity_service/attendance.h"
#include "activity_service/service_point.h"
#include "org_service/org_labels.h"

namespace grassroots {

template <>
absl::Span<const EnumLabel<activity::ActivityKind>> Labels<activity::ActivityKind>();
template <>
absl::Span<const EnumLabel<activity::ActivityState>> Labels<activity::ActivityState>();
template <>
absl::Span<const EnumLabel<activity::AttendeeKind>> Labels<activity::AttendeeKind>();
template <>
absl::Span<const EnumLabel<activity::ServicePointKind>> Labels<activity::ServicePointKind>();

}  // namespace grassroots

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_LABELS_H_
