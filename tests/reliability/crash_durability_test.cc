// Crash durability of the whole suite, through the gateway: writers create
// units and people, move buildings, assign and end roles and transfer
// memberships at once while org_service or roster_service is killed with
// SIGKILL at a random moment, again and again on the same data. After each
// restart every acknowledged write is there, a transfer is whole or absent,
// each service's event log runs from revision 1 without a gap or a
// duplicate, and writing goes on.
//
// GRASSROOTS_CRASH_ROUNDS (default 20) sets how many kills;
// GRASSROOTS_CRASH_SEED (default random, printed) replays the kill points,
// the victims and the writers' choices.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reliability/reliability_support.h"
#include "tests/testing/crash_harness.h"
#include "tests/testing/wait_for.h"

namespace grassroots::reliability {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
using ::grassroots::org::testing::IdOf;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::Pages;
using ::grassroots::roster::testing::DateOf;
using ::grassroots::roster::testing::MakeDate;
using ::grassroots::roster::testing::RosterClient;
using ::grassroots::testing::EventsAreContiguous;
using ::grassroots::testing::ExpectNoneLost;
using ::grassroots::testing::StopBy;
using ::grassroots::testing::StopServer;
using ::grassroots::testing::WaitFor;

constexpr int kWriters = 6;
// Long enough that a write fails only because of the kill, never because
// a loaded machine was slow.
constexpr absl::Duration kWriteDeadline = absl::Seconds(10);
// The kill comes this long after the writers start: uniform in between.
constexpr int kMinKillDelayMs = 100;
constexpr int kMaxKillDelayMs = 700;
// After a failed write, a writer waits this long, so that a dead service is
// not asked in a tight loop.
constexpr absl::Duration kPauseAfterFailure = absl::Milliseconds(5);
// How long the suite may take to serve again, and to take every kind of
// write again, after the restart.
constexpr absl::Duration kRecoveryLimit = absl::Seconds(30);
constexpr size_t kMaxBatchGet = 1000;
constexpr int kPageSize = 1000;

int RoundsFromEnvironment() {
  int rounds = 20;
  const char* text = std::getenv("GRASSROOTS_CRASH_ROUNDS");
  if (text != nullptr && (!absl::SimpleAtoi(text, &rounds) || rounds < 1)) {
    ADD_FAILURE() << "GRASSROOTS_CRASH_ROUNDS=" << text << " is not a positive number";
    rounds = 20;
  }
  return rounds;
}

uint64_t SeedFromEnvironment() {
  const char* text = std::getenv("GRASSROOTS_CRASH_SEED");
  uint64_t seed = 0;
  if (text != nullptr && absl::SimpleAtoi(text, &seed)) return seed;
  if (text != nullptr) ADD_FAILURE() << "GRASSROOTS_CRASH_SEED=" << text << " is not a number";
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

// --- What the writers do and know.

enum class WriteKind { kCreateUnit, kMoveUnit, kCreatePerson, kAssignRole, kEndRole, kTransfer };

const char* KindName(WriteKind kind) {
  switch (kind) {
    case WriteKind::kCreateUnit:
      return "create unit";
    case WriteKind::kMoveUnit:
      return "move";
    case WriteKind::kCreatePerson:
      return "create person";
    case WriteKind::kAssignRole:
      return "assign role";
    case WriteKind::kEndRole:
      return "end role";
    case WriteKind::kTransfer:
      return "transfer";
  }
  return "?";
}

// The service whose data and event log a write lands in.
Backend ServiceOf(WriteKind kind) {
  return kind == WriteKind::kCreateUnit || kind == WriteKind::kMoveUnit ? Backend::kOrg
                                                                        : Backend::kRoster;
}

// The services that must answer for a write to be acknowledged: the roster
// checks the units and organisations a write names with the org service.
enum Path : int { kOrgPath = 0, kRosterPath = 1, kRosterViaOrgPath = 2, kPathCount = 3 };

std::vector<Path> PathsOf(WriteKind kind) {
  switch (kind) {
    case WriteKind::kCreateUnit:
    case WriteKind::kMoveUnit:
      return {kOrgPath};
    case WriteKind::kEndRole:
      return {kRosterPath};
    default:
      return {kRosterPath, kRosterViaOrgPath};
  }
}

// A write the gateway answered OK, as acknowledged.
struct Ack {
  WriteKind kind;
  int64_t revision = 0;
  // What it made or changed: the unit, person, role assignment, or (a
  // transfer) the new membership.
  std::string resource;
  // What the entity checks know it by: the same, except the member for a
  // transfer.
  std::string entity;
  // A create or move of a unit: the parent; a transfer: the organisation.
  std::string value;
};

// A value a writer knows, and the one a write whose answer was lost (the
// kill came first) would have set: either may be stored.
struct Uncertain {
  std::string known;
  std::optional<std::string> pending;

  bool Allows(const std::string& value) const {
    return value == known || (pending.has_value() && value == *pending);
  }
  std::string Describe() const { return pending ? absl::StrCat(known, " or ", *pending) : known; }
};

// A member whose membership the writer transfers between two organisations.
struct MemberModel {
  Uncertain org;
  // Memberships so far (one per transfer plus the first); one more when the
  // pending transfer committed.
  int known_count = 1;
  int next_day = 1;  // transfer dates run on, so each is after the last
};

// Where the writers write: places of the seeded district.
struct Plan {
  std::vector<std::string> communities;  // parents of the writers' compounds
  std::string residence;                 // the building new people live in
  std::vector<std::string> role_places;  // where volunteers are appointed
  std::string org_a, org_b;              // the two organisations members move between
};

const absl::CivilDay kFirstMembershipDay(2006, 1, 1);
const std::string kCurrent = "current";
const std::string kEnded = "ended";

// One writer thread's work and knowledge. Each writer touches only what it
// made, so it knows the state of each of its resources but for its own
// unacknowledged writes.
class Writer {
 public:
  Writer(int id, const Plan& plan, const std::shared_ptr<grpc::Channel>& channel, uint64_t seed)
      : id_(id),
        plan_(plan),
        org_(channel, kWriteDeadline),
        roster_(channel, kWriteDeadline),
        random_(seed) {
    for (auto& t : last_ack_start_ns_) t.store(0);
  }

  // Makes the writer's first resources: two compounds, two buildings, two
  // members with a membership each.
  absl::Status Prepare() {
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<org_v1::Unit> compound =
          org_.CreateUnit(NewCompound(plan_.communities[(id_ + i) % plan_.communities.size()]));
      if (!compound.ok()) return compound.status();
      units_[compound->name()] = {compound->parent(), std::nullopt};
      compounds_.push_back(compound->name());
    }
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<org_v1::Unit> building = org_.CreateUnit(NewBuilding(compounds_[0]));
      if (!building.ok()) return building.status();
      units_[building->name()] = {building->parent(), std::nullopt};
      buildings_.push_back(building->name());
    }
    for (int i = 0; i < 2; ++i) {
      absl::StatusOr<roster_v1::Person> person =
          roster_.CreatePerson(::grassroots::roster::testing::NewMember(
              absl::StrCat("流动党员", id_, "-", i), roster_v1::Person::FULL,
              roster_v1::Person::FLOATING));
      if (!person.ok()) return person.status();
      absl::StatusOr<roster_v1::Membership> membership =
          roster_.StartMembership(person->name(), plan_.org_a, DateOf(kFirstMembershipDay));
      if (!membership.ok()) return membership.status();
      people_.push_back(person->name());
      members_[person->name()].org.known = plan_.org_a;
      member_names_.push_back(person->name());
    }
    return absl::OkStatus();
  }

