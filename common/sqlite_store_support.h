#ifndef GRASSROOTS_COMMON_SQLITE_STORE_SUPPORT_H_
#define GRASSROOTS_COMMON_SQLITE_STORE_SUPPORT_H_

// What the suite's SQLite stores share (org_service/sqlite_org_store.cc,
// roster_service/sqlite_roster_store.cc): their column encodings, the shape
// of their tables, and ResourceStore, which does all of a store's work that
// does not depend on what its resources are.
//
// Tables
// ------
// For every kind of resource a store keeps:
//   <current>    id INTEGER PRIMARY KEY (the rowid) and the resource's
//                columns: one row per resource, deleted ones too (deletion
//                is soft), so Load reads it in id order with one sequential
//                scan and no sort.
//   <history>    the same columns, PRIMARY KEY (id, revision), WITHOUT
//                ROWID: the resource as it was after each revision that
//                changed it; a lookup is one b-tree probe.
// and, once per file (EventLogSchemaV1):
//   events       one row per change: PRIMARY KEY (revision, idx), the
//                mutation's time, actor and method, the resource (kind, id)
//                and the revisions of its `before` (NULL for a creation) and
//                `after` history rows. ReadEvents joins those back into
//                snapshots, so a snapshot is stored once.
//   request_ids  request_id PRIMARY KEY -> the created resource's name and
//                the revision, for idempotent creates.
//
// Column encodings: times are int64 microseconds since the Unix epoch (finer
// parts of an absl::Time are dropped); booleans and enums are integers with
// the values of the domain headers; dates are TEXT 'YYYY-MM-DD' or NULL.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL would
// already survive kill -9, but not power loss: the last commits could vanish
// although they were acknowledged. FULL fsyncs the WAL on every commit; the
// services keep that affordable by group commit (many mutations per Commit,
// one transaction, one fsync), and all writes of a batch go through cached
// prepared statements.
//
// Connections: one writer (Load, Commit) and one read-only reader
// (ReadEvents, LookupRequest), each behind its own mutex. WAL lets the
// reader see the last commit while a write is in progress, so readers never
// wait for a Commit's fsync.

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/mutation.h"
#include "common/sqlite.h"
#include "common/status_macros.h"

namespace grassroots::sqlite {

// ---------------------------------------------------------------------------
// Application ids

// PRAGMA application_id of each store's file, kept side by side so that no
// two collide: ApplyMigrations refuses a file stamped with another one.
inline constexpr int64_t kOrgStoreApplicationId = 0x47524f52;       // "GROR", GRassroots ORg
inline constexpr int64_t kRosterStoreApplicationId = 0x47525253;    // "GRRS", GRassroots RoSter
inline constexpr int64_t kCaseworkStoreApplicationId = 0x47524357;  // "GRCW", GRassroots CaseWork
inline constexpr int64_t kActivityStoreApplicationId = 0x47524143;  // "GRAC", GRassroots ACtivity
static_assert(kOrgStoreApplicationId != kRosterStoreApplicationId);
static_assert(kCaseworkStoreApplicationId != kOrgStoreApplicationId &&
              kCaseworkStoreApplicationId != kRosterStoreApplicationId);

// ---------------------------------------------------------------------------
// Column encodings

// A date as stored: 'YYYY-MM-DD' for years 0 to 9999, so that dates sort as
// text; absl::FormatCivilTime's form for other years. Hand-rolled because
// Load parses millions of them: absl's general parser takes about 450 ns a
// date, this one 30.
std::string FormatDate(absl::CivilDay day);
// The date FormatDate wrote as `text`, or nullopt when `text` is not one
// (including days that do not exist, such as 2023-02-30).
std::optional<absl::CivilDay> ParseDate(absl::string_view text);

// Binds parameters 1, 2, 3, ... in the order of the calls, so that a row is
// bound in the order of its column list. A binding error is kept by the
// Statement and returned by its next Step.
class Binder {
 public:
  explicit Binder(Statement& statement) : statement_(statement) {}

