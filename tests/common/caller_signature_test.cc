// Tests of the signed caller claims (common/caller_signature.h), the crypto
// primitives under them (common/crypto.h) and the verifier the services use
// (common/caller_metadata.h).

#include "common/caller_signature.h"

#include <grpcpp/grpcpp.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include <fstream>
#include <optional>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/time/time.h"
#include "common/caller.h"
#include "common/caller_metadata.h"
#include "common/crypto.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::grassroots::testing::TempDir;
using ::testing::HasSubstr;
using ::testing::Optional;

constexpr char kKey[] = "0123456789abcdef-test-key";
const absl::Time kNow = absl::FromUnixMillis(1700000000123);

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

MATCHER_P2(IsCaller, principal, may_see_personal_data, "") {
  return arg.principal == principal && arg.may_see_personal_data == may_see_personal_data;
}

// --- crypto.h -------------------------------------------------------------

TEST(Sha256HexTest, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256HexTest, HashesEmbeddedNulBytes) {
  EXPECT_EQ(Sha256Hex(absl::string_view("a\0b", 3)),
            "59b271ae1bbcb1d31d41929817f4b16fb439eb4f31520b5ad1d5ce98920a7138");
}

TEST(Sha256HexTest, IsSixtyFourLowerCaseHexDigits) {
  const std::string hash = Sha256Hex("token");
  ASSERT_EQ(hash.size(), 64u);
  for (char c : hash) {
    EXPECT_TRUE(absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'))
        << hash;
  }
}

TEST(HmacSha256HexTest, Rfc4231TestCase1) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256HexTest, Rfc4231TestCase2) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256HexTest, Rfc4231TestCase6KeyLongerThanBlock) {
  EXPECT_EQ(HmacSha256Hex(std::string(131, '\xaa'),
                          "Test Using Larger Than Block-Size Key - Hash Key First"),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256HexTest, EmptyKeyAndMessage) {
  // Values from Python's hmac module.
  EXPECT_EQ(HmacSha256Hex("", ""),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  EXPECT_EQ(HmacSha256Hex("", "message"),
            "eb08c1f56d5ddee07f7bdf80468083da06b64cf4fac64fe3a90883df5feacae4");
}

TEST(HmacSha256HexTest, KeyAndMessageMatter) {
  EXPECT_NE(HmacSha256Hex("key-one", "m"), HmacSha256Hex("key-two", "m"));
  EXPECT_NE(HmacSha256Hex("key", "m1"), HmacSha256Hex("key", "m2"));
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "xbc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(absl::string_view("a\0b", 3), absl::string_view("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(absl::string_view("a\0b", 3), absl::string_view("a\0c", 3)));
}

TEST(RandomHexTest, LengthAndAlphabet) {
  EXPECT_EQ(RandomHex(0), "");
  for (int bytes : {1, 16, 32}) {
    const std::string hex = RandomHex(bytes);
    EXPECT_EQ(hex.size(), static_cast<size_t>(2 * bytes));
    for (char c : hex) {
      EXPECT_TRUE(absl::ascii_isdigit(static_cast<unsigned char>(c)) || (c >= 'a' && c <= 'f'))
          << hex;
    }
  }
}

TEST(RandomHexTest, Distinct) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(RandomHex(16));
  EXPECT_EQ(seen.size(), 100u);
}

// --- IsValidPrincipal -----------------------------------------------------

TEST(IsValidPrincipalTest, Accepts) {
  EXPECT_TRUE(IsValidPrincipal("a"));
  EXPECT_TRUE(IsValidPrincipal("zhang.wei"));
  EXPECT_TRUE(IsValidPrincipal("Ops_Bot-2@district.gov"));
  EXPECT_TRUE(IsValidPrincipal(std::string(64, 'x')));
}

TEST(IsValidPrincipalTest, Rejects) {
  EXPECT_FALSE(IsValidPrincipal(""));
  EXPECT_FALSE(IsValidPrincipal(std::string(65, 'x')));
  EXPECT_FALSE(IsValidPrincipal("zhang wei"));
  EXPECT_FALSE(IsValidPrincipal("zhang\twei"));
  EXPECT_FALSE(IsValidPrincipal("zhang\nwei"));
  EXPECT_FALSE(IsValidPrincipal("a/b"));
  EXPECT_FALSE(IsValidPrincipal("a:b"));
  EXPECT_FALSE(IsValidPrincipal("a,b"));
  EXPECT_FALSE(IsValidPrincipal("张伟"));
  EXPECT_FALSE(IsValidPrincipal(absl::string_view("a\0b", 3)));
}

