#ifndef GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_
#define GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "org_client/place.h"

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

// The post an in-service member takes where they live (双报到). Values match
// the proto enum and the database.
enum class RegistrationPost : int8_t {
  kUnspecified = 0,  // registered, no post yet
  kBranchCommittee = 1,
  kGridWorker = 2,
  kBuildingLead = 3,
  kVolunteer = 4,
};
bool IsValidRegistrationPost(RegistrationPost post);
absl::string_view RegistrationPostName(RegistrationPost post);  // "GRID_WORKER"

// Double reporting to the community where an in-service member lives.
struct Registration {
  int64_t id = 0;
  int64_t person_id = 0;
  int64_t community_id = 0;
  int64_t compound_id = 0;  // 0: none; a compound of the community
  RegistrationPost post = RegistrationPost::kUnspecified;
  std::string duty_zone;    // 责任区, free text
  int64_t employer_id = 0;  // externalOrgs/{id} where they work; 0: not recorded
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

inline constexpr size_t kMaxDutyZoneChars = 64;

// Checks a registration's own fields (post, duty zone): INVALID_ARGUMENT
// naming `field_prefix` + the field.
absl::Status ValidateRegistrationFields(const Registration& registration,
                                        absl::string_view field_prefix);

// A membership sits in a party organisation that is not a party group: a
// 党小组 is a subdivision of its branch, and the organisational relationship
// sits with the branch (belonging to a group is the PARTY_GROUP_MEMBER
// role). FAILED_PRECONDITION naming `field` for a party group. (A deleted
// or unknown organisation is PlaceRefusal's.)
absl::Status CheckMembershipPlace(const org_client::PlaceFacts& facts, absl::string_view field);

// The end of a period must not come before its start: INVALID_ARGUMENT
// naming `field` otherwise.
absl::Status CheckPeriod(absl::CivilDay start, absl::CivilDay end, absl::string_view field);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_MEMBERSHIP_H_
