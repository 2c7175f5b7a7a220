#include "demo/demo_loader.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "casework_service/issue.h"
#include "common/proto_convert.h"
#include "common/throttle_retry.h"

namespace grassroots::demo {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace casework_v1 = ::grassroots::casework::v1;

constexpr char kUnitsPhase[] = "units and organisations";
constexpr int kImportBatchRows = 500;
constexpr int kListPageSize = 1000;
constexpr int kIssueBatchRows = 1000;  // ImportIssues' limit

// Runs `work(i)` for i in [0, count) on `threads` threads, counting each
// success into `done` and reporting it; the first error wins, stops the
// rest and is returned.
grpc::Status InParallel(int64_t count, int threads, absl::string_view phase, int64_t total,
                        const LoadProgress& progress, std::atomic<int64_t>& done,
                        const std::function<grpc::Status(int64_t)>& work) {
  std::atomic<int64_t> next{0};
  std::mutex mu;
  grpc::Status failure;
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (int64_t i; (i = next.fetch_add(1)) < count;) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!failure.ok()) return;
        }
        // Creates carry request ids, so a throttled one is safe to repeat.
        const grpc::Status status = RetryWhileThrottled([&] { return work(i); });
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.ok()) failure = status;
          return;
        }
        const int64_t finished = done.fetch_add(1) + 1;
        std::lock_guard<std::mutex> lock(mu);
        progress(phase, finished, total);
      }
    });
  }
  for (std::thread& thread : pool) thread.join();
  return failure;
}

org_v1::Unit UnitProto(const DemoUnit& u, const std::string& parent,
                       const std::vector<std::string>& external_orgs) {
  org_v1::Unit unit;
  unit.set_parent(parent);
  unit.set_level(static_cast<org_v1::Level>(u.level));
  unit.set_display_name(u.display_name);
  unit.set_code(u.code);
  if (u.level == org::Level::kCompound) {
    org_v1::CompoundDetails* c = unit.mutable_compound();
    c->set_kind(static_cast<org_v1::CompoundDetails::Kind>(u.kind));
    c->set_has_property_company(u.has_property_company);
    c->set_red_property(u.red_property);
    c->set_has_owners_committee(u.has_owners_committee);
    c->set_red_owners_committee(u.red_owners_committee);
    c->set_households(u.households);
    // The mode says it; the flags follow (and old clients read them).
    org_v1::PropertyService* service = c->mutable_property_service();
    service->set_mode(u.has_property_company ? org_v1::PropertyService::COMPANY
                      : u.self_managed       ? org_v1::PropertyService::SELF_MANAGED
                                             : org_v1::PropertyService::NONE);
    if (u.property_company >= 0) service->set_company(external_orgs[u.property_company]);
  } else if (u.level == org::Level::kBuilding) {
    unit.mutable_building()->set_households(u.households);
    unit.mutable_building()->set_floors(u.floors);
  }
  return unit;
}

roster_v1::ImportRow ImportRowOf(const DemoPerson& p, const std::vector<std::string>& units,
                                 const std::vector<std::string>& orgs,
                                 const std::vector<std::string>& external_orgs) {
  roster_v1::ImportRow row;
  roster_v1::Person* person = row.mutable_person();
  person->set_external_key(p.external_key);
  person->set_display_name(p.display_name);
  person->set_gender(static_cast<roster_v1::Person::Gender>(p.gender));
  DateToProto(p.birth_date, person->mutable_birth_date());
  person->set_id_card_number(p.id_card_number);
  person->set_phone(p.phone);
  if (p.residence_building >= 0) person->set_residence_building(units[p.residence_building]);
  person->set_residence_room(p.residence_room);
  person->set_party_status(static_cast<roster_v1::Person::PartyStatus>(p.party_status));
  DateToProto(p.admission, person->mutable_admission_date());
  person->set_member_category(static_cast<roster_v1::Person::MemberCategory>(p.category));
  if (p.party_org >= 0) row.set_party_org(orgs[p.party_org]);
  DateToProto(p.membership_start, row.mutable_membership_start_date());
  for (const DemoRole& r : p.roles) {
    roster_v1::RoleAssignment* role = row.add_roles();
    role->set_role(static_cast<roster_v1::Role>(r.role));
    role->set_place(r.at_party_org ? orgs[r.place] : units[r.place]);
    DateToProto(r.start, role->mutable_start_date());
    if (r.sending_org >= 0) role->set_sending_org(external_orgs[r.sending_org]);
  }
  return row;
}

