#include "cli/people_csv.h"

#include <algorithm>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "grassroots/type/date.pb.h"
#include "roster_service/roster_labels.h"

namespace grassroots::cli {
namespace {

using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using org::v1::PartyOrg;
using org::v1::Unit;
using roster::v1::ImportRow;
using roster::v1::Person;
using roster::v1::RoleAssignment;

constexpr absl::string_view kRolesColumn = "roles";

// The Chinese labels a file may use instead of the English enum names
// (docs/import.md lists them): the domain's tables (roster_labels.h), whose
// enums share their numbers with the protos'. Export writes the English
// names. Calls `visit(number, spelling)` for each label and alias of
// `type`'s values, in the table's order; nothing for other enums.
template <typename Visit>
void ForEachChineseSpelling(const EnumDescriptor& type, Visit visit) {
  const auto each = [&](auto table) {
    for (const auto& entry : table) {
      visit(static_cast<int>(entry.value), entry.label);
      for (absl::string_view alias : entry.aliases) {
        if (!alias.empty()) visit(static_cast<int>(entry.value), alias);
      }
    }
  };
  if (&type == Person::Gender_descriptor()) each(Labels<roster::Gender>());
  if (&type == Person::PartyStatus_descriptor()) each(Labels<roster::PartyStatus>());
  if (&type == Person::MemberCategory_descriptor()) each(Labels<roster::MemberCategory>());
  if (&type == roster::v1::Role_descriptor()) each(Labels<roster::Role>());
}

// Columns holding a resource name, and of which collection.
struct NameColumn {
  absl::string_view column;
  absl::string_view collection;
};
constexpr NameColumn kNameColumns[] = {{"residence_building", "units"}, {"party_org", "partyOrgs"}};

// Columns the roster masks for callers without the personal-data grant.
constexpr absl::string_view kMaskableColumns[] = {"id_card_number", "phone"};
constexpr absl::string_view kMaskedProblem =
    "holds a masked value (exported without the personal-data grant); write the real "
    "value, or leave the cell empty to clear it";

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

// `message` without a leading "`field`: ", which every field check here and
// on the server puts in front.
std::string WithoutField(absl::string_view message, absl::string_view field) {
  const std::string prefix = absl::StrCat(field, ": ");
  if (!field.empty() && absl::StartsWith(message, prefix)) message.remove_prefix(prefix.size());
  return std::string(message);
}

RowError RowErrorFromStatus(absl::string_view column, const absl::Status& status) {
  return {std::string(column), WithoutField(status.message(), column)};
}

// An enum by English name (any case) or Chinese label; empty is unset.
absl::StatusOr<int> ParseEnum(absl::string_view cell, const EnumDescriptor& type,
                              absl::string_view field) {
  if (cell.empty()) return 0;
  const auto* value = type.FindValueByName(absl::AsciiStrToUpper(cell));
  if (value != nullptr && value->number() != 0) return value->number();
  std::vector<std::string> accepted;
  for (int i = 0; i < type.value_count(); ++i) {
    if (type.value(i)->number() != 0) accepted.push_back(type.value(i)->name());
  }
  std::optional<int> found;
  ForEachChineseSpelling(type, [&](int number, absl::string_view spelling) {
    if (!found.has_value() && spelling == cell) found = number;
    accepted.emplace_back(spelling);
  });
  if (found.has_value()) return *found;
  return Invalid(field,
                 absl::StrCat("\"", cell, "\" is not one of ", absl::StrJoin(accepted, ", ")));
}

std::string FormatEnum(const EnumDescriptor& type, int number) {
  if (number == 0) return "";
  const auto* value = type.FindValueByNumber(number);
  return value != nullptr ? value->name() : absl::StrCat(number);
}

bool AllDigits(absl::string_view text, size_t min_size, size_t max_size) {
  return text.size() >= min_size && text.size() <= max_size &&
         std::all_of(text.begin(), text.end(), absl::ascii_isdigit);
}

// YYYY-MM-DD, or YYYY/M/D as spreadsheets rewrite dates; empty is unset.
absl::StatusOr<type::Date> ParseDate(absl::string_view cell, absl::string_view field) {
  type::Date date;
  if (cell.empty()) return date;
  const std::vector<absl::string_view> parts = absl::StrSplit(cell, absl::ByAnyChar("-/"));
  int year = 0;
  int month = 0;
  int day = 0;
  if (parts.size() != 3 || !AllDigits(parts[0], 4, 4) || !AllDigits(parts[1], 1, 2) ||
      !AllDigits(parts[2], 1, 2) || !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[1], &month) || !absl::SimpleAtoi(parts[2], &day)) {
    return Invalid(field, absl::StrCat("\"", cell, "\" is not a date; write YYYY-MM-DD"));
  }
  date.set_year(year);
  date.set_month(month);
  date.set_day(day);
  RETURN_IF_ERROR(DateFromProto(date, field).status());
  return date;
}

std::string FormatDate(const type::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return "";
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

bool IsEmptyDate(const type::Date& date) { return FormatDate(date).empty(); }

// A role is held at a unit or at a party organisation.
absl::Status CheckPlace(absl::string_view place, absl::string_view field) {
  const absl::string_view collection =
      absl::StartsWith(place, "partyOrgs/") ? "partyOrgs" : "units";
  return ParseResourceName(place, collection, field).status();
}

// `ROLE@place@start[@end][@externalOrgs/ID]`: the last, for a seconded
// role (first secretary, work team), is the sending organisation.
absl::StatusOr<RoleAssignment> ParseRoleItem(absl::string_view item, absl::string_view field) {
  std::vector<absl::string_view> parts = absl::StrSplit(item, '@');
  for (absl::string_view& part : parts) part = absl::StripAsciiWhitespace(part);
  absl::string_view sending_org;
  if (parts.size() >= 4 && absl::StartsWith(parts.back(), "externalOrgs/")) {
    sending_org = parts.back();
    parts.pop_back();
  }
  if (parts.size() != 3 && parts.size() != 4) {
    return Invalid(field, absl::StrCat("\"", item,
                                       "\" is not ROLE@place@start_date[@end_date]"
                                       "[@externalOrgs/ID]"));
  }
  RoleAssignment role;
  if (parts[0].empty()) return Invalid(field, "the role is missing");
  ASSIGN_OR_RETURN(const int value, ParseEnum(parts[0], *roster::v1::Role_descriptor(), field));
  role.set_role(static_cast<roster::v1::Role>(value));
  RETURN_IF_ERROR(CheckPlace(parts[1], field));
  role.set_place(std::string(parts[1]));
  if (parts[2].empty()) return Invalid(field, "the start date is missing");
  ASSIGN_OR_RETURN(*role.mutable_start_date(), ParseDate(parts[2], field));
  if (parts.size() == 4 && !parts[3].empty()) {
    ASSIGN_OR_RETURN(*role.mutable_end_date(), ParseDate(parts[3], field));
  }
  if (!sending_org.empty()) {
    RETURN_IF_ERROR(ParseResourceName(sending_org, "externalOrgs", field).status());
    role.set_sending_org(std::string(sending_org));
  }
  return role;
}

absl::Status ParseRoles(absl::string_view cell, ImportRow& row) {
  // A Chinese input method types the fullwidth semicolon.
  const std::string items = absl::StrReplaceAll(cell, {{"；", ";"}});
  int number = 0;
  for (absl::string_view item : absl::StrSplit(items, ';')) {
    item = absl::StripAsciiWhitespace(item);
    if (item.empty()) continue;
    ++number;
    ASSIGN_OR_RETURN(*row.add_roles(),
                     ParseRoleItem(item, absl::StrCat(kRolesColumn, ": item ", number)));
  }
  return absl::OkStatus();
}

std::string FormatRoles(const google::protobuf::RepeatedPtrField<RoleAssignment>& roles) {
  return absl::StrJoin(roles, ";", [](std::string* out, const RoleAssignment& role) {
    absl::StrAppend(out, FormatEnum(*roster::v1::Role_descriptor(), role.role()), "@", role.place(),
                    "@", FormatDate(role.start_date()));
    if (!IsEmptyDate(role.end_date())) absl::StrAppend(out, "@", FormatDate(role.end_date()));
    if (!role.sending_org().empty()) absl::StrAppend(out, "@", role.sending_org());
  });
}

// Every column but roles is named after its field: in Person, or else in
// ImportRow. So the mapping needs no list of its own, and a column without
// a field fails the unit tests at once.
const FieldDescriptor* FieldOfColumn(absl::string_view column) {
  const std::string name(column);
  const FieldDescriptor* field = Person::descriptor()->FindFieldByName(name);
  return field != nullptr ? field : ImportRow::descriptor()->FindFieldByName(name);
}

bool InPerson(const FieldDescriptor& field) {
  return field.containing_type() == Person::descriptor();
}

absl::Status ParseCell(absl::string_view column, absl::string_view cell, ImportRow& row) {
  if (column == kRolesColumn) return ParseRoles(cell, row);
  const FieldDescriptor& field = *FieldOfColumn(column);
  Message& message = InPerson(field) ? static_cast<Message&>(*row.mutable_person()) : row;
  const Reflection& reflection = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM: {
      ASSIGN_OR_RETURN(const int value, ParseEnum(cell, *field.enum_type(), column));
      reflection.SetEnumValue(&message, &field, value);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {  // every message column is a date
      ASSIGN_OR_RETURN(const type::Date date, ParseDate(cell, column));
      if (!IsEmptyDate(date)) reflection.MutableMessage(&message, &field)->CopyFrom(date);
      return absl::OkStatus();
    }
    default:
      break;
  }
  for (absl::string_view maskable : kMaskableColumns) {
    if (column == maskable && IsMasked(cell)) return Invalid(column, kMaskedProblem);
  }
  for (const NameColumn& name : kNameColumns) {
    if (column == name.column && !cell.empty()) {
      RETURN_IF_ERROR(ParseResourceName(cell, name.collection, column).status());
    }
  }
  reflection.SetString(&message, &field, std::string(cell));
  return absl::OkStatus();
}

std::vector<absl::string_view> MaskedColumns(const Person& person) {
  std::vector<absl::string_view> masked;
  for (absl::string_view column : kMaskableColumns) {
    if (IsMasked(person.GetReflection()->GetString(person, FieldOfColumn(column)))) {
      masked.push_back(column);
    }
  }
  return masked;
}

std::string FormatCell(absl::string_view column, const ImportRow& row) {
  if (column == kRolesColumn) return FormatRoles(row.roles());
  const FieldDescriptor& field = *FieldOfColumn(column);
  const Message& message = InPerson(field) ? static_cast<const Message&>(row.person()) : row;
  const Reflection& reflection = *message.GetReflection();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM:
      return FormatEnum(*field.enum_type(), reflection.GetEnumValue(message, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      type::Date date;
      date.CopyFrom(reflection.GetMessage(message, &field));
      return FormatDate(date);
    }
    default:
      return reflection.GetString(message, &field);
  }
}

// The server answers an unset date as a present one of zeros; the row keeps
// it unset, as ParsePeopleRecord does, so that the two compare equal.
void DropEmptyDates(Message& message) {
  const Reflection& reflection = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE || field->is_repeated() ||
        field->message_type() != type::Date::descriptor()) {
      continue;
    }
    type::Date date;
    date.CopyFrom(reflection.GetMessage(message, field));
    if (IsEmptyDate(date)) reflection.ClearField(&message, field);
  }
}

