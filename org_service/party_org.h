#ifndef GRASSROOTS_ORG_SERVICE_PARTY_ORG_H_
#define GRASSROOTS_ORG_SERVICE_PARTY_ORG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "org_service/unit.h"

namespace grassroots::org {

// The form of a party organisation. Values match the proto and the database.
enum class OrgForm : int8_t {
  kUnspecified = 0,
  kWorkingCommittee = 1,  // 街道大党工委
  kPartyCommittee = 2,    // 社区大党委, or a large compound's 党委
  kGeneralBranch = 3,     // 党总支
  kBranch = 4,            // 小区党支部
  kJointBranch = 5,       // 联合党支部
  kFunctionalBranch = 6,  // 功能型党支部
  kPartyGroup = 7,        // 楼栋党小组
};

enum class Rating : int8_t { kUnspecified = 0, kAdvanced = 1, kOrdinary = 2, kLagging = 3 };

bool IsValidForm(OrgForm form);
absl::string_view FormName(OrgForm form);  // "BRANCH"
std::optional<OrgForm> ParseFormName(absl::string_view name);
absl::string_view RatingName(Rating rating);
std::optional<Rating> ParseRatingName(absl::string_view name);

// Rank of a form in the party hierarchy: 0 for a working committee down to 4
// for a party group. An organisation's parent must rank above it.
int FormRank(OrgForm form);

// Functional branches are formed by purpose, not by place: they never answer
// "which organisation covers this unit", and coverage limits ignore them.
inline bool IsTerritorial(OrgForm form) { return form != OrgForm::kFunctionalBranch; }

// The tier at which a territorial form covers its unit (its FormRank): two
// live organisations of one tier may not cover the same unit (two branches
// for one compound). -1 for the forms without that limit (functional
// branches, and an unspecified form).
inline int CoverageTier(OrgForm form) {
  return IsTerritorial(form) && form != OrgForm::kUnspecified ? FormRank(form) : -1;
}

// What an organisation of a form may cover (DOMAIN.md, "four-level
// hierarchy"): the unit levels, how many units, and whether they must share
// one parent unit (a joint branch joins compounds of one community).
struct CoverageRule {
  std::vector<Level> levels;
  int min_units = 0;
  int max_units = 0;
  bool same_parent = false;
};
const CoverageRule& CoverageRuleFor(OrgForm form);

// A rating for one year (晋位升级, 达标创星: seed 003).
struct RatingRecord {
  int32_t year = 0;
  Rating rating = Rating::kUnspecified;
  int32_t stars = 0;           // 0..5
  bool rectification = false;  // 整改: ordered to rectify

  bool operator==(const RatingRecord&) const = default;
};

// The current term of an organisation's committee (or secretary).
//
// The 2018 (revised 2020) regulations on the election work of grassroots
// party organisations (中国共产党基层组织选举工作条例) set the terms: community
// (社区) party organisations serve 5 years — the community's party
// committee and the branches under it, compound branches included — as do
// the street's working committee; other branches (here: functional branches,
// formed by purpose rather than in a community) generally serve 3. An
// election may be postponed by at most a year.
struct Term {
  std::optional<absl::CivilDay> start;  // the election that began it; unset: not recorded
  int32_t years = 0;                    // 0: the form's default (DefaultTermYears)
  std::optional<absl::CivilDay> postponed_until;

  bool operator==(const Term&) const = default;
};

int32_t DefaultTermYears(OrgForm form);

// When the term ends (start + years), nullopt without a start.
std::optional<absl::CivilDay> TermEnd(const Term& term, OrgForm form);

// Whether an election is overdue on `today`: the term has ended and no
// postponement reaches today.
bool ElectionOverdue(const Term& term, OrgForm form, absl::CivilDay today);

inline constexpr int32_t kMaxTermYears = 5;
inline constexpr int32_t kMaxStars = 5;

struct PartyOrg {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0: none
  OrgForm form = OrgForm::kUnspecified;
  std::string display_name;
  // The covered units, ascending and without duplicates.
  std::vector<int64_t> unit_ids;
  std::optional<absl::CivilDay> established_date;
  Rating rating = Rating::kUnspecified;
  Term term;
  // By year, ascending, at most one a year.
  std::vector<RatingRecord> ratings;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  bool deleted = false;
  absl::Time delete_time = absl::UnixEpoch();
  int64_t delete_revision = 0;
  int64_t revision = 0;

  bool operator==(const PartyOrg&) const = default;
};

std::string PartyOrgName(int64_t id);  // "partyOrgs/7"
absl::StatusOr<int64_t> ParsePartyOrgName(absl::string_view name, absl::string_view field);

inline constexpr size_t kMaxCoveredUnits = 1000;

// Checks what can be checked without other resources: form, display name,
// rating, the number of covered units for the form, the established date,
// the term (years 1..5, a postponement of at most a year past the term's
// end) and the ratings (years 1949..2200 ascending and distinct, stars 0..5).
// Sorts and de-duplicates nothing: duplicates are INVALID_ARGUMENT.
absl::Status ValidatePartyOrgFields(const PartyOrg& org, absl::string_view field_prefix);

// A date in 1900..2200, as the proto's grassroots.type.Date allows.
absl::Status ValidateCivilDay(const absl::CivilDay& day, absl::string_view field);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_PARTY_ORG_H_
