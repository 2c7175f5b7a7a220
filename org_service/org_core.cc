#include "org_service/org_core.h"

#include <algorithm>
#include <limits>
#include <set>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/page_token.h"
#include "common/paging.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "org_service/org_filter.h"

namespace grassroots::org {

// The kit's write context, with the org's lookups of the newest state.
struct OrgCore::WriteContext : ::grassroots::WriteContext<OrgIndex, Snapshot> {
  const Unit* unit(int64_t id) const { return index.FindUnit(id, OrgIndex::kHead); }
  const PartyOrg* org(int64_t id) const { return index.FindPartyOrg(id, OrgIndex::kHead); }
};

namespace {

absl::Status UnitNotFound(int64_t id, absl::string_view field = "name") {
  return ResourceNotFound(field, UnitName(id));
}

absl::Status OrgNotFound(int64_t id, absl::string_view field = "name") {
  return ResourceNotFound(field, PartyOrgName(id));
}

template <typename T>
void MarkDeleted(T& resource, const absl::Time now, int64_t revision) {
  Touch(resource, now, revision);
  resource.deleted = true;
  resource.delete_time = now;
  resource.delete_revision = revision;
}

template <typename T>
void MarkRestored(T& resource, const absl::Time now, int64_t revision) {
  Touch(resource, now, revision);
  resource.deleted = false;
  resource.delete_time = absl::UnixEpoch();
  resource.delete_revision = 0;
}

// ALREADY_EXISTS when a live child of `parent_id` other than `except_id`
// has `code`.
absl::Status CheckSiblingCode(const OrgIndex& index, int64_t parent_id, const std::string& code,
                              int64_t except_id, absl::string_view field) {
  const Unit* sibling = index.LiveChildWithCode(parent_id, code, except_id);
  if (sibling == nullptr) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat(field, ": code \"", code, "\" is already used by ", UnitName(sibling->id), " (",
                   sibling->display_name, ") under ",
                   parent_id == 0 ? std::string("the top level") : UnitName(parent_id)));
}

// Ids of the units in the subtree of `root_id` (the root included) that
// `keep` accepts; a rejected unit's subtree is not entered.
std::vector<int64_t> CollectSubtree(const OrgIndex& index, int64_t root_id,
                                    const std::function<bool(const Unit&)>& keep) {
  std::vector<int64_t> out{root_id};
  for (size_t i = 0; i < out.size(); ++i) {
    index.ForEachChild(out[i], OrgIndex::kHead, 0, [&](const Unit& child) {
      if (keep(child)) out.push_back(child.id);
      return true;
    });
  }
  return out;
}

std::vector<int64_t> CollectOrgSubtree(const OrgIndex& index, int64_t root_id,
                                       const std::function<bool(const PartyOrg&)>& keep) {
  std::vector<int64_t> out{root_id};
  for (size_t i = 0; i < out.size(); ++i) {
    index.ForEachPartyOrg(out[i], OrgIndex::kHead, 0, [&](const PartyOrg& child) {
      if (keep(child)) out.push_back(child.id);
      return true;
    });
  }
  return out;
}

std::string NameList(const std::vector<int64_t>& ids, std::string (*name)(int64_t),
                     size_t most = 3) {
  std::vector<std::string> names;
  for (size_t i = 0; i < ids.size() && i < most; ++i) names.push_back(name(ids[i]));
  std::string text = absl::StrJoin(names, ", ");
  if (ids.size() > most) absl::StrAppend(&text, " and ", ids.size() - most, " more");
  return text;
}

uint64_t Fingerprint(absl::string_view kind, int64_t parent, const std::string& filter,
                     bool show_deleted) {
  return StableHasher().Add(kind).Add(parent).Add(filter).Add(show_deleted ? 1 : 0).hash();
}

absl::StatusOr<ListRequest> ParseListRequest(absl::string_view kind, int64_t parent,
                                             const std::string& filter, bool show_deleted,
                                             int32_t page_size, const std::string& page_token,
                                             int64_t read_revision) {
  return ::grassroots::ParseListRequest(Fingerprint(kind, parent, filter, show_deleted), page_size,
                                        page_token, read_revision);
}

}  // namespace

OrgCore::OrgCore(OrgStore* store, const Clock* clock, OrgCoreOptions options)
    : ServiceCore(store, clock, std::move(options), "the org service") {}

void OrgCore::Submit(WriteRequest request) {
  engine_.Submit(
      request.caller, std::move(request.method), std::move(request.request_id),
      [plan = std::move(request.plan)](const OrgIndex& index, Mutation& mutation) {
        WriteContext ctx{{index, mutation}};
        return plan(ctx);
      },
      std::move(request.done));
}

namespace {}  // namespace

void OrgCore::CreateUnit(const Caller& caller, Unit unit, std::string request_id, Done<Unit> done) {
  if (absl::Status s = ValidateNewUnit(unit, "unit."); !s.ok()) return done(s);
  NormalizeDetails(unit.details);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit({caller, "CreateUnit", std::move(request_id),
          [this, unit = std::move(unit)](WriteContext& ctx) { return PlanCreateUnit(ctx, unit); },
          TypedDone<Unit, Snapshot>(std::move(done))});
}

void OrgCore::UpdateUnit(const Caller& caller, UnitUpdate update, Done<Unit> done) {
  Submit({caller, "UpdateUnit", "",
          [this, update = std::move(update)](WriteContext& ctx) {
            return PlanUpdateUnit(ctx, update);
          },
          TypedDone<Unit, Snapshot>(std::move(done))});
}

void OrgCore::DeleteUnit(const Caller& caller, int64_t id, std::string etag, bool cascade,
                         Done<Unit> done) {
  Submit({caller, "DeleteUnit", "",
          [this, id, etag = std::move(etag), cascade](WriteContext& ctx) {
            return PlanDeleteUnit(ctx, id, etag, cascade);
          },
          TypedDone<Unit, Snapshot>(std::move(done))});
}

void OrgCore::UndeleteUnit(const Caller& caller, int64_t id, std::string etag, bool cascade,
                           Done<Unit> done) {
  Submit({caller, "UndeleteUnit", "",
          [this, id, etag = std::move(etag), cascade](WriteContext& ctx) {
            return PlanUndeleteUnit(ctx, id, etag, cascade);
          },
          TypedDone<Unit, Snapshot>(std::move(done))});
}

void OrgCore::MoveUnit(const Caller& caller, int64_t id, int64_t new_parent_id, std::string etag,
                       Done<Unit> done) {
  Submit({caller, "MoveUnit", "",
          [this, id, new_parent_id, etag = std::move(etag)](WriteContext& ctx) {
            return PlanMoveUnit(ctx, id, new_parent_id, etag);
          },
          TypedDone<Unit, Snapshot>(std::move(done))});
}

void OrgCore::CreatePartyOrg(const Caller& caller, PartyOrg org, std::string request_id,
                             Done<PartyOrg> done) {
  if (absl::Status s = ValidatePartyOrgFields(org, "party_org."); !s.ok()) return done(s);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit({caller, "CreatePartyOrg", std::move(request_id),
          [this, org = std::move(org)](WriteContext& ctx) { return PlanCreatePartyOrg(ctx, org); },
          TypedDone<PartyOrg, Snapshot>(std::move(done))});
}

void OrgCore::UpdatePartyOrg(const Caller& caller, PartyOrgUpdate update, Done<PartyOrg> done) {
  Submit({caller, "UpdatePartyOrg", "",
          [this, update = std::move(update)](WriteContext& ctx) {
            return PlanUpdatePartyOrg(ctx, update);
          },
          TypedDone<PartyOrg, Snapshot>(std::move(done))});
}

void OrgCore::DeletePartyOrg(const Caller& caller, int64_t id, std::string etag, bool cascade,
                             Done<PartyOrg> done) {
  Submit({caller, "DeletePartyOrg", "",
          [this, id, etag = std::move(etag), cascade](WriteContext& ctx) {
            return PlanDeletePartyOrg(ctx, id, etag, cascade);
          },
          TypedDone<PartyOrg, Snapshot>(std::move(done))});
}

