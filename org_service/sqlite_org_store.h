#ifndef GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_
#define GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/sqlite_mutation_store.h"
#include "common/sqlite_store_support.h"
#include "org_service/org_store.h"

namespace grassroots::org {

// The org service's tables and columns (see the .cc for the schema); the
// store itself is the suite's one SqliteMutationStore.
struct OrgStoreSchema {
  using Snapshot = org::Snapshot;
  using Stored = StoredState;
  static constexpr int64_t kApplicationId = sqlite::kOrgStoreApplicationId;

  static std::vector<sqlite::ResourceTable> Tables();
  static std::vector<std::string> Migrations();
  static sqlite::ResourceKey KeyOf(const Snapshot& snapshot);
  static std::string NameOf(const Snapshot& snapshot);
  static void Bind(sqlite::Statement& statement, const Snapshot& snapshot);
  static absl::StatusOr<Snapshot> Read(int64_t kind, sqlite::RowReader& reader);
  static absl::Status ReadAll(const sqlite::ResourceStoreBase& store, sqlite::Database& db,
                              StoredState& state);
};

// OrgStore on one SQLite database file (SqliteMutationStore::Open).
using SqliteOrgStore = sqlite::SqliteMutationStore<OrgStoreSchema>;

}  // namespace grassroots::org

extern template class grassroots::sqlite::SqliteMutationStore<grassroots::org::OrgStoreSchema>;

#endif  // GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_
