// Alliances ("1+4+X", 近邻党建联盟) and their three lists: the domain checks
// and the core's rules, on a real store in a temporary directory.

#include "org_service/alliance.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "org_service/org_core.h"
#include "tests/org_service/org_core_fixture.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org {
namespace {

using ::grassroots::org::testing::Sync;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

AllianceMember Group(AllianceMemberRole role, std::string name) {
  return {.role = role, .display_name = std::move(name)};
}

AllianceMember Organisation(AllianceMemberRole role, int64_t id) {
  return {.role = role, .external_org_id = id};
}

TEST(AllianceTest, FieldsAndMembersAreValidated) {
  Alliance alliance;
  alliance.display_name = "幸福小区“1+4+X”联盟";
  EXPECT_THAT(ValidateAllianceFields(alliance, "alliance."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("alliance.kind")));
  alliance.kind = AllianceKind::kCompound;
  alliance.members = {Group(AllianceMemberRole::kResidentRepresentatives, "居民代表5人"),
                      Organisation(AllianceMemberRole::kPropertyCompany, 3)};
  EXPECT_TRUE(ValidateAllianceFields(alliance, "alliance.").ok());

  // A group is named and names no organisation; an organisation's role
  // needs one, and once.
  alliance.members.push_back(Group(AllianceMemberRole::kOwnersCommittee, ""));
  EXPECT_THAT(
      ValidateAllianceFields(alliance, "alliance."),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("alliance.members[2].display_name")));
  alliance.members.back() = Organisation(AllianceMemberRole::kOwnersCommittee, 4);
  EXPECT_THAT(ValidateAllianceFields(alliance, "alliance."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("alliance.members[2].external_org: must be empty")));
  alliance.members.back() = Organisation(AllianceMemberRole::kEnterprise, 0);
  EXPECT_THAT(ValidateAllianceFields(alliance, "alliance."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("alliance.members[2].external_org: is required")));
  alliance.members.back() = Organisation(AllianceMemberRole::kEnterprise, 3);
  EXPECT_THAT(ValidateAllianceFields(alliance, "alliance."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("already a member")));
  // Names are shown unmasked to every reader: no numbers in them.
  alliance.members.back() = Group(AllianceMemberRole::kOwnersCommittee, "业委会主任13812345678");
  EXPECT_THAT(ValidateAllianceFields(alliance, "alliance."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("alliance.members[2].display_name: must not hold")));
}

