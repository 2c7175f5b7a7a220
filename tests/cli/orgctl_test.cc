// Integration tests of orgctl: the real binary, run as a user runs it,
// against the real gateway in front of real org, roster and casework
// services on loopback ports. The suite builds one district with orgctl
// itself, then each test reads it or adds its own people (or issues) below it.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/text.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tests/testing/command_runner.h"
#include "tests/testing/server_process.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"

extern char** environ;

namespace grassroots::cli {
namespace {

using ::grassroots::testing::ServerProcess;
using ::grassroots::testing::TempDir;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

// Tokens and the SHA-256 the gateway's tokens file holds for each
// (`printf %s TOKEN | sha256sum`).
constexpr char kAdminToken[] = "orgctl-test-admin-token";
constexpr char kAdminTokenSha256[] =
    "d0765643c5887d5ff9ad145ce0046bf691fdd377289913a6e1e9cbf945f950a2";
constexpr char kViewerToken[] = "orgctl-test-viewer-token";
constexpr char kViewerTokenSha256[] =
    "083ad0dc2648c1d4f94402c9415b93fbdf012bd1a0597e2273f61d06f488ccd0";
constexpr char kAdminPrincipal[] = "district.admin";

// How long one orgctl run may take before the test kills it.
constexpr auto kRunTimeout = std::chrono::seconds(60);

using OrgctlResult = ::grassroots::testing::CommandResult;

std::string ReadFile(const std::string& path) {
  return ::grassroots::testing::ReadWholeTestFile(path);
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << contents;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  return lines;
}

// Runs the orgctl binary with `args`, stdin from /dev/null, and the test's
// environment without any ORGCTL_* variable, plus `env` ("NAME=value").
// Returns the exit code (128 + signal when killed) and what it printed.
OrgctlResult RunOrgctl(const std::vector<std::string>& args,
                       const std::vector<std::string>& env = {}) {
  OrgctlResult result = ::grassroots::testing::RunCommand(ORGCTL_BINARY, args, env, kRunTimeout);
  // Whatever happens, a token is never printed.
  for (const char* token : {kAdminToken, kViewerToken}) {
    EXPECT_THAT(result.out + result.err, Not(HasSubstr(token)));
  }
  return result;
}

// The string field `field` of the JSON object orgctl printed (an int64 is
// a string in JSON); empty when the object has no such field, and empty
// (and a failure) when the command failed.
std::string FieldOf(const OrgctlResult& result, const std::string& field) {
  google::protobuf::Struct object;
  if (result.exit_code != 0 ||
      !google::protobuf::util::JsonStringToMessage(result.out, &object).ok()) {
    ADD_FAILURE() << "expected a JSON object\n" << result;
    return "";
  }
  const auto it = object.fields().find(field);
  return it == object.fields().end() ? "" : it->second.string_value();
}

// The `name` of the JSON object orgctl printed; empty (and a failure) when
// the command failed.
std::string NameOf(const OrgctlResult& result) { return FieldOf(result, "name"); }

// How many items a `-o json` list printed.
int CountOf(const OrgctlResult& result) {
  google::protobuf::ListValue list;
  if (result.exit_code != 0 ||
      !google::protobuf::util::JsonStringToMessage(result.out, &list).ok()) {
    ADD_FAILURE() << "expected a JSON array\n" << result;
    return -1;
  }
  return list.values_size();
}

// The sample district, as the suite created it.
struct District {
  std::string district;
  std::string street;
  std::string community;        // the viewer's scope
  std::string other_community;  // outside it
  std::string garden;           // compound 幸福花园
  std::string garden_building_1;
  std::string garden_building_2;
  std::string peace;  // compound 和平小区
  std::string peace_building;
  std::string working_committee;
  std::string party_committee;
  std::string branch;       // 幸福花园党支部
  std::string party_group;  // 1号楼党小组
  std::string secretary;    // 张建国
};

class OrgctlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    environment_ = new Environment();
    if (absl::Status s = environment_->Start(); !s.ok()) {
      setup_error_ = new std::string(s.ToString());
      return;
    }
    if (!BuildDistrict() || !environment_->AddViewer(district_->community)) {
      setup_error_ = new std::string("building the district with orgctl failed (see above)");
    }
  }

  static void TearDownTestSuite() {
    delete environment_;
    delete district_;
    delete setup_error_;
    environment_ = nullptr;
    district_ = nullptr;
    setup_error_ = nullptr;
  }

  void SetUp() override {
    if (setup_error_ != nullptr) GTEST_FAIL() << *setup_error_;
  }

  // orgctl against the gateway with the ADMIN token (scope `*`, personal
  // data shown), or the VIEWER token (scope: the community).
  static OrgctlResult Admin(const std::vector<std::string>& args) {
    return RunAs(environment_->admin_token_file(), args);
  }
  static OrgctlResult Viewer(const std::vector<std::string>& args) {
    return RunAs(environment_->viewer_token_file(), args);
  }
  // `orgctl -o json ARGS` as the admin, for the created resource's name.
  static std::string AdminCreate(const std::vector<std::string>& args) {
    std::vector<std::string> json = {"-o", "json"};
    json.insert(json.end(), args.begin(), args.end());
    return NameOf(Admin(json));
  }
  static std::string gateway() { return environment_->gateway_address(); }
  static const District& district() { return *district_; }
  static std::string TempFile(const std::string& name) { return environment_->TempFile(name); }

 private:
  // The four processes, their key and tokens files.
  class Environment {
   public:
    absl::Status Start() {
      // The secret the gateway signs callers with, as base64 of 32 bytes;
      // a fixed one keeps the test deterministic.
      WriteFile(dir_.File("caller.key"), "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\n");
      WriteFile(admin_token_file(), absl::StrCat(kAdminToken, "\n"));
      // Only the first line counts, trimmed.
      WriteFile(viewer_token_file(), absl::StrCat("  ", kViewerToken, "  \nnot-a-token\n"));
      WriteTokens("");
      const std::string key_flag = absl::StrCat("--caller_key_file=", dir_.File("caller.key"));
      absl::StatusOr<std::unique_ptr<ServerProcess>> org =
          ServerProcess::Launch({.binary = ORG_SERVICE_BINARY, .extra_args = {key_flag}});
      if (!org.ok()) return org.status();
      org_ = *std::move(org);
      absl::StatusOr<std::unique_ptr<ServerProcess>> roster = ServerProcess::Launch(
          {.binary = ROSTER_SERVICE_BINARY,
           .extra_args = {key_flag, absl::StrCat("--org_service=", org_->address())}});
      if (!roster.ok()) return roster.status();
      roster_ = *std::move(roster);
      // Issues of category OTHER are due a second after they reach the
      // compound, so that a test sees one overdue; the sweeper, which would
      // escalate it, waits an hour after its first sweep at start.
      WriteFile(dir_.File("sla"), "COMPOUND OTHER 1s\n");
      absl::StatusOr<std::unique_ptr<ServerProcess>> casework = ServerProcess::Launch(
          {.binary = CASEWORK_SERVICE_BINARY,
           .extra_args = {key_flag, absl::StrCat("--org_service=", org_->address()),
                          absl::StrCat("--sla_file=", dir_.File("sla")), "--sweep_interval=1h"}});
      if (!casework.ok()) return casework.status();
      casework_ = *std::move(casework);
      absl::StatusOr<std::unique_ptr<ServerProcess>> activity = ServerProcess::Launch(
          {.binary = ACTIVITY_SERVICE_BINARY,
           .extra_args = {key_flag, absl::StrCat("--org_service=", org_->address())}});
      if (!activity.ok()) return activity.status();
      activity_ = *std::move(activity);
      absl::StatusOr<std::unique_ptr<ServerProcess>> gateway = ServerProcess::Launch(
          {.binary = GATEWAY_BINARY,
           .extra_args = {key_flag, absl::StrCat("--org_service=", org_->address()),
                          absl::StrCat("--roster_service=", roster_->address()),
                          absl::StrCat("--casework_address=", casework_->address()),
                          absl::StrCat("--activity_address=", activity_->address()),
                          absl::StrCat("--tokens_file=", dir_.File("tokens"))},
           .pass_data_dir = false});
      if (!gateway.ok()) return gateway.status();
      gateway_ = *std::move(gateway);
      return absl::OkStatus();
    }

