#ifndef GRASSROOTS_TESTS_TESTING_WATCH_STREAM_H_
#define GRASSROOTS_TESTS_TESTING_WATCH_STREAM_H_

// A reader of any service's WatchEvents stream (a template, so it stays in
// its header).

#include <deque>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::testing {

// Reads a WatchEvents stream event by event; `Response` has
// `repeated Event events`. The deadline given at the start bounds every
// wait; the destructor cancels a call still open.
template <typename Response>
class WatchStream {
 public:
  using Event = std::decay_t<decltype(std::declval<Response>().events(0))>;

  // `open` starts the call on the context it is given.
  WatchStream(absl::Duration timeout,
              const std::function<std::unique_ptr<grpc::ClientReaderInterface<Response>>(
                  grpc::ClientContext*)>& open)
      : context_(NewClientContext(timeout)), reader_(open(context_.get())) {}
  ~WatchStream() { (void)Cancel(); }
  WatchStream(const WatchStream&) = delete;
  WatchStream& operator=(const WatchStream&) = delete;

  // The next event, in stream order. An error when the stream ends (with its
  // status, or INTERNAL when it ended OK) or the deadline passes.
  absl::StatusOr<Event> Next() {
    constexpr int kMaxEmptyBatches = 100000;  // keep-alives, if a server sends them
    for (int empty = 0; pending_.empty(); ++empty) {
      if (finished_ || empty >= kMaxEmptyBatches) {
        return absl::InternalError("the watch stream has ended");
      }
      Response batch;
      if (!reader_->Read(&batch)) {
        finished_ = true;
        final_status_ = reader_->Finish();
        if (!final_status_.ok()) return ToAbslStatus(final_status_);
        return absl::InternalError("the watch stream ended with OK");
      }
      for (Event& event : *batch.mutable_events()) pending_.push_back(std::move(event));
    }
    Event event = std::move(pending_.front());
    pending_.pop_front();
    return event;
  }

  // Reads `count` events.
  absl::StatusOr<std::vector<Event>> Take(int count) {
    std::vector<Event> events;
    for (int i = 0; i < count; ++i) {
      absl::StatusOr<Event> event = Next();
      if (!event.ok()) {
        return absl::Status(
            event.status().code(),
            absl::StrCat("after ", i, " of ", count, " events: ", event.status().message()));
      }
      events.push_back(*std::move(event));
    }
    return events;
  }

  // Cancels the call (events received but not taken are dropped) and returns
  // its final status; the status of the earlier end when it had ended.
  grpc::Status Cancel() {
    if (!finished_) {
      finished_ = true;
      context_->TryCancel();
      Response ignored;
      for (int i = 0; i < 100000 && reader_->Read(&ignored); ++i) {
      }
      final_status_ = reader_->Finish();
    }
    pending_.clear();
    return final_status_;
  }

 private:
  std::unique_ptr<grpc::ClientContext> context_;
  std::unique_ptr<grpc::ClientReaderInterface<Response>> reader_;
  std::deque<Event> pending_;
  bool finished_ = false;
  grpc::Status final_status_;
};

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_WATCH_STREAM_H_
