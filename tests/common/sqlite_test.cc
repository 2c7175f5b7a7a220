#include "common/sqlite.h"

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/mutation_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/file_size_limit.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::sqlite {
namespace {

using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
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
    EXPECT_OK(db);
    return db.ok() ? *std::move(db) : nullptr;
  }

  // The text in the first column of the first row `sql` yields.
  std::string TextOf(Database& db, absl::string_view sql) {
    auto statement = db.Prepare(sql);
    EXPECT_OK(statement);
    if (!statement.ok()) return "";
    EXPECT_THAT(statement->Step(), IsOkAndHolds(true));
    return std::string(statement->ColumnText(0));
  }

  int64_t IntOf(Database& db, absl::string_view sql) {
    auto value = db.QueryInt64(sql);
    EXPECT_OK(value);
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
  ASSERT_OK(full);
  EXPECT_EQ(IntOf(**full, "PRAGMA synchronous"), 2);
}

TEST_F(SqliteTest, EnableWalSwitchesAFileOpenedWithoutIt) {
  auto db = OpenOrDie({.wal = false});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(TextOf(*db, "PRAGMA journal_mode"), "delete");
  ASSERT_OK(db->EnableWal());
  EXPECT_EQ(TextOf(*db, "PRAGMA journal_mode"), "wal");
}

TEST_F(SqliteTest, BindsAndReadsEveryType) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec("CREATE TABLE t (i INTEGER, d REAL, s TEXT, b BLOB, n)"));

  const std::string blob("\0\x01\xff", 3);
  auto insert = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?, ?)");
  ASSERT_OK(insert);
  insert->BindInt64(1, -(int64_t{1} << 62))
      .BindDouble(2, 2.5)
      .BindText(3, "社区 compound")
      .BindBlob(4, blob)
      .BindNull(5);
  ASSERT_OK(insert->Run());
  // Empty values are empty, not NULL.
  insert->BindInt64(1, 0).BindDouble(2, 0).BindText(3, "").BindBlob(4, "").BindNull(5);
  ASSERT_OK(insert->Run());

  auto select = db->Prepare("SELECT i, d, s, b, n FROM t ORDER BY rowid");
  ASSERT_OK(select);
  EXPECT_EQ(select->ColumnCount(), 5);
  ASSERT_THAT(select->Step(), IsOkAndHolds(true));
  EXPECT_EQ(select->ColumnInt64(0), -(int64_t{1} << 62));
  EXPECT_EQ(select->ColumnDouble(1), 2.5);
  EXPECT_EQ(select->ColumnText(2), "社区 compound");
  EXPECT_EQ(select->ColumnBlob(3), blob);
  EXPECT_TRUE(select->ColumnIsNull(4));
  EXPECT_FALSE(select->ColumnIsNull(0));

  ASSERT_THAT(select->Step(), IsOkAndHolds(true));
  EXPECT_FALSE(select->ColumnIsNull(2));
  EXPECT_FALSE(select->ColumnIsNull(3));
  EXPECT_EQ(select->ColumnText(2), "");
  EXPECT_EQ(select->ColumnBlob(3), "");

  auto done = select->Step();
  ASSERT_OK(done);
  EXPECT_FALSE(*done);

  // Reset runs it again from the start.
  select->Reset();
  ASSERT_THAT(select->Step(), IsOkAndHolds(true));
  EXPECT_EQ(select->ColumnDouble(1), 2.5);
}

TEST_F(SqliteTest, BindingErrorIsReturnedByStepUntilBindingsAreCleared) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto select = db->Prepare("SELECT ?");
  ASSERT_OK(select);

  select->BindInt64(3, 1).BindInt64(1, 7);
  EXPECT_THAT(select->Step(),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr(path_), HasSubstr("binding parameter 3 of \"SELECT ?\""))));
  EXPECT_THAT(select->Step(), StatusIs(absl::StatusCode::kInternal));

  select->ClearBindings();
  select->BindInt64(1, 7);
  ASSERT_THAT(select->Step(), IsOkAndHolds(true));
  EXPECT_EQ(select->ColumnInt64(0), 7);
}