// --- CallerSigner ---------------------------------------------------------

TEST(CallerSignerTest, SignFillsEveryValue) {
  const CallerSigner signer(kKey);
  const SignedCaller values =
      signer.Sign({.principal = "zhang.wei", .may_see_personal_data = true}, kNow);
  EXPECT_EQ(values.principal, "zhang.wei");
  EXPECT_EQ(values.personal_data, "1");
  EXPECT_EQ(values.issued_ms, "1700000000123");
  EXPECT_EQ(values.signature.size(), 64u);
  EXPECT_EQ(signer.Sign({.principal = "zhang.wei"}, kNow).personal_data, "0");
}

TEST(CallerSignerTest, RoundTrip) {
  const CallerSigner signer(kKey);
  EXPECT_THAT(
      signer.Verify(signer.Sign({.principal = "zhang.wei", .may_see_personal_data = true}, kNow),
                    kNow),
      Optional(IsCaller("zhang.wei", true)));
  EXPECT_THAT(signer.Verify(
                  signer.Sign({.principal = "li.na", .may_see_personal_data = false}, kNow), kNow),
              Optional(IsCaller("li.na", false)));
}

TEST(CallerSignerTest, SameKeyInAnotherSignerVerifies) {
  const SignedCaller values = CallerSigner(kKey).Sign({.principal = "zhang.wei"}, kNow);
  EXPECT_THAT(CallerSigner(kKey).Verify(values, kNow), Optional(IsCaller("zhang.wei", false)));
}

TEST(CallerSignerTest, ForgedPrincipalIsRejected) {
  const CallerSigner signer(kKey);
  SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
  values.principal = "district.admin";
  EXPECT_EQ(signer.Verify(values, kNow), std::nullopt);
}

TEST(CallerSignerTest, FlippedPersonalDataIsRejected) {
  const CallerSigner signer(kKey);
  SignedCaller without =
      signer.Sign({.principal = "zhang.wei", .may_see_personal_data = false}, kNow);
  without.personal_data = "1";
  EXPECT_EQ(signer.Verify(without, kNow), std::nullopt);

  SignedCaller with = signer.Sign({.principal = "zhang.wei", .may_see_personal_data = true}, kNow);
  with.personal_data = "0";
  EXPECT_EQ(signer.Verify(with, kNow), std::nullopt);
}

TEST(CallerSignerTest, PersonalDataOtherThanZeroOrOneIsRejected) {
  const CallerSigner signer(kKey);
  for (const char* value : {"2", "true", "", "01", " 1"}) {
    SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
    values.personal_data = value;
    EXPECT_EQ(signer.Verify(values, kNow), std::nullopt) << '"' << value << '"';
  }
}

TEST(CallerSignerTest, TamperedSignatureIsRejected) {
  const CallerSigner signer(kKey);
  const SignedCaller good = signer.Sign({.principal = "zhang.wei"}, kNow);

  SignedCaller flipped = good;
  flipped.signature[10] = flipped.signature[10] == '0' ? '1' : '0';
  EXPECT_EQ(signer.Verify(flipped, kNow), std::nullopt);

  SignedCaller truncated = good;
  truncated.signature.pop_back();
  EXPECT_EQ(signer.Verify(truncated, kNow), std::nullopt);

  SignedCaller extended = good;
  extended.signature += "0";
  EXPECT_EQ(signer.Verify(extended, kNow), std::nullopt);

  SignedCaller upper = good;
  upper.signature = absl::AsciiStrToUpper(upper.signature);
  if (upper.signature != good.signature) {
    EXPECT_EQ(signer.Verify(upper, kNow), std::nullopt);
  }
}

TEST(CallerSignerTest, DifferentKeyIsRejected) {
  const SignedCaller values = CallerSigner(kKey).Sign({.principal = "zhang.wei"}, kNow);
  EXPECT_EQ(CallerSigner("another-key-of-enough-length").Verify(values, kNow), std::nullopt);
  EXPECT_EQ(CallerSigner(std::string(kKey) + "x").Verify(values, kNow), std::nullopt);
}

