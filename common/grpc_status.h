#ifndef GRASSROOTS_COMMON_GRPC_STATUS_H_
#define GRASSROOTS_COMMON_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"

namespace grassroots {

// The one conversion from absl::Status to grpc::Status: same code, the
// message alone (never ToString(), which would add payloads) with ID-card
// and mobile numbers masked (RedactPersonalData). OK stays OK (with no
// message).
grpc::Status ToGrpcStatus(const absl::Status& status);

// And back, for clients of our own services and for tests: same code and
// message; a code number gRPC does not define becomes UNKNOWN.
absl::Status FromGrpcStatus(const grpc::Status& status);

// A gRPC code as abseil's (they number their codes alike); a number gRPC
// does not define becomes kUnknown.
absl::StatusCode FromGrpcCode(grpc::StatusCode code);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_GRPC_STATUS_H_
