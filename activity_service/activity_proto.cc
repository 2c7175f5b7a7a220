#include "activity_service/activity_proto.h"

#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "common/personal_data.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace grassroots::activity {
namespace {

// The domain enums are numbered as the proto's.
static_assert(static_cast<int>(ActivityKind::kThemedPartyDay) == v1::THEMED_PARTY_DAY);
static_assert(static_cast<int>(ActivityKind::kOpenThemedPartyDay) == v1::OPEN_THEMED_PARTY_DAY);
static_assert(static_cast<int>(ActivityKind::kBranchAssembly) == v1::BRANCH_ASSEMBLY);
static_assert(static_cast<int>(ActivityKind::kBranchCommittee) == v1::BRANCH_COMMITTEE);
static_assert(static_cast<int>(ActivityKind::kPartyGroupMeeting) == v1::PARTY_GROUP_MEETING);
static_assert(static_cast<int>(ActivityKind::kPartyLecture) == v1::PARTY_LECTURE);
static_assert(static_cast<int>(ActivityKind::kVolunteerService) == v1::VOLUNTEER_SERVICE);
static_assert(static_cast<int>(ActivityKind::kCourtyardMeeting) == v1::COURTYARD_MEETING);
static_assert(static_cast<int>(ActivityKind::kServiceDay) == v1::SERVICE_DAY);
static_assert(static_cast<int>(ActivityKind::kNeighbourhoodFestival) == v1::NEIGHBOURHOOD_FESTIVAL);
static_assert(static_cast<int>(ActivityKind::kTraining) == v1::TRAINING);
static_assert(kActivityKindCount == v1::ActivityKind_ARRAYSIZE);
static_assert(static_cast<int>(ActivityState::kDraft) == v1::Activity::DRAFT);
static_assert(static_cast<int>(ActivityState::kSubmitted) == v1::Activity::SUBMITTED);
static_assert(static_cast<int>(ActivityState::kApproved) == v1::Activity::APPROVED);
static_assert(static_cast<int>(ActivityState::kHeld) == v1::Activity::HELD);
static_assert(static_cast<int>(ActivityState::kRecorded) == v1::Activity::RECORDED);
static_assert(static_cast<int>(ActivityState::kCancelled) == v1::Activity::CANCELLED);
static_assert(static_cast<int>(AttendeeKind::kMember) == v1::MEMBER);
static_assert(static_cast<int>(AttendeeKind::kInServiceMember) == v1::IN_SERVICE_MEMBER);
static_assert(static_cast<int>(AttendeeKind::kVolunteer) == v1::VOLUNTEER);
static_assert(static_cast<int>(AttendeeKind::kResidents) == v1::RESIDENTS);
static_assert(static_cast<int>(ServicePointKind::kPartyMassServiceCentre) ==
              v1::ServicePoint::PARTY_MASS_SERVICE_CENTRE);
static_assert(static_cast<int>(ServicePointKind::kNeighbourhoodServicePoint) ==
              v1::ServicePoint::NEIGHBOURHOOD_SERVICE_POINT);
static_assert(static_cast<int>(ServicePointKind::kElderlyServicePoint) ==
              v1::ServicePoint::ELDERLY_SERVICE_POINT);
static_assert(static_cast<int>(ServicePointKind::kOther) == v1::ServicePoint::OTHER);

std::string NameOrEmpty(absl::string_view collection, int64_t id) {
  return id == 0 ? "" : FormatResourceName(collection, id);
}
// Sets a time field only for a time that is set (not the epoch): asking
// for the mutable field alone would make it present.
template <typename Mutable>
void OptionalTimeToProto(absl::Time time, Mutable mutable_field) {
  if (time != absl::UnixEpoch()) TimeToProto(time, mutable_field());
}
absl::Time OptionalTimeFromProto(bool has, const google::protobuf::Timestamp& proto) {
  return has ? TimeFromProto(proto) : absl::UnixEpoch();
}
std::string Text(absl::string_view text, const View& view) {
  return view.unmask_personal_data ? std::string(text) : RedactPersonalData(text);
}

struct SnapshotWriter {
  const View& view;
  v1::ResourceSnapshot* proto;
  void operator()(const Activity& activity) const {
    ActivityToProto(activity, view, proto->mutable_activity());
  }
  void operator()(const Attendance& attendance) const {
    AttendanceToProto(attendance, view, proto->mutable_attendance());
  }
  void operator()(const CreditEntry& entry) const {
    CreditEntryToProto(entry, view, proto->mutable_credit_entry());
  }
  void operator()(const ServicePoint& point) const {
    ServicePointToProto(point, view, proto->mutable_service_point());
  }
};

}  // namespace

