#include "common/sqlite.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/mutation_store.h"
#include "common/status_macros.h"

namespace grassroots::sqlite {
namespace {

// Error messages quote SQL; long statements are cut to keep messages short.
constexpr size_t kMaxQuotedSql = 80;

// What keeps SQLite from reading or writing the file, in words an operator
// can act on, or empty when `rc` is not a fault of the file's storage.
// SQLite reports most failed system calls as SQLITE_IOERR, so the errno of
// the call (`system_errno`) tells a full disk or a read-only file system
// apart from a failing device.
std::string StorageFaultCause(int rc, int system_errno) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
      return "the disk is full";
    case SQLITE_READONLY:
      if (rc == SQLITE_READONLY_DBMOVED) return "the database file was moved or deleted";
      return "the database file is read-only";
    case SQLITE_IOERR:
      switch (system_errno) {
        case ENOSPC:
          return "the disk is full";
        case EDQUOT:
          return "the disk quota is used up";
        case EFBIG:
          return "the file has reached the largest size allowed (RLIMIT_FSIZE or the file system)";
        case EROFS:
          return "the file system is read-only";
        case EACCES:
        case EPERM:
          return "the file may not be written (permission denied)";
        case 0:
          return "an I/O error occurred";
        default:
          return absl::StrCat("an I/O error occurred (", std::strerror(system_errno), ")");
      }
    default:
      return "";
  }
}

absl::StatusCode CodeFor(int rc, int system_errno, OnConstraint on_constraint) {
  switch (rc & 0xff) {  // the primary code of an extended result code
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_CANTOPEN:
      return absl::StatusCode::kUnavailable;
    case SQLITE_IOERR:
      // A full disk or a file system remounted read-only is fixed by an
      // operator and the write then succeeds; a device that fails reads or
      // writes is not a condition a retry can wait out.
      switch (system_errno) {
        case ENOSPC:
        case EDQUOT:
        case EFBIG:
        case EROFS:
        case EACCES:
        case EPERM:
          return absl::StatusCode::kUnavailable;
        default:
          return absl::StatusCode::kInternal;
      }
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::StatusCode::kDataLoss;
    case SQLITE_CONSTRAINT:
      return on_constraint == OnConstraint::kAlreadyExists ? absl::StatusCode::kAlreadyExists
                                                           : absl::StatusCode::kInternal;
    default:
      return absl::StatusCode::kInternal;
  }
}

// `sql` on one line, cut to kMaxQuotedSql characters, in quotes.
std::string QuoteSql(absl::string_view sql) {
  std::string one_line;
  bool in_space = false;
  for (char c : absl::StripAsciiWhitespace(sql)) {
    const bool space = absl::ascii_isspace(static_cast<unsigned char>(c));
    if (!space) one_line.push_back(c);
    if (space && !in_space) one_line.push_back(' ');
    in_space = space;
  }
  if (one_line.size() > kMaxQuotedSql)
    one_line = absl::StrCat(one_line.substr(0, kMaxQuotedSql), "...");
  return absl::StrCat("\"", one_line, "\"");
}

// A pointer SQLite reads as a zero-length value: a null pointer would bind
// NULL instead of '' or x''.
const char* NonNullData(absl::string_view value) {
  return value.data() != nullptr ? value.data() : "";
}

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

}  // namespace

// ---------------------------------------------------------------------------
// Statement

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_status_(std::move(other.bind_status_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_status_ = std::move(other.bind_status_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }  // a no-op on null

Statement& Statement::KeepBindError(int rc, int index) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ =
        db_->Error(rc, absl::StrCat("binding parameter ", index, " of ", QuoteSql(sql())));
  }
  return *this;
}

Statement& Statement::BindInt64(int index, int64_t value) {
  return KeepBindError(sqlite3_bind_int64(stmt_, index, value), index);
}

Statement& Statement::BindDouble(int index, double value) {
  return KeepBindError(sqlite3_bind_double(stmt_, index, value), index);
}

Statement& Statement::BindText(int index, absl::string_view value) {
  return KeepBindError(sqlite3_bind_text64(stmt_, index, NonNullData(value), value.size(),
                                           SQLITE_TRANSIENT, SQLITE_UTF8),
                       index);
}

Statement& Statement::BindBlob(int index, absl::string_view bytes) {
  return KeepBindError(
      sqlite3_bind_blob64(stmt_, index, NonNullData(bytes), bytes.size(), SQLITE_TRANSIENT), index);
}

Statement& Statement::BindNull(int index) {
  return KeepBindError(sqlite3_bind_null(stmt_, index), index);
}

std::string Statement::Doing() const { return absl::StrCat("running ", QuoteSql(sql())); }

