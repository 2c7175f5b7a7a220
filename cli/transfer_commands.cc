#include "cli/transfer_commands.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/types/span.h"
#include "cli/common_commands.h"
#include "cli/csv.h"
#include "cli/output.h"
#include "cli/people_csv.h"
#include "cli/progress_bar.h"
#include "common/resource_name.h"
#include "google/protobuf/struct.pb.h"
#include "roster_service/person.h"

namespace grassroots::cli {
namespace {

using org::v1::PartyOrg;
using org::v1::Unit;
using roster::v1::ImportRow;
using roster::v1::Person;
using roster::v1::RoleAssignment;
using OrgStub = org::v1::OrgService::Stub;
using RosterStub = roster::v1::RosterService::Stub;

// The server commits the rows of one message together and reads the next
// message once they are answered: a few hundred rows keep its batches large
// and the memory on both sides small.
constexpr int kRowsPerMessage = 250;
// The most names BatchGetPeople takes.
constexpr size_t kBatchGetLimit = 1000;

// --- import

// A refused row as the report lists it. `position` is where the row is in
// the file: its CSV line, or its index in the JSON document's people.
struct Refusal {
  int position = 0;
  RowError error;
};

// Streams rows to ImportPeople in messages of kRowsPerMessage, keeping where
// each came from so that the server's refusals (numbered by row in the
// stream) are reported against the file.
class Importer {
 public:
  Importer(Context& context, bool dry_run) : context_(context), dry_run_(dry_run) {}

  // Sends `parsed.row`, or refuses it here when the file already told what
  // is wrong with it: the server would refuse it too, or worse, store a
  // masked number as data.
  void Add(int position, ParsedRow parsed) {
    ++rows_read_;
    if (!parsed.errors.empty()) {
      ++refused_here_;
      for (RowError& error : parsed.errors) refusals_.push_back({position, std::move(error)});
      return;
    }
    positions_.push_back(position);
    *request_.add_rows() = std::move(parsed.row);
    if (request_.rows_size() >= kRowsPerMessage) Flush();
  }

  // A record the CSV reader could not read; it is not sent.
  void AddUnreadable(int position, std::string problem) {
    ++rows_read_;
    ++refused_here_;
    refusals_.push_back({position, {"", std::move(problem)}});
  }

  int rows_read() const { return rows_read_; }

  // Sends the last rows and waits for the reply. Makes no call when no row
  // was sent.
  grpc::Status Finish() {
    Flush();
    if (writer_ == nullptr) return grpc::Status::OK;
    if (!broken_) writer_->WritesDone();
    return writer_->Finish();
  }

  // After a successful Finish(): the refusals and a summary line on stdout,
  // in the chosen format. Throws CommandError (exit 1) when a row was
  // refused.
  void Report(OutputFormat format, bool csv) {
    std::set<int> refused_by_server;
    for (const roster::v1::ImportRowError& error : response_.errors()) {
      const size_t row = static_cast<size_t>(error.row());
      const int position = row >= 1 && row <= positions_.size() ? positions_[row - 1] : 0;
      refusals_.push_back({position, RowErrorFromServer(error, csv)});
      refused_by_server.insert(error.row());
    }
    std::stable_sort(refusals_.begin(), refusals_.end(),
                     [](const Refusal& a, const Refusal& b) { return a.position < b.position; });
    const int refused = refused_here_ + static_cast<int>(refused_by_server.size());
    const int rows = refused_here_ + response_.rows_received();
    const std::string where = csv ? "line" : "entry";
    if (format == OutputFormat::kJson) {
      PrintJsonReport(where, rows, refused);
    } else {
      Table table{{where, "column", "message"}, {}};
      for (const Refusal& refusal : refusals_) {
        table.rows.push_back(
            {absl::StrCat(refusal.position), refusal.error.column, refusal.error.message});
      }
      if (!table.rows.empty()) std::cout << FormatAs(format, table);
      // A CSV report stays one table; the summary goes beside it.
      (format == OutputFormat::kCsv ? std::cerr : std::cout) << Summary(rows, refused) << "\n";
    }
    if (refused > 0) {
      throw CommandError(kExitCallFailed, absl::StrCat(refused, " of ", rows, " rows refused"));
    }
  }

