// grpc_loadgen: drives one grassroots method (or a weighted mix) at a server
// with `channels` × `in_flight` calls outstanding and prints QPS, latency
// percentiles and every status seen, then one machine-readable line:
//
//   BENCH name=… method=… calls=… ok=… failed=… seconds=… qps=… p50_us=…
//         p90_us=… p99_us=… p999_us=… max_us=… items=… items_per_s=…
//
// (one line; `move` appends read_max_us, read_p999_us, reads, checks_failed).
// Exits 0 when no call failed, 1 otherwise, 2 on bad flags or failed setup.
//
//   grpc_loadgen --target=127.0.0.1:50050 --token_file=F --method=get_unit
//                [--unit=building] [--channels=2 --in_flight=32]
//                [--duration=5s --warmup=1s | --calls=N] [--name=LABEL]
//   grpc_loadgen --target=… --mix=get_unit=8,count_descendants=2
//   grpc_loadgen --target=… --method=move --unit=compound --calls=200 --readers=4
//   grpc_loadgen --self_check
//
// The same binary works straight at org_service / roster_service (no token:
// the call is anonymous, and anonymous writes are accepted) and through the
// gateway (with a token), which serves the same service names. Straight at
// roster_service or casework_service, give --org_target=<org_service> for
// resolving --unit.
//
// Counting: `ok` and the latencies are the calls completed in the measured
// window; `failed` is every failed call, warm-up and drain included, so that
// no failure goes unreported.

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "bench/loadgen.h"
#include "bench/null.grpc.pb.h"
#include "common/server_runner.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50050", "host:port of the server or the gateway.");
ABSL_FLAG(std::string, org_target, "",
          "Where setup's OrgService calls (resolving --unit, finding buildings) go; default "
          "--target. Set it to org_service when --target is roster_service itself.");
ABSL_FLAG(std::string, token, "",
          "Bearer token (sent as `authorization: Bearer …`, never printed). Prefer "
          "--token_file: a flag is visible in ps.");
ABSL_FLAG(std::string, token_file, "", "File holding the bearer token.");
ABSL_FLAG(std::string, caller_key_file, "",
          "The services' caller key: calls straight to a service are signed as \"bench\".");
ABSL_FLAG(std::string, method, "",
          "null, get_unit, get_ancestors, count_descendants, list_descendants, list_roles, "
          "create_unit, assign_role, move, report_issue or list_issues.");
ABSL_FLAG(std::string, mix, "",
          "Instead of --method: weighted methods, e.g. get_unit=8,count_descendants=2 (not "
          "move).");
