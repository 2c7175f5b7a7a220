// activity_service: party activities, attendance, volunteer credit and
// service points. Wiring only: the store, the org and roster clients, the
// core and the gRPC service; the flags, start-up and the orderly shutdown
// are every backend's (common/backend_main.h).

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "activity_service/activity_core.h"
#include "activity_service/activity_grpc.h"
#include "activity_service/sqlite_activity_store.h"
#include "common/backend_main.h"
#include "common/clock.h"
#include "org_client/org_replica.h"
#include "roster_client/roster_people.h"

ABSL_FLAG(std::string, org_service, "127.0.0.1:50051",
          "Address of the org service, asked about the organisations and places an activity "
          "names.");
ABSL_FLAG(absl::Duration, call_deadline, absl::Seconds(2),
          "Deadline of each call to the org and roster services.");
ABSL_FLAG(std::string, roster_service, "",
          "Address of the roster service, asked whether organisers and attendees exist; empty: "
          "people are not checked (scripts/run_suite.sh passes it).");

int main(int argc, char** argv) {
  grassroots::BackendMain backend(
      {.name = "activity_service",
       .service_name = grassroots::activity::v1::ActivityService::service_full_name(),
       .default_listen = "127.0.0.1:50055",
       .usage = "activity_service --data_dir=DIR [--listen=HOST:PORT] [--org_service=HOST:PORT] "
                "[--roster_service=HOST:PORT]"},
      argc, argv);
  if (!backend.ok()) return 1;

  auto store = grassroots::activity::SqliteActivityStore::Open(backend.DataPath("activity.db"));
  if (!store.ok()) return backend.Fail(store.status());

  const absl::Duration deadline = absl::GetFlag(FLAGS_call_deadline);
  grassroots::org_client::OrgReplica org(
      backend.ReconnectingChannel(absl::GetFlag(FLAGS_org_service)), {.call_timeout = deadline});
  org.Start();
  std::unique_ptr<grassroots::roster_client::RosterPeople> people;
  if (const std::string roster = absl::GetFlag(FLAGS_roster_service); !roster.empty()) {
    people = std::make_unique<grassroots::roster_client::RosterPeople>(
        backend.ReconnectingChannel(roster), deadline);
  }

  grassroots::RealClock clock;
  grassroots::activity::ActivityCore core(store->get(), &org, &clock, backend.core_options(),
                                          people.get());
  if (!backend.StartCore(core)) return 1;

  grassroots::activity::ActivityGrpcService service(&core, backend.callers());
  return backend.Serve(
      {&service}, [&core] { core.Stop(); }, [&org] { org.Stop(); },
      absl::StrCat(", org service at ", absl::GetFlag(FLAGS_org_service)));
}
