// The rules of ActivityCore on a real store in a temporary directory, with
// the org service's answers from an in-memory directory, the roster's from
// an in-memory list and a clock the test moves.

#include "activity_service/activity_core.h"

#include <future>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "activity_service/sqlite_activity_store.h"
#include "common/etag.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/mocks/fake_clock.h"
#include "tests/mocks/fake_org_directory.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

// Its own namespace: the test target is a unity build.
namespace grassroots::activity::core_test {
namespace {

using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using org_client::Place;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

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
      ++calls_;
      if (auto it = answers_.find(id); it != answers_.end()) answer = it->second;
    }
    done(answer);
  }
  int calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<int64_t, absl::Status> answers_ ABSL_GUARDED_BY(mu_);
  int calls_ ABSL_GUARDED_BY(mu_) = 0;
};

constexpr int64_t kDistrict = 1, kStreet = 2, kCommunity = 3, kCompound = 4;
constexpr int64_t kOtherCommunity = 5, kOtherCompound = 6;
// The working committee (street, none above) > the community's committee >
// the compound's branch; another committee for the other community.
constexpr int64_t kWorkingCommittee = 1, kCommittee = 2, kBranch = 3, kOtherCommittee = 4,
                  kOtherBranch = 5;
constexpr int64_t kExternal = 9;
constexpr int64_t kAlice = 101, kBob = 102, kCarol = 103;

class ActivityCoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_.AddUnit(kDistrict, org::Level::kDistrict);
    directory_.AddUnit(kStreet, org::Level::kStreet, kDistrict);
    directory_.AddUnit(kCommunity, org::Level::kCommunity, kStreet);
    directory_.AddUnit(kCompound, org::Level::kCompound, kCommunity);
    directory_.AddUnit(kOtherCommunity, org::Level::kCommunity, kStreet);
    directory_.AddUnit(kOtherCompound, org::Level::kCompound, kOtherCommunity);
    directory_.AddOrg(kWorkingCommittee, org::OrgForm::kWorkingCommittee, {kStreet});
    directory_.AddOrg(kCommittee, org::OrgForm::kPartyCommittee, {kCommunity}, kWorkingCommittee);
    directory_.AddOrg(kBranch, org::OrgForm::kBranch, {kCompound}, kCommittee);
    directory_.AddOrg(kOtherCommittee, org::OrgForm::kPartyCommittee, {kOtherCommunity},
                      kWorkingCommittee);
    directory_.AddOrg(kOtherBranch, org::OrgForm::kBranch, {kOtherCompound}, kOtherCommittee);
    directory_.AddExternalOrg(kExternal);
    Open();
  }

  void Open() {
    auto store = SqliteActivityStore::Open(dir_.File("activity.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ =
        std::make_unique<ActivityCore>(store_.get(), &directory_, &clock_, CoreOptions(), &people_);
    ASSERT_TRUE(core_->Start().ok());
  }
  void Reopen() {
    core_.reset();
    store_.reset();
    Open();
  }

  Activity NewActivity(int64_t org = kBranch, int64_t place = kCompound,
                       ActivityKind kind = ActivityKind::kVolunteerService) {
    Activity a;
    a.party_org_id = org;
    a.place_id = place;
    a.kind = kind;
    a.theme = "清理楼道杂物";
    a.description = "志愿者清理楼道";
    a.start_time = clock_.Now() + absl::Hours(1);
    a.end_time = clock_.Now() + absl::Hours(3);
    return a;
  }
  absl::StatusOr<Activity> Create(Activity a, std::string request_id = "") {
    return Sync<Activity>([&](auto done) { core_->CreateActivity(caller_, a, request_id, done); });
  }
  Activity MustCreate(Activity a) {
    absl::StatusOr<Activity> made = Create(std::move(a));
    EXPECT_TRUE(made.ok()) << made.status();
    return made.ok() ? *made : Activity{};
  }
  absl::StatusOr<Activity> Submit(int64_t id, std::string etag = "") {
    return Sync<Activity>([&](auto done) { core_->SubmitActivity(caller_, id, etag, done); });
  }
  absl::StatusOr<Activity> Approve(int64_t id, int64_t approver, std::string etag = "") {
    return Sync<Activity>(
        [&](auto done) { core_->ApproveActivity(caller_, id, etag, approver, done); });
  }
  absl::StatusOr<Activity> Return(int64_t id, int64_t approver, std::string reason) {
    return Sync<Activity>(
        [&](auto done) { core_->ReturnActivity(caller_, id, "", approver, reason, done); });
  }
  absl::StatusOr<Activity> Hold(int64_t id) {
    return Sync<Activity>([&](auto done) { core_->HoldActivity(caller_, id, "", done); });
  }
  absl::StatusOr<Activity> Close(int64_t id) {
    return Sync<Activity>([&](auto done) { core_->RecordActivity(caller_, id, "", done); });
  }
  absl::StatusOr<Activity> Cancel(int64_t id, std::string reason) {
    return Sync<Activity>([&](auto done) { core_->CancelActivity(caller_, id, "", reason, done); });
  }
  absl::StatusOr<Activity> Update(ActivityUpdate update) {
    return Sync<Activity>([&](auto done) { core_->UpdateActivity(caller_, update, done); });
  }
  // A created activity taken to HELD.
  Activity MustHold(Activity a) {
    const Activity made = MustCreate(std::move(a));
    const int64_t approver = made.party_org_id == kBranch ? kCommittee : kWorkingCommittee;
    EXPECT_TRUE(Submit(made.id).ok());
    EXPECT_TRUE(Approve(made.id, approver).ok());
    clock_.Advance(absl::Hours(2));
    absl::StatusOr<Activity> held = Hold(made.id);
    EXPECT_TRUE(held.ok()) << held.status();
    return held.ok() ? *held : Activity{};
  }
  static Attendance Person(int64_t person, int32_t minutes, std::string key = "",
                           AttendeeKind kind = AttendeeKind::kVolunteer) {
    Attendance line;
    line.kind = kind;
    line.person_id = person;
    line.minutes = minutes;
    line.key = std::move(key);
    return line;
  }
  static Attendance Residents(int32_t head_count, std::string key = "") {
    Attendance line;
    line.kind = AttendeeKind::kResidents;
    line.head_count = head_count;
    line.key = std::move(key);
    return line;
  }
  absl::StatusOr<Attendance> Attend(int64_t activity, Attendance line) {
    return Sync<Attendance>(
        [&](auto done) { core_->RecordAttendance(caller_, activity, line, done); });
  }
  absl::StatusOr<ImportAttendanceResult> Import(int64_t activity, std::vector<Attendance> rows,
                                                bool validate_only = false) {
    return Sync<ImportAttendanceResult>(
        [&](auto done) { core_->ImportAttendance(caller_, activity, rows, validate_only, done); });
  }
  absl::StatusOr<CreditEntry> Redeem(int64_t person, int64_t amount,
                                     std::string reason = "兑换米面", std::string request_id = "") {
    return Sync<CreditEntry>(
        [&](auto done) { core_->RedeemCredit(caller_, person, amount, reason, request_id, done); });
  }
  absl::StatusOr<ServicePoint> CreatePoint(int64_t unit, std::string name) {
    ServicePoint point;
    point.unit_id = unit;
    point.display_name = std::move(name);
    point.kind = ServicePointKind::kNeighbourhoodServicePoint;
    point.address = "幸福路1号";
    return Sync<ServicePoint>(
        [&](auto done) { core_->CreateServicePoint(caller_, point, "", done); });
  }
  std::vector<int64_t> ListIds(ListActivitiesQuery query) {
    std::vector<int64_t> ids;
    while (true) {
      absl::StatusOr<Page<Activity>> page = core_->ListActivities(query);
      EXPECT_TRUE(page.ok()) << page.status();
      if (!page.ok()) return ids;
      for (const Activity& a : page->items) ids.push_back(a.id);
      if (page->next_page_token.empty()) return ids;
      query.page_token = page->next_page_token;
    }
  }
  std::vector<Attendance> Lines(int64_t activity) {
    absl::StatusOr<Page<Attendance>> page = core_->ListAttendances({.activity_id = activity});
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? page->items : std::vector<Attendance>{};
  }

  ::grassroots::testing::TempDir dir_;
  ::grassroots::testing::FakeClock clock_;
  roster::testing::FakeOrgDirectory directory_;
  FakePeople people_;
  Caller caller_{"users/secretary"};
  std::unique_ptr<SqliteActivityStore> store_;
  std::unique_ptr<ActivityCore> core_;
};

// --- Activities.

TEST_F(ActivityCoreTest, ACreatedActivityIsADraftWithItsOrganisationsUnits) {
  Activity planned = NewActivity();
  planned.organiser_id = kAlice;
  planned.capacity = 30;
  planned.co_organisers = {"externalOrgs/9", "alliances/2"};
  planned.state = ActivityState::kRecorded;  // output only: ignored
  planned.attendees = 99;
  const Activity made = MustCreate(planned);
  EXPECT_EQ(made.id, 1);
  EXPECT_EQ(made.state, ActivityState::kDraft);
  EXPECT_EQ(made.attendees, 0);
  EXPECT_THAT(made.party_org_unit_ids, ElementsAre(kCompound));
  EXPECT_EQ(made.create_time, clock_.Now());
  EXPECT_EQ(made.revision, 1);
  EXPECT_THAT(core_->GetActivity(made.id), IsOkAndHolds(made));
}

TEST_F(ActivityCoreTest, PlacesOrganisationsAndPeopleAreCheckedAndRefusalsWriteNothing) {
  Activity a = NewActivity();
  a.theme = "";
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.theme")));
  EXPECT_THAT(Create(NewActivity(77)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("activity.party_org: partyOrgs/77")));
  EXPECT_THAT(Create(NewActivity(kBranch, 88)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("activity.place: units/88")));
  directory_.Delete(Place{Place::Kind::kUnit, kOtherCompound});
  EXPECT_THAT(Create(NewActivity(kBranch, kOtherCompound)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("activity.place")));
  directory_.Delete(Place{Place::Kind::kPartyOrg, kOtherBranch});
  EXPECT_THAT(Create(NewActivity(kOtherBranch)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("activity.party_org")));
  a = NewActivity();
  a.organiser_id = 404;
  people_.Set(404, absl::NotFoundError("people/404"));
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kNotFound,
                                  HasSubstr("activity.organiser: people/404 does not exist")));
  a = NewActivity();
  a.co_organisers = {"alliances/3", "externalOrgs/77"};
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kNotFound,
                                  HasSubstr("activity.co_organisers[1]: externalOrgs/77")));
  a.co_organisers = {"communities/3"};
  EXPECT_THAT(Create(a),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.co_organisers")));
  EXPECT_EQ(core_->published_revision(), 0);
}

