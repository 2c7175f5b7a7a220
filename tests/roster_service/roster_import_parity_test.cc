// One rule, one message: every refusal a single write gives (CreatePerson,
// UpdatePerson, StartMembership, TransferMembership, AssignRole) is given
// the same way to an import row that asks for the same thing, because both
// call the same checks and plans (roster_service/roster_plans.h).
//
// Table-driven, against a real org_service and roster_service (the fixture
// of roster_test_support.h). Each case sets up what it needs, then makes the
// single RPC and imports one row that asks for the same change. The RPC must
// fail with the case's code; the import must refuse the row (an
// ImportRowError carries no code), naming the import's field; and the two
// messages must be the same once the field each request names the thing by
// is set aside ("role_assignment.place: X" and "roles[0].place: X").
// Neither may write anything.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster::testing {
namespace {

using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::Eq;
using ::testing::SizeIs;

// Streams `rows` in one ImportPeople message.
absl::StatusOr<v1::ImportPeopleResponse> Import(const RosterClient& client,
                                                const std::vector<v1::ImportRow>& rows) {
  auto context = ::grassroots::testing::NewClientContext();
  v1::ImportPeopleResponse response;
  std::unique_ptr<grpc::ClientWriterInterface<v1::ImportPeopleRequest>> writer =
      client.stub().ImportPeople(context.get(), &response);
  v1::ImportPeopleRequest request;
  for (const v1::ImportRow& row : rows) *request.add_rows() = row;
  writer->Write(request);
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return ::grassroots::testing::ToAbslStatus(status);
  return response;
}

// A row for `person` (as it was sent to CreatePerson, with its external key)
// and nothing else.
v1::ImportRow RowOf(const v1::Person& person) {
  v1::ImportRow row;
  *row.mutable_person() = person;
  row.mutable_person()->clear_name();
  return row;
}

// A role for the row's own person (ImportRow ignores `person`).
v1::RoleAssignment RowRole(v1::Role role, absl::string_view place) {
  return NewRole("people/1", role, place);
}

// The people the cases need, before Fresh() gives them numbers and keys.
v1::Person Member(v1::Person::PartyStatus status) {
  return NewMember("党员", status, v1::Person::IN_SERVICE);
}
v1::Person NonMember() { return NewPerson("群众"); }

// What a case asks of the server twice: once as a single write, once as an
// import row.
struct Attempt {
  absl::Status single;
  v1::ImportRow row;
};

// The cases (free functions of the table) use the helpers, so they are
// public.
class RosterImportParityTest : public RosterServerFixture {
 public:
  void SetUp() override {
    RosterServerFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(sample_, CreateSampleDistrict(org()));
  }

  using RosterServerFixture::org;
  using RosterServerFixture::roster;

  // `person` with a fresh ID-card number, phone and external key, not yet
  // created.
  v1::Person Fresh(v1::Person person) {
    const int n = next_person_++;
    person.set_id_card_number(TestIdCardNumber(n));
    person.set_phone(TestPhone(n));
    person.set_external_key(absl::StrCat("parity-", n));
    return person;
  }
  // Creates Fresh(person); `sent` is what was sent (the data an import row
  // repeats).
  absl::StatusOr<v1::Person> Create(v1::Person person, v1::Person* sent) {
    *sent = Fresh(std::move(person));
    return roster().CreatePerson(*sent);
  }

  // Creates a full member (`sent` as for Create) with a membership in
  // `party_org` since 1 March 2020.
  absl::StatusOr<v1::Person> CreateMemberOf(absl::string_view party_org, v1::Person* sent) {
    absl::StatusOr<v1::Person> member = Create(Member(v1::Person::FULL), sent);
    if (!member.ok()) return member.status();
    absl::StatusOr<v1::Membership> started =
        roster().StartMembership(member->name(), party_org, MakeDate(2020, 3, 1));
    if (!started.ok()) return started.status();
    return member;
  }

