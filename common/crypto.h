#ifndef GRASSROOTS_COMMON_CRYPTO_H_
#define GRASSROOTS_COMMON_CRYPTO_H_

// The few primitives the suite needs, from OpenSSL: hashing tokens and
// signing caller metadata.

#include <string>

#include "absl/strings/string_view.h"

namespace grassroots {

// SHA-256 of `data`, as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

// HMAC-SHA-256 of `message` under `key`, as 64 lower-case hex digits.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

// Whether `a` and `b` are equal, in a time that depends on their lengths
// only, so that comparing a secret leaks nothing of how much of it matched.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// `bytes` random bytes from the system's CSPRNG, as 2 * `bytes` hex digits.
std::string RandomHex(int bytes);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CRYPTO_H_
