// Tests of the gateway's route table (gateway/routes.h): one route per
// method of the services, checked against their descriptors; the
// targets each request names; the filtering of responses to a scope.

#include "gateway/routes.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/support/byte_buffer.h>

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_probe.h"
#include "gateway/principal.h"
#include "gateway/scope_checker.h"
#include "gmock/gmock.h"
#include "grassroots/activity/v1/activity_service.pb.h"
#include "grassroots/casework/v1/casework_service.pb.h"
#include "grassroots/org/v1/org_service.pb.h"
#include "grassroots/roster/v1/roster_service.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::gateway {

// Prints a Target readably in failures (found by argument-dependent lookup).
void PrintTo(const Target& t, std::ostream* os) {
  *os << "{kind=" << static_cast<int>(t.kind) << " id=" << t.id << " field=" << t.field
      << " write=" << t.write << " parent_hint=" << t.parent_hint
      << " residence_hint=" << (t.residence_hint ? absl::StrCat(*t.residence_hint) : "none")
      << " external_key=" << t.external_key << "}";
}

namespace {

namespace org_v1 = ::grassroots::org::v1;
namespace roster_v1 = ::grassroots::roster::v1;
namespace casework_v1 = ::grassroots::casework::v1;
namespace activity_v1 = ::grassroots::activity::v1;

using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Optional;

constexpr char kOrgService[] = "grassroots.org.v1.OrgService";
constexpr char kRosterService[] = "grassroots.roster.v1.RosterService";
constexpr char kCaseworkService[] = "grassroots.casework.v1.CaseworkService";
constexpr char kActivityService[] = "grassroots.activity.v1.ActivityService";

template <typename Message>
grpc::ByteBuffer Bytes(const Message& message) {
  std::string bytes;
  EXPECT_TRUE(message.SerializeToString(&bytes));
  return wire::ToByteBuffer(bytes);
}

template <typename Message>
Message FromBytes(const grpc::ByteBuffer& buffer) {
  Message message;
  absl::StatusOr<std::string> bytes = wire::FromByteBuffer(buffer);
  EXPECT_THAT(bytes, IsOk());
  if (bytes.ok()) {
    EXPECT_TRUE(message.ParseFromString(*bytes));
  }
  return message;
}

std::string Raw(const grpc::ByteBuffer& buffer) {
  absl::StatusOr<std::string> bytes = wire::FromByteBuffer(buffer);
  EXPECT_THAT(bytes, IsOk());
  return bytes.ok() ? *bytes : "";
}

// A target as it prints in a failure.
std::string Describe(const Target& t) {
  return absl::StrCat("{kind=", static_cast<int>(t.kind), " id=", t.id, " field=", t.field,
                      " write=", t.write, " parent_hint=", t.parent_hint, " residence_hint=",
                      t.residence_hint ? absl::StrCat(*t.residence_hint) : "none",
                      " external_key=", t.external_key, "}");
}

MATCHER_P3(IsTarget, kind, id, field, "") {
  *result_listener << Describe(arg);
  return arg.kind == kind && arg.id == id && arg.field == field;
}
MATCHER_P3(IsOrgTarget, id, field, write, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kPartyOrg && arg.id == id && arg.field == field &&
         arg.write == write;
}
// An issue, judged by its place (`write` false) or its handling unit.
MATCHER_P3(IsIssueTarget, id, field, write, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kIssue && arg.id == id && arg.field == field && arg.write == write;
}
// An activity, looked up by id (no units known), worked (`write`) or read.
MATCHER_P3(IsActivityTarget, id, field, write, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kActivity && arg.id == id && arg.field == field &&
         arg.write == write && arg.units.empty();
}
MATCHER_P3(IsServicePointTarget, id, field, write, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kServicePoint && arg.id == id && arg.field == field &&
         arg.write == write;
}
MATCHER_P2(IsExternalKeyTarget, key, field, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kPersonByExternalKey && arg.external_key == key &&
         arg.field == field;
}
// As IsExternalKeyTarget, with whether the row moves the person's
// membership (`write`) and gives a residence.
MATCHER_P4(IsExternalKeyTargetOfARow, key, field, moves_membership, keeps_residence, "") {
  *result_listener << Describe(arg);
  return arg.kind == TargetKind::kPersonByExternalKey && arg.external_key == key &&
         arg.field == field && arg.write == moves_membership &&
         arg.keeps_residence == keeps_residence;
}

class RoutesTest : public ::testing::Test {
 protected:
  const Route& RouteOf(absl::string_view service, absl::string_view method) {
    const Route* route = table_.Find(absl::StrCat("/", service, "/", method));
    if (route == nullptr) {
      ADD_FAILURE() << "no route for " << service << "/" << method;
      static const Route* const kEmpty = new Route();
      return *kEmpty;
    }
    return *route;
  }
  const Route& Org(absl::string_view method) { return RouteOf(kOrgService, method); }
  const Route& Roster(absl::string_view method) { return RouteOf(kRosterService, method); }
  const Route& Casework(absl::string_view method) { return RouteOf(kCaseworkService, method); }
  const Route& Activity(absl::string_view method) { return RouteOf(kActivityService, method); }

  template <typename Message>
  absl::StatusOr<std::vector<Target>> TargetsOf(const Route& route, const Message& request) {
    if (!route.targets) return absl::InternalError("route has no targets function");
    return route.targets(Bytes(request));
  }

  RouteTable table_;
};

// --- The table against the descriptors ---------------------------------------

Action ExpectedAction(const std::string& method) {
  for (const char* prefix : {"Delete", "Undelete", "Move"}) {
    if (absl::StartsWith(method, prefix)) return Action::kManage;
  }
  // Records of another system with their recorded history (closed, confirmed,
  // escalated): an ADMIN's, unlike an import of people (docs/casework.md).
  if (method == "ImportIssues") return Action::kManage;
  for (const char* prefix : {"Get", "List", "Batch", "Count", "Lookup", "Watch"}) {
    if (absl::StartsWith(method, prefix)) return Action::kRead;
  }
  return Action::kWrite;
}

TEST_F(RoutesTest, EveryMethodHasExactlyOneRightRoute) {
  // Make sure the generated files are registered in the pool.
  (void)org_v1::GetUnitRequest::descriptor();
  (void)roster_v1::GetPersonRequest::descriptor();
  (void)casework_v1::GetIssueRequest::descriptor();
  (void)activity_v1::GetActivityRequest::descriptor();

  std::set<std::string> expected_methods;
  for (const auto& [service_name, backend, short_prefix] :
       {std::tuple{kOrgService, Backend::kOrg, "OrgService."},
        std::tuple{kRosterService, Backend::kRoster, "RosterService."},
        std::tuple{kCaseworkService, Backend::kCasework, "CaseworkService."},
        std::tuple{kActivityService, Backend::kActivity, "ActivityService."}}) {
    const google::protobuf::ServiceDescriptor* service =
        google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
    ASSERT_NE(service, nullptr) << service_name;
    ASSERT_GT(service->method_count(), 0);
    for (int i = 0; i < service->method_count(); ++i) {
      const google::protobuf::MethodDescriptor* method = service->method(i);
      const std::string full = absl::StrCat("/", service->full_name(), "/", method->name());
      SCOPED_TRACE(full);
      expected_methods.insert(full);

      int matches = 0;
      for (const Route& route : table_.routes()) matches += route.method == full ? 1 : 0;
      EXPECT_EQ(matches, 1);

      const Route* route = table_.Find(full);
      ASSERT_NE(route, nullptr);
      EXPECT_EQ(route->method, full);
      EXPECT_EQ(route->short_name, absl::StrCat(short_prefix, method->name()));
      EXPECT_EQ(route->backend, backend);
      ASSERT_FALSE(method->client_streaming() && method->server_streaming())
          << "bidirectional methods have no shape";
      const CallShape shape = method->client_streaming()   ? CallShape::kClientStream
                              : method->server_streaming() ? CallShape::kServerStream
                                                           : CallShape::kUnary;
      EXPECT_EQ(route->shape, shape);
      EXPECT_EQ(route->action, ExpectedAction(method->name())) << ActionName(route->action);
      EXPECT_TRUE(static_cast<bool>(route->targets));
    }
  }
  // Nothing else is routed.
  EXPECT_EQ(table_.routes().size(), expected_methods.size());
  for (const Route& route : table_.routes()) {
    EXPECT_TRUE(expected_methods.contains(route.method)) << route.method;
  }
}

TEST_F(RoutesTest, KnownShapes) {
  EXPECT_EQ(Org("ListDescendants").shape, CallShape::kServerStream);
  EXPECT_EQ(Org("WatchEvents").shape, CallShape::kServerStream);
  EXPECT_EQ(Roster("WatchEvents").shape, CallShape::kServerStream);
  EXPECT_EQ(Roster("ImportPeople").shape, CallShape::kClientStream);
  EXPECT_EQ(Casework("WatchEvents").shape, CallShape::kServerStream);
  EXPECT_EQ(Casework("ReportIssue").shape, CallShape::kUnary);
  EXPECT_EQ(Activity("WatchEvents").shape, CallShape::kServerStream);
  EXPECT_EQ(Activity("ImportAttendance").shape, CallShape::kUnary);
  EXPECT_EQ(Org("GetUnit").shape, CallShape::kUnary);
}

// The gateway seals the page tokens of exactly the paged lists: a unary
// method whose request has page_token and whose response next_page_token.
TEST_F(RoutesTest, PagedListsAndOnlyThemHaveTheirTokenFields) {
  std::vector<std::string> paged;
  for (const Route& route : table_.routes()) {
    if (route.page_token_field == 0) {
      EXPECT_EQ(route.next_page_token_field, 0) << route.method;
      continue;
    }
    EXPECT_EQ(route.shape, CallShape::kUnary) << route.method;
    EXPECT_NE(route.next_page_token_field, 0) << route.method;
    EXPECT_NE(route.page_size_field, 0) << route.method;
    paged.push_back(route.short_name);
  }
  EXPECT_THAT(paged,
              ::testing::UnorderedElementsAre(
                  "OrgService.ListUnits", "OrgService.ListPartyOrgs", "OrgService.ListEvents",
                  "OrgService.ListExternalOrgs", "OrgService.ListAlliances",
                  "OrgService.ListAllianceItems", "RosterService.ListPeople",
                  "RosterService.ListMemberships", "RosterService.ListRegistrations",
                  "RosterService.ListRoleAssignments", "RosterService.ListEvents",
                  "CaseworkService.ListIssues", "CaseworkService.ListDispatches",
                  "CaseworkService.ListEvents", "ActivityService.ListActivities",
                  "ActivityService.ListAttendances", "ActivityService.ListCreditEntries",
                  "ActivityService.ListServicePoints", "ActivityService.ListEvents"));
  EXPECT_EQ(Roster("ListPeople").page_token_field,
            roster_v1::ListPeopleRequest::kPageTokenFieldNumber);
  EXPECT_EQ(Roster("ListPeople").next_page_token_field,
            roster_v1::ListPeopleResponse::kNextPageTokenFieldNumber);
  const Route& issues = Casework("ListIssues");
  EXPECT_EQ(issues.page_token_field, casework_v1::ListIssuesRequest::kPageTokenFieldNumber);
  EXPECT_EQ(issues.page_size_field, casework_v1::ListIssuesRequest::kPageSizeFieldNumber);
  EXPECT_EQ(issues.read_revision_field, casework_v1::ListIssuesRequest::kReadRevisionFieldNumber);
  EXPECT_EQ(issues.next_page_token_field,
            casework_v1::ListIssuesResponse::kNextPageTokenFieldNumber);
  const Route& activities = Activity("ListActivities");
  EXPECT_EQ(activities.page_token_field, activity_v1::ListActivitiesRequest::kPageTokenFieldNumber);
  EXPECT_EQ(activities.page_size_field, activity_v1::ListActivitiesRequest::kPageSizeFieldNumber);
  EXPECT_EQ(activities.read_revision_field,
            activity_v1::ListActivitiesRequest::kReadRevisionFieldNumber);
  EXPECT_EQ(activities.next_page_token_field,
            activity_v1::ListActivitiesResponse::kNextPageTokenFieldNumber);
}

TEST_F(RoutesTest, FindUnknownMethod) {
  EXPECT_EQ(table_.Find(""), nullptr);
  EXPECT_EQ(table_.Find("/grassroots.org.v1.OrgService/NoSuchMethod"), nullptr);
  EXPECT_EQ(table_.Find("grassroots.org.v1.OrgService/GetUnit"), nullptr);  // no leading '/'
  EXPECT_EQ(table_.Find("/grpc.health.v1.Health/Check"), nullptr);
}

// --- targets: the org service -------------------------------------------------

TEST_F(RoutesTest, GetUnitNamesItsUnit) {
  org_v1::GetUnitRequest request;
  request.set_name("units/7");
  EXPECT_THAT(TargetsOf(Org("GetUnit"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "name"))));
}