void OrgCore::UndeletePartyOrg(const Caller& caller, int64_t id, std::string etag, bool cascade,
                               Done<PartyOrg> done) {
  Submit({caller, "UndeletePartyOrg", "",
          [this, id, etag = std::move(etag), cascade](WriteContext& ctx) {
            return PlanUndeletePartyOrg(ctx, id, etag, cascade);
          },
          TypedDone<PartyOrg, Snapshot>(std::move(done))});
}

// --- Placement of party organisations, used by unit and org rules.

namespace {

// What an undelete brings back in the same mutation: they count as live.
struct Restoring {
  absl::flat_hash_set<int64_t> units;
  absl::flat_hash_set<int64_t> orgs;
};

// Checks what `org` (its new state) needs of other resources: a live parent of
// a higher form, live units at the right levels, one parent unit where the
// form joins units, and no other live organisation of the same tier covering
// one of them.
absl::Status CheckPartyOrgPlacement(const OrgIndex& index, const PartyOrg& org,
                                    const Restoring& restoring = {}) {
  if (org.parent_id != 0) {
    if (org.parent_id == org.id) {
      return absl::InvalidArgumentError(
          "party_org.parent: an organisation cannot be its own parent");
    }
    const PartyOrg* parent = index.FindPartyOrg(org.parent_id, OrgIndex::kHead);
    if (parent == nullptr) return OrgNotFound(org.parent_id, "party_org.parent");
    if (parent->deleted && !restoring.orgs.contains(org.parent_id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("party_org.parent: ", PartyOrgName(org.parent_id), " is deleted"));
    }
    if (FormRank(parent->form) >= FormRank(org.form)) {
      return absl::InvalidArgumentError(absl::StrCat("party_org.parent: a ", FormName(org.form),
                                                     " cannot sit below a ",
                                                     FormName(parent->form)));
    }
  }
  const CoverageRule& rule = CoverageRuleFor(org.form);
  int64_t shared_parent = -1;
  for (int64_t unit_id : org.unit_ids) {
    const Unit* unit = index.FindUnit(unit_id, OrgIndex::kHead);
    if (unit == nullptr) return UnitNotFound(unit_id, "party_org.units");
    if (unit->deleted && !restoring.units.contains(unit_id)) {
      return absl::FailedPreconditionError(
          absl::StrCat("party_org.units: ", UnitName(unit_id), " is deleted"));
    }
    if (std::find(rule.levels.begin(), rule.levels.end(), unit->level) == rule.levels.end()) {
      std::vector<std::string> levels;
      for (Level level : rule.levels) levels.emplace_back(LevelName(level));
      return absl::InvalidArgumentError(absl::StrCat(
          "party_org.units: ", UnitName(unit_id), " is a ", LevelName(unit->level), "; a ",
          FormName(org.form), " covers ", absl::StrJoin(levels, " or "), " units"));
    }
    if (rule.same_parent) {
      if (shared_parent >= 0 && shared_parent != unit->parent_id) {
        return absl::InvalidArgumentError(
            absl::StrCat("party_org.units: a ", FormName(org.form), " covers units of one parent; ",
                         UnitName(unit_id), " is under ", UnitName(unit->parent_id),
                         ", the others under ", UnitName(shared_parent)));
      }
      shared_parent = unit->parent_id;
    }
    const int tier = CoverageTier(org.form);
    if (tier < 0) continue;
    for (const PartyOrg* other : index.CoveringOrgs(unit_id, OrgIndex::kHead)) {
      const bool other_live = !other->deleted || restoring.orgs.contains(other->id);
      if (other->id != org.id && other_live && CoverageTier(other->form) == tier) {
        return absl::FailedPreconditionError(
            absl::StrCat("party_org.units: ", UnitName(unit_id), " is already covered by ",
                         PartyOrgName(other->id), " (", FormName(other->form), ")"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ApplyPartyOrgPaths(const PartyOrgUpdate& update, PartyOrg& org) {
  for (const std::string& path : update.paths) {
    const bool all = path == "*";
    if (all || path == "parent") org.parent_id = update.values.parent_id;
    if (all || path == "display_name") org.display_name = update.values.display_name;
    if (all || path == "units") org.unit_ids = update.values.unit_ids;
    if (all || path == "established_date") org.established_date = update.values.established_date;
    if (all || path == "rating") org.rating = update.values.rating;
    if (all || path == "term") org.term = update.values.term;
    if (all || path == "ratings") org.ratings = update.values.ratings;
    if (all || path == "parent" || path == "display_name" || path == "units" ||
        path == "established_date" || path == "rating" || path == "term" || path == "ratings") {
      continue;
    }
    if (path == "form") return absl::InvalidArgumentError("update_mask: form is immutable");
    if (path == "name" || path == "state" || path == "create_time" || path == "update_time" ||
        path == "delete_time" || path == "etag" || path == "revision") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is output only"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask: unknown field \"", path,
                     "\"; updatable: parent, display_name, units, established_date, rating, "
                     "term, ratings"));
  }
  return absl::OkStatus();
}

}  // namespace

// --- Unit rules.

namespace {

// The live unit `id`: NOT_FOUND when unknown, FAILED_PRECONDITION when
// deleted. `role` says what the unit is to the request ("parent").
absl::StatusOr<const Unit*> LiveUnit(const OrgIndex& index, int64_t id, absl::string_view field,
                                     absl::string_view role) {
  const Unit* unit = index.FindUnit(id, OrgIndex::kHead);
  if (unit == nullptr) return UnitNotFound(id, field);
  if (unit->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", role, " ", UnitName(id), " is deleted"));
  }
  return unit;
}

// The district above `unit_id` (itself for a district), in the newest state;
// 0 when the chain is broken.
int64_t DistrictOf(const OrgIndex& index, int64_t unit_id) {
  for (int64_t id = unit_id; id != 0;) {
    const Unit* unit = index.FindUnit(id, OrgIndex::kHead);
    if (unit == nullptr) return 0;
    if (unit->level == Level::kDistrict) return id;
    id = unit->parent_id;
  }
  return 0;
}

// A compound's property company is a live PROPERTY_COMPANY of the
// compound's own district's directory.
absl::Status CheckPropertyCompany(const OrgIndex& index, const Unit& unit,
                                  absl::string_view field) {
  const auto* compound = std::get_if<CompoundDetails>(&unit.details);
  if (compound == nullptr || compound->property_company_id == 0) return absl::OkStatus();
  const int64_t company_id = compound->property_company_id;
  const ExternalOrg* company = index.FindExternalOrg(company_id, OrgIndex::kHead);
  const int64_t district = DistrictOf(index, unit.parent_id);
  if (company == nullptr || company->district_id != district) {
    // One answer for "no such organisation" and "another district's".
    return absl::NotFoundError(absl::StrCat(field, ": ", ExternalOrgName(company_id),
                                            " is not in this district's directory"));
  }
  if (company->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", ExternalOrgName(company_id), " is deleted"));
  }
  if (company->kind != ExternalOrgKind::kPropertyCompany) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", ExternalOrgName(company_id),
                                                   " is a ", ExternalOrgKindName(company->kind),
                                                   ", not a PROPERTY_COMPANY"));
  }
  return absl::OkStatus();
}

absl::Status CheckParentLevel(const Unit& parent, Level child_level, absl::string_view field) {
  if (IsParentLevel(parent.level, child_level)) return absl::OkStatus();
  const Level wanted = static_cast<Level>(static_cast<int>(child_level) - 1);
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": ", UnitName(parent.id), " is a ", LevelName(parent.level), "; a ",
                   LevelName(child_level), " belongs under a ", LevelName(wanted)));
}

