// Tests of the scope rules (gateway/scope_checker.h) answered from memory:
// TryCheck and TryInScope on a small fixed hierarchy, with no stubs (they
// never make calls).
//
//   district 1
//   └── street 2
//       ├── community 3 ── compound 5 ── building 7
//       └── community 4 ── compound 6 ── building 8
//
//   party orgs: 10 covers 5; 11 (a joint branch) covers 5 and 6; 12 covers
//   nothing.

#include "gateway/scope_checker.h"

#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/time/time.h"
#include "gateway/principal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::gateway {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::Optional;

class FakeHierarchy final : public HierarchyView {
 public:
  std::optional<bool> IsWithin(int64_t unit_id, int64_t ancestor_id) const override {
    if (!parent_.contains(unit_id)) return std::nullopt;
    for (int64_t id = unit_id; id != 0; id = parent_.at(id)) {
      if (id == ancestor_id) return true;
    }
    return false;
  }
  std::optional<std::vector<int64_t>> UnitsOf(int64_t org_id) const override {
    auto it = units_of_.find(org_id);
    if (it == units_of_.end()) return std::nullopt;
    return it->second;
  }

 private:
  const std::map<int64_t, int64_t> parent_ = {{1, 0}, {2, 1}, {3, 2}, {4, 2},
                                              {5, 3}, {6, 4}, {7, 5}, {8, 6}};
  const std::map<int64_t, std::vector<int64_t>> units_of_ = {{10, {5}}, {11, {5, 6}}, {12, {}}};
};

Principal Scoped(int64_t unit) {
  return Principal{.name = "zhang.wei", .role = AccessRole::kEditor, .scope_unit = unit};
}

Target UnitTarget(int64_t id, std::string field = "") {
  return Target{.kind = TargetKind::kUnit, .id = id, .field = std::move(field)};
}

Target OrgTarget(int64_t id, bool write) {
  return Target{.kind = TargetKind::kPartyOrg, .id = id, .write = write};
}

class ScopeCheckerTest : public ::testing::Test {
 protected:
  FakeHierarchy hierarchy_;
  ScopeChecker checker_{&hierarchy_, nullptr, nullptr, nullptr, nullptr, absl::Seconds(1)};
};

TEST_F(ScopeCheckerTest, FakeHierarchyIsWhatTheTestsAssume) {
  EXPECT_THAT(hierarchy_.IsWithin(7, 3), Optional(true));
  EXPECT_THAT(hierarchy_.IsWithin(3, 3), Optional(true));
  EXPECT_THAT(hierarchy_.IsWithin(8, 3), Optional(false));
  EXPECT_EQ(hierarchy_.IsWithin(99, 3), std::nullopt);
}

TEST_F(ScopeCheckerTest, UnitsInTheSubtreeAreInScope) {
  const Principal principal = Scoped(3);
  for (int64_t unit : {3, 5, 7}) {
    EXPECT_THAT(checker_.TryInScope(principal, UnitTarget(unit)), Optional(true)) << unit;
  }
  for (int64_t unit : {1, 2, 4, 6, 8}) {
    EXPECT_THAT(checker_.TryInScope(principal, UnitTarget(unit)), Optional(false)) << unit;
  }
}

TEST_F(ScopeCheckerTest, ScopeAtALeafSeesOnlyTheLeaf) {
  const Principal principal = Scoped(7);
  EXPECT_THAT(checker_.TryInScope(principal, UnitTarget(7)), Optional(true));
  for (int64_t unit : {1, 2, 3, 5, 8}) {
    EXPECT_THAT(checker_.TryInScope(principal, UnitTarget(unit)), Optional(false)) << unit;
  }
}