TEST_F(RoutesTest, MoveUnitNamesTheUnitAndItsNewParent) {
  org_v1::MoveUnitRequest request;
  request.set_name("units/7");
  request.set_new_parent("units/3");
  EXPECT_THAT(TargetsOf(Org("MoveUnit"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "name"),
                                       IsTarget(TargetKind::kUnit, 3, "new_parent"))));
}

TEST_F(RoutesTest, MalformedNameIsInvalidArgumentNamingTheField) {
  org_v1::MoveUnitRequest move;
  move.set_name("units/7");
  move.set_new_parent("partyOrgs/3");
  EXPECT_THAT(TargetsOf(Org("MoveUnit"), move),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("new_parent")));

  org_v1::GetUnitRequest get;
  get.set_name("units/x");
  EXPECT_THAT(TargetsOf(Org("GetUnit"), get),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  get.set_name("");
  EXPECT_THAT(TargetsOf(Org("GetUnit"), get),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));

  org_v1::BatchGetUnitsRequest batch;
  batch.add_names("units/1");
  batch.add_names("units/01");
  EXPECT_THAT(TargetsOf(Org("BatchGetUnits"), batch),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("names[1]")));
}

TEST_F(RoutesTest, UndecodableRequestIsInvalidArgument) {
  const grpc::ByteBuffer garbage = wire::ToByteBuffer(std::string("\xff\xff\xff\xff", 4));
  EXPECT_THAT(Org("GetUnit").targets(garbage), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Roster("ImportPeople").targets(garbage),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(RoutesTest, CreateUnitNeedsAParentInScope) {
  org_v1::CreateUnitRequest request;
  request.mutable_unit()->set_display_name("A new district");
  EXPECT_THAT(TargetsOf(Org("CreateUnit"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("unit.parent")));

  request.mutable_unit()->set_parent("units/5");
  EXPECT_THAT(TargetsOf(Org("CreateUnit"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 5, "unit.parent"))));
}

TEST_F(RoutesTest, BatchGetUnitsNamesEach) {
  org_v1::BatchGetUnitsRequest request;
  request.add_names("units/3");
  request.add_names("units/4");
  EXPECT_THAT(TargetsOf(Org("BatchGetUnits"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 3, "names[0]"),
                                       IsTarget(TargetKind::kUnit, 4, "names[1]"))));
}

TEST_F(RoutesTest, ListUnitsWithAndWithoutParent) {
  org_v1::ListUnitsRequest request;
  EXPECT_THAT(TargetsOf(Org("ListUnits"), request), IsOkAndHolds(IsEmpty()));
  request.set_parent("units/2");
  EXPECT_THAT(TargetsOf(Org("ListUnits"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 2, "parent"))));
}

TEST_F(RoutesTest, PartyOrgWritesNeedEveryUnitReadsAny) {
  org_v1::GetPartyOrgRequest get;
  get.set_name("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Org("GetPartyOrg"), get),
              IsOkAndHolds(ElementsAre(IsOrgTarget(11, "name", false))));

  org_v1::DeletePartyOrgRequest del;
  del.set_name("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Org("DeletePartyOrg"), del),
              IsOkAndHolds(ElementsAre(IsOrgTarget(11, "name", true))));

  org_v1::UpdatePartyOrgRequest update;
  update.mutable_party_org()->set_name("partyOrgs/11");
  update.mutable_party_org()->set_display_name("Renamed");
  update.mutable_update_mask()->add_paths("display_name");
  EXPECT_THAT(TargetsOf(Org("UpdatePartyOrg"), update),
              IsOkAndHolds(ElementsAre(IsOrgTarget(11, "party_org.name", true))));
}

TEST_F(RoutesTest, UpdatePartyOrgWithUnitsInTheMaskNamesTheNewUnits) {
  org_v1::UpdatePartyOrgRequest update;
  update.mutable_party_org()->set_name("partyOrgs/10");
  update.mutable_party_org()->add_units("units/5");
  update.mutable_party_org()->add_units("units/6");
  update.mutable_update_mask()->add_paths("units");
  EXPECT_THAT(TargetsOf(Org("UpdatePartyOrg"), update),
              IsOkAndHolds(ElementsAre(IsOrgTarget(10, "party_org.name", true),
                                       IsTarget(TargetKind::kUnit, 5, "party_org.units[0]"),
                                       IsTarget(TargetKind::kUnit, 6, "party_org.units[1]"))));
}

TEST_F(RoutesTest, UpdatePartyOrgWithoutMaskNamesTheNewUnits) {
  org_v1::UpdatePartyOrgRequest update;
  update.mutable_party_org()->set_name("partyOrgs/10");
  update.mutable_party_org()->add_units("units/6");
  EXPECT_THAT(TargetsOf(Org("UpdatePartyOrg"), update),
              IsOkAndHolds(ElementsAre(IsOrgTarget(10, "party_org.name", true),
                                       IsTarget(TargetKind::kUnit, 6, "party_org.units[0]"))));
}

TEST_F(RoutesTest, UpdatePartyOrgWithStarMaskNamesTheNewUnitsAndParent) {
  org_v1::UpdatePartyOrgRequest update;
  update.mutable_party_org()->set_name("partyOrgs/10");
  update.mutable_party_org()->add_units("units/6");
  update.mutable_party_org()->set_parent("partyOrgs/12");
  update.mutable_update_mask()->add_paths("*");
  EXPECT_THAT(TargetsOf(Org("UpdatePartyOrg"), update),
              IsOkAndHolds(ElementsAre(IsOrgTarget(10, "party_org.name", true),
                                       IsTarget(TargetKind::kUnit, 6, "party_org.units[0]"),
                                       IsOrgTarget(12, "party_org.parent", false))));
}

TEST_F(RoutesTest, CreatePartyOrgNamesItsUnitsAndParent) {
  org_v1::CreatePartyOrgRequest request;
  EXPECT_THAT(TargetsOf(Org("CreatePartyOrg"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("party_org.units")));
  request.mutable_party_org()->add_units("units/5");
  request.mutable_party_org()->add_units("units/6");
  request.mutable_party_org()->set_parent("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Org("CreatePartyOrg"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 5, "party_org.units[0]"),
                                       IsTarget(TargetKind::kUnit, 6, "party_org.units[1]"),
                                       IsOrgTarget(11, "party_org.parent", false))));
}

