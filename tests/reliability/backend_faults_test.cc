// Backend faults while the gateway serves: a service stopped, hung
// (SIGSTOP) or restarted under calls and streams. Calls to it fail fast
// with UNAVAILABLE or DEADLINE_EXCEEDED within their deadline, never hang;
// calls to the other service go on; the gateway's health says so; and the
// gateway, never restarted, serves again by itself once the service is
// back. A hung org service makes the roster's writes fail cleanly, with
// nothing written.

#include <signal.h>

#include <atomic>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reliability/reliability_support.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::reliability {
namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
using ::grassroots::roster::testing::MakeDate;
using ::grassroots::roster::testing::RosterClient;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::ToAbslStatus;

// Slack for a loaded machine (and the AddressSanitizer build) on top of a
// deadline: a call that ends within deadline + slack did not hang.
constexpr absl::Duration kSlack = absl::Seconds(2);
// The roster's default wait for the org service (--org_deadline), which
// GatewaySuite does not change.
constexpr absl::Duration kRosterOrgDeadline = absl::Seconds(2);
constexpr absl::Duration kRecoveryLimit = absl::Seconds(30);

std::unique_ptr<grpc::ClientContext> Context(absl::Duration deadline) {
  return ::grassroots::testing::NewClientContext(deadline);
}

class BackendFaultsTest : public ReliabilitySuite {
 protected:
  void SetUp() override {
    ReliabilitySuite::SetUp();
    if (HasFatalFailure()) return;
    channel_ = Channel(district_admin_.token);
    org_ = org_v1::OrgService::NewStub(channel_);
    roster_ = roster_v1::RosterService::NewStub(channel_);
  }

  // A call through the gateway served by `backend` alone: a read, or a
  // write that needs no other service. Each write makes something new.
  absl::Status CallServedBy(Backend backend, bool write, absl::Duration deadline) {
    auto context = Context(deadline);
    const int n = ++calls_made_;
    grpc::Status status;
    if (backend == Backend::kOrg && write) {
      org_v1::CreateUnitRequest request;
      *request.mutable_unit() = ::grassroots::org::testing::NewBuilding(
          district_.compound3.name(), absl::StrCat(n, "栋"), absl::StrCat("F", n), 12, 6, "");
      org_v1::Unit unit;
      status = org_->CreateUnit(context.get(), request, &unit);
    } else if (backend == Backend::kOrg) {
      org_v1::GetUnitRequest request;
      request.set_name(inside_.compound.name());
      org_v1::Unit unit;
      status = org_->GetUnit(context.get(), request, &unit);
    } else if (write) {
      roster_v1::CreatePersonRequest request;
      *request.mutable_person() = ::grassroots::roster::testing::NewPerson(absl::StrCat("故障", n));
      roster_v1::Person person;
      status = roster_->CreatePerson(context.get(), request, &person);
    } else {
      roster_v1::GetPersonRequest request;
      request.set_name(inside_.resident.name());
      roster_v1::Person person;
      status = roster_->GetPerson(context.get(), request, &person);
    }
    return ToAbslStatus(status);
  }

  absl::StatusOr<int64_t> CurrentRevisionOf(Backend backend) const {
    return backend == Backend::kOrg ? DirectOrg().CurrentRevision()
                                    : DirectRoster().CurrentRevision();
  }

  // Calls `backend` until a read succeeds; how long that took from `since`.
  absl::StatusOr<absl::Duration> FirstSuccessfulCall(Backend backend, absl::Time since) {
    absl::Status status;
    while (absl::Now() - since < kRecoveryLimit) {
      status = CallServedBy(backend, /*write=*/false, absl::Seconds(2));
      if (status.ok()) return absl::Now() - since;
      absl::SleepFor(absl::Milliseconds(10));
    }
    return absl::DeadlineExceededError(absl::StrCat(
        BackendName(backend), " still fails through the gateway: ", status.ToString()));
  }

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<org_v1::OrgService::Stub> org_;
  std::unique_ptr<roster_v1::RosterService::Stub> roster_;
  std::atomic<int> calls_made_{0};
};

// Calls the other backend on a thread until stopped; they must all succeed
// while one backend is down or hung.
class BackgroundCalls {
 public:
  BackgroundCalls(std::function<absl::Status()> call)
      : thread_([this, call] {
          while (!stop_.load()) {
            const absl::Time start = absl::Now();
            const absl::Status status = call();
            tally_.Add(status.code(), absl::Now() - start);
          }
        }) {}
  ~BackgroundCalls() { Stop(); }
  const CallTally& Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return tally_;
  }

 private:
  std::atomic<bool> stop_{false};
  CallTally tally_;
  std::thread thread_;  // last: starts once the rest is built
};

