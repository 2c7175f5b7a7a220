// A bounded soak through the gateway: 16 clients (principals of every role,
// scoped to the district, a street and communities, each client with its
// own connection, reconnecting now and then) make mixed reads and writes for
// GRASSROOTS_SOAK_SECONDS (default 40, for CI; a real soak is e.g.
// GRASSROOTS_SOAK_SECONDS=600). The first quarter (at most 30 s) warms up;
// then the load stops, and the memory, open file descriptors and threads of
// the three processes are sampled; the rest of the time runs the same load
// again, which stops, and they are sampled once more. Every call must end as
// its kind allows (OK; a cut call also DEADLINE_EXCEEDED or CANCELLED), and
// the processes must end where they were after the warm-up: descriptors
// within a few, threads within a bound, memory within what the data written
// accounts for.
//
// The writes mostly overwrite (a person's room and phone, a building's name,
// a building moved to another compound and back), so the data hardly grows;
// the services run with --revision_retention=2s, so superseded versions do
// not pile up in memory for the default ten minutes. What does grow — role
// assignments made and ended, people created and deleted (soft deletes stay)
// — is counted and allowed for.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"

namespace grassroots::gateway::testing {
namespace {

// Under AddressSanitizer (the servers are built like this test) freed memory
// sits in ASan's quarantine before it is reused, so RSS grows with the
// number of frees, not with what is live: only fds and threads are bounded
// there.
// GCC says so with __SANITIZE_ADDRESS__, clang with __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define GRASSROOTS_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GRASSROOTS_UNDER_ASAN 1
#endif
#endif
#ifdef GRASSROOTS_UNDER_ASAN
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif

using ::grassroots::roster::testing::DateOf;
using ::grassroots::roster::testing::MakeDate;
using ::grassroots::roster::testing::NewPerson;
using ::grassroots::roster::testing::TodayInChina;
using ::grassroots::testing::NewClientContext;
using ::grassroots::testing::ProcessUsage;
using ::grassroots::testing::ReadProcessUsage;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;

// How long the load runs, warm-up included.
absl::Duration SoakDuration() {
  int seconds = 40;
  if (const char* env = std::getenv("GRASSROOTS_SOAK_SECONDS"); env != nullptr) {
    if (!absl::SimpleAtoi(env, &seconds) || seconds < 8) seconds = 8;
  }
  return absl::Seconds(seconds);
}

// How long a superseded revision stays readable in the soak's services:
// short, so that what the soak overwrites is forgotten while it runs.
constexpr char kRevisionRetention[] = "2s";

// The bounds of the end state against the sample after warm-up.
//
// Descriptors: every client connection is closed before each sample, so
// what is open is listening sockets, the databases, logs and the
// connections between the processes; a few more for a connection being
// torn down when the sample is taken.
constexpr int kFdSlack = 6;
// Threads: gRPC grows its thread pools with the load and shrinks them
// lazily; the same load ran before both samples, so the pools are about
// the same size. A leak of a thread per call or per connection would be
// thousands.
constexpr int kThreadSlack = 24;
// Memory. A fixed part: glibc keeps freed memory in its per-thread arenas
// and does not return all of it; gRPC's buffers and SQLite's page cache
// (2 MB per connection) fill to their working size; the services keep the
// last 4096 events in memory (common/commit_engine.h, a few KiB each with
// before and after) and the versions superseded in the last two seconds.
// The gateway holds no data that the soak grows (its replica of the
// hierarchy has a fixed number of units), so it gets the fixed part only;
// a leak of half a KiB per call would break it in the default run (30,000
// calls). The services also get, per record the soak adds (role
// assignments made and ended, people created and deleted: kept, not
// overwritten), its index entries, versions and events, generously: the
// measured cost is under 2.5 KiB.
constexpr int64_t kGatewayRssSlack = 16 << 20;
constexpr int64_t kServiceRssSlack = 24 << 20;
constexpr int64_t kRssPerRecord = 4 << 10;

// ---------------------------------------------------------------------------

// What one client's calls came to.
struct Tally {
  std::map<std::string, int> codes;  // by code name
  int calls = 0;
  int reads = 0, writes = 0, cut = 0;
  int records_created = 0;  // role assignments and people: data that stays
  int reconnects = 0;
  int unexpected = 0;
  std::vector<std::string> unexpected_samples;

