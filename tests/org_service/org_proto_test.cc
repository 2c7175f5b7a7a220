#include "org_service/org_proto.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

MATCHER_P(EqualsProto, expected, "") {
  std::string difference;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&difference);
  if (differencer.Compare(expected, arg)) return true;
  *result_listener << difference;
  return false;
}

template <typename Message>
Message ParseText(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) << text;
  return message;
}

using ::grassroots::testing::kInvalid;

// 2024-05-01 08:30:00.123456789 UTC.
const absl::Time kCreated = absl::FromUnixNanos(1714552200'123456789);
const absl::Time kUpdated = kCreated + absl::Hours(26);
const absl::Time kDeleted = kUpdated + absl::Seconds(1);

Unit FullCompound() {
  Unit unit;
  unit.id = 42;
  unit.parent_id = 7;
  unit.level = Level::kCompound;
  unit.display_name = "幸福花园";
  unit.code = "330102-001";
  CompoundDetails details;
  details.kind = CompoundKind::kOld;
  details.has_property_company = true;
  details.red_property = true;
  details.has_owners_committee = true;
  details.red_owners_committee = false;
  details.households = 1800;
  details.renovation_status = RenovationStatus::kInProgress;
  unit.details = details;
  unit.create_time = kCreated;
  unit.update_time = kUpdated;
  unit.revision = 19;
  return unit;
}

Unit FullBuilding() {
  Unit unit;
  unit.id = 43;
  unit.parent_id = 42;
  unit.level = Level::kBuilding;
  unit.display_name = "3号楼";
  unit.code = "B3";
  unit.details = BuildingDetails{120, 18, "幸福路8号3栋"};
  unit.create_time = kCreated;
  unit.update_time = kCreated;
  unit.revision = 20;
  return unit;
}

PartyOrg FullPartyOrg() {
  PartyOrg org;
  org.id = 9;
  org.parent_id = 2;
  org.form = OrgForm::kJointBranch;
  org.display_name = "东区联合党支部";
  org.unit_ids = {12, 15, 40};
  org.established_date = absl::CivilDay(2021, 7, 1);
  org.rating = Rating::kAdvanced;
  org.create_time = kCreated;
  org.update_time = kUpdated;
  org.revision = 31;
  return org;
}

// What a client may supply; the rest is output only and not read back.
Unit ClientFieldsOf(const Unit& unit) {
  Unit fields;
  fields.parent_id = unit.parent_id;
  fields.level = unit.level;
  fields.display_name = unit.display_name;
  fields.code = unit.code;
  fields.details = unit.details;
  return fields;
}

PartyOrg ClientFieldsOf(const PartyOrg& org) {
  PartyOrg fields;
  fields.parent_id = org.parent_id;
  fields.form = org.form;
  fields.display_name = org.display_name;
  fields.unit_ids = org.unit_ids;
  fields.established_date = org.established_date;
  fields.rating = org.rating;
  return fields;
}

// --- Units ---

TEST(UnitToProtoTest, WritesEveryField) {
  v1::Unit proto;
  UnitToProto(FullCompound(), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::Unit>(R"pb(
                name: "units/42"
                parent: "units/7"
                level: COMPOUND
                display_name: "幸福花园"
                code: "330102-001"
                compound {
                  kind: OLD
                  has_property_company: true
                  red_property: true
                  has_owners_committee: true
                  households: 1800
                  renovation_status: IN_PROGRESS
                }
                state: ACTIVE
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714645800 nanos: 123456789 }
                etag: "\"19\""
                revision: 19
              )pb")));
  EXPECT_EQ(proto.etag(), EtagForRevision(19));
}

TEST(UnitToProtoTest, WritesBuildingDetails) {
  v1::Unit proto;
  UnitToProto(FullBuilding(), &proto);
  EXPECT_THAT(proto.building(), EqualsProto(ParseText<v1::BuildingDetails>(R"pb(
                households: 120
                floors: 18
                address: "幸福路8号3栋"
              )pb")));
  EXPECT_FALSE(proto.has_compound());
}

TEST(UnitToProtoTest, ADistrictHasNoParent) {
  Unit district = FullCompound();
  district.level = Level::kDistrict;
  district.parent_id = 0;
  district.details = std::monostate{};
  v1::Unit proto;
  UnitToProto(district, &proto);
  EXPECT_EQ(proto.parent(), "");
  EXPECT_EQ(proto.details_case(), v1::Unit::DETAILS_NOT_SET);
}

TEST(UnitToProtoTest, ADeletedUnitHasStateAndDeleteTime) {
  Unit unit = FullCompound();
  v1::Unit proto;
  UnitToProto(unit, &proto);
  EXPECT_FALSE(proto.has_delete_time());

  unit.deleted = true;
  unit.delete_time = kDeleted;
  UnitToProto(unit, &proto);
  EXPECT_EQ(proto.state(), v1::Unit::DELETED);
  EXPECT_EQ(proto.delete_time().seconds(), absl::ToUnixSeconds(kDeleted));
  EXPECT_EQ(proto.delete_time().nanos(), 123456789);
}

TEST(UnitToProtoTest, ReplacesWhatTheProtoHeld) {
  v1::Unit proto;
  UnitToProto(FullBuilding(), &proto);
  Unit district = FullCompound();
  district.level = Level::kDistrict;
  district.parent_id = 0;
  district.details = std::monostate{};
  UnitToProto(district, &proto);
  EXPECT_FALSE(proto.has_building());
  EXPECT_EQ(proto.parent(), "");
}

TEST(UnitToProtoTest, NormalisesTimesBeforeTheEpoch) {
  Unit unit = FullCompound();
  unit.create_time = absl::UnixEpoch() - absl::Nanoseconds(1);
  v1::Unit proto;
  UnitToProto(unit, &proto);
  EXPECT_EQ(proto.create_time().seconds(), -1);
  EXPECT_EQ(proto.create_time().nanos(), 999'999'999);
}

TEST(UnitRoundTripTest, DomainToProtoAndBack) {
  for (const Unit& unit : {FullCompound(), FullBuilding()}) {
    v1::Unit proto;
    UnitToProto(unit, &proto);
    const absl::StatusOr<Unit> back = UnitFromProto(proto, "unit.");
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, ClientFieldsOf(unit)) << proto.DebugString();
  }
}

TEST(UnitRoundTripTest, ProtoToDomainAndBack) {
  const auto input = ParseText<v1::Unit>(R"pb(
    parent: "units/3"
    level: BUILDING
    display_name: "A栋"
    code: "A"
    building { households: 64 floors: 11 address: "和平路1号" }
  )pb");
  const absl::StatusOr<Unit> unit = UnitFromProto(input, "unit.");
  ASSERT_TRUE(unit.ok()) << unit.status();
  v1::Unit output;
  UnitToProto(*unit, &output);
  // Only the output-only fields were added.
  for (const char* field : {"name", "state", "create_time", "update_time", "etag"}) {
    output.GetReflection()->ClearField(&output, output.GetDescriptor()->FindFieldByName(field));
  }
  EXPECT_THAT(output, EqualsProto(input));
}

TEST(UnitFromProtoTest, IgnoresOutputOnlyFields) {
  v1::Unit proto;
  UnitToProto(FullCompound(), &proto);
  proto.set_state(v1::Unit::DELETED);
  proto.set_revision(99);
  const absl::StatusOr<Unit> unit = UnitFromProto(proto, "unit.");
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->id, 0);
  EXPECT_FALSE(unit->deleted);
  EXPECT_EQ(unit->revision, 0);
}

TEST(UnitFromProtoTest, AnEmptyParentIsNone) {
  const absl::StatusOr<Unit> unit =
      UnitFromProto(ParseText<v1::Unit>("level: DISTRICT display_name: \"西湖区\""), "unit.");
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->parent_id, 0);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(unit->details));
}

