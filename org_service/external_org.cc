#include "org_service/external_org.h"

#include <array>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "org_service/unit.h"

namespace grassroots::org {
namespace {

constexpr std::array<absl::string_view, 8> kKindNames = {
    "KIND_UNSPECIFIED",    "AGENCY",           "ENTERPRISE", "SCHOOL", "HOSPITAL",
    "SOCIAL_ORGANISATION", "PROPERTY_COMPANY", "OTHER"};

// GB 32100-2015, 4.2: the 31 characters a code is written in, in the order
// of their values 0..30.
constexpr absl::string_view kCreditCodeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr size_t kCreditCodeLength = 18;

int CreditCodeValue(char c) {
  const size_t at = kCreditCodeAlphabet.find(c);
  return at == absl::string_view::npos ? -1 : static_cast<int>(at);
}

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

}  // namespace

bool IsValidExternalOrgKind(ExternalOrgKind kind) {
  return kind >= ExternalOrgKind::kAgency && kind <= ExternalOrgKind::kOther;
}

absl::string_view ExternalOrgKindName(ExternalOrgKind kind) {
  const int i = static_cast<int>(kind);
  return i >= 0 && i < static_cast<int>(kKindNames.size()) ? kKindNames[i] : "KIND_UNKNOWN";
}

std::optional<ExternalOrgKind> ParseExternalOrgKindName(absl::string_view name) {
  for (size_t i = 1; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<ExternalOrgKind>(i);
  }
  return std::nullopt;
}

std::string ExternalOrgName(int64_t id) { return FormatResourceName("externalOrgs", id); }

absl::StatusOr<int64_t> ParseExternalOrgName(absl::string_view name, absl::string_view field) {
  return ParseResourceName(name, "externalOrgs", field);
}

char CreditCodeCheckCharacter(absl::string_view first17) {
  if (first17.size() != kCreditCodeLength - 1) return '\0';
  // Weight of position i (from 0) is 3^i mod 31.
  int sum = 0, weight = 1;
  for (char c : first17) {
    const int value = CreditCodeValue(c);
    if (value < 0) return '\0';
    sum += value * weight;
    weight = weight * 3 % 31;
  }
  const int check = (31 - sum % 31) % 31;
  return kCreditCodeAlphabet[check];
}

absl::Status ValidateCreditCode(absl::string_view code, absl::string_view field) {
  if (code.size() != kCreditCodeLength) {
    return Invalid(field, "must be 18 characters (统一社会信用代码, GB 32100)");
  }
  for (size_t i = 0; i < code.size(); ++i) {
    if (CreditCodeValue(code[i]) < 0) {
      return Invalid(field, absl::StrCat("character ", i + 1,
                                         " is not one of 0-9 and A-Y without I, O, S, V, Z"));
    }
  }
  // The administrative division code (characters 3..8) is digits.
  for (size_t i = 2; i < 8; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(code[i]))) {
      return Invalid(field, "characters 3 to 8 must be the digits of a division code");
    }
  }
  if (CreditCodeCheckCharacter(code.substr(0, 17)) != code[17]) {
    return Invalid(field, "the check character (the 18th) does not match (GB 32100)");
  }
  return absl::OkStatus();
}

absl::Status ValidateAndNormalizeExternalOrg(ExternalOrg& org, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  if (!IsValidExternalOrgKind(org.kind)) {
    return Invalid(field("kind"),
                   "is required: one of AGENCY, ENTERPRISE, SCHOOL, HOSPITAL, "
                   "SOCIAL_ORGANISATION, PROPERTY_COMPANY, OTHER");
  }
  RETURN_IF_ERROR(ValidateDisplayName(org.display_name, field("display_name")));
  if (!org.credit_code.empty()) {
    absl::AsciiStrToUpper(&org.credit_code);
    RETURN_IF_ERROR(ValidateCreditCode(org.credit_code, field("credit_code")));
  }
  return ValidateDisplayText(org.address, field("address"), kMaxAddressChars,
                             /*required=*/false);
}

}  // namespace grassroots::org
