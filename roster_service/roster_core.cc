// RosterCore's construction and the plumbing its writes share: the writer
// (Submit) and the question to the org service about a place (WithPlace).
// The writes are in roster_writes.cc, the import in roster_import.cc, the
// reads in roster_queries.cc, and the rules they share in roster_plans.*.

#include "roster_service/roster_core.h"

#include <utility>

#include "roster_service/roster_plans.h"

namespace grassroots::roster {

RosterCore::RosterCore(RosterStore* store, org_client::OrgDirectory* directory, const Clock* clock,
                       RosterCoreOptions options)
    : ServiceCore(store, clock, std::move(options), "the roster service"),
      directory_(directory),
      clock_(clock) {}

absl::CivilDay RosterCore::Today() const {
  // Dates in this domain are Beijing dates, whatever the server's zone.
  return ChinaDay(clock_->Now());
}

void RosterCore::Submit(const Caller& caller, std::string method, std::string request_id, Plan plan,
                        Done<Snapshot> done) {
  engine_.Submit(
      caller, std::move(method), std::move(request_id),
      [this, caller, plan = std::move(plan), today = Today()](const RosterIndex& index,
                                                              Mutation& mutation) {
        RosterWriteContext ctx{{index, mutation}, today, &caller, &budget_};
        return plan(ctx);
      },
      std::move(done));
}

void RosterCore::WithPlace(const Place& place, std::string field,
                           std::function<void(const PlaceFacts&)> then,
                           std::function<void(absl::Status)> fail) {
  directory_->Describe(place, [place, field = std::move(field), then = std::move(then),
                               fail = std::move(fail)](absl::StatusOr<PlaceFacts> facts) {
    if (absl::Status refused = PlaceRefusal(facts, place, field); !refused.ok()) {
      return fail(std::move(refused));
    }
    then(*facts);
  });
}

void RosterCore::WithExternalOrg(int64_t id, std::string field, std::function<void()> then,
                                 std::function<void(absl::Status)> fail) {
  if (id == 0) return then();
  WithPlace(
      Place{Place::Kind::kExternalOrg, id}, std::move(field),
      [then = std::move(then)](const PlaceFacts&) { then(); }, std::move(fail));
}

}  // namespace grassroots::roster
