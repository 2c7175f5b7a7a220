#include "fuzz/service_harness.h"

#include <grpcpp/generic/generic_stub.h>
#include <stdlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "casework_service/casework_core.h"
#include "casework_service/casework_grpc.h"
#include "casework_service/sqlite_casework_store.h"
#include "common/caller_metadata.h"
#include "common/clock.h"
#include "common/personal_data.h"
#include "google/protobuf/message.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "org_client/org_replica.h"
#include "org_service/org_core.h"
#include "org_service/org_grpc.h"
#include "org_service/sqlite_org_store.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_grpc.h"
#include "roster_service/sqlite_roster_store.h"

namespace grassroots::fuzz {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz harness: %s\n", RedactPersonalData(what).c_str());
  std::abort();
}

// A fresh directory for the databases, under $GRASSROOTS_FUZZ_TMPDIR or
// $TMPDIR; removed when the process exits normally (scripts/fuzz.sh points
// it at a directory of its own, which it removes after a crash too).
std::string MakeDataDir() {
  const char* base = std::getenv("GRASSROOTS_FUZZ_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  if (base == nullptr || *base == '\0') base = "/tmp";
  std::string path = absl::StrCat(base, "/grassroots-fuzz-XXXXXX");
  if (mkdtemp(path.data()) == nullptr) Die(absl::StrCat("cannot create a directory in ", base));
  static std::string* to_remove = new std::string(path);
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(*to_remove, ignored);
  });
  return path;
}

std::unique_ptr<grpc::ClientContext> SetupContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  return context;
}

// Calls a unary method of a generated stub; aborts unless it succeeds.
template <typename Stub, typename Request, typename Response>
Response MustCall(Stub& stub,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request) {
  auto context = SetupContext();
  Response response;
  const grpc::Status status = (stub.*method)(context.get(), request, &response);
  if (!status.ok()) {
    Die(absl::StrCat("setting up the sample district: ", Request::descriptor()->name(),
                     " failed: ", status.error_message()));
  }
  return response;
}

grassroots::type::Date MakeDate(int year, int month, int day) {
  grassroots::type::Date date;
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  return date;
}

// A valid ID-card number: region 110105, born `birth` (YYYYMMDD), sequence
// `sequence` (odd for a man).
std::string IdCardNumber(absl::string_view birth, int sequence) {
  const std::string first17 = absl::StrFormat("110105%s%03d", birth, sequence);
  return absl::StrCat(first17, std::string(1, IdCardCheckCharacter(first17)));
}

void CreateSampleOrg(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = org_v1::OrgService::NewStub(channel);
  using Stub = org_v1::OrgService::Stub;
  const auto unit = [&](org_v1::Level level, absl::string_view parent, const char* display_name,
                        const char* code) {
    org_v1::CreateUnitRequest request;
    request.mutable_unit()->set_level(level);
    request.mutable_unit()->set_parent(std::string(parent));
    request.mutable_unit()->set_display_name(display_name);
    request.mutable_unit()->set_code(code);
    return request;
  };
  MustCall(*stub, &Stub::CreateUnit, unit(org_v1::DISTRICT, "", "示例区", "330100"));
  MustCall(*stub, &Stub::CreateUnit, unit(org_v1::STREET, kSampleDistrict, "幸福街道", "330101"));
  MustCall(*stub, &Stub::CreateUnit,
           unit(org_v1::COMMUNITY, kSampleStreet, "和谐社区", "330101001"));
  org_v1::CreateUnitRequest compound = unit(org_v1::COMPOUND, kSampleCommunity, "阳光花园", "C001");
  compound.mutable_unit()->mutable_compound()->set_kind(org_v1::CompoundDetails::OLD);
  compound.mutable_unit()->mutable_compound()->set_households(320);
  compound.mutable_unit()->mutable_compound()->set_has_property_company(true);
  MustCall(*stub, &Stub::CreateUnit, compound);
  org_v1::CreateUnitRequest building = unit(org_v1::BUILDING, kSampleCompound, "1号楼", "B01");
  building.mutable_unit()->mutable_building()->set_households(48);
  building.mutable_unit()->mutable_building()->set_floors(6);
  building.mutable_unit()->mutable_building()->set_address("阳光路1号");
  MustCall(*stub, &Stub::CreateUnit, building);

  const auto party_org = [&](org_v1::PartyOrg::Form form, const char* display_name,
                             absl::string_view covered, absl::string_view parent) {
    org_v1::CreatePartyOrgRequest request;
    request.mutable_party_org()->set_form(form);
    request.mutable_party_org()->set_display_name(display_name);
    request.mutable_party_org()->add_units(std::string(covered));
    request.mutable_party_org()->set_parent(std::string(parent));
    *request.mutable_party_org()->mutable_established_date() = MakeDate(2018, 7, 1);
    return request;
  };
  MustCall(*stub, &Stub::CreatePartyOrg,
           party_org(org_v1::PartyOrg::PARTY_COMMITTEE, "和谐社区党委", kSampleCommunity, ""));
  MustCall(
      *stub, &Stub::CreatePartyOrg,
      party_org(org_v1::PartyOrg::BRANCH, "阳光花园党支部", kSampleCompound, kSampleCommittee));
  MustCall(*stub, &Stub::CreatePartyOrg,
           party_org(org_v1::PartyOrg::PARTY_GROUP, "1号楼党小组", kSampleBuilding, kSampleBranch));
}

