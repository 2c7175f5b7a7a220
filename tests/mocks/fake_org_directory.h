#ifndef GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_
#define GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_

#include <algorithm>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "org_client/org_directory.h"

namespace grassroots::roster::testing {

using ::grassroots::org_client::Place;
using ::grassroots::org_client::PlaceFacts;
using ::grassroots::org_client::PlaceName;

// An org directory in memory, for unit tests of the roster, casework and
// activity cores: places
// with their facts, a tree for PlacesUnder, and a switch that makes the org
// service "unreachable". Integration tests use the real org service instead.
class FakeOrgDirectory final : public org_client::OrgDirectory {
 public:
  void AddUnit(int64_t id, org::Level level, int64_t parent_id = 0) {
    absl::MutexLock lock(&mu_);
    places_[Place{Place::Kind::kUnit, id}] = {Place{Place::Kind::kUnit, id}, false, level,
                                              org::OrgForm::kUnspecified, parent_id};
    if (parent_id != 0) children_[parent_id].push_back(id);
  }
  // `parent_id`: the organisation above (0 for none).
  void AddOrg(int64_t id, org::OrgForm form, std::vector<int64_t> units = {},
              int64_t parent_id = 0) {
    absl::MutexLock lock(&mu_);
    const Place place{Place::Kind::kPartyOrg, id};
    for (int64_t unit : units) orgs_covering_[unit].push_back(id);
    std::sort(units.begin(), units.end());
    places_[place] = {place, false, org::Level::kUnspecified, form, parent_id, std::move(units)};
  }
  void AddExternalOrg(int64_t id) {
    absl::MutexLock lock(&mu_);
    const Place place{Place::Kind::kExternalOrg, id};
    places_[place] = {place, false};
  }
  void Delete(const Place& place) {
    absl::MutexLock lock(&mu_);
    places_[place].deleted = true;
  }
  void SetUnreachable(bool unreachable) {
    absl::MutexLock lock(&mu_);
    unreachable_ = unreachable;
  }
  int describe_calls() const {
    absl::MutexLock lock(&mu_);
    return describe_calls_;
  }

  void Describe(const Place& place, std::function<void(absl::StatusOr<PlaceFacts>)> done) override {
    absl::StatusOr<PlaceFacts> facts = absl::NotFoundError(PlaceName(place));
    {
      absl::MutexLock lock(&mu_);
      ++describe_calls_;
      if (unreachable_) {
        facts = absl::UnavailableError("connection refused");
      } else if (auto it = places_.find(place); it != places_.end()) {
        facts = it->second;
      }
    }
    done(std::move(facts));
  }

  absl::StatusOr<std::vector<Place>> PlacesUnder(int64_t unit_id) const override {
    absl::MutexLock lock(&mu_);
    std::vector<int64_t> units{unit_id};
    for (size_t i = 0; i < units.size(); ++i) {
      if (auto it = children_.find(units[i]); it != children_.end()) {
        units.insert(units.end(), it->second.begin(), it->second.end());
      }
    }
    std::vector<Place> places;
    for (int64_t unit : units) {
      places.push_back({Place::Kind::kUnit, unit});
      if (auto it = orgs_covering_.find(unit); it != orgs_covering_.end()) {
        for (int64_t org : it->second) places.push_back({Place::Kind::kPartyOrg, org});
      }
    }
    return places;
  }

  absl::StatusOr<std::optional<std::vector<Place>>> PlacesUnderAtMost(
      int64_t unit_id, size_t max_places) const override {
    ASSIGN_OR_RETURN(std::vector<Place> places, PlacesUnder(unit_id));
    if (places.size() > std::min(max_places, max_places_to_list())) return std::nullopt;
    return places;
  }

  bool IsPlaceUnder(const Place& place, int64_t unit_id) const override {
    absl::StatusOr<std::vector<Place>> places = PlacesUnder(unit_id);
    return places.ok() && std::find(places->begin(), places->end(), place) != places->end();
  }

  // Makes PlacesUnderAtMost give up on any subtree larger than `max`, so
  // that a test can take the roster's path for large subtrees.
  void SetMaxPlacesToList(size_t max) {
    absl::MutexLock lock(&mu_);
    max_places_to_list_ = max;
  }

 private:
  size_t max_places_to_list() const {
    absl::MutexLock lock(&mu_);
    return max_places_to_list_;
  }

  mutable absl::Mutex mu_;
  absl::flat_hash_map<Place, PlaceFacts> places_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::vector<int64_t>> children_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::vector<int64_t>> orgs_covering_ ABSL_GUARDED_BY(mu_);
  bool unreachable_ ABSL_GUARDED_BY(mu_) = false;
  int describe_calls_ ABSL_GUARDED_BY(mu_) = 0;
  size_t max_places_to_list_ ABSL_GUARDED_BY(mu_) = std::numeric_limits<size_t>::max();
};

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_
