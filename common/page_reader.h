#ifndef GRASSROOTS_COMMON_PAGE_READER_H_
#define GRASSROOTS_COMMON_PAGE_READER_H_

// The client side of our List calls: every page, each read at the revision
// of the first, so that what is read is one consistent state however many
// pages it takes (docs/consistency.md).

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "common/status_macros.h"

namespace grassroots {

// Reads every page of a List call. `call(request, page)` makes one call and
// returns its status; `take(page)` keeps what it needs. The first page fixes
// the revision (unless `request` already names one) and `*revision` is set
// to it when not null. Stops at the first error.
template <typename Response, typename Request, typename Call, typename Take>
absl::Status ReadAllPages(Request request, Call call, Take take, int64_t* revision = nullptr) {
  do {
    Response page;
    RETURN_IF_ERROR(call(request, page));
    take(page);
    if (revision != nullptr) *revision = page.revision();
    request.set_read_revision(page.revision());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return absl::OkStatus();
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PAGE_READER_H_
