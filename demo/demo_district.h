#ifndef GRASSROOTS_DEMO_DEMO_DISTRICT_H_
#define GRASSROOTS_DEMO_DEMO_DISTRICT_H_

// A demo district shaped like the ones in the source articles (../shared/
// DOMAIN.md): Tianyuan's 309 compounds, about two thirds with a property
// company, and 22 urban villages besides, each with its own branch; 211
// compound branches (some joint) covering every compound; 208 first
// secretaries, one each at 208 of them; 95 work teams of 415 cadres (a
// leader each) at compounds without a property company, resettlement
// compounds and urban villages, the cadres and first secretaries seconded
// (their relationships stay with their agencies); a residents' committee
// in every community, its director the party secretary in most (一肩挑);
// every in-service member registered where they live, most with a post;
// Zhangping-like building party
// groups, red owners committee and red property rates; deterministic
// Chinese names, valid ID-card numbers and phones, party members of every
// category, and a few deliberate rule violations. `scale` multiplies it.
//
// Pure data, no I/O: demo_loader.h loads it through the gateway (`orgctl
// demo`).

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
#include "org_service/external_org.h"
#include "org_service/party_org.h"
#include "org_service/unit.h"
#include "roster_service/membership.h"
#include "roster_service/person.h"
#include "roster_service/role.h"

