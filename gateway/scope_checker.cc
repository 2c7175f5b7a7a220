#include "gateway/scope_checker.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/resource_name.h"

namespace grassroots::gateway {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace casework_v1 = ::grassroots::casework::v1;
namespace activity_v1 = ::grassroots::activity::v1;

// NOT_FOUND from a lookup means "not in scope", never an error: a scoped
// principal learns nothing of what exists outside.
absl::StatusOr<bool> NotFoundIsOutside(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::NOT_FOUND) return false;
  return FromGrpcStatus(status);
}

}  // namespace

std::string Target::ResourceName() const {
  switch (kind) {
    case TargetKind::kUnit:
      return FormatResourceName("units", id);
    case TargetKind::kPartyOrg:
      return FormatResourceName("partyOrgs", id);
    case TargetKind::kPerson:
      return FormatResourceName("people", id);
    case TargetKind::kRoleAssignment:
      return FormatResourceName("roleAssignments", id);
    case TargetKind::kPersonByExternalKey:
      // Never the key: it may be personal data, and "outside your scope"
      // would tell that someone has it.
      return "the person with this external key";
    case TargetKind::kCurrentMembershipOf:
      return absl::StrCat("the current membership of ", FormatResourceName("people", id));
    case TargetKind::kRegistration:
      return absl::StrCat(FormatResourceName("people", id), "/",
                          FormatResourceName("registrations", child_id));
    case TargetKind::kDistrictDirectory:
      return absl::StrCat("the directory of ", FormatResourceName("units", id));
    case TargetKind::kExternalOrg:
      return FormatResourceName("externalOrgs", id);
    case TargetKind::kAlliance:
      return FormatResourceName("alliances", id);
    case TargetKind::kIssue:
      return FormatResourceName("issues", id);
    case TargetKind::kActivity:
      return FormatResourceName("activities", id);
    case TargetKind::kServicePoint:
      return FormatResourceName("servicePoints", id);
  }
  return "";
}

ScopeChecker::ScopeChecker(const HierarchyView* hierarchy, org_v1::OrgService::Stub* org,
                           roster_v1::RosterService::Stub* roster,
                           casework_v1::CaseworkService::Stub* casework,
                           activity_v1::ActivityService::Stub* activity,
                           absl::Duration lookup_timeout)
    : hierarchy_(hierarchy),
      org_(org),
      roster_(roster),
      casework_(casework),
      activity_(activity),
      lookup_timeout_(lookup_timeout) {}

absl::Status ScopeChecker::OutOfScope(const Principal& principal, const Target& target) {
  // The top-level `name` goes without saying.
  const bool say_field = !target.field.empty() && target.field != "name";
  return absl::PermissionDeniedError(
      absl::StrCat(say_field ? target.field : "", say_field ? ": " : "", target.ResourceName(),
                   " is outside your scope ", principal.ScopeName()));
}

std::optional<bool> ScopeChecker::TryUnit(int64_t scope, int64_t unit, int64_t parent_hint) const {
  std::optional<bool> within = hierarchy_->IsWithin(unit, scope);
  if (!within && parent_hint != 0) within = hierarchy_->IsWithin(parent_hint, scope);
  return within;
}

std::optional<bool> ScopeChecker::TryPartyOrg(int64_t scope, int64_t org, bool write) const {
  std::optional<std::vector<int64_t>> units = hierarchy_->UnitsOf(org);
  if (!units) return std::nullopt;
  if (units->empty()) return false;
  bool any = false;
  bool all = true;
  for (int64_t unit : *units) {
    std::optional<bool> within = hierarchy_->IsWithin(unit, scope);
    if (!within) return std::nullopt;
    any = any || *within;
    all = all && *within;
  }
  return write ? all : any;
}