// Applies the update paths to `unit`. INVALID_ARGUMENT for paths that name
// unknown, immutable or output-only fields.
absl::Status ApplyUnitPaths(const UnitUpdate& update, Unit& unit) {
  const auto compound_of = [](const UnitDetails& d) {
    const auto* c = std::get_if<CompoundDetails>(&d);
    return c ? *c : CompoundDetails{};
  };
  const auto building_of = [](const UnitDetails& d) {
    const auto* b = std::get_if<BuildingDetails>(&d);
    return b ? *b : BuildingDetails{};
  };
  const CompoundDetails new_compound = compound_of(update.values.details);
  const BuildingDetails new_building = building_of(update.values.details);
  for (const std::string& path : update.paths) {
    if (path == "*") {
      unit.display_name = update.values.display_name;
      unit.code = update.values.code;
      unit.details = update.values.details;
    } else if (path == "display_name") {
      unit.display_name = update.values.display_name;
    } else if (path == "code") {
      unit.code = update.values.code;
    } else if (path == "compound" || path == "building") {
      const bool has = path == "compound"
                           ? std::holds_alternative<CompoundDetails>(update.values.details)
                           : std::holds_alternative<BuildingDetails>(update.values.details);
      unit.details = has ? update.values.details : UnitDetails{};
    } else if (path.rfind("compound.", 0) == 0) {
      CompoundDetails c = compound_of(unit.details);
      const std::string field = path.substr(9);
      if (field == "kind")
        c.kind = new_compound.kind;
      else if (field == "has_property_company")
        c.has_property_company = new_compound.has_property_company;
      else if (field == "red_property")
        c.red_property = new_compound.red_property;
      else if (field == "has_owners_committee")
        c.has_owners_committee = new_compound.has_owners_committee;
      else if (field == "red_owners_committee")
        c.red_owners_committee = new_compound.red_owners_committee;
      else if (field == "households")
        c.households = new_compound.households;
      else if (field == "renovation_status")
        c.renovation_status = new_compound.renovation_status;
      else if (field == "property_service") {
        c.property_mode = new_compound.property_mode;
        c.property_company_id = new_compound.property_company_id;
        c.contract_start = new_compound.contract_start;
        c.contract_end = new_compound.contract_end;
      } else if (field == "owners_body") {
        c.owners_body = new_compound.owners_body;
        c.owners_body_term_start = new_compound.owners_body_term_start;
        c.owners_body_term_end = new_compound.owners_body_term_end;
      } else
        return absl::InvalidArgumentError(
            absl::StrCat("update_mask: unknown field \"", path, "\""));
      unit.details = c;
    } else if (path.rfind("building.", 0) == 0) {
      BuildingDetails b = building_of(unit.details);
      const std::string field = path.substr(9);
      if (field == "households")
        b.households = new_building.households;
      else if (field == "floors")
        b.floors = new_building.floors;
      else if (field == "address")
        b.address = new_building.address;
      else
        return absl::InvalidArgumentError(
            absl::StrCat("update_mask: unknown field \"", path, "\""));
      unit.details = b;
    } else if (path == "parent") {
      return absl::InvalidArgumentError(
          "update_mask: parent is changed with MoveUnit, not UpdateUnit");
    } else if (path == "level") {
      return absl::InvalidArgumentError("update_mask: level is immutable");
    } else if (path == "name" || path == "state" || path == "create_time" ||
               path == "update_time" || path == "delete_time" || path == "etag" ||
               path == "revision") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is output only"));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "update_mask: unknown field \"", path,
          "\"; updatable: display_name, code, compound, building and their subfields"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Snapshot> OrgCore::PlanCreateUnit(WriteContext& ctx, const Unit& request) {
  if (request.parent_id != 0) {
    ASSIGN_OR_RETURN(const Unit* parent,
                     LiveUnit(ctx.index, request.parent_id, "unit.parent", "parent"));
    RETURN_IF_ERROR(CheckParentLevel(*parent, request.level, "unit.parent"));
  }
  RETURN_IF_ERROR(CheckSiblingCode(ctx.index, request.parent_id, request.code, 0, "unit.code"));
  RETURN_IF_ERROR(
      CheckPropertyCompany(ctx.index, request, "unit.compound.property_service.company"));
  Unit unit = request;
  unit.id = ctx.index.max_unit_id() + 1;
  unit.create_time = ctx.now;
  unit.deleted = false;
  unit.delete_revision = 0;
  unit.delete_time = absl::UnixEpoch();
  Touch(unit, ctx.now, ctx.revision);
  ctx.Add(std::nullopt, unit);
  return unit;
}

absl::StatusOr<Snapshot> OrgCore::PlanUpdateUnit(WriteContext& ctx, const UnitUpdate& update) {
  const Unit* current = ctx.unit(update.id);
  if (current == nullptr) return UnitNotFound(update.id, "unit.name");
  RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, UnitName(update.id)));
  if (current->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("unit.name: ", UnitName(update.id), " is deleted; undelete it first"));
  }
  Unit next = *current;
  RETURN_IF_ERROR(ApplyUnitPaths(update, next));
  RETURN_IF_ERROR(ValidateDisplayName(next.display_name, "unit.display_name"));
  RETURN_IF_ERROR(ValidateCode(next.code, "unit.code"));
  // The flags follow a recorded mode and body (unit.h, NormalizeDetails).
  NormalizeDetails(next.details);
  RETURN_IF_ERROR(ValidateDetails(next.level, next.details, "unit."));
  if (next == *current) return next;  // nothing changes: no revision, no event
  RETURN_IF_ERROR(CheckPropertyCompany(ctx.index, next, "unit.compound.property_service.company"));
  if (next.code != current->code) {
    RETURN_IF_ERROR(CheckSiblingCode(ctx.index, next.parent_id, next.code, next.id, "unit.code"));
  }
  Touch(next, ctx.now, ctx.revision);
  ctx.Add(*current, next);
  return next;
}

absl::StatusOr<Snapshot> OrgCore::PlanDeleteUnit(WriteContext& ctx, int64_t id,
                                                 const std::string& etag, bool cascade) {
  const Unit* target = ctx.unit(id);
  if (target == nullptr) return UnitNotFound(id);
  RETURN_IF_ERROR(CheckEtag(etag, target->revision, UnitName(id)));
  if (target->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", UnitName(id), " is already deleted"));
  }
  const std::vector<int64_t> units =
      CollectSubtree(ctx.index, id, [](const Unit& u) { return !u.deleted; });
  const absl::flat_hash_set<int64_t> unit_set(units.begin(), units.end());
  std::vector<int64_t> orgs;  // live orgs covering a unit being deleted
  absl::flat_hash_set<int64_t> org_set;
  for (int64_t unit_id : units) {
    for (const PartyOrg* org : ctx.index.CoveringOrgs(unit_id, OrgIndex::kHead)) {
      if (!org->deleted && org_set.insert(org->id).second) orgs.push_back(org->id);
    }
  }
  if (!cascade && units.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", UnitName(id), " has ", units.size() - 1, " live descendants (",
                     NameList({units.begin() + 1, units.end()}, &UnitName),
                     "); delete them first, or set cascade"));
  }
  if (!cascade && !orgs.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", UnitName(id), " is covered by ", NameList(orgs, &PartyOrgName),
                     "; delete or update them first, or set cascade"));
  }
  // A cascade takes the organisations that cover only deleted units with it,
  // but never one that still covers, or has below it, something that stays.
  std::sort(orgs.begin(), orgs.end());
  for (int64_t org_id : orgs) {
    const PartyOrg* org = ctx.org(org_id);
    for (int64_t unit_id : org->unit_ids) {
      const Unit* unit = ctx.unit(unit_id);
      if (unit != nullptr && !unit->deleted && !unit_set.contains(unit_id)) {
        return absl::FailedPreconditionError(
            absl::StrCat("cascade: ", PartyOrgName(org_id), " also covers ", UnitName(unit_id),
                         ", which is not being deleted; update its units first"));
      }
    }
    absl::Status below_status;
    ctx.index.ForEachPartyOrg(org_id, OrgIndex::kHead, 0, [&](const PartyOrg& child) {
      if (!child.deleted && !org_set.contains(child.id)) {
        below_status = absl::FailedPreconditionError(
            absl::StrCat("cascade: ", PartyOrgName(child.id), " sits below ", PartyOrgName(org_id),
                         " and is not being deleted; move or delete it first"));
        return false;
      }
      return true;
    });
    RETURN_IF_ERROR(below_status);
  }
  Unit result;
  for (int64_t unit_id : units) {
    Unit next = *ctx.unit(unit_id);
    MarkDeleted(next, ctx.now, ctx.revision);
    if (unit_id == id) result = next;
    ctx.Add(*ctx.unit(unit_id), std::move(next));
  }
  for (int64_t org_id : orgs) {
    PartyOrg next = *ctx.org(org_id);
    MarkDeleted(next, ctx.now, ctx.revision);
    ctx.Add(*ctx.org(org_id), std::move(next));
  }
  return result;
}

