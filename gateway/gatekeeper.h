#ifndef GRASSROOTS_GATEWAY_GATEKEEPER_H_
#define GRASSROOTS_GATEWAY_GATEKEEPER_H_

// What every call through the gateway passes first: the bearer token, the
// principal's rate limit, and whether their role may take the call's action
// at all. Where they may take it is the scope checker's business.

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gateway/principal.h"
#include "gateway/rate_limiter.h"
#include "gateway/token_store.h"

namespace grassroots::gateway {

// The trailer that says how long to wait after RESOURCE_EXHAUSTED.
inline constexpr char kRetryAfterKey[] = "retry-after-ms";
// The request id: taken from the caller when it sends a usable one, made up
// otherwise; sent to the backend and echoed in the initial metadata.
inline constexpr char kRequestIdKey[] = "x-request-id";

class Gatekeeper {
 public:
  // Neither is owned.
  Gatekeeper(const TokenStore* tokens, RateLimiter* limiter) : tokens_(tokens), limiter_(limiter) {}

  // The principal, or UNAUTHENTICATED (no, malformed or unknown token),
  // RESOURCE_EXHAUSTED (rate limit; the retry-after trailer is set on
  // `context`), PERMISSION_DENIED (the role may not take `action`;
  // `method` names the call in the message).
  absl::StatusOr<Principal> Admit(grpc::ServerContextBase& context, Action action,
                                  absl::string_view method);

 private:
  const TokenStore* const tokens_;
  RateLimiter* const limiter_;
};

// The caller's request id when it is 1 to 64 printable ASCII characters
// without spaces, else a fresh random one.
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_GATEKEEPER_H_
