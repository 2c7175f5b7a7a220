// Self-check of the ThreadSanitizer build (tests/tsan/CMakeLists.txt).
//
//   tsan_selfcheck SCENARIO
//
// Each scenario hands plain (non-atomic) data between threads. In
// `racy_counter` nothing orders the accesses: TSan must report it, which
// shows TSan is on. In the others an absl primitive orders them: built with
// absl_mutex_tsan_annotations.cc they must run clean, which shows the
// annotations work; built without them (tsan_selfcheck_unannotated) TSan
// must report them, which shows that a clean run is the annotations' doing
// and not a scenario that could never fail.
//
// Exit code 0 when the scenario ran and its data came out right, 1 when the
// data came out wrong, 2 for an unknown scenario; TSan's own exit code when
// it reports.

#include <atomic>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace {

constexpr int kIncrements = 2000;

// The data handed over; plain members, so every access is instrumented.
struct Payload {
  int number = 0;
  std::string text;
};

bool RacyCounter() {
  int counter = 0;
  auto increment = [&counter] {
    for (int i = 0; i < kIncrements; ++i) ++counter;
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  return counter > 0;
}

bool MutexCounter() {
  absl::Mutex mu;
  int counter = 0;
  auto increment = [&] {
    for (int i = 0; i < kIncrements; ++i) {
      absl::MutexLock lock(&mu);
      ++counter;
    }
  };
  std::thread a(increment), b(increment);
  a.join();
  b.join();
  absl::MutexLock lock(&mu);
  return counter == 2 * kIncrements;
}

// A writer under Lock (and TryLock), readers under ReaderLock and
// ReaderTryLock.
bool ReaderWriter() {
  absl::Mutex mu;
  Payload payload;
  std::thread writer([&] {
    for (int i = 1; i <= kIncrements; ++i) {
      if (i % 2 == 0 && mu.TryLock()) {
        payload.number = i;
        mu.Unlock();
        continue;
      }
      absl::WriterMutexLock lock(&mu);
      payload.number = i;
    }
  });
  std::vector<std::thread> readers;
  std::vector<int> seen(2, 0);
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&, r] {
      for (int i = 0; i < kIncrements; ++i) {
        if (i % 2 == 0 && mu.ReaderTryLock()) {
          seen[r] = std::max(seen[r], payload.number);
          mu.ReaderUnlock();
          continue;
        }
        absl::ReaderMutexLock lock(&mu);
        seen[r] = std::max(seen[r], payload.number);
      }
    });
  }
  writer.join();
  for (std::thread& reader : readers) reader.join();
  return payload.number == kIncrements && seen[0] <= kIncrements && seen[1] <= kIncrements;
}

// The producer writes the payload and signals; the consumer waits on the
// CondVar (untimed and timed) and reads it.
bool CondVarHandoff() {
  absl::Mutex mu;
  absl::CondVar ready_cv;
  bool ready = false;
  bool second_ready = false;
  Payload payload;
  std::thread producer([&] {
    {
      absl::MutexLock lock(&mu);
      payload.number = 42;
      payload.text = "社区";
      ready = true;
      ready_cv.Signal();
    }
    absl::MutexLock lock(&mu);
    payload.number = 43;
    second_ready = true;
    ready_cv.SignalAll();
  });
  bool right = true;
  {
    absl::MutexLock lock(&mu);
    while (!ready) ready_cv.Wait(&mu);
    right = right && payload.text == "社区";
    while (!second_ready) ready_cv.WaitWithTimeout(&mu, absl::Milliseconds(5));
    right = right && payload.number == 43;
  }
  producer.join();
  return right;
}

