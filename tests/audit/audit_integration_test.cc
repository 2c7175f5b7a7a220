// The audit end to end: the demo district loaded through the gateway with
// the real orgctl, then `orgctl audit` read through the gateway at pinned
// revisions; its JSON report holds exactly the planted violations and the
// figures the generator was asked for, and --previous tells what changed.

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "demo/demo_district.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/testing/command_runner.h"

#ifndef ORGCTL_BINARY
#error "ORGCTL_BINARY must name the orgctl binary"
#endif

namespace grassroots::gateway::testing {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using ::grassroots::testing::CommandResult;
using ::grassroots::testing::RunCommand;
using ::testing::HasSubstr;

constexpr double kScale = 0.1;

class AuditEndToEndTest : public GatewaySuite {
 protected:
  void SetUp() override {
    seed_sample_district_ = false;
    GatewaySuite::SetUp();
    if (HasFatalFailure()) return;
    auditor_ = AddPrincipal("night-audit", "AUDITOR", "*", /*pii=*/true);
    ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  }

  CommandResult Orgctl(const TestPrincipal& who, std::vector<std::string> args) {
    args.insert(args.begin(), {"--gateway", gateway_->address(), "--timeout", "60"});
    return RunCommand(ORGCTL_BINARY, args, {absl::StrCat("ORGCTL_TOKEN=", who.token)});
  }

  // The newest JSON report in `dir`.
  Struct ReadReport(const std::string& dir) {
    std::string newest;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.path().extension() == ".json") newest = entry.path().string();
    }
    Struct report;
    EXPECT_FALSE(newest.empty()) << "no report in " << dir;
    const std::string json = ::grassroots::testing::ReadWholeTestFile(newest);
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &report).ok()) << json;
    return report;
  }

  static const Value& Field(const Struct& s, const std::string& name) {
    static const Value kNull;
    auto it = s.fields().find(name);
    return it == s.fields().end() ? kNull : it->second;
  }

  static std::map<std::string, int> RuleCounts(const Value& findings) {
    std::map<std::string, int> counts;
    for (const Value& f : findings.list_value().values()) {
      ++counts[Field(f.struct_value(), "rule").string_value()];
    }
    return counts;
  }

  TestPrincipal auditor_;
};

