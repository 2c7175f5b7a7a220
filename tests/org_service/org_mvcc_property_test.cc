// A property test of the multi-version reads of OrgCore and its OrgIndex:
// random unit writes under a fake clock, against the real SQLite store, after
// which every revision still within the retention reads exactly as it did
// when it was current, and every revision past it is refused with
// FAILED_PRECONDITION.
//
// Each seed is one deterministic run: writes are made one at a time, ids are
// dense and time moves only when the test says, so the seed and the step in a
// failure message replay it exactly.

#include <array>
#include <cstdint>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "org_service/org_core.h"
#include "org_service/sqlite_org_store.h"
#include "tests/mocks/fake_clock.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::org {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

constexpr absl::Duration kRetention = absl::Seconds(30);
// The clock moves 0..kMaxTickSeconds before each write: about 20 revisions
// are retained at a time, and most steps age one out.
constexpr int kMaxTickSeconds = 3;
// Each successful write costs a commit with its fsync and full reads of a few
// revisions. 200 steps keep the four seeds within a second or two even on a
// busy disk, and still make each kind of write succeed several times.
constexpr int kSteps = 200;
// Small pages and walk batches, so that reads resume from page tokens and
// walk cursors many times.
constexpr int32_t kPageSize = 3;
constexpr int kWalkBatch = 2;
// Retained revisions re-read after each write besides the oldest one.
constexpr int kRandomRereads = 2;
// One pick of a unit in this many ignores whether the write fits it.
constexpr int kAnyUnitOneIn = 6;
// So few codes that siblings collide (ALREADY_EXISTS) now and then.
constexpr int kCodeCount = 6;
// Refusals are part of the run, but most writes must do something.
constexpr int kMinSucceededPercent = 50;
// At most this many differences are reported per mismatch.
constexpr size_t kMaxReportedDifferences = 8;

// Seeded choices. std::mt19937 is specified exactly but the standard
// distributions are not, so ranges are reduced by hand: a seed replays the
// same run with any standard library.
class Random {
 public:
  explicit Random(uint32_t seed) : engine_(seed) {}

  // Uniform in [lo, hi].
  int Int(int lo, int hi) {
    return lo + static_cast<int>(engine_() % static_cast<uint32_t>(hi - lo + 1));
  }
  bool OneIn(int n) { return Int(1, n) == 1; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Int(0, static_cast<int>(items.size()) - 1)];
  }

 private:
  std::mt19937 engine_;
};

using ::grassroots::testing::FakeClock;

// Runs one asynchronous write and waits for its answer.
template <typename Call>
absl::StatusOr<Unit> Sync(Call call) {
  std::promise<absl::StatusOr<Unit>> promise;
  call([&](absl::StatusOr<Unit> result) { promise.set_value(std::move(result)); });
  return promise.get_future().get();
}

// ---------------------------------------------------------------------------
// What is read at a revision.

// The fields of a unit that the writes change.
struct UnitRow {
  int64_t parent_id = 0;
  Level level = Level::kUnspecified;
  std::string code;
  std::string display_name;
  bool deleted = false;

  bool operator==(const UnitRow&) const = default;
};

UnitRow RowOf(const Unit& unit) {
  return {unit.parent_id, unit.level, unit.code, unit.display_name, unit.deleted};
}

using Counts = std::array<int32_t, kLevelCount>;

// Everything the property reads at one revision, by unit id.
struct RevisionView {
  std::map<int64_t, UnitRow> units;               // every unit, deleted ones too
  std::map<int64_t, Counts> counts;               // CountDescendants
  std::map<int64_t, std::vector<int64_t>> walks;  // ListDescendants, in order
};

