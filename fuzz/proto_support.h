#ifndef GRASSROOTS_FUZZ_PROTO_SUPPORT_H_
#define GRASSROOTS_FUZZ_PROTO_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <string>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/stubs/logging.h"

namespace grassroots::fuzz {

// A service of the generated protos by full name, as the generated gRPC
// code spells it (OrgService::service_full_name()). Aborts when it is not
// linked in: the fuzz target would fuzz nothing.
inline const google::protobuf::ServiceDescriptor& ServiceDescriptorOf(const char* full_name) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
  if (service == nullptr) {
    std::fprintf(stderr, "no descriptor for the service %s\n", full_name);
    std::abort();
  }
  return *service;
}

// Turns off protobuf's log lines: every request with invalid UTF-8 in a
// string field would print one, drowning libFuzzer's own output.
inline void SilenceProtobufLogs() { google::protobuf::SetLogHandler(nullptr); }

}  // namespace grassroots::fuzz

#endif  // GRASSROOTS_FUZZ_PROTO_SUPPORT_H_