  void Merge(const Tally& other) {
    for (const auto& [code, count] : other.codes) codes[code] += count;
    calls += other.calls;
    reads += other.reads;
    writes += other.writes;
    cut += other.cut;
    records_created += other.records_created;
    reconnects += other.reconnects;
    unexpected += other.unexpected;
    for (const std::string& s : other.unexpected_samples) {
      if (unexpected_samples.size() < 10) unexpected_samples.push_back(s);
    }
  }
};

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

// One principal of the soak and what lies in its scope.
struct SoakPrincipal {
  TestPrincipal principal;
  bool writes = false;
  bool manages = false;
  std::string scope_root;              // for subtree reads: a unit
  std::vector<std::string> units;      // units to read
  std::vector<std::string> compounds;  // for the aggregate
  std::vector<std::string> people;     // people to read
};

// One client: its principal and, for writers, the resources it alone
// writes, so that no two clients race for one and every write must succeed.
struct Worker {
  int index = 0;
  const SoakPrincipal* who = nullptr;
  std::string person;    // people/N living in `building`
  std::string building;  // units/N, renamed back and forth
  std::string mover;     // units/N, a building moved between two compounds
  std::string mover_parents[2];
  std::string phones[2];
};

class SoakTest : public GatewaySuite {
 protected:
  void SetUp() override {
    // The clients of one principal share its bucket; this is not a test of
    // the rate limit.
    extra_gateway_args_ = {"--rate_limit_qps=0"};
    GatewaySuite::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_NO_FATAL_FAILURE(RestartServicesWithShortRetention());
    ASSERT_NO_FATAL_FAILURE(AddSoakPrincipalsAndData());
  }

  void TearDown() override {
    if (HasFailure()) {
      for (const auto* server : {org_.get(), roster_.get()}) {
        if (server != nullptr) {
          std::cerr << "---- log " << server->log_path() << " ----\n" << server->ReadLog();
        }
      }
    }
    GatewaySuite::TearDown();
  }

