#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_

// What the integration tests of the roster service share: a synchronous
// RosterService client that puts a deadline on every call and pages through
// lists, a watch-stream reader, builders for people and roles with valid
// ID-card numbers, event-log checks, and a fixture that runs a real
// org_service and a real roster_service pointed at it (ORG_SERVICE_BINARY
// and ROSTER_SERVICE_BINARY, compile definitions of the test target), each
// on port 0 with its own data directory.
//
// The org side (its client, the sample district) comes from
// tests/org_service/org_test_support.h.

#include <cstdint>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "grassroots/type/date.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/testing/event_checks.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

#ifndef ROSTER_SERVICE_BINARY
#error "ROSTER_SERVICE_BINARY must name the roster_service binary (see tests/CMakeLists.txt)"
#endif

namespace grassroots::roster::testing {

namespace v1 = ::grassroots::roster::v1;
namespace org_v1 = ::grassroots::org::v1;
using ::grassroots::org::testing::IdOf;
using ::grassroots::org::testing::NamesOf;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::Pages;

// ---------------------------------------------------------------------------
// Dates.

inline grassroots::type::Date MakeDate(int year, int month, int day) {
  grassroots::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

inline grassroots::type::Date DateOf(absl::CivilDay day) {
  return MakeDate(static_cast<int>(day.year()), day.month(), day.day());
}

// Today in China (UTC+8), the day the roster counts roles current by.
inline absl::CivilDay TodayInChina() {
  return ::grassroots::ChinaDay(absl::Now());
}

// ---------------------------------------------------------------------------
// Personal data of test people.

// A valid 18-character resident ID-card number, distinct for each `n` >= 0:
// region 110105, a birth date of 1 January 1970 plus n / 1000 days, the
// sequence n % 1000, and the GB 11643 check character.
inline std::string TestIdCardNumber(int n) {
  const absl::CivilDay birth = absl::CivilDay(1970, 1, 1) + n / 1000;
  const std::string first17 =
      absl::StrFormat("110105%04d%02d%02d%03d", birth.year(), birth.month(), birth.day(), n % 1000);
  return absl::StrCat(first17, std::string(1, IdCardCheckCharacter(first17)));
}

// The number with a wrong check character.
inline std::string WithWrongCheckCharacter(const std::string& number) {
  const char right = number.back();
  const char wrong = right == '0' ? '1' : '0';
  return absl::StrCat(number.substr(0, 17), std::string(1, wrong));
}

// A mainland mobile number, 1380013xxxx.
inline std::string TestPhone(int n) { return absl::StrFormat("1380013%04d", n % 10000); }

// What a caller without the grant must see, spelt out here rather than taken
// from the server's own masking code: the region code and the last four
// characters of an ID-card number, the first three and last four digits of
// a phone.
inline std::string ExpectedIdCardMask(const std::string& number) {
  return absl::StrCat(number.substr(0, 6), "********", number.substr(14));
}
inline std::string ExpectedPhoneMask(const std::string& phone) {
  return absl::StrCat(phone.substr(0, 3), "****", phone.substr(7));
}

// ---------------------------------------------------------------------------
// Builders.

// A person who is not a party member.
inline v1::Person NewPerson(absl::string_view display_name, absl::string_view id_card_number = "",
                            absl::string_view phone = "") {
  v1::Person person;
  person.set_display_name(std::string(display_name));
  person.set_id_card_number(std::string(id_card_number));
  person.set_phone(std::string(phone));
  person.set_party_status(v1::Person::NONE);
  return person;
}

// A party member admitted on 1 July 2005.
inline v1::Person NewMember(absl::string_view display_name, v1::Person::PartyStatus status,
                            v1::Person::MemberCategory category,
                            absl::string_view id_card_number = "", absl::string_view phone = "") {
  v1::Person person = NewPerson(display_name, id_card_number, phone);
  person.set_party_status(status);
  person.set_member_category(category);
  *person.mutable_admission_date() = MakeDate(2005, 7, 1);
  return person;
}

inline v1::RoleAssignment NewRole(absl::string_view person, v1::Role role, absl::string_view place,
                                  const grassroots::type::Date& start = MakeDate(2023, 1, 1)) {
  v1::RoleAssignment assignment;
  assignment.set_person(std::string(person));
  assignment.set_role(role);
  assignment.set_place(std::string(place));
  *assignment.mutable_start_date() = start;
  return assignment;
}

// ---------------------------------------------------------------------------
// Streams.

// Reads a WatchEvents stream event by event; `Response` has
// `repeated Event events`. The deadline given at the start bounds every
// wait; the destructor cancels a call still open.
//
// Written once for any service's WatchEvents (the org tests' EventWatch is
// bound to the org protos).
template <typename Response>
class WatchStream {
 public:
  using Event = std::decay_t<decltype(std::declval<Response>().events(0))>;

  // `open` starts the call on the context it is given.
  WatchStream(absl::Duration timeout,
              const std::function<std::unique_ptr<grpc::ClientReaderInterface<Response>>(
                  grpc::ClientContext*)>& open)
      : context_(::grassroots::testing::NewClientContext(timeout)), reader_(open(context_.get())) {}
  ~WatchStream() { (void)Cancel(); }
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // The next event, in stream order. An error when the stream ends (with its
  // status, or INTERNAL when it ended OK) or the deadline passes.
  absl::StatusOr<Event> Next() {
    constexpr int kMaxEmptyBatches = 100000;  // keep-alives, if a server sends them
    for (int empty = 0; pending_.empty(); ++empty) {
      if (finished_ || empty >= kMaxEmptyBatches) {
        return absl::InternalError("the watch stream has ended");
      }
      Response batch;
      if (!reader_->Read(&batch)) {
        finished_ = true;
        final_status_ = reader_->Finish();
        if (!final_status_.ok()) return ::grassroots::testing::ToAbslStatus(final_status_);
        return absl::InternalError("the watch stream ended with OK");
      }
      for (Event& event : *batch.mutable_events()) pending_.push_back(std::move(event));
    }
    Event event = std::move(pending_.front());
    pending_.pop_front();
    return event;
  }

  // Reads `count` events.
  absl::StatusOr<std::vector<Event>> Take(int count) {
    std::vector<Event> events;
    for (int i = 0; i < count; ++i) {
      absl::StatusOr<Event> event = Next();
      if (!event.ok()) {
        return absl::Status(
            event.status().code(),
            absl::StrCat("after ", i, " of ", count, " events: ", event.status().message()));
      }
      events.push_back(*std::move(event));
    }
    return events;
  }

  // Cancels the call (events received but not taken are dropped) and returns
  // its final status; the status of the earlier end when it had ended.
  grpc::Status Cancel() {
    if (!finished_) {
      finished_ = true;
      context_->TryCancel();
      Response ignored;
      for (int i = 0; i < 100000 && reader_->Read(&ignored); ++i) {
      }
      final_status_ = reader_->Finish();
    }
    pending_.clear();
    return final_status_;
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderInterface<Response>> reader_;
  std::deque<Event> pending_;
  bool finished_ = false;
  grpc::Status final_status_;
};

using RosterEventWatch = WatchStream<v1::WatchEventsResponse>;

// ---------------------------------------------------------------------------
// The client.

// A synchronous RosterService client. Every call carries a deadline of
// `timeout`; errors come back as absl::Status with the gRPC code and message.
class RosterClient {
 public:
  using Stub = v1::RosterService::StubInterface;

  explicit RosterClient(const std::shared_ptr<grpc::Channel>& channel,
                        absl::Duration timeout = ::grassroots::testing::kDefaultRpcTimeout)
      : stub_(v1::RosterService::NewStub(channel)), timeout_(timeout) {}

  Stub& stub() const { return *stub_; }

  // Any unary RPC: client.Call(&Stub::GetPerson, request).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request) const {
    auto context = ::grassroots::testing::NewClientContext(timeout_);
    Response response;
    const grpc::Status status = (stub_.get()->*method)(context.get(), request, &response);
    if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
    return response;
  }

  // --- People.

  absl::StatusOr<v1::Person> CreatePerson(const v1::Person& person,
                                          absl::string_view request_id = "") const {
    v1::CreatePersonRequest request;
    *request.mutable_person() = person;
    request.set_request_id(std::string(request_id));
    return Call(&Stub::CreatePerson, request);
  }

  absl::StatusOr<v1::Person> GetPerson(absl::string_view name) const {
    v1::GetPersonRequest request;
    request.set_name(std::string(name));
    return Call(&Stub::GetPerson, request);
  }

  absl::StatusOr<std::vector<v1::Person>> BatchGetPeople(
      const std::vector<std::string>& names) const {
    v1::BatchGetPeopleRequest request;
    for (const std::string& name : names) request.add_names(name);
    absl::StatusOr<v1::BatchGetPeopleResponse> response = Call(&Stub::BatchGetPeople, request);
    if (!response.ok()) return response.status();
    return std::vector<v1::Person>(response->people().begin(), response->people().end());
  }

  // `paths` empty: no update_mask at all.
  absl::StatusOr<v1::Person> UpdatePerson(const v1::Person& person,
                                          const std::vector<std::string>& paths) const {
    v1::UpdatePersonRequest request;
    *request.mutable_person() = person;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return Call(&Stub::UpdatePerson, request);
  }

  absl::StatusOr<v1::Person> DeletePerson(absl::string_view name,
                                          absl::string_view etag = "") const {
    v1::DeletePersonRequest request;
    request.set_name(std::string(name));
    request.set_etag(std::string(etag));
    return Call(&Stub::DeletePerson, request);
  }

  absl::StatusOr<v1::ListPeopleResponse> ListPeople(const v1::ListPeopleRequest& request) const {
    return Call(&Stub::ListPeople, request);
  }

  absl::StatusOr<Pages<v1::Person>> ListAllPeople(v1::ListPeopleRequest request) const {
    return ListAll<v1::Person>(
        &Stub::ListPeople, std::move(request),
        [](const v1::ListPeopleResponse& r) -> const auto& { return r.people(); },
        [](const v1::ListPeopleResponse& r) { return r.revision(); });
  }

  absl::StatusOr<v1::Person> LookupPersonByIdCard(absl::string_view number) const {
    v1::LookupPersonByIdCardRequest request;
    request.set_id_card_number(std::string(number));
    return Call(&Stub::LookupPersonByIdCard, request);
  }

  // --- Memberships and registrations.

  absl::StatusOr<v1::Membership> StartMembership(absl::string_view person,
                                                 absl::string_view party_org,
                                                 const grassroots::type::Date& start) const {
    v1::StartMembershipRequest request;
    request.set_person(std::string(person));
    request.set_party_org(std::string(party_org));
    *request.mutable_start_date() = start;
    return Call(&Stub::StartMembership, request);
  }

  absl::StatusOr<v1::Membership> TransferMembership(absl::string_view person,
                                                    absl::string_view party_org,
                                                    const grassroots::type::Date& date) const {
    v1::TransferMembershipRequest request;
    request.set_person(std::string(person));
    request.set_party_org(std::string(party_org));
    *request.mutable_date() = date;
    return Call(&Stub::TransferMembership, request);
  }

  absl::StatusOr<Pages<v1::Membership>> ListAllMemberships(
      v1::ListMembershipsRequest request) const {
    return ListAll<v1::Membership>(
        &Stub::ListMemberships, std::move(request),
        [](const v1::ListMembershipsResponse& r) -> const auto& { return r.memberships(); },
        [](const v1::ListMembershipsResponse& r) { return r.revision(); });
  }

  // All memberships under `parent` (`people/{id}` or `people/-`), all pages.
  absl::StatusOr<std::vector<v1::Membership>> Memberships(absl::string_view parent) const {
    v1::ListMembershipsRequest request;
    request.set_parent(std::string(parent));
    absl::StatusOr<Pages<v1::Membership>> pages = ListAllMemberships(std::move(request));
    if (!pages.ok()) return pages.status();
    return std::move(pages->items);
  }

  absl::StatusOr<v1::Registration> CreateRegistration(absl::string_view person,
                                                      absl::string_view community,
                                                      const grassroots::type::Date& start) const {
    v1::CreateRegistrationRequest request;
    request.set_person(std::string(person));
    request.set_community(std::string(community));
    *request.mutable_start_date() = start;
    return Call(&Stub::CreateRegistration, request);
  }

  // All registrations under `parent` (`people/{id}` or `people/-`), all pages.
  absl::StatusOr<std::vector<v1::Registration>> Registrations(absl::string_view parent) const {
    v1::ListRegistrationsRequest request;
    request.set_parent(std::string(parent));
    absl::StatusOr<Pages<v1::Registration>> pages = ListAll<v1::Registration>(
        &Stub::ListRegistrations, std::move(request),
        [](const v1::ListRegistrationsResponse& r) -> const auto& { return r.registrations(); },
        [](const v1::ListRegistrationsResponse& r) { return r.revision(); });
    if (!pages.ok()) return pages.status();
    return std::move(pages->items);
  }

  // --- Roles.

  absl::StatusOr<v1::RoleAssignment> AssignRole(const v1::RoleAssignment& assignment,
                                                absl::string_view request_id = "") const {
    v1::AssignRoleRequest request;
    *request.mutable_role_assignment() = assignment;
    request.set_request_id(std::string(request_id));
    return Call(&Stub::AssignRole, request);
  }

  absl::StatusOr<v1::RoleAssignment> EndRoleAssignment(absl::string_view name,
                                                       const grassroots::type::Date& end,
                                                       absl::string_view etag = "") const {
    v1::EndRoleAssignmentRequest request;
    request.set_name(std::string(name));
    *request.mutable_end_date() = end;
    request.set_etag(std::string(etag));
    return Call(&Stub::EndRoleAssignment, request);
  }

  absl::StatusOr<v1::RoleAssignment> GetRoleAssignment(absl::string_view name) const {
    v1::GetRoleAssignmentRequest request;
    request.set_name(std::string(name));
    return Call(&Stub::GetRoleAssignment, request);
  }

  absl::StatusOr<Pages<v1::RoleAssignment>> ListAllRoleAssignments(
      v1::ListRoleAssignmentsRequest request) const {
    return ListAll<v1::RoleAssignment>(
        &Stub::ListRoleAssignments, std::move(request),
        [](const v1::ListRoleAssignmentsResponse& r) -> const auto& {
          return r.role_assignments();
        },
        [](const v1::ListRoleAssignmentsResponse& r) { return r.revision(); });
  }

  // The names of the role assignments `request` lists, all pages.
  absl::StatusOr<std::vector<std::string>> RoleAssignmentNames(
      v1::ListRoleAssignmentsRequest request) const {
    absl::StatusOr<Pages<v1::RoleAssignment>> pages = ListAllRoleAssignments(std::move(request));
    if (!pages.ok()) return pages.status();
    return NamesOf(pages->items);
  }

  // --- Events.

  absl::StatusOr<v1::ListEventsResponse> ListEvents(int64_t start_revision, int32_t page_size,
                                                    absl::string_view page_token = "") const {
    v1::ListEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_page_size(page_size);
    request.set_page_token(std::string(page_token));
    return Call(&Stub::ListEvents, request);
  }

  // Every event from `start_revision` on, paging with `page_size`.
  absl::StatusOr<Pages<v1::Event>> ListAllEvents(int64_t start_revision,
                                                 int32_t page_size = 1000) const {
    v1::ListEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_page_size(page_size);
    return ListAll<v1::Event>(
        &Stub::ListEvents, std::move(request),
        [](const v1::ListEventsResponse& r) -> const auto& { return r.events(); },
        [](const v1::ListEventsResponse& r) { return r.current_revision(); });
  }

  // The latest committed revision, as ListEvents reports it.
  absl::StatusOr<int64_t> CurrentRevision() const {
    absl::StatusOr<v1::ListEventsResponse> response = ListEvents(1, 1);
    if (!response.ok()) return response.status();
    return response->current_revision();
  }

  std::unique_ptr<RosterEventWatch> Watch(int64_t start_revision, int32_t start_index,
                                          absl::Duration timeout) const {
    v1::WatchEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_start_index(start_index);
    return std::make_unique<RosterEventWatch>(timeout, [&](grpc::ClientContext* context) {
      return stub_->WatchEvents(context, request);
    });
  }

 private:
  // Follows next_page_token until it is empty, at most kMaxPages pages.
  template <typename Item, typename Request, typename Response, typename ItemsOf,
            typename RevisionOf>
  absl::StatusOr<Pages<Item>> ListAll(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                   const Request&, Response*),
                                      Request request, ItemsOf items_of,
                                      RevisionOf revision_of) const {
    constexpr int kMaxPages = 10000;
    Pages<Item> pages;
    for (int page = 0; page < kMaxPages; ++page) {
      absl::StatusOr<Response> response = Call(method, request);
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

  std::unique_ptr<Stub> stub_;
  absl::Duration timeout_;
};

// A list request for role assignments at `place`, optionally with
// everything below it, only of `roles` (all when empty).
inline v1::ListRoleAssignmentsRequest RolesAtRequest(absl::string_view place,
                                                     bool include_descendants,
                                                     const std::vector<v1::Role>& roles = {}) {
  v1::ListRoleAssignmentsRequest request;
  request.set_place(std::string(place));
  request.set_include_descendants(include_descendants);
  for (v1::Role role : roles) request.add_roles(role);
  return request;
}

// ---------------------------------------------------------------------------
// The event log.

using ::grassroots::testing::EventsAreContiguous;

// ---------------------------------------------------------------------------
// Waiting.

// Calls `attempt` every `interval` until it returns OK or `timeout` passes;
// returns the last status (with the time waited when it never succeeded).
inline absl::Status RetryFor(absl::Duration timeout, absl::Duration interval,
                             const std::function<absl::Status()>& attempt) {
  const absl::Time deadline = absl::Now() + timeout;
  const absl::Time start = absl::Now();
  while (true) {
    absl::Status status = attempt();
    if (status.ok()) return status;
    if (absl::Now() + interval > deadline) {
      return absl::Status(status.code(), absl::StrCat("still failing after ",
                                                      absl::FormatDuration(absl::Now() - start),
                                                      ": ", status.message()));
    }
    absl::SleepFor(interval);
  }
}

// ---------------------------------------------------------------------------
// The fixture.

// How long the roster may take to follow the org service: the replica
// bootstrapping after a start, or applying an event.
inline constexpr absl::Duration kReplicaCatchUp = absl::Seconds(5);
// The roster's deadline for each call to the org service.
inline constexpr absl::Duration kOrgDeadline = absl::Seconds(1);

// Starts, for each test, a fresh org_service and a roster_service pointed at
// it (--org_deadline=1s), each with its own data directory, and connects a
// client to each. The org service can be stopped and started again on the
// same port and data directory, so that the roster finds it again. On
// failure, TearDown prints both servers' logs.
class RosterServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    org_data_dir_ = dirs_.File("org-data");
    ::grassroots::testing::ServerOptions org_options;
    org_options.binary = ORG_SERVICE_BINARY;
    org_options.data_dir = org_data_dir_;
    ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(org_options));
    org_port_ = org_server_->port();
    ConnectOrg();

    ::grassroots::testing::ServerOptions roster_options;
    roster_options.binary = ROSTER_SERVICE_BINARY;
    roster_options.extra_args = {
        absl::StrCat("--org_service=127.0.0.1:", org_port_),
        absl::StrCat("--org_deadline=", absl::FormatDuration(kOrgDeadline))};
    ASSERT_OK_AND_ASSIGN(roster_server_,
                         ::grassroots::testing::ServerProcess::Launch(roster_options));
    ConnectRoster();
  }

