#include "activity_service/activity_labels.h"

namespace grassroots {

using activity::ActivityKind;
using activity::ActivityState;
using activity::AttendeeKind;
using activity::ServicePointKind;

template <>
absl::Span<const EnumLabel<ActivityKind>> Labels<ActivityKind>() {
  static constexpr EnumLabel<ActivityKind> kTable[] = {
      {ActivityKind::kThemedPartyDay, "主题党日"},
      {ActivityKind::kOpenThemedPartyDay, "开放式主题党日"},
      {ActivityKind::kBranchAssembly, "支部党员大会"},
      {ActivityKind::kBranchCommittee, "支部委员会"},
      {ActivityKind::kPartyGroupMeeting, "党小组会"},
      {ActivityKind::kPartyLecture, "党课"},
      {ActivityKind::kVolunteerService, "志愿服务"},
      {ActivityKind::kCourtyardMeeting, "庭院会议"},
      {ActivityKind::kServiceDay, "党员服务日"},
      {ActivityKind::kNeighbourhoodFestival, "邻里节"},
      {ActivityKind::kTraining, "培训"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<ActivityState>> Labels<ActivityState>() {
  static constexpr EnumLabel<ActivityState> kTable[] = {
      {ActivityState::kDraft, "草稿"},      {ActivityState::kSubmitted, "已申报"},
      {ActivityState::kApproved, "已批准"}, {ActivityState::kHeld, "已举行"},
      {ActivityState::kRecorded, "已归档"}, {ActivityState::kCancelled, "已取消"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<AttendeeKind>> Labels<AttendeeKind>() {
  static constexpr EnumLabel<AttendeeKind> kTable[] = {
      {AttendeeKind::kMember, "党员"},
      {AttendeeKind::kInServiceMember, "在职党员"},
      {AttendeeKind::kVolunteer, "志愿者"},
      {AttendeeKind::kResidents, "居民群众"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<ServicePointKind>> Labels<ServicePointKind>() {
  static constexpr EnumLabel<ServicePointKind> kTable[] = {
      {ServicePointKind::kPartyMassServiceCentre, "党群服务中心"},
      {ServicePointKind::kNeighbourhoodServicePoint, "邻里服务点"},
      {ServicePointKind::kElderlyServicePoint, "养老服务点"},
      {ServicePointKind::kOther, "其他"},
  };
  return kTable;
}

}  // namespace grassroots