// All children of `parent_id` (0: the districts) at `revision`, deleted ones
// too, following page tokens. `max_units` bounds the pages, so that a broken
// token fails instead of spinning.
absl::StatusOr<std::vector<Unit>> ListChildren(const OrgCore& core, int64_t parent_id,
                                               int64_t revision, int max_units) {
  ListUnitsQuery query;
  query.parent_id = parent_id;
  query.show_deleted = true;
  query.page_size = kPageSize;
  query.read_revision = revision;
  std::vector<Unit> children;
  for (int page = 0; page <= max_units / kPageSize + 1; ++page) {
    ASSIGN_OR_RETURN(Page<Unit> listed, core.ListUnits(query));
    children.insert(children.end(), listed.items.begin(), listed.items.end());
    if (listed.next_page_token.empty()) return children;
    query.page_token = listed.next_page_token;
  }
  return absl::InternalError(absl::StrCat("ListUnits under ", UnitName(parent_id),
                                          " has more pages than there are units"));
}

// The ids a ListDescendants walk under `root_id` returns at `revision`,
// `kWalkBatch` at a time. `max_units` bounds the batches.
absl::StatusOr<std::vector<int64_t>> WalkDescendants(const OrgCore& core, int64_t root_id,
                                                     int64_t revision, int max_units) {
  ASSIGN_OR_RETURN(DescendantsWalk walk,
                   core.StartDescendants(root_id, /*max_depth=*/0, /*levels=*/{}, revision));
  std::vector<Unit> units;
  for (int batch = 0; !walk.cursor.done; ++batch) {
    if (batch > max_units + 1) {
      return absl::InternalError(absl::StrCat("the walk under ", UnitName(root_id),
                                              " has more batches than there are units"));
    }
    RETURN_IF_ERROR(core.NextDescendants(walk, kWalkBatch, &units));
  }
  std::vector<int64_t> ids;
  for (const Unit& unit : units) ids.push_back(unit.id);
  return ids;
}

// Reads every unit at `revision` the ways a client can: the tree through
// ListUnits from the top down, then for each unit its counts and the walk of
// its descendants.
absl::StatusOr<RevisionView> ReadRevision(const OrgCore& core, int64_t revision, int max_units) {
  RevisionView view;
  std::vector<int64_t> parents{0};
  while (!parents.empty()) {
    const int64_t parent_id = parents.back();
    parents.pop_back();
    ASSIGN_OR_RETURN(const std::vector<Unit> children,
                     ListChildren(core, parent_id, revision, max_units));
    for (const Unit& child : children) {
      if (!view.units.emplace(child.id, RowOf(child)).second) {
        return absl::InternalError(absl::StrCat(UnitName(child.id), " is listed twice"));
      }
      parents.push_back(child.id);
    }
  }
  for (const auto& [id, row] : view.units) {
    ASSIGN_OR_RETURN(const CountResult count, core.CountDescendants(id, revision));
    view.counts[id] = count.counts.by_level;
    ASSIGN_OR_RETURN(view.walks[id], WalkDescendants(core, id, revision, max_units));
  }
  return view;
}

// ---------------------------------------------------------------------------
// What the rows of a revision imply, computed the naive way.

using Children = std::map<int64_t, std::vector<int64_t>>;

// Adds the live units of the subtree below `id` to `counts`, by level.
void CountLiveBelow(const std::map<int64_t, UnitRow>& units, const Children& children, int64_t id,
                    Counts& counts) {
  const auto it = children.find(id);
  if (it == children.end()) return;
  for (int64_t child : it->second) {
    const UnitRow& row = units.at(child);
    if (!row.deleted) ++counts[LevelIndex(row.level)];
    CountLiveBelow(units, children, child, counts);
  }
}

// Appends the live units below `id` depth first, children in ascending id
// order, not entering deleted ones: the order of ListDescendants.
void WalkLiveBelow(const std::map<int64_t, UnitRow>& units, const Children& children, int64_t id,
                   std::vector<int64_t>& walk) {
  const auto it = children.find(id);
  if (it == children.end()) return;
  for (int64_t child : it->second) {
    if (units.at(child).deleted) continue;
    walk.push_back(child);
    WalkLiveBelow(units, children, child, walk);
  }
}

