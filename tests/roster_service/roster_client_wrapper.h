#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_CLIENT_WRAPPER_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_CLIENT_WRAPPER_H_

// A synchronous RosterService client for the integration tests that puts a
// deadline on every call and pages through lists.

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "grassroots/type/date.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "tests/org_service/paged_calls.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/watch_stream.h"

namespace grassroots::roster::testing {

namespace v1 = ::grassroots::roster::v1;
using ::grassroots::org::testing::Pages;

using RosterEventWatch = ::grassroots::testing::WatchStream<v1::WatchEventsResponse>;

// A synchronous RosterService client. Every call carries a deadline of
// `timeout`; errors come back as absl::Status with the gRPC code and message.
class RosterClient {
 public:
  using Stub = v1::RosterService::StubInterface;

  explicit RosterClient(const std::shared_ptr<grpc::Channel>& channel,
                        absl::Duration timeout = ::grassroots::testing::kDefaultRpcTimeout);

  Stub& stub() const { return *stub_; }

  // Any unary RPC: client.Call(&Stub::GetPerson, request).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request) const {
    return ::grassroots::org::testing::CallWithDeadline(*stub_, method, request, timeout_);
  }

  // --- People.

  absl::StatusOr<v1::Person> CreatePerson(const v1::Person& person,
                                          absl::string_view request_id = "") const;

  absl::StatusOr<v1::Person> GetPerson(absl::string_view name) const;

  absl::StatusOr<std::vector<v1::Person>> BatchGetPeople(
      const std::vector<std::string>& names) const;

  // `paths` empty: no update_mask at all.
  absl::StatusOr<v1::Person> UpdatePerson(const v1::Person& person,
                                          const std::vector<std::string>& paths) const;

  absl::StatusOr<v1::Person> DeletePerson(absl::string_view name,
                                          absl::string_view etag = "") const;

  absl::StatusOr<v1::ListPeopleResponse> ListPeople(const v1::ListPeopleRequest& request) const;

  absl::StatusOr<Pages<v1::Person>> ListAllPeople(v1::ListPeopleRequest request) const;

  absl::StatusOr<v1::Person> LookupPersonByIdCard(absl::string_view number) const;

  // --- Memberships and registrations.

  absl::StatusOr<v1::Membership> StartMembership(absl::string_view person,
                                                 absl::string_view party_org,
                                                 const grassroots::type::Date& start) const;

  absl::StatusOr<v1::Membership> TransferMembership(absl::string_view person,
                                                    absl::string_view party_org,
                                                    const grassroots::type::Date& date) const;

  absl::StatusOr<Pages<v1::Membership>> ListAllMemberships(
      v1::ListMembershipsRequest request) const;

  // All memberships under `parent` (`people/{id}` or `people/-`), all pages.
  absl::StatusOr<std::vector<v1::Membership>> Memberships(absl::string_view parent) const;

  absl::StatusOr<v1::Registration> CreateRegistration(absl::string_view person,
                                                      absl::string_view community,
                                                      const grassroots::type::Date& start) const;

  // All registrations under `parent` (`people/{id}` or `people/-`), all pages.
  absl::StatusOr<std::vector<v1::Registration>> Registrations(absl::string_view parent) const;

  // --- Roles.

  absl::StatusOr<v1::RoleAssignment> AssignRole(const v1::RoleAssignment& assignment,
                                                absl::string_view request_id = "") const;

  absl::StatusOr<v1::RoleAssignment> EndRoleAssignment(absl::string_view name,
                                                       const grassroots::type::Date& end,
                                                       absl::string_view etag = "") const;

  absl::StatusOr<v1::RoleAssignment> GetRoleAssignment(absl::string_view name) const;

  absl::StatusOr<Pages<v1::RoleAssignment>> ListAllRoleAssignments(
      v1::ListRoleAssignmentsRequest request) const;

  // The names of the role assignments `request` lists, all pages.
  absl::StatusOr<std::vector<std::string>> RoleAssignmentNames(
      v1::ListRoleAssignmentsRequest request) const;

  // --- Events.

  absl::StatusOr<v1::ListEventsResponse> ListEvents(int64_t start_revision, int32_t page_size,
                                                    absl::string_view page_token = "") const;

  // Every event from `start_revision` on, paging with `page_size`.
  absl::StatusOr<Pages<v1::Event>> ListAllEvents(int64_t start_revision,
                                                 int32_t page_size = 1000) const;

  // The latest committed revision, as ListEvents reports it.
  absl::StatusOr<int64_t> CurrentRevision() const;

  std::unique_ptr<RosterEventWatch> Watch(int64_t start_revision, int32_t start_index,
                                          absl::Duration timeout) const;

 private:
  // Follows next_page_token until it is empty, at most kMaxPages pages.
  template <typename Item, typename Request, typename Response, typename ItemsOf,
            typename RevisionOf>
  absl::StatusOr<Pages<Item>> ListAll(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                                      Request request, ItemsOf items_of,
                                      RevisionOf revision_of) const {
    return ::grassroots::org::testing::ListAllPages<Item>(
        [&](const Request& r) { return Call(method, r); }, std::move(request), items_of,
        revision_of);
  }

  std::unique_ptr<Stub> stub_;
  absl::Duration timeout_;
};

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_CLIENT_WRAPPER_H_
