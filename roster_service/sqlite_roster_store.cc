// SqliteRosterStore: the roster service's state in one SQLite file.
//
// The shape of the tables, the column encodings and the connections are
// those every store of the suite shares: see common/sqlite_store_support.h,
// whose ResourceStore does the work. This file holds what is particular to
// people, memberships, registrations and role assignments.
//
// Schema (version 1, the DDL of SchemaV1() below; 2 keys request ids by
// principal; 3 and 4 add the columns of SchemaV3() and SchemaV4())
// ------
//   people, person_history                       kind 1 in events
//   memberships, membership_history              kind 2
//   registrations, registration_history          kind 3
//   role_assignments, role_assignment_history    kind 4
//   events, request_ids
//
// Dates (birth, admission, start and end) are TEXT 'YYYY-MM-DD', NULL when
// unset; times are int64 microseconds since the Unix epoch. A role's place
// is (place_kind, place_id), place_kind being Place::Kind (0 unit, 1 party
// organisation). Enums are stored as their values in the domain headers.
//
// Personal data: ID-card numbers and phones are kept in full ('' when
// unknown); the service masks them on the way out. No message of this store
// quotes a stored value, and every error leaves it through
// RedactPersonalData in case SQLite or a path ever does.
//
// Constraints and indexes: the store decides no rule. Its only keys are
// those it needs, and a violation of any is a bug of the caller (INTERNAL):
// a resource changed twice at one revision (history), a revision committed
// twice (events), a request_id remembered twice (request_ids). Uniqueness
// of ID-card numbers and of external keys is the core's rule, checked
// against its memory, and is not repeated here as a UNIQUE index: the rule
// would live in two places that can disagree (the core checks external keys
// among live people only) and take a migration to change; SQLite's
// statement-by-statement check would dictate the order of a mutation's
// changes; and random ID-card numbers touch a different index page per row
// (importing 10^6 people ran at about a third of the speed with the two
// indexes). No other index exists either: the service answers queries from
// memory, and Load reads each current table in rowid order.
//
// Durability: WAL journal with synchronous=FULL. In WAL mode NORMAL would
// already survive kill -9, but not power loss: the last commits could vanish
// although they were acknowledged. FULL fsyncs the WAL on every commit; the
// service keeps that affordable by group commit (many mutations per Commit,
// one transaction, one fsync), and all writes of a batch go through cached
// prepared statements.

#include "roster_service/sqlite_roster_store.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/personal_data.h"
#include "common/sqlite.h"
#include "common/sqlite_store_support.h"
#include "common/status_macros.h"

