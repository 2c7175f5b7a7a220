#include "audit/report_writers.h"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "audit/audit_model.h"
#include "audit/audit_rules.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::audit {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;
using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// --- A report with something of everything: three streets (one with a '|'
// in its name), communities under them, a rate with nothing to measure,
// findings of each severity with quotes, newlines and Chinese.

Coverage Row(int64_t id, int64_t parent, std::string name, org::Level level) {
  Coverage c;
  c.unit_id = id;
  c.parent_id = parent;
  c.display_name = std::move(name);
  c.level = level;
  c.communities = 1;
  c.compounds = 3;
  c.compound_level_units = 3;
  c.compound_level_units_covered = 2;
  c.branches = 2;
  c.branches_with_secretary = 2;
  c.branches_with_first_secretary = 1;
  c.first_secretaries = 1;
  c.compounds_with_property = 2;
  c.compounds_with_red_property = 1;
  c.compounds_with_owners_committee = 3;
  c.compounds_with_red_owners_committee = 2;
  c.work_team_targets = 1;
  c.work_team_targets_with_team = 1;
  c.work_teams = 1;
  c.work_team_cadres = 4;
  c.buildings = 12;
  c.buildings_with_party_group = 9;
  c.buildings_with_lead = 12;
  c.cross_appointments = 4;
  c.registered_in_service = 37;
  c.registered_with_post = 30;
  c.registered_with_duty_zone = 30;
  c.in_service_residents = 40;
  c.in_service_residents_registered = 37;
  return c;
}

Finding MakeFinding(const char* rule, Severity severity, std::vector<std::string> resources,
                    std::string message) {
  Finding f;
  f.rule = rule;
  f.severity = severity;
  f.resources = std::move(resources);
  f.message = std::move(message);
  return f;
}

AuditReport SampleReport() {
  AuditReport r;
  r.root_unit_id = 1;
  r.root_display_name = "江汉区";
  r.org_revision = 1234;
  r.roster_revision = 5678;
  r.today = absl::CivilDay(2024, 5, 1);
  r.streets = {Row(2, 1, "汉兴街道", org::Level::kStreet),
               Row(3, 1, "民族|街道", org::Level::kStreet),
               Row(10, 1, "唐家墩街道", org::Level::kStreet)};
  r.communities = {Row(4, 2, "常青社区", org::Level::kCommunity),
                   Row(5, 2, "竹|林社区", org::Level::kCommunity),
                   Row(6, 3, "民意社区", org::Level::kCommunity),
                   Row(11, 10, "新华社区", org::Level::kCommunity)};
  // Nothing to measure: no compounds with a property company, no members.
  r.communities[1].compounds_with_property = 0;
  r.communities[1].compounds_with_red_property = 0;
  r.communities[1].in_service_residents = 0;
  r.communities[1].in_service_residents_registered = 0;
  r.totals = Row(1, 0, "江汉区", org::Level::kDistrict);
  r.totals.compounds = 12;
  r.totals.compound_level_units = 12;
  r.totals.compound_level_units_covered = 12;
  // 诉求: 2 of 3 resolved in the community, 3 of 3 in the street.
  r.casework_revision = 42;
  r.audit_time = absl::FromCivil(absl::CivilSecond(2024, 4, 30, 18, 30, 5), absl::UTCTimeZone());
  r.totals.issues_opened = 5;
  r.totals.issues_closed = 2;
  r.totals.issues_resolved = 3;
  r.totals.issues_resolved_in_community = 2;
  r.totals.issues_resolved_in_street = 3;
  r.totals.issues_resolved_ever = 4;
  r.totals.issues_reopened = 1;
  r.totals.issues_open = 2;
  r.totals.issues_open_overdue = 1;
  r.totals.resolve_times[0] = {1, absl::Hours(5), absl::Hours(5)};
  r.totals.resolve_times[2] = {2, absl::Hours(36), absl::Hours(60)};
  r.findings = {
      MakeFinding(rules::kCompoundNotCovered, Severity::kError, {"units/9"},
                  "小区“幸福里”（units/9）没有党支部覆盖"),
      MakeFinding(rules::kNoSecretary, Severity::kError, {"partyOrgs/3"},
                  "党支部 \"A&B\" 已 40 天没有书记"),
      MakeFinding(rules::kBranchTooSmall, Severity::kWarning, {"partyOrgs/4"},
                  "只有 2 名正式党员\n（少于 3 名）\\"),
      MakeFinding(rules::kBranchLargeEnough, Severity::kInfo, {"partyOrgs/5"},
                  "党员 56 名，可成立党总支"),
  };
  return r;
}

AuditReport PreviousReport() {
  AuditReport r = SampleReport();
  r.org_revision = 1000;
  r.today = absl::CivilDay(2024, 4, 30);
  r.findings = {
      // Still there, with a different message: the same finding.
      MakeFinding(rules::kCompoundNotCovered, Severity::kError, {"units/9"}, "旧的说明"),
      MakeFinding(rules::kRoleAtDeletedPlace, Severity::kError, {"roleAssignments/8", "units/7"},
                  "已删除的小区仍有楼栋长"),
      MakeFinding(rules::kProbationOverdue, Severity::kWarning, {"people/12"},
                  "预备党员已超过一年"),
  };
  return r;
}