// The view that `units` imply: the counts and walks are derived from the
// rows, independently of the index's incremental bookkeeping.
RevisionView Implied(const std::map<int64_t, UnitRow>& units) {
  Children children;  // ascending, as `units` is
  for (const auto& [id, row] : units) children[row.parent_id].push_back(id);
  RevisionView view;
  view.units = units;
  for (const auto& [id, row] : units) {
    CountLiveBelow(units, children, id, view.counts[id]);
    WalkLiveBelow(units, children, id, view.walks[id]);
  }
  return view;
}

// ---------------------------------------------------------------------------
// Reporting differences.

std::string Format(const UnitRow& row) {
  return absl::StrCat("{", LevelName(row.level), " under ",
                      row.parent_id == 0 ? "the top" : UnitName(row.parent_id), ", code ", row.code,
                      ", name ", row.display_name, row.deleted ? ", deleted" : "", "}");
}
std::string Format(const Counts& counts) {
  return absl::StrCat("[", absl::StrJoin(counts, ", "), "]");
}
std::string Format(const std::vector<int64_t>& ids) {
  return absl::StrCat("[", absl::StrJoin(ids, ", "), "]");
}

// Appends a line to `out` for each id whose value differs between `want` and
// `got`, or is in only one of them.
template <typename Value>
void AddDifferences(absl::string_view what, const std::map<int64_t, Value>& want,
                    const std::map<int64_t, Value>& got, std::vector<std::string>& out) {
  std::set<int64_t> ids;
  for (const auto& [id, value] : want) ids.insert(id);
  for (const auto& [id, value] : got) ids.insert(id);
  for (int64_t id : ids) {
    const auto w = want.find(id);
    const auto g = got.find(id);
    if (w != want.end() && g != got.end() && w->second == g->second) continue;
    out.push_back(absl::StrCat(UnitName(id), " ", what, ": expected ",
                               w == want.end() ? "nothing" : Format(w->second), ", read ",
                               g == got.end() ? "nothing" : Format(g->second)));
  }
}

// The first kMaxReportedDifferences of `lines`, one per line; empty when
// there are none.
std::string Report(std::vector<std::string> lines) {
  if (lines.empty()) return "";
  const size_t total = lines.size();
  if (total > kMaxReportedDifferences) {
    lines.resize(kMaxReportedDifferences);
    lines.push_back(absl::StrCat("... and ", total - kMaxReportedDifferences, " more"));
  }
  return absl::StrCat("\n  ", absl::StrJoin(lines, "\n  "));
}

// What differs between `want` and `got`; empty when nothing does.
std::string Differences(const RevisionView& want, const RevisionView& got) {
  std::vector<std::string> lines;
  AddDifferences("unit", want.units, got.units, lines);
  AddDifferences("counts by level", want.counts, got.counts, lines);
  AddDifferences("walk", want.walks, got.walks, lines);
  return Report(std::move(lines));
}

// ---------------------------------------------------------------------------
// Random writes.

// One write of the run. Unused fields are left alone.
struct Op {
  enum class Kind { kCreate, kMove, kUpdate, kDelete, kUndelete };
  Kind kind = Kind::kCreate;
  Level level = Level::kUnspecified;  // create
  int64_t id = 0;                     // the unit acted on; not for create
  int64_t parent_id = 0;              // create, move
  std::string update_path;            // update: "code" or "display_name"
  std::string value;                  // create: the code; update: the new value
  bool cascade = false;               // delete, undelete

  // What is tallied when it succeeds, e.g. "create STREET", "delete with cascade".
  std::string Label() const {
    switch (kind) {
      case Kind::kCreate:
        return absl::StrCat("create ", LevelName(level));
      case Kind::kMove:
        return "move";
      case Kind::kUpdate:
        return "update";
      case Kind::kDelete:
        return cascade ? "delete with cascade" : "delete";
      case Kind::kUndelete:
        return cascade ? "undelete with cascade" : "undelete";
    }
    return "?";
  }

