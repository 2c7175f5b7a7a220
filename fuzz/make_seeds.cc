// Writes the seed corpus of every fuzz target under --out (fuzz/corpus):
// one valid request per RPC, made against the services of
// service_harness.h (so the names they use exist), the responses the
// services gave them (for the gateway's response filters), and hand-picked
// inputs for the parsers. Run it when an API changes:
//
//   cmake --build build-fuzz --target fuzz_make_seeds
//   build-fuzz/fuzz/fuzz_make_seeds --out=fuzz/corpus
//
// It fails, naming the method, when an RPC has no seed request here.
// Regression inputs (fuzz/corpus/*/regression-*) are not touched.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "cli/csv.h"
#include "cli/people_csv.h"
#include "common/page_token.h"
#include "common/personal_data.h"
#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "gateway/routes.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

ABSL_FLAG(std::string, out, "fuzz/corpus", "The corpus directory, one subdirectory per target.");

namespace grassroots::fuzz {
namespace {

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "fuzz_make_seeds: %s\n", message.c_str());
  std::exit(1);
}

int files_written = 0;

void Write(const std::string& target, const std::string& name, const std::string& bytes) {
  const std::filesystem::path dir = std::filesystem::path(absl::GetFlag(FLAGS_out)) / target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) Fail(absl::StrCat("cannot write ", (dir / name).string()));
  ++files_written;
}

std::string IdCard(absl::string_view birth, int sequence) {
  const std::string first17 = absl::StrFormat("110105%s%03d", birth, sequence);
  return absl::StrCat(first17, std::string(1, IdCardCheckCharacter(first17)));
}

std::string Date(int y, int m, int d) {
  return absl::StrFormat("{ year: %d month: %d day: %d }", y, m, d);
}

// One valid request per RPC, in text format, by method name. The names are
// those of the sample district; resources a seed creates (units/6,
// partyOrgs/4, people/3, roleAssignments/3) are what the next seeds use.
std::map<std::string, std::string> OrgRequests() {
  return {
      {"CreateUnit",
       "unit { level: BUILDING parent: 'units/4' display_name: '2号楼' code: 'B02' "
       "building { households: 36 floors: 6 address: '阳光路2号' } } "
       "request_id: 'seed-create-unit'"},
      {"GetUnit", "name: 'units/4'"},
      {"BatchGetUnits", "names: 'units/1' names: 'units/5'"},
      {"UpdateUnit",
       "unit { name: 'units/4' compound { kind: OLD households: 330 "
       "renovation_status: PLANNED } } "
       "update_mask { paths: 'compound.households' paths: 'compound.renovation_status' }"},
      {"DeleteUnit", "name: 'units/6'"},
      {"UndeleteUnit", "name: 'units/6'"},
      {"ListUnits",
       "parent: 'units/3' page_size: 10 filter: 'level = COMPOUND AND display_name : \"花园\"'"},
      {"MoveUnit", "name: 'units/6' new_parent: 'units/4'"},
      {"GetAncestors", "name: 'units/5'"},
      {"ListDescendants", "name: 'units/1' max_depth: 4 levels: COMPOUND levels: BUILDING"},
      {"CountDescendants", "name: 'units/2'"},
      {"GetCoveringPartyOrg", "unit: 'units/5'"},
      {"CreatePartyOrg",
       absl::StrCat("party_org { form: FUNCTIONAL_BRANCH display_name: '志愿服务功能型党支部' "
                    "units: 'units/5' parent: 'partyOrgs/1' established_date ",
                    Date(2023, 5, 4), " rating: ADVANCED } request_id: 'seed-create-org'")},
      {"GetPartyOrg", "name: 'partyOrgs/2'"},
      {"BatchGetPartyOrgs", "names: 'partyOrgs/1' names: 'partyOrgs/3'"},
      {"UpdatePartyOrg",
       "party_org { name: 'partyOrgs/2' rating: ADVANCED } update_mask { paths: 'rating' }"},
      {"DeletePartyOrg", "name: 'partyOrgs/4'"},
      {"UndeletePartyOrg", "name: 'partyOrgs/4'"},
      {"ListPartyOrgs", "page_size: 5 filter: 'form = BRANCH AND unit = \"units/4\"'"},
      {"ListEvents", "start_revision: 1 page_size: 20"},
      {"WatchEvents", "start_revision: 1"},
  };
}