// An activity of a response carries its place and its organisation's
// units: any of them in scope puts it in scope, from memory.
TEST_F(ScopeCheckerTest, AnActivityIsInScopeByAnyOfItsUnits) {
  const Principal principal = Scoped(3);
  Target activity{.kind = TargetKind::kActivity, .id = 9, .units = {8, 5}};
  EXPECT_THAT(checker_.TryInScope(principal, activity), Optional(true));
  activity.units = {8, 6};
  EXPECT_THAT(checker_.TryInScope(principal, activity), Optional(false));
  // A unit the replica does not hold yet, and none in scope: a lookup.
  activity.units = {8, 99};
  EXPECT_EQ(checker_.TryInScope(principal, activity), std::nullopt);
  activity.units = {99, 7};
  EXPECT_THAT(checker_.TryInScope(principal, activity), Optional(true));
  // Named by a request: looked up at the activity service.
  EXPECT_EQ(checker_.TryInScope(principal, Target{.kind = TargetKind::kActivity, .id = 9}),
            std::nullopt);
  EXPECT_EQ(checker_.TryInScope(principal, Target{.kind = TargetKind::kServicePoint, .id = 4}),
            std::nullopt);
  // Without an activity service, a lookup cannot be answered.
  EXPECT_THAT(checker_.InScope(principal, Target{.kind = TargetKind::kActivity, .id = 9},
                               absl::Now() + absl::Seconds(1)),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(Target({.kind = TargetKind::kActivity, .id = 9}).ResourceName(), "activities/9");
  EXPECT_EQ(Target({.kind = TargetKind::kServicePoint, .id = 4}).ResourceName(), "servicePoints/4");
}

TEST_F(ScopeCheckerTest, TryCheckAllInScope) {
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {UnitTarget(3), UnitTarget(5), UnitTarget(7)}),
              Optional(IsOk()));
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {}), Optional(IsOk()));
}

TEST_F(ScopeCheckerTest, TryCheckNamesTheTargetOutside) {
  std::optional<absl::Status> result =
      checker_.TryCheck(Scoped(3), {UnitTarget(5, "name"), UnitTarget(4, "new_parent")});
  ASSERT_TRUE(result.has_value());
  EXPECT_THAT(*result, StatusIs(absl::StatusCode::kPermissionDenied,
                                "new_parent: units/4 is outside your scope units/3"));
}

TEST_F(ScopeCheckerTest, OutOfScopeMessages) {
  const Principal principal = Scoped(3);
  EXPECT_THAT(
      ScopeChecker::OutOfScope(principal, UnitTarget(4, "name")),
      StatusIs(absl::StatusCode::kPermissionDenied, "units/4 is outside your scope units/3"));
  EXPECT_THAT(
      ScopeChecker::OutOfScope(principal, UnitTarget(4, "")),
      StatusIs(absl::StatusCode::kPermissionDenied, "units/4 is outside your scope units/3"));
  EXPECT_THAT(ScopeChecker::OutOfScope(principal, UnitTarget(4, "unit.parent")),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "unit.parent: units/4 is outside your scope units/3"));
  Target org = OrgTarget(11, true);
  org.field = "party_org.name";
  EXPECT_THAT(ScopeChecker::OutOfScope(principal, org),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "party_org.name: partyOrgs/11 is outside your scope units/3"));
}

TEST_F(ScopeCheckerTest, TryCheckUsesTheSameMessage) {
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {UnitTarget(4, "name")}),
              Optional(StatusIs(absl::StatusCode::kPermissionDenied,
                                "units/4 is outside your scope units/3")));
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {UnitTarget(4, "unit.parent")}),
              Optional(StatusIs(absl::StatusCode::kPermissionDenied,
                                "unit.parent: units/4 is outside your scope units/3")));
}

TEST_F(ScopeCheckerTest, PartyOrgReadNeedsAnyUnitWriteNeedsEvery) {
  const Principal principal = Scoped(3);
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(10, false)), Optional(true));
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(10, true)), Optional(true));
  // The joint branch: community 3 may read it, but not change what it
  // shares with community 4.
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(11, false)), Optional(true));
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(11, true)), Optional(false));
  // Covering nothing: in no one's scope.
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(12, false)), Optional(false));
  EXPECT_THAT(checker_.TryInScope(principal, OrgTarget(12, true)), Optional(false));
}

