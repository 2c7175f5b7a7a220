#include "common/caller_metadata.h"

#include <chrono>
#include <string>

#include "absl/time/clock.h"

namespace grassroots {
namespace {

// The single value of `key`, or empty when it is absent or repeated (a
// repeated header is not something our signer sends).
std::string SingleValue(const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
                        const char* key) {
  auto [begin, end] = metadata.equal_range(key);
  if (begin == end || std::next(begin) != end) return "";
  return std::string(begin->second.data(), begin->second.size());
}

}  // namespace

void AttachCaller(const CallerSigner& signer, const Caller& caller, grpc::ClientContext& context) {
  const SignedCaller values = signer.Sign(caller, absl::Now());
  context.AddMetadata(kCallerPrincipalKey, values.principal);
  context.AddMetadata(kCallerPersonalDataKey, values.personal_data);
  context.AddMetadata(kCallerIssuedKey, values.issued_ms);
  context.AddMetadata(kCallerSignatureKey, values.signature);
}

absl::StatusOr<CallerVerifier> CallerVerifier::FromKeyFile(const std::string& path) {
  if (path.empty()) return CallerVerifier();
  absl::StatusOr<CallerSigner> signer = CallerSigner::FromFile(path);
  if (!signer.ok()) return signer.status();
  return CallerVerifier(*std::move(signer));
}

Caller CallerVerifier::FromContext(const grpc::ServerContextBase& context) const {
  Caller caller = VerifiedCaller(context);
  // gRPC reports "no deadline" as the largest time point.
  if (context.deadline() != std::chrono::system_clock::time_point::max()) {
    caller.deadline = absl::FromChrono(context.deadline());
  }
  return caller;
}

Caller CallerVerifier::VerifiedCaller(const grpc::ServerContextBase& context) const {
  if (!signer_) return Caller{};
  const auto& metadata = context.client_metadata();
  const SignedCaller values{.principal = SingleValue(metadata, kCallerPrincipalKey),
                            .personal_data = SingleValue(metadata, kCallerPersonalDataKey),
                            .issued_ms = SingleValue(metadata, kCallerIssuedKey),
                            .signature = SingleValue(metadata, kCallerSignatureKey)};
  if (values.signature.empty()) return Caller{};
  return signer_->Verify(values, absl::Now()).value_or(Caller{});
}

}  // namespace grassroots
