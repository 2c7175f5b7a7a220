#ifndef GRASSROOTS_COMMON_EVENT_STREAM_H_
#define GRASSROOTS_COMMON_EVENT_STREAM_H_

// The WatchEvents stream every service of the suite serves, and a stream
// that fails before it starts (either way).

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/grpc_status.h"

namespace grassroots {

// A server stream that fails at once with `status`.
template <typename Response>
class FailedWriter final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit FailedWriter(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

// A client stream that fails at once with `status`, reading nothing.
template <typename Request>
class FailedReader final : public grpc::ServerReadReactor<Request> {
 public:
  explicit FailedReader(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

// Streams events from a (revision, index) on: first what is stored, then each
// batch the source publishes; the source wakes it on every publish.
//
// `Source` has ReadEvents(revision, index, limit), Watch(callback),
// Unwatch(handle) and stopped(), as the services' cores do. `Response` has
// `repeated Event events`; `fill` writes one event into it.
template <typename Source, typename Response, typename EventT>
class EventWatcher final : public grpc::ServerWriteReactor<Response> {
 public:
  using Fill = std::function<void(const EventT&, Response*)>;

  EventWatcher(Source* source, int64_t revision, int32_t index, Fill fill)
      : source_(source), fill_(std::move(fill)), next_revision_(revision), next_index_(index) {
    // Watch before the first read, so that no publish falls between them.
    handle_ = source_->Watch([this] { Wake(); });
    Wake();
  }
  void OnWriteDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    writing_ = false;
    if (!ok) {
      return FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "the stream was cancelled"));
    }
    WriteIfReady();
  }
  void OnCancel() override {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    if (!writing_) FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
  }
  void OnDone() override {
    source_->Unwatch(handle_);
    delete this;
  }

 private:
  static constexpr int kBatch = 500;

  void Wake() {
    absl::MutexLock lock(&mu_);
    if (!writing_) WriteIfReady();
  }

  void WriteIfReady() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    // Every call must be finished, a cancelled one too, or OnDone never comes.
    if (cancelled_) {
      return FinishOnce(grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
    }
    if (source_->stopped()) {
      return FinishOnce(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                     "the service is shutting down; resume from the next event"));
    }
    absl::StatusOr<std::vector<EventT>> events =
        source_->ReadEvents(next_revision_, next_index_, kBatch);
    if (!events.ok()) return FinishOnce(ToGrpcStatus(events.status()));
    if (events->empty()) return;  // wait for the next publish
    response_.Clear();
    for (const EventT& event : *events) fill_(event, &response_);
    next_revision_ = events->back().revision;
    next_index_ = events->back().index + 1;
    writing_ = true;
    this->StartWrite(&response_);
  }

  void FinishOnce(const grpc::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    this->Finish(status);
  }

  Source* const source_;
  const Fill fill_;
  int handle_ = 0;
  absl::Mutex mu_;
  int64_t next_revision_ ABSL_GUARDED_BY(mu_);
  int32_t next_index_ ABSL_GUARDED_BY(mu_);
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  Response response_ ABSL_GUARDED_BY(mu_);
};

// Starts a WatchEvents stream for a request with start_revision and
// start_index; start_revision 0 means "only what comes next".
template <typename EventT, typename Source, typename Response, typename Request>
grpc::ServerWriteReactor<Response>* StartEventWatch(
    Source* source, const Request& request,
    typename EventWatcher<Source, Response, EventT>::Fill fill) {
  if (request.start_revision() < 0 || request.start_index() < 0) {
    return new FailedWriter<Response>(
        absl::InvalidArgumentError("start_revision: and start_index must not be negative"));
  }
  int64_t revision = request.start_revision();
  int32_t index = request.start_index();
  if (revision == 0) {
    revision = source->published_revision() + 1;
    index = 0;
  }
  return new EventWatcher<Source, Response, EventT>(source, revision, index, std::move(fill));
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_EVENT_STREAM_H_