// The district's directory, one by one (a dozen or two), by request id so
// that a second load finds what the first made.
grpc::Status LoadExternalOrgs(const DemoDistrict& demo, org_v1::OrgService::StubInterface& org,
                              const PrepareCall& prepare, const LoadOptions& options,
                              LoadResult& result) {
  result.external_orgs.assign(demo.external_orgs.size(), "");
  for (size_t i = 0; i < demo.external_orgs.size(); ++i) {
    const DemoExternalOrg& e = demo.external_orgs[i];
    org_v1::CreateExternalOrgRequest request;
    org_v1::ExternalOrg* external = request.mutable_external_org();
    external->set_district(result.units[0]);
    external->set_kind(static_cast<org_v1::ExternalOrg::Kind>(e.kind));
    external->set_display_name(e.display_name);
    external->set_credit_code(e.credit_code);
    request.set_request_id(absl::StrCat(options.request_id_prefix, "e", i));
    org_v1::ExternalOrg created;
    grpc::ClientContext call;
    prepare(call, /*unary=*/true);
    grpc::Status status = org.CreateExternalOrg(&call, request, &created);
    if (!status.ok()) return status;
    result.external_orgs[i] = created.name();
  }
  return grpc::Status::OK;
}

// Units level by level (a parent exists before its children), each level
// in parallel; then party organisations by depth, likewise.
grpc::Status LoadUnitsAndOrgs(const DemoDistrict& demo, org_v1::OrgService::StubInterface& org,
                              const PrepareCall& prepare, const LoadProgress& progress,
                              const LoadOptions& options, LoadResult* result) {
  const int64_t total = static_cast<int64_t>(demo.units.size() + demo.party_orgs.size());
  std::atomic<int64_t> done{0};
  std::vector<std::string>& units = result->units;
  units.assign(demo.units.size(), "");
  for (int level = 1; level <= org::kLevelCount; ++level) {
    std::vector<int64_t> indices;
    for (size_t i = 0; i < demo.units.size(); ++i) {
      if (static_cast<int>(demo.units[i].level) == level)
        indices.push_back(static_cast<int64_t>(i));
    }
    const grpc::Status status =
        InParallel(static_cast<int64_t>(indices.size()), options.threads, kUnitsPhase, total,
                   progress, done, [&](int64_t k) {
                     const int64_t i = indices[k];
                     const DemoUnit& u = demo.units[i];
                     org_v1::CreateUnitRequest request;
                     *request.mutable_unit() =
                         UnitProto(u, u.parent >= 0 ? units[u.parent] : "", result->external_orgs);
                     request.set_request_id(absl::StrCat(options.request_id_prefix, "u", i));
                     org_v1::Unit created;
                     grpc::ClientContext call;
                     prepare(call, /*unary=*/true);
                     grpc::Status status = org.CreateUnit(&call, request, &created);
                     if (status.ok()) units[i] = created.name();
                     return status;
                   });
    if (!status.ok()) return status;
    if (level == static_cast<int>(org::Level::kDistrict)) {
      // The district's directory, before the compounds that name their
      // property companies and the roles that name seconding agencies.
      const grpc::Status directory = LoadExternalOrgs(demo, org, prepare, options, *result);
      if (!directory.ok()) return directory;
    }
  }
  std::vector<int> depth(demo.party_orgs.size(), 0);
  int max_depth = 0;
  for (size_t i = 0; i < demo.party_orgs.size(); ++i) {
    const int parent = demo.party_orgs[i].parent;
    depth[i] = parent >= 0 ? depth[parent] + 1 : 0;
    max_depth = std::max(max_depth, depth[i]);
  }
  std::vector<std::string>& orgs = result->party_orgs;
  orgs.assign(demo.party_orgs.size(), "");
  for (int d = 0; d <= max_depth; ++d) {
    std::vector<int64_t> indices;
    for (size_t i = 0; i < demo.party_orgs.size(); ++i) {
      if (depth[i] == d) indices.push_back(static_cast<int64_t>(i));
    }
    const grpc::Status status =
        InParallel(static_cast<int64_t>(indices.size()), options.threads, kUnitsPhase, total,
                   progress, done, [&](int64_t k) {
                     const int64_t i = indices[k];
                     const DemoPartyOrg& o = demo.party_orgs[i];
                     org_v1::CreatePartyOrgRequest request;
                     org_v1::PartyOrg* party_org = request.mutable_party_org();
                     party_org->set_form(static_cast<org_v1::PartyOrg::Form>(o.form));
                     party_org->set_display_name(o.display_name);
                     if (o.parent >= 0) party_org->set_parent(orgs[o.parent]);
                     for (int unit : o.units) party_org->add_units(units[unit]);
                     DateToProto(o.established, party_org->mutable_established_date());
                     DateToProto(o.term_start, party_org->mutable_term()->mutable_start_date());
                     if (o.rating != org::Rating::kUnspecified) {
                       party_org->set_rating(static_cast<org_v1::PartyOrg::Rating>(o.rating));
                       org_v1::RatingRecord* record = party_org->add_ratings();
                       record->set_year(o.rating_year);
                       record->set_rating(static_cast<org_v1::PartyOrg::Rating>(o.rating));
                       record->set_stars(o.stars);
                     }
                     request.set_request_id(absl::StrCat(options.request_id_prefix, "o", i));
                     org_v1::PartyOrg created;
                     grpc::ClientContext call;
                     prepare(call, /*unary=*/true);
                     grpc::Status status = org.CreatePartyOrg(&call, request, &created);
                     if (status.ok()) orgs[i] = created.name();
                     return status;
                   });
    if (!status.ok()) return status;
  }
  return grpc::Status::OK;
}

