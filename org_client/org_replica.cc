#include "org_client/org_replica.h"

#include <algorithm>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/grpc_status.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "grpcpp/support/sync_stream.h"

namespace grassroots::org_client {
namespace {

namespace v1 = ::grassroots::org::v1;

// The org domain's enums carry the proto's numbers; FactsFrom relies on it.
static_assert(static_cast<int>(org::Level::kDistrict) == v1::DISTRICT);
static_assert(static_cast<int>(org::Level::kBuilding) == v1::BUILDING);
static_assert(static_cast<int>(org::OrgForm::kWorkingCommittee) == v1::PartyOrg::WORKING_COMMITTEE);
static_assert(static_cast<int>(org::OrgForm::kPartyGroup) == v1::PartyOrg::PARTY_GROUP);

// The largest page the org service serves: the bootstrap makes few calls.
constexpr int kPageSize = 1000;

absl::Time DeadlineIn(absl::Duration timeout) { return absl::Now() + timeout; }

OrgReplicaOptions WithSaneBackoff(OrgReplicaOptions options) {
  options.initial_backoff = std::max(options.initial_backoff, absl::Milliseconds(1));
  options.max_backoff = std::max(options.max_backoff, options.initial_backoff);
  return options;
}

PlaceFacts FactsFrom(const Place& place, const v1::Unit& unit) {
  PlaceFacts facts;
  facts.place = place;
  facts.deleted = unit.state() == v1::Unit::DELETED;
  facts.level = static_cast<org::Level>(unit.level());
  facts.parent_id = ParseOptionalResourceName(unit.parent(), "units", "unit.parent").value_or(0);
  return facts;
}

PlaceFacts FactsFrom(const Place& place, const v1::ExternalOrg& external_org) {
  PlaceFacts facts;
  facts.place = place;
  facts.deleted = external_org.state() == v1::ExternalOrg::DELETED;
  return facts;
}

PlaceFacts FactsFrom(const Place& place, const v1::PartyOrg& party_org) {
  PlaceFacts facts;
  facts.place = place;
  facts.deleted = party_org.state() == v1::PartyOrg::DELETED;
  facts.form = static_cast<org::OrgForm>(party_org.form());
  facts.parent_id =
      ParseOptionalResourceName(party_org.parent(), "partyOrgs", "party_org.parent").value_or(0);
  for (const std::string& unit : party_org.units()) {
    if (absl::StatusOr<int64_t> id = org::ParseUnitName(unit, "party_org.units"); id.ok()) {
      facts.unit_ids.push_back(*id);
    }
  }
  std::sort(facts.unit_ids.begin(), facts.unit_ids.end());
  return facts;
}

absl::StatusOr<ReplicaUnit> ReplicaUnitFromProto(const v1::Unit& unit) {
  ReplicaUnit out;
  ASSIGN_OR_RETURN(out.id, org::ParseUnitName(unit.name(), "unit.name"));
  ASSIGN_OR_RETURN(out.parent_id, ParseOptionalResourceName(unit.parent(), "units", "unit.parent"));
  return out;
}

absl::StatusOr<ReplicaPartyOrg> ReplicaPartyOrgFromProto(const v1::PartyOrg& party_org) {
  ReplicaPartyOrg out;
  ASSIGN_OR_RETURN(out.id, org::ParsePartyOrgName(party_org.name(), "party_org.name"));
  out.unit_ids.reserve(party_org.units_size());
  for (const std::string& unit : party_org.units()) {
    ASSIGN_OR_RETURN(const int64_t unit_id, org::ParseUnitName(unit, "party_org.units"));
    out.unit_ids.push_back(unit_id);
  }
  return out;
}

// Puts an event's `after` into the hierarchy. A snapshot of another kind of
// resource is nothing the replica keeps.
absl::Status ApplySnapshot(const v1::ResourceSnapshot& after, OrgHierarchy& hierarchy) {
  switch (after.resource_case()) {
    case v1::ResourceSnapshot::kUnit: {
      ASSIGN_OR_RETURN(const ReplicaUnit unit, ReplicaUnitFromProto(after.unit()));
      hierarchy.PutUnit(unit);
      return absl::OkStatus();
    }
    case v1::ResourceSnapshot::kPartyOrg: {
      ASSIGN_OR_RETURN(const ReplicaPartyOrg party_org,
                       ReplicaPartyOrgFromProto(after.party_org()));
      hierarchy.PutPartyOrg(party_org);
      return absl::OkStatus();
    }
    // Not part of the hierarchy.
    case v1::ResourceSnapshot::kExternalOrg:
    case v1::ResourceSnapshot::kAlliance:
    case v1::ResourceSnapshot::kAllianceItem:
    case v1::ResourceSnapshot::RESOURCE_NOT_SET:
      break;
  }
  return absl::OkStatus();
}

// Calls `fetch(request, &response)` page after page, handing each to
// `on_page`, until the last page. A page token pins the revision of the
// first page, so the pages form one consistent list.
template <typename Response, typename Request, typename Fetch, typename OnPage>
absl::Status ReadAllPages(Request request, Fetch fetch, OnPage on_page) {
  while (true) {
    Response page;
    RETURN_IF_ERROR(fetch(request, &page));
    RETURN_IF_ERROR(on_page(page));
    if (page.next_page_token().empty()) return absl::OkStatus();
    request.set_page_token(page.next_page_token());
  }
}

// Whether the org service cannot serve the stream from our position any
// more (history it no longer has, or a gap we saw), so that only loading
// again helps. Other errors are worth a retry from the same position.
bool NeedsBootstrap(absl::StatusCode code) {
  return code == absl::StatusCode::kFailedPrecondition || code == absl::StatusCode::kOutOfRange ||
         code == absl::StatusCode::kDataLoss;
}

}  // namespace

// ---------------------------------------------------------------------------
// OrgReplica: lifecycle

OrgReplica::OrgReplica(std::shared_ptr<grpc::Channel> channel, OrgReplicaOptions options)
    : options_(WithSaneBackoff(options)), stub_(v1::OrgService::NewStub(channel)) {}

OrgReplica::~OrgReplica() { Stop(); }

void OrgReplica::Start() {
  if (thread_.joinable() || stopping()) return;
  thread_ = std::thread([this] { Run(); });
}

void OrgReplica::Stop() {
  std::vector<std::shared_ptr<grpc::ClientContext>> in_flight;
  {
    absl::MutexLock lock(&calls_mu_);
    stopping_ = true;  // from here on, Register refuses new calls
    in_flight.assign(calls_.begin(), calls_.end());
  }
  // Outside the lock: a cancellation may run the call's callback on this
  // thread, and the callback unregisters under the lock. The copies keep
  // each context alive until TryCancel has returned.
  for (const std::shared_ptr<grpc::ClientContext>& context : in_flight) context->TryCancel();
  in_flight.clear();
  if (thread_.joinable()) thread_.join();
  // Cancelled calls finish promptly; wait until their callbacks have run
  // and everything they owned is gone, so that no callback touches this
  // object, and nothing of a call is torn down on a gRPC thread, after Stop
  // returns (a channel released there raced the process's exit).
  absl::MutexLock lock(&calls_mu_);
  calls_mu_.Await(absl::Condition(this, &OrgReplica::AllCallsGone));
}

bool OrgReplica::AllCallsGone() const { return calls_.empty() && leased_calls_ == 0; }

bool OrgReplica::Register(std::shared_ptr<grpc::ClientContext> context, CallLease* lease) {
  absl::MutexLock lock(&calls_mu_);
  if (stopping_) return false;
  calls_.insert(std::move(context));
  if (lease != nullptr) {
    lease->replica_ = this;
    ++leased_calls_;
  }
  return true;
}

OrgReplica::CallLease::~CallLease() {
  if (replica_ == nullptr) return;
  absl::MutexLock lock(&replica_->calls_mu_);
  --replica_->leased_calls_;
}

void OrgReplica::Unregister(const std::shared_ptr<grpc::ClientContext>& context) {
  absl::MutexLock lock(&calls_mu_);
  calls_.erase(context);
}

bool OrgReplica::stopping() const {
  absl::MutexLock lock(&calls_mu_);
  return stopping_;
}

bool OrgReplica::SleepUnlessStopping(absl::Duration delay) {
  absl::MutexLock lock(&calls_mu_);
  calls_mu_.AwaitWithTimeout(absl::Condition(&stopping_), delay);
  return !stopping_;
}

absl::Status OrgReplica::WithCall(absl::Duration timeout,
                                  absl::FunctionRef<absl::Status(grpc::ClientContext&)> body) {
  auto context = std::make_shared<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(DeadlineIn(timeout)));
  if (!Register(context)) return absl::CancelledError("the org replica is stopping");
  absl::Status status = body(*context);
  Unregister(context);
  return status;
}