// --- A validator for the subset of JSON Schema (2020-12) that
// docs/audit_report.schema.json uses. A keyword it does not know is an
// error, so the schema cannot silently rely on something unchecked.

class SchemaValidator {
 public:
  explicit SchemaValidator(const Value& schema) : root_(schema) {}

  std::vector<std::string> Validate(const Value& instance) {
    errors_.clear();
    Check(root_, instance, "$");
    return errors_;
  }

 private:
  static bool TypeMatches(absl::string_view type, const Value& v) {
    switch (v.kind_case()) {
      case Value::kNullValue:
        return type == "null";
      case Value::kBoolValue:
        return type == "boolean";
      case Value::kStringValue:
        return type == "string";
      case Value::kStructValue:
        return type == "object";
      case Value::kListValue:
        return type == "array";
      case Value::kNumberValue:
        return type == "number" ||
               (type == "integer" && std::floor(v.number_value()) == v.number_value());
      default:
        return false;
    }
  }

  static size_t CodePoints(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  const Value* Resolve(const std::string& ref) {
    if (!absl::StartsWith(ref, "#/")) return nullptr;
    const Value* at = &root_;
    for (absl::string_view part : absl::StrSplit(ref.substr(2), '/')) {
      if (at->kind_case() != Value::kStructValue) return nullptr;
      auto it = at->struct_value().fields().find(std::string(part));
      if (it == at->struct_value().fields().end()) return nullptr;
      at = &it->second;
    }
    return at;
  }

  void Error(const std::string& path, const std::string& what) {
    errors_.push_back(absl::StrCat(path, ": ", what));
  }

  void Check(const Value& schema, const Value& v, const std::string& path) {
    static const std::set<std::string> kKnown = {
        "$schema",   "$defs",   "title",    "description", "$ref",
        "type",      "enum",    "const",    "minimum",     "maximum",
        "minLength", "pattern", "required", "properties",  "additionalProperties",
        "items"};
    if (schema.kind_case() != Value::kStructValue) {
      Error(path, "schema is not an object");
      return;
    }
    const auto& s = schema.struct_value().fields();
    for (const auto& [keyword, unused] : s) {
      if (kKnown.count(keyword) == 0) Error(path, absl::StrCat("unsupported keyword ", keyword));
    }
    if (auto it = s.find("$ref"); it != s.end()) {
      const Value* target = Resolve(it->second.string_value());
      if (target == nullptr) {
        Error(path, absl::StrCat("unresolved $ref ", it->second.string_value()));
      } else {
        Check(*target, v, path);
      }
    }
    if (auto it = s.find("type"); it != s.end()) {
      bool ok = false;
      if (it->second.kind_case() == Value::kStringValue) {
        ok = TypeMatches(it->second.string_value(), v);
      } else {
        for (const Value& t : it->second.list_value().values()) {
          ok = ok || TypeMatches(t.string_value(), v);
        }
      }
      if (!ok) {
        Error(path, "wrong type");
        return;
      }
    }
    using ::google::protobuf::util::MessageDifferencer;
    if (auto it = s.find("const"); it != s.end() && !MessageDifferencer::Equals(it->second, v)) {
      Error(path, "not the constant");
    }
    if (auto it = s.find("enum"); it != s.end()) {
      bool found = false;
      for (const Value& e : it->second.list_value().values()) {
        found = found || MessageDifferencer::Equals(e, v);
      }
      if (!found) Error(path, "not in enum");
    }
    if (v.kind_case() == Value::kNumberValue) {
      if (auto it = s.find("minimum");
          it != s.end() && v.number_value() < it->second.number_value()) {
        Error(path, "below minimum");
      }
      if (auto it = s.find("maximum");
          it != s.end() && v.number_value() > it->second.number_value()) {
        Error(path, "above maximum");
      }
    }
    if (v.kind_case() == Value::kStringValue) {
      if (auto it = s.find("minLength");
          it != s.end() && CodePoints(v.string_value()) < it->second.number_value()) {
        Error(path, "too short");
      }
      if (auto it = s.find("pattern");
          it != s.end() &&
          !std::regex_search(v.string_value(), std::regex(it->second.string_value()))) {
        Error(path, "does not match pattern");
      }
    }
    if (v.kind_case() == Value::kStructValue) {
      const auto& fields = v.struct_value().fields();
      if (auto it = s.find("required"); it != s.end()) {
        for (const Value& name : it->second.list_value().values()) {
          if (fields.count(name.string_value()) == 0) {
            Error(path, absl::StrCat("missing ", name.string_value()));
          }
        }
      }
      const auto props = s.find("properties");
      for (const auto& [key, child] : fields) {
        const std::string child_path = absl::StrCat(path, ".", key);
        if (props != s.end() && props->second.struct_value().fields().count(key) > 0) {
          Check(props->second.struct_value().fields().at(key), child, child_path);
        } else if (auto extra = s.find("additionalProperties"); extra != s.end()) {
          if (extra->second.kind_case() == Value::kBoolValue) {
            if (!extra->second.bool_value()) Error(child_path, "not allowed");
          } else {
            Check(extra->second, child, child_path);
          }
        }
      }
    }
    if (v.kind_case() == Value::kListValue) {
      if (auto it = s.find("items"); it != s.end()) {
        for (int i = 0; i < v.list_value().values_size(); ++i) {
          Check(it->second, v.list_value().values(i), absl::StrCat(path, "[", i, "]"));
        }
      }
    }
  }

  const Value& root_;
  std::vector<std::string> errors_;
};

Value ParseJson(const std::string& json) {
  Value v;
  const auto status = google::protobuf::util::JsonStringToMessage(json, &v);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return v;
}

std::string ToJsonText(const Value& v) {
  std::string out;
  const auto status = google::protobuf::util::MessageToJsonString(v, &out);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

Value LoadSchema() {
  const std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path() / "../../docs/audit_report.schema.json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return ParseJson(text.str());
}

// The report's JSON, parsed, changed by `edit`, and written again.
std::string Edited(const std::string& json, const std::function<void(Struct&)>& edit) {
  Value v = ParseJson(json);
  edit(*v.mutable_struct_value());
  return ToJsonText(v);
}

Struct& Obj(Struct& s, const std::string& key) {
  return *(*s.mutable_fields())[key].mutable_struct_value();
}
Value& Field(Struct& s, const std::string& key) { return (*s.mutable_fields())[key]; }
Struct& ListObj(Struct& s, const std::string& key, int i) {
  return *(*s.mutable_fields())[key]
              .mutable_list_value()
              ->mutable_values(i)
              ->mutable_struct_value();
}

// --- JSON.

TEST(ReportJsonTest, RoundTripGivesTheSameBytes) {
  const AuditReport report = SampleReport();
  const ReportDiff diff = CompareReports(PreviousReport(), report);
  for (const ReportDiff* d : {static_cast<const ReportDiff*>(nullptr), &diff}) {
    const std::string json = ReportToJson(report, d);
    absl::StatusOr<AuditReport> back = ReportFromJson(json);
    ASSERT_THAT(back, IsOk());
    EXPECT_EQ(ReportToJson(*back, d), json);
    EXPECT_EQ(ReportToJson(report, d), json) << "not deterministic";
  }
}

TEST(ReportJsonTest, EmptyReportRoundTrips) {
  AuditReport report;
  report.root_unit_id = 7;
  report.root_display_name = "空街道";
  report.totals.unit_id = 7;
  report.totals.level = org::Level::kStreet;
  const std::string json = ReportToJson(report, nullptr);
  absl::StatusOr<AuditReport> back = ReportFromJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(ReportToJson(*back, nullptr), json);
  EXPECT_THAT(json, HasSubstr("\"streets\": [],"));
  EXPECT_THAT(json, HasSubstr("\"coverage\": null,"));
}

TEST(ReportJsonTest, ReadsBackWhatCompareReportsNeeds) {
  const AuditReport report = SampleReport();
  absl::StatusOr<AuditReport> back = ReportFromJson(ReportToJson(report, nullptr));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->root_unit_id, 1);
  EXPECT_EQ(back->root_display_name, "江汉区");
  EXPECT_EQ(back->org_revision, 1234);
  EXPECT_EQ(back->roster_revision, 5678);
  EXPECT_EQ(back->today, absl::CivilDay(2024, 5, 1));
  ASSERT_EQ(back->communities.size(), 4u);
  EXPECT_EQ(back->communities[1].display_name, "竹|林社区");
  EXPECT_EQ(back->communities[1].parent_id, 2);
  EXPECT_EQ(back->communities[1].level, org::Level::kCommunity);
  EXPECT_EQ(back->communities[1].in_service_residents_registered, 0);
  EXPECT_EQ(back->streets[0].buildings_with_party_group, 9);
  EXPECT_EQ(back->totals.compound_level_units_covered, 12);
  ASSERT_EQ(back->findings.size(), report.findings.size());
  for (size_t i = 0; i < report.findings.size(); ++i) {
    EXPECT_EQ(back->findings[i].Key(), report.findings[i].Key());
    EXPECT_EQ(back->findings[i].severity, report.findings[i].severity);
    EXPECT_EQ(back->findings[i].message, report.findings[i].message);  // Chinese, quotes, \n
  }
  const ReportDiff same = CompareReports(report, *back);
  EXPECT_THAT(same.added, IsEmpty());
  EXPECT_THAT(same.resolved, IsEmpty());
}

TEST(ReportJsonTest, LayoutIsStableAndReadable) {
  const std::string json = ReportToJson(SampleReport(), nullptr);
  EXPECT_TRUE(
      absl::StartsWith(json,
                       "{\n  \"schema_version\": 3,\n  \"root\": {\n"
                       "    \"name\": \"units/1\",\n    \"display_name\": \"江汉区\"\n  },\n"
                       "  \"revisions\": {\n    \"org\": 1234,\n    \"roster\": 5678,\n"
                       "    \"casework\": 42\n  },\n"
                       "  \"today\": \"2024-05-01\",\n"
                       "  \"audit_time\": \"2024-04-30T18:30:05Z\",\n"))
      << json.substr(0, 300);
  // Chinese as UTF-8, never \u-escaped; only the escapes JSON needs.
  EXPECT_THAT(json, HasSubstr("小区“幸福里”（units/9）没有党支部覆盖"));
  EXPECT_THAT(json, Not(HasSubstr("\\u")));
  EXPECT_THAT(json, HasSubstr(R"("党支部 \"A&B\" 已 40 天没有书记")"));
  EXPECT_THAT(json, HasSubstr(R"("只有 2 名正式党员\n（少于 3 名）\\")"));
  EXPECT_THAT(json, HasSubstr("\"resources\": [\"partyOrgs/3\"],"));
  // Rates beside the counters: 2/3 rounded, null for 0/0.
  EXPECT_THAT(json, HasSubstr("\"coverage\": 0.6667,"));
  EXPECT_THAT(json, HasSubstr("\"building_lead\": 1,"));
  EXPECT_THAT(json, HasSubstr("\"red_property\": null,"));
  EXPECT_THAT(json, HasSubstr("\"summary\": {\n    \"errors\": 2,\n    \"warnings\": 1,\n"
                              "    \"info\": 1\n  }\n}\n"));
  EXPECT_THAT(json, Not(HasSubstr("since_previous")));
}

TEST(ReportJsonTest, ValidatesAgainstTheSchema) {
  const Value schema = LoadSchema();
  SchemaValidator validator(schema);
  const AuditReport report = SampleReport();
  const ReportDiff diff = CompareReports(PreviousReport(), report);
  EXPECT_THAT(validator.Validate(ParseJson(ReportToJson(report, nullptr))), IsEmpty());
  const std::string with_diff = ReportToJson(report, &diff);
  EXPECT_THAT(with_diff, HasSubstr("\"since_previous\""));
  EXPECT_THAT(validator.Validate(ParseJson(with_diff)), IsEmpty());
  AuditReport empty;
  empty.root_unit_id = 3;
  EXPECT_THAT(validator.Validate(ParseJson(ReportToJson(empty, nullptr))), IsEmpty());
}

TEST(ReportJsonTest, SchemaRejectsWrongReports) {
  const Value schema = LoadSchema();
  SchemaValidator validator(schema);
  const std::string json = ReportToJson(SampleReport(), nullptr);
  const std::vector<std::function<void(Struct&)>> edits = {
      [](Struct& d) { d.mutable_fields()->erase("today"); },
      [](Struct& d) { Field(d, "today").set_string_value("1 May 2024"); },
      [](Struct& d) { Field(d, "schema_version").set_number_value(1); },
      [](Struct& d) { Field(d, "extra").set_bool_value(true); },
      [](Struct& d) { Field(Obj(d, "root"), "name").set_string_value("partyOrgs/1"); },
      [](Struct& d) { Field(Obj(d, "revisions"), "org").set_number_value(-1); },
      [](Struct& d) { Field(Obj(d, "revisions"), "roster").set_number_value(1.5); },
      [](Struct& d) { Field(ListObj(d, "findings", 0), "severity").set_string_value("FATAL"); },
      [](Struct& d) { ListObj(d, "findings", 1).mutable_fields()->erase("resources"); },
      [](Struct& d) { Field(Obj(d, "summary"), "errors").set_string_value("2"); },
      [](Struct& d) {
        Field(Obj(ListObj(Obj(d, "coverage"), "streets", 0), "rates"), "coverage")
            .set_number_value(1.5);
      },
      [](Struct& d) {
        Field(ListObj(Obj(d, "coverage"), "communities", 0), "level").set_string_value("CITY");
      },
      [](Struct& d) { Obj(Obj(d, "coverage"), "totals").mutable_fields()->erase("buildings"); },
      [](Struct& d) { Field(Obj(d, "revisions"), "casework").set_number_value(-1); },
      [](Struct& d) { d.mutable_fields()->erase("audit_time"); },
      [](Struct& d) {
        Obj(Obj(Obj(d, "coverage"), "totals"), "resolve_times").mutable_fields()->erase("DISTRICT");
      },
      [](Struct& d) {
        Field(Obj(Obj(Obj(d, "coverage"), "totals"), "rates"), "reopened").set_number_value(2);
      },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    EXPECT_THAT(validator.Validate(ParseJson(Edited(json, edits[i]))), Not(IsEmpty()))
        << "edit " << i;
  }
}

TEST(ReportJsonTest, FromJsonNamesWhatIsWrong) {
  const std::string json = ReportToJson(SampleReport(), nullptr);
  EXPECT_THAT(ReportFromJson("not json"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ReportFromJson("[1, 2]"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not an object")));
  struct Case {
    std::function<void(Struct&)> edit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {[](Struct& d) { d.mutable_fields()->erase("today"); }, "today: missing"},
      {[](Struct& d) { Field(d, "today").set_string_value("2024-13-01"); }, "today:"},
      {[](Struct& d) { Field(d, "schema_version").set_number_value(4); }, "schema_version:"},
      {[](Struct& d) { Field(d, "audit_time").set_string_value("2024-04-30 18:30"); },
       "audit_time:"},
      {[](Struct& d) {
         Obj(Obj(Obj(Obj(d, "coverage"), "totals"), "resolve_times"), "STREET")
             .mutable_fields()
             ->erase("p90_seconds");
       },
       "coverage.totals.resolve_times.STREET.p90_seconds: missing"},
      {[](Struct& d) { Field(Obj(d, "root"), "name").set_string_value("units/x"); }, "root.name"},
      {[](Struct& d) { Field(Obj(d, "revisions"), "org").set_string_value("1"); }, "revisions.org"},
      {[](Struct& d) { Field(ListObj(d, "findings", 2), "severity").set_string_value("FATAL"); },
       "findings[2].severity"},
      {[](Struct& d) { ListObj(d, "findings", 0).mutable_fields()->erase("rule"); },
       "findings[0].rule: missing"},
      {[](Struct& d) {
         Field(ListObj(Obj(d, "coverage"), "streets", 1), "compounds").set_number_value(-3);
       },
       "coverage.streets[1].compounds"},
      {[](Struct& d) {
         Obj(ListObj(Obj(d, "coverage"), "communities", 0), "rates")
             .mutable_fields()
             ->erase("work_team");
       },
       "coverage.communities[0].rates.work_team: missing"},
      {[](Struct& d) { Obj(Obj(d, "coverage"), "totals").mutable_fields()->erase("level"); },
       "coverage.totals.level: missing"},
      {[](Struct& d) { Field(Obj(d, "summary"), "errors").set_number_value(5); }, "summary.errors"},
      {[](Struct& d) { Field(d, "since_previous").set_string_value("x"); }, "since_previous"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ReportFromJson(Edited(json, c.edit)),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.field)))
        << c.field;
  }
}

// --- CompareReports.

std::vector<std::string> Keys(const std::vector<Finding>& findings) {
  std::vector<std::string> keys;
  for (const Finding& f : findings) keys.push_back(f.Key());
  return keys;
}

TEST(CompareReportsTest, AddedAndResolvedByKeyInReportOrder) {
  const AuditReport previous = PreviousReport();
  const AuditReport current = SampleReport();
  const ReportDiff diff = CompareReports(previous, current);
  // units/9 is in both (its message changed): neither added nor resolved.
  EXPECT_THAT(Keys(diff.added), ElementsAre(current.findings[1].Key(), current.findings[2].Key(),
                                            current.findings[3].Key()));
  EXPECT_THAT(Keys(diff.resolved),
              ElementsAre(previous.findings[1].Key(), previous.findings[2].Key()));
  EXPECT_EQ(diff.added[0].message, "党支部 \"A&B\" 已 40 天没有书记");

  // Sorted by severity, then rule, whatever the input order; a key seen twice
  // counts once.
  AuditReport shuffled;
  shuffled.findings = {current.findings[3], current.findings[2], current.findings[1],
                       current.findings[1]};
  const ReportDiff d2 = CompareReports(AuditReport(), shuffled);
  EXPECT_THAT(Keys(d2.added), ElementsAre(current.findings[1].Key(), current.findings[2].Key(),
                                          current.findings[3].Key()));
  EXPECT_THAT(d2.resolved, IsEmpty());
  const ReportDiff same = CompareReports(current, current);
  EXPECT_THAT(same.added, IsEmpty());
  EXPECT_THAT(same.resolved, IsEmpty());
}

// --- Markdown.

// Pipes that split a Markdown table row (not escaped with a backslash).
int CellSeparators(absl::string_view line) {
  int n = 0;
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      ++i;
    } else if (line[i] == '|') {
      ++n;
    }
  }
  return n;
}

// A report of version 1 (before issue 15's counters) is still read for
// --previous: its findings, not its coverage.
TEST(ReportJsonTest, AVersionOneReportIsReadForItsFindings) {
  const std::string json = ReportToJson(SampleReport(), nullptr);
  Value doc = ParseJson(json);
  Field(*doc.mutable_struct_value(), "schema_version").set_number_value(1);
  // Version 1's counters had other names.
  Obj(Obj(*doc.mutable_struct_value(), "coverage"), "totals")
      .mutable_fields()
      ->erase("compound_level_units");
  absl::StatusOr<AuditReport> back = ReportFromJson(ToJsonText(doc));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->findings.size(), SampleReport().findings.size());
  EXPECT_EQ(back->findings[0].Key(), SampleReport().findings[0].Key());
  EXPECT_TRUE(back->streets.empty());
  EXPECT_EQ(back->totals.compounds, 0);
}

