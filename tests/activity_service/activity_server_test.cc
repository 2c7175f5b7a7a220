// The real activity_service binary, pointed at a real org_service with the
// sample district, on port 0 with temporary data directories: an activity
// through its whole life over gRPC, attendance and credit, sign-in sheets,
// error codes, the org service unreachable, and kill -9 during attendance.

#include <grpcpp/grpcpp.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/proto_convert.h"
#include "gmock/gmock.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/testing/crash_harness.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::activity {
namespace {

namespace av = ::grassroots::activity::v1;
using ::grassroots::org::testing::CallWithDeadline;
using ::grassroots::org::testing::CreateSampleDistrict;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::SampleDistrict;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using Stub = av::ActivityService::Stub;

class ActivityServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions org_options;
    org_options.binary = ORG_SERVICE_BINARY;
    org_options.data_dir = dirs_.File("org-data");
    ASSERT_OK_AND_ASSIGN(org_server_, ServerProcess::Launch(org_options));
    org_ = std::make_unique<OrgClient>(
        ::grassroots::testing::CreateTestChannel(org_server_->address()));
    ASSERT_OK_AND_ASSIGN(district_, CreateSampleDistrict(*org_));

    ServerOptions options;
    options.binary = ACTIVITY_SERVICE_BINARY;
    options.data_dir = dirs_.File("activity-data");
    options.extra_args = {absl::StrCat("--org_service=", org_server_->address()),
                          "--call_deadline=1s"};
    ASSERT_OK_AND_ASSIGN(server_, ServerProcess::Launch(options));
    Connect();
  }
  void Connect() {
    stub_ =
        av::ActivityService::NewStub(::grassroots::testing::CreateTestChannel(server_->address()));
  }
  void TearDown() override {
    if (!HasFailure() || server_ == nullptr) return;
    std::cerr << "---- activity_service log ----\n" << server_->ReadLog() << "---- end ----\n";
  }

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                             Response*),
                                const Request& request) {
    return CallWithDeadline(*stub_, method, request, absl::Seconds(10));
  }

  // A volunteer service of the compound's branch, started an hour ago.
  av::CreateActivityRequest VolunteerService() const {
    av::CreateActivityRequest request;
    av::Activity* a = request.mutable_activity();
    a->set_party_org(district_.branch.name());
    a->set_kind(av::VOLUNTEER_SERVICE);
    a->set_theme("楼道清洁志愿服务");
    a->set_place(district_.compound1.name());
    TimeToProto(absl::Now() - absl::Hours(1), a->mutable_start_time());
    TimeToProto(absl::Now() + absl::Hours(1), a->mutable_end_time());
    return request;
  }

  // Creates, submits, approves (by the community's party committee) and
  // holds an activity.
  absl::StatusOr<av::Activity> HeldActivity() {
    absl::StatusOr<av::Activity> a = Call(&Stub::CreateActivity, VolunteerService());
    if (!a.ok()) return a;
    av::SubmitActivityRequest submit;
    submit.set_name(a->name());
    submit.set_etag(a->etag());
    a = Call(&Stub::SubmitActivity, submit);
    if (!a.ok()) return a;
    av::ApproveActivityRequest approve;
    approve.set_name(a->name());
    approve.set_etag(a->etag());
    approve.set_approver(district_.party_committee.name());
    a = Call(&Stub::ApproveActivity, approve);
    if (!a.ok()) return a;
    av::HoldActivityRequest hold;
    hold.set_name(a->name());
    hold.set_etag(a->etag());
    return Call(&Stub::HoldActivity, hold);
  }

  absl::StatusOr<av::Attendance> Attend(const std::string& activity, int64_t person, int minutes,
                                        const std::string& key = "") {
    av::RecordAttendanceRequest request;
    request.set_parent(activity);
    request.mutable_attendance()->set_kind(av::VOLUNTEER);
    request.mutable_attendance()->set_person(absl::StrCat("people/", person));
    request.mutable_attendance()->set_minutes(minutes);
    request.mutable_attendance()->set_key(key);
    return Call(&Stub::RecordAttendance, request);
  }

  absl::StatusOr<av::CreditAccount> Account(int64_t person, const std::string& period = "") {
    av::GetCreditAccountRequest request;
    request.set_name(absl::StrCat("creditAccounts/", person));
    request.set_period(period);
    return Call(&Stub::GetCreditAccount, request);
  }

  int64_t CurrentRevision() {
    av::ListEventsRequest request;
    request.set_start_revision(1);
    request.set_page_size(1);
    absl::StatusOr<av::ListEventsResponse> page = Call(&Stub::ListEvents, request);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->current_revision() : -1;
  }

  ::grassroots::testing::TempDir dirs_;
  std::unique_ptr<ServerProcess> org_server_;
  std::unique_ptr<OrgClient> org_;
  SampleDistrict district_;
  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Stub> stub_;
};