  void TearDown() override {
    if (!HasFailure()) return;
    for (const auto& server : old_org_servers_) PrintLog("org_service (earlier run)", *server);
    if (org_server_ != nullptr) PrintLog("org_service", *org_server_);
    if (roster_server_ != nullptr) PrintLog("roster_service", *roster_server_);
  }

  static void PrintLog(absl::string_view what, const ::grassroots::testing::ServerProcess& server) {
    std::cerr << "---- " << what << " log (" << server.log_path() << ") ----\n"
              << server.ReadLog() << "---- end of log ----\n";
  }

  void ConnectOrg() {
    org_channel_ = ::grassroots::testing::CreateTestChannel(org_server_->address());
    org_client_ = std::make_unique<OrgClient>(org_channel_);
  }
  void ConnectRoster() {
    roster_channel_ = ::grassroots::testing::CreateTestChannel(roster_server_->address());
    roster_client_ = std::make_unique<RosterClient>(roster_channel_);
  }

  // SIGTERM to the org service; it must exit with code 0.
  void StopOrg() {
    ASSERT_THAT(org_server_->Stop(SIGTERM), ::grassroots::testing::IsOkAndHolds(0));
  }

  // Starts the org service again on its data directory and on the port the
  // roster knows (a later --listen overrides the helper's port 0).
  void StartOrgAgain() {
    ASSERT_FALSE(org_server_->running());
    ::grassroots::testing::ServerOptions options;
    options.binary = ORG_SERVICE_BINARY;
    options.data_dir = org_data_dir_;
    options.extra_args = {absl::StrCat("--listen=127.0.0.1:", org_port_)};
    old_org_servers_.push_back(std::move(org_server_));
    ASSERT_OK_AND_ASSIGN(org_server_, ::grassroots::testing::ServerProcess::Launch(options));
    ASSERT_EQ(org_server_->port(), org_port_);
    ConnectOrg();
  }

