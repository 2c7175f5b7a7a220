#include "gateway/forwarder.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/caller_metadata.h"
#include "common/grpc_probe.h"
#include "common/grpc_status.h"

namespace grassroots::gateway {
namespace {

// What a request names, for the security log: up to three resource names.
std::string DescribeTargets(const std::vector<Target>& targets) {
  if (targets.empty()) return "-";
  std::string out;
  for (size_t i = 0; i < targets.size() && i < 3; ++i) {
    absl::StrAppend(&out, i > 0 ? "," : "", targets[i].ResourceName());
  }
  if (targets.size() > 3) absl::StrAppend(&out, ",+", targets.size() - 3, " more");
  return out;
}

class ForwardedCall;

// The backend side of a streaming call: its events go to the call.
class Upstream final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit Upstream(ForwardedCall* call) : call_(call) {}
  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

  grpc::ByteBuffer message;  // the message being read

 private:
  ForwardedCall* const call_;
};

// One call from a client, from its admission to its access-log line.
//
// The shapes:
// - unary: read the request, check it, UnaryCall the backend, filter the
//   response, StartWriteAndFinish;
// - server streaming: read the request, check it, open the backend stream
//   with it, then relay message by message (each filtered; a message left
//   empty is skipped), reading the next backend message only once the
//   client has taken the last one, so a slow client slows the backend
//   stream instead of filling memory;
// - client streaming (the import): each client message is checked before
//   it is written to the backend; the first one refused cancels the
//   backend call and finishes the call with the refusal.
//
// gRPC runs the server-side and backend-side reactions on its threads, and
// checks that need lookups run on the worker pool, so what they share is
// guarded by mu_. Each flow is sequential — at most one of: a server read,
// a server write, a backend operation the flow waits for, a pool task — so
// the flow itself never races. The backend stream is held (AddHold) until
// the flow has started its last operation on it (ReleaseUpstream), so its
// OnDone, which finishes the call, comes only when nothing else of the call
// is pending: no pool task, no server read or write. Finish is called once,
// outside the lock, and nothing touches the call afterwards (OnDone deletes
// it).
class ForwardedCall final : public grpc::ServerGenericBidiReactor {
 public:
  ForwardedCall(const ForwarderDeps& deps, grpc::GenericCallbackServerContext* context)
      : deps_(deps), context_(context), start_(absl::Now()) {
    request_id_ = RequestIdOf(*context);
    context->AddInitialMetadata(kRequestIdKey, request_id_);
    route_ = deps.routes->Find(context->method());
    if (route_ == nullptr) {
      Fail(absl::UnimplementedError(
          absl::StrCat("method ", context->method(), " is not served by the gateway")));
      return;
    }
    absl::StatusOr<Principal> principal =
        deps.gatekeeper->Admit(*context, route_->action, route_->short_name, &principal_.name);
    if (!principal.ok()) {
      Fail(principal.status());
      return;
    }
    principal_ = *std::move(principal);
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (route_->shape == CallShape::kClientStream) return ImportReadDone(ok);
    if (!ok) {
      return Fail(context_->IsCancelled()
                      ? absl::CancelledError("the client cancelled the call")
                      : absl::InvalidArgumentError("request: the call ended before its request"));
    }
    Authorize(request_, [this](absl::Status status) {
      if (!status.ok()) return Fail(status);
      if (absl::Status opened = OpenPageToken(); !opened.ok()) return Fail(opened);
      if (Stub() == nullptr) {
        return Fail(absl::UnavailableError(
            absl::StrCat(route_->short_name,
                         ": this gateway has no backend for it (its address flag, "
                         "--casework_address or --activity_address, is not set)")));
      }
      StartBackend();
    });
  }

  void OnWriteDone(bool ok) override {
    // Server streaming only: the client took a relayed message (the backend
    // stream is still held, so reading on is safe even if it has ended).
    if (!ok) return Abort(absl::CancelledError("the client went away"));
    StartUpstreamRead();
  }

  // The backend call is cancelled with it (or as soon as it starts); its end
  // finishes this call. Never finishes directly: work for the call may be
  // running on the worker pool.
  void OnCancel() override {
    grpc::ClientContext* backend = nullptr;
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      if (failure_.ok()) failure_ = absl::CancelledError("the client cancelled the call");
      backend = client_context_.get();
    }
    if (backend != nullptr) backend->TryCancel();
  }