absl::StatusOr<Snapshot> OrgCore::PlanUndeleteUnit(WriteContext& ctx, int64_t id,
                                                   const std::string& etag, bool cascade) {
  const Unit* target = ctx.unit(id);
  if (target == nullptr) return UnitNotFound(id);
  RETURN_IF_ERROR(CheckEtag(etag, target->revision, UnitName(id)));
  if (!target->deleted) {
    return absl::FailedPreconditionError(absl::StrCat("name: ", UnitName(id), " is not deleted"));
  }
  if (target->parent_id != 0) {
    const Unit* parent = ctx.unit(target->parent_id);
    if (parent == nullptr || parent->deleted) {
      return absl::FailedPreconditionError(
          absl::StrCat("name: the parent ", UnitName(target->parent_id), " of ", UnitName(id),
                       " is deleted; undelete it first"));
    }
  }
  RETURN_IF_ERROR(CheckSiblingCode(ctx.index, target->parent_id, target->code, id, "name"));
  const int64_t deletion = target->delete_revision;
  // With cascade, what the same deletion took along comes back too.
  const std::vector<int64_t> units =
      cascade ? CollectSubtree(
                    ctx.index, id,
                    [&](const Unit& u) { return u.deleted && u.delete_revision == deletion; })
              : std::vector<int64_t>{id};
  const absl::flat_hash_set<int64_t> unit_set(units.begin(), units.end());
  std::vector<int64_t> orgs;
  if (cascade) {
    absl::flat_hash_set<int64_t> seen;
    for (int64_t unit_id : units) {
      for (const PartyOrg* org : ctx.index.CoveringOrgs(unit_id, OrgIndex::kHead)) {
        if (org->deleted && org->delete_revision == deletion && seen.insert(org->id).second) {
          orgs.push_back(org->id);
        }
      }
    }
    std::sort(orgs.begin(), orgs.end());
  }
  // Each organisation that comes back must fit as things will be: its units
  // and parent live (or returning now), no other organisation of its tier
  // on its units.
  const Restoring restoring{{units.begin(), units.end()}, {orgs.begin(), orgs.end()}};
  for (int64_t org_id : orgs) {
    if (absl::Status s = CheckPartyOrgPlacement(ctx.index, *ctx.org(org_id), restoring); !s.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cascade: ", PartyOrgName(org_id), ", deleted with ", UnitName(id),
          ", cannot come back: ", s.message(), ". Undelete from further up, or without cascade"));
    }
  }
  Unit result;
  for (int64_t unit_id : units) {
    Unit next = *ctx.unit(unit_id);
    MarkRestored(next, ctx.now, ctx.revision);
    if (unit_id == id) result = next;
    ctx.Add(*ctx.unit(unit_id), std::move(next));
  }
  for (int64_t org_id : orgs) {
    PartyOrg next = *ctx.org(org_id);
    MarkRestored(next, ctx.now, ctx.revision);
    ctx.Add(*ctx.org(org_id), std::move(next));
  }
  return result;
}

absl::StatusOr<Snapshot> OrgCore::PlanMoveUnit(WriteContext& ctx, int64_t id, int64_t new_parent_id,
                                               const std::string& etag) {
  const Unit* unit = ctx.unit(id);
  if (unit == nullptr) return UnitNotFound(id);
  RETURN_IF_ERROR(CheckEtag(etag, unit->revision, UnitName(id)));
  if (unit->deleted) {
    return absl::FailedPreconditionError(absl::StrCat("name: ", UnitName(id), " is deleted"));
  }
  if (unit->level == Level::kDistrict) {
    return absl::InvalidArgumentError(
        absl::StrCat("name: ", UnitName(id), " is a DISTRICT, which has no parent to move to"));
  }
  ASSIGN_OR_RETURN(const Unit* parent,
                   LiveUnit(ctx.index, new_parent_id, "new_parent", "new parent"));
  RETURN_IF_ERROR(CheckParentLevel(*parent, unit->level, "new_parent"));
  if (unit->parent_id == new_parent_id) return *unit;  // already there
  RETURN_IF_ERROR(CheckSiblingCode(ctx.index, new_parent_id, unit->code, id, "name"));
  // An organisation that joins units of one parent would be split.
  for (const PartyOrg* org : ctx.index.CoveringOrgs(id, OrgIndex::kHead)) {
    if (!org->deleted && CoverageRuleFor(org->form).same_parent && org->unit_ids.size() > 1) {
      return absl::FailedPreconditionError(absl::StrCat(
          "name: ", PartyOrgName(org->id), " (", FormName(org->form), ") covers ", UnitName(id),
          " together with units under the same parent; moving it would split "
          "that organisation. Update its units first"));
    }
  }
  Unit next = *unit;
  next.parent_id = new_parent_id;
  Touch(next, ctx.now, ctx.revision);
  ctx.Add(*unit, next);
  return next;
}

// --- Party organisation rules.

absl::StatusOr<Snapshot> OrgCore::PlanCreatePartyOrg(WriteContext& ctx, const PartyOrg& request) {
  PartyOrg org = request;
  org.id = ctx.index.max_party_org_id() + 1;
  std::sort(org.unit_ids.begin(), org.unit_ids.end());
  RETURN_IF_ERROR(CheckPartyOrgPlacement(ctx.index, org));
  org.create_time = ctx.now;
  org.deleted = false;
  org.delete_revision = 0;
  org.delete_time = absl::UnixEpoch();
  Touch(org, ctx.now, ctx.revision);
  ctx.Add(std::nullopt, org);
  return org;
}

absl::StatusOr<Snapshot> OrgCore::PlanUpdatePartyOrg(WriteContext& ctx,
                                                     const PartyOrgUpdate& update) {
  const PartyOrg* current = ctx.org(update.id);
  if (current == nullptr) return OrgNotFound(update.id, "party_org.name");
  RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, PartyOrgName(update.id)));
  if (current->deleted) {
    return absl::FailedPreconditionError(absl::StrCat("party_org.name: ", PartyOrgName(update.id),
                                                      " is deleted; undelete it first"));
  }
  PartyOrg next = *current;
  RETURN_IF_ERROR(ApplyPartyOrgPaths(update, next));
  std::sort(next.unit_ids.begin(), next.unit_ids.end());
  RETURN_IF_ERROR(ValidatePartyOrgFields(next, "party_org."));
  if (next == *current) return next;
  // A new parent can't make a cycle: a parent always ranks strictly higher.
  RETURN_IF_ERROR(CheckPartyOrgPlacement(ctx.index, next));
  Touch(next, ctx.now, ctx.revision);
  ctx.Add(*current, next);
  return next;
}

absl::StatusOr<Snapshot> OrgCore::PlanDeletePartyOrg(WriteContext& ctx, int64_t id,
                                                     const std::string& etag, bool cascade) {
  const PartyOrg* target = ctx.org(id);
  if (target == nullptr) return OrgNotFound(id);
  RETURN_IF_ERROR(CheckEtag(etag, target->revision, PartyOrgName(id)));
  if (target->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", PartyOrgName(id), " is already deleted"));
  }
  const std::vector<int64_t> orgs =
      CollectOrgSubtree(ctx.index, id, [](const PartyOrg& o) { return !o.deleted; });
  if (!cascade && orgs.size() > 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", PartyOrgName(id), " has live organisations below it (",
                     NameList({orgs.begin() + 1, orgs.end()}, &PartyOrgName),
                     "); delete them first, or set cascade"));
  }
  PartyOrg result;
  for (int64_t org_id : orgs) {
    PartyOrg next = *ctx.org(org_id);
    MarkDeleted(next, ctx.now, ctx.revision);
    if (org_id == id) result = next;
    ctx.Add(*ctx.org(org_id), std::move(next));
  }
  return result;
}

absl::StatusOr<Snapshot> OrgCore::PlanUndeletePartyOrg(WriteContext& ctx, int64_t id,
                                                       const std::string& etag, bool cascade) {
  const PartyOrg* target = ctx.org(id);
  if (target == nullptr) return OrgNotFound(id);
  RETURN_IF_ERROR(CheckEtag(etag, target->revision, PartyOrgName(id)));
  if (!target->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat("name: ", PartyOrgName(id), " is not deleted"));
  }
  const int64_t deletion = target->delete_revision;
  const std::vector<int64_t> orgs =
      cascade ? CollectOrgSubtree(
                    ctx.index, id,
                    [&](const PartyOrg& o) { return o.deleted && o.delete_revision == deletion; })
              : std::vector<int64_t>{id};
  // Each restored organisation must fit the hierarchy as it is now, those
  // restored together counting as live.
  const Restoring restoring{{}, {orgs.begin(), orgs.end()}};
  PartyOrg result;
  for (int64_t org_id : orgs) {
    PartyOrg next = *ctx.org(org_id);
    MarkRestored(next, ctx.now, ctx.revision);
    RETURN_IF_ERROR(CheckPartyOrgPlacement(ctx.index, next, restoring));
    if (org_id == id) result = next;
    ctx.Add(*ctx.org(org_id), std::move(next));
  }
  return result;
}

