#include "audit/report_writers.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "org_service/unit.h"

namespace grassroots::audit {
namespace {

constexpr int kSchemaVersion = 1;

// --- The figures every writer shows, in one place so that the JSON, the
// Markdown and the HTML agree on names and definitions (docs/audit.md).

struct Counter {
  const char* key;
  int64_t Coverage::*field;
};

// Every counter of Coverage, in the order of audit_model.h.
constexpr Counter kCounters[] = {
    {"compounds", &Coverage::compounds},
    {"compounds_covered", &Coverage::compounds_covered},
    {"branches", &Coverage::branches},
    {"branches_with_secretary", &Coverage::branches_with_secretary},
    {"compounds_with_first_secretary", &Coverage::compounds_with_first_secretary},
    {"compounds_without_property", &Coverage::compounds_without_property},
    {"compounds_without_property_with_work_team",
     &Coverage::compounds_without_property_with_work_team},
    {"compounds_with_red_owners_committee", &Coverage::compounds_with_red_owners_committee},
    {"compounds_with_property", &Coverage::compounds_with_property},
    {"compounds_with_red_property", &Coverage::compounds_with_red_property},
    {"buildings", &Coverage::buildings},
    {"buildings_with_party_group", &Coverage::buildings_with_party_group},
    {"buildings_with_lead", &Coverage::buildings_with_lead},
    {"cross_appointments", &Coverage::cross_appointments},
    {"in_service_members", &Coverage::in_service_members},
    {"in_service_registered_with_residence_community",
     &Coverage::in_service_registered_with_residence_community},
};

struct RateDef {
  const char* key;    // in JSON "rates"
  const char* label;  // in Markdown and HTML
  int64_t Coverage::*numerator;
  int64_t Coverage::*denominator;
};

constexpr RateDef kRates[] = {
    {"coverage", "覆盖率", &Coverage::compounds_covered, &Coverage::compounds},
    {"secretary", "书记配备率", &Coverage::branches_with_secretary, &Coverage::branches},
    {"first_secretary", "第一书记", &Coverage::compounds_with_first_secretary,
     &Coverage::compounds},
    {"work_team", "工作队", &Coverage::compounds_without_property_with_work_team,
     &Coverage::compounds_without_property},
    {"red_owners_committee", "红色业委会率", &Coverage::compounds_with_red_owners_committee,
     &Coverage::compounds},
    {"red_property", "红色物业率", &Coverage::compounds_with_red_property,
     &Coverage::compounds_with_property},
    {"building_party_group", "楼栋党小组", &Coverage::buildings_with_party_group,
     &Coverage::buildings},
    {"building_lead", "楼栋长", &Coverage::buildings_with_lead, &Coverage::buildings},
    {"double_reporting", "双报到", &Coverage::in_service_registered_with_residence_community,
     &Coverage::in_service_members},
};
constexpr size_t kRateCount = sizeof(kRates) / sizeof(kRates[0]);

// Null when the denominator is zero (nothing to measure).
std::optional<double> RateOf(const Coverage& c, const RateDef& rate) {
  const int64_t d = c.*rate.denominator;
  if (d <= 0) return std::nullopt;
  return static_cast<double>(c.*rate.numerator) / static_cast<double>(d);
}

// "0.6667", "1", "0": four decimals, trailing zeros dropped.
std::string FormatRateNumber(double rate) {
  std::string s = absl::StrFormat("%.4f", rate);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string FormatPercent(double rate) { return absl::StrFormat("%.1f%%", rate * 100.0); }

std::string RatioText(const Coverage& c, const RateDef& rate) {
  return absl::StrCat(c.*rate.numerator, "/", c.*rate.denominator);
}

std::string FormatDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Severities in report order, and their labels for people.
constexpr Severity kSeverities[] = {Severity::kError, Severity::kWarning, Severity::kInfo};

const char* SeverityLabel(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "错误";
    case Severity::kWarning:
      return "警告";
    case Severity::kInfo:
      return "提示";
  }
  return "未知";
}

struct Summary {
  int64_t errors = 0;
  int64_t warnings = 0;
  int64_t info = 0;
};

Summary Summarise(const std::vector<Finding>& findings) {
  Summary summary;
  for (const Finding& f : findings) {
    switch (f.severity) {
      case Severity::kError:
        ++summary.errors;
        break;
      case Severity::kWarning:
        ++summary.warnings;
        break;
      case Severity::kInfo:
        ++summary.info;
        break;
    }
  }
  return summary;
}

// Communities grouped under the streets listed in the report (by parent_id);
// communities whose street is not listed (a report rooted at a street or a
// community, or a parent not filled in) are kept apart in `others`.
struct StreetGroup {
  const Coverage* street = nullptr;
  std::vector<const Coverage*> communities;
};

struct CoverageLayout {
  std::vector<StreetGroup> streets;
  std::vector<const Coverage*> others;
};

CoverageLayout LayOut(const AuditReport& report) {
  CoverageLayout layout;
  std::map<int64_t, size_t> index;
  for (const Coverage& street : report.streets) {
    index.emplace(street.unit_id, layout.streets.size());
    layout.streets.push_back({&street, {}});
  }
  for (const Coverage& community : report.communities) {
    auto it = community.parent_id > 0 ? index.find(community.parent_id) : index.end();
    if (it == index.end()) {
      layout.others.push_back(&community);
    } else {
      layout.streets[it->second].communities.push_back(&community);
    }
  }
  return layout;
}

// --- UTF-8: every writer emits valid UTF-8 whatever it is given; an invalid
// byte becomes U+FFFD.

constexpr char kReplacement[] = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence at text[i], or 0 when invalid.
size_t Utf8SequenceLength(absl::string_view text, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Calls `ascii(c)` for each ASCII character and `other(seq)` for each other
// valid sequence; invalid bytes come as U+FFFD.
template <typename Ascii, typename Other>
void ForEachChar(absl::string_view text, Ascii ascii, Other other) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) {
      other(absl::string_view(kReplacement));
      ++i;
    } else if (n == 1) {
      ascii(text[i]);
      ++i;
    } else {
      other(text.substr(i, n));
      i += n;
    }
  }
}

