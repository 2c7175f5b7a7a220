// The activity service's requests, decoded from the input: the real
// ActivityCore on a real SQLite store (in a temporary directory), reached
// through its gRPC handlers, beside the real org and roster services of
// service_harness.h (the sample district: units/1..5, partyOrgs/1..3 with
// partyOrgs/1 above partyOrgs/2 above partyOrgs/3, people/1..2). The core
// asks the org service through an OrgReplica and the roster through
// RosterPeople, as activity_service/main.cc wires them; their calls are
// signed as the service (a global client interceptor: the harness's
// channels carry no signature of their own).
//
// The input is a sequence of up to kMaxOps operations. Each starts with a
// byte: its low five bits pick the RPC (modulo kOpCount, see Op below),
// bit 7 gives the caller the personal-data grant, bit 6 picks a variant (a
// request_id on a create, a read_revision on a read, validate_only on an
// import, show_deleted on ListServicePoints, on UpdateActivity the name
// the planned fields may carry instead of the one read first). The fields
// follow, read with FuzzInput: texts end at a 0xFF byte; a name is a
// selector byte (0: the activity, service point or account this process
// touched last, 1..0x7F: that id, 0x80..0xEF: one of kOddNames,
// 0xF0..0xFF: a text); an etag is a byte (0: none, 1: the current one, 2:
// a text); times, numbers, places, filters and masks likewise (see the
// readers below). make_seeds.cc writes the seed corpus in this form.
//
// GRASSROOTS_FUZZ_TRACE=1 prints every call's answer (for writing seeds).
//
// Properties, checked on every call:
//  - the answer is OK or INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION,
//    ABORTED, ALREADY_EXISTS or OUT_OF_RANGE (UNIMPLEMENTED or INTERNAL
//    only for a request with invalid UTF-8, which gRPC refuses itself);
//  - a refused write, and an import with validate_only, changes nothing:
//    the core's published revision is the one before the call;
//  - no error message repeats an ID-card or mobile number of the request's
//    texts, except as the id of a resource name;
//  - a caller without the grant never gets such a number in an answer's
//    free text (theme, description, state reason, sheet key, redemption
//    reason, address; events included);
//  - after every operation, no credit account of the roster's people (nor
//    the one the operation named) has a negative balance, and its balance
//    is earned_total - redeemed_total;
// and at the end of each input, for every activity the input touched: its
// credit_awarded, attendees, residents_served and service_minutes are the
// sums over its lines (ListAttendances, every page).

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/client_interceptor.h>
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
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
#include "activity_service/activity_core.h"
#include "activity_service/activity_grpc.h"
#include "activity_service/sqlite_activity_store.h"
#include "common/caller_metadata.h"
#include "common/clock.h"
#include "common/personal_data.h"
#include "fuzz/answer_checks.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/proto_support.h"
#include "fuzz/service_harness.h"
#include "google/protobuf/stubs/common.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "org_client/org_replica.h"
#include "roster_client/roster_people.h"

