#include "org_service/org_filter.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

using ::grassroots::testing::kInvalid;

UnitFilter UnitFilterOk(absl::string_view text) {
  absl::StatusOr<UnitFilter> filter = ParseUnitFilter(text);
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
  return filter.ok() ? *std::move(filter) : UnitFilter{};
}

PartyOrgFilter PartyOrgFilterOk(absl::string_view text) {
  absl::StatusOr<PartyOrgFilter> filter = ParsePartyOrgFilter(text);
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
  return filter.ok() ? *std::move(filter) : PartyOrgFilter{};
}

Unit MakeCompound(std::string display_name, std::string code, CompoundKind kind) {
  Unit unit;
  unit.id = 10;
  unit.parent_id = 3;
  unit.level = Level::kCompound;
  unit.display_name = std::move(display_name);
  unit.code = std::move(code);
  CompoundDetails details;
  details.kind = kind;
  unit.details = details;
  return unit;
}

PartyOrg MakeOrg(OrgForm form, Rating rating, std::string display_name,
                 std::vector<int64_t> unit_ids) {
  PartyOrg org;
  org.id = 5;
  org.form = form;
  org.rating = rating;
  org.display_name = std::move(display_name);
  org.unit_ids = std::move(unit_ids);
  return org;
}

// --- ListUnits ---

TEST(ParseUnitFilterTest, EmptySetsNothing) {
  const UnitFilter filter = UnitFilterOk("");
  EXPECT_EQ(filter.level, std::nullopt);
  EXPECT_EQ(filter.name_contains, std::nullopt);
  EXPECT_EQ(filter.name_equals, std::nullopt);
  EXPECT_EQ(filter.code, std::nullopt);
  EXPECT_EQ(filter.compound_kind, std::nullopt);
}

TEST(ParseUnitFilterTest, ReadsEveryField) {
  const UnitFilter filter = UnitFilterOk(
      R"(level = COMPOUND AND display_name : "花园" AND code = "3301" AND compound.kind = OLD)");
  EXPECT_THAT(filter.level, Optional(Level::kCompound));
  EXPECT_THAT(filter.name_contains, Optional(std::string("花园")));
  EXPECT_EQ(filter.name_equals, std::nullopt);
  EXPECT_THAT(filter.code, Optional(std::string("3301")));
  EXPECT_THAT(filter.compound_kind, Optional(CompoundKind::kOld));
}

TEST(ParseUnitFilterTest, DisplayNameEqualsIsExact) {
  const UnitFilter filter = UnitFilterOk(R"(display_name = "幸福花园")");
  EXPECT_THAT(filter.name_equals, Optional(std::string("幸福花园")));
  EXPECT_EQ(filter.name_contains, std::nullopt);
}

TEST(ParseUnitFilterTest, EnumValuesMayBeQuoted) {
  EXPECT_THAT(UnitFilterOk(R"(level = "STREET")").level, Optional(Level::kStreet));
  EXPECT_THAT(UnitFilterOk("compound.kind = URBAN_VILLAGE").compound_kind,
              Optional(CompoundKind::kUrbanVillage));
}

TEST(ParseUnitFilterTest, RefusesUnknownFields) {
  EXPECT_THAT(
      ParseUnitFilter("form = BRANCH").status(),
      StatusIs(kInvalid, HasSubstr("filter: form: is not a field this list filters on; use level, "
                                   "display_name, code, compound.kind")));
  EXPECT_THAT(ParseUnitFilter("compound.households = 3").status(),
              StatusIs(kInvalid, HasSubstr("filter: compound.households: is not a field")));
}

TEST(ParseUnitFilterTest, RefusesHasOnFieldsThatTakeOnlyEquals) {
  EXPECT_THAT(ParseUnitFilter("level : COMPOUND").status(),
              StatusIs(kInvalid, HasSubstr("filter: level: takes only =, as in level = COMPOUND")));
  EXPECT_THAT(ParseUnitFilter("code : 33").status(),
              StatusIs(kInvalid, HasSubstr("filter: code: takes only =")));
  EXPECT_THAT(ParseUnitFilter("compound.kind : OLD").status(),
              StatusIs(kInvalid, HasSubstr("filter: compound.kind: takes only =")));
}

