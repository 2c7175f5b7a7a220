#include "org_service/unit.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
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

std::string Repeat(absl::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(piece.data(), piece.size());
  return out;
}

// A unit that passes ValidateNewUnit at `level`.
Unit ValidUnit(Level level) {
  Unit unit;
  unit.level = level;
  unit.parent_id = level == Level::kDistrict ? 0 : 7;
  unit.display_name = "幸福花园";
  unit.code = "330102-001";
  return unit;
}

Unit ValidCompound(CompoundDetails details) {
  Unit unit = ValidUnit(Level::kCompound);
  unit.details = details;
  return unit;
}

Unit ValidBuilding(BuildingDetails details) {
  Unit unit = ValidUnit(Level::kBuilding);
  unit.details = std::move(details);
  return unit;
}

class EveryLevelTest : public ::testing::TestWithParam<Level> {};

TEST_P(EveryLevelTest, AcceptsAValidUnit) {
  EXPECT_TRUE(ValidateNewUnit(ValidUnit(GetParam()), "unit.").ok());
}

TEST_P(EveryLevelTest, NamesRoundTrip) {
  EXPECT_THAT(ParseLevelName(LevelName(GetParam())), Optional(GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Levels, EveryLevelTest,
                         ::testing::Values(Level::kDistrict, Level::kStreet, Level::kCommunity,
                                           Level::kCompound, Level::kBuilding),
                         [](const auto& info) { return std::string(LevelName(info.param)); });

TEST(ValidateNewUnitTest, RefusesAMissingOrUnknownLevel) {
  for (Level level : {Level::kUnspecified, static_cast<Level>(6), static_cast<Level>(-1)}) {
    Unit unit = ValidUnit(Level::kStreet);
    unit.level = level;
    EXPECT_THAT(ValidateNewUnit(unit, "unit."),
                StatusIs(kInvalid, HasSubstr("unit.level: is required")));
  }
}

TEST(ValidateNewUnitTest, ADistrictHasNoParent) {
  Unit unit = ValidUnit(Level::kDistrict);
  unit.parent_id = 3;
  EXPECT_THAT(ValidateNewUnit(unit, "unit."),
              StatusIs(kInvalid, HasSubstr("unit.parent: must be empty for a DISTRICT")));
}

TEST(ValidateNewUnitTest, EveryOtherLevelNeedsAParent) {
  for (Level level : {Level::kStreet, Level::kCommunity, Level::kCompound, Level::kBuilding}) {
    Unit unit = ValidUnit(level);
    unit.parent_id = 0;
    EXPECT_THAT(ValidateNewUnit(unit, "unit."),
                StatusIs(kInvalid, HasSubstr(absl::StrCat("unit.parent: is required for a ",
                                                          LevelName(level)))));
  }
}

TEST(ValidateNewUnitTest, ChecksTheDisplayName) {
  Unit unit = ValidUnit(Level::kCommunity);
  unit.display_name = Repeat("社", kMaxDisplayNameChars);
  EXPECT_TRUE(ValidateNewUnit(unit, "unit.").ok());

  for (const std::string& bad : {std::string(), std::string("  "), Repeat("社", 129),
                                 std::string("a\nb"), std::string("\xFF")}) {
    unit.display_name = bad;
    EXPECT_THAT(ValidateNewUnit(unit, "unit."),
                StatusIs(kInvalid, HasSubstr("unit.display_name: ")))
        << absl::CEscape(bad);
  }
}

TEST(ValidateNewUnitTest, ChecksTheCode) {
  Unit unit = ValidUnit(Level::kStreet);
  for (const std::string& good :
       {std::string("a"), std::string("3301_02-A"), std::string(kMaxCodeLength, '9')}) {
    unit.code = good;
    EXPECT_TRUE(ValidateNewUnit(unit, "unit.").ok()) << good;
  }
  unit.code = "";
  EXPECT_THAT(ValidateNewUnit(unit, "unit."),
              StatusIs(kInvalid, HasSubstr("unit.code: is required")));
  unit.code = std::string(kMaxCodeLength + 1, '9');
  EXPECT_THAT(ValidateNewUnit(unit, "unit."),
              StatusIs(kInvalid, HasSubstr("unit.code: is longer than 32")));
  for (const std::string& bad : {std::string("33 01"), std::string("33.01"), std::string("三三")}) {
    unit.code = bad;
    EXPECT_THAT(ValidateNewUnit(unit, "unit."),
                StatusIs(kInvalid, HasSubstr("unit.code: may hold only ASCII letters")))
        << bad;
  }
}

TEST(ValidateNewUnitTest, DetailsOnlyAtTheirLevel) {
  EXPECT_TRUE(ValidateNewUnit(ValidCompound({}), "unit.").ok());
  EXPECT_TRUE(ValidateNewUnit(ValidBuilding({}), "unit.").ok());

  for (Level level : {Level::kDistrict, Level::kStreet, Level::kCommunity, Level::kBuilding}) {
    Unit unit = ValidUnit(level);
    unit.details = CompoundDetails{};
    EXPECT_THAT(
        ValidateNewUnit(unit, "unit."),
        StatusIs(kInvalid, HasSubstr(absl::StrCat("unit.compound: is only for COMPOUND units, not ",
                                                  LevelName(level)))));
  }
  for (Level level : {Level::kDistrict, Level::kStreet, Level::kCommunity, Level::kCompound}) {
    Unit unit = ValidUnit(level);
    unit.details = BuildingDetails{};
    EXPECT_THAT(
        ValidateNewUnit(unit, "unit."),
        StatusIs(kInvalid, HasSubstr(absl::StrCat("unit.building: is only for BUILDING units, not ",
                                                  LevelName(level)))));
  }
}

TEST(ValidateNewUnitTest, ARedPropertyNeedsAPropertyCompany) {
  CompoundDetails details;
  details.red_property = true;
  EXPECT_THAT(
      ValidateNewUnit(ValidCompound(details), "unit."),
      StatusIs(kInvalid, HasSubstr("unit.compound.red_property: needs has_property_company")));
  details.has_property_company = true;
  EXPECT_TRUE(ValidateNewUnit(ValidCompound(details), "unit.").ok());
}

TEST(ValidateNewUnitTest, ARedOwnersCommitteeNeedsAnOwnersCommittee) {
  CompoundDetails details;
  details.red_owners_committee = true;
  EXPECT_THAT(
      ValidateNewUnit(ValidCompound(details), "unit."),
      StatusIs(kInvalid,
               HasSubstr("unit.compound.red_owners_committee: needs has_owners_committee")));
  details.has_owners_committee = true;
  EXPECT_TRUE(ValidateNewUnit(ValidCompound(details), "unit.").ok());
}

TEST(ValidateNewUnitTest, ChecksCompoundRanges) {
  CompoundDetails details;
  details.kind = CompoundKind::kOld;
  details.renovation_status = RenovationStatus::kCompleted;
  details.households = kMaxCompoundHouseholds;
  EXPECT_TRUE(ValidateNewUnit(ValidCompound(details), "unit.").ok());

  for (int32_t households : {-1, kMaxCompoundHouseholds + 1}) {
    details.households = households;
    EXPECT_THAT(
        ValidateNewUnit(ValidCompound(details), "unit."),
        StatusIs(kInvalid, HasSubstr("unit.compound.households: must be between 0 and 1000000")));
  }
  details.households = 0;

  details.kind = static_cast<CompoundKind>(6);
  EXPECT_THAT(ValidateNewUnit(ValidCompound(details), "unit."),
              StatusIs(kInvalid, HasSubstr("unit.compound.kind: is not a known kind")));
  details.kind = CompoundKind::kOld;

  details.renovation_status = static_cast<RenovationStatus>(5);
  EXPECT_THAT(
      ValidateNewUnit(ValidCompound(details), "unit."),
      StatusIs(kInvalid, HasSubstr("unit.compound.renovation_status: is not a known status")));
}

TEST(ValidateNewUnitTest, ChecksBuildingRanges) {
  BuildingDetails details;
  details.households = kMaxBuildingHouseholds;
  details.floors = kMaxBuildingFloors;
  details.address = Repeat("路", kMaxAddressChars);
  EXPECT_TRUE(ValidateNewUnit(ValidBuilding(details), "unit.").ok());

  BuildingDetails bad = details;
  bad.households = kMaxBuildingHouseholds + 1;
  EXPECT_THAT(
      ValidateNewUnit(ValidBuilding(bad), "unit."),
      StatusIs(kInvalid, HasSubstr("unit.building.households: must be between 0 and 10000")));
  bad = details;
  bad.floors = -1;
  EXPECT_THAT(ValidateNewUnit(ValidBuilding(bad), "unit."),
              StatusIs(kInvalid, HasSubstr("unit.building.floors: must be between 0 and 200")));
  bad = details;
  bad.floors = kMaxBuildingFloors + 1;
  EXPECT_THAT(ValidateNewUnit(ValidBuilding(bad), "unit."),
              StatusIs(kInvalid, HasSubstr("unit.building.floors")));
  bad = details;
  bad.address = Repeat("路", kMaxAddressChars + 1);
  EXPECT_THAT(ValidateNewUnit(ValidBuilding(bad), "unit."),
              StatusIs(kInvalid, HasSubstr("unit.building.address: is 257 characters long")));
  bad = details;
  bad.address = "";  // optional
  EXPECT_TRUE(ValidateNewUnit(ValidBuilding(bad), "unit.").ok());
}

TEST(ValidateDetailsTest, UsesTheGivenPrefix) {
  // Update validates details on their own, under the request's field path.
  CompoundDetails details;
  details.red_property = true;
  EXPECT_THAT(ValidateDetails(Level::kCompound, details, "update_unit."),
              StatusIs(kInvalid, HasSubstr("update_unit.compound.red_property")));
  EXPECT_TRUE(ValidateDetails(Level::kStreet, UnitDetails{}, "unit.").ok());
}

TEST(CheckEtagTest, AnEmptyOrCurrentEtagPasses) {
  EXPECT_TRUE(CheckEtag("", 5, "units/1").ok());
  EXPECT_TRUE(CheckEtag(EtagForRevision(5), 5, "units/1").ok());
}

TEST(CheckEtagTest, AStaleEtagIsAborted) {
  EXPECT_THAT(CheckEtag(EtagForRevision(4), 5, "units/1"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("etag: units/1 has changed")));
  EXPECT_THAT(CheckEtag("garbage", 5, "units/1"),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("etag: units/1")));
}

TEST(EtagForRevisionTest, DiffersPerRevision) {
  EXPECT_NE(EtagForRevision(1), EtagForRevision(2));
  EXPECT_NE(EtagForRevision(1), EtagForRevision(11));
  EXPECT_EQ(EtagForRevision(3), EtagForRevision(3));
}

TEST(IsParentLevelTest, ParentIsExactlyOneLevelUp) {
  EXPECT_TRUE(IsParentLevel(Level::kDistrict, Level::kStreet));
  EXPECT_TRUE(IsParentLevel(Level::kStreet, Level::kCommunity));
  EXPECT_TRUE(IsParentLevel(Level::kCommunity, Level::kCompound));
  EXPECT_TRUE(IsParentLevel(Level::kCompound, Level::kBuilding));

  EXPECT_FALSE(IsParentLevel(Level::kStreet, Level::kCompound));       // skips a level
  EXPECT_FALSE(IsParentLevel(Level::kStreet, Level::kStreet));         // same level
  EXPECT_FALSE(IsParentLevel(Level::kCommunity, Level::kStreet));      // upside down
  EXPECT_FALSE(IsParentLevel(Level::kUnspecified, Level::kDistrict));  // districts are roots
}

TEST(LevelNameTest, UnknownNamesAreRefused) {
  EXPECT_EQ(ParseLevelName("LEVEL_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseLevelName("compound"), std::nullopt);
  EXPECT_EQ(ParseLevelName(""), std::nullopt);
  EXPECT_EQ(LevelName(Level::kUnspecified), "LEVEL_UNSPECIFIED");
}

TEST(CompoundKindNameTest, ParsesProtoNames) {
  EXPECT_THAT(ParseCompoundKindName("OLD"), Optional(CompoundKind::kOld));
  EXPECT_THAT(ParseCompoundKindName("RURAL_CONCENTRATED"),
              Optional(CompoundKind::kRuralConcentrated));
  EXPECT_EQ(ParseCompoundKindName("KIND_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseCompoundKindName("old"), std::nullopt);
}

TEST(UnitNameTest, RoundTrips) {
  EXPECT_EQ(UnitName(42), "units/42");
  const absl::StatusOr<int64_t> id = ParseUnitName("units/42", "unit.parent");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, 42);
}

TEST(UnitNameTest, RefusesOtherNamesNamingTheField) {
  EXPECT_THAT(ParseUnitName("partyOrgs/42", "unit.parent").status(),
              StatusIs(kInvalid, HasSubstr("unit.parent: must look like units/{id}")));
  EXPECT_THAT(ParseUnitName("", "unit.parent").status(),
              StatusIs(kInvalid, HasSubstr("unit.parent: is required")));
}

}  // namespace
}  // namespace grassroots::org
