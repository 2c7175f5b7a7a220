// org_service: keeps the hierarchy and its party organisations. Wiring only:
// the store, the core and the gRPC service; the flags, start-up and the
// orderly shutdown are every backend's (common/backend_main.h).

#include "common/backend_main.h"
#include "common/clock.h"
#include "org_service/org_core.h"
#include "org_service/org_grpc.h"
#include "org_service/sqlite_org_store.h"

int main(int argc, char** argv) {
  grassroots::BackendMain backend(
      {.name = "org_service",
       .service_name = grassroots::org::v1::OrgService::service_full_name(),
       .default_listen = "127.0.0.1:50051",
       .usage = "org_service --data_dir=DIR [--listen=HOST:PORT]"},
      argc, argv);
  if (!backend.ok()) return 1;

  auto store = grassroots::org::SqliteOrgStore::Open(backend.DataPath("org.db"));
  if (!store.ok()) return backend.Fail(store.status());
  grassroots::RealClock clock;
  grassroots::org::OrgCore core(store->get(), &clock, backend.core_options());
  if (!backend.StartCore(core)) return 1;

  grassroots::org::OrgGrpcService service(&core, backend.callers());
  return backend.Serve({&service}, [&core] { core.Stop(); });
}
