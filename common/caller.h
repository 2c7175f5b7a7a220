#ifndef GRASSROOTS_COMMON_CALLER_H_
#define GRASSROOTS_COMMON_CALLER_H_

#include <string>

#include "absl/time/time.h"

namespace grassroots {

// Who a call acts for, as far as the service could verify. Events record
// `principal` as their actor. Services learn it from the gateway's signed
// metadata (common/caller_metadata.h); any other call is anonymous.
struct Caller {
  std::string principal = "anonymous";
  // Whether the caller may see personal data unmasked.
  bool may_see_personal_data = false;
  // When the caller stops waiting. A write still queued then is not applied:
  // the caller has already been told DEADLINE_EXCEEDED and may retry, so
  // storing it later would surprise them.
  absl::Time deadline = absl::InfiniteFuture();
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CALLER_H_