TEST(AllianceTest, ItemNamesCarryTheirAlliance) {
  EXPECT_EQ(AllianceItemName(3, 9), "alliances/3/items/9");
  absl::StatusOr<AllianceItemId> id = ParseAllianceItemName("alliances/3/items/9", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->alliance_id, 3);
  EXPECT_EQ(id->id, 9);
  for (const char* bad : {"alliances/3", "alliances/3/items/x", "units/3/items/9",
                          "alliances/0/items/9", "alliances/3/items/9/x"}) {
    EXPECT_THAT(ParseAllianceItemName(bad, "name").status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << bad;
  }
}

// A title is listed and filtered on without the personal-data grant: no
// numbers in it. The description, masked for those callers, may hold them.
TEST(AllianceTest, AnItemsTitleHoldsNoPersonalData) {
  AllianceItem item;
  item.kind = ItemKind::kNeed;
  item.title = "王阿姨13812345678家漏水";
  EXPECT_THAT(ValidateAllianceItemFields(item, "item."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item.title: must not hold")));
  item.title = "3号楼漏水";
  item.description = "王阿姨 13812345678";
  EXPECT_TRUE(ValidateAllianceItemFields(item, "item.").ok());
}

TEST(AllianceTest, ItemsGoOpenClaimedDone) {
  AllianceItem item;
  EXPECT_TRUE(CheckItemTransition(item, ItemState::kClaimed, "i").ok());
  EXPECT_THAT(
      CheckItemTransition(item, ItemState::kDone, "alliances/1/items/2"),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("alliances/1/items/2 is OPEN")));
  item.state = ItemState::kClaimed;
  EXPECT_TRUE(CheckItemTransition(item, ItemState::kDone, "i").ok());
  EXPECT_THAT(CheckItemTransition(item, ItemState::kClaimed, "i"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("i is CLAIMED")));
  item.state = ItemState::kDone;
  EXPECT_THAT(CheckItemTransition(item, ItemState::kDone, "i"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("i is DONE")));
}

class AllianceCoreTest : public testing::OrgCoreFixture {
 protected:
  void SetUp() override {
    OrgCoreFixture::SetUp();
    compound_ = MustCreate(community_, Level::kCompound, "X1");
    building_ = MustCreate(compound_, Level::kBuilding, "B1");
    branch_ = MustCreateOrg(OrgForm::kBranch, {compound_});
    committee_ = MustCreateOrg(OrgForm::kPartyCommittee, {community_});
    absl::StatusOr<ExternalOrg> company =
        CreateExternal(district_, ExternalOrgKind::kPropertyCompany);
    absl::StatusOr<ExternalOrg> school = CreateExternal(district_, ExternalOrgKind::kSchool);
    absl::StatusOr<ExternalOrg> elsewhere =
        CreateExternal(other_district_, ExternalOrgKind::kEnterprise);
    ASSERT_TRUE(company.ok() && school.ok() && elsewhere.ok());
    company_ = company->id;
    school_ = school->id;
    elsewhere_ = elsewhere->id;
  }
  int64_t MustCreateOrg(OrgForm form, std::vector<int64_t> units) {
    PartyOrg org;
    org.form = form;
    org.display_name = "党组织";
    org.unit_ids = std::move(units);
    absl::StatusOr<PartyOrg> made =
        Sync<PartyOrg>([&](auto done) { core_->CreatePartyOrg(caller_, org, "", done); });
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? made->id : 0;
  }
  // The compound's "1+4+X": its branch, the "4" and a school that co-builds.
  Alliance CompoundAlliance() const {
    Alliance a;
    a.kind = AllianceKind::kCompound;
    a.unit_id = compound_;
    a.leading_party_org_id = branch_;
    a.display_name = "幸福小区“1+4+X”联盟";
    a.established_date = absl::CivilDay(2023, 3, 1);
    a.members = {Group(AllianceMemberRole::kResidentRepresentatives, "居民代表: 张;李\\王"),
                 Group(AllianceMemberRole::kPartyMemberRepresentatives, "党员代表3人"),
                 Group(AllianceMemberRole::kOwnersCommittee, "幸福小区业委会"),
                 Organisation(AllianceMemberRole::kPropertyCompany, company_),
                 Organisation(AllianceMemberRole::kCoBuildingUnit, school_)};
    return a;
  }
  absl::StatusOr<Alliance> Create(const Alliance& alliance) {
    return Sync<Alliance>([&](auto done) { core_->CreateAlliance(caller_, alliance, "", done); });
  }
  absl::StatusOr<AllianceItem> AddItem(int64_t alliance, ItemKind kind, std::string title,
                                       std::string description = "") {
    AllianceItem item;
    item.kind = kind;
    item.title = std::move(title);
    item.description = std::move(description);
    return Sync<AllianceItem>(
        [&](auto done) { core_->CreateAllianceItem(caller_, alliance, item, "", done); });
  }
  absl::StatusOr<AllianceItem> Claim(const AllianceItem& item, Claimant claimant,
                                     std::string etag = "") {
    return Sync<AllianceItem>([&](auto done) {
      core_->ClaimAllianceItem(caller_, {item.alliance_id, item.id}, etag, claimant, done);
    });
  }
  absl::StatusOr<AllianceItem> Complete(const AllianceItem& item, std::string result = "") {
    return Sync<AllianceItem>([&](auto done) {
      core_->CompleteAllianceItem(caller_, {item.alliance_id, item.id}, "", result, done);
    });
  }

  int64_t compound_ = 0, building_ = 0, branch_ = 0, committee_ = 0;
  int64_t company_ = 0, school_ = 0, elsewhere_ = 0;
};

TEST_F(AllianceCoreTest, AnAllianceSitsAtItsLevelLedByTheUnitsOwnOrganisation) {
  Alliance wrong_level = CompoundAlliance();
  wrong_level.unit_id = building_;
  EXPECT_THAT(Create(wrong_level).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("is a BUILDING; a COMPOUND alliance sits at a COMPOUND")));
  Alliance neighbourhood_at_compound = CompoundAlliance();
  neighbourhood_at_compound.kind = AllianceKind::kNeighbourhood;
  EXPECT_THAT(Create(neighbourhood_at_compound).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("COMMUNITY or STREET")));
  Alliance not_covering = CompoundAlliance();
  not_covering.leading_party_org_id = committee_;
  EXPECT_THAT(Create(not_covering).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("alliance.leading_party_org: partyOrgs/2 does not cover")));
  Alliance foreign = CompoundAlliance();
  foreign.members.push_back(Organisation(AllianceMemberRole::kEnterprise, elsewhere_));
  EXPECT_THAT(Create(foreign).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("alliance.members[5].external_org: externalOrgs/3 is in another "
                                 "district's directory")));
  Alliance school_as_company = CompoundAlliance();
  school_as_company.members[3].external_org_id = school_;
  school_as_company.members[4].external_org_id = company_;
  EXPECT_THAT(Create(school_as_company).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a SCHOOL")));
  const int64_t before = core_->published_revision();

  absl::StatusOr<Alliance> made = Create(CompoundAlliance());
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->state, AllianceState::kActive);
  EXPECT_EQ(made->revision, before + 1);
  // One active "1+4+X" a compound.
  EXPECT_THAT(Create(CompoundAlliance()).status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr(AllianceName(made->id))));

  // The community's neighbourhood alliance, led by its party committee.
  Alliance neighbourhood = CompoundAlliance();
  neighbourhood.kind = AllianceKind::kNeighbourhood;
  neighbourhood.unit_id = community_;
  neighbourhood.leading_party_org_id = committee_;
  neighbourhood.display_name = "近邻党建联盟";
  neighbourhood.members = {Organisation(AllianceMemberRole::kCoBuildingUnit, school_)};
  absl::StatusOr<Alliance> near = Create(neighbourhood);
  ASSERT_TRUE(near.ok()) << near.status();

  // A member organisation stays while an alliance counts it.
  EXPECT_THAT(Sync<ExternalOrg>([&](auto done) {
                core_->DeleteExternalOrg(caller_, school_, "", done);
              }).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("member of 2 live")));

  // Listed under the street (both), the community (both) or the compound
  // (its own), and the same after a restart, members' names intact.
  Open();
  const auto listed = [&](int64_t unit, std::string filter = "") {
    std::vector<int64_t> ids;
    absl::StatusOr<Page<Alliance>> page =
        core_->ListAlliances({.unit_id = unit, .filter = std::move(filter)});
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const Alliance& a : page->items) ids.push_back(a.id);
    }
    return ids;
  };
  EXPECT_THAT(listed(street_), ElementsAre(made->id, near->id));
  EXPECT_THAT(listed(compound_), ElementsAre(made->id));
  EXPECT_THAT(listed(street_, "kind = NEIGHBOURHOOD"), ElementsAre(near->id));
  EXPECT_THAT(listed(street_, absl::StrCat("member = \"", ExternalOrgName(company_), "\"")),
              ElementsAre(made->id));
  EXPECT_THAT(listed(other_district_), ElementsAre());
  absl::StatusOr<Alliance> reread = core_->GetAlliance(made->id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(*reread, *made);
  EXPECT_EQ(reread->members[0].display_name, "居民代表: 张;李\\王");
}