absl::StatusOr<bool> Statement::Step(OnConstraint on_constraint) {
  if (!bind_status_.ok()) return bind_status_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  absl::Status status = db_->Error(rc, Doing(), on_constraint);
  // A failed statement must be reset before it can run again; resetting
  // also releases what it held in the transaction.
  sqlite3_reset(stmt_);
  return status;
}

absl::Status Statement::Run(OnConstraint on_constraint) {
  ASSIGN_OR_RETURN(const bool row, Step(on_constraint));
  Reset();
  if (row) {
    return absl::InternalError(
        absl::StrCat(db_->path(), ": ", Doing(), ": returned a row where none was expected"));
  }
  return absl::OkStatus();
}

// sqlite3_reset repeats the error of the last step, which Step has already
// returned, so its result is of no further use.
void Statement::Reset() { sqlite3_reset(stmt_); }

void Statement::ClearBindings() {
  sqlite3_clear_bindings(stmt_);
  bind_status_ = absl::OkStatus();
}

int Statement::ColumnCount() const { return sqlite3_column_count(stmt_); }

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::ColumnInt64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

absl::string_view Statement::ColumnText(int column) const {
  // The pointer first, then the size: that order is what the SQLite
  // documentation guarantees to be consistent.
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return absl::string_view(text, sqlite3_column_bytes(stmt_, column));
}

absl::string_view Statement::ColumnBlob(int column) const {
  const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (blob == nullptr) return {};
  return absl::string_view(blob, sqlite3_column_bytes(stmt_, column));
}

absl::string_view Statement::sql() const {
  const char* text = sqlite3_sql(stmt_);
  return text != nullptr ? absl::string_view(text) : absl::string_view();
}

CachedStatement::~CachedStatement() {
  if (statement_ == nullptr) return;
  statement_->Reset();
  statement_->ClearBindings();
  *in_use_ = false;
}

// ---------------------------------------------------------------------------
// Database

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& path,
                                                         const OpenOptions& options) {
  // Multi-thread mode (NOMUTEX): a connection is used by one thread at a
  // time, so SQLite's per-connection mutex would only cost time.
  const int flags =
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  sqlite3* handle = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &handle, flags, /*zVfs=*/nullptr);
  // Even a failed open usually returns a handle, holding the error message;
  // the Database owns (and closes) it from here on.
  auto db = absl::WrapUnique(new Database(path, handle, options.read_only));
  if (rc != SQLITE_OK) return db->Error(rc, "opening");
  RETURN_IF_ERROR(db->CheckWritable());
  RETURN_IF_ERROR(db->CheckIsDatabase());
  RETURN_IF_ERROR(db->Configure(options));
  return db;
}

Database::~Database() {
  cache_.clear();  // statements must be finalized before their connection
  sqlite3_close_v2(db_);
}

absl::Status Database::CheckIsDatabase() {
  // SQLite opens files lazily; reading the schema makes it read the header.
  // This only reads, so a file that is not a database is left as it was.
  const int rc = sqlite3_exec(db_, "SELECT count(*) FROM sqlite_schema", nullptr, nullptr, nullptr);
  if (rc == SQLITE_NOTADB) {
    return absl::FailedPreconditionError(absl::StrCat(
        path_, ": is not an SQLite database (", sqlite3_errmsg(db_), "); refusing to open it"));
  }
  if ((rc & 0xff) == SQLITE_CORRUPT) {
    // A truncated file, or one whose first pages were overwritten.
    return absl::DataLossError(absl::StrCat(path_, ": is a corrupt SQLite database (",
                                            sqlite3_errmsg(db_), " while reading its schema, ",
                                            "SQLite code ", rc, "); refusing to open it"));
  }
  if (rc != SQLITE_OK) return Error(rc, "reading the schema");
  return absl::OkStatus();
}

absl::Status Database::CheckWritable() {
  if (read_only_ || sqlite3_db_readonly(db_, "main") != 1) return absl::OkStatus();
  // SQLite quietly falls back to reading only when the file is not
  // writable; a writer should hear of it now, not at its first commit, and
  // before SQLite reads the file (a WAL file without its index cannot even
  // be read on a read-only file system, which would hide the real cause).
  const int error = access(path_.c_str(), W_OK) == 0 ? 0 : errno;
  const std::string cause = error == EROFS    ? "it is on a read-only file system"
                            : error == EACCES ? "permission denied"
                            : error != 0      ? std::string(std::strerror(error))
                                              : "SQLite opened it for reading only";
  return absl::UnavailableError(
      absl::StrCat(path_, ": is not writable (", cause, "); refusing to open it for writing"));
}