ABSL_FLAG(int, channels, 1, "Channels, each its own connection.");
ABSL_FLAG(int, in_flight, 1, "Calls outstanding per channel.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(5), "How long the measured window lasts.");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "Calls before the window, not counted.");
ABSL_FLAG(int64_t, calls, 0,
          "If set: exactly this many calls, all counted, no warm-up (move: the number of "
          "moves, default 200).");
ABSL_FLAG(absl::Duration, call_timeout, absl::Seconds(30), "Deadline of each call.");
ABSL_FLAG(std::string, unit, "",
          "units/N, or district|street|community|compound|building: the first of that level, "
          "found by walking down from the first district. Default per method: building for "
          "get_unit and get_ancestors, street for count_descendants and list_roles, district "
          "for list_descendants, compound for create_unit, assign_role and move; building for "
          "report_issue (the place reported at), street for list_issues.");
ABSL_FLAG(int, page_size, 1000, "list_roles, list_issues: items per page.");
ABSL_FLAG(std::string, filter, "open = true", "list_issues: the ListIssuesRequest filter.");
ABSL_FLAG(int, assign_people, 1000, "assign_role: how many existing people to assign.");
ABSL_FLAG(int, readers, 4, "move: threads reading while the unit moves.");
ABSL_FLAG(std::string, name, "", "A label echoed in the output; default the method.");
ABSL_FLAG(bool, self_check, false,
          "Check the latency histogram's percentiles against exact ones on random data and "
          "exit (non-zero on a mismatch).");

namespace grassroots::bench {
namespace {

namespace org = ::grassroots::org::v1;
namespace roster = ::grassroots::roster::v1;
namespace casework = ::grassroots::casework::v1;

// A setup step that failed: the run cannot start.
absl::Status SetupError(const std::string& what, const grpc::Status& status) {
  return absl::FailedPreconditionError(
      absl::StrCat(what, ": ", StatusCodeName(status.error_code()), ": ", status.error_message()));
}

// What every method needs: the channels, a stub per channel, the call
// options, and blocking helpers for setup.
struct Env {
  std::string target;
  CallOptions options;
  const CallerSigner* signer = nullptr;  // --caller_key_file's, when given
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  std::vector<std::unique_ptr<org::OrgService::Stub>> org;
  std::vector<std::unique_ptr<roster::RosterService::Stub>> roster;
  std::vector<std::unique_ptr<v1::NullService::Stub>> null;
  std::vector<std::unique_ptr<casework::CaseworkService::Stub>> casework;
  // For setup only: --org_target's, or the first channel's.
  std::unique_ptr<org::OrgService::Stub> setup_org_stub;

  org::OrgService::Stub& setup_org() { return setup_org_stub ? *setup_org_stub : *org[0]; }
  roster::RosterService::Stub& setup_roster() { return *roster[0]; }
};

std::unique_ptr<grpc::ClientContext> NewContext(const CallOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  options.Apply(*context);
  return context;
}

// --- Setup: finding units and people through the API.

constexpr const char* kLevelNames[] = {"",          "district", "street",
                                       "community", "compound", "building"};

std::optional<org::Level> ParseLevel(const std::string& text) {
  for (int level = org::DISTRICT; level <= org::BUILDING; ++level) {
    if (text == kLevelNames[level]) return static_cast<org::Level>(level);
  }
  return std::nullopt;
}

absl::StatusOr<org::Unit> GetUnit(Env& env, const std::string& name) {
  org::GetUnitRequest request;
  request.set_name(name);
  org::Unit unit;
  auto context = NewContext(env.options);
  grpc::Status status = env.setup_org().GetUnit(context.get(), request, &unit);
  if (!status.ok()) return SetupError(absl::StrCat("GetUnit ", name), status);
  return unit;
}

absl::StatusOr<int64_t> CountDescendants(org::OrgService::Stub& stub, const CallOptions& options,
                                         const std::string& name) {
  org::CountDescendantsRequest request;
  request.set_name(name);
  org::CountDescendantsResponse response;
  auto context = NewContext(options);
  grpc::Status status = stub.CountDescendants(context.get(), request, &response);
  if (!status.ok()) return SetupError(absl::StrCat("CountDescendants ", name), status);
  return response.total();
}

// Every live descendant of `name` at `level` (all levels when unspecified),
// at most `limit`.
absl::StatusOr<std::vector<org::Unit>> Descendants(Env& env, const std::string& name,
                                                   org::Level level, size_t limit) {
  org::ListDescendantsRequest request;
  request.set_name(name);
  if (level != org::LEVEL_UNSPECIFIED) request.add_levels(level);
  auto context = NewContext(env.options);
  auto reader = env.setup_org().ListDescendants(context.get(), request);
  std::vector<org::Unit> units;
  org::ListDescendantsResponse response;
  while (reader->Read(&response)) {
    for (const org::Unit& unit : response.units()) {
      if (units.size() < limit) units.push_back(unit);
    }
    if (units.size() >= limit) {
      context->TryCancel();
      break;
    }
  }
  grpc::Status status = reader->Finish();
  if (!status.ok() && !(units.size() >= limit && status.error_code() == grpc::CANCELLED)) {
    return SetupError(absl::StrCat("ListDescendants ", name), status);
  }
  return units;
}

// Resolves --unit: a resource name as it is, or a level name by walking down
// from the first district, taking the first child each time. Cached.
class UnitResolver {
 public:
  explicit UnitResolver(Env& env) : env_(env) {}

  absl::StatusOr<org::Unit> Resolve(const std::string& spec) {
    if (auto it = cache_.find(spec); it != cache_.end()) return it->second;
    std::optional<org::Level> level = ParseLevel(spec);
    absl::StatusOr<org::Unit> unit;
    if (level) {
      unit = Walk(*level);
    } else if (absl::StartsWith(spec, "units/")) {
      unit = GetUnit(env_, spec);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--unit: \"", spec,
                       "\" is neither units/N nor a level "
                       "(district|street|community|compound|building)"));
    }
    if (!unit.ok()) return unit.status();
    std::fprintf(stderr, "grpc_loadgen: --unit %s is %s (%s, %s)\n", spec.c_str(),
                 unit->name().c_str(), kLevelNames[unit->level()], unit->display_name().c_str());
    cache_[spec] = *unit;
    return unit;
  }

 private:
  absl::StatusOr<org::Unit> Walk(org::Level target) {
    std::string parent;  // empty: the districts
    org::Unit unit;
    for (int level = org::DISTRICT; level <= target; ++level) {
      org::ListUnitsRequest request;
      request.set_parent(parent);
      request.set_page_size(1);
      org::ListUnitsResponse response;
      auto context = NewContext(env_.options);
      grpc::Status status = env_.setup_org().ListUnits(context.get(), request, &response);
      if (!status.ok()) {
        return SetupError(absl::StrCat("ListUnits parent=\"", parent, "\""), status);
      }
      if (response.units().empty()) {
        return absl::NotFoundError(absl::StrCat("no ", kLevelNames[level],
                                                parent.empty() ? "" : " under ", parent,
                                                ": load a dataset first (orgctl demo)"));
      }
      unit = response.units(0);
      parent = unit.name();
    }
    return unit;
  }

  Env& env_;
  std::map<std::string, org::Unit> cache_;
};

// --- The methods.

// One unary callback call with its own context, request and response, freed
// when it completes. `items` counts what the response brought.
template <typename Response, typename Request, typename Invoke, typename Items>
void StartUnary(const CallOptions& options, Request request, Invoke invoke, Items items,
                CallDone done) {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
  };
  auto* call = new Call();
  call->request = std::move(request);
  options.Apply(call->context);
  invoke(&call->context, &call->request, &call->response,
         [call, items, done = std::move(done)](grpc::Status status) {
           const int64_t count = status.ok() ? items(call->response) : 0;
           done(status, count);
           delete call;
         });
}

// Calls that bring back no countable items.
int64_t NoItems(const google::protobuf::Message&) { return 0; }

