#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_PROTO_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_PROTO_H_

// Conversion between the activity protos and the domain types; the only
// place that knows both. Personal data is redacted here, on the way out,
// unless the caller may see it.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "activity_service/activity_event.h"
#include "grassroots/activity/v1/activity_service.pb.h"
#include "grassroots/activity/v1/resources.pb.h"

namespace grassroots::activity {

// How a caller sees resources: without `unmask_personal_data`, ID-card and
// mobile numbers in free text (an activity's theme, description and
// reason, an attendance line's key, a redemption's reason, a service
// point's address) are redacted.
struct View {
  bool unmask_personal_data = false;
};

void ActivityToProto(const Activity& activity, const View& view, v1::Activity* proto);
void AttendanceToProto(const Attendance& attendance, const View& view, v1::Attendance* proto);
void CreditEntryToProto(const CreditEntry& entry, const View& view, v1::CreditEntry* proto);
// The account with the totals of `period` (period, period_earned,
// period_redeemed). An account without entries has no update_time.
void CreditAccountToProto(const CreditAccount& account, const CreditPeriod& period,
                          v1::CreditAccount* proto);
void ServicePointToProto(const ServicePoint& point, const View& view, v1::ServicePoint* proto);
void EventToProto(const Event& event, const View& view, v1::Event* proto);

// Proto -> domain for what a client supplies (output-only fields are
// ignored). Names are parsed (an empty one reads as 0, none: whether it is
// required is the domain's validation); enum values the proto does not
// declare are INVALID_ARGUMENT naming `field_prefix` + the field. Rules are
// the domain's and the core's.
//
// An activity as CreateActivity and UpdateActivity carry it: party_org,
// kind, theme, description, place, service_point, start_time, end_time
// (an unset time reads as the epoch, unset), organiser, capacity,
// co_organisers.
absl::StatusOr<Activity> ActivityFromProto(const v1::Activity& proto,
                                           absl::string_view field_prefix);
// A line of attendance: kind, person, head_count, minutes, key.
absl::StatusOr<Attendance> AttendanceFromProto(const v1::Attendance& proto,
                                               absl::string_view field_prefix);
// A service point: unit, display_name, kind, address.
absl::StatusOr<ServicePoint> ServicePointFromProto(const v1::ServicePoint& proto,
                                                   absl::string_view field_prefix);

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_PROTO_H_
