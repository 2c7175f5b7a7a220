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
#include "common/clock.h"
#include "common/token_buckets.h"
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
  // None is owned. `failures` (may be null: no limit) rations the failed
  // authentications of each peer address, so that tokens cannot be guessed
  // at the speed of the network.
  Gatekeeper(const TokenStore* tokens, RateLimiter* limiter, TokenBuckets* failures = nullptr,
             const Clock* clock = nullptr)
      : tokens_(tokens), limiter_(limiter), failures_(failures), clock_(clock) {}

  // The principal, or UNAUTHENTICATED (no, malformed, unknown or expired
  // token; RESOURCE_EXHAUSTED once a peer has failed too often),
  // RESOURCE_EXHAUSTED (rate limit; the retry-after trailer is set on
  // `context`), PERMISSION_DENIED (the role may not take `action`;
  // `method` names the call in the message). `who` (when not null) is set
  // to the principal's name as soon as the token is known, so that a refusal
  // after that is logged with it.
  absl::StatusOr<Principal> Admit(grpc::ServerContextBase& context, Action action,
                                  absl::string_view method, std::string* who = nullptr);

 private:
  // The failure, after counting it against the peer.
  absl::Status Unauthenticated(absl::string_view peer, absl::string_view message);

  const TokenStore* const tokens_;
  RateLimiter* const limiter_;
  TokenBuckets* const failures_;
  const Clock* const clock_;
};

// The caller's request id when it is 1 to 64 printable ASCII characters
// without spaces, else a fresh random one.
std::string RequestIdOf(const grpc::ServerContextBase& context);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_GATEKEEPER_H_
