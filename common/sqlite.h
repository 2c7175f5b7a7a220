#ifndef GRASSROOTS_COMMON_SQLITE_H_
#define GRASSROOTS_COMMON_SQLITE_H_

// A small RAII layer over the SQLite C API, shared by every store of the
// suite: connections, prepared and cached statements, transactions and
// versioned schema migrations, with SQLite's result codes mapped to
// absl::Status once, here.
//
// Error codes, everywhere in this file:
//   UNAVAILABLE   SQLITE_FULL, SQLITE_READONLY, SQLITE_BUSY, SQLITE_LOCKED,
//                 SQLITE_CANTOPEN, and SQLITE_IOERR from a system call that
//                 failed with ENOSPC, EDQUOT, EFBIG, EROFS, EACCES or EPERM:
//                 the environment is at fault (disk full, read-only file
//                 system, lock held too long); retrying can succeed once the
//                 cause is fixed.
//   INTERNAL      any other SQLITE_IOERR (EIO, say): the device failed, and
//                 waiting will not fix it.
//   DATA_LOSS     SQLITE_CORRUPT, SQLITE_NOTADB met while working on a file
//                 that opened as a database.
//   ALREADY_EXISTS  SQLITE_CONSTRAINT, only where the caller asks for it with
//                 OnConstraint::kAlreadyExists; INTERNAL otherwise.
//   FAILED_PRECONDITION  Database::Open and ApplyMigrations refuse a file that
//                 is not an SQLite database, belongs to another application,
//                 or has a newer schema; the file is left as it was.
//   INTERNAL      anything else (a bad statement, a misuse).
// Messages name the file, what was being done, the cause in words for a
// storage fault ("the disk is full"), sqlite3_errmsg, the SQLite code and the
// errno. A storage fault (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR) also
// carries its cause, without the file name, under the kStorageFaultCause
// payload (common/mutation_store.h), for the services' messages to callers.
//
// Thread-safety: a Database and its Statements belong to one thread at a time
// (connections are opened in SQLite's multi-thread mode, without a
// per-connection mutex); give each concurrent thread its own Database, or
// guard one with a mutex. WAL lets readers on other connections run
// concurrently with a writer.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

struct sqlite3;
struct sqlite3_stmt;

namespace grassroots::sqlite {

class Database;

// What a failed constraint (UNIQUE, PRIMARY KEY, NOT NULL, CHECK) means to the
// caller: a bug (INTERNAL), or a duplicate it wants to report as such.
enum class OnConstraint { kInternal, kAlreadyExists };

// One prepared statement. Move-only; finalized on destruction. The Database
// it came from must outlive it.
//
// Binding: Bind* take a 1-based parameter index and return *this, so that
// bindings chain; a binding error (a bad index, say) is kept and returned by
// every Step() until ClearBindings(), so call sites check once. Text and
// blobs are copied; an empty text is '' and an empty blob x'', never NULL.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  Statement& BindInt64(int index, int64_t value);
  Statement& BindDouble(int index, double value);
  Statement& BindText(int index, absl::string_view value);
  Statement& BindBlob(int index, absl::string_view bytes);
  Statement& BindNull(int index);

  // Runs the statement one step: true when a row is ready for the Column*
  // getters, false when the statement has finished. A finished statement
  // must be Reset() before it runs again.
  absl::StatusOr<bool> Step(OnConstraint on_constraint = OnConstraint::kInternal);

  // Steps a statement that returns no rows (INSERT, UPDATE, ...) to the end
  // and resets it, keeping the bindings. INTERNAL when it yields a row.
  absl::Status Run(OnConstraint on_constraint = OnConstraint::kInternal);

  // Makes the statement ready to run again from the start and ends the read
  // it may hold open; the bindings stay until ClearBindings().
  void Reset();
  void ClearBindings();

  // Column getters for the current row; `column` is 0-based. Text and blob
  // views stay valid until the next Step, Reset or destruction.
  int ColumnCount() const;
  bool ColumnIsNull(int column) const;
  int64_t ColumnInt64(int column) const;
  double ColumnDouble(int column) const;
  absl::string_view ColumnText(int column) const;
  absl::string_view ColumnBlob(int column) const;

  // The SQL text, for messages.
  absl::string_view sql() const;

 private:
  friend class Database;
  Statement(Database* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement& KeepBindError(int rc, int index);
  std::string Doing() const;  // "running \"INSERT ...\"", for messages

  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
  absl::Status bind_status_;  // the first binding error since the last Reset
};

// A statement owned by its Database's cache, lent out for one use: the
// handle resets the statement and clears its bindings when it goes away, so
// that a cached SELECT never holds a read transaction (an old snapshot) open
// between uses. Must not outlive the Database.
class CachedStatement {
 public:
  CachedStatement(CachedStatement&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)), in_use_(other.in_use_) {}
  CachedStatement& operator=(CachedStatement&&) = delete;
  CachedStatement(const CachedStatement&) = delete;
  ~CachedStatement();

  Statement& operator*() const { return *statement_; }
  Statement* operator->() const { return statement_; }

 private:
  friend class Database;
  CachedStatement(Statement* statement, bool* in_use) : statement_(statement), in_use_(in_use) {
    *in_use_ = true;
  }

  Statement* statement_;  // null once moved from
  bool* in_use_;          // the cache entry's flag, cleared on release
};

// The `synchronous` pragma: how hard a commit waits for the disk.
// In WAL mode, kNormal survives a crash of the process (kill -9) but may lose
// the last commits on power loss; kFull fsyncs the WAL on every commit, so an
// acknowledged commit survives power loss too.
enum class Synchronous { kOff = 0, kNormal = 1, kFull = 2, kExtra = 3 };

