// SqliteOrgStore: the org service's state in one SQLite file.
//
// The shape of the tables, the column encodings, the durability settings
// (WAL with synchronous=FULL, and why) and the connections are those every
// store of the suite shares: see common/sqlite_store_support.h, whose
// ResourceStore does the work. This file holds what is particular to units
// and party organisations.
//
// Schema (version 1, the DDL of SchemaV1() below; 2 keys request ids by
// principal; 3 is SchemaV3(), 4 SchemaV4())
// ------
//   units, unit_history                    kind 1 in events
//   party_orgs, party_org_history          kind 2 in events
//   external_orgs, external_org_history    kind 3 in events (schema 3)
//   alliances, alliance_history            kind 4 in events (schema 5)
//   alliance_items, alliance_item_history  kind 5 in events (schema 5)
//   events, request_ids
//
// Unit details are nullable columns selected by details_kind (0 none, 1
// compound, 2 building; `households` serves both). A party org's covered
// units are a comma-separated TEXT of ascending ids ('' for none).

#include "org_service/sqlite_org_store.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/sqlite.h"
#include "common/sqlite_store_support.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

using sqlite::Binder;
using sqlite::RowReader;
using sqlite::Statement;

// Values of events.kind.
constexpr int64_t kUnitKind = 1;
constexpr int64_t kPartyOrgKind = 2;
constexpr int64_t kExternalOrgKind = 3;
constexpr int64_t kAllianceKind = 4;
constexpr int64_t kAllianceItemKind = 5;

// ---------------------------------------------------------------------------
// Schema

// The columns units and unit_history share, after `id`. Part of published
// schema version 1: never change it; add a migration step instead.
constexpr absl::string_view kUnitFieldsV1 = R"(
  parent_id INTEGER NOT NULL,
  level INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  code TEXT NOT NULL,
  details_kind INTEGER NOT NULL CHECK (details_kind IN (0, 1, 2)),
  compound_kind INTEGER,
  has_property_company INTEGER,
  red_property INTEGER,
  has_owners_committee INTEGER,
  red_owners_committee INTEGER,
  households INTEGER,
  renovation_status INTEGER,
  floors INTEGER,
  address TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

// As kUnitFieldsV1, for party_orgs and party_org_history.
constexpr absl::string_view kPartyOrgFieldsV1 = R"(
  parent_id INTEGER NOT NULL,
  form INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  unit_ids TEXT NOT NULL,
  established_date TEXT,
  rating INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

// Schema version 3 (issue 15): a compound's property service and owners'
// body, appended to units and unit_history (NULL for other levels); the
// external organisations; events of kind 3.
constexpr absl::string_view kUnitColumnsV3[] = {
    "property_mode INTEGER",    "property_company_id INTEGER", "contract_start TEXT",
    "contract_end TEXT",        "owners_body INTEGER",         "owners_body_term_start TEXT",
    "owners_body_term_end TEXT"};

constexpr absl::string_view kExternalOrgFieldsV3 = R"(
  district_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  credit_code TEXT NOT NULL,
  address TEXT NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

std::string SchemaV3() {
  return absl::StrCat(
      sqlite::AddResourceColumns("units", "unit_history", kUnitColumnsV3),
      sqlite::ResourceTablesSchema("external_orgs", "external_org_history", kExternalOrgFieldsV3),
      sqlite::WidenEventKinds("1, 2, 3", "1 unit, 2 party org, 3 external org"));
}

// Schema version 4: a party organisation's term and ratings by year. The
// ratings are one TEXT, "year:rating:stars:rectification" joined by ';'
// ('' for none), read whole with the organisation.
constexpr absl::string_view kPartyOrgColumnsV4[] = {
    "term_start TEXT", "term_years INTEGER NOT NULL DEFAULT 0", "term_postponed_until TEXT",
    "ratings TEXT NOT NULL DEFAULT ''"};

std::string SchemaV4() {
  return sqlite::AddResourceColumns("party_orgs", "party_org_history", kPartyOrgColumnsV4);
}

