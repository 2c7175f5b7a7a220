// Reading orgctl's flag values: each mistake is a usage error (exit 2)
// naming the flag, noticed before any call.

#include "cli/common_commands.h"

#include <functional>
#include <set>
#include <string>

#include "common/text.h"
#include "gmock/gmock.h"
#include "grassroots/org/v1/resources.pb.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "gtest/gtest.h"
#include "tests/cli/usage_error.h"

namespace grassroots::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(ResourceNameTest, AcceptsNamesAndBareIds) {
  EXPECT_EQ(ResourceName("units/12", "units", "--parent"), "units/12");
  EXPECT_EQ(ResourceName("12", "units", "--parent"), "units/12");
  EXPECT_EQ(ResourceName("partyOrgs/3", "partyOrgs", "--org"), "partyOrgs/3");
}

TEST(ResourceNameTest, RefusesOtherCollectionsAndMalformedIds) {
  EXPECT_THAT(UsageErrorOf([] { ResourceName("partyOrgs/3", "units", "--parent"); }),
              HasSubstr("--parent: 'partyOrgs/3' is not a name like units/12"));
  EXPECT_THAT(UsageErrorOf([] { ResourceName("units/0", "units", "--to"); }), HasSubstr("--to"));
  EXPECT_THAT(UsageErrorOf([] { ResourceName("units/x", "units", "--to"); }), HasSubstr("--to"));
  EXPECT_THAT(UsageErrorOf([] { ResourceName("-3", "units", "--to"); }), HasSubstr("--to"));
  EXPECT_THAT(UsageErrorOf([] { ResourceName("", "units", "NAME"); }), HasSubstr("NAME"));
}

TEST(ResourceNameTest, OptionalNameMayBeEmpty) {
  EXPECT_EQ(OptionalResourceName("", "units", "--parent"), "");
  EXPECT_EQ(OptionalResourceName("7", "units", "--parent"), "units/7");
}

TEST(PlaceNameTest, IsAUnitOrAPartyOrganisation) {
  EXPECT_EQ(PlaceName("units/9", "--place"), "units/9");
  EXPECT_EQ(PlaceName("partyOrgs/2", "--place"), "partyOrgs/2");
  EXPECT_THAT(UsageErrorOf([] { PlaceName("people/2", "--place"); }), HasSubstr("--place"));
  EXPECT_THAT(UsageErrorOf([] { PlaceName("9", "--place"); }), HasSubstr("--place"));
}

TEST(ParseDateTest, ReadsIsoDays) {
  const type::Date date = ParseDate("2024-02-29", "--start");
  EXPECT_EQ(date.year(), 2024);
  EXPECT_EQ(date.month(), 2);
  EXPECT_EQ(date.day(), 29);
  EXPECT_EQ(FormatDate(date), "2024-02-29");
}

TEST(ParseDateTest, EmptyIsUnset) { EXPECT_EQ(FormatDate(ParseDate("", "--end")), ""); }

TEST(ParseDateTest, RefusesDaysThatDoNotExistAndOtherShapes) {
  for (const char* text : {"2023-02-29", "2024-13-01", "2024-1-1", "2024/01/01", "01-01-2024",
                           "2024-01-01T00:00", "yesterday"}) {
    EXPECT_THAT(UsageErrorOf([text] { ParseDate(text, "--admission"); }), HasSubstr("--admission"))
        << text;
  }
}

TEST(ParseEnumTest, AcceptsNamesInAnyCase) {
  EXPECT_EQ(ParseEnum<org::v1::Level>("COMMUNITY", "--level"), org::v1::COMMUNITY);
  EXPECT_EQ(ParseEnum<org::v1::Level>("community", "--level"), org::v1::COMMUNITY);
  EXPECT_EQ(ParseEnum<roster::v1::Role>("building_lead", "--role"), roster::v1::BUILDING_LEAD);
}

TEST(ParseEnumTest, RefusesUnknownAndUnspecifiedNamingTheChoices) {
  EXPECT_THAT(UsageErrorOf([] { ParseEnum<org::v1::Level>("CITY", "--level"); }),
              HasSubstr("--level: 'CITY' is not one of DISTRICT, STREET, COMMUNITY, COMPOUND, "
                        "BUILDING"));
  EXPECT_THAT(UsageErrorOf([] { ParseEnum<org::v1::Level>("LEVEL_UNSPECIFIED", "--level"); }),
              HasSubstr("--level"));
}

TEST(EnumNameTest, NamesValuesAndLeavesUnspecifiedEmpty) {
  EXPECT_EQ(EnumName(org::v1::COMPOUND), "COMPOUND");
  EXPECT_EQ(EnumName(roster::v1::Person::FULL), "FULL");
  EXPECT_EQ(EnumName(org::v1::LEVEL_UNSPECIFIED), "");
}

TEST(RequestIdTest, GeneratesDistinctUuidsTheServicesAccept) {
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    const std::string id = RequestId("");
    EXPECT_THAT(id, MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                 "[0-9a-f]{12}"));
    EXPECT_TRUE(ValidateRequestId(id).ok()) << id;
    ids.insert(id);
  }
  EXPECT_EQ(ids.size(), 100u);
}

TEST(RequestIdTest, KeepsTheOneGivenWhenValid) {
  EXPECT_EQ(RequestId("import-2024-01"), "import-2024-01");
  EXPECT_THAT(UsageErrorOf([] { RequestId(std::string(65, 'x')); }), HasSubstr("--request-id"));
}

TEST(FilterTest, QuotesAndJoinsConditions) {
  EXPECT_EQ(FilterString("幸福\"花园\\"), "\"幸福\\\"花园\\\\\"");
  EXPECT_EQ(JoinFilter({"level = COMPOUND"}, ListFlags{.filter = "code = \"X1\""}),
            "level = COMPOUND AND code = \"X1\"");
  EXPECT_EQ(JoinFilter({}, ListFlags{}), "");
}

}  // namespace
}  // namespace grassroots::cli
