#ifndef GRASSROOTS_ORG_SERVICE_ORG_INDEX_H_
#define GRASSROOTS_ORG_SERVICE_ORG_INDEX_H_

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/version_chain.h"
#include "common/versioned_table.h"
#include "org_service/alliance.h"
#include "org_service/external_org.h"
#include "org_service/org_event.h"
#include "org_service/org_store.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"

namespace grassroots::org {

// Live descendants of a unit per level (index LevelIndex(level)), excluding
// the unit itself.
struct DescendantCounts {
  int64_t revision = 0;
  std::array<int32_t, kLevelCount> by_level{};

  bool operator==(const DescendantCounts&) const = default;
};

// Where a depth-first walk stopped: the path of ids from the walk's root down
// to the last unit returned. Children are visited in ascending id order, so
// the walk resumes after that unit even when the tree changed meanwhile.
struct WalkCursor {
  std::vector<int64_t> path;
  bool done = false;
};

// The hierarchy and party organisations in memory, with every version that a
// read at a retained revision may need (multi-version concurrency control).
//
// Reads take a revision and see exactly the state committed at it. Writes
// (Apply) are made by one writer at a time and may run ahead of the published
// revision: readers never see them until Publish. Path, counts and coverage
// reads cost O(depth); a move costs O(depth) plus one insertion into the new
// parent's child list, whatever the subtree's size.
//
// Not thread-safe: OrgCore guards it with a reader/writer lock.
class OrgIndex {
 public:
  // A revision past every version: reads the newest (unpublished) state.
  static constexpr int64_t kHead = INT64_MAX;

  OrgIndex() = default;
  OrgIndex(const OrgIndex&) = delete;
  OrgIndex& operator=(const OrgIndex&) = delete;

  // Replaces everything with `state`; its revision is published.
  void Reset(StoredState state);

  // Applies every change of `mutation` on top of the head state. The caller
  // has validated them; each resource appears at most once.
  void Apply(const Mutation& mutation);
  // Makes everything applied up to `revision` visible to readers.
  void Publish(int64_t revision) { published_revision_ = revision; }
  int64_t published_revision() const { return published_revision_; }

  // Forgets versions superseded at or before `horizon` (<= published);
  // reads below it are no longer possible.
  void Prune(int64_t horizon);
  int64_t oldest_readable_revision() const { return oldest_readable_; }

  // The newest state of "units/{id}" or "partyOrgs/{id}", for the commit
  // engine's request-id answers.
  absl::StatusOr<Snapshot> FindByName(const std::string& name) const;

  int64_t max_unit_id() const { return static_cast<int64_t>(units_.size()) - 1; }
  int64_t max_party_org_id() const { return static_cast<int64_t>(orgs_.size()) - 1; }
  int64_t max_external_org_id() const { return external_orgs_.max_id(); }
  int64_t max_alliance_id() const { return alliances_.max_id(); }
  int64_t max_alliance_item_id() const { return alliance_items_.max_id(); }

  // --- Reads at `revision` (published revisions, or kHead for the writer).
  const Unit* FindUnit(int64_t id, int64_t revision) const;
  const PartyOrg* FindPartyOrg(int64_t id, int64_t revision) const;
  const ExternalOrg* FindExternalOrg(int64_t id, int64_t revision) const;
  const Alliance* FindAlliance(int64_t id, int64_t revision) const;
  const AllianceItem* FindAllianceItem(int64_t id, int64_t revision) const;

  // Alliances in ascending id order, from the first id above `after_id`,
  // while `visit` returns true. O(alliances).
  void ForEachAlliance(int64_t revision, int64_t after_id,
                       const std::function<bool(const Alliance&)>& visit) const;
  // The items of `alliance_id` in ascending id order, from the first id
  // above `after_id`, while `visit` returns true. O(the alliance's items).
  void ForEachAllianceItem(int64_t alliance_id, int64_t revision, int64_t after_id,
                           const std::function<bool(const AllianceItem&)>& visit) const;
  // In the newest state: how many live alliances count `external_org_id`
  // among their members.
  int AlliancesJoinedBy(int64_t external_org_id) const;