// The casework figures: counters and rates in JSON, read back; the times to
// resolve by level; a 诉求 section in Markdown and HTML.
TEST(ReportWritersTest, CaseworkFiguresInEveryFormat) {
  const AuditReport report = SampleReport();
  const std::string json = ReportToJson(report, nullptr);
  EXPECT_THAT(json, HasSubstr("\"issues_opened\": 5,"));
  EXPECT_THAT(json, HasSubstr("\"issues_open_overdue\": 1,"));
  EXPECT_THAT(json, HasSubstr("\"resolved_in_community\": 0.6667,"));
  EXPECT_THAT(json, HasSubstr("\"resolved_in_street\": 1,"));
  EXPECT_THAT(json, HasSubstr("\"reopened\": 0.25"));
  EXPECT_THAT(json, HasSubstr("\"STREET\": {\n          \"resolved\": 2,\n"
                              "          \"median_seconds\": 129600,\n"
                              "          \"p90_seconds\": 216000\n        },"));
  absl::StatusOr<AuditReport> back = ReportFromJson(json);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->casework_revision, 42);
  EXPECT_EQ(back->audit_time, report.audit_time);
  EXPECT_EQ(back->totals.issues_resolved_in_community, 2);
  EXPECT_EQ(back->totals.resolve_times[2], report.totals.resolve_times[2]);
  EXPECT_EQ(back->totals.resolve_times[0], report.totals.resolve_times[0]);

  const std::string md = ReportToMarkdown(report, nullptr);
  EXPECT_THAT(md, HasSubstr("诉求服务 42"));
  EXPECT_THAT(md, HasSubstr("| 小事不出社区 | 大事不出街道 | 返工率 |"));
  EXPECT_THAT(md, HasSubstr("| 诉求 | 超期未办 |"));
  EXPECT_THAT(md, HasSubstr("66.7% (2/3)"));
  EXPECT_THAT(md, HasSubstr("## 诉求办理"));
  EXPECT_THAT(md, HasSubstr("统计期内受理诉求 5 件，办结 3 件"));
  EXPECT_THAT(md, HasSubstr("| 街道 | 2 | 1.5 天 | 2.5 天 |"));
  EXPECT_THAT(md, HasSubstr("| 小区 | 1 | 5.0 小时 | 5.0 小时 |"));
  EXPECT_THAT(md, HasSubstr("| 区 | 0 | — | — |"));

  const std::string html = ReportToHtml(report, nullptr);
  EXPECT_THAT(html, HasSubstr("<h2>诉求办理</h2>"));
  EXPECT_THAT(html, HasSubstr("<table class=\"casework\">"));
  EXPECT_THAT(html, HasSubstr("<td>街道</td><td>2</td><td>1.5 天</td><td>2.5 天</td>"));
  EXPECT_THAT(html, HasSubstr("<th>小事不出社区</th>"));
}

