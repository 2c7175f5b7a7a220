#ifndef GRASSROOTS_TESTS_GATEWAY_GATEWAY_SUITE_H_
#define GRASSROOTS_TESTS_GATEWAY_GATEWAY_SUITE_H_

// The real suite for the gateway's integration tests: org_service,
// roster_service, casework_service, activity_service and the gateway as five
// processes on
// ephemeral loopback ports, sharing a caller key, with a tokens file of
// principals of every role, and a sample district seeded through the
// gateway by a principal whose scope is every district. The binaries' paths
// are compile definitions of the gateway_testing library
// (ORG_SERVICE_BINARY, ROSTER_SERVICE_BINARY, CASEWORK_SERVICE_BINARY,
// ACTIVITY_SERVICE_BINARY, GATEWAY_BINARY; see tests/CMakeLists.txt).
//
// "Inside" is community1 of the org tests' sample district (水塔社区) and
// what lies there; "outside" is community2 (友谊社区), set up the same way,
// so that an allowed call gets the same answer on either side.

#include <memory>
#include <string>
#include <vector>

#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/gateway/v1/gateway_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/org_service/sample_district.h"
#include "tests/roster_service/roster_client_wrapper.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::gateway::testing {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace gateway_v1 = ::grassroots::gateway::v1;
namespace casework_v1 = ::grassroots::casework::v1;
namespace activity_v1 = ::grassroots::activity::v1;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::roster::testing::RosterClient;

// One token of the tokens file.
struct TestPrincipal {
  std::string name;
  std::string role;   // VIEWER, EDITOR, ADMIN, AUDITOR
  std::string scope;  // units/N or *
  bool pii = false;
  std::string token;  // the secret; the file holds its hash
};

// One side of the sample: a community and what lies in it.
struct Side {
  org_v1::Unit community, compound, building;
  org_v1::PartyOrg branch;
  // The community's party committee, above `branch`: it approves the
  // branch's activities.
  org_v1::PartyOrg committee;
  roster_v1::Person resident;  // a full member living in `building`, member of `branch`
  std::string id_card;         // the resident's ID-card number, unmasked
  roster_v1::RoleAssignment building_lead;  // held by `resident` at `building`
  // Reported at `building` by `resident` (with a contact, personal data):
  // REPORTED, handled by `compound`.
  casework_v1::Issue issue;
};

// The stubs of one principal, on one channel through the gateway.
struct GatewayClients {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<org_v1::OrgService::Stub> org;
  std::unique_ptr<roster_v1::RosterService::Stub> roster;
  std::unique_ptr<gateway_v1::GatewayService::Stub> gateway;
  std::unique_ptr<casework_v1::CaseworkService::Stub> casework;
  std::unique_ptr<activity_v1::ActivityService::Stub> activity;
};

class GatewaySuite : public ::testing::Test {
 protected:
  void SetUp() override;

  void TearDown() override;

  TestPrincipal AddPrincipal(const std::string& name, const std::string& role,
                             const std::string& scope, bool pii);

  void WriteTokens();

  // Adds principals to the running gateway: rewrites the file, SIGHUP, and
  // waits until the last one is accepted.
  void ReloadTokens();

  bool WaitForServing();

  // Certificates for mutual TLS made by scripts/make_certs.sh in `dir`:
  // dir/ca.pem, and dir/NAME.pem with dir/NAME.key for each of `names`.
  void MakeCertificates(const std::string& dir, const std::vector<std::string>& names);

  std::shared_ptr<grpc::Channel> Channel(const std::string& token) const;

  // A new channel of `token`'s and the stubs of the five services on it.
  GatewayClients ClientsOf(const std::string& token) const;

  // The sample district and its two sides, created through the gateway.
  void Seed();

  ::grassroots::testing::TempDir dirs_;
  std::string key_file_, tokens_file_, access_log_, security_log_;
  std::vector<std::string> extra_gateway_args_;                    // set before SetUp
  std::vector<std::string> extra_org_args_, extra_roster_args_;    // likewise
  std::vector<std::string> extra_casework_args_;                   // likewise
  std::vector<std::string> extra_activity_args_;                   // likewise
  bool seed_sample_district_ = true;                               // likewise
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;  // plaintext when null
  std::vector<TestPrincipal> principals_;
  TestPrincipal district_admin_;
  std::unique_ptr<::grassroots::testing::ServerProcess> org_server_, roster_server_,
      casework_server_, activity_server_, gateway_;
  SampleDistrict district_;
  Side inside_, outside_;
};

}  // namespace grassroots::gateway::testing

#endif  // GRASSROOTS_TESTS_GATEWAY_GATEWAY_SUITE_H_
