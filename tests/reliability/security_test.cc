// The security suite: what the gateway's own tests (tests/gateway/
// gateway_authz_test.cc: the authorisation matrix, forged caller metadata,
// masking, the access log of one call, a sequential flood, oversized
// messages, TLS to clients) leave out.
//
// - Logs: a realistic session with personal data (valid ID-card numbers
//   and mobile numbers, updates, an import with bad rows, bad tokens, calls
//   denied for scope), then every log of the three processes and the access
//   log scanned for each token and number used and for anything shaped like
//   an unmasked ID-card or mobile number.
// - Tokens at rest: the tokens file holds hashes only, and no token reaches
//   any file the processes write, nor a service (a recording backend sees
//   what the gateway forwards).
// - Page tokens and page sizes: garbage, enormous, forged past the end or
//   at a revision never committed, taken from another list or filter; page
//   sizes out of range; refused with INVALID_ARGUMENT naming the field while
//   another principal keeps being served; forged tokens never widen a
//   scoped principal's view.
// - A flood of 200 connections of one principal, with large and oversized
//   messages, while another principal's calls all succeed.
// - TLS to the services: the gateway never falls back to plaintext.
//
// Constant-time comparison of tokens is a property of the code
// (gateway/token_store.cc TokenTable::Find confirms the hash with
// ConstantTimeEquals, common/crypto.cc, which is CRYPTO_memcmp); its results
// are unit-tested in tests/common/caller_signature_test.cc.

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "common/crypto.h"
#include "common/page_token.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/async_generic_service.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/testing/wait_for.h"

namespace grassroots::gateway::testing {
namespace {

using ::grassroots::roster::testing::MakeDate;
using ::grassroots::roster::testing::NewMember;
using ::grassroots::roster::testing::NewPerson;
using ::grassroots::testing::NewClientContext;
using ::grassroots::testing::ServerOptions;
using ::grassroots::testing::ServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

// ---------------------------------------------------------------------------
// Personal data that looks real.

// A resident ID-card number as people have them: a real region code of
// Wuhan or another city, a birth date between 1940 and 2005, a sequence
// number, and the GB 11643 check character. With `want_x`, one whose check
// character is X (about one in eleven), since that is the form a naive
// digits-only scan misses.
std::string RealisticIdCard(std::mt19937& random, bool want_x = false) {
  static constexpr const char* kRegions[] = {"420102", "420103", "420104", "420105", "420106",
                                             "420111", "110105", "310104", "440305", "510107"};
  while (true) {
    const int year = 1940 + static_cast<int>(random() % 66);
    const int month = 1 + static_cast<int>(random() % 12);
    const int day = 1 + static_cast<int>(random() % 28);
    const int sequence = 1 + static_cast<int>(random() % 998);
    const std::string first17 =
        absl::StrFormat("%s%04d%02d%02d%03d", kRegions[random() % 10], year, month, day, sequence);
    const char check = IdCardCheckCharacter(first17);
    if (want_x && check != 'X') continue;
    return absl::StrCat(first17, std::string(1, check));
  }
}

// A mainland mobile number with a prefix of one of the carriers.
std::string RealisticPhone(std::mt19937& random) {
  static constexpr const char* kPrefixes[] = {"139", "186", "150", "177", "135",
                                              "188", "158", "131", "199", "166"};
  return absl::StrFormat("%s%08d", kPrefixes[random() % 10],
                         static_cast<int>(random() % 100000000));
}

// Everything in `text` shaped like an unmasked ID-card number or mobile
// number, found independently of the product's own RedactPersonalData: a
// run of exactly 18 digits, or 17 digits and an X; a run of exactly 11
// digits starting 1[3-9], or 13 digits starting 861[3-9] (+86 written
// without the plus). A run longer than that (a timestamp in nanoseconds) is
// not a number of either kind.
std::vector<std::string> UnmaskedPersonalData(absl::string_view text) {
  std::vector<std::string> found;
  const auto digit = [&](size_t i) {
    return i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]));
  };
  size_t i = 0;
  while (i < text.size()) {
    if (!digit(i)) {
      ++i;
      continue;
    }
    size_t end = i;
    while (digit(end)) ++end;
    const absl::string_view run = text.substr(i, end - i);
    const bool x_tail =
        run.size() == 17 && end < text.size() && (text[end] == 'X' || text[end] == 'x');
    const auto mobile_at = [&](size_t at) { return run[at] == '1' && run[at + 1] >= '3'; };
    if (run.size() == 18 || x_tail) {
      found.emplace_back(text.substr(i, 18));
    } else if (run.size() == 11 && mobile_at(0)) {
      found.emplace_back(run);
    } else if (run.size() == 13 && absl::StartsWith(run, "86") && mobile_at(2)) {
      found.emplace_back(run);
    }
    i = end;
  }
  return found;
}

// In an access log, the request ids the gateway made up (RandomHex(8): 16
// lower-case hex digits) blanked: one in a thousand or so holds 11 digits in
// a row by chance. Callers' own ids are left as they are.
std::string WithoutMadeUpRequestIds(absl::string_view access_log, int* blanked) {
  std::string out;
  for (absl::string_view line : absl::StrSplit(access_log, '\n')) {
    const size_t at = line.rfind(" request_id=");
    if (at != absl::string_view::npos) {
      const absl::string_view id = line.substr(at + 12);
      const bool made_up =
          id.size() == 16 && std::all_of(id.begin(), id.end(), [](char c) {
            return absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f');
          });
      if (made_up) {
        absl::StrAppend(&out, line.substr(0, at), " request_id=<made up>\n");
        ++*blanked;
        continue;
      }
    }
    absl::StrAppend(&out, line, "\n");
  }
  return out;
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Every regular file below `dir`.
std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) files.push_back(it->path().string());
  }
  return files;
}

std::string DirOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

int CountLines(absl::string_view text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

// ---------------------------------------------------------------------------
// Page tokens.

// `real` (a token a service issued) with its cursor changed, the way anyone
// who reads common/page_token.cc can: tokens carry a checksum, not a seal
// (docs/gateway.md, known limits). Empty when `real` is not of that format.
std::string ForgePageToken(const std::string& real, std::optional<int64_t> revision,
                           std::optional<int64_t> last_key) {
  constexpr size_t kPayload = 1 + 4 * 8;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(real, &raw) || raw.size() != kPayload + 4) return "";
  const auto put = [&](size_t offset, int64_t value) {
    for (int i = 0; i < 8; ++i) {
      raw[offset + i] = static_cast<char>((static_cast<uint64_t>(value) >> (8 * i)) & 0xFF);
    }
  };
  if (revision) put(1, *revision);
  if (last_key) put(9, *last_key);
  const uint64_t h = StableHasher().Add(absl::string_view(raw).substr(0, kPayload)).hash();
  const uint32_t sum = static_cast<uint32_t>(h ^ (h >> 32));
  for (int i = 0; i < 4; ++i) raw[kPayload + i] = static_cast<char>((sum >> (8 * i)) & 0xFF);
  return absl::WebSafeBase64Escape(raw);
}

// What one call of a paged list returned.
struct ListOutcome {
  grpc::Status status;
  int items = 0;
  std::string next_page_token;
  absl::Duration latency;
};

// One paged list method, called with a page size and token on top of a
// fixed request.
struct PagedList {
  std::string method;
  // Whether its pages are read at the first page's revision (a token
  // carries it). Event lists page by (revision, index) instead: events do
  // not change, so there is no revision to read at.
  bool reads_at_revision;
  std::function<ListOutcome(int32_t page_size, const std::string& page_token)> call;
};

template <typename Stub, typename Request, typename Response, typename ItemsOf>
PagedList MakePagedList(std::string method, Stub* stub,
                        grpc::Status (Stub::*rpc)(grpc::ClientContext*, const Request&, Response*),
                        Request base, ItemsOf items_of) {
  const bool reads_at_revision = !absl::EndsWith(method, ".ListEvents");
  return {std::move(method), reads_at_revision,
          [=](int32_t page_size, const std::string& page_token) {
            Request request = base;
            request.set_page_size(page_size);
            request.set_page_token(page_token);
            Response response;
            auto context = NewClientContext(absl::Seconds(10));
            const absl::Time start = absl::Now();
            ListOutcome outcome;
            outcome.status = (stub->*rpc)(context.get(), request, &response);
            outcome.latency = absl::Now() - start;
            outcome.items = items_of(response);
            outcome.next_page_token = response.next_page_token();
            return outcome;
          }};
}

