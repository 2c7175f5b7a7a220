#include "common/file_util.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/str_cat.h"

namespace grassroots {

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, absl::string_view what) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    return absl::NotFoundError(absl::StrCat(what, " ", path, ": no such file"));
  }
  if (!std::filesystem::is_regular_file(status)) {
    return absl::FailedPreconditionError(absl::StrCat(what, " ", path, ": not a regular file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int code = errno;
    if (code == EACCES) {
      return absl::PermissionDeniedError(absl::StrCat(what, " ", path, ": permission denied"));
    }
    return absl::InternalError(
        absl::StrCat(what, " ", path, ": cannot be opened: ", std::strerror(code)));
  }
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return absl::InternalError(absl::StrCat(what, " ", path, ": read failed"));
  return contents;
}

}  // namespace grassroots