TEST_F(SqliteTest, ConstraintViolationIsInternalUnlessTheCallerAsksForAlreadyExists) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)"));
  auto insert = db->Prepare("INSERT INTO t VALUES (?)");
  ASSERT_OK(insert);
  insert->BindInt64(1, 1);

  EXPECT_THAT(insert->Run(),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr(path_), HasSubstr("running \"INSERT INTO t VALUES (?)\""),
                             HasSubstr("UNIQUE constraint failed: t.id"))));
  // The failed statement was reset, so it can run again.
  EXPECT_THAT(insert->Run(OnConstraint::kAlreadyExists),
              StatusIs(absl::StatusCode::kAlreadyExists));

  insert->BindInt64(1, 2);
  EXPECT_OK(insert->Run());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 2);
}

TEST_F(SqliteTest, PrepareRejectsBadSqlWithClearErrors) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);

  EXPECT_THAT(db->Prepare("SELEKT 1"),
              StatusIs(absl::StatusCode::kInternal,
                       AllOf(HasSubstr("preparing \"SELEKT 1\""), HasSubstr("syntax error"))));
  EXPECT_THAT(db->Prepare("SELECT * FROM missing"),
              StatusIs(absl::StatusCode::kInternal, HasSubstr("no such table: missing")));
  EXPECT_THAT(db->Prepare("  "), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(db->Prepare("SELECT 1; SELECT 2"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("more than one statement")));
  EXPECT_OK(db->Prepare("SELECT 1;  \n"));
}

TEST_F(SqliteTest, RunRejectsAStatementThatReturnsRows) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  auto select = db->Prepare("SELECT 1");
  ASSERT_OK(select);
  EXPECT_THAT(select->Run(), StatusIs(absl::StatusCode::kInternal, HasSubstr("returned a row")));
}

TEST_F(SqliteTest, CachedStatementIsPreparedOnceAndLentToOneUserAtATime) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  constexpr absl::string_view kSql = "SELECT ?";
  Statement* first = nullptr;
  {
    auto cached = db->Cached(kSql);
    ASSERT_OK(cached);
    first = &**cached;
    (*cached)->BindInt64(1, 42);
    ASSERT_THAT((*cached)->Step(), IsOkAndHolds(true));

    EXPECT_THAT(db->Cached(kSql),
                StatusIs(absl::StatusCode::kInternal, HasSubstr("already in use")));
  }
  auto cached = db->Cached(kSql);
  ASSERT_OK(cached);
  EXPECT_EQ(&**cached, first);
  // Released handles clear their bindings: the parameter reads as NULL.
  ASSERT_THAT((*cached)->Step(), IsOkAndHolds(true));
  EXPECT_TRUE((*cached)->ColumnIsNull(0));
}

TEST_F(SqliteTest, ReleasedCachedQueryDoesNotPinAnOldSnapshot) {
  auto writer = OpenOrDie();
  ASSERT_NE(writer, nullptr);
  ASSERT_OK(writer->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2)"));
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_OK(reader);

  constexpr absl::string_view kCount = "SELECT x FROM t ORDER BY x";
  {
    auto query = (*reader)->Cached(kCount);
    ASSERT_OK(query);
    // Stop after the first row: the read transaction is still open here.
    ASSERT_THAT((*query)->Step(), IsOkAndHolds(true));
  }
  ASSERT_OK(writer->Exec("INSERT INTO t VALUES (3)"));

  auto query = (*reader)->Cached(kCount);
  ASSERT_OK(query);
  int rows = 0;
  while ((*query)->Step().value_or(false)) ++rows;
  EXPECT_EQ(rows, 3);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec("CREATE TABLE t (x INTEGER)"));
  {
    auto transaction = Transaction::Begin(*db);
    ASSERT_OK(transaction);
    EXPECT_TRUE(db->InTransaction());
    ASSERT_OK(db->Exec("INSERT INTO t VALUES (1)"));
    Transaction moved = *std::move(transaction);  // the moved-from one must not roll back
  }
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 0);

  auto transaction = Transaction::Begin(*db);
  ASSERT_OK(transaction);
  ASSERT_OK(db->Exec("INSERT INTO t VALUES (2)"));
  ASSERT_OK(transaction->Commit());
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
  ASSERT_OK(first->Exec("CREATE TABLE t (x INTEGER)"));

  auto holding = Transaction::Begin(*first);
  ASSERT_OK(holding);
  EXPECT_THAT(Transaction::Begin(*second),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("database is locked")));

  ASSERT_OK(holding->Commit());
  EXPECT_OK(Transaction::Begin(*second));
}

