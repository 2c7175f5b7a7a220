#ifndef GRASSROOTS_GATEWAY_BACKENDS_H_
#define GRASSROOTS_GATEWAY_BACKENDS_H_

// The gateway's connections to the two services: one channel each, for
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
#include "gateway/routes.h"

namespace grassroots::gateway {

struct BackendOptions {
  std::string org_address;
  std::string roster_address;
  int max_message_bytes = 4 * 1024 * 1024;
  // PEM roots to verify the services with; plaintext when empty.
  std::string tls_ca_file;
};

struct Backends {
  std::shared_ptr<grpc::Channel> org;
  std::shared_ptr<grpc::Channel> roster;
};

// The service config that retries the routes' reads on UNAVAILABLE.
std::string RetryServiceConfig(const RouteTable& routes, Backend backend);

// NOT_FOUND when the CA file cannot be read.
absl::StatusOr<Backends> ConnectBackends(const BackendOptions& options, const RouteTable& routes);

// Whether both services answer their health check with SERVING within
// `timeout`.
bool BackendsServing(const Backends& backends, absl::Duration timeout);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_BACKENDS_H_