namespace grassroots::roster {
namespace {

using sqlite::Binder;
using sqlite::RowReader;
using sqlite::Statement;

// Values of events.kind.
constexpr int64_t kPersonKind = 1;
constexpr int64_t kMembershipKind = 2;
constexpr int64_t kRegistrationKind = 3;
constexpr int64_t kRoleAssignmentKind = 4;

// ---------------------------------------------------------------------------
// Schema
//
// The columns each pair of tables shares, after `id`. Part of published
// schema version 1: never change them; add a migration step instead.

constexpr absl::string_view kPersonFieldsV1 = R"(
  display_name TEXT NOT NULL,
  gender INTEGER NOT NULL,
  birth_date TEXT,
  id_card_number TEXT NOT NULL,
  phone TEXT NOT NULL,
  residence_building_id INTEGER NOT NULL,
  residence_room TEXT NOT NULL,
  party_status INTEGER NOT NULL,
  admission_date TEXT,
  member_category INTEGER NOT NULL,
  external_key TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kMembershipFieldsV1 = R"(
  person_id INTEGER NOT NULL,
  party_org_id INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kRegistrationFieldsV1 = R"(
  person_id INTEGER NOT NULL,
  community_id INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kRoleAssignmentFieldsV1 = R"(
  person_id INTEGER NOT NULL,
  role INTEGER NOT NULL,
  place_kind INTEGER NOT NULL CHECK (place_kind IN (0, 1)),
  place_id INTEGER NOT NULL,
  start_date TEXT NOT NULL,
  end_date TEXT,
  note TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

// Schema version 3 (issue 15): probation extensions; where a registered
// in-service member serves (compound, post, duty zone).
constexpr absl::string_view kPersonColumnsV3[] = {
    "probation_extension_months INTEGER NOT NULL DEFAULT 0"};
constexpr absl::string_view kRegistrationColumnsV3[] = {"compound_id INTEGER NOT NULL DEFAULT 0",
                                                        "post INTEGER NOT NULL DEFAULT 0",
                                                        "duty_zone TEXT NOT NULL DEFAULT ''"};

std::string SchemaV3() {
  return absl::StrCat(
      sqlite::AddResourceColumns("people", "person_history", kPersonColumnsV3),
      sqlite::AddResourceColumns("registrations", "registration_history", kRegistrationColumnsV3));
}

// Schema version 4: a seconded role's sending organisation; a registered
// member's employer (externalOrgs ids, 0 for none).
constexpr absl::string_view kRoleAssignmentColumnsV4[] = {
    "sending_org_id INTEGER NOT NULL DEFAULT 0"};
constexpr absl::string_view kRegistrationColumnsV4[] = {"employer_id INTEGER NOT NULL DEFAULT 0"};

std::string SchemaV4() {
  return absl::StrCat(
      sqlite::AddResourceColumns("role_assignments", "role_assignment_history",
                                 kRoleAssignmentColumnsV4),
      sqlite::AddResourceColumns("registrations", "registration_history", kRegistrationColumnsV4));
}

std::string SchemaV1() {
  return absl::StrCat(
      sqlite::ResourceTablesSchema("people", "person_history", kPersonFieldsV1),
      sqlite::ResourceTablesSchema("memberships", "membership_history", kMembershipFieldsV1),
      sqlite::ResourceTablesSchema("registrations", "registration_history", kRegistrationFieldsV1),
      sqlite::ResourceTablesSchema("role_assignments", "role_assignment_history",
                                   kRoleAssignmentFieldsV1),
      sqlite::EventLogSchemaV1("1, 2, 3, 4",
                               "1 person, 2 membership, 3 registration, 4 role assignment"));
}

// Column names in the order Bind and the Read functions bind and read them.
constexpr std::array<absl::string_view, 18> kPersonColumns = {
    "id", "display_name", "gender", "birth_date", "id_card_number", "phone",
    "residence_building_id", "residence_room", "party_status", "admission_date", "member_category",
    "probation_extension_months", "external_key",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "revision"};
constexpr std::array<absl::string_view, 8> kMembershipColumns = {
    "id",       "person_id",   "party_org_id", "start_date",
    "end_date", "create_time", "update_time",  "revision"};
constexpr std::array<absl::string_view, 12> kRegistrationColumns = {
    "id",         "person_id", "community_id", "compound_id", "post",     "duty_zone",
    "start_date", "end_date",  "create_time",  "update_time", "revision", "employer_id"};
constexpr std::array<absl::string_view, 12> kRoleAssignmentColumns = {
    "id",       "person_id", "role",        "place_kind",  "place_id", "start_date",
    "end_date", "note",      "create_time", "update_time", "revision", "sending_org_id"};

// ---------------------------------------------------------------------------
// Rows <-> domain types

void Bind(Statement& statement, const Person& person) {
  Binder(statement)
      .Int(person.id)
      .Text(person.display_name)
      .Enum(person.gender)
      .OptionalDate(person.birth_date)
      .Text(person.id_card_number)
      .Text(person.phone)
      .Int(person.residence_building_id)
      .Text(person.residence_room)
      .Enum(person.party_status)
      .OptionalDate(person.admission_date)
      .Enum(person.member_category)
      .Int(person.probation_extension_months)
      .Text(person.external_key)
      .Time(person.create_time)
      .Time(person.update_time)
      .Bool(person.deleted)
      .Time(person.delete_time)
      .Int(person.revision);
}

void Bind(Statement& statement, const Membership& membership) {
  Binder(statement)
      .Int(membership.id)
      .Int(membership.person_id)
      .Int(membership.party_org_id)
      .Date(membership.start_date)
      .OptionalDate(membership.end_date)
      .Lifetime(membership);
}

void Bind(Statement& statement, const Registration& registration) {
  Binder(statement)
      .Int(registration.id)
      .Int(registration.person_id)
      .Int(registration.community_id)
      .Int(registration.compound_id)
      .Enum(registration.post)
      .Text(registration.duty_zone)
      .Date(registration.start_date)
      .OptionalDate(registration.end_date)
      .Lifetime(registration)
      .Int(registration.employer_id);
}

void Bind(Statement& statement, const RoleAssignment& assignment) {
  Binder(statement)
      .Int(assignment.id)
      .Int(assignment.person_id)
      .Enum(assignment.role)
      .Enum(assignment.place.kind)
      .Int(assignment.place.id)
      .Date(assignment.start_date)
      .OptionalDate(assignment.end_date)
      .Text(assignment.note)
      .Lifetime(assignment)
      .Int(assignment.sending_org_id);
}

absl::StatusOr<Person> ReadPerson(RowReader& r) {
  Person person;
  person.id = r.Int();
  person.display_name = r.Text();
  person.gender = r.As<Gender>();
  ASSIGN_OR_RETURN(person.birth_date, r.OptionalDate("birth_date"));
  person.id_card_number = r.Text();
  person.phone = r.Text();
  person.residence_building_id = r.Int();
  person.residence_room = r.Text();
  person.party_status = r.As<PartyStatus>();
  ASSIGN_OR_RETURN(person.admission_date, r.OptionalDate("admission_date"));
  person.member_category = r.As<MemberCategory>();
  person.probation_extension_months = static_cast<int32_t>(r.Int());
  person.external_key = r.Text();
  person.create_time = r.Time();
  person.update_time = r.Time();
  person.deleted = r.Bool();
  person.delete_time = r.Time();
  person.revision = r.Int();
  return person;
}

absl::StatusOr<Membership> ReadMembership(RowReader& r) {
  Membership membership;
  membership.id = r.Int();
  membership.person_id = r.Int();
  membership.party_org_id = r.Int();
  ASSIGN_OR_RETURN(membership.start_date, r.Date("start_date"));
  ASSIGN_OR_RETURN(membership.end_date, r.OptionalDate("end_date"));
  r.Lifetime(membership);
  return membership;
}

absl::StatusOr<Registration> ReadRegistration(RowReader& r) {
  Registration registration;
  registration.id = r.Int();
  registration.person_id = r.Int();
  registration.community_id = r.Int();
  registration.compound_id = r.Int();
  registration.post = r.As<RegistrationPost>();
  registration.duty_zone = r.Text();
  ASSIGN_OR_RETURN(registration.start_date, r.Date("start_date"));
  ASSIGN_OR_RETURN(registration.end_date, r.OptionalDate("end_date"));
  r.Lifetime(registration);
  registration.employer_id = r.Int();
  return registration;
}

absl::StatusOr<RoleAssignment> ReadRoleAssignment(RowReader& r) {
  RoleAssignment assignment;
  assignment.id = r.Int();
  assignment.person_id = r.Int();
  assignment.role = r.As<Role>();
  assignment.place.kind = r.As<Place::Kind>();
  assignment.place.id = r.Int();
  ASSIGN_OR_RETURN(assignment.start_date, r.Date("start_date"));
  ASSIGN_OR_RETURN(assignment.end_date, r.OptionalDate("end_date"));
  assignment.note = r.Text();
  r.Lifetime(assignment);
  assignment.sending_org_id = r.Int();
  return assignment;
}

struct KeyOfResource {
  sqlite::ResourceKey operator()(const Person& p) const { return {kPersonKind, p.id, p.revision}; }
  sqlite::ResourceKey operator()(const Membership& m) const {
    return {kMembershipKind, m.id, m.revision};
  }
  sqlite::ResourceKey operator()(const Registration& r) const {
    return {kRegistrationKind, r.id, r.revision};
  }
  sqlite::ResourceKey operator()(const RoleAssignment& a) const {
    return {kRoleAssignmentKind, a.id, a.revision};
  }
};

}  // namespace

// ---------------------------------------------------------------------------
// RosterStoreSchema

std::vector<sqlite::ResourceTable> RosterStoreSchema::Tables() {
  return {
      {kPersonKind, "people", "person_history", kPersonColumns},
      {kMembershipKind, "memberships", "membership_history", kMembershipColumns},
      {kRegistrationKind, "registrations", "registration_history", kRegistrationColumns},
      {kRoleAssignmentKind, "role_assignments", "role_assignment_history", kRoleAssignmentColumns}};
}

std::vector<std::string> RosterStoreSchema::Migrations() {
  return {SchemaV1(), sqlite::RequestIdsByPrincipalV2(), SchemaV3(), SchemaV4()};
}

sqlite::ResourceKey RosterStoreSchema::KeyOf(const Snapshot& snapshot) {
  return std::visit(KeyOfResource{}, snapshot);
}

std::string RosterStoreSchema::NameOf(const Snapshot& snapshot) { return SnapshotName(snapshot); }

void RosterStoreSchema::Bind(Statement& statement, const Snapshot& snapshot) {
  std::visit([&statement](const auto& resource) { roster::Bind(statement, resource); }, snapshot);
}

absl::StatusOr<Snapshot> RosterStoreSchema::Read(int64_t kind, RowReader& reader) {
  switch (kind) {
    case kPersonKind:
      return ReadPerson(reader);
    case kMembershipKind:
      return ReadMembership(reader);
    case kRegistrationKind:
      return ReadRegistration(reader);
    case kRoleAssignmentKind:
      return ReadRoleAssignment(reader);
  }
  // ResourceStore reads only the kinds Tables() lists.
  return absl::InternalError(absl::StrCat("no reader for resource kind ", kind));
}

absl::Status RosterStoreSchema::ReadAll(const sqlite::ResourceStoreBase& store,
                                        sqlite::Database& db, StoredRoster& roster) {
  ASSIGN_OR_RETURN(roster.people, store.ReadCurrent(db, kPersonKind, &ReadPerson));
  ASSIGN_OR_RETURN(roster.memberships, store.ReadCurrent(db, kMembershipKind, &ReadMembership));
  ASSIGN_OR_RETURN(roster.registrations,
                   store.ReadCurrent(db, kRegistrationKind, &ReadRegistration));
  ASSIGN_OR_RETURN(roster.role_assignments,
                   store.ReadCurrent(db, kRoleAssignmentKind, &ReadRoleAssignment));
  // Rows are never removed, so the last row has the largest id ever used.
  if (!roster.people.empty()) roster.max_person_id = roster.people.back().id;
  if (!roster.memberships.empty()) roster.max_membership_id = roster.memberships.back().id;
  if (!roster.registrations.empty()) roster.max_registration_id = roster.registrations.back().id;
  if (!roster.role_assignments.empty()) {
    roster.max_role_assignment_id = roster.role_assignments.back().id;
  }
  return absl::OkStatus();
}

}  // namespace grassroots::roster

template class grassroots::sqlite::SqliteMutationStore<grassroots::roster::RosterStoreSchema>;