// A table of the cells a CSV of `Resource` has: the header and each record
// come from the same list, so they cannot drift apart.
template <typename Resource>
struct ResourceColumn {
  absl::string_view name;
  std::string (*format)(const Resource&);
};

template <typename Resource, size_t N>
std::vector<std::string> ColumnNames(const ResourceColumn<Resource> (&columns)[N]) {
  std::vector<std::string> names;
  for (const auto& column : columns) names.emplace_back(column.name);
  return names;
}

template <typename Resource, size_t N>
std::vector<std::string> FormatRecord(const ResourceColumn<Resource> (&columns)[N],
                                      const Resource& resource) {
  std::vector<std::string> cells;
  for (const auto& column : columns) cells.push_back(column.format(resource));
  return cells;
}

std::string Flag(bool applies, bool value) {
  if (!applies) return "";
  return value ? "true" : "false";
}

const ResourceColumn<Unit> kUnitColumns[] = {
    {"name", [](const Unit& u) { return u.name(); }},
    {"parent", [](const Unit& u) { return u.parent(); }},
    {"level", [](const Unit& u) { return FormatEnum(*org::v1::Level_descriptor(), u.level()); }},
    {"code", [](const Unit& u) { return u.code(); }},
    {"display_name", [](const Unit& u) { return u.display_name(); }},
    {"compound_kind",
     [](const Unit& u) {
       return FormatEnum(*org::v1::CompoundDetails::Kind_descriptor(), u.compound().kind());
     }},
    {"households",
     [](const Unit& u) -> std::string {
       if (u.has_compound()) return absl::StrCat(u.compound().households());
       if (u.has_building()) return absl::StrCat(u.building().households());
       return "";
     }},
    {"has_property_company",
     [](const Unit& u) { return Flag(u.has_compound(), u.compound().has_property_company()); }},
    {"red_property",
     [](const Unit& u) { return Flag(u.has_compound(), u.compound().red_property()); }},
    {"has_owners_committee",
     [](const Unit& u) { return Flag(u.has_compound(), u.compound().has_owners_committee()); }},
    {"red_owners_committee",
     [](const Unit& u) { return Flag(u.has_compound(), u.compound().red_owners_committee()); }},
    {"renovation_status",
     [](const Unit& u) {
       return FormatEnum(*org::v1::CompoundDetails::RenovationStatus_descriptor(),
                         u.compound().renovation_status());
     }},
    {"floors",
     [](const Unit& u) -> std::string {
       return u.has_building() ? absl::StrCat(u.building().floors()) : "";
     }},
    {"address", [](const Unit& u) { return u.building().address(); }},
};