  // Writes until `stop`. Only this thread touches the writer meanwhile, but
  // for the atomics.
  void Run(const std::atomic<bool>& stop) {
    while (!stop.load()) {
      const int64_t start_ns = absl::ToUnixNanos(absl::Now());
      std::optional<WriteKind> kind;
      const absl::Status status = Step(kind);
      if (!kind.has_value()) {  // a read to learn what a lost answer did
        if (!status.ok()) absl::SleepFor(kPauseAfterFailure);
        continue;
      }
      if (status.ok()) {
        acked_.fetch_add(1);
        for (Path path : PathsOf(*kind)) {
          int64_t seen = last_ack_start_ns_[path].load();
          while (seen < start_ns &&
                 !last_ack_start_ns_[path].compare_exchange_weak(seen, start_ns)) {
          }
        }
      } else {
        ++failures_[static_cast<int>(ServiceOf(*kind))];
        ++failure_codes_[CodeName(status.code())];
        absl::SleepFor(kPauseAfterFailure);
      }
    }
  }

  // Whether the writer had a write that needed `path` acknowledged, having
  // started it at or after `since`.
  bool AckedSince(Path path, absl::Time since) const {
    return last_ack_start_ns_[path].load() >= absl::ToUnixNanos(since);
  }
  int acked() const { return acked_.load(); }

  // --- Read by the checks between rounds, with the thread joined.

  // What this round acknowledged, failed and found; cleared for the next.
  std::vector<Ack> TakeRoundAcks() { return std::exchange(round_acks_, {}); }
  std::vector<std::string> TakeViolations() { return std::exchange(violations_, {}); }
  int TakeFailures(Backend service) {
    return std::exchange(failures_[static_cast<int>(service)], 0);
  }
  std::map<std::string, int> TakeFailureCodes() { return std::exchange(failure_codes_, {}); }