// ---------------------------------------------------------------------------
// OrgReplica: Describe

template <typename Response, typename Request, typename Invoke, typename OnDone>
void OrgReplica::StartUnary(Request request, Invoke invoke, OnDone on_done) {
  // gRPC needs the context and both messages until the callback has run;
  // the callback owns them (through `call`) from then on, and the last of
  // its copies to go destroys them on whichever thread that is.
  struct Call {
    // First, so destroyed last: Stop waits for it, so that the context
    // (which holds a reference to the channel) and `on_done`'s captures
    // never outlive Stop on a gRPC thread.
    CallLease lease;
    grpc::ClientContext context;
    Request request;
    Response response;
    std::function<void(const grpc::Status&, const Response&)> on_done;
  };
  auto call = std::make_shared<Call>();
  call->request = std::move(request);
  call->on_done = std::move(on_done);
  call->context.set_deadline(absl::ToChronoTime(DeadlineIn(options_.call_timeout)));
  std::shared_ptr<grpc::ClientContext> context(call, &call->context);
  if (!Register(context, &call->lease)) {
    call->on_done(grpc::Status(grpc::StatusCode::UNAVAILABLE, "the org replica is stopped"),
                  call->response);
    return;
  }
  invoke(stub_->async(), &call->context, &call->request, &call->response,
         [this, call](grpc::Status status) {
           call->on_done(status, call->response);
           Unregister(std::shared_ptr<grpc::ClientContext>(call, &call->context));
           // Stop may return once this closure's copy of `call` is gone.
         });
}