TEST_F(ActivityServerTest, AnActivityIsPlannedApprovedHeldAndRecordedWithItsCredit) {
  ASSERT_OK_AND_ASSIGN(av::Activity draft, Call(&Stub::CreateActivity, VolunteerService()));
  EXPECT_EQ(draft.state(), av::Activity::DRAFT);
  EXPECT_THAT(draft.party_org_units(), ::testing::ElementsAre(district_.compound1.name()));

  av::SubmitActivityRequest submit;
  submit.set_name(draft.name());
  submit.set_etag(draft.etag());
  ASSERT_OK_AND_ASSIGN(av::Activity submitted, Call(&Stub::SubmitActivity, submit));
  EXPECT_EQ(submitted.state(), av::Activity::SUBMITTED);

  // Only the organisation above the branch approves it.
  av::ApproveActivityRequest approve;
  approve.set_name(submitted.name());
  approve.set_etag(submitted.etag());
  approve.set_approver(district_.working_committee1.name());
  EXPECT_THAT(
      Call(&Stub::ApproveActivity, approve),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr(district_.party_committee.name())));
  approve.set_approver(district_.party_committee.name());
  ASSERT_OK_AND_ASSIGN(av::Activity approved, Call(&Stub::ApproveActivity, approve));
  EXPECT_EQ(approved.approver(), district_.party_committee.name());

  // Attendance waits for the activity to be held.
  EXPECT_THAT(Attend(approved.name(), 7, 120),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("APPROVED")));
  av::HoldActivityRequest hold;
  hold.set_name(approved.name());
  hold.set_etag(approved.etag());
  ASSERT_OK_AND_ASSIGN(av::Activity held, Call(&Stub::HoldActivity, hold));

  // Two hours of volunteer service: four points, once.
  ASSERT_OK_AND_ASSIGN(av::Attendance line, Attend(held.name(), 7, 120, "sheet-1"));
  EXPECT_EQ(line.credit(), 4);
  ASSERT_OK_AND_ASSIGN(av::Attendance again, Attend(held.name(), 7, 120, "sheet-1"));
  EXPECT_EQ(again.name(), line.name());
  ASSERT_OK_AND_ASSIGN(av::CreditAccount account, Account(7));
  EXPECT_EQ(account.balance(), 4);
  EXPECT_EQ(account.period_earned(), 4);

  // Spending is bounded by the balance.
  av::RedeemCreditRequest redeem;
  redeem.set_account("creditAccounts/7");
  redeem.set_amount(5);
  redeem.set_reason("兑换洗衣液");
  const int64_t before = CurrentRevision();
  EXPECT_THAT(Call(&Stub::RedeemCredit, redeem),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("creditAccounts/7")));
  EXPECT_EQ(CurrentRevision(), before);
  redeem.set_amount(3);
  ASSERT_OK_AND_ASSIGN(av::CreditEntry spent, Call(&Stub::RedeemCredit, redeem));
  EXPECT_EQ(spent.amount(), -3);
  ASSERT_OK_AND_ASSIGN(account, Account(7));
  EXPECT_EQ(account.balance(), 1);
  EXPECT_EQ(account.redeemed_total(), 3);

  av::GetActivityRequest get;
  get.set_name(held.name());
  ASSERT_OK_AND_ASSIGN(av::Activity totals, Call(&Stub::GetActivity, get));
  EXPECT_EQ(totals.attendees(), 1);
  EXPECT_EQ(totals.service_minutes(), 120);
  EXPECT_EQ(totals.credit_awarded(), 4);

  av::RecordActivityRequest record;
  record.set_name(totals.name());
  record.set_etag(totals.etag());
  ASSERT_OK_AND_ASSIGN(av::Activity recorded, Call(&Stub::RecordActivity, record));
  EXPECT_EQ(recorded.state(), av::Activity::RECORDED);
  EXPECT_THAT(Attend(recorded.name(), 8, 60),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("RECORDED")));
}

