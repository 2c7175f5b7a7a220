#ifndef GRASSROOTS_COMMON_GRPC_PROBE_H_
#define GRASSROOTS_COMMON_GRPC_PROBE_H_

// Calls to services we have no generated code of — gRPC's own health
// service — through a generic stub with hand-encoded bytes. The gateway
// probes its backends with it; tests probe servers.

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

namespace wire {

// A length-delimited field: tag, length, bytes.
std::string EncodeStringField(int field_number, absl::string_view value);
grpc::ByteBuffer ToByteBuffer(const std::string& bytes);
absl::StatusOr<std::string> FromByteBuffer(const grpc::ByteBuffer& buffer);

}  // namespace wire
}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_GRPC_PROBE_H_
