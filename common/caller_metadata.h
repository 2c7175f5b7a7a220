#ifndef GRASSROOTS_COMMON_CALLER_METADATA_H_
#define GRASSROOTS_COMMON_CALLER_METADATA_H_

// Signed caller claims (common/caller_signature.h) on gRPC calls: the
// gateway attaches them to each call it forwards; the services read them.

#include <grpcpp/grpcpp.h>

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "common/caller_signature.h"

namespace grassroots {

// Adds `caller`, signed now, to an outgoing call.
void AttachCaller(const CallerSigner& signer, const Caller& caller, grpc::ClientContext& context);

// Who a call is from, as a service can verify it.
//
// Without a key every caller is anonymous. With one, a call whose caller
// headers carry a valid signature acts for the principal they name; any
// other call — unsigned, forged or stale — is anonymous: it still works,
// but sees personal data masked and is recorded as "anonymous" in events.
//
// Immutable, so thread-safe.
class CallerVerifier {
 public:
  CallerVerifier() = default;
  explicit CallerVerifier(CallerSigner signer) : signer_(std::move(signer)) {}

  // From the key file a server was given (--caller_key_file); an empty path
  // trusts no one. Errors as CallerSigner::FromFile.
  static absl::StatusOr<CallerVerifier> FromKeyFile(const std::string& path);

  // The verified caller, with the call's deadline.
  Caller FromContext(const grpc::ServerContextBase& context) const;

 private:
  Caller VerifiedCaller(const grpc::ServerContextBase& context) const;

  std::optional<CallerSigner> signer_;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CALLER_METADATA_H_
