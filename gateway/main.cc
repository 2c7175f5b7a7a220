// gateway: the one endpoint clients use. Wiring only: flags, the tokens, the
// backend channels, the replica of the hierarchy for scope checks, the
// forwarder and the gateway's own service, health, and an orderly shutdown.

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/caller_signature.h"
#include "common/clock.h"
#include "common/file_util.h"
#include "common/server_runner.h"
#include "common/tls_credentials.h"
#include "common/token_buckets.h"
#include "gateway/access_log.h"
#include "gateway/aggregates.h"
#include "gateway/backends.h"
#include "gateway/forwarder.h"
#include "gateway/gatekeeper.h"
#include "gateway/gateway_service.h"
#include "gateway/rate_limiter.h"
#include "gateway/routes.h"
#include "gateway/scope_checker.h"
#include "gateway/token_store.h"
#include "gateway/worker_pool.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "org_client/org_replica.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50050", "Address to serve on; port 0 picks one.");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written there once serving.");
ABSL_FLAG(std::string, org_service, "127.0.0.1:50051", "Address of the org service.");
ABSL_FLAG(std::string, roster_service, "127.0.0.1:50052", "Address of the roster service.");
ABSL_FLAG(std::string, casework_address, "",
          "Address of the casework service (scripts/run_suite.sh: 127.0.0.1:50054); empty: none, "
          "and its methods answer UNAVAILABLE.");
ABSL_FLAG(std::string, activity_address, "",
          "Address of the activity service (scripts/run_suite.sh: 127.0.0.1:50055); empty: none, "
          "and its methods answer UNAVAILABLE.");
ABSL_FLAG(std::string, tokens_file, "",
          "Required. The accepted tokens as SHA-256 hashes with principal, role, scope and "
          "grant (see gateway/token_store.h). Reloaded on SIGHUP.");
ABSL_FLAG(std::string, caller_key_file, "",
          "Required. The key shared with the services, to sign who each call is for: they "
          "admit nothing unsigned.");
ABSL_FLAG(std::string, tls_cert, "", "PEM certificate chain: serve TLS (with --tls_key).");
ABSL_FLAG(std::string, tls_key, "", "PEM private key for --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM roots of client certificates: a client that sends no token may present one "
          "signed by them, mapped to a principal by a `cn:` line of the tokens file.");
ABSL_FLAG(std::string, backend_tls_ca, "",
          "PEM roots for TLS to the services; plaintext if empty.");
ABSL_FLAG(std::string, backend_tls_cert, "",
          "PEM certificate the gateway presents to the services (mutual TLS; with "
          "--backend_tls_key and --backend_tls_ca).");
ABSL_FLAG(std::string, backend_tls_key, "", "PEM private key of --backend_tls_cert.");
ABSL_FLAG(int, max_message_bytes, 4 * 1024 * 1024,
          "Largest message accepted from clients and services.");
ABSL_FLAG(double, rate_limit_qps, 500, "Calls per second per principal; 0: no limit.");
ABSL_FLAG(double, rate_limit_burst, 1000, "Calls a principal may make at once.");
ABSL_FLAG(double, auth_failures_per_second, 1,
          "Failed authentications a peer address may make per second (after the burst); 0: no "
          "limit.");
ABSL_FLAG(double, auth_failure_burst, 20,
          "Failed authentications a peer address may make at once.");
ABSL_FLAG(std::string, access_log, "-", "Where the access log goes; - for stderr.");
ABSL_FLAG(std::string, security_log, "-",
          "Where the security log goes (every refused call and uniqueness conflict, with "
          "principal, method, resource and reason); - for stderr.");
ABSL_FLAG(absl::Duration, lookup_timeout, absl::Seconds(2),
          "Deadline of each lookup a scope check makes at a service.");
ABSL_FLAG(absl::Duration, max_unary_deadline, absl::Seconds(30),
          "The longest a unary call may take at its service.");
ABSL_FLAG(int, worker_threads, 8, "Threads for scope lookups and aggregates.");
ABSL_FLAG(absl::Duration, health_interval, absl::Seconds(1), "How often the services are probed.");

namespace {

namespace gw = ::grassroots::gateway;

int Fail(const std::string& message) {
  std::fprintf(stderr, "gateway: %s\n", message.c_str());
  return 1;
}

// The scope checker's view of the org replica.
class ReplicaView final : public gw::HierarchyView {
 public:
  explicit ReplicaView(const grassroots::org_client::OrgReplica* replica) : replica_(replica) {}
  std::optional<bool> IsWithin(int64_t unit_id, int64_t ancestor_id) const override {
    return replica_->IsWithin(unit_id, ancestor_id);
  }
  std::optional<std::vector<int64_t>> UnitsOf(int64_t org_id) const override {
    return replica_->UnitsOf(org_id);
  }

