#include "org_service/org_labels.h"

namespace grassroots {

using org::AllianceKind;
using org::AllianceMemberRole;
using org::CompoundKind;
using org::ExternalOrgKind;
using org::ItemKind;
using org::Level;
using org::OrgForm;
using org::Rating;
using org::RenovationStatus;

template <>
absl::Span<const EnumLabel<Level>> Labels<Level>() {
  static constexpr EnumLabel<Level> kTable[] = {
      {Level::kDistrict, "区"},   {Level::kStreet, "街道"},   {Level::kCommunity, "社区"},
      {Level::kCompound, "小区"}, {Level::kBuilding, "楼栋"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<CompoundKind>> Labels<CompoundKind>() {
  static constexpr EnumLabel<CompoundKind> kTable[] = {
      {CompoundKind::kCommodity, "商品房小区"},
      {CompoundKind::kOld, "老旧小区"},
      {CompoundKind::kResettlement, "安置小区"},
      {CompoundKind::kUrbanVillage, "城中村"},
      {CompoundKind::kRuralConcentrated, "农村集中居住区"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<RenovationStatus>> Labels<RenovationStatus>() {
  static constexpr EnumLabel<RenovationStatus> kTable[] = {
      {RenovationStatus::kNotNeeded, "无需改造"},
      {RenovationStatus::kPlanned, "计划改造"},
      {RenovationStatus::kInProgress, "改造中"},
      {RenovationStatus::kCompleted, "已改造"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<OrgForm>> Labels<OrgForm>() {
  static constexpr EnumLabel<OrgForm> kTable[] = {
      {OrgForm::kWorkingCommittee, "大党工委"}, {OrgForm::kPartyCommittee, "党委"},
      {OrgForm::kGeneralBranch, "党总支"},      {OrgForm::kBranch, "党支部"},
      {OrgForm::kJointBranch, "联合党支部"},    {OrgForm::kFunctionalBranch, "功能型党支部"},
      {OrgForm::kPartyGroup, "党小组"},
  };
  return kTable;
}

// Seed 003 (晋位升级): branches graded advanced, ordinary, lagging.
template <>
absl::Span<const EnumLabel<Rating>> Labels<Rating>() {
  static constexpr EnumLabel<Rating> kTable[] = {
      {Rating::kAdvanced, "先进"},
      {Rating::kOrdinary, "一般"},
      {Rating::kLagging, "后进"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<ExternalOrgKind>> Labels<ExternalOrgKind>() {
  static constexpr EnumLabel<ExternalOrgKind> kTable[] = {
      {ExternalOrgKind::kAgency, "机关部门", {"机关"}},
      {ExternalOrgKind::kEnterprise, "企业"},
      {ExternalOrgKind::kSchool, "学校"},
      {ExternalOrgKind::kHospital, "医院"},
      {ExternalOrgKind::kSocialOrganisation, "社会组织"},
      {ExternalOrgKind::kPropertyCompany, "物业企业", {"物业公司"}},
      {ExternalOrgKind::kOther, "其他"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<AllianceKind>> Labels<AllianceKind>() {
  static constexpr EnumLabel<AllianceKind> kTable[] = {
      {AllianceKind::kCompound, "小区联盟", {"1+4+X"}},
      {AllianceKind::kNeighbourhood, "近邻党建联盟"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<AllianceMemberRole>> Labels<AllianceMemberRole>() {
  static constexpr EnumLabel<AllianceMemberRole> kTable[] = {
      {AllianceMemberRole::kResidentRepresentatives, "居民代表"},
      {AllianceMemberRole::kPartyMemberRepresentatives, "党员代表"},
      {AllianceMemberRole::kOwnersCommittee, "业委会", {"业主委员会"}},
      {AllianceMemberRole::kPropertyCompany, "物业企业", {"物业公司"}},
      {AllianceMemberRole::kCoBuildingUnit, "共建单位"},
      {AllianceMemberRole::kEnterprise, "企业"},
      {AllianceMemberRole::kSocialOrganisation, "社会组织"},
      {AllianceMemberRole::kOther, "其他"},
  };
  return kTable;
}

template <>
absl::Span<const EnumLabel<ItemKind>> Labels<ItemKind>() {
  static constexpr EnumLabel<ItemKind> kTable[] = {
      {ItemKind::kResource, "资源"},
      {ItemKind::kNeed, "需求"},
      {ItemKind::kResponsibility, "责任"},
  };
  return kTable;
}

}  // namespace grassroots
