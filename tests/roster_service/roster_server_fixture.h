#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_SERVER_FIXTURE_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_SERVER_FIXTURE_H_

// A fixture that runs a real org_service and a real roster_service pointed
// at it, each on port 0 with its own data directory. The binaries' paths are
// compile definitions of the roster_testing library (ORG_SERVICE_BINARY and
// ROSTER_SERVICE_BINARY, see tests/CMakeLists.txt), not of the tests.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/roster_service/roster_client_wrapper.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::roster::testing {

using ::grassroots::org::testing::OrgClient;

// How long the roster may take to follow the org service: the replica
// bootstrapping after a start, or applying an event.
inline constexpr absl::Duration kReplicaCatchUp = absl::Seconds(5);
// The roster's deadline for each call to the org service.
inline constexpr absl::Duration kOrgDeadline = absl::Seconds(1);

// Starts, for each test, a fresh org_service and a roster_service pointed at
// it (--org_deadline=1s), each with its own data directory, and connects a
// client to each. The org service can be stopped and started again on the
// same port and data directory, so that the roster finds it again. On
// failure, TearDown prints both servers' logs.
class RosterServerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  static void PrintLog(absl::string_view what, const ::grassroots::testing::ServerProcess& server);

  void ConnectOrg();
  void ConnectRoster();

  // SIGTERM to the org service; it must exit with code 0.
  void StopOrg();

  // Starts the org service again on its data directory and on the port the
  // roster knows (a later --listen overrides the helper's port 0).
  void StartOrgAgain();

  // SIGTERM to the roster (exit code 0), start on the same data directory,
  // reconnect.
  void RestartRoster();

  // Waits until the roster's replica of the hierarchy has loaded and knows
  // `unit` (a subtree listing answers).
  absl::Status WaitForReplicaToKnow(absl::string_view unit);

  const OrgClient& org() const { return *org_client_; }
  const RosterClient& roster() const { return *roster_client_; }
  ::grassroots::testing::ServerProcess& org_server() { return *org_server_; }
  ::grassroots::testing::ServerProcess& roster_server() { return *roster_server_; }

  ::grassroots::testing::TempDir dirs_;  // first: removed after the processes are gone
  std::string org_data_dir_;
  int org_port_ = 0;
  std::vector<std::unique_ptr<::grassroots::testing::ServerProcess>> old_org_servers_;
  std::unique_ptr<::grassroots::testing::ServerProcess> org_server_;
  std::unique_ptr<::grassroots::testing::ServerProcess> roster_server_;
  std::shared_ptr<grpc::Channel> org_channel_;
  std::shared_ptr<grpc::Channel> roster_channel_;
  std::unique_ptr<OrgClient> org_client_;
  std::unique_ptr<RosterClient> roster_client_;
};

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_SERVER_FIXTURE_H_