namespace grassroots::fuzz {
namespace {

namespace v1 = ::grassroots::activity::v1;

constexpr int kMaxOps = 8;

enum Op : uint8_t {
  kCreate = 0,
  kUpdate,
  kSubmit,
  kApprove,
  kReturn,
  kHold,
  kRecord,
  kCancel,
  kRecordAttendance,
  kImport,
  kListAttendances,
  kGetAccount,
  kListEntries,
  kRedeem,
  kCreatePoint,
  kGetPoint,
  kUpdatePoint,
  kDeletePoint,
  kListPoints,
  kGetActivity,
  kListActivities,
  kListEvents,
  kOpCount,
};

// Names of every collection the service reads, well-formed or not, and of
// other collections.
constexpr const char* kOddNames[] = {
    "",
    "activities/0",
    "activities/-1",
    "activities/01",
    "activities/1/",
    "activities/ 1",
    "ACTIVITIES/1",
    "activities/9223372036854775807",
    "activities/99999999999999999999",
    "activities/13800138000",
    "activities/\xef\xbc\x91",  // full-width 1
    "activities/1/attendances/1",
    "activities/1\n",
    "activities/\xff",  // not UTF-8
    "creditAccounts/13800138000",
    "creditAccounts/0",
    "creditAccounts/-1",
    "creditAccounts/01",
    "creditAccounts/99999999999999999999",
    "creditAccounts/\xef\xbc\x91\xef\xbc\x92",  // full-width 12
    "creditAccounts/1/entries/1",
    "people/1",
    "servicePoints/1/",
    "servicePoints/0",
    "servicePoints/-1",
    "servicePoints/13800138000",
    "servicePoints/9223372036854775807",
    "servicePoints/\xc0\xb1",  // an overlong "1": not UTF-8
    "units/5",
    "partyOrgs/1",
};
constexpr int kOddNameCount = sizeof(kOddNames) / sizeof(kOddNames[0]);

// Units an activity, a service point or a list may name: the sample
// district's, and some that are not a unit.
constexpr const char* kPlaces[] = {
    "units/5", "units/4",  "units/3",     "units/2",  "units/1",           "units/999",
    "",        "units/0",  "partyOrgs/1", "units/5/", "units/13800138000", "units/\xef\xbc\x95",
    "units/x", "units/-3",
};
constexpr int kPlaceCount = sizeof(kPlaces) / sizeof(kPlaces[0]);

constexpr const char* kFilters[] = {
    "",
    "state = APPROVED",
    "kind = VOLUNTEER_SERVICE AND state = HELD",
    "party_org = \"partyOrgs/2\"",
    "start_time >= \"2026-12-01T00:00:00+08:00\" AND start_time < \"2027-01-01T00:00:00+08:00\"",
    "start_time > \"2026-01-01T00:00:00Z\"",
    "start_time >= \"yesterday\"",
    "start_time < \"99999-01-01T00:00:00Z\"",
    "start_time >= \"0001-01-01T00:00:00Z\"",
    "start_time < \"2026-13-45T25:61:61+08:00\"",
    "start_time >= \"2026-01-01T00:00:00Z\" AND start_time >= \"2026-02-01T00:00:00Z\"",
    "state != HELD",
    "state = HELD OR kind = TRAINING",
    "kind = 13800138000",
    "party_org = \"partyOrgs/13800138000\"",
    "party_org = \"people/1\"",
    "organiser = \"people/1\"",
    "state = ",
    "(state = DRAFT)",
};
constexpr int kFilterCount = sizeof(kFilters) / sizeof(kFilters[0]);

constexpr const char* kCoOrganisers[] = {
    "externalOrgs/1", "alliances/1",  "externalOrgs/99",          "externalOrgs/0",
    "alliances/-1",   "partyOrgs/1",  "externalOrgs/13800138000", "",
    "alliances/01",   "alliances/1/",
};
constexpr int kCoOrganiserCount = sizeof(kCoOrganisers) / sizeof(kCoOrganisers[0]);

constexpr const char* kPeriods[] = {
    "",     "2026",    "2026-12", "2026-13",
    "0000", "99999",   "2026-1",  "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x96",
    "-1",   "1969-12", "2026-00", "9999-12",
};
constexpr int kPeriodCount = sizeof(kPeriods) / sizeof(kPeriods[0]);

constexpr int32_t kEdgeInts[] = {
    0,
    1,
    -1,
    29,
    30,
    59,
    60,
    89,
    1440,
    1441,
    100000,
    100001,
    20,
    21,
    std::numeric_limits<int32_t>::max(),
    std::numeric_limits<int32_t>::min(),
};
constexpr int kEdgeIntCount = sizeof(kEdgeInts) / sizeof(kEdgeInts[0]);

constexpr int64_t kEdgeAmounts[] = {
    1,
    2,
    3,
    4,
    0,
    -1,
    1000000,
    1000001,
    std::numeric_limits<int64_t>::max(),
    std::numeric_limits<int64_t>::min(),
    int64_t{13800138000},
};
constexpr int kEdgeAmountCount = sizeof(kEdgeAmounts) / sizeof(kEdgeAmounts[0]);

// Seconds of Timestamps at and past the range protobuf allows (years 1 to
// 9999), and of absl::Time's own edges.
constexpr int64_t kEdgeSeconds[] = {
    -62135596800,
    -62135596801,
    253402300799,
    253402300800,
    0,
    -1,
    std::numeric_limits<int64_t>::max(),
    std::numeric_limits<int64_t>::min(),
    int64_t{1} << 53,
};
constexpr int kEdgeSecondCount = sizeof(kEdgeSeconds) / sizeof(kEdgeSeconds[0]);

// The key the harness's services trust; the activity service's own calls
// to them are signed with it as the service.
class ServiceSigner final : public grpc::experimental::ClientInterceptorFactoryInterface {
 public:
  ServiceSigner()
      : inner_(SigningInterceptor(
            CallerSigner(std::string(kCallerKey)),
            Caller{.principal = "svc.activity_service", .may_see_personal_data = true})) {}
  // Signs every call that does not carry a caller already: the replica's
  // and RosterPeople's (the fuzzed calls and the harness's sign their own).
  grpc::experimental::Interceptor* CreateClientInterceptor(
      grpc::experimental::ClientRpcInfo* info) override {
    return inner_->CreateClientInterceptor(info);
  }

 private:
  std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface> inner_;
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "fuzz_activity_requests: %s\n", RedactPersonalData(what).c_str());
  std::abort();
}

// A fresh directory for the activity database, as service_harness.cc makes
// its own: under $GRASSROOTS_FUZZ_TMPDIR or $TMPDIR, removed at exit.
std::string MakeDataDir() {
  const char* base = std::getenv("GRASSROOTS_FUZZ_TMPDIR");
  if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
  if (base == nullptr || *base == '\0') base = "/tmp";
  std::string path = absl::StrCat(base, "/grassroots-fuzz-activity-XXXXXX");
  if (mkdtemp(path.data()) == nullptr) Die(absl::StrCat("cannot create a directory in ", base));
  static std::string* to_remove = new std::string(path);
  std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(*to_remove, ignored);
  });
  return path;
}

