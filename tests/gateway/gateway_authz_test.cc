// The gateway's authorisation against the real four processes: every RPC
// × every role × a target inside and outside the principal's scope, with
// the exact status code; list and watch filtering; signed caller metadata.

#include <signal.h>

#include <atomic>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/caller_metadata.h"
#include "common/caller_signature.h"
#include "common/grpc_probe.h"
#include "common/proto_convert.h"
#include "gateway/routes.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/testing/wait_for.h"

namespace grassroots::gateway::testing {
namespace {

using ::grassroots::roster::testing::MakeDate;
using ::grassroots::testing::IsOkAndHolds;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// The kinds of call, as the roles see them.
enum class Kind { kRead, kWrite, kManage };

bool RoleMay(const std::string& role, Kind kind) {
  switch (kind) {
    case Kind::kRead:
      return true;
    case Kind::kWrite:
      return role == "EDITOR" || role == "ADMIN";
    case Kind::kManage:
      return role == "ADMIN";
  }
  return false;
}

// The stubs of one principal.
struct Clients {
  std::unique_ptr<org_v1::OrgService::Stub> org;
  std::unique_ptr<roster_v1::RosterService::Stub> roster;
  std::unique_ptr<gateway_v1::GatewayService::Stub> gateway;
  std::unique_ptr<casework_v1::CaseworkService::Stub> casework;
  std::unique_ptr<activity_v1::ActivityService::Stub> activity;
};

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(10)) {
  return ::grassroots::testing::NewClientContext(timeout);
}

// Reads a server stream to its end.
template <typename Response>
grpc::Status Drain(std::unique_ptr<grpc::ClientReader<Response>> reader) {
  Response response;
  while (reader->Read(&response)) {
  }
  return reader->Finish();
}

// One row of the matrix: a call made inside or outside the scope.
struct Case {
  std::string method;
  Kind kind;
  // What a role that may make the call gets inside its scope — the
  // service's own answer, passed through.
  grpc::StatusCode inside;
  // False for calls that name nothing (whole-service lists, events): they
  // are filtered instead (see the filtering tests).
  bool has_outside;
  std::function<grpc::Status(Clients&, const Side&)> call;
  // Refused to a principal without the personal-data grant, inside the
  // scope or out: the call would test a guess against personal data.
  bool needs_grant = false;
  // Only for a principal whose scope is every district (the security
  // counters): PERMISSION_DENIED to a scoped one, inside or out.
  bool global_only = false;
};

class GatewayAuthzTest : public GatewaySuite {
 protected:
  std::vector<Case> Cases() {
    std::vector<Case> cases;
    auto add = [&](std::string method, Kind kind, grpc::StatusCode inside, bool has_outside,
                   std::function<grpc::Status(Clients&, const Side&)> call) {
      cases.push_back({std::move(method), kind, inside, has_outside, std::move(call)});
    };
    using grpc::StatusCode;
    constexpr bool kNamed = true;
    constexpr bool kUnnamed = false;
    // --- OrgService.
    add("OrgService.CreateUnit", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::CreateUnitRequest r;
          *r.mutable_unit() = ::grassroots::org::testing::NewCompound(
              s.community.name(), "新建小区", absl::StrCat("N", ++unit_codes_), {});
          org_v1::Unit out;
          return c.org->CreateUnit(Context().get(), r, &out);
        });
    // Another principal's request_id, replayed (issue 14, hole 1): a new id
    // for the replaying principal, never the other's unit.
    add("OrgService.CreateUnit replaying another's request_id", Kind::kWrite, StatusCode::OK,
        kNamed, [this](Clients& c, const Side& s) {
          org_v1::CreateUnitRequest r;
          *r.mutable_unit() = ::grassroots::org::testing::NewCompound(
              s.community.name(), "重放小区", absl::StrCat("R", ++unit_codes_), {});
          r.set_request_id(ReplayedId("unit", s));
          org_v1::Unit out;
          grpc::Status status = c.org->CreateUnit(Context().get(), r, &out);
          return Unless(status, out.name() == replayed_[ReplayedId("unit", s)],
                        "the replay answered with another principal's unit");
        });
    add("OrgService.GetUnit", Kind::kRead, StatusCode::OK, kNamed, [](Clients& c, const Side& s) {
      org_v1::GetUnitRequest r;
      r.set_name(s.compound.name());
      org_v1::Unit out;
      return c.org->GetUnit(Context().get(), r, &out);
    });
    add("OrgService.BatchGetUnits", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::BatchGetUnitsRequest r;
          r.add_names(inside_.building.name());  // one inside, then the side's
          r.add_names(s.compound.name());
          org_v1::BatchGetUnitsResponse out;
          return c.org->BatchGetUnits(Context().get(), r, &out);
        });
    add("OrgService.UpdateUnit", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::UpdateUnitRequest r;
          r.mutable_unit()->set_name(s.building.name());
          r.mutable_unit()->set_display_name(s.building.display_name());
          r.mutable_update_mask()->add_paths("display_name");
          org_v1::Unit out;
          return c.org->UpdateUnit(Context().get(), r, &out);
        });
    // A compound with buildings cannot go without cascade.
    add("OrgService.DeleteUnit", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::DeleteUnitRequest r;
          r.set_name(s.compound.name());
          org_v1::Unit out;
          return c.org->DeleteUnit(Context().get(), r, &out);
        });
    add("OrgService.UndeleteUnit", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::UndeleteUnitRequest r;
          r.set_name(s.compound.name());
          org_v1::Unit out;
          return c.org->UndeleteUnit(Context().get(), r, &out);
        });
    add("OrgService.ListUnits", Kind::kRead, StatusCode::OK, kNamed, [](Clients& c, const Side& s) {
      org_v1::ListUnitsRequest r;
      r.set_parent(s.community.name());
      org_v1::ListUnitsResponse out;
      return c.org->ListUnits(Context().get(), r, &out);
    });
    // Moving a building to the compound it is in: a no-op the service takes.
    add("OrgService.MoveUnit", Kind::kManage, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::MoveUnitRequest r;
          r.set_name(s.building.name());
          r.set_new_parent(s.compound.name());
          org_v1::Unit out;
          return c.org->MoveUnit(Context().get(), r, &out);
        });
    add("OrgService.GetAncestors", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::GetAncestorsRequest r;
          r.set_name(s.building.name());
          org_v1::GetAncestorsResponse out;
          return c.org->GetAncestors(Context().get(), r, &out);
        });
    add("OrgService.ListDescendants", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::ListDescendantsRequest r;
          r.set_name(s.community.name());
          auto context = Context();
          return Drain(c.org->ListDescendants(context.get(), r));
        });
    add("OrgService.CountDescendants", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::CountDescendantsRequest r;
          r.set_name(s.community.name());
          org_v1::CountDescendantsResponse out;
          return c.org->CountDescendants(Context().get(), r, &out);
        });
    add("OrgService.GetCoveringPartyOrg", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::GetCoveringPartyOrgRequest r;
          r.set_unit(s.building.name());
          org_v1::GetCoveringPartyOrgResponse out;
          return c.org->GetCoveringPartyOrg(Context().get(), r, &out);
        });
    // No form: the service refuses it, after the gateway let it through.
    add("OrgService.CreatePartyOrg", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::CreatePartyOrgRequest r;
          r.mutable_party_org()->set_display_name("无形式党组织");
          r.mutable_party_org()->add_units(s.building.name());
          org_v1::PartyOrg out;
          return c.org->CreatePartyOrg(Context().get(), r, &out);
        });
    add("OrgService.GetPartyOrg", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::GetPartyOrgRequest r;
          r.set_name(s.branch.name());
          org_v1::PartyOrg out;
          return c.org->GetPartyOrg(Context().get(), r, &out);
        });
    add("OrgService.BatchGetPartyOrgs", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::BatchGetPartyOrgsRequest r;
          r.add_names(s.branch.name());
          org_v1::BatchGetPartyOrgsResponse out;
          return c.org->BatchGetPartyOrgs(Context().get(), r, &out);
        });
    add("OrgService.UpdatePartyOrg", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::UpdatePartyOrgRequest r;
          r.mutable_party_org()->set_name(s.branch.name());
          r.mutable_party_org()->set_display_name(s.branch.display_name());
          r.mutable_update_mask()->add_paths("display_name");
          org_v1::PartyOrg out;
          return c.org->UpdatePartyOrg(Context().get(), r, &out);
        });
    // A stale etag: the service says ABORTED.
    add("OrgService.DeletePartyOrg", Kind::kManage, StatusCode::ABORTED, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::DeletePartyOrgRequest r;
          r.set_name(s.branch.name());
          r.set_etag("\"stale\"");
          org_v1::PartyOrg out;
          return c.org->DeletePartyOrg(Context().get(), r, &out);
        });
    add("OrgService.UndeletePartyOrg", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::UndeletePartyOrgRequest r;
          r.set_name(s.branch.name());
          org_v1::PartyOrg out;
          return c.org->UndeletePartyOrg(Context().get(), r, &out);
        });
    add("OrgService.ListPartyOrgs", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::ListPartyOrgsRequest r;
          r.set_parent(s.branch.name());
          org_v1::ListPartyOrgsResponse out;
          return c.org->ListPartyOrgs(Context().get(), r, &out);
        });
    // The district's directory of external organisations: read from any
    // scope in the district (both sides are in it), written only by a
    // principal scoped to the district itself.
    add("OrgService.CreateExternalOrg", Kind::kWrite, StatusCode::OK, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::CreateExternalOrgRequest r;
          r.mutable_external_org()->set_district(district_.district.name());
          r.mutable_external_org()->set_kind(org_v1::ExternalOrg::ENTERPRISE);
          r.mutable_external_org()->set_display_name("共建企业");
          org_v1::ExternalOrg out;
          return c.org->CreateExternalOrg(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("OrgService.GetExternalOrg", Kind::kRead, StatusCode::OK, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::GetExternalOrgRequest r;
          r.set_name(external_org_);
          org_v1::ExternalOrg out;
          return c.org->GetExternalOrg(Context().get(), r, &out);
        });
    add("OrgService.UpdateExternalOrg", Kind::kWrite, StatusCode::OK, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::UpdateExternalOrgRequest r;
          r.mutable_external_org()->set_name(external_org_);
          r.mutable_external_org()->set_address("株洲市天元区");
          org_v1::ExternalOrg out;
          return c.org->UpdateExternalOrg(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("OrgService.DeleteExternalOrg", Kind::kManage, StatusCode::ABORTED, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::DeleteExternalOrgRequest r;
          r.set_name(external_org_);
          r.set_etag("\"stale\"");
          org_v1::ExternalOrg out;
          return c.org->DeleteExternalOrg(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("OrgService.UndeleteExternalOrg", Kind::kManage, StatusCode::FAILED_PRECONDITION, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::UndeleteExternalOrgRequest r;
          r.set_name(external_org_);
          org_v1::ExternalOrg out;
          return c.org->UndeleteExternalOrg(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("OrgService.ListExternalOrgs", Kind::kRead, StatusCode::OK, kUnnamed,
        [this](Clients& c, const Side&) {
          org_v1::ListExternalOrgsRequest r;
          r.set_district(district_.district.name());
          org_v1::ListExternalOrgsResponse out;
          return c.org->ListExternalOrgs(Context().get(), r, &out);
        });
    // Alliances resolve to their unit (each side's compound has one, with
    // an item CLAIMED and one DONE, made in CreateReplayedResources).
    add("OrgService.CreateAlliance", Kind::kWrite, StatusCode::ALREADY_EXISTS, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::CreateAllianceRequest r;
          *r.mutable_alliance() = NewCompoundAlliance(s);
          org_v1::Alliance out;
          return c.org->CreateAlliance(Context().get(), r, &out);
        });
    add("OrgService.GetAlliance", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::GetAllianceRequest r;
          r.set_name(alliance_[s.community.name()]);
          org_v1::Alliance out;
          return c.org->GetAlliance(Context().get(), r, &out);
        });
    add("OrgService.UpdateAlliance", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::UpdateAllianceRequest r;
          r.mutable_alliance()->set_name(alliance_[s.community.name()]);
          r.mutable_alliance()->set_display_name("“1+4+X”共建联盟");
          org_v1::Alliance out;
          return c.org->UpdateAlliance(Context().get(), r, &out);
        });
    add("OrgService.DissolveAlliance", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::DissolveAllianceRequest r;
          r.set_name(alliance_[s.community.name()]);
          r.set_etag("\"stale\"");
          org_v1::Alliance out;
          return c.org->DissolveAlliance(Context().get(), r, &out);
        });
    add("OrgService.DeleteAlliance", Kind::kManage, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::DeleteAllianceRequest r;
          r.set_name(alliance_[s.community.name()]);
          r.set_etag("\"stale\"");
          org_v1::Alliance out;
          return c.org->DeleteAlliance(Context().get(), r, &out);
        });
    add("OrgService.UndeleteAlliance", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::UndeleteAllianceRequest r;
          r.set_name(alliance_[s.community.name()]);
          org_v1::Alliance out;
          return c.org->UndeleteAlliance(Context().get(), r, &out);
        });
    add("OrgService.ListAlliances", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          org_v1::ListAlliancesRequest r;
          r.set_unit(s.community.name());
          org_v1::ListAlliancesResponse out;
          return c.org->ListAlliances(Context().get(), r, &out);
        });
    add("OrgService.CreateAllianceItem", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::CreateAllianceItemRequest r;
          r.set_parent(alliance_[s.community.name()]);
          r.mutable_item()->set_kind(org_v1::AllianceItem::NEED);
          r.mutable_item()->set_title("楼道灯维修");
          org_v1::AllianceItem out;
          return c.org->CreateAllianceItem(Context().get(), r, &out);
        });
    add("OrgService.GetAllianceItem", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::GetAllianceItemRequest r;
          r.set_name(claimed_item_[s.community.name()]);
          org_v1::AllianceItem out;
          return c.org->GetAllianceItem(Context().get(), r, &out);
        });
    add("OrgService.ListAllianceItems", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::ListAllianceItemsRequest r;
          r.set_parent(alliance_[s.community.name()]);
          org_v1::ListAllianceItemsResponse out;
          return c.org->ListAllianceItems(Context().get(), r, &out);
        });
    add("OrgService.ClaimAllianceItem", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::ClaimAllianceItemRequest r;
          r.set_name(claimed_item_[s.community.name()]);
          r.set_claimed_by(s.branch.name());
          org_v1::AllianceItem out;
          return c.org->ClaimAllianceItem(Context().get(), r, &out);
        });
    add("OrgService.CompleteAllianceItem", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          org_v1::CompleteAllianceItemRequest r;
          r.set_name(done_item_[s.community.name()]);
          org_v1::AllianceItem out;
          return c.org->CompleteAllianceItem(Context().get(), r, &out);
        });
    add("OrgService.ListEvents", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          org_v1::ListEventsRequest r;
          org_v1::ListEventsResponse out;
          return c.org->ListEvents(Context().get(), r, &out);
        });
    // A live stream ends at its deadline.
    add("OrgService.WatchEvents", Kind::kRead, StatusCode::DEADLINE_EXCEEDED, kUnnamed,
        [](Clients& c, const Side&) {
          org_v1::WatchEventsRequest r;
          r.set_start_revision(1);
          auto context = Context(absl::Milliseconds(300));
          return Drain(c.org->WatchEvents(context.get(), r));
        });

    // --- RosterService.
    add("RosterService.CreatePerson", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::CreatePersonRequest r;
          *r.mutable_person() = ::grassroots::roster::testing::NewPerson("王五");
          r.mutable_person()->set_residence_building(s.building.name());
          roster_v1::Person out;
          return c.roster->CreatePerson(Context().get(), r, &out);
        });
    add("RosterService.CreatePerson replaying another's request_id", Kind::kWrite, StatusCode::OK,
        kNamed, [this](Clients& c, const Side& s) {
          roster_v1::CreatePersonRequest r;
          *r.mutable_person() = ::grassroots::roster::testing::NewPerson("重放");
          r.mutable_person()->set_residence_building(s.building.name());
          r.set_request_id(ReplayedId("person", s));
          roster_v1::Person out;
          grpc::Status status = c.roster->CreatePerson(Context().get(), r, &out);
          return Unless(status, out.name() == replayed_[ReplayedId("person", s)],
                        "the replay answered with another principal's person");
        });
    add("RosterService.GetPerson", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::GetPersonRequest r;
          r.set_name(s.resident.name());
          roster_v1::Person out;
          return c.roster->GetPerson(Context().get(), r, &out);
        });
    add("RosterService.BatchGetPeople", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::BatchGetPeopleRequest r;
          r.add_names(s.resident.name());
          roster_v1::BatchGetPeopleResponse out;
          return c.roster->BatchGetPeople(Context().get(), r, &out);
        });
    add("RosterService.UpdatePerson", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::UpdatePersonRequest r;
          r.mutable_person()->set_name(s.resident.name());
          r.mutable_person()->set_residence_room("1-101");
          r.mutable_update_mask()->add_paths("residence_room");
          roster_v1::Person out;
          return c.roster->UpdatePerson(Context().get(), r, &out);
        });
    // Someone with a current membership and role cannot be deleted.
    add("RosterService.DeletePerson", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::DeletePersonRequest r;
          r.set_name(s.resident.name());
          roster_v1::Person out;
          return c.roster->DeletePerson(Context().get(), r, &out);
        });
    add("RosterService.UndeletePerson", Kind::kManage, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::UndeletePersonRequest r;
          r.set_name(s.resident.name());
          roster_v1::Person out;
          return c.roster->UndeletePerson(Context().get(), r, &out);
        });
    add("RosterService.ListPeople", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          roster_v1::ListPeopleRequest r;
          roster_v1::ListPeopleResponse out;
          return c.roster->ListPeople(Context().get(), r, &out);
        });
    add("RosterService.LookupPersonByIdCard", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::LookupPersonByIdCardRequest r;
          r.set_id_card_number(s.id_card);
          roster_v1::Person out;
          return c.roster->LookupPersonByIdCard(Context().get(), r, &out);
        });
    cases.back().needs_grant = true;
    // Already a member: the service refuses a second membership.
    add("RosterService.StartMembership", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::StartMembershipRequest r;
          r.set_person(s.resident.name());
          r.set_party_org(s.branch.name());
          *r.mutable_start_date() = MakeDate(2020, 1, 1);
          roster_v1::Membership out;
          return c.roster->StartMembership(Context().get(), r, &out);
        });
    // To the organisation the membership already sits in.
    add("RosterService.TransferMembership", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::TransferMembershipRequest r;
          r.set_person(s.resident.name());
          r.set_party_org(s.branch.name());
          *r.mutable_date() = MakeDate(2020, 1, 1);
          roster_v1::Membership out;
          return c.roster->TransferMembership(Context().get(), r, &out);
        });
    // No end date.
    add("RosterService.EndMembership", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::EndMembershipRequest r;
          r.set_person(s.resident.name());
          roster_v1::Membership out;
          return c.roster->EndMembership(Context().get(), r, &out);
        });
    add("RosterService.ListMemberships", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::ListMembershipsRequest r;
          r.set_parent(s.resident.name());
          roster_v1::ListMembershipsResponse out;
          return c.roster->ListMemberships(Context().get(), r, &out);
        });
    // No start date.
    add("RosterService.CreateRegistration", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::CreateRegistrationRequest r;
          r.set_person(s.resident.name());
          r.set_community(s.community.name());
          roster_v1::Registration out;
          return c.roster->CreateRegistration(Context().get(), r, &out);
        });
    add("RosterService.EndRegistration", Kind::kWrite, StatusCode::NOT_FOUND, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::EndRegistrationRequest r;
          r.set_name(absl::StrCat(s.resident.name(), "/registrations/999"));
          *r.mutable_end_date() = MakeDate(2024, 1, 1);
          roster_v1::Registration out;
          return c.roster->EndRegistration(Context().get(), r, &out);
        });
    add("RosterService.ListRegistrations", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::ListRegistrationsRequest r;
          r.set_parent(s.resident.name());
          roster_v1::ListRegistrationsResponse out;
          return c.roster->ListRegistrations(Context().get(), r, &out);
        });
    // A building lead belongs at a building, not a compound.
    add("RosterService.AssignRole", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::AssignRoleRequest r;
          *r.mutable_role_assignment() = ::grassroots::roster::testing::NewRole(
              s.resident.name(), roster_v1::BUILDING_LEAD, s.compound.name());
          roster_v1::RoleAssignment out;
          return c.roster->AssignRole(Context().get(), r, &out);
        });
    // No end date.
    add("RosterService.EndRoleAssignment", Kind::kWrite, StatusCode::INVALID_ARGUMENT, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::EndRoleAssignmentRequest r;
          r.set_name(s.building_lead.name());
          roster_v1::RoleAssignment out;
          return c.roster->EndRoleAssignment(Context().get(), r, &out);
        });
    add("RosterService.GetRoleAssignment", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::GetRoleAssignmentRequest r;
          r.set_name(s.building_lead.name());
          roster_v1::RoleAssignment out;
          return c.roster->GetRoleAssignment(Context().get(), r, &out);
        });
    add("RosterService.ListRoleAssignments", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::ListRoleAssignmentsRequest r;
          r.set_place(s.compound.name());
          r.set_include_descendants(true);
          roster_v1::ListRoleAssignmentsResponse out;
          return c.roster->ListRoleAssignments(Context().get(), r, &out);
        });
    add("RosterService.ImportPeople", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          roster_v1::ImportPeopleRequest r;
          r.set_validate_only(true);
          roster_v1::ImportRow* row = r.add_rows();
          *row->mutable_person() = ::grassroots::roster::testing::NewPerson("赵六");
          row->mutable_person()->set_external_key(absl::StrCat("matrix-", s.building.name()));
          row->mutable_person()->set_residence_building(s.building.name());
          roster_v1::ImportPeopleResponse out;
          auto context = Context();
          auto writer = c.roster->ImportPeople(context.get(), &out);
          writer->Write(r);
          writer->WritesDone();
          return writer->Finish();
        });
    // Applied, with an appointment: import makes exactly the single writes'
    // checks (issue 14, hole 5).
    add("RosterService.ImportPeople applied, with a role", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          roster_v1::ImportPeopleRequest r;
          roster_v1::ImportRow* row = r.add_rows();
          *row->mutable_person() = ::grassroots::roster::testing::NewPerson("钱八");
          row->mutable_person()->set_external_key(absl::StrCat("matrix-applied-", ++unit_codes_));
          row->mutable_person()->set_residence_building(s.building.name());
          roster_v1::RoleAssignment* role = row->add_roles();
          role->set_role(roster_v1::VOLUNTEER);
          role->set_place(s.building.name());
          *role->mutable_start_date() = MakeDate(2024, 1, 1);
          roster_v1::ImportPeopleResponse out;
          auto context = Context();
          auto writer = c.roster->ImportPeople(context.get(), &out);
          writer->Write(r);
          writer->WritesDone();
          grpc::Status status = writer->Finish();
          return Unless(status, out.errors_size() > 0 || out.people_created() != 1,
                        "the row was not imported");
        });
    add("RosterService.ListEvents", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          roster_v1::ListEventsRequest r;
          roster_v1::ListEventsResponse out;
          return c.roster->ListEvents(Context().get(), r, &out);
        });
    add("RosterService.WatchEvents", Kind::kRead, StatusCode::DEADLINE_EXCEEDED, kUnnamed,
        [](Clients& c, const Side&) {
          roster_v1::WatchEventsRequest r;
          r.set_start_revision(1);
          auto context = Context(absl::Milliseconds(300));
          return Drain(c.roster->WatchEvents(context.get(), r));
        });

    // --- CaseworkService. Each side's issue (GatewaySuite::Seed) is
    // REPORTED and handled by its compound, in the community's scope for
    // reads and writes; each side's street issue (CreateReplayedResources)
    // is handled by the street, readable from the community but written
    // only by the street's principals. The transitions the state allows
    // carry a stale etag (ABORTED), the others none (FAILED_PRECONDITION),
    // so that nothing changes.
    add("CaseworkService.ReportIssue", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ReportIssueRequest r;
          *r.mutable_issue() = NewIssue(s);
          casework_v1::Issue out;
          return c.casework->ReportIssue(Context().get(), r, &out);
        });
    add("CaseworkService.ReportIssue replaying another's request_id", Kind::kWrite, StatusCode::OK,
        kNamed, [this](Clients& c, const Side& s) {
          casework_v1::ReportIssueRequest r;
          *r.mutable_issue() = NewIssue(s);
          r.set_request_id(ReplayedId("issue", s));
          casework_v1::Issue out;
          grpc::Status status = c.casework->ReportIssue(Context().get(), r, &out);
          return Unless(status, out.name() == replayed_[ReplayedId("issue", s)],
                        "the replay answered with another principal's issue");
        });
    add("CaseworkService.GetIssue", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::GetIssueRequest r;
          r.set_name(s.issue.name());
          casework_v1::Issue out;
          return c.casework->GetIssue(Context().get(), r, &out);
        });
    add("CaseworkService.BatchGetIssues", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::BatchGetIssuesRequest r;
          r.add_names(inside_.issue.name());  // one inside, then the side's
          r.add_names(street_issue_[s.community.name()]);
          casework_v1::BatchGetIssuesResponse out;
          return c.casework->BatchGetIssues(Context().get(), r, &out);
        });
    // The title it has: a no-op the service takes.
    add("CaseworkService.UpdateIssue", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::UpdateIssueRequest r;
          r.mutable_issue()->set_name(s.issue.name());
          r.mutable_issue()->set_title(s.issue.title());
          r.mutable_update_mask()->add_paths("title");
          casework_v1::Issue out;
          return c.casework->UpdateIssue(Context().get(), r, &out);
        });
    add("CaseworkService.ListIssues", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ListIssuesRequest r;
          r.set_place(s.community.name());
          casework_v1::ListIssuesResponse out;
          return c.casework->ListIssues(Context().get(), r, &out);
        });
    add("CaseworkService.AcceptIssue", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::AcceptIssueRequest r;
          r.set_name(s.issue.name());
          r.set_etag("\"stale\"");
          r.set_assignee(s.resident.name());
          r.set_handling_party_org(s.branch.name());
          casework_v1::Issue out;
          return c.casework->AcceptIssue(Context().get(), r, &out);
        });
    add("CaseworkService.EscalateIssue", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::EscalateIssueRequest r;
          r.set_name(s.issue.name());
          r.set_etag("\"stale\"");
          r.set_reason("小区无力解决");
          casework_v1::Issue out;
          return c.casework->EscalateIssue(Context().get(), r, &out);
        });
    add("CaseworkService.ResolveIssue", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ResolveIssueRequest r;
          r.set_name(s.issue.name());
          r.set_resolution("已更换灯泡");
          casework_v1::Issue out;
          return c.casework->ResolveIssue(Context().get(), r, &out);
        });
    add("CaseworkService.ConfirmIssue", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ConfirmIssueRequest r;
          r.set_name(s.issue.name());
          r.set_satisfaction(casework_v1::SATISFIED);
          casework_v1::Issue out;
          return c.casework->ConfirmIssue(Context().get(), r, &out);
        });
    add("CaseworkService.ReopenIssue", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ReopenIssueRequest r;
          r.set_name(s.issue.name());
          r.set_reason("灯还是不亮");
          casework_v1::Issue out;
          return c.casework->ReopenIssue(Context().get(), r, &out);
        });
    // A record of another system, checked and not stored (validate_only),
    // so that the matrix changes nothing.
    add("CaseworkService.ImportIssues", Kind::kManage, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::ImportIssuesRequest r;
          r.set_validate_only(true);
          casework_v1::ImportedIssue* row = r.add_issues();
          *row->mutable_issue() = NewIssue(s);
          row->mutable_issue()->set_state(casework_v1::Issue::CONFIRMED);
          row->mutable_issue()->set_handling_level(casework_v1::COMPOUND);
          const absl::Time reported = absl::Now() - absl::Hours(72);
          TimeToProto(reported, row->mutable_issue()->mutable_create_time());
          TimeToProto(reported + absl::Hours(20), row->mutable_issue()->mutable_resolve_time());
          TimeToProto(reported + absl::Hours(30), row->mutable_issue()->mutable_close_time());
          row->mutable_issue()->set_resolution("已修复");
          row->mutable_issue()->set_satisfaction(casework_v1::SATISFIED);
          row->set_external_key("12345-0001");
          casework_v1::ImportIssuesResponse out;
          grpc::Status status = c.casework->ImportIssues(Context().get(), r, &out);
          return Unless(status, out.errors_size() != 0 || out.imported() != 1,
                        "a valid record was refused");
        });
    add("CaseworkService.RejectIssue", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [](Clients& c, const Side& s) {
          casework_v1::RejectIssueRequest r;
          r.set_name(s.issue.name());
          r.set_etag("\"stale\"");
          r.set_reason("重复诉求");
          casework_v1::Issue out;
          return c.casework->RejectIssue(Context().get(), r, &out);
        });
    // The compound handles the issue: only a street or the district
    // summons departments.
    add("CaseworkService.CreateDispatch", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::CreateDispatchRequest r;
          r.set_parent(s.issue.name());
          *r.mutable_dispatch() = NewDispatch(external_org_);
          casework_v1::Dispatch out;
          return c.casework->CreateDispatch(Context().get(), r, &out);
        });
    add("CaseworkService.GetDispatch", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::GetDispatchRequest r;
          r.set_name(dispatch_[s.community.name()]);
          casework_v1::Dispatch out;
          return c.casework->GetDispatch(Context().get(), r, &out);
        });
    add("CaseworkService.ListDispatches", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::ListDispatchesRequest r;
          r.set_parent(street_issue_[s.community.name()]);
          casework_v1::ListDispatchesResponse out;
          return c.casework->ListDispatches(Context().get(), r, &out);
        });
    // The street handles the dispatch's issue: outside a community's scope
    // for writes on either side (what the street's principals may do is
    // StreetPrincipalsActOnAnIssueEscalatedToTheStreet's).
    add("CaseworkService.AcknowledgeDispatch", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::AcknowledgeDispatchRequest r;
          r.set_name(dispatch_[s.community.name()]);
          r.set_etag("\"stale\"");
          casework_v1::Dispatch out;
          return c.casework->AcknowledgeDispatch(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("CaseworkService.ReportDispatch", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          casework_v1::ReportDispatchRequest r;
          r.set_name(dispatch_[s.community.name()]);
          r.set_report("已派人维修");
          casework_v1::Dispatch out;
          return c.casework->ReportDispatch(Context().get(), r, &out);
        });
    cases.back().global_only = true;
    add("CaseworkService.ListEvents", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          casework_v1::ListEventsRequest r;
          casework_v1::ListEventsResponse out;
          return c.casework->ListEvents(Context().get(), r, &out);
        });
    add("CaseworkService.WatchEvents", Kind::kRead, StatusCode::DEADLINE_EXCEEDED, kUnnamed,
        [](Clients& c, const Side&) {
          casework_v1::WatchEventsRequest r;
          r.set_start_revision(1);
          auto context = Context(absl::Milliseconds(300));
          return Drain(c.casework->WatchEvents(context.get(), r));
        });

    // --- ActivityService. Each side has (CreateActivities) a DRAFT, a
    // SUBMITTED and a HELD activity of its branch at its building, its
    // resident's credit account with points earned in the HELD one, and a
    // service point at its compound. The transitions the state allows carry
    // a stale etag (ABORTED), the others none (FAILED_PRECONDITION), so that
    // nothing changes.
    add("ActivityService.CreateActivity", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::CreateActivityRequest r;
          *r.mutable_activity() = NewActivity(s, absl::Hours(48));
          activity_v1::Activity out;
          return c.activity->CreateActivity(Context().get(), r, &out);
        });
    add("ActivityService.CreateActivity replaying another's request_id", Kind::kWrite,
        StatusCode::OK, kNamed, [this](Clients& c, const Side& s) {
          activity_v1::CreateActivityRequest r;
          *r.mutable_activity() = NewActivity(s, absl::Hours(48));
          r.set_request_id(ReplayedId("activity", s));
          activity_v1::Activity out;
          grpc::Status status = c.activity->CreateActivity(Context().get(), r, &out);
          return Unless(status, out.name() == replayed_[ReplayedId("activity", s)],
                        "the replay answered with another principal's activity");
        });
    add("ActivityService.GetActivity", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::GetActivityRequest r;
          r.set_name(draft_activity_[s.community.name()]);
          activity_v1::Activity out;
          return c.activity->GetActivity(Context().get(), r, &out);
        });
    // The theme it has: a no-op the service takes.
    add("ActivityService.UpdateActivity", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::UpdateActivityRequest r;
          r.mutable_activity()->set_name(draft_activity_[s.community.name()]);
          r.mutable_activity()->set_theme(NewActivity(s, absl::ZeroDuration()).theme());
          r.mutable_update_mask()->add_paths("theme");
          activity_v1::Activity out;
          return c.activity->UpdateActivity(Context().get(), r, &out);
        });
    add("ActivityService.ListActivities", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::ListActivitiesRequest r;
          r.set_place(s.community.name());
          activity_v1::ListActivitiesResponse out;
          return c.activity->ListActivities(Context().get(), r, &out);
        });
    add("ActivityService.SubmitActivity", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::SubmitActivityRequest r;
          r.set_name(draft_activity_[s.community.name()]);
          r.set_etag("\"stale\"");
          activity_v1::Activity out;
          return c.activity->SubmitActivity(Context().get(), r, &out);
        });
    // The organisation above (the side's party committee) approves: in a
    // community's write scope on its own side only.
    add("ActivityService.ApproveActivity", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::ApproveActivityRequest r;
          r.set_name(submitted_activity_[s.community.name()]);
          r.set_approver(s.committee.name());
          r.set_etag("\"stale\"");
          activity_v1::Activity out;
          return c.activity->ApproveActivity(Context().get(), r, &out);
        });
    add("ActivityService.ReturnActivity", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::ReturnActivityRequest r;
          r.set_name(submitted_activity_[s.community.name()]);
          r.set_approver(s.committee.name());
          r.set_reason("请补充活动方案");
          r.set_etag("\"stale\"");
          activity_v1::Activity out;
          return c.activity->ReturnActivity(Context().get(), r, &out);
        });
    add("ActivityService.HoldActivity", Kind::kWrite, StatusCode::FAILED_PRECONDITION, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::HoldActivityRequest r;
          r.set_name(draft_activity_[s.community.name()]);
          activity_v1::Activity out;
          return c.activity->HoldActivity(Context().get(), r, &out);
        });
    add("ActivityService.RecordActivity", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::RecordActivityRequest r;
          r.set_name(held_activity_[s.community.name()]);
          r.set_etag("\"stale\"");
          activity_v1::Activity out;
          return c.activity->RecordActivity(Context().get(), r, &out);
        });
    add("ActivityService.CancelActivity", Kind::kWrite, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::CancelActivityRequest r;
          r.set_name(draft_activity_[s.community.name()]);
          r.set_reason("天气原因");
          r.set_etag("\"stale\"");
          activity_v1::Activity out;
          return c.activity->CancelActivity(Context().get(), r, &out);
        });
    // A head count under the same key each time: recorded once, then
    // unchanged.
    add("ActivityService.RecordAttendance", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::RecordAttendanceRequest r;
          r.set_parent(held_activity_[s.community.name()]);
          r.mutable_attendance()->set_kind(activity_v1::RESIDENTS);
          r.mutable_attendance()->set_head_count(20);
          r.mutable_attendance()->set_key("matrix-residents");
          activity_v1::Attendance out;
          return c.activity->RecordAttendance(Context().get(), r, &out);
        });
    // A sheet with the side's resident, checked and not stored.
    add("ActivityService.ImportAttendance", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::ImportAttendanceRequest r;
          r.set_parent(held_activity_[s.community.name()]);
          r.set_validate_only(true);
          activity_v1::Attendance* line = r.add_attendances();
          line->set_kind(activity_v1::VOLUNTEER);
          line->set_person(s.resident.name());
          line->set_minutes(60);
          activity_v1::ImportAttendanceResponse out;
          grpc::Status status = c.activity->ImportAttendance(Context().get(), r, &out);
          return Unless(status, out.errors_size() != 0, "a valid sheet was refused");
        });
    add("ActivityService.ListAttendances", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::ListAttendancesRequest r;
          r.set_parent(held_activity_[s.community.name()]);
          activity_v1::ListAttendancesResponse out;
          return c.activity->ListAttendances(Context().get(), r, &out);
        });
    add("ActivityService.GetCreditAccount", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::GetCreditAccountRequest r;
          r.set_name(CreditAccountOf(s));
          activity_v1::CreditAccount out;
          return c.activity->GetCreditAccount(Context().get(), r, &out);
        });
    add("ActivityService.ListCreditEntries", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::ListCreditEntriesRequest r;
          r.set_parent(CreditAccountOf(s));
          activity_v1::ListCreditEntriesResponse out;
          return c.activity->ListCreditEntries(Context().get(), r, &out);
        });
    add("ActivityService.RedeemCredit", Kind::kWrite, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::RedeemCreditRequest r;
          r.set_account(CreditAccountOf(s));
          r.set_amount(1);
          r.set_reason("兑换洗衣液");
          activity_v1::CreditEntry out;
          return c.activity->RedeemCredit(Context().get(), r, &out);
        });
    add("ActivityService.RedeemCredit replaying another's request_id", Kind::kWrite, StatusCode::OK,
        kNamed, [this](Clients& c, const Side& s) {
          activity_v1::RedeemCreditRequest r;
          r.set_account(CreditAccountOf(s));
          r.set_amount(1);
          r.set_reason("兑换洗衣液");
          r.set_request_id(ReplayedId("credit", s));
          activity_v1::CreditEntry out;
          grpc::Status status = c.activity->RedeemCredit(Context().get(), r, &out);
          return Unless(status, out.name() == replayed_[ReplayedId("credit", s)],
                        "the replay answered with another principal's redemption");
        });
    add("ActivityService.CreateServicePoint", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::CreateServicePointRequest r;
          r.mutable_service_point()->set_unit(s.building.name());
          r.mutable_service_point()->set_display_name(absl::StrCat("楼栋服务点", ++unit_codes_));
          r.mutable_service_point()->set_kind(
              activity_v1::ServicePoint::NEIGHBOURHOOD_SERVICE_POINT);
          activity_v1::ServicePoint out;
          return c.activity->CreateServicePoint(Context().get(), r, &out);
        });
    add("ActivityService.GetServicePoint", Kind::kRead, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::GetServicePointRequest r;
          r.set_name(service_point_[s.community.name()]);
          activity_v1::ServicePoint out;
          return c.activity->GetServicePoint(Context().get(), r, &out);
        });
    add("ActivityService.UpdateServicePoint", Kind::kWrite, StatusCode::OK, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::UpdateServicePointRequest r;
          r.mutable_service_point()->set_name(service_point_[s.community.name()]);
          r.mutable_service_point()->set_address("小区东门");
          r.mutable_update_mask()->add_paths("address");
          activity_v1::ServicePoint out;
          return c.activity->UpdateServicePoint(Context().get(), r, &out);
        });
    add("ActivityService.DeleteServicePoint", Kind::kManage, StatusCode::ABORTED, kNamed,
        [this](Clients& c, const Side& s) {
          activity_v1::DeleteServicePointRequest r;
          r.set_name(service_point_[s.community.name()]);
          r.set_etag("\"stale\"");
          activity_v1::ServicePoint out;
          return c.activity->DeleteServicePoint(Context().get(), r, &out);
        });
    add("ActivityService.ListServicePoints", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          activity_v1::ListServicePointsRequest r;
          r.set_unit(s.community.name());
          activity_v1::ListServicePointsResponse out;
          return c.activity->ListServicePoints(Context().get(), r, &out);
        });
    add("ActivityService.ListEvents", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          activity_v1::ListEventsRequest r;
          activity_v1::ListEventsResponse out;
          return c.activity->ListEvents(Context().get(), r, &out);
        });
    add("ActivityService.WatchEvents", Kind::kRead, StatusCode::DEADLINE_EXCEEDED, kUnnamed,
        [](Clients& c, const Side&) {
          activity_v1::WatchEventsRequest r;
          r.set_start_revision(1);
          auto context = Context(absl::Milliseconds(300));
          return Drain(c.activity->WatchEvents(context.get(), r));
        });

    // --- GatewayService.
    add("GatewayService.WhoAmI", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          gateway_v1::WhoAmIResponse out;
          return c.gateway->WhoAmI(Context().get(), {}, &out);
        });
    add("GatewayService.GetCompoundProfile", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          gateway_v1::GetCompoundProfileRequest r;
          r.set_name(s.compound.name());
          gateway_v1::CompoundProfile out;
          return c.gateway->GetCompoundProfile(Context().get(), r, &out);
        });
    add("GatewayService.GetUnitPath", Kind::kRead, StatusCode::OK, kNamed,
        [](Clients& c, const Side& s) {
          gateway_v1::GetUnitPathRequest r;
          r.set_name(s.building.name());
          gateway_v1::UnitPath out;
          return c.gateway->GetUnitPath(Context().get(), r, &out);
        });
    add("GatewayService.ListSecurityCounters", Kind::kRead, StatusCode::OK, kUnnamed,
        [](Clients& c, const Side&) {
          gateway_v1::ListSecurityCountersResponse out;
          return c.gateway->ListSecurityCounters(Context().get(), {}, &out);
        });
    cases.back().global_only = true;
    return cases;
  }

  Clients ClientsOf(const TestPrincipal& p) {
    auto channel = Channel(p.token);
    return {org_v1::OrgService::NewStub(channel), roster_v1::RosterService::NewStub(channel),
            gateway_v1::GatewayService::NewStub(channel),
            casework_v1::CaseworkService::NewStub(channel),
            activity_v1::ActivityService::NewStub(channel)};
  }

  // A new issue at the side's building, reported by its resident.
  static casework_v1::Issue NewIssue(const Side& side) {
    casework_v1::Issue issue;
    issue.set_place(side.building.name());
    issue.set_category(casework_v1::ENVIRONMENT_SANITATION);
    issue.set_channel(casework_v1::GRID_WORKER);
    issue.set_title("楼道堆放杂物");
    issue.set_reporter(side.resident.name());
    return issue;
  }
  // A department summoned for a week, by organisation when `department_org`
  // is given.
  static casework_v1::Dispatch NewDispatch(const std::string& department_org) {
    casework_v1::Dispatch dispatch;
    if (department_org.empty()) {
      dispatch.set_department_name("区城管局");
    } else {
      dispatch.set_department_org(department_org);
    }
    dispatch.mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(168)));
    dispatch.set_request("清理楼道杂物");
    return dispatch;
  }
  // Escalates `name` `times` levels up, as whoever `casework` calls as.
  static void Escalate(casework_v1::CaseworkService::Stub& casework, const std::string& name,
                       int times, casework_v1::Issue* issue) {
    for (int i = 0; i < times; ++i) {
      casework_v1::EscalateIssueRequest escalate;
      escalate.set_name(name);
      escalate.set_reason("本级无力解决");
      const grpc::Status status = casework.EscalateIssue(Context().get(), escalate, issue);
      ASSERT_TRUE(status.ok()) << status.error_message();
    }
  }

  // A request id another principal used on `side` for a `kind` of create.
  static std::string ReplayedId(const std::string& kind, const Side& side) {
    return absl::StrCat("matrix-replay-", kind, "-", side.community.name());
  }
  // `status`, unless it is OK while `wrong` holds: then INTERNAL with
  // `what`, which the matrix reports as a wrong answer.
  static grpc::Status Unless(const grpc::Status& status, bool wrong, const char* what) {
    if (status.ok() && wrong) return grpc::Status(grpc::StatusCode::INTERNAL, what);
    return status;
  }
  // Creates under the replayed ids by a principal outside the matrix (the
  // test's own, straight to the services): request id -> resource name.
  void CreateReplayedResources() {
    Clients admin{org_v1::OrgService::NewStub(
                      ::grassroots::testing::CreateTestChannel(org_server_->address())),
                  roster_v1::RosterService::NewStub(
                      ::grassroots::testing::CreateTestChannel(roster_server_->address())),
                  nullptr};
    for (const Side* side : {&inside_, &outside_}) {
      org_v1::CreateUnitRequest unit;
      *unit.mutable_unit() = ::grassroots::org::testing::NewCompound(
          side->community.name(), "管理员小区", absl::StrCat("A", ++unit_codes_), {});
      unit.set_request_id(ReplayedId("unit", *side));
      org_v1::Unit created_unit;
      ASSERT_TRUE(admin.org->CreateUnit(Context().get(), unit, &created_unit).ok());
      replayed_[unit.request_id()] = created_unit.name();
      roster_v1::CreatePersonRequest person;
      *person.mutable_person() = ::grassroots::roster::testing::NewPerson("管理员建");
      person.mutable_person()->set_residence_building(side->building.name());
      person.set_request_id(ReplayedId("person", *side));
      roster_v1::Person created_person;
      ASSERT_TRUE(admin.roster->CreatePerson(Context().get(), person, &created_person).ok());
      replayed_[person.request_id()] = created_person.name();
    }
    auto casework = casework_v1::CaseworkService::NewStub(
        ::grassroots::testing::CreateTestChannel(casework_server_->address()));
    for (const Side* side : {&inside_, &outside_}) {
      casework_v1::ReportIssueRequest issue;
      *issue.mutable_issue() = NewIssue(*side);
      issue.set_request_id(ReplayedId("issue", *side));
      casework_v1::Issue created_issue;
      ASSERT_TRUE(casework->ReportIssue(Context().get(), issue, &created_issue).ok());
      replayed_[issue.request_id()] = created_issue.name();
      // An issue of the compound escalated to the street (compound ->
      // community -> street), with a department summoned.
      issue.clear_request_id();
      issue.mutable_issue()->set_place(side->compound.name());
      casework_v1::Issue street_issue;
      ASSERT_TRUE(casework->ReportIssue(Context().get(), issue, &street_issue).ok());
      ASSERT_NO_FATAL_FAILURE(Escalate(*casework, street_issue.name(), 2, &street_issue));
      ASSERT_EQ(street_issue.handling_unit(), district_.street1.name());
      street_issue_[side->community.name()] = street_issue.name();
      casework_v1::CreateDispatchRequest dispatch;
      dispatch.set_parent(street_issue.name());
      *dispatch.mutable_dispatch() = NewDispatch("");
      casework_v1::Dispatch created_dispatch;
      const grpc::Status created =
          casework->CreateDispatch(Context().get(), dispatch, &created_dispatch);
      ASSERT_TRUE(created.ok()) << created.error_message();
      dispatch_[side->community.name()] = created_dispatch.name();
    }
    org_v1::CreateExternalOrgRequest external;
    external.mutable_external_org()->set_district(district_.district.name());
    external.mutable_external_org()->set_kind(org_v1::ExternalOrg::AGENCY);
    external.mutable_external_org()->set_display_name("区住房和城乡建设局");
    org_v1::ExternalOrg created_external;
    ASSERT_TRUE(admin.org->CreateExternalOrg(Context().get(), external, &created_external).ok());
    external_org_ = created_external.name();
    for (const Side* side : {&inside_, &outside_}) {
      ASSERT_NO_FATAL_FAILURE(CreateAllianceWithItems(*admin.org, *side));
    }
  }
  static org_v1::Alliance NewCompoundAlliance(const Side& side) {
    org_v1::Alliance alliance;
    alliance.set_kind(org_v1::Alliance::COMPOUND);
    alliance.set_unit(side.compound.name());
    alliance.set_leading_party_org(side.branch.name());
    alliance.set_display_name("“1+4+X”联盟");
    org_v1::Alliance::Member* residents = alliance.add_members();
    residents->set_role(org_v1::Alliance::Member::RESIDENT_REPRESENTATIVES);
    residents->set_display_name("居民代表5人");
    return alliance;
  }
  // An alliance at the side's compound with one item CLAIMED by its branch
  // and one DONE.
  void CreateAllianceWithItems(org_v1::OrgService::Stub& org, const Side& side) {
    org_v1::CreateAllianceRequest create;
    *create.mutable_alliance() = NewCompoundAlliance(side);
    org_v1::Alliance alliance;
    ASSERT_TRUE(org.CreateAlliance(Context().get(), create, &alliance).ok());
    alliance_[side.community.name()] = alliance.name();
    for (std::map<std::string, std::string>* item : {&claimed_item_, &done_item_}) {
      org_v1::CreateAllianceItemRequest add;
      add.set_parent(alliance.name());
      add.mutable_item()->set_kind(org_v1::AllianceItem::RESOURCE);
      add.mutable_item()->set_title("共建单位提供活动场地");
      org_v1::AllianceItem made;
      ASSERT_TRUE(org.CreateAllianceItem(Context().get(), add, &made).ok());
      org_v1::ClaimAllianceItemRequest claim;
      claim.set_name(made.name());
      claim.set_claimed_by(side.branch.name());
      ASSERT_TRUE(org.ClaimAllianceItem(Context().get(), claim, &made).ok());
      (*item)[side.community.name()] = made.name();
    }
    org_v1::CompleteAllianceItemRequest complete;
    complete.set_name(done_item_[side.community.name()]);
    org_v1::AllianceItem done;
    ASSERT_TRUE(org.CompleteAllianceItem(Context().get(), complete, &done).ok());
  }

  // An activity of the side's branch at its building: volunteer service
  // (credit earning), two hours from `start_in` from now.
  static activity_v1::Activity NewActivity(const Side& side, absl::Duration start_in) {
    activity_v1::Activity activity;
    activity.set_party_org(side.branch.name());
    activity.set_kind(activity_v1::VOLUNTEER_SERVICE);
    activity.set_theme("楼道清洁志愿服务");
    activity.set_place(side.building.name());
    const absl::Time start = absl::Now() + start_in;
    TimeToProto(start, activity.mutable_start_time());
    TimeToProto(start + absl::Hours(2), activity.mutable_end_time());
    return activity;
  }
  // `creditAccounts/{person}` of the side's resident.
  static std::string CreditAccountOf(const Side& side) {
    return absl::StrCat("creditAccounts/", side.resident.name().substr(sizeof("people/") - 1));
  }
  // Takes `name` through `actions` ("submit", "approve", "hold"), as
  // whoever `activity` calls as; the side's committee approves.
  static void Advance(activity_v1::ActivityService::Stub& activity, const Side& side,
                      const std::string& name, const std::vector<std::string>& actions,
                      activity_v1::Activity* out) {
    for (const std::string& action : actions) {
      grpc::Status status;
      if (action == "submit") {
        activity_v1::SubmitActivityRequest r;
        r.set_name(name);
        status = activity.SubmitActivity(Context().get(), r, out);
      } else if (action == "approve") {
        activity_v1::ApproveActivityRequest r;
        r.set_name(name);
        r.set_approver(side.committee.name());
        status = activity.ApproveActivity(Context().get(), r, out);
      } else {
        activity_v1::HoldActivityRequest r;
        r.set_name(name);
        status = activity.HoldActivity(Context().get(), r, out);
      }
      ASSERT_TRUE(status.ok()) << action << " " << name << ": " << status.error_message();
    }
  }
  // Each side's activities, credit and service point for the matrix, by
  // the test's own principal straight to the activity service.
  void CreateActivities() {
    auto activity = activity_v1::ActivityService::NewStub(
        ::grassroots::testing::CreateTestChannel(activity_server_->address()));
    for (const Side* side : {&inside_, &outside_}) {
      const std::string& key = side->community.name();
      activity_v1::CreateActivityRequest create;
      *create.mutable_activity() = NewActivity(*side, absl::Hours(24));
      create.set_request_id(ReplayedId("activity", *side));
      activity_v1::Activity made;
      grpc::Status status = activity->CreateActivity(Context().get(), create, &made);
      ASSERT_TRUE(status.ok()) << status.error_message();
      replayed_[create.request_id()] = made.name();
      draft_activity_[key] = made.name();
      create.clear_request_id();
      status = activity->CreateActivity(Context().get(), create, &made);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_NO_FATAL_FAILURE(Advance(*activity, *side, made.name(), {"submit"}, &made));
      submitted_activity_[key] = made.name();
      // Under way since an hour ago: HELD, with the resident's day of
      // service (48 points) recorded.
      *create.mutable_activity() = NewActivity(*side, -absl::Hours(1));
      status = activity->CreateActivity(Context().get(), create, &made);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_NO_FATAL_FAILURE(
          Advance(*activity, *side, made.name(), {"submit", "approve", "hold"}, &made));
      held_activity_[key] = made.name();
      activity_v1::RecordAttendanceRequest line;
      line.set_parent(made.name());
      line.mutable_attendance()->set_kind(activity_v1::VOLUNTEER);
      line.mutable_attendance()->set_person(side->resident.name());
      line.mutable_attendance()->set_minutes(1440);
      activity_v1::Attendance recorded;
      status = activity->RecordAttendance(Context().get(), line, &recorded);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(recorded.credit(), 48);
      activity_v1::RedeemCreditRequest redeem;
      redeem.set_account(CreditAccountOf(*side));
      redeem.set_amount(1);
      redeem.set_reason("兑换毛巾");
      redeem.set_request_id(ReplayedId("credit", *side));
      activity_v1::CreditEntry entry;
      status = activity->RedeemCredit(Context().get(), redeem, &entry);
      ASSERT_TRUE(status.ok()) << status.error_message();
      replayed_[redeem.request_id()] = entry.name();
      activity_v1::CreateServicePointRequest point;
      point.mutable_service_point()->set_unit(side->compound.name());
      point.mutable_service_point()->set_display_name("小区党群服务站");
      point.mutable_service_point()->set_kind(
          activity_v1::ServicePoint::NEIGHBOURHOOD_SERVICE_POINT);
      activity_v1::ServicePoint made_point;
      status = activity->CreateServicePoint(Context().get(), point, &made_point);
      ASSERT_TRUE(status.ok()) << status.error_message();
      service_point_[key] = made_point.name();
    }
  }

  std::string external_org_;
  // By the side's community: its alliance and items.
  std::map<std::string, std::string> alliance_, claimed_item_, done_item_;
  // By the side's community: its issue escalated to the street, and the
  // department summoned to it (SUMMONED).
  std::map<std::string, std::string> street_issue_, dispatch_;
  // By the side's community: its activities (DRAFT, SUBMITTED, HELD) and
  // its service point.
  std::map<std::string, std::string> draft_activity_, submitted_activity_, held_activity_,
      service_point_;
  int unit_codes_ = 0;
  std::map<std::string, std::string> replayed_;
};

