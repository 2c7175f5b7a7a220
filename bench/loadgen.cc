#include "bench/loadgen.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/caller_metadata.h"

namespace grassroots::bench {
namespace {

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

// --- LatencyHistogram.

LatencyHistogram::LatencyHistogram() : buckets_(kBuckets, 0) {}

int LatencyHistogram::BucketOf(int64_t nanos) {
  constexpr int64_t kExact = int64_t{2} << kSubBits;
  if (nanos < kExact) return static_cast<int>(nanos);
  // The top kSubBits + 1 bits pick the bucket; `shift` is how many low bits
  // the bucket lumps together.
  const int shift = std::bit_width(static_cast<uint64_t>(nanos)) - (kSubBits + 1);
  const int64_t sub = (nanos >> shift) - (int64_t{1} << kSubBits);
  return static_cast<int>(kExact + (shift - 1) * (int64_t{1} << kSubBits) + sub);
}

int64_t LatencyHistogram::MidpointOf(int bucket) {
  constexpr int kExact = 2 << kSubBits;
  if (bucket < kExact) return bucket;
  const int shift = (bucket - kExact) / (1 << kSubBits) + 1;
  const int64_t sub = (bucket - kExact) % (1 << kSubBits) + (int64_t{1} << kSubBits);
  return (sub << shift) + (int64_t{1} << (shift - 1));
}

void LatencyHistogram::Record(int64_t nanos) {
  constexpr int64_t kLargest = (int64_t{1} << (kMaxShift + kSubBits + 1)) - 1;
  nanos = std::clamp<int64_t>(nanos, 0, kLargest);
  ++buckets_[BucketOf(nanos)];
  ++count_;
  max_ = std::max(max_, nanos);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

int64_t LatencyHistogram::ValueAtPercentile(double percentile) const {
  if (count_ == 0) return 0;
  const int64_t rank = std::clamp<int64_t>(
      static_cast<int64_t>(std::ceil(percentile / 100.0 * static_cast<double>(count_))), 1, count_);
  int64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return std::min(MidpointOf(i), max_);
  }
  return max_;
}

bool LatencyHistogram::SelfCheck() {
  bool good = true;
  std::mt19937_64 random(20261123);
  // Shapes a latency log has: tight, long-tailed, spanning many decades.
  const std::vector<std::pair<std::string, std::function<int64_t()>>> shapes = {
      {"uniform 0..1000ns",
       [&] { return std::uniform_int_distribution<int64_t>(0, 1000)(random); }},
      {"normal 50us",
       [&] {
         return std::max<int64_t>(0, std::llround(std::normal_distribution<>(5e4, 5e3)(random)));
       }},
      {"lognormal (tail)",
       [&] { return std::llround(std::lognormal_distribution<>(11.0, 1.5)(random)); }},
      {"log-uniform 1ns..100s",
       [&] {
         return std::llround(std::pow(10.0, std::uniform_real_distribution<>(0, 11)(random)));
       }},
  };
  for (const auto& [shape, draw] : shapes) {
    for (int size : {1, 7, 1000, 100000}) {
      LatencyHistogram histogram;
      LatencyHistogram half;  // to check Merge as well
      std::vector<int64_t> values;
      for (int i = 0; i < size; ++i) {
        const int64_t v = draw();
        values.push_back(v);
        (i % 2 == 0 ? histogram : half).Record(v);
      }
      histogram.Merge(half);
      std::sort(values.begin(), values.end());
      if (histogram.count() != size || histogram.max() != values.back()) {
        std::fprintf(stderr, "self_check: %s n=%d: count/max wrong\n", shape.c_str(), size);
        good = false;
      }
      for (double p : {1.0, 50.0, 90.0, 99.0, 99.9, 100.0}) {
        const int64_t rank =
            std::clamp<int64_t>(static_cast<int64_t>(std::ceil(p / 100.0 * size)), 1, size);
        const int64_t exact = values[rank - 1];
        const int64_t got = histogram.ValueAtPercentile(p);
        if (std::abs(static_cast<double>(got - exact)) > 0.01 * static_cast<double>(exact)) {
          std::fprintf(stderr, "self_check: %s n=%d p%.1f: histogram %lld, exact %lld\n",
                       shape.c_str(), size, p, static_cast<long long>(got),
                       static_cast<long long>(exact));
          good = false;
        }
      }
    }
  }
  return good;
}

// --- StatusTally.

std::string StatusCodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  const int index = static_cast<int>(code);
  if (index >= 0 && index < static_cast<int>(std::size(kNames))) return kNames[index];
  return absl::StrCat("CODE_", index);
}

void StatusTally::Add(const grpc::Status& status, const std::string& label) {
  absl::MutexLock lock(&mu_);
  ++by_code_[status.error_code()];
  if (status.ok() || static_cast<int>(messages_.size()) >= max_messages_) return;
  std::string message =
      absl::StrCat(label, ": ", StatusCodeName(status.error_code()), ": ", status.error_message());
  if (std::find(messages_.begin(), messages_.end(), message) != messages_.end()) return;
  std::fprintf(stderr, "failed call (%s)\n", message.c_str());
  messages_.push_back(std::move(message));
}

void StatusTally::Merge(const StatusTally& other) {
  if (&other == this) return;
  std::map<int, int64_t> codes;
  {
    absl::MutexLock lock(&other.mu_);
    codes = other.by_code_;
  }
  absl::MutexLock lock(&mu_);
  for (const auto& [code, count] : codes) by_code_[code] += count;
}

int64_t StatusTally::ok() const {
  absl::MutexLock lock(&mu_);
  auto it = by_code_.find(0);
  return it == by_code_.end() ? 0 : it->second;
}

int64_t StatusTally::failed() const {
  absl::MutexLock lock(&mu_);
  int64_t failed = 0;
  for (const auto& [code, count] : by_code_) {
    if (code != 0) failed += count;
  }
  return failed;
}

std::string StatusTally::Summary() const {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> parts;
  for (const auto& [code, count] : by_code_) {
    parts.push_back(absl::StrCat(StatusCodeName(static_cast<grpc::StatusCode>(code)), "=", count));
  }
  if (parts.empty()) return "no calls";
  return absl::StrJoin(parts, " ");
}

// --- Channels and contexts.

std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const std::string& target, int count,
                                                         const CallerSigner* signer) {
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < count; ++i) {
    grpc::ChannelArguments args;
    // Channels with equal arguments share subchannels, hence one TCP
    // connection; a local pool and an argument of its own keep each apart.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt("grassroots.bench.channel_index", i);
    args.SetMaxReceiveMessageSize(-1);
    channels.push_back(
        signer == nullptr
            ? grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args)
            : CreateSignedChannel(target, grpc::InsecureChannelCredentials(), args, *signer,
                                  Caller{.principal = "bench"}));
  }
  return channels;
}