TEST(UnitFromProtoTest, RefusesABadParentNamingTheField) {
  for (absl::string_view parent : {"units/abc", "partyOrgs/3", "units/0"}) {
    v1::Unit proto;
    proto.set_parent(std::string(parent));
    EXPECT_THAT(UnitFromProto(proto, "unit.").status(),
                StatusIs(kInvalid, HasSubstr("unit.parent: must look like units/{id}")))
        << parent;
  }
}

TEST(UnitFromProtoTest, RefusesEnumValuesOutsideTheProto) {
  v1::Unit proto;
  proto.set_level(static_cast<v1::Level>(6));
  EXPECT_THAT(UnitFromProto(proto, "unit.").status(),
              StatusIs(kInvalid, HasSubstr("unit.level: 6 is not a known value")));
  proto.set_level(static_cast<v1::Level>(-1));
  EXPECT_THAT(UnitFromProto(proto, "unit.").status(),
              StatusIs(kInvalid, HasSubstr("unit.level: -1 is not a known value")));

  proto.set_level(v1::COMPOUND);
  proto.mutable_compound()->set_kind(static_cast<v1::CompoundDetails::Kind>(42));
  EXPECT_THAT(UnitFromProto(proto, "unit.").status(),
              StatusIs(kInvalid, HasSubstr("unit.compound.kind: 42 is not a known value")));

  proto.mutable_compound()->set_kind(v1::CompoundDetails::OLD);
  proto.mutable_compound()->set_renovation_status(
      static_cast<v1::CompoundDetails::RenovationStatus>(5));
  EXPECT_THAT(
      UnitFromProto(proto, "unit.").status(),
      StatusIs(kInvalid, HasSubstr("unit.compound.renovation_status: 5 is not a known value")));
}

