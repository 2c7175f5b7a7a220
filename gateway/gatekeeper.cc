#include "gateway/gatekeeper.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/personal_data.h"

namespace grassroots::gateway {
namespace {

std::optional<absl::string_view> OnlyValue(const grpc::ServerContextBase& context,
                                           const char* key) {
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(key);
  if (begin == end || std::next(begin) != end) return std::nullopt;
  return absl::string_view(begin->second.data(), begin->second.size());
}

}  // namespace

absl::StatusOr<Principal> Gatekeeper::Admit(grpc::ServerContextBase& context, Action action,
                                            absl::string_view method) {
  std::optional<absl::string_view> header = OnlyValue(context, "authorization");
  if (!header) {
    return absl::UnauthenticatedError(
        "authorization: missing; send the metadata `authorization: Bearer <token>`");
  }
  absl::string_view value = absl::StripAsciiWhitespace(*header);
  if (!absl::StartsWithIgnoreCase(value, "bearer ")) {
    return absl::UnauthenticatedError("authorization: expected `Bearer <token>`");
  }
  std::optional<Principal> principal =
      tokens_->Authenticate(absl::StripAsciiWhitespace(value.substr(7)));
  if (!principal) return absl::UnauthenticatedError("authorization: unknown token");

  absl::Duration retry_after;
  if (absl::Status s = limiter_->Admit(principal->name, &retry_after); !s.ok()) {
    context.AddTrailingMetadata(kRetryAfterKey,
                                absl::StrCat(absl::ToInt64Milliseconds(retry_after)));
    return s;
  }
  if (!RoleAllows(principal->role, action)) {
    return absl::PermissionDeniedError(absl::StrCat("role ", AccessRoleName(principal->role),
                                                    " may not ", ActionName(action), " (", method,
                                                    ")"));
  }
  return *std::move(principal);
}

std::string RequestIdOf(const grpc::ServerContextBase& context) {
  if (std::optional<absl::string_view> id = OnlyValue(context, kRequestIdKey)) {
    bool usable = !id->empty() && id->size() <= 64;
    for (char c : *id) usable = usable && c > ' ' && c < 127;
    // The id is written to the access log and sent on to the services: one
    // that holds personal data, or the caller's own token, is replaced.
    usable = usable && !ContainsPersonalData(*id);
    if (std::optional<absl::string_view> auth = OnlyValue(context, "authorization");
        usable && auth) {
      absl::string_view token = absl::StripAsciiWhitespace(*auth);
      if (absl::StartsWithIgnoreCase(token, "bearer ")) {
        token = absl::StripAsciiWhitespace(token.substr(7));
      }
      usable = token.empty() || !absl::StrContains(*id, token);
    }
    if (usable) return std::string(*id);
  }
  return RandomHex(8);
}

}  // namespace grassroots::gateway