TEST_F(RoutesTest, EventsNameNothing) {
  EXPECT_THAT(TargetsOf(Org("ListEvents"), org_v1::ListEventsRequest()), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Org("WatchEvents"), org_v1::WatchEventsRequest()), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Roster("ListEvents"), roster_v1::ListEventsRequest()),
              IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Casework("ListEvents"), casework_v1::ListEventsRequest()),
              IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Casework("WatchEvents"), casework_v1::WatchEventsRequest()),
              IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Activity("ListEvents"), activity_v1::ListEventsRequest()),
              IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(TargetsOf(Activity("WatchEvents"), activity_v1::WatchEventsRequest()),
              IsOkAndHolds(IsEmpty()));
}

// --- targets: the roster service ----------------------------------------------

TEST_F(RoutesTest, CreatePersonNeedsAResidence) {
  roster_v1::CreatePersonRequest request;
  request.mutable_person()->set_display_name("Zhang Wei");
  EXPECT_THAT(
      TargetsOf(Roster("CreatePerson"), request),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("person.residence_building")));
  request.mutable_person()->set_residence_building("units/7");
  EXPECT_THAT(
      TargetsOf(Roster("CreatePerson"), request),
      IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "person.residence_building"))));
}

TEST_F(RoutesTest, UpdatePersonWithResidenceInTheMask) {
  roster_v1::UpdatePersonRequest request;
  request.mutable_person()->set_name("people/42");
  request.mutable_person()->set_residence_building("units/8");
  request.mutable_update_mask()->add_paths("residence_building");
  EXPECT_THAT(
      TargetsOf(Roster("UpdatePerson"), request),
      IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "person.name"),
                               IsTarget(TargetKind::kUnit, 8, "person.residence_building"))));
  request.mutable_update_mask()->set_paths(0, "phone");
  EXPECT_THAT(TargetsOf(Roster("UpdatePerson"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "person.name"))));
}

TEST_F(RoutesTest, UpdatePersonWithoutMaskNamesTheNewResidence) {
  roster_v1::UpdatePersonRequest request;
  request.mutable_person()->set_name("people/42");
  request.mutable_person()->set_residence_building("units/8");
  EXPECT_THAT(
      TargetsOf(Roster("UpdatePerson"), request),
      IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "person.name"),
                               IsTarget(TargetKind::kUnit, 8, "person.residence_building"))));
  request.mutable_update_mask()->add_paths("*");
  EXPECT_THAT(
      TargetsOf(Roster("UpdatePerson"), request),
      IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "person.name"),
                               IsTarget(TargetKind::kUnit, 8, "person.residence_building"))));
}

TEST_F(RoutesTest, AssignRolePlaceIsAUnitOrAPartyOrg) {
  roster_v1::AssignRoleRequest request;
  request.mutable_role_assignment()->set_person("people/42");
  request.mutable_role_assignment()->set_place("units/5");
  EXPECT_THAT(TargetsOf(Roster("AssignRole"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "role_assignment.person"),
                                       IsTarget(TargetKind::kUnit, 5, "role_assignment.place"))));
  request.mutable_role_assignment()->set_place("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Roster("AssignRole"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "role_assignment.person"),
                                       // Appointing to an organisation needs all of it in scope.
                                       IsOrgTarget(11, "role_assignment.place", true))));
  request.mutable_role_assignment()->set_place("people/3");
  EXPECT_THAT(TargetsOf(Roster("AssignRole"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("role_assignment.place")));
}

TEST_F(RoutesTest, RoleAssignmentsByName) {
  roster_v1::EndRoleAssignmentRequest request;
  request.set_name("roleAssignments/9");
  EXPECT_THAT(TargetsOf(Roster("EndRoleAssignment"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kRoleAssignment, 9, "name"))));
}

TEST_F(RoutesTest, EndRegistrationNamesItsPersonAndTheRegistration) {
  roster_v1::EndRegistrationRequest request;
  request.set_name("people/42/registrations/3");
  absl::StatusOr<std::vector<Target>> targets = TargetsOf(Roster("EndRegistration"), request);
  EXPECT_THAT(targets, IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "name"),
                                                IsTarget(TargetKind::kRegistration, 42, "name"))));
  if (targets.ok() && targets->size() == 2) {
    EXPECT_EQ((*targets)[1].child_id, 3);
  }
  request.set_name("people/42/memberships/3");
  EXPECT_THAT(TargetsOf(Roster("EndRegistration"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  request.set_name("people/42");
  EXPECT_THAT(TargetsOf(Roster("EndRegistration"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
  request.set_name("units/42/registrations/3");
  EXPECT_THAT(TargetsOf(Roster("EndRegistration"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")));
}

TEST_F(RoutesTest, ListMembershipsOfEveryone) {
  roster_v1::ListMembershipsRequest request;
  request.set_parent("people/-");
  EXPECT_THAT(TargetsOf(Roster("ListMemberships"), request), IsOkAndHolds(IsEmpty()));
  request.set_party_org("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Roster("ListMemberships"), request),
              IsOkAndHolds(ElementsAre(IsOrgTarget(11, "party_org", false))));
  request.set_parent("people/42");
  EXPECT_THAT(TargetsOf(Roster("ListMemberships"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 42, "parent"),
                                       IsOrgTarget(11, "party_org", false))));
}

TEST_F(RoutesTest, ImportPeopleRowsNameEveryPlaceAndTheExternalKey) {
  roster_v1::ImportPeopleRequest request;
  roster_v1::ImportRow* first = request.add_rows();
  first->mutable_person()->set_external_key("HR-001");
  first->mutable_person()->set_residence_building("units/7");
  first->set_party_org("partyOrgs/10");
  first->add_roles()->set_place("units/5");
  first->add_roles()->set_place("partyOrgs/11");
  roster_v1::ImportRow* second = request.add_rows();
  second->mutable_person()->set_external_key("HR-002");
  second->add_roles()->set_place("units/3");

  EXPECT_THAT(TargetsOf(Roster("ImportPeople"), request),
              IsOkAndHolds(ElementsAre(
                  IsTarget(TargetKind::kUnit, 7, "rows[0].person.residence_building"),
                  IsOrgTarget(10, "rows[0].party_org", false),
                  IsTarget(TargetKind::kUnit, 5, "rows[0].roles[0].place"),
                  // AssignRole's rule: every unit of the organisation.
                  IsOrgTarget(11, "rows[0].roles[1].place", true),
                  IsExternalKeyTargetOfARow("HR-001", "rows[0].person", true, true),
                  IsTarget(TargetKind::kUnit, 3, "rows[1].roles[0].place"),
                  IsExternalKeyTargetOfARow("HR-002", "rows[1].person", false, false))));
}

TEST_F(RoutesTest, ImportPeopleRowPlacedNowhereIsDenied) {
  roster_v1::ImportPeopleRequest request;
  roster_v1::ImportRow* first = request.add_rows();
  first->mutable_person()->set_external_key("HR-001");
  first->mutable_person()->set_residence_building("units/7");
  request.add_rows()->mutable_person()->set_external_key("HR-002");
  EXPECT_THAT(TargetsOf(Roster("ImportPeople"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("rows[1]")));
}

TEST_F(RoutesTest, ImportPeopleMalformedPlaceNamesTheRowField) {
  roster_v1::ImportPeopleRequest request;
  roster_v1::ImportRow* row = request.add_rows();
  row->mutable_person()->set_external_key("HR-001");
  row->mutable_person()->set_residence_building("units/7");
  row->add_roles()->set_place("units/abc");
  EXPECT_THAT(TargetsOf(Roster("ImportPeople"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("rows[0].roles[0].place")));
}

TEST_F(RoutesTest, ImportPeopleEmptyMessageNamesNothing) {
  roster_v1::ImportPeopleRequest request;
  request.set_validate_only(true);
  EXPECT_THAT(TargetsOf(Roster("ImportPeople"), request), IsOkAndHolds(IsEmpty()));
}

// --- targets: the casework service --------------------------------------------

TEST_F(RoutesTest, ReportIssueNamesItsPlaceAndWhatElseItSets) {
  casework_v1::ReportIssueRequest request;
  request.mutable_issue()->set_place("units/7");
  request.mutable_issue()->set_title("楼道灯不亮");
  // Optional fields left empty name nothing.
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "issue.place"))));
  request.mutable_issue()->set_reporter("people/3");
  request.mutable_issue()->set_assignee("people/4");
  request.mutable_issue()->set_handling_party_org("partyOrgs/10");
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "issue.place"),
                                       IsTarget(TargetKind::kPerson, 3, "issue.reporter"),
                                       IsTarget(TargetKind::kPerson, 4, "issue.assignee"),
                                       // Naming the organisation leaves it unchanged.
                                       IsOrgTarget(10, "issue.handling_party_org", false))));
}

TEST_F(RoutesTest, ReportIssueMalformedOrMissingNamesAreInvalidArgumentNamingTheField) {
  casework_v1::ReportIssueRequest request;
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.place")));
  request.mutable_issue()->set_place("partyOrgs/10");
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.place")));
  request.mutable_issue()->set_place("units/7");
  request.mutable_issue()->set_reporter("units/3");
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.reporter")));
  request.mutable_issue()->clear_reporter();
  request.mutable_issue()->set_handling_party_org("partyOrgs/x");
  EXPECT_THAT(TargetsOf(Casework("ReportIssue"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("issue.handling_party_org")));
}

TEST_F(RoutesTest, IssueReadsAreJudgedByThePlace) {
  casework_v1::GetIssueRequest get;
  get.set_name("issues/5");
  EXPECT_THAT(TargetsOf(Casework("GetIssue"), get),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", false))));
  casework_v1::BatchGetIssuesRequest batch;
  batch.add_names("issues/5");
  batch.add_names("issues/6");
  EXPECT_THAT(TargetsOf(Casework("BatchGetIssues"), batch),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "names[0]", false),
                                       IsIssueTarget(6, "names[1]", false))));
  casework_v1::ListDispatchesRequest dispatches;
  dispatches.set_parent("issues/5");
  EXPECT_THAT(TargetsOf(Casework("ListDispatches"), dispatches),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "parent", false))));
  casework_v1::GetDispatchRequest dispatch;
  dispatch.set_name("issues/5/dispatches/2");
  EXPECT_THAT(TargetsOf(Casework("GetDispatch"), dispatch),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", false))));
}