// --- JSON output: a small ordered tree, printed with 2-space indentation.
// Arrays of scalars go on one line; everything else one member per line.

class Json {
 public:
  static Json Null() { return Json(Kind::kNull, "null"); }
  static Json Int(int64_t v) { return Json(Kind::kScalar, absl::StrCat(v)); }
  static Json Raw(std::string number) { return Json(Kind::kScalar, std::move(number)); }
  static Json String(absl::string_view s) { return Json(Kind::kScalar, Quote(s)); }
  static Json OptionalName(int64_t id) { return id > 0 ? String(org::UnitName(id)) : Null(); }
  static Json Array() { return Json(Kind::kArray, ""); }
  static Json Object() { return Json(Kind::kObject, ""); }

  Json& Add(Json value) {
    items_.push_back(std::move(value));
    return *this;
  }
  Json& Set(absl::string_view key, Json value) {
    keys_.emplace_back(key);
    items_.push_back(std::move(value));
    return *this;
  }

  void Write(std::string* out, int indent) const {
    if (kind_ == Kind::kNull || kind_ == Kind::kScalar) {
      out->append(text_);
      return;
    }
    const char open = kind_ == Kind::kArray ? '[' : '{';
    const char close = kind_ == Kind::kArray ? ']' : '}';
    if (items_.empty()) {
      out->push_back(open);
      out->push_back(close);
      return;
    }
    const bool inline_items =
        kind_ == Kind::kArray && std::all_of(items_.begin(), items_.end(), [](const Json& j) {
          return j.kind_ == Kind::kNull || j.kind_ == Kind::kScalar;
        });
    out->push_back(open);
    for (size_t i = 0; i < items_.size(); ++i) {
      if (i > 0) out->push_back(',');
      if (inline_items) {
        if (i > 0) out->push_back(' ');
      } else {
        out->push_back('\n');
        out->append(2 * (indent + 1), ' ');
      }
      if (kind_ == Kind::kObject) {
        out->append(Quote(keys_[i]));
        out->append(": ");
      }
      items_[i].Write(out, indent + 1);
    }
    if (!inline_items) {
      out->push_back('\n');
      out->append(2 * indent, ' ');
    }
    out->push_back(close);
  }

  // A JSON string: UTF-8 kept as is; only '"', '\\' and control characters
  // are escaped.
  static std::string Quote(absl::string_view s) {
    std::string out = "\"";
    ForEachChar(
        s,
        [&](char c) {
          switch (c) {
            case '"':
              out.append("\\\"");
              break;
            case '\\':
              out.append("\\\\");
              break;
            case '\n':
              out.append("\\n");
              break;
            case '\r':
              out.append("\\r");
              break;
            case '\t':
              out.append("\\t");
              break;
            case '\b':
              out.append("\\b");
              break;
            case '\f':
              out.append("\\f");
              break;
            default:
              if (static_cast<unsigned char>(c) < 0x20) {
                out.append(absl::StrFormat("\\u%04x", static_cast<unsigned char>(c)));
              } else {
                out.push_back(c);
              }
          }
        },
        [&](absl::string_view seq) { out.append(seq.data(), seq.size()); });
    out.push_back('"');
    return out;
  }

 private:
  enum class Kind { kNull, kScalar, kArray, kObject };
  Json(Kind kind, std::string text) : kind_(kind), text_(std::move(text)) {}

  Kind kind_;
  std::string text_;               // scalars: the JSON text
  std::vector<std::string> keys_;  // objects
  std::vector<Json> items_;        // arrays and objects
};

Json CoverageToJson(const Coverage& c) {
  Json o = Json::Object();
  o.Set("name", Json::OptionalName(c.unit_id));
  o.Set("parent", Json::OptionalName(c.parent_id));
  o.Set("display_name", Json::String(c.display_name));
  o.Set("level", Json::String(org::LevelName(c.level)));
  for (const Counter& counter : kCounters) o.Set(counter.key, Json::Int(c.*counter.field));
  Json rates = Json::Object();
  for (const RateDef& rate : kRates) {
    const std::optional<double> r = RateOf(c, rate);
    rates.Set(rate.key, r.has_value() ? Json::Raw(FormatRateNumber(*r)) : Json::Null());
  }
  o.Set("rates", std::move(rates));
  return o;
}