void OrgReplica::Describe(const Place& place,
                          std::function<void(absl::StatusOr<PlaceFacts>)> done) {
  auto on_done = [place, done = std::move(done)](const grpc::Status& status, const auto& resource) {
    if (!status.ok()) return done(FromGrpcStatus(status));
    done(FactsFrom(place, resource));
  };
  if (place.kind == Place::Kind::kExternalOrg) {
    v1::GetExternalOrgRequest request;
    request.set_name(PlaceName(place));
    StartUnary<v1::ExternalOrg>(
        std::move(request),
        [](auto* async, auto* context, auto* request, auto* response, auto callback) {
          async->GetExternalOrg(context, request, response, std::move(callback));
        },
        std::move(on_done));
  } else if (place.kind == Place::Kind::kPartyOrg) {
    v1::GetPartyOrgRequest request;
    request.set_name(PlaceName(place));
    StartUnary<v1::PartyOrg>(
        std::move(request),
        [](auto* async, auto* context, auto* request, auto* response, auto callback) {
          async->GetPartyOrg(context, request, response, std::move(callback));
        },
        std::move(on_done));
  } else {
    v1::GetUnitRequest request;
    request.set_name(PlaceName(place));
    StartUnary<v1::Unit>(
        std::move(request),
        [](auto* async, auto* context, auto* request, auto* response, auto callback) {
          async->GetUnit(context, request, response, std::move(callback));
        },
        std::move(on_done));
  }
}

