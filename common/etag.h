#ifndef GRASSROOTS_COMMON_ETAG_H_
#define GRASSROOTS_COMMON_ETAG_H_

// Etags (AIP-154) for every resource of every service: a resource's etag is
// derived from the revision of its last change, so it changes exactly when
// the resource does, and costs nothing to store.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace grassroots {

// The etag of a resource last changed at `revision`: opaque to clients (today
// the revision in double quotes, as HTTP writes strong etags).
std::string EtagForRevision(int64_t revision);

// OK when `etag` is empty (the client does not ask for a check) or is the
// etag at `revision`; otherwise ABORTED, naming `resource` ("units/7") and
// the current etag, so that the client reads again and retries.
absl::Status CheckEtag(absl::string_view etag, int64_t revision, absl::string_view resource);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_ETAG_H_