TEST_F(AuditEndToEndTest, FindsExactlyThePlantedViolationsAndTheAskedForFigures) {
  const CommandResult demo = Orgctl(district_admin_, {"demo", "--scale", absl::StrCat(kScale)});
  ASSERT_EQ(demo.exit_code, 0) << demo;
  std::cout << "[ DEMO     ] " << demo.out;

  const std::string reports = dirs_.File("reports");
  const CommandResult audit = Orgctl(auditor_, {"audit", "--out", reports});
  // The demo plants ERRORs (an uncovered compound, a vacancy, a member with
  // no organisation): exit 3, so that cron alerts.
  EXPECT_EQ(audit.exit_code, 3) << audit;
  std::cout << "[ AUDIT    ] " << audit.out;

  const demo::DemoDistrict expected =
      demo::GenerateDemoDistrict({.scale = kScale, .plant_violations = true});
  std::map<std::string, int> planted;
  for (const demo::PlantedViolation& v : expected.violations) ++planted[v.rule];
  // The stuck issues and dispatches planted among the demo's issues.
  planted["issue-overdue"] = static_cast<int>(expected.overdue_issues.size());
  planted["dispatch-not-acknowledged"] =
      static_cast<int>(expected.unacknowledged_dispatches.size());
  ASSERT_GT(planted["issue-overdue"], 0);
  ASSERT_GT(planted["dispatch-not-acknowledged"], 0);
  const Struct report = ReadReport(reports);
  EXPECT_EQ(RuleCounts(Field(report, "findings")), planted);

  // By name: the issues the demo imported under the planted external keys.
  std::map<std::string, std::string> names;  // external key -> issues/N
  {
    GatewayClients admin = ClientsOf(district_admin_.token);
    casework_v1::ListIssuesRequest list;
    list.set_page_size(1000);
    do {
      grpc::ClientContext call;
      casework_v1::ListIssuesResponse page;
      ASSERT_TRUE(admin.casework->ListIssues(&call, list, &page).ok());
      for (const casework_v1::Issue& issue : page.issues()) {
        names[issue.external_key()] = issue.name();
      }
      list.set_page_token(page.next_page_token());
    } while (!list.page_token().empty());
  }
  ASSERT_EQ(names.size(), expected.issues.size());
  std::set<std::string> overdue_expected, overdue_found, dispatch_expected, dispatch_found;
  for (int i : expected.overdue_issues) {
    overdue_expected.insert(names[expected.issues[i].external_key]);
  }
  for (const auto& [i, k] : expected.unacknowledged_dispatches) {
    dispatch_expected.insert(names[expected.issues[i].external_key]);
  }
  for (const Value& f : Field(report, "findings").list_value().values()) {
    const std::string rule = Field(f.struct_value(), "rule").string_value();
    const auto& resources = Field(f.struct_value(), "resources").list_value();
    if (rule == "issue-overdue") overdue_found.insert(resources.values(0).string_value());
    if (rule == "dispatch-not-acknowledged") {
      dispatch_found.insert(resources.values(1).string_value());
    }
  }
  EXPECT_EQ(overdue_found, overdue_expected);
  EXPECT_EQ(dispatch_found, dispatch_expected);

  const Struct& totals = Field(Field(report, "coverage").struct_value(), "totals").struct_value();
  // Every figure the generator was asked for, read back through the
  // gateway and the services from the audit's JSON.
  const demo::DemoFigures& f = expected.figures;
  const std::pair<const char*, int64_t> figures[] = {
      {"communities", f.communities},
      {"compounds", f.compounds},
      {"urban_villages", f.urban_villages},
      {"compound_level_units_covered", f.compounds_covered + f.urban_villages},
      {"branches", f.compound_branches},
      {"village_branches", f.village_branches},
      {"first_secretaries", f.first_secretaries},
      {"branches_with_first_secretary", f.first_secretaries},
      {"compounds_with_property", f.compounds_with_property},
      {"compounds_with_red_property", f.compounds_with_red_property},
      {"compounds_with_owners_committee", f.compounds_with_owners_committee},
      {"compounds_with_red_owners_committee", f.compounds_with_red_owners_committee},
      {"work_team_targets", f.work_team_targets},
      {"work_teams", f.work_teams},
      {"work_team_cadres", f.work_team_members},
      {"buildings", f.buildings},
      {"buildings_with_party_group", f.buildings_with_party_group},
      {"buildings_with_lead", f.buildings_with_lead},
      {"in_service_residents", f.in_service_residents},
      {"in_service_residents_registered", f.in_service_registered},
      {"registered_in_service", f.in_service_registered},
      {"registered_with_post", f.registered_with_post},
      {"communities_one_shoulder", f.communities_one_shoulder},
      {"alliances", f.alliances},
      {"neighbourhood_alliances", f.alliances},
  };
  for (const auto& [key, value] : figures) {
    EXPECT_EQ(Field(totals, key).number_value(), value) << key;
  }
  // The year of issues, as the generator counted it.
  const demo::DemoCaseworkFigures& c = expected.casework;
  const std::pair<const char*, int64_t> casework[] = {
      {"issues_opened", c.issues},
      {"issues_closed", c.closed},
      {"issues_resolved", c.resolved},
      {"issues_resolved_in_community", c.resolved_in_community},
      {"issues_resolved_in_street", c.resolved_in_street},
      {"issues_resolved_ever", c.resolved_ever},
      {"issues_reopened", c.reopened},
      {"issues_open", c.open},
      {"issues_open_overdue", c.open_overdue},
  };
  for (const auto& [key, value] : casework) {
    EXPECT_EQ(Field(totals, key).number_value(), value) << key;
  }
  const Struct& rates = Field(totals, "rates").struct_value();
  EXPECT_NEAR(Field(rates, "resolved_in_community").number_value(),
              static_cast<double>(c.resolved_in_community) / static_cast<double>(c.resolved),
              0.00005);
  EXPECT_NEAR(Field(rates, "resolved_in_street").number_value(),
              static_cast<double>(c.resolved_in_street) / static_cast<double>(c.resolved), 0.00005);
  const Struct& times = Field(totals, "resolve_times").struct_value();
  const char* levels[] = {"COMPOUND", "COMMUNITY", "STREET", "DISTRICT"};
  for (size_t level = 0; level < 4; ++level) {
    const std::vector<absl::Duration>& list = c.resolve_times[level];
    const Struct& at = Field(times, levels[level]).struct_value();
    EXPECT_EQ(Field(at, "resolved").number_value(), static_cast<double>(list.size()));
    EXPECT_EQ(Field(at, "median_seconds").number_value(),
              absl::ToInt64Seconds(list[(list.size() + 1) / 2 - 1]))
        << levels[level];
    EXPECT_EQ(Field(at, "p90_seconds").number_value(),
              absl::ToInt64Seconds(list[(list.size() * 9 + 9) / 10 - 1]))
        << levels[level];
  }
  EXPECT_GT(expected.figures.in_service_registered, 0);
  // The revisions it read at are in the report.
  EXPECT_GT(Field(Field(report, "revisions").struct_value(), "org").number_value(), 0);
  EXPECT_GT(Field(Field(report, "revisions").struct_value(), "roster").number_value(), 0);
  // The HTML page is there, with its coverage tables.
  bool html = false;
  for (const auto& entry : std::filesystem::directory_iterator(reports)) {
    if (entry.path().extension() == ".html") {
      html = ::grassroots::testing::ReadWholeTestFile(entry.path().string())
                 .find("<table class=\"coverage\"") != std::string::npos;
    }
  }
  EXPECT_TRUE(html);
}

