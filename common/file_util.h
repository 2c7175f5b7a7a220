#ifndef GRASSROOTS_COMMON_FILE_UTIL_H_
#define GRASSROOTS_COMMON_FILE_UTIL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// The whole contents of the regular file at `path` (a key, a tokens file, a
// certificate). NOT_FOUND when there is none, FAILED_PRECONDITION when the
// path is not a regular file (a directory reads as empty, and an empty
// tokens file would lock everyone out), PERMISSION_DENIED or INTERNAL when
// it cannot be read. Messages start with `what` ("tokens file") and the path.
absl::StatusOr<std::string> ReadWholeFile(const std::string& path, absl::string_view what);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_FILE_UTIL_H_
