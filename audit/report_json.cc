// The JSON report (schema in docs/audit_report.schema.json) and its reader.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "audit/report_figures.h"
#include "audit/report_writers.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "org_service/unit.h"

namespace grassroots::audit {
namespace {

using report::Counter;
using report::FormatDay;
using report::FormatRateNumber;
using report::kCounters;
using report::kHandlingLevelDefs;
using report::kRates;
using report::kSeverities;
using report::RateDef;
using report::RateOf;

// 3 (issue 16): the casework counters, rates and times to resolve, the
// casework revision and the audit's time. 2 (issue 15): the coverage
// counters and rates of docs/audit.md. Reports of versions 1 and 2 are
// still read for --previous: their findings, not their coverage, which
// lacks what this one counts.
constexpr int kSchemaVersion = 3;
constexpr int kOldestReadableVersion = 1;

// "2026-11-23T02:00:00Z": the audit's time in UTC, to the second.
constexpr char kAuditTimeFormat[] = "%Y-%m-%dT%H:%M:%SZ";
std::string FormatAuditTime(absl::Time time) {
  return absl::FormatTime(kAuditTimeFormat, time, absl::UTCTimeZone());
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
    report::ForEachChar(
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
  Json times = Json::Object();
  for (size_t i = 0; i < kHandlingLevels; ++i) {
    const ResolveTimes& t = c.resolve_times[i];
    Json level = Json::Object();
    level.Set("resolved", Json::Int(t.resolved));
    level.Set("median_seconds", Json::Int(absl::ToInt64Seconds(t.median)));
    level.Set("p90_seconds", Json::Int(absl::ToInt64Seconds(t.p90)));
    times.Set(kHandlingLevelDefs[i].key, std::move(level));
  }
  o.Set("resolve_times", std::move(times));
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
  ASSIGN_OR_RETURN(const Struct* times, ObjectMember(*o, path, "resolve_times"));
  const std::string times_path = Child(path, "resolve_times");
  for (size_t i = 0; i < kHandlingLevels; ++i) {
    ASSIGN_OR_RETURN(const Struct* level,
                     ObjectMember(*times, times_path, kHandlingLevelDefs[i].key));
    const std::string level_path = Child(times_path, kHandlingLevelDefs[i].key);
    ResolveTimes& t = c.resolve_times[i];
    ASSIGN_OR_RETURN(t.resolved, IntegerMember(*level, level_path, "resolved", 0));
    ASSIGN_OR_RETURN(const int64_t median, IntegerMember(*level, level_path, "median_seconds", 0));
    ASSIGN_OR_RETURN(const int64_t p90, IntegerMember(*level, level_path, "p90_seconds", 0));
    t.median = absl::Seconds(median);
    t.p90 = absl::Seconds(p90);
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

}  // namespace

std::string ReportToJson(const AuditReport& report, const ReportDiff* diff) {
  Json root = Json::Object();
  root.Set("name", Json::OptionalName(report.root_unit_id));
  root.Set("display_name", Json::String(report.root_display_name));

  Json revisions = Json::Object();
  revisions.Set("org", Json::Int(report.org_revision));
  revisions.Set("roster", Json::Int(report.roster_revision));
  revisions.Set("casework", Json::Int(report.casework_revision));

  Json streets = Json::Array();
  for (const Coverage& c : report.streets) streets.Add(CoverageToJson(c));
  Json communities = Json::Array();
  for (const Coverage& c : report.communities) communities.Add(CoverageToJson(c));
  Json coverage = Json::Object();
  coverage.Set("streets", std::move(streets));
  coverage.Set("communities", std::move(communities));
  coverage.Set("totals", CoverageToJson(report.totals));

  const FindingCounts counts = CountFindings(report.findings);
  Json summary = Json::Object();
  summary.Set("errors", Json::Int(counts.errors));
  summary.Set("warnings", Json::Int(counts.warnings));
  summary.Set("info", Json::Int(counts.info));

  Json doc = Json::Object();
  doc.Set("schema_version", Json::Int(kSchemaVersion));
  doc.Set("root", std::move(root));
  doc.Set("revisions", std::move(revisions));
  doc.Set("today", Json::String(FormatDay(report.today)));
  doc.Set("audit_time", Json::String(FormatAuditTime(report.audit_time)));
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
  if (version < kOldestReadableVersion || version > kSchemaVersion) {
    return Invalid("schema_version", absl::StrCat("is ", version, "; this reader knows ",
                                                  kOldestReadableVersion, " to ", kSchemaVersion));
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

  if (version == kSchemaVersion) {
    ASSIGN_OR_RETURN(report.casework_revision,
                     IntegerMember(*revisions, "revisions", "casework", 0));
    ASSIGN_OR_RETURN(const std::string time, StringMember(doc, "", "audit_time"));
    std::string error;
    if (!absl::ParseTime(kAuditTimeFormat, time, &report.audit_time, &error) ||
        FormatAuditTime(report.audit_time) != time) {
      return Invalid("audit_time",
                     absl::StrCat("\"", time, "\" is not a time (YYYY-MM-DDTHH:MM:SSZ)"));
    }
  }

  ASSIGN_OR_RETURN(const Struct* coverage, ObjectMember(doc, "", "coverage"));
  if (version == kSchemaVersion) {
    ASSIGN_OR_RETURN(report.streets, CoverageListFromJson(*coverage, "coverage", "streets"));
    ASSIGN_OR_RETURN(report.communities,
                     CoverageListFromJson(*coverage, "coverage", "communities"));
    ASSIGN_OR_RETURN(const Value* totals, Member(*coverage, "coverage", "totals"));
    ASSIGN_OR_RETURN(report.totals, CoverageFromJson(*totals, "coverage.totals"));
  }

  ASSIGN_OR_RETURN(report.findings, FindingListFromJson(doc, "", "findings"));

  // The summary is derived from the findings; it must be there and agree.
  ASSIGN_OR_RETURN(const Struct* summary, ObjectMember(doc, "", "summary"));
  const FindingCounts counts = CountFindings(report.findings);
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

}  // namespace grassroots::audit
