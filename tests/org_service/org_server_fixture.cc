#include "tests/org_service/org_server_fixture.h"

#include <iostream>
#include <memory>

#include "gtest/gtest.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {

::grassroots::testing::ServerOptions OrgServerOptions() {
  ::grassroots::testing::ServerOptions options;
  options.binary = ORG_SERVICE_BINARY;
  return options;
}

void OrgServerFixture::SetUp() {
  ASSERT_OK_AND_ASSIGN(server_, ::grassroots::testing::ServerProcess::Launch(OrgServerOptions()));
  Reconnect();
}

void OrgServerFixture::TearDown() {
  if (HasFailure() && server_ != nullptr) {
    std::cerr << "---- org_service log (" << server_->log_path() << ") ----\n"
              << server_->ReadLog() << "---- end of log ----\n";
  }
}

void OrgServerFixture::Reconnect() {
  channel_ = ::grassroots::testing::CreateTestChannel(server_->address());
  client_ = std::make_unique<OrgClient>(channel_);
}

}  // namespace grassroots::org::testing
