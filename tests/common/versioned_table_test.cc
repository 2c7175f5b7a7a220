// common/version_chain.h uses size_t and ptrdiff_t without including
// <cstddef> (reported; common/ is not ours to change): included first here.
#include <cstddef>
// clang-format off
#include "common/versioned_table.h"
// clang-format on

#include <cstdint>
#include <string>

#include "gtest/gtest.h"

// Rows by dense id with their retained versions: reads at revisions, ids
// out of range, pruning of superseded versions only.
namespace grassroots {
namespace {

struct Row {
  int64_t id = 0;
  int64_t revision = 0;
  std::string value;
};

// The value of row `id` at `revision`, or "-" when there is none.
std::string ValueAt(const VersionedTable<Row>& table, int64_t id, int64_t revision) {
  const Row* row = table.At(id, revision);
  return row == nullptr ? "-" : row->value;
}

TEST(VersionedTableTest, EmptyTableHasNoRows) {
  VersionedTable<Row> table;
  EXPECT_EQ(table.max_id(), -1);
  EXPECT_EQ(table.At(1, 100), nullptr);
  EXPECT_EQ(table.At(0, 100), nullptr);
  EXPECT_EQ(table.At(-3, 100), nullptr);
}

TEST(VersionedTableTest, RowsAreReadAsOfARevision) {
  VersionedTable<Row> table;
  table.Put({1, 1, "a1"});
  table.Put({3, 2, "c2"});
  table.Put({1, 4, "a4"});
  EXPECT_EQ(table.max_id(), 3);
  EXPECT_EQ(ValueAt(table, 1, 1), "a1");
  EXPECT_EQ(ValueAt(table, 1, 3), "a1");
  EXPECT_EQ(ValueAt(table, 1, 4), "a4");
  EXPECT_EQ(ValueAt(table, 3, 1), "-");  // not created yet
  EXPECT_EQ(ValueAt(table, 3, 2), "c2");
  EXPECT_EQ(ValueAt(table, 2, 9), "-");  // a gap in the ids
  EXPECT_EQ(ValueAt(table, 4, 9), "-");  // past the largest id
}

TEST(VersionedTableTest, SecondPutAtTheSameRevisionReplacesTheVersion) {
  VersionedTable<Row> table;
  table.Put({1, 1, "a1"});
  table.Put({1, 2, "a2"});
  table.Put({1, 2, "a2 again"});
  EXPECT_EQ(ValueAt(table, 1, 1), "a1");
  EXPECT_EQ(ValueAt(table, 1, 2), "a2 again");
}

TEST(VersionedTableTest, PruneForgetsOnlyVersionsSupersededAtOrBeforeTheHorizon) {
  VersionedTable<Row> table;
  table.Put({1, 1, "a1"});
  table.Put({2, 1, "b1"});
  table.Put({1, 3, "a3"});
  table.Put({2, 6, "b6"});
  table.Prune(4);
  // Row 1 was superseded at 3: its old version is gone, reads at the
  // horizon and later are unchanged.
  EXPECT_EQ(ValueAt(table, 1, 2), "-");
  EXPECT_EQ(ValueAt(table, 1, 4), "a3");
  // Row 2 was superseded after the horizon: both versions stay.
  EXPECT_EQ(ValueAt(table, 2, 1), "b1");
  EXPECT_EQ(ValueAt(table, 2, 6), "b6");
  table.Prune(6);
  EXPECT_EQ(ValueAt(table, 2, 5), "-");
  EXPECT_EQ(ValueAt(table, 2, 6), "b6");
}

TEST(VersionedTableTest, ReserveAndClear) {
  VersionedTable<Row> table;
  table.Reserve(10);
  EXPECT_EQ(table.max_id(), 10);
  EXPECT_EQ(table.At(5, 1), nullptr);
  table.Reserve(3);  // never shrinks
  EXPECT_EQ(table.max_id(), 10);
  table.Put({2, 1, "b1"});
  table.Put({2, 2, "b2"});
  table.Clear();
  EXPECT_EQ(table.max_id(), -1);
  EXPECT_EQ(table.At(2, 2), nullptr);
  table.Prune(100);  // nothing left to prune
}

}  // namespace
}  // namespace grassroots