Json FindingToJson(const Finding& f) {
  Json resources = Json::Array();
  for (const std::string& r : f.resources) resources.Add(Json::String(r));
  Json o = Json::Object();
  o.Set("rule", Json::String(f.rule));
  o.Set("severity", Json::String(SeverityName(f.severity)));
  o.Set("resources", std::move(resources));
  o.Set("message", Json::String(f.message));
  return o;
}

Json FindingsToJson(const std::vector<Finding>& findings) {
  Json a = Json::Array();
  for (const Finding& f : findings) a.Add(FindingToJson(f));
  return a;
}

// --- JSON input.

using google::protobuf::ListValue;
using google::protobuf::Struct;
using google::protobuf::Value;

absl::Status Invalid(absl::string_view path, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(path, ": ", problem));
}

std::string Child(absl::string_view path, absl::string_view key) {
  return path.empty() ? std::string(key) : absl::StrCat(path, ".", key);
}

std::string Element(absl::string_view path, size_t i) { return absl::StrCat(path, "[", i, "]"); }

absl::StatusOr<const Value*> Member(const Struct& object, absl::string_view path,
                                    absl::string_view key) {
  auto it = object.fields().find(std::string(key));
  if (it == object.fields().end()) return Invalid(Child(path, key), "missing");
  return &it->second;
}

absl::StatusOr<const Struct*> AsObject(const Value& value, absl::string_view path) {
  if (value.kind_case() != Value::kStructValue) return Invalid(path, "must be an object");
  return &value.struct_value();
}

absl::StatusOr<const ListValue*> AsArray(const Value& value, absl::string_view path) {
  if (value.kind_case() != Value::kListValue) return Invalid(path, "must be an array");
  return &value.list_value();
}

absl::StatusOr<std::string> AsString(const Value& value, absl::string_view path) {
  if (value.kind_case() != Value::kStringValue) return Invalid(path, "must be a string");
  return value.string_value();
}

// Integers travel as JSON numbers; beyond 2^53 a double cannot hold them.
absl::StatusOr<int64_t> AsInteger(const Value& value, absl::string_view path, int64_t min) {
  if (value.kind_case() != Value::kNumberValue) return Invalid(path, "must be a number");
  const double d = value.number_value();
  constexpr double kMaxExact = 9007199254740992.0;  // 2^53
  if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) > kMaxExact) {
    return Invalid(path, "must be an integer");
  }
  const auto v = static_cast<int64_t>(d);
  if (v < min) return Invalid(path, absl::StrCat("must be at least ", min, "; got ", v));
  return v;
}

absl::StatusOr<const Struct*> ObjectMember(const Struct& object, absl::string_view path,
                                           absl::string_view key) {
  ASSIGN_OR_RETURN(const Value* v, Member(object, path, key));
  return AsObject(*v, Child(path, key));
}

absl::StatusOr<const ListValue*> ArrayMember(const Struct& object, absl::string_view path,
                                             absl::string_view key) {
  ASSIGN_OR_RETURN(const Value* v, Member(object, path, key));
  return AsArray(*v, Child(path, key));
}

absl::StatusOr<std::string> StringMember(const Struct& object, absl::string_view path,
                                         absl::string_view key) {
  ASSIGN_OR_RETURN(const Value* v, Member(object, path, key));
  return AsString(*v, Child(path, key));
}

absl::StatusOr<int64_t> IntegerMember(const Struct& object, absl::string_view path,
                                      absl::string_view key, int64_t min) {
  ASSIGN_OR_RETURN(const Value* v, Member(object, path, key));
  return AsInteger(*v, Child(path, key), min);
}

// "units/N", or null for 0 when `nullable`.
absl::StatusOr<int64_t> UnitNameMember(const Struct& object, absl::string_view path,
                                       absl::string_view key, bool nullable) {
  ASSIGN_OR_RETURN(const Value* v, Member(object, path, key));
  const std::string field = Child(path, key);
  if (nullable && v->kind_case() == Value::kNullValue) return 0;
  if (v->kind_case() != Value::kStringValue) {
    return Invalid(field, nullable ? "must be a unit name or null" : "must be a unit name");
  }
  return org::ParseUnitName(v->string_value(), field);
}

absl::StatusOr<Coverage> CoverageFromJson(const Value& value, absl::string_view path) {
  ASSIGN_OR_RETURN(const Struct* o, AsObject(value, path));
  Coverage c;
  ASSIGN_OR_RETURN(c.unit_id, UnitNameMember(*o, path, "name", /*nullable=*/true));
  ASSIGN_OR_RETURN(c.parent_id, UnitNameMember(*o, path, "parent", /*nullable=*/true));
  ASSIGN_OR_RETURN(c.display_name, StringMember(*o, path, "display_name"));
  ASSIGN_OR_RETURN(const std::string level, StringMember(*o, path, "level"));
  if (level == org::LevelName(org::Level::kUnspecified)) {
    c.level = org::Level::kUnspecified;
  } else if (std::optional<org::Level> parsed = org::ParseLevelName(level)) {
    c.level = *parsed;
  } else {
    return Invalid(Child(path, "level"), absl::StrCat("unknown level \"", level, "\""));
  }
  for (const Counter& counter : kCounters) {
    ASSIGN_OR_RETURN(c.*counter.field, IntegerMember(*o, path, counter.key, 0));
  }
  // The rates are derived from the counters; a reader recomputes them. Only
  // their presence and shape are checked.
  ASSIGN_OR_RETURN(const Struct* rates, ObjectMember(*o, path, "rates"));
  const std::string rates_path = Child(path, "rates");
  for (const RateDef& rate : kRates) {
    ASSIGN_OR_RETURN(const Value* r, Member(*rates, rates_path, rate.key));
    if (r->kind_case() != Value::kNullValue && r->kind_case() != Value::kNumberValue) {
      return Invalid(Child(rates_path, rate.key), "must be a number or null");
    }
  }
  return c;
}