void CallOptions::Apply(grpc::ClientContext& context) const {
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
}

// --- The driver.

namespace {

class Driver {
 public:
  Driver(const LoadOptions& options, const std::vector<CallKind>& kinds)
      : options_(options), kinds_(kinds) {
    for (const CallKind& kind : kinds_) total_weight_ += std::max(kind.weight, 0);
    for (int c = 0; c < options_.channels; ++c) {
      auto shard = std::make_unique<Shard>();
      shard->kinds.resize(kinds_.size());
      shards_.push_back(std::move(shard));
    }
  }

  LoadResult Run() {
    const int slot_count = options_.channels * options_.in_flight;
    for (int i = 0; i < slot_count; ++i) {
      auto slot = std::make_unique<Slot>();
      slot->where = {.channel = i % options_.channels, .slot = i};
      slot->random.seed(options_.seed * 1000003 + static_cast<uint64_t>(i));
      slots_.push_back(std::move(slot));
    }
    start_ns_ = NowNanos();
    measure_start_ns_ =
        options_.calls ? start_ns_ : start_ns_ + absl::ToInt64Nanoseconds(options_.warmup);
    measure_end_ns_ = measure_start_ns_ + absl::ToInt64Nanoseconds(options_.duration);
    active_slots_ = slot_count;
    for (auto& slot : slots_) Issue(*slot);
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](int* active) { return *active == 0; }, &active_slots_));
    }
    return Collect();
  }

 private:
  struct Slot {
    CallSlot where;
    std::mt19937_64 random;
  };
  struct ShardKind {
    LatencyHistogram latency;
    int64_t ok = 0;
    int64_t failed = 0;
    int64_t items = 0;
  };
  // One per channel, so that completions on different connections rarely
  // wait for each other's lock.
  struct Shard {
    absl::Mutex mu;
    std::vector<ShardKind> kinds ABSL_GUARDED_BY(mu);
  };

  int PickKind(Slot& slot) {
    if (kinds_.size() == 1 || total_weight_ <= 0) return 0;
    int64_t r = std::uniform_int_distribution<int64_t>(0, total_weight_ - 1)(slot.random);
    for (size_t k = 0; k < kinds_.size(); ++k) {
      r -= std::max(kinds_[k].weight, 0);
      if (r < 0) return static_cast<int>(k);
    }
    return 0;
  }

  void Issue(Slot& slot) {
    const bool more =
        options_.calls ? issued_.fetch_add(1) < *options_.calls : NowNanos() < measure_end_ns_;
    if (!more) {
      absl::MutexLock lock(&mu_);
      --active_slots_;
      return;
    }
    const int kind = PickKind(slot);
    const int64_t started = NowNanos();
    if (options_.calls) {
      int64_t expected = 0;
      first_start_ns_.compare_exchange_strong(expected, started);
    }
    kinds_[kind].start(slot.where,
                       [this, &slot, kind, started](const grpc::Status& status, int64_t items) {
                         Complete(slot, kind, started, status, items);
                       });
  }

  void Complete(Slot& slot, int kind, int64_t started, const grpc::Status& status, int64_t items) {
    const int64_t finished = NowNanos();
    tally_.Add(status, kinds_[kind].name);
    const bool measured =
        options_.calls || (finished >= measure_start_ns_ && finished < measure_end_ns_);
    {
      Shard& shard = *shards_[slot.where.channel];
      absl::MutexLock lock(&shard.mu);
      ShardKind& stats = shard.kinds[kind];
      if (!status.ok()) {
        ++stats.failed;
      } else if (measured) {
        ++stats.ok;
        stats.items += items;
        stats.latency.Record(finished - started);
      }
    }
    if (options_.calls) {
      int64_t last = last_finish_ns_.load();
      while (finished > last && !last_finish_ns_.compare_exchange_weak(last, finished)) {
      }
    }
    Issue(slot);
  }

  LoadResult Collect() {
    LoadResult result;
    result.total.name = "total";
    for (size_t k = 0; k < kinds_.size(); ++k) {
      KindResult kind;
      kind.name = kinds_[k].name;
      for (auto& shard : shards_) {
        absl::MutexLock lock(&shard->mu);
        const ShardKind& stats = shard->kinds[k];
        kind.latency.Merge(stats.latency);
        kind.ok += stats.ok;
        kind.failed += stats.failed;
        kind.items += stats.items;
      }
      result.total.latency.Merge(kind.latency);
      result.total.ok += kind.ok;
      result.total.failed += kind.failed;
      result.total.items += kind.items;
      result.kinds.push_back(std::move(kind));
    }
    result.seconds =
        options_.calls ? static_cast<double>(last_finish_ns_.load() - first_start_ns_.load()) / 1e9
                       : absl::ToDoubleSeconds(options_.duration);
    result.status_summary = tally_.Summary();
    return result;
  }

  const LoadOptions& options_;
  const std::vector<CallKind>& kinds_;
  int64_t total_weight_ = 0;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::unique_ptr<Slot>> slots_;
  StatusTally tally_;
  int64_t start_ns_ = 0;
  int64_t measure_start_ns_ = 0;
  int64_t measure_end_ns_ = 0;
  std::atomic<int64_t> issued_{0};
  std::atomic<int64_t> first_start_ns_{0};
  std::atomic<int64_t> last_finish_ns_{0};
  absl::Mutex mu_;
  int active_slots_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace

