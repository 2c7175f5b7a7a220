#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_FILTER_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_FILTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "roster_service/person.h"

namespace grassroots::roster {

// The conditions ListPeople accepts; every set condition must hold.
struct PersonFilter {
  std::optional<std::string> name_contains;       // display_name : "张"
  std::optional<std::string> name_equals;         // display_name = "张三"
  std::optional<PartyStatus> party_status;        // party_status = FULL
  std::optional<MemberCategory> member_category;  // member_category = RETIRED
  std::optional<int64_t> residence_building_id;   // residence_building = "units/9"
  std::optional<std::string> external_key;        // external_key = "HR-001"

  bool Matches(const Person& person) const;
};

// INVALID_ARGUMENT ("filter: ...") for unknown fields, operators a field
// does not take, unknown enum names, or a field given twice.
absl::StatusOr<PersonFilter> ParsePersonFilter(absl::string_view filter);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_FILTER_H_
