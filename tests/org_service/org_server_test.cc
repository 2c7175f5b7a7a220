// Integration tests of the org service: the real org_service binary on a
// loopback port with its own data directory, driven over gRPC. Each test
// starts a fresh server and creates the sample district of
// org_test_support.h; expectations follow the contract in
// protos/grassroots/org/v1/*.proto.

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/org_service/org_test_support.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/server_process.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org::testing {
namespace {

using ::grassroots::testing::CheckHealth;
using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::EqualsProtos;
using ::grassroots::testing::HealthStatus;
using ::grassroots::testing::IsOk;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::ListServicesByReflection;
using ::grassroots::testing::StatusIs;
using ::testing::Each;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::Eq;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::IsSupersetOf;
using ::testing::MatchesRegex;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;
using ::testing::UnorderedElementsAreArray;

constexpr grpc::StatusCode kInvalidArgument = grpc::StatusCode::INVALID_ARGUMENT;
constexpr grpc::StatusCode kNotFound = grpc::StatusCode::NOT_FOUND;
constexpr grpc::StatusCode kAlreadyExists = grpc::StatusCode::ALREADY_EXISTS;
constexpr grpc::StatusCode kFailedPrecondition = grpc::StatusCode::FAILED_PRECONDITION;
constexpr grpc::StatusCode kAborted = grpc::StatusCode::ABORTED;

// The tree as the test believes it to be, to work out what the server
// should answer: live units only, children in id order.
class TreeModel {
 public:
  explicit TreeModel(const std::vector<v1::Unit>& units) {
    for (const v1::Unit& unit : units) units_[unit.name()] = unit;
  }

  void Move(const std::string& name, const std::string& new_parent) {
    units_.at(name).set_parent(new_parent);
  }
  // Drops `name` and its subtree, as a cascading delete does.
  void Remove(const std::string& name) {
    for (const std::string& descendant : Descendants(name)) units_.erase(descendant);
    units_.erase(name);
  }

  std::vector<std::string> Children(const std::string& parent) const {
    std::vector<std::string> children;
    for (const auto& [name, unit] : units_) {
      if (unit.parent() == parent) children.push_back(name);
    }
    std::sort(children.begin(), children.end(),
              [](const std::string& a, const std::string& b) { return IdOf(a) < IdOf(b); });
    return children;
  }

  // Depth first, children by id; `max_depth` 0 for all levels; only the
  // `levels` given (all when empty), while still walking the others.
  std::vector<std::string> Descendants(const std::string& root, int max_depth = 0,
                                       const std::set<v1::Level>& levels = {}) const {
    std::vector<std::string> out;
    Walk(root, 1, max_depth, levels, &out);
    return out;
  }

  // From the district down to the parent.
  std::vector<std::string> Ancestors(const std::string& name) const {
    std::vector<std::string> path;
    for (std::string parent = units_.at(name).parent(); !parent.empty();
         parent = units_.at(parent).parent()) {
      path.insert(path.begin(), parent);
    }
    return path;
  }

  // One entry per level below `root`'s, top down, zeros included.
  std::vector<v1::LevelCount> Counts(const std::string& root) const {
    const std::vector<std::string> all = Descendants(root);
    std::vector<v1::LevelCount> counts;
    for (int level = units_.at(root).level() + 1; level <= v1::BUILDING; ++level) {
      v1::LevelCount count;
      count.set_level(static_cast<v1::Level>(level));
      count.set_count(std::count_if(all.begin(), all.end(), [&](const std::string& name) {
        return units_.at(name).level() == level;
      }));
      counts.push_back(count);
    }
    return counts;
  }

 private:
  void Walk(const std::string& parent, int depth, int max_depth, const std::set<v1::Level>& levels,
            std::vector<std::string>* out) const {
    if (max_depth > 0 && depth > max_depth) return;
    for (const std::string& child : Children(parent)) {
      if (levels.empty() || levels.count(units_.at(child).level()) > 0) out->push_back(child);
      Walk(child, depth + 1, max_depth, levels, out);
    }
  }

  std::map<std::string, v1::Unit> units_;
};

// Checks ListDescendants and CountDescendants of `root` against `model`, at
// `read_revision` (0: the latest).
void ExpectSubtreeMatches(const OrgClient& client, const TreeModel& model, const v1::Unit& root,
                          int64_t read_revision = 0) {
  SCOPED_TRACE(absl::StrCat("subtree of ", root.display_name(), " (", root.name(), ") at revision ",
                            read_revision));
  const std::vector<std::string> expected = model.Descendants(root.name());
  absl::StatusOr<Descendants> descendants =
      client.ListDescendants(root.name(), 0, {}, read_revision);
  ASSERT_OK(descendants);
  EXPECT_THAT(NamesOf(descendants->units), ElementsAreArray(expected));
  if (!expected.empty()) {
    ASSERT_THAT(descendants->batch_revisions, Not(IsEmpty()));
    EXPECT_THAT(descendants->batch_revisions, Each(Eq(descendants->batch_revisions.front())));
    if (read_revision != 0) {
      EXPECT_EQ(descendants->batch_revisions.front(), read_revision);
    }
  }

  absl::StatusOr<v1::CountDescendantsResponse> counts =
      client.CountDescendants(root.name(), read_revision);
  ASSERT_OK(counts);
  EXPECT_THAT(counts->counts(), ElementsAreArray(EqualsProtos(model.Counts(root.name()))));
  EXPECT_EQ(counts->total(), static_cast<int64_t>(expected.size()));
  if (read_revision != 0) {
    EXPECT_EQ(counts->revision(), read_revision);
  }
}

absl::StatusOr<std::vector<std::string>> AncestorNames(const OrgClient& client,
                                                       absl::string_view name) {
  absl::StatusOr<v1::GetAncestorsResponse> response = client.GetAncestors(name);
  if (!response.ok()) return response.status();
  return NamesOf(std::vector<v1::Unit>(response->ancestors().begin(), response->ancestors().end()));
}

absl::StatusOr<std::vector<std::string>> ListUnitNames(const OrgClient& client,
                                                       absl::string_view parent,
                                                       absl::string_view filter,
                                                       bool show_deleted = false) {
  v1::ListUnitsRequest request;
  request.set_parent(std::string(parent));
  request.set_filter(std::string(filter));
  request.set_show_deleted(show_deleted);
  absl::StatusOr<Pages<v1::Unit>> pages = client.ListAllUnits(request);
  if (!pages.ok()) return pages.status();
  return NamesOf(pages->items);
}

absl::StatusOr<std::vector<std::string>> ListPartyOrgNames(const OrgClient& client,
                                                           absl::string_view parent,
                                                           absl::string_view filter,
                                                           bool show_deleted = false) {
  v1::ListPartyOrgsRequest request;
  request.set_parent(std::string(parent));
  request.set_filter(std::string(filter));
  request.set_show_deleted(show_deleted);
  absl::StatusOr<Pages<v1::PartyOrg>> pages = client.ListAllPartyOrgs(request);
  if (!pages.ok()) return pages.status();
  return NamesOf(pages->items);
}

// The events of exactly one revision.
absl::StatusOr<std::vector<v1::Event>> EventsAt(const OrgClient& client, int64_t revision) {
  absl::StatusOr<Pages<v1::Event>> pages = client.ListAllEvents(revision);
  if (!pages.ok()) return pages.status();
  std::vector<v1::Event> events;
  for (const v1::Event& event : pages->items) {
    if (event.revision() == revision) events.push_back(event);
  }
  return events;
}

std::string Repeat(absl::string_view text, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out.append(text.data(), text.size());
  return out;
}

// A name no resource of a fresh server has.
std::string UnknownUnitName(const SampleDistrict& sample) {
  int64_t max_id = 0;
  for (const v1::Unit& unit : sample.AllUnits()) max_id = std::max(max_id, IdOf(unit.name()));
  return absl::StrCat("units/", max_id + 100000);
}

class OrgServerTest : public OrgServerFixture {
 protected:
  void SetUp() override {
    OrgServerFixture::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK_AND_ASSIGN(sample_, CreateSampleDistrict(client()));
  }

  int64_t CurrentRevisionOrDie() {
    absl::StatusOr<int64_t> revision = client().CurrentRevision();
    EXPECT_OK(revision);
    return revision.value_or(-1);
  }

  SampleDistrict sample_;
};

// --- Create, Get, BatchGet ---------------------------------------------------

TEST_F(OrgServerTest, CreateReturnsTheStoredResourceAtTheNextRevision) {
  int64_t previous = 0;
  std::set<std::string> names;
  for (const v1::Unit& unit : sample_.AllUnits()) {
    SCOPED_TRACE(unit.ShortDebugString());
    EXPECT_THAT(unit.name(), MatchesRegex("units/[1-9][0-9]*"));
    EXPECT_TRUE(names.insert(unit.name()).second) << "a name given twice";
    EXPECT_EQ(unit.state(), v1::Unit::ACTIVE);
    EXPECT_FALSE(unit.etag().empty());
    EXPECT_TRUE(unit.has_create_time());
    EXPECT_FALSE(unit.has_delete_time());
    if (previous != 0) {
      EXPECT_EQ(unit.revision(), previous + 1);
    }
    previous = unit.revision();
    EXPECT_THAT(client().GetUnit(unit.name()), IsOkAndHolds(EqualsProto(unit)));
  }
  for (const v1::PartyOrg& org : sample_.AllPartyOrgs()) {
    SCOPED_TRACE(org.ShortDebugString());
    EXPECT_THAT(org.name(), MatchesRegex("partyOrgs/[1-9][0-9]*"));
    EXPECT_EQ(org.state(), v1::PartyOrg::ACTIVE);
    EXPECT_FALSE(org.etag().empty());
    EXPECT_EQ(org.revision(), previous + 1);
    previous = org.revision();
    EXPECT_THAT(client().GetPartyOrg(org.name()), IsOkAndHolds(EqualsProto(org)));
  }
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(previous));

  // What the client supplied comes back as given.
  EXPECT_EQ(sample_.district.parent(), "");
  EXPECT_EQ(sample_.community3.parent(), sample_.street2.name());
  EXPECT_EQ(sample_.compound1.level(), v1::COMPOUND);
  EXPECT_EQ(sample_.compound1.display_name(), "幸福花园");
  EXPECT_EQ(sample_.compound1.compound().kind(), v1::CompoundDetails::COMMODITY);
  EXPECT_TRUE(sample_.compound1.compound().red_property());
  EXPECT_EQ(sample_.compound1.compound().households(), 520);
  EXPECT_EQ(sample_.building1.building().address(), "幸福花园1栋");
  EXPECT_EQ(sample_.building1.building().floors(), 18);
  EXPECT_THAT(sample_.joint_branch.units(),
              UnorderedElementsAre(sample_.compound2.name(), sample_.compound3.name()));
  EXPECT_EQ(sample_.joint_branch.parent(), sample_.party_committee.name());
  EXPECT_EQ(sample_.party_group.parent(), sample_.branch.name());
}

TEST_F(OrgServerTest, BatchGetKeepsTheRequestOrderAndIsAllOrNothing) {
  EXPECT_THAT(
      client().BatchGetUnits(
          {sample_.community3.name(), sample_.district.name(), sample_.building1.name()}),
      IsOkAndHolds(ElementsAre(EqualsProto(sample_.community3), EqualsProto(sample_.district),
                               EqualsProto(sample_.building1))));
  EXPECT_THAT(
      client().BatchGetPartyOrgs({sample_.party_group.name(), sample_.working_committee1.name()}),
      IsOkAndHolds(
          ElementsAre(EqualsProto(sample_.party_group), EqualsProto(sample_.working_committee1))));

  const std::string unknown = UnknownUnitName(sample_);
  EXPECT_THAT(client().BatchGetUnits({sample_.community3.name(), unknown}),
              StatusIs(kNotFound, HasSubstr(unknown)));
  EXPECT_THAT(client().BatchGetPartyOrgs({sample_.branch.name(), "partyOrgs/999999"}),
              StatusIs(kNotFound, HasSubstr("partyOrgs/999999")));
  EXPECT_THAT(client().BatchGetUnits({}), StatusIs(kInvalidArgument, HasSubstr("names")));
  EXPECT_THAT(client().BatchGetUnits({sample_.district.name(), "units/x"}),
              StatusIs(kInvalidArgument, HasSubstr("names")));
  EXPECT_THAT(client().BatchGetUnits(std::vector<std::string>(1001, sample_.district.name())),
              StatusIs(kInvalidArgument, HasSubstr("names")));
}

TEST_F(OrgServerTest, GetNamesTheMissingOrMalformedResource) {
  const std::string unknown = UnknownUnitName(sample_);
  EXPECT_THAT(client().GetUnit(unknown), StatusIs(kNotFound, HasSubstr(unknown)));
  EXPECT_THAT(client().GetPartyOrg("partyOrgs/999999"),
              StatusIs(kNotFound, HasSubstr("partyOrgs/999999")));
  for (const char* malformed :
       {"", "units/", "units/abc", "units/-3", "units/0", "partyOrgs/1", "units/1/extra"}) {
    SCOPED_TRACE(malformed);
    EXPECT_THAT(client().GetUnit(malformed), StatusIs(kInvalidArgument, HasSubstr("name")));
  }
  EXPECT_THAT(client().GetPartyOrg(sample_.district.name()),
              StatusIs(kInvalidArgument, HasSubstr("name")));
}

// --- Bad input -----------------------------------------------------------------

struct BadUnitCase {
  std::string label;
  // Turns a valid compound under community2 into the bad request.
  std::function<void(const SampleDistrict&, v1::Unit&)> spoil;
  grpc::StatusCode code;
  std::string message_part;  // the field path, or for NOT_FOUND the name
};

TEST_F(OrgServerTest, BadUnitInputIsRejectedNamingTheFieldAndStoresNothing) {
  const int64_t revision = CurrentRevisionOrDie();
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> children_before,
                       client().Children(sample_.community2.name()));
  const std::string unknown = UnknownUnitName(sample_);

  const std::vector<BadUnitCase> cases = {
      {"empty display name", [](auto&, v1::Unit& u) { u.set_display_name(""); }, kInvalidArgument,
       "unit.display_name"},
      {"blank display name", [](auto&, v1::Unit& u) { u.set_display_name("   "); },
       kInvalidArgument, "unit.display_name"},
      {"129-character display name",
       [](auto&, v1::Unit& u) { u.set_display_name(Repeat("花", 129)); }, kInvalidArgument,
       "unit.display_name"},
      {"control character in the display name",
       [](auto&, v1::Unit& u) { u.set_display_name("新\n小区"); }, kInvalidArgument,
       "unit.display_name"},
      {"empty code", [](auto&, v1::Unit& u) { u.set_code(""); }, kInvalidArgument, "unit.code"},
      {"space in the code", [](auto&, v1::Unit& u) { u.set_code("XQ 1"); }, kInvalidArgument,
       "unit.code"},
      {"33-character code", [](auto&, v1::Unit& u) { u.set_code(std::string(33, 'A')); },
       kInvalidArgument, "unit.code"},
      {"no level", [](auto&, v1::Unit& u) { u.set_level(v1::LEVEL_UNSPECIFIED); }, kInvalidArgument,
       "unit.level"},
      {"no parent", [](auto&, v1::Unit& u) { u.set_parent(""); }, kInvalidArgument, "unit.parent"},
      {"malformed parent", [](auto&, v1::Unit& u) { u.set_parent("communities/3"); },
       kInvalidArgument, "unit.parent"},
      {"parent two levels up",
       [](const SampleDistrict& s, v1::Unit& u) { u.set_parent(s.street1.name()); },
       kInvalidArgument, "unit.parent"},
      {"parent at the same level",
       [](const SampleDistrict& s, v1::Unit& u) { u.set_parent(s.compound4.name()); },
       kInvalidArgument, "unit.parent"},
      {"district with a parent",
       [](const SampleDistrict& s, v1::Unit& u) {
         u.set_level(v1::DISTRICT);
         u.clear_compound();
         u.set_parent(s.district.name());
       },
       kInvalidArgument, "unit.parent"},
      {"building details on a compound",
       [](auto&, v1::Unit& u) { u.mutable_building()->set_floors(3); }, kInvalidArgument,
       "unit.building"},
      {"red property without a property company",
       [](auto&, v1::Unit& u) {
         u.mutable_compound()->set_has_property_company(false);
         u.mutable_compound()->set_red_property(true);
       },
       kInvalidArgument, "unit.compound.red_property"},
      {"negative households", [](auto&, v1::Unit& u) { u.mutable_compound()->set_households(-1); },
       kInvalidArgument, "unit.compound.households"},
      {"201 floors",
       [](const SampleDistrict& s, v1::Unit& u) {
         u = NewBuilding(s.compound4.name(), "3栋", "B3", 10, 201, "");
       },
       kInvalidArgument, "unit.building.floors"},
      {"257-character address",
       [](const SampleDistrict& s, v1::Unit& u) {
         u = NewBuilding(s.compound4.name(), "3栋", "B3", 10, 6, Repeat("路", 257));
       },
       kInvalidArgument, "unit.building.address"},
      {"unknown parent", [&unknown](auto&, v1::Unit& u) { u.set_parent(unknown); }, kNotFound,
       unknown},
  };
  for (const BadUnitCase& c : cases) {
    SCOPED_TRACE(c.label);
    v1::Unit unit = NewCompound(sample_.community2.name(), "新小区", "XQ", {});
    c.spoil(sample_, unit);
    // With a request id, which a failed create must not use up.
    const std::string request_id = absl::StrCat("bad-", &c - cases.data());
    EXPECT_THAT(client().CreateUnit(unit, request_id), StatusIs(c.code, HasSubstr(c.message_part)));
  }

  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(client().Children(sample_.community2.name()),
              IsOkAndHolds(ElementsAreArray(EqualsProtos(children_before))));
  // The request ids of failed creates are still free.
  ASSERT_OK_AND_ASSIGN(
      v1::Unit created,
      client().CreateUnit(NewCompound(sample_.community2.name(), "新小区", "XQ", {}), "bad-0"));
  EXPECT_EQ(created.revision(), revision + 1);
  EXPECT_EQ(created.display_name(), "新小区");
}