  // Creates a person like `like`, then makes a single AssignRole of `role`
  // at `place` for them, and a row for them with the same role.
  absl::StatusOr<Attempt> RoleAttempt(v1::Person like, v1::Role role, absl::string_view place) {
    v1::Person sent;
    absl::StatusOr<v1::Person> holder = Create(std::move(like), &sent);
    if (!holder.ok()) return holder.status();
    Attempt attempt{roster().AssignRole(NewRole(holder->name(), role, place)).status(),
                    RowOf(sent)};
    *attempt.row.add_roles() = RowRole(role, place);
    return attempt;
  }

  // Creates a person like `like`, then makes a single StartMembership in
  // `party_org` for them, and a row for them with the same membership.
  absl::StatusOr<Attempt> MembershipAttempt(v1::Person like, absl::string_view party_org) {
    v1::Person sent;
    absl::StatusOr<v1::Person> member = Create(std::move(like), &sent);
    if (!member.ok()) return member.status();
    Attempt attempt{
        roster().StartMembership(member->name(), party_org, MakeDate(2020, 3, 1)).status(),
        RowOf(sent)};
    attempt.row.set_party_org(std::string(party_org));
    *attempt.row.mutable_membership_start_date() = MakeDate(2020, 3, 1);
    return attempt;
  }

  // A single CreatePerson of `person` and a row that creates them.
  Attempt NewPersonAttempt(const v1::Person& person) {
    return Attempt{roster().CreatePerson(person).status(), RowOf(person)};
  }

