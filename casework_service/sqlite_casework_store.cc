// SqliteCaseworkStore: the casework service's state in one SQLite file.
//
// The shape of the tables, the column encodings and the connections are
// those every store of the suite shares (common/sqlite_store_support.h).
//
// Schema (version 1; 2 keys request ids by principal, as in every store)
// ------
//   issues, issue_history            kind 1 in events
//   dispatches, dispatch_history     kind 2
//   events, request_ids
//
// Times are int64 microseconds since the Unix epoch; 0 (the epoch) means
// unset (no due time, never resolved, not closed). Enums are stored as
// their values in the domain headers. Units, party organisations, people
// and external organisations are ids of the other services, 0 for none.
//
// Personal data: the reporter's contact and free text (which may carry a
// number) are kept in full; the service masks them on the way out, and no
// message of this store quotes a stored value.
//
// No index beyond the keys: the service answers from memory (its index of
// open issues by due time included) and Load reads each current table in
// rowid order. Durability as every store of the suite: WAL,
// synchronous=FULL, group commit.

#include "casework_service/sqlite_casework_store.h"

#include <array>
#include <string>
#include <variant>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/sqlite.h"
#include "common/status_macros.h"

namespace grassroots::casework {
namespace {

using sqlite::Binder;
using sqlite::RowReader;
using sqlite::Statement;

constexpr int64_t kIssueKind = 1;
constexpr int64_t kDispatchKind = 2;

// Part of published schema version 1: never change them; add a migration.
constexpr absl::string_view kIssueFieldsV1 = R"(
  place_id INTEGER NOT NULL,
  category INTEGER NOT NULL,
  channel INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  reporter_id INTEGER NOT NULL,
  reporter_contact TEXT NOT NULL,
  compound_id INTEGER NOT NULL,
  community_id INTEGER NOT NULL,
  street_id INTEGER NOT NULL,
  district_id INTEGER NOT NULL,
  handling_level INTEGER NOT NULL,
  handling_party_org_id INTEGER NOT NULL,
  assignee_id INTEGER NOT NULL,
  due_time INTEGER NOT NULL,
  state INTEGER NOT NULL,
  state_reason TEXT NOT NULL,
  satisfaction INTEGER NOT NULL,
  resolution TEXT NOT NULL,
  escalations INTEGER NOT NULL,
  resolve_time INTEGER NOT NULL,
  close_time INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  external_key TEXT NOT NULL)";

constexpr absl::string_view kDispatchFieldsV1 = R"(
  issue_id INTEGER NOT NULL,
  place_id INTEGER NOT NULL,
  department_org_id INTEGER NOT NULL,
  department_name TEXT NOT NULL,
  summoning_unit_id INTEGER NOT NULL,
  due_time INTEGER NOT NULL,
  state INTEGER NOT NULL,
  request TEXT NOT NULL,
  report TEXT NOT NULL,
  acknowledge_time INTEGER NOT NULL,
  report_time INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

std::string SchemaV1() {
  return absl::StrCat(
      sqlite::ResourceTablesSchema("issues", "issue_history", kIssueFieldsV1),
      sqlite::ResourceTablesSchema("dispatches", "dispatch_history", kDispatchFieldsV1),
      sqlite::EventLogSchemaV1("1, 2", "1 issue, 2 dispatch"));
}

constexpr std::array<absl::string_view, 27> kIssueColumns = {"id",
                                                             "place_id",
                                                             "category",
                                                             "channel",
                                                             "title",
                                                             "description",
                                                             "reporter_id",
                                                             "reporter_contact",
                                                             "compound_id",
                                                             "community_id",
                                                             "street_id",
                                                             "district_id",
                                                             "handling_level",
                                                             "handling_party_org_id",
                                                             "assignee_id",
                                                             "due_time",
                                                             "state",
                                                             "state_reason",
                                                             "satisfaction",
                                                             "resolution",
                                                             "escalations",
                                                             "resolve_time",
                                                             "close_time",
                                                             "create_time",
                                                             "update_time",
                                                             "revision",
                                                             "external_key"};
constexpr std::array<absl::string_view, 15> kDispatchColumns = {"id",
                                                                "issue_id",
                                                                "place_id",
                                                                "department_org_id",
                                                                "department_name",
                                                                "summoning_unit_id",
                                                                "due_time",
                                                                "state",
                                                                "request",
                                                                "report",
                                                                "acknowledge_time",
                                                                "report_time",
                                                                "create_time",
                                                                "update_time",
                                                                "revision"};

void Bind(Statement& statement, const Issue& issue) {
  Binder(statement)
      .Int(issue.id)
      .Int(issue.place_id)
      .Enum(issue.category)
      .Enum(issue.channel)
      .Text(issue.title)
      .Text(issue.description)
      .Int(issue.reporter_id)
      .Text(issue.reporter_contact)
      .Int(issue.chain.compound_id)
      .Int(issue.chain.community_id)
      .Int(issue.chain.street_id)
      .Int(issue.chain.district_id)
      .Enum(issue.handling_level)
      .Int(issue.handling_party_org_id)
      .Int(issue.assignee_id)
      .Time(issue.due_time)
      .Enum(issue.state)
      .Text(issue.state_reason)
      .Enum(issue.satisfaction)
      .Text(issue.resolution)
      .Int(issue.escalations)
      .Time(issue.resolve_time)
      .Time(issue.close_time)
      .Lifetime(issue)
      .Text(issue.external_key);
}

void Bind(Statement& statement, const Dispatch& dispatch) {
  Binder(statement)
      .Int(dispatch.id)
      .Int(dispatch.issue_id)
      .Int(dispatch.place_id)
      .Int(dispatch.department_org_id)
      .Text(dispatch.department_name)
      .Int(dispatch.summoning_unit_id)
      .Time(dispatch.due_time)
      .Enum(dispatch.state)
      .Text(dispatch.request)
      .Text(dispatch.report)
      .Time(dispatch.acknowledge_time)
      .Time(dispatch.report_time)
      .Lifetime(dispatch);
}

absl::StatusOr<Issue> ReadIssue(RowReader& r) {
  Issue issue;
  issue.id = r.Int();
  issue.place_id = r.Int();
  issue.category = r.As<Category>();
  issue.channel = r.As<Channel>();
  issue.title = r.Text();
  issue.description = r.Text();
  issue.reporter_id = r.Int();
  issue.reporter_contact = r.Text();
  issue.chain.compound_id = r.Int();
  issue.chain.community_id = r.Int();
  issue.chain.street_id = r.Int();
  issue.chain.district_id = r.Int();
  issue.handling_level = r.As<HandlingLevel>();
  issue.handling_party_org_id = r.Int();
  issue.assignee_id = r.Int();
  issue.due_time = r.Time();
  issue.state = r.As<IssueState>();
  issue.state_reason = r.Text();
  issue.satisfaction = r.As<Satisfaction>();
  issue.resolution = r.Text();
  issue.escalations = static_cast<int32_t>(r.Int());
  issue.resolve_time = r.Time();
  issue.close_time = r.Time();
  r.Lifetime(issue);
  issue.external_key = r.Text();
  return issue;
}

absl::StatusOr<Dispatch> ReadDispatch(RowReader& r) {
  Dispatch dispatch;
  dispatch.id = r.Int();
  dispatch.issue_id = r.Int();
  dispatch.place_id = r.Int();
  dispatch.department_org_id = r.Int();
  dispatch.department_name = r.Text();
  dispatch.summoning_unit_id = r.Int();
  dispatch.due_time = r.Time();
  dispatch.state = r.As<DispatchState>();
  dispatch.request = r.Text();
  dispatch.report = r.Text();
  dispatch.acknowledge_time = r.Time();
  dispatch.report_time = r.Time();
  r.Lifetime(dispatch);
  return dispatch;
}

struct KeyOfResource {
  sqlite::ResourceKey operator()(const Issue& i) const { return {kIssueKind, i.id, i.revision}; }
  sqlite::ResourceKey operator()(const Dispatch& d) const {
    return {kDispatchKind, d.id, d.revision};
  }
};

}  // namespace

