#include "activity_service/service_point.h"

#include <array>

#include "absl/strings/str_cat.h"
#include "common/enum_names.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"

namespace grassroots::activity {
namespace {

constexpr std::array<absl::string_view, 5> kKindNames = {
    "KIND_UNSPECIFIED", "PARTY_MASS_SERVICE_CENTRE", "NEIGHBOURHOOD_SERVICE_POINT",
    "ELDERLY_SERVICE_POINT", "OTHER"};

}  // namespace

absl::string_view ServicePointKindName(ServicePointKind kind) { return EnumName(kKindNames, kind); }
std::optional<ServicePointKind> ParseServicePointKindName(absl::string_view name) {
  return ParseEnumName<ServicePointKind>(kKindNames, name);
}

std::string ServicePointName(int64_t id) { return FormatResourceName("servicePoints", id); }

absl::StatusOr<int64_t> ParseServicePointName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "servicePoints", field);
}

absl::Status ValidateServicePointFields(const ServicePoint& point, absl::string_view prefix) {
  const auto field = [prefix](absl::string_view name) { return absl::StrCat(prefix, name); };
  if (point.unit_id == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field("unit"), ": is required"));
  }
  RETURN_IF_ERROR(
      ValidateDisplayText(point.display_name, field("display_name"), kMaxServicePointNameChars));
  if (point.kind < ServicePointKind::kPartyMassServiceCentre ||
      point.kind > ServicePointKind::kOther) {
    return absl::InvalidArgumentError(
        absl::StrCat(field("kind"),
                     ": is required: PARTY_MASS_SERVICE_CENTRE, NEIGHBOURHOOD_SERVICE_POINT, "
                     "ELDERLY_SERVICE_POINT or OTHER"));
  }
  return ValidateDisplayText(point.address, field("address"), kMaxAddressChars,
                             /*required=*/false);
}

}  // namespace grassroots::activity