    // Adds the viewer's token, scoped to `scope`: a scope is a unit, which
    // exists only once the admin has created it. The gateway reads its
    // tokens at start.
    bool AddViewer(const std::string& scope) {
      WriteTokens(absl::StrCat(kViewerTokenSha256, " community.viewer VIEWER ", scope, " -\n"));
      const absl::Status restarted = gateway_->Restart();
      EXPECT_TRUE(restarted.ok()) << restarted << "\n" << gateway_->ReadLog();
      return restarted.ok();
    }

    std::string gateway_address() const { return gateway_->address(); }
    std::string admin_token_file() const { return dir_.File("admin.token"); }
    std::string viewer_token_file() const { return dir_.File("viewer.token"); }
    std::string TempFile(const std::string& name) const { return dir_.File(name); }

   private:
    void WriteTokens(const std::string& more) {
      WriteFile(dir_.File("tokens"),
                absl::StrCat("# sha256(token) principal role scope personal-data\n",
                             kAdminTokenSha256, " ", kAdminPrincipal, " ADMIN * pii\n", more));
    }

    TempDir dir_;
    std::unique_ptr<ServerProcess> org_;
    std::unique_ptr<ServerProcess> roster_;
    std::unique_ptr<ServerProcess> casework_;
    std::unique_ptr<ServerProcess> activity_;
    std::unique_ptr<ServerProcess> gateway_;
  };

  static OrgctlResult RunAs(const std::string& token_file, const std::vector<std::string>& args) {
    std::vector<std::string> all = {"--gateway", gateway(), "--token-file", token_file};
    all.insert(all.end(), args.begin(), args.end());
    return RunOrgctl(all);
  }

  // Street, two communities, two compounds with buildings, the party
  // organisations of one of them and its secretary, all made with orgctl.
  static bool BuildDistrict() {
    district_ = new District();
    District& d = *district_;
    d.district = AdminCreate(
        {"units", "create", "--level", "DISTRICT", "--name", "天元区", "--code", "430211"});
    d.street = AdminCreate({"units", "create", "--parent", d.district, "--level", "STREET",
                            "--name", "幸福街道", "--code", "S01"});
    d.community = AdminCreate({"units", "create", "--parent", d.street, "--level", "COMMUNITY",
                               "--name", "幸福社区", "--code", "C01"});
    d.other_community = AdminCreate({"units", "create", "--parent", d.street, "--level",
                                     "COMMUNITY", "--name", "和平社区", "--code", "C02"});
    d.garden = AdminCreate({"units", "create", "--parent", d.community, "--level", "COMPOUND",
                            "--name", "幸福花园", "--code", "X01", "--compound-kind", "OLD",
                            "--has-property-company", "--red-property", "--households", "320"});
    d.garden_building_1 =
        AdminCreate({"units", "create", "--parent", d.garden, "--level", "BUILDING", "--name",
                     "1号楼", "--code", "B01", "--floors", "6", "--households", "24"});
    d.garden_building_2 = AdminCreate({"units", "create", "--parent", d.garden, "--level",
                                       "BUILDING", "--name", "2号楼", "--code", "B02"});
    d.peace = AdminCreate({"units", "create", "--parent", d.community, "--level", "COMPOUND",
                           "--name", "和平小区", "--code", "X02"});
    d.peace_building = AdminCreate({"units", "create", "--parent", d.peace, "--level", "BUILDING",
                                    "--name", "A栋", "--code", "A"});
    d.working_committee = AdminCreate({"orgs", "create", "--form", "WORKING_COMMITTEE", "--name",
                                       "幸福街道大党工委", "--units", d.street});
    d.party_committee =
        AdminCreate({"orgs", "create", "--form", "PARTY_COMMITTEE", "--name", "幸福社区大党委",
                     "--units", d.community, "--parent", d.working_committee});
    d.branch =
        AdminCreate({"orgs", "create", "--form", "BRANCH", "--name", "幸福花园党支部", "--units",
                     d.garden, "--parent", d.party_committee, "--established", "2019-07-01"});
    d.party_group = AdminCreate({"orgs", "create", "--form", "PARTY_GROUP", "--name", "1号楼党小组",
                                 "--units", d.garden_building_1, "--parent", d.branch});
    d.secretary =
        AdminCreate({"people",         "create",      "--name",         "张建国",
                     "--gender",       "FEMALE",      "--id-card",      "11010519491231002X",
                     "--phone",        "13812345678", "--building",     d.garden_building_1,
                     "--room",         "1-101",       "--party-status", "FULL",
                     "--admission",    "1975-07-01",  "--category",     "RETIRED",
                     "--external-key", "SETUP-0001"});
    const bool member =
        Admin({"members", "start", d.secretary, "--org", d.branch, "--date", "2010-05-01"})
            .exit_code == 0;
    const bool secretary =
        !AdminCreate({"roles", "assign", "--person", d.secretary, "--role", "SECRETARY", "--place",
                      d.branch, "--start", "2021-06-01", "--note", "换届选举"})
             .empty();
    for (const std::string* name :
         {&d.district, &d.street, &d.community, &d.other_community, &d.garden, &d.garden_building_1,
          &d.garden_building_2, &d.peace, &d.peace_building, &d.working_committee,
          &d.party_committee, &d.branch, &d.party_group, &d.secretary}) {
      if (name->empty()) return false;
    }
    return member && secretary;
  }

  static Environment* environment_;
  static District* district_;
  static std::string* setup_error_;
};

OrgctlTest::Environment* OrgctlTest::environment_ = nullptr;
District* OrgctlTest::district_ = nullptr;
std::string* OrgctlTest::setup_error_ = nullptr;

// --- Usage and exit codes.

TEST_F(OrgctlTest, HelpOnEveryLevelExitsZero) {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"},
                                               {"units", "--help"},
                                               {"units", "create", "--help"},
                                               {"people", "get", "--help"},
                                               {"watch", "--help"},
                                               {"issues", "--help"},
                                               {"issues", "report", "--help"},
                                               {"import", "--help"}}) {
    const OrgctlResult result = RunOrgctl(args);
    EXPECT_EQ(result.exit_code, 0) << result;
    EXPECT_THAT(result.out, HasSubstr("Usage:")) << result;
  }
  EXPECT_THAT(RunOrgctl({"--help"}).out,
              AllOf(HasSubstr("units"), HasSubstr("orgs"), HasSubstr("people"), HasSubstr("roles"),
                    HasSubstr("members"), HasSubstr("watch"), HasSubstr("profile"),
                    HasSubstr("whoami"), HasSubstr("import"), HasSubstr("export")));
}

TEST_F(OrgctlTest, NoCommandPrintsHelpAndExitsTwo) {
  const OrgctlResult bare = RunOrgctl({});
  EXPECT_EQ(bare.exit_code, 2) << bare;
  EXPECT_THAT(bare.err, HasSubstr("units"));

  const OrgctlResult noun_only = RunOrgctl({"units"});
  EXPECT_EQ(noun_only.exit_code, 2) << noun_only;
  EXPECT_THAT(noun_only.err, AllOf(HasSubstr("create"), HasSubstr("undelete")));
}

TEST_F(OrgctlTest, BadUsageExitsTwoWithOneLine) {
  const District& d = district();
  for (const std::vector<std::string>& args : {
           std::vector<std::string>{"units", "list", "--bogus"},
           {"units", "create", "--parent", d.street, "--level", "CITY", "--name", "x", "--code",
            "y"},
           {"units", "create", "--parent", d.street, "--level", "COMMUNITY", "--name", "x"},
           {"units", "get", "partyOrgs/3"},
           {"units", "update", d.peace, "--floors", "3"},
           {"units", "update", d.peace},
           {"roles", "assign", "--person", d.secretary, "--role", "VOLUNTEER", "--place", d.garden,
            "--start", "2024-02-30"},
           {"-o", "xml", "units", "get", d.street},
           {"watch", "audit"},
       }) {
    const OrgctlResult result = Admin(args);
    EXPECT_EQ(result.exit_code, 2) << absl::StrJoin(args, " ") << "\n" << result;
    EXPECT_THAT(result.err, StartsWith("orgctl: ")) << result;
    EXPECT_THAT(Lines(result.err), SizeIs(1)) << result;
    EXPECT_THAT(result.out, IsEmpty()) << result;
  }
}

TEST_F(OrgctlTest, UnknownResourceExitsOne) {
  const OrgctlResult result = Admin({"units", "get", "units/999999"});
  EXPECT_EQ(result.exit_code, 1) << result;
  EXPECT_THAT(result.err,
              MatchesRegex("orgctl: (not found|permission denied): .*units/999999.*\n"));
  EXPECT_THAT(result.out, IsEmpty());
}

