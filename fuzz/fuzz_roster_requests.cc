// Request validation of every RosterService RPC: arbitrary bytes, sent as
// the request of a method the first byte picks, to the real roster service
// running in this process beside the org service it follows. See
// service_harness.h for the input format and the oracle.

#include <cstddef>
#include <cstdint>

#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::InProcessServices::Get(/*with_roster=*/true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const auto& services = grassroots::fuzz::InProcessServices::Get(/*with_roster=*/true);
  static const auto& service = grassroots::fuzz::ServiceDescriptorOf(
      grassroots::roster::v1::RosterService::service_full_name());
  grassroots::fuzz::FuzzServiceCall(service, services.roster_channel(), data, size);
  return 0;
}