  std::map<std::string, Uncertain>& units() { return units_; }
  const std::vector<std::string>& people() const { return people_; }
  std::map<std::string, Uncertain>& roles() { return roles_; }
  std::map<std::string, MemberModel>& members() { return members_; }
  // A role found ended no longer needs ending.
  void ForgetOpenRole(const std::string& name) {
    open_roles_.erase(std::remove(open_roles_.begin(), open_roles_.end(), name), open_roles_.end());
  }

 private:
  org_v1::Unit NewCompound(const std::string& community) {
    org_v1::CompoundDetails details;
    details.set_kind(org_v1::CompoundDetails::OLD);
    details.set_households(120);
    return ::grassroots::org::testing::NewCompound(community, absl::StrCat("写入小区", id_),
                                                   absl::StrCat("W", id_, "C", ++codes_), details);
  }
  org_v1::Unit NewBuilding(const std::string& compound) {
    const int n = ++codes_;
    return ::grassroots::org::testing::NewBuilding(compound, absl::StrCat(n, "栋"),
                                                   absl::StrCat("W", id_, "B", n), 24, 6, "");
  }

  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[std::uniform_int_distribution<size_t>(0, items.size() - 1)(random_)];
  }

  void Acked(WriteKind kind, int64_t revision, std::string resource, std::string entity,
             std::string value = "") {
    round_acks_.push_back(
        {kind, revision, std::move(resource), std::move(entity), std::move(value)});
  }

  // One write, or the read that settles a resource left uncertain by a
  // lost answer. `kind` is set for a write.
  absl::Status Step(std::optional<WriteKind>& kind) {
    // Weights: creates 4, moves 2, role assignments 2, ends 1, transfers 2.
    const int pick = std::uniform_int_distribution<int>(0, 10)(random_);
    if (pick < 2) return CreateUnit(kind);
    if (pick < 4) return CreatePerson(kind);
    if (pick < 6) return Move(kind);
    if (pick < 8) return AssignRole(kind);
    if (pick < 9) return EndRole(kind);
    return Transfer(kind);
  }

  absl::Status CreateUnit(std::optional<WriteKind>& kind) {
    kind = WriteKind::kCreateUnit;
    // One in three a compound (a new place to move buildings to), else a
    // building (a new one to move).
    const bool compound = std::uniform_int_distribution<int>(0, 2)(random_) == 0;
    const std::string parent = compound ? Pick(plan_.communities) : Pick(compounds_);
    absl::StatusOr<org_v1::Unit> unit =
        org_.CreateUnit(compound ? NewCompound(parent) : NewBuilding(parent));
    if (!unit.ok()) return unit.status();
    units_[unit->name()] = {unit->parent(), std::nullopt};
    (compound ? compounds_ : buildings_).push_back(unit->name());
    Acked(*kind, unit->revision(), unit->name(), unit->name(), unit->parent());
    return absl::OkStatus();
  }

  absl::Status CreatePerson(std::optional<WriteKind>& kind) {
    kind = WriteKind::kCreatePerson;
    roster_v1::Person person =
        ::grassroots::roster::testing::NewPerson(absl::StrCat("居民", id_, "-", ++codes_));
    person.set_residence_building(plan_.residence);
    absl::StatusOr<roster_v1::Person> made = roster_.CreatePerson(person);
    if (!made.ok()) return made.status();
    people_.push_back(made->name());
    Acked(*kind, made->revision(), made->name(), made->name());
    return absl::OkStatus();
  }

  absl::Status Move(std::optional<WriteKind>& kind) {
    const std::string& building = Pick(buildings_);
    Uncertain& parent = units_[building];
    if (parent.pending) return SettleUnit(building, parent);
    std::vector<std::string> targets;
    for (const std::string& compound : compounds_) {
      if (compound != parent.known) targets.push_back(compound);
    }
    const std::string target = Pick(targets);
    kind = WriteKind::kMoveUnit;
    absl::StatusOr<org_v1::Unit> moved = org_.MoveUnit(building, target);
    if (!moved.ok()) {
      parent.pending = target;
      return moved.status();
    }
    parent.known = moved->parent();
    Acked(*kind, moved->revision(), building, building, moved->parent());
    return absl::OkStatus();
  }

  absl::Status AssignRole(std::optional<WriteKind>& kind) {
    kind = WriteKind::kAssignRole;
    absl::StatusOr<roster_v1::RoleAssignment> role =
        roster_.AssignRole(::grassroots::roster::testing::NewRole(
            Pick(people_), roster_v1::VOLUNTEER, Pick(plan_.role_places)));
    if (!role.ok()) return role.status();
    roles_[role->name()] = {kCurrent, std::nullopt};
    open_roles_.push_back(role->name());
    Acked(*kind, role->revision(), role->name(), role->name());
    return absl::OkStatus();
  }

  absl::Status EndRole(std::optional<WriteKind>& kind) {
    if (open_roles_.empty()) return AssignRole(kind);
    const std::string name = Pick(open_roles_);
    Uncertain& ended = roles_[name];
    if (ended.pending) return SettleRole(name, ended);
    kind = WriteKind::kEndRole;
    absl::StatusOr<roster_v1::RoleAssignment> role =
        roster_.EndRoleAssignment(name, MakeDate(2023, 6, 30));
    if (!role.ok()) {
      ended.pending = kEnded;
      return role.status();
    }
    ended.known = kEnded;
    ForgetOpenRole(name);
    Acked(*kind, role->revision(), name, name);
    return absl::OkStatus();
  }

  absl::Status Transfer(std::optional<WriteKind>& kind) {
    const std::string member = Pick(member_names_);
    MemberModel& model = members_[member];
    if (model.org.pending) return SettleMember(member, model);
    const std::string to = model.org.known == plan_.org_a ? plan_.org_b : plan_.org_a;
    const absl::CivilDay day = kFirstMembershipDay + model.next_day++;
    kind = WriteKind::kTransfer;
    absl::StatusOr<roster_v1::Membership> moved =
        roster_.TransferMembership(member, to, DateOf(day));
    if (!moved.ok()) {
      model.org.pending = to;
      return moved.status();
    }
    model.org.known = moved->party_org();
    ++model.known_count;
    Acked(*kind, moved->revision(), moved->name(), member, moved->party_org());
    return absl::OkStatus();
  }

  // The reads that learn what an unacknowledged write did. What they find
  // must be the known state or the pending one; anything else is recorded.
  absl::Status SettleUnit(const std::string& name, Uncertain& parent) {
    absl::StatusOr<org_v1::Unit> unit = org_.GetUnit(name);
    if (!unit.ok()) return unit.status();
    if (!parent.Allows(unit->parent())) {
      violations_.push_back(absl::StrCat(name, " read back under ", unit->parent(),
                                         "; the writer knew ", parent.Describe()));
    }
    parent = {unit->parent(), std::nullopt};
    return absl::OkStatus();
  }

  absl::Status SettleRole(const std::string& name, Uncertain& ended) {
    absl::StatusOr<roster_v1::RoleAssignment> role = roster_.GetRoleAssignment(name);
    if (!role.ok()) return role.status();
    const std::string state = role->has_end_date() ? kEnded : kCurrent;
    if (!ended.Allows(state)) {
      violations_.push_back(
          absl::StrCat(name, " read back ", state, "; the writer knew ", ended.Describe()));
    }
    ended = {state, std::nullopt};
    if (state == kEnded) ForgetOpenRole(name);
    return absl::OkStatus();
  }

  absl::Status SettleMember(const std::string& member, MemberModel& model) {
    absl::StatusOr<std::vector<roster_v1::Membership>> history = roster_.Memberships(member);
    if (!history.ok()) return history.status();
    std::string current;
    for (const roster_v1::Membership& m : *history) {
      if (m.current()) current = m.party_org();
    }
    const int count = static_cast<int>(history->size());
    const bool as_known = current == model.org.known && count == model.known_count;
    const bool as_pending =
        model.org.pending && current == *model.org.pending && count == model.known_count + 1;
    if (!as_known && !as_pending) {
      violations_.push_back(
          absl::StrCat(member, " read back with ", count, " memberships, current at '", current,
                       "'; the writer knew ", model.known_count, " at ", model.org.Describe()));
    }
    model.org = {current, std::nullopt};
    model.known_count = count;
    return absl::OkStatus();
  }

  const int id_;
  const Plan& plan_;
  OrgClient org_;
  RosterClient roster_;
  std::mt19937_64 random_;
  int codes_ = 0;

  std::map<std::string, Uncertain> units_;  // unit → its parent
  std::vector<std::string> compounds_, buildings_;
  std::vector<std::string> people_;
  std::map<std::string, Uncertain> roles_;  // role assignment → kCurrent or kEnded
  std::vector<std::string> open_roles_;
  std::map<std::string, MemberModel> members_;
  std::vector<std::string> member_names_;

  std::atomic<int> acked_{0};
  std::atomic<int64_t> last_ack_start_ns_[kPathCount];
  std::vector<Ack> round_acks_;
  std::vector<std::string> violations_;
  int failures_[2] = {0, 0};
  std::map<std::string, int> failure_codes_;
};