TEST_F(ScopeCheckerTest, PartyOrgsFromOtherScopes) {
  // Community 4 reads the joint branch, never org 10.
  EXPECT_THAT(checker_.TryInScope(Scoped(4), OrgTarget(11, false)), Optional(true));
  EXPECT_THAT(checker_.TryInScope(Scoped(4), OrgTarget(11, true)), Optional(false));
  EXPECT_THAT(checker_.TryInScope(Scoped(4), OrgTarget(10, false)), Optional(false));
  // The street holds both communities: it may change the joint branch.
  EXPECT_THAT(checker_.TryInScope(Scoped(2), OrgTarget(11, true)), Optional(true));
  EXPECT_THAT(checker_.TryInScope(Scoped(2), OrgTarget(12, false)), Optional(false));
}

TEST_F(ScopeCheckerTest, TryCheckDeniesAWriteToTheJointBranch) {
  Target org = OrgTarget(11, true);
  org.field = "party_org.name";
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {org}),
              Optional(StatusIs(absl::StatusCode::kPermissionDenied,
                                "party_org.name: partyOrgs/11 is outside your scope units/3")));
  org.write = false;
  EXPECT_THAT(checker_.TryCheck(Scoped(3), {org}), Optional(IsOk()));
}

TEST_F(ScopeCheckerTest, UnknownPartyOrgNeedsALookup) {
  EXPECT_EQ(checker_.TryInScope(Scoped(3), OrgTarget(99, false)), std::nullopt);
}

TEST_F(ScopeCheckerTest, EveryDistrictSeesEverything) {
  const Principal everywhere{.name = "district.admin", .role = AccessRole::kAdmin};
  ASSERT_EQ(everywhere.scope_unit, std::nullopt);
  for (int64_t unit : {1, 2, 3, 4, 5, 6, 7, 8, 99}) {
    EXPECT_THAT(checker_.TryInScope(everywhere, UnitTarget(unit)), Optional(true)) << unit;
  }
  for (int64_t org : {10, 11, 12, 99}) {
    EXPECT_THAT(checker_.TryInScope(everywhere, OrgTarget(org, true)), Optional(true)) << org;
  }
  EXPECT_THAT(checker_.TryInScope(everywhere, Target{.kind = TargetKind::kPerson, .id = 5}),
              Optional(true));
  EXPECT_THAT(checker_.TryInScope(everywhere, Target{.kind = TargetKind::kRoleAssignment, .id = 5}),
              Optional(true));
  for (bool write : {false, true}) {
    EXPECT_THAT(checker_.TryInScope(everywhere,
                                    Target{.kind = TargetKind::kIssue, .id = 5, .write = write}),
                Optional(true));
  }
  EXPECT_THAT(checker_.TryInScope(everywhere, Target{.kind = TargetKind::kPersonByExternalKey,
                                                     .external_key = "HR-1"}),
              Optional(true));
  EXPECT_THAT(checker_.TryCheck(everywhere, {UnitTarget(99), OrgTarget(12, true),
                                             Target{.kind = TargetKind::kRoleAssignment, .id = 5}}),
              Optional(IsOk()));
}

TEST_F(ScopeCheckerTest, UnknownUnitNeedsALookupUnlessItsParentDecides) {
  const Principal principal = Scoped(3);
  EXPECT_EQ(checker_.TryInScope(principal, UnitTarget(99)), std::nullopt);

  Target created = UnitTarget(99);
  created.parent_hint = 5;  // a building just created under compound 5
  EXPECT_THAT(checker_.TryInScope(principal, created), Optional(true));
  created.parent_hint = 6;
  EXPECT_THAT(checker_.TryInScope(principal, created), Optional(false));
  created.parent_hint = 98;  // unknown too
  EXPECT_EQ(checker_.TryInScope(principal, created), std::nullopt);
}

TEST_F(ScopeCheckerTest, KnownUnitIgnoresTheParentHint) {
  Target unit = UnitTarget(8);
  unit.parent_hint = 5;  // a stale hint must not pull unit 8 into scope 3
  EXPECT_THAT(checker_.TryInScope(Scoped(3), unit), Optional(false));
}

