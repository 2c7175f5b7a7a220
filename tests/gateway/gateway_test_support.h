#ifndef GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_

// What the gateway's integration tests share, compiled once in the
// gateway_testing library (tests/CMakeLists.txt): the suite of three real
// processes with principals of every role and the seeded sample district
// (gateway_suite.h), and the org and roster tests' support it builds on.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/crypto.h"
#include "common/grpc_probe.h"
#include "tests/gateway/gateway_suite.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/roster_test_support.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/token_channel.h"

#endif  // GRASSROOTS_TESTS_GATEWAY_GATEWAY_TEST_SUPPORT_H_
