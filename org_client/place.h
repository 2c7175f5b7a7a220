#ifndef GRASSROOTS_ORG_CLIENT_PLACE_H_
#define GRASSROOTS_ORG_CLIENT_PLACE_H_

// A place of the org service as the other services name it: a unit or a
// party organisation. A role, a case or an activity is held or happens at
// one; what the org service says of it (PlaceFacts) decides whether it may.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "org_service/external_org.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org_client {

// A unit or a party organisation of the org service. An external
// organisation (kExternalOrg) is described like one, for the fields that
// name one (a seconded role's sending organisation, an employer); it is not
// a place where a role is held, and ParsePlaceName never yields it.
struct Place {
  enum class Kind : int8_t { kUnit = 0, kPartyOrg = 1, kExternalOrg = 2 };
  Kind kind = Kind::kUnit;
  int64_t id = 0;

  bool operator==(const Place&) const = default;
  template <typename H>
  friend H AbslHashValue(H h, const Place& p) {
    return H::combine(std::move(h), p.kind, p.id);
  }
};

std::string PlaceName(const Place& place);  // "units/7", "partyOrgs/3", "externalOrgs/5"
// Parses either form; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<Place> ParsePlaceName(absl::string_view name, absl::string_view field);

// What the org service says of a place when a write names it.
struct PlaceFacts {
  Place place;
  bool deleted = false;
  org::Level level = org::Level::kUnspecified;     // for a unit
  org::OrgForm form = org::OrgForm::kUnspecified;  // for a party organisation
  // For a unit: its parent unit. For a party organisation: the
  // organisation above it (0 for none).
  int64_t parent_id = 0;
  // For a party organisation: the units it covers, ascending.
  std::vector<int64_t> unit_ids;
};

// Why a write may not name `place` (request field `field`), given what the
// org service answered about it; OK for a live place. NOT_FOUND for an
// unknown place, FAILED_PRECONDITION for a deleted one, UNAVAILABLE (with
// the cause) when the org service could not answer.
absl::Status PlaceRefusal(const absl::StatusOr<PlaceFacts>& facts, const Place& place,
                          absl::string_view field);

}  // namespace grassroots::org_client

#endif  // GRASSROOTS_ORG_CLIENT_PLACE_H_
