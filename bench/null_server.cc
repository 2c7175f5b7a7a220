// null_server: serves grassroots.bench.v1.NullService, whose Ping does
// nothing but answer, with the callback API or the sync API, so that the
// benchmarks can print every figure as a ratio to what gRPC itself does here.
// No health service, reflection or interceptor: the baseline is bare gRPC.
//
//   null_server --api=callback|sync [--listen=127.0.0.1:0] [--port_file=F]
//
// Runs until SIGTERM or SIGINT.

#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "bench/null.grpc.pb.h"
#include "common/server_runner.h"

ABSL_FLAG(std::string, api, "callback",
          "callback: the callback API with the default reactor; sync: the sync API with "
          "gRPC's default sync-server settings.");
ABSL_FLAG(std::string, listen, "127.0.0.1:0", "Address to serve on; port 0 picks one.");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound port is written there (then a newline) once serving.");
ABSL_FLAG(int, response_bytes, 96,
          "Filler in each response, so that it is about the size of a Unit.");

namespace grassroots::bench {
namespace {

using v1::NullService;
using v1::PingRequest;
using v1::PingResponse;

void Answer(const PingRequest& request, const std::string& filler, PingResponse& response) {
  response.set_id(request.id());
  response.set_name(request.name());
  response.set_payload(filler);
}

class CallbackNullService final : public NullService::CallbackService {
 public:
  explicit CallbackNullService(std::string filler) : filler_(std::move(filler)) {}
  grpc::ServerUnaryReactor* Ping(grpc::CallbackServerContext* context, const PingRequest* request,
                                 PingResponse* response) override {
    Answer(*request, filler_, *response);
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const std::string filler_;
};

class SyncNullService final : public NullService::Service {
 public:
  explicit SyncNullService(std::string filler) : filler_(std::move(filler)) {}
  grpc::Status Ping(grpc::ServerContext* context, const PingRequest* request,
                    PingResponse* response) override {
    Answer(*request, filler_, *response);
    return grpc::Status::OK;
  }

 private:
  const std::string filler_;
};

// As common/server_runner does: written whole to a temporary file, then
// renamed, so that a reader never sees half a port.
bool WritePortFile(const std::string& path, int port) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << "\n";
    if (!out.flush()) return false;
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  return !error;
}

int Main() {
  const std::string api = absl::GetFlag(FLAGS_api);
  const std::string filler(std::max(0, absl::GetFlag(FLAGS_response_bytes)), 'x');
  std::unique_ptr<grpc::Service> service;
  if (api == "callback") {
    service = std::make_unique<CallbackNullService>(filler);
  } else if (api == "sync") {
    service = std::make_unique<SyncNullService>(filler);
  } else {
    std::fprintf(stderr, "null_server: --api must be callback or sync, not \"%s\"\n", api.c_str());
    return 2;
  }
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(absl::GetFlag(FLAGS_listen), grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::fprintf(stderr, "null_server: cannot listen on %s\n", absl::GetFlag(FLAGS_listen).c_str());
    return 1;
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, port)) {
    std::fprintf(stderr, "null_server: cannot write %s\n", port_file.c_str());
    return 1;
  }
  std::fprintf(stderr, "null_server: %s API serving on port %d\n", api.c_str(), port);
  while (WaitForSignal() == SIGHUP) {
  }
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  return 0;
}

}  // namespace
}  // namespace grassroots::bench

int main(int argc, char** argv) {
  grassroots::PrepareServerProcess();
  absl::SetProgramUsageMessage(
      "Serves the null RPC (grassroots.bench.v1.NullService).\n"
      "  null_server --api=callback|sync [--listen=HOST:PORT] [--port_file=FILE]");
  absl::ParseCommandLine(argc, argv);
  return grassroots::bench::Main();
}
