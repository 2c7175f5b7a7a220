#ifndef GRASSROOTS_COMMON_GRPC_STATUS_H_
#define GRASSROOTS_COMMON_GRPC_STATUS_H_

#include <grpcpp/grpcpp.h>

#include "absl/status/status.h"
#include "common/caller.h"

namespace grassroots {

// The one conversion from absl::Status to grpc::Status: same code, the
// message alone (never ToString(), which would add payloads).
grpc::Status ToGrpcStatus(const absl::Status& status);

// And back, for clients of our own services.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Who the call is from. The gateway will vouch for callers with signed
// metadata; until then every call is anonymous and sees masked data.
Caller CallerFromContext(const grpc::CallbackServerContext& context);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_GRPC_STATUS_H_
