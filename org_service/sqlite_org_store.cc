// SqliteOrgStore: the org service's state in one SQLite file.
//
// Schema (version 1; the DDL is SchemaV1() below)
// ------
//   units              the current row of every unit, deleted ones too.
//                      id INTEGER PRIMARY KEY (the rowid), so Load reads the
//                      table in id order without sorting.
//   unit_history       the unit as it was after each revision that changed
//                      it: the same columns, PRIMARY KEY (id, revision),
//                      WITHOUT ROWID so that a lookup is one b-tree probe.
//   party_orgs, party_org_history   the same pair for party organisations.
//   events             one row per change: PRIMARY KEY (revision, idx), the
//                      mutation's time, actor and method, the resource (kind,
//                      id) and the revisions of its `before` (NULL for a
//                      creation) and `after` history rows. ReadEvents joins
//                      those back into snapshots, so a snapshot is stored once.
//   request_ids        request_id PRIMARY KEY -> the created resource's name
//                      and the revision, for idempotent creates.
//
// Column encodings: times are int64 microseconds since the Unix epoch (finer
// parts of an absl::Time are dropped); booleans and enums are integers with
// the values of unit.h / party_org.h. Unit details are nullable columns
// selected by details_kind (0 none, 1 compound, 2 building; `households`
// serves both). A party org's covered units are a comma-separated TEXT of
// ascending ids ('' for none); established_date is 'YYYY-MM-DD' or NULL.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL would
// already survive kill -9, but not power loss: the last commits could vanish
// although they were acknowledged. FULL fsyncs the WAL on every commit; the
// service keeps that affordable by group commit (many mutations per Commit,
// one transaction, one fsync), and all writes of a batch go through cached
// prepared statements.
//
// Connections: one writer (Load, Commit) and one read-only reader
// (ReadEvents, LookupRequest), each behind its own mutex. WAL lets the
// reader see the last commit while a write is in progress, so readers never
// wait for a Commit's fsync.

#include "org_service/sqlite_org_store.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/sqlite.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

using sqlite::Database;
using sqlite::Statement;

// PRAGMA application_id of org store files: "GROR", GRassroots ORg.
constexpr int64_t kApplicationId = 0x47524f52;

// ---------------------------------------------------------------------------
// Schema

// The columns units and unit_history share, after `id`. Part of published
// schema version 1: never change it; add a migration step instead.
constexpr absl::string_view kUnitFieldsV1 = R"(
  parent_id INTEGER NOT NULL,
  level INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  code TEXT NOT NULL,
  details_kind INTEGER NOT NULL CHECK (details_kind IN (0, 1, 2)),
  compound_kind INTEGER,
  has_property_company INTEGER,
  red_property INTEGER,
  has_owners_committee INTEGER,
  red_owners_committee INTEGER,
  households INTEGER,
  renovation_status INTEGER,
  floors INTEGER,
  address TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

// As kUnitFieldsV1, for party_orgs and party_org_history.
constexpr absl::string_view kPartyOrgFieldsV1 = R"(
  parent_id INTEGER NOT NULL,
  form INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  unit_ids TEXT NOT NULL,
  established_date TEXT,
  rating INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

std::string SchemaV1() {
  return absl::StrCat("CREATE TABLE units (id INTEGER PRIMARY KEY,", kUnitFieldsV1, ");",
                      "CREATE TABLE unit_history (id INTEGER NOT NULL,", kUnitFieldsV1,
                      ", PRIMARY KEY (id, revision)) WITHOUT ROWID;",
                      "CREATE TABLE party_orgs (id INTEGER PRIMARY KEY,", kPartyOrgFieldsV1, ");",
                      "CREATE TABLE party_org_history (id INTEGER NOT NULL,", kPartyOrgFieldsV1,
                      ", PRIMARY KEY (id, revision)) WITHOUT ROWID;",
                      R"(
      CREATE TABLE events (
        revision INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        method TEXT NOT NULL,
        kind INTEGER NOT NULL CHECK (kind IN (1, 2)),  -- 1 unit, 2 party org
        resource_id INTEGER NOT NULL,
        before_revision INTEGER,  -- NULL for a creation
        after_revision INTEGER NOT NULL,
        PRIMARY KEY (revision, idx)) WITHOUT ROWID;
      CREATE TABLE request_ids (
        request_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        revision INTEGER NOT NULL) WITHOUT ROWID;)");
}

