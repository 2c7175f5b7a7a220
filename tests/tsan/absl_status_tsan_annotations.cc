// ThreadSanitizer view of absl::Status's reference count, for the
// GRASSROOTS_TSAN build only (linked into every executable with
// absl_mutex_tsan_annotations.cc; see cmake/tsan.cmake).
//
// A Status with a message shares one heap StatusRep between its copies; the
// last copy to go deletes it. The count is decremented in
// Status::UnrefNonInlined, inside Debian's libabsl_status.so, which is built
// without TSan: TSan sees the delete but not the acq_rel decrement that
// orders every other copy's reads before it. So a Status handed between
// threads (the commit engine's writer thread answers each write with one,
// and gRPC 1.51's errors are Status too) is reported as a race between a
// reader's copy of the message and the delete.
//
// This file defines UnrefNonInlined in the executable, where it takes
// precedence over the library's for every caller (the executable exports it,
// tests/tsan/absl_sync_exports.list), with the body of abseil 20220623's
// (absl/status/status.cc) compiled with TSan, so that the decrement's
// happens-before edge is seen. The increments (Status::Ref, inline, relaxed)
// carry no edge and need nothing.

#include <atomic>
#include <cstdint>
#include <string_view>

#include "absl/base/config.h"
#include "absl/base/options.h"
#include "absl/status/status.h"

#if !defined(ABSL_HAVE_THREAD_SANITIZER)
#error "absl_status_tsan_annotations.cc belongs only in the ThreadSanitizer build"
#endif

#define GRASSROOTS_TSAN_STR2(x) #x
#define GRASSROOTS_TSAN_STR(x) GRASSROOTS_TSAN_STR2(x)
// The body below is abseil 20220623's; another abseil may lay out StatusRep
// or count differently.
static_assert(std::string_view(GRASSROOTS_TSAN_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME)) == "debian3",
              "another abseil: check Status::UnrefNonInlined against its status.cc");

namespace absl {
ABSL_NAMESPACE_BEGIN

void Status::UnrefNonInlined(uintptr_t rep) {
  status_internal::StatusRep* r = RepToPointer(rep);
  // Fast path: if ref==1, there is no need for a RefCountDec (since this is
  // the only reference and therefore no other thread is allowed to be
  // mucking with r). (abseil's comment.)
  if (r->ref.load(std::memory_order_acquire) == 1 ||
      r->ref.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) {
    delete r;
  }
}

ABSL_NAMESPACE_END
}  // namespace absl
