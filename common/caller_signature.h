#ifndef GRASSROOTS_COMMON_CALLER_SIGNATURE_H_
#define GRASSROOTS_COMMON_CALLER_SIGNATURE_H_

// How the gateway vouches for a caller to the services: it sends who the
// caller is and whether they may see personal data, with an HMAC-SHA-256
// over both and the time, under a key that only the gateway and the
// services hold (a file, --caller_key_file). A service believes the claim
// only when the signature checks and the time is recent; anything else —
// no headers, a forged principal, a stale or tampered signature — makes the
// call anonymous, which sees personal data masked.
//
// The time bounds how long a captured header set could be replayed; the
// services sit on a trusted internal network, and TLS between the gateway
// and them closes even that.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/caller.h"

namespace grassroots {

// The metadata keys. Values are printable ASCII, as gRPC requires.
inline constexpr char kCallerPrincipalKey[] = "x-grassroots-principal";
inline constexpr char kCallerPersonalDataKey[] = "x-grassroots-personal-data";  // "1" or "0"
inline constexpr char kCallerIssuedKey[] = "x-grassroots-issued-ms";            // Unix milliseconds
inline constexpr char kCallerSignatureKey[] = "x-grassroots-signature";

// The four values as they travel.
struct SignedCaller {
  std::string principal;
  std::string personal_data;
  std::string issued_ms;
  std::string signature;
};

// Signs and verifies caller claims. Immutable, so thread-safe.
class CallerSigner {
 public:
  // How far a claim's time may be from the verifier's clock.
  static constexpr absl::Duration kMaxSkew = absl::Minutes(5);

  // Reads the key: the file's contents with surrounding whitespace removed,
  // at least 16 bytes. Errors of ReadWholeFile (NOT_FOUND, ...) when the file cannot
  // be read, INVALID_ARGUMENT when the key is too short.
  static absl::StatusOr<CallerSigner> FromFile(const std::string& path);

  explicit CallerSigner(std::string key) : key_(std::move(key)) {}

  // The values to send for `caller` at `now`. The principal must be
  // printable ASCII without spaces (the gateway's token file ensures it).
  SignedCaller Sign(const Caller& caller, absl::Time now) const;

  // The caller the values vouch for, or nullopt when they don't: a missing
  // value, a principal with characters a signer never sends, a signature
  // that does not match (compared in constant time), or a time further
  // than kMaxSkew from `now`.
  std::optional<Caller> Verify(const SignedCaller& values, absl::Time now) const;

  // A 32-byte key for another use of the same secret (HMAC of `purpose`
  // under the key), so that one file keys both without one use's output
  // helping against the other.
  std::string DerivedKey(absl::string_view purpose) const;

 private:
  std::string Signature(absl::string_view principal, absl::string_view personal_data,
                        absl::string_view issued_ms) const;

  std::string key_;
};

// The prefix of the principals internal clients sign as
// ("svc.roster_service", "svc.gateway"). The services let them read, never
// write; the gateway's tokens file may not name one.
inline constexpr char kServicePrincipalPrefix[] = "svc.";
bool IsServicePrincipal(absl::string_view principal);

// Whether `principal` may travel as a principal: 1 to 64 characters of
// [A-Za-z0-9._@-].
bool IsValidPrincipal(absl::string_view principal);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CALLER_SIGNATURE_H_