TEST_F(RoutesTest, MalformedIssueNamesAreInvalidArgumentNamingTheField) {
  casework_v1::GetIssueRequest get;
  for (const char* name : {"", "issues/x", "issues/0", "units/5", "issues/5/dispatches/2"}) {
    get.set_name(name);
    EXPECT_THAT(TargetsOf(Casework("GetIssue"), get),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << name;
  }
  casework_v1::BatchGetIssuesRequest batch;
  batch.add_names("issues/5");
  batch.add_names("issues/05");
  EXPECT_THAT(TargetsOf(Casework("BatchGetIssues"), batch),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("names[1]")));
  casework_v1::AcknowledgeDispatchRequest acknowledge;
  for (const char* name : {"issues/5", "issues/5/items/2", "alliances/5/dispatches/2",
                           "issues/x/dispatches/2", "issues/5/dispatches/2/more"}) {
    acknowledge.set_name(name);
    EXPECT_THAT(TargetsOf(Casework("AcknowledgeDispatch"), acknowledge),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << name;
  }
}

// Acting on an issue needs its handling unit in scope; answering for the
// resident and correcting the report need its place.
TEST_F(RoutesTest, IssueTransitionsAreJudgedByTheHandlingUnitOrThePlace) {
  const auto name_target = [this](absl::string_view method, const auto& request) {
    return TargetsOf(Casework(method), request);
  };
  casework_v1::EscalateIssueRequest escalate;
  escalate.set_name("issues/5");
  EXPECT_THAT(name_target("EscalateIssue", escalate),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
  casework_v1::ResolveIssueRequest resolve;
  resolve.set_name("issues/5");
  EXPECT_THAT(name_target("ResolveIssue", resolve),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
  casework_v1::RejectIssueRequest reject;
  reject.set_name("issues/5");
  EXPECT_THAT(name_target("RejectIssue", reject),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
  casework_v1::ConfirmIssueRequest confirm;
  confirm.set_name("issues/5");
  EXPECT_THAT(name_target("ConfirmIssue", confirm),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", false))));
  casework_v1::ReopenIssueRequest reopen;
  reopen.set_name("issues/5");
  reopen.set_reason("楼道灯还是不亮");
  EXPECT_THAT(name_target("ReopenIssue", reopen),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", false))));
  casework_v1::AcknowledgeDispatchRequest acknowledge;
  acknowledge.set_name("issues/5/dispatches/2");
  EXPECT_THAT(name_target("AcknowledgeDispatch", acknowledge),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
  casework_v1::ReportDispatchRequest report;
  report.set_name("issues/5/dispatches/2");
  EXPECT_THAT(name_target("ReportDispatch", report),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
}

TEST_F(RoutesTest, AcceptIssueNamesTheIssueItsAssigneeAndItsPartyOrg) {
  casework_v1::AcceptIssueRequest request;
  request.set_name("issues/5");
  EXPECT_THAT(TargetsOf(Casework("AcceptIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true))));
  request.set_assignee("people/4");
  request.set_handling_party_org("partyOrgs/11");
  EXPECT_THAT(TargetsOf(Casework("AcceptIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "name", true),
                                       IsTarget(TargetKind::kPerson, 4, "assignee"),
                                       IsOrgTarget(11, "handling_party_org", false))));
}

TEST_F(RoutesTest, UpdateIssueNamesTheReporterOnlyWhenItChanges) {
  casework_v1::UpdateIssueRequest request;
  request.mutable_issue()->set_name("issues/5");
  request.mutable_issue()->set_title("楼道灯不亮");
  request.mutable_issue()->set_reporter("people/3");
  request.mutable_update_mask()->add_paths("title");
  EXPECT_THAT(TargetsOf(Casework("UpdateIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "issue.name", false))));
  request.mutable_update_mask()->add_paths("reporter");
  EXPECT_THAT(TargetsOf(Casework("UpdateIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "issue.name", false),
                                       IsTarget(TargetKind::kPerson, 3, "issue.reporter"))));
  // Without a mask: every field set; `*`: every field.
  request.clear_update_mask();
  EXPECT_THAT(TargetsOf(Casework("UpdateIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "issue.name", false),
                                       IsTarget(TargetKind::kPerson, 3, "issue.reporter"))));
  request.mutable_update_mask()->add_paths("*");
  EXPECT_THAT(TargetsOf(Casework("UpdateIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "issue.name", false),
                                       IsTarget(TargetKind::kPerson, 3, "issue.reporter"))));
  // Clearing the reporter names no one.
  request.mutable_issue()->clear_reporter();
  EXPECT_THAT(TargetsOf(Casework("UpdateIssue"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "issue.name", false))));
}

TEST_F(RoutesTest, CreateDispatchNamesTheIssueAndTheDepartment) {
  casework_v1::CreateDispatchRequest request;
  request.set_parent("issues/5");
  request.mutable_dispatch()->set_department_name("区住建局");
  EXPECT_THAT(TargetsOf(Casework("CreateDispatch"), request),
              IsOkAndHolds(ElementsAre(IsIssueTarget(5, "parent", true))));
  request.mutable_dispatch()->set_department_org("externalOrgs/9");
  EXPECT_THAT(
      TargetsOf(Casework("CreateDispatch"), request),
      IsOkAndHolds(ElementsAre(IsIssueTarget(5, "parent", true),
                               IsTarget(TargetKind::kExternalOrg, 9, "dispatch.department_org"))));
  request.mutable_dispatch()->set_department_org("partyOrgs/9");
  EXPECT_THAT(TargetsOf(Casework("CreateDispatch"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("dispatch.department_org")));
}

TEST_F(RoutesTest, ListIssuesOfAScopedPrincipalNamesAPlace) {
  casework_v1::ListIssuesRequest request;
  EXPECT_THAT(TargetsOf(Casework("ListIssues"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("place")));
  request.set_place("units/3");
  request.set_filter(R"(assignee = "people/3")");
  EXPECT_THAT(TargetsOf(Casework("ListIssues"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 3, "place"))));
}

// --- filter -------------------------------------------------------------------

org_v1::Unit MakeUnit(int64_t id, int64_t parent) {
  org_v1::Unit unit;
  unit.set_name(absl::StrCat("units/", id));
  if (parent != 0) unit.set_parent(absl::StrCat("units/", parent));
  unit.set_display_name(absl::StrCat("Unit ", id));
  return unit;
}

// Keeps units with the given ids; anything else is out.
KeepFn KeepUnits(std::set<int64_t> ids) {
  return [ids](const Target& t) -> std::optional<bool> {
    return t.kind == TargetKind::kUnit && ids.contains(t.id);
  };
}

std::vector<std::string> NamesOf(const org_v1::ListUnitsResponse& response) {
  std::vector<std::string> names;
  for (const org_v1::Unit& unit : response.units()) names.push_back(unit.name());
  return names;
}

TEST_F(RoutesTest, ReadsOfNamedResourcesNeedNoFilter) {
  EXPECT_FALSE(static_cast<bool>(Org("GetUnit").filter));
  EXPECT_FALSE(static_cast<bool>(Org("MoveUnit").filter));
  EXPECT_FALSE(static_cast<bool>(Roster("GetPerson").filter));
  EXPECT_TRUE(static_cast<bool>(Org("ListUnits").filter));
  EXPECT_TRUE(static_cast<bool>(Org("WatchEvents").filter));
  EXPECT_TRUE(static_cast<bool>(Roster("LookupPersonByIdCard").filter));
}

TEST_F(RoutesTest, ListUnitsFilterRemovesWhatIsOutside) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(3, 2);
  *response.add_units() = MakeUnit(4, 2);
  *response.add_units() = MakeUnit(5, 3);
  *response.add_units() = MakeUnit(6, 4);
  response.set_next_page_token("next");
  response.set_revision(17);
  grpc::ByteBuffer buffer = Bytes(response);

  EXPECT_EQ(Org("ListUnits").filter(buffer, KeepUnits({3, 5})), FilterOutcome::kChanged);
  const org_v1::ListUnitsResponse filtered = FromBytes<org_v1::ListUnitsResponse>(buffer);
  EXPECT_THAT(NamesOf(filtered), ElementsAre("units/3", "units/5"));
  EXPECT_EQ(filtered.units(0).display_name(), "Unit 3");
  EXPECT_EQ(filtered.units(1).parent(), "units/3");
  EXPECT_EQ(filtered.next_page_token(), "next");
  EXPECT_EQ(filtered.revision(), 17);
}

TEST_F(RoutesTest, ListUnitsFilterAllKeptIsUnchanged) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(3, 2);
  *response.add_units() = MakeUnit(5, 3);
  grpc::ByteBuffer buffer = Bytes(response);
  const std::string before = Raw(buffer);
  EXPECT_EQ(Org("ListUnits").filter(buffer, KeepUnits({3, 5})), FilterOutcome::kUnchanged);
  EXPECT_EQ(Raw(buffer), before);
}

TEST_F(RoutesTest, ListUnitsFilterEmptyPageIsUnchanged) {
  org_v1::ListUnitsResponse response;
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Org("ListUnits").filter(buffer, KeepUnits({})), FilterOutcome::kUnchanged);
}

TEST_F(RoutesTest, ListUnitsFilterNoneKeptLeavesAnEmptyPage) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(4, 2);
  response.set_next_page_token("next");
  grpc::ByteBuffer buffer = Bytes(response);
  // Not a stream: the page goes out empty, with its token.
  EXPECT_EQ(Org("ListUnits").filter(buffer, KeepUnits({})), FilterOutcome::kChanged);
  const org_v1::ListUnitsResponse filtered = FromBytes<org_v1::ListUnitsResponse>(buffer);
  EXPECT_EQ(filtered.units_size(), 0);
  EXPECT_EQ(filtered.next_page_token(), "next");
}

TEST_F(RoutesTest, ListUnitsFilterUndecidedChangesNothing) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(4, 2);   // out
  *response.add_units() = MakeUnit(99, 5);  // cannot be decided
  grpc::ByteBuffer buffer = Bytes(response);
  const std::string before = Raw(buffer);
  const KeepFn keep = [](const Target& t) -> std::optional<bool> {
    if (t.id == 99) return std::nullopt;
    return t.id == 3;
  };
  EXPECT_EQ(Org("ListUnits").filter(buffer, keep), FilterOutcome::kUndecided);
  EXPECT_EQ(Raw(buffer), before);
}

TEST_F(RoutesTest, ListUnitsFilterPassesTheParentAsHint) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(99, 5);
  grpc::ByteBuffer buffer = Bytes(response);
  std::vector<Target> seen;
  const KeepFn keep = [&seen](const Target& t) -> std::optional<bool> {
    seen.push_back(t);
    return true;
  };
  EXPECT_EQ(Org("ListUnits").filter(buffer, keep), FilterOutcome::kUnchanged);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, TargetKind::kUnit);
  EXPECT_EQ(seen[0].id, 99);
  EXPECT_EQ(seen[0].parent_hint, 5);
}

TEST_F(RoutesTest, FilterFailsClosedOnUndecodableResponse) {
  grpc::ByteBuffer garbage = wire::ToByteBuffer(std::string("\xff\xff\xff\xff", 4));
  EXPECT_EQ(Org("ListUnits").filter(garbage, KeepUnits({1, 2, 3})), FilterOutcome::kDenied);
}

TEST_F(RoutesTest, ListUnitsFilterDropsUnitsWithMalformedNames) {
  org_v1::ListUnitsResponse response;
  *response.add_units() = MakeUnit(3, 2);
  response.add_units()->set_name("bogus");
  grpc::ByteBuffer buffer = Bytes(response);
  const KeepFn keep_all = [](const Target&) -> std::optional<bool> { return true; };
  EXPECT_EQ(Org("ListUnits").filter(buffer, keep_all), FilterOutcome::kChanged);
  EXPECT_THAT(NamesOf(FromBytes<org_v1::ListUnitsResponse>(buffer)), ElementsAre("units/3"));
}

org_v1::Event UnitEvent(int64_t revision, int64_t id, int64_t parent) {
  org_v1::Event event;
  event.set_revision(revision);
  event.set_resource(absl::StrCat("units/", id));
  *event.mutable_after()->mutable_unit() = MakeUnit(id, parent);
  return event;
}

TEST_F(RoutesTest, WatchEventsWithNothingLeftIsEmpty) {
  org_v1::WatchEventsResponse response;
  *response.add_events() = UnitEvent(1, 4, 2);
  *response.add_events() = UnitEvent(2, 6, 4);
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Org("WatchEvents").filter(buffer, KeepUnits({3, 5})), FilterOutcome::kEmpty);
}

TEST_F(RoutesTest, WatchEventsKeepsTheScopesEvents) {
  org_v1::WatchEventsResponse response;
  *response.add_events() = UnitEvent(1, 4, 2);
  *response.add_events() = UnitEvent(2, 5, 3);
  // A deleted unit: only `before` is set.
  org_v1::Event deleted;
  deleted.set_revision(3);
  *deleted.mutable_before()->mutable_unit() = MakeUnit(3, 2);
  *response.add_events() = deleted;
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Org("WatchEvents").filter(buffer, KeepUnits({3, 5})), FilterOutcome::kChanged);
  const org_v1::WatchEventsResponse filtered = FromBytes<org_v1::WatchEventsResponse>(buffer);
  ASSERT_EQ(filtered.events_size(), 2);
  EXPECT_EQ(filtered.events(0).revision(), 2);
  EXPECT_EQ(filtered.events(1).revision(), 3);
}

TEST_F(RoutesTest, OrgEventsOfPartyOrgs) {
  org_v1::ListEventsResponse response;
  org_v1::Event event;
  event.set_revision(1);
  event.mutable_after()->mutable_party_org()->set_name("partyOrgs/11");
  *response.add_events() = event;
  grpc::ByteBuffer buffer = Bytes(response);
  std::vector<Target> seen;
  const KeepFn keep = [&seen](const Target& t) -> std::optional<bool> {
    seen.push_back(t);
    return true;
  };
  EXPECT_EQ(Org("ListEvents").filter(buffer, keep), FilterOutcome::kUnchanged);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, TargetKind::kPartyOrg);
  EXPECT_EQ(seen[0].id, 11);
  EXPECT_FALSE(seen[0].write);
}

TEST_F(RoutesTest, ListEventsWithNothingLeftIsAnEmptyPageNotSkipped) {
  org_v1::ListEventsResponse response;
  *response.add_events() = UnitEvent(1, 4, 2);
  response.set_next_page_token("more");
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Org("ListEvents").filter(buffer, KeepUnits({3})), FilterOutcome::kChanged);
  const org_v1::ListEventsResponse filtered = FromBytes<org_v1::ListEventsResponse>(buffer);
  EXPECT_EQ(filtered.events_size(), 0);
  EXPECT_EQ(filtered.next_page_token(), "more");
}

roster_v1::Person MakePerson(int64_t id, int64_t residence) {
  roster_v1::Person person;
  person.set_name(absl::StrCat("people/", id));
  if (residence != 0) person.set_residence_building(absl::StrCat("units/", residence));
  person.set_display_name(absl::StrCat("Person ", id));
  return person;
}

// Keeps people living in the given buildings.
KeepFn KeepResidents(std::set<int64_t> buildings) {
  return [buildings](const Target& t) -> std::optional<bool> {
    if (t.kind != TargetKind::kPerson || !t.residence_hint) return std::nullopt;
    return buildings.contains(*t.residence_hint);
  };
}

TEST_F(RoutesTest, LookupPersonByIdCardOutsideIsDenied) {
  const Route& lookup = Roster("LookupPersonByIdCard");
  EXPECT_FALSE(lookup.hide_not_found_message.empty());
  grpc::ByteBuffer outside = Bytes(MakePerson(42, 8));
  EXPECT_EQ(lookup.filter(outside, KeepResidents({7})), FilterOutcome::kDenied);
  grpc::ByteBuffer inside = Bytes(MakePerson(43, 7));
  EXPECT_EQ(lookup.filter(inside, KeepResidents({7})), FilterOutcome::kUnchanged);
  grpc::ByteBuffer undecided = Bytes(MakePerson(44, 8));
  const KeepFn cannot_say = [](const Target&) -> std::optional<bool> { return std::nullopt; };
  EXPECT_EQ(lookup.filter(undecided, cannot_say), FilterOutcome::kUndecided);
}

TEST_F(RoutesTest, LookupPersonByIdCardNamelessPersonIsDenied) {
  roster_v1::Person person;
  person.set_residence_building("units/7");
  grpc::ByteBuffer buffer = Bytes(person);
  const KeepFn keep_all = [](const Target&) -> std::optional<bool> { return true; };
  EXPECT_EQ(Roster("LookupPersonByIdCard").filter(buffer, keep_all), FilterOutcome::kDenied);
}

TEST_F(RoutesTest, ListPeopleFilterGivesResidenceHints) {
  roster_v1::ListPeopleResponse response;
  *response.add_people() = MakePerson(1, 7);
  *response.add_people() = MakePerson(2, 8);
  *response.add_people() = MakePerson(3, 7);
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Roster("ListPeople").filter(buffer, KeepResidents({7})), FilterOutcome::kChanged);
  const roster_v1::ListPeopleResponse filtered = FromBytes<roster_v1::ListPeopleResponse>(buffer);
  ASSERT_EQ(filtered.people_size(), 2);
  EXPECT_EQ(filtered.people(0).name(), "people/1");
  EXPECT_EQ(filtered.people(1).name(), "people/3");
}

TEST_F(RoutesTest, ListPeopleFilterPersonLivingNowhereHasAZeroHint) {
  roster_v1::ListPeopleResponse response;
  *response.add_people() = MakePerson(1, 0);
  grpc::ByteBuffer buffer = Bytes(response);
  std::vector<Target> seen;
  const KeepFn keep = [&seen](const Target& t) -> std::optional<bool> {
    seen.push_back(t);
    return true;
  };
  EXPECT_EQ(Roster("ListPeople").filter(buffer, keep), FilterOutcome::kUnchanged);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, TargetKind::kPerson);
  EXPECT_EQ(seen[0].id, 1);
  EXPECT_THAT(seen[0].residence_hint, Optional(0));
}

TEST_F(RoutesTest, RosterWatchEventsWithNothingLeftIsEmpty) {
  roster_v1::WatchEventsResponse response;
  roster_v1::Event event;
  *event.mutable_after()->mutable_person() = MakePerson(1, 8);
  *response.add_events() = event;
  event.mutable_after()->mutable_role_assignment()->set_place("units/8");
  *response.add_events() = event;
  grpc::ByteBuffer buffer = Bytes(response);
  const KeepFn keep = [](const Target& t) -> std::optional<bool> {
    if (t.kind == TargetKind::kPerson) return t.residence_hint == 7;
    return t.kind == TargetKind::kUnit && t.id == 7;
  };
  EXPECT_EQ(Roster("WatchEvents").filter(buffer, keep), FilterOutcome::kEmpty);
}

TEST_F(RoutesTest, ListRoleAssignmentsFilterByPlace) {
  roster_v1::ListRoleAssignmentsResponse response;
  response.add_role_assignments()->set_place("units/5");
  response.add_role_assignments()->set_place("partyOrgs/11");
  response.add_role_assignments()->set_place("units/6");
  grpc::ByteBuffer buffer = Bytes(response);
  const KeepFn keep = [](const Target& t) -> std::optional<bool> {
    return (t.kind == TargetKind::kUnit && t.id == 5) ||
           (t.kind == TargetKind::kPartyOrg && t.id == 11);
  };
  EXPECT_EQ(Roster("ListRoleAssignments").filter(buffer, keep), FilterOutcome::kChanged);
  const auto filtered = FromBytes<roster_v1::ListRoleAssignmentsResponse>(buffer);
  ASSERT_EQ(filtered.role_assignments_size(), 2);
  EXPECT_EQ(filtered.role_assignments(0).place(), "units/5");
  EXPECT_EQ(filtered.role_assignments(1).place(), "partyOrgs/11");
}

casework_v1::Issue MakeIssue(int64_t id, int64_t place, int64_t handling_unit) {
  casework_v1::Issue issue;
  issue.set_name(absl::StrCat("issues/", id));
  issue.set_place(absl::StrCat("units/", place));
  issue.set_handling_unit(absl::StrCat("units/", handling_unit));
  issue.set_title(absl::StrCat("Issue ", id));
  return issue;
}

TEST_F(RoutesTest, ListIssuesKeepsTheIssuesWhosePlaceIsInScope) {
  casework_v1::ListIssuesResponse response;
  *response.add_issues() = MakeIssue(1, 7, 5);
  *response.add_issues() = MakeIssue(2, 8, 6);
  // Handled by the street (2), but at a place in scope: still read.
  *response.add_issues() = MakeIssue(3, 5, 2);
  response.set_next_page_token("next");
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Casework("ListIssues").filter(buffer, KeepUnits({5, 7})), FilterOutcome::kChanged);
  const auto filtered = FromBytes<casework_v1::ListIssuesResponse>(buffer);
  ASSERT_EQ(filtered.issues_size(), 2);
  EXPECT_EQ(filtered.issues(0).name(), "issues/1");
  EXPECT_EQ(filtered.issues(1).name(), "issues/3");
  EXPECT_EQ(filtered.next_page_token(), "next");
}

