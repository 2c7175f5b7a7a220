#include "gateway/backends.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/caller_metadata.h"
#include "common/grpc_probe.h"
#include "common/reconnect.h"

namespace grassroots::gateway {

std::string RetryServiceConfig(const RouteTable& routes, Backend backend) {
  std::vector<std::string> names;
  for (const Route& route : routes.routes()) {
    if (route.backend != backend || route.action != Action::kRead) continue;
    // "/package.Service/Method" → {"service": "package.Service", "method": "Method"}
    const size_t slash = route.method.rfind('/');
    names.push_back(absl::StrCat(R"({"service":")", route.method.substr(1, slash - 1),
                                 R"(","method":")", route.method.substr(slash + 1), R"("})"));
  }
  // Reads only: a write retried after an ambiguous UNAVAILABLE could apply
  // twice (creates carry request ids, but not every write does).
  return absl::StrCat(R"({"methodConfig":[{"name":[)", absl::StrJoin(names, ","),
                      R"(],"retryPolicy":{"maxAttempts":4,"initialBackoff":"0.05s",)",
                      R"("maxBackoff":"1s","backoffMultiplier":2,)",
                      R"("retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

absl::StatusOr<Backends> ConnectBackends(const BackendOptions& options, const RouteTable& routes) {
  absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
      ChannelCredentialsFrom(options.tls);
  if (!credentials.ok()) return credentials.status();
  auto connect = [&](const std::string& address, Backend backend) {
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(options.max_message_bytes);
    args.SetMaxSendMessageSize(options.max_message_bytes);
    args.SetServiceConfigJSON(RetryServiceConfig(routes, backend));
    UseQuickReconnect(args);
    return CreateSignedChannel(
        address, *credentials, args, *options.signer,
        Caller{.principal = absl::StrCat(kServicePrincipalPrefix, "gateway")});
  };
  return Backends{.org = connect(options.org_address, Backend::kOrg),
                  .roster = connect(options.roster_address, Backend::kRoster),
                  .casework = options.casework_address.empty()
                                  ? nullptr
                                  : connect(options.casework_address, Backend::kCasework),
                  .activity = options.activity_address.empty()
                                  ? nullptr
                                  : connect(options.activity_address, Backend::kActivity)};
}

bool BackendsServing(const Backends& backends, absl::Duration timeout) {
  for (const auto& channel :
       {backends.org, backends.roster, backends.casework, backends.activity}) {
    if (channel == nullptr) continue;  // a backend not configured
    absl::StatusOr<HealthStatus> health = CheckHealth(channel, "", timeout);
    if (!health.ok() || *health != HealthStatus::kServing) return false;
  }
  return true;
}

}  // namespace grassroots::gateway