struct OpenOptions {
  // Opens an existing file for reading only (a reader connection); every
  // write then fails with UNAVAILABLE. Otherwise the file is created when
  // absent.
  bool read_only = false;
  // Switches a writable database to WAL journal mode (see EnableWal) as part
  // of opening it. Reader connections use the mode the file has.
  bool wal = true;
  Synchronous synchronous = Synchronous::kFull;
  // How long a statement waits for a lock held by another connection before
  // failing with UNAVAILABLE.
  absl::Duration busy_timeout = absl::Seconds(5);
};

// One connection to one database file.
class Database {
 public:
  // Opens (or creates) the database at `path` and applies `options`.
  // FAILED_PRECONDITION, naming the file, when it exists but is not an SQLite
  // database; DATA_LOSS when it is one whose first pages are corrupt (a
  // truncated file, say); nothing is written to it then. UNAVAILABLE when it
  // cannot be opened (a missing directory, no permission, a missing file for
  // a reader).
  static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& path,
                                                        const OpenOptions& options = {});

  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  // Runs `sql`, which may hold several statements separated by ';' and
  // returns no rows (DDL, pragmas, BEGIN/COMMIT).
  absl::Status Exec(absl::string_view sql);

  // Compiles the first statement of `sql`. INTERNAL for a syntax error or an
  // unknown table; INVALID_ARGUMENT when `sql` holds no statement.
  absl::StatusOr<Statement> Prepare(absl::string_view sql);

  // As Prepare, but compiles `sql` once per connection and lends the same
  // statement on later calls with the same text: for hot paths. A text is
  // lent to one user at a time: asking for it again while a handle to it is
  // alive is a bug, reported as INTERNAL.
  absl::StatusOr<CachedStatement> Cached(absl::string_view sql);

  // Switches the database to WAL journal mode, so that readers on other
  // connections neither block the writer nor are blocked by it. This writes
  // the file header of a database in another mode, so call it only once the
  // file is known to be ours (after ApplyMigrations). FAILED_PRECONDITION
  // when SQLite cannot use WAL there (e.g. no shared memory for its index).
  absl::Status EnableWal();

  // Runs a query that yields one integer (e.g. `PRAGMA user_version`).
  // NOT_FOUND when it yields no row; a NULL reads as 0.
  absl::StatusOr<int64_t> QueryInt64(absl::string_view sql);

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  // True while a transaction is open on this connection.
  bool InTransaction() const;

 private:
  friend class Statement;
  struct CacheEntry {
    Statement statement;
    bool in_use = false;
  };

  Database(std::string path, sqlite3* db, bool read_only)
      : path_(std::move(path)), db_(db), read_only_(read_only) {}
  // UNAVAILABLE, naming the cause, when a writer got a read-only connection.
  absl::Status CheckWritable();
  absl::Status CheckIsDatabase();
  absl::Status Configure(const OpenOptions& options);
  absl::StatusOr<Statement> PrepareWithFlags(absl::string_view sql, unsigned int prepare_flags);

  // The absl::Status for the SQLite result code `rc` just returned by this
  // connection; `doing` says what was being done.
  absl::Status Error(int rc, absl::string_view doing,
                     OnConstraint on_constraint = OnConstraint::kInternal) const;
  // The errno of the system call behind the last I/O error; 0 when unknown.
  int LastSystemErrno() const;

  std::string path_;
  sqlite3* db_;
  bool read_only_;
  // Keyed by SQL text; std::less<> lets a lookup take a string_view without
  // copying the text. Node-based, so entries never move while lent out.
  std::map<std::string, CacheEntry, std::less<>> cache_;
};

// A write transaction: BEGIN IMMEDIATE takes the write lock at once, so that
// a conflict with another writer shows up here (as UNAVAILABLE after the busy
// timeout) rather than half-way through. Rolled back on destruction unless
// committed. Move-only; the Database must outlive it.
class Transaction {
 public:
  static absl::StatusOr<Transaction> Begin(Database& db);

  Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  ~Transaction();

  // Commits. On error the transaction is rolled back (now, or by the
  // destructor) and nothing of it is stored.
  absl::Status Commit();

 private:
  explicit Transaction(Database* db) : db_(db) {}
  Database* db_;  // null once committed or moved from
};

// Brings the schema of `db` up to date. `steps[i]` is the SQL that takes
// schema version i (PRAGMA user_version) to i + 1; version 0 is an empty
// database. Each step runs in its own transaction together with the version
// bump, so a crash leaves the database at a whole version, and a step never
// runs twice even when several processes open the file at once. Published
// steps must never change: add a step instead.
//
// ApplyMigrations only reads a file it refuses, but Database::Open with
// `wal = true` has already switched a rollback-journal file to WAL (its
// header) before ApplyMigrations can look at it: to leave every refused file
// byte for byte as it was, open with `wal = false`, migrate, then EnableWal().
//
// The database is stamped with `application_id` (PRAGMA application_id, a
// 32-bit value; `file` tools show it), so that files of other programs are
// recognised. Returns, without modifying the file:
//   FAILED_PRECONDITION when its application_id is set and differs; when its
//     version is newer than steps.size() (written by a newer binary); when it
//     has tables but no version (not made by ApplyMigrations).
//   INVALID_ARGUMENT when `application_id` does not fit in 32 bits or is 0.
// A failing step is rolled back and its error returned.
absl::Status ApplyMigrations(Database& db, int64_t application_id,
                             absl::Span<const absl::string_view> steps);

}  // namespace grassroots::sqlite

#endif  // GRASSROOTS_COMMON_SQLITE_H_
