#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_

// What the integration tests of the org service share: a synchronous client
// that puts a deadline on every call and pages through lists, a watch-stream
// reader, resource builders, a sample district, event-log checks, and a
// fixture that runs the real org_service binary (ORG_SERVICE_BINARY, a
// compile definition of the test target) on port 0 in a temporary directory.

#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/org/v1/resources.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/testing/event_checks.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

#ifndef ORG_SERVICE_BINARY
#error "ORG_SERVICE_BINARY must name the org_service binary (see tests/CMakeLists.txt)"
#endif

namespace grassroots::org::testing {

namespace v1 = ::grassroots::org::v1;

// ---------------------------------------------------------------------------
// Names and builders.

// The id of "units/42" or "partyOrgs/7"; -1 when `name` is not of that form.
inline int64_t IdOf(absl::string_view name) {
  const size_t slash = name.rfind('/');
  int64_t id = 0;
  if (slash == absl::string_view::npos || !absl::SimpleAtoi(name.substr(slash + 1), &id) ||
      id <= 0) {
    return -1;
  }
  return id;
}

inline v1::Unit NewUnit(v1::Level level, absl::string_view parent, absl::string_view display_name,
                        absl::string_view code) {
  v1::Unit unit;
  unit.set_level(level);
  unit.set_parent(std::string(parent));
  unit.set_display_name(std::string(display_name));
  unit.set_code(std::string(code));
  return unit;
}

inline v1::Unit NewCompound(absl::string_view parent, absl::string_view display_name,
                            absl::string_view code, const v1::CompoundDetails& details) {
  v1::Unit unit = NewUnit(v1::COMPOUND, parent, display_name, code);
  *unit.mutable_compound() = details;
  return unit;
}

inline v1::Unit NewBuilding(absl::string_view parent, absl::string_view display_name,
                            absl::string_view code, int households, int floors,
                            absl::string_view address) {
  v1::Unit unit = NewUnit(v1::BUILDING, parent, display_name, code);
  unit.mutable_building()->set_households(households);
  unit.mutable_building()->set_floors(floors);
  unit.mutable_building()->set_address(std::string(address));
  return unit;
}

inline v1::PartyOrg NewPartyOrg(v1::PartyOrg::Form form, absl::string_view display_name,
                                const std::vector<std::string>& units,
                                absl::string_view parent = "") {
  v1::PartyOrg org;
  org.set_form(form);
  org.set_display_name(std::string(display_name));
  for (const std::string& unit : units) org.add_units(unit);
  org.set_parent(std::string(parent));
  return org;
}

// ---------------------------------------------------------------------------
// The client.

// Everything a paged list returned, page by page.
template <typename Item>
struct Pages {
  std::vector<Item> items;         // all pages, in order
  std::vector<int> page_sizes;     // items per page
  std::vector<int64_t> revisions;  // each page's revision (current_revision for events)
};

// What a ListDescendants stream returned.
struct Descendants {
  std::vector<v1::Unit> units;
  std::vector<int64_t> batch_revisions;
};

// Reads a WatchEvents stream event by event. The deadline given at the start
// bounds every wait; the destructor cancels a call still open.
class EventWatch {
 public:
  EventWatch(v1::OrgService::StubInterface& stub, int64_t start_revision, int32_t start_index,
             absl::Duration timeout)
      : context_(::grassroots::testing::NewClientContext(timeout)) {
    v1::WatchEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_start_index(start_index);
    reader_ = stub.WatchEvents(context_.get(), request);
  }
  ~EventWatch() { (void)Cancel(); }
  EventWatch(const EventWatch&) = delete;
  EventWatch& operator=(const EventWatch&) = delete;

