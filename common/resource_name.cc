#include "common/resource_name.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace grassroots {

std::string FormatResourceName(absl::string_view collection, int64_t id) {
  return absl::StrCat(collection, "/", id);
}

absl::StatusOr<int64_t> ParseResourceName(absl::string_view name, absl::string_view collection,
                                          absl::string_view field) {
  if (name.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  }
  const std::string prefix = absl::StrCat(collection, "/");
  // Ids are at most 19 digits; anything longer is not ours.
  absl::string_view digits = name.substr(std::min(prefix.size(), name.size()));
  int64_t id = 0;
  bool all_digits = !digits.empty() && digits.size() <= 19;
  for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
  if (!absl::StartsWith(name, prefix) || !all_digits || !absl::SimpleAtoi(digits, &id) || id <= 0 ||
      (digits.size() > 1 && digits[0] == '0')) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must look like ", collection, "/{id} with a positive id"));
  }
  return id;
}

absl::StatusOr<int64_t> ParseOptionalResourceName(absl::string_view name,
                                                  absl::string_view collection,
                                                  absl::string_view field) {
  if (name.empty()) return 0;
  return ParseResourceName(name, collection, field);
}

}  // namespace grassroots