  std::string Describe() const {
    const auto parent = [this] { return parent_id == 0 ? "the top" : UnitName(parent_id); };
    switch (kind) {
      case Kind::kCreate:
        return absl::StrCat("create ", LevelName(level), " code ", value, " under ", parent());
      case Kind::kMove:
        return absl::StrCat("move ", UnitName(id), " under ", parent());
      case Kind::kUpdate:
        return absl::StrCat("update ", UnitName(id), " ", update_path, " to ", value);
      case Kind::kDelete:
      case Kind::kUndelete:
        return absl::StrCat(kind == Kind::kDelete ? "delete " : "undelete ", UnitName(id),
                            cascade ? " with cascade" : "");
    }
    return "?";
  }
};

// Writes that must have succeeded in every run, at least once each: creates at
// every level, and moves, deletes and undeletes that carry whole subtrees.
const std::vector<std::string>& RequiredSuccesses() {
  static const auto* const kinds =
      new std::vector<std::string>{"create DISTRICT",
                                   "create STREET",
                                   "create COMMUNITY",
                                   "create COMPOUND",
                                   "create BUILDING",
                                   "move of a subtree",
                                   "update",
                                   "delete",
                                   "delete with cascade of a subtree",
                                   "undelete",
                                   "undelete with cascade of a subtree"};
  return *kinds;
}

// ---------------------------------------------------------------------------
// The run.