absl::StatusOr<std::vector<Coverage>> CoverageListFromJson(const Struct& object,
                                                           absl::string_view path,
                                                           absl::string_view key) {
  ASSIGN_OR_RETURN(const ListValue* list, ArrayMember(object, path, key));
  const std::string field = Child(path, key);
  std::vector<Coverage> out;
  for (int i = 0; i < list->values_size(); ++i) {
    ASSIGN_OR_RETURN(Coverage c, CoverageFromJson(list->values(i), Element(field, i)));
    out.push_back(std::move(c));
  }
  return out;
}

absl::StatusOr<Finding> FindingFromJson(const Value& value, absl::string_view path) {
  ASSIGN_OR_RETURN(const Struct* o, AsObject(value, path));
  Finding f;
  ASSIGN_OR_RETURN(f.rule, StringMember(*o, path, "rule"));
  if (f.rule.empty()) return Invalid(Child(path, "rule"), "must not be empty");
  ASSIGN_OR_RETURN(const std::string severity, StringMember(*o, path, "severity"));
  bool known = false;
  for (Severity s : kSeverities) {
    if (SeverityName(s) == severity) {
      f.severity = s;
      known = true;
    }
  }
  if (!known) {
    return Invalid(Child(path, "severity"), absl::StrCat("unknown severity \"", severity, "\""));
  }
  ASSIGN_OR_RETURN(const ListValue* resources, ArrayMember(*o, path, "resources"));
  for (int i = 0; i < resources->values_size(); ++i) {
    ASSIGN_OR_RETURN(std::string r,
                     AsString(resources->values(i), Element(Child(path, "resources"), i)));
    f.resources.push_back(std::move(r));
  }
  ASSIGN_OR_RETURN(f.message, StringMember(*o, path, "message"));
  return f;
}

absl::StatusOr<std::vector<Finding>> FindingListFromJson(const Struct& object,
                                                         absl::string_view path,
                                                         absl::string_view key) {
  ASSIGN_OR_RETURN(const ListValue* list, ArrayMember(object, path, key));
  const std::string field = Child(path, key);
  std::vector<Finding> out;
  for (int i = 0; i < list->values_size(); ++i) {
    ASSIGN_OR_RETURN(Finding f, FindingFromJson(list->values(i), Element(field, i)));
    out.push_back(std::move(f));
  }
  return out;
}

// --- Text for people.

// Markdown table cells and list items: one line, and the characters that
// would split a cell or start markup are backslash-escaped.
std::string MdEscape(absl::string_view s) {
  std::string out;
  ForEachChar(
      s,
      [&](char c) {
        switch (c) {
          case '\\':
          case '|':
          case '`':
          case '*':
          case '_':
          case '[':
          case ']':
          case '<':
          case '>':
          case '#':
            out.push_back('\\');
            out.push_back(c);
            break;
          case '\n':
          case '\r':
          case '\t':
            out.push_back(' ');
            break;
          default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
              out.append(kReplacement);
            } else {
              out.push_back(c);
            }
        }
      },
      [&](absl::string_view seq) { out.append(seq.data(), seq.size()); });
  return out;
}

// HTML (and XML) text and attribute values. Control characters XML does not
// allow become U+FFFD.
std::string HtmlEscape(absl::string_view s) {
  std::string out;
  ForEachChar(
      s,
      [&](char c) {
        switch (c) {
          case '&':
            out.append("&amp;");
            break;
          case '<':
            out.append("&lt;");
            break;
          case '>':
            out.append("&gt;");
            break;
          case '"':
            out.append("&quot;");
            break;
          case '\'':
            out.append("&#39;");
            break;
          case '\n':
          case '\r':
          case '\t':
            out.push_back(c);
            break;
          default:
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
              out.append(kReplacement);
            } else {
              out.push_back(c);
            }
        }
      },
      [&](absl::string_view seq) { out.append(seq.data(), seq.size()); });
  return out;
}

// The key-figure columns of the coverage tables.
struct Cell {
  std::string value;  // "66.7%", "—", "3"
  std::string ratio;  // "2/3"; empty for a plain count
  bool missing = false;
};

std::vector<std::string> KeyColumnLabels() {
  std::vector<std::string> labels = {"小区"};
  for (size_t i = 0; i < kRateCount; ++i) {
    if (std::string(kRates[i].key) == "double_reporting") labels.push_back("交叉任职");
    labels.push_back(kRates[i].label);
  }
  return labels;
}

std::vector<Cell> KeyCells(const Coverage& c) {
  std::vector<Cell> cells = {{absl::StrCat(c.compounds), "", false}};
  for (const RateDef& rate : kRates) {
    if (std::string(rate.key) == "double_reporting") {
      cells.push_back({absl::StrCat(c.cross_appointments), "", false});
    }
    const std::optional<double> r = RateOf(c, rate);
    cells.push_back({r.has_value() ? FormatPercent(*r) : "—", RatioText(c, rate), !r.has_value()});
  }
  return cells;
}

