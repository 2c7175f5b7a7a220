#include "casework_service/overdue_sweeper.h"

#include <cstdio>
#include <memory>
#include <string>

namespace grassroots::casework {

void OverdueSweeper::Start() {
  thread_ = std::thread([this] { Run(); });
}

void OverdueSweeper::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void OverdueSweeper::Run() {
  while (true) {
    // One sweep, waited for: its answer comes on the writer thread.
    struct Answer {
      absl::Mutex mu;
      bool done ABSL_GUARDED_BY(mu) = false;
      absl::StatusOr<int> result ABSL_GUARDED_BY(mu) = 0;
    };
    auto answer = std::make_shared<Answer>();
    core_->SweepOverdue(kBatch, [answer](absl::StatusOr<int> result) {
      absl::MutexLock lock(&answer->mu);
      answer->result = std::move(result);
      answer->done = true;
    });
    bool full_batch = false;
    {
      absl::MutexLock lock(&answer->mu);
      answer->mu.Await(absl::Condition(&answer->done));
      if (!answer->result.ok()) {
        // Nothing was written; the next sweep tries again. Messages of the
        // core carry no personal data.
        std::fprintf(stderr, "casework_service: a sweep of overdue issues failed: %s\n",
                     std::string(answer->result.status().message()).c_str());
      } else {
        full_batch = *answer->result >= kBatch;
      }
    }
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (full_batch) continue;
    if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), interval_)) return;
  }
}

}  // namespace grassroots::casework
