#ifndef GRASSROOTS_GATEWAY_TOKEN_STORE_H_
#define GRASSROOTS_GATEWAY_TOKEN_STORE_H_

// The bearer tokens the gateway accepts, read from a file that holds only
// their SHA-256 hashes, so that the file (or a backup of it) gives no one a
// working token.
//
// File format: one token per line, fields separated by spaces or tabs;
// blank lines and lines starting with '#' are ignored:
//
//   <sha256 hex of the token> <principal> <role> <scope> <personal data> [expires=<time>]
//   9f86d08...0a08 zhang.wei EDITOR units/7 - expires=2027-06-30T16:00:00Z
//   60303ae...7b7e district.admin ADMIN * pii
//
// role: VIEWER, EDITOR, ADMIN or AUDITOR. scope: `units/{id}` or `*` (every
// district). personal data: `pii` (see ID-card numbers and phones unmasked)
// or `-`. expires (optional): an RFC 3339 time after which the token is
// refused as if unknown. A hash: `printf %s "$token" | sha256sum`. A token
// is revoked by deleting its line and sending the gateway SIGHUP.
//
// Instead of a hash, `cn:<name>` admits a TLS client certificate with that
// common name, signed by the roots the gateway verifies clients with
// (--tls_client_ca): how an internal client without a token (the nightly
// audit's host) is mapped to a principal.
//
//   cn:audit-host nightly.audit AUDITOR * -

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gateway/principal.h"

namespace grassroots::gateway {

// The parsed file: token hash → principal. Immutable.
class TokenTable {
 public:
  // INVALID_ARGUMENT naming the line and the field for anything malformed
  // (a bad hash, role, scope or grant, a principal with characters other
  // than [A-Za-z0-9._@-], a hash listed twice). The message never contains
  // a hash.
  static absl::StatusOr<TokenTable> Parse(absl::string_view contents);

  // The principal whose token hashes to `token_sha256_hex`. The map is keyed
  // by the hash of a secret, so a lookup's timing says nothing useful about
  // the secret; the found entry is still confirmed in constant time.
  std::optional<Principal> Find(absl::string_view token_sha256_hex) const;
  // The principal of the `cn:` line naming `common_name`.
  std::optional<Principal> FindCertificate(absl::string_view common_name) const;

  size_t size() const { return principals_.size() + by_common_name_.size(); }

 private:
  absl::flat_hash_map<std::string, Principal> principals_;
  absl::flat_hash_map<std::string, Principal> by_common_name_;
};

// The current table, replaced as a whole on Reload so that calls in flight
// keep the table they started with. Thread-safe.
class TokenStore {
 public:
  // Reads `path`: errors of ReadWholeFile (common/file_util.h), then of Parse.
  static absl::StatusOr<std::unique_ptr<TokenStore>> Open(std::string path);

  // Reads the file again. On any error the old table stays in force and the
  // error is returned (so a typo in the file never locks everyone out).
  absl::Status Reload();

  // The principal `token` belongs to; nullopt for an unknown or empty one,
  // or one expired at `now`.
  std::optional<Principal> Authenticate(absl::string_view token,
                                        absl::Time now = absl::Now()) const;
  // The principal a verified client certificate with `common_name` maps
  // to; nullopt when no `cn:` line names it or it expired at `now`.
  std::optional<Principal> AuthenticateCertificate(absl::string_view common_name,
                                                   absl::Time now = absl::Now()) const;

  size_t size() const;

 private:
  TokenStore(std::string path, std::shared_ptr<const TokenTable> table)
      : path_(std::move(path)), table_(std::move(table)) {}
  static absl::StatusOr<TokenTable> Read(const std::string& path);
  // The table in force; calls in flight keep theirs across a Reload.
  std::shared_ptr<const TokenTable> Table() const ABSL_LOCKS_EXCLUDED(mu_);
  // `principal` unless it expired at `now`: an expired token or
  // certificate is as unknown as a wrong one.
  static std::optional<Principal> Unexpired(std::optional<Principal> principal, absl::Time now);

  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_TOKEN_STORE_H_
