#ifndef GRASSROOTS_TESTS_TESTING_COMMAND_RUNNER_H_
#define GRASSROOTS_TESTS_TESTING_COMMAND_RUNNER_H_

// Runs a command-line binary of the suite (orgctl) as a child process, for
// tests: stdin from /dev/null, stdout and stderr captured, the environment
// without any ORGCTL_* variable plus what the test gives, a time limit.

#include <chrono>
#include <ostream>
#include <string>
#include <vector>

namespace grassroots::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
};

std::ostream& operator<<(std::ostream& os, const CommandResult& result);

// The whole contents of the file at `path` ("" when it cannot be read).
std::string ReadWholeTestFile(const std::string& path);

// Runs `binary args...` with `env` ("NAME=value") added; a failure to start
// or to finish within `timeout` (then killed) is a test failure.
CommandResult RunCommand(const std::string& binary, const std::vector<std::string>& args,
                         const std::vector<std::string>& env = {},
                         std::chrono::seconds timeout = std::chrono::seconds(120));

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_COMMAND_RUNNER_H_