// A server stream read to its end: one call, however many messages.
class DescendantsReader final : public grpc::ClientReadReactor<org::ListDescendantsResponse> {
 public:
  DescendantsReader(org::OrgService::Stub& stub, const CallOptions& options,
                    const std::string& name, CallDone done)
      : done_(std::move(done)) {
    options.Apply(context_);
    request_.set_name(name);
    stub.async()->ListDescendants(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }

  void OnReadDone(bool ok) override {
    if (!ok) return;  // the end of the stream; OnDone follows
    units_ += response_.units_size();
    StartRead(&response_);
  }

  void OnDone(const grpc::Status& status) override {
    done_(status, units_);
    delete this;
  }

 private:
  CallDone done_;
  grpc::ClientContext context_;
  org::ListDescendantsRequest request_;
  org::ListDescendantsResponse response_;
  int64_t units_ = 0;
};

std::string DefaultUnitFor(const std::string& method) {
  if (method == "get_unit" || method == "get_ancestors" || method == "report_issue") {
    return "building";
  }
  if (method == "count_descendants" || method == "list_roles" || method == "list_issues") {
    return "street";
  }
  if (method == "list_descendants") return "district";
  return "compound";
}

// State a method keeps across its calls; lives as long as the run.
struct MethodState {
  std::atomic<int64_t> counter{0};
  std::vector<std::string> page_tokens;  // list_roles, list_issues: per slot
  std::vector<std::string> people;       // assign_role
  std::vector<std::string> places;       // assign_role
  std::string nonce;                     // create_unit: keeps codes unique across runs
  org::Level child_level = org::LEVEL_UNSPECIFIED;
};

absl::StatusOr<CallKind> MakeKind(Env& env, UnitResolver& resolver, const std::string& method,
                                  int weight, int slots, MethodState& state) {
  CallKind kind{.name = method, .weight = weight};
  const CallOptions& options = env.options;
  if (method == "null") {
    kind.start = [&env, &state](const CallSlot& slot, CallDone done) {
      v1::PingRequest request;
      request.set_id(state.counter.fetch_add(1, std::memory_order_relaxed));
      request.set_name("units/123456");
      auto* stub = env.null[slot.channel].get();
      StartUnary<v1::PingResponse>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) { stub->async()->Ping(c, q, r, std::move(f)); },
          NoItems, std::move(done));
    };
    return kind;
  }

  const std::string spec =
      absl::GetFlag(FLAGS_unit).empty() ? DefaultUnitFor(method) : absl::GetFlag(FLAGS_unit);
  absl::StatusOr<org::Unit> resolved = resolver.Resolve(spec);
  if (!resolved.ok()) return resolved.status();
  const std::string unit = resolved->name();

  if (method == "get_unit") {
    kind.start = [&env, unit](const CallSlot& slot, CallDone done) {
      org::GetUnitRequest request;
      request.set_name(unit);
      auto* stub = env.org[slot.channel].get();
      StartUnary<org::Unit>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->GetUnit(c, q, r, std::move(f));
          },
          NoItems, std::move(done));
    };
  } else if (method == "get_ancestors") {
    kind.start = [&env, unit](const CallSlot& slot, CallDone done) {
      org::GetAncestorsRequest request;
      request.set_name(unit);
      auto* stub = env.org[slot.channel].get();
      StartUnary<org::GetAncestorsResponse>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->GetAncestors(c, q, r, std::move(f));
          },
          [](const org::GetAncestorsResponse& r) -> int64_t { return r.ancestors_size(); },
          std::move(done));
    };
  } else if (method == "count_descendants") {
    kind.start = [&env, unit](const CallSlot& slot, CallDone done) {
      org::CountDescendantsRequest request;
      request.set_name(unit);
      auto* stub = env.org[slot.channel].get();
      StartUnary<org::CountDescendantsResponse>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->CountDescendants(c, q, r, std::move(f));
          },
          NoItems, std::move(done));
    };
  } else if (method == "list_descendants") {
    kind.start = [&env, unit](const CallSlot& slot, CallDone done) {
      new DescendantsReader(*env.org[slot.channel], env.options, unit, std::move(done));
    };
  } else if (method == "list_roles") {
    state.page_tokens.assign(slots, "");
    const int page_size = absl::GetFlag(FLAGS_page_size);
    kind.start = [&env, &state, unit, page_size](const CallSlot& slot, CallDone done) {
      roster::ListRoleAssignmentsRequest request;
      request.set_place(unit);
      request.set_include_descendants(true);
      request.set_page_size(page_size);
      request.set_page_token(state.page_tokens[slot.slot]);
      auto* stub = env.roster[slot.channel].get();
      std::string* cursor = &state.page_tokens[slot.slot];
      StartUnary<roster::ListRoleAssignmentsResponse>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->ListRoleAssignments(c, q, r, std::move(f));
          },
          // Each slot pages on to the end, then starts over; this runs
          // before the slot's next call, so the cursor needs no lock.
          [cursor](const roster::ListRoleAssignmentsResponse& r) -> int64_t {
            *cursor = r.next_page_token();
            return r.role_assignments_size();
          },
          [cursor, done = std::move(done)](const grpc::Status& status, int64_t items) {
            if (!status.ok()) cursor->clear();
            done(status, items);
          });
    };
  } else if (method == "list_issues") {
    // As list_roles: each slot pages through the place's issues to the end,
    // then starts over.
    state.page_tokens.assign(slots, "");
    const int page_size = absl::GetFlag(FLAGS_page_size);
    const std::string filter = absl::GetFlag(FLAGS_filter);
    kind.start = [&env, &state, unit, page_size, filter](const CallSlot& slot, CallDone done) {
      casework::ListIssuesRequest request;
      request.set_place(unit);
      request.set_filter(filter);
      request.set_page_size(page_size);
      request.set_page_token(state.page_tokens[slot.slot]);
      auto* stub = env.casework[slot.channel].get();
      std::string* cursor = &state.page_tokens[slot.slot];
      StartUnary<casework::ListIssuesResponse>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->ListIssues(c, q, r, std::move(f));
          },
          [cursor](const casework::ListIssuesResponse& r) -> int64_t {
            *cursor = r.next_page_token();
            return r.issues_size();
          },
          [cursor, done = std::move(done)](const grpc::Status& status, int64_t items) {
            if (!status.ok()) cursor->clear();
            done(status, items);
          });
    };
  } else if (method == "report_issue") {
    // A durable write: every call reports a new issue at the place (a
    // building, compound or community), which starts REPORTED.
    if (resolved->level() < org::COMMUNITY) {
      return absl::InvalidArgumentError(
          absl::StrCat("report_issue: --unit ", unit,
                       " is above a community; issues are reported at a "
                       "community, a compound or a building"));
    }
    kind.start = [&env, &state, unit](const CallSlot& slot, CallDone done) {
      const int64_t n = state.counter.fetch_add(1, std::memory_order_relaxed);
      casework::ReportIssueRequest request;
      casework::Issue* issue = request.mutable_issue();
      issue->set_place(unit);
      issue->set_category(casework::PROPERTY_MAINTENANCE);
      issue->set_channel(casework::GRID_WORKER);
      issue->set_title(absl::StrCat("压测诉求", n));
      issue->set_description("grpc_loadgen: 楼道灯不亮");
      auto* stub = env.casework[slot.channel].get();
      StartUnary<casework::Issue>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->ReportIssue(c, q, r, std::move(f));
          },
          NoItems, std::move(done));
    };
  } else if (method == "create_unit") {
    if (resolved->level() == org::BUILDING) {
      return absl::InvalidArgumentError(
          absl::StrCat("create_unit: --unit ", unit, " is a building, which has no children"));
    }
    state.child_level = static_cast<org::Level>(resolved->level() + 1);
    state.nonce = absl::StrFormat("%x", absl::ToUnixMicros(absl::Now()) & 0xffffffffffLL);
    kind.start = [&env, &state, unit](const CallSlot& slot, CallDone done) {
      const int64_t n = state.counter.fetch_add(1, std::memory_order_relaxed);
      org::CreateUnitRequest request;
      org::Unit* made = request.mutable_unit();
      made->set_parent(unit);
      made->set_level(state.child_level);
      made->set_display_name(absl::StrCat("压测", kLevelNames[state.child_level], n));
      made->set_code(absl::StrCat("lg", state.nonce, "-", n));  // unique among siblings
      if (state.child_level == org::BUILDING) {
        made->mutable_building()->set_households(24);
        made->mutable_building()->set_floors(6);
      }
      auto* stub = env.org[slot.channel].get();
      StartUnary<org::Unit>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->CreateUnit(c, q, r, std::move(f));
          },
          NoItems, std::move(done));
    };
  } else if (method == "assign_role") {
    // VOLUNTEER may be held at any unit below the district by anyone, in
    // any number (roster_core's only refusals are a second holder of a
    // single-holder role and a non-member in a member's role), so every call
    // is a new assignment. Pairs (person, building) are still made distinct
    // so that each write is one nobody would call a duplicate.
    if (resolved->level() == org::BUILDING) {
      state.places.push_back(unit);
    } else {
      absl::StatusOr<std::vector<org::Unit>> buildings =
          Descendants(env, unit, org::BUILDING, 100000);
      if (!buildings.ok()) return buildings.status();
      for (const org::Unit& b : *buildings) state.places.push_back(b.name());
      if (state.places.empty()) state.places.push_back(unit);
    }
    const size_t wanted = std::max(1, absl::GetFlag(FLAGS_assign_people));
    std::string page_token;
    do {
      roster::ListPeopleRequest request;
      request.set_page_size(static_cast<int>(std::min<size_t>(1000, wanted)));
      request.set_page_token(page_token);
      roster::ListPeopleResponse response;
      auto context = NewContext(options);
      grpc::Status status = env.setup_roster().ListPeople(context.get(), request, &response);
      if (!status.ok()) return SetupError("ListPeople", status);
      for (const roster::Person& person : response.people()) {
        if (state.people.size() < wanted) state.people.push_back(person.name());
      }
      page_token = response.next_page_token();
    } while (!page_token.empty() && state.people.size() < wanted);
    if (state.people.empty()) {
      return absl::NotFoundError("assign_role: no people to assign: load a dataset first");
    }
    std::fprintf(stderr, "grpc_loadgen: assign_role: %zu people × %zu places\n",
                 state.people.size(), state.places.size());
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::LocalTimeZone());
    kind.start = [&env, &state, today](const CallSlot& slot, CallDone done) {
      const int64_t n = state.counter.fetch_add(1, std::memory_order_relaxed);
      const size_t people = state.people.size();
      roster::AssignRoleRequest request;
      roster::RoleAssignment* role = request.mutable_role_assignment();
      role->set_person(state.people[n % people]);
      role->set_place(state.places[(n / people) % state.places.size()]);
      role->set_role(roster::VOLUNTEER);
      role->mutable_start_date()->set_year(static_cast<int32_t>(today.year()));
      role->mutable_start_date()->set_month(today.month());
      role->mutable_start_date()->set_day(today.day());
      role->set_note("grpc_loadgen");
      auto* stub = env.roster[slot.channel].get();
      StartUnary<roster::RoleAssignment>(
          env.options, std::move(request),
          [stub](auto* c, auto* q, auto* r, auto f) {
            stub->async()->AssignRole(c, q, r, std::move(f));
          },
          NoItems, std::move(done));
    };
  } else {
    return absl::InvalidArgumentError(absl::StrCat("unknown method \"", method, "\""));
  }
  return kind;
}