// Each demo profile, loaded at scale 1 through the gateway into the real
// services, and audited: the JSON report gives the figures of its article
// (docs/audit.md says which counter is which).
class ProfileEndToEndTest : public AuditEndToEndTest {
 protected:
  Struct LoadAndAudit(const std::string& profile) {
    const CommandResult demo = Orgctl(district_admin_, {"demo", "--profile", profile});
    EXPECT_EQ(demo.exit_code, 0) << demo;
    std::cout << "[ DEMO     ] " << demo.out;
    const std::string reports = dirs_.File(profile);
    const CommandResult audit =
        Orgctl(auditor_, {"audit", "--subtree", "units/1", "--out", reports});
    EXPECT_EQ(audit.exit_code, 3) << audit;  // the planted ERRORs
    return Field(Field(ReadReport(reports), "coverage").struct_value(), "totals").struct_value();
  }
  static double Rate(const Struct& totals, const std::string& rate) {
    return Field(Field(totals, "rates").struct_value(), rate).number_value();
  }
};

TEST_F(ProfileEndToEndTest, TianyuanReportsItsArticlesFigures) {
  const Struct totals = LoadAndAudit("tianyuan");
  // "共300多个小区，其中有物业管理小区约占67%…另有城中村22个"
  EXPECT_EQ(Field(totals, "compounds").number_value(), 309);
  EXPECT_EQ(Field(totals, "urban_villages").number_value(), 22);
  EXPECT_NEAR(Rate(totals, "property"), 0.67, 0.005);
  // 211 branches; "选派208名小区党支部'第一书记'"
  EXPECT_EQ(Field(totals, "branches").number_value(), 211);
  EXPECT_EQ(Field(totals, "first_secretaries").number_value(), 208);
  EXPECT_EQ(Field(totals, "branches_with_first_secretary").number_value(), 208);
  // 95 work teams of 415 cadres at compounds without a property company,
  // resettlement compounds and urban villages.
  EXPECT_EQ(Field(totals, "work_teams").number_value(), 95);
  EXPECT_EQ(Field(totals, "work_team_cadres").number_value(), 415);
  EXPECT_EQ(Field(totals, "work_team_targets_with_team").number_value(), 95);
}

TEST_F(ProfileEndToEndTest, ZhangpingReportsItsArticlesFigures) {
  const Struct totals = LoadAndAudit("zhangping");
  // "共组建小区党组织221个，划分楼栋党小组465个"
  EXPECT_EQ(Field(totals, "branches").number_value(), 221);
  EXPECT_EQ(Field(totals, "buildings_with_party_group").number_value(), 465);
  // "'红色业委会'组建率达90.16%，有物业服务小区'红色物业'覆盖率达100%"
  EXPECT_EQ(Field(totals, "compounds_with_owners_committee").number_value(), 61);
  EXPECT_EQ(Field(totals, "compounds_with_red_owners_committee").number_value(), 55);
  EXPECT_EQ(Rate(totals, "red_owners_committee"), 0.9016);
  EXPECT_EQ(Rate(totals, "red_property"), 1);
  // "引导78名小区党组织班子成员兼任业委会成员"
  EXPECT_EQ(Field(totals, "cross_appointments").number_value(), 78);
  // "500多名在职党员回小区担任党组织班子成员、网格员、楼栋长"
  const double posts = Field(totals, "registered_with_post").number_value();
  EXPECT_GE(posts, 500);
  EXPECT_LT(posts, 600);
  // "截至目前,共组建近邻党建联盟67个"
  EXPECT_EQ(Field(totals, "alliances").number_value(), 67);
  EXPECT_EQ(Field(totals, "neighbourhood_alliances").number_value(), 67);
}

