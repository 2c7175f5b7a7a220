#include "audit/audit_rules.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "audit/audit_model.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "common/personal_data.h"
#include "demo/demo_district.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/person.h"
#include "roster_service/role.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::audit {
namespace {

using ::grassroots::demo::DemoDistrict;
using ::grassroots::demo::DemoFigures;
using ::grassroots::demo::DemoOptions;
using ::grassroots::demo::DemoPartyOrg;
using ::grassroots::demo::DemoPerson;
using ::grassroots::demo::DemoRole;
using ::grassroots::demo::DemoUnit;
using ::grassroots::demo::GenerateDemoDistrict;
using ::grassroots::demo::PlantedViolation;
using ::grassroots::testing::StatusIs;
using org::Level;
using org::OrgForm;
using roster::MemberCategory;
using roster::PartyStatus;
using roster::Place;
using roster::Role;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const absl::CivilDay kToday(2026, 11, 23);

Place U(int64_t id) { return {Place::Kind::kUnit, id}; }
Place O(int64_t id) { return {Place::Kind::kPartyOrg, id}; }
std::string Units(int64_t id) { return org::UnitName(id); }
std::string Orgs(int64_t id) { return org::PartyOrgName(id); }
std::string People(int64_t id) { return roster::PersonName(id); }
std::string Roles(int64_t id) { return roster::RoleAssignmentName(id); }

// A valid 18-character ID-card number from 17 digits.
std::string IdCard(const std::string& first17) { return first17 + IdCardCheckCharacter(first17); }

// A valid number whose check character is X.
std::string IdCardEndingInX() {
  for (int seq = 100; seq < 1000; ++seq) {
    const std::string first17 = absl::StrCat("11010519850505", seq);
    if (IdCardCheckCharacter(first17) == 'X') return first17 + 'X';
  }
  return "";
}

// Builds an AuditInput by hand. Ids of units and organisations are given;
// people and roles are numbered from 1001 and 5001.
class Builder {
 public:
  Builder() {
    in.root_unit_id = 1;
    in.org_revision = 7;
    in.roster_revision = 9;
    in.today = kToday;
  }

  AuditUnit& Unit(int64_t id, int64_t parent, Level level, std::string name) {
    AuditUnit unit;
    unit.id = id;
    unit.parent_id = parent;
    unit.level = level;
    unit.display_name = std::move(name);
    in.units.push_back(std::move(unit));
    return in.units.back();
  }
  AuditUnit& Compound(int64_t id, int64_t parent, std::string name, bool property,
                      bool red_property, bool red_owners) {
    AuditUnit& unit = Unit(id, parent, Level::kCompound, std::move(name));
    unit.kind = org::CompoundKind::kCommodity;
    unit.has_property_company = property;
    unit.red_property = red_property;
    unit.has_owners_committee = red_owners;
    unit.red_owners_committee = red_owners;
    return unit;
  }
  AuditPartyOrg& Org(int64_t id, OrgForm form, std::string name, std::vector<int64_t> units,
                     int64_t parent = 0) {
    AuditPartyOrg org;
    org.id = id;
    org.parent_id = parent;
    org.form = form;
    org.display_name = std::move(name);
    org.unit_ids = std::move(units);
    org.established = absl::CivilDay(2020, 7, 1);
    org.created = absl::CivilDay(2021, 3, 15);
    in.party_orgs.push_back(std::move(org));
    return in.party_orgs.back();
  }
  int64_t Person(std::string name, PartyStatus status,
                 MemberCategory category = MemberCategory::kUnspecified, int64_t residence = 0) {
    AuditPerson person;
    person.id = next_person_++;
    person.display_name = std::move(name);
    person.party_status = status;
    person.category = category;
    person.residence_building_id = residence;
    if (roster::IsPartyMember(status)) person.admission = absl::CivilDay(2005, 7, 1);
    in.people.push_back(std::move(person));
    return in.people.back().id;
  }
  AuditPerson& person(int64_t id) {
    for (AuditPerson& p : in.people) {
      if (p.id == id) return p;
    }
    ADD_FAILURE() << "no person " << id;
    return in.people.front();
  }
  void Member(int64_t person, int64_t org, bool current = true) {
    AuditMembership m;
    m.person_id = person;
    m.party_org_id = org;
    m.start = absl::CivilDay(2010, 1, 1);
    if (!current) m.end = absl::CivilDay(2015, 1, 1);
    m.current = current;
    in.memberships.push_back(m);
  }
  // A full member of `org`.
  int64_t Full(std::string name, int64_t org, MemberCategory category, int64_t residence = 0) {
    const int64_t id = Person(std::move(name), PartyStatus::kFull, category, residence);
    Member(id, org);
    return id;
  }
  void Register(int64_t person, int64_t community, bool current = true) {
    in.registrations.push_back(
        {.person_id = person, .community_id = community, .current = current});
  }
  AuditRole& RoleAt(int64_t person, Role role, Place place, bool current = true) {
    AuditRole r;
    r.id = next_role_++;
    r.person_id = person;
    r.role = role;
    r.place = place;
    r.start = absl::CivilDay(2024, 1, 1);
    r.current = current;
    if (!current) r.end = absl::CivilDay(2025, 1, 1);
    in.roles.push_back(r);
    return in.roles.back();
  }
  AuditRole& role(int64_t id) {
    for (AuditRole& r : in.roles) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no role " << id;
    return in.roles.front();
  }

  AuditInput in;

