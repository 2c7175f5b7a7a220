#include "demo/demo_district.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "audit/audit_rules.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "common/personal_data.h"
#include "gtest/gtest.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/person.h"
#include "roster_service/role.h"

namespace grassroots::demo {
namespace {

namespace rules = ::grassroots::audit::rules;

using org::CompoundKind;
using org::Level;
using org::OrgForm;
using roster::MemberCategory;
using roster::PartyStatus;
using roster::Role;

const absl::CivilDay kToday(2026, 11, 23);

DemoDistrict Generate(double scale, bool plant) {
  DemoOptions options;
  options.scale = scale;
  options.plant_violations = plant;
  options.today = kToday;
  return GenerateDemoDistrict(options);
}

// Everything generated, as text: two districts are equal when their dumps are.
std::string Dump(const DemoDistrict& d) {
  std::string out;
  for (const DemoUnit& u : d.units) {
    absl::StrAppend(&out, "U", u.parent, ",", static_cast<int>(u.level), ",", u.display_name, ",",
                    u.code, ",", static_cast<int>(u.kind), u.has_property_company, u.red_property,
                    u.has_owners_committee, u.red_owners_committee, ",", u.households, ",",
                    u.floors, "\n");
  }
  for (const DemoPartyOrg& o : d.party_orgs) {
    absl::StrAppend(&out, "O", o.parent, ",", static_cast<int>(o.form), ",", o.display_name, ",",
                    absl::StrJoin(o.units, " "), ",", absl::FormatCivilTime(o.established), "\n");
  }
  for (const DemoPerson& p : d.people) {
    absl::StrAppend(&out, "P", p.external_key, ",", p.display_name, ",", static_cast<int>(p.gender),
                    ",", absl::FormatCivilTime(p.birth_date), ",", p.id_card_number, ",", p.phone,
                    ",", p.residence_building, ",", p.residence_room, ",",
                    static_cast<int>(p.party_status), ",",
                    p.admission ? absl::FormatCivilTime(*p.admission) : "-", ",",
                    static_cast<int>(p.category), ",", p.party_org, ",",
                    p.membership_start ? absl::FormatCivilTime(*p.membership_start) : "-");
    for (const DemoRole& r : p.roles) {
      absl::StrAppend(&out, ";", static_cast<int>(r.role), r.at_party_org, ",", r.place, ",",
                      absl::FormatCivilTime(r.start));
    }
    absl::StrAppend(&out, "\n");
  }
  for (const PlantedViolation& v : d.violations) {
    absl::StrAppend(&out, "V", v.rule, ",", absl::StrJoin(v.units, " "), ",",
                    absl::StrJoin(v.party_orgs, " "), ",", absl::StrJoin(v.people, " "), "\n");
  }
  const DemoFigures& f = d.figures;
  absl::StrAppend(&out, "F", f.streets, ",", f.communities, ",", f.compounds, ",", f.urban_villages,
                  ",", f.compounds_with_property, ",", f.compounds_with_red_property, ",",
                  f.compounds_with_red_owners_committee, ",", f.compound_branches, ",",
                  f.joint_branches, ",", f.compounds_covered, ",", f.first_secretaries, ",",
                  f.work_teams, ",", f.work_team_members, ",", f.buildings, ",",
                  f.buildings_with_party_group, ",", f.buildings_with_lead, ",", f.people, ",",
                  f.party_members, "\n");
  return out;
}

bool IsCompoundOrg(OrgForm form) {
  return form == OrgForm::kBranch || form == OrgForm::kJointBranch ||
         form == OrgForm::kGeneralBranch;
}

roster::PlaceFacts FactsOf(const DemoDistrict& d, const DemoRole& r) {
  roster::PlaceFacts facts;
  facts.place.kind = r.at_party_org ? roster::Place::Kind::kPartyOrg : roster::Place::Kind::kUnit;
  facts.place.id = r.place + 1;
  if (r.at_party_org) {
    facts.form = d.party_orgs[r.place].form;
  } else {
    facts.level = d.units[r.place].level;
  }
  return facts;
}

roster::Person ToPerson(const DemoPerson& p) {
  roster::Person person;
  person.display_name = p.display_name;
  person.gender = p.gender;
  person.birth_date = p.birth_date;
  person.id_card_number = p.id_card_number;
  person.phone = p.phone;
  person.residence_building_id = p.residence_building + 1;
  person.residence_room = p.residence_room;
  person.party_status = p.party_status;
  person.admission_date = p.admission;
  person.member_category = p.category;
  person.external_key = p.external_key;
  return person;
}

// What the audit would find of the planted rules, recomputed here from the
// data, with each rule applied as broadly as its wording allows (too-small
// and without-committee to every organisation but a group, large-enough to
// general branches too), so that the planted set holds whichever way the
// rules read. Keys: rule and the indices of the finding's first resource.
using FindingKey = std::pair<std::string, int>;

// First secretaries and work-team cadres are seconded: their relationship
// stays with their agency, outside the district.
bool Seconded(const DemoPerson& p) {
  return std::any_of(p.roles.begin(), p.roles.end(), [](const DemoRole& r) {
    return r.role == Role::kFirstSecretary || r.role == Role::kWorkTeamMember ||
           r.role == Role::kWorkTeamLeader;
  });
}

std::set<FindingKey> MiniAudit(const DemoDistrict& d) {
  std::set<FindingKey> found;
  const size_t n_orgs = d.party_orgs.size();
  std::vector<int> full(n_orgs, 0), members(n_orgs, 0), secretaries(n_orgs, 0),
      committee(n_orgs, 0);
  for (size_t i = 0; i < d.people.size(); ++i) {
    const DemoPerson& p = d.people[i];
    if (roster::IsPartyMember(p.party_status)) {
      if (p.party_org < 0 && !Seconded(p)) {
        found.insert({rules::kMemberWithoutRelationship, static_cast<int>(i)});
      }
      if (roster::ProbationIsOverdue(ToPerson(p), kToday)) {
        found.insert({rules::kProbationOverdue, static_cast<int>(i)});
      }
    }
    if (p.party_org >= 0) {
      ++members[p.party_org];
      if (p.party_status == PartyStatus::kFull) ++full[p.party_org];
    }
    for (const DemoRole& r : p.roles) {
      if (!r.at_party_org) continue;
      if (r.role == Role::kSecretary) ++secretaries[r.place];
      if (r.role == Role::kCommitteeMember) ++committee[r.place];
    }
  }
  std::vector<bool> covered(d.units.size(), false);
  for (size_t o = 0; o < n_orgs; ++o) {
    const OrgForm form = d.party_orgs[o].form;
    if (IsCompoundOrg(form)) {
      for (int u : d.party_orgs[o].units) covered[u] = true;
    }
    if (form == OrgForm::kPartyGroup) continue;
    const int i = static_cast<int>(o);
    if (secretaries[o] == 0) found.insert({rules::kNoSecretary, i});
    if (full[o] < 3) found.insert({rules::kBranchTooSmall, i});
    if (full[o] >= 7 && committee[o] == 0) found.insert({rules::kBranchWithoutCommittee, i});
    if (IsCompoundOrg(form) && members[o] >= 50) found.insert({rules::kBranchLargeEnough, i});
  }
  for (size_t u = 0; u < d.units.size(); ++u) {
    if (d.units[u].level == Level::kCompound && !covered[u]) {
      found.insert({rules::kCompoundNotCovered, static_cast<int>(u)});
    }
  }
  return found;
}

std::set<FindingKey> PlantedKeys(const DemoDistrict& d) {
  std::set<FindingKey> keys;
  for (const PlantedViolation& v : d.violations) {
    EXPECT_EQ(v.units.size() + v.party_orgs.size() + v.people.size(), 1u) << v.rule;
    if (!v.units.empty()) keys.insert({v.rule, v.units[0]});
    if (!v.party_orgs.empty()) keys.insert({v.rule, v.party_orgs[0]});
    if (!v.people.empty()) keys.insert({v.rule, v.people[0]});
  }
  return keys;
}

// --- Checks over every scale, with and without planted violations.

class DemoDistrictTest : public ::testing::TestWithParam<std::tuple<double, bool>> {
 protected:
  static const DemoDistrict& District() {
    static auto* cache = new std::map<std::tuple<double, bool>, DemoDistrict>();
    auto it = cache->find(GetParam());
    if (it == cache->end()) {
      it = cache->emplace(GetParam(), Generate(std::get<0>(GetParam()), std::get<1>(GetParam())))
               .first;
    }
    return it->second;
  }
  static bool Planted() { return std::get<1>(GetParam()); }
};

TEST_P(DemoDistrictTest, UnitsAreValidAndParentsComeFirst) {
  const DemoDistrict& d = District();
  ASSERT_FALSE(d.units.empty());
  EXPECT_EQ(d.units[0].level, Level::kDistrict);
  EXPECT_EQ(d.units[0].parent, -1);
  EXPECT_EQ(d.units[0].code, "430211");
  std::set<std::pair<int, std::string>> codes;
  for (size_t i = 0; i < d.units.size(); ++i) {
    const DemoUnit& u = d.units[i];
    if (i > 0) {
      ASSERT_GE(u.parent, 0) << i;
      ASSERT_LT(u.parent, static_cast<int>(i)) << "unit " << i << " comes before its parent";
      ASSERT_TRUE(org::IsParentLevel(d.units[u.parent].level, u.level)) << i;
    }
    ASSERT_TRUE(codes.insert({u.parent, u.code}).second)
        << "code " << u.code << " twice under unit " << u.parent;
    org::Unit unit;
    unit.id = static_cast<int64_t>(i) + 1;
    unit.parent_id = u.parent + 1;
    unit.level = u.level;
    unit.display_name = u.display_name;
    unit.code = u.code;
    if (u.level == Level::kCompound) {
      EXPECT_NE(u.kind, CompoundKind::kUnspecified) << i;
      EXPECT_GT(u.households, 0) << i;
      unit.details = org::CompoundDetails{u.kind,
                                          u.has_property_company,
                                          u.red_property,
                                          u.has_owners_committee,
                                          u.red_owners_committee,
                                          u.households};
    } else if (u.level == Level::kBuilding) {
      EXPECT_GT(u.floors, 0) << i;
      org::BuildingDetails details;
      details.floors = u.floors;
      unit.details = details;
    }
    const absl::Status status = org::ValidateNewUnit(unit, "unit.");
    ASSERT_TRUE(status.ok()) << i << ": " << status;
  }
}

TEST_P(DemoDistrictTest, PartyOrgsAreValidAndPlacedInTheHierarchy) {
  const DemoDistrict& d = District();
  // The organisation of each unit at each tier, to find parents.
  std::vector<std::array<int, 5>> by_tier(d.units.size(), {-1, -1, -1, -1, -1});
  for (size_t i = 0; i < d.party_orgs.size(); ++i) {
    const DemoPartyOrg& o = d.party_orgs[i];
    org::PartyOrg po;
    po.id = static_cast<int64_t>(i) + 1;
    po.parent_id = o.parent + 1;
    po.form = o.form;
    po.display_name = o.display_name;
    for (int u : o.units) po.unit_ids.push_back(u + 1);
    po.established_date = o.established;
    const absl::Status status = org::ValidatePartyOrgFields(po, "party_org.");
    ASSERT_TRUE(status.ok()) << i << ": " << status;
    EXPECT_LE(o.established, kToday);
    const org::CoverageRule& rule = org::CoverageRuleFor(o.form);
    for (int u : o.units) {
      ASSERT_GE(u, 0);
      ASSERT_LT(u, static_cast<int>(d.units.size()));
      ASSERT_NE(std::find(rule.levels.begin(), rule.levels.end(), d.units[u].level),
                rule.levels.end())
          << o.display_name;
      if (rule.same_parent) {
        ASSERT_EQ(d.units[u].parent, d.units[o.units[0]].parent);
      }
      int& slot = by_tier[u][org::CoverageTier(o.form)];
      ASSERT_EQ(slot, -1) << "unit " << u << " covered twice at one tier";
      slot = static_cast<int>(i);
    }
    if (o.parent >= 0) {
      ASSERT_LT(o.parent, static_cast<int>(i)) << "organisation " << i << " before its parent";
      ASSERT_LT(org::FormRank(d.party_orgs[o.parent].form), org::FormRank(o.form));
    }
    // The parent is the organisation of the unit above.
    const int unit = o.units[0];
    const int above = d.units[unit].parent;
    switch (o.form) {
      case OrgForm::kWorkingCommittee:
        EXPECT_EQ(o.parent, -1);
        EXPECT_EQ(d.units[unit].level, Level::kStreet);
        break;
      case OrgForm::kPartyCommittee:
        EXPECT_EQ(d.units[unit].level, Level::kCommunity);
        EXPECT_EQ(o.parent, by_tier[above][0]);
        break;
      case OrgForm::kBranch:
      case OrgForm::kJointBranch:
      case OrgForm::kGeneralBranch:
        EXPECT_EQ(o.parent, by_tier[above][1]) << o.display_name;
        break;
      case OrgForm::kPartyGroup: {
        ASSERT_EQ(o.units.size(), 1u);
        const int branch = std::max(by_tier[above][2], by_tier[above][3]);
        EXPECT_EQ(o.parent, branch) << o.display_name;
        break;
      }
      default:
        ADD_FAILURE() << "unexpected form in " << o.display_name;
    }
  }
  // Every street has its working committee, every community its committee.
  for (size_t u = 0; u < d.units.size(); ++u) {
    if (d.units[u].level == Level::kStreet) {
      EXPECT_GE(by_tier[u][0], 0) << u;
    }
    if (d.units[u].level == Level::kCommunity) {
      EXPECT_GE(by_tier[u][1], 0) << u;
    }
  }
}

TEST_P(DemoDistrictTest, PeopleHaveValidUniquePersonalData) {
  const DemoDistrict& d = District();
  std::set<std::string> id_cards, phones, keys;
  for (size_t i = 0; i < d.people.size(); ++i) {
    const DemoPerson& p = d.people[i];
    ASSERT_EQ(p.external_key, absl::StrFormat("demo-%06d", i + 1));
    ASSERT_TRUE(keys.insert(p.external_key).second);
    const absl::StatusOr<IdCardFacts> facts = ParseIdCardNumber(p.id_card_number, "id", kToday);
    ASSERT_TRUE(facts.ok()) << p.external_key << ": " << facts.status();
    ASSERT_EQ(facts->birth_date, p.birth_date) << p.external_key;
    ASSERT_EQ(facts->gender == IdCardGender::kMale, p.gender == roster::Gender::kMale)
        << p.external_key;
    ASSERT_TRUE(id_cards.insert(p.id_card_number).second) << "ID card twice: " << p.external_key;
    ASSERT_TRUE(ValidateMobilePhone(p.phone, "phone").ok()) << p.external_key;
    ASSERT_EQ(p.phone.size(), 11u);
    ASSERT_TRUE(p.phone.starts_with("13") || p.phone.starts_with("15") || p.phone.starts_with("18"))
        << p.external_key;
    ASSERT_TRUE(phones.insert(p.phone).second) << "phone twice: " << p.external_key;
    // Name 2..3 characters (or 4 with a two-character surname).
    ASSERT_GE(p.display_name.size(), 6u);
    ASSERT_LE(p.display_name.size(), 12u);
    if (p.residence_building >= 0) {
      ASSERT_LT(p.residence_building, static_cast<int>(d.units.size()));
      ASSERT_EQ(d.units[p.residence_building].level, Level::kBuilding) << p.external_key;
      ASSERT_FALSE(p.residence_room.empty());
    } else {
      ASSERT_TRUE(p.residence_room.empty());
    }
    // What the roster service checks when the person is created.
    roster::Person person = ToPerson(p);
    const absl::Status status = roster::ValidateAndNormalizePerson(person, kToday, "person.");
    ASSERT_TRUE(status.ok()) << p.external_key << ": " << status;
    ASSERT_EQ(person.id_card_number, p.id_card_number);
    ASSERT_EQ(person.phone, p.phone);
  }
}

TEST_P(DemoDistrictTest, RolesAreHeldWhereTheyBelongByWhomTheyMust) {
  const DemoDistrict& d = District();
  std::set<std::tuple<int, bool, int>> single_holders;
  for (const DemoPerson& p : d.people) {
    for (const DemoRole& r : p.roles) {
      ASSERT_TRUE(roster::IsValidRole(r.role));
      ASSERT_GE(r.place, 0);
      ASSERT_LT(r.place, static_cast<int>(r.at_party_org ? d.party_orgs.size() : d.units.size()));
      const absl::Status status = roster::CheckRolePlace(r.role, FactsOf(d, r), "place");
      ASSERT_TRUE(status.ok()) << p.external_key << ": " << status;
      if (roster::RoleNeedsFullMember(r.role)) {
        ASSERT_EQ(p.party_status, PartyStatus::kFull)
            << p.external_key << " holds " << roster::RoleName(r.role);
      }
      if (roster::RoleIsSingleHolder(r.role)) {
        ASSERT_TRUE(
            single_holders.insert({static_cast<int>(r.role), r.at_party_org, r.place}).second)
            << "two holders of " << roster::RoleName(r.role) << " at " << r.place;
      }
      ASSERT_LE(r.start, kToday);
      ASSERT_GE(r.start.year(), 1900);
    }
  }
}

TEST_P(DemoDistrictTest, EveryMemberHasOneMembershipButThePlantedOne) {
  const DemoDistrict& d = District();
  std::set<int> without;
  for (const PlantedViolation& v : d.violations) {
    if (v.rule == rules::kMemberWithoutRelationship)
      without.insert(v.people.begin(), v.people.end());
  }
  EXPECT_EQ(without.size(), Planted() ? 1u : 0u);
  for (size_t i = 0; i < d.people.size(); ++i) {
    const DemoPerson& p = d.people[i];
    if (!roster::IsPartyMember(p.party_status)) {
      ASSERT_EQ(p.party_org, -1) << p.external_key;
      ASSERT_FALSE(p.membership_start.has_value());
      continue;
    }
    ASSERT_TRUE(p.admission.has_value());
    if (without.contains(static_cast<int>(i)) || Seconded(p)) {
      ASSERT_EQ(p.party_org, -1) << p.external_key;
      continue;
    }
    ASSERT_GE(p.party_org, 0) << p.external_key;
    ASSERT_LT(p.party_org, static_cast<int>(d.party_orgs.size()));
    ASSERT_NE(d.party_orgs[p.party_org].form, OrgForm::kPartyGroup) << p.external_key;
    ASSERT_TRUE(p.membership_start.has_value());
    ASSERT_GE(*p.membership_start, *p.admission) << p.external_key;
    ASSERT_GE(*p.membership_start, d.party_orgs[p.party_org].established);
    ASSERT_LE(*p.membership_start, kToday);
  }
}

TEST_P(DemoDistrictTest, FiguresAreCountedFromTheData) {
  const DemoDistrict& d = District();
  DemoFigures f;
  std::vector<bool> covered(d.units.size()), grouped(d.units.size()), first(d.units.size()),
      team(d.units.size()), lead(d.units.size());
  for (const DemoUnit& u : d.units) {
    f.streets += u.level == Level::kStreet;
    f.communities += u.level == Level::kCommunity;
    f.buildings += u.level == Level::kBuilding;
    if (u.level != Level::kCompound) continue;
    // Villages come in addition to the compounds.
    const bool village = u.kind == CompoundKind::kUrbanVillage;
    f.urban_villages += village;
    f.compounds += !village;
    if (!village) {
      f.compounds_with_property += u.has_property_company;
      f.compounds_with_red_property += u.red_property;
    }
    f.compounds_with_owners_committee += u.has_owners_committee;
    f.compounds_with_red_owners_committee += u.red_owners_committee;
    f.work_team_targets +=
        !u.has_property_company || village || u.kind == CompoundKind::kResettlement;
  }
  for (const DemoPartyOrg& o : d.party_orgs) {
    if (IsCompoundOrg(o.form)) {
      const bool village = d.units[o.units[0]].kind == CompoundKind::kUrbanVillage;
      ++(village ? f.village_branches : f.compound_branches);
      f.joint_branches += o.form == OrgForm::kJointBranch;
      for (int u : o.units) covered[u] = !village;
    }
    if (o.form == OrgForm::kPartyGroup) grouped[o.units[0]] = true;
  }
  for (const DemoPerson& p : d.people) {
    ++f.people;
    f.party_members += roster::IsPartyMember(p.party_status);
    if (p.category == MemberCategory::kInService && roster::IsPartyMember(p.party_status) &&
        p.residence_building >= 0) {
      ++f.in_service_residents;
      f.in_service_registered += p.registered_community >= 0;
    }
    f.registered_with_post += p.registered_community >= 0 &&
                              p.registration_post != roster::RegistrationPost::kUnspecified;
    for (const DemoRole& r : p.roles) {
      f.first_secretaries += r.role == Role::kFirstSecretary;
      if (r.role == Role::kWorkTeamMember || r.role == Role::kWorkTeamLeader) {
        ++f.work_team_members;
        team[r.place] = true;
      }
      if (r.role == Role::kBuildingLead) lead[r.place] = true;
    }
  }
  for (size_t u = 0; u < d.units.size(); ++u) {
    f.compounds_covered += covered[u];
    f.buildings_with_party_group += grouped[u];
    f.work_teams += team[u];
    f.buildings_with_lead += lead[u];
  }
  const DemoFigures& g = d.figures;
  EXPECT_EQ(g.streets, f.streets);
  EXPECT_EQ(g.communities, f.communities);
  EXPECT_EQ(g.compounds, f.compounds);
  EXPECT_EQ(g.urban_villages, f.urban_villages);
  EXPECT_EQ(g.compounds_with_property, f.compounds_with_property);
  EXPECT_EQ(g.compounds_with_red_property, f.compounds_with_red_property);
  EXPECT_EQ(g.compounds_with_owners_committee, f.compounds_with_owners_committee);
  EXPECT_EQ(g.compounds_with_red_owners_committee, f.compounds_with_red_owners_committee);
  EXPECT_EQ(g.work_team_targets, f.work_team_targets);
  EXPECT_EQ(g.village_branches, f.village_branches);
  EXPECT_EQ(g.in_service_residents, f.in_service_residents);
  EXPECT_EQ(g.in_service_registered, f.in_service_registered);
  EXPECT_EQ(g.registered_with_post, f.registered_with_post);
  EXPECT_EQ(g.compound_branches, f.compound_branches);
  EXPECT_EQ(g.joint_branches, f.joint_branches);
  EXPECT_EQ(g.compounds_covered, f.compounds_covered);
  EXPECT_EQ(g.first_secretaries, f.first_secretaries);
  EXPECT_EQ(g.work_teams, f.work_teams);
  EXPECT_EQ(g.work_team_members, f.work_team_members);
  EXPECT_EQ(g.buildings, f.buildings);
  EXPECT_EQ(g.buildings_with_party_group, f.buildings_with_party_group);
  EXPECT_EQ(g.buildings_with_lead, f.buildings_with_lead);
  EXPECT_EQ(g.people, f.people);
  EXPECT_EQ(g.party_members, f.party_members);

  // Shape, at every scale.
  EXPECT_EQ(g.compounds_covered, g.compounds - (Planted() ? 1 : 0));
  EXPECT_EQ(g.compounds_with_red_property, g.compounds_with_property);
  EXPECT_EQ(g.buildings_with_lead, g.buildings);
  EXPECT_EQ(g.in_service_registered, g.in_service_residents);
  EXPECT_EQ(g.village_branches, g.urban_villages);
  EXPECT_LE(g.first_secretaries, g.compound_branches);
  EXPECT_GT(g.buildings_with_party_group, g.compound_branches * 3 / 2);
  EXPECT_LT(g.buildings_with_party_group, g.compound_branches * 3);
  for (const DemoPerson& p : d.people) {
    if (p.party_status == PartyStatus::kProbationary && !Planted()) {
      EXPECT_FALSE(roster::ProbationIsOverdue(ToPerson(p), kToday)) << p.external_key;
    }
  }
}

TEST_P(DemoDistrictTest, PlantedViolationsAreExactlyWhatTheRulesFind) {
  const DemoDistrict& d = District();
  const std::set<FindingKey> planted = PlantedKeys(d);
  const std::set<FindingKey> found = MiniAudit(d);
  EXPECT_EQ(found, planted);
  if (!Planted()) {
    EXPECT_TRUE(d.violations.empty());
    return;
  }
  std::multiset<std::string> rule_ids;
  for (const PlantedViolation& v : d.violations) rule_ids.insert(v.rule);
  const std::multiset<std::string> expected = {
      rules::kCompoundNotCovered,     rules::kNoSecretary,       rules::kBranchTooSmall,
      rules::kBranchWithoutCommittee, rules::kBranchLargeEnough, rules::kMemberWithoutRelationship,
      rules::kProbationOverdue};
  EXPECT_EQ(rule_ids, expected);
  // The planted branches are single-compound branches, distinct.
  std::set<int> orgs;
  for (const PlantedViolation& v : d.violations) {
    for (int o : v.party_orgs) {
      EXPECT_EQ(d.party_orgs[o].form, OrgForm::kBranch);
      EXPECT_TRUE(orgs.insert(o).second);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Scales, DemoDistrictTest,
                         ::testing::Combine(::testing::Values(0.1, 1.0, 3.0), ::testing::Bool()),
                         [](const ::testing::TestParamInfo<std::tuple<double, bool>>& info) {
                           return absl::StrCat("Scale", std::get<0>(info.param) * 10, "Tenths",
                                               std::get<1>(info.param) ? "Planted" : "Clean");
                         });

// --- Tianyuan at scale 1.

TEST(DemoDistrictFiguresTest, Deterministic) {
  EXPECT_EQ(Dump(Generate(1, true)), Dump(Generate(1, true)));
  EXPECT_EQ(Dump(Generate(0.1, false)), Dump(Generate(0.1, false)));
  EXPECT_NE(Dump(Generate(1, true)), Dump(Generate(1, false)));
}

TEST(DemoDistrictFiguresTest, TianyuanFiguresAtScaleOne) {
  for (bool plant : {true, false}) {
    SCOPED_TRACE(plant ? "planted" : "clean");
    const DemoDistrict d = Generate(1, plant);
    const DemoFigures& f = d.figures;
    EXPECT_EQ(f.streets, 6);
    EXPECT_EQ(f.communities, 40);
    EXPECT_EQ(f.compounds, 309);
    EXPECT_EQ(f.urban_villages, 22);
    EXPECT_EQ(f.compound_branches, 211);
    EXPECT_EQ(f.village_branches, 22);
    EXPECT_EQ(f.compounds_covered, plant ? 308 : 309);
    EXPECT_EQ(f.first_secretaries, 208);  // people, one each at 208 of 211 branches
    EXPECT_EQ(f.work_teams, 95);
    EXPECT_EQ(f.work_team_members, 415);
    EXPECT_EQ(f.compounds_with_property, 207);  // 67.0%, Tianyuan "about 67%"
    EXPECT_EQ(f.compounds_with_red_property, 207);
    // Zhangping: red owners committees in 90.16% of compounds with an owners
    // committee.
    EXPECT_EQ(f.compounds_with_owners_committee, 309);
    EXPECT_EQ(f.compounds_with_red_owners_committee, 279);  // 90.29%, the nearest n/309
    EXPECT_GT(f.communities_one_shoulder, 20);
    EXPECT_LT(f.communities_one_shoulder, 40);
    // Zhangping: 465 party groups over 221 organisations, about 2 each.
    EXPECT_NEAR(static_cast<double>(f.buildings_with_party_group) / f.compound_branches, 2.1, 0.35);
    EXPECT_GT(f.joint_branches, 0);

    // Work teams only at compounds without a property company, resettlement
    // compounds and urban villages; each led by one leader; 70%+ party
    // members; seconded (no membership in the district) and living
    // elsewhere.
    int64_t cadres = 0, member_cadres = 0, leaders = 0;
    for (const DemoPerson& p : d.people) {
      for (const DemoRole& r : p.roles) {
        if (r.role != Role::kWorkTeamMember && r.role != Role::kWorkTeamLeader) continue;
        const DemoUnit& u = d.units[r.place];
        EXPECT_TRUE(!u.has_property_company || u.kind == CompoundKind::kResettlement ||
                    u.kind == CompoundKind::kUrbanVillage)
            << u.display_name;
        ++cadres;
        leaders += r.role == Role::kWorkTeamLeader;
        member_cadres += roster::IsPartyMember(p.party_status);
        EXPECT_EQ(p.party_org, -1) << p.external_key;
        EXPECT_EQ(p.residence_building, -1) << p.external_key;
      }
    }
    EXPECT_EQ(cadres, 415);
    EXPECT_EQ(leaders, 95);
    // Seconded from the district's agencies; compounds managed by its
    // property companies; every code a valid GB 32100 one.
    for (const DemoPerson& p : d.people) {
      for (const DemoRole& r : p.roles) {
        if (roster::RoleIsSeconded(r.role)) {
          ASSERT_GE(r.sending_org, 0) << p.external_key;
          EXPECT_EQ(d.external_orgs[r.sending_org].kind, org::ExternalOrgKind::kAgency);
        } else {
          EXPECT_EQ(r.sending_org, -1);
        }
      }
    }
    for (const DemoUnit& u : d.units) {
      if (!u.has_property_company) {
        EXPECT_EQ(u.property_company, -1);
        continue;
      }
      ASSERT_GE(u.property_company, 0) << u.display_name;
      EXPECT_EQ(d.external_orgs[u.property_company].kind, org::ExternalOrgKind::kPropertyCompany);
    }
    std::set<std::string> codes;
    for (const DemoExternalOrg& e : d.external_orgs) {
      EXPECT_TRUE(org::ValidateCreditCode(e.credit_code, "credit_code").ok()) << e.credit_code;
      EXPECT_TRUE(codes.insert(e.credit_code).second);
    }
    EXPECT_GE(member_cadres * 10, cadres * 7);

    // Some joint branches cover 2 or 3 compounds; a few general branches.
    int general = 0;
    for (const DemoPartyOrg& o : d.party_orgs) {
      if (o.form == OrgForm::kJointBranch) {
        EXPECT_GE(o.units.size(), 2u);
        EXPECT_LE(o.units.size(), 3u);
      }
      general += o.form == OrgForm::kGeneralBranch;
    }
    EXPECT_GE(general, 1);
    EXPECT_LE(general, 10);
  }
}

TEST(DemoDistrictFiguresTest, ZhangpingFiguresAtScaleOne) {
  for (bool plant : {true, false}) {
    SCOPED_TRACE(plant ? "planted" : "clean");
    DemoOptions options;
    options.profile = DemoProfile::kZhangping;
    options.plant_violations = plant;
    options.today = kToday;
    const DemoDistrict d = GenerateDemoDistrict(options);
    const DemoFigures& f = d.figures;
    EXPECT_EQ(d.units[0].display_name, "漳平市");
    EXPECT_EQ(f.streets, 2);
    EXPECT_EQ(f.communities, 15);
    EXPECT_EQ(f.compounds, 221);
    EXPECT_EQ(f.urban_villages, 0);
    EXPECT_EQ(f.compound_branches, 221);
    EXPECT_EQ(f.buildings_with_party_group, 465);
    EXPECT_EQ(f.compounds_with_owners_committee, 61);
    EXPECT_EQ(f.compounds_with_red_owners_committee, 55);
    EXPECT_EQ(f.compounds_with_red_property, f.compounds_with_property);
    EXPECT_EQ(f.registered_with_post, 520);
    EXPECT_EQ(f.first_secretaries, 0);
    EXPECT_EQ(f.work_teams, 0);
    // Cross-appointments: committee members of a compound's branch on its
    // owners committee, 78 people.
    std::set<int> committee_of_owners;
    for (size_t i = 0; i < d.people.size(); ++i) {
      const DemoPerson& p = d.people[i];
      std::set<int> branch_units, owners_units;
      for (const DemoRole& r : p.roles) {
        if (r.at_party_org &&
            (r.role == Role::kSecretary || r.role == Role::kDeputySecretary ||
             r.role == Role::kCommitteeMember) &&
            IsCompoundOrg(d.party_orgs[r.place].form)) {
          for (int u : d.party_orgs[r.place].units) branch_units.insert(u);
        }
        if (!r.at_party_org && r.role == Role::kOwnersCommitteeMember) owners_units.insert(r.place);
      }
      for (int u : owners_units) {
        if (branch_units.contains(u)) committee_of_owners.insert(static_cast<int>(i));
      }
    }
    EXPECT_EQ(committee_of_owners.size(), 78u);
    // Compounds without a property company manage themselves.
    for (const DemoUnit& u : d.units) {
      if (u.level == Level::kCompound) {
        EXPECT_NE(u.has_property_company, u.self_managed);
      }
    }
  }
}

// Both profiles load into one suite: their people share no ID-card number
// and no external key, their directories no credit code.
TEST(DemoDistrictFiguresTest, TheProfilesShareNoIdentity) {
  DemoOptions zhangping;
  zhangping.profile = DemoProfile::kZhangping;
  zhangping.today = kToday;
  const DemoDistrict a = Generate(1, true);
  const DemoDistrict b = GenerateDemoDistrict(zhangping);
  std::set<std::string> numbers, keys, codes;
  for (const DemoPerson& p : a.people) {
    numbers.insert(p.id_card_number);
    keys.insert(p.external_key);
  }
  for (const DemoExternalOrg& e : a.external_orgs) codes.insert(e.credit_code);
  for (const DemoPerson& p : b.people) {
    EXPECT_FALSE(numbers.contains(p.id_card_number)) << p.external_key;
    EXPECT_FALSE(keys.contains(p.external_key)) << p.external_key;
  }
  for (const DemoExternalOrg& e : b.external_orgs) EXPECT_FALSE(codes.contains(e.credit_code));
}

TEST(DemoDistrictFiguresTest, PeopleOfEveryKind) {
  const DemoDistrict d = Generate(1, true);
  std::set<MemberCategory> categories;
  int probationary = 0;
  std::set<Role> non_member_roles;
  for (const DemoPerson& p : d.people) {
    if (roster::IsPartyMember(p.party_status)) categories.insert(p.category);
    probationary += p.party_status == PartyStatus::kProbationary;
    if (p.party_status == PartyStatus::kNone) {
      for (const DemoRole& r : p.roles) non_member_roles.insert(r.role);
    }
  }
  EXPECT_EQ(categories,
            (std::set<MemberCategory>{MemberCategory::kInService, MemberCategory::kRetired,
                                      MemberCategory::kDirect, MemberCategory::kFloating}));
  EXPECT_GT(probationary, 10);
  for (Role role : {Role::kVolunteer, Role::kGridWorker, Role::kOwnersCommitteeMember,
                    Role::kPropertyContact, Role::kResidentRepresentative, Role::kBuildingLead,
                    Role::kMicroGridLiaison, Role::kWorkTeamMember}) {
    EXPECT_TRUE(non_member_roles.contains(role)) << roster::RoleName(role);
  }

  // Cross-appointments: someone on a compound branch's committee who is also
  // on the owners committee of one of its compounds (Zhangping: 78).
  int cross = 0;
  for (const DemoPerson& p : d.people) {
    for (const DemoRole& r : p.roles) {
      if (!r.at_party_org || !IsCompoundOrg(d.party_orgs[r.place].form)) continue;
      if (r.role != Role::kSecretary && r.role != Role::kDeputySecretary &&
          r.role != Role::kCommitteeMember) {
        continue;
      }
      const std::vector<int>& units = d.party_orgs[r.place].units;
      for (const DemoRole& other : p.roles) {
        if (other.role == Role::kOwnersCommitteeMember &&
            std::find(units.begin(), units.end(), other.place) != units.end()) {
          ++cross;
        }
      }
    }
  }
  EXPECT_GT(cross, 30);
  EXPECT_LT(cross, 120);

  // Every branch has a secretary but the planted vacancy; every secretary
  // belongs to the organisation.
  for (const DemoPerson& p : d.people) {
    for (const DemoRole& r : p.roles) {
      if (r.role == Role::kSecretary) {
        EXPECT_EQ(p.party_org, r.place) << p.external_key;
      }
    }
  }
}

TEST(DemoDistrictFiguresTest, OutOfRangeScalesAreClamped) {
  const DemoDistrict tiny = Generate(0, true);
  EXPECT_GT(tiny.figures.compounds, 5);
  EXPECT_EQ(tiny.violations.size(), 7u);
  EXPECT_EQ(MiniAudit(tiny), PlantedKeys(tiny));
}

// Run with --gtest_also_run_disabled_tests to time the generator; a city
// this large is for benchmarks, not for every test run.
TEST(DemoDistrictFiguresTest, DISABLED_TimeScales) {
  for (double scale : {1.0, 30.0, 300.0}) {
    const absl::Time start = absl::Now();
    const DemoDistrict d = Generate(scale, true);
    const absl::Duration took = absl::Now() - start;
    int64_t roles = 0;
    for (const DemoPerson& p : d.people) roles += static_cast<int64_t>(p.roles.size());
    std::printf(
        "scale %g: %s; %zu units (%lld buildings), %zu party orgs, %zu people, %lld roles\n", scale,
        absl::FormatDuration(took).c_str(), d.units.size(),
        static_cast<long long>(d.figures.buildings), d.party_orgs.size(), d.people.size(),
        static_cast<long long>(roles));
  }
}

// --- Options for benchmark cities.

DemoDistrict GenerateWith(double scale, bool plant, double people_fraction, bool second_role) {
  DemoOptions options;
  options.scale = scale;
  options.plant_violations = plant;
  options.people_fraction = people_fraction;
  options.second_role = second_role;
  options.today = kToday;
  return GenerateDemoDistrict(options);
}

bool LeadsAPartyOrg(const DemoPerson& p) {
  return std::any_of(p.roles.begin(), p.roles.end(),
                     [](const DemoRole& r) { return r.at_party_org; });
}

// Everything of a person but their roles, as text.
std::string PersonKey(const DemoPerson& p) {
  return absl::StrCat(p.external_key, ",", p.display_name, ",", p.id_card_number, ",", p.phone, ",",
                      p.residence_building, ",", p.residence_room, ",",
                      static_cast<int>(p.party_status), ",", p.party_org, ",",
                      static_cast<int>(p.category));
}

TEST(DemoDistrictOptionsTest, PeopleFractionKeepsAnEvenShareAndEveryLeader) {
  const DemoDistrict full = GenerateWith(3, true, 1, false);
  const DemoDistrict part = GenerateWith(3, true, 0.3, false);
  // The units and organisations do not change.
  ASSERT_EQ(part.units.size(), full.units.size());
  ASSERT_EQ(part.party_orgs.size(), full.party_orgs.size());
  for (size_t u = 0; u < full.units.size(); ++u) {
    ASSERT_EQ(part.units[u].display_name, full.units[u].display_name);
  }
  // Everyone kept is someone of the full district, unchanged and in order.
  std::map<std::string, size_t> full_index;
  for (size_t i = 0; i < full.people.size(); ++i) full_index[full.people[i].external_key] = i;
  std::set<size_t> kept;
  size_t previous = 0;
  for (const DemoPerson& p : part.people) {
    ASSERT_TRUE(full_index.contains(p.external_key)) << p.external_key;
    const size_t i = full_index[p.external_key];
    ASSERT_TRUE(kept.empty() || i > previous) << p.external_key;
    previous = i;
    kept.insert(i);
    ASSERT_EQ(PersonKey(p), PersonKey(full.people[i]));
    ASSERT_EQ(p.roles.size(), full.people[i].roles.size());
  }
  // Every leader is kept; of the others about three in ten, in every tenth
  // of the district.
  int64_t leaders = 0;
  std::vector<int64_t> others(10, 0), others_kept(10, 0);
  for (size_t i = 0; i < full.people.size(); ++i) {
    if (LeadsAPartyOrg(full.people[i])) {
      ++leaders;
      ASSERT_TRUE(kept.contains(i)) << full.people[i].external_key << " leads and was dropped";
      continue;
    }
    const size_t tenth = i * 10 / full.people.size();
    ++others[tenth];
    others_kept[tenth] += kept.contains(i);
  }
  for (size_t t = 0; t < 10; ++t) {
    EXPECT_NEAR(static_cast<double>(others_kept[t]), 0.3 * static_cast<double>(others[t]),
                0.02 * static_cast<double>(others[t]) + 2)
        << "tenth " << t;
  }
  EXPECT_EQ(part.figures.people, static_cast<int64_t>(part.people.size()));
  // The violations left name people who are there.
  for (const PlantedViolation& v : part.violations) {
    for (int person : v.people) {
      ASSERT_GE(person, 0);
      ASSERT_LT(person, static_cast<int>(part.people.size()));
    }
  }
  // Nothing but the leaders at 0.
  const DemoDistrict clean = GenerateWith(3, false, 1, false);
  const DemoDistrict leaders_only = GenerateWith(3, false, 0, false);
  EXPECT_EQ(static_cast<int64_t>(leaders_only.people.size()),
            std::count_if(clean.people.begin(), clean.people.end(), LeadsAPartyOrg));
  for (const DemoPerson& p : leaders_only.people) EXPECT_TRUE(LeadsAPartyOrg(p)) << p.external_key;
}

TEST(DemoDistrictOptionsTest, SecondRoleMakesAboutTwoRolesAPersonWhereTheyBelong) {
  const DemoDistrict one = GenerateWith(1, false, 1, false);
  const DemoDistrict two = GenerateWith(1, false, 1, true);
  ASSERT_EQ(two.people.size(), one.people.size());
  ASSERT_EQ(two.units.size(), one.units.size());
  int64_t roles = 0, added = 0;
  for (size_t i = 0; i < one.people.size(); ++i) {
    const DemoPerson& before = one.people[i];
    const DemoPerson& after = two.people[i];
    ASSERT_EQ(PersonKey(after), PersonKey(before));
    // The roles held before, then at most one more: a volunteer at a unit
    // below the district, where the person lives when they live here.
    ASSERT_GE(after.roles.size(), before.roles.size());
    ASSERT_LE(after.roles.size(), before.roles.size() + 1);
    for (size_t r = 0; r < before.roles.size(); ++r) {
      ASSERT_EQ(after.roles[r].role, before.roles[r].role);
      ASSERT_EQ(after.roles[r].place, before.roles[r].place);
    }
    roles += static_cast<int64_t>(after.roles.size());
    if (after.roles.size() == before.roles.size()) continue;
    ++added;
    const DemoRole& extra = after.roles.back();
    ASSERT_EQ(extra.role, Role::kVolunteer);
    ASSERT_FALSE(extra.at_party_org);
    ASSERT_GT(extra.place, 0);
    if (after.residence_building >= 0) {
      ASSERT_EQ(extra.place, after.residence_building);
    }
    const absl::Status status = roster::CheckRolePlace(extra.role, FactsOf(two, extra), "place");
    ASSERT_TRUE(status.ok()) << after.external_key << ": " << status;
    ASSERT_LE(extra.start, kToday);
    for (const DemoRole& r : before.roles) {
      ASSERT_FALSE(r.role == Role::kVolunteer && !r.at_party_org && r.place == extra.place)
          << after.external_key << " volunteers there twice";
    }
  }
  EXPECT_GT(added, static_cast<int64_t>(one.people.size()) * 9 / 10);
  EXPECT_GE(roles * 10, static_cast<int64_t>(two.people.size()) * 19);  // >= 1.9 a person
  std::printf("[ figures ] second_role at scale 1: %zu people, %lld roles (%lld added)\n",
              two.people.size(), static_cast<long long>(roles), static_cast<long long>(added));
}

}  // namespace
// --- The year of residents' issues.

TEST(DemoCaseworkTest, AZhangpingSizedStreetsYear) {
  for (double scale : {0.1, 1.0}) {
    for (bool plant : {true, false}) {
      SCOPED_TRACE(absl::StrCat("scale ", scale, plant ? " planted" : " clean"));
      const DemoDistrict d = Generate(scale, plant);
      const demo::DemoCaseworkFigures& f = d.casework;
      ASSERT_EQ(static_cast<int64_t>(d.issues.size()), f.issues);
      // More than 1,000 resolved in the year; 367 suggestions, 134 adopted
      // and resolved, the other 233 rejected as not adopted.
      EXPECT_GT(f.resolved, 1000);
      EXPECT_EQ(f.suggestions, 367);
      EXPECT_EQ(f.suggestions_resolved, 134);
      EXPECT_EQ(f.suggestions_rejected, 367 - 134);
      // Most resolved at the compound or community, fewer at the street, a
      // few at the district.
      const auto resolved_at = [&](int level) {
        return static_cast<int64_t>(f.resolve_times[level].size());
      };
      EXPECT_GT(resolved_at(0) + resolved_at(1), resolved_at(2) * 4);
      EXPECT_GT(resolved_at(2), resolved_at(3));
      EXPECT_GT(resolved_at(3), 0);
      EXPECT_EQ(f.resolved_in_community, resolved_at(0) + resolved_at(1));
      EXPECT_EQ(f.resolved_in_street, f.resolved - resolved_at(3));
      EXPECT_GT(f.reopened, 0);
      EXPECT_GT(f.dispatches, 0);
      // Exactly the planted stuck ones, at the district and with a
      // department summoned past its due time.
      EXPECT_EQ(f.open_overdue, plant ? demo::kDemoOverdueIssues : 0);
      EXPECT_EQ(d.overdue_issues.size(), plant ? size_t{demo::kDemoOverdueIssues} : 0u);
      EXPECT_EQ(d.unacknowledged_dispatches.size(),
                plant ? size_t{demo::kDemoUnacknowledgedDispatches} : 0u);
      for (int i : d.overdue_issues) {
        EXPECT_EQ(d.issues[i].level, casework::HandlingLevel::kDistrict);
        EXPECT_TRUE(casework::IsOpen(d.issues[i].state));
        EXPECT_LT(d.issues[i].due_in, absl::ZeroDuration());
      }
      int summoned_late = 0;
      std::set<std::string> keys;
      int first_street = -1;
      for (size_t u = 0; u < d.units.size() && first_street < 0; ++u) {
        if (d.units[u].level == Level::kStreet) first_street = static_cast<int>(u);
      }
      for (const demo::DemoIssue& issue : d.issues) {
        EXPECT_TRUE(keys.insert(issue.external_key).second) << issue.external_key;
        EXPECT_TRUE(absl::StartsWith(issue.external_key, "DEMO-"));
        // In the last year, in the first street, at a place the level allows.
        EXPECT_GT(issue.created_ago, absl::ZeroDuration());
        EXPECT_LT(issue.created_ago, absl::Hours(24 * 361));
        int u = issue.place;
        const Level place_level = d.units[u].level;
        EXPECT_TRUE(place_level == Level::kBuilding || place_level == Level::kCompound ||
                    place_level == Level::kCommunity);
        if (place_level == Level::kCommunity) {
          EXPECT_NE(issue.level, casework::HandlingLevel::kCompound);
        }
        while (u >= 0 && d.units[u].level != Level::kStreet) u = d.units[u].parent;
        EXPECT_EQ(u, first_street);
        if (issue.resolved_ago) {
          EXPECT_LE(*issue.resolved_ago, issue.created_ago);
          EXPECT_GE(*issue.resolved_ago, absl::ZeroDuration());
        }
        if (issue.closed_ago) {
          EXPECT_LE(*issue.closed_ago, issue.resolved_ago.value_or(issue.created_ago));
          EXPECT_GE(*issue.closed_ago, absl::ZeroDuration());
        }
        EXPECT_FALSE(ContainsPersonalData(issue.title));
        for (const demo::DemoDispatch& x : issue.dispatches) {
          EXPECT_TRUE(issue.level == casework::HandlingLevel::kStreet ||
                      issue.level == casework::HandlingLevel::kDistrict);
          EXPECT_LE(x.created_ago, issue.created_ago);
          EXPECT_GE(x.due_in, -x.created_ago);  // due after it was created
          if (x.state == casework::DispatchState::kSummoned && x.due_in < absl::ZeroDuration()) {
            ++summoned_late;
          }
        }
      }
      EXPECT_EQ(summoned_late, plant ? demo::kDemoUnacknowledgedDispatches : 0);
      // The same every time.
      const DemoDistrict again = Generate(scale, plant);
      ASSERT_EQ(again.issues.size(), d.issues.size());
      for (size_t i = 0; i < d.issues.size(); ++i) {
        EXPECT_EQ(again.issues[i].created_ago, d.issues[i].created_ago);
        EXPECT_EQ(again.issues[i].place, d.issues[i].place);
      }
    }
  }
}

TEST(DemoCaseworkTest, IssuesLeaveTheRestOfTheDistrictAsItWas) {
  DemoOptions without;
  without.scale = 0.1;
  without.casework = false;
  DemoOptions with = without;
  with.casework = true;
  const DemoDistrict a = GenerateDemoDistrict(without);
  const DemoDistrict b = GenerateDemoDistrict(with);
  EXPECT_TRUE(a.issues.empty());
  EXPECT_FALSE(b.issues.empty());
  EXPECT_EQ(Dump(a), Dump(b));
}

}  // namespace grassroots::demo
