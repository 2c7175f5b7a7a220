#ifndef GRASSROOTS_CLI_OUTPUT_H_
#define GRASSROOTS_CLI_OUTPUT_H_

// How orgctl prints what it read: `-o table` (columns aligned for a
// terminal, where a Chinese character takes two columns), `-o csv` (RFC 4180,
// for spreadsheets and scripts) and `-o json` (the messages in protobuf's
// JSON mapping with the proto field names, one JSON document per command).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "cli/context.h"
#include "google/protobuf/message.h"

namespace grassroots::cli {

// Text cells under a header row; every row has as many cells as the header.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// `text` followed by spaces up to `width` terminal columns, counted with
// DisplayWidth. Text already as wide or wider is returned unchanged.
std::string PadToWidth(absl::string_view text, size_t width);

// The header and the rows, one line each; every column as wide as its widest
// cell (in display width) and two spaces between columns. No trailing
// spaces; the last line ends with a newline.
std::string FormatTable(const Table& table);

// The header and the rows as RFC 4180 records (FormatCsvRecord of
// cli/csv.h), without the byte-order mark files get.
std::string FormatCsv(const Table& table);

// `message` in protobuf's JSON mapping, with proto field names
// (`display_name`, not `displayName`). Throws CommandError when the message
// cannot be printed (only invalid UTF-8 in a string field does that).
std::string ToJson(const google::protobuf::Message& message);

// The messages as one JSON array, one message per line.
std::string ToJsonArray(const std::vector<const google::protobuf::Message*>& messages);

// A column of a table of messages of type M: its name (the header: upper
// case in tables, as written in CSV) and how to get its text.
template <typename M>
struct Column {
  std::string name;
  std::function<std::string(const M&)> cell;
};

template <typename M>
using Columns = std::vector<Column<M>>;

template <typename M>
Table MakeTable(const std::vector<M>& items, const Columns<M>& columns) {
  Table table;
  for (const Column<M>& column : columns) table.header.push_back(column.name);
  for (const M& item : items) {
    std::vector<std::string>& row = table.rows.emplace_back();
    for (const Column<M>& column : columns) row.push_back(column.cell(item));
  }
  return table;
}

// A table in `format` (table or CSV; JSON has no table form).
std::string FormatAs(OutputFormat format, Table table);

// A list of messages: a JSON array, or a table with one row per message.
template <typename M>
std::string RenderList(OutputFormat format, const std::vector<M>& items,
                       const Columns<M>& columns) {
  if (format == OutputFormat::kJson) {
    std::vector<const google::protobuf::Message*> messages;
    for (const M& item : items) messages.push_back(&item);
    return ToJsonArray(messages);
  }
  return FormatAs(format, MakeTable(items, columns));
}

// One message: a JSON object, or a table of one row.
template <typename M>
std::string Render(OutputFormat format, const M& item, const Columns<M>& columns) {
  if (format == OutputFormat::kJson) return ToJson(item) + "\n";
  return FormatAs(format, MakeTable(std::vector<M>{item}, columns));
}

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_OUTPUT_H_
