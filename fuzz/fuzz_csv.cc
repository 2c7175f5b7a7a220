// The CSV import path of orgctl (cli/csv.h, cli/people_csv.h): the RFC 4180
// reader on arbitrary bytes, the writer-reader round trip, people.csv rows
// and the people of an exported JSON document.
//
// Input: the whole input is read as a CSV file (and, when its first record
// is a people.csv header, its other records as people rows) and as a JSON
// document; split at 0xFF bytes (never part of valid UTF-8), it is also the
// fields of one record for the round trip.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/csv.h"
#include "cli/people_csv.h"
#include "common/text.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/proto_support.h"
#include "google/protobuf/util/message_differencer.h"

namespace grassroots::fuzz {
namespace {

using cli::CsvRow;
using cli::ParsedRow;
using roster::v1::ImportRow;

bool SameRow(const ImportRow& a, const ImportRow& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::string Describe(const std::vector<std::string>& fields) {
  std::string out;
  for (const std::string& field : fields) absl::StrAppend(&out, "[", field, "]");
  return out;
}

// ParseCsv(FormatCsvRecord(fields)) gives the fields back, alone in a file
// and after the byte-order mark export writes first.
void CheckRecordRoundTrip(const std::vector<std::string>& fields) {
  if (fields.empty()) return;  // a record has at least one field
  for (const std::string& field : fields) {
    if (!Utf8Length(field)) return;  // the reader refuses those, by design
  }
  const std::string record = cli::FormatCsvRecord(fields);
  for (const std::string& file : {record, absl::StrCat(cli::kUtf8Bom, record)}) {
    absl::StatusOr<std::vector<CsvRow>> rows = cli::ParseCsv(file);
    FUZZ_CHECK(rows.ok()) << rows.status() << " for " << Describe(fields);
    FUZZ_CHECK(rows->size() == 1) << rows->size() << " records for " << Describe(fields);
    FUZZ_CHECK((*rows)[0].fields == fields)
        << Describe((*rows)[0].fields) << " read back for " << Describe(fields);
  }
}

// Every record read is valid UTF-8 and starts on a later line than the one
// before; what is read, written and read again is the same.
void CheckParse(absl::string_view text) {
  absl::StatusOr<std::vector<CsvRow>> rows = cli::ParseCsv(text);
  if (!rows.ok()) {
    FUZZ_CHECK(rows.status().code() == absl::StatusCode::kInvalidArgument) << rows.status();
    FUZZ_CHECK(absl::StartsWith(rows.status().message(), "line ")) << rows.status();
    return;
  }
  int line = 0;
  std::string rewritten;
  for (const CsvRow& row : *rows) {
    FUZZ_CHECK(row.line > line) << row.line << " after " << line;
    line = row.line;
    for (const std::string& field : row.fields) FUZZ_CHECK(Utf8Length(field).has_value());
    rewritten += cli::FormatCsvRecord(row.fields);
  }
  absl::StatusOr<std::vector<CsvRow>> again = cli::ParseCsv(rewritten);
  FUZZ_CHECK(again.ok() && again->size() == rows->size()) << again.status();
  for (size_t i = 0; i < rows->size(); ++i) {
    FUZZ_CHECK((*again)[i].fields == (*rows)[i].fields) << "record " << i;
  }

  if (rows->empty()) return;
  absl::StatusOr<cli::PeopleCsvHeader> header = cli::PeopleCsvHeader::Parse((*rows)[0].fields);
  if (!header.ok()) {
    FUZZ_CHECK(header.status().code() == absl::StatusCode::kInvalidArgument) << header.status();
    return;
  }
  for (size_t i = 1; i < rows->size(); ++i) {
    if (cli::IsBlankRecord((*rows)[i].fields)) continue;
    const ParsedRow parsed = cli::ParsePeopleRecord(*header, (*rows)[i].fields);
    if (!parsed.errors.empty()) continue;
    // A row read without errors, written as export writes it, reads back
    // the same (role notes have no column).
    std::vector<std::string> columns(cli::kPeopleColumns.begin(), cli::kPeopleColumns.end());
    absl::StatusOr<cli::PeopleCsvHeader> canonical = cli::PeopleCsvHeader::Parse(columns);
    FUZZ_CHECK(canonical.ok()) << canonical.status();
    const std::vector<std::string> cells = cli::FormatPeopleRecord(parsed.row);
    const ParsedRow reread = cli::ParsePeopleRecord(*canonical, cells);
    FUZZ_CHECK(reread.errors.empty())
        << "record " << i << ": " << reread.errors[0].column << ": " << reread.errors[0].message;
    FUZZ_CHECK(SameRow(reread.row, parsed.row))
        << "record " << i << " read back as " << reread.row.ShortDebugString() << " from "
        << parsed.row.ShortDebugString();
  }
}

// The people of a JSON document: any text gives rows or INVALID_ARGUMENT;
// rows read without errors, exported and read again, are the same.
void CheckJson(absl::string_view text) {
  absl::StatusOr<std::vector<ParsedRow>> rows = cli::ParsePeopleJson(text);
  if (!rows.ok()) {
    FUZZ_CHECK(rows.status().code() == absl::StatusCode::kInvalidArgument) << rows.status();
    return;
  }
  cli::ExportDocument document;
  for (const ParsedRow& row : *rows) {
    if (row.errors.empty()) document.people.push_back(row.row);
  }
  absl::StatusOr<std::string> json = cli::ExportDocumentToJson(document);
  if (!json.ok()) {
    FUZZ_CHECK(json.status().code() == absl::StatusCode::kInvalidArgument) << json.status();
    return;
  }
  absl::StatusOr<std::vector<ParsedRow>> again = cli::ParsePeopleJson(*json);
  FUZZ_CHECK(again.ok()) << again.status();
  FUZZ_CHECK(again->size() == document.people.size()) << again->size();
  for (size_t i = 0; i < again->size(); ++i) {
    FUZZ_CHECK((*again)[i].errors.empty()) << (*again)[i].errors[0].message;
    FUZZ_CHECK(SameRow((*again)[i].row, document.people[i]))
        << (*again)[i].row.ShortDebugString() << " vs " << document.people[i].ShortDebugString();
  }
}

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grassroots::fuzz;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  CheckParse(text);
  CheckJson(text);
  FuzzInput in(data, size);
  CheckRecordRoundTrip(in.SplitRest('\xFF'));
  return 0;
}