  void OnDone() override {
    // The peer only for the security log's lines: most calls need none.
    const std::string peer = SecurityLog::Records(code_) ? context_->peer() : std::string();
    deps_.logs->Record({.start = start_,
                        .principal = principal_.name.empty() ? "-" : principal_.name,
                        .peer = peer,
                        .method = route_ != nullptr ? absl::string_view(route_->short_name)
                                                    : absl::string_view(context_->method()),
                        .code = code_,
                        .request_id = request_id_,
                        .resource = resource_,
                        .reason = reason_});
    delete this;
  }

  // --- The backend stream's reactions.

  void UpstreamWriteDone(bool ok) {
    if (route_->shape != CallShape::kClientStream) return;  // the one request
    // Client streaming: the backend took the message; read the next one.
    // When it failed, nothing more goes to it; its end finishes the call.
    if (!ok) return ReleaseUpstream();
    StartRead(&request_);
  }

  void UpstreamReadDone(bool ok) {
    if (route_->shape == CallShape::kClientStream) {
      // The one response, read while the rows went out.
      if (ok) {
        absl::MutexLock lock(&mu_);
        have_import_response_ = true;
      }
      return;
    }
    // Server streaming: the stream has ended, or a message to relay.
    if (!ok) return ReleaseUpstream();
    FilterThen(upstream_->message, [this](FilterOutcome outcome, absl::Status error) {
      if (error.ok() && outcome == FilterOutcome::kDenied) error = Denied();
      if (!error.ok()) return Abort(error);
      if (outcome == FilterOutcome::kEmpty) return StartUpstreamRead();
      out_.Swap(&upstream_->message);
      StartWrite(&out_);
    });
  }

  // Runs only once the flow has released the backend stream: nothing else
  // of the call is pending.
  void UpstreamDone(const grpc::Status& status) {
    absl::Status failure;
    {
      absl::MutexLock lock(&mu_);
      failure = failure_;
    }
    if (!failure.ok()) return Fail(failure);
    bool have_response = false;
    {
      absl::MutexLock lock(&mu_);
      have_response = have_import_response_;
    }
    if (route_->shape == CallShape::kClientStream && status.ok() && have_response) {
      return FilterThen(upstream_->message, [this](FilterOutcome outcome, absl::Status error) {
        if (error.ok() && outcome == FilterOutcome::kDenied) error = Denied();
        if (!error.ok()) return Fail(error);
        FinishCall(grpc::Status::OK, &upstream_->message);
      });
    }
    FinishCall(status);
  }

 private:
  // The deadline of the call and of everything done for it.
  absl::Time Deadline() const {
    absl::Time deadline = absl::FromChrono(context_->deadline());
    if (route_->shape == CallShape::kUnary) {
      deadline = std::min(deadline, start_ + deps_.max_unary_deadline);
    }
    return deadline;
  }

  bool Scoped() const { return principal_.scope_unit.has_value(); }

  absl::Status Denied() const {
    if (!route_->hide_not_found_message.empty()) {
      return absl::PermissionDeniedError(
          absl::StrCat(route_->hide_not_found_message, " ", principal_.ScopeName()));
    }
    return absl::PermissionDeniedError(
        absl::StrCat("the answer lies outside your scope ", principal_.ScopeName()));
  }

  // Runs `then` with whether everything `message` names is in scope: at
  // once when memory can tell, else on the worker pool.
  void Authorize(const grpc::ByteBuffer& message, std::function<void(absl::Status)> then) {
    if (!principal_.may_see_personal_data && route_->needs_grant) {
      if (absl::Status refused = route_->needs_grant(message); !refused.ok()) return then(refused);
    }
    if (!Scoped()) return then(absl::OkStatus());
    absl::StatusOr<std::vector<Target>> targets = route_->targets(message);
    if (!targets.ok()) return then(targets.status());
    resource_ = DescribeTargets(*targets);
    if (std::optional<absl::Status> quick = deps_.checker->TryCheck(principal_, *targets)) {
      return then(*quick);
    }
    deps_.pool->Schedule([this, targets = *std::move(targets), then = std::move(then)] {
      // A call the client has left costs no lookups.
      if (context_->IsCancelled())
        return then(absl::CancelledError("the client cancelled the call"));
      then(deps_.checker->Check(principal_, targets, Deadline()));
    });
  }

