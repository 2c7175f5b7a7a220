#ifndef GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_
#define GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "roster_service/roster_store.h"

namespace grassroots::roster {

// RosterStore on one SQLite database file in WAL mode, synchronous=FULL,
// as the org store (see the .cc for the schema).
class SqliteRosterStore final : public RosterStore {
 public:
  // As SqliteOrgStore::Open: creates or migrates; refuses another
  // application's file or a newer schema with FAILED_PRECONDITION.
  static absl::StatusOr<std::unique_ptr<SqliteRosterStore>> Open(const std::string& path);
  ~SqliteRosterStore() override;

  absl::StatusOr<StoredRoster> Load() override;
  absl::Status Commit(const std::vector<Mutation>& mutations) override;
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision, int32_t start_index,
                                                int limit) override;
  absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view request_id) override;

 private:
  struct Impl;
  explicit SqliteRosterStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_SQLITE_ROSTER_STORE_H_