// --- Reading everything back.

template <typename Item, typename Get>
absl::StatusOr<std::map<std::string, Item>> GetByName(const std::vector<std::string>& names,
                                                      Get get_batch) {
  std::map<std::string, Item> found;
  for (size_t begin = 0; begin < names.size(); begin += kMaxBatchGet) {
    const std::vector<std::string> chunk(
        names.begin() + begin, names.begin() + std::min(names.size(), begin + kMaxBatchGet));
    absl::StatusOr<std::vector<Item>> items = get_batch(chunk);
    if (absl::IsNotFound(items.status())) {
      // One is missing: ask for each, so that the rest are still checked.
      for (const std::string& name : chunk) {
        absl::StatusOr<std::vector<Item>> one = get_batch({name});
        if (one.ok()) {
          found[name] = one->front();
        } else if (!absl::IsNotFound(one.status())) {
          return one.status();
        }
      }
      continue;
    }
    if (!items.ok()) return items.status();
    for (Item& item : *items) found[item.name()] = std::move(item);
  }
  return found;
}

// The person of "people/7/memberships/3": "people/7".
std::string PersonOf(const std::string& membership) {
  const size_t slash = membership.find('/', membership.find('/') + 1);
  return membership.substr(0, slash);
}

// What is wrong with a member's memberships (in id order), or "": one
// chain, each ended on the day the next starts, only the last current.
std::string ChainProblem(const std::vector<roster_v1::Membership>& memberships) {
  if (memberships.empty()) return "no membership at all";
  int current = 0;
  for (size_t i = 0; i < memberships.size(); ++i) {
    const roster_v1::Membership& m = memberships[i];
    if (m.current()) ++current;
    if (i + 1 == memberships.size()) break;
    const roster_v1::Membership& next = memberships[i + 1];
    if (m.current() || !m.has_end_date())
      return absl::StrCat(m.name(), " is current but not the last");
    if (m.end_date().SerializeAsString() != next.start_date().SerializeAsString() ||
        m.update_time().SerializeAsString() != next.create_time().SerializeAsString()) {
      return absl::StrCat(m.name(), " and ", next.name(), " are not the halves of one transfer");
    }
  }
  if (current != 1) return absl::StrCat(current, " current memberships");
  return "";
}

