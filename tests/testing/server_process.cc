#include "tests/testing/server_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/caller_metadata.h"
#include "common/grpc_status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/channel_arguments.h"
#include "grpcpp/support/slice.h"
#include "grpcpp/support/stub_options.h"

namespace grassroots::testing {
namespace {

constexpr absl::Duration kPollInterval = absl::Milliseconds(10);
// Reaping after SIGKILL needs no patience, but is bounded all the same.
constexpr absl::Duration kKillTimeout = absl::Seconds(10);
constexpr size_t kLogTailBytes = 4000;

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

absl::Status ParseWire(const std::string& bytes, absl::string_view what,
                       google::protobuf::UnknownFieldSet* fields) {
  if (!fields->ParseFromString(bytes)) {
    return absl::InternalError(absl::StrCat("cannot parse ", what, " (", bytes.size(), " bytes)"));
  }
  return absl::OkStatus();
}

using ::grassroots::wire::EncodeStringField;
using ::grassroots::wire::FromByteBuffer;
using ::grassroots::wire::ToByteBuffer;

}  // namespace

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with code ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    const int signal = WTERMSIG(wait_status);
    return absl::StrCat("killed by signal ", signal, " (", strsignal(signal), ")");
  }
  return absl::StrCat("ended with wait status ", wait_status);
}

ServerProcess::ServerProcess(ServerOptions options) : options_(std::move(options)) {
  data_dir_ = options_.data_dir.empty() ? temp_.File("data") : options_.data_dir;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    (void)WaitForExit(kKillTimeout);
  }
}

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Launch(ServerOptions options) {
  auto process = std::make_unique<ServerProcess>(std::move(options));
  if (absl::Status status = process->Start(); !status.ok()) return status;
  return process;
}

std::string ServerProcess::address() const { return absl::StrCat("127.0.0.1:", port_); }

std::string ServerProcess::ReadLog() const { return ReadFileOrEmpty(log_path_); }

std::string ServerProcess::LogTail() const {
  std::string log = ReadLog();
  if (log.size() > kLogTailBytes) log = absl::StrCat("...", log.substr(log.size() - kLogTailBytes));
  return absl::StrCat("\n--- ", log_path_, " ---\n", log, "\n--- end of log ---");
}

absl::Status ServerProcess::Start() {
  if (pid_ > 0) return absl::FailedPreconditionError("the server is already running");
  if (options_.binary.empty()) return absl::InvalidArgumentError("ServerOptions.binary is empty");
  std::error_code error;
  std::filesystem::create_directories(data_dir_, error);
  if (error) {
    return absl::InternalError(absl::StrCat("cannot create ", data_dir_, ": ", error.message()));
  }

  ++start_count_;
  port_ = 0;
  // A fresh port file per start, so that a restart never reads the old port.
  port_file_ = temp_.File(absl::StrCat("port.", start_count_));
  log_path_ = temp_.File(absl::StrCat("server.", start_count_, ".log"));

  std::vector<std::string> args = {options_.binary, "--listen=127.0.0.1:0",
                                   absl::StrCat("--port_file=", port_file_)};
  if (options_.pass_data_dir) args.push_back(absl::StrCat("--data_dir=", data_dir_));
  if (absl::c_none_of(options_.extra_args, [](const std::string& arg) {
        return absl::StartsWith(arg, "--caller_key_file=");
      })) {
    const std::string key_file = temp_.File("caller.key");
    std::ofstream(key_file) << kTestCallerKey << "\n";
    args.push_back(absl::StrCat("--caller_key_file=", key_file));
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);

  const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoError(absl::StrCat("open ", log_path_));
  const int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (null_fd < 0) {
    close(log_fd);
    return ErrnoError("open /dev/null");
  }
  const std::string command_line = absl::StrJoin(args, " ");
  const std::string header = absl::StrCat("$ ", command_line, "\n");
  (void)!write(log_fd, header.data(), header.size());

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    close(null_fd);
    return ErrnoError("fork");
  }
  if (pid == 0) {
    // The child of a multi-threaded parent: async-signal-safe calls only.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // the parent died before prctl
    dup2(null_fd, STDIN_FILENO);
    dup2(log_fd, STDOUT_FILENO);
    dup2(log_fd, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    if (options_.in_child != nullptr && !options_.in_child(options_.in_child_arg)) _exit(126);
    execv(argv[0], argv.data());
    static constexpr char kExecFailed[] = "server_process: execv failed\n";
    (void)!write(STDERR_FILENO, kExecFailed, sizeof(kExecFailed) - 1);
    _exit(127);
  }
  close(log_fd);
  close(null_fd);
  pid_ = pid;

  const absl::Time deadline = absl::Now() + options_.start_timeout;
  while (true) {
    if (const int port = ReadPortFile(); port > 0) {
      port_ = port;
      return absl::OkStatus();
    }
    absl::StatusOr<int> exited = WaitForExit(absl::ZeroDuration());
    if (exited.ok()) {
      return absl::InternalError(absl::StrCat(command_line, " ", DescribeWaitStatus(*exited),
                                              " before writing its port file", LogTail()));
    }
    if (absl::Now() > deadline) {
      kill(pid_, SIGKILL);
      (void)WaitForExit(kKillTimeout);
      return absl::DeadlineExceededError(absl::StrCat(command_line, " wrote no port file within ",
                                                      absl::FormatDuration(options_.start_timeout),
                                                      "; killed it", LogTail()));
    }
    absl::SleepFor(kPollInterval);
  }
}

