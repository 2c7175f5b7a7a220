#include "tests/roster_service/roster_builders.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/clock.h"
#include "common/personal_data.h"

namespace grassroots::roster::testing {

grassroots::type::Date MakeDate(int year, int month, int day) {
  grassroots::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

grassroots::type::Date DateOf(absl::CivilDay day) {
  return MakeDate(static_cast<int>(day.year()), day.month(), day.day());
}

absl::CivilDay TodayInChina() { return ::grassroots::ChinaDay(absl::Now()); }

std::string TestIdCardNumber(int n) {
  const absl::CivilDay birth = absl::CivilDay(1970, 1, 1) + n / 1000;
  const std::string first17 =
      absl::StrFormat("110105%04d%02d%02d%03d", birth.year(), birth.month(), birth.day(), n % 1000);
  return absl::StrCat(first17, std::string(1, IdCardCheckCharacter(first17)));
}

std::string WithWrongCheckCharacter(const std::string& number) {
  const char right = number.back();
  const char wrong = right == '0' ? '1' : '0';
  return absl::StrCat(number.substr(0, 17), std::string(1, wrong));
}

std::string TestPhone(int n) { return absl::StrFormat("1380013%04d", n % 10000); }

std::string ExpectedIdCardMask(const std::string& number) {
  return absl::StrCat(number.substr(0, 6), "********", number.substr(14));
}

std::string ExpectedPhoneMask(const std::string& phone) {
  return absl::StrCat(phone.substr(0, 3), "****", phone.substr(7));
}

v1::Person NewPerson(absl::string_view display_name, absl::string_view id_card_number,
                     absl::string_view phone) {
  v1::Person person;
  person.set_display_name(std::string(display_name));
  person.set_id_card_number(std::string(id_card_number));
  person.set_phone(std::string(phone));
  person.set_party_status(v1::Person::NONE);
  return person;
}

v1::Person NewMember(absl::string_view display_name, v1::Person::PartyStatus status,
                     v1::Person::MemberCategory category, absl::string_view id_card_number,
                     absl::string_view phone) {
  v1::Person person = NewPerson(display_name, id_card_number, phone);
  person.set_party_status(status);
  person.set_member_category(category);
  *person.mutable_admission_date() = MakeDate(2005, 7, 1);
  return person;
}

v1::RoleAssignment NewRole(absl::string_view person, v1::Role role, absl::string_view place,
                           const grassroots::type::Date& start) {
  v1::RoleAssignment assignment;
  assignment.set_person(std::string(person));
  assignment.set_role(role);
  assignment.set_place(std::string(place));
  *assignment.mutable_start_date() = start;
  return assignment;
}

v1::ListRoleAssignmentsRequest RolesAtRequest(absl::string_view place, bool include_descendants,
                                              const std::vector<v1::Role>& roles) {
  v1::ListRoleAssignmentsRequest request;
  request.set_place(std::string(place));
  request.set_include_descendants(include_descendants);
  for (v1::Role role : roles) request.add_roles(role);
  return request;
}

}  // namespace grassroots::roster::testing
