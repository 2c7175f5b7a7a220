#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_BUILDERS_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_BUILDERS_H_

// Builders of roster resources for the integration tests: dates, the
// personal data of test people (valid ID-card numbers, phones, and the masks
// a caller without the grant must see), people, role assignments and role
// list requests.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "grassroots/type/date.pb.h"

namespace grassroots::roster::testing {

namespace v1 = ::grassroots::roster::v1;

// ---------------------------------------------------------------------------
// Dates.

grassroots::type::Date MakeDate(int year, int month, int day);

grassroots::type::Date DateOf(absl::CivilDay day);

// Today in China (UTC+8), the day the roster counts roles current by.
absl::CivilDay TodayInChina();

// ---------------------------------------------------------------------------
// Personal data of test people.

// A valid 18-character resident ID-card number, distinct for each `n` >= 0:
// region 110105, a birth date of 1 January 1970 plus n / 1000 days, the
// sequence n % 1000, and the GB 11643 check character.
std::string TestIdCardNumber(int n);

// The number with a wrong check character.
std::string WithWrongCheckCharacter(const std::string& number);

// A mainland mobile number, 1380013xxxx.
std::string TestPhone(int n);

// What a caller without the grant must see, spelt out here rather than taken
// from the server's own masking code: the region code and the last four
// characters of an ID-card number, the first three and last four digits of
// a phone.
std::string ExpectedIdCardMask(const std::string& number);
std::string ExpectedPhoneMask(const std::string& phone);

// ---------------------------------------------------------------------------
// Builders.

// A person who is not a party member.
v1::Person NewPerson(absl::string_view display_name, absl::string_view id_card_number = "",
                     absl::string_view phone = "");

// A party member admitted on 1 July 2005.
v1::Person NewMember(absl::string_view display_name, v1::Person::PartyStatus status,
                     v1::Person::MemberCategory category, absl::string_view id_card_number = "",
                     absl::string_view phone = "");

v1::RoleAssignment NewRole(absl::string_view person, v1::Role role, absl::string_view place,
                           const grassroots::type::Date& start = MakeDate(2023, 1, 1));

// A list request for role assignments at `place`, optionally with
// everything below it, only of `roles` (all when empty).
v1::ListRoleAssignmentsRequest RolesAtRequest(absl::string_view place, bool include_descendants,
                                              const std::vector<v1::Role>& roles = {});

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_BUILDERS_H_