void OrgReplica::DescribeMany(std::vector<Place> places,
                              std::function<void(std::vector<absl::StatusOr<PlaceFacts>>)> done) {
  if (places.empty()) return done({});
  // The distinct places, units and organisations apart, each with where its
  // answer goes.
  absl::flat_hash_map<Place, size_t> slot_of;
  std::vector<Place> distinct;
  std::vector<size_t> slot(places.size());
  for (size_t i = 0; i < places.size(); ++i) {
    auto [it, inserted] = slot_of.try_emplace(places[i], distinct.size());
    if (inserted) distinct.push_back(places[i]);
    slot[i] = it->second;
  }
  std::vector<std::vector<size_t>> chunks;  // indices into `distinct`, one call each
  // External organisations are few in any batch: asked one by one.
  for (const Place::Kind kind :
       {Place::Kind::kUnit, Place::Kind::kPartyOrg, Place::Kind::kExternalOrg}) {
    std::vector<size_t> chunk;
    for (size_t k = 0; k < distinct.size(); ++k) {
      if (distinct[k].kind != kind) continue;
      chunk.push_back(k);
      if (chunk.size() == static_cast<size_t>(kPageSize)) {
        chunks.push_back(std::move(chunk));
        chunk.clear();
      }
    }
    if (!chunk.empty()) chunks.push_back(std::move(chunk));
  }

  struct Gather {
    absl::Mutex mu;
    size_t pending ABSL_GUARDED_BY(mu) = 0;  // distinct places not yet answered
    std::vector<absl::StatusOr<PlaceFacts>> answers ABSL_GUARDED_BY(mu);
    std::vector<Place> distinct;
    std::vector<size_t> slot;
    std::function<void(std::vector<absl::StatusOr<PlaceFacts>>)> done;
  };
  auto gather = std::make_shared<Gather>();
  {
    absl::MutexLock lock(&gather->mu);
    gather->pending = distinct.size();
    gather->answers.resize(distinct.size(), absl::UnknownError("not answered"));
  }
  gather->distinct = std::move(distinct);
  gather->slot = std::move(slot);
  gather->done = std::move(done);
  // Records answers; the last one hands every place its answer. Runs on a
  // gRPC thread, or inline when the replica is stopped.
  const auto answer = [gather](absl::Span<const size_t> ks,
                               const std::function<absl::StatusOr<PlaceFacts>(size_t)>& of) {
    bool last = false;
    {
      absl::MutexLock lock(&gather->mu);
      for (size_t j = 0; j < ks.size(); ++j) gather->answers[ks[j]] = of(j);
      gather->pending -= ks.size();
      last = gather->pending == 0;
    }
    if (!last) return;
    std::vector<absl::StatusOr<PlaceFacts>> out;
    out.reserve(gather->slot.size());
    {
      absl::MutexLock lock(&gather->mu);
      for (size_t k : gather->slot) out.push_back(gather->answers[k]);
    }
    gather->done(std::move(out));
  };
  for (std::vector<size_t>& chunk : chunks) {
    // One unknown name refuses the whole batch: then each place is asked on
    // its own, so that only the bad rows fail, each with its own answer.
    const auto one_by_one = [this, gather, answer](const std::vector<size_t>& ks) {
      for (size_t k : ks) {
        Describe(gather->distinct[k], [answer, k](absl::StatusOr<PlaceFacts> facts) {
          const size_t ks_one[] = {k};
          answer(ks_one, [&](size_t) { return facts; });
        });
      }
    };
    if (gather->distinct[chunk.front()].kind == Place::Kind::kExternalOrg) {
      one_by_one(chunk);
    } else if (gather->distinct[chunk.front()].kind == Place::Kind::kUnit) {
      v1::BatchGetUnitsRequest request;
      for (size_t k : chunk) request.add_names(PlaceName(gather->distinct[k]));
      StartUnary<v1::BatchGetUnitsResponse>(
          std::move(request),
          [](auto* async, auto* context, auto* request, auto* response, auto callback) {
            async->BatchGetUnits(context, request, response, std::move(callback));
          },
          [gather, answer, one_by_one, chunk](const grpc::Status& status,
                                              const v1::BatchGetUnitsResponse& response) {
            if (status.error_code() == grpc::StatusCode::NOT_FOUND) return one_by_one(chunk);
            answer(chunk, [&](size_t j) -> absl::StatusOr<PlaceFacts> {
              if (!status.ok()) return FromGrpcStatus(status);
              if (static_cast<int>(j) >= response.units_size()) {
                return absl::UnavailableError("the org service answered a batch short");
              }
              return FactsFrom(gather->distinct[chunk[j]], response.units(static_cast<int>(j)));
            });
          });
    } else {
      v1::BatchGetPartyOrgsRequest request;
      for (size_t k : chunk) request.add_names(PlaceName(gather->distinct[k]));
      StartUnary<v1::BatchGetPartyOrgsResponse>(
          std::move(request),
          [](auto* async, auto* context, auto* request, auto* response, auto callback) {
            async->BatchGetPartyOrgs(context, request, response, std::move(callback));
          },
          [gather, answer, one_by_one, chunk](const grpc::Status& status,
                                              const v1::BatchGetPartyOrgsResponse& response) {
            if (status.error_code() == grpc::StatusCode::NOT_FOUND) return one_by_one(chunk);
            answer(chunk, [&](size_t j) -> absl::StatusOr<PlaceFacts> {
              if (!status.ok()) return FromGrpcStatus(status);
              if (static_cast<int>(j) >= response.party_orgs_size()) {
                return absl::UnavailableError("the org service answered a batch short");
              }
              return FactsFrom(gather->distinct[chunk[j]],
                               response.party_orgs(static_cast<int>(j)));
            });
          });
    }
  }
}

