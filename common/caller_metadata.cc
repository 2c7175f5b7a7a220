#include "common/caller_metadata.h"

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/support/client_interceptor.h"

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

namespace {

// Signs calls as one caller unless they already carry a caller's headers
// (the gateway forwards its users' calls with their own).
class CallerSigningInterceptor final : public grpc::experimental::Interceptor {
 public:
  CallerSigningInterceptor(const CallerSigner* signer, const Caller* caller)
      : signer_(signer), caller_(caller) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      std::multimap<std::string, std::string>* metadata = methods->GetSendInitialMetadata();
      if (metadata->find(kCallerSignatureKey) == metadata->end()) {
        const SignedCaller values = signer_->Sign(*caller_, absl::Now());
        metadata->insert({kCallerPrincipalKey, values.principal});
        metadata->insert({kCallerPersonalDataKey, values.personal_data});
        metadata->insert({kCallerIssuedKey, values.issued_ms});
        metadata->insert({kCallerSignatureKey, values.signature});
      }
    }
    methods->Proceed();
  }

 private:
  const CallerSigner* const signer_;
  const Caller* const caller_;
};

class SigningInterceptorFactory final
    : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  SigningInterceptorFactory(CallerSigner signer, Caller caller)
      : signer_(std::move(signer)), caller_(std::move(caller)) {}
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* /*info*/) override {
    return new CallerSigningInterceptor(&signer_, &caller_);
  }

 private:
  const CallerSigner signer_;
  const Caller caller_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> SigningInterceptor(
    CallerSigner signer, Caller caller) {
  return std::make_unique<SigningInterceptorFactory>(std::move(signer), std::move(caller));
}

std::shared_ptr<grpc::Channel> CreateSignedChannel(
    const std::string& address, const std::shared_ptr<grpc::ChannelCredentials>& credentials,
    const grpc::ChannelArguments& args, CallerSigner signer, Caller caller) {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> factories;
  factories.push_back(SigningInterceptor(std::move(signer), std::move(caller)));
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, args,
                                                                 std::move(factories));
}

absl::StatusOr<CallerVerifier> CallerVerifier::FromKeyFile(const std::string& path,
                                                           Options options) {
  if (path.empty()) {
    return absl::InvalidArgumentError(
        "--caller_key_file is required: the service admits only calls signed with the key it "
        "shares with the gateway");
  }
  absl::StatusOr<CallerSigner> signer = CallerSigner::FromFile(path);
  if (!signer.ok()) return signer.status();
  return CallerVerifier(*std::move(signer), options);
}

absl::StatusOr<Caller> CallerVerifier::Admit(const grpc::ServerContextBase& context,
                                             CallAccess access) const {
  const auto& metadata = context.client_metadata();
  const SignedCaller values{.principal = SingleValue(metadata, kCallerPrincipalKey),
                            .personal_data = SingleValue(metadata, kCallerPersonalDataKey),
                            .issued_ms = SingleValue(metadata, kCallerIssuedKey),
                            .signature = SingleValue(metadata, kCallerSignatureKey)};
  std::optional<Caller> caller;
  if (signer_ && !values.signature.empty()) caller = signer_->Verify(values, absl::Now());
  if (!caller) {
    if (!options_.unsigned_reads || access != CallAccess::kRead) {
      return absl::UnauthenticatedError(
          values.signature.empty()
              ? "the call is not signed: the service answers only calls the gateway signs "
                "(call it through the gateway)"
              : "the call's signature does not verify (wrong key, altered or stale headers)");
    }
    caller = Caller{};  // anonymous: personal data masked
  } else if (access == CallAccess::kWrite && IsServicePrincipal(caller->principal)) {
    return absl::PermissionDeniedError(
        absl::StrCat("service principal ", caller->principal, " may read but not write"));
  }
  // gRPC reports "no deadline" as the largest time point.
  if (context.deadline() != std::chrono::system_clock::time_point::max()) {
    caller->deadline = absl::FromChrono(context.deadline());
  }
  return *std::move(caller);
}

}  // namespace grassroots
