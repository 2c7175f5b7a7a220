#ifndef GRASSROOTS_GATEWAY_GATEWAY_SERVICE_H_
#define GRASSROOTS_GATEWAY_GATEWAY_SERVICE_H_

// grassroots.gateway.v1.GatewayService: the handlers admit the caller, run
// the aggregate on the worker pool (it blocks on calls to the services) and
// answer. Thin, as every handler in the suite.

#include <grpcpp/grpcpp.h>

#include "gateway/aggregates.h"
#include "gateway/gatekeeper.h"
#include "gateway/security_log.h"
#include "gateway/worker_pool.h"
#include "grassroots/gateway/v1/gateway_service.grpc.pb.h"

namespace grassroots::gateway {

class GatewayGrpcService final : public v1::GatewayService::CallbackService {
 public:
  // None owned.
  GatewayGrpcService(Gatekeeper* gatekeeper, const Aggregator* aggregator, WorkerPool* pool,
                     const CallLogs* logs, const SecurityLog* security)
      : gatekeeper_(gatekeeper),
        aggregator_(aggregator),
        pool_(pool),
        logs_(logs),
        security_(security) {}

  grpc::ServerUnaryReactor* WhoAmI(grpc::CallbackServerContext* context,
                                   const v1::WhoAmIRequest* request,
                                   v1::WhoAmIResponse* response) override;
  grpc::ServerUnaryReactor* GetCompoundProfile(grpc::CallbackServerContext* context,
                                               const v1::GetCompoundProfileRequest* request,
                                               v1::CompoundProfile* response) override;
  grpc::ServerUnaryReactor* GetUnitPath(grpc::CallbackServerContext* context,
                                        const v1::GetUnitPathRequest* request,
                                        v1::UnitPath* response) override;
  grpc::ServerUnaryReactor* ListSecurityCounters(
      grpc::CallbackServerContext* context, const v1::ListSecurityCountersRequest* request,
      v1::ListSecurityCountersResponse* response) override;

 private:
  // Admits the caller, runs `work` on the pool with the principal and the
  // call's deadline, and finishes with its status (logged).
  template <typename Work>
  grpc::ServerUnaryReactor* Run(grpc::CallbackServerContext* context, absl::string_view method,
                                Work work);

  Gatekeeper* const gatekeeper_;
  const Aggregator* const aggregator_;
  WorkerPool* const pool_;
  const CallLogs* const logs_;
  const SecurityLog* const security_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_GATEWAY_SERVICE_H_