 private:
  int64_t next_person_ = 1001;
  int64_t next_role_ = 5001;
};

AuditUnit& FindUnit(Builder& b, int64_t id) {
  for (AuditUnit& u : b.in.units) {
    if (u.id == id) return u;
  }
  ADD_FAILURE() << "no unit " << id;
  return b.in.units.front();
}

AuditPartyOrg& FindOrg(Builder& b, int64_t id) {
  for (AuditPartyOrg& o : b.in.party_orgs) {
    if (o.id == id) return o;
  }
  ADD_FAILURE() << "no organisation " << id;
  return b.in.party_orgs.front();
}

// A clean district of two streets:
//
//   1 江汉区
//   ├─ 2 花楼街道 (大党工委 100)
//   │  └─ 3 幸福社区 (大党委 101, 功能型党支部 106 without units under it)
//   │     ├─ 4 幸福花园: property, red; branch 102; buildings 41 (party group
//   │     │             104), 42
//   │     ├─ 5 安居小区: no property, work team; joint branch 103 with 6;
//   │     │             building 51 (party group 105)
//   │     └─ 6 和谐家园: property, red; building 61
//   └─ 20 民族街道 (大党工委 200)
//      └─ 30 民族社区 (大党委 201)
//         └─ 7 民族小区: property, red; branch 202; building 71
struct District {
  Builder b;
  int64_t a, bb, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s;
  int64_t i_secretary;  // the role that makes i secretary of 101
};

District CleanDistrict() {
  District x;
  Builder& b = x.b;
  b.Unit(1, 0, Level::kDistrict, "江汉区");
  b.Unit(2, 1, Level::kStreet, "花楼街道");
  b.Unit(3, 2, Level::kCommunity, "幸福社区");
  b.Compound(4, 3, "幸福花园", true, true, true);
  b.Compound(5, 3, "安居小区", false, false, false);
  b.Compound(6, 3, "和谐家园", true, true, true);
  b.Unit(41, 4, Level::kBuilding, "幸福花园1栋");
  b.Unit(42, 4, Level::kBuilding, "幸福花园2栋");
  b.Unit(51, 5, Level::kBuilding, "安居小区1栋");
  b.Unit(61, 6, Level::kBuilding, "和谐家园1栋");
  b.Unit(20, 1, Level::kStreet, "民族街道");
  b.Unit(30, 20, Level::kCommunity, "民族社区");
  b.Compound(7, 30, "民族小区", true, true, true);
  b.Unit(71, 7, Level::kBuilding, "民族小区1栋");

  b.Org(100, OrgForm::kWorkingCommittee, "花楼街道大党工委", {2});
  b.Org(101, OrgForm::kPartyCommittee, "幸福社区大党委", {3}, 100);
  b.Org(102, OrgForm::kBranch, "幸福花园党支部", {4}, 101);
  b.Org(103, OrgForm::kJointBranch, "安居和谐联合党支部", {5, 6}, 101);
  b.Org(104, OrgForm::kPartyGroup, "幸福花园1栋党小组", {41}, 102);
  b.Org(105, OrgForm::kPartyGroup, "安居小区1栋党小组", {51}, 103);
  b.Org(106, OrgForm::kFunctionalBranch, "志愿服务功能型党支部", {}, 101);
  b.Org(200, OrgForm::kWorkingCommittee, "民族街道大党工委", {20});
  b.Org(201, OrgForm::kPartyCommittee, "民族社区大党委", {30}, 200);
  b.Org(202, OrgForm::kBranch, "民族小区党支部", {7}, 201);

  // 幸福花园党支部: three full members and a probationary one.
  x.a = b.Full("张伟", 102, MemberCategory::kInService, 41);
  b.RoleAt(x.a, Role::kSecretary, O(102));
  b.Register(x.a, 3);
  b.person(x.a).id_card_number = IdCard("11010519800101123");
  x.bb = b.Full("王芳", 102, MemberCategory::kRetired, 42);
  b.RoleAt(x.bb, Role::kDeputySecretary, O(102));
  b.RoleAt(x.bb, Role::kOwnersCommitteeMember, U(4));
  b.person(x.bb).id_card_number = "110105********002X";  // masked: not checked
  x.c = b.Full("李娜", 102, MemberCategory::kInService, 51);
  b.person(x.c).id_card_number = "110105********002X";
  b.RoleAt(x.c, Role::kSecretary, O(102), /*current=*/false);  // a former secretary
  b.Register(x.c, 3);
  x.d = b.Person("刘洋", PartyStatus::kProbationary, MemberCategory::kInService, 41);
  b.person(x.d).admission = kToday - 100;
  b.Member(x.d, 102);
  b.Register(x.d, 3);

  // 安居和谐联合党支部.
  x.e = b.Full("陈静", 103, MemberCategory::kDirect, 61);
  b.RoleAt(x.e, Role::kSecretary, O(103));
  x.f = b.Full("杨磊", 103, MemberCategory::kRetired, 61);
  b.RoleAt(x.f, Role::kCommitteeMember, O(103));
  b.RoleAt(x.f, Role::kOwnersCommitteeMember, U(6));
  x.g = b.Full("赵敏", 103, MemberCategory::kRetired, 51);
  b.Member(x.g, 102, /*current=*/false);  // transferred in long ago

  // Secretaries of the committees; h lives in the other street.
  x.h = b.Full("黄强", 100, MemberCategory::kInService, 71);
  b.RoleAt(x.h, Role::kSecretary, O(100));
  b.Register(x.h, 30);
  x.i = b.Full("周杰", 101, MemberCategory::kInService);
  x.i_secretary = b.RoleAt(x.i, Role::kSecretary, O(101)).id;
  x.j = b.Full("吴霞", 106, MemberCategory::kFloating);
  b.RoleAt(x.j, Role::kSecretary, O(106));

  // The other street.
  x.k = b.Full("徐刚", 200, MemberCategory::kInService);
  b.RoleAt(x.k, Role::kSecretary, O(200));
  b.Register(x.k, 3);  // he lives outside the district
  x.l = b.Full("孙丽", 201, MemberCategory::kRetired, 71);
  b.RoleAt(x.l, Role::kSecretary, O(201));
  x.m = b.Full("马超", 202, MemberCategory::kRetired, 71);
  b.RoleAt(x.m, Role::kSecretary, O(202));
  x.n = b.Full("朱红", 202, MemberCategory::kRetired, 71);
  b.RoleAt(x.n, Role::kCommitteeMember, O(202));
  x.o = b.Full("胡军", 202, MemberCategory::kRetired, 71);

  // Residents who are not members, and a first secretary sent from the
  // community.
  x.p = b.Person("郭亮", PartyStatus::kNone, MemberCategory::kUnspecified, 41);
  b.RoleAt(x.p, Role::kBuildingLead, U(41));
  b.RoleAt(x.p, Role::kVolunteer, U(2));
  x.q = b.Person("林芳", PartyStatus::kNone, MemberCategory::kUnspecified, 71);
  b.RoleAt(x.q, Role::kBuildingLead, U(71));
  x.r = b.Person("何伟", PartyStatus::kNone);
  b.RoleAt(x.r, Role::kWorkTeamMember, U(5));
  x.s = b.Full("高峰", 101, MemberCategory::kInService);
  b.RoleAt(x.s, Role::kFirstSecretary, O(102));
  // A role that ended at a place the input does not know is history, not
  // drift.
  b.RoleAt(x.s, Role::kGridWorker, U(999), /*current=*/false);
  // Every party group has a leader and every building a lead.
  b.RoleAt(x.bb, Role::kGroupLeader, O(104));
  b.RoleAt(x.g, Role::kGroupLeader, O(105));
  for (int64_t building : {42, 51, 61}) {
    b.RoleAt(b.Person(absl::StrCat("楼长", building), PartyStatus::kNone,
                      MemberCategory::kUnspecified, building),
             Role::kBuildingLead, U(building));
  }
  return x;
}

// What a test compares: the rule, the severity and the resources.
struct Brief {
  std::string rule;
  Severity severity;
  std::vector<std::string> resources;
  bool operator==(const Brief&) const = default;
  bool operator<(const Brief& other) const {
    return std::tie(rule, resources) < std::tie(other.rule, other.resources);
  }
};

void PrintTo(const Brief& brief, std::ostream* os) {
  *os << brief.rule << " " << SeverityName(brief.severity) << " ["
      << absl::StrJoin(brief.resources, ", ") << "]";
}

std::vector<Brief> Briefs(const AuditReport& report) {
  std::vector<Brief> out;
  for (const Finding& f : report.findings) out.push_back({f.rule, f.severity, f.resources});
  return out;
}

AuditReport Audit(const AuditInput& input) {
  absl::StatusOr<AuditReport> report = RunAudit(input);
  EXPECT_TRUE(report.ok()) << report.status();
  return report.ok() ? *std::move(report) : AuditReport{};
}

AuditReport Audit(AuditInput input, int64_t root) {
  input.root_unit_id = root;
  return Audit(input);
}

// Every counter, with its name in the failure message.
void ExpectCoverage(const Coverage& got, const Coverage& want) {
#define GRASSROOTS_EXPECT_FIELD(field) \
  EXPECT_EQ(got.field, want.field) << #field << " of " << got.display_name
  GRASSROOTS_EXPECT_FIELD(communities);
  GRASSROOTS_EXPECT_FIELD(compounds);
  GRASSROOTS_EXPECT_FIELD(urban_villages);
  GRASSROOTS_EXPECT_FIELD(rural_areas);
  GRASSROOTS_EXPECT_FIELD(compound_level_units);
  GRASSROOTS_EXPECT_FIELD(compound_level_units_covered);
  GRASSROOTS_EXPECT_FIELD(branches);
  GRASSROOTS_EXPECT_FIELD(village_branches);
  GRASSROOTS_EXPECT_FIELD(branches_with_secretary);
  GRASSROOTS_EXPECT_FIELD(branches_with_first_secretary);
  GRASSROOTS_EXPECT_FIELD(first_secretaries);
  GRASSROOTS_EXPECT_FIELD(compounds_with_property);
  GRASSROOTS_EXPECT_FIELD(compounds_with_red_property);
  GRASSROOTS_EXPECT_FIELD(compounds_with_owners_committee);
  GRASSROOTS_EXPECT_FIELD(compounds_with_red_owners_committee);
  GRASSROOTS_EXPECT_FIELD(work_team_targets);
  GRASSROOTS_EXPECT_FIELD(work_team_targets_with_team);
  GRASSROOTS_EXPECT_FIELD(work_teams);
  GRASSROOTS_EXPECT_FIELD(work_team_cadres);
  GRASSROOTS_EXPECT_FIELD(buildings);
  GRASSROOTS_EXPECT_FIELD(buildings_with_party_group);
  GRASSROOTS_EXPECT_FIELD(buildings_with_lead);
  GRASSROOTS_EXPECT_FIELD(cross_appointments);
  GRASSROOTS_EXPECT_FIELD(registered_in_service);
  GRASSROOTS_EXPECT_FIELD(registered_with_post);
  GRASSROOTS_EXPECT_FIELD(registered_with_duty_zone);
  GRASSROOTS_EXPECT_FIELD(in_service_residents);
  GRASSROOTS_EXPECT_FIELD(in_service_residents_registered);
  GRASSROOTS_EXPECT_FIELD(communities_one_shoulder);
  GRASSROOTS_EXPECT_FIELD(alliances);
  GRASSROOTS_EXPECT_FIELD(compound_alliances);
  GRASSROOTS_EXPECT_FIELD(neighbourhood_alliances);
#undef GRASSROOTS_EXPECT_FIELD
}

// --- The model.

TEST(AuditModelTest, SeverityNames) {
  EXPECT_EQ(SeverityName(Severity::kError), "ERROR");
  EXPECT_EQ(SeverityName(Severity::kWarning), "WARNING");
  EXPECT_EQ(SeverityName(Severity::kInfo), "INFO");
}

TEST(AuditModelTest, KeyIsTheRuleAndTheResources) {
  Finding f{
      "role-level-rule", Severity::kError, {"roleAssignments/9", "units/4", "people/3"}, "一句话"};
  EXPECT_EQ(f.Key(), "role-level-rule roleAssignments/9 units/4 people/3");
  Finding g = f;
  g.message = "另一句话";
  g.severity = Severity::kWarning;
  EXPECT_EQ(g.Key(), f.Key());
  g.resources.pop_back();
  EXPECT_NE(g.Key(), f.Key());
}

TEST(AuditModelTest, HasErrors) {
  AuditReport report;
  EXPECT_FALSE(report.HasErrors());
  report.findings.push_back({"branch-large-enough", Severity::kInfo, {"partyOrgs/1"}, ""});
  report.findings.push_back({"probation-overdue", Severity::kWarning, {"people/1"}, ""});
  EXPECT_FALSE(report.HasErrors());
  report.findings.push_back({"invalid-id-card", Severity::kError, {"people/2"}, ""});
  EXPECT_TRUE(report.HasErrors());
}

// --- A clean district.

TEST(AuditRulesTest, UnknownRootIsInvalidArgument) {
  District x = CleanDistrict();
  x.b.in.root_unit_id = 404;
  EXPECT_THAT(RunAudit(x.b.in),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("units/404")));
}

TEST(AuditRulesTest, CleanDistrictHasNoFindings) {
  District x = CleanDistrict();
  const AuditReport report = Audit(x.b.in);
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_FALSE(report.HasErrors());
  EXPECT_EQ(report.root_unit_id, 1);
  EXPECT_EQ(report.root_display_name, "江汉区");
  EXPECT_EQ(report.org_revision, 7);
  EXPECT_EQ(report.roster_revision, 9);
  EXPECT_EQ(report.today, kToday);
}

TEST(AuditRulesTest, CoverageOfTheDistrict) {
  District x = CleanDistrict();
  const AuditReport report = Audit(x.b.in);
  EXPECT_EQ(report.totals.unit_id, 1);
  EXPECT_EQ(report.totals.level, Level::kDistrict);
  EXPECT_EQ(report.totals.parent_id, 0);
  // Compounds 4, 5, 6, 7, all housing; branches 102, 103, 202 (the
  // functional branch has no compound); a first secretary (高峰) at 102
  // only; cross-appointments 王芳 (102, compound 4) and 杨磊 (103, compound
  // 6); a work team at 5, the one compound without a property company.
  // Registered: 张伟, 李娜, 刘洋, 徐刚 at 3 (徐刚 lives outside the district),
  // 黄强 at 30; in-service members living here: 张伟, 李娜, 刘洋 (in 3) and
  // 黄强 (in 30), each registered where they live.
  ExpectCoverage(report.totals, {.communities = 2,
                                 .compounds = 4,
                                 .compound_level_units = 4,
                                 .compound_level_units_covered = 4,
                                 .branches = 3,
                                 .branches_with_secretary = 3,
                                 .branches_with_first_secretary = 1,
                                 .first_secretaries = 1,
                                 .compounds_with_property = 3,
                                 .compounds_with_red_property = 3,
                                 .compounds_with_owners_committee = 3,
                                 .compounds_with_red_owners_committee = 3,
                                 .work_team_targets = 1,
                                 .work_team_targets_with_team = 1,
                                 .work_teams = 1,
                                 .work_team_cadres = 1,
                                 .buildings = 5,
                                 .buildings_with_party_group = 2,
                                 .buildings_with_lead = 5,
                                 .cross_appointments = 2,
                                 .registered_in_service = 5,
                                 .in_service_residents = 4,
                                 .in_service_residents_registered = 4});

  ASSERT_EQ(report.streets.size(), 2u);
  EXPECT_EQ(report.streets[0].unit_id, 2);
  EXPECT_EQ(report.streets[0].display_name, "花楼街道");
  EXPECT_EQ(report.streets[0].level, Level::kStreet);
  EXPECT_EQ(report.streets[0].parent_id, 1);
  ExpectCoverage(report.streets[0], {.communities = 1,
                                     .compounds = 3,
                                     .compound_level_units = 3,
                                     .compound_level_units_covered = 3,
                                     .branches = 2,
                                     .branches_with_secretary = 2,
                                     .branches_with_first_secretary = 1,
                                     .first_secretaries = 1,
                                     .compounds_with_property = 2,
                                     .compounds_with_red_property = 2,
                                     .compounds_with_owners_committee = 2,
                                     .compounds_with_red_owners_committee = 2,
                                     .work_team_targets = 1,
                                     .work_team_targets_with_team = 1,
                                     .work_teams = 1,
                                     .work_team_cadres = 1,
                                     .buildings = 4,
                                     .buildings_with_party_group = 2,
                                     .buildings_with_lead = 4,
                                     .cross_appointments = 2,
                                     .registered_in_service = 4,
                                     .in_service_residents = 3,
                                     .in_service_residents_registered = 3});
  EXPECT_EQ(report.streets[1].unit_id, 20);
  ExpectCoverage(report.streets[1], {.communities = 1,
                                     .compounds = 1,
                                     .compound_level_units = 1,
                                     .compound_level_units_covered = 1,
                                     .branches = 1,
                                     .branches_with_secretary = 1,
                                     .compounds_with_property = 1,
                                     .compounds_with_red_property = 1,
                                     .compounds_with_owners_committee = 1,
                                     .compounds_with_red_owners_committee = 1,
                                     .buildings = 1,
                                     .buildings_with_lead = 1,
                                     .registered_in_service = 1,
                                     .in_service_residents = 1,
                                     .in_service_residents_registered = 1});

  ASSERT_EQ(report.communities.size(), 2u);
  EXPECT_EQ(report.communities[0].unit_id, 3);
  EXPECT_EQ(report.communities[0].parent_id, 2);
  EXPECT_EQ(report.communities[0].level, Level::kCommunity);
  ExpectCoverage(report.communities[0], {.communities = 1,
                                         .compounds = 3,
                                         .compound_level_units = 3,
                                         .compound_level_units_covered = 3,
                                         .branches = 2,
                                         .branches_with_secretary = 2,
                                         .branches_with_first_secretary = 1,
                                         .first_secretaries = 1,
                                         .compounds_with_property = 2,
                                         .compounds_with_red_property = 2,
                                         .compounds_with_owners_committee = 2,
                                         .compounds_with_red_owners_committee = 2,
                                         .work_team_targets = 1,
                                         .work_team_targets_with_team = 1,
                                         .work_teams = 1,
                                         .work_team_cadres = 1,
                                         .buildings = 4,
                                         .buildings_with_party_group = 2,
                                         .buildings_with_lead = 4,
                                         .cross_appointments = 2,
                                         .registered_in_service = 4,
                                         .in_service_residents = 3,
                                         .in_service_residents_registered = 3});
  EXPECT_EQ(report.communities[1].unit_id, 30);
  EXPECT_EQ(report.communities[1].parent_id, 20);
  ExpectCoverage(report.communities[1], {.communities = 1,
                                         .compounds = 1,
                                         .compound_level_units = 1,
                                         .compound_level_units_covered = 1,
                                         .branches = 1,
                                         .branches_with_secretary = 1,
                                         .compounds_with_property = 1,
                                         .compounds_with_red_property = 1,
                                         .compounds_with_owners_committee = 1,
                                         .compounds_with_red_owners_committee = 1,
                                         .buildings = 1,
                                         .buildings_with_lead = 1,
                                         .registered_in_service = 1,
                                         .in_service_residents = 1,
                                         .in_service_residents_registered = 1});
}

