#include "org_service/party_org.h"

#include <numeric>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

using ::grassroots::testing::kInvalid;

constexpr OrgForm kAllForms[] = {OrgForm::kWorkingCommittee, OrgForm::kPartyCommittee,
                                 OrgForm::kGeneralBranch,    OrgForm::kBranch,
                                 OrgForm::kJointBranch,      OrgForm::kFunctionalBranch,
                                 OrgForm::kPartyGroup};

// Units 1..n.
std::vector<int64_t> Units(int n) {
  std::vector<int64_t> ids(n);
  std::iota(ids.begin(), ids.end(), 1);
  return ids;
}

PartyOrg OrgCovering(OrgForm form, std::vector<int64_t> unit_ids) {
  PartyOrg org;
  org.form = form;
  org.display_name = "幸福花园小区党支部";
  org.unit_ids = std::move(unit_ids);
  return org;
}

// How many units each form may cover: the ends of the allowed range and the
// counts just outside it.
struct CoverageCase {
  OrgForm form;
  std::vector<int> allowed;
  std::vector<int> refused;
};

class CoverageCountTest : public ::testing::TestWithParam<CoverageCase> {};

TEST_P(CoverageCountTest, AllowsOnlyTheFormsCounts) {
  const CoverageCase& c = GetParam();
  for (int n : c.allowed) {
    EXPECT_TRUE(ValidatePartyOrgFields(OrgCovering(c.form, Units(n)), "party_org.").ok())
        << n << " units";
  }
  for (int n : c.refused) {
    EXPECT_THAT(ValidatePartyOrgFields(OrgCovering(c.form, Units(n)), "party_org."),
                StatusIs(kInvalid, HasSubstr(absl::StrCat("party_org.units: a ", FormName(c.form),
                                                          " covers "))))
        << n << " units";
  }
}

constexpr int kMax = static_cast<int>(kMaxCoveredUnits);

INSTANTIATE_TEST_SUITE_P(
    Forms, CoverageCountTest,
    ::testing::Values(CoverageCase{OrgForm::kWorkingCommittee, {1}, {0, 2}},
                      CoverageCase{OrgForm::kPartyCommittee, {1}, {0, 2}},
                      CoverageCase{OrgForm::kGeneralBranch, {1, 3, kMax}, {0, kMax + 1}},
                      CoverageCase{OrgForm::kBranch, {1}, {0, 2}},
                      CoverageCase{OrgForm::kJointBranch, {2, kMax}, {0, 1, kMax + 1}},
                      CoverageCase{OrgForm::kFunctionalBranch, {0, 1, kMax}, {kMax + 1}},
                      CoverageCase{OrgForm::kPartyGroup, {1, 5, kMax}, {0, kMax + 1}}),
    [](const auto& info) { return std::string(FormName(info.param.form)); });

TEST(ValidatePartyOrgFieldsTest, SaysWhatCountIsExpected) {
  EXPECT_THAT(
      ValidatePartyOrgFields(OrgCovering(OrgForm::kBranch, Units(2)), "party_org."),
      StatusIs(kInvalid, HasSubstr("party_org.units: a BRANCH covers exactly 1 unit; got 2")));
  EXPECT_THAT(
      ValidatePartyOrgFields(OrgCovering(OrgForm::kJointBranch, Units(1)), "party_org."),
      StatusIs(kInvalid, HasSubstr("a JOINT_BRANCH covers between 2 and 1000 units; got 1")));
}

TEST(ValidatePartyOrgFieldsTest, RefusesDuplicateUnits) {
  EXPECT_THAT(ValidatePartyOrgFields(OrgCovering(OrgForm::kJointBranch, {4, 9, 4}), "party_org."),
              StatusIs(kInvalid, HasSubstr("party_org.units: names a unit twice")));
}

TEST(ValidatePartyOrgFieldsTest, RefusesAMissingOrUnknownForm) {
  for (OrgForm form : {OrgForm::kUnspecified, static_cast<OrgForm>(8)}) {
    EXPECT_THAT(ValidatePartyOrgFields(OrgCovering(form, Units(1)), "party_org."),
                StatusIs(kInvalid, HasSubstr("party_org.form: is required")));
  }
}

TEST(ValidatePartyOrgFieldsTest, ChecksTheDisplayName) {
  PartyOrg org = OrgCovering(OrgForm::kBranch, Units(1));
  org.display_name = "";
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(kInvalid, HasSubstr("party_org.display_name: is required")));
  org.display_name = "\t";
  EXPECT_THAT(
      ValidatePartyOrgFields(org, "party_org."),
      StatusIs(kInvalid, HasSubstr("party_org.display_name: must not contain control characters")));
}