TEST_F(OrgctlTest, OutsideTheScopeIsPermissionDenied) {
  const OrgctlResult read = Viewer({"units", "get", district().other_community});
  EXPECT_EQ(read.exit_code, 1) << read;
  EXPECT_THAT(read.err, StartsWith(absl::StrCat("orgctl: permission denied: ")));
  EXPECT_THAT(read.err, HasSubstr(absl::StrCat("outside your scope ", district().community)));

  const OrgctlResult write = Viewer({"units", "create", "--parent", district().garden, "--level",
                                     "BUILDING", "--name", "3号楼", "--code", "B03"});
  EXPECT_EQ(write.exit_code, 1) << write;
  EXPECT_THAT(write.err, StartsWith("orgctl: permission denied: "));
}

TEST_F(OrgctlTest, WithoutAValidTokenIsUnauthenticated) {
  const OrgctlResult none = RunOrgctl({"--gateway", gateway(), "whoami"});
  EXPECT_EQ(none.exit_code, 1) << none;
  EXPECT_THAT(none.err, StartsWith("orgctl: unauthenticated"));

  const OrgctlResult wrong =
      RunOrgctl({"--gateway", gateway(), "whoami"}, {"ORGCTL_TOKEN=not-a-token"});
  EXPECT_EQ(wrong.exit_code, 1) << wrong;
  EXPECT_THAT(wrong.err, StartsWith("orgctl: unauthenticated: "));
  EXPECT_THAT(Lines(wrong.err), SizeIs(1));
}

TEST_F(OrgctlTest, SecurityListsRefusalsPerPrincipalForTheDistrictAdminOnly) {
  const OrgctlResult wrong =
      RunOrgctl({"--gateway", gateway(), "whoami"}, {"ORGCTL_TOKEN=not-a-token"});
  ASSERT_EQ(wrong.exit_code, 1) << wrong;
  // The refusal is counted as its call ends, which may be just after
  // orgctl has its answer.
  OrgctlResult counters;
  EXPECT_TRUE(::grassroots::testing::WaitFor([&] {
    counters = Admin({"-o", "csv", "security"});
    return counters.exit_code == 0 && absl::StrContains(counters.out, "peer:ipv4:127.0.0.1,");
  })) << counters;
  ASSERT_EQ(counters.exit_code, 0) << counters;
  EXPECT_THAT(Lines(counters.out),
              Contains(StartsWith("principal,unauthenticated,permission_denied,rate_limited,"
                                  "uniqueness_conflicts,last")));
  EXPECT_THAT(counters.out, HasSubstr("peer:ipv4:127.0.0.1,"));

  const OrgctlResult viewer = Viewer({"security"});
  EXPECT_EQ(viewer.exit_code, 1) << viewer;
  EXPECT_THAT(viewer.err, HasSubstr("permission denied"));
}

TEST_F(OrgctlTest, TokenAndGatewayComeFromTheEnvironment) {
  const OrgctlResult result = RunOrgctl({"whoami"}, {absl::StrCat("ORGCTL_TOKEN=", kAdminToken),
                                                     absl::StrCat("ORGCTL_GATEWAY=", gateway())});
  EXPECT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, HasSubstr(kAdminPrincipal));
}

TEST_F(OrgctlTest, WhoAmIShowsRoleAndScope) {
  const OrgctlResult viewer = Viewer({"whoami"});
  ASSERT_EQ(viewer.exit_code, 0) << viewer;
  EXPECT_THAT(Lines(viewer.out),
              ElementsAre(MatchesRegex("PRINCIPAL +ROLE +SCOPE +PERSONAL_DATA"),
                          MatchesRegex(absl::StrCat("community.viewer +VIEWER +",
                                                    district().community, " +no"))));
  const OrgctlResult admin = Admin({"-o", "csv", "whoami"});
  EXPECT_EQ(admin.out, absl::StrCat("principal,role,scope,personal_data\r\n", kAdminPrincipal,
                                    ",ADMIN,*,yes\r\n"));
}

// --- The district and how it prints.

TEST_F(OrgctlTest, TreeDrawsTheSubtreeWithChineseNamesAligned) {
  const OrgctlResult result = Admin({"tree", district().community});
  ASSERT_EQ(result.exit_code, 0) << result;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(7)) << result;  // the header, the community and five below it
  EXPECT_THAT(lines[0], MatchesRegex("DISPLAY_NAME +NAME +LEVEL +CODE"));
  EXPECT_THAT(lines[1],
              MatchesRegex(absl::StrCat("幸福社区 +", district().community, " +COMMUNITY +C01")));
  EXPECT_THAT(lines[2], StartsWith("├── 幸福花园 "));
  EXPECT_THAT(lines[3], StartsWith("│   ├── 1号楼 "));
  EXPECT_THAT(lines[4], StartsWith("│   └── 2号楼 "));
  EXPECT_THAT(lines[5], StartsWith("└── 和平小区 "));
  EXPECT_THAT(lines[6], MatchesRegex(absl::StrCat("    └── A栋 +", district().peace_building,
                                                  " +BUILDING +A")));
  // The NAME column starts at the same terminal column on every line, though
  // the names before it take two columns per Chinese character.
  const size_t name_column = DisplayWidth(lines[0].substr(0, lines[0].find("  NAME") + 2));
  for (size_t i = 1; i < lines.size(); ++i) {
    const size_t at = lines[i].find("units/");
    ASSERT_NE(at, std::string::npos) << lines[i];
    EXPECT_EQ(DisplayWidth(lines[i].substr(0, at)), name_column) << result;
  }
  EXPECT_THAT(lines, Each(Not(EndsWith(" "))));
}

TEST_F(OrgctlTest, TreeInJsonIsTheUnitsDepthFirst) {
  const OrgctlResult result = Admin({"-o", "json", "units", "tree", district().garden});
  EXPECT_EQ(CountOf(result), 3) << result;
  EXPECT_THAT(result.out, HasSubstr("\"display_name\":\"幸福花园\""));
  EXPECT_THAT(result.out, HasSubstr("\"has_property_company\":true"));
}

TEST_F(OrgctlTest, ViewerSeesItsSubtreeWithPersonalDataMasked) {
  const OrgctlResult tree = Viewer({"tree", district().community});
  EXPECT_EQ(tree.exit_code, 0) << tree;
  EXPECT_THAT(tree.out, HasSubstr("幸福花园"));

  const OrgctlResult person = Viewer({"people", "get", district().secretary});
  ASSERT_EQ(person.exit_code, 0) << person;
  EXPECT_THAT(person.out, AllOf(HasSubstr("138****5678"), HasSubstr("110105********002X")));
  const OrgctlResult unmasked = Admin({"people", "get", district().secretary});
  EXPECT_THAT(unmasked.out, AllOf(HasSubstr("13812345678"), HasSubstr("11010519491231002X")));
}

TEST_F(OrgctlTest, ListsInEveryFormat) {
  const std::vector<std::string> list = {"units", "list", "--parent", district().community};
  const OrgctlResult table = Admin(list);
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(Lines(table.out),
              ElementsAre(StartsWith("NAME "), HasSubstr("幸福花园"), HasSubstr("和平小区")));

  std::vector<std::string> csv = {"-o", "csv"};
  csv.insert(csv.end(), list.begin(), list.end());
  const OrgctlResult csv_result = Admin(csv);
  EXPECT_THAT(csv_result.out, StartsWith("name,level,display_name,code,parent,state\r\n"));
  EXPECT_THAT(csv_result.out, HasSubstr(absl::StrCat(district().garden, ",COMPOUND,幸福花园,X01,",
                                                     district().community, ",ACTIVE\r\n")));

  std::vector<std::string> json = {"-o", "json"};
  json.insert(json.end(), list.begin(), list.end());
  EXPECT_EQ(CountOf(Admin(json)), 2);

  std::vector<std::string> limited = json;
  limited.insert(limited.end(), {"--limit", "1"});
  EXPECT_EQ(CountOf(Admin(limited)), 1);
}

