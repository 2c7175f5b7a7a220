#ifndef GRASSROOTS_ROSTER_CLIENT_ROSTER_PEOPLE_H_
#define GRASSROOTS_ROSTER_CLIENT_ROSTER_PEOPLE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/time/time.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "roster_client/person_directory.h"

namespace grassroots::roster_client {

// PersonDirectory over the roster service: GetPerson with a deadline,
// through gRPC's callback API (`done` runs on a gRPC thread).
class RosterPeople final : public PersonDirectory {
 public:
  RosterPeople(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout);
  void CheckPerson(int64_t person_id, std::function<void(absl::Status)> done) override;

 private:
  const std::unique_ptr<roster::v1::RosterService::Stub> stub_;
  const absl::Duration timeout_;
};

}  // namespace grassroots::roster_client

#endif  // GRASSROOTS_ROSTER_CLIENT_ROSTER_PEOPLE_H_