// A report of version 2 (before issue 16's casework) is read for its
// findings too.
TEST(ReportJsonTest, AVersionTwoReportIsReadForItsFindings) {
  Value doc = ParseJson(ReportToJson(SampleReport(), nullptr));
  Struct& d = *doc.mutable_struct_value();
  Field(d, "schema_version").set_number_value(2);
  d.mutable_fields()->erase("audit_time");
  Obj(d, "revisions").mutable_fields()->erase("casework");
  absl::StatusOr<AuditReport> back = ReportFromJson(ToJsonText(doc));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->findings.size(), SampleReport().findings.size());
  EXPECT_TRUE(back->streets.empty());
}

TEST(ReportMarkdownTest, TablesPerStreetWithEscapedNames) {
  const AuditReport report = SampleReport();
  const std::string md = ReportToMarkdown(report, nullptr);
  EXPECT_TRUE(absl::StartsWith(md, "# 夜间审计报告：江汉区（units/1）\n")) << md.substr(0, 200);
  EXPECT_THAT(md, HasSubstr("组织服务 1234，名册服务 5678"));
  EXPECT_THAT(md, HasSubstr("错误 2 项，警告 1 项，提示 1 项"));
  EXPECT_THAT(md, HasSubstr("### 汉兴街道（units/2）\n"));
  EXPECT_THAT(md, HasSubstr("### 民族\\|街道（units/3）\n"));
  const std::string header =
      "| 社区 | 小区 | 覆盖率 | 书记配备率 | 第一书记 | 有物业 | 工作队 | 红色业委会率 | "
      "红色物业率 "
      "| 楼栋党小组 | 楼栋长 | 交叉任职 | 双报到 | 一肩挑 | 小事不出社区 | 大事不出街道 | 返工率 "
      "| 联盟 | 诉求 | 超期未办 |\n";
  size_t tables = 0;
  for (size_t at = md.find(header); at != std::string::npos; at = md.find(header, at + 1)) {
    ++tables;
  }
  EXPECT_EQ(tables, report.streets.size());
  EXPECT_THAT(md, HasSubstr("| 竹\\|林社区 | 3 | 66.7% (2/3) |"));
  EXPECT_THAT(md, HasSubstr("| 常青社区 | 3 | 66.7% (2/3) | 100.0% (2/2) |"));
  EXPECT_THAT(md, HasSubstr("| **街道合计** |"));
  EXPECT_THAT(md, HasSubstr(" | — | "));  // 0/0
  EXPECT_THAT(md, HasSubstr("### 合计：江汉区（units/1）"));
  // Every row of every coverage table splits into as many cells as its
  // header (the 诉求 section's table has its own four columns).
  const int columns = CellSeparators(header);
  for (absl::string_view line : absl::StrSplit(md.substr(0, md.find("## 诉求办理")), '\n')) {
    if (absl::StartsWith(line, "|")) {
      EXPECT_EQ(CellSeparators(line), columns) << line;
    }
  }
  // Findings by severity; the message's newline does not break the list.
  EXPECT_THAT(md, HasSubstr("### 错误（2）"));
  EXPECT_THAT(md, HasSubstr("### 警告（1）"));
  EXPECT_THAT(md, HasSubstr("### 提示（1）"));
  EXPECT_THAT(
      md,
      HasSubstr("- **compound-not-covered** · units/9 — 小区“幸福里”（units/9）没有党支部覆盖\n"));
  EXPECT_THAT(md, HasSubstr("只有 2 名正式党员 （少于 3 名）\\\\\n"));
  EXPECT_THAT(md, Not(HasSubstr("新增")));
  EXPECT_THAT(md, Not(HasSubstr("已解决")));
}