TEST_F(RoutesTest, ReportIssueAnswerOutsideTheScopeIsDenied) {
  const Route& report = Casework("ReportIssue");
  grpc::ByteBuffer inside = Bytes(MakeIssue(1, 7, 5));
  EXPECT_EQ(report.filter(inside, KeepUnits({7})), FilterOutcome::kUnchanged);
  grpc::ByteBuffer outside = Bytes(MakeIssue(2, 8, 6));
  EXPECT_EQ(report.filter(outside, KeepUnits({7})), FilterOutcome::kDenied);
  EXPECT_FALSE(static_cast<bool>(Casework("GetIssue").filter));
}

TEST_F(RoutesTest, CaseworkEventsAreKeptByTheSnapshotsPlace) {
  casework_v1::WatchEventsResponse response;
  casework_v1::Event event;
  event.set_revision(1);
  *event.mutable_after()->mutable_issue() = MakeIssue(1, 7, 5);
  *response.add_events() = event;
  event.set_revision(2);
  *event.mutable_after()->mutable_issue() = MakeIssue(2, 8, 6);
  *response.add_events() = event;
  event.set_revision(3);
  event.mutable_after()->mutable_dispatch()->set_name("issues/1/dispatches/1");
  event.mutable_after()->mutable_dispatch()->set_place("units/7");
  *response.add_events() = event;
  // Only `before`: what the event's resource was.
  casework_v1::Event before_only;
  before_only.set_revision(4);
  before_only.mutable_before()->mutable_dispatch()->set_place("units/8");
  *response.add_events() = before_only;
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Casework("WatchEvents").filter(buffer, KeepUnits({7})), FilterOutcome::kChanged);
  const auto filtered = FromBytes<casework_v1::WatchEventsResponse>(buffer);
  ASSERT_EQ(filtered.events_size(), 2);
  EXPECT_EQ(filtered.events(0).revision(), 1);
  EXPECT_EQ(filtered.events(1).revision(), 3);

  grpc::ByteBuffer nothing_left = Bytes(response);
  EXPECT_EQ(Casework("WatchEvents").filter(nothing_left, KeepUnits({3})), FilterOutcome::kEmpty);
  casework_v1::ListEventsResponse page;
  *page.add_events() = response.events(1);
  page.set_next_page_token("more");
  grpc::ByteBuffer list = Bytes(page);
  // A list's page goes out empty, with its token.
  EXPECT_EQ(Casework("ListEvents").filter(list, KeepUnits({3})), FilterOutcome::kChanged);
  EXPECT_EQ(FromBytes<casework_v1::ListEventsResponse>(list).next_page_token(), "more");
}

}  // namespace
}  // namespace grassroots::gateway

