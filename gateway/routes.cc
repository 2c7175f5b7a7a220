#include "gateway/routes.h"

#include <grpcpp/impl/codegen/proto_utils.h>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/personal_data.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "grassroots/activity/v1/activity_service.pb.h"
#include "grassroots/casework/v1/casework_service.pb.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "re2/re2.h"

namespace grassroots::gateway {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace casework_v1 = ::grassroots::casework::v1;
namespace activity_v1 = ::grassroots::activity::v1;
using google::protobuf::RepeatedPtrField;

template <typename Message>
bool Parse(const grpc::ByteBuffer& buffer, Message& message) {
  grpc::ByteBuffer copy(buffer);  // Deserialize consumes its buffer; copies share slices.
  return grpc::SerializationTraits<Message>::Deserialize(&copy, &message).ok();
}

template <typename Message>
void Serialize(const Message& message, grpc::ByteBuffer& buffer) {
  bool own = false;
  grpc::ByteBuffer fresh;
  grpc::SerializationTraits<Message>::Serialize(message, &fresh, &own);
  buffer.Swap(&fresh);
}

absl::StatusOr<int64_t> IdOf(absl::string_view name, absl::string_view collection,
                             absl::string_view field) {
  return ParseResourceName(name, collection, field);
}

// The targets of one request, collected field by field.
class Names {
 public:
  absl::Status Unit(absl::string_view name, std::string field) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "units", field));
    targets_.push_back({.kind = TargetKind::kUnit, .id = id, .field = std::move(field)});
    return absl::OkStatus();
  }
  absl::Status PartyOrg(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "partyOrgs", field));
    targets_.push_back(
        {.kind = TargetKind::kPartyOrg, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  absl::Status Person(absl::string_view name, std::string field) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "people", field));
    targets_.push_back({.kind = TargetKind::kPerson, .id = id, .field = std::move(field)});
    return absl::OkStatus();
  }
  // The current membership of the person `name` names, which a write ends
  // or moves (after Person: the person must be in scope as well).
  absl::Status CurrentMembershipOf(absl::string_view name, std::string field) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "people", field));
    targets_.push_back(
        {.kind = TargetKind::kCurrentMembershipOf, .id = id, .field = std::move(field)});
    return absl::OkStatus();
  }
  // `people/{id}/registrations/{r}`: the person and the registration.
  absl::Status Registration(absl::string_view name, std::string field) {
    const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
    int64_t registration = 0;
    if (parts.size() != 4 || parts[2] != "registrations" ||
        !absl::SimpleAtoi(parts[3], &registration) || registration <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", name, "\" is not people/{id}/registrations/{id}"));
    }
    RETURN_IF_ERROR(Person(absl::StrCat(parts[0], "/", parts[1]), field));
    targets_.push_back({.kind = TargetKind::kRegistration,
                        .id = targets_.back().id,
                        .field = std::move(field),
                        .child_id = registration});
    return absl::OkStatus();
  }
  // A role's place: a unit or a party organisation (`write`: every unit of
  // the organisation in scope, for appointing to it).
  absl::Status Place(absl::string_view name, std::string field, bool write = false) {
    if (absl::StartsWith(name, "partyOrgs/")) return PartyOrg(name, std::move(field), write);
    return Unit(name, std::move(field));
  }
  absl::Status RoleAssignment(absl::string_view name, std::string field, bool write = false) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "roleAssignments", field));
    targets_.push_back(
        {.kind = TargetKind::kRoleAssignment, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  // Every unit or party organisation a filter mentions: a scoped principal
  // may not ask about places outside its scope (what a filter matches shows
  // through counts and page tokens even when the items are filtered out).
  absl::Status FilterNames(const std::string& filter) {
    static const LazyRE2 kName = {R"((units|partyOrgs)/(\d+))"};
    re2::StringPiece input(filter);
    std::string collection, id;
    while (RE2::FindAndConsume(&input, *kName, &collection, &id)) {
      RETURN_IF_ERROR(collection == "units"
                          ? Unit(absl::StrCat("units/", id), "filter")
                          : PartyOrg(absl::StrCat("partyOrgs/", id), "filter", false));
    }
    return absl::OkStatus();
  }
  // The person an import row updates when its key matches someone, who must
  // be in scope as UpdatePerson requires: `moves_membership` when the row
  // names a party organisation (their current one must be in scope too),
  // and `keeps_residence` when the row gives a residence (a row without one
  // would leave a person placed elsewhere living nowhere).
  void PersonByExternalKey(std::string key, std::string field, bool moves_membership,
                           bool keeps_residence) {
    targets_.push_back({.kind = TargetKind::kPersonByExternalKey,
                        .field = std::move(field),
                        .write = moves_membership,
                        .external_key = std::move(key),
                        .keeps_residence = keeps_residence});
  }
  // `units/{id}` of a district, for its directory of external organisations
  // (`write`: adding to it).
  absl::Status DistrictDirectory(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "units", field));
    targets_.push_back({.kind = TargetKind::kDistrictDirectory,
                        .id = id,
                        .field = std::move(field),
                        .write = write});
    return absl::OkStatus();
  }
  absl::Status ExternalOrg(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "externalOrgs", field));
    targets_.push_back(
        {.kind = TargetKind::kExternalOrg, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  absl::Status Alliance(absl::string_view name, std::string field) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "alliances", field));
    targets_.push_back({.kind = TargetKind::kAlliance, .id = id, .field = std::move(field)});
    return absl::OkStatus();
  }
  // `alliances/{id}/items/{item}`: the alliance decides; the service says
  // NOT_FOUND for an item of another alliance.
  absl::Status AllianceOfItem(absl::string_view name, std::string field) {
    const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
    if (parts.size() != 4 || parts[2] != "items") {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", name, "\" is not alliances/{id}/items/{id}"));
    }
    return Alliance(absl::StrCat(parts[0], "/", parts[1]), std::move(field));
  }
  // An issue of the casework service: `write` asks for its handling unit
  // in scope, a read for its place.
  absl::Status Issue(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "issues", field));
    targets_.push_back(
        {.kind = TargetKind::kIssue, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  // `issues/{id}/dispatches/{d}`: the issue decides; the service says
  // NOT_FOUND for a dispatch of another issue.
  absl::Status IssueOfDispatch(absl::string_view name, std::string field, bool write) {
    const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
    if (parts.size() != 4 || parts[2] != "dispatches") {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": \"", name, "\" is not issues/{id}/dispatches/{id}"));
    }
    return Issue(absl::StrCat(parts[0], "/", parts[1]), std::move(field), write);
  }
  // An activity of the activity service (its attendance lines go with
  // it): looked up, in scope by its place or its organisation's units.
  absl::Status Activity(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "activities", field));
    targets_.push_back(
        {.kind = TargetKind::kActivity, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  // A service point: looked up, in scope by its unit.
  absl::Status ServicePoint(absl::string_view name, std::string field, bool write) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "servicePoints", field));
    targets_.push_back(
        {.kind = TargetKind::kServicePoint, .id = id, .field = std::move(field), .write = write});
    return absl::OkStatus();
  }
  // `creditAccounts/{person}`: the person's, scoped like `people/{person}`.
  absl::Status CreditAccount(absl::string_view name, std::string field) {
    ASSIGN_OR_RETURN(int64_t id, IdOf(name, "creditAccounts", field));
    targets_.push_back({.kind = TargetKind::kPerson, .id = id, .field = std::move(field)});
    return absl::OkStatus();
  }
  // A co-organiser of an activity: an external organisation of the
  // district's directory or an alliance (read: it must be visible).
  absl::Status CoOrganiser(absl::string_view name, std::string field) {
    if (absl::StartsWith(name, "alliances/")) return Alliance(name, std::move(field));
    if (absl::StartsWith(name, "externalOrgs/")) {
      return ExternalOrg(name, std::move(field), false);
    }
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": \"", name, "\" is not externalOrgs/{id} or alliances/{id}"));
  }
  // Optional fields: an empty one names nothing.
  absl::Status PersonIfSet(absl::string_view name, std::string field) {
    return name.empty() ? absl::OkStatus() : Person(name, std::move(field));
  }
  absl::Status PartyOrgIfSet(absl::string_view name, std::string field, bool write) {
    return name.empty() ? absl::OkStatus() : PartyOrg(name, std::move(field), write);
  }
  // What an alliance names besides its unit: the leading party organisation
  // and the member organisations (read: they must be visible to the caller).
  absl::Status AllianceParts(const org_v1::Alliance& alliance, bool leading, bool members) {
    if (leading && !alliance.leading_party_org().empty()) {
      RETURN_IF_ERROR(PartyOrg(alliance.leading_party_org(), "alliance.leading_party_org", false));
    }
    for (int i = 0; members && i < alliance.members_size(); ++i) {
      if (alliance.members(i).external_org().empty()) continue;
      RETURN_IF_ERROR(ExternalOrg(alliance.members(i).external_org(),
                                  absl::StrCat("alliance.members[", i, "].external_org"), false));
    }
    return absl::OkStatus();
  }
  // A compound's property company, when the unit names one.
  absl::Status PropertyCompanyOf(const org_v1::Unit& unit, std::string field) {
    if (!unit.has_compound() || unit.compound().property_service().company().empty()) {
      return absl::OkStatus();
    }
    return ExternalOrg(unit.compound().property_service().company(), std::move(field), false);
  }
  std::vector<Target> Take() { return std::move(targets_); }

 private:
  std::vector<Target> targets_;
};

