// The casework domain: names, the lifecycle table, the handling chain, the
// service-level table, filters, labels and the masking of the proto layer.

#include <string>

#include "casework_service/casework_filter.h"
#include "casework_service/casework_labels.h"
#include "casework_service/casework_proto.h"
#include "casework_service/dispatch.h"
#include "casework_service/issue.h"
#include "casework_service/service_levels.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/label_table_checks.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::casework {
namespace {

using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

TEST(IssueNameTest, RoundTripsAndNamesTheField) {
  EXPECT_EQ(IssueName(7), "issues/7");
  EXPECT_THAT(ParseIssueName("issues/7", "name"), IsOkAndHolds(7));
  EXPECT_THAT(ParseIssueName("units/7", "name"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_EQ(DispatchName(7, 3), "issues/7/dispatches/3");
  absl::StatusOr<DispatchId> id = ParseDispatchName("issues/7/dispatches/3", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->issue_id, 7);
  EXPECT_EQ(id->id, 3);
  EXPECT_THAT(ParseDispatchName("issues/7/items/3", "name"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  EXPECT_THAT(ParseDispatchName("issues/7", "parent"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("parent")));
}

// The whole lifecycle table: which state allows which action.
TEST(TransitionTest, EveryStateAllowsExactlyItsActions) {
  using S = IssueState;
  using A = IssueAction;
  struct Row {
    A action;
    std::vector<S> allowed;
  };
  const Row rows[] = {
      {A::kAccept, {S::kReported, S::kEscalated}},
      {A::kEscalate, {S::kReported, S::kAccepted, S::kEscalated, S::kReopened}},
      {A::kResolve, {S::kAccepted, S::kReopened}},
      {A::kConfirm, {S::kResolved}},
      {A::kReopen, {S::kResolved}},
      {A::kReject, {S::kReported, S::kAccepted, S::kEscalated}},
      {A::kUpdate, {S::kReported, S::kAccepted, S::kEscalated, S::kReopened}},
  };
  const S states[] = {S::kReported,  S::kAccepted, S::kResolved, S::kConfirmed,
                      S::kEscalated, S::kRejected, S::kReopened};
  for (const Row& row : rows) {
    for (S state : states) {
      const bool allowed =
          std::find(row.allowed.begin(), row.allowed.end(), state) != row.allowed.end();
      const absl::Status status = CheckTransition(9, state, row.action);
      if (allowed) {
        EXPECT_TRUE(status.ok()) << IssueStateName(state) << " " << IssueActionVerb(row.action);
      } else {
        EXPECT_THAT(status,
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr(absl::StrCat("issues/9 is ", IssueStateName(state)))));
      }
    }
  }
  EXPECT_THAT(CheckTransition(9, S::kConfirmed, A::kReopen),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("only a RESOLVED issue can be reopened")));
}

TEST(HandlingChainTest, EscalationSkipsMissingLevelsAndStopsAtTheDistrict) {
  const HandlingChain chain{.compound_id = 0, .community_id = 3, .street_id = 2, .district_id = 1};
  EXPECT_EQ(chain.LowestFrom(HandlingLevel::kCompound), HandlingLevel::kCommunity);
  EXPECT_EQ(chain.UnitAt(HandlingLevel::kStreet), 2);
  EXPECT_EQ(NextLevel(HandlingLevel::kStreet), HandlingLevel::kDistrict);
  EXPECT_EQ(NextLevel(HandlingLevel::kDistrict), HandlingLevel::kUnspecified);
  EXPECT_EQ(chain.LowestFrom(NextLevel(HandlingLevel::kDistrict)), HandlingLevel::kUnspecified);
}

TEST(IssueTest, OverdueOnlyWhileOpenAndPastItsDueTime) {
  Issue issue;
  issue.state = IssueState::kAccepted;
  issue.due_time = absl::FromUnixSeconds(1000);
  EXPECT_FALSE(issue.IsOverdue(absl::FromUnixSeconds(999)));
  EXPECT_TRUE(issue.IsOverdue(absl::FromUnixSeconds(1000)));
  issue.state = IssueState::kResolved;
  EXPECT_FALSE(issue.IsOverdue(absl::FromUnixSeconds(2000)));
}

TEST(IssueTest, ReportedFieldsAreCheckedWithTheFieldNamed) {
  Issue issue;
  issue.place_id = 5;
  issue.category = Category::kParking;
  issue.channel = Channel::kGridWorker;
  issue.title = "消防通道被占";
  EXPECT_TRUE(ValidateReportedFields(issue, "issue.").ok());
  Issue no_title = issue;
  no_title.title = "";
  EXPECT_THAT(ValidateReportedFields(no_title, "issue."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.title")));
  Issue no_category = issue;
  no_category.category = Category::kUnspecified;
  EXPECT_THAT(ValidateReportedFields(no_category, "issue."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.category")));
  Issue long_description = issue;
  long_description.description = std::string(kMaxDescriptionChars + 1, 'x');
  EXPECT_THAT(ValidateReportedFields(long_description, "issue."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.description")));
}

TEST(DispatchTest, NamesExactlyOneDepartmentAndAFutureDueTime) {
  const absl::Time now = absl::FromUnixSeconds(1000000);
  Dispatch dispatch;
  dispatch.department_name = "区住建局";
  dispatch.due_time = now + absl::Hours(72);
  EXPECT_TRUE(ValidateNewDispatch(dispatch, now, "dispatch.").ok());
  Dispatch both = dispatch;
  both.department_org_id = 4;
  EXPECT_THAT(ValidateNewDispatch(both, now, "dispatch."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dispatch.department_org")));
  Dispatch past = dispatch;
  past.due_time = now - absl::Hours(1);
  EXPECT_THAT(ValidateNewDispatch(past, now, "dispatch."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dispatch.due_time")));
  Dispatch far = dispatch;
  far.due_time = now + absl::Hours(24 * 400);
  EXPECT_THAT(ValidateNewDispatch(far, now, "dispatch."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dispatch.due_time")));
}

TEST(ServiceLevelsTest, DefaultsFollowTheArticlesAndAFileOverridesThem) {
  const ServiceLevels defaults;
  EXPECT_EQ(defaults.DueAfter(HandlingLevel::kCompound, Category::kPropertyMaintenance),
            absl::Hours(48));
  EXPECT_EQ(defaults.DueAfter(HandlingLevel::kDistrict, Category::kOther), absl::Hours(360));
  absl::StatusOr<ServiceLevels> levels = ServiceLevels::Parse(
      "# comment\nCOMPOUND * 24h\nCOMMUNITY SAFETY_HAZARD 12h  # urgent\nSTREET RENOVATION 30d\n");
  ASSERT_TRUE(levels.ok()) << levels.status();
  EXPECT_EQ(levels->DueAfter(HandlingLevel::kCompound, Category::kParking), absl::Hours(24));
  EXPECT_EQ(levels->DueAfter(HandlingLevel::kCommunity, Category::kSafetyHazard), absl::Hours(12));
  EXPECT_EQ(levels->DueAfter(HandlingLevel::kCommunity, Category::kParking), absl::Hours(72));
  EXPECT_EQ(levels->DueAfter(HandlingLevel::kStreet, Category::kRenovation), absl::Hours(720));
  EXPECT_THAT(ServiceLevels::Parse("COMPOUND *\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sla line 1")));
  EXPECT_THAT(ServiceLevels::Parse("\nCITY * 1h\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("sla line 2")));
  EXPECT_THAT(ServiceLevels::Parse("STREET PARKING soon\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a duration")));
  EXPECT_THAT(ServiceLevels::Parse("STREET PARKING 0s\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a duration")));
  EXPECT_THAT(ServiceLevels::Parse("STREET PARKING 400d\n"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("outside")));
  EXPECT_EQ(ParseDaysOrDuration("7d"), absl::Hours(168));
  EXPECT_EQ(ParseDaysOrDuration("90m"), absl::Minutes(90));
  EXPECT_EQ(ParseDaysOrDuration("-1h"), std::nullopt);
  EXPECT_EQ(ParseDaysOrDuration("inf"), std::nullopt);
}

TEST(IssueFilterTest, ParsesEachFieldAndRefusesTheRest) {
  absl::StatusOr<IssueFilter> filter = ParseIssueFilter(
      "state = ESCALATED AND handling_level = STREET AND category = PARKING AND "
      "assignee = \"people/3\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->state, IssueState::kEscalated);
  EXPECT_EQ(filter->assignee_id, 3);
  EXPECT_TRUE(filter->OpenOnly());
  EXPECT_FALSE(ParseIssueFilter("category = PARKING")->OpenOnly());
  EXPECT_TRUE(ParseIssueFilter("overdue = true")->OpenOnly());
  EXPECT_THAT(ParseIssueFilter("state = LOST"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: state")));
  EXPECT_THAT(ParseIssueFilter("overdue = maybe"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: overdue")));
  EXPECT_THAT(ParseIssueFilter("assignee = \"units/3\""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: assignee")));
  EXPECT_THAT(ParseIssueFilter("title = \"x\""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a field")));
}

TEST(CaseworkLabelsTest, EveryValueHasALabel) {
  ::grassroots::testing::ExpectCompleteLabelTable(HandlingLevel::kDistrict);
  ::grassroots::testing::ExpectCompleteLabelTable(Category::kOther);
  ::grassroots::testing::ExpectCompleteLabelTable(Channel::kRepresentativeWorkroom);
  ::grassroots::testing::ExpectCompleteLabelTable(Satisfaction::kDissatisfied);
  ::grassroots::testing::ExpectCompleteLabelTable(IssueState::kReopened);
  ::grassroots::testing::ExpectCompleteLabelTable(DispatchState::kReported);
  EXPECT_EQ(ParseLabel<Category>("不动产权证"), Category::kCertificate);
  EXPECT_EQ(Label(HandlingLevel::kStreet), "街道");
}

TEST(CaseworkProtoTest, PersonalDataIsMaskedWithoutTheGrant) {
  Issue issue;
  issue.id = 4;
  issue.place_id = 9;
  issue.category = Category::kNeighbourDispute;
  issue.channel = Channel::kResident;
  issue.title = "楼上漏水 13800138000";
  issue.description = "业主身份证 11010519800101111X 联系";
  issue.reporter_contact = "13800138000";
  issue.chain = {.compound_id = 8, .community_id = 7, .street_id = 6, .district_id = 5};
  issue.handling_level = HandlingLevel::kCompound;
  issue.state = IssueState::kReported;
  issue.due_time = absl::FromUnixSeconds(5000);
  v1::Issue masked;
  IssueToProto(issue, View{false, absl::FromUnixSeconds(6000)}, &masked);
  EXPECT_THAT(masked.title(), ::testing::Not(HasSubstr("13800138000")));
  EXPECT_THAT(masked.description(), ::testing::Not(HasSubstr("11010519800101111X")));
  EXPECT_EQ(masked.reporter_contact(), "138****8000");
  EXPECT_EQ(masked.handling_unit(), "units/8");
  EXPECT_TRUE(masked.overdue());
  v1::Issue clear;
  IssueToProto(issue, View{true, absl::FromUnixSeconds(4000)}, &clear);
  EXPECT_EQ(clear.reporter_contact(), "13800138000");
  EXPECT_THAT(clear.description(), HasSubstr("11010519800101111X"));
  EXPECT_FALSE(clear.overdue());
  EXPECT_EQ(MaskContact("3号楼2单元301"), "***");

  absl::StatusOr<Issue> back = IssueFromProto(clear, "issue.");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->place_id, 9);
  EXPECT_EQ(back->title, issue.title);
  v1::Issue bad = clear;
  bad.set_category(static_cast<v1::Category>(99));
  EXPECT_THAT(IssueFromProto(bad, "issue."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.category")));
  bad = clear;
  bad.set_reporter("units/3");
  EXPECT_THAT(IssueFromProto(bad, "issue."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.reporter")));
}

}  // namespace
}  // namespace grassroots::casework