// --- move.

struct MoveResult {
  LatencyHistogram moves;
  LatencyHistogram reads;
  int64_t attempted = 0;
  int64_t moves_ok = 0;      // the RPC succeeded and every check passed
  int64_t moves_failed = 0;  // the RPC failed or a check did
  int64_t checks_failed = 0;
  int64_t reads_ok = 0;
  int64_t reads_failed = 0;
  double seconds = 0;
  std::string move_statuses;
  std::string read_statuses;
};

// Whether `parent` has a live child with `code`: the move there would be
// refused, codes being unique among live siblings.
absl::StatusOr<bool> HasChildWithCode(Env& env, const std::string& parent,
                                      const std::string& code) {
  org::ListUnitsRequest request;
  request.set_parent(parent);
  request.set_page_size(1);
  request.set_filter(absl::StrCat("code = \"", code, "\""));
  org::ListUnitsResponse response;
  auto context = NewContext(env.options);
  grpc::Status status = env.setup_org().ListUnits(context.get(), request, &response);
  if (!status.ok()) return SetupError(absl::StrCat("ListUnits parent=", parent), status);
  return !response.units().empty();
}

// Another live unit of `parent`'s level in the same district (for a
// street: another district) where `moved` may go: none of its children has
// `moved`'s code. The unit moves there and back.
absl::StatusOr<std::string> OtherParent(Env& env, const org::Unit& moved, const org::Unit& parent,
                                        const std::string& district) {
  std::vector<std::string> candidates;
  if (parent.level() == org::DISTRICT) {
    org::ListUnitsRequest request;
    request.set_page_size(100);
    org::ListUnitsResponse response;
    auto context = NewContext(env.options);
    grpc::Status status = env.setup_org().ListUnits(context.get(), request, &response);
    if (!status.ok()) return SetupError("ListUnits (districts)", status);
    for (const org::Unit& unit : response.units()) candidates.push_back(unit.name());
  } else {
    absl::StatusOr<std::vector<org::Unit>> same_level =
        Descendants(env, district, parent.level(), 1000);
    if (!same_level.ok()) return same_level.status();
    for (const org::Unit& unit : *same_level) candidates.push_back(unit.name());
  }
  for (const std::string& candidate : candidates) {
    if (candidate == parent.name()) continue;
    absl::StatusOr<bool> taken = HasChildWithCode(env, candidate, moved.code());
    if (!taken.ok()) return taken.status();
    if (!*taken) return candidate;
  }
  return absl::NotFoundError(absl::StrCat("move: no other ", kLevelNames[parent.level()], " than ",
                                          parent.name(), " without a child coded \"", moved.code(),
                                          "\""));
}

