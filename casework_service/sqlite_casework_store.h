#ifndef GRASSROOTS_CASEWORK_SERVICE_SQLITE_CASEWORK_STORE_H_
#define GRASSROOTS_CASEWORK_SERVICE_SQLITE_CASEWORK_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "casework_service/casework_store.h"
#include "common/sqlite_mutation_store.h"
#include "common/sqlite_store_support.h"

namespace grassroots::casework {

// The casework tables and columns (see the .cc for the schema); the store
// itself is the suite's one SqliteMutationStore.
struct CaseworkStoreSchema {
  using Snapshot = casework::Snapshot;
  using Stored = StoredCasework;
  static constexpr int64_t kApplicationId = sqlite::kCaseworkStoreApplicationId;

  static std::vector<sqlite::ResourceTable> Tables();
  static std::vector<std::string> Migrations();
  static sqlite::ResourceKey KeyOf(const Snapshot& snapshot);
  static std::string NameOf(const Snapshot& snapshot);
  static void Bind(sqlite::Statement& statement, const Snapshot& snapshot);
  static absl::StatusOr<Snapshot> Read(int64_t kind, sqlite::RowReader& reader);
  static absl::Status ReadAll(const sqlite::ResourceStoreBase& store, sqlite::Database& db,
                              StoredCasework& stored);
};

// CaseworkStore on one SQLite database file (SqliteMutationStore::Open).
using SqliteCaseworkStore = sqlite::SqliteMutationStore<CaseworkStoreSchema>;

}  // namespace grassroots::casework

extern template class grassroots::sqlite::SqliteMutationStore<
    grassroots::casework::CaseworkStoreSchema>;

#endif  // GRASSROOTS_CASEWORK_SERVICE_SQLITE_CASEWORK_STORE_H_
