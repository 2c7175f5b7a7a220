#include "roster_service/roster_labels.h"

#include "gtest/gtest.h"
#include "roster_service/person.h"
#include "roster_service/role.h"
#include "tests/testing/label_table_checks.h"

namespace grassroots {
namespace {

using ::grassroots::testing::ExpectCompleteLabelTable;
using roster::MemberCategory;
using roster::Role;

TEST(RosterLabelsTest, EveryTableIsComplete) {
  ExpectCompleteLabelTable<roster::Gender>(roster::Gender::kFemale);
  ExpectCompleteLabelTable<roster::PartyStatus>(roster::PartyStatus::kNone);
  ExpectCompleteLabelTable<MemberCategory>(MemberCategory::kFloating);
  ExpectCompleteLabelTable<Role>(Role::kWorkTeamLeader);
}

// DOMAIN.md calls a branch committee member 支委; the older spellings stay
// readable, since a stored CSV may carry them.
TEST(RosterLabelsTest, CommitteeMemberIsZhiwei) {
  EXPECT_EQ(Label(Role::kCommitteeMember), "支委");
  EXPECT_EQ(ParseLabel<Role>("支委"), Role::kCommitteeMember);
  EXPECT_EQ(ParseLabel<Role>("委员"), Role::kCommitteeMember);
  EXPECT_EQ(ParseLabel<Role>("支委委员"), Role::kCommitteeMember);
}

TEST(RosterLabelsTest, OtherSpellingsAreReadNotWritten) {
  EXPECT_EQ(Label(Role::kPartyHousehold), "党员中心户");
  EXPECT_EQ(ParseLabel<Role>("党员户"), Role::kPartyHousehold);
  EXPECT_EQ(Label(MemberCategory::kRetired), "离退休");
  EXPECT_EQ(ParseLabel<MemberCategory>("离退休干部"), MemberCategory::kRetired);
}

}  // namespace
}  // namespace grassroots