  Binder& Int(int64_t value) {
    statement_.BindInt64(++index_, value);
    return *this;
  }
  Binder& Bool(bool value) { return Int(value ? 1 : 0); }
  template <typename E>
  Binder& Enum(E value) {
    return Int(static_cast<int64_t>(value));
  }
  Binder& Time(absl::Time time) { return Int(absl::ToUnixMicros(time)); }
  Binder& Text(absl::string_view value) {
    statement_.BindText(++index_, value);
    return *this;
  }
  Binder& Date(absl::CivilDay day) { return Text(FormatDate(day)); }
  // NULL when unset.
  Binder& OptionalDate(const std::optional<absl::CivilDay>& day) {
    return day.has_value() ? Date(*day) : Null();
  }
  Binder& Null(int count = 1) {
    for (int i = 0; i < count; ++i) statement_.BindNull(++index_);
    return *this;
  }
  // The columns a resource keeps of its life, in the order every table has
  // them: create_time, update_time, revision.
  template <typename Resource>
  Binder& Lifetime(const Resource& r) {
    return Time(r.create_time).Time(r.update_time).Int(r.revision);
  }
  // As Lifetime, for a soft-deletable resource: create_time, update_time,
  // deleted, delete_time, delete_revision, revision.
  template <typename Resource>
  Binder& SoftDeletableLifetime(const Resource& r) {
    Time(r.create_time).Time(r.update_time).Bool(r.deleted).Time(r.delete_time);
    return Int(r.delete_revision).Int(r.revision);
  }

 private:
  Statement& statement_;
  int index_ = 0;
};

// Reads columns first, first + 1, ... of the statement's current row in
// turn, in the encodings above.
class RowReader {
 public:
  RowReader(const Statement& statement, int first) : statement_(statement), column_(first) {}

  int64_t Int() { return statement_.ColumnInt64(column_++); }
  bool Bool() { return Int() != 0; }
  template <typename E>
  E As() {
    return static_cast<E>(Int());
  }
  absl::Time Time() { return absl::FromUnixMicros(Int()); }
  std::string Text() { return std::string(statement_.ColumnText(column_++)); }
  // The next column as a date. DATA_LOSS naming `column_name` (never quoting
  // the value, which may be personal data) when it is not one.
  absl::StatusOr<absl::CivilDay> Date(absl::string_view column_name);
  // As Date, but NULL reads as nullopt.
  absl::StatusOr<std::optional<absl::CivilDay>> OptionalDate(absl::string_view column_name);
  void Skip(int count) { column_ += count; }
  // What Binder::Lifetime and Binder::SoftDeletableLifetime bound.
  template <typename Resource>
  void Lifetime(Resource& r) {
    r.create_time = Time();
    r.update_time = Time();
    r.revision = Int();
  }
  template <typename Resource>
  void SoftDeletableLifetime(Resource& r) {
    r.create_time = Time();
    r.update_time = Time();
    r.deleted = Bool();
    r.delete_time = Time();
    r.delete_revision = Int();
    r.revision = Int();
  }