absl::Status MigrateSchema(Database& db) {
  const std::string v1 = SchemaV1();
  const absl::string_view steps[] = {v1};
  return sqlite::ApplyMigrations(db, kApplicationId, steps);
}

// Values of units.details_kind and events.kind.
enum class DetailsKind : int64_t { kNone = 0, kCompound = 1, kBuilding = 2 };
enum class ResourceKind : int64_t { kUnit = 1, kPartyOrg = 2 };

// Column names in the order BindUnit/ReadUnit and BindPartyOrg/ReadPartyOrg
// bind and read them.
constexpr std::array<absl::string_view, 21> kUnitColumns = {
    "id", "parent_id", "level", "display_name", "code",
    // details_kind says which of the nine after it are set.
    "details_kind", "compound_kind", "has_property_company", "red_property", "has_owners_committee",
    "red_owners_committee", "households", "renovation_status", "floors", "address",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision"};
constexpr std::array<absl::string_view, 13> kPartyOrgColumns = {
    "id", "parent_id", "form", "display_name", "unit_ids", "established_date", "rating",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision"};
constexpr int kUnitColumnCount = kUnitColumns.size();
constexpr int kPartyOrgColumnCount = kPartyOrgColumns.size();

// "a.id, a.parent_id, ..." (or without "a." when `alias` is empty).
std::string ColumnList(absl::Span<const absl::string_view> columns, absl::string_view alias) {
  const std::string prefix = alias.empty() ? "" : absl::StrCat(alias, ".");
  return absl::StrJoin(columns, ", ", [&prefix](std::string* out, absl::string_view column) {
    absl::StrAppend(out, prefix, column);
  });
}

std::string InsertSql(absl::string_view verb, absl::string_view table,
                      absl::Span<const absl::string_view> columns) {
  std::vector<absl::string_view> placeholders(columns.size(), "?");
  return absl::StrCat(verb, " INTO ", table, " (", ColumnList(columns, ""), ") VALUES (",
                      absl::StrJoin(placeholders, ", "), ")");
}

// The statements for one kind of resource: its current-row table and its
// history table.
struct ResourceSql {
  std::string replace_current;  // the row becomes the current one
  std::string insert_history;   // fails on a duplicate (id, revision)
  std::string select_current;   // every current row, ascending by id

  ResourceSql(absl::string_view table, absl::string_view history,
              absl::Span<const absl::string_view> columns)
      : replace_current(InsertSql("INSERT OR REPLACE", table, columns)),
        insert_history(InsertSql("INSERT", history, columns)),
        select_current(
            absl::StrCat("SELECT ", ColumnList(columns, ""), " FROM ", table, " ORDER BY id")) {}
};

// ReadEvents' query: each event with its before and after snapshots, from
// the history table of its kind. The row holds the kEventColumnCount event
// columns, then the unit columns of before and after, then the party org
// columns of before and after; the two of the other kind are NULL.
constexpr int kEventColumnCount = 7;
constexpr int kUnitBeforeColumn = kEventColumnCount;
constexpr int kUnitAfterColumn = kUnitBeforeColumn + kUnitColumnCount;
constexpr int kPartyOrgBeforeColumn = kUnitAfterColumn + kUnitColumnCount;
constexpr int kPartyOrgAfterColumn = kPartyOrgBeforeColumn + kPartyOrgColumnCount;

std::string SelectEventsSql() {
  // One join per (kind, side); a join that does not apply matches nothing.
  const auto join = [](absl::string_view table, absl::string_view alias, ResourceKind kind,
                       absl::string_view revision_column) {
    return absl::StrCat(" LEFT JOIN ", table, " AS ", alias,
                        " ON e.kind = ", static_cast<int64_t>(kind), " AND ", alias,
                        ".id = e.resource_id AND ", alias, ".revision = e.", revision_column);
  };
  return absl::StrCat(
      "SELECT e.revision, e.idx, e.time, e.actor, e.method, e.kind, e.before_revision, ",
      ColumnList(kUnitColumns, "ub"), ", ", ColumnList(kUnitColumns, "ua"), ", ",
      ColumnList(kPartyOrgColumns, "pb"), ", ", ColumnList(kPartyOrgColumns, "pa"),
      " FROM events AS e",  //
      join("unit_history", "ub", ResourceKind::kUnit, "before_revision"),
      join("unit_history", "ua", ResourceKind::kUnit, "after_revision"),
      join("party_org_history", "pb", ResourceKind::kPartyOrg, "before_revision"),
      join("party_org_history", "pa", ResourceKind::kPartyOrg, "after_revision"),
      // Written so that the range on revision uses the primary key.
      " WHERE e.revision >= ?1 AND (e.revision > ?1 OR e.idx >= ?2)"
      " ORDER BY e.revision, e.idx LIMIT ?3");
}

constexpr absl::string_view kInsertEventSql =
    "INSERT INTO events (revision, idx, time, actor, method, kind, resource_id, "
    "before_revision, after_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertRequestIdSql =
    "INSERT INTO request_ids (request_id, name, revision) VALUES (?, ?, ?)";
constexpr absl::string_view kSelectRequestIdSql =
    "SELECT name FROM request_ids WHERE request_id = ?";
constexpr absl::string_view kSelectLastRevisionSql = "SELECT max(revision) FROM events";

// Every SQL text the store runs, built once per store.
struct StoreSql {
  ResourceSql units{"units", "unit_history", kUnitColumns};
  ResourceSql party_orgs{"party_orgs", "party_org_history", kPartyOrgColumns};
  std::string select_events = SelectEventsSql();

  const ResourceSql& For(const Unit&) const { return units; }
  const ResourceSql& For(const PartyOrg&) const { return party_orgs; }
};

// ---------------------------------------------------------------------------
// Rows <-> domain types

// Binds parameters 1, 2, 3, ... in the order of the calls, so that a row is
// bound in the order of its column list.
class Binder {
 public:
  explicit Binder(Statement& statement) : statement_(statement) {}

  Binder& Int(int64_t value) {
    statement_.BindInt64(++index_, value);
    return *this;
  }
  Binder& Time(absl::Time time) { return Int(absl::ToUnixMicros(time)); }
  Binder& Text(absl::string_view value) {
    statement_.BindText(++index_, value);
    return *this;
  }
  Binder& Null(int count = 1) {
    for (int i = 0; i < count; ++i) statement_.BindNull(++index_);
    return *this;
  }

 private:
  Statement& statement_;
  int index_ = 0;
};

// Reads columns first, first + 1, ... of the current row in turn.
class RowReader {
 public:
  RowReader(const Statement& statement, int first) : statement_(statement), column_(first) {}

  int64_t Int() { return statement_.ColumnInt64(column_++); }
  bool Bool() { return Int() != 0; }
  absl::Time Time() { return absl::FromUnixMicros(Int()); }
  std::string Text() { return std::string(statement_.ColumnText(column_++)); }
  // The next column's text, or nullopt when it is NULL.
  std::optional<std::string> OptionalText() {
    if (statement_.ColumnIsNull(column_)) {
      ++column_;
      return std::nullopt;
    }
    return Text();
  }
  template <typename Enum>
  Enum As() {
    return static_cast<Enum>(Int());
  }
  void Skip(int count) { column_ += count; }

 private:
  const Statement& statement_;
  int column_;
};

// The ten detail columns, from details_kind to address.
struct DetailsBinder {
  Binder& b;
  void operator()(std::monostate) { b.Int(static_cast<int64_t>(DetailsKind::kNone)).Null(9); }
  void operator()(const CompoundDetails& c) {
    b.Int(static_cast<int64_t>(DetailsKind::kCompound))
        .Int(static_cast<int64_t>(c.kind))
        .Int(c.has_property_company)
        .Int(c.red_property)
        .Int(c.has_owners_committee)
        .Int(c.red_owners_committee)
        .Int(c.households)
        .Int(static_cast<int64_t>(c.renovation_status))
        .Null(2);  // floors, address
  }
  void operator()(const BuildingDetails& d) {
    b.Int(static_cast<int64_t>(DetailsKind::kBuilding))
        .Null(5)  // compound_kind .. red_owners_committee
        .Int(d.households)
        .Null()  // renovation_status
        .Int(d.floors)
        .Text(d.address);
  }
};

void Bind(Statement& statement, const Unit& unit) {
  Binder b(statement);
  b.Int(unit.id).Int(unit.parent_id).Int(static_cast<int64_t>(unit.level));
  b.Text(unit.display_name).Text(unit.code);
  std::visit(DetailsBinder{b}, unit.details);
  b.Time(unit.create_time).Time(unit.update_time);
  b.Int(unit.deleted).Time(unit.delete_time).Int(unit.delete_revision).Int(unit.revision);
}

std::string FormatUnitIds(const std::vector<int64_t>& unit_ids) {
  return absl::StrJoin(unit_ids, ",");
}

void Bind(Statement& statement, const PartyOrg& org) {
  Binder b(statement);
  b.Int(org.id).Int(org.parent_id).Int(static_cast<int64_t>(org.form)).Text(org.display_name);
  b.Text(FormatUnitIds(org.unit_ids));
  if (org.established_date.has_value()) {
    b.Text(absl::FormatCivilTime(*org.established_date));  // YYYY-MM-DD
  } else {
    b.Null();
  }
  b.Int(static_cast<int64_t>(org.rating)).Time(org.create_time).Time(org.update_time);
  b.Int(org.deleted).Time(org.delete_time).Int(org.delete_revision).Int(org.revision);
}

absl::Status Corrupt(absl::string_view what, int64_t id, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(what, " ", id, ": ", problem));
}

absl::StatusOr<UnitDetails> ReadDetails(RowReader& r, int64_t unit_id) {
  const int64_t kind = r.Int();
  switch (static_cast<DetailsKind>(kind)) {
    case DetailsKind::kNone:
      r.Skip(9);
      return UnitDetails();
    case DetailsKind::kCompound: {
      CompoundDetails c;
      c.kind = r.As<CompoundKind>();
      c.has_property_company = r.Bool();
      c.red_property = r.Bool();
      c.has_owners_committee = r.Bool();
      c.red_owners_committee = r.Bool();
      c.households = static_cast<int32_t>(r.Int());
      c.renovation_status = r.As<RenovationStatus>();
      r.Skip(2);
      return UnitDetails(std::move(c));
    }
    case DetailsKind::kBuilding: {
      BuildingDetails d;
      r.Skip(5);
      d.households = static_cast<int32_t>(r.Int());
      r.Skip(1);
      d.floors = static_cast<int32_t>(r.Int());
      d.address = r.Text();
      return UnitDetails(std::move(d));
    }
  }
  return Corrupt("unit", unit_id, absl::StrCat("unknown details_kind ", kind));
}

absl::StatusOr<Unit> ReadUnit(RowReader& r) {
  Unit unit;
  unit.id = r.Int();
  unit.parent_id = r.Int();
  unit.level = r.As<Level>();
  unit.display_name = r.Text();
  unit.code = r.Text();
  ASSIGN_OR_RETURN(unit.details, ReadDetails(r, unit.id));
  unit.create_time = r.Time();
  unit.update_time = r.Time();
  unit.deleted = r.Bool();
  unit.delete_time = r.Time();
  unit.delete_revision = r.Int();
  unit.revision = r.Int();
  return unit;
}

absl::StatusOr<std::vector<int64_t>> ParseUnitIds(absl::string_view text, int64_t org_id) {
  std::vector<int64_t> ids;
  if (text.empty()) return ids;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(part, &id)) {
      return Corrupt("party org", org_id, absl::StrCat("bad unit_ids \"", text, "\""));
    }
    ids.push_back(id);
  }
  return ids;
}