TEST_F(OrgServerTest, DisplayNamesAreCountedInCharactersNotBytes) {
  // 128 Chinese characters are 384 bytes of UTF-8, and allowed.
  ASSERT_OK_AND_ASSIGN(
      v1::Unit unit,
      client().CreateUnit(NewCompound(sample_.community2.name(), Repeat("花", 128), "LONG", {})));
  EXPECT_EQ(unit.display_name(), Repeat("花", 128));
  v1::Unit longer;
  longer.set_name(unit.name());
  longer.set_display_name(Repeat("花", 129));
  EXPECT_THAT(client().UpdateUnit(longer, {"display_name"}),
              StatusIs(kInvalidArgument, HasSubstr("unit.display_name")));
}

// A proto3 `string` field must hold valid UTF-8. The C++ client still sends
// the bytes (logging an error), but the server's generated parser refuses the
// message before any handler runs; gRPC 1.51 then answers with a code of its
// own (UNIMPLEMENTED with an empty message was observed) that names no field.
// So the contract's "INVALID_ARGUMENT naming the field" can only hold where a
// handler sees the text (core and domain tests, or a bytes field); over the
// wire we insist on the refusal, on the field when a handler did answer, and
// on nothing being stored.
TEST_F(OrgServerTest, InvalidUtf8IsRefusedAndStoresNothing) {
  const int64_t revision = CurrentRevisionOrDie();
  v1::Unit unit = NewCompound(sample_.community2.name(), "幸\xFF\xFE", "UTF", {});
  const absl::Status status = client().CreateUnit(unit).status();
  EXPECT_THAT(status, Not(IsOk()));
  if (status.code() == absl::StatusCode::kInvalidArgument) {
    EXPECT_THAT(std::string(status.message()), HasSubstr("unit.display_name"));
  }
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(ListUnitNames(client(), sample_.community2.name(), "code = \"UTF\""),
              IsOkAndHolds(IsEmpty()));
}