 private:
  void Flush() {
    if (request_.rows_size() == 0) return;
    if (writer_ == nullptr) {
      context_.Prepare(call_, /*unary=*/false);
      writer_ = context_.roster().ImportPeople(&call_, &response_);
      request_.set_validate_only(dry_run_);  // read from the first message only
    }
    // A failed write means the stream has ended; Finish() tells why.
    if (!broken_) broken_ = !writer_->Write(request_);
    request_.Clear();
  }

  std::string Summary(int rows, int refused) const {
    return absl::StrCat(dry_run_ ? "dry run, nothing stored: " : "", "rows ", rows, ", created ",
                        response_.people_created(), ", updated ", response_.people_updated(),
                        ", unchanged ", response_.rows_unchanged(), ", roles assigned ",
                        response_.roles_assigned(), ", refused ", refused);
  }

  void PrintJsonReport(const std::string& where, int rows, int refused) const {
    google::protobuf::Struct report;
    auto& fields = *report.mutable_fields();
    fields["dry_run"].set_bool_value(dry_run_);
    fields["rows"].set_number_value(rows);
    fields["created"].set_number_value(response_.people_created());
    fields["updated"].set_number_value(response_.people_updated());
    fields["unchanged"].set_number_value(response_.rows_unchanged());
    fields["roles_assigned"].set_number_value(response_.roles_assigned());
    fields["refused"].set_number_value(refused);
    auto* errors = fields["errors"].mutable_list_value();
    for (const Refusal& refusal : refusals_) {
      auto& error = *errors->add_values()->mutable_struct_value()->mutable_fields();
      error[where].set_number_value(refusal.position);
      error["column"].set_string_value(refusal.error.column);
      error["message"].set_string_value(refusal.error.message);
    }
    std::cout << ToJson(report) << "\n";
  }