// What only a principal with every district in scope may do.
absl::Status NeedsEveryDistrict(absl::string_view field, absl::string_view what) {
  return absl::PermissionDeniedError(
      absl::StrCat(field, ": ", what, " needs a principal whose scope is every district (*)"));
}

// Whether an update changes `path`, as the services read a mask: without
// one, every field the request sets; with `*`, every field; else the paths
// listed.
bool Updates(const google::protobuf::FieldMask& mask, absl::string_view path, bool set) {
  if (mask.paths().empty()) return set;
  for (const std::string& p : mask.paths()) {
    if (p == path || p == "*") return true;
  }
  return false;
}

template <typename Request>
using NamesOf = std::function<absl::Status(const Request&, Names&)>;

// A Route::needs_grant from `field_of`: the field of a request that needs
// the personal-data grant, or nullopt when it needs none.
template <typename Request>
std::function<absl::Status(const grpc::ByteBuffer&)> GrantNeededFor(
    std::function<std::optional<std::string>(const Request&)> field_of) {
  return [field_of = std::move(field_of)](const grpc::ByteBuffer& buffer) -> absl::Status {
    Request request;
    if (!Parse(buffer, request)) {
      return absl::InvalidArgumentError(
          absl::StrCat("request: not a valid ", Request::descriptor()->full_name()));
    }
    std::optional<std::string> field = field_of(request);
    if (!field) return absl::OkStatus();
    return absl::PermissionDeniedError(
        absl::StrCat(*field,
                     ": needs the personal-data grant (it would be checked against personal data "
                     "your token may not see)"));
  };
}

// A key of a district's own that is an ID-card or phone number: matching
// on it would confirm the number.
bool KeyIsPersonalData(const std::string& key) { return ContainsPersonalData(key); }

template <typename Item>
using TargetOf = std::function<std::optional<Target>(const Item&)>;

// Keeps the items of a repeated field that are in scope. In a stream, a
// message left with none is skipped.
template <typename Response, typename Item>
std::function<FilterOutcome(grpc::ByteBuffer&, const KeepFn&)> KeepItems(
    RepeatedPtrField<Item>* (Response::*items)(), TargetOf<Item> target_of,
    bool skip_empty = false) {
  return [items, target_of = std::move(target_of), skip_empty](grpc::ByteBuffer& buffer,
                                                               const KeepFn& keep) {
    Response response;
    if (!Parse(buffer, response)) return FilterOutcome::kDenied;  // fail closed
    RepeatedPtrField<Item>* list = (response.*items)();
    std::vector<bool> kept(list->size(), false);
    bool all = true;
    for (int i = 0; i < list->size(); ++i) {
      std::optional<Target> target = target_of(list->Get(i));
      if (target) {
        std::optional<bool> in = keep(*target);
        if (!in) return FilterOutcome::kUndecided;
        kept[i] = *in;
      }
      all = all && kept[i];
    }
    if (all) return FilterOutcome::kUnchanged;
    RepeatedPtrField<Item> survivors;
    for (int i = 0; i < list->size(); ++i) {
      if (kept[i]) survivors.Add(std::move(*list->Mutable(i)));
    }
    list->Swap(&survivors);
    if (skip_empty && list->empty()) return FilterOutcome::kEmpty;
    Serialize(response, buffer);
    return FilterOutcome::kChanged;
  };
}

// Denies a single resource outside the scope.
template <typename Response>
std::function<FilterOutcome(grpc::ByteBuffer&, const KeepFn&)> KeepSingle(
    TargetOf<Response> target_of) {
  return [target_of = std::move(target_of)](grpc::ByteBuffer& buffer, const KeepFn& keep) {
    Response response;
    if (!Parse(buffer, response)) return FilterOutcome::kDenied;
    std::optional<Target> target = target_of(response);
    if (!target) return FilterOutcome::kDenied;
    std::optional<bool> in = keep(*target);
    if (!in) return FilterOutcome::kUndecided;
    return *in ? FilterOutcome::kUnchanged : FilterOutcome::kDenied;
  };
}

std::optional<Target> UnitTarget(const std::string& name, const std::string& parent = "") {
  absl::StatusOr<int64_t> id = IdOf(name, "units", "");
  if (!id.ok()) return std::nullopt;
  Target target{.kind = TargetKind::kUnit, .id = *id};
  if (absl::StatusOr<int64_t> p = IdOf(parent, "units", ""); p.ok()) target.parent_hint = *p;
  return target;
}

std::optional<Target> PartyOrgTarget(const std::string& name) {
  absl::StatusOr<int64_t> id = IdOf(name, "partyOrgs", "");
  if (!id.ok()) return std::nullopt;
  return Target{.kind = TargetKind::kPartyOrg, .id = *id};
}

std::optional<Target> PlaceTarget(const std::string& place) {
  if (absl::StartsWith(place, "partyOrgs/")) return PartyOrgTarget(place);
  return UnitTarget(place);
}

std::optional<Target> PersonTarget(const roster_v1::Person& person) {
  absl::StatusOr<int64_t> id = IdOf(person.name(), "people", "");
  if (!id.ok()) return std::nullopt;
  Target target{.kind = TargetKind::kPerson, .id = *id, .residence_hint = 0};
  if (absl::StatusOr<int64_t> b = IdOf(person.residence_building(), "units", ""); b.ok()) {
    target.residence_hint = *b;
  }
  return target;
}

std::optional<Target> OrgEventTarget(const org_v1::Event& event) {
  const org_v1::ResourceSnapshot& s = event.has_after() ? event.after() : event.before();
  if (s.has_unit()) return UnitTarget(s.unit().name(), s.unit().parent());
  if (s.has_party_org()) return PartyOrgTarget(s.party_org().name());
  if (s.has_external_org()) {
    absl::StatusOr<int64_t> district = IdOf(s.external_org().district(), "units", "");
    if (!district.ok()) return std::nullopt;
    return Target{.kind = TargetKind::kDistrictDirectory, .id = *district};
  }
  if (s.has_alliance()) return UnitTarget(s.alliance().unit());
  if (s.has_alliance_item()) return UnitTarget(s.alliance_item().unit());
  return std::nullopt;
}

// An issue or a dispatch is filtered by its place (both carry it): what a
// principal reads of an issue is what it could ask for by name.
std::optional<Target> CaseworkEventTarget(const casework_v1::Event& event) {
  const casework_v1::ResourceSnapshot& s = event.has_after() ? event.after() : event.before();
  if (s.has_issue()) return UnitTarget(s.issue().place());
  if (s.has_dispatch()) return UnitTarget(s.dispatch().place());
  return std::nullopt;
}

// An activity is in scope by its place or any unit its organisation
// covered, both on the resource: no lookup (one only for an activity that
// carries neither, by its name).
std::optional<Target> ActivityTarget(const activity_v1::Activity& activity) {
  absl::StatusOr<int64_t> id = IdOf(activity.name(), "activities", "");
  Target target{.kind = TargetKind::kActivity, .id = id.ok() ? *id : 0};
  if (absl::StatusOr<int64_t> place = IdOf(activity.place(), "units", ""); place.ok()) {
    target.units.push_back(*place);
  }
  for (const std::string& name : activity.party_org_units()) {
    if (absl::StatusOr<int64_t> unit = IdOf(name, "units", ""); unit.ok()) {
      target.units.push_back(*unit);
    }
  }
  if (target.units.empty() && target.id == 0) return std::nullopt;
  return target;
}

// A credit entry, `creditAccounts/{person}/entries/{id}`: the person's.
std::optional<Target> CreditEntryTarget(const activity_v1::CreditEntry& entry) {
  const std::vector<absl::string_view> parts = absl::StrSplit(entry.name(), '/');
  if (parts.size() != 4 || parts[2] != "entries") return std::nullopt;
  absl::StatusOr<int64_t> person =
      IdOf(absl::StrCat(parts[0], "/", parts[1]), "creditAccounts", "");
  if (!person.ok()) return std::nullopt;
  return Target{.kind = TargetKind::kPerson, .id = *person};
}

