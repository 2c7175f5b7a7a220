#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_GRPC_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_GRPC_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <string>
#include <utility>

#include "activity_service/activity_core.h"
#include "activity_service/activity_proto.h"
#include "common/arena_messages.h"
#include "common/caller_metadata.h"
#include "common/unary_reactor.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"

namespace grassroots::activity {

// The gRPC face of ActivityCore, on the callback API: proto to domain, a
// call into the core, domain to proto (free text redacted unless the
// caller's verified grant allows it), the status converted. Nothing else.
class ActivityGrpcService final : public v1::ActivityService::CallbackService {
 public:
  ActivityGrpcService(ActivityCore* core, CallerVerifier callers)
      : core_(core), callers_(std::move(callers)) {
    // The methods that answer with many messages build them on an arena.
    SetMessageAllocatorFor_ListActivities(&list_activities_messages_);
    SetMessageAllocatorFor_ListAttendances(&list_attendances_messages_);
    SetMessageAllocatorFor_ImportAttendance(&import_attendance_messages_);
    SetMessageAllocatorFor_ListEvents(&list_events_messages_);
  }

  grpc::ServerUnaryReactor* CreateActivity(grpc::CallbackServerContext* context,
                                           const v1::CreateActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* GetActivity(grpc::CallbackServerContext* context,
                                        const v1::GetActivityRequest* request,
                                        v1::Activity* response) override;
  grpc::ServerUnaryReactor* UpdateActivity(grpc::CallbackServerContext* context,
                                           const v1::UpdateActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* ListActivities(grpc::CallbackServerContext* context,
                                           const v1::ListActivitiesRequest* request,
                                           v1::ListActivitiesResponse* response) override;
  grpc::ServerUnaryReactor* SubmitActivity(grpc::CallbackServerContext* context,
                                           const v1::SubmitActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* ApproveActivity(grpc::CallbackServerContext* context,
                                            const v1::ApproveActivityRequest* request,
                                            v1::Activity* response) override;
  grpc::ServerUnaryReactor* ReturnActivity(grpc::CallbackServerContext* context,
                                           const v1::ReturnActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* HoldActivity(grpc::CallbackServerContext* context,
                                         const v1::HoldActivityRequest* request,
                                         v1::Activity* response) override;
  grpc::ServerUnaryReactor* RecordActivity(grpc::CallbackServerContext* context,
                                           const v1::RecordActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* CancelActivity(grpc::CallbackServerContext* context,
                                           const v1::CancelActivityRequest* request,
                                           v1::Activity* response) override;
  grpc::ServerUnaryReactor* RecordAttendance(grpc::CallbackServerContext* context,
                                             const v1::RecordAttendanceRequest* request,
                                             v1::Attendance* response) override;
  grpc::ServerUnaryReactor* ImportAttendance(grpc::CallbackServerContext* context,
                                             const v1::ImportAttendanceRequest* request,
                                             v1::ImportAttendanceResponse* response) override;
  grpc::ServerUnaryReactor* ListAttendances(grpc::CallbackServerContext* context,
                                            const v1::ListAttendancesRequest* request,
                                            v1::ListAttendancesResponse* response) override;
  grpc::ServerUnaryReactor* GetCreditAccount(grpc::CallbackServerContext* context,
                                             const v1::GetCreditAccountRequest* request,
                                             v1::CreditAccount* response) override;
  grpc::ServerUnaryReactor* ListCreditEntries(grpc::CallbackServerContext* context,
                                              const v1::ListCreditEntriesRequest* request,
                                              v1::ListCreditEntriesResponse* response) override;
  grpc::ServerUnaryReactor* RedeemCredit(grpc::CallbackServerContext* context,
                                         const v1::RedeemCreditRequest* request,
                                         v1::CreditEntry* response) override;
  grpc::ServerUnaryReactor* CreateServicePoint(grpc::CallbackServerContext* context,
                                               const v1::CreateServicePointRequest* request,
                                               v1::ServicePoint* response) override;
  grpc::ServerUnaryReactor* GetServicePoint(grpc::CallbackServerContext* context,
                                            const v1::GetServicePointRequest* request,
                                            v1::ServicePoint* response) override;
  grpc::ServerUnaryReactor* UpdateServicePoint(grpc::CallbackServerContext* context,
                                               const v1::UpdateServicePointRequest* request,
                                               v1::ServicePoint* response) override;
  grpc::ServerUnaryReactor* DeleteServicePoint(grpc::CallbackServerContext* context,
                                               const v1::DeleteServicePointRequest* request,
                                               v1::ServicePoint* response) override;
  grpc::ServerUnaryReactor* ListServicePoints(grpc::CallbackServerContext* context,
                                              const v1::ListServicePointsRequest* request,
                                              v1::ListServicePointsResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  static View ViewFor(const Caller& caller) { return View{caller.may_see_personal_data}; }
  // Answers the call with the write's result, written by `to_proto` as
  // `caller` may see it, once the core has made it durable.
  template <typename T, typename Proto>
  static std::function<void(absl::StatusOr<T>)> Answer(
      grpc::ServerUnaryReactor* reactor, const Caller& caller,
      void (*to_proto)(const T&, const View&, Proto*), Proto* response) {
    return AnswerWhenDone<T>(reactor, [response, view = ViewFor(caller), to_proto](const T& t) {
      to_proto(t, view, response);
    });
  }

  // A transition of activity `name`: admits the caller, parses the name and
  // answers with the activity once `call(caller, id, done)` is done.
  template <typename Call>
  grpc::ServerUnaryReactor* Transition(grpc::CallbackServerContext* context,
                                       const std::string& name, v1::Activity* response, Call call);

  ActivityCore* const core_;
  const CallerVerifier callers_;
  ArenaMessages<v1::ListActivitiesRequest, v1::ListActivitiesResponse> list_activities_messages_;
  ArenaMessages<v1::ListAttendancesRequest, v1::ListAttendancesResponse> list_attendances_messages_;
  ArenaMessages<v1::ImportAttendanceRequest, v1::ImportAttendanceResponse>
      import_attendance_messages_;
  ArenaMessages<v1::ListEventsRequest, v1::ListEventsResponse> list_events_messages_;
};

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_GRPC_H_
