// SqliteActivityStore: the activity service's state in one SQLite file.
//
// The shape of the tables, the column encodings and the connections are
// those every store of the suite shares (common/sqlite_store_support.h).
//
// Schema (version 1; 2 keys request ids by principal, as in every store)
// ------
//   activities, activity_history              kind 1 in events
//   attendances, attendance_history           kind 2
//   credit_entries, credit_entry_history      kind 3
//   service_points, service_point_history     kind 4
//   events, request_ids
//
// Times are int64 microseconds since the Unix epoch; 0 (the epoch) means
// unset (a service point never deleted). Enums are stored as their values
// in the domain headers. Units, party organisations and people are ids of
// the other services, 0 for none.
//
// Two lists are kept as TEXT, comma-joined, since nothing queries them in
// SQL and Load reads them whole: an activity's co-organisers (resource
// names, "externalOrgs/3,alliances/2": ValidatePlannedFields admits only
// such names, which hold no comma) and the units its organisation covered
// (decimal ids, "12,40,41"). "" is the empty list.
//
// Attendances and credit entries are never changed once written, so their
// rows keep create_time and revision, no update_time.
//
// Personal data: an activity's description (free text, which may carry a
// number) is kept in full; the service redacts it on the way out, and no
// message of this store quotes a stored value.
//
// No index beyond the keys: the service answers from memory and Load reads
// each current table in rowid order. Durability as every store of the
// suite: WAL, synchronous=FULL, group commit.

#include "activity_service/sqlite_activity_store.h"

#include <array>
#include <string>
#include <variant>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "common/sqlite.h"
#include "common/status_macros.h"

