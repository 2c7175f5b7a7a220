#ifndef GRASSROOTS_ORG_SERVICE_EXTERNAL_ORG_H_
#define GRASSROOTS_ORG_SERVICE_EXTERNAL_ORG_H_

// Organisations outside the hierarchy that the articles rely on: the
// agencies that second first secretaries and work teams, the enterprises,
// schools, hospitals and social organisations that co-build (共建单位), and
// the property companies that manage compounds. Each belongs to one
// district's directory, kept by its organisation department.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace grassroots::org {

// Values match the proto enum and the database; never renumber them.
enum class ExternalOrgKind : int8_t {
  kUnspecified = 0,
  kAgency = 1,              // 机关、部门: agencies and departments
  kEnterprise = 2,          // 企业
  kSchool = 3,              // 学校
  kHospital = 4,            // 医院
  kSocialOrganisation = 5,  // 社会组织
  kPropertyCompany = 6,     // 物业企业
  kOther = 7,
};

bool IsValidExternalOrgKind(ExternalOrgKind kind);
absl::string_view ExternalOrgKindName(ExternalOrgKind kind);  // "PROPERTY_COMPANY"
std::optional<ExternalOrgKind> ParseExternalOrgKindName(absl::string_view name);

struct ExternalOrg {
  int64_t id = 0;
  int64_t district_id = 0;  // the district whose directory holds it
  ExternalOrgKind kind = ExternalOrgKind::kUnspecified;
  std::string display_name;
  // The unified social credit code (统一社会信用代码), '' when not known.
  std::string credit_code;
  std::string address;
  absl::Time create_time = absl::UnixEpoch();
  absl::Time update_time = absl::UnixEpoch();
  bool deleted = false;
  absl::Time delete_time = absl::UnixEpoch();
  int64_t delete_revision = 0;
  int64_t revision = 0;

  bool operator==(const ExternalOrg&) const = default;
};

std::string ExternalOrgName(int64_t id);  // "externalOrgs/5"
absl::StatusOr<int64_t> ParseExternalOrgName(absl::string_view name, absl::string_view field);

// GB 32100-2015: 18 characters from "0123456789ABCDEFGHJKLMNPQRTUWXY" (no I,
// O, S, V or Z): a registration authority character, an organisation type
// character, a six-digit administrative division code, the nine-character
// organisation code and a check character computed over the first
// seventeen (weights 3^i mod 31).
// INVALID_ARGUMENT naming `field`; the message never repeats the code.
absl::Status ValidateCreditCode(absl::string_view code, absl::string_view field);

// The check character GB 32100 gives the first 17 characters of a code,
// which must all be in its alphabet; '\0' otherwise. For tests and demo data.
char CreditCodeCheckCharacter(absl::string_view first17);

// Checks an external organisation's own fields: kind, display name, credit
// code (lower case accepted and upper-cased), address. INVALID_ARGUMENT
// naming `field_prefix` + the field.
absl::Status ValidateAndNormalizeExternalOrg(ExternalOrg& org, absl::string_view field_prefix);

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_EXTERNAL_ORG_H_
