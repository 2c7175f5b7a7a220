#ifndef GRASSROOTS_COMMON_CALLER_METADATA_H_
#define GRASSROOTS_COMMON_CALLER_METADATA_H_

// Signed caller claims (common/caller_signature.h) on gRPC calls: the
// gateway attaches them to each call it forwards, internal clients (the
// roster's calls to the org service, the gateway's own lookups) sign theirs
// as a service principal, and the services admit only what verifies.

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/caller.h"
#include "common/caller_signature.h"

namespace grassroots {

// Adds `caller`, signed now, to an outgoing call.
void AttachCaller(const CallerSigner& signer, const Caller& caller, grpc::ClientContext& context);

// Signs every call that does not already carry a caller (AttachCaller) as
// `caller`: for a channel of an internal client.
std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptor(
    CallerSigner signer, Caller caller);

// A channel with SigningInterceptor: how an internal client reaches a
// service.
std::shared_ptr<grpc::Channel> CreateSignedChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& args, CallerSigner signer, Caller caller);

// What a call may do once admitted.
enum class CallAccess { kRead, kWrite };

// Who a call is from, as a service can verify it, and whether it may go on.
//
// A call whose caller headers carry a valid signature acts for the
// principal they name (a service principal only reads). Any other call —
// unsigned, forged or stale — is refused with UNAUTHENTICATED: only health
// checks and reflection, which the services serve outside their handlers,
// answer it. With `unsigned_reads` (a flag for tools and tests, off by
// default) such a call may read as "anonymous", personal data masked.
//
// Immutable, so thread-safe.
struct CallerVerifierOptions {
  // Let unsigned calls read, as "anonymous" with personal data masked.
  bool unsigned_reads = false;
};

class CallerVerifier {
 public:
  using Options = CallerVerifierOptions;

  // Trusts no one: every call is refused (or an anonymous read).
  CallerVerifier() = default;
  explicit CallerVerifier(CallerSigner signer, Options options = {})
      : signer_(std::move(signer)), options_(options) {}

  // From the key file a server was given (--caller_key_file). Errors as
  // CallerSigner::FromFile; an empty path is INVALID_ARGUMENT (a service
  // without the key could admit no one).
  static absl::StatusOr<CallerVerifier> FromKeyFile(const std::string& path, Options options = {});

  // The caller a call acts for, with its deadline, when it may have
  // `access`: UNAUTHENTICATED when its signature is missing or does not
  // verify, PERMISSION_DENIED for a write by a service principal.
  absl::StatusOr<Caller> Admit(const grpc::ServerContextBase& context, CallAccess access) const;

  // The key's signer, for the service's own calls to others; nullopt
  // without a key.
  const std::optional<CallerSigner>& signer() const { return signer_; }

 private:
  std::optional<CallerSigner> signer_;
  Options options_;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CALLER_METADATA_H_
