#include "roster_service/roster_core.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "roster_service/sqlite_roster_store.h"
#include "tests/mocks/fake_org_directory.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class FixedClock final : public Clock {
 public:
  absl::Time Now() const override {
    return absl::FromCivil(absl::CivilDay(2026, 11, 23), absl::FixedTimeZone(8 * 3600)) +
           absl::Hours(10);
  }
};

template <typename T, typename Call>
absl::StatusOr<T> Sync(Call call) {
  std::promise<absl::StatusOr<T>> promise;
  call([&](absl::StatusOr<T> result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

// A valid ID-card number for someone born on 1980-01-01, made distinct by
// `sequence` (odd: a man).
std::string IdCard(int sequence) {
  std::string number = absl::StrCat("11010519800101", 100 + sequence);
  number.push_back(IdCardCheckCharacter(number));
  return number;
}

constexpr int64_t kStreet = 2, kCommunity = 3, kCompound = 4, kBuilding = 5;
constexpr int64_t kOtherCommunity = 6, kOtherCompound = 7, kOtherBuilding = 8;
constexpr int64_t kBranch = 1, kOtherBranch = 2, kGroup = 3;

class RosterCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.AddUnit(1, org::Level::kDistrict);
    directory_.AddUnit(kStreet, org::Level::kStreet, 1);
    directory_.AddUnit(kCommunity, org::Level::kCommunity, kStreet);
    directory_.AddUnit(kCompound, org::Level::kCompound, kCommunity);
    directory_.AddUnit(kBuilding, org::Level::kBuilding, kCompound);
    directory_.AddUnit(kOtherCommunity, org::Level::kCommunity, 1);
    directory_.AddUnit(kOtherCompound, org::Level::kCompound, kOtherCommunity);
    directory_.AddUnit(kOtherBuilding, org::Level::kBuilding, kOtherCompound);
    directory_.AddOrg(kBranch, org::OrgForm::kBranch, {kCompound});
    directory_.AddOrg(kOtherBranch, org::OrgForm::kBranch, {kOtherCompound});
    directory_.AddOrg(kGroup, org::OrgForm::kPartyGroup, {kBuilding});
    auto store = SqliteRosterStore::Open(dir_.File("roster.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<RosterCore>(store_.get(), &directory_, &clock_);
    ASSERT_TRUE(core_->Start().ok());
  }

  absl::StatusOr<Person> CreatePerson(int sequence, PartyStatus status,
                                      MemberCategory category = MemberCategory::kInService) {
    Person person;
    person.display_name = absl::StrCat("张", sequence);
    person.id_card_number = IdCard(sequence);
    person.phone = absl::StrCat("138001", 10000 + sequence);
    person.party_status = status;
    if (IsPartyMember(status)) {
      person.admission_date = absl::CivilDay(2010, 7, 1);
      person.member_category = category;
    }
    return Sync<Person>([&](auto done) { core_->CreatePerson(caller_, person, "", done); });
  }
  int64_t MustCreatePerson(int sequence, PartyStatus status) {
    absl::StatusOr<Person> person = CreatePerson(sequence, status);
    EXPECT_TRUE(person.ok()) << person.status();
    return person.ok() ? person->id : 0;
  }
  absl::StatusOr<RoleAssignment> Assign(int64_t person, Role role, Place place) {
    RoleAssignment assignment;
    assignment.person_id = person;
    assignment.role = role;
    assignment.place = place;
    assignment.start_date = absl::CivilDay(2026, 1, 1);
    return Sync<RoleAssignment>(
        [&](auto done) { core_->AssignRole(caller_, assignment, "", done); });
  }
  absl::StatusOr<Membership> Start(int64_t person, int64_t org, absl::CivilDay day) {
    return Sync<Membership>(
        [&](auto done) { core_->StartMembership(caller_, person, org, day, done); });
  }
  absl::StatusOr<Membership> Transfer(int64_t person, int64_t org, absl::CivilDay day) {
    return Sync<Membership>(
        [&](auto done) { core_->TransferMembership(caller_, person, org, day, done); });
  }

  static Place Unit(int64_t id) { return {Place::Kind::kUnit, id}; }
  static Place Org(int64_t id) { return {Place::Kind::kPartyOrg, id}; }

  ::grassroots::testing::TempDir dir_;
  FixedClock clock_;
  roster::testing::FakeOrgDirectory directory_;
  Caller caller_{"tester"};
  std::unique_ptr<SqliteRosterStore> store_;
  std::unique_ptr<RosterCore> core_;
};

TEST_F(RosterCoreTest, PeopleAreValidatedAndUniqueByIdCard) {
  absl::StatusOr<Person> person = CreatePerson(1, PartyStatus::kFull);
  ASSERT_TRUE(person.ok()) << person.status();
  EXPECT_EQ(person->birth_date, absl::CivilDay(1980, 1, 1));  // read from the number
  absl::StatusOr<Person> twin = CreatePerson(1, PartyStatus::kNone);
  EXPECT_THAT(twin.status(),
              StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("person.id_card_number")));
  EXPECT_THAT(std::string(twin.status().message()), Not(HasSubstr(IdCard(1))));
  absl::StatusOr<Person> found = core_->LookupPersonByIdCard(IdCard(1));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, person->id);
}

TEST_F(RosterCoreTest, TransferEndsOneMembershipAndStartsTheNextAtomically) {
  const int64_t member = MustCreatePerson(1, PartyStatus::kFull);
  ASSERT_TRUE(Start(member, kBranch, absl::CivilDay(2015, 3, 1)).ok());
  EXPECT_THAT(Start(member, kOtherBranch, absl::CivilDay(2016, 1, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("current membership")));
  EXPECT_THAT(Transfer(member, kBranch, absl::CivilDay(2020, 1, 1)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("party_org")));
  EXPECT_THAT(Transfer(member, kOtherBranch, absl::CivilDay(2014, 1, 1)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("date")));
  const int64_t before = core_->published_revision();
  absl::StatusOr<Membership> moved = Transfer(member, kOtherBranch, absl::CivilDay(2020, 6, 1));
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(core_->published_revision(), before + 1);  // one mutation, two events

  absl::StatusOr<Page<Membership>> history = core_->ListMemberships({.person_id = member});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 2u);
  EXPECT_EQ(history->items[0].party_org_id, kBranch);
  EXPECT_EQ(history->items[0].end_date, absl::CivilDay(2020, 6, 1));
  EXPECT_EQ(history->items[1].party_org_id, kOtherBranch);
  EXPECT_EQ(history->items[1].start_date, absl::CivilDay(2020, 6, 1));
  EXPECT_TRUE(history->items[1].current());
  absl::StatusOr<EventPage<Snapshot>> events = core_->ListEvents(before + 1, 10, "");
  ASSERT_TRUE(events.ok());
  EXPECT_EQ(events->events.size(), 2u);
}

TEST_F(RosterCoreTest, NonMembersHaveNoMembership) {
  const int64_t resident = MustCreatePerson(2, PartyStatus::kNone);
  EXPECT_THAT(Start(resident, kBranch, absl::CivilDay(2020, 1, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a party member")));
}

TEST_F(RosterCoreTest, RolesFollowTheLevelRules) {
  const int64_t full = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t probationary = MustCreatePerson(3, PartyStatus::kProbationary);
  EXPECT_TRUE(Assign(full, Role::kBuildingLead, Unit(kBuilding)).ok());
  EXPECT_THAT(Assign(full, Role::kBuildingLead, Unit(kCompound)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role_assignment.place")));
  EXPECT_THAT(Assign(full, Role::kGroupLeader, Org(kBranch)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role_assignment.place")));
  EXPECT_THAT(Assign(probationary, Role::kSecretary, Org(kBranch)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("full party member")));
  ASSERT_TRUE(Assign(full, Role::kSecretary, Org(kBranch)).ok());
  const int64_t second = MustCreatePerson(5, PartyStatus::kFull);
  EXPECT_THAT(
      Assign(second, Role::kSecretary, Org(kBranch)).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already has a SECRETARY")));
  EXPECT_THAT(Assign(full, Role::kVolunteer, Unit(99)).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/99")));
  directory_.Delete(Unit(kOtherBuilding));
  EXPECT_THAT(Assign(full, Role::kBuildingLead, Unit(kOtherBuilding)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));
}

TEST_F(RosterCoreTest, AnUnreachableOrgServiceWritesNothing) {
  const int64_t full = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t before = core_->published_revision();
  directory_.SetUnreachable(true);
  EXPECT_THAT(Assign(full, Role::kBuildingLead, Unit(kBuilding)).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("role_assignment.place")));
  EXPECT_THAT(Start(full, kBranch, absl::CivilDay(2020, 1, 1)).status(),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("party_org")));
  EXPECT_EQ(core_->published_revision(), before);
  directory_.SetUnreachable(false);
  EXPECT_TRUE(Assign(full, Role::kBuildingLead, Unit(kBuilding)).ok());
}

TEST_F(RosterCoreTest, RolesBelowAUnitIncludeCoveringOrganisations) {
  const int64_t lead = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t secretary = MustCreatePerson(3, PartyStatus::kFull);
  const int64_t elsewhere = MustCreatePerson(5, PartyStatus::kFull);
  const int64_t a = Assign(lead, Role::kBuildingLead, Unit(kBuilding))->id;
  const int64_t b = Assign(secretary, Role::kSecretary, Org(kBranch))->id;
  ASSERT_TRUE(Assign(elsewhere, Role::kBuildingLead, Unit(kOtherBuilding)).ok());

  ListRolesQuery query{.place = Unit(kStreet), .include_descendants = true};
  absl::StatusOr<Page<RoleAssignment>> under = core_->ListRoleAssignments(query);
  ASSERT_TRUE(under.ok()) << under.status();
  std::vector<int64_t> ids;
  for (const RoleAssignment& r : under->items) ids.push_back(r.id);
  EXPECT_THAT(ids, ElementsAre(a, b));
  query.roles = {Role::kBuildingLead};
  under = core_->ListRoleAssignments(query);
  ASSERT_TRUE(under.ok());
  ASSERT_EQ(under->items.size(), 1u);
  EXPECT_EQ(under->items[0].id, a);
}

// Lists with no narrower index scan ids in order from the cursor: every row
// once, across pages, without the deleted or filtered-out ones.
TEST_F(RosterCoreTest, UnfilteredListsPageThroughEveryRowOnce) {
  std::vector<int64_t> people, roles;
  for (int i = 0; i < 7; ++i) {
    people.push_back(MustCreatePerson(2 * i + 1, PartyStatus::kFull));
    roles.push_back(Assign(people.back(), Role::kVolunteer, Unit(kBuilding))->id);
  }
  const int64_t gone = MustCreatePerson(21, PartyStatus::kNone);
  ASSERT_TRUE(Sync<Person>([&](auto done) { core_->DeletePerson(caller_, gone, "", done); }).ok());
  const int64_t last = MustCreatePerson(23, PartyStatus::kFull);
  people.push_back(last);

  std::vector<int64_t> listed;
  int pages = 0;
  ListPeopleQuery people_query{.page_size = 2};
  do {
    absl::StatusOr<Page<Person>> page = core_->ListPeople(people_query);
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_LE(page->items.size(), 2u);
    for (const Person& p : page->items) listed.push_back(p.id);
    people_query.page_token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!people_query.page_token.empty());
  EXPECT_EQ(listed, people);

  listed.clear();
  ListRolesQuery roles_query{.page_size = 3};
  do {
    absl::StatusOr<Page<RoleAssignment>> page = core_->ListRoleAssignments(roles_query);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const RoleAssignment& r : page->items) listed.push_back(r.id);
    roles_query.page_token = page->next_page_token;
  } while (!roles_query.page_token.empty());
  EXPECT_EQ(listed, roles);
}

// A subtree too large to gather is listed by testing each role's place
// instead; both ways give the same roles, in the same order, across pages.
TEST_F(RosterCoreTest, LargeSubtreesListTheSameRolesAsSmallOnes) {
  const int64_t lead = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t secretary = MustCreatePerson(3, PartyStatus::kFull);
  const int64_t elsewhere = MustCreatePerson(5, PartyStatus::kFull);
  std::vector<int64_t> under_street;
  under_street.push_back(Assign(lead, Role::kBuildingLead, Unit(kBuilding))->id);
  std::vector<int64_t> under_other_community;
  under_other_community.push_back(Assign(elsewhere, Role::kBuildingLead, Unit(kOtherBuilding))->id);
  under_street.push_back(Assign(secretary, Role::kSecretary, Org(kBranch))->id);
  under_other_community.push_back(Assign(elsewhere, Role::kSecretary, Org(kOtherBranch))->id);
  under_street.push_back(Assign(lead, Role::kVolunteer, Unit(kCompound))->id);
  under_street.push_back(Assign(secretary, Role::kVolunteer, Unit(kStreet))->id);

  const auto list_all = [&](ListRolesQuery query) {
    std::vector<int64_t> ids;
    for (int pages = 0; pages < 20; ++pages) {
      absl::StatusOr<Page<RoleAssignment>> page = core_->ListRoleAssignments(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) break;
      for (const RoleAssignment& r : page->items) ids.push_back(r.id);
      if (page->next_page_token.empty()) break;
      query.page_token = page->next_page_token;
    }
    return ids;
  };
  const ListRolesQuery street{.place = Unit(kStreet), .include_descendants = true, .page_size = 1};
  ListRolesQuery leads_by_lead = street;
  leads_by_lead.person_id = lead;
  leads_by_lead.roles = {Role::kBuildingLead};

  EXPECT_EQ(list_all(street), under_street);
  EXPECT_THAT(list_all(leads_by_lead), ElementsAre(under_street[0]));
  directory_.SetMaxPlacesToList(2);  // every subtree here is "large"
  EXPECT_EQ(list_all(street), under_street);
  EXPECT_THAT(list_all(leads_by_lead), ElementsAre(under_street[0]));
  EXPECT_EQ(list_all({.place = Unit(kOtherCommunity), .include_descendants = true}),
            under_other_community);
}

TEST_F(RosterCoreTest, PeopleWithCurrentDutiesAreNotDeleted) {
  const int64_t lead = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t role = Assign(lead, Role::kBuildingLead, Unit(kBuilding))->id;
  EXPECT_THAT(
      Sync<Person>([&](auto done) { core_->DeletePerson(caller_, lead, "", done); }).status(),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("current role")));
  ASSERT_TRUE(Sync<RoleAssignment>([&](auto done) {
                core_->EndRoleAssignment(caller_, role, absl::CivilDay(2026, 11, 1), "", done);
              }).ok());
  EXPECT_TRUE(Sync<Person>([&](auto done) { core_->DeletePerson(caller_, lead, "", done); }).ok());
}

TEST_F(RosterCoreTest, OnlyInServiceMembersRegisterWithACommunity) {
  const int64_t member = MustCreatePerson(1, PartyStatus::kFull);
  const auto registration = [&](int64_t person, int64_t community) {
    Registration r;
    r.person_id = person;
    r.community_id = community;
    r.start_date = absl::CivilDay(2026, 3, 1);
    return Sync<Registration>([&](auto done) { core_->CreateRegistration(caller_, r, done); });
  };
  EXPECT_THAT(registration(member, kCompound).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("COMMUNITY")));
  ASSERT_TRUE(registration(member, kCommunity).ok());
  EXPECT_THAT(registration(member, kOtherCommunity).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already registered")));
  absl::StatusOr<Person> retired = CreatePerson(7, PartyStatus::kFull, MemberCategory::kRetired);
  ASSERT_TRUE(retired.ok());
  EXPECT_THAT(registration(retired->id, kCommunity).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("in-service")));
}

// Zhangping's "500多名在职党员…担任党组织班子成员、网格员、楼栋长" and "3272名
// 在职党员按照责任区划分，定岗定责": a registration carries the compound served,
// the post and the duty zone.
TEST_F(RosterCoreTest, ARegistrationCarriesTheCompoundThePostAndTheDutyZone) {
  const int64_t member = MustCreatePerson(1, PartyStatus::kFull);
  Registration r;
  r.person_id = member;
  r.community_id = kCommunity;
  r.start_date = absl::CivilDay(2026, 3, 1);
  const auto create = [&](const Registration& registration) {
    return Sync<Registration>(
        [&](auto done) { core_->CreateRegistration(caller_, registration, done); });
  };
  const int64_t before = core_->published_revision();
  Registration elsewhere = r;
  elsewhere.compound_id = kOtherCompound;  // a compound of another community
  EXPECT_THAT(create(elsewhere).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("compound: units/7 is not a COMPOUND of units/3")));
  Registration building = r;
  building.compound_id = kBuilding;
  EXPECT_THAT(create(building).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("compound:")));
  Registration bad_post = r;
  bad_post.post = static_cast<RegistrationPost>(9);
  EXPECT_THAT(create(bad_post).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("post:")));
  Registration long_zone = r;
  long_zone.duty_zone = std::string(65, 'x');
  EXPECT_THAT(create(long_zone).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("duty_zone")));
  EXPECT_EQ(core_->published_revision(), before);  // nothing written

  r.compound_id = kCompound;
  r.post = RegistrationPost::kBuildingLead;
  r.duty_zone = "5栋1-2单元";
  absl::StatusOr<Registration> made = create(r);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->compound_id, kCompound);
  EXPECT_EQ(made->post, RegistrationPost::kBuildingLead);
  EXPECT_EQ(made->duty_zone, "5栋1-2单元");
  // Kept across a restart of the store.
  core_.reset();
  store_.reset();
  auto store = SqliteRosterStore::Open(dir_.File("roster.db"));
  ASSERT_TRUE(store.ok());
  store_ = *std::move(store);
  core_ = std::make_unique<RosterCore>(store_.get(), &directory_, &clock_);
  ASSERT_TRUE(core_->Start().ok());
  absl::StatusOr<Page<Registration>> listed = core_->ListRegistrations({.person_id = member});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0], *made);
}

