#include "common/sqlite_store_support.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace grassroots::sqlite {
namespace {

// ---------------------------------------------------------------------------
// SQL text

// "a.id, a.parent_id, ..." (or without "a." when `alias` is empty).
std::string ColumnList(absl::Span<const absl::string_view> columns, absl::string_view alias) {
  const std::string prefix = alias.empty() ? "" : absl::StrCat(alias, ".");
  return absl::StrJoin(columns, ", ", [&prefix](std::string* out, absl::string_view column) {
    absl::StrAppend(out, prefix, column);
  });
}

std::string InsertSql(absl::string_view table, absl::Span<const absl::string_view> columns) {
  const std::vector<absl::string_view> placeholders(columns.size(), "?");
  return absl::StrCat("INSERT INTO ", table, " (", ColumnList(columns, ""), ") VALUES (",
                      absl::StrJoin(placeholders, ", "), ")");
}

std::string UpsertSql(absl::string_view table, absl::Span<const absl::string_view> columns) {
  // Every column but the leading id.
  const std::string updates =
      absl::StrJoin(columns.subspan(1), ", ", [](std::string* out, absl::string_view column) {
        absl::StrAppend(out, column, " = excluded.", column);
      });
  return absl::StrCat(InsertSql(table, columns), " ON CONFLICT (id) DO UPDATE SET ", updates);
}

constexpr absl::string_view kInsertEventSql =
    "INSERT INTO events (revision, idx, time, actor, method, kind, resource_id, "
    "before_revision, after_revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr absl::string_view kInsertRequestIdSql =
    "INSERT INTO request_ids (request_id, name, revision) VALUES (?, ?, ?)";
constexpr absl::string_view kSelectRequestIdSql =
    "SELECT name FROM request_ids WHERE request_id = ?";
constexpr absl::string_view kSelectLastRevisionSql = "SELECT max(revision) FROM events";

// The columns of the events query before the snapshots, and the one of them
// that holds before_revision.
constexpr int kEventColumnCount = 7;
constexpr int kBeforeRevisionColumn = 6;

std::vector<ResourceSql> MakeResourceSql(absl::Span<const ResourceTable> tables) {
  std::vector<ResourceSql> sql;
  sql.reserve(tables.size());
  for (const ResourceTable& table : tables) sql.emplace_back(table);
  return sql;
}

absl::Status CheckTables(absl::Span<const ResourceTable> tables) {
  if (tables.empty()) return absl::InternalError("a store needs at least one kind of resource");
  for (size_t i = 0; i < tables.size(); ++i) {
    const ResourceTable& table = tables[i];
    if (table.kind != static_cast<int64_t>(i + 1)) {
      return absl::InternalError(absl::StrCat("resource table ", table.table, " has kind ",
                                              table.kind, " where ", i + 1, " was expected"));
    }
    if (table.columns.empty() || table.columns.front() != "id") {
      return absl::InternalError(
          absl::StrCat("resource table ", table.table, ": the first column must be id"));
    }
  }
  return absl::OkStatus();
}

// Writes the `width` decimal digits of `value` (which must fit) at `out`.
void PutDigits(char* out, int width, int64_t value) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// The number `text` holds when it is all decimal digits, or -1.
int64_t Digits(absl::string_view text) {
  int64_t value = 0;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

// ---------------------------------------------------------------------------
// Column encodings

std::string FormatDate(absl::CivilDay day) {
  if (day.year() < 0 || day.year() > 9999) return absl::FormatCivilTime(day);
  char text[10];
  PutDigits(text, 4, day.year());
  text[4] = '-';
  PutDigits(text + 5, 2, day.month());
  text[7] = '-';
  PutDigits(text + 8, 2, day.day());
  return std::string(text, sizeof(text));
}

std::optional<absl::CivilDay> ParseDate(absl::string_view text) {
  if (text.size() == 10 && text[4] == '-' && text[7] == '-') {
    const int64_t year = Digits(text.substr(0, 4));
    const int64_t month = Digits(text.substr(5, 2));
    const int64_t day = Digits(text.substr(8, 2));
    if (year >= 0 && month >= 0 && day >= 0) {
      // CivilDay normalises 2023-02-30 to 2023-03-02: that is not a date.
      const absl::CivilDay parsed(year, static_cast<int>(month), static_cast<int>(day));
      if (parsed.year() == year && parsed.month() == month && parsed.day() == day) return parsed;
      return std::nullopt;
    }
  }
  // Other years, in absl's form; only its canonical text, for the same
  // reason as above.
  absl::CivilDay parsed;
  if (absl::ParseCivilTime(text, &parsed) && absl::FormatCivilTime(parsed) == text) return parsed;
  return std::nullopt;
}

absl::StatusOr<absl::CivilDay> RowReader::Date(absl::string_view column_name) {
  const std::optional<absl::CivilDay> day = ParseDate(statement_.ColumnText(column_++));
  if (!day.has_value()) {
    return absl::DataLossError(absl::StrCat(column_name, " is not a YYYY-MM-DD date"));
  }
  return *day;
}

absl::StatusOr<std::optional<absl::CivilDay>> RowReader::OptionalDate(
    absl::string_view column_name) {
  if (statement_.ColumnIsNull(column_)) {
    ++column_;
    return std::optional<absl::CivilDay>();
  }
  ASSIGN_OR_RETURN(const absl::CivilDay day, Date(column_name));
  return std::optional<absl::CivilDay>(day);
}

// ---------------------------------------------------------------------------
// Schema

std::string ResourceTablesSchema(absl::string_view table, absl::string_view history_table,
                                 absl::string_view columns_ddl) {
  return absl::StrCat("CREATE TABLE ", table, " (id INTEGER PRIMARY KEY,", columns_ddl, ");",
                      "CREATE TABLE ", history_table, " (id INTEGER NOT NULL,", columns_ddl,
                      ", PRIMARY KEY (id, revision)) WITHOUT ROWID;");
}

namespace {

// The events table of schema version 1, under `table`, taking `kinds`. The
// text is part of published schemas: it must not change.
std::string EventsTableDdl(absl::string_view table, absl::string_view kinds,
                           absl::string_view kinds_comment) {
  return absl::StrCat(R"(
      CREATE TABLE )",
                      table, R"( (
        revision INTEGER NOT NULL,
        idx INTEGER NOT NULL,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        method TEXT NOT NULL,
        kind INTEGER NOT NULL CHECK (kind IN ()",
                      kinds, ")),  -- ", kinds_comment, R"(
        resource_id INTEGER NOT NULL,
        before_revision INTEGER,  -- NULL for a creation
        after_revision INTEGER NOT NULL,
        PRIMARY KEY (revision, idx)) WITHOUT ROWID;)");
}

}  // namespace

std::string EventLogSchemaV1(absl::string_view kinds, absl::string_view kinds_comment) {
  return absl::StrCat(EventsTableDdl("events", kinds, kinds_comment), R"(
      CREATE TABLE request_ids (
        request_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        revision INTEGER NOT NULL) WITHOUT ROWID;)");
}

std::string RequestIdsByPrincipalV2() {
  return R"(
      UPDATE request_ids SET request_id =
        coalesce((SELECT actor FROM events
                  WHERE events.revision = request_ids.revision AND events.idx = 0),
                 'anonymous') || '/' || request_id;)";
}