// Latency percentiles, for the figures.
std::string Percentiles(std::vector<absl::Duration> latencies) {
  if (latencies.empty()) return "no calls";
  std::sort(latencies.begin(), latencies.end());
  const auto at = [&](double q) {
    return absl::FormatDuration(absl::Trunc(
        latencies[static_cast<size_t>(q * (latencies.size() - 1))], absl::Microseconds(100)));
  };
  return absl::StrCat("p50 ", at(0.5), ", p99 ", at(0.99), ", max ", at(1.0), " over ",
                      latencies.size(), " calls");
}

// ---------------------------------------------------------------------------
// A backend that records what it is sent.

// Stands in for both services behind a second gateway: answers the health
// check SERVING, records the method and metadata of every other call, and
// refuses it. It shows what leaves the gateway.
class RecordingBackend final : public grpc::CallbackGenericService {
 public:
  struct Call {
    std::string method;
    std::vector<std::pair<std::string, std::string>> metadata;
  };

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override {
    Call call{context->method(), {}};
    for (const auto& [key, value] : context->client_metadata()) {
      call.metadata.emplace_back(std::string(key.data(), key.size()),
                                 std::string(value.data(), value.size()));
    }
    {
      absl::MutexLock lock(&mu_);
      calls_.push_back(std::move(call));
    }
    class Refuse final : public grpc::ServerGenericBidiReactor {
     public:
      Refuse() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "recording backend")); }
      void OnDone() override { delete this; }
    };
    return new Refuse;
  }

  std::vector<Call> calls() const {
    absl::MutexLock lock(&mu_);
    return calls_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
};

// ---------------------------------------------------------------------------
// The fixture.

class SecurityTest : public GatewaySuite {
 protected:
  using Clients = GatewayClients;

  // A gateway started next to the suite's, with the suite's tokens and key
  // and `extra` flags.
  absl::StatusOr<std::unique_ptr<ServerProcess>> LaunchSecondGateway(
      const std::vector<std::string>& extra) {
    ServerOptions options;
    options.binary = GATEWAY_BINARY;
    options.pass_data_dir = false;
    options.start_timeout = absl::Seconds(10);
    options.extra_args = {absl::StrCat("--tokens_file=", tokens_file_),
                          absl::StrCat("--caller_key_file=", key_file_), "--health_interval=100ms"};
    options.extra_args.insert(options.extra_args.end(), extra.begin(), extra.end());
    return ServerProcess::Launch(options);
  }

  // A self-signed certificate for 127.0.0.1 (key, cert).
  void MakeCertificate(const std::string& key, const std::string& cert) {
    const std::string command = absl::StrCat(
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout ",
        key, " -out ", cert, " 2>/dev/null");
    ASSERT_EQ(std::system(command.c_str()), 0) << "openssl could not make a certificate";
  }

  // Polls `server`'s log until it contains `text`.
  static bool WaitForLog(const ServerProcess& server, absl::string_view text,
                         absl::Duration timeout = absl::Seconds(10)) {
    return ::grassroots::testing::WaitFor([&] { return absl::StrContains(server.ReadLog(), text); },
                                          timeout, absl::Milliseconds(20));
  }
};

// ---------------------------------------------------------------------------
// Logs.

