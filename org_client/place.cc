#include "org_client/place.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace grassroots::org_client {

std::string PlaceName(const Place& place) {
  switch (place.kind) {
    case Place::Kind::kPartyOrg:
      return org::PartyOrgName(place.id);
    case Place::Kind::kExternalOrg:
      return org::ExternalOrgName(place.id);
    case Place::Kind::kUnit:
      break;
  }
  return org::UnitName(place.id);
}

absl::StatusOr<Place> ParsePlaceName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  Place place;
  if (absl::StartsWith(name, "partyOrgs/")) {
    place.kind = Place::Kind::kPartyOrg;
    ASSIGN_OR_RETURN(place.id, org::ParsePartyOrgName(name, field));
  } else if (absl::StartsWith(name, "units/")) {
    place.kind = Place::Kind::kUnit;
    ASSIGN_OR_RETURN(place.id, org::ParseUnitName(name, field));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must look like units/{id} or partyOrgs/{id}"));
  }
  return place;
}

absl::Status PlaceRefusal(const absl::StatusOr<PlaceFacts>& facts, const Place& place,
                          absl::string_view field) {
  if (facts.ok() && facts->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", PlaceName(place), " is deleted in the org service"));
  }
  if (facts.ok()) return absl::OkStatus();
  if (absl::IsNotFound(facts.status())) {
    return absl::NotFoundError(
        absl::StrCat(field, ": ", PlaceName(place), " does not exist in the org service"));
  }
  // Whatever kept the org service from answering, the caller may retry.
  return absl::UnavailableError(absl::StrCat(field, ": the org service could not confirm ",
                                             PlaceName(place), "; nothing was written (",
                                             facts.status().message(), ")"));
}

}  // namespace grassroots::org_client
