#include "tests/roster_service/roster_client_wrapper.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "tests/org_service/org_builders.h"
#include "tests/testing/server_process.h"

namespace grassroots::roster::testing {

using ::grassroots::org::testing::NamesOf;

RosterClient::RosterClient(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout)
    : stub_(v1::RosterService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::Person> RosterClient::CreatePerson(const v1::Person& person,
                                                      absl::string_view request_id) const {
  v1::CreatePersonRequest request;
  *request.mutable_person() = person;
  request.set_request_id(std::string(request_id));
  return Call(&Stub::CreatePerson, request);
}

absl::StatusOr<v1::Person> RosterClient::GetPerson(absl::string_view name) const {
  v1::GetPersonRequest request;
  request.set_name(std::string(name));
  return Call(&Stub::GetPerson, request);
}

absl::StatusOr<std::vector<v1::Person>> RosterClient::BatchGetPeople(
    const std::vector<std::string>& names) const {
  v1::BatchGetPeopleRequest request;
  for (const std::string& name : names) request.add_names(name);
  absl::StatusOr<v1::BatchGetPeopleResponse> response = Call(&Stub::BatchGetPeople, request);
  if (!response.ok()) return response.status();
  return std::vector<v1::Person>(response->people().begin(), response->people().end());
}

absl::StatusOr<v1::Person> RosterClient::UpdatePerson(const v1::Person& person,
                                                      const std::vector<std::string>& paths) const {
  v1::UpdatePersonRequest request;
  *request.mutable_person() = person;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return Call(&Stub::UpdatePerson, request);
}

absl::StatusOr<v1::Person> RosterClient::DeletePerson(absl::string_view name,
                                                      absl::string_view etag) const {
  v1::DeletePersonRequest request;
  request.set_name(std::string(name));
  request.set_etag(std::string(etag));
  return Call(&Stub::DeletePerson, request);
}

absl::StatusOr<v1::ListPeopleResponse> RosterClient::ListPeople(
    const v1::ListPeopleRequest& request) const {
  return Call(&Stub::ListPeople, request);
}

absl::StatusOr<Pages<v1::Person>> RosterClient::ListAllPeople(v1::ListPeopleRequest request) const {
  return ListAll<v1::Person>(
      &Stub::ListPeople, std::move(request),
      [](const v1::ListPeopleResponse& r) -> const auto& { return r.people(); },
      [](const v1::ListPeopleResponse& r) { return r.revision(); });
}

absl::StatusOr<v1::Person> RosterClient::LookupPersonByIdCard(absl::string_view number) const {
  v1::LookupPersonByIdCardRequest request;
  request.set_id_card_number(std::string(number));
  return Call(&Stub::LookupPersonByIdCard, request);
}

absl::StatusOr<v1::Membership> RosterClient::StartMembership(
    absl::string_view person, absl::string_view party_org,
    const grassroots::type::Date& start) const {
  v1::StartMembershipRequest request;
  request.set_person(std::string(person));
  request.set_party_org(std::string(party_org));
  *request.mutable_start_date() = start;
  return Call(&Stub::StartMembership, request);
}

absl::StatusOr<v1::Membership> RosterClient::TransferMembership(
    absl::string_view person, absl::string_view party_org,
    const grassroots::type::Date& date) const {
  v1::TransferMembershipRequest request;
  request.set_person(std::string(person));
  request.set_party_org(std::string(party_org));
  *request.mutable_date() = date;
  return Call(&Stub::TransferMembership, request);
}

absl::StatusOr<Pages<v1::Membership>> RosterClient::ListAllMemberships(
    v1::ListMembershipsRequest request) const {
  return ListAll<v1::Membership>(
      &Stub::ListMemberships, std::move(request),
      [](const v1::ListMembershipsResponse& r) -> const auto& { return r.memberships(); },
      [](const v1::ListMembershipsResponse& r) { return r.revision(); });
}

absl::StatusOr<std::vector<v1::Membership>> RosterClient::Memberships(
    absl::string_view parent) const {
  v1::ListMembershipsRequest request;
  request.set_parent(std::string(parent));
  absl::StatusOr<Pages<v1::Membership>> pages = ListAllMemberships(std::move(request));
  if (!pages.ok()) return pages.status();
  return std::move(pages->items);
}

absl::StatusOr<v1::Registration> RosterClient::CreateRegistration(
    absl::string_view person, absl::string_view community,
    const grassroots::type::Date& start) const {
  v1::CreateRegistrationRequest request;
  request.set_person(std::string(person));
  request.set_community(std::string(community));
  *request.mutable_start_date() = start;
  return Call(&Stub::CreateRegistration, request);
}

absl::StatusOr<std::vector<v1::Registration>> RosterClient::Registrations(
    absl::string_view parent) const {
  v1::ListRegistrationsRequest request;
  request.set_parent(std::string(parent));
  absl::StatusOr<Pages<v1::Registration>> pages = ListAll<v1::Registration>(
      &Stub::ListRegistrations, std::move(request),
      [](const v1::ListRegistrationsResponse& r) -> const auto& { return r.registrations(); },
      [](const v1::ListRegistrationsResponse& r) { return r.revision(); });
  if (!pages.ok()) return pages.status();
  return std::move(pages->items);
}

absl::StatusOr<v1::RoleAssignment> RosterClient::AssignRole(const v1::RoleAssignment& assignment,
                                                            absl::string_view request_id) const {
  v1::AssignRoleRequest request;
  *request.mutable_role_assignment() = assignment;
  request.set_request_id(std::string(request_id));
  return Call(&Stub::AssignRole, request);
}

absl::StatusOr<v1::RoleAssignment> RosterClient::EndRoleAssignment(
    absl::string_view name, const grassroots::type::Date& end, absl::string_view etag) const {
  v1::EndRoleAssignmentRequest request;
  request.set_name(std::string(name));
  *request.mutable_end_date() = end;
  request.set_etag(std::string(etag));
  return Call(&Stub::EndRoleAssignment, request);
}

absl::StatusOr<v1::RoleAssignment> RosterClient::GetRoleAssignment(absl::string_view name) const {
  v1::GetRoleAssignmentRequest request;
  request.set_name(std::string(name));
  return Call(&Stub::GetRoleAssignment, request);
}

absl::StatusOr<Pages<v1::RoleAssignment>> RosterClient::ListAllRoleAssignments(
    v1::ListRoleAssignmentsRequest request) const {
  return ListAll<v1::RoleAssignment>(
      &Stub::ListRoleAssignments, std::move(request),
      [](const v1::ListRoleAssignmentsResponse& r) -> const auto& { return r.role_assignments(); },
      [](const v1::ListRoleAssignmentsResponse& r) { return r.revision(); });
}

absl::StatusOr<std::vector<std::string>> RosterClient::RoleAssignmentNames(
    v1::ListRoleAssignmentsRequest request) const {
  absl::StatusOr<Pages<v1::RoleAssignment>> pages = ListAllRoleAssignments(std::move(request));
  if (!pages.ok()) return pages.status();
  return NamesOf(pages->items);
}

absl::StatusOr<v1::ListEventsResponse> RosterClient::ListEvents(
    int64_t start_revision, int32_t page_size, absl::string_view page_token) const {
  v1::ListEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return Call(&Stub::ListEvents, request);
}

absl::StatusOr<Pages<v1::Event>> RosterClient::ListAllEvents(int64_t start_revision,
                                                             int32_t page_size) const {
  v1::ListEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_page_size(page_size);
  return ListAll<v1::Event>(
      &Stub::ListEvents, std::move(request),
      [](const v1::ListEventsResponse& r) -> const auto& { return r.events(); },
      [](const v1::ListEventsResponse& r) { return r.current_revision(); });
}

absl::StatusOr<int64_t> RosterClient::CurrentRevision() const {
  absl::StatusOr<v1::ListEventsResponse> response = ListEvents(1, 1);
  if (!response.ok()) return response.status();
  return response->current_revision();
}

std::unique_ptr<RosterEventWatch> RosterClient::Watch(int64_t start_revision, int32_t start_index,
                                                      absl::Duration timeout) const {
  v1::WatchEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_start_index(start_index);
  return std::make_unique<RosterEventWatch>(
      timeout, [&](grpc::ClientContext* context) { return stub_->WatchEvents(context, request); });
}

}  // namespace grassroots::roster::testing
