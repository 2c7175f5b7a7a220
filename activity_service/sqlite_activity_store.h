#ifndef GRASSROOTS_ACTIVITY_SERVICE_SQLITE_ACTIVITY_STORE_H_
#define GRASSROOTS_ACTIVITY_SERVICE_SQLITE_ACTIVITY_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "activity_service/activity_store.h"
#include "common/sqlite_mutation_store.h"
#include "common/sqlite_store_support.h"

namespace grassroots::activity {

// The activity tables and columns (see the .cc for the schema); the store
// itself is the suite's one SqliteMutationStore.
struct ActivityStoreSchema {
  using Snapshot = activity::Snapshot;
  using Stored = StoredActivities;
  static constexpr int64_t kApplicationId = sqlite::kActivityStoreApplicationId;

  static std::vector<sqlite::ResourceTable> Tables();
  static std::vector<std::string> Migrations();
  static sqlite::ResourceKey KeyOf(const Snapshot& snapshot);
  static std::string NameOf(const Snapshot& snapshot);
  static void Bind(sqlite::Statement& statement, const Snapshot& snapshot);
  static absl::StatusOr<Snapshot> Read(int64_t kind, sqlite::RowReader& reader);
  static absl::Status ReadAll(const sqlite::ResourceStoreBase& store, sqlite::Database& db,
                              StoredActivities& stored);
};

// ActivityStore on one SQLite database file (SqliteMutationStore::Open).
using SqliteActivityStore = sqlite::SqliteMutationStore<ActivityStoreSchema>;

}  // namespace grassroots::activity

extern template class grassroots::sqlite::SqliteMutationStore<
    grassroots::activity::ActivityStoreSchema>;

#endif  // GRASSROOTS_ACTIVITY_SERVICE_SQLITE_ACTIVITY_STORE_H_