TEST(AuditRulesTest, CoverageOfAStreetIsItsRow) {
  District x = CleanDistrict();
  const AuditReport district = Audit(x.b.in);
  const AuditReport street = Audit(x.b.in, 2);
  EXPECT_THAT(Briefs(street), IsEmpty());
  EXPECT_EQ(street.totals.unit_id, 2);
  EXPECT_EQ(street.root_display_name, "花楼街道");
  ExpectCoverage(street.totals, district.streets[0]);
  ASSERT_EQ(street.streets.size(), 1u);
  ExpectCoverage(street.streets[0], district.streets[0]);
  ASSERT_EQ(street.communities.size(), 1u);
  EXPECT_EQ(street.communities[0].unit_id, 3);
  ExpectCoverage(street.communities[0], district.communities[0]);
}

TEST(AuditRulesTest, CoverageOfACompound) {
  District x = CleanDistrict();
  const AuditReport report = Audit(x.b.in, 4);
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_THAT(report.streets, IsEmpty());
  EXPECT_THAT(report.communities, IsEmpty());
  EXPECT_EQ(report.totals.level, Level::kCompound);
  ExpectCoverage(report.totals, {.compounds = 1,
                                 .compound_level_units = 1,
                                 .compound_level_units_covered = 1,
                                 .branches = 1,
                                 .branches_with_secretary = 1,
                                 .branches_with_first_secretary = 1,
                                 .first_secretaries = 1,
                                 .compounds_with_property = 1,
                                 .compounds_with_red_property = 1,
                                 .compounds_with_owners_committee = 1,
                                 .compounds_with_red_owners_committee = 1,
                                 .buildings = 2,
                                 .buildings_with_party_group = 1,
                                 .buildings_with_lead = 2,
                                 .cross_appointments = 1,
                                 .in_service_residents = 2,
                                 .in_service_residents_registered = 2});
}

TEST(AuditRulesTest, CoverageCountsOnlyLiveThings) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // A deleted compound with a deleted branch, a deleted building with a
  // deleted party group: none of them is counted or reported.
  b.Compound(8, 3, "拆迁小区", false, false, false).deleted = true;
  b.Org(107, OrgForm::kBranch, "拆迁小区党支部", {8}, 101).deleted = true;
  b.Unit(43, 4, Level::kBuilding, "幸福花园3栋").deleted = true;
  b.Org(108, OrgForm::kPartyGroup, "幸福花园3栋党小组", {43}, 102).deleted = true;
  // A joint branch counts once per row, whatever the number of compounds;
  // first secretaries are counted by branch and by head.
  const int64_t t = b.Full("许多", 101, MemberCategory::kRetired);
  b.RoleAt(t, Role::kFirstSecretary, O(103));
  // Ended roles count for nothing.
  b.RoleAt(t, Role::kBuildingLead, U(61), /*current=*/false);
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_EQ(report.totals.compounds, 4);
  EXPECT_EQ(report.totals.branches, 3);
  EXPECT_EQ(report.totals.buildings, 5);
  EXPECT_EQ(report.totals.buildings_with_party_group, 2);
  EXPECT_EQ(report.totals.buildings_with_lead, 5);
  EXPECT_EQ(report.totals.branches_with_first_secretary, 2);
  EXPECT_EQ(report.totals.first_secretaries, 2);
  EXPECT_EQ(report.communities[0].branches_with_first_secretary, 2);
}

TEST(AuditRulesTest, FunctionalBranchesCountButDoNotCover) {
  District x = CleanDistrict();
  Builder& b = x.b;
  b.Compound(8, 3, "物业小区", true, true, true);
  b.Org(107, OrgForm::kFunctionalBranch, "物业功能型党支部", {8}, 101);
  b.RoleAt(b.Full("物业", 107, MemberCategory::kRetired), Role::kSecretary, O(107));
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report),
              ElementsAre(Brief{rules::kCompoundNotCovered, Severity::kError, {Units(8)}}));
  EXPECT_EQ(report.totals.compounds, 5);
  EXPECT_EQ(report.totals.compound_level_units_covered, 4);
  EXPECT_EQ(report.totals.branches, 4);
  EXPECT_EQ(report.totals.branches_with_secretary, 4);
  EXPECT_EQ(report.communities[0].branches, 3);
}

// Each figure means what the articles mean (docs/audit.md): villages are
// counted apart from compounds ("另有城中村22个") and have their own branches;
// first secretaries are people at branches ("208名…第一书记" for 211
// branches); red owners committees are over compounds that have an owners
// committee (Zhangping's 90.16%); work teams over compounds without a
// property company, resettlement compounds and urban villages; double
// reporting is a head count with posts and duty zones; 一肩挑 is the
// community secretary directing the residents' committee.
TEST(AuditRulesTest, FiguresMeanWhatTheArticlesMean) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // An urban village with its own branch and a work team; a resettlement
  // compound with a property company and no team.
  AuditUnit& village = b.Compound(8, 3, "城中村", false, false, false);
  village.kind = org::CompoundKind::kUrbanVillage;
  b.Org(107, OrgForm::kBranch, "城中村党支部", {8}, 101);
  for (int i = 0; i < 3; ++i) {
    const int64_t m = b.Full(absl::StrCat("村民党员", i), 107, MemberCategory::kRetired);
    if (i == 0) b.RoleAt(m, Role::kSecretary, O(107));
  }
  b.RoleAt(b.Person("驻村干部", PartyStatus::kFull, MemberCategory::kInService),
           Role::kWorkTeamLeader, U(8));
  AuditUnit& resettled = b.Compound(9, 3, "安置小区", true, true, false);
  resettled.kind = org::CompoundKind::kResettlement;
  FindOrg(b, 102).unit_ids.push_back(9);
  // The same first secretary at two branches is one person.
  b.RoleAt(x.s, Role::kFirstSecretary, O(202));
  // 周杰, secretary of 幸福社区大党委, also directs its residents' committee.
  b.RoleAt(x.i, Role::kResidentsCommitteeDirector, U(3));
  // 民族社区's residents' committee is directed by someone other than its
  // secretary (孙丽).
  b.RoleAt(x.q, Role::kResidentsCommitteeDirector, U(30));
  // Posts and duty zones of registered in-service members.
  for (AuditRegistration& r : b.in.registrations) {
    if (r.person_id == x.a) {
      r.post = roster::RegistrationPost::kBuildingLead;
      r.has_duty_zone = true;
    }
    if (r.person_id == x.h) r.post = roster::RegistrationPost::kGridWorker;
  }
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report), IsEmpty());
  const Coverage& t = report.totals;
  EXPECT_EQ(t.compounds, 5);  // 4, 5, 6, 7 and the resettlement compound
  EXPECT_EQ(t.urban_villages, 1);
  EXPECT_EQ(t.compound_level_units, 6);
  EXPECT_EQ(t.compound_level_units_covered, 6);
  EXPECT_EQ(t.branches, 3);  // 102, 103, 202
  EXPECT_EQ(t.village_branches, 1);
  EXPECT_EQ(t.branches_with_first_secretary, 2);
  EXPECT_EQ(t.first_secretaries, 1);
  EXPECT_EQ(t.compounds_with_owners_committee, 3);
  EXPECT_EQ(t.compounds_with_red_owners_committee, 3);
  // Targets: 5 (no company), the village, the resettlement compound.
  EXPECT_EQ(t.work_team_targets, 3);
  EXPECT_EQ(t.work_team_targets_with_team, 2);
  EXPECT_EQ(t.work_teams, 2);
  EXPECT_EQ(t.work_team_cadres, 2);
  EXPECT_EQ(t.registered_in_service, 5);
  EXPECT_EQ(t.registered_with_post, 2);
  EXPECT_EQ(t.registered_with_duty_zone, 1);
  EXPECT_EQ(t.communities_one_shoulder, 1);
  EXPECT_EQ(report.communities[0].communities_one_shoulder, 1);
  EXPECT_EQ(report.communities[1].communities_one_shoulder, 0);
  // The seconded work-team leader has no membership here, and that is not
  // a finding; nor is the first secretary's second branch.
}

// Active alliances count in their unit's rows, by kind; one whose leading
// organisation is gone, or no longer covers its unit, is a warning.
TEST(AuditRulesTest, AlliancesPerStreetAndTheirLeaders) {
  District x = CleanDistrict();
  Builder& b = x.b;
  using org::AllianceKind;
  using org::AllianceState;
  b.in.alliances = {
      {1, AllianceKind::kCompound, 4, 102, "幸福花园“1+4+X”", AllianceState::kActive},
      {2, AllianceKind::kNeighbourhood, 3, 101, "幸福社区近邻党建联盟", AllianceState::kActive},
      {3, AllianceKind::kNeighbourhood, 2, 100, "花楼街道近邻党建联盟", AllianceState::kActive},
      {4, AllianceKind::kNeighbourhood, 30, 201, "民族社区联盟", AllianceState::kDissolved},
      // Led by the branch of another compound: nobody leads it.
      {5, AllianceKind::kCompound, 7, 102, "民族小区“1+4+X”", AllianceState::kActive},
  };
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report), ElementsAre(Brief{"alliance-without-leader",
                                                Severity::kWarning,
                                                {"alliances/5", "partyOrgs/102"}}));
  const Coverage& t = report.totals;
  EXPECT_EQ(t.alliances, 4);
  EXPECT_EQ(t.compound_alliances, 2);
  EXPECT_EQ(t.neighbourhood_alliances, 2);
  ASSERT_EQ(report.streets.size(), 2u);
  EXPECT_EQ(report.streets[0].alliances, 3);  // 花楼街道: its own, 幸福社区's, 幸福花园's
  EXPECT_EQ(report.streets[1].alliances, 1);  // 民族街道: the dissolved one is not counted
  EXPECT_EQ(report.communities[0].alliances, 2);
}