absl::StatusOr<std::optional<absl::CivilDay>> ParseDate(const std::optional<std::string>& text,
                                                        int64_t org_id) {
  if (!text.has_value()) return std::optional<absl::CivilDay>();
  absl::CivilDay day;
  if (!absl::ParseCivilTime(*text, &day)) {
    return Corrupt("party org", org_id, absl::StrCat("bad established_date \"", *text, "\""));
  }
  return std::optional<absl::CivilDay>(day);
}

absl::StatusOr<PartyOrg> ReadPartyOrg(RowReader& r) {
  PartyOrg org;
  org.id = r.Int();
  org.parent_id = r.Int();
  org.form = r.As<OrgForm>();
  org.display_name = r.Text();
  ASSIGN_OR_RETURN(org.unit_ids, ParseUnitIds(r.Text(), org.id));
  ASSIGN_OR_RETURN(org.established_date, ParseDate(r.OptionalText(), org.id));
  org.rating = r.As<Rating>();
  org.create_time = r.Time();
  org.update_time = r.Time();
  org.deleted = r.Bool();
  org.delete_time = r.Time();
  org.delete_revision = r.Int();
  org.revision = r.Int();
  return org;
}

// Every row `sql` yields, read by `read` from column 0.
template <typename Resource>
absl::StatusOr<std::vector<Resource>> ReadAll(Database& db, absl::string_view sql,
                                              absl::StatusOr<Resource> (*read)(RowReader&)) {
  ASSIGN_OR_RETURN(Statement statement, db.Prepare(sql));
  std::vector<Resource> resources;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, statement.Step());
    if (!row) return resources;
    RowReader reader(statement, 0);
    ASSIGN_OR_RETURN(Resource resource, read(reader));
    resources.push_back(std::move(resource));
  }
}