  Context& context_;
  const bool dry_run_;
  grpc::ClientContext call_;
  roster::v1::ImportPeopleResponse response_;
  std::unique_ptr<grpc::ClientWriterInterface<roster::v1::ImportPeopleRequest>> writer_;
  bool broken_ = false;
  roster::v1::ImportPeopleRequest request_;
  // positions_[n - 1]: where row n of the stream came from.
  std::vector<int> positions_;
  std::vector<Refusal> refusals_;
  int rows_read_ = 0;
  int refused_here_ = 0;
};

void ReadCsv(const std::string& file, std::istream& in, Importer& importer) {
  std::error_code size_error;
  const auto size = std::filesystem::file_size(file, size_error);
  ProgressBar progress(size_error ? 0 : static_cast<int64_t>(size));
  CsvReader reader(in);
  absl::StatusOr<std::optional<CsvRow>> first = reader.Next();
  if (!first.ok()) UsageError(absl::StrCat(file, ": ", first.status().message()));
  if (!first->has_value()) {
    UsageError(absl::StrCat(file, " is empty; its first line must be the header (docs/import.md)"));
  }
  absl::StatusOr<PeopleCsvHeader> header = PeopleCsvHeader::Parse((*first)->fields);
  if (!header.ok()) {
    UsageError(absl::StrCat(file, ": line ", (*first)->line, ": ", header.status().message()));
  }
  while (true) {
    absl::StatusOr<std::optional<CsvRow>> record = reader.Next();
    if (!record.ok()) {
      importer.AddUnreadable(
          reader.error_line(),
          std::string(absl::StripPrefix(record.status().message(),
                                        absl::StrCat("line ", reader.error_line(), ": "))));
    } else if (!record->has_value()) {
      break;
    } else if (!IsBlankRecord((*record)->fields)) {
      importer.Add((*record)->line, ParsePeopleRecord(*header, (*record)->fields));
    }
    progress.Update(reader.bytes_read(), importer.rows_read());
  }
}

void ReadJson(const std::string& file, std::istream& in, Importer& importer) {
  const std::string text(std::istreambuf_iterator<char>(in), {});
  absl::StatusOr<std::vector<ParsedRow>> rows = ParsePeopleJson(text);
  if (!rows.ok()) UsageError(absl::StrCat(file, ": ", rows.status().message()));
  ProgressBar progress(static_cast<int64_t>(rows->size()));
  for (size_t i = 0; i < rows->size(); ++i) {
    importer.Add(static_cast<int>(i), std::move((*rows)[i]));
    progress.Update(static_cast<int64_t>(i + 1), importer.rows_read());
  }
}

struct ImportFlags {
  std::string file;
  bool dry_run = false;
};

void RunImport(Context& context, const ImportFlags& flags) {
  std::ifstream in(flags.file, std::ios::binary);
  if (!in) UsageError(absl::StrCat("cannot read ", flags.file, ": ", std::strerror(errno)));
  if (std::filesystem::is_directory(flags.file)) UsageError(flags.file + " is a directory");
  const bool csv = !absl::EndsWithIgnoreCase(flags.file, ".json");
  Importer importer(context, flags.dry_run);
  if (csv) {
    ReadCsv(flags.file, in, importer);
  } else {
    ReadJson(flags.file, in, importer);
  }
  const grpc::Status status = importer.Finish();
  if (!status.ok()) CallFailed(status);
  importer.Report(context.output, csv);
}

// --- export

int64_t IdOf(const std::string& name, absl::string_view collection) {
  return ParseResourceName(name, collection, "name").value_or(0);
}

std::vector<Unit> ListDescendants(Context& context, const std::string& root, int64_t revision) {
  grpc::ClientContext call;
  context.Prepare(call, /*unary=*/false);
  org::v1::ListDescendantsRequest request;
  request.set_name(root);
  request.set_read_revision(revision);
  auto stream = context.org().ListDescendants(&call, request);
  std::vector<Unit> units;
  org::v1::ListDescendantsResponse batch;
  while (stream->Read(&batch)) {
    for (Unit& unit : *batch.mutable_units()) units.push_back(std::move(unit));
  }
  if (const grpc::Status status = stream->Finish(); !status.ok()) CallFailed(status);
  return units;
}

// The people of a subtree: those living in one of its buildings and those
// holding a current role at one of its places, each with their current
// membership and those roles; every list read at `revision`.
std::vector<ImportRow> ReadPeople(Context& context, const std::string& subtree,
                                  const std::vector<Unit>& units, int64_t revision) {
  RosterStub& roster = context.roster();
  roster::v1::ListRoleAssignmentsRequest roles_request;
  roles_request.set_place(subtree);
  roles_request.set_include_descendants(true);
  roles_request.set_current_only(true);
  roles_request.set_read_revision(revision);
  std::map<std::string, std::vector<RoleAssignment>> roles_by_person;
  for (RoleAssignment& role :
       context.ListAll(roster, &RosterStub::ListRoleAssignments, roles_request,
                       &roster::v1::ListRoleAssignmentsResponse::role_assignments)) {
    roles_by_person[role.person()].push_back(std::move(role));
  }

  std::map<int64_t, Person> people;  // by id, so that the file comes out in a stable order
  const auto add = [&people](Person person) {
    const int64_t id = IdOf(person.name(), "people");
    people.emplace(id, std::move(person));
  };
  for (const Unit& unit : units) {
    if (unit.level() != org::v1::BUILDING) continue;
    roster::v1::ListPeopleRequest request;
    request.set_filter(absl::StrCat("residence_building = ", FilterString(unit.name())));
    request.set_read_revision(revision);
    for (Person& person : context.ListAll(roster, &RosterStub::ListPeople, request,
                                          &roster::v1::ListPeopleResponse::people)) {
      add(std::move(person));
    }
  }
  // Role holders living elsewhere. BatchGetPeople has no read_revision: they
  // are read as they are now.
  std::vector<std::string> elsewhere;
  for (const auto& [name, roles] : roles_by_person) {
    if (!people.contains(IdOf(name, "people"))) elsewhere.push_back(name);
  }
  for (size_t start = 0; start < elsewhere.size(); start += kBatchGetLimit) {
    roster::v1::BatchGetPeopleRequest request;
    const size_t end = std::min(elsewhere.size(), start + kBatchGetLimit);
    request.mutable_names()->Add(elsewhere.begin() + start, elsewhere.begin() + end);
    roster::v1::BatchGetPeopleResponse response =
        context.Call(roster, &RosterStub::BatchGetPeople, request);
    for (Person& person : *response.mutable_people()) add(std::move(person));
  }

  std::vector<ImportRow> rows;
  for (const auto& [id, person] : people) {
    std::vector<roster::v1::Membership> memberships;
    // The proto's PartyStatus numbers are the domain's (roster_proto.cc).
    if (roster::IsPartyMember(static_cast<roster::PartyStatus>(person.party_status()))) {
      roster::v1::ListMembershipsRequest request;
      request.set_parent(person.name());
      request.set_current_only(true);
      request.set_read_revision(revision);
      memberships = context.ListAll(roster, &RosterStub::ListMemberships, request,
                                    &roster::v1::ListMembershipsResponse::memberships);
    }
    const auto held = roles_by_person.find(person.name());
    rows.push_back(ExportRow(person, memberships.empty() ? nullptr : &memberships.front(),
                             held == roles_by_person.end()
                                 ? absl::Span<const RoleAssignment>()
                                 : absl::Span<const RoleAssignment>(held->second)));
  }
  return rows;
}

// The subtree's units, the party organisations covering them, and its
// people. The org lists read at one org revision and the roster lists at
// one roster revision, each pinned by a one-item page before the rest; the
// root unit itself (GetUnit) and role holders living outside the subtree
// are read as they are now.
ExportDocument ReadSubtree(Context& context, const std::string& subtree) {
  OrgStub& org = context.org();
  ExportDocument document;
  document.subtree = subtree;
  org::v1::GetUnitRequest get_root;
  get_root.set_name(subtree);
  document.units.push_back(context.Call(org, &OrgStub::GetUnit, get_root));
  org::v1::ListUnitsRequest pin_org;
  pin_org.set_parent(subtree);
  pin_org.set_page_size(1);
  document.org_revision = context.Call(org, &OrgStub::ListUnits, pin_org).revision();
  roster::v1::ListRoleAssignmentsRequest pin_roster;
  pin_roster.set_place(subtree);
  pin_roster.set_page_size(1);
  document.roster_revision =
      context.Call(context.roster(), &RosterStub::ListRoleAssignments, pin_roster).revision();

  for (Unit& unit : ListDescendants(context, subtree, document.org_revision)) {
    document.units.push_back(std::move(unit));
  }
  // The org filter has no OR: one list per unit.
  std::map<int64_t, PartyOrg> party_orgs;
  for (const Unit& unit : document.units) {
    org::v1::ListPartyOrgsRequest request;
    request.set_filter(absl::StrCat("unit = ", FilterString(unit.name())));
    request.set_read_revision(document.org_revision);
    for (PartyOrg& party_org : context.ListAll(org, &OrgStub::ListPartyOrgs, request,
                                               &org::v1::ListPartyOrgsResponse::party_orgs)) {
      const int64_t id = IdOf(party_org.name(), "partyOrgs");
      party_orgs.emplace(id, std::move(party_org));
    }
  }
  for (auto& [id, party_org] : party_orgs) document.party_orgs.push_back(std::move(party_org));
  document.people = ReadPeople(context, subtree, document.units, document.roster_revision);
  return document;
}

// Once each: what keeps people.csv from re-importing as it was read.
void WarnAboutReimport(const std::vector<ImportRow>& people) {
  const auto masked = std::count_if(people.begin(), people.end(), HasMaskedValues);
  if (masked > 0) {
    std::cerr << "orgctl: warning: ID-card numbers or phones are masked in " << masked << " of "
              << people.size()
              << " rows (your token lacks the personal-data grant); the file cannot be "
                 "re-imported faithfully, and import refuses those rows\n";
  }
  const auto keyless = std::count_if(people.begin(), people.end(), [](const ImportRow& row) {
    return row.person().external_key().empty();
  });
  if (keyless > 0) {
    std::cerr << "orgctl: warning: external_key is empty in " << keyless << " of " << people.size()
              << " rows; import refuses such rows (docs/import.md)\n";
  }
}

void WriteFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) {
    throw CommandError(kExitCallFailed,
                       absl::StrCat("cannot write ", path.string(), ": ", std::strerror(errno)));
  }
}