TEST_F(GatewayAuthzTest, EveryRpcEveryRoleInsideAndOutsideScope) {
  const std::string scope = inside_.community.name();
  for (const char* role : {"VIEWER", "EDITOR", "ADMIN", "AUDITOR"}) {
    AddPrincipal(absl::AsciiStrToLower(role), role, scope, /*pii=*/false);
    AddPrincipal(absl::StrCat(absl::AsciiStrToLower(role), "-pii"), role, scope, /*pii=*/true);
  }
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  ASSERT_NO_FATAL_FAILURE(CreateReplayedResources());
  ASSERT_NO_FATAL_FAILURE(CreateActivities());

  const std::vector<Case> cases = Cases();
  // Every method of both services is in the matrix.
  std::set<std::string> methods;
  for (const Case& c : cases) methods.insert(c.method);
  for (const char* name :
       {"grassroots.org.v1.OrgService", "grassroots.roster.v1.RosterService",
        "grassroots.casework.v1.CaseworkService", "grassroots.activity.v1.ActivityService",
        "grassroots.gateway.v1.GatewayService"}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(name);
    ASSERT_NE(service, nullptr) << name;
    for (int i = 0; i < service->method_count(); ++i) {
      EXPECT_THAT(methods,
                  Contains(absl::StrCat(service->name(), ".", service->method(i)->name())));
    }
  }

  int calls = 0, cross_scope = 0, cross_scope_allowed = 0, role_denied_allowed = 0;
  int grant_needed = 0, grant_needed_allowed = 0;
  for (const TestPrincipal& p : principals_) {
    Clients clients = ClientsOf(p);
    const bool global = p.scope == "*";
    for (const Case& c : cases) {
      for (const Side* side : {&inside_, &outside_}) {
        const bool outside = side == &outside_;
        if (outside && !c.has_outside) continue;
        const grpc::Status status = c.call(clients, *side);
        ++calls;
        grpc::StatusCode expected = c.inside;
        const bool grant_refused = c.needs_grant && !p.pii && RoleMay(p.role, c.kind);
        if (!RoleMay(p.role, c.kind)) {
          expected = grpc::StatusCode::PERMISSION_DENIED;
          if (status.error_code() != grpc::StatusCode::PERMISSION_DENIED) ++role_denied_allowed;
        } else if (grant_refused) {
          expected = grpc::StatusCode::PERMISSION_DENIED;
          ++grant_needed;
          if (status.error_code() != grpc::StatusCode::PERMISSION_DENIED) ++grant_needed_allowed;
          EXPECT_THAT(status.error_message(), HasSubstr("personal-data grant")) << c.method;
        } else if ((outside || c.global_only) && !global) {
          expected = grpc::StatusCode::PERMISSION_DENIED;
        }
        if (outside && !global) {
          ++cross_scope;
          if (status.error_code() != grpc::StatusCode::PERMISSION_DENIED) ++cross_scope_allowed;
        }
        EXPECT_EQ(status.error_code(), expected)
            << p.name << " (" << p.role << " " << p.scope << ") " << c.method << " "
            << (outside ? "outside" : "inside") << ": " << status.error_message();
        if (expected == grpc::StatusCode::PERMISSION_DENIED && outside && RoleMay(p.role, c.kind) &&
            !grant_refused) {
          // The refusal says what and where, and nothing of what exists.
          EXPECT_THAT(status.error_message(), HasSubstr("your scope " + scope)) << c.method;
        }
      }
    }
  }
  std::cout << "[ MATRIX   ] " << cases.size() << " RPCs x " << principals_.size()
            << " principals: " << calls << " calls; cross-scope attempts " << cross_scope
            << ", allowed " << cross_scope_allowed << "; calls the role forbids allowed "
            << role_denied_allowed << "; calls that need the personal-data grant " << grant_needed
            << ", allowed without it " << grant_needed_allowed << "\n";
  EXPECT_EQ(grant_needed_allowed, 0);
  EXPECT_GT(grant_needed, 0);
  EXPECT_EQ(cross_scope_allowed, 0);
  EXPECT_EQ(role_denied_allowed, 0);
  EXPECT_GT(cross_scope, 100);
}

