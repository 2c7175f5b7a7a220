// The casework service's requests, decoded from the input: the real
// CaseworkCore on a real SQLite store, beside the real org service it asks
// about places (service_harness.h), reached through its gRPC handlers.
//
// The input is a sequence of up to kMaxOps operations. Each starts with a
// byte: its low four bits pick the RPC (see Op below), bit 7 gives the
// caller the personal-data grant, bit 6 picks a variant (ListEvents instead
// of ListDispatches, a request_id on a create). The fields follow, read
// with FuzzInput: texts end at a 0xFF byte; a name is a selector byte (0:
// the issue or dispatch this process touched last, 1..0x7F: that id,
// 0x80..0xEF: one of kOddNames, 0xF0..0xFF: a text from the input); an
// etag is a byte (0: none, 1: the current one, 2: a text).
//
// GRASSROOTS_FUZZ_TRACE=1 prints every call's answer (for writing seeds).
//
// Properties, each checked on every call:
//  - the answer is OK or INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
//    ABORTED, ALREADY_EXISTS or OUT_OF_RANGE (never INTERNAL, UNKNOWN...);
//  - a refused write changes nothing: the core's published revision is the
//    one before the call;
//  - no error message repeats an ID-card or mobile number of the input's
//    texts;
//  - a caller without the grant never gets such a number in an issue's or
//    a dispatch's free text (title, description, reason, resolution,
//    contact, request, report).

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "casework_service/casework_core.h"
#include "common/caller_metadata.h"
#include "common/personal_data.h"
#include "fuzz/answer_checks.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "google/protobuf/stubs/common.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"

namespace grassroots::fuzz {
namespace {

namespace v1 = ::grassroots::casework::v1;

constexpr int kMaxOps = 8;

enum Op : uint8_t {
  kReport = 0,
  kUpdate,
  kAccept,
  kEscalate,
  kResolve,
  kConfirm,
  kReopen,
  kReject,
  kCreateDispatch,
  kAcknowledge,
  kReportDispatch,
  kList,
  kGetIssue,
  kGetDispatch,
  kBatchGet,
  kListDispatchesOrEvents,
};

constexpr const char* kOddNames[] = {
    "",
    "issues/0",
    "issues/-1",
    "issues/01",
    "issues/1/",
    "issues/ 1",
    "ISSUES/1",
    "issues/9223372036854775807",
    "issues/99999999999999999999",
    "issues/13800138000",
    "issues/1/dispatches/1",
    "issues/1/dispatches/0",
    "issues/1/dispatches/-1",
    "issues/1/dispatches/13800138000",
    "issues//dispatches/1",
    "units/5",
    "people/1",
    "issues/1\n",
    "issues/１",
};
constexpr int kOddNameCount = sizeof(kOddNames) / sizeof(kOddNames[0]);

// Places a report or a list may name: the sample district's, and some that
// are not a place an issue may have.
constexpr const char* kPlaces[] = {
    "units/5", "units/4", "units/3", "units/2",     "units/1",  "units/999",
    "",        "units/0", "units/x", "partyOrgs/1", "units/5/", "units/13800138000",
};
constexpr int kPlaceCount = sizeof(kPlaces) / sizeof(kPlaces[0]);

constexpr const char* kFilters[] = {
    "open = true",
    "state = ACCEPTED",
    "handling_level = STREET AND category = PARKING",
    "channel = HOTLINE AND overdue = true",
    "assignee = \"people/1\"",
    "reporter = \"people/2\" AND open = false",
};
constexpr int kFilterCount = sizeof(kFilters) / sizeof(kFilters[0]);

// What the process remembers between inputs, as a client would.
struct State {
  int64_t last_issue = 0;
  std::string last_dispatch;  // issues/N/dispatches/M
  std::string last_page_token;
};

class Run {
 public:
  Run(const uint8_t* data, size_t size)
      : in_(data, size), checks_(&Revision, {"issues/", "dispatches/"}) {}

  void All() {
    for (int i = 0; i < kMaxOps && !in_.empty(); ++i) One();
  }