std::map<std::string, std::string> RosterRequests() {
  return {
      {"CreatePerson",
       absl::StrCat("person { display_name: '王芳' id_card_number: '", IdCard("19620815", 42),
                    "' phone: '13912345678' residence_building: 'units/5' residence_room: '302' "
                    "party_status: PROBATIONARY admission_date ",
                    Date(2024, 3, 1),
                    " member_category: RETIRED external_key: 'HR-0003' } "
                    "request_id: 'seed-create-person'")},
      {"GetPerson", "name: 'people/1'"},
      {"BatchGetPeople", "names: 'people/1' names: 'people/2'"},
      {"UpdatePerson",
       "person { name: 'people/2' residence_room: '202' phone: '13700001111' } "
       "update_mask { paths: 'residence_room' paths: 'phone' }"},
      {"DeletePerson", "name: 'people/3'"},
      {"UndeletePerson", "name: 'people/3'"},
      {"ListPeople",
       "page_size: 10 filter: 'party_status = FULL AND residence_building = \"units/5\"'"},
      {"LookupPersonByIdCard", absl::StrCat("id_card_number: '", IdCard("19700101", 11), "'")},
      {"StartMembership",
       absl::StrCat("person: 'people/3' party_org: 'partyOrgs/2' start_date ", Date(2024, 3, 1))},
      {"TransferMembership",
       absl::StrCat("person: 'people/1' party_org: 'partyOrgs/1' date ", Date(2024, 6, 1))},
      {"EndMembership", absl::StrCat("person: 'people/3' end_date ", Date(2024, 12, 31))},
      {"ListMemberships",
       "parent: 'people/-' page_size: 10 party_org: 'partyOrgs/2' current_only: true"},
      {"CreateRegistration",
       absl::StrCat("person: 'people/1' community: 'units/3' start_date ", Date(2024, 1, 1))},
      {"EndRegistration",
       absl::StrCat("name: 'people/1/registrations/1' end_date ", Date(2024, 12, 31))},
      {"ListRegistrations", "parent: 'people/1' page_size: 5"},
      {"AssignRole",
       absl::StrCat("role_assignment { person: 'people/2' role: VOLUNTEER place: 'units/4' "
                    "start_date ",
                    Date(2024, 1, 1), " note: '周末值守' } request_id: 'seed-assign-role'")},
      {"EndRoleAssignment", absl::StrCat("name: 'roleAssignments/3' end_date ", Date(2025, 1, 1))},
      {"GetRoleAssignment", "name: 'roleAssignments/1'"},
      {"ListRoleAssignments",
       "place: 'units/3' include_descendants: true current_only: true roles: SECRETARY "
       "roles: BUILDING_LEAD page_size: 20"},
      {"ImportPeople",
       absl::StrCat("rows { person { display_name: '赵磊' id_card_number: '",
                    IdCard("19800505", 33),
                    "' residence_building: 'units/5' residence_room: '401' party_status: FULL "
                    "admission_date ",
                    Date(2010, 7, 1),
                    " member_category: IN_SERVICE external_key: 'HR-0004' } "
                    "party_org: 'partyOrgs/2' membership_start_date ",
                    Date(2015, 1, 1), " roles { role: PARTY_HOUSEHOLD place: 'units/5' start_date ",
                    Date(2023, 1, 1), " } }")},
      {"ListEvents", "start_revision: 1 page_size: 50"},
      {"WatchEvents", "start_revision: 1"},
  };
}

std::string RequestBytes(const google::protobuf::MethodDescriptor& method,
                         const std::string& text) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  if (!google::protobuf::TextFormat::ParseFromString(text, request.get())) {
    Fail(absl::StrCat(method.full_name(), ": the seed request does not parse: ", text));
  }
  return request->SerializeAsString();
}

