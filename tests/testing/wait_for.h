#ifndef GRASSROOTS_TESTS_TESTING_WAIT_FOR_H_
#define GRASSROOTS_TESTS_TESTING_WAIT_FOR_H_

// Waiting for a condition instead of sleeping before an assertion: a test
// that sleeps a fixed time and then asserts is slow when the machine is
// idle and flaky when it is loaded; one that polls until the condition holds
// (or a generous deadline passes) is neither.

#include <functional>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace grassroots::testing {

// How long a test waits by default for something that normally happens in
// milliseconds: far above any noise of a shared machine.
inline constexpr absl::Duration kEventuallyTimeout = absl::Seconds(10);

// Polls `condition` (first at once, then every `interval`) until it returns
// true or `timeout` passes; returns its last value. Use it as
// `ASSERT_TRUE(WaitFor([&] { return ...; }))`.
bool WaitFor(const std::function<bool()>& condition, absl::Duration timeout = kEventuallyTimeout,
             absl::Duration interval = absl::Milliseconds(5));

// Polls `actual()` until it equals `expected` or `timeout` passes; then
// compares once more, so that a failure shows the last value seen.
template <typename T, typename F>
::testing::AssertionResult EventuallyEq(const T& expected, F&& actual,
                                        absl::Duration timeout = kEventuallyTimeout) {
  WaitFor([&] { return actual() == expected; }, timeout);
  const auto last = actual();
  if (last == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "still " << ::testing::PrintToString(last) << " after " << absl::FormatDuration(timeout)
         << "; expected " << ::testing::PrintToString(expected);
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_WAIT_FOR_H_