 private:
  static const InProcessServices& Services() {
    static const InProcessServices& services = InProcessServices::GetWithCasework();
    return services;
  }
  static v1::CaseworkService::Stub& Stub() {
    static auto* stub = v1::CaseworkService::NewStub(Services().casework_channel()).release();
    return *stub;
  }
  static State& Remembered() {
    static auto* state = new State;
    return *state;
  }
  static int64_t Revision() { return Services().casework_core()->published_revision(); }

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(8)));
    AttachCaller(Services().signer(),
                 Caller{.principal = "fuzzer", .may_see_personal_data = grant_}, *context);
    return context;
  }

  // A text of the input; its ID-card and mobile numbers are remembered.
  std::string Text() { return checks_.Track(in_.Until('\xff')); }

  std::string IssueName() {
    const uint8_t b = in_.Byte();
    if (b == 0) return absl::StrCat("issues/", Remembered().last_issue);
    if (b < 0x80) return absl::StrCat("issues/", b);
    if (b < 0xF0) return kOddNames[(b - 0x80) % kOddNameCount];
    return Text();
  }
  std::string DispatchName() {
    const uint8_t b = in_.Byte();
    if (b == 0) return Remembered().last_dispatch;
    if (b < 0x80) return absl::StrCat("issues/", Remembered().last_issue, "/dispatches/", b);
    if (b < 0xF0) return kOddNames[(b - 0x80) % kOddNameCount];
    return Text();
  }
  std::string Place() {
    const uint8_t b = in_.Byte();
    if (b >= 0xF0) return Text();
    return kPlaces[b % kPlaceCount];
  }
  std::string Filter() {
    const uint8_t b = in_.Byte();
    if (b >= 0xF0) return Text();
    return kFilters[b % kFilterCount];
  }
  std::string Person() {
    const uint8_t b = in_.Byte();
    if (b == 0) return "";
    if (b < 0x80) return absl::StrCat("people/", b % 4);
    return Text();
  }
  std::string PartyOrg() {
    const uint8_t b = in_.Byte();
    if (b == 0) return "";
    if (b < 0x80) return absl::StrCat("partyOrgs/", b % 5);
    return Text();
  }

  // The etag to send for `name` (an issue's or a dispatch's).
  std::string Etag(const std::string& name, bool dispatch) {
    switch (in_.Byte() % 3) {
      case 0:
        return "";
      case 1: {
        auto context = Context();
        grpc::Status status;
        if (dispatch) {
          v1::GetDispatchRequest request;
          request.set_name(name);
          v1::Dispatch response;
          status = Stub().GetDispatch(context.get(), request, &response);
          return status.ok() ? response.etag() : "";
        }
        v1::GetIssueRequest request;
        request.set_name(name);
        v1::Issue response;
        status = Stub().GetIssue(context.get(), request, &response);
        return status.ok() ? response.etag() : "";
      }
      default:
        return Text();
    }
  }

  void CheckTexts(const v1::Issue& issue) const {
    if (grant_) return;
    for (const std::string* text : {&issue.title(), &issue.description(), &issue.state_reason(),
                                    &issue.resolution(), &issue.reporter_contact()}) {
      FUZZ_CHECK(!ContainsPersonalData(*text))
          << issue.name() << " shows personal data to a caller without the grant: " << *text;
    }
  }
  void CheckTexts(const v1::Dispatch& dispatch) const {
    if (grant_) return;
    for (const std::string* text : {&dispatch.request(), &dispatch.report()}) {
      FUZZ_CHECK(!ContainsPersonalData(*text))
          << dispatch.name() << " shows personal data to a caller without the grant: " << *text;
    }
  }

  void Check(const char* method, const grpc::Status& status, int64_t revision_before) const {
    checks_.Check(method, status, revision_before);
  }

  void Answered(const char* method, const grpc::Status& status, int64_t before,
                const v1::Issue& issue) {
    Check(method, status, before);
    if (!status.ok()) return;
    CheckTexts(issue);
    int64_t id = 0;
    if (absl::SimpleAtoi(absl::StripPrefix(issue.name(), "issues/"), &id)) {
      Remembered().last_issue = id;
    }
  }
  void Answered(const char* method, const grpc::Status& status, int64_t before,
                const v1::Dispatch& dispatch) {
    Check(method, status, before);
    if (!status.ok()) return;
    CheckTexts(dispatch);
    Remembered().last_dispatch = dispatch.name();
  }

  template <typename Request>
  void Transition(const char* method,
                  grpc::Status (v1::CaseworkService::Stub::*call)(grpc::ClientContext*,
                                                                  const Request&, v1::Issue*),
                  Request request) {
    request.set_name(IssueName());
    request.set_etag(Etag(request.name(), /*dispatch=*/false));
    const int64_t before = Revision();
    v1::Issue response;
    auto context = Context();
    const grpc::Status status = (Stub().*call)(context.get(), request, &response);
    Answered(method, status, before, response);
  }

  void One() {
    const uint8_t op = in_.Byte();
    grant_ = (op & 0x80) != 0;
    checks_.Start(grant_);
    const bool variant = (op & 0x40) != 0;
    switch (static_cast<Op>(op & 0x0F)) {
      case kReport: {
        v1::ReportIssueRequest request;
        v1::Issue* issue = request.mutable_issue();
        issue->set_place(Place());
        issue->set_category(static_cast<v1::Category>(in_.Byte() % 12));
        issue->set_channel(static_cast<v1::Channel>(in_.Byte() % 10));
        issue->set_title(Text());
        issue->set_description(Text());
        issue->set_reporter_contact(Text());
        issue->set_reporter(Person());
        issue->set_handling_party_org(PartyOrg());
        issue->set_assignee(Person());
        if (variant) request.set_request_id(Text());
        const int64_t before = Revision();
        v1::Issue response;
        auto context = Context();
        Answered("ReportIssue", Stub().ReportIssue(context.get(), request, &response), before,
                 response);
        return;
      }
      case kUpdate: {
        v1::UpdateIssueRequest request;
        v1::Issue* issue = request.mutable_issue();
        issue->set_name(IssueName());
        issue->set_etag(Etag(issue->name(), /*dispatch=*/false));
        for (absl::string_view path : absl::StrSplit(Text(), ',', absl::SkipEmpty())) {
          request.mutable_update_mask()->add_paths(std::string(path));
        }
        issue->set_title(Text());
        issue->set_description(Text());
        issue->set_reporter_contact(Text());
        issue->set_category(static_cast<v1::Category>(in_.Byte() % 12));
        issue->set_reporter(Person());
        if (variant) issue->set_place(Place());
        const int64_t before = Revision();
        v1::Issue response;
        auto context = Context();
        Answered("UpdateIssue", Stub().UpdateIssue(context.get(), request, &response), before,
                 response);
        return;
      }
      case kAccept: {
        v1::AcceptIssueRequest request;
        request.set_assignee(Person());
        request.set_handling_party_org(PartyOrg());
        return Transition("AcceptIssue", &v1::CaseworkService::Stub::AcceptIssue, request);
      }
      case kEscalate: {
        v1::EscalateIssueRequest request;
        request.set_reason(Text());
        return Transition("EscalateIssue", &v1::CaseworkService::Stub::EscalateIssue, request);
      }
      case kResolve: {
        v1::ResolveIssueRequest request;
        request.set_resolution(Text());
        return Transition("ResolveIssue", &v1::CaseworkService::Stub::ResolveIssue, request);
      }
      case kConfirm: {
        v1::ConfirmIssueRequest request;
        request.set_satisfaction(static_cast<v1::Satisfaction>(in_.Byte() % 5));
        return Transition("ConfirmIssue", &v1::CaseworkService::Stub::ConfirmIssue, request);
      }
      case kReopen: {
        v1::ReopenIssueRequest request;
        request.set_reason(Text());
        return Transition("ReopenIssue", &v1::CaseworkService::Stub::ReopenIssue, request);
      }
      case kReject: {
        v1::RejectIssueRequest request;
        request.set_reason(Text());
        return Transition("RejectIssue", &v1::CaseworkService::Stub::RejectIssue, request);
      }
      case kCreateDispatch: {
        v1::CreateDispatchRequest request;
        request.set_parent(IssueName());
        v1::Dispatch* dispatch = request.mutable_dispatch();
        const uint8_t department = in_.Byte();
        if (department & 1) dispatch->set_department_org(std::string(kSampleDepartment));
        if (department & 2) dispatch->set_department_name(Text());
        if (department & 4) dispatch->set_department_org(absl::StrCat("externalOrgs/", department));
        // Seconds from now: mostly a few days ahead, sometimes anything.
        const int64_t ahead = (department & 8) ? in_.I64() : int64_t{in_.I32()};
        const int64_t due = absl::ToUnixSeconds(absl::Now()) + ahead;
        dispatch->mutable_due_time()->set_seconds(due);
        dispatch->mutable_due_time()->set_nanos(static_cast<int32_t>(in_.Byte()) * 7);
        dispatch->set_request(Text());
        if (variant) request.set_request_id(Text());
        const int64_t before = Revision();
        v1::Dispatch response;
        auto context = Context();
        Answered("CreateDispatch", Stub().CreateDispatch(context.get(), request, &response), before,
                 response);
        return;
      }
      case kAcknowledge: {
        v1::AcknowledgeDispatchRequest request;
        request.set_name(DispatchName());
        request.set_etag(Etag(request.name(), /*dispatch=*/true));
        const int64_t before = Revision();
        v1::Dispatch response;
        auto context = Context();
        Answered("AcknowledgeDispatch",
                 Stub().AcknowledgeDispatch(context.get(), request, &response), before, response);
        return;
      }
      case kReportDispatch: {
        v1::ReportDispatchRequest request;
        request.set_name(DispatchName());
        request.set_etag(Etag(request.name(), /*dispatch=*/true));
        request.set_report(Text());
        const int64_t before = Revision();
        v1::Dispatch response;
        auto context = Context();
        Answered("ReportDispatch", Stub().ReportDispatch(context.get(), request, &response), before,
                 response);
        return;
      }
      case kList: {
        v1::ListIssuesRequest request;
        request.set_place(Place());
        request.set_filter(Filter());
        const uint8_t size = in_.Byte();
        request.set_page_size(size < 0xF0 ? size % 4 : in_.I32());
        const uint8_t token = in_.Byte();
        if (token == 1) request.set_page_token(Remembered().last_page_token);
        if (token >= 2) request.set_page_token(Text());
        if (variant) request.set_read_revision(in_.I64());
        v1::ListIssuesResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListIssues(context.get(), request, &response);
        Check("ListIssues", status, -1);
        if (!status.ok()) return;
        for (const v1::Issue& issue : response.issues()) CheckTexts(issue);
        Remembered().last_page_token = response.next_page_token();
        return;
      }
      case kGetIssue: {
        v1::GetIssueRequest request;
        request.set_name(IssueName());
        if (variant) request.set_read_revision(in_.I64());
        v1::Issue response;
        auto context = Context();
        const grpc::Status status = Stub().GetIssue(context.get(), request, &response);
        Check("GetIssue", status, -1);
        if (status.ok()) CheckTexts(response);
        return;
      }
      case kGetDispatch: {
        v1::GetDispatchRequest request;
        request.set_name(DispatchName());
        if (variant) request.set_read_revision(in_.I64());
        v1::Dispatch response;
        auto context = Context();
        const grpc::Status status = Stub().GetDispatch(context.get(), request, &response);
        Check("GetDispatch", status, -1);
        if (status.ok()) CheckTexts(response);
        return;
      }
      case kBatchGet: {
        v1::BatchGetIssuesRequest request;
        for (int n = in_.Byte() % 5; n > 0; --n) request.add_names(IssueName());
        v1::BatchGetIssuesResponse response;
        auto context = Context();
        const grpc::Status status = Stub().BatchGetIssues(context.get(), request, &response);
        Check("BatchGetIssues", status, -1);
        if (!status.ok()) return;
        for (const v1::Issue& issue : response.issues()) CheckTexts(issue);
        return;
      }
      case kListDispatchesOrEvents: {
        auto context = Context();
        if (variant) {
          v1::ListEventsRequest request;
          const uint8_t start = in_.Byte();
          request.set_start_revision(start < 0xF0 ? int64_t{start} : in_.I64());
          request.set_page_size(in_.Byte() % 8);
          if (in_.Bool()) request.set_page_token(Text());
          v1::ListEventsResponse response;
          const grpc::Status status = Stub().ListEvents(context.get(), request, &response);
          Check("ListEvents", status, -1);
          if (!status.ok()) return;
          for (const v1::Event& event : response.events()) {
            for (const v1::ResourceSnapshot* snapshot : {&event.before(), &event.after()}) {
              if (snapshot->has_issue()) CheckTexts(snapshot->issue());
              if (snapshot->has_dispatch()) CheckTexts(snapshot->dispatch());
            }
          }
          return;
        }
        v1::ListDispatchesRequest request;
        request.set_parent(IssueName());
        request.set_page_size(in_.Byte() % 4);
        if (in_.Bool()) request.set_page_token(Text());
        v1::ListDispatchesResponse response;
        const grpc::Status status = Stub().ListDispatches(context.get(), request, &response);
        Check("ListDispatches", status, -1);
        if (!status.ok()) return;
        for (const v1::Dispatch& dispatch : response.dispatches()) CheckTexts(dispatch);
        return;
      }
    }
  }

  FuzzInput in_;
  bool grant_ = false;
  AnswerChecks checks_;
};

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::InProcessServices::GetWithCasework();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  grassroots::fuzz::Run(data, size).All();
  return 0;
}