TEST_F(SqliteTest, ReaderSeesTheLastCommitWhileAWriteIsInProgress) {
  auto writer = OpenOrDie();
  ASSERT_NE(writer, nullptr);
  ASSERT_OK(writer->Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)"));
  auto reader = Database::Open(path_, {.read_only = true, .busy_timeout = absl::ZeroDuration()});
  ASSERT_OK(reader);

  auto transaction = Transaction::Begin(*writer);
  ASSERT_OK(transaction);
  ASSERT_OK(writer->Exec("UPDATE t SET x = 2"));
  // WAL: the reader is not blocked by the open write, and does not see it.
  EXPECT_EQ(IntOf(**reader, "SELECT x FROM t"), 1);
  ASSERT_OK(transaction->Commit());
  EXPECT_EQ(IntOf(**reader, "SELECT x FROM t"), 2);
}

TEST_F(SqliteTest, ReadOnlyConnectionRefusesWritesAsUnavailable) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(db->Exec("CREATE TABLE t (x INTEGER)"));
  }
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_OK(reader);
  EXPECT_TRUE((*reader)->read_only());
  EXPECT_THAT((*reader)->Exec("INSERT INTO t VALUES (1)"),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("readonly")));
}

TEST_F(SqliteTest, ReadOnlyOpenOfAMissingFileIsUnavailableAndCreatesNothing) {
  EXPECT_THAT(Database::Open(path_, {.read_only = true}),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr(path_)));
  EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(SqliteTest, OpenInAMissingDirectoryIsUnavailable) {
  EXPECT_THAT(Database::Open(dir_.File("no/such/dir.db")),
              StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(SqliteTest, WriterOnAReadOnlyFileIsUnavailable) {
  if (geteuid() == 0) {
    GTEST_SKIP() << "running as root, where file permissions do not stop writes";
  }
  { ASSERT_NE(OpenOrDie(), nullptr); }
  std::filesystem::permissions(path_, std::filesystem::perms::owner_read);
  EXPECT_THAT(Database::Open(path_),
              StatusIs(absl::StatusCode::kUnavailable,
                       AllOf(HasSubstr("not writable"), HasSubstr("permission denied"))));
}

using ::grassroots::testing::FileSizeLimit;

TEST_F(SqliteTest, FileThatCannotGrowIsUnavailableNamingTheCauseAndStoresNothing) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('kept')"));
  absl::Status status;
  {
    const FileSizeLimit limit(64 * 1024);
    ASSERT_TRUE(limit.ok());
    auto transaction = Transaction::Begin(*db);
    ASSERT_OK(transaction);
    status = db->Exec(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000) "
        "INSERT INTO t SELECT printf('%0500d', i) FROM n");
    if (status.ok()) status = transaction->Commit();
  }
  // SQLite reports EFBIG as an I/O error; its errno makes it a full file,
  // which an operator fixes, not a failing device.
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kUnavailable,
                               AllOf(HasSubstr(path_),
                                     HasSubstr("the file has reached the largest size allowed"),
                                     HasSubstr("errno 27"))));
  const auto cause = status.GetPayload(kStorageFaultCause);
  ASSERT_TRUE(cause.has_value()) << status;
  EXPECT_EQ(std::string(*cause),
            "the file has reached the largest size allowed (RLIMIT_FSIZE or the file system)");
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 1);
  // With room again, the same write succeeds on the same connection.
  ASSERT_OK(db->Exec("INSERT INTO t VALUES ('later')"));
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM t"), 2);
}

