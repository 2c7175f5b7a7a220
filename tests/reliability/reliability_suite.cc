#include "tests/reliability/reliability_suite.h"

#include <iostream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/grpc_probe.h"
#include "tests/testing/server_process.h"

namespace grassroots::reliability {

const char* BackendName(Backend backend) {
  return backend == Backend::kOrg ? "org_service" : "roster_service";
}

void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

Backend OtherBackend(Backend backend) {
  return backend == Backend::kOrg ? Backend::kRoster : Backend::kOrg;
}

void ReliabilitySuite::SetUp() {
  extra_gateway_args_.push_back("--rate_limit_qps=0");
  GatewaySuite::SetUp();
}

ReliabilitySuite::~ReliabilitySuite() {
  gateway_.reset();
  roster_server_.reset();
  org_server_.reset();
}

void ReliabilitySuite::TearDown() {
  if (HasFailure()) {
    for (const auto& server : first_runs_) {
      std::cerr << "---- log of a first run " << server->log_path() << " ----\n"
                << server->ReadLog();
    }
  }
  GatewaySuite::TearDown();
}

std::unique_ptr<ServerProcess>& ReliabilitySuite::ServerOf(Backend backend) {
  return backend == Backend::kOrg ? org_server_ : roster_server_;
}

absl::Status ReliabilitySuite::StartAgain(Backend backend) {
  std::unique_ptr<ServerProcess>& server = ServerOf(backend);
  if (server->running()) {
    return absl::FailedPreconditionError(absl::StrCat(BackendName(backend), " is running"));
  }
  if (!pinned_[static_cast<int>(backend)]) {
    ServerOptions options;
    options.binary = backend == Backend::kOrg ? ORG_SERVICE_BINARY : ROSTER_SERVICE_BINARY;
    options.data_dir = server->data_dir();
    if (backend == Backend::kRoster) {
      options.extra_args.push_back(absl::StrCat("--org_service=", org_server_->address()));
    }
    options.extra_args.push_back(absl::StrCat("--caller_key_file=", key_file_));
    // After the helper's --listen=127.0.0.1:0, so it wins.
    options.extra_args.push_back(absl::StrCat("--listen=", server->address()));
    first_runs_.push_back(std::move(server));
    server = std::make_unique<ServerProcess>(std::move(options));
    pinned_[static_cast<int>(backend)] = true;
  }
  absl::Status status;
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  do {
    status = server->Start();
    if (status.ok() || absl::Now() > give_up) break;
    absl::SleepFor(absl::Milliseconds(50));
  } while (true);
  return status;
}

absl::StatusOr<absl::Duration> ReliabilitySuite::WaitForHealth(HealthStatus want,
                                                               absl::Duration timeout) {
  auto channel = ::grassroots::testing::CreateTestChannel(gateway_->address());
  const absl::Time start = absl::Now();
  absl::StatusOr<HealthStatus> health;
  while (absl::Now() - start < timeout) {
    health = CheckHealth(channel, "", absl::Seconds(1));
    if (health.ok() && *health == want) return absl::Now() - start;
    absl::SleepFor(absl::Milliseconds(10));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      "the gateway's health is not ", want == HealthStatus::kServing ? "SERVING" : "NOT_SERVING",
      " after ", absl::FormatDuration(timeout), "; last: ",
      health.ok() ? absl::StrCat(static_cast<int>(*health))
                  : std::string(health.status().message())));
}

::grassroots::org::testing::OrgClient ReliabilitySuite::DirectOrg() const {
  return ::grassroots::org::testing::OrgClient(
      ::grassroots::testing::CreateTestChannel(org_server_->address()));
}

::grassroots::roster::testing::RosterClient ReliabilitySuite::DirectRoster() const {
  return ::grassroots::roster::testing::RosterClient(
      ::grassroots::testing::CreateTestChannel(roster_server_->address()));
}

}  // namespace grassroots::reliability
