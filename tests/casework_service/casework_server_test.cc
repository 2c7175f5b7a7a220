// The real casework_service binary, pointed at a real org_service with the
// sample district, on port 0 with temporary data directories: every method
// over gRPC, its error codes, the org service unreachable, and kill -9
// during writes and during sweeps.

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/proto_convert.h"
#include "gmock/gmock.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/org_service/paged_calls.h"
#include "tests/testing/crash_harness.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/wait_for.h"
#include "tests/testing/watch_stream.h"

namespace grassroots::casework {
namespace {

namespace cw = ::grassroots::casework::v1;
using ::grassroots::org::testing::CallWithDeadline;
using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;
using ::grassroots::testing::StatusIs;
using ::grassroots::testing::WaitFor;
using ::testing::HasSubstr;
using Stub = cw::CaseworkService::Stub;

class CaseworkServerTest : public ::testing::Test {
 protected:
  // `sla` is the service-level table's text; `sweep` the sweeper's interval.
  void StartSuite(const std::string& sla = "", absl::Duration sweep = absl::Seconds(30)) {
    ServerOptions org_options;
    org_options.binary = ORG_SERVICE_BINARY;
    org_options.data_dir = dirs_.File("org-data");
    ASSERT_OK_AND_ASSIGN(org_server_, ServerProcess::Launch(org_options));
    org_ = std::make_unique<OrgClient>(
        ::grassroots::testing::CreateTestChannel(org_server_->address()));
    ASSERT_OK_AND_ASSIGN(district_, CreateSampleDistrict(*org_));

    ServerOptions options;
    options.binary = CASEWORK_SERVICE_BINARY;
    options.data_dir = dirs_.File("casework-data");
    options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                          "--org_deadline=1s",
                          absl::StrCat("--sweep_interval=", absl::FormatDuration(sweep))};
    if (!sla.empty()) {
      const std::string path = dirs_.File("sla.txt");
      std::ofstream(path) << sla;
      options.extra_args.push_back(absl::StrCat("--sla_file=", path));
    }
    ASSERT_OK_AND_ASSIGN(server_, ServerProcess::Launch(options));
    Connect();
  }
  void Connect() {
    stub_ =
        cw::CaseworkService::NewStub(::grassroots::testing::CreateTestChannel(server_->address()));
  }
  void TearDown() override {
    if (!HasFailure() || server_ == nullptr) return;
    std::cerr << "---- casework_service log ----\n" << server_->ReadLog() << "---- end ----\n";
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request) {
    return CallWithDeadline(*stub_, method, request, absl::Seconds(10));
  }

  absl::StatusOr<cw::Issue> Report(const std::string& place, const std::string& request_id = "") {
    cw::ReportIssueRequest request;
    request.mutable_issue()->set_place(place);
    request.mutable_issue()->set_category(cw::SAFETY_HAZARD);
    request.mutable_issue()->set_channel(cw::GRID_WORKER);
    request.mutable_issue()->set_title("消防通道被电动车占用");
    request.mutable_issue()->set_reporter_contact("13800138000");
    request.set_request_id(request_id);
    return Call(&Stub::ReportIssue, request);
  }
  absl::StatusOr<cw::Issue> Get(const std::string& name) {
    cw::GetIssueRequest request;
    request.set_name(name);
    return Call(&Stub::GetIssue, request);
  }
  absl::StatusOr<cw::Issue> Escalate(const std::string& name, const std::string& etag = "") {
    cw::EscalateIssueRequest request;
    request.set_name(name);
    request.set_etag(etag);
    request.set_reason("本级无法协调");
    return Call(&Stub::EscalateIssue, request);
  }
  std::vector<cw::Event> AllEvents() {
    std::vector<cw::Event> events;
    cw::ListEventsRequest request;
    request.set_start_revision(1);
    request.set_page_size(1000);
    while (true) {
      absl::StatusOr<cw::ListEventsResponse> page = Call(&Stub::ListEvents, request);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return events;
      events.insert(events.end(), page->events().begin(), page->events().end());
      if (page->next_page_token().empty()) return events;
      request.set_page_token(page->next_page_token());
    }
  }