  // The next event, in stream order. An error when the stream ends (with its
  // status, or INTERNAL when it ended OK) or the deadline passes.
  absl::StatusOr<v1::Event> Next() {
    // Empty batches (keep-alives, if a server sends them) are skipped, a bounded number of times.
    constexpr int kMaxEmptyBatches = 100000;
    for (int empty = 0; pending_.empty(); ++empty) {
      if (finished_ || empty >= kMaxEmptyBatches) {
        return absl::InternalError("the watch stream has ended");
      }
      v1::WatchEventsResponse batch;
      if (!reader_->Read(&batch)) {
        finished_ = true;
        const grpc::Status status = reader_->Finish();
        if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
        return absl::InternalError("the watch stream ended with OK");
      }
      ++batches_;
      for (v1::Event& event : *batch.mutable_events()) pending_.push_back(std::move(event));
    }
    v1::Event event = std::move(pending_.front());
    pending_.pop_front();
    return event;
  }

  // Reads `count` events.
  absl::StatusOr<std::vector<v1::Event>> Take(int count) {
    std::vector<v1::Event> events;
    for (int i = 0; i < count; ++i) {
      absl::StatusOr<v1::Event> event = Next();
      if (!event.ok()) {
        return absl::Status(
            event.status().code(),
            absl::StrCat("after ", i, " of ", count, " events: ", event.status().message()));
      }
      events.push_back(*std::move(event));
    }
    return events;
  }

  // Cancels the call (events already received but not taken are dropped) and
  // returns its final status; the status of the earlier end when it ended.
  grpc::Status Cancel() {
    if (!finished_) {
      finished_ = true;
      context_->TryCancel();
      v1::WatchEventsResponse ignored;
      for (int i = 0; i < 100000 && reader_->Read(&ignored); ++i) {
      }
      final_status_ = reader_->Finish();
    }
    pending_.clear();
    return final_status_;
  }

  int batches() const { return batches_; }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchEventsResponse>> reader_;
  std::deque<v1::Event> pending_;
  bool finished_ = false;
  grpc::Status final_status_;
  int batches_ = 0;
};

// A synchronous OrgService client. Every call carries a deadline of
// `timeout`; errors come back as absl::Status with the gRPC code and message.
class OrgClient {
 public:
  explicit OrgClient(const std::shared_ptr<grpc::Channel>& channel,
                     absl::Duration timeout = ::grassroots::testing::kDefaultRpcTimeout)
      : stub_(v1::OrgService::NewStub(channel)), timeout_(timeout) {}

  v1::OrgService::StubInterface& stub() const { return *stub_; }
  absl::Duration timeout() const { return timeout_; }

  // Any unary RPC: client.Call(&v1::OrgService::StubInterface::GetUnit, request).
  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (v1::OrgService::StubInterface::*method)(
                                    grpc::ClientContext*, const Request&, Response*),
                                const Request& request) const {
    auto context = ::grassroots::testing::NewClientContext(timeout_);
    Response response;
    const grpc::Status status = (stub_.get()->*method)(context.get(), request, &response);
    if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
    return response;
  }

  // --- Units.

  absl::StatusOr<v1::Unit> CreateUnit(const v1::Unit& unit,
                                      absl::string_view request_id = "") const {
    v1::CreateUnitRequest request;
    *request.mutable_unit() = unit;
    request.set_request_id(std::string(request_id));
    return Call(&v1::OrgService::StubInterface::CreateUnit, request);
  }

  absl::StatusOr<v1::Unit> GetUnit(absl::string_view name) const {
    v1::GetUnitRequest request;
    request.set_name(std::string(name));
    return Call(&v1::OrgService::StubInterface::GetUnit, request);
  }

  absl::StatusOr<std::vector<v1::Unit>> BatchGetUnits(const std::vector<std::string>& names) const {
    v1::BatchGetUnitsRequest request;
    for (const std::string& name : names) request.add_names(name);
    absl::StatusOr<v1::BatchGetUnitsResponse> response =
        Call(&v1::OrgService::StubInterface::BatchGetUnits, request);
    if (!response.ok()) return response.status();
    return std::vector<v1::Unit>(response->units().begin(), response->units().end());
  }