// Schema version 5: alliances and their items. An alliance's members are
// one TEXT, "role:external_org_id:display_name" joined by ';', with '\\',
// ':' and ';' in names escaped by a backslash ('' for none).
constexpr absl::string_view kAllianceFieldsV5 = R"(
  kind INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  leading_party_org_id INTEGER NOT NULL,
  display_name TEXT NOT NULL,
  members TEXT NOT NULL,
  state INTEGER NOT NULL,
  established_date TEXT,
  dissolved_date TEXT,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  deleted INTEGER NOT NULL,
  delete_time INTEGER NOT NULL,
  delete_revision INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

constexpr absl::string_view kAllianceItemFieldsV5 = R"(
  alliance_id INTEGER NOT NULL,
  unit_id INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  state INTEGER NOT NULL,
  claimed_by_external_org_id INTEGER NOT NULL,
  claimed_by_party_org_id INTEGER NOT NULL,
  result TEXT NOT NULL,
  claim_time INTEGER NOT NULL,
  done_time INTEGER NOT NULL,
  create_time INTEGER NOT NULL,
  update_time INTEGER NOT NULL,
  revision INTEGER NOT NULL)";

std::string SchemaV5() {
  return absl::StrCat(
      sqlite::ResourceTablesSchema("alliances", "alliance_history", kAllianceFieldsV5),
      sqlite::ResourceTablesSchema("alliance_items", "alliance_item_history",
                                   kAllianceItemFieldsV5),
      sqlite::WidenEventKinds("1, 2, 3, 4, 5",
                              "1 unit, 2 party org, 3 external org, 4 alliance, 5 alliance item"));
}

std::string SchemaV1() {
  return absl::StrCat(
      sqlite::ResourceTablesSchema("units", "unit_history", kUnitFieldsV1),
      sqlite::ResourceTablesSchema("party_orgs", "party_org_history", kPartyOrgFieldsV1),
      sqlite::EventLogSchemaV1("1, 2", "1 unit, 2 party org"));
}

// Values of units.details_kind.
enum class DetailsKind : int64_t { kNone = 0, kCompound = 1, kBuilding = 2 };

// Column names in the order Bind/ReadUnit and Bind/ReadPartyOrg bind and
// read them.
constexpr std::array<absl::string_view, 28> kUnitColumns = {
    "id", "parent_id", "level", "display_name", "code",
    // details_kind says which of the nine after it are set.
    "details_kind", "compound_kind", "has_property_company", "red_property", "has_owners_committee",
    "red_owners_committee", "households", "renovation_status", "floors", "address",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision",
    // Schema 3: a compound's property service and owners' body.
    "property_mode", "property_company_id", "contract_start", "contract_end", "owners_body",
    "owners_body_term_start", "owners_body_term_end"};