TEST_F(ActivityServerTest, BadInputGetsTheRightCodeAndNamesTheField) {
  const int64_t before = CurrentRevision();
  av::CreateActivityRequest request = VolunteerService();
  request.mutable_activity()->set_theme("");
  EXPECT_THAT(Call(&Stub::CreateActivity, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.theme")));
  request = VolunteerService();
  request.mutable_activity()->set_party_org("partyOrgs/99999");
  EXPECT_THAT(Call(&Stub::CreateActivity, request),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("activity.party_org")));
  request = VolunteerService();
  request.mutable_activity()->set_place("units/x");
  EXPECT_THAT(Call(&Stub::CreateActivity, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.place")));
  request = VolunteerService();
  TimeToProto(absl::Now() - absl::Hours(2), request.mutable_activity()->mutable_end_time());
  EXPECT_THAT(Call(&Stub::CreateActivity, request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.end_time")));
  av::GetActivityRequest get;
  get.set_name("activities/424242");
  EXPECT_THAT(Call(&Stub::GetActivity, get), StatusIs(absl::StatusCode::kNotFound));
  get.set_name("activity/1");
  EXPECT_THAT(Call(&Stub::GetActivity, get),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  av::GetCreditAccountRequest account;
  account.set_name("creditAccounts/7");
  account.set_period("2026-13");
  EXPECT_THAT(Call(&Stub::GetCreditAccount, account),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("period")));
  av::ListActivitiesRequest list;
  list.set_filter("colour = RED");
  EXPECT_THAT(Call(&Stub::ListActivities, list),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter")));
  EXPECT_EQ(CurrentRevision(), before);
}

TEST_F(ActivityServerTest, ASignInSheetStoresGoodLinesAndReportsBadOnesByRow) {
  ASSERT_OK_AND_ASSIGN(av::Activity held, HeldActivity());
  av::ImportAttendanceRequest request;
  request.set_parent(held.name());
  const auto add = [&](av::AttendeeKind kind, const std::string& person, int minutes,
                       int head_count, const std::string& key) {
    av::Attendance* a = request.add_attendances();
    a->set_kind(kind);
    a->set_person(person);
    a->set_minutes(minutes);
    a->set_head_count(head_count);
    a->set_key(key);
  };
  add(av::VOLUNTEER, "people/11", 90, 0, "row-1");
  add(av::VOLUNTEER, "people/12", 0, 0, "row-2");  // no minutes
  add(av::RESIDENTS, "", 0, 35, "row-3");          // 35 residents served
  add(av::MEMBER, "person/13", 60, 0, "row-4");    // a bad name
  add(av::IN_SERVICE_MEMBER, "people/14", 45, 0, "row-5");
  ASSERT_OK_AND_ASSIGN(av::ImportAttendanceResponse result, Call(&Stub::ImportAttendance, request));
  EXPECT_EQ(result.recorded(), 3);
  EXPECT_EQ(result.unchanged(), 0);
  ASSERT_EQ(result.errors_size(), 2);
  EXPECT_EQ(result.errors(0).row(), 1);
  EXPECT_EQ(result.errors(0).field(), "attendances[1].minutes");
  EXPECT_EQ(result.errors(1).row(), 3);
  EXPECT_EQ(result.errors(1).field(), "attendances[3].person");
  ASSERT_EQ(result.names_size(), 5);
  EXPECT_FALSE(result.names(0).empty());
  EXPECT_TRUE(result.names(1).empty());
  EXPECT_FALSE(result.names(4).empty());

  // The same sheet again changes nothing.
  const int64_t before = CurrentRevision();
  ASSERT_OK_AND_ASSIGN(av::ImportAttendanceResponse again, Call(&Stub::ImportAttendance, request));
  EXPECT_EQ(again.recorded(), 0);
  EXPECT_EQ(again.unchanged(), 3);
  EXPECT_EQ(CurrentRevision(), before);

  av::GetActivityRequest get;
  get.set_name(held.name());
  ASSERT_OK_AND_ASSIGN(av::Activity totals, Call(&Stub::GetActivity, get));
  EXPECT_EQ(totals.attendees(), 2);
  EXPECT_EQ(totals.residents_served(), 35);
  EXPECT_EQ(totals.service_minutes(), 135);
  ASSERT_OK_AND_ASSIGN(av::CreditAccount eleven, Account(11));
  EXPECT_EQ(eleven.balance(), 3);
}

TEST_F(ActivityServerTest, NothingIsWrittenWhenTheOrgServiceCannotAnswer) {
  const int64_t before = CurrentRevision();
  ASSERT_OK(::grassroots::testing::StopServer(*org_server_, ::grassroots::testing::StopBy::kKill9));
  EXPECT_THAT(Call(&Stub::CreateActivity, VolunteerService()),
              StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(CurrentRevision(), before);
}

// kill -9 while lines of attendance are acknowledged: every acknowledged
// line is there after the restart, each person's credit is exactly what
// their line earned (never twice), and the activity's totals add up.
TEST_F(ActivityServerTest, AcknowledgedAttendanceSurvivesKill9WithoutDoubleCredit) {
  ASSERT_OK_AND_ASSIGN(av::Activity held, HeldActivity());
  std::map<int64_t, int64_t> credit;  // acknowledged, by person
  const auto write = [&](int i) -> absl::Status {
    const int64_t person = 1000 + i;
    absl::StatusOr<av::Attendance> line =
        Attend(held.name(), person, 30 + i % 90, absl::StrCat("k", i));
    if (!line.ok()) return line.status();
    credit[person] = line->credit();
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
  for (const auto& [person, points] : credit) {
    absl::StatusOr<av::CreditAccount> account = Account(person);
    ASSERT_TRUE(account.ok()) << account.status();
    EXPECT_EQ(account->balance(), points) << "people/" << person;
    if (account->earned_total() == points) ++present;
  }
  ::grassroots::testing::ExpectNoneLost(static_cast<int>(credit.size()), present);

  // The totals are the sum of the lines that are there.
  av::ListAttendancesRequest list;
  list.set_parent(held.name());
  list.set_page_size(1000);
  int64_t lines = 0, minutes = 0, points = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(av::ListAttendancesResponse page, Call(&Stub::ListAttendances, list));
    for (const av::Attendance& a : page.attendances()) {
      ++lines;
      minutes += a.minutes();
      points += a.credit();
    }
    if (page.next_page_token().empty()) break;
    list.set_page_token(page.next_page_token());
  }
  av::GetActivityRequest get;
  get.set_name(held.name());
  ASSERT_OK_AND_ASSIGN(av::Activity totals, Call(&Stub::GetActivity, get));
  EXPECT_EQ(totals.attendees(), lines);
  EXPECT_EQ(totals.service_minutes(), minutes);
  EXPECT_EQ(totals.credit_awarded(), points);
  EXPECT_GE(lines, outcome.acknowledged);
}

}  // namespace
}  // namespace grassroots::activity
