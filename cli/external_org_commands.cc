#include "cli/external_org_commands.h"

#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cli/common_commands.h"
#include "cli/csv.h"
#include "org_service/org_labels.h"

namespace grassroots::cli {
namespace {

using org::v1::ExternalOrg;
using OrgStub = org::v1::OrgService::Stub;

const ResourceKind<OrgStub, org::v1::GetExternalOrgRequest, ExternalOrg> kExternalOrgs = {
    &Context::org, "externalOrgs", &OrgStub::GetExternalOrg, &ExternalOrgTableColumns};

// The spreadsheet's columns, in this order.
const std::vector<std::string>& CsvHeader() {
  static const std::vector<std::string> header = {"名称", "类型", "统一社会信用代码", "地址"};
  return header;
}

// A kind by its Chinese label (物业企业) or its name (PROPERTY_COMPANY).
std::optional<ExternalOrg::Kind> KindOf(const std::string& text) {
  return LabelOrEnumName<org::ExternalOrgKind, ExternalOrg::Kind>(text);
}

ExternalOrg::Kind KindFlag(const std::string& text, const std::string& flag) {
  std::optional<ExternalOrg::Kind> kind = KindOf(text);
  if (!kind) {
    UsageError(absl::StrCat(flag, ": \"", text,
                            "\" is not a kind: 机关部门, 企业, 学校, 医院, 社会组织, 物业企业, "
                            "其他 (or AGENCY, ENTERPRISE, ...)"));
  }
  return *kind;
}

struct FieldFlags {
  std::optional<std::string> display_name, kind, credit_code, address;
};

void AddFieldFlags(CLI::App* command, FieldFlags* flags) {
  command->add_option("--name", flags->display_name, "The name, e.g. 天元区住房和城乡建设局");
  command->add_option("--kind", flags->kind,
                      "机关部门 (AGENCY), 企业, 学校, 医院, 社会组织, 物业企业 (PROPERTY_COMPANY) "
                      "or 其他");
  command->add_option("--credit-code", flags->credit_code,
                      "The unified social credit code (18 characters, GB 32100)");
  command->add_option("--address", flags->address, "The address");
}

void ApplyFieldFlags(const FieldFlags& flags, ExternalOrg* org, std::vector<std::string>* paths) {
  if (flags.display_name) {
    org->set_display_name(*flags.display_name);
    paths->push_back("display_name");
  }
  if (flags.kind) {
    org->set_kind(KindFlag(*flags.kind, "--kind"));
    paths->push_back("kind");
  }
  if (flags.credit_code) {
    org->set_credit_code(*flags.credit_code);
    paths->push_back("credit_code");
  }
  if (flags.address) {
    org->set_address(*flags.address);
    paths->push_back("address");
  }
}

void AddCreate(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string district;
    FieldFlags fields;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command =
      noun.add_subcommand("create", "Add an organisation to a district's directory");
  command->add_option("--district", flags->district, "units/ID of the district")->required();
  AddFieldFlags(command, &flags->fields);
  command->get_option("--name")->required();
  command->get_option("--kind")->required();
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    org::v1::CreateExternalOrgRequest request;
    ExternalOrg* org = request.mutable_external_org();
    org->set_district(ResourceName(flags->district, "units", "--district"));
    std::vector<std::string> paths;
    ApplyFieldFlags(flags->fields, org, &paths);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->org(), &OrgStub::CreateExternalOrg, request),
          ExternalOrgTableColumns());
  });
}

org::v1::ListExternalOrgsRequest ListRequest(const std::string& district, const std::string& kind,
                                             const ListFlags& list) {
  org::v1::ListExternalOrgsRequest request;
  request.set_district(OptionalResourceName(district, "units", "--district"));
  std::vector<std::string> conditions;
  if (!kind.empty()) {
    conditions.push_back(absl::StrCat("kind = ", EnumName(KindFlag(kind, "--kind"))));
  }
  request.set_filter(JoinFilter(std::move(conditions), list));
  request.set_show_deleted(list.show_deleted);
  return request;
}

void AddList(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string district;
    std::string kind;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand("list", "List a district's directory");
  command->add_option("--district", flags->district,
                      "units/ID of the district (needed unless your scope is every district)");
  command->add_option("--kind", flags->kind, "Only this kind");
  AddListFlags(command, &flags->list);
  command->callback([context, flags] {
    PrintList(
        *context,
        context->ListAll(context->org(), &OrgStub::ListExternalOrgs,
                         ListRequest(flags->district, flags->kind, flags->list),
                         &org::v1::ListExternalOrgsResponse::external_orgs, flags->list.limit),
        ExternalOrgTableColumns());
  });
}