// ---------------------------------------------------------------------------
// OrgReplica: the replica

absl::StatusOr<std::vector<Place>> OrgReplica::PlacesUnder(int64_t unit_id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!loaded_) {
    return absl::UnavailableError("the replica of the org hierarchy has not loaded yet");
  }
  return hierarchy_.PlacesUnder(unit_id);
}

absl::StatusOr<std::optional<std::vector<Place>>> OrgReplica::PlacesUnderAtMost(
    int64_t unit_id, size_t max_places) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!loaded_) {
    return absl::UnavailableError("the replica of the org hierarchy has not loaded yet");
  }
  return hierarchy_.PlacesUnderAtMost(unit_id, max_places);
}

bool OrgReplica::IsPlaceUnder(const Place& place, int64_t unit_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return loaded_ && hierarchy_.IsPlaceUnder(place, unit_id);
}

std::optional<bool> OrgReplica::IsWithin(int64_t unit_id, int64_t ancestor_id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!loaded_) return std::nullopt;
  return hierarchy_.IsWithin(unit_id, ancestor_id);
}

std::optional<std::vector<int64_t>> OrgReplica::UnitsOf(int64_t org_id) const {
  absl::ReaderMutexLock lock(&mu_);
  if (!loaded_) return std::nullopt;
  return hierarchy_.UnitsOf(org_id);
}

int64_t OrgReplica::replica_revision() const {
  absl::ReaderMutexLock lock(&mu_);
  return revision_;
}