// Events by (revision, resource).
template <typename Event>
std::map<std::pair<int64_t, std::string>, const Event*> IndexEvents(
    const std::vector<Event>& events) {
  std::map<std::pair<int64_t, std::string>, const Event*> index;
  for (const Event& event : events) index[{event.revision(), event.resource()}] = &event;
  return index;
}

struct RoundFigures {
  int acknowledged = 0;
  int present = 0;
  int lost() const { return acknowledged - present; }
};

class CrashDurabilityTest : public ReliabilitySuite {
 protected:
  void SetUp() override {
    ReliabilitySuite::SetUp();
    if (HasFatalFailure()) return;
    plan_.communities = {district_.community1.name(), district_.community2.name()};
    plan_.residence = district_.building1.name();
    plan_.role_places = {district_.building1.name(), district_.building2.name(),
                         district_.building4.name(), district_.compound1.name(),
                         district_.compound4.name()};
    plan_.org_a = district_.branch.name();
    plan_.org_b = district_.joint_branch.name();
  }

  // Checks the state after a round against what the writers know; settles
  // what they did not know. Problems go to `problems`.
  // `baseline`: before the first round, when the logs hold the seeding.
  RoundFigures CheckRound(std::vector<std::unique_ptr<Writer>>& writers,
                          std::vector<std::string>& problems, bool baseline = false);

  Plan plan_;
  int64_t last_revision_[2] = {0, 0};  // of each log, after the last check
};

