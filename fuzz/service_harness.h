#ifndef GRASSROOTS_FUZZ_SERVICE_HARNESS_H_
#define GRASSROOTS_FUZZ_SERVICE_HARNESS_H_

// The real org, roster and casework services, started once in the fuzzing
// process and reached through in-process channels (no sockets), for the
// fuzz targets that send requests; and the raw call those targets make.
//
// The services run as main.cc wires them: SQLite stores in a temporary
// directory, the cores, the gRPC handlers, the roster's and the casework
// service's OrgReplica following the org service (the casework service runs
// without its overdue sweeper: its writes are the fuzzed ones only). A small sample district is
// created at start (see kSample* below), so that requests naming units/1..5, partyOrgs/1..3,
// people/1..2 and roleAssignments/1..2 reach the rules and not only the name
// parsing. State carries over from input to input, as it does in a real
// server: a crash found after many inputs may need the whole run to
// reproduce; the artifact alone reproduces most.

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "common/grpc_probe.h"
#include "google/protobuf/descriptor.h"

namespace grassroots::casework {
class CaseworkCore;
}  // namespace grassroots::casework

namespace grassroots::fuzz {

// The sample district the services hold at start. Ids are given in
// creation order by the services, so these names are stable.
inline constexpr absl::string_view kSampleDistrict = "units/1";
inline constexpr absl::string_view kSampleStreet = "units/2";
inline constexpr absl::string_view kSampleCommunity = "units/3";
inline constexpr absl::string_view kSampleCompound = "units/4";
inline constexpr absl::string_view kSampleBuilding = "units/5";
inline constexpr absl::string_view kSampleCommittee = "partyOrgs/1";  // covers the community
inline constexpr absl::string_view kSampleBranch = "partyOrgs/2";     // covers the compound
inline constexpr absl::string_view kSampleGroup = "partyOrgs/3";      // covers the building
inline constexpr absl::string_view kSampleMember = "people/1";        // FULL, at the branch
inline constexpr absl::string_view kSampleResident = "people/2";      // not a member
inline constexpr absl::string_view kSampleRegistration = "people/1/registrations/1";
inline constexpr absl::string_view kSampleSecretary = "roleAssignments/1";
// Made only beside the casework service: a department it may summon.
inline constexpr absl::string_view kSampleDepartment = "externalOrgs/1";

// The key the services trust for signed callers (common/caller_metadata.h).
inline constexpr absl::string_view kCallerKey = "grassroots-fuzzing-caller-key-0001";

class InProcessServices {
 public:
  // Starts the org service, and the roster service too when `with_roster`,
  // with the sample district; the first call does it, later calls return
  // the same services (a fuzz target asks for one kind only). Aborts when
  // they cannot start: a target is useless without them. The services are
  // never stopped: the process ends with them.
  static InProcessServices& Get(bool with_roster);
  // The org service and the casework service (no roster), with the sample
  // district and kSampleDepartment; as Get otherwise. A process asks for one
  // of Get and GetWithCasework only.
  static InProcessServices& GetWithCasework();

  std::shared_ptr<grpc::Channel> org_channel() const { return org_channel_; }
  // Null when started without the roster.
  std::shared_ptr<grpc::Channel> roster_channel() const { return roster_channel_; }
  // Null when started without the casework service.
  std::shared_ptr<grpc::Channel> casework_channel() const { return casework_channel_; }
  // The casework service's core, for its published revision; null without it.
  const casework::CaseworkCore* casework_core() const { return casework_core_; }
  const CallerSigner& signer() const { return signer_; }

 private:
  InProcessServices() : signer_(std::string(kCallerKey)) {}
  static InProcessServices* Create(bool with_roster, bool with_casework);

  CallerSigner signer_;
  std::shared_ptr<grpc::Channel> org_channel_;
  std::shared_ptr<grpc::Channel> roster_channel_;
  std::shared_ptr<grpc::Channel> casework_channel_;
  const casework::CaseworkCore* casework_core_ = nullptr;
};

// Calls `method` with `request` sent as it is (so bytes that do not parse
// reach the server's own parsing too), as one message followed by the end
// of the client's stream, with grpc::GenericStub. Signed as a caller allowed
// to see personal data when `signed_caller`, anonymous otherwise. The
// deadline is `timeout`; every response is read.
::grassroots::RawCallResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                                    const google::protobuf::MethodDescriptor& method,
                                    absl::string_view request, bool signed_caller,
                                    absl::Duration timeout);

// One fuzz input for a service: byte 0 picks a method of `service` (the low
// seven bits, modulo the number of methods, in descriptor order, so every
// RPC is fuzzed, new ones too) and whether the call is signed (the high
// bit); the rest is the request, sent raw. Aborts — a finding for
// libFuzzer — when the server answers with a code that a correct server
// never gives for bad input (see the .cc), or when it crashes.
void FuzzServiceCall(const google::protobuf::ServiceDescriptor& service,
                     const std::shared_ptr<grpc::Channel>& channel, const uint8_t* data,
                     size_t size);

// The first byte of an input that calls `method_index` of a service.
inline uint8_t MethodSelector(int method_index, bool signed_caller) {
  return static_cast<uint8_t>(method_index | (signed_caller ? 0x80 : 0));
}

}  // namespace grassroots::fuzz

#endif  // GRASSROOTS_FUZZ_SERVICE_HARNESS_H_
