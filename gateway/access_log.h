#ifndef GRASSROOTS_GATEWAY_ACCESS_LOG_H_
#define GRASSROOTS_GATEWAY_ACCESS_LOG_H_

// One line per call: when, who, which method, the status code, how long,
// and the request id. Never a token, a message or a request's contents, so
// no personal data can reach the log.

#include <cstdio>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace grassroots::gateway {

struct AccessRecord {
  absl::Time start;
  absl::string_view principal;  // "-" before authentication
  absl::string_view method;     // "OrgService.GetUnit" or the full path
  int code = 0;                 // grpc::StatusCode
  absl::Duration latency;
  absl::string_view request_id;
};

// Thread-safe. Lines are buffered and written in batches (Flush), so that
// logging costs a formatted append under a lock, not a write per call.
class AccessLog {
 public:
  // Appends to `path`; "-" or empty for stderr.
  explicit AccessLog(const std::string& path);
  ~AccessLog();  // flushes
  AccessLog(const AccessLog&) = delete;
  AccessLog& operator=(const AccessLog&) = delete;

  bool ok() const { return file_ != nullptr; }
  void Record(const AccessRecord& record);
  void Flush();

 private:
  absl::Mutex mu_;
  std::FILE* file_;
  bool owned_;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
};

// The name of a status code: "PERMISSION_DENIED".
absl::string_view StatusCodeName(int code);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_ACCESS_LOG_H_