TEST_F(OrgctlTest, ListsPageThroughEverythingUnlessLimited) {
  // More people than one page holds, imported in one call.
  constexpr int kPeople = 510;
  std::string csv =
      "external_key,display_name,gender,birth_date,id_card_number,phone,residence_building,"
      "residence_room,party_status,admission_date,member_category,party_org,"
      "membership_start_date,roles\n";
  for (int i = 0; i < kPeople; ++i) {
    absl::StrAppend(&csv, "PAGE-", i, ",分页居民", i, ",,,,,", district().peace_building,
                    ",,NONE,,,,,\n");
  }
  const std::string file = TempFile("paging.csv");
  WriteFile(file, csv);
  const OrgctlResult imported = Admin({"import", file});
  ASSERT_EQ(imported.exit_code, 0) << imported;

  EXPECT_EQ(CountOf(Admin({"-o", "json", "people", "list", "--name", "分页居民"})), kPeople);
  EXPECT_EQ(
      CountOf(Admin({"-o", "json", "people", "list", "--name", "分页居民", "--limit", "505"})),
      505);
  const OrgctlResult csv_list = Admin({"-o", "csv", "people", "list", "--name", "分页居民"});
  EXPECT_THAT(Lines(csv_list.out), SizeIs(kPeople + 1));
}

TEST_F(OrgctlTest, PathShowsEachLevelWithItsPartyOrganisationAndSecretary) {
  const OrgctlResult result = Admin({"path", district().garden_building_1});
  ASSERT_EQ(result.exit_code, 0) << result;
  const std::vector<std::string> lines = Lines(result.out);
  ASSERT_THAT(lines, SizeIs(6)) << result;  // header, district .. building
  EXPECT_THAT(lines[2], HasSubstr("幸福街道大党工委"));
  EXPECT_THAT(lines[4], AllOf(HasSubstr("幸福花园党支部"),
                              HasSubstr(absl::StrCat("张建国 (", district().secretary, ")"))));
  EXPECT_THAT(lines[5], HasSubstr("1号楼党小组"));
}

TEST_F(OrgctlTest, ProfileShowsACompound) {
  const OrgctlResult result = Admin({"profile", district().garden});
  ASSERT_EQ(result.exit_code, 0) << result;
  EXPECT_THAT(result.out, AllOf(HasSubstr("幸福花园党支部"), HasSubstr("张建国"),
                                HasSubstr("1号楼党小组"), HasSubstr("2号楼")));
  const OrgctlResult csv = Admin({"-o", "csv", "profile", district().garden});
  EXPECT_THAT(Lines(csv.out), SizeIs(3)) << csv;  // header and two buildings
}

// --- Writes.

TEST_F(OrgctlTest, UpdateChangesOnlyTheFlagsGivenAndChecksTheEtag) {
  const OrgctlResult updated =
      Admin({"-o", "json", "units", "update", district().peace, "--households", "150"});
  ASSERT_EQ(updated.exit_code, 0) << updated;
  EXPECT_THAT(updated.out, AllOf(HasSubstr("\"households\":150"), HasSubstr("\"code\":\"X02\""),
                                 HasSubstr("\"display_name\":\"和平小区\"")));

  const OrgctlResult stale =
      Admin({"units", "update", district().peace, "--name", "和平家园", "--etag", "\"1\""});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, StartsWith("orgctl: aborted: "));
}

TEST_F(OrgctlTest, DeleteAndUndeleteWithCascade) {
  const std::string compound =
      AdminCreate({"units", "create", "--parent", district().other_community, "--level", "COMPOUND",
                   "--name", "临时小区", "--code", "TMP"});
  AdminCreate({"units", "create", "--parent", compound, "--level", "BUILDING", "--name", "1栋",
               "--code", "1"});
  const OrgctlResult refused = Admin({"units", "delete", compound});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, StartsWith("orgctl: failed precondition: "));

  const OrgctlResult deleted = Admin({"units", "delete", compound, "--cascade"});
  EXPECT_EQ(deleted.exit_code, 0) << deleted;
  EXPECT_THAT(deleted.out, HasSubstr("DELETED"));
  const OrgctlResult restored = Admin({"units", "undelete", compound, "--cascade"});
  EXPECT_EQ(restored.exit_code, 0) << restored;
  EXPECT_EQ(CountOf(Admin({"-o", "json", "units", "tree", compound})), 2);
}

TEST_F(OrgctlTest, MoveTakesTheSubtreeAlong) {
  const std::string community =
      AdminCreate({"units", "create", "--parent", district().street, "--level", "COMMUNITY",
                   "--name", "新建社区", "--code", "C03"});
  const std::string compound =
      AdminCreate({"units", "create", "--parent", district().other_community, "--level", "COMPOUND",
                   "--name", "搬迁小区", "--code", "MV"});
  const std::string building = AdminCreate({"units", "create", "--parent", compound, "--level",
                                            "BUILDING", "--name", "1栋", "--code", "1"});
  const OrgctlResult moved = Admin({"-o", "json", "units", "move", compound, "--to", community});
  ASSERT_EQ(moved.exit_code, 0) << moved;
  EXPECT_THAT(moved.out, HasSubstr(absl::StrCat("\"parent\":\"", community, "\"")));
  EXPECT_THAT(Admin({"tree", community}).out, HasSubstr(building));
}

// Double reporting (双报到): an in-service member registers with the
// community they live in, at a compound, with a post and a duty zone.
TEST_F(OrgctlTest, AnInServiceMemberRegistersWithAPostAndADutyZone) {
  const District& d = district();
  const std::string member =
      AdminCreate({"people", "create", "--name", "周在职", "--building", d.garden_building_1,
                   "--party-status", "FULL", "--admission", "2001-07-01", "--category",
                   "IN_SERVICE", "--external-key", "REG-0001"});
  const OrgctlResult elsewhere = Admin(
      {"members", "register", member, "--community", d.other_community, "--compound", d.garden});
  EXPECT_EQ(elsewhere.exit_code, 1) << elsewhere;
  EXPECT_THAT(elsewhere.err,
              HasSubstr("compound: " + d.garden + " is not a COMPOUND of " + d.other_community))
      << elsewhere;
  const OrgctlResult registered =
      Admin({"-o", "json", "members", "register", member, "--community", d.community, "--compound",
             d.garden, "--post", "BUILDING_LEAD", "--duty-zone", "1号楼"});
  ASSERT_EQ(registered.exit_code, 0) << registered;
  EXPECT_THAT(registered.out, HasSubstr("\"post\":\"BUILDING_LEAD\"")) << registered;
  EXPECT_THAT(registered.out, HasSubstr("1号楼")) << registered;
  EXPECT_EQ(CountOf(Admin({"-o", "json", "members", "registrations", "--person", member})), 1);
}

TEST_F(OrgctlTest, MembershipTransferKeepsTheHistory) {
  const District& d = district();
  const std::string member =
      AdminCreate({"people", "create", "--name", "李秀英", "--gender", "FEMALE", "--building",
                   d.peace_building, "--party-status", "FULL", "--admission", "1996-06-20",
                   "--category", "IN_SERVICE", "--external-key", "MEMBER-0001"});
  ASSERT_EQ(Admin({"members", "start", member, "--org", d.party_committee, "--date", "2015-03-01"})
                .exit_code,
            0);
  const OrgctlResult transfer =
      Admin({"members", "transfer", "--person", member, "--to", d.branch, "--date", "2024-03-01"});
  ASSERT_EQ(transfer.exit_code, 0) << transfer;

  const OrgctlResult history = Admin({"members", "history", member});
  ASSERT_EQ(history.exit_code, 0) << history;
  const std::vector<std::string> lines = Lines(history.out);
  ASSERT_THAT(lines, SizeIs(3)) << history;
  EXPECT_THAT(lines[1],
              MatchesRegex(absl::StrCat(".*", d.party_committee, " +2015-03-01 +2024-03-01 +no")));
  EXPECT_THAT(lines[2], MatchesRegex(absl::StrCat(".*", d.branch, " +2024-03-01 +yes")));
}

TEST_F(OrgctlTest, RolesListBelowAPlace) {
  const District& d = district();
  const std::string lead =
      AdminCreate({"people", "create", "--name", "王磊", "--building", d.garden_building_2,
                   "--party-status", "NONE", "--external-key", "ROLE-0001"});
  const std::string role =
      AdminCreate({"roles", "assign", "--person", lead, "--role", "BUILDING_LEAD", "--place",
                   d.garden_building_2, "--start", "2024-01-01"});
  ASSERT_FALSE(role.empty());

  const OrgctlResult below = Admin(
      {"roles", "list", "--place", d.street, "--subtree", "--role", "building_lead,secretary"});
  ASSERT_EQ(below.exit_code, 0) << below;
  EXPECT_THAT(below.out, AllOf(HasSubstr(role), HasSubstr("SECRETARY")));
  EXPECT_THAT(Admin({"roles", "list", "--place", d.street}).out, Not(HasSubstr(role)));

  ASSERT_EQ(Admin({"roles", "end", role, "--date", "2024-06-30"}).exit_code, 0);
  EXPECT_THAT(Admin({"roles", "list", "--person", lead}).out, Not(HasSubstr(role)));
  EXPECT_THAT(Admin({"roles", "list", "--person", lead, "--all"}).out,
              AllOf(HasSubstr(role), HasSubstr("2024-06-30")));
}