void CreateSampleRoster(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = roster_v1::RosterService::NewStub(channel);
  using Stub = roster_v1::RosterService::Stub;

  roster_v1::CreatePersonRequest member;
  member.mutable_person()->set_display_name("张建国");
  member.mutable_person()->set_id_card_number(IdCardNumber("19700101", 11));
  member.mutable_person()->set_phone("13800138000");
  member.mutable_person()->set_residence_building(std::string(kSampleBuilding));
  member.mutable_person()->set_residence_room("101");
  member.mutable_person()->set_party_status(roster_v1::Person::FULL);
  *member.mutable_person()->mutable_admission_date() = MakeDate(1995, 7, 1);
  member.mutable_person()->set_member_category(roster_v1::Person::IN_SERVICE);
  member.mutable_person()->set_external_key("HR-0001");
  MustCall(*stub, &Stub::CreatePerson, member);

  roster_v1::CreatePersonRequest resident;
  resident.mutable_person()->set_display_name("李秀英");
  resident.mutable_person()->set_id_card_number(IdCardNumber("19850315", 22));
  resident.mutable_person()->set_residence_building(std::string(kSampleBuilding));
  resident.mutable_person()->set_party_status(roster_v1::Person::NONE);
  MustCall(*stub, &Stub::CreatePerson, resident);

  roster_v1::StartMembershipRequest membership;
  membership.set_person(std::string(kSampleMember));
  membership.set_party_org(std::string(kSampleBranch));
  *membership.mutable_start_date() = MakeDate(2020, 1, 1);
  MustCall(*stub, &Stub::StartMembership, membership);

  roster_v1::CreateRegistrationRequest registration;
  registration.set_person(std::string(kSampleMember));
  registration.set_community(std::string(kSampleCommunity));
  *registration.mutable_start_date() = MakeDate(2020, 1, 1);
  MustCall(*stub, &Stub::CreateRegistration, registration);

  roster_v1::AssignRoleRequest secretary;
  secretary.mutable_role_assignment()->set_person(std::string(kSampleMember));
  secretary.mutable_role_assignment()->set_role(roster_v1::SECRETARY);
  secretary.mutable_role_assignment()->set_place(std::string(kSampleBranch));
  *secretary.mutable_role_assignment()->mutable_start_date() = MakeDate(2021, 1, 1);
  MustCall(*stub, &Stub::AssignRole, secretary);

  roster_v1::AssignRoleRequest building_lead;
  building_lead.mutable_role_assignment()->set_person(std::string(kSampleResident));
  building_lead.mutable_role_assignment()->set_role(roster_v1::BUILDING_LEAD);
  building_lead.mutable_role_assignment()->set_place(std::string(kSampleBuilding));
  *building_lead.mutable_role_assignment()->mutable_start_date() = MakeDate(2022, 3, 1);
  MustCall(*stub, &Stub::AssignRole, building_lead);
}

