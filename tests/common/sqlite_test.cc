#include "common/sqlite.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::sqlite {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kAppId = 0x54455354;  // "TEST"

std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

class SqliteTest : public ::testing::Test {
 protected:
  std::unique_ptr<Database> OpenOrDie(const OpenOptions& options = {}) {
    auto db = Database::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? *std::move(db) : nullptr;
  }

  std::string TextOf(Database& db, absl::string_view sql) {
    auto statement = db.Prepare(sql);
    EXPECT_TRUE(statement.ok()) << statement.status();
    if (!statement.ok()) return "";
    auto row = statement->Step();
    EXPECT_TRUE(row.ok() && *row) << row.status();
    return std::string(statement->ColumnText(0));
  }

  int64_t IntOf(Database& db, absl::string_view sql) {
    auto value = db.QueryInt64(sql);
    EXPECT_TRUE(value.ok()) << value.status();
    return value.value_or(-1);
  }

  testing::TempDir dir_;
  std::string path_ = dir_.File("test.db");
};

TEST_F(SqliteTest, OpenCreatesTheFileInWalModeWithTheRequestedSynchronousLevel) {
  auto db = OpenOrDie({.synchronous = Synchronous::kNormal});
  ASSERT_NE(db, nullptr);
  EXPECT_TRUE(std::filesystem::exists(path_));
  EXPECT_EQ(TextOf(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(IntOf(*db, "PRAGMA synchronous"), 1);
  EXPECT_EQ(IntOf(*db, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(db->path(), path_);
  EXPECT_FALSE(db->read_only());

  auto full = Database::Open(path_, {.synchronous = Synchronous::kFull});
  ASSERT_TRUE(full.ok()) << full.status();
  EXPECT_EQ(IntOf(**full, "PRAGMA synchronous"), 2);
}

TEST_F(SqliteTest, EnableWalSwitchesAFileOpenedWithoutIt) {
  auto db = OpenOrDie({.wal = false});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(TextOf(*db, "PRAGMA journal_mode"), "delete");
  ASSERT_TRUE(db->EnableWal().ok());
  EXPECT_EQ(TextOf(*db, "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n)").ok());

  const std::string blob("\0\x01\xff", 3);
  auto insert = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  insert->BindInt64(1, -(int64_t{1} << 62))
      .BindDouble(2, 2.5)
      .BindText(3, "社区 compound")
      .BindBlob(4, blob)
      .BindNull(5);
  ASSERT_TRUE(insert->Run().ok());
  // Empty values are empty, not NULL.
  insert->BindInt64(1, 0).BindDouble(2, 0).BindText(3, "").BindBlob(4, "").BindNull(5);
  ASSERT_TRUE(insert->Run().ok());

  auto select = db->Prepare("SELECT i, d, s, b, n FROM t ORDER BY rowid");
  ASSERT_TRUE(select.ok()) << select.status();
  EXPECT_EQ(select->ColumnCount(), 5);
  ASSERT_EQ(select->Step().value_or(false), true);
  EXPECT_EQ(select->ColumnInt64(0), -(int64_t{1} << 62));
  EXPECT_EQ(select->ColumnDouble(1), 2.5);
  EXPECT_EQ(select->ColumnText(2), "社区 compound");
  EXPECT_EQ(select->ColumnBlob(3), blob);
  EXPECT_TRUE(select->ColumnIsNull(4));
  EXPECT_FALSE(select->ColumnIsNull(0));

  ASSERT_EQ(select->Step().value_or(false), true);
  EXPECT_FALSE(select->ColumnIsNull(2));
  EXPECT_FALSE(select->ColumnIsNull(3));
  EXPECT_EQ(select->ColumnText(2), "");
  EXPECT_EQ(select->ColumnBlob(3), "");

  auto done = select->Step();
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_FALSE(*done);

  // Reset runs it again from the start.
  select->Reset();
  ASSERT_EQ(select->Step().value_or(false), true);
  EXPECT_EQ(select->ColumnDouble(1), 2.5);
}

TEST_F(SqliteTest, BindingErrorIsReturnedByStepUntilBindingsAreCleared) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto select = db->Prepare("SELECT ?");
  ASSERT_TRUE(select.ok()) << select.status();

  select->BindInt64(3, 1).BindInt64(1, 7);
  auto row = select->Step();
  EXPECT_EQ(row.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(row.status().message(), HasSubstr("binding parameter 3 of \"SELECT ?\""));
  EXPECT_THAT(row.status().message(), HasSubstr(path_));
  EXPECT_FALSE(select->Step().ok());

  select->ClearBindings();
  select->BindInt64(1, 7);
  ASSERT_EQ(select->Step().value_or(false), true);
  EXPECT_EQ(select->ColumnInt64(0), 7);
}

TEST_F(SqliteTest, ConstraintViolationIsInternalUnlessTheCallerAsksForAlreadyExists) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)").ok());
  auto insert = db->Prepare("INSERT INTO t VALUES (?)");
  ASSERT_TRUE(insert.ok()) << insert.status();
  insert->BindInt64(1, 1);

  const absl::Status internal = insert->Run();
  EXPECT_EQ(internal.code(), absl::StatusCode::kInternal) << internal;
  EXPECT_THAT(internal.message(), HasSubstr(path_));
  EXPECT_THAT(internal.message(), HasSubstr("running \"INSERT INTO t VALUES (?)\""));
  EXPECT_THAT(internal.message(), HasSubstr("UNIQUE constraint failed: t.id"));

  // The failed statement was reset, so it can run again.
  const absl::Status exists = insert->Run(OnConstraint::kAlreadyExists);
  EXPECT_EQ(exists.code(), absl::StatusCode::kAlreadyExists) << exists;

  insert->BindInt64(1, 2);
  EXPECT_TRUE(insert->Run().ok());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 2);
}

TEST_F(SqliteTest, PrepareRejectsBadSqlWithClearErrors) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);

  auto syntax = db->Prepare("SELEKT 1");
  EXPECT_EQ(syntax.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(syntax.status().message(), HasSubstr("preparing \"SELEKT 1\""));
  EXPECT_THAT(syntax.status().message(), HasSubstr("syntax error"));

  auto unknown_table = db->Prepare("SELECT * FROM missing");
  EXPECT_EQ(unknown_table.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(unknown_table.status().message(), HasSubstr("no such table: missing"));

  EXPECT_EQ(db->Prepare("  ").status().code(), absl::StatusCode::kInvalidArgument);
  auto two = db->Prepare("SELECT 1; SELECT 2");
  EXPECT_EQ(two.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(two.status().message(), HasSubstr("more than one statement"));
  EXPECT_TRUE(db->Prepare("SELECT 1;  \n").ok());
}

TEST_F(SqliteTest, RunRejectsAStatementThatReturnsRows) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto select = db->Prepare("SELECT 1");
  ASSERT_TRUE(select.ok());
  EXPECT_EQ(select->Run().code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteTest, CachedStatementIsPreparedOnceAndLentToOneUserAtATime) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  constexpr absl::string_view kSql = "SELECT ?";
  Statement* first = nullptr;
  {
    auto cached = db->Cached(kSql);
    ASSERT_TRUE(cached.ok()) << cached.status();
    first = &**cached;
    (*cached)->BindInt64(1, 42);
    ASSERT_EQ((*cached)->Step().value_or(false), true);

    auto again = db->Cached(kSql);
    EXPECT_EQ(again.status().code(), absl::StatusCode::kInternal);
    EXPECT_THAT(again.status().message(), HasSubstr("already in use"));
  }
  auto cached = db->Cached(kSql);
  ASSERT_TRUE(cached.ok()) << cached.status();
  EXPECT_EQ(&**cached, first);
  // Released handles clear their bindings: the parameter reads as NULL.
  ASSERT_EQ((*cached)->Step().value_or(false), true);
  EXPECT_TRUE((*cached)->ColumnIsNull(0));
}

TEST_F(SqliteTest, ReleasedCachedQueryDoesNotPinAnOldSnapshot) {
  auto writer = OpenOrDie();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();

  constexpr absl::string_view kCount = "SELECT x FROM t ORDER BY x";
  {
    auto query = (*reader)->Cached(kCount);
    ASSERT_TRUE(query.ok());
    // Stop after the first row: the read transaction is still open here.
    ASSERT_EQ((*query)->Step().value_or(false), true);
  }
  ASSERT_TRUE(writer->Exec("INSERT INTO t VALUES (3)").ok());

  auto query = (*reader)->Cached(kCount);
  ASSERT_TRUE(query.ok());
  int rows = 0;
  while ((*query)->Step().value_or(false)) ++rows;
  EXPECT_EQ(rows, 3);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  {
    auto transaction = Transaction::Begin(*db);
    ASSERT_TRUE(transaction.ok()) << transaction.status();
    EXPECT_TRUE(db->InTransaction());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    Transaction moved = *std::move(transaction);  // the moved-from one must not roll back
  }
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 0);

  auto transaction = Transaction::Begin(*db);
  ASSERT_TRUE(transaction.ok()) << transaction.status();
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_FALSE(db->InTransaction());
  db.reset();

  auto reopened = OpenOrDie();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(IntOf(*reopened, "SELECT sum(x) FROM t"), 2);
}