TEST_F(SqliteTest, ErrorsThatAreNotStorageFaultsCarryNoCause) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1)"));
  const absl::Status duplicate = db->Exec("INSERT INTO t VALUES (1)");
  EXPECT_THAT(duplicate, StatusIs(absl::StatusCode::kInternal));
  EXPECT_FALSE(duplicate.GetPayload(kStorageFaultCause).has_value());
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_OK(reader);
  const absl::Status refused = (*reader)->Exec("INSERT INTO t VALUES (2)");
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kUnavailable));
  EXPECT_TRUE(refused.GetPayload(kStorageFaultCause).has_value()) << refused;
}

TEST_F(SqliteTest, FileThatIsNotADatabaseIsRefusedAndLeftUnchanged) {
  // A short file and one of several pages: SQLite reads both as page 1.
  for (const std::string& garbage : {std::string("not a database\n"), std::string(10000, 'x')}) {
    WriteBytes(path_, garbage);
    EXPECT_THAT(Database::Open(path_),
                StatusIs(absl::StatusCode::kFailedPrecondition,
                         AllOf(HasSubstr(path_), HasSubstr("is not an SQLite database"))));
    EXPECT_EQ(ReadBytes(path_), garbage);
    EXPECT_FALSE(std::filesystem::exists(path_ + "-wal"));
  }
}

TEST_F(SqliteTest, TruncatedDatabaseIsRefusedAsCorruptAndLeftUnchanged) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(
        db->Exec("CREATE TABLE t (x TEXT);"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                 "INSERT INTO t SELECT printf('%0100d', i) FROM n"));
  }
  const std::string whole = ReadBytes(path_);
  ASSERT_GE(whole.size(), 3 * 4096u);
  const std::string half = whole.substr(0, whole.size() / 2);
  WriteBytes(path_, half);
  EXPECT_THAT(Database::Open(path_),
              StatusIs(absl::StatusCode::kDataLoss,
                       AllOf(HasSubstr(path_), HasSubstr("is a corrupt SQLite database"),
                             HasSubstr("refusing to open it"))));
  EXPECT_EQ(ReadBytes(path_), half);
}

TEST_F(SqliteTest, CorruptPageIsDataLoss) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(
        db->Exec("PRAGMA journal_mode = DELETE; CREATE TABLE t (x TEXT);"
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) "
                 "INSERT INTO t SELECT printf('%0100d', i) FROM n"));
    ASSERT_EQ(IntOf(*db, "SELECT rootpage FROM sqlite_schema WHERE name = 't'"), 2);
  }
  // Overwrite page 2, the root of table t, leaving the header and schema.
  std::string bytes = ReadBytes(path_);
  ASSERT_GE(bytes.size(), 3 * 4096u);
  std::fill(bytes.begin() + 4096, bytes.begin() + 2 * 4096, '\xff');
  WriteBytes(path_, bytes);

  auto db = Database::Open(path_, {.wal = false});
  ASSERT_OK(db);
  EXPECT_THAT((*db)->QueryInt64("SELECT count(*) FROM t"),
              StatusIs(absl::StatusCode::kDataLoss, HasSubstr("malformed")));
}

// ---------------------------------------------------------------------------
// ApplyMigrations

constexpr absl::string_view kStep1 = "CREATE TABLE log (step INTEGER); INSERT INTO log VALUES (1)";
constexpr absl::string_view kStep2 = "INSERT INTO log VALUES (2)";