// ---------------------------------------------------------------------------
// Snapshots

ResourceKind KindOf(const Snapshot& snapshot) {
  return std::holds_alternative<Unit>(snapshot) ? ResourceKind::kUnit : ResourceKind::kPartyOrg;
}
int64_t IdOf(const Snapshot& snapshot) {
  return std::visit([](const auto& resource) { return resource.id; }, snapshot);
}
int64_t RevisionOf(const Snapshot& snapshot) {
  return std::visit([](const auto& resource) { return resource.revision; }, snapshot);
}

// The snapshot whose columns start at `unit_column` or `party_org_column`
// (by `kind`) in the current row of the events query, or nullopt when the
// join found no history row.
absl::StatusOr<std::optional<Snapshot>> ReadSnapshot(const Statement& statement, ResourceKind kind,
                                                     int unit_column, int party_org_column) {
  const int first = kind == ResourceKind::kUnit ? unit_column : party_org_column;
  if (statement.ColumnIsNull(first)) return std::optional<Snapshot>();  // no id: no row
  RowReader reader(statement, first);
  if (kind == ResourceKind::kUnit) {
    ASSIGN_OR_RETURN(Unit unit, ReadUnit(reader));
    return std::optional<Snapshot>(std::move(unit));
  }
  ASSIGN_OR_RETURN(PartyOrg org, ReadPartyOrg(reader));
  return std::optional<Snapshot>(std::move(org));
}