// Residents' issues: the figures per row over the year before the audit's
// time, the times to resolve by final level, and the stuck ones.
TEST(AuditRulesTest, CaseworkFiguresAndStuckIssues) {
  District x = CleanDistrict();
  Builder& b = x.b;
  using casework::HandlingLevel;
  using casework::IssueState;
  const absl::Time now =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone());
  b.in.audit_time = now;
  const absl::Duration day = absl::Hours(24);
  // (id, place, level, handling unit, state, created ago, resolved after)
  const auto add = [&](int64_t id, int64_t place, HandlingLevel level, int64_t unit,
                       IssueState state, absl::Duration ago,
                       std::optional<absl::Duration> after = std::nullopt) -> AuditIssue& {
    AuditIssue issue{.id = id,
                     .place_id = place,
                     .handling_unit_id = unit,
                     .handling_level = level,
                     .state = state,
                     .create_time = now - ago};
    if (after) issue.resolve_time = issue.create_time + *after;
    if (state == IssueState::kConfirmed) issue.close_time = issue.resolve_time + absl::Hours(1);
    b.in.issues.push_back(issue);
    return b.in.issues.back();
  };
  add(1, 41, HandlingLevel::kCompound, 4, IssueState::kConfirmed, 10 * day, absl::Hours(2));
  add(2, 4, HandlingLevel::kCompound, 4, IssueState::kConfirmed, 20 * day, absl::Hours(4));
  add(3, 4, HandlingLevel::kCompound, 4, IssueState::kResolved, 30 * day, absl::Hours(10))
      .satisfaction = casework::Satisfaction::kDissatisfied;  // reopened, resolved again
  add(4, 3, HandlingLevel::kCommunity, 3, IssueState::kConfirmed, 40 * day, absl::Hours(48));
  add(5, 4, HandlingLevel::kStreet, 2, IssueState::kConfirmed, 50 * day, 10 * day);
  add(6, 42, HandlingLevel::kDistrict, 1, IssueState::kResolved, 60 * day, 30 * day);
  add(7, 4, HandlingLevel::kCommunity, 3, IssueState::kReopened, 9 * day, 4 * day).due_time =
      now + day;
  add(8, 3, HandlingLevel::kCommunity, 3, IssueState::kRejected, 5 * day).close_time =
      now - 3 * day;
  // Stuck at the district for 2 days and 5 hours; and one due later.
  add(9, 4, HandlingLevel::kDistrict, 1, IssueState::kAccepted, 9 * day).due_time =
      now - 2 * day - absl::Hours(5);
  add(10, 4, HandlingLevel::kStreet, 2, IssueState::kAccepted, 9 * day).due_time = now + day;
  // Reported and resolved before the year.
  add(11, 4, HandlingLevel::kCompound, 4, IssueState::kConfirmed, 400 * day, absl::Hours(1));
  // In the other street; and at a place outside the subtree.
  add(12, 71, HandlingLevel::kCompound, 7, IssueState::kConfirmed, 3 * day, absl::Hours(6));
  add(13, 999, HandlingLevel::kCompound, 999, IssueState::kAccepted, 3 * day).overdue = true;
  b.in.dispatches = {
      // Summoned by the street, not acknowledged a day after its due time.
      {.issue_id = 10,
       .id = 1,
       .summoning_unit_id = 2,
       .department = "区住建局",
       .state = casework::DispatchState::kSummoned,
       .due_time = now - day},
      {.issue_id = 10,
       .id = 2,
       .summoning_unit_id = 2,
       .department = "区城管局",
       .state = casework::DispatchState::kAcknowledged,
       .due_time = now - day},
      {.issue_id = 10,
       .id = 3,
       .summoning_unit_id = 2,
       .department = "区城管局",
       .state = casework::DispatchState::kSummoned,
       .due_time = now + day},
      {.issue_id = 13,
       .id = 1,
       .summoning_unit_id = 999,
       .department = "区城管局",
       .state = casework::DispatchState::kSummoned,
       .due_time = now - day},
  };
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report),
              ElementsAre(Brief{"dispatch-not-acknowledged",
                                Severity::kWarning,
                                {"issues/10/dispatches/1", "issues/10", "units/2"}},
                          Brief{"issue-overdue", Severity::kWarning, {"issues/9", "units/1"}}));
  EXPECT_THAT(report.findings[1].message, HasSubstr("区级"));
  EXPECT_THAT(report.findings[1].message, HasSubstr("江汉区 (units/1)"));
  EXPECT_THAT(report.findings[1].message, HasSubstr("2 天 5 小时"));
  EXPECT_THAT(report.findings[0].message, HasSubstr("区住建局"));
  EXPECT_THAT(report.findings[0].message, HasSubstr("花楼街道 (units/2)"));
  EXPECT_EQ(report.audit_time, now);
  for (const Finding& f : report.findings) {
    EXPECT_THAT(f.message, HasSubstr(f.resources.front()));
    EXPECT_FALSE(ContainsPersonalData(f.message)) << f.message;
  }

  const Coverage& t = report.totals;
  EXPECT_EQ(t.issues_opened, 11);  // not 11 (before the year) nor 13 (outside)
  EXPECT_EQ(t.issues_closed, 6);   // 1, 2, 4, 5, 12 confirmed; 8 rejected
  EXPECT_EQ(t.issues_resolved, 7);
  EXPECT_EQ(t.issues_resolved_in_community, 5);
  EXPECT_EQ(t.issues_resolved_in_street, 6);
  EXPECT_EQ(t.issues_resolved_ever, 8);  // and the reopened 7
  EXPECT_EQ(t.issues_reopened, 2);       // 7, and 3 (dissatisfied)
  EXPECT_EQ(t.issues_open, 3);
  EXPECT_EQ(t.issues_open_overdue, 1);
  // Compound: 2, 4, 6, 10 hours: the median is the 2nd, the 90th percentile the 4th.
  EXPECT_EQ(t.resolve_times[0], (ResolveTimes{4, absl::Hours(4), absl::Hours(10)}));
  EXPECT_EQ(t.resolve_times[1], (ResolveTimes{1, absl::Hours(48), absl::Hours(48)}));
  EXPECT_EQ(t.resolve_times[2], (ResolveTimes{1, 10 * day, 10 * day}));
  EXPECT_EQ(t.resolve_times[3], (ResolveTimes{1, 30 * day, 30 * day}));
  ASSERT_EQ(report.streets.size(), 2u);
  EXPECT_EQ(report.streets[0].issues_opened, 10);
  EXPECT_EQ(report.streets[0].resolve_times[0], (ResolveTimes{3, absl::Hours(4), absl::Hours(10)}));
  EXPECT_EQ(report.streets[1].issues_opened, 1);
  EXPECT_EQ(report.streets[1].issues_resolved_in_community, 1);
  ASSERT_EQ(report.communities.size(), 2u);
  EXPECT_EQ(report.communities[0].issues_open_overdue, 1);
  EXPECT_EQ(report.communities[1].resolve_times[0].resolved, 1);

  // Audited at a street, the other street's issues are not there.
  const AuditReport street = Audit(b.in, 20);
  EXPECT_EQ(street.totals.issues_opened, 1);
  EXPECT_THAT(Briefs(street), IsEmpty());
}

