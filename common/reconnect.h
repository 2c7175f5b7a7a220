#ifndef GRASSROOTS_COMMON_RECONNECT_H_
#define GRASSROOTS_COMMON_RECONNECT_H_

#include "grpc/grpc.h"
#include "grpcpp/support/channel_arguments.h"

namespace grassroots {

// Reconnect backoff for a channel from one of the suite's processes to
// another on the same network. gRPC's default grows from 1 s by 1.6x up to
// 120 s, so after an outage of half a minute a backend that is back is found
// only some fifteen seconds later; here a peer that returns is found within
// about a second, and a peer that is down costs a connection attempt a
// second.
inline void UseQuickReconnect(grpc::ChannelArguments& args) {
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_RECONNECT_H_
