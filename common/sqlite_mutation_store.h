#ifndef GRASSROOTS_COMMON_SQLITE_MUTATION_STORE_H_
#define GRASSROOTS_COMMON_SQLITE_MUTATION_STORE_H_

// The one SQLite store of the suite: MutationStore over ResourceStore for
// any service's schema. A service writes no store class, only its schema:
// the tables, a codec for each resource's columns, its migrations, and how
// the current rows become its `Stored` state.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"
#include "common/mutation_store.h"
#include "common/personal_data.h"
#include "common/sqlite_store_support.h"
#include "common/status_macros.h"

namespace grassroots::sqlite {

// A service's schema: a StoreCodec (its resources' tables and columns)
// that also says
//   using Stored = ...;                    // the whole current state, with
//                                          // an `int64_t revision`
//   static constexpr int64_t kApplicationId;  // stamped in the file
//   static std::vector<std::string> Migrations();  // schema versions 1, 2, ...
//   // Reads every current row into `stored` (ReadCurrent per kind) and
//   // whatever it derives from them (the largest ids).
//   static absl::Status ReadAll(const ResourceStoreBase&, Database&, Stored&);
template <typename S>
concept StoreSchema = StoreCodec<S> &&
    requires(const ResourceStoreBase& store, Database& db, typename S::Stored& stored) {
  { S::kApplicationId } -> std::convertible_to<int64_t>;
  { S::Migrations() } -> std::same_as<std::vector<std::string>>;
  { S::ReadAll(store, db, stored) } -> std::same_as<absl::Status>;
  { stored.revision } -> std::convertible_to<int64_t>;
};

// MutationStore on one SQLite database file in WAL mode with
// synchronous=FULL (see sqlite_store_support.h for the table shapes, the
// durability settings and why).
//
// Every error it returns has anything that looks like an ID-card or phone
// number masked in its message (a constraint's message may quote a value);
// its payloads (kStorageFaultCause) are kept, as they hold no data.
//
// Thread-safe as MutationStore requires.
template <StoreSchema Schema>
class SqliteMutationStore final
    : public MutationStore<typename Schema::Snapshot, typename Schema::Stored> {
 public:
  using Snapshot = typename Schema::Snapshot;
  using Stored = typename Schema::Stored;
  using Mutation = ::grassroots::Mutation<Snapshot>;
  using Event = ::grassroots::Event<Snapshot>;

  // Opens `path`, creating it and its schema when absent and migrating an
  // older schema. FAILED_PRECONDITION with a clear message when the file is
  // not an SQLite database, belongs to another application, or was written
  // by a newer version (its schema version is above ours); the file is
  // left untouched then. UNAVAILABLE when it cannot be opened for writing.
  static absl::StatusOr<std::unique_ptr<SqliteMutationStore>> Open(const std::string& path) {
    const std::vector<std::string> migrations = Schema::Migrations();
    const std::vector<absl::string_view> views(migrations.begin(), migrations.end());
    absl::StatusOr<std::unique_ptr<ResourceStore<Schema>>> store =
        ResourceStore<Schema>::Open(path, Schema::kApplicationId, views);
    if (!store.ok()) return Redacted(store.status());
    return absl::WrapUnique(new SqliteMutationStore(*std::move(store)));
  }

  absl::StatusOr<Stored> Load() override {
    Stored stored;
    absl::StatusOr<int64_t> revision =
        store_->ReadState([&](Database& db) { return Schema::ReadAll(*store_, db, stored); });
    if (!revision.ok()) return Redacted(revision.status());
    stored.revision = *revision;
    return stored;
  }

  absl::Status Commit(const std::vector<Mutation>& mutations) override {
    return Redacted(store_->Commit(mutations));
  }

  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision, int32_t start_index,
                                                int limit) override {
    absl::StatusOr<std::vector<Event>> events =
        store_->ReadEvents(start_revision, start_index, limit);
    if (!events.ok()) return Redacted(events.status());
    return events;
  }

  absl::StatusOr<std::optional<std::string>> LookupRequest(absl::string_view request_id) override {
    absl::StatusOr<std::optional<std::string>> name = store_->LookupRequest(request_id);
    if (!name.ok()) return Redacted(name.status());
    return name;
  }

 private:
  explicit SqliteMutationStore(std::unique_ptr<ResourceStore<Schema>> store)
      : store_(std::move(store)) {}

  static absl::Status Redacted(const absl::Status& status) {
    if (status.ok()) return status;
    absl::Status redacted(status.code(), RedactPersonalData(status.message()));
    status.ForEachPayload([&](absl::string_view type_url, const absl::Cord& payload) {
      redacted.SetPayload(type_url, payload);
    });
    return redacted;
  }

  const std::unique_ptr<ResourceStore<Schema>> store_;
};

}  // namespace grassroots::sqlite

#endif  // GRASSROOTS_COMMON_SQLITE_MUTATION_STORE_H_