 private:
  const Statement& statement_;
  int column_;
};

// ---------------------------------------------------------------------------
// Schema

// The DDL of a resource kind's two tables (see the top of this file);
// `columns_ddl` declares the columns after "id", separated by commas, the
// last of them `revision`.
std::string ResourceTablesSchema(absl::string_view table, absl::string_view history_table,
                                 absl::string_view columns_ddl);

// The DDL of the events and request_ids tables of a store's schema version
// 1. `kinds` lists the values of events.kind ("1, 2"); `kinds_comment` says
// what they are ("1 unit, 2 party org"). Published schemas hold this text:
// never change it; add a migration step instead.
std::string EventLogSchemaV1(absl::string_view kinds, absl::string_view kinds_comment);

// Schema step 2 of every store: request ids became per principal (the key
// is "principal/request_id", IdempotencyKey in common/commit_engine.h). The
// ids of older files are given the principal of the create that used them,
// the actor of its event.
std::string RequestIdsByPrincipalV2();

// A migration step that lets events.kind take `kinds` ("1, 2, 3"): SQLite
// cannot alter a CHECK constraint, so the table is made anew with the
// version 1 columns and the rows copied over, in the migration's
// transaction. Costs one pass over the event log, once.
std::string WidenEventKinds(absl::string_view kinds, absl::string_view kinds_comment);

// A migration step that adds columns to a resource kind's two tables: one
// ALTER TABLE per column and table. Each of `column_ddls` declares one
// column ("post INTEGER NOT NULL DEFAULT 0"); a NOT NULL column needs a
// DEFAULT, which the rows already there take. Appended columns go last in
// both tables; ResourceTable::columns names them, so their place in the
// codec's order is the store's choice.
std::string AddResourceColumns(absl::string_view table, absl::string_view history_table,
                               absl::Span<const absl::string_view> column_ddls);

// One kind of resource as stored. `kind` is its value in events.kind: a
// store numbers its kinds 1, 2, ... in the order it lists them. `columns`
// are those of both tables, "id" first, in the order the store's codec binds
// and reads them.
struct ResourceTable {
  int64_t kind = 0;
  absl::string_view table;
  absl::string_view history_table;
  absl::Span<const absl::string_view> columns;
};

// The statements on one kind's tables.
struct ResourceSql {
  explicit ResourceSql(const ResourceTable& table);

  // Makes the bound row the current one. An upsert on id, not INSERT OR
  // REPLACE, which deletes and reinserts the row, and would resolve a
  // conflict on any UNIQUE index a later schema adds by silently deleting
  // the other resource.
  std::string upsert_current;
  std::string insert_history;  // fails on a duplicate (id, revision)
  std::string select_current;  // every current row, ascending by id
  std::string select_max_id;   // NULL, read as 0, for an empty table
};

// ---------------------------------------------------------------------------
// ResourceStore

// The kind (as in ResourceTable), id and revision of a snapshot.
struct ResourceKey {
  int64_t kind = 0;
  int64_t id = 0;
  int64_t revision = 0;
};

// What ResourceStore needs to know of a store's resources: a class with
// static members only. `Snapshot` is the store's std::variant of resource
// types.
template <typename C>
concept StoreCodec = requires(const typename C::Snapshot& snapshot, Statement& statement,
                              RowReader& reader, int64_t kind) {
  // Every kind, in the order of their kind values 1, 2, ...
  { C::Tables() } -> std::same_as<std::vector<ResourceTable>>;
  { C::KeyOf(snapshot) } -> std::same_as<ResourceKey>;
  // The resource's name ("units/7"), remembered with a request_id.
  { C::NameOf(snapshot) } -> std::same_as<std::string>;
  // Binds every column of the snapshot's kind, in the order of its columns.
  { C::Bind(statement, snapshot) } -> std::same_as<void>;
  // Reads a resource of `kind`, its columns in order. DATA_LOSS for a value
  // that cannot be stored data.
  { C::Read(kind, reader) } -> std::same_as<absl::StatusOr<typename C::Snapshot>>;
};

// The part of ResourceStore that does not depend on the codec.
class ResourceStoreBase {
 public:
  ResourceStoreBase(const ResourceStoreBase&) = delete;
  ResourceStoreBase& operator=(const ResourceStoreBase&) = delete;

  // The resource name a committed mutation with `request_id` remembered, or
  // nullopt when none did. Thread-safe.
  absl::StatusOr<std::optional<std::string>> LookupRequest(absl::string_view request_id)
      ABSL_LOCKS_EXCLUDED(read_mu_);

  // For a store's Load: calls `read` with the writer connection, inside one
  // transaction so that all its reads see one state of the file, and returns
  // the last committed revision (0 when none). Returns read's error, if any.
  absl::StatusOr<int64_t> ReadState(absl::FunctionRef<absl::Status(Database&)> read)
      ABSL_LOCKS_EXCLUDED(write_mu_);

