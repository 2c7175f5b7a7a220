// org_service: keeps the hierarchy and its party organisations. Wiring only:
// flags, the store, the core, the gRPC service, and an orderly shutdown.

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/caller_metadata.h"
#include "common/clock.h"
#include "common/server_runner.h"
#include "org_service/org_core.h"
#include "org_service/org_grpc.h"
#include "org_service/sqlite_org_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "Address to serve on; port 0 picks one.");
ABSL_FLAG(std::string, data_dir, "", "Directory for the database (org.db); created if missing.");
ABSL_FLAG(std::string, caller_key_file, "",
          "The key shared with the gateway: calls it signs act for the caller it names. "
          "Empty: every call is anonymous and sees personal data masked.");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written there once serving.");
ABSL_FLAG(absl::Duration, revision_retention, absl::Minutes(10),
          "How long a superseded revision stays readable at read_revision.");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "org_service: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  grassroots::PrepareServerProcess();
  absl::SetProgramUsageMessage("Serves grassroots.org.v1.OrgService.\n  org_service --data_dir=DIR [--listen=HOST:PORT]");
  absl::ParseCommandLine(argc, argv);
  auto callers = grassroots::CallerVerifier::FromKeyFile(absl::GetFlag(FLAGS_caller_key_file));
  if (!callers.ok()) return Fail(std::string(callers.status().message()));

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) return Fail("--data_dir is required");
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) return Fail(absl::StrCat("cannot create --data_dir ", data_dir, ": ", error.message()));

  auto store = grassroots::org::SqliteOrgStore::Open(data_dir + "/org.db");
  if (!store.ok()) return Fail(std::string(store.status().message()));

  grassroots::RealClock clock;
  grassroots::org::OrgCore core(store->get(), &clock,
                                {.revision_retention = absl::GetFlag(FLAGS_revision_retention)});
  // Loading reads every current row: a file whose pages are corrupt, or
  // that cannot be read, is refused here, before anything is served or
  // written.
  if (absl::Status s = core.Start(); !s.ok()) {
    return Fail(absl::StrCat("cannot load its database: ", s.message(), "; refusing to start"));
  }

  grassroots::org::OrgGrpcService service(&core, *std::move(callers));
  auto server = grassroots::StartServer(
      {.listen_address = absl::GetFlag(FLAGS_listen),
       .port_file = absl::GetFlag(FLAGS_port_file),
       .service_names = {grassroots::org::v1::OrgService::service_full_name()}},
      {&service});
  if (!server.ok()) return Fail(std::string(server.status().message()));
  std::fprintf(stderr, "org_service: serving on port %d, data in %s\n", (*server)->port(),
               data_dir.c_str());

  int signal = 0;
  do {
    signal = grassroots::WaitForSignal();
  } while (signal == SIGHUP);  // nothing to reload yet
  std::fprintf(stderr, "org_service: signal %d, shutting down\n", signal);
  // Queued writes are committed and answered and watch streams are told to
  // resume elsewhere; then in-flight calls get a grace period.
  const absl::Time start = absl::Now();
  (*server)->StopServing();
  core.Stop();
  const absl::Time core_stopped = absl::Now();
  (*server)->Shutdown(absl::Seconds(5));
  std::fprintf(stderr, "org_service: stopped (writes drained in %s, server in %s)\n",
               absl::FormatDuration(core_stopped - start).c_str(),
               absl::FormatDuration(absl::Now() - core_stopped).c_str());
  return 0;
}