void ActivityToProto(const Activity& activity, const View& view, v1::Activity* proto) {
  proto->Clear();
  proto->set_name(ActivityName(activity.id));
  proto->set_party_org(NameOrEmpty("partyOrgs", activity.party_org_id));
  proto->set_kind(static_cast<v1::ActivityKind>(activity.kind));
  proto->set_theme(Text(activity.theme, view));
  proto->set_description(Text(activity.description, view));
  proto->set_place(NameOrEmpty("units", activity.place_id));
  proto->set_service_point(NameOrEmpty("servicePoints", activity.service_point_id));
  OptionalTimeToProto(activity.start_time, [proto] { return proto->mutable_start_time(); });
  OptionalTimeToProto(activity.end_time, [proto] { return proto->mutable_end_time(); });
  proto->set_organiser(NameOrEmpty("people", activity.organiser_id));
  proto->set_capacity(activity.capacity);
  for (const std::string& co_organiser : activity.co_organisers) {
    proto->add_co_organisers(co_organiser);
  }
  proto->set_state(static_cast<v1::Activity::State>(activity.state));
  proto->set_state_reason(Text(activity.state_reason, view));
  proto->set_approver(NameOrEmpty("partyOrgs", activity.approver_id));
  for (int64_t unit_id : activity.party_org_unit_ids) {
    proto->add_party_org_units(FormatResourceName("units", unit_id));
  }
  proto->set_attendees(activity.attendees);
  proto->set_residents_served(activity.residents_served);
  proto->set_service_minutes(activity.service_minutes);
  proto->set_credit_awarded(activity.credit_awarded);
  ResourceTimesToProto(activity, proto);
}

void AttendanceToProto(const Attendance& attendance, const View& view, v1::Attendance* proto) {
  proto->Clear();
  proto->set_name(AttendanceName(attendance.activity_id, attendance.id));
  proto->set_kind(static_cast<v1::AttendeeKind>(attendance.kind));
  proto->set_person(NameOrEmpty("people", attendance.person_id));
  proto->set_head_count(attendance.head_count);
  proto->set_minutes(attendance.minutes);
  proto->set_credit(attendance.credit);
  proto->set_key(Text(attendance.key, view));
  TimeToProto(attendance.create_time, proto->mutable_create_time());
  proto->set_revision(attendance.revision);
  proto->set_place(NameOrEmpty("units", attendance.place_id));
}

void CreditEntryToProto(const CreditEntry& entry, const View& view, v1::CreditEntry* proto) {
  proto->Clear();
  proto->set_name(CreditEntryName(entry.person_id, entry.id));
  proto->set_amount(entry.amount);
  if (entry.attendance_id != 0) {
    proto->set_attendance(AttendanceName(entry.activity_id, entry.attendance_id));
  }
  proto->set_reason(Text(entry.reason, view));
  TimeToProto(entry.create_time, proto->mutable_create_time());
  proto->set_revision(entry.revision);
}

