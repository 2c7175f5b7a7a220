#include "roster_service/membership.h"

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::Field;
using ::testing::HasSubstr;

using ::grassroots::testing::kInvalid;

auto IsChild(int64_t person_id, int64_t id) {
  return ::grassroots::testing::IsOkAndHolds(
      AllOf(Field(&ChildName::person_id, person_id), Field(&ChildName::id, id)));
}

TEST(MembershipNameTest, FormatsAndParses) {
  EXPECT_EQ(MembershipName(4, 17), "people/4/memberships/17");
  EXPECT_THAT(ParseMembershipName("people/4/memberships/17", "name"), IsChild(4, 17));
}

TEST(RegistrationNameTest, FormatsAndParses) {
  EXPECT_EQ(RegistrationName(4, 3), "people/4/registrations/3");
  EXPECT_THAT(ParseRegistrationName("people/4/registrations/3", "name"), IsChild(4, 3));
}

TEST(MembershipNameTest, RefusesMalformedNamesNamingTheField) {
  for (absl::string_view name :
       {"people/4", "people/4/", "people/4/memberships", "people/4/memberships/",
        "people/4/memberships/0", "people/0/memberships/1", "people/x/memberships/1",
        "people/4/registrations/1", "units/4/memberships/1", "people/4/memberships/1/x",
        "people//memberships/1", "memberships/1", "/"}) {
    EXPECT_THAT(ParseMembershipName(name, "membership.name"),
                StatusIs(kInvalid, HasSubstr("membership.name: must look like "
                                             "people/{id}/memberships/{id} with positive ids")))
        << name;
  }
  EXPECT_THAT(ParseMembershipName("", "membership.name"),
              StatusIs(kInvalid, HasSubstr("membership.name: is required")));
}

TEST(RegistrationNameTest, RefusesAMembershipName) {
  EXPECT_THAT(ParseRegistrationName("people/4/memberships/3", "name"),
              StatusIs(kInvalid, HasSubstr("name: must look like people/{id}/registrations/{id}")));
}

TEST(CheckPeriodTest, AnEndOnOrAfterTheStartIsFine) {
  EXPECT_THAT(CheckPeriod(absl::CivilDay(2024, 1, 1), absl::CivilDay(2024, 1, 1), "end_date"),
              IsOk());
  EXPECT_THAT(CheckPeriod(absl::CivilDay(2024, 1, 1), absl::CivilDay(2025, 6, 30), "end_date"),
              IsOk());
}

TEST(CheckPeriodTest, RefusesAnEndBeforeTheStartNamingTheField) {
  EXPECT_THAT(
      CheckPeriod(absl::CivilDay(2024, 2, 1), absl::CivilDay(2024, 1, 31), "membership.end_date"),
      StatusIs(kInvalid,
               HasSubstr("membership.end_date: 2024-01-31 is before the start, 2024-02-01")));
}

}  // namespace
}  // namespace grassroots::roster