  // External organisations in ascending id order, from the first id above
  // `after_id`, while `visit` returns true. O(external organisations).
  void ForEachExternalOrg(int64_t revision, int64_t after_id,
                          const std::function<bool(const ExternalOrg&)>& visit) const;
  // In the newest state: the live external organisation of `district_id`
  // with credit code `code` other than `except_id`, 0 when none.
  int64_t LiveExternalOrgWithCreditCode(int64_t district_id, const std::string& code,
                                        int64_t except_id) const;
  // In the newest state: how many live compounds name `external_org_id` as
  // their property company.
  int CompoundsManagedBy(int64_t external_org_id) const;
  // Counts as of `revision`; nullopt when the unit did not exist.
  std::optional<DescendantCounts> Counts(int64_t id, int64_t revision) const;

  // The children of `parent_id` (0: the districts) in ascending id order,
  // from the first id above `after_id`, while `visit` returns true.
  void ForEachChild(int64_t parent_id, int64_t revision, int64_t after_id,
                    const std::function<bool(const Unit&)>& visit) const;

  // A live child of `parent_id` (0: a district) other than `except_id` whose
  // code is `code`, in the newest state; nullptr when there is none. O(1)
  // for a parent whose live children's codes are distinct, which every
  // write keeps so; a scan of the children otherwise (data written before
  // that rule).
  const Unit* LiveChildWithCode(int64_t parent_id, absl::string_view code, int64_t except_id) const;

  // The path from the root down to the unit's parent.
  std::vector<const Unit*> Ancestors(const Unit& unit, int64_t revision) const;

  // Continues a depth-first walk under `root_id` at `revision`: calls
  // `visit(unit, depth)` for up to `limit` descendants (depth 1 = children),
  // skipping deleted units and their subtrees unless `include_deleted`, and
  // not descending below `max_depth` (0: no limit). Updates `cursor`.
  void Walk(int64_t root_id, int64_t revision, int max_depth, int limit, WalkCursor& cursor,
            const std::function<void(const Unit&, int)>& visit, bool include_deleted = false) const;

  // The party organisations covering unit `unit_id` at `revision` (live and
  // deleted), ascending by id.
  std::vector<const PartyOrg*> CoveringOrgs(int64_t unit_id, int64_t revision) const;

  // Party organisations in ascending id order: the sub-organisations of
  // `parent_id`, or all of them when it is 0.
  void ForEachPartyOrg(int64_t parent_id, int64_t revision, int64_t after_id,
                       const std::function<bool(const PartyOrg&)>& visit) const;

 private:
  struct UnitNode {
    explicit UnitNode(Unit unit) : versions(std::move(unit)), counts(DescendantCounts{}) {}
    VersionChain<Unit> versions;
    VersionChain<DescendantCounts> counts;
    // Every unit that is, or at a retained revision was, a child; ascending.
    std::vector<int64_t> children;
    // Every org that covers, or at a retained revision covered, this unit.
    std::vector<int64_t> covering_orgs;
  };
  struct OrgNode {
    explicit OrgNode(PartyOrg org) : versions(std::move(org)) {}
    VersionChain<PartyOrg> versions;
    std::vector<int64_t> children;  // as UnitNode::children, for sub-orgs
  };
  // A member that left a list at `revision`; removed from it by Prune once
  // no retained version needs it there.
  struct Departure {
    enum class List { kUnitChildren, kOrgChildren, kCovering };
    int64_t revision;
    List list;
    int64_t owner;  // the unit or org whose list it is (0: the roots)
    int64_t member;
  };
  // A value that got an older version at `revision` and may be pruned later.
  struct Superseded {
    enum class Kind { kUnit, kCounts, kOrg };
    int64_t revision;
    Kind kind;
    int64_t id;
  };

