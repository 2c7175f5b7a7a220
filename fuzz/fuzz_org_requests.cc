// Request validation of every OrgService RPC: arbitrary bytes, sent as the
// request of a method the first byte picks, to the real service running in
// this process. See service_harness.h for the input format and the oracle.

#include <cstddef>
#include <cstdint>

#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::InProcessServices::Get(/*with_roster=*/false);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto& services = grassroots::fuzz::InProcessServices::Get(/*with_roster=*/false);
  static const auto& service =
      grassroots::fuzz::ServiceDescriptorOf(grassroots::org::v1::OrgService::service_full_name());
  grassroots::fuzz::FuzzServiceCall(service, services.org_channel(), data, size);
  return 0;
}
