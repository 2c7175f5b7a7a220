#ifndef GRASSROOTS_ORG_CLIENT_ORG_HIERARCHY_H_
#define GRASSROOTS_ORG_CLIENT_ORG_HIERARCHY_H_

// The hierarchy of units and the coverage of party organisations, held in
// memory: what OrgReplica keeps current, with no gRPC in it.

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "org_client/place.h"

namespace grassroots::org_client {

// A unit as the replica keeps it: where it hangs. Levels and states are not
// kept; PlacesUnder returns deleted places too and Describe asks the org
// service.
struct ReplicaUnit {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0 for a district
};

// A party organisation as the replica keeps it: what it covers.
struct ReplicaPartyOrg {
  int64_t id = 0;
  std::vector<int64_t> unit_ids;
};

// The units, their tree, and which party organisations cover which units,
// in memory. Entries are snapshots: putting one again replaces it, so a
// unit's move and an organisation's new coverage are one Put each. Nothing
// is ever removed (the org service only soft-deletes).
//
// Not thread-safe; OrgReplica guards it.
class OrgHierarchy {
 public:
  void PutUnit(const ReplicaUnit& unit);
  void PutPartyOrg(const ReplicaPartyOrg& org);

  // The unit, its descendants in preorder (children by id), then every
  // organisation covering any of them, by id. NOT_FOUND for an unknown unit.
  // Costs one visit per unit of the subtree and per covering link.
  absl::StatusOr<std::vector<Place>> PlacesUnder(int64_t unit_id) const;
  // The same, but nullopt as soon as the walk has seen more than
  // `max_places` places.
  absl::StatusOr<std::optional<std::vector<Place>>> PlacesUnderAtMost(int64_t unit_id,
                                                                      size_t max_places) const;
  // Whether `place` is among PlacesUnder(unit_id); false when it, or a unit
  // on its way up, is not held. O(depth) per unit it names.
  bool IsPlaceUnder(const Place& place, int64_t unit_id) const;

  // Whether `unit_id` is `ancestor_id` or lies below it; nullopt when the
  // unit, or a unit on its way up, is not held. O(depth).
  std::optional<bool> IsWithin(int64_t unit_id, int64_t ancestor_id) const;
  // The units `org_id` covers; nullopt when the organisation is not held.
  std::optional<std::vector<int64_t>> UnitsOf(int64_t org_id) const;

  bool HasUnit(int64_t unit_id) const { return parent_of_.contains(unit_id); }
  size_t unit_count() const { return parent_of_.size(); }
  size_t party_org_count() const { return units_of_.size(); }

 private:
  // Ordered sets: PlacesUnder's order is stable, and a move or a coverage
  // change costs a log-time erase rather than a scan of a sibling list.
  absl::flat_hash_map<int64_t, int64_t> parent_of_;
  // Keyed by parent id. A parent may be absent from parent_of_ (a child can
  // arrive before its parent within a cascading undelete).
  absl::flat_hash_map<int64_t, absl::btree_set<int64_t>> children_of_;
  absl::flat_hash_map<int64_t, std::vector<int64_t>> units_of_;           // org → units
  absl::flat_hash_map<int64_t, absl::btree_set<int64_t>> orgs_covering_;  // unit → orgs
};

}  // namespace grassroots::org_client

#endif  // GRASSROOTS_ORG_CLIENT_ORG_HIERARCHY_H_
