#include "org_service/org_grpc.h"

#include <memory>
#include <utility>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "common/event_stream.h"
#include "common/grpc_status.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/unary_reactor.h"
#include "google/protobuf/arena.h"
#include "org_service/org_proto.h"

namespace grassroots::org {
namespace {

// Units visited per lock hold while streaming descendants: large enough to
// fill a message well, small enough that writers never wait long.
constexpr int kDescendantBatch = 1000;

std::vector<std::string> MaskPaths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

// Streams a subtree in batches, all read at one revision.
class DescendantsWriter final : public grpc::ServerWriteReactor<v1::ListDescendantsResponse> {
 public:
  DescendantsWriter(const OrgCore* core, DescendantsWalk walk)
      : core_(core), walk_(std::move(walk)) {
    units_.reserve(kDescendantBatch);
    WriteNext();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) return Finish(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
    WriteNext();
  }
  void OnDone() override { delete this; }

 private:
  void WriteNext() {
    units_.clear();
    // A batch may match nothing when a level filter skips whole levels; keep
    // walking until something matches or the walk ends.
    while (units_.empty() && !walk_.cursor.done) {
      if (absl::Status s = core_->NextDescendants(walk_, kDescendantBatch, &units_); !s.ok()) {
        return Finish(ToGrpcStatus(s));
      }
    }
    if (units_.empty()) return Finish(grpc::Status::OK);
    // Each batch is built on a fresh arena: its ~10 strings and timestamps a
    // unit are carved from a few blocks instead of malloc'd and freed one
    // by one (that was most of the time of a streamed unit). The previous
    // batch's message has been written (OnWriteDone), so it may go.
    arena_.Reset();
    response_ = google::protobuf::Arena::CreateMessage<v1::ListDescendantsResponse>(&arena_);
    response_->set_revision(walk_.revision);
    response_->mutable_units()->Reserve(static_cast<int>(units_.size()));
    for (const Unit& unit : units_) UnitToProto(unit, response_->add_units());
    StartWrite(response_);
  }

  static google::protobuf::ArenaOptions ArenaBlocks() {
    google::protobuf::ArenaOptions options;
    options.start_block_size = 64 << 10;
    options.max_block_size = 1 << 20;
    return options;
  }