std::string UnitLabel(const Coverage& c) {
  return c.unit_id > 0 ? absl::StrCat(c.display_name, "（", org::UnitName(c.unit_id), "）")
                       : c.display_name;
}

std::string ResourcesText(const Finding& f) { return absl::StrJoin(f.resources, ", "); }

// --- Markdown.

void MdCoverageRow(absl::string_view first, const Coverage& c, std::string* out) {
  absl::StrAppend(out, "| ", first);
  for (const Cell& cell : KeyCells(c)) {
    if (cell.ratio.empty() || cell.missing) {
      absl::StrAppend(out, " | ", cell.value);
    } else {
      absl::StrAppend(out, " | ", cell.value, " (", cell.ratio, ")");
    }
  }
  out->append(" |\n");
}

void MdCoverageHeader(absl::string_view first, std::string* out) {
  const std::vector<std::string> labels = KeyColumnLabels();
  absl::StrAppend(out, "| ", first, " | ", absl::StrJoin(labels, " | "), " |\n|---");
  for (size_t i = 0; i < labels.size(); ++i) out->append("|---:");
  out->append("|\n");
}

void MdFindings(const std::vector<Finding>& findings, bool with_severity, std::string* out) {
  if (findings.empty()) {
    out->append("无。\n");
    return;
  }
  for (const Finding& f : findings) {
    out->append("- ");
    if (with_severity) absl::StrAppend(out, SeverityLabel(f.severity), " · ");
    absl::StrAppend(out, "**", MdEscape(f.rule), "** · ", MdEscape(ResourcesText(f)), " — ",
                    MdEscape(f.message), "\n");
  }
}

void MdFindingsBySeverity(const std::vector<Finding>& findings, absl::string_view heading,
                          std::string* out) {
  for (Severity s : kSeverities) {
    std::vector<Finding> group;
    for (const Finding& f : findings) {
      if (f.severity == s) group.push_back(f);
    }
    if (group.empty()) continue;
    absl::StrAppend(out, "\n", heading, " ", SeverityLabel(s), "（", group.size(), "）\n\n");
    MdFindings(group, /*with_severity=*/false, out);
  }
}

// --- HTML.