TEST_F(ScopeCheckerTest, PersonLivingInScopeIsInScope) {
  const Principal principal = Scoped(3);
  Target person{.kind = TargetKind::kPerson, .id = 42, .residence_hint = 7};
  EXPECT_THAT(checker_.TryInScope(principal, person), Optional(true));

  // Living elsewhere: their roles or membership might still be in scope.
  person.residence_hint = 8;
  EXPECT_EQ(checker_.TryInScope(principal, person), std::nullopt);
  person.residence_hint = 0;  // known to live nowhere
  EXPECT_EQ(checker_.TryInScope(principal, person), std::nullopt);
  person.residence_hint = 99;  // a building the replica does not hold yet
  EXPECT_EQ(checker_.TryInScope(principal, person), std::nullopt);
  person.residence_hint = std::nullopt;
  EXPECT_EQ(checker_.TryInScope(principal, person), std::nullopt);
}

TEST_F(ScopeCheckerTest, RoleAssignmentsAndExternalKeysNeedLookups) {
  const Principal principal = Scoped(3);
  EXPECT_EQ(checker_.TryInScope(principal, Target{.kind = TargetKind::kRoleAssignment, .id = 1}),
            std::nullopt);
  EXPECT_EQ(checker_.TryInScope(principal, Target{.kind = TargetKind::kPersonByExternalKey,
                                                  .external_key = "HR-1"}),
            std::nullopt);
}

// An issue's place and handling unit are the casework service's to say,
// reads and writes alike: a lookup (and no stub is called here).
TEST_F(ScopeCheckerTest, IssuesNeedLookups) {
  const Principal principal = Scoped(3);
  for (bool write : {false, true}) {
    const Target issue{.kind = TargetKind::kIssue, .id = 1, .write = write};
    EXPECT_EQ(checker_.TryInScope(principal, issue), std::nullopt) << write;
    EXPECT_EQ(checker_.TryCheck(principal, {UnitTarget(5), issue}), std::nullopt) << write;
  }
  Target issue{.kind = TargetKind::kIssue, .id = 1, .field = "parent", .write = true};
  EXPECT_THAT(ScopeChecker::OutOfScope(principal, issue),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       "parent: issues/1 is outside your scope units/3"));
}

TEST_F(ScopeCheckerTest, TryCheckWithAnUndecidedTarget) {
  const Principal principal = Scoped(3);
  const Target undecided{.kind = TargetKind::kRoleAssignment, .id = 1};
  EXPECT_EQ(checker_.TryCheck(principal, {UnitTarget(5), undecided}), std::nullopt);
  EXPECT_EQ(checker_.TryCheck(principal, {undecided, UnitTarget(5)}), std::nullopt);
  // Whatever the lookup would say, the call is not allowed: a denial from
  // memory is fine, OK is not.
  std::optional<absl::Status> mixed = checker_.TryCheck(principal, {undecided, UnitTarget(4)});
  if (mixed.has_value()) {
    EXPECT_THAT(*mixed, StatusIs(absl::StatusCode::kPermissionDenied));
  }
}

TEST_F(ScopeCheckerTest, TargetResourceNames) {
  EXPECT_EQ(UnitTarget(7).ResourceName(), "units/7");
  EXPECT_EQ(OrgTarget(10, false).ResourceName(), "partyOrgs/10");
  EXPECT_EQ((Target{.kind = TargetKind::kPerson, .id = 3}).ResourceName(), "people/3");
  EXPECT_EQ((Target{.kind = TargetKind::kRoleAssignment, .id = 4}).ResourceName(),
            "roleAssignments/4");
  // Never the key: it may be an ID-card number, and the message would say
  // that someone has it.
  EXPECT_THAT(
      (Target{.kind = TargetKind::kPersonByExternalKey, .external_key = "HR-001"}).ResourceName(),
      ::testing::Not(::testing::HasSubstr("HR-001")));
  EXPECT_EQ((Target{.kind = TargetKind::kCurrentMembershipOf, .id = 3}).ResourceName(),
            "the current membership of people/3");
  EXPECT_EQ((Target{.kind = TargetKind::kRegistration, .id = 3, .child_id = 5}).ResourceName(),
            "people/3/registrations/5");
  EXPECT_EQ((Target{.kind = TargetKind::kIssue, .id = 12}).ResourceName(), "issues/12");
  EXPECT_EQ((Target{.kind = TargetKind::kIssue, .id = 12, .write = true}).ResourceName(),
            "issues/12");
}

}  // namespace
}  // namespace grassroots::gateway
