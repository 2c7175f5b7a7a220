// The attacks of a principal scoped to one community, made through the real
// gateway against the real services, one test per hole that was found and
// closed: replays of another principal's request id, uniqueness answers and
// lookups as oracles on personal data it may not see, memberships and
// registrations reached through a person in scope by a role, appointments
// by import that a single call may not make, keys shown unmasked, and
// refusals logged without their principal.

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/algorithm/container.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/testing/command_runner.h"
#include "tests/testing/wait_for.h"

namespace grassroots::gateway::testing {
namespace {

using ::grassroots::roster::testing::ExpectedIdCardMask;
using ::grassroots::roster::testing::MakeDate;
using ::grassroots::roster::testing::NewPerson;
using ::grassroots::roster::testing::NewRole;
using ::grassroots::roster::testing::TestIdCardNumber;
using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<grpc::ClientContext> Context() {
  return ::grassroots::testing::NewClientContext(absl::Seconds(10));
}

// Sends one import message and returns the call's status.
grpc::Status Import(GatewayClients& c, const roster_v1::ImportPeopleRequest& request,
                    roster_v1::ImportPeopleResponse* response) {
  auto context = Context();
  auto writer = c.roster->ImportPeople(context.get(), response);
  writer->Write(request);
  writer->WritesDone();
  return writer->Finish();
}

class GatewayAttacksTest : public GatewaySuite {
 protected:
  GatewayClients As(const std::string& name, const std::string& role, const std::string& scope,
                    bool pii) {
    const TestPrincipal principal = AddPrincipal(name, role, scope, pii);
    ReloadTokens();
    return ClientsOf(principal.token);
  }
  GatewayClients Admin() const { return ClientsOf(district_admin_.token); }