TEST(UnitFromProtoTest, AnUnspecifiedLevelIsLeftToValidation) {
  // LEVEL_UNSPECIFIED is in the proto's range; ValidateNewUnit refuses it.
  const absl::StatusOr<Unit> unit = UnitFromProto(v1::Unit(), "unit.");
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->level, Level::kUnspecified);
  EXPECT_THAT(ValidateNewUnit(*unit, "unit."), StatusIs(kInvalid, HasSubstr("unit.level")));
}

TEST(UnitFromProtoTest, UsesTheFieldPrefix) {
  v1::Unit proto;
  proto.set_parent("bad");
  EXPECT_THAT(UnitFromProto(proto, "requests[3].unit.").status(),
              StatusIs(kInvalid, HasSubstr("requests[3].unit.parent:")));
}

// --- Party organisations ---

TEST(PartyOrgToProtoTest, WritesEveryField) {
  v1::PartyOrg proto;
  PartyOrgToProto(FullPartyOrg(), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseText<v1::PartyOrg>(R"pb(
                name: "partyOrgs/9"
                parent: "partyOrgs/2"
                form: JOINT_BRANCH
                display_name: "东区联合党支部"
                units: [ "units/12", "units/15", "units/40" ]
                established_date { year: 2021 month: 7 day: 1 }
                rating: ADVANCED
                state: ACTIVE
                create_time { seconds: 1714552200 nanos: 123456789 }
                update_time { seconds: 1714645800 nanos: 123456789 }
                etag: "\"31\""
                revision: 31
              )pb")));
}

TEST(PartyOrgToProtoTest, LeavesOptionalFieldsUnset) {
  PartyOrg org = FullPartyOrg();
  org.parent_id = 0;
  org.established_date = std::nullopt;
  org.rating = Rating::kUnspecified;
  org.unit_ids.clear();
  v1::PartyOrg proto;
  PartyOrgToProto(org, &proto);
  EXPECT_EQ(proto.parent(), "");
  EXPECT_FALSE(proto.has_established_date());
  EXPECT_EQ(proto.rating(), v1::PartyOrg::RATING_UNSPECIFIED);
  EXPECT_THAT(proto.units(), IsEmpty());
}

TEST(PartyOrgToProtoTest, ADeletedOrgHasStateAndDeleteTime) {
  PartyOrg org = FullPartyOrg();
  org.deleted = true;
  org.delete_time = kDeleted;
  v1::PartyOrg proto;
  PartyOrgToProto(org, &proto);
  EXPECT_EQ(proto.state(), v1::PartyOrg::DELETED);
  EXPECT_EQ(proto.delete_time().seconds(), absl::ToUnixSeconds(kDeleted));
}

TEST(PartyOrgRoundTripTest, DomainToProtoAndBack) {
  v1::PartyOrg proto;
  PartyOrgToProto(FullPartyOrg(), &proto);
  const absl::StatusOr<PartyOrg> back = PartyOrgFromProto(proto, "party_org.");
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, ClientFieldsOf(FullPartyOrg()));
}