TEST(CallerSignerTest, TimeWithinSkewIsAccepted) {
  const CallerSigner signer(kKey);
  const SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
  EXPECT_NE(signer.Verify(values, kNow + CallerSigner::kMaxSkew), std::nullopt);
  EXPECT_NE(signer.Verify(values, kNow - CallerSigner::kMaxSkew), std::nullopt);
  EXPECT_NE(signer.Verify(values, kNow + absl::Seconds(30)), std::nullopt);
}

TEST(CallerSignerTest, StaleTimeIsRejectedBothWays) {
  const CallerSigner signer(kKey);
  const SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
  // Verified too late: a replay.
  EXPECT_EQ(signer.Verify(values, kNow + CallerSigner::kMaxSkew + absl::Milliseconds(1)),
            std::nullopt);
  EXPECT_EQ(signer.Verify(values, kNow + absl::Hours(1)), std::nullopt);
  // Issued in the future.
  EXPECT_EQ(signer.Verify(values, kNow - CallerSigner::kMaxSkew - absl::Milliseconds(1)),
            std::nullopt);
  EXPECT_EQ(signer.Verify(values, kNow - absl::Hours(1)), std::nullopt);
}

TEST(CallerSignerTest, ExtremeTimesAreRejected) {
  const CallerSigner signer(kKey);
  EXPECT_EQ(signer.Verify(signer.Sign({.principal = "a"}, absl::InfiniteFuture()), kNow),
            std::nullopt);
  EXPECT_EQ(signer.Verify(signer.Sign({.principal = "a"}, absl::InfinitePast()), kNow),
            std::nullopt);
  EXPECT_EQ(signer.Verify(signer.Sign({.principal = "a"}, absl::UnixEpoch()), kNow), std::nullopt);
  EXPECT_EQ(signer.Verify(signer.Sign({.principal = "a"}, kNow), absl::InfiniteFuture()),
            std::nullopt);
}

TEST(CallerSignerTest, TamperedIssuedTimeIsRejected) {
  const CallerSigner signer(kKey);
  SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
  values.issued_ms = "1700000000124";  // within the skew, but not what was signed
  EXPECT_EQ(signer.Verify(values, kNow), std::nullopt);
}

TEST(CallerSignerTest, MalformedIssuedTimeIsRejected) {
  const CallerSigner signer(kKey);
  for (const char* issued :
       {"", "abc", "12.5", "1700000000123ms", "0x10", "99999999999999999999999"}) {
    SignedCaller values = signer.Sign({.principal = "zhang.wei"}, kNow);
    values.issued_ms = issued;
    EXPECT_EQ(signer.Verify(values, kNow), std::nullopt) << '"' << issued << '"';
  }
}

TEST(CallerSignerTest, InvalidPrincipalIsRejectedEvenWhenSigned) {
  // Sign does not check; Verify refuses what a signer never sends.
  const CallerSigner signer(kKey);
  for (const std::string& principal :
       {std::string("zhang wei"), std::string("a\nb"), std::string(65, 'x'), std::string("张伟")}) {
    EXPECT_EQ(signer.Verify(signer.Sign({.principal = principal}, kNow), kNow), std::nullopt)
        << principal;
  }
}

TEST(CallerSignerTest, EmptyValuesAreRejected) {
  const CallerSigner signer(kKey);
  EXPECT_EQ(signer.Verify(SignedCaller{}, kNow), std::nullopt);
  const SignedCaller good = signer.Sign({.principal = "zhang.wei"}, kNow);
  for (std::string SignedCaller::*field : {&SignedCaller::principal, &SignedCaller::personal_data,
                                           &SignedCaller::issued_ms, &SignedCaller::signature}) {
    SignedCaller values = good;
    values.*field = "";
    EXPECT_EQ(signer.Verify(values, kNow), std::nullopt);
  }
  // Signed with an empty principal: still refused.
  EXPECT_EQ(signer.Verify(signer.Sign({.principal = ""}, kNow), kNow), std::nullopt);
}

// --- CallerSigner::FromFile -------------------------------------------------

TEST(CallerSignerFromFileTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_THAT(CallerSigner::FromFile(dir.File("absent.key")),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("absent.key")));
}