// The event in the current row of the events query.
absl::StatusOr<Event> ReadEvent(const Statement& statement) {
  RowReader r(statement, 0);
  Event event;
  event.revision = r.Int();
  event.index = static_cast<int32_t>(r.Int());
  event.time = r.Time();
  event.actor = r.Text();
  event.method = r.Text();
  const int64_t kind_value = r.Int();
  const auto kind = static_cast<ResourceKind>(kind_value);
  const std::string where = absl::StrCat("event (", event.revision, ", ", event.index, ")");
  if (kind != ResourceKind::kUnit && kind != ResourceKind::kPartyOrg) {
    return absl::DataLossError(absl::StrCat(where, ": unknown resource kind ", kind_value));
  }
  // A `before` whose history row was never stored reads as none: Commit
  // accepts such a change (it only records before's revision).
  const bool has_before = !statement.ColumnIsNull(kEventColumnCount - 1);
  if (has_before) {
    ASSIGN_OR_RETURN(event.before,
                     ReadSnapshot(statement, kind, kUnitBeforeColumn, kPartyOrgBeforeColumn));
  }
  ASSIGN_OR_RETURN(std::optional<Snapshot> after,
                   ReadSnapshot(statement, kind, kUnitAfterColumn, kPartyOrgAfterColumn));
  if (!after.has_value()) {
    return absl::DataLossError(absl::StrCat(where, ": the history row of its resource is missing"));
  }
  event.after = *std::move(after);
  return event;
}

