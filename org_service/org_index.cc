#include "org_service/org_index.h"

#include <algorithm>
#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"

namespace grassroots::org {
namespace {

// Inserts `id` into the ascending `list` unless it is there already.
void InsertSorted(std::vector<int64_t>& list, int64_t id) {
  auto it = std::lower_bound(list.begin(), list.end(), id);
  if (it == list.end() || *it != id) list.insert(it, id);
}

void EraseSorted(std::vector<int64_t>& list, int64_t id) {
  auto it = std::lower_bound(list.begin(), list.end(), id);
  if (it != list.end() && *it == id) list.erase(it);
}

bool Contains(const std::vector<int64_t>& sorted, int64_t id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

std::array<int32_t, kLevelCount> SelfCount(const Unit& unit) {
  std::array<int32_t, kLevelCount> count{};
  if (!unit.deleted && IsValidLevel(unit.level)) count[LevelIndex(unit.level)] = 1;
  return count;
}

std::array<int32_t, kLevelCount> Plus(std::array<int32_t, kLevelCount> a,
                                      const std::array<int32_t, kLevelCount>& b) {
  for (int i = 0; i < kLevelCount; ++i) a[i] += b[i];
  return a;
}

std::array<int32_t, kLevelCount> Negated(std::array<int32_t, kLevelCount> a) {
  for (int32_t& v : a) v = -v;
  return a;
}

template <typename Node>
Node* At(std::vector<std::unique_ptr<Node>>& nodes, int64_t id) {
  return id > 0 && id < static_cast<int64_t>(nodes.size()) ? nodes[id].get() : nullptr;
}

template <typename Node>
const Node* At(const std::vector<std::unique_ptr<Node>>& nodes, int64_t id) {
  return id > 0 && id < static_cast<int64_t>(nodes.size()) ? nodes[id].get() : nullptr;
}

template <typename Node>
void EnsureSlot(std::vector<std::unique_ptr<Node>>& nodes, int64_t id) {
  if (id >= static_cast<int64_t>(nodes.size())) nodes.resize(id + 1);
}

}  // namespace

OrgIndex::UnitNode* OrgIndex::unit_node(int64_t id) { return At(units_, id); }
const OrgIndex::UnitNode* OrgIndex::unit_node(int64_t id) const { return At(units_, id); }
OrgIndex::OrgNode* OrgIndex::org_node(int64_t id) { return At(orgs_, id); }
const OrgIndex::OrgNode* OrgIndex::org_node(int64_t id) const { return At(orgs_, id); }

OrgIndex::SiblingCode OrgIndex::SiblingCodeEq::KeyOf(int64_t id) const {
  const Unit& unit = index->unit_node(id)->versions.head();
  return {unit.parent_id, unit.code};
}

bool OrgIndex::SiblingCodeEq::operator()(const SiblingCode& a, int64_t b) const {
  return (*this)(a, KeyOf(b));
}

size_t OrgIndex::SiblingCodeHash::operator()(const SiblingCode& key) const {
  return absl::Hash<std::pair<int64_t, absl::string_view>>{}({key.parent_id, key.code});
}

size_t OrgIndex::SiblingCodeHash::operator()(int64_t id) const {
  return (*this)(SiblingCodeEq{index}.KeyOf(id));
}

void OrgIndex::IndexCode(int64_t id) {
  const auto [it, inserted] = live_codes_.insert(id);
  if (!inserted && *it != id) {
    parents_with_duplicate_codes_.insert(unit_node(id)->versions.head().parent_id);
  }
}

void OrgIndex::UnindexCode(int64_t id) {
  // Under a parent with duplicate codes the set may hold the other unit.
  if (auto it = live_codes_.find(id); it != live_codes_.end() && *it == id) live_codes_.erase(it);
}

const Unit* OrgIndex::LiveChildWithCode(int64_t parent_id, absl::string_view code,
                                        int64_t except_id) const {
  if (parents_with_duplicate_codes_.contains(parent_id)) {
    const Unit* found = nullptr;
    ForEachChild(parent_id, kHead, 0, [&](const Unit& sibling) {
      if (sibling.id != except_id && !sibling.deleted && sibling.code == code) found = &sibling;
      return found == nullptr;
    });
    return found;
  }
  const auto it = live_codes_.find(SiblingCode{parent_id, code});
  return it == live_codes_.end() || *it == except_id ? nullptr : FindUnit(*it, kHead);
}

std::vector<int64_t>& OrgIndex::children_of(int64_t parent_id) {
  return parent_id == 0 ? roots_ : unit_node(parent_id)->children;
}

const std::vector<int64_t>* OrgIndex::children_of(int64_t parent_id) const {
  if (parent_id == 0) return &roots_;
  const UnitNode* node = unit_node(parent_id);
  return node == nullptr ? nullptr : &node->children;
}

void OrgIndex::Reset(StoredState state) {
  units_.clear();
  orgs_.clear();
  roots_.clear();
  departures_.clear();
  superseded_.clear();
  live_codes_.clear();
  parents_with_duplicate_codes_.clear();
  external_orgs_.Clear();
  alliances_.Clear();
  alliance_items_.Clear();
  items_of_alliance_.clear();
  alliance_memberships_.clear();
  live_credit_codes_.clear();
  managed_compounds_.clear();
  live_codes_.reserve(state.units.size());
  units_.resize(state.max_unit_id + 1);
  orgs_.resize(state.max_party_org_id + 1);
  // Taken from the back, and the loaded vector shrunk as it empties, so that
  // the nodes replace it instead of coming on top of it: the peak RSS of a
  // start with 10^6 units is then about that of the running service.
  while (!state.units.empty()) {
    Unit& unit = state.units.back();
    const int64_t id = unit.id;
    EnsureSlot(units_, id);
    units_[id] = std::make_unique<UnitNode>(std::move(unit));
    state.units.pop_back();
    if (state.units.size() >= 4096 && state.units.size() < state.units.capacity() / 2) {
      state.units.shrink_to_fit();
    }
  }
  // Linked only once every node exists: a move may have put a unit under a
  // parent with a higher id. Walking ids in order keeps child lists sorted.
  for (size_t id = 1; id < units_.size(); ++id) {
    if (units_[id] == nullptr) continue;
    const int64_t parent = units_[id]->versions.head().parent_id;
    if (parent == 0 || unit_node(parent) != nullptr) children_of(parent).push_back(id);
    if (!units_[id]->versions.head().deleted) IndexCode(id);
  }
  for (const auto& node : units_) {
    if (node == nullptr) continue;
    const Unit& unit = node->versions.head();
    const auto self = SelfCount(unit);
    for (int64_t p = unit.parent_id; p != 0;) {
      UnitNode* ancestor = unit_node(p);
      if (ancestor == nullptr) break;
      auto& counts = ancestor->counts.mutable_head().by_level;
      counts = Plus(counts, self);
      p = ancestor->versions.head().parent_id;
    }
  }
  for (PartyOrg& org : state.party_orgs) {
    const int64_t id = org.id;
    EnsureSlot(orgs_, id);
    for (int64_t unit_id : org.unit_ids) {
      if (UnitNode* unit = unit_node(unit_id)) unit->covering_orgs.push_back(id);
    }
    orgs_[id] = std::make_unique<OrgNode>(std::move(org));
  }
  for (size_t id = 1; id < orgs_.size(); ++id) {
    if (orgs_[id] == nullptr) continue;
    if (OrgNode* parent = org_node(orgs_[id]->versions.head().parent_id)) {
      parent->children.push_back(id);
    }
  }
  for (const auto& node : units_) {
    if (node != nullptr) CountManagedCompound(nullptr, node->versions.head());
  }
  external_orgs_.Reserve(state.max_external_org_id);
  for (const ExternalOrg& org : state.external_orgs) ApplyExternalOrg(org);
  alliances_.Reserve(state.max_alliance_id);
  for (const Alliance& alliance : state.alliances) ApplyAlliance(alliance);
  alliance_items_.Reserve(state.max_alliance_item_id);
  for (const AllianceItem& item : state.alliance_items) ApplyAllianceItem(item);
  published_revision_ = state.revision;
  oldest_readable_ = state.revision;
}

void OrgIndex::Apply(const Mutation& mutation) {
  for (const Change& change : mutation.changes) {
    if (const auto* unit = std::get_if<Unit>(&change.after)) {
      ApplyUnit(change.before, *unit);
    } else if (const auto* external = std::get_if<ExternalOrg>(&change.after)) {
      ApplyExternalOrg(*external);
    } else if (const auto* alliance = std::get_if<Alliance>(&change.after)) {
      ApplyAlliance(*alliance);
    } else if (const auto* item = std::get_if<AllianceItem>(&change.after)) {
      ApplyAllianceItem(*item);
    } else {
      ApplyPartyOrg(change.before, std::get<PartyOrg>(change.after));
    }
  }
}

void OrgIndex::AddToAncestors(int64_t parent_id, const std::array<int32_t, kLevelCount>& delta,
                              int64_t revision) {
  for (int64_t p = parent_id; p != 0;) {
    UnitNode* ancestor = unit_node(p);
    if (ancestor == nullptr) return;
    DescendantCounts next = ancestor->counts.head();
    if (next.revision != revision) superseded_.push_back({revision, Superseded::Kind::kCounts, p});
    next.revision = revision;
    next.by_level = Plus(next.by_level, delta);
    ancestor->counts.Push(next);
    p = ancestor->versions.head().parent_id;
  }
}

void OrgIndex::ApplyUnit(const std::optional<Snapshot>& before, const Unit& after) {
  const int64_t id = after.id;
  const int64_t revision = after.revision;
  EnsureSlot(units_, id);
  UnitNode* node = unit_node(id);
  if (node == nullptr) {
    CountManagedCompound(nullptr, after);
    units_[id] = std::make_unique<UnitNode>(after);
    units_[id]->counts.mutable_head().revision = revision;
    InsertSorted(children_of(after.parent_id), id);
    AddToAncestors(after.parent_id, SelfCount(after), revision);
    if (!after.deleted) IndexCode(id);
    return;
  }
  const Unit old = node->versions.head();
  CountManagedCompound(&old, after);
  if (old.revision != revision) superseded_.push_back({revision, Superseded::Kind::kUnit, id});
  const bool code_key_changes =
      old.parent_id != after.parent_id || old.code != after.code || old.deleted != after.deleted;
  // The set hashes the head: out before it changes, back in after.
  if (code_key_changes && !old.deleted) UnindexCode(id);
  node->versions.Push(after);
  if (code_key_changes && !after.deleted) IndexCode(id);
  if (old.parent_id != after.parent_id) {
    // The whole subtree moves: its counts leave the old ancestors and join
    // the new ones. O(depth), whatever the subtree's size.
    const auto& below = node->counts.head().by_level;
    AddToAncestors(old.parent_id, Negated(Plus(below, SelfCount(old))), revision);
    AddToAncestors(after.parent_id, Plus(below, SelfCount(after)), revision);
    InsertSorted(children_of(after.parent_id), id);
    departures_.push_back({revision, Departure::List::kUnitChildren, old.parent_id, id});
  } else if (old.deleted != after.deleted) {
    AddToAncestors(after.parent_id, Plus(SelfCount(after), Negated(SelfCount(old))), revision);
  }
}

void OrgIndex::ApplyPartyOrg(const std::optional<Snapshot>& before, const PartyOrg& after) {
  const int64_t id = after.id;
  const int64_t revision = after.revision;
  EnsureSlot(orgs_, id);
  OrgNode* node = org_node(id);
  std::vector<int64_t> old_units;
  int64_t old_parent = 0;
  if (node == nullptr) {
    orgs_[id] = std::make_unique<OrgNode>(after);
  } else {
    const PartyOrg& old = node->versions.head();
    old_units = old.unit_ids;
    old_parent = old.parent_id;
    if (old.revision != revision) superseded_.push_back({revision, Superseded::Kind::kOrg, id});
    node->versions.Push(after);
  }
  if (node == nullptr || old_parent != after.parent_id) {
    if (OrgNode* parent = org_node(after.parent_id)) InsertSorted(parent->children, id);
    if (old_parent != 0) {
      departures_.push_back({revision, Departure::List::kOrgChildren, old_parent, id});
    }
  }
  for (int64_t unit_id : after.unit_ids) {
    if (UnitNode* unit = unit_node(unit_id)) InsertSorted(unit->covering_orgs, id);
  }
  for (int64_t unit_id : old_units) {
    if (!Contains(after.unit_ids, unit_id)) {
      departures_.push_back({revision, Departure::List::kCovering, unit_id, id});
    }
  }
}

void OrgIndex::Prune(int64_t horizon) {
  horizon = std::min(horizon, published_revision_);
  if (horizon <= oldest_readable_) return;
  oldest_readable_ = horizon;
  external_orgs_.Prune(horizon);
  alliances_.Prune(horizon);
  alliance_items_.Prune(horizon);
  while (!superseded_.empty() && superseded_.front().revision <= horizon) {
    const Superseded s = superseded_.front();
    superseded_.pop_front();
    switch (s.kind) {
      case Superseded::Kind::kUnit:
        if (UnitNode* node = unit_node(s.id)) node->versions.Prune(horizon);
        break;
      case Superseded::Kind::kCounts:
        if (UnitNode* node = unit_node(s.id)) node->counts.Prune(horizon);
        break;
      case Superseded::Kind::kOrg:
        if (OrgNode* node = org_node(s.id)) node->versions.Prune(horizon);
        break;
    }
  }
  while (!departures_.empty() && departures_.front().revision <= horizon) {
    PruneDeparture(departures_.front());
    departures_.pop_front();
  }
}

void OrgIndex::PruneDeparture(const Departure& d) {
  bool still_needed = false;
  switch (d.list) {
    case Departure::List::kUnitChildren: {
      const UnitNode* member = unit_node(d.member);
      if (member == nullptr) return;
      member->versions.ForEach([&](const Unit& v) { still_needed |= v.parent_id == d.owner; });
      if (!still_needed) EraseSorted(children_of(d.owner), d.member);
      return;
    }
    case Departure::List::kOrgChildren: {
      const OrgNode* member = org_node(d.member);
      OrgNode* owner = org_node(d.owner);
      if (member == nullptr || owner == nullptr) return;
      member->versions.ForEach([&](const PartyOrg& v) { still_needed |= v.parent_id == d.owner; });
      if (!still_needed) EraseSorted(owner->children, d.member);
      return;
    }
    case Departure::List::kCovering: {
      const OrgNode* member = org_node(d.member);
      UnitNode* owner = unit_node(d.owner);
      if (member == nullptr || owner == nullptr) return;
      member->versions.ForEach(
          [&](const PartyOrg& v) { still_needed |= Contains(v.unit_ids, d.owner); });
      if (!still_needed) EraseSorted(owner->covering_orgs, d.member);
      return;
    }
  }
}

absl::StatusOr<Snapshot> OrgIndex::FindByName(const std::string& name) const {
  if (auto id = ParseUnitName(name, "request_id"); id.ok()) {
    if (const Unit* unit = FindUnit(*id, kHead)) return *unit;
  } else if (auto org_id = ParsePartyOrgName(name, "request_id"); org_id.ok()) {
    if (const PartyOrg* org = FindPartyOrg(*org_id, kHead)) return *org;
  } else if (auto external_id = ParseExternalOrgName(name, "request_id"); external_id.ok()) {
    if (const ExternalOrg* org = FindExternalOrg(*external_id, kHead)) return *org;
  } else if (auto item = ParseAllianceItemName(name, "request_id"); item.ok()) {
    if (const AllianceItem* found = FindAllianceItem(item->id, kHead)) return *found;
  } else if (auto alliance_id = ParseAllianceName(name, "request_id"); alliance_id.ok()) {
    if (const Alliance* alliance = FindAlliance(*alliance_id, kHead)) return *alliance;
  }
  return absl::InternalError(absl::StrCat("request_id: names ", name, ", which is not loaded"));
}

const Unit* OrgIndex::FindUnit(int64_t id, int64_t revision) const {
  const UnitNode* node = unit_node(id);
  return node == nullptr ? nullptr : node->versions.At(revision);
}

const PartyOrg* OrgIndex::FindPartyOrg(int64_t id, int64_t revision) const {
  const OrgNode* node = org_node(id);
  return node == nullptr ? nullptr : node->versions.At(revision);
}

std::optional<DescendantCounts> OrgIndex::Counts(int64_t id, int64_t revision) const {
  const UnitNode* node = unit_node(id);
  if (node == nullptr || node->versions.At(revision) == nullptr) return std::nullopt;
  const DescendantCounts* counts = node->counts.At(revision);
  return counts == nullptr ? DescendantCounts{} : *counts;
}

void OrgIndex::ForEachChild(int64_t parent_id, int64_t revision, int64_t after_id,
                            const std::function<bool(const Unit&)>& visit) const {
  const std::vector<int64_t>* children = children_of(parent_id);
  if (children == nullptr) return;
  for (auto it = std::upper_bound(children->begin(), children->end(), after_id);
       it != children->end(); ++it) {
    const Unit* child = FindUnit(*it, revision);
    if (child != nullptr && child->parent_id == parent_id && !visit(*child)) return;
  }
}

std::vector<const Unit*> OrgIndex::Ancestors(const Unit& unit, int64_t revision) const {
  std::vector<const Unit*> path;
  for (int64_t p = unit.parent_id; p != 0;) {
    const Unit* ancestor = FindUnit(p, revision);
    if (ancestor == nullptr) break;
    path.push_back(ancestor);
    p = ancestor->parent_id;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

void OrgIndex::Walk(int64_t root_id, int64_t revision, int max_depth, int limit, WalkCursor& cursor,
                    const std::function<void(const Unit&, int)>& visit,
                    bool include_deleted) const {
  // The first live child of `parent` above `after_id`, or nullptr.
  const auto next_child = [&](int64_t parent, int64_t after_id) -> const Unit* {
    const Unit* found = nullptr;
    ForEachChild(parent, revision, after_id, [&](const Unit& child) {
      if (child.deleted && !include_deleted) return true;
      found = &child;
      return false;
    });
    return found;
  };
  std::vector<int64_t>& path = cursor.path;
  for (int visited = 0; visited < limit && !cursor.done; ++visited) {
    const Unit* next = nullptr;
    // Preorder: first the children of the last unit visited, then its next
    // sibling, then the next sibling of each ancestor on the way up.
    if (path.empty()) {
      next = next_child(root_id, 0);
    } else if (max_depth == 0 || static_cast<int>(path.size()) < max_depth) {
      next = next_child(path.back(), 0);
    }
    while (next == nullptr && !path.empty()) {
      const int64_t last = path.back();
      path.pop_back();
      next = next_child(path.empty() ? root_id : path.back(), last);
    }
    if (next == nullptr) {
      cursor.done = true;
      return;
    }
    path.push_back(next->id);
    visit(*next, static_cast<int>(path.size()));
  }
}

std::vector<const PartyOrg*> OrgIndex::CoveringOrgs(int64_t unit_id, int64_t revision) const {
  std::vector<const PartyOrg*> orgs;
  const UnitNode* node = unit_node(unit_id);
  if (node == nullptr) return orgs;
  for (int64_t org_id : node->covering_orgs) {
    const PartyOrg* org = FindPartyOrg(org_id, revision);
    if (org != nullptr && Contains(org->unit_ids, unit_id)) orgs.push_back(org);
  }
  return orgs;
}

void OrgIndex::ForEachPartyOrg(int64_t parent_id, int64_t revision, int64_t after_id,
                               const std::function<bool(const PartyOrg&)>& visit) const {
  if (parent_id == 0) {
    for (int64_t id = after_id + 1; id < static_cast<int64_t>(orgs_.size()); ++id) {
      const PartyOrg* org = FindPartyOrg(id, revision);
      if (org != nullptr && !visit(*org)) return;
    }
    return;
  }
  const OrgNode* parent = org_node(parent_id);
  if (parent == nullptr) return;
  for (auto it = std::upper_bound(parent->children.begin(), parent->children.end(), after_id);
       it != parent->children.end(); ++it) {
    const PartyOrg* org = FindPartyOrg(*it, revision);
    if (org != nullptr && org->parent_id == parent_id && !visit(*org)) return;
  }
}

// --- External organisations.

void OrgIndex::ApplyExternalOrg(const ExternalOrg& after) {
  if (const ExternalOrg* old = external_orgs_.At(after.id, kHead);
      old != nullptr && !old->deleted && !old->credit_code.empty()) {
    live_credit_codes_.erase({old->district_id, old->credit_code});
  }
  external_orgs_.Put(after);
  if (!after.deleted && !after.credit_code.empty()) {
    live_credit_codes_[{after.district_id, after.credit_code}] = after.id;
  }
}

void OrgIndex::CountManagedCompound(const Unit* old, const Unit& now) {
  const auto company = [](const Unit* unit) -> int64_t {
    if (unit == nullptr || unit->deleted) return 0;
    const auto* c = std::get_if<CompoundDetails>(&unit->details);
    return c == nullptr ? 0 : c->property_company_id;
  };
  const int64_t before = company(old), after = company(&now);
  if (before == after) return;
  if (before != 0 && --managed_compounds_[before] == 0) managed_compounds_.erase(before);
  if (after != 0) ++managed_compounds_[after];
}

const ExternalOrg* OrgIndex::FindExternalOrg(int64_t id, int64_t revision) const {
  return external_orgs_.At(id, revision);
}

void OrgIndex::ForEachExternalOrg(int64_t revision, int64_t after_id,
                                  const std::function<bool(const ExternalOrg&)>& visit) const {
  for (int64_t id = std::max<int64_t>(after_id + 1, 1); id <= external_orgs_.max_id(); ++id) {
    const ExternalOrg* org = external_orgs_.At(id, revision);
    if (org != nullptr && !visit(*org)) return;
  }
}

int64_t OrgIndex::LiveExternalOrgWithCreditCode(int64_t district_id, const std::string& code,
                                                int64_t except_id) const {
  auto it = live_credit_codes_.find(std::make_pair(district_id, code));
  return it == live_credit_codes_.end() || it->second == except_id ? 0 : it->second;
}

int OrgIndex::CompoundsManagedBy(int64_t external_org_id) const {
  auto it = managed_compounds_.find(external_org_id);
  return it == managed_compounds_.end() ? 0 : it->second;
}

// --- Alliances.

namespace {

// The external organisations a live alliance counts as members.
std::vector<int64_t> LiveMemberOrgs(const Alliance* alliance) {
  std::vector<int64_t> ids;
  if (alliance == nullptr || alliance->deleted) return ids;
  for (const AllianceMember& member : alliance->members) {
    if (member.external_org_id != 0) ids.push_back(member.external_org_id);
  }
  return ids;
}

}  // namespace

void OrgIndex::ApplyAlliance(const Alliance& after) {
  for (int64_t org : LiveMemberOrgs(alliances_.At(after.id, kHead))) {
    if (--alliance_memberships_[org] == 0) alliance_memberships_.erase(org);
  }
  alliances_.Put(after);
  for (int64_t org : LiveMemberOrgs(&after)) ++alliance_memberships_[org];
}

void OrgIndex::ApplyAllianceItem(const AllianceItem& after) {
  if (alliance_items_.At(after.id, kHead) == nullptr) {
    // Ids only grow, so appending keeps the list ascending.
    items_of_alliance_[after.alliance_id].push_back(after.id);
  }
  alliance_items_.Put(after);
}

const Alliance* OrgIndex::FindAlliance(int64_t id, int64_t revision) const {
  return alliances_.At(id, revision);
}

const AllianceItem* OrgIndex::FindAllianceItem(int64_t id, int64_t revision) const {
  return alliance_items_.At(id, revision);
}

void OrgIndex::ForEachAlliance(int64_t revision, int64_t after_id,
                               const std::function<bool(const Alliance&)>& visit) const {
  for (int64_t id = std::max<int64_t>(after_id + 1, 1); id <= alliances_.max_id(); ++id) {
    const Alliance* alliance = alliances_.At(id, revision);
    if (alliance != nullptr && !visit(*alliance)) return;
  }
}

void OrgIndex::ForEachAllianceItem(int64_t alliance_id, int64_t revision, int64_t after_id,
                                   const std::function<bool(const AllianceItem&)>& visit) const {
  auto it = items_of_alliance_.find(alliance_id);
  if (it == items_of_alliance_.end()) return;
  const std::vector<int64_t>& ids = it->second;
  for (auto id = std::upper_bound(ids.begin(), ids.end(), after_id); id != ids.end(); ++id) {
    const AllianceItem* item = alliance_items_.At(*id, revision);
    if (item != nullptr && !visit(*item)) return;
  }
}

int OrgIndex::AlliancesJoinedBy(int64_t external_org_id) const {
  auto it = alliance_memberships_.find(external_org_id);
  return it == alliance_memberships_.end() ? 0 : it->second;
}

}  // namespace grassroots::org
