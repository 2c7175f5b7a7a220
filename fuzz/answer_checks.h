#ifndef GRASSROOTS_FUZZ_ANSWER_CHECKS_H_
#define GRASSROOTS_FUZZ_ANSWER_CHECKS_H_

// The properties every answer of a fuzzed service call must have, shared by
// the request fuzzers of the backends (fuzz_casework_requests,
// fuzz_activity_requests):
// - only a clear code (a bad request is INVALID_ARGUMENT, NOT_FOUND, ...;
//   never UNKNOWN or INTERNAL), except that gRPC itself refuses a request
//   with a string that is not UTF-8 (UNIMPLEMENTED or INTERNAL);
// - a refused write (or a validate_only run) leaves the revision as it was;
// - no message repeats an ID-card or mobile number of the request's texts,
//   unless as the id of a resource name the caller gave ("issues/13800138000"
//   is the caller's own name, not a resident's data).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/personal_data.h"
#include "fuzz/fuzz_check.h"
#include "google/protobuf/stubs/common.h"
#include "grpcpp/support/status.h"

namespace grassroots::fuzz {

class AnswerChecks {
 public:
  // `revision` reads the service's published revision; `collections` are
  // the prefixes of the service's resource names ("issues/").
  AnswerChecks(int64_t (*revision)(), std::vector<absl::string_view> collections)
      : revision_(revision), collections_(std::move(collections)) {}

  // Starts an operation: `grant` says whether its caller may see personal
  // data (for the trace).
  void Start(bool grant) {
    grant_ = grant;
    bad_utf8_ = false;
  }
  // Starts an input: forgets its numbers.
  void Reset() { personal_.clear(); }

  // `text`, a text of the request: its ID-card and mobile numbers are
  // remembered, and whether it is UTF-8.
  std::string Track(std::string text) {
    if (!google::protobuf::internal::IsStructurallyValidUTF8(text.data(),
                                                             static_cast<int>(text.size()))) {
      bad_utf8_ = true;
    }
    const auto is_digit = [](char c) { return (c >= '0' && c <= '9') || c == 'X' || c == 'x'; };
    size_t start = 0;
    while (start < text.size()) {
      if (!is_digit(text[start])) {
        ++start;
        continue;
      }
      size_t end = start;
      while (end < text.size() && is_digit(text[end])) ++end;
      std::string run = text.substr(start, end - start);
      if (ContainsPersonalData(run)) personal_.push_back(std::move(run));
      start = end;
    }
    return text;
  }

  // The checks every answer gets. `revision_before` is the published
  // revision before a write; -1 for a read. `changes_nothing`: an OK answer
  // must leave the revision too (validate_only).
  void Check(const char* method, const grpc::Status& status, int64_t revision_before,
             bool changes_nothing = false) const {
    const grpc::StatusCode code = status.error_code();
    static const bool trace = std::getenv("GRASSROOTS_FUZZ_TRACE") != nullptr;
    if (trace) {
      std::fprintf(stderr, "%s%s -> %d %s\n", method, grant_ ? " (grant)" : "",
                   static_cast<int>(code), RedactPersonalData(status.error_message()).c_str());
    }
    if (bad_utf8_ &&
        (code == grpc::StatusCode::UNIMPLEMENTED || code == grpc::StatusCode::INTERNAL)) {
      return;
    }
    const bool clear =
        code == grpc::StatusCode::OK || code == grpc::StatusCode::INVALID_ARGUMENT ||
        code == grpc::StatusCode::NOT_FOUND || code == grpc::StatusCode::FAILED_PRECONDITION ||
        code == grpc::StatusCode::ABORTED || code == grpc::StatusCode::ALREADY_EXISTS ||
        code == grpc::StatusCode::OUT_OF_RANGE;
    FUZZ_CHECK(clear) << method << " answered code " << static_cast<int>(code) << ": \""
                      << status.error_message() << "\"; a bad request must get a clear error";
    if ((!status.ok() || changes_nothing) && revision_before >= 0) {
      const int64_t after = revision_();
      FUZZ_CHECK(after == revision_before)
          << method << " answered " << static_cast<int>(code) << " (" << status.error_message()
          << ") but the revision moved from " << revision_before << " to " << after;
    }
    CheckMessage(method, status.error_message());
  }

  // No number of the request in `message` but as a resource's id.
  void CheckMessage(const char* method, absl::string_view message) const {
    for (const std::string& number : personal_) {
      // FUZZ_CHECK masks personal data in what it prints.
      FUZZ_CHECK(!RepeatsOutsideNames(message, number))
          << method << "'s message repeats a number of the request: " << message;
    }
  }

 private:
  bool RepeatsOutsideNames(absl::string_view message, absl::string_view number) const {
    for (size_t at = message.find(number); at != absl::string_view::npos;
         at = message.find(number, at + 1)) {
      const absl::string_view before = message.substr(0, at);
      bool in_name = false;
      for (absl::string_view collection : collections_) {
        in_name = in_name || absl::EndsWith(before, collection);
      }
      if (!in_name) return true;
    }
    return false;
  }

  int64_t (*const revision_)();
  const std::vector<absl::string_view> collections_;
  bool grant_ = false;
  bool bad_utf8_ = false;              // a text of this operation is not UTF-8
  std::vector<std::string> personal_;  // the ID-card and mobile numbers of the input's texts
};

}  // namespace grassroots::fuzz

#endif  // GRASSROOTS_FUZZ_ANSWER_CHECKS_H_
