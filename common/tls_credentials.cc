#include "common/tls_credentials.h"

#include "absl/strings/str_cat.h"
#include "common/file_util.h"

namespace grassroots {
namespace {

struct Pem {
  std::string cert, key, ca;
};

absl::StatusOr<Pem> ReadPem(const TlsFiles& files) {
  if (files.cert.empty() != files.key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(files.flag_prefix, "_cert and ",
                                                   files.flag_prefix,
                                                   "_key go together: give both or neither"));
  }
  Pem pem;
  auto read = [&](const std::string& path, const char* suffix, std::string* out) -> absl::Status {
    if (path.empty()) return absl::OkStatus();
    absl::StatusOr<std::string> contents =
        ReadWholeFile(path, absl::StrCat(files.flag_prefix, suffix));
    if (!contents.ok()) return contents.status();
    *out = *std::move(contents);
    return absl::OkStatus();
  };
  if (absl::Status s = read(files.cert, "_cert", &pem.cert); !s.ok()) return s;
  if (absl::Status s = read(files.key, "_key", &pem.key); !s.ok()) return s;
  if (absl::Status s = read(files.ca, "_ca", &pem.ca); !s.ok()) return s;
  return pem;
}

}  // namespace

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFrom(
    const TlsFiles& files) {
  absl::StatusOr<Pem> pem = ReadPem(files);
  if (!pem.ok()) return pem.status();
  if (pem->cert.empty()) {
    if (!pem->ca.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(files.flag_prefix, "_ca verifies clients of a TLS server: give ",
                       files.flag_prefix, "_cert and ", files.flag_prefix, "_key too"));
    }
    return grpc::InsecureServerCredentials();
  }
  grpc::SslServerCredentialsOptions options(
      pem->ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
      : files.client_certificate_optional
          ? GRPC_SSL_REQUEST_CLIENT_CERTIFICATE_AND_VERIFY
          : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  options.pem_root_certs = pem->ca;
  options.pem_key_cert_pairs.push_back({pem->key, pem->cert});
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFrom(
    const TlsFiles& files) {
  absl::StatusOr<Pem> pem = ReadPem(files);
  if (!pem.ok()) return pem.status();
  if (pem->ca.empty()) {
    if (!pem->cert.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          files.flag_prefix, "_cert is presented over TLS: give ", files.flag_prefix, "_ca too"));
    }
    return grpc::InsecureChannelCredentials();
  }
  return grpc::SslCredentials(
      {.pem_root_certs = pem->ca, .pem_private_key = pem->key, .pem_cert_chain = pem->cert});
}

}  // namespace grassroots
