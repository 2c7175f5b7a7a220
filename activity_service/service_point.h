#ifndef GRASSROOTS_ACTIVITY_SERVICE_SERVICE_POINT_H_
#define GRASSROOTS_ACTIVITY_SERVICE_SERVICE_POINT_H_

// A place where activities happen, under a unit: a party-mass service
// centre (党群服务中心), a neighbourhood or an elderly service point. Pure
// C++ and abseil.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::activity {

enum class ServicePointKind : int8_t {
  kUnspecified = 0,
  kPartyMassServiceCentre = 1,
  kNeighbourhoodServicePoint = 2,
  kElderlyServicePoint = 3,
  kOther = 4,
};
absl::string_view ServicePointKindName(ServicePointKind kind);
std::optional<ServicePointKind> ParseServicePointKindName(absl::string_view name);

struct ServicePoint {
  int64_t id = 0;
  int64_t unit_id = 0;  // units/{id}; immutable
  std::string display_name;
  ServicePointKind kind = ServicePointKind::kUnspecified;
  std::string address;
  bool deleted = false;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  absl::Time delete_time = absl::UnixEpoch();
  int64_t revision = 0;

  bool operator==(const ServicePoint&) const = default;
};

inline constexpr size_t kMaxServicePointNameChars = 64;
inline constexpr size_t kMaxAddressChars = 200;

std::string ServicePointName(int64_t id);  // "servicePoints/3"
absl::StatusOr<int64_t> ParseServicePointName(absl::string_view name, absl::string_view field);

// unit present, display name 1..64 characters of valid text, a kind,
// address up to 200 characters; each naming its field under `prefix`.
absl::Status ValidateServicePointFields(const ServicePoint& point, absl::string_view prefix);

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_SERVICE_POINT_H_
