// The activity store: the contract every store of the suite keeps, and its
// own columns read back exactly for each of its four kinds.

#include "activity_service/sqlite_activity_store.h"

#include <string>
#include <vector>

#include "common/sqlite.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/store_contract_test.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::activity {
namespace {

using ::grassroots::testing::AllRows;
using ::grassroots::testing::StoreContractTest;

Activity MakeActivity(int64_t id, int64_t revision) {
  Activity activity;
  activity.id = id;
  activity.party_org_id = 3;
  activity.kind = ActivityKind::kNeighbourhoodFestival;
  activity.theme = absl::StrCat("邻里节 ", id);
  activity.description = "百家宴，联系 13800138000";
  activity.place_id = 40 + id;
  activity.service_point_id = 6;
  activity.start_time = absl::FromUnixMicros(1796000000123456);
  activity.end_time = absl::FromUnixMicros(1796007200000001);
  activity.organiser_id = 21;
  activity.capacity = 300;
  activity.co_organisers = {"externalOrgs/3", "alliances/2", "externalOrgs/17"};
  activity.state = ActivityState::kHeld;
  activity.state_reason = "上次退回：时间冲突";
  activity.approver_id = 2;
  activity.party_org_unit_ids = {40, 41, 1234567890123};
  activity.attendees = 12;
  activity.residents_served = 80;
  activity.service_minutes = 9000000000;  // past 32 bits
  activity.credit_awarded = 24;
  activity.create_time = absl::FromUnixMicros(1795000000000000);
  activity.update_time = absl::FromUnixMicros(1795000000000009);
  activity.revision = revision;
  return activity;
}

Attendance MakeAttendance(int64_t id, int64_t revision) {
  Attendance attendance;
  attendance.activity_id = 7;
  attendance.id = id;
  attendance.place_id = 47;
  attendance.kind = AttendeeKind::kInServiceMember;
  attendance.person_id = 21;
  attendance.head_count = 0;
  attendance.minutes = 95;
  attendance.credit = 3;
  attendance.key = "签到表/第4行";
  attendance.create_time = absl::FromUnixMicros(1796003600000007);
  attendance.revision = revision;
  return attendance;
}

CreditEntry MakeCreditEntry(int64_t id, int64_t revision) {
  CreditEntry entry;
  entry.person_id = 21;
  entry.id = id;
  entry.amount = -15;
  entry.activity_id = 0;
  entry.attendance_id = 0;
  entry.reason = "兑换米面油";
  entry.create_time = absl::FromUnixMicros(1796100000000003);
  entry.revision = revision;
  return entry;
}

ServicePoint MakeServicePoint(int64_t id, int64_t revision) {
  ServicePoint point;
  point.id = id;
  point.unit_id = 40;
  point.display_name = "幸福里养老服务点";
  point.kind = ServicePointKind::kElderlyServicePoint;
  point.address = "幸福路12号";
  point.deleted = true;
  point.create_time = absl::FromUnixMicros(1790000000000001);
  point.update_time = absl::FromUnixMicros(1791000000000002);
  point.delete_time = absl::FromUnixMicros(1791000000000002);
  point.revision = revision;
  return point;
}

}  // namespace

struct ActivityStoreTraits {
  using Store = SqliteActivityStore;
  using Stored = StoredActivities;
  using Snapshot = activity::Snapshot;
  static constexpr char kFileName[] = "activity.db";
  static constexpr int kSchemaVersion = 2;
  static constexpr absl::string_view kUndoStepsAfter2 = "";
  static Snapshot Primary(int64_t id, int64_t revision, const std::string& label) {
    Activity activity = MakeActivity(id, revision);
    if (!label.empty()) activity.theme = label;
    return activity;
  }
  static std::string PrimaryName(int64_t id) { return ActivityName(id); }
  static Snapshot Secondary(int64_t id, int64_t revision) { return MakeServicePoint(id, revision); }
  static std::string SecondaryName(int64_t id) { return ServicePointName(id); }
  static std::vector<Snapshot> Current(const Stored& stored) {
    return AllRows<Snapshot>(stored.activities, stored.attendances, stored.credit_entries,
                             stored.service_points);
  }
  static int64_t Revision(const Stored& stored) { return stored.revision; }
};

