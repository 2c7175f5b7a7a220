#ifndef GRASSROOTS_GATEWAY_AGGREGATES_H_
#define GRASSROOTS_GATEWAY_AGGREGATES_H_

// Answers that no single service can give, assembled from both: a
// compound's profile and a unit's path with the secretary at each level.
//
// Every call is made as the caller (signed), so personal data comes back
// masked or not exactly as the caller may see it. The calls block: run
// these on the worker pool, never on a gRPC callback thread.

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "gateway/principal.h"
#include "gateway/scope_checker.h"
#include "grassroots/gateway/v1/gateway_service.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

namespace grassroots::gateway {

// Thread-safe; nothing is owned.
class Aggregator {
 public:
  Aggregator(org::v1::OrgService::Stub* org, roster::v1::RosterService::Stub* roster,
             const CallerSigner* signer, const ScopeChecker* checker)
      : org_(org), roster_(roster), signer_(signer), checker_(checker) {}

  // INVALID_ARGUMENT for a malformed name or a unit that is not a compound;
  // PERMISSION_DENIED outside the scope; errors of the services otherwise.
  absl::StatusOr<v1::CompoundProfile> CompoundProfile(const Principal& principal,
                                                      const std::string& name,
                                                      absl::Time deadline) const;

  // The levels from the topmost in scope down to the unit.
  absl::StatusOr<v1::UnitPath> UnitPath(const Principal& principal, const std::string& name,
                                        absl::Time deadline) const;

 private:
  class Calls;

  // INVALID_ARGUMENT for a malformed `name`; PERMISSION_DENIED outside the
  // scope.
  absl::Status CheckUnitInScope(const Principal& principal, const std::string& name,
                                absl::Time deadline) const;

  org::v1::OrgService::Stub* const org_;
  roster::v1::RosterService::Stub* const roster_;
  const CallerSigner* const signer_;
  const ScopeChecker* const checker_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_AGGREGATES_H_