TEST_F(AuditEndToEndTest, PreviousReportsNewAndResolvedFindings) {
  ASSERT_EQ(Orgctl(district_admin_, {"demo", "--scale", absl::StrCat(kScale)}).exit_code, 0);
  const std::string first_dir = dirs_.File("first");
  ASSERT_EQ(Orgctl(auditor_, {"audit", "--out", first_dir}).exit_code, 3);
  const Struct first = ReadReport(first_dir);
  std::string uncovered, community;
  for (const Value& f : Field(first, "findings").list_value().values()) {
    if (Field(f.struct_value(), "rule").string_value() == "compound-not-covered") {
      uncovered = Field(f.struct_value(), "resources").list_value().values(0).string_value();
    }
  }
  ASSERT_FALSE(uncovered.empty());

  // One change resolves a finding (the uncovered compound is removed), one
  // makes a new one (a compound no branch covers).
  OrgClient org(Channel(district_admin_.token));
  ASSERT_OK_AND_ASSIGN(org_v1::Unit compound,
                       org.Call(&org_v1::OrgService::StubInterface::GetUnit, [&] {
                         org_v1::GetUnitRequest r;
                         r.set_name(uncovered);
                         return r;
                       }()));
  org_v1::DeleteUnitRequest remove;
  remove.set_name(uncovered);
  remove.set_cascade(true);
  ASSERT_OK(org.Call(&org_v1::OrgService::StubInterface::DeleteUnit, remove).status());
  ASSERT_OK_AND_ASSIGN(org_v1::Unit added, org.CreateUnit(::grassroots::org::testing::NewCompound(
                                               compound.parent(), "新建未覆盖小区", "NEWX", {})));

  // --previous takes the first run's JSON.
  std::string first_json;
  for (const auto& entry : std::filesystem::directory_iterator(first_dir)) {
    if (entry.path().extension() == ".json") first_json = entry.path().string();
  }
  const std::string second_dir = dirs_.File("second");
  const CommandResult second =
      Orgctl(auditor_, {"audit", "--out", second_dir, "--previous", first_json});
  EXPECT_EQ(second.exit_code, 3) << second;
  EXPECT_THAT(second.out, HasSubstr("resolved since the previous run"));
  const Struct report = ReadReport(second_dir);
  const Struct& since = Field(report, "since_previous").struct_value();
  // (rule, first resource) of each new and each resolved finding.
  auto keys = [](const Value& findings) {
    std::set<std::pair<std::string, std::string>> out;
    for (const Value& f : findings.list_value().values()) {
      out.insert({Field(f.struct_value(), "rule").string_value(),
                  Field(f.struct_value(), "resources").list_value().values(0).string_value()});
    }
    return out;
  };
  const auto added_keys = keys(Field(since, "new"));
  const auto resolved_keys = keys(Field(since, "resolved"));
  EXPECT_THAT(added_keys, ::testing::Contains(
                              std::make_pair(std::string("compound-not-covered"), added.name())));
  EXPECT_THAT(resolved_keys, ::testing::ElementsAre(
                                 std::make_pair(std::string("compound-not-covered"), uncovered)));
  // Nothing else was resolved, and what is new is the added compound or
  // what the removal left behind (roles at the removed compound).
  for (const auto& [rule, resource] : added_keys) {
    EXPECT_TRUE(resource == added.name() || rule == "role-at-deleted-place")
        << rule << " " << resource;
  }
}

TEST_F(AuditEndToEndTest, LoadingTheDemoAgainDuplicatesNothing) {
  ASSERT_EQ(Orgctl(district_admin_, {"demo", "--scale", absl::StrCat(kScale)}).exit_code, 0);
  const CommandResult again = Orgctl(district_admin_, {"demo", "--scale", absl::StrCat(kScale)});
  ASSERT_EQ(again.exit_code, 0) << again;
  const demo::DemoDistrict expected =
      demo::GenerateDemoDistrict({.scale = kScale, .plant_violations = true});
  EXPECT_THAT(again.out, HasSubstr(absl::StrCat("(0 created, ", expected.people.size(),
                                                " unchanged), 0 roles assigned")));
  // The issues are keyed by their external keys: none imported again.
  EXPECT_THAT(again.out, HasSubstr(absl::StrCat(expected.issues.size(), " issues (0 imported, ",
                                                expected.issues.size(), " unchanged")));
  OrgClient org(Channel(district_admin_.token));
  org_v1::ListUnitsRequest districts;
  ASSERT_OK_AND_ASSIGN(auto page,
                       org.Call(&org_v1::OrgService::StubInterface::ListUnits, districts));
  EXPECT_EQ(page.units_size(), 1);
}

TEST_F(AuditEndToEndTest, ExitCodeOneWhenTheAuditCannotRun) {
  const CommandResult result =
      Orgctl(auditor_, {"audit", "--subtree", "units/424242", "--out", dirs_.File("none")});
  EXPECT_EQ(result.exit_code, 1) << result;
  const CommandResult bad_previous =
      Orgctl(auditor_, {"audit", "--previous", dirs_.File("missing.json")});
  EXPECT_EQ(bad_previous.exit_code, 1) << bad_previous;
}

}  // namespace
}  // namespace grassroots::gateway::testing
