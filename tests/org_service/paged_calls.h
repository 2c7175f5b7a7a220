#ifndef GRASSROOTS_TESTS_ORG_SERVICE_PAGED_CALLS_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_PAGED_CALLS_H_

// How the test clients of every service call: a unary RPC with a deadline,
// its error as absl::Status, and a list followed page by page. Templates over
// the stub and the messages, so they stay in this header; the org and roster
// clients (org_client_wrapper.h, roster_client_wrapper.h) both use them.

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {

// Everything a paged list returned, page by page.
template <typename Item>
struct Pages {
  std::vector<Item> items;         // all pages, in order
  std::vector<int> page_sizes;     // items per page
  std::vector<int64_t> revisions;  // each page's revision (current_revision for events)
};

// Calls the unary `method` of `stub` with a deadline of `timeout`; a failed
// call comes back as absl::Status with the gRPC code and message.
template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> CallWithDeadline(Stub& stub,
                                          grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                       const Request&, Response*),
                                          const Request& request, absl::Duration timeout) {
  auto context = ::grassroots::testing::NewClientContext(timeout);
  Response response;
  const grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
  return response;
}

// Calls `call` (a Request -> absl::StatusOr<Response> function) with
// `request`, then again with each next_page_token until it is empty, at most
// kMaxPages pages; `items_of` and `revision_of` read a response's items and
// revision. An error names the page that failed.
template <typename Item, typename Request, typename Call, typename ItemsOf, typename RevisionOf>
absl::StatusOr<Pages<Item>> ListAllPages(const Call& call, Request request, ItemsOf items_of,
                                         RevisionOf revision_of) {
  constexpr int kMaxPages = 10000;
  Pages<Item> pages;
  for (int page = 0; page < kMaxPages; ++page) {
    auto response = call(request);
    if (!response.ok()) {
      return absl::Status(response.status().code(),
                          absl::StrCat("page ", page + 1, ": ", response.status().message()));
    }
    const auto& items = items_of(*response);
    pages.items.insert(pages.items.end(), items.begin(), items.end());
    pages.page_sizes.push_back(static_cast<int>(items.size()));
    pages.revisions.push_back(revision_of(*response));
    if (response->next_page_token().empty()) return pages;
    request.set_page_token(response->next_page_token());
  }
  return absl::OutOfRangeError(absl::StrCat("still more pages after ", kMaxPages));
}

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_PAGED_CALLS_H_
