#include "common/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <memory>
#include <string>

namespace grassroots {
namespace {

std::string Hex(const unsigned char* bytes, size_t size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(size * 2, '0');
  for (size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return Hex(digest, sizeof digest);
}

std::string HmacSha256Hex(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return Hex(digest, length);
}

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

namespace {

constexpr int kGcmNonceBytes = 12;
constexpr int kGcmTagBytes = 16;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

std::string SealAes256Gcm(absl::string_view key, absl::string_view plaintext,
                          absl::string_view associated) {
  // A wrong key length is a programming error, as is OpenSSL failing on
  // valid arguments; sealing with anything less is not an option.
  if (key.size() != 32) std::abort();
  std::string out(kGcmNonceBytes + plaintext.size() + kGcmTagBytes, '\0');
  auto* data = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(data, kGcmNonceBytes) != 1) std::abort();
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (context == nullptr ||
      EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), data) != 1 ||
      EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(context.get(), data + kGcmNonceBytes, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(context.get(), data + kGcmNonceBytes + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kGcmTagBytes,
                          data + kGcmNonceBytes + plaintext.size()) != 1) {
    std::abort();
  }
  return out;
}

std::optional<std::string> OpenAes256Gcm(absl::string_view key, absl::string_view sealed,
                                         absl::string_view associated) {
  if (key.size() != 32) std::abort();
  if (sealed.size() < static_cast<size_t>(kGcmNonceBytes + kGcmTagBytes)) return std::nullopt;
  const size_t text_size = sealed.size() - kGcmNonceBytes - kGcmTagBytes;
  std::string plaintext(text_size, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plaintext.data());
  std::string tag(sealed.substr(kGcmNonceBytes + text_size));
  CipherContext context(EVP_CIPHER_CTX_new());
  int length = 0;
  if (context == nullptr ||
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), Bytes(sealed)) !=
          1 ||
      EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(context.get(), out, &length, Bytes(sealed) + kGcmNonceBytes,
                        static_cast<int>(text_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kGcmTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(context.get(), out + length, &length) != 1) {
    return std::nullopt;
  }
  return plaintext;
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string RandomHex(int bytes) {
  std::string raw(static_cast<size_t>(bytes), '\0');
  // RAND_bytes fails only when the CSPRNG cannot be seeded; carrying on
  // would hand out predictable secrets.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) std::abort();
  return Hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
}

}  // namespace grassroots
