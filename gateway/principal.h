#ifndef GRASSROOTS_GATEWAY_PRINCIPAL_H_
#define GRASSROOTS_GATEWAY_PRINCIPAL_H_

// Who a token belongs to and what they may do: a role (which kinds of call)
// and a scope (where).

#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::gateway {

// What a role may do. Each role includes the one before it, except AUDITOR,
// which reads like VIEWER (its scope is normally the whole district).
enum class AccessRole : int8_t {
  kViewer,   // reads
  kEditor,   // reads; creates and changes
  kAdmin,    // also moves, deletes, undeletes; manages everything
  kAuditor,  // reads, events included, for the nightly audits
};

absl::string_view AccessRoleName(AccessRole role);  // "VIEWER"
std::optional<AccessRole> ParseAccessRoleName(absl::string_view name);

// The kinds of call, for the role check.
enum class Action : int8_t {
  kRead,    // Get, List, Count, events, ...
  kWrite,   // Create, Update, Assign, Transfer, Import, End...
  kManage,  // Move, Delete, Undelete
};

absl::string_view ActionName(Action action);  // "read", "write", ...

// Whether `role` may take `action` at all; where is the scope's business.
bool RoleAllows(AccessRole role, Action action);

struct Principal {
  std::string name;
  AccessRole role = AccessRole::kViewer;
  // The unit whose subtree the principal may see and touch; nullopt for
  // every district ("*" in the tokens file).
  std::optional<int64_t> scope_unit;
  bool may_see_personal_data = false;
  // When the token stops being accepted (the tokens file's `expires=`).
  absl::Time expires = absl::InfiniteFuture();

  // "units/7" or "*".
  std::string ScopeName() const;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_PRINCIPAL_H_
