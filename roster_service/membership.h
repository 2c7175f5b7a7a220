#ifndef GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_
#define GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace grassroots::roster {

// Where a party member's organisational relationship sits for a period.
struct Membership {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t party_org_id = 0;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;  // unset while current
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool current() const { return !end_date.has_value(); }
  bool operator==(const Membership&) const = default;
};

// Double reporting to the community where an in-service member lives.
struct Registration {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t community_id = 0;
  absl::CivilDay start_date;
  std::optional<absl::CivilDay> end_date;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool current() const { return !end_date.has_value(); }
  bool operator==(const Registration&) const = default;
};

// "people/4/memberships/17" and "people/4/registrations/3".
std::string MembershipName(int64_t person_id, int64_t id);
std::string RegistrationName(int64_t person_id, int64_t id);

struct ChildName {
  int64_t person_id = 0;
  int64_t id = 0;
};
// Parses "people/{p}/memberships/{m}" (or registrations). INVALID_ARGUMENT
// naming `field`.
absl::StatusOr<ChildName> ParseMembershipName(absl::string_view name, absl::string_view field);
absl::StatusOr<ChildName> ParseRegistrationName(absl::string_view name, absl::string_view field);

// The end of a period must not come before its start: INVALID_ARGUMENT
// naming `field` otherwise.
absl::Status CheckPeriod(absl::CivilDay start, absl::CivilDay end, absl::string_view field);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_