// --- Reads.

absl::StatusOr<Unit> OrgCore::GetUnit(int64_t id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Unit> {
    const Unit* unit = index.FindUnit(id, revision);
    if (unit == nullptr) return UnitNotFound(id);
    return *unit;
  });
}

absl::StatusOr<std::vector<Unit>> OrgCore::BatchGetUnits(absl::Span<const int64_t> ids) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) {
    return GetAll<Unit>(
        ids, [&](int64_t id) { return index.FindUnit(id, revision); }, &UnitNotFound);
  });
}

absl::StatusOr<Page<Unit>> OrgCore::ListUnits(const ListUnitsQuery& query) const {
  ASSIGN_OR_RETURN(const UnitFilter filter, ParseUnitFilter(query.filter));
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest("units", query.parent_id, query.filter, query.show_deleted,
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision, [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Page<Unit>> {
        if (query.parent_id != 0 && index.FindUnit(query.parent_id, revision) == nullptr) {
          return UnitNotFound(query.parent_id, "parent");
        }
        PageCollector<Unit> page(list.page_size, revision);
        index.ForEachChild(query.parent_id, revision, list.cursor.last_key, [&](const Unit& unit) {
          return (unit.deleted && !query.show_deleted) || !filter.Matches(unit) || page.Offer(unit);
        });
        return std::move(page).Finish(list.fingerprint);
      });
}

absl::StatusOr<AncestorPath> OrgCore::GetAncestors(int64_t id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<AncestorPath> {
    const Unit* unit = index.FindUnit(id, revision);
    if (unit == nullptr) return UnitNotFound(id);
    AncestorPath path;
    path.revision = revision;
    for (const Unit* ancestor : index.Ancestors(*unit, revision)) {
      path.ancestors.push_back(*ancestor);
    }
    return path;
  });
}

absl::StatusOr<CountResult> OrgCore::CountDescendants(int64_t id, int64_t read_revision) const {
  return engine_.ReadAt(
      read_revision, [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<CountResult> {
        const Unit* unit = index.FindUnit(id, revision);
        if (unit == nullptr) return UnitNotFound(id);
        CountResult result;
        result.counts = *index.Counts(id, revision);
        result.counts.revision = revision;
        result.level = unit->level;
        return result;
      });
}

absl::StatusOr<CoveringResult> OrgCore::GetCoveringPartyOrg(int64_t unit_id) const {
  return engine_.Read(
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<CoveringResult> {
        const Unit* unit = index.FindUnit(unit_id, revision);
        if (unit == nullptr) return UnitNotFound(unit_id, "unit");
        std::vector<const Unit*> path = index.Ancestors(*unit, revision);
        path.push_back(unit);
        // Nearest first; at one unit, the most specific form (highest rank).
        for (auto it = path.rbegin(); it != path.rend(); ++it) {
          const PartyOrg* best = nullptr;
          for (const PartyOrg* org : index.CoveringOrgs((*it)->id, revision)) {
            if (org->deleted || !IsTerritorial(org->form)) continue;
            if (best == nullptr || FormRank(org->form) > FormRank(best->form)) best = org;
          }
          if (best != nullptr) return CoveringResult{*best, (*it)->id, revision};
        }
        return absl::NotFoundError(absl::StrCat("unit: no live party organisation covers ",
                                                UnitName(unit_id), " or its ancestors"));
      });
}

absl::StatusOr<DescendantsWalk> OrgCore::StartDescendants(int64_t root_id, int max_depth,
                                                          std::vector<Level> levels,
                                                          int64_t read_revision,
                                                          bool include_deleted) const {
  if (max_depth < 0) {
    return absl::InvalidArgumentError("max_depth: must not be negative");
  }
  for (Level level : levels) {
    if (!IsValidLevel(level)) return absl::InvalidArgumentError("levels: holds an unknown level");
  }
  return engine_.ReadAt(
      read_revision,
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<DescendantsWalk> {
        if (index.FindUnit(root_id, revision) == nullptr) return UnitNotFound(root_id);
        DescendantsWalk walk;
        walk.root_id = root_id;
        walk.revision = revision;
        walk.max_depth = max_depth;
        walk.levels = std::move(levels);
        walk.include_deleted = include_deleted;
        return walk;
      });
}

absl::Status OrgCore::NextDescendants(DescendantsWalk& walk, int limit,
                                      std::vector<Unit>* out) const {
  // The walk's revision may have aged out of retention during a long walk.
  return engine_
      .ReadAt(walk.revision,
              [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<bool> {
                index.Walk(
                    walk.root_id, revision, walk.max_depth, limit, walk.cursor,
                    [&](const Unit& unit, int /*depth*/) {
                      if (walk.levels.empty() || std::find(walk.levels.begin(), walk.levels.end(),
                                                           unit.level) != walk.levels.end()) {
                        out->push_back(unit);
                      }
                    },
                    walk.include_deleted);
                return true;
              })
      .status();
}

absl::StatusOr<PartyOrg> OrgCore::GetPartyOrg(int64_t id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<PartyOrg> {
    const PartyOrg* org = index.FindPartyOrg(id, revision);
    if (org == nullptr) return OrgNotFound(id);
    return *org;
  });
}

absl::StatusOr<std::vector<PartyOrg>> OrgCore::BatchGetPartyOrgs(
    absl::Span<const int64_t> ids) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) {
    return GetAll<PartyOrg>(
        ids, [&](int64_t id) { return index.FindPartyOrg(id, revision); }, &OrgNotFound);
  });
}

absl::StatusOr<Page<PartyOrg>> OrgCore::ListPartyOrgs(const ListPartyOrgsQuery& query) const {
  ASSIGN_OR_RETURN(const PartyOrgFilter filter, ParsePartyOrgFilter(query.filter));
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest("partyOrgs", query.parent_id, query.filter, query.show_deleted,
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Page<PartyOrg>> {
        if (query.parent_id != 0 && index.FindPartyOrg(query.parent_id, revision) == nullptr) {
          return OrgNotFound(query.parent_id, "parent");
        }
        PageCollector<PartyOrg> page(list.page_size, revision);
        const auto visit = [&](const PartyOrg& org) {
          return (org.deleted && !query.show_deleted) || !filter.Matches(org) || page.Offer(org);
        };
        if (filter.unit_id && query.parent_id == 0) {
          // The coverage index answers "who covers this unit" without a scan.
          for (const PartyOrg* org : index.CoveringOrgs(*filter.unit_id, revision)) {
            if (org->id > list.cursor.last_key && !visit(*org)) break;
          }
        } else {
          index.ForEachPartyOrg(query.parent_id, revision, list.cursor.last_key, visit);
        }
        return std::move(page).Finish(list.fingerprint);
      });
}

// --- External organisations.

namespace {

absl::Status ExternalOrgNotFound(int64_t id, absl::string_view field = "name") {
  return ResourceNotFound(field, ExternalOrgName(id));
}

// ALREADY_EXISTS when another live organisation of the district has the
// code. Said only to callers who may write the district's directory (the
// gateway checks that first), and credit codes are public registrations,
// so the answer tells nothing a caller could not look up.
absl::Status CheckCreditCodeIsFree(const OrgIndex& index, const ExternalOrg& org,
                                   absl::string_view field) {
  if (org.credit_code.empty()) return absl::OkStatus();
  const int64_t other =
      index.LiveExternalOrgWithCreditCode(org.district_id, org.credit_code, org.id);
  if (other == 0) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat(field, ": ", ExternalOrgName(other), " of this district has this credit code"));
}

