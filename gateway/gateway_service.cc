#include "gateway/gateway_service.h"

#include <algorithm>
#include <string>

#include "common/grpc_status.h"
#include "common/proto_convert.h"

namespace grassroots::gateway {
namespace {

// An aggregate makes many calls; it gets this long at most.
constexpr absl::Duration kMaxAggregateTime = absl::Seconds(30);

v1::WhoAmIResponse::Role ProtoRole(AccessRole role) {
  switch (role) {
    case AccessRole::kViewer:
      return v1::WhoAmIResponse::VIEWER;
    case AccessRole::kEditor:
      return v1::WhoAmIResponse::EDITOR;
    case AccessRole::kAdmin:
      return v1::WhoAmIResponse::ADMIN;
    case AccessRole::kAuditor:
      return v1::WhoAmIResponse::AUDITOR;
  }
  return v1::WhoAmIResponse::ROLE_UNSPECIFIED;
}

}  // namespace

template <typename Work>
grpc::ServerUnaryReactor* GatewayGrpcService::Run(grpc::CallbackServerContext* context,
                                                  absl::string_view method, Work work) {
  const absl::Time start = absl::Now();
  const std::string request_id = RequestIdOf(*context);
  context->AddInitialMetadata(kRequestIdKey, request_id);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto finish = [this, reactor, start, request_id, method, peer = context->peer()](
                    const std::string& principal, const absl::Status& status) {
    logs_->Record({.start = start,
                   .principal = principal,
                   .peer = peer,
                   .method = method,
                   .code = static_cast<int>(status.code()),
                   .request_id = request_id,
                   .reason = status.message()});
    reactor->Finish(ToGrpcStatus(status));
  };
  std::string who = "-";
  absl::StatusOr<Principal> principal = gatekeeper_->Admit(*context, Action::kRead, method, &who);
  if (!principal.ok()) {
    finish(who, principal.status());
    return reactor;
  }
  const absl::Time deadline =
      std::min(absl::FromChrono(context->deadline()), start + kMaxAggregateTime);
  pool_->Schedule(
      [principal = *std::move(principal), deadline, work = std::move(work),
       finish = std::move(finish)] { finish(principal.name, work(principal, deadline)); });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayGrpcService::WhoAmI(grpc::CallbackServerContext* context,
                                                     const v1::WhoAmIRequest* /*request*/,
                                                     v1::WhoAmIResponse* response) {
  return Run(context, "GatewayService.WhoAmI", [response](const Principal& p, absl::Time) {
    response->set_principal(p.name);
    response->set_role(ProtoRole(p.role));
    response->set_scope(p.ScopeName());
    response->set_may_see_personal_data(p.may_see_personal_data);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* GatewayGrpcService::GetCompoundProfile(
    grpc::CallbackServerContext* context, const v1::GetCompoundProfileRequest* request,
    v1::CompoundProfile* response) {
  return Run(context, "GatewayService.GetCompoundProfile",
             [this, request, response](const Principal& p, absl::Time deadline) {
               absl::StatusOr<v1::CompoundProfile> profile =
                   aggregator_->CompoundProfile(p, request->name(), deadline);
               if (!profile.ok()) return profile.status();
               *response = *std::move(profile);
               return absl::OkStatus();
             });
}

grpc::ServerUnaryReactor* GatewayGrpcService::GetUnitPath(grpc::CallbackServerContext* context,
                                                          const v1::GetUnitPathRequest* request,
                                                          v1::UnitPath* response) {
  return Run(context, "GatewayService.GetUnitPath",
             [this, request, response](const Principal& p, absl::Time deadline) {
               absl::StatusOr<v1::UnitPath> path =
                   aggregator_->UnitPath(p, request->name(), deadline);
               if (!path.ok()) return path.status();
               *response = *std::move(path);
               return absl::OkStatus();
             });
}

}  // namespace grassroots::gateway

namespace grassroots::gateway {

grpc::ServerUnaryReactor* GatewayGrpcService::ListSecurityCounters(
    grpc::CallbackServerContext* context, const v1::ListSecurityCountersRequest* /*request*/,
    v1::ListSecurityCountersResponse* response) {
  return Run(
      context, "GatewayService.ListSecurityCounters",
      [this, response](const Principal& p, absl::Time) {
        // Who was refused where is about every district: only for those who
        // oversee all of them.
        if (p.scope_unit.has_value() ||
            (p.role != AccessRole::kAdmin && p.role != AccessRole::kAuditor)) {
          return absl::PermissionDeniedError(
              "ListSecurityCounters is for an ADMIN or AUDITOR whose scope is every district (*)");
        }
        for (const SecurityCounters& c : security_->Counters()) {
          v1::SecurityCounters* out = response->add_counters();
          out->set_principal(c.who);
          out->set_unauthenticated(c.unauthenticated);
          out->set_permission_denied(c.permission_denied);
          out->set_rate_limited(c.rate_limited);
          out->set_uniqueness_conflicts(c.uniqueness_conflicts);
          TimeToProto(c.last, out->mutable_last_time());
        }
        TimeToProto(security_->since(), response->mutable_since());
        return absl::OkStatus();
      });
}

}  // namespace grassroots::gateway
