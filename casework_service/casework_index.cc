#include "casework_service/casework_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace grassroots::casework {
namespace {

absl::Span<const int64_t> Lookup(const auto& map, int64_t key) {
  auto it = map.find(key);
  if (it == map.end()) return {};
  return absl::MakeConstSpan(it->second);
}

bool Sweepable(const Issue& issue) {
  return IsOpen(issue.state) && issue.has_due_time() &&
         issue.handling_level != HandlingLevel::kDistrict;
}

}  // namespace

void CaseworkIndex::Append(IdList& ids, int64_t id) {
  if (ids.empty() || ids.back() < id) {
    ids.push_back(id);
  } else if (!std::binary_search(ids.begin(), ids.end(), id)) {
    ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
  }
}

std::vector<int64_t> CaseworkIndex::UnitsOf(const Issue& issue) {
  std::vector<int64_t> units = {issue.place_id, issue.chain.compound_id, issue.chain.community_id,
                                issue.chain.street_id, issue.chain.district_id};
  units.erase(std::remove(units.begin(), units.end(), 0), units.end());
  std::sort(units.begin(), units.end());
  units.erase(std::unique(units.begin(), units.end()), units.end());
  return units;
}

void CaseworkIndex::Index(const Issue* before, const Issue& after, int64_t revision) {
  issues_.Put(after);
  const std::vector<int64_t> units = UnitsOf(after);
  if (before == nullptr) {
    for (int64_t unit : units) Append(issues_under_[unit], after.id);
    if (!after.external_key.empty()) {
      issues_by_key_[absl::StrCat(after.chain.district_id, "/", after.external_key)] = after.id;
    }
  }
  const bool was_open = before != nullptr && IsOpen(before->state);
  const bool is_open = IsOpen(after.state);
  if (is_open && !was_open) {
    open_under_[0].insert(after.id);
    for (int64_t unit : units) open_under_[unit].insert(after.id);
  } else if (was_open && !is_open) {
    open_under_[0].erase(after.id);
    for (int64_t unit : units) open_under_[unit].erase(after.id);
    left_open_.emplace_back(revision, after.id);
  }
  if (before != nullptr && Sweepable(*before)) open_by_due_.erase({before->due_time, before->id});
  if (Sweepable(after)) open_by_due_.insert({after.due_time, after.id});
}

void CaseworkIndex::Index(const Dispatch& after) {
  dispatches_.Put(after);
  Append(dispatches_of_[after.issue_id], after.id);
}

void CaseworkIndex::Apply(const Mutation& mutation) {
  for (const Change& change : mutation.changes) {
    if (const auto* issue = std::get_if<Issue>(&change.after)) {
      const Issue* before = change.before ? std::get_if<Issue>(&*change.before) : nullptr;
      Index(before, *issue, mutation.revision);
    } else {
      Index(std::get<Dispatch>(change.after));
    }
  }
}

void CaseworkIndex::Prune(int64_t horizon) {
  horizon = std::min(horizon, published_revision_);
  if (horizon <= oldest_readable_) return;
  oldest_readable_ = horizon;
  issues_.Prune(horizon);
  dispatches_.Prune(horizon);
  // An issue that left the open set at or before the oldest readable
  // revision is closed at every revision a read may ask for.
  while (!left_open_.empty() && left_open_.front().first <= horizon) left_open_.pop_front();
}

void CaseworkIndex::Reset(StoredCasework stored) {
  *this = CaseworkIndex();
  issues_.Reserve(stored.max_issue_id);
  dispatches_.Reserve(stored.max_dispatch_id);
  for (const Issue& issue : stored.issues) Index(nullptr, issue, stored.revision);
  for (const Dispatch& dispatch : stored.dispatches) Index(dispatch);
  published_revision_ = stored.revision;
  oldest_readable_ = stored.revision;
}

absl::StatusOr<Snapshot> CaseworkIndex::FindByName(const std::string& name) const {
  if (auto id = ParseIssueName(name, "request_id"); id.ok()) {
    if (const Issue* issue = FindIssue(*id, kHead)) return *issue;
  } else if (auto dispatch = ParseDispatchName(name, "request_id"); dispatch.ok()) {
    if (const Dispatch* found = FindDispatch(dispatch->id, kHead)) return *found;
  }
  return absl::InternalError(absl::StrCat("request_id: names ", name, ", which is not loaded"));
}

absl::Span<const int64_t> CaseworkIndex::IssuesUnder(int64_t unit_id) const {
  return Lookup(issues_under_, unit_id);
}

int64_t CaseworkIndex::IssueWithKey(int64_t district_id, const std::string& key) const {
  auto it = issues_by_key_.find(absl::StrCat(district_id, "/", key));
  return it == issues_by_key_.end() ? 0 : it->second;
}

absl::Span<const int64_t> CaseworkIndex::DispatchesOf(int64_t issue_id) const {
  return Lookup(dispatches_of_, issue_id);
}

std::vector<int64_t> CaseworkIndex::MaybeOpenUnder(int64_t unit_id, int64_t after, int64_t revision,
                                                   size_t limit) const {
  std::vector<int64_t> ids;
  if (auto it = open_under_.find(unit_id); it != open_under_.end()) {
    for (auto id = it->second.upper_bound(after); id != it->second.end() && ids.size() < limit;
         ++id) {
      ids.push_back(*id);
    }
  }
  // Those closed after `revision`: few (the retention window's), checked
  // against the unit here because the open sets no longer hold them.
  const auto first =
      std::upper_bound(left_open_.begin(), left_open_.end(), std::make_pair(revision, INT64_MAX));
  bool added = false;
  for (auto it = first; it != left_open_.end(); ++it) {
    const int64_t id = it->second;
    if (id <= after) continue;
    if (unit_id != 0) {
      const Issue* issue = issues_.At(id, kHead);
      if (issue == nullptr) continue;
      const std::vector<int64_t> units = UnitsOf(*issue);
      if (!std::binary_search(units.begin(), units.end(), unit_id)) continue;
    }
    ids.push_back(id);
    added = true;
  }
  if (added) {
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    if (ids.size() > limit) ids.resize(limit);
  }
  return ids;
}

}  // namespace grassroots::casework
