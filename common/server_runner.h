#ifndef GRASSROOTS_COMMON_SERVER_RUNNER_H_
#define GRASSROOTS_COMMON_SERVER_RUNNER_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grassroots {

// What every server main does first, before any thread starts:
// - blocks SIGTERM, SIGINT and SIGHUP, so that every thread inherits the
//   mask and only WaitForSignal sees them;
// - in release builds (NDEBUG), turns off abseil's lock-order checking.
//   Debian's abseil is built without NDEBUG, so otherwise every absl::Mutex
//   lock (gRPC's own included) updates one process-wide graph: about 6% of
//   the CPU of a GetUnit, more of a forwarded call. Debug, sanitizer and
//   test builds keep checking.
// - KeepHeapForLargeMessages() below.
void PrepareServerProcess();

// Keeps freed heap memory for reuse up to 16 MiB a malloc arena, and serves
// blocks up to 4 MiB from the heap. glibc's defaults (trim above 128 KiB;
// mmap above 128 KiB, raised only by a free) give every call whose messages
// take a megabyte — a list page of 1,000 resources, its arena and its
// serialised bytes — fresh pages from the kernel, faulted in and handed
// back again: measured on ListIssues, that made the server's CPU per page
// about twice what the work itself needs, and the client's likewise. For
// servers and for clients that read large pages (the load generator).
void KeepHeapForLargeMessages();

// Waits for SIGTERM, SIGINT or SIGHUP and returns which arrived.
int WaitForSignal();

struct ServerConfig {
  // host:port; port 0 picks a free one.
  std::string listen_address;
  // When set, the bound port is written there (then a newline) once the
  // server serves, atomically, for scripts and tests that start us on port 0.
  std::string port_file;
  // Names reported SERVING by grpc.health.v1.Health, besides "".
  std::vector<std::string> service_names;
  int max_receive_message_bytes = 4 * 1024 * 1024;
  // Whether health reports SERVING as soon as the server starts; a server
  // whose readiness depends on others (the gateway) sets it itself.
  bool serving_at_start = true;
  // Plaintext when null.
  std::shared_ptr<grpc::ServerCredentials> credentials;
  // Serves every method no registered service has (the gateway's
  // forwarding). Not owned.
  grpc::CallbackGenericService* generic_service = nullptr;
};

// Counts the calls a server has in flight (every method, streams included).
// Thread-safe.
class InFlightCalls {
 public:
  void Add(int delta) ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until no call is in flight or `deadline` passes; true if none is.
  bool AwaitIdle(absl::Time deadline) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// A started server with health checking and reflection.
class RunningServer {
 public:
  RunningServer(std::unique_ptr<grpc::Server> server, int port,
                std::shared_ptr<InFlightCalls> calls);
  int port() const { return port_; }
  grpc::Server& server() { return *server_; }
  // Reports NOT_SERVING, so that load balancers and probes stop sending
  // calls. Shutdown does it too; call it first when work must drain before.
  void StopServing();
  // Reports NOT_SERVING, waits until the calls in flight have finished (at
  // most `grace`; health and reflection streams don't count),
  // then closes every connection and cancels what is left. gRPC's own
  // Shutdown(deadline) would also wait for idle client connections to go
  // away, which they never do by themselves, so it would always take the
  // whole grace period.
  void Shutdown(absl::Duration grace);

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_;
  std::shared_ptr<InFlightCalls> calls_;
};

// Builds and starts a server for `services` on `config.listen_address`.
// UNAVAILABLE when the address cannot be bound.
absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
    const ServerConfig& config, const std::vector<grpc::Service*>& services);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_SERVER_RUNNER_H_