  // SIGTERM to the roster (exit code 0), start on the same data directory,
  // reconnect.
  void RestartRoster() {
    ASSERT_THAT(roster_server_->Stop(SIGTERM), ::grassroots::testing::IsOkAndHolds(0));
    ASSERT_OK(roster_server_->Start());
    ConnectRoster();
  }

  // Waits until the roster's replica of the hierarchy has loaded and knows
  // `unit` (a subtree listing answers).
  absl::Status WaitForReplicaToKnow(absl::string_view unit) {
    return RetryFor(kReplicaCatchUp, absl::Milliseconds(20), [&] {
      v1::ListRoleAssignmentsRequest request = RolesAtRequest(unit, /*include_descendants=*/true);
      request.set_page_size(1);
      return roster().ListAllRoleAssignments(request).status();
    });
  }

  const OrgClient& org() const { return *org_client_; }
  const RosterClient& roster() const { return *roster_client_; }
  ::grassroots::testing::ServerProcess& org_server() { return *org_server_; }
  ::grassroots::testing::ServerProcess& roster_server() { return *roster_server_; }

  ::grassroots::testing::TempDir dirs_;  // first: removed after the processes are gone
  std::string org_data_dir_;
  int org_port_ = 0;
  std::vector<std::unique_ptr<::grassroots::testing::ServerProcess>> old_org_servers_;
  std::unique_ptr<::grassroots::testing::ServerProcess> org_server_;
  std::unique_ptr<::grassroots::testing::ServerProcess> roster_server_;
  std::shared_ptr<grpc::Channel> org_channel_;
  std::shared_ptr<grpc::Channel> roster_channel_;
  std::unique_ptr<OrgClient> org_client_;
  std::unique_ptr<RosterClient> roster_client_;
};

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_
