#include "common/grpc_status.h"

#include <string>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace grassroots {
namespace {

// Every code but OK, as abseil and gRPC each name it.
struct CodePair {
  absl::StatusCode absl_code;
  grpc::StatusCode grpc_code;
};
constexpr CodePair kCodes[] = {
    {absl::StatusCode::kCancelled, grpc::StatusCode::CANCELLED},
    {absl::StatusCode::kUnknown, grpc::StatusCode::UNKNOWN},
    {absl::StatusCode::kInvalidArgument, grpc::StatusCode::INVALID_ARGUMENT},
    {absl::StatusCode::kDeadlineExceeded, grpc::StatusCode::DEADLINE_EXCEEDED},
    {absl::StatusCode::kNotFound, grpc::StatusCode::NOT_FOUND},
    {absl::StatusCode::kAlreadyExists, grpc::StatusCode::ALREADY_EXISTS},
    {absl::StatusCode::kPermissionDenied, grpc::StatusCode::PERMISSION_DENIED},
    {absl::StatusCode::kResourceExhausted, grpc::StatusCode::RESOURCE_EXHAUSTED},
    {absl::StatusCode::kFailedPrecondition, grpc::StatusCode::FAILED_PRECONDITION},
    {absl::StatusCode::kAborted, grpc::StatusCode::ABORTED},
    {absl::StatusCode::kOutOfRange, grpc::StatusCode::OUT_OF_RANGE},
    {absl::StatusCode::kUnimplemented, grpc::StatusCode::UNIMPLEMENTED},
    {absl::StatusCode::kInternal, grpc::StatusCode::INTERNAL},
    {absl::StatusCode::kUnavailable, grpc::StatusCode::UNAVAILABLE},
    {absl::StatusCode::kDataLoss, grpc::StatusCode::DATA_LOSS},
    {absl::StatusCode::kUnauthenticated, grpc::StatusCode::UNAUTHENTICATED},
};

TEST(GrpcStatusTest, EveryCodeMapsBothWaysKeepingTheMessage) {
  for (const CodePair& pair : kCodes) {
    SCOPED_TRACE(absl::StatusCodeToString(pair.absl_code));
    const std::string message = "units/7: 单位 does not exist";
    const grpc::Status to = ToGrpcStatus(absl::Status(pair.absl_code, message));
    EXPECT_EQ(to.error_code(), pair.grpc_code);
    EXPECT_EQ(to.error_message(), message);
    const absl::Status from = FromGrpcStatus(grpc::Status(pair.grpc_code, message));
    EXPECT_EQ(from.code(), pair.absl_code);
    EXPECT_EQ(from.message(), message);
  }
}

TEST(GrpcStatusTest, TheMessageAloneCrossesNotThePayloads) {
  absl::Status status = absl::NotFoundError("name: units/7 does not exist");
  status.SetPayload("type.googleapis.com/detail", absl::Cord("secret"));
  const grpc::Status converted = ToGrpcStatus(status);
  EXPECT_EQ(converted.error_message(), "name: units/7 does not exist");
  EXPECT_EQ(converted.error_details(), "");
}

TEST(GrpcStatusTest, OkMapsToOk) {
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status::OK).ok());
  EXPECT_TRUE(FromGrpcStatus(grpc::Status(grpc::StatusCode::OK, "")).ok());
}

TEST(GrpcStatusTest, AnUnknownGrpcCodeNumberBecomesUnknown) {
  // A code a newer peer might send. 20 and 31 lie within the values
  // grpc::StatusCode can hold (its enumerators 0..16 need five bits), so
  // making them is defined; a number outside that range would not be.
  for (const int number : {20, 31}) {
    const absl::Status status =
        FromGrpcStatus(grpc::Status(static_cast<grpc::StatusCode>(number), "odd"));
    EXPECT_EQ(status.code(), absl::StatusCode::kUnknown) << number;
    EXPECT_EQ(status.message(), "odd");
  }
}

}  // namespace
}  // namespace grassroots