  const OrgCore* const core_;
  DescendantsWalk walk_;
  std::vector<Unit> units_;
  google::protobuf::Arena arena_{ArenaBlocks()};
  v1::ListDescendantsResponse* response_ = nullptr;  // on arena_
};

}  // namespace

// --- Units.

grpc::ServerUnaryReactor* OrgGrpcService::CreateUnit(grpc::CallbackServerContext* context,
                                                     const v1::CreateUnitRequest* request,
                                                     v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<Unit> unit = UnitFromProto(request->unit(), "unit.");
  if (!unit.ok()) return Finish(context, unit.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateUnit(
      *caller, *std::move(unit), request->request_id(),
      AnswerWhenDone<Unit>(reactor, [response](const Unit& unit) { UnitToProto(unit, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetUnit(grpc::CallbackServerContext* context,
                                                  const v1::GetUnitRequest* request,
                                                  v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetUnit(*id),
                    [&](const Unit& unit) { UnitToProto(unit, response); });
}

grpc::ServerUnaryReactor* OrgGrpcService::BatchGetUnits(grpc::CallbackServerContext* context,
                                                        const v1::BatchGetUnitsRequest* request,
                                                        v1::BatchGetUnitsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<std::vector<int64_t>> ids = ParseNames(request->names(), &ParseUnitName);
  if (!ids.ok()) return Finish(context, ids.status());
  return FinishWith(context, core_->BatchGetUnits(*ids), [&](const std::vector<Unit>& units) {
    for (const Unit& unit : units) UnitToProto(unit, response->add_units());
  });
}

grpc::ServerUnaryReactor* OrgGrpcService::UpdateUnit(grpc::CallbackServerContext* context,
                                                     const v1::UpdateUnitRequest* request,
                                                     v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  UnitUpdate update;
  absl::StatusOr<int64_t> id = ParseUnitName(request->unit().name(), "unit.name");
  if (!id.ok()) return Finish(context, id.status());
  // Only the fields the mask names matter: a parent sent along is ignored
  // (MoveUnit changes it), not parsed.
  v1::Unit values = request->unit();
  values.clear_parent();
  absl::StatusOr<Unit> unit = UnitFromProto(values, "unit.");
  if (!unit.ok()) return Finish(context, unit.status());
  update.id = *id;
  update.values = *std::move(unit);
  update.etag = request->unit().etag();
  update.paths = request->has_update_mask() ? MaskPaths(request->update_mask())
                                            : ImpliedUnitUpdatePaths(request->unit());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateUnit(
      *caller, std::move(update),
      AnswerWhenDone<Unit>(reactor, [response](const Unit& unit) { UnitToProto(unit, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::DeleteUnit(grpc::CallbackServerContext* context,
                                                     const v1::DeleteUnitRequest* request,
                                                     v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeleteUnit(
      *caller, *id, request->etag(), request->cascade(),
      AnswerWhenDone<Unit>(reactor, [response](const Unit& unit) { UnitToProto(unit, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::UndeleteUnit(grpc::CallbackServerContext* context,
                                                       const v1::UndeleteUnitRequest* request,
                                                       v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UndeleteUnit(
      *caller, *id, request->etag(), request->cascade(),
      AnswerWhenDone<Unit>(reactor, [response](const Unit& unit) { UnitToProto(unit, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::ListUnits(grpc::CallbackServerContext* context,
                                                    const v1::ListUnitsRequest* request,
                                                    v1::ListUnitsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> parent = ParseOptionalResourceName(request->parent(), "units", "parent");
  if (!parent.ok()) return Finish(context, parent.status());
  ListUnitsQuery query{*parent,           request->page_size(),    request->page_token(),
                       request->filter(), request->show_deleted(), request->read_revision()};
  return FinishWith(context, core_->ListUnits(query), [&](const Page<Unit>& page) {
    for (const Unit& unit : page.items) UnitToProto(unit, response->add_units());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

grpc::ServerUnaryReactor* OrgGrpcService::MoveUnit(grpc::CallbackServerContext* context,
                                                   const v1::MoveUnitRequest* request,
                                                   v1::Unit* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<int64_t> parent = ParseUnitName(request->new_parent(), "new_parent");
  if (!parent.ok()) return Finish(context, parent.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->MoveUnit(
      *caller, *id, *parent, request->etag(),
      AnswerWhenDone<Unit>(reactor, [response](const Unit& unit) { UnitToProto(unit, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetAncestors(grpc::CallbackServerContext* context,
                                                       const v1::GetAncestorsRequest* request,
                                                       v1::GetAncestorsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetAncestors(*id), [&](const AncestorPath& path) {
    for (const Unit& unit : path.ancestors) UnitToProto(unit, response->add_ancestors());
    response->set_revision(path.revision);
  });
}

grpc::ServerWriteReactor<v1::ListDescendantsResponse>* OrgGrpcService::ListDescendants(
    grpc::CallbackServerContext* context, const v1::ListDescendantsRequest* request) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok())
    return new ::grassroots::FailedWriter<v1::ListDescendantsResponse>(caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return new ::grassroots::FailedWriter<v1::ListDescendantsResponse>(id.status());
  std::vector<Level> levels;
  for (int level : request->levels()) levels.push_back(static_cast<Level>(level));
  absl::StatusOr<DescendantsWalk> walk =
      core_->StartDescendants(*id, request->max_depth(), std::move(levels),
                              request->read_revision(), request->show_deleted());
  if (!walk.ok()) return new ::grassroots::FailedWriter<v1::ListDescendantsResponse>(walk.status());
  return new DescendantsWriter(core_, *std::move(walk));
}

grpc::ServerUnaryReactor* OrgGrpcService::CountDescendants(
    grpc::CallbackServerContext* context, const v1::CountDescendantsRequest* request,
    v1::CountDescendantsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->CountDescendants(*id, request->read_revision()),
                    [&](const CountResult& result) {
                      int64_t total = 0;
                      for (int i = static_cast<int>(result.level); i < kLevelCount; ++i) {
                        v1::LevelCount* count = response->add_counts();
                        count->set_level(static_cast<v1::Level>(i + 1));
                        count->set_count(result.counts.by_level[i]);
                        total += result.counts.by_level[i];
                      }
                      response->set_total(total);
                      response->set_revision(result.counts.revision);
                    });
}

grpc::ServerUnaryReactor* OrgGrpcService::GetCoveringPartyOrg(
    grpc::CallbackServerContext* context, const v1::GetCoveringPartyOrgRequest* request,
    v1::GetCoveringPartyOrgResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseUnitName(request->unit(), "unit");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetCoveringPartyOrg(*id), [&](const CoveringResult& result) {
    PartyOrgToProto(result.party_org, response->mutable_party_org());
    response->set_covered_unit(UnitName(result.covered_unit_id));
    response->set_revision(result.revision);
  });
}

// --- Party organisations.

grpc::ServerUnaryReactor* OrgGrpcService::CreatePartyOrg(grpc::CallbackServerContext* context,
                                                         const v1::CreatePartyOrgRequest* request,
                                                         v1::PartyOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<PartyOrg> org = PartyOrgFromProto(request->party_org(), "party_org.");
  if (!org.ok()) return Finish(context, org.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreatePartyOrg(*caller, *std::move(org), request->request_id(),
                        AnswerWhenDone<PartyOrg>(reactor, [response](const PartyOrg& org) {
                          PartyOrgToProto(org, response);
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetPartyOrg(grpc::CallbackServerContext* context,
                                                      const v1::GetPartyOrgRequest* request,
                                                      v1::PartyOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePartyOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetPartyOrg(*id),
                    [&](const PartyOrg& org) { PartyOrgToProto(org, response); });
}

grpc::ServerUnaryReactor* OrgGrpcService::BatchGetPartyOrgs(
    grpc::CallbackServerContext* context, const v1::BatchGetPartyOrgsRequest* request,
    v1::BatchGetPartyOrgsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<std::vector<int64_t>> ids = ParseNames(request->names(), &ParsePartyOrgName);
  if (!ids.ok()) return Finish(context, ids.status());
  return FinishWith(context, core_->BatchGetPartyOrgs(*ids),
                    [&](const std::vector<PartyOrg>& orgs) {
                      for (const PartyOrg& org : orgs)
                        PartyOrgToProto(org, response->add_party_orgs());
                    });
}

grpc::ServerUnaryReactor* OrgGrpcService::UpdatePartyOrg(grpc::CallbackServerContext* context,
                                                         const v1::UpdatePartyOrgRequest* request,
                                                         v1::PartyOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePartyOrgName(request->party_org().name(), "party_org.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<PartyOrg> values = PartyOrgFromProto(request->party_org(), "party_org.");
  if (!values.ok()) return Finish(context, values.status());
  PartyOrgUpdate update;
  update.id = *id;
  update.values = *std::move(values);
  update.etag = request->party_org().etag();
  update.paths = request->has_update_mask() ? MaskPaths(request->update_mask())
                                            : ImpliedPartyOrgUpdatePaths(request->party_org());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdatePartyOrg(*caller, std::move(update),
                        AnswerWhenDone<PartyOrg>(reactor, [response](const PartyOrg& org) {
                          PartyOrgToProto(org, response);
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::DeletePartyOrg(grpc::CallbackServerContext* context,
                                                         const v1::DeletePartyOrgRequest* request,
                                                         v1::PartyOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePartyOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeletePartyOrg(*caller, *id, request->etag(), request->cascade(),
                        AnswerWhenDone<PartyOrg>(reactor, [response](const PartyOrg& org) {
                          PartyOrgToProto(org, response);
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::UndeletePartyOrg(
    grpc::CallbackServerContext* context, const v1::UndeletePartyOrgRequest* request,
    v1::PartyOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePartyOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UndeletePartyOrg(*caller, *id, request->etag(), request->cascade(),
                          AnswerWhenDone<PartyOrg>(reactor, [response](const PartyOrg& org) {
                            PartyOrgToProto(org, response);
                          }));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::ListPartyOrgs(grpc::CallbackServerContext* context,
                                                        const v1::ListPartyOrgsRequest* request,
                                                        v1::ListPartyOrgsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> parent =
      ParseOptionalResourceName(request->parent(), "partyOrgs", "parent");
  if (!parent.ok()) return Finish(context, parent.status());
  ListPartyOrgsQuery query{*parent,           request->page_size(),    request->page_token(),
                           request->filter(), request->show_deleted(), request->read_revision()};
  return FinishWith(context, core_->ListPartyOrgs(query), [&](const Page<PartyOrg>& page) {
    for (const PartyOrg& org : page.items) PartyOrgToProto(org, response->add_party_orgs());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

// --- External organisations.

namespace {

auto AnswerExternalOrg(grpc::ServerUnaryReactor* reactor, v1::ExternalOrg* response) {
  return AnswerWhenDone<ExternalOrg>(
      reactor, [response](const ExternalOrg& org) { ExternalOrgToProto(org, response); });
}

}  // namespace

grpc::ServerUnaryReactor* OrgGrpcService::CreateExternalOrg(
    grpc::CallbackServerContext* context, const v1::CreateExternalOrgRequest* request,
    v1::ExternalOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<ExternalOrg> org = ExternalOrgFromProto(request->external_org(), "external_org.");
  if (!org.ok()) return Finish(context, org.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateExternalOrg(*caller, *std::move(org), request->request_id(),
                           AnswerExternalOrg(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetExternalOrg(grpc::CallbackServerContext* context,
                                                         const v1::GetExternalOrgRequest* request,
                                                         v1::ExternalOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseExternalOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetExternalOrg(*id),
                    [&](const ExternalOrg& org) { ExternalOrgToProto(org, response); });
}

grpc::ServerUnaryReactor* OrgGrpcService::UpdateExternalOrg(
    grpc::CallbackServerContext* context, const v1::UpdateExternalOrgRequest* request,
    v1::ExternalOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id =
      ParseExternalOrgName(request->external_org().name(), "external_org.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<ExternalOrg> values =
      ExternalOrgFromProto(request->external_org(), "external_org.");
  if (!values.ok()) return Finish(context, values.status());
  ExternalOrgUpdate update;
  update.id = *id;
  update.values = *std::move(values);
  update.etag = request->external_org().etag();
  update.paths = request->has_update_mask()
                     ? MaskPaths(request->update_mask())
                     : ImpliedExternalOrgUpdatePaths(request->external_org());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateExternalOrg(*caller, std::move(update), AnswerExternalOrg(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::DeleteExternalOrg(
    grpc::CallbackServerContext* context, const v1::DeleteExternalOrgRequest* request,
    v1::ExternalOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseExternalOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeleteExternalOrg(*caller, *id, request->etag(), AnswerExternalOrg(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::UndeleteExternalOrg(
    grpc::CallbackServerContext* context, const v1::UndeleteExternalOrgRequest* request,
    v1::ExternalOrg* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseExternalOrgName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UndeleteExternalOrg(*caller, *id, request->etag(), AnswerExternalOrg(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::ListExternalOrgs(
    grpc::CallbackServerContext* context, const v1::ListExternalOrgsRequest* request,
    v1::ListExternalOrgsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> district =
      ParseOptionalResourceName(request->district(), "units", "district");
  if (!district.ok()) return Finish(context, district.status());
  ListExternalOrgsQuery query{*district,         request->page_size(),    request->page_token(),
                              request->filter(), request->show_deleted(), request->read_revision()};
  return FinishWith(context, core_->ListExternalOrgs(query), [&](const Page<ExternalOrg>& page) {
    for (const ExternalOrg& org : page.items) {
      ExternalOrgToProto(org, response->add_external_orgs());
    }
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

// --- Alliances.

namespace {

auto AnswerAlliance(grpc::ServerUnaryReactor* reactor, v1::Alliance* response) {
  return AnswerWhenDone<Alliance>(
      reactor, [response](const Alliance& alliance) { AllianceToProto(alliance, response); });
}

auto AnswerAllianceItem(grpc::ServerUnaryReactor* reactor, bool personal_data,
                        v1::AllianceItem* response) {
  return AnswerWhenDone<AllianceItem>(reactor, [response, personal_data](const AllianceItem& item) {
    AllianceItemToProto(item, personal_data, response);
  });
}

// `claimed_by`: a member's externalOrgs/{id} or the leading partyOrgs/{id}.
absl::StatusOr<Claimant> ParseClaimant(absl::string_view name) {
  Claimant claimant;
  if (absl::StartsWith(name, "partyOrgs/")) {
    ASSIGN_OR_RETURN(claimant.party_org_id, ParsePartyOrgName(name, "claimed_by"));
  } else if (!name.empty()) {
    ASSIGN_OR_RETURN(claimant.external_org_id, ParseExternalOrgName(name, "claimed_by"));
  }
  return claimant;
}

}  // namespace

grpc::ServerUnaryReactor* OrgGrpcService::CreateAlliance(grpc::CallbackServerContext* context,
                                                         const v1::CreateAllianceRequest* request,
                                                         v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<Alliance> alliance = AllianceFromProto(request->alliance(), "alliance.");
  if (!alliance.ok()) return Finish(context, alliance.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateAlliance(*caller, *std::move(alliance), request->request_id(),
                        AnswerAlliance(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetAlliance(grpc::CallbackServerContext* context,
                                                      const v1::GetAllianceRequest* request,
                                                      v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseAllianceName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetAlliance(*id),
                    [&](const Alliance& alliance) { AllianceToProto(alliance, response); });
}

grpc::ServerUnaryReactor* OrgGrpcService::UpdateAlliance(grpc::CallbackServerContext* context,
                                                         const v1::UpdateAllianceRequest* request,
                                                         v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseAllianceName(request->alliance().name(), "alliance.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<Alliance> values = AllianceFromProto(request->alliance(), "alliance.");
  if (!values.ok()) return Finish(context, values.status());
  AllianceUpdate update;
  update.id = *id;
  update.values = *std::move(values);
  update.etag = request->alliance().etag();
  update.paths = request->has_update_mask() ? MaskPaths(request->update_mask())
                                            : ImpliedAllianceUpdatePaths(request->alliance());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateAlliance(*caller, std::move(update), AnswerAlliance(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::DissolveAlliance(
    grpc::CallbackServerContext* context, const v1::DissolveAllianceRequest* request,
    v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseAllianceName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<std::optional<absl::CivilDay>> date =
      DateFromProto(request->dissolved_date(), "dissolved_date");
  if (!date.ok()) return Finish(context, date.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DissolveAlliance(*caller, *id, request->etag(), *date, AnswerAlliance(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::DeleteAlliance(grpc::CallbackServerContext* context,
                                                         const v1::DeleteAllianceRequest* request,
                                                         v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseAllianceName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeleteAlliance(*caller, *id, request->etag(), AnswerAlliance(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::UndeleteAlliance(
    grpc::CallbackServerContext* context, const v1::UndeleteAllianceRequest* request,
    v1::Alliance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseAllianceName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UndeleteAlliance(*caller, *id, request->etag(), AnswerAlliance(reactor, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::ListAlliances(grpc::CallbackServerContext* context,
                                                        const v1::ListAlliancesRequest* request,
                                                        v1::ListAlliancesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> unit = ParseOptionalResourceName(request->unit(), "units", "unit");
  if (!unit.ok()) return Finish(context, unit.status());
  ListAlliancesQuery query{*unit,
                           request->page_size(),
                           request->page_token(),
                           request->filter(),
                           request->show_deleted(),
                           request->read_revision()};
  return FinishWith(context, core_->ListAlliances(query), [&](const Page<Alliance>& page) {
    for (const Alliance& alliance : page.items)
      AllianceToProto(alliance, response->add_alliances());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

grpc::ServerUnaryReactor* OrgGrpcService::CreateAllianceItem(
    grpc::CallbackServerContext* context, const v1::CreateAllianceItemRequest* request,
    v1::AllianceItem* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> parent = ParseAllianceName(request->parent(), "parent");
  if (!parent.ok()) return Finish(context, parent.status());
  absl::StatusOr<AllianceItem> item = AllianceItemFromProto(request->item(), "item.");
  if (!item.ok()) return Finish(context, item.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateAllianceItem(*caller, *parent, *std::move(item), request->request_id(),
                            AnswerAllianceItem(reactor, caller->may_see_personal_data, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::GetAllianceItem(grpc::CallbackServerContext* context,
                                                          const v1::GetAllianceItemRequest* request,
                                                          v1::AllianceItem* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<AllianceItemId> id = ParseAllianceItemName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetAllianceItem(*id), [&](const AllianceItem& item) {
    AllianceItemToProto(item, caller->may_see_personal_data, response);
  });
}

grpc::ServerUnaryReactor* OrgGrpcService::ListAllianceItems(
    grpc::CallbackServerContext* context, const v1::ListAllianceItemsRequest* request,
    v1::ListAllianceItemsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> parent = ParseAllianceName(request->parent(), "parent");
  if (!parent.ok()) return Finish(context, parent.status());
  ListAllianceItemsQuery query{*parent, request->page_size(), request->page_token(),
                               request->filter(), request->read_revision()};
  return FinishWith(context, core_->ListAllianceItems(query), [&](const Page<AllianceItem>& page) {
    for (const AllianceItem& item : page.items) {
      AllianceItemToProto(item, caller->may_see_personal_data, response->add_items());
    }
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

grpc::ServerUnaryReactor* OrgGrpcService::ClaimAllianceItem(
    grpc::CallbackServerContext* context, const v1::ClaimAllianceItemRequest* request,
    v1::AllianceItem* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<AllianceItemId> id = ParseAllianceItemName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<Claimant> claimant = ParseClaimant(request->claimed_by());
  if (!claimant.ok()) return Finish(context, claimant.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->ClaimAllianceItem(*caller, *id, request->etag(), *claimant,
                           AnswerAllianceItem(reactor, caller->may_see_personal_data, response));
  return reactor;
}

grpc::ServerUnaryReactor* OrgGrpcService::CompleteAllianceItem(
    grpc::CallbackServerContext* context, const v1::CompleteAllianceItemRequest* request,
    v1::AllianceItem* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<AllianceItemId> id = ParseAllianceItemName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CompleteAllianceItem(*caller, *id, request->etag(), request->result(),
                              AnswerAllianceItem(reactor, caller->may_see_personal_data, response));
  return reactor;
}

// --- Events.

grpc::ServerUnaryReactor* OrgGrpcService::ListEvents(grpc::CallbackServerContext* context,
                                                     const v1::ListEventsRequest* request,
                                                     v1::ListEventsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  return FinishWith(
      context,
      core_->ListEvents(request->start_revision(), request->page_size(), request->page_token()),
      [&](const EventPage& page) {
        for (const Event& event : page.events) {
          EventToProto(event, caller->may_see_personal_data, response->add_events());
        }
        response->set_next_page_token(page.next_page_token);
        response->set_current_revision(page.current_revision);
      });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* OrgGrpcService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return new ::grassroots::FailedWriter<v1::WatchEventsResponse>(caller.status());
  return StartEventWatch<Event, OrgCore, v1::WatchEventsResponse>(
      core_, *request,
      [personal_data = caller->may_see_personal_data](const Event& event,
                                                      v1::WatchEventsResponse* response) {
        EventToProto(event, personal_data, response->add_events());
      });
}

}  // namespace grassroots::org