// The department the casework service may summon (kSampleDepartment).
void CreateSampleDepartment(const std::shared_ptr<grpc::Channel>& channel) {
  auto stub = org_v1::OrgService::NewStub(channel);
  org_v1::CreateExternalOrgRequest request;
  request.mutable_external_org()->set_district(std::string(kSampleDistrict));
  request.mutable_external_org()->set_kind(org_v1::ExternalOrg::AGENCY);
  request.mutable_external_org()->set_display_name("区住建局");
  MustCall(*stub, &org_v1::OrgService::Stub::CreateExternalOrg, request);
}

// A server with `service` and no port: reached through InProcessChannel.
std::unique_ptr<grpc::Server> StartInProcess(grpc::Service* service) {
  grpc::ServerBuilder builder;
  builder.RegisterService(service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr) Die("cannot start an in-process server");
  return server;
}

}  // namespace

InProcessServices* InProcessServices::Create(bool with_roster, bool with_casework) {
  // The fuzz targets run one input at a time on one thread; everything here
  // lives until the process ends, so nothing is ever torn down under a
  // server thread.
  const std::string data_dir = MakeDataDir();
  auto* clock = new RealClock;
  const CallerVerifier callers{CallerSigner(std::string(kCallerKey))};

  auto org_store = org::SqliteOrgStore::Open(data_dir + "/org.db");
  if (!org_store.ok()) Die(std::string(org_store.status().message()));
  auto* org_core = new org::OrgCore(org_store->release(), clock);
  if (absl::Status s = org_core->Start(); !s.ok()) Die(std::string(s.message()));
  auto* org_service = new org::OrgGrpcService(org_core, callers);
  grpc::Server* org_server = StartInProcess(org_service).release();

  auto* services = new InProcessServices();
  // The fuzzed calls go unsigned (each input signs or not); the setup and
  // the roster's replica sign theirs, as the suite's own clients do.
  const auto signed_channel = [&](grpc::Server* server, const char* principal) {
    std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> signing;
    signing.push_back(
        SigningInterceptor(CallerSigner(std::string(kCallerKey)),
                           Caller{.principal = principal, .may_see_personal_data = true}));
    return server->experimental().InProcessChannelWithInterceptors(grpc::ChannelArguments(),
                                                                   std::move(signing));
  };
  services->org_channel_ = org_server->InProcessChannel(grpc::ChannelArguments());
  CreateSampleOrg(signed_channel(org_server, "fuzzer.setup"));
  if (with_casework) {
    CreateSampleDepartment(signed_channel(org_server, "fuzzer.setup"));
    auto casework_store = casework::SqliteCaseworkStore::Open(data_dir + "/casework.db");
    if (!casework_store.ok()) Die(std::string(casework_store.status().message()));
    auto* replica = new org_client::OrgReplica(signed_channel(org_server, "svc.casework_service"));
    replica->Start();
    if (!replica->WaitForRevision(org_core->published_revision(), absl::Seconds(30))) {
      Die("the casework service's replica of the org service did not load");
    }
    auto* casework_core = new casework::CaseworkCore(casework_store->release(), replica, clock);
    if (absl::Status s = casework_core->Start(); !s.ok()) Die(std::string(s.message()));
    auto* casework_service = new casework::CaseworkGrpcService(casework_core, callers);
    grpc::Server* casework_server = StartInProcess(casework_service).release();
    services->casework_channel_ = casework_server->InProcessChannel(grpc::ChannelArguments());
    services->casework_core_ = casework_core;
  }
  if (!with_roster) return services;

  auto roster_store = roster::SqliteRosterStore::Open(data_dir + "/roster.db");
  if (!roster_store.ok()) Die(std::string(roster_store.status().message()));
  auto* replica = new org_client::OrgReplica(signed_channel(org_server, "svc.roster_service"));
  replica->Start();
  if (!replica->WaitForRevision(org_core->published_revision(), absl::Seconds(30))) {
    Die("the roster's replica of the org service did not load");
  }
  auto* roster_core = new roster::RosterCore(roster_store->release(), replica, clock);
  if (absl::Status s = roster_core->Start(); !s.ok()) Die(std::string(s.message()));
  auto* roster_service = new roster::RosterGrpcService(roster_core, callers);
  grpc::Server* roster_server = StartInProcess(roster_service).release();
  services->roster_channel_ = roster_server->InProcessChannel(grpc::ChannelArguments());
  CreateSampleRoster(signed_channel(roster_server, "fuzzer.setup"));
  return services;
}