// Without a time, the audit's time is the end of its day in China.
TEST(AuditRulesTest, CaseworkPeriodEndsWithTheAuditsDay) {
  District x = CleanDistrict();
  const AuditReport report = Audit(x.b.in);
  EXPECT_EQ(report.audit_time,
            absl::FromCivil(absl::CivilSecond(2026, 11, 23, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(report.totals.issues_opened, 0);
  EXPECT_EQ(report.totals.resolve_times[0], ResolveTimes{});
}

TEST(AuditRulesTest, CrossAppointmentsNeedTheBranchOfTheSameCompound) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // 王芳 also sits on 和谐家园's owners committee: still one person.
  b.RoleAt(x.bb, Role::kOwnersCommitteeMember, U(6));
  b.RoleAt(x.bb, Role::kCommitteeMember, O(103));
  // 陈静 (secretary of 103, compounds 5 and 6) sits on 幸福花园's owners
  // committee: another branch's compound, no cross-appointment.
  b.RoleAt(x.e, Role::kOwnersCommitteeMember, U(4));
  // 张伟 was on 幸福花园's owners committee; it ended.
  b.RoleAt(x.a, Role::kOwnersCommitteeMember, U(4), /*current=*/false);
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_EQ(report.totals.cross_appointments, 2);
  EXPECT_EQ(report.streets[0].cross_appointments, 2);
  EXPECT_EQ(report.streets[1].cross_appointments, 0);
}

// --- One violation of every rule.

struct Violation {
  std::string name;
  // Plants the violation in a clean district and says what the audit finds.
  std::function<Brief(District&)> plant;
  bool inside_street_2 = true;  // found by an audit of 花楼街道 (units/2)
};

std::vector<Violation> AllViolations() {
  return {
      {"CompoundNotCovered",
       [](District& x) {
         x.b.Compound(8, 3, "无名小区", true, true, false);
         return Brief{rules::kCompoundNotCovered, Severity::kError, {Units(8)}};
       }},
      {"NoSecretary",
       [](District& x) {
         AuditRole& role = x.b.role(x.i_secretary);
         role.current = false;
         role.end = kToday - 30;
         return Brief{rules::kNoSecretary, Severity::kError, {Orgs(101)}};
       }},
      {"BranchTooSmall",
       [](District& x) {
         AuditPerson& g = x.b.person(x.g);
         g.party_status = PartyStatus::kProbationary;
         g.admission = kToday - 30;
         return Brief{rules::kBranchTooSmall, Severity::kWarning, {Orgs(103)}};
       }},
      {"BranchWithoutCommittee",
       [](District& x) {
         for (int i = 0; i < 4; ++i) {
           x.b.Full(absl::StrCat("新党员", i), 102, MemberCategory::kRetired);
         }
         return Brief{rules::kBranchWithoutCommittee, Severity::kWarning, {Orgs(102)}};
       }},
      {"BranchLargeEnough",
       [](District& x) {
         for (int i = 0; i < 48; ++i) {
           x.b.Full(absl::StrCat("民族党员", i), 202, MemberCategory::kRetired);
         }
         // A committee of 3, as a branch of its size needs.
         x.b.RoleAt(x.o, Role::kCommitteeMember, O(202));
         return Brief{rules::kBranchLargeEnough, Severity::kWarning, {Orgs(202)}};
       },
       /*inside_street_2=*/false},
      {"CommitteeSize",
       [](District& x) {
         // A new branch of 9 full members: a secretary and 7 committee
         // members make a committee of 8.
         x.b.Compound(17, 3, "支委小区", true, true, false);
         x.b.Org(109, OrgForm::kBranch, "支委小区党支部", {17}, 101);
         for (int i = 0; i < 9; ++i) {
           const int64_t m = x.b.Full(absl::StrCat("支委", i), 109, MemberCategory::kRetired);
           if (i < 8) x.b.RoleAt(m, i == 0 ? Role::kSecretary : Role::kCommitteeMember, O(109));
         }
         return Brief{rules::kCommitteeSize, Severity::kWarning, {Orgs(109)}};
       }},
      {"JointBranchTooWide",
       [](District& x) {
         for (int64_t id : {12, 13, 14, 15}) {
           x.b.Compound(id, 3, absl::StrCat("联建小区", id), true, true, false);
           FindOrg(x.b, 103).unit_ids.push_back(id);
         }
         return Brief{rules::kJointBranchTooWide, Severity::kWarning, {Orgs(103)}};
       }},
      {"MembershipAtPartyGroup",
       [](District& x) {
         const int64_t v = x.b.Full("组员", 104, MemberCategory::kRetired);
         return Brief{rules::kMembershipAtPartyGroup, Severity::kError, {People(v), Orgs(104)}};
       }},
      {"PartyGroupWithoutLeader",
       [](District& x) {
         x.b.Org(107, OrgForm::kPartyGroup, "幸福花园2栋党小组", {42}, 102);
         return Brief{rules::kPartyGroupWithoutLeader, Severity::kWarning, {Orgs(107)}};
       }},
      {"ProbationExtensionOverdue",
       [](District& x) {
         // Extended by 6 months: due 2026-05-01, overdue since.
         const int64_t v =
             x.b.Person("延期", PartyStatus::kProbationary, MemberCategory::kRetired, 42);
         x.b.person(v).admission = absl::CivilDay(2024, 11, 1);
         x.b.person(v).probation_extension_months = 6;
         x.b.Member(v, 102);
         return Brief{rules::kProbationExtensionOverdue, Severity::kWarning, {People(v)}};
       }},
      {"PropertyNotRed",
       [](District& x) {
         FindUnit(x.b, 6).red_property = false;
         return Brief{rules::kPropertyNotRed, Severity::kInfo, {Units(6)}};
       }},
      {"RedFlagWithoutOwnersCommittee",
       [](District& x) {
         AuditUnit& unit = FindUnit(x.b, 4);
         unit.owners_body = org::OwnersBodyKind::kOwnersCommittee;
         unit.owners_body_term_end = kToday - 1;
         return Brief{rules::kRedFlagWithoutOwnersCommittee, Severity::kError, {Units(4)}};
       }},
      {"BuildingWithoutLead",
       [](District& x) {
         x.b.Unit(44, 4, Level::kBuilding, "幸福花园4栋");
         return Brief{rules::kBuildingWithoutLead, Severity::kInfo, {Units(44)}};
       }},
      {"CompoundUnattended",
       [](District& x) {
         x.b.Compound(16, 30, "民族老村", false, false, false);
         FindOrg(x.b, 202).unit_ids.push_back(16);
         return Brief{rules::kCompoundUnattended, Severity::kWarning, {Units(16)}};
       },
       /*inside_street_2=*/false},
      {"ElectionOverdue",
       [](District& x) {
         // Elected 2021-06-01 for 5 years, postponed to 2026-09-30.
         AuditPartyOrg& org = FindOrg(x.b, 201);
         org.term.start = absl::CivilDay(2021, 6, 1);
         org.term.postponed_until = absl::CivilDay(2026, 9, 30);
         return Brief{rules::kElectionOverdue, Severity::kWarning, {Orgs(201)}};
       },
       /*inside_street_2=*/false},
      {"InServiceNotRegistered",
       [](District& x) {
         auto& r = x.b.in.registrations;
         r.erase(std::remove_if(r.begin(), r.end(),
                                [&](const AuditRegistration& g) { return g.person_id == x.c; }),
                 r.end());
         return Brief{rules::kInServiceNotRegistered, Severity::kInfo, {People(x.c)}};
       }},
      {"MemberWithoutRelationship",
       [](District& x) {
         const int64_t t = x.b.Person("唐宁", PartyStatus::kFull, MemberCategory::kRetired, 42);
         return Brief{rules::kMemberWithoutRelationship, Severity::kError, {People(t)}};
       }},
      {"MemberWithTwoRelationships",
       [](District& x) {
         x.b.Member(x.h, 101);
         return Brief{rules::kMemberWithTwoRelationships,
                      Severity::kError,
                      {People(x.h), Orgs(100), Orgs(101)}};
       }},
      {"RoleAtDeletedPlace",
       [](District& x) {
         x.b.Unit(43, 4, Level::kBuilding, "幸福花园3栋").deleted = true;
         const int64_t role = x.b.RoleAt(x.p, Role::kBuildingLead, U(43)).id;
         return Brief{
             rules::kRoleAtDeletedPlace, Severity::kError, {Roles(role), Units(43), People(x.p)}};
       }},
      {"RoleAtUnknownPlace",
       [](District& x) {
         const int64_t role = x.b.RoleAt(x.p, Role::kVolunteer, U(999)).id;
         return Brief{
             rules::kRoleAtUnknownPlace, Severity::kError, {Roles(role), Units(999), People(x.p)}};
       },
       /*inside_street_2=*/false},
      {"RoleOfDeletedPerson",
       [](District& x) {
         const int64_t u = x.b.Person("钱进", PartyStatus::kNone);
         x.b.person(u).deleted = true;
         const int64_t role = x.b.RoleAt(u, Role::kVolunteer, U(3)).id;
         return Brief{
             rules::kRoleOfDeletedPerson, Severity::kError, {Roles(role), Units(3), People(u)}};
       }},
      {"RoleOfUnknownPerson",
       [](District& x) {
         const int64_t role = x.b.RoleAt(9999, Role::kGridWorker, U(3)).id;
         return Brief{
             rules::kRoleOfUnknownPerson, Severity::kError, {Roles(role), Units(3), People(9999)}};
       }},
      {"MembershipAtMissingOrg",
       [](District& x) {
         x.b.Org(108, OrgForm::kBranch, "已撤销党支部", {5}, 101).deleted = true;
         const int64_t v = x.b.Full("韩梅", 108, MemberCategory::kRetired);
         return Brief{rules::kMembershipAtMissingOrg, Severity::kError, {People(v), Orgs(108)}};
       }},
      {"ProbationOverdue",
       [](District& x) {
         x.b.person(x.d).admission = absl::CivilDay(2025, 11, 22);  // a year and a day
         return Brief{rules::kProbationOverdue, Severity::kWarning, {People(x.d)}};
       }},
      {"DuplicateIdCard",
       [](District& x) {
         const std::string number = IdCardEndingInX();
         x.b.person(x.e).id_card_number = number;
         std::string lower = number;
         lower.back() = 'x';
         x.b.person(x.n).id_card_number = lower;
         return Brief{rules::kDuplicateIdCard, Severity::kError, {People(x.e), People(x.n)}};
       }},
      {"InvalidIdCard",
       [](District& x) {
         std::string number = IdCard("11010519900307456");
         number.back() = number.back() == '1' ? '2' : '1';
         x.b.person(x.f).id_card_number = number;
         return Brief{rules::kInvalidIdCard, Severity::kError, {People(x.f)}};
       }},
      {"RoleLevelRule",
       [](District& x) {
         const int64_t role = x.b.RoleAt(x.p, Role::kBuildingLead, U(4)).id;
         return Brief{
             rules::kRoleLevelRule, Severity::kError, {Roles(role), Units(4), People(x.p)}};
       }},
  };
}

TEST(AuditRulesTest, EveryRuleIsPlanted) {
  std::set<std::string> planted;
  District x = CleanDistrict();
  for (const Violation& v : AllViolations()) planted.insert(v.plant(x).rule);
  EXPECT_EQ(planted, (std::set<std::string>{rules::kCompoundNotCovered,
                                            rules::kNoSecretary,
                                            rules::kBranchTooSmall,
                                            rules::kBranchWithoutCommittee,
                                            rules::kBranchLargeEnough,
                                            rules::kMemberWithoutRelationship,
                                            rules::kMemberWithTwoRelationships,
                                            rules::kRoleAtDeletedPlace,
                                            rules::kRoleAtUnknownPlace,
                                            rules::kRoleOfDeletedPerson,
                                            rules::kRoleOfUnknownPerson,
                                            rules::kMembershipAtMissingOrg,
                                            rules::kProbationOverdue,
                                            rules::kDuplicateIdCard,
                                            rules::kInvalidIdCard,
                                            rules::kRoleLevelRule,
                                            rules::kCommitteeSize,
                                            rules::kJointBranchTooWide,
                                            rules::kMembershipAtPartyGroup,
                                            rules::kPartyGroupWithoutLeader,
                                            rules::kProbationExtensionOverdue,
                                            rules::kPropertyNotRed,
                                            rules::kRedFlagWithoutOwnersCommittee,
                                            rules::kBuildingWithoutLead,
                                            rules::kCompoundUnattended,
                                            rules::kInServiceNotRegistered,
                                            rules::kElectionOverdue}));
}

TEST(AuditRulesTest, EachViolationAloneIsFoundAlone) {
  for (const Violation& v : AllViolations()) {
    SCOPED_TRACE(v.name);
    District x = CleanDistrict();
    const Brief expected = v.plant(x);
    EXPECT_THAT(Briefs(Audit(x.b.in)), ElementsAre(expected));
  }
}

TEST(AuditRulesTest, AllViolationsTogetherAreFoundExactly) {
  District x = CleanDistrict();
  std::vector<Brief> expected;
  for (const Violation& v : AllViolations()) expected.push_back(v.plant(x));
  const AuditReport report = Audit(x.b.in);
  EXPECT_THAT(Briefs(report), UnorderedElementsAreArray(expected));
  EXPECT_TRUE(report.HasErrors());

  // Sorted by severity, then rule, then key.
  for (size_t i = 1; i < report.findings.size(); ++i) {
    const Finding& a = report.findings[i - 1];
    const Finding& b = report.findings[i];
    EXPECT_TRUE(std::make_tuple(a.severity, a.rule, a.Key()) <
                std::make_tuple(b.severity, b.rule, b.Key()))
        << a.Key() << " before " << b.Key();
  }
  // One sentence each, naming where it belongs, never an ID-card number.
  for (const Finding& f : report.findings) {
    SCOPED_TRACE(f.Key());
    EXPECT_THAT(f.message, HasSubstr(f.resources.front()));
    EXPECT_FALSE(ContainsPersonalData(f.message)) << f.message;
    EXPECT_EQ(f.message.find('\n'), std::string::npos);
  }
}

TEST(AuditRulesTest, MessagesNameThingsInChinese) {
  District x = CleanDistrict();
  for (const Violation& v : AllViolations()) v.plant(x);
  const AuditReport report = Audit(x.b.in);
  std::map<std::string, std::string> by_rule;
  for (const Finding& f : report.findings) by_rule[f.rule] = f.message;
  EXPECT_EQ(by_rule[rules::kCompoundNotCovered], "无名小区 (units/8) 没有党支部覆盖");
  EXPECT_EQ(by_rule[rules::kNoSecretary],
            "幸福社区大党委 (partyOrgs/101) 没有书记，自上一任书记离任（2026-10-24）已空缺 30 天");
  EXPECT_THAT(by_rule[rules::kBranchTooSmall], HasSubstr("只有 2 名正式党员，少于 3 名"));
  EXPECT_THAT(by_rule[rules::kBranchWithoutCommittee], HasSubstr("有 7 名正式党员"));
  EXPECT_THAT(by_rule[rules::kBranchLargeEnough],
              HasSubstr("有 51 名党员，已达到设立党总支的规模（超过 50 名）"));
  EXPECT_THAT(by_rule[rules::kProbationOverdue], HasSubstr("逾期 1 天"));
  EXPECT_EQ(by_rule[rules::kElectionOverdue],
            "民族社区大党委 (partyOrgs/201) 的任期已于 2026-06-01 届满（延期至 2026-09-30），"
            "换届已逾期 54 天");
  EXPECT_THAT(by_rule[rules::kInvalidIdCard], HasSubstr("杨磊"));
  EXPECT_THAT(by_rule[rules::kInvalidIdCard], HasSubstr("校验码错误"));
  EXPECT_THAT(by_rule[rules::kRoleLevelRule], HasSubstr("郭亮"));
  EXPECT_THAT(by_rule[rules::kRoleLevelRule], HasSubstr("楼栋长"));
  EXPECT_THAT(by_rule[rules::kRoleLevelRule], HasSubstr("小区 幸福花园 (units/4)"));
  EXPECT_THAT(by_rule[rules::kDuplicateIdCard], HasSubstr("陈静"));
  EXPECT_THAT(by_rule[rules::kDuplicateIdCard], HasSubstr("朱红"));
}

TEST(AuditRulesTest, SubtreeAuditIgnoresWhatIsOutside) {
  District x = CleanDistrict();
  std::vector<Brief> inside;
  for (const Violation& v : AllViolations()) {
    const Brief brief = v.plant(x);
    if (v.inside_street_2) inside.push_back(brief);
  }
  // And one more, in the other street only.
  x.b.Compound(9, 30, "民族新村", false, false, false);
  const AuditReport street = Audit(x.b.in, 2);
  // The duplicate ID card is shared with 朱红 of the other street: reported,
  // since 陈静 is in the subtree. A role at an unknown unit may be another
  // street's: not reported below a district.
  EXPECT_THAT(Briefs(street), UnorderedElementsAreArray(inside));

  // 黄强 lives in the other street: his two relationships are its concern
  // too.
  const AuditReport other = Audit(x.b.in, 20);
  EXPECT_THAT(Briefs(other),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kCompoundNotCovered, Severity::kError, {Units(9)}},
                  {rules::kMemberWithTwoRelationships,
                   Severity::kError,
                   {People(x.h), Orgs(100), Orgs(101)}},
                  {rules::kCompoundUnattended, Severity::kWarning, {Units(9)}},
                  {rules::kBranchLargeEnough, Severity::kWarning, {Orgs(202)}},
                  {rules::kCompoundUnattended, Severity::kWarning, {Units(16)}},
                  {rules::kElectionOverdue, Severity::kWarning, {Orgs(201)}},
                  {rules::kDuplicateIdCard, Severity::kError, {People(x.e), People(x.n)}}}));
  EXPECT_EQ(other.totals.compounds, 3);
  EXPECT_EQ(other.totals.compound_level_units_covered, 2);
}