TEST(ValidatePartyOrgFieldsTest, RefusesAnUnknownRating) {
  PartyOrg org = OrgCovering(OrgForm::kBranch, Units(1));
  org.rating = Rating::kLagging;
  EXPECT_TRUE(ValidatePartyOrgFields(org, "party_org.").ok());
  org.rating = static_cast<Rating>(4);
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(kInvalid, HasSubstr("party_org.rating: is not a known rating")));
}

TEST(ValidatePartyOrgFieldsTest, ChecksTheEstablishedDateRange) {
  PartyOrg org = OrgCovering(OrgForm::kBranch, Units(1));
  for (absl::CivilDay day :
       {absl::CivilDay(1900, 1, 1), absl::CivilDay(2021, 7, 1), absl::CivilDay(2200, 12, 31)}) {
    org.established_date = day;
    EXPECT_TRUE(ValidatePartyOrgFields(org, "party_org.").ok()) << day;
  }
  for (absl::CivilDay day : {absl::CivilDay(1899, 12, 31), absl::CivilDay(2201, 1, 1)}) {
    org.established_date = day;
    EXPECT_THAT(
        ValidatePartyOrgFields(org, "party_org."),
        StatusIs(kInvalid, HasSubstr("party_org.established_date: year must be between 1900")))
        << day;
  }
}

TEST(CoverageRuleTest, LevelsFollowTheHierarchy) {
  EXPECT_THAT(CoverageRuleFor(OrgForm::kWorkingCommittee).levels, ElementsAre(Level::kStreet));
  EXPECT_THAT(CoverageRuleFor(OrgForm::kPartyCommittee).levels,
              ElementsAre(Level::kCommunity, Level::kCompound));
  EXPECT_THAT(CoverageRuleFor(OrgForm::kBranch).levels, ElementsAre(Level::kCompound));
  EXPECT_THAT(CoverageRuleFor(OrgForm::kPartyGroup).levels, ElementsAre(Level::kBuilding));
  EXPECT_THAT(CoverageRuleFor(OrgForm::kFunctionalBranch).levels,
              ElementsAre(Level::kCompound, Level::kBuilding));
  EXPECT_TRUE(CoverageRuleFor(OrgForm::kUnspecified).levels.empty());
}

TEST(CoverageRuleTest, JoinedUnitsShareAParent) {
  // A joint branch joins compounds of one community; a party group the
  // buildings of one compound.
  EXPECT_TRUE(CoverageRuleFor(OrgForm::kJointBranch).same_parent);
  EXPECT_TRUE(CoverageRuleFor(OrgForm::kGeneralBranch).same_parent);
  EXPECT_TRUE(CoverageRuleFor(OrgForm::kPartyGroup).same_parent);
  EXPECT_FALSE(CoverageRuleFor(OrgForm::kFunctionalBranch).same_parent);
}

TEST(FormRankTest, OrdersTheHierarchy) {
  EXPECT_LT(FormRank(OrgForm::kWorkingCommittee), FormRank(OrgForm::kPartyCommittee));
  EXPECT_LT(FormRank(OrgForm::kPartyCommittee), FormRank(OrgForm::kGeneralBranch));
  EXPECT_LT(FormRank(OrgForm::kGeneralBranch), FormRank(OrgForm::kBranch));
  EXPECT_LT(FormRank(OrgForm::kBranch), FormRank(OrgForm::kPartyGroup));
  // Branches of every kind stand level: none may sit above another.
  EXPECT_EQ(FormRank(OrgForm::kBranch), FormRank(OrgForm::kJointBranch));
  EXPECT_EQ(FormRank(OrgForm::kBranch), FormRank(OrgForm::kFunctionalBranch));
  // An unspecified form ranks below everything, so it can be no one's parent.
  for (OrgForm form : kAllForms) EXPECT_LT(FormRank(form), FormRank(OrgForm::kUnspecified));
}

