#ifndef GRASSROOTS_COMMON_TLS_CREDENTIALS_H_
#define GRASSROOTS_COMMON_TLS_CREDENTIALS_H_

// TLS for the suite's own links, from PEM files: a server's certificate,
// and the roots its peers' certificates must chain to. With roots, a server
// demands and verifies a client certificate (mutual TLS); a client verifies
// the server and, with a certificate of its own, presents it.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace grassroots {

struct TlsFiles {
  std::string cert;  // PEM certificate chain; empty: no certificate of one's own
  std::string key;   // PEM private key of `cert`
  std::string ca;    // PEM roots the peer's certificate must chain to
  // Names the flags in errors ("--tls").
  std::string flag_prefix = "--tls";
  // For a server with `ca`: whether a client may also connect without a
  // certificate (the gateway, whose clients may send a token instead). One
  // that presents a certificate must still chain to `ca`.
  bool client_certificate_optional = false;
};

// Plaintext (InsecureServerCredentials) when `files.cert` is empty; else TLS
// with the certificate, requiring a client certificate that chains to
// `files.ca` when that is set (verifying one if presented, with
// client_certificate_optional). Errors of ReadWholeFile, or INVALID_ARGUMENT
// when only one of cert and key is given.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFrom(
    const TlsFiles& files);

// Plaintext when `files.ca` is empty; else TLS verifying the server against
// `files.ca`, presenting `files.cert` when set. Errors as above.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(
    const TlsFiles& files);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_TLS_CREDENTIALS_H_
