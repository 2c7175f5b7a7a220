#ifndef GRASSROOTS_COMMON_VERSION_CHAIN_H_
#define GRASSROOTS_COMMON_VERSION_CHAIN_H_

#include <cstdint>
#include <utility>
#include <vector>

namespace grassroots {

// The versions of one value over revisions, for reads at a past revision
// (MVCC). `T` has an `int64_t revision` member: the revision at which that
// version became current. Most values have only their newest version, held
// inline; older ones exist only while changes are younger than the
// retention horizon.
//
// Not thread-safe: the owner guards it.
template <typename T>
class VersionChain {
 public:
  explicit VersionChain(T first) : head_(std::move(first)) {}

  // The newest version, which may be newer than any published revision.
  const T& head() const { return head_; }
  T& mutable_head() { return head_; }

  // The version current at `revision`, or nullptr when the value did not
  // exist yet.
  const T* At(int64_t revision) const {
    if (head_.revision <= revision) return &head_;
    for (auto it = older_.rbegin(); it != older_.rend(); ++it) {
      if (it->revision <= revision) return &*it;
    }
    return nullptr;
  }

  // Makes `next` the newest version. A second change at the head's own
  // revision replaces the head instead of keeping both.
  void Push(T next) {
    if (next.revision != head_.revision) older_.push_back(std::move(head_));
    head_ = std::move(next);
  }

  bool has_history() const { return !older_.empty(); }

  // Drops versions nobody can read any more: those superseded at or before
  // `horizon`, keeping the one current at `horizon`.
  void Prune(int64_t horizon) {
    size_t keep_from = older_.size();  // index of the version current at horizon
    if (head_.revision <= horizon) {
      older_.clear();
      older_.shrink_to_fit();
      return;
    }
    for (size_t i = older_.size(); i-- > 0;) {
      if (older_[i].revision <= horizon) {
        keep_from = i;
        break;
      }
    }
    if (keep_from == older_.size()) return;  // all are newer than the horizon
    older_.erase(older_.begin(), older_.begin() + static_cast<ptrdiff_t>(keep_from));
  }

  // The retained versions, oldest first, then the head.
  template <typename F>
  void ForEach(F&& f) const {
    for (const T& v : older_) f(v);
    f(head_);
  }

 private:
  T head_;
  std::vector<T> older_;  // ascending by revision
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_VERSION_CHAIN_H_