const ResourceColumn<PartyOrg> kPartyOrgColumns[] = {
    {"name", [](const PartyOrg& o) { return o.name(); }},
    {"parent", [](const PartyOrg& o) { return o.parent(); }},
    {"form", [](const PartyOrg& o) { return FormatEnum(*PartyOrg::Form_descriptor(), o.form()); }},
    {"display_name", [](const PartyOrg& o) { return o.display_name(); }},
    {"units", [](const PartyOrg& o) { return absl::StrJoin(o.units(), ";"); }},
    {"established_date", [](const PartyOrg& o) { return FormatDate(o.established_date()); }},
    {"rating",
     [](const PartyOrg& o) { return FormatEnum(*PartyOrg::Rating_descriptor(), o.rating()); }},
};

// Fails only on a string field holding invalid UTF-8.
absl::StatusOr<std::string> ToJson(const Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("cannot write ", message.GetTypeName(),
                                                   " as JSON: ", std::string(status.message())));
  }
  return json;
}

template <typename M>
absl::StatusOr<std::string> JsonArray(const std::vector<M>& messages) {
  if (messages.empty()) return "[]";
  std::string out = "[";
  for (size_t i = 0; i < messages.size(); ++i) {
    ASSIGN_OR_RETURN(const std::string json, ToJson(messages[i]));
    absl::StrAppend(&out, i == 0 ? "\n    " : ",\n    ", json);
  }
  return out + "\n  ]";
}

}  // namespace

