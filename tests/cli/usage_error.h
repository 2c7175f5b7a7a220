#ifndef GRASSROOTS_TESTS_CLI_USAGE_ERROR_H_
#define GRASSROOTS_TESTS_CLI_USAGE_ERROR_H_

// What the unit tests of orgctl's flag values share.

#include <functional>
#include <string>

#include "cli/context.h"
#include "gtest/gtest.h"

namespace grassroots::cli {

// The message of the usage error (exit 2) `run` throws; fails the test
// otherwise.
inline std::string UsageErrorOf(const std::function<void()>& run) {
  try {
    run();
  } catch (const CommandError& error) {
    EXPECT_EQ(error.exit_code(), kExitUsage);
    return error.what();
  }
  ADD_FAILURE() << "no usage error";
  return "";
}

}  // namespace grassroots::cli

#endif  // GRASSROOTS_TESTS_CLI_USAGE_ERROR_H_