TEST(PartyOrgRoundTripTest, ProtoToDomainAndBack) {
  const auto input = ParseText<v1::PartyOrg>(R"pb(
    parent: "partyOrgs/1"
    form: PARTY_GROUP
    display_name: "3号楼党小组"
    units: [ "units/5", "units/8" ]
    established_date { year: 2024 month: 2 day: 29 }
    rating: ORDINARY
  )pb");
  const absl::StatusOr<PartyOrg> org = PartyOrgFromProto(input, "party_org.");
  ASSERT_TRUE(org.ok()) << org.status();
  v1::PartyOrg output;
  PartyOrgToProto(*org, &output);
  for (const char* field : {"name", "state", "create_time", "update_time", "etag"}) {
    output.GetReflection()->ClearField(&output, output.GetDescriptor()->FindFieldByName(field));
  }
  EXPECT_THAT(output, EqualsProto(input));
}

TEST(PartyOrgFromProtoTest, SortsUnitsAndKeepsDuplicatesForValidation) {
  const auto proto = ParseText<v1::PartyOrg>(R"pb(
    form: JOINT_BRANCH
    display_name: "联合党支部"
    units: [ "units/40", "units/12", "units/40" ]
  )pb");
  const absl::StatusOr<PartyOrg> org = PartyOrgFromProto(proto, "party_org.");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_THAT(org->unit_ids, ElementsAre(12, 40, 40));
  EXPECT_THAT(ValidatePartyOrgFields(*org, "party_org."),
              StatusIs(kInvalid, HasSubstr("party_org.units: names a unit twice")));
}

TEST(PartyOrgFromProtoTest, RefusesBadNamesNamingTheField) {
  v1::PartyOrg proto;
  proto.set_parent("units/1");
  EXPECT_THAT(PartyOrgFromProto(proto, "party_org.").status(),
              StatusIs(kInvalid, HasSubstr("party_org.parent: must look like partyOrgs/{id}")));

  proto.clear_parent();
  proto.add_units("units/1");
  proto.add_units("units/x");
  EXPECT_THAT(PartyOrgFromProto(proto, "party_org.").status(),
              StatusIs(kInvalid, HasSubstr("party_org.units[1]: must look like units/{id}")));
}

TEST(PartyOrgFromProtoTest, RefusesEnumValuesOutsideTheProto) {
  v1::PartyOrg proto;
  proto.set_form(static_cast<v1::PartyOrg::Form>(8));
  EXPECT_THAT(PartyOrgFromProto(proto, "party_org.").status(),
              StatusIs(kInvalid, HasSubstr("party_org.form: 8 is not a known value")));

  proto.set_form(v1::PartyOrg::BRANCH);
  proto.set_rating(static_cast<v1::PartyOrg::Rating>(4));
  EXPECT_THAT(PartyOrgFromProto(proto, "party_org.").status(),
              StatusIs(kInvalid, HasSubstr("party_org.rating: 4 is not a known value")));
}

TEST(PartyOrgFromProtoTest, AnAllZeroDateIsUnset) {
  v1::PartyOrg proto;
  proto.mutable_established_date();  // present, all zero
  const absl::StatusOr<PartyOrg> org = PartyOrgFromProto(proto, "party_org.");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->established_date, std::nullopt);
}