class SqliteMigrationTest : public SqliteTest {
 protected:
  // Makes a migrated database whose user_version is then set to `version`.
  void MakeDatabaseAtVersion(int64_t version) {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(ApplyMigrations(*db, kAppId, {kStep1}));
    ASSERT_OK(db->Exec(absl::StrCat("PRAGMA user_version = ", version)));
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
    EXPECT_THAT(status, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_EQ(ReadBytes(path_), before) << "the refused file was modified";
    return status;
  }
};

TEST_F(SqliteMigrationTest, AppliesEveryStepOnceAndStampsTheFile) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(ApplyMigrations(*db, kAppId, {kStep1, kStep2}));
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 2);
  EXPECT_EQ(IntOf(*db, "PRAGMA application_id"), kAppId);
  EXPECT_EQ(IntOf(*db, "SELECT group_concat(step, '') FROM log"), 12);

  // Again, with the same steps: nothing runs twice.
  ASSERT_OK(ApplyMigrations(*db, kAppId, {kStep1, kStep2}));
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM log"), 2);
}

TEST_F(SqliteMigrationTest, UpgradesAnOlderSchemaWithTheNewStepsOnly) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(ApplyMigrations(*db, kAppId, {kStep1}));
    EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 1);
  }
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  ASSERT_OK(ApplyMigrations(*db, kAppId, {kStep1, kStep2}));
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 2);
  EXPECT_EQ(IntOf(*db, "SELECT group_concat(step, '') FROM log"), 12);
}

TEST_F(SqliteMigrationTest, FailingStepIsRolledBackAndTheVersionKept) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  EXPECT_THAT(
      ApplyMigrations(*db, kAppId,
                      {kStep1, "CREATE TABLE half (x INTEGER); INSERT INTO nowhere VALUES (1)"}),
      StatusIs(absl::StatusCode::kInternal,
               AllOf(HasSubstr("migrating the schema from version 1 to 2"),
                     HasSubstr("no such table: nowhere"))));
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 1);
  EXPECT_EQ(IntOf(*db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half'"), 0);
}

TEST_F(SqliteMigrationTest, NewerSchemaIsRefusedAndLeftUnchanged) {
  MakeDatabaseAtVersion(7);
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1, kStep2});
  EXPECT_EQ(status.message(),
            absl::StrCat(path_,
                         ": schema version 7 is newer than this binary supports (2); "
                         "refusing to open it"));
}

TEST_F(SqliteMigrationTest, FileOfAnotherApplicationIsRefusedAndLeftUnchanged) {
  {
    // A rollback-journal file, whose header switching to WAL would change.
    auto db = OpenOrDie({.wal = false});
    ASSERT_NE(db, nullptr);
    ASSERT_OK(ApplyMigrations(*db, kAppId + 1, {kStep1}));
    ASSERT_EQ(TextOf(*db, "PRAGMA journal_mode"), "delete");
  }
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1, kStep2});
  EXPECT_THAT(status.message(), HasSubstr(path_));
  EXPECT_THAT(status.message(), HasSubstr("belongs to another application"));
}

TEST_F(SqliteMigrationTest, UnversionedFileWithTablesIsRefusedAndLeftUnchanged) {
  {
    auto db = OpenOrDie();
    ASSERT_NE(db, nullptr);
    ASSERT_OK(db->Exec("CREATE TABLE theirs (x INTEGER)"));
  }
  const absl::Status status = ExpectRefusedAndUnchanged({kStep1});
  EXPECT_THAT(status.message(), HasSubstr("has tables but no schema version"));
}

TEST_F(SqliteMigrationTest, ApplicationIdMustBeANonzero32BitValue) {
  auto db = OpenOrDie();
  ASSERT_NE(db, nullptr);
  EXPECT_THAT(ApplyMigrations(*db, 0, {kStep1}), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ApplyMigrations(*db, int64_t{1} << 32, {kStep1}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(IntOf(*db, "PRAGMA user_version"), 0);
}

TEST_F(SqliteMigrationTest, UpToDateReaderConnectionNeedsNoWrite) {
  MakeDatabaseAtVersion(1);
  auto reader = Database::Open(path_, {.read_only = true});
  ASSERT_OK(reader);
  EXPECT_OK(ApplyMigrations(**reader, kAppId, {kStep1}));
  EXPECT_THAT(ApplyMigrations(**reader, kAppId, {kStep1, kStep2}),
              StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace grassroots::sqlite