TEST_F(SqliteTest, SecondWriterIsUnavailableWhileTheFirstHoldsTheLock) {
  auto first = OpenOrDie();
  ASSERT_NE(first, nullptr);
  auto second = OpenOrDie({.busy_timeout = absl::Milliseconds(10)});
  ASSERT_NE(second, nullptr);
  ASSERT_TRUE(first->Exec("CREATE TABLE t (x INTEGER)").ok());

  auto holding = Transaction::Begin(*first);
  ASSERT_TRUE(holding.ok()) << holding.status();
  auto blocked = Transaction::Begin(*second);
  EXPECT_EQ(blocked.status().code(), absl::StatusCode::kUnavailable) << blocked.status();
  EXPECT_THAT(blocked.status().message(), HasSubstr("database is locked"));

  ASSERT_TRUE(holding->Commit().ok());
  EXPECT_TRUE(Transaction::Begin(*second).ok());
}

TEST_F(SqliteTest, ReaderSeesTheLastCommitWhileAWriteIsInProgress) {
  auto writer = OpenOrDie();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)").ok());
  auto reader = Database::Open(path_, {.read_only = true, .busy_timeout = absl::ZeroDuration()});
  ASSERT_TRUE(reader.ok()) << reader.status();

  auto transaction = Transaction::Begin(*writer);
  ASSERT_TRUE(transaction.ok());
  ASSERT_TRUE(writer->Exec("UPDATE t SET x = 2").ok());
  // WAL: the reader is not blocked by the open write, and does not see it.
  EXPECT_EQ(IntOf(**reader, "SELECT x FROM t"), 1);
  ASSERT_TRUE(transaction->Commit().ok());
  EXPECT_EQ(IntOf(**reader, "SELECT x FROM t"), 2);
}

