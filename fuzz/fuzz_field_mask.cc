// Update masks and list filters: what a request says about which fields it
// means.
//
// Update masks go to the real services (service_harness.h) through
// UpdateUnit, UpdatePartyOrg and UpdatePerson, with the resource's current
// values, so that only the mask decides: every mask is taken or refused
// with INVALID_ARGUMENT naming the path at fault. Filters go to the parsers
// (common/filter.h and the per-list ones): any text parses or gives
// INVALID_ARGUMENT starting "filter: ", and what parses, written back as a
// filter, parses the same.
//
// Input: byte 0 picks the case (see kCases); for a mask, byte 1's low bit
// signs the call as a caller who sees personal data, its next bit leaves
// the mask unset (paths implied by the values), and the rest is the paths,
// separated by commas; for a filter, the rest is the filter.

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/caller_metadata.h"
#include "common/filter.h"
#include "common/personal_data.h"
#include "common/text.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "org_service/org_filter.h"
#include "roster_service/roster_filter.h"

namespace grassroots::fuzz {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;

enum Case : uint8_t {
  kCompoundMask,
  kBuildingMask,
  kPartyOrgMask,
  kPersonMask,
  kFilter,
  kUnitFilter,
  kPartyOrgFilter,
  kPersonFilter,
  kCaseCount,
};

std::unique_ptr<grpc::ClientContext> Context(bool signed_caller) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(8)));
  if (signed_caller) {
    const InProcessServices& services = InProcessServices::Get(/*with_roster=*/true);
    AttachCaller(services.signer(), Caller{.principal = "fuzzer", .may_see_personal_data = true},
                 *context);
  }
  return context;
}

// A refused mask: INVALID_ARGUMENT, about the mask, naming one of its paths.
void CheckMaskOutcome(const grpc::Status& status, const std::vector<std::string>& paths,
                      bool mask_set, absl::string_view method) {
  if (status.ok()) return;
  FUZZ_CHECK(status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)
      << method << " with mask [" << absl::StrJoin(paths, ",") << "] answered "
      << status.error_code() << ": " << status.error_message();
  if (!mask_set) return;  // implied paths: the values are at fault, not a mask
  FUZZ_CHECK(absl::StartsWith(status.error_message(), "update_mask"))
      << method << ": a refusal of mask [" << absl::StrJoin(paths, ",")
      << "] does not say it is about update_mask: " << status.error_message();
  // Servers mask ID-card and mobile numbers in every message (ToGrpcStatus),
  // also in a path that holds one: the path is named as masked.
  bool names_a_path = false;
  for (const std::string& path : paths) {
    names_a_path = names_a_path || absl::StrContains(status.error_message(), path) ||
                   absl::StrContains(status.error_message(), RedactPersonalData(path));
  }
  FUZZ_CHECK(names_a_path) << method << ": the refusal of mask [" << absl::StrJoin(paths, ",")
                           << "] names none of its paths: " << status.error_message();
}

void FuzzUnitMask(absl::string_view name, const std::vector<std::string>& paths, bool signed_caller,
                  bool mask_set) {
  auto stub = org_v1::OrgService::NewStub(InProcessServices::Get(true).org_channel());
  org_v1::GetUnitRequest get;
  get.set_name(std::string(name));
  org_v1::UpdateUnitRequest update;
  if (!stub->GetUnit(Context(signed_caller).get(), get, update.mutable_unit()).ok()) return;
  if (mask_set) {
    for (const std::string& path : paths) update.mutable_update_mask()->add_paths(path);
  }
  org_v1::Unit response;
  CheckMaskOutcome(stub->UpdateUnit(Context(signed_caller).get(), update, &response), paths,
                   mask_set, "UpdateUnit");
}

void FuzzPartyOrgMask(const std::vector<std::string>& paths, bool signed_caller, bool mask_set) {
  auto stub = org_v1::OrgService::NewStub(InProcessServices::Get(true).org_channel());
  org_v1::GetPartyOrgRequest get;
  get.set_name(std::string(kSampleBranch));
  org_v1::UpdatePartyOrgRequest update;
  if (!stub->GetPartyOrg(Context(signed_caller).get(), get, update.mutable_party_org()).ok()) {
    return;
  }
  if (mask_set) {
    for (const std::string& path : paths) update.mutable_update_mask()->add_paths(path);
  }
  org_v1::PartyOrg response;
  CheckMaskOutcome(stub->UpdatePartyOrg(Context(signed_caller).get(), update, &response), paths,
                   mask_set, "UpdatePartyOrg");
}

