#include "activity_service/activity_index.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace grassroots::activity {
namespace {

absl::Span<const int64_t> Lookup(const auto& map, int64_t key) {
  auto it = map.find(key);
  if (it == map.end()) return {};
  return absl::MakeConstSpan(it->second);
}

// The entry id of "creditAccounts/{person}/entries/{id}"; 0 for anything
// else.
int64_t CreditEntryIdOf(absl::string_view name) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  int64_t person = 0, id = 0;
  if (parts.size() != 4 || parts[0] != "creditAccounts" || parts[2] != "entries" ||
      !absl::SimpleAtoi(parts[1], &person) || !absl::SimpleAtoi(parts[3], &id) || person <= 0 ||
      id <= 0) {
    return 0;
  }
  return id;
}

// Adds `entry` to `account`, which then carries the entry's revision and
// time as its own.
void AddEntry(CreditAccount& account, const CreditEntry& entry) {
  account.Add(entry);
  account.revision = entry.revision;
  account.update_time = entry.create_time;
}

}  // namespace

void ActivityIndex::Append(IdList& ids, int64_t id) {
  if (ids.empty() || ids.back() < id) {
    ids.push_back(id);
  } else if (!std::binary_search(ids.begin(), ids.end(), id)) {
    ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
  }
}

void ActivityIndex::Index(const Activity& after) {
  activities_.Put(after);
  // Every place it was ever at: a list checks the place at its revision.
  if (after.place_id != 0) Append(activities_at_[after.place_id], after.id);
}

void ActivityIndex::Index(const Attendance& after) {
  attendances_.Put(after);
  Append(attendances_of_[after.activity_id], after.id);
  if (!after.key.empty()) attendance_by_key_[{after.activity_id, after.key}] = after.id;
  if (after.person_id != 0) attendance_by_person_[{after.activity_id, after.person_id}] = after.id;
}

void ActivityIndex::Index(const CreditEntry& after) {
  entries_.Put(after);
  Append(entries_of_[after.person_id], after.id);
  AccountRow row;
  if (const AccountRow* current = accounts_.At(after.person_id, kHead)) {
    row = *current;
  } else {
    row.account.person_id = after.person_id;
  }
  row.id = after.person_id;
  AddEntry(row.account, after);
  row.revision = row.account.revision;
  accounts_.Put(row);
}

void ActivityIndex::Index(const ServicePoint* before, const ServicePoint& after) {
  points_.Put(after);
  Append(points_at_[after.unit_id], after.id);
  if (before != nullptr && !before->deleted) {
    auto it = live_point_names_.find({before->unit_id, before->display_name});
    if (it != live_point_names_.end() && it->second == before->id) live_point_names_.erase(it);
  }
  if (!after.deleted) live_point_names_[{after.unit_id, after.display_name}] = after.id;
}

void ActivityIndex::Apply(const Mutation& mutation) {
  for (const Change& change : mutation.changes) {
    if (const auto* activity = std::get_if<Activity>(&change.after)) {
      Index(*activity);
    } else if (const auto* attendance = std::get_if<Attendance>(&change.after)) {
      Index(*attendance);
    } else if (const auto* entry = std::get_if<CreditEntry>(&change.after)) {
      Index(*entry);
    } else {
      const ServicePoint* before =
          change.before ? std::get_if<ServicePoint>(&*change.before) : nullptr;
      Index(before, std::get<ServicePoint>(change.after));
    }
  }
}

void ActivityIndex::Prune(int64_t horizon) {
  horizon = std::min(horizon, published_revision_);
  if (horizon <= oldest_readable_) return;
  oldest_readable_ = horizon;
  activities_.Prune(horizon);
  attendances_.Prune(horizon);
  entries_.Prune(horizon);
  points_.Prune(horizon);
  accounts_.Prune(horizon);
}

void ActivityIndex::Reset(StoredActivities stored) {
  *this = ActivityIndex();
  activities_.Reserve(stored.max_activity_id);
  attendances_.Reserve(stored.max_attendance_id);
  entries_.Reserve(stored.max_credit_entry_id);
  points_.Reserve(stored.max_service_point_id);
  for (const Activity& activity : stored.activities) Index(activity);
  for (const Attendance& attendance : stored.attendances) Index(attendance);
  // Each account from its entries (ascending by id: in the order made),
  // stored once: a load keeps no versions older than its revision.
  absl::flat_hash_map<int64_t, CreditAccount> accounts;
  for (const CreditEntry& entry : stored.credit_entries) {
    entries_.Put(entry);
    Append(entries_of_[entry.person_id], entry.id);
    CreditAccount& account = accounts[entry.person_id];
    account.person_id = entry.person_id;
    AddEntry(account, entry);
  }
  for (auto& [person, account] : accounts) {
    accounts_.Put(AccountRow{.id = person, .revision = account.revision, .account = account});
  }
  for (const ServicePoint& point : stored.service_points) Index(nullptr, point);
  published_revision_ = stored.revision;
  oldest_readable_ = stored.revision;
}

absl::StatusOr<Snapshot> ActivityIndex::FindByName(const std::string& name) const {
  if (auto line = ParseAttendanceName(name, "request_id"); line.ok()) {
    const Attendance* found = FindAttendance(line->id, kHead);
    if (found != nullptr && found->activity_id == line->activity_id) return *found;
  } else if (auto id = ParseActivityName(name, "request_id"); id.ok()) {
    if (const Activity* found = FindActivity(*id, kHead)) return *found;
  } else if (auto point = ParseServicePointName(name, "request_id"); point.ok()) {
    if (const ServicePoint* found = FindServicePoint(*point, kHead)) return *found;
  } else if (const int64_t entry = CreditEntryIdOf(name); entry != 0) {
    if (const CreditEntry* found = FindCreditEntry(entry, kHead)) return *found;
  }
  return absl::InternalError(absl::StrCat("request_id: names ", name, ", which is not loaded"));
}

const CreditAccount* ActivityIndex::FindCreditAccount(int64_t person_id, int64_t revision) const {
  const AccountRow* row = accounts_.At(person_id, revision);
  return row == nullptr ? nullptr : &row->account;
}

absl::Span<const int64_t> ActivityIndex::ActivitiesAt(int64_t unit_id) const {
  return Lookup(activities_at_, unit_id);
}

absl::Span<const int64_t> ActivityIndex::AttendancesOf(int64_t activity_id) const {
  return Lookup(attendances_of_, activity_id);
}

int64_t ActivityIndex::AttendanceWithKey(int64_t activity_id, const std::string& key) const {
  auto it = attendance_by_key_.find(std::make_pair(activity_id, key));
  return it == attendance_by_key_.end() ? 0 : it->second;
}

int64_t ActivityIndex::AttendanceOfPerson(int64_t activity_id, int64_t person_id) const {
  auto it = attendance_by_person_.find(std::make_pair(activity_id, person_id));
  return it == attendance_by_person_.end() ? 0 : it->second;
}

absl::Span<const int64_t> ActivityIndex::CreditEntriesOf(int64_t person_id) const {
  return Lookup(entries_of_, person_id);
}

absl::Span<const int64_t> ActivityIndex::ServicePointsAt(int64_t unit_id) const {
  return Lookup(points_at_, unit_id);
}

int64_t ActivityIndex::LiveServicePointNamed(int64_t unit_id,
                                             const std::string& display_name) const {
  auto it = live_point_names_.find(std::make_pair(unit_id, display_name));
  return it == live_point_names_.end() ? 0 : it->second;
}

}  // namespace grassroots::activity