  ::grassroots::testing::TempDir dirs_;
  std::unique_ptr<ServerProcess> org_server_;
  std::unique_ptr<OrgClient> org_;
  SampleDistrict district_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(CaseworkServerTest, AnIssueGoesFromTheBuildingToTheStreetAndBack) {
  StartSuite();
  const std::string building = district_.building1.name();
  ASSERT_OK_AND_ASSIGN(cw::Issue issue, Report(building, "grid-1"));
  EXPECT_EQ(issue.state(), cw::Issue::REPORTED);
  EXPECT_EQ(issue.handling_level(), cw::COMPOUND);
  EXPECT_EQ(issue.place(), building);
  EXPECT_EQ(issue.street(), district_.street1.name());
  EXPECT_EQ(issue.district(), district_.district.name());
  EXPECT_TRUE(issue.has_due_time());
  // The caller of this channel has no personal-data grant: masked.
  EXPECT_EQ(issue.reporter_contact(), "138****8000");
  // A retry returns the same issue.
  ASSERT_OK_AND_ASSIGN(cw::Issue again, Report(building, "grid-1"));
  EXPECT_EQ(again.name(), issue.name());

  ASSERT_OK_AND_ASSIGN(cw::Issue up, Escalate(issue.name(), issue.etag()));
  EXPECT_EQ(up.handling_level(), cw::COMMUNITY);
  EXPECT_THAT(Escalate(issue.name(), issue.etag()), StatusIs(absl::StatusCode::kAborted));
  ASSERT_OK_AND_ASSIGN(up, Escalate(issue.name()));
  EXPECT_EQ(up.handling_level(), cw::STREET);
  EXPECT_EQ(up.handling_unit(), district_.street1.name());

  cw::CreateDispatchRequest dispatch_request;
  dispatch_request.set_parent(issue.name());
  dispatch_request.mutable_dispatch()->set_department_name("区消防救援大队");
  TimeToProto(absl::Now() + absl::Hours(1),
              dispatch_request.mutable_dispatch()->mutable_due_time());
  ASSERT_OK_AND_ASSIGN(cw::Dispatch dispatch, Call(&Stub::CreateDispatch, dispatch_request));
  EXPECT_EQ(dispatch.state(), cw::Dispatch::SUMMONED);
  EXPECT_EQ(dispatch.summoning_unit(), district_.street1.name());
  EXPECT_EQ(dispatch.place(), building);
  cw::AcknowledgeDispatchRequest acknowledge;
  acknowledge.set_name(dispatch.name());
  ASSERT_OK(Call(&Stub::AcknowledgeDispatch, acknowledge).status());
  cw::ReportDispatchRequest report_back;
  report_back.set_name(dispatch.name());
  report_back.set_report("已清理占道车辆并加装隔离桩");
  ASSERT_OK_AND_ASSIGN(dispatch, Call(&Stub::ReportDispatch, report_back));
  EXPECT_EQ(dispatch.state(), cw::Dispatch::REPORTED);
  cw::ListDispatchesRequest list_dispatches;
  list_dispatches.set_parent(issue.name());
  ASSERT_OK_AND_ASSIGN(cw::ListDispatchesResponse dispatches,
                       Call(&Stub::ListDispatches, list_dispatches));
  EXPECT_EQ(dispatches.dispatches_size(), 1);

  cw::AcceptIssueRequest accept;
  accept.set_name(issue.name());
  accept.set_handling_party_org(district_.working_committee1.name());
  ASSERT_OK_AND_ASSIGN(cw::Issue accepted, Call(&Stub::AcceptIssue, accept));
  EXPECT_EQ(accepted.handling_party_org(), district_.working_committee1.name());
  cw::ResolveIssueRequest resolve;
  resolve.set_name(issue.name());
  resolve.set_resolution("街道协调消防、城管联合整治");
  ASSERT_OK(Call(&Stub::ResolveIssue, resolve).status());
  cw::ConfirmIssueRequest confirm;
  confirm.set_name(issue.name());
  confirm.set_satisfaction(cw::SATISFIED);
  ASSERT_OK_AND_ASSIGN(cw::Issue confirmed, Call(&Stub::ConfirmIssue, confirm));
  EXPECT_EQ(confirmed.state(), cw::Issue::CONFIRMED);
  EXPECT_FALSE(confirmed.has_due_time());
  EXPECT_THAT(Escalate(issue.name()),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CONFIRMED")));

  // A read pinned before the confirmation still sees it resolved.
  cw::GetIssueRequest pinned;
  pinned.set_name(issue.name());
  pinned.set_read_revision(confirmed.revision() - 1);
  ASSERT_OK_AND_ASSIGN(cw::Issue earlier, Call(&Stub::GetIssue, pinned));
  EXPECT_EQ(earlier.state(), cw::Issue::RESOLVED);

  // Every change is an event, and a watcher from revision 1 sees them.
  const std::vector<cw::Event> events = AllEvents();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().revision(), confirmed.revision());
  ::grassroots::testing::WatchStream<cw::WatchEventsResponse> watch(
      absl::Seconds(10), [&](grpc::ClientContext* context) {
        cw::WatchEventsRequest request;
        request.set_start_revision(1);
        return stub_->WatchEvents(context, request);
      });
  ASSERT_OK_AND_ASSIGN(cw::Event first, watch.Next());
  EXPECT_EQ(first.resource(), issue.name());
  EXPECT_EQ(first.method(), "ReportIssue");
}

TEST_F(CaseworkServerTest, BadInputGetsTheRightCodeAndNamesTheField) {
  StartSuite();
  EXPECT_THAT(Report("units/99999"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("issue.place: units/99999")));
  EXPECT_THAT(Report(district_.street1.name()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a STREET")));
  EXPECT_THAT(Report("partyOrgs/1"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.place")));
  cw::ReportIssueRequest no_title;
  no_title.mutable_issue()->set_place(district_.building1.name());
  no_title.mutable_issue()->set_category(cw::PARKING);
  no_title.mutable_issue()->set_channel(cw::HOTLINE);
  EXPECT_THAT(Call(&Stub::ReportIssue, no_title),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.title")));
  EXPECT_THAT(Get("issues/x"), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(Get("issues/42"), StatusIs(absl::StatusCode::kNotFound, HasSubstr("issues/42")));
  cw::ListIssuesRequest bad_filter;
  bad_filter.set_filter("state = LOST");
  EXPECT_THAT(Call(&Stub::ListIssues, bad_filter),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: state")));
  cw::ConfirmIssueRequest confirm;
  confirm.set_name("issues/1");
  confirm.set_satisfaction(static_cast<cw::Satisfaction>(42));
  EXPECT_THAT(Call(&Stub::ConfirmIssue, confirm),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("satisfaction")));
  // Nothing of it was stored.
  cw::ListIssuesRequest all;
  ASSERT_OK_AND_ASSIGN(cw::ListIssuesResponse listed, Call(&Stub::ListIssues, all));
  EXPECT_EQ(listed.issues_size(), 0);

  // The org service gone: UNAVAILABLE, and nothing written.
  ASSERT_OK(org_server_->Stop().status());
  EXPECT_THAT(Report(district_.building1.name()),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing was written")));
  ASSERT_OK_AND_ASSIGN(listed, Call(&Stub::ListIssues, all));
  EXPECT_EQ(listed.issues_size(), 0);
}

TEST_F(CaseworkServerTest, ListsAStreetsOpenIssuesPageByPage) {
  StartSuite();
  std::vector<std::string> open;
  for (int i = 0; i < 7; ++i) {
    const std::string place = i % 2 == 0 ? district_.building1.name() : district_.compound3.name();
    ASSERT_OK_AND_ASSIGN(cw::Issue issue, Report(place));
    open.push_back(issue.name());
  }
  cw::RejectIssueRequest reject;
  reject.set_name(open[2]);
  reject.set_reason("与 issues/1 重复");
  ASSERT_OK(Call(&Stub::RejectIssue, reject).status());
  open.erase(open.begin() + 2);
  cw::ListIssuesRequest request;
  request.set_place(district_.district.name());
  request.set_filter("open = true");
  request.set_page_size(2);
  std::vector<std::string> seen;
  while (true) {
    ASSERT_OK_AND_ASSIGN(cw::ListIssuesResponse page, Call(&Stub::ListIssues, request));
    for (const cw::Issue& issue : page.issues()) seen.push_back(issue.name());
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(seen, open);
}

// kill -9 while reports and escalations are acknowledged: every
// acknowledged change is there after the restart, and the log has no gap.
TEST_F(CaseworkServerTest, AcknowledgedWritesSurviveKill9) {
  StartSuite();
  std::map<std::string, int> escalations;  // acknowledged, by issue
  int64_t max_acked_revision = 0;
  std::string last;
  const auto write = [&](int i) -> absl::Status {
    absl::StatusOr<cw::Issue> issue =
        i % 2 == 0 ? Report(district_.building2.name()) : Escalate(last);
    if (!issue.ok()) return issue.status();
    last = issue->name();
    escalations[issue->name()] = issue->escalations();
    max_acked_revision = std::max(max_acked_revision, issue->revision());
    return absl::OkStatus();
  };
  ASSERT_OK_AND_ASSIGN(::grassroots::testing::WriterOutcome outcome,
                       ::grassroots::testing::WriteUntilStopped(
                           write,
                           [&] {
                             return ::grassroots::testing::StopServer(
                                 *server_, ::grassroots::testing::StopBy::kKill9);
                           },
                           {.acked_before_stop = 100}));
  ASSERT_OK(server_->Start());
  Connect();
  int present = 0;
  for (const auto& [name, count] : escalations) {
    absl::StatusOr<cw::Issue> issue = Get(name);
    if (issue.ok() && issue->escalations() >= count) ++present;
  }
  ::grassroots::testing::ExpectNoneLost(static_cast<int>(escalations.size()), present);
  ::grassroots::testing::ExpectLogEndsAtTheLastAcknowledged(AllEvents(), max_acked_revision);
  EXPECT_GT(outcome.acknowledged, 0);
}

// The sweeper with a one-second table, killed twice while it escalates: in
// the end every issue has climbed to the district exactly once per level,
// never twice for one due time.
TEST_F(CaseworkServerTest, SweepsSurviveKill9WithoutEscalatingTwice) {
  StartSuite("COMPOUND * 1s\nCOMMUNITY * 1s\nSTREET * 1s\n", absl::Milliseconds(50));
  constexpr int kIssues = 40;
  std::vector<std::string> names;
  for (int i = 0; i < kIssues; ++i) {
    ASSERT_OK_AND_ASSIGN(cw::Issue issue, Report(district_.building1.name()));
    names.push_back(issue.name());
  }
  for (int round = 0; round < 2; ++round) {
    // Let some escalations happen, then kill in the middle of the climb.
    ASSERT_TRUE(WaitFor(
        [&] {
          absl::StatusOr<cw::Issue> issue = Get(names[round * 7]);
          return issue.ok() && issue->escalations() > round;
        },
        absl::Seconds(20)));
    ASSERT_OK(::grassroots::testing::StopServer(*server_, ::grassroots::testing::StopBy::kKill9));
    ASSERT_OK(server_->Start());
    Connect();
  }
  ASSERT_TRUE(WaitFor(
      [&] {
        for (const std::string& name : names) {
          absl::StatusOr<cw::Issue> issue = Get(name);
          if (!issue.ok() || issue->handling_level() != cw::DISTRICT) return false;
        }
        return true;
      },
      absl::Seconds(30)));
  // From the log: each issue escalated once per level by the service, each
  // time from the due time it then had.
  std::map<std::string, std::vector<cw::Issue>> befores;
  for (const cw::Event& event : AllEvents()) {
    if (event.method() != "SweepOverdue") continue;
    EXPECT_EQ(event.actor(), "casework-service");
    befores[event.resource()].push_back(event.before().issue());
  }
  for (const std::string& name : names) {
    const std::vector<cw::Issue>& seen = befores[name];
    ASSERT_EQ(seen.size(), 3u) << name;
    EXPECT_EQ(seen[0].handling_level(), cw::COMPOUND);
    EXPECT_EQ(seen[1].handling_level(), cw::COMMUNITY);
    EXPECT_EQ(seen[2].handling_level(), cw::STREET);
    ASSERT_OK_AND_ASSIGN(cw::Issue now, Get(name));
    EXPECT_EQ(now.escalations(), 3);
    EXPECT_FALSE(now.overdue() && now.handling_level() != cw::DISTRICT);
  }
}

}  // namespace
}  // namespace grassroots::casework
