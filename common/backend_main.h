#ifndef GRASSROOTS_COMMON_BACKEND_MAIN_H_
#define GRASSROOTS_COMMON_BACKEND_MAIN_H_

// What every backend's main does around its own wiring, once: the flags
// they all take, the data directory, the caller verifier, loading the core
// (refusing to start on a database it cannot read), serving until SIGTERM
// or SIGINT, and the orderly shutdown (stop serving, drain the queued
// writes, a grace period for calls in flight).
//
// A backend's main.cc is then only what is its own:
//
//   int main(int argc, char** argv) {
//     grassroots::BackendMain backend({.name = "foo_service", ...}, argc, argv);
//     auto store = grassroots::foo::SqliteFooStore::Open(backend.DataPath("foo.db"));
//     if (!store.ok()) return backend.Fail(store.status());
//     grassroots::RealClock clock;
//     grassroots::foo::FooCore core(store->get(), &clock, backend.core_options());
//     if (!backend.StartCore(core)) return 1;
//     grassroots::foo::FooGrpcService service(&core, backend.callers());
//     return backend.Serve({&service}, [&] { core.Stop(); });
//   }
//
// Flags (defined here, so every backend names them alike): --listen,
// --data_dir, --caller_key_file, --allow_unsigned_reads, --tls_cert,
// --tls_key, --tls_ca, --port_file, --revision_retention.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/caller_metadata.h"
#include "common/service_kit.h"

namespace grassroots {

struct BackendDescription {
  std::string name;            // "org_service": the prefix of every line it logs
  std::string service_name;    // "grassroots.org.v1.OrgService", for health checks
  std::string default_listen;  // "127.0.0.1:50051"
  std::string usage;           // the usage line(s) after the first
};

// Not thread-safe: main's own.
class BackendMain {
 public:
  // Prepares the process (PrepareServerProcess), parses the command line,
  // and reads the caller key and the data directory; a failure is kept and
  // reported by ok()/Fail.
  BackendMain(BackendDescription description, int argc, char** argv);

  // Whether the flags were usable; Fail has said why when not.
  bool ok() const { return ok_; }

  // Writes "name: message" to stderr and returns main's exit code (1).
  int Fail(absl::string_view message) const;
  int Fail(const absl::Status& status) const { return Fail(status.message()); }

  // The path of `file` in the data directory.
  std::string DataPath(absl::string_view file) const { return absl::StrCat(data_dir_, "/", file); }
  // Who each call is from and whether it is admitted (--caller_key_file,
  // --allow_unsigned_reads).
  CallerVerifier callers() const { return callers_; }
  // A channel to another service of the suite, over TLS when this one has
  // it (--tls_*), each call signed as this service's principal
  // ("svc.roster_service"), which the others let read but not write.
  std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address,
                                                const grpc::ChannelArguments& args) const;
  // ServiceChannel with quick reconnects (common/reconnect.h): what a
  // backend uses for the org and roster services it asks before a write.
  std::shared_ptr<grpc::Channel> ReconnectingChannel(const std::string& address) const;
  // The core's options from the flags (--revision_retention).
  CoreOptions core_options() const;

  // Starts `core` (which loads every current row): a file whose pages are
  // corrupt, or that cannot be read, is refused here, before anything is
  // served or written. False after saying why.
  template <typename Core>
  bool StartCore(Core& core) const {
    if (absl::Status s = core.Start(); !s.ok()) {
      Fail(absl::StrCat("cannot load its database: ", s.message(), "; refusing to start"));
      return false;
    }
    return true;
  }

  // Serves `services` until SIGTERM or SIGINT (SIGHUP is ignored), then
  // stops serving, runs `drain` (the core's Stop: queued writes committed
  // and answered, watch streams told to resume elsewhere), gives calls in
  // flight 5 s, and returns main's exit code. `after_shutdown` runs last
  // (clients of other services).
  int Serve(const std::vector<grpc::Service*>& services, const std::function<void()>& drain,
            const std::function<void()>& after_shutdown = nullptr,
            absl::string_view serving_note = "");

 private:
  const BackendDescription description_;
  bool ok_ = true;
  std::string data_dir_;
  CallerVerifier callers_;
  std::optional<CallerSigner> signer_;
  std::shared_ptr<grpc::ServerCredentials> server_credentials_;
  std::shared_ptr<grpc::ChannelCredentials> channel_credentials_;
  bool tls_ = false;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_BACKEND_MAIN_H_