// A 党小组 is a subdivision of its branch: the organisational relationship
// sits with the branch, and belonging to the group is a role.
TEST_F(RosterCoreTest, AMembershipSitsWithTheBranchNotItsPartyGroup) {
  const int64_t member = MustCreatePerson(1, PartyStatus::kFull);
  const int64_t before = core_->published_revision();
  EXPECT_THAT(Start(member, kGroup, absl::CivilDay(2020, 1, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("party_org: partyOrgs/3 is a PARTY_GROUP")));
  EXPECT_EQ(core_->published_revision(), before);
  ASSERT_TRUE(Start(member, kBranch, absl::CivilDay(2020, 1, 1)).ok());
  EXPECT_THAT(Transfer(member, kGroup, absl::CivilDay(2021, 1, 1)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("PARTY_GROUP")));
  EXPECT_TRUE(Assign(member, Role::kPartyGroupMember, Org(kGroup)).ok());
  const int64_t resident = MustCreatePerson(2, PartyStatus::kNone);
  EXPECT_THAT(Assign(resident, Role::kPartyGroupMember, Org(kGroup)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("not a party member")));
  EXPECT_THAT(Assign(member, Role::kPartyGroupMember, Org(kBranch)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("PARTY_GROUP")));
}

TEST_F(RosterCoreTest, ResidentsCommitteeAndWorkTeamLeadersAreOnePerPlace) {
  const int64_t director = MustCreatePerson(1, PartyStatus::kNone);
  const int64_t other = MustCreatePerson(2, PartyStatus::kNone);
  EXPECT_THAT(Assign(director, Role::kResidentsCommitteeDirector, Unit(kCompound)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("COMMUNITY")));
  ASSERT_TRUE(Assign(director, Role::kResidentsCommitteeDirector, Unit(kCommunity)).ok());
  EXPECT_THAT(Assign(other, Role::kResidentsCommitteeDirector, Unit(kCommunity)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("already has a")));
  EXPECT_TRUE(Assign(other, Role::kResidentsCommitteeMember, Unit(kCommunity)).ok());
  ASSERT_TRUE(Assign(director, Role::kWorkTeamLeader, Unit(kCompound)).ok());
  EXPECT_THAT(Assign(other, Role::kWorkTeamLeader, Unit(kCompound)).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("WORK_TEAM_LEADER")));
}