constexpr std::array<absl::string_view, 12> kExternalOrgColumns = {
    "id", "district_id", "kind", "display_name", "credit_code", "address",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision"};
constexpr std::array<absl::string_view, 15> kAllianceColumns = {
    "id", "kind", "unit_id", "leading_party_org_id", "display_name", "members", "state",
    "established_date", "dissolved_date",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision"};
constexpr std::array<absl::string_view, 15> kAllianceItemColumns = {
    "id", "alliance_id", "unit_id", "kind", "title", "description", "state",
    "claimed_by_external_org_id", "claimed_by_party_org_id", "result", "claim_time", "done_time",
    // Times.
    "create_time", "update_time", "revision"};
constexpr std::array<absl::string_view, 17> kPartyOrgColumns = {
    "id", "parent_id", "form", "display_name", "unit_ids", "established_date", "rating",
    // Times and state.
    "create_time", "update_time", "deleted", "delete_time", "delete_revision", "revision",
    // Schema 4.
    "term_start", "term_years", "term_postponed_until", "ratings"};

// ---------------------------------------------------------------------------
// Rows <-> domain types

// The ten detail columns, from details_kind to address.
struct DetailsBinder {
  Binder& b;
  void operator()(std::monostate) { b.Int(static_cast<int64_t>(DetailsKind::kNone)).Null(9); }
  void operator()(const CompoundDetails& c) {
    b.Int(static_cast<int64_t>(DetailsKind::kCompound))
        .Int(static_cast<int64_t>(c.kind))
        .Int(c.has_property_company)
        .Int(c.red_property)
        .Int(c.has_owners_committee)
        .Int(c.red_owners_committee)
        .Int(c.households)
        .Int(static_cast<int64_t>(c.renovation_status))
        .Null(2);  // floors, address
  }
  void operator()(const BuildingDetails& d) {
    b.Int(static_cast<int64_t>(DetailsKind::kBuilding))
        .Null(5)  // compound_kind .. red_owners_committee
        .Int(d.households)
        .Null()  // renovation_status
        .Int(d.floors)
        .Text(d.address);
  }
};

void Bind(Statement& statement, const Unit& unit) {
  Binder b(statement);
  b.Int(unit.id).Int(unit.parent_id).Int(static_cast<int64_t>(unit.level));
  b.Text(unit.display_name).Text(unit.code);
  std::visit(DetailsBinder{b}, unit.details);
  b.SoftDeletableLifetime(unit);
  if (const auto* c = std::get_if<CompoundDetails>(&unit.details)) {
    b.Int(static_cast<int64_t>(c->property_mode)).Int(c->property_company_id);
    b.OptionalDate(c->contract_start).OptionalDate(c->contract_end);
    b.Int(static_cast<int64_t>(c->owners_body));
    b.OptionalDate(c->owners_body_term_start).OptionalDate(c->owners_body_term_end);
  } else {
    b.Null(7);
  }
}

void Bind(Statement& statement, const ExternalOrg& org) {
  Binder b(statement);
  b.Int(org.id).Int(org.district_id).Int(static_cast<int64_t>(org.kind)).Text(org.display_name);
  b.Text(org.credit_code).Text(org.address).SoftDeletableLifetime(org);
}

std::string FormatUnitIds(const std::vector<int64_t>& unit_ids) {
  return absl::StrJoin(unit_ids, ",");
}

std::string FormatRatings(const std::vector<RatingRecord>& ratings) {
  return absl::StrJoin(ratings, ";", [](std::string* out, const RatingRecord& r) {
    absl::StrAppend(out, r.year, ":", static_cast<int>(r.rating), ":", r.stars, ":",
                    r.rectification ? 1 : 0);
  });
}

absl::StatusOr<std::vector<RatingRecord>> ParseRatings(absl::string_view text) {
  std::vector<RatingRecord> ratings;
  if (text.empty()) return ratings;
  for (absl::string_view item : absl::StrSplit(text, ';')) {
    const std::vector<absl::string_view> parts = absl::StrSplit(item, ':');
    int64_t values[4] = {0, 0, 0, 0};
    bool ok = parts.size() == 4;
    for (size_t i = 0; ok && i < 4; ++i) ok = absl::SimpleAtoi(parts[i], &values[i]);
    if (!ok) return absl::DataLossError(absl::StrCat("bad ratings \"", text, "\""));
    ratings.push_back({static_cast<int32_t>(values[0]), static_cast<Rating>(values[1]),
                       static_cast<int32_t>(values[2]), values[3] != 0});
  }
  return ratings;
}

void Bind(Statement& statement, const PartyOrg& org) {
  Binder b(statement);
  b.Int(org.id).Int(org.parent_id).Int(static_cast<int64_t>(org.form)).Text(org.display_name);
  b.Text(FormatUnitIds(org.unit_ids)).OptionalDate(org.established_date);
  b.Int(static_cast<int64_t>(org.rating)).SoftDeletableLifetime(org);
  b.OptionalDate(org.term.start).Int(org.term.years).OptionalDate(org.term.postponed_until);
  b.Text(FormatRatings(org.ratings));
}

// A name in the members' TEXT: '\\', ':' and ';' after a backslash.
void AppendEscaped(std::string* out, absl::string_view text) {
  for (char c : text) {
    if (c == '\\' || c == ':' || c == ';') out->push_back('\\');
    out->push_back(c);
  }
}

std::string FormatMembers(const std::vector<AllianceMember>& members) {
  std::string out;
  for (const AllianceMember& m : members) {
    if (!out.empty()) out.push_back(';');
    absl::StrAppend(&out, static_cast<int>(m.role), ":", m.external_org_id, ":");
    AppendEscaped(&out, m.display_name);
  }
  return out;
}

// Splits `text` at the unescaped `separator`s, keeping escapes in the parts.
std::vector<std::string> SplitEscaped(absl::string_view text, char separator) {
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      parts.back().append(text.data() + i, 2);
      ++i;
    } else if (text[i] == separator) {
      parts.emplace_back();
    } else {
      parts.back().push_back(text[i]);
    }
  }
  return parts;
}