TEST_F(AllianceCoreTest, MembersClaimItemsOfTheThreeListsWithEtags) {
  absl::StatusOr<Alliance> alliance = Create(CompoundAlliance());
  ASSERT_TRUE(alliance.ok()) << alliance.status();
  absl::StatusOr<AllianceItem> need =
      AddItem(alliance->id, ItemKind::kNeed, "3号楼电梯维修", "联系人电话13812345678");
  ASSERT_TRUE(need.ok()) << need.status();
  EXPECT_EQ(need->state, ItemState::kOpen);
  EXPECT_EQ(need->unit_id, compound_);
  EXPECT_THAT(AddItem(alliance->id, ItemKind::kUnspecified, "x").status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("item.kind")));

  // Only a member claims: the school and the branch are, the committee is not.
  EXPECT_THAT(Claim(*need, {.party_org_id = committee_}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("claimed_by: partyOrgs/2 is not a member")));
  EXPECT_THAT(Claim(*need, {.external_org_id = elsewhere_}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a member")));
  EXPECT_THAT(Claim(*need, {}).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("claimed_by: is required")));
  EXPECT_THAT(Claim(*need, {.external_org_id = school_}, "\"99\"").status(),
              StatusIs(absl::StatusCode::kAborted));
  // Under another alliance's name the item does not exist.
  AllianceItem misnamed = *need;
  misnamed.alliance_id = alliance->id + 1;
  EXPECT_THAT(Claim(misnamed, {.external_org_id = school_}).status(),
              StatusIs(absl::StatusCode::kNotFound));
  const int64_t open_revision = core_->published_revision();
  absl::StatusOr<AllianceItem> claimed =
      Claim(*need, {.external_org_id = school_}, absl::StrCat("\"", need->revision, "\""));
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  EXPECT_EQ(claimed->state, ItemState::kClaimed);
  EXPECT_EQ(claimed->claimed_by_external_org_id, school_);
  EXPECT_THAT(Claim(*claimed, {.party_org_id = branch_}).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CLAIMED")));
  absl::StatusOr<AllianceItem> done = Complete(*claimed, "已联系维保单位更换曳引机");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->state, ItemState::kDone);
  EXPECT_THAT(Complete(*done).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is DONE")));

  // A pinned read sees the item as it was.
  absl::StatusOr<Page<AllianceItem>> then =
      core_->ListAllianceItems({.alliance_id = alliance->id, .read_revision = open_revision});
  ASSERT_TRUE(then.ok()) << then.status();
  ASSERT_EQ(then->items.size(), 1u);
  EXPECT_EQ(then->items[0].state, ItemState::kOpen);
  absl::StatusOr<Page<AllianceItem>> open_now =
      core_->ListAllianceItems({.alliance_id = alliance->id, .filter = "state = OPEN"});
  ASSERT_TRUE(open_now.ok());
  EXPECT_TRUE(open_now->items.empty());

  // A dissolved alliance takes no new items and is dissolved once.
  absl::StatusOr<Alliance> dissolved = Sync<Alliance>([&](auto cb) {
    core_->DissolveAlliance(caller_, alliance->id, "", absl::CivilDay(2026, 6, 30), cb);
  });
  ASSERT_TRUE(dissolved.ok()) << dissolved.status();
  EXPECT_EQ(dissolved->state, AllianceState::kDissolved);
  EXPECT_EQ(dissolved->dissolved_date, absl::CivilDay(2026, 6, 30));
  EXPECT_THAT(
      AddItem(alliance->id, ItemKind::kResource, "场地").status(),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               HasSubstr(absl::StrCat("parent: ", AllianceName(alliance->id), " is DISSOLVED"))));
  EXPECT_THAT(Sync<Alliance>([&](auto cb) {
                core_->DissolveAlliance(caller_, alliance->id, "", std::nullopt, cb);
              }).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is DISSOLVED")));
  // Its compound may have a new one now.
  EXPECT_TRUE(Create(CompoundAlliance()).ok());

  // Items survive a restart whole.
  Open();
  absl::StatusOr<AllianceItem> reread = core_->GetAllianceItem({alliance->id, need->id});
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(*reread, *done);
}

}  // namespace
}  // namespace grassroots::org
