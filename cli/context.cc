#include "cli/context.h"

#include <algorithm>
#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/file_util.h"

namespace grassroots::cli {
namespace {

// "PERMISSION_DENIED" → "permission denied": the code as people read it.
std::string CodeWords(grpc::StatusCode code) {
  std::string words =
      absl::AsciiStrToLower(absl::StatusCodeToString(static_cast<absl::StatusCode>(code)));
  std::replace(words.begin(), words.end(), '_', ' ');
  return words;
}

std::string ReadFile(const std::string& path, const char* what) {
  absl::StatusOr<std::string> contents = ReadWholeFile(path, what);
  if (!contents.ok()) UsageError(std::string(contents.status().message()));
  return *std::move(contents);
}

}  // namespace

void CallFailed(const grpc::Status& status) {
  std::string message = CodeWords(status.error_code());
  if (!status.error_message().empty()) absl::StrAppend(&message, ": ", status.error_message());
  throw CommandError(kExitCallFailed, message);
}

org::v1::OrgService::Stub& Context::org() {
  Connect();
  return *org_;
}

roster::v1::RosterService::Stub& Context::roster() {
  Connect();
  return *roster_;
}

casework::v1::CaseworkService::Stub& Context::casework() {
  Connect();
  return *casework_;
}

activity::v1::ActivityService::Stub& Context::activity() {
  Connect();
  return *activity_;
}

gateway::v1::GatewayService::Stub& Context::gateway_service() {
  Connect();
  return *gateway_;
}

void Context::Prepare(grpc::ClientContext& context, bool unary) {
  context.AddMetadata("authorization", absl::StrCat("Bearer ", Token()));
  if (unary) context.set_deadline(std::chrono::system_clock::now() + timeout);
}

void Context::Connect() {
  if (channel_ != nullptr) return;
  std::shared_ptr<grpc::ChannelCredentials> credentials;
  if (tls_ca_file.empty()) {
    credentials = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions options;
    options.pem_root_certs = ReadFile(tls_ca_file, "--tls-ca");
    credentials = grpc::SslCredentials(options);
  }
  channel_ = grpc::CreateChannel(gateway, credentials);
  org_ = org::v1::OrgService::NewStub(channel_);
  roster_ = roster::v1::RosterService::NewStub(channel_);
  casework_ = casework::v1::CaseworkService::NewStub(channel_);
  activity_ = activity::v1::ActivityService::NewStub(channel_);
  gateway_ = gateway::v1::GatewayService::NewStub(channel_);
}

std::string Context::Token() {
  if (!token_.empty()) return token_;
  std::string token;
  if (!token_file.empty()) {
    const std::string contents = ReadFile(token_file, "--token-file");
    token = contents.substr(0, contents.find('\n'));
  } else if (const char* env = std::getenv("ORGCTL_TOKEN"); env != nullptr) {
    token = env;
  }
  absl::StripAsciiWhitespace(&token);
  if (token.empty()) {
    // The gateway would refuse the call anyway; saying so here names the fix.
    throw CommandError(kExitCallFailed,
                       "unauthenticated: no token: use --token-file FILE or set ORGCTL_TOKEN");
  }
  token_ = std::move(token);
  return token_;
}

}  // namespace grassroots::cli