  // `paths` empty: no update_mask at all.
  absl::StatusOr<v1::Unit> UpdateUnit(const v1::Unit& unit,
                                      const std::vector<std::string>& paths) const {
    v1::UpdateUnitRequest request;
    *request.mutable_unit() = unit;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return Call(&v1::OrgService::StubInterface::UpdateUnit, request);
  }

  absl::StatusOr<v1::Unit> DeleteUnit(absl::string_view name, bool cascade = false,
                                      absl::string_view etag = "") const {
    v1::DeleteUnitRequest request;
    request.set_name(std::string(name));
    request.set_cascade(cascade);
    request.set_etag(std::string(etag));
    return Call(&v1::OrgService::StubInterface::DeleteUnit, request);
  }

  absl::StatusOr<v1::Unit> UndeleteUnit(absl::string_view name, bool cascade = false) const {
    v1::UndeleteUnitRequest request;
    request.set_name(std::string(name));
    request.set_cascade(cascade);
    return Call(&v1::OrgService::StubInterface::UndeleteUnit, request);
  }

  absl::StatusOr<v1::Unit> MoveUnit(absl::string_view name, absl::string_view new_parent,
                                    absl::string_view etag = "") const {
    v1::MoveUnitRequest request;
    request.set_name(std::string(name));
    request.set_new_parent(std::string(new_parent));
    request.set_etag(std::string(etag));
    return Call(&v1::OrgService::StubInterface::MoveUnit, request);
  }

  absl::StatusOr<v1::ListUnitsResponse> ListUnits(const v1::ListUnitsRequest& request) const {
    return Call(&v1::OrgService::StubInterface::ListUnits, request);
  }

  // All pages from `request` on, following next_page_token.
  absl::StatusOr<Pages<v1::Unit>> ListAllUnits(v1::ListUnitsRequest request) const {
    return ListAll<v1::Unit>(
        &v1::OrgService::StubInterface::ListUnits, std::move(request),
        [](const v1::ListUnitsResponse& r) -> const auto& { return r.units(); },
        [](const v1::ListUnitsResponse& r) { return r.revision(); });
  }

  // The live children of `parent` ("" for the districts), all pages.
  absl::StatusOr<std::vector<v1::Unit>> Children(absl::string_view parent,
                                                 bool show_deleted = false) const {
    v1::ListUnitsRequest request;
    request.set_parent(std::string(parent));
    request.set_show_deleted(show_deleted);
    absl::StatusOr<Pages<v1::Unit>> pages = ListAllUnits(request);
    if (!pages.ok()) return pages.status();
    return std::move(pages->items);
  }

  absl::StatusOr<v1::GetAncestorsResponse> GetAncestors(absl::string_view name) const {
    v1::GetAncestorsRequest request;
    request.set_name(std::string(name));
    return Call(&v1::OrgService::StubInterface::GetAncestors, request);
  }

  // Reads the whole stream.
  absl::StatusOr<Descendants> ListDescendants(const v1::ListDescendantsRequest& request) const {
    constexpr size_t kMaxUnits = 1000000;
    auto context = ::grassroots::testing::NewClientContext(timeout_);
    auto reader = stub_->ListDescendants(context.get(), request);
    Descendants out;
    v1::ListDescendantsResponse batch;
    while (reader->Read(&batch)) {
      out.units.insert(out.units.end(), batch.units().begin(), batch.units().end());
      out.batch_revisions.push_back(batch.revision());
      if (out.units.size() > kMaxUnits) {
        context->TryCancel();
        while (reader->Read(&batch)) {
        }
        (void)reader->Finish();
        return absl::OutOfRangeError("ListDescendants streamed more than a million units");
      }
    }
    const grpc::Status status = reader->Finish();
    if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
    return out;
  }