void FuzzPersonMask(const std::vector<std::string>& paths, bool signed_caller, bool mask_set) {
  auto stub = roster_v1::RosterService::NewStub(InProcessServices::Get(true).roster_channel());
  roster_v1::GetPersonRequest get;
  get.set_name(std::string(kSampleMember));
  roster_v1::UpdatePersonRequest update;
  // An anonymous caller reads the ID-card number and phone masked, and
  // sending them back masked must leave them as they are.
  if (!stub->GetPerson(Context(signed_caller).get(), get, update.mutable_person()).ok()) return;
  if (mask_set) {
    for (const std::string& path : paths) update.mutable_update_mask()->add_paths(path);
  }
  roster_v1::Person response;
  CheckMaskOutcome(stub->UpdatePerson(Context(signed_caller).get(), update, &response), paths,
                   mask_set, "UpdatePerson");
  roster_v1::Person after;
  FUZZ_CHECK(stub->GetPerson(Context(/*signed_caller=*/true).get(), get, &after).ok());
  FUZZ_CHECK(!after.id_card_number().empty() && !absl::StrContains(after.id_card_number(), "*"))
      << "an update with the values as read replaced the ID-card number";
  FUZZ_CHECK(!absl::StrContains(after.phone(), "*"))
      << "an update with the values as read replaced the phone number";
}

// `conditions` as a filter: every value quoted, so that any value reads back.
std::string FormatFilter(const std::vector<FilterCondition>& conditions) {
  std::vector<std::string> parts;
  for (const FilterCondition& c : conditions) {
    parts.push_back(
        absl::StrCat(c.field, c.op == FilterCondition::Op::kEquals ? " = " : " : ", "\"",
                     absl::StrReplaceAll(c.value, {{"\\", "\\\\"}, {"\"", "\\\""}}), "\""));
  }
  return absl::StrJoin(parts, " AND ");
}

template <typename Result>
void CheckFilterRefusal(const absl::StatusOr<Result>& result, absl::string_view parser) {
  if (result.ok()) return;
  FUZZ_CHECK(result.status().code() == absl::StatusCode::kInvalidArgument)
      << parser << ": " << result.status();
  FUZZ_CHECK(absl::StartsWith(result.status().message(), "filter: "))
      << parser << ": " << result.status();
}

void FuzzFilter(Case which, const std::string& filter) {
  switch (which) {
    case kFilter: {
      absl::StatusOr<std::vector<FilterCondition>> conditions = ParseFilter(filter);
      CheckFilterRefusal(conditions, "ParseFilter");
      if (!conditions.ok()) return;
      const std::string again = FormatFilter(*conditions);
      if (again.size() > kMaxFilterLength) return;
      absl::StatusOr<std::vector<FilterCondition>> reread = ParseFilter(again);
      FUZZ_CHECK(reread.ok() && *reread == *conditions)
          << "\"" << again << "\" reads "
          << (reread.ok() ? "differently" : reread.status().ToString());
      return;
    }
    case kUnitFilter:
      return CheckFilterRefusal(org::ParseUnitFilter(filter), "ParseUnitFilter");
    case kPartyOrgFilter:
      return CheckFilterRefusal(org::ParsePartyOrgFilter(filter), "ParsePartyOrgFilter");
    case kPersonFilter:
      return CheckFilterRefusal(roster::ParsePersonFilter(filter), "ParsePersonFilter");
    default:
      return;
  }
}

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::InProcessServices::Get(/*with_roster=*/true);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grassroots::fuzz;
  FuzzInput in(data, size);
  const Case which = static_cast<Case>(in.Byte() % kCaseCount);
  if (which >= kFilter) {
    FuzzFilter(which, in.Rest());
    return 0;
  }
  const uint8_t flags = in.Byte();
  const bool signed_caller = (flags & 1) != 0;
  const bool mask_set = (flags & 2) == 0;
  const std::vector<std::string> paths = in.SplitRest(',');
  // Paths travel as proto3 strings, which must be UTF-8: the server's gRPC
  // layer refuses anything else before the service sees it.
  for (const std::string& path : paths) {
    if (!grassroots::Utf8Length(path)) return 0;
  }
  switch (which) {
    case kCompoundMask:
      FuzzUnitMask(kSampleCompound, paths, signed_caller, mask_set);
      break;
    case kBuildingMask:
      FuzzUnitMask(kSampleBuilding, paths, signed_caller, mask_set);
      break;
    case kPartyOrgMask:
      FuzzPartyOrgMask(paths, signed_caller, mask_set);
      break;
    case kPersonMask:
      FuzzPersonMask(paths, signed_caller, mask_set);
      break;
    default:
      break;
  }
  return 0;
}
