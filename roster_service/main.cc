// roster_service: keeps people, memberships, registrations and roles.
// Wiring only: the store, the org service client, the core and the gRPC
// service; the flags, start-up and the orderly shutdown are every
// backend's (common/backend_main.h).

#include <grpcpp/grpcpp.h>

#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/backend_main.h"
#include "common/clock.h"
#include "common/reconnect.h"
#include "org_client/org_replica.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_grpc.h"
#include "roster_service/sqlite_roster_store.h"

ABSL_FLAG(std::string, org_service, "127.0.0.1:50051", "Address of the org service.");
ABSL_FLAG(absl::Duration, org_deadline, absl::Seconds(2),
          "Deadline of each call to the org service.");

int main(int argc, char** argv) {
  grassroots::BackendMain backend(
      {.name = "roster_service",
       .service_name = grassroots::roster::v1::RosterService::service_full_name(),
       .default_listen = "127.0.0.1:50052",
       .usage = "roster_service --data_dir=DIR [--listen=HOST:PORT] [--org_service=HOST:PORT]"},
      argc, argv);
  if (!backend.ok()) return 1;

  auto store = grassroots::roster::SqliteRosterStore::Open(backend.DataPath("roster.db"));
  if (!store.ok()) return backend.Fail(store.status());

  grpc::ChannelArguments org_channel_args;
  grassroots::UseQuickReconnect(org_channel_args);
  grassroots::org_client::OrgReplica org(
      backend.ServiceChannel(absl::GetFlag(FLAGS_org_service), org_channel_args),
      {.call_timeout = absl::GetFlag(FLAGS_org_deadline)});
  org.Start();

  grassroots::RealClock clock;
  grassroots::roster::RosterCore core(store->get(), &org, &clock, backend.core_options());
  if (!backend.StartCore(core)) return 1;

  grassroots::roster::RosterGrpcService service(&core, backend.callers());
  return backend.Serve(
      {&service}, [&core] { core.Stop(); }, [&org] { org.Stop(); },
      absl::StrCat(", org service at ", absl::GetFlag(FLAGS_org_service)));
}