absl::StatusOr<PeopleCsvHeader> PeopleCsvHeader::Parse(absl::Span<const std::string> cells) {
  PeopleCsvHeader header;
  header.size_ = cells.size();
  std::array<bool, kPeopleColumns.size()> seen{};
  for (size_t position = 0; position < cells.size(); ++position) {
    const absl::string_view name = absl::StripAsciiWhitespace(cells[position]);
    const auto* column = std::find(kPeopleColumns.begin(), kPeopleColumns.end(), name);
    if (column == kPeopleColumns.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown column \"", name,
                                                     "\" in the header; the columns are ",
                                                     absl::StrJoin(kPeopleColumns, ",")));
    }
    const size_t index = column - kPeopleColumns.begin();
    if (seen[index]) {
      return absl::InvalidArgumentError(
          absl::StrCat("column ", name, " appears twice in the header"));
    }
    seen[index] = true;
    header.positions_[index] = position;
  }
  for (size_t i = 0; i < kPeopleColumns.size(); ++i) {
    if (!seen[i]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the header lacks column ", kPeopleColumns[i],
          "; every column is needed, as an import replaces every field of the people it matches"));
    }
  }
  return header;
}

bool IsBlankRecord(absl::Span<const std::string> cells) {
  return std::all_of(cells.begin(), cells.end(), [](const std::string& cell) {
    return absl::StripAsciiWhitespace(cell).empty();
  });
}

ParsedRow ParsePeopleRecord(const PeopleCsvHeader& header, absl::Span<const std::string> cells) {
  ParsedRow parsed;
  if (cells.size() != header.size()) {
    parsed.errors.push_back(
        {"", absl::StrCat(cells.size(), " cells, but the header has ", header.size())});
    return parsed;
  }
  for (size_t column = 0; column < kPeopleColumns.size(); ++column) {
    const absl::string_view cell = absl::StripAsciiWhitespace(cells[header.position(column)]);
    if (absl::Status status = ParseCell(kPeopleColumns[column], cell, parsed.row); !status.ok()) {
      parsed.errors.push_back(RowErrorFromStatus(kPeopleColumns[column], status));
    }
  }
  return parsed;
}

std::vector<std::string> FormatPeopleRecord(const ImportRow& row) {
  std::vector<std::string> cells;
  cells.reserve(kPeopleColumns.size());
  for (absl::string_view column : kPeopleColumns) cells.push_back(FormatCell(column, row));
  return cells;
}

