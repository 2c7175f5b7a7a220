#ifndef GRASSROOTS_DEMO_DEMO_LOADER_H_
#define GRASSROOTS_DEMO_DEMO_LOADER_H_

// Loads a DemoDistrict through the gateway (or straight into the services):
// units level by level and party organisations by depth, each level in
// parallel; then the people, their memberships and roles through the bulk
// import; then the double-reporting registrations. Creates carry request
// ids, so a second load with the same prefix finds what the first made; a
// throttled call is tried again (common/throttle_retry.h).
//
// The caller supplies the stubs, how each call is prepared (credentials and
// deadline) and where progress goes; the loader has no output of its own.
// The stubs must be safe to call from several threads (gRPC's are).

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "demo/demo_district.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace grassroots::demo {

struct LoadOptions {
  // Calls in flight while loading units, organisations and registrations.
  int threads = 8;
  // Load the units and party organisations only, no people.
  bool units_only = false;
  // Request ids are `prefix` + "u" or "o" + the index.
  std::string request_id_prefix = "demo-";
};

// Sets credentials and, when `unary`, the deadline on a call's context.
using PrepareCall = std::function<void(grpc::ClientContext& context, bool unary)>;

// Reports progress: `phase` names what is counted ("units and
// organisations", "people", "registrations"), `done` of `total`. Called
// from the loading threads, one call at a time; a new phase starts with a
// new name.
using LoadProgress = std::function<void(absl::string_view phase, int64_t done, int64_t total)>;

struct LoadResult {
  // Resource names, by index into the district's units and party_orgs.
  std::vector<std::string> units;
  std::vector<std::string> party_orgs;
  std::vector<std::string> external_orgs;
  absl::Duration units_time;   // units and organisations
  absl::Duration people_time;  // the import
  // The issues (by index into the district's issues) and how long their
  // import took; how many rows were new and how many imported before.
  std::vector<std::string> issues;
  absl::Duration issues_time;
  int64_t issues_imported = 0;
  int64_t issues_unchanged = 0;
  // The import's reply: counts, and the rows refused. Registrations are
  // loaded only when no row was refused.
  roster::v1::ImportPeopleResponse import;
};

// Loads `district`. The first failed call stops the load and is returned
// (already created resources stay); refused people import rows are not a
// failure but are in `result->import.errors()`. `result` is filled as far
// as the load went.
//
// The issues, when `casework` is given, come after the units: ImportIssues
// of at most 1,000 rows a call (the calls in parallel), their times
// relative to the start of the load (to the second), each row keyed by its
// external_key, so that a second load changes nothing. A refused issue row
// is a failure (INTERNAL naming the row's field and message): the demo's
// rows are all valid.
grpc::Status LoadDemoDistrict(const DemoDistrict& district, org::v1::OrgService::StubInterface& org,
                              roster::v1::RosterService::StubInterface& roster,
                              casework::v1::CaseworkService::StubInterface* casework,
                              const PrepareCall& prepare, const LoadProgress& progress,
                              const LoadOptions& options, LoadResult* result);

}  // namespace grassroots::demo

#endif  // GRASSROOTS_DEMO_DEMO_LOADER_H_