  absl::StatusOr<Descendants> ListDescendants(absl::string_view name, int max_depth = 0,
                                              const std::vector<v1::Level>& levels = {},
                                              int64_t read_revision = 0) const {
    v1::ListDescendantsRequest request;
    request.set_name(std::string(name));
    request.set_max_depth(max_depth);
    for (v1::Level level : levels) request.add_levels(level);
    request.set_read_revision(read_revision);
    return ListDescendants(request);
  }

  absl::StatusOr<v1::CountDescendantsResponse> CountDescendants(absl::string_view name,
                                                                int64_t read_revision = 0) const {
    v1::CountDescendantsRequest request;
    request.set_name(std::string(name));
    request.set_read_revision(read_revision);
    return Call(&v1::OrgService::StubInterface::CountDescendants, request);
  }

  absl::StatusOr<v1::GetCoveringPartyOrgResponse> GetCoveringPartyOrg(
      absl::string_view unit) const {
    v1::GetCoveringPartyOrgRequest request;
    request.set_unit(std::string(unit));
    return Call(&v1::OrgService::StubInterface::GetCoveringPartyOrg, request);
  }

  // --- Party organisations.

  absl::StatusOr<v1::PartyOrg> CreatePartyOrg(const v1::PartyOrg& org,
                                              absl::string_view request_id = "") const {
    v1::CreatePartyOrgRequest request;
    *request.mutable_party_org() = org;
    request.set_request_id(std::string(request_id));
    return Call(&v1::OrgService::StubInterface::CreatePartyOrg, request);
  }

  absl::StatusOr<v1::PartyOrg> GetPartyOrg(absl::string_view name) const {
    v1::GetPartyOrgRequest request;
    request.set_name(std::string(name));
    return Call(&v1::OrgService::StubInterface::GetPartyOrg, request);
  }

  absl::StatusOr<std::vector<v1::PartyOrg>> BatchGetPartyOrgs(
      const std::vector<std::string>& names) const {
    v1::BatchGetPartyOrgsRequest request;
    for (const std::string& name : names) request.add_names(name);
    absl::StatusOr<v1::BatchGetPartyOrgsResponse> response =
        Call(&v1::OrgService::StubInterface::BatchGetPartyOrgs, request);
    if (!response.ok()) return response.status();
    return std::vector<v1::PartyOrg>(response->party_orgs().begin(), response->party_orgs().end());
  }

  absl::StatusOr<v1::PartyOrg> UpdatePartyOrg(const v1::PartyOrg& org,
                                              const std::vector<std::string>& paths) const {
    v1::UpdatePartyOrgRequest request;
    *request.mutable_party_org() = org;
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    return Call(&v1::OrgService::StubInterface::UpdatePartyOrg, request);
  }

  absl::StatusOr<v1::PartyOrg> DeletePartyOrg(absl::string_view name, bool cascade = false,
                                              absl::string_view etag = "") const {
    v1::DeletePartyOrgRequest request;
    request.set_name(std::string(name));
    request.set_cascade(cascade);
    request.set_etag(std::string(etag));
    return Call(&v1::OrgService::StubInterface::DeletePartyOrg, request);
  }

  absl::StatusOr<v1::PartyOrg> UndeletePartyOrg(absl::string_view name,
                                                bool cascade = false) const {
    v1::UndeletePartyOrgRequest request;
    request.set_name(std::string(name));
    request.set_cascade(cascade);
    return Call(&v1::OrgService::StubInterface::UndeletePartyOrg, request);
  }

  absl::StatusOr<Pages<v1::PartyOrg>> ListAllPartyOrgs(v1::ListPartyOrgsRequest request) const {
    return ListAll<v1::PartyOrg>(
        &v1::OrgService::StubInterface::ListPartyOrgs, std::move(request),
        [](const v1::ListPartyOrgsResponse& r) -> const auto& { return r.party_orgs(); },
        [](const v1::ListPartyOrgsResponse& r) { return r.revision(); });
  }