// Request seeds for a service's fuzz target, and request and response seeds
// for the gateway's routes.
void ServiceSeeds(const google::protobuf::ServiceDescriptor& service,
                  const std::shared_ptr<grpc::Channel>& channel,
                  const std::map<std::string, std::string>& requests, const std::string& target,
                  const gateway::RouteTable& routes) {
  for (int i = 0; i < service.method_count(); ++i) {
    const google::protobuf::MethodDescriptor& method = *service.method(i);
    auto it = requests.find(method.name());
    if (it == requests.end()) {
      Fail(absl::StrCat(method.full_name(), " has no seed request: add one in make_seeds.cc"));
    }
    const std::string request = RequestBytes(method, it->second);
    // Signed first, so that the call succeeds with the view that sees
    // everything; the anonymous seed follows.
    const RawCallResult result =
        CallRaw(channel, method, request, /*signed_caller=*/true,
                method.server_streaming() ? absl::Milliseconds(200) : absl::Seconds(10));
    std::printf("  %-45s %-20s %d response(s)%s%s\n", method.full_name().c_str(),
                result.status.ok() ? "OK" : std::to_string(result.status.error_code()).c_str(),
                result.responses, result.status.ok() ? "" : ": ",
                RedactPersonalData(result.status.error_message()).c_str());
    Write(target, absl::StrCat(method.name(), ".signed"),
          absl::StrCat(std::string(1, static_cast<char>(MethodSelector(i, true))), request));
    Write(target, method.name(),
          absl::StrCat(std::string(1, static_cast<char>(MethodSelector(i, false))), request));

    const std::string path = absl::StrCat("/", service.full_name(), "/", method.name());
    const auto& all = routes.routes();
    const gateway::Route* route = routes.Find(path);
    if (route == nullptr) Fail(absl::StrCat(path, " has no gateway route"));
    const char route_index = static_cast<char>(route - all.data());
    Write("fuzz_gateway_routes", absl::StrCat(method.name(), ".request"),
          absl::StrCat(std::string(1, route_index), std::string(1, '\x80'), request));
    if (route->filter != nullptr && result.responses > 0) {
      Write(
          "fuzz_gateway_routes", absl::StrCat(method.name(), ".response"),
          absl::StrCat(std::string(1, route_index), std::string(1, '\x01'), result.first_response));
    }
  }
}

void FieldMaskSeeds() {
  // Case byte, flags byte (bit 0 signed, bit 1 no mask), comma-separated paths.
  const auto mask = [](int which, int flags, absl::string_view paths) {
    return absl::StrCat(std::string(1, static_cast<char>(which)),
                        std::string(1, static_cast<char>(flags)), paths);
  };
  Write("fuzz_field_mask", "compound",
        mask(0, 0, "display_name,compound.households,compound.kind"));
  Write("fuzz_field_mask", "compound-all", mask(0, 1, "*"));
  Write("fuzz_field_mask", "compound-implied", mask(0, 2, ""));
  Write("fuzz_field_mask", "compound-bad", mask(0, 0, "compound.nope,parent"));
  Write("fuzz_field_mask", "building", mask(1, 0, "building.floors,building.address,code"));
  Write("fuzz_field_mask", "building-immutable", mask(1, 0, "level"));
  Write("fuzz_field_mask", "party-org", mask(2, 0, "rating,units,established_date"));
  Write("fuzz_field_mask", "party-org-output-only", mask(2, 0, "etag"));
  Write("fuzz_field_mask", "person-anonymous", mask(3, 0, "phone,id_card_number,residence_room"));
  Write("fuzz_field_mask", "person-anonymous-all", mask(3, 0, "*"));
  Write("fuzz_field_mask", "person-signed", mask(3, 1, "*"));
  Write("fuzz_field_mask", "person-implied", mask(3, 2, ""));
  Write("fuzz_field_mask", "person-output-only", mask(3, 1, "display_name,create_time"));
  const auto filter = [](int which, absl::string_view text) {
    return absl::StrCat(std::string(1, static_cast<char>(which)), text);
  };
  Write("fuzz_field_mask", "filter",
        filter(4, "level = COMPOUND AND display_name : \"幸福 \\\"花园\\\"\" AND code = 3301"));
  Write("fuzz_field_mask", "filter-or", filter(4, "a = 1 OR b != 2"));
  Write("fuzz_field_mask", "unit-filter",
        filter(5, "compound.kind = OLD AND display_name : \"花园\""));
  Write("fuzz_field_mask", "party-org-filter",
        filter(6, "form = BRANCH AND rating = LAGGING AND unit = \"units/4\""));
  Write("fuzz_field_mask", "person-filter",
        filter(7,
               "party_status = FULL AND member_category = RETIRED AND "
               "residence_building = \"units/5\" AND external_key = \"HR-0001\""));
}

