#ifndef GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_
#define GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "org_service/org_store.h"

namespace grassroots::org {

// OrgStore on one SQLite database file in WAL mode (see the .cc for the
// schema, the synchronous level and why).
class SqliteOrgStore final : public OrgStore {
 public:
  // Opens `path`, creating it and its schema when absent and migrating an
  // older schema. FAILED_PRECONDITION with a clear message when the file is
  // not an SQLite database, or was written by a newer version (its schema
  // version is above ours); the file is left untouched then.
  static absl::StatusOr<std::unique_ptr<SqliteOrgStore>> Open(const std::string& path);

  ~SqliteOrgStore() override;

  absl::StatusOr<StoredState> Load() override;
  absl::Status Commit(const std::vector<Mutation>& mutations) override;
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision, int32_t start_index,
                                                int limit) override;
  absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view request_id) override;

 private:
  struct Impl;
  explicit SqliteOrgStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_SQLITE_ORG_STORE_H_
