#ifndef GRASSROOTS_ORG_CLIENT_ORG_REPLICA_H_
#define GRASSROOTS_ORG_CLIENT_ORG_REPLICA_H_

// The other services' view of the org service: Describe asks it over gRPC,
// PlacesUnder answers from an in-memory replica of the hierarchy that an
// event stream keeps current.
//
// Two layers, as elsewhere in the suite: OrgHierarchy holds the replica and
// knows nothing of gRPC; OrgReplica moves data between the org service and
// it, and owns every thread and call involved.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "org_client/org_directory.h"
#include "org_client/org_hierarchy.h"
#include "org_client/place.h"

namespace grassroots::org_client {

// How OrgReplica talks to the org service. The defaults suit production.
struct OrgReplicaOptions {
  // The deadline of every unary call: Describe, and each page the bootstrap
  // reads.
  absl::Duration call_timeout = absl::Seconds(2);
  // The deadline of one district's ListDescendants stream during bootstrap,
  // which may carry a hundred thousand units.
  absl::Duration subtree_timeout = absl::Seconds(60);
  // The deadline of one WatchEvents stream. When it passes, the stream is
  // reopened at once from where it stopped; so a connection that died
  // without a word is noticed within this time.
  absl::Duration watch_timeout = absl::Minutes(5);
  // Waits between failed attempts to bootstrap or to watch: the first,
  // doubling up to the last. Any progress resets it. At least 1 ms each, so
  // that a failing org service is never asked in a tight loop.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// What OrgReplica has done so far, for tests and operators.
struct OrgReplicaStats {
  int bootstraps = 0;     // completed
  int watch_streams = 0;  // opened
  int64_t events_applied = 0;
  absl::Status last_error;  // of the last failed bootstrap or stream; OK if none
};

// OrgDirectory over gRPC, with a replica of the hierarchy.
//
// The replica is loaded at one pinned org revision R (ListUnits for the
// districts, ListDescendants of each at R, ListPartyOrgs at R), then follows
// WatchEvents from (R + 1, 0), applying each event's `after` snapshot. When
// the stream breaks (the org service restarts, or says UNAVAILABLE as it
// shuts down) it reconnects with backoff and resumes after the last event
// applied, so it misses nothing and applies nothing twice; when the org
// service cannot resume from there (FAILED_PRECONDITION, OUT_OF_RANGE) or the
// stream skips an event (a gap, DATA_LOSS), it loads again from scratch.
//
// While it loads again, the old replica keeps answering. An event it cannot
// read stops it at that event (retried with backoff, shown in
// stats().last_error) rather than skipping it.
//
// Deleted units are loaded too (ListDescendants with show_deleted), so
// PlacesUnder knows every place a role may name.
//
// Thread-safe, except that Start and Stop are called by the owner, not
// concurrently with each other.
class OrgReplica final : public OrgDirectory {
 public:
  // `channel` is used for every call for the replica's whole life.
  explicit OrgReplica(std::shared_ptr<grpc::Channel> channel, OrgReplicaOptions options = {});
  // Stops.
  ~OrgReplica() override;
  OrgReplica(const OrgReplica&) = delete;
  OrgReplica& operator=(const OrgReplica&) = delete;

  // Starts the thread that loads and follows the replica. Returns at once;
  // PlacesUnder says UNAVAILABLE until the first load completes. Call once.
  void Start();

  // Cancels every call in flight (the watch stream, a bootstrap read, each
  // Describe), waits for the thread to end and for every Describe's `done`
  // to have returned, and returns. Afterwards Describe answers UNAVAILABLE
  // at once and the replica stays as it was. Idempotent. Must not be called
  // from a `done` callback (it would wait for itself).
  void Stop();

  // GetUnit or GetPartyOrg with the call deadline, through gRPC's callback
  // API: `done` runs on a gRPC thread (so it must not block), or inline
  // with UNAVAILABLE when the replica is stopped. Codes: NOT_FOUND,
  // UNAVAILABLE or DEADLINE_EXCEEDED when the org service is unreachable or
  // slow, CANCELLED when Stop cut the call short, others as the org service
  // returned them.
  void Describe(const Place& place, std::function<void(absl::StatusOr<PlaceFacts>)> done) override;

  // BatchGetUnits and BatchGetPartyOrgs of the distinct places, up to 1000
  // names a call, all calls at once. A batch that fails with NOT_FOUND (one
  // unknown place refuses the whole batch) is asked again place by place,
  // so that each place gets its own answer.
  void DescribeMany(std::vector<Place> places,
                    std::function<void(std::vector<absl::StatusOr<PlaceFacts>>)> done) override;

