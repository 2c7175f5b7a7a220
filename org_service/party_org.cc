#include "org_service/party_org.h"

#include <algorithm>
#include <array>

#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

constexpr std::array<absl::string_view, 8> kFormNames = {
    "FORM_UNSPECIFIED", "WORKING_COMMITTEE", "PARTY_COMMITTEE",   "GENERAL_BRANCH",
    "BRANCH",           "JOINT_BRANCH",      "FUNCTIONAL_BRANCH", "PARTY_GROUP"};
constexpr std::array<absl::string_view, 4> kRatingNames = {"RATING_UNSPECIFIED", "ADVANCED",
                                                           "ORDINARY", "LAGGING"};

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace

bool IsValidForm(OrgForm form) {
  return form >= OrgForm::kWorkingCommittee && form <= OrgForm::kPartyGroup;
}

absl::string_view FormName(OrgForm form) {
  const int i = static_cast<int>(form);
  return i >= 0 && i < static_cast<int>(kFormNames.size()) ? kFormNames[i] : "FORM_UNKNOWN";
}

std::optional<OrgForm> ParseFormName(absl::string_view name) {
  for (size_t i = 1; i < kFormNames.size(); ++i) {
    if (kFormNames[i] == name) return static_cast<OrgForm>(i);
  }
  return std::nullopt;
}

absl::string_view RatingName(Rating rating) {
  const int i = static_cast<int>(rating);
  return i >= 0 && i < static_cast<int>(kRatingNames.size()) ? kRatingNames[i] : "RATING_UNKNOWN";
}

std::optional<Rating> ParseRatingName(absl::string_view name) {
  for (size_t i = 1; i < kRatingNames.size(); ++i) {
    if (kRatingNames[i] == name) return static_cast<Rating>(i);
  }
  return std::nullopt;
}

int FormRank(OrgForm form) {
  switch (form) {
    case OrgForm::kWorkingCommittee:
      return 0;
    case OrgForm::kPartyCommittee:
      return 1;
    case OrgForm::kGeneralBranch:
      return 2;
    case OrgForm::kBranch:
    case OrgForm::kJointBranch:
    case OrgForm::kFunctionalBranch:
      return 3;
    case OrgForm::kPartyGroup:
      return 4;
    case OrgForm::kUnspecified:
      break;
  }
  return 5;
}

const CoverageRule& CoverageRuleFor(OrgForm form) {
  static const CoverageRule kWorking{{Level::kStreet}, 1, 1, false};
  static const CoverageRule kCommittee{{Level::kCommunity, Level::kCompound}, 1, 1, false};
  static const CoverageRule kGeneral{{Level::kCompound}, 1, kMaxCoveredUnits, true};
  static const CoverageRule kBranchRule{{Level::kCompound}, 1, 1, false};
  static const CoverageRule kJoint{{Level::kCompound}, 2, kMaxCoveredUnits, true};
  static const CoverageRule kFunctional{
      {Level::kCompound, Level::kBuilding}, 0, kMaxCoveredUnits, false};
  static const CoverageRule kGroup{{Level::kBuilding}, 1, kMaxCoveredUnits, true};
  static const CoverageRule kNone{{}, 0, 0, false};
  switch (form) {
    case OrgForm::kWorkingCommittee:
      return kWorking;
    case OrgForm::kPartyCommittee:
      return kCommittee;
    case OrgForm::kGeneralBranch:
      return kGeneral;
    case OrgForm::kBranch:
      return kBranchRule;
    case OrgForm::kJointBranch:
      return kJoint;
    case OrgForm::kFunctionalBranch:
      return kFunctional;
    case OrgForm::kPartyGroup:
      return kGroup;
    case OrgForm::kUnspecified:
      break;
  }
  return kNone;
}

std::string PartyOrgName(int64_t id) { return FormatResourceName("partyOrgs", id); }

absl::StatusOr<int64_t> ParsePartyOrgName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "partyOrgs", field);
}

