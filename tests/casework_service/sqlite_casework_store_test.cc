// The casework store: the contract every store of the suite keeps, and its
// own columns read back exactly.

#include "casework_service/sqlite_casework_store.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/common/store_contract_test.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::casework {
namespace {

using ::grassroots::testing::AllRows;
using ::grassroots::testing::StoreContractTest;

Issue MakeIssue(int64_t id, int64_t revision) {
  Issue issue;
  issue.id = id;
  issue.place_id = 50 + id;
  issue.category = Category::kSafetyHazard;
  issue.channel = Channel::kGridWorker;
  issue.title = absl::StrCat("消防通道堵塞 ", id);
  issue.description = "三号楼北侧，电动车停放";
  issue.reporter_id = 11;
  issue.reporter_contact = "13800138000";
  issue.chain = {.compound_id = 40, .community_id = 30, .street_id = 20, .district_id = 10};
  issue.handling_level = HandlingLevel::kCommunity;
  issue.handling_party_org_id = 7;
  issue.assignee_id = 12;
  issue.due_time = absl::FromUnixMicros(1790000000123456);
  issue.state = IssueState::kEscalated;
  issue.state_reason = "小区物业无力处理";
  issue.satisfaction = Satisfaction::kBasicallySatisfied;
  issue.resolution = "已清理";
  issue.escalations = 1;
  issue.resolve_time = absl::FromUnixMicros(1790000000000001);
  issue.close_time = absl::FromUnixMicros(1790000000000002);
  issue.create_time = absl::FromUnixMicros(1789000000000000);
  issue.update_time = absl::FromUnixMicros(1789000000000009);
  issue.revision = revision;
  return issue;
}

Dispatch MakeDispatch(int64_t id, int64_t revision) {
  Dispatch dispatch;
  dispatch.issue_id = 3;
  dispatch.id = id;
  dispatch.place_id = 53;
  dispatch.department_org_id = 0;
  dispatch.department_name = "区城管局";
  dispatch.summoning_unit_id = 20;
  dispatch.due_time = absl::FromUnixMicros(1790000000000000);
  dispatch.state = DispatchState::kAcknowledged;
  dispatch.request = "清理占道";
  dispatch.report = "";
  dispatch.acknowledge_time = absl::FromUnixMicros(1789500000000000);
  dispatch.create_time = absl::FromUnixMicros(1789000000000000);
  dispatch.update_time = absl::FromUnixMicros(1789500000000000);
  dispatch.revision = revision;
  return dispatch;
}

}  // namespace

struct CaseworkStoreTraits {
  using Store = SqliteCaseworkStore;
  using Stored = StoredCasework;
  using Snapshot = casework::Snapshot;
  static constexpr char kFileName[] = "casework.db";
  static constexpr int kSchemaVersion = 2;
  static constexpr absl::string_view kUndoStepsAfter2 = "";
  static Snapshot Primary(int64_t id, int64_t revision, const std::string& label) {
    Issue issue = MakeIssue(id, revision);
    if (!label.empty()) issue.title = label;
    return issue;
  }
  static std::string PrimaryName(int64_t id) { return IssueName(id); }
  static Snapshot Secondary(int64_t id, int64_t revision) { return MakeDispatch(id, revision); }
  static std::string SecondaryName(int64_t id) { return DispatchName(3, id); }
  static std::vector<Snapshot> Current(const Stored& stored) {
    return AllRows<Snapshot>(stored.issues, stored.dispatches);
  }
  static int64_t Revision(const Stored& stored) { return stored.revision; }
};

namespace {

class SqliteCaseworkStoreTest : public StoreContractTest<CaseworkStoreTraits> {};

TEST_F(SqliteCaseworkStoreTest, EveryColumnReadsBackAsWritten) {
  ASSERT_NE(store_, nullptr);
  CommitOrFail({MutationAt(1, {Create(MakeIssue(4, 1)), Create(MakeDispatch(2, 1))})});
  store_.reset();
  store_ = OpenStore();
  ASSERT_NE(store_, nullptr);
  absl::StatusOr<StoredCasework> loaded = store_->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->issues.size(), 1u);
  EXPECT_EQ(loaded->issues[0], MakeIssue(4, 1));
  ASSERT_EQ(loaded->dispatches.size(), 1u);
  EXPECT_EQ(loaded->dispatches[0], MakeDispatch(2, 1));
  EXPECT_EQ(loaded->max_issue_id, 4);
  EXPECT_EQ(loaded->max_dispatch_id, 2);
}

}  // namespace
}  // namespace grassroots::casework

// The suite's symbols live beside its pattern.
namespace grassroots::testing {
INSTANTIATE_TYPED_TEST_SUITE_P(Casework, StoreContractTest,
                               ::grassroots::casework::CaseworkStoreTraits);
}  // namespace grassroots::testing
