#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_GRPC_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_GRPC_H_

#include <grpcpp/grpcpp.h>

#include "casework_service/casework_core.h"
#include "casework_service/casework_proto.h"
#include "common/arena_messages.h"
#include "common/caller_metadata.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"

namespace grassroots::casework {

// The gRPC face of CaseworkCore, on the callback API: proto to domain, a
// call into the core, domain to proto (personal data masked unless the
// caller's verified grant allows it), the status converted. Nothing else.
class CaseworkGrpcService final : public v1::CaseworkService::CallbackService {
 public:
  CaseworkGrpcService(CaseworkCore* core, CallerVerifier callers)
      : core_(core), callers_(std::move(callers)) {
    // The methods that answer with many messages build them on an arena.
    SetMessageAllocatorFor_ListIssues(&list_issues_messages_);
    SetMessageAllocatorFor_BatchGetIssues(&batch_get_issues_messages_);
    SetMessageAllocatorFor_ListDispatches(&list_dispatches_messages_);
    SetMessageAllocatorFor_ListEvents(&list_events_messages_);
  }

  grpc::ServerUnaryReactor* ReportIssue(grpc::CallbackServerContext* context,
                                        const v1::ReportIssueRequest* request,
                                        v1::Issue* response) override;
  grpc::ServerUnaryReactor* GetIssue(grpc::CallbackServerContext* context,
                                     const v1::GetIssueRequest* request,
                                     v1::Issue* response) override;
  grpc::ServerUnaryReactor* BatchGetIssues(grpc::CallbackServerContext* context,
                                           const v1::BatchGetIssuesRequest* request,
                                           v1::BatchGetIssuesResponse* response) override;
  grpc::ServerUnaryReactor* UpdateIssue(grpc::CallbackServerContext* context,
                                        const v1::UpdateIssueRequest* request,
                                        v1::Issue* response) override;
  grpc::ServerUnaryReactor* ListIssues(grpc::CallbackServerContext* context,
                                       const v1::ListIssuesRequest* request,
                                       v1::ListIssuesResponse* response) override;
  grpc::ServerUnaryReactor* AcceptIssue(grpc::CallbackServerContext* context,
                                        const v1::AcceptIssueRequest* request,
                                        v1::Issue* response) override;
  grpc::ServerUnaryReactor* EscalateIssue(grpc::CallbackServerContext* context,
                                          const v1::EscalateIssueRequest* request,
                                          v1::Issue* response) override;
  grpc::ServerUnaryReactor* ResolveIssue(grpc::CallbackServerContext* context,
                                         const v1::ResolveIssueRequest* request,
                                         v1::Issue* response) override;
  grpc::ServerUnaryReactor* ConfirmIssue(grpc::CallbackServerContext* context,
                                         const v1::ConfirmIssueRequest* request,
                                         v1::Issue* response) override;
  grpc::ServerUnaryReactor* ReopenIssue(grpc::CallbackServerContext* context,
                                        const v1::ReopenIssueRequest* request,
                                        v1::Issue* response) override;
  grpc::ServerUnaryReactor* RejectIssue(grpc::CallbackServerContext* context,
                                        const v1::RejectIssueRequest* request,
                                        v1::Issue* response) override;
  grpc::ServerUnaryReactor* CreateDispatch(grpc::CallbackServerContext* context,
                                           const v1::CreateDispatchRequest* request,
                                           v1::Dispatch* response) override;
  grpc::ServerUnaryReactor* GetDispatch(grpc::CallbackServerContext* context,
                                        const v1::GetDispatchRequest* request,
                                        v1::Dispatch* response) override;
  grpc::ServerUnaryReactor* ListDispatches(grpc::CallbackServerContext* context,
                                           const v1::ListDispatchesRequest* request,
                                           v1::ListDispatchesResponse* response) override;
  grpc::ServerUnaryReactor* AcknowledgeDispatch(grpc::CallbackServerContext* context,
                                                const v1::AcknowledgeDispatchRequest* request,
                                                v1::Dispatch* response) override;
  grpc::ServerUnaryReactor* ReportDispatch(grpc::CallbackServerContext* context,
                                           const v1::ReportDispatchRequest* request,
                                           v1::Dispatch* response) override;
  grpc::ServerUnaryReactor* ImportIssues(grpc::CallbackServerContext* context,
                                         const v1::ImportIssuesRequest* request,
                                         v1::ImportIssuesResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  View ViewFor(const Caller& caller) const;
  // Admits the caller, parses `name`, and queues `transition` (its id set
  // from the name) with the core; the response is the changed issue.
  grpc::ServerUnaryReactor* Transition(grpc::CallbackServerContext* context,
                                       const std::string& name, IssueTransition transition,
                                       v1::Issue* response);
  // As Transition, for a dispatch's acknowledgement or report.
  template <typename Call>
  grpc::ServerUnaryReactor* DispatchStep(grpc::CallbackServerContext* context,
                                         const std::string& name, v1::Dispatch* response,
                                         Call call);

  CaseworkCore* const core_;
  const CallerVerifier callers_;
  ArenaMessages<v1::ListIssuesRequest, v1::ListIssuesResponse> list_issues_messages_;
  ArenaMessages<v1::BatchGetIssuesRequest, v1::BatchGetIssuesResponse> batch_get_issues_messages_;
  ArenaMessages<v1::ListDispatchesRequest, v1::ListDispatchesResponse> list_dispatches_messages_;
  ArenaMessages<v1::ListEventsRequest, v1::ListEventsResponse> list_events_messages_;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_GRPC_H_
