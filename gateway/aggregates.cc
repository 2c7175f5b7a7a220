#include "gateway/aggregates.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "common/caller_metadata.h"
#include "common/grpc_status.h"
#include "common/page_reader.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace grassroots::gateway {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;

// The calls of one aggregate: each with the caller signed and the
// aggregate's deadline.
class Aggregator::Calls {
 public:
  Calls(const Aggregator& a, const Principal& principal, absl::Time deadline)
      : a_(a), principal_(principal), deadline_(deadline) {}

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(deadline_));
    if (a_.signer_ != nullptr) {
      AttachCaller(*a_.signer_,
                   Caller{.principal = principal_.name,
                          .may_see_personal_data = principal_.may_see_personal_data},
                   *context);
    }
    return context;
  }

  absl::StatusOr<org_v1::Unit> Unit(const std::string& name) const {
    org_v1::GetUnitRequest request;
    request.set_name(name);
    org_v1::Unit unit;
    RETURN_IF_ERROR(FromGrpcStatus(a_.org_->GetUnit(Context().get(), request, &unit)));
    return unit;
  }

  // The organisation attached to `unit` itself, if any.
  absl::StatusOr<std::optional<org_v1::GetCoveringPartyOrgResponse>> Covering(
      const std::string& unit) const {
    org_v1::GetCoveringPartyOrgRequest request;
    request.set_unit(unit);
    org_v1::GetCoveringPartyOrgResponse response;
    grpc::Status status = a_.org_->GetCoveringPartyOrg(Context().get(), request, &response);
    if (status.error_code() == grpc::StatusCode::NOT_FOUND) return std::nullopt;
    RETURN_IF_ERROR(FromGrpcStatus(status));
    return response;
  }

  // Current role assignments at `place`, of `roles` (all when empty).
  absl::StatusOr<std::vector<roster_v1::RoleAssignment>> Roles(const std::string& place,
                                                               std::vector<roster_v1::Role> roles,
                                                               int64_t* revision = nullptr) const {
    roster_v1::ListRoleAssignmentsRequest request;
    request.set_place(place);
    request.set_current_only(true);
    request.set_page_size(500);
    for (roster_v1::Role role : roles) request.add_roles(role);
    std::vector<roster_v1::RoleAssignment> out;
    RETURN_IF_ERROR(ReadAllPages<roster_v1::ListRoleAssignmentsResponse>(
        std::move(request),
        [&](const auto& r, auto& page) {
          return FromGrpcStatus(a_.roster_->ListRoleAssignments(Context().get(), r, &page));
        },
        [&](auto& page) {
          for (auto& a : *page.mutable_role_assignments()) out.push_back(std::move(a));
        },
        revision));
    return out;
  }

  // The holders of `assignments`, with their people in one call.
  absl::StatusOr<std::vector<v1::Holder>> Holders(
      std::vector<roster_v1::RoleAssignment> assignments) const {
    roster_v1::BatchGetPeopleRequest request;
    for (const auto& a : assignments) request.add_names(a.person());
    std::sort(request.mutable_names()->begin(), request.mutable_names()->end());
    request.mutable_names()->erase(
        std::unique(request.mutable_names()->begin(), request.mutable_names()->end()),
        request.mutable_names()->end());
    absl::flat_hash_map<std::string, roster_v1::Person> people;
    if (!request.names().empty()) {
      roster_v1::BatchGetPeopleResponse response;
      RETURN_IF_ERROR(
          FromGrpcStatus(a_.roster_->BatchGetPeople(Context().get(), request, &response)));
      for (auto& person : *response.mutable_people()) people[person.name()] = std::move(person);
    }
    std::vector<v1::Holder> holders;
    for (auto& a : assignments) {
      v1::Holder holder;
      if (auto it = people.find(a.person()); it != people.end()) {
        *holder.mutable_person() = it->second;
      }
      *holder.mutable_role_assignment() = std::move(a);
      holders.push_back(std::move(holder));
    }
    return holders;
  }

  // How many items a paged list has, counted page by page.
  template <typename Request, typename Response, typename Call, typename Size>
  absl::StatusOr<int32_t> Count(Request request, Call call, Size size) const {
    request.set_page_size(1000);
    int32_t count = 0;
    RETURN_IF_ERROR(ReadAllPages<Response>(
        std::move(request),
        [&](const Request& r, Response& page) {
          return FromGrpcStatus(call(Context().get(), r, &page));
        },
        [&](const Response& page) { count += size(page); }));
    return count;
  }

  absl::StatusOr<int32_t> CurrentMembers(const std::string& party_org) const {
    roster_v1::ListMembershipsRequest request;
    request.set_parent("people/-");
    request.set_party_org(party_org);
    request.set_current_only(true);
    return Count<roster_v1::ListMembershipsRequest, roster_v1::ListMembershipsResponse>(
        request,
        [this](grpc::ClientContext* c, const auto& r, auto* p) {
          return a_.roster_->ListMemberships(c, r, p);
        },
        [](const roster_v1::ListMembershipsResponse& p) { return p.memberships_size(); });
  }

  absl::StatusOr<int32_t> Residents(const std::string& building) const {
    roster_v1::ListPeopleRequest request;
    request.set_filter(absl::StrCat("residence_building = \"", building, "\""));
    return Count<roster_v1::ListPeopleRequest, roster_v1::ListPeopleResponse>(
        request,
        [this](grpc::ClientContext* c, const auto& r, auto* p) {
          return a_.roster_->ListPeople(c, r, p);
        },
        [](const roster_v1::ListPeopleResponse& p) { return p.people_size(); });
  }

  absl::StatusOr<std::vector<org_v1::Unit>> Buildings(const std::string& compound,
                                                      int64_t* revision) const {
    org_v1::ListDescendantsRequest request;
    request.set_name(compound);
    request.set_max_depth(1);
    request.add_levels(org_v1::BUILDING);
    auto context = Context();
    std::unique_ptr<grpc::ClientReader<org_v1::ListDescendantsResponse>> reader =
        a_.org_->ListDescendants(context.get(), request);
    std::vector<org_v1::Unit> buildings;
    org_v1::ListDescendantsResponse batch;
    while (reader->Read(&batch)) {
      *revision = batch.revision();
      for (auto& unit : *batch.mutable_units()) buildings.push_back(std::move(unit));
    }
    RETURN_IF_ERROR(FromGrpcStatus(reader->Finish()));
    return buildings;
  }

 private:
  const Aggregator& a_;
  const Principal& principal_;
  const absl::Time deadline_;
};