std::string Unescape(absl::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) ++i;
    out.push_back(text[i]);
  }
  return out;
}

absl::StatusOr<std::vector<AllianceMember>> ParseMembers(absl::string_view text) {
  std::vector<AllianceMember> members;
  if (text.empty()) return members;
  for (const std::string& item : SplitEscaped(text, ';')) {
    const std::vector<std::string> parts = SplitEscaped(item, ':');
    int64_t role = 0;
    AllianceMember member;
    if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &role) ||
        !absl::SimpleAtoi(parts[1], &member.external_org_id)) {
      return absl::DataLossError(absl::StrCat("bad alliance members \"", text, "\""));
    }
    member.role = static_cast<AllianceMemberRole>(role);
    member.display_name = Unescape(parts[2]);
    members.push_back(std::move(member));
  }
  return members;
}

void Bind(Statement& statement, const Alliance& a) {
  Binder b(statement);
  b.Int(a.id).Int(static_cast<int64_t>(a.kind)).Int(a.unit_id).Int(a.leading_party_org_id);
  b.Text(a.display_name).Text(FormatMembers(a.members)).Int(static_cast<int64_t>(a.state));
  b.OptionalDate(a.established_date).OptionalDate(a.dissolved_date);
  b.SoftDeletableLifetime(a);
}

void Bind(Statement& statement, const AllianceItem& item) {
  Binder b(statement);
  b.Int(item.id).Int(item.alliance_id).Int(item.unit_id).Int(static_cast<int64_t>(item.kind));
  b.Text(item.title).Text(item.description).Int(static_cast<int64_t>(item.state));
  b.Int(item.claimed_by_external_org_id).Int(item.claimed_by_party_org_id).Text(item.result);
  b.Time(item.claim_time).Time(item.done_time).Lifetime(item);
}

absl::StatusOr<Alliance> ReadAlliance(RowReader& r) {
  Alliance a;
  a.id = r.Int();
  a.kind = r.As<AllianceKind>();
  a.unit_id = r.Int();
  a.leading_party_org_id = r.Int();
  a.display_name = r.Text();
  ASSIGN_OR_RETURN(a.members, ParseMembers(r.Text()));
  a.state = r.As<AllianceState>();
  ASSIGN_OR_RETURN(a.established_date, r.OptionalDate("established_date"));
  ASSIGN_OR_RETURN(a.dissolved_date, r.OptionalDate("dissolved_date"));
  r.SoftDeletableLifetime(a);
  return a;
}

absl::StatusOr<AllianceItem> ReadAllianceItem(RowReader& r) {
  AllianceItem item;
  item.id = r.Int();
  item.alliance_id = r.Int();
  item.unit_id = r.Int();
  item.kind = r.As<ItemKind>();
  item.title = r.Text();
  item.description = r.Text();
  item.state = r.As<ItemState>();
  item.claimed_by_external_org_id = r.Int();
  item.claimed_by_party_org_id = r.Int();
  item.result = r.Text();
  item.claim_time = r.Time();
  item.done_time = r.Time();
  r.Lifetime(item);
  return item;
}

