// The gateway's route table (gateway/routes.h): for every forwarded method,
// the extraction of the resources a request names, and the filtering of a
// response to the caller's scope, on arbitrary bytes.
//
// Input: byte 0 picks a route (modulo their number), byte 1 seeds the scope
// decisions the filter is given, the rest is one message, read both as the
// route's request and as its response.

#include <grpcpp/support/byte_buffer.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/proto_support.h"
#include "gateway/routes.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

namespace grassroots::fuzz {
namespace {

using gateway::CallShape;
using gateway::FilterOutcome;
using gateway::Route;
using gateway::RouteTable;
using gateway::Target;
using gateway::TargetKind;

const google::protobuf::MethodDescriptor* MethodOf(const Route& route) {
  // "/grassroots.org.v1.OrgService/GetUnit" -> "grassroots.org.v1.OrgService.GetUnit"
  std::string name = route.method.substr(1);
  const size_t slash = name.find('/');
  if (slash == std::string::npos) return nullptr;
  name[slash] = '.';
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
}

CallShape ShapeOf(const google::protobuf::MethodDescriptor& method) {
  if (method.client_streaming()) return CallShape::kClientStream;
  if (method.server_streaming()) return CallShape::kServerStream;
  return CallShape::kUnary;
}

// Every RPC of both services has a route of the right shape, and every
// route an RPC: a method added to a service without a route would be
// refused by the gateway and missed by this fuzzer.
const RouteTable& CheckedTable() {
  static const RouteTable* table = [] {
    auto* t = new RouteTable;
    for (const google::protobuf::ServiceDescriptor* service :
         {&ServiceDescriptorOf(org::v1::OrgService::service_full_name()),
          &ServiceDescriptorOf(roster::v1::RosterService::service_full_name())}) {
      for (int i = 0; i < service->method_count(); ++i) {
        const google::protobuf::MethodDescriptor& method = *service->method(i);
        const Route* route = t->Find(absl::StrCat("/", service->full_name(), "/", method.name()));
        FUZZ_CHECK(route != nullptr) << method.full_name() << " has no route";
        FUZZ_CHECK(route->shape == ShapeOf(method)) << method.full_name() << ": wrong shape";
      }
    }
    for (const Route& route : t->routes()) {
      FUZZ_CHECK(MethodOf(route) != nullptr) << route.method << " is no RPC";
      FUZZ_CHECK(t->Find(route.method) == &route) << route.method;
      FUZZ_CHECK(route.targets != nullptr) << route.method;
    }
    return t;
  }();
  return *table;
}

grpc::ByteBuffer ToBuffer(absl::string_view bytes) {
  grpc::Slice slice(bytes.data(), bytes.size());
  return grpc::ByteBuffer(&slice, 1);
}

std::string Bytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

bool Parses(const google::protobuf::Descriptor& type, absl::string_view bytes) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  std::unique_ptr<google::protobuf::Message> message(prototype->New());
  return message->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));
}

void CheckTargets(const Route& route, const google::protobuf::MethodDescriptor& method,
                  absl::string_view bytes) {
  absl::StatusOr<std::vector<Target>> targets = route.targets(ToBuffer(bytes));
  if (!targets.ok()) {
    const absl::StatusCode code = targets.status().code();
    FUZZ_CHECK(code == absl::StatusCode::kInvalidArgument ||
               code == absl::StatusCode::kPermissionDenied)
        << route.short_name << ": " << targets.status();
    FUZZ_CHECK(!targets.status().message().empty()) << route.short_name;
    return;
  }
  FUZZ_CHECK(Parses(*method.input_type(), bytes))
      << route.short_name << ": targets of a request that does not parse";
  for (const Target& target : *targets) {
    FUZZ_CHECK(!target.field.empty()) << route.short_name << ": a target names no field";
    if (target.kind != TargetKind::kPersonByExternalKey) {
      FUZZ_CHECK(target.id > 0) << route.short_name << ": " << target.field << " has id "
                                << target.id;
    }
  }
}

// Scope decisions that depend only on the target and the input's seed:
// in, out, or (unless the seed forbids it) undecided.
std::optional<bool> Decide(const Target& target, uint8_t seed) {
  const uint64_t h = (static_cast<uint64_t>(target.id) * 0x9E3779B97F4A7C15ULL) ^
                     (static_cast<uint64_t>(target.kind) << 56) ^ seed;
  const int choice = static_cast<int>((h >> 7) % ((seed & 0x80) ? 2 : 3));
  if (choice == 2) return std::nullopt;
  return choice == 1;
}

void CheckFilter(const Route& route, const google::protobuf::MethodDescriptor& method,
                 absl::string_view bytes, uint8_t seed) {
  if (route.filter == nullptr) return;
  const gateway::KeepFn keep = [seed](const Target& target) { return Decide(target, seed); };
  grpc::ByteBuffer buffer = ToBuffer(bytes);
  const FilterOutcome outcome = route.filter(buffer, keep);
  if (outcome != FilterOutcome::kChanged) {
    FUZZ_CHECK(Bytes(buffer) == bytes)
        << route.short_name << ": the buffer changed, but the outcome says it did not";
    return;
  }
  const std::string filtered = Bytes(buffer);
  FUZZ_CHECK(Parses(*method.output_type(), filtered))
      << route.short_name << ": a filtered response does not parse";
  // Filtering what was filtered with the same decisions leaves it as it is.
  grpc::ByteBuffer again = ToBuffer(filtered);
  const FilterOutcome second = route.filter(again, keep);
  FUZZ_CHECK(second == FilterOutcome::kUnchanged)
      << route.short_name << ": filtering twice gave outcome " << static_cast<int>(second);
}

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::CheckedTable();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grassroots::fuzz;
  const grassroots::gateway::RouteTable& table = CheckedTable();
  FuzzInput in(data, size);
  const Route& route = table.routes()[in.Byte() % table.routes().size()];
  const uint8_t seed = in.Byte();
  const std::string bytes = in.Rest();
  const google::protobuf::MethodDescriptor& method = *MethodOf(route);
  CheckTargets(route, method, bytes);
  CheckFilter(route, method, bytes, seed);
  return 0;
}