// The activity service in process, started once; never stopped (the
// process ends with it).
struct ActivityServer {
  std::shared_ptr<grpc::Channel> channel;
  const activity::ActivityCore* core = nullptr;

  static const ActivityServer& Get() {
    static const ActivityServer* server = Start();
    return *server;
  }

 private:
  static const ActivityServer* Start() {
    grpc::experimental::RegisterGlobalClientInterceptorFactory(new ServiceSigner);
    const InProcessServices& services = InProcessServices::Get(/*with_roster=*/true);
    const std::string data_dir = MakeDataDir();
    auto store = activity::SqliteActivityStore::Open(data_dir + "/activity.db");
    if (!store.ok()) Die(std::string(store.status().message()));
    auto* replica = new org_client::OrgReplica(services.org_channel());
    replica->Start();
    if (!replica->WaitForRevision(1, absl::Seconds(30))) {
      Die("the activity service's replica of the org service did not load");
    }
    auto* people = new roster_client::RosterPeople(services.roster_channel(), absl::Seconds(5));
    auto* core =
        new activity::ActivityCore(store->release(), replica, new RealClock, CoreOptions{}, people);
    if (absl::Status s = core->Start(); !s.ok()) Die(std::string(s.message()));
    auto* service = new activity::ActivityGrpcService(
        core, CallerVerifier{CallerSigner(std::string(kCallerKey))});
    grpc::ServerBuilder builder;
    builder.RegisterService(service);
    grpc::Server* grpc_server = builder.BuildAndStart().release();
    if (grpc_server == nullptr) Die("cannot start the activity service in process");
    auto* server = new ActivityServer;
    server->channel = grpc_server->InProcessChannel(grpc::ChannelArguments());
    server->core = core;
    return server;
  }
};

// What the process remembers between inputs, as a client would.
struct State {
  int64_t last_activity = 0;
  int64_t last_point = 0;
  int64_t last_account = 1;
  std::string last_page_token;
};

class Run {
 public:
  Run(const uint8_t* data, size_t size)
      : in_(data, size),
        checks_(&Revision,
                {"activities/", "attendances/", "creditAccounts/", "entries/", "servicePoints/",
                 "people/", "partyOrgs/", "units/", "externalOrgs/", "alliances/"}) {}

  void All() {
    for (int i = 0; i < kMaxOps && !in_.empty(); ++i) {
      One();
      CheckCredit();
    }
    CheckTotals();
  }

 private:
  static v1::ActivityService::Stub& Stub() {
    static auto* stub = v1::ActivityService::NewStub(ActivityServer::Get().channel).release();
    return *stub;
  }
  static State& Remembered() {
    static auto* state = new State;
    return *state;
  }
  static int64_t Revision() { return ActivityServer::Get().core->published_revision(); }