std::optional<bool> ScopeChecker::TryInScope(const Principal& principal,
                                             const Target& target) const {
  if (!principal.scope_unit) return true;
  const int64_t scope = *principal.scope_unit;
  switch (target.kind) {
    case TargetKind::kUnit:
      return TryUnit(scope, target.id, target.parent_hint);
    case TargetKind::kPartyOrg:
      return TryPartyOrg(scope, target.id, target.write);
    case TargetKind::kPerson:
      // Living in scope settles it; anything else needs the person's roles
      // and membership.
      if (target.residence_hint && *target.residence_hint != 0 &&
          hierarchy_->IsWithin(*target.residence_hint, scope).value_or(false)) {
        return true;
      }
      return std::nullopt;
    case TargetKind::kDistrictDirectory:
      return TryDistrictDirectory(scope, target.id, target.write);
    case TargetKind::kActivity:
      if (target.units.empty()) return std::nullopt;
      return TryAnyUnit(scope, target.units);
    case TargetKind::kRoleAssignment:
    case TargetKind::kPersonByExternalKey:
    case TargetKind::kCurrentMembershipOf:
    case TargetKind::kRegistration:
    case TargetKind::kExternalOrg:
    case TargetKind::kAlliance:
    case TargetKind::kIssue:
    case TargetKind::kServicePoint:
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<absl::Status> ScopeChecker::TryCheck(const Principal& principal,
                                                   const std::vector<Target>& targets) const {
  if (!principal.scope_unit) return absl::OkStatus();
  bool complete = true;
  for (const Target& target : targets) {
    std::optional<bool> in = TryInScope(principal, target);
    if (in && !*in) return OutOfScope(principal, target);
    complete = complete && in.has_value();
  }
  if (!complete) return std::nullopt;
  return absl::OkStatus();
}

absl::Status ScopeChecker::Check(const Principal& principal, const std::vector<Target>& targets,
                                 absl::Time deadline) const {
  if (!principal.scope_unit) return absl::OkStatus();
  for (const Target& target : targets) {
    absl::StatusOr<bool> in = InScope(principal, target, deadline);
    if (!in.ok()) return in.status();
    if (!*in) return OutOfScope(principal, target);
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> ScopeChecker::InScope(const Principal& principal, const Target& target,
                                           absl::Time deadline) const {
  if (std::optional<bool> quick = TryInScope(principal, target)) return *quick;
  absl::StatusOr<bool> in = LookUp(principal, target, deadline);
  // A lookup that ran out of its own time, while the caller's deadline is
  // still ahead, is a service that did not answer: retryable.
  if (in.status().code() == absl::StatusCode::kDeadlineExceeded && absl::Now() < deadline) {
    return absl::UnavailableError(absl::StrCat("a service did not answer the scope check of ",
                                               target.ResourceName(), " in time"));
  }
  return in;
}

absl::StatusOr<bool> ScopeChecker::LookUp(const Principal& principal, const Target& target,
                                          absl::Time deadline) const {
  const int64_t scope = *principal.scope_unit;
  switch (target.kind) {
    case TargetKind::kUnit:
      return Unit(scope, target.id, deadline);
    case TargetKind::kPartyOrg:
      return PartyOrg(scope, target.id, target.write, deadline);
    case TargetKind::kPerson:
      return Person(scope, target, deadline);
    case TargetKind::kRoleAssignment:
      return RoleAssignment(scope, target.id, target.write, deadline);
    case TargetKind::kPersonByExternalKey:
      return PersonByExternalKey(scope, target, deadline);
    case TargetKind::kCurrentMembershipOf:
      return CurrentMembershipOf(scope, target.id, deadline);
    case TargetKind::kRegistration:
      return Registration(scope, target.id, target.child_id, deadline);
    case TargetKind::kDistrictDirectory:
      return DistrictDirectory(scope, target.id, target.write, deadline);
    case TargetKind::kExternalOrg:
      return ExternalOrg(scope, target.id, target.write, deadline);
    case TargetKind::kAlliance:
      return Alliance(scope, target.id, deadline);
    case TargetKind::kIssue:
      return Issue(scope, target.id, target.write, deadline);
    case TargetKind::kActivity:
      return Activity(scope, target, deadline);
    case TargetKind::kServicePoint:
      return ServicePoint(scope, target.id, deadline);
  }
  return false;
}

std::optional<bool> ScopeChecker::TryDistrictDirectory(int64_t scope, int64_t district,
                                                       bool write) const {
  // Writing: the scope is the district itself. Reading: the scope lies in
  // the district (the district is an ancestor of the scope, or it).
  if (write) return scope == district;
  return hierarchy_->IsWithin(scope, district);
}

absl::StatusOr<bool> ScopeChecker::DistrictDirectory(int64_t scope, int64_t district, bool write,
                                                     absl::Time deadline) const {
  if (std::optional<bool> quick = TryDistrictDirectory(scope, district, write)) return *quick;
  return Unit(district, scope, deadline);
}

absl::StatusOr<bool> ScopeChecker::ExternalOrg(int64_t scope, int64_t id, bool write,
                                               absl::Time deadline) const {
  org_v1::GetExternalOrgRequest request;
  request.set_name(FormatResourceName("externalOrgs", id));
  org_v1::ExternalOrg response;
  auto context = LookupContext(deadline);
  grpc::Status status = org_->GetExternalOrg(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  absl::StatusOr<int64_t> district = ParseResourceName(response.district(), "units", "district");
  if (!district.ok()) return false;
  return DistrictDirectory(scope, *district, write, deadline);
}

absl::StatusOr<bool> ScopeChecker::Alliance(int64_t scope, int64_t id, absl::Time deadline) const {
  org_v1::GetAllianceRequest request;
  request.set_name(FormatResourceName("alliances", id));
  org_v1::Alliance response;
  auto context = LookupContext(deadline);
  grpc::Status status = org_->GetAlliance(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  absl::StatusOr<int64_t> unit = ParseResourceName(response.unit(), "units", "unit");
  if (!unit.ok()) return false;
  return Unit(scope, *unit, deadline);  // from the replica when it knows the unit
}

absl::StatusOr<bool> ScopeChecker::Issue(int64_t scope, int64_t id, bool write,
                                         absl::Time deadline) const {
  if (casework_ == nullptr) {
    return absl::UnavailableError("this gateway has no casework service (--casework_address)");
  }
  casework_v1::GetIssueRequest request;
  request.set_name(FormatResourceName("issues", id));
  casework_v1::Issue response;
  auto context = LookupContext(deadline);
  grpc::Status status = casework_->GetIssue(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  // The place never changes; the handling unit moves up with each
  // escalation, so a write is judged by where the issue is handled now.
  const std::string& unit_name = write ? response.handling_unit() : response.place();
  absl::StatusOr<int64_t> unit = ParseResourceName(unit_name, "units", "unit");
  if (!unit.ok()) return false;
  return Unit(scope, *unit, deadline);  // from the replica when it knows the unit
}

std::optional<bool> ScopeChecker::TryAnyUnit(int64_t scope,
                                             const std::vector<int64_t>& units) const {
  bool known = true;
  for (int64_t unit : units) {
    std::optional<bool> within = hierarchy_->IsWithin(unit, scope);
    if (within && *within) return true;
    known = known && within.has_value();
  }
  if (!known) return std::nullopt;
  return false;
}

absl::StatusOr<bool> ScopeChecker::AnyUnit(int64_t scope, const std::vector<int64_t>& units,
                                           absl::Time deadline) const {
  if (std::optional<bool> quick = TryAnyUnit(scope, units)) return *quick;
  for (int64_t unit : units) {
    absl::StatusOr<bool> within = Unit(scope, unit, deadline);
    if (!within.ok() || *within) return within;
  }
  return false;
}

absl::StatusOr<bool> ScopeChecker::Activity(int64_t scope, const Target& target,
                                            absl::Time deadline) const {
  if (!target.units.empty()) return AnyUnit(scope, target.units, deadline);
  if (activity_ == nullptr) {
    return absl::UnavailableError("this gateway has no activity service (--activity_address)");
  }
  activity_v1::GetActivityRequest request;
  request.set_name(FormatResourceName("activities", target.id));
  activity_v1::Activity response;
  auto context = LookupContext(deadline);
  grpc::Status status = activity_->GetActivity(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  // Its place, and the units its organisation covered when it was made: a
  // community works the activities held at its places and those of its
  // branches, wherever they are held.
  std::vector<int64_t> units;
  if (absl::StatusOr<int64_t> place = ParseResourceName(response.place(), "units", "place");
      place.ok()) {
    units.push_back(*place);
  }
  for (const std::string& name : response.party_org_units()) {
    if (absl::StatusOr<int64_t> unit = ParseResourceName(name, "units", "party_org_units");
        unit.ok()) {
      units.push_back(*unit);
    }
  }
  return AnyUnit(scope, units, deadline);
}

absl::StatusOr<bool> ScopeChecker::ServicePoint(int64_t scope, int64_t id,
                                                absl::Time deadline) const {
  if (activity_ == nullptr) {
    return absl::UnavailableError("this gateway has no activity service (--activity_address)");
  }
  activity_v1::GetServicePointRequest request;
  request.set_name(FormatResourceName("servicePoints", id));
  activity_v1::ServicePoint response;
  auto context = LookupContext(deadline);
  grpc::Status status = activity_->GetServicePoint(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  absl::StatusOr<int64_t> unit = ParseResourceName(response.unit(), "units", "unit");
  if (!unit.ok()) return false;
  return Unit(scope, *unit, deadline);  // from the replica when it knows the unit
}

std::unique_ptr<grpc::ClientContext> ScopeChecker::LookupContext(absl::Time deadline) const {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(std::min(deadline, absl::Now() + lookup_timeout_)));
  return context;
}

absl::StatusOr<bool> ScopeChecker::Unit(int64_t scope, int64_t unit, absl::Time deadline) const {
  if (std::optional<bool> quick = TryUnit(scope, unit, 0)) return *quick;
  // Not in the replica yet (created a moment ago): ask the org service.
  org_v1::GetAncestorsRequest request;
  request.set_name(FormatResourceName("units", unit));
  org_v1::GetAncestorsResponse response;
  auto context = LookupContext(deadline);
  grpc::Status status = org_->GetAncestors(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  if (unit == scope) return true;
  const std::string scope_name = FormatResourceName("units", scope);
  for (const org_v1::Unit& ancestor : response.ancestors()) {
    if (ancestor.name() == scope_name) return true;
  }
  return false;
}

absl::StatusOr<bool> ScopeChecker::PartyOrg(int64_t scope, int64_t org, bool write,
                                            absl::Time deadline) const {
  if (std::optional<bool> quick = TryPartyOrg(scope, org, write)) return *quick;
  org_v1::GetPartyOrgRequest request;
  request.set_name(FormatResourceName("partyOrgs", org));
  org_v1::PartyOrg response;
  auto context = LookupContext(deadline);
  grpc::Status status = org_->GetPartyOrg(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  if (response.units().empty()) return false;
  bool any = false;
  bool all = true;
  for (const std::string& name : response.units()) {
    absl::StatusOr<int64_t> unit = ParseResourceName(name, "units", "units");
    if (!unit.ok()) return false;
    absl::StatusOr<bool> within = Unit(scope, *unit, deadline);
    if (!within.ok()) return within.status();
    any = any || *within;
    all = all && *within;
  }
  return write ? all : any;
}

absl::StatusOr<bool> ScopeChecker::Place(int64_t scope, const std::string& place, bool write,
                                         absl::Time deadline) const {
  if (absl::StatusOr<int64_t> unit = ParseResourceName(place, "units", "place"); unit.ok()) {
    return Unit(scope, *unit, deadline);
  }
  if (absl::StatusOr<int64_t> org = ParseResourceName(place, "partyOrgs", "place"); org.ok()) {
    return PartyOrg(scope, *org, write, deadline);
  }
  return false;
}

absl::StatusOr<bool> ScopeChecker::Person(int64_t scope, const Target& target,
                                          absl::Time deadline) const {
  const std::string person = target.ResourceName();
  // Where they live.
  if (target.residence_hint) {
    if (*target.residence_hint != 0) {
      absl::StatusOr<bool> in = Unit(scope, *target.residence_hint, deadline);
      if (!in.ok() || *in) return in;
    }
  } else {
    roster_v1::GetPersonRequest request;
    request.set_name(person);
    roster_v1::Person response;
    auto context = LookupContext(deadline);
    grpc::Status status = roster_->GetPerson(context.get(), request, &response);
    if (!status.ok()) return NotFoundIsOutside(status);
    if (!response.residence_building().empty()) {
      absl::StatusOr<bool> in = Place(scope, response.residence_building(), false, deadline);
      if (!in.ok() || *in) return in;
    }
  }
  // The roles they hold now. A person holds a handful; one page suffices,
  // and more pages are read if not.
  roster_v1::ListRoleAssignmentsRequest roles;
  roles.set_person(person);
  roles.set_current_only(true);
  roles.set_page_size(100);
  do {
    roster_v1::ListRoleAssignmentsResponse page;
    auto context = LookupContext(deadline);
    grpc::Status status = roster_->ListRoleAssignments(context.get(), roles, &page);
    if (!status.ok()) return NotFoundIsOutside(status);
    for (const roster_v1::RoleAssignment& role : page.role_assignments()) {
      absl::StatusOr<bool> in = Place(scope, role.place(), false, deadline);
      if (!in.ok() || *in) return in;
    }
    roles.set_page_token(page.next_page_token());
  } while (!roles.page_token().empty());
  // Where their membership sits.
  roster_v1::ListMembershipsResponse page;
  grpc::Status status = CurrentMemberships(target.id, deadline, &page);
  if (!status.ok()) return NotFoundIsOutside(status);
  for (const roster_v1::Membership& membership : page.memberships()) {
    absl::StatusOr<bool> in = Place(scope, membership.party_org(), false, deadline);
    if (!in.ok() || *in) return in;
  }
  return false;
}

absl::StatusOr<bool> ScopeChecker::RoleAssignment(int64_t scope, int64_t id, bool write,
                                                  absl::Time deadline) const {
  roster_v1::GetRoleAssignmentRequest request;
  request.set_name(FormatResourceName("roleAssignments", id));
  roster_v1::RoleAssignment response;
  auto context = LookupContext(deadline);
  grpc::Status status = roster_->GetRoleAssignment(context.get(), request, &response);
  if (!status.ok()) return NotFoundIsOutside(status);
  return Place(scope, response.place(), write, deadline);
}

absl::StatusOr<bool> ScopeChecker::PersonByExternalKey(int64_t scope, const Target& target,
                                                       absl::Time deadline) const {
  const std::string& key = target.external_key;
  roster_v1::ListPeopleRequest request;
  // The filter grammar quotes with double quotes and escapes with '\'.
  std::string quoted;
  for (char c : key) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  request.set_filter(absl::StrCat("external_key = \"", quoted, "\""));
  request.set_page_size(10);
  roster_v1::ListPeopleResponse page;
  auto context = LookupContext(deadline);
  grpc::Status status = roster_->ListPeople(context.get(), request, &page);
  if (!status.ok()) return FromGrpcStatus(status);
  for (const roster_v1::Person& person : page.people()) {
    absl::StatusOr<int64_t> id = ParseResourceName(person.name(), "people", "name");
    if (!id.ok()) return false;
    Target existing{.kind = TargetKind::kPerson, .id = *id, .residence_hint = 0};
    if (!person.residence_building().empty()) {
      if (absl::StatusOr<int64_t> b = ParseResourceName(person.residence_building(), "units", "");
          b.ok()) {
        existing.residence_hint = *b;
      }
    }
    // UpdatePerson's rule: only a principal of every district may leave
    // someone living nowhere.
    if (!target.keeps_residence && !person.residence_building().empty()) return false;
    absl::StatusOr<bool> in = Person(scope, existing, deadline);
    if (!in.ok() || !*in) return in;
    if (target.write) {
      in = CurrentMembershipOf(scope, *id, deadline);
      if (!in.ok() || !*in) return in;
    }
  }
  return true;
}

grpc::Status ScopeChecker::CurrentMemberships(int64_t person, absl::Time deadline,
                                              roster_v1::ListMembershipsResponse* page) const {
  roster_v1::ListMembershipsRequest request;
  request.set_parent(FormatResourceName("people", person));
  request.set_current_only(true);
  auto context = LookupContext(deadline);
  return roster_->ListMemberships(context.get(), request, page);
}

absl::StatusOr<bool> ScopeChecker::CurrentMembershipOf(int64_t scope, int64_t person,
                                                       absl::Time deadline) const {
  roster_v1::ListMembershipsResponse page;
  grpc::Status status = CurrentMemberships(person, deadline, &page);
  if (!status.ok()) return NotFoundIsOutside(status);
  for (const roster_v1::Membership& membership : page.memberships()) {
    absl::StatusOr<bool> in = Place(scope, membership.party_org(), false, deadline);
    if (!in.ok() || !*in) return in;
  }
  return true;
}

absl::StatusOr<bool> ScopeChecker::Registration(int64_t scope, int64_t person, int64_t registration,
                                                absl::Time deadline) const {
  const std::string name = absl::StrCat(FormatResourceName("people", person), "/",
                                        FormatResourceName("registrations", registration));
  roster_v1::ListRegistrationsRequest request;
  request.set_parent(FormatResourceName("people", person));
  request.set_page_size(1000);
  do {
    roster_v1::ListRegistrationsResponse page;
    auto context = LookupContext(deadline);
    grpc::Status status = roster_->ListRegistrations(context.get(), request, &page);
    if (!status.ok()) return NotFoundIsOutside(status);
    for (const roster_v1::Registration& r : page.registrations()) {
      if (r.name() == name) return Place(scope, r.community(), false, deadline);
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return true;
}

}  // namespace grassroots::gateway
