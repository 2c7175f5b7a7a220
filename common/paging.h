#ifndef GRASSROOTS_COMMON_PAGING_H_
#define GRASSROOTS_COMMON_PAGING_H_

// The pieces every paged List and every BatchGet of the suite share.

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "common/page_token.h"
#include "common/status_macros.h"

namespace grassroots {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 1000;
inline constexpr size_t kMaxBatchGet = 1000;

template <typename T>
struct Page {
  std::vector<T> items;
  std::string next_page_token;  // empty on the last page
  int64_t revision = 0;         // the revision the page was read at
};

// Collects one page of a scan in ascending id order (`T` has an `id`).
template <typename T>
class PageCollector {
 public:
  PageCollector(int page_size, int64_t revision) : page_size_(page_size) {
    page_.revision = revision;
  }
  // Takes `item` while the page has room. Once it is full, one more item
  // shows that another page exists: returns false to end the scan.
  bool Offer(const T& item) {
    if (static_cast<int>(page_.items.size()) == page_size_) {
      more_ = true;
      return false;
    }
    page_.items.push_back(item);
    return true;
  }
  Page<T> Finish(uint64_t fingerprint) && {
    if (more_) {
      page_.next_page_token = EncodePageToken({.revision = page_.revision,
                                               .last_key = page_.items.back().id,
                                               .request_fingerprint = fingerprint});
    }
    return std::move(page_);
  }

 private:
  const int page_size_;
  bool more_ = false;
  Page<T> page_;
};

// Offers the rows of `ids` (ascending) past the cursor, as of `revision`,
// that `keep` accepts.
template <typename T, typename Find, typename Keep>
void OfferFrom(absl::Span<const int64_t> ids, int64_t after_id, Find find, Keep keep,
               PageCollector<T>& page) {
  for (auto it = std::upper_bound(ids.begin(), ids.end(), after_id); it != ids.end(); ++it) {
    const T* row = find(*it);
    if (row != nullptr && keep(*row) && !page.Offer(*row)) return;
  }
}

// Offers the rows with ids after_id+1..max_id, for lists without a narrower
// index. Lazily: a page costs its own rows, not every row past the cursor.
template <typename T, typename Find, typename Keep>
void OfferRange(int64_t after_id, int64_t max_id, Find find, Keep keep, PageCollector<T>& page) {
  for (int64_t id = after_id + 1; id <= max_id; ++id) {
    const T* row = find(id);
    if (row != nullptr && keep(*row) && !page.Offer(*row)) return;
  }
}

// What every paged list request carries besides its conditions.
struct ListRequest {
  int page_size = 0;
  PageCursor cursor;  // last_key: the last id returned (0 on the first page)
  uint64_t fingerprint = 0;
  // The revision to read at: the first page's for a token, else the request's.
  int64_t revision = 0;
};

// `fingerprint` hashes the request's conditions (StableHasher), so that a
// token is refused with other conditions.
inline absl::StatusOr<ListRequest> ParseListRequest(uint64_t fingerprint, int32_t page_size,
                                                    const std::string& page_token,
                                                    int64_t read_revision) {
  ListRequest request;
  ASSIGN_OR_RETURN(request.page_size, ResolvePageSize(page_size, kDefaultPageSize, kMaxPageSize));
  request.fingerprint = fingerprint;
  request.revision = read_revision;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(request.cursor, DecodePageToken(page_token, fingerprint));
    request.revision = request.cursor.revision;
  }
  return request;
}

// All of `ids` found by `find` (a pointer or nullptr), in order, or
// `not_found(id, "names")` for the first missing. 1..kMaxBatchGet ids.
template <typename T, typename Find>
absl::StatusOr<std::vector<T>> GetAll(absl::Span<const int64_t> ids, Find find,
                                      absl::Status (*not_found)(int64_t, absl::string_view)) {
  if (ids.empty() || ids.size() > kMaxBatchGet) {
    return absl::InvalidArgumentError(
        absl::StrCat("names: between 1 and ", kMaxBatchGet, " names are needed; got ", ids.size()));
  }
  std::vector<T> found;
  found.reserve(ids.size());
  for (int64_t id : ids) {
    const T* resource = find(id);
    if (resource == nullptr) return not_found(id, "names");
    found.push_back(*resource);
  }
  return found;
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PAGING_H_
