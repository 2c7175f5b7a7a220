#include "tests/org_service/org_client_wrapper.h"

#include <cstddef>
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
#include "tests/org_service/org_builders.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {

OrgClient::OrgClient(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout)
    : stub_(v1::OrgService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::Unit> OrgClient::CreateUnit(const v1::Unit& unit,
                                               absl::string_view request_id) const {
  v1::CreateUnitRequest request;
  *request.mutable_unit() = unit;
  request.set_request_id(std::string(request_id));
  return Call(&v1::OrgService::StubInterface::CreateUnit, request);
}

absl::StatusOr<v1::Unit> OrgClient::GetUnit(absl::string_view name) const {
  v1::GetUnitRequest request;
  request.set_name(std::string(name));
  return Call(&v1::OrgService::StubInterface::GetUnit, request);
}

absl::StatusOr<std::vector<v1::Unit>> OrgClient::BatchGetUnits(
    const std::vector<std::string>& names) const {
  v1::BatchGetUnitsRequest request;
  for (const std::string& name : names) request.add_names(name);
  absl::StatusOr<v1::BatchGetUnitsResponse> response =
      Call(&v1::OrgService::StubInterface::BatchGetUnits, request);
  if (!response.ok()) return response.status();
  return std::vector<v1::Unit>(response->units().begin(), response->units().end());
}

absl::StatusOr<v1::Unit> OrgClient::UpdateUnit(const v1::Unit& unit,
                                               const std::vector<std::string>& paths) const {
  v1::UpdateUnitRequest request;
  *request.mutable_unit() = unit;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return Call(&v1::OrgService::StubInterface::UpdateUnit, request);
}

absl::StatusOr<v1::Unit> OrgClient::DeleteUnit(absl::string_view name, bool cascade,
                                               absl::string_view etag) const {
  v1::DeleteUnitRequest request;
  request.set_name(std::string(name));
  request.set_cascade(cascade);
  request.set_etag(std::string(etag));
  return Call(&v1::OrgService::StubInterface::DeleteUnit, request);
}

absl::StatusOr<v1::Unit> OrgClient::UndeleteUnit(absl::string_view name, bool cascade) const {
  v1::UndeleteUnitRequest request;
  request.set_name(std::string(name));
  request.set_cascade(cascade);
  return Call(&v1::OrgService::StubInterface::UndeleteUnit, request);
}

absl::StatusOr<v1::Unit> OrgClient::MoveUnit(absl::string_view name, absl::string_view new_parent,
                                             absl::string_view etag) const {
  v1::MoveUnitRequest request;
  request.set_name(std::string(name));
  request.set_new_parent(std::string(new_parent));
  request.set_etag(std::string(etag));
  return Call(&v1::OrgService::StubInterface::MoveUnit, request);
}

absl::StatusOr<v1::ListUnitsResponse> OrgClient::ListUnits(
    const v1::ListUnitsRequest& request) const {
  return Call(&v1::OrgService::StubInterface::ListUnits, request);
}

absl::StatusOr<Pages<v1::Unit>> OrgClient::ListAllUnits(v1::ListUnitsRequest request) const {
  return ListAll<v1::Unit>(
      &v1::OrgService::StubInterface::ListUnits, std::move(request),
      [](const v1::ListUnitsResponse& r) -> const auto& { return r.units(); },
      [](const v1::ListUnitsResponse& r) { return r.revision(); });
}

absl::StatusOr<std::vector<v1::Unit>> OrgClient::Children(absl::string_view parent,
                                                          bool show_deleted) const {
  v1::ListUnitsRequest request;
  request.set_parent(std::string(parent));
  request.set_show_deleted(show_deleted);
  absl::StatusOr<Pages<v1::Unit>> pages = ListAllUnits(request);
  if (!pages.ok()) return pages.status();
  return std::move(pages->items);
}

absl::StatusOr<v1::GetAncestorsResponse> OrgClient::GetAncestors(absl::string_view name) const {
  v1::GetAncestorsRequest request;
  request.set_name(std::string(name));
  return Call(&v1::OrgService::StubInterface::GetAncestors, request);
}

absl::StatusOr<Descendants> OrgClient::ListDescendants(
    const v1::ListDescendantsRequest& request) const {
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

absl::StatusOr<Descendants> OrgClient::ListDescendants(absl::string_view name, int max_depth,
                                                       const std::vector<v1::Level>& levels,
                                                       int64_t read_revision) const {
  v1::ListDescendantsRequest request;
  request.set_name(std::string(name));
  request.set_max_depth(max_depth);
  for (v1::Level level : levels) request.add_levels(level);
  request.set_read_revision(read_revision);
  return ListDescendants(request);
}

absl::StatusOr<v1::CountDescendantsResponse> OrgClient::CountDescendants(
    absl::string_view name, int64_t read_revision) const {
  v1::CountDescendantsRequest request;
  request.set_name(std::string(name));
  request.set_read_revision(read_revision);
  return Call(&v1::OrgService::StubInterface::CountDescendants, request);
}

absl::StatusOr<v1::GetCoveringPartyOrgResponse> OrgClient::GetCoveringPartyOrg(
    absl::string_view unit) const {
  v1::GetCoveringPartyOrgRequest request;
  request.set_unit(std::string(unit));
  return Call(&v1::OrgService::StubInterface::GetCoveringPartyOrg, request);
}

absl::StatusOr<v1::PartyOrg> OrgClient::CreatePartyOrg(const v1::PartyOrg& org,
                                                       absl::string_view request_id) const {
  v1::CreatePartyOrgRequest request;
  *request.mutable_party_org() = org;
  request.set_request_id(std::string(request_id));
  return Call(&v1::OrgService::StubInterface::CreatePartyOrg, request);
}

absl::StatusOr<v1::PartyOrg> OrgClient::GetPartyOrg(absl::string_view name) const {
  v1::GetPartyOrgRequest request;
  request.set_name(std::string(name));
  return Call(&v1::OrgService::StubInterface::GetPartyOrg, request);
}

absl::StatusOr<std::vector<v1::PartyOrg>> OrgClient::BatchGetPartyOrgs(
    const std::vector<std::string>& names) const {
  v1::BatchGetPartyOrgsRequest request;
  for (const std::string& name : names) request.add_names(name);
  absl::StatusOr<v1::BatchGetPartyOrgsResponse> response =
      Call(&v1::OrgService::StubInterface::BatchGetPartyOrgs, request);
  if (!response.ok()) return response.status();
  return std::vector<v1::PartyOrg>(response->party_orgs().begin(), response->party_orgs().end());
}

absl::StatusOr<v1::PartyOrg> OrgClient::UpdatePartyOrg(
    const v1::PartyOrg& org, const std::vector<std::string>& paths) const {
  v1::UpdatePartyOrgRequest request;
  *request.mutable_party_org() = org;
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return Call(&v1::OrgService::StubInterface::UpdatePartyOrg, request);
}

absl::StatusOr<v1::PartyOrg> OrgClient::DeletePartyOrg(absl::string_view name, bool cascade,
                                                       absl::string_view etag) const {
  v1::DeletePartyOrgRequest request;
  request.set_name(std::string(name));
  request.set_cascade(cascade);
  request.set_etag(std::string(etag));
  return Call(&v1::OrgService::StubInterface::DeletePartyOrg, request);
}

absl::StatusOr<v1::PartyOrg> OrgClient::UndeletePartyOrg(absl::string_view name,
                                                         bool cascade) const {
  v1::UndeletePartyOrgRequest request;
  request.set_name(std::string(name));
  request.set_cascade(cascade);
  return Call(&v1::OrgService::StubInterface::UndeletePartyOrg, request);
}

absl::StatusOr<Pages<v1::PartyOrg>> OrgClient::ListAllPartyOrgs(
    v1::ListPartyOrgsRequest request) const {
  return ListAll<v1::PartyOrg>(
      &v1::OrgService::StubInterface::ListPartyOrgs, std::move(request),
      [](const v1::ListPartyOrgsResponse& r) -> const auto& { return r.party_orgs(); },
      [](const v1::ListPartyOrgsResponse& r) { return r.revision(); });
}

absl::StatusOr<v1::ListEventsResponse> OrgClient::ListEvents(int64_t start_revision,
                                                             int32_t page_size,
                                                             absl::string_view page_token) const {
  v1::ListEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_page_size(page_size);
  request.set_page_token(std::string(page_token));
  return Call(&v1::OrgService::StubInterface::ListEvents, request);
}

absl::StatusOr<Pages<v1::Event>> OrgClient::ListAllEvents(int64_t start_revision,
                                                          int32_t page_size) const {
  v1::ListEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_page_size(page_size);
  return ListAll<v1::Event>(
      &v1::OrgService::StubInterface::ListEvents, std::move(request),
      [](const v1::ListEventsResponse& r) -> const auto& { return r.events(); },
      [](const v1::ListEventsResponse& r) { return r.current_revision(); });
}

absl::StatusOr<int64_t> OrgClient::CurrentRevision() const {
  absl::StatusOr<v1::ListEventsResponse> response = ListEvents(1, 1);
  if (!response.ok()) return response.status();
  return response->current_revision();
}

std::unique_ptr<EventWatch> OrgClient::Watch(int64_t start_revision, int32_t start_index,
                                             absl::Duration timeout) const {
  v1::WatchEventsRequest request;
  request.set_start_revision(start_revision);
  request.set_start_index(start_index);
  return std::make_unique<EventWatch>(
      timeout, [&](grpc::ClientContext* context) { return stub_->WatchEvents(context, request); });
}

absl::StatusOr<std::vector<v1::Unit>> CreateBuildings(const OrgClient& client,
                                                      absl::string_view compound, int count,
                                                      absl::string_view code_prefix) {
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

}  // namespace grassroots::org::testing