namespace grassroots::gateway {
namespace {

TEST_F(RoutesTest, FiltersMayNameOnlyPlacesInScope) {
  roster_v1::ListPeopleRequest request;
  request.set_filter(R"(residence_building = "units/9" AND display_name : "张")");
  EXPECT_THAT(TargetsOf(Roster("ListPeople"), request),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 9, "filter"))));
  org_v1::ListPartyOrgsRequest orgs;
  orgs.set_filter(R"(unit = "units/6")");
  EXPECT_THAT(TargetsOf(Org("ListPartyOrgs"), orgs),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 6, "filter"))));
}

TEST_F(RoutesTest, ClearingAPlacementNeedsEveryDistrict) {
  roster_v1::UpdatePersonRequest person;
  person.mutable_person()->set_name("people/42");
  person.mutable_update_mask()->add_paths("residence_building");
  EXPECT_THAT(
      TargetsOf(Roster("UpdatePerson"), person),
      StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("person.residence_building")));
  org_v1::UpdatePartyOrgRequest org;
  org.mutable_party_org()->set_name("partyOrgs/10");
  org.mutable_update_mask()->add_paths("units");
  EXPECT_THAT(TargetsOf(Org("UpdatePartyOrg"), org),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("party_org.units")));
}

TEST_F(RoutesTest, CascadingPartyOrgDeletesNeedEveryDistrict) {
  org_v1::DeletePartyOrgRequest request;
  request.set_name("partyOrgs/10");
  request.set_cascade(true);
  EXPECT_THAT(TargetsOf(Org("DeletePartyOrg"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("cascade")));
}

TEST(RedactPersonNamesTest, ReplacesEveryPersonName) {
  EXPECT_EQ(RedactPersonNames("person.id_card_number: people/123 already has this number"),
            "person.id_card_number: another person already has this number");
  EXPECT_EQ(RedactPersonNames("units/5 is fine"), "units/5 is fine");
  EXPECT_EQ(RedactPersonNames("person: people/4 already has a current membership "
                              "(people/4/memberships/17)"),
            "person: another person already has a current membership "
            "(another membership)");
  EXPECT_EQ(RedactPersonNames("already has a SECRETARY in office (roleAssignments/9)"),
            "already has a SECRETARY in office (another role assignment)");
}

}  // namespace
}  // namespace grassroots::gateway

// --- The activity service ------------------------------------------------------

namespace grassroots::gateway {
namespace {

TEST_F(RoutesTest, CreateActivityNamesItsOrganisationForWritingAndWhatElseItSets) {
  activity_v1::CreateActivityRequest request;
  activity_v1::Activity& activity = *request.mutable_activity();
  activity.set_party_org("partyOrgs/10");
  activity.set_place("units/7");
  activity.set_theme("主题党日");
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              IsOkAndHolds(ElementsAre(IsOrgTarget(10, "activity.party_org", true),
                                       IsTarget(TargetKind::kUnit, 7, "activity.place"))));
  activity.clear_place();
  activity.set_service_point("servicePoints/4");
  activity.set_organiser("people/3");
  activity.add_co_organisers("externalOrgs/9");
  activity.add_co_organisers("alliances/2");
  EXPECT_THAT(
      TargetsOf(Activity("CreateActivity"), request),
      IsOkAndHolds(ElementsAre(IsOrgTarget(10, "activity.party_org", true),
                               // The service point's unit, looked up, in write scope.
                               IsServicePointTarget(4, "activity.service_point", true),
                               IsTarget(TargetKind::kPerson, 3, "activity.organiser"),
                               IsTarget(TargetKind::kExternalOrg, 9, "activity.co_organisers[0]"),
                               IsTarget(TargetKind::kAlliance, 2, "activity.co_organisers[1]"))));
}

TEST_F(RoutesTest, CreateActivityMalformedOrMissingNamesAreInvalidArgumentNamingTheField) {
  activity_v1::CreateActivityRequest request;
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.party_org")));
  request.mutable_activity()->set_party_org("partyOrgs/10");
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.place")));
  request.mutable_activity()->set_place("partyOrgs/3");
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.place")));
  request.mutable_activity()->set_place("units/7");
  request.mutable_activity()->add_co_organisers("partyOrgs/3");
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.co_organisers[0]")));
  request.mutable_activity()->clear_co_organisers();
  request.mutable_activity()->set_service_point("units/4");
  EXPECT_THAT(TargetsOf(Activity("CreateActivity"), request),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("activity.service_point")));
}

