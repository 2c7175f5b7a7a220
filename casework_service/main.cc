// casework_service: residents' issues handled through the levels.
// Wiring only: the store, the org service client, the service-level table,
// the core, the sweeper and the gRPC service; the flags, start-up and the
// orderly shutdown are every backend's (common/backend_main.h).

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "casework_service/casework_core.h"
#include "casework_service/casework_grpc.h"
#include "casework_service/overdue_sweeper.h"
#include "casework_service/service_levels.h"
#include "casework_service/sqlite_casework_store.h"
#include "common/backend_main.h"
#include "common/clock.h"
#include "org_client/org_replica.h"
#include "roster_client/roster_people.h"

ABSL_FLAG(std::string, org_service, "127.0.0.1:50051", "Address of the org service.");
ABSL_FLAG(absl::Duration, org_deadline, absl::Seconds(2),
          "Deadline of each call to the org service (and to the roster service).");
ABSL_FLAG(std::string, roster_service, "",
          "Address of the roster service, asked whether the people an issue names exist; empty: "
          "they are not checked (scripts/run_suite.sh passes it).");
ABSL_FLAG(std::string, sla_file, "",
          "The service-level table (docs/casework.md); empty: the defaults (compound 48h, "
          "community 72h, street 7d, district 15d).");
ABSL_FLAG(absl::Duration, sweep_interval, absl::Seconds(30),
          "How often overdue issues are looked for and escalated.");

int main(int argc, char** argv) {
  grassroots::BackendMain backend(
      {.name = "casework_service",
       .service_name = grassroots::casework::v1::CaseworkService::service_full_name(),
       .default_listen = "127.0.0.1:50054",
       .usage = "casework_service --data_dir=DIR [--listen=HOST:PORT] [--org_service=HOST:PORT] "
                "[--roster_service=HOST:PORT] [--sla_file=FILE] [--sweep_interval=30s]"},
      argc, argv);
  if (!backend.ok()) return 1;

  grassroots::casework::ServiceLevels levels;
  if (const std::string path = absl::GetFlag(FLAGS_sla_file); !path.empty()) {
    absl::StatusOr<grassroots::casework::ServiceLevels> loaded =
        grassroots::casework::ServiceLevels::Load(path);
    if (!loaded.ok()) return backend.Fail(loaded.status());
    levels = *loaded;
  }
  if (absl::GetFlag(FLAGS_sweep_interval) <= absl::ZeroDuration()) {
    return backend.Fail(absl::InvalidArgumentError("--sweep_interval: must be positive"));
  }

  auto store = grassroots::casework::SqliteCaseworkStore::Open(backend.DataPath("casework.db"));
  if (!store.ok()) return backend.Fail(store.status());

  grassroots::org_client::OrgReplica org(
      backend.ReconnectingChannel(absl::GetFlag(FLAGS_org_service)),
      {.call_timeout = absl::GetFlag(FLAGS_org_deadline)});
  org.Start();
  std::unique_ptr<grassroots::roster_client::RosterPeople> people;
  if (const std::string roster = absl::GetFlag(FLAGS_roster_service); !roster.empty()) {
    people = std::make_unique<grassroots::roster_client::RosterPeople>(
        backend.ReconnectingChannel(roster), absl::GetFlag(FLAGS_org_deadline));
  }

  grassroots::RealClock clock;
  grassroots::casework::CaseworkCore core(store->get(), &org, &clock, levels,
                                          backend.core_options(), people.get());
  if (!backend.StartCore(core)) return 1;
  grassroots::casework::OverdueSweeper sweeper(&core, absl::GetFlag(FLAGS_sweep_interval));
  sweeper.Start();

  grassroots::casework::CaseworkGrpcService service(&core, backend.callers());
  return backend.Serve(
      {&service},
      [&sweeper, &core] {
        sweeper.Stop();
        core.Stop();
      },
      [&org] { org.Stop(); }, absl::StrCat(", org service at ", absl::GetFlag(FLAGS_org_service)));
}