void CsvSeeds() {
  roster::v1::ImportRow row;
  const std::string text =
      absl::StrCat("person { display_name: '张建国' id_card_number: '", IdCard("19700101", 11),
                   "' phone: '13800138000' residence_building: 'units/5' residence_room: '1-101' "
                   "party_status: FULL admission_date ",
                   Date(1995, 7, 1),
                   " member_category: IN_SERVICE external_key: 'HR-0001' gender: MALE birth_date ",
                   Date(1970, 1, 1), " } party_org: 'partyOrgs/2' membership_start_date ",
                   Date(2020, 1, 1), " roles { role: SECRETARY place: 'partyOrgs/2' start_date ",
                   Date(2021, 1, 1), " } roles { role: BUILDING_LEAD place: 'units/5' start_date ",
                   Date(2022, 3, 1), " end_date ", Date(2024, 3, 1), " }");
  if (!google::protobuf::TextFormat::ParseFromString(text, &row)) Fail("the CSV seed row");
  roster::v1::ImportRow resident;
  resident.mutable_person()->set_display_name("李秀英, \"小李\"");
  resident.mutable_person()->set_party_status(roster::v1::Person::NONE);
  resident.mutable_person()->set_residence_building("units/5");
  resident.mutable_person()->set_residence_room("2单元\n302");

  std::vector<std::string> header(cli::kPeopleColumns.begin(), cli::kPeopleColumns.end());
  std::string csv = absl::StrCat(cli::kUtf8Bom, cli::FormatCsvRecord(header));
  absl::StrAppend(&csv, cli::FormatCsvRecord(cli::FormatPeopleRecord(row)));
  absl::StrAppend(&csv, cli::FormatCsvRecord(cli::FormatPeopleRecord(resident)));
  absl::StrAppend(&csv, ",,,,,,,,,,,,,\r\n");
  Write("fuzz_csv", "people.csv", csv);
  // The header in another order, Chinese enum labels, spreadsheet dates.
  Write("fuzz_csv", "people-labels.csv",
        "roles,membership_start_date,party_org,member_category,admission_date,party_status,"
        "residence_room,residence_building,phone,id_card_number,birth_date,gender,display_name,"
        "external_key\n"
        "书记@partyOrgs/2@2021/1/1;楼栋长@units/5@2022/3/1@2024/3/1,2020/1/1,partyOrgs/2,在职,"
        "1995/7/1,正式党员,101,units/5,138****8000,110105********0114,,男,张三,HR-9\n");

  cli::ExportDocument document;
  document.subtree = "units/1";
  document.org_revision = 9;
  document.roster_revision = 7;
  document.people = {row, resident};
  absl::StatusOr<std::string> json = cli::ExportDocumentToJson(document);
  if (!json.ok()) Fail(std::string(json.status().message()));
  Write("fuzz_csv", "export.json", *json);
  Write("fuzz_csv", "fields",
        absl::StrCat("plain\xFF", "with,comma\xFF", "with \"quote\"\xFF", "two\r\nlines\xFF\xFF",
                     "\"\xFF", "尾"));
  Write("fuzz_csv", "unclosed-quote.csv", "a,\"b\nc,d\n");
}

void PageTokenSeeds() {
  const auto input = [](uint64_t fingerprint, int64_t revision, int64_t key, int64_t subkey,
                        int32_t requested, const std::string& token) {
    std::string out;
    const auto put = [&out](uint64_t v, int bytes) {
      for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    };
    put(fingerprint, 8);
    put(static_cast<uint64_t>(revision), 8);
    put(static_cast<uint64_t>(key), 8);
    put(static_cast<uint64_t>(subkey), 8);
    put(static_cast<uint32_t>(requested), 4);
    put(999, 2);  // max 1000
    put(49, 2);   // default 50
    return out + token;
  };
  const uint64_t fingerprint = StableHasher().Add("units/3").Add(int64_t{10}).hash();
  PageCursor cursor{
      .revision = 42, .last_key = 17, .last_subkey = 0, .request_fingerprint = fingerprint};
  Write("fuzz_page_token", "token", input(fingerprint, 42, 17, 0, 10, EncodePageToken(cursor)));
  cursor.last_subkey = 3;
  Write("fuzz_page_token", "token-subkey",
        input(fingerprint, 42, 17, 3, 0, EncodePageToken(cursor)));
  cursor.request_fingerprint = fingerprint + 1;
  Write("fuzz_page_token", "token-other-request",
        input(fingerprint, -1, 5, 0, -3, EncodePageToken(cursor)));
  Write("fuzz_page_token", "not-a-token", input(0, 0, 0, 0, 1001, "not a token!"));
}