namespace grassroots::activity {
namespace {

using sqlite::Binder;
using sqlite::RowReader;
using sqlite::Statement;

static_assert(sqlite::kActivityStoreApplicationId != sqlite::kOrgStoreApplicationId &&
              sqlite::kActivityStoreApplicationId != sqlite::kRosterStoreApplicationId &&
              sqlite::kActivityStoreApplicationId != sqlite::kCaseworkStoreApplicationId);

constexpr int64_t kActivityKind = 1;
constexpr int64_t kAttendanceKind = 2;
constexpr int64_t kCreditEntryKind = 3;
constexpr int64_t kServicePointKind = 4;

// Part of published schema version 1: never change them; add a migration.
constexpr absl::string_view kActivityFieldsV1 = R"(
  party_org_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  theme TEXT NOT NULL,
  description TEXT NOT NULL,
  place_id INTEGER NOT NULL,
  service_point_id INTEGER NOT NULL,
  start_time INTEGER NOT NULL,
  end_time INTEGER NOT NULL,
  organiser_id INTEGER NOT NULL,
  capacity INTEGER NOT NULL,
  co_organisers TEXT NOT NULL,
  state INTEGER NOT NULL,
  state_reason TEXT NOT NULL,
  approver_id INTEGER NOT NULL,
  party_org_unit_ids TEXT NOT NULL,
  attendees INTEGER NOT NULL,
  residents_served INTEGER NOT NULL,
  service_minutes INTEGER NOT NULL,
  credit_awarded INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kAttendanceFieldsV1 = R"(
  activity_id INTEGER NOT NULL,
  place_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  person_id INTEGER NOT NULL,
  head_count INTEGER NOT NULL,
  minutes INTEGER NOT NULL,
  credit INTEGER NOT NULL,
  sheet_key TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kCreditEntryFieldsV1 = R"(
  person_id INTEGER NOT NULL,
  amount INTEGER NOT NULL,
  activity_id INTEGER NOT NULL,
  attendance_id INTEGER NOT NULL,
  reason TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kServicePointFieldsV1 = R"(
  unit_id INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  address TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

std::string SchemaV1() {
  return absl::StrCat(
      sqlite::ResourceTablesSchema("activities", "activity_history", kActivityFieldsV1),
      sqlite::ResourceTablesSchema("attendances", "attendance_history", kAttendanceFieldsV1),
      sqlite::ResourceTablesSchema("credit_entries", "credit_entry_history", kCreditEntryFieldsV1),
      sqlite::ResourceTablesSchema("service_points", "service_point_history",
                                   kServicePointFieldsV1),
      sqlite::EventLogSchemaV1("1, 2, 3, 4",
                               "1 activity, 2 attendance, 3 credit entry, 4 service point"));
}

constexpr std::array<absl::string_view, 23> kActivityColumns = {"id",
                                                                "party_org_id",
                                                                "kind",
                                                                "theme",
                                                                "description",
                                                                "place_id",
                                                                "service_point_id",
                                                                "start_time",
                                                                "end_time",
                                                                "organiser_id",
                                                                "capacity",
                                                                "co_organisers",
                                                                "state",
                                                                "state_reason",
                                                                "approver_id",
                                                                "party_org_unit_ids",
                                                                "attendees",
                                                                "residents_served",
                                                                "service_minutes",
                                                                "credit_awarded",
                                                                "create_time",
                                                                "update_time",
                                                                "revision"};
constexpr std::array<absl::string_view, 11> kAttendanceColumns = {
    "id",      "activity_id", "place_id",  "kind",        "person_id", "head_count",
    "minutes", "credit",      "sheet_key", "create_time", "revision"};
constexpr std::array<absl::string_view, 8> kCreditEntryColumns = {
    "id",     "person_id",   "amount",  "activity_id", "attendance_id",
    "reason", "create_time", "revision"};
constexpr std::array<absl::string_view, 10> kServicePointColumns = {
    "id",      "unit_id",     "display_name", "kind",        "address",
    "deleted", "create_time", "update_time",  "delete_time", "revision"};

// The list columns (see the top of the file).
std::string JoinIds(const std::vector<int64_t>& ids) { return absl::StrJoin(ids, ","); }

absl::StatusOr<std::vector<int64_t>> SplitIds(absl::string_view text,
                                              absl::string_view column_name) {
  std::vector<int64_t> ids;
  for (absl::string_view part : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(part, &id)) {
      return absl::DataLossError(absl::StrCat(column_name, " is not a list of ids"));
    }
    ids.push_back(id);
  }
  return ids;
}

void Bind(Statement& statement, const Activity& activity) {
  Binder(statement)
      .Int(activity.id)
      .Int(activity.party_org_id)
      .Enum(activity.kind)
      .Text(activity.theme)
      .Text(activity.description)
      .Int(activity.place_id)
      .Int(activity.service_point_id)
      .Time(activity.start_time)
      .Time(activity.end_time)
      .Int(activity.organiser_id)
      .Int(activity.capacity)
      .Text(absl::StrJoin(activity.co_organisers, ","))
      .Enum(activity.state)
      .Text(activity.state_reason)
      .Int(activity.approver_id)
      .Text(JoinIds(activity.party_org_unit_ids))
      .Int(activity.attendees)
      .Int(activity.residents_served)
      .Int(activity.service_minutes)
      .Int(activity.credit_awarded)
      .Lifetime(activity);
}

void Bind(Statement& statement, const Attendance& attendance) {
  Binder(statement)
      .Int(attendance.id)
      .Int(attendance.activity_id)
      .Int(attendance.place_id)
      .Enum(attendance.kind)
      .Int(attendance.person_id)
      .Int(attendance.head_count)
      .Int(attendance.minutes)
      .Int(attendance.credit)
      .Text(attendance.key)
      .Time(attendance.create_time)
      .Int(attendance.revision);
}

void Bind(Statement& statement, const CreditEntry& entry) {
  Binder(statement)
      .Int(entry.id)
      .Int(entry.person_id)
      .Int(entry.amount)
      .Int(entry.activity_id)
      .Int(entry.attendance_id)
      .Text(entry.reason)
      .Time(entry.create_time)
      .Int(entry.revision);
}

void Bind(Statement& statement, const ServicePoint& point) {
  Binder(statement)
      .Int(point.id)
      .Int(point.unit_id)
      .Text(point.display_name)
      .Enum(point.kind)
      .Text(point.address)
      .Bool(point.deleted)
      .Time(point.create_time)
      .Time(point.update_time)
      .Time(point.delete_time)
      .Int(point.revision);
}

absl::StatusOr<Activity> ReadActivity(RowReader& r) {
  Activity activity;
  activity.id = r.Int();
  activity.party_org_id = r.Int();
  activity.kind = r.As<ActivityKind>();
  activity.theme = r.Text();
  activity.description = r.Text();
  activity.place_id = r.Int();
  activity.service_point_id = r.Int();
  activity.start_time = r.Time();
  activity.end_time = r.Time();
  activity.organiser_id = r.Int();
  activity.capacity = static_cast<int32_t>(r.Int());
  activity.co_organisers = absl::StrSplit(r.Text(), ',', absl::SkipEmpty());
  activity.state = r.As<ActivityState>();
  activity.state_reason = r.Text();
  activity.approver_id = r.Int();
  ASSIGN_OR_RETURN(activity.party_org_unit_ids, SplitIds(r.Text(), "party_org_unit_ids"));
  activity.attendees = static_cast<int32_t>(r.Int());
  activity.residents_served = static_cast<int32_t>(r.Int());
  activity.service_minutes = r.Int();
  activity.credit_awarded = r.Int();
  r.Lifetime(activity);
  return activity;
}

absl::StatusOr<Attendance> ReadAttendance(RowReader& r) {
  Attendance attendance;
  attendance.id = r.Int();
  attendance.activity_id = r.Int();
  attendance.place_id = r.Int();
  attendance.kind = r.As<AttendeeKind>();
  attendance.person_id = r.Int();
  attendance.head_count = static_cast<int32_t>(r.Int());
  attendance.minutes = static_cast<int32_t>(r.Int());
  attendance.credit = r.Int();
  attendance.key = r.Text();
  attendance.create_time = r.Time();
  attendance.revision = r.Int();
  return attendance;
}

absl::StatusOr<CreditEntry> ReadCreditEntry(RowReader& r) {
  CreditEntry entry;
  entry.id = r.Int();
  entry.person_id = r.Int();
  entry.amount = r.Int();
  entry.activity_id = r.Int();
  entry.attendance_id = r.Int();
  entry.reason = r.Text();
  entry.create_time = r.Time();
  entry.revision = r.Int();
  return entry;
}

absl::StatusOr<ServicePoint> ReadServicePoint(RowReader& r) {
  ServicePoint point;
  point.id = r.Int();
  point.unit_id = r.Int();
  point.display_name = r.Text();
  point.kind = r.As<ServicePointKind>();
  point.address = r.Text();
  point.deleted = r.Bool();
  point.create_time = r.Time();
  point.update_time = r.Time();
  point.delete_time = r.Time();
  point.revision = r.Int();
  return point;
}

struct KeyOfResource {
  sqlite::ResourceKey operator()(const Activity& a) const {
    return {kActivityKind, a.id, a.revision};
  }
  sqlite::ResourceKey operator()(const Attendance& a) const {
    return {kAttendanceKind, a.id, a.revision};
  }
  sqlite::ResourceKey operator()(const CreditEntry& e) const {
    return {kCreditEntryKind, e.id, e.revision};
  }
  sqlite::ResourceKey operator()(const ServicePoint& p) const {
    return {kServicePointKind, p.id, p.revision};
  }
};

}  // namespace

