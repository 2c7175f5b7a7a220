#include "tests/gateway/gateway_suite.h"

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/crypto.h"
#include "common/grpc_probe.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_builders.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/org_service/sample_district.h"
#include "tests/roster_service/roster_builders.h"
#include "tests/roster_service/roster_client_wrapper.h"
#include "tests/testing/command_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/token_channel.h"

namespace grassroots::gateway::testing {

void GatewaySuite::SetUp() {
  key_file_ = dirs_.File("caller.key");
  // The test channels' key, so that tests may also call the services
  // directly (as ::grassroots::testing::kTestPrincipal).
  std::ofstream(key_file_) << ::grassroots::testing::kTestCallerKey << "\n";

  ::grassroots::testing::ServerOptions org_options;
  org_options.binary = ORG_SERVICE_BINARY;
  org_options.extra_args = {absl::StrCat("--caller_key_file=", key_file_)};
  org_options.extra_args.insert(org_options.extra_args.end(), extra_org_args_.begin(),
                                extra_org_args_.end());
  ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(org_options));

  ::grassroots::testing::ServerOptions roster_options;
  roster_options.binary = ROSTER_SERVICE_BINARY;
  roster_options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                               absl::StrCat("--caller_key_file=", key_file_)};
  roster_options.extra_args.insert(roster_options.extra_args.end(), extra_roster_args_.begin(),
                                   extra_roster_args_.end());
  ASSERT_OK_AND_ASSIGN(roster_server_,
                       ::grassroots::testing::ServerProcess::Launch(roster_options));

  ::grassroots::testing::ServerOptions casework_options;
  casework_options.binary = CASEWORK_SERVICE_BINARY;
  casework_options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                                 absl::StrCat("--caller_key_file=", key_file_)};
  casework_options.extra_args.insert(casework_options.extra_args.end(),
                                     extra_casework_args_.begin(), extra_casework_args_.end());
  ASSERT_OK_AND_ASSIGN(casework_server_,
                       ::grassroots::testing::ServerProcess::Launch(casework_options));

  ::grassroots::testing::ServerOptions activity_options;
  activity_options.binary = ACTIVITY_SERVICE_BINARY;
  activity_options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                                 absl::StrCat("--roster_service=", roster_server_->address()),
                                 absl::StrCat("--caller_key_file=", key_file_)};
  activity_options.extra_args.insert(activity_options.extra_args.end(),
                                     extra_activity_args_.begin(), extra_activity_args_.end());
  ASSERT_OK_AND_ASSIGN(activity_server_,
                       ::grassroots::testing::ServerProcess::Launch(activity_options));

  // The district admin first; the scoped principals once the district
  // exists (their scope is a unit of it).
  district_admin_ = AddPrincipal("district-admin", "ADMIN", "*", /*pii=*/true);
  WriteTokens();
  access_log_ = dirs_.File("access.log");
  security_log_ = dirs_.File("security.log");
  ::grassroots::testing::ServerOptions gateway_options;
  gateway_options.binary = GATEWAY_BINARY;
  gateway_options.pass_data_dir = false;
  gateway_options.extra_args = {
      absl::StrCat("--org_service=", org_server_->address()),
      absl::StrCat("--roster_service=", roster_server_->address()),
      absl::StrCat("--casework_address=", casework_server_->address()),
      absl::StrCat("--activity_address=", activity_server_->address()),
      absl::StrCat("--tokens_file=", tokens_file_), absl::StrCat("--caller_key_file=", key_file_),
      absl::StrCat("--access_log=", access_log_), absl::StrCat("--security_log=", security_log_),
      "--health_interval=100ms",
      // ReloadTokens polls with a token the gateway
      // does not know yet: every poll is a failed
      // authentication from 127.0.0.1. The ration
      // has its own test, which sets it.
      "--auth_failures_per_second=0"};
  gateway_options.extra_args.insert(gateway_options.extra_args.end(), extra_gateway_args_.begin(),
                                    extra_gateway_args_.end());
  ASSERT_OK_AND_ASSIGN(gateway_, ::grassroots::testing::ServerProcess::Launch(gateway_options));
  ASSERT_TRUE(WaitForServing()) << "the gateway never reported SERVING";

  if (seed_sample_district_) {
    ASSERT_NO_FATAL_FAILURE(Seed());
  }
}