TEST(ParseUnitFilterTest, RefusesUnknownEnumNames) {
  for (absl::string_view text :
       {"level = CITY", "level = compound", "level = LEVEL_UNSPECIFIED", "level = 4"}) {
    EXPECT_THAT(ParseUnitFilter(text).status(), StatusIs(kInvalid, HasSubstr("filter: level: \"")))
        << text;
  }
  EXPECT_THAT(
      ParseUnitFilter("compound.kind = SHINY").status(),
      StatusIs(kInvalid, HasSubstr("filter: compound.kind: \"SHINY\" is not a known value")));
}

TEST(ParseUnitFilterTest, RefusesAFieldGivenTwice) {
  EXPECT_THAT(ParseUnitFilter("level = STREET AND level = COMPOUND").status(),
              StatusIs(kInvalid, HasSubstr("filter: level: is given twice")));
  EXPECT_THAT(ParseUnitFilter(R"(display_name : "花" AND display_name = "花园")").status(),
              StatusIs(kInvalid, HasSubstr("filter: display_name: is given twice")));
}

TEST(ParseUnitFilterTest, PassesSyntaxErrorsThrough) {
  EXPECT_THAT(ParseUnitFilter("level = STREET OR level = COMPOUND").status(),
              StatusIs(kInvalid, HasSubstr("filter: at position 16: OR is not supported")));
}

TEST(UnitFilterTest, EmptyMatchesEverything) {
  EXPECT_TRUE(UnitFilter{}.Matches(MakeCompound("幸福花园", "A1", CompoundKind::kOld)));
  EXPECT_TRUE(UnitFilter{}.Matches(Unit{}));
}

TEST(UnitFilterTest, MatchesEachCondition) {
  const Unit unit = MakeCompound("幸福花园", "A1", CompoundKind::kOld);
  EXPECT_TRUE(UnitFilterOk("level = COMPOUND").Matches(unit));
  EXPECT_FALSE(UnitFilterOk("level = BUILDING").Matches(unit));
  EXPECT_TRUE(UnitFilterOk(R"(display_name : "花园")").Matches(unit));
  EXPECT_TRUE(UnitFilterOk(R"(display_name : "幸福花园")").Matches(unit));
  EXPECT_FALSE(UnitFilterOk(R"(display_name : "家园")").Matches(unit));
  EXPECT_TRUE(UnitFilterOk(R"(display_name = "幸福花园")").Matches(unit));
  EXPECT_FALSE(UnitFilterOk(R"(display_name = "花园")").Matches(unit));
  EXPECT_TRUE(UnitFilterOk("code = A1").Matches(unit));
  EXPECT_FALSE(UnitFilterOk("code = a1").Matches(unit));
  EXPECT_TRUE(UnitFilterOk("compound.kind = OLD").Matches(unit));
  EXPECT_FALSE(UnitFilterOk("compound.kind = COMMODITY").Matches(unit));
}

TEST(UnitFilterTest, AllConditionsMustHold) {
  const Unit unit = MakeCompound("幸福花园", "A1", CompoundKind::kOld);
  EXPECT_TRUE(UnitFilterOk("level = COMPOUND AND compound.kind = OLD").Matches(unit));
  EXPECT_FALSE(UnitFilterOk("level = COMPOUND AND compound.kind = RESETTLEMENT").Matches(unit));
  EXPECT_FALSE(UnitFilterOk("level = STREET AND compound.kind = OLD").Matches(unit));
}

TEST(UnitFilterTest, ACompoundKindNeverMatchesUnitsWithoutCompoundDetails) {
  Unit street;
  street.level = Level::kStreet;
  street.display_name = "和平街道";
  EXPECT_FALSE(UnitFilterOk("compound.kind = OLD").Matches(street));
  Unit bare_compound = MakeCompound("幸福花园", "A1", CompoundKind::kOld);
  bare_compound.details = std::monostate{};
  EXPECT_FALSE(UnitFilterOk("compound.kind = OLD").Matches(bare_compound));
}

// --- ListPartyOrgs ---