bool OrgReplica::WaitForRevision(int64_t revision, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  const auto reached = [this, revision]()
                           ABSL_SHARED_LOCKS_REQUIRED(mu_) { return revision_ >= revision; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

OrgReplicaStats OrgReplica::stats() const {
  absl::ReaderMutexLock lock(&mu_);
  return stats_;
}

void OrgReplica::Run() {
  absl::Duration backoff = options_.initial_backoff;
  bool need_load = true;
  while (!stopping()) {
    absl::Status status;
    bool progressed = false;
    if (need_load) {
      status = Bootstrap();
      progressed = status.ok();
      need_load = !status.ok();
    } else {
      const absl::Time opened = absl::Now();
      status = Watch(progressed);
      const absl::Duration open_for = absl::Now() - opened;
      // The stream's own deadline: a routine reopen, not a failure.
      if (status.code() == absl::StatusCode::kDeadlineExceeded &&
          open_for >= options_.watch_timeout) {
        backoff = options_.initial_backoff;
        continue;
      }
      // A stream that stayed up a while was connected: its end is news, not
      // another failure in a row.
      progressed = progressed || open_for >= options_.max_backoff;
      need_load = NeedsBootstrap(status.code());
    }
    if (stopping()) return;
    if (progressed) backoff = options_.initial_backoff;
    if (status.ok()) continue;  // loaded: watch from the load's revision now
    {
      absl::MutexLock lock(&mu_);
      stats_.last_error = status;
    }
    if (!SleepUnlessStopping(backoff)) return;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::Status OrgReplica::Bootstrap() {
  OrgHierarchy hierarchy;
  // Every read is pinned at the revision of the first one.
  int64_t revision = -1;
  const auto pin = [&revision](absl::string_view what, int64_t read_at) -> absl::Status {
    if (revision < 0) revision = read_at;
    if (read_at == revision) return absl::OkStatus();
    return absl::InternalError(
        absl::StrCat(what, " was read at revision ", read_at, ", not at ", revision));
  };

  std::vector<std::string> districts_to_read;
  v1::ListUnitsRequest districts;
  districts.set_page_size(kPageSize);
  districts.set_show_deleted(true);  // a deleted district is a place too
  RETURN_IF_ERROR(ReadAllPages<v1::ListUnitsResponse>(
      std::move(districts),
      [this](const v1::ListUnitsRequest& request, v1::ListUnitsResponse* page) {
        return WithCall(options_.call_timeout, [&](grpc::ClientContext& context) {
          return FromGrpcStatus(stub_->ListUnits(&context, request, page));
        });
      },
      [&](const v1::ListUnitsResponse& page) -> absl::Status {
        RETURN_IF_ERROR(pin("ListUnits", page.revision()));
        for (const v1::Unit& unit : page.units()) {
          ASSIGN_OR_RETURN(const ReplicaUnit district, ReplicaUnitFromProto(unit));
          hierarchy.PutUnit(district);
          districts_to_read.push_back(unit.name());  // deleted ones too: see ReadSubtree
        }
        return absl::OkStatus();
      }));

  for (const std::string& district : districts_to_read) {
    RETURN_IF_ERROR(ReadSubtree(district, revision, hierarchy));
  }

  // Revision 0 is the empty store (and read_revision 0 would mean "latest").
  if (revision > 0) {
    v1::ListPartyOrgsRequest party_orgs;
    party_orgs.set_page_size(kPageSize);
    party_orgs.set_show_deleted(true);
    party_orgs.set_read_revision(revision);
    RETURN_IF_ERROR(ReadAllPages<v1::ListPartyOrgsResponse>(
        std::move(party_orgs),
        [this](const v1::ListPartyOrgsRequest& request, v1::ListPartyOrgsResponse* page) {
          return WithCall(options_.call_timeout, [&](grpc::ClientContext& context) {
            return FromGrpcStatus(stub_->ListPartyOrgs(&context, request, page));
          });
        },
        [&](const v1::ListPartyOrgsResponse& page) -> absl::Status {
          RETURN_IF_ERROR(pin("ListPartyOrgs", page.revision()));
          for (const v1::PartyOrg& party_org : page.party_orgs()) {
            ASSIGN_OR_RETURN(const ReplicaPartyOrg org, ReplicaPartyOrgFromProto(party_org));
            hierarchy.PutPartyOrg(org);
          }
          return absl::OkStatus();
        }));
  }

  {
    absl::MutexLock lock(&mu_);
    std::swap(hierarchy_, hierarchy);
    loaded_ = true;
    revision_ = revision;
    next_ = {revision + 1, 0};
    ++stats_.bootstraps;
  }
  return absl::OkStatus();  // the replaced replica is freed here, outside the lock
}

absl::Status OrgReplica::ReadSubtree(const std::string& district, int64_t revision,
                                     OrgHierarchy& hierarchy) {
  v1::ListDescendantsRequest request;
  request.set_name(district);
  request.set_read_revision(revision);
  // Deleted units are places too: roles may still name them, and the audit
  // looks for exactly those.
  request.set_show_deleted(true);
  return WithCall(options_.subtree_timeout, [&](grpc::ClientContext& context) -> absl::Status {
    std::unique_ptr<grpc::ClientReader<v1::ListDescendantsResponse>> reader =
        stub_->ListDescendants(&context, request);
    v1::ListDescendantsResponse batch;
    absl::Status status;
    while (status.ok() && reader->Read(&batch)) {
      if (batch.revision() != revision) {
        status = absl::InternalError(absl::StrCat("ListDescendants of ", district,
                                                  " was read at revision ", batch.revision(),
                                                  ", not at ", revision));
        break;
      }
      for (const v1::Unit& unit : batch.units()) {
        absl::StatusOr<ReplicaUnit> replica_unit = ReplicaUnitFromProto(unit);
        if (!replica_unit.ok()) {
          status = replica_unit.status();
          break;
        }
        hierarchy.PutUnit(*replica_unit);
      }
    }
    if (!status.ok()) {
      // Cancelled, the stream ends at once; Finish needs it ended.
      context.TryCancel();
      while (reader->Read(&batch)) {
      }
    }
    const grpc::Status finished = reader->Finish();
    return status.ok() ? FromGrpcStatus(finished) : status;
  });
}

absl::Status OrgReplica::Watch(bool& progressed) {
  v1::WatchEventsRequest request;
  {
    absl::MutexLock lock(&mu_);
    request.set_start_revision(next_.revision);
    request.set_start_index(next_.index);
    ++stats_.watch_streams;
  }
  return WithCall(options_.watch_timeout, [&](grpc::ClientContext& context) -> absl::Status {
    std::unique_ptr<grpc::ClientReader<v1::WatchEventsResponse>> reader =
        stub_->WatchEvents(&context, request);
    v1::WatchEventsResponse batch;
    absl::Status applied;
    while (applied.ok() && reader->Read(&batch)) applied = ApplyEvents(batch, progressed);
    if (!applied.ok()) {
      context.TryCancel();  // as in ReadSubtree
      while (reader->Read(&batch)) {
      }
    }
    const grpc::Status finished = reader->Finish();
    if (!applied.ok()) return applied;
    // The org service never ends a watch by itself; treat it like a break.
    if (finished.ok()) return absl::UnavailableError("the org service ended the event stream");
    return FromGrpcStatus(finished);
  });
}

absl::Status OrgReplica::ApplyEvents(const v1::WatchEventsResponse& batch, bool& progressed) {
  const auto position = [](int64_t revision, int32_t index) {
    return std::make_pair(revision, index);
  };
  absl::MutexLock lock(&mu_);
  for (const v1::Event& event : batch.events()) {
    const auto at = position(event.revision(), event.index());
    if (at < position(next_.revision, next_.index)) continue;  // applied already
    // Next comes the event after the last one, or the first of the next
    // revision; before the first event of a revision, only that one.
    const bool in_order = at == position(next_.revision, next_.index) ||
                          (next_.index > 0 && at == position(next_.revision + 1, 0));
    if (!in_order) {
      return absl::DataLossError(absl::StrCat("the event stream skipped from (", next_.revision,
                                              ", ", next_.index, ") to (", event.revision(), ", ",
                                              event.index(), ")"));
    }
    if (absl::Status s = ApplySnapshot(event.after(), hierarchy_); !s.ok()) {
      // The replica stops here and retries from this event; stats say why.
      return absl::InternalError(absl::StrCat("event (", event.revision(), ", ", event.index(),
                                              ") of ", event.resource(), ": ", s.message()));
    }
    next_ = {event.revision(), event.index() + 1};
    revision_ = event.revision();
    ++stats_.events_applied;
    progressed = true;
  }
  return absl::OkStatus();
}

}  // namespace grassroots::org_client
