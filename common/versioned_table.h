#ifndef GRASSROOTS_COMMON_VERSIONED_TABLE_H_
#define GRASSROOTS_COMMON_VERSIONED_TABLE_H_

#include <cstdint>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "common/version_chain.h"

namespace grassroots {

// Rows of `T` by dense positive id, each with the versions a read at a
// retained revision may need. `T` has `int64_t id` and `int64_t revision`.
// Not thread-safe: the owner guards it.
template <typename T>
class VersionedTable {
 public:
  // Makes `row` the newest version of row `row.id`.
  void Put(const T& row) {
    if (row.id >= static_cast<int64_t>(rows_.size())) rows_.resize(row.id + 1);
    auto& chain = rows_[row.id];
    if (chain == nullptr) {
      chain = std::make_unique<VersionChain<T>>(row);
      return;
    }
    if (chain->head().revision != row.revision) superseded_.emplace_back(row.revision, row.id);
    chain->Push(row);
  }

  // The row as of `revision`, or nullptr when it did not exist yet.
  const T* At(int64_t id, int64_t revision) const {
    if (id <= 0 || id >= static_cast<int64_t>(rows_.size()) || rows_[id] == nullptr) {
      return nullptr;
    }
    return rows_[id]->At(revision);
  }

  // Forgets versions superseded at or before `horizon`.
  void Prune(int64_t horizon) {
    while (!superseded_.empty() && superseded_.front().first <= horizon) {
      rows_[superseded_.front().second]->Prune(horizon);
      superseded_.pop_front();
    }
  }

  void Clear() {
    rows_.clear();
    superseded_.clear();
  }
  void Reserve(int64_t max_id) { rows_.resize(std::max<int64_t>(rows_.size(), max_id + 1)); }
  int64_t max_id() const { return static_cast<int64_t>(rows_.size()) - 1; }

 private:
  std::vector<std::unique_ptr<VersionChain<T>>> rows_;  // slot 0 unused
  std::deque<std::pair<int64_t, int64_t>> superseded_;  // (revision, id), ascending
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_VERSIONED_TABLE_H_