struct BadPartyOrgCase {
  std::string label;
  std::function<v1::PartyOrg(const SampleDistrict&)> make;
  grpc::StatusCode code;
  std::string message_part;
};

TEST_F(OrgServerTest, BadPartyOrgInputIsRejectedNamingTheFieldAndStoresNothing) {
  const int64_t revision = CurrentRevisionOrDie();
  using S = const SampleDistrict&;
  const std::vector<BadPartyOrgCase> cases = {
      {"branch covering two compounds",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::BRANCH, "支部", {s.compound4.name(), s.compound5.name()});
       },
       kInvalidArgument, "party_org.units"},
      {"joint branch covering one compound",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::JOINT_BRANCH, "联合支部", {s.compound4.name()});
       },
       kInvalidArgument, "party_org.units"},
      {"joint branch across two communities",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::JOINT_BRANCH, "联合支部",
                            {s.compound4.name(), s.compound5.name()});
       },
       kInvalidArgument, "party_org.units"},
      {"working committee covering a community",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::WORKING_COMMITTEE, "大党工委", {s.community2.name()});
       },
       kInvalidArgument, "party_org.units"},
      {"party group covering a compound",
       [](S s) { return NewPartyOrg(v1::PartyOrg::PARTY_GROUP, "党小组", {s.compound4.name()}); },
       kInvalidArgument, "party_org.units"},
      {"a unit named twice",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::PARTY_GROUP, "党小组",
                            {s.building4.name(), s.building4.name()});
       },
       kInvalidArgument, "party_org.units"},
      {"malformed unit name",
       [](S) { return NewPartyOrg(v1::PartyOrg::BRANCH, "支部", {"units/x"}); }, kInvalidArgument,
       "party_org.units"},
      {"no form",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::FORM_UNSPECIFIED, "支部", {s.compound4.name()});
       },
       kInvalidArgument, "party_org.form"},
      {"empty display name",
       [](S s) { return NewPartyOrg(v1::PartyOrg::BRANCH, "", {s.compound4.name()}); },
       kInvalidArgument, "party_org.display_name"},
      {"established in 1800",
       [](S s) {
         v1::PartyOrg org = NewPartyOrg(v1::PartyOrg::BRANCH, "支部", {s.compound4.name()});
         org.mutable_established_date()->set_year(1800);
         org.mutable_established_date()->set_month(7);
         org.mutable_established_date()->set_day(1);
         return org;
       },
       kInvalidArgument, "party_org.established_date"},
      {"parent of a lower form",
       [](S s) {
         return NewPartyOrg(v1::PartyOrg::BRANCH, "支部", {s.compound4.name()},
                            s.party_group.name());
       },
       kInvalidArgument, "party_org.parent"},
      {"unknown unit",
       [](S s) { return NewPartyOrg(v1::PartyOrg::BRANCH, "支部", {UnknownUnitName(s)}); },
       kNotFound, UnknownUnitName(sample_)},
  };
  for (const BadPartyOrgCase& c : cases) {
    SCOPED_TRACE(c.label);
    EXPECT_THAT(client().CreatePartyOrg(c.make(sample_)),
                StatusIs(c.code, HasSubstr(c.message_part)));
  }
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(ListPartyOrgNames(client(), "", ""),
              IsOkAndHolds(UnorderedElementsAreArray(NamesOf(sample_.AllPartyOrgs()))));
}

// --- Update, etags, request ids, codes ---------------------------------------------------

TEST_F(OrgServerTest, UpdateChangesOnlyTheFieldsInTheMask) {
  const v1::Unit before = sample_.compound1;
  const int64_t revision = CurrentRevisionOrDie();

  v1::Unit change;
  change.set_name(before.name());
  change.set_display_name("幸福花园一期");
  change.set_code("CHANGED");  // not in the mask
  change.mutable_compound()->set_households(600);
  change.mutable_compound()->set_kind(v1::CompoundDetails::OLD);  // not in the mask
  ASSERT_OK_AND_ASSIGN(v1::Unit after,
                       client().UpdateUnit(change, {"display_name", "compound.households"}));

  v1::Unit expected = before;
  expected.set_display_name("幸福花园一期");
  expected.mutable_compound()->set_households(600);
  // What the server computes.
  expected.set_etag(after.etag());
  expected.set_revision(after.revision());
  *expected.mutable_update_time() = after.update_time();
  EXPECT_THAT(after, EqualsProto(expected));
  EXPECT_EQ(after.revision(), revision + 1);
  EXPECT_NE(after.etag(), before.etag());
  EXPECT_THAT(client().GetUnit(before.name()), IsOkAndHolds(EqualsProto(after)));

  // Without a mask, the fields set to a non-default value.
  v1::Unit rename;
  rename.set_name(before.name());
  rename.set_display_name("幸福花园");
  ASSERT_OK_AND_ASSIGN(v1::Unit renamed, client().UpdateUnit(rename, {}));
  EXPECT_EQ(renamed.display_name(), "幸福花园");
  EXPECT_EQ(renamed.code(), before.code());
  EXPECT_THAT(renamed.compound(), EqualsProto(after.compound()));
  EXPECT_EQ(renamed.revision(), revision + 2);

  // A party organisation's rating.
  v1::PartyOrg rating;
  rating.set_name(sample_.joint_branch.name());
  rating.set_rating(v1::PartyOrg::LAGGING);
  rating.set_display_name("不应改变");  // not in the mask
  ASSERT_OK_AND_ASSIGN(v1::PartyOrg rated, client().UpdatePartyOrg(rating, {"rating"}));
  EXPECT_EQ(rated.rating(), v1::PartyOrg::LAGGING);
  EXPECT_EQ(rated.display_name(), sample_.joint_branch.display_name());
  EXPECT_THAT(rated.units(), ElementsAreArray(sample_.joint_branch.units()));
  EXPECT_EQ(rated.revision(), revision + 3);
}

TEST_F(OrgServerTest, BadUpdatesAreRejectedAndChangeNothing) {
  const int64_t revision = CurrentRevisionOrDie();
  v1::Unit change;
  change.set_name(sample_.compound1.name());

  change.set_display_name("");
  EXPECT_THAT(client().UpdateUnit(change, {"display_name"}),
              StatusIs(kInvalidArgument, HasSubstr("unit.display_name")));
  change.set_display_name("幸福花园");
  EXPECT_THAT(client().UpdateUnit(change, {"colour"}),
              StatusIs(kInvalidArgument, HasSubstr("update_mask")));
  // The parent changes only through MoveUnit.
  change.set_parent(sample_.community2.name());
  EXPECT_THAT(client().UpdateUnit(change, {"parent"}),
              StatusIs(kInvalidArgument, HasSubstr("update_mask")));
  change.clear_parent();
  // A sibling's code.
  change.set_code(sample_.compound2.code());
  EXPECT_THAT(client().UpdateUnit(change, {"code"}), StatusIs(kAlreadyExists));
  // Building details on a compound.
  change.mutable_building()->set_floors(3);
  EXPECT_THAT(client().UpdateUnit(change, {"building"}),
              StatusIs(kInvalidArgument, HasSubstr("unit.building")));
  // No such unit.
  const std::string unknown = UnknownUnitName(sample_);
  change.set_name(unknown);
  EXPECT_THAT(client().UpdateUnit(change, {"display_name"}),
              StatusIs(kNotFound, HasSubstr(unknown)));

  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(client().GetUnit(sample_.compound1.name()),
              IsOkAndHolds(EqualsProto(sample_.compound1)));
}

