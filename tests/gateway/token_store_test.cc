// Tests of the gateway's principals (gateway/principal.h) and its tokens
// file (gateway/token_store.h).

#include "gateway/token_store.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "gateway/principal.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"

namespace grassroots::gateway {
namespace {

using ::grassroots::testing::IsOk;
using ::grassroots::testing::StatusIs;
using ::grassroots::testing::TempDir;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

MATCHER_P4(IsPrincipal, name, role, scope_unit, may_see_personal_data, "") {
  return arg.name == name && arg.role == role && arg.scope_unit == scope_unit &&
         arg.may_see_personal_data == may_see_personal_data;
}

void WriteFile(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << contents;
}

// --- principal.h ------------------------------------------------------------

TEST(RoleAllowsTest, Matrix) {
  struct Row {
    AccessRole role;
    bool read, write, manage;
  };
  for (const Row& row :
       {Row{AccessRole::kViewer, true, false, false}, Row{AccessRole::kEditor, true, true, false},
        Row{AccessRole::kAdmin, true, true, true}, Row{AccessRole::kAuditor, true, false, false}}) {
    SCOPED_TRACE(AccessRoleName(row.role));
    EXPECT_EQ(RoleAllows(row.role, Action::kRead), row.read);
    EXPECT_EQ(RoleAllows(row.role, Action::kWrite), row.write);
    EXPECT_EQ(RoleAllows(row.role, Action::kManage), row.manage);
  }
}

TEST(AccessRoleNameTest, RoundTrips) {
  for (AccessRole role :
       {AccessRole::kViewer, AccessRole::kEditor, AccessRole::kAdmin, AccessRole::kAuditor}) {
    EXPECT_THAT(ParseAccessRoleName(AccessRoleName(role)), Optional(role));
  }
  EXPECT_EQ(AccessRoleName(AccessRole::kViewer), "VIEWER");
  EXPECT_EQ(AccessRoleName(AccessRole::kEditor), "EDITOR");
  EXPECT_EQ(AccessRoleName(AccessRole::kAdmin), "ADMIN");
  EXPECT_EQ(AccessRoleName(AccessRole::kAuditor), "AUDITOR");
}

TEST(AccessRoleNameTest, ParseRejectsOtherNames) {
  for (const char* name : {"", "viewer", "Admin", "ROOT", " ADMIN", "ADMIN "}) {
    EXPECT_EQ(ParseAccessRoleName(name), std::nullopt) << '"' << name << '"';
  }
}

TEST(ActionNameTest, Names) {
  EXPECT_EQ(ActionName(Action::kRead), "read");
  EXPECT_EQ(ActionName(Action::kWrite), "write");
  EXPECT_FALSE(ActionName(Action::kManage).empty());
}

TEST(PrincipalTest, ScopeName) {
  Principal principal;
  EXPECT_EQ(principal.ScopeName(), "*");
  principal.scope_unit = 7;
  EXPECT_EQ(principal.ScopeName(), "units/7");
}

// --- TokenTable -------------------------------------------------------------

// A well-formed hash that is no token's: 64 hex digits.
const std::string kStrayHash(64, 'e');

TEST(TokenTableTest, ParsesAGoodFile) {
  const std::string h1 = Sha256Hex("token-one");
  const std::string h2 = Sha256Hex("token-two");
  const std::string h3 = Sha256Hex("token-three");
  const std::string h4 = Sha256Hex("token-four");
  const std::string contents = absl::StrCat(
      "# The gateway's tokens.\n", "\n", "   \t  \n", h1, " zhang.wei EDITOR units/7 -\n",
      "  # an indented comment\n", h2, "\tdistrict.admin\tADMIN\t*\tpii\n", "  ", h3,
      "   audit@district.gov \t AUDITOR   *   -   \n", h4,
      " li_na-2 VIEWER units/123456789 pii");  // no final newline
  absl::StatusOr<TokenTable> table = TokenTable::Parse(contents);
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(table->size(), 4u);
  EXPECT_THAT(table->Find(h1), Optional(IsPrincipal("zhang.wei", AccessRole::kEditor,
                                                    std::optional<int64_t>(7), false)));
  EXPECT_THAT(table->Find(h2), Optional(IsPrincipal("district.admin", AccessRole::kAdmin,
                                                    std::optional<int64_t>(), true)));
  EXPECT_THAT(table->Find(h3), Optional(IsPrincipal("audit@district.gov", AccessRole::kAuditor,
                                                    std::optional<int64_t>(), false)));
  EXPECT_THAT(table->Find(h4), Optional(IsPrincipal("li_na-2", AccessRole::kViewer,
                                                    std::optional<int64_t>(123456789), true)));
}

TEST(TokenTableTest, CrLfLineEndings) {
  const std::string h1 = Sha256Hex("token-one");
  absl::StatusOr<TokenTable> table =
      TokenTable::Parse(absl::StrCat("# tokens\r\n", h1, " zhang.wei EDITOR units/7 -\r\n\r\n"));
  ASSERT_THAT(table, IsOk());
  EXPECT_THAT(table->Find(h1), Optional(IsPrincipal("zhang.wei", AccessRole::kEditor,
                                                    std::optional<int64_t>(7), false)));
}

TEST(TokenTableTest, EmptyAndCommentOnlyFilesHoldNoTokens) {
  for (const char* contents : {"", "\n\n", "# nothing yet\n# still nothing\n"}) {
    absl::StatusOr<TokenTable> table = TokenTable::Parse(contents);
    ASSERT_THAT(table, IsOk());
    EXPECT_EQ(table->size(), 0u);
    EXPECT_EQ(table->Find(kStrayHash), std::nullopt);
  }
}

TEST(TokenTableTest, FindUnknownHash) {
  const std::string h1 = Sha256Hex("token-one");
  absl::StatusOr<TokenTable> table =
      TokenTable::Parse(absl::StrCat(h1, " zhang.wei EDITOR units/7 -\n"));
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(table->Find(kStrayHash), std::nullopt);
  EXPECT_EQ(table->Find(""), std::nullopt);
  EXPECT_EQ(table->Find(h1.substr(0, 63)), std::nullopt);
  EXPECT_EQ(table->Find("token-one"), std::nullopt);  // the token itself is not its hash
}

// One malformed line, at line 3 after a comment and a blank line; the
// message must name the line and the field, and never the hash.
struct MalformedCase {
  std::string label;
  std::string line;
  std::string field;  // a substring the message must contain
};

class TokenTableMalformedTest : public ::testing::TestWithParam<MalformedCase> {};

const std::string kHash = Sha256Hex("the-secret-token");

TEST_P(TokenTableMalformedTest, NamesLineAndFieldButNotTheHash) {
  const MalformedCase& c = GetParam();
  const std::string contents = absl::StrCat("# header\n\n", c.line, "\n");
  absl::StatusOr<TokenTable> table = TokenTable::Parse(contents);
  EXPECT_THAT(table, StatusIs(absl::StatusCode::kInvalidArgument,
                              AllOf(HasSubstr("line 3"), HasSubstr(c.field))));
  // Neither the well-formed hash nor a hash-like first field leaks.
  const std::string first_field = c.line.substr(0, c.line.find_first_of(" \t"));
  if (first_field.size() >= 8) {
    EXPECT_THAT(std::string(table.status().message()),
                AllOf(Not(HasSubstr(first_field)), Not(HasSubstr(kHash)),
                      Not(HasSubstr(absl::AsciiStrToLower(first_field)))));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TokenTableMalformedTest,
    ::testing::Values(
        MalformedCase{"ShortHash", absl::StrCat(kHash.substr(0, 63), " a EDITOR units/7 -"),
                      "hash"},
        MalformedCase{"LongHash", absl::StrCat(kHash, "0 a EDITOR units/7 -"), "hash"},
        MalformedCase{"NonHexHash", absl::StrCat(kHash.substr(0, 63), "g a EDITOR units/7 -"),
                      "hash"},
        MalformedCase{"TokenInsteadOfHash", "the-secret-token-in-clear a EDITOR units/7 -", "hash"},
        MalformedCase{"UnknownRole", absl::StrCat(kHash, " a SUPERUSER units/7 -"), "role"},
        MalformedCase{"LowerCaseRole", absl::StrCat(kHash, " a editor units/7 -"), "role"},
        MalformedCase{"ScopeNotANumber", absl::StrCat(kHash, " a EDITOR units/x -"), "scope"},
        MalformedCase{"ScopeZero", absl::StrCat(kHash, " a EDITOR units/0 -"), "scope"},
        MalformedCase{"ScopeNegative", absl::StrCat(kHash, " a EDITOR units/-3 -"), "scope"},
        MalformedCase{"ScopeOtherCollection", absl::StrCat(kHash, " a EDITOR partyOrgs/3 -"),
                      "scope"},
        MalformedCase{"ScopeBareNumber", absl::StrCat(kHash, " a EDITOR 7 -"), "scope"},
        MalformedCase{"ScopeEveryDistrictMisspelt", absl::StrCat(kHash, " a EDITOR ** -"), "scope"},
        MalformedCase{"BadGrant", absl::StrCat(kHash, " a EDITOR units/7 yes"), "personal data"},
        MalformedCase{"UpperCaseGrant", absl::StrCat(kHash, " a EDITOR units/7 PII"),
                      "personal data"},
        MalformedCase{"PrincipalWithSlash", absl::StrCat(kHash, " zhang/wei EDITOR units/7 -"),
                      "principal"},
        MalformedCase{"PrincipalWithColon", absl::StrCat(kHash, " zhang:wei EDITOR units/7 -"),
                      "principal"},
        MalformedCase{"PrincipalNotAscii", absl::StrCat(kHash, " 张伟 EDITOR units/7 -"),
                      "principal"},
        MalformedCase{"PrincipalTooLong",
                      absl::StrCat(kHash, " ", std::string(65, 'p'), " EDITOR units/7 -"),
                      "principal"},
        MalformedCase{"FourFields", absl::StrCat(kHash, " a EDITOR units/7"), "5 or 6 fields"},
        MalformedCase{"SixthFieldNotAnExpiry", absl::StrCat(kHash, " a EDITOR units/7 - extra"),
                      "expires"},
        MalformedCase{"ExpiryNotATime",
                      absl::StrCat(kHash, " a EDITOR units/7 - expires=next-year"), "expires"},
        MalformedCase{"ExpiryWithoutAZone",
                      absl::StrCat(kHash, " a EDITOR units/7 - expires=2027-01-01T00:00:00"),
                      "expires"},
        MalformedCase{"TrailingComment", absl::StrCat(kHash, " a EDITOR units/7 - # note"),
                      "5 or 6 fields"},
        MalformedCase{"OneField", kHash, "5 or 6 fields"},
        MalformedCase{"ServicePrincipal", absl::StrCat(kHash, " svc.gateway ADMIN * pii"),
                      "principal"},
        MalformedCase{"EmptyCertificateName", "cn: a AUDITOR * -", "cn"},
        MalformedCase{"CertificateNameWithSlash", "cn:O=x/CN=y a AUDITOR * -", "cn"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.label; });

// A token with `expires=` is refused from that instant on, exactly like an
// unknown one; a token without it never expires.
TEST(TokenExpiryTest, ExpiredTokensAreUnknown) {
  TempDir dir;
  const std::string path = dir.File("tokens");
  WriteFile(path, absl::StrCat(Sha256Hex("short-lived"),
                               " temp.user VIEWER units/7 - expires=2027-01-01T08:00:00+08:00\n",
                               Sha256Hex("long-lived"), " admin ADMIN * pii\n"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path);
  ASSERT_THAT(store, IsOk());
  const absl::Time expiry = absl::FromUnixSeconds(1798761600);  // 2027-01-01T00:00:00Z
  EXPECT_THAT(
      (*store)->Authenticate("short-lived", expiry - absl::Seconds(1)),
      Optional(IsPrincipal("temp.user", AccessRole::kViewer, std::optional<int64_t>(7), false)));
  EXPECT_EQ((*store)->Authenticate("short-lived", expiry), std::nullopt);
  EXPECT_EQ((*store)->Authenticate("short-lived", expiry + absl::Hours(24 * 365)), std::nullopt);
  EXPECT_NE((*store)->Authenticate("long-lived", absl::FromUnixSeconds(4102444800)),
            std::nullopt);  // 2100
}

TEST(TokenTableTest, DuplicateHashNamesTheSecondLine) {
  const std::string contents = absl::StrCat(kHash, " zhang.wei EDITOR units/7 -\n", "# again\n",
                                            kHash, " li.na VIEWER units/3 -\n");
  absl::StatusOr<TokenTable> table = TokenTable::Parse(contents);
  EXPECT_THAT(table, StatusIs(absl::StatusCode::kInvalidArgument,
                              AllOf(HasSubstr("line 3"), HasSubstr("hash"), Not(HasSubstr(kHash)),
                                    Not(HasSubstr(kHash.substr(0, 16))))));
}

// `cn:NAME` lines map a verified client certificate to a principal; they
// are not tokens, and tokens are not certificate names.
TEST(TokenTableTest, CertificateLinesMapCommonNamesNotTokens) {
  absl::StatusOr<TokenTable> table = TokenTable::Parse(absl::StrCat(
      "cn:audit-host nightly.audit AUDITOR * -\n", kHash, " zhang.wei EDITOR units/7 -\n"));
  ASSERT_THAT(table, IsOk());
  EXPECT_EQ(table->size(), 2u);
  EXPECT_THAT(table->FindCertificate("audit-host"),
              Optional(IsPrincipal("nightly.audit", AccessRole::kAuditor, std::optional<int64_t>(),
                                   false)));
  EXPECT_EQ(table->FindCertificate("Audit-Host"), std::nullopt);
  EXPECT_EQ(table->FindCertificate("zhang.wei"), std::nullopt);
  EXPECT_EQ(table->FindCertificate(kHash), std::nullopt);
  EXPECT_EQ(table->Find(Sha256Hex("cn:audit-host")), std::nullopt);
  EXPECT_EQ(table->Find("cn:audit-host"), std::nullopt);

  EXPECT_THAT(TokenTable::Parse("cn:a x VIEWER * -\ncn:a y VIEWER * -\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("line 2"), HasSubstr("listed twice"))));
}

TEST(TokenTableTest, ErrorInALaterLineNamesThatLine) {
  const std::string contents =
      absl::StrCat(Sha256Hex("a"), " a VIEWER * -\n", Sha256Hex("b"), " b VIEWER * -\n",
                   Sha256Hex("c"), " c VIEWER * maybe\n");
  EXPECT_THAT(TokenTable::Parse(contents),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("line 3"), HasSubstr("personal data"))));
}

// --- TokenStore -------------------------------------------------------------

class TokenStoreTest : public ::testing::Test {
 protected:
  std::string Line(const std::string& token, const std::string& rest) {
    return absl::StrCat(Sha256Hex(token), " ", rest, "\n");
  }

  TempDir dir_;
  const std::string path_ = dir_.File("tokens");
};

TEST_F(TokenStoreTest, OpenMissingFileIsNotFound) {
  EXPECT_THAT(TokenStore::Open(dir_.File("absent")), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(TokenStoreTest, OpenMalformedFileFails) {
  WriteFile(path_, Line("t1", "zhang.wei EDITOR units/x -"));
  EXPECT_THAT(TokenStore::Open(path_),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("line 1")));
}

TEST_F(TokenStoreTest, AuthenticateHashesTheToken) {
  WriteFile(path_, absl::StrCat("# tokens\n", Line("t-editor", "zhang.wei EDITOR units/7 -"),
                                Line("t-admin", "district.admin ADMIN * pii")));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->size(), 2u);
  EXPECT_THAT(
      (*store)->Authenticate("t-editor"),
      Optional(IsPrincipal("zhang.wei", AccessRole::kEditor, std::optional<int64_t>(7), false)));
  EXPECT_THAT(
      (*store)->Authenticate("t-admin"),
      Optional(IsPrincipal("district.admin", AccessRole::kAdmin, std::optional<int64_t>(), true)));
}

TEST_F(TokenStoreTest, CertificateNamesAuthenticateUntilTheyExpire) {
  WriteFile(path_, "cn:audit-host nightly.audit AUDITOR * - expires=2027-01-01T00:00:00Z\n");
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  const absl::Time expiry = absl::FromUnixSeconds(1798761600);
  EXPECT_NE((*store)->AuthenticateCertificate("audit-host", expiry - absl::Seconds(1)),
            std::nullopt);
  EXPECT_EQ((*store)->AuthenticateCertificate("audit-host", expiry), std::nullopt);
  EXPECT_EQ((*store)->AuthenticateCertificate("", expiry - absl::Seconds(1)), std::nullopt);
  // A certificate name is not a token.
  EXPECT_EQ((*store)->Authenticate("audit-host", expiry - absl::Seconds(1)), std::nullopt);
}

TEST_F(TokenStoreTest, UnknownOrEmptyTokenIsNobody) {
  WriteFile(path_, Line("t-editor", "zhang.wei EDITOR units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->Authenticate(""), std::nullopt);
  EXPECT_EQ((*store)->Authenticate("t-editor "), std::nullopt);
  EXPECT_EQ((*store)->Authenticate("T-EDITOR"), std::nullopt);
  EXPECT_EQ((*store)->Authenticate("wrong"), std::nullopt);
  // Whoever holds a copy of the file holds hashes, and a hash is no token.
  EXPECT_EQ((*store)->Authenticate(Sha256Hex("t-editor")), std::nullopt);
}

TEST_F(TokenStoreTest, EmptyFileAcceptsNoOne) {
  WriteFile(path_, "");
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  EXPECT_EQ((*store)->size(), 0u);
  EXPECT_EQ((*store)->Authenticate("anything"), std::nullopt);
  EXPECT_EQ((*store)->Authenticate(""), std::nullopt);
}

TEST_F(TokenStoreTest, ReloadReplacesTheTable) {
  WriteFile(path_, Line("old-token", "zhang.wei EDITOR units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  ASSERT_NE((*store)->Authenticate("old-token"), std::nullopt);

  WriteFile(path_, absl::StrCat(Line("new-token", "li.na VIEWER units/3 pii"),
                                Line("other-token", "wang.fang ADMIN * -")));
  ASSERT_THAT((*store)->Reload(), IsOk());
  EXPECT_EQ((*store)->size(), 2u);
  EXPECT_EQ((*store)->Authenticate("old-token"), std::nullopt);
  EXPECT_THAT((*store)->Authenticate("new-token"),
              Optional(IsPrincipal("li.na", AccessRole::kViewer, std::optional<int64_t>(3), true)));
  EXPECT_NE((*store)->Authenticate("other-token"), std::nullopt);
}

TEST_F(TokenStoreTest, ReloadChangesWhatATokenGrants) {
  WriteFile(path_, Line("token", "zhang.wei VIEWER units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  WriteFile(path_, Line("token", "zhang.wei EDITOR units/5 pii"));
  ASSERT_THAT((*store)->Reload(), IsOk());
  EXPECT_THAT(
      (*store)->Authenticate("token"),
      Optional(IsPrincipal("zhang.wei", AccessRole::kEditor, std::optional<int64_t>(5), true)));
}

TEST_F(TokenStoreTest, BrokenFileOnReloadKeepsTheOldTable) {
  WriteFile(path_, Line("old-token", "zhang.wei EDITOR units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());

  // A typo: the new token must not start working, the old must not stop.
  WriteFile(path_, absl::StrCat(Line("new-token", "li.na VIEWER units/3 -"),
                                Line("typo-token", "wang.fang EDITR units/3 -")));
  EXPECT_THAT((*store)->Reload(), StatusIs(absl::StatusCode::kInvalidArgument,
                                           AllOf(HasSubstr("line 2"), HasSubstr("role"))));
  EXPECT_EQ((*store)->size(), 1u);
  EXPECT_NE((*store)->Authenticate("old-token"), std::nullopt);
  EXPECT_EQ((*store)->Authenticate("new-token"), std::nullopt);
}

TEST_F(TokenStoreTest, MissingFileOnReloadKeepsTheOldTable) {
  WriteFile(path_, Line("old-token", "zhang.wei EDITOR units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  EXPECT_THAT((*store)->Reload(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_NE((*store)->Authenticate("old-token"), std::nullopt);

  // And a later good file is picked up again.
  WriteFile(path_, Line("new-token", "li.na VIEWER units/3 -"));
  ASSERT_THAT((*store)->Reload(), IsOk());
  EXPECT_EQ((*store)->Authenticate("old-token"), std::nullopt);
  EXPECT_NE((*store)->Authenticate("new-token"), std::nullopt);
}

TEST_F(TokenStoreTest, DirectoryCannotBeRead) {
  EXPECT_THAT(TokenStore::Open(dir_.path()), StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TokenStoreTest, PathBecomingADirectoryOnReloadKeepsTheOldTable) {
  WriteFile(path_, Line("old-token", "zhang.wei EDITOR units/7 -"));
  absl::StatusOr<std::unique_ptr<TokenStore>> store = TokenStore::Open(path_);
  ASSERT_THAT(store, IsOk());
  ASSERT_EQ(std::remove(path_.c_str()), 0);
  ASSERT_EQ(mkdir(path_.c_str(), 0700), 0);
  EXPECT_THAT((*store)->Reload(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_NE((*store)->Authenticate("old-token"), std::nullopt);
  rmdir(path_.c_str());
}

TEST_F(TokenStoreTest, AuthenticateWhileReloading) {
  WriteFile(path_, absl::StrCat(Line("stable", "zhang.wei EDITOR units/7 -"),
                                Line("a", "li.na VIEWER units/3 -")));
  absl::StatusOr<std::unique_ptr<TokenStore>> opened = TokenStore::Open(path_);
  ASSERT_THAT(opened, IsOk());
  TokenStore& store = **opened;

  std::atomic<bool> stop{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> readers;
  for (int i = 0; i < 2; ++i) {
    readers.emplace_back([&] {
      while (!stop.load()) {
        // The token present in every version of the file always works.
        if (!store.Authenticate("stable")) failures.fetch_add(1);
      }
    });
  }
  for (int i = 0; i < 50; ++i) {
    WriteFile(path_, absl::StrCat(Line("stable", "zhang.wei EDITOR units/7 -"),
                                  Line(i % 2 == 0 ? "b" : "a", "li.na VIEWER units/3 -")));
    EXPECT_THAT(store.Reload(), IsOk());
  }
  stop.store(true);
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace grassroots::gateway
