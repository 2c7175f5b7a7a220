#include "common/etag.h"

#include "absl/strings/str_cat.h"

namespace grassroots {

std::string EtagForRevision(int64_t revision) { return absl::StrCat("\"", revision, "\""); }

absl::Status CheckEtag(absl::string_view etag, int64_t revision, absl::string_view resource) {
  if (etag.empty() || etag == EtagForRevision(revision)) return absl::OkStatus();
  return absl::AbortedError(absl::StrCat("etag: ", resource, " has changed since etag ", etag,
                                         " was read; it is now ", EtagForRevision(revision),
                                         ". Read it again and retry"));
}

}  // namespace grassroots