TEST_F(OrgServerTest, AStaleEtagIsAbortedAndChangesNothing) {
  const v1::Unit original = sample_.compound4;
  v1::Unit change;
  change.set_name(original.name());
  change.set_etag(original.etag());
  change.set_display_name("阳光花园一期");
  ASSERT_OK_AND_ASSIGN(const v1::Unit updated, client().UpdateUnit(change, {"display_name"}));
  const int64_t revision = CurrentRevisionOrDie();

  // original.etag() was read before that update.
  change.set_display_name("阳光花园二期");
  EXPECT_THAT(client().UpdateUnit(change, {"display_name"}), StatusIs(kAborted));
  EXPECT_THAT(client().MoveUnit(original.name(), sample_.community3.name(), original.etag()),
              StatusIs(kAborted));
  EXPECT_THAT(client().DeleteUnit(original.name(), /*cascade=*/true, original.etag()),
              StatusIs(kAborted));
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(client().GetUnit(original.name()), IsOkAndHolds(EqualsProto(updated)));
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> children, client().Children(original.name()));
  EXPECT_THAT(children, SizeIs(2));

  // With the current etag it goes through.
  change.set_etag(updated.etag());
  EXPECT_THAT(client().UpdateUnit(change, {"display_name"}),
              IsOkAndHolds(::testing::Property(&v1::Unit::display_name, "阳光花园二期")));

  // The same for party organisations.
  v1::PartyOrg org_change;
  org_change.set_name(sample_.branch.name());
  org_change.set_etag(sample_.branch.etag());
  org_change.set_rating(v1::PartyOrg::ADVANCED);
  ASSERT_OK(client().UpdatePartyOrg(org_change, {"rating"}));
  org_change.set_rating(v1::PartyOrg::ORDINARY);
  EXPECT_THAT(client().UpdatePartyOrg(org_change, {"rating"}), StatusIs(kAborted));
  EXPECT_THAT(
      client().DeletePartyOrg(sample_.branch.name(), /*cascade=*/true, sample_.branch.etag()),
      StatusIs(kAborted));
  EXPECT_THAT(client().GetPartyOrg(sample_.branch.name()),
              IsOkAndHolds(::testing::Property(&v1::PartyOrg::rating, v1::PartyOrg::ADVANCED)));
}

TEST_F(OrgServerTest, ARepeatedRequestIdCreatesNothingAndReturnsTheFirstResult) {
  const v1::Unit request = NewCompound(sample_.community2.name(), "新建小区", "XJ", {});
  ASSERT_OK_AND_ASSIGN(const v1::Unit first, client().CreateUnit(request, "create-xj"));
  const int64_t revision = CurrentRevisionOrDie();
  EXPECT_EQ(first.revision(), revision);

  EXPECT_THAT(client().CreateUnit(request, "create-xj"), IsOkAndHolds(EqualsProto(first)));
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(ListUnitNames(client(), sample_.community2.name(), "code = \"XJ\""),
              IsOkAndHolds(ElementsAre(first.name())));
  // Another request id is another create, which the code now forbids.
  EXPECT_THAT(client().CreateUnit(request, "create-xj-again"), StatusIs(kAlreadyExists));

  const v1::PartyOrg org_request = NewPartyOrg(v1::PartyOrg::FUNCTIONAL_BRANCH,
                                               "志愿服务功能型党支部", {sample_.compound4.name()});
  ASSERT_OK_AND_ASSIGN(const v1::PartyOrg org, client().CreatePartyOrg(org_request, "create-fb"));
  EXPECT_THAT(client().CreatePartyOrg(org_request, "create-fb"), IsOkAndHolds(EqualsProto(org)));
  EXPECT_THAT(ListPartyOrgNames(client(), "", "form = FUNCTIONAL_BRANCH"),
              IsOkAndHolds(ElementsAre(org.name())));
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision + 1));

  EXPECT_THAT(client().CreateUnit(NewCompound(sample_.community2.name(), "别的小区", "BD", {}),
                                  std::string(65, 'r')),
              StatusIs(kInvalidArgument, HasSubstr("request_id")));
}

TEST_F(OrgServerTest, CodesAreUniqueAmongLiveSiblingsOnly) {
  EXPECT_THAT(client().CreateUnit(NewCompound(sample_.community1.name(), "另一个小区",
                                              sample_.compound1.code(), {})),
              StatusIs(kAlreadyExists));
  // Under another parent the code is free.
  EXPECT_OK(client().CreateUnit(
      NewCompound(sample_.community3.name(), "另一个小区", sample_.compound1.code(), {})));
  // So is the code of a deleted sibling.
  ASSERT_OK_AND_ASSIGN(
      const v1::Unit temporary,
      client().CreateUnit(NewCompound(sample_.community1.name(), "临时小区", "TMP", {})));
  ASSERT_OK(client().DeleteUnit(temporary.name()));
  EXPECT_OK(client().CreateUnit(NewCompound(sample_.community1.name(), "临时小区", "TMP", {})));
}

// --- Lists -------------------------------------------------------------------------------------

TEST_F(OrgServerTest, ListUnitsPagesThroughAllChildren) {
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> buildings,
                       CreateBuildings(client(), sample_.compound5.name(), 101));
  v1::ListUnitsRequest request;
  request.set_parent(sample_.compound5.name());

  // page_size 0 means 100.
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse first, client().ListUnits(request));
  EXPECT_THAT(first.units(), SizeIs(100));
  EXPECT_FALSE(first.next_page_token().empty());

  request.set_page_size(7);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Unit> pages, client().ListAllUnits(request));
  std::vector<int> expected_sizes(101 / 7, 7);
  expected_sizes.push_back(101 % 7);
  EXPECT_THAT(pages.page_sizes, ElementsAreArray(expected_sizes));
  EXPECT_THAT(pages.items, UnorderedElementsAreArray(EqualsProtos(buildings)));
  EXPECT_THAT(pages.revisions, Each(Eq(pages.revisions.front())));

  request.set_page_size(1000);
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse all, client().ListUnits(request));
  EXPECT_THAT(all.units(), SizeIs(101));
  EXPECT_EQ(all.next_page_token(), "");

  for (int bad : {1001, -1}) {
    request.set_page_size(bad);
    EXPECT_THAT(client().ListUnits(request), StatusIs(kInvalidArgument, HasSubstr("page_size")));
  }
  // The districts.
  EXPECT_THAT(client().Children(""), IsOkAndHolds(ElementsAre(EqualsProto(sample_.district))));
}

TEST_F(OrgServerTest, PageTokensBelongToTheirRequest) {
  v1::ListUnitsRequest request;
  request.set_parent(sample_.community1.name());
  request.set_page_size(1);
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse first, client().ListUnits(request));
  ASSERT_FALSE(first.next_page_token().empty());

  v1::ListUnitsRequest next = request;
  next.set_page_token("not-a-page-token");
  EXPECT_THAT(client().ListUnits(next), StatusIs(kInvalidArgument, HasSubstr("page_token")));
  next.set_page_token(first.next_page_token());
  next.set_filter("level = COMPOUND");
  EXPECT_THAT(client().ListUnits(next), StatusIs(kInvalidArgument, HasSubstr("page_token")));
  next.set_filter("");
  next.set_parent(sample_.community2.name());
  EXPECT_THAT(client().ListUnits(next), StatusIs(kInvalidArgument, HasSubstr("page_token")));
  next.set_parent(sample_.community1.name());
  next.set_show_deleted(true);
  EXPECT_THAT(client().ListUnits(next), StatusIs(kInvalidArgument, HasSubstr("page_token")));

  EXPECT_THAT(client().ListEvents(1, 10, "not-a-page-token"),
              StatusIs(kInvalidArgument, HasSubstr("page_token")));
}