TEST_F(ActivityCoreTest, WhenTheOrgServiceOrTheRosterCannotAnswerNothingIsWritten) {
  directory_.SetUnreachable(true);
  EXPECT_THAT(Create(NewActivity()), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(CreatePoint(kCompound, "邻里驿站"), StatusIs(absl::StatusCode::kUnavailable));
  directory_.SetUnreachable(false);
  people_.Set(503, absl::UnavailableError("connection refused"));
  Activity a = NewActivity();
  a.organiser_id = 503;
  EXPECT_THAT(Create(a),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("activity.organiser"), HasSubstr("nothing was written"))));
  EXPECT_EQ(core_->published_revision(), 0);
  // Nor for lines of attendance, nor approvals.
  const Activity held = MustHold(NewActivity());
  const int64_t revision = core_->published_revision();
  EXPECT_THAT(Attend(held.id, Person(503, 60)), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_THAT(Import(held.id, {Person(kAlice, 60), Person(503, 60)}),
              StatusIs(absl::StatusCode::kUnavailable));
  const Activity other = MustCreate(NewActivity());
  ASSERT_TRUE(Submit(other.id).ok());
  const int64_t submitted = core_->published_revision();
  directory_.SetUnreachable(true);
  EXPECT_THAT(Approve(other.id, kCommittee), StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_EQ(core_->published_revision(), submitted);
  EXPECT_GT(submitted, revision);
  EXPECT_THAT(Lines(held.id), IsEmpty());
}

TEST_F(ActivityCoreTest, ARetriedCreateReturnsTheFirstActivity) {
  absl::StatusOr<Activity> first = Create(NewActivity(), "r-1");
  absl::StatusOr<Activity> again = Create(NewActivity(), "r-1");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id, again->id);
  EXPECT_EQ(core_->published_revision(), 1);
  caller_.principal = "users/other";
  absl::StatusOr<Activity> other = Create(NewActivity(), "r-1");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->id, first->id);
}

