#include "roster_service/roster_filter.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

using ::grassroots::testing::kInvalid;

PersonFilter FilterOk(absl::string_view text) {
  absl::StatusOr<PersonFilter> filter = ParsePersonFilter(text);
  EXPECT_TRUE(filter.ok()) << text << ": " << filter.status();
  return filter.ok() ? *std::move(filter) : PersonFilter{};
}

Person RetiredMember() {
  Person person;
  person.id = 5;
  person.display_name = "张建国";
  person.party_status = PartyStatus::kFull;
  person.member_category = MemberCategory::kRetired;
  person.residence_building_id = 9;
  person.external_key = "HR-001";
  return person;
}

TEST(ParsePersonFilterTest, EmptySetsNothing) {
  const PersonFilter filter = FilterOk("  ");
  EXPECT_EQ(filter.name_contains, std::nullopt);
  EXPECT_EQ(filter.name_equals, std::nullopt);
  EXPECT_EQ(filter.party_status, std::nullopt);
  EXPECT_EQ(filter.member_category, std::nullopt);
  EXPECT_EQ(filter.residence_building_id, std::nullopt);
  EXPECT_EQ(filter.external_key, std::nullopt);
  EXPECT_TRUE(filter.Matches(RetiredMember()));
}

TEST(ParsePersonFilterTest, ReadsEveryField) {
  const PersonFilter filter =
      FilterOk(R"(display_name : "张" AND party_status = FULL AND member_category = RETIRED AND )"
               R"(residence_building = "units/9" AND external_key = "HR-001")");
  EXPECT_THAT(filter.name_contains, Optional(std::string("张")));
  EXPECT_EQ(filter.name_equals, std::nullopt);
  EXPECT_THAT(filter.party_status, Optional(PartyStatus::kFull));
  EXPECT_THAT(filter.member_category, Optional(MemberCategory::kRetired));
  EXPECT_THAT(filter.residence_building_id, Optional(9));
  EXPECT_THAT(filter.external_key, Optional(std::string("HR-001")));
  EXPECT_TRUE(filter.Matches(RetiredMember()));
}

TEST(ParsePersonFilterTest, ReadsEveryEnumName) {
  EXPECT_THAT(FilterOk("party_status = PROBATIONARY").party_status,
              Optional(PartyStatus::kProbationary));
  EXPECT_THAT(FilterOk("party_status = NONE").party_status, Optional(PartyStatus::kNone));
  EXPECT_THAT(FilterOk("member_category = IN_SERVICE").member_category,
              Optional(MemberCategory::kInService));
  EXPECT_THAT(FilterOk(R"(member_category = "DIRECT")").member_category,
              Optional(MemberCategory::kDirect));
  EXPECT_THAT(FilterOk("member_category = FLOATING").member_category,
              Optional(MemberCategory::kFloating));
}

TEST(ParsePersonFilterTest, DisplayNameEqualsIsExact) {
  const PersonFilter filter = FilterOk(R"(display_name = "张建国")");
  EXPECT_THAT(filter.name_equals, Optional(std::string("张建国")));
  EXPECT_TRUE(filter.Matches(RetiredMember()));
  Person other = RetiredMember();
  other.display_name = "张建国华";
  EXPECT_FALSE(filter.Matches(other));
}

TEST(ParsePersonFilterTest, RefusesUnknownFields) {
  EXPECT_THAT(ParsePersonFilter("phone = 13800138000"),
              StatusIs(kInvalid, HasSubstr("filter: phone: is not a field this list filters on; "
                                           "use display_name, party_status, member_category, "
                                           "residence_building, external_key")));
  EXPECT_THAT(ParsePersonFilter(R"(id_card_number = "x")"),
              StatusIs(kInvalid, HasSubstr("filter: id_card_number: is not a field")));
}

TEST(ParsePersonFilterTest, RefusesHasOnFieldsThatTakeOnlyEquals) {
  EXPECT_THAT(ParsePersonFilter("party_status : FULL"),
              StatusIs(kInvalid, HasSubstr("filter: party_status: takes only =, as in "
                                           "party_status = FULL")));
  EXPECT_THAT(ParsePersonFilter("external_key : HR"),
              StatusIs(kInvalid, HasSubstr("filter: external_key: takes only =")));
  EXPECT_THAT(ParsePersonFilter(R"(residence_building : "units/9")"),
              StatusIs(kInvalid, HasSubstr("filter: residence_building: takes only =")));
}

TEST(ParsePersonFilterTest, RefusesUnknownEnumNames) {
  for (absl::string_view text :
       {"party_status = PARTY_STATUS_UNSPECIFIED", "party_status = full", "party_status = 1"}) {
    EXPECT_THAT(ParsePersonFilter(text), StatusIs(kInvalid, HasSubstr("filter: party_status: \"")))
        << text;
  }
  EXPECT_THAT(ParsePersonFilter("member_category = STUDENT"),
              StatusIs(kInvalid, HasSubstr("filter: member_category: \"STUDENT\" is not a known "
                                           "value")));
}

TEST(ParsePersonFilterTest, RefusesABadBuildingName) {
  EXPECT_THAT(
      ParsePersonFilter(R"(residence_building = "partyOrgs/9")"),
      StatusIs(kInvalid, HasSubstr("filter: residence_building: must look like units/{id}")));
}

TEST(ParsePersonFilterTest, RefusesAFieldGivenTwice) {
  EXPECT_THAT(ParsePersonFilter(R"(display_name : "张" AND display_name = "张三")"),
              StatusIs(kInvalid, HasSubstr("filter: display_name: is given twice")));
}

TEST(ParsePersonFilterTest, PassesOnSyntaxErrors) {
  EXPECT_THAT(ParsePersonFilter("party_status = FULL OR party_status = NONE"),
              StatusIs(kInvalid, HasSubstr("filter: at position 21: OR is not supported")));
}

TEST(PersonFilterTest, EveryConditionMustHold) {
  const Person person = RetiredMember();
  EXPECT_FALSE(FilterOk("party_status = PROBATIONARY").Matches(person));
  EXPECT_FALSE(FilterOk("member_category = IN_SERVICE").Matches(person));
  EXPECT_FALSE(FilterOk("residence_building = units/10").Matches(person));
  EXPECT_FALSE(FilterOk(R"(external_key = "HR-002")").Matches(person));
  EXPECT_FALSE(FilterOk(R"(display_name : "李")").Matches(person));
  EXPECT_FALSE(FilterOk(R"(party_status = FULL AND display_name : "李")").Matches(person));
  EXPECT_TRUE(FilterOk(R"(party_status = FULL AND display_name : "建")").Matches(person));
}

TEST(PersonFilterTest, ABuildingConditionSkipsPeopleWithoutOne) {
  Person person = RetiredMember();
  person.residence_building_id = 0;
  EXPECT_FALSE(FilterOk("residence_building = units/9").Matches(person));
}

}  // namespace
}  // namespace grassroots::roster