void IdCardSeeds() {
  // Two bytes of "today" (days after 1990-01-01; 0x3000 is 2023-08-22).
  const std::string today = "\x00\x30";
  Write("fuzz_id_card", "id-card", today + IdCard("19700101", 11));
  std::string lower = IdCard("19800229", 20);
  if (lower.back() != 'X') lower = IdCard("19900101", 3);
  Write("fuzz_id_card", "id-card-check", today + lower);
  Write("fuzz_id_card", "id-card-future", today + IdCard("20300101", 1));
  Write("fuzz_id_card", "phone", today + "+8613800138000");
  Write("fuzz_id_card", "text",
        today + absl::StrCat("张三 ", IdCard("19700101", 11), "，电话13800138000；编号",
                             "123456789012345678901 和 1380013800"));
}

// fuzz_casework_requests: operations as that target reads them (see its
// header comment). The sample district's building is units/5, its compound
// units/4, its community units/3 and its street units/2.
void CaseworkSeeds() {
  const auto op = [](int which, bool grant, bool variant = false) {
    return std::string(1, static_cast<char>(which | (grant ? 0x80 : 0) | (variant ? 0x40 : 0)));
  };
  const auto b = [](int value) { return std::string(1, static_cast<char>(value)); };
  const auto text = [](absl::string_view value) { return absl::StrCat(value, "\xff"); };
  // Little-endian, as FuzzInput::I32 reads it.
  const auto i32 = [](int32_t value) {
    std::string out;
    for (int i = 0; i < 4; ++i)
      out += static_cast<char>((static_cast<uint32_t>(value) >> (8 * i)) & 0xFF);
    return out;
  };
  enum {
    kReport,
    kUpdate,
    kAccept,
    kEscalate,
    kResolve,
    kConfirm,
    kReopen,
    kReject,
    kCreateDispatch,
    kAcknowledge,
    kReportDispatch,
    kList,
    kGetIssue,
    kGetDispatch,
    kBatchGet,
    kListDispatchesOrEvents
  };
  // place byte (0: units/5, 1: units/4, 2: units/3, 3: units/2), category,
  // channel, title, description, contact, reporter, party org, assignee.
  const auto report = [&](int place, bool grant = true) {
    return absl::StrCat(op(kReport, grant), b(place), b(1), b(1), text("楼顶漏水"),
                        text("六楼住户反映雨天漏水，联系电话13800138000"), text("13912345678"),
                        b(2), b(0), b(0));
  };
  // The last issue (name byte 0) with its current etag (etag byte 1).
  const std::string last = b(0) + b(1);
  const std::string accept = absl::StrCat(op(kAccept, true), b(1), b(2), last);
  const std::string resolve = absl::StrCat(op(kResolve, true), text("已更换防水层"), last);
  const std::string confirm = absl::StrCat(op(kConfirm, true), b(1), last);
  const std::string escalate = absl::StrCat(op(kEscalate, true), text("小区无力解决"), last);

  Write("fuzz_casework_requests", "report", report(0));
  Write("fuzz_casework_requests", "report-anonymous-view",
        absl::StrCat(report(0), op(kGetIssue, false), b(0)));
  Write("fuzz_casework_requests", "report-retry",
        absl::StrCat(op(kReport, true, true), b(1), b(5), b(7), text("占用消防通道"), text(""),
                     text(""), b(0), b(0), b(0), text("seed-report-1"), op(kReport, true, true),
                     b(1), b(5), b(7), text("占用消防通道"), text(""), text(""), b(0), b(0), b(0),
                     text("seed-report-1")));
  Write("fuzz_casework_requests", "report-bad-place",
        absl::StrCat(report(3), report(4), op(kReport, true), b(0xF0), text("units/2/x"), b(0),
                     b(11), text(""), text(""), text(""), b(0x80), text("people/x"), b(0x80),
                     text("partyOrgs/"), b(0)));
  Write("fuzz_casework_requests", "lifecycle", absl::StrCat(report(1), accept, resolve, confirm));
  Write("fuzz_casework_requests", "reopen",
        absl::StrCat(report(2), accept, resolve,
                     absl::StrCat(op(kReopen, false), text("还是漏水，请联系13800138000"), last),
                     resolve, confirm));
  Write("fuzz_casework_requests", "reject",
        absl::StrCat(report(0), op(kReject, true), text("与 issues/1 重复"), last));
  Write("fuzz_casework_requests", "stale-etag",
        absl::StrCat(report(0), op(kAccept, true), b(0), b(0), b(0), b(2), text("W/\"1\""),
                     op(kConfirm, true), b(3), last));
  Write("fuzz_casework_requests", "dispatch",
        absl::StrCat(report(0), escalate, escalate, op(kCreateDispatch, true, true), b(0), b(1),
                     i32(3 * 24 * 3600), b(0), text("请于三日内到场"), text("seed-dispatch-1"),
                     op(kAcknowledge, true), last, op(kReportDispatch, false), last,
                     text("已处理，住户电话13800138000"), op(kGetDispatch, false), b(0),
                     op(kListDispatchesOrEvents, false), b(0), b(3), b(0)));
  Write("fuzz_casework_requests", "dispatch-refused",
        absl::StrCat(report(1), op(kCreateDispatch, true), b(0), b(2), text("区住建局"), i32(3600),
                     b(0), text(""), op(kCreateDispatch, true), b(0), b(4), i32(-3600), b(0),
                     text(""), op(kCreateDispatch, true), b(0), b(8), std::string(8, '\x7f'), b(0),
                     text("")));
  Write("fuzz_casework_requests", "update",
        absl::StrCat(report(0), op(kUpdate, true), last, text("title,description,reporter_contact"),
                     text("电梯故障"), text("3号电梯停运"), text("13700001111"), b(1), b(0),
                     op(kUpdate, false, true), last, text("*,place"), text(""), text(""), text(""),
                     b(0), b(0), b(2)));
  Write("fuzz_casework_requests", "list-pages",
        absl::StrCat(report(0), report(1), report(2), op(kList, false), b(3), b(0), b(1), b(0),
                     op(kList, false), b(3), b(0), b(1), b(1), op(kList, true, true), b(0), b(1),
                     b(2), b(0), i32(1) + i32(0)));
  Write("fuzz_casework_requests", "list-bad",
        absl::StrCat(op(kList, false), b(0xF0), text("units/2 "), b(0xF0),
                     text("open = maybe OR state = \"x\""), b(0xF0), i32(-1), b(2),
                     text("bm90IGEgdG9rZW4"), op(kList, false, true), b(0), b(0), b(0xF0),
                     i32(100000), b(0), std::string(8, '\xff')));
  // Eight operations an input: the odd names in chunks.
  for (int first = 0; first < 19; first += 8) {
    std::string issues, dispatches;
    for (int i = first; i < std::min(first + 8, 19); ++i) {
      absl::StrAppend(&issues, op(kGetIssue, i % 2 == 0), b(0x80 + i));
      absl::StrAppend(&dispatches, op(kGetDispatch, i % 2 == 0), b(0x80 + i));
    }
    Write("fuzz_casework_requests", absl::StrCat("odd-issue-names-", first / 8), issues);
    Write("fuzz_casework_requests", absl::StrCat("odd-dispatch-names-", first / 8), dispatches);
  }
  Write("fuzz_casework_requests", "batch-events",
        absl::StrCat(report(0), op(kBatchGet, false), b(3), b(0), b(1), b(0x81),
                     op(kListDispatchesOrEvents, false, true), b(1), b(5), b(0)));
}