// The alliances, each with its three lists, by request id (a second load
// finds what the first made); each item is taken from the state it is in
// to the one planned.
grpc::Status LoadAlliances(const DemoDistrict& demo, org_v1::OrgService::StubInterface& org,
                           const PrepareCall& prepare, const LoadProgress& progress,
                           const LoadOptions& options, const LoadResult& result) {
  const int64_t total = static_cast<int64_t>(demo.alliances.size());
  std::atomic<int64_t> done{0};
  const auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    prepare(context, /*unary=*/true);
    return (org.*method)(&context, request, response);
  };
  return InParallel(total, options.threads, "alliances", total, progress, done, [&](int64_t i) {
    const DemoAlliance& a = demo.alliances[i];
    org_v1::CreateAllianceRequest create;
    org_v1::Alliance* alliance = create.mutable_alliance();
    alliance->set_kind(static_cast<org_v1::Alliance::Kind>(a.kind));
    alliance->set_unit(result.units[a.unit]);
    alliance->set_leading_party_org(result.party_orgs[a.leading_org]);
    alliance->set_display_name(a.display_name);
    DateToProto(a.established, alliance->mutable_established_date());
    for (const auto& [role, member] : a.members) {
      org_v1::Alliance::Member* m = alliance->add_members();
      m->set_role(static_cast<org_v1::Alliance::Member::Role>(role));
      m->set_external_org(result.external_orgs[member]);
    }
    create.set_request_id(absl::StrCat(options.request_id_prefix, "a", i));
    org_v1::Alliance created;
    grpc::Status status =
        call(&org_v1::OrgService::StubInterface::CreateAlliance, create, &created);
    if (!status.ok()) return status;
    for (size_t k = 0; k < a.items.size(); ++k) {
      const DemoAllianceItem& item = a.items[k];
      org_v1::CreateAllianceItemRequest add;
      add.set_parent(created.name());
      add.mutable_item()->set_kind(static_cast<org_v1::AllianceItem::Kind>(item.kind));
      add.mutable_item()->set_title(item.title);
      add.set_request_id(absl::StrCat(options.request_id_prefix, "a", i, "i", k));
      org_v1::AllianceItem made;
      status = call(&org_v1::OrgService::StubInterface::CreateAllianceItem, add, &made);
      if (!status.ok()) return status;
      // From the state it is in: a retried or second load goes on where
      // the last one stopped.
      if (item.state != org::ItemState::kOpen && made.state() == org_v1::AllianceItem::OPEN) {
        org_v1::ClaimAllianceItemRequest claim;
        claim.set_name(made.name());
        claim.set_claimed_by(result.external_orgs[item.claimed_by]);
        status = call(&org_v1::OrgService::StubInterface::ClaimAllianceItem, claim, &made);
        if (!status.ok()) return status;
      }
      if (item.state == org::ItemState::kDone && made.state() == org_v1::AllianceItem::CLAIMED) {
        org_v1::CompleteAllianceItemRequest complete;
        complete.set_name(made.name());
        status = call(&org_v1::OrgService::StubInterface::CompleteAllianceItem, complete, &made);
        if (!status.ok()) return status;
      }
    }
    return grpc::Status::OK;
  });
}