  // From memory, without a call: see OrgHierarchy::PlacesUnder. UNAVAILABLE
  // before the first load; NOT_FOUND for a unit the replica does not hold.
  absl::StatusOr<std::vector<Place>> PlacesUnder(int64_t unit_id) const override;
  absl::StatusOr<std::optional<std::vector<Place>>> PlacesUnderAtMost(
      int64_t unit_id, size_t max_places) const override;
  bool IsPlaceUnder(const Place& place, int64_t unit_id) const override;

  // From memory, for the gateway's scope checks: OrgHierarchy::IsWithin and
  // UnitsOf. nullopt also before the first load.
  std::optional<bool> IsWithin(int64_t unit_id, int64_t ancestor_id) const;
  std::optional<std::vector<int64_t>> UnitsOf(int64_t org_id) const;

  // The org revision of the last event applied (R right after a load; 0
  // before the first). The events of one revision may come in more than one
  // batch, so the replica may briefly hold part of a revision that touched
  // many resources, such as a cascading delete.
  int64_t replica_revision() const;

  // Waits until replica_revision() >= `revision`. False on timeout.
  bool WaitForRevision(int64_t revision, absl::Duration timeout) const;

  OrgReplicaStats stats() const;

 private:
  // The next event wanted from the stream.
  struct EventPosition {
    int64_t revision = 0;
    int32_t index = 0;
  };

  // The background thread: load, follow, reconnect, until Stop.
  void Run();
  // Loads the replica at a pinned revision and installs it.
  absl::Status Bootstrap();
  // Reads one district's subtree at `revision` into `hierarchy`.
  absl::Status ReadSubtree(const std::string& district, int64_t revision, OrgHierarchy& hierarchy);
  // Follows one WatchEvents stream until it ends; sets `progressed` when it
  // applied at least one event.
  absl::Status Watch(bool& progressed);
  // Applies a batch's events that follow the replica's position, in one
  // critical section. DATA_LOSS at a gap (the events before it are kept).
  absl::Status ApplyEvents(const org::v1::WatchEventsResponse& batch, bool& progressed);

  // Runs `body` with a fresh context whose deadline is `timeout` from now,
  // registered meanwhile so that Stop can cancel it. CANCELLED without
  // running it once stopping.
  absl::Status WithCall(absl::Duration timeout,
                        absl::FunctionRef<absl::Status(grpc::ClientContext&)> body);
  // Starts an asynchronous unary call with the call deadline; `on_done(status,
  // response)` runs exactly once, before the call is unregistered.
  template <typename Response, typename Request, typename Invoke, typename OnDone>
  void StartUnary(Request request, Invoke invoke, OnDone on_done);
  // Counts an asynchronous call as live from Register until destroyed.
  class CallLease {
   public:
    CallLease() = default;
    CallLease(const CallLease&) = delete;
    CallLease& operator=(const CallLease&) = delete;
    ~CallLease();

   private:
    friend class OrgReplica;
    OrgReplica* replica_ = nullptr;  // null: not registered
  };

  // Adds `context` to the calls Stop cancels and, with a `lease`, counts
  // the call as live until the lease is destroyed. False once stopping.
  bool Register(std::shared_ptr<grpc::ClientContext> context, CallLease* lease = nullptr);
  void Unregister(const std::shared_ptr<grpc::ClientContext>& context);
  bool stopping() const;
  // Sleeps `delay` or until Stop. False when stopping.
  bool SleepUnlessStopping(absl::Duration delay);

  const OrgReplicaOptions options_;
  const std::unique_ptr<org::v1::OrgService::Stub> stub_;
  std::thread thread_;  // Start and Stop only

  // The replica. Written by the background thread only.
  mutable absl::Mutex mu_;
  OrgHierarchy hierarchy_ ABSL_GUARDED_BY(mu_);
  bool loaded_ ABSL_GUARDED_BY(mu_) = false;
  int64_t revision_ ABSL_GUARDED_BY(mu_) = 0;
  EventPosition next_ ABSL_GUARDED_BY(mu_);
  OrgReplicaStats stats_ ABSL_GUARDED_BY(mu_);

  // Calls in flight and the stop flag. Never held while calling into gRPC:
  // a cancellation may run a call's callback inline, and it takes this lock.
  mutable absl::Mutex calls_mu_;
  bool stopping_ ABSL_GUARDED_BY(calls_mu_) = false;
  absl::flat_hash_set<std::shared_ptr<grpc::ClientContext>> calls_ ABSL_GUARDED_BY(calls_mu_);
  int leased_calls_ ABSL_GUARDED_BY(calls_mu_) = 0;
  bool AllCallsGone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(calls_mu_);
};

}  // namespace grassroots::org_client

#endif  // GRASSROOTS_ORG_CLIENT_ORG_REPLICA_H_
