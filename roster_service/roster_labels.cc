#include "roster_service/roster_labels.h"

namespace grassroots {

using roster::Gender;
using roster::MemberCategory;
using roster::PartyStatus;
using roster::Role;

template <>
absl::Span<const EnumLabel<Gender>> Labels<Gender>() {
  static constexpr EnumLabel<Gender> kTable[] = {{Gender::kMale, "男"}, {Gender::kFemale, "女"}};
  return kTable;
}

template <>
absl::Span<const EnumLabel<PartyStatus>> Labels<PartyStatus>() {
  static constexpr EnumLabel<PartyStatus> kTable[] = {
      {PartyStatus::kFull, "正式党员"},
      {PartyStatus::kProbationary, "预备党员"},
      {PartyStatus::kNone, "群众"},
  };
  return kTable;
}

// 离退休干部 is the articles' phrase (retired cadres); files say 离退休.
template <>
absl::Span<const EnumLabel<MemberCategory>> Labels<MemberCategory>() {
  static constexpr EnumLabel<MemberCategory> kTable[] = {
      {MemberCategory::kInService, "在职"},
      {MemberCategory::kRetired, "离退休", {"离退休干部"}},
      {MemberCategory::kDirect, "直管"},
      {MemberCategory::kFloating, "流动"},
  };
  return kTable;
}

// 支委 is DOMAIN.md's word for a branch committee member; 委员 (files
// written for the first import) and 支委委员 (the audit's old spelling) are
// still read. 党员户 is the shorter name of 党员中心户.
template <>
absl::Span<const EnumLabel<Role>> Labels<Role>() {
  static constexpr EnumLabel<Role> kTable[] = {
      {Role::kSecretary, "书记"},
      {Role::kDeputySecretary, "副书记"},
      {Role::kCommitteeMember, "支委", {"委员", "支委委员"}},
      {Role::kGroupLeader, "党小组长"},
      {Role::kFirstSecretary, "第一书记"},
      {Role::kWorkTeamMember, "工作队员"},
      {Role::kBuildingLead, "楼栋长"},
      {Role::kGridWorker, "网格员"},
      {Role::kMicroGridLiaison, "微网格联络人"},
      {Role::kPartyHousehold, "党员中心户", {"党员户"}},
      {Role::kVolunteer, "志愿者"},
      {Role::kOwnersCommitteeMember, "业委会成员"},
      {Role::kPropertyContact, "物业联系人"},
      {Role::kResidentRepresentative, "居民代表"},
      {Role::kPartyGroupMember, "党小组成员"},
      {Role::kResidentsCommitteeDirector, "居委会主任"},
      {Role::kResidentsCommitteeMember, "居委会委员"},
      {Role::kWorkTeamLeader, "工作队队长"},
  };
  return kTable;
}

}  // namespace grassroots