// --- The rules in detail.

TEST(AuditRulesTest, DaysWithoutSecretary) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // 101: the last of two secretaries left 30 days ago.
  AuditRole& last = b.role(x.i_secretary);
  last.current = false;
  last.end = kToday - 30;
  AuditRole& earlier = b.RoleAt(x.s, Role::kSecretary, O(101), /*current=*/false);
  earlier.end = kToday - 400;
  // 109: never had one; established 100 days ago.
  b.Compound(9, 3, "新建小区", true, true, false);
  b.Org(109, OrgForm::kBranch, "新建小区党支部", {9}, 101).established = kToday - 100;
  for (int i = 0; i < 3; ++i) b.Full(absl::StrCat("新建", i), 109, MemberCategory::kRetired);
  // 110: no established date; created 5 days ago. A secretary appointed from
  // tomorrow is not one yet.
  b.Compound(10, 3, "刚建小区", true, true, false);
  AuditPartyOrg& fresh = b.Org(110, OrgForm::kBranch, "刚建小区党支部", {10}, 101);
  fresh.established.reset();
  fresh.created = kToday - 5;
  int64_t member = 0;
  for (int i = 0; i < 3; ++i)
    member = b.Full(absl::StrCat("刚建", i), 110, MemberCategory::kRetired);
  AuditRole& future = b.RoleAt(member, Role::kSecretary, O(110), /*current=*/false);
  future.start = kToday + 1;
  future.end.reset();
  // Party groups need no secretary (a leader, which this one has).
  b.Org(111, OrgForm::kPartyGroup, "幸福花园2栋党小组", {42}, 102);
  b.RoleAt(x.a, Role::kGroupLeader, O(111));

  const AuditReport report = Audit(b.in);
  ASSERT_THAT(Briefs(report), UnorderedElementsAreArray(std::vector<Brief>{
                                  {rules::kNoSecretary, Severity::kError, {Orgs(101)}},
                                  {rules::kNoSecretary, Severity::kError, {Orgs(109)}},
                                  {rules::kNoSecretary, Severity::kError, {Orgs(110)}}}));
  std::map<std::string, std::string> by_org;
  for (const Finding& f : report.findings) by_org[f.resources[0]] = f.message;
  EXPECT_THAT(by_org[Orgs(101)], HasSubstr("已空缺 30 天"));
  EXPECT_THAT(by_org[Orgs(109)], HasSubstr("自成立（2026-08-15）已空缺 100 天"));
  EXPECT_THAT(by_org[Orgs(110)], HasSubstr("自创建（2026-11-18）已空缺 5 天"));
  EXPECT_EQ(report.totals.branches, 5);
  EXPECT_EQ(report.totals.branches_with_secretary, 3);
}

TEST(AuditRulesTest, ProbationIsDueOnTheAnniversary) {
  struct Case {
    absl::CivilDay admitted, today;
    bool overdue;
  };
  for (const Case& c : std::vector<Case>{
           {absl::CivilDay(2025, 11, 23), absl::CivilDay(2026, 11, 23), false},
           {absl::CivilDay(2025, 11, 22), absl::CivilDay(2026, 11, 23), true},
           {absl::CivilDay(2024, 2, 29), absl::CivilDay(2025, 3, 1), false},
           {absl::CivilDay(2024, 2, 29), absl::CivilDay(2025, 3, 2), true},
       }) {
    SCOPED_TRACE(
        absl::StrCat(absl::FormatCivilTime(c.admitted), " on ", absl::FormatCivilTime(c.today)));
    District x = CleanDistrict();
    x.b.in.today = c.today;
    x.b.person(x.d).admission = c.admitted;
    std::vector<Brief> expected;
    if (c.overdue)
      expected.push_back({rules::kProbationOverdue, Severity::kWarning, {People(x.d)}});
    EXPECT_THAT(Briefs(Audit(x.b.in)), UnorderedElementsAreArray(expected));
    // The roster's own rule agrees.
    roster::Person person;
    person.party_status = PartyStatus::kProbationary;
    person.admission_date = c.admitted;
    EXPECT_EQ(roster::ProbationIsOverdue(person, c.today), c.overdue);
  }
}

TEST(AuditRulesTest, BranchSizes) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // 202 reaches 100 members, some probationary: large enough for a party
  // committee (one finding; its committee of 3 is what its size needs).
  b.RoleAt(x.o, Role::kCommitteeMember, O(202));
  for (int i = 0; i < 90; ++i) b.Full(absl::StrCat("甲", i), 202, MemberCategory::kRetired);
  for (int i = 0; i < 7; ++i) {
    const int64_t p =
        b.Person(absl::StrCat("乙", i), PartyStatus::kProbationary, MemberCategory::kRetired);
    b.person(p).admission = kToday - 10;
    b.Member(p, 202);
  }
  // A general branch of 99 members is fine; of 100 it could be a committee.
  b.Compound(11, 30, "大型小区甲", true, true, true);
  b.Compound(12, 30, "大型小区乙", true, true, true);
  b.Org(120, OrgForm::kGeneralBranch, "大型小区党总支", {11}, 201);
  b.Org(121, OrgForm::kGeneralBranch, "超大小区党总支", {12}, 201);
  int64_t member = 0;
  for (int i = 0; i < 99; ++i)
    member = b.Full(absl::StrCat("丙", i), 120, MemberCategory::kRetired);
  b.RoleAt(member, Role::kSecretary, O(120));
  for (int i = 0; i < 100; ++i)
    member = b.Full(absl::StrCat("丁", i), 121, MemberCategory::kRetired);
  b.RoleAt(member, Role::kSecretary, O(121));
  // Deleted people and ended memberships do not count: 103 keeps 3.
  const int64_t gone = b.Full("离开", 103, MemberCategory::kRetired);
  b.person(gone).deleted = true;
  // A functional branch of one member is not held to the branch sizes.
  b.Org(122, OrgForm::kFunctionalBranch, "物业功能型党支部", {}, 101);
  b.RoleAt(b.Full("功能", 122, MemberCategory::kRetired), Role::kSecretary, O(122));

  const AuditReport report = Audit(b.in);
  // The deleted person's membership is drift.
  EXPECT_THAT(Briefs(report),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kRoleOfDeletedPerson, Severity::kError, {People(gone), Orgs(103)}},
                  {rules::kBranchLargeEnough, Severity::kInfo, {Orgs(121)}},
                  {rules::kBranchLargeEnough, Severity::kWarning, {Orgs(202)}}}));
  for (const Finding& f : report.findings) {
    if (f.rule == rules::kBranchLargeEnough) {
      EXPECT_THAT(f.message, HasSubstr("设立党委"));
    }
  }
}

TEST(AuditRulesTest, DriftOfMembershipsAndRoles) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // A deleted person still holding a membership and a role.
  const int64_t gone = b.Full("离开", 102, MemberCategory::kRetired);
  b.person(gone).deleted = true;
  const int64_t gone_role = b.RoleAt(gone, Role::kVolunteer, U(41)).id;
  // An unknown person's membership; a membership at an unknown organisation.
  b.Member(8888, 103);
  const int64_t lost = b.Person("迷路", PartyStatus::kFull, MemberCategory::kRetired, 42);
  b.Member(lost, 777);
  // A role at a deleted party organisation, held by an unknown person, is
  // both kinds of drift; ended roles are history.
  b.Org(108, OrgForm::kPartyGroup, "幸福花园2栋党小组", {42}, 102).deleted = true;
  const int64_t group_role = b.RoleAt(7777, Role::kGroupLeader, O(108)).id;
  b.RoleAt(7777, Role::kGroupLeader, O(108), /*current=*/false);

  EXPECT_THAT(Briefs(Audit(b.in)),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kRoleOfDeletedPerson, Severity::kError, {People(gone), Orgs(102)}},
                  {rules::kRoleOfDeletedPerson,
                   Severity::kError,
                   {Roles(gone_role), Units(41), People(gone)}},
                  {rules::kRoleOfUnknownPerson, Severity::kError, {People(8888), Orgs(103)}},
                  {rules::kMembershipAtMissingOrg, Severity::kError, {People(lost), Orgs(777)}},
                  {rules::kRoleAtDeletedPlace,
                   Severity::kError,
                   {Roles(group_role), Orgs(108), People(7777)}},
                  {rules::kRoleOfUnknownPerson,
                   Severity::kError,
                   {Roles(group_role), Orgs(108), People(7777)}}}));

  // Below a district, an unknown organisation may be another subtree's.
  EXPECT_THAT(Briefs(Audit(b.in, 2)),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kRoleOfDeletedPerson, Severity::kError, {People(gone), Orgs(102)}},
                  {rules::kRoleOfDeletedPerson,
                   Severity::kError,
                   {Roles(gone_role), Units(41), People(gone)}},
                  {rules::kRoleOfUnknownPerson, Severity::kError, {People(8888), Orgs(103)}},
                  {rules::kRoleAtDeletedPlace,
                   Severity::kError,
                   {Roles(group_role), Orgs(108), People(7777)}},
                  {rules::kRoleOfUnknownPerson,
                   Severity::kError,
                   {Roles(group_role), Orgs(108), People(7777)}}}));
}

TEST(AuditRulesTest, LevelRuleFollowsTheRoster) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // Allowed: a grid worker at a community, a volunteer at a street, a
  // micro-grid liaison at a building.
  b.RoleAt(x.p, Role::kGridWorker, U(3));
  b.RoleAt(x.p, Role::kMicroGridLiaison, U(41));
  // Not allowed: a first secretary at a functional branch, a secretary at a
  // party group, a volunteer at the district, a work-team member at a
  // building.
  const int64_t r1 = b.RoleAt(x.s, Role::kFirstSecretary, O(106)).id;
  const int64_t r2 = b.RoleAt(x.a, Role::kSecretary, O(104)).id;
  const int64_t r3 = b.RoleAt(x.p, Role::kVolunteer, U(1)).id;
  const int64_t r4 = b.RoleAt(x.r, Role::kWorkTeamMember, U(51)).id;
  EXPECT_THAT(Briefs(Audit(b.in)),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kRoleLevelRule, Severity::kError, {Roles(r1), Orgs(106), People(x.s)}},
                  {rules::kRoleLevelRule, Severity::kError, {Roles(r2), Orgs(104), People(x.a)}},
                  {rules::kRoleLevelRule, Severity::kError, {Roles(r3), Units(1), People(x.p)}},
                  {rules::kRoleLevelRule, Severity::kError, {Roles(r4), Units(51), People(x.r)}}}));
}

TEST(AuditRulesTest, IdCardsOnlyUnmaskedAndOnlyLive) {
  District x = CleanDistrict();
  Builder& b = x.b;
  const std::string number = IdCard("42010319750615321");
  b.person(x.a).id_card_number = number;
  // A deleted person's number is free to reuse; masked ones are not read.
  const int64_t gone = b.Person("离开", PartyStatus::kNone);
  b.person(gone).id_card_number = number;
  b.person(gone).deleted = true;
  b.person(x.q).id_card_number = MaskIdCardNumber(number);
  // Invalid in the ways GB 11643 and the birth date can be.
  b.person(x.c).id_card_number = "12345";
  std::string future = IdCard("42010320300101321");  // born in 2030
  b.person(x.e).id_card_number = future;
  const AuditReport report = Audit(b.in);
  EXPECT_THAT(Briefs(report), UnorderedElementsAreArray(std::vector<Brief>{
                                  {rules::kInvalidIdCard, Severity::kError, {People(x.c)}},
                                  {rules::kInvalidIdCard, Severity::kError, {People(x.e)}}}));
  for (const Finding& f : report.findings) EXPECT_FALSE(ContainsPersonalData(f.message));
}

