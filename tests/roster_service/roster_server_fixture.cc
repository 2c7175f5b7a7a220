#include "tests/roster_service/roster_server_fixture.h"

#include <csignal>
#include <iostream>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/roster_service/retry_for.h"
#include "tests/roster_service/roster_builders.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster::testing {

void RosterServerFixture::SetUp() {
  org_data_dir_ = dirs_.File("org-data");
  ::grassroots::testing::ServerOptions org_options;
  org_options.binary = ORG_SERVICE_BINARY;
  org_options.data_dir = org_data_dir_;
  ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(org_options));
  org_port_ = org_server_->port();
  ConnectOrg();

  ::grassroots::testing::ServerOptions roster_options;
  roster_options.binary = ROSTER_SERVICE_BINARY;
  roster_options.extra_args = {absl::StrCat("--org_service=127.0.0.1:", org_port_),
                               absl::StrCat("--org_deadline=", absl::FormatDuration(kOrgDeadline))};
  ASSERT_OK_AND_ASSIGN(roster_server_,
                       ::grassroots::testing::ServerProcess::Launch(roster_options));
  ConnectRoster();
}

void RosterServerFixture::TearDown() {
  if (!HasFailure()) return;
  for (const auto& server : old_org_servers_) PrintLog("org_service (earlier run)", *server);
  if (org_server_ != nullptr) PrintLog("org_service", *org_server_);
  if (roster_server_ != nullptr) PrintLog("roster_service", *roster_server_);
}

void RosterServerFixture::PrintLog(absl::string_view what,
                                   const ::grassroots::testing::ServerProcess& server) {
  std::cerr << "---- " << what << " log (" << server.log_path() << ") ----\n"
            << server.ReadLog() << "---- end of log ----\n";
}

void RosterServerFixture::ConnectOrg() {
  org_channel_ = ::grassroots::testing::CreateTestChannel(org_server_->address());
  org_client_ = std::make_unique<OrgClient>(org_channel_);
}

void RosterServerFixture::ConnectRoster() {
  roster_channel_ = ::grassroots::testing::CreateTestChannel(roster_server_->address());
  roster_client_ = std::make_unique<RosterClient>(roster_channel_);
}

void RosterServerFixture::StopOrg() {
  ASSERT_THAT(org_server_->Stop(SIGTERM), ::grassroots::testing::IsOkAndHolds(0));
}

void RosterServerFixture::StartOrgAgain() {
  ASSERT_FALSE(org_server_->running());
  ::grassroots::testing::ServerOptions options;
  options.binary = ORG_SERVICE_BINARY;
  options.data_dir = org_data_dir_;
  options.extra_args = {absl::StrCat("--listen=127.0.0.1:", org_port_)};
  old_org_servers_.push_back(std::move(org_server_));
  ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(options));
  ASSERT_EQ(org_server_->port(), org_port_);
  ConnectOrg();
}

void RosterServerFixture::RestartRoster() {
  ASSERT_THAT(roster_server_->Stop(SIGTERM), ::grassroots::testing::IsOkAndHolds(0));
  ASSERT_OK(roster_server_->Start());
  ConnectRoster();
}

absl::Status RosterServerFixture::WaitForReplicaToKnow(absl::string_view unit) {
  return RetryFor(kReplicaCatchUp, absl::Milliseconds(20), [&] {
    v1::ListRoleAssignmentsRequest request = RolesAtRequest(unit, /*include_descendants=*/true);
    request.set_page_size(1);
    return roster().ListAllRoleAssignments(request).status();
  });
}

}  // namespace grassroots::roster::testing
