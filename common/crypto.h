#ifndef GRASSROOTS_COMMON_CRYPTO_H_
#define GRASSROOTS_COMMON_CRYPTO_H_

// The few primitives the suite needs, from OpenSSL: hashing tokens, signing
// caller metadata, and sealing what the gateway hands clients to give back
// (page tokens).

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace grassroots {

// SHA-256 of `data`, as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

// HMAC-SHA-256 of `message` under `key`, as 64 lower-case hex digits.
std::string HmacSha256Hex(absl::string_view key, absl::string_view message);

// HMAC-SHA-256 of `message` under `key`: the 32 raw bytes (to derive a key
// from another).
std::string HmacSha256(absl::string_view key, absl::string_view message);

// AES-256-GCM under a 32-byte `key`: a fresh random 12-byte nonce, then the
// ciphertext, then the 16-byte tag; `associated` is authenticated but not
// stored (the opener must supply the same).
std::string SealAes256Gcm(absl::string_view key, absl::string_view plaintext,
                          absl::string_view associated);
// The plaintext of SealAes256Gcm's output, or nullopt when it was not
// sealed under `key` with `associated`, or was altered.
std::optional<std::string> OpenAes256Gcm(absl::string_view key, absl::string_view sealed,
                                         absl::string_view associated);

// Whether `a` and `b` are equal, in a time that depends on their lengths
// only, so that comparing a secret leaks nothing of how much of it matched.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// `bytes` random bytes from the system's CSPRNG, as 2 * `bytes` hex digits.
std::string RandomHex(int bytes);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_CRYPTO_H_