  // The newest state's live units, found by (parent, code): the set holds
  // ids; hashing and comparing look at the units' head versions, so a unit
  // is taken out before its head changes and put back after. 8 bytes and a
  // control byte a unit instead of a copy of each code.
  struct SiblingCode {
    int64_t parent_id;
    absl::string_view code;
  };
  struct SiblingCodeHash {
    using is_transparent = void;
    const OrgIndex* index;
    size_t operator()(const SiblingCode& key) const;
    size_t operator()(int64_t id) const;
  };
  struct SiblingCodeEq {
    using is_transparent = void;
    const OrgIndex* index;
    SiblingCode KeyOf(int64_t id) const;
    bool operator()(int64_t a, int64_t b) const { return a == b || (*this)(KeyOf(a), b); }
    bool operator()(const SiblingCode& a, int64_t b) const;
    bool operator()(int64_t a, const SiblingCode& b) const { return (*this)(b, a); }
    bool operator()(const SiblingCode& a, const SiblingCode& b) const {
      return a.parent_id == b.parent_id && a.code == b.code;
    }
  };
  void IndexCode(int64_t id);
  void UnindexCode(int64_t id);

  UnitNode* unit_node(int64_t id);
  const UnitNode* unit_node(int64_t id) const;
  OrgNode* org_node(int64_t id);
  const OrgNode* org_node(int64_t id) const;
  std::vector<int64_t>& children_of(int64_t parent_id);
  const std::vector<int64_t>* children_of(int64_t parent_id) const;

  void ApplyUnit(const std::optional<Snapshot>& before, const Unit& after);
  void ApplyPartyOrg(const std::optional<Snapshot>& before, const PartyOrg& after);
  void ApplyExternalOrg(const ExternalOrg& after);
  void ApplyAlliance(const Alliance& after);
  void ApplyAllianceItem(const AllianceItem& after);
  // Keeps managed_compounds_ in step with a unit's head changing from `old`
  // (nullptr: new) to `now`.
  void CountManagedCompound(const Unit* old, const Unit& now);
  // Adds `delta` live units per level to the counts of every ancestor of
  // `parent_id`, `parent_id` included, at `revision`.
  void AddToAncestors(int64_t parent_id, const std::array<int32_t, kLevelCount>& delta,
                      int64_t revision);
  void PruneDeparture(const Departure& departure);

  // Indexed by id; slot 0 is unused. Ids are dense and never reused.
  std::vector<std::unique_ptr<UnitNode>> units_;
  std::vector<std::unique_ptr<OrgNode>> orgs_;
  VersionedTable<ExternalOrg> external_orgs_;
  VersionedTable<Alliance> alliances_;
  VersionedTable<AllianceItem> alliance_items_;
  // Every item id of an alliance, ascending (items are never deleted).
  absl::flat_hash_map<int64_t, std::vector<int64_t>> items_of_alliance_;
  // Head state only: live alliances per member external organisation.
  absl::flat_hash_map<int64_t, int> alliance_memberships_;
  // Head state only: live external organisations by (district, credit
  // code), and live compounds per property company.
  absl::flat_hash_map<std::pair<int64_t, std::string>, int64_t> live_credit_codes_;
  absl::flat_hash_map<int64_t, int> managed_compounds_;
  std::vector<int64_t> roots_;         // districts, ascending
  std::deque<Departure> departures_;   // ascending by revision
  std::deque<Superseded> superseded_;  // ascending by revision
  int64_t published_revision_ = 0;
  int64_t oldest_readable_ = 0;
  absl::flat_hash_set<int64_t, SiblingCodeHash, SiblingCodeEq> live_codes_{0, SiblingCodeHash{this},
                                                                           SiblingCodeEq{this}};
  // Parents with two live children of one code (possible only in data from
  // before the rule): lookups under them scan the children.
  absl::flat_hash_set<int64_t> parents_with_duplicate_codes_;
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_INDEX_H_