// Moves `unit` under `to` and back; FAILED_PRECONDITION when the service
// refuses the move (e.g. it would split a joint branch).
absl::Status TrialMove(Env& env, const org::Unit& unit, const std::string& to) {
  for (const std::string& parent : {to, unit.parent()}) {
    org::MoveUnitRequest request;
    request.set_name(unit.name());
    request.set_new_parent(parent);
    org::Unit after;
    auto context = NewContext(env.options);
    grpc::Status status = env.setup_org().MoveUnit(context.get(), request, &after);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      return absl::FailedPreconditionError(status.error_message());
    }
    if (!status.ok()) return SetupError("MoveUnit", status);
  }
  return absl::OkStatus();
}

absl::StatusOr<MoveResult> RunMove(Env& env, UnitResolver& resolver) {
  const std::string spec =
      absl::GetFlag(FLAGS_unit).empty() ? DefaultUnitFor("move") : absl::GetFlag(FLAGS_unit);
  absl::StatusOr<org::Unit> moved = resolver.Resolve(spec);
  if (!moved.ok()) return moved.status();
  if (moved->level() < org::STREET || moved->level() > org::COMPOUND) {
    return absl::InvalidArgumentError("move: --unit must be a street, a community or a compound");
  }
  // With a level name, the first unit of that level may have nowhere to go
  // (its code is used under every other parent); then the next ones are
  // tried, so that the default works on any dataset that allows a move.
  std::vector<org::Unit> candidates = {*moved};
  std::string district;
  absl::StatusOr<std::string> other;
  for (size_t c = 0; c < candidates.size(); ++c) {
    org::GetAncestorsRequest ancestors_request;
    ancestors_request.set_name(candidates[c].name());
    org::GetAncestorsResponse ancestors;
    auto context = NewContext(env.options);
    grpc::Status status =
        env.setup_org().GetAncestors(context.get(), ancestors_request, &ancestors);
    if (!status.ok()) return SetupError("GetAncestors", status);
    if (ancestors.ancestors().empty()) return absl::InternalError("move: the unit has no parent");
    district = ancestors.ancestors(0).name();
    other = OtherParent(env, candidates[c], *ancestors.ancestors().rbegin(), district);
    if (other.ok()) {
      // A unit whose move would split a joint branch cannot move: a trial
      // move there and back finds out.
      absl::Status trial = TrialMove(env, candidates[c], *other);
      if (trial.ok()) {
        moved = candidates[c];
        break;
      }
      other = trial;
    }
    if (!absl::IsNotFound(other.status()) && !absl::IsFailedPrecondition(other.status())) {
      return other.status();
    }
    if (c == 0 && ParseLevel(spec)) {
      absl::StatusOr<std::vector<org::Unit>> more = Descendants(env, district, moved->level(), 20);
      if (!more.ok()) return more.status();
      for (const org::Unit& unit : *more) {
        if (unit.name() != moved->name()) candidates.push_back(unit);
      }
    }
  }
  if (!other.ok()) return other.status();

  // A unit deep inside the moved subtree, whose ancestors must follow it.
  std::string inner = moved->name();
  {
    absl::StatusOr<std::vector<org::Unit>> below =
        Descendants(env, moved->name(), org::LEVEL_UNSPECIFIED, 100000);
    if (!below.ok()) return below.status();
    int deepest = 0;
    for (const org::Unit& unit : *below) {
      if (unit.level() > deepest) {
        deepest = unit.level();
        inner = unit.name();
      }
    }
  }
  absl::StatusOr<int64_t> below_count =
      CountDescendants(env.setup_org(), env.options, moved->name());
  if (!below_count.ok()) return below_count.status();
  const int64_t subtree = *below_count + 1;
  std::fprintf(stderr,
               "grpc_loadgen: move: %s (subtree of %lld units) between %s and %s; checking "
               "through %s\n",
               moved->name().c_str(), static_cast<long long>(subtree), moved->parent().c_str(),
               other->c_str(), inner.c_str());

  const int64_t moves = absl::GetFlag(FLAGS_calls) > 0 ? absl::GetFlag(FLAGS_calls) : int64_t{200};
  const int reader_count = std::max(0, absl::GetFlag(FLAGS_readers));
  MoveResult result;
  StatusTally move_tally;
  StatusTally read_tally;

  // Readers: each on its own connection, alternating reads inside the moving
  // subtree (the inner unit, the moved unit's count) and outside it (the
  // district), so that a move that blocks readers shows as a stall.
  std::vector<std::shared_ptr<grpc::Channel>> reader_channels =
      MakeChannels(env.target, reader_count, env.signer);
  std::atomic<bool> stop{false};
  std::vector<LatencyHistogram> reader_latency(reader_count);
  std::vector<int64_t> reader_ok(reader_count, 0);
  std::vector<std::thread> readers;
  for (int r = 0; r < reader_count; ++r) {
    readers.emplace_back([&, r] {
      auto stub = org::OrgService::NewStub(reader_channels[r]);
      const std::string get_targets[] = {inner, district};
      const std::string count_targets[] = {moved->name(), district};
      for (int64_t i = r; !stop.load(std::memory_order_relaxed); ++i) {
        auto context = NewContext(env.options);
        const auto started = absl::Now();
        grpc::Status status;
        if (i % 2 == 0) {
          org::GetUnitRequest request;
          request.set_name(get_targets[(i / 2) % 2]);
          org::Unit unit;
          status = stub->GetUnit(context.get(), request, &unit);
        } else {
          org::CountDescendantsRequest request;
          request.set_name(count_targets[(i / 2) % 2]);
          org::CountDescendantsResponse response;
          status = stub->CountDescendants(context.get(), request, &response);
        }
        const absl::Duration took = absl::Now() - started;
        read_tally.Add(status, i % 2 == 0 ? "reader GetUnit" : "reader CountDescendants");
        if (status.ok()) {
          reader_latency[r].Record(absl::ToInt64Nanoseconds(took));
          ++reader_ok[r];
        }
      }
    });
  }

  int check_messages = 0;
  auto check_failed = [&](const std::string& message) {
    ++result.checks_failed;
    if (check_messages++ < 5) std::fprintf(stderr, "move check failed: %s\n", message.c_str());
  };
  org::OrgService::Stub& stub = env.setup_org();
  std::string from = moved->parent();
  std::string to = *other;
  const absl::Time run_start = absl::Now();
  for (int64_t i = 0; i < moves; ++i) {
    ++result.attempted;
    absl::StatusOr<int64_t> from_before = CountDescendants(stub, env.options, from);
    absl::StatusOr<int64_t> to_before = CountDescendants(stub, env.options, to);
    if (!from_before.ok() || !to_before.ok()) {
      check_failed(absl::StrCat("before move ", i, ": ",
                                (!from_before.ok() ? from_before : to_before).status().message()));
      ++result.moves_failed;
      continue;
    }
    org::MoveUnitRequest request;
    request.set_name(moved->name());
    request.set_new_parent(to);
    org::Unit after;
    auto context = NewContext(env.options);
    const absl::Time started = absl::Now();
    grpc::Status status = stub.MoveUnit(context.get(), request, &after);
    const absl::Duration took = absl::Now() - started;
    move_tally.Add(status, "MoveUnit");
    if (!status.ok()) {
      ++result.moves_failed;
      continue;
    }
    result.moves.Record(absl::ToInt64Nanoseconds(took));

    bool good = true;
    if (after.parent() != to) {
      check_failed(
          absl::StrCat("move ", i, ": MoveUnit answered parent ", after.parent(), ", not ", to));
      good = false;
    }
    org::GetAncestorsRequest path_request;
    path_request.set_name(inner);
    org::GetAncestorsResponse path;
    auto path_context = NewContext(env.options);
    grpc::Status path_status = stub.GetAncestors(path_context.get(), path_request, &path);
    if (!path_status.ok()) {
      check_failed(
          absl::StrCat("move ", i, ": GetAncestors ", inner, ": ", path_status.error_message()));
      good = false;
    } else {
      bool names_to = false;
      bool names_from = false;
      for (const org::Unit& unit : path.ancestors()) {
        names_to |= unit.name() == to;
        names_from |= unit.name() == from;
      }
      if (!names_to || names_from) {
        check_failed(absl::StrCat("move ", i, ": ancestors of ", inner,
                                  names_to ? " still name " : " do not name ",
                                  names_to ? from : to));
        good = false;
      }
    }
    absl::StatusOr<int64_t> from_after = CountDescendants(stub, env.options, from);
    absl::StatusOr<int64_t> to_after = CountDescendants(stub, env.options, to);
    if (!from_after.ok() || !to_after.ok()) {
      check_failed(absl::StrCat("after move ", i, ": ",
                                (!from_after.ok() ? from_after : to_after).status().message()));
      good = false;
    } else if (*to_after != *to_before + subtree || *from_after != *from_before - subtree) {
      check_failed(absl::StrFormat(
          "move %d: descendants of %s went %d -> %d and of %s %d -> %d; expected ∓%d", i, from,
          *from_before, *from_after, to, *to_before, *to_after, subtree));
      good = false;
    }
    if (good) {
      ++result.moves_ok;
    } else {
      ++result.moves_failed;
    }
    std::swap(from, to);
  }
  result.seconds = absl::ToDoubleSeconds(absl::Now() - run_start);
  stop = true;
  for (std::thread& reader : readers) reader.join();
  for (int r = 0; r < reader_count; ++r) {
    result.reads.Merge(reader_latency[r]);
    result.reads_ok += reader_ok[r];
  }
  result.reads_failed = read_tally.failed();
  result.move_statuses = move_tally.Summary();
  result.read_statuses = read_tally.Summary();
  return result;
}