// A change names one resource: `before`, when present, must be the same one
// as `after`.
absl::Status CheckChange(const Mutation& mutation, size_t index) {
  const Change& change = mutation.changes[index];
  if (!change.before.has_value() || (KindOf(*change.before) == KindOf(change.after) &&
                                     IdOf(*change.before) == IdOf(change.after))) {
    return absl::OkStatus();
  }
  return absl::InternalError(absl::StrCat("revision ", mutation.revision, " change ", index,
                                          ": before is ", SnapshotName(*change.before),
                                          " but after is ", SnapshotName(change.after)));
}

}  // namespace

// ---------------------------------------------------------------------------
// SqliteOrgStore

struct SqliteOrgStore::Impl {
  Impl(std::unique_ptr<Database> writer_db, std::unique_ptr<Database> reader_db)
      : writer(std::move(writer_db)), reader(std::move(reader_db)) {}

  absl::StatusOr<StoredState> Load() ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);
  absl::Status Commit(const std::vector<Mutation>& mutations)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);
  absl::Status WriteMutation(const Mutation& mutation) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);
  template <typename Resource>
  absl::Status WriteResource(const Resource& resource) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);
  absl::Status WriteEvent(const Mutation& mutation, size_t index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);
  absl::Status WriteRequestId(const Mutation& mutation) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu);

  const StoreSql sql;
  absl::Mutex write_mu;
  const std::unique_ptr<Database> writer ABSL_GUARDED_BY(write_mu);
  absl::Mutex read_mu;
  const std::unique_ptr<Database> reader ABSL_GUARDED_BY(read_mu);
};

absl::StatusOr<StoredState> SqliteOrgStore::Impl::Load() {
  // One transaction, so that the three reads see one state of the file. It
  // writes nothing and rolls back.
  ASSIGN_OR_RETURN(sqlite::Transaction snapshot, sqlite::Transaction::Begin(*writer));
  StoredState state;
  ASSIGN_OR_RETURN(state.units, ReadAll(*writer, sql.units.select_current, &ReadUnit));
  ASSIGN_OR_RETURN(state.party_orgs,
                   ReadAll(*writer, sql.party_orgs.select_current, &ReadPartyOrg));
  ASSIGN_OR_RETURN(state.revision, writer->QueryInt64(kSelectLastRevisionSql));  // NULL: 0
  // Deleted resources are kept, so the last row has the largest id ever used.
  if (!state.units.empty()) state.max_unit_id = state.units.back().id;
  if (!state.party_orgs.empty()) state.max_party_org_id = state.party_orgs.back().id;
  return state;
}

absl::Status SqliteOrgStore::Impl::Commit(const std::vector<Mutation>& mutations) {
  if (mutations.empty()) return absl::OkStatus();
  // An early return leaves `transaction` uncommitted, and its destructor
  // rolls the whole batch back.
  ASSIGN_OR_RETURN(sqlite::Transaction transaction, sqlite::Transaction::Begin(*writer));
  for (const Mutation& mutation : mutations) RETURN_IF_ERROR(WriteMutation(mutation));
  return transaction.Commit();
}

absl::Status SqliteOrgStore::Impl::WriteMutation(const Mutation& mutation) {
  for (size_t i = 0; i < mutation.changes.size(); ++i) {
    RETURN_IF_ERROR(CheckChange(mutation, i));
    const Snapshot& after = mutation.changes[i].after;
    if (const auto* unit = std::get_if<Unit>(&after)) {
      RETURN_IF_ERROR(WriteResource(*unit));
    } else {
      RETURN_IF_ERROR(WriteResource(std::get<PartyOrg>(after)));
    }
    RETURN_IF_ERROR(WriteEvent(mutation, i));
  }
  if (!mutation.request_id.empty()) RETURN_IF_ERROR(WriteRequestId(mutation));
  return absl::OkStatus();
}

template <typename Resource>
absl::Status SqliteOrgStore::Impl::WriteResource(const Resource& resource) {
  const ResourceSql& table = sql.For(resource);
  // A duplicate (id, revision) fails the history insert: a mutation changes
  // a resource at most once.
  for (const std::string* text : {&table.replace_current, &table.insert_history}) {
    ASSIGN_OR_RETURN(sqlite::CachedStatement statement, writer->Cached(*text));
    Bind(*statement, resource);
    RETURN_IF_ERROR(statement->Run());
  }
  return absl::OkStatus();
}

