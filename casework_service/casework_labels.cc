#include "casework_service/casework_labels.h"

namespace grassroots {

using casework::Category;
using casework::Channel;
using casework::DispatchState;
using casework::HandlingLevel;
using casework::IssueState;
using casework::Satisfaction;

template <>
absl::Span<const EnumLabel<HandlingLevel>> Labels<HandlingLevel>() {
  static constexpr EnumLabel<HandlingLevel> kTable[] = {
      {HandlingLevel::kCompound, "小区"},
      {HandlingLevel::kCommunity, "社区"},
      {HandlingLevel::kStreet, "街道"},
      {HandlingLevel::kDistrict, "区"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<Category>> Labels<Category>() {
  static constexpr EnumLabel<Category> kTable[] = {
      {Category::kPropertyMaintenance, "物业维修", {"物业"}},
      {Category::kEnvironmentSanitation, "环境卫生"},
      {Category::kSafetyHazard, "安全隐患"},
      {Category::kNeighbourDispute, "邻里纠纷"},
      {Category::kParking, "停车"},
      {Category::kElderlyAndChildren, "一老一小"},
      {Category::kRenovation, "改造加装", {"老旧小区改造"}},
      {Category::kCertificate, "办证", {"不动产权证"}},
      {Category::kSuggestion, "意见建议"},
      {Category::kOther, "其他"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<Channel>> Labels<Channel>() {
  static constexpr EnumLabel<Channel> kTable[] = {
      {Channel::kGridWorker, "网格员"},
      {Channel::kBuildingLead, "楼栋长"},
      {Channel::kPartyMemberHousehold, "党员户", {"党员中心户"}},
      {Channel::kResident, "居民"},
      {Channel::kOwnersCommittee, "业委会"},
      {Channel::kPropertyCompany, "物业公司"},
      {Channel::kHotline, "热线", {"12345"}},
      {Channel::kRepresentativeWorkroom, "代表工作室"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<Satisfaction>> Labels<Satisfaction>() {
  static constexpr EnumLabel<Satisfaction> kTable[] = {
      {Satisfaction::kSatisfied, "满意"},
      {Satisfaction::kBasicallySatisfied, "基本满意"},
      {Satisfaction::kDissatisfied, "不满意"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<IssueState>> Labels<IssueState>() {
  static constexpr EnumLabel<IssueState> kTable[] = {
      {IssueState::kReported, "已上报"},   {IssueState::kAccepted, "办理中"},
      {IssueState::kResolved, "已办结"},   {IssueState::kConfirmed, "已确认"},
      {IssueState::kEscalated, "已上交"},  {IssueState::kRejected, "不予受理"},
      {IssueState::kReopened, "重新办理"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<DispatchState>> Labels<DispatchState>() {
  static constexpr EnumLabel<DispatchState> kTable[] = {
      {DispatchState::kSummoned, "已吹哨"},
      {DispatchState::kAcknowledged, "已报到"},
      {DispatchState::kReported, "已反馈"},
  };
  return kTable;
}

}  // namespace grassroots