// fuzz_activity_requests: operations as that target reads them (see its
// header comment). partyOrgs/1 is above partyOrgs/2, above partyOrgs/3;
// people/1 and people/2 are the roster's.
void ActivitySeeds() {
  const std::string target = "fuzz_activity_requests";
  enum {
    kCreate,
    kUpdate,
    kSubmit,
    kApprove,
    kReturn,
    kHold,
    kRecord,
    kCancel,
    kRecordAttendance,
    kImport,
    kListAttendances,
    kGetAccount,
    kListEntries,
    kRedeem,
    kCreatePoint,
    kGetPoint,
    kUpdatePoint,
    kDeletePoint,
    kListPoints,
    kGetActivity,
    kListActivities,
    kListEvents
  };
  const auto op = [](int which, bool grant, bool variant = false) {
    return std::string(1, static_cast<char>(which | (grant ? 0x80 : 0) | (variant ? 0x40 : 0)));
  };
  const auto b = [](int value) { return std::string(1, static_cast<char>(value)); };
  const auto text = [](absl::string_view value) { return absl::StrCat(value, "\xff"); };
  const auto u16 = [](int value) {
    return absl::StrCat(std::string(1, static_cast<char>(value & 0xFF)),
                        std::string(1, static_cast<char>((value >> 8) & 0xFF)));
  };
  // The planned fields: party org byte, kind, theme, description, where
  // (bit 0: a place byte follows, bit 1: a service point byte), start
  // (1: minutes ago, 2: minutes ahead), end (1: minutes after the start),
  // organiser, capacity, co-organisers.
  // Start mode 0 and end length -1 leave the time unset. Organiser
  // people/1, no capacity, one co-organiser (alliances/1).
  const auto planned = [&](int party_org, int kind, const std::string& where, int start_mode,
                           int start_minutes, int length_minutes) {
    return absl::StrCat(
        b(party_org), b(kind), text("楼道清洁志愿服务"), text("联系人电话13800138000"), where,
        start_mode == 0 ? b(0) : b(start_mode) + u16(start_minutes),
        length_minutes < 0 ? b(0) : b(1) + u16(length_minutes), b(1), b(0), b(1), b(1));
  };
  // A volunteer service of partyOrgs/2 at units/5 that started an hour ago.
  const std::string create =
      absl::StrCat(op(kCreate, true), planned(2, 7, b(1) + b(0), 1, 60, 180));
  // The last activity (name byte 0) with its current etag (etag byte 1).
  const std::string last = b(0) + b(1);
  const std::string submit = absl::StrCat(op(kSubmit, true), last);
  const std::string approve = absl::StrCat(op(kApprove, true), b(1), last);
  const std::string hold = absl::StrCat(op(kHold, true), last);
  const std::string held = absl::StrCat(create, submit, approve, hold);
  // Kind, person byte, minutes, head count, key.
  const auto line = [&](int kind, int person, int minutes, int head_count, absl::string_view key) {
    return absl::StrCat(b(kind), b(person), b(minutes), b(head_count),
                        key.empty() ? b(0) : absl::StrCat(b(1), text(key)));
  };

  Write(target, "lifecycle",
        absl::StrCat(held, op(kRecordAttendance, true), b(0), line(3, 1, 120, 0, "A-001"),
                     op(kRecordAttendance, false), b(0), line(4, 0, 0, 35, ""), op(kRecord, true),
                     last, op(kGetActivity, false), b(0)));
  Write(target, "attendance-import",
        absl::StrCat(held, op(kImport, true), b(0), b(3), line(3, 2, 89, 0, "A-002"),
                     line(1, 1, 45, 0, ""), line(3, 3, 30, 0, "A-003"), op(kImport, true, true),
                     b(0), b(2), line(2, 1, 60, 0, "A-004"), line(4, 0, 0, 12, "A-005"),
                     op(kListAttendances, false), b(0), b(1), b(0), op(kGetAccount, false), b(2),
                     b(1)));
  Write(target, "redemption",
        absl::StrCat(held, op(kRecordAttendance, true), b(0), line(3, 2, 120, 0, ""),
                     op(kRedeem, true, true), b(2), b(2), text("兑换洗衣液"), text("seed-redeem-1"),
                     op(kRedeem, false), b(2), b(6), text("兑换米面油"), op(kListEntries, false),
                     b(2), b(3), b(0)));
  Write(target, "return-cancel",
        absl::StrCat(op(kCreate, true), planned(3, 1, b(1) + b(0), 2, 1440, 90), submit,
                     op(kReturn, true), b(1), text("不是上级组织"), last, op(kReturn, true), b(2),
                     text("请补充议程，联系13912345678"), last, op(kUpdate, true), last,
                     text("theme,description"), planned(3, 1, b(0), 0, 0, -1), op(kSubmit, true),
                     last, op(kCancel, true), text("因天气取消"), last, op(kGetActivity, false),
                     b(0)));
  Write(target, "service-points",
        absl::StrCat(op(kCreatePoint, true, true), b(2), text("和谐社区党群服务中心"), b(1),
                     text("和谐路8号"), text("seed-point-1"), op(kUpdatePoint, true), b(0), b(1),
                     text("display_name,address"), text("和谐社区党群服务中心（新址）"), b(2),
                     text("和谐路9号，值班电话13912345678"), op(kCreate, true),
                     planned(1, 9, b(2) + b(0), 1, 30, 240), op(kListPoints, false), b(4), b(3),
                     b(0), b(0), op(kGetPoint, false), b(0), op(kDeletePoint, true), b(0), b(1),
                     op(kCreate, true), planned(1, 9, b(3) + b(4) + b(0), 2, 30, 60),
                     op(kListPoints, true, true), b(2), b(0), b(0), b(0)));
  Write(target, "bad-times",
        absl::StrCat(
            op(kCreate, true), b(2), b(7), text("时间越界"), text(""), b(1), b(0), b(4), b(3), b(1),
            b(3), b(2), b(0), b(0), b(0), op(kCreate, true), b(2), b(7), text("时间越界"), text(""),
            b(1), b(0), b(3), std::string(8, '\x7f'), std::string(4, '\x7f'), b(2),
            std::string(8, '\xff'), std::string(4, '\xff'), b(0), b(0), b(0), op(kCreate, true),
            planned(2, 7, b(1) + b(0), 1, 60, 60 * 24 * 8), op(kCreate, true),
            planned(2, 7, b(1) + b(0), 2, 60, 0), op(kCreate, true), b(2), b(12), text("未知种类"),
            text(""), b(1), b(0), b(1), u16(60), b(1), u16(60), b(0), b(0xF0),
            std::string(4, '\xff'), b(0), op(kListActivities, false), b(0), b(4), b(0), b(0)));
  Write(target, "huge-numbers",
        absl::StrCat(held, op(kRecordAttendance, true), b(0), b(3), b(1), b(0x8E), b(0), b(0),
                     op(kRecordAttendance, true), b(0), b(4), b(0), b(0), b(0x8B), b(0),
                     op(kRedeem, true), b(1), b(8), text("太多"), op(kImport, true), b(0), b(0xFF),
                     line(3, 1, 30, 0, "K"), line(3, 2, 30, 0, "L"), line(4, 0, 0, 5, ""),
                     line(0, 0, 0, 0, ""), line(5, 1, 1, 1, "M"), line(3, 0x85, 1, 0, ""),
                     line(1, 2, 0x8F, 0, "")));
  // ListActivities: the filters and places in turn.
  std::string lists;
  for (int i = 0; i < 8; ++i) {
    absl::StrAppend(&lists, op(kListActivities, i % 2 == 0), b(i), b(2 * i), b(i % 4), b(0));
  }
  Write(target, "list-filters", lists);
  lists.clear();
  // Not filter 13 ("kind = 13800138000"): its message repeats the number
  // (common/filter_fields.h), which the target reports.
  for (int i = 8; i < 16; ++i) {
    absl::StrAppend(&lists, op(kListActivities, i % 2 == 0, i % 3 == 0), b(i),
                    b(i + 3 == 13 ? 14 : i + 3), b(1), b(0),
                    i % 3 == 0 ? std::string(8, '\0') : "");
  }
  Write(target, "list-filters-odd", lists);
  // Eight operations an input: the odd names in chunks.
  for (int first = 0; first < 30; first += 8) {
    std::string names;
    for (int i = first; i < std::min(first + 8, 30); ++i) {
      if (i % 3 == 0) absl::StrAppend(&names, op(kGetActivity, i % 2 == 0), b(0x80 + i));
      if (i % 3 == 1) absl::StrAppend(&names, op(kGetAccount, i % 2 == 0), b(0x80 + i), b(i));
      if (i % 3 == 2) {
        absl::StrAppend(&names, op(kRedeem, true), b(0x80 + i), b(0), text("odd"));
      }
    }
    Write(target, absl::StrCat("odd-names-", first / 8), names);
  }
  Write(target, "events",
        absl::StrCat(create, op(kListEvents, false), b(1), b(7), b(0), op(kListEvents, true),
                     b(0xF0), std::string(8, '\xff'), b(3), b(1), text("bm90IGEgdG9rZW4")));
}

int Main() {
  SilenceProtobufLogs();
  // First: they need no service.
  CaseworkSeeds();
  ActivitySeeds();
  const InProcessServices& services = InProcessServices::Get(/*with_roster=*/true);
  const gateway::RouteTable routes;
  std::printf("org service:\n");
  ServiceSeeds(ServiceDescriptorOf(org::v1::OrgService::service_full_name()),
               services.org_channel(), OrgRequests(), "fuzz_org_requests", routes);
  std::printf("roster service:\n");
  ServiceSeeds(ServiceDescriptorOf(roster::v1::RosterService::service_full_name()),
               services.roster_channel(), RosterRequests(), "fuzz_roster_requests", routes);
  FieldMaskSeeds();
  CsvSeeds();
  PageTokenSeeds();
  IdCardSeeds();
  std::printf("%d seed files written under %s\n", files_written, absl::GetFlag(FLAGS_out).c_str());
  return 0;
}

}  // namespace
}  // namespace grassroots::fuzz

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return grassroots::fuzz::Main();
}