void CreditAccountToProto(const CreditAccount& account, const CreditPeriod& period,
                          v1::CreditAccount* proto) {
  proto->Clear();
  proto->set_name(CreditAccountName(account.person_id));
  proto->set_person(FormatResourceName("people", account.person_id));
  proto->set_balance(account.balance);
  proto->set_earned_total(account.earned_total);
  proto->set_redeemed_total(account.redeemed_total);
  const auto [earned, redeemed] = account.PeriodTotals(period);
  proto->set_period(period.text);
  proto->set_period_earned(earned);
  proto->set_period_redeemed(redeemed);
  proto->set_revision(account.revision);
  OptionalTimeToProto(account.update_time, [proto] { return proto->mutable_update_time(); });
}

void ServicePointToProto(const ServicePoint& point, const View& view, v1::ServicePoint* proto) {
  proto->Clear();
  proto->set_name(ServicePointName(point.id));
  proto->set_unit(NameOrEmpty("units", point.unit_id));
  proto->set_display_name(point.display_name);
  proto->set_kind(static_cast<v1::ServicePoint::Kind>(point.kind));
  proto->set_address(Text(point.address, view));
  SoftDeletableToProto(point, proto);
}

void EventToProto(const Event& event, const View& view, v1::Event* proto) {
  proto->Clear();
  proto->set_revision(event.revision);
  proto->set_index(event.index);
  TimeToProto(event.time, proto->mutable_time());
  proto->set_actor(event.actor);
  proto->set_method(event.method);
  proto->set_resource(SnapshotName(event.after));
  if (event.before) std::visit(SnapshotWriter{view, proto->mutable_before()}, *event.before);
  std::visit(SnapshotWriter{view, proto->mutable_after()}, event.after);
}

absl::StatusOr<Activity> ActivityFromProto(const v1::Activity& proto,
                                           absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Activity activity;
  ASSIGN_OR_RETURN(activity.party_org_id,
                   ParseOptionalResourceName(proto.party_org(), "partyOrgs", field("party_org")));
  ASSIGN_OR_RETURN(activity.kind, EnumFromProto<ActivityKind>(
                                      proto.kind(), v1::ActivityKind_IsValid, field("kind")));
  activity.theme = proto.theme();
  activity.description = proto.description();
  ASSIGN_OR_RETURN(activity.place_id,
                   ParseOptionalResourceName(proto.place(), "units", field("place")));
  ASSIGN_OR_RETURN(
      activity.service_point_id,
      ParseOptionalResourceName(proto.service_point(), "servicePoints", field("service_point")));
  activity.start_time = OptionalTimeFromProto(proto.has_start_time(), proto.start_time());
  activity.end_time = OptionalTimeFromProto(proto.has_end_time(), proto.end_time());
  ASSIGN_OR_RETURN(activity.organiser_id,
                   ParseOptionalResourceName(proto.organiser(), "people", field("organiser")));
  activity.capacity = proto.capacity();
  activity.co_organisers.assign(proto.co_organisers().begin(), proto.co_organisers().end());
  return activity;
}

absl::StatusOr<Attendance> AttendanceFromProto(const v1::Attendance& proto,
                                               absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Attendance attendance;
  ASSIGN_OR_RETURN(attendance.kind, EnumFromProto<AttendeeKind>(
                                        proto.kind(), v1::AttendeeKind_IsValid, field("kind")));
  ASSIGN_OR_RETURN(attendance.person_id,
                   ParseOptionalResourceName(proto.person(), "people", field("person")));
  attendance.head_count = proto.head_count();
  attendance.minutes = proto.minutes();
  attendance.key = proto.key();
  return attendance;
}

absl::StatusOr<ServicePoint> ServicePointFromProto(const v1::ServicePoint& proto,
                                                   absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  ServicePoint point;
  ASSIGN_OR_RETURN(point.unit_id, ParseOptionalResourceName(proto.unit(), "units", field("unit")));
  point.display_name = proto.display_name();
  ASSIGN_OR_RETURN(point.kind, EnumFromProto<ServicePointKind>(
                                   proto.kind(), v1::ServicePoint::Kind_IsValid, field("kind")));
  point.address = proto.address();
  return point;
}

}  // namespace grassroots::activity