TEST(AuditRulesTest, PeopleBelongByResidenceMembershipOrRole) {
  District x = CleanDistrict();
  Builder& b = x.b;
  // A member with no organisation, living in the other street: only its
  // audit reports him.
  const int64_t t = b.Person("唐宁", PartyStatus::kFull, MemberCategory::kRetired, 71);
  // A probationary member overdue, living nowhere, holding a role in street
  // 2: street 2 reports her.
  const int64_t u = b.Person("钱进", PartyStatus::kProbationary, MemberCategory::kRetired);
  b.person(u).admission = absl::CivilDay(2020, 1, 1);
  b.Member(u, 200);
  b.RoleAt(u, Role::kVolunteer, U(3));
  EXPECT_THAT(Briefs(Audit(b.in, 2)),
              ElementsAre(Brief{rules::kProbationOverdue, Severity::kWarning, {People(u)}}));
  EXPECT_THAT(Briefs(Audit(b.in, 20)),
              UnorderedElementsAreArray(std::vector<Brief>{
                  {rules::kMemberWithoutRelationship, Severity::kError, {People(t)}},
                  {rules::kProbationOverdue, Severity::kWarning, {People(u)}}}));
  EXPECT_THAT(Briefs(Audit(b.in, 4)), IsEmpty());
}

// A scoped auditor sees only the memberships in its scope: a member whose
// relationship sits elsewhere would look like one without any.
TEST(AuditRulesTest, AnIncompleteRosterSkipsTheRelationshipRules) {
  District x = CleanDistrict();
  for (const Violation& v : AllViolations()) v.plant(x);
  x.b.in.complete_roster = false;
  const AuditReport report = Audit(x.b.in);
  std::set<std::string> rules_found;
  for (const Finding& f : report.findings) rules_found.insert(f.rule);
  EXPECT_FALSE(rules_found.contains(rules::kMemberWithoutRelationship));
  EXPECT_FALSE(rules_found.contains(rules::kMemberWithTwoRelationships));
  EXPECT_TRUE(rules_found.contains(rules::kCompoundNotCovered));
  x.b.in.complete_roster = true;
  std::set<std::string> all;
  for (const Finding& f : Audit(x.b.in).findings) all.insert(f.rule);
  EXPECT_TRUE(all.contains(rules::kMemberWithoutRelationship));
}

TEST(AuditRulesTest, FindingsAreSorted) {
  District x = CleanDistrict();
  Builder& b = x.b;
  for (int64_t id : {19, 8, 110}) b.Compound(id, 3, absl::StrCat("小区", id), true, true, false);
  b.person(x.d).admission = absl::CivilDay(2020, 1, 1);
  for (int i = 0; i < 48; ++i) b.Full(absl::StrCat("民族党员", i), 202, MemberCategory::kRetired);
  b.RoleAt(x.o, Role::kCommitteeMember, O(202));
  const AuditReport report = Audit(b.in);
  std::vector<std::string> keys;
  for (const Finding& f : report.findings) keys.push_back(f.Key());
  // Resource names compare as text.
  EXPECT_THAT(keys, ElementsAre("compound-not-covered units/110", "compound-not-covered units/19",
                                "compound-not-covered units/8", "branch-large-enough partyOrgs/202",
                                absl::StrCat("probation-overdue ", People(x.d))));
}

// --- The demo district: what it plants is what the audit finds.

// The demo refers by index; loaded, ids are index + 1 in each collection.
AuditInput InputFromDemo(const DemoDistrict& demo, absl::CivilDay today) {
  AuditInput in;
  in.root_unit_id = 1;
  in.today = today;
  for (size_t i = 0; i < demo.units.size(); ++i) {
    const DemoUnit& u = demo.units[i];
    AuditUnit unit;
    unit.id = static_cast<int64_t>(i) + 1;
    unit.parent_id = u.parent + 1;
    unit.level = u.level;
    unit.display_name = u.display_name;
    unit.kind = u.kind;
    unit.has_property_company = u.has_property_company;
    unit.red_property = u.red_property;
    if (u.level == Level::kCompound) {
      unit.property_mode = u.has_property_company ? org::PropertyMode::kCompany
                           : u.self_managed       ? org::PropertyMode::kSelfManaged
                                                  : org::PropertyMode::kNone;
    }
    unit.has_owners_committee = u.has_owners_committee;
    unit.red_owners_committee = u.red_owners_committee;
    in.units.push_back(std::move(unit));
  }
  for (size_t i = 0; i < demo.party_orgs.size(); ++i) {
    const DemoPartyOrg& o = demo.party_orgs[i];
    AuditPartyOrg org;
    org.id = static_cast<int64_t>(i) + 1;
    org.parent_id = o.parent + 1;
    org.form = o.form;
    org.display_name = o.display_name;
    for (int u : o.units) org.unit_ids.push_back(u + 1);
    org.established = o.established;
    org.created = o.established;
    org.term.start = o.term_start;
    in.party_orgs.push_back(std::move(org));
  }
  int64_t next_role = 1;
  for (size_t i = 0; i < demo.people.size(); ++i) {
    const DemoPerson& p = demo.people[i];
    AuditPerson person;
    person.id = static_cast<int64_t>(i) + 1;
    person.display_name = p.display_name;
    person.party_status = p.party_status;
    person.category = p.category;
    person.admission = p.admission;
    person.id_card_number = p.id_card_number;
    person.residence_building_id = p.residence_building + 1;
    if (p.party_org >= 0) {
      in.memberships.push_back(
          {person.id, p.party_org + 1, p.membership_start.value_or(today), {}, true});
    }
    if (p.registered_community >= 0) {
      in.registrations.push_back({.person_id = person.id,
                                  .community_id = p.registered_community + 1,
                                  .compound_id = p.registered_compound + 1,
                                  .post = p.registration_post,
                                  .has_duty_zone = !p.duty_zone.empty(),
                                  .current = true});
    }
    for (const DemoRole& r : p.roles) {
      in.roles.push_back({next_role++,
                          person.id,
                          r.role,
                          r.at_party_org ? O(r.place + 1) : U(r.place + 1),
                          r.start,
                          {},
                          r.start <= today});
    }
    in.people.push_back(std::move(person));
  }
  return in;
}

// (rule, resources) of what the demo planted, as the audit names them.
std::set<std::pair<std::string, std::vector<std::string>>> Planted(const DemoDistrict& demo) {
  std::set<std::pair<std::string, std::vector<std::string>>> out;
  for (const PlantedViolation& v : demo.violations) {
    std::vector<std::string> resources;
    for (int u : v.units) resources.push_back(Units(u + 1));
    for (int o : v.party_orgs) resources.push_back(Orgs(o + 1));
    for (int p : v.people) resources.push_back(People(p + 1));
    out.emplace(v.rule, std::move(resources));
  }
  return out;
}

std::set<std::pair<std::string, std::vector<std::string>>> Found(const AuditReport& report) {
  std::set<std::pair<std::string, std::vector<std::string>>> out;
  for (const Finding& f : report.findings) out.emplace(f.rule, f.resources);
  return out;
}

void ExpectDemoFigures(const AuditReport& report, const DemoFigures& figures) {
  EXPECT_EQ(static_cast<int64_t>(report.streets.size()), figures.streets);
  EXPECT_EQ(static_cast<int64_t>(report.communities.size()), figures.communities);
  const Coverage& t = report.totals;
  EXPECT_EQ(t.communities, figures.communities);
  EXPECT_EQ(t.compounds, figures.compounds);
  EXPECT_EQ(t.urban_villages, figures.urban_villages);
  EXPECT_EQ(t.compound_level_units_covered, figures.compounds_covered + figures.urban_villages);
  EXPECT_EQ(t.branches, figures.compound_branches);
  EXPECT_EQ(t.village_branches, figures.village_branches);
  EXPECT_EQ(t.first_secretaries, figures.first_secretaries);
  EXPECT_EQ(t.branches_with_first_secretary, figures.first_secretaries);
  EXPECT_EQ(t.compounds_with_property, figures.compounds_with_property);
  EXPECT_EQ(t.compounds_with_red_property, figures.compounds_with_red_property);
  EXPECT_EQ(t.compounds_with_owners_committee, figures.compounds_with_owners_committee);
  EXPECT_EQ(t.compounds_with_red_owners_committee, figures.compounds_with_red_owners_committee);
  EXPECT_EQ(t.work_team_targets, figures.work_team_targets);
  EXPECT_EQ(t.work_teams, figures.work_teams);
  EXPECT_EQ(t.work_team_targets_with_team, figures.work_teams);
  EXPECT_EQ(t.work_team_cadres, figures.work_team_members);
  EXPECT_EQ(t.buildings, figures.buildings);
  EXPECT_EQ(t.buildings_with_party_group, figures.buildings_with_party_group);
  EXPECT_EQ(t.buildings_with_lead, figures.buildings_with_lead);
  EXPECT_EQ(t.in_service_residents, figures.in_service_residents);
  EXPECT_EQ(t.in_service_residents_registered, figures.in_service_registered);
  EXPECT_EQ(t.registered_in_service, figures.in_service_registered);
  EXPECT_EQ(t.registered_with_post, figures.registered_with_post);
  EXPECT_EQ(t.communities_one_shoulder, figures.communities_one_shoulder);
  // The rows add up to the totals.
  Coverage streets, communities;
  for (const Coverage& row : report.streets) {
    streets.compounds += row.compounds;
    streets.buildings += row.buildings;
    streets.cross_appointments += row.cross_appointments;
  }
  for (const Coverage& row : report.communities) {
    communities.compounds += row.compounds;
    communities.buildings += row.buildings;
  }
  EXPECT_EQ(streets.compounds, t.compounds);
  EXPECT_EQ(streets.buildings, t.buildings);
  EXPECT_EQ(streets.cross_appointments, t.cross_appointments);
  EXPECT_EQ(communities.compounds, t.compounds);
  EXPECT_EQ(communities.buildings, t.buildings);
}

TEST(AuditRulesDemoTest, FindsExactlyWhatTheDemoPlanted) {
  DemoOptions options;
  options.scale = 0.1;
  options.plant_violations = true;
  const DemoDistrict demo = GenerateDemoDistrict(options);
  ASSERT_FALSE(demo.violations.empty());
  const AuditReport report = Audit(InputFromDemo(demo, options.today));
  EXPECT_EQ(Found(report), Planted(demo));
  ExpectDemoFigures(report, demo.figures);
  EXPECT_GT(report.totals.cross_appointments, 0);
  EXPECT_GT(report.totals.in_service_residents, 0);
}

