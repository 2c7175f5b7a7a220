#ifndef GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
#define GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_

// What the crash and backend-fault suites share: the gateway suite of three
// processes (tests/gateway/gateway_test_support.h) with a backend that can
// be killed, stopped or hung and brought back on the same address and data
// directory, so that the gateway and the roster find it where they left it;
// waiting for the gateway's health; and tallies of call outcomes for the
// figures.

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/testing/server_process.h"

namespace grassroots::reliability {

using ::grassroots::gateway::testing::GatewaySuite;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;

enum class Backend { kOrg, kRoster };

inline const char* BackendName(Backend backend) {
  return backend == Backend::kOrg ? "org_service" : "roster_service";
}

// For gtest's names of parameterised tests.
inline void PrintTo(Backend backend, std::ostream* os) { *os << BackendName(backend); }

inline Backend OtherBackend(Backend backend) {
  return backend == Backend::kOrg ? Backend::kRoster : Backend::kOrg;
}

// "UNAVAILABLE", "DEADLINE_EXCEEDED"... (absl and gRPC number codes alike).
inline std::string CodeName(absl::StatusCode code) { return absl::StatusCodeToString(code); }
inline std::string CodeName(grpc::StatusCode code) {
  return CodeName(static_cast<absl::StatusCode>(code));
}

inline std::string Millis(absl::Duration d) {
  return absl::StrCat(absl::ToInt64Milliseconds(d), " ms");
}

// How calls ended: codes with their counts, and the slowest.
struct CallTally {
  std::map<std::string, int> codes;
  absl::Duration max_latency = absl::ZeroDuration();
  int calls = 0;

  void Add(absl::StatusCode code, absl::Duration latency) {
    ++codes[CodeName(code)];
    max_latency = std::max(max_latency, latency);
    ++calls;
  }
  void Merge(const CallTally& other) {
    for (const auto& [code, count] : other.codes) codes[code] += count;
    max_latency = std::max(max_latency, other.max_latency);
    calls += other.calls;
  }
  int Count(absl::StatusCode code) const {
    const auto it = codes.find(CodeName(code));
    return it == codes.end() ? 0 : it->second;
  }
  // "UNAVAILABLE 16, OK 2"
  std::string CodesText() const {
    std::vector<std::string> parts;
    for (const auto& [code, count] : codes) parts.push_back(absl::StrCat(code, " ", count));
    return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
  }
};

// Runs `call` on `threads` threads at once, each once; the status and
// latency of each call, tallied.
inline CallTally CallConcurrently(int threads, const std::function<absl::Status(int)>& call) {
  std::vector<absl::StatusCode> codes(threads);
  std::vector<absl::Duration> latencies(threads);
  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (int i = 0; i < threads; ++i) {
    pool.emplace_back([&, i] {
      const absl::Time start = absl::Now();
      codes[i] = call(i).code();
      latencies[i] = absl::Now() - start;
    });
  }
  for (std::thread& thread : pool) thread.join();
  CallTally tally;
  for (int i = 0; i < threads; ++i) tally.Add(codes[i], latencies[i]);
  return tally;
}

// The gateway suite with no rate limit (the writers share one principal),
// whose backends can be brought back where they were.
class ReliabilitySuite : public GatewaySuite {
 protected:
  void SetUp() override {
    extra_gateway_args_.push_back("--rate_limit_qps=0");
    GatewaySuite::SetUp();
  }

  // The pinned processes go before the first runs whose directories hold
  // their data.
  ~ReliabilitySuite() override {
    gateway_.reset();
    roster_server_.reset();
    org_server_.reset();
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const auto& server : first_runs_) {
        std::cerr << "---- log of a first run " << server->log_path() << " ----\n"
                  << server->ReadLog();
      }
    }
    GatewaySuite::TearDown();
  }

  std::unique_ptr<ServerProcess>& ServerOf(Backend backend) {
    return backend == Backend::kOrg ? org_server_ : roster_server_;
  }

  // Starts `backend`, which must not be running, again on its data
  // directory and its address. GatewaySuite started it on port 0; the first
  // time, it is replaced by a process pinned to that port (the original is
  // kept, since its temporary directory holds the data directory). A port
  // not yet free is tried again for a few seconds.
  absl::Status StartAgain(Backend backend) {
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

  // Polls the gateway's health until it is `want`; the time that took, or
  // DEADLINE_EXCEEDED after `timeout`.
  absl::StatusOr<absl::Duration> WaitForHealth(HealthStatus want,
                                               absl::Duration timeout = absl::Seconds(30)) {
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

  // Clients of the services themselves, not through the gateway: they read
  // as the anonymous caller (personal data masked), which suffices for
  // checking what is stored.
  ::grassroots::org::testing::OrgClient DirectOrg() const {
    return ::grassroots::org::testing::OrgClient(
        ::grassroots::testing::CreateTestChannel(org_server_->address()));
  }
  ::grassroots::roster::testing::RosterClient DirectRoster() const {
    return ::grassroots::roster::testing::RosterClient(
        ::grassroots::testing::CreateTestChannel(roster_server_->address()));
  }

  // Earlier processes whose temporary directories hold the data directories.
  std::vector<std::unique_ptr<ServerProcess>> first_runs_;
  bool pinned_[2] = {false, false};
};

}  // namespace grassroots::reliability

#endif  // GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