TEST(ReportMarkdownTest, DiffSections) {
  const AuditReport report = SampleReport();
  const ReportDiff diff = CompareReports(PreviousReport(), report);
  const std::string md = ReportToMarkdown(report, &diff);
  EXPECT_THAT(md, HasSubstr("较上次新增 3 项，已解决 2 项"));
  EXPECT_THAT(md, HasSubstr("### 新增（3）"));
  EXPECT_THAT(md, HasSubstr("### 已解决（2）"));
  EXPECT_THAT(md, HasSubstr("- 错误 · **role-at-deleted-place** · roleAssignments/8, units/7 — "
                            "已删除的小区仍有楼栋长\n"));
  EXPECT_LT(md.find("### 新增（3）"), md.find("### 已解决（2）"));
}

// --- HTML.

bool IsVoidElement(const std::string& name) {
  static const std::set<std::string> kVoid = {"area",   "base",  "br",    "col",  "embed",
                                              "hr",     "img",   "input", "link", "meta",
                                              "source", "track", "wbr"};
  return kVoid.count(name) > 0;
}

// Checks that `html` is markup an XML parser would accept: every element
// closed in order (void ones self-closed), attributes quoted, '<' only in
// tags, '&' only in entities. Returns what is wrong, or "" when it is fine.
std::string CheckWellFormed(const std::string& html) {
  std::vector<std::string> open;
  size_t i = 0;
  const auto is_name = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_';
  };
  while (i < html.size()) {
    const char c = html[i];
    if (c == '&') {
      static const std::regex kEntity("^&(amp|lt|gt|quot|#[0-9]+);");
      if (!std::regex_search(html.substr(i, 10), kEntity)) {
        return absl::StrCat("bare & at ", i);
      }
      ++i;
      continue;
    }
    if (c != '<') {
      ++i;
      continue;
    }
    if (html.compare(i, 9, "<!DOCTYPE") == 0) {
      if (i != 0) return "DOCTYPE not first";
      i = html.find('>', i);
      if (i == std::string::npos) return "unterminated DOCTYPE";
      ++i;
      continue;
    }
    if (html.compare(i, 4, "<!--") == 0) {
      i = html.find("-->", i);
      if (i == std::string::npos) return "unterminated comment";
      i += 3;
      continue;
    }
    const bool closing = i + 1 < html.size() && html[i + 1] == '/';
    size_t j = i + (closing ? 2 : 1);
    std::string name;
    while (j < html.size() && is_name(html[j])) name.push_back(html[j++]);
    if (name.empty()) return absl::StrCat("bad tag at ", i);
    if (closing) {
      if (j >= html.size() || html[j] != '>') return absl::StrCat("bad end tag </", name);
      if (open.empty() || open.back() != name) {
        return absl::StrCat("</", name, "> closes <", open.empty() ? "" : open.back(), ">");
      }
      open.pop_back();
      i = j + 1;
      continue;
    }
    // Attributes: name="value" or name='value'.
    bool self_closing = false;
    std::set<std::string> attributes;
    while (true) {
      while (j < html.size() && std::isspace(static_cast<unsigned char>(html[j]))) ++j;
      if (j >= html.size()) return absl::StrCat("unterminated <", name);
      if (html[j] == '>') break;
      if (html.compare(j, 2, "/>") == 0) {
        self_closing = true;
        ++j;
        break;
      }
      std::string attribute;
      while (j < html.size() && is_name(html[j])) attribute.push_back(html[j++]);
      if (attribute.empty()) return absl::StrCat("bad attribute in <", name);
      if (!attributes.insert(attribute).second) return absl::StrCat("repeated ", attribute);
      if (j >= html.size() || html[j] != '=') {
        return absl::StrCat("attribute ", attribute, " of <", name, "> has no value");
      }
      ++j;
      if (j >= html.size() || (html[j] != '"' && html[j] != '\'')) {
        return absl::StrCat("attribute ", attribute, " of <", name, "> not quoted");
      }
      const size_t end = html.find(html[j], j + 1);
      if (end == std::string::npos) return "unterminated attribute";
      if (html.substr(j + 1, end - j - 1).find('<') != std::string::npos) {
        return absl::StrCat("'<' in attribute ", attribute);
      }
      j = end + 1;
    }
    if (!self_closing) {
      if (IsVoidElement(name)) return absl::StrCat("void <", name, "> not self-closed");
      open.push_back(name);
    }
    i = j + 1;
  }
  if (!open.empty()) return absl::StrCat("<", open.back(), "> never closed");
  return "";
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ReportHtmlTest, CheckerCatchesBadMarkup) {
  EXPECT_EQ(CheckWellFormed("<p>a<b>c</b></p>"), "");
  EXPECT_NE(CheckWellFormed("<p>a<b>c</p></b>"), "");
  EXPECT_NE(CheckWellFormed("<p>a"), "");
  EXPECT_NE(CheckWellFormed("<p class=x>a</p>"), "");
  EXPECT_NE(CheckWellFormed("<meta charset=\"utf-8\">"), "");
  EXPECT_NE(CheckWellFormed("<p>a & b</p>"), "");
  EXPECT_EQ(CheckWellFormed("<p>a &amp; b<br/></p>"), "");
}

