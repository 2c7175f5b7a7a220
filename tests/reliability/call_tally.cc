#include "tests/reliability/call_tally.h"

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace grassroots::reliability {

std::string CodeName(absl::StatusCode code) { return absl::StatusCodeToString(code); }

std::string CodeName(grpc::StatusCode code) {
  return CodeName(static_cast<absl::StatusCode>(code));
}

std::string Millis(absl::Duration d) { return absl::StrCat(absl::ToInt64Milliseconds(d), " ms"); }

void CallTally::Add(absl::StatusCode code, absl::Duration latency) {
  ++codes[CodeName(code)];
  max_latency = std::max(max_latency, latency);
  ++calls;
}

void CallTally::Merge(const CallTally& other) {
  for (const auto& [code, count] : other.codes) codes[code] += count;
  max_latency = std::max(max_latency, other.max_latency);
  calls += other.calls;
}

int CallTally::Count(absl::StatusCode code) const {
  const auto it = codes.find(CodeName(code));
  return it == codes.end() ? 0 : it->second;
}

std::string CallTally::CodesText() const {
  std::vector<std::string> parts;
  for (const auto& [code, count] : codes) parts.push_back(absl::StrCat(code, " ", count));
  return parts.empty() ? "none" : absl::StrJoin(parts, ", ");
}

CallTally CallConcurrently(int threads, const std::function<absl::Status(int)>& call) {
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

}  // namespace grassroots::reliability