absl::Status SqliteOrgStore::Impl::WriteEvent(const Mutation& mutation, size_t index) {
  const Change& change = mutation.changes[index];
  ASSIGN_OR_RETURN(sqlite::CachedStatement statement, writer->Cached(kInsertEventSql));
  Binder b(*statement);
  b.Int(mutation.revision).Int(static_cast<int64_t>(index)).Time(mutation.time);
  b.Text(mutation.actor).Text(mutation.method);
  b.Int(static_cast<int64_t>(KindOf(change.after))).Int(IdOf(change.after));
  if (change.before.has_value()) {
    b.Int(RevisionOf(*change.before));
  } else {
    b.Null();
  }
  b.Int(RevisionOf(change.after));
  return statement->Run();
}

absl::Status SqliteOrgStore::Impl::WriteRequestId(const Mutation& mutation) {
  if (mutation.changes.empty()) {
    return absl::InternalError(absl::StrCat("revision ", mutation.revision, " has request_id \"",
                                            mutation.request_id, "\" but creates nothing"));
  }
  ASSIGN_OR_RETURN(sqlite::CachedStatement statement, writer->Cached(kInsertRequestIdSql));
  Binder(*statement)
      .Text(mutation.request_id)
      .Text(SnapshotName(mutation.changes.front().after))
      .Int(mutation.revision);
  return statement->Run();
}

absl::StatusOr<std::unique_ptr<SqliteOrgStore>> SqliteOrgStore::Open(const std::string& path) {
  // WAL is switched on only after ApplyMigrations has accepted the file:
  // switching writes the header, and a refused file must stay untouched.
  sqlite::OpenOptions writer_options;
  writer_options.wal = false;
  writer_options.synchronous = sqlite::Synchronous::kFull;  // see the top of this file
  ASSIGN_OR_RETURN(std::unique_ptr<Database> writer, Database::Open(path, writer_options));
  RETURN_IF_ERROR(MigrateSchema(*writer));
  RETURN_IF_ERROR(writer->EnableWal());

  sqlite::OpenOptions reader_options;
  reader_options.read_only = true;
  ASSIGN_OR_RETURN(std::unique_ptr<Database> reader, Database::Open(path, reader_options));
  return absl::WrapUnique(
      new SqliteOrgStore(std::make_unique<Impl>(std::move(writer), std::move(reader))));
}

SqliteOrgStore::SqliteOrgStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteOrgStore::~SqliteOrgStore() = default;

absl::StatusOr<StoredState> SqliteOrgStore::Load() {
  absl::MutexLock lock(&impl_->write_mu);
  return impl_->Load();
}

absl::Status SqliteOrgStore::Commit(const std::vector<Mutation>& mutations) {
  absl::MutexLock lock(&impl_->write_mu);
  return impl_->Commit(mutations);
}

absl::StatusOr<std::vector<Event>> SqliteOrgStore::ReadEvents(int64_t start_revision,
                                                              int32_t start_index, int limit) {
  std::vector<Event> events;
  if (limit <= 0) return events;
  absl::MutexLock lock(&impl_->read_mu);
  ASSIGN_OR_RETURN(sqlite::CachedStatement statement,
                   impl_->reader->Cached(impl_->sql.select_events));
  statement->BindInt64(1, start_revision).BindInt64(2, start_index).BindInt64(3, limit);
  while (true) {
    ASSIGN_OR_RETURN(const bool row, statement->Step());
    if (!row) return events;
    ASSIGN_OR_RETURN(Event event, ReadEvent(*statement));
    events.push_back(std::move(event));
  }
}

absl::StatusOr<std::optional<std::string>> SqliteOrgStore::LookupRequest(
    absl::string_view request_id) {
  absl::MutexLock lock(&impl_->read_mu);
  ASSIGN_OR_RETURN(sqlite::CachedStatement statement, impl_->reader->Cached(kSelectRequestIdSql));
  statement->BindText(1, request_id);
  ASSIGN_OR_RETURN(const bool row, statement->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(statement->ColumnText(0));
}

}  // namespace grassroots::org
