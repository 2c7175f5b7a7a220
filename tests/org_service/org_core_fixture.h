#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_CORE_FIXTURE_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_CORE_FIXTURE_H_

// An OrgCore on a real SQLite store in a temporary directory, reopened at
// will (a restart), with a district, another district, a street and a
// community to build on, for the tests of the org core's newer resources.

#include <future>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "org_service/org_core.h"
#include "org_service/sqlite_org_store.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::org::testing {

// A clock that stands still until a test moves it.
class FixedClock final : public Clock {
 public:
  absl::Time Now() const override { return now; }
  absl::Time now = absl::FromUnixSeconds(1790000000);
};

// Calls `call(done)` and waits for `done`'s result.
template <typename T, typename Call>
absl::StatusOr<T> Sync(Call call) {
  std::promise<absl::StatusOr<T>> promise;
  call([&](absl::StatusOr<T> result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

class OrgCoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    Open();
    district_ = MustCreate(0, Level::kDistrict, "D");
    other_district_ = MustCreate(0, Level::kDistrict, "E");
    street_ = MustCreate(district_, Level::kStreet, "S");
    community_ = MustCreate(street_, Level::kCommunity, "C");
  }
  // (Re)opens the store and starts a core on it.
  void Open() {
    core_.reset();
    store_.reset();
    auto store = SqliteOrgStore::Open(dir_.File("org.db"));
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    core_ = std::make_unique<OrgCore>(store_.get(), &clock_);
    ASSERT_TRUE(core_->Start().ok());
  }
  absl::StatusOr<Unit> CreateUnit(int64_t parent, Level level, std::string code,
                                  UnitDetails details = {}) {
    Unit unit;
    unit.parent_id = parent;
    unit.level = level;
    unit.display_name = "幸福" + code;
    unit.code = std::move(code);
    unit.details = std::move(details);
    return Sync<Unit>([&](auto done) { core_->CreateUnit(caller_, unit, "", done); });
  }
  int64_t MustCreate(int64_t parent, Level level, std::string code) {
    absl::StatusOr<Unit> unit = CreateUnit(parent, level, std::move(code));
    EXPECT_TRUE(unit.ok()) << unit.status();
    return unit.ok() ? unit->id : 0;
  }
  absl::StatusOr<ExternalOrg> CreateExternal(int64_t district, ExternalOrgKind kind,
                                             std::string code = "") {
    ExternalOrg org;
    org.district_id = district;
    org.kind = kind;
    org.display_name = "湘江物业服务有限公司";
    org.credit_code = std::move(code);
    return Sync<ExternalOrg>([&](auto done) { core_->CreateExternalOrg(caller_, org, "", done); });
  }

  ::grassroots::testing::TempDir dir_;
  FixedClock clock_;
  Caller caller_{"tester"};
  std::unique_ptr<SqliteOrgStore> store_;
  std::unique_ptr<OrgCore> core_;
  int64_t district_ = 0, other_district_ = 0, street_ = 0, community_ = 0;
};

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_CORE_FIXTURE_H_
