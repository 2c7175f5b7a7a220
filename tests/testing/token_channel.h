#ifndef GRASSROOTS_TESTS_TESTING_TOKEN_CHANNEL_H_
#define GRASSROOTS_TESTS_TESTING_TOKEN_CHANNEL_H_

// A channel that sends `authorization: Bearer <token>` on every call, so
// that the services' test clients (which know nothing of tokens) can talk
// to the gateway as a given principal. gRPC refuses call credentials on a
// plaintext channel; a client interceptor adds the header instead.

#include <memory>
#include <string>

#include "grpcpp/channel.h"
#include "grpcpp/security/credentials.h"

namespace grassroots::testing {

// An empty token sends no header at all. Plaintext unless `credentials`.
std::shared_ptr<grpc::Channel> CreateTokenChannel(
    const std::string& address, const std::string& token,
    std::shared_ptr<grpc::ChannelCredentials> credentials = nullptr);

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_TOKEN_CHANNEL_H_
