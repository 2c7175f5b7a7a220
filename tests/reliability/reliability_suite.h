#ifndef GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUITE_H_
#define GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUITE_H_

// The gateway suite of three processes (tests/gateway/gateway_suite.h) with
// a backend that can be killed, stopped or hung and brought back on the same
// address and data directory, so that the gateway and the roster find it
// where they left it; and waiting for the gateway's health. The binaries'
// paths are compile definitions of the reliability_testing library.

#include <memory>
#include <ostream>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/grpc_probe.h"
#include "tests/gateway/gateway_suite.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/roster_service/roster_client_wrapper.h"
#include "tests/testing/server_process.h"

namespace grassroots::reliability {

using ::grassroots::gateway::testing::GatewaySuite;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;

enum class Backend { kOrg, kRoster };

const char* BackendName(Backend backend);

// For gtest's names of parameterised tests.
void PrintTo(Backend backend, std::ostream* os);

Backend OtherBackend(Backend backend);

// The gateway suite with no rate limit (the writers share one principal),
// whose backends can be brought back where they were.
class ReliabilitySuite : public GatewaySuite {
 protected:
  void SetUp() override;

  // The pinned processes go before the first runs whose directories hold
  // their data.
  ~ReliabilitySuite() override;

  void TearDown() override;

  std::unique_ptr<ServerProcess>& ServerOf(Backend backend);

  // Starts `backend`, which must not be running, again on its data
  // directory and its address. GatewaySuite started it on port 0; the first
  // time, it is replaced by a process pinned to that port (the original is
  // kept, since its temporary directory holds the data directory). A port
  // not yet free is tried again for a few seconds.
  absl::Status StartAgain(Backend backend);

  // Polls the gateway's health until it is `want`; the time that took, or
  // DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<absl::Duration> WaitForHealth(HealthStatus want,
                                               absl::Duration timeout = absl::Seconds(30));

  // Clients of the services themselves, not through the gateway: they read
  // as the anonymous caller (personal data masked), which suffices for
  // checking what is stored.
  ::grassroots::org::testing::OrgClient DirectOrg() const;
  ::grassroots::roster::testing::RosterClient DirectRoster() const;

  // Earlier processes whose temporary directories hold the data directories.
  std::vector<std::unique_ptr<ServerProcess>> first_runs_;
  bool pinned_[2] = {false, false};
};

}  // namespace grassroots::reliability

#endif  // GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUITE_H_