TEST_F(OrgctlTest, PeopleGetByIdCard) {
  const OrgctlResult found = Admin({"people", "get", "--id-card", "11010519491231002X"});
  EXPECT_EQ(found.exit_code, 0) << found;
  EXPECT_THAT(found.out, HasSubstr(district().secretary));
}

TEST_F(OrgctlTest, WatchPrintsOneLinePerEventAndResumesFromARevision) {
  const OrgctlResult first = Admin({"watch", "org", "--from", "1", "--limit", "3"});
  ASSERT_EQ(first.exit_code, 0) << first;
  const std::vector<std::string> lines = Lines(first.out);
  ASSERT_THAT(lines, SizeIs(3)) << first;
  EXPECT_EQ(lines[0], absl::StrCat("1.0 ", kAdminPrincipal, " CreateUnit ", district().district));
  EXPECT_EQ(lines[1], absl::StrCat("2.0 ", kAdminPrincipal, " CreateUnit ", district().street));

  const OrgctlResult resumed = Admin({"watch", "org", "--from", "2.0", "--limit", "1"});
  EXPECT_THAT(Lines(resumed.out), ElementsAre(lines[1])) << resumed;
}

// --- Import and export.

// A district's directory of external organisations, kept in spreadsheets:
// created, listed, exported as CSV and imported back; an import that is run
// again creates nothing twice; a bad row is reported by its line.
TEST_F(OrgctlTest, ExternalOrgsRoundTripThroughCsv) {
  const District& d = district();
  const std::string code = "91430211MA4L0XXX1R";  // GB 32100 check character included
  const std::string agency = AdminCreate({"external-orgs", "create", "--district", d.district,
                                          "--kind", "机关部门", "--name", "天元区民政局"});
  EXPECT_THAT(agency, StartsWith("externalOrgs/"));
  const OrgctlResult bad_code =
      Admin({"external-orgs", "create", "--district", d.district, "--kind", "企业", "--name",
             "某企业", "--credit-code", "91430211MA4L0XXX10"});
  EXPECT_EQ(bad_code.exit_code, 1) << bad_code;
  EXPECT_THAT(bad_code.err, HasSubstr("external_org.credit_code")) << bad_code;

  const std::string file = TempFile("directory.csv");
  WriteFile(file, absl::StrCat("名称,类型,统一社会信用代码,地址\n",
                               "湘江物业服务有限公司,物业企业,", code, ",株洲市天元区\n",
                               "某学校,幼儿园,,\n",  // line 3: not a kind
                               "天元区第一中学,SCHOOL,,\n"));
  for (int run = 0; run < 2; ++run) {
    const OrgctlResult imported =
        Admin({"external-orgs", "import", "--district", d.district, file});
    EXPECT_EQ(imported.exit_code, 1) << imported;
    EXPECT_THAT(imported.err, HasSubstr("line 3: 类型")) << imported;
    EXPECT_THAT(imported.out, HasSubstr("imported 2 rows, refused 1")) << imported;
  }
  EXPECT_EQ(CountOf(Admin({"-o", "json", "external-orgs", "list", "--district", d.district})), 3);
  EXPECT_EQ(CountOf(Admin({"-o", "json", "external-orgs", "list", "--district", d.district,
                           "--kind", "PROPERTY_COMPANY"})),
            1);
  // A compound names the company as its property service.
  const OrgctlResult managed = Admin({"-o", "json", "units", "update", d.peace, "--property-mode",
                                      "COMPANY", "--property-company", agency});
  EXPECT_EQ(managed.exit_code, 1) << managed;  // an agency is no property company
  EXPECT_THAT(managed.err, HasSubstr("not a PROPERTY_COMPANY")) << managed;
  const std::string company = AdminCreate({"external-orgs", "create", "--district", d.district,
                                           "--kind", "物业企业", "--name", "神农物业管理有限公司"});
  const OrgctlResult managed_well =
      Admin({"-o", "json", "units", "update", d.peace, "--property-mode", "COMPANY",
             "--property-company", company, "--owners-body", "PROPERTY_MANAGEMENT_COMMITTEE"});
  ASSERT_EQ(managed_well.exit_code, 0) << managed_well;
  EXPECT_THAT(managed_well.out, HasSubstr("\"has_property_company\":true")) << managed_well;
  EXPECT_THAT(managed_well.out, HasSubstr(company)) << managed_well;
  const OrgctlResult exported =
      Admin({"external-orgs", "export", "--district", d.district, "--kind", "物业企业"});
  EXPECT_EQ(exported.exit_code, 0) << exported;
  EXPECT_THAT(exported.out,
              HasSubstr(absl::StrCat("湘江物业服务有限公司,物业企业,", code, ",株洲市天元区")));
}

// A compound's "1+4+X": created with a group, its members replaced from a
// spreadsheet (all or nothing), exported, and an item of its lists claimed
// and completed.
TEST_F(OrgctlTest, AlliancesTheirMembersSpreadsheetAndTheirLists) {
  const District& d = district();
  const std::string school = AdminCreate({"external-orgs", "create", "--district", d.district,
                                          "--kind", "学校", "--name", "株洲市第二十中学"});
  const std::string company = AdminCreate({"external-orgs", "create", "--district", d.district,
                                           "--kind", "物业企业", "--name", "石峰红色物业有限公司"});
  ASSERT_FALSE(school.empty() || company.empty());
  const OrgctlResult wrong_level = Admin({"alliances", "create", "--kind", "COMPOUND", "--unit",
                                          d.community, "--leader", d.branch, "--name", "错位联盟"});
  EXPECT_EQ(wrong_level.exit_code, 1) << wrong_level;
  EXPECT_THAT(wrong_level.err, HasSubstr("sits at a COMPOUND")) << wrong_level;
  const std::string alliance =
      AdminCreate({"alliances", "create", "--kind", "小区联盟", "--unit", d.garden, "--leader",
                   d.branch, "--name", "幸福花园“1+4+X”联盟", "--member", "居民代表=居民代表5人",
                   "--established", "2024-03-01"});
  ASSERT_THAT(alliance, StartsWith("alliances/"));

  const std::string file = TempFile("alliance_members.csv");
  WriteFile(file,
            "角色,名称,统一社会信用代码,备注\n"
            "居民代表,居民代表5人,,\n"
            "共建单位,株洲市第二十中学,,教务处\n"
            "物业企业,不存在物业公司,,\n"  // line 4: not in the directory
            "街坊,某人,,\n");              // line 5: not a role
  const OrgctlResult refused = Admin({"alliances", "members", "import", alliance, file});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("line 4: 名称 \"不存在物业公司\": no such organisation"))
      << refused;
  EXPECT_THAT(refused.err, HasSubstr("line 5: 角色")) << refused;
  EXPECT_THAT(refused.err, HasSubstr("nothing was written")) << refused;
  EXPECT_THAT(Admin({"-o", "json", "alliances", "get", alliance}).out,
              Not(HasSubstr(school)));  // still the one member it was created with

  WriteFile(file,
            "角色,名称,统一社会信用代码,备注\n"
            "居民代表,居民代表5人,,\n"
            "党员代表,党员代表3人,,\n"
            "共建单位,株洲市第二十中学,,教务处\n"
            "物业企业,石峰红色物业有限公司,,\n");
  for (int run = 0; run < 2; ++run) {
    const OrgctlResult imported = Admin({"alliances", "members", "import", alliance, file});
    EXPECT_EQ(imported.exit_code, 0) << imported;
    EXPECT_THAT(imported.out, HasSubstr(absl::StrCat(alliance, ": 4 members"))) << imported;
  }
  const OrgctlResult exported = Admin({"alliances", "members", "export", alliance});
  EXPECT_EQ(exported.exit_code, 0) << exported;
  EXPECT_THAT(exported.out, HasSubstr("共建单位,株洲市第二十中学,,教务处")) << exported;
  EXPECT_THAT(exported.out, HasSubstr("物业企业,石峰红色物业有限公司,,")) << exported;
  EXPECT_THAT(Admin({"alliances", "list", "--unit", d.street}).out, HasSubstr(alliance));

  const std::string item = AdminCreate(
      {"alliances", "items", "add", alliance, "--kind", "需求", "--title", "3号楼电梯维修"});
  ASSERT_THAT(item, StartsWith(absl::StrCat(alliance, "/items/")));
  const OrgctlResult claimed = Admin({"alliances", "items", "claim", item, "--by", school});
  EXPECT_EQ(claimed.exit_code, 0) << claimed;
  EXPECT_THAT(claimed.out, HasSubstr("CLAIMED")) << claimed;
  const OrgctlResult again = Admin({"alliances", "items", "claim", item, "--by", d.branch});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_THAT(again.err, HasSubstr("is CLAIMED")) << again;
  const OrgctlResult done =
      Admin({"alliances", "items", "complete", item, "--result", "已联系维保单位"});
  EXPECT_EQ(done.exit_code, 0) << done;
  EXPECT_THAT(done.out, HasSubstr("DONE")) << done;
  EXPECT_EQ(
      CountOf(Admin({"-o", "json", "alliances", "items", "list", alliance, "--state", "DONE"})), 1);
}