template <typename Resource>
std::string CsvFile(const std::vector<std::string>& header, const std::vector<Resource>& items,
                    std::vector<std::string> (*format)(const Resource&)) {
  std::string text(kUtf8Bom);
  text += FormatCsvRecord(header);
  for (const Resource& item : items) text += FormatCsvRecord(format(item));
  return text;
}

void WriteCsvFiles(const ExportDocument& document, const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error) {
    throw CommandError(kExitCallFailed,
                       absl::StrCat("cannot create ", dir.string(), ": ", error.message()));
  }
  WriteFile(dir / "units.csv", CsvFile(UnitColumns(), document.units, &FormatUnitRecord));
  WriteFile(dir / "party_orgs.csv",
            CsvFile(PartyOrgColumns(), document.party_orgs, &FormatPartyOrgRecord));
  WriteFile(dir / "people.csv",
            CsvFile(std::vector<std::string>(kPeopleColumns.begin(), kPeopleColumns.end()),
                    document.people, &FormatPeopleRecord));
}

struct ExportFlags {
  std::string subtree;
  std::string dir;
  std::string file;
};

void RunExport(Context& context, const ExportFlags& flags) {
  const std::string subtree = ResourceName(flags.subtree, "units", "--subtree");
  const bool json = context.output == OutputFormat::kJson;
  if (json && !flags.dir.empty()) {
    UsageError("--dir writes CSV files; with -o json the document goes to stdout or --file");
  }
  if (!json && flags.dir.empty()) UsageError("give --dir DIR for CSV files, or -o json");
  if (!json && !flags.file.empty()) UsageError("--file goes with -o json; CSV goes to --dir");

  const ExportDocument document = ReadSubtree(context, subtree);
  WarnAboutReimport(document.people);
  if (json) {
    absl::StatusOr<std::string> text = ExportDocumentToJson(document);
    if (!text.ok()) throw CommandError(kExitCallFailed, std::string(text.status().message()));
    if (flags.file.empty()) {
      std::cout << *text << std::flush;
    } else {
      WriteFile(flags.file, *text);
    }
    return;
  }
  WriteCsvFiles(document, flags.dir);
  std::cout << "exported " << document.units.size() << " units, " << document.party_orgs.size()
            << " party organisations and " << document.people.size() << " people to " << flags.dir
            << " (org revision " << document.org_revision << ", roster revision "
            << document.roster_revision << ")\n";
}

}  // namespace

void AddTransferCommands(CLI::App& app, std::shared_ptr<Context> context) {
  auto import_flags = std::make_shared<ImportFlags>();
  CLI::App* import = app.add_subcommand(
      "import", "Import people with their memberships and roles (docs/import.md)");
  import
      ->add_option("file", import_flags->file,
                   "people.csv, or the .json document of `orgctl export -o json`")
      ->required();
  import->add_flag("--dry-run", import_flags->dry_run,
                   "Have the server check every row, and store nothing");
  import->callback([context, import_flags] { RunImport(*context, *import_flags);
});

auto export_flags = std::make_shared<ExportFlags>();
CLI::App* exp =
    app.add_subcommand("export", "Export a subtree's units, party organisations, people and roles");
exp->add_option("--subtree", export_flags->subtree, "units/ID, the root of the subtree")
    ->required();
exp->add_option("--dir", export_flags->dir,
                "Write units.csv, party_orgs.csv and people.csv here (created if missing)");
exp->add_option("--file", export_flags->file,
                "With -o json: write the document here instead of stdout");
exp->callback([context, export_flags] { RunExport(*context, *export_flags); });
}  // namespace grassroots::cli

}  // namespace grassroots::cli
