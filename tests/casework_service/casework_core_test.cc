// The rules of CaseworkCore on a real store in a temporary directory, with
// the org service's answers from an in-memory directory and a clock the
// test moves.

#include "casework_service/casework_core.h"

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "casework_service/sqlite_casework_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/mocks/fake_clock.h"
#include "tests/mocks/fake_org_directory.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::casework {
namespace {

using ::grassroots::testing::StatusIs;
using org_client::Place;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

template <typename T, typename Call>
absl::StatusOr<T> Sync(Call call) {
  std::promise<absl::StatusOr<T>> promise;
  call([&](absl::StatusOr<T> result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

// The roster's people as the core asks about them: live unless listed.
class FakePeople final : public roster_client::PersonDirectory {
 public:
  void Set(int64_t id, absl::Status status) {
    absl::MutexLock lock(&mu_);
    answers_[id] = std::move(status);
  }
  void CheckPerson(int64_t id, std::function<void(absl::Status)> done) override {
    absl::Status answer;
    {
      absl::MutexLock lock(&mu_);
      if (auto it = answers_.find(id); it != answers_.end()) answer = it->second;
    }
    done(answer);
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<int64_t, absl::Status> answers_ ABSL_GUARDED_BY(mu_);
};

constexpr int64_t kDistrict = 1, kStreet = 2, kCommunity = 3, kCompound = 4, kBuilding = 5;
constexpr int64_t kOtherCommunity = 6, kOtherCompound = 7, kOtherBuilding = 8;
constexpr int64_t kBranch = 1, kCommittee = 2, kWorkingCommittee = 3, kOtherBranch = 4;
constexpr int64_t kDepartment = 9;

class CaseworkCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.AddUnit(kDistrict, org::Level::kDistrict);
    directory_.AddUnit(kStreet, org::Level::kStreet, kDistrict);
    directory_.AddUnit(kCommunity, org::Level::kCommunity, kStreet);
    directory_.AddUnit(kCompound, org::Level::kCompound, kCommunity);
    directory_.AddUnit(kBuilding, org::Level::kBuilding, kCompound);
    directory_.AddUnit(kOtherCommunity, org::Level::kCommunity, kStreet);
    directory_.AddUnit(kOtherCompound, org::Level::kCompound, kOtherCommunity);
    directory_.AddUnit(kOtherBuilding, org::Level::kBuilding, kOtherCompound);
    directory_.AddOrg(kBranch, org::OrgForm::kBranch, {kCompound});
    directory_.AddOrg(kCommittee, org::OrgForm::kPartyCommittee, {kCommunity});
    directory_.AddOrg(kWorkingCommittee, org::OrgForm::kWorkingCommittee, {kStreet});
    directory_.AddOrg(kOtherBranch, org::OrgForm::kBranch, {kOtherCompound});
    directory_.AddExternalOrg(kDepartment);
    Open();
  }

  void Open() {
    auto store = SqliteCaseworkStore::Open(dir_.File("casework.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<CaseworkCore>(store_.get(), &directory_, &clock_, ServiceLevels(),
                                           CoreOptions(), &people_);
    ASSERT_TRUE(core_->Start().ok());
  }
  void Reopen() {
    core_.reset();
    store_.reset();
    Open();
  }

  static Issue NewIssue(int64_t place, Category category = Category::kPropertyMaintenance) {
    Issue issue;
    issue.place_id = place;
    issue.category = category;
    issue.channel = Channel::kGridWorker;
    issue.title = "楼顶漏水";
    issue.description = "六楼住户反映雨天漏水";
    return issue;
  }
  absl::StatusOr<Issue> Report(Issue issue, std::string request_id = "") {
    return Sync<Issue>([&](auto done) { core_->ReportIssue(caller_, issue, request_id, done); });
  }
  Issue MustReport(int64_t place, Category category = Category::kPropertyMaintenance) {
    absl::StatusOr<Issue> issue = Report(NewIssue(place, category));
    EXPECT_TRUE(issue.ok()) << issue.status();
    return issue.ok() ? *issue : Issue{};
  }
  absl::StatusOr<Issue> Do(int64_t id, IssueAction action, std::string text = "",
                           std::string etag = "") {
    IssueTransition t{.id = id, .action = action, .etag = std::move(etag), .text = std::move(text)};
    if (action == IssueAction::kConfirm) t.satisfaction = Satisfaction::kSatisfied;
    return Sync<Issue>([&](auto done) { core_->TransitionIssue(caller_, t, done); });
  }
  absl::StatusOr<int> Sweep(int max = 1000) {
    return Sync<int>([&](auto done) { core_->SweepOverdue(max, done); });
  }
  std::vector<int64_t> ListIds(ListIssuesQuery query) {
    std::vector<int64_t> ids;
    while (true) {
      absl::StatusOr<Page<Issue>> page = core_->ListIssues(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return ids;
      for (const Issue& issue : page->items) ids.push_back(issue.id);
      if (page->next_page_token.empty()) return ids;
      query.page_token = page->next_page_token;
    }
  }

  ::grassroots::testing::TempDir dir_;
  ::grassroots::testing::FakeClock clock_;
  roster::testing::FakeOrgDirectory directory_;
  FakePeople people_;
  Caller caller_{"users/secretary"};
  std::unique_ptr<SqliteCaseworkStore> store_;
  std::unique_ptr<CaseworkCore> core_;
};

TEST_F(CaseworkCoreTest, AReportStartsAtTheLowestLevelWithTheTableDueTime) {
  const Issue at_building = MustReport(kBuilding);
  EXPECT_EQ(at_building.state, IssueState::kReported);
  EXPECT_EQ(at_building.handling_level, HandlingLevel::kCompound);
  EXPECT_EQ(at_building.handling_unit_id(), kCompound);
  EXPECT_EQ(at_building.chain, (HandlingChain{kCompound, kCommunity, kStreet, kDistrict}));
  EXPECT_EQ(at_building.due_time, clock_.Now() + absl::Hours(48));

  const Issue at_community = MustReport(kCommunity);
  EXPECT_EQ(at_community.handling_level, HandlingLevel::kCommunity);
  EXPECT_EQ(at_community.chain.compound_id, 0);
  EXPECT_EQ(at_community.due_time, clock_.Now() + absl::Hours(72));
}

TEST_F(CaseworkCoreTest, PlacesAreCheckedWithTheOrgServiceAndRefusalsWriteNothing) {
  EXPECT_THAT(Report(NewIssue(999)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("issue.place: units/999")));
  EXPECT_THAT(Report(NewIssue(kStreet)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("is a STREET")));
  directory_.Delete(Place{Place::Kind::kUnit, kOtherBuilding});
  EXPECT_THAT(Report(NewIssue(kOtherBuilding)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("deleted")));
  directory_.SetUnreachable(true);
  EXPECT_THAT(Report(NewIssue(kBuilding)),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing was written")));
  directory_.SetUnreachable(false);
  Issue with_org = NewIssue(kBuilding);
  with_org.handling_party_org_id = kOtherBranch;
  EXPECT_THAT(Report(with_org),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("partyOrgs/4 covers no")));
  EXPECT_EQ(core_->published_revision(), 0);
  with_org.handling_party_org_id = kBranch;
  absl::StatusOr<Issue> made = Report(with_org);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->handling_party_org_id, kBranch);
}

TEST_F(CaseworkCoreTest, ThePeopleAnIssueNamesAreCheckedWithTheRoster) {
  people_.Set(404, absl::NotFoundError("people/404"));
  people_.Set(410, absl::FailedPreconditionError("deleted"));
  people_.Set(503, absl::UnavailableError("connection refused"));
  Issue issue = NewIssue(kBuilding);
  issue.reporter_id = 404;
  EXPECT_THAT(Report(issue), StatusIs(absl::StatusCode::kNotFound,
                                      HasSubstr("issue.reporter: people/404 does not exist")));
  issue.reporter_id = 7;
  issue.assignee_id = 410;
  EXPECT_THAT(Report(issue),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("issue.assignee")));
  issue.assignee_id = 503;
  EXPECT_THAT(Report(issue),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("nothing was written")));
  EXPECT_EQ(core_->published_revision(), 0);
  issue.assignee_id = 8;
  const Issue made = *Report(issue);
  EXPECT_EQ(made.reporter_id, 7);
  IssueTransition accept{.id = made.id, .action = IssueAction::kAccept};
  accept.assignee_id = 404;
  EXPECT_THAT(Sync<Issue>([&](auto done) { core_->TransitionIssue(caller_, accept, done); }),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("assignee: people/404")));
  IssueUpdate update{.id = made.id, .paths = {"reporter"}};
  update.values.reporter_id = 410;
  EXPECT_THAT(Sync<Issue>([&](auto done) { core_->UpdateIssue(caller_, update, done); }),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("issue.reporter")));
  EXPECT_EQ(core_->GetIssue(made.id)->reporter_id, 7);
}

