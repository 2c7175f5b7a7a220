#include "org_service/org_labels.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "tests/testing/label_table_checks.h"

namespace grassroots {
namespace {

using ::grassroots::testing::ExpectCompleteLabelTable;

TEST(OrgLabelsTest, EveryTableIsComplete) {
  ExpectCompleteLabelTable<org::Level>(org::Level::kBuilding);
  ExpectCompleteLabelTable<org::CompoundKind>(org::CompoundKind::kRuralConcentrated);
  ExpectCompleteLabelTable<org::ExternalOrgKind>(org::ExternalOrgKind::kOther);
  ExpectCompleteLabelTable<org::RenovationStatus>(org::RenovationStatus::kCompleted);
  ExpectCompleteLabelTable<org::OrgForm>(org::OrgForm::kPartyGroup);
  ExpectCompleteLabelTable<org::Rating>(org::Rating::kLagging);
  ExpectCompleteLabelTable<org::AllianceKind>(org::AllianceKind::kNeighbourhood);
  ExpectCompleteLabelTable<org::AllianceMemberRole>(org::AllianceMemberRole::kOther);
  ExpectCompleteLabelTable<org::ItemKind>(org::ItemKind::kResponsibility);
}

TEST(OrgLabelsTest, TheWordsOfTheDomain) {
  EXPECT_EQ(Label(org::Level::kStreet), "街道");
  EXPECT_EQ(Label(org::OrgForm::kJointBranch), "联合党支部");
  EXPECT_EQ(ParseLabel<org::Level>("楼栋"), org::Level::kBuilding);
  EXPECT_EQ(ParseLabel<org::CompoundKind>("城中村"), org::CompoundKind::kUrbanVillage);
  EXPECT_EQ(ParseLabel<org::AllianceMemberRole>("业主委员会"),
            org::AllianceMemberRole::kOwnersCommittee);
  EXPECT_EQ(Label(org::ItemKind::kResponsibility), "责任");
}

TEST(OrgLabelsTest, UnspecifiedAndUnknownHaveNoLabel) {
  EXPECT_EQ(Label(org::Level::kUnspecified), "");
  EXPECT_EQ(Label(org::OrgForm::kUnspecified), "");
  EXPECT_EQ(ParseLabel<org::Level>(""), std::nullopt);
  EXPECT_EQ(ParseLabel<org::Level>("STREET"), std::nullopt);  // names are not labels
  EXPECT_EQ(ParseLabel<org::Level>("街道 "), std::nullopt);   // exact match only
}

}  // namespace
}  // namespace grassroots