absl::StatusOr<UnitDetails> ReadDetails(RowReader& r) {
  const int64_t kind = r.Int();
  switch (static_cast<DetailsKind>(kind)) {
    case DetailsKind::kNone:
      r.Skip(9);
      return UnitDetails();
    case DetailsKind::kCompound: {
      CompoundDetails c;
      c.kind = r.As<CompoundKind>();
      c.has_property_company = r.Bool();
      c.red_property = r.Bool();
      c.has_owners_committee = r.Bool();
      c.red_owners_committee = r.Bool();
      c.households = static_cast<int32_t>(r.Int());
      c.renovation_status = r.As<RenovationStatus>();
      r.Skip(2);
      return UnitDetails(std::move(c));
    }
    case DetailsKind::kBuilding: {
      BuildingDetails d;
      r.Skip(5);
      d.households = static_cast<int32_t>(r.Int());
      r.Skip(1);
      d.floors = static_cast<int32_t>(r.Int());
      d.address = r.Text();
      return UnitDetails(std::move(d));
    }
  }
  return absl::DataLossError(absl::StrCat("unknown details_kind ", kind));
}

absl::StatusOr<Unit> ReadUnit(RowReader& r) {
  Unit unit;
  unit.id = r.Int();
  unit.parent_id = r.Int();
  unit.level = r.As<Level>();
  unit.display_name = r.Text();
  unit.code = r.Text();
  ASSIGN_OR_RETURN(unit.details, ReadDetails(r));
  r.SoftDeletableLifetime(unit);
  // Schema 3's columns: NULL for rows written before it (read as 0).
  if (auto* c = std::get_if<CompoundDetails>(&unit.details)) {
    c->property_mode = r.As<PropertyMode>();
    c->property_company_id = r.Int();
    ASSIGN_OR_RETURN(c->contract_start, r.OptionalDate("contract_start"));
    ASSIGN_OR_RETURN(c->contract_end, r.OptionalDate("contract_end"));
    c->owners_body = r.As<OwnersBodyKind>();
    ASSIGN_OR_RETURN(c->owners_body_term_start, r.OptionalDate("owners_body_term_start"));
    ASSIGN_OR_RETURN(c->owners_body_term_end, r.OptionalDate("owners_body_term_end"));
  } else {
    r.Skip(7);
  }
  return unit;
}

absl::StatusOr<ExternalOrg> ReadExternalOrg(RowReader& r) {
  ExternalOrg org;
  org.id = r.Int();
  org.district_id = r.Int();
  org.kind = r.As<ExternalOrgKind>();
  org.display_name = r.Text();
  org.credit_code = r.Text();
  org.address = r.Text();
  r.SoftDeletableLifetime(org);
  return org;
}

absl::StatusOr<std::vector<int64_t>> ParseUnitIds(absl::string_view text) {
  std::vector<int64_t> ids;
  if (text.empty()) return ids;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int64_t id = 0;
    if (!absl::SimpleAtoi(part, &id)) {
      return absl::DataLossError(absl::StrCat("bad unit_ids \"", text, "\""));
    }
    ids.push_back(id);
  }
  return ids;
}

absl::StatusOr<PartyOrg> ReadPartyOrg(RowReader& r) {
  PartyOrg org;
  org.id = r.Int();
  org.parent_id = r.Int();
  org.form = r.As<OrgForm>();
  org.display_name = r.Text();
  ASSIGN_OR_RETURN(org.unit_ids, ParseUnitIds(r.Text()));
  ASSIGN_OR_RETURN(org.established_date, r.OptionalDate("established_date"));
  org.rating = r.As<Rating>();
  r.SoftDeletableLifetime(org);
  ASSIGN_OR_RETURN(org.term.start, r.OptionalDate("term_start"));
  org.term.years = static_cast<int32_t>(r.Int());
  ASSIGN_OR_RETURN(org.term.postponed_until, r.OptionalDate("term_postponed_until"));
  ASSIGN_OR_RETURN(org.ratings, ParseRatings(r.Text()));
  return org;
}

}  // namespace

