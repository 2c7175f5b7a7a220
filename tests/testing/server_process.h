#ifndef GRASSROOTS_TESTS_TESTING_SERVER_PROCESS_H_
#define GRASSROOTS_TESTS_TESTING_SERVER_PROCESS_H_

// Runs a real server binary of the suite (org, roster, gateway) as a child
// process on an ephemeral loopback port, for integration tests, plus the
// client-side helpers those tests share: channels, contexts with deadlines,
// and health and reflection probes that need no generated code.

#include <sys/types.h>

#include <csignal>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/grpc_probe.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::testing {

// How to start a server.
struct ServerOptions {
  // Required. Path of the binary.
  std::string binary;
  // The database directory, passed as --data_dir. Empty: `data` inside the
  // process's own temporary directory. It outlives restarts of the process.
  std::string data_dir;
  // More flags, after the standard ones (e.g. "--org_service=127.0.0.1:4242").
  std::vector<std::string> extra_args;
  // False for a stateless server (the gateway), which takes no --data_dir.
  bool pass_data_dir = true;
  // How long Start() waits for the port file.
  absl::Duration start_timeout = absl::Seconds(20);
  // How long Stop() waits for the exit after the signal.
  absl::Duration stop_timeout = absl::Seconds(20);
  // Runs in the child between fork and exec, e.g. to lower a resource limit
  // (setrlimit) or drop to another user (setuid). The child of a
  // multi-threaded parent: async-signal-safe calls only, no allocation. A
  // false return makes the child exit with code 126 before the exec.
  bool (*in_child)(const void* arg) = nullptr;
  const void* in_child_arg = nullptr;
};

// What /proc says of a running process, for soak and leak checks.
struct ProcessUsage {
  int64_t rss_bytes = 0;  // VmRSS
  int open_fds = 0;       // entries of /proc/PID/fd
  int threads = 0;        // Threads
};
absl::StatusOr<ProcessUsage> ReadProcessUsage(pid_t pid);

// A server binary running as a child process.
//
// Start() runs
//   binary --listen=127.0.0.1:0 --port_file=FILE [--data_dir=DIR] extra_args...
// with stdin from /dev/null and stdout and stderr going to a log file in the
// process's temporary directory (one log per start), and waits until the
// server has written its port to FILE (the server writes it atomically once
// it is serving). Errors carry the tail of the log.
//
// The destructor kills (SIGKILL) and reaps a process that is still running,
// and removes the temporary directory. The child also gets SIGKILL when the
// thread that started it exits (PR_SET_PDEATHSIG), so that a crashed test
// leaves nothing behind: call Start()/Restart() from the test's main thread.
//
// Not thread-safe: call the methods from one thread. Channels made from
// address() may be used from any thread.
class ServerProcess {
 public:
  explicit ServerProcess(ServerOptions options);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Constructs and starts.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Launch(ServerOptions options);

  // Starts the binary (again, after Stop or Kill) on the same data directory.
  // FAILED_PRECONDITION when it is running; DEADLINE_EXCEEDED (after killing
  // it) when no port file appeared in time; INTERNAL when it exited first or
  // could not be started.
  absl::Status Start();

  // Sends `signal` (SIGTERM or SIGINT for a graceful stop) and waits for the
  // exit. Returns the exit code. FAILED_PRECONDITION when not running;
  // INTERNAL when a signal ended it; DEADLINE_EXCEEDED when it did not exit
  // within stop_timeout (it is then killed).
  absl::StatusOr<int> Stop(int signal = SIGTERM);

  // SIGKILL, then reaps it. FAILED_PRECONDITION when not running.
  absl::Status Kill();

  // Sends `signal` (SIGSTOP to hang the server, SIGCONT to let it go on,
  // SIGHUP to reload). kill() returns before a SIGSTOP has reached every
  // thread, and a thread still running could answer a call made "after" the
  // hang; so for SIGSTOP it returns once every thread shows as stopped.
  // FAILED_PRECONDITION when not running.
  absl::Status Signal(int signal);

  // Stop() (which must give exit code 0), then Start().
  absl::Status Restart();

  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // The port of the current (or last) run, and "127.0.0.1:port".
  int port() const { return port_; }
  std::string address() const;
  const std::string& data_dir() const { return data_dir_; }
  // The log of the current (or last) run, and its contents.
  const std::string& log_path() const { return log_path_; }
  std::string ReadLog() const;
  // How many times the binary was started.
  int start_count() const { return start_count_; }

 private:
  // Reaps the child if it has exited, waiting up to `timeout`. Returns the
  // wait status, or nullopt-like DEADLINE_EXCEEDED when it is still running.
  absl::StatusOr<int> WaitForExit(absl::Duration timeout);
  // Reads the port file; 0 while it is absent or incomplete.
  int ReadPortFile() const;
  std::string LogTail() const;

  ServerOptions options_;
  TempDir temp_;  // declared first: removed after the process is gone
  std::string data_dir_;
  std::string port_file_;
  std::string log_path_;
  pid_t pid_ = -1;
  int port_ = 0;
  int start_count_ = 0;
};

// "exited with code 3", "killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int wait_status);

// The default deadline of a test RPC.
inline constexpr absl::Duration kDefaultRpcTimeout = absl::Seconds(10);

// The caller key test servers share: ServerProcess writes it to a file of
// its own and passes that as --caller_key_file unless extra_args name one;
// test channels sign with it.
inline constexpr char kTestCallerKey[] = "test-caller-key-9c1f0e2b7a4d4c58";
// The principal test channels sign as: it may write, and sees personal data
// masked, like a gateway caller without the grant.
inline constexpr char kTestPrincipal[] = "test.client";

// A new insecure channel to `address` with its own connections (not shared
// with other channels through gRPC's global subchannel pool), each call
// signed as kTestPrincipal with TestCallerKeyFile()'s key unless it carries
// a caller already (AttachCaller).
std::shared_ptr<grpc::Channel> CreateTestChannel(const std::string& address);
// The same without signing: the services refuse its calls, but health checks
// and reflection.
std::shared_ptr<grpc::Channel> CreateUnsignedTestChannel(const std::string& address);

// A client context whose deadline is `timeout` from now.
std::unique_ptr<grpc::ClientContext> NewClientContext(absl::Duration timeout = kDefaultRpcTimeout);

// Health probes come from common/grpc_probe.h.
using ::grassroots::CheckHealth;
using ::grassroots::HealthStatus;

// The services listed by grpc.reflection.v1alpha.ServerReflection (one
// list_services request on the bidi stream), in the server's order.
absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout = kDefaultRpcTimeout);

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_SERVER_PROCESS_H_
