#ifndef GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_

// What the integration tests of the org service share, one file per job,
// compiled once in the org_testing library (tests/CMakeLists.txt):
//   org_builders.h        resource builders, IdOf, NamesOf
//   org_client_wrapper.h  a synchronous client that puts a deadline on every
//                         call and pages through lists; a watch-stream reader
//   sample_district.h     a sample district
//   org_server_fixture.h  a fixture that runs the real org_service binary on
//                         port 0 in a temporary directory
// and the event-log checks of tests/testing/event_checks.h.

#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/org/v1/resources.pb.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/sync_stream.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_builders.h"
#include "tests/org_service/org_client_wrapper.h"
#include "tests/org_service/org_server_fixture.h"
#include "tests/org_service/sample_district.h"
#include "tests/testing/event_checks.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {

namespace v1 = ::grassroots::org::v1;

using ::grassroots::testing::EventsAreContiguous;

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_ORG_TEST_SUPPORT_H_
