#ifndef GRASSROOTS_TESTS_TESTING_EVENT_CHECKS_H_
#define GRASSROOTS_TESTS_TESTING_EVENT_CHECKS_H_

#include <cstdint>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace grassroots::testing {

// Whether `events` (any service's Event proto) run without gaps from
// (first_revision, 0): each is the next index of its revision or index 0 of
// the next revision, and each names its resource and has an `after`.
template <typename Event>
::testing::AssertionResult EventsAreContiguous(const std::vector<Event>& events,
                                               int64_t first_revision) {
  int64_t revision = first_revision;
  int32_t index = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    const Event& event = events[i];
    if (i > 0 && event.revision() == revision && event.index() == index + 1) {
      index = event.index();
    } else if (event.revision() == (i == 0 ? first_revision : revision + 1) && event.index() == 0) {
      revision = event.revision();
      index = 0;
    } else if (i == 0) {
      return ::testing::AssertionFailure()
             << "the first event is (" << event.revision() << ", " << event.index() << "), not ("
             << first_revision << ", 0)";
    } else {
      return ::testing::AssertionFailure()
             << "event #" << i << " is (" << event.revision() << ", " << event.index()
             << "); after (" << revision << ", " << index << ") expected (" << revision << ", "
             << index + 1 << ") or (" << revision + 1 << ", 0)";
    }
    // Every service's ResourceSnapshot is a oneof whose "not set" case is 0.
    if (event.resource().empty() || static_cast<int>(event.after().resource_case()) == 0) {
      return ::testing::AssertionFailure()
             << "event (" << event.revision() << ", " << event.index()
             << ") has no resource or no after: " << event.ShortDebugString();
    }
  }
  return ::testing::AssertionSuccess();
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_EVENT_CHECKS_H_