int ServerProcess::ReadPortFile() const {
  const std::string content = ReadFileOrEmpty(port_file_);
  // The server renames a complete file into place; the newline says so.
  if (content.empty() || content.back() != '\n') return 0;
  int port = 0;
  if (!absl::SimpleAtoi(absl::string_view(content).substr(0, content.size() - 1), &port) ||
      port <= 0 || port > 65535) {
    return 0;
  }
  return port;
}

absl::StatusOr<int> ServerProcess::WaitForExit(absl::Duration timeout) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server is not running");
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    int wait_status = 0;
    const pid_t reaped = waitpid(pid_, &wait_status, WNOHANG);
    if (reaped == pid_) {
      pid_ = -1;
      return wait_status;
    }
    if (reaped < 0 && errno != EINTR) {
      const absl::Status status = ErrnoError(absl::StrCat("waitpid ", pid_));
      pid_ = -1;  // not our child any more; nothing left to reap
      return status;
    }
    if (absl::Now() >= deadline) {
      return absl::DeadlineExceededError(absl::StrCat("process ", pid_, " is still running"));
    }
    absl::SleepFor(kPollInterval);
  }
}

absl::StatusOr<int> ServerProcess::Stop(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server is not running");
  if (kill(pid_, signal) != 0) return ErrnoError(absl::StrCat("kill ", pid_));
  absl::StatusOr<int> wait_status = WaitForExit(options_.stop_timeout);
  if (!wait_status.ok()) {
    kill(pid_, SIGKILL);
    (void)WaitForExit(kKillTimeout);
    return absl::DeadlineExceededError(
        absl::StrCat("the server did not exit within ", absl::FormatDuration(options_.stop_timeout),
                     " of signal ", signal, " (", strsignal(signal), "); killed it", LogTail()));
  }
  if (!WIFEXITED(*wait_status)) {
    return absl::InternalError(
        absl::StrCat("the server ", DescribeWaitStatus(*wait_status), LogTail()));
  }
  return WEXITSTATUS(*wait_status);
}

absl::Status ServerProcess::Kill() {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server is not running");
  if (kill(pid_, SIGKILL) != 0) return ErrnoError(absl::StrCat("kill ", pid_));
  return WaitForExit(kKillTimeout).status();
}