namespace {

bool IsServerStreaming(const google::protobuf::MethodDescriptor& method) {
  return method.server_streaming();
}

// The codes a correct server may give for a request it cannot or will not
// carry out: every one says what the caller did wrong or what stands in the
// way (see ../shared/STYLE.md, "pick the most specific code").
bool IsClearRefusal(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::NOT_FOUND:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return true;
    default:
      return false;
  }
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "?";
  }
}

}  // namespace

InProcessServices& InProcessServices::Get(bool with_roster) {
  static InProcessServices* services = Create(with_roster, /*with_casework=*/false);
  return *services;
}

InProcessServices& InProcessServices::GetWithCasework() {
  static InProcessServices* services = Create(/*with_roster=*/false, /*with_casework=*/true);
  return *services;
}

RawCallResult CallRaw(const std::shared_ptr<grpc::Channel>& channel,
                      const google::protobuf::MethodDescriptor& method, absl::string_view request,
                      bool signed_caller, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (signed_caller) {
    static const CallerSigner* signer = new CallerSigner(std::string(kCallerKey));
    AttachCaller(*signer, Caller{.principal = "fuzzer", .may_see_personal_data = true}, context);
  }
  return CallMethodRaw(channel,
                       absl::StrCat("/", method.service()->full_name(), "/", method.name()),
                       request, context);
}

void FuzzServiceCall(const google::protobuf::ServiceDescriptor& service,
                     const std::shared_ptr<grpc::Channel>& channel, const uint8_t* data,
                     size_t size) {
  if (size == 0) return;
  const google::protobuf::MethodDescriptor& method =
      *service.method((data[0] & 0x7F) % service.method_count());
  const bool signed_caller = (data[0] & 0x80) != 0;
  const absl::string_view request(reinterpret_cast<const char*>(data + 1), size - 1);

  // A watch stream that is valid waits for events that may never come:
  // a short deadline ends it. Everything else must answer within seconds.
  const bool streams = IsServerStreaming(method);
  const RawCallResult result = CallRaw(channel, method, request, signed_caller,
                                       streams ? absl::Milliseconds(25) : absl::Seconds(8));
  const grpc::StatusCode code = result.status.error_code();
  // An unsigned call is refused before anything else is looked at (a
  // stream's 25 ms may pass before the refusal arrives on a loaded machine).
  if (!signed_caller && code != grpc::StatusCode::UNAUTHENTICATED &&
      code != grpc::StatusCode::UNIMPLEMENTED && code != grpc::StatusCode::INTERNAL &&
      !(streams && code == grpc::StatusCode::DEADLINE_EXCEEDED)) {
    Die(absl::StrCat(method.full_name(), " (unsigned) answered ", CodeName(code), ": \"",
                     result.status.error_message(), "\"; an unsigned call must be refused"));
  }
  if (IsClearRefusal(code)) return;
  if (streams && code == grpc::StatusCode::DEADLINE_EXCEEDED) return;

  // gRPC itself refuses a request that is not a valid message of the
  // method's type, before the service sees it: gRPC 1.51's callback server
  // answers UNIMPLEMENTED with no message, other paths INTERNAL.
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input_type());
  std::unique_ptr<google::protobuf::Message> parsed(prototype->New());
  const bool parses = parsed->ParseFromArray(request.data(), static_cast<int>(request.size()));
  if (!parses && (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNIMPLEMENTED)) {
    return;
  }

  Die(absl::StrCat(method.full_name(), signed_caller ? " (signed caller)" : " (anonymous)",
                   " answered ", CodeName(code), ": \"", result.status.error_message(),
                   "\" for a request that ", parses ? "parses" : "does not parse",
                   "; a bad request must get a clear error with the right code",
                   parses ? absl::StrCat(" (request: ", parsed->ShortDebugString(), ")") : ""));
}

}  // namespace grassroots::fuzz
