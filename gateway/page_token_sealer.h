#ifndef GRASSROOTS_GATEWAY_PAGE_TOKEN_SEALER_H_
#define GRASSROOTS_GATEWAY_PAGE_TOKEN_SEALER_H_

// Page tokens as the gateway's clients see them. A service's token holds
// where its list stopped — the last key of the page, which may be a
// resident of another community — and is only checksummed. The gateway
// hands clients that token sealed (AES-256-GCM), so a client can neither
// read it nor forge or alter one, and bound to the principal, the method
// and the request's other fields: a token works only for the caller and
// the query it was issued for.
//
// The sealing key is derived from the caller key (CallerSigner::DerivedKey),
// which every gateway of a suite shares: a token issued by one gateway
// opens at another.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace grassroots::gateway {

// Immutable, so thread-safe.
class PageTokenSealer {
 public:
  // `key`: 32 bytes.
  explicit PageTokenSealer(std::string key);

  // What a request is bound to: who asks, by which method, with which other
  // fields (the request's bytes without its page token and page size).
  static std::string Binding(absl::string_view principal, absl::string_view method,
                             absl::string_view request_without_paging);

  // `token` sealed for `binding`, as web-safe base64.
  std::string Seal(absl::string_view token, absl::string_view binding) const;

  // The service's token inside `sealed`. INVALID_ARGUMENT ("page_token:
  // ...") when it was not sealed by a gateway of this suite for `binding`
  // — another caller's, another query's, altered, or made up — without
  // saying which.
  absl::StatusOr<std::string> Open(absl::string_view sealed, absl::string_view binding) const;

 private:
  std::string key_;
};

// Top-level fields of a serialized protobuf message, edited without the
// message's type (the gateway forwards bytes). INVALID_ARGUMENT when the
// bytes are not a well-formed message.

// The value of length-delimited field `number` (the last occurrence, as a
// parser would), "" when absent.
absl::StatusOr<std::string> ReadStringField(absl::string_view message, int number);

// `message` without any occurrence of the fields `numbers`.
absl::StatusOr<std::string> WithoutFields(absl::string_view message,
                                          const std::vector<int>& numbers);

// `message` with field `number` set to `value` (removed when empty).
absl::StatusOr<std::string> WithStringField(absl::string_view message, int number,
                                            absl::string_view value);

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_PAGE_TOKEN_SEALER_H_