  SampleDistrict sample_;
  int next_person_ = 500;
};

struct ParityCase {
  std::string name;
  grpc::StatusCode code;
  // The field each request names the refused thing by.
  std::string single_field;
  std::string import_field;
  std::function<absl::StatusOr<Attempt>(RosterImportParityTest&, const SampleDistrict&)> attempt;
};

// "field: rest" -> "rest"; the whole message when it does not start so.
std::string AfterField(absl::string_view message, absl::string_view field) {
  const std::string prefix = absl::StrCat(field, ": ");
  if (!absl::StartsWith(message, prefix)) return std::string(message);
  return std::string(message.substr(prefix.size()));
}

std::vector<ParityCase> Cases() {
  using T = RosterImportParityTest;
  using S = SampleDistrict;
  using R = absl::StatusOr<Attempt>;
  std::vector<ParityCase> cases;
  cases.push_back({"role at an unknown place", grpc::StatusCode::NOT_FOUND, "role_assignment.place",
                   "roles[0].place", [](T& t, const S&) -> R {
                     return t.RoleAttempt(NonMember(), v1::BUILDING_LEAD, "units/999999");
                   }});
  cases.push_back({"role at the wrong level", grpc::StatusCode::INVALID_ARGUMENT,
                   "role_assignment.place", "roles[0].place", [](T& t, const S& s) -> R {
                     return t.RoleAttempt(NonMember(), v1::BUILDING_LEAD, s.compound1.name());
                   }});
  cases.push_back({"building role at a party organisation", grpc::StatusCode::INVALID_ARGUMENT,
                   "role_assignment.place", "roles[0].place", [](T& t, const S& s) -> R {
                     return t.RoleAttempt(NonMember(), v1::BUILDING_LEAD, s.branch.name());
                   }});
  cases.push_back({"secretary of the wrong form", grpc::StatusCode::INVALID_ARGUMENT,
                   "role_assignment.place", "roles[0].place", [](T& t, const S& s) -> R {
                     return t.RoleAttempt(Member(v1::Person::FULL), v1::SECRETARY,
                                          s.party_group.name());
                   }});
  cases.push_back({"secretary who is probationary", grpc::StatusCode::FAILED_PRECONDITION,
                   "role_assignment.person", "roles[0].person", [](T& t, const S& s) -> R {
                     return t.RoleAttempt(Member(v1::Person::PROBATIONARY), v1::SECRETARY,
                                          s.joint_branch.name());
                   }});
  cases.push_back({"secretary who is not a member", grpc::StatusCode::FAILED_PRECONDITION,
                   "role_assignment.person", "roles[0].person", [](T& t, const S& s) -> R {
                     return t.RoleAttempt(NonMember(), v1::SECRETARY, s.joint_branch.name());
                   }});
  cases.push_back({"a second secretary", grpc::StatusCode::FAILED_PRECONDITION,
                   "role_assignment.role", "roles[0].role", [](T& t, const S& s) -> R {
                     v1::Person first_sent;
                     absl::StatusOr<v1::Person> first =
                         t.Create(Member(v1::Person::FULL), &first_sent);
                     if (!first.ok()) return first.status();
                     absl::StatusOr<v1::RoleAssignment> held = t.roster().AssignRole(
                         NewRole(first->name(), v1::SECRETARY, s.branch.name()));
                     if (!held.ok()) return held.status();
                     return t.RoleAttempt(Member(v1::Person::FULL), v1::SECRETARY, s.branch.name());
                   }});
  cases.push_back({"role ending before it starts", grpc::StatusCode::INVALID_ARGUMENT,
                   "role_assignment.end_date", "roles[0].end_date", [](T& t, const S& s) -> R {
                     v1::Person sent;
                     absl::StatusOr<v1::Person> p = t.Create(NonMember(), &sent);
                     if (!p.ok()) return p.status();
                     v1::RoleAssignment role =
                         NewRole(p->name(), v1::VOLUNTEER, s.community1.name());
                     *role.mutable_end_date() = MakeDate(2022, 1, 1);
                     Attempt attempt{t.roster().AssignRole(role).status(), RowOf(sent)};
                     role.set_person("people/1");
                     *attempt.row.add_roles() = role;
                     return attempt;
                   }});
  cases.push_back({"membership at an unknown party organisation", grpc::StatusCode::NOT_FOUND,
                   "party_org", "party_org", [](T& t, const S&) -> R {
                     return t.MembershipAttempt(Member(v1::Person::FULL), "partyOrgs/999999");
                   }});
  cases.push_back(
      {"membership of a non-member", grpc::StatusCode::FAILED_PRECONDITION, "person", "party_org",
       [](T& t, const S& s) -> R { return t.MembershipAttempt(NonMember(), s.branch.name()); }});
  cases.push_back(
      {"transfer dated before the membership started", grpc::StatusCode::INVALID_ARGUMENT, "date",
       "membership_start_date", [](T& t, const S& s) -> R {
         v1::Person sent;
         absl::StatusOr<v1::Person> p = t.CreateMemberOf(s.branch.name(), &sent);
         if (!p.ok()) return p.status();
         Attempt attempt{
             t.roster()
                 .TransferMembership(p->name(), s.joint_branch.name(), MakeDate(2019, 1, 1))
                 .status(),
             RowOf(sent)};
         attempt.row.set_party_org(s.joint_branch.name());
         *attempt.row.mutable_membership_start_date() = MakeDate(2019, 1, 1);
         return attempt;
       }});
  cases.push_back(
      {"no longer a member while holding a membership", grpc::StatusCode::FAILED_PRECONDITION,
       "person.party_status", "person.party_status", [](T& t, const S& s) -> R {
         v1::Person sent;
         absl::StatusOr<v1::Person> p = t.CreateMemberOf(s.branch.name(), &sent);
         if (!p.ok()) return p.status();
         v1::Person change;
         change.set_name(p->name());
         change.set_party_status(v1::Person::NONE);
         change.set_member_category(v1::Person::MEMBER_CATEGORY_UNSPECIFIED);
         Attempt attempt{
             t.roster()
                 .UpdatePerson(change, {"party_status", "member_category", "admission_date"})
                 .status(),
             RowOf(sent)};
         v1::Person* row_person = attempt.row.mutable_person();
         row_person->set_party_status(v1::Person::NONE);
         row_person->set_member_category(v1::Person::MEMBER_CATEGORY_UNSPECIFIED);
         row_person->clear_admission_date();
         return attempt;
       }});
  cases.push_back({"a duplicate ID-card number", grpc::StatusCode::ALREADY_EXISTS,
                   "person.id_card_number", "person.id_card_number", [](T& t, const S&) -> R {
                     v1::Person sent;
                     absl::StatusOr<v1::Person> p = t.Create(NonMember(), &sent);
                     if (!p.ok()) return p.status();
                     v1::Person twin = t.Fresh(NewPerson("双胞胎"));
                     twin.set_id_card_number(sent.id_card_number());
                     return t.NewPersonAttempt(twin);
                   }});
  cases.push_back({"a wrong ID-card check character", grpc::StatusCode::INVALID_ARGUMENT,
                   "person.id_card_number", "person.id_card_number", [](T& t, const S&) -> R {
                     v1::Person person = t.Fresh(NewPerson("错号"));
                     person.set_id_card_number(WithWrongCheckCharacter(person.id_card_number()));
                     return t.NewPersonAttempt(person);
                   }});
  cases.push_back({"an invalid phone", grpc::StatusCode::INVALID_ARGUMENT, "person.phone",
                   "person.phone", [](T& t, const S&) -> R {
                     v1::Person person = t.Fresh(NewPerson("错电话"));
                     person.set_phone("12345");
                     return t.NewPersonAttempt(person);
                   }});
  cases.push_back({"an admission in the future", grpc::StatusCode::INVALID_ARGUMENT,
                   "person.admission_date", "person.admission_date", [](T& t, const S&) -> R {
                     v1::Person person =
                         t.Fresh(NewMember("未来", v1::Person::FULL, v1::Person::IN_SERVICE));
                     *person.mutable_admission_date() = DateOf(TodayInChina() + 30);
                     return t.NewPersonAttempt(person);
                   }});
  cases.push_back({"a residence that is not a building", grpc::StatusCode::INVALID_ARGUMENT,
                   "person.residence_building", "person.residence_building",
                   [](T& t, const S& s) -> R {
                     v1::Person person = t.Fresh(NewPerson("住小区"));
                     person.set_residence_building(s.compound1.name());
                     return t.NewPersonAttempt(person);
                   }});
  cases.push_back({"an unknown residence", grpc::StatusCode::NOT_FOUND, "person.residence_building",
                   "person.residence_building", [](T& t, const S&) -> R {
                     v1::Person person = t.Fresh(NewPerson("无处住"));
                     person.set_residence_building("units/999999");
                     return t.NewPersonAttempt(person);
                   }});
  // Last: these delete places the cases above use.
  cases.push_back({"role at a deleted place", grpc::StatusCode::FAILED_PRECONDITION,
                   "role_assignment.place", "roles[0].place", [](T& t, const S& s) -> R {
                     absl::StatusOr<org_v1::Unit> deleted = t.org().DeleteUnit(s.building5.name());
                     if (!deleted.ok()) return deleted.status();
                     return t.RoleAttempt(NonMember(), v1::BUILDING_LEAD, s.building5.name());
                   }});
  cases.push_back(
      {"membership at a deleted party organisation", grpc::StatusCode::FAILED_PRECONDITION,
       "party_org", "party_org", [](T& t, const S& s) -> R {
         absl::StatusOr<org_v1::PartyOrg> deleted = t.org().DeletePartyOrg(s.party_group.name());
         if (!deleted.ok()) return deleted.status();
         return t.MembershipAttempt(Member(v1::Person::FULL), s.party_group.name());
       }});
  return cases;
}

TEST_F(RosterImportParityTest, EveryRefusalReadsTheSameAsASingleWriteAndAsAnImportRow) {
  for (const ParityCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<Attempt> attempt = c.attempt(*this, sample_);
    ASSERT_OK(attempt.status());
    ASSERT_THAT(attempt->single, StatusIs(c.code));
    const std::string single = std::string(attempt->single.message());
    EXPECT_TRUE(absl::StartsWith(single, absl::StrCat(c.single_field, ": "))) << single;

    ASSERT_OK_AND_ASSIGN(const int64_t revision, roster().CurrentRevision());
    ASSERT_OK_AND_ASSIGN(const v1::ImportPeopleResponse response, Import(roster(), {attempt->row}));
    EXPECT_THAT(response.errors(), SizeIs(1)) << response.ShortDebugString();
    if (response.errors_size() != 1) continue;  // and on to the next case
    const v1::ImportRowError& error = response.errors(0);
    EXPECT_EQ(error.field(), c.import_field) << error.message();
    EXPECT_EQ(AfterField(error.message(), c.import_field), AfterField(single, c.single_field))
        << "import: " << error.message() << "\nsingle: " << single;
    EXPECT_THAT(roster().CurrentRevision(), IsOkAndHolds(Eq(revision))) << "nothing was written";
  }
}

}  // namespace
}  // namespace grassroots::roster::testing
