#ifndef GRASSROOTS_CLI_CONTEXT_H_
#define GRASSROOTS_CLI_CONTEXT_H_

// What every orgctl command shares: where the gateway is, the caller's
// token, the output format, and how a failed call or bad usage becomes one
// line on stderr and an exit code.
//
// orgctl talks only to the gateway, which serves grassroots.org.v1.OrgService,
// grassroots.roster.v1.RosterService, grassroots.casework.v1.CaseworkService,
// grassroots.activity.v1.ActivityService
// and grassroots.gateway.v1.GatewayService on one endpoint.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "google/protobuf/repeated_ptr_field.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/gateway/v1/gateway_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grpcpp/grpcpp.h"

namespace grassroots::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCallFailed = 1;  // a call failed, or rows were refused
inline constexpr int kExitUsage = 2;       // bad flags or arguments

// The page size lists ask for: large pages keep a full listing to few round
// trips, and the services accept up to 1000.
inline constexpr int kListPageSize = 500;

enum class OutputFormat { kTable, kJson, kCsv };

// Thrown by a command to end orgctl with one line on stderr:
// `orgctl: <message>` and `exit_code`. main() catches it; commands never
// call exit() themselves.
class CommandError : public std::runtime_error {
 public:
  CommandError(int exit_code, const std::string& message)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

// Bad usage noticed after parsing (a malformed resource name, a bad date).
[[noreturn]] inline void UsageError(const std::string& message) {
  throw CommandError(kExitUsage, message);
}

// A failed call: `orgctl: permission denied: units/123 is outside your scope
// units/7` (the status code in lower-case words, then the gateway's message).
[[noreturn]] void CallFailed(const grpc::Status& status);

// Global options (filled in by CLI11 before any command runs) and the
// connection, made on first use.
class Context {
 public:
  // --gateway, else $ORGCTL_GATEWAY, else 127.0.0.1:50050.
  std::string gateway;
  // --token-file (a file holding the token on its first line), else
  // $ORGCTL_TOKEN. A UsageError when the file cannot be read; when there is
  // no token at all, the call fails as the gateway would answer it
  // (`orgctl: unauthenticated: ...`, exit 1) without being sent.
  std::string token_file;
  OutputFormat output = OutputFormat::kTable;
  // --timeout: the deadline of each unary call; streams get no deadline.
  std::chrono::milliseconds timeout{10000};
  // --tls-ca: PEM roots; TLS is used when set, plaintext otherwise.
  std::string tls_ca_file;

  org::v1::OrgService::Stub& org();
  roster::v1::RosterService::Stub& roster();
  casework::v1::CaseworkService::Stub& casework();
  activity::v1::ActivityService::Stub& activity();
  gateway::v1::GatewayService::Stub& gateway_service();

  // Sets the bearer token and, when `unary`, the deadline on `context`.
  void Prepare(grpc::ClientContext& context, bool unary = true);

  // Makes one unary call, e.g. `Call(org(), &OrgStub::GetUnit, request)`,
  // with a Prepare()d context. Returns the response; a failed call ends
  // orgctl through CallFailed.
  template <typename Stub, typename Request, typename Response>
  Response Call(Stub& stub,
                grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                const std::type_identity_t<Request>& request) {
    grpc::ClientContext context;
    Prepare(context);
    Response response;
    const grpc::Status status = (stub.*method)(&context, request, &response);
    if (!status.ok()) CallFailed(status);
    return response;
  }

  // Pages through a List method with kListPageSize pages, following
  // next_page_token to the last page, or until `limit` items when `limit` is
  // positive. `items` is the response's repeated field, e.g.
  // `&ListUnitsResponse::units`. Every page is its own call with its own
  // deadline; the page token keeps them all at the first page's revision.
  template <typename Stub, typename Request, typename Response, typename Item>
  std::vector<Item> ListAll(
      Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
      Request request, const google::protobuf::RepeatedPtrField<Item>& (Response::*items)() const,
      int64_t limit = 0) {
    std::vector<Item> all;
    do {
      int64_t page_size = kListPageSize;
      if (limit > 0)
        page_size = std::min<int64_t>(page_size, limit - static_cast<int64_t>(all.size()));
      request.set_page_size(static_cast<int32_t>(page_size));
      Response response = Call(stub, method, request);
      const auto& page = (response.*items)();
      all.insert(all.end(), page.begin(), page.end());
      request.set_page_token(response.next_page_token());
    } while (!request.page_token().empty() &&
             (limit <= 0 || static_cast<int64_t>(all.size()) < limit));
    if (limit > 0 && static_cast<int64_t>(all.size()) > limit) all.resize(limit);
    return all;
  }

 private:
  void Connect();
  std::string Token();

  std::shared_ptr<grpc::Channel> channel_;
  std::string token_;
  std::unique_ptr<org::v1::OrgService::Stub> org_;
  std::unique_ptr<roster::v1::RosterService::Stub> roster_;
  std::unique_ptr<casework::v1::CaseworkService::Stub> casework_;
  std::unique_ptr<activity::v1::ActivityService::Stub> activity_;
  std::unique_ptr<gateway::v1::GatewayService::Stub> gateway_;
};

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_CONTEXT_H_