// Reading and working an activity: looked up by name (kActivity), the
// transitions as work.
TEST_F(RoutesTest, ActivitiesAreLookedUpByName) {
  activity_v1::GetActivityRequest get;
  get.set_name("activities/5");
  EXPECT_THAT(TargetsOf(Activity("GetActivity"), get),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "name", false))));
  activity_v1::ListAttendancesRequest attendances;
  attendances.set_parent("activities/5");
  EXPECT_THAT(TargetsOf(Activity("ListAttendances"), attendances),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "parent", false))));
  const auto worked = [this](absl::string_view method, const auto& request) {
    EXPECT_THAT(TargetsOf(Activity(method), request),
                IsOkAndHolds(ElementsAre(IsActivityTarget(5, "name", true))))
        << method;
  };
  activity_v1::SubmitActivityRequest submit;
  submit.set_name("activities/5");
  worked("SubmitActivity", submit);
  activity_v1::HoldActivityRequest hold;
  hold.set_name("activities/5");
  worked("HoldActivity", hold);
  activity_v1::RecordActivityRequest record;
  record.set_name("activities/5");
  worked("RecordActivity", record);
  activity_v1::CancelActivityRequest cancel;
  cancel.set_name("activities/5");
  cancel.set_reason("天气原因");
  worked("CancelActivity", cancel);
  for (const char* name :
       {"", "activities/x", "activities/0", "units/5", "activities/5/attendances/2"}) {
    get.set_name(name);
    EXPECT_THAT(TargetsOf(Activity("GetActivity"), get),
                StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("name")))
        << name;
  }
}

// The organisation above approves and returns: it in write scope, the
// activity readable.
TEST_F(RoutesTest, ApprovalNamesTheApproverForWritingAndTheActivityForReading) {
  activity_v1::ApproveActivityRequest approve;
  approve.set_name("activities/5");
  approve.set_approver("partyOrgs/2");
  EXPECT_THAT(TargetsOf(Activity("ApproveActivity"), approve),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "name", false),
                                       IsOrgTarget(2, "approver", true))));
  activity_v1::ReturnActivityRequest give_back;
  give_back.set_name("activities/5");
  give_back.set_approver("partyOrgs/2");
  give_back.set_reason("请补充活动方案");
  EXPECT_THAT(TargetsOf(Activity("ReturnActivity"), give_back),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "name", false),
                                       IsOrgTarget(2, "approver", true))));
  approve.clear_approver();
  EXPECT_THAT(TargetsOf(Activity("ApproveActivity"), approve),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("approver")));
}

TEST_F(RoutesTest, UpdateActivityNamesWhatTheMaskChanges) {
  activity_v1::UpdateActivityRequest request;
  activity_v1::Activity& activity = *request.mutable_activity();
  activity.set_name("activities/5");
  activity.set_theme("新主题");
  activity.set_place("units/8");
  activity.set_organiser("people/3");
  request.mutable_update_mask()->add_paths("theme");
  EXPECT_THAT(TargetsOf(Activity("UpdateActivity"), request),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "activity.name", true))));
  request.mutable_update_mask()->add_paths("place");
  request.mutable_update_mask()->add_paths("organiser");
  EXPECT_THAT(TargetsOf(Activity("UpdateActivity"), request),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "activity.name", true),
                                       IsTarget(TargetKind::kUnit, 8, "activity.place"),
                                       IsTarget(TargetKind::kPerson, 3, "activity.organiser"))));
  request.clear_update_mask();
  request.mutable_update_mask()->add_paths("*");
  activity.add_co_organisers("alliances/2");
  activity.set_service_point("servicePoints/4");
  EXPECT_THAT(
      TargetsOf(Activity("UpdateActivity"), request),
      IsOkAndHolds(ElementsAre(IsActivityTarget(5, "activity.name", true),
                               IsTarget(TargetKind::kUnit, 8, "activity.place"),
                               IsServicePointTarget(4, "activity.service_point", true),
                               IsTarget(TargetKind::kPerson, 3, "activity.organiser"),
                               IsTarget(TargetKind::kAlliance, 2, "activity.co_organisers[0]"))));
}

TEST_F(RoutesTest, AttendanceNamesTheActivityToWorkAndEachLinesPerson) {
  activity_v1::RecordAttendanceRequest record;
  record.set_parent("activities/5");
  record.mutable_attendance()->set_kind(activity_v1::RESIDENTS);
  record.mutable_attendance()->set_head_count(30);
  EXPECT_THAT(TargetsOf(Activity("RecordAttendance"), record),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "parent", true))));
  record.mutable_attendance()->set_kind(activity_v1::VOLUNTEER);
  record.mutable_attendance()->set_person("people/3");
  EXPECT_THAT(TargetsOf(Activity("RecordAttendance"), record),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "parent", true),
                                       IsTarget(TargetKind::kPerson, 3, "attendance.person"))));

  activity_v1::ImportAttendanceRequest import;
  import.set_parent("activities/5");
  import.set_validate_only(true);  // the same checks
  import.add_attendances()->set_person("people/3");
  import.add_attendances()->set_head_count(12);
  import.add_attendances()->set_person("people/4");
  EXPECT_THAT(TargetsOf(Activity("ImportAttendance"), import),
              IsOkAndHolds(ElementsAre(IsActivityTarget(5, "parent", true),
                                       IsTarget(TargetKind::kPerson, 3, "attendances[0].person"),
                                       IsTarget(TargetKind::kPerson, 4, "attendances[2].person"))));
  import.mutable_attendances(2)->set_person("people/x");
  EXPECT_THAT(TargetsOf(Activity("ImportAttendance"), import),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("attendances[2].person")));
}

// A sheet's key that is an ID-card or phone number would be confirmed by
// "recorded before".
TEST_F(RoutesTest, AttendanceKeysThatArePersonalDataNeedTheGrant) {
  activity_v1::RecordAttendanceRequest record;
  record.set_parent("activities/5");
  record.mutable_attendance()->set_key("A-17");
  ASSERT_TRUE(static_cast<bool>(Activity("RecordAttendance").needs_grant));
  EXPECT_THAT(Activity("RecordAttendance").needs_grant(Bytes(record)), IsOk());
  record.mutable_attendance()->set_key("13800138000");
  EXPECT_THAT(Activity("RecordAttendance").needs_grant(Bytes(record)),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("attendance.key")));
  activity_v1::ImportAttendanceRequest import;
  import.set_parent("activities/5");
  import.add_attendances()->set_key("1");
  import.add_attendances()->set_key("13800138000");
  EXPECT_THAT(Activity("ImportAttendance").needs_grant(Bytes(import)),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("attendances[1].key")));
}

// `creditAccounts/{person}` is the person's.
TEST_F(RoutesTest, CreditAccountsAreTheirPersons) {
  activity_v1::GetCreditAccountRequest get;
  get.set_name("creditAccounts/3");
  EXPECT_THAT(TargetsOf(Activity("GetCreditAccount"), get),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 3, "name"))));
  activity_v1::ListCreditEntriesRequest entries;
  entries.set_parent("creditAccounts/3");
  EXPECT_THAT(TargetsOf(Activity("ListCreditEntries"), entries),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 3, "parent"))));
  activity_v1::RedeemCreditRequest redeem;
  redeem.set_account("creditAccounts/3");
  redeem.set_amount(2);
  EXPECT_THAT(TargetsOf(Activity("RedeemCredit"), redeem),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kPerson, 3, "account"))));
  redeem.set_account("people/3");
  EXPECT_THAT(TargetsOf(Activity("RedeemCredit"), redeem),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("account")));
}

TEST_F(RoutesTest, ServicePointsByTheirUnit) {
  activity_v1::CreateServicePointRequest create;
  create.mutable_service_point()->set_unit("units/7");
  EXPECT_THAT(TargetsOf(Activity("CreateServicePoint"), create),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "service_point.unit"))));
  activity_v1::GetServicePointRequest get;
  get.set_name("servicePoints/4");
  EXPECT_THAT(TargetsOf(Activity("GetServicePoint"), get),
              IsOkAndHolds(ElementsAre(IsServicePointTarget(4, "name", false))));
  activity_v1::UpdateServicePointRequest update;
  update.mutable_service_point()->set_name("servicePoints/4");
  EXPECT_THAT(TargetsOf(Activity("UpdateServicePoint"), update),
              IsOkAndHolds(ElementsAre(IsServicePointTarget(4, "service_point.name", true))));
  activity_v1::DeleteServicePointRequest remove;
  remove.set_name("servicePoints/4");
  EXPECT_THAT(TargetsOf(Activity("DeleteServicePoint"), remove),
              IsOkAndHolds(ElementsAre(IsServicePointTarget(4, "name", true))));
  activity_v1::ListServicePointsRequest list;
  list.set_unit("units/7");
  EXPECT_THAT(TargetsOf(Activity("ListServicePoints"), list),
              IsOkAndHolds(ElementsAre(IsTarget(TargetKind::kUnit, 7, "unit"))));
  list.clear_unit();
  EXPECT_THAT(TargetsOf(Activity("ListServicePoints"), list),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("unit")));
}

