#include "common/caller_signature.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "common/file_util.h"

namespace grassroots {

std::string CallerSigner::DerivedKey(absl::string_view purpose) const {
  return HmacSha256(key_, absl::StrCat("grassroots derived key: ", purpose));
}

bool IsServicePrincipal(absl::string_view principal) {
  return absl::StartsWith(principal, kServicePrincipalPrefix);
}

bool IsValidPrincipal(absl::string_view principal) {
  if (principal.empty() || principal.size() > 64) return false;
  for (char c : principal) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '@' &&
        c != '-') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<CallerSigner> CallerSigner::FromFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadWholeFile(path, "caller key file");
  if (!contents.ok()) return contents.status();
  std::string key(absl::StripAsciiWhitespace(*contents));
  if (key.size() < 16) {
    return absl::InvalidArgumentError(absl::StrCat(
        "caller key file ", path, ": the key must be at least 16 bytes, found ", key.size()));
  }
  return CallerSigner(std::move(key));
}

std::string CallerSigner::Signature(absl::string_view principal, absl::string_view personal_data,
                                    absl::string_view issued_ms) const {
  // A version tag and separators that cannot occur in the values, so that
  // no two different claims share a signed message.
  return HmacSha256Hex(key_, absl::StrCat("grassroots-caller-v1\n", principal, "\n", personal_data,
                                          "\n", issued_ms));
}

SignedCaller CallerSigner::Sign(const Caller& caller, absl::Time now) const {
  SignedCaller values{.principal = caller.principal,
                      .personal_data = caller.may_see_personal_data ? "1" : "0",
                      .issued_ms = absl::StrCat(absl::ToUnixMillis(now))};
  values.signature = Signature(values.principal, values.personal_data, values.issued_ms);
  return values;
}

std::optional<Caller> CallerSigner::Verify(const SignedCaller& values, absl::Time now) const {
  if (!IsValidPrincipal(values.principal)) return std::nullopt;
  if (values.personal_data != "0" && values.personal_data != "1") return std::nullopt;
  int64_t issued_ms = 0;
  if (!absl::SimpleAtoi(values.issued_ms, &issued_ms)) return std::nullopt;
  if (!ConstantTimeEquals(values.signature,
                          Signature(values.principal, values.personal_data, values.issued_ms))) {
    return std::nullopt;
  }
  if (absl::AbsDuration(now - absl::FromUnixMillis(issued_ms)) > kMaxSkew) return std::nullopt;
  return Caller{.principal = values.principal,
                .may_see_personal_data = values.personal_data == "1"};
}

}  // namespace grassroots