  grpc::Status CreateUnit(GatewayClients& c, const std::string& parent, const std::string& code,
                          const std::string& request_id, org_v1::Unit* out) {
    org_v1::CreateUnitRequest request;
    *request.mutable_unit() = ::grassroots::org::testing::NewCompound(parent, "新建小区", code, {});
    request.set_request_id(request_id);
    return c.org->CreateUnit(Context().get(), request, out);
  }
  grpc::Status CreatePerson(GatewayClients& c, roster_v1::Person person,
                            const std::string& request_id, roster_v1::Person* out) {
    roster_v1::CreatePersonRequest request;
    *request.mutable_person() = std::move(person);
    request.set_request_id(request_id);
    return c.roster->CreatePerson(Context().get(), request, out);
  }
  // A person living in `building` with `id_card` (may be empty).
  static roster_v1::Person Resident(const std::string& name, const std::string& building,
                                    const std::string& id_card = "") {
    roster_v1::Person person = NewPerson(name, id_card);
    person.set_residence_building(building);
    return person;
  }
};

// Hole 1: the demo loader's request ids are predictable. Another principal's
// id is a new id for the replaying principal: it never answers with what the
// other principal made.
TEST_F(GatewayAttacksTest, AnotherPrincipalsRequestIdIsJustANewId) {
  GatewayClients admin = Admin();
  org_v1::Unit admins;
  ASSERT_TRUE(CreateUnit(admin, outside_.community.name(), "A1", "demo-1-u0", &admins).ok());
  roster_v1::Person admins_person;
  ASSERT_TRUE(CreatePerson(admin, Resident("王五", outside_.building.name(), TestIdCardNumber(41)),
                           "demo-1-p0", &admins_person)
                  .ok());

  // An EDITOR of the other community, with the personal-data grant.
  GatewayClients editor = As("editor-pii", "EDITOR", inside_.community.name(), true);
  org_v1::Unit replayed;
  ASSERT_TRUE(CreateUnit(editor, inside_.community.name(), "E1", "demo-1-u0", &replayed).ok());
  EXPECT_NE(replayed.name(), admins.name());
  EXPECT_EQ(replayed.parent(), inside_.community.name());

  roster_v1::Person replayed_person;
  ASSERT_TRUE(
      CreatePerson(editor, Resident("赵六", inside_.building.name()), "demo-1-p0", &replayed_person)
          .ok());
  EXPECT_NE(replayed_person.name(), admins_person.name());
  EXPECT_EQ(replayed_person.residence_building(), inside_.building.name());
  EXPECT_THAT(replayed_person.DebugString(), Not(HasSubstr(TestIdCardNumber(41))));

  // The editor's own retry still answers with what it made.
  org_v1::Unit again;
  ASSERT_TRUE(CreateUnit(editor, inside_.community.name(), "E1", "demo-1-u0", &again).ok());
  EXPECT_EQ(again.name(), replayed.name());
}

// Hole 1, the other way round: an id taken first by one principal does not
// make another principal's later create answer with the wrong resource.
TEST_F(GatewayAttacksTest, RequestIdsCannotBeSquatted) {
  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  org_v1::Unit squatted;
  ASSERT_TRUE(CreateUnit(editor, inside_.community.name(), "S1", "nightly-7", &squatted).ok());
  GatewayClients admin = Admin();
  org_v1::Unit admins;
  ASSERT_TRUE(CreateUnit(admin, outside_.community.name(), "S2", "nightly-7", &admins).ok());
  EXPECT_NE(admins.name(), squatted.name());
  EXPECT_EQ(admins.parent(), outside_.community.name());
  EXPECT_EQ(admins.code(), "S2");
}

// Hole 2: without the grant, "this ID-card number is taken" is told a few
// times, then every write naming a new number is refused before the check,
// whatever the truth: the answers stop telling anything.
TEST_F(GatewayAttacksTest, IdCardConflictsAreRationedWithoutTheGrant) {
  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  int conflicts = 0;
  grpc::Status status;
  for (int i = 0; i < 20; ++i) {
    roster_v1::Person out;
    status =
        CreatePerson(editor, Resident("猜测", inside_.building.name(), outside_.id_card), "", &out);
    if (status.error_code() != grpc::StatusCode::ALREADY_EXISTS) break;
    EXPECT_THAT(status.error_message(), Not(HasSubstr("people/")));
    ++conflicts;
  }
  std::cout << "[ oracle ] " << conflicts << " conflicts told before the budget ran out\n";
  EXPECT_GE(conflicts, 1);
  EXPECT_LE(conflicts, 5);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();

  // A number nobody has gets the same refusal now, and so does a
  // validate-only import of guesses: nothing tells a taken number apart.
  roster_v1::Person out;
  const grpc::Status fresh = CreatePerson(
      editor, Resident("新人", inside_.building.name(), TestIdCardNumber(77)), "", &out);
  EXPECT_EQ(fresh.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  roster_v1::ImportPeopleRequest guesses;
  guesses.set_validate_only(true);
  for (const std::string& number : {outside_.id_card, TestIdCardNumber(78)}) {
    roster_v1::ImportRow* row = guesses.add_rows();
    *row->mutable_person() = Resident("猜测", inside_.building.name(), number);
    row->mutable_person()->set_external_key(absl::StrCat("guess-", number.substr(14)));
  }
  roster_v1::ImportPeopleResponse response;
  ASSERT_TRUE(Import(editor, guesses, &response).ok());
  ASSERT_EQ(response.errors_size(), 2);
  EXPECT_EQ(response.errors(0).message(), response.errors(1).message());

  // A principal with the grant sees numbers anyway, and is not rationed.
  GatewayClients admin = Admin();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(
        CreatePerson(admin, Resident("重复", inside_.building.name(), outside_.id_card), "", &out)
            .error_code(),
        grpc::StatusCode::ALREADY_EXISTS);
  }
}

// Hole 3: guesses tested against a number the caller cannot see.
TEST_F(GatewayAttacksTest, LookupsAndBirthDatesNeedTheGrant) {
  GatewayClients viewer = As("viewer", "VIEWER", inside_.community.name(), false);
  roster_v1::LookupPersonByIdCardRequest real, fake;
  real.set_id_card_number(inside_.id_card);
  fake.set_id_card_number(TestIdCardNumber(99));
  roster_v1::Person person;
  const grpc::Status x = viewer.roster->LookupPersonByIdCard(Context().get(), real, &person);
  const grpc::Status y = viewer.roster->LookupPersonByIdCard(Context().get(), fake, &person);
  EXPECT_EQ(x.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(x.error_code(), y.error_code());
  EXPECT_EQ(x.error_message(), y.error_message());
  EXPECT_THAT(x.error_message(), HasSubstr("id_card_number"));

  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  std::vector<grpc::Status> answers;
  for (int year : {1950, 1951}) {  // one of them may be right: the answer must not say
    roster_v1::UpdatePersonRequest update;
    update.mutable_person()->set_name(inside_.resident.name());
    *update.mutable_person()->mutable_birth_date() = MakeDate(year, 1, 1);
    update.mutable_update_mask()->add_paths("birth_date");
    answers.push_back(editor.roster->UpdatePerson(Context().get(), update, &person));
  }
  EXPECT_EQ(answers[0].error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(answers[0].error_message(), answers[1].error_message());
  EXPECT_THAT(answers[0].error_message(), HasSubstr("person.birth_date"));

  // With the grant both still work.
  GatewayClients viewer_pii = As("viewer-pii", "VIEWER", inside_.community.name(), true);
  EXPECT_TRUE(viewer_pii.roster->LookupPersonByIdCard(Context().get(), real, &person).ok());
}

// Hole 4: a person outside the scope who holds a role inside is in scope,
// but their membership and registration outside are not.
TEST_F(GatewayAttacksTest, MembershipAndRegistrationOutsideStayOutsideThroughARole) {
  // The bridge: an in-service member living outside, a member of the branch
  // there and reporting to that community, who volunteers inside.
  RosterClient admin(Channel(district_admin_.token));
  roster_v1::Person bridge = ::grassroots::roster::testing::NewMember(
      "吴十", roster_v1::Person::FULL, roster_v1::Person::IN_SERVICE);
  bridge.set_residence_building(outside_.building.name());
  ASSERT_OK_AND_ASSIGN(bridge, admin.CreatePerson(bridge));
  roster_v1::StartMembershipRequest start;
  start.set_person(bridge.name());
  start.set_party_org(outside_.branch.name());
  *start.mutable_start_date() = MakeDate(2015, 1, 1);
  ASSERT_OK(admin.Call(&RosterClient::Stub::StartMembership, start).status());
  ASSERT_OK(admin.AssignRole(NewRole(bridge.name(), roster_v1::VOLUNTEER, inside_.building.name()))
                .status());
  roster_v1::CreateRegistrationRequest registration;
  registration.set_person(bridge.name());
  registration.set_community(outside_.community.name());
  *registration.mutable_start_date() = MakeDate(2020, 1, 1);
  ASSERT_OK_AND_ASSIGN(roster_v1::Registration registered,
                       admin.Call(&RosterClient::Stub::CreateRegistration, registration));

  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  roster_v1::GetPersonRequest get;
  get.set_name(bridge.name());
  roster_v1::Person person;
  ASSERT_TRUE(editor.roster->GetPerson(Context().get(), get, &person).ok())
      << "the bridge: in scope through the role";

  roster_v1::Membership membership;
  roster_v1::EndMembershipRequest end;
  end.set_person(bridge.name());
  *end.mutable_end_date() = MakeDate(2024, 1, 1);
  EXPECT_EQ(editor.roster->EndMembership(Context().get(), end, &membership).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  roster_v1::TransferMembershipRequest transfer;
  transfer.set_person(bridge.name());
  transfer.set_party_org(inside_.branch.name());
  *transfer.mutable_date() = MakeDate(2024, 1, 1);
  const grpc::Status moved =
      editor.roster->TransferMembership(Context().get(), transfer, &membership);
  EXPECT_EQ(moved.error_code(), grpc::StatusCode::PERMISSION_DENIED) << moved.error_message();
  roster_v1::EndRegistrationRequest end_registration;
  end_registration.set_name(registered.name());
  *end_registration.mutable_end_date() = MakeDate(2024, 1, 1);
  roster_v1::Registration ended;
  EXPECT_EQ(editor.roster->EndRegistration(Context().get(), end_registration, &ended).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Nothing of it changed.
  ASSERT_OK_AND_ASSIGN(roster_v1::ListMembershipsResponse current,
                       admin.Call(&RosterClient::Stub::ListMemberships, [&] {
                         roster_v1::ListMembershipsRequest r;
                         r.set_parent(bridge.name());
                         r.set_current_only(true);
                         return r;
                       }()));
  ASSERT_EQ(current.memberships_size(), 1);
  EXPECT_EQ(current.memberships(0).party_org(), outside_.branch.name());
}

// Hole 5: an EDITOR of one compound may not appoint at the joint branch it
// shares with other compounds, by import no more than by AssignRole.
TEST_F(GatewayAttacksTest, ImportAppointsOnlyWhereAssignRoleMay) {
  GatewayClients editor = As("compound-editor", "EDITOR", district_.compound2.name(), false);
  roster_v1::ImportPeopleRequest request;
  roster_v1::ImportRow* row = request.add_rows();
  *row->mutable_person() = Resident("钱七", district_.building3.name());
  row->mutable_person()->set_external_key("hr-qian7");
  roster_v1::RoleAssignment* role = row->add_roles();
  role->set_role(roster_v1::COMMITTEE_MEMBER);
  role->set_place(district_.joint_branch.name());
  *role->mutable_start_date() = MakeDate(2024, 1, 1);
  roster_v1::ImportPeopleResponse response;
  const grpc::Status status = Import(editor, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_THAT(status.error_message(), HasSubstr("rows[0].roles[0].place"));
}

// Hole 6: an external key may be an ID-card number: masked without the
// grant, and never usable as a filter or an import key to test one.
TEST_F(GatewayAttacksTest, ExternalKeysThatArePersonalDataAreMaskedAndNotOracles) {
  RosterClient admin(Channel(district_admin_.token));
  roster_v1::Person keyed = Resident("孙八", inside_.building.name());
  keyed.set_external_key(TestIdCardNumber(55));
  ASSERT_OK_AND_ASSIGN(keyed, admin.CreatePerson(keyed));

  GatewayClients auditor = As("auditor", "AUDITOR", "*", false);
  roster_v1::GetPersonRequest get;
  get.set_name(keyed.name());
  roster_v1::Person seen;
  ASSERT_TRUE(auditor.roster->GetPerson(Context().get(), get, &seen).ok());
  EXPECT_FALSE(ContainsPersonalData(seen.DebugString())) << seen.DebugString();
  roster_v1::ListEventsRequest events_request;
  events_request.set_page_size(1000);
  roster_v1::ListEventsResponse events;
  ASSERT_TRUE(auditor.roster->ListEvents(Context().get(), events_request, &events).ok());
  EXPECT_FALSE(ContainsPersonalData(events.DebugString()));

  roster_v1::ListPeopleRequest by_key;
  by_key.set_filter(absl::StrCat("external_key = \"", TestIdCardNumber(55), "\""));
  roster_v1::ListPeopleResponse people;
  EXPECT_EQ(auditor.roster->ListPeople(Context().get(), by_key, &people).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  roster_v1::ImportPeopleRequest request;
  request.set_validate_only(true);
  roster_v1::ImportRow* row = request.add_rows();
  *row->mutable_person() = Resident("孙八", inside_.building.name());
  row->mutable_person()->set_external_key(TestIdCardNumber(55));
  roster_v1::ImportPeopleResponse response;
  const grpc::Status status = Import(editor, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(status.error_message(), HasSubstr("rows[0].person.external_key"));
}

// Hole 7: an import row may not leave a person who is in scope only through
// a role living nowhere (UpdatePerson refuses it), and refusals are logged
// with who was refused.
TEST_F(GatewayAttacksTest, ImportCannotUnplaceAPersonAndRefusalsNameThePrincipal) {
  RosterClient admin(Channel(district_admin_.token));
  roster_v1::Person bridge = Resident("周九", outside_.building.name());
  bridge.set_external_key("hr-zhou9");
  ASSERT_OK_AND_ASSIGN(bridge, admin.CreatePerson(bridge));
  ASSERT_OK(admin.AssignRole(NewRole(bridge.name(), roster_v1::VOLUNTEER, inside_.building.name()))
                .status());

  GatewayClients editor = As("editor", "EDITOR", inside_.community.name(), false);
  roster_v1::ImportPeopleRequest request;
  roster_v1::ImportRow* row = request.add_rows();
  *row->mutable_person() = NewPerson("周九");
  row->mutable_person()->set_external_key("hr-zhou9");
  roster_v1::RoleAssignment* role = row->add_roles();
  role->set_role(roster_v1::VOLUNTEER);
  role->set_place(inside_.building.name());
  *role->mutable_start_date() = MakeDate(2023, 1, 1);
  roster_v1::ImportPeopleResponse response;
  const grpc::Status status = Import(editor, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  EXPECT_THAT(status.error_message(), Not(HasSubstr("hr-zhou9")));
  ASSERT_OK_AND_ASSIGN(roster_v1::Person after, admin.GetPerson(bridge.name()));
  EXPECT_EQ(after.residence_building(), outside_.building.name());

  // A VIEWER's write is refused by its role; the access log says whose.
  GatewayClients viewer = As("viewer-refused", "VIEWER", inside_.community.name(), false);
  org_v1::Unit unit;
  EXPECT_EQ(CreateUnit(viewer, inside_.community.name(), "V1", "", &unit).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(::grassroots::testing::WaitFor([&] {
    std::ifstream in(access_log_);
    std::stringstream text;
    text << in.rdbuf();
    return absl::StrContains(text.str(), "principal=viewer-refused method=OrgService.CreateUnit");
  })) << "the refused call is not logged with its principal";
}

// Hole 7, continued: an import by a principal without the grant keeps the
// personal data it cannot see. A row that leaves the ID-card number and phone
// empty, or sends back their masks, keeps them; one that gives another
// number is refused, as UpdatePerson refuses it.
TEST_F(GatewayAttacksTest, ImportWithoutTheGrantKeepsHiddenPersonalData) {
  RosterClient admin(Channel(district_admin_.token));
  roster_v1::Person resident = Resident("吴十", inside_.building.name(), TestIdCardNumber(61));
  resident.set_phone("13912345678");
  resident.set_external_key("hr-wu10");
  ASSERT_OK_AND_ASSIGN(resident, admin.CreatePerson(resident));

  GatewayClients editor = As("import-editor", "EDITOR", inside_.community.name(), false);
  const auto import_row = [&](const std::string& id_card, const std::string& phone) {
    roster_v1::ImportPeopleRequest request;
    roster_v1::ImportRow* row = request.add_rows();
    *row->mutable_person() = Resident("吴十", inside_.building.name(), id_card);
    row->mutable_person()->set_phone(phone);
    row->mutable_person()->set_residence_room("3-301");
    row->mutable_person()->set_external_key("hr-wu10");
    roster_v1::ImportPeopleResponse response;
    const grpc::Status status = Import(editor, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  // Empty: the room changes, the number and phone stay.
  roster_v1::ImportPeopleResponse emptied = import_row("", "");
  EXPECT_EQ(emptied.errors_size(), 0);
  EXPECT_EQ(emptied.people_updated(), 1);
  ASSERT_OK_AND_ASSIGN(roster_v1::Person after, admin.GetPerson(resident.name()));
  EXPECT_EQ(after.id_card_number(), TestIdCardNumber(61));
  EXPECT_EQ(after.phone(), "13912345678");
  EXPECT_EQ(after.residence_room(), "3-301");
  // The masks, as an export without the grant has them: unchanged.
  roster_v1::ImportPeopleResponse masked =
      import_row(::grassroots::MaskIdCardNumber(TestIdCardNumber(61)),
                 ::grassroots::MaskMobilePhone("13912345678"));
  EXPECT_EQ(masked.errors_size(), 0) << masked.DebugString();
  EXPECT_EQ(masked.rows_unchanged(), 1);
  // Another number: refused, and nothing changes.
  roster_v1::ImportPeopleResponse other = import_row(TestIdCardNumber(62), "");
  ASSERT_EQ(other.errors_size(), 1);
  EXPECT_THAT(other.errors(0).message(), HasSubstr("personal-data grant"));
  ASSERT_OK_AND_ASSIGN(after, admin.GetPerson(resident.name()));
  EXPECT_EQ(after.id_card_number(), TestIdCardNumber(61));
  EXPECT_EQ(after.etag(), admin.GetPerson(resident.name())->etag());
}

// Guessing tokens: an address that failed to authenticate too often waits,
// whatever it sends next, so that guesses cannot go at the network's speed.
class GatewayAuthFloodTest : public GatewaySuite {
 protected:
  void SetUp() override {
    extra_gateway_args_ = {"--auth_failure_burst=5", "--auth_failures_per_second=0.001"};
    seed_sample_district_ = false;
    GatewaySuite::SetUp();
  }
};

TEST_F(GatewayAuthFloodTest, FailedAuthenticationsAreRationedPerAddress) {
  GatewayClients admin = ClientsOf(district_admin_.token);
  org_v1::ListUnitsRequest list;
  org_v1::ListUnitsResponse units;
  ASSERT_TRUE(admin.org->ListUnits(Context().get(), list, &units).ok());
  std::vector<grpc::StatusCode> codes;
  for (int i = 0; i < 8; ++i) {
    GatewayClients guess = ClientsOf(absl::StrCat("guessed-token-", i));
    codes.push_back(guess.org->ListUnits(Context().get(), list, &units).error_code());
  }
  EXPECT_THAT(codes,
              ::testing::ElementsAre(
                  grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::UNAUTHENTICATED,
                  grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::UNAUTHENTICATED,
                  grpc::StatusCode::UNAUTHENTICATED, grpc::StatusCode::RESOURCE_EXHAUSTED,
                  grpc::StatusCode::RESOURCE_EXHAUSTED, grpc::StatusCode::RESOURCE_EXHAUSTED));
  // Even the right token, from that address, waits now.
  EXPECT_EQ(admin.org->ListUnits(Context().get(), list, &units).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

// Record: every refusal lands in the security log (not the access log) with
// the principal, method, resource and reason, and uniqueness conflicts too;
// the counts per principal are served to whoever oversees every district.
TEST_F(GatewayAttacksTest, RefusalsAndConflictsAreRecordedAndCountedPerPrincipal) {
  GatewayClients admin = Admin();
  roster_v1::Person taken;
  ASSERT_TRUE(CreatePerson(admin, Resident("钱七", outside_.building.name(), TestIdCardNumber(57)),
                           "", &taken)
                  .ok());
  GatewayClients editor = As("probing-editor", "EDITOR", inside_.community.name(), true);
  // Out of scope.
  roster_v1::GetPersonRequest get;
  get.set_name(outside_.resident.name());
  roster_v1::Person person;
  ASSERT_EQ(editor.roster->GetPerson(Context().get(), get, &person).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // A taken ID-card number, twice.
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(CreatePerson(editor, Resident("孙八", inside_.building.name(), TestIdCardNumber(57)),
                           "", &person)
                  .error_code(),
              grpc::StatusCode::ALREADY_EXISTS);
  }
  // No token, and a wrong one.
  auto nobody = org_v1::OrgService::NewStub(Channel("not-a-token"));
  org_v1::GetUnitRequest unit_request;
  unit_request.set_name(inside_.compound.name());
  org_v1::Unit unit;
  ASSERT_EQ(nobody->GetUnit(Context().get(), unit_request, &unit).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // A call's lines are written as it ends, which may be just after its
  // client has the answer.
  std::string log;
  EXPECT_TRUE(::grassroots::testing::WaitFor([&] {
    log = ::grassroots::testing::ReadWholeTestFile(security_log_);
    return absl::StrContains(log, "reason=\"authorization: unknown token\"") &&
           absl::StrContains(log, "refused principal=probing-editor") &&
           absl::StrContains(log, "conflict principal=probing-editor");
  })) << log;
  EXPECT_THAT(log, HasSubstr(absl::StrCat("refused principal=probing-editor")));
  EXPECT_THAT(log, HasSubstr(absl::StrCat("method=RosterService.GetPerson code=PERMISSION_DENIED "
                                          "resource=",
                                          outside_.resident.name())));
  EXPECT_THAT(log, HasSubstr("conflict principal=probing-editor"));
  EXPECT_THAT(log, HasSubstr("code=ALREADY_EXISTS"));
  EXPECT_THAT(log, HasSubstr("refused principal=- peer=ipv4:127.0.0.1"));
  EXPECT_THAT(log, HasSubstr("reason=\"authorization: unknown token\""));
  // Never the number, not even in a reason.
  EXPECT_THAT(log, Not(HasSubstr(TestIdCardNumber(57))));
  EXPECT_THAT(log, Not(HasSubstr("not-a-token")));
  // The access log keeps its one line per call, without reasons.
  EXPECT_THAT(::grassroots::testing::ReadWholeTestFile(access_log_), Not(HasSubstr("reason=")));

  // The counts, for the district admin; not for a scoped principal.
  gateway_v1::ListSecurityCountersResponse counters;
  ASSERT_TRUE(admin.gateway
                  ->ListSecurityCounters(Context().get(), gateway_v1::ListSecurityCountersRequest(),
                                         &counters)
                  .ok());
  std::map<std::string, gateway_v1::SecurityCounters> by_who;
  for (const auto& c : counters.counters()) by_who[c.principal()] = c;
  ASSERT_TRUE(by_who.contains("probing-editor"));
  EXPECT_EQ(by_who["probing-editor"].permission_denied(), 1);
  EXPECT_EQ(by_who["probing-editor"].uniqueness_conflicts(), 2);
  ASSERT_TRUE(by_who.contains("peer:ipv4:127.0.0.1"));
  EXPECT_GE(by_who["peer:ipv4:127.0.0.1"].unauthenticated(), 1);
  EXPECT_GT(counters.since().seconds(), 0);

  gateway_v1::ListSecurityCountersResponse refused;
  const grpc::Status status = editor.gateway->ListSecurityCounters(
      Context().get(), gateway_v1::ListSecurityCountersRequest(), &refused);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(refused.counters_size(), 0);
  std::printf("security log: %zu lines; %d principals and peers counted\n",
              static_cast<size_t>(absl::c_count(log, '\n')), counters.counters_size());
}

}  // namespace
}  // namespace grassroots::gateway::testing
