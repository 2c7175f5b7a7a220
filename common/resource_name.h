#ifndef GRASSROOTS_COMMON_RESOURCE_NAME_H_
#define GRASSROOTS_COMMON_RESOURCE_NAME_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// Resource names are `{collection}/{id}` with a positive decimal id, as in
// `units/42` or `partyOrgs/7` (AIP-122).

// Returns `collection/id`.
std::string FormatResourceName(absl::string_view collection, int64_t id);

// Parses `name` as `collection/{id}`. `field` names the request field in the
// error. Returns INVALID_ARGUMENT when empty or malformed.
absl::StatusOr<int64_t> ParseResourceName(absl::string_view name, absl::string_view collection,
                                          absl::string_view field);

// As ParseResourceName, but an empty name is allowed and yields 0.
absl::StatusOr<int64_t> ParseOptionalResourceName(absl::string_view name,
                                                  absl::string_view collection,
                                                  absl::string_view field);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_RESOURCE_NAME_H_
