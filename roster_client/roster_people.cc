#include "roster_client/roster_people.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "common/resource_name.h"

namespace grassroots::roster_client {

RosterPeople::RosterPeople(std::shared_ptr<grpc::Channel> channel, absl::Duration timeout)
    : stub_(roster::v1::RosterService::NewStub(std::move(channel))), timeout_(timeout) {}

void RosterPeople::CheckPerson(int64_t person_id, std::function<void(absl::Status)> done) {
  struct Call {
    grpc::ClientContext context;
    roster::v1::GetPersonRequest request;
    roster::v1::Person response;
    std::function<void(absl::Status)> done;
  };
  auto* call = new Call;
  call->request.set_name(FormatResourceName("people", person_id));
  call->context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  call->done = std::move(done);
  stub_->async()->GetPerson(
      &call->context, &call->request, &call->response, [call](grpc::Status status) {
        absl::Status answer = FromGrpcStatus(status);
        if (answer.ok() && call->response.state() == roster::v1::Person::DELETED) {
          answer = absl::FailedPreconditionError("deleted");
        }
        std::function<void(absl::Status)> done = std::move(call->done);
        delete call;
        done(std::move(answer));
      });
}

}  // namespace grassroots::roster_client