  // --- Events.

  absl::StatusOr<v1::ListEventsResponse> ListEvents(int64_t start_revision, int32_t page_size,
                                                    absl::string_view page_token = "") const {
    v1::ListEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_page_size(page_size);
    request.set_page_token(std::string(page_token));
    return Call(&v1::OrgService::StubInterface::ListEvents, request);
  }

  // Every event from `start_revision` on, paging with `page_size`.
  absl::StatusOr<Pages<v1::Event>> ListAllEvents(int64_t start_revision,
                                                 int32_t page_size = 1000) const {
    v1::ListEventsRequest request;
    request.set_start_revision(start_revision);
    request.set_page_size(page_size);
    return ListAll<v1::Event>(
        &v1::OrgService::StubInterface::ListEvents, std::move(request),
        [](const v1::ListEventsResponse& r) -> const auto& { return r.events(); },
        [](const v1::ListEventsResponse& r) { return r.current_revision(); });
  }

  // The latest committed revision, as ListEvents reports it.
  absl::StatusOr<int64_t> CurrentRevision() const {
    absl::StatusOr<v1::ListEventsResponse> response = ListEvents(1, 1);
    if (!response.ok()) return response.status();
    return response->current_revision();
  }

  std::unique_ptr<EventWatch> Watch(int64_t start_revision, int32_t start_index,
                                    absl::Duration timeout) const {
    return std::make_unique<EventWatch>(*stub_, start_revision, start_index, timeout);
  }

 private:
  // Follows next_page_token until it is empty, at most kMaxPages pages.
  template <typename Item, typename Request, typename Response, typename ItemsOf,
            typename RevisionOf>
  absl::StatusOr<Pages<Item>> ListAll(grpc::Status (v1::OrgService::StubInterface::*method)(
                                          grpc::ClientContext*, const Request&, Response*),
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

  std::unique_ptr<v1::OrgService::StubInterface> stub_;
  absl::Duration timeout_;
};

// The names of `resources`, in order.
template <typename Resource>
std::vector<std::string> NamesOf(const std::vector<Resource>& resources) {
  std::vector<std::string> names;
  names.reserve(resources.size());
  for (const Resource& resource : resources) names.push_back(resource.name());
  return names;
}

// Creates `count` buildings under `compound`, named "1号楼", "2号楼"... and
// coded `code_prefix` + number; stops at the first error.
inline absl::StatusOr<std::vector<v1::Unit>> CreateBuildings(const OrgClient& client,
                                                             absl::string_view compound, int count,
                                                             absl::string_view code_prefix = "N") {
  std::vector<v1::Unit> created;
  for (int i = 1; i <= count; ++i) {
    absl::StatusOr<v1::Unit> unit = client.CreateUnit(
        NewBuilding(compound, absl::StrCat(i, "号楼"), absl::StrCat(code_prefix, i), 20, 6, ""));
    if (!unit.ok()) {
      return absl::Status(unit.status().code(), absl::StrCat("building ", i, " of ", count, ": ",
                                                             unit.status().message()));
    }
    created.push_back(*std::move(unit));
  }
  return created;
}

// ---------------------------------------------------------------------------
// The event log.

using ::grassroots::testing::EventsAreContiguous;

// ---------------------------------------------------------------------------
// A sample district.

// A small district with every level and the party organisations of the
// articles:
//
//   江汉区 district
//   ├─ 民族街道 street1  ── working_committee1
//   │   ├─ 水塔社区 community1  ── party_committee (under working_committee1)
//   │   │   ├─ 幸福花园 compound1 (commodity, red property)  ── branch (under party_committee)
//   │   │   │   ├─ 1栋 building1  ┐
//   │   │   │   └─ 2栋 building2  ┴─ party_group (under branch)
//   │   │   ├─ 老街小区 compound2 (old)  ┐
//   │   │   │   └─ 1栋 building3         ├─ joint_branch (under party_committee)
//   │   │   └─ 建设小区 compound3        ┘
//   │   └─ 友谊社区 community2
//   │       └─ 阳光花园 compound4 (resettlement)
//   │           ├─ 1栋 building4
//   │           └─ 2栋 building5
//   └─ 花楼街道 street2  ── working_committee2
//       └─ 交易社区 community3
//           └─ 江滩家园 compound5 (urban village)
//
// Each member holds what the server returned when it was created. They are
// created in the order of AllUnits() then AllPartyOrgs(), one revision each.
struct SampleDistrict {
  v1::Unit district;
  v1::Unit street1, street2;
  v1::Unit community1, community2, community3;
  v1::Unit compound1, compound2, compound3, compound4, compound5;
  v1::Unit building1, building2, building3, building4, building5;
  v1::PartyOrg working_committee1, working_committee2;
  v1::PartyOrg party_committee, branch, joint_branch, party_group;