TEST_F(RoutesTest, ListActivitiesOfAScopedPrincipalNamesAPlace) {
  activity_v1::ListActivitiesRequest request;
  EXPECT_THAT(TargetsOf(Activity("ListActivities"), request),
              StatusIs(absl::StatusCode::kPermissionDenied, HasSubstr("place")));
  request.set_place("units/7");
  request.set_filter(R"(state = APPROVED AND party_org = "partyOrgs/3")");
  EXPECT_THAT(TargetsOf(Activity("ListActivities"), request),
              IsOkAndHolds(ElementsAre(IsOrgTarget(3, "filter", false),
                                       IsTarget(TargetKind::kUnit, 7, "place"))));
}

activity_v1::Activity MakeActivity(int64_t id, int64_t place, std::vector<int64_t> org_units) {
  activity_v1::Activity activity;
  activity.set_name(absl::StrCat("activities/", id));
  activity.set_place(absl::StrCat("units/", place));
  for (int64_t unit : org_units) activity.add_party_org_units(absl::StrCat("units/", unit));
  activity.set_theme(absl::StrCat("Activity ", id));
  return activity;
}

// Keeps an activity when any of its units is one of `ids` (as the checker
// does from the replica); units as KeepUnits.
KeepFn KeepActivitiesAt(std::set<int64_t> ids) {
  return [ids](const Target& t) -> std::optional<bool> {
    if (t.kind == TargetKind::kActivity) {
      if (t.units.empty()) return std::nullopt;  // would need a lookup
      for (int64_t unit : t.units) {
        if (ids.contains(unit)) return true;
      }
      return false;
    }
    return t.kind == TargetKind::kUnit && ids.contains(t.id);
  };
}

TEST_F(RoutesTest, ListActivitiesKeepsThoseWhosePlaceOrOrganisationIsInScope) {
  activity_v1::ListActivitiesResponse response;
  *response.add_activities() = MakeActivity(1, 7, {5});
  *response.add_activities() = MakeActivity(2, 8, {6});
  // Held outside, by an organisation covering a unit in scope.
  *response.add_activities() = MakeActivity(3, 8, {6, 5});
  response.set_next_page_token("next");
  grpc::ByteBuffer buffer = Bytes(response);
  std::vector<Target> seen;
  const KeepFn keep = [&seen](const Target& t) {
    seen.push_back(t);
    return KeepActivitiesAt({5})(t);
  };
  EXPECT_EQ(Activity("ListActivities").filter(buffer, keep), FilterOutcome::kChanged);
  const auto filtered = FromBytes<activity_v1::ListActivitiesResponse>(buffer);
  ASSERT_EQ(filtered.activities_size(), 2);
  EXPECT_EQ(filtered.activities(0).name(), "activities/1");
  EXPECT_EQ(filtered.activities(1).name(), "activities/3");
  EXPECT_EQ(filtered.next_page_token(), "next");
  // The place first, then the organisation's units: no lookup.
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2].kind, TargetKind::kActivity);
  EXPECT_EQ(seen[2].id, 3);
  EXPECT_THAT(seen[2].units, ElementsAre(8, 6, 5));
}

TEST_F(RoutesTest, CreateActivityAndRedeemCreditAnswersOutsideTheScopeAreDenied) {
  const Route& create = Activity("CreateActivity");
  grpc::ByteBuffer inside = Bytes(MakeActivity(1, 7, {7}));
  EXPECT_EQ(create.filter(inside, KeepActivitiesAt({7})), FilterOutcome::kUnchanged);
  grpc::ByteBuffer outside = Bytes(MakeActivity(2, 8, {8}));
  EXPECT_EQ(create.filter(outside, KeepActivitiesAt({7})), FilterOutcome::kDenied);
  EXPECT_FALSE(static_cast<bool>(Activity("GetActivity").filter));

  activity_v1::CreditEntry entry;
  entry.set_name("creditAccounts/3/entries/9");
  entry.set_amount(-2);
  grpc::ByteBuffer redeemed = Bytes(entry);
  std::vector<Target> seen;
  const KeepFn person_3_outside = [&seen](const Target& t) -> std::optional<bool> {
    seen.push_back(t);
    return false;
  };
  EXPECT_EQ(Activity("RedeemCredit").filter(redeemed, person_3_outside), FilterOutcome::kDenied);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].kind, TargetKind::kPerson);
  EXPECT_EQ(seen[0].id, 3);
  entry.set_name("creditAccounts/3");  // malformed: fail closed
  grpc::ByteBuffer malformed = Bytes(entry);
  const KeepFn keep_all = [](const Target&) -> std::optional<bool> { return true; };
  EXPECT_EQ(Activity("RedeemCredit").filter(malformed, keep_all), FilterOutcome::kDenied);
}

TEST_F(RoutesTest, ListServicePointsKeepsThoseWhoseUnitIsInScope) {
  activity_v1::ListServicePointsResponse response;
  response.add_service_points()->set_unit("units/7");
  response.add_service_points()->set_unit("units/8");
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Activity("ListServicePoints").filter(buffer, KeepUnits({7})), FilterOutcome::kChanged);
  const auto filtered = FromBytes<activity_v1::ListServicePointsResponse>(buffer);
  ASSERT_EQ(filtered.service_points_size(), 1);
  EXPECT_EQ(filtered.service_points(0).unit(), "units/7");
}

TEST_F(RoutesTest, ActivityEventsAreKeptByTheirResource) {
  activity_v1::WatchEventsResponse response;
  const auto add = [&response](int64_t revision, auto set) {
    activity_v1::Event* event = response.add_events();
    event->set_revision(revision);
    set(*event->mutable_after());
  };
  add(1, [](activity_v1::ResourceSnapshot& s) { *s.mutable_activity() = MakeActivity(1, 7, {7}); });
  add(2, [](activity_v1::ResourceSnapshot& s) { *s.mutable_activity() = MakeActivity(2, 8, {8}); });
  add(3, [](activity_v1::ResourceSnapshot& s) { s.mutable_attendance()->set_place("units/7"); });
  add(4, [](activity_v1::ResourceSnapshot& s) { s.mutable_attendance()->set_place("units/8"); });
  add(5, [](activity_v1::ResourceSnapshot& s) { s.mutable_service_point()->set_unit("units/7"); });
  add(6, [](activity_v1::ResourceSnapshot& s) { s.mutable_service_point()->set_unit("units/8"); });
  add(7, [](activity_v1::ResourceSnapshot& s) {
    s.mutable_credit_entry()->set_name("creditAccounts/3/entries/1");
  });
  add(8, [](activity_v1::ResourceSnapshot& s) {
    s.mutable_credit_entry()->set_name("creditAccounts/4/entries/2");
  });
  // Only `before`: what the event's resource was.
  activity_v1::Event* deleted = response.add_events();
  deleted->set_revision(9);
  deleted->mutable_before()->mutable_service_point()->set_unit("units/8");
  const KeepFn keep = [](const Target& t) -> std::optional<bool> {
    if (t.kind == TargetKind::kPerson) return t.id == 3;
    return KeepActivitiesAt({7})(t);
  };
  grpc::ByteBuffer buffer = Bytes(response);
  EXPECT_EQ(Activity("WatchEvents").filter(buffer, keep), FilterOutcome::kChanged);
  std::vector<int64_t> kept;
  const auto filtered = FromBytes<activity_v1::WatchEventsResponse>(buffer);
  for (const auto& e : filtered.events()) {
    kept.push_back(e.revision());
  }
  EXPECT_THAT(kept, ElementsAre(1, 3, 5, 7));

  grpc::ByteBuffer nothing_left = Bytes(response);
  const KeepFn keep_none = [](const Target&) -> std::optional<bool> { return false; };
  EXPECT_EQ(Activity("WatchEvents").filter(nothing_left, keep_none), FilterOutcome::kEmpty);
  activity_v1::ListEventsResponse page;
  *page.add_events() = response.events(1);
  page.set_next_page_token("more");
  grpc::ByteBuffer list = Bytes(page);
  // A list's page goes out empty, with its token.
  EXPECT_EQ(Activity("ListEvents").filter(list, keep_none), FilterOutcome::kChanged);
  EXPECT_EQ(FromBytes<activity_v1::ListEventsResponse>(list).next_page_token(), "more");
}

TEST_F(RoutesTest, ImportAttendanceRowErrorsNameNoOne) {
  activity_v1::ImportAttendanceResponse response;
  activity_v1::ImportAttendanceError* error = response.add_errors();
  error->set_row(1);
  error->set_field("attendances[1].person");
  error->set_message("people/4 already has a line (activities/5/attendances/2)");
  grpc::ByteBuffer buffer = Bytes(response);
  const KeepFn keep_all = [](const Target&) -> std::optional<bool> { return true; };
  EXPECT_EQ(Activity("ImportAttendance").filter(buffer, keep_all), FilterOutcome::kChanged);
  EXPECT_THAT(FromBytes<activity_v1::ImportAttendanceResponse>(buffer).errors(0).message(),
              Not(HasSubstr("people/4")));
}

}  // namespace
}  // namespace grassroots::gateway
