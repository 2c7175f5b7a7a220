#ifndef GRASSROOTS_AUDIT_AUDIT_MODEL_H_
#define GRASSROOTS_AUDIT_AUDIT_MODEL_H_

// What the nightly audit reads and what it reports. Pure C++ (abseil and the
// services' domain enums): the reader (gRPC, through the gateway) fills an
// AuditInput at one pinned revision of each service; RunAudit computes the
// report; the writers turn it into JSON, Markdown and HTML.
//
// The input is compact on purpose: a city (10^5 buildings, 10^6 people,
// 2×10^6 roles) must fit in memory, streamed in page by page.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "org_service/alliance.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/membership.h"
#include "roster_service/person.h"
#include "roster_service/role.h"

namespace grassroots::audit {

// --- Input: what the services hold, as the audit needs it.

struct AuditUnit {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0 for a district
  org::Level level = org::Level::kUnspecified;
  std::string display_name;
  bool deleted = false;
  // Compounds only.
  org::CompoundKind kind = org::CompoundKind::kUnspecified;
  bool has_property_company = false;
  bool red_property = false;
  bool has_owners_committee = false;
  bool red_owners_committee = false;
  org::PropertyMode property_mode = org::PropertyMode::kUnspecified;
  org::OwnersBodyKind owners_body = org::OwnersBodyKind::kNone;
  std::optional<absl::CivilDay> owners_body_term_end;
};

struct AuditPartyOrg {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0 when none
  org::OrgForm form = org::OrgForm::kUnspecified;
  std::string display_name;
  std::vector<int64_t> unit_ids;
  std::optional<absl::CivilDay> established;  // established_date
  absl::CivilDay created;                     // create_time, in China's time zone
  org::Term term;                             // unset start: not recorded
  bool deleted = false;
};

struct AuditAlliance {
  int64_t id = 0;
  org::AllianceKind kind = org::AllianceKind::kUnspecified;
  int64_t unit_id = 0;
  int64_t leading_party_org_id = 0;
  std::string display_name;
  org::AllianceState state = org::AllianceState::kUnspecified;
};

struct AuditPerson {
  int64_t id = 0;
  std::string display_name;
  roster::PartyStatus party_status = roster::PartyStatus::kUnspecified;
  roster::MemberCategory category = roster::MemberCategory::kUnspecified;
  std::optional<absl::CivilDay> admission;
  // As the service returned it: unmasked only for an auditor with the
  // personal-data grant. Masked numbers (with '*') are not checked.
  std::string id_card_number;
  int64_t residence_building_id = 0;  // 0 when none
  int32_t probation_extension_months = 0;
  bool deleted = false;
};

struct AuditMembership {
  int64_t person_id = 0;
  int64_t party_org_id = 0;
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  bool current = false;
};

struct AuditRegistration {
  int64_t person_id = 0;
  int64_t community_id = 0;
  int64_t compound_id = 0;  // 0 when none
  roster::RegistrationPost post = roster::RegistrationPost::kUnspecified;
  bool has_duty_zone = false;
  bool current = false;
};

struct AuditRole {
  int64_t id = 0;
  int64_t person_id = 0;
  roster::Role role = roster::Role::kUnspecified;
  roster::Place place;
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;
  bool current = false;
};

// A resident's issue (诉求), as the audit needs it: never its free text
// (title, description and resolution may carry personal data) nor who
// reported it. Times are unset (absl::InfinitePast()) when the service left
// them unset.
struct AuditIssue {
  int64_t id = 0;
  int64_t place_id = 0;          // the building, compound or community
  int64_t handling_unit_id = 0;  // the unit at handling_level
  casework::HandlingLevel handling_level = casework::HandlingLevel::kUnspecified;
  casework::Category category = casework::Category::kUnspecified;
  casework::IssueState state = casework::IssueState::kUnspecified;
  casework::Satisfaction satisfaction = casework::Satisfaction::kUnspecified;
  bool overdue = false;  // as the service said when read
  absl::Time create_time = absl::InfinitePast();
  absl::Time resolve_time = absl::InfinitePast();
  absl::Time close_time = absl::InfinitePast();
  absl::Time due_time = absl::InfinitePast();
  std::string external_key;  // the other system's ticket number, when imported
};

// A department summoned to an issue (街道吹哨、部门报到).
struct AuditDispatch {
  int64_t issue_id = 0;
  int64_t id = 0;
  int64_t summoning_unit_id = 0;
  // department_org's name when there is one (externalOrgs/N), else the name.
  std::string department;
  casework::DispatchState state = casework::DispatchState::kUnspecified;
  absl::Time due_time = absl::InfinitePast();
};

// Everything under the audited unit, read at one revision of each service.
// Units and party organisations include deleted ones (so that a role at a
// deleted place is told apart from one at an unknown place). People,
// memberships, registrations and roles are the whole roster: the audit
// decides which of them belong to the subtree.
struct AuditInput {
  int64_t root_unit_id = 0;
  int64_t org_revision = 0;
  int64_t roster_revision = 0;
  int64_t casework_revision = 0;
  absl::CivilDay today;  // in China's time zone
  // When the audit ran: issues are overdue against it, and the casework
  // figures count the period of kCaseworkPeriod before it. Unset
  // (InfinitePast): the end of `today` in China's time zone.
  absl::Time audit_time = absl::InfinitePast();
  // Whether the memberships are all there: false when the reader's scope is
  // narrower than every district, so that memberships sitting outside it
  // were filtered out. The rules that count a person's relationships are
  // then not run (they would see a member transferred out as having none).
  bool complete_roster = true;
  std::vector<AuditUnit> units;
  std::vector<AuditPartyOrg> party_orgs;
  // The live alliances at the root or below it.
  std::vector<AuditAlliance> alliances;
  std::vector<AuditPerson> people;
  std::vector<AuditMembership> memberships;
  std::vector<AuditRegistration> registrations;
  std::vector<AuditRole> roles;
  // The issues at or below the root, and the dispatches the reader fetched
  // (those of the open issues handled by a street or the district).
  std::vector<AuditIssue> issues;
  std::vector<AuditDispatch> dispatches;
};

// The casework figures' period: the 365 days before the audit's time.
inline constexpr absl::Duration kCaseworkPeriod = absl::Hours(24 * 365);

// --- Output.

enum class Severity : int8_t { kError, kWarning, kInfo };
absl::string_view SeverityName(Severity severity);  // "ERROR"

// One rule broken somewhere. `rule` is stable (it names the rule in reports
// and in --previous comparisons); `resources` are resource names
// ("units/7", "partyOrgs/3", "people/12", "roleAssignments/9"), the first
// being where the finding belongs.
struct Finding {
  std::string rule;
  Severity severity = Severity::kInfo;
  std::vector<std::string> resources;
  std::string message;  // one sentence in plain language, Chinese names included

