#ifndef GRASSROOTS_TESTS_RELIABILITY_CALL_TALLY_H_
#define GRASSROOTS_TESTS_RELIABILITY_CALL_TALLY_H_

// Tallies of call outcomes for the reliability suites' figures: codes with
// their counts and the slowest call, and a way to make calls at once.

#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace grassroots::reliability {

// "UNAVAILABLE", "DEADLINE_EXCEEDED"... (absl and gRPC number codes alike).
std::string CodeName(absl::StatusCode code);
std::string CodeName(grpc::StatusCode code);

// "12 ms".
std::string Millis(absl::Duration d);

// How calls ended: codes with their counts, and the slowest.
struct CallTally {
  std::map<std::string, int> codes;
  absl::Duration max_latency = absl::ZeroDuration();
  int calls = 0;

  void Add(absl::StatusCode code, absl::Duration latency);
  void Merge(const CallTally& other);
  int Count(absl::StatusCode code) const;
  // "UNAVAILABLE 16, OK 2"
  std::string CodesText() const;
};

// Runs `call` on `threads` threads at once, each once; the status and
// latency of each call, tallied.
CallTally CallConcurrently(int threads, const std::function<absl::Status(int)>& call);

}  // namespace grassroots::reliability

#endif  // GRASSROOTS_TESTS_RELIABILITY_CALL_TALLY_H_
