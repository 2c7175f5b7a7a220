#ifndef GRASSROOTS_AUDIT_AUDIT_READER_H_
#define GRASSROOTS_AUDIT_AUDIT_READER_H_

// Reads what the audit needs through the gateway (or straight from the
// services), streaming and paging, each service at one pinned revision: the
// first answer of each fixes the revision and every later page is read at
// it, so a run can be reproduced and two runs compared exactly.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "audit/audit_model.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace grassroots::audit {

struct AuditReadOptions {
  // `units/{id}`: the subtree to audit (a district for the whole of it).
  std::string root;
  absl::CivilDay today;
  // When the audit runs (AuditInput::audit_time).
  absl::Time audit_time = absl::InfinitePast();
  // Makes the context of each call: the token and a deadline (`stream`:
  // for the subtree's stream, which may carry a whole city). Called from
  // several threads at once: the services' parts are read in parallel.
  std::function<std::unique_ptr<grpc::ClientContext>(bool stream)> new_context;
  int32_t page_size = 1000;
};

// Errors as the services return them (PERMISSION_DENIED outside the
// caller's scope, UNAVAILABLE, ...), and INVALID_ARGUMENT for a malformed
// root.
//
// The casework part: every issue at or below the root (ListIssues with the
// root as `place`, 1,000 a page, the first page pinning the casework
// revision), then the dispatches of the open issues handled by a street or
// the district (ListDispatches, one call an issue, at that revision).
absl::StatusOr<AuditInput> ReadAuditInput(org::v1::OrgService::StubInterface& org,
                                          roster::v1::RosterService::StubInterface& roster,
                                          casework::v1::CaseworkService::StubInterface& casework,
                                          const AuditReadOptions& options);

}  // namespace grassroots::audit

#endif  // GRASSROOTS_AUDIT_AUDIT_READER_H_