TEST_F(SqliteTest, ReadOnlyConnectionRefusesWritesAsUnavailable) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Exec("CREATE TABLE t (x INTEGER)").ok());
  }
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->read_only());
  const absl::Status write = (*reader)->Exec("INSERT INTO t VALUES (1)");
  EXPECT_EQ(write.code(), absl::StatusCode::kUnavailable) << write;
  EXPECT_THAT(write.message(), HasSubstr("readonly"));
}

TEST_F(SqliteTest, ReadOnlyOpenOfAMissingFileIsUnavailableAndCreatesNothing) {
  auto db = Database::Open(path_, {.read_only = true});
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
  EXPECT_THAT(db.status().message(), HasSubstr(path_));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteTest, OpenInAMissingDirectoryIsUnavailable) {
  auto db = Database::Open(dir_.File("no/such/dir.db"));
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
}

TEST_F(SqliteTest, WriterOnAReadOnlyFileIsUnavailable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, where file permissions do not stop writes";
  }
  { ASSERT_NE(OpenOrDie(), nullptr); }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read);
  auto db = Database::Open(path_);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kUnavailable) << db.status();
}

TEST_F(SqliteTest, FileThatIsNotADatabaseIsRefusedAndLeftUnchanged) {
  // A short file and one of several pages: SQLite reads both as page 1.
  for (const std::string& garbage : {std::string("not a database\n"), std::string(10000, 'x')}) {
    WriteBytes(path_, garbage);
    auto db = Database::Open(path_);
    EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition) << db.status();
    EXPECT_THAT(db.status().message(), HasSubstr(path_));
    EXPECT_THAT(db.status().message(), HasSubstr("is not an SQLite database"));
    EXPECT_EQ(ReadBytes(path_), garbage);
    EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  }
}

TEST_F(SqliteTest, CorruptPageIsDataLoss) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Exec("PRAGMA journal_mode = DELETE; CREATE TABLE t (x TEXT);"
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                         "WHERE i < 100) INSERT INTO t SELECT printf('%0100d', i) FROM n")
                    .ok());
    ASSERT_EQ(IntOf(*db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'"), 2);
  }
  // Overwrite page 2, the root of table t, leaving the header and schema.
  std::string bytes = ReadBytes(path_);
  ASSERT_GE(bytes.size(), 3 * 4096u);
  std::fill(bytes.begin() + 4096, bytes.begin() + 2 * 4096, '\xff');
  WriteBytes(path_, bytes);

  auto db = Database::Open(path_, {.wal = false});
  ASSERT_TRUE(db.ok()) << db.status();
  auto count = (*db)->QueryInt64("SELECT count(*) FROM t");
  EXPECT_EQ(count.status().code(), absl::StatusCode::kDataLoss) << count.status();
}