std::string WidenEventKinds(absl::string_view kinds, absl::string_view kinds_comment) {
  return absl::StrCat(EventsTableDdl("events_widened", kinds, kinds_comment), R"(
      INSERT INTO events_widened SELECT revision, idx, time, actor, method, kind, resource_id,
        before_revision, after_revision FROM events;
      DROP TABLE events;
      ALTER TABLE events_widened RENAME TO events;)");
}

std::string AddResourceColumns(absl::string_view table, absl::string_view history_table,
                               absl::Span<const absl::string_view> column_ddls) {
  std::string sql;
  for (absl::string_view t : {table, history_table}) {
    for (absl::string_view column : column_ddls) {
      absl::StrAppend(&sql, "\n      ALTER TABLE ", t, " ADD COLUMN ", column, ";");
    }
  }
  return sql;
}

ResourceSql::ResourceSql(const ResourceTable& table)
    : upsert_current(UpsertSql(table.table, table.columns)),
      insert_history(InsertSql(table.history_table, table.columns)),
      select_current(absl::StrCat("SELECT ", ColumnList(table.columns, ""), " FROM ", table.table,
                                  " ORDER BY id")),
      select_max_id(absl::StrCat("SELECT max(id) FROM ", table.table)) {}

// ---------------------------------------------------------------------------
// ResourceStoreBase