// Seconded cadres (first secretaries, work teams) carry the agency that sent
// them; their organisational relationship stays there.
TEST_F(RosterCoreTest, SecondedRolesCarryTheSendingAgency) {
  directory_.AddExternalOrg(5);
  const int64_t cadre = MustCreatePerson(1, PartyStatus::kFull);
  RoleAssignment assignment;
  assignment.person_id = cadre;
  assignment.role = Role::kWorkTeamLeader;
  assignment.place = Unit(kCompound);
  assignment.start_date = absl::CivilDay(2026, 1, 1);
  const auto assign = [&](const RoleAssignment& a) {
    return Sync<RoleAssignment>([&](auto done) { core_->AssignRole(caller_, a, "", done); });
  };
  const int64_t before = core_->published_revision();
  RoleAssignment unknown = assignment;
  unknown.sending_org_id = 6;
  EXPECT_THAT(assign(unknown).status(),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("role_assignment.sending_org: externalOrgs/6 does not exist")));
  RoleAssignment lead = assignment;
  lead.role = Role::kBuildingLead;
  lead.place = Unit(kBuilding);
  lead.sending_org_id = 5;
  EXPECT_THAT(assign(lead).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("role_assignment.sending_org: is for seconded roles")));
  EXPECT_EQ(core_->published_revision(), before);
  assignment.sending_org_id = 5;
  absl::StatusOr<RoleAssignment> made = assign(assignment);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->sending_org_id, 5);
  directory_.Delete({Place::Kind::kExternalOrg, 5});
  RoleAssignment member = assignment;
  member.role = Role::kWorkTeamMember;
  EXPECT_THAT(assign(member).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is deleted")));

  // A registration names the member's employer.
  directory_.AddExternalOrg(7);
  Registration r;
  r.person_id = MustCreatePerson(2, PartyStatus::kFull);
  r.community_id = kCommunity;
  r.start_date = absl::CivilDay(2026, 3, 1);
  r.employer_id = 8;
  EXPECT_THAT(
      Sync<Registration>([&](auto done) { core_->CreateRegistration(caller_, r, done); }).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("employer: externalOrgs/8")));
  r.employer_id = 7;
  absl::StatusOr<Registration> registered =
      Sync<Registration>([&](auto done) { core_->CreateRegistration(caller_, r, done); });
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_EQ(registered->employer_id, 7);
}

