#ifndef GRASSROOTS_CLI_PEOPLE_CSV_H_
#define GRASSROOTS_CLI_PEOPLE_CSV_H_

// The files `orgctl import` reads and `orgctl export` writes (docs/import.md):
// people.csv, one grassroots.roster.v1.ImportRow per row, in both directions;
// units.csv and party_orgs.csv, written only; and the JSON document of
// `export -o json`, whose people `import` reads back.
//
// The parsing here checks form only (columns, enum names, dates, resource
// names, masked values); the roster service checks the rest and reports it
// per row.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "grassroots/org/v1/resources.pb.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"

namespace grassroots::cli {

// The people.csv columns, in the order export writes them.
inline constexpr std::array<absl::string_view, 14> kPeopleColumns = {
    "external_key",
    "display_name",
    "gender",
    "birth_date",
    "id_card_number",
    "phone",
    "residence_building",
    "residence_room",
    "party_status",
    "admission_date",
    "member_category",
    "party_org",
    "membership_start_date",
    "roles",
};

// What is wrong with one row: the column (for a JSON row, the field) and
// the problem, without the column in front.
struct RowError {
  std::string column;
  std::string message;
};

// A row as read: `row` is sent when `errors` is empty, and refused otherwise.
struct ParsedRow {
  roster::v1::ImportRow row;
  std::vector<RowError> errors;
};

// Where each column sits in a file. Every column must be present, because
// an import replaces every field of a person it matches: a missing column
// would clear that field for everyone.
class PeopleCsvHeader {
 public:
  // From the header record; columns in any order, names trimmed of spaces.
  // INVALID_ARGUMENT naming an unknown, repeated or missing column.
  static absl::StatusOr<PeopleCsvHeader> Parse(absl::Span<const std::string> cells);

  // The number of columns a data row must have.
  size_t size() const { return size_; }
  // The cell of kPeopleColumns[column] in `cells`.
  size_t position(size_t column) const { return positions_[column]; }

 private:
  std::array<size_t, kPeopleColumns.size()> positions_{};
  size_t size_ = 0;
};

// Whether a data record is empty in every cell, as spreadsheets write the
// lines below the data; such records are skipped, not refused.
bool IsBlankRecord(absl::Span<const std::string> cells);

// One data record as an ImportRow. Every cell is trimmed of ASCII spaces and
// checked on its own, so that one pass reports every bad cell of the row:
// enums by English name or Chinese label, dates as YYYY-MM-DD (or
// YYYY/M/D, as spreadsheets rewrite them), resource names, roles as
// `ROLE@place@start[@end][@externalOrgs/ID]` items separated by `;`, and no masked
// ID-card number or phone.
ParsedRow ParsePeopleRecord(const PeopleCsvHeader& header, absl::Span<const std::string> cells);

// `row` as the cells of kPeopleColumns, English enum names, dates as
// YYYY-MM-DD. ParsePeopleRecord gives `row` back, role notes aside (the CSV
// has no column for them).
std::vector<std::string> FormatPeopleRecord(const roster::v1::ImportRow& row);

// The row that re-imports a person as export found them: the person without
// output-only fields; the organisation and start date of `membership`, when
// not null; `roles` (role, place, term, note) in a stable order.
roster::v1::ImportRow ExportRow(const roster::v1::Person& person,
                                const roster::v1::Membership* membership,
                                absl::Span<const roster::v1::RoleAssignment> roles);

// Whether a value is masked ("110105********002X", "138****5678"): the caller
// lacked the personal-data grant, and the value is not the person's.
bool IsMasked(absl::string_view value);

// Whether the row holds a masked ID-card number or phone.
bool HasMaskedValues(const roster::v1::ImportRow& row);

// A refusal from ImportPeopleResponse.errors, as it reads against a CSV row:
// "person.phone" is column phone, "roles[1].place" column roles, item 2. The
// server's message starts with the field, which is dropped.
RowError RowErrorFromServer(const roster::v1::ImportRowError& error, bool csv);

// units.csv and party_orgs.csv, written for reference and other tools; import
// does not read them.
std::vector<std::string> UnitColumns();
std::vector<std::string> FormatUnitRecord(const org::v1::Unit& unit);
std::vector<std::string> PartyOrgColumns();
std::vector<std::string> FormatPartyOrgRecord(const org::v1::PartyOrg& party_org);

// What `export -o json` writes: the resources as the APIs return them, and
// the people as the rows that re-import them.
struct ExportDocument {
  std::string subtree;
  int64_t org_revision = 0;
  int64_t roster_revision = 0;
  std::vector<org::v1::Unit> units;
  std::vector<org::v1::PartyOrg> party_orgs;
  std::vector<roster::v1::ImportRow> people;
};

// One JSON object; proto field names as in the .proto files (snake_case).
// INVALID_ARGUMENT when a string holds invalid UTF-8.
absl::StatusOr<std::string> ExportDocumentToJson(const ExportDocument& document);

// The `people` of such a document, one ParsedRow each, with the entry's
// problem (an unknown field or enum name, a masked value) as its error.
// INVALID_ARGUMENT when `json` is not a JSON object with a `people` array.
absl::StatusOr<std::vector<ParsedRow>> ParsePeopleJson(absl::string_view json);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_PEOPLE_CSV_H_
