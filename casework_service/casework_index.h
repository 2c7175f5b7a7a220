#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_INDEX_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_INDEX_H_

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/btree_set.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "casework_service/casework_event.h"
#include "casework_service/casework_store.h"
#include "common/versioned_table.h"

namespace grassroots::casework {

// The casework state in memory, with every version a read at a retained
// revision may need (see CommitEngine for the State contract it fulfils).
//
// Secondary indexes:
//  - issues under a unit: for each unit an issue names (its place and the
//    compound, community, street and district of its chain, which never
//    change), every issue id, ascending. Exact at every revision, as the
//    fields are immutable.
//  - open issues under a unit, at the newest state only, plus the issues
//    that stopped being open at a retained revision: what a list of open
//    issues walks, so that its cost does not grow with closed issues.
//  - open issues by due time (the newest state, only those a level above
//    can still take: below DISTRICT): what the sweeper walks, O(overdue).
//  - dispatches of an issue.
//
// Not thread-safe: the CommitEngine guards it.
class CaseworkIndex {
 public:
  static constexpr int64_t kHead = INT64_MAX;
  using DueEntry = std::pair<absl::Time, int64_t>;  // (due time, issue id)

  // --- The CommitEngine State contract.
  int64_t published_revision() const { return published_revision_; }
  int64_t oldest_readable_revision() const { return oldest_readable_; }
  void Apply(const Mutation& mutation);
  void Publish(int64_t revision) { published_revision_ = revision; }
  void Prune(int64_t horizon);
  void Reset(StoredCasework stored);
  absl::StatusOr<Snapshot> FindByName(const std::string& name) const;

  // --- Reads at `revision` (published, or kHead for the writer).
  const Issue* FindIssue(int64_t id, int64_t revision) const { return issues_.At(id, revision); }
  const Dispatch* FindDispatch(int64_t id, int64_t revision) const {
    return dispatches_.At(id, revision);
  }
  int64_t max_issue_id() const { return issues_.max_id(); }
  int64_t max_dispatch_id() const { return dispatches_.max_id(); }

  // Every issue ever reported at or below `unit_id`, ascending.
  absl::Span<const int64_t> IssuesUnder(int64_t unit_id) const;
  // The issue of district `district_id` imported with `key` (newest
  // state); 0 for none. Keys are unique per district: each district's
  // hotline numbers its own tickets.
  int64_t IssueWithKey(int64_t district_id, const std::string& key) const;
  // Every dispatch of `issue_id`, ascending.
  absl::Span<const int64_t> DispatchesOf(int64_t issue_id) const;

  // The ids above `after`, ascending, of the issues under `unit_id` (0:
  // anywhere) that may be open at `revision` (a published one): those open
  // now, and those that were open until a revision after `revision`. The
  // caller checks each at `revision`.
  std::vector<int64_t> MaybeOpenUnder(int64_t unit_id, int64_t after, int64_t revision,
                                      size_t limit) const;

  // Open issues below DISTRICT by due time, in the newest state (the
  // writer's view).
  const absl::btree_set<DueEntry>& open_by_due() const { return open_by_due_; }

 private:
  using IdList = std::vector<int64_t>;
  static void Append(IdList& ids, int64_t id);
  // The units an issue is filed under: its place and its chain, distinct.
  static std::vector<int64_t> UnitsOf(const Issue& issue);
  void Index(const Issue* before, const Issue& after, int64_t revision);
  void Index(const Dispatch& after);

  VersionedTable<Issue> issues_;
  VersionedTable<Dispatch> dispatches_;
  absl::flat_hash_map<int64_t, IdList> issues_under_;
  absl::flat_hash_map<int64_t, IdList> dispatches_of_;
  absl::flat_hash_map<std::string, int64_t> issues_by_key_;            // keys never change
  absl::flat_hash_map<int64_t, absl::btree_set<int64_t>> open_under_;  // newest state; 0: all
  std::deque<std::pair<int64_t, int64_t>> left_open_;  // (revision, issue id), ascending
  absl::btree_set<DueEntry> open_by_due_;
  int64_t published_revision_ = 0;
  int64_t oldest_readable_ = 0;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_INDEX_H_