class BackendDownTest : public BackendFaultsTest, public ::testing::WithParamInterface<Backend> {};

// SIGTERM: the service is gone and its port refuses connections.
TEST_P(BackendDownTest, CallsFailFastWhileStoppedAndTheGatewayRecoversByItself) {
  const Backend victim = GetParam();
  const Backend other = OtherBackend(victim);
  constexpr absl::Duration kDeadline = absl::Seconds(3);
  constexpr int kCalls = 16;
  ASSERT_THAT(ServerOf(victim)->Stop(SIGTERM), IsOkAndHolds(0));
  ASSERT_OK_AND_ASSIGN(const absl::Duration not_serving_after,
                       WaitForHealth(HealthStatus::kNotServing, absl::Seconds(10)));

  // Reads (retried by the gateway) and writes (not retried) at once.
  BackgroundCalls others([&] { return CallServedBy(other, calls_made_ % 2 == 0, kDeadline); });
  const CallTally down =
      CallConcurrently(kCalls, [&](int i) { return CallServedBy(victim, i % 2 == 1, kDeadline); });
  const CallTally& served = others.Stop();
  EXPECT_EQ(down.Count(absl::StatusCode::kUnavailable), kCalls) << down.CodesText();
  EXPECT_LT(down.max_latency, kDeadline);
  EXPECT_GT(served.calls, 0);
  EXPECT_EQ(served.Count(absl::StatusCode::kOk), served.calls) << served.CodesText();

  // Back on its address and data; the gateway is left alone.
  const absl::Time restart = absl::Now();
  ASSERT_OK(StartAgain(victim));
  const absl::Duration started_after = absl::Now() - restart;
  ASSERT_OK_AND_ASSIGN(const absl::Duration serving_after,
                       WaitForHealth(HealthStatus::kServing, kRecoveryLimit));
  ASSERT_OK_AND_ASSIGN(const absl::Duration answering_after, FirstSuccessfulCall(victim, restart));
  EXPECT_OK(CallServedBy(victim, /*write=*/true, absl::Seconds(10)));
  EXPECT_EQ(gateway_->start_count(), 1);
  EXPECT_TRUE(gateway_->running());

  std::cout << "[ figures ] " << BackendName(victim) << " stopped: health NOT_SERVING after "
            << Millis(not_serving_after) << "; " << down.calls << " calls to it (deadline "
            << Millis(kDeadline) << "): " << down.CodesText() << ", slowest "
            << Millis(down.max_latency) << "; meanwhile " << served.calls << " calls to "
            << BackendName(other) << ": " << served.CodesText() << ", slowest "
            << Millis(served.max_latency) << "\n";
  std::cout << "[ figures ] " << BackendName(victim) << " started again in "
            << Millis(started_after) << "; recovery: gateway SERVING " << Millis(serving_after)
            << ", first call through it OK " << Millis(answering_after)
            << " after the restart began\n";
}

