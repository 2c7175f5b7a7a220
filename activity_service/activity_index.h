#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_INDEX_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_INDEX_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "activity_service/activity_event.h"
#include "activity_service/activity_store.h"
#include "common/versioned_table.h"

namespace grassroots::activity {

// The activity state in memory, with every version a read at a retained
// revision may need (see CommitEngine for the State contract it fulfils).
//
// Tables (VersionedTable, so reads at a pinned revision see that revision):
// activities, attendance lines, credit entries, service points, and the
// credit accounts by person (derived from the entries: an account is never
// stored, and a read is O(1)).
//
// Secondary indexes:
//  - activities by place unit: every unit an activity was ever placed at
//    (the place of a DRAFT may change), its id, ascending. A list checks
//    the activity's place at its revision, so a move is exact.
//  - attendance lines by activity; the line of (activity, key) and of
//    (activity, person), newest state (lines never change), for the writer.
//  - credit entries by person.
//  - service points by unit (immutable), and the live point of each
//    (unit, display name), newest state, for the writer's uniqueness rule.
//
// Not thread-safe: the CommitEngine guards it.
class ActivityIndex {
 public:
  static constexpr int64_t kHead = INT64_MAX;

  // --- The CommitEngine State contract.
  int64_t published_revision() const { return published_revision_; }
  int64_t oldest_readable_revision() const { return oldest_readable_; }
  void Apply(const Mutation& mutation);
  void Publish(int64_t revision) { published_revision_ = revision; }
  void Prune(int64_t horizon);
  void Reset(StoredActivities stored);
  absl::StatusOr<Snapshot> FindByName(const std::string& name) const;

  // --- Reads at `revision` (published, or kHead for the writer).
  const Activity* FindActivity(int64_t id, int64_t revision) const {
    return activities_.At(id, revision);
  }
  const Attendance* FindAttendance(int64_t id, int64_t revision) const {
    return attendances_.At(id, revision);
  }
  const CreditEntry* FindCreditEntry(int64_t id, int64_t revision) const {
    return entries_.At(id, revision);
  }
  const ServicePoint* FindServicePoint(int64_t id, int64_t revision) const {
    return points_.At(id, revision);
  }
  // The account of `person_id` as of `revision`; nullptr when it had no
  // entry yet.
  const CreditAccount* FindCreditAccount(int64_t person_id, int64_t revision) const;

  int64_t max_activity_id() const { return activities_.max_id(); }
  int64_t max_attendance_id() const { return attendances_.max_id(); }
  int64_t max_credit_entry_id() const { return entries_.max_id(); }
  int64_t max_service_point_id() const { return points_.max_id(); }

  // Every activity ever placed at unit `unit_id`, ascending.
  absl::Span<const int64_t> ActivitiesAt(int64_t unit_id) const;
  // Every line of `activity_id`, ascending.
  absl::Span<const int64_t> AttendancesOf(int64_t activity_id) const;
  // The line of `activity_id` with sign-in key `key` / for `person_id`
  // (newest state); 0 for none.
  int64_t AttendanceWithKey(int64_t activity_id, const std::string& key) const;
  int64_t AttendanceOfPerson(int64_t activity_id, int64_t person_id) const;
  // Every credit entry of `person_id`, ascending.
  absl::Span<const int64_t> CreditEntriesOf(int64_t person_id) const;
  // Every service point of unit `unit_id`, live or deleted, ascending.
  absl::Span<const int64_t> ServicePointsAt(int64_t unit_id) const;
  // The live point of `unit_id` named `display_name` (newest state); 0 for
  // none.
  int64_t LiveServicePointNamed(int64_t unit_id, const std::string& display_name) const;

 private:
  using IdList = std::vector<int64_t>;
  // A version of a person's account, as VersionedTable keeps rows: by id
  // (the person) and revision (of its last entry).
  struct AccountRow {
    int64_t id = 0;
    int64_t revision = 0;
    CreditAccount account;
  };

  static void Append(IdList& ids, int64_t id);
  void Index(const Activity& after);
  void Index(const Attendance& after);
  void Index(const CreditEntry& after);
  void Index(const ServicePoint* before, const ServicePoint& after);

  VersionedTable<Activity> activities_;
  VersionedTable<Attendance> attendances_;
  VersionedTable<CreditEntry> entries_;
  VersionedTable<ServicePoint> points_;
  VersionedTable<AccountRow> accounts_;
  absl::flat_hash_map<int64_t, IdList> activities_at_;
  absl::flat_hash_map<int64_t, IdList> attendances_of_;
  absl::flat_hash_map<std::pair<int64_t, std::string>, int64_t> attendance_by_key_;
  absl::flat_hash_map<std::pair<int64_t, int64_t>, int64_t> attendance_by_person_;
  absl::flat_hash_map<int64_t, IdList> entries_of_;
  absl::flat_hash_map<int64_t, IdList> points_at_;
  absl::flat_hash_map<std::pair<int64_t, std::string>, int64_t> live_point_names_;
  int64_t published_revision_ = 0;
  int64_t oldest_readable_ = 0;
};

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_INDEX_H_