class OrgMvccPropertyTest : public ::testing::TestWithParam<uint32_t> {
 protected:
  // A revision the run saw current, with what it read then.
  struct Seen {
    RevisionView view;
    int step = 0;                             // the step that published it
    std::optional<absl::Time> superseded_at;  // when the next one was published
  };

  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, SqliteOrgStore::Open(dir_.File("org.db")));
    core_ = std::make_unique<OrgCore>(store_.get(), &clock_,
                                      OrgCoreOptions{.revision_retention = kRetention});
    ASSERT_OK(core_->Start());
  }

  // Runs the writes, checking after each one that succeeds.
  void Run() {
    for (step_ = 1; step_ <= kSteps && !HasFailure(); ++step_) {
      clock_.Advance(absl::Seconds(random_.Int(0, kMaxTickSeconds)));
      op_ = NextOp();
      const absl::StatusOr<Unit> answer = Execute(op_);
      // A refusal commits nothing, so there is nothing new to read.
      if (!answer.ok()) {
        ++refusals_[absl::StrCat(op_.Label(), ": ",
                                 absl::StatusCodeToString(answer.status().code()))];
        continue;
      }
      if (op_.kind == Op::Kind::kCreate) created_.insert(answer->id);
      CheckAfterWrite(*answer);
    }
  }

  // "seed 3, step 57 (delete units/12 with cascade), revision 40", for messages.
  std::string Where(int64_t revision) const {
    return absl::StrCat("seed ", GetParam(), ", step ", step_, " (", op_.Describe(), "), revision ",
                        revision);
  }

  std::string Summary() const {
    const auto tally = [](const std::map<std::string, int>& counts) {
      std::vector<std::string> parts;
      for (const auto& [label, count] : counts) parts.push_back(absl::StrCat(label, " ", count));
      return absl::StrJoin(parts, ", ");
    };
    return absl::StrCat("seed ", GetParam(), ": ", succeeded_, " of ", kSteps,
                        " writes succeeded (", tally(successes_), "); refused: ", tally(refusals_),
                        "; ", created_.size(), " units; ", rereads_,
                        " re-reads of superseded revisions; ", aged_out_, " revisions aged out");
  }

  // The run must have exercised what the property is about.
  void ExpectCoverage() const {
    EXPECT_GE(succeeded_ * 100, kSteps * kMinSucceededPercent) << Summary();
    for (const std::string& kind : RequiredSuccesses()) {
      EXPECT_GT(successes_.count(kind), 0u) << "no successful " << kind << "; " << Summary();
    }
    EXPECT_GT(rereads_, 0) << Summary();
    EXPECT_GT(aged_out_, 0) << Summary();
  }

 private:
  // --- Choosing writes. They target the current revision's units, usually
  // ones the write can apply to, so that most succeed.

  using Fits = bool (OrgMvccPropertyTest::*)(const UnitRow&) const;

  bool IsLive(const UnitRow& row) const { return !row.deleted; }
  // Deleted, under a live parent: an undelete of it can succeed.
  bool CanComeBack(const UnitRow& row) const {
    return row.deleted && (row.parent_id == 0 || !current_.units.at(row.parent_id).deleted);
  }

  // A unit at `level` (any level when unspecified) that `fits` the write; one
  // time in kAnyUnitOneIn any unit, so that refusals are exercised too. 0 when
  // there is none.
  int64_t PickUnit(std::optional<Level> level, Fits fits) {
    std::vector<int64_t> fitting, any;
    for (const auto& [id, row] : current_.units) {
      if (level && row.level != *level) continue;
      any.push_back(id);
      if ((this->*fits)(row)) fitting.push_back(id);
    }
    if (!fitting.empty() && !random_.OneIn(kAnyUnitOneIn)) return random_.Pick(fitting);
    return any.empty() ? 0 : random_.Pick(any);
  }

  std::string RandomCode() { return absl::StrCat("c", random_.Int(0, kCodeCount - 1)); }

  Op NextOp() {
    const int roll = random_.Int(1, 100);
    if (roll <= 35) return CreateOp();
    if (roll <= 50) return MoveOp();
    if (roll <= 60) return UpdateOp();
    Op op;
    op.kind = roll <= 75 ? Op::Kind::kDelete : Op::Kind::kUndelete;
    op.id =
        PickUnit(std::nullopt, op.kind == Op::Kind::kDelete ? &OrgMvccPropertyTest::IsLive
                                                            : &OrgMvccPropertyTest::CanComeBack);
    op.cascade = random_.OneIn(2);
    return op.id == 0 ? CreateOp() : op;
  }

  // A create at a random level, or the deepest level above it that has a
  // unit to be the parent.
  Op CreateOp() {
    Op op;
    op.kind = Op::Kind::kCreate;
    int level = random_.Int(1, kLevelCount);
    for (; level > 1; --level) {
      op.parent_id = PickUnit(static_cast<Level>(level - 1), &OrgMvccPropertyTest::IsLive);
      if (op.parent_id != 0) break;
    }
    op.level = static_cast<Level>(level);
    op.value = RandomCode();
    return op;
  }

  Op MoveOp() {
    Op op;
    op.kind = Op::Kind::kMove;
    const int level = random_.Int(2, kLevelCount);
    op.id = PickUnit(static_cast<Level>(level), &OrgMvccPropertyTest::IsLive);
    op.parent_id = PickUnit(static_cast<Level>(level - 1), &OrgMvccPropertyTest::IsLive);
    return op.id == 0 || op.parent_id == 0 ? CreateOp() : op;
  }

  Op UpdateOp() {
    Op op;
    op.kind = Op::Kind::kUpdate;
    op.id = PickUnit(std::nullopt, &OrgMvccPropertyTest::IsLive);
    if (random_.OneIn(2)) {
      op.update_path = "code";
      op.value = RandomCode();
    } else {
      op.update_path = "display_name";
      op.value = absl::StrCat("name", random_.Int(0, 9));
    }
    return op.id == 0 ? CreateOp() : op;
  }

  absl::StatusOr<Unit> Execute(const Op& op) {
    const Caller caller;
    switch (op.kind) {
      case Op::Kind::kCreate: {
        Unit unit;
        unit.level = op.level;
        unit.parent_id = op.parent_id;
        unit.code = op.value;
        unit.display_name = "unit";
        return Sync([&](auto done) { core_->CreateUnit(caller, unit, "", done); });
      }
      case Op::Kind::kMove:
        return Sync([&](auto done) { core_->MoveUnit(caller, op.id, op.parent_id, "", done); });
      case Op::Kind::kUpdate: {
        UnitUpdate update;
        update.id = op.id;
        update.paths = {op.update_path};
        if (op.update_path == "code") {
          update.values.code = op.value;
        } else {
          update.values.display_name = op.value;
        }
        return Sync([&](auto done) { core_->UpdateUnit(caller, update, done); });
      }
      case Op::Kind::kDelete:
        return Sync([&](auto done) { core_->DeleteUnit(caller, op.id, "", op.cascade, done); });
      case Op::Kind::kUndelete:
        return Sync([&](auto done) { core_->UndeleteUnit(caller, op.id, "", op.cascade, done); });
    }
    return absl::InternalError("unknown op");
  }

  // --- Checks.

  // Reads the revision the write published, then checks retention: revisions
  // superseded more than kRetention ago are refused, the others read as they
  // did when current. The write pruned at clock_.Now() and nothing has
  // written since, so "more than kRetention ago" is exact, not approximate.
  void CheckAfterWrite(const Unit& answer) {
    const int64_t revision = core_->published_revision();
    // The bookkeeping below relies on this.
    ASSERT_TRUE(revision == last_revision_ || revision == last_revision_ + 1)
        << Where(revision) << ": one write published more than one revision after "
        << last_revision_;
    absl::StatusOr<RevisionView> view = ReadRevision(*core_, revision, MaxUnits());
    ASSERT_THAT(view, IsOk()) << Where(revision) << ": reading the current revision";
    CheckCurrent(*view, answer, revision);
    Tally(*view, answer);
    if (revision == last_revision_) {
      // The write changed nothing (a move to the same parent, an update to
      // the same value): the current revision must read as it did.
      CompareWithSeen(revision, *view);
    } else {
      if (last_revision_ != 0) seen_.at(last_revision_).superseded_at = clock_.Now();
      seen_[revision] = {*view, step_, std::nullopt};
      last_revision_ = revision;
    }
    current_ = *std::move(view);
    ExpectAgedOutRefused();
    RereadRetained();
  }

  // The current revision must hold every unit ever created, counts and walks
  // that agree with its rows, and the unit as the write answered it.
  void CheckCurrent(const RevisionView& view, const Unit& answer, int64_t revision) {
    std::vector<std::string> listing;
    for (int64_t id : created_) {
      if (!view.units.contains(id)) listing.push_back(absl::StrCat(UnitName(id), " is missing"));
    }
    for (const auto& [id, row] : view.units) {
      if (!created_.contains(id))
        listing.push_back(absl::StrCat(UnitName(id), " was never created"));
    }
    if (const std::string report = Report(std::move(listing)); !report.empty()) {
      ADD_FAILURE() << Where(revision) << ": ListUnits does not list the units created:" << report;
    }
    if (const std::string differences = Differences(Implied(view.units), view);
        !differences.empty()) {
      ADD_FAILURE() << Where(revision)
                    << ": counts or walks disagree with the rows (expected: derived from the "
                       "rows; read: CountDescendants and ListDescendants):"
                    << differences;
    }
    const auto it = view.units.find(answer.id);
    EXPECT_TRUE(it != view.units.end() && it->second == RowOf(answer))
        << Where(revision) << ": the write answered " << Format(RowOf(answer))
        << " but the revision reads " << (it == view.units.end() ? "nothing" : Format(it->second));
  }

  // Counts the successful write under its label, and under "... of a
  // subtree" when it carried live descendants along.
  void Tally(const RevisionView& view, const Unit& answer) {
    ++succeeded_;
    const std::string label = op_.Label();
    ++successes_[label];
    bool subtree = false;
    if (op_.kind == Op::Kind::kMove) {
      for (int32_t n : view.counts.at(answer.id)) subtree |= n > 0;
    } else if (op_.kind == Op::Kind::kDelete || op_.kind == Op::Kind::kUndelete) {
      // Units other than the target whose deleted flag the write changed.
      for (const auto& [id, row] : view.units) {
        const auto before = current_.units.find(id);
        subtree |= id != answer.id && before != current_.units.end() &&
                   before->second.deleted != row.deleted;
      }
    }
    if (subtree) ++successes_[label + " of a subtree"];
  }

  // Revisions superseded more than kRetention ago: every read at them is
  // refused. Each is checked once, as it ages out, then forgotten.
  void ExpectAgedOutRefused() {
    const absl::Time now = clock_.Now();
    while (!seen_.empty() && seen_.begin()->second.superseded_at &&
           now - *seen_.begin()->second.superseded_at > kRetention) {
      const auto& [revision, seen] = *seen_.begin();
      const std::string where = absl::StrCat(
          Where(revision), ": superseded ", absl::FormatDuration(now - *seen.superseded_at),
          " ago, so past the retention of ", absl::FormatDuration(kRetention));
      const auto refused =
          StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("no longer readable"));
      ListUnitsQuery query;
      query.show_deleted = true;
      query.read_revision = revision;
      EXPECT_THAT(core_->ListUnits(query).status(), refused) << where;
      // A unit that existed then, so that the refusal is about the revision.
      const int64_t id = seen.view.units.begin()->first;
      EXPECT_THAT(core_->CountDescendants(id, revision).status(), refused) << where;
      EXPECT_THAT(core_->StartDescendants(id, 0, {}, revision).status(), refused) << where;
      ++aged_out_;
      seen_.erase(seen_.begin());
    }
  }

  // Re-reads the oldest retained revision, the one nearest to being pruned,
  // and a few others chosen at random.
  void RereadRetained() {
    std::vector<int64_t> retained;
    for (const auto& [revision, seen] : seen_) retained.push_back(revision);
    std::vector<int64_t> chosen{retained.front()};
    for (int i = 0; i < kRandomRereads; ++i) chosen.push_back(random_.Pick(retained));
    for (int64_t revision : chosen) {
      if (revision == last_revision_) continue;  // just read
      absl::StatusOr<RevisionView> view = ReadRevision(*core_, revision, MaxUnits());
      EXPECT_THAT(view, IsOk()) << Where(revision) << ": a retained revision, superseded "
                                << absl::FormatDuration(clock_.Now() -
                                                        *seen_.at(revision).superseded_at)
                                << " ago, cannot be read";
      if (!view.ok()) return;
      CompareWithSeen(revision, *view);
      ++rereads_;
    }
  }

  void CompareWithSeen(int64_t revision, const RevisionView& view) {
    const Seen& seen = seen_.at(revision);
    if (const std::string differences = Differences(seen.view, view); !differences.empty()) {
      ADD_FAILURE() << Where(revision) << ": reads differently than at step " << seen.step
                    << ", when it was current (expected: then; read: now):" << differences;
    }
  }

  // Bounds the pages and batches of a read.
  int MaxUnits() const { return static_cast<int>(created_.size()); }

  grassroots::testing::TempDir dir_;
  std::unique_ptr<SqliteOrgStore> store_;
  FakeClock clock_;
  std::unique_ptr<OrgCore> core_;

  Random random_{GetParam()};
  int step_ = 0;
  Op op_;                      // this step's write
  std::set<int64_t> created_;  // every unit created so far
  RevisionView current_;       // the latest revision, as read when published
  int64_t last_revision_ = 0;
  std::map<int64_t, Seen> seen_;  // retained revisions, ascending

  int succeeded_ = 0;
  std::map<std::string, int> successes_;  // by Op::Label() and "... of a subtree"
  std::map<std::string, int> refusals_;   // by Op::Label() and status code
  int rereads_ = 0;
  int aged_out_ = 0;
};

TEST_P(OrgMvccPropertyTest, RetainedRevisionsReadAsWhenCurrentAndOlderOnesAreRefused) {
  Run();
  // A run stopped at a mismatch had no chance to cover everything.
  if (!HasFailure()) ExpectCoverage();
  std::cout << Summary() << "\n";
}

INSTANTIATE_TEST_SUITE_P(Seeds, OrgMvccPropertyTest, ::testing::Values(1u, 2u, 3u, 4u),
                         [](const ::testing::TestParamInfo<uint32_t>& info) {
                           return absl::StrCat("Seed", info.param);
                         });

}  // namespace
}  // namespace grassroots::org