// ---------------------------------------------------------------------------
// ApplyMigrations

constexpr absl::string_view kStep1 = "CREATE TABLE log (step INTEGER); INSERT INTO log VALUES (1)";
constexpr absl::string_view kStep2 = "INSERT INTO log VALUES (2)";

class MigrationTest : public SqliteTest {
 protected:
  // Makes a migrated database whose user_version is then set to `version`.
  void MakeDatabaseAtVersion(int64_t version) {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(ApplyMigrations(*db, kAppId, {kStep1}).ok());
    ASSERT_TRUE(db->Exec(absl::StrCat("PRAGMA user_version = ", version)).ok());
  }

  // Runs ApplyMigrations with `steps` on the file, opened without switching
  // it to WAL, and checks that it is refused with FAILED_PRECONDITION and
  // left byte for byte as it was.
  absl::Status ExpectRefusedAndUnchanged(absl::Span<const absl::string_view> steps) {
    const std::string before = ReadBytes(path_);
    absl::Status status;
    {
      auto db = OpenOrDie({.wal = false});
      if (db == nullptr) return absl::InternalError("open failed");
      status = ApplyMigrations(*db, kAppId, steps);
    }
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_EQ(ReadBytes(path_), before) << "the refused file was modified";
    return status;
  }
};

TEST_F(MigrationTest, AppliesEveryStepOnceAndStampsTheFile) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(ApplyMigrations(*db, kAppId, {kStep1, kStep2}).ok());
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 2);
  EXPECT_EQ(IntOf(*db, "PRAGMA application_id"), kAppId);
  EXPECT_EQ(IntOf(*db, "SELECT group_concat(step, '') FROM log"), 12);

  // Again, with the same steps: nothing runs twice.
  ASSERT_TRUE(ApplyMigrations(*db, kAppId, {kStep1, kStep2}).ok());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM log"), 2);
}

TEST_F(MigrationTest, UpgradesAnOlderSchemaWithTheNewStepsOnly) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(ApplyMigrations(*db, kAppId, {kStep1}).ok());
    EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 1);
  }
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(ApplyMigrations(*db, kAppId, {kStep1, kStep2}).ok());
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 2);
  EXPECT_EQ(IntOf(*db, "SELECT group_concat(step, '') FROM log"), 12);
}

TEST_F(MigrationTest, FailingStepIsRolledBackAndTheVersionKept) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  const absl::Status status = ApplyMigrations(
      *db, kAppId, {kStep1, "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1)"});
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_THAT(status.message(), HasSubstr("migrating the schema from version 1 to 2"));
  EXPECT_THAT(status.message(), HasSubstr("no such table: nowhere"));
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 1);
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), 0);
}

TEST_F(MigrationTest, NewerSchemaIsRefusedAndLeftUnchanged) {
  MakeDatabaseAtVersion(7);
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1, kStep2});
  EXPECT_EQ(status.message(),
            absl::StrCat(path_,
                         ": schema version 7 is newer than this binary supports (2); "
                         "refusing to open it"));
}

TEST_F(MigrationTest, FileOfAnotherApplicationIsRefusedAndLeftUnchanged) {
  {
    // A rollback-journal file, whose header switching to WAL would change.
    auto db = OpenOrDie({.wal = false});
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(ApplyMigrations(*db, kAppId + 1, {kStep1}).ok());
    ASSERT_EQ(TextOf(*db, "PRAGMA journal_mode"), "delete");
  }
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1, kStep2});
  EXPECT_THAT(status.message(), HasSubstr(path_));
  EXPECT_THAT(status.message(), HasSubstr("belongs to another application"));
}

TEST_F(MigrationTest, UnversionedFileWithTablesIsRefusedAndLeftUnchanged) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_TRUE(db->Exec("CREATE TABLE theirs (x INTEGER)").ok());
  }
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1});
  EXPECT_THAT(status.message(), HasSubstr("has tables but no schema version"));
}

TEST_F(MigrationTest, ApplicationIdMustBeANonzero32BitValue) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(ApplyMigrations(*db, 0, {kStep1}).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApplyMigrations(*db, int64_t{1} << 32, {kStep1}).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 0);
}

TEST_F(MigrationTest, UpToDateReaderConnectionNeedsNoWrite) {
  MakeDatabaseAtVersion(1);
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE(ApplyMigrations(**reader, kAppId, {kStep1}).ok());
  EXPECT_EQ(ApplyMigrations(**reader, kAppId, {kStep1, kStep2}).code(),
            absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace grassroots::sqlite
