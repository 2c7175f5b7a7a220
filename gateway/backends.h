#ifndef GRASSROOTS_GATEWAY_BACKENDS_H_
#define GRASSROOTS_GATEWAY_BACKENDS_H_

// The gateway's connections to the services: one channel each, for
// the gateway's whole life, with
// - retries with backoff for the idempotent reads (gRPC's own retry policy,
//   from the route table) when a backend says UNAVAILABLE;
// - the gateway's maximum message size both ways;
// - TLS when a CA file is given.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "common/tls_credentials.h"
#include "gateway/routes.h"

namespace grassroots::gateway {

struct BackendOptions {
  std::string org_address;
  std::string roster_address;
  // Empty: no casework service; its methods answer UNAVAILABLE and the
  // gateway's health does not wait for it.
  std::string casework_address;
  // Likewise for the activity service.
  std::string activity_address;
  int max_message_bytes = 4 * 1024 * 1024;
  // TLS to the services: roots to verify them with (plaintext when empty)
  // and the gateway's own certificate for mutual TLS.
  TlsFiles tls;
  // Signs the gateway's own calls (scope lookups, its org replica) as
  // "svc.gateway"; forwarded calls carry their caller's claims instead.
  // Required; not owned.
  const CallerSigner* signer = nullptr;
};

struct Backends {
  std::shared_ptr<grpc::Channel> org;
  std::shared_ptr<grpc::Channel> roster;
  std::shared_ptr<grpc::Channel> casework;  // null when not configured
  std::shared_ptr<grpc::Channel> activity;  // likewise
};

// The service config that retries the routes' reads on UNAVAILABLE.
std::string RetryServiceConfig(const RouteTable& routes, Backend backend);

// Errors of ChannelCredentialsFrom when the TLS files cannot be read.
absl::StatusOr<Backends> ConnectBackends(const BackendOptions& options, const RouteTable& routes);

// Whether every configured service answers its health check with SERVING
// within `timeout`.
bool BackendsServing(const Backends& backends, absl::Duration timeout);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_BACKENDS_H_