TEST_F(RosterCoreTest, ProbationMayBeExtendedOnceByUpToAYear) {
  Person person;
  person.display_name = "李延";
  person.id_card_number = IdCard(9);
  person.party_status = PartyStatus::kProbationary;
  person.admission_date = absl::CivilDay(2025, 3, 31);
  person.probation_extension_months = 13;
  const auto create = [&](const Person& p) {
    return Sync<Person>([&](auto done) { core_->CreatePerson(caller_, p, "", done); });
  };
  EXPECT_THAT(create(person).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("person.probation_extension_months: must be 0..12")));
  Person resident = person;
  resident.party_status = PartyStatus::kNone;
  resident.admission_date.reset();
  resident.probation_extension_months = 6;
  EXPECT_THAT(create(resident).status(), StatusIs(absl::StatusCode::kInvalidArgument,
                                                  HasSubstr("probation_extension_months")));
  person.probation_extension_months = 6;
  absl::StatusOr<Person> made = create(person);
  ASSERT_TRUE(made.ok()) << made.status();
  // Due six months after the anniversary: 31 March + 18 months is 1 October
  // (CivilDay normalises 31 September).
  EXPECT_EQ(ProbationDecisionDue(*made), absl::CivilDay(2026, 10, 1));
  EXPECT_FALSE(ProbationIsOverdue(*made, absl::CivilDay(2026, 4, 1)));
  EXPECT_TRUE(ProbationIsOverdue(*made, absl::CivilDay(2026, 10, 2)));
}