  // Every current row of `kind` (one of the store's), ascending by id, read
  // by `read` from its first column: for Load, with the Database ReadState
  // passes. An error of `read` is returned with the table and the row's id
  // in front of its message.
  template <typename Row>
  absl::StatusOr<std::vector<Row>> ReadCurrent(Database& db, int64_t kind,
                                               absl::StatusOr<Row> (*read)(RowReader&)) const;

 protected:
  struct Connections {
    std::unique_ptr<Database> writer;
    std::unique_ptr<Database> reader;
  };

  // What one change writes besides its resource's row.
  struct ChangeRecord {
    int64_t revision = 0;
    int32_t index = 0;
    absl::Time time;
    absl::string_view actor;
    absl::string_view method;
    std::optional<int64_t> before_revision;  // unset for a creation
    ResourceKey after;
  };

  // An event as stored; the snapshots are read by the codec from
  // before_column (when the event has a before with a history row) and
  // after_column of the same row.
  struct EventRecord {
    int64_t revision = 0;
    int32_t index = 0;
    absl::Time time;
    std::string actor;
    std::string method;
    int64_t kind = 0;
    std::optional<int> before_column;
    int after_column = 0;
  };

  // Opens (or creates) `path`: checks and migrates it with ApplyMigrations
  // before anything is written to it, then switches it to WAL, then opens
  // the reader. INTERNAL when `tables` do not follow ResourceTable's rules;
  // Database::Open's and ApplyMigrations' errors otherwise.
  static absl::StatusOr<Connections> Open(const std::string& path, int64_t application_id,
                                          absl::Span<const absl::string_view> migrations,
                                          absl::Span<const ResourceTable> tables);
  ResourceStoreBase(Connections connections, absl::Span<const ResourceTable> tables);
  ~ResourceStoreBase();

  // Compiles every statement the store runs, so that a mistake in its
  // tables or columns shows when the store opens. INTERNAL then.
  absl::Status PrepareStatements() ABSL_LOCKS_EXCLUDED(write_mu_, read_mu_);

