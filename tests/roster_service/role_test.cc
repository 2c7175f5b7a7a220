#include "roster_service/role.h"

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::roster {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using org::Level;
using org::OrgForm;
using ::testing::AllOf;
using ::testing::HasSubstr;

using ::grassroots::testing::kInvalid;

std::vector<Role> AllRoles() {
  std::vector<Role> roles;
  for (int i = static_cast<int>(Role::kSecretary); i <= static_cast<int>(Role::kWorkTeamLeader);
       ++i) {
    roles.push_back(static_cast<Role>(i));
  }
  return roles;
}

PlaceFacts UnitAt(Level level) {
  return PlaceFacts{Place{Place::Kind::kUnit, 7}, false, level, OrgForm::kUnspecified};
}

PlaceFacts OrgOf(OrgForm form) {
  return PlaceFacts{Place{Place::Kind::kPartyOrg, 3}, false, Level::kUnspecified, form};
}

// Every place a role could be asked for.
std::vector<PlaceFacts> AllPlaces() {
  std::vector<PlaceFacts> places;
  for (Level level :
       {Level::kDistrict, Level::kStreet, Level::kCommunity, Level::kCompound, Level::kBuilding}) {
    places.push_back(UnitAt(level));
  }
  for (OrgForm form : {OrgForm::kWorkingCommittee, OrgForm::kPartyCommittee,
                       OrgForm::kGeneralBranch, OrgForm::kBranch, OrgForm::kJointBranch,
                       OrgForm::kFunctionalBranch, OrgForm::kPartyGroup}) {
    places.push_back(OrgOf(form));
  }
  return places;
}

std::string Describe(const PlaceFacts& facts) {
  return facts.place.kind == Place::Kind::kUnit ? std::string(org::LevelName(facts.level))
                                                : std::string(org::FormName(facts.form));
}

// --- Names ---

TEST(RoleNameTest, NamesMatchTheProtoAndParseBack) {
  EXPECT_EQ(RoleName(Role::kBuildingLead), "BUILDING_LEAD");
  EXPECT_EQ(RoleName(Role::kResidentRepresentative), "RESIDENT_REPRESENTATIVE");
  EXPECT_EQ(RoleName(Role::kUnspecified), "ROLE_UNSPECIFIED");
  EXPECT_EQ(RoleName(static_cast<Role>(19)), "ROLE_UNKNOWN");
  for (Role role : AllRoles()) {
    EXPECT_TRUE(IsValidRole(role));
    EXPECT_EQ(ParseRoleName(RoleName(role)), role) << RoleName(role);
  }
  EXPECT_FALSE(IsValidRole(Role::kUnspecified));
  EXPECT_FALSE(IsValidRole(static_cast<Role>(19)));
  EXPECT_EQ(ParseRoleName("ROLE_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseRoleName("building_lead"), std::nullopt);
}

TEST(PlaceNameTest, FormatsAndParsesBothKinds) {
  const Place unit{Place::Kind::kUnit, 7};
  const Place org{Place::Kind::kPartyOrg, 3};
  EXPECT_EQ(PlaceName(unit), "units/7");
  EXPECT_EQ(PlaceName(org), "partyOrgs/3");
  EXPECT_THAT(ParsePlaceName("units/7", "place"), IsOkAndHolds(unit));
  EXPECT_THAT(ParsePlaceName("partyOrgs/3", "place"), IsOkAndHolds(org));
}

TEST(PlaceNameTest, RefusesOtherNamesNamingTheField) {
  EXPECT_THAT(ParsePlaceName("", "role_assignment.place"),
              StatusIs(kInvalid, HasSubstr("role_assignment.place: is required")));
  EXPECT_THAT(ParsePlaceName("people/3", "role_assignment.place"),
              StatusIs(kInvalid, HasSubstr("role_assignment.place: must look like units/{id} or "
                                           "partyOrgs/{id}")));
  EXPECT_THAT(ParsePlaceName("units/0", "role_assignment.place"),
              StatusIs(kInvalid, HasSubstr("role_assignment.place: must look like units/{id}")));
  EXPECT_THAT(
      ParsePlaceName("partyOrgs/x", "role_assignment.place"),
      StatusIs(kInvalid, HasSubstr("role_assignment.place: must look like partyOrgs/{id}")));
}

TEST(RoleAssignmentNameTest, FormatsAndParses) {
  EXPECT_EQ(RoleAssignmentName(9), "roleAssignments/9");
  EXPECT_THAT(ParseRoleAssignmentName("roleAssignments/9", "name"), IsOkAndHolds(9));
  EXPECT_THAT(ParseRoleAssignmentName("roleAssignment/9", "name"),
              StatusIs(kInvalid, HasSubstr("name: must look like roleAssignments/{id}")));
}

// --- Where roles are held ---

// The rule of DOMAIN.md ("People and roles") for each role, written out as
// the places that take it; every other place must refuse it.
struct RolePlaces {
  Role role;
  std::set<std::string> places;  // level or form names
};

const std::vector<RolePlaces>& ExpectedPlaces() {
  static const auto* const kExpected = new std::vector<RolePlaces>{
      {Role::kSecretary,
       {"WORKING_COMMITTEE", "PARTY_COMMITTEE", "GENERAL_BRANCH", "BRANCH", "JOINT_BRANCH",
        "FUNCTIONAL_BRANCH"}},
      {Role::kDeputySecretary,
       {"WORKING_COMMITTEE", "PARTY_COMMITTEE", "GENERAL_BRANCH", "BRANCH", "JOINT_BRANCH",
        "FUNCTIONAL_BRANCH"}},
      {Role::kCommitteeMember,
       {"WORKING_COMMITTEE", "PARTY_COMMITTEE", "GENERAL_BRANCH", "BRANCH", "JOINT_BRANCH",
        "FUNCTIONAL_BRANCH"}},
      {Role::kGroupLeader, {"PARTY_GROUP"}},
      {Role::kFirstSecretary, {"GENERAL_BRANCH", "BRANCH", "JOINT_BRANCH"}},
      {Role::kWorkTeamMember, {"COMPOUND"}},
      {Role::kBuildingLead, {"BUILDING"}},
      {Role::kGridWorker, {"COMMUNITY", "COMPOUND"}},
      {Role::kMicroGridLiaison, {"COMPOUND", "BUILDING"}},
      {Role::kPartyHousehold, {"BUILDING"}},
      {Role::kVolunteer, {"STREET", "COMMUNITY", "COMPOUND", "BUILDING"}},
      {Role::kOwnersCommitteeMember, {"COMPOUND"}},
      {Role::kPropertyContact, {"COMPOUND"}},
      {Role::kResidentRepresentative, {"COMMUNITY", "COMPOUND"}},
      {Role::kPartyGroupMember, {"PARTY_GROUP"}},
      {Role::kResidentsCommitteeDirector, {"COMMUNITY"}},
      {Role::kResidentsCommitteeMember, {"COMMUNITY"}},
      {Role::kWorkTeamLeader, {"COMPOUND"}},
  };
  return *kExpected;
}

TEST(CheckRolePlaceTest, EveryRoleAtEveryPlace) {
  ASSERT_EQ(ExpectedPlaces().size(), AllRoles().size());
  for (const RolePlaces& expected : ExpectedPlaces()) {
    for (const PlaceFacts& facts : AllPlaces()) {
      const std::string place = Describe(facts);
      const absl::Status status = CheckRolePlace(expected.role, facts, "role_assignment.place");
      if (expected.places.count(place) > 0) {
        EXPECT_THAT(status, IsOk()) << RoleName(expected.role) << " at " << place;
      } else {
        EXPECT_THAT(status, StatusIs(kInvalid, AllOf(HasSubstr("role_assignment.place: "),
                                                     HasSubstr(RoleName(expected.role)))))
            << RoleName(expected.role) << " at " << place;
      }
    }
  }
}

TEST(CheckRolePlaceTest, SaysWhereTheRoleBelongsAndWhatThePlaceIs) {
  EXPECT_THAT(CheckRolePlace(Role::kBuildingLead, UnitAt(Level::kCompound), "place"),
              StatusIs(kInvalid, HasSubstr("place: BUILDING_LEAD is held at a unit of level "
                                           "BUILDING; units/7 is a COMPOUND unit")));
  EXPECT_THAT(CheckRolePlace(Role::kFirstSecretary, OrgOf(OrgForm::kPartyGroup), "place"),
              StatusIs(kInvalid, HasSubstr("place: FIRST_SECRETARY is held at a party "
                                           "organisation of form GENERAL_BRANCH, BRANCH or "
                                           "JOINT_BRANCH; partyOrgs/3 is a PARTY_GROUP")));
  EXPECT_THAT(CheckRolePlace(Role::kSecretary, UnitAt(Level::kCompound), "place"),
              StatusIs(kInvalid, HasSubstr("SECRETARY is held at a party organisation")));
  EXPECT_THAT(CheckRolePlace(Role::kGridWorker, OrgOf(OrgForm::kBranch), "place"),
              StatusIs(kInvalid, HasSubstr("GRID_WORKER is held at a unit of level COMMUNITY or "
                                           "COMPOUND; partyOrgs/3 is a BRANCH")));
}

TEST(CheckRolePlaceTest, ADeletedPlaceTakesNoRole) {
  PlaceFacts facts = UnitAt(Level::kBuilding);
  facts.deleted = true;
  EXPECT_THAT(CheckRolePlace(Role::kBuildingLead, facts, "role_assignment.place"),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("role_assignment.place: units/7 is deleted")));
}

TEST(CheckRolePlaceTest, NoPlaceTakesAnUnspecifiedRole) {
  for (const PlaceFacts& facts : AllPlaces()) {
    EXPECT_THAT(CheckRolePlace(Role::kUnspecified, facts, "place"),
                StatusIs(kInvalid, HasSubstr("place: no place takes role ROLE_UNSPECIFIED")));
  }
}

// --- Role properties ---

TEST(RoleNeedsFullMemberTest, OnlyTheLeadershipRoles) {
  const std::set<Role> leaders = {Role::kSecretary, Role::kDeputySecretary, Role::kCommitteeMember,
                                  Role::kGroupLeader, Role::kFirstSecretary};
  for (Role role : AllRoles()) {
    EXPECT_EQ(RoleNeedsFullMember(role), leaders.count(role) > 0) << RoleName(role);
  }
}

TEST(RoleIsSingleHolderTest, OneHeadPerPlace) {
  const std::set<Role> single = {Role::kSecretary, Role::kGroupLeader, Role::kFirstSecretary,
                                 Role::kResidentsCommitteeDirector, Role::kWorkTeamLeader};
  for (Role role : AllRoles()) {
    EXPECT_EQ(RoleIsSingleHolder(role), single.count(role) > 0) << RoleName(role);
  }
}

// --- Assignment fields ---

RoleAssignment Assignment() {
  RoleAssignment assignment;
  assignment.person_id = 4;
  assignment.role = Role::kBuildingLead;
  assignment.place = Place{Place::Kind::kUnit, 7};
  assignment.start_date = absl::CivilDay(2024, 1, 1);
  assignment.note = "负责3号楼";
  return assignment;
}

TEST(ValidateRoleAssignmentFieldsTest, AcceptsAWellFormedAssignment) {
  RoleAssignment assignment = Assignment();
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."), IsOk());
  assignment.end_date = assignment.start_date;
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."), IsOk());
  assignment.note.clear();
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."), IsOk());
}

TEST(ValidateRoleAssignmentFieldsTest, RequiresARole) {
  for (Role role : {Role::kUnspecified, static_cast<Role>(19)}) {
    RoleAssignment assignment = Assignment();
    assignment.role = role;
    EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."),
                StatusIs(kInvalid, HasSubstr("role_assignment.role: is required: one of "
                                             "SECRETARY, DEPUTY_SECRETARY,")));
  }
}

TEST(ValidateRoleAssignmentFieldsTest, ChecksTheNote) {
  RoleAssignment assignment = Assignment();
  assignment.note = std::string(kMaxNoteChars + 1, 'n');
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.note: is 257 characters long")));
  assignment.note = "bell\a";
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "role_assignment."),
              StatusIs(kInvalid, HasSubstr("role_assignment.note: must not contain control")));
}

TEST(ValidateRoleAssignmentFieldsTest, RefusesAnEndBeforeTheStart) {
  RoleAssignment assignment = Assignment();
  assignment.end_date = absl::CivilDay(2023, 12, 31);
  EXPECT_THAT(ValidateRoleAssignmentFields(assignment, "roles[2]."),
              StatusIs(kInvalid, HasSubstr("roles[2].end_date: 2023-12-31 is before the start")));
}

// --- Current on a day ---

TEST(RoleAssignmentTest, CurrentFromTheStartUntilTheEnd) {
  RoleAssignment assignment = Assignment();
  EXPECT_FALSE(assignment.CurrentOn(absl::CivilDay(2023, 12, 31)));
  EXPECT_TRUE(assignment.CurrentOn(absl::CivilDay(2024, 1, 1)));
  assignment.end_date = absl::CivilDay(2024, 6, 30);
  EXPECT_TRUE(assignment.CurrentOn(absl::CivilDay(2024, 6, 29)));
  EXPECT_FALSE(assignment.CurrentOn(absl::CivilDay(2024, 6, 30)));
}

}  // namespace
}  // namespace grassroots::roster