absl::Status ValidateCivilDay(const absl::CivilDay& day, absl::string_view field) {
  if (day.year() < 1900 || day.year() > 2200) {
    return Invalid(field, "year must be between 1900 and 2200");
  }
  return absl::OkStatus();
}

absl::Status ValidatePartyOrgFields(const PartyOrg& org, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (!IsValidForm(org.form)) {
    return Invalid(field("form"),
                   "is required: one of WORKING_COMMITTEE, PARTY_COMMITTEE, "
                   "GENERAL_BRANCH, BRANCH, JOINT_BRANCH, FUNCTIONAL_BRANCH, "
                   "PARTY_GROUP");
  }
  if (auto s = ValidateDisplayName(org.display_name, field("display_name")); !s.ok()) return s;
  if (static_cast<int>(org.rating) < 0 || static_cast<int>(org.rating) > 3) {
    return Invalid(field("rating"), "is not a known rating");
  }
  const CoverageRule& rule = CoverageRuleFor(org.form);
  const int n = static_cast<int>(org.unit_ids.size());
  if (n < rule.min_units || n > rule.max_units) {
    const std::string expected =
        rule.min_units == rule.max_units
            ? absl::StrCat("exactly ", rule.min_units)
            : absl::StrCat("between ", rule.min_units, " and ", rule.max_units);
    return Invalid(field("units"),
                   absl::StrCat("a ", FormName(org.form), " covers ", expected,
                                rule.max_units == 1 ? " unit" : " units", "; got ", n));
  }
  std::vector<int64_t> sorted = org.unit_ids;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return Invalid(field("units"), "names a unit twice");
  }
  if (org.established_date) {
    RETURN_IF_ERROR(ValidateCivilDay(*org.established_date, field("established_date")));
  }
  const Term& term = org.term;
  if (term.years < 0 || term.years > kMaxTermYears) {
    return Invalid(field("term.years"), "must be 1..5, or 0 for the form's default");
  }
  if (term.start) RETURN_IF_ERROR(ValidateCivilDay(*term.start, field("term.start_date")));
  if (term.postponed_until) {
    if (!term.start) return Invalid(field("term.postponed_until"), "needs term.start_date");
    const absl::CivilDay end = *TermEnd(term, org.form);
    const absl::CivilDay latest(end.year() + 1, end.month(), end.day());
    if (*term.postponed_until < end || *term.postponed_until > latest) {
      return Invalid(
          field("term.postponed_until"),
          absl::StrCat("an election is postponed by at most a year: between ",
                       absl::FormatCivilTime(end), " and ", absl::FormatCivilTime(latest)));
    }
  }
  for (size_t i = 0; i < org.ratings.size(); ++i) {
    const RatingRecord& r = org.ratings[i];
    const std::string at = field(absl::StrCat("ratings[", i, "]"));
    if (r.year < 1949 || r.year > 2200) return Invalid(at + ".year", "must be 1949..2200");
    if (i > 0 && r.year <= org.ratings[i - 1].year) {
      return Invalid(at + ".year", "ratings are one a year, in ascending years");
    }
    if (static_cast<int>(r.rating) < 0 || static_cast<int>(r.rating) > 3) {
      return Invalid(at + ".rating", "is not a known rating");
    }
    if (r.stars < 0 || r.stars > kMaxStars) return Invalid(at + ".stars", "must be 0..5");
  }
  return absl::OkStatus();
}

int32_t DefaultTermYears(OrgForm form) { return form == OrgForm::kFunctionalBranch ? 3 : 5; }

std::optional<absl::CivilDay> TermEnd(const Term& term, OrgForm form) {
  if (!term.start) return std::nullopt;
  const int32_t years = term.years > 0 ? term.years : DefaultTermYears(form);
  return absl::CivilDay(term.start->year() + years, term.start->month(), term.start->day());
}

bool ElectionOverdue(const Term& term, OrgForm form, absl::CivilDay today) {
  const std::optional<absl::CivilDay> end = TermEnd(term, form);
  if (!end || today <= *end) return false;
  return !(term.postponed_until && today <= *term.postponed_until);
}

}  // namespace grassroots::org