namespace {

class SqliteActivityStoreTest : public StoreContractTest<ActivityStoreTraits> {};

TEST_F(SqliteActivityStoreTest, EveryColumnOfEveryKindReadsBackAsWritten) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MutationAt(1, {Create(MakeActivity(4, 1)), Create(MakeAttendance(2, 1)),
                               Create(MakeCreditEntry(9, 1)), Create(MakeServicePoint(3, 1))})});
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  absl::StatusOr<StoredActivities> loaded = store_->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->activities.size(), 1u);
  EXPECT_EQ(loaded->activities[0], MakeActivity(4, 1));
  ASSERT_EQ(loaded->attendances.size(), 1u);
  EXPECT_EQ(loaded->attendances[0], MakeAttendance(2, 1));
  ASSERT_EQ(loaded->credit_entries.size(), 1u);
  EXPECT_EQ(loaded->credit_entries[0], MakeCreditEntry(9, 1));
  ASSERT_EQ(loaded->service_points.size(), 1u);
  EXPECT_EQ(loaded->service_points[0], MakeServicePoint(3, 1));
  EXPECT_EQ(loaded->revision, 1);
  EXPECT_EQ(loaded->max_activity_id, 4);
  EXPECT_EQ(loaded->max_attendance_id, 2);
  EXPECT_EQ(loaded->max_credit_entry_id, 9);
  EXPECT_EQ(loaded->max_service_point_id, 3);

  // The event log reads each kind back too.
  absl::StatusOr<std::vector<Event>> events = store_->ReadEvents(1, 0, 10);
  ASSERT_TRUE(events.ok()) << events.status();
  ASSERT_EQ(events->size(), 4u);
  EXPECT_EQ((*events)[0].after, Snapshot(MakeActivity(4, 1)));
  EXPECT_EQ((*events)[1].after, Snapshot(MakeAttendance(2, 1)));
  EXPECT_EQ((*events)[2].after, Snapshot(MakeCreditEntry(9, 1)));
  EXPECT_EQ((*events)[3].after, Snapshot(MakeServicePoint(3, 1)));
}

TEST_F(SqliteActivityStoreTest, EmptyListsAndAnEarningEntryReadBack) {
  ASSERT_NE(store_, nullptr);
  Activity bare = MakeActivity(5, 1);
  bare.co_organisers.clear();
  bare.party_org_unit_ids.clear();
  bare.service_point_id = 0;
  bare.description = "";
  CreditEntry earned = MakeCreditEntry(10, 1);
  earned.amount = 3;
  earned.activity_id = 7;
  earned.attendance_id = 2;
  earned.reason = "";
  Attendance residents = MakeAttendance(3, 1);
  residents.kind = AttendeeKind::kResidents;
  residents.person_id = 0;
  residents.head_count = 80;
  residents.minutes = 0;
  residents.credit = 0;
  residents.key = "";
  ServicePoint live = MakeServicePoint(4, 1);
  live.deleted = false;
  live.delete_time = absl::UnixEpoch();
  CommitOrFail(
      {MutationAt(1, {Create(bare), Create(earned), Create(residents), Create(live)}, "req-1")});
  const StoredActivities stored = LoadAfterReopen();
  EXPECT_THAT(stored.activities, ::testing::ElementsAre(bare));
  EXPECT_THAT(stored.credit_entries, ::testing::ElementsAre(earned));
  EXPECT_THAT(stored.attendances, ::testing::ElementsAre(residents));
  EXPECT_THAT(stored.service_points, ::testing::ElementsAre(live));
  EXPECT_EQ(Lookup("req-1"), "activities/5");
}

TEST_F(SqliteActivityStoreTest, AFileOfAnotherStoreIsRefused) {
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto db, sqlite::Database::Open(path_));
    EXPECT_THAT(db->QueryInt64("PRAGMA application_id"),
                ::grassroots::testing::IsOkAndHolds(0x47524143));  // "GRAC"
    ASSERT_OK(db->Exec("PRAGMA application_id = 1196573527"));     // the casework store's "GRCW"
  }
  EXPECT_THAT(OpenExpectingRefusal().message(),
              ::testing::HasSubstr("belongs to another application"));
}

}  // namespace
}  // namespace grassroots::activity

// The suite's symbols live beside its pattern.
namespace grassroots::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Activity, StoreContractTest,
                               ::grassroots::activity::ActivityStoreTraits);
}  // namespace grassroots::testing
