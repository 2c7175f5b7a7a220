#ifndef GRASSROOTS_COMMON_UNARY_REACTOR_H_
#define GRASSROOTS_COMMON_UNARY_REACTOR_H_

// Small helpers for thin callback-API handlers: answer a unary call from a
// status, from a result, or later, when a write has been made durable.

#include <grpcpp/grpcpp.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/grpc_status.h"

namespace grassroots {

inline grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* context,
                                        const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Finishes with `result`, written into the response by `fill` when OK.
template <typename T, typename Fill>
grpc::ServerUnaryReactor* FinishWith(grpc::CallbackServerContext* context,
                                     const absl::StatusOr<T>& result, Fill fill) {
  if (result.ok()) fill(*result);
  return Finish(context, result.status());
}

// A write callback that answers the call once the core has made the write
// durable: `fill(result)` writes the response.
template <typename T, typename Fill>
std::function<void(absl::StatusOr<T>)> AnswerWhenDone(grpc::ServerUnaryReactor* reactor,
                                                      Fill fill) {
  return [reactor, fill = std::move(fill)](absl::StatusOr<T> result) {
    if (result.ok()) fill(*result);
    reactor->Finish(ToGrpcStatus(result.status()));
  };
}

// Parses each of `names` with `parse(name, "names")`; the first error wins.
template <typename Names>
absl::StatusOr<std::vector<int64_t>> ParseNames(
    const Names& names, absl::StatusOr<int64_t> (*parse)(absl::string_view, absl::string_view)) {
  std::vector<int64_t> ids;
  ids.reserve(names.size());
  for (const std::string& name : names) {
    absl::StatusOr<int64_t> id = parse(name, "names");
    if (!id.ok()) return id.status();
    ids.push_back(*id);
  }
  return ids;
}

// Fills one refused row of an import's answer (an ImportIssueError, an
// ImportAttendanceError: `row`, `field`, `message`) from the row's status,
// whose message starts with the field it names ("issues[3].title: ...").
template <typename RowError>
void SetRowError(int row, const absl::Status& status, RowError* error) {
  error->set_row(row);
  const absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (colon != absl::string_view::npos &&
      message.substr(0, colon).find(' ') == absl::string_view::npos) {
    error->set_field(std::string(message.substr(0, colon)));
  }
  error->set_message(std::string(message));
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_UNARY_REACTOR_H_