std::vector<sqlite::ResourceTable> CaseworkStoreSchema::Tables() {
  return {{kIssueKind, "issues", "issue_history", kIssueColumns},
          {kDispatchKind, "dispatches", "dispatch_history", kDispatchColumns}};
}

// Version 2 is every store's keying of request ids by principal: a no-op
// on a new file, kept so that the casework store's versions mean what the
// others' do.
std::vector<std::string> CaseworkStoreSchema::Migrations() {
  return {SchemaV1(), sqlite::RequestIdsByPrincipalV2()};
}

sqlite::ResourceKey CaseworkStoreSchema::KeyOf(const Snapshot& snapshot) {
  return std::visit(KeyOfResource{}, snapshot);
}

std::string CaseworkStoreSchema::NameOf(const Snapshot& snapshot) { return SnapshotName(snapshot); }

void CaseworkStoreSchema::Bind(Statement& statement, const Snapshot& snapshot) {
  std::visit([&statement](const auto& resource) { casework::Bind(statement, resource); }, snapshot);
}

absl::StatusOr<Snapshot> CaseworkStoreSchema::Read(int64_t kind, RowReader& reader) {
  switch (kind) {
    case kIssueKind:
      return ReadIssue(reader);
    case kDispatchKind:
      return ReadDispatch(reader);
  }
  return absl::InternalError(absl::StrCat("no reader for resource kind ", kind));
}

absl::Status CaseworkStoreSchema::ReadAll(const sqlite::ResourceStoreBase& store,
                                          sqlite::Database& db, StoredCasework& stored) {
  ASSIGN_OR_RETURN(stored.issues, store.ReadCurrent(db, kIssueKind, &ReadIssue));
  ASSIGN_OR_RETURN(stored.dispatches, store.ReadCurrent(db, kDispatchKind, &ReadDispatch));
  if (!stored.issues.empty()) stored.max_issue_id = stored.issues.back().id;
  if (!stored.dispatches.empty()) stored.max_dispatch_id = stored.dispatches.back().id;
  return absl::OkStatus();
}

}  // namespace grassroots::casework

template class grassroots::sqlite::SqliteMutationStore<grassroots::casework::CaseworkStoreSchema>;