// People, memberships and roles through the bulk import, in batches.
grpc::Status ImportPeople(const DemoDistrict& demo, roster_v1::RosterService::StubInterface& roster,
                          const PrepareCall& prepare, const LoadProgress& progress,
                          LoadResult* result) {
  const int64_t total = static_cast<int64_t>(demo.people.size());
  grpc::ClientContext call;
  prepare(call, /*unary=*/false);
  auto writer = roster.ImportPeople(&call, &result->import);
  roster_v1::ImportPeopleRequest request;
  for (size_t i = 0; i < demo.people.size(); ++i) {
    *request.add_rows() =
        ImportRowOf(demo.people[i], result->units, result->party_orgs, result->external_orgs);
    if (request.rows_size() == kImportBatchRows || i + 1 == demo.people.size()) {
      if (!writer->Write(request)) break;
      request.Clear();
      progress("people", static_cast<int64_t>(i + 1), total);
    }
  }
  writer->WritesDone();
  return writer->Finish();
}

// Double reporting: registers the in-service members with the community
// they live in. The import does not name the people it created, so they are
// found by external key in one pass over the roster. A second run finds the
// registrations already there (FAILED_PRECONDITION) and goes on.
grpc::Status LoadRegistrations(const DemoDistrict& demo,
                               roster_v1::RosterService::StubInterface& roster,
                               const PrepareCall& prepare, const LoadProgress& progress,
                               const LoadOptions& options, const LoadResult& result) {
  absl::flat_hash_map<std::string, std::string> names;  // external key → people/N
  roster_v1::ListPeopleRequest list;
  list.set_page_size(kListPageSize);
  do {
    roster_v1::ListPeopleResponse page;
    grpc::ClientContext call;
    prepare(call, /*unary=*/true);
    const grpc::Status status = roster.ListPeople(&call, list, &page);
    if (!status.ok()) return status;
    for (const roster_v1::Person& person : page.people()) {
      if (!person.external_key().empty()) names[person.external_key()] = person.name();
    }
    list.set_page_token(page.next_page_token());
    list.set_read_revision(page.revision());
  } while (!list.page_token().empty());
  std::vector<const DemoPerson*> registered;
  for (const DemoPerson& p : demo.people) {
    if (p.registered_community >= 0 && names.contains(p.external_key)) registered.push_back(&p);
  }
  const int64_t total = static_cast<int64_t>(registered.size());
  std::atomic<int64_t> done{0};
  return InParallel(total, options.threads, "registrations", total, progress, done, [&](int64_t i) {
    const DemoPerson& p = *registered[i];
    roster_v1::CreateRegistrationRequest request;
    request.set_person(names.at(p.external_key));
    request.set_community(result.units[p.registered_community]);
    if (p.registered_compound >= 0) request.set_compound(result.units[p.registered_compound]);
    request.set_post(static_cast<roster_v1::Registration::Post>(p.registration_post));
    request.set_duty_zone(p.duty_zone);
    DateToProto(p.membership_start.value_or(absl::CivilDay(2020, 1, 1)),
                request.mutable_start_date());
    roster_v1::Registration created;
    grpc::ClientContext call;
    prepare(call, /*unary=*/true);
    grpc::Status status = roster.CreateRegistration(&call, request, &created);
    if (status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      return grpc::Status::OK;
    }
    return status;
  });
}

casework_v1::ImportedIssue ImportedIssueOf(const DemoIssue& d, absl::Time load,
                                           const std::vector<std::string>& units) {
  casework_v1::ImportedIssue row;
  row.set_external_key(d.external_key);
  casework_v1::Issue& issue = *row.mutable_issue();
  issue.set_place(units[d.place]);
  issue.set_category(static_cast<casework_v1::Category>(d.category));
  issue.set_channel(static_cast<casework_v1::Channel>(d.channel));
  issue.set_title(d.title);
  issue.set_state(static_cast<casework_v1::Issue::State>(d.state));
  issue.set_handling_level(static_cast<casework_v1::HandlingLevel>(d.level));
  issue.set_satisfaction(static_cast<casework_v1::Satisfaction>(d.satisfaction));
  TimeToProto(load - d.created_ago, issue.mutable_create_time());
  if (d.resolved_ago) {
    TimeToProto(load - *d.resolved_ago, issue.mutable_resolve_time());
    issue.set_resolution("已按诉求处理完毕");
  }
  if (d.closed_ago) TimeToProto(load - *d.closed_ago, issue.mutable_close_time());
  switch (d.state) {
    case casework::IssueState::kRejected:
      issue.set_state_reason(d.category == casework::Category::kSuggestion ? "建议未采纳"
                                                                           : "重复诉求");
      break;
    case casework::IssueState::kEscalated:
      issue.set_state_reason("本级无法协调解决");
      break;
    case casework::IssueState::kReopened:
      issue.set_state_reason("居民反映问题仍未解决");
      break;
    default:
      break;
  }
  if (casework::IsOpen(d.state)) TimeToProto(load + d.due_in, issue.mutable_due_time());
  for (const DemoDispatch& x : d.dispatches) {
    casework_v1::Dispatch& dispatch = *row.add_dispatches();
    dispatch.set_department_name(x.department_name);
    dispatch.set_state(static_cast<casework_v1::Dispatch::State>(x.state));
    dispatch.set_request(x.request);
    TimeToProto(load - x.created_ago, dispatch.mutable_create_time());
    TimeToProto(load + x.due_in, dispatch.mutable_due_time());
    if (x.state != casework::DispatchState::kSummoned) {
      TimeToProto(load - x.acknowledged_ago, dispatch.mutable_acknowledge_time());
    }
    if (x.state == casework::DispatchState::kReported) {
      TimeToProto(load - x.reported_ago, dispatch.mutable_report_time());
      dispatch.set_report("已到现场处置并反馈");
    }
  }
  return row;
}

