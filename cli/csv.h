#ifndef GRASSROOTS_CLI_CSV_H_
#define GRASSROOTS_CLI_CSV_H_

// Comma-separated values as RFC 4180 defines them and spreadsheets write
// them: UTF-8 with an optional byte-order mark, fields in double quotes when
// they hold a comma, a quote (doubled) or a line break, records ended by CRLF
// or LF.

#include <cstdint>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace grassroots::cli {

// Excel takes a file without it for the local code page, which garbles
// Chinese text; so what we write starts with it.
inline constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

struct CsvRow {
  // The line the record starts on, from 1. A quoted line break makes a
  // record span several lines.
  int line = 0;
  std::vector<std::string> fields;
};

// Reads records one at a time, so that a file of any length takes the memory
// of one record. Lenient where RFC 4180 only binds writers: a quote inside an
// unquoted field is kept as it is, and a lone CR ends a line too. Not
// thread-safe.
class CsvReader {
 public:
  // `in` must outlive the reader. A leading byte-order mark is skipped.
  explicit CsvReader(std::istream& in);

  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // The next record, or nullopt after the last. INVALID_ARGUMENT with a
  // message starting "line N: " for a record holding invalid UTF-8 (N is the
  // line of the bad byte) or text after a closing quote; the record is
  // consumed and the next call reads the one after it. A quoted field still
  // open at the end of the input is INVALID_ARGUMENT naming the line the
  // quote opened on, and ends the input.
  absl::StatusOr<std::optional<CsvRow>> Next();

  // The line the last error of Next() names.
  int error_line() const { return error_line_; }

  // Bytes consumed so far, the byte-order mark included: how far through a
  // file the reader is.
  int64_t bytes_read() const { return bytes_read_; }

 private:
  int Get();
  int Peek();
  // Checks the field's text since the last line break for valid UTF-8.
  void CheckSegment();
  void Fail(int line, absl::string_view problem);

  std::streambuf* const in_;
  // Bytes read while looking for a byte-order mark that was not there.
  std::string pending_;
  int64_t bytes_read_ = 0;
  int line_ = 1;
  bool at_end_ = false;
  // The field being read, where its current line starts, and the record's
  // first problem.
  std::string field_;
  size_t segment_start_ = 0;
  std::optional<std::string> error_;
  int error_line_ = 0;
};

// Every record of `text`; the first problem fails the whole parse.
absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text);

// One record as a line ended by CRLF; a field is quoted only when it must be.
std::string FormatCsvRecord(absl::Span<const std::string> fields);

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_CSV_H_
