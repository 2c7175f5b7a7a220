#include "common/page_token.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

constexpr uint64_t kFingerprint = 0x1234'5678'9ABC'DEF0;

PageCursor SampleCursor() {
  PageCursor cursor;
  cursor.revision = 1'234'567;
  cursor.last_key = 9'876'543'210;
  cursor.last_subkey = 3;
  cursor.request_fingerprint = kFingerprint;
  return cursor;
}

void ExpectSameCursor(const PageCursor& a, const PageCursor& b) {
  EXPECT_EQ(a.revision, b.revision);
  EXPECT_EQ(a.last_key, b.last_key);
  EXPECT_EQ(a.last_subkey, b.last_subkey);
  EXPECT_EQ(a.request_fingerprint, b.request_fingerprint);
}

TEST(PageTokenTest, RoundTrips) {
  const std::string token = EncodePageToken(SampleCursor());
  const absl::StatusOr<PageCursor> decoded = DecodePageToken(token, kFingerprint);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameCursor(*decoded, SampleCursor());
}

TEST(PageTokenTest, RoundTripsExtremeValues) {
  PageCursor cursor;
  cursor.revision = INT64_MAX;
  cursor.last_key = 0;
  cursor.last_subkey = INT64_MAX;
  cursor.request_fingerprint = UINT64_MAX;
  const absl::StatusOr<PageCursor> decoded = DecodePageToken(EncodePageToken(cursor), UINT64_MAX);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSameCursor(*decoded, cursor);
}

TEST(PageTokenTest, IsWebSafe) {
  const std::string token = EncodePageToken(SampleCursor());
  EXPECT_LE(token.size(), 64u);
  for (char c : token) {
    EXPECT_TRUE(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')
        << token;
  }
}

TEST(PageTokenTest, RefusesATamperedToken) {
  const std::string token = EncodePageToken(SampleCursor());
  // Any one character changed gives other bytes: a wrong version or a wrong
  // checksum. (The last character is left alone: part of its bits are
  // padding that decoding ignores.)
  for (size_t i = 0; i + 1 < token.size(); ++i) {
    std::string tampered = token;
    tampered[i] = tampered[i] == 'A' ? 'B' : 'A';
    EXPECT_THAT(DecodePageToken(tampered, kFingerprint).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token:")))
        << "changed position " << i;
  }
}

TEST(PageTokenTest, RefusesATokenForOtherParameters) {
  const std::string token = EncodePageToken(SampleCursor());
  EXPECT_THAT(DecodePageToken(token, kFingerprint + 1).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("page_token: was issued for a request with other parameters")));
}

TEST(PageTokenTest, RefusesGarbage) {
  for (absl::string_view garbage : {"", "x", "not a token!", "AAAA", "////", "\xE5\xB9\xB8"}) {
    EXPECT_THAT(DecodePageToken(garbage, kFingerprint).status(),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token:")))
        << garbage;
  }
}

TEST(PageTokenTest, RefusesATooLongToken) {
  // A valid token with more appended is longer than any token we issue.
  const std::string token = EncodePageToken(SampleCursor()) + std::string(64, 'A');
  EXPECT_THAT(DecodePageToken(token, kFingerprint).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token:")));
  EXPECT_THAT(DecodePageToken(std::string(100'000, 'A'), kFingerprint).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token:")));
}

TEST(PageTokenTest, RefusesNegativeKeys) {
  PageCursor cursor = SampleCursor();
  cursor.last_key = -1;
  EXPECT_THAT(DecodePageToken(EncodePageToken(cursor), kFingerprint).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token: is corrupt")));
}

TEST(StableHasherTest, SeparatesPieces) {
  EXPECT_NE(StableHasher().Add("ab").Add("c").hash(), StableHasher().Add("a").Add("bc").hash());
  EXPECT_NE(StableHasher().Add(int64_t{1}).hash(), StableHasher().Add(int64_t{2}).hash());
  EXPECT_NE(StableHasher().Add("").hash(), StableHasher().hash());
  EXPECT_EQ(StableHasher().Add("units/1").Add(int64_t{5}).hash(),
            StableHasher().Add("units/1").Add(int64_t{5}).hash());
}

TEST(StableHasherTest, IsPinned) {
  // Fingerprints are kept in page tokens that outlive a process: a change of
  // the hash would make every outstanding token fail after an upgrade.
  EXPECT_EQ(StableHasher().Add("units/1").Add(int64_t{100}).hash(), uint64_t{6719284718126418922u});
}

TEST(ResolvePageSizeTest, ZeroMeansTheDefault) {
  const absl::StatusOr<int> size = ResolvePageSize(0, 100, 1000);
  ASSERT_TRUE(size.ok()) << size.status();
  EXPECT_EQ(*size, 100);
}

TEST(ResolvePageSizeTest, TakesSizesInRange) {
  for (int32_t requested : {1, 50, 1000}) {
    const absl::StatusOr<int> size = ResolvePageSize(requested, 100, 1000);
    ASSERT_TRUE(size.ok()) << size.status();
    EXPECT_EQ(*size, requested);
  }
}

TEST(ResolvePageSizeTest, RefusesSizesOutOfRange) {
  for (int32_t requested : {-1, 1001, INT32_MIN, INT32_MAX}) {
    EXPECT_THAT(ResolvePageSize(requested, 100, 1000).status(),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("page_size: must be between 1 and 1000")))
        << requested;
  }
}

}  // namespace
}  // namespace grassroots
