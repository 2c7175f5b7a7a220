#ifndef GRASSROOTS_COMMON_SERVICE_KIT_H_
#define GRASSROOTS_COMMON_SERVICE_KIT_H_

// What every service core of the suite is built of, on top of the commit
// engine (common/commit_engine.h), generic over the service's in-memory
// index and its snapshot (a std::variant of its resource types):
//
//   CoreOptions          the options of a core: those of its commit engine
//   WriteContext         what a write's plan sees and builds
//   Touch                stamps a changed resource with the mutation's time
//                        and revision (the revision is also its etag,
//                        common/etag.h)
//   ResourceNotFound     "<field>: <name> does not exist"
//   ServiceCore          the base of a core: owns its commit engine, starts
//                        and stops it, and serves its event stream
//
// A core (org_service/org_core.h, roster_service/roster_core.h) queues each
// write with CommitEngine::Submit as a plan: a function of a WriteContext
// that checks the write's rules against the newest state and Add()s the
// resources it changes. A plan returns an error (and then nothing is
// written) or the resource the caller gets back. Plans run on the writer
// thread, one at a time, and must not block.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/commit_engine.h"
#include "common/mutation.h"

namespace grassroots {

// The options of a service core are its commit engine's: how long a
// superseded revision stays readable, and the most mutations per group
// commit. The core sets `service_name` (what messages call it) itself.
using CoreOptions = CommitEngineOptions;

// `options` for the engine of the service called `service_name` in messages
// ("the org service").
inline CommitEngineOptions EngineOptionsFor(CoreOptions options, std::string service_name) {
  options.service_name = std::move(service_name);
  return options;
}

// What a plan sees and builds: the newest state (`index`, read only), the
// revision and time of the mutation, and the changes it makes. The engine
// applies `mutation` only once the plan has succeeded, so a plan that fails
// leaves nothing behind. A service adds its own lookups by deriving from it
// (aggregate initialisation: `Derived{{index, mutation}, more...}`).
//
// Not thread-safe: one plan at a time, on the writer thread.
template <typename Index, typename Snapshot>
struct WriteContext {
  const Index& index;
  Mutation<Snapshot>& mutation;
  const int64_t revision = mutation.revision;
  const absl::Time now = mutation.time;

  // Records one changed resource (`before` empty for a creation); its
  // position is its event index within the revision.
  void Add(std::optional<Snapshot> before, Snapshot after) {
    mutation.changes.push_back(Change<Snapshot>{std::move(before), std::move(after)});
  }
};

// Stamps `resource` (any type with `update_time` and `revision`) as changed
// by the mutation at `revision` and `now`.
template <typename T>
void Touch(T& resource, absl::Time now, int64_t revision) {
  resource.update_time = now;
  resource.revision = revision;
}

// NOT_FOUND for the resource `name` ("units/7") that request field `field`
// names: "<field>: <name> does not exist".
inline absl::Status ResourceNotFound(absl::string_view field, absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(field, ": ", name, " does not exist"));
}

// The base of a service core: it owns the commit engine that the core's
// writes are queued with (`engine_`) and serves the engine's event stream,
// what ListEvents and WatchEvents (common/event_stream.h) read and what the
// replicas of other services follow.
//
// A core whose plans use its own members calls Stop() in its destructor, so
// that no plan runs once they are gone.
//
// Thread-safe, as the engine is.
template <typename Snapshot, typename Index, typename Stored>
class ServiceCore {
 public:
  using Engine = CommitEngine<Snapshot, Index, Stored>;
  using Event = typename Engine::EventT;

  ServiceCore(const ServiceCore&) = delete;
  ServiceCore& operator=(const ServiceCore&) = delete;

  // Loads the store and starts the writer thread.
  absl::Status Start() { return engine_.Start(); }
  // Finishes the queued writes, stops the writer and wakes every watcher.
  // Later writes fail with UNAVAILABLE.
  void Stop() { engine_.Stop(); }
  bool stopped() const { return engine_.stopped(); }

  // --- Events.
  absl::StatusOr<EventPage<Snapshot>> ListEvents(int64_t start_revision, int32_t page_size,
                                                 const std::string& page_token) const {
    return engine_.ListEvents(start_revision, page_size, page_token);
  }
  // Up to `limit` committed events from (revision, index) on.
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t revision, int32_t index, int limit) const {
    return engine_.ReadEvents(revision, index, limit);
  }
  int64_t published_revision() const { return engine_.published_revision(); }
  // Calls `on_publish` (on the writer thread; it must not block) after each
  // published batch, and once more at Stop. Returns a handle for Unwatch.
  int Watch(std::function<void()> on_publish) { return engine_.Watch(std::move(on_publish)); }
  void Unwatch(int handle) { engine_.Unwatch(handle); }

 protected:
  // `service_name` is what messages call the service ("the org service").
  ServiceCore(typename Engine::Store* store, const Clock* clock, CoreOptions options,
              std::string service_name)
      : engine_(store, clock, EngineOptionsFor(std::move(options), std::move(service_name))) {}
  ~ServiceCore() = default;

  Engine engine_;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_SERVICE_KIT_H_