// Activities by their place or their organisation's units, attendance
// lines by the place they carry, credit entries by their person, service
// points by their unit.
std::optional<Target> ActivityEventTarget(const activity_v1::Event& event) {
  const activity_v1::ResourceSnapshot& s = event.has_after() ? event.after() : event.before();
  if (s.has_activity()) return ActivityTarget(s.activity());
  if (s.has_attendance()) return UnitTarget(s.attendance().place());
  if (s.has_credit_entry()) return CreditEntryTarget(s.credit_entry());
  if (s.has_service_point()) return UnitTarget(s.service_point().unit());
  return std::nullopt;
}

std::optional<Target> RosterEventTarget(const roster_v1::Event& event) {
  const roster_v1::ResourceSnapshot& s = event.has_after() ? event.after() : event.before();
  if (s.has_person()) return PersonTarget(s.person());
  if (s.has_membership()) return PartyOrgTarget(s.membership().party_org());
  if (s.has_registration()) return UnitTarget(s.registration().community());
  if (s.has_role_assignment()) return PlaceTarget(s.role_assignment().place());
  return std::nullopt;
}

// The service a backend serves: its full name, and the short one logs and
// messages use.
struct ServiceName {
  absl::string_view full;
  absl::string_view brief;
};

ServiceName ServiceOf(Backend backend) {
  switch (backend) {
    case Backend::kOrg:
      return {"grassroots.org.v1.OrgService", "OrgService"};
    case Backend::kRoster:
      return {"grassroots.roster.v1.RosterService", "RosterService"};
    case Backend::kCasework:
      return {"grassroots.casework.v1.CaseworkService", "CaseworkService"};
    case Backend::kActivity:
      return {"grassroots.activity.v1.ActivityService", "ActivityService"};
  }
  return {};
}

class TableBuilder {
 public:
  explicit TableBuilder(std::vector<Route>& routes) : routes_(routes) {}
  std::vector<Route>& routes() { return routes_; }

  template <typename Request>
  Route& Add(Backend backend, absl::string_view method, CallShape shape, Action action,
             NamesOf<Request> names) {
    const ServiceName service = ServiceOf(backend);
    Route route;
    route.method = absl::StrCat("/", service.full, "/", method);
    route.short_name = absl::StrCat(service.brief, ".", method);
    route.backend = backend;
    route.shape = shape;
    route.action = action;
    route.targets = [names = std::move(names), method = std::string(method)](
                        const grpc::ByteBuffer& buffer) -> absl::StatusOr<std::vector<Target>> {
      Request request;
      if (!Parse(buffer, request)) {
        return absl::InvalidArgumentError(
            absl::StrCat("request: not a valid ", Request::descriptor()->full_name()));
      }
      Names collected;
      RETURN_IF_ERROR(names(request, collected));
      return collected.Take();
    };
    routes_.push_back(std::move(route));
    return routes_.back();
  }

 private:
  std::vector<Route>& routes_;
};

constexpr CallShape kUnary = CallShape::kUnary;
constexpr CallShape kServerStream = CallShape::kServerStream;
constexpr CallShape kClientStream = CallShape::kClientStream;
constexpr Action kRead = Action::kRead;
constexpr Action kWrite = Action::kWrite;
constexpr Action kManage = Action::kManage;