TEST(FormNameTest, RoundTripsEveryForm) {
  for (OrgForm form : kAllForms) {
    EXPECT_THAT(ParseFormName(FormName(form)), Optional(form)) << FormName(form);
  }
  EXPECT_EQ(FormName(OrgForm::kBranch), "BRANCH");
  EXPECT_EQ(FormName(OrgForm::kUnspecified), "FORM_UNSPECIFIED");
  EXPECT_EQ(ParseFormName("FORM_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseFormName("branch"), std::nullopt);
}

TEST(RatingNameTest, RoundTripsEveryRating) {
  for (Rating rating : {Rating::kAdvanced, Rating::kOrdinary, Rating::kLagging}) {
    EXPECT_THAT(ParseRatingName(RatingName(rating)), Optional(rating)) << RatingName(rating);
  }
  EXPECT_EQ(RatingName(Rating::kLagging), "LAGGING");
  EXPECT_EQ(ParseRatingName("RATING_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseRatingName(""), std::nullopt);
}

TEST(IsTerritorialTest, OnlyFunctionalBranchesAreNot) {
  for (OrgForm form : kAllForms) {
    EXPECT_EQ(IsTerritorial(form), form != OrgForm::kFunctionalBranch) << FormName(form);
  }
}

TEST(PartyOrgNameTest, RoundTrips) {
  EXPECT_EQ(PartyOrgName(7), "partyOrgs/7");
  const absl::StatusOr<int64_t> id = ParsePartyOrgName("partyOrgs/7", "party_org.parent");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, 7);
}

TEST(PartyOrgNameTest, RefusesOtherNamesNamingTheField) {
  EXPECT_THAT(ParsePartyOrgName("units/7", "party_org.parent").status(),
              StatusIs(kInvalid, HasSubstr("party_org.parent: must look like partyOrgs/{id}")));
}

}  // namespace
}  // namespace grassroots::org

namespace grassroots::org {
namespace {

// The 2020 election regulations: 5 years for community bodies, 3 for other
// (functional) branches; a postponement of at most a year.
TEST(TermTest, DefaultYearsFollowTheFormAndTheEndFollowsTheStart) {
  EXPECT_EQ(DefaultTermYears(OrgForm::kPartyCommittee), 5);
  EXPECT_EQ(DefaultTermYears(OrgForm::kWorkingCommittee), 5);
  EXPECT_EQ(DefaultTermYears(OrgForm::kBranch), 5);
  EXPECT_EQ(DefaultTermYears(OrgForm::kFunctionalBranch), 3);
  Term term{.start = absl::CivilDay(2021, 6, 1)};
  EXPECT_EQ(TermEnd(term, OrgForm::kBranch), absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(TermEnd(term, OrgForm::kFunctionalBranch), absl::CivilDay(2024, 6, 1));
  term.years = 3;
  EXPECT_EQ(TermEnd(term, OrgForm::kBranch), absl::CivilDay(2024, 6, 1));
  EXPECT_EQ(TermEnd(Term{}, OrgForm::kBranch), std::nullopt);
}

TEST(TermTest, AnElectionIsOverdueAfterTheTermUnlessPostponed) {
  Term term{.start = absl::CivilDay(2021, 6, 1)};
  EXPECT_FALSE(ElectionOverdue(term, OrgForm::kBranch, absl::CivilDay(2026, 6, 1)));
  EXPECT_TRUE(ElectionOverdue(term, OrgForm::kBranch, absl::CivilDay(2026, 6, 2)));
  term.postponed_until = absl::CivilDay(2026, 12, 31);
  EXPECT_FALSE(ElectionOverdue(term, OrgForm::kBranch, absl::CivilDay(2026, 12, 31)));
  EXPECT_TRUE(ElectionOverdue(term, OrgForm::kBranch, absl::CivilDay(2027, 1, 1)));
  EXPECT_FALSE(ElectionOverdue(Term{}, OrgForm::kBranch, absl::CivilDay(2099, 1, 1)));
}

TEST(TermTest, FieldsAreValidated) {
  PartyOrg org = OrgCovering(OrgForm::kBranch, {4});
  org.term.start = absl::CivilDay(2021, 6, 1);
  org.term.years = 6;
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("party_org.term.years")));
  org.term.years = 0;
  org.term.postponed_until = absl::CivilDay(2027, 6, 2);  // more than a year
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("party_org.term.postponed_until: an election is postponed by at "
                                 "most a year: between 2026-06-01 and 2027-06-01")));
  org.term.postponed_until = absl::CivilDay(2027, 6, 1);
  EXPECT_TRUE(ValidatePartyOrgFields(org, "party_org.").ok());
  org.term.start.reset();
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("needs term.start_date")));
}

TEST(RatingRecordTest, OneAYearInOrderWithStarsUpToFive) {
  PartyOrg org = OrgCovering(OrgForm::kBranch, {4});
  org.ratings = {{2024, Rating::kOrdinary, 3, false}, {2025, Rating::kAdvanced, 5, false}};
  EXPECT_TRUE(ValidatePartyOrgFields(org, "party_org.").ok());
  org.ratings.push_back({2025, Rating::kLagging, 0, true});
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("party_org.ratings[2].year: ratings are one a year")));
  org.ratings.back().year = 2026;
  org.ratings.back().stars = 6;
  EXPECT_THAT(ValidatePartyOrgFields(org, "party_org."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("ratings[2].stars")));
}

}  // namespace
}  // namespace grassroots::org
