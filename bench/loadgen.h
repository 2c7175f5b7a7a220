#ifndef GRASSROOTS_BENCH_LOADGEN_H_
#define GRASSROOTS_BENCH_LOADGEN_H_

// The service-agnostic half of the load generator: a latency histogram, a
// tally of call outcomes, separate channels, and a driver that keeps
// `channels` × `in_flight` asynchronous calls outstanding and measures each.
// What a call is (which method, which request) is the caller's business: it
// hands the driver CallKinds. grpc_loadgen.cc holds the grassroots methods.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"

namespace grassroots::bench {

// Latencies in nanoseconds in fixed memory (about 36 KiB), log-linear: values
// below 256 ns exactly, above that 128 buckets per power of two, so any
// reported value is within 1/256 (0.4%) of a recorded one. Values above
// about 18 minutes are clamped. Not thread-safe; merge per-thread copies.
class LatencyHistogram {
 public:
  LatencyHistogram();

  void Record(int64_t nanos);
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  int64_t max() const { return max_; }
  // The value at `percentile` (0..100] by the nearest-rank definition (the
  // smallest recorded value with at least that share of values at or below
  // it), as the middle of its bucket, never above max(). 0 when empty.
  int64_t ValueAtPercentile(double percentile) const;

  // Checks the percentiles of random data against the exact ones of the
  // sorted values. Prints each mismatch to stderr; true if there is none.
  static bool SelfCheck();

 private:
  static constexpr int kSubBits = 7;  // 128 sub-buckets per power of two
  static constexpr int kMaxShift = 33;
  static constexpr int kBuckets = (2 << kSubBits) + kMaxShift * (1 << kSubBits);
  static int BucketOf(int64_t nanos);
  static int64_t MidpointOf(int bucket);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  int64_t max_ = 0;
};

// Counts completions per status code and keeps the first few distinct
// failure messages, printing each to stderr when it is first seen so that no
// failure goes unnoticed. Thread-safe.
class StatusTally {
 public:
  explicit StatusTally(int max_distinct_messages = 5) : max_messages_(max_distinct_messages) {}

  // `label` says what failed (a method name), for the message.
  void Add(const grpc::Status& status, const std::string& label);
  void Merge(const StatusTally& other);

  int64_t ok() const;
  int64_t failed() const;
  // "OK=120 UNAVAILABLE=3", codes in numeric order.
  std::string Summary() const;

 private:
  const int max_messages_;
  mutable absl::Mutex mu_;
  std::map<int, int64_t> by_code_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> messages_ ABSL_GUARDED_BY(mu_);
};

// The gRPC status code's name ("DEADLINE_EXCEEDED").
std::string StatusCodeName(grpc::StatusCode code);

// `count` channels to `target` (insecure), each with its own subchannel pool
// and a distinct argument, so that each is its own TCP connection instead of
// gRPC sharing one among them. With `signer`, every call is signed as the
// principal "bench" (the services admit nothing unsigned).
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count,
                                                         const CallerSigner* signer = nullptr);

// What every call's context gets: the bearer token (sent as
// `authorization: Bearer <token>` when not empty) and a deadline.
struct CallOptions {
  std::string token;
  absl::Duration timeout = absl::Seconds(30);
  void Apply(grpc::ClientContext& context) const;
};

// Where a call is issued from: which channel, and which of the driver's
// slots (each slot has at most one call outstanding, so per-slot state, such
// as a page cursor, needs no lock).
struct CallSlot {
  int channel = 0;
  int slot = 0;
};

// Called exactly once per call, from any thread, with the call's status and
// how many items (units streamed, roles in a page) it brought back.
using CallDone = std::function<void(const grpc::Status& status, int64_t items)>;

// One kind of call. Start begins one asynchronous call and returns; `done`
// runs when it completes. Must be safe to call from several threads at once
// for different slots.
struct CallKind {
  std::string name;
  int weight = 1;
  std::function<void(const CallSlot& slot, CallDone done)> start;
};

struct LoadOptions {
  int channels = 1;
  int in_flight = 1;  // per channel
  // Duration mode: calls completing in [warmup, warmup + duration) are
  // measured; those of the warm-up and those still running at the end (the
  // drain) are not, except that their failures are counted too.
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration duration = absl::Seconds(5);
  // Count mode when set: exactly this many calls, all measured, no warm-up.
  std::optional<int64_t> calls;
  uint64_t seed = 1;
};

// What one kind of call did in the measured window.
struct KindResult {
  std::string name;
  LatencyHistogram latency;
  int64_t ok = 0;
  int64_t failed = 0;  // every phase, so that none is dropped
  int64_t items = 0;
};

struct LoadResult {
  std::vector<KindResult> kinds;  // in the order given
  KindResult total;
  double seconds = 0;  // the measured window's wall time
  std::string status_summary;
};

// Runs the load and returns once every call it started has completed.
LoadResult RunLoad(const LoadOptions& options, const std::vector<CallKind>& kinds);

// "p50=…us p90=… p99=… p99.9=… max=…" for humans.
std::string LatencySummary(const LatencyHistogram& histogram);

// The machine-readable line's fields as "key=value" pairs, in order, for
// FormatBenchLine. Floats get at most one decimal.
using BenchFields = std::vector<std::pair<std::string, std::string>>;
BenchFields StandardBenchFields(const std::string& name, const std::string& method, int64_t ok,
                                int64_t failed, double seconds, const LatencyHistogram& latency,
                                int64_t items);
std::string FormatBenchLine(const BenchFields& fields);
std::string FormatMicros(int64_t nanos);
std::string FormatRate(double value);

}  // namespace grassroots::bench

#endif  // GRASSROOTS_BENCH_LOADGEN_H_