absl::Status ApplyExternalOrgPaths(const ExternalOrgUpdate& update, ExternalOrg& org) {
  for (const std::string& path : update.paths) {
    const bool all = path == "*";
    if (all || path == "display_name") org.display_name = update.values.display_name;
    if (all || path == "kind") org.kind = update.values.kind;
    if (all || path == "credit_code") org.credit_code = update.values.credit_code;
    if (all || path == "address") org.address = update.values.address;
    if (all || path == "display_name" || path == "kind" || path == "credit_code" ||
        path == "address") {
      continue;
    }
    if (path == "district") {
      return absl::InvalidArgumentError("update_mask: district is immutable");
    }
    if (path == "name" || path == "state" || path == "create_time" || path == "update_time" ||
        path == "delete_time" || path == "etag" || path == "revision") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is output only"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask: unknown field \"", path,
                     "\"; updatable: display_name, kind, credit_code, address"));
  }
  return absl::OkStatus();
}

}  // namespace

void OrgCore::CreateExternalOrg(const Caller& caller, ExternalOrg org, std::string request_id,
                                Done<ExternalOrg> done) {
  if (org.district_id == 0) {
    return done(absl::InvalidArgumentError("external_org.district: is required"));
  }
  if (absl::Status s = ValidateAndNormalizeExternalOrg(org, "external_org."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit({caller, "CreateExternalOrg", std::move(request_id),
          [org = std::move(org)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            ASSIGN_OR_RETURN(const Unit* district, LiveUnit(ctx.index, org.district_id,
                                                            "external_org.district", "district"));
            if (district->level != Level::kDistrict) {
              return absl::InvalidArgumentError(
                  absl::StrCat("external_org.district: ", UnitName(district->id), " is a ",
                               LevelName(district->level), ", not a DISTRICT"));
            }
            ExternalOrg made = org;
            made.id = ctx.index.max_external_org_id() + 1;
            RETURN_IF_ERROR(CheckCreditCodeIsFree(ctx.index, made, "external_org.credit_code"));
            made.create_time = ctx.now;
            made.deleted = false;
            Touch(made, ctx.now, ctx.revision);
            ctx.Add(std::nullopt, made);
            return made;
          },
          TypedDone<ExternalOrg, Snapshot>(std::move(done))});
}

void OrgCore::UpdateExternalOrg(const Caller& caller, ExternalOrgUpdate update,
                                Done<ExternalOrg> done) {
  Submit({caller, "UpdateExternalOrg", "",
          [update = std::move(update)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const ExternalOrg* current = ctx.index.FindExternalOrg(update.id, OrgIndex::kHead);
            if (current == nullptr) return ExternalOrgNotFound(update.id, "external_org.name");
            RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, ExternalOrgName(update.id)));
            if (current->deleted) {
              return absl::FailedPreconditionError(
                  absl::StrCat("external_org.name: ", ExternalOrgName(update.id),
                               " is deleted; undelete it first"));
            }
            ExternalOrg next = *current;
            RETURN_IF_ERROR(ApplyExternalOrgPaths(update, next));
            RETURN_IF_ERROR(ValidateAndNormalizeExternalOrg(next, "external_org."));
            if (next.kind != ExternalOrgKind::kPropertyCompany &&
                ctx.index.CompoundsManagedBy(next.id) > 0) {
              return absl::FailedPreconditionError(
                  absl::StrCat("external_org.kind: ", ExternalOrgName(next.id), " manages ",
                               ctx.index.CompoundsManagedBy(next.id),
                               " compounds as their property company; change those first"));
            }
            if (next == *current) return next;
            RETURN_IF_ERROR(CheckCreditCodeIsFree(ctx.index, next, "external_org.credit_code"));
            Touch(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<ExternalOrg, Snapshot>(std::move(done))});
}

void OrgCore::DeleteExternalOrg(const Caller& caller, int64_t id, std::string etag,
                                Done<ExternalOrg> done) {
  Submit({caller, "DeleteExternalOrg", "",
          [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const ExternalOrg* current = ctx.index.FindExternalOrg(id, OrgIndex::kHead);
            if (current == nullptr) return ExternalOrgNotFound(id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, ExternalOrgName(id)));
            if (current->deleted) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", ExternalOrgName(id), " is already deleted"));
            }
            if (const int managed = ctx.index.CompoundsManagedBy(id); managed > 0) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", ExternalOrgName(id), " is the property company of ",
                               managed, " live compounds; change their property service first"));
            }
            if (const int joined = ctx.index.AlliancesJoinedBy(id); joined > 0) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", ExternalOrgName(id), " is a member of ", joined,
                               " live alliances; take it off their members first"));
            }
            ExternalOrg next = *current;
            MarkDeleted(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<ExternalOrg, Snapshot>(std::move(done))});
}

void OrgCore::UndeleteExternalOrg(const Caller& caller, int64_t id, std::string etag,
                                  Done<ExternalOrg> done) {
  Submit({caller, "UndeleteExternalOrg", "",
          [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const ExternalOrg* current = ctx.index.FindExternalOrg(id, OrgIndex::kHead);
            if (current == nullptr) return ExternalOrgNotFound(id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, ExternalOrgName(id)));
            if (!current->deleted) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", ExternalOrgName(id), " is not deleted"));
            }
            ExternalOrg next = *current;
            MarkRestored(next, ctx.now, ctx.revision);
            RETURN_IF_ERROR(CheckCreditCodeIsFree(ctx.index, next, "name"));
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<ExternalOrg, Snapshot>(std::move(done))});
}

absl::StatusOr<ExternalOrg> OrgCore::GetExternalOrg(int64_t id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<ExternalOrg> {
    const ExternalOrg* org = index.FindExternalOrg(id, revision);
    if (org == nullptr) return ExternalOrgNotFound(id);
    return *org;
  });
}

absl::StatusOr<Page<ExternalOrg>> OrgCore::ListExternalOrgs(
    const ListExternalOrgsQuery& query) const {
  ASSIGN_OR_RETURN(const ExternalOrgFilter filter, ParseExternalOrgFilter(query.filter));
  ASSIGN_OR_RETURN(
      const ListRequest list,
      ParseListRequest("externalOrgs", query.district_id, query.filter, query.show_deleted,
                       query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Page<ExternalOrg>> {
        PageCollector<ExternalOrg> page(list.page_size, revision);
        index.ForEachExternalOrg(revision, list.cursor.last_key, [&](const ExternalOrg& org) {
          return (org.deleted && !query.show_deleted) ||
                 (query.district_id != 0 && org.district_id != query.district_id) ||
                 !filter.Matches(org) || page.Offer(org);
        });
        return std::move(page).Finish(list.fingerprint);
      });
}

// --- Alliances.

namespace {

absl::Status AllianceNotFound(int64_t id, absl::string_view field = "name") {
  return ResourceNotFound(field, AllianceName(id));
}

// Whether `unit_id` is `ancestor_id` or lies below it, at `revision`.
bool UnitWithin(const OrgIndex& index, int64_t unit_id, int64_t ancestor_id, int64_t revision) {
  for (int64_t id = unit_id; id != 0;) {
    if (id == ancestor_id) return true;
    const Unit* unit = index.FindUnit(id, revision);
    if (unit == nullptr) return false;
    id = unit->parent_id;
  }
  return false;
}

// The unit of a new alliance: live, of the level its kind needs.
absl::Status CheckAllianceUnit(const OrgIndex& index, const Alliance& alliance) {
  ASSIGN_OR_RETURN(const Unit* unit, LiveUnit(index, alliance.unit_id, "alliance.unit", "unit"));
  const bool fits = alliance.kind == AllianceKind::kCompound
                        ? unit->level == Level::kCompound
                        : unit->level == Level::kCommunity || unit->level == Level::kStreet;
  if (fits) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "alliance.unit: ", UnitName(unit->id), " is a ", LevelName(unit->level), "; a ",
      AllianceKindName(alliance.kind), " alliance sits at a ", AllianceUnitLevels(alliance.kind)));
}

// The "1": a live territorial party organisation that covers the unit.
absl::Status CheckLeadingOrg(const OrgIndex& index, const Alliance& alliance) {
  constexpr absl::string_view kField = "alliance.leading_party_org";
  const PartyOrg* org = index.FindPartyOrg(alliance.leading_party_org_id, OrgIndex::kHead);
  if (org == nullptr) return OrgNotFound(alliance.leading_party_org_id, kField);
  if (org->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(kField, ": ", PartyOrgName(org->id), " is deleted"));
  }
  if (!IsTerritorial(org->form) || std::find(org->unit_ids.begin(), org->unit_ids.end(),
                                             alliance.unit_id) == org->unit_ids.end()) {
    return absl::InvalidArgumentError(absl::StrCat(kField, ": ", PartyOrgName(org->id),
                                                   " does not cover ", UnitName(alliance.unit_id),
                                                   "; the alliance is led by the unit's own "
                                                   "party organisation"));
  }
  return absl::OkStatus();
}

