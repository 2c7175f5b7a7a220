#ifndef GRASSROOTS_GATEWAY_SECURITY_LOG_H_
#define GRASSROOTS_GATEWAY_SECURITY_LOG_H_

// What an operator watches for attacks, apart from the access log: one line
// per refused call — who (the principal, or the peer when no token was
// recognised), which method, which resource, the code and the reason — and
// one per uniqueness conflict (an answer that a value is taken, which a
// principal probing for ID-card numbers collects); and counts of both per
// principal since the gateway started, which GatewayService.
// ListSecurityCounters serves.
//
// Reasons pass through RedactPersonalData, so the log never holds an ID-card
// or phone number; the gateway's messages never hold a token.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gateway/access_log.h"

namespace grassroots::gateway {

struct SecurityEvent {
  absl::Time time;
  absl::string_view principal;  // "-" when no token was recognised
  absl::string_view peer;       // "ipv4:127.0.0.1:50312"
  absl::string_view method;     // "RosterService.CreatePerson"
  int code = 0;                 // grpc::StatusCode
  absl::string_view resource;   // what the request named, "-" when unknown
  absl::string_view reason;     // the status message
};

// One principal's (or, for failed authentications, one peer host's) counts.
struct SecurityCounters {
  std::string who;  // the principal, or "peer:<host>" when unauthenticated
  int64_t unauthenticated = 0;
  int64_t permission_denied = 0;
  int64_t rate_limited = 0;  // RESOURCE_EXHAUSTED: rate limits, rations
  int64_t uniqueness_conflicts = 0;
  absl::Time last = absl::InfinitePast();
};

// Thread-safe.
class SecurityLog {
 public:
  // Appends to `path` ("-" for stderr; empty keeps the counts but writes
  // no lines).
  explicit SecurityLog(const std::string& path);

  bool ok() const { return file_.ok(); }

  // Whether a call that ended with `code` is one to record: UNAUTHENTICATED,
  // PERMISSION_DENIED, RESOURCE_EXHAUSTED or ALREADY_EXISTS.
  static bool Records(int code);

  // Records `event` when Records(event.code): a line, written out at once,
  // and a count.
  void Record(const SecurityEvent& event);

  // The counts, most recent first.
  std::vector<SecurityCounters> Counters() const;
  absl::Time since() const { return since_; }

 private:
  // Beyond this many principals and peers, counts go to "other" (a spray
  // of addresses must not grow memory without bound).
  static constexpr size_t kMaxKeys = 10000;

  LogFile file_;
  const absl::Time since_ = absl::Now();
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, SecurityCounters> counters_ ABSL_GUARDED_BY(mu_);
};

// How a call through the gateway ended, for both logs.
struct CallOutcome {
  absl::Time start;
  absl::string_view principal;  // "-" when no token was recognised
  absl::string_view peer;
  absl::string_view method;
  int code = 0;
  absl::string_view request_id;
  absl::string_view resource;  // what the request named, when known
  absl::string_view reason;    // the status message
};

// The access log, which has every call, and the security log, which has
// the refusals and conflicts. Neither owned.
class CallLogs {
 public:
  CallLogs(AccessLog* access, SecurityLog* security) : access_(access), security_(security) {}
  void Record(const CallOutcome& call) const;

 private:
  AccessLog* const access_;
  SecurityLog* const security_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_SECURITY_LOG_H_
