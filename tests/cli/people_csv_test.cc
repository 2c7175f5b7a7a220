#include "cli/people_csv.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/civil_time.h"
#include "cli/csv.h"
#include "common/personal_data.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::cli {
namespace {

using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

using roster::v1::ImportRow;

const std::string kHeader = absl::StrJoin(kPeopleColumns, ",");

auto ErrorIs(absl::string_view column, const ::testing::Matcher<const std::string&>& message) {
  return AllOf(Field(&RowError::column, std::string(column)), Field(&RowError::message, message));
}

template <typename Message>
Message ParseText(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) << text;
  return message;
}

// Parses `text` (a header and data records) as import does: the reader,
// the header, then each record.
std::vector<ParsedRow> ParseFile(absl::string_view text) {
  std::vector<CsvRow> records = ParseCsv(text).value();
  EXPECT_FALSE(records.empty());
  const PeopleCsvHeader header = PeopleCsvHeader::Parse(records.front().fields).value();
  std::vector<ParsedRow> rows;
  for (size_t i = 1; i < records.size(); ++i) {
    if (!IsBlankRecord(records[i].fields))
      rows.push_back(ParsePeopleRecord(header, records[i].fields));
  }
  return rows;
}

// One data row under the standard header; `changes` replaces cells of a
// valid row ("column=value").
ParsedRow ParseOne(const std::vector<std::pair<std::string, std::string>>& changes = {}) {
  std::vector<std::string> cells = {"K-1",        "张三",
                                    "男",         "1980-05-06",
                                    "",           "13800000000",
                                    "units/12",   "1-101",
                                    "正式党员",   "2005-07-01",
                                    "在职",       "partyOrgs/3",
                                    "2010-01-01", "BUILDING_LEAD@units/12@2024-01-01"};
  for (const auto& [column, value] : changes) {
    const auto* at = std::find(kPeopleColumns.begin(), kPeopleColumns.end(), column);
    EXPECT_NE(at, kPeopleColumns.end()) << column;
    cells[at - kPeopleColumns.begin()] = value;
  }
  const PeopleCsvHeader header =
      PeopleCsvHeader::Parse(std::vector<std::string>(kPeopleColumns.begin(), kPeopleColumns.end()))
          .value();
  return ParsePeopleRecord(header, cells);
}