  std::unique_ptr<grpc::ClientContext> Context(bool grant) const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(8)));
    static const CallerSigner* signer = new CallerSigner(std::string(kCallerKey));
    AttachCaller(*signer, Caller{.principal = "fuzzer", .may_see_personal_data = grant}, *context);
    return context;
  }
  std::unique_ptr<grpc::ClientContext> Context() const { return Context(grant_); }

  // Every string the request carries goes through here: whether it is
  // UTF-8, and its ID-card and mobile numbers, are remembered.
  std::string Track(std::string text) { return checks_.Track(std::move(text)); }
  std::string Text() { return Track(in_.Until('\xff')); }

  uint16_t U16() {
    const uint16_t low = in_.Byte();
    return static_cast<uint16_t>(low | (in_.Byte() << 8));
  }

  // A name of `collection` by selector byte; `last` for 0.
  std::string Name(absl::string_view collection, int64_t last) {
    const uint8_t b = in_.Byte();
    if (b == 0) return Track(absl::StrCat(collection, "/", last));
    if (b < 0x80) return Track(absl::StrCat(collection, "/", b));
    if (b < 0xF0) return Track(kOddNames[(b - 0x80) % kOddNameCount]);
    return Text();
  }
  std::string ActivityName() { return Name("activities", Remembered().last_activity); }
  std::string PointName() { return Name("servicePoints", Remembered().last_point); }
  // The roster has people/1 and people/2: small ids name them mostly.
  std::string AccountName() {
    const uint8_t b = in_.Byte();
    if (b == 0) return Track(absl::StrCat("creditAccounts/", Remembered().last_account));
    if (b < 0x80) return Track(absl::StrCat("creditAccounts/", b % 4));
    if (b < 0xF0) return Track(kOddNames[(b - 0x80) % kOddNameCount]);
    return Text();
  }
  std::string Person() {
    const uint8_t b = in_.Byte();
    if (b == 0) return "";
    if (b < 0x80) return Track(absl::StrCat("people/", b % 4));
    if (b < 0xF0) return Track(kOddNames[(b - 0x80) % kOddNameCount]);
    return Text();
  }
  std::string PartyOrg() {
    const uint8_t b = in_.Byte();
    if (b == 0) return "";
    if (b < 0x80) return Track(absl::StrCat("partyOrgs/", b % 5));
    if (b < 0xF0) return Track(kOddNames[(b - 0x80) % kOddNameCount]);
    return Text();
  }
  std::string Place() {
    const uint8_t b = in_.Byte();
    if (b >= 0xF0) return Text();
    return Track(kPlaces[b % kPlaceCount]);
  }
  std::string Filter() {
    const uint8_t b = in_.Byte();
    if (b >= 0xF0) return Text();
    return Track(kFilters[b % kFilterCount]);
  }
  std::string Period() {
    const uint8_t b = in_.Byte();
    if (b >= 0xF0) return Text();
    return Track(kPeriods[b % kPeriodCount]);
  }
  // 0: none; 1..0x7F: a small number; 0x80..0xEF: an edge; 0xF0..: any.
  int32_t Int() {
    const uint8_t b = in_.Byte();
    if (b < 0x80) return b;
    if (b < 0xF0) return kEdgeInts[(b - 0x80) % kEdgeIntCount];
    return in_.I32();
  }
  int64_t Amount() {
    const uint8_t b = in_.Byte();
    if (b < 0x80) return kEdgeAmounts[b % kEdgeAmountCount];
    if (b < 0xF0) return b - 0x80;
    return in_.I64();
  }
  int32_t PageSize() {
    const uint8_t size = in_.Byte();
    return size < 0xF0 ? size % 4 : in_.I32();
  }
  std::string PageToken() {
    const uint8_t token = in_.Byte();
    if (token == 1) return Remembered().last_page_token;
    if (token >= 2) return Text();
    return "";
  }
  std::vector<std::string> Mask() {
    std::vector<std::string> paths;
    for (absl::string_view path : absl::StrSplit(Text(), ',', absl::SkipEmpty())) {
      paths.emplace_back(path);
    }
    return paths;
  }

  // A start time: mode byte 0: unset; 1: minutes ago (U16); 2: minutes
  // ahead (U16); 3: any seconds and nanos; 4: an edge of the range; 5:
  // seconds ago (I32). `set` says whether it was given.
  void StartTime(google::protobuf::Timestamp* time, bool& set) {
    const int64_t now = absl::ToUnixSeconds(absl::Now());
    set = true;
    switch (in_.Byte() % 6) {
      case 0:
        set = false;
        return;
      case 1:
        time->set_seconds(now - int64_t{U16()} * 60);
        return;
      case 2:
        time->set_seconds(now + int64_t{U16()} * 60);
        return;
      case 3:
        time->set_seconds(in_.I64());
        time->set_nanos(in_.I32());
        return;
      case 4:
        time->set_seconds(kEdgeSeconds[in_.Byte() % kEdgeSecondCount]);
        time->set_nanos(in_.Bool() ? 999999999 : 0);
        return;
      default:
        time->set_seconds(now - int64_t{in_.I32()});
        return;
    }
  }
  // An end time after `start`: mode byte 0: unset; 1: minutes after the
  // start (U16); 2: any seconds and nanos; 3: an edge.
  void EndTime(const google::protobuf::Timestamp& start, google::protobuf::Timestamp* time,
               bool& set) {
    set = true;
    switch (in_.Byte() % 4) {
      case 0:
        set = false;
        return;
      case 1: {
        const uint64_t seconds =
            static_cast<uint64_t>(start.seconds()) + uint64_t{U16()} * 60;  // wraps, no UB
        time->set_seconds(static_cast<int64_t>(seconds));
        time->set_nanos(start.nanos());
        return;
      }
      case 2:
        time->set_seconds(in_.I64());
        time->set_nanos(in_.I32());
        return;
      default:
        time->set_seconds(kEdgeSeconds[in_.Byte() % kEdgeSecondCount]);
        return;
    }
  }

  // The fields a planner gives (create and update read the same).
  void Planned(v1::Activity* activity) {
    activity->set_party_org(PartyOrg());
    activity->set_kind(static_cast<v1::ActivityKind>(in_.Byte() % 13));
    activity->set_theme(Text());
    activity->set_description(Text());
    const uint8_t where = in_.Byte();
    if (where & 1) activity->set_place(Place());
    if (where & 2) activity->set_service_point(PointName());
    bool has_start = false;
    bool has_end = false;
    StartTime(activity->mutable_start_time(), has_start);
    EndTime(activity->start_time(), activity->mutable_end_time(), has_end);
    if (!has_start) activity->clear_start_time();
    if (!has_end) activity->clear_end_time();
    activity->set_organiser(Person());
    activity->set_capacity(Int());
    for (int n = in_.Byte() % 4; n > 0; --n) {
      const uint8_t b = in_.Byte();
      activity->add_co_organisers(b >= 0xF0 ? Text() : Track(kCoOrganisers[b % kCoOrganiserCount]));
    }
    if (where & 4) activity->set_name(ActivityName());
  }

  void Line(v1::Attendance* line) {
    line->set_kind(static_cast<v1::AttendeeKind>(in_.Byte() % 6));
    line->set_person(Person());
    line->set_minutes(Int());
    line->set_head_count(Int());
    if (in_.Bool()) line->set_key(Text());
  }

  // The etag to send for activity (or service point) `name`.
  std::string Etag(const std::string& name, bool point) {
    switch (in_.Byte() % 3) {
      case 0:
        return "";
      case 1: {
        auto context = Context(true);
        if (point) {
          v1::GetServicePointRequest request;
          request.set_name(name);
          v1::ServicePoint response;
          return Stub().GetServicePoint(context.get(), request, &response).ok() ? response.etag()
                                                                                : "";
        }
        v1::GetActivityRequest request;
        request.set_name(name);
        v1::Activity response;
        return Stub().GetActivity(context.get(), request, &response).ok() ? response.etag() : "";
      }
      default:
        return Text();
    }
  }

  void NoPersonalData(const std::string& name, const std::string& text) const {
    if (grant_) return;
    FUZZ_CHECK(!ContainsPersonalData(text))
        << name << " shows personal data to a caller without the grant: " << text;
  }
  void CheckTexts(const v1::Activity& a) const {
    for (const std::string* text : {&a.theme(), &a.description(), &a.state_reason()}) {
      NoPersonalData(a.name(), *text);
    }
  }
  void CheckTexts(const v1::Attendance& line) const { NoPersonalData(line.name(), line.key()); }
  void CheckTexts(const v1::CreditEntry& entry) const {
    NoPersonalData(entry.name(), entry.reason());
  }
  void CheckTexts(const v1::ServicePoint& point) const {
    NoPersonalData(point.name(), point.address());
  }
  void CheckTexts(const v1::ResourceSnapshot& snapshot) const {
    if (snapshot.has_activity()) CheckTexts(snapshot.activity());
    if (snapshot.has_attendance()) CheckTexts(snapshot.attendance());
    if (snapshot.has_credit_entry()) CheckTexts(snapshot.credit_entry());
    if (snapshot.has_service_point()) CheckTexts(snapshot.service_point());
  }

  // The checks every answer gets (fuzz/answer_checks.h). `revision_before`
  // is the published revision before a write; -1 for a read.
  // `changes_nothing`: an OK answer must leave the revision too
  // (validate_only).
  void Check(const char* method, const grpc::Status& status, int64_t revision_before,
             bool changes_nothing = false) const {
    checks_.Check(method, status, revision_before, changes_nothing);
  }

  static int64_t IdOf(absl::string_view name, absl::string_view prefix) {
    int64_t id = 0;
    if (!absl::ConsumePrefix(&name, prefix) || !absl::SimpleAtoi(name, &id) || id <= 0) return 0;
    return id;
  }
  void Answered(const char* method, const grpc::Status& status, int64_t before,
                const v1::Activity& activity) {
    Check(method, status, before);
    if (!status.ok()) return;
    CheckTexts(activity);
    if (const int64_t id = IdOf(activity.name(), "activities/")) {
      Remembered().last_activity = id;
      touched_.insert(id);
    }
  }
  void Answered(const char* method, const grpc::Status& status, int64_t before,
                const v1::ServicePoint& point) {
    Check(method, status, before);
    if (!status.ok()) return;
    CheckTexts(point);
    if (const int64_t id = IdOf(point.name(), "servicePoints/")) Remembered().last_point = id;
  }
  // An activity a call named, for the totals checked at the end.
  void Touch(const std::string& name) {
    if (const int64_t id = IdOf(name, "activities/")) touched_.insert(id);
  }
  void Account(const std::string& name) {
    if (const int64_t id = IdOf(name, "creditAccounts/")) {
      Remembered().last_account = id;
      accounts_.insert(id);
    }
  }

  template <typename Request>
  void Transition(const char* method,
                  grpc::Status (v1::ActivityService::Stub::*call)(grpc::ClientContext*,
                                                                  const Request&, v1::Activity*),
                  Request request) {
    request.set_name(ActivityName());
    request.set_etag(Track(Etag(request.name(), /*point=*/false)));
    Touch(request.name());
    const int64_t before = Revision();
    v1::Activity response;
    auto context = Context();
    const grpc::Status status = (Stub().*call)(context.get(), request, &response);
    Answered(method, status, before, response);
  }

  void One() {
    const uint8_t op = in_.Byte();
    grant_ = (op & 0x80) != 0;
    checks_.Start(grant_);
    const bool variant = (op & 0x40) != 0;
    switch (static_cast<Op>((op & 0x1F) % kOpCount)) {
      case kCreate: {
        v1::CreateActivityRequest request;
        Planned(request.mutable_activity());
        if (variant) request.set_request_id(Text());
        const int64_t before = Revision();
        v1::Activity response;
        auto context = Context();
        Answered("CreateActivity", Stub().CreateActivity(context.get(), request, &response), before,
                 response);
        return;
      }
      case kUpdate: {
        v1::UpdateActivityRequest request;
        v1::Activity* activity = request.mutable_activity();
        activity->set_name(ActivityName());
        activity->set_etag(Track(Etag(activity->name(), /*point=*/false)));
        for (std::string& path : Mask()) request.mutable_update_mask()->add_paths(path);
        const std::string name = activity->name();
        const std::string etag = activity->etag();
        Planned(activity);
        if (!variant) {
          activity->set_name(name);
          activity->set_etag(etag);
        }
        Touch(activity->name());
        const int64_t before = Revision();
        v1::Activity response;
        auto context = Context();
        Answered("UpdateActivity", Stub().UpdateActivity(context.get(), request, &response), before,
                 response);
        return;
      }
      case kSubmit:
        return Transition("SubmitActivity", &v1::ActivityService::Stub::SubmitActivity,
                          v1::SubmitActivityRequest());
      case kApprove: {
        v1::ApproveActivityRequest request;
        request.set_approver(PartyOrg());
        return Transition("ApproveActivity", &v1::ActivityService::Stub::ApproveActivity, request);
      }
      case kReturn: {
        v1::ReturnActivityRequest request;
        request.set_approver(PartyOrg());
        request.set_reason(Text());
        return Transition("ReturnActivity", &v1::ActivityService::Stub::ReturnActivity, request);
      }
      case kHold:
        return Transition("HoldActivity", &v1::ActivityService::Stub::HoldActivity,
                          v1::HoldActivityRequest());
      case kRecord:
        return Transition("RecordActivity", &v1::ActivityService::Stub::RecordActivity,
                          v1::RecordActivityRequest());
      case kCancel: {
        v1::CancelActivityRequest request;
        request.set_reason(Text());
        return Transition("CancelActivity", &v1::ActivityService::Stub::CancelActivity, request);
      }
      case kRecordAttendance: {
        v1::RecordAttendanceRequest request;
        request.set_parent(ActivityName());
        Line(request.mutable_attendance());
        Touch(request.parent());
        const int64_t before = Revision();
        v1::Attendance response;
        auto context = Context();
        const grpc::Status status = Stub().RecordAttendance(context.get(), request, &response);
        Check("RecordAttendance", status, before);
        if (status.ok()) CheckTexts(response);
        return;
      }
      case kImport: {
        v1::ImportAttendanceRequest request;
        request.set_parent(ActivityName());
        const uint8_t rows = in_.Byte();
        for (int n = rows % 8; n > 0; --n) Line(request.add_attendances());
        // Past the limit: the first line, 10,001 times.
        if (rows == 0xFF && request.attendances_size() > 0) {
          const v1::Attendance first = request.attendances(0);
          while (request.attendances_size() <= static_cast<int>(activity::kMaxImportRows)) {
            *request.add_attendances() = first;
          }
        }
        request.set_validate_only(variant);
        Touch(request.parent());
        const int64_t before = Revision();
        v1::ImportAttendanceResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ImportAttendance(context.get(), request, &response);
        Check("ImportAttendance", status, before, /*changes_nothing=*/variant);
        if (!status.ok()) return;
        FUZZ_CHECK(response.names_size() == request.attendances_size())
            << "ImportAttendance answered " << response.names_size() << " names for "
            << request.attendances_size() << " lines";
        FUZZ_CHECK(response.recorded() + response.unchanged() + response.errors_size() ==
                   request.attendances_size())
            << "ImportAttendance: " << response.recorded() << " recorded, " << response.unchanged()
            << " unchanged and " << response.errors_size() << " refused of "
            << request.attendances_size() << " lines";
        for (const v1::ImportAttendanceError& error : response.errors()) {
          FUZZ_CHECK(error.row() >= 0 && error.row() < request.attendances_size())
              << "ImportAttendance refused row " << error.row();
          checks_.CheckMessage("ImportAttendance's row", error.message());
        }
        return;
      }
      case kListAttendances: {
        v1::ListAttendancesRequest request;
        request.set_parent(ActivityName());
        request.set_page_size(PageSize());
        request.set_page_token(Track(PageToken()));
        if (variant) request.set_read_revision(in_.I64());
        v1::ListAttendancesResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListAttendances(context.get(), request, &response);
        Check("ListAttendances", status, -1);
        if (!status.ok()) return;
        for (const v1::Attendance& line : response.attendances()) CheckTexts(line);
        Remembered().last_page_token = response.next_page_token();
        return;
      }
      case kGetAccount: {
        v1::GetCreditAccountRequest request;
        request.set_name(AccountName());
        request.set_period(Period());
        if (variant) request.set_read_revision(in_.I64());
        Account(request.name());
        v1::CreditAccount response;
        auto context = Context();
        const grpc::Status status = Stub().GetCreditAccount(context.get(), request, &response);
        Check("GetCreditAccount", status, -1);
        if (!status.ok()) return;
        FUZZ_CHECK(response.balance() >= 0)
            << response.name() << " has a negative balance: " << response.balance();
        FUZZ_CHECK(response.period_earned() <= response.earned_total() &&
                   response.period_redeemed() <= response.redeemed_total())
            << response.name() << ": the period's totals exceed the account's";
        return;
      }
      case kListEntries: {
        v1::ListCreditEntriesRequest request;
        request.set_parent(AccountName());
        request.set_page_size(PageSize());
        request.set_page_token(Track(PageToken()));
        if (variant) request.set_read_revision(in_.I64());
        Account(request.parent());
        v1::ListCreditEntriesResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListCreditEntries(context.get(), request, &response);
        Check("ListCreditEntries", status, -1);
        if (!status.ok()) return;
        for (const v1::CreditEntry& entry : response.entries()) CheckTexts(entry);
        Remembered().last_page_token = response.next_page_token();
        return;
      }
      case kRedeem: {
        v1::RedeemCreditRequest request;
        request.set_account(AccountName());
        request.set_amount(Amount());
        request.set_reason(Text());
        if (variant) request.set_request_id(Text());
        Account(request.account());
        const int64_t before = Revision();
        v1::CreditEntry response;
        auto context = Context();
        const grpc::Status status = Stub().RedeemCredit(context.get(), request, &response);
        Check("RedeemCredit", status, before);
        if (!status.ok()) return;
        CheckTexts(response);
        FUZZ_CHECK(response.amount() == -request.amount())
            << "RedeemCredit of " << request.amount() << " entered " << response.amount();
        return;
      }
      case kCreatePoint: {
        v1::CreateServicePointRequest request;
        v1::ServicePoint* point = request.mutable_service_point();
        point->set_unit(Place());
        point->set_display_name(Text());
        point->set_kind(static_cast<v1::ServicePoint::Kind>(in_.Byte() % 6));
        point->set_address(Text());
        if (variant) request.set_request_id(Text());
        const int64_t before = Revision();
        v1::ServicePoint response;
        auto context = Context();
        Answered("CreateServicePoint", Stub().CreateServicePoint(context.get(), request, &response),
                 before, response);
        return;
      }
      case kGetPoint: {
        v1::GetServicePointRequest request;
        request.set_name(PointName());
        if (variant) request.set_read_revision(in_.I64());
        v1::ServicePoint response;
        auto context = Context();
        const grpc::Status status = Stub().GetServicePoint(context.get(), request, &response);
        Check("GetServicePoint", status, -1);
        if (status.ok()) CheckTexts(response);
        return;
      }
      case kUpdatePoint: {
        v1::UpdateServicePointRequest request;
        v1::ServicePoint* point = request.mutable_service_point();
        point->set_name(PointName());
        point->set_etag(Track(Etag(point->name(), /*point=*/true)));
        for (std::string& path : Mask()) request.mutable_update_mask()->add_paths(path);
        point->set_display_name(Text());
        point->set_kind(static_cast<v1::ServicePoint::Kind>(in_.Byte() % 6));
        point->set_address(Text());
        if (variant) point->set_unit(Place());
        const int64_t before = Revision();
        v1::ServicePoint response;
        auto context = Context();
        Answered("UpdateServicePoint", Stub().UpdateServicePoint(context.get(), request, &response),
                 before, response);
        return;
      }
      case kDeletePoint: {
        v1::DeleteServicePointRequest request;
        request.set_name(PointName());
        request.set_etag(Track(Etag(request.name(), /*point=*/true)));
        const int64_t before = Revision();
        v1::ServicePoint response;
        auto context = Context();
        Answered("DeleteServicePoint", Stub().DeleteServicePoint(context.get(), request, &response),
                 before, response);
        return;
      }
      case kListPoints: {
        v1::ListServicePointsRequest request;
        request.set_unit(Place());
        request.set_page_size(PageSize());
        request.set_page_token(Track(PageToken()));
        request.set_show_deleted(variant);
        if (in_.Bool()) request.set_read_revision(in_.I64());
        v1::ListServicePointsResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListServicePoints(context.get(), request, &response);
        Check("ListServicePoints", status, -1);
        if (!status.ok()) return;
        for (const v1::ServicePoint& point : response.service_points()) CheckTexts(point);
        Remembered().last_page_token = response.next_page_token();
        return;
      }
      case kGetActivity: {
        v1::GetActivityRequest request;
        request.set_name(ActivityName());
        if (variant) request.set_read_revision(in_.I64());
        v1::Activity response;
        auto context = Context();
        const grpc::Status status = Stub().GetActivity(context.get(), request, &response);
        Check("GetActivity", status, -1);
        if (status.ok()) CheckTexts(response);
        return;
      }
      case kListActivities: {
        v1::ListActivitiesRequest request;
        request.set_place(Place());
        request.set_filter(Filter());
        request.set_page_size(PageSize());
        request.set_page_token(Track(PageToken()));
        if (variant) request.set_read_revision(in_.I64());
        v1::ListActivitiesResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListActivities(context.get(), request, &response);
        Check("ListActivities", status, -1);
        if (!status.ok()) return;
        for (const v1::Activity& activity : response.activities()) CheckTexts(activity);
        Remembered().last_page_token = response.next_page_token();
        return;
      }
      case kListEvents:
      case kOpCount: {
        v1::ListEventsRequest request;
        const uint8_t start = in_.Byte();
        request.set_start_revision(start < 0xF0 ? int64_t{start} : in_.I64());
        request.set_page_size(in_.Byte() % 8);
        if (in_.Bool()) request.set_page_token(Text());
        v1::ListEventsResponse response;
        auto context = Context();
        const grpc::Status status = Stub().ListEvents(context.get(), request, &response);
        Check("ListEvents", status, -1);
        if (!status.ok()) return;
        for (const v1::Event& event : response.events()) {
          CheckTexts(event.before());
          CheckTexts(event.after());
        }
        return;
      }
    }
  }

  // After every operation: the roster's people's accounts, and the ones
  // this input named, never below zero.
  void CheckCredit() {
    std::set<int64_t> accounts = accounts_;
    accounts.insert(1);
    accounts.insert(2);
    for (int64_t person : accounts) {
      v1::GetCreditAccountRequest request;
      request.set_name(absl::StrCat("creditAccounts/", person));
      v1::CreditAccount account;
      auto context = Context(true);
      const grpc::Status status = Stub().GetCreditAccount(context.get(), request, &account);
      FUZZ_CHECK(status.ok()) << "GetCreditAccount " << request.name() << " answered "
                              << static_cast<int>(status.error_code()) << ": "
                              << status.error_message();
      FUZZ_CHECK(account.balance() >= 0)
          << request.name() << " has a negative balance: " << account.balance();
      FUZZ_CHECK(account.balance() == account.earned_total() - account.redeemed_total())
          << request.name() << ": balance " << account.balance() << " is not earned "
          << account.earned_total() << " - redeemed " << account.redeemed_total();
    }
  }

  // At the end of the input: each activity it touched carries the totals of
  // its lines.
  void CheckTotals() {
    for (int64_t id : touched_) {
      const std::string name = absl::StrCat("activities/", id);
      v1::GetActivityRequest get;
      get.set_name(name);
      v1::Activity activity;
      auto context = Context(true);
      const grpc::Status status = Stub().GetActivity(context.get(), get, &activity);
      if (status.error_code() == grpc::StatusCode::NOT_FOUND) continue;
      FUZZ_CHECK(status.ok()) << "GetActivity " << name << " answered "
                              << static_cast<int>(status.error_code()) << ": "
                              << status.error_message();
      int64_t credit = 0;
      int64_t attendees = 0;
      int64_t residents = 0;
      int64_t minutes = 0;
      v1::ListAttendancesRequest list;
      list.set_parent(name);
      list.set_page_size(1000);
      list.set_read_revision(0);
      for (int page = 0;; ++page) {
        FUZZ_CHECK(page < 1000) << name << ": the attendance pages do not end";
        v1::ListAttendancesResponse lines;
        auto list_context = Context(true);
        const grpc::Status listed = Stub().ListAttendances(list_context.get(), list, &lines);
        FUZZ_CHECK(listed.ok()) << "ListAttendances " << name << " answered "
                                << static_cast<int>(listed.error_code()) << ": "
                                << listed.error_message();
        if (page == 0) list.set_read_revision(lines.revision());
        for (const v1::Attendance& line : lines.attendances()) {
          credit += line.credit();
          if (line.person().empty()) {
            residents += line.head_count();
          } else {
            ++attendees;
            minutes += line.minutes();
          }
        }
        if (lines.next_page_token().empty()) break;
        list.set_page_token(lines.next_page_token());
      }
      FUZZ_CHECK(activity.credit_awarded() == credit)
          << name << " awarded " << activity.credit_awarded() << " credit; its lines earned "
          << credit;
      FUZZ_CHECK(activity.attendees() == attendees)
          << name << " counts " << activity.attendees() << " attendees; it has " << attendees
          << " person lines";
      FUZZ_CHECK(activity.residents_served() == residents)
          << name << " counts " << activity.residents_served() << " residents; its lines "
          << residents;
      FUZZ_CHECK(activity.service_minutes() == minutes)
          << name << " counts " << activity.service_minutes() << " minutes; its lines " << minutes;
    }
  }

  FuzzInput in_;
  bool grant_ = false;
  AnswerChecks checks_;
  std::set<int64_t> touched_;   // activities the input named or made
  std::set<int64_t> accounts_;  // credit accounts the input named
};

}  // namespace
}  // namespace grassroots::fuzz

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  grassroots::fuzz::SilenceProtobufLogs();
  grassroots::fuzz::ActivityServer::Get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  grassroots::fuzz::Run(data, size).All();
  return 0;
}