void GatewaySuite::MakeCertificates(const std::string& dir, const std::vector<std::string>& names) {
  std::vector<std::string> args = {MAKE_CERTS_SCRIPT, dir};
  args.insert(args.end(), names.begin(), names.end());
  const ::grassroots::testing::CommandResult result =
      ::grassroots::testing::RunCommand("/bin/bash", args);
  ASSERT_EQ(result.exit_code, 0) << result;
}

void GatewaySuite::TearDown() {
  if (!HasFailure()) return;
  for (const auto* server : {org_server_.get(), roster_server_.get(), casework_server_.get(),
                             activity_server_.get(), gateway_.get()}) {
    if (server != nullptr) {
      std::cerr << "---- log " << server->log_path() << " ----\n" << server->ReadLog();
    }
  }
}

TestPrincipal GatewaySuite::AddPrincipal(const std::string& name, const std::string& role,
                                         const std::string& scope, bool pii) {
  TestPrincipal p{name, role, scope, pii, absl::StrCat("tok-", name, "-", RandomHex(16))};
  principals_.push_back(p);
  return p;
}

void GatewaySuite::WriteTokens() {
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

void GatewaySuite::ReloadTokens() {
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

bool GatewaySuite::WaitForServing() {
  auto channel =
      ::grassroots::testing::CreateTokenChannel(gateway_->address(), "", channel_credentials_);
  for (int i = 0; i < 200; ++i) {
    absl::StatusOr<HealthStatus> health = CheckHealth(channel, "", absl::Seconds(1));
    if (health.ok() && *health == HealthStatus::kServing) return true;
    absl::SleepFor(absl::Milliseconds(25));
  }
  return false;
}

std::shared_ptr<grpc::Channel> GatewaySuite::Channel(const std::string& token) const {
  return ::grassroots::testing::CreateTokenChannel(gateway_->address(), token,
                                                   channel_credentials_);
}

GatewayClients GatewaySuite::ClientsOf(const std::string& token) const {
  GatewayClients clients;
  clients.channel = Channel(token);
  clients.org = org_v1::OrgService::NewStub(clients.channel);
  clients.roster = roster_v1::RosterService::NewStub(clients.channel);
  clients.gateway = gateway_v1::GatewayService::NewStub(clients.channel);
  clients.casework = casework_v1::CaseworkService::NewStub(clients.channel);
  clients.activity = activity_v1::ActivityService::NewStub(clients.channel);
  return clients;
}

void GatewaySuite::Seed() {
  OrgClient org(Channel(district_admin_.token));
  RosterClient roster(Channel(district_admin_.token));
  auto casework = casework_v1::CaseworkService::NewStub(Channel(district_admin_.token));
  ASSERT_OK_AND_ASSIGN(district_, ::grassroots::org::testing::CreateSampleDistrict(org));
  using ::grassroots::org::testing::NewPartyOrg;
  ASSERT_OK_AND_ASSIGN(org_v1::PartyOrg committee2,
                       org.CreatePartyOrg(NewPartyOrg(
                           org_v1::PartyOrg::PARTY_COMMITTEE, "友谊社区大党委",
                           {district_.community2.name()}, district_.working_committee1.name())));
  ASSERT_OK_AND_ASSIGN(
      org_v1::PartyOrg branch4,
      org.CreatePartyOrg(NewPartyOrg(org_v1::PartyOrg::BRANCH, "阳光花园党支部",
                                     {district_.compound4.name()}, committee2.name())));
  inside_ = {.community = district_.community1,
             .compound = district_.compound1,
             .building = district_.building1,
             .branch = district_.branch,
             .committee = district_.party_committee};
  outside_ = {.community = district_.community2,
              .compound = district_.compound4,
              .building = district_.building4,
              .branch = branch4,
              .committee = committee2};
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
    casework_v1::ReportIssueRequest report;
    casework_v1::Issue& issue = *report.mutable_issue();
    issue.set_place(side->building.name());
    issue.set_category(casework_v1::PROPERTY_MAINTENANCE);
    issue.set_channel(casework_v1::BUILDING_LEAD);
    issue.set_title(absl::StrCat(side->building.display_name(), "楼道灯不亮"));
    issue.set_reporter(side->resident.name());
    issue.set_reporter_contact(::grassroots::roster::testing::TestPhone(n));
    const grpc::Status reported = casework->ReportIssue(
        ::grassroots::testing::NewClientContext().get(), report, &side->issue);
    ASSERT_TRUE(reported.ok()) << reported.error_message();
    ++n;
  }
}

}  // namespace grassroots::gateway::testing