TEST_F(OrgServerTest, ListFiltersSelectUnitsAndPartyOrgs) {
  const std::string c1 = sample_.community1.name();
  struct Case {
    std::string parent;
    std::string filter;
    std::vector<std::string> expected;
  };
  const std::vector<Case> unit_cases = {
      {c1, "", {sample_.compound1.name(), sample_.compound2.name(), sample_.compound3.name()}},
      {c1,
       "level = COMPOUND",
       {sample_.compound1.name(), sample_.compound2.name(), sample_.compound3.name()}},
      {c1, "level = BUILDING", {}},
      {c1, "display_name : \"花园\"", {sample_.compound1.name()}},
      {c1, "display_name = \"建设小区\"", {sample_.compound3.name()}},
      {c1, "display_name = \"建设\"", {}},
      {c1, "code = \"LJ\"", {sample_.compound2.name()}},
      {c1, "compound.kind = OLD", {sample_.compound2.name(), sample_.compound3.name()}},
      {c1, "compound.kind = OLD AND display_name : \"老街\"", {sample_.compound2.name()}},
      {"", "display_name : \"江汉\"", {sample_.district.name()}},
  };
  for (const Case& c : unit_cases) {
    SCOPED_TRACE(absl::StrCat("units under '", c.parent, "' filtered by '", c.filter, "'"));
    EXPECT_THAT(ListUnitNames(client(), c.parent, c.filter),
                IsOkAndHolds(UnorderedElementsAreArray(c.expected)));
  }

  v1::PartyOrg rating;
  rating.set_name(sample_.joint_branch.name());
  rating.set_rating(v1::PartyOrg::LAGGING);
  ASSERT_OK(client().UpdatePartyOrg(rating, {"rating"}));
  const std::vector<Case> org_cases = {
      {"", "form = BRANCH", {sample_.branch.name()}},
      {"",
       "form = WORKING_COMMITTEE",
       {sample_.working_committee1.name(), sample_.working_committee2.name()}},
      {"", absl::StrCat("unit = \"", sample_.compound1.name(), "\""), {sample_.branch.name()}},
      {"",
       absl::StrCat("unit = \"", sample_.compound3.name(), "\""),
       {sample_.joint_branch.name()}},
      {"", "display_name : \"联合\"", {sample_.joint_branch.name()}},
      {"", "rating = LAGGING", {sample_.joint_branch.name()}},
      {"", "form = PARTY_GROUP AND display_name : \"楼栋\"", {sample_.party_group.name()}},
      {sample_.party_committee.name(), "", {sample_.branch.name(), sample_.joint_branch.name()}},
      {sample_.party_committee.name(), "form = JOINT_BRANCH", {sample_.joint_branch.name()}},
  };
  for (const Case& c : org_cases) {
    SCOPED_TRACE(absl::StrCat("party orgs under '", c.parent, "' filtered by '", c.filter, "'"));
    EXPECT_THAT(ListPartyOrgNames(client(), c.parent, c.filter),
                IsOkAndHolds(UnorderedElementsAreArray(c.expected)));
  }

  for (const char* bad : {"level = PLANET", "colour = RED", "display_name : \"未结束",
                          "level = COMPOUND OR level = STREET", "(level = COMPOUND)", "level"}) {
    SCOPED_TRACE(bad);
    EXPECT_THAT(ListUnitNames(client(), c1, bad), StatusIs(kInvalidArgument, HasSubstr("filter")));
  }
  EXPECT_THAT(ListPartyOrgNames(client(), "", "form = PLANET"),
              StatusIs(kInvalidArgument, HasSubstr("filter")));
}

TEST_F(OrgServerTest, DeletedResourcesAreListedOnlyWithShowDeleted) {
  ASSERT_OK_AND_ASSIGN(
      const v1::Unit temporary,
      client().CreateUnit(NewCompound(sample_.community1.name(), "临时小区", "TMP", {})));
  ASSERT_OK_AND_ASSIGN(const v1::Unit deleted, client().DeleteUnit(temporary.name()));
  EXPECT_EQ(deleted.state(), v1::Unit::DELETED);
  EXPECT_TRUE(deleted.has_delete_time());
  EXPECT_EQ(deleted.revision(), temporary.revision() + 1);
  EXPECT_THAT(client().GetUnit(temporary.name()), IsOkAndHolds(EqualsProto(deleted)));

  const std::vector<std::string> live = {sample_.compound1.name(), sample_.compound2.name(),
                                         sample_.compound3.name()};
  std::vector<std::string> all = live;
  all.push_back(temporary.name());
  EXPECT_THAT(ListUnitNames(client(), sample_.community1.name(), ""),
              IsOkAndHolds(UnorderedElementsAreArray(live)));
  EXPECT_THAT(ListUnitNames(client(), sample_.community1.name(), "", /*show_deleted=*/true),
              IsOkAndHolds(UnorderedElementsAreArray(all)));
  EXPECT_THAT(ListUnitNames(client(), sample_.community1.name(), "display_name : \"临时\"",
                            /*show_deleted=*/true),
              IsOkAndHolds(ElementsAre(temporary.name())));

  ASSERT_OK_AND_ASSIGN(const v1::PartyOrg functional,
                       client().CreatePartyOrg(
                           NewPartyOrg(v1::PartyOrg::FUNCTIONAL_BRANCH, "临时功能型党支部", {})));
  ASSERT_OK(client().DeletePartyOrg(functional.name()));
  EXPECT_THAT(ListPartyOrgNames(client(), "", "form = FUNCTIONAL_BRANCH"), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(ListPartyOrgNames(client(), "", "form = FUNCTIONAL_BRANCH", /*show_deleted=*/true),
              IsOkAndHolds(ElementsAre(functional.name())));
}

// --- The hierarchy --------------------------------------------------------------------------

TEST_F(OrgServerTest, ListDescendantsWalksDepthFirstWithDepthAndLevelLimits) {
  const TreeModel model(sample_.AllUnits());
  const std::string district = sample_.district.name();
  struct Case {
    int max_depth;
    std::set<v1::Level> levels;
  };
  const std::vector<Case> cases = {
      {0, {}},
      {1, {}},
      {2, {}},
      {0, {v1::BUILDING}},
      {3, {v1::STREET, v1::COMPOUND}},
      {0, {v1::COMMUNITY, v1::BUILDING}},
  };
  const int64_t revision = CurrentRevisionOrDie();
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrCat("max_depth ", c.max_depth, ", ", c.levels.size(), " levels"));
    ASSERT_OK_AND_ASSIGN(
        const Descendants descendants,
        client().ListDescendants(district, c.max_depth,
                                 std::vector<v1::Level>(c.levels.begin(), c.levels.end())));
    EXPECT_THAT(NamesOf(descendants.units),
                ElementsAreArray(model.Descendants(district, c.max_depth, c.levels)));
    EXPECT_THAT(descendants.batch_revisions, Each(Eq(revision)));
  }
  ExpectSubtreeMatches(client(), model, sample_.district);
  ExpectSubtreeMatches(client(), model, sample_.street2);
  ExpectSubtreeMatches(client(), model, sample_.compound1);

  // A building has nothing below it, and no levels to count.
  ASSERT_OK_AND_ASSIGN(const Descendants none, client().ListDescendants(sample_.building1.name()));
  EXPECT_THAT(none.units, IsEmpty());
  ASSERT_OK_AND_ASSIGN(const v1::CountDescendantsResponse zero,
                       client().CountDescendants(sample_.building1.name()));
  EXPECT_THAT(zero.counts(), IsEmpty());
  EXPECT_EQ(zero.total(), 0);

  EXPECT_THAT(client().ListDescendants(district, -1),
              StatusIs(kInvalidArgument, HasSubstr("max_depth")));
  const std::string unknown = UnknownUnitName(sample_);
  EXPECT_THAT(client().ListDescendants(unknown), StatusIs(kNotFound, HasSubstr(unknown)));
  EXPECT_THAT(client().CountDescendants(unknown), StatusIs(kNotFound, HasSubstr(unknown)));
}

TEST_F(OrgServerTest, ALargeSubtreeStreamsInOrderAtOneRevision) {
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> buildings,
                       CreateBuildings(client(), sample_.compound5.name(), 300));
  std::vector<v1::Unit> units = sample_.AllUnits();
  units.insert(units.end(), buildings.begin(), buildings.end());
  TreeModel model(units);
  ExpectSubtreeMatches(client(), model, sample_.district);
  // Deleted units are left out.
  ASSERT_OK(client().DeleteUnit(buildings[150].name()));
  model.Remove(buildings[150].name());
  ExpectSubtreeMatches(client(), model, sample_.street2);
}

