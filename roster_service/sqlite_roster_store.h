#ifndef GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_
#define GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sqlite_mutation_store.h"
#include "common/sqlite_store_support.h"
#include "roster_service/roster_store.h"

namespace grassroots::roster {

// The roster's tables and columns (see the .cc for the schema); the store
// itself is the suite's one SqliteMutationStore, which masks personal data
// in every message it returns.
struct RosterStoreSchema {
  using Snapshot = roster::Snapshot;
  using Stored = StoredRoster;
  static constexpr int64_t kApplicationId = sqlite::kRosterStoreApplicationId;

  static std::vector<sqlite::ResourceTable> Tables();
  static std::vector<std::string> Migrations();
  static sqlite::ResourceKey KeyOf(const Snapshot& snapshot);
  static std::string NameOf(const Snapshot& snapshot);
  static void Bind(sqlite::Statement& statement, const Snapshot& snapshot);
  static absl::StatusOr<Snapshot> Read(int64_t kind, sqlite::RowReader& reader);
  static absl::Status ReadAll(const sqlite::ResourceStoreBase& store, sqlite::Database& db,
                              StoredRoster& roster);
};

// RosterStore on one SQLite database file (SqliteMutationStore::Open).
using SqliteRosterStore = sqlite::SqliteMutationStore<RosterStoreSchema>;

}  // namespace grassroots::roster

extern template class grassroots::sqlite::SqliteMutationStore<
    grassroots::roster::RosterStoreSchema>;

#endif  // GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_
