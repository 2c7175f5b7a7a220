// common/version_chain.h uses size_t and ptrdiff_t without including
// <cstddef> (reported; common/ is not ours to change): included first here.
#include <cstddef>
// clang-format off
#include "common/version_chain.h"
// clang-format on

#include <cstdint>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

// The versions of one value: reads at a revision, replacement at the same
// revision, pruning at the retention horizon.
namespace grassroots {
namespace {

using ::testing::ElementsAre;

struct Version {
  int64_t revision = 0;
  std::string value;
};

// The revisions the chain retains, oldest first.
std::vector<int64_t> Retained(const VersionChain<Version>& chain) {
  std::vector<int64_t> revisions;
  chain.ForEach([&](const Version& v) { revisions.push_back(v.revision); });
  return revisions;
}

// A chain with versions at revisions 2, 5 and 9.
VersionChain<Version> ThreeVersions() {
  VersionChain<Version> chain(Version{2, "two"});
  chain.Push(Version{5, "five"});
  chain.Push(Version{9, "nine"});
  return chain;
}

TEST(VersionChainTest, NewChainHasOnlyItsHead) {
  VersionChain<Version> chain(Version{3, "three"});
  EXPECT_EQ(chain.head().value, "three");
  EXPECT_FALSE(chain.has_history());
  EXPECT_THAT(Retained(chain), ElementsAre(3));
}

TEST(VersionChainTest, AtReturnsTheVersionCurrentAtEachRevision) {
  const VersionChain<Version> chain = ThreeVersions();
  EXPECT_EQ(chain.At(1), nullptr);  // before the value existed
  EXPECT_EQ(chain.At(2)->value, "two");
  EXPECT_EQ(chain.At(4)->value, "two");
  EXPECT_EQ(chain.At(5)->value, "five");
  EXPECT_EQ(chain.At(8)->value, "five");
  EXPECT_EQ(chain.At(9)->value, "nine");
  EXPECT_EQ(chain.At(1000)->value, "nine");
  EXPECT_TRUE(chain.has_history());
  EXPECT_THAT(Retained(chain), ElementsAre(2, 5, 9));
}

TEST(VersionChainTest, SecondChangeAtTheSameRevisionReplacesTheHead) {
  VersionChain<Version> chain(Version{2, "two"});
  chain.Push(Version{4, "four"});
  chain.Push(Version{4, "four again"});
  EXPECT_THAT(Retained(chain), ElementsAre(2, 4));
  EXPECT_EQ(chain.At(4)->value, "four again");
  EXPECT_EQ(chain.At(3)->value, "two");
}

TEST(VersionChainTest, MutableHeadChangesTheNewestVersionInPlace) {
  VersionChain<Version> chain = ThreeVersions();
  chain.mutable_head().value = "nine, edited";
  EXPECT_EQ(chain.At(9)->value, "nine, edited");
  EXPECT_EQ(chain.At(5)->value, "five");
}

TEST(VersionChainTest, PruneKeepsTheVersionCurrentAtTheHorizon) {
  // Between two versions, and at a version's own revision.
  for (const int64_t horizon : {6, 5}) {
    SCOPED_TRACE(horizon);
    VersionChain<Version> chain = ThreeVersions();
    chain.Prune(horizon);
    EXPECT_THAT(Retained(chain), ElementsAre(5, 9));
    EXPECT_EQ(chain.At(horizon)->value, "five");
    EXPECT_EQ(chain.At(9)->value, "nine");
  }
}

TEST(VersionChainTest, PruneBeforeEveryOlderVersionKeepsAll) {
  VersionChain<Version> chain = ThreeVersions();
  chain.Prune(1);
  EXPECT_THAT(Retained(chain), ElementsAre(2, 5, 9));
  chain.Prune(2);
  EXPECT_THAT(Retained(chain), ElementsAre(2, 5, 9));
}

TEST(VersionChainTest, PruneAtOrPastTheHeadLeavesOnlyTheHead) {
  VersionChain<Version> chain = ThreeVersions();
  chain.Prune(9);
  EXPECT_THAT(Retained(chain), ElementsAre(9));
  EXPECT_FALSE(chain.has_history());
  EXPECT_EQ(chain.At(8), nullptr);  // nobody may read there any more
  chain.Push(Version{12, "twelve"});
  EXPECT_THAT(Retained(chain), ElementsAre(9, 12));
}

}  // namespace
}  // namespace grassroots
