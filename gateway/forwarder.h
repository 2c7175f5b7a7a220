#ifndef GRASSROOTS_GATEWAY_FORWARDER_H_
#define GRASSROOTS_GATEWAY_FORWARDER_H_

// Serves the services' APIs unchanged by forwarding each call, as raw
// bytes, to its backend: after the gatekeeper admitted the caller and the
// scope checker found every resource the request names in scope; with the
// caller's deadline and cancellation, the request id, and the caller signed
// for the backend; with the response (each message of a stream) filtered to
// the scope. Unary, server-streaming and client-streaming calls alike.

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/generic/generic_stub.h>

#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "gateway/gatekeeper.h"
#include "gateway/page_token_sealer.h"
#include "gateway/routes.h"
#include "gateway/scope_checker.h"
#include "gateway/security_log.h"
#include "gateway/worker_pool.h"

namespace grassroots::gateway {

// None owned; all must outlive the server.
struct ForwarderDeps {
  const RouteTable* routes = nullptr;
  Gatekeeper* gatekeeper = nullptr;
  const ScopeChecker* checker = nullptr;
  WorkerPool* pool = nullptr;  // for checks and filters that need lookups
  grpc::GenericStub* org = nullptr;
  grpc::GenericStub* roster = nullptr;
  grpc::GenericStub* casework = nullptr;  // null: no casework service configured
  grpc::GenericStub* activity = nullptr;  // null: no activity service configured
  const CallerSigner* signer = nullptr;
  // Seals the backends' page tokens for clients; null forwards them as they
  // are (tests of other things).
  const PageTokenSealer* sealer = nullptr;
  const CallLogs* logs = nullptr;
  // A unary call's deadline at its backend when the caller set none or a
  // later one: a hung backend never holds a call for ever.
  absl::Duration max_unary_deadline = absl::Seconds(30);
};

class Forwarder final : public grpc::CallbackGenericService {
 public:
  explicit Forwarder(ForwarderDeps deps) : deps_(deps) {}

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

 private:
  const ForwarderDeps deps_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_FORWARDER_H_