  // Filters `message` in place to the scope, then runs `then` with the
  // outcome and any lookup error.
  void FilterThen(grpc::ByteBuffer& message,
                  std::function<void(FilterOutcome, absl::Status)> then) {
    if (!route_->filter || !Scoped()) return then(FilterOutcome::kUnchanged, absl::OkStatus());
    const FilterOutcome quick = route_->filter(
        message, [this](const Target& t) { return deps_.checker->TryInScope(principal_, t); });
    if (quick != FilterOutcome::kUndecided) return then(quick, absl::OkStatus());
    deps_.pool->Schedule([this, &message, then = std::move(then)] {
      absl::Status error;
      const absl::Time deadline = Deadline();
      const FilterOutcome outcome =
          route_->filter(message, [&](const Target& t) -> std::optional<bool> {
            if (error.ok() && context_->IsCancelled()) {
              error = absl::CancelledError("the client cancelled the call");
            }
            if (!error.ok()) return false;
            absl::StatusOr<bool> in = deps_.checker->InScope(principal_, t, deadline);
            if (!in.ok()) {
              error = in.status();
              return false;
            }
            return *in;
          });
      then(outcome, error);
    });
  }

  // A context for the backend call: the caller's deadline and cancellation,
  // the request id, and the caller, signed.
  void MakeClientContext() {
    std::unique_ptr<grpc::ClientContext> context =
        grpc::ClientContext::FromCallbackServerContext(*context_);
    if (route_->shape == CallShape::kUnary) context->set_deadline(absl::ToChronoTime(Deadline()));
    context->AddMetadata(kRequestIdKey, request_id_);
    if (deps_.signer != nullptr) {
      AttachCaller(*deps_.signer,
                   Caller{.principal = principal_.name,
                          .may_see_personal_data = principal_.may_see_personal_data},
                   *context);
    }
    bool cancelled = false;
    {
      absl::MutexLock lock(&mu_);
      client_context_ = std::move(context);
      cancelled = cancelled_;
    }
    if (cancelled) client_context_->TryCancel();
  }

  grpc::GenericStub* Stub() const {
    switch (route_->backend) {
      case Backend::kOrg:
        return deps_.org;
      case Backend::kRoster:
        return deps_.roster;
      case Backend::kCasework:
        return deps_.casework;
      case Backend::kActivity:
        return deps_.activity;
    }
    return deps_.org;
  }

  void StartBackend() {
    MakeClientContext();
    if (route_->shape == CallShape::kUnary) {
      Stub()->UnaryCall(client_context_.get(), route_->method, grpc::StubOptions(), &request_,
                        &response_, [this](grpc::Status status) { UnaryDone(std::move(status)); });
      return;
    }
    // Server streaming: the one request, then the messages as they come.
    upstream_ = std::make_unique<Upstream>(this);
    Stub()->PrepareBidiStreamingCall(client_context_.get(), route_->method, grpc::StubOptions(),
                                     upstream_.get());
    upstream_->AddHold();  // until ReleaseUpstream
    upstream_->StartWriteLast(&request_, grpc::WriteOptions());
    upstream_->StartRead(&upstream_->message);
    upstream_->StartCall();
  }

  void StartUpstreamRead() { upstream_->StartRead(&upstream_->message); }

  void UnaryDone(grpc::Status status) {
    if (!status.ok()) {
      if (Scoped() && status.error_code() == grpc::StatusCode::NOT_FOUND &&
          !route_->hide_not_found_message.empty()) {
        return Fail(Denied());
      }
      if (Scoped()) {
        // A uniqueness conflict names whoever holds the value, and a
        // casework or activity refusal the person a request named (an
        // assignee, a reporter, an attendee): any may be outside the scope.
        return FinishCall(
            grpc::Status(status.error_code(), RedactPersonNames(status.error_message())));
      }
      return FinishCall(status);
    }
    FilterThen(response_, [this](FilterOutcome outcome, absl::Status error) {
      if (!error.ok()) return Fail(error);
      if (outcome == FilterOutcome::kDenied) return Fail(Denied());
      if (absl::Status sealed = SealPageToken(); !sealed.ok()) return Fail(sealed);
      FinishCall(grpc::Status::OK, &response_);
    });
  }

  // --- Page tokens (a paged list's, unary): the client holds them sealed
  // for itself and its query; the backend gets its own token back.

  absl::Status OpenPageToken() {
    if (route_->page_token_field == 0 || deps_.sealer == nullptr) return absl::OkStatus();
    absl::StatusOr<std::string> bytes = wire::FromByteBuffer(request_);
    if (!bytes.ok()) return bytes.status();
    absl::StatusOr<std::string> query = WithoutFields(
        *bytes, {route_->page_token_field, route_->page_size_field, route_->read_revision_field});
    if (!query.ok()) return query.status();
    page_binding_ = PageTokenSealer::Binding(principal_.name, route_->method, *query);
    absl::StatusOr<std::string> sealed = ReadStringField(*bytes, route_->page_token_field);
    if (!sealed.ok()) return sealed.status();
    if (sealed->empty()) return absl::OkStatus();
    absl::StatusOr<std::string> token = deps_.sealer->Open(*sealed, page_binding_);
    if (!token.ok()) return token.status();
    absl::StatusOr<std::string> forwarded =
        WithStringField(*bytes, route_->page_token_field, *token);
    if (!forwarded.ok()) return forwarded.status();
    request_ = wire::ToByteBuffer(*forwarded);
    return absl::OkStatus();
  }