absl::Status Database::Configure(const OpenOptions& options) {
  sqlite3_busy_timeout(db_, static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  RETURN_IF_ERROR(
      Exec(absl::StrCat("PRAGMA synchronous = ", static_cast<int>(options.synchronous))));
  if (read_only_ || !options.wal) return absl::OkStatus();
  return EnableWal();
}

absl::Status Database::EnableWal() {
  // The pragma answers with the mode in force afterwards; SQLite keeps the
  // old one, without an error, where WAL is not possible.
  ASSIGN_OR_RETURN(Statement journal_mode, Prepare("PRAGMA journal_mode = WAL"));
  ASSIGN_OR_RETURN(const bool row, journal_mode.Step());
  const absl::string_view mode = row ? journal_mode.ColumnText(0) : "";
  if (mode != "wal") {
    return absl::FailedPreconditionError(
        absl::StrCat(path_, ": cannot use WAL journal mode (SQLite kept \"", mode, "\")"));
  }
  return absl::OkStatus();
}

absl::Status Database::Error(int rc, absl::string_view doing, OnConstraint on_constraint) const {
  const int system_errno = (rc & 0xff) == SQLITE_IOERR ? LastSystemErrno() : 0;
  // sqlite3_errmsg(nullptr) is "out of memory", which is why a handle is missing.
  const std::string cause = StorageFaultCause(rc, system_errno);
  absl::Status status(
      CodeFor(rc, system_errno, on_constraint),
      absl::StrCat(path_, ": ", doing, ": ", cause.empty() ? "" : absl::StrCat(cause, ": "),
                   sqlite3_errmsg(db_), " (SQLite code ", rc,
                   system_errno != 0 ? absl::StrCat(", errno ", system_errno) : "", ")"));
  if (!cause.empty()) status.SetPayload(kStorageFaultCause, absl::Cord(cause));
  return status;
}

int Database::LastSystemErrno() const {
  // Each file keeps the errno of its last failed call, which is what SQLite's
  // own sqlite3_system_errno misses for a COMMIT that failed writing the WAL
  // (it is set only for errors inside a statement's opcodes). The WAL (or
  // rollback journal) is where a commit writes first, the database file
  // where a checkpoint writes.
  sqlite3_file* journal = nullptr;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &journal) == SQLITE_OK &&
      journal != nullptr && journal->pMethods != nullptr) {
    int error = 0;
    if (journal->pMethods->xFileControl(journal, SQLITE_FCNTL_LAST_ERRNO, &error) == SQLITE_OK &&
        error != 0) {
      return error;
    }
  }
  int error = 0;
  if (sqlite3_file_control(db_, "main", SQLITE_FCNTL_LAST_ERRNO, &error) == SQLITE_OK &&
      error != 0) {
    return error;
  }
  return sqlite3_system_errno(db_);
}

absl::Status Database::Exec(absl::string_view sql) {
  const std::string text(sql);  // sqlite3_exec needs a NUL-terminated string
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, absl::StrCat("running ", QuoteSql(sql)));
  return absl::OkStatus();
}

absl::StatusOr<Statement> Database::Prepare(absl::string_view sql) {
  return PrepareWithFlags(sql, 0);
}

absl::StatusOr<Statement> Database::PrepareWithFlags(absl::string_view sql,
                                                     unsigned int prepare_flags) {
  if (sql.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": SQL text too long"));
  }
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), prepare_flags,
                                    &stmt, &tail);
  Statement statement(this, stmt);  // finalizes `stmt` on every path out
  if (rc != SQLITE_OK) return Error(rc, absl::StrCat("preparing ", QuoteSql(sql)));
  if (stmt == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(path_, ": preparing ", QuoteSql(sql), ": holds no statement"));
  }
  // Anything after the first statement would silently never run.
  const absl::string_view rest = sql.substr(tail - sql.data());
  if (!absl::StripAsciiWhitespace(rest).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": preparing ", QuoteSql(sql),
                                                   ": holds more than one statement; use Exec"));
  }
  return statement;
}

absl::StatusOr<CachedStatement> Database::Cached(absl::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    // PERSISTENT: the statement lives long, so SQLite keeps it out of its
    // short-lived allocation pools.
    ASSIGN_OR_RETURN(Statement statement, PrepareWithFlags(sql, SQLITE_PREPARE_PERSISTENT));
    it = cache_.emplace(std::string(sql), CacheEntry{std::move(statement)}).first;
  }
  CacheEntry& entry = it->second;
  if (entry.in_use) {
    return absl::InternalError(
        absl::StrCat(path_, ": cached statement ", QuoteSql(sql), " is already in use"));
  }
  return CachedStatement(&entry.statement, &entry.in_use);
}

