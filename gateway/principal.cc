#include "gateway/principal.h"

#include "absl/strings/str_cat.h"

namespace grassroots::gateway {

absl::string_view AccessRoleName(AccessRole role) {
  switch (role) {
    case AccessRole::kViewer:
      return "VIEWER";
    case AccessRole::kEditor:
      return "EDITOR";
    case AccessRole::kAdmin:
      return "ADMIN";
    case AccessRole::kAuditor:
      return "AUDITOR";
  }
  return "VIEWER";
}

std::optional<AccessRole> ParseAccessRoleName(absl::string_view name) {
  for (AccessRole role :
       {AccessRole::kViewer, AccessRole::kEditor, AccessRole::kAdmin, AccessRole::kAuditor}) {
    if (AccessRoleName(role) == name) return role;
  }
  return std::nullopt;
}

absl::string_view ActionName(Action action) {
  switch (action) {
    case Action::kRead:
      return "read";
    case Action::kWrite:
      return "write";
    case Action::kManage:
      return "move, delete or undelete";
  }
  return "read";
}

bool RoleAllows(AccessRole role, Action action) {
  switch (action) {
    case Action::kRead:
      return true;
    case Action::kWrite:
      return role == AccessRole::kEditor || role == AccessRole::kAdmin;
    case Action::kManage:
      return role == AccessRole::kAdmin;
  }
  return false;
}

std::string Principal::ScopeName() const {
  return scope_unit ? absl::StrCat("units/", *scope_unit) : "*";
}

}  // namespace grassroots::gateway