TEST_F(OrgServerTest, MoveCarriesTheSubtreeToItsNewParent) {
  const v1::Unit& moved = sample_.compound4;  // with building4 and building5
  TreeModel model(sample_.AllUnits());
  const auto expect_coverage = [&](const v1::PartyOrg& org, const v1::Unit& covered) {
    ASSERT_OK_AND_ASSIGN(const v1::GetCoveringPartyOrgResponse response,
                         client().GetCoveringPartyOrg(sample_.building4.name()));
    EXPECT_EQ(response.party_org().name(), org.name());
    EXPECT_EQ(response.covered_unit(), covered.name());
  };

  EXPECT_THAT(AncestorNames(client(), sample_.building4.name()),
              IsOkAndHolds(ElementsAre(sample_.district.name(), sample_.street1.name(),
                                       sample_.community2.name(), moved.name())));
  EXPECT_THAT(AncestorNames(client(), sample_.building4.name()),
              IsOkAndHolds(ElementsAreArray(model.Ancestors(sample_.building4.name()))));
  for (const v1::Unit* root : {&sample_.district, &sample_.street1, &sample_.street2}) {
    ExpectSubtreeMatches(client(), model, *root);
  }
  expect_coverage(sample_.working_committee1, sample_.street1);
  const TreeModel old_model = model;
  const int64_t before_move = CurrentRevisionOrDie();

  ASSERT_OK_AND_ASSIGN(const v1::Unit after,
                       client().MoveUnit(moved.name(), sample_.community3.name(), moved.etag()));
  EXPECT_EQ(after.parent(), sample_.community3.name());
  EXPECT_EQ(after.revision(), before_move + 1);
  EXPECT_NE(after.etag(), moved.etag());
  EXPECT_EQ(after.display_name(), moved.display_name());
  EXPECT_EQ(after.code(), moved.code());
  EXPECT_THAT(after.compound(), EqualsProto(moved.compound()));
  model.Move(moved.name(), sample_.community3.name());

  EXPECT_THAT(AncestorNames(client(), sample_.building4.name()),
              IsOkAndHolds(ElementsAre(sample_.district.name(), sample_.street2.name(),
                                       sample_.community3.name(), moved.name())));
  for (const v1::Unit* root : {&sample_.district, &sample_.street1, &sample_.street2}) {
    ExpectSubtreeMatches(client(), model, *root);
  }
  EXPECT_THAT(client().Children(sample_.community2.name()), IsOkAndHolds(IsEmpty()));
  expect_coverage(sample_.working_committee2, sample_.street2);
  // The buildings went along untouched.
  EXPECT_THAT(client().GetUnit(sample_.building4.name()),
              IsOkAndHolds(EqualsProto(sample_.building4)));

  // As of the revision before the move, the old tree.
  for (const v1::Unit* root : {&sample_.district, &sample_.street1, &sample_.street2}) {
    ExpectSubtreeMatches(client(), old_model, *root, before_move);
  }

  // One event, with the unit before and after.
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Event> events, EventsAt(client(), before_move + 1));
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].method(), "MoveUnit");
  EXPECT_EQ(events[0].resource(), moved.name());
  EXPECT_THAT(events[0].before().unit(), EqualsProto(moved));
  EXPECT_THAT(events[0].after().unit(), EqualsProto(after));
}

TEST_F(OrgServerTest, MoveNeedsALiveParentExactlyOneLevelUp) {
  ASSERT_OK_AND_ASSIGN(
      const v1::Unit temporary,
      client().CreateUnit(NewUnit(v1::COMMUNITY, sample_.street2.name(), "临时社区", "TMPC")));
  ASSERT_OK(client().DeleteUnit(temporary.name()));
  const int64_t revision = CurrentRevisionOrDie();
  const std::string compound = sample_.compound4.name();
  const std::string unknown = UnknownUnitName(sample_);

  EXPECT_THAT(client().MoveUnit(compound, sample_.street2.name()),
              StatusIs(kInvalidArgument, HasSubstr("new_parent")));
  EXPECT_THAT(client().MoveUnit(compound, sample_.compound5.name()),
              StatusIs(kInvalidArgument, HasSubstr("new_parent")));
  EXPECT_THAT(client().MoveUnit(sample_.building4.name(), sample_.community3.name()),
              StatusIs(kInvalidArgument, HasSubstr("new_parent")));
  EXPECT_THAT(client().MoveUnit(sample_.district.name(), sample_.street1.name()),
              StatusIs(kInvalidArgument));
  EXPECT_THAT(client().MoveUnit(compound, ""), StatusIs(kInvalidArgument, HasSubstr("new_parent")));
  EXPECT_THAT(client().MoveUnit(compound, "units/x"),
              StatusIs(kInvalidArgument, HasSubstr("new_parent")));
  EXPECT_THAT(client().MoveUnit(compound, unknown), StatusIs(kNotFound, HasSubstr(unknown)));
  EXPECT_THAT(client().MoveUnit(compound, temporary.name()), StatusIs(kFailedPrecondition));

  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(revision));
  EXPECT_THAT(client().GetUnit(compound), IsOkAndHolds(EqualsProto(sample_.compound4)));
}

TEST_F(OrgServerTest, CoveringPartyOrgIsTheNearestTerritorialOne) {
  // Functional branches never answer.
  ASSERT_OK(client().CreatePartyOrg(
      NewPartyOrg(v1::PartyOrg::FUNCTIONAL_BRANCH, "阳光花园志愿服务功能型党支部",
                  {sample_.compound4.name(), sample_.building5.name()})));
  const SampleDistrict& s = sample_;
  struct Case {
    const v1::Unit* unit;
    const v1::PartyOrg* org;
    const v1::Unit* covered;
  };
  const std::vector<Case> cases = {
      {&s.building1, &s.party_group, &s.building1},
      {&s.building2, &s.party_group, &s.building2},
      {&s.compound1, &s.branch, &s.compound1},
      {&s.building3, &s.joint_branch, &s.compound2},
      {&s.compound3, &s.joint_branch, &s.compound3},
      {&s.community1, &s.party_committee, &s.community1},
      {&s.community2, &s.working_committee1, &s.street1},
      {&s.compound4, &s.working_committee1, &s.street1},
      {&s.building5, &s.working_committee1, &s.street1},
      {&s.street1, &s.working_committee1, &s.street1},
      {&s.compound5, &s.working_committee2, &s.street2},
  };
  const int64_t revision = CurrentRevisionOrDie();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.unit->display_name());
    ASSERT_OK_AND_ASSIGN(const v1::GetCoveringPartyOrgResponse response,
                         client().GetCoveringPartyOrg(c.unit->name()));
    EXPECT_THAT(response.party_org(), EqualsProto(*c.org));
    EXPECT_EQ(response.covered_unit(), c.covered->name());
    EXPECT_EQ(response.revision(), revision);
  }
  // Nothing covers the district.
  EXPECT_THAT(client().GetCoveringPartyOrg(s.district.name()), StatusIs(kNotFound));
  EXPECT_THAT(client().GetCoveringPartyOrg("units/x"),
              StatusIs(kInvalidArgument, HasSubstr("unit")));
}

// --- Delete and undelete ----------------------------------------------------------------------

TEST_F(OrgServerTest, DeleteIsRefusedWhileLiveChildrenOrCoveringOrgsRemainUnlessCascade) {
  const SampleDistrict& s = sample_;
  const int64_t before = CurrentRevisionOrDie();
  EXPECT_THAT(client().DeleteUnit(s.community1.name()), StatusIs(kFailedPrecondition));
  // No children, but the party group covers it.
  EXPECT_THAT(client().DeleteUnit(s.building1.name()), StatusIs(kFailedPrecondition));
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(before));

  ASSERT_OK_AND_ASSIGN(const v1::Unit deleted,
                       client().DeleteUnit(s.community1.name(), /*cascade=*/true));
  const int64_t deletion = before + 1;
  EXPECT_EQ(deleted.revision(), deletion);
  const std::vector<std::string> gone_units = {
      s.community1.name(), s.compound1.name(), s.compound2.name(), s.compound3.name(),
      s.building1.name(),  s.building2.name(), s.building3.name()};
  const std::vector<std::string> gone_orgs = {s.party_committee.name(), s.branch.name(),
                                              s.joint_branch.name(), s.party_group.name()};
  const auto expect_states = [&](v1::Unit::State unit_state, v1::PartyOrg::State org_state,
                                 int64_t revision) {
    ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> units, client().BatchGetUnits(gone_units));
    for (const v1::Unit& unit : units) {
      SCOPED_TRACE(unit.ShortDebugString());
      EXPECT_EQ(unit.state(), unit_state);
      EXPECT_EQ(unit.has_delete_time(), unit_state == v1::Unit::DELETED);
      EXPECT_EQ(unit.revision(), revision);
    }
    ASSERT_OK_AND_ASSIGN(const std::vector<v1::PartyOrg> orgs,
                         client().BatchGetPartyOrgs(gone_orgs));
    for (const v1::PartyOrg& org : orgs) {
      SCOPED_TRACE(org.ShortDebugString());
      EXPECT_EQ(org.state(), org_state);
      EXPECT_EQ(org.revision(), revision);
    }
  };
  expect_states(v1::Unit::DELETED, v1::PartyOrg::DELETED, deletion);
  // What is not below the community stays.
  EXPECT_THAT(client().GetUnit(s.street1.name()), IsOkAndHolds(EqualsProto(s.street1)));
  EXPECT_THAT(client().GetPartyOrg(s.working_committee1.name()),
              IsOkAndHolds(EqualsProto(s.working_committee1)));
  TreeModel model(s.AllUnits());
  model.Remove(s.community1.name());
  ExpectSubtreeMatches(client(), model, s.district);

  // One revision, one event per resource.
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Event> events, EventsAt(client(), deletion));
  EXPECT_TRUE(EventsAreContiguous(events, deletion));
  std::vector<std::string> resources;
  for (const v1::Event& event : events) {
    SCOPED_TRACE(event.ShortDebugString());
    resources.push_back(event.resource());
    EXPECT_EQ(event.method(), "DeleteUnit");
    if (event.after().has_unit()) {
      EXPECT_EQ(event.before().unit().state(), v1::Unit::ACTIVE);
      EXPECT_EQ(event.after().unit().state(), v1::Unit::DELETED);
    } else {
      EXPECT_EQ(event.before().party_org().state(), v1::PartyOrg::ACTIVE);
      EXPECT_EQ(event.after().party_org().state(), v1::PartyOrg::DELETED);
    }
  }
  std::vector<std::string> all_gone = gone_units;
  all_gone.insert(all_gone.end(), gone_orgs.begin(), gone_orgs.end());
  EXPECT_THAT(resources, UnorderedElementsAreArray(all_gone));

  // Undelete with cascade brings back what went with it.
  ASSERT_OK_AND_ASSIGN(const v1::Unit restored,
                       client().UndeleteUnit(s.community1.name(), /*cascade=*/true));
  EXPECT_EQ(restored.state(), v1::Unit::ACTIVE);
  expect_states(v1::Unit::ACTIVE, v1::PartyOrg::ACTIVE, deletion + 1);
  ExpectSubtreeMatches(client(), TreeModel(s.AllUnits()), s.district);
  ASSERT_OK_AND_ASSIGN(const v1::GetCoveringPartyOrgResponse covering,
                       client().GetCoveringPartyOrg(s.building1.name()));
  EXPECT_EQ(covering.party_org().name(), s.party_group.name());
}