void AddUpdate(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    FieldFlags fields;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand("update", "Change the fields given, and only those");
  command->add_option("name", flags->name, "externalOrgs/ID")->required();
  AddFieldFlags(command, &flags->fields);
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, flags] {
    org::v1::UpdateExternalOrgRequest request;
    ExternalOrg* org = request.mutable_external_org();
    org->set_name(ResourceName(flags->name, "externalOrgs", "NAME"));
    std::vector<std::string> paths;
    ApplyFieldFlags(flags->fields, org, &paths);
    if (paths.empty()) UsageError("nothing to update: give the fields to change (see --help)");
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    org->set_etag(
        flags->etag.empty()
            ? CurrentVersion(*context, context->org(), &OrgStub::GetExternalOrg, org->name()).etag()
            : flags->etag);
    Print(*context, context->Call(context->org(), &OrgStub::UpdateExternalOrg, request),
          ExternalOrgTableColumns());
  });
}

// Every row is its own create, named by a request id made from the row's
// credit code (or its name): importing the same file again creates nothing
// twice. A refused row is reported by its line and the others go on; any
// refusal makes the exit status 1.
void AddImport(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string district;
    std::string file;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "import", "Add the rows of a CSV file (名称,类型,统一社会信用代码,地址) to a directory");
  command->add_option("--district", flags->district, "units/ID of the district")->required();
  command->add_option("file", flags->file, "The CSV file, UTF-8, with the header row")->required();
  command->callback([context, flags] {
    const std::string district = ResourceName(flags->district, "units", "--district");
    int created = 0, refused = 0;
    refused += ForEachCsvRecord(flags->file, CsvHeader(), [&](const CsvRow& r) {
      const auto field = [&](size_t i) { return i < r.fields.size() ? r.fields[i] : ""; };
      org::v1::CreateExternalOrgRequest request;
      ExternalOrg* org = request.mutable_external_org();
      org->set_district(district);
      org->set_display_name(field(0));
      const std::optional<ExternalOrg::Kind> kind = KindOf(field(1));
      if (!kind) {
        std::cerr << flags->file << ": line " << r.line << ": 类型: \"" << field(1)
                  << "\" is not a kind\n";
        ++refused;
        return;
      }
      org->set_kind(*kind);
      org->set_credit_code(field(2));
      org->set_address(field(3));
      request.set_request_id(absl::StrCat(
          "csv-", district, "-",
          field(2).empty() ? absl::StrCat("name-", field(0)) : absl::AsciiStrToUpper(field(2))));
      grpc::ClientContext call;
      context->Prepare(call);
      ExternalOrg made;
      const grpc::Status status = context->org().CreateExternalOrg(&call, request, &made);
      if (status.ok()) {
        ++created;
      } else {
        std::cerr << flags->file << ": line " << r.line << ": " << status.error_message() << "\n";
        ++refused;
      }
    });
    std::cout << "imported " << created << " rows, refused " << refused << "\n";
    if (refused > 0) {
      throw CommandError(kExitCallFailed, absl::StrCat(refused, " rows were refused"));
    }
  });
}

void AddExport(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string district;
    std::string kind;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "export", "Write a directory as CSV (名称,类型,统一社会信用代码,地址), for a spreadsheet");
  command->add_option("--district", flags->district, "units/ID of the district")->required();
  command->add_option("--kind", flags->kind, "Only this kind");
  command->callback([context, flags] {
    const std::vector<ExternalOrg> orgs =
        context->ListAll(context->org(), &OrgStub::ListExternalOrgs,
                         ListRequest(flags->district, flags->kind, flags->list),
                         &org::v1::ListExternalOrgsResponse::external_orgs);
    std::cout << kUtf8Bom << FormatCsvRecord(CsvHeader());
    for (const ExternalOrg& o : orgs) {
      std::cout << FormatCsvRecord({o.display_name(),
                                    std::string(Label(static_cast<org::ExternalOrgKind>(o.kind()))),
                                    o.credit_code(), o.address()});
    }
  });
}

}  // namespace

const Columns<ExternalOrg>& ExternalOrgTableColumns() {
  static const Columns<ExternalOrg> columns = {
      {"name", [](const ExternalOrg& o) { return o.name(); }},
      {"kind", [](const ExternalOrg& o) { return EnumName(o.kind()); }},
      {"display_name", [](const ExternalOrg& o) { return o.display_name(); }},
      {"credit_code", [](const ExternalOrg& o) { return o.credit_code(); }},
      {"district", [](const ExternalOrg& o) { return o.district(); }},
      {"state", [](const ExternalOrg& o) { return EnumName(o.state()); }},
  };
  return columns;
}

void AddExternalOrgCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun = app.add_subcommand(
      "external-orgs", "A district's directory: agencies, co-building units, property companies");
  noun->require_subcommand(1);
  AddCreate(*noun, context);
  AddGetCommand(*noun, context, kExternalOrgs);
  AddList(*noun, context);
  AddUpdate(*noun, context);
  AddStateCommand(*noun, context, kExternalOrgs, "delete", "Delete an organisation (soft)",
                  &OrgStub::DeleteExternalOrg);
  AddStateCommand(*noun, context, kExternalOrgs, "undelete", "Restore a deleted organisation",
                  &OrgStub::UndeleteExternalOrg);
  AddImport(*noun, context);
  AddExport(*noun, context);
}

}  // namespace grassroots::cli
