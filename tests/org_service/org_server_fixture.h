#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_SERVER_FIXTURE_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_SERVER_FIXTURE_H_

// A fixture that runs the real org_service binary on port 0 in a temporary
// directory. The binary's path is a compile definition of the org_testing
// library (ORG_SERVICE_BINARY, see tests/CMakeLists.txt), not of the tests.

#include <memory>

#include "grpcpp/channel.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/testing/server_process.h"

namespace grassroots::org::testing {

// Options that launch the org_service binary the tests were built with.
::grassroots::testing::ServerOptions OrgServerOptions();

// Starts a fresh org_service (its own data directory) for each test and
// connects a client. On failure, TearDown prints the server's log.
class OrgServerFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // A new channel and client to the server's current address (after a restart).
  void Reconnect();

  const OrgClient& client() const { return *client_; }
  ::grassroots::testing::ServerProcess& server() { return *server_; }

  std::unique_ptr<::grassroots::testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<OrgClient> client_;
};

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_SERVER_FIXTURE_H_