// A branch's term and ratings from the CLI: each flag changes its part and
// keeps the rest; a seconded first secretary names the agency that sent them.
TEST_F(OrgctlTest, TermsRatingsAndSendingOrganisations) {
  const District& d = district();
  const OrgctlResult term = Admin({"-o", "json", "orgs", "update", d.branch, "--term-start",
                                   "2023-06-01", "--rating-record", "2025:ADVANCED:5"});
  ASSERT_EQ(term.exit_code, 0) << term;
  EXPECT_THAT(term.out, HasSubstr(R"("end_date":{"year":2028,"month":6,"day":1})")) << term;
  const OrgctlResult more =
      Admin({"-o", "json", "orgs", "update", d.branch, "--term-postponed-until", "2028-12-31",
             "--rating-record", "2024:ORDINARY:3:rectification"});
  ASSERT_EQ(more.exit_code, 0) << more;
  // The start stays; both years' ratings are there, in order.
  EXPECT_THAT(more.out, HasSubstr(R"("start_date":{"year":2023,"month":6,"day":1})")) << more;
  EXPECT_THAT(more.out, HasSubstr(R"("ratings":[{"year":2024,"rating":"ORDINARY","stars":3,)"
                                  R"("rectification":true},{"year":2025,"rating":"ADVANCED",)"
                                  R"("stars":5})"))
      << more;
  const OrgctlResult bad = Admin({"orgs", "update", d.branch, "--rating-record", "2025:GOOD"});
  EXPECT_EQ(bad.exit_code, 2) << bad;
  EXPECT_THAT(bad.err, HasSubstr("--rating-record")) << bad;

  const std::string agency = AdminCreate({"external-orgs", "create", "--district", d.district,
                                          "--kind", "AGENCY", "--name", "天元区财政局"});
  ASSERT_THAT(agency, StartsWith("externalOrgs/"));
  const OrgctlResult seconded =
      Admin({"-o", "json", "roles", "assign", "--person", d.secretary, "--role", "FIRST_SECRETARY",
             "--place", d.branch, "--start", "2024-01-01", "--sending-org", agency});
  ASSERT_EQ(seconded.exit_code, 0) << seconded;
  EXPECT_THAT(seconded.out, HasSubstr(absl::StrCat(R"("sending_org":")", agency))) << seconded;
}

TEST_F(OrgctlTest, ImportStoresTheGoodRowsAndReportsTheBadOnes) {
  const District& d = district();
  const std::string file = TempFile("import.csv");
  WriteFile(
      file,
      absl::StrCat(
          "external_key,display_name,gender,birth_date,id_card_number,phone,residence_building,"
          "residence_room,party_status,admission_date,member_category,party_org,"
          "membership_start_date,roles\n",
          // 2: good, a member with a role.
          "IMP-0001,王建国,男,,430211195803120018,13807330001,", d.garden_building_1,
          ",2-301,正式党员,1985-07-01,离退休,", d.branch, ",2010-05-01,BUILDING_LEAD@",
          d.garden_building_1, "@2022-01-01\n",
          // 3: a mistyped ID-card number (the server refuses it).
          "IMP-0002,李秀兰,FEMALE,,430211197211050028,13907330002,", d.garden_building_2,
          ",1-502,FULL,1996-06-20,IN_SERVICE,", d.branch, ",2015-03-01,\n",
          // 4: good, a quoted comma.
          "IMP-0003,陈芳,女,,430211198804180024,18607330004,", d.garden_building_2,
          ",\"A座,1201\",群众,,,,,VOLUNTEER@", d.garden_building_2, "@2024-03-01\n",
          // 5: a day that does not exist (orgctl refuses it).
          "IMP-0004,赵敏,女,,35088119660930002X,13705970006,", d.garden_building_1,
          ",2-202,正式党员,1992-13-01,直管,", d.party_group, ",2020-09-01,\n",
          // 6: good, not a member.
          "IMP-0005,刘洋,MALE,,,,", d.garden_building_1, ",,NONE,,,,,\n"));

  const OrgctlResult result = Admin({"import", file});
  EXPECT_EQ(result.exit_code, 1) << result;
  const std::vector<std::string> report = Lines(result.out);
  EXPECT_THAT(report, Contains(MatchesRegex("3 +id_card_number +.+"))) << result;
  EXPECT_THAT(report, Contains(MatchesRegex("5 +admission_date +.+"))) << result;
  EXPECT_THAT(result.out, HasSubstr("created 3")) << result;
  EXPECT_THAT(result.err, HasSubstr("2 of 5 rows refused")) << result;

  for (const char* stored : {"IMP-0001", "IMP-0003", "IMP-0005"}) {
    EXPECT_EQ(CountOf(Admin({"-o", "json", "people", "list", "--external-key", stored})), 1)
        << stored;
  }
  for (const char* refused : {"IMP-0002", "IMP-0004"}) {
    EXPECT_EQ(CountOf(Admin({"-o", "json", "people", "list", "--external-key", refused})), 0)
        << refused;
  }
  EXPECT_THAT(Admin({"roles", "list", "--place", d.garden_building_1}).out,
              HasSubstr("BUILDING_LEAD"));
}

TEST_F(OrgctlTest, ReimportingAnExportDuplicatesNothing) {
  const std::string dir = TempFile("export");
  const OrgctlResult exported = Admin({"export", "--subtree", district().garden, "--dir", dir});
  ASSERT_EQ(exported.exit_code, 0) << exported;
  const std::string people_csv = ReadFile(dir + "/people.csv");
  EXPECT_THAT(people_csv, AllOf(HasSubstr("张建国"), HasSubstr("SETUP-0001")));
  const int people_before = CountOf(Admin({"-o", "json", "people", "list"}));

  const OrgctlResult reimported = Admin({"import", dir + "/people.csv"});
  EXPECT_EQ(reimported.exit_code, 0) << reimported;
  EXPECT_THAT(reimported.out, HasSubstr("created 0")) << reimported;
  EXPECT_EQ(CountOf(Admin({"-o", "json", "people", "list"})), people_before);
}

// --- Issues (the casework service).

// An issue reported at a building starts at its compound, goes up to the
// community, is resolved there and confirmed by the resident; the watch
// shows each step.
TEST_F(OrgctlTest, AnIssueGoesThroughTheLevelsToTheResidentsConfirmation) {
  const District& d = district();
  const OrgctlResult reported =
      Admin({"-o", "json", "issues", "report", "--place", d.garden_building_1, "--category",
             "物业维修", "--channel", "网格员", "--title", "3单元楼道灯不亮", "--description",
             "已坏一周", "--reporter", d.secretary, "--contact", "13812345678"});
  const std::string issue = NameOf(reported);
  ASSERT_THAT(issue, StartsWith("issues/"));
  const std::string first_revision = FieldOf(reported, "revision");

  const OrgctlResult shown = Admin({"-o", "json", "issues", "show", issue});
  EXPECT_EQ(FieldOf(shown, "handling_level"), "COMPOUND") << shown;
  EXPECT_EQ(FieldOf(shown, "state"), "REPORTED") << shown;
  EXPECT_EQ(FieldOf(shown, "handling_unit"), d.garden) << shown;
  EXPECT_EQ(FieldOf(shown, "category"), "PROPERTY_MAINTENANCE") << shown;
  EXPECT_EQ(FieldOf(shown, "channel"), "GRID_WORKER") << shown;
  // The table shows the labels, and the due time in Beijing time.
  const OrgctlResult table = Admin({"issues", "show", issue});
  ASSERT_EQ(table.exit_code, 0) << table;
  EXPECT_THAT(table.out, AllOf(HasSubstr("3单元楼道灯不亮"), HasSubstr("物业维修"),
                               HasSubstr("网格员"), HasSubstr("小区"), HasSubstr("已上报")))
      << table;
  EXPECT_THAT(Lines(table.out)[1], MatchesRegex(".* 20[0-9][0-9]-[01][0-9]-[0-3][0-9] "
                                                "[0-2][0-9]:[0-5][0-9]  no$"))
      << table;

  const OrgctlResult accepted = Admin({"-o", "json", "issues", "accept", issue, "--assignee",
                                       d.secretary, "--party-org", d.branch});
  EXPECT_EQ(FieldOf(accepted, "state"), "ACCEPTED") << accepted;
  EXPECT_EQ(FieldOf(accepted, "assignee"), d.secretary) << accepted;
  const std::string accepted_etag = FieldOf(accepted, "etag");

  const OrgctlResult escalated = Admin({"-o", "json", "issues", "escalate", issue, "--reason",
                                        "需社区协调电工", "--etag", accepted_etag});
  EXPECT_EQ(FieldOf(escalated, "state"), "ESCALATED") << escalated;
  EXPECT_EQ(FieldOf(escalated, "handling_level"), "COMMUNITY") << escalated;
  EXPECT_EQ(FieldOf(escalated, "handling_unit"), d.community) << escalated;

  // The etag read before the escalation is stale now.
  const OrgctlResult stale = Admin({"issues", "accept", issue, "--etag", accepted_etag});
  EXPECT_EQ(stale.exit_code, 1) << stale;
  EXPECT_THAT(stale.err, StartsWith("orgctl: aborted: ")) << stale;

  EXPECT_EQ(
      FieldOf(Admin({"-o", "json", "issues", "accept", issue, "--party-org", d.party_committee}),
              "state"),
      "ACCEPTED");
  EXPECT_EQ(FieldOf(Admin({"-o", "json", "issues", "resolve", issue, "--resolution", "已更换灯具"}),
                    "state"),
            "RESOLVED");
  const OrgctlResult confirmed =
      Admin({"-o", "json", "issues", "confirm", issue, "--satisfaction", "满意"});
  EXPECT_EQ(FieldOf(confirmed, "state"), "CONFIRMED") << confirmed;
  EXPECT_EQ(FieldOf(confirmed, "satisfaction"), "SATISFIED") << confirmed;

  const OrgctlResult watched =
      Admin({"issues", "watch", "--since", first_revision, "--limit", "6"});
  ASSERT_EQ(watched.exit_code, 0) << watched;
  std::vector<std::string> methods;
  for (const std::string& line : Lines(watched.out)) {
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    ASSERT_THAT(words, SizeIs(4)) << line;
    EXPECT_EQ(words[1], kAdminPrincipal) << line;
    EXPECT_EQ(words[3], issue) << line;
    methods.push_back(words[2]);
  }
  EXPECT_THAT(methods, ElementsAre("ReportIssue", "AcceptIssue", "EscalateIssue", "AcceptIssue",
                                   "ResolveIssue", "ConfirmIssue"));
}

// 街道吹哨、部门报到: an issue escalated to the street summons a department,
// which reports in and reports back.
TEST_F(OrgctlTest, TheStreetSummonsADepartmentThatReportsBack) {
  const District& d = district();
  const std::string issue =
      AdminCreate({"issues", "report", "--place", d.peace_building, "--category", "SAFETY_HAZARD",
                   "--channel", "HOTLINE", "--title", "消防通道被占"});
  ASSERT_THAT(issue, StartsWith("issues/"));
  // Not before the street: a compound summons no department.
  const OrgctlResult early =
      Admin({"issues", "dispatch", issue, "--department", "区消防救援大队", "--due", "72h"});
  EXPECT_EQ(early.exit_code, 1) << early;
  EXPECT_THAT(early.err, StartsWith("orgctl: failed precondition: ")) << early;

  Admin({"issues", "escalate", issue, "--reason", "小区无法协调"});
  const OrgctlResult at_street =
      Admin({"-o", "json", "issues", "escalate", issue, "--reason", "需执法部门"});
  EXPECT_EQ(FieldOf(at_street, "handling_level"), "STREET") << at_street;
  EXPECT_EQ(FieldOf(at_street, "handling_unit"), d.street) << at_street;

  const OrgctlResult summoned =
      Admin({"-o", "json", "issues", "dispatch", issue, "--department", "区消防救援大队", "--due",
             "72h", "--request", "清理占道车辆"});
  const std::string dispatch = NameOf(summoned);
  ASSERT_THAT(dispatch, StartsWith(absl::StrCat(issue, "/dispatches/")));
  EXPECT_EQ(FieldOf(summoned, "state"), "SUMMONED") << summoned;
  EXPECT_EQ(FieldOf(summoned, "summoning_unit"), d.street) << summoned;

  const OrgctlResult listed = Admin({"issues", "dispatches", issue});
  ASSERT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(Lines(listed.out), SizeIs(2)) << listed;
  EXPECT_THAT(listed.out, AllOf(HasSubstr("区消防救援大队"), HasSubstr("已吹哨"))) << listed;

  EXPECT_EQ(FieldOf(Admin({"-o", "json", "issues", "acknowledge", dispatch}), "state"),
            "ACKNOWLEDGED");
  const OrgctlResult reported =
      Admin({"-o", "json", "issues", "report-back", dispatch, "--report", "已清理，设置隔离桩"});
  EXPECT_EQ(FieldOf(reported, "state"), "REPORTED") << reported;
  EXPECT_EQ(FieldOf(reported, "report"), "已清理，设置隔离桩") << reported;
  // Reported back once: not again.
  const OrgctlResult again = Admin({"issues", "report-back", dispatch, "--report", "再次"});
  EXPECT_EQ(again.exit_code, 1) << again;
  EXPECT_THAT(again.err, StartsWith("orgctl: failed precondition: ")) << again;
}

// Four issues of a new compound, listed by each condition and counted on
// the board, where the overdue one comes first.
// A branch's volunteer service planned, submitted, approved by the community's
// party committee, held, and its sign-in sheet imported twice: the second
// time changes nothing; a bad line is reported by its line number.
TEST_F(OrgctlTest, ActivitiesGoThroughTheirLifeAndTakeASignInSheet) {
  const District& d = district();
  const absl::CivilSecond now = absl::ToCivilSecond(absl::Now(), absl::FixedTimeZone(8 * 60 * 60));
  const auto beijing = [](absl::CivilSecond t) {
    return absl::StrFormat("%04d-%02d-%02d %02d:%02d", t.year(), t.month(), t.day(), t.hour(),
                           t.minute());
  };
  const std::string activity = AdminCreate(
      {"activities", "plan", "--party-org", d.branch, "--kind", "志愿服务", "--theme", "楼道清洁",
       "--place", d.garden, "--start", beijing(now - 3600), "--end", beijing(now + 3600)});
  ASSERT_FALSE(activity.empty());
  ASSERT_EQ(Admin({"activities", "submit", activity}).exit_code, 0);
  const OrgctlResult wrong = Admin({"activities", "approve", activity, "--approver", d.branch});
  EXPECT_EQ(wrong.exit_code, 1) << wrong;
  EXPECT_THAT(wrong.err, HasSubstr(d.party_committee)) << wrong;
  ASSERT_EQ(Admin({"activities", "approve", activity, "--approver", d.party_committee}).exit_code,
            0);
  ASSERT_EQ(Admin({"activities", "hold", activity}).exit_code, 0);

  const std::string sheet = TempFile("sign-in.csv");
  WriteFile(sheet, absl::StrCat("类型,人员,时长分钟,人数,编号\n", "志愿者,", d.secretary,
                                ",120,,\n", "居民群众,,,35,\n"));
  const OrgctlResult first = Admin({"attendance", "import", sheet, "--activity", activity});
  EXPECT_EQ(first.exit_code, 0) << first;
  EXPECT_THAT(first.out, HasSubstr("2 lines recorded")) << first;
  const OrgctlResult again = Admin({"attendance", "import", sheet, "--activity", activity});
  EXPECT_EQ(again.exit_code, 0) << again;
  EXPECT_THAT(again.out, HasSubstr("0 lines recorded, 2 recorded before")) << again;
  const OrgctlResult credit = Admin({"-o", "json", "credit", "show", d.secretary});
  EXPECT_EQ(FieldOf(credit, "balance"), "4") << credit;

  const std::string bad = TempFile("bad-sign-in.csv");
  WriteFile(bad, "类型,人员,时长分钟,人数,编号\n居民群众,,,10,\n路人,,,,\n");
  const OrgctlResult refused = Admin({"attendance", "import", bad, "--activity", activity});
  EXPECT_EQ(refused.exit_code, 1) << refused;
  EXPECT_THAT(refused.err, HasSubstr("line 3")) << refused;

  const std::string month = absl::StrFormat("%04d-%02d", now.year(), now.month());
  const OrgctlResult listed =
      Admin({"-o", "json", "activities", "list", "--place", d.community, "--month", month});
  EXPECT_EQ(listed.exit_code, 0) << listed;
  EXPECT_THAT(listed.out, HasSubstr(activity)) << listed;
  EXPECT_THAT(listed.out, HasSubstr("楼道清洁")) << listed;
}

TEST_F(OrgctlTest, IssuesListByConditionAndTheBoardCountsThem) {
  const District& d = district();
  const std::string compound =
      AdminCreate({"units", "create", "--parent", d.other_community, "--level", "COMPOUND",
                   "--name", "看板小区", "--code", "KB"});
  const std::string building = AdminCreate({"units", "create", "--parent", compound, "--level",
                                            "BUILDING", "--name", "1栋", "--code", "1"});
  const auto report = [&](const std::string& category, const std::string& title) {
    return AdminCreate({"issues", "report", "--place", building, "--category", category,
                        "--channel", "居民", "--title", title, "--reporter", d.secretary});
  };
  // Due a second after it is reported (the suite's SLA file): overdue soon.
  const std::string overdue = report("其他", "路灯闪烁");
  const std::string accepted = report("停车", "车位被占");
  const std::string escalated = report("停车", "僵尸车");
  const std::string rejected = report("PARKING", "车位被占（重复）");
  ASSERT_EQ(Admin({"issues", "accept", accepted, "--assignee", d.secretary}).exit_code, 0);
  ASSERT_EQ(Admin({"issues", "escalate", escalated, "--reason", "需社区协调"}).exit_code, 0);
  ASSERT_EQ(
      Admin({"issues", "reject", rejected, "--reason", absl::StrCat("重复：", accepted)}).exit_code,
      0);

  const auto names = [&](std::vector<std::string> flags) {
    std::vector<std::string> args = {"-o", "json", "issues", "list", "--place", compound};
    args.insert(args.end(), flags.begin(), flags.end());
    const OrgctlResult result = Admin(args);
    google::protobuf::ListValue list;
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(result.out, &list).ok()) << result;
    std::vector<std::string> found;
    for (const auto& item : list.values()) {
      found.push_back(item.struct_value().fields().at("name").string_value());
    }
    std::sort(found.begin(), found.end());
    return found;
  };
  const auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  ASSERT_TRUE(::grassroots::testing::WaitFor(
      [&] { return names({"--overdue"}) == std::vector<std::string>{overdue}; }));
  EXPECT_EQ(names({}), sorted({overdue, accepted, escalated, rejected}));
  EXPECT_EQ(names({"--open"}), sorted({overdue, accepted, escalated}));
  EXPECT_EQ(names({"--state", "办理中"}), std::vector<std::string>{accepted});
  EXPECT_EQ(names({"--state", "REJECTED"}), std::vector<std::string>{rejected});
  EXPECT_EQ(names({"--level", "社区"}), std::vector<std::string>{escalated});
  EXPECT_EQ(names({"--category", "停车", "--level", "COMPOUND"}), sorted({accepted, rejected}));
  EXPECT_EQ(names({"--open", "--category", "PARKING"}), sorted({accepted, escalated}));
  EXPECT_EQ(names({"--assignee", d.secretary}), std::vector<std::string>{accepted});
  EXPECT_EQ(names({"--reporter", d.secretary, "--state", "已上报"}),
            std::vector<std::string>{overdue});

  // One page unless --all.
  const OrgctlResult page =
      Admin({"-o", "json", "issues", "list", "--place", compound, "--page-size", "1"});
  EXPECT_EQ(CountOf(page), 1);
  EXPECT_THAT(page.err, HasSubstr("--all lists every one")) << page;
  EXPECT_EQ(CountOf(Admin({"-o", "json", "issues", "list", "--place", compound, "--page-size", "1",
                           "--all"})),
            4);

  const OrgctlResult board = Admin({"issues", "board", "--place", compound});
  ASSERT_EQ(board.exit_code, 0) << board;
  const std::vector<std::string> lines = Lines(board.out);
  ASSERT_THAT(lines, SizeIs(12)) << board;
  EXPECT_EQ(lines[0], "overdue: 1") << board;
  EXPECT_THAT(lines[2], AllOf(StartsWith(absl::StrCat(overdue, "  路灯闪烁  ", building)),
                              HasSubstr("  小区  ")))
      << board;
  EXPECT_THAT(std::vector<std::string>(lines.begin() + 3, lines.end()),
              ElementsAre("STATE     小区  社区  街道  区  TOTAL",  //
                          "已上报    1     0     0     0   1",      //
                          "办理中    1     0     0     0   1",      //
                          "已办结    0     0     0     0   0",      //
                          "已确认    0     0     0     0   0",      //
                          "已上交    0     1     0     0   1",      //
                          "不予受理  1     0     0     0   1",      //
                          "重新办理  0     0     0     0   0",      //
                          "total     3     1     0     0   4"))
      << board;
}

// Mistakes are refused with a clear message and a non-zero exit, before
// anything is sent or by the service, and nothing is stored.
TEST_F(OrgctlTest, BadIssueInputIsRefusedAndNothingIsStored) {
  const District& d = district();
  const auto count = [&] {
    return CountOf(Admin({"-o", "json", "issues", "list", "--place", d.district, "--all"}));
  };
  const int before = count();

  const OrgctlResult category = Admin({"issues", "report", "--place", d.garden, "--category",
                                       "下水道", "--channel", "网格员", "--title", "井盖松动"});
  EXPECT_EQ(category.exit_code, 2) << category;
  EXPECT_THAT(category.err, StartsWith("orgctl: --category: \"下水道\" is not one of 物业维修 "
                                       "(PROPERTY_MAINTENANCE), "))
      << category;
  EXPECT_THAT(Lines(category.err), SizeIs(1)) << category;
  const OrgctlResult place = Admin({"issues", "report", "--place", "units/999999", "--category",
                                    "其他", "--channel", "网格员", "--title", "井盖松动"});
  EXPECT_EQ(place.exit_code, 1) << place;
  EXPECT_THAT(place.err, StartsWith("orgctl: not found: ")) << place;
  EXPECT_EQ(count(), before);

  const std::string issue = AdminCreate({"issues", "report", "--place", d.garden, "--category",
                                         "其他", "--channel", "网格员", "--title", "井盖松动"});
  ASSERT_THAT(issue, StartsWith("issues/"));
  const OrgctlResult no_reason = Admin({"issues", "escalate", issue});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason;
  EXPECT_THAT(no_reason.err, HasSubstr("--reason is required")) << no_reason;
  const OrgctlResult confirm = Admin({"issues", "confirm", issue, "--satisfaction", "满意"});
  EXPECT_EQ(confirm.exit_code, 1) << confirm;
  EXPECT_THAT(confirm.err, AllOf(StartsWith("orgctl: failed precondition: "),
                                 HasSubstr(absl::StrCat(issue, " is REPORTED"))))
      << confirm;
  const OrgctlResult due =
      Admin({"issues", "dispatch", issue, "--department", "区城管局", "--due", "tomorrow"});
  EXPECT_EQ(due.exit_code, 2) << due;
  EXPECT_THAT(due.err, HasSubstr("--due: 'tomorrow' is neither a time")) << due;

  const OrgctlResult unchanged = Admin({"-o", "json", "issues", "show", issue});
  EXPECT_EQ(FieldOf(unchanged, "state"), "REPORTED") << unchanged;
  EXPECT_EQ(FieldOf(unchanged, "state_reason"), "") << unchanged;
  EXPECT_EQ(CountOf(Admin({"-o", "json", "issues", "dispatches", issue})), 0);
  EXPECT_EQ(count(), before + 1);
}

}  // namespace
}  // namespace grassroots::cli
