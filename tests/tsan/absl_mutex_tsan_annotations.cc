// ThreadSanitizer annotations for Debian's prebuilt abseil synchronization.
//
// Linked into every executable of the GRASSROOTS_TSAN build only (see
// cmake/tsan.cmake). Debian builds libabsl_synchronization.so without
// -fsanitize=thread, so absl::Mutex, absl::CondVar and absl::Notification do
// their work in code TSan cannot see: every piece of our data guarded by an
// absl::Mutex (and all of gRPC's, whose grpc_core::Mutex and gpr_mu are
// absl::Mutex) would be reported as a race. An abseil built with TSan
// annotates these functions itself (ABSL_TSAN_MUTEX_PRE_LOCK and friends in
// mutex.cc); this file adds the same annotations around the prebuilt ones.
//
// How: the executable defines the exported member functions itself. A
// definition in the executable takes precedence over the shared library's,
// for calls from our code and for calls from the shared libraries (gRPC,
// libabsl_synchronization itself, which calls Mutex::Lock through its PLT),
// as long as the executable exports the symbols (cmake/tsan.cmake passes a
// dynamic list). Each definition tells TSan what happens and calls the real
// function, found with dlsym(RTLD_NEXT, mangled name).
//
// Functions left alone on purpose: CondVar::Signal/SignalAll (abseil's own
// TSan build adds no happens-before edge there either; the edge is the mutex
// the waiter reacquires), the *WithTimeout forms (the prebuilt ones call the
// *WithDeadline ones through the PLT, so they reach the definitions below),
// the inline ones (WriterLock, MutexLock...) which call the ones below, and
// the internal slow paths, which run inside the calls below.

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "absl/base/config.h"
#include "absl/base/options.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

#if !defined(ABSL_HAVE_THREAD_SANITIZER)
#error "absl_mutex_tsan_annotations.cc belongs only in the ThreadSanitizer build"
#endif

// The mangled names below carry abseil's inline namespace; a different
// abseil needs them updated (the static_assert says so at compile time).
#define GRASSROOTS_TSAN_STR2(x) #x
#define GRASSROOTS_TSAN_STR(x) GRASSROOTS_TSAN_STR2(x)
static_assert(std::string_view(GRASSROOTS_TSAN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME)) == "debian3",
              "abseil's inline namespace changed: update the mangled names in this file");
#define ABSL_MANGLED(rest) "_ZN4absl7debian3" rest
#define ABSL_MANGLED_CONST(rest) "_ZNK4absl7debian3" rest

