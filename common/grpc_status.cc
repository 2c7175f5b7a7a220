#include "common/grpc_status.h"

#include <string>

#include "common/personal_data.h"

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
  // Messages quote what the caller sent (a filter's value, an update
  // mask's path, a name that is taken): an ID-card or mobile number among
  // it is masked here, once for every message that leaves a server, so
  // that no error answer repeats personal data.
  return grpc::Status(static_cast<grpc::StatusCode>(status.code()),
                      RedactPersonalData(status.message()));
}

absl::StatusCode FromGrpcCode(grpc::StatusCode code) {
  const int number = static_cast<int>(code);
  return number < 0 || number > kLastCode ? absl::StatusCode::kUnknown
                                          : static_cast<absl::StatusCode>(number);
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(FromGrpcCode(status.error_code()), status.error_message());
}

}  // namespace grassroots