TEST_F(OrgServerTest, UndeleteWithoutCascadeRestoresOnlyTheUnit) {
  const SampleDistrict& s = sample_;
  ASSERT_OK(client().DeleteUnit(s.compound4.name(), /*cascade=*/true));
  ASSERT_OK_AND_ASSIGN(const v1::Unit restored, client().UndeleteUnit(s.compound4.name()));
  EXPECT_EQ(restored.state(), v1::Unit::ACTIVE);
  EXPECT_FALSE(restored.has_delete_time());
  EXPECT_THAT(client().Children(s.compound4.name()), IsOkAndHolds(IsEmpty()));
  EXPECT_THAT(ListUnitNames(client(), s.compound4.name(), "", /*show_deleted=*/true),
              IsOkAndHolds(UnorderedElementsAre(s.building4.name(), s.building5.name())));

  ASSERT_OK_AND_ASSIGN(const v1::Unit building, client().UndeleteUnit(s.building4.name()));
  EXPECT_EQ(building.state(), v1::Unit::ACTIVE);
  EXPECT_THAT(ListUnitNames(client(), s.compound4.name(), ""),
              IsOkAndHolds(ElementsAre(s.building4.name())));
}

TEST_F(OrgServerTest, PartyOrgDeleteIsRefusedWhileSubOrganisationsLiveUnlessCascade) {
  const SampleDistrict& s = sample_;
  EXPECT_THAT(client().DeletePartyOrg(s.party_committee.name()), StatusIs(kFailedPrecondition));
  EXPECT_THAT(client().DeletePartyOrg(s.branch.name()), StatusIs(kFailedPrecondition));

  ASSERT_OK_AND_ASSIGN(const v1::PartyOrg deleted,
                       client().DeletePartyOrg(s.party_committee.name(), /*cascade=*/true));
  EXPECT_EQ(deleted.state(), v1::PartyOrg::DELETED);
  EXPECT_THAT(
      ListPartyOrgNames(client(), "", ""),
      IsOkAndHolds(UnorderedElementsAre(s.working_committee1.name(), s.working_committee2.name())));
  // The units stay; the covering organisation is now the working committee.
  EXPECT_THAT(client().GetUnit(s.building1.name()), IsOkAndHolds(EqualsProto(s.building1)));
  ASSERT_OK_AND_ASSIGN(const v1::GetCoveringPartyOrgResponse covering,
                       client().GetCoveringPartyOrg(s.building1.name()));
  EXPECT_EQ(covering.party_org().name(), s.working_committee1.name());
  EXPECT_EQ(covering.covered_unit(), s.street1.name());

  ASSERT_OK(client().UndeletePartyOrg(s.party_committee.name(), /*cascade=*/true));
  EXPECT_THAT(ListPartyOrgNames(client(), "", ""),
              IsOkAndHolds(UnorderedElementsAreArray(NamesOf(s.AllPartyOrgs()))));
  ASSERT_OK_AND_ASSIGN(const v1::GetCoveringPartyOrgResponse restored,
                       client().GetCoveringPartyOrg(s.building1.name()));
  EXPECT_EQ(restored.party_org().name(), s.party_group.name());
}

// --- Revisions ---------------------------------------------------------------------------------

TEST_F(OrgServerTest, ReadRevisionShowsTheStateAsOfThatRevision) {
  const SampleDistrict& s = sample_;
  v1::ListUnitsRequest request;
  request.set_parent(s.community1.name());
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse old_page, client().ListUnits(request));
  const int64_t old_revision = old_page.revision();
  EXPECT_THAT(client().CurrentRevision(), IsOkAndHolds(old_revision));
  ASSERT_OK_AND_ASSIGN(const Descendants old_descendants,
                       client().ListDescendants(s.street1.name()));
  v1::ListPartyOrgsRequest org_request;
  org_request.set_parent(s.party_committee.name());
  ASSERT_OK_AND_ASSIGN(const Pages<v1::PartyOrg> old_orgs, client().ListAllPartyOrgs(org_request));

  // Later writes.
  v1::Unit rename;
  rename.set_name(s.compound1.name());
  rename.set_display_name("幸福花园一期");
  ASSERT_OK(client().UpdateUnit(rename, {"display_name"}));
  ASSERT_OK(client().CreateUnit(NewCompound(s.community1.name(), "新建小区", "XJ", {})));
  ASSERT_OK(client().MoveUnit(s.compound4.name(), s.community1.name()));
  v1::PartyOrg org_rename;
  org_rename.set_name(s.branch.name());
  org_rename.set_display_name("幸福花园第一党支部");
  ASSERT_OK(client().UpdatePartyOrg(org_rename, {"display_name"}));

  request.set_read_revision(old_revision);
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse again, client().ListUnits(request));
  EXPECT_EQ(again.revision(), old_revision);
  EXPECT_THAT(again.units(), ElementsAreArray(EqualsProtos(std::vector<v1::Unit>(
                                 old_page.units().begin(), old_page.units().end()))));
  ASSERT_OK_AND_ASSIGN(const Descendants descendants_again,
                       client().ListDescendants(s.street1.name(), 0, {}, old_revision));
  EXPECT_THAT(descendants_again.units, ElementsAreArray(EqualsProtos(old_descendants.units)));
  org_request.set_read_revision(old_revision);
  ASSERT_OK_AND_ASSIGN(const Pages<v1::PartyOrg> orgs_again,
                       client().ListAllPartyOrgs(org_request));
  EXPECT_THAT(orgs_again.items, ElementsAreArray(EqualsProtos(old_orgs.items)));
  EXPECT_THAT(orgs_again.revisions, Each(Eq(old_revision)));

  // The latest state differs.
  request.set_read_revision(0);
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse latest, client().ListUnits(request));
  EXPECT_EQ(latest.revision(), old_revision + 4);
  EXPECT_THAT(latest.units(), SizeIs(old_page.units_size() + 2));

  request.set_read_revision(-1);
  EXPECT_THAT(client().ListUnits(request), StatusIs(kInvalidArgument, HasSubstr("read_revision")));
}

TEST_F(OrgServerTest, LaterPagesAreReadAtTheRevisionOfTheFirst) {
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> buildings,
                       CreateBuildings(client(), sample_.compound5.name(), 6));
  v1::ListUnitsRequest request;
  request.set_parent(sample_.compound5.name());
  request.set_page_size(2);
  ASSERT_OK_AND_ASSIGN(const v1::ListUnitsResponse first, client().ListUnits(request));
  ASSERT_THAT(first.units(), SizeIs(2));
  ASSERT_FALSE(first.next_page_token().empty());

  // Between the pages: every building renamed, one deleted, two added.
  for (const v1::Unit& building : buildings) {
    v1::Unit rename;
    rename.set_name(building.name());
    rename.set_display_name(absl::StrCat("改名", building.display_name()));
    ASSERT_OK(client().UpdateUnit(rename, {"display_name"}));
  }
  ASSERT_OK(client().DeleteUnit(buildings.back().name()));
  ASSERT_OK(CreateBuildings(client(), sample_.compound5.name(), 2, "LATE"));

  request.set_page_token(first.next_page_token());
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Unit> rest, client().ListAllUnits(request));
  EXPECT_THAT(rest.revisions, Each(Eq(first.revision())));
  std::vector<v1::Unit> seen(first.units().begin(), first.units().end());
  seen.insert(seen.end(), rest.items.begin(), rest.items.end());
  EXPECT_THAT(seen, UnorderedElementsAreArray(EqualsProtos(buildings)));

  // A new listing sees the new state.
  ASSERT_OK_AND_ASSIGN(const std::vector<v1::Unit> now,
                       client().Children(sample_.compound5.name()));
  EXPECT_THAT(now, SizeIs(7));
}