TEST_F(ActivityCoreTest, TheLifecycleFromDraftToRecorded) {
  const Activity made = MustCreate(NewActivity());
  // A stale etag is refused.
  EXPECT_THAT(Submit(made.id, "\"999\""), StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<Activity> submitted = Submit(made.id, EtagForRevision(made.revision));
  ASSERT_TRUE(submitted.ok()) << submitted.status();
  EXPECT_EQ(submitted->state, ActivityState::kSubmitted);
  // Only a DRAFT can be changed.
  ActivityUpdate update{.id = made.id, .paths = {"theme"}};
  update.values.theme = "改主题";
  EXPECT_THAT(Update(update),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is SUBMITTED")));
  // Approved by the organisation above, and by no other.
  const int64_t before = core_->published_revision();
  EXPECT_THAT(Approve(made.id, kWorkingCommittee),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       AllOf(HasSubstr("approver: partyOrgs/1"), HasSubstr("partyOrgs/3"),
                             HasSubstr("partyOrgs/2 approves"))));
  EXPECT_THAT(Approve(made.id, kBranch), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(core_->published_revision(), before);
  absl::StatusOr<Activity> approved = Approve(made.id, kCommittee);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state, ActivityState::kApproved);
  EXPECT_EQ(approved->approver_id, kCommittee);
  // Held once it has started.
  EXPECT_THAT(Hold(made.id),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("once it has started")));
  clock_.Advance(absl::Hours(1));
  absl::StatusOr<Activity> held = Hold(made.id);
  ASSERT_TRUE(held.ok()) << held.status();
  EXPECT_EQ(held->state, ActivityState::kHeld);
  EXPECT_THAT(Cancel(made.id, "下雨"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is HELD")));
  ASSERT_TRUE(Attend(made.id, Person(kAlice, 90)).ok());
  absl::StatusOr<Activity> recorded = Close(made.id);
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  EXPECT_EQ(recorded->state, ActivityState::kRecorded);
  EXPECT_EQ(recorded->attendees, 1);
  // Closed: no more attendance.
  EXPECT_THAT(Attend(made.id, Person(kBob, 60)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is RECORDED")));
  EXPECT_THAT(Close(made.id), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(ActivityCoreTest, ReturnAndCancelKeepTheReason) {
  const Activity made = MustCreate(NewActivity());
  ASSERT_TRUE(Submit(made.id).ok());
  EXPECT_THAT(Return(made.id, kCommittee, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(Return(made.id, kOtherCommittee, "请补充人员安排"),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("approver")));
  absl::StatusOr<Activity> returned = Return(made.id, kCommittee, "请补充人员安排");
  ASSERT_TRUE(returned.ok()) << returned.status();
  EXPECT_EQ(returned->state, ActivityState::kDraft);
  EXPECT_EQ(returned->state_reason, "请补充人员安排");
  absl::StatusOr<Activity> cancelled = Cancel(made.id, "天气原因");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, ActivityState::kCancelled);
  EXPECT_EQ(cancelled->state_reason, "天气原因");
  EXPECT_THAT(Submit(made.id),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is CANCELLED")));
  EXPECT_THAT(Submit(999), StatusIs(absl::StatusCode::kNotFound, HasSubstr("activities/999")));
}

TEST_F(ActivityCoreTest, AnOrganisationWithNoneAboveApprovesItsOwn) {
  const Activity made = MustCreate(NewActivity(kWorkingCommittee, kStreet));
  ASSERT_TRUE(Submit(made.id).ok());
  EXPECT_THAT(Approve(made.id, kCommittee), StatusIs(absl::StatusCode::kFailedPrecondition));
  absl::StatusOr<Activity> approved = Approve(made.id, kWorkingCommittee);
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->approver_id, kWorkingCommittee);
}

TEST_F(ActivityCoreTest, UpdatesChangeTheNamedFieldsOfADraftAndCheckWhatChanged) {
  const Activity made = MustCreate(NewActivity());
  ActivityUpdate update{.id = made.id, .paths = {"theme", "place", "organiser"}};
  update.values = NewActivity();
  update.values.theme = "重阳节敬老";
  update.values.place_id = kCommunity;
  update.values.organiser_id = kAlice;
  update.values.description = "不应改变的描述";
  absl::StatusOr<Activity> updated = Update(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->theme, "重阳节敬老");
  EXPECT_EQ(updated->place_id, kCommunity);
  EXPECT_EQ(updated->organiser_id, kAlice);
  EXPECT_EQ(updated->description, made.description);
  const int64_t revision = core_->published_revision();
  update.values.place_id = 88;
  EXPECT_THAT(Update(update), StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/88")));
  update.values.place_id = kCommunity;
  update.values.organiser_id = 404;
  people_.Set(404, absl::NotFoundError("people/404"));
  EXPECT_THAT(Update(update), StatusIs(absl::StatusCode::kNotFound, HasSubstr("people/404")));
  EXPECT_THAT(Update({.id = made.id, .paths = {"party_org"}}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("update_mask")));
  EXPECT_THAT(Update({.id = made.id, .paths = {"theme"}, .etag = "\"1\""}),
              StatusIs(absl::StatusCode::kAborted));
  EXPECT_EQ(core_->published_revision(), revision);
  // The place's old index entry does not make it listed there.
  EXPECT_THAT(ListIds({.place_id = kCompound}), IsEmpty());
  EXPECT_THAT(ListIds({.place_id = kCommunity}), ElementsAre(made.id));
}

TEST_F(ActivityCoreTest, AnActivityAtAServicePointTakesPlaceAtItsUnit) {
  absl::StatusOr<ServicePoint> point = CreatePoint(kCompound, "邻里驿站");
  ASSERT_TRUE(point.ok()) << point.status();
  Activity a = NewActivity();
  a.place_id = 0;
  a.service_point_id = point->id;
  const Activity made = MustCreate(a);
  EXPECT_EQ(made.place_id, kCompound);
  EXPECT_EQ(made.service_point_id, point->id);
  a.place_id = kOtherCompound;
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("activity.place: units/6 is not where")));
  a.place_id = 0;
  a.service_point_id = 77;
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kNotFound,
                                  HasSubstr("activity.service_point: servicePoints/77")));
  ASSERT_TRUE(Sync<ServicePoint>([&](auto done) {
                core_->DeleteServicePoint(caller_, point->id, "", done);
              }).ok());
  a.service_point_id = point->id;
  EXPECT_THAT(Create(a), StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("deleted")));
}

// --- Attendance and credit.

TEST_F(ActivityCoreTest, AttendanceEarnsCreditInTheSameWriteAndIsIdempotent) {
  const Activity held = MustHold(NewActivity());
  absl::StatusOr<Attendance> line = Attend(held.id, Person(kAlice, 125, "S-1"));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->credit, 4);  // four full half-hours
  EXPECT_EQ(line->place_id, kCompound);
  EXPECT_EQ(line->activity_id, held.id);
  const int64_t revision = core_->published_revision();
  EXPECT_EQ(line->revision, revision);
  // Again by key (other data) or by person: the same line, nothing written.
  EXPECT_THAT(Attend(held.id, Person(kBob, 30, "S-1")), IsOkAndHolds(*line));
  EXPECT_THAT(Attend(held.id, Person(kAlice, 300)), IsOkAndHolds(*line));
  EXPECT_EQ(core_->published_revision(), revision);
  // The line, the entry and the totals are one revision's.
  absl::StatusOr<std::vector<Event>> events = core_->ReadEvents(revision, 0, 10);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_TRUE(std::holds_alternative<Attendance>((*events)[0].after));
  EXPECT_TRUE(std::holds_alternative<CreditEntry>((*events)[1].after));
  EXPECT_TRUE(std::holds_alternative<Activity>((*events)[2].after));

  ASSERT_TRUE(Attend(held.id, Residents(40, "S-2")).ok());
  absl::StatusOr<Attendance> bob = Attend(held.id, Person(kBob, 29));
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(bob->credit, 0);
  absl::StatusOr<Activity> totals = core_->GetActivity(held.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->attendees, 2);
  EXPECT_EQ(totals->residents_served, 40);
  EXPECT_EQ(totals->service_minutes, 125 + 29);
  EXPECT_EQ(totals->credit_awarded, 4);

  absl::StatusOr<CreditAccount> account = core_->GetCreditAccount(kAlice);
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->balance, 4);
  EXPECT_EQ(account->earned_total, 4);
  EXPECT_EQ(account->revision, revision);
  absl::StatusOr<Page<CreditEntry>> entries = core_->ListCreditEntries({.person_id = kAlice});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].attendance_id, line->id);
  EXPECT_EQ(entries->items[0].amount, 4);
  // No entry for a line that earns nothing.
  EXPECT_THAT(core_->ListCreditEntries({.person_id = kBob})->items, IsEmpty());
  EXPECT_EQ(core_->GetCreditAccount(kBob)->balance, 0);
  EXPECT_EQ(Lines(held.id).size(), 3u);
}

