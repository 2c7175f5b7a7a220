#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_GRPC_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_GRPC_H_

#include <grpcpp/grpcpp.h>

#include "common/caller_metadata.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_proto.h"

namespace grassroots::roster {

// The gRPC face of RosterCore, on the callback API: proto to domain, a call
// into the core, domain to proto (personal data masked unless the caller's
// verified grant allows it), the status converted. Nothing else.
//
class RosterGrpcService final : public v1::RosterService::CallbackService {
 public:
  // `callers` says who each call is from; the default trusts no one (every
  // call anonymous, personal data masked).
  explicit RosterGrpcService(RosterCore* core, CallerVerifier callers)
      : core_(core), callers_(std::move(callers)) {}

  grpc::ServerUnaryReactor* CreatePerson(grpc::CallbackServerContext* context,
                                         const v1::CreatePersonRequest* request,
                                         v1::Person* response) override;
  grpc::ServerUnaryReactor* GetPerson(grpc::CallbackServerContext* context,
                                      const v1::GetPersonRequest* request,
                                      v1::Person* response) override;
  grpc::ServerUnaryReactor* BatchGetPeople(grpc::CallbackServerContext* context,
                                           const v1::BatchGetPeopleRequest* request,
                                           v1::BatchGetPeopleResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePerson(grpc::CallbackServerContext* context,
                                         const v1::UpdatePersonRequest* request,
                                         v1::Person* response) override;
  grpc::ServerUnaryReactor* DeletePerson(grpc::CallbackServerContext* context,
                                         const v1::DeletePersonRequest* request,
                                         v1::Person* response) override;
  grpc::ServerUnaryReactor* UndeletePerson(grpc::CallbackServerContext* context,
                                           const v1::UndeletePersonRequest* request,
                                           v1::Person* response) override;
  grpc::ServerUnaryReactor* ListPeople(grpc::CallbackServerContext* context,
                                       const v1::ListPeopleRequest* request,
                                       v1::ListPeopleResponse* response) override;
  grpc::ServerUnaryReactor* LookupPersonByIdCard(grpc::CallbackServerContext* context,
                                                 const v1::LookupPersonByIdCardRequest* request,
                                                 v1::Person* response) override;
  grpc::ServerUnaryReactor* StartMembership(grpc::CallbackServerContext* context,
                                            const v1::StartMembershipRequest* request,
                                            v1::Membership* response) override;
  grpc::ServerUnaryReactor* TransferMembership(grpc::CallbackServerContext* context,
                                               const v1::TransferMembershipRequest* request,
                                               v1::Membership* response) override;
  grpc::ServerUnaryReactor* EndMembership(grpc::CallbackServerContext* context,
                                          const v1::EndMembershipRequest* request,
                                          v1::Membership* response) override;
  grpc::ServerUnaryReactor* ListMemberships(grpc::CallbackServerContext* context,
                                            const v1::ListMembershipsRequest* request,
                                            v1::ListMembershipsResponse* response) override;
  grpc::ServerUnaryReactor* CreateRegistration(grpc::CallbackServerContext* context,
                                               const v1::CreateRegistrationRequest* request,
                                               v1::Registration* response) override;
  grpc::ServerUnaryReactor* EndRegistration(grpc::CallbackServerContext* context,
                                            const v1::EndRegistrationRequest* request,
                                            v1::Registration* response) override;
  grpc::ServerUnaryReactor* ListRegistrations(grpc::CallbackServerContext* context,
                                              const v1::ListRegistrationsRequest* request,
                                              v1::ListRegistrationsResponse* response) override;
  grpc::ServerUnaryReactor* AssignRole(grpc::CallbackServerContext* context,
                                       const v1::AssignRoleRequest* request,
                                       v1::RoleAssignment* response) override;
  grpc::ServerUnaryReactor* EndRoleAssignment(grpc::CallbackServerContext* context,
                                              const v1::EndRoleAssignmentRequest* request,
                                              v1::RoleAssignment* response) override;
  grpc::ServerUnaryReactor* GetRoleAssignment(grpc::CallbackServerContext* context,
                                              const v1::GetRoleAssignmentRequest* request,
                                              v1::RoleAssignment* response) override;
  grpc::ServerUnaryReactor* ListRoleAssignments(grpc::CallbackServerContext* context,
                                                const v1::ListRoleAssignmentsRequest* request,
                                                v1::ListRoleAssignmentsResponse* response) override;
  grpc::ServerReadReactor<v1::ImportPeopleRequest>* ImportPeople(
      grpc::CallbackServerContext* context, v1::ImportPeopleResponse* response) override;
  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  // How this caller sees resources.
  View ViewFor(const Caller& caller) const;

  RosterCore* const core_;
  const CallerVerifier callers_;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_GRPC_H_