void AddOrgRoutes(TableBuilder& t) {
  constexpr Backend kOrg = Backend::kOrg;
  // The creates' answers are checked as reads: a create retried with one of
  // the caller's own request ids answers with what that create made, which
  // the caller's scope may no longer reach.
  t.Add<org_v1::CreateUnitRequest>(kOrg, "CreateUnit", kUnary, kWrite, [](const auto& r, Names& n) {
     if (r.unit().parent().empty()) return NeedsEveryDistrict("unit.parent", "creating a district");
     RETURN_IF_ERROR(n.PropertyCompanyOf(r.unit(), "unit.compound.property_service.company"));
     return n.Unit(r.unit().parent(), "unit.parent");
   }).filter = KeepSingle<org_v1::Unit>([](const org_v1::Unit& u) {
    return UnitTarget(u.name(), u.parent());
  });
  t.Add<org_v1::GetUnitRequest>(kOrg, "GetUnit", kUnary, kRead,
                                [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); });
  t.Add<org_v1::BatchGetUnitsRequest>(
      kOrg, "BatchGetUnits", kUnary, kRead, [](const auto& r, Names& n) {
        for (int i = 0; i < r.names_size(); ++i) {
          RETURN_IF_ERROR(n.Unit(r.names(i), absl::StrCat("names[", i, "]")));
        }
        return absl::OkStatus();
      });
  t.Add<org_v1::UpdateUnitRequest>(kOrg, "UpdateUnit", kUnary, kWrite, [](const auto& r, Names& n) {
    RETURN_IF_ERROR(n.PropertyCompanyOf(r.unit(), "unit.compound.property_service.company"));
    return n.Unit(r.unit().name(), "unit.name");
  });
  t.Add<org_v1::DeleteUnitRequest>(
      kOrg, "DeleteUnit", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); });
  t.Add<org_v1::UndeleteUnitRequest>(
      kOrg, "UndeleteUnit", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); });
  t.Add<org_v1::ListUnitsRequest>(kOrg, "ListUnits", kUnary, kRead,
                                  [](const auto& r, Names& n) {
                                    RETURN_IF_ERROR(n.FilterNames(r.filter()));
                                    if (r.parent().empty()) return absl::OkStatus();
                                    return n.Unit(r.parent(), "parent");
                                  })
      .filter = KeepItems<org_v1::ListUnitsResponse, org_v1::Unit>(
      &org_v1::ListUnitsResponse::mutable_units,
      [](const org_v1::Unit& u) { return UnitTarget(u.name(), u.parent()); });
  t.Add<org_v1::MoveUnitRequest>(kOrg, "MoveUnit", kUnary, kManage, [](const auto& r, Names& n) {
    RETURN_IF_ERROR(n.Unit(r.name(), "name"));
    return n.Unit(r.new_parent(), "new_parent");
  });
  // A unit's ancestors above the scope are left out: they are outside it.
  t.Add<org_v1::GetAncestorsRequest>(
       kOrg, "GetAncestors", kUnary, kRead,
       [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); })
      .filter = KeepItems<org_v1::GetAncestorsResponse, org_v1::Unit>(
      &org_v1::GetAncestorsResponse::mutable_ancestors,
      [](const org_v1::Unit& u) { return UnitTarget(u.name(), u.parent()); });
  t.Add<org_v1::ListDescendantsRequest>(
      kOrg, "ListDescendants", kServerStream, kRead,
      [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); });
  t.Add<org_v1::CountDescendantsRequest>(
      kOrg, "CountDescendants", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Unit(r.name(), "name"); });
  t.Add<org_v1::GetCoveringPartyOrgRequest>(
      kOrg, "GetCoveringPartyOrg", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Unit(r.unit(), "unit"); });

  t.Add<org_v1::CreatePartyOrgRequest>(
       kOrg, "CreatePartyOrg", kUnary, kWrite,
       [](const auto& r, Names& n) {
         if (r.party_org().units().empty()) {
           return NeedsEveryDistrict("party_org.units", "an organisation attached to no unit");
         }
         for (int i = 0; i < r.party_org().units_size(); ++i) {
           RETURN_IF_ERROR(
               n.Unit(r.party_org().units(i), absl::StrCat("party_org.units[", i, "]")));
         }
         if (r.party_org().parent().empty()) return absl::OkStatus();
         return n.PartyOrg(r.party_org().parent(), "party_org.parent", /*write=*/false);
       })
      .filter = KeepSingle<org_v1::PartyOrg>(
      [](const org_v1::PartyOrg& o) { return PartyOrgTarget(o.name()); });
  t.Add<org_v1::GetPartyOrgRequest>(
      kOrg, "GetPartyOrg", kUnary, kRead,
      [](const auto& r, Names& n) { return n.PartyOrg(r.name(), "name", false); });
  t.Add<org_v1::BatchGetPartyOrgsRequest>(
      kOrg, "BatchGetPartyOrgs", kUnary, kRead, [](const auto& r, Names& n) {
        for (int i = 0; i < r.names_size(); ++i) {
          RETURN_IF_ERROR(n.PartyOrg(r.names(i), absl::StrCat("names[", i, "]"), false));
        }
        return absl::OkStatus();
      });
  t.Add<org_v1::UpdatePartyOrgRequest>(
      kOrg, "UpdatePartyOrg", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.PartyOrg(r.party_org().name(), "party_org.name", /*write=*/true));
        if (Updates(r.update_mask(), "units", !r.party_org().units().empty())) {
          if (r.party_org().units().empty()) {
            return NeedsEveryDistrict("party_org.units", "an organisation attached to no unit");
          }
          for (int i = 0; i < r.party_org().units_size(); ++i) {
            RETURN_IF_ERROR(
                n.Unit(r.party_org().units(i), absl::StrCat("party_org.units[", i, "]")));
          }
        }
        if (Updates(r.update_mask(), "parent", !r.party_org().parent().empty()) &&
            !r.party_org().parent().empty()) {
          return n.PartyOrg(r.party_org().parent(), "party_org.parent", false);
        }
        return absl::OkStatus();
      });
  // A cascade reaches organisations below, which may cover units outside
  // the scope (a functional branch); only `*` may cascade.
  t.Add<org_v1::DeletePartyOrgRequest>(
      kOrg, "DeletePartyOrg", kUnary, kManage, [](const auto& r, Names& n) {
        if (r.cascade()) {
          return NeedsEveryDistrict("cascade", "a cascading delete");
        }
        return n.PartyOrg(r.name(), "name", true);
      });
  t.Add<org_v1::UndeletePartyOrgRequest>(
      kOrg, "UndeletePartyOrg", kUnary, kManage, [](const auto& r, Names& n) {
        if (r.cascade()) {
          return NeedsEveryDistrict("cascade", "a cascading undelete");
        }
        return n.PartyOrg(r.name(), "name", true);
      });
  t.Add<org_v1::ListPartyOrgsRequest>(kOrg, "ListPartyOrgs", kUnary, kRead,
                                      [](const auto& r, Names& n) {
                                        RETURN_IF_ERROR(n.FilterNames(r.filter()));
                                        if (r.parent().empty()) return absl::OkStatus();
                                        return n.PartyOrg(r.parent(), "parent", false);
                                      })
      .filter = KeepItems<org_v1::ListPartyOrgsResponse, org_v1::PartyOrg>(
      &org_v1::ListPartyOrgsResponse::mutable_party_orgs,
      [](const org_v1::PartyOrg& o) { return PartyOrgTarget(o.name()); });
  // The district's directory of external organisations.
  const auto external_org_target = [](const org_v1::ExternalOrg& o) -> std::optional<Target> {
    absl::StatusOr<int64_t> district = IdOf(o.district(), "units", "");
    if (!district.ok()) return std::nullopt;
    return Target{.kind = TargetKind::kDistrictDirectory, .id = *district};
  };
  t.Add<org_v1::CreateExternalOrgRequest>(kOrg, "CreateExternalOrg", kUnary, kWrite,
                                          [](const auto& r, Names& n) {
                                            return n.DistrictDirectory(r.external_org().district(),
                                                                       "external_org.district",
                                                                       /*write=*/true);
                                          })
      .filter = KeepSingle<org_v1::ExternalOrg>(external_org_target);
  t.Add<org_v1::GetExternalOrgRequest>(
      kOrg, "GetExternalOrg", kUnary, kRead,
      [](const auto& r, Names& n) { return n.ExternalOrg(r.name(), "name", false); });
  t.Add<org_v1::UpdateExternalOrgRequest>(
      kOrg, "UpdateExternalOrg", kUnary, kWrite, [](const auto& r, Names& n) {
        return n.ExternalOrg(r.external_org().name(), "external_org.name", /*write=*/true);
      });
  t.Add<org_v1::DeleteExternalOrgRequest>(
      kOrg, "DeleteExternalOrg", kUnary, kManage,
      [](const auto& r, Names& n) { return n.ExternalOrg(r.name(), "name", true); });
  t.Add<org_v1::UndeleteExternalOrgRequest>(
      kOrg, "UndeleteExternalOrg", kUnary, kManage,
      [](const auto& r, Names& n) { return n.ExternalOrg(r.name(), "name", true); });
  t.Add<org_v1::ListExternalOrgsRequest>(
       kOrg, "ListExternalOrgs", kUnary, kRead,
       [](const auto& r, Names& n) {
         if (r.district().empty()) {
           return NeedsEveryDistrict("district", "every district's directory");
         }
         return n.DistrictDirectory(r.district(), "district", false);
       })
      .filter = KeepItems<org_v1::ListExternalOrgsResponse, org_v1::ExternalOrg>(
      &org_v1::ListExternalOrgsResponse::mutable_external_orgs, external_org_target);
  // Alliances resolve to their unit; items to their alliance.
  t.Add<org_v1::CreateAllianceRequest>(
      kOrg, "CreateAlliance", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Unit(r.alliance().unit(), "alliance.unit"));
        return n.AllianceParts(r.alliance(), true, true);
      });
  t.Add<org_v1::GetAllianceRequest>(
      kOrg, "GetAlliance", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Alliance(r.name(), "name"); });
  t.Add<org_v1::UpdateAllianceRequest>(
      kOrg, "UpdateAlliance", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Alliance(r.alliance().name(), "alliance.name"));
        return n.AllianceParts(
            r.alliance(),
            Updates(r.update_mask(), "leading_party_org",
                    !r.alliance().leading_party_org().empty()),
            Updates(r.update_mask(), "members", r.alliance().members_size() > 0));
      });
  t.Add<org_v1::DissolveAllianceRequest>(
      kOrg, "DissolveAlliance", kUnary, kWrite,
      [](const auto& r, Names& n) { return n.Alliance(r.name(), "name"); });
  t.Add<org_v1::DeleteAllianceRequest>(
      kOrg, "DeleteAlliance", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Alliance(r.name(), "name"); });
  t.Add<org_v1::UndeleteAllianceRequest>(
      kOrg, "UndeleteAlliance", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Alliance(r.name(), "name"); });
  t.Add<org_v1::ListAlliancesRequest>(kOrg, "ListAlliances", kUnary, kRead,
                                      [](const auto& r, Names& n) {
                                        if (r.unit().empty()) {
                                          return NeedsEveryDistrict("unit", "every alliance");
                                        }
                                        return n.Unit(r.unit(), "unit");
                                      })
      .filter = KeepItems<org_v1::ListAlliancesResponse, org_v1::Alliance>(
      &org_v1::ListAlliancesResponse::mutable_alliances,
      [](const org_v1::Alliance& a) { return UnitTarget(a.unit()); });
  t.Add<org_v1::CreateAllianceItemRequest>(
      kOrg, "CreateAllianceItem", kUnary, kWrite,
      [](const auto& r, Names& n) { return n.Alliance(r.parent(), "parent"); });
  t.Add<org_v1::GetAllianceItemRequest>(
      kOrg, "GetAllianceItem", kUnary, kRead,
      [](const auto& r, Names& n) { return n.AllianceOfItem(r.name(), "name"); });
  t.Add<org_v1::ListAllianceItemsRequest>(
      kOrg, "ListAllianceItems", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Alliance(r.parent(), "parent"); });
  t.Add<org_v1::ClaimAllianceItemRequest>(
      kOrg, "ClaimAllianceItem", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.AllianceOfItem(r.name(), "name"));
        if (r.claimed_by().empty()) return absl::OkStatus();
        if (absl::StartsWith(r.claimed_by(), "partyOrgs/")) {
          return n.PartyOrg(r.claimed_by(), "claimed_by", false);
        }
        return n.ExternalOrg(r.claimed_by(), "claimed_by", false);
      });
  t.Add<org_v1::CompleteAllianceItemRequest>(
      kOrg, "CompleteAllianceItem", kUnary, kWrite,
      [](const auto& r, Names& n) { return n.AllianceOfItem(r.name(), "name"); });
  // The history of the scope only.
  t.Add<org_v1::ListEventsRequest>(kOrg, "ListEvents", kUnary, kRead,
                                   [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<org_v1::ListEventsResponse, org_v1::Event>(
      &org_v1::ListEventsResponse::mutable_events, OrgEventTarget);
  t.Add<org_v1::WatchEventsRequest>(kOrg, "WatchEvents", kServerStream, kRead,
                                    [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<org_v1::WatchEventsResponse, org_v1::Event>(
      &org_v1::WatchEventsResponse::mutable_events, OrgEventTarget, /*skip_empty=*/true);
}

void AddRosterRoutes(TableBuilder& t) {
  constexpr Backend kRoster = Backend::kRoster;
  t.Add<roster_v1::CreatePersonRequest>(
       kRoster, "CreatePerson", kUnary, kWrite,
       [](const auto& r, Names& n) {
         // A person placed nowhere would be in no one's scope.
         if (r.person().residence_building().empty()) {
           return NeedsEveryDistrict("person.residence_building", "a person living nowhere");
         }
         return n.Unit(r.person().residence_building(), "person.residence_building");
       })
      .filter = KeepSingle<roster_v1::Person>(PersonTarget);
  // External keys are unique: "already used" would confirm a number.
  t.routes().back().needs_grant = GrantNeededFor<roster_v1::CreatePersonRequest>(
      [](const roster_v1::CreatePersonRequest& r) -> std::optional<std::string> {
        if (KeyIsPersonalData(r.person().external_key())) return "person.external_key";
        return std::nullopt;
      });
  t.Add<roster_v1::GetPersonRequest>(
      kRoster, "GetPerson", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Person(r.name(), "name"); });
  t.Add<roster_v1::BatchGetPeopleRequest>(
      kRoster, "BatchGetPeople", kUnary, kRead, [](const auto& r, Names& n) {
        for (int i = 0; i < r.names_size(); ++i) {
          RETURN_IF_ERROR(n.Person(r.names(i), absl::StrCat("names[", i, "]")));
        }
        return absl::OkStatus();
      });
  t.Add<roster_v1::UpdatePersonRequest>(
       kRoster, "UpdatePerson", kUnary, kWrite,
       [](const auto& r, Names& n) {
         RETURN_IF_ERROR(n.Person(r.person().name(), "person.name"));
         if (Updates(r.update_mask(), "residence_building",
                     !r.person().residence_building().empty())) {
           if (r.person().residence_building().empty()) {
             return NeedsEveryDistrict("person.residence_building", "a person living nowhere");
           }
           return n.Unit(r.person().residence_building(), "person.residence_building");
         }
         return absl::OkStatus();
       })
      // A birth date is checked against the ID-card number, and a number
      // set to the one stored changes nothing: either would confirm a guess.
      .needs_grant = GrantNeededFor<roster_v1::UpdatePersonRequest>(
      [](const roster_v1::UpdatePersonRequest& r) -> std::optional<std::string> {
        if (Updates(r.update_mask(), "birth_date", r.person().has_birth_date())) {
          return "person.birth_date";
        }
        if (Updates(r.update_mask(), "id_card_number", !r.person().id_card_number().empty())) {
          return "person.id_card_number";
        }
        if (KeyIsPersonalData(r.person().external_key()) &&
            Updates(r.update_mask(), "external_key", true)) {
          return "person.external_key";
        }
        return std::nullopt;
      });
  t.Add<roster_v1::DeletePersonRequest>(
      kRoster, "DeletePerson", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Person(r.name(), "name"); });
  t.Add<roster_v1::UndeletePersonRequest>(
      kRoster, "UndeletePerson", kUnary, kManage,
      [](const auto& r, Names& n) { return n.Person(r.name(), "name"); });
  t.Add<roster_v1::ListPeopleRequest>(
       kRoster, "ListPeople", kUnary, kRead,
       [](const auto& r, Names& n) { return n.FilterNames(r.filter()); })
      .filter = KeepItems<roster_v1::ListPeopleResponse, roster_v1::Person>(
      &roster_v1::ListPeopleResponse::mutable_people, PersonTarget);
  // external_key = "<an ID-card number>" would say whether someone has it.
  t.routes().back().needs_grant = GrantNeededFor<roster_v1::ListPeopleRequest>(
      [](const roster_v1::ListPeopleRequest& r) -> std::optional<std::string> {
        if (KeyIsPersonalData(r.filter())) return "filter";
        return std::nullopt;
      });
  Route& lookup = t.Add<roster_v1::LookupPersonByIdCardRequest>(
      kRoster, "LookupPersonByIdCard", kUnary, kRead,
      [](const auto&, Names&) { return absl::OkStatus(); });
  lookup.filter = KeepSingle<roster_v1::Person>(PersonTarget);
  lookup.hide_not_found_message = "id_card_number: no person with this number in your scope";
  lookup.needs_grant = GrantNeededFor<roster_v1::LookupPersonByIdCardRequest>(
      [](const auto&) -> std::optional<std::string> { return "id_card_number"; });

  t.Add<roster_v1::StartMembershipRequest>(kRoster, "StartMembership", kUnary, kWrite,
                                           [](const auto& r, Names& n) {
                                             RETURN_IF_ERROR(n.Person(r.person(), "person"));
                                             return n.PartyOrg(r.party_org(), "party_org", false);
                                           });
  t.Add<roster_v1::TransferMembershipRequest>(
       kRoster, "TransferMembership", kUnary, kWrite,
       [](const auto& r, Names& n) {
         RETURN_IF_ERROR(n.Person(r.person(), "person"));
         // The membership it ends, as well as the one it starts: a person in
         // scope through a role may be a member elsewhere.
         RETURN_IF_ERROR(n.CurrentMembershipOf(r.person(), "person"));
         return n.PartyOrg(r.party_org(), "party_org", false);
       })
      .filter = KeepSingle<roster_v1::Membership>(
      [](const roster_v1::Membership& m) { return PartyOrgTarget(m.party_org()); });
  t.Add<roster_v1::EndMembershipRequest>(kRoster, "EndMembership", kUnary, kWrite,
                                         [](const auto& r, Names& n) {
                                           RETURN_IF_ERROR(n.Person(r.person(), "person"));
                                           return n.CurrentMembershipOf(r.person(), "person");
                                         })
      .filter = KeepSingle<roster_v1::Membership>(
      [](const roster_v1::Membership& m) { return PartyOrgTarget(m.party_org()); });
  t.Add<roster_v1::ListMembershipsRequest>(kRoster, "ListMemberships", kUnary, kRead,
                                           [](const auto& r, Names& n) {
                                             if (r.parent() != "people/-")
                                               RETURN_IF_ERROR(n.Person(r.parent(), "parent"));
                                             if (r.party_org().empty()) return absl::OkStatus();
                                             return n.PartyOrg(r.party_org(), "party_org", false);
                                           })
      .filter = KeepItems<roster_v1::ListMembershipsResponse, roster_v1::Membership>(
      &roster_v1::ListMembershipsResponse::mutable_memberships,
      [](const roster_v1::Membership& m) { return PartyOrgTarget(m.party_org()); });
  t.Add<roster_v1::CreateRegistrationRequest>(
      kRoster, "CreateRegistration", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Person(r.person(), "person"));
        if (!r.compound().empty()) {
          RETURN_IF_ERROR(n.Unit(r.compound(), "compound"));
        }
        if (!r.employer().empty()) {
          RETURN_IF_ERROR(n.ExternalOrg(r.employer(), "employer", false));
        }
        return n.Unit(r.community(), "community");
      });
  t.Add<roster_v1::EndRegistrationRequest>(
       kRoster, "EndRegistration", kUnary, kWrite,
       [](const auto& r, Names& n) { return n.Registration(r.name(), "name"); })
      .filter = KeepSingle<roster_v1::Registration>(
      [](const roster_v1::Registration& r) { return UnitTarget(r.community()); });
  t.Add<roster_v1::ListRegistrationsRequest>(kRoster, "ListRegistrations", kUnary, kRead,
                                             [](const auto& r, Names& n) {
                                               if (r.parent() != "people/-")
                                                 RETURN_IF_ERROR(n.Person(r.parent(), "parent"));
                                               if (r.community().empty()) return absl::OkStatus();
                                               return n.Unit(r.community(), "community");
                                             })
      .filter = KeepItems<roster_v1::ListRegistrationsResponse, roster_v1::Registration>(
      &roster_v1::ListRegistrationsResponse::mutable_registrations,
      [](const roster_v1::Registration& r) { return UnitTarget(r.community()); });
  t.Add<roster_v1::AssignRoleRequest>(
       kRoster, "AssignRole", kUnary, kWrite,
       [](const auto& r, Names& n) {
         // The person must be in scope already: assigning a role would
         // otherwise pull anyone into it.
         RETURN_IF_ERROR(n.Person(r.role_assignment().person(), "role_assignment.person"));
         if (!r.role_assignment().sending_org().empty()) {
           RETURN_IF_ERROR(n.ExternalOrg(r.role_assignment().sending_org(),
                                         "role_assignment.sending_org", false));
         }
         return n.Place(r.role_assignment().place(), "role_assignment.place", /*write=*/true);
       })
      .filter = KeepSingle<roster_v1::RoleAssignment>(
      [](const roster_v1::RoleAssignment& a) { return PlaceTarget(a.place()); });
  t.Add<roster_v1::EndRoleAssignmentRequest>(
      kRoster, "EndRoleAssignment", kUnary, kWrite,
      [](const auto& r, Names& n) { return n.RoleAssignment(r.name(), "name", /*write=*/true); });
  t.Add<roster_v1::GetRoleAssignmentRequest>(
      kRoster, "GetRoleAssignment", kUnary, kRead,
      [](const auto& r, Names& n) { return n.RoleAssignment(r.name(), "name"); });
  // Roles are shown where they are held: a person in scope may hold roles
  // elsewhere, and those stay hidden.
  t.Add<roster_v1::ListRoleAssignmentsRequest>(kRoster, "ListRoleAssignments", kUnary, kRead,
                                               [](const auto& r, Names& n) {
                                                 if (!r.person().empty())
                                                   RETURN_IF_ERROR(n.Person(r.person(), "person"));
                                                 if (r.place().empty()) return absl::OkStatus();
                                                 return n.Place(r.place(), "place");
                                               })
      .filter = KeepItems<roster_v1::ListRoleAssignmentsResponse, roster_v1::RoleAssignment>(
      &roster_v1::ListRoleAssignmentsResponse::mutable_role_assignments,
      [](const roster_v1::RoleAssignment& a) { return PlaceTarget(a.place()); });
  // Each row must stay inside the scope: every place it names, and the
  // person it updates when the external key matches someone.
  t.Add<roster_v1::ImportPeopleRequest>(
      kRoster, "ImportPeople", kClientStream, kWrite, [](const auto& r, Names& n) {
        for (int i = 0; i < r.rows_size(); ++i) {
          const roster_v1::ImportRow& row = r.rows(i);
          const std::string prefix = absl::StrCat("rows[", i, "]");
          bool placed = false;
          if (!row.person().residence_building().empty()) {
            RETURN_IF_ERROR(n.Unit(row.person().residence_building(),
                                   absl::StrCat(prefix, ".person.residence_building")));
            placed = true;
          }
          if (!row.party_org().empty()) {
            RETURN_IF_ERROR(n.PartyOrg(row.party_org(), absl::StrCat(prefix, ".party_org"), false));
            placed = true;
          }
          // The rules of the single writes: a role's place by AssignRole's
          // (every unit a joint branch covers), not by the read rule.
          for (int j = 0; j < row.roles_size(); ++j) {
            RETURN_IF_ERROR(n.Place(row.roles(j).place(),
                                    absl::StrCat(prefix, ".roles[", j, "].place"), /*write=*/true));
            if (!row.roles(j).sending_org().empty()) {
              RETURN_IF_ERROR(n.ExternalOrg(row.roles(j).sending_org(),
                                            absl::StrCat(prefix, ".roles[", j, "].sending_org"),
                                            false));
            }
            placed = true;
          }
          if (!placed) return NeedsEveryDistrict(prefix, "a person placed nowhere");
          n.PersonByExternalKey(row.person().external_key(), absl::StrCat(prefix, ".person"),
                                !row.party_org().empty(),
                                !row.person().residence_building().empty());
        }
        return absl::OkStatus();
      });
  // A row is matched to a person by its external key, and its ID-card
  // number is checked for uniqueness: both answer "is this number taken".
  t.routes().back().needs_grant = GrantNeededFor<roster_v1::ImportPeopleRequest>(
      [](const roster_v1::ImportPeopleRequest& r) -> std::optional<std::string> {
        for (int i = 0; i < r.rows_size(); ++i) {
          if (KeyIsPersonalData(r.rows(i).person().external_key())) {
            return absl::StrCat("rows[", i, "].person.external_key");
          }
        }
        return std::nullopt;
      });
  t.routes().back().filter = [](grpc::ByteBuffer& buffer, const KeepFn&) {
    roster_v1::ImportPeopleResponse response;
    if (!Parse(buffer, response)) return FilterOutcome::kDenied;
    bool changed = false;
    for (roster_v1::ImportRowError& error : *response.mutable_errors()) {
      std::string redacted = RedactPersonNames(error.message());
      changed = changed || redacted != error.message();
      error.set_message(std::move(redacted));
    }
    if (!changed) return FilterOutcome::kUnchanged;
    Serialize(response, buffer);
    return FilterOutcome::kChanged;
  };
  t.Add<roster_v1::ListEventsRequest>(kRoster, "ListEvents", kUnary, kRead,
                                      [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<roster_v1::ListEventsResponse, roster_v1::Event>(
      &roster_v1::ListEventsResponse::mutable_events, RosterEventTarget);
  t.Add<roster_v1::WatchEventsRequest>(kRoster, "WatchEvents", kServerStream, kRead,
                                       [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<roster_v1::WatchEventsResponse, roster_v1::Event>(
      &roster_v1::WatchEventsResponse::mutable_events, RosterEventTarget, /*skip_empty=*/true);
}

// Issues are read where they are (their place) and acted on where they are
// handled (their handling unit): a community sees and answers for every
// issue at its places, but once an issue is escalated to the street only
// the street's principals accept, resolve, reject, escalate it or summon
// departments to it. Dispatches go with their issue.
void AddCaseworkRoutes(TableBuilder& t) {
  constexpr Backend kCasework = Backend::kCasework;
  constexpr bool kPlace = false;    // Names::Issue: the place decides
  constexpr bool kHandling = true;  // the handling unit decides
  const auto issue_place = [](const casework_v1::Issue& i) { return UnitTarget(i.place()); };
  // A transition of the issue `name`.
  const auto issue_named = [](bool write) {
    return [write](const auto& r, Names& n) { return n.Issue(r.name(), "name", write); };
  };
  // The answer is checked as a read, as the org service's creates are: a
  // retry with one of the caller's own request ids answers with what the
  // first call made.
  t.Add<casework_v1::ReportIssueRequest>(
       kCasework, "ReportIssue", kUnary, kWrite,
       [](const auto& r, Names& n) {
         RETURN_IF_ERROR(n.Unit(r.issue().place(), "issue.place"));
         RETURN_IF_ERROR(n.PersonIfSet(r.issue().reporter(), "issue.reporter"));
         RETURN_IF_ERROR(n.PersonIfSet(r.issue().assignee(), "issue.assignee"));
         return n.PartyOrgIfSet(r.issue().handling_party_org(), "issue.handling_party_org", false);
       })
      .filter = KeepSingle<casework_v1::Issue>(issue_place);
  t.Add<casework_v1::GetIssueRequest>(
      kCasework, "GetIssue", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Issue(r.name(), "name", kPlace); });
  t.Add<casework_v1::BatchGetIssuesRequest>(
      kCasework, "BatchGetIssues", kUnary, kRead, [](const auto& r, Names& n) {
        for (int i = 0; i < r.names_size(); ++i) {
          RETURN_IF_ERROR(n.Issue(r.names(i), absl::StrCat("names[", i, "]"), kPlace));
        }
        return absl::OkStatus();
      });
  // Whoever may report at the place may correct the report (a grid worker
  // is an EDITOR of its community), wherever the issue is handled now.
  t.Add<casework_v1::UpdateIssueRequest>(
      kCasework, "UpdateIssue", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Issue(r.issue().name(), "issue.name", kPlace));
        if (!Updates(r.update_mask(), "reporter", !r.issue().reporter().empty())) {
          return absl::OkStatus();
        }
        return n.PersonIfSet(r.issue().reporter(), "issue.reporter");
      });
  // The service lists an issue by the place it was reported at, below the
  // unit asked for: a scoped principal asks about a unit in scope, and an
  // issue whose place has since moved out of the scope is left out.
  t.Add<casework_v1::ListIssuesRequest>(kCasework, "ListIssues", kUnary, kRead,
                                        [](const auto& r, Names& n) {
                                          if (r.place().empty()) {
                                            return NeedsEveryDistrict("place", "every issue");
                                          }
                                          return n.Unit(r.place(), "place");
                                        })
      .filter = KeepItems<casework_v1::ListIssuesResponse, casework_v1::Issue>(
      &casework_v1::ListIssuesResponse::mutable_issues, issue_place);
  t.Add<casework_v1::AcceptIssueRequest>(
      kCasework, "AcceptIssue", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Issue(r.name(), "name", kHandling));
        RETURN_IF_ERROR(n.PersonIfSet(r.assignee(), "assignee"));
        return n.PartyOrgIfSet(r.handling_party_org(), "handling_party_org", false);
      });
  t.Add<casework_v1::EscalateIssueRequest>(kCasework, "EscalateIssue", kUnary, kWrite,
                                           issue_named(kHandling));
  t.Add<casework_v1::ResolveIssueRequest>(kCasework, "ResolveIssue", kUnary, kWrite,
                                          issue_named(kHandling));
  t.Add<casework_v1::RejectIssueRequest>(kCasework, "RejectIssue", kUnary, kWrite,
                                         issue_named(kHandling));
  // The resident's answer is recorded by whoever serves the place, at
  // whatever level the issue was resolved.
  t.Add<casework_v1::ConfirmIssueRequest>(kCasework, "ConfirmIssue", kUnary, kWrite,
                                          issue_named(kPlace));
  t.Add<casework_v1::ReopenIssueRequest>(kCasework, "ReopenIssue", kUnary, kWrite,
                                         issue_named(kPlace));
  t.Add<casework_v1::CreateDispatchRequest>(
      kCasework, "CreateDispatch", kUnary, kWrite, [](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Issue(r.parent(), "parent", kHandling));
        if (r.dispatch().department_org().empty()) return absl::OkStatus();
        return n.ExternalOrg(r.dispatch().department_org(), "dispatch.department_org", false);
      });
  t.Add<casework_v1::GetDispatchRequest>(
      kCasework, "GetDispatch", kUnary, kRead,
      [](const auto& r, Names& n) { return n.IssueOfDispatch(r.name(), "name", kPlace); });
  t.Add<casework_v1::ListDispatchesRequest>(
      kCasework, "ListDispatches", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Issue(r.parent(), "parent", kPlace); });
  const auto dispatch_named = [](const auto& r, Names& n) {
    return n.IssueOfDispatch(r.name(), "name", kHandling);
  };
  t.Add<casework_v1::AcknowledgeDispatchRequest>(kCasework, "AcknowledgeDispatch", kUnary, kWrite,
                                                 dispatch_named);
  t.Add<casework_v1::ReportDispatchRequest>(kCasework, "ReportDispatch", kUnary, kWrite,
                                            dispatch_named);
  // Records of another system, with their history: an ADMIN's, for the
  // places in scope. Every field that names a resource is checked.
  t.Add<casework_v1::ImportIssuesRequest>(
      kCasework, "ImportIssues", kUnary, kManage, [](const auto& r, Names& n) {
        for (int i = 0; i < r.issues_size(); ++i) {
          const casework_v1::Issue& issue = r.issues(i).issue();
          const std::string prefix = absl::StrCat("issues[", i, "].issue.");
          RETURN_IF_ERROR(n.Unit(issue.place(), absl::StrCat(prefix, "place")));
          RETURN_IF_ERROR(n.PersonIfSet(issue.reporter(), absl::StrCat(prefix, "reporter")));
          RETURN_IF_ERROR(n.PersonIfSet(issue.assignee(), absl::StrCat(prefix, "assignee")));
          RETURN_IF_ERROR(n.PartyOrgIfSet(issue.handling_party_org(),
                                          absl::StrCat(prefix, "handling_party_org"), false));
          for (int d = 0; d < r.issues(i).dispatches_size(); ++d) {
            const std::string& org = r.issues(i).dispatches(d).department_org();
            if (org.empty()) continue;
            RETURN_IF_ERROR(n.ExternalOrg(
                org, absl::StrCat("issues[", i, "].dispatches[", d, "].department_org"), false));
          }
        }
        return absl::OkStatus();
      });
  // The history of the scope only.
  t.Add<casework_v1::ListEventsRequest>(kCasework, "ListEvents", kUnary, kRead,
                                        [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<casework_v1::ListEventsResponse, casework_v1::Event>(
      &casework_v1::ListEventsResponse::mutable_events, CaseworkEventTarget);
  t.Add<casework_v1::WatchEventsRequest>(kCasework, "WatchEvents", kServerStream, kRead,
                                         [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<casework_v1::WatchEventsResponse, casework_v1::Event>(
      &casework_v1::WatchEventsResponse::mutable_events, CaseworkEventTarget,
      /*skip_empty=*/true);
}

// The activity service (docs/activities.md, "Through the gateway").
//
// - An activity is read by a principal whose scope holds its place or any
//   unit of its `party_org_units` (the units its organising organisation
//   covered when it was made), and worked — updated, submitted, held,
//   recorded, cancelled, its attendance recorded or imported — by an EDITOR
//   or ADMIN with the same in scope. The gateway learns both with a
//   GetActivity lookup, as it does an issue's place; an unknown activity and
//   one outside the scope answer alike.
// - CreateActivity: the organising organisation in write scope (every unit
//   it covers), the place in scope, a service point's unit in scope (looked
//   up), the organiser and co-organisers visible (people as the roster's,
//   external organisations and alliances as the org service's).
// - ApproveActivity and ReturnActivity are the organisation above's: the
//   `approver` in write scope, and the activity readable.
// - The people of attendance lines, and `creditAccounts/{person}`, are
//   scoped like `people/{person}`: a read of the account, a write of a
//   redemption.
// - Service points by their unit: `unit` of a create, looked up by name.
// - Lists name a place in scope and are filtered item by item; events are
//   kept by their resource (ActivityEventTarget).
void AddActivityRoutes(TableBuilder& t) {
  constexpr Backend kActivity = Backend::kActivity;
  constexpr bool kReads = false;
  constexpr bool kWorks = true;
  const auto activity_named = [](const auto& r, Names& n) {
    return n.Activity(r.name(), "name", kWorks);
  };
  // The lines of a sheet: each named person must be in scope, as an
  // issue's reporter is.
  const auto attendance_people = [](const RepeatedPtrField<activity_v1::Attendance>& lines,
                                    absl::string_view prefix, Names& n) -> absl::Status {
    for (int i = 0; i < lines.size(); ++i) {
      RETURN_IF_ERROR(
          n.PersonIfSet(lines.Get(i).person(), absl::StrCat(prefix, "[", i, "].person")));
    }
    return absl::OkStatus();
  };
  // What an activity names besides its organisation, for a create or the
  // fields an update changes.
  const auto activity_parts = [](const activity_v1::Activity& a,
                                 const google::protobuf::FieldMask* mask,
                                 Names& n) -> absl::Status {
    const auto updates = [mask](absl::string_view path, bool set) {
      return mask == nullptr ? set : Updates(*mask, path, set);
    };
    if (updates("place", !a.place().empty()) && !a.place().empty()) {
      RETURN_IF_ERROR(n.Unit(a.place(), "activity.place"));
    }
    if (updates("service_point", !a.service_point().empty()) && !a.service_point().empty()) {
      RETURN_IF_ERROR(n.ServicePoint(a.service_point(), "activity.service_point", kWorks));
    }
    if (updates("organiser", !a.organiser().empty())) {
      RETURN_IF_ERROR(n.PersonIfSet(a.organiser(), "activity.organiser"));
    }
    if (updates("co_organisers", a.co_organisers_size() > 0)) {
      for (int i = 0; i < a.co_organisers_size(); ++i) {
        RETURN_IF_ERROR(
            n.CoOrganiser(a.co_organisers(i), absl::StrCat("activity.co_organisers[", i, "]")));
      }
    }
    return absl::OkStatus();
  };

  // The answer is checked as a read, as the other creates' are: a retry
  // with one of the caller's own request ids answers with what the first
  // call made.
  t.Add<activity_v1::CreateActivityRequest>(
       kActivity, "CreateActivity", kUnary, kWrite,
       [activity_parts](const auto& r, Names& n) {
         RETURN_IF_ERROR(
             n.PartyOrg(r.activity().party_org(), "activity.party_org", /*write=*/true));
         if (r.activity().place().empty() && r.activity().service_point().empty()) {
           // Placed nowhere the gateway can check: the service requires one.
           return absl::InvalidArgumentError(
               "activity.place: a place or a service point is required");
         }
         return activity_parts(r.activity(), nullptr, n);
       })
      .filter = KeepSingle<activity_v1::Activity>(ActivityTarget);
  t.Add<activity_v1::GetActivityRequest>(
      kActivity, "GetActivity", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Activity(r.name(), "name", kReads); });
  t.Add<activity_v1::UpdateActivityRequest>(
      kActivity, "UpdateActivity", kUnary, kWrite, [activity_parts](const auto& r, Names& n) {
        RETURN_IF_ERROR(n.Activity(r.activity().name(), "activity.name", kWorks));
        return activity_parts(r.activity(), &r.update_mask(), n);
      });
  // The service lists by place subtree: a scoped principal names a unit in
  // scope (and any organisation its filter names must be readable), and an
  // activity seen there only by its place is kept by the same rule as a
  // read by name.
  t.Add<activity_v1::ListActivitiesRequest>(kActivity, "ListActivities", kUnary, kRead,
                                            [](const auto& r, Names& n) {
                                              RETURN_IF_ERROR(n.FilterNames(r.filter()));
                                              if (r.place().empty()) {
                                                return NeedsEveryDistrict("place",
                                                                          "every activity");
                                              }
                                              return n.Unit(r.place(), "place");
                                            })
      .filter = KeepItems<activity_v1::ListActivitiesResponse, activity_v1::Activity>(
      &activity_v1::ListActivitiesResponse::mutable_activities, ActivityTarget);
  t.Add<activity_v1::SubmitActivityRequest>(kActivity, "SubmitActivity", kUnary, kWrite,
                                            activity_named);
  // The organisation above approves: it must be in write scope, and the
  // activity readable.
  const auto approval = [](const auto& r, Names& n) {
    RETURN_IF_ERROR(n.Activity(r.name(), "name", kReads));
    return n.PartyOrg(r.approver(), "approver", /*write=*/true);
  };
  t.Add<activity_v1::ApproveActivityRequest>(kActivity, "ApproveActivity", kUnary, kWrite,
                                             approval);
  t.Add<activity_v1::ReturnActivityRequest>(kActivity, "ReturnActivity", kUnary, kWrite, approval);
  t.Add<activity_v1::HoldActivityRequest>(kActivity, "HoldActivity", kUnary, kWrite,
                                          activity_named);
  t.Add<activity_v1::RecordActivityRequest>(kActivity, "RecordActivity", kUnary, kWrite,
                                            activity_named);
  t.Add<activity_v1::CancelActivityRequest>(kActivity, "CancelActivity", kUnary, kWrite,
                                            activity_named);

  // A sheet's key that is an ID-card or phone number: "recorded before"
  // would confirm it.
  t.Add<activity_v1::RecordAttendanceRequest>(
       kActivity, "RecordAttendance", kUnary, kWrite,
       [](const auto& r, Names& n) {
         RETURN_IF_ERROR(n.Activity(r.parent(), "parent", kWorks));
         return n.PersonIfSet(r.attendance().person(), "attendance.person");
       })
      .needs_grant = GrantNeededFor<activity_v1::RecordAttendanceRequest>(
      [](const activity_v1::RecordAttendanceRequest& r) -> std::optional<std::string> {
        if (KeyIsPersonalData(r.attendance().key())) return "attendance.key";
        return std::nullopt;
      });
  // RecordAttendance's check on the parent, with validate_only too, and
  // each line's person.
  t.Add<activity_v1::ImportAttendanceRequest>(
       kActivity, "ImportAttendance", kUnary, kWrite,
       [attendance_people](const auto& r, Names& n) {
         RETURN_IF_ERROR(n.Activity(r.parent(), "parent", kWorks));
         return attendance_people(r.attendances(), "attendances", n);
       })
      .needs_grant = GrantNeededFor<activity_v1::ImportAttendanceRequest>(
      [](const activity_v1::ImportAttendanceRequest& r) -> std::optional<std::string> {
        for (int i = 0; i < r.attendances_size(); ++i) {
          if (KeyIsPersonalData(r.attendances(i).key())) {
            return absl::StrCat("attendances[", i, "].key");
          }
        }
        return std::nullopt;
      });
  t.routes().back().filter = [](grpc::ByteBuffer& buffer, const KeepFn&) {
    activity_v1::ImportAttendanceResponse response;
    if (!Parse(buffer, response)) return FilterOutcome::kDenied;
    bool changed = false;
    for (activity_v1::ImportAttendanceError& error : *response.mutable_errors()) {
      std::string redacted = RedactPersonNames(error.message());
      changed = changed || redacted != error.message();
      error.set_message(std::move(redacted));
    }
    if (!changed) return FilterOutcome::kUnchanged;
    Serialize(response, buffer);
    return FilterOutcome::kChanged;
  };
  // Every line is the parent's, already checked.
  t.Add<activity_v1::ListAttendancesRequest>(
      kActivity, "ListAttendances", kUnary, kRead,
      [](const auto& r, Names& n) { return n.Activity(r.parent(), "parent", kReads); });

  t.Add<activity_v1::GetCreditAccountRequest>(
      kActivity, "GetCreditAccount", kUnary, kRead,
      [](const auto& r, Names& n) { return n.CreditAccount(r.name(), "name"); });
  t.Add<activity_v1::ListCreditEntriesRequest>(
      kActivity, "ListCreditEntries", kUnary, kRead,
      [](const auto& r, Names& n) { return n.CreditAccount(r.parent(), "parent"); });
  // The answer as a read: a replayed request id answers with the entry the
  // first call made.
  t.Add<activity_v1::RedeemCreditRequest>(
       kActivity, "RedeemCredit", kUnary, kWrite,
       [](const auto& r, Names& n) { return n.CreditAccount(r.account(), "account"); })
      .filter = KeepSingle<activity_v1::CreditEntry>(CreditEntryTarget);

  const auto service_point_unit = [](const activity_v1::ServicePoint& p) {
    return UnitTarget(p.unit());
  };
  t.Add<activity_v1::CreateServicePointRequest>(kActivity, "CreateServicePoint", kUnary, kWrite,
                                                [](const auto& r, Names& n) {
                                                  return n.Unit(r.service_point().unit(),
                                                                "service_point.unit");
                                                })
      .filter = KeepSingle<activity_v1::ServicePoint>(service_point_unit);
  t.Add<activity_v1::GetServicePointRequest>(
      kActivity, "GetServicePoint", kUnary, kRead,
      [](const auto& r, Names& n) { return n.ServicePoint(r.name(), "name", kReads); });
  t.Add<activity_v1::UpdateServicePointRequest>(
      kActivity, "UpdateServicePoint", kUnary, kWrite, [](const auto& r, Names& n) {
        return n.ServicePoint(r.service_point().name(), "service_point.name", kWorks);
      });
  // A delete, as the org service's: an ADMIN's.
  t.Add<activity_v1::DeleteServicePointRequest>(
      kActivity, "DeleteServicePoint", kUnary, kManage,
      [](const auto& r, Names& n) { return n.ServicePoint(r.name(), "name", kWorks); });
  t.Add<activity_v1::ListServicePointsRequest>(kActivity, "ListServicePoints", kUnary, kRead,
                                               [](const auto& r, Names& n) {
                                                 if (r.unit().empty()) {
                                                   return NeedsEveryDistrict("unit",
                                                                             "every service point");
                                                 }
                                                 return n.Unit(r.unit(), "unit");
                                               })
      .filter = KeepItems<activity_v1::ListServicePointsResponse, activity_v1::ServicePoint>(
      &activity_v1::ListServicePointsResponse::mutable_service_points, service_point_unit);

  // The history of the scope only.
  t.Add<activity_v1::ListEventsRequest>(kActivity, "ListEvents", kUnary, kRead,
                                        [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<activity_v1::ListEventsResponse, activity_v1::Event>(
      &activity_v1::ListEventsResponse::mutable_events, ActivityEventTarget);
  t.Add<activity_v1::WatchEventsRequest>(kActivity, "WatchEvents", kServerStream, kRead,
                                         [](const auto&, Names&) { return absl::OkStatus(); })
      .filter = KeepItems<activity_v1::WatchEventsResponse, activity_v1::Event>(
      &activity_v1::WatchEventsResponse::mutable_events, ActivityEventTarget,
      /*skip_empty=*/true);
}

}  // namespace

std::string RedactPersonNames(const std::string& message) {
  // A person's membership or registration first, then the person.
  static const LazyRE2 kMembership = {R"(people/\d+/memberships/\d+)"};
  static const LazyRE2 kRegistration = {R"(people/\d+/registrations/\d+)"};
  static const LazyRE2 kPerson = {R"(people/\d+)"};
  static const LazyRE2 kRole = {R"(roleAssignments/\d+)"};
  std::string out = message;
  RE2::GlobalReplace(&out, *kMembership, "another membership");
  RE2::GlobalReplace(&out, *kRegistration, "another registration");
  RE2::GlobalReplace(&out, *kPerson, "another person");
  RE2::GlobalReplace(&out, *kRole, "another role assignment");
  return out;
}

namespace {

// A paged list's fields: `page_token` and `page_size` of the request and
// `next_page_token` of the response, by name, as AIP-158 has them.
void FindPagingFields(Route& route) {
  // "/package.Service/Method" → "package.Service.Method"
  std::string name = route.method.substr(1);
  name[name.rfind('/')] = '.';
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(name);
  if (method == nullptr) return;
  const google::protobuf::FieldDescriptor* token =
      method->input_type()->FindFieldByName("page_token");
  const google::protobuf::FieldDescriptor* next =
      method->output_type()->FindFieldByName("next_page_token");
  if (token == nullptr || next == nullptr ||
      token->type() != google::protobuf::FieldDescriptor::TYPE_STRING ||
      next->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return;
  }
  route.page_token_field = token->number();
  route.next_page_token_field = next->number();
  if (const auto* size = method->input_type()->FindFieldByName("page_size")) {
    route.page_size_field = size->number();
  }
  if (const auto* revision = method->input_type()->FindFieldByName("read_revision")) {
    route.read_revision_field = revision->number();
  }
}

}  // namespace

RouteTable::RouteTable() {
  TableBuilder builder(routes_);
  AddOrgRoutes(builder);
  AddRosterRoutes(builder);
  AddCaseworkRoutes(builder);
  AddActivityRoutes(builder);
  for (Route& route : routes_) {
    FindPagingFields(route);
    by_method_.emplace(route.method, &route);
  }
}

const Route* RouteTable::Find(const std::string& method) const {
  auto it = by_method_.find(method);
  return it == by_method_.end() ? nullptr : it->second;
}

}  // namespace grassroots::gateway