absl::StatusOr<ResourceStoreBase::Connections> ResourceStoreBase::Open(
    const std::string& path, int64_t application_id, absl::Span<const absl::string_view> migrations,
    absl::Span<const ResourceTable> tables) {
  RETURN_IF_ERROR(CheckTables(tables));
  // WAL is switched on only after ApplyMigrations has accepted the file:
  // switching writes the header, and a refused file must stay untouched.
  OpenOptions writer_options;
  writer_options.wal = false;
  writer_options.synchronous = Synchronous::kFull;  // see the top of the header
  Connections connections;
  ASSIGN_OR_RETURN(connections.writer, Database::Open(path, writer_options));
  RETURN_IF_ERROR(ApplyMigrations(*connections.writer, application_id, migrations));
  RETURN_IF_ERROR(connections.writer->EnableWal());

  OpenOptions reader_options;
  reader_options.read_only = true;
  ASSIGN_OR_RETURN(connections.reader, Database::Open(path, reader_options));
  return connections;
}

ResourceStoreBase::ResourceStoreBase(Connections connections,
                                     absl::Span<const ResourceTable> tables)
    : writer_(std::move(connections.writer)),
      reader_(std::move(connections.reader)),
      tables_(tables.begin(), tables.end()),
      sql_(MakeResourceSql(tables)),
      event_query_(MakeEventQuery(tables)),
      path_(writer_->path()) {}

// Each event with its before and after snapshots from the history table of
// its kind. After the event columns come, kind by kind, the columns of
// before and of after; those of the other kinds are NULL.
ResourceStoreBase::EventQuery ResourceStoreBase::MakeEventQuery(
    absl::Span<const ResourceTable> tables) {
  EventQuery query;
  std::string columns = "e.revision, e.idx, e.time, e.actor, e.method, e.kind, e.before_revision";
  std::string joins;
  int next_column = kEventColumnCount;
  for (const ResourceTable& table : tables) {
    const int width = static_cast<int>(table.columns.size());
    query.snapshot_columns.emplace_back(next_column, next_column + width);
    next_column += 2 * width;
    // One join per (kind, side); a join that does not apply matches nothing.
    for (const auto& [alias_prefix, revision_column] :
         {std::pair("b", "before_revision"), std::pair("a", "after_revision")}) {
      const std::string alias = absl::StrCat(alias_prefix, table.kind);
      absl::StrAppend(&columns, ", ", ColumnList(table.columns, alias));
      absl::StrAppend(&joins, " LEFT JOIN ", table.history_table, " AS ", alias,
                      " ON e.kind = ", table.kind, " AND ", alias, ".id = e.resource_id AND ",
                      alias, ".revision = e.", revision_column);
    }
  }
  query.sql = absl::StrCat("SELECT ", columns, " FROM events AS e", joins,
                           // Written so that the range on revision uses the primary key.
                           " WHERE e.revision >= ?1 AND (e.revision > ?1 OR e.idx >= ?2)"
                           " ORDER BY e.revision, e.idx LIMIT ?3");
  return query;
}

ResourceStoreBase::~ResourceStoreBase() = default;

absl::Status ResourceStoreBase::PrepareStatements() {
  {
    absl::MutexLock lock(&write_mu_);
    for (const ResourceSql& table : sql_) {
      for (const std::string* text : {&table.upsert_current, &table.insert_history}) {
        RETURN_IF_ERROR(writer_->Cached(*text).status());
      }
    }
    RETURN_IF_ERROR(writer_->Cached(kInsertEventSql).status());
    RETURN_IF_ERROR(writer_->Cached(kInsertRequestIdSql).status());
  }
  absl::MutexLock lock(&read_mu_);
  RETURN_IF_ERROR(reader_->Cached(event_query_.sql).status());
  return reader_->Cached(kSelectRequestIdSql).status();
}