TEST_F(GatewayAuthzTest, ListsAndWatchesAreFilteredToTheScope) {
  AddPrincipal("viewer", "VIEWER", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients c = ClientsOf(principals_.back());

  // Districts: none is in a community's scope.
  org_v1::ListUnitsRequest districts;
  org_v1::ListUnitsResponse units;
  ASSERT_TRUE(c.org->ListUnits(Context().get(), districts, &units).ok());
  EXPECT_EQ(units.units_size(), 0);

  // Ancestors above the scope are left out.
  org_v1::GetAncestorsRequest ancestors_request;
  ancestors_request.set_name(inside_.building.name());
  org_v1::GetAncestorsResponse ancestors;
  ASSERT_TRUE(c.org->GetAncestors(Context().get(), ancestors_request, &ancestors).ok());
  std::vector<std::string> names;
  for (const auto& u : ancestors.ancestors()) names.push_back(u.name());
  EXPECT_THAT(names, ElementsAre(inside_.community.name(), inside_.compound.name()));

  // People: the inside resident, never the outside one.
  roster_v1::ListPeopleRequest people_request;
  roster_v1::ListPeopleResponse people;
  ASSERT_TRUE(c.roster->ListPeople(Context().get(), people_request, &people).ok());
  std::vector<std::string> people_names;
  for (const auto& p : people.people()) people_names.push_back(p.name());
  EXPECT_THAT(people_names, Contains(inside_.resident.name()));
  EXPECT_THAT(people_names, Not(Contains(outside_.resident.name())));

  // Roles under the street: only those inside.
  roster_v1::ListRoleAssignmentsRequest roles_request;
  roles_request.set_current_only(true);
  roster_v1::ListRoleAssignmentsResponse roles;
  ASSERT_TRUE(c.roster->ListRoleAssignments(Context().get(), roles_request, &roles).ok());
  std::vector<std::string> places;
  for (const auto& r : roles.role_assignments()) places.push_back(r.place());
  EXPECT_THAT(places, Contains(inside_.building.name()));
  EXPECT_THAT(places, Not(Contains(outside_.building.name())));

  // Events: the org log holds both sides; the viewer sees only its own.
  org_v1::ListEventsRequest events_request;
  events_request.set_page_size(1000);
  org_v1::ListEventsResponse events;
  ASSERT_TRUE(c.org->ListEvents(Context().get(), events_request, &events).ok());
  std::vector<std::string> resources;
  for (const auto& e : events.events()) resources.push_back(e.resource());
  EXPECT_THAT(resources, Contains(inside_.compound.name()));
  EXPECT_THAT(resources, Not(Contains(outside_.compound.name())));
  EXPECT_THAT(resources, Not(Contains(district_.district.name())));

  // A watch delivers a change inside and skips one outside.
  org_v1::WatchEventsRequest watch_request;
  watch_request.set_start_revision(events.current_revision() + 1);
  auto watch_context = Context(absl::Seconds(10));
  auto watch = c.org->WatchEvents(watch_context.get(), watch_request);
  OrgClient admin(Channel(district_admin_.token));
  for (const Side* side : {&outside_, &inside_}) {
    org_v1::UpdateUnitRequest update;
    update.mutable_unit()->set_name(side->building.name());
    update.mutable_unit()->set_display_name("改名楼栋");
    update.mutable_update_mask()->add_paths("display_name");
    ASSERT_OK(admin.Call(&org_v1::OrgService::StubInterface::UpdateUnit, update).status());
  }
  org_v1::WatchEventsResponse batch;
  ASSERT_TRUE(watch->Read(&batch));
  ASSERT_EQ(batch.events_size(), 1);
  EXPECT_EQ(batch.events(0).resource(), inside_.building.name());
  EXPECT_EQ(batch.events(0).actor(), district_admin_.name);
  watch_context->TryCancel();
}

// Streams cut short at every moment — by the client's deadline or a
// cancel, while batches are filtered (people events need lookups on the
// worker pool) or rows are checked — never crash or wedge the gateway. Run
// under AddressSanitizer this also shows nothing is used after it is freed.
TEST_F(GatewayAuthzTest, StreamsCutShortAtAnyMomentLeaveTheGatewayServing) {
  AddPrincipal("viewer", "VIEWER", inside_.community.name(), false);
  AddPrincipal("editor", "EDITOR", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients viewer = ClientsOf(principals_[principals_.size() - 2]);
  Clients editor = ClientsOf(principals_.back());
  std::mt19937 random(20261123);
  int cut = 0;
  for (int i = 0; i < 60; ++i) {
    const absl::Duration deadline = absl::Microseconds(200 + random() % 20000);
    switch (i % 3) {
      case 0: {
        roster_v1::WatchEventsRequest request;
        request.set_start_revision(1);
        auto context = Context(deadline);
        cut += !Drain(viewer.roster->WatchEvents(context.get(), request)).ok();
        break;
      }
      case 1: {
        org_v1::ListDescendantsRequest request;
        request.set_name(inside_.community.name());
        auto context = Context(deadline);
        cut += !Drain(viewer.org->ListDescendants(context.get(), request)).ok();
        break;
      }
      case 2: {
        roster_v1::ImportPeopleResponse response;
        auto context = Context(absl::Seconds(10));
        auto writer = editor.roster->ImportPeople(context.get(), &response);
        const int messages = 1 + random() % 4;
        for (int m = 0; m < messages; ++m) {
          roster_v1::ImportPeopleRequest request;
          request.set_validate_only(true);
          roster_v1::ImportRow* row = request.add_rows();
          *row->mutable_person() = ::grassroots::roster::testing::NewPerson("钱七");
          row->mutable_person()->set_external_key(absl::StrCat("cut-", i, "-", m));
          row->mutable_person()->set_residence_building(inside_.building.name());
          if (!writer->Write(request)) break;
        }
        if (random() % 2 == 0) {
          context->TryCancel();
          ++cut;
        } else {
          writer->WritesDone();
        }
        (void)writer->Finish();
        break;
      }
    }
  }
  std::cout << "[ CUT      ] 60 streams, " << cut << " cut short\n";
  EXPECT_GT(cut, 10);
  gateway_v1::WhoAmIResponse who;
  EXPECT_TRUE(viewer.gateway->WhoAmI(Context().get(), {}, &who).ok());
  EXPECT_TRUE(gateway_->running());
  // No call is left hanging: shutdown does not wait out its grace period.
  const absl::Time stop = absl::Now();
  EXPECT_THAT(gateway_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  EXPECT_LT(absl::Now() - stop, absl::Seconds(3));
  EXPECT_THAT(gateway_->ReadLog(), Not(HasSubstr("ERROR: AddressSanitizer")));
}

// An issue is read where it is and acted on where it is handled: each
// escalation moves it out of the reach of the level below, which still sees
// it, corrects the report and records the resident's answer.
TEST_F(GatewayAuthzTest, StreetPrincipalsActOnAnIssueEscalatedToTheStreet) {
  const TestPrincipal compound_editor =
      AddPrincipal("compound-editor", "EDITOR", inside_.compound.name(), false);
  const TestPrincipal community_editor =
      AddPrincipal("community-editor", "EDITOR", inside_.community.name(), false);
  const TestPrincipal street_editor =
      AddPrincipal("street-editor", "EDITOR", district_.street1.name(), false);
  const TestPrincipal other_street_editor =
      AddPrincipal("other-street-editor", "EDITOR", district_.street2.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients compound = ClientsOf(compound_editor);
  Clients community = ClientsOf(community_editor);
  Clients street = ClientsOf(street_editor);
  Clients other_street = ClientsOf(other_street_editor);

  // The compound's grid worker reports at a building of the compound.
  casework_v1::ReportIssueRequest report;
  *report.mutable_issue() = NewIssue(inside_);
  casework_v1::Issue issue;
  grpc::Status status = compound.casework->ReportIssue(Context().get(), report, &issue);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(issue.handling_unit(), inside_.compound.name());
  const auto get = [&](Clients& c) {
    casework_v1::GetIssueRequest r;
    r.set_name(issue.name());
    casework_v1::Issue out;
    return c.casework->GetIssue(Context().get(), r, &out);
  };
  const auto accept = [&](Clients& c, const std::string& party_org) {
    casework_v1::AcceptIssueRequest r;
    r.set_name(issue.name());
    r.set_handling_party_org(party_org);
    return c.casework->AcceptIssue(Context().get(), r, &issue);
  };
  const auto retitle = [&](Clients& c) {
    casework_v1::UpdateIssueRequest r;
    r.mutable_issue()->set_name(issue.name());
    r.mutable_issue()->set_title("楼道堆放杂物（已核实）");
    r.mutable_update_mask()->add_paths("title");
    casework_v1::Issue out;
    return c.casework->UpdateIssue(Context().get(), r, &out);
  };
  const auto outside_of = [&](const TestPrincipal& p) {
    return absl::StrCat(issue.name(), " is outside your scope ", p.scope);
  };

  // Escalated by the compound: the community handles it now.
  ASSERT_NO_FATAL_FAILURE(Escalate(*compound.casework, issue.name(), 1, &issue));
  EXPECT_EQ(issue.handling_unit(), inside_.community.name());
  EXPECT_TRUE(get(compound).ok());
  EXPECT_TRUE(retitle(compound).ok());
  status = accept(compound, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), outside_of(compound_editor));

  // Escalated by the community: the street handles it. The community's
  // EDITOR still reads and corrects it, but neither accepts, resolves,
  // rejects, escalates it nor summons a department to it.
  ASSERT_NO_FATAL_FAILURE(Escalate(*community.casework, issue.name(), 1, &issue));
  EXPECT_EQ(issue.handling_unit(), district_.street1.name());
  EXPECT_TRUE(get(community).ok());
  EXPECT_TRUE(retitle(community).ok());
  status = accept(community, "");
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), outside_of(community_editor));
  casework_v1::Issue unchanged;
  casework_v1::ResolveIssueRequest resolve;
  resolve.set_name(issue.name());
  resolve.set_resolution("已清理");
  EXPECT_EQ(community.casework->ResolveIssue(Context().get(), resolve, &unchanged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  casework_v1::RejectIssueRequest reject;
  reject.set_name(issue.name());
  reject.set_reason("重复诉求");
  EXPECT_EQ(community.casework->RejectIssue(Context().get(), reject, &unchanged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  casework_v1::EscalateIssueRequest escalate;
  escalate.set_name(issue.name());
  escalate.set_reason("街道也无力解决");
  EXPECT_EQ(community.casework->EscalateIssue(Context().get(), escalate, &unchanged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  casework_v1::CreateDispatchRequest summon;
  summon.set_parent(issue.name());
  *summon.mutable_dispatch() = NewDispatch("");
  casework_v1::Dispatch dispatch;
  status = community.casework->CreateDispatch(Context().get(), summon, &dispatch);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), absl::StrCat("parent: ", outside_of(community_editor)));
  // Another street sees nothing of it.
  EXPECT_EQ(get(other_street).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(accept(other_street, "").error_code(), grpc::StatusCode::PERMISSION_DENIED);

  // The street accepts it under its working committee and summons a
  // department, which acknowledges through the street.
  status = accept(street, district_.working_committee1.name());
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issue.state(), casework_v1::Issue::ACCEPTED);
  EXPECT_EQ(issue.handling_party_org(), district_.working_committee1.name());
  status = street.casework->CreateDispatch(Context().get(), summon, &dispatch);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(dispatch.summoning_unit(), district_.street1.name());
  casework_v1::GetDispatchRequest get_dispatch;
  get_dispatch.set_name(dispatch.name());
  casework_v1::Dispatch read;
  EXPECT_TRUE(community.casework->GetDispatch(Context().get(), get_dispatch, &read).ok());
  EXPECT_EQ(other_street.casework->GetDispatch(Context().get(), get_dispatch, &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  casework_v1::AcknowledgeDispatchRequest acknowledge;
  acknowledge.set_name(dispatch.name());
  EXPECT_EQ(
      community.casework->AcknowledgeDispatch(Context().get(), acknowledge, &read).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  status = street.casework->AcknowledgeDispatch(Context().get(), acknowledge, &read);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(read.state(), casework_v1::Dispatch::ACKNOWLEDGED);

  // Resolved by the street; the resident's answer is recorded by the
  // community that serves the place.
  status = street.casework->ResolveIssue(Context().get(), resolve, &issue);
  ASSERT_TRUE(status.ok()) << status.error_message();
  casework_v1::ConfirmIssueRequest confirm;
  confirm.set_name(issue.name());
  confirm.set_satisfaction(casework_v1::SATISFIED);
  status = community.casework->ConfirmIssue(Context().get(), confirm, &issue);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issue.state(), casework_v1::Issue::CONFIRMED);
}

// Issues are listed under a place in scope, and the events of the casework
// service are kept by the place their issue or dispatch is at.
TEST_F(GatewayAuthzTest, IssueListsAndEventsAreFilteredToTheScope) {
  AddPrincipal("viewer", "VIEWER", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients c = ClientsOf(principals_.back());

  casework_v1::ListIssuesRequest everywhere;
  casework_v1::ListIssuesResponse issues;
  grpc::Status status = c.casework->ListIssues(Context().get(), everywhere, &issues);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("place"));
  casework_v1::ListIssuesRequest street;
  street.set_place(district_.street1.name());
  EXPECT_EQ(c.casework->ListIssues(Context().get(), street, &issues).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  casework_v1::ListIssuesRequest community;
  community.set_place(inside_.community.name());
  status = c.casework->ListIssues(Context().get(), community, &issues);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> names;
  for (const auto& issue : issues.issues()) names.push_back(issue.name());
  EXPECT_THAT(names, ElementsAre(inside_.issue.name()));

  casework_v1::ListEventsRequest events_request;
  events_request.set_page_size(1000);
  casework_v1::ListEventsResponse events;
  status = c.casework->ListEvents(Context().get(), events_request, &events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> resources;
  for (const auto& e : events.events()) resources.push_back(e.resource());
  EXPECT_THAT(resources, ElementsAre(inside_.issue.name()));

  // A watch delivers a change inside and skips one outside.
  casework_v1::WatchEventsRequest watch_request;
  watch_request.set_start_revision(events.current_revision() + 1);
  auto watch_context = Context(absl::Seconds(10));
  auto watch = c.casework->WatchEvents(watch_context.get(), watch_request);
  Clients admin = ClientsOf(district_admin_);
  for (const Side* side : {&outside_, &inside_}) {
    casework_v1::UpdateIssueRequest update;
    update.mutable_issue()->set_name(side->issue.name());
    update.mutable_issue()->set_description("三楼到五楼");
    update.mutable_update_mask()->add_paths("description");
    casework_v1::Issue updated;
    status = admin.casework->UpdateIssue(Context().get(), update, &updated);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  casework_v1::WatchEventsResponse batch;
  ASSERT_TRUE(watch->Read(&batch));
  ASSERT_EQ(batch.events_size(), 1);
  EXPECT_EQ(batch.events(0).resource(), inside_.issue.name());
  EXPECT_EQ(batch.events(0).actor(), district_admin_.name);
  watch_context->TryCancel();
}

// A branch plans its activity in its compound; the community's party
// committee, the organisation above, approves it from the community; another
// community neither reads, works, approves nor imports into it, and an
// unknown activity looks exactly like it.
TEST_F(GatewayAuthzTest, ActivitiesAreWorkedInTheirScopeAndApprovedByTheOrganisationAbove) {
  const TestPrincipal compound_editor =
      AddPrincipal("compound-editor", "EDITOR", inside_.compound.name(), false);
  const TestPrincipal community_editor =
      AddPrincipal("community-editor", "EDITOR", inside_.community.name(), false);
  const TestPrincipal other_editor =
      AddPrincipal("other-community-editor", "EDITOR", outside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients compound = ClientsOf(compound_editor);
  Clients community = ClientsOf(community_editor);
  Clients other = ClientsOf(other_editor);

  // The compound's EDITOR plans the branch's activity and submits it.
  activity_v1::CreateActivityRequest create;
  *create.mutable_activity() = NewActivity(inside_, -absl::Hours(1));
  activity_v1::Activity activity;
  grpc::Status status = compound.activity->CreateActivity(Context().get(), create, &activity);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(activity.party_org_units(), ElementsAre(inside_.compound.name()));
  ASSERT_NO_FATAL_FAILURE(
      Advance(*compound.activity, inside_, activity.name(), {"submit"}, &activity));
  const auto outside_of = [&](const TestPrincipal& p) {
    return absl::StrCat(activity.name(), " is outside your scope ", p.scope);
  };

  // The compound cannot approve for the committee above it: the committee
  // covers the whole community.
  activity_v1::ApproveActivityRequest approve;
  approve.set_name(activity.name());
  approve.set_approver(inside_.committee.name());
  status = compound.activity->ApproveActivity(Context().get(), approve, &activity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("approver: ", inside_.committee.name(), " is outside your scope ",
                         inside_.compound.name()));

  // Another community's EDITOR: not with its own committee (the activity
  // is not its to read), not with the right one (not its to write either).
  activity_v1::Activity unchanged;
  approve.set_approver(outside_.committee.name());
  status = other.activity->ApproveActivity(Context().get(), approve, &unchanged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), outside_of(other_editor));
  approve.set_approver(inside_.committee.name());
  status = other.activity->ApproveActivity(Context().get(), approve, &unchanged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("is outside your scope " + other_editor.scope));
  activity_v1::GetActivityRequest get;
  get.set_name(activity.name());
  status = other.activity->GetActivity(Context().get(), get, &unchanged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), outside_of(other_editor));
  activity_v1::CancelActivityRequest cancel;
  cancel.set_name(activity.name());
  cancel.set_reason("改期");
  EXPECT_EQ(other.activity->CancelActivity(Context().get(), cancel, &unchanged).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The community's EDITOR approves, and the branch holds it.
  approve.set_approver(inside_.committee.name());
  status = community.activity->ApproveActivity(Context().get(), approve, &activity);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(activity.state(), activity_v1::Activity::APPROVED);
  EXPECT_EQ(activity.approver(), inside_.committee.name());
  ASSERT_NO_FATAL_FAILURE(
      Advance(*compound.activity, inside_, activity.name(), {"hold"}, &activity));

  // A sheet: the other community cannot import into it, not even to check
  // it, nor can the compound name a resident of the other community.
  activity_v1::ImportAttendanceRequest sheet;
  sheet.set_parent(activity.name());
  sheet.set_validate_only(true);
  activity_v1::Attendance* line = sheet.add_attendances();
  line->set_kind(activity_v1::VOLUNTEER);
  line->set_person(inside_.resident.name());
  line->set_minutes(90);
  activity_v1::ImportAttendanceResponse imported;
  status = other.activity->ImportAttendance(Context().get(), sheet, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(), absl::StrCat("parent: ", outside_of(other_editor)));
  sheet.add_attendances()->CopyFrom(*line);
  sheet.mutable_attendances(1)->set_person(outside_.resident.name());
  status = compound.activity->ImportAttendance(Context().get(), sheet, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("attendances[1].person: ", outside_.resident.name(),
                         " is outside your scope ", inside_.compound.name()));
  sheet.mutable_attendances()->RemoveLast();
  sheet.set_validate_only(false);
  status = compound.activity->ImportAttendance(Context().get(), sheet, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.recorded(), 1);
  EXPECT_EQ(imported.errors_size(), 0);

  // The resident's credit: read and spent inside, neither from outside.
  activity_v1::GetCreditAccountRequest account;
  account.set_name(CreditAccountOf(inside_));
  activity_v1::CreditAccount credit;
  status = community.activity->GetCreditAccount(Context().get(), account, &credit);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(credit.balance(), 3);
  EXPECT_EQ(other.activity->GetCreditAccount(Context().get(), account, &credit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  activity_v1::RedeemCreditRequest redeem;
  redeem.set_account(CreditAccountOf(inside_));
  redeem.set_amount(3);
  redeem.set_reason("兑换毛巾");
  activity_v1::CreditEntry entry;
  EXPECT_EQ(other.activity->RedeemCredit(Context().get(), redeem, &entry).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = community.activity->RedeemCredit(Context().get(), redeem, &entry);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(entry.amount(), -3);

  // An unknown activity answers exactly as one outside the scope.
  activity_v1::GetActivityRequest missing;
  missing.set_name("activities/999999");
  status = other.activity->GetActivity(Context().get(), missing, &unchanged);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("activities/999999 is outside your scope ", other_editor.scope));
  activity_v1::ListAttendancesRequest lines;
  lines.set_parent("activities/999999");
  activity_v1::ListAttendancesResponse listed;
  const grpc::Status unknown = other.activity->ListAttendances(Context().get(), lines, &listed);
  lines.set_parent(activity.name());
  const grpc::Status elsewhere = other.activity->ListAttendances(Context().get(), lines, &listed);
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(elsewhere.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(absl::StrReplaceAll(unknown.error_message(), {{"activities/999999", "X"}}),
            absl::StrReplaceAll(elsewhere.error_message(), {{activity.name(), "X"}}));

  // Lists and events: the community sees its own activity, the other
  // community none of it.
  activity_v1::ListActivitiesRequest list;
  list.set_place(outside_.community.name());
  activity_v1::ListActivitiesResponse page;
  status = other.activity->ListActivities(Context().get(), list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(page.activities_size(), 0);
  list.set_place(inside_.community.name());
  EXPECT_EQ(other.activity->ListActivities(Context().get(), list, &page).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = community.activity->ListActivities(Context().get(), list, &page);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(page.activities_size(), 1);
  EXPECT_EQ(page.activities(0).name(), activity.name());
  activity_v1::ListEventsRequest events_request;
  events_request.set_page_size(1000);
  activity_v1::ListEventsResponse events;
  status = other.activity->ListEvents(Context().get(), events_request, &events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const activity_v1::Event& event : events.events()) {
    EXPECT_THAT(event.resource(), Not(HasSubstr(activity.name())));
    EXPECT_THAT(event.resource(), Not(HasSubstr(CreditAccountOf(inside_))));
  }
  status = community.activity->ListEvents(Context().get(), events_request, &events);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> resources;
  for (const activity_v1::Event& event : events.events()) resources.push_back(event.resource());
  EXPECT_THAT(resources, Contains(activity.name()));
  EXPECT_THAT(resources, Contains(HasSubstr(CreditAccountOf(inside_))));
}

TEST_F(GatewayAuthzTest, JointBranchIsReadableButNotWritableFromOneOfItsCompounds) {
  AddPrincipal("compound-editor", "EDITOR", district_.compound2.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients c = ClientsOf(principals_.back());
  org_v1::GetPartyOrgRequest get;
  get.set_name(district_.joint_branch.name());
  org_v1::PartyOrg org;
  EXPECT_TRUE(c.org->GetPartyOrg(Context().get(), get, &org).ok());
  org_v1::UpdatePartyOrgRequest update;
  update.mutable_party_org()->set_name(district_.joint_branch.name());
  update.mutable_party_org()->set_display_name("改名");
  update.mutable_update_mask()->add_paths("display_name");
  grpc::Status status = c.org->UpdatePartyOrg(Context().get(), update, &org);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("party_org.name: ", district_.joint_branch.name(),
                         " is outside your scope ", district_.compound2.name()));
}

// A community reads its district's directory of co-building units but does
// not write it; the district writes it.
TEST_F(GatewayAuthzTest, TheDistrictsDirectoryIsReadInTheDistrictAndWrittenByIt) {
  AddPrincipal("community-admin", "ADMIN", inside_.community.name(), false);
  AddPrincipal("district-editor", "EDITOR", district_.district.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients community = ClientsOf(principals_[principals_.size() - 2]);
  Clients district = ClientsOf(principals_[principals_.size() - 1]);

  org_v1::CreateExternalOrgRequest create;
  create.mutable_external_org()->set_district(district_.district.name());
  create.mutable_external_org()->set_kind(org_v1::ExternalOrg::PROPERTY_COMPANY);
  create.mutable_external_org()->set_display_name("湘江物业");
  org_v1::ExternalOrg made;
  grpc::Status status = community.org->CreateExternalOrg(Context().get(), create, &made);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("external_org.district: the directory of ", district_.district.name(),
                         " is outside your scope ", inside_.community.name()));
  ASSERT_TRUE(district.org->CreateExternalOrg(Context().get(), create, &made).ok());

  org_v1::GetExternalOrgRequest get;
  get.set_name(made.name());
  org_v1::ExternalOrg read;
  EXPECT_TRUE(community.org->GetExternalOrg(Context().get(), get, &read).ok());
  EXPECT_EQ(read.display_name(), "湘江物业");
  org_v1::UpdateExternalOrgRequest update;
  update.mutable_external_org()->set_name(made.name());
  update.mutable_external_org()->set_display_name("改名");
  EXPECT_EQ(community.org->UpdateExternalOrg(Context().get(), update, &read).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A scoped principal names the district it lists.
  org_v1::ListExternalOrgsRequest everyone;
  org_v1::ListExternalOrgsResponse listed;
  EXPECT_EQ(community.org->ListExternalOrgs(Context().get(), everyone, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The compound names the company: the company must be readable too.
  org_v1::UpdateUnitRequest manage;
  manage.mutable_unit()->set_name(inside_.compound.name());
  manage.mutable_unit()->mutable_compound()->mutable_property_service()->set_mode(
      org_v1::PropertyService::COMPANY);
  manage.mutable_unit()->mutable_compound()->mutable_property_service()->set_company(made.name());
  manage.mutable_update_mask()->add_paths("compound.property_service");
  org_v1::Unit managed;
  ASSERT_TRUE(community.org->UpdateUnit(Context().get(), manage, &managed).ok());
  EXPECT_TRUE(managed.compound().has_property_company());
  EXPECT_EQ(managed.compound().property_service().company(), made.name());
}

TEST_F(GatewayAuthzTest, MoveNeedsBothTheUnitAndItsNewParentInScope) {
  AddPrincipal("admin", "ADMIN", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients c = ClientsOf(principals_.back());
  org_v1::MoveUnitRequest move;
  move.set_name(inside_.building.name());
  move.set_new_parent(outside_.compound.name());
  org_v1::Unit unit;
  grpc::Status status = c.org->MoveUnit(Context().get(), move, &unit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            absl::StrCat("new_parent: ", outside_.compound.name(), " is outside your scope ",
                         inside_.community.name()));
  move.set_name(outside_.building.name());
  move.set_new_parent(inside_.compound.name());
  EXPECT_EQ(c.org->MoveUnit(Context().get(), move, &unit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Within the scope it goes through.
  org_v1::CreateUnitRequest create;
  *create.mutable_unit() = ::grassroots::org::testing::NewBuilding(
      district_.compound2.name(), "3栋", "B3", 30, 6, "老街小区3栋");
  org_v1::Unit created;
  status = c.org->CreateUnit(Context().get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  move.set_name(created.name());
  move.set_new_parent(inside_.compound.name());
  status = c.org->MoveUnit(Context().get(), move, &unit);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(unit.parent(), inside_.compound.name());
}

TEST_F(GatewayAuthzTest, UnknownResourcesLookExactlyLikeOutsideOnes) {
  AddPrincipal("viewer", "VIEWER", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients c = ClientsOf(principals_.back());
  org_v1::Unit unit;
  org_v1::GetUnitRequest missing, elsewhere;
  missing.set_name("units/999999");
  elsewhere.set_name(outside_.compound.name());
  const grpc::Status a = c.org->GetUnit(Context().get(), missing, &unit);
  const grpc::Status b = c.org->GetUnit(Context().get(), elsewhere, &unit);
  EXPECT_EQ(a.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(b.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  roster_v1::LookupPersonByIdCardRequest lookup_missing, lookup_elsewhere;
  lookup_missing.set_id_card_number(::grassroots::roster::testing::TestIdCardNumber(77));
  lookup_elsewhere.set_id_card_number(outside_.id_card);
  roster_v1::Person person;
  const grpc::Status x = c.roster->LookupPersonByIdCard(Context().get(), lookup_missing, &person);
  const grpc::Status y = c.roster->LookupPersonByIdCard(Context().get(), lookup_elsewhere, &person);
  EXPECT_EQ(x.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(y.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(x.error_message(), y.error_message());
  // An issue is looked up at the casework service: NOT_FOUND there is
  // "outside" here, reads and writes alike.
  casework_v1::Issue issue;
  casework_v1::GetIssueRequest get_missing, get_elsewhere;
  get_missing.set_name("issues/999999");
  get_elsewhere.set_name(outside_.issue.name());
  const grpc::Status m = c.casework->GetIssue(Context().get(), get_missing, &issue);
  const grpc::Status e = c.casework->GetIssue(Context().get(), get_elsewhere, &issue);
  EXPECT_EQ(m.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(m.error_message(),
            absl::StrCat("issues/999999 is outside your scope ", inside_.community.name()));
  EXPECT_EQ(e.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(e.error_message(), absl::StrCat(outside_.issue.name(), " is outside your scope ",
                                            inside_.community.name()));
  casework_v1::ListDispatchesRequest dispatches;
  dispatches.set_parent("issues/999999");
  casework_v1::ListDispatchesResponse listed;
  EXPECT_EQ(c.casework->ListDispatches(Context().get(), dispatches, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(GatewayAuthzTest, AuthenticationIsRequiredAndTokensReloadOnSighup) {
  Clients anonymous{org_v1::OrgService::NewStub(Channel("")), nullptr, nullptr};
  org_v1::GetUnitRequest get;
  get.set_name(inside_.compound.name());
  org_v1::Unit unit;
  grpc::Status status = anonymous.org->GetUnit(Context().get(), get, &unit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("authorization"));
  auto wrong = org_v1::OrgService::NewStub(Channel("not-a-token"));
  EXPECT_EQ(wrong->GetUnit(Context().get(), get, &unit).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A new principal works after SIGHUP; a broken file keeps the old tokens.
  TestPrincipal added = AddPrincipal("late", "VIEWER", "*", false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  std::ofstream(tokens_file_) << "this is not a tokens file\n";
  ASSERT_EQ(kill(gateway_->pid(), SIGHUP), 0);
  EXPECT_TRUE(::grassroots::testing::WaitFor([&] {
    return absl::StrContains(gateway_->ReadLog(), "tokens not reloaded");
  })) << gateway_->ReadLog();
  auto late = org_v1::OrgService::NewStub(Channel(added.token));
  EXPECT_TRUE(late->GetUnit(Context().get(), get, &unit).ok());
}

TEST_F(GatewayAuthzTest, PersonalDataIsUnmaskedOnlyWithTheGrant) {
  AddPrincipal("viewer", "VIEWER", inside_.community.name(), false);
  AddPrincipal("viewer-pii", "VIEWER", inside_.community.name(), true);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  roster_v1::GetPersonRequest get;
  get.set_name(inside_.resident.name());
  roster_v1::Person masked, unmasked;
  ASSERT_TRUE(ClientsOf(principals_[principals_.size() - 2])
                  .roster->GetPerson(Context().get(), get, &masked)
                  .ok());
  ASSERT_TRUE(
      ClientsOf(principals_.back()).roster->GetPerson(Context().get(), get, &unmasked).ok());
  EXPECT_EQ(unmasked.id_card_number(), inside_.id_card);
  EXPECT_NE(masked.id_card_number(), inside_.id_card);
  EXPECT_EQ(masked.id_card_number(),
            ::grassroots::roster::testing::ExpectedIdCardMask(inside_.id_card));

  // The casework service masks the reporter's contact by the signed grant
  // the gateway forwards.
  casework_v1::GetIssueRequest get_issue;
  get_issue.set_name(inside_.issue.name());
  casework_v1::Issue masked_issue, unmasked_issue;
  ASSERT_TRUE(ClientsOf(principals_[principals_.size() - 2])
                  .casework->GetIssue(Context().get(), get_issue, &masked_issue)
                  .ok());
  ASSERT_TRUE(ClientsOf(principals_.back())
                  .casework->GetIssue(Context().get(), get_issue, &unmasked_issue)
                  .ok());
  const std::string phone = ::grassroots::roster::testing::TestPhone(1);
  EXPECT_EQ(unmasked_issue.reporter_contact(), phone);
  EXPECT_FALSE(masked_issue.reporter_contact().empty());
  EXPECT_NE(masked_issue.reporter_contact(), phone);
  EXPECT_EQ(masked_issue.title(), unmasked_issue.title());
}

// The events of the roster service, read straight from it as the test
// principal.
std::vector<std::string> RosterEventActors(const std::string& address) {
  auto roster =
      roster_v1::RosterService::NewStub(::grassroots::testing::CreateTestChannel(address));
  roster_v1::ListEventsRequest request;
  request.set_page_size(1000);
  roster_v1::ListEventsResponse events;
  const grpc::Status status =
      roster->ListEvents(::grassroots::testing::NewClientContext().get(), request, &events);
  EXPECT_TRUE(status.ok()) << status.error_message();
  std::vector<std::string> actors;
  for (const auto& event : events.events()) actors.push_back(event.actor());
  return actors;
}

TEST_F(GatewayAuthzTest, CallsStraightToAServiceMustBeSignedByTheGateway) {
  // An internal client that bypasses the gateway: unsigned, then claiming
  // to be the district admin with a made-up signature, then signed with the
  // wrong key. Each is refused, reads and writes alike, and nothing changes.
  const std::vector<std::string> actors_before = RosterEventActors(roster_server_->address());
  auto roster = roster_v1::RosterService::NewStub(
      ::grassroots::testing::CreateUnsignedTestChannel(roster_server_->address()));
  roster_v1::GetPersonRequest get;
  get.set_name(inside_.resident.name());
  roster_v1::UpdatePersonRequest update;
  update.mutable_person()->set_name(inside_.resident.name());
  update.mutable_person()->set_residence_room("2-202");
  update.mutable_update_mask()->add_paths("residence_room");
  roster_v1::Person person;

  grpc::Status status = roster->GetPerson(Context().get(), get, &person);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("not signed"));
  EXPECT_EQ(roster->UpdatePerson(Context().get(), update, &person).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  auto forged = Context();
  forged->AddMetadata(kCallerPrincipalKey, district_admin_.name);
  forged->AddMetadata(kCallerPersonalDataKey, "1");
  forged->AddMetadata(kCallerIssuedKey, absl::StrCat(absl::ToUnixMillis(absl::Now())));
  forged->AddMetadata(kCallerSignatureKey, std::string(64, 'a'));
  status = roster->GetPerson(forged.get(), get, &person);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("does not verify"));

  CallerSigner wrong_key("0123456789abcdef0123456789abcdef");
  auto wrong = Context();
  AttachCaller(wrong_key, {district_admin_.name, true}, *wrong);
  EXPECT_EQ(roster->UpdatePerson(wrong.get(), update, &person).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A service principal, even correctly signed, reads (masked) but never
  // writes: what a stolen copy of the roster's own identity could do.
  const CallerSigner right_key{std::string(::grassroots::testing::kTestCallerKey)};
  auto as_roster = Context();
  AttachCaller(right_key, {"svc.roster_service", true}, *as_roster);
  status = roster->UpdatePerson(as_roster.get(), update, &person);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("svc.roster_service"));
  auto reading = Context();
  AttachCaller(right_key, {"svc.roster_service", false}, *reading);
  ASSERT_TRUE(roster->GetPerson(reading.get(), get, &person).ok());
  EXPECT_EQ(person.residence_room(), inside_.resident.residence_room());

  EXPECT_EQ(RosterEventActors(roster_server_->address()), actors_before);
  // The seeding went through the gateway: its events name the admin.
  ASSERT_FALSE(actors_before.empty());
  EXPECT_EQ(actors_before.front(), district_admin_.name);
}

const google::protobuf::ServiceDescriptor* ServiceNamed(const char* full_name) {
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(full_name);
  EXPECT_NE(service, nullptr) << full_name;
  return service;
}

TEST_F(GatewayAuthzTest, EveryServiceMethodRefusesAnUnsignedCallButHealthAndReflectionAnswer) {
  const google::protobuf::ServiceDescriptor* org =
      ServiceNamed(org_v1::OrgService::service_full_name());
  const google::protobuf::ServiceDescriptor* roster =
      ServiceNamed(roster_v1::RosterService::service_full_name());
  const google::protobuf::ServiceDescriptor* casework =
      ServiceNamed(casework_v1::CaseworkService::service_full_name());
  const google::protobuf::ServiceDescriptor* activity =
      ServiceNamed(activity_v1::ActivityService::service_full_name());
  ASSERT_TRUE(org != nullptr && roster != nullptr && casework != nullptr && activity != nullptr);
  const std::pair<const google::protobuf::ServiceDescriptor*, std::string> services[] = {
      {org, org_server_->address()},
      {roster, roster_server_->address()},
      {casework, casework_server_->address()},
      {activity, activity_server_->address()}};
  int refused = 0;
  for (const auto& [service, address] : services) {
    auto channel = ::grassroots::testing::CreateUnsignedTestChannel(address);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor& method = *service->method(i);
      // Empty bytes parse as the empty request of every method.
      auto context = Context();
      const RawCallResult result = CallMethodRaw(
          channel, absl::StrCat("/", service->full_name(), "/", method.name()), "", *context);
      EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << method.full_name() << ": " << result.status.error_message();
      EXPECT_EQ(result.responses, 0) << method.full_name();
      refused += result.status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
    }
    EXPECT_THAT(CheckHealth(channel, service->full_name()), IsOkAndHolds(HealthStatus::kServing));
    EXPECT_THAT(::grassroots::testing::ListServicesByReflection(channel),
                IsOkAndHolds(Contains(service->full_name())));
  }
  const int methods = org->method_count() + roster->method_count() + casework->method_count() +
                      activity->method_count();
  EXPECT_EQ(refused, methods);
  std::printf("unsigned calls refused: %d of %d methods\n", refused, methods);
}

TEST_F(GatewayAuthzTest, UnsignedReadsFlagLetsUnsignedCallsReadMaskedAndNeverWrite) {
  // A roster started with --allow_unsigned_reads: the gateway's own route
  // table says which methods read; every other one stays refused.
  ::grassroots::testing::ServerOptions options;
  options.binary = ROSTER_SERVICE_BINARY;
  options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                        "--allow_unsigned_reads"};
  ASSERT_OK_AND_ASSIGN(auto lenient, ::grassroots::testing::ServerProcess::Launch(options));
  auto channel = ::grassroots::testing::CreateUnsignedTestChannel(lenient->address());
  const RouteTable routes;
  const google::protobuf::ServiceDescriptor* roster =
      ServiceNamed(roster_v1::RosterService::service_full_name());
  ASSERT_NE(roster, nullptr);
  const google::protobuf::ServiceDescriptor& service = *roster;
  int reads = 0;
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string path = absl::StrCat("/", service.full_name(), "/", service.method(i)->name());
    const Route* route = routes.Find(path);
    ASSERT_NE(route, nullptr) << path;
    auto context = Context(absl::Milliseconds(500));  // a watch waits for events that never come
    const RawCallResult result = CallMethodRaw(channel, path, "", *context);
    if (route->action == Action::kRead) {
      ++reads;
      EXPECT_NE(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
          << path << ": " << result.status.error_message();
    } else {
      EXPECT_EQ(result.status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << path;
    }
  }
  EXPECT_GT(reads, 5);
  EXPECT_LT(reads, service.method_count());
}

TEST_F(GatewayAuthzTest, AccessLogHasALinePerCallAndNoSecrets) {
  Clients c = ClientsOf(district_admin_);
  roster_v1::LookupPersonByIdCardRequest lookup;
  lookup.set_id_card_number(inside_.id_card);
  roster_v1::Person person;
  ASSERT_TRUE(c.roster->LookupPersonByIdCard(Context().get(), lookup, &person).ok());
  // The log is written out on the health beat: wait for the line.
  const auto read_log = [&] {
    std::ifstream in(access_log_);
    std::stringstream log;
    log << in.rdbuf();
    return log;
  };
  ::grassroots::testing::WaitFor([&] {
    return absl::StrContains(read_log().str(), "method=RosterService.LookupPersonByIdCard");
  });
  const std::stringstream log = read_log();
  EXPECT_THAT(
      log.str(),
      HasSubstr("principal=district-admin method=RosterService.LookupPersonByIdCard code=OK"));
  EXPECT_THAT(log.str(), HasSubstr("method=OrgService.CreateUnit"));
  EXPECT_THAT(log.str(), Not(HasSubstr(district_admin_.token)));
  EXPECT_THAT(log.str(), Not(HasSubstr(inside_.id_card)));
  EXPECT_THAT(log.str(), Not(HasSubstr(::grassroots::roster::testing::TestPhone(1))));
}

TEST_F(GatewayAuthzTest, RequestIdIsEchoedOrMadeUp) {
  auto stub = gateway_v1::GatewayService::NewStub(Channel(district_admin_.token));
  gateway_v1::WhoAmIResponse who;
  auto given = Context();
  given->AddMetadata("x-request-id", "req-42");
  ASSERT_TRUE(stub->WhoAmI(given.get(), {}, &who).ok());
  EXPECT_EQ(who.principal(), "district-admin");
  EXPECT_EQ(who.scope(), "*");
  auto echoed = given->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(echoed, given->GetServerInitialMetadata().end());
  EXPECT_EQ(std::string(echoed->second.data(), echoed->second.size()), "req-42");
  auto none = Context();
  ASSERT_TRUE(stub->WhoAmI(none.get(), {}, &who).ok());
  auto made = none->GetServerInitialMetadata().find("x-request-id");
  ASSERT_NE(made, none->GetServerInitialMetadata().end());
  EXPECT_EQ(made->second.size(), 16u);
}

}  // namespace
}  // namespace grassroots::gateway::testing

namespace grassroots::gateway::testing {
namespace {

class GatewayOperationsTest : public GatewaySuite {
 protected:
  void SetUp() override {
    extra_gateway_args_ = {"--rate_limit_qps=5", "--rate_limit_burst=100",
                           "--max_message_bytes=65536"};
    GatewaySuite::SetUp();
  }
};

TEST_F(GatewayOperationsTest, AFloodFromOnePrincipalIsRefusedWithoutHurtingAnother) {
  TestPrincipal flooder = AddPrincipal("flooder", "VIEWER", "*", false);
  TestPrincipal other = AddPrincipal("other", "VIEWER", "*", false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  auto flood = gateway_v1::GatewayService::NewStub(Channel(flooder.token));
  int ok = 0, exhausted = 0;
  std::string retry_after;
  for (int i = 0; i < 200; ++i) {
    auto context = ::grassroots::testing::NewClientContext();
    gateway_v1::WhoAmIResponse who;
    grpc::Status status = flood->WhoAmI(context.get(), {}, &who);
    if (status.ok()) ++ok;
    if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++exhausted;
      EXPECT_THAT(status.error_message(), ::testing::HasSubstr("flooder"));
      auto it = context->GetServerTrailingMetadata().find("retry-after-ms");
      ASSERT_NE(it, context->GetServerTrailingMetadata().end());
      retry_after = std::string(it->second.data(), it->second.size());
    }
  }
  std::cout << "[ FLOOD    ] 200 calls in a row from one principal: " << ok << " admitted, "
            << exhausted << " refused (retry-after-ms " << retry_after << ")\n";
  EXPECT_GT(exhausted, 50);
  EXPECT_GT(std::stoi(retry_after), 0);
  // The other principal's bucket is untouched.
  auto calm = gateway_v1::GatewayService::NewStub(Channel(other.token));
  gateway_v1::WhoAmIResponse who;
  auto context = ::grassroots::testing::NewClientContext();
  EXPECT_TRUE(calm->WhoAmI(context.get(), {}, &who).ok());
}

TEST_F(GatewayOperationsTest, OversizedMessagesAreRefused) {
  auto stub = org_v1::OrgService::NewStub(Channel(district_admin_.token));
  org_v1::BatchGetUnitsRequest request;
  for (int i = 0; i < 10000; ++i) request.add_names(absl::StrCat("units/", 1000000 + i));
  org_v1::BatchGetUnitsResponse response;
  auto context = ::grassroots::testing::NewClientContext();
  EXPECT_EQ(stub->BatchGetUnits(context.get(), request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(GatewayOperationsTest, HealthFollowsTheBackendsAndCallsFailFast) {
  auto channel = ::grassroots::testing::CreateTestChannel(gateway_->address());
  ASSERT_OK(roster_server_->Stop().status());
  const auto health_is = [&](HealthStatus want) {
    absl::StatusOr<HealthStatus> health = CheckHealth(channel, "", absl::Seconds(1));
    return health.ok() && *health == want;
  };
  EXPECT_TRUE(::grassroots::testing::WaitFor([&] { return health_is(HealthStatus::kNotServing); }))
      << "health still SERVING with the roster service down";
  // A roster call fails with UNAVAILABLE well within its deadline.
  auto roster = roster_v1::RosterService::NewStub(Channel(district_admin_.token));
  roster_v1::GetPersonRequest get;
  get.set_name(inside_.resident.name());
  roster_v1::Person person;
  const absl::Time start = absl::Now();
  auto context = ::grassroots::testing::NewClientContext(absl::Seconds(5));
  EXPECT_EQ(roster->GetPerson(context.get(), get, &person).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(absl::Now() - start, absl::Seconds(4));
  // Back again on the same address: SERVING, and calls work, without
  // touching the gateway.
  ::grassroots::testing::ServerOptions options;
  options.binary = ROSTER_SERVICE_BINARY;
  options.data_dir = roster_server_->data_dir();
  options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                        absl::StrCat("--caller_key_file=", key_file_),
                        absl::StrCat("--listen=", roster_server_->address())};
  ASSERT_OK_AND_ASSIGN(auto restarted, ::grassroots::testing::ServerProcess::Launch(options));
  EXPECT_TRUE(::grassroots::testing::WaitFor([&] { return health_is(HealthStatus::kServing); }));
  auto again = ::grassroots::testing::NewClientContext(absl::Seconds(5));
  grpc::Status status = roster->GetPerson(again.get(), get, &person);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace grassroots::gateway::testing

namespace grassroots::gateway::testing {
namespace {

// The gateway serving TLS with a certificate made for the test.
class GatewayTlsTest : public GatewaySuite {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(MakeCertificates(certs_, {"gateway"}));
    std::ifstream in(absl::StrCat(certs_, "/ca.pem"));
    std::stringstream pem;
    pem << in.rdbuf();
    channel_credentials_ = grpc::SslCredentials({.pem_root_certs = pem.str()});
    extra_gateway_args_ = {absl::StrCat("--tls_cert=", certs_, "/gateway.pem"),
                           absl::StrCat("--tls_key=", certs_, "/gateway.key")};
    GatewaySuite::SetUp();
  }

  const std::string certs_ = dirs_.File("certs");
};

TEST_F(GatewayTlsTest, ServesTlsEndToEndAndRefusesPlaintext) {
  // SetUp seeded the district through TLS; a read works as well.
  auto stub = org_v1::OrgService::NewStub(Channel(district_admin_.token));
  org_v1::GetUnitRequest get;
  get.set_name(inside_.compound.name());
  org_v1::Unit unit;
  auto context = ::grassroots::testing::NewClientContext();
  ASSERT_TRUE(stub->GetUnit(context.get(), get, &unit).ok());
  EXPECT_EQ(unit.display_name(), inside_.compound.display_name());
  EXPECT_THAT(gateway_->ReadLog(), HasSubstr("(TLS)"));
  // A plaintext client gets nowhere.
  auto plain = org_v1::OrgService::NewStub(
      ::grassroots::testing::CreateTokenChannel(gateway_->address(), district_admin_.token));
  auto plain_context = ::grassroots::testing::NewClientContext(absl::Seconds(2));
  EXPECT_FALSE(plain->GetUnit(plain_context.get(), get, &unit).ok());
}

std::string ReadPem(const std::string& path) {
  std::ifstream in(path);
  std::stringstream pem;
  pem << in.rdbuf();
  return pem.str();
}

// Mutual TLS everywhere: the services accept only clients with a
// certificate of the suite's CA (the gateway, and the roster calling the
// org service), and the gateway also lets a client certificate stand for
// a token (`cn:` lines of the tokens file).
class MutualTlsTest : public GatewaySuite {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        MakeCertificates(certs_, {"org_service", "roster_service", "casework_service",
                                  "activity_service", "gateway", "audit-host", "unlisted-host"}));
    // The same names from another CA: what an outsider could make.
    ASSERT_NO_FATAL_FAILURE(MakeCertificates(rogue_, {"gateway", "audit-host"}));
    for (auto [args, name] : {std::pair{&extra_org_args_, "org_service"},
                              std::pair{&extra_roster_args_, "roster_service"},
                              std::pair{&extra_casework_args_, "casework_service"},
                              std::pair{&extra_activity_args_, "activity_service"}}) {
      *args = {absl::StrCat("--tls_ca=", certs_, "/ca.pem"),
               absl::StrCat("--tls_cert=", certs_, "/", name, ".pem"),
               absl::StrCat("--tls_key=", certs_, "/", name, ".key")};
    }
    extra_gateway_args_ = {absl::StrCat("--backend_tls_ca=", certs_, "/ca.pem"),
                           absl::StrCat("--backend_tls_cert=", certs_, "/gateway.pem"),
                           absl::StrCat("--backend_tls_key=", certs_, "/gateway.key"),
                           absl::StrCat("--tls_cert=", certs_, "/gateway.pem"),
                           absl::StrCat("--tls_key=", certs_, "/gateway.key"),
                           absl::StrCat("--tls_client_ca=", certs_, "/ca.pem")};
    channel_credentials_ = grpc::SslCredentials({.pem_root_certs = Pem("ca.pem")});
    GatewaySuite::SetUp();
  }

  std::string Pem(const std::string& file) const {
    return ReadPem(absl::StrCat(certs_, "/", file));
  }

  // A channel straight to `address` over TLS, presenting `cert` of `dir`
  // (none when empty), each call signed as the test principal.
  std::shared_ptr<grpc::Channel> ServiceChannel(const std::string& address, const std::string& dir,
                                                const std::string& cert) const {
    grpc::SslCredentialsOptions options{.pem_root_certs = Pem("ca.pem")};
    if (!cert.empty()) {
      options.pem_private_key = ReadPem(absl::StrCat(dir, "/", cert, ".key"));
      options.pem_cert_chain = ReadPem(absl::StrCat(dir, "/", cert, ".pem"));
    }
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return CreateSignedChannel(address, grpc::SslCredentials(options), args,
                               CallerSigner(std::string(::grassroots::testing::kTestCallerKey)),
                               Caller{.principal = ::grassroots::testing::kTestPrincipal});
  }

  std::shared_ptr<grpc::Channel> GatewayChannel(const std::string& dir,
                                                const std::string& cert) const {
    grpc::SslCredentialsOptions options{.pem_root_certs = Pem("ca.pem")};
    options.pem_private_key = ReadPem(absl::StrCat(dir, "/", cert, ".key"));
    options.pem_cert_chain = ReadPem(absl::StrCat(dir, "/", cert, ".pem"));
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(gateway_->address(), grpc::SslCredentials(options), args);
  }

  const std::string certs_ = dirs_.File("certs");
  const std::string rogue_ = dirs_.File("rogue");
};

TEST_F(MutualTlsTest, ServicesAdmitOnlyClientsWithTheSuitesCertificates) {
  // SetUp seeded the district through the gateway: the gateway reached both
  // services, and the roster its replica of the org service, over mutual TLS.
  EXPECT_THAT(org_server_->ReadLog(), HasSubstr("(mutual TLS)"));
  EXPECT_THAT(roster_server_->ReadLog(), HasSubstr("(mutual TLS)"));
  EXPECT_THAT(casework_server_->ReadLog(), HasSubstr("(mutual TLS)"));
  EXPECT_THAT(activity_server_->ReadLog(), HasSubstr("(mutual TLS)"));
  org_v1::GetUnitRequest get;
  get.set_name(inside_.compound.name());
  org_v1::Unit unit;
  auto via_gateway = org_v1::OrgService::NewStub(Channel(district_admin_.token));
  ASSERT_TRUE(via_gateway->GetUnit(Context().get(), get, &unit).ok());

  const std::string org = org_server_->address();
  struct Attempt {
    const char* what;
    std::shared_ptr<grpc::Channel> channel;
    bool admitted;
  };
  const Attempt attempts[] = {
      {"plaintext, signed", ::grassroots::testing::CreateTestChannel(org), false},
      {"TLS without a client certificate", ServiceChannel(org, "", ""), false},
      {"TLS with another CA's certificate", ServiceChannel(org, rogue_, "gateway"), false},
      {"TLS with the suite's certificate", ServiceChannel(org, certs_, "gateway"), true},
  };
  for (const Attempt& attempt : attempts) {
    auto stub = org_v1::OrgService::NewStub(attempt.channel);
    const grpc::Status status = stub->GetUnit(Context(absl::Seconds(3)).get(), get, &unit);
    if (attempt.admitted) {
      EXPECT_TRUE(status.ok()) << attempt.what << ": " << status.error_message();
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << attempt.what;
    }
  }
}

TEST_F(MutualTlsTest, AClientCertificateListedInTheTokensFileStandsForAToken) {
  TestPrincipal auditor{.name = "nightly.audit", .role = "AUDITOR", .scope = "*"};
  std::ofstream(tokens_file_, std::ios::app) << "cn:audit-host nightly.audit AUDITOR * -\n";
  ASSERT_EQ(kill(gateway_->pid(), SIGHUP), 0);
  org_v1::GetUnitRequest get;
  get.set_name(inside_.compound.name());
  org_v1::Unit unit;
  auto as_audit_host = org_v1::OrgService::NewStub(GatewayChannel(certs_, "audit-host"));
  EXPECT_TRUE(::grassroots::testing::WaitFor(
      [&] { return as_audit_host->GetUnit(Context().get(), get, &unit).ok(); }));
  // Its role holds: an auditor may not write.
  org_v1::UpdateUnitRequest update;
  update.mutable_unit()->set_name(inside_.compound.name());
  update.mutable_unit()->set_display_name("改名");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_EQ(as_audit_host->UpdateUnit(Context().get(), update, &unit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A certificate of the CA that no line names, and the same name from
  // another CA: nobody.
  auto unlisted = org_v1::OrgService::NewStub(GatewayChannel(certs_, "unlisted-host"));
  const grpc::Status status = unlisted->GetUnit(Context().get(), get, &unit);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(status.error_message(), HasSubstr("client certificate"));
  auto rogue = org_v1::OrgService::NewStub(GatewayChannel(rogue_, "audit-host"));
  EXPECT_EQ(rogue->GetUnit(Context(absl::Seconds(3)).get(), get, &unit).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

}  // namespace
}  // namespace grassroots::gateway::testing
