#ifndef GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
#define GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_

// What the crash and backend-fault suites share, compiled once in the
// reliability_testing library (tests/reliability/CMakeLists.txt): the
// gateway suite of three processes with a backend that can be killed,
// stopped or hung and brought back on the same address and data directory,
// and waiting for the gateway's health (reliability_suite.h); tallies of
// call outcomes for the figures (call_tally.h).

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/gateway/gateway_test_support.h"
#include "tests/reliability/call_tally.h"
#include "tests/reliability/reliability_suite.h"
#include "tests/testing/server_process.h"

#endif  // GRASSROOTS_TESTS_RELIABILITY_RELIABILITY_SUPPORT_H_
