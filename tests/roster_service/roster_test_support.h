#ifndef GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_

// What the integration tests of the roster service share, one file per
// job, compiled once in the roster_testing library (tests/CMakeLists.txt):
//   roster_builders.h        dates, personal data of test people (valid
//                            ID-card numbers), builders of people and roles
//   roster_client_wrapper.h  a synchronous RosterService client that puts a
//                            deadline on every call and pages through lists
//   retry_for.h              retrying until something catches up
//   roster_server_fixture.h  a fixture that runs a real org_service and a
//                            real roster_service pointed at it, each on
//                            port 0 with its own data directory
// and the event-log checks of tests/testing/event_checks.h.
//
// The org side (its client, the sample district) comes from
// tests/org_service/org_test_support.h.

#include <cstdint>
#include <deque>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "grassroots/roster/v1/resources.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "grassroots/type/date.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/roster_service/retry_for.h"
#include "tests/roster_service/roster_builders.h"
#include "tests/roster_service/roster_client_wrapper.h"
#include "tests/roster_service/roster_server_fixture.h"
#include "tests/testing/event_checks.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"
#include "tests/testing/temp_dir.h"
#include "tests/testing/watch_stream.h"

namespace grassroots::roster::testing {

namespace v1 = ::grassroots::roster::v1;
namespace org_v1 = ::grassroots::org::v1;
using ::grassroots::org::testing::IdOf;
using ::grassroots::org::testing::NamesOf;
using ::grassroots::org::testing::OrgClient;
using ::grassroots::org::testing::Pages;
using ::grassroots::testing::EventsAreContiguous;

}  // namespace grassroots::roster::testing

#endif  // GRASSROOTS_TESTS_ROSTER_SERVICE_ROSTER_TEST_SUPPORT_H_
