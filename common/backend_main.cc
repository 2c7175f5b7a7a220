#include "common/backend_main.h"

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/time/clock.h"
#include "common/reconnect.h"
#include "common/server_runner.h"
#include "common/tls_credentials.h"

ABSL_FLAG(std::string, listen, "",
          "Address to serve on (host:port; port 0 picks one). Empty: the service's own default.");
ABSL_FLAG(std::string, data_dir, "", "Directory for the database; created if missing.");
ABSL_FLAG(std::string, caller_key_file, "",
          "Required. The key shared with the gateway: calls signed with it act for the caller "
          "they name; any other call is refused (health checks and reflection aside).");
ABSL_FLAG(bool, allow_unsigned_reads, false,
          "Let unsigned calls read, as \"anonymous\" with personal data masked (for tools and "
          "tests; unsigned writes stay refused).");
ABSL_FLAG(std::string, tls_cert, "",
          "PEM certificate chain: serve TLS (with --tls_key), and present it to the services "
          "this one calls.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_ca, "",
          "PEM roots: with --tls_cert, only clients whose certificate chains to them may "
          "connect (mutual TLS); the services this one calls are verified against them.");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written there once serving.");
ABSL_FLAG(absl::Duration, revision_retention, absl::Minutes(10),
          "How long a superseded revision stays readable at read_revision.");

namespace grassroots {

BackendMain::BackendMain(BackendDescription description, int argc, char** argv)
    : description_(std::move(description)) {
  PrepareServerProcess();
  absl::SetProgramUsageMessage(
      absl::StrCat("Serves ", description_.service_name, ".\n  ", description_.usage));
  absl::ParseCommandLine(argc, argv);
  auto callers =
      CallerVerifier::FromKeyFile(absl::GetFlag(FLAGS_caller_key_file),
                                  {.unsigned_reads = absl::GetFlag(FLAGS_allow_unsigned_reads)});
  if (!callers.ok()) {
    ok_ = false;
    Fail(callers.status());
    return;
  }
  callers_ = *std::move(callers);
  signer_ = callers_.signer();  // the same key, for this service's own calls
  const TlsFiles tls{.cert = absl::GetFlag(FLAGS_tls_cert),
                     .key = absl::GetFlag(FLAGS_tls_key),
                     .ca = absl::GetFlag(FLAGS_tls_ca)};
  auto server_credentials = ServerCredentialsFrom(tls);
  auto channel_credentials =
      ChannelCredentialsFrom({.cert = tls.cert, .key = tls.key, .ca = tls.ca});
  if (!server_credentials.ok() || !channel_credentials.ok()) {
    ok_ = false;
    Fail(!server_credentials.ok() ? server_credentials.status() : channel_credentials.status());
    return;
  }
  server_credentials_ = *std::move(server_credentials);
  channel_credentials_ = *std::move(channel_credentials);
  tls_ = !tls.cert.empty();
  data_dir_ = absl::GetFlag(FLAGS_data_dir);
  if (data_dir_.empty()) {
    ok_ = false;
    Fail("--data_dir is required");
    return;
  }
  std::error_code error;
  std::filesystem::create_directories(data_dir_, error);
  if (error) {
    ok_ = false;
    Fail(absl::StrCat("cannot create --data_dir ", data_dir_, ": ", error.message()));
  }
}

int BackendMain::Fail(absl::string_view message) const {
  std::fprintf(stderr, "%s: %.*s\n", description_.name.c_str(), static_cast<int>(message.size()),
               message.data());
  return 1;
}

std::shared_ptr<grpc::Channel> BackendMain::ServiceChannel(
    const std::string& address, const grpc::ChannelArguments& args) const {
  return CreateSignedChannel(
      address, channel_credentials_, args, *signer_,
      Caller{.principal = absl::StrCat(kServicePrincipalPrefix, description_.name)});
}

std::shared_ptr<grpc::Channel> BackendMain::ReconnectingChannel(const std::string& address) const {
  grpc::ChannelArguments args;
  UseQuickReconnect(args);
  return ServiceChannel(address, args);
}

CoreOptions BackendMain::core_options() const {
  CoreOptions options;
  options.revision_retention = absl::GetFlag(FLAGS_revision_retention);
  return options;
}

int BackendMain::Serve(const std::vector<grpc::Service*>& services,
                       const std::function<void()>& drain,
                       const std::function<void()>& after_shutdown,
                       absl::string_view serving_note) {
  std::string listen = absl::GetFlag(FLAGS_listen);
  if (listen.empty()) listen = description_.default_listen;
  auto server = StartServer({.listen_address = listen,
                             .port_file = absl::GetFlag(FLAGS_port_file),
                             .service_names = {description_.service_name},
                             .credentials = server_credentials_},
                            services);
  if (!server.ok()) return Fail(server.status());
  std::fprintf(stderr, "%s: serving on port %d (%s), data in %s%.*s\n", description_.name.c_str(),
               (*server)->port(), tls_ ? "mutual TLS" : "plaintext", data_dir_.c_str(),
               static_cast<int>(serving_note.size()), serving_note.data());

  int signal = 0;
  do {
    signal = WaitForSignal();
  } while (signal == SIGHUP);  // nothing to reload
  std::fprintf(stderr, "%s: signal %d, shutting down\n", description_.name.c_str(), signal);
  // Queued writes are committed and answered and watch streams are told to
  // resume elsewhere; then in-flight calls get a grace period.
  const absl::Time start = absl::Now();
  (*server)->StopServing();
  if (drain) drain();
  const absl::Time drained = absl::Now();
  (*server)->Shutdown(absl::Seconds(5));
  if (after_shutdown) after_shutdown();
  std::fprintf(stderr, "%s: stopped (writes drained in %s, server in %s)\n",
               description_.name.c_str(), absl::FormatDuration(drained - start).c_str(),
               absl::FormatDuration(absl::Now() - drained).c_str());
  return 0;
}

}  // namespace grassroots