TEST_F(RosterCoreTest, ImportUpsertsByExternalKeyAndMovesTheMembership) {
  const auto import = [&](int64_t org, bool validate_only) {
    ImportRowInput row;
    row.person.display_name = "导入者";
    row.person.id_card_number = IdCard(9);
    row.person.party_status = PartyStatus::kFull;
    row.person.admission_date = absl::CivilDay(2012, 7, 1);
    row.person.member_category = MemberCategory::kInService;
    row.person.external_key = "HR-9";
    row.party_org_id = org;
    row.membership_start = absl::CivilDay(2024, 1, 1);
    RoleAssignment lead;
    lead.role = Role::kBuildingLead;
    lead.place = Unit(kBuilding);
    lead.start_date = absl::CivilDay(2024, 1, 1);
    row.roles.push_back(lead);
    return Sync<ImportRowResult>(
        [&](auto done) { core_->ImportRow(caller_, row, validate_only, done); });
  };
  ASSERT_TRUE(import(kBranch, /*validate_only=*/true).ok());
  EXPECT_EQ(core_->published_revision(), 0);  // a dry run stores nothing

  absl::StatusOr<ImportRowResult> first = import(kBranch, false);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->outcome, ImportRowResult::Outcome::kCreated);
  EXPECT_EQ(first->roles_assigned, 1);
  absl::StatusOr<ImportRowResult> moved = import(kOtherBranch, false);
  ASSERT_TRUE(moved.ok()) << moved.status();
  EXPECT_EQ(moved->person_id, first->person_id);
  EXPECT_EQ(moved->outcome, ImportRowResult::Outcome::kUpdated);  // the membership moved
  EXPECT_EQ(moved->roles_assigned, 0);                            // already held
  absl::StatusOr<Page<Membership>> history =
      core_->ListMemberships({.person_id = first->person_id});
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->items.size(), 2u);
  EXPECT_EQ(history->items[0].party_org_id, kBranch);
  EXPECT_FALSE(history->items[0].current());
  EXPECT_EQ(history->items[1].party_org_id, kOtherBranch);
  EXPECT_TRUE(history->items[1].current());
}

}  // namespace
}  // namespace grassroots::roster