  absl::Status SealPageToken() {
    if (route_->next_page_token_field == 0 || deps_.sealer == nullptr) return absl::OkStatus();
    absl::StatusOr<std::string> bytes = wire::FromByteBuffer(response_);
    if (!bytes.ok()) return bytes.status();
    absl::StatusOr<std::string> token = ReadStringField(*bytes, route_->next_page_token_field);
    if (!token.ok() || token->empty()) return token.status();
    absl::StatusOr<std::string> sealed = WithStringField(*bytes, route_->next_page_token_field,
                                                         deps_.sealer->Seal(*token, page_binding_));
    if (!sealed.ok()) return sealed.status();
    response_ = wire::ToByteBuffer(*sealed);
    return absl::OkStatus();
  }

  // --- Client streaming.

  void ImportReadDone(bool ok) {
    if (!ok) {
      // The client has sent everything (or went away, and the cancellation
      // reaches the backend by itself).
      EnsureImportUpstream();
      upstream_->StartWritesDone();
      ReleaseUpstream();  // nothing more goes to the backend
      return;
    }
    Authorize(request_, [this](absl::Status status) {
      if (!status.ok()) return Abort(status);
      EnsureImportUpstream();
      upstream_->StartWrite(&request_);
    });
  }

  void EnsureImportUpstream() {
    if (upstream_ != nullptr) return;
    MakeClientContext();
    upstream_ = std::make_unique<Upstream>(this);
    Stub()->PrepareBidiStreamingCall(client_context_.get(), route_->method, grpc::StubOptions(),
                                     upstream_.get());
    upstream_->AddHold();                       // until ReleaseUpstream
    upstream_->StartRead(&upstream_->message);  // the one response
    upstream_->StartCall();
  }

  // Ends a streaming call with `reason` (unless one was set first), from
  // within its own flow: cancels the backend call and releases it, so that
  // its end finishes this call; or finishes at once when there is no backend
  // call yet.
  void Abort(const absl::Status& reason) {
    {
      absl::MutexLock lock(&mu_);
      if (failure_.ok()) failure_ = reason;
    }
    if (upstream_ == nullptr) return Fail(reason);
    client_context_->TryCancel();
    ReleaseUpstream();
  }

  // The flow will start nothing more on the backend stream: let its OnDone
  // come. Once.
  void ReleaseUpstream() {
    {
      absl::MutexLock lock(&mu_);
      if (upstream_released_) return;
      upstream_released_ = true;
    }
    upstream_->RemoveHold();
  }

  void Fail(const absl::Status& status) { FinishCall(ToGrpcStatus(status)); }

  // Finishes once; `message` (owned by the call) is written first when set.
  void FinishCall(const grpc::Status& status, const grpc::ByteBuffer* message = nullptr) {
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      finished_ = true;
      code_ = status.error_code();
      reason_ = status.error_message();
    }
    if (message != nullptr) {
      StartWriteAndFinish(message, grpc::WriteOptions(), status);
    } else {
      Finish(status);
    }
  }

  const ForwarderDeps& deps_;
  grpc::GenericCallbackServerContext* const context_;
  const absl::Time start_;
  const Route* route_ = nullptr;
  Principal principal_;
  std::string request_id_;

  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;  // unary
  std::string page_binding_;   // a paged list's: who asks what (OpenPageToken)
  grpc::ByteBuffer out_;       // the message being written to the client
  std::unique_ptr<grpc::ClientContext> client_context_;
  std::unique_ptr<Upstream> upstream_;

  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool upstream_released_ ABSL_GUARDED_BY(mu_) = false;
  bool have_import_response_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  int code_ = 0;                // written by FinishCall before Finish, read in OnDone
  std::string reason_;          // likewise: the status message
  std::string resource_ = "-";  // what the request named, once Authorize parsed it
};

void Upstream::OnWriteDone(bool ok) { call_->UpstreamWriteDone(ok); }
void Upstream::OnReadDone(bool ok) { call_->UpstreamReadDone(ok); }
void Upstream::OnDone(const grpc::Status& status) { call_->UpstreamDone(status); }

}  // namespace

grpc::ServerGenericBidiReactor* Forwarder::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  return new ForwardedCall(deps_, context);
}

}  // namespace grassroots::gateway