// --- Flags and output.

absl::StatusOr<std::string> ReadToken() {
  std::string token = absl::GetFlag(FLAGS_token);
  const std::string file = absl::GetFlag(FLAGS_token_file);
  if (!file.empty()) {
    if (!token.empty()) return absl::InvalidArgumentError("give --token or --token_file, not both");
    std::ifstream in(file);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read --token_file ", file));
    std::stringstream content;
    content << in.rdbuf();
    token = std::string(absl::StripAsciiWhitespace(content.str()));
    if (token.empty()) return absl::InvalidArgumentError(absl::StrCat(file, " is empty"));
  }
  return token;
}

// (method, weight) pairs from --method or --mix.
absl::StatusOr<std::vector<std::pair<std::string, int>>> ParseMethods() {
  const std::string method = absl::GetFlag(FLAGS_method);
  const std::string mix = absl::GetFlag(FLAGS_mix);
  if (method.empty() == mix.empty()) {
    return absl::InvalidArgumentError("give exactly one of --method and --mix");
  }
  if (!method.empty()) return std::vector<std::pair<std::string, int>>{{method, 1}};
  std::vector<std::pair<std::string, int>> methods;
  for (absl::string_view part : absl::StrSplit(mix, ',', absl::SkipWhitespace())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    int weight = 1;
    if (!kv.second.empty() && (!absl::SimpleAtoi(kv.second, &weight) || weight <= 0)) {
      return absl::InvalidArgumentError(absl::StrCat("--mix: bad weight in \"", part, "\""));
    }
    if (kv.first == "move") return absl::InvalidArgumentError("--mix: move runs alone");
    methods.emplace_back(std::string(absl::StripAsciiWhitespace(kv.first)), weight);
  }
  if (methods.empty()) return absl::InvalidArgumentError("--mix is empty");
  return methods;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "grpc_loadgen: %s\n", std::string(status.message()).c_str());
  return 2;
}

