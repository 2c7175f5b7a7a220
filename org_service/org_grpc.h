#ifndef GRASSROOTS_ORG_SERVICE_ORG_GRPC_H_
#define GRASSROOTS_ORG_SERVICE_ORG_GRPC_H_

#include <grpcpp/grpcpp.h>

#include "common/caller_metadata.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "org_service/org_core.h"

namespace grassroots::org {

// The gRPC face of OrgCore, on the callback API. It only controls the
// procedure of requests: proto to domain, a call into the core, domain to
// proto, and the status converted. Writes finish when the core has made
// them durable; streams are read in batches without holding the core's lock
// across writes to the network.
class OrgGrpcService final : public v1::OrgService::CallbackService {
 public:
  // `callers` says who each call is from; the default trusts no one (every
  // call anonymous, personal data masked).
  explicit OrgGrpcService(OrgCore* core, CallerVerifier callers)
      : core_(core), callers_(std::move(callers)) {}

  grpc::ServerUnaryReactor* CreateUnit(grpc::CallbackServerContext* context,
                                       const v1::CreateUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* GetUnit(grpc::CallbackServerContext* context,
                                    const v1::GetUnitRequest* request, v1::Unit* response) override;
  grpc::ServerUnaryReactor* BatchGetUnits(grpc::CallbackServerContext* context,
                                          const v1::BatchGetUnitsRequest* request,
                                          v1::BatchGetUnitsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateUnit(grpc::CallbackServerContext* context,
                                       const v1::UpdateUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* DeleteUnit(grpc::CallbackServerContext* context,
                                       const v1::DeleteUnitRequest* request,
                                       v1::Unit* response) override;
  grpc::ServerUnaryReactor* UndeleteUnit(grpc::CallbackServerContext* context,
                                         const v1::UndeleteUnitRequest* request,
                                         v1::Unit* response) override;
  grpc::ServerUnaryReactor* ListUnits(grpc::CallbackServerContext* context,
                                      const v1::ListUnitsRequest* request,
                                      v1::ListUnitsResponse* response) override;
  grpc::ServerUnaryReactor* MoveUnit(grpc::CallbackServerContext* context,
                                     const v1::MoveUnitRequest* request,
                                     v1::Unit* response) override;
  grpc::ServerUnaryReactor* GetAncestors(grpc::CallbackServerContext* context,
                                         const v1::GetAncestorsRequest* request,
                                         v1::GetAncestorsResponse* response) override;
  grpc::ServerWriteReactor<v1::ListDescendantsResponse>* ListDescendants(
      grpc::CallbackServerContext* context, const v1::ListDescendantsRequest* request) override;
  grpc::ServerUnaryReactor* CountDescendants(grpc::CallbackServerContext* context,
                                             const v1::CountDescendantsRequest* request,
                                             v1::CountDescendantsResponse* response) override;
  grpc::ServerUnaryReactor* GetCoveringPartyOrg(grpc::CallbackServerContext* context,
                                                const v1::GetCoveringPartyOrgRequest* request,
                                                v1::GetCoveringPartyOrgResponse* response) override;

  grpc::ServerUnaryReactor* CreatePartyOrg(grpc::CallbackServerContext* context,
                                           const v1::CreatePartyOrgRequest* request,
                                           v1::PartyOrg* response) override;
  grpc::ServerUnaryReactor* GetPartyOrg(grpc::CallbackServerContext* context,
                                        const v1::GetPartyOrgRequest* request,
                                        v1::PartyOrg* response) override;
  grpc::ServerUnaryReactor* BatchGetPartyOrgs(grpc::CallbackServerContext* context,
                                              const v1::BatchGetPartyOrgsRequest* request,
                                              v1::BatchGetPartyOrgsResponse* response) override;
  grpc::ServerUnaryReactor* UpdatePartyOrg(grpc::CallbackServerContext* context,
                                           const v1::UpdatePartyOrgRequest* request,
                                           v1::PartyOrg* response) override;
  grpc::ServerUnaryReactor* DeletePartyOrg(grpc::CallbackServerContext* context,
                                           const v1::DeletePartyOrgRequest* request,
                                           v1::PartyOrg* response) override;
  grpc::ServerUnaryReactor* UndeletePartyOrg(grpc::CallbackServerContext* context,
                                             const v1::UndeletePartyOrgRequest* request,
                                             v1::PartyOrg* response) override;
  grpc::ServerUnaryReactor* ListPartyOrgs(grpc::CallbackServerContext* context,
                                          const v1::ListPartyOrgsRequest* request,
                                          v1::ListPartyOrgsResponse* response) override;

  grpc::ServerUnaryReactor* CreateExternalOrg(grpc::CallbackServerContext* context,
                                              const v1::CreateExternalOrgRequest* request,
                                              v1::ExternalOrg* response) override;
  grpc::ServerUnaryReactor* GetExternalOrg(grpc::CallbackServerContext* context,
                                           const v1::GetExternalOrgRequest* request,
                                           v1::ExternalOrg* response) override;
  grpc::ServerUnaryReactor* UpdateExternalOrg(grpc::CallbackServerContext* context,
                                              const v1::UpdateExternalOrgRequest* request,
                                              v1::ExternalOrg* response) override;
  grpc::ServerUnaryReactor* DeleteExternalOrg(grpc::CallbackServerContext* context,
                                              const v1::DeleteExternalOrgRequest* request,
                                              v1::ExternalOrg* response) override;
  grpc::ServerUnaryReactor* UndeleteExternalOrg(grpc::CallbackServerContext* context,
                                                const v1::UndeleteExternalOrgRequest* request,
                                                v1::ExternalOrg* response) override;
  grpc::ServerUnaryReactor* ListExternalOrgs(grpc::CallbackServerContext* context,
                                             const v1::ListExternalOrgsRequest* request,
                                             v1::ListExternalOrgsResponse* response) override;
  grpc::ServerUnaryReactor* CreateAlliance(grpc::CallbackServerContext* context,
                                           const v1::CreateAllianceRequest* request,
                                           v1::Alliance* response) override;
  grpc::ServerUnaryReactor* GetAlliance(grpc::CallbackServerContext* context,
                                        const v1::GetAllianceRequest* request,
                                        v1::Alliance* response) override;
  grpc::ServerUnaryReactor* UpdateAlliance(grpc::CallbackServerContext* context,
                                           const v1::UpdateAllianceRequest* request,
                                           v1::Alliance* response) override;
  grpc::ServerUnaryReactor* DissolveAlliance(grpc::CallbackServerContext* context,
                                             const v1::DissolveAllianceRequest* request,
                                             v1::Alliance* response) override;
  grpc::ServerUnaryReactor* DeleteAlliance(grpc::CallbackServerContext* context,
                                           const v1::DeleteAllianceRequest* request,
                                           v1::Alliance* response) override;
  grpc::ServerUnaryReactor* UndeleteAlliance(grpc::CallbackServerContext* context,
                                             const v1::UndeleteAllianceRequest* request,
                                             v1::Alliance* response) override;
  grpc::ServerUnaryReactor* ListAlliances(grpc::CallbackServerContext* context,
                                          const v1::ListAlliancesRequest* request,
                                          v1::ListAlliancesResponse* response) override;
  grpc::ServerUnaryReactor* CreateAllianceItem(grpc::CallbackServerContext* context,
                                               const v1::CreateAllianceItemRequest* request,
                                               v1::AllianceItem* response) override;
  grpc::ServerUnaryReactor* GetAllianceItem(grpc::CallbackServerContext* context,
                                            const v1::GetAllianceItemRequest* request,
                                            v1::AllianceItem* response) override;
  grpc::ServerUnaryReactor* ListAllianceItems(grpc::CallbackServerContext* context,
                                              const v1::ListAllianceItemsRequest* request,
                                              v1::ListAllianceItemsResponse* response) override;
  grpc::ServerUnaryReactor* ClaimAllianceItem(grpc::CallbackServerContext* context,
                                              const v1::ClaimAllianceItemRequest* request,
                                              v1::AllianceItem* response) override;
  grpc::ServerUnaryReactor* CompleteAllianceItem(grpc::CallbackServerContext* context,
                                                 const v1::CompleteAllianceItemRequest* request,
                                                 v1::AllianceItem* response) override;

  grpc::ServerUnaryReactor* ListEvents(grpc::CallbackServerContext* context,
                                       const v1::ListEventsRequest* request,
                                       v1::ListEventsResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) override;

 private:
  OrgCore* const core_;
  const CallerVerifier callers_;
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_GRPC_H_