namespace grassroots::demo {

// Entities refer to each other by index into their vectors (`parent` of a
// unit is an index into `units`, -1 for the district), because the real
// resource names exist only once loaded.
struct DemoUnit {
  int parent = -1;
  org::Level level = org::Level::kUnspecified;
  std::string display_name;
  std::string code;  // unique among siblings
  // Compounds.
  org::CompoundKind kind = org::CompoundKind::kUnspecified;
  bool has_property_company = false;
  bool red_property = false;
  bool has_owners_committee = false;
  bool red_owners_committee = false;
  bool self_managed = false;  // without a property company: the owners manage it
  int property_company = -1;  // index into external_orgs, with has_property_company
  int32_t households = 0;
  // Buildings.
  int32_t floors = 0;
};

struct DemoPartyOrg {
  int parent = -1;  // index into party_orgs, -1 for none
  org::OrgForm form = org::OrgForm::kUnspecified;
  std::string display_name;
  std::vector<int> units;  // indices into units
  absl::CivilDay established;
  // The current term began with the last election on a term boundary since
  // it was established: no election is overdue.
  absl::CivilDay term_start;
  // Compound branches: last year's rating (晋位升级) and stars.
  org::Rating rating = org::Rating::kUnspecified;
  int32_t rating_year = 0;
  int32_t stars = 0;
};

struct DemoRole {
  roster::Role role = roster::Role::kUnspecified;
  bool at_party_org = false;  // place: party_orgs[place] when true, units[place] else
  int place = 0;
  absl::CivilDay start;
  int sending_org = -1;  // seconded roles: index into external_orgs
};

// An organisation of the district's directory: the agencies that second
// first secretaries and work teams, and the property companies.
struct DemoExternalOrg {
  org::ExternalOrgKind kind = org::ExternalOrgKind::kUnspecified;
  std::string display_name;
  std::string credit_code;  // valid GB 32100
};

// One entry of an alliance's three lists, and how far it went.
struct DemoAllianceItem {
  org::ItemKind kind = org::ItemKind::kUnspecified;
  std::string title;
  org::ItemState state = org::ItemState::kOpen;
  int claimed_by = -1;  // index into external_orgs, for CLAIMED and DONE
};

// An alliance (Zhangping: 67 近邻党建联盟 of communities with the schools,
// hospitals and enterprises around them).
struct DemoAlliance {
  org::AllianceKind kind = org::AllianceKind::kUnspecified;
  int unit = 0;         // index into units
  int leading_org = 0;  // index into party_orgs: the organisation covering the unit
  std::string display_name;
  absl::CivilDay established;
  // Members: (role, index into external_orgs).
  std::vector<std::pair<org::AllianceMemberRole, int>> members;
  std::vector<DemoAllianceItem> items;
};

// One import row: a person, their membership and roles.
struct DemoPerson {
  std::string external_key;  // "demo-000123"
  std::string display_name;
  roster::Gender gender = roster::Gender::kUnspecified;
  absl::CivilDay birth_date;
  std::string id_card_number;   // valid GB 11643, matching birth date and gender
  std::string phone;            // valid mobile number
  int residence_building = -1;  // index into units, -1 for none
  std::string residence_room;
  roster::PartyStatus party_status = roster::PartyStatus::kNone;
  std::optional<absl::CivilDay> admission;
  roster::MemberCategory category = roster::MemberCategory::kUnspecified;
  int party_org = -1;  // membership: index into party_orgs, -1 for none
  std::optional<absl::CivilDay> membership_start;
  // Double reporting (双报到): the community an in-service member registered
  // with (index into units), -1 for none; the compound they serve, the post
  // taken and the duty zone.
  int registered_community = -1;
  int registered_compound = -1;
  roster::RegistrationPost registration_post = roster::RegistrationPost::kUnspecified;
  std::string duty_zone;
  std::vector<DemoRole> roles;
};

// A department summoned to a street's issue (街道吹哨、部门报到). Times are
// relative to the load: `created_ago` before it; `due_in` after it
// (negative: already past).
struct DemoDispatch {
  std::string department_name;  // "区住建局"
  casework::DispatchState state = casework::DispatchState::kSummoned;
  std::string request;
  absl::Duration created_ago;
  absl::Duration due_in;
  absl::Duration acknowledged_ago;  // ACKNOWLEDGED and REPORTED
  absl::Duration reported_ago;      // REPORTED
};

// A resident's issue of the last year, imported with its history
// (ImportIssues). Times are relative to the load, so that the year is
// always the last one: `created_ago` before it, `resolved_ago` and
// `closed_ago` (when set) after the creation and before the load; `due_in`
// for an open issue after the load (negative: overdue).
struct DemoIssue {
  std::string external_key;  // "DEMO-17"
  int place = 0;             // index into units: a building, compound or community
  casework::Category category = casework::Category::kUnspecified;
  casework::Channel channel = casework::Channel::kUnspecified;
  std::string title;  // a generic title, no personal data
  casework::IssueState state = casework::IssueState::kUnspecified;
  casework::HandlingLevel level = casework::HandlingLevel::kUnspecified;
  casework::Satisfaction satisfaction = casework::Satisfaction::kUnspecified;
  absl::Duration created_ago;
  std::optional<absl::Duration> resolved_ago, closed_ago;
  absl::Duration due_in;  // open issues only
  std::vector<DemoDispatch> dispatches;
};

// The casework figures of the demo's issues, counted as the audit counts
// them (docs/audit.md) over the last year: all of them were reported in it.
struct DemoCaseworkFigures {
  int64_t issues = 0;
  int64_t closed = 0;    // CONFIRMED and REJECTED
  int64_t resolved = 0;  // RESOLVED and CONFIRMED
  int64_t resolved_in_community = 0, resolved_in_street = 0;
  int64_t resolved_ever = 0;  // resolved, and REOPENED
  int64_t reopened = 0;
  int64_t open = 0, open_overdue = 0;
  int64_t suggestions = 0, suggestions_resolved = 0, suggestions_rejected = 0;
  int64_t dispatches = 0;
  // The times to resolve of the resolved ones, by final level (index 0 the
  // compound), in increasing order.
  std::array<std::vector<absl::Duration>, 4> resolve_times;
};

// A violation planted on purpose, with the rule it breaks (audit/audit_rules.h)
// and what it involves, as indices.
struct PlantedViolation {
  std::string rule;
  std::vector<int> units, party_orgs, people;
};

// The figures the generator was asked for, to compare with the audit.
// `compounds` are the housing compounds (小区); urban villages come in
// addition ("另有城中村22个").
struct DemoFigures {
  int64_t streets = 0, communities = 0, compounds = 0, urban_villages = 0;
  int64_t compounds_with_property = 0, compounds_with_red_property = 0;
  int64_t compounds_with_owners_committee = 0, compounds_with_red_owners_committee = 0;
  // Branches of housing compounds (Tianyuan: 211), and of villages.
  int64_t compound_branches = 0, joint_branches = 0, village_branches = 0;
  int64_t compounds_covered = 0;  // housing compounds covered by a branch
  int64_t first_secretaries = 0;  // people, one per branch that has one
  // Work teams: the target compounds and villages, those with a team, and
  // the cadres (leaders and members).
  int64_t work_team_targets = 0, work_teams = 0, work_team_members = 0;
  int64_t buildings = 0, buildings_with_party_group = 0, buildings_with_lead = 0;
  int64_t people = 0, party_members = 0;
  // In-service party members living in the district, those registered with
  // the community they live in, and those with a post.
  int64_t in_service_residents = 0, in_service_registered = 0, registered_with_post = 0;
  // Communities whose party committee's secretary directs the residents'
  // committee (一肩挑).
  int64_t communities_one_shoulder = 0;
  int64_t alliances = 0;  // active, all neighbourhood alliances
};

struct DemoDistrict {
  std::vector<DemoExternalOrg> external_orgs;  // of the district's directory
  std::vector<DemoUnit> units;                 // units[0] is the district; parents before children
  std::vector<DemoPartyOrg> party_orgs;        // parents before children
  std::vector<DemoAlliance> alliances;
  std::vector<DemoPerson> people;
  DemoFigures figures;
  std::vector<PlantedViolation> violations;
  // A year of residents' issues in the first street (empty without
  // DemoOptions::casework), and the stuck ones planted among them: open
  // issues past their due time at the district (issue-overdue), and
  // dispatches a department has not acknowledged in time
  // (dispatch-not-acknowledged), as (issue, dispatch) indices.
  std::vector<DemoIssue> issues;
  DemoCaseworkFigures casework;
  std::vector<int> overdue_issues;
  std::vector<std::pair<int, int>> unacknowledged_dispatches;
};

// The demo's year of issues (Zhangping's 菁城街道 shape, seed 003): more than
// 1,000 resolved, most at the compound or community, fewer at the street, a
// few at the district; 367 suggestions of which 134 were adopted and
// resolved, the other 233 REJECTED as not adopted; a few reopened, a few
// still open and due later, some with departments summoned. With planted
// violations, also kDemoOverdueIssues open issues stuck past their due time
// at the district and kDemoUnacknowledgedDispatches dispatches summoned and
// not acknowledged past theirs.
inline constexpr int kDemoResolvedIssues = 1100;  // besides the adopted suggestions
inline constexpr int kDemoSuggestions = 367;
inline constexpr int kDemoSuggestionsAdopted = 134;
inline constexpr int kDemoOverdueIssues = 3;
inline constexpr int kDemoUnacknowledgedDispatches = 2;

// Which article the district is shaped like.
enum class DemoProfile : int8_t {
  // Tianyuan (seed 000): 309 compounds and 22 urban villages, 211 branches,
  // 208 first secretaries, 95 work teams of 415 cadres.
  kTianyuan,
  // Zhangping (seed 003): 221 compound party organisations, 465 building
  // party groups, red owners committees in 90.16% of the compounds that
  // have an owners committee (55 of 61), red property in every compound
  // with a property company, 78 branch committee members on owners
  // committees, 500-odd registered in-service members with posts, 67
  // neighbourhood party alliances (近邻党建联盟) with their three lists. No work
  // teams or first secretaries are reported there: compounds without a
  // property company manage themselves.
  kZhangping,
};

struct DemoOptions {
  DemoProfile profile = DemoProfile::kTianyuan;
  // Multiplies everything (streets, communities, compounds, people). 1 is
  // the Tianyuan-sized district (2,478 buildings, 8,772 people); about 40
  // gives 10^5 buildings, about 115 gives 10^6 people.
  double scale = 1;
  // The violations are few and named (PlantedViolation); off for
  // benchmarks that want a clean city.
  bool plant_violations = true;
  // The share of people kept, for a city whose people are fewer per unit
  // than Tianyuan's (about 3 a unit): 1 keeps everyone; 0.3 with scale 350
  // gives about 10^6 units and 10^6 people. The people kept are spread
  // evenly over the district, and everyone who leads a party organisation
  // (secretaries, deputies, committee members, group leaders, first
  // secretaries) is kept whatever the share, so that the organisations stay
  // led; branches lose ordinary members, so an audit finds more small ones.
  // 0 keeps only those leaders. Planted violations whose people are gone
  // are dropped.
  double people_fraction = 1;
  // Each person also volunteers (VOLUNTEER, allowed at any unit below the
  // district) where they live, or, without a home here, at the first unit
  // where they already hold a role or that their party organisation covers:
  // about two roles a person, for benchmarks of the roster's memory. People
  // who already volunteer there get nothing more. Decided without the random
  // stream, so the rest of the district is the same either way.
  bool second_role = false;
  // A year of residents' issues in the first street (DemoDistrict::issues).
  bool casework = true;
  // "Today" for ages, admissions and dates.
  absl::CivilDay today = absl::CivilDay(2026, 11, 23);
};

// Deterministic: the same options give the same district, byte for byte.
DemoDistrict GenerateDemoDistrict(const DemoOptions& options);

}  // namespace grassroots::demo

#endif  // GRASSROOTS_DEMO_DEMO_DISTRICT_H_