  // GatewaySuite starts the services with the default retention (ten
  // minutes); they are started again on their data and addresses with a
  // short one. The first processes stay (stopped) in the suite's members,
  // since their directories hold the data; the soak's go first on the way
  // out.
  void RestartServicesWithShortRetention() {
    const std::string org_address = org_server_->address();
    const std::string roster_address = roster_server_->address();
    ASSERT_THAT(roster_server_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
    ASSERT_THAT(org_server_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
    const auto launch = [&](const char* binary, const std::string& data_dir,
                            std::vector<std::string> args, std::unique_ptr<ServerProcess>& out) {
      ServerOptions options;
      options.binary = binary;
      options.data_dir = data_dir;
      options.extra_args = std::move(args);
      options.extra_args.push_back(absl::StrCat("--caller_key_file=", key_file_));
      options.extra_args.push_back(absl::StrCat("--revision_retention=", kRevisionRetention));
      // The port may take a moment to be free again.
      absl::StatusOr<std::unique_ptr<ServerProcess>> server;
      for (int attempt = 0; attempt < 100; ++attempt) {
        server = ServerProcess::Launch(options);
        if (server.ok()) break;
        absl::SleepFor(absl::Milliseconds(50));
      }
      ASSERT_OK(server.status());
      out = *std::move(server);
    };
    ASSERT_NO_FATAL_FAILURE(launch(ORG_SERVICE_BINARY, org_server_->data_dir(),
                                   {absl::StrCat("--listen=", org_address)}, org_));
    ASSERT_NO_FATAL_FAILURE(launch(
        ROSTER_SERVICE_BINARY, roster_server_->data_dir(),
        {absl::StrCat("--listen=", roster_address), absl::StrCat("--org_service=", org_address)},
        roster_));
    ASSERT_TRUE(WaitForServing());
  }

  void AddSoakPrincipalsAndData() {
    const SampleDistrict& d = district_;
    const auto principal = [&](const std::string& name, const std::string& role,
                               const std::string& scope, bool pii, bool writes, bool manages) {
      SoakPrincipal p;
      p.principal = AddPrincipal(name, role, scope, pii);
      p.writes = writes;
      p.manages = manages;
      return p;
    };
    SoakPrincipal admin = principal("soak-admin", "ADMIN", "*", true, true, true);
    admin.scope_root = d.district.name();
    for (const auto& u : d.AllUnits()) admin.units.push_back(u.name());
    admin.compounds = {d.compound1.name(), d.compound4.name(), d.compound5.name()};
    admin.people = {inside_.resident.name(), outside_.resident.name()};
    SoakPrincipal street =
        principal("soak-street-editor", "EDITOR", d.street1.name(), false, true, false);
    street.scope_root = d.street1.name();
    street.units = {d.street1.name(),   d.community1.name(), d.community2.name(),
                    d.compound1.name(), d.compound2.name(),  d.compound4.name(),
                    d.building1.name(), d.building4.name()};
    street.compounds = {d.compound1.name(), d.compound4.name()};
    street.people = admin.people;
    SoakPrincipal community =
        principal("soak-community-admin", "ADMIN", d.community1.name(), false, true, true);
    community.scope_root = d.community1.name();
    community.units = {d.community1.name(), d.compound1.name(), d.compound2.name(),
                       d.compound3.name(),  d.building1.name(), d.building3.name()};
    community.compounds = {d.compound1.name(), d.compound2.name()};
    community.people = {inside_.resident.name()};
    SoakPrincipal community2 =
        principal("soak-community2-editor", "EDITOR", d.community2.name(), true, true, false);
    community2.scope_root = d.community2.name();
    community2.units = {d.community2.name(), d.compound4.name(), d.building4.name(),
                        d.building5.name()};
    community2.compounds = {d.compound4.name()};
    community2.people = {outside_.resident.name()};
    SoakPrincipal viewer =
        principal("soak-viewer", "VIEWER", d.community1.name(), false, false, false);
    viewer.scope_root = community.scope_root;
    viewer.units = community.units;
    viewer.compounds = community.compounds;
    viewer.people = community.people;
    SoakPrincipal auditor = principal("soak-auditor", "AUDITOR", "*", true, false, false);
    auditor.scope_root = admin.scope_root;
    auditor.units = admin.units;
    auditor.compounds = admin.compounds;
    auditor.people = admin.people;
    soak_principals_ = {admin, street, community, community2, viewer, auditor};
    ASSERT_NO_FATAL_FAILURE(ReloadTokens());

    // Each writing client's own person, building and (for managers) a
    // building it moves.
    OrgClient org(Channel(district_admin_.token));
    RosterClient roster(Channel(district_admin_.token));
    std::mt19937 random(42);
    for (int i = 0; i < kClients; ++i) {
      Worker w;
      w.index = i;
      w.who = &soak_principals_[i % soak_principals_.size()];
      if (w.who->writes) {
        std::string compound;
        switch (i % soak_principals_.size()) {
          case 0:
            compound = d.compound5.name();
            break;
          case 1:
            compound = i % 2 == 0 ? d.compound3.name() : d.compound4.name();
            break;
          case 2:
            compound = d.compound2.name();
            break;
          default:
            compound = d.compound4.name();
            break;
        }
        ASSERT_OK_AND_ASSIGN(org_v1::Unit building,
                             org.CreateUnit(::grassroots::org::testing::NewBuilding(
                                 compound, absl::StrCat("S", i, "栋"), absl::StrCat("S", i), 40, 12,
                                 absl::StrCat("压测路", i, "号"))));
        w.building = building.name();
        for (std::string& phone : w.phones) {
          phone = absl::StrFormat("139%08d", static_cast<int>(random() % 100000000));
        }
        roster_v1::Person person =
            NewPerson(absl::StrCat("压测居民", i),
                      ::grassroots::roster::testing::TestIdCardNumber(500 + i), w.phones[0]);
        person.set_residence_building(w.building);
        person.set_residence_room("1-101");
        ASSERT_OK_AND_ASSIGN(roster_v1::Person created, roster.CreatePerson(person));
        w.person = created.name();
      }
      if (w.who->manages) {
        w.mover_parents[0] = d.compound1.name();
        w.mover_parents[1] = d.compound2.name();
        ASSERT_OK_AND_ASSIGN(
            org_v1::Unit mover,
            org.CreateUnit(::grassroots::org::testing::NewBuilding(
                w.mover_parents[0], absl::StrCat("M", i, "栋"), absl::StrCat("M", i), 20, 6, "")));
        w.mover = mover.name();
      }
      workers_.push_back(w);
    }
  }

  using Clients = GatewayClients;

  // One client's loop until `until`.
  void Run(const Worker& w, absl::Time until, uint32_t seed, Tally& tally) const {
    std::mt19937 random(seed);
    const SoakPrincipal& who = *w.who;
    Clients c = ClientsOf(who.principal.token);
    int reconnect_after = 200 + static_cast<int>(random() % 200);
    bool person_flip = false, building_flip = false;
    int mover_at = 0;
    const absl::CivilDay today = TodayInChina();
    const auto pick = [&](const std::vector<std::string>& from) -> const std::string& {
      return from[random() % from.size()];
    };
    // A call that must succeed, or (`cut`) may also end at its deadline or
    // by cancellation.
    const auto record = [&](const char* what, const grpc::Status& status, bool cut = false) {
      ++tally.calls;
      ++tally.codes[CodeName(status.error_code())];
      const bool fine =
          status.ok() || (cut && (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
                                  status.error_code() == grpc::StatusCode::CANCELLED));
      if (!fine) {
        ++tally.unexpected;
        if (tally.unexpected_samples.size() < 5) {
          tally.unexpected_samples.push_back(absl::StrCat(who.principal.name, " ", what, ": ",
                                                          CodeName(status.error_code()), " ",
                                                          status.error_message()));
        }
      }
      return status.ok();
    };
    const auto context = [](absl::Duration timeout = absl::Seconds(20)) {
      return NewClientContext(timeout);
    };

    while (absl::Now() < until) {
      if (--reconnect_after <= 0) {
        c = ClientsOf(who.principal.token);
        reconnect_after = 200 + static_cast<int>(random() % 200);
        ++tally.reconnects;
      }
      int r = static_cast<int>(random() % 100);
      if (!who.writes && r >= 55) r = static_cast<int>(random() % 55);
      if (r < 55) ++tally.reads;
      if (r < 15) {
        org_v1::GetUnitRequest request;
        request.set_name(pick(who.units));
        org_v1::Unit unit;
        record("GetUnit", c.org->GetUnit(context().get(), request, &unit));
      } else if (r < 24) {
        org_v1::ListDescendantsRequest request;
        request.set_name(who.scope_root);
        auto ctx = context();
        auto reader = c.org->ListDescendants(ctx.get(), request);
        org_v1::ListDescendantsResponse batch;
        while (reader->Read(&batch)) {
        }
        record("ListDescendants", reader->Finish());
      } else if (r < 33) {
        roster_v1::ListRoleAssignmentsRequest request;
        request.set_place(who.scope_root);
        request.set_include_descendants(true);
        request.set_current_only(true);
        request.set_page_size(100);
        roster_v1::ListRoleAssignmentsResponse roles;
        record("ListRoleAssignments",
               c.roster->ListRoleAssignments(context().get(), request, &roles));
      } else if (r < 40) {
        roster_v1::GetPersonRequest request;
        request.set_name(w.person.empty() ? pick(who.people) : w.person);
        roster_v1::Person person;
        record("GetPerson", c.roster->GetPerson(context().get(), request, &person));
      } else if (r < 44) {
        roster_v1::ListPeopleRequest request;
        request.set_page_size(50);
        roster_v1::ListPeopleResponse people;
        record("ListPeople", c.roster->ListPeople(context().get(), request, &people));
      } else if (r < 47) {
        gateway_v1::GetCompoundProfileRequest request;
        request.set_name(pick(who.compounds));
        gateway_v1::CompoundProfile profile;
        record("GetCompoundProfile",
               c.gateway->GetCompoundProfile(context().get(), request, &profile));
      } else if (r < 49) {
        org_v1::CountDescendantsRequest request;
        request.set_name(who.scope_root);
        org_v1::CountDescendantsResponse counts;
        record("CountDescendants", c.org->CountDescendants(context().get(), request, &counts));
      } else if (r < 52) {
        // An expired deadline: 0 to 3 ms, so that some reach the gateway.
        ++tally.cut;
        org_v1::ListDescendantsRequest request;
        request.set_name(who.scope_root);
        auto ctx = context(absl::Microseconds(random() % 3000));
        auto reader = c.org->ListDescendants(ctx.get(), request);
        org_v1::ListDescendantsResponse batch;
        while (reader->Read(&batch)) {
        }
        record("ListDescendants (deadline)", reader->Finish(), /*cut=*/true);
      } else if (r < 55) {
        // A cancelled call: a watch of what comes next, or a stream after
        // its first batch.
        ++tally.cut;
        if (r == 52) {
          roster_v1::WatchEventsRequest request;  // start_revision 0: only what comes next
          auto ctx = context(absl::Milliseconds(30 + random() % 100));
          auto reader = c.roster->WatchEvents(ctx.get(), request);
          roster_v1::WatchEventsResponse batch;
          while (reader->Read(&batch)) {
          }
          record("WatchEvents (deadline)", reader->Finish(), /*cut=*/true);
        } else {
          org_v1::ListDescendantsRequest request;
          request.set_name(who.scope_root);
          auto ctx = context();
          auto reader = c.org->ListDescendants(ctx.get(), request);
          org_v1::ListDescendantsResponse batch;
          reader->Read(&batch);
          ctx->TryCancel();
          while (reader->Read(&batch)) {
          }
          record("ListDescendants (cancelled)", reader->Finish(), /*cut=*/true);
        }
      } else if (r < 70 || r >= 98) {
        ++tally.writes;
        person_flip = !person_flip;
        roster_v1::UpdatePersonRequest request;
        request.mutable_person()->set_name(w.person);
        request.mutable_person()->set_residence_room(person_flip ? "2-202" : "1-101");
        request.mutable_person()->set_phone(w.phones[person_flip ? 1 : 0]);
        request.mutable_update_mask()->add_paths("residence_room");
        request.mutable_update_mask()->add_paths("phone");
        roster_v1::Person person;
        record("UpdatePerson", c.roster->UpdatePerson(context().get(), request, &person));
      } else if (r < 88 || (r < 95 && w.mover.empty())) {
        ++tally.writes;
        building_flip = !building_flip;
        org_v1::UpdateUnitRequest request;
        request.mutable_unit()->set_name(w.building);
        request.mutable_unit()->set_display_name(
            absl::StrCat("S", w.index, building_flip ? "栋(甲)" : "栋"));
        request.mutable_update_mask()->add_paths("display_name");
        org_v1::Unit unit;
        record("UpdateUnit", c.org->UpdateUnit(context().get(), request, &unit));
      } else if (r < 95) {
        ++tally.writes;
        mover_at = 1 - mover_at;
        org_v1::MoveUnitRequest request;
        request.set_name(w.mover);
        request.set_new_parent(w.mover_parents[mover_at]);
        org_v1::Unit unit;
        record("MoveUnit", c.org->MoveUnit(context().get(), request, &unit));
      } else if (r < 97 || !who.manages) {
        // (2% of a manager's calls, 3% of an editor's)
        // A role given and taken back: one record more each time.
        tally.writes += 2;
        roster_v1::AssignRoleRequest assign;
        *assign.mutable_role_assignment() = ::grassroots::roster::testing::NewRole(
            w.person, roster_v1::VOLUNTEER, w.building, MakeDate(2023, 1, 1));
        roster_v1::RoleAssignment role;
        if (record("AssignRole", c.roster->AssignRole(context().get(), assign, &role))) {
          ++tally.records_created;
          roster_v1::EndRoleAssignmentRequest end;
          end.set_name(role.name());
          *end.mutable_end_date() = DateOf(today);
          record("EndRoleAssignment", c.roster->EndRoleAssignment(context().get(), end, &role));
        }
      } else {
        // A person created and deleted (deletes are soft: one record more).
        tally.writes += 2;
        roster_v1::CreatePersonRequest create;
        *create.mutable_person() = NewPerson(absl::StrCat("临时", w.index));
        create.mutable_person()->set_residence_building(w.building);
        roster_v1::Person person;
        if (record("CreatePerson", c.roster->CreatePerson(context().get(), create, &person))) {
          ++tally.records_created;
          roster_v1::DeletePersonRequest remove;
          remove.set_name(person.name());
          record("DeletePerson", c.roster->DeletePerson(context().get(), remove, &person));
        }
      }
    }
  }

  // Runs every client for `duration`; their tallies merged.
  Tally Load(absl::Duration duration, uint32_t seed) const {
    std::vector<Tally> tallies(workers_.size());
    std::vector<std::thread> threads;
    const absl::Time until = absl::Now() + duration;
    for (size_t i = 0; i < workers_.size(); ++i) {
      threads.emplace_back([&, i] { Run(workers_[i], until, seed + i, tallies[i]); });
    }
    for (std::thread& t : threads) t.join();
    Tally all;
    for (const Tally& t : tallies) all.Merge(t);
    return all;
  }

  struct Sample {
    std::string name;
    ProcessUsage usage;
  };
  std::vector<const ServerProcess*> Processes() const {
    return {org_.get(), roster_.get(), gateway_.get()};
  }
  static constexpr size_t kGatewayIndex = 2;
  static const char* NameOf(size_t i) {
    static constexpr const char* kNames[] = {"org_service", "roster_service", "gateway"};
    return kNames[i];
  }

  // The usage of each process once the load has stopped and their
  // descriptors have settled: polled until two samples 200 ms apart agree
  // on the descriptors (connections closing), at most 15 s.
  std::vector<ProcessUsage> SettledUsage() const {
    std::vector<ProcessUsage> last;
    const absl::Time give_up = absl::Now() + absl::Seconds(15);
    while (true) {
      std::vector<ProcessUsage> now;
      for (const ServerProcess* p : Processes()) {
        absl::StatusOr<ProcessUsage> usage = ReadProcessUsage(p->pid());
        EXPECT_OK(usage.status());
        now.push_back(usage.ok() ? *usage : ProcessUsage());
      }
      bool same = !last.empty();
      for (size_t i = 0; same && i < now.size(); ++i) {
        same = now[i].open_fds == last[i].open_fds;
      }
      if (same || absl::Now() > give_up) return now;
      last = now;
      absl::SleepFor(absl::Milliseconds(200));
    }
  }

  static constexpr int kClients = 16;
  std::vector<SoakPrincipal> soak_principals_;
  std::vector<Worker> workers_;
  // The services as restarted with a short retention; declared after the
  // suite's, so they are gone before the first runs' directories are.
  std::unique_ptr<ServerProcess> org_, roster_;
};

void PrintUsage(const char* when, const char* name, const ProcessUsage& u) {
  std::cout << "[ figures ] soak " << when << " " << name << ": RSS "
            << absl::StrFormat("%.1f", u.rss_bytes / 1048576.0) << " MiB, " << u.open_fds
            << " fds, " << u.threads << " threads\n";
}

TEST_F(SoakTest, MixedLoadThroughTheGatewayLeavesMemoryDescriptorsAndThreadsStable) {
  const absl::Duration total = SoakDuration();
  const absl::Duration warm_up =
      std::min(absl::Seconds(30), absl::Trunc(total / 4, absl::Seconds(1)));
  const absl::Duration soak = total - warm_up;

  const Tally warm = Load(warm_up, 1000);
  ASSERT_EQ(warm.unexpected, 0) << ::testing::PrintToString(warm.unexpected_samples);
  const std::vector<ProcessUsage> base = SettledUsage();

  const absl::Time start = absl::Now();
  const Tally tally = Load(soak, 2000);
  const absl::Duration took = absl::Now() - start;
  const std::vector<ProcessUsage> end = SettledUsage();
  for (const ServerProcess* p : Processes()) EXPECT_TRUE(p->running());

  std::string codes;
  for (const auto& [code, count] : tally.codes) absl::StrAppend(&codes, " ", code, " ", count);
  std::cout << "[ figures ] soak: " << kClients << " clients, " << soak_principals_.size()
            << " principals, warm-up " << absl::FormatDuration(warm_up) << " (" << warm.calls
            << " calls), then " << absl::FormatDuration(took) << ": " << tally.calls << " calls, "
            << absl::StrFormat("%.0f", tally.calls / absl::ToDoubleSeconds(took))
            << " calls/s; reads " << tally.reads << ", writes " << tally.writes << ", cut "
            << tally.cut << ", reconnects " << tally.reconnects << ", records created "
            << tally.records_created << "\n";
  std::cout << "[ figures ] soak: calls by code:" << codes << "\n";
  for (size_t i = 0; i < base.size(); ++i) {
    PrintUsage("after warm-up", NameOf(i), base[i]);
    PrintUsage("at the end", NameOf(i), end[i]);
  }

  EXPECT_EQ(tally.unexpected, 0) << ::testing::PrintToString(tally.unexpected_samples);
  EXPECT_GT(tally.writes, 100);
  EXPECT_GT(tally.cut, 10);
  // The records written since the warm-up sample (the warm-up's are in it).
  const int64_t service_rss_bound = kServiceRssSlack + kRssPerRecord * tally.records_created;
  for (size_t i = 0; i < base.size(); ++i) {
    const int64_t rss_bound = i == kGatewayIndex ? kGatewayRssSlack : service_rss_bound;
    EXPECT_LE(end[i].open_fds, base[i].open_fds + kFdSlack) << NameOf(i);
    EXPECT_LE(end[i].threads, base[i].threads + kThreadSlack) << NameOf(i);
    if (kRssIsMeaningful) {
      EXPECT_LE(end[i].rss_bytes - base[i].rss_bytes, rss_bound)
          << NameOf(i) << ": RSS grew from " << base[i].rss_bytes << " to " << end[i].rss_bytes;
    }
  }
  if (!kRssIsMeaningful) {
    std::cout << "[ figures ] soak: RSS bounds not checked: an AddressSanitizer build keeps "
                 "freed memory in its quarantine (up to 256 MiB a process)\n";
  }
  std::cout << "[ figures ] soak: bounds: fds +" << kFdSlack << ", threads +" << kThreadSlack
            << ", RSS +" << absl::StrFormat("%.1f", service_rss_bound / 1048576.0)
            << " MiB (services), +" << (kGatewayRssSlack >> 20) << " MiB (gateway)\n";
  // Still serving.
  EXPECT_TRUE(WaitForServing());
}

}  // namespace
}  // namespace grassroots::gateway::testing
