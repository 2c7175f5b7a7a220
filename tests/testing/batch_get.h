#ifndef GRASSROOTS_TESTS_TESTING_BATCH_GET_H_
#define GRASSROOTS_TESTS_TESTING_BATCH_GET_H_

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace grassroots::testing {

// The services' BatchGet methods take at most this many names per call.
inline constexpr size_t kMaxBatchGet = 1000;

// Every resource of `names`, read with `batch_get` (a client's BatchGet:
// names to absl::StatusOr<std::vector<Resource>>) in calls of at most
// kMaxBatchGet names; the first failed call's status.
template <typename Resource, typename BatchGet>
absl::StatusOr<std::vector<Resource>> BatchGetAll(const std::vector<std::string>& names,
                                                  BatchGet batch_get) {
  std::vector<Resource> resources;
  for (size_t begin = 0; begin < names.size(); begin += kMaxBatchGet) {
    const size_t end = std::min(names.size(), begin + kMaxBatchGet);
    absl::StatusOr<std::vector<Resource>> chunk =
        batch_get(std::vector<std::string>(names.begin() + begin, names.begin() + end));
    if (!chunk.ok()) return chunk.status();
    resources.insert(resources.end(), chunk->begin(), chunk->end());
  }
  return resources;
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_BATCH_GET_H_
