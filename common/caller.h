#ifndef GRASSROOTS_COMMON_CALLER_H_
#define GRASSROOTS_COMMON_CALLER_H_

#include <string>

namespace grassroots {

// Who a call acts for, as far as the service could verify. Events record
// `principal` as their actor. Services learn it from the gateway's signed
// metadata (common/caller_metadata.h); any other call is anonymous.
struct Caller {
  std::string principal = "anonymous";
  // Whether the caller may see personal data unmasked.
  bool may_see_personal_data = false;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CALLER_H_