ImportRow ExportRow(const Person& person, const roster::v1::Membership* membership,
                    absl::Span<const RoleAssignment> roles) {
  ImportRow row;
  Person& copy = *row.mutable_person();
  copy = person;
  copy.clear_name();
  copy.clear_state();
  copy.clear_create_time();
  copy.clear_update_time();
  copy.clear_delete_time();
  copy.clear_etag();
  copy.clear_revision();
  DropEmptyDates(copy);
  if (membership != nullptr) {
    row.set_party_org(membership->party_org());
    *row.mutable_membership_start_date() = membership->start_date();
    DropEmptyDates(row);
  }
  for (const RoleAssignment& held : roles) {
    RoleAssignment& role = *row.add_roles();
    role.set_role(held.role());
    role.set_place(held.place());
    *role.mutable_start_date() = held.start_date();
    *role.mutable_end_date() = held.end_date();
    role.set_note(held.note());
    role.set_sending_org(held.sending_org());
    DropEmptyDates(role);
  }
  // The server's order depends on when roles were assigned; a file that
  // does not change when nothing changed diffs cleanly.
  std::sort(row.mutable_roles()->begin(), row.mutable_roles()->end(),
            [](const RoleAssignment& a, const RoleAssignment& b) {
              const auto key = [](const RoleAssignment& r) {
                return std::make_tuple(r.place(), FormatDate(r.start_date()),
                                       static_cast<int>(r.role()));
              };
              return key(a) < key(b);
            });
  return row;
}

bool IsMasked(absl::string_view value) { return absl::StrContains(value, '*'); }

bool HasMaskedValues(const ImportRow& row) { return !MaskedColumns(row.person()).empty(); }

RowError RowErrorFromServer(const roster::v1::ImportRowError& error, bool csv) {
  std::string message = WithoutField(error.message(), error.field());
  if (!csv) return {error.field(), std::move(message)};
  absl::string_view field = error.field();
  if (absl::ConsumePrefix(&field, "person.")) return {std::string(field), std::move(message)};
  int index = 0;
  if (absl::ConsumePrefix(&field, "roles[") &&
      absl::SimpleAtoi(field.substr(0, field.find(']')), &index)) {
    return {std::string(kRolesColumn), absl::StrCat("item ", index + 1, ": ", message)};
  }
  return {error.field(), std::move(message)};
}

std::vector<std::string> UnitColumns() { return ColumnNames(kUnitColumns); }

std::vector<std::string> FormatUnitRecord(const Unit& unit) {
  return FormatRecord(kUnitColumns, unit);
}

std::vector<std::string> PartyOrgColumns() { return ColumnNames(kPartyOrgColumns); }

std::vector<std::string> FormatPartyOrgRecord(const PartyOrg& party_org) {
  return FormatRecord(kPartyOrgColumns, party_org);
}

absl::StatusOr<std::string> ExportDocumentToJson(const ExportDocument& document) {
  google::protobuf::Value subtree;
  subtree.set_string_value(document.subtree);
  ASSIGN_OR_RETURN(const std::string subtree_json, ToJson(subtree));
  ASSIGN_OR_RETURN(const std::string units, JsonArray(document.units));
  ASSIGN_OR_RETURN(const std::string party_orgs, JsonArray(document.party_orgs));
  ASSIGN_OR_RETURN(const std::string people, JsonArray(document.people));
  return absl::StrCat(
      "{\n  \"subtree\": ", subtree_json, ",\n  \"org_revision\": ", document.org_revision,
      ",\n  \"roster_revision\": ", document.roster_revision, ",\n  \"units\": ", units,
      ",\n  \"party_orgs\": ", party_orgs, ",\n  \"people\": ", people, "\n}\n");
}

absl::StatusOr<std::vector<ParsedRow>> ParsePeopleJson(absl::string_view json) {
  google::protobuf::Struct document;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &document);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", std::string(parsed.message())));
  }
  const auto people = document.fields().find("people");
  if (people == document.fields().end() || !people->second.has_list_value()) {
    return absl::InvalidArgumentError("the document has no \"people\" array");
  }
  std::vector<ParsedRow> rows;
  for (const google::protobuf::Value& entry : people->second.list_value().values()) {
    ParsedRow& row = rows.emplace_back();
    // Through JSON again: the row's own parser checks field and enum names.
    // The entry came from JSON text, so it prints.
    const std::string entry_json = ToJson(entry).value_or("");
    const auto converted = google::protobuf::util::JsonStringToMessage(entry_json, &row.row);
    if (!converted.ok()) {
      row.errors.push_back({"", std::string(converted.message())});
      continue;
    }
    for (absl::string_view column : MaskedColumns(row.row.person())) {
      row.errors.push_back({absl::StrCat("person.", column), std::string(kMaskedProblem)});
    }
  }
  return rows;
}

}  // namespace grassroots::cli