  // What identifies the finding across runs: the rule and the resources.
  std::string Key() const;
};

// Times to resolve at one handling level: how many, the median and the 90th
// percentile (nearest rank: the smallest time with at least 50% / 90% of
// the times at or below it). Zero when there are none.
struct ResolveTimes {
  int64_t resolved = 0;
  absl::Duration median;
  absl::Duration p90;
  bool operator==(const ResolveTimes&) const = default;
};
inline constexpr size_t kHandlingLevels = 4;  // compound, community, street, district

// The figures a district reports upward, for one street, one community or
// the whole audited subtree. Rates are computed from these by the writers
// (a rate with a zero denominator is shown as "—").
struct Coverage {
  int64_t unit_id = 0;
  // The unit's parent (AuditUnit::parent_id): a community's street, by which
  // the writers group communities under their street; 0 for a district.
  int64_t parent_id = 0;
  std::string display_name;
  org::Level level = org::Level::kUnspecified;

  int64_t communities = 0;
  // Compound-level units (COMPOUND) are housing compounds, urban villages
  // and rural concentrated areas. Tianyuan's "300多个小区…另有城中村22个"
  // counts the villages apart: `compounds` are the housing compounds only.
  int64_t compounds = 0;
  int64_t urban_villages = 0;
  int64_t rural_areas = 0;
  int64_t compound_level_units = 0;  // the sum of the three
  // Compound-level units covered by a branch attached to them (own or joint
  // branch, general branch; functional branches do not cover).
  int64_t compound_level_units_covered = 0;
  // Compound-level organisations (not groups) attached to a housing
  // compound (Tianyuan: 211), and those attached only to villages.
  int64_t branches = 0;
  int64_t village_branches = 0;
  int64_t branches_with_secretary = 0;
  // First secretaries are sent to branches (208 people for 211 branches in
  // Tianyuan): branches with one, and the head count of the people.
  int64_t branches_with_first_secretary = 0;
  int64_t first_secretaries = 0;
  int64_t compounds_with_property = 0;      // housing compounds with a company
  int64_t compounds_with_red_property = 0;  // rate over compounds_with_property
  // Zhangping's 90.16%: over compounds (any compound-level unit) that have
  // an owners committee.
  int64_t compounds_with_owners_committee = 0;
  int64_t compounds_with_red_owners_committee = 0;
  // Work teams go to compounds without a property company, resettlement
  // compounds and urban villages (无物业小区、安置小区和城中村).
  int64_t work_team_targets = 0;
  int64_t work_team_targets_with_team = 0;
  int64_t work_teams = 0;        // compound-level units with a current team
  int64_t work_team_cadres = 0;  // people on those teams (members and leaders)
  int64_t buildings = 0;
  int64_t buildings_with_party_group = 0;
  int64_t buildings_with_lead = 0;
  // People on a compound branch's committee (secretary, deputy, committee
  // member) who are also owners-committee members of that compound.
  int64_t cross_appointments = 0;
  // Double reporting (双报到): in-service members with a current
  // registration at a community here, those with a post, those with a duty
  // zone (Zhangping: 500+ with posts, 3,272 with duty zones).
  int64_t registered_in_service = 0;
  int64_t registered_with_post = 0;
  int64_t registered_with_duty_zone = 0;
  // In-service party members living here, and those of them registered with
  // the community they live in.
  int64_t in_service_residents = 0;
  int64_t in_service_residents_registered = 0;
  // 一肩挑: communities whose party committee's secretary also directs the
  // residents' committee.
  int64_t communities_one_shoulder = 0;
  // Active alliances at a unit here (Zhangping: 67 近邻党建联盟): the
  // compounds' "1+4+X" and the communities' and streets' neighbourhood
  // alliances.
  int64_t alliances = 0;
  int64_t compound_alliances = 0;
  int64_t neighbourhood_alliances = 0;
  // Residents' issues (诉求) at a place here, over the audit's period (the
  // kCaseworkPeriod before its time): reported (create_time in it); closed
  // (CONFIRMED or REJECTED, close_time in it); resolved (RESOLVED or
  // CONFIRMED now, resolve_time in it), and of those the ones whose final
  // level was the compound or community (小事不出社区) and at most the street
  // (大事不出街道); resolved in the period whatever happened since
  // (RESOLVED, CONFIRMED or REOPENED now), and of those the reopened ones
  // (REOPENED now, or resolved again with the resident DISSATISFIED).
  int64_t issues_opened = 0;
  int64_t issues_closed = 0;
  int64_t issues_resolved = 0;
  int64_t issues_resolved_in_community = 0;
  int64_t issues_resolved_in_street = 0;
  int64_t issues_resolved_ever = 0;
  int64_t issues_reopened = 0;
  // Open now (whenever reported), and of those past their due time.
  int64_t issues_open = 0;
  int64_t issues_open_overdue = 0;
  // Time to resolve (resolve_time - create_time) of the resolved ones above,
  // by their final level: index 0 the compound ... 3 the district.
  std::array<ResolveTimes, kHandlingLevels> resolve_times;
};

struct AuditReport {
  int64_t root_unit_id = 0;
  std::string root_display_name;
  int64_t org_revision = 0;
  int64_t roster_revision = 0;
  int64_t casework_revision = 0;
  absl::CivilDay today;
  // The casework figures' period ends here (AuditInput::audit_time), to the
  // second.
  absl::Time audit_time = absl::UnixEpoch();
  std::vector<Coverage> streets;      // in unit id order
  std::vector<Coverage> communities;  // in unit id order
  Coverage totals;
  std::vector<Finding> findings;  // by severity, then rule, then key

  bool HasErrors() const;
};

}  // namespace grassroots::audit

#endif  // GRASSROOTS_AUDIT_AUDIT_MODEL_H_
