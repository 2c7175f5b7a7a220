#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_PROTO_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_PROTO_H_

// Conversion between the casework protos and the domain types; the only
// place that knows both. Personal data is masked here, on the way out,
// unless the caller may see it.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "casework_service/casework_event.h"
#include "grassroots/casework/v1/casework_service.pb.h"
#include "grassroots/casework/v1/resources.pb.h"

namespace grassroots::casework {

// How a caller sees resources: without `unmask_personal_data`, ID-card and
// mobile numbers in free text are redacted and the reporter's contact is
// masked; `now` decides `overdue`.
struct View {
  bool unmask_personal_data = false;
  absl::Time now;
};

// The reporter's contact as a caller without the grant sees it: a mobile
// number masked as everywhere ("138****5678"), anything else (an address,
// a landline) hidden whole.
std::string MaskContact(absl::string_view contact);

void IssueToProto(const Issue& issue, const View& view, v1::Issue* proto);
void DispatchToProto(const Dispatch& dispatch, const View& view, v1::Dispatch* proto);
void EventToProto(const Event& event, const View& view, v1::Event* proto);

// Proto -> domain for what a client supplies (output-only fields are
// ignored). Names are parsed; enum values out of range are
// INVALID_ARGUMENT naming `field_prefix` + the field. Rules are the core's.
absl::StatusOr<Issue> IssueFromProto(const v1::Issue& proto, absl::string_view field_prefix);
// An imported issue: IssueFromProto, and the fields a record carries (state,
// level, times, satisfaction, resolution, reason, escalations, due time).
absl::StatusOr<Issue> ImportedIssueFromProto(const v1::ImportedIssue& proto,
                                             absl::string_view field_prefix);
// An imported dispatch: DispatchFromProto, and its state, times and report.
absl::StatusOr<Dispatch> ImportedDispatchFromProto(const v1::Dispatch& proto,
                                                   absl::string_view field_prefix);
absl::StatusOr<Dispatch> DispatchFromProto(const v1::Dispatch& proto,
                                           absl::string_view field_prefix);

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_PROTO_H_
