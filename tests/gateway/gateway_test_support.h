#ifndef GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_

// The real suite for the gateway's integration tests: org_service,
// roster_service and the gateway as three processes on ephemeral loopback
// ports, sharing a caller key, with a tokens file of principals of every
// role, and a sample district seeded through the gateway by a principal
// whose scope is every district.
//
// "Inside" is community1 of the org tests' sample district (水塔社区) and
// what lies there; "outside" is community2 (友谊社区), set up the same way,
// so that an allowed call gets the same answer on either side.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/grpc_probe.h"
#include "grassroots/gateway/v1/gateway_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/token_channel.h"

#ifndef GATEWAY_BINARY
#error "GATEWAY_BINARY must name the gateway binary (see tests/CMakeLists.txt)"
#endif

namespace grassroots::gateway::testing {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace gateway_v1 = ::grassroots::gateway::v1;
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
  roster_v1::Person resident;  // a full member living in `building`, member of `branch`
  std::string id_card;         // the resident's ID-card number, unmasked
  roster_v1::RoleAssignment building_lead;  // held by `resident` at `building`
};

// The stubs of one principal, on one channel through the gateway.
struct GatewayClients {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<org_v1::OrgService::Stub> org;
  std::unique_ptr<roster_v1::RosterService::Stub> roster;
  std::unique_ptr<gateway_v1::GatewayService::Stub> gateway;
};