  // Inside the writer's transaction: makes the row `bind` binds the current
  // one of its resource and a history row, and records the event.
  absl::Status WriteChange(const ChangeRecord& change, absl::FunctionRef<void(Statement&)> bind)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  absl::Status WriteRequestId(absl::string_view request_id, absl::string_view name,
                              int64_t revision) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  // Runs the events query on the reader from (start_revision, start_index)
  // on, at most `limit` rows, for ReadEvent to read row by row.
  absl::StatusOr<CachedStatement> QueryEvents(int64_t start_revision, int32_t start_index,
                                              int limit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(read_mu_);
  // The event in the current row of the events query. DATA_LOSS for an
  // unknown kind or a missing `after` history row.
  absl::StatusOr<EventRecord> ReadEvent(const Statement& row) const;

  // A bug of the caller, not of the file: INTERNAL with the revision and
  // index of the change.
  static absl::Status BadChange(int64_t revision, size_t index, absl::string_view problem);
  // `status`, from reading a snapshot of `kind` whose columns start at
  // `first` in the current row of `statement`, with the table and the id in
  // front of its message.
  absl::Status RowError(int64_t kind, const Statement& statement, int first,
                        const absl::Status& status) const;
  const ResourceSql& sql(int64_t kind) const { return sql_[kind - 1]; }

  absl::Mutex write_mu_;
  const std::unique_ptr<Database> writer_ ABSL_GUARDED_BY(write_mu_);
  absl::Mutex read_mu_;
  const std::unique_ptr<Database> reader_ ABSL_GUARDED_BY(read_mu_);

 private:
  // ReadEvents' query, and where the before and after snapshots of each
  // kind start in its rows ([kind - 1]).
  struct EventQuery {
    std::string sql;
    std::vector<std::pair<int, int>> snapshot_columns;
  };
  static EventQuery MakeEventQuery(absl::Span<const ResourceTable> tables);

  // [kind - 1]; the names in `tables_` are views of the codec's constants.
  const std::vector<ResourceTable> tables_;
  const std::vector<ResourceSql> sql_;
  const EventQuery event_query_;
  const std::string path_;  // for messages
};

template <typename Row>
absl::StatusOr<std::vector<Row>> ResourceStoreBase::ReadCurrent(
    Database& db, int64_t kind, absl::StatusOr<Row> (*read)(RowReader&)) const {
  // Rows are never removed and the core hands ids out in order, so the
  // largest id is about the number of rows: reserving it spares Load the
  // moves and page faults of a growing vector (a fifth of its time for
  // 3 * 10^6 rows). Capped, so that a stray huge id cannot ask for more.
  constexpr int64_t kMaxReserved = int64_t{1} << 24;
  ASSIGN_OR_RETURN(const int64_t max_id, db.QueryInt64(sql(kind).select_max_id));
  std::vector<Row> rows;
  rows.reserve(static_cast<size_t>(std::clamp<int64_t>(max_id, 0, kMaxReserved)));
  ASSIGN_OR_RETURN(Statement statement, db.Prepare(sql(kind).select_current));
  while (true) {
    ASSIGN_OR_RETURN(const bool row, statement.Step());
    if (!row) return rows;
    RowReader reader(statement, 0);
    absl::StatusOr<Row> value = read(reader);
    if (!value.ok()) return RowError(kind, statement, 0, value.status());
    rows.push_back(*std::move(value));
  }
}

// A store of the resources Codec describes, in the tables described at the
// top of this file: a store's Commit, ReadEvents and LookupRequest, whole,
// and the consistent read its Load needs (ReadState). Thread-safe: Commit
// and ReadState from one thread at a time; ReadEvents and LookupRequest
// from any, concurrently with them.
template <StoreCodec Codec>
class ResourceStore final : public ResourceStoreBase {
 public:
  using Snapshot = typename Codec::Snapshot;
  using Mutation = ::grassroots::Mutation<Snapshot>;
  using Event = ::grassroots::Event<Snapshot>;

  // Opens `path`, creating it and its schema when absent and migrating an
  // older schema with `migrations` (see ApplyMigrations), stamped with
  // `application_id`. FAILED_PRECONDITION naming the file when it is not an
  // SQLite database, belongs to another application or has a newer schema;
  // the file is then left byte for byte as it was. UNAVAILABLE when it
  // cannot be opened for writing.
  static absl::StatusOr<std::unique_ptr<ResourceStore>> Open(
      const std::string& path, int64_t application_id,
      absl::Span<const absl::string_view> migrations) {
    const std::vector<ResourceTable> tables = Codec::Tables();
    ASSIGN_OR_RETURN(Connections connections,
                     ResourceStoreBase::Open(path, application_id, migrations, tables));
    auto store = absl::WrapUnique(new ResourceStore(std::move(connections), tables));
    RETURN_IF_ERROR(store->PrepareStatements());
    return store;
  }

  // Persists `mutations` in one transaction: each change's `after` becomes
  // the current row of its resource and a history row, each change an
  // event, each request_id is remembered with the name of the mutation's
  // first resource. Nothing of the batch is stored unless it returns OK.
  // INTERNAL for a batch that cannot be right: a change whose before and
  // after are different resources, a request_id on a mutation that changes
  // nothing, a resource changed twice at one revision, a revision or a
  // request_id stored before. The codes of common/sqlite.h otherwise
  // (UNAVAILABLE for a full disk or a locked database, say).
  absl::Status Commit(const std::vector<Mutation>& mutations) ABSL_LOCKS_EXCLUDED(write_mu_);