TEST_F(SecurityTest, LogsHoldNoTokenAndNoUnmaskedPersonalData) {
  std::mt19937 random(20241107);
  const TestPrincipal editor =
      AddPrincipal("community-editor", "EDITOR", inside_.community.name(), false);
  const TestPrincipal viewer =
      AddPrincipal("community-viewer", "VIEWER", inside_.community.name(), false);
  const TestPrincipal outsider =
      AddPrincipal("other-community-viewer", "VIEWER", outside_.community.name(), true);
  const TestPrincipal leaver = AddPrincipal("leaver", "EDITOR", inside_.community.name(), true);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());

  // Everything the logs must not hold.
  std::set<std::string> tokens;  // valid, revoked and made up
  std::set<std::string> id_cards, phones;
  for (const TestPrincipal& p : principals_) tokens.insert(p.token);
  id_cards.insert(inside_.id_card);
  id_cards.insert(outside_.id_card);
  phones.insert(::grassroots::roster::testing::TestPhone(1));
  phones.insert(::grassroots::roster::testing::TestPhone(2));
  std::vector<std::string> refusals;  // every error message a caller got

  Clients admin = ClientsOf(district_admin_.token);
  Clients edit = ClientsOf(editor.token);
  RosterClient admin_roster(Channel(district_admin_.token));
  RosterClient editor_roster(Channel(editor.token));

  // People with realistic numbers, created by the admin (with the grant)
  // and by the scoped editor (without), in both communities.
  std::vector<roster_v1::Person> people;
  std::vector<std::string> people_id_cards;  // `people` shows them masked to the editor
  for (int i = 0; i < 12; ++i) {
    const std::string id_card = RealisticIdCard(random, /*want_x=*/i % 4 == 0);
    const std::string phone = RealisticPhone(random);
    id_cards.insert(id_card);
    phones.insert(phone);
    roster_v1::Person person = NewPerson(absl::StrCat("居民", i), id_card,
                                         i % 3 == 0 ? absl::StrCat("+86", phone) : phone);
    const bool inside = i % 2 == 0;
    person.set_residence_building(inside ? inside_.building.name() : outside_.building.name());
    person.set_residence_room(absl::StrCat(1 + i % 3, "-", 101 + i));
    const RosterClient& creator = inside && i % 4 == 2 ? editor_roster : admin_roster;
    ASSERT_OK_AND_ASSIGN(roster_v1::Person created, creator.CreatePerson(person));
    people.push_back(created);
    people_id_cards.push_back(id_card);
  }
  // Updates: a new phone (the old one stays a secret), a room.
  for (int i = 0; i < 6; ++i) {
    const std::string phone = RealisticPhone(random);
    phones.insert(phone);
    roster_v1::Person update;
    update.set_name(people[i].name());
    update.set_phone(phone);
    update.set_residence_room(absl::StrCat("9-", 900 + i));
    const RosterClient& updater = i % 2 == 0 ? editor_roster : admin_roster;
    ASSERT_OK(updater.UpdatePerson(update, {"phone", "residence_room"}).status());
  }
  // Lookups by number: with and without the grant, unknown, outside.
  for (int i = 0; i < 4; ++i) {
    (void)admin_roster.LookupPersonByIdCard(people_id_cards[2 * i]);
    (void)editor_roster.LookupPersonByIdCard(people_id_cards[2 * i]);
  }
  const std::string unknown_id_card = RealisticIdCard(random);
  id_cards.insert(unknown_id_card);
  for (const std::string& number : {unknown_id_card, outside_.id_card, people_id_cards[1]}) {
    absl::StatusOr<roster_v1::Person> found = editor_roster.LookupPersonByIdCard(number);
    EXPECT_EQ(found.status().code(), absl::StatusCode::kPermissionDenied);
    refusals.emplace_back(found.status().message());
  }

  // Unary creates that are refused: a wrong check character, a number
  // already taken, a phone that is not a mobile.
  {
    const std::string wrong =
        ::grassroots::roster::testing::WithWrongCheckCharacter(RealisticIdCard(random));
    id_cards.insert(wrong);
    roster_v1::Person bad = NewPerson("错号", wrong);
    bad.set_residence_building(inside_.building.name());
    absl::StatusOr<roster_v1::Person> created = editor_roster.CreatePerson(bad);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
    refusals.emplace_back(created.status().message());
    roster_v1::Person taken = NewPerson("重号", people_id_cards[0]);
    taken.set_residence_building(inside_.building.name());
    created = editor_roster.CreatePerson(taken);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kAlreadyExists);
    refusals.emplace_back(created.status().message());
    const std::string bad_phone = absl::StrCat("1", RealisticPhone(random));  // 12 digits
    phones.insert(bad_phone);
    roster_v1::Person phone_person = NewPerson("错手机", "", bad_phone);
    phone_person.set_residence_building(inside_.building.name());
    created = editor_roster.CreatePerson(phone_person);
    EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
    refusals.emplace_back(created.status().message());
  }

  // A bulk import by the scoped editor with good rows and bad ones.
  {
    std::vector<roster_v1::ImportRow> rows;
    const auto row = [&](const std::string& key, const std::string& id_card,
                         const std::string& phone) {
      roster_v1::ImportRow r;
      *r.mutable_person() = NewPerson(absl::StrCat("导入", key), id_card, phone);
      r.mutable_person()->set_external_key(key);
      r.mutable_person()->set_residence_building(inside_.building.name());
      id_cards.insert(id_card);
      phones.insert(phone);
      rows.push_back(r);
    };
    for (int i = 0; i < 6; ++i) {
      row(absl::StrCat("good-", i), RealisticIdCard(random), RealisticPhone(random));
    }
    const std::string base = RealisticIdCard(random);
    row("bad-check", ::grassroots::roster::testing::WithWrongCheckCharacter(base),
        RealisticPhone(random));
    const std::string impossible_date = absl::StrCat(base.substr(0, 6), "19991340", "123");
    row("bad-date",
        absl::StrCat(impossible_date, std::string(1, IdCardCheckCharacter(impossible_date))),
        RealisticPhone(random));
    const std::string region_zero = absl::StrCat("0", base.substr(1, 16));
    row("bad-region", absl::StrCat(region_zero, std::string(1, IdCardCheckCharacter(region_zero))),
        RealisticPhone(random));
    const std::string future = absl::StrCat(base.substr(0, 6), "20900101", "123");
    row("bad-future", absl::StrCat(future, std::string(1, IdCardCheckCharacter(future))),
        RealisticPhone(random));
    row("bad-short", base.substr(0, 17), RealisticPhone(random));
    row("bad-phone-long", RealisticIdCard(random), absl::StrCat(RealisticPhone(random), "8"));
    row("bad-phone-prefix", RealisticIdCard(random),
        absl::StrCat("12", RealisticPhone(random).substr(2)));
    row("bad-phone-letter", RealisticIdCard(random),
        absl::StrCat(RealisticPhone(random).substr(0, 10), "O"));
    row("taken", people_id_cards[2], RealisticPhone(random));

    roster_v1::ImportPeopleResponse response;
    auto context = NewClientContext();
    auto writer = edit.roster->ImportPeople(context.get(), &response);
    for (size_t i = 0; i < rows.size(); i += 4) {
      roster_v1::ImportPeopleRequest request;
      for (size_t j = i; j < std::min(rows.size(), i + 4); ++j) *request.add_rows() = rows[j];
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    const grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.people_created(), 6);
    EXPECT_EQ(response.errors_size(), 9);
    for (const roster_v1::ImportRowError& error : response.errors()) {
      refusals.push_back(absl::StrCat(error.field(), ": ", error.message()));
    }
  }

  // Calls denied for scope and for role.
  {
    roster_v1::GetPersonRequest get;
    get.set_name(people[1].name());  // lives outside
    roster_v1::Person person;
    grpc::Status status = edit.roster->GetPerson(NewClientContext().get(), get, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    refusals.push_back(status.error_message());
    roster_v1::UpdatePersonRequest update;
    update.mutable_person()->set_name(people[1].name());
    update.mutable_person()->set_phone(RealisticPhone(random));
    phones.insert(update.person().phone());
    update.mutable_update_mask()->add_paths("phone");
    status = edit.roster->UpdatePerson(NewClientContext().get(), update, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    refusals.push_back(status.error_message());
    Clients view = ClientsOf(viewer.token);
    roster_v1::CreatePersonRequest create;
    *create.mutable_person() = NewPerson("只读者", RealisticIdCard(random), RealisticPhone(random));
    id_cards.insert(create.person().id_card_number());
    phones.insert(create.person().phone());
    create.mutable_person()->set_residence_building(inside_.building.name());
    status = view.roster->CreatePerson(NewClientContext().get(), create, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    refusals.push_back(status.error_message());
    Clients other = ClientsOf(outsider.token);
    roster_v1::LookupPersonByIdCardRequest lookup;
    lookup.set_id_card_number(inside_.id_card);
    status = other.roster->LookupPersonByIdCard(NewClientContext().get(), lookup, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    refusals.push_back(status.error_message());
  }

  // A token that is revoked ("expired": tokens have no lifetime of their
  // own; an operator removes them and reloads).
  {
    Clients left = ClientsOf(leaver.token);
    gateway_v1::WhoAmIResponse who;
    ASSERT_TRUE(left.gateway->WhoAmI(NewClientContext().get(), {}, &who).ok());
    principals_.erase(std::find_if(principals_.begin(), principals_.end(),
                                   [&](const TestPrincipal& p) { return p.name == leaver.name; }));
    WriteTokens();
    ASSERT_EQ(kill(gateway_->pid(), SIGHUP), 0);
    grpc::Status status;
    for (int i = 0; i < 250; ++i) {
      status = left.gateway->WhoAmI(NewClientContext().get(), {}, &who);
      if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) break;
      absl::SleepFor(absl::Milliseconds(20));
    }
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << "still accepted";
    roster_v1::GetPersonRequest get;
    get.set_name(people[0].name());
    roster_v1::Person person;
    status = left.roster->GetPerson(NewClientContext().get(), get, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    refusals.push_back(status.error_message());
  }

  // Wrong and malformed credentials; some "tokens" are personal data, as a
  // confused client might send.
  {
    const std::string id_card_token = RealisticIdCard(random);
    const std::string phone_token = RealisticPhone(random);
    id_cards.insert(id_card_token);
    phones.insert(phone_token);
    const std::vector<std::string> attempted = {
        absl::StrCat("tok-", RandomHex(16)),
        absl::StrCat(district_admin_.token, "x"),
        district_admin_.token.substr(0, district_admin_.token.size() - 1),
        absl::StrCat("tok-long-", std::string(4000, 'k'), RandomHex(8)),
        id_card_token,
        phone_token};
    std::vector<std::string> headers;
    for (const std::string& token : attempted) {
      tokens.insert(token);
      headers.push_back(absl::StrCat("Bearer ", token));
    }
    const std::string basic =
        absl::StrCat("Basic ", absl::Base64Escape(absl::StrCat("admin:", editor.token)));
    tokens.insert(absl::Base64Escape(absl::StrCat("admin:", editor.token)));
    headers.push_back(basic);
    headers.push_back("Bearer");
    headers.push_back(editor.token);  // no scheme
    headers.push_back(absl::StrCat("Token ", editor.token));
    auto anonymous = org_v1::OrgService::NewStub(Channel(""));
    org_v1::GetUnitRequest get;
    get.set_name(inside_.compound.name());
    org_v1::Unit unit;
    for (const std::string& header : headers) {
      auto context = NewClientContext();
      context->AddMetadata("authorization", header);
      const grpc::Status status = anonymous->GetUnit(context.get(), get, &unit);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED) << header.substr(0, 40);
      refusals.push_back(status.error_message());
    }
    // Two headers, one of them valid: refused, not the valid one picked.
    auto twice = NewClientContext();
    twice->AddMetadata("authorization", absl::StrCat("Bearer ", attempted[0]));
    twice->AddMetadata("authorization", absl::StrCat("Bearer ", district_admin_.token));
    const grpc::Status status = anonymous->GetUnit(twice.get(), get, &unit);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    refusals.push_back(status.error_message());
  }

  // A client that bypasses the gateway: anonymous, masked, and its lookups
  // go through the service's handlers (and whatever they log).
  {
    auto direct = roster_v1::RosterService::NewStub(
        ::grassroots::testing::CreateTestChannel(roster_server_->address()));
    roster_v1::LookupPersonByIdCardRequest lookup;
    lookup.set_id_card_number(people_id_cards[0]);
    roster_v1::Person person;
    ASSERT_TRUE(direct->LookupPersonByIdCard(NewClientContext().get(), lookup, &person).ok());
    EXPECT_NE(person.id_card_number(), people_id_cards[0]);
    lookup.set_id_card_number(
        ::grassroots::roster::testing::WithWrongCheckCharacter(people_id_cards[0]));
    const grpc::Status status =
        direct->LookupPersonByIdCard(NewClientContext().get(), lookup, &person);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    refusals.push_back(status.error_message());
  }

  // Every process stopped in order, so that every log is complete (the
  // access log is flushed on the way out).
  EXPECT_THAT(gateway_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  EXPECT_THAT(roster_server_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  EXPECT_THAT(org_server_->Stop(), ::grassroots::testing::IsOkAndHolds(0));

  int made_up_ids = 0;
  const std::string access_log = ReadFileBytes(access_log_);
  const std::vector<std::pair<std::string, std::string>> logs = {
      {"org_service log", org_server_->ReadLog()},
      {"roster_service log", roster_server_->ReadLog()},
      {"gateway log", gateway_->ReadLog()},
      {"access log", access_log},
      {"security log", ReadFileBytes(security_log_)},
  };
  // The security log saw the refusals and the taken number, with who.
  for (const char* line : {"refused principal=community-editor", "code=PERMISSION_DENIED",
                           "conflict principal=community-editor", "refused principal=- peer="}) {
    EXPECT_TRUE(absl::StrContains(logs.back().second, line)) << "the security log has no " << line;
  }
  // The access log saw this session: its imports, its refusals.
  for (const char* line : {"principal=community-editor method=RosterService.ImportPeople code=OK",
                           "code=UNAUTHENTICATED", "code=PERMISSION_DENIED"}) {
    EXPECT_TRUE(absl::StrContains(access_log, line)) << "the access log has no " << line;
  }
  EXPECT_GT(CountLines(access_log), 60);

  size_t bytes = 0;
  int lines = 0;
  for (const auto& [what, text] : logs) {
    bytes += text.size();
    lines += CountLines(text);
    for (const std::string& token : tokens) {
      EXPECT_FALSE(absl::StrContains(text, token)) << what << " holds a token";
    }
    for (const auto* secrets : {&id_cards, &phones}) {
      for (const std::string& secret : *secrets) {
        EXPECT_FALSE(absl::StrContains(text, secret)) << what << " holds a number the test used";
      }
    }
    const std::string scanned =
        what == "access log" ? WithoutMadeUpRequestIds(text, &made_up_ids) : text;
    EXPECT_THAT(UnmaskedPersonalData(scanned), ::testing::IsEmpty()) << what;
  }
  // What callers were told when refused: the number they sent is not
  // repeated back (it may not be theirs to see).
  for (const std::string& message : refusals) {
    EXPECT_THAT(UnmaskedPersonalData(message), ::testing::IsEmpty()) << message;
    for (const auto* secrets : {&id_cards, &phones, &tokens}) {
      for (const std::string& secret : *secrets) {
        EXPECT_FALSE(absl::StrContains(message, secret)) << "a refusal repeats what was sent";
      }
    }
  }
  std::cout << "[ figures ] log scan: " << logs.size() << " logs, " << lines << " lines, " << bytes
            << " bytes; looked for " << tokens.size() << " tokens, " << id_cards.size()
            << " ID-card numbers, " << phones.size() << " phones and both patterns (" << made_up_ids
            << " made-up request ids set aside); " << refusals.size()
            << " refusal messages checked\n";
}

// A request id is the caller's to choose, and the gateway writes it to the
// access log and sends it on. One that carries personal data or the
// caller's own token (a client using an ID-card number as its idempotency
// key, say) must not reach the log as it is.
TEST_F(SecurityTest, ACallerChosenRequestIdCarryingPersonalDataOrATokenIsNotLogged) {
  std::mt19937 random(7);
  const std::vector<std::string> ids = {RealisticIdCard(random), RealisticPhone(random),
                                        district_admin_.token};
  auto stub = gateway_v1::GatewayService::NewStub(Channel(district_admin_.token));
  for (const std::string& id : ids) {
    auto context = NewClientContext();
    context->AddMetadata("x-request-id", id);
    gateway_v1::WhoAmIResponse who;
    ASSERT_TRUE(stub->WhoAmI(context.get(), {}, &who).ok());
    auto echoed = context->GetServerInitialMetadata().find("x-request-id");
    ASSERT_NE(echoed, context->GetServerInitialMetadata().end());
    EXPECT_FALSE(std::string(echoed->second.data(), echoed->second.size()) == id)
        << "the request id was taken as it is";
  }
  // An ordinary id is still taken as it is.
  auto context = NewClientContext();
  context->AddMetadata("x-request-id", "import-2024-11-07-0001");
  gateway_v1::WhoAmIResponse who;
  ASSERT_TRUE(stub->WhoAmI(context.get(), {}, &who).ok());
  EXPECT_THAT(gateway_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  const std::string access_log = ReadFileBytes(access_log_);
  EXPECT_TRUE(absl::StrContains(access_log, "request_id=import-2024-11-07-0001"));
  for (const std::string& id : ids) {
    EXPECT_FALSE(absl::StrContains(access_log, id)) << "the access log holds the request id";
  }
}

// ---------------------------------------------------------------------------
// Tokens at rest and in flight.

TEST_F(SecurityTest, TokensAreStoredOnlyAsHashesAndWrittenNowhere) {
  for (const char* role : {"VIEWER", "EDITOR", "ADMIN", "AUDITOR"}) {
    AddPrincipal(absl::StrCat("rest-", absl::AsciiStrToLower(role)), role, inside_.community.name(),
                 std::string(role) == "AUDITOR");
  }
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());

  // The file: one 64-hex SHA-256 per principal, and no token.
  const std::string file = ReadFileBytes(tokens_file_);
  std::set<std::string> hashes_in_file, expected_hashes;
  for (absl::string_view line : absl::StrSplit(file, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    const std::vector<std::string> fields = absl::StrSplit(line, ' ', absl::SkipEmpty());
    ASSERT_EQ(fields.size(), 5u) << line;
    hashes_in_file.insert(fields[0]);
  }
  for (const TestPrincipal& p : principals_) {
    expected_hashes.insert(Sha256Hex(p.token));
    EXPECT_FALSE(absl::StrContains(file, p.token)) << "the tokens file holds a token";
  }
  EXPECT_EQ(hashes_in_file, expected_hashes);

  // Every token used, plus made-up ones.
  std::vector<std::string> tokens;
  for (const TestPrincipal& p : principals_) tokens.push_back(p.token);
  for (int i = 0; i < 3; ++i) tokens.push_back(absl::StrCat("tok-guess-", RandomHex(16)));
  for (const std::string& token : tokens) {
    Clients c = ClientsOf(token);
    gateway_v1::WhoAmIResponse who;
    (void)c.gateway->WhoAmI(NewClientContext().get(), {}, &who);
    org_v1::GetUnitRequest get;
    get.set_name(inside_.compound.name());
    org_v1::Unit unit;
    (void)c.org->GetUnit(NewClientContext().get(), get, &unit);
    roster_v1::ListPeopleRequest list;
    roster_v1::ListPeopleResponse people;
    (void)c.roster->ListPeople(NewClientContext().get(), list, &people);
  }

  // An operator's mistake: the raw token pasted where its hash belongs. The
  // file is refused, and the refusal does not repeat what it found.
  {
    std::ofstream out(tokens_file_);
    out << "# sha256 principal role scope pii\n"
        << Sha256Hex(district_admin_.token) << " district-admin ADMIN * pii\n"
        << principals_.back().token << " pasted VIEWER * -\n";
  }
  ASSERT_EQ(kill(gateway_->pid(), SIGHUP), 0);
  ASSERT_TRUE(WaitForLog(*gateway_, "tokens not reloaded"));
  Clients still = ClientsOf(principals_.back().token);
  gateway_v1::WhoAmIResponse who;
  EXPECT_TRUE(still.gateway->WhoAmI(NewClientContext().get(), {}, &who).ok())
      << "the refused file replaced the tokens in force";

  EXPECT_THAT(gateway_->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  // Every file of the run: the suite's directory (tokens, key, access log),
  // each process's directory (its log, its port file, the databases).
  std::vector<std::string> files = FilesUnder(dirs_.path());
  for (const ServerProcess* server : {gateway_.get(), org_server_.get(), roster_server_.get()}) {
    const std::vector<std::string> more = FilesUnder(DirOf(server->log_path()));
    files.insert(files.end(), more.begin(), more.end());
  }
  size_t bytes = 0;
  int with_token = 0;
  for (const std::string& path : files) {
    const std::string contents = ReadFileBytes(path);
    bytes += contents.size();
    for (const std::string& token : tokens) {
      // The pasted token is in the tokens file because the test put it
      // there; it is the gateway's own writing that matters.
      if (path == tokens_file_ && token == principals_.back().token) continue;
      if (absl::StrContains(contents, token)) {
        ++with_token;
        ADD_FAILURE() << path << " holds a token";
      }
    }
  }
  EXPECT_GE(files.size(), 8u);
  EXPECT_EQ(with_token, 0);
  std::cout << "[ figures ] tokens at rest: tokens file " << hashes_in_file.size() << " hashes for "
            << expected_hashes.size() << " principals, no token; " << files.size() << " files ("
            << bytes << " bytes) scanned for " << tokens.size() << " tokens: " << with_token
            << " hits\n";
}

// What the gateway sends a service: the caller signed into metadata, never
// the caller's token. A recording backend stands in for both services.
TEST_F(SecurityTest, NoTokenIsForwardedToTheServices) {
  grpc::EnableDefaultHealthCheckService(true);
  RecordingBackend backend;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&backend);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  ASSERT_GT(port, 0);
  const std::string address = absl::StrCat("127.0.0.1:", port);

  const TestPrincipal scoped =
      AddPrincipal("forward-editor", "EDITOR", inside_.community.name(), true);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<ServerProcess> gateway,
                       LaunchSecondGateway({absl::StrCat("--org_service=", address),
                                            absl::StrCat("--roster_service=", address),
                                            absl::StrCat("--casework_address=", address),
                                            absl::StrCat("--activity_address=", address)}));
  ASSERT_TRUE(WaitForLog(*gateway, "health SERVING"));

  std::vector<std::string> tokens = {district_admin_.token, scoped.token};
  for (const std::string& token : tokens) {
    auto channel = ::grassroots::testing::CreateTokenChannel(gateway->address(), token);
    auto org = org_v1::OrgService::NewStub(channel);
    auto roster = roster_v1::RosterService::NewStub(channel);
    auto aggregates = gateway_v1::GatewayService::NewStub(channel);
    org_v1::GetUnitRequest get;
    get.set_name(inside_.compound.name());
    org_v1::Unit unit;
    (void)org->GetUnit(NewClientContext(absl::Seconds(5)).get(), get, &unit);
    roster_v1::GetPersonRequest person_request;
    person_request.set_name(inside_.resident.name());
    roster_v1::Person person;
    (void)roster->GetPerson(NewClientContext(absl::Seconds(5)).get(), person_request, &person);
    gateway_v1::GetCompoundProfileRequest profile_request;
    profile_request.set_name(inside_.compound.name());
    gateway_v1::CompoundProfile profile;
    (void)aggregates->GetCompoundProfile(NewClientContext(absl::Seconds(5)).get(), profile_request,
                                         &profile);
    roster_v1::ImportPeopleResponse imported;
    auto context = NewClientContext(absl::Seconds(5));
    auto writer = roster->ImportPeople(context.get(), &imported);
    roster_v1::ImportPeopleRequest rows;
    *rows.add_rows()->mutable_person() = NewPerson("转发");
    rows.mutable_rows(0)->mutable_person()->set_residence_building(inside_.building.name());
    writer->Write(rows);
    writer->WritesDone();
    (void)writer->Finish();
  }
  EXPECT_THAT(gateway->Stop(), ::grassroots::testing::IsOkAndHolds(0));
  server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));

  const std::vector<RecordingBackend::Call> calls = backend.calls();
  int entries = 0;
  std::set<std::string> principals_seen, methods;
  for (const RecordingBackend::Call& call : calls) {
    methods.insert(call.method);
    for (const auto& [key, value] : call.metadata) {
      ++entries;
      EXPECT_NE(absl::AsciiStrToLower(key), "authorization") << call.method;
      for (const std::string& token : tokens) {
        EXPECT_FALSE(absl::StrContains(value, token)) << call.method << " " << key;
      }
      if (key == kCallerPrincipalKey) principals_seen.insert(value);
    }
  }
  // The recording saw the forwarded calls, signed for their callers.
  EXPECT_THAT(methods, ::testing::Contains("/grassroots.org.v1.OrgService/GetUnit"));
  EXPECT_THAT(methods, ::testing::Contains("/grassroots.roster.v1.RosterService/ImportPeople"));
  EXPECT_THAT(principals_seen, ::testing::Contains(district_admin_.name));
  std::cout << "[ figures ] forwarding: " << calls.size() << " calls reached the backend ("
            << methods.size() << " methods), " << entries
            << " metadata entries, no authorization header, no token\n";
}

// ---------------------------------------------------------------------------
// Page tokens and page sizes.

class PageTokenTest : public SecurityTest {
 protected:
  void SetUp() override {
    SecurityTest::SetUp();
    if (HasFatalFailure()) return;
    // Two of everything a list pages through, so that a page of one has a
    // next page; and people outside the inside community, interleaved by
    // id with people inside, for the scoped paging.
    RosterClient roster(Channel(district_admin_.token));
    for (int i = 0; i < 12; ++i) {
      const Side& side = i % 3 == 0 ? inside_ : outside_;
      roster_v1::Person person = NewMember(absl::StrCat("在职党员", i), roster_v1::Person::FULL,
                                           roster_v1::Person::IN_SERVICE);
      person.set_residence_building(side.building.name());
      ASSERT_OK_AND_ASSIGN(roster_v1::Person created, roster.CreatePerson(person));
      (side.community.name() == inside_.community.name() ? inside_people_ : outside_people_)
          .insert(created.name());
      if (i < 2) {
        ASSERT_OK(
            roster.CreateRegistration(created.name(), side.community.name(), MakeDate(2020, 1, 1))
                .status());
      }
    }
    inside_people_.insert(inside_.resident.name());
    outside_people_.insert(outside_.resident.name());
  }

  // Every paged list of both services, as the district admin.
  std::vector<PagedList> Lists(const Clients& c) {
    std::vector<PagedList> lists;
    org_v1::ListUnitsRequest units;
    units.set_parent(district_.street1.name());
    lists.push_back(
        MakePagedList("OrgService.ListUnits", c.org.get(), &org_v1::OrgService::Stub::ListUnits,
                      units, [](const org_v1::ListUnitsResponse& r) { return r.units_size(); }));
    org_v1::ListPartyOrgsRequest orgs;
    orgs.set_parent(district_.party_committee.name());
    lists.push_back(MakePagedList(
        "OrgService.ListPartyOrgs", c.org.get(), &org_v1::OrgService::Stub::ListPartyOrgs, orgs,
        [](const org_v1::ListPartyOrgsResponse& r) { return r.party_orgs_size(); }));
    org_v1::ListEventsRequest org_events;
    org_events.set_start_revision(1);
    lists.push_back(MakePagedList(
        "OrgService.ListEvents", c.org.get(), &org_v1::OrgService::Stub::ListEvents, org_events,
        [](const org_v1::ListEventsResponse& r) { return r.events_size(); }));
    lists.push_back(
        MakePagedList("RosterService.ListPeople", c.roster.get(),
                      &roster_v1::RosterService::Stub::ListPeople, roster_v1::ListPeopleRequest(),
                      [](const roster_v1::ListPeopleResponse& r) { return r.people_size(); }));
    roster_v1::ListMembershipsRequest memberships;
    memberships.set_parent("people/-");
    lists.push_back(MakePagedList(
        "RosterService.ListMemberships", c.roster.get(),
        &roster_v1::RosterService::Stub::ListMemberships, memberships,
        [](const roster_v1::ListMembershipsResponse& r) { return r.memberships_size(); }));
    roster_v1::ListRegistrationsRequest registrations;
    registrations.set_parent("people/-");
    lists.push_back(MakePagedList(
        "RosterService.ListRegistrations", c.roster.get(),
        &roster_v1::RosterService::Stub::ListRegistrations, registrations,
        [](const roster_v1::ListRegistrationsResponse& r) { return r.registrations_size(); }));
    lists.push_back(MakePagedList(
        "RosterService.ListRoleAssignments", c.roster.get(),
        &roster_v1::RosterService::Stub::ListRoleAssignments,
        roster_v1::ListRoleAssignmentsRequest(),
        [](const roster_v1::ListRoleAssignmentsResponse& r) { return r.role_assignments_size(); }));
    roster_v1::ListEventsRequest roster_events;
    roster_events.set_start_revision(1);
    lists.push_back(MakePagedList(
        "RosterService.ListEvents", c.roster.get(), &roster_v1::RosterService::Stub::ListEvents,
        roster_events, [](const roster_v1::ListEventsResponse& r) { return r.events_size(); }));
    return lists;
  }

  std::set<std::string> inside_people_, outside_people_;
};

TEST_F(PageTokenTest, BadPageTokensAndPageSizesAreRefusedWhileOthersAreServed) {
  const TestPrincipal bystander = AddPrincipal("bystander", "VIEWER", "*", false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());

  // Another principal reads all along; every one of its calls must succeed.
  std::atomic<bool> stop{false};
  std::atomic<int> bystander_ok{0};
  std::vector<std::string> bystander_errors;
  std::vector<absl::Duration> bystander_latencies;
  std::thread reader([&] {
    Clients c = ClientsOf(bystander.token);
    org_v1::GetUnitRequest get;
    get.set_name(inside_.compound.name());
    while (!stop.load()) {
      org_v1::Unit unit;
      const absl::Time start = absl::Now();
      const grpc::Status status =
          c.org->GetUnit(NewClientContext(absl::Seconds(10)).get(), get, &unit);
      bystander_latencies.push_back(absl::Now() - start);
      if (status.ok()) {
        ++bystander_ok;
      } else {
        bystander_errors.push_back(
            absl::StrCat(CodeName(status.error_code()), " ", status.error_message()));
      }
    }
  });

  Clients admin = ClientsOf(district_admin_.token);
  const std::vector<PagedList> lists = Lists(admin);
  // A real next-page token of each list.
  std::vector<std::string> real_tokens;
  for (const PagedList& list : lists) {
    const ListOutcome first = list.call(1, "");
    ASSERT_TRUE(first.status.ok()) << list.method << ": " << first.status.error_message();
    ASSERT_EQ(first.items, 1) << list.method;
    ASSERT_FALSE(first.next_page_token.empty()) << list.method << " has a single item";
    real_tokens.push_back(first.next_page_token);
  }

  const std::string kib64(64 * 1024, 'A');
  const std::string mib1(1024 * 1024, 'A');
  // The size and version byte of a real token, the rest made up: it
  // decodes, and its checksum is wrong.
  const std::string right_size =
      absl::WebSafeBase64Escape(absl::StrCat(std::string(1, '\x01'), RandomHex(18)));
  int refused = 0, calls = 0;
  std::map<std::string, int> outcomes;
  std::vector<absl::Duration> latencies;
  const auto expect = [&](const PagedList& list, const std::string& what, int32_t size,
                          const std::string& token, grpc::StatusCode code,
                          absl::string_view names) {
    const ListOutcome outcome = list.call(size, token);
    ++calls;
    latencies.push_back(outcome.latency);
    ++outcomes[absl::StrCat(what, " -> ", CodeName(outcome.status.error_code()))];
    EXPECT_EQ(outcome.status.error_code(), code)
        << list.method << " " << what << ": " << outcome.status.error_message();
    if (code != grpc::StatusCode::OK) {
      ++refused;
      EXPECT_THAT(outcome.status.error_message(), HasSubstr(names)) << list.method << " " << what;
      // The refusal does not echo the token back.
      EXPECT_LT(outcome.status.error_message().size(), 300u) << list.method << " " << what;
    }
    return outcome;
  };
  using grpc::StatusCode;
  for (size_t i = 0; i < lists.size(); ++i) {
    const PagedList& list = lists[i];
    // Page sizes: the documented range is 1..1000 (0: 100).
    for (int32_t size :
         {std::numeric_limits<int32_t>::max(), 1001, -1, std::numeric_limits<int32_t>::min()}) {
      expect(list, absl::StrCat("page_size ", size), size, "", StatusCode::INVALID_ARGUMENT,
             "page_size");
    }
    expect(list, "page_size 1000", 1000, "", StatusCode::OK, "");
    // Tokens that are not ours.
    expect(list, "garbage token", 0, "not-a-token!", StatusCode::INVALID_ARGUMENT, "page_token");
    expect(list, "64 KiB token", 0, kib64, StatusCode::INVALID_ARGUMENT, "page_token");
    expect(list, "1 MiB token", 0, mib1, StatusCode::INVALID_ARGUMENT, "page_token");
    expect(list, "bad checksum", 0, right_size, StatusCode::INVALID_ARGUMENT, "page_token");
    // A real token of another list.
    expect(list, "another list's token", 1, real_tokens[(i + 1) % lists.size()],
           StatusCode::INVALID_ARGUMENT, "page_token");
    // The gateway's tokens are sealed: nothing in them can be read or
    // changed, so a cursor cannot be forged through it.
    EXPECT_EQ(ForgePageToken(real_tokens[i], std::nullopt, 5), "") << list.method;
    std::string altered = real_tokens[i];
    altered[altered.size() / 2] = altered[altered.size() / 2] == 'A' ? 'B' : 'A';
    expect(list, "altered sealed token", 1, altered, StatusCode::INVALID_ARGUMENT, "page_token");
  }
  // Behind the gateway, each service checks its own cursors as well: forged
  // far past the end, at a revision never committed, negative.
  GatewayClients direct{.org = org_v1::OrgService::NewStub(
                            ::grassroots::testing::CreateTestChannel(org_server_->address())),
                        .roster = roster_v1::RosterService::NewStub(
                            ::grassroots::testing::CreateTestChannel(roster_server_->address()))};
  const std::vector<PagedList> direct_lists = Lists(direct);
  for (const PagedList& list : direct_lists) {
    const ListOutcome first = list.call(1, "");
    ASSERT_TRUE(first.status.ok()) << list.method << ": " << first.status.error_message();
    const std::string past_end =
        ForgePageToken(first.next_page_token, std::nullopt, int64_t{1} << 60);
    ASSERT_FALSE(past_end.empty()) << list.method;
    const ListOutcome beyond = expect(list, "forged past the end", 1, past_end, StatusCode::OK, "");
    EXPECT_EQ(beyond.items, 0) << list.method;
    EXPECT_EQ(beyond.next_page_token, "") << list.method;
    if (list.reads_at_revision) {
      expect(list, "forged future revision", 1,
             ForgePageToken(first.next_page_token, int64_t{1} << 60, std::nullopt),
             StatusCode::INVALID_ARGUMENT, "revision");
    }
    expect(list, "forged negative key", 1, ForgePageToken(first.next_page_token, std::nullopt, -5),
           StatusCode::INVALID_ARGUMENT, "page_token");
  }
  // The same list with other conditions.
  {
    org_v1::ListUnitsRequest other_parent;
    other_parent.set_parent(district_.community1.name());
    other_parent.set_page_token(real_tokens[0]);
    org_v1::ListUnitsResponse units;
    const grpc::Status status =
        admin.org->ListUnits(NewClientContext().get(), other_parent, &units);
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("page_token"));
    roster_v1::ListPeopleRequest filtered;
    filtered.set_filter("party_status = FULL");
    filtered.set_page_token(real_tokens[3]);
    roster_v1::ListPeopleResponse people;
    const grpc::Status people_status =
        admin.roster->ListPeople(NewClientContext().get(), filtered, &people);
    EXPECT_EQ(people_status.error_code(), StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(people_status.error_message(), HasSubstr("page_token"));
    calls += 2;
    refused += 2;
  }
  // Larger than the gateway takes at all: refused before it reaches a service.
  {
    const ListOutcome huge = lists[0].call(0, std::string(5 * 1024 * 1024, 'A'));
    EXPECT_EQ(huge.status.error_code(), StatusCode::RESOURCE_EXHAUSTED);
    ++calls;
    ++refused;
  }
  stop = true;
  reader.join();
  EXPECT_THAT(bystander_errors, ::testing::IsEmpty());
  EXPECT_GT(bystander_ok.load(), 0);
  // Still serving the admin too.
  EXPECT_TRUE(lists[0].call(1, "").status.ok());

  for (const auto& [what, count] : outcomes) {
    std::cout << "[ figures ] page tokens: " << what << " x" << count << "\n";
  }
  std::cout << "[ figures ] page tokens: " << calls << " calls over " << lists.size() << " lists, "
            << refused << " refused; latency " << Percentiles(latencies) << "\n";
  std::cout << "[ figures ] page tokens: bystander " << bystander_ok.load() << " calls OK, "
            << bystander_errors.size() << " failed; latency " << Percentiles(bystander_latencies)
            << "\n";
}

// A page token is the caller's own and its query's: the admin's token of
// the whole roster, handed to a viewer of one community, or to the admin
// for another query, is refused; its bytes cannot be read or altered; and
// paging the viewer's own way shows exactly the people inside.
TEST_F(PageTokenTest, PageTokensAreSealedAndBoundToTheirPrincipalAndQuery) {
  const TestPrincipal viewer =
      AddPrincipal("paging-viewer", "VIEWER", inside_.community.name(), false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  Clients admin = ClientsOf(district_admin_.token);
  Clients scoped = ClientsOf(viewer.token);
  roster_v1::ListPeopleRequest first;
  first.set_page_size(1);
  roster_v1::ListPeopleResponse page;
  ASSERT_TRUE(admin.roster->ListPeople(NewClientContext().get(), first, &page).ok());
  const std::string admin_token = page.next_page_token();
  ASSERT_FALSE(admin_token.empty());
  // Nothing of the service's cursor shows: not its layout, not the last key
  // (a person of any community).
  EXPECT_EQ(ForgePageToken(admin_token, std::nullopt, 1), "");
  const std::string last_id = absl::StrCat(::grassroots::org::testing::IdOf(page.people(0).name()));
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(admin_token, &raw));

  int refused = 0;
  const auto expect_refused = [&](Clients& c, roster_v1::ListPeopleRequest request,
                                  const std::string& token, const std::string& what) {
    request.set_page_token(token);
    roster_v1::ListPeopleResponse response;
    const grpc::Status status = c.roster->ListPeople(NewClientContext().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << what;
    EXPECT_THAT(status.error_message(), HasSubstr("page_token")) << what;
    EXPECT_EQ(response.people_size(), 0) << what;
    refused += status.error_code() == grpc::StatusCode::INVALID_ARGUMENT;
  };
  expect_refused(scoped, first, admin_token, "the admin's token, presented by the viewer");
  roster_v1::ListPeopleRequest other_query = first;
  other_query.set_filter("party_status = FULL");
  expect_refused(admin, other_query, admin_token, "the admin's token, for another query");
  // Every single byte altered, one at a time.
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x01);
    expect_refused(admin, first, absl::WebSafeBase64Escape(altered),
                   absl::StrCat("byte ", i, " altered"));
  }
  // A cursor in the services' own format, as a client might forge one.
  expect_refused(admin, first, ::grassroots::EncodePageToken({.last_key = 1}), "a made-up cursor");

  // The same query, next page, same caller: served (the page size may change).
  roster_v1::ListPeopleRequest next = first;
  next.set_page_size(1000);
  next.set_page_token(admin_token);
  roster_v1::ListPeopleResponse rest;
  ASSERT_TRUE(admin.roster->ListPeople(NewClientContext().get(), next, &rest).ok());
  for (const auto& p : rest.people()) {
    EXPECT_NE(::grassroots::org::testing::IdOf(p.name()), std::stoll(last_id));
  }

  // The viewer's own pages: everyone inside, no one outside.
  std::set<std::string> seen;
  roster_v1::ListPeopleRequest own;
  own.set_page_size(1);
  int pages = 0;
  do {
    roster_v1::ListPeopleResponse response;
    ASSERT_TRUE(scoped.roster->ListPeople(NewClientContext().get(), own, &response).ok());
    for (const roster_v1::Person& p : response.people()) seen.insert(p.name());
    own.set_page_token(response.next_page_token());
    ASSERT_LT(++pages, 10000);
  } while (!own.page_token().empty());
  EXPECT_EQ(seen, inside_people_);
  std::cout << "[ figures ] sealed page tokens: " << refused << " replayed, altered or forged "
            << "tokens refused; the viewer paged " << pages << " pages and saw " << seen.size()
            << " people, all of the " << inside_people_.size() << " inside, none of the "
            << outside_people_.size() << " outside\n";
}

// ---------------------------------------------------------------------------
// A flood of connections and large messages from one principal.

TEST_F(SecurityTest, AConnectionAndLargeMessageFloodFromOnePrincipalLeavesAnotherServed) {
  const TestPrincipal flooder = AddPrincipal("flooder", "VIEWER", "*", false);
  const TestPrincipal calm = AddPrincipal("calm", "VIEWER", "*", false);
  ASSERT_NO_FATAL_FAILURE(ReloadTokens());
  constexpr int kChannels = 200;
  constexpr absl::Duration kFloodFor = absl::Seconds(3);

  // The calm principal's latencies before the flood, for the figures.
  Clients calm_clients = ClientsOf(calm.token);
  org_v1::GetUnitRequest get_unit;
  get_unit.set_name(inside_.compound.name());
  roster_v1::GetPersonRequest get_person;
  get_person.set_name(inside_.resident.name());
  org_v1::ListUnitsRequest list_units;
  list_units.set_parent(inside_.community.name());
  int calm_round = 0;
  const auto calm_call = [&]() -> grpc::Status {
    auto context = NewClientContext(absl::Seconds(10));
    switch (calm_round++ % 3) {
      case 0: {
        org_v1::Unit unit;
        return calm_clients.org->GetUnit(context.get(), get_unit, &unit);
      }
      case 1: {
        roster_v1::Person person;
        return calm_clients.roster->GetPerson(context.get(), get_person, &person);
      }
      default: {
        org_v1::ListUnitsResponse units;
        return calm_clients.org->ListUnits(context.get(), list_units, &units);
      }
    }
  };
  std::vector<absl::Duration> before, during;
  for (int i = 0; i < 30; ++i) {
    const absl::Time start = absl::Now();
    ASSERT_TRUE(calm_call().ok());
    before.push_back(absl::Now() - start);
  }

  // The flood: each of 200 channels (a connection each) calls again as soon
  // as its call ends: a read, a 256 KiB message, and on one channel in 25 a
  // 5 MiB one, over the gateway's limit.
  struct Flood {
    absl::Mutex mu;
    std::map<grpc::StatusCode, int> codes ABSL_GUARDED_BY(mu);
    int running ABSL_GUARDED_BY(mu) = 0;
    int peak_in_flight ABSL_GUARDED_BY(mu) = 0;
    int in_flight ABSL_GUARDED_BY(mu) = 0;
    std::atomic<bool> stop{false};
    bool Done() ABSL_SHARED_LOCKS_REQUIRED(mu) { return running == 0; }
  } flood;
  org_v1::ListUnitsRequest large;
  large.set_parent(inside_.community.name());
  large.set_page_token(std::string(256 * 1024, 'L'));
  org_v1::ListUnitsRequest oversized;
  oversized.set_parent(inside_.community.name());
  oversized.set_page_token(std::string(5 * 1024 * 1024, 'O'));

  class Loop {
   public:
    Loop(Flood* flood, std::shared_ptr<grpc::Channel> channel, const org_v1::GetUnitRequest* read,
         const org_v1::ListUnitsRequest* large, const org_v1::ListUnitsRequest* oversized)
        : flood_(flood),
          stub_(org_v1::OrgService::NewStub(std::move(channel))),
          read_(read),
          large_(large),
          oversized_(oversized) {}
    void Next() {
      if (flood_->stop.load()) {
        absl::MutexLock lock(&flood_->mu);
        --flood_->running;
        return;
      }
      {
        absl::MutexLock lock(&flood_->mu);
        flood_->peak_in_flight = std::max(flood_->peak_in_flight, ++flood_->in_flight);
      }
      context_ = NewClientContext(absl::Seconds(30));
      const int n = calls_++;
      auto done = [this](grpc::Status status) {
        {
          absl::MutexLock lock(&flood_->mu);
          --flood_->in_flight;
          ++flood_->codes[status.error_code()];
        }
        Next();
      };
      if (oversized_ != nullptr && n % 4 == 3) {
        stub_->async()->ListUnits(context_.get(), oversized_, &units_, done);
      } else if (n % 2 == 1) {
        stub_->async()->ListUnits(context_.get(), large_, &units_, done);
      } else {
        stub_->async()->GetUnit(context_.get(), read_, &unit_, done);
      }
    }

   private:
    Flood* const flood_;
    std::unique_ptr<org_v1::OrgService::Stub> stub_;
    const org_v1::GetUnitRequest* const read_;
    const org_v1::ListUnitsRequest* const large_;
    const org_v1::ListUnitsRequest* const oversized_;
    std::unique_ptr<grpc::ClientContext> context_;
    org_v1::Unit unit_;
    org_v1::ListUnitsResponse units_;
    int calls_ = 0;
  };
  std::vector<std::unique_ptr<Loop>> loops;
  for (int i = 0; i < kChannels; ++i) {
    loops.push_back(std::make_unique<Loop>(&flood, Channel(flooder.token), &get_unit, &large,
                                           i % 25 == 0 ? &oversized : nullptr));
  }
  {
    absl::MutexLock lock(&flood.mu);
    flood.running = kChannels;
  }
  for (auto& loop : loops) loop->Next();

  // Meanwhile the calm principal's calls, every one of which must succeed.
  int calm_failed = 0;
  std::vector<std::string> calm_errors;
  const absl::Time end = absl::Now() + kFloodFor;
  while (absl::Now() < end) {
    const absl::Time start = absl::Now();
    const grpc::Status status = calm_call();
    during.push_back(absl::Now() - start);
    if (!status.ok()) {
      ++calm_failed;
      calm_errors.push_back(
          absl::StrCat(CodeName(status.error_code()), " ", status.error_message()));
    }
  }
  flood.stop = true;
  {
    absl::MutexLock lock(&flood.mu);
    EXPECT_TRUE(flood.mu.AwaitWithTimeout(absl::Condition(&flood, &Flood::Done), absl::Seconds(60)))
        << flood.running << " flood channels still calling";
  }
  loops.clear();

  EXPECT_EQ(calm_failed, 0) << ::testing::PrintToString(calm_errors);
  EXPECT_GE(during.size(), 3u);
  int flood_calls = 0;
  std::string codes;
  {
    absl::MutexLock lock(&flood.mu);
    for (const auto& [code, count] : flood.codes) {
      flood_calls += count;
      absl::StrAppend(&codes, " ", CodeName(code), " ", count);
      // Read, refused as too large, refused as not a token, or rate limited:
      // nothing broken.
      EXPECT_TRUE(code == grpc::StatusCode::OK || code == grpc::StatusCode::INVALID_ARGUMENT ||
                  code == grpc::StatusCode::RESOURCE_EXHAUSTED)
          << "flood call ended with " << CodeName(code);
    }
    EXPECT_GE(flood.peak_in_flight, kChannels / 2);
    EXPECT_GT(flood.codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 0);
    std::cout << "[ figures ] flood: " << kChannels << " channels of one principal for "
              << absl::FormatDuration(kFloodFor) << ": " << flood_calls << " calls, peak "
              << flood.peak_in_flight << " in flight, codes" << codes << "\n";
  }
  std::cout << "[ figures ] flood: the other principal before: " << Percentiles(before) << "\n";
  std::cout << "[ figures ] flood: the other principal during: " << Percentiles(during) << ", "
            << calm_failed << " failed\n";
  // And the gateway is whole afterwards.
  EXPECT_TRUE(calm_call().ok());
  EXPECT_TRUE(gateway_->running());
}

// ---------------------------------------------------------------------------
// TLS to the services.

// The services serve plaintext only (they have no TLS flags), so TLS to
// them cannot be run end to end here; what can be checked is that a
// gateway told to use TLS to them never falls back to plaintext, and that
// a CA file it cannot read stops it at start.
TEST_F(SecurityTest, BackendTlsNeverFallsBackToPlaintext) {
  const std::string key = dirs_.File("backend.key");
  const std::string cert = dirs_.File("backend.crt");
  ASSERT_NO_FATAL_FAILURE(MakeCertificate(key, cert));
  ASSERT_OK_AND_ASSIGN(
      std::unique_ptr<ServerProcess> gateway,
      LaunchSecondGateway({absl::StrCat("--org_service=", org_server_->address()),
                           absl::StrCat("--roster_service=", roster_server_->address()),
                           absl::StrCat("--backend_tls_ca=", cert)}));
  // The first probe's verdict is logged; TLS against a plaintext server
  // fails the handshake, so it must be NOT_SERVING.
  ASSERT_TRUE(WaitForLog(*gateway, "gateway: health ")) << gateway->ReadLog();
  auto org = org_v1::OrgService::NewStub(
      ::grassroots::testing::CreateTokenChannel(gateway->address(), district_admin_.token));
  org_v1::GetUnitRequest get;
  get.set_name(inside_.compound.name());
  org_v1::Unit unit;
  int unavailable = 0;
  for (int i = 0; i < 5; ++i) {
    const grpc::Status status = org->GetUnit(NewClientContext(absl::Seconds(5)).get(), get, &unit);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << status.error_message();
    unavailable += status.error_code() == grpc::StatusCode::UNAVAILABLE;
  }
  absl::StatusOr<HealthStatus> health = CheckHealth(
      ::grassroots::testing::CreateTestChannel(gateway->address()), "", absl::Seconds(2));
  ASSERT_TRUE(health.ok()) << health.status();
  EXPECT_EQ(*health, HealthStatus::kNotServing);
  EXPECT_THAT(gateway->ReadLog(), HasSubstr("health NOT_SERVING"));
  EXPECT_THAT(gateway->ReadLog(), Not(HasSubstr("health SERVING")));
  // The same calls through the suite's plaintext gateway work: it is the
  // TLS that refuses, not the services.
  auto plain = org_v1::OrgService::NewStub(Channel(district_admin_.token));
  EXPECT_TRUE(plain->GetUnit(NewClientContext().get(), get, &unit).ok());

  // A CA file that is not there: the gateway does not start.
  absl::StatusOr<std::unique_ptr<ServerProcess>> missing =
      LaunchSecondGateway({absl::StrCat("--org_service=", org_server_->address()),
                           absl::StrCat("--roster_service=", roster_server_->address()),
                           absl::StrCat("--backend_tls_ca=", dirs_.File("no-such-ca.pem"))});
  EXPECT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("backend_tls_ca"));
  std::cout << "[ figures ] backend TLS: against plaintext services " << unavailable
            << "/5 calls UNAVAILABLE, health NOT_SERVING; a missing CA file: "
            << (missing.ok() ? "started" : "refused at start") << "\n";
}

}  // namespace
}  // namespace grassroots::gateway::testing