TEST(ReportHtmlTest, OneSelfContainedWellFormedPage) {
  const AuditReport report = SampleReport();
  const ReportDiff diff = CompareReports(PreviousReport(), report);
  for (const ReportDiff* d : {static_cast<const ReportDiff*>(nullptr), &diff}) {
    const std::string html = ReportToHtml(report, d);
    EXPECT_EQ(CheckWellFormed(html), "");
    EXPECT_TRUE(absl::StartsWith(html, "<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    EXPECT_THAT(html, HasSubstr("<meta charset=\"utf-8\"/>"));
    EXPECT_THAT(html, HasSubstr("<style>"));
    // A coverage table per street, each with a head and a body; one chart.
    EXPECT_EQ(Count(html, "<table class=\"coverage\">"), report.streets.size());
    EXPECT_EQ(Count(html, "<table class=\"coverage\">\n<thead>"), report.streets.size());
    EXPECT_GE(Count(html, "<tbody>"), report.streets.size());
    EXPECT_EQ(Count(html, "<svg"), 1u);
    EXPECT_THAT(html, HasSubstr("<td>常青社区</td>"));
    EXPECT_THAT(html, HasSubstr("<td title=\"2/3\">66.7%</td>"));
    EXPECT_THAT(html, HasSubstr("<td class=\"na\" title=\"0/0\">—</td>"));
    EXPECT_THAT(html, HasSubstr("<td>竹|林社区</td>"));
    // Nothing from outside the page.
    for (const char* external : {"src=", "href=", "url(", "@import", "http:", "https:", "<script",
                                 "<link", "<img", "<iframe", "<object"}) {
      EXPECT_THAT(html, Not(HasSubstr(external))) << external;
    }
    EXPECT_EQ(Count(html, "新增（3）"), d == nullptr ? 0u : 1u);
    EXPECT_EQ(Count(html, "已解决（2）"), d == nullptr ? 0u : 1u);
  }
}