TEST(CallerSignerFromFileTest, DirectoryCannotBeRead) {
  // A directory opens and reads as empty; it must not pass for a short key.
  TempDir dir;
  EXPECT_THAT(CallerSigner::FromFile(dir.path()), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(CallerSignerFromFileTest, ShortKeyIsInvalidArgument) {
  TempDir dir;
  const std::string path = dir.File("short.key");
  WriteFile(path, "fifteen-bytes!!");  // 15 bytes
  EXPECT_THAT(CallerSigner::FromFile(path), StatusIs(absl::StatusCode::kInvalidArgument));
  WriteFile(path, "");
  EXPECT_THAT(CallerSigner::FromFile(path), StatusIs(absl::StatusCode::kInvalidArgument));
  // Whitespace does not count towards the length.
  WriteFile(path, "   short        \n\n\n");
  EXPECT_THAT(CallerSigner::FromFile(path), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CallerSignerFromFileTest, SixteenBytesIsEnough) {
  TempDir dir;
  const std::string path = dir.File("caller.key");
  WriteFile(path, "sixteen-bytes-!!");
  EXPECT_THAT(CallerSigner::FromFile(path), IsOk());
}

TEST(CallerSignerFromFileTest, SurroundingWhitespaceIsTrimmed) {
  TempDir dir;
  const std::string path = dir.File("caller.key");
  WriteFile(path, std::string(" \t") + kKey + "\r\n\n");
  absl::StatusOr<CallerSigner> from_file = CallerSigner::FromFile(path);
  ASSERT_THAT(from_file, IsOk());
  // Interchangeable with a signer holding the bare key.
  const CallerSigner bare(kKey);
  EXPECT_THAT(bare.Verify(from_file->Sign({.principal = "zhang.wei"}, kNow), kNow),
              Optional(IsCaller("zhang.wei", false)));
  EXPECT_THAT(from_file->Verify(bare.Sign({.principal = "li.na"}, kNow), kNow),
              Optional(IsCaller("li.na", false)));
}

// --- CallerVerifier ---------------------------------------------------------

// A server context with client metadata. The spouse owns the metadata's
// storage, so it lives as long as the context.
struct ContextWithMetadata {
  ContextWithMetadata() : spouse(&context) {}

  void Add(const SignedCaller& values) {
    spouse.AddClientMetadata(kCallerPrincipalKey, values.principal);
    spouse.AddClientMetadata(kCallerPersonalDataKey, values.personal_data);
    spouse.AddClientMetadata(kCallerIssuedKey, values.issued_ms);
    spouse.AddClientMetadata(kCallerSignatureKey, values.signature);
  }

  grpc::ServerContext context;
  grpc::testing::ServerContextTestSpouse spouse;
};

TEST(CallerVerifierTest, EmptyKeyPathIsRefused) {
  EXPECT_THAT(CallerVerifier::FromKeyFile(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("--caller_key_file")));
}

TEST(CallerVerifierTest, WithoutKeyNoOneIsAdmitted) {
  // Even a correctly signed call is refused by a verifier with no key.
  const CallerVerifier verifier;
  ContextWithMetadata call;
  call.Add(CallerSigner(kKey).Sign({.principal = "zhang.wei", .may_see_personal_data = true},
                                   absl::Now()));
  EXPECT_THAT(verifier.Admit(call.context, CallAccess::kRead),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(CallerVerifierTest, KeyFileErrorsAsFromFile) {
  TempDir dir;
  EXPECT_THAT(CallerVerifier::FromKeyFile(dir.File("absent.key")),
              StatusIs(absl::StatusCode::kNotFound));
  WriteFile(dir.File("short.key"), "short");
  EXPECT_THAT(CallerVerifier::FromKeyFile(dir.File("short.key")),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class CallerVerifierContextTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_.File("caller.key"), std::string(kKey) + "\n");
    absl::StatusOr<CallerVerifier> verifier = CallerVerifier::FromKeyFile(dir_.File("caller.key"));
    ASSERT_THAT(verifier, IsOk());
    verifier_ = *std::move(verifier);
    absl::StatusOr<CallerVerifier> lenient =
        CallerVerifier::FromKeyFile(dir_.File("caller.key"), {.unsigned_reads = true});
    ASSERT_THAT(lenient, IsOk());
    lenient_ = *std::move(lenient);
  }

  // Refused by the default verifier, for reads and writes alike; an
  // anonymous read (and still no write) for the lenient one.
  void ExpectRefused(const grpc::ServerContext& context, absl::string_view why) {
    for (CallAccess access : {CallAccess::kRead, CallAccess::kWrite}) {
      EXPECT_THAT(verifier_->Admit(context, access),
                  StatusIs(absl::StatusCode::kUnauthenticated, HasSubstr(why)));
    }
    EXPECT_THAT(lenient_->Admit(context, CallAccess::kRead),
                IsOkAndHolds(IsCaller("anonymous", false)));
    EXPECT_THAT(lenient_->Admit(context, CallAccess::kWrite),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }

  TempDir dir_;
  std::optional<CallerVerifier> verifier_;
  std::optional<CallerVerifier> lenient_;
};

TEST_F(CallerVerifierContextTest, SignedCallActsForThePrincipal) {
  ContextWithMetadata call;
  call.Add(CallerSigner(kKey).Sign({.principal = "zhang.wei", .may_see_personal_data = true},
                                   absl::Now()));
  EXPECT_THAT(verifier_->Admit(call.context, CallAccess::kRead),
              IsOkAndHolds(IsCaller("zhang.wei", true)));
  EXPECT_THAT(verifier_->Admit(call.context, CallAccess::kWrite),
              IsOkAndHolds(IsCaller("zhang.wei", true)));
  EXPECT_THAT(lenient_->Admit(call.context, CallAccess::kWrite),
              IsOkAndHolds(IsCaller("zhang.wei", true)));
}

TEST_F(CallerVerifierContextTest, ServicePrincipalReadsButDoesNotWrite) {
  ContextWithMetadata call;
  call.Add(CallerSigner(kKey).Sign({.principal = "svc.roster_service"}, absl::Now()));
  EXPECT_THAT(verifier_->Admit(call.context, CallAccess::kRead),
              IsOkAndHolds(IsCaller("svc.roster_service", false)));
  EXPECT_THAT(verifier_->Admit(call.context, CallAccess::kWrite),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("svc.roster_service")));
}

TEST_F(CallerVerifierContextTest, UnsignedCallIsRefused) {
  grpc::ServerContext context;
  ExpectRefused(context, "not signed");

  ContextWithMetadata call;
  SignedCaller values = CallerSigner(kKey).Sign({.principal = "zhang.wei"}, absl::Now());
  values.signature = "";
  call.Add(values);
  ExpectRefused(call.context, "not signed");
}

TEST_F(CallerVerifierContextTest, ForgedCallIsRefused) {
  ContextWithMetadata call;
  SignedCaller values = CallerSigner(kKey).Sign({.principal = "zhang.wei"}, absl::Now());
  values.principal = "district.admin";
  call.Add(values);
  ExpectRefused(call.context, "does not verify");
}

TEST_F(CallerVerifierContextTest, WrongKeyIsRefused) {
  ContextWithMetadata call;
  call.Add(CallerSigner("some-other-key-0123456789").Sign({.principal = "zhang.wei"}, absl::Now()));
  ExpectRefused(call.context, "does not verify");
}

TEST_F(CallerVerifierContextTest, StaleCallIsRefused) {
  ContextWithMetadata call;
  call.Add(CallerSigner(kKey).Sign({.principal = "zhang.wei"}, absl::Now() - absl::Hours(1)));
  ExpectRefused(call.context, "does not verify");
}

TEST_F(CallerVerifierContextTest, RepeatedHeaderIsRefused) {
  ContextWithMetadata call;
  call.Add(CallerSigner(kKey).Sign({.principal = "zhang.wei"}, absl::Now()));
  call.spouse.AddClientMetadata(kCallerPrincipalKey, "district.admin");
  ExpectRefused(call.context, "does not verify");
}

TEST(ServicePrincipalTest, PrefixNamesServices) {
  EXPECT_TRUE(IsServicePrincipal("svc.gateway"));
  EXPECT_TRUE(IsServicePrincipal("svc.roster_service"));
  EXPECT_FALSE(IsServicePrincipal("svc"));
  EXPECT_FALSE(IsServicePrincipal("zhang.svc.wei"));
  EXPECT_FALSE(IsServicePrincipal("SVC.gateway"));
}

}  // namespace
}  // namespace grassroots