  // In creation order.
  std::vector<v1::Unit> AllUnits() const {
    return {district,  street1,   street2,   community1, community2, community3,
            compound1, compound2, compound3, compound4,  compound5,  building1,
            building2, building3, building4, building5};
  }
  std::vector<v1::PartyOrg> AllPartyOrgs() const {
    return {working_committee1, working_committee2, party_committee, branch,
            joint_branch,       party_group};
  }
};

// Creates the sample district, stopping at the first error.
inline absl::StatusOr<SampleDistrict> CreateSampleDistrict(const OrgClient& client) {
  SampleDistrict s;
  absl::Status status;
  const auto code = [](absl::string_view suffix) { return absl::StrCat("420103", suffix); };
  const auto unit = [&](v1::Unit* out, const v1::Unit& request) {
    if (!status.ok()) return;
    absl::StatusOr<v1::Unit> created = client.CreateUnit(request);
    if (created.ok()) {
      *out = *std::move(created);
    } else {
      status = absl::Status(
          created.status().code(),
          absl::StrCat("creating ", request.display_name(), ": ", created.status().message()));
    }
  };
  const auto org = [&](v1::PartyOrg* out, const v1::PartyOrg& request) {
    if (!status.ok()) return;
    absl::StatusOr<v1::PartyOrg> created = client.CreatePartyOrg(request);
    if (created.ok()) {
      *out = *std::move(created);
    } else {
      status = absl::Status(
          created.status().code(),
          absl::StrCat("creating ", request.display_name(), ": ", created.status().message()));
    }
  };

  v1::CompoundDetails commodity;
  commodity.set_kind(v1::CompoundDetails::COMMODITY);
  commodity.set_has_property_company(true);
  commodity.set_red_property(true);
  commodity.set_has_owners_committee(true);
  commodity.set_households(520);
  commodity.set_renovation_status(v1::CompoundDetails::NOT_NEEDED);
  v1::CompoundDetails old;
  old.set_kind(v1::CompoundDetails::OLD);
  old.set_households(180);
  old.set_renovation_status(v1::CompoundDetails::PLANNED);
  v1::CompoundDetails plain;
  plain.set_kind(v1::CompoundDetails::OLD);
  plain.set_households(96);
  v1::CompoundDetails resettlement;
  resettlement.set_kind(v1::CompoundDetails::RESETTLEMENT);
  resettlement.set_has_property_company(true);
  resettlement.set_households(640);
  v1::CompoundDetails village;
  village.set_kind(v1::CompoundDetails::URBAN_VILLAGE);
  village.set_has_owners_committee(true);
  village.set_red_owners_committee(true);
  village.set_households(300);

  unit(&s.district, NewUnit(v1::DISTRICT, "", "江汉区", code("")));
  unit(&s.street1, NewUnit(v1::STREET, s.district.name(), "民族街道", code("001")));
  unit(&s.street2, NewUnit(v1::STREET, s.district.name(), "花楼街道", code("002")));
  unit(&s.community1, NewUnit(v1::COMMUNITY, s.street1.name(), "水塔社区", code("001001")));
  unit(&s.community2, NewUnit(v1::COMMUNITY, s.street1.name(), "友谊社区", code("001002")));
  unit(&s.community3, NewUnit(v1::COMMUNITY, s.street2.name(), "交易社区", code("002001")));
  unit(&s.compound1, NewCompound(s.community1.name(), "幸福花园", "XF", commodity));
  unit(&s.compound2, NewCompound(s.community1.name(), "老街小区", "LJ", old));
  unit(&s.compound3, NewCompound(s.community1.name(), "建设小区", "JS", plain));
  unit(&s.compound4, NewCompound(s.community2.name(), "阳光花园", "YG", resettlement));
  unit(&s.compound5, NewCompound(s.community3.name(), "江滩家园", "JT", village));
  unit(&s.building1, NewBuilding(s.compound1.name(), "1栋", "B1", 60, 18, "幸福花园1栋"));
  unit(&s.building2, NewBuilding(s.compound1.name(), "2栋", "B2", 72, 24, "幸福花园2栋"));
  unit(&s.building3, NewBuilding(s.compound2.name(), "1栋", "B1", 24, 6, "老街小区1栋"));
  unit(&s.building4, NewBuilding(s.compound4.name(), "1栋", "B1", 90, 30, "阳光花园1栋"));
  unit(&s.building5, NewBuilding(s.compound4.name(), "2栋", "B2", 90, 30, "阳光花园2栋"));

  org(&s.working_committee1,
      NewPartyOrg(v1::PartyOrg::WORKING_COMMITTEE, "民族街道大党工委", {s.street1.name()}));
  org(&s.working_committee2,
      NewPartyOrg(v1::PartyOrg::WORKING_COMMITTEE, "花楼街道大党工委", {s.street2.name()}));
  org(&s.party_committee, NewPartyOrg(v1::PartyOrg::PARTY_COMMITTEE, "水塔社区大党委",
                                      {s.community1.name()}, s.working_committee1.name()));
  org(&s.branch, NewPartyOrg(v1::PartyOrg::BRANCH, "幸福花园党支部", {s.compound1.name()},
                             s.party_committee.name()));
  org(&s.joint_branch,
      NewPartyOrg(v1::PartyOrg::JOINT_BRANCH, "老街建设联合党支部",
                  {s.compound2.name(), s.compound3.name()}, s.party_committee.name()));
  org(&s.party_group, NewPartyOrg(v1::PartyOrg::PARTY_GROUP, "幸福花园楼栋党小组",
                                  {s.building1.name(), s.building2.name()}, s.branch.name()));
  if (!status.ok()) return status;
  return s;
}

// ---------------------------------------------------------------------------
// The fixture.

inline ::grassroots::testing::ServerOptions OrgServerOptions() {
  ::grassroots::testing::ServerOptions options;
  options.binary = ORG_SERVICE_BINARY;
  return options;
}

// Starts a fresh org_service (its own data directory) for each test and
// connects a client. On failure, TearDown prints the server's log.
class OrgServerFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, ::grassroots::testing::ServerProcess::Launch(OrgServerOptions()));
    Reconnect();
  }

  void TearDown() override {
    if (HasFailure() && server_ != nullptr) {
      std::cerr << "---- org_service log (" << server_->log_path() << ") ----\n"
                << server_->ReadLog() << "---- end of log ----\n";
    }
  }

  // A new channel and client to the server's current address (after a restart).
  void Reconnect() {
    channel_ = ::grassroots::testing::CreateTestChannel(server_->address());
    client_ = std::make_unique<OrgClient>(channel_);
  }

  const OrgClient& client() const { return *client_; }
  ::grassroots::testing::ServerProcess& server() { return *server_; }

  std::unique_ptr<::grassroots::testing::ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<OrgClient> client_;
};

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_