namespace {

// The real function behind `mangled` in the next object after this one
// (libabsl_synchronization.so). Aborts if there is none: running on without
// the real function would deadlock or corrupt memory.
void* RealFunction(const char* mangled) {
  void* function = dlsym(RTLD_NEXT, mangled);
  if (function == nullptr) {
    std::fprintf(stderr, "absl_mutex_tsan_annotations: no %s after the executable: %s\n", mangled,
                 dlerror());
    std::abort();
  }
  return function;
}

// Looked up on the first call: shared libraries' static constructors (gRPC,
// protobuf) lock mutexes before this executable's constructors run.
#define REAL(type, mangled) static const auto real = reinterpret_cast<type>(RealFunction(mangled))

// abseil's Mutex word has this bit set while the mutex is held exclusively
// (kMuWriter in absl/synchronization/mutex.cc). CondVar::Wait and Await do
// not say in which mode the caller holds the mutex; TSan needs to know.
constexpr intptr_t kMuWriter = 0x0008;

unsigned HeldModeFlags(intptr_t mutex_word) {
  return (mutex_word & kMuWriter) != 0 ? 0u : unsigned{__tsan_mutex_read_lock};
}

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

static_assert(sizeof(Mutex) == sizeof(intptr_t), "Mutex is one word in this abseil");

Mutex::~Mutex() {
  REAL(void (*)(Mutex*), ABSL_MANGLED("5MutexD1Ev"));
  real(this);
  __tsan_mutex_destroy(this, __tsan_mutex_not_static);
}

void Mutex::Lock() {
  REAL(void (*)(Mutex*), ABSL_MANGLED("5Mutex4LockEv"));
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLock() {
  REAL(void (*)(Mutex*), ABSL_MANGLED("5Mutex10ReaderLockEv"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

bool Mutex::TryLock() {
  REAL(bool (*)(Mutex*), ABSL_MANGLED("5Mutex7TryLockEv"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_try_lock);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, __tsan_mutex_try_lock | (locked ? 0 : __tsan_mutex_try_lock_failed),
                         0);
  return locked;
}

bool Mutex::ReaderTryLock() {
  REAL(bool (*)(Mutex*), ABSL_MANGLED("5Mutex13ReaderTryLockEv"));
  constexpr unsigned kFlags = __tsan_mutex_read_lock | __tsan_mutex_try_lock;
  __tsan_mutex_pre_lock(this, kFlags);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, kFlags | (locked ? 0 : __tsan_mutex_try_lock_failed), 0);
  return locked;
}

// The unlocking thread may evaluate waiters' Conditions (our code) inside
// the real Unlock; between pre_unlock and post_unlock TSan ignores them, as
// in abseil's own TSan build: they run with the mutex held.
void Mutex::Unlock() {
  REAL(void (*)(Mutex*), ABSL_MANGLED("5Mutex6UnlockEv"));
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

void Mutex::ReaderUnlock() {
  REAL(void (*)(Mutex*), ABSL_MANGLED("5Mutex12ReaderUnlockEv"));
  __tsan_mutex_pre_unlock(this, __tsan_mutex_read_lock);
  real(this);
  __tsan_mutex_post_unlock(this, __tsan_mutex_read_lock);
}

void Mutex::LockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), ABSL_MANGLED("5Mutex8LockWhenERKNS0_9ConditionE"));
  __tsan_mutex_pre_lock(this, 0);
  real(this, cond);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::ReaderLockWhen(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&),
       ABSL_MANGLED("5Mutex14ReaderLockWhenERKNS0_9ConditionE"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  real(this, cond);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
}

// The timed forms hold the mutex on return whether or not the condition
// became true. Only the deadline forms are defined here: the prebuilt
// *WithTimeout forms call them through the PLT, so they reach these (and
// defining both would annotate one call twice).
bool Mutex::LockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       ABSL_MANGLED("5Mutex20LockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  __tsan_mutex_pre_lock(this, 0);
  const bool became_true = real(this, cond, deadline);
  __tsan_mutex_post_lock(this, 0, 0);
  return became_true;
}

bool Mutex::ReaderLockWhenWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       ABSL_MANGLED("5Mutex26ReaderLockWhenWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  __tsan_mutex_pre_lock(this, __tsan_mutex_read_lock);
  const bool became_true = real(this, cond, deadline);
  __tsan_mutex_post_lock(this, __tsan_mutex_read_lock, 0);
  return became_true;
}

// Await releases the mutex while it waits (unless the condition already
// holds) and reacquires it before returning. Told to TSan as an unlock
// before and a lock after; if the real call never released it, no other
// thread can have locked it in between, so TSan learns no false edge.
bool Mutex::AwaitWithDeadline(const Condition& cond, absl::Time deadline) {
  REAL(bool (*)(Mutex*, const Condition&, absl::Time),
       ABSL_MANGLED("5Mutex17AwaitWithDeadlineERKNS0_9ConditionENS0_4TimeE"));
  const unsigned flags = HeldModeFlags(mu_.load(std::memory_order_relaxed));
  __tsan_mutex_pre_unlock(this, flags);
  const bool became_true = real(this, cond, deadline);
  __tsan_mutex_post_unlock(this, flags);
  __tsan_mutex_pre_lock(this, flags);
  __tsan_mutex_post_lock(this, flags, 0);
  return became_true;
}

void Mutex::Await(const Condition& cond) {
  REAL(void (*)(Mutex*, const Condition&), ABSL_MANGLED("5Mutex5AwaitERKNS0_9ConditionE"));
  const unsigned flags = HeldModeFlags(mu_.load(std::memory_order_relaxed));
  __tsan_mutex_pre_unlock(this, flags);
  real(this, cond);
  __tsan_mutex_post_unlock(this, flags);
  __tsan_mutex_pre_lock(this, flags);
  __tsan_mutex_post_lock(this, flags, 0);
}

// Called from libabsl_synchronization itself and from gRPC; the same body as
// abseil's, so that the Unlock goes through the annotated one above.
void ReleasableMutexLock::Release() {
  if (mu_ == nullptr) {
    std::fprintf(stderr, "ReleasableMutexLock::Release may only be called once\n");
    std::abort();
  }
  mu_->Unlock();
  mu_ = nullptr;
}

// CondVar waits release the mutex and reacquire it before returning, like
// Await. WaitWithTimeout calls WaitWithDeadline through the PLT.
void CondVar::Wait(Mutex* mu) {
  REAL(void (*)(CondVar*, Mutex*), ABSL_MANGLED("7CondVar4WaitEPNS0_5MutexE"));
  const unsigned flags = HeldModeFlags(mu->mu_.load(std::memory_order_relaxed));
  __tsan_mutex_pre_unlock(mu, flags);
  real(this, mu);
  __tsan_mutex_post_unlock(mu, flags);
  __tsan_mutex_pre_lock(mu, flags);
  __tsan_mutex_post_lock(mu, flags, 0);
}

bool CondVar::WaitWithDeadline(Mutex* mu, absl::Time deadline) {
  REAL(bool (*)(CondVar*, Mutex*, absl::Time),
       ABSL_MANGLED("7CondVar16WaitWithDeadlineEPNS0_5MutexENS0_4TimeE"));
  const unsigned flags = HeldModeFlags(mu->mu_.load(std::memory_order_relaxed));
  __tsan_mutex_pre_unlock(mu, flags);
  const bool timed_out = real(this, mu, deadline);
  __tsan_mutex_post_unlock(mu, flags);
  __tsan_mutex_pre_lock(mu, flags);
  __tsan_mutex_post_lock(mu, flags, 0);
  return timed_out;
}

// Notification: the notifier stores `notified_yet_` and the waiter may see
// it without touching the mutex (the fast path of WaitForNotification, and
// HasBeenNotified(), whose acquire load is inlined into our instrumented
// code). So the edge is a release on &notified_yet_ before the store and an
// acquire on it once the waiter has seen it: TSan pairs an instrumented
// acquire load of that address with this release too.
void Notification::Notify() {
  REAL(void (*)(Notification*), ABSL_MANGLED("12Notification6NotifyEv"));
  __tsan_release(&notified_yet_);
  real(this);
}

void Notification::WaitForNotification() const {
  REAL(void (*)(const Notification*), ABSL_MANGLED_CONST("12Notification19WaitForNotificationEv"));
  real(this);
  __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
}

bool Notification::WaitForNotificationWithTimeout(absl::Duration timeout) const {
  REAL(bool (*)(const Notification*, absl::Duration),
       ABSL_MANGLED_CONST("12Notification30WaitForNotificationWithTimeoutENS0_8DurationE"));
  const bool notified = real(this, timeout);
  if (notified) __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
  return notified;
}

bool Notification::WaitForNotificationWithDeadline(absl::Time deadline) const {
  REAL(bool (*)(const Notification*, absl::Time),
       ABSL_MANGLED_CONST("12Notification31WaitForNotificationWithDeadlineENS0_4TimeE"));
  const bool notified = real(this, deadline);
  if (notified) __tsan_acquire(const_cast<std::atomic<bool>*>(&notified_yet_));
  return notified;
}

ABSL_NAMESPACE_END
}  // namespace absl

// Defaults for every binary of the build, so that a server started by a test
// (or by hand) stops at its first report and skips only the third-party
// frames listed in the suppressions file. TSAN_OPTIONS overrides each.
extern "C" const char* __tsan_default_options() {
  return "halt_on_error=1:second_deadlock_stack=1:suppressions=" GRASSROOTS_TSAN_SUPPRESSIONS;
}
