#ifndef GRASSROOTS_ORG_CLIENT_ORG_DIRECTORY_H_
#define GRASSROOTS_ORG_CLIENT_ORG_DIRECTORY_H_

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "org_client/place.h"

namespace grassroots::org_client {

// What the roster and the gateway need to know of the org service's hierarchy. The
// production implementation (OrgReplica) asks the org service over gRPC and
// keeps a replica of the hierarchy for subtree queries; tests may use a real
// org service too.
//
// Thread-safe.
class OrgDirectory {
 public:
  virtual ~OrgDirectory() = default;

  // What the org service says of `place` now, checked before a write that
  // names it. `done` gets NOT_FOUND when the place is unknown, UNAVAILABLE
  // (or DEADLINE_EXCEEDED) when the org service cannot answer in time; never
  // blocks the caller. Deleted places are returned with `deleted` set.
  virtual void Describe(const Place& place,
                        std::function<void(absl::StatusOr<PlaceFacts>)> done) = 0;

  // Describe for many places at once (a bulk import's message names
  // thousands): `done` gets one answer per place, in the order asked, each
  // as Describe would give it. This default asks place by place;
  // OrgReplica asks in batches, which is what makes an import fast.
  virtual void DescribeMany(std::vector<Place> places,
                            std::function<void(std::vector<absl::StatusOr<PlaceFacts>>)> done) {
    if (places.empty()) return done({});
    struct Gather {
      std::mutex mu;
      size_t pending;
      std::vector<absl::StatusOr<PlaceFacts>> answers;
      std::function<void(std::vector<absl::StatusOr<PlaceFacts>>)> done;
    };
    auto gather = std::make_shared<Gather>();
    gather->pending = places.size();
    gather->answers.resize(places.size(), absl::UnknownError("not answered"));
    gather->done = std::move(done);
    for (size_t i = 0; i < places.size(); ++i) {
      Describe(places[i], [gather, i](absl::StatusOr<PlaceFacts> facts) {
        bool last = false;
        {
          std::lock_guard<std::mutex> lock(gather->mu);
          gather->answers[i] = std::move(facts);
          last = --gather->pending == 0;
        }
        if (last) gather->done(std::move(gather->answers));
      });
    }
  }

  // Every place at or below unit `unit_id`: the unit, its descendants, and
  // the party organisations covering any of them, live or deleted, from the
  // replica of the hierarchy (kept current by the org service's event
  // stream, so moves are followed). UNAVAILABLE until the replica has loaded
  // once; NOT_FOUND for a unit it does not know.
  virtual absl::StatusOr<std::vector<Place>> PlacesUnder(int64_t unit_id) const = 0;

  // PlacesUnder, unless the subtree holds more than `max_places` places:
  // nullopt then, found out after visiting about max_places of them. Lets a
  // caller pick between listing a subtree and testing places one by one.
  virtual absl::StatusOr<std::optional<std::vector<Place>>> PlacesUnderAtMost(
      int64_t unit_id, size_t max_places) const = 0;

  // Whether `place` is among PlacesUnder(unit_id), without listing them: a
  // walk up from the place, O(depth) for a unit and O(depth) per covered
  // unit for a party organisation. False for anything the directory does
  // not hold, or before it has loaded (PlacesUnder tells those apart).
  virtual bool IsPlaceUnder(const Place& place, int64_t unit_id) const = 0;
};

}  // namespace grassroots::org_client

#endif  // GRASSROOTS_ORG_CLIENT_ORG_DIRECTORY_H_
