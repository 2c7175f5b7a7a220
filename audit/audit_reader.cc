#include "audit/audit_reader.h"

#include <algorithm>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "common/clock.h"
#include "common/grpc_status.h"
#include "common/page_reader.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/throttle_retry.h"

namespace grassroots::audit {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace casework_v1 = ::grassroots::casework::v1;

// The audit's days are China's, as the roster's.
absl::CivilDay ChinaDayOf(const google::protobuf::Timestamp& time) {
  return ChinaDay(absl::FromUnixSeconds(time.seconds()));
}

// An unset or impossible date: nullopt. The services never store one, so
// there is nothing to report about it here.
std::optional<absl::CivilDay> Day(const grassroots::type::Date& date) {
  return DateFromProto(date, "date").value_or(std::nullopt);
}

int64_t IdOr0(absl::string_view name, absl::string_view collection) {
  return ParseResourceName(name, collection, "").value_or(0);
}

roster::Place PlaceOf(const std::string& name) {
  if (int64_t org = IdOr0(name, "partyOrgs"); org != 0) {
    return {.kind = roster::Place::Kind::kPartyOrg, .id = org};
  }
  return {.kind = roster::Place::Kind::kUnit, .id = IdOr0(name, "units")};
}

AuditUnit UnitOf(const org_v1::Unit& u) {
  AuditUnit unit{.id = IdOr0(u.name(), "units"),
                 .parent_id = IdOr0(u.parent(), "units"),
                 .level = static_cast<org::Level>(u.level()),
                 .display_name = u.display_name(),
                 .deleted = u.state() == org_v1::Unit::DELETED};
  if (u.has_compound()) {
    unit.kind = static_cast<org::CompoundKind>(u.compound().kind());
    unit.has_property_company = u.compound().has_property_company();
    unit.red_property = u.compound().red_property();
    unit.has_owners_committee = u.compound().has_owners_committee();
    unit.red_owners_committee = u.compound().red_owners_committee();
    unit.property_mode = static_cast<org::PropertyMode>(u.compound().property_service().mode());
    unit.owners_body = static_cast<org::OwnersBodyKind>(u.compound().owners_body().kind());
    unit.owners_body_term_end = Day(u.compound().owners_body().term_end_date());
  }
  return unit;
}

// A call, tried again while the gateway throttles it.
template <typename Call>
absl::Status WithRetries(Call call) {
  return FromGrpcStatus(RetryWhileThrottled(call));
}

// Pages through a list at the revision of its first page. `call(context,
// request, response)`; `take(response)` keeps what it needs.
template <typename Request, typename Response, typename Call, typename Take>
absl::Status ReadAll(const AuditReadOptions& options, Request request, Call call, Take take,
                     int64_t* revision) {
  request.set_page_size(options.page_size);
  return ReadAllPages<Response>(
      std::move(request),
      [&](const Request& r, Response& page) {
        return WithRetries([&] {
          page.Clear();
          auto context = options.new_context(/*stream=*/false);
          return call(context.get(), r, &page);
        });
      },
      take, revision);
}

// The org's part: every party organisation (their first page pins the org
// revision), and the subtree and its alliances, read at that revision.
absl::Status ReadOrgPart(org_v1::OrgService::StubInterface& org, const AuditReadOptions& options,
                         AuditInput& input) {
  // Every party organisation; their first page pins the org revision, and
  // the subtree is read at it too. RunAudit keeps the organisations of the
  // subtree (a scoped auditor's gateway filters to the scope anyway).
  org_v1::ListPartyOrgsRequest orgs;
  orgs.set_show_deleted(true);
  RETURN_IF_ERROR((ReadAll<org_v1::ListPartyOrgsRequest, org_v1::ListPartyOrgsResponse>(
      options, orgs,
      [&](grpc::ClientContext* c, const auto& r, auto* p) { return org.ListPartyOrgs(c, r, p); },
      [&](const org_v1::ListPartyOrgsResponse& page) {
        for (const org_v1::PartyOrg& o : page.party_orgs()) {
          AuditPartyOrg party_org{.id = IdOr0(o.name(), "partyOrgs"),
                                  .parent_id = IdOr0(o.parent(), "partyOrgs"),
                                  .form = static_cast<org::OrgForm>(o.form()),
                                  .display_name = o.display_name(),
                                  .established = Day(o.established_date()),
                                  .created = ChinaDayOf(o.create_time()),
                                  .deleted = o.state() == org_v1::PartyOrg::DELETED};
          for (const std::string& unit : o.units())
            party_org.unit_ids.push_back(IdOr0(unit, "units"));
          party_org.term.start = Day(o.term().start_date());
          party_org.term.years = o.term().years();
          party_org.term.postponed_until = Day(o.term().postponed_until());
          input.party_orgs.push_back(std::move(party_org));
        }
      },
      &input.org_revision)));

  // The subtree, deleted units included, streamed at one revision.
  {
    org_v1::GetUnitRequest get;
    get.set_name(options.root);
    org_v1::Unit root;
    RETURN_IF_ERROR(WithRetries([&] {
      auto context = options.new_context(/*stream=*/false);
      return org.GetUnit(context.get(), get, &root);
    }));
    input.units.push_back(UnitOf(root));

    org_v1::ListDescendantsRequest request;
    request.set_name(options.root);
    request.set_show_deleted(true);
    request.set_read_revision(input.org_revision);
    auto stream_context = options.new_context(/*stream=*/true);
    auto reader = org.ListDescendants(stream_context.get(), request);
    org_v1::ListDescendantsResponse batch;
    while (reader->Read(&batch)) {
      for (const org_v1::Unit& unit : batch.units()) input.units.push_back(UnitOf(unit));
    }
    RETURN_IF_ERROR(FromGrpcStatus(reader->Finish()));
  }

  // The live alliances at the root or below, at that revision too.
  org_v1::ListAlliancesRequest alliances;
  alliances.set_unit(options.root);
  alliances.set_read_revision(input.org_revision);
  return ReadAll<org_v1::ListAlliancesRequest, org_v1::ListAlliancesResponse>(
      options, alliances,
      [&](grpc::ClientContext* c, const auto& r, auto* p) { return org.ListAlliances(c, r, p); },
      [&](const org_v1::ListAlliancesResponse& page) {
        for (const org_v1::Alliance& a : page.alliances()) {
          input.alliances.push_back(
              {.id = IdOr0(a.name(), "alliances"),
               .kind = static_cast<org::AllianceKind>(a.kind()),
               .unit_id = IdOr0(a.unit(), "units"),
               .leading_party_org_id = IdOr0(a.leading_party_org(), "partyOrgs"),
               .display_name = a.display_name(),
               .state = static_cast<org::AllianceState>(a.state())});
        }
      },
      nullptr);
}

// Memberships and registrations at input.roster_revision.
absl::Status ReadMembershipsAndRegistrations(roster_v1::RosterService::StubInterface& roster,
                                             const AuditReadOptions& options, AuditInput& input) {
  roster_v1::ListMembershipsRequest memberships;
  memberships.set_parent("people/-");
  memberships.set_read_revision(input.roster_revision);
  RETURN_IF_ERROR((ReadAll<roster_v1::ListMembershipsRequest, roster_v1::ListMembershipsResponse>(
      options, memberships,
      [&](grpc::ClientContext* c, const auto& r, auto* p) {
        return roster.ListMemberships(c, r, p);
      },
      [&](const roster_v1::ListMembershipsResponse& page) {
        for (const roster_v1::Membership& m : page.memberships()) {
          // `people/{p}/memberships/{m}`
          const std::string person = m.name().substr(0, m.name().find('/', 7));
          input.memberships.push_back({.person_id = IdOr0(person, "people"),
                                       .party_org_id = IdOr0(m.party_org(), "partyOrgs"),
                                       .start = Day(m.start_date()).value_or(absl::CivilDay()),
                                       .end = Day(m.end_date()),
                                       .current = m.current()});
        }
      },
      nullptr)));

  roster_v1::ListRegistrationsRequest registrations;
  registrations.set_parent("people/-");
  registrations.set_read_revision(input.roster_revision);
  RETURN_IF_ERROR(
      (ReadAll<roster_v1::ListRegistrationsRequest, roster_v1::ListRegistrationsResponse>(
          options, registrations,
          [&](grpc::ClientContext* c, const auto& r, auto* p) {
            return roster.ListRegistrations(c, r, p);
          },
          [&](const roster_v1::ListRegistrationsResponse& page) {
            for (const roster_v1::Registration& r : page.registrations()) {
              const std::string person = r.name().substr(0, r.name().find('/', 7));
              input.registrations.push_back(
                  {.person_id = IdOr0(person, "people"),
                   .community_id = IdOr0(r.community(), "units"),
                   .compound_id = IdOr0(r.compound(), "units"),
                   .post = static_cast<roster::RegistrationPost>(r.post()),
                   .has_duty_zone = !r.duty_zone().empty(),
                   .current = r.current()});
            }
          },
          nullptr)));

  return absl::OkStatus();
}

// The roster's part: people first (their first page pins the roster
// revision), then memberships and registrations alongside the roles, at
// that revision.
absl::Status ReadRosterPart(roster_v1::RosterService::StubInterface& roster,
                            const AuditReadOptions& options, AuditInput& input) {
  roster_v1::ListPeopleRequest people;
  people.set_show_deleted(true);
  RETURN_IF_ERROR((ReadAll<roster_v1::ListPeopleRequest, roster_v1::ListPeopleResponse>(
      options, people,
      [&](grpc::ClientContext* c, const auto& r, auto* p) { return roster.ListPeople(c, r, p); },
      [&](const roster_v1::ListPeopleResponse& page) {
        for (const roster_v1::Person& p : page.people()) {
          input.people.push_back(
              {.id = IdOr0(p.name(), "people"),
               .display_name = p.display_name(),
               .party_status = static_cast<roster::PartyStatus>(p.party_status()),
               .category = static_cast<roster::MemberCategory>(p.member_category()),
               .admission = Day(p.admission_date()),
               .id_card_number = p.id_card_number(),
               .residence_building_id = IdOr0(p.residence_building(), "units"),
               .probation_extension_months = p.probation_extension_months(),
               .deleted = p.state() == roster_v1::Person::DELETED});
        }
      },
      &input.roster_revision)));

  absl::Status others = absl::OkStatus();
  std::thread others_reader(
      [&] { others = ReadMembershipsAndRegistrations(roster, options, input); });
  roster_v1::ListRoleAssignmentsRequest roles;
  roles.set_read_revision(input.roster_revision);
  const absl::Status roles_status =
      (ReadAll<roster_v1::ListRoleAssignmentsRequest, roster_v1::ListRoleAssignmentsResponse>(
          options, roles,
          [&](grpc::ClientContext* c, const auto& r, auto* p) {
            return roster.ListRoleAssignments(c, r, p);
          },
          [&](const roster_v1::ListRoleAssignmentsResponse& page) {
            for (const roster_v1::RoleAssignment& a : page.role_assignments()) {
              input.roles.push_back({.id = IdOr0(a.name(), "roleAssignments"),
                                     .person_id = IdOr0(a.person(), "people"),
                                     .role = static_cast<roster::Role>(a.role()),
                                     .place = PlaceOf(a.place()),
                                     .start = Day(a.start_date()).value_or(absl::CivilDay()),
                                     .end = Day(a.end_date()),
                                     .current = a.current()});
            }
          },
          nullptr));
  others_reader.join();
  RETURN_IF_ERROR(roles_status);
  return others;
}

// An unset timestamp: InfinitePast.
absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return t.seconds() == 0 && t.nanos() == 0
             ? absl::InfinitePast()
             : absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// The casework part: the issues at or below the root (their first page pins
// the revision), then the dispatches of the open ones a street or the
// district handles: only those can still be waiting for a department.
absl::Status ReadCaseworkPart(casework_v1::CaseworkService::StubInterface& casework,
                              const AuditReadOptions& options, AuditInput& input) {
  casework_v1::ListIssuesRequest issues;
  issues.set_place(options.root);
  RETURN_IF_ERROR((ReadAll<casework_v1::ListIssuesRequest, casework_v1::ListIssuesResponse>(
      options, issues,
      [&](grpc::ClientContext* c, const auto& r, auto* p) { return casework.ListIssues(c, r, p); },
      [&](const casework_v1::ListIssuesResponse& page) {
        for (const casework_v1::Issue& i : page.issues()) {
          input.issues.push_back(
              {.id = IdOr0(i.name(), "issues"),
               .place_id = IdOr0(i.place(), "units"),
               .handling_unit_id = IdOr0(i.handling_unit(), "units"),
               .handling_level = static_cast<casework::HandlingLevel>(i.handling_level()),
               .category = static_cast<casework::Category>(i.category()),
               .state = static_cast<casework::IssueState>(i.state()),
               .satisfaction = static_cast<casework::Satisfaction>(i.satisfaction()),
               .overdue = i.overdue(),
               .create_time = TimeOf(i.create_time()),
               .resolve_time = TimeOf(i.resolve_time()),
               .close_time = TimeOf(i.close_time()),
               .due_time = TimeOf(i.due_time()),
               .external_key = i.external_key()});
        }
      },
      &input.casework_revision)));
  for (const AuditIssue& issue : input.issues) {
    if (!casework::IsOpen(issue.state) || issue.handling_level < casework::HandlingLevel::kStreet) {
      continue;
    }
    casework_v1::ListDispatchesRequest dispatches;
    dispatches.set_parent(casework::IssueName(issue.id));
    dispatches.set_read_revision(input.casework_revision);
    RETURN_IF_ERROR((ReadAll<casework_v1::ListDispatchesRequest,
                             casework_v1::ListDispatchesResponse>(
        options, dispatches,
        [&](grpc::ClientContext* c, const auto& r, auto* p) {
          return casework.ListDispatches(c, r, p);
        },
        [&](const casework_v1::ListDispatchesResponse& page) {
          for (const casework_v1::Dispatch& d : page.dispatches()) {
            input.dispatches.push_back(
                {.issue_id = issue.id,
                 .id =
                     casework::ParseDispatchName(d.name(), "").value_or(casework::DispatchId{}).id,
                 .summoning_unit_id = IdOr0(d.summoning_unit(), "units"),
                 .department =
                     d.department_org().empty() ? d.department_name() : d.department_org(),
                 .state = static_cast<casework::DispatchState>(d.state()),
                 .due_time = TimeOf(d.due_time())});
          }
        },
        nullptr)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<AuditInput> ReadAuditInput(org_v1::OrgService::StubInterface& org,
                                          roster_v1::RosterService::StubInterface& roster,
                                          casework_v1::CaseworkService::StubInterface& casework,
                                          const AuditReadOptions& options) {
  AuditInput input;
  input.today = options.today;
  input.audit_time = options.audit_time;
  ASSIGN_OR_RETURN(input.root_unit_id, ParseResourceName(options.root, "units", "root"));
  // The two services' parts are independent: read at once, one service's
  // work overlaps the other's and this process's decoding. Each fills its
  // own fields of `input`.
  absl::Status org_status, casework_status;
  std::thread org_reader([&] { org_status = ReadOrgPart(org, options, input); });
  std::thread casework_reader(
      [&] { casework_status = ReadCaseworkPart(casework, options, input); });
  const absl::Status roster_status = ReadRosterPart(roster, options, input);
  org_reader.join();
  casework_reader.join();
  RETURN_IF_ERROR(org_status);
  RETURN_IF_ERROR(roster_status);
  RETURN_IF_ERROR(casework_status);

  // Units the roster names that lie outside the subtree (another district's,
  // when a district is audited): tell them apart from units that do not
  // exist, which are drift. One call per such unit; normally there are few.
  // Only a district's audit reports unknown places (audit_rules.h); for any
  // other root, places outside it are simply outside.
  if (input.units.front().parent_id != 0) return input;
  absl::flat_hash_set<int64_t> known;
  for (const AuditUnit& unit : input.units) known.insert(unit.id);
  absl::flat_hash_set<int64_t> outside;
  auto note = [&](int64_t id) {
    if (id != 0 && !known.contains(id)) outside.insert(id);
  };
  for (const AuditRole& role : input.roles) {
    if (role.place.kind == roster::Place::Kind::kUnit) note(role.place.id);
  }
  for (const AuditPerson& person : input.people) note(person.residence_building_id);
  for (const AuditRegistration& registration : input.registrations) note(registration.community_id);
  for (int64_t id : outside) {
    org_v1::GetUnitRequest get;
    get.set_name(FormatResourceName("units", id));
    org_v1::Unit unit;
    const absl::Status status = WithRetries([&] {
      auto context = options.new_context(/*stream=*/false);
      return org.GetUnit(context.get(), get, &unit);
    });
    if (absl::IsNotFound(status) || absl::IsPermissionDenied(status)) {
      continue;  // unknown (or, to a scoped auditor, indistinguishable from it)
    }
    RETURN_IF_ERROR(status);
    // Outside the subtree by definition: a unit created under it after the
    // pinned revision must not join it now.
    AuditUnit outside_unit = UnitOf(unit);
    outside_unit.parent_id = 0;
    input.units.push_back(std::move(outside_unit));
  }
  return input;
}

}  // namespace grassroots::audit