absl::StatusOr<std::optional<std::string>> ResourceStoreBase::LookupRequest(
    absl::string_view request_id) {
  absl::MutexLock lock(&read_mu_);
  ASSIGN_OR_RETURN(CachedStatement statement, reader_->Cached(kSelectRequestIdSql));
  statement->BindText(1, request_id);
  ASSIGN_OR_RETURN(const bool row, statement->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(statement->ColumnText(0));
}

absl::StatusOr<int64_t> ResourceStoreBase::ReadState(
    absl::FunctionRef<absl::Status(Database&)> read) {
  absl::MutexLock lock(&write_mu_);
  // One transaction, so that all the reads see one state of the file. It
  // writes nothing and rolls back.
  ASSIGN_OR_RETURN(Transaction snapshot, Transaction::Begin(*writer_));
  RETURN_IF_ERROR(read(*writer_));
  return writer_->QueryInt64(kSelectLastRevisionSql);  // NULL, for no events, reads as 0
}

absl::Status ResourceStoreBase::BadChange(int64_t revision, size_t index,
                                          absl::string_view problem) {
  return absl::InternalError(absl::StrCat("revision ", revision, " change ", index, ": ", problem));
}

absl::Status ResourceStoreBase::RowError(int64_t kind, const Statement& statement, int first,
                                         const absl::Status& status) const {
  // Column `first` is the id (CheckTables).
  return absl::Status(status.code(),
                      absl::StrCat(path_, ": ", tables_[kind - 1].table, " row ",
                                   statement.ColumnInt64(first), ": ", status.message()));
}

absl::Status ResourceStoreBase::WriteChange(const ChangeRecord& change,
                                            absl::FunctionRef<void(Statement&)> bind) {
  if (change.after.kind < 1 || change.after.kind > static_cast<int64_t>(sql_.size())) {
    return BadChange(change.revision, change.index,
                     absl::StrCat("unknown resource kind ", change.after.kind));
  }
  const ResourceSql& table = sql(change.after.kind);
  // A duplicate (id, revision) fails the history insert: a mutation changes
  // a resource at most once.
  for (const std::string* text : {&table.upsert_current, &table.insert_history}) {
    ASSIGN_OR_RETURN(CachedStatement statement, writer_->Cached(*text));
    bind(*statement);
    RETURN_IF_ERROR(statement->Run());
  }
  ASSIGN_OR_RETURN(CachedStatement event, writer_->Cached(kInsertEventSql));
  Binder b(*event);
  b.Int(change.revision).Int(change.index).Time(change.time).Text(change.actor);
  b.Text(change.method).Int(change.after.kind).Int(change.after.id);
  if (change.before_revision.has_value()) {
    b.Int(*change.before_revision);
  } else {
    b.Null();
  }
  b.Int(change.after.revision);
  return event->Run();
}

absl::Status ResourceStoreBase::WriteRequestId(absl::string_view request_id, absl::string_view name,
                                               int64_t revision) {
  ASSIGN_OR_RETURN(CachedStatement statement, writer_->Cached(kInsertRequestIdSql));
  Binder(*statement).Text(request_id).Text(name).Int(revision);
  return statement->Run();
}

absl::StatusOr<CachedStatement> ResourceStoreBase::QueryEvents(int64_t start_revision,
                                                               int32_t start_index, int limit) {
  ASSIGN_OR_RETURN(CachedStatement statement, reader_->Cached(event_query_.sql));
  statement->BindInt64(1, start_revision).BindInt64(2, start_index).BindInt64(3, limit);
  return statement;
}

absl::StatusOr<ResourceStoreBase::EventRecord> ResourceStoreBase::ReadEvent(
    const Statement& row) const {
  RowReader r(row, 0);
  EventRecord event;
  event.revision = r.Int();
  event.index = static_cast<int32_t>(r.Int());
  event.time = r.Time();
  event.actor = r.Text();
  event.method = r.Text();
  event.kind = r.Int();
  if (event.kind < 1 || event.kind > static_cast<int64_t>(event_query_.snapshot_columns.size())) {
    return absl::DataLossError(absl::StrCat(path_, ": event (", event.revision, ", ", event.index,
                                            "): unknown resource kind ", event.kind));
  }
  const auto [before_column, after_column] = event_query_.snapshot_columns[event.kind - 1];
  // A join that found no history row leaves its columns NULL, id included.
  if (!row.ColumnIsNull(kBeforeRevisionColumn) && !row.ColumnIsNull(before_column)) {
    event.before_column = before_column;
  }
  if (row.ColumnIsNull(after_column)) {
    return absl::DataLossError(absl::StrCat(path_, ": event (", event.revision, ", ", event.index,
                                            "): the history row of its resource is missing"));
  }
  event.after_column = after_column;
  return event;
}

}  // namespace grassroots::sqlite