TEST_F(ActivityCoreTest, PartyLifeEarnsNoCreditAndCapacityBoundsThePeople) {
  Activity a = NewActivity(kBranch, kCompound, ActivityKind::kThemedPartyDay);
  a.capacity = 2;
  const Activity held = MustHold(a);
  absl::StatusOr<Attendance> line = Attend(held.id, Person(kAlice, 120, "", AttendeeKind::kMember));
  ASSERT_TRUE(line.ok()) << line.status();
  EXPECT_EQ(line->credit, 0);
  ASSERT_TRUE(Attend(held.id, Person(kBob, 120, "", AttendeeKind::kMember)).ok());
  const int64_t revision = core_->published_revision();
  EXPECT_THAT(Attend(held.id, Person(kCarol, 120, "", AttendeeKind::kMember)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("capacity of 2")));
  // A head count is not bounded by it; bad fields name the field.
  ASSERT_TRUE(Attend(held.id, Residents(10)).ok());
  EXPECT_THAT(Attend(held.id, Person(kCarol, 0)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("attendance.minutes")));
  people_.Set(404, absl::NotFoundError("people/404"));
  EXPECT_THAT(Attend(held.id, Person(404, 30)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("attendance.person: people/404")));
  EXPECT_EQ(core_->published_revision(), revision + 1);
  EXPECT_EQ(core_->GetCreditAccount(kAlice)->balance, 0);
  // Only a HELD activity takes attendance.
  const Activity draft = MustCreate(NewActivity());
  EXPECT_THAT(Attend(draft.id, Person(kAlice, 60)),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("is DRAFT")));
  EXPECT_THAT(Attend(999, Person(kAlice, 60)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("parent: activities/999")));
}