int Main() {
  if (absl::GetFlag(FLAGS_self_check)) {
    const bool good = LatencyHistogram::SelfCheck();
    std::printf("self_check: latency histogram percentiles %s\n",
                good ? "within 1% of the exact ones" : "WRONG");
    return good ? 0 : 1;
  }
  absl::StatusOr<std::vector<std::pair<std::string, int>>> methods = ParseMethods();
  if (!methods.ok()) return Fail(methods.status());
  absl::StatusOr<std::string> token = ReadToken();
  if (!token.ok()) return Fail(token.status());
  const int channel_count = std::max(1, absl::GetFlag(FLAGS_channels));
  const int in_flight = std::max(1, absl::GetFlag(FLAGS_in_flight));

  Env env;
  env.target = absl::GetFlag(FLAGS_target);
  env.options.token = *token;
  env.options.timeout = absl::GetFlag(FLAGS_call_timeout);
  std::optional<CallerSigner> signer;
  if (!absl::GetFlag(FLAGS_caller_key_file).empty()) {
    absl::StatusOr<CallerSigner> loaded =
        CallerSigner::FromFile(absl::GetFlag(FLAGS_caller_key_file));
    if (!loaded.ok()) return Fail(loaded.status());
    signer = *std::move(loaded);
  }
  env.signer = signer ? &*signer : nullptr;
  env.channels = MakeChannels(env.target, channel_count, env.signer);
  for (const auto& channel : env.channels) {
    if (!channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(10)))) {
      return Fail(absl::UnavailableError(absl::StrCat("cannot connect to ", env.target)));
    }
    env.org.push_back(org::OrgService::NewStub(channel));
    env.roster.push_back(roster::RosterService::NewStub(channel));
    env.null.push_back(v1::NullService::NewStub(channel));
    env.casework.push_back(casework::CaseworkService::NewStub(channel));
  }
  if (!absl::GetFlag(FLAGS_org_target).empty()) {
    env.setup_org_stub =
        org::OrgService::NewStub(MakeChannels(absl::GetFlag(FLAGS_org_target), 1, env.signer)[0]);
  }
  UnitResolver resolver(env);
  const std::string method_label =
      methods->size() == 1 ? methods->front().first : std::string("mix");
  const std::string name =
      absl::GetFlag(FLAGS_name).empty() ? method_label : absl::GetFlag(FLAGS_name);

  if (method_label == "move") {
    absl::StatusOr<MoveResult> move = RunMove(env, resolver);
    if (!move.ok()) return Fail(move.status());
    std::printf("%s: move %s: %lld moves (%lld ok, %lld failed) in %.2fs, checks failed: %lld\n",
                name.c_str(), env.target.c_str(), static_cast<long long>(move->attempted),
                static_cast<long long>(move->moves_ok), static_cast<long long>(move->moves_failed),
                move->seconds, static_cast<long long>(move->checks_failed));
    std::printf("  MoveUnit  %s   [%s]\n", LatencySummary(move->moves).c_str(),
                move->move_statuses.c_str());
    std::printf("  readers   %lld reads, %s   [%s]\n", static_cast<long long>(move->reads_ok),
                LatencySummary(move->reads).c_str(), move->read_statuses.c_str());
    BenchFields fields = StandardBenchFields(name, "move", move->moves_ok, move->moves_failed,
                                             move->seconds, move->moves, 0);
    fields.emplace_back("read_max_us", FormatMicros(move->reads.max()));
    fields.emplace_back("read_p999_us", FormatMicros(move->reads.ValueAtPercentile(99.9)));
    fields.emplace_back("reads", absl::StrCat(move->reads_ok));
    fields.emplace_back("checks_failed", absl::StrCat(move->checks_failed));
    std::printf("%s\n", FormatBenchLine(fields).c_str());
    std::fflush(stdout);
    return move->moves_failed == 0 && move->reads_failed == 0 ? 0 : 1;
  }

  const int slots = channel_count * in_flight;
  std::vector<std::unique_ptr<MethodState>> states;
  std::vector<CallKind> kinds;
  for (const auto& [method, weight] : *methods) {
    if (method == "move") return Fail(absl::InvalidArgumentError("move runs alone"));
    states.push_back(std::make_unique<MethodState>());
    absl::StatusOr<CallKind> kind = MakeKind(env, resolver, method, weight, slots, *states.back());
    if (!kind.ok()) return Fail(kind.status());
    kinds.push_back(*std::move(kind));
  }

  LoadOptions load{.channels = channel_count,
                   .in_flight = in_flight,
                   .warmup = absl::GetFlag(FLAGS_warmup),
                   .duration = absl::GetFlag(FLAGS_duration)};
  if (absl::GetFlag(FLAGS_calls) > 0) load.calls = absl::GetFlag(FLAGS_calls);
  LoadResult result = RunLoad(load, kinds);

  std::printf("%s: %s at %s, %d channels × %d in flight, %s %.2fs\n", name.c_str(),
              methods->size() == 1 ? method_label.c_str() : absl::GetFlag(FLAGS_mix).c_str(),
              env.target.c_str(), channel_count, in_flight,
              load.calls ? "all calls in" : "measured", result.seconds);
  for (const KindResult& kind : result.kinds) {
    std::printf("  %-18s ok=%lld failed=%lld qps=%s items/s=%s  %s\n", kind.name.c_str(),
                static_cast<long long>(kind.ok), static_cast<long long>(kind.failed),
                FormatRate(kind.ok / std::max(result.seconds, 1e-9)).c_str(),
                FormatRate(kind.items / std::max(result.seconds, 1e-9)).c_str(),
                LatencySummary(kind.latency).c_str());
  }
  std::printf("  statuses (warm-up and drain included): %s\n", result.status_summary.c_str());
  std::printf("%s\n", FormatBenchLine(StandardBenchFields(name, method_label, result.total.ok,
                                                          result.total.failed, result.seconds,
                                                          result.total.latency, result.total.items))
                          .c_str());
  std::fflush(stdout);
  return result.total.failed == 0 ? 0 : 1;
}

}  // namespace
}  // namespace grassroots::bench

int main(int argc, char** argv) {
  // The large pages it reads (ListIssues, ListRoles) are freed as often as
  // a server frees them: the same heap settings, so that the client's page
  // faults do not pass for the server's latency.
  grassroots::KeepHeapForLargeMessages();
  absl::SetProgramUsageMessage(
      "Load generator for the grassroots services, the gateway and the null RPC.\n"
      "  grpc_loadgen --target=HOST:PORT --method=M [--token_file=F] [--channels=N "
      "--in_flight=N] [--duration=5s|--calls=N]");
  absl::ParseCommandLine(argc, argv);
  return grassroots::bench::Main();
}
