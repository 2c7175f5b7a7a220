#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_CLIENT_WRAPPER_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_CLIENT_WRAPPER_H_

// A synchronous OrgService client for the integration tests that puts a
// deadline on every call and pages through lists, and a reader of the
// WatchEvents stream.

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/org/v1/resources.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "tests/org_service/paged_calls.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/watch_stream.h"

namespace grassroots::org::testing {

namespace v1 = ::grassroots::org::v1;

// What a ListDescendants stream returned.
struct Descendants {
  std::vector<v1::Unit> units;
  std::vector<int64_t> batch_revisions;
};

// Reads a WatchEvents stream event by event (tests/testing/watch_stream.h).
using EventWatch = ::grassroots::testing::WatchStream<v1::WatchEventsResponse>;

// A synchronous OrgService client. Every call carries a deadline of
// `timeout`; errors come back as absl::Status with the gRPC code and message.
class OrgClient {
 public:
  explicit OrgClient(const std::shared_ptr<grpc::Channel>& channel,
                     absl::Duration timeout = ::grassroots::testing::kDefaultRpcTimeout);

  v1::OrgService::StubInterface& stub() const { return *stub_; }
  absl::Duration timeout() const { return timeout_; }

  // Any unary RPC: client.Call(&v1::OrgService::StubInterface::GetUnit, request).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (v1::OrgService::StubInterface::*method)(
                                    grpc::ClientContext*, const Request&, Response*),
                                const Request& request) const {
    return CallWithDeadline(*stub_, method, request, timeout_);
  }

  // --- Units.

  absl::StatusOr<v1::Unit> CreateUnit(const v1::Unit& unit,
                                      absl::string_view request_id = "") const;
  absl::StatusOr<v1::Unit> GetUnit(absl::string_view name) const;
  absl::StatusOr<std::vector<v1::Unit>> BatchGetUnits(const std::vector<std::string>& names) const;
  // `paths` empty: no update_mask at all.
  absl::StatusOr<v1::Unit> UpdateUnit(const v1::Unit& unit,
                                      const std::vector<std::string>& paths) const;
  absl::StatusOr<v1::Unit> DeleteUnit(absl::string_view name, bool cascade = false,
                                      absl::string_view etag = "") const;
  absl::StatusOr<v1::Unit> UndeleteUnit(absl::string_view name, bool cascade = false) const;
  absl::StatusOr<v1::Unit> MoveUnit(absl::string_view name, absl::string_view new_parent,
                                    absl::string_view etag = "") const;
  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const v1::ListUnitsRequest& request) const;

  // All pages from `request` on, following next_page_token.
  absl::StatusOr<Pages<v1::Unit>> ListAllUnits(v1::ListUnitsRequest request) const;

  // The live children of `parent` ("" for the districts), all pages.
  absl::StatusOr<std::vector<v1::Unit>> Children(absl::string_view parent,
                                                 bool show_deleted = false) const;

  absl::StatusOr<v1::GetAncestorsResponse> GetAncestors(absl::string_view name) const;

  // Reads the whole stream.
  absl::StatusOr<Descendants> ListDescendants(const v1::ListDescendantsRequest& request) const;
  absl::StatusOr<Descendants> ListDescendants(absl::string_view name, int max_depth = 0,
                                              const std::vector<v1::Level>& levels = {},
                                              int64_t read_revision = 0) const;

  absl::StatusOr<v1::CountDescendantsResponse> CountDescendants(absl::string_view name,
                                                                int64_t read_revision = 0) const;

  absl::StatusOr<v1::GetCoveringPartyOrgResponse> GetCoveringPartyOrg(absl::string_view unit) const;

  // --- Party organisations.

  absl::StatusOr<v1::PartyOrg> CreatePartyOrg(const v1::PartyOrg& org,
                                              absl::string_view request_id = "") const;
  absl::StatusOr<v1::PartyOrg> GetPartyOrg(absl::string_view name) const;
  absl::StatusOr<std::vector<v1::PartyOrg>> BatchGetPartyOrgs(
      const std::vector<std::string>& names) const;
  absl::StatusOr<v1::PartyOrg> UpdatePartyOrg(const v1::PartyOrg& org,
                                              const std::vector<std::string>& paths) const;
  absl::StatusOr<v1::PartyOrg> DeletePartyOrg(absl::string_view name, bool cascade = false,
                                              absl::string_view etag = "") const;
  absl::StatusOr<v1::PartyOrg> UndeletePartyOrg(absl::string_view name, bool cascade = false) const;
  absl::StatusOr<Pages<v1::PartyOrg>> ListAllPartyOrgs(v1::ListPartyOrgsRequest request) const;

  // --- Events.

  absl::StatusOr<v1::ListEventsResponse> ListEvents(int64_t start_revision, int32_t page_size,
                                                    absl::string_view page_token = "") const;

  // Every event from `start_revision` on, paging with `page_size`.
  absl::StatusOr<Pages<v1::Event>> ListAllEvents(int64_t start_revision,
                                                 int32_t page_size = 1000) const;

  // The latest committed revision, as ListEvents reports it.
  absl::StatusOr<int64_t> CurrentRevision() const;

  std::unique_ptr<EventWatch> Watch(int64_t start_revision, int32_t start_index,
                                    absl::Duration timeout) const;

 private:
  // Follows next_page_token until it is empty, at most kMaxPages pages.
  template <typename Item, typename Request, typename Response, typename ItemsOf,
            typename RevisionOf>
  absl::StatusOr<Pages<Item>> ListAll(grpc::Status (v1::OrgService::StubInterface::*method)(
                                          grpc::ClientContext*, const Request&, Response*),
                                      Request request, ItemsOf items_of,
                                      RevisionOf revision_of) const {
    return ListAllPages<Item>([&](const Request& r) { return Call(method, r); }, std::move(request),
                              items_of, revision_of);
  }

  std::unique_ptr<v1::OrgService::StubInterface> stub_;
  absl::Duration timeout_;
};

// Creates `count` buildings under `compound`, named "1号楼", "2号楼"... and
// coded `code_prefix` + number; stops at the first error.
absl::StatusOr<std::vector<v1::Unit>> CreateBuildings(const OrgClient& client,
                                                      absl::string_view compound, int count,
                                                      absl::string_view code_prefix = "N");

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_CLIENT_WRAPPER_H_
