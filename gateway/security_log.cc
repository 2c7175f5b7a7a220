#include "gateway/security_log.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/personal_data.h"
#include "grpcpp/support/status.h"

namespace grassroots::gateway {
namespace {

// A value on one line of key=value fields: quoted, newlines and quotes
// escaped, personal data redacted.
std::string Quoted(absl::string_view text) {
  return absl::StrCat(
      "\"",
      absl::StrReplaceAll(RedactPersonalData(text), {{"\\", "\\\\"}, {"\"", "\\\""}, {"\n", " "}}),
      "\"");
}

}  // namespace

SecurityLog::SecurityLog(const std::string& path) : file_(path, /*flush_each_line=*/true) {}

bool SecurityLog::Records(int code) {
  switch (static_cast<grpc::StatusCode>(code)) {
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ALREADY_EXISTS:
      return true;
    default:
      return false;
  }
}

void SecurityLog::Record(const SecurityEvent& e) {
  if (!Records(e.code)) return;
  const bool known = !e.principal.empty() && e.principal != "-";
  std::string who = known ? std::string(e.principal) : absl::StrCat("peer:", PeerHost(e.peer));
  // Counted first: whoever sees the line sees it counted.
  {
    absl::MutexLock lock(&mu_);
    if (!counters_.contains(who) && counters_.size() >= kMaxKeys) who = "other";
    SecurityCounters& c = counters_[who];
    c.who = who;
    c.last = std::max(c.last, e.time);
    switch (static_cast<grpc::StatusCode>(e.code)) {
      case grpc::StatusCode::UNAUTHENTICATED:
        ++c.unauthenticated;
        break;
      case grpc::StatusCode::PERMISSION_DENIED:
        ++c.permission_denied;
        break;
      case grpc::StatusCode::RESOURCE_EXHAUSTED:
        ++c.rate_limited;
        break;
      default:
        ++c.uniqueness_conflicts;
        break;
    }
  }
  file_.Append(absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", e.time, absl::UTCTimeZone()),
      e.code == static_cast<int>(grpc::StatusCode::ALREADY_EXISTS) ? " conflict" : " refused",
      " principal=", known ? e.principal : "-", " peer=", e.peer, " method=", e.method,
      " code=", StatusCodeName(e.code), " resource=", e.resource.empty() ? "-" : e.resource,
      " reason=", Quoted(e.reason), "\n"));
}

std::vector<SecurityCounters> SecurityLog::Counters() const {
  std::vector<SecurityCounters> out;
  {
    absl::MutexLock lock(&mu_);
    out.reserve(counters_.size());
    for (const auto& [who, counters] : counters_) out.push_back(counters);
  }
  std::sort(out.begin(), out.end(), [](const SecurityCounters& a, const SecurityCounters& b) {
    return a.last != b.last ? a.last > b.last : a.who < b.who;
  });
  return out;
}

void CallLogs::Record(const CallOutcome& call) const {
  const absl::Time now = absl::Now();
  access_->Record({.start = call.start,
                   .principal = call.principal,
                   .method = call.method,
                   .code = call.code,
                   .latency = now - call.start,
                   .request_id = call.request_id});
  if (SecurityLog::Records(call.code)) {
    security_->Record({.time = now,
                       .principal = call.principal,
                       .peer = call.peer,
                       .method = call.method,
                       .code = call.code,
                       .resource = call.resource,
                       .reason = call.reason});
  }
}

}  // namespace grassroots::gateway