RoundFigures CrashDurabilityTest::CheckRound(std::vector<std::unique_ptr<Writer>>& writers,
                                             std::vector<std::string>& problems, bool baseline) {
  RoundFigures figures;
  const OrgClient org = DirectOrg();
  const RosterClient roster = DirectRoster();
  auto problem = [&](std::string text) { problems.push_back(std::move(text)); };

  // Both event logs, from the beginning.
  absl::StatusOr<Pages<org_v1::Event>> org_events = org.ListAllEvents(1, kPageSize);
  absl::StatusOr<Pages<roster_v1::Event>> roster_events = roster.ListAllEvents(1, kPageSize);
  if (!org_events.ok() || !roster_events.ok()) {
    problem(absl::StrCat("the event logs could not be read: ", org_events.status().ToString(),
                         " / ", roster_events.status().ToString()));
    return figures;
  }
  if (auto contiguous = EventsAreContiguous(org_events->items, 1); !contiguous) {
    problem(absl::StrCat("org_service's event log: ", contiguous.message()));
  }
  if (auto contiguous = EventsAreContiguous(roster_events->items, 1); !contiguous) {
    problem(absl::StrCat("roster_service's event log: ", contiguous.message()));
  }
  const auto org_index = IndexEvents(org_events->items);
  const auto roster_index = IndexEvents(roster_events->items);

  // A transfer is one revision of two events: the old membership ended,
  // the new one made, for the same person.
  std::map<int64_t, std::vector<const roster_v1::Event*>> by_revision;
  for (const roster_v1::Event& event : roster_events->items) {
    by_revision[event.revision()].push_back(&event);
  }
  for (const auto& [revision, events] : by_revision) {
    if (events.front()->method() != "TransferMembership") continue;
    const bool whole = events.size() == 2 && events[0]->before().has_membership() &&
                       events[0]->after().membership().has_end_date() &&
                       !events[1]->before().has_membership() &&
                       events[1]->after().membership().current() &&
                       PersonOf(events[0]->resource()) == PersonOf(events[1]->resource());
    if (!whole) {
      problem(absl::StrCat("the transfer at roster revision ", revision, " is not whole: ",
                           events.size(), " events, the first ", events[0]->ShortDebugString()));
    }
  }

  // Everything the writers made, read back.
  std::vector<std::string> unit_names, people_names;
  for (auto& writer : writers) {
    for (const auto& [name, parent] : writer->units()) unit_names.push_back(name);
    people_names.insert(people_names.end(), writer->people().begin(), writer->people().end());
  }
  auto units = GetByName<org_v1::Unit>(
      unit_names, [&](const std::vector<std::string>& names) { return org.BatchGetUnits(names); });
  auto people = GetByName<roster_v1::Person>(
      people_names,
      [&](const std::vector<std::string>& names) { return roster.BatchGetPeople(names); });
  roster_v1::ListRoleAssignmentsRequest roles_request;
  roles_request.set_page_size(kPageSize);
  auto roles = roster.ListAllRoleAssignments(roles_request);
  roster_v1::ListMembershipsRequest memberships_request;
  memberships_request.set_parent("people/-");
  memberships_request.set_page_size(kPageSize);
  auto memberships = roster.ListAllMemberships(memberships_request);
  if (!units.ok() || !people.ok() || !roles.ok() || !memberships.ok()) {
    problem(absl::StrCat("the state could not be read: ", units.status().ToString(), " / ",
                         people.status().ToString(), " / ", roles.status().ToString(), " / ",
                         memberships.status().ToString()));
    return figures;
  }
  std::map<std::string, const roster_v1::RoleAssignment*> role_by_name;
  for (const auto& role : roles->items) role_by_name[role.name()] = &role;
  std::map<std::string, std::vector<roster_v1::Membership>> memberships_of;
  for (const auto& m : memberships->items) memberships_of[PersonOf(m.name())].push_back(m);
  for (auto& [person, history] : memberships_of) {
    std::sort(history.begin(), history.end(),
              [](const auto& a, const auto& b) { return IdOf(a.name()) < IdOf(b.name()); });
  }

  // Each resource as its writer knows it (or as a lost answer would have
  // left it); then the writer knows it as it is.
  std::set<std::string> wrong;  // resources not as their writer knows them
  for (auto& writer : writers) {
    for (std::string& violation : writer->TakeViolations()) {
      problem(absl::StrCat("read back by a writer: ", violation));
      wrong.insert(violation.substr(0, violation.find(' ')));
    }
    for (auto& [name, parent] : writer->units()) {
      const auto it = units->find(name);
      if (it == units->end() || it->second.state() != org_v1::Unit::ACTIVE ||
          !parent.Allows(it->second.parent())) {
        problem(absl::StrCat(name, ": ",
                             it == units->end() ? "missing" : it->second.ShortDebugString(),
                             "; expected under ", parent.Describe()));
        wrong.insert(name);
        continue;
      }
      parent = {it->second.parent(), std::nullopt};
    }
    for (const std::string& name : writer->people()) {
      if (!people->contains(name)) {
        problem(absl::StrCat(name, ": missing"));
        wrong.insert(name);
      }
    }
    for (auto& [name, ended] : writer->roles()) {
      const auto it = role_by_name.find(name);
      const std::string state = it == role_by_name.end()     ? "missing"
                                : it->second->has_end_date() ? kEnded
                                                             : kCurrent;
      if (!ended.Allows(state)) {
        problem(absl::StrCat(name, ": ", state, "; expected ", ended.Describe()));
        wrong.insert(name);
        continue;
      }
      ended = {state, std::nullopt};
      if (state == kEnded) writer->ForgetOpenRole(name);
    }
    for (auto& [member, model] : writer->members()) {
      const std::vector<roster_v1::Membership>& history = memberships_of[member];
      if (const std::string chain = ChainProblem(history); !chain.empty()) {
        problem(absl::StrCat(member, ": half a transfer? ", chain));
        wrong.insert(member);
        continue;
      }
      const std::string& current = history.back().party_org();
      const int count = static_cast<int>(history.size());
      const bool as_known = current == model.org.known && count == model.known_count;
      const bool as_pending =
          model.org.pending && current == *model.org.pending && count == model.known_count + 1;
      if (!as_known && !as_pending) {
        problem(absl::StrCat(member, ": ", count, " memberships, current at ", current,
                             "; expected ", model.known_count, " at ", model.org.Describe()));
        wrong.insert(member);
        continue;
      }
      model.org = {current, std::nullopt};
      model.known_count = count;
    }
  }

  // Each acknowledged write of the round: its event is in its service's
  // log at the revision it was acknowledged with, as acknowledged, and what
  // it wrote is still as its writer knows it.
  std::set<int64_t> acked_revisions[2];
  int failures[2] = {0, 0};
  for (auto& writer : writers) {
    failures[0] += writer->TakeFailures(Backend::kOrg);
    failures[1] += writer->TakeFailures(Backend::kRoster);
    for (const Ack& ack : writer->TakeRoundAcks()) {
      ++figures.acknowledged;
      const Backend service = ServiceOf(ack.kind);
      acked_revisions[static_cast<int>(service)].insert(ack.revision);
      std::string missing;
      if (service == Backend::kOrg) {
        const auto it = org_index.find({ack.revision, ack.resource});
        if (it == org_index.end()) {
          missing = "no event";
        } else if (it->second->after().unit().parent() != ack.value) {
          missing = absl::StrCat("the event has parent ", it->second->after().unit().parent());
        } else if (it->second->actor() != district_admin_.name) {
          missing = absl::StrCat("the event's actor is ", it->second->actor());
        }
      } else {
        const auto it = roster_index.find({ack.revision, ack.resource});
        if (it == roster_index.end()) {
          missing = "no event";
        } else if (ack.kind == WriteKind::kTransfer &&
                   it->second->after().membership().party_org() != ack.value) {
          missing = absl::StrCat("the event has ", it->second->after().membership().party_org());
        } else if (ack.kind == WriteKind::kEndRole &&
                   !it->second->after().role_assignment().has_end_date()) {
          missing = "the event has no end date";
        } else if (it->second->actor() != district_admin_.name) {
          missing = absl::StrCat("the event's actor is ", it->second->actor());
        }
      }
      if (missing.empty() && wrong.contains(ack.entity)) missing = "not as acknowledged";
      if (missing.empty()) {
        ++figures.present;
      } else {
        problem(absl::StrCat("LOST: ", KindName(ack.kind), " of ", ack.resource,
                             " acknowledged at revision ", ack.revision, ": ", missing));
      }
    }
  }

  // The logs hold nothing but the round's writes: past the last check,
  // every revision is an acknowledged write or one whose answer was lost.
  const int64_t last_revision[2] = {
      org_events->items.empty() ? 0 : org_events->items.back().revision(),
      roster_events->items.empty() ? 0 : roster_events->items.back().revision()};
  for (int s = 0; s < 2; ++s) {
    const int64_t unexplained =
        last_revision[s] - last_revision_[s] - static_cast<int64_t>(acked_revisions[s].size());
    if (!baseline && (unexplained < 0 || unexplained > failures[s])) {
      problem(absl::StrCat(BackendName(static_cast<Backend>(s)), "'s log went from revision ",
                           last_revision_[s], " to ", last_revision[s], " with ",
                           acked_revisions[s].size(), " writes acknowledged and ", failures[s],
                           " failed"));
    }
    last_revision_[s] = last_revision[s];
  }
  return figures;
}

