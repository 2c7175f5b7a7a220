// roster_service: keeps people, memberships, registrations and roles.
// Wiring only: flags, the store, the org service client, the core, the gRPC
// service, and an orderly shutdown.

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "common/caller_metadata.h"
#include "common/clock.h"
#include "common/reconnect.h"
#include "common/server_runner.h"
#include "org_client/org_replica.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_grpc.h"
#include "roster_service/sqlite_roster_store.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50052", "Address to serve on; port 0 picks one.");
ABSL_FLAG(std::string, data_dir, "", "Directory for the database (roster.db); created if missing.");
ABSL_FLAG(std::string, caller_key_file, "",
          "The key shared with the gateway: calls it signs act for the caller it names. "
          "Empty: every call is anonymous and sees personal data masked.");
ABSL_FLAG(std::string, port_file, "", "If set, the bound port is written there once serving.");
ABSL_FLAG(std::string, org_service, "127.0.0.1:50051", "Address of the org service.");
ABSL_FLAG(absl::Duration, org_deadline, absl::Seconds(2),
          "Deadline of each call to the org service.");
ABSL_FLAG(absl::Duration, revision_retention, absl::Minutes(10),
          "How long a superseded revision stays readable at read_revision.");

namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "roster_service: %s\n", message.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  grassroots::PrepareServerProcess();
  absl::SetProgramUsageMessage(
      "Serves grassroots.roster.v1.RosterService.\n"
      "  roster_service --data_dir=DIR [--listen=HOST:PORT] [--org_service=HOST:PORT]");
  absl::ParseCommandLine(argc, argv);
  auto callers = grassroots::CallerVerifier::FromKeyFile(absl::GetFlag(FLAGS_caller_key_file));
  if (!callers.ok()) return Fail(std::string(callers.status().message()));

  const std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) return Fail("--data_dir is required");
  std::error_code error;
  std::filesystem::create_directories(data_dir, error);
  if (error) return Fail(absl::StrCat("cannot create --data_dir ", data_dir, ": ", error.message()));

  auto store = grassroots::roster::SqliteRosterStore::Open(data_dir + "/roster.db");
  if (!store.ok()) return Fail(std::string(store.status().message()));

  grpc::ChannelArguments org_channel_args;
  grassroots::UseQuickReconnect(org_channel_args);
  grassroots::org_client::OrgReplica org(
      grpc::CreateCustomChannel(absl::GetFlag(FLAGS_org_service),
                                grpc::InsecureChannelCredentials(), org_channel_args),
      {.call_timeout = absl::GetFlag(FLAGS_org_deadline)});
  org.Start();

  grassroots::RealClock clock;
  grassroots::roster::RosterCore core(store->get(), &org, &clock,
                                      {.revision_retention = absl::GetFlag(FLAGS_revision_retention)});
  // Loading reads every current row: a file whose pages are corrupt, or
  // that cannot be read, is refused here, before anything is served or
  // written.
  if (absl::Status s = core.Start(); !s.ok()) {
    return Fail(absl::StrCat("cannot load its database: ", s.message(), "; refusing to start"));
  }

  grassroots::roster::RosterGrpcService service(&core, *std::move(callers));
  auto server = grassroots::StartServer(
      {.listen_address = absl::GetFlag(FLAGS_listen),
       .port_file = absl::GetFlag(FLAGS_port_file),
       .service_names = {grassroots::roster::v1::RosterService::service_full_name()}},
      {&service});
  if (!server.ok()) return Fail(std::string(server.status().message()));
  std::fprintf(stderr, "roster_service: serving on port %d, data in %s, org service at %s\n",
               (*server)->port(), data_dir.c_str(), absl::GetFlag(FLAGS_org_service).c_str());

  int signal = 0;
  do {
    signal = grassroots::WaitForSignal();
  } while (signal == SIGHUP);
  std::fprintf(stderr, "roster_service: signal %d, shutting down\n", signal);
  (*server)->StopServing();
  core.Stop();
  (*server)->Shutdown(absl::Seconds(5));
  org.Stop();
  return 0;
}