absl::Status Aggregator::CheckUnitInScope(const Principal& principal, const std::string& name,
                                          absl::Time deadline) const {
  ASSIGN_OR_RETURN(int64_t id, ParseResourceName(name, "units", "name"));
  return checker_->Check(principal, {{.kind = TargetKind::kUnit, .id = id, .field = "name"}},
                         deadline);
}

absl::StatusOr<v1::CompoundProfile> Aggregator::CompoundProfile(const Principal& principal,
                                                                const std::string& name,
                                                                absl::Time deadline) const {
  RETURN_IF_ERROR(CheckUnitInScope(principal, name, deadline));
  Calls calls(*this, principal, deadline);
  v1::CompoundProfile profile;
  ASSIGN_OR_RETURN(*profile.mutable_compound(), calls.Unit(name));
  if (profile.compound().level() != org_v1::COMPOUND) {
    return absl::InvalidArgumentError(absl::StrCat("name: ", name, " is not a COMPOUND but ",
                                                   org_v1::Level_Name(profile.compound().level())));
  }
  ASSIGN_OR_RETURN(auto covering, calls.Covering(name));
  if (covering) {
    profile.set_org_revision(covering->revision());
    *profile.mutable_covering_party_org() = covering->party_org();
    profile.set_has_own_branch(covering->covered_unit() == name);
    const std::string& org = covering->party_org().name();
    int64_t roster_revision = 0;
    ASSIGN_OR_RETURN(auto secretaries, calls.Roles(org, {roster_v1::SECRETARY}, &roster_revision));
    profile.set_roster_revision(roster_revision);
    ASSIGN_OR_RETURN(auto firsts, calls.Roles(org, {roster_v1::FIRST_SECRETARY}));
    // An organisation inherited from above the scope is named, but who
    // holds office there is outside it.
    const bool org_in_scope =
        checker_
            ->TryInScope(principal, {.kind = TargetKind::kPartyOrg,
                                     .id = ParseResourceName(org, "partyOrgs", "").value_or(0)})
            .value_or(false);
    if (org_in_scope) {
      ASSIGN_OR_RETURN(auto holders, calls.Holders(std::move(secretaries)));
      for (auto& h : holders) *profile.add_secretaries() = std::move(h);
      ASSIGN_OR_RETURN(holders, calls.Holders(std::move(firsts)));
      for (auto& h : holders) *profile.add_first_secretaries() = std::move(h);
    }
    if (profile.has_own_branch()) {
      ASSIGN_OR_RETURN(int32_t members, calls.CurrentMembers(org));
      profile.set_branch_member_count(members);
    }
  }
  ASSIGN_OR_RETURN(auto compound_roles, calls.Roles(name, {}));
  ASSIGN_OR_RETURN(auto compound_holders, calls.Holders(std::move(compound_roles)));
  for (auto& h : compound_holders) *profile.add_compound_roles() = std::move(h);

  int64_t org_revision = 0;
  ASSIGN_OR_RETURN(std::vector<org_v1::Unit> buildings, calls.Buildings(name, &org_revision));
  if (profile.org_revision() == 0) profile.set_org_revision(org_revision);
  for (org_v1::Unit& unit : buildings) {
    v1::BuildingProfile* building = profile.add_buildings();
    const std::string building_name = unit.name();
    *building->mutable_building() = std::move(unit);
    ASSIGN_OR_RETURN(auto group, calls.Covering(building_name));
    if (group && group->covered_unit() == building_name) {
      *building->mutable_party_group() = group->party_org();
      ASSIGN_OR_RETURN(int32_t members, calls.CurrentMembers(group->party_org().name()));
      building->set_party_group_member_count(members);
    }
    ASSIGN_OR_RETURN(auto leads, calls.Roles(building_name, {roster_v1::BUILDING_LEAD}));
    ASSIGN_OR_RETURN(auto holders, calls.Holders(std::move(leads)));
    for (auto& h : holders) *building->add_building_leads() = std::move(h);
    ASSIGN_OR_RETURN(int32_t residents, calls.Residents(building_name));
    building->set_resident_count(residents);
  }
  return profile;
}

