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

// A log file the gateway appends lines to. Thread-safe. Lines are
// buffered and written in batches (Flush), so that logging costs an append
// under a lock, not a write per line — unless `flush_each_line`.
class LogFile {
 public:
  // Appends to `path`; "-" for stderr; empty for nowhere.
  LogFile(const std::string& path, bool flush_each_line);
  ~LogFile();  // flushes
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  // False when `path` could not be opened.
  bool ok() const { return ok_; }
  void Append(absl::string_view line);
  void Flush();

 private:
  const bool flush_each_line_;
  bool ok_ = true;
  absl::Mutex mu_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  std::string buffer_ ABSL_GUARDED_BY(mu_);
};

class AccessLog {
 public:
  // Appends to `path`; "-" or empty for stderr.
  explicit AccessLog(const std::string& path)
      : file_(path.empty() ? "-" : path, /*flush_each_line=*/false) {}

  bool ok() const { return file_.ok(); }
  void Record(const AccessRecord& record);
  void Flush() { file_.Flush(); }

 private:
  LogFile file_;
};

// The name of a status code: "PERMISSION_DENIED".
absl::string_view StatusCodeName(int code);

// The host of a gRPC peer ("ipv4:127.0.0.1:5000" -> "ipv4:127.0.0.1"): every
// connection of one machine counts as one.
absl::string_view PeerHost(absl::string_view peer);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_ACCESS_LOG_H_
