#include "audit/audit_rules.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <numeric>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "casework_service/casework_labels.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "common/clock.h"
#include "common/personal_data.h"
#include "org_service/org_labels.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/person.h"
#include "roster_service/role.h"
#include "roster_service/roster_labels.h"

// What belongs to the audited subtree: its units, deleted ones included (so
// that drift at them is reported); the party organisations attached to one
// of them (one without units, as a functional branch may be, where its parent
// organisation is); memberships and roles at those; and people who live
// there or hold a current membership or role there. A current role or
// membership is one the roster marks current. Coverage counts live units and
// organisations only, and any current role whoever holds it: a role of a
// deleted or unknown person is reported by its own rule, not counted twice.
//
// Everything is indexed once by id in hash maps and then read in single
// passes, so that a city (10^6 people, 2×10^6 roles) takes seconds.

namespace grassroots::audit {
namespace {

using org::Level;
using org::OrgForm;
using roster::PartyStatus;
using roster::Place;
using roster::Role;

// --- The thresholds of the party's rules: the one place they are written.
//
// 《中国共产党支部工作条例（试行）》(2018) 第四条: every unit with 3 or more
// full members forms a party branch (fewer join a joint branch), and a branch
// generally has no more than 50 members.
constexpr int kMinBranchFullMembers = 3;
// The same regulations, chapter 6 (党支部委员会建设): a branch with 7 or more
// full members sets up a branch committee; a smaller one has a secretary and,
// when needed, a deputy.
constexpr int kCommitteeFullMembers = 7;
// Usual practice under 《中国共产党章程》 art. 30 (基层委员会、总支部委员会、
// 支部委员会 "根据工作需要和党员人数"): more than 50 members make a general
// branch (党总支), 100 or more a grassroots party committee (党委). Members
// here are full and probationary.
constexpr int kGeneralBranchMembers = 50;
constexpr int kPartyCommitteeMembers = 100;
// 支部工作条例 chapter 6: a branch committee has 3 to 5 members, generally no
// more than 7; a joint branch generally covers no more than 5 units.
constexpr int kMinCommittee = 3;
constexpr int kMaxCommittee = 7;
constexpr int kMaxJointBranchUnits = 5;
// The probationary period (《中国共产党章程》第七条) is roster's rule:
// roster::ProbationDecisionDue and roster::ProbationIsOverdue.

// --- Names in messages. Messages are Chinese, as the reports are.

// The domain's label (org_labels.h, roster_labels.h), or `fallback` for a
// value without one.
template <typename Enum>
absl::string_view Word(Enum value, absl::string_view fallback) {
  const absl::string_view label = grassroots::Label(value);
  return label.empty() ? fallback : label;
}

absl::string_view LevelWord(Level level) { return Word(level, "单位"); }
absl::string_view FormWord(OrgForm form) { return Word(form, "党组织"); }
absl::string_view RoleWord(Role role) { return Word(role, "未指定"); }

// "幸福花园 (units/12)".
std::string Label(absl::string_view display_name, absl::string_view resource) {
  return absl::StrCat(display_name, " (", resource, ")");
}

std::string Day(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// "3 天 4 小时", "5 小时", "不到 1 小时": how long something is overdue.
std::string Overdue(absl::Duration d) {
  const int64_t hours = absl::ToInt64Hours(d);
  if (hours < 1) return "不到 1 小时";
  if (hours < 24) return absl::StrCat(hours, " 小时");
  if (hours % 24 == 0) return absl::StrCat(hours / 24, " 天");
  return absl::StrCat(hours / 24, " 天 ", hours % 24, " 小时");
}

// The nearest-rank percentile of sorted times: the smallest with at least
// `percent` of them at or below it.
absl::Duration Percentile(const std::vector<absl::Duration>& sorted, int percent) {
  if (sorted.empty()) return absl::ZeroDuration();
  const size_t n = sorted.size();
  const size_t rank = (n * static_cast<size_t>(percent) + 99) / 100;  // ceil, >= 1
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// Branch forms that cover the compounds they are attached to (a functional
// branch is formed by purpose and covers nothing).
bool CoversCompounds(OrgForm form) {
  return form == OrgForm::kBranch || form == OrgForm::kJointBranch ||
         form == OrgForm::kGeneralBranch;
}

// Urban villages and rural concentrated areas are compound-level units, but
// the articles count them apart from the compounds (小区).
bool IsVillage(org::CompoundKind kind) {
  return kind == org::CompoundKind::kUrbanVillage || kind == org::CompoundKind::kRuralConcentrated;
}

// The organisations counted as compound-level branches in coverage.
bool IsCompoundBranch(OrgForm form) {
  return CoversCompounds(form) || form == OrgForm::kFunctionalBranch;
}

// Branches in the sense of the size rules (branch-too-small and friends).
bool IsBranch(OrgForm form) { return form == OrgForm::kBranch || form == OrgForm::kJointBranch; }

// Coverage rows are addressed by "scope": 0 is the totals, then the streets,
// then the communities. A unit lies in at most three scopes.
using Scopes = std::vector<int32_t>;

void AddScope(Scopes& scopes, int32_t scope) {
  if (std::find(scopes.begin(), scopes.end(), scope) == scopes.end()) scopes.push_back(scope);
}

struct UnitNode {
  const AuditUnit* unit = nullptr;
  bool in_subtree = false;
  int32_t street = -1;     // scope of the street containing it, -1 for none
  int32_t community = -1;  // scope of the community containing it
  // Current roles held here (any holder: drift is reported by its own rules).
  bool has_lead = false;
  bool has_work_team = false;
  bool has_residents_director = false;
  // Set from the live organisations attached.
  bool covered = false;
  bool first_secretary = false;
  bool party_group = false;
};

struct OrgNode {
  const AuditPartyOrg* org = nullptr;
  int8_t resolved = 0;  // 0 not yet, 1 resolving, 2 done
  bool in_subtree = false;
  Scopes scopes;
  bool has_secretary = false;
  bool has_committee_member = false;
  bool has_first_secretary = false;
  bool has_group_leader = false;
  int32_t committee = 0;  // current secretaries, deputies and members (roles)
  std::optional<absl::CivilDay> last_secretary_end;
  int32_t full_members = 0;
  int32_t members = 0;  // full and probationary
};

struct PersonNode {
  const AuditPerson* person = nullptr;
  bool in_subtree = false;
  int32_t current_memberships = 0;
  // Holds a current seconded role (first secretary, work team): their
  // relationship sits with the sending agency, outside the district.
  bool seconded = false;
};

// "Where a role is": the node it names, or nothing when the id is unknown.
struct PlaceRef {
  UnitNode* unit = nullptr;
  OrgNode* org = nullptr;
  bool known() const { return unit != nullptr || org != nullptr; }
  bool deleted() const { return unit ? unit->unit->deleted : org && org->org->deleted; }
  bool in_subtree() const { return unit ? unit->in_subtree : org && org->in_subtree; }
};

class Auditor {
 public:
  explicit Auditor(const AuditInput& input) : in_(input) {}

  absl::StatusOr<AuditReport> Run();

 private:
  void IndexUnits();
  absl::Status WalkSubtree();
  void IndexOrgs();
  void ResolveOrg(OrgNode& node, int depth);
  void IndexPeople();
  void ReadMemberships();
  void ReadRoles();
  void CheckPeople();
  void CheckIdCardDuplicates();
  void CheckOrgs();
  void CountCoverage();
  void CountCrossAppointments();
  void CountInService();
  void CountPeopleInRoles();
  void CountAlliances();
  void CountCasework();
  void SortFindings();

  UnitNode* FindUnit(int64_t id) {
    auto it = unit_index_.find(id);
    return it == unit_index_.end() ? nullptr : &units_[it->second];
  }
  OrgNode* FindOrg(int64_t id) {
    auto it = org_index_.find(id);
    return it == org_index_.end() ? nullptr : &orgs_[it->second];
  }
  PersonNode* FindPerson(int64_t id) {
    auto it = person_index_.find(id);
    return it == person_index_.end() ? nullptr : &people_[it->second];
  }
  PlaceRef FindPlace(const Place& place) {
    return place.kind == Place::Kind::kPartyOrg ? PlaceRef{nullptr, FindOrg(place.id)}
                                                : PlaceRef{FindUnit(place.id), nullptr};
  }

  Scopes UnitScopes(const UnitNode& node) const {
    Scopes scopes;
    if (!node.in_subtree) return scopes;
    scopes.push_back(0);
    if (node.street >= 0) scopes.push_back(node.street);
    if (node.community >= 0) scopes.push_back(node.community);
    return scopes;
  }
  Coverage& Row(int32_t scope) { return *rows_[scope]; }

  void Add(absl::string_view rule, Severity severity, std::vector<std::string> resources,
           std::string message) {
    report_.findings.push_back(
        Finding{std::string(rule), severity, std::move(resources), std::move(message)});
  }

  // Labels for messages.
  std::string PersonText(int64_t id, const PersonNode* node) const {
    return node ? Label(node->person->display_name, roster::PersonName(id))
                : absl::StrCat("不存在的人员 ", roster::PersonName(id));
  }
  std::string PlaceText(const Place& place, const PlaceRef& ref) const {
    if (ref.unit) {
      return absl::StrCat(LevelWord(ref.unit->unit->level), " ",
                          Label(ref.unit->unit->display_name, roster::PlaceName(place)));
    }
    if (ref.org) {
      return absl::StrCat(FormWord(ref.org->org->form), " ",
                          Label(ref.org->org->display_name, roster::PlaceName(place)));
    }
    return absl::StrCat(place.kind == Place::Kind::kPartyOrg ? "不存在的党组织 " : "不存在的单位 ",
                        roster::PlaceName(place));
  }

  const AuditInput& in_;
  bool root_is_district_ = false;
  AuditReport report_;
  std::vector<Coverage*> rows_;  // by scope

  std::vector<UnitNode> units_;
  absl::flat_hash_map<int64_t, int32_t> unit_index_;
  std::vector<int32_t> subtree_;  // unit indices, parents before children
  std::vector<OrgNode> orgs_;
  absl::flat_hash_map<int64_t, int32_t> org_index_;
  std::vector<PersonNode> people_;
  absl::flat_hash_map<int64_t, int32_t> person_index_;

  // Collected while reading roles and memberships.
  std::vector<std::pair<int64_t, int64_t>> owners_committee_;  // (person, compound)
  std::vector<std::pair<int64_t, int32_t>> branch_committee_;  // (person, org index)
  // Current roles whose holders are counted once per row: first secretaries
  // and work-team cadres, as (person, scope).
  std::vector<std::pair<int64_t, int32_t>> first_secretaries_, cadres_;
  // Community unit id -> the person directing its residents' committee.
  absl::flat_hash_map<int64_t, int64_t> residents_directors_;
  // Community unit id -> secretaries of its party committee.
  std::vector<std::pair<int64_t, int64_t>> community_secretaries_;
};

void Auditor::IndexUnits() {
  units_.resize(in_.units.size());
  unit_index_.reserve(in_.units.size());
  for (size_t i = 0; i < in_.units.size(); ++i) {
    units_[i].unit = &in_.units[i];
    unit_index_.emplace(in_.units[i].id, static_cast<int32_t>(i));
  }
}

absl::Status Auditor::WalkSubtree() {
  auto root = unit_index_.find(in_.root_unit_id);
  if (root == unit_index_.end()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "root_unit_id: ", org::UnitName(in_.root_unit_id), " is not among the input's units"));
  }
  const AuditUnit& root_unit = *units_[root->second].unit;
  root_is_district_ = root_unit.parent_id == 0;

  // Children as one flat array (counting sort by parent), so that a city of
  // 10^5 units costs two passes and no per-unit allocation.
  const size_t n = units_.size();
  std::vector<int32_t> first(n + 1, 0), children;
  std::vector<int32_t> parent(n, -1);
  for (size_t i = 0; i < n; ++i) {
    auto it = unit_index_.find(units_[i].unit->parent_id);
    if (units_[i].unit->parent_id != 0 && it != unit_index_.end() &&
        it->second != static_cast<int32_t>(i)) {
      parent[i] = it->second;
      ++first[it->second + 1];
    }
  }
  std::partial_sum(first.begin(), first.end(), first.begin());
  children.resize(first[n]);
  std::vector<int32_t> fill(first.begin(), first.end() - 1);
  for (size_t i = 0; i < n; ++i) {
    if (parent[i] >= 0) children[fill[parent[i]]++] = static_cast<int32_t>(i);
  }

  // Breadth first: parents come before their children in subtree_.
  subtree_.push_back(root->second);
  units_[root->second].in_subtree = true;
  for (size_t k = 0; k < subtree_.size(); ++k) {
    const int32_t u = subtree_[k];
    for (int32_t j = first[u]; j < first[u + 1]; ++j) {
      UnitNode& child = units_[children[j]];
      if (child.in_subtree) continue;  // a cycle in bad data
      child.in_subtree = true;
      subtree_.push_back(children[j]);
    }
  }

  // One coverage row per live street and community, in unit id order.
  std::vector<int32_t> streets, communities;
  for (int32_t u : subtree_) {
    const AuditUnit& unit = *units_[u].unit;
    if (unit.deleted) continue;
    if (unit.level == Level::kStreet) streets.push_back(u);
    if (unit.level == Level::kCommunity) communities.push_back(u);
  }
  const auto by_id = [&](int32_t a, int32_t b) { return units_[a].unit->id < units_[b].unit->id; };
  std::sort(streets.begin(), streets.end(), by_id);
  std::sort(communities.begin(), communities.end(), by_id);
  const auto row_of = [](const AuditUnit& unit) {
    Coverage row;
    row.unit_id = unit.id;
    row.parent_id = unit.parent_id;
    row.display_name = unit.display_name;
    row.level = unit.level;
    return row;
  };
  report_.totals = row_of(root_unit);
  report_.streets.reserve(streets.size());
  report_.communities.reserve(communities.size());
  rows_.push_back(&report_.totals);
  for (int32_t u : streets) {
    units_[u].street = static_cast<int32_t>(rows_.size());
    report_.streets.push_back(row_of(*units_[u].unit));
    rows_.push_back(&report_.streets.back());
  }
  for (int32_t u : communities) {
    units_[u].community = static_cast<int32_t>(rows_.size());
    report_.communities.push_back(row_of(*units_[u].unit));
    rows_.push_back(&report_.communities.back());
  }
  for (int32_t u : subtree_) {
    UnitNode& node = units_[u];
    if (parent[u] < 0 || !units_[parent[u]].in_subtree || u == root->second) continue;
    const UnitNode& up = units_[parent[u]];
    if (node.street < 0) node.street = up.street;
    if (node.community < 0) node.community = up.community;
  }
  return absl::OkStatus();
}

void Auditor::IndexOrgs() {
  orgs_.resize(in_.party_orgs.size());
  org_index_.reserve(in_.party_orgs.size());
  for (size_t i = 0; i < in_.party_orgs.size(); ++i) {
    orgs_[i].org = &in_.party_orgs[i];
    org_index_.emplace(in_.party_orgs[i].id, static_cast<int32_t>(i));
  }
  for (OrgNode& node : orgs_) ResolveOrg(node, 0);
}

// An organisation lies where its units lie; one without units (a functional
// branch may have none) lies where its parent organisation does.
void Auditor::ResolveOrg(OrgNode& node, int depth) {
  if (node.resolved != 0) return;  // done, or a cycle in bad data
  node.resolved = 1;
  if (!node.org->unit_ids.empty()) {
    for (int64_t id : node.org->unit_ids) {
      const UnitNode* unit = FindUnit(id);
      if (unit == nullptr || !unit->in_subtree) continue;
      for (int32_t scope : UnitScopes(*unit)) AddScope(node.scopes, scope);
    }
  } else if (OrgNode* parent = FindOrg(node.org->parent_id); parent && depth < 16) {
    ResolveOrg(*parent, depth + 1);
    node.scopes = parent->scopes;
  }
  node.in_subtree = !node.scopes.empty();
  node.resolved = 2;
}

void Auditor::IndexPeople() {
  people_.resize(in_.people.size());
  person_index_.reserve(in_.people.size());
  for (size_t i = 0; i < in_.people.size(); ++i) {
    const AuditPerson& person = in_.people[i];
    people_[i].person = &person;
    person_index_.emplace(person.id, static_cast<int32_t>(i));
    if (person.residence_building_id != 0) {
      const UnitNode* home = FindUnit(person.residence_building_id);
      if (home && home->in_subtree) people_[i].in_subtree = true;
    }
  }
}

void Auditor::ReadMemberships() {
  for (const AuditMembership& m : in_.memberships) {
    if (!m.current) continue;
    OrgNode* org = FindOrg(m.party_org_id);
    PersonNode* person = FindPerson(m.person_id);
    if (person) {
      ++person->current_memberships;
      if (org && org->in_subtree) person->in_subtree = true;
    }
    const bool person_live = person && !person->person->deleted;
    if (org && !org->org->deleted && person_live) {
      const PartyStatus status = person->person->party_status;
      if (status == PartyStatus::kFull) ++org->full_members;
      if (roster::IsPartyMember(status)) ++org->members;
    }

    // Drift. A membership at an unknown organisation may belong to another
    // subtree, unless the root is a district.
    const bool belongs = org ? org->in_subtree : root_is_district_;
    if (!belongs) continue;
    const std::string org_name = org::PartyOrgName(m.party_org_id);
    const std::string person_name = roster::PersonName(m.person_id);
    const std::string org_text =
        org ? absl::StrCat(org->org->deleted ? "已删除的" : "", FormWord(org->org->form), " ",
                           Label(org->org->display_name, org_name))
            : absl::StrCat("不存在的党组织 ", org_name);
    if (!org || org->org->deleted) {
      Add(rules::kMembershipAtMissingOrg, Severity::kError, {person_name, org_name},
          absl::StrCat(PersonText(m.person_id, person), " 的组织关系在", org_text));
    } else if (org->org->form == OrgForm::kPartyGroup) {
      Add(rules::kMembershipAtPartyGroup, Severity::kError, {person_name, org_name},
          absl::StrCat(PersonText(m.person_id, person), " 的组织关系在", org_text,
                       "；党小组是支部的组成部分，组织关系应在支部"));
    }
    if (!person) {
      Add(rules::kRoleOfUnknownPerson, Severity::kError, {person_name, org_name},
          absl::StrCat(org_text, " 有不存在的人员 ", person_name, " 的组织关系"));
    } else if (person->person->deleted) {
      Add(rules::kRoleOfDeletedPerson, Severity::kError, {person_name, org_name},
          absl::StrCat("已删除的人员 ", PersonText(m.person_id, person), " 的组织关系仍在 ",
                       org_text));
    }
  }
}

void Auditor::ReadRoles() {
  const absl::CivilDay today = in_.today;
  for (const AuditRole& r : in_.roles) {
    const PlaceRef place = FindPlace(r.place);
    PersonNode* person = FindPerson(r.person_id);

    // The last secretary's departure dates a vacancy.
    if (r.role == Role::kSecretary && place.org && !r.current && r.end && *r.end <= today) {
      OrgNode& org = *place.org;
      if (!org.last_secretary_end || *org.last_secretary_end < *r.end) {
        org.last_secretary_end = *r.end;
      }
    }
    if (!r.current) continue;
    if (person && place.in_subtree()) person->in_subtree = true;
    if (person && (r.role == Role::kFirstSecretary || r.role == Role::kWorkTeamMember ||
                   r.role == Role::kWorkTeamLeader)) {
      person->seconded = true;
    }

    if (place.org) {
      OrgNode& org = *place.org;
      switch (r.role) {
        case Role::kSecretary:
          org.has_secretary = true;
          ++org.committee;
          if (org.org->form == OrgForm::kPartyCommittee && !org.org->deleted) {
            for (int64_t unit_id : org.org->unit_ids) {
              community_secretaries_.emplace_back(unit_id, r.person_id);
            }
          }
          break;
        case Role::kDeputySecretary:
          ++org.committee;
          break;
        case Role::kCommitteeMember:
          org.has_committee_member = true;
          ++org.committee;
          break;
        case Role::kFirstSecretary:
          org.has_first_secretary = true;
          if (org.in_subtree && !org.org->deleted && IsCompoundBranch(org.org->form)) {
            for (int32_t scope : org.scopes) first_secretaries_.emplace_back(r.person_id, scope);
          }
          break;
        case Role::kGroupLeader:
          org.has_group_leader = true;
          break;
        default:
          break;
      }
      if ((r.role == Role::kSecretary || r.role == Role::kDeputySecretary ||
           r.role == Role::kCommitteeMember) &&
          CoversCompounds(org.org->form) && !org.org->deleted) {
        branch_committee_.emplace_back(r.person_id, static_cast<int32_t>(place.org - orgs_.data()));
      }
    } else if (place.unit) {
      UnitNode& unit = *place.unit;
      switch (r.role) {
        case Role::kBuildingLead:
          unit.has_lead = true;
          break;
        case Role::kWorkTeamMember:
        case Role::kWorkTeamLeader:
          unit.has_work_team = true;
          if (!unit.unit->deleted) {
            for (int32_t scope : UnitScopes(unit)) cadres_.emplace_back(r.person_id, scope);
          }
          break;
        case Role::kResidentsCommitteeDirector:
          residents_directors_[r.place.id] = r.person_id;
          break;
        case Role::kOwnersCommitteeMember:
          owners_committee_.emplace_back(r.person_id, r.place.id);
          break;
        default:
          break;
      }
    }

    // Drift and the level rule, for roles of this subtree. A role at an
    // unknown place may belong to another subtree, unless the root is a
    // district.
    if (!(place.known() ? place.in_subtree() : root_is_district_)) continue;
    const std::string role_name = roster::RoleAssignmentName(r.id);
    const std::string place_name = roster::PlaceName(r.place);
    const std::string person_name = roster::PersonName(r.person_id);
    const std::string role_text = absl::StrCat(RoleWord(r.role), "职务 (", role_name, ")");
    if (!place.known()) {
      Add(rules::kRoleAtUnknownPlace, Severity::kError, {role_name, place_name, person_name},
          absl::StrCat(PersonText(r.person_id, person), " 的", role_text, " 设在",
                       PlaceText(r.place, place)));
    } else if (place.deleted()) {
      Add(rules::kRoleAtDeletedPlace, Severity::kError, {role_name, place_name, person_name},
          absl::StrCat(PersonText(r.person_id, person), " 的", role_text, " 设在已删除的",
                       PlaceText(r.place, place)));
    } else {
      roster::PlaceFacts facts;
      facts.place = r.place;
      if (place.unit) facts.level = place.unit->unit->level;
      if (place.org) facts.form = place.org->org->form;
      if (!roster::CheckRolePlace(r.role, facts, "place").ok()) {
        Add(rules::kRoleLevelRule, Severity::kError, {role_name, place_name, person_name},
            absl::StrCat(PersonText(r.person_id, person), " 的", role_text, " 不能设在",
                         PlaceText(r.place, place)));
      }
    }
    if (!person) {
      Add(rules::kRoleOfUnknownPerson, Severity::kError, {role_name, place_name, person_name},
          absl::StrCat(PlaceText(r.place, place), " 的", role_text, " 由不存在的人员 ", person_name,
                       " 担任"));
    } else if (person->person->deleted) {
      Add(rules::kRoleOfDeletedPerson, Severity::kError, {role_name, place_name, person_name},
          absl::StrCat(PlaceText(r.place, place), " 的", role_text, " 由已删除的人员 ",
                       PersonText(r.person_id, person), " 担任"));
    }
  }
}

// Why ParseIdCardNumber refused a number, in the words of the report; the
// number itself is never repeated.
std::string IdCardProblem(absl::string_view number) {
  if (number.size() != 18) return "不是 18 位";
  const char check = IdCardCheckCharacter(number);
  if (check == '\0' ||
      !(absl::ascii_isdigit(number.back()) || number.back() == 'X' || number.back() == 'x')) {
    return "格式不对（应为 17 位数字加一位数字或 X）";
  }
  if (absl::ascii_toupper(number.back()) != check) return "校验码错误（GB 11643）";
  return "地区码或出生日期无效";
}

void Auditor::CheckPeople() {
  const absl::CivilDay today = in_.today;
  // People with two or more current memberships: their organisations, for
  // the message (a second pass over the memberships, only when needed).
  absl::flat_hash_map<int64_t, std::vector<int64_t>> relationships;
  for (const PersonNode& node : people_) {
    if (node.in_subtree && !node.person->deleted && node.current_memberships >= 2 &&
        roster::IsPartyMember(node.person->party_status)) {
      relationships[node.person->id];
    }
  }
  if (!relationships.empty()) {
    for (const AuditMembership& m : in_.memberships) {
      if (!m.current) continue;
      auto it = relationships.find(m.person_id);
      if (it != relationships.end()) it->second.push_back(m.party_org_id);
    }
  }

  for (const PersonNode& node : people_) {
    const AuditPerson& p = *node.person;
    if (!node.in_subtree || p.deleted) continue;
    const std::string name = roster::PersonName(p.id);
    const std::string text = Label(p.display_name, name);
    if (in_.complete_roster && roster::IsPartyMember(p.party_status)) {
      if (node.current_memberships == 0 && !node.seconded) {
        Add(rules::kMemberWithoutRelationship, Severity::kError, {name},
            absl::StrCat("党员 ", text, " 没有组织关系"));
      } else if (node.current_memberships >= 2) {
        std::vector<int64_t> orgs = relationships[p.id];
        std::sort(orgs.begin(), orgs.end());
        orgs.erase(std::unique(orgs.begin(), orgs.end()), orgs.end());
        std::vector<std::string> resources = {name};
        std::vector<std::string> org_texts;
        for (int64_t id : orgs) {
          resources.push_back(org::PartyOrgName(id));
          const OrgNode* org = FindOrg(id);
          org_texts.push_back(org ? Label(org->org->display_name, org::PartyOrgName(id))
                                  : org::PartyOrgName(id));
        }
        Add(rules::kMemberWithTwoRelationships, Severity::kError, std::move(resources),
            absl::StrCat("党员 ", text, " 同时有 ", node.current_memberships, " 个组织关系：",
                         absl::StrJoin(org_texts, "、")));
      }
    }
    if (p.party_status == PartyStatus::kProbationary && p.admission) {
      roster::Person probationer;
      probationer.party_status = p.party_status;
      probationer.admission_date = p.admission;
      probationer.probation_extension_months = p.probation_extension_months;
      if (roster::ProbationIsOverdue(probationer, today)) {
        const absl::CivilDay due = *roster::ProbationDecisionDue(probationer);
        if (p.probation_extension_months == 0) {
          Add(rules::kProbationOverdue, Severity::kWarning, {name},
              absl::StrCat("预备党员 ", text, " 于 ", Day(*p.admission), " 入党，预备期已满 1 年",
                           "，转正讨论已逾期 ", today - due, " 天"));
        } else {
          Add(rules::kProbationExtensionOverdue, Severity::kWarning, {name},
              absl::StrCat("预备党员 ", text, " 于 ", Day(*p.admission), " 入党，预备期延长 ",
                           p.probation_extension_months, " 个月后已于 ", Day(due),
                           " 期满，转正讨论已逾期 ", today - due, " 天"));
        }
      }
    }
    if (!p.id_card_number.empty() && !absl::StrContains(p.id_card_number, '*') &&
        !ParseIdCardNumber(p.id_card_number, "id_card_number", today).ok()) {
      Add(rules::kInvalidIdCard, Severity::kError, {name},
          absl::StrCat(text, " 的身份证号码", IdCardProblem(p.id_card_number)));
    }
  }
}

// Over the whole roster (a duplicate may live outside the subtree), reported
// when one of the holders is in it. The first holder of each number is kept
// in a map of views into the input (no copy unless a lower-case x needs
// normalising); only numbers held twice get a list.
void Auditor::CheckIdCardDuplicates() {
  std::deque<std::string> normalized;  // stable addresses for the views
  absl::flat_hash_map<absl::string_view, int32_t> first_holder;
  absl::flat_hash_map<absl::string_view, std::vector<int32_t>> shared;
  first_holder.reserve(people_.size());
  for (size_t i = 0; i < people_.size(); ++i) {
    const AuditPerson& p = *people_[i].person;
    if (p.deleted || p.id_card_number.empty() || absl::StrContains(p.id_card_number, '*')) {
      continue;
    }
    absl::string_view number = p.id_card_number;
    if (absl::StrContains(number, 'x')) {
      number = normalized.emplace_back(NormalizeIdCardNumber(number));
    }
    auto [it, inserted] = first_holder.emplace(number, static_cast<int32_t>(i));
    if (inserted) continue;
    std::vector<int32_t>& holders = shared[number];
    if (holders.empty()) holders.push_back(it->second);
    holders.push_back(static_cast<int32_t>(i));
  }
  for (auto& [number, holders] : shared) {
    if (std::none_of(holders.begin(), holders.end(),
                     [&](int32_t i) { return people_[i].in_subtree; })) {
      continue;
    }
    std::sort(holders.begin(), holders.end(),
              [&](int32_t a, int32_t b) { return people_[a].person->id < people_[b].person->id; });
    std::vector<std::string> resources, texts;
    for (int32_t i : holders) {
      const AuditPerson& p = *people_[i].person;
      resources.push_back(roster::PersonName(p.id));
      texts.push_back(Label(p.display_name, resources.back()));
    }
    Add(rules::kDuplicateIdCard, Severity::kError, std::move(resources),
        absl::StrCat(holders.size(), " 人的身份证号码相同：", absl::StrJoin(texts, "、")));
  }
}

void Auditor::CheckOrgs() {
  const absl::CivilDay today = in_.today;
  for (const OrgNode& node : orgs_) {
    const AuditPartyOrg& o = *node.org;
    if (!node.in_subtree || o.deleted) continue;
    const std::string name = org::PartyOrgName(o.id);
    const std::string text = Label(o.display_name, name);
    if (o.form != OrgForm::kPartyGroup && !node.has_secretary) {
      absl::CivilDay since = o.created;
      absl::string_view why = "自创建";
      if (node.last_secretary_end) {
        since = *node.last_secretary_end;
        why = "自上一任书记离任";
      } else if (o.established) {
        since = *o.established;
        why = "自成立";
      }
      const int64_t days = std::max<int64_t>(0, today - since);
      Add(rules::kNoSecretary, Severity::kError, {name},
          absl::StrCat(text, " 没有书记，", why, "（", Day(since), "）已空缺 ", days, " 天"));
    }
    if (IsBranch(o.form)) {
      if (node.full_members < kMinBranchFullMembers) {
        Add(rules::kBranchTooSmall, Severity::kWarning, {name},
            absl::StrCat(text, " 只有 ", node.full_members, " 名正式党员，少于 ",
                         kMinBranchFullMembers, " 名"));
      }
      if (node.full_members >= kCommitteeFullMembers && !node.has_committee_member) {
        Add(rules::kBranchWithoutCommittee, Severity::kWarning, {name},
            absl::StrCat(text, " 有 ", node.full_members, " 名正式党员（", kCommitteeFullMembers,
                         " 名以上应设支部委员会），但没有支委委员"));
      } else if (node.full_members >= kCommitteeFullMembers &&
                 (node.committee < kMinCommittee || node.committee > kMaxCommittee)) {
        Add(rules::kCommitteeSize, Severity::kWarning, {name},
            absl::StrCat(text, " 的支部委员会有 ", node.committee,
                         " 人（书记、副书记和委员），应为 ", kMinCommittee, " 至 ", kMaxCommittee,
                         " 人"));
      }
    }
    if (o.form == OrgForm::kJointBranch &&
        static_cast<int>(o.unit_ids.size()) > kMaxJointBranchUnits) {
      Add(rules::kJointBranchTooWide, Severity::kWarning, {name},
          absl::StrCat(text, " 联合了 ", o.unit_ids.size(), " 个单位，一般不超过 ",
                       kMaxJointBranchUnits, " 个"));
    }
    if (org::ElectionOverdue(o.term, o.form, today)) {
      const absl::CivilDay end = *org::TermEnd(o.term, o.form);
      Add(rules::kElectionOverdue, Severity::kWarning, {name},
          absl::StrCat(text, " 的任期已于 ", Day(end), " 届满",
                       o.term.postponed_until ? "（延期至 " : "",
                       o.term.postponed_until ? Day(*o.term.postponed_until) : "",
                       o.term.postponed_until ? "）" : "", "，换届已逾期 ",
                       today - std::max(end, o.term.postponed_until.value_or(end)), " 天"));
    }
    if (o.form == OrgForm::kPartyGroup && !node.has_group_leader) {
      Add(rules::kPartyGroupWithoutLeader, Severity::kWarning, {name},
          absl::StrCat(text, " 没有党小组长"));
    }
    // A branch of more than 50 could be a general branch; a general branch
    // of 100 or more a party committee.
    const bool large_branch = IsBranch(o.form) && node.members > kGeneralBranchMembers;
    const bool large_general =
        o.form == OrgForm::kGeneralBranch && node.members >= kPartyCommitteeMembers;
    if (large_branch || large_general) {
      const bool committee = node.members >= kPartyCommitteeMembers;
      Add(rules::kBranchLargeEnough, large_branch ? Severity::kWarning : Severity::kInfo, {name},
          absl::StrCat(text, " 有 ", node.members, " 名党员，已达到设立",
                       committee ? "党委" : "党总支", "的规模（",
                       committee ? absl::StrCat(kPartyCommitteeMembers, " 名以上")
                                 : absl::StrCat("超过 ", kGeneralBranchMembers, " 名"),
                       "）"));
    }
  }
}

void Auditor::CountCoverage() {
  // What the live organisations do for the units they are attached to.
  for (const OrgNode& node : orgs_) {
    const AuditPartyOrg& o = *node.org;
    if (!node.in_subtree || o.deleted) continue;
    Scopes branch_scopes;
    bool housing = false;  // attached to a housing compound, not only villages
    for (int64_t id : o.unit_ids) {
      UnitNode* unit = FindUnit(id);
      if (!unit || !unit->in_subtree || unit->unit->deleted) continue;
      const Level level = unit->unit->level;
      if (level == Level::kCompound) {
        housing = housing || !IsVillage(unit->unit->kind);
        if (CoversCompounds(o.form)) {
          unit->covered = true;
          if (node.has_first_secretary) unit->first_secretary = true;
        }
        if (IsCompoundBranch(o.form)) {
          for (int32_t scope : UnitScopes(*unit)) AddScope(branch_scopes, scope);
        }
      } else if (level == Level::kBuilding && o.form == OrgForm::kPartyGroup) {
        unit->party_group = true;
      }
    }
    for (int32_t scope : branch_scopes) {
      if (!housing) {
        ++Row(scope).village_branches;
        continue;
      }
      ++Row(scope).branches;
      if (node.has_secretary) ++Row(scope).branches_with_secretary;
      if (node.has_first_secretary) ++Row(scope).branches_with_first_secretary;
    }
  }

  for (int32_t u : subtree_) {
    const UnitNode& node = units_[u];
    const AuditUnit& unit = *node.unit;
    if (unit.deleted) continue;
    const std::string name = org::UnitName(unit.id);
    const std::string text = Label(unit.display_name, name);
    if (unit.level == Level::kCommunity) {
      for (int32_t scope : UnitScopes(node)) ++Row(scope).communities;
    } else if (unit.level == Level::kCompound) {
      const bool village = unit.kind == org::CompoundKind::kUrbanVillage;
      const bool rural = unit.kind == org::CompoundKind::kRuralConcentrated;
      const bool work_team_target =
          !unit.has_property_company || village || unit.kind == org::CompoundKind::kResettlement;
      const bool owners_committee_in_office =
          unit.has_owners_committee &&
          !(unit.owners_body_term_end && *unit.owners_body_term_end < in_.today);
      for (int32_t scope : UnitScopes(node)) {
        Coverage& row = Row(scope);
        ++row.compound_level_units;
        if (village) {
          ++row.urban_villages;
        } else if (rural) {
          ++row.rural_areas;
        } else {
          ++row.compounds;
          if (unit.has_property_company) {
            ++row.compounds_with_property;
            if (unit.red_property) ++row.compounds_with_red_property;
          }
        }
        if (node.covered) ++row.compound_level_units_covered;
        if (unit.has_owners_committee) {
          ++row.compounds_with_owners_committee;
          if (unit.red_owners_committee) ++row.compounds_with_red_owners_committee;
        }
        if (node.has_work_team) ++row.work_teams;
        if (work_team_target) {
          ++row.work_team_targets;
          if (node.has_work_team) ++row.work_team_targets_with_team;
        }
      }
      if (!node.covered) {
        Add(rules::kCompoundNotCovered, Severity::kError, {name},
            absl::StrCat(text, " 没有党支部覆盖"));
      }
      if (unit.has_property_company && !unit.red_property) {
        Add(rules::kPropertyNotRed, Severity::kInfo, {name},
            absl::StrCat(text, " 有物业企业，但不是红色物业"));
      }
      if (unit.red_owners_committee && !owners_committee_in_office) {
        Add(rules::kRedFlagWithoutOwnersCommittee, Severity::kError, {name},
            absl::StrCat(text, " 标为红色业委会，但",
                         unit.has_owners_committee ? "业委会已于 " : "没有业委会",
                         unit.has_owners_committee ? Day(*unit.owners_body_term_end) : "",
                         unit.has_owners_committee ? " 届满" : ""));
      }
      if (!unit.has_property_company && unit.property_mode != org::PropertyMode::kSelfManaged &&
          !node.has_work_team && !node.first_secretary) {
        Add(rules::kCompoundUnattended, Severity::kWarning, {name},
            absl::StrCat(text, " 没有物业管理，也没有工作队和第一书记"));
      }
    } else if (unit.level == Level::kBuilding) {
      for (int32_t scope : UnitScopes(node)) {
        Coverage& row = Row(scope);
        ++row.buildings;
        if (node.party_group) ++row.buildings_with_party_group;
        if (node.has_lead) ++row.buildings_with_lead;
      }
      if (!node.has_lead) {
        Add(rules::kBuildingWithoutLead, Severity::kInfo, {name},
            absl::StrCat(text, " 没有楼栋长"));
      }
    }
  }
}

// Head counts of people in roles, once per person in each row: first
// secretaries (208 people in Tianyuan), work-team cadres (415), and the
// communities whose party committee's secretary also directs the residents'
// committee (一肩挑).
void Auditor::CountPeopleInRoles() {
  for (auto* list : {&first_secretaries_, &cadres_}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  for (const auto& [person, scope] : first_secretaries_) ++Row(scope).first_secretaries;
  for (const auto& [person, scope] : cadres_) ++Row(scope).work_team_cadres;
  std::sort(community_secretaries_.begin(), community_secretaries_.end());
  community_secretaries_.erase(
      std::unique(community_secretaries_.begin(), community_secretaries_.end()),
      community_secretaries_.end());
  int64_t last = 0;
  for (const auto& [community, secretary] : community_secretaries_) {
    if (community == last) continue;
    auto director = residents_directors_.find(community);
    if (director == residents_directors_.end() || director->second != secretary) continue;
    const UnitNode* node = FindUnit(community);
    if (node == nullptr || node->unit->deleted || node->unit->level != Level::kCommunity) continue;
    last = community;
    for (int32_t scope : UnitScopes(*node)) ++Row(scope).communities_one_shoulder;
  }
}

// Active alliances per row, by kind; and whether each is still led by a live
// organisation covering its unit.
void Auditor::CountAlliances() {
  for (const AuditAlliance& a : in_.alliances) {
    if (a.state != org::AllianceState::kActive) continue;
    const UnitNode* unit = FindUnit(a.unit_id);
    if (unit == nullptr || !unit->in_subtree || unit->unit->deleted) continue;
    for (int32_t scope : UnitScopes(*unit)) {
      Coverage& row = Row(scope);
      ++row.alliances;
      ++(a.kind == org::AllianceKind::kCompound ? row.compound_alliances
                                                : row.neighbourhood_alliances);
    }
    const OrgNode* leader = FindOrg(a.leading_party_org_id);
    const bool led = leader != nullptr && !leader->org->deleted &&
                     std::find(leader->org->unit_ids.begin(), leader->org->unit_ids.end(),
                               a.unit_id) != leader->org->unit_ids.end();
    if (!led) {
      Add(rules::kAllianceWithoutLeader, Severity::kWarning,
          {org::AllianceName(a.id), org::PartyOrgName(a.leading_party_org_id)},
          absl::StrCat("联盟 ", Label(a.display_name, org::AllianceName(a.id)),
                       " 的牵头党组织已撤销或不再覆盖 ",
                       Label(unit->unit->display_name, org::UnitName(a.unit_id))));
    }
  }
}

// Residents' issues per row over the audit's period, the times to resolve
// by final level, and the issues and dispatches stuck past their due time.
void Auditor::CountCasework() {
  const absl::Time now = report_.audit_time;
  const absl::Time start = now - kCaseworkPeriod;
  const auto in_period = [&](absl::Time t) { return t > start && t <= now; };
  using casework::HandlingLevel;
  using casework::IssueState;
  std::vector<std::array<std::vector<absl::Duration>, kHandlingLevels>> times(rows_.size());
  absl::flat_hash_map<int64_t, const AuditIssue*> issues;
  const auto unit_text = [&](int64_t id) {
    const UnitNode* node = FindUnit(id);
    return node ? Label(node->unit->display_name, org::UnitName(id))
                : absl::StrCat("单位 ", org::UnitName(id));
  };
  for (const AuditIssue& issue : in_.issues) {
    const UnitNode* place = FindUnit(issue.place_id);
    if (place == nullptr || !place->in_subtree) continue;
    issues.emplace(issue.id, &issue);
    const Scopes scopes = UnitScopes(*place);
    const bool resolved_now =
        issue.state == IssueState::kResolved || issue.state == IssueState::kConfirmed;
    const bool resolved_in_period = in_period(issue.resolve_time);
    const int level = static_cast<int>(issue.handling_level) - 1;  // 0: the compound
    const bool open = casework::IsOpen(issue.state);
    const bool overdue =
        open && (issue.overdue || (issue.due_time != absl::InfinitePast() && issue.due_time < now));
    for (int32_t scope : scopes) {
      Coverage& row = Row(scope);
      row.issues_opened += in_period(issue.create_time);
      row.issues_closed +=
          (issue.state == IssueState::kConfirmed || issue.state == IssueState::kRejected) &&
          in_period(issue.close_time);
      if (resolved_in_period && (resolved_now || issue.state == IssueState::kReopened)) {
        ++row.issues_resolved_ever;
        row.issues_reopened += issue.state == IssueState::kReopened ||
                               issue.satisfaction == casework::Satisfaction::kDissatisfied;
      }
      if (resolved_now && resolved_in_period) {
        ++row.issues_resolved;
        row.issues_resolved_in_community += issue.handling_level <= HandlingLevel::kCommunity;
        row.issues_resolved_in_street += issue.handling_level <= HandlingLevel::kStreet;
        if (level >= 0 && level < static_cast<int>(kHandlingLevels)) {
          times[scope][level].push_back(issue.resolve_time - issue.create_time);
        }
      }
      row.issues_open += open;
      row.issues_open_overdue += overdue;
    }
    if (overdue) {
      const std::string name = casework::IssueName(issue.id);
      const std::string late =
          issue.due_time != absl::InfinitePast() && issue.due_time < now
              ? absl::StrCat("，已超过办理时限 ", Overdue(now - issue.due_time))
              : "，已超过办理时限";
      Add(rules::kIssueOverdue, Severity::kWarning, {name, org::UnitName(issue.handling_unit_id)},
          absl::StrCat("诉求 ", name, " 停在", Word(issue.handling_level, "未定"), "级（",
                       unit_text(issue.handling_unit_id), "）", late));
    }
  }
  for (size_t scope = 0; scope < times.size(); ++scope) {
    for (size_t level = 0; level < kHandlingLevels; ++level) {
      std::vector<absl::Duration>& list = times[scope][level];
      std::sort(list.begin(), list.end());
      ResolveTimes& out = rows_[scope]->resolve_times[level];
      out.resolved = static_cast<int64_t>(list.size());
      out.median = Percentile(list, 50);
      out.p90 = Percentile(list, 90);
    }
  }
  for (const AuditDispatch& d : in_.dispatches) {
    if (d.state != casework::DispatchState::kSummoned || d.due_time == absl::InfinitePast() ||
        d.due_time >= now || !issues.contains(d.issue_id)) {
      continue;
    }
    const std::string name = casework::DispatchName(d.issue_id, d.id);
    Add(rules::kDispatchNotAcknowledged, Severity::kWarning,
        {name, casework::IssueName(d.issue_id), org::UnitName(d.summoning_unit_id)},
        absl::StrCat("派单 ", name, "：", unit_text(d.summoning_unit_id), " 召集的 ", d.department,
                     " 未报到，已超过时限 ", Overdue(now - d.due_time)));
  }
}

// A person on a compound branch's committee who also sits on the owners
// committee of one of that branch's compounds; once per person in each row.
void Auditor::CountCrossAppointments() {
  if (owners_committee_.empty() || branch_committee_.empty()) return;
  absl::flat_hash_set<std::pair<int64_t, int64_t>> owners(owners_committee_.begin(),
                                                          owners_committee_.end());
  std::vector<std::pair<int64_t, int32_t>> matches;  // (person, unit index)
  for (const auto& [person, org_index] : branch_committee_) {
    const OrgNode& org = orgs_[org_index];
    if (!org.in_subtree) continue;
    for (int64_t id : org.org->unit_ids) {
      if (!owners.contains({person, id})) continue;
      const UnitNode* unit = FindUnit(id);
      if (unit && unit->in_subtree && !unit->unit->deleted &&
          unit->unit->level == Level::kCompound) {
        matches.emplace_back(person, unit_index_.at(id));
      }
    }
  }
  std::sort(matches.begin(), matches.end());
  for (size_t i = 0; i < matches.size();) {
    Scopes scopes;
    size_t j = i;
    for (; j < matches.size() && matches[j].first == matches[i].first; ++j) {
      for (int32_t scope : UnitScopes(units_[matches[j].second])) AddScope(scopes, scope);
    }
    for (int32_t scope : scopes) ++Row(scope).cross_appointments;
    i = j;
  }
}

// Double reporting (双报到). Registrations: in-service members with a current
// registration at a community of each row, and those with a post or a duty
// zone (Zhangping counts heads: "500多名…担任…", "3272名…定岗定责").
// Residents: in-service members living in each row, and those registered
// with the community they live in; one who is not is an INFO finding.
void Auditor::CountInService() {
  absl::flat_hash_set<std::pair<int64_t, int64_t>> registered;          // (person, community)
  std::vector<std::tuple<int64_t, int32_t, bool, bool>> registrations;  // person, scope, post, zone
  for (const AuditRegistration& r : in_.registrations) {
    if (!r.current) continue;
    registered.emplace(r.person_id, r.community_id);
    const PersonNode* person = FindPerson(r.person_id);
    const UnitNode* community = FindUnit(r.community_id);
    if (person == nullptr || person->person->deleted || community == nullptr) continue;
    for (int32_t scope : UnitScopes(*community)) {
      registrations.emplace_back(r.person_id, scope,
                                 r.post != roster::RegistrationPost::kUnspecified, r.has_duty_zone);
    }
  }
  // At most one current registration a person: counted once a row anyway.
  std::sort(registrations.begin(), registrations.end());
  for (size_t i = 0; i < registrations.size(); ++i) {
    const auto& [person, scope, post, zone] = registrations[i];
    if (i > 0 && std::get<0>(registrations[i - 1]) == person &&
        std::get<1>(registrations[i - 1]) == scope) {
      continue;
    }
    Coverage& row = Row(scope);
    ++row.registered_in_service;
    if (post) ++row.registered_with_post;
    if (zone) ++row.registered_with_duty_zone;
  }

  // The community containing a building: up the parents, a few steps.
  const auto home_community = [&](const UnitNode* node) -> const UnitNode* {
    for (int steps = 0; node && steps < org::kLevelCount; ++steps) {
      if (node->unit->level == Level::kCommunity) return node;
      node = node->unit->parent_id == 0 ? nullptr : FindUnit(node->unit->parent_id);
    }
    return nullptr;
  };
  for (const PersonNode& node : people_) {
    const AuditPerson& p = *node.person;
    if (p.deleted || !roster::IsPartyMember(p.party_status) ||
        p.category != roster::MemberCategory::kInService || p.residence_building_id == 0) {
      continue;
    }
    const UnitNode* home = FindUnit(p.residence_building_id);
    if (home == nullptr || !home->in_subtree || home->unit->deleted) continue;
    const UnitNode* community = home_community(home);
    const bool is_registered =
        community != nullptr && registered.contains({p.id, community->unit->id});
    for (int32_t scope : UnitScopes(*home)) {
      Coverage& row = Row(scope);
      ++row.in_service_residents;
      if (is_registered) ++row.in_service_residents_registered;
    }
    if (!is_registered && community != nullptr) {
      const std::string name = roster::PersonName(p.id);
      Add(rules::kInServiceNotRegistered, Severity::kInfo, {name},
          absl::StrCat("在职党员 ", Label(p.display_name, name), " 住在 ",
                       Label(community->unit->display_name, org::UnitName(community->unit->id)),
                       "，未向该社区报到"));
    }
  }
}

void Auditor::SortFindings() {
  std::vector<Finding>& findings = report_.findings;
  std::vector<std::string> keys;
  keys.reserve(findings.size());
  for (const Finding& f : findings) keys.push_back(f.Key());
  std::vector<size_t> order(findings.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const Finding& x = findings[a];
    const Finding& y = findings[b];
    if (x.severity != y.severity) return x.severity < y.severity;  // ERROR first
    if (x.rule != y.rule) return x.rule < y.rule;
    return keys[a] < keys[b];
  });
  std::vector<Finding> sorted;
  sorted.reserve(findings.size());
  for (size_t i : order) sorted.push_back(std::move(findings[i]));
  findings = std::move(sorted);
}

absl::StatusOr<AuditReport> Auditor::Run() {
  IndexUnits();
  if (absl::Status s = WalkSubtree(); !s.ok()) return s;
  report_.root_unit_id = in_.root_unit_id;
  report_.root_display_name = report_.totals.display_name;
  report_.org_revision = in_.org_revision;
  report_.roster_revision = in_.roster_revision;
  report_.casework_revision = in_.casework_revision;
  report_.today = in_.today;
  // Without a time, the end of the audit's day.
  report_.audit_time =
      in_.audit_time != absl::InfinitePast()
          ? in_.audit_time
          : absl::FromCivil(absl::CivilSecond(in_.today + 1), absl::FixedTimeZone(8 * 60 * 60));
  IndexOrgs();
  IndexPeople();
  ReadMemberships();
  ReadRoles();
  CheckPeople();
  CheckIdCardDuplicates();
  CheckOrgs();
  CountCoverage();
  CountCrossAppointments();
  CountInService();
  CountPeopleInRoles();
  CountAlliances();
  CountCasework();
  SortFindings();
  return std::move(report_);
}

}  // namespace

absl::StatusOr<AuditReport> RunAudit(const AuditInput& input) {
  Auditor auditor(input);
  return auditor.Run();
}

}  // namespace grassroots::audit