class GatewaySuite : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = dirs_.File("caller.key");
    std::ofstream(key_file_) << RandomHex(32) << "\n";

    ::grassroots::testing::ServerOptions org_options;
    org_options.binary = ORG_SERVICE_BINARY;
    org_options.extra_args = {absl::StrCat("--caller_key_file=", key_file_)};
    ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(org_options));

    ::grassroots::testing::ServerOptions roster_options;
    roster_options.binary = ROSTER_SERVICE_BINARY;
    roster_options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                                 absl::StrCat("--caller_key_file=", key_file_)};
    ASSERT_OK_AND_ASSIGN(roster_server_,
                         ::grassroots::testing::ServerProcess::Launch(roster_options));

    // The district admin first; the scoped principals once the district
    // exists (their scope is a unit of it).
    district_admin_ = AddPrincipal("district-admin", "ADMIN", "*", /*pii=*/true);
    WriteTokens();
    access_log_ = dirs_.File("access.log");
    ::grassroots::testing::ServerOptions gateway_options;
    gateway_options.binary = GATEWAY_BINARY;
    gateway_options.pass_data_dir = false;
    gateway_options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                                  absl::StrCat("--roster_service=", roster_server_->address()),
                                  absl::StrCat("--tokens_file=", tokens_file_),
                                  absl::StrCat("--caller_key_file=", key_file_),
                                  absl::StrCat("--access_log=", access_log_),
                                  "--health_interval=100ms"};
    gateway_options.extra_args.insert(gateway_options.extra_args.end(), extra_gateway_args_.begin(),
                                      extra_gateway_args_.end());
    ASSERT_OK_AND_ASSIGN(gateway_, ::grassroots::testing::ServerProcess::Launch(gateway_options));
    ASSERT_TRUE(WaitForServing()) << "the gateway never reported SERVING";

    if (seed_sample_district_) {
      ASSERT_NO_FATAL_FAILURE(Seed());
    }
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto* server : {org_server_.get(), roster_server_.get(), gateway_.get()}) {
      if (server != nullptr) {
        std::cerr << "---- log " << server->log_path() << " ----\n" << server->ReadLog();
      }
    }
  }

  TestPrincipal AddPrincipal(const std::string& name, const std::string& role,
                             const std::string& scope, bool pii) {
    TestPrincipal p{name, role, scope, pii, absl::StrCat("tok-", name, "-", RandomHex(16))};
    principals_.push_back(p);
    return p;
  }

  void WriteTokens() {
    tokens_file_ = dirs_.File("tokens");
    std::ofstream out(tokens_file_ + ".tmp");
    out << "# sha256 principal role scope pii\n";
    for (const TestPrincipal& p : principals_) {
      out << Sha256Hex(p.token) << " " << p.name << " " << p.role << " " << p.scope << " "
          << (p.pii ? "pii" : "-") << "\n";
    }
    out.close();
    std::rename((tokens_file_ + ".tmp").c_str(), tokens_file_.c_str());
  }

  // Adds principals to the running gateway: rewrites the file, SIGHUP, and
  // waits until the last one is accepted.
  void ReloadTokens() {
    WriteTokens();
    ASSERT_EQ(kill(gateway_->pid(), SIGHUP), 0);
    auto stub = gateway_v1::GatewayService::NewStub(Channel(principals_.back().token));
    for (int i = 0; i < 200; ++i) {
      gateway_v1::WhoAmIResponse response;
      auto context = ::grassroots::testing::NewClientContext();
      if (stub->WhoAmI(context.get(), {}, &response).ok()) return;
      absl::SleepFor(absl::Milliseconds(10));
    }
    FAIL() << "the gateway did not accept the reloaded tokens";
  }

  bool WaitForServing() {
    auto channel = ::grassroots::testing::CreateTokenChannel(gateway_->address(), "",
                                                             channel_credentials_);
    for (int i = 0; i < 200; ++i) {
      absl::StatusOr<HealthStatus> health = CheckHealth(channel, "", absl::Seconds(1));
      if (health.ok() && *health == HealthStatus::kServing) return true;
      absl::SleepFor(absl::Milliseconds(25));
    }
    return false;
  }

  std::shared_ptr<grpc::Channel> Channel(const std::string& token) const {
    return ::grassroots::testing::CreateTokenChannel(gateway_->address(), token,
                                                     channel_credentials_);
  }

  // A new channel of `token`'s and the stubs of the three services on it.
  GatewayClients ClientsOf(const std::string& token) const {
    GatewayClients clients;
    clients.channel = Channel(token);
    clients.org = org_v1::OrgService::NewStub(clients.channel);
    clients.roster = roster_v1::RosterService::NewStub(clients.channel);
    clients.gateway = gateway_v1::GatewayService::NewStub(clients.channel);
    return clients;
  }

  // The sample district and its two sides, created through the gateway.
  void Seed() {
    OrgClient org(Channel(district_admin_.token));
    RosterClient roster(Channel(district_admin_.token));
    ASSERT_OK_AND_ASSIGN(district_, ::grassroots::org::testing::CreateSampleDistrict(org));
    using ::grassroots::org::testing::NewPartyOrg;
    ASSERT_OK_AND_ASSIGN(org_v1::PartyOrg committee2,
                         org.CreatePartyOrg(NewPartyOrg(org_v1::PartyOrg::PARTY_COMMITTEE,
                                                        "友谊社区大党委",
                                                        {district_.community2.name()},
                                                        district_.working_committee1.name())));
    ASSERT_OK_AND_ASSIGN(org_v1::PartyOrg branch4,
                         org.CreatePartyOrg(NewPartyOrg(org_v1::PartyOrg::BRANCH, "阳光花园党支部",
                                                        {district_.compound4.name()},
                                                        committee2.name())));
    inside_ = {.community = district_.community1, .compound = district_.compound1,
               .building = district_.building1, .branch = district_.branch};
    outside_ = {.community = district_.community2, .compound = district_.compound4,
                .building = district_.building4, .branch = branch4};
    int n = 1;
    for (Side* side : {&inside_, &outside_}) {
      side->id_card = ::grassroots::roster::testing::TestIdCardNumber(n);
      roster_v1::Person person = ::grassroots::roster::testing::NewMember(
          n == 1 ? "张三" : "李四", roster_v1::Person::FULL, roster_v1::Person::RETIRED,
          side->id_card, ::grassroots::roster::testing::TestPhone(n));
      person.set_residence_building(side->building.name());
      ASSERT_OK_AND_ASSIGN(side->resident, roster.CreatePerson(person));
      roster_v1::StartMembershipRequest start;
      start.set_person(side->resident.name());
      start.set_party_org(side->branch.name());
      *start.mutable_start_date() = ::grassroots::roster::testing::MakeDate(2010, 1, 1);
      ASSERT_OK(roster.Call(&RosterClient::Stub::StartMembership, start).status());
      ASSERT_OK_AND_ASSIGN(
          side->building_lead,
          roster.AssignRole(::grassroots::roster::testing::NewRole(
              side->resident.name(), roster_v1::BUILDING_LEAD, side->building.name())));
      ++n;
    }
  }

  ::grassroots::testing::TempDir dirs_;
  std::string key_file_, tokens_file_, access_log_;
  std::vector<std::string> extra_gateway_args_;  // set before SetUp
  bool seed_sample_district_ = true;             // likewise
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;  // plaintext when null
  std::vector<TestPrincipal> principals_;
  TestPrincipal district_admin_;
  std::unique_ptr<::grassroots::testing::ServerProcess> org_server_, roster_server_, gateway_;
  SampleDistrict district_;
  Side inside_, outside_;
};

}  // namespace grassroots::gateway::testing

#endif  // GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_