// Three threads take turns through conditions on `stage`: LockWhen and
// Await forms, timed and untimed, writer and reader.
bool AwaitHandoff() {
  absl::Mutex mu;
  int stage = 0;
  Payload payload;
  struct StageIs {
    bool Reached() const { return *stage == wanted; }
    const int* stage;
    int wanted;
  };
  const StageIs one{&stage, 1}, two{&stage, 2}, three{&stage, 3};
  std::thread producer([&] {
    {
      absl::MutexLock lock(&mu);
      payload.text = "小区";
      stage = 1;
    }
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(&two, &StageIs::Reached));
    payload.number = 7;
    stage = 3;
  });
  int reader_saw = 0;
  std::thread reader([&] {
    if (!mu.ReaderLockWhenWithTimeout(absl::Condition(&three, &StageIs::Reached),
                                      absl::Seconds(60))) {
      mu.ReaderUnlock();
      return;
    }
    reader_saw = payload.text == "楼栋" ? payload.number : -1;
    mu.ReaderUnlock();
  });
  bool right = mu.LockWhenWithTimeout(absl::Condition(&one, &StageIs::Reached), absl::Seconds(60));
  right = right && payload.text == "小区";
  payload.text = "楼栋";
  stage = 2;
  right = mu.AwaitWithTimeout(absl::Condition(&three, &StageIs::Reached), absl::Seconds(60)) &&
          right && payload.number == 7;
  mu.Unlock();
  producer.join();
  reader.join();
  return right && reader_saw == 7;
}

// The notifier writes the payload and notifies; the waiter blocks in
// WaitForNotification, or polls HasBeenNotified (the acquire load inlined
// into this instrumented code), or waits with a timeout. One waiter per
// scenario, so that the unannotated build shows each way is needed.
enum class NotificationWait { kBlocking, kPolling, kTimed };

bool NotificationHandoff(NotificationWait wait) {
  absl::Notification notification;
  Payload payload;
  int seen = 0;
  std::thread waiter([&] {
    switch (wait) {
      case NotificationWait::kBlocking:
        notification.WaitForNotification();
        break;
      case NotificationWait::kPolling:
        while (!notification.HasBeenNotified()) std::this_thread::yield();
        break;
      case NotificationWait::kTimed:
        while (!notification.WaitForNotificationWithTimeout(absl::Milliseconds(5))) {
        }
        break;
    }
    seen = payload.number;
  });
  payload.number = 11;
  notification.Notify();
  waiter.join();
  return seen == 11;
}

// One absl::Status with a message, copied into a second thread as it
// starts. The reader copies the message out and drops its copy; only then
// (seen through a relaxed flag, which orders nothing for TSan) does the
// owner drop the last copy, which deletes the shared StatusRep. Nothing but
// the reference count orders the reader's copy before that delete. No absl
// mutex here, so that the unannotated build reports this and nothing else.
bool StatusHandoff() {
  absl::Status owner = absl::FailedPreconditionError("楼栋 3 has no party group");
  std::atomic<bool> reader_done{false};
  std::string read_message;
  std::thread reader([&, copy = owner]() mutable {
    read_message = std::string(copy.message());
    copy = absl::OkStatus();
    reader_done.store(true, std::memory_order_relaxed);
  });
  while (!reader_done.load(std::memory_order_relaxed)) std::this_thread::yield();
  owner = absl::OkStatus();
  reader.join();
  return read_message == "楼栋 3 has no party group";
}

}  // namespace

int main(int argc, char** argv) {
  const std::map<std::string, std::function<bool()>> scenarios = {
      {"racy_counter", RacyCounter},
      {"mutex_counter", MutexCounter},
      {"reader_writer", ReaderWriter},
      {"condvar_handoff", CondVarHandoff},
      {"await_handoff", AwaitHandoff},
      {"status_handoff", StatusHandoff},
      {"notification_wait", [] { return NotificationHandoff(NotificationWait::kBlocking); }},
      {"notification_poll", [] { return NotificationHandoff(NotificationWait::kPolling); }},
      {"notification_timed_wait", [] { return NotificationHandoff(NotificationWait::kTimed); }},
  };
  const auto scenario = argc == 2 ? scenarios.find(argv[1]) : scenarios.end();
  if (scenario == scenarios.end()) {
    std::cerr << "usage: " << argv[0] << " SCENARIO; scenarios:";
    for (const auto& [name, unused] : scenarios) std::cerr << ' ' << name;
    std::cerr << '\n';
    return 2;
  }
  if (!scenario->second()) {
    std::cerr << scenario->first << ": the data came out wrong\n";
    return 1;
  }
  std::cout << scenario->first << ": ran\n";
  return 0;
}