// Every member organisation: live, of the unit's district, and a property
// company where the role says so.
absl::Status CheckAllianceMembers(const OrgIndex& index, const Alliance& alliance) {
  const int64_t district = DistrictOf(index, alliance.unit_id);
  for (size_t i = 0; i < alliance.members.size(); ++i) {
    const AllianceMember& m = alliance.members[i];
    if (m.external_org_id == 0) continue;
    const std::string field = absl::StrCat("alliance.members[", i, "].external_org");
    const ExternalOrg* org = index.FindExternalOrg(m.external_org_id, OrgIndex::kHead);
    if (org == nullptr) return ResourceNotFound(field, ExternalOrgName(m.external_org_id));
    if (org->deleted) {
      return absl::FailedPreconditionError(
          absl::StrCat(field, ": ", ExternalOrgName(org->id), " is deleted"));
    }
    if (org->district_id != district) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", ExternalOrgName(org->id),
                                                     " is in another district's directory"));
    }
    if (m.role == AllianceMemberRole::kPropertyCompany &&
        org->kind != ExternalOrgKind::kPropertyCompany) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": ", ExternalOrgName(org->id),
                                                     " is a ", ExternalOrgKindName(org->kind),
                                                     ", not a PROPERTY_COMPANY"));
    }
  }
  return absl::OkStatus();
}

// A compound has one live ACTIVE "1+4+X": ALREADY_EXISTS naming the other.
absl::Status CheckOneCompoundAlliance(const OrgIndex& index, const Alliance& alliance,
                                      absl::string_view field) {
  if (alliance.kind != AllianceKind::kCompound || alliance.deleted ||
      alliance.state != AllianceState::kActive) {
    return absl::OkStatus();
  }
  int64_t other = 0;
  index.ForEachAlliance(OrgIndex::kHead, 0, [&](const Alliance& a) {
    if (a.id != alliance.id && !a.deleted && a.kind == AllianceKind::kCompound &&
        a.state == AllianceState::kActive && a.unit_id == alliance.unit_id) {
      other = a.id;
    }
    return other == 0;
  });
  if (other == 0) return absl::OkStatus();
  return absl::AlreadyExistsError(absl::StrCat(field, ": ", UnitName(alliance.unit_id),
                                               " already has an active \"1+4+X\" alliance, ",
                                               AllianceName(other)));
}

absl::Status ApplyAlliancePaths(const AllianceUpdate& update, Alliance& alliance) {
  for (const std::string& path : update.paths) {
    const bool all = path == "*";
    if (all || path == "display_name") alliance.display_name = update.values.display_name;
    if (all || path == "leading_party_org") {
      alliance.leading_party_org_id = update.values.leading_party_org_id;
    }
    if (all || path == "members") alliance.members = update.values.members;
    if (all || path == "established_date") {
      alliance.established_date = update.values.established_date;
    }
    if (all || path == "display_name" || path == "leading_party_org" || path == "members" ||
        path == "established_date") {
      continue;
    }
    if (path == "kind" || path == "unit") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is immutable"));
    }
    if (path == "name" || path == "state" || path == "dissolved_date" || path == "deleted" ||
        path == "create_time" || path == "update_time" || path == "delete_time" || path == "etag" ||
        path == "revision") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is output only"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat("update_mask: unknown field \"", path,
                     "\"; updatable: display_name, leading_party_org, members, established_date"));
  }
  return absl::OkStatus();
}

// The live alliance `id` that an item is written under: FAILED_PRECONDITION
// when deleted or dissolved.
absl::StatusOr<const Alliance*> OpenAlliance(const OrgIndex& index, int64_t id,
                                             absl::string_view field) {
  const Alliance* alliance = index.FindAlliance(id, OrgIndex::kHead);
  if (alliance == nullptr) return AllianceNotFound(id, field);
  if (alliance->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", AllianceName(id), " is deleted"));
  }
  if (alliance->state != AllianceState::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", AllianceName(id), " is ", AllianceStateName(alliance->state)));
  }
  return alliance;
}

// The item `id.id` of alliance `id.alliance_id` at `revision`; NOT_FOUND
// when it belongs to another alliance (the name is then wrong, and which
// alliance holds it is not the caller's to learn).
absl::StatusOr<const AllianceItem*> FindItem(const OrgIndex& index, AllianceItemId id,
                                             int64_t revision) {
  const AllianceItem* item = index.FindAllianceItem(id.id, revision);
  if (item == nullptr || item->alliance_id != id.alliance_id) {
    return ResourceNotFound("name", AllianceItemName(id.alliance_id, id.id));
  }
  return item;
}

}  // namespace

void OrgCore::CreateAlliance(const Caller& caller, Alliance alliance, std::string request_id,
                             Done<Alliance> done) {
  if (alliance.unit_id == 0) return done(absl::InvalidArgumentError("alliance.unit: is required"));
  if (alliance.leading_party_org_id == 0) {
    return done(absl::InvalidArgumentError(
        "alliance.leading_party_org: is required (the \"1\": the unit's party organisation)"));
  }
  if (absl::Status s = ValidateAllianceFields(alliance, "alliance."); !s.ok()) return done(s);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit({caller, "CreateAlliance", std::move(request_id),
          [alliance = std::move(alliance)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            RETURN_IF_ERROR(CheckAllianceUnit(ctx.index, alliance));
            RETURN_IF_ERROR(CheckLeadingOrg(ctx.index, alliance));
            RETURN_IF_ERROR(CheckAllianceMembers(ctx.index, alliance));
            Alliance made = alliance;
            made.id = ctx.index.max_alliance_id() + 1;
            made.state = AllianceState::kActive;
            made.dissolved_date.reset();
            made.deleted = false;
            RETURN_IF_ERROR(CheckOneCompoundAlliance(ctx.index, made, "alliance.unit"));
            made.create_time = ctx.now;
            Touch(made, ctx.now, ctx.revision);
            ctx.Add(std::nullopt, made);
            return made;
          },
          TypedDone<Alliance, Snapshot>(std::move(done))});
}

void OrgCore::UpdateAlliance(const Caller& caller, AllianceUpdate update, Done<Alliance> done) {
  Submit({caller, "UpdateAlliance", "",
          [update = std::move(update)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const Alliance* current = ctx.index.FindAlliance(update.id, OrgIndex::kHead);
            if (current == nullptr) return AllianceNotFound(update.id, "alliance.name");
            RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, AllianceName(update.id)));
            if (current->deleted) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "alliance.name: ", AllianceName(update.id), " is deleted; undelete it first"));
            }
            Alliance next = *current;
            RETURN_IF_ERROR(ApplyAlliancePaths(update, next));
            RETURN_IF_ERROR(ValidateAllianceFields(next, "alliance."));
            if (next == *current) return next;
            if (next.leading_party_org_id != current->leading_party_org_id) {
              RETURN_IF_ERROR(CheckLeadingOrg(ctx.index, next));
            }
            if (next.members != current->members) {
              RETURN_IF_ERROR(CheckAllianceMembers(ctx.index, next));
            }
            Touch(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<Alliance, Snapshot>(std::move(done))});
}