// The demo's year of issues, as the loader would import them at `load` (the
// service's issues numbered by index + 1), audited a minute later: exactly
// the planted stuck issues and dispatches, and the figures generated.
TEST(AuditRulesDemoTest, CaseworkIsWhatTheDemoGenerated) {
  DemoOptions options;
  options.scale = 0.1;
  const DemoDistrict demo = GenerateDemoDistrict(options);
  AuditInput in = InputFromDemo(demo, options.today);
  const absl::Time load =
      absl::FromCivil(absl::CivilSecond(2026, 11, 23, 2, 0, 0), absl::UTCTimeZone());
  in.audit_time = load + absl::Minutes(1);
  // Handling units: up from the place to the unit at the level.
  const auto unit_at = [&](int place, casework::HandlingLevel level) {
    const org::Level wanted = level == casework::HandlingLevel::kCompound    ? Level::kCompound
                              : level == casework::HandlingLevel::kCommunity ? Level::kCommunity
                              : level == casework::HandlingLevel::kStreet    ? Level::kStreet
                                                                             : Level::kDistrict;
    int u = place;
    while (u >= 0 && demo.units[u].level != wanted) u = demo.units[u].parent;
    return u + 1;
  };
  std::set<std::pair<std::string, std::vector<std::string>>> planted;
  for (size_t i = 0; i < demo.issues.size(); ++i) {
    const demo::DemoIssue& d = demo.issues[i];
    const int64_t id = static_cast<int64_t>(i) + 1;
    AuditIssue issue{.id = id,
                     .place_id = d.place + 1,
                     .handling_unit_id = unit_at(d.place, d.level),
                     .handling_level = d.level,
                     .category = d.category,
                     .state = d.state,
                     .satisfaction = d.satisfaction,
                     .create_time = load - d.created_ago};
    if (d.resolved_ago) issue.resolve_time = load - *d.resolved_ago;
    if (d.closed_ago) issue.close_time = load - *d.closed_ago;
    if (casework::IsOpen(d.state)) issue.due_time = load + d.due_in;
    in.issues.push_back(issue);
    for (size_t k = 0; k < d.dispatches.size(); ++k) {
      in.dispatches.push_back({.issue_id = id,
                               .id = static_cast<int64_t>(k) + 1,
                               .summoning_unit_id = issue.handling_unit_id,
                               .department = d.dispatches[k].department_name,
                               .state = d.dispatches[k].state,
                               .due_time = load + d.dispatches[k].due_in});
    }
  }
  for (int i : demo.overdue_issues) {
    planted.emplace(
        rules::kIssueOverdue,
        std::vector<std::string>{casework::IssueName(i + 1), Units(in.issues[i].handling_unit_id)});
  }
  for (const auto& [i, k] : demo.unacknowledged_dispatches) {
    planted.emplace(
        rules::kDispatchNotAcknowledged,
        std::vector<std::string>{casework::DispatchName(i + 1, k + 1), casework::IssueName(i + 1),
                                 Units(in.issues[i].handling_unit_id)});
  }
  EXPECT_EQ(planted.size(),
            static_cast<size_t>(demo::kDemoOverdueIssues + demo::kDemoUnacknowledgedDispatches));
  const AuditReport report = Audit(in);
  std::set<std::pair<std::string, std::vector<std::string>>> found;
  for (const Finding& f : report.findings) {
    if (f.rule == rules::kIssueOverdue || f.rule == rules::kDispatchNotAcknowledged) {
      found.emplace(f.rule, f.resources);
    }
  }
  EXPECT_EQ(found, planted);
  const demo::DemoCaseworkFigures& f = demo.casework;
  const Coverage& t = report.totals;
  EXPECT_EQ(t.issues_opened, f.issues);
  EXPECT_EQ(t.issues_closed, f.closed);
  EXPECT_EQ(t.issues_resolved, f.resolved);
  EXPECT_EQ(t.issues_resolved_in_community, f.resolved_in_community);
  EXPECT_EQ(t.issues_resolved_in_street, f.resolved_in_street);
  EXPECT_EQ(t.issues_resolved_ever, f.resolved_ever);
  EXPECT_EQ(t.issues_reopened, f.reopened);
  EXPECT_EQ(t.issues_open, f.open);
  EXPECT_EQ(t.issues_open_overdue, f.open_overdue);
  for (size_t level = 0; level < 4; ++level) {
    const std::vector<absl::Duration>& times = f.resolve_times[level];
    ASSERT_FALSE(times.empty());
    EXPECT_EQ(t.resolve_times[level].resolved, static_cast<int64_t>(times.size()));
    EXPECT_EQ(t.resolve_times[level].median, times[(times.size() + 1) / 2 - 1]);
    EXPECT_EQ(t.resolve_times[level].p90, times[(times.size() * 9 + 9) / 10 - 1]);
  }
  // All in the first street.
  EXPECT_EQ(report.streets[0].issues_opened, f.issues);
}

// The Tianyuan-sized district: the audit's figures are the ones the articles
// report (DOMAIN.md): 309 compounds and 22 urban villages besides, 211
// compound branches, 208 first secretaries (people, one a branch), 95 work
// teams of 415 cadres at compounds without a property company, resettlement
// compounds and urban villages, about 67% of compounds with a property
// company.
TEST(AuditRulesDemoTest, TheTianyuanDistrictReportsItsFigures) {
  DemoOptions options;
  options.scale = 1;
  const DemoDistrict demo = GenerateDemoDistrict(options);
  const AuditReport report = Audit(InputFromDemo(demo, options.today));
  EXPECT_EQ(Found(report), Planted(demo));
  ExpectDemoFigures(report, demo.figures);
  const Coverage& t = report.totals;
  EXPECT_EQ(t.compounds, 309);
  EXPECT_EQ(t.urban_villages, 22);
  EXPECT_EQ(t.rural_areas, 0);
  EXPECT_EQ(t.branches, 211);
  EXPECT_EQ(t.first_secretaries, 208);
  EXPECT_EQ(t.branches_with_first_secretary, 208);
  EXPECT_EQ(t.work_teams, 95);
  EXPECT_EQ(t.work_team_cadres, 415);
  EXPECT_EQ(t.compounds_with_property, 207);       // 67.0%
  EXPECT_EQ(t.compound_level_units_covered, 330);  // one planted uncovered compound
  EXPECT_EQ(t.compound_level_units, 331);
}

// Zhangping (seed 003): 221 compound party organisations, 465 party groups,
// red owners committees 90.16% of those with an owners committee, red
// property 100%, 78 cross-appointments, 500-odd registered with posts.
TEST(AuditRulesDemoTest, TheZhangpingProfileReportsItsFigures) {
  DemoOptions options;
  options.profile = demo::DemoProfile::kZhangping;
  const DemoDistrict demo = GenerateDemoDistrict(options);
  const AuditReport report = Audit(InputFromDemo(demo, options.today));
  EXPECT_EQ(Found(report), Planted(demo));
  ExpectDemoFigures(report, demo.figures);
  const Coverage& t = report.totals;
  EXPECT_EQ(t.branches, 221);
  EXPECT_EQ(t.buildings_with_party_group, 465);
  EXPECT_EQ(t.compounds_with_owners_committee, 61);
  EXPECT_EQ(t.compounds_with_red_owners_committee, 55);
  EXPECT_EQ(t.compounds_with_red_property, t.compounds_with_property);
  EXPECT_EQ(t.cross_appointments, 78);
  EXPECT_EQ(t.registered_with_post, 520);
}

TEST(AuditRulesDemoTest, ACleanDemoHasNoFindings) {
  DemoOptions options;
  options.scale = 0.3;
  options.plant_violations = false;
  const DemoDistrict demo = GenerateDemoDistrict(options);
  const AuditReport report = Audit(InputFromDemo(demo, options.today));
  EXPECT_THAT(Briefs(report), IsEmpty());
  ExpectDemoFigures(report, demo.figures);
}

// --- Scale: hash maps, no quadratic loops.

// A synthetic city: `compounds` compounds of 10 buildings, each with a
// branch; a quarter of the residents are in-service members registered where
// they live, and everyone holds two roles.
AuditInput SyntheticCity(int64_t compounds, int64_t people_per_compound) {
  AuditInput in;
  in.root_unit_id = 1;
  in.today = kToday;
  int64_t next_unit = 1, next_org = 1, next_person = 1, next_role = 1;
  auto unit = [&](int64_t parent, Level level) {
    AuditUnit u;
    u.id = next_unit++;
    u.parent_id = parent;
    u.level = level;
    u.display_name = "单位";
    in.units.push_back(std::move(u));
    return in.units.back().id;
  };
  const int64_t district = unit(0, Level::kDistrict);
  int64_t street = 0, community = 0;
  for (int64_t c = 0; c < compounds; ++c) {
    if (c % 1000 == 0) street = unit(district, Level::kStreet);
    if (c % 50 == 0) community = unit(street, Level::kCommunity);
    const int64_t compound = unit(community, Level::kCompound);
    // A third self-managed, the rest with a red property company.
    in.units.back().has_property_company = c % 3 != 0;
    in.units.back().red_property = c % 3 != 0;
    if (c % 3 == 0) in.units.back().property_mode = org::PropertyMode::kSelfManaged;
    AuditPartyOrg branch;
    branch.id = next_org++;
    branch.form = OrgForm::kBranch;
    branch.display_name = "党支部";
    branch.unit_ids = {compound};
    branch.created = absl::CivilDay(2020, 1, 1);
    in.party_orgs.push_back(std::move(branch));
    const int64_t org = in.party_orgs.back().id;
    std::vector<int64_t> buildings;
    for (int k = 0; k < 10; ++k) buildings.push_back(unit(compound, Level::kBuilding));
    for (int64_t p = 0; p < people_per_compound; ++p) {
      AuditPerson person;
      person.id = next_person++;
      person.display_name = "居民";
      person.residence_building_id = buildings[p % buildings.size()];
      // Unique valid numbers: a birth day and a sequence number from the id.
      const absl::CivilDay born = absl::CivilDay(1950, 1, 1) + person.id % 18000;
      person.id_card_number = IdCard(absl::StrCat(
          "110105", absl::FormatCivilTime(born).substr(0, 4),
          absl::FormatCivilTime(born).substr(5, 2), absl::FormatCivilTime(born).substr(8, 2),
          absl::Dec(person.id / 18000, absl::kZeroPad3)));
      const bool member = p % 4 == 0;
      person.party_status = member ? PartyStatus::kFull : PartyStatus::kNone;
      if (member) {
        person.category = MemberCategory::kInService;
        in.memberships.push_back({person.id, org, absl::CivilDay(2010, 1, 1), {}, true});
        in.registrations.push_back(
            {.person_id = person.id, .community_id = community, .current = true});
      }
      // The first ten lead the buildings they live in; the members among
      // them (0, 4, 8) make the branch committee.
      const bool lead = p < static_cast<int64_t>(buildings.size());
      in.roles.push_back({next_role++,
                          person.id,
                          lead ? Role::kBuildingLead : Role::kVolunteer,
                          U(buildings[p % buildings.size()]),
                          absl::CivilDay(2020, 1, 1),
                          {},
                          true});
      const bool committee = p == 0 || p == 4 || p == 8;
      in.roles.push_back(
          {next_role++,
           person.id,
           committee ? (p == 0 ? Role::kSecretary : Role::kCommitteeMember) : Role::kVolunteer,
           committee ? O(org) : U(compound),
           absl::CivilDay(2020, 1, 1),
           {},
           true});
      in.people.push_back(std::move(person));
    }
  }
  return in;
}

TEST(AuditRulesTest, ATownIsQuick) {
  const AuditInput in = SyntheticCity(2000, 48);  // ~10^5 people, 2×10^5 roles
  const auto start = std::chrono::steady_clock::now();
  const AuditReport report = Audit(in);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_EQ(report.totals.compounds, 2000);
  EXPECT_EQ(report.totals.in_service_residents, 2000 * 12);
  EXPECT_EQ(report.totals.in_service_residents_registered, 2000 * 12);
  EXPECT_EQ(report.totals.buildings_with_lead, 2000 * 10);
  EXPECT_EQ(report.streets.size(), 2u);
  EXPECT_EQ(report.communities.size(), 40u);
  EXPECT_LT(seconds, 5.0);  // about 0.1 s; generous for sanitizers
}

// A city of 10^6 people and 2×10^6 roles; run with
// --gtest_also_run_disabled_tests to see the time.
TEST(AuditRulesTest, DISABLED_ACityInAFewSeconds) {
  const AuditInput in = SyntheticCity(20000, 50);  // 10^6 people, 2×10^6 roles
  const auto start = std::chrono::steady_clock::now();
  const AuditReport report = Audit(in);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "audit of " << in.people.size() << " people, " << in.roles.size() << " roles, "
            << in.units.size() << " units: " << seconds << " s\n";
  EXPECT_THAT(Briefs(report), IsEmpty());
  EXPECT_LT(seconds, 10.0);
}

}  // namespace
}  // namespace grassroots::audit