// The year of issues, a call of at most 1,000 rows each, in parallel.
grpc::Status ImportIssues(const DemoDistrict& demo,
                          casework_v1::CaseworkService::StubInterface& casework,
                          const PrepareCall& prepare, const LoadProgress& progress,
                          const LoadOptions& options, LoadResult* result) {
  // To the second, so that the times the service keeps are the generator's.
  const absl::Time load = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
  const int64_t total = static_cast<int64_t>(demo.issues.size());
  const int64_t batches = (total + kIssueBatchRows - 1) / kIssueBatchRows;
  result->issues.assign(demo.issues.size(), "");
  std::atomic<int64_t> done{0}, imported{0}, unchanged{0};
  grpc::Status status =
      InParallel(batches, options.threads, "issues", batches, progress, done, [&](int64_t b) {
        casework_v1::ImportIssuesRequest request;
        const int64_t first = b * kIssueBatchRows;
        const int64_t end = std::min(total, first + kIssueBatchRows);
        for (int64_t i = first; i < end; ++i) {
          *request.add_issues() = ImportedIssueOf(demo.issues[i], load, result->units);
        }
        grpc::ClientContext call;
        prepare(call, /*unary=*/true);
        casework_v1::ImportIssuesResponse response;
        grpc::Status s = casework.ImportIssues(&call, request, &response);
        if (!s.ok()) return s;
        if (response.errors_size() > 0) {
          const casework_v1::ImportIssueError& e = response.errors(0);
          return grpc::Status(grpc::StatusCode::INTERNAL,
                              absl::StrCat("issues: row ", first + e.row(), " (",
                                           demo.issues[first + e.row()].external_key,
                                           ") refused: ", e.field(), ": ", e.message()));
        }
        for (int i = 0; i < response.names_size(); ++i)
          result->issues[first + i] = response.names(i);
        imported += response.imported();
        unchanged += response.unchanged();
        return grpc::Status::OK;
      });
  result->issues_imported = imported;
  result->issues_unchanged = unchanged;
  return status;
}

}  // namespace

grpc::Status LoadDemoDistrict(const DemoDistrict& district, org::v1::OrgService::StubInterface& org,
                              roster::v1::RosterService::StubInterface& roster,
                              casework::v1::CaseworkService::StubInterface* casework,
                              const PrepareCall& prepare, const LoadProgress& progress,
                              const LoadOptions& options, LoadResult* result) {
  const absl::Time units_start = absl::Now();
  grpc::Status status = LoadUnitsAndOrgs(district, org, prepare, progress, options, result);
  if (status.ok()) status = LoadAlliances(district, org, prepare, progress, options, *result);
  result->units_time = absl::Now() - units_start;
  if (!status.ok() || options.units_only) return status;

  if (casework != nullptr && !district.issues.empty()) {
    const absl::Time issues_start = absl::Now();
    status = ImportIssues(district, *casework, prepare, progress, options, result);
    result->issues_time = absl::Now() - issues_start;
    if (!status.ok()) return status;
  }

  const absl::Time people_start = absl::Now();
  status = ImportPeople(district, roster, prepare, progress, result);
  result->people_time = absl::Now() - people_start;
  if (!status.ok() || result->import.errors_size() > 0) return status;
  return LoadRegistrations(district, roster, prepare, progress, options, *result);
}

}  // namespace grassroots::demo