// Stops the writers and joins their threads however the round ends.
struct WriterThreads {
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  ~WriterThreads() { Join(); }
  void Join() {
    stop = true;
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
  }
};

TEST_F(CrashDurabilityTest, EveryAcknowledgedWriteSurvivesKill9OfEitherService) {
  const int rounds = RoundsFromEnvironment();
  const uint64_t seed = SeedFromEnvironment();
  std::cout << "[ figures ] " << rounds << " rounds, " << kWriters << " writers, seed " << seed
            << " (GRASSROOTS_CRASH_SEED=" << seed << " replays the kill points)\n";
  RecordProperty("seed", std::to_string(seed));
  std::mt19937_64 random(seed);

  std::vector<std::unique_ptr<Writer>> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.push_back(
        std::make_unique<Writer>(i, plan_, Channel(district_admin_.token), seed + 1 + i));
    ASSERT_OK(writers.back()->Prepare()) << "writer " << i << " could not make its resources";
  }
  {
    std::vector<std::string> problems;
    CheckRound(writers, problems, /*baseline=*/true);
    ASSERT_THAT(problems, ::testing::IsEmpty());
  }

  RoundFigures total;
  int kills[2] = {0, 0};
  absl::Duration max_serving = absl::ZeroDuration(), max_writing = absl::ZeroDuration();
  for (int round = 1; round <= rounds; ++round) {
    const Backend victim = static_cast<Backend>((round + seed) % 2);
    const int delay_ms =
        std::uniform_int_distribution<int>(kMinKillDelayMs, kMaxKillDelayMs)(random);
    absl::Status kill_status, start_status;
    absl::StatusOr<absl::Duration> not_serving_after = absl::ZeroDuration();
    absl::StatusOr<absl::Duration> serving_after = absl::ZeroDuration();
    absl::Duration writing_after;
    bool writing_again = false;
    int acked_before_kill = 0;
    for (auto& writer : writers) acked_before_kill -= writer->acked();
    {
      WriterThreads threads;
      for (auto& writer : writers) {
        threads.threads.emplace_back([&threads, w = writer.get()] { w->Run(threads.stop); });
      }
      // The random kill point: not a wait for anything.
      absl::SleepFor(absl::Milliseconds(delay_ms));
      for (auto& writer : writers) acked_before_kill += writer->acked();
      kill_status = StopServer(*ServerOf(victim), StopBy::kKill9);
      // The gateway notices the outage before the service comes back, so
      // that SERVING below is news, not the state from before the kill.
      if (kill_status.ok()) {
        not_serving_after = WaitForHealth(HealthStatus::kNotServing, kRecoveryLimit);
      }
      if (kill_status.ok() && not_serving_after.ok()) start_status = StartAgain(victim);
      const absl::Time restarted = absl::Now();
      if (kill_status.ok() && not_serving_after.ok() && start_status.ok()) {
        serving_after = WaitForHealth(HealthStatus::kServing, kRecoveryLimit);
        // Every writer has a write through the restarted service (for the
        // org service: also a roster write that asked it) acknowledged.
        std::vector<Path> paths = victim == Backend::kOrg
                                      ? std::vector<Path>{kOrgPath, kRosterViaOrgPath}
                                      : std::vector<Path>{kRosterPath};
        writing_again = WaitFor(
            [&] {
              return std::all_of(writers.begin(), writers.end(), [&](const auto& writer) {
                return std::all_of(paths.begin(), paths.end(),
                                   [&](Path path) { return writer->AckedSince(path, restarted); });
              });
            },
            kRecoveryLimit - (absl::Now() - restarted), absl::Milliseconds(10));
        writing_after = absl::Now() - restarted;
      }
      threads.Join();
    }
    ASSERT_OK(kill_status);
    ASSERT_OK(not_serving_after.status()) << "round " << round;
    ASSERT_OK(start_status) << "round " << round << ": " << BackendName(victim)
                            << " did not start again";
    ASSERT_OK(serving_after.status()) << "round " << round;
    ASSERT_TRUE(writing_again) << "round " << round << ": not every writer could write through "
                               << BackendName(victim) << " within " << kRecoveryLimit
                               << " of its restart";
    ++kills[static_cast<int>(victim)];
    max_serving = std::max(max_serving, *serving_after);
    max_writing = std::max(max_writing, writing_after);

    std::map<std::string, int> codes;
    for (auto& writer : writers) {
      for (const auto& [code, count] : writer->TakeFailureCodes()) codes[code] += count;
    }
    std::vector<std::string> problems;
    const RoundFigures figures = CheckRound(writers, problems);
    total.acknowledged += figures.acknowledged;
    total.present += figures.present;
    std::cout << "[ figures ] round " << round << "/" << rounds << ": kill -9 "
              << BackendName(victim) << " after " << delay_ms << " ms: writes acknowledged "
              << figures.acknowledged << " / present after restart " << figures.present
              << " / lost " << figures.lost() << "\n";
    std::vector<std::string> code_parts;
    for (const auto& [code, count] : codes) code_parts.push_back(absl::StrCat(code, " ", count));
    std::cout << "[ figures ]   " << acked_before_kill << " acknowledged before the kill; failed: "
              << (code_parts.empty() ? "none" : absl::StrJoin(code_parts, ", "))
              << "; gateway NOT_SERVING " << Millis(*not_serving_after)
              << " after the kill; SERVING " << Millis(*serving_after)
              << " and every kind of write " << Millis(writing_after) << " after the restart\n";
    EXPECT_EQ(figures.lost(), 0) << "round " << round;
    EXPECT_GT(figures.acknowledged, 0) << "round " << round;
    if (!problems.empty()) {
      if (problems.size() > 20) problems.resize(20);
      ADD_FAILURE() << "round " << round << " (seed " << seed << "), kill -9 "
                    << BackendName(victim) << " after " << delay_ms << " ms:\n  "
                    << absl::StrJoin(problems, "\n  ");
      break;  // the next rounds would only repeat it
    }
  }
  std::cout << "[ figures ] total: " << rounds << " kills (org_service " << kills[0]
            << ", roster_service " << kills[1] << "): writes acknowledged " << total.acknowledged
            << " / present after restart " << total.present << " / lost " << total.lost()
            << "; slowest recovery: SERVING " << Millis(max_serving) << ", writing "
            << Millis(max_writing) << "\n";
  ExpectNoneLost(total.acknowledged, total.present);
}

}  // namespace
}  // namespace grassroots::reliability