absl::StatusOr<v1::UnitPath> Aggregator::UnitPath(const Principal& principal,
                                                  const std::string& name,
                                                  absl::Time deadline) const {
  RETURN_IF_ERROR(CheckUnitInScope(principal, name, deadline));
  Calls calls(*this, principal, deadline);
  org_v1::GetAncestorsRequest request;
  request.set_name(name);
  org_v1::GetAncestorsResponse ancestors;
  RETURN_IF_ERROR(FromGrpcStatus(org_->GetAncestors(calls.Context().get(), request, &ancestors)));
  std::vector<org_v1::Unit> units(ancestors.ancestors().begin(), ancestors.ancestors().end());
  ASSIGN_OR_RETURN(org_v1::Unit unit, calls.Unit(name));
  units.push_back(std::move(unit));

  v1::UnitPath path;
  for (org_v1::Unit& level_unit : units) {
    ASSIGN_OR_RETURN(int64_t level_id, ParseResourceName(level_unit.name(), "units", "unit"));
    // Levels above the scope are outside it.
    const bool in_scope =
        checker_->InScope(principal, {.kind = TargetKind::kUnit, .id = level_id}, deadline)
            .value_or(false);
    if (!in_scope) continue;
    v1::PathLevel* level = path.add_levels();
    const std::string unit_name = level_unit.name();
    *level->mutable_unit() = std::move(level_unit);
    ASSIGN_OR_RETURN(auto covering, calls.Covering(unit_name));
    if (covering && covering->covered_unit() == unit_name) {
      *level->mutable_party_org() = covering->party_org();
      ASSIGN_OR_RETURN(auto secretaries,
                       calls.Roles(covering->party_org().name(), {roster_v1::SECRETARY}));
      ASSIGN_OR_RETURN(auto holders, calls.Holders(std::move(secretaries)));
      for (auto& h : holders) *level->add_secretaries() = std::move(h);
    }
  }
  return path;
}

}  // namespace grassroots::gateway