TEST(ParsePartyOrgFilterTest, ReadsEveryField) {
  const PartyOrgFilter filter = PartyOrgFilterOk(
      R"(form = BRANCH AND rating = LAGGING AND display_name : "支部" AND unit = "units/12")");
  EXPECT_THAT(filter.form, Optional(OrgForm::kBranch));
  EXPECT_THAT(filter.rating, Optional(Rating::kLagging));
  EXPECT_THAT(filter.name_contains, Optional(std::string("支部")));
  EXPECT_EQ(filter.name_equals, std::nullopt);
  EXPECT_THAT(filter.unit_id, Optional(12));
}

TEST(ParsePartyOrgFilterTest, AUnitNameMayBeBare) {
  EXPECT_THAT(PartyOrgFilterOk("unit = units/12").unit_id, Optional(12));
}

TEST(ParsePartyOrgFilterTest, RefusesABadUnitName) {
  EXPECT_THAT(ParsePartyOrgFilter(R"(unit = "partyOrgs/12")").status(),
              StatusIs(kInvalid, HasSubstr("filter: unit: must look like units/{id}")));
  EXPECT_THAT(ParsePartyOrgFilter(R"(unit = "")").status(),
              StatusIs(kInvalid, HasSubstr("filter: unit: is required")));
  EXPECT_THAT(ParsePartyOrgFilter(R"(unit : "units/12")").status(),
              StatusIs(kInvalid, HasSubstr("filter: unit: takes only =")));
}

TEST(ParsePartyOrgFilterTest, RefusesUnknownEnumNames) {
  EXPECT_THAT(ParsePartyOrgFilter("form = CELL").status(),
              StatusIs(kInvalid, HasSubstr("filter: form: \"CELL\" is not a known value")));
  EXPECT_THAT(ParsePartyOrgFilter("rating = EXCELLENT").status(),
              StatusIs(kInvalid, HasSubstr("filter: rating: \"EXCELLENT\" is not a known value")));
}

TEST(ParsePartyOrgFilterTest, RefusesUnitFields) {
  EXPECT_THAT(
      ParsePartyOrgFilter("level = COMPOUND").status(),
      StatusIs(kInvalid, HasSubstr("filter: level: is not a field this list filters on; use form, "
                                   "rating, display_name, unit")));
}

TEST(ParsePartyOrgFilterTest, RefusesAFieldGivenTwice) {
  EXPECT_THAT(ParsePartyOrgFilter("unit = units/1 AND unit = units/2").status(),
              StatusIs(kInvalid, HasSubstr("filter: unit: is given twice")));
}

TEST(PartyOrgFilterTest, MatchesEachCondition) {
  const PartyOrg org =
      MakeOrg(OrgForm::kJointBranch, Rating::kAdvanced, "东区联合党支部", {12, 15, 40});
  EXPECT_TRUE(PartyOrgFilter{}.Matches(org));
  EXPECT_TRUE(PartyOrgFilterOk("form = JOINT_BRANCH").Matches(org));
  EXPECT_FALSE(PartyOrgFilterOk("form = BRANCH").Matches(org));
  EXPECT_TRUE(PartyOrgFilterOk("rating = ADVANCED").Matches(org));
  EXPECT_FALSE(PartyOrgFilterOk("rating = LAGGING").Matches(org));
  EXPECT_TRUE(PartyOrgFilterOk(R"(display_name : "联合")").Matches(org));
  EXPECT_FALSE(PartyOrgFilterOk(R"(display_name = "联合党支部")").Matches(org));
  for (int64_t covered : {12, 15, 40}) {
    EXPECT_TRUE(PartyOrgFilterOk(absl::StrCat("unit = units/", covered)).Matches(org));
  }
  EXPECT_FALSE(PartyOrgFilterOk("unit = units/13").Matches(org));
}

TEST(PartyOrgFilterTest, AnUnratedOrgMatchesNoRating) {
  const PartyOrg org = MakeOrg(OrgForm::kBranch, Rating::kUnspecified, "党支部", {1});
  EXPECT_FALSE(PartyOrgFilterOk("rating = ORDINARY").Matches(org));
}

}  // namespace
}  // namespace grassroots::org