TEST_F(ActivityCoreTest, RedemptionSpendsCreditAndNeverGoesBelowZero) {
  const Activity held = MustHold(NewActivity());
  ASSERT_TRUE(Attend(held.id, Person(kAlice, 150)).ok());  // 5 points
  const int64_t earned_at = core_->published_revision();
  EXPECT_THAT(Redeem(kAlice, 6),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("creditAccounts/101 has 5 points; 6 cannot be redeemed")));
  EXPECT_THAT(Redeem(kAlice, 0), StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("amount")));
  EXPECT_THAT(Redeem(kAlice, 1, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reason")));
  EXPECT_THAT(Redeem(kBob, 1), StatusIs(absl::StatusCode::kFailedPrecondition,
                                        HasSubstr("creditAccounts/102 has 0 points")));
  EXPECT_EQ(core_->published_revision(), earned_at);
  absl::StatusOr<CreditEntry> spent = Redeem(kAlice, 3, "兑换米面", "redeem-1");
  ASSERT_TRUE(spent.ok()) << spent.status();
  EXPECT_EQ(spent->amount, -3);
  EXPECT_EQ(spent->reason, "兑换米面");
  EXPECT_EQ(spent->attendance_id, 0);
  // A retry is the same entry.
  EXPECT_THAT(Redeem(kAlice, 3, "兑换米面", "redeem-1"), IsOkAndHolds(*spent));
  absl::StatusOr<CreditAccount> account = core_->GetCreditAccount(kAlice);
  ASSERT_TRUE(account.ok());
  EXPECT_EQ(account->balance, 2);
  EXPECT_EQ(account->earned_total, 5);
  EXPECT_EQ(account->redeemed_total, 3);
  const CreditPeriod month = MonthPeriod(CreditMonth(clock_.Now()));
  EXPECT_EQ(account->PeriodTotals(month), std::make_pair(int64_t{5}, int64_t{3}));
  absl::StatusOr<CreditPeriod> next_year =
      ParseCreditPeriod(absl::StrCat(CreditMonth(clock_.Now()).year() + 1), "period");
  ASSERT_TRUE(next_year.ok());
  EXPECT_EQ(account->PeriodTotals(*next_year), std::make_pair(int64_t{0}, int64_t{0}));
  // A read pinned before the redemption sees the balance then.
  EXPECT_EQ(core_->GetCreditAccount(kAlice, earned_at)->balance, 5);
  absl::StatusOr<Page<CreditEntry>> entries =
      core_->ListCreditEntries({.person_id = kAlice, .page_size = 1});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].amount, 5);
  ASSERT_FALSE(entries->next_page_token.empty());
  entries = core_->ListCreditEntries(
      {.person_id = kAlice, .page_size = 1, .page_token = entries->next_page_token});
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->items.size(), 1u);
  EXPECT_EQ(entries->items[0].amount, -3);
}

TEST_F(ActivityCoreTest, ASignInSheetIsImportedByRowAndOnlyOnce) {
  const Activity held = MustHold(NewActivity());
  people_.Set(404, absl::NotFoundError("people/404"));
  Attendance bad_minutes = Person(kBob, 0, "S-2");
  std::vector<Attendance> rows = {
      Person(kAlice, 60, "S-1"),  // recorded: 2 points
      bad_minutes,                // refused: minutes
      Person(404, 60, "S-3"),     // refused: person
      Residents(25, "S-4"),       // recorded
      Person(kAlice, 90, "S-5"),  // the same person again: unchanged
      Person(kCarol, 30, "S-1"),  // the same key again: unchanged
      Person(kBob, 60, "S-7"),    // recorded
  };
  const int64_t revision = core_->published_revision();
  const int calls = people_.calls();
  // validate_only: the answer, and nothing stored.
  absl::StatusOr<ImportAttendanceResult> checked = Import(held.id, rows, true);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->recorded, 3);
  EXPECT_EQ(checked->unchanged, 2);
  EXPECT_EQ(core_->published_revision(), revision);
  EXPECT_THAT(Lines(held.id), IsEmpty());
  // The roster is asked once per distinct person (Alice, Bob, 404, Carol).
  EXPECT_EQ(people_.calls(), calls + 4);

  absl::StatusOr<ImportAttendanceResult> result = Import(held.id, rows);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->recorded, 3);
  EXPECT_EQ(result->unchanged, 2);
  ASSERT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(result->errors[0].row, 1);
  EXPECT_EQ(result->errors[0].field, "attendances[1].minutes");
  EXPECT_EQ(result->errors[1].row, 2);
  EXPECT_EQ(result->errors[1].field, "attendances[2].person");
  EXPECT_THAT(result->errors[1].message, HasSubstr("people/404 does not exist"));
  ASSERT_EQ(result->ids.size(), rows.size());
  EXPECT_EQ(result->ids[1], 0);
  EXPECT_EQ(result->ids[2], 0);
  EXPECT_EQ(result->ids[4], result->ids[0]);
  EXPECT_EQ(result->ids[5], result->ids[0]);
  // One mutation for the whole sheet.
  EXPECT_EQ(core_->published_revision(), revision + 1);
  EXPECT_EQ(Lines(held.id).size(), 3u);
  absl::StatusOr<Activity> totals = core_->GetActivity(held.id);
  ASSERT_TRUE(totals.ok());
  EXPECT_EQ(totals->attendees, 2);
  EXPECT_EQ(totals->residents_served, 25);
  EXPECT_EQ(totals->service_minutes, 120);
  EXPECT_EQ(totals->credit_awarded, 4);
  EXPECT_EQ(core_->GetCreditAccount(kAlice)->balance, 2);
  EXPECT_EQ(core_->GetCreditAccount(kBob)->balance, 2);

  // Sent again: every good line is unchanged, nothing written.
  result = Import(held.id, rows);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->recorded, 0);
  EXPECT_EQ(result->unchanged, 5);
  EXPECT_EQ(result->errors.size(), 2u);
  EXPECT_EQ(core_->published_revision(), revision + 1);
  EXPECT_EQ(core_->GetCreditAccount(kAlice)->balance, 2);

  EXPECT_THAT(Import(held.id, {}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("attendances")));
  EXPECT_THAT(Import(999, rows), StatusIs(absl::StatusCode::kNotFound));
}

