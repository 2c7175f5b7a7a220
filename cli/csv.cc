#include "cli/csv.h"

#include <sstream>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/text.h"

namespace grassroots::cli {
namespace {

constexpr int kEof = std::char_traits<char>::eof();

}  // namespace

CsvReader::CsvReader(std::istream& in) : in_(in.rdbuf()) {
  // A byte-order mark can only be told from text that starts with the same
  // bytes (U+FF0C "，" starts with EF BC) by reading all three; what was
  // read and is not a mark is handed out again by Get().
  for (char mark_byte : kUtf8Bom) {
    const int c = in_->sgetc();
    if (c == kEof || static_cast<char>(c) != mark_byte) return;
    pending_.push_back(static_cast<char>(in_->sbumpc()));
  }
  bytes_read_ = static_cast<int64_t>(pending_.size());
  pending_.clear();
}

int CsvReader::Get() {
  if (!pending_.empty()) {
    const int c = static_cast<unsigned char>(pending_.front());
    pending_.erase(0, 1);
    ++bytes_read_;
    return c;
  }
  const int c = in_->sbumpc();
  if (c != kEof) ++bytes_read_;
  return c;
}

int CsvReader::Peek() {
  if (!pending_.empty()) return static_cast<unsigned char>(pending_.front());
  return in_->sgetc();
}

void CsvReader::Fail(int line, absl::string_view problem) {
  if (error_) return;
  error_ = absl::StrCat("line ", line, ": ", problem);
  error_line_ = line;
}

// Checked line by line, not field by field, so that the error names the line
// of the bad byte in a field that spans several.
void CsvReader::CheckSegment() {
  if (!Utf8Length(absl::string_view(field_).substr(segment_start_))) {
    Fail(line_, "invalid UTF-8; save the file as UTF-8");
  }
  segment_start_ = field_.size();
}

absl::StatusOr<std::optional<CsvRow>> CsvReader::Next() {
  if (at_end_ || Peek() == kEof) {
    at_end_ = true;
    return std::nullopt;
  }
  CsvRow record;
  record.line = line_;
  error_.reset();
  field_.clear();
  segment_start_ = 0;
  bool in_quotes = false;
  bool after_closing_quote = false;
  int quote_line = 0;
  const auto end_field = [&] {
    CheckSegment();
    record.fields.push_back(std::move(field_));
    field_.clear();
    segment_start_ = 0;
    after_closing_quote = false;
  };
  while (true) {
    const int c = Get();
    if (c == kEof) {
      at_end_ = true;
      if (in_quotes)
        Fail(quote_line, "a quoted field opened here is not closed by the end of the file");
      end_field();
      break;
    }
    const char ch = static_cast<char>(c);
    if (in_quotes) {
      if (ch == '"' && Peek() == '"') {
        Get();
        field_ += '"';
      } else if (ch == '"') {
        in_quotes = false;
        after_closing_quote = true;
      } else {
        field_ += ch;
        // CRLF counts once, at its LF.
        if (ch == '\n' || (ch == '\r' && Peek() != '\n')) {
          CheckSegment();
          ++line_;
        }
      }
      continue;
    }
    if (ch == ',') {
      end_field();
    } else if (ch == '\r' || ch == '\n') {
      if (ch == '\r' && Peek() == '\n') Get();
      end_field();
      ++line_;
      break;
    } else if (after_closing_quote) {
      Fail(line_, "text after a closing quote; quote the whole field");
      field_ += ch;
    } else if (ch == '"' && field_.empty()) {
      in_quotes = true;
      quote_line = line_;
    } else {
      field_ += ch;
    }
  }
  if (error_) return absl::InvalidArgumentError(*error_);
  return record;
}

absl::StatusOr<std::vector<CsvRow>> ParseCsv(absl::string_view text) {
  std::istringstream in{std::string(text)};
  CsvReader reader(in);
  std::vector<CsvRow> records;
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> record = reader.Next();
    if (!record.ok()) return record.status();
    if (!record->has_value()) return records;
    records.push_back(**std::move(record));
  }
}

std::string FormatCsvRecord(absl::Span<const std::string> fields) {
  std::string line;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    const std::string& field = fields[i];
    // A field that starts with the byte-order mark is quoted too: unquoted,
    // at the start of a file, a reader would take it for the mark.
    if (field.find_first_of(",\"\r\n") == std::string::npos && !absl::StartsWith(field, kUtf8Bom)) {
      line += field;
    } else {
      absl::StrAppend(&line, "\"", absl::StrReplaceAll(field, {{"\"", "\"\""}}), "\"");
    }
  }
  line += "\r\n";
  return line;
}

}  // namespace grassroots::cli