// ---------------------------------------------------------------------------
// OrgStoreSchema

std::vector<sqlite::ResourceTable> OrgStoreSchema::Tables() {
  return {{kUnitKind, "units", "unit_history", kUnitColumns},
          {kPartyOrgKind, "party_orgs", "party_org_history", kPartyOrgColumns},
          {kExternalOrgKind, "external_orgs", "external_org_history", kExternalOrgColumns},
          {kAllianceKind, "alliances", "alliance_history", kAllianceColumns},
          {kAllianceItemKind, "alliance_items", "alliance_item_history", kAllianceItemColumns}};
}

std::vector<std::string> OrgStoreSchema::Migrations() {
  return {SchemaV1(), sqlite::RequestIdsByPrincipalV2(), SchemaV3(), SchemaV4(), SchemaV5()};
}

sqlite::ResourceKey OrgStoreSchema::KeyOf(const Snapshot& snapshot) {
  return std::visit(
      [](const auto& resource) {
        using T = std::decay_t<decltype(resource)>;
        const int64_t kind = std::is_same_v<T, Unit>          ? kUnitKind
                             : std::is_same_v<T, PartyOrg>    ? kPartyOrgKind
                             : std::is_same_v<T, ExternalOrg> ? kExternalOrgKind
                             : std::is_same_v<T, Alliance>    ? kAllianceKind
                                                              : kAllianceItemKind;
        return sqlite::ResourceKey{kind, resource.id, resource.revision};
      },
      snapshot);
}

std::string OrgStoreSchema::NameOf(const Snapshot& snapshot) { return SnapshotName(snapshot); }

void OrgStoreSchema::Bind(Statement& statement, const Snapshot& snapshot) {
  std::visit([&statement](const auto& resource) { org::Bind(statement, resource); }, snapshot);
}

absl::StatusOr<Snapshot> OrgStoreSchema::Read(int64_t kind, RowReader& reader) {
  if (kind == kUnitKind) return ReadUnit(reader);
  if (kind == kExternalOrgKind) return ReadExternalOrg(reader);
  if (kind == kAllianceKind) return ReadAlliance(reader);
  if (kind == kAllianceItemKind) return ReadAllianceItem(reader);
  return ReadPartyOrg(reader);
}

absl::Status OrgStoreSchema::ReadAll(const sqlite::ResourceStoreBase& store, sqlite::Database& db,
                                     StoredState& state) {
  ASSIGN_OR_RETURN(state.units, store.ReadCurrent(db, kUnitKind, &ReadUnit));
  ASSIGN_OR_RETURN(state.party_orgs, store.ReadCurrent(db, kPartyOrgKind, &ReadPartyOrg));
  ASSIGN_OR_RETURN(state.external_orgs, store.ReadCurrent(db, kExternalOrgKind, &ReadExternalOrg));
  ASSIGN_OR_RETURN(state.alliances, store.ReadCurrent(db, kAllianceKind, &ReadAlliance));
  ASSIGN_OR_RETURN(state.alliance_items,
                   store.ReadCurrent(db, kAllianceItemKind, &ReadAllianceItem));
  if (!state.alliances.empty()) state.max_alliance_id = state.alliances.back().id;
  if (!state.alliance_items.empty()) state.max_alliance_item_id = state.alliance_items.back().id;
  // Deleted resources are kept, so the last row has the largest id ever used.
  if (!state.units.empty()) state.max_unit_id = state.units.back().id;
  if (!state.party_orgs.empty()) state.max_party_org_id = state.party_orgs.back().id;
  if (!state.external_orgs.empty()) {
    state.max_external_org_id = state.external_orgs.back().id;
  }
  return absl::OkStatus();
}

}  // namespace grassroots::org

template class grassroots::sqlite::SqliteMutationStore<grassroots::org::OrgStoreSchema>;