constexpr char kStyle[] = R"css(
body { font-family: system-ui, -apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; color: #1f2328; margin: 2em auto; max-width: 80em; padding: 0 1em; line-height: 1.5; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.meta { color: #59636e; margin-top: 0; }
.summary span { display: inline-block; margin-right: 1.5em; font-weight: 600; }
.sev-ERROR { color: #cf222e; }
.sev-WARNING { color: #9a6700; }
.sev-INFO { color: #0969da; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 14px; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f6f8fa; }
tfoot td { background: #f6f8fa; font-weight: 600; }
td.na { color: #8c959f; text-align: center; }
table.findings td { text-align: left; white-space: normal; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; font-size: 0.92em; }
svg.chart text { font-size: 13px; fill: #1f2328; }
)css";

void HtmlCoverageHeader(absl::string_view first, std::string* out) {
  absl::StrAppend(out, "<thead><tr><th>", HtmlEscape(first), "</th>");
  for (const std::string& label : KeyColumnLabels()) {
    absl::StrAppend(out, "<th>", HtmlEscape(label), "</th>");
  }
  out->append("</tr></thead>\n");
}

void HtmlCoverageRow(absl::string_view first, const Coverage& c, std::string* out) {
  absl::StrAppend(out, "<tr><td>", HtmlEscape(first), "</td>");
  for (const Cell& cell : KeyCells(c)) {
    if (cell.ratio.empty()) {
      absl::StrAppend(out, "<td>", HtmlEscape(cell.value), "</td>");
    } else {
      absl::StrAppend(out, "<td", cell.missing ? " class=\"na\"" : "", " title=\"",
                      HtmlEscape(cell.ratio), "\">", HtmlEscape(cell.value), "</td>");
    }
  }
  out->append("</tr>\n");
}

// One street: its communities as rows, the street's own figures as the foot.
void HtmlStreetTable(const Coverage* street, const std::vector<const Coverage*>& communities,
                     std::string* out) {
  out->append("<table class=\"coverage\">\n");
  HtmlCoverageHeader("社区", out);
  out->append("<tbody>\n");
  if (communities.empty()) {
    absl::StrAppend(out, "<tr><td colspan=\"", KeyColumnLabels().size() + 1,
                    "\">（无社区）</td></tr>\n");
  }
  for (const Coverage* c : communities) HtmlCoverageRow(c->display_name, *c, out);
  out->append("</tbody>\n");
  if (street != nullptr) {
    out->append("<tfoot>\n");
    HtmlCoverageRow("街道合计", *street, out);
    out->append("</tfoot>\n");
  }
  out->append("</table>\n");
}

// A horizontal bar per rate of the totals; a rate with nothing to measure
// gets an empty track and "—".
std::string HtmlChart(const Coverage& totals) {
  constexpr int kLabelWidth = 120;
  constexpr int kBarX = 130;
  constexpr int kBarWidth = 400;
  constexpr int kRowHeight = 28;
  constexpr int kTop = 8;
  const int height = kTop * 2 + kRowHeight * static_cast<int>(kRateCount);
  const int width = kBarX + kBarWidth + 130;
  std::string out = absl::StrFormat(
      "<svg class=\"chart\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
      "aria-labelledby=\"chart-title\">\n<title id=\"chart-title\">%s</title>\n",
      width, height, width, height,
      HtmlEscape(absl::StrCat("覆盖率（", totals.display_name, "）")));
  int y = kTop;
  for (const RateDef& rate : kRates) {
    const std::optional<double> r = RateOf(totals, rate);
    const double clamped = r.has_value() ? std::clamp(*r, 0.0, 1.0) : 0.0;
    absl::StrAppendFormat(&out,
                          "<g><text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"18\" fill=\"#eaeef2\"/>",
                          kLabelWidth, y + 17, HtmlEscape(rate.label), kBarX, y + 4, kBarWidth);
    if (r.has_value()) {
      absl::StrAppendFormat(&out,
                            "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"18\" "
                            "fill=\"#2da44e\"/>",
                            kBarX, y + 4, clamped * kBarWidth);
    }
    absl::StrAppendFormat(
        &out, "<text x=\"%d\" y=\"%d\">%s</text></g>\n", kBarX + kBarWidth + 6, y + 17,
        r.has_value()
            ? HtmlEscape(absl::StrCat(FormatPercent(*r), "（", RatioText(totals, rate), "）"))
            : std::string("—"));
    y += kRowHeight;
  }
  out.append("</svg>\n");
  return out;
}

void HtmlFindingsTable(const std::vector<Finding>& findings, bool with_severity, std::string* out) {
  if (findings.empty()) {
    out->append("<p>无。</p>\n");
    return;
  }
  out->append("<table class=\"findings\">\n<thead><tr>");
  if (with_severity) out->append("<th>级别</th>");
  out->append("<th>规则</th><th>资源</th><th>说明</th></tr></thead>\n<tbody>\n");
  for (const Finding& f : findings) {
    const std::string severity = HtmlEscape(SeverityName(f.severity));
    absl::StrAppend(out, "<tr class=\"sev-", severity, "\">");
    if (with_severity) {
      absl::StrAppend(out, "<td>", HtmlEscape(SeverityLabel(f.severity)), "</td>");
    }
    absl::StrAppend(out, "<td><code>", HtmlEscape(f.rule), "</code></td><td>",
                    HtmlEscape(ResourcesText(f)), "</td><td>", HtmlEscape(f.message),
                    "</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

}  // namespace

// --- Public API.

ReportDiff CompareReports(const AuditReport& previous, const AuditReport& current) {
  // Findings with the same key are one finding: the first one is kept.
  const auto keys_of = [](const std::vector<Finding>& findings) {
    std::set<std::string> keys;
    for (const Finding& f : findings) keys.insert(f.Key());
    return keys;
  };
  const auto missing_from = [](const std::vector<Finding>& findings,
                               const std::set<std::string>& other) {
    std::vector<std::pair<std::string, const Finding*>> keyed;
    std::set<std::string> seen;
    for (const Finding& f : findings) {
      std::string key = f.Key();
      if (other.count(key) == 0 && seen.insert(key).second) keyed.emplace_back(std::move(key), &f);
    }
    // The report's order: by severity, then rule, then key.
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
      return std::tie(a.second->severity, a.second->rule, a.first) <
             std::tie(b.second->severity, b.second->rule, b.first);
    });
    std::vector<Finding> out;
    out.reserve(keyed.size());
    for (const auto& [key, f] : keyed) out.push_back(*f);
    return out;
  };
  ReportDiff diff;
  diff.added = missing_from(current.findings, keys_of(previous.findings));
  diff.resolved = missing_from(previous.findings, keys_of(current.findings));
  return diff;
}

std::string ReportToJson(const AuditReport& report, const ReportDiff* diff) {
  Json root = Json::Object();
  root.Set("name", Json::OptionalName(report.root_unit_id));
  root.Set("display_name", Json::String(report.root_display_name));

  Json revisions = Json::Object();
  revisions.Set("org", Json::Int(report.org_revision));
  revisions.Set("roster", Json::Int(report.roster_revision));

  Json streets = Json::Array();
  for (const Coverage& c : report.streets) streets.Add(CoverageToJson(c));
  Json communities = Json::Array();
  for (const Coverage& c : report.communities) communities.Add(CoverageToJson(c));
  Json coverage = Json::Object();
  coverage.Set("streets", std::move(streets));
  coverage.Set("communities", std::move(communities));
  coverage.Set("totals", CoverageToJson(report.totals));

  const Summary counts = Summarise(report.findings);
  Json summary = Json::Object();
  summary.Set("errors", Json::Int(counts.errors));
  summary.Set("warnings", Json::Int(counts.warnings));
  summary.Set("info", Json::Int(counts.info));

  Json doc = Json::Object();
  doc.Set("schema_version", Json::Int(kSchemaVersion));
  doc.Set("root", std::move(root));
  doc.Set("revisions", std::move(revisions));
  doc.Set("today", Json::String(FormatDay(report.today)));
  doc.Set("coverage", std::move(coverage));
  doc.Set("findings", FindingsToJson(report.findings));
  doc.Set("summary", std::move(summary));
  if (diff != nullptr) {
    Json since = Json::Object();
    since.Set("new", FindingsToJson(diff->added));
    since.Set("resolved", FindingsToJson(diff->resolved));
    doc.Set("since_previous", std::move(since));
  }
  std::string out;
  doc.Write(&out, 0);
  out.push_back('\n');
  return out;
}

absl::StatusOr<AuditReport> ReportFromJson(absl::string_view json) {
  Value value;
  const auto parsed = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &value);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON audit report: ", std::string(parsed.message())));
  }
  if (value.kind_case() != Value::kStructValue) {
    return absl::InvalidArgumentError("not a JSON audit report: the document is not an object");
  }
  const Struct& doc = value.struct_value();

  ASSIGN_OR_RETURN(const int64_t version, IntegerMember(doc, "", "schema_version", 0));
  if (version != kSchemaVersion) {
    return Invalid("schema_version",
                   absl::StrCat("is ", version, "; this reader knows ", kSchemaVersion));
  }

  AuditReport report;
  ASSIGN_OR_RETURN(const Struct* root, ObjectMember(doc, "", "root"));
  ASSIGN_OR_RETURN(report.root_unit_id, UnitNameMember(*root, "root", "name", false));
  ASSIGN_OR_RETURN(report.root_display_name, StringMember(*root, "root", "display_name"));

  ASSIGN_OR_RETURN(const Struct* revisions, ObjectMember(doc, "", "revisions"));
  ASSIGN_OR_RETURN(report.org_revision, IntegerMember(*revisions, "revisions", "org", 0));
  ASSIGN_OR_RETURN(report.roster_revision, IntegerMember(*revisions, "revisions", "roster", 0));

  ASSIGN_OR_RETURN(const std::string today, StringMember(doc, "", "today"));
  if (!absl::ParseCivilTime(today, &report.today) || FormatDay(report.today) != today) {
    return Invalid("today", absl::StrCat("\"", today, "\" is not a date (YYYY-MM-DD)"));
  }

  ASSIGN_OR_RETURN(const Struct* coverage, ObjectMember(doc, "", "coverage"));
  ASSIGN_OR_RETURN(report.streets, CoverageListFromJson(*coverage, "coverage", "streets"));
  ASSIGN_OR_RETURN(report.communities, CoverageListFromJson(*coverage, "coverage", "communities"));
  ASSIGN_OR_RETURN(const Value* totals, Member(*coverage, "coverage", "totals"));
  ASSIGN_OR_RETURN(report.totals, CoverageFromJson(*totals, "coverage.totals"));

  ASSIGN_OR_RETURN(report.findings, FindingListFromJson(doc, "", "findings"));

  // The summary is derived from the findings; it must be there and agree.
  ASSIGN_OR_RETURN(const Struct* summary, ObjectMember(doc, "", "summary"));
  const Summary counts = Summarise(report.findings);
  const std::pair<const char*, int64_t> expected[] = {
      {"errors", counts.errors}, {"warnings", counts.warnings}, {"info", counts.info}};
  for (const auto& [key, count] : expected) {
    ASSIGN_OR_RETURN(const int64_t n, IntegerMember(*summary, "summary", key, 0));
    if (n != count) {
      return Invalid(Child("summary", key),
                     absl::StrCat("is ", n, " but the findings hold ", count));
    }
  }

  // since_previous is not part of AuditReport; when present it must still
  // have its shape.
  auto since = doc.fields().find("since_previous");
  if (since != doc.fields().end()) {
    ASSIGN_OR_RETURN(const Struct* s, AsObject(since->second, "since_previous"));
    RETURN_IF_ERROR(FindingListFromJson(*s, "since_previous", "new").status());
    RETURN_IF_ERROR(FindingListFromJson(*s, "since_previous", "resolved").status());
  }
  return report;
}

std::string ReportToMarkdown(const AuditReport& report, const ReportDiff* diff) {
  std::string out;
  const Summary counts = Summarise(report.findings);
  absl::StrAppend(&out, "# 夜间审计报告：", MdEscape(report.root_display_name));
  if (report.root_unit_id > 0)
    absl::StrAppend(&out, "（", org::UnitName(report.root_unit_id), "）");
  absl::StrAppend(&out, "\n\n- 日期：", FormatDay(report.today), "\n- 数据版本：组织服务 ",
                  report.org_revision, "，名册服务 ", report.roster_revision, "\n");
  absl::StrAppend(&out, "- 摘要：错误 ", counts.errors, " 项，警告 ", counts.warnings, " 项，提示 ",
                  counts.info, " 项");
  if (diff != nullptr) {
    absl::StrAppend(&out, "；较上次新增 ", diff->added.size(), " 项，已解决 ",
                    diff->resolved.size(), " 项");
  }
  out.append("\n\n## 覆盖情况\n\n比率后括号内为分子/分母；分母为 0 时记为“—”。\n");

  const CoverageLayout layout = LayOut(report);
  for (const StreetGroup& group : layout.streets) {
    absl::StrAppend(&out, "\n### ", MdEscape(UnitLabel(*group.street)), "\n\n");
    MdCoverageHeader("社区", &out);
    for (const Coverage* c : group.communities) MdCoverageRow(MdEscape(c->display_name), *c, &out);
    MdCoverageRow("**街道合计**", *group.street, &out);
  }
  if (!layout.others.empty()) {
    out.append("\n### 其他社区\n\n");
    MdCoverageHeader("社区", &out);
    for (const Coverage* c : layout.others) MdCoverageRow(MdEscape(c->display_name), *c, &out);
  }

  absl::StrAppend(&out, "\n### 合计：", MdEscape(UnitLabel(report.totals)), "\n\n");
  MdCoverageHeader("范围", &out);
  MdCoverageRow(MdEscape(report.totals.display_name), report.totals, &out);
  absl::StrAppend(&out, "\n小区 ", report.totals.compounds, " 个（有物业 ",
                  report.totals.compounds_with_property, "，无物业 ",
                  report.totals.compounds_without_property, "），小区级党组织 ",
                  report.totals.branches, " 个，楼栋 ", report.totals.buildings, " 栋，在职党员 ",
                  report.totals.in_service_members, " 名，交叉任职 ",
                  report.totals.cross_appointments, " 人。\n");

  absl::StrAppend(&out, "\n## 发现的问题（", report.findings.size(), "）\n");
  if (report.findings.empty()) out.append("\n未发现问题。\n");
  MdFindingsBySeverity(report.findings, "###", &out);

  if (diff != nullptr) {
    absl::StrAppend(&out, "\n## 自上次审计以来\n\n### 新增（", diff->added.size(), "）\n\n");
    MdFindings(diff->added, /*with_severity=*/true, &out);
    absl::StrAppend(&out, "\n### 已解决（", diff->resolved.size(), "）\n\n");
    MdFindings(diff->resolved, /*with_severity=*/true, &out);
  }
  return out;
}

std::string ReportToHtml(const AuditReport& report, const ReportDiff* diff) {
  const Summary counts = Summarise(report.findings);
  const std::string title = absl::StrCat("夜间审计报告：", report.root_display_name);
  std::string out;
  absl::StrAppend(&out,
                  "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
                  "<title>",
                  HtmlEscape(title), "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n");
  absl::StrAppend(&out, "<h1>", HtmlEscape(title));
  if (report.root_unit_id > 0) {
    absl::StrAppend(&out, "（", HtmlEscape(org::UnitName(report.root_unit_id)), "）");
  }
  absl::StrAppend(&out, "</h1>\n<p class=\"meta\">日期 ", HtmlEscape(FormatDay(report.today)),
                  " · 组织服务版本 ", report.org_revision, " · 名册服务版本 ",
                  report.roster_revision, "</p>\n");
  absl::StrAppend(&out, "<p class=\"summary\"><span class=\"sev-ERROR\">错误 ", counts.errors,
                  "</span><span class=\"sev-WARNING\">警告 ", counts.warnings,
                  "</span><span class=\"sev-INFO\">提示 ", counts.info, "</span>");
  if (diff != nullptr) {
    absl::StrAppend(&out, "<span>较上次新增 ", diff->added.size(), "</span><span>已解决 ",
                    diff->resolved.size(), "</span>");
  }
  out.append("</p>\n");

  out.append("<h2>覆盖情况</h2>\n");
  out.append(HtmlChart(report.totals));
  out.append("<p class=\"meta\">鼠标悬停在比率上可见分子/分母；分母为 0 时记为“—”。</p>\n");
  const CoverageLayout layout = LayOut(report);
  for (const StreetGroup& group : layout.streets) {
    absl::StrAppend(&out, "<h3>", HtmlEscape(UnitLabel(*group.street)), "</h3>\n");
    HtmlStreetTable(group.street, group.communities, &out);
  }
  if (!layout.others.empty()) {
    out.append("<h3>其他社区</h3>\n");
    HtmlStreetTable(nullptr, layout.others, &out);
  }
  absl::StrAppend(&out, "<h3>合计：", HtmlEscape(UnitLabel(report.totals)), "</h3>\n");
  out.append("<table class=\"totals\">\n");
  HtmlCoverageHeader("范围", &out);
  out.append("<tbody>\n");
  HtmlCoverageRow(report.totals.display_name, report.totals, &out);
  out.append("</tbody>\n</table>\n");

  absl::StrAppend(&out, "<h2>发现的问题（", report.findings.size(), "）</h2>\n");
  if (report.findings.empty()) out.append("<p>未发现问题。</p>\n");
  for (Severity s : kSeverities) {
    std::vector<Finding> group;
    for (const Finding& f : report.findings) {
      if (f.severity == s) group.push_back(f);
    }
    if (group.empty()) continue;
    absl::StrAppend(&out, "<h3 class=\"sev-", HtmlEscape(SeverityName(s)), "\">", SeverityLabel(s),
                    "（", group.size(), "）</h3>\n");
    HtmlFindingsTable(group, /*with_severity=*/false, &out);
  }

  if (diff != nullptr) {
    absl::StrAppend(&out, "<h2>自上次审计以来</h2>\n<h3>新增（", diff->added.size(), "）</h3>\n");
    HtmlFindingsTable(diff->added, /*with_severity=*/true, &out);
    absl::StrAppend(&out, "<h3>已解决（", diff->resolved.size(), "）</h3>\n");
    HtmlFindingsTable(diff->resolved, /*with_severity=*/true, &out);
  }
  out.append("</body>\n</html>\n");
  return out;
}

}  // namespace grassroots::audit