  // Up to `limit` events from (start_revision, start_index) on, in
  // (revision, index) order, with their snapshots. A `before` whose history
  // row was never stored reads as none: Commit accepts such a change, as it
  // records only before's revision.
  absl::StatusOr<std::vector<Event>> ReadEvents(int64_t start_revision, int32_t start_index,
                                                int limit) ABSL_LOCKS_EXCLUDED(read_mu_);

 private:
  ResourceStore(Connections connections, absl::Span<const ResourceTable> tables)
      : ResourceStoreBase(std::move(connections), tables) {}

  absl::Status WriteMutation(const Mutation& mutation) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
};

template <StoreCodec Codec>
absl::Status ResourceStore<Codec>::Commit(const std::vector<Mutation>& mutations) {
  if (mutations.empty()) return absl::OkStatus();
  absl::MutexLock lock(&write_mu_);
  // An early return leaves `transaction` uncommitted, and its destructor
  // rolls the whole batch back.
  ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(*writer_));
  for (const Mutation& mutation : mutations) RETURN_IF_ERROR(WriteMutation(mutation));
  return transaction.Commit();
}

template <StoreCodec Codec>
absl::Status ResourceStore<Codec>::WriteMutation(const Mutation& mutation) {
  ChangeRecord record;
  record.revision = mutation.revision;
  record.time = mutation.time;
  record.actor = mutation.actor;
  record.method = mutation.method;
  for (size_t i = 0; i < mutation.changes.size(); ++i) {
    const auto& change = mutation.changes[i];
    record.index = static_cast<int32_t>(i);
    record.after = Codec::KeyOf(change.after);
    record.before_revision.reset();
    if (change.before.has_value()) {
      const ResourceKey before = Codec::KeyOf(*change.before);
      if (before.kind != record.after.kind || before.id != record.after.id) {
        return BadChange(mutation.revision, i,
                         absl::StrCat("before is ", Codec::NameOf(*change.before), " but after is ",
                                      Codec::NameOf(change.after)));
      }
      record.before_revision = before.revision;
    }
    RETURN_IF_ERROR(WriteChange(
        record, [&change](Statement& statement) { Codec::Bind(statement, change.after); }));
  }
  if (mutation.request_id.empty()) return absl::OkStatus();
  if (mutation.changes.empty()) {
    // The request_id itself is not quoted: it comes from a client.
    return absl::InternalError(
        absl::StrCat("revision ", mutation.revision, " has a request_id but changes nothing"));
  }
  return WriteRequestId(mutation.request_id, Codec::NameOf(mutation.changes.front().after),
                        mutation.revision);
}

template <StoreCodec Codec>
absl::StatusOr<std::vector<typename ResourceStore<Codec>::Event>> ResourceStore<Codec>::ReadEvents(
    int64_t start_revision, int32_t start_index, int limit) {
  std::vector<Event> events;
  if (limit <= 0) return events;
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(CachedStatement statement, QueryEvents(start_revision, start_index, limit));
  while (true) {
    ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return events;
    ASSIGN_OR_RETURN(EventRecord record, ReadEvent(*statement));
    Event event;
    event.revision = record.revision;
    event.index = record.index;
    event.time = record.time;
    event.actor = std::move(record.actor);
    event.method = std::move(record.method);
    if (record.before_column.has_value()) {
      RowReader reader(*statement, *record.before_column);
      absl::StatusOr<Snapshot> before = Codec::Read(record.kind, reader);
      if (!before.ok()) {
        return RowError(record.kind, *statement, *record.before_column, before.status());
      }
      event.before = *std::move(before);
    }
    RowReader reader(*statement, record.after_column);
    absl::StatusOr<Snapshot> after = Codec::Read(record.kind, reader);
    if (!after.ok()) return RowError(record.kind, *statement, record.after_column, after.status());
    event.after = *std::move(after);
    events.push_back(std::move(event));
  }
}

}  // namespace grassroots::sqlite

#endif  // GRASSROOTS_COMMON_SQLITE_STORE_SUPPORT_H_