// --- Events ----------------------------------------------------------------------------------

TEST_F(OrgServerTest, ListEventsPagesThroughTheLogInOrder) {
  ASSERT_OK_AND_ASSIGN(const v1::Unit deleted,
                       client().DeleteUnit(sample_.community1.name(), /*cascade=*/true));
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> log, client().ListAllEvents(0, /*page_size=*/4));
  const std::vector<v1::Event>& events = log.items;
  EXPECT_TRUE(EventsAreContiguous(events, 1));
  std::vector<int> expected_sizes(events.size() / 4, 4);
  if (events.size() % 4 != 0) expected_sizes.push_back(events.size() % 4);
  // A last full page may be followed by an empty one.
  std::vector<int> sizes = log.page_sizes;
  if (!sizes.empty() && sizes.back() == 0) sizes.pop_back();
  EXPECT_THAT(sizes, ElementsAreArray(expected_sizes));
  EXPECT_THAT(log.revisions, Each(Eq(deleted.revision())));

  // First the creations, one event each, with what Create returned.
  const std::vector<v1::Unit> units = sample_.AllUnits();
  const std::vector<v1::PartyOrg> orgs = sample_.AllPartyOrgs();
  ASSERT_GE(events.size(), units.size() + orgs.size());
  std::vector<v1::Unit> created_units;
  std::vector<v1::PartyOrg> created_orgs;
  for (size_t i = 0; i < units.size() + orgs.size(); ++i) {
    const v1::Event& event = events[i];
    const bool is_unit = i < units.size();
    const std::string& name = is_unit ? units[i].name() : orgs[i - units.size()].name();
    const int64_t revision = is_unit ? units[i].revision() : orgs[i - units.size()].revision();
    SCOPED_TRACE(absl::StrCat("the creation of ", name));
    EXPECT_EQ(event.revision(), revision);
    EXPECT_EQ(event.index(), 0);
    EXPECT_EQ(event.resource(), name);
    EXPECT_EQ(event.method(), is_unit ? "CreateUnit" : "CreatePartyOrg");
    EXPECT_FALSE(event.has_before());
    EXPECT_TRUE(event.has_time());
    if (is_unit) {
      created_units.push_back(event.after().unit());
    } else {
      created_orgs.push_back(event.after().party_org());
    }
  }
  // The snapshots are what Create returned.
  EXPECT_THAT(created_units, ElementsAreArray(EqualsProtos(units)));
  EXPECT_THAT(created_orgs, ElementsAreArray(EqualsProtos(orgs)));
  // Then the cascade: the rest, all at its revision.
  for (size_t i = units.size() + orgs.size(); i < events.size(); ++i) {
    EXPECT_EQ(events[i].revision(), deleted.revision());
    EXPECT_EQ(events[i].method(), "DeleteUnit");
  }
  // community1, its 3 compounds and 3 buildings, and the 4 organisations
  // that covered only those.
  EXPECT_EQ(events.size() - units.size() - orgs.size(), 7u + 4u);

  // From a revision in the middle, the same tail.
  const int64_t middle = sample_.compound1.revision();
  ASSERT_OK_AND_ASSIGN(const Pages<v1::Event> tail, client().ListAllEvents(middle, 3));
  EXPECT_THAT(tail.items, ElementsAreArray(EqualsProtos(std::vector<v1::Event>(
                              events.begin() + (middle - 1), events.end()))));

  // Past the end: nothing yet, and no token.
  ASSERT_OK_AND_ASSIGN(const v1::ListEventsResponse past,
                       client().ListEvents(deleted.revision() + 1, 10));
  EXPECT_THAT(past.events(), IsEmpty());
  EXPECT_EQ(past.next_page_token(), "");
  EXPECT_EQ(past.current_revision(), deleted.revision());

  EXPECT_THAT(client().ListEvents(1, 1001), StatusIs(kInvalidArgument, HasSubstr("page_size")));
  EXPECT_THAT(client().ListEvents(-1, 10), StatusIs(kInvalidArgument, HasSubstr("start_revision")));
}

TEST_F(OrgServerTest, WatchEventsResumesAfterAReconnectWithNothingLostOrRepeated) {
  constexpr absl::Duration kStreamTimeout = absl::Seconds(30);
  // A revision of eleven events, to stop in the middle of.
  ASSERT_OK(client().DeleteUnit(sample_.community1.name(), /*cascade=*/true));
  ASSERT_OK_AND_ASSIGN(Pages<v1::Event> log, client().ListAllEvents(1));
  const int first_part = static_cast<int>(log.items.size()) - 5;

  std::vector<v1::Event> received;
  {
    std::unique_ptr<EventWatch> watch = client().Watch(1, 0, kStreamTimeout);
    ASSERT_OK_AND_ASSIGN(received, watch->Take(first_part));
    EXPECT_THAT(watch->Cancel(), StatusIs(grpc::StatusCode::CANCELLED));
  }
  const v1::Event last = received.back();
  ASSERT_GT(last.index(), 0) << "the test means to stop inside a revision";

  // Written while nobody watches.
  ASSERT_OK(client().UndeleteUnit(sample_.community1.name(), /*cascade=*/true));
  ASSERT_OK(client().MoveUnit(sample_.compound4.name(), sample_.community3.name()));

  std::unique_ptr<EventWatch> watch =
      client().Watch(last.revision(), last.index() + 1, kStreamTimeout);
  ASSERT_OK_AND_ASSIGN(log, client().ListAllEvents(1));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Event> missed,
                       watch->Take(static_cast<int>(log.items.size()) - first_part));
  received.insert(received.end(), missed.begin(), missed.end());

  // Written while the stream is open.
  ASSERT_OK_AND_ASSIGN(
      const v1::Unit building,
      client().CreateUnit(NewBuilding(sample_.compound5.name(), "9栋", "B9", 8, 4, "江滩家园9栋")));
  v1::Unit rename;
  rename.set_name(sample_.compound5.name());
  rename.set_display_name("江滩新家园");
  ASSERT_OK(client().UpdateUnit(rename, {"display_name"}));
  ASSERT_OK(client().DeleteUnit(building.name()));
  ASSERT_OK_AND_ASSIGN(std::vector<v1::Event> live, watch->Take(3));
  received.insert(received.end(), live.begin(), live.end());

  ASSERT_OK_AND_ASSIGN(log, client().ListAllEvents(1));
  EXPECT_TRUE(EventsAreContiguous(received, 1));
  EXPECT_THAT(received, ElementsAreArray(EqualsProtos(log.items)));
  EXPECT_EQ(live.back().resource(), building.name());
  EXPECT_EQ(live.back().method(), "DeleteUnit");
}

// --- Serving --------------------------------------------------------------------------------

TEST_F(OrgServerTest, HealthAndReflectionAnswer) {
  EXPECT_THAT(CheckHealth(channel_, ""), IsOkAndHolds(HealthStatus::kServing));
  EXPECT_THAT(CheckHealth(channel_, v1::OrgService::service_full_name()),
              IsOkAndHolds(HealthStatus::kServing));
  EXPECT_THAT(CheckHealth(channel_, "no.such.Service"), StatusIs(kNotFound));
  EXPECT_THAT(
      ListServicesByReflection(channel_),
      IsOkAndHolds(IsSupersetOf({std::string(v1::OrgService::service_full_name()),
                                 std::string("grpc.health.v1.Health"),
                                 std::string("grpc.reflection.v1alpha.ServerReflection")})));
}

TEST_F(OrgServerTest, SigtermAndSigintStopCleanlyEvenWithAnOpenWatch) {
  std::unique_ptr<EventWatch> watch = client().Watch(1, 0, absl::Seconds(60));
  ASSERT_OK(watch->Next());
  absl::Time start = absl::Now();
  EXPECT_THAT(server().Stop(SIGTERM), IsOkAndHolds(0));
  std::cout << "[ shutdown ] SIGTERM with an open watch stream: exit after " << absl::Now() - start
            << "\n";
  // The stream has ended (the process is gone), well before its deadline.
  EXPECT_THAT(watch->Take(100000), Not(IsOk()));

  ASSERT_OK(server().Start());
  Reconnect();
  // The data is still there (full equality is the durability test's job).
  EXPECT_THAT(client().GetUnit(sample_.district.name()),
              IsOkAndHolds(::testing::Property(&v1::Unit::etag, sample_.district.etag())));
  start = absl::Now();
  EXPECT_THAT(server().Stop(SIGINT), IsOkAndHolds(0));
  std::cout << "[ shutdown ] SIGINT, nothing open: exit after " << absl::Now() - start << "\n";
}

}  // namespace
}  // namespace grassroots::org::testing
