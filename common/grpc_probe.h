#ifndef GRASSROOTS_COMMON_GRPC_PROBE_H_
#define GRASSROOTS_COMMON_GRPC_PROBE_H_

// Calls to services we have no generated code of — gRPC's own health
// service — through a generic stub with hand-encoded bytes. The gateway
// probes its backends with it; tests probe servers; fuzzers and the
// admission tests send raw bytes to any method.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots {

// Values of grpc.health.v1.HealthCheckResponse.ServingStatus.
enum class HealthStatus {
  kUnknown = 0,
  kServing = 1,
  kNotServing = 2,
  kServiceUnknown = 3,
};

// grpc.health.v1.Health/Check for `service` ("" for the whole server). An
// RPC error comes back as the status (the standard service answers
// NOT_FOUND for an unknown name; UNAVAILABLE or DEADLINE_EXCEEDED when the
// server cannot be reached within `timeout`).
absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         absl::string_view service,
                                         absl::Duration timeout = absl::Seconds(10));

// What one raw call gave.
struct RawCallResult {
  grpc::Status status;
  int responses = 0;           // messages received
  std::string first_response;  // the first of them, serialized
};

// Calls `method` ("/package.Service/Method") with `request` sent as it is
// (bytes that do not parse reach the server's own parsing), as one message
// followed by the end of the client's stream, so any method of any shape
// can be called; every response is read. `context` carries the deadline
// and any metadata.
RawCallResult CallMethodRaw(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method, absl::string_view request,
                            grpc::ClientContext& context);

namespace wire {

// A length-delimited field: tag, length, bytes.
std::string EncodeStringField(int field_number, absl::string_view value);
grpc::ByteBuffer ToByteBuffer(const std::string& bytes);
absl::StatusOr<std::string> FromByteBuffer(const grpc::ByteBuffer& buffer);

}  // namespace wire
}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_GRPC_PROBE_H_
