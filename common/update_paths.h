#ifndef GRASSROOTS_COMMON_UPDATE_PATHS_H_
#define GRASSROOTS_COMMON_UPDATE_PATHS_H_

// Applying an update mask (AIP-134) to a domain value, field by field:
//
//   return ApplyUpdatePaths(update.paths, "title, description", [&](UpdatePath& p) {
//     p.Take("title", issue.title, values.title);
//     p.Take("description", issue.description, values.description);
//   });
//
// Each path takes its field from the request's values ("*" takes every
// field); an empty mask, or a path that names no field, is INVALID_ARGUMENT
// naming update_mask and the fields that can be updated.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// One path of a mask, offered each updatable field in turn.
class UpdatePath {
 public:
  explicit UpdatePath(absl::string_view path) : path_(path), all_(path == "*") {}

  template <typename Field, typename Value>
  void Take(absl::string_view name, Field& field, const Value& value) {
    if (all_ || path_ == name) {
      field = value;
      known_ = true;
    }
  }
  bool known() const { return known_ || all_; }

 private:
  const absl::string_view path_;
  const bool all_;
  bool known_ = false;
};

// Runs `take(UpdatePath&)` for each of `paths`; `updatable` lists the
// fields for the message ("theme, description, kind").
template <typename Take>
absl::Status ApplyUpdatePaths(const std::vector<std::string>& paths, absl::string_view updatable,
                              Take take) {
  if (paths.empty()) return absl::InvalidArgumentError("update_mask: name at least one field");
  for (const std::string& path : paths) {
    UpdatePath p(path);
    take(p);
    if (!p.known()) {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path, "\" cannot be updated; use ", updatable, " or *"));
    }
  }
  return absl::OkStatus();
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_UPDATE_PATHS_H_
