#include "gateway/gatekeeper.h"

#include <grpc/grpc_security_constants.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/personal_data.h"
#include "gateway/access_log.h"

namespace grassroots::gateway {
namespace {

std::optional<absl::string_view> OnlyValue(const grpc::ServerContextBase& context,
                                           const char* key) {
  const auto& metadata = context.client_metadata();
  auto [begin, end] = metadata.equal_range(key);
  if (begin == end || std::next(begin) != end) return std::nullopt;
  return absl::string_view(begin->second.data(), begin->second.size());
}

// The common name of the client certificate the TLS handshake verified;
// empty without one (plaintext, or TLS without a client certificate).
std::string VerifiedCertificateName(const grpc::ServerContextBase& context) {
  std::shared_ptr<const grpc::AuthContext> auth = context.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return "";
  const std::vector<grpc::string_ref> names = auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME);
  if (names.size() != 1) return "";
  return std::string(names[0].data(), names[0].size());
}

}  // namespace

absl::Status Gatekeeper::Unauthenticated(absl::string_view peer, absl::string_view message) {
  if (failures_ != nullptr) failures_->Take(peer, clock_->Now());
  return absl::UnauthenticatedError(message);
}

absl::StatusOr<Principal> Gatekeeper::Admit(grpc::ServerContextBase& context, Action action,
                                            absl::string_view method, std::string* who) {
  // Every connection of one machine shares its ration of failures.
  const std::string peer(PeerHost(context.peer()));
  if (failures_ != nullptr && !failures_->Has(peer, clock_->Now())) {
    context.AddTrailingMetadata(
        kRetryAfterKey,
        absl::StrCat(static_cast<int64_t>(1000 / std::max(failures_->rate().per_second, 1e-3))));
    return absl::ResourceExhaustedError(
        "authorization: too many failed attempts from your address; wait before trying again");
  }
  std::optional<absl::string_view> header = OnlyValue(context, "authorization");
  std::optional<Principal> principal;
  if (!header) {
    // No token: a client certificate the TLS handshake verified may stand
    // for one (`cn:` lines of the tokens file).
    const std::string common_name = VerifiedCertificateName(context);
    if (common_name.empty()) {
      return Unauthenticated(
          peer, "authorization: missing; send the metadata `authorization: Bearer <token>`");
    }
    principal = tokens_->AuthenticateCertificate(common_name, absl::Now());
    if (!principal) {
      return Unauthenticated(peer, "authorization: no principal for your client certificate");
    }
  } else {
    absl::string_view value = absl::StripAsciiWhitespace(*header);
    if (!absl::StartsWithIgnoreCase(value, "bearer ")) {
      return Unauthenticated(peer, "authorization: expected `Bearer <token>`");
    }
    principal = tokens_->Authenticate(absl::StripAsciiWhitespace(value.substr(7)), absl::Now());
    // An expired token is as unknown as a wrong one: the answer says
    // nothing of which tokens once existed.
    if (!principal) return Unauthenticated(peer, "authorization: unknown token");
  }
  if (who != nullptr) *who = principal->name;

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