// docs/sample_people.csv, found from this file (CMake compiles sources by
// their absolute paths), so that the test needs no build wiring.
std::string ReadSample() {
  const std::filesystem::path path =
      std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "docs" /
      "sample_people.csv";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(SamplePeopleCsvTest, EveryRowParsesAndHoldsValidPersonalData) {
  const std::vector<ParsedRow> rows = ParseFile(ReadSample());
  ASSERT_THAT(rows, SizeIs(8));
  const absl::CivilDay today(2026, 11, 23);
  int with_id_card = 0;
  for (const ParsedRow& parsed : rows) {
    const roster::v1::Person& person = parsed.row.person();
    SCOPED_TRACE(person.external_key());
    EXPECT_THAT(parsed.errors, IsEmpty());
    EXPECT_FALSE(person.external_key().empty());
    EXPECT_NE(person.party_status(), roster::v1::Person::PARTY_STATUS_UNSPECIFIED);
    EXPECT_FALSE(HasMaskedValues(parsed.row));
    if (!person.phone().empty()) {
      EXPECT_OK(ValidateMobilePhone(person.phone(), "phone"));
    }
    if (person.id_card_number().empty()) continue;
    ++with_id_card;
    absl::StatusOr<IdCardFacts> facts =
        ParseIdCardNumber(person.id_card_number(), "id_card_number", today);
    ASSERT_OK(facts.status());
    // The server refuses a birth date or gender that the number contradicts.
    EXPECT_EQ(facts->birth_date,
              absl::CivilDay(person.birth_date().year(), person.birth_date().month(),
                             person.birth_date().day()));
    EXPECT_EQ(facts->gender == IdCardGender::kMale, person.gender() == roster::v1::Person::MALE);
  }
  EXPECT_EQ(with_id_card, 7);
}

TEST(SamplePeopleCsvTest, ChineseLabelsAndEnglishNamesMeanTheSame) {
  const std::vector<ParsedRow> rows = ParseFile(ReadSample());
  ASSERT_THAT(rows, SizeIs(8));
  // TY-0001 is written with labels, TY-0002 with names.
  EXPECT_EQ(rows[0].row.person().gender(), roster::v1::Person::MALE);
  EXPECT_EQ(rows[0].row.person().party_status(), roster::v1::Person::FULL);
  EXPECT_EQ(rows[0].row.person().member_category(), roster::v1::Person::RETIRED);
  EXPECT_EQ(rows[1].row.person().gender(), roster::v1::Person::FEMALE);
  // TY-0004's roles are labels separated by a fullwidth semicolon.
  EXPECT_THAT(rows[3].row.roles(), ElementsAre(EqualsProto(ParseText<roster::v1::RoleAssignment>(
                                                   "role: VOLUNTEER place: 'units/13' "
                                                   "start_date { year: 2024 month: 3 day: 1 }")),
                                               EqualsProto(ParseText<roster::v1::RoleAssignment>(
                                                   "role: MICRO_GRID_LIAISON place: 'units/13' "
                                                   "start_date { year: 2024 month: 4 day: 1 }"))));
  EXPECT_EQ(rows[3].row.person().residence_room(), "A座,1201");
}

// The labels are roster_labels.h's: 支委 is the committee member's, and the
// older spellings a stored file may carry still read.
TEST(PeopleCsvTest, ReadsEveryCommitteeMemberSpelling) {
  for (const std::string spelling : {"支委", "委员", "支委委员", "COMMITTEE_MEMBER"}) {
    const ParsedRow parsed = ParseOne({{"roles", spelling + "@partyOrgs/3@2024-01-01"}});
    EXPECT_THAT(parsed.errors, IsEmpty()) << spelling;
    ASSERT_EQ(parsed.row.roles_size(), 1) << spelling;
    EXPECT_EQ(parsed.row.roles(0).role(), roster::v1::COMMITTEE_MEMBER) << spelling;
  }
  EXPECT_EQ(ParseOne({{"member_category", "离退休干部"}}).row.person().member_category(),
            roster::v1::Person::RETIRED);
}

TEST(PeopleCsvTest, ParsesEveryColumn) {
  const ParsedRow parsed = ParseOne({{"roles",
                                      "SECRETARY@partyOrgs/3@2021-06-01 ; "
                                      "volunteer@units/12@2024/3/1@2026-12-31;"}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_THAT(parsed.row, EqualsProto(ParseText<ImportRow>(R"pb(
                person {
                  external_key: "K-1"
                  display_name: "张三"
                  gender: MALE
                  birth_date { year: 1980 month: 5 day: 6 }
                  phone: "13800000000"
                  residence_building: "units/12"
                  residence_room: "1-101"
                  party_status: FULL
                  admission_date { year: 2005 month: 7 day: 1 }
                  member_category: IN_SERVICE
                }
                party_org: "partyOrgs/3"
                membership_start_date { year: 2010 month: 1 day: 1 }
                roles {
                  role: SECRETARY
                  place: "partyOrgs/3"
                  start_date { year: 2021 month: 6 day: 1 }
                }
                roles {
                  role: VOLUNTEER
                  place: "units/12"
                  start_date { year: 2024 month: 3 day: 1 }
                  end_date { year: 2026 month: 12 day: 31 }
                }
              )pb")));
}

// A seconded role ends with its sending organisation, after the start date
// or after the end date; it is written back the same way.
TEST(PeopleCsvTest, ASecondedRoleNamesItsSendingOrganisation) {
  const ParsedRow parsed = ParseOne({{"roles",
                                      "FIRST_SECRETARY@partyOrgs/8@2023-03-01@externalOrgs/2;"
                                      "WORK_TEAM_MEMBER@units/9@2023-03-01@2025-02-28@"
                                      "externalOrgs/5"}});
  ASSERT_THAT(parsed.errors, IsEmpty());
  ASSERT_EQ(parsed.row.roles_size(), 2);
  EXPECT_EQ(parsed.row.roles(0).sending_org(), "externalOrgs/2");
  EXPECT_FALSE(parsed.row.roles(0).has_end_date());
  EXPECT_EQ(parsed.row.roles(1).sending_org(), "externalOrgs/5");
  EXPECT_EQ(parsed.row.roles(1).end_date().year(), 2025);
  EXPECT_THAT(ParseOne({{"roles", "FIRST_SECRETARY@partyOrgs/8@2023-03-01@externalOrgs/x"}}).errors,
              ElementsAre(ErrorIs("roles", HasSubstr("item 1"))));
}

TEST(PeopleCsvTest, EmptyCellsLeaveFieldsUnset) {
  const ParsedRow parsed = ParseOne({{"gender", ""},
                                     {"birth_date", " "},
                                     {"phone", ""},
                                     {"party_status", "群众"},
                                     {"admission_date", ""},
                                     {"member_category", ""},
                                     {"party_org", ""},
                                     {"membership_start_date", ""},
                                     {"roles", ""}});
  EXPECT_THAT(parsed.errors, IsEmpty());
  EXPECT_THAT(parsed.row, EqualsProto(ParseText<ImportRow>(R"pb(
                person {
                  external_key: "K-1"
                  display_name: "张三"
                  residence_building: "units/12"
                  residence_room: "1-101"
                  party_status: NONE
                }
              )pb")));
}

TEST(PeopleCsvTest, ReportsEveryBadCellOfARowByColumn) {
  const ParsedRow parsed = ParseOne({{"gender", "M"},
                                     {"birth_date", "1980-02-30"},
                                     {"admission_date", "2005.07.01"},
                                     {"residence_building", "12"},
                                     {"party_org", "units/3"},
                                     {"member_category", "MEMBER_CATEGORY_UNSPECIFIED"}});
  EXPECT_THAT(parsed.errors,
              ElementsAre(ErrorIs("gender", HasSubstr("\"M\" is not one of MALE, FEMALE, 男, 女")),
                          ErrorIs("birth_date", HasSubstr("is not a date")),
                          ErrorIs("residence_building", HasSubstr("units/{id}")),
                          ErrorIs("admission_date", HasSubstr("write YYYY-MM-DD")),
                          ErrorIs("member_category", HasSubstr("not one of IN_SERVICE")),
                          ErrorIs("party_org", HasSubstr("partyOrgs/{id}"))));
}

TEST(PeopleCsvTest, ReportsTheBadRoleItem) {
  const auto role_error = [](absl::string_view roles) {
    return ParseOne({{"roles", std::string(roles)}}).errors;
  };
  EXPECT_THAT(role_error("BUILDING_LEAD@units/12@2024-01-01;MAYOR@units/12@2024-01-01"),
              ElementsAre(ErrorIs("roles", HasSubstr("item 2: \"MAYOR\" is not one of"))));
  EXPECT_THAT(role_error("BUILDING_LEAD@units/12"),
              ElementsAre(ErrorIs("roles", HasSubstr("item 1: \"BUILDING_LEAD@units/12\" is not "
                                                     "ROLE@place@start_date[@end_date]"))));
  EXPECT_THAT(role_error("BUILDING_LEAD@buildings/12@2024-01-01"),
              ElementsAre(ErrorIs("roles", HasSubstr("item 1: must look like units/{id}"))));
  EXPECT_THAT(role_error("BUILDING_LEAD@units/12@"),
              ElementsAre(ErrorIs("roles", HasSubstr("item 1: the start date is missing"))));
  EXPECT_THAT(role_error("@units/12@2024-01-01"),
              ElementsAre(ErrorIs("roles", HasSubstr("item 1: the role is missing"))));
}

TEST(PeopleCsvTest, RefusesMaskedValues) {
  const ParsedRow parsed =
      ParseOne({{"id_card_number", "430211********0018"}, {"phone", "138****0001"}});
  EXPECT_THAT(parsed.errors, ElementsAre(ErrorIs("id_card_number", HasSubstr("masked")),
                                         ErrorIs("phone", HasSubstr("masked"))));
}

TEST(PeopleCsvTest, RefusesARowWithTheWrongNumberOfCells) {
  const std::vector<ParsedRow> rows = ParseFile(absl::StrCat(kHeader, "\nK-1,张三\n"));
  ASSERT_THAT(rows, SizeIs(1));
  EXPECT_THAT(rows[0].errors, ElementsAre(ErrorIs("", "2 cells, but the header has 14")));
}

TEST(PeopleCsvTest, SkipsBlankRecords) {
  EXPECT_TRUE(IsBlankRecord({"", " ", ""}));
  EXPECT_FALSE(IsBlankRecord({"", "x"}));
  const std::vector<ParsedRow> rows =
      ParseFile(absl::StrCat(kHeader, "\n,,,,,,,,,,,,,\n\n", std::string(13, ','), "\n"));
  EXPECT_THAT(rows, IsEmpty());
}

TEST(PeopleCsvHeaderTest, TakesColumnsInAnyOrder) {
  std::vector<std::string> columns(kPeopleColumns.rbegin(), kPeopleColumns.rend());
  columns[0] = " roles ";
  ASSERT_OK_AND_ASSIGN(const PeopleCsvHeader header, PeopleCsvHeader::Parse(columns));
  EXPECT_EQ(header.size(), kPeopleColumns.size());
  EXPECT_EQ(header.position(0), kPeopleColumns.size() - 1);  // external_key is last
  std::vector<std::string> cells(kPeopleColumns.size());
  cells[header.position(0)] = "K-9";
  cells[header.position(1)] = "李四";
  EXPECT_EQ(ParsePeopleRecord(header, cells).row.person().external_key(), "K-9");
}

TEST(PeopleCsvHeaderTest, RefusesUnknownRepeatedAndMissingColumns) {
  std::vector<std::string> columns(kPeopleColumns.begin(), kPeopleColumns.end());
  columns.push_back("nickname");
  EXPECT_THAT(PeopleCsvHeader::Parse(columns), StatusIs(absl::StatusCode::kInvalidArgument,
                                                        HasSubstr("unknown column \"nickname\"")));
  columns.back() = "phone";
  EXPECT_THAT(PeopleCsvHeader::Parse(columns), StatusIs(absl::StatusCode::kInvalidArgument,
                                                        HasSubstr("column phone appears twice")));
  columns.pop_back();
  columns.erase(columns.begin() + 5);  // phone
  EXPECT_THAT(PeopleCsvHeader::Parse(columns),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("lacks column phone")));
}

TEST(PeopleCsvTest, ErrorsCarryTheLineOfTheRecord) {
  // As import reports them: a quoted line break moves later records down.
  const std::string text =
      absl::StrCat(kUtf8Bom, kHeader, "\r\n", "K-1,\"张\n三\",男,,,,,,FULL,2000-01-01,,,,\r\n",
                   "K-2,李四,X,,,,,,NONE,,,,,\r\n");
  const std::vector<CsvRow> records = ParseCsv(text).value();
  ASSERT_THAT(records, SizeIs(3));
  const PeopleCsvHeader header = PeopleCsvHeader::Parse(records[0].fields).value();
  EXPECT_THAT(ParsePeopleRecord(header, records[1].fields).errors, IsEmpty());
  EXPECT_EQ(records[2].line, 4);
  EXPECT_THAT(ParsePeopleRecord(header, records[2].fields).errors,
              ElementsAre(ErrorIs("gender", HasSubstr("\"X\""))));
}

roster::v1::Person ServerPerson() {
  return ParseText<roster::v1::Person>(R"pb(
    name: "people/42"
    display_name: "王\"小\",二"
    gender: FEMALE
    birth_date { year: 1966 month: 9 day: 30 }
    id_card_number: "35088119660930002X"
    phone: "13705970006"
    residence_building: "units/13"
    residence_room: "2-202"
    party_status: FULL
    admission_date { year: 1992 month: 7 day: 1 }
    member_category: DIRECT
    external_key: "TY-0006"
    state: ACTIVE
    create_time { seconds: 1700000000 }
    update_time { seconds: 1700000001 }
    etag: "e1"
    revision: 17
  )pb");
}

TEST(ExportRowTest, KeepsWhatReimportsThePerson) {
  const auto membership = ParseText<roster::v1::Membership>(R"pb(
    name: "people/42/memberships/1"
    party_org: "partyOrgs/5"
    start_date { year: 2020 month: 9 day: 1 }
    end_date {}
    current: true
  )pb");
  const std::vector<roster::v1::RoleAssignment> roles = {ParseText<roster::v1::RoleAssignment>(R"pb(
                                                           name: "roleAssignments/8"
                                                           person: "people/42"
                                                           role: PARTY_HOUSEHOLD
                                                           place: "units/13"
                                                           start_date { year: 2022 month: 7 day: 1 }
                                                           end_date {}
                                                           note: "东门"
                                                           current: true
                                                           etag: "r8"
                                                         )pb"),
                                                         ParseText<roster::v1::RoleAssignment>(R"pb(
                                                           name: "roleAssignments/3"
                                                           person: "people/42"
                                                           role: GROUP_LEADER
                                                           place: "partyOrgs/5"
                                                           start_date { year: 2022 month: 7 day: 1 }
                                                           end_date { year: 2027 month: 6 day: 30 }
                                                           sending_org: "externalOrgs/4"
                                                         )pb")};
  EXPECT_THAT(ExportRow(ServerPerson(), &membership, roles), EqualsProto(ParseText<ImportRow>(R"pb(
                person {
                  display_name: "王\"小\",二"
                  gender: FEMALE
                  birth_date { year: 1966 month: 9 day: 30 }
                  id_card_number: "35088119660930002X"
                  phone: "13705970006"
                  residence_building: "units/13"
                  residence_room: "2-202"
                  party_status: FULL
                  admission_date { year: 1992 month: 7 day: 1 }
                  member_category: DIRECT
                  external_key: "TY-0006"
                }
                party_org: "partyOrgs/5"
                membership_start_date { year: 2020 month: 9 day: 1 }
                roles {
                  role: GROUP_LEADER
                  place: "partyOrgs/5"
                  start_date { year: 2022 month: 7 day: 1 }
                  end_date { year: 2027 month: 6 day: 30 }
                  sending_org: "externalOrgs/4"
                }
                roles {
                  role: PARTY_HOUSEHOLD
                  place: "units/13"
                  start_date { year: 2022 month: 7 day: 1 }
                  note: "东门"
                }
              )pb")));
}

TEST(ExportRowTest, RoundTripsThroughCsv) {
  std::vector<ImportRow> exported;
  const auto membership = ParseText<roster::v1::Membership>(
      "party_org: 'partyOrgs/5' start_date { year: 2020 month: 9 day: 1 }");
  const auto role = ParseText<roster::v1::RoleAssignment>(
      "role: RESIDENT_REPRESENTATIVE place: 'units/9' start_date { year: 2023 month: 1 day: 1 } "
      "end_date { year: 2027 month: 12 day: 31 } sending_org: 'externalOrgs/3'");
  exported.push_back(ExportRow(ServerPerson(), &membership, {role, role}));
  roster::v1::Person non_member = ParseText<roster::v1::Person>(R"pb(
    name: "people/7"
    display_name: "刘洋"
    party_status: NONE
    external_key: "TY-0005"
    residence_room: "3单元\n502"
    birth_date {}
    admission_date {}
  )pb");
  exported.push_back(ExportRow(non_member, nullptr, {}));
  std::string text(kUtf8Bom);
  text += FormatCsvRecord(std::vector<std::string>(kPeopleColumns.begin(), kPeopleColumns.end()));
  for (const ImportRow& row : exported) text += FormatCsvRecord(FormatPeopleRecord(row));

  const std::vector<ParsedRow> imported = ParseFile(text);
  ASSERT_THAT(imported, SizeIs(2));
  for (size_t i = 0; i < imported.size(); ++i) {
    EXPECT_THAT(imported[i].errors, IsEmpty());
    EXPECT_THAT(imported[i].row, EqualsProto(exported[i]));
  }
}

TEST(ExportRowTest, MaskedValuesAreWrittenAsTheyAreAndRefusedOnImport) {
  roster::v1::Person person = ServerPerson();
  person.set_id_card_number(MaskIdCardNumber(person.id_card_number()));
  person.set_phone(MaskMobilePhone(person.phone()));
  const ImportRow row = ExportRow(person, nullptr, {});
  EXPECT_TRUE(HasMaskedValues(row));
  const std::vector<std::string> cells = FormatPeopleRecord(row);
  EXPECT_EQ(cells[4], "350881********002X");
  const PeopleCsvHeader header =
      PeopleCsvHeader::Parse(std::vector<std::string>(kPeopleColumns.begin(), kPeopleColumns.end()))
          .value();
  EXPECT_THAT(ParsePeopleRecord(header, cells).errors,
              ElementsAre(ErrorIs("id_card_number", HasSubstr("masked")),
                          ErrorIs("phone", HasSubstr("masked"))));
}

TEST(RowErrorFromServerTest, NamesTheColumn) {
  roster::v1::ImportRowError error;
  error.set_row(3);
  error.set_field("person.id_card_number");
  error.set_message("person.id_card_number: the check character does not match");
  EXPECT_THAT(RowErrorFromServer(error, /*csv=*/true),
              ErrorIs("id_card_number", "the check character does not match"));
  EXPECT_THAT(RowErrorFromServer(error, /*csv=*/false),
              ErrorIs("person.id_card_number", "the check character does not match"));

  error.set_field("roles[1].place");
  error.set_message("roles[1].place: units/9 does not exist in the org service");
  EXPECT_THAT(RowErrorFromServer(error, /*csv=*/true),
              ErrorIs("roles", "item 2: units/9 does not exist in the org service"));

  error.set_field("party_org");
  error.set_message("party_org: partyOrgs/3 is deleted in the org service");
  EXPECT_THAT(RowErrorFromServer(error, /*csv=*/true),
              ErrorIs("party_org", "partyOrgs/3 is deleted in the org service"));

  error.clear_field();
  error.set_message("the org service could not be reached");
  EXPECT_THAT(RowErrorFromServer(error, /*csv=*/true),
              ErrorIs("", "the org service could not be reached"));
}

TEST(UnitAndPartyOrgRecordsTest, MatchTheirHeaders) {
  const auto compound = ParseText<org::v1::Unit>(R"pb(
    name: "units/9"
    parent: "units/5"
    level: COMPOUND
    display_name: "幸福花园"
    code: "XF-01"
    compound { kind: OLD has_property_company: true households: 1200 renovation_status: PLANNED }
  )pb");
  const auto building = ParseText<org::v1::Unit>(R"pb(
    name: "units/12"
    parent: "units/9"
    level: BUILDING
    display_name: "2栋"
    code: "B2"
    building { households: 48 floors: 6 address: "幸福路2号, 2栋" }
  )pb");
  const auto org = ParseText<org::v1::PartyOrg>(R"pb(
    name: "partyOrgs/3"
    parent: "partyOrgs/1"
    form: JOINT_BRANCH
    display_name: "联合党支部"
    units: "units/9"
    units: "units/10"
    established_date { year: 2019 month: 7 day: 1 }
  )pb");
  EXPECT_EQ(FormatCsvRecord(UnitColumns()),
            "name,parent,level,code,display_name,compound_kind,households,has_property_company,"
            "red_property,has_owners_committee,red_owners_committee,renovation_status,floors,"
            "address\r\n");
  EXPECT_EQ(
      FormatCsvRecord(FormatUnitRecord(compound)),
      "units/9,units/5,COMPOUND,XF-01,幸福花园,OLD,1200,true,false,false,false,PLANNED,,\r\n");
  EXPECT_EQ(FormatCsvRecord(FormatUnitRecord(building)),
            "units/12,units/9,BUILDING,B2,2栋,,48,,,,,,6,\"幸福路2号, 2栋\"\r\n");
  EXPECT_EQ(FormatCsvRecord(PartyOrgColumns()),
            "name,parent,form,display_name,units,established_date,rating\r\n");
  EXPECT_EQ(FormatCsvRecord(FormatPartyOrgRecord(org)),
            "partyOrgs/3,partyOrgs/1,JOINT_BRANCH,联合党支部,units/9;units/10,2019-07-01,\r\n");
}

TEST(ExportDocumentTest, PeopleReadBackFromJson) {
  ExportDocument document;
  document.subtree = "units/5";
  document.org_revision = 11;
  document.roster_revision = 22;
  document.units.push_back(ParseText<org::v1::Unit>("name: 'units/9' level: COMPOUND"));
  const auto membership = ParseText<roster::v1::Membership>(
      "party_org: 'partyOrgs/5' start_date { year: 2020 month: 9 day: 1 }");
  document.people.push_back(ExportRow(ServerPerson(), &membership, {}));
  document.people.push_back(ParseText<ImportRow>(
      "person { display_name: '刘洋' party_status: NONE external_key: 'TY-0005' }"));
  ASSERT_OK_AND_ASSIGN(const std::string json, ExportDocumentToJson(document));
  EXPECT_THAT(json, HasSubstr("\"subtree\": \"units/5\""));
  EXPECT_THAT(json, HasSubstr("\"party_orgs\": []"));
  EXPECT_THAT(json, HasSubstr("\"external_key\":\"TY-0006\""));

  ASSERT_OK_AND_ASSIGN(const std::vector<ParsedRow> rows, ParsePeopleJson(json));
  ASSERT_THAT(rows, SizeIs(2));
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_THAT(rows[i].errors, IsEmpty());
    EXPECT_THAT(rows[i].row, EqualsProto(document.people[i]));
  }
}

TEST(ExportDocumentTest, RefusesBadEntriesOneByOne) {
  ASSERT_OK_AND_ASSIGN(const std::vector<ParsedRow> rows, ParsePeopleJson(R"({"people": [
          {"person": {"display_name": "甲", "phone": "138****5678"}},
          {"person": {"gender": "UNKNOWN"}},
          {"nickname": "乙"},
          {"person": {"display_name": "丙", "party_status": "NONE", "external_key": "K"}}]})"));
  ASSERT_THAT(rows, SizeIs(4));
  EXPECT_THAT(rows[0].errors, ElementsAre(ErrorIs("person.phone", HasSubstr("masked"))));
  EXPECT_THAT(rows[1].errors, SizeIs(1));
  EXPECT_THAT(rows[2].errors, ElementsAre(Field(&RowError::message, HasSubstr("nickname"))));
  EXPECT_THAT(rows[3].errors, IsEmpty());
}

TEST(ExportDocumentTest, RefusesADocumentWithoutPeople) {
  EXPECT_THAT(ParsePeopleJson("[1, 2]"), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParsePeopleJson(R"({"units": []})"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no \"people\" array")));
}

}  // namespace
}  // namespace grassroots::cli