absl::StatusOr<int64_t> Database::QueryInt64(absl::string_view sql) {
  ASSIGN_OR_RETURN(Statement statement, Prepare(sql));
  ASSIGN_OR_RETURN(const bool row, statement.Step());
  if (!row) {
    return absl::NotFoundError(absl::StrCat(path_, ": ", QuoteSql(sql), " returned no row"));
  }
  return statement.ColumnInt64(0);
}

bool Database::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---------------------------------------------------------------------------
// Transaction

absl::StatusOr<Transaction> Transaction::Begin(Database& db) {
  RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  return Transaction(&db);
}

Transaction::~Transaction() {
  // SQLite rolls back by itself after some errors (SQLITE_FULL, say), so a
  // transaction may already be gone. A failed ROLLBACK cannot be reported
  // from here; SQLite then rolls back when the connection closes.
  if (db_ != nullptr && db_->InTransaction()) db_->Exec("ROLLBACK").IgnoreError();
}

absl::Status Transaction::Commit() {
  Database* db = std::exchange(db_, nullptr);
  absl::Status status = db->Exec("COMMIT");
  // A failed COMMIT (SQLITE_BUSY, say) leaves the transaction open; end it so
  // that the connection is usable and nothing of it is stored.
  if (!status.ok() && db->InTransaction()) db->Exec("ROLLBACK").IgnoreError();
  return status;
}

// ---------------------------------------------------------------------------
// Migrations

namespace {

// The schema version of `db`, after checking that the file is one that
// ApplyMigrations may work on. Only reads.
absl::StatusOr<int64_t> CheckedSchemaVersion(Database& db, int64_t application_id, int64_t latest) {
  ASSIGN_OR_RETURN(const int64_t found_id, db.QueryInt64("PRAGMA application_id"));
  if (found_id != 0 && found_id != application_id) {
    return absl::FailedPreconditionError(
        absl::StrCat(db.path(), ": belongs to another application (application_id 0x",
                     absl::Hex(static_cast<uint32_t>(found_id)), ", expected 0x",
                     absl::Hex(static_cast<uint32_t>(application_id)), "); refusing to open it"));
  }
  ASSIGN_OR_RETURN(const int64_t version, db.QueryInt64("PRAGMA user_version"));
  if (version > latest) {
    return absl::FailedPreconditionError(absl::StrCat(db.path(), ": schema version ", version,
                                                      " is newer than this binary supports (",
                                                      latest, "); refusing to open it"));
  }
  if (version < 0) {
    return absl::FailedPreconditionError(absl::StrCat(db.path(), ": schema version ", version,
                                                      " is not valid; refusing to open it"));
  }
  if (version == 0) {
    // Step 0 would create our tables next to, or on top of, someone else's.
    ASSIGN_OR_RETURN(const int64_t objects, db.QueryInt64("SELECT count(*) FROM sqlite_schema"));
    if (objects > 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(db.path(), ": has tables but no schema version, so it was not made by ",
                       "this application; refusing to open it"));
    }
  }
  return version;
}

// Runs step `version` and records the new version, inside the caller's
// transaction.
absl::Status ApplyStep(Database& db, int64_t application_id, int64_t version,
                       absl::string_view step) {
  RETURN_IF_ERROR(Prefixed(db.Exec(step), absl::StrCat("migrating the schema from version ",
                                                       version, " to ", version + 1, ": ")));
  return db.Exec(absl::StrCat("PRAGMA application_id = ", application_id,
                              "; PRAGMA user_version = ", version + 1));
}

}  // namespace

absl::Status ApplyMigrations(Database& db, int64_t application_id,
                             absl::Span<const absl::string_view> steps) {
  if (application_id == 0 || application_id < std::numeric_limits<int32_t>::min() ||
      application_id > std::numeric_limits<int32_t>::max()) {
    return absl::InvalidArgumentError(absl::StrCat("application_id ", application_id,
                                                   " must be a nonzero 32-bit signed integer"));
  }
  const int64_t latest = static_cast<int64_t>(steps.size());
  while (true) {
    // Checked first without a lock, so that an up-to-date or refused file
    // is never locked for writing (and a reader connection can call this).
    ASSIGN_OR_RETURN(const int64_t version, CheckedSchemaVersion(db, application_id, latest));
    if (version == latest) return absl::OkStatus();

    ASSIGN_OR_RETURN(Transaction transaction, Transaction::Begin(db));
    // Again under the write lock: another process may have migrated since.
    ASSIGN_OR_RETURN(const int64_t locked_version,
                     CheckedSchemaVersion(db, application_id, latest));
    if (locked_version != version) continue;  // rolled back; nothing was written
    RETURN_IF_ERROR(ApplyStep(db, application_id, version, steps[version]));
    RETURN_IF_ERROR(transaction.Commit());
  }
}

}  // namespace grassroots::sqlite
