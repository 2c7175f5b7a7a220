#include "gateway/access_log.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace grassroots::gateway {
namespace {

// Past this, a Record writes the buffer out itself.
constexpr size_t kMaxBuffered = 64 * 1024;

}  // namespace

absl::string_view StatusCodeName(int code) {
  static const std::string* const kNames = [] {
    auto* names = new std::string[17];
    for (int c = 0; c <= 16; ++c) {
      names[c] = absl::StatusCodeToString(static_cast<absl::StatusCode>(c));
    }
    return names;
  }();
  return code >= 0 && code <= 16 ? absl::string_view(kNames[code]) : "UNKNOWN";
}

absl::string_view PeerHost(absl::string_view peer) {
  const size_t colon = peer.rfind(':');
  const size_t first = peer.find(':');
  if (colon == absl::string_view::npos || colon == first) return peer;
  return peer.substr(0, colon);
}

LogFile::LogFile(const std::string& path, bool flush_each_line)
    : flush_each_line_(flush_each_line) {
  if (path == "-") {
    file_ = stderr;
  } else if (!path.empty()) {
    file_ = std::fopen(path.c_str(), "ae");
    owned_ = true;
    ok_ = file_ != nullptr;
  }
}

LogFile::~LogFile() {
  Flush();
  if (owned_ && file_ != nullptr) std::fclose(file_);
}

void LogFile::Append(absl::string_view line) {
  if (file_ == nullptr) return;
  bool full = false;
  {
    absl::MutexLock lock(&mu_);
    buffer_.append(line.data(), line.size());
    full = flush_each_line_ || buffer_.size() > kMaxBuffered;
  }
  if (full) Flush();
}

void LogFile::Flush() {
  std::string out;
  {
    absl::MutexLock lock(&mu_);
    out.swap(buffer_);
  }
  if (out.empty() || file_ == nullptr) return;
  std::fwrite(out.data(), 1, out.size(), file_);
  std::fflush(file_);
}

void AccessLog::Record(const AccessRecord& r) {
  file_.Append(absl::StrCat(
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", r.start, absl::UTCTimeZone()),
      " principal=", r.principal, " method=", r.method, " code=", StatusCodeName(r.code),
      " latency_ms=", absl::StrFormat("%.3f", absl::ToDoubleMilliseconds(r.latency)),
      " request_id=", r.request_id, "\n"));
}

}  // namespace grassroots::gateway