// SIGSTOP: the port accepts connections but nothing answers, the worst
// case for a caller without a deadline.
TEST_P(BackendDownTest, CallsToAHungServiceEndWithinTheirDeadline) {
  const Backend victim = GetParam();
  const Backend other = OtherBackend(victim);
  constexpr absl::Duration kDeadline = absl::Seconds(1);
  constexpr int kCalls = 32;
  ASSERT_OK_AND_ASSIGN(const int64_t revision_before, CurrentRevisionOf(victim));
  ASSERT_OK(ServerOf(victim)->Signal(SIGSTOP));
  const absl::Time hung = absl::Now();

  BackgroundCalls others(
      [&] { return CallServedBy(other, calls_made_ % 2 == 0, absl::Seconds(5)); });
  const CallTally stuck =
      CallConcurrently(kCalls, [&](int i) { return CallServedBy(victim, i % 2 == 1, kDeadline); });
  absl::StatusOr<absl::Duration> not_serving_after =
      WaitForHealth(HealthStatus::kNotServing, absl::Seconds(10));
  const absl::Duration health_from_hang = absl::Now() - hung;
  const CallTally& served = others.Stop();

  const absl::Time resumed = absl::Now();
  ASSERT_OK(ServerOf(victim)->Signal(SIGCONT));
  ASSERT_OK(not_serving_after.status());
  EXPECT_EQ(stuck.Count(absl::StatusCode::kDeadlineExceeded) +
                stuck.Count(absl::StatusCode::kUnavailable),
            kCalls)
      << stuck.CodesText();
  EXPECT_LT(stuck.max_latency, kDeadline + kSlack);
  EXPECT_GT(served.calls, 0);
  EXPECT_EQ(served.Count(absl::StatusCode::kOk), served.calls) << served.CodesText();

  ASSERT_OK_AND_ASSIGN(const absl::Duration serving_after,
                       WaitForHealth(HealthStatus::kServing, kRecoveryLimit));
  ASSERT_OK_AND_ASSIGN(const absl::Duration answering_after, FirstSuccessfulCall(victim, resumed));
  EXPECT_EQ(gateway_->start_count(), 1);
  // The writes the callers gave up on were queued in the stopped process;
  // gRPC makes no promise about them (DEADLINE_EXCEEDED is ambiguous), so
  // this is a figure, not a check.
  ASSERT_OK_AND_ASSIGN(const int64_t revision_after, CurrentRevisionOf(victim));

  std::cout << "[ figures ] " << BackendName(victim) << " hung (SIGSTOP): " << stuck.calls
            << " concurrent calls (deadline " << Millis(kDeadline) << "): " << stuck.CodesText()
            << ", slowest " << Millis(stuck.max_latency) << " (bound " << Millis(kDeadline + kSlack)
            << "); health NOT_SERVING " << Millis(health_from_hang) << " after the hang; meanwhile "
            << served.calls << " calls to " << BackendName(other) << ": " << served.CodesText()
            << ", slowest " << Millis(served.max_latency) << "\n";
  std::cout << "[ figures ] " << BackendName(victim) << " resumed (SIGCONT): gateway SERVING "
            << Millis(serving_after) << ", first call OK " << Millis(answering_after) << " later; "
            << revision_after - revision_before
            << " of the abandoned writes committed after the resume\n";
}

INSTANTIATE_TEST_SUITE_P(EachBackend, BackendDownTest,
                         ::testing::Values(Backend::kOrg, Backend::kRoster),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return std::string(BackendName(info.param));
                         });

// Waits on another thread for a stream to end, so that the service can be
// restarted meanwhile.
struct StreamEnd {
  absl::Status status;
  absl::Time at;
  std::atomic<int> items{0};