// --- Service points.

TEST_F(ActivityCoreTest, ServicePointsHaveUniqueLiveNamesPerUnit) {
  absl::StatusOr<ServicePoint> point = CreatePoint(kCompound, "邻里驿站");
  ASSERT_TRUE(point.ok()) << point.status();
  EXPECT_FALSE(point->deleted);
  EXPECT_THAT(
      CreatePoint(kCompound, "邻里驿站"),
      StatusIs(absl::StatusCode::kAlreadyExists,
               AllOf(HasSubstr("service_point.display_name"), HasSubstr("servicePoints/1"))));
  EXPECT_THAT(CreatePoint(88, "别处"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("units/88")));
  EXPECT_THAT(CreatePoint(kCompound, ""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("display_name")));
  absl::StatusOr<ServicePoint> other = CreatePoint(kOtherCompound, "邻里驿站");
  ASSERT_TRUE(other.ok()) << other.status();
  absl::StatusOr<ServicePoint> second = CreatePoint(kCompound, "党群服务站");
  ASSERT_TRUE(second.ok());

  ServicePointUpdate rename{.id = second->id, .paths = {"display_name"}};
  rename.values.display_name = "邻里驿站";
  EXPECT_THAT(
      Sync<ServicePoint>([&](auto done) { core_->UpdateServicePoint(caller_, rename, done); }),
      StatusIs(absl::StatusCode::kAlreadyExists));
  rename.values.display_name = "党群服务中心";
  absl::StatusOr<ServicePoint> renamed =
      Sync<ServicePoint>([&](auto done) { core_->UpdateServicePoint(caller_, rename, done); });
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->display_name, "党群服务中心");
  // Deleted: its name is free again, and it cannot be changed.
  EXPECT_THAT(Sync<ServicePoint>(
                  [&](auto done) { core_->DeleteServicePoint(caller_, point->id, "\"2\"", done); }),
              StatusIs(absl::StatusCode::kAborted));
  absl::StatusOr<ServicePoint> deleted = Sync<ServicePoint>([&](auto done) {
    core_->DeleteServicePoint(caller_, point->id, EtagForRevision(point->revision), done);
  });
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_TRUE(deleted->deleted);
  EXPECT_EQ(deleted->delete_time, clock_.Now());
  absl::StatusOr<ServicePoint> again = CreatePoint(kCompound, "邻里驿站");
  ASSERT_TRUE(again.ok()) << again.status();

  auto ids = [&](ListServicePointsQuery query) {
    std::vector<int64_t> found;
    absl::StatusOr<Page<ServicePoint>> page = core_->ListServicePoints(query);
    EXPECT_TRUE(page.ok()) << page.status();
    if (page.ok()) {
      for (const ServicePoint& p : page->items) found.push_back(p.id);
    }
    return found;
  };
  EXPECT_THAT(ids({.unit_id = kCommunity}), ElementsAre(second->id, again->id));
  EXPECT_THAT(ids({.unit_id = kCommunity, .show_deleted = true}),
              ElementsAre(point->id, second->id, again->id));
  EXPECT_THAT(ids({.unit_id = kStreet}), ElementsAre(other->id, second->id, again->id));
  EXPECT_THAT(ids({}), ElementsAre(other->id, second->id, again->id));
  EXPECT_EQ(core_->GetServicePoint(point->id)->deleted, true);
  EXPECT_THAT(core_->GetServicePoint(77), StatusIs(absl::StatusCode::kNotFound));
}

// --- Lists and restarts.