TEST(PartyOrgFromProtoTest, RefusesAPartlySetDate) {
  for (const char* date : {"year: 2024", "year: 2024 month: 5", "month: 5 day: 1", "day: 1"}) {
    v1::PartyOrg proto;
    *proto.mutable_established_date() = ParseText<grassroots::type::Date>(date);
    EXPECT_THAT(
        PartyOrgFromProto(proto, "party_org.").status(),
        StatusIs(kInvalid,
                 HasSubstr("party_org.established_date: set year, month and day, or none of them")))
        << date;
  }
}

TEST(PartyOrgFromProtoTest, RefusesDatesThatDoNotExist) {
  struct Case {
    const char* text;
    const char* shown;
  };
  for (const Case& c : {Case{"year: 2023 month: 2 day: 29", "2023-02-29"},
                        Case{"year: 2024 month: 2 day: 30", "2024-02-30"},
                        Case{"year: 2024 month: 4 day: 31", "2024-04-31"},
                        Case{"year: 2024 month: 13 day: 1", "2024-13-01"},
                        Case{"year: 2024 month: 1 day: 32", "2024-01-32"},
                        Case{"year: 2024 month: -1 day: 1", "2024--1-01"},
                        Case{"year: 2024 month: 1 day: -5", "2024-01--5"}}) {
    v1::PartyOrg proto;
    *proto.mutable_established_date() = ParseText<grassroots::type::Date>(c.text);
    EXPECT_THAT(PartyOrgFromProto(proto, "party_org.").status(),
                StatusIs(kInvalid, HasSubstr(absl::StrCat("party_org.established_date: ", c.shown,
                                                          " is not a date"))))
        << c.text;
  }
}

TEST(PartyOrgFromProtoTest, ReadsALeapDay) {
  v1::PartyOrg proto;
  *proto.mutable_established_date() =
      ParseText<grassroots::type::Date>("year: 2024 month: 2 day: 29");
  const absl::StatusOr<PartyOrg> org = PartyOrgFromProto(proto, "party_org.");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->established_date, absl::CivilDay(2024, 2, 29));
}

// --- Events ---

TEST(EventToProtoTest, ACreationHasNoBefore) {
  Event event;
  event.revision = 19;
  event.index = 0;
  event.time = kCreated;
  event.actor = "user:zhang";
  event.method = "CreateUnit";
  event.after = FullCompound();
  v1::Event proto;
  EventToProto(event, /*personal_data=*/true, &proto);

  EXPECT_EQ(proto.revision(), 19);
  EXPECT_EQ(proto.index(), 0);
  EXPECT_EQ(proto.time().seconds(), absl::ToUnixSeconds(kCreated));
  EXPECT_EQ(proto.actor(), "user:zhang");
  EXPECT_EQ(proto.method(), "CreateUnit");
  EXPECT_EQ(proto.resource(), "units/42");
  EXPECT_FALSE(proto.has_before());
  v1::Unit expected_after;
  UnitToProto(FullCompound(), &expected_after);
  EXPECT_THAT(proto.after().unit(), EqualsProto(expected_after));
}

TEST(EventToProtoTest, AChangeHasBeforeAndAfter) {
  PartyOrg before = FullPartyOrg();
  PartyOrg after = before;
  after.rating = Rating::kLagging;
  after.revision = 32;
  Event event;
  event.revision = 32;
  event.index = 2;
  event.method = "UpdatePartyOrg";
  event.before = before;
  event.after = after;
  v1::Event proto;
  EventToProto(event, /*personal_data=*/true, &proto);

  EXPECT_EQ(proto.index(), 2);
  EXPECT_EQ(proto.resource(), "partyOrgs/9");
  ASSERT_EQ(proto.before().resource_case(), v1::ResourceSnapshot::kPartyOrg);
  ASSERT_EQ(proto.after().resource_case(), v1::ResourceSnapshot::kPartyOrg);
  EXPECT_EQ(proto.before().party_org().rating(), v1::PartyOrg::ADVANCED);
  EXPECT_EQ(proto.after().party_org().rating(), v1::PartyOrg::LAGGING);
  EXPECT_EQ(proto.after().party_org().etag(), EtagForRevision(32));
}

