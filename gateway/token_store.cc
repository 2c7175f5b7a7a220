#include "gateway/token_store.h"

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/caller_signature.h"
#include "common/crypto.h"
#include "common/file_util.h"
#include "common/resource_name.h"

namespace grassroots::gateway {
namespace {

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f')) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TokenTable> TokenTable::Parse(absl::string_view contents) {
  TokenTable table;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(contents, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    const std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    auto error = [&](absl::string_view what) {
      return absl::InvalidArgumentError(absl::StrCat("tokens file line ", line_number, ": ", what));
    };
    if (fields.size() != 5 && fields.size() != 6) {
      return error(absl::StrCat(
          "expected 5 or 6 fields (hash principal role scope pii|- [expires=<time>]), found ",
          fields.size()));
    }
    absl::string_view common_name = fields[0];
    const bool certificate = absl::ConsumePrefix(&common_name, "cn:");
    if (certificate && !IsValidPrincipal(common_name)) {
      return error("cn: a certificate's common name of 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
    }
    std::string hash = absl::AsciiStrToLower(fields[0]);
    if (!certificate && !IsSha256Hex(hash)) {
      return error("hash: not 64 hex digits of a SHA-256 (or cn:<certificate common name>)");
    }
    Principal principal;
    principal.name = std::string(fields[1]);
    if (!IsValidPrincipal(principal.name)) {
      return error("principal: 1 to 64 characters of A-Z a-z 0-9 . _ @ -");
    }
    if (IsServicePrincipal(principal.name)) {
      return error(absl::StrCat("principal: ", kServicePrincipalPrefix,
                                "* names the suite's own services, not a token's holder"));
    }
    std::optional<AccessRole> role = ParseAccessRoleName(fields[2]);
    if (!role) return error("role: not one of VIEWER, EDITOR, ADMIN, AUDITOR");
    principal.role = *role;
    if (fields[3] != "*") {
      absl::StatusOr<int64_t> unit = ParseResourceName(fields[3], "units", "scope");
      if (!unit.ok()) return error(unit.status().message());
      principal.scope_unit = *unit;
    }
    if (fields[4] != "pii" && fields[4] != "-") return error("personal data: `pii` or `-`");
    principal.may_see_personal_data = fields[4] == "pii";
    if (fields.size() == 6) {
      absl::string_view expires = fields[5];
      std::string parse_error;
      if (!absl::ConsumePrefix(&expires, "expires=") ||
          !absl::ParseTime(absl::RFC3339_full, expires, &principal.expires, &parse_error)) {
        return error(
            "expires: expected expires=<RFC 3339 time>, e.g. expires=2027-06-30T16:00:00Z");
      }
    }
    if (certificate) {
      if (!table.by_common_name_.emplace(common_name, std::move(principal)).second) {
        return error("cn: the same certificate name is listed twice");
      }
    } else if (!table.principals_.emplace(std::move(hash), std::move(principal)).second) {
      return error("hash: the same token is listed twice");
    }
  }
  return table;
}

std::optional<Principal> TokenTable::Find(absl::string_view token_sha256_hex) const {
  auto it = principals_.find(token_sha256_hex);
  if (it == principals_.end() || !ConstantTimeEquals(it->first, token_sha256_hex)) {
    return std::nullopt;
  }
  return it->second;
}

std::optional<Principal> TokenTable::FindCertificate(absl::string_view common_name) const {
  auto it = by_common_name_.find(common_name);
  if (it == by_common_name_.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<TokenTable> TokenStore::Read(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadWholeFile(path, "tokens file");
  if (!contents.ok()) return contents.status();
  return TokenTable::Parse(*contents);
}

absl::StatusOr<std::unique_ptr<TokenStore>> TokenStore::Open(std::string path) {
  absl::StatusOr<TokenTable> table = Read(path);
  if (!table.ok()) return table.status();
  return std::unique_ptr<TokenStore>(
      new TokenStore(std::move(path), std::make_shared<const TokenTable>(*std::move(table))));
}

absl::Status TokenStore::Reload() {
  absl::StatusOr<TokenTable> table = Read(path_);
  if (!table.ok()) return table.status();
  auto fresh = std::make_shared<const TokenTable>(*std::move(table));
  absl::MutexLock lock(&mu_);
  table_ = std::move(fresh);
  return absl::OkStatus();
}

std::shared_ptr<const TokenTable> TokenStore::Table() const {
  absl::MutexLock lock(&mu_);
  return table_;
}

std::optional<Principal> TokenStore::Unexpired(std::optional<Principal> principal, absl::Time now) {
  if (principal && now >= principal->expires) return std::nullopt;
  return principal;
}

std::optional<Principal> TokenStore::AuthenticateCertificate(absl::string_view common_name,
                                                             absl::Time now) const {
  if (common_name.empty()) return std::nullopt;
  return Unexpired(Table()->FindCertificate(common_name), now);
}

std::optional<Principal> TokenStore::Authenticate(absl::string_view token, absl::Time now) const {
  if (token.empty()) return std::nullopt;
  return Unexpired(Table()->Find(Sha256Hex(token)), now);
}

size_t TokenStore::size() const {
  absl::MutexLock lock(&mu_);
  return table_->size();
}

}  // namespace grassroots::gateway