 private:
  const grassroots::org_client::OrgReplica* const replica_;
};

}  // namespace

int main(int argc, char** argv) {
  grassroots::PrepareServerProcess();
  absl::SetProgramUsageMessage(
      "Serves the org, roster, casework and activity APIs to clients, with authentication and "
      "subtree-scoped "
      "authorisation.\n  gateway --tokens_file=F --caller_key_file=K [--listen=HOST:PORT]");
  absl::ParseCommandLine(argc, argv);

  if (absl::GetFlag(FLAGS_tokens_file).empty()) return Fail("--tokens_file is required");
  auto tokens = gw::TokenStore::Open(absl::GetFlag(FLAGS_tokens_file));
  if (!tokens.ok()) return Fail(std::string(tokens.status().message()));
  if (absl::GetFlag(FLAGS_caller_key_file).empty()) {
    return Fail("--caller_key_file is required: the services admit only calls signed with it");
  }
  auto signer = grassroots::CallerSigner::FromFile(absl::GetFlag(FLAGS_caller_key_file));
  if (!signer.ok()) return Fail(std::string(signer.status().message()));
  auto server_credentials =
      grassroots::ServerCredentialsFrom({.cert = absl::GetFlag(FLAGS_tls_cert),
                                         .key = absl::GetFlag(FLAGS_tls_key),
                                         .ca = absl::GetFlag(FLAGS_tls_client_ca),
                                         .flag_prefix = "--tls",
                                         .client_certificate_optional = true});
  if (!server_credentials.ok()) return Fail(std::string(server_credentials.status().message()));
  const bool tls = !absl::GetFlag(FLAGS_tls_cert).empty();
  std::shared_ptr<grpc::ServerCredentials> credentials =
      tls ? *std::move(server_credentials) : nullptr;
  gw::AccessLog log(absl::GetFlag(FLAGS_access_log));
  gw::SecurityLog security_log(absl::GetFlag(FLAGS_security_log));
  if (!security_log.ok()) {
    return Fail(
        absl::StrCat("--security_log ", absl::GetFlag(FLAGS_security_log), ": cannot be opened"));
  }
  const gw::CallLogs logs(&log, &security_log);
  if (!log.ok())
    return Fail(
        absl::StrCat("--access_log ", absl::GetFlag(FLAGS_access_log), ": cannot be opened"));

  const gw::RouteTable routes;
  auto backends = gw::ConnectBackends({.org_address = absl::GetFlag(FLAGS_org_service),
                                       .roster_address = absl::GetFlag(FLAGS_roster_service),
                                       .casework_address = absl::GetFlag(FLAGS_casework_address),
                                       .activity_address = absl::GetFlag(FLAGS_activity_address),
                                       .max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes),
                                       .tls = {.cert = absl::GetFlag(FLAGS_backend_tls_cert),
                                               .key = absl::GetFlag(FLAGS_backend_tls_key),
                                               .ca = absl::GetFlag(FLAGS_backend_tls_ca),
                                               .flag_prefix = "--backend_tls"},
                                       .signer = &*signer},
                                      routes);
  if (!backends.ok()) return Fail(std::string(backends.status().message()));
  auto org_stub = grassroots::org::v1::OrgService::NewStub(backends->org);
  auto roster_stub = grassroots::roster::v1::RosterService::NewStub(backends->roster);
  auto casework_stub = backends->casework == nullptr
                           ? nullptr
                           : grassroots::casework::v1::CaseworkService::NewStub(backends->casework);
  auto activity_stub = backends->activity == nullptr
                           ? nullptr
                           : grassroots::activity::v1::ActivityService::NewStub(backends->activity);
  grpc::GenericStub org_generic(backends->org);
  grpc::GenericStub roster_generic(backends->roster);
  auto casework_generic = backends->casework == nullptr
                              ? nullptr
                              : std::make_unique<grpc::GenericStub>(backends->casework);
  auto activity_generic = backends->activity == nullptr
                              ? nullptr
                              : std::make_unique<grpc::GenericStub>(backends->activity);

  grassroots::org_client::OrgReplica replica(backends->org);
  replica.Start();
  ReplicaView view(&replica);
  gw::ScopeChecker checker(&view, org_stub.get(), roster_stub.get(), casework_stub.get(),
                           activity_stub.get(), absl::GetFlag(FLAGS_lookup_timeout));
  grassroots::RealClock clock;
  gw::RateLimiter limiter({.calls_per_second = absl::GetFlag(FLAGS_rate_limit_qps),
                           .burst = absl::GetFlag(FLAGS_rate_limit_burst)},
                          &clock);
  grassroots::TokenBuckets auth_failures(
      {.per_second = absl::GetFlag(FLAGS_auth_failures_per_second),
       .burst = absl::GetFlag(FLAGS_auth_failure_burst)});
  gw::Gatekeeper gatekeeper(
      tokens->get(), &limiter,
      absl::GetFlag(FLAGS_auth_failures_per_second) > 0 ? &auth_failures : nullptr, &clock);
  auto pool = std::make_unique<gw::WorkerPool>(absl::GetFlag(FLAGS_worker_threads));
  const grassroots::CallerSigner* signer_ptr = &*signer;
  const gw::PageTokenSealer sealer(signer->DerivedKey("gateway page tokens"));
  gw::Forwarder forwarder({.routes = &routes,
                           .gatekeeper = &gatekeeper,
                           .checker = &checker,
                           .pool = pool.get(),
                           .org = &org_generic,
                           .roster = &roster_generic,
                           .casework = casework_generic.get(),
                           .activity = activity_generic.get(),
                           .signer = signer_ptr,
                           .sealer = &sealer,
                           .logs = &logs,
                           .max_unary_deadline = absl::GetFlag(FLAGS_max_unary_deadline)});
  gw::Aggregator aggregator(org_stub.get(), roster_stub.get(), signer_ptr, &checker);
  gw::GatewayGrpcService gateway_service(&gatekeeper, &aggregator, pool.get(), &logs,
                                         &security_log);

  auto server = grassroots::StartServer(
      {.listen_address = absl::GetFlag(FLAGS_listen),
       .port_file = absl::GetFlag(FLAGS_port_file),
       .service_names = {grassroots::org::v1::OrgService::service_full_name(),
                         grassroots::roster::v1::RosterService::service_full_name(),
                         grassroots::casework::v1::CaseworkService::service_full_name(),
                         grassroots::activity::v1::ActivityService::service_full_name(),
                         grassroots::gateway::v1::GatewayService::service_full_name()},
       .max_receive_message_bytes = absl::GetFlag(FLAGS_max_message_bytes),
       .serving_at_start = false,
       .credentials = credentials,
       .generic_service = &forwarder},
      {&gateway_service});
  if (!server.ok()) return Fail(std::string(server.status().message()));
  const auto or_none = [](const std::string& address) {
    return address.empty() ? std::string("none") : address;
  };
  std::fprintf(stderr,
               "gateway: serving on port %d (%s), org %s, roster %s, casework %s, activity %s, "
               "%zu tokens\n",
               (*server)->port(), credentials ? "TLS" : "plaintext",
               absl::GetFlag(FLAGS_org_service).c_str(),
               absl::GetFlag(FLAGS_roster_service).c_str(),
               or_none(absl::GetFlag(FLAGS_casework_address)).c_str(),
               or_none(absl::GetFlag(FLAGS_activity_address)).c_str(), (*tokens)->size());

  // Health follows the services: SERVING only while every one answers. The same
  // beat writes out the access log.
  absl::Notification stop_probing;
  std::thread prober([&] {
    std::optional<bool> reported;
    do {
      const bool serving = gw::BackendsServing(*backends, absl::Seconds(1));
      if (reported != serving) {
        grpc::HealthCheckServiceInterface* health = (*server)->server().GetHealthCheckService();
        health->SetServingStatus(serving);
        std::fprintf(stderr, "gateway: health %s\n", serving ? "SERVING" : "NOT_SERVING");
        reported = serving;
      }
      log.Flush();
    } while (!stop_probing.WaitForNotificationWithTimeout(absl::GetFlag(FLAGS_health_interval)));
  });

  int signal = 0;
  while ((signal = grassroots::WaitForSignal()) == SIGHUP) {
    if (absl::Status s = (*tokens)->Reload(); s.ok()) {
      std::fprintf(stderr, "gateway: tokens reloaded, %zu tokens\n", (*tokens)->size());
    } else {
      std::fprintf(stderr, "gateway: tokens not reloaded, the old ones stay: %s\n",
                   std::string(s.message()).c_str());
    }
  }
  std::fprintf(stderr, "gateway: signal %d, shutting down\n", signal);
  stop_probing.Notify();
  prober.join();
  (*server)->Shutdown(absl::Seconds(5));
  pool.reset();  // runs what is queued; every call has finished by now
  replica.Stop();
  log.Flush();
  std::fprintf(stderr, "gateway: stopped\n");
  return 0;
}