// --- Implied update paths ---

TEST(ImpliedUnitUpdatePathsTest, NamesTheMutableFieldsThatAreSet) {
  EXPECT_THAT(ImpliedUnitUpdatePaths(v1::Unit()), IsEmpty());
  EXPECT_THAT(ImpliedUnitUpdatePaths(ParseText<v1::Unit>(R"pb(
                display_name: "幸福花园"
                code: "A1"
                compound {}
              )pb")),
              ElementsAre("display_name", "code", "compound"));
  EXPECT_THAT(ImpliedUnitUpdatePaths(ParseText<v1::Unit>("building { floors: 3 }")),
              ElementsAre("building"));
}

TEST(ImpliedUnitUpdatePathsTest, IgnoresImmutableAndOutputOnlyFields) {
  // What a client gets back from Get and sends unchanged to Update names
  // only the mutable fields.
  v1::Unit proto;
  UnitToProto(FullCompound(), &proto);
  EXPECT_THAT(ImpliedUnitUpdatePaths(proto), ElementsAre("display_name", "code", "compound"));
  EXPECT_THAT(ImpliedUnitUpdatePaths(ParseText<v1::Unit>(R"pb(
                name: "units/1"
                parent: "units/2"
                level: STREET
                etag: "\"3\""
                revision: 3
              )pb")),
              IsEmpty());
}

TEST(ImpliedPartyOrgUpdatePathsTest, NamesTheMutableFieldsThatAreSet) {
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(v1::PartyOrg()), IsEmpty());
  v1::PartyOrg proto;
  PartyOrgToProto(FullPartyOrg(), &proto);
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(proto),
              ElementsAre("parent", "display_name", "units", "established_date", "rating"));
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(ParseText<v1::PartyOrg>(R"pb(
                name: "partyOrgs/1"
                form: BRANCH
                state: DELETED
                etag: "\"3\""
              )pb")),
              IsEmpty());
}

TEST(ImpliedPartyOrgUpdatePathsTest, AnAllZeroDateIsNotAChange) {
  v1::PartyOrg proto;
  proto.mutable_established_date();
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(proto), IsEmpty());
  proto.mutable_established_date()->set_year(2020);
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(proto), ElementsAre("established_date"));
}

}  // namespace
}  // namespace grassroots::org

namespace grassroots::org {
namespace {

// A term is written with the years in force and its end; ratings by year.
TEST(PartyOrgTermTest, TermAndRatingsRoundTrip) {
  const auto proto = ParseText<v1::PartyOrg>(R"pb(
    form: BRANCH
    display_name: "幸福花园党支部"
    units: "units/4"
    term { start_date { year: 2023 month: 6 day: 1 } }
    ratings { year: 2024 rating: ORDINARY stars: 3 }
    ratings { year: 2025 rating: ADVANCED stars: 5 rectification: false }
  )pb");
  absl::StatusOr<PartyOrg> org = PartyOrgFromProto(proto, "party_org.");
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->term.start, absl::CivilDay(2023, 6, 1));
  EXPECT_EQ(org->term.years, 0);
  ASSERT_EQ(org->ratings.size(), 2u);
  EXPECT_EQ(org->ratings[1].rating, Rating::kAdvanced);
  org->id = 7;
  v1::PartyOrg back;
  PartyOrgToProto(*org, &back);
  EXPECT_EQ(back.term().years(), 5);  // a community branch's default
  EXPECT_EQ(back.term().end_date().year(), 2028);
  EXPECT_EQ(back.ratings_size(), 2);
  EXPECT_EQ(back.ratings(0).stars(), 3);
  EXPECT_THAT(ImpliedPartyOrgUpdatePaths(proto), ::testing::IsSupersetOf({"term", "ratings"}));

