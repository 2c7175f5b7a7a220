#include "cli/output.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/csv.h"
#include "common/text.h"
#include "google/protobuf/util/json_util.h"

namespace grassroots::cli {
namespace {

void AppendLine(const std::vector<std::string>& cells, const std::vector<size_t>& widths,
                std::string* out) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += "  ";
    // The last column is not padded: nothing follows it to align.
    line += i + 1 < cells.size() ? PadToWidth(cells[i], widths[i]) : cells[i];
  }
  // An empty last cell would leave the padding of the one before it.
  line.erase(line.find_last_not_of(' ') + 1);
  absl::StrAppend(out, line, "\n");
}

}  // namespace

std::string PadToWidth(absl::string_view text, size_t width) {
  std::string padded(text);
  const size_t text_width = DisplayWidth(text);
  if (text_width < width) padded.append(width - text_width, ' ');
  return padded;
}

std::string FormatTable(const Table& table) {
  std::vector<size_t> widths(table.header.size(), 0);
  const auto widen = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size() && i < widths.size(); ++i) {
      widths[i] = std::max(widths[i], DisplayWidth(cells[i]));
    }
  };
  widen(table.header);
  for (const auto& row : table.rows) widen(row);
  std::string out;
  AppendLine(table.header, widths, &out);
  for (const auto& row : table.rows) AppendLine(row, widths, &out);
  return out;
}

std::string FormatCsv(const Table& table) {
  std::string out = FormatCsvRecord(table.header);
  for (const auto& row : table.rows) out.append(FormatCsvRecord(row));
  return out;
}

std::string ToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    throw CommandError(kExitCallFailed, absl::StrCat("cannot print ", message.GetTypeName(),
                                                     " as JSON: ", std::string(status.message())));
  }
  return json;
}

std::string ToJsonArray(const std::vector<const google::protobuf::Message*>& messages) {
  if (messages.empty()) return "[]\n";
  std::string out = "[\n";
  for (size_t i = 0; i < messages.size(); ++i) {
    absl::StrAppend(&out, ToJson(*messages[i]), i + 1 < messages.size() ? ",\n" : "\n");
  }
  out += "]\n";
  return out;
}

std::string FormatAs(OutputFormat format, Table table) {
  if (format == OutputFormat::kCsv) return FormatCsv(table);
  for (std::string& name : table.header) absl::AsciiStrToUpper(&name);
  return FormatTable(table);
}

}  // namespace grassroots::cli
