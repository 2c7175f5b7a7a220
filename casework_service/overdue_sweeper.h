#ifndef GRASSROOTS_CASEWORK_SERVICE_OVERDUE_SWEEPER_H_
#define GRASSROOTS_CASEWORK_SERVICE_OVERDUE_SWEEPER_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "casework_service/casework_core.h"

namespace grassroots::casework {

// Runs CaseworkCore::SweepOverdue every `interval` on a thread of its own,
// and again at once while a sweep escalated a full batch. A sweep is a
// write like any other (queued with the writer, committed durably), so
// stopping, crashing or restarting between sweeps loses or repeats
// nothing: an escalated issue has its next due time in the same
// transaction.
//
// Thread-safe; Start and Stop are called by the owner.
class OverdueSweeper {
 public:
  static constexpr int kBatch = 1000;

  OverdueSweeper(CaseworkCore* core, absl::Duration interval) : core_(core), interval_(interval) {}
  ~OverdueSweeper() { Stop(); }
  OverdueSweeper(const OverdueSweeper&) = delete;
  OverdueSweeper& operator=(const OverdueSweeper&) = delete;

  void Start();
  // Waits for a sweep in flight to be answered, then ends the thread.
  void Stop();

 private:
  void Run();

  CaseworkCore* const core_;
  const absl::Duration interval_;
  std::thread thread_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_OVERDUE_SWEEPER_H_