  auto bad = proto;
  bad.mutable_ratings(0)->set_rating(static_cast<v1::PartyOrg::Rating>(9));
  EXPECT_EQ(PartyOrgFromProto(bad, "party_org.").status().message(),
            "party_org.ratings[0].rating: 9 is not a known value");
}

TEST(OrgProtoTest, AnAllianceRoundTripsAndNamesItsBadFields) {
  const auto proto = ParseText<v1::Alliance>(R"pb(
    kind: COMPOUND
    unit: "units/4"
    leading_party_org: "partyOrgs/7"
    display_name: "幸福花园“1+4+X”联盟"
    members { role: RESIDENT_REPRESENTATIVES display_name: "居民代表5人" }
    members { role: PROPERTY_COMPANY external_org: "externalOrgs/3" }
    established_date { year: 2023 month: 3 day: 1 }
  )pb");
  absl::StatusOr<Alliance> alliance = AllianceFromProto(proto, "alliance.");
  ASSERT_TRUE(alliance.ok()) << alliance.status();
  EXPECT_EQ(alliance->unit_id, 4);
  EXPECT_EQ(alliance->leading_party_org_id, 7);
  ASSERT_EQ(alliance->members.size(), 2u);
  EXPECT_EQ(alliance->members[1].external_org_id, 3);
  alliance->id = 9;
  alliance->state = AllianceState::kActive;
  v1::Alliance back;
  AllianceToProto(*alliance, &back);
  EXPECT_EQ(back.name(), "alliances/9");
  EXPECT_EQ(back.state(), v1::Alliance::ACTIVE);
  EXPECT_EQ(back.members(1).external_org(), "externalOrgs/3");
  EXPECT_EQ(back.established_date().year(), 2023);
  EXPECT_THAT(ImpliedAllianceUpdatePaths(proto),
              ElementsAre("display_name", "leading_party_org", "members", "established_date"));

  auto bad = proto;
  bad.mutable_members(1)->set_external_org("partyOrgs/3");
  EXPECT_THAT(AllianceFromProto(bad, "alliance.").status(),
              StatusIs(kInvalid, HasSubstr("alliance.members[1].external_org")));
  bad = proto;
  bad.mutable_members(0)->set_role(static_cast<v1::Alliance::Member::Role>(42));
  EXPECT_EQ(AllianceFromProto(bad, "alliance.").status().message(),
            "alliance.members[0].role: 42 is not a known value");
}

// An item's description may mention residents: their numbers are masked for
// a caller without the personal-data grant, in the item and in its events.
TEST(OrgProtoTest, AnItemsPersonalDataIsMaskedWithoutTheGrant) {
  AllianceItem item;
  item.id = 5;
  item.alliance_id = 2;
  item.unit_id = 4;
  item.kind = ItemKind::kNeed;
  item.title = "电梯维修";
  item.description = "联系业主13812345678，身份证110105198001011234";
  item.state = ItemState::kClaimed;
  item.claimed_by_party_org_id = 7;
  v1::AllianceItem masked;
  AllianceItemToProto(item, /*personal_data=*/false, &masked);
  EXPECT_EQ(masked.name(), "alliances/2/items/5");
  EXPECT_EQ(masked.unit(), "units/4");
  EXPECT_EQ(masked.claimed_by(), "partyOrgs/7");
  EXPECT_THAT(masked.description(), Not(HasSubstr("13812345678")));
  EXPECT_THAT(masked.description(), Not(HasSubstr("110105198001011234")));
  EXPECT_THAT(masked.description(), HasSubstr("联系业主"));
  v1::AllianceItem unmasked;
  AllianceItemToProto(item, /*personal_data=*/true, &unmasked);
  EXPECT_EQ(unmasked.description(), item.description);

  Event event;
  event.after = item;
  v1::Event proto;
  EventToProto(event, /*personal_data=*/false, &proto);
  EXPECT_EQ(proto.resource(), "alliances/2/items/5");
  EXPECT_THAT(proto.after().alliance_item().description(), Not(HasSubstr("13812345678")));
}

}  // namespace
}  // namespace grassroots::org