TEST_F(ActivityCoreTest, ListsFollowThePlaceSubtreeAndTheFilterWithPaging) {
  const Activity a = MustCreate(NewActivity(kBranch, kCompound));
  const Activity b = MustCreate(NewActivity(kOtherBranch, kOtherCompound));
  const Activity c = MustCreate(NewActivity(kCommittee, kCommunity, ActivityKind::kThemedPartyDay));
  clock_.Advance(absl::Hours(24 * 10));
  const Activity d = MustCreate(NewActivity(kBranch, kCompound, ActivityKind::kThemedPartyDay));
  ASSERT_TRUE(Submit(b.id).ok());

  EXPECT_THAT(ListIds({.place_id = kCommunity}), ElementsAre(a.id, c.id, d.id));
  EXPECT_THAT(ListIds({.place_id = kStreet, .page_size = 1}), ElementsAre(a.id, b.id, c.id, d.id));
  EXPECT_THAT(ListIds({.place_id = kOtherCommunity}), ElementsAre(b.id));
  EXPECT_THAT(ListIds({.filter = "state = SUBMITTED"}), ElementsAre(b.id));
  EXPECT_THAT(
      ListIds({.place_id = kCommunity, .filter = "kind = THEMED_PARTY_DAY", .page_size = 1}),
      ElementsAre(c.id, d.id));
  const std::string cut =
      absl::FormatTime(absl::RFC3339_sec, clock_.Now() - absl::Hours(24), absl::UTCTimeZone());
  EXPECT_THAT(ListIds({.filter = absl::StrCat("start_time >= \"", cut, "\"")}), ElementsAre(d.id));
  EXPECT_THAT(ListIds({.place_id = kStreet, .filter = absl::StrCat("start_time < \"", cut, "\"")}),
              ElementsAre(a.id, b.id, c.id));
  EXPECT_THAT(ListIds({.filter = "party_org = \"partyOrgs/3\""}), ElementsAre(a.id, d.id));
  // A subtree too large to gather is tested activity by activity: the same.
  directory_.SetMaxPlacesToList(1);
  EXPECT_THAT(ListIds({.place_id = kCommunity, .page_size = 2}), ElementsAre(a.id, c.id, d.id));
  EXPECT_THAT(core_->ListActivities({.filter = "state = LOST"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("filter")));
  // A token is for its own conditions.
  absl::StatusOr<Page<Activity>> page = core_->ListActivities({.page_size = 1});
  ASSERT_TRUE(page.ok());
  EXPECT_THAT(core_->ListActivities(
                  {.place_id = kCommunity, .page_size = 1, .page_token = page->next_page_token}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(ActivityCoreTest, ReadsPinnedAtARevisionSeeThatRevision) {
  const Activity made = MustCreate(NewActivity());
  const int64_t created = core_->published_revision();
  ActivityUpdate update{.id = made.id, .paths = {"place"}};
  update.values.place_id = kOtherCompound;
  ASSERT_TRUE(Update(update).ok());
  EXPECT_THAT(ListIds({.place_id = kCompound}), IsEmpty());
  EXPECT_THAT(ListIds({.place_id = kCompound, .read_revision = created}), ElementsAre(made.id));
  EXPECT_EQ(core_->GetActivity(made.id, created)->place_id, kCompound);
  EXPECT_THAT(core_->GetActivity(made.id, created + 5),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("read_revision")));
  EXPECT_THAT(Import(made.id, std::vector<Attendance>(kMaxImportRows + 1, Residents(1))),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("10000")));
}

TEST_F(ActivityCoreTest, EverythingReadsBackTheSameAfterARestart) {
  absl::StatusOr<ServicePoint> point = CreatePoint(kCompound, "邻里驿站");
  ASSERT_TRUE(point.ok());
  Activity planned = NewActivity();
  planned.place_id = 0;
  planned.service_point_id = point->id;
  planned.co_organisers = {"externalOrgs/9", "alliances/2"};
  const Activity held = MustHold(planned);
  ASSERT_TRUE(Import(held.id, {Person(kAlice, 95, "S-1"), Person(kBob, 61), Residents(12)}).ok());
  ASSERT_TRUE(Redeem(kAlice, 2).ok());
  clock_.Advance(absl::Hours(24 * 40));
  ASSERT_TRUE(Attend(held.id, Person(kCarol, 240)).ok());
  const Activity before = *core_->GetActivity(held.id);
  const std::vector<Attendance> lines = Lines(held.id);
  const CreditAccount alice = *core_->GetCreditAccount(kAlice);
  const CreditAccount carol = *core_->GetCreditAccount(kCarol);
  const ServicePoint point_before = *core_->GetServicePoint(point->id);
  const int64_t revision = core_->published_revision();
  EXPECT_EQ(alice.balance, 1);
  EXPECT_EQ(carol.balance, 8);

  Reopen();
  EXPECT_EQ(core_->published_revision(), revision);
  EXPECT_THAT(core_->GetActivity(held.id), IsOkAndHolds(before));
  EXPECT_EQ(Lines(held.id), lines);
  EXPECT_THAT(core_->GetCreditAccount(kAlice), IsOkAndHolds(alice));
  EXPECT_THAT(core_->GetCreditAccount(kCarol), IsOkAndHolds(carol));
  EXPECT_THAT(core_->GetServicePoint(point->id), IsOkAndHolds(point_before));
  // The rules hold on the state read back: the same lines are unchanged,
  // the name is still taken, ids go on.
  absl::StatusOr<ImportAttendanceResult> again =
      Import(held.id, {Person(kAlice, 95, "S-1"), Person(kBob, 61)});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->unchanged, 2);
  EXPECT_EQ(core_->published_revision(), revision);
  EXPECT_THAT(CreatePoint(kCompound, "邻里驿站"), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_THAT(Redeem(kAlice, 2),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("has 1 points")));
  const Activity next = MustCreate(NewActivity());
  EXPECT_EQ(next.id, held.id + 1);
}

}  // namespace
}  // namespace grassroots::activity::core_test
