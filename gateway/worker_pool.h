#ifndef GRASSROOTS_GATEWAY_WORKER_POOL_H_
#define GRASSROOTS_GATEWAY_WORKER_POOL_H_

// A few threads for the work that blocks — scope lookups at the services,
// aggregates — so that gRPC's callback threads never wait on a call.

#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace grassroots::gateway {

// Thread-safe.
class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  // Runs what is queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Schedule(std::function<void()> work);

 private:
  void Run();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_WORKER_POOL_H_
