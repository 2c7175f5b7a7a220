#include "common/grpc_probe.h"

#include <future>
#include <vector>

#include "absl/time/clock.h"
#include "common/grpc_status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/generic/generic_stub.h"

namespace grassroots {
RawCallResult CallMethodRaw(const std::shared_ptr<grpc::Channel>& channel,
                            const std::string& method, absl::string_view request,
                            grpc::ClientContext& context) {
  grpc::CompletionQueue cq;
  // One operation is outstanding at a time, so the next event is its own.
  const auto await = [&cq]() {
    void* tag = nullptr;
    bool ok = false;
    return cq.Next(&tag, &ok) && ok;
  };
  RawCallResult result;
  grpc::GenericStub stub(channel);
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call =
      stub.PrepareCall(&context, method, &cq);
  if (call == nullptr) {
    result.status = grpc::Status(grpc::StatusCode::INTERNAL, "cannot prepare the call");
    return result;
  }
  int tag = 0;
  call->StartCall(&tag);
  if (await()) {
    grpc::Slice slice(request.data(), request.size());
    grpc::ByteBuffer message(&slice, 1);
    // A failed write means the call is over already; Finish says why.
    call->WriteLast(message, grpc::WriteOptions(), &tag);
    if (await()) {
      grpc::ByteBuffer response;
      for (;;) {
        call->Read(&response, &tag);
        if (!await()) break;
        if (result.responses++ == 0) {
          absl::StatusOr<std::string> bytes = wire::FromByteBuffer(response);
          if (bytes.ok()) result.first_response = *std::move(bytes);
        }
      }
    }
  }
  call->Finish(&result.status, &tag);
  await();
  cq.Shutdown();
  void* ignored_tag = nullptr;
  bool ignored_ok = false;
  while (cq.Next(&ignored_tag, &ignored_ok)) {
  }
  return result;
}

namespace wire {

std::string EncodeStringField(int field_number, absl::string_view value) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.WriteTag(static_cast<uint32_t>(field_number << 3 | 2));  // length-delimited
    coded.WriteVarint32(static_cast<uint32_t>(value.size()));
    coded.WriteRaw(value.data(), static_cast<int>(value.size()));
  }
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

absl::StatusOr<std::string> FromByteBuffer(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  if (!buffer.Dump(&slices).ok()) return absl::InternalError("cannot read a response buffer");
  std::string out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

}  // namespace wire

absl::StatusOr<HealthStatus> CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                         absl::string_view service, absl::Duration timeout) {
  // HealthCheckRequest { string service = 1; }
  const grpc::ByteBuffer request =
      wire::ToByteBuffer(service.empty() ? std::string() : wire::EncodeStringField(1, service));
  grpc::ByteBuffer response;
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  std::promise<grpc::Status> done;
  // The deadline bounds the wait: the callback runs when it passes at the latest.
  stub.UnaryCall(&context, "/grpc.health.v1.Health/Check", grpc::StubOptions(), &request, &response,
                 [&done](grpc::Status status) { done.set_value(std::move(status)); });
  if (absl::Status status = FromGrpcStatus(done.get_future().get()); !status.ok()) return status;

  absl::StatusOr<std::string> bytes = wire::FromByteBuffer(response);
  if (!bytes.ok()) return bytes.status();
  // HealthCheckResponse { ServingStatus status = 1; }; absent means UNKNOWN.
  google::protobuf::UnknownFieldSet fields;
  if (!fields.ParseFromString(*bytes)) {
    return absl::InternalError("cannot parse a HealthCheckResponse");
  }
  HealthStatus result = HealthStatus::kUnknown;
  for (int i = 0; i < fields.field_count(); ++i) {
    const google::protobuf::UnknownField& field = fields.field(i);
    if (field.number() == 1 && field.type() == google::protobuf::UnknownField::TYPE_VARINT) {
      result = static_cast<HealthStatus>(field.varint());
    }
  }
  return result;
}

}  // namespace grassroots
