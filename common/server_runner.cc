#include "common/server_runner.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/support/server_interceptor.h>
#include <malloc.h>
#include <signal.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"

namespace grassroots {
namespace {

sigset_t ServerSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGHUP);
  return set;
}

absl::Status WritePortFile(const std::string& path, int port) {
  const std::string temp = absl::StrCat(path, ".tmp");
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) return absl::UnavailableError(absl::StrCat("port_file: cannot write ", temp));
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("port_file: cannot rename ", temp, " to ", path, ": ", error.message()));
  }
  return absl::OkStatus();
}

// Counts a call from its start until gRPC destroys its interceptors, which it
// does when the call is over.
class CallCounter final : public grpc::experimental::Interceptor {
 public:
  explicit CallCounter(std::shared_ptr<InFlightCalls> calls) : calls_(std::move(calls)) {
    calls_->Add(1);
  }
  ~CallCounter() override { calls_->Add(-1); }
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    methods->Proceed();
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

class CallCounterFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CallCounterFactory(std::shared_ptr<InFlightCalls> calls) : calls_(std::move(calls)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    // Health watches and reflection streams stay open as long as their
    // clients like; shutdown must not wait for them.
    const absl::string_view method = info->method();
    if (absl::StartsWith(method, "/grpc.health.") ||
        absl::StartsWith(method, "/grpc.reflection.")) {
      return nullptr;
    }
    return new CallCounter(calls_);
  }

 private:
  std::shared_ptr<InFlightCalls> calls_;
};

}  // namespace

void InFlightCalls::Add(int delta) {
  absl::MutexLock lock(&mu_);
  count_ += delta;
}

bool InFlightCalls::AwaitIdle(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  const auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return count_ == 0; };
  return mu_.AwaitWithDeadline(absl::Condition(&idle), deadline);
}

void PrepareServerProcess() {
  sigset_t set = ServerSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
#ifdef NDEBUG
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
#endif
  KeepHeapForLargeMessages();
}

void KeepHeapForLargeMessages() {
  // Either call fails only for a value glibc refuses; the defaults are safe.
  mallopt(M_TRIM_THRESHOLD, 16 << 20);
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
}

int WaitForSignal() {
  sigset_t set = ServerSignals();
  int signal = 0;
  while (sigwait(&set, &signal) != 0) {
  }
  return signal;
}

RunningServer::RunningServer(std::unique_ptr<grpc::Server> server, int port,
                             std::shared_ptr<InFlightCalls> calls)
    : server_(std::move(server)), port_(port), calls_(std::move(calls)) {}

void RunningServer::StopServing() {
  if (auto* health = server_->GetHealthCheckService()) health->Shutdown();
}

void RunningServer::Shutdown(absl::Duration grace) {
  StopServing();
  calls_->AwaitIdle(absl::Now() + grace);
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
}

absl::StatusOr<std::unique_ptr<RunningServer>> StartServer(
    const ServerConfig& config, const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(
      config.listen_address,
      config.credentials ? config.credentials : grpc::InsecureServerCredentials(), &port);
  builder.SetMaxReceiveMessageSize(config.max_receive_message_bytes);
  for (grpc::Service* service : services) builder.RegisterService(service);
  if (config.generic_service != nullptr) {
    builder.RegisterCallbackGenericService(config.generic_service);
  }
  auto calls = std::make_shared<InFlightCalls>();
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<CallCounterFactory>(calls));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    return absl::UnavailableError(absl::StrCat("listen: cannot listen on ", config.listen_address));
  }
  grpc::HealthCheckServiceInterface* health = server->GetHealthCheckService();
  health->SetServingStatus(config.serving_at_start);
  for (const std::string& name : config.service_names) {
    health->SetServingStatus(name, config.serving_at_start);
  }
  if (!config.port_file.empty()) {
    if (absl::Status s = WritePortFile(config.port_file, port); !s.ok()) {
      server->Shutdown();
      return s;
    }
  }
  return std::make_unique<RunningServer>(std::move(server), port, std::move(calls));
}

}  // namespace grassroots