TEST_F(CaseworkCoreTest, ARetriedReportReturnsTheFirstIssue) {
  absl::StatusOr<Issue> first = Report(NewIssue(kBuilding), "r-1");
  absl::StatusOr<Issue> again = Report(NewIssue(kBuilding), "r-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id, again->id);
  // Another principal's id is its own.
  caller_.principal = "users/other";
  absl::StatusOr<Issue> other = Report(NewIssue(kBuilding), "r-1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
}

TEST_F(CaseworkCoreTest, TheLifecycleFromReportToConfirmation) {
  const Issue issue = MustReport(kBuilding);
  IssueTransition accept{.id = issue.id,
                         .action = IssueAction::kAccept,
                         .etag = absl::StrCat("\"", issue.revision, "\"")};
  accept.assignee_id = 31;
  accept.handling_party_org_id = kBranch;
  absl::StatusOr<Issue> accepted =
      Sync<Issue>([&](auto done) { core_->TransitionIssue(caller_, accept, done); });
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state, IssueState::kAccepted);
  EXPECT_EQ(accepted->assignee_id, 31);
  // A stale etag is refused.
  EXPECT_THAT(Do(issue.id, IssueAction::kResolve, "已修", absl::StrCat("\"", issue.revision, "\"")),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<Issue> resolved = Do(issue.id, IssueAction::kResolve, "物业已补漏");
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state, IssueState::kResolved);
  EXPECT_FALSE(resolved->has_due_time());
  EXPECT_EQ(resolved->resolve_time, clock_.Now());
  // The resident is not satisfied: reopened, with a new clock.
  clock_.Advance(absl::Hours(1));
  absl::StatusOr<Issue> reopened = Do(issue.id, IssueAction::kReopen, "仍在漏水");
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ(reopened->state, IssueState::kReopened);
  EXPECT_EQ(reopened->satisfaction, Satisfaction::kDissatisfied);
  EXPECT_EQ(reopened->due_time, clock_.Now() + absl::Hours(48));
  ASSERT_TRUE(Do(issue.id, IssueAction::kResolve, "更换防水层").ok());
  absl::StatusOr<Issue> confirmed = Do(issue.id, IssueAction::kConfirm);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->state, IssueState::kConfirmed);
  EXPECT_EQ(confirmed->satisfaction, Satisfaction::kSatisfied);
  EXPECT_EQ(confirmed->close_time, clock_.Now());
  // Closed: nothing else applies, and the message names the state.
  EXPECT_THAT(Do(issue.id, IssueAction::kEscalate, "再议"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CONFIRMED")));
  EXPECT_THAT(Do(issue.id, IssueAction::kReject, "重复"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CONFIRMED")));
}

TEST_F(CaseworkCoreTest, BadTransitionInputIsRefusedBeforeAnythingIsQueued) {
  const Issue issue = MustReport(kBuilding);
  EXPECT_THAT(Do(issue.id, IssueAction::kEscalate, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(Do(issue.id, IssueAction::kResolve, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("resolution")));
  IssueTransition confirm{.id = issue.id, .action = IssueAction::kConfirm};
  confirm.satisfaction = Satisfaction::kDissatisfied;
  EXPECT_THAT(Sync<Issue>([&](auto done) { core_->TransitionIssue(caller_, confirm, done); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reopen")));
  EXPECT_THAT(Do(777, IssueAction::kAccept),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("issues/777")));
  EXPECT_THAT(core_->GetIssue(issue.id), ::grassroots::testing::IsOkAndHolds(issue));
}

TEST_F(CaseworkCoreTest, EscalationClimbsOneLevelAtATimeUpToTheDistrict) {
  const Issue issue = MustReport(kBuilding);
  const HandlingLevel expected[] = {HandlingLevel::kCommunity, HandlingLevel::kStreet,
                                    HandlingLevel::kDistrict};
  for (HandlingLevel level : expected) {
    absl::StatusOr<Issue> up = Do(issue.id, IssueAction::kEscalate, "本级无法解决");
    ASSERT_TRUE(up.ok()) << up.status();
    EXPECT_EQ(up->handling_level, level);
    EXPECT_EQ(up->state, IssueState::kEscalated);
    EXPECT_EQ(up->assignee_id, 0);
    EXPECT_EQ(up->due_time, clock_.Now() + ServiceLevels().DueAfter(level, issue.category));
  }
  EXPECT_THAT(Do(issue.id, IssueAction::kEscalate, "再上交"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("DISTRICT level already")));
  absl::StatusOr<Issue> accepted = Do(issue.id, IssueAction::kAccept);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->escalations, 3);
}

TEST_F(CaseworkCoreTest, TheSweeperEscalatesEachOverduePeriodOnceEvenAfterARestart) {
  const Issue slow = MustReport(kBuilding);                           // due in 48h
  const Issue fast = MustReport(kBuilding, Category::kSafetyHazard);  // due in 48h
  const Issue done = MustReport(kOtherBuilding);
  ASSERT_TRUE(Do(done.id, IssueAction::kAccept).ok());
  ASSERT_TRUE(Do(done.id, IssueAction::kResolve, "已处理").ok());
  ASSERT_TRUE(Do(fast.id, IssueAction::kAccept).ok());

  EXPECT_THAT(Sweep(), ::grassroots::testing::IsOkAndHolds(0));
  clock_.Advance(absl::Hours(49));
  EXPECT_THAT(Sweep(), ::grassroots::testing::IsOkAndHolds(2));
  const int64_t after_first = core_->published_revision();
  // The same period again, before and after a restart: nothing more.
  EXPECT_THAT(Sweep(), ::grassroots::testing::IsOkAndHolds(0));
  Reopen();
  EXPECT_THAT(Sweep(), ::grassroots::testing::IsOkAndHolds(0));
  EXPECT_EQ(core_->published_revision(), after_first);
  absl::StatusOr<Issue> escalated = core_->GetIssue(slow.id);
  ASSERT_TRUE(escalated.ok());
  EXPECT_EQ(escalated->handling_level, HandlingLevel::kCommunity);
  EXPECT_EQ(escalated->escalations, 1);
  EXPECT_THAT(escalated->state_reason, HasSubstr("overdue"));
  // The event's actor is the service.
  absl::StatusOr<std::vector<Event>> events = core_->ReadEvents(after_first, 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].actor, kServiceActor);
  EXPECT_EQ((*events)[0].method, "SweepOverdue");
  // The next period (the community's 72 hours) escalates once more.
  clock_.Advance(absl::Hours(73));
  EXPECT_THAT(Sweep(), ::grassroots::testing::IsOkAndHolds(2));
  EXPECT_EQ(core_->GetIssue(slow.id)->handling_level, HandlingLevel::kStreet);
  // A resolved issue is never swept.
  EXPECT_EQ(core_->GetIssue(done.id)->escalations, 0);
}

TEST_F(CaseworkCoreTest, ASweepTakesAtMostItsBatchOldestFirst) {
  const Issue first = MustReport(kBuilding);
  clock_.Advance(absl::Minutes(1));
  const Issue second = MustReport(kBuilding);
  clock_.Advance(absl::Hours(50));
  EXPECT_THAT(Sweep(1), ::grassroots::testing::IsOkAndHolds(1));
  EXPECT_EQ(core_->GetIssue(first.id)->escalations, 1);
  EXPECT_EQ(core_->GetIssue(second.id)->escalations, 0);
  EXPECT_THAT(Sweep(1), ::grassroots::testing::IsOkAndHolds(1));
  EXPECT_EQ(core_->GetIssue(second.id)->escalations, 1);
}

TEST_F(CaseworkCoreTest, DepartmentsAreSummonedByTheStreetAndReportBack) {
  const Issue issue = MustReport(kBuilding);
  Dispatch dispatch;
  dispatch.issue_id = issue.id;
  dispatch.department_org_id = kDepartment;
  dispatch.due_time = clock_.Now() + absl::Hours(72);
  auto create = [&](Dispatch d) {
    return Sync<Dispatch>([&](auto done) { core_->CreateDispatch(caller_, d, "", done); });
  };
  EXPECT_THAT(create(dispatch),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("COMPOUND level")));
  ASSERT_TRUE(Do(issue.id, IssueAction::kEscalate, "小区无法解决").ok());
  ASSERT_TRUE(Do(issue.id, IssueAction::kEscalate, "社区无法解决").ok());
  Dispatch unknown = dispatch;
  unknown.department_org_id = 404;
  EXPECT_THAT(create(unknown), StatusIs(absl::StatusCode::kNotFound,
                                        HasSubstr("dispatch.department_org: externalOrgs/404")));
  absl::StatusOr<Dispatch> made = create(dispatch);
  ASSERT_TRUE(made.ok()) << made.status();
  EXPECT_EQ(made->state, DispatchState::kSummoned);
  EXPECT_EQ(made->summoning_unit_id, kStreet);
  EXPECT_EQ(made->place_id, kBuilding);
  const DispatchId id{issue.id, made->id};
  EXPECT_THAT(
      Sync<Dispatch>([&](auto done) { core_->ReportDispatch(caller_, id, "", "已清理", done); }),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is SUMMONED")));
  ASSERT_TRUE(
      Sync<Dispatch>([&](auto done) { core_->AcknowledgeDispatch(caller_, id, "", done); }).ok());
  absl::StatusOr<Dispatch> reported = Sync<Dispatch>(
      [&](auto done) { core_->ReportDispatch(caller_, id, "", "已清理占道车辆", done); });
  ASSERT_TRUE(reported.ok()) << reported.status();
  EXPECT_EQ(reported->state, DispatchState::kReported);
  // A dispatch named under another issue does not exist there.
  EXPECT_THAT(core_->GetDispatch(DispatchId{issue.id + 1, made->id}),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<Page<Dispatch>> listed = core_->ListDispatches({.issue_id = issue.id});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->items.size(), 1u);
}

TEST_F(CaseworkCoreTest, ListsFollowThePlaceSubtreeAndTheFilter) {
  const Issue a = MustReport(kBuilding);
  const Issue b = MustReport(kCompound, Category::kParking);
  const Issue c = MustReport(kOtherBuilding);
  const Issue d = MustReport(kCommunity);
  ASSERT_TRUE(Do(b.id, IssueAction::kReject, "重复").ok());
  EXPECT_THAT(ListIds({.place_id = kCommunity}), ElementsAre(a.id, b.id, d.id));
  EXPECT_THAT(ListIds({.place_id = kStreet}), ElementsAre(a.id, b.id, c.id, d.id));
  EXPECT_THAT(ListIds({.place_id = kCompound, .filter = "open = true"}), ElementsAre(a.id));
  EXPECT_THAT(ListIds({.place_id = kStreet, .filter = "category = PARKING"}), ElementsAre(b.id));
  EXPECT_THAT(ListIds({.filter = "state = REJECTED"}), ElementsAre(b.id));
  EXPECT_THAT(ListIds({.place_id = kStreet, .filter = "open = true", .page_size = 1}),
              ElementsAre(a.id, c.id, d.id));
  clock_.Advance(absl::Hours(49));
  EXPECT_THAT(ListIds({.place_id = kStreet, .filter = "overdue = true"}), ElementsAre(a.id, c.id));
  EXPECT_THAT(core_->ListIssues({.filter = "state = LOST"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter: state")));
}

// A list of open issues pinned at a revision still sees the issues that
// were open then, though closed since.
TEST_F(CaseworkCoreTest, OpenListsAtAPinnedRevisionSeeIssuesClosedSince) {
  const Issue a = MustReport(kBuilding);
  const Issue b = MustReport(kBuilding);
  const int64_t before_close = core_->published_revision();
  ASSERT_TRUE(Do(a.id, IssueAction::kReject, "重复").ok());
  EXPECT_THAT(ListIds({.place_id = kStreet, .filter = "open = true"}), ElementsAre(b.id));
  EXPECT_THAT(
      ListIds({.place_id = kStreet, .filter = "open = true", .read_revision = before_close}),
      ElementsAre(a.id, b.id));
}

TEST_F(CaseworkCoreTest, UpdatesChangeOnlyTheNamedFieldsOfAnOpenIssue) {
  const Issue issue = MustReport(kBuilding);
  IssueUpdate update{.id = issue.id, .paths = {"title", "category"}};
  update.values.title = "北门消防通道被占";
  update.values.category = Category::kSafetyHazard;
  update.values.description = "不应改变";
  absl::StatusOr<Issue> updated =
      Sync<Issue>([&](auto done) { core_->UpdateIssue(caller_, update, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->title, "北门消防通道被占");
  EXPECT_EQ(updated->category, Category::kSafetyHazard);
  EXPECT_EQ(updated->description, issue.description);
  IssueUpdate bad{.id = issue.id, .paths = {"place"}};
  EXPECT_THAT(Sync<Issue>([&](auto done) { core_->UpdateIssue(caller_, bad, done); }),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
}

ImportRow Record(int64_t place, const std::string& key, absl::Time reported) {
  ImportRow row;
  row.issue.place_id = place;
  row.issue.category = Category::kNeighbourDispute;
  row.issue.channel = Channel::kHotline;
  row.issue.title = "噪音扰民";
  row.issue.external_key = key;
  row.issue.state = IssueState::kConfirmed;
  row.issue.handling_level = HandlingLevel::kCommunity;
  row.issue.create_time = reported;
  row.issue.resolve_time = reported + absl::Hours(30);
  row.issue.close_time = reported + absl::Hours(40);
  row.issue.resolution = "社区调解";
  row.issue.satisfaction = Satisfaction::kSatisfied;
  return row;
}

TEST_F(CaseworkCoreTest, ImportsRecordsWithTheirHistoryOnceByKey) {
  const absl::Time reported = clock_.Now() - absl::Hours(24 * 100);
  std::vector<ImportRow> rows = {Record(kBuilding, "T-1", reported),
                                 Record(kOtherBuilding, "T-2", reported)};
  // An open record at the street with a department still to report back.
  rows[1].issue.state = IssueState::kEscalated;
  rows[1].issue.handling_level = HandlingLevel::kStreet;
  rows[1].issue.state_reason = "社区无法协调";
  rows[1].issue.resolve_time = rows[1].issue.close_time = absl::UnixEpoch();
  Dispatch summoned;
  summoned.department_name = "区城管局";
  summoned.state = DispatchState::kSummoned;
  summoned.create_time = reported + absl::Hours(50);
  summoned.due_time = reported + absl::Hours(122);
  rows[1].dispatches.push_back(summoned);
  auto import = [&](std::vector<ImportRow> r, bool validate_only = false) {
    return Sync<std::vector<absl::StatusOr<ImportRowResult>>>(
               [&](auto done) { core_->ImportIssues(caller_, std::move(r), validate_only, done); })
        .value();
  };
  // validate_only checks and stores nothing.
  std::vector<absl::StatusOr<ImportRowResult>> checked = import(rows, true);
  ASSERT_TRUE(checked[0].ok() && checked[1].ok()) << checked[0].status() << checked[1].status();
  EXPECT_EQ(core_->published_revision(), 0);

  std::vector<absl::StatusOr<ImportRowResult>> results = import(rows);
  ASSERT_TRUE(results[0].ok() && results[1].ok()) << results[0].status() << results[1].status();
  EXPECT_TRUE(results[0]->imported);
  const Issue confirmed = *core_->GetIssue(results[0]->issue_id);
  EXPECT_EQ(confirmed.create_time, reported);
  EXPECT_EQ(confirmed.escalations, 1);  // compound -> community
  EXPECT_FALSE(confirmed.has_due_time());
  const Issue open = *core_->GetIssue(results[1]->issue_id);
  EXPECT_EQ(open.handling_unit_id(), kStreet);
  EXPECT_EQ(open.due_time, reported + absl::Hours(24 * 7));  // the street's default
  absl::StatusOr<Page<Dispatch>> dispatches = core_->ListDispatches({.issue_id = open.id});
  ASSERT_TRUE(dispatches.ok());
  ASSERT_EQ(dispatches->items.size(), 1u);
  EXPECT_EQ(dispatches->items[0].summoning_unit_id, kStreet);

  // Again: nothing changes. The same key at another place is refused
  // without naming the issue that has it.
  const int64_t revision = core_->published_revision();
  results = import(rows);
  ASSERT_TRUE(results[0].ok());
  EXPECT_FALSE(results[0]->imported);
  EXPECT_EQ(results[0]->issue_id, confirmed.id);
  EXPECT_EQ(core_->published_revision(), revision);
  results = import({Record(kCompound, "T-1", reported)});
  EXPECT_THAT(results[0], StatusIs(absl::StatusCode::kAlreadyExists,
                                   AllOf(HasSubstr("issues[0].external_key"),
                                         Not(HasSubstr(IssueName(confirmed.id))))));

  // Records that contradict themselves name the field.
  ImportRow future = Record(kBuilding, "T-3", clock_.Now() + absl::Hours(1));
  ImportRow unresolved = Record(kBuilding, "T-4", reported);
  unresolved.issue.resolve_time = absl::UnixEpoch();
  ImportRow too_low = Record(kCommunity, "T-5", reported);
  too_low.issue.handling_level = HandlingLevel::kCompound;
  ImportRow bad_dispatch = rows[1];
  bad_dispatch.issue.external_key = "T-6";
  bad_dispatch.dispatches[0].state = DispatchState::kReported;
  results = import({future, unresolved, too_low, bad_dispatch});
  EXPECT_THAT(results[0], StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("issues[0].issue.create_time")));
  EXPECT_THAT(results[1], StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("issues[1].issue.resolve_time")));
  EXPECT_THAT(results[2], StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("issues[2].issue.handling_level")));
  EXPECT_THAT(results[3], StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("issues[3].dispatches[0].acknowledge_time")));
  EXPECT_EQ(core_->published_revision(), revision);
}

}  // namespace
}  // namespace grassroots::casework