  // Polls until the stream has delivered `count` items (so it is open end
  // to end), at most `timeout`.
  bool WaitForItems(int count, absl::Duration timeout) const {
    const absl::Time give_up = absl::Now() + timeout;
    while (items.load() < count && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
    return items.load() >= count;
  }
};

// Reads events until the stream ends, counting them.
template <typename Watch>
std::thread AwaitEnd(Watch& watch, StreamEnd& end) {
  return std::thread([&watch, &end] {
    while (true) {
      auto event = watch.Next();
      if (!event.ok()) {
        end.status = event.status();
        end.at = absl::Now();
        return;
      }
      ++end.items;
    }
  });
}

// Server streams through the gateway while the service behind them goes
// away: each ends with an error when it does, long before its deadline,
// and the same stream opened again afterwards works.
TEST_F(BackendFaultsTest, StreamsEndWithAnErrorWhenTheServiceRestarts) {
  constexpr absl::Duration kStreamDeadline = absl::Seconds(60);
  constexpr absl::Duration kEndBound = absl::Seconds(10);
  const ::grassroots::org::testing::OrgClient org(channel_, kStreamDeadline);
  const RosterClient roster(channel_, kStreamDeadline);

  // The roster's event stream, past its history, when the roster is killed.
  ASSERT_OK_AND_ASSIGN(const int64_t roster_revision, DirectRoster().CurrentRevision());
  {
    auto watch = roster.Watch(roster_revision + 1, 0, kStreamDeadline);
    StreamEnd end;
    std::thread reader = AwaitEnd(*watch, end);
    const absl::Status wrote = CallServedBy(Backend::kRoster, /*write=*/true, absl::Seconds(10));
    const bool delivered = end.WaitForItems(1, absl::Seconds(10));
    const absl::Time kill = absl::Now();
    const absl::Status killed = roster_server_->Kill();
    reader.join();
    ASSERT_OK(wrote);
    ASSERT_TRUE(delivered) << "the watch did not deliver the write's event";
    ASSERT_OK(killed);
    EXPECT_FALSE(end.status.ok());
    EXPECT_LT(end.at - kill, kEndBound);
    std::cout << "[ figures ] WatchEvents (roster) when roster_service is killed: ended with "
              << CodeName(end.status.code()) << " " << Millis(end.at - kill)
              << " after the kill (deadline " << Millis(kStreamDeadline) << ")\n";
  }
  ASSERT_OK(StartAgain(Backend::kRoster));
  ASSERT_OK(WaitForHealth(HealthStatus::kServing, kRecoveryLimit).status());
  {
    ASSERT_OK_AND_ASSIGN(const int64_t now, DirectRoster().CurrentRevision());
    auto watch = roster.Watch(now + 1, 0, absl::Seconds(20));
    ASSERT_OK(CallServedBy(Backend::kRoster, /*write=*/true, absl::Seconds(10)));
    ASSERT_OK_AND_ASSIGN(const roster_v1::Event event, watch->Next());
    EXPECT_EQ(event.revision(), now + 1);
  }

  // The org's event stream when the org service stops gracefully.
  ASSERT_OK_AND_ASSIGN(const int64_t org_revision, DirectOrg().CurrentRevision());
  {
    auto watch = org.Watch(org_revision + 1, 0, kStreamDeadline);
    StreamEnd end;
    std::thread reader = AwaitEnd(*watch, end);
    const absl::Status wrote = CallServedBy(Backend::kOrg, /*write=*/true, absl::Seconds(10));
    const bool delivered = end.WaitForItems(1, absl::Seconds(10));
    const absl::Time stop = absl::Now();
    const absl::StatusOr<int> exit_code = org_server_->Stop(SIGTERM);
    reader.join();
    ASSERT_OK(wrote);
    ASSERT_TRUE(delivered) << "the watch did not deliver the write's event";
    EXPECT_THAT(exit_code, IsOkAndHolds(0));
    EXPECT_FALSE(end.status.ok());
    EXPECT_LT(end.at - stop, kEndBound);
    std::cout << "[ figures ] WatchEvents (org) when org_service stops (SIGTERM): ended with "
              << CodeName(end.status.code()) << " " << Millis(end.at - stop)
              << " after the signal\n";
  }
  ASSERT_OK(StartAgain(Backend::kOrg));
  ASSERT_OK(WaitForHealth(HealthStatus::kServing, kRecoveryLimit).status());

  // A subtree listing sent to a hung org service, which is then killed.
  {
    ASSERT_OK(org_server_->Signal(SIGSTOP));
    absl::Status listed;
    absl::Time listed_at;
    std::thread lister([&] {
      listed = org.ListDescendants(district_.district.name()).status();
      listed_at = absl::Now();
    });
    // The call is forwarded at once; the gateway takes its health probe's
    // timeout (a second) to count the hung service down, so by then the
    // call is waiting at the org service.
    const absl::StatusOr<absl::Duration> down =
        WaitForHealth(HealthStatus::kNotServing, absl::Seconds(10));
    const absl::Time kill = absl::Now();
    const absl::Status killed = org_server_->Kill();
    lister.join();
    ASSERT_OK(down.status());
    ASSERT_OK(killed);
    EXPECT_FALSE(listed.ok());
    EXPECT_LT(listed_at - kill, kEndBound);
    std::cout << "[ figures ] ListDescendants to a hung org_service, then killed: ended with "
              << CodeName(listed.code()) << " " << Millis(listed_at - kill)
              << " after the kill (deadline " << Millis(kStreamDeadline) << ")\n";
  }
  ASSERT_OK(StartAgain(Backend::kOrg));
  ASSERT_OK(WaitForHealth(HealthStatus::kServing, kRecoveryLimit).status());
  ASSERT_OK_AND_ASSIGN(const auto descendants, org.ListDescendants(district_.district.name()));
  // The sample's units below the district, and the building made above.
  EXPECT_EQ(descendants.units.size(), district_.AllUnits().size());
  EXPECT_EQ(gateway_->start_count(), 1);
}

// The roster asks the org service about every unit and organisation a
// write names; while the org service hangs, those writes fail within
// bounded time and store nothing.
TEST_F(BackendFaultsTest, AHungOrgServiceMakesRosterWritesFailWithNothingWritten) {
  const RosterClient direct = DirectRoster();
  ASSERT_OK_AND_ASSIGN(const int64_t revision_before, direct.CurrentRevision());
  ASSERT_OK_AND_ASSIGN(const auto memberships_before, direct.Memberships(inside_.resident.name()));
  // Writes that each name a unit or an organisation.
  auto write = [&](int i, absl::Duration deadline) {
    auto context = Context(deadline);
    grpc::Status status;
    switch (i % 3) {
      case 0: {
        roster_v1::AssignRoleRequest request;
        *request.mutable_role_assignment() = ::grassroots::roster::testing::NewRole(
            inside_.resident.name(), roster_v1::VOLUNTEER, inside_.building.name());
        roster_v1::RoleAssignment role;
        status = roster_->AssignRole(context.get(), request, &role);
        break;
      }
      case 1: {
        roster_v1::TransferMembershipRequest request;
        request.set_person(inside_.resident.name());
        request.set_party_org(district_.joint_branch.name());
        *request.mutable_date() = MakeDate(2024, 1, 1);
        roster_v1::Membership membership;
        status = roster_->TransferMembership(context.get(), request, &membership);
        break;
      }
      default: {
        roster_v1::CreatePersonRequest request;
        *request.mutable_person() = ::grassroots::roster::testing::NewPerson(absl::StrCat("慢", i));
        request.mutable_person()->set_residence_building(inside_.building.name());
        roster_v1::Person person;
        status = roster_->CreatePerson(context.get(), request, &person);
      }
    }
    return ToAbslStatus(status);
  };

  ASSERT_OK(org_server_->Signal(SIGSTOP));
  // Callers who give up before the roster does, then callers who wait
  // longer than the roster waits for the org service: these hear from the
  // roster itself. Once they have, every question the roster asked the
  // hung service has timed out, the first callers' too.
  constexpr absl::Duration kShort = absl::Seconds(1);
  const absl::Duration kLong = kRosterOrgDeadline + absl::Seconds(3);
  const CallTally impatient = CallConcurrently(9, [&](int i) { return write(i, kShort); });
  const CallTally patient = CallConcurrently(9, [&](int i) { return write(i, kLong); });
  const absl::Time resumed = absl::Now();
  ASSERT_OK(org_server_->Signal(SIGCONT));

  EXPECT_EQ(impatient.Count(absl::StatusCode::kDeadlineExceeded) +
                impatient.Count(absl::StatusCode::kUnavailable),
            impatient.calls)
      << impatient.CodesText();
  EXPECT_LT(impatient.max_latency, kShort + kSlack);
  EXPECT_EQ(patient.Count(absl::StatusCode::kDeadlineExceeded) +
                patient.Count(absl::StatusCode::kUnavailable),
            patient.calls)
      << patient.CodesText();
  EXPECT_GT(patient.Count(absl::StatusCode::kUnavailable), 0) << patient.CodesText();
  EXPECT_LT(patient.max_latency, kRosterOrgDeadline + kSlack);

  // Writing works again once the org service answers: the first write
  // that succeeds takes the next revision, so nothing came before it.
  ASSERT_OK(WaitForHealth(HealthStatus::kServing, kRecoveryLimit).status());
  absl::StatusOr<roster_v1::RoleAssignment> role;
  while (absl::Now() - resumed < kRecoveryLimit) {
    auto context = Context(absl::Seconds(10));
    roster_v1::AssignRoleRequest request;
    *request.mutable_role_assignment() = ::grassroots::roster::testing::NewRole(
        inside_.resident.name(), roster_v1::VOLUNTEER, inside_.building.name());
    roster_v1::RoleAssignment made;
    const grpc::Status status = roster_->AssignRole(context.get(), request, &made);
    role = status.ok() ? absl::StatusOr<roster_v1::RoleAssignment>(made) : ToAbslStatus(status);
    // UNAVAILABLE: the roster could not confirm the place, and stored nothing.
    if (role.ok() || role.status().code() != absl::StatusCode::kUnavailable) break;
    absl::SleepFor(absl::Milliseconds(20));
  }
  const absl::Duration writing_after = absl::Now() - resumed;
  ASSERT_OK(role.status());
  EXPECT_EQ(role->revision(), revision_before + 1) << "the failed writes stored something";
  ASSERT_OK_AND_ASSIGN(const auto events, direct.ListAllEvents(revision_before + 1));
  ASSERT_EQ(events.items.size(), 1u);
  EXPECT_EQ(events.items[0].resource(), role->name());
  EXPECT_THAT(direct.Memberships(inside_.resident.name()),
              IsOkAndHolds(::testing::SizeIs(memberships_before.size())));

  std::cout << "[ figures ] org_service hung, roster writes that name a place: " << impatient.calls
            << " with deadline " << Millis(kShort) << ": " << impatient.CodesText() << ", slowest "
            << Millis(impatient.max_latency) << "; " << patient.calls << " with deadline "
            << Millis(kLong) << ": " << patient.CodesText() << ", slowest "
            << Millis(patient.max_latency) << " (the roster waits " << Millis(kRosterOrgDeadline)
            << " for the org service)\n";
  std::cout << "[ figures ] after SIGCONT: nothing written (roster revision " << revision_before
            << " before, the next write got " << role->revision() << "); roster writes work again "
            << Millis(writing_after) << " after the resume\n";
}

}  // namespace
}  // namespace grassroots::reliability