void OrgCore::DissolveAlliance(const Caller& caller, int64_t id, std::string etag,
                               std::optional<absl::CivilDay> date, Done<Alliance> done) {
  if (date) {
    if (absl::Status s = ValidateCivilDay(*date, "dissolved_date"); !s.ok()) return done(s);
  }
  Submit({caller, "DissolveAlliance", "",
          [id, etag = std::move(etag), date](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const Alliance* current = ctx.index.FindAlliance(id, OrgIndex::kHead);
            if (current == nullptr) return AllianceNotFound(id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, AllianceName(id)));
            RETURN_IF_ERROR(OpenAlliance(ctx.index, id, "name").status());
            Alliance next = *current;
            next.state = AllianceState::kDissolved;
            next.dissolved_date = date ? *date : ChinaDay(ctx.now);
            if (next.established_date && *next.dissolved_date < *next.established_date) {
              return absl::InvalidArgumentError(
                  "dissolved_date: is before the alliance's established_date");
            }
            Touch(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<Alliance, Snapshot>(std::move(done))});
}

void OrgCore::DeleteAlliance(const Caller& caller, int64_t id, std::string etag,
                             Done<Alliance> done) {
  Submit({caller, "DeleteAlliance", "",
          [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const Alliance* current = ctx.index.FindAlliance(id, OrgIndex::kHead);
            if (current == nullptr) return AllianceNotFound(id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, AllianceName(id)));
            if (current->deleted) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", AllianceName(id), " is already deleted"));
            }
            Alliance next = *current;
            MarkDeleted(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<Alliance, Snapshot>(std::move(done))});
}

void OrgCore::UndeleteAlliance(const Caller& caller, int64_t id, std::string etag,
                               Done<Alliance> done) {
  Submit({caller, "UndeleteAlliance", "",
          [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            const Alliance* current = ctx.index.FindAlliance(id, OrgIndex::kHead);
            if (current == nullptr) return AllianceNotFound(id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, AllianceName(id)));
            if (!current->deleted) {
              return absl::FailedPreconditionError(
                  absl::StrCat("name: ", AllianceName(id), " is not deleted"));
            }
            Alliance next = *current;
            MarkRestored(next, ctx.now, ctx.revision);
            // What it stands on may have gone meanwhile.
            RETURN_IF_ERROR(LiveUnit(ctx.index, next.unit_id, "name", "its unit").status());
            RETURN_IF_ERROR(CheckOneCompoundAlliance(ctx.index, next, "name"));
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<Alliance, Snapshot>(std::move(done))});
}

void OrgCore::CreateAllianceItem(const Caller& caller, int64_t alliance_id, AllianceItem item,
                                 std::string request_id, Done<AllianceItem> done) {
  if (absl::Status s = ValidateAllianceItemFields(item, "item."); !s.ok()) return done(s);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit({caller, "CreateAllianceItem", std::move(request_id),
          [alliance_id, item = std::move(item)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            ASSIGN_OR_RETURN(const Alliance* alliance,
                             OpenAlliance(ctx.index, alliance_id, "parent"));
            AllianceItem made = item;
            made.id = ctx.index.max_alliance_item_id() + 1;
            made.alliance_id = alliance->id;
            made.unit_id = alliance->unit_id;
            made.state = ItemState::kOpen;
            made.claimed_by_external_org_id = 0;
            made.claimed_by_party_org_id = 0;
            made.result.clear();
            made.claim_time = made.done_time = absl::UnixEpoch();
            made.create_time = ctx.now;
            Touch(made, ctx.now, ctx.revision);
            ctx.Add(std::nullopt, made);
            return made;
          },
          TypedDone<AllianceItem, Snapshot>(std::move(done))});
}

void OrgCore::ClaimAllianceItem(const Caller& caller, AllianceItemId id, std::string etag,
                                Claimant claimant, Done<AllianceItem> done) {
  if ((claimant.external_org_id == 0) == (claimant.party_org_id == 0)) {
    return done(absl::InvalidArgumentError(
        "claimed_by: is required: a member's externalOrgs/{id} or the leading partyOrgs/{id}"));
  }
  Submit({caller, "ClaimAllianceItem", "",
          [id, etag = std::move(etag), claimant](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            ASSIGN_OR_RETURN(const AllianceItem* current, FindItem(ctx.index, id, OrgIndex::kHead));
            const std::string name = AllianceItemName(id.alliance_id, id.id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, name));
            ASSIGN_OR_RETURN(const Alliance* alliance,
                             OpenAlliance(ctx.index, id.alliance_id, "name"));
            RETURN_IF_ERROR(CheckItemTransition(*current, ItemState::kClaimed, name));
            const bool member =
                claimant.party_org_id != 0
                    ? claimant.party_org_id == alliance->leading_party_org_id
                    : std::any_of(alliance->members.begin(), alliance->members.end(),
                                  [&](const AllianceMember& m) {
                                    return m.external_org_id == claimant.external_org_id;
                                  });
            if (!member) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "claimed_by: ",
                  claimant.party_org_id != 0 ? PartyOrgName(claimant.party_org_id)
                                             : ExternalOrgName(claimant.external_org_id),
                  " is not a member of ", AllianceName(alliance->id)));
            }
            AllianceItem next = *current;
            next.state = ItemState::kClaimed;
            next.claimed_by_external_org_id = claimant.external_org_id;
            next.claimed_by_party_org_id = claimant.party_org_id;
            next.claim_time = ctx.now;
            Touch(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<AllianceItem, Snapshot>(std::move(done))});
}

void OrgCore::CompleteAllianceItem(const Caller& caller, AllianceItemId id, std::string etag,
                                   std::string result, Done<AllianceItem> done) {
  if (absl::Status s = ValidateDisplayText(result, "result", kMaxItemResultChars,
                                           /*required=*/false);
      !s.ok()) {
    return done(s);
  }
  Submit({caller, "CompleteAllianceItem", "",
          [id, etag = std::move(etag),
           result = std::move(result)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            ASSIGN_OR_RETURN(const AllianceItem* current, FindItem(ctx.index, id, OrgIndex::kHead));
            const std::string name = AllianceItemName(id.alliance_id, id.id);
            RETURN_IF_ERROR(CheckEtag(etag, current->revision, name));
            RETURN_IF_ERROR(CheckItemTransition(*current, ItemState::kDone, name));
            AllianceItem next = *current;
            next.state = ItemState::kDone;
            next.result = result;
            next.done_time = ctx.now;
            Touch(next, ctx.now, ctx.revision);
            ctx.Add(*current, next);
            return next;
          },
          TypedDone<AllianceItem, Snapshot>(std::move(done))});
}

absl::StatusOr<Alliance> OrgCore::GetAlliance(int64_t id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Alliance> {
    const Alliance* alliance = index.FindAlliance(id, revision);
    if (alliance == nullptr) return AllianceNotFound(id);
    return *alliance;
  });
}

absl::StatusOr<Page<Alliance>> OrgCore::ListAlliances(const ListAlliancesQuery& query) const {
  ASSIGN_OR_RETURN(const AllianceFilter filter, ParseAllianceFilter(query.filter));
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest("alliances", query.unit_id, query.filter, query.show_deleted,
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Page<Alliance>> {
        if (query.unit_id != 0 && index.FindUnit(query.unit_id, revision) == nullptr) {
          return UnitNotFound(query.unit_id, "unit");
        }
        PageCollector<Alliance> page(list.page_size, revision);
        index.ForEachAlliance(revision, list.cursor.last_key, [&](const Alliance& alliance) {
          return (alliance.deleted && !query.show_deleted) ||
                 (query.unit_id != 0 &&
                  !UnitWithin(index, alliance.unit_id, query.unit_id, revision)) ||
                 !filter.Matches(alliance) || page.Offer(alliance);
        });
        return std::move(page).Finish(list.fingerprint);
      });
}

absl::StatusOr<AllianceItem> OrgCore::GetAllianceItem(AllianceItemId id) const {
  return engine_.Read([&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<AllianceItem> {
    ASSIGN_OR_RETURN(const AllianceItem* item, FindItem(index, id, revision));
    return *item;
  });
}

absl::StatusOr<Page<AllianceItem>> OrgCore::ListAllianceItems(
    const ListAllianceItemsQuery& query) const {
  ASSIGN_OR_RETURN(const AllianceItemFilter filter, ParseAllianceItemFilter(query.filter));
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest("allianceItems", query.alliance_id, query.filter, false,
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const OrgIndex& index, int64_t revision) -> absl::StatusOr<Page<AllianceItem>> {
        if (index.FindAlliance(query.alliance_id, revision) == nullptr) {
          return AllianceNotFound(query.alliance_id, "parent");
        }
        PageCollector<AllianceItem> page(list.page_size, revision);
        index.ForEachAllianceItem(
            query.alliance_id, revision, list.cursor.last_key,
            [&](const AllianceItem& item) { return !filter.Matches(item) || page.Offer(item); });
        return std::move(page).Finish(list.fingerprint);
      });
}

}  // namespace grassroots::org
