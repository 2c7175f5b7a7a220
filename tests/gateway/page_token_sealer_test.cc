#include "gateway/page_token_sealer.h"

#include <set>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "common/crypto.h"
#include "gmock/gmock.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::gateway {
namespace {

using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;

const std::string kKey(32, 'k');

TEST(PageTokenSealerTest, OpensWhatItSealedForTheSameBinding) {
  const PageTokenSealer sealer(kKey);
  const std::string binding = PageTokenSealer::Binding("zhang.wei", "/x.S/List", "query");
  const std::string sealed = sealer.Seal("service-token", binding);
  EXPECT_THAT(sealer.Open(sealed, binding), IsOkAndHolds("service-token"));
  // Web-safe base64, and the plaintext is not in it.
  std::string raw;
  EXPECT_TRUE(absl::WebSafeBase64Unescape(sealed, &raw));
  EXPECT_EQ(raw.find("service-token"), std::string::npos);
}

TEST(PageTokenSealerTest, EachSealIsFresh) {
  const PageTokenSealer sealer(kKey);
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(sealer.Seal("same", "binding"));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(PageTokenSealerTest, AnotherBindingKeyOrAlterationIsRefusedAlike) {
  const PageTokenSealer sealer(kKey);
  const std::string binding = PageTokenSealer::Binding("zhang.wei", "/x.S/List", "query");
  const std::string sealed = sealer.Seal("service-token", binding);
  const auto refused = StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("page_token"));
  EXPECT_THAT(sealer.Open(sealed, PageTokenSealer::Binding("li.na", "/x.S/List", "query")),
              refused);
  EXPECT_THAT(sealer.Open(sealed, PageTokenSealer::Binding("zhang.wei", "/x.S/Other", "query")),
              refused);
  EXPECT_THAT(sealer.Open(sealed, PageTokenSealer::Binding("zhang.wei", "/x.S/List", "other")),
              refused);
  EXPECT_THAT(PageTokenSealer(std::string(32, 'j')).Open(sealed, binding), refused);
  std::string raw;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(sealed, &raw));
  for (size_t i = 0; i < raw.size(); ++i) {
    std::string altered = raw;
    altered[i] = static_cast<char>(altered[i] ^ 0x80);
    EXPECT_THAT(sealer.Open(absl::WebSafeBase64Escape(altered), binding), refused) << i;
  }
  EXPECT_THAT(sealer.Open(raw.substr(0, raw.size() - 1), binding), refused);
  EXPECT_THAT(sealer.Open("", binding), refused);
  EXPECT_THAT(sealer.Open("not base64!", binding), refused);
  EXPECT_THAT(sealer.Open(std::string(100000, 'A'), binding), refused);
}

TEST(PageTokenSealerTest, BindingSeparatesItsParts) {
  // ("ab", "c") and ("a", "bc") must not bind alike.
  EXPECT_NE(PageTokenSealer::Binding("ab", "c", "q"), PageTokenSealer::Binding("a", "bc", "q"));
  EXPECT_NE(PageTokenSealer::Binding("a", "b", "q1"), PageTokenSealer::Binding("a", "b", "q2"));
}

// --- Wire-format edits ------------------------------------------------------

roster::v1::ListPeopleRequest SampleRequest() {
  roster::v1::ListPeopleRequest request;
  request.set_page_size(7);
  request.set_page_token("inner");
  request.set_filter("party_status = FULL");
  request.set_show_deleted(true);
  return request;
}

TEST(WireFieldsTest, ReadsReplacesAndRemovesTopLevelFields) {
  const roster::v1::ListPeopleRequest request = SampleRequest();
  const std::string bytes = request.SerializeAsString();
  const int token = roster::v1::ListPeopleRequest::kPageTokenFieldNumber;
  const int size = roster::v1::ListPeopleRequest::kPageSizeFieldNumber;
  EXPECT_THAT(ReadStringField(bytes, token), IsOkAndHolds("inner"));
  EXPECT_THAT(ReadStringField(bytes, 999), IsOkAndHolds(""));

  absl::StatusOr<std::string> replaced = WithStringField(bytes, token, "sealed-value");
  ASSERT_TRUE(replaced.ok());
  roster::v1::ListPeopleRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(*replaced));
  roster::v1::ListPeopleRequest expected = request;
  expected.set_page_token("sealed-value");
  EXPECT_EQ(parsed.SerializeAsString(), expected.SerializeAsString());

  absl::StatusOr<std::string> without = WithoutFields(bytes, {token, size});
  ASSERT_TRUE(without.ok());
  ASSERT_TRUE(parsed.ParseFromString(*without));
  EXPECT_EQ(parsed.page_token(), "");
  EXPECT_EQ(parsed.page_size(), 0);
  EXPECT_EQ(parsed.filter(), request.filter());
  EXPECT_TRUE(parsed.show_deleted());

  // An empty value removes the field.
  absl::StatusOr<std::string> cleared = WithStringField(bytes, token, "");
  ASSERT_TRUE(cleared.ok());
  ASSERT_TRUE(parsed.ParseFromString(*cleared));
  EXPECT_FALSE(absl::StrContains(*cleared, "inner"));
}

TEST(WireFieldsTest, TheLastOccurrenceWinsAsForAParser) {
  const int token = roster::v1::ListPeopleRequest::kPageTokenFieldNumber;
  roster::v1::ListPeopleRequest a, b;
  a.set_page_token("first");
  b.set_page_token("second");
  const std::string twice = a.SerializeAsString() + b.SerializeAsString();
  roster::v1::ListPeopleRequest parsed;
  ASSERT_TRUE(parsed.ParseFromString(twice));
  EXPECT_THAT(ReadStringField(twice, token), IsOkAndHolds(parsed.page_token()));
  // Replacing removes both.
  absl::StatusOr<std::string> replaced = WithStringField(twice, token, "x");
  ASSERT_TRUE(replaced.ok());
  ASSERT_TRUE(parsed.ParseFromString(*replaced));
  EXPECT_EQ(parsed.page_token(), "x");
  EXPECT_FALSE(absl::StrContains(*replaced, "first"));
}

TEST(WireFieldsTest, MalformedBytesAreInvalidArgument) {
  const std::string bytes = SampleRequest().SerializeAsString();
  const auto bad = StatusIs(absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ReadStringField(bytes.substr(0, bytes.size() - 1), 3), bad);           // cut short
  EXPECT_THAT(ReadStringField(std::string("\x0a\xff\xff\xff\xff\x0f", 6), 1), bad);  // length
  EXPECT_THAT(ReadStringField(std::string("\x00", 1), 1), bad);                      // field 0
  EXPECT_THAT(ReadStringField(std::string("\x0b", 1), 1), bad);                      // a group
  EXPECT_THAT(WithoutFields(std::string("\x08\xff", 2), {1}), bad);                  // varint
  EXPECT_THAT(ReadStringField("", 1), IsOkAndHolds(""));
}

}  // namespace
}  // namespace grassroots::gateway
