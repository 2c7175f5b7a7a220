#ifndef GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_
#define GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_

#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "roster_service/org_directory.h"

namespace grassroots::roster::testing {

// An org directory in memory, for unit tests of the roster core: places
// with their facts, a tree for PlacesUnder, and a switch that makes the org
// service "unreachable". Integration tests use the real org service instead.
class FakeOrgDirectory final : public OrgDirectory {
 public:
  void AddUnit(int64_t id, org::Level level, int64_t parent_id = 0) {
    absl::MutexLock lock(&mu_);
    places_[Place{Place::Kind::kUnit, id}] = {Place{Place::Kind::kUnit, id}, false, level};
    if (parent_id != 0) children_[parent_id].push_back(id);
  }
  void AddOrg(int64_t id, org::OrgForm form, std::vector<int64_t> units = {}) {
    absl::MutexLock lock(&mu_);
    const Place place{Place::Kind::kPartyOrg, id};
    places_[place] = {place, false, org::Level::kUnspecified, form};
    for (int64_t unit : units) orgs_covering_[unit].push_back(id);
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

  void Describe(const Place& place,
                std::function<void(absl::StatusOr<PlaceFacts>)> done) override {
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

 private:
  mutable absl::Mutex mu_;
  absl::flat_hash_map<Place, PlaceFacts> places_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::vector<int64_t>> children_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<int64_t, std::vector<int64_t>> orgs_covering_ ABSL_GUARDED_BY(mu_);
  bool unreachable_ ABSL_GUARDED_BY(mu_) = false;
  int describe_calls_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_MOCKS_FAKE_ORG_DIRECTORY_H_
