#include "common/grpc_status.h"

#include <string>

namespace grassroots {
namespace {

// gRPC and abseil number their codes alike, 0 (OK) to 16 (UNAUTHENTICATED).
constexpr int kLastCode = static_cast<int>(absl::StatusCode::kUnauthenticated);
static_assert(static_cast<int>(grpc::StatusCode::UNAUTHENTICATED) == kLastCode);
static_assert(static_cast<int>(grpc::StatusCode::DATA_LOSS) ==
              static_cast<int>(absl::StatusCode::kDataLoss));

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  // absl::Status::code() already maps a code it does not know to UNKNOWN.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()), std::string(status.message()));
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  const int code = static_cast<int>(status.error_code());
  return absl::Status(code < 0 || code > kLastCode ? absl::StatusCode::kUnknown
                                                   : static_cast<absl::StatusCode>(code),
                      status.error_message());
}

}  // namespace grassroots