LoadResult RunLoad(const LoadOptions& options, const std::vector<CallKind>& kinds) {
  Driver driver(options, kinds);
  return driver.Run();
}

// --- Formatting.

std::string FormatMicros(int64_t nanos) {
  return absl::StrFormat("%.1f", static_cast<double>(nanos) / 1000.0);
}

std::string FormatRate(double value) {
  if (!std::isfinite(value)) value = 0;
  return absl::StrFormat("%.1f", value);
}

std::string LatencySummary(const LatencyHistogram& h) {
  return absl::StrCat("p50=", FormatMicros(h.ValueAtPercentile(50)),
                      "us p90=", FormatMicros(h.ValueAtPercentile(90)),
                      "us p99=", FormatMicros(h.ValueAtPercentile(99)),
                      "us p99.9=", FormatMicros(h.ValueAtPercentile(99.9)),
                      "us max=", FormatMicros(h.max()), "us");
}

BenchFields StandardBenchFields(const std::string& name, const std::string& method, int64_t ok,
                                int64_t failed, double seconds, const LatencyHistogram& latency,
                                int64_t items) {
  const double per_second = seconds > 0 ? 1.0 / seconds : 0;
  return {
      {"name", name},
      {"method", method},
      {"calls", absl::StrCat(ok + failed)},
      {"ok", absl::StrCat(ok)},
      {"failed", absl::StrCat(failed)},
      {"seconds", absl::StrFormat("%.1f", seconds)},
      {"qps", FormatRate(static_cast<double>(ok) * per_second)},
      {"p50_us", FormatMicros(latency.ValueAtPercentile(50))},
      {"p90_us", FormatMicros(latency.ValueAtPercentile(90))},
      {"p99_us", FormatMicros(latency.ValueAtPercentile(99))},
      {"p999_us", FormatMicros(latency.ValueAtPercentile(99.9))},
      {"max_us", FormatMicros(latency.max())},
      {"items", absl::StrCat(items)},
      {"items_per_s", FormatRate(static_cast<double>(items) * per_second)},
  };
}

std::string FormatBenchLine(const BenchFields& fields) {
  std::string line = "BENCH";
  for (const auto& [key, value] : fields) absl::StrAppend(&line, " ", key, "=", value);
  return line;
}

}  // namespace grassroots::bench
