#include "org_client/org_hierarchy.h"

#include <utility>

#include "common/status_macros.h"

namespace grassroots::org_client {
namespace {

// Erases `value` from the set at `key`, and the set once empty, so that
// memory follows the live links rather than every link there ever was.
void EraseFromSet(absl::flat_hash_map<int64_t, absl::btree_set<int64_t>>& sets, int64_t key,
                  int64_t value) {
  auto it = sets.find(key);
  if (it == sets.end()) return;
  it->second.erase(value);
  if (it->second.empty()) sets.erase(it);
}

}  // namespace

void OrgHierarchy::PutUnit(const ReplicaUnit& unit) {
  auto [it, inserted] = parent_of_.try_emplace(unit.id, unit.parent_id);
  if (!inserted) {
    if (it->second == unit.parent_id) return;
    EraseFromSet(children_of_, it->second, unit.id);  // a move
    it->second = unit.parent_id;
  }
  children_of_[unit.parent_id].insert(unit.id);
}

void OrgHierarchy::PutPartyOrg(const ReplicaPartyOrg& party_org) {
  std::vector<int64_t>& units = units_of_[party_org.id];
  for (const int64_t unit_id : units) EraseFromSet(orgs_covering_, unit_id, party_org.id);
  units = party_org.unit_ids;
  for (const int64_t unit_id : units) orgs_covering_[unit_id].insert(party_org.id);
}

std::optional<bool> OrgHierarchy::IsWithin(int64_t unit_id, int64_t ancestor_id) const {
  // The hierarchy has five levels; the bound only guards against a cycle
  // that a corrupt event stream might build.
  for (int depth = 0; depth < 64; ++depth) {
    if (unit_id == ancestor_id) return true;
    auto it = parent_of_.find(unit_id);
    if (it == parent_of_.end()) return std::nullopt;
    if (it->second == 0) return false;  // reached a district
    unit_id = it->second;
  }
  return false;
}

std::optional<std::vector<int64_t>> OrgHierarchy::UnitsOf(int64_t org_id) const {
  auto it = units_of_.find(org_id);
  if (it == units_of_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::vector<Place>> OrgHierarchy::PlacesUnder(int64_t unit_id) const {
  // With no limit the walk never gives up, so the optional always holds
  // the places.
  absl::StatusOr<std::optional<std::vector<Place>>> places =
      PlacesUnderAtMost(unit_id, std::numeric_limits<size_t>::max());
  if (!places.ok()) return places.status();
  if (!places->has_value()) return absl::InternalError("PlacesUnder: the walk stopped early");
  return std::move(**places);
}

bool OrgHierarchy::IsPlaceUnder(const Place& place, int64_t unit_id) const {
  if (place.kind == Place::Kind::kUnit) return IsWithin(place.id, unit_id).value_or(false);
  auto covered = units_of_.find(place.id);
  if (covered == units_of_.end()) return false;
  for (const int64_t unit : covered->second) {
    if (IsWithin(unit, unit_id).value_or(false)) return true;
  }
  return false;
}

absl::StatusOr<std::optional<std::vector<Place>>> OrgHierarchy::PlacesUnderAtMost(
    int64_t unit_id, size_t max_places) const {
  if (!HasUnit(unit_id)) {
    return absl::NotFoundError(
        absl::StrCat(org::UnitName(unit_id), " is not in the replica of the hierarchy"));
  }
  std::vector<Place> places;
  std::vector<int64_t> org_ids;
  std::vector<int64_t> stack = {unit_id};
  while (!stack.empty()) {
    const int64_t id = stack.back();
    stack.pop_back();
    places.push_back({Place::Kind::kUnit, id});
    if (places.size() + org_ids.size() > max_places) return std::nullopt;
    // Levels make the tree acyclic (a parent is exactly one level up), but
    // the replica keeps no levels to check that by: a bound keeps a corrupt
    // replica from looping.
    if (places.size() > parent_of_.size()) {
      return absl::InternalError(
          absl::StrCat("the replica's tree has a cycle below ", org::UnitName(unit_id)));
    }
    if (auto covering = orgs_covering_.find(id); covering != orgs_covering_.end()) {
      org_ids.insert(org_ids.end(), covering->second.begin(), covering->second.end());
    }
    if (auto children = children_of_.find(id); children != children_of_.end()) {
      // Reversed, so that the smallest id comes off the stack first.
      stack.insert(stack.end(), children->second.rbegin(), children->second.rend());
    }
  }
  // An organisation covering several units of the subtree appears once.
  std::sort(org_ids.begin(), org_ids.end());
  org_ids.erase(std::unique(org_ids.begin(), org_ids.end()), org_ids.end());
  places.reserve(places.size() + org_ids.size());
  if (places.size() + org_ids.size() > max_places) return std::nullopt;
  for (const int64_t org_id : org_ids) places.push_back({Place::Kind::kPartyOrg, org_id});
  return places;
}

}  // namespace grassroots::org_client