std::vector<sqlite::ResourceTable> ActivityStoreSchema::Tables() {
  return {{kActivityKind, "activities", "activity_history", kActivityColumns},
          {kAttendanceKind, "attendances", "attendance_history", kAttendanceColumns},
          {kCreditEntryKind, "credit_entries", "credit_entry_history", kCreditEntryColumns},
          {kServicePointKind, "service_points", "service_point_history", kServicePointColumns}};
}

// Version 2 is every store's keying of request ids by principal: a no-op
// on a new file, kept so that the activity store's versions mean what the
// others' do.
std::vector<std::string> ActivityStoreSchema::Migrations() {
  return {SchemaV1(), sqlite::RequestIdsByPrincipalV2()};
}

sqlite::ResourceKey ActivityStoreSchema::KeyOf(const Snapshot& snapshot) {
  return std::visit(KeyOfResource{}, snapshot);
}

std::string ActivityStoreSchema::NameOf(const Snapshot& snapshot) { return SnapshotName(snapshot); }

void ActivityStoreSchema::Bind(Statement& statement, const Snapshot& snapshot) {
  std::visit([&statement](const auto& resource) { activity::Bind(statement, resource); }, snapshot);
}

absl::StatusOr<Snapshot> ActivityStoreSchema::Read(int64_t kind, RowReader& reader) {
  switch (kind) {
    case kActivityKind:
      return ReadActivity(reader);
    case kAttendanceKind:
      return ReadAttendance(reader);
    case kCreditEntryKind:
      return ReadCreditEntry(reader);
    case kServicePointKind:
      return ReadServicePoint(reader);
  }
  return absl::InternalError(absl::StrCat("no reader for resource kind ", kind));
}

absl::Status ActivityStoreSchema::ReadAll(const sqlite::ResourceStoreBase& store,
                                          sqlite::Database& db, StoredActivities& stored) {
  ASSIGN_OR_RETURN(stored.activities, store.ReadCurrent(db, kActivityKind, &ReadActivity));
  ASSIGN_OR_RETURN(stored.attendances, store.ReadCurrent(db, kAttendanceKind, &ReadAttendance));
  ASSIGN_OR_RETURN(stored.credit_entries,
                   store.ReadCurrent(db, kCreditEntryKind, &ReadCreditEntry));
  ASSIGN_OR_RETURN(stored.service_points,
                   store.ReadCurrent(db, kServicePointKind, &ReadServicePoint));
  if (!stored.activities.empty()) stored.max_activity_id = stored.activities.back().id;
  if (!stored.attendances.empty()) stored.max_attendance_id = stored.attendances.back().id;
  if (!stored.credit_entries.empty()) stored.max_credit_entry_id = stored.credit_entries.back().id;
  if (!stored.service_points.empty()) {
    stored.max_service_point_id = stored.service_points.back().id;
  }
  return absl::OkStatus();
}

}  // namespace grassroots::activity

template class grassroots::sqlite::SqliteMutationStore<grassroots::activity::ActivityStoreSchema>;