TEST(ReportHtmlTest, EscapesEveryText) {
  AuditReport report = SampleReport();
  report.root_display_name = "<script>&\"'";
  report.totals.display_name = "<script>&\"'";
  report.streets[0].display_name = "<b>街道</b>";
  report.communities[0].display_name = "a<b";
  report.findings[0].message = "</td><script>alert('x')</script>";
  report.findings[1].rule = "x<y";
  report.findings[1].resources = {"units/1\"onmouseover=\""};
  const std::string html = ReportToHtml(report, nullptr);
  EXPECT_EQ(CheckWellFormed(html), "");
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;&amp;&quot;&#39;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("<td>a&lt;b</td>"));
  EXPECT_THAT(html, HasSubstr("&lt;/td&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
  EXPECT_THAT(html, HasSubstr("units/1&quot;onmouseover=&quot;"));
}

TEST(ReportHtmlTest, CommunitiesOutsideTheListedStreetsStillShow) {
  AuditReport report = SampleReport();
  report.streets.clear();  // a report rooted at a street lists no streets
  const std::string html = ReportToHtml(report, nullptr);
  EXPECT_EQ(CheckWellFormed(html), "");
  EXPECT_EQ(Count(html, "<table class=\"coverage\">"), 1u);
  EXPECT_THAT(html, HasSubstr("<td>新华社区</td>"));
  EXPECT_THAT(ReportToMarkdown(report, nullptr), HasSubstr("### 其他社区"));
}

TEST(ReportWritersTest, InvalidUtf8NeverReachesTheOutput) {
  AuditReport report = SampleReport();
  report.root_display_name = "坏\xFF\xC0名";
  const std::string replaced = "坏\xEF\xBF\xBD\xEF\xBF\xBD名";
  EXPECT_THAT(ReportToJson(report, nullptr), HasSubstr(replaced));
  EXPECT_THAT(ReportToHtml(report, nullptr), HasSubstr(replaced));
  EXPECT_THAT(ReportToMarkdown(report, nullptr), HasSubstr(replaced));
  absl::StatusOr<AuditReport> back = ReportFromJson(ReportToJson(report, nullptr));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->root_display_name, replaced);
}

}  // namespace
}  // namespace grassroots::audit