namespace {

// Whether every thread of `pid` is in state T (stopped) per /proc.
bool AllThreadsStopped(pid_t pid) {
  std::error_code error;
  const std::filesystem::path tasks = absl::StrCat("/proc/", pid, "/task");
  for (const auto& task : std::filesystem::directory_iterator(tasks, error)) {
    std::ifstream stat(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "tid (comm) S ...": the state follows the last ')', as comm may hold one.
    const size_t paren = text.rfind(')');
    if (paren == std::string::npos || paren + 2 >= text.size()) return false;
    if (text[paren + 2] != 'T' && text[paren + 2] != 't') return false;
  }
  return !error;
}

}  // namespace

absl::Status ServerProcess::Signal(int signal) {
  if (pid_ <= 0) return absl::FailedPreconditionError("the server is not running");
  if (kill(pid_, signal) != 0) return ErrnoError(absl::StrCat("kill -", signal, " ", pid_));
  if (signal != SIGSTOP) return absl::OkStatus();
  const absl::Time limit = absl::Now() + absl::Seconds(10);
  while (!AllThreadsStopped(pid_)) {
    if (absl::Now() > limit) {
      return absl::DeadlineExceededError(absl::StrCat("pid ", pid_, " did not stop within 10 s"));
    }
    absl::SleepFor(absl::Milliseconds(1));
  }
  return absl::OkStatus();
}

absl::StatusOr<ProcessUsage> ReadProcessUsage(pid_t pid) {
  const std::string proc = absl::StrCat("/proc/", pid);
  std::ifstream status(proc + "/status");
  if (!status) return absl::NotFoundError(absl::StrCat("no ", proc, "/status"));
  ProcessUsage usage;
  std::string line;
  while (std::getline(status, line)) {
    // "VmRSS:\t  12345 kB", "Threads:\t7"
    std::istringstream fields(line);
    std::string key;
    int64_t value = 0;
    fields >> key >> value;
    if (key == "VmRSS:") usage.rss_bytes = value * 1024;
    if (key == "Threads:") usage.threads = static_cast<int>(value);
  }
  std::error_code error;
  for (std::filesystem::directory_iterator it(proc + "/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++usage.open_fds;
  }
  if (error) return absl::InternalError(absl::StrCat("listing ", proc, "/fd: ", error.message()));
  return usage;
}

absl::Status ServerProcess::Restart() {
  if (pid_ > 0) {
    absl::StatusOr<int> code = Stop();
    if (!code.ok()) return code.status();
    if (*code != 0) {
      return absl::InternalError(
          absl::StrCat("the server exited with code ", *code, " on SIGTERM", LogTail()));
    }
  }
  return Start();
}

namespace {

grpc::ChannelArguments TestChannelArguments() {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return args;
}

}  // namespace

std::shared_ptr<grpc::Channel> CreateTestChannel(const std::string& address) {
  return CreateSignedChannel(address, grpc::InsecureChannelCredentials(), TestChannelArguments(),
                             CallerSigner(kTestCallerKey), Caller{.principal = kTestPrincipal});
}

std::shared_ptr<grpc::Channel> CreateUnsignedTestChannel(const std::string& address) {
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   TestChannelArguments());
}

std::unique_ptr<grpc::ClientContext> NewClientContext(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

absl::StatusOr<std::vector<std::string>> ListServicesByReflection(
    const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  grpc::GenericStub stub(channel);
  auto context = NewClientContext(timeout);
  grpc::CompletionQueue queue;
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      context.get(), "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &queue);
  // Runs one operation to completion; the context's deadline bounds it.
  auto await = [&queue](intptr_t expected_tag) {
    void* tag = nullptr;
    bool ok = false;
    if (!queue.Next(&tag, &ok)) return false;
    return ok && reinterpret_cast<intptr_t>(tag) == expected_tag;
  };
  auto finish = [&](absl::string_view failed_step) -> absl::Status {
    grpc::Status status;
    call->Finish(&status, reinterpret_cast<void*>(99));
    await(99);
    if (!status.ok()) return FromGrpcStatus(status);
    return absl::InternalError(absl::StrCat("reflection stream: ", failed_step, " failed"));
  };
  auto drain = [&queue] {
    queue.Shutdown();
    void* tag = nullptr;
    bool ok = false;
    while (queue.Next(&tag, &ok)) {
    }
  };

  std::string response_bytes;
  absl::Status status = [&]() -> absl::Status {
    call->StartCall(reinterpret_cast<void*>(1));
    if (!await(1)) return finish("start");
    // ServerReflectionRequest { oneof { string list_services = 7; } }
    call->Write(ToByteBuffer(EncodeStringField(7, "*")), reinterpret_cast<void*>(2));
    if (!await(2)) return finish("write");
    call->WritesDone(reinterpret_cast<void*>(3));
    if (!await(3)) return finish("writes done");
    grpc::ByteBuffer response;
    call->Read(&response, reinterpret_cast<void*>(4));
    if (!await(4)) return finish("read");
    absl::StatusOr<std::string> bytes = FromByteBuffer(response);
    if (!bytes.ok()) return bytes.status();
    response_bytes = *std::move(bytes);
    grpc::Status final_status;
    call->Finish(&final_status, reinterpret_cast<void*>(5));
    await(5);
    return FromGrpcStatus(final_status);
  }();
  drain();
  if (!status.ok()) return status;

  // ServerReflectionResponse { ListServiceResponse list_services_response = 6;
  //                            ErrorResponse error_response = 7; }
  // ListServiceResponse { repeated ServiceResponse service = 1; }
  // ServiceResponse { string name = 1; }
  // ErrorResponse { int32 error_code = 1; string error_message = 2; }
  google::protobuf::UnknownFieldSet top;
  if (status = ParseWire(response_bytes, "a ServerReflectionResponse", &top); !status.ok()) {
    return status;
  }
  std::vector<std::string> services;
  bool listed = false;
  for (int i = 0; i < top.field_count(); ++i) {
    const google::protobuf::UnknownField& field = top.field(i);
    if (field.type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) continue;
    if (field.number() == 7) {
      return absl::InternalError(absl::StrCat("reflection answered with an error response of ",
                                              field.length_delimited().size(), " bytes"));
    }
    if (field.number() != 6) continue;
    listed = true;
    google::protobuf::UnknownFieldSet list;
    if (status = ParseWire(field.length_delimited(), "a ListServiceResponse", &list);
        !status.ok()) {
      return status;
    }
    for (int j = 0; j < list.field_count(); ++j) {
      if (list.field(j).number() != 1 ||
          list.field(j).type() != google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
        continue;
      }
      google::protobuf::UnknownFieldSet service;
      if (status = ParseWire(list.field(j).length_delimited(), "a ServiceResponse", &service);
          !status.ok()) {
        return status;
      }
      for (int k = 0; k < service.field_count(); ++k) {
        if (service.field(k).number() == 1 &&
            service.field(k).type() == google::protobuf::UnknownField::TYPE_LENGTH_DELIMITED) {
          services.push_back(service.field(k).length_delimited());
        }
      }
    }
  }
  if (!listed) return absl::InternalError("the reflection response lists no services");
  return services;
}

}  // namespace grassroots::testing
