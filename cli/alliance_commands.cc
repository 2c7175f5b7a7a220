#include "cli/alliance_commands.h"

#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/common_commands.h"
#include "cli/csv.h"
#include "org_service/alliance.h"
#include "org_service/org_labels.h"

namespace grassroots::cli {
namespace {

using org::v1::Alliance;
using org::v1::AllianceItem;
using OrgStub = org::v1::OrgService::Stub;
using Member = Alliance::Member;

const ResourceKind<OrgStub, org::v1::GetAllianceRequest, Alliance> kAlliances = {
    &Context::org, "alliances", &OrgStub::GetAlliance, &AllianceTableColumns};

// The members' spreadsheet, in this order.
const std::vector<std::string>& MembersCsvHeader() {
  static const std::vector<std::string> header = {"角色", "名称", "统一社会信用代码", "备注"};
  return header;
}

std::optional<Member::Role> RoleOf(const std::string& text) {
  return LabelOrEnumName<org::AllianceMemberRole, Member::Role>(text);
}

constexpr absl::string_view kRoles =
    "居民代表, 党员代表, 业委会, 物业企业, 共建单位, 企业, 社会组织, 其他 (or "
    "RESIDENT_REPRESENTATIVES, ..., OTHER)";

bool RoleNamesOrganisation(Member::Role role) { return role >= Member::PROPERTY_COMPANY; }

// `--member ROLE=VALUE`: an organisation's externalOrgs/ID for the roles of
// organisations, the group's name for the others.
Member MemberFlag(const std::string& text) {
  const size_t eq = text.find('=');
  const std::optional<Member::Role> role =
      eq == std::string::npos ? std::nullopt : RoleOf(text.substr(0, eq));
  if (!role) {
    UsageError(absl::StrCat("--member: \"", text, "\" is not ROLE=VALUE with a role of ", kRoles));
  }
  Member member;
  member.set_role(*role);
  const std::string value = text.substr(eq + 1);
  if (RoleNamesOrganisation(*role)) {
    member.set_external_org(ResourceName(value, "externalOrgs", "--member"));
  } else {
    member.set_display_name(value);
  }
  return member;
}

Alliance::Kind KindFlag(const std::string& text) {
  std::optional<Alliance::Kind> kind = LabelOrEnumName<org::AllianceKind, Alliance::Kind>(text);
  if (!kind) {
    UsageError(
        absl::StrCat("--kind: \"", text,
                     "\" is not COMPOUND (小区联盟, \"1+4+X\") or NEIGHBOURHOOD (近邻党建联盟)"));
  }
  return *kind;
}

AllianceItem::Kind ItemKindFlag(const std::string& text) {
  std::optional<AllianceItem::Kind> kind = LabelOrEnumName<org::ItemKind, AllianceItem::Kind>(text);
  if (!kind) {
    UsageError(absl::StrCat("--kind: \"", text,
                            "\" is not 资源, 需求 or 责任 (RESOURCE, NEED, "
                            "RESPONSIBILITY)"));
  }
  return *kind;
}

struct FieldFlags {
  std::optional<std::string> display_name, leader, established;
  std::vector<std::string> members;
};

void AddFieldFlags(CLI::App* command, FieldFlags* flags) {
  command->add_option("--name", flags->display_name, "The name, e.g. 幸福小区“1+4+X”联盟");
  command->add_option("--leader", flags->leader,
                      "partyOrgs/ID: the unit's own party organisation, which leads (the \"1\")");
  command->add_option("--established", flags->established, "When it was formed, 2024-03-01");
  command->add_option("--member", flags->members,
                      absl::StrCat("ROLE=externalOrgs/ID, or ROLE=名称 for a group; repeat it. "
                                   "Roles: ",
                                   kRoles));
}

void ApplyFieldFlags(const FieldFlags& flags, Alliance* alliance, std::vector<std::string>* paths) {
  if (flags.display_name) {
    alliance->set_display_name(*flags.display_name);
    paths->push_back("display_name");
  }
  if (flags.leader) {
    alliance->set_leading_party_org(ResourceName(*flags.leader, "partyOrgs", "--leader"));
    paths->push_back("leading_party_org");
  }
  if (flags.established) {
    *alliance->mutable_established_date() = ParseDate(*flags.established, "--established");
    paths->push_back("established_date");
  }
  if (!flags.members.empty()) {
    for (const std::string& m : flags.members) *alliance->add_members() = MemberFlag(m);
    paths->push_back("members");
  }
}

void AddCreate(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string kind, unit;
    FieldFlags fields;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand("create", "Form an alliance around a unit");
  command
      ->add_option("--kind", flags->kind,
                   "COMPOUND (小区联盟, \"1+4+X\") or NEIGHBOURHOOD (近邻党建联盟)")
      ->required();
  command
      ->add_option("--unit", flags->unit,
                   "units/ID: a compound for COMPOUND, a community or street for NEIGHBOURHOOD")
      ->required();
  AddFieldFlags(command, &flags->fields);
  command->get_option("--name")->required();
  command->get_option("--leader")->required();
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    org::v1::CreateAllianceRequest request;
    Alliance* alliance = request.mutable_alliance();
    alliance->set_kind(KindFlag(flags->kind));
    alliance->set_unit(ResourceName(flags->unit, "units", "--unit"));
    std::vector<std::string> paths;
    ApplyFieldFlags(flags->fields, alliance, &paths);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->org(), &OrgStub::CreateAlliance, request),
          AllianceTableColumns());
  });
}

void AddList(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string unit, kind;
    bool dissolved = false;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand("list", "The alliances at a unit or below it");
  command->add_option("--unit", flags->unit,
                      "units/ID (needed unless your scope is every district)");
  command->add_option("--kind", flags->kind, "Only COMPOUND or NEIGHBOURHOOD");
  command->add_flag("--dissolved", flags->dissolved, "Only dissolved ones (else active ones)");
  AddListFlags(command, &flags->list);
  command->callback([context, flags] {
    org::v1::ListAlliancesRequest request;
    request.set_unit(OptionalResourceName(flags->unit, "units", "--unit"));
    std::vector<std::string> conditions = {flags->dissolved ? "state = DISSOLVED"
                                                            : "state = ACTIVE"};
    if (!flags->kind.empty()) {
      conditions.push_back(absl::StrCat("kind = ", EnumName(KindFlag(flags->kind))));
    }
    request.set_filter(JoinFilter(std::move(conditions), flags->list));
    request.set_show_deleted(flags->list.show_deleted);
    PrintList(*context,
              context->ListAll(context->org(), &OrgStub::ListAlliances, request,
                               &org::v1::ListAlliancesResponse::alliances, flags->list.limit),
              AllianceTableColumns());
  });
}

// Writes `alliance` (whose name and etag are set) with the fields `paths`.
Alliance WriteAlliance(Context& context, Alliance alliance, const std::vector<std::string>& paths) {
  org::v1::UpdateAllianceRequest request;
  *request.mutable_alliance() = std::move(alliance);
  for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
  return context.Call(context.org(), &OrgStub::UpdateAlliance, request);
}

void AddUpdate(CLI::App& noun, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    FieldFlags fields;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = noun.add_subcommand(
      "update", "Change the fields given, and only those (--member replaces every member)");
  command->add_option("name", flags->name, "alliances/ID")->required();
  AddFieldFlags(command, &flags->fields);
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, flags] {
    Alliance alliance;
    alliance.set_name(ResourceName(flags->name, "alliances", "NAME"));
    std::vector<std::string> paths;
    ApplyFieldFlags(flags->fields, &alliance, &paths);
    if (paths.empty()) UsageError("nothing to update: give the fields to change (see --help)");
    alliance.set_etag(flags->etag.empty() ? CurrentVersion(*context, context->org(),
                                                           &OrgStub::GetAlliance, alliance.name())
                                                .etag()
                                          : flags->etag);
    Print(*context, WriteAlliance(*context, std::move(alliance), paths), AllianceTableColumns());
  });
}

// The district whose directory an alliance's members come from.
std::string DistrictOf(Context& context, const Alliance& alliance) {
  org::v1::GetAncestorsRequest request;
  request.set_name(alliance.unit());
  const org::v1::GetAncestorsResponse path =
      context.Call(context.org(), &OrgStub::GetAncestors, request);
  if (path.ancestors().empty()) return alliance.unit();
  return path.ancestors(0).name();
}

// The organisation of the district's directory a row names: by credit code
// when the row gives one, else by its exact name, which must then be unique.
absl::StatusOr<std::string> FindExternalOrg(Context& context, const std::string& district,
                                            const std::string& name, const std::string& code) {
  org::v1::ListExternalOrgsRequest request;
  request.set_district(district);
  request.set_filter(code.empty() ? absl::StrCat("display_name = ", FilterString(name))
                                  : absl::StrCat("credit_code = ", FilterString(code)));
  request.set_page_size(2);
  const org::v1::ListExternalOrgsResponse found =
      context.Call(context.org(), &OrgStub::ListExternalOrgs, request);
  const std::string what =
      code.empty() ? absl::StrCat("名称 \"", name, "\"") : absl::StrCat("统一社会信用代码 ", code);
  if (found.external_orgs().empty()) {
    return absl::NotFoundError(absl::StrCat(what, ": no such organisation in the directory of ",
                                            district, " (add it with external-orgs create)"));
  }
  if (found.external_orgs_size() > 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, ": several organisations have it; give the credit code"));
  }
  return found.external_orgs(0).name();
}

// The whole file or nothing: every row is checked and its organisation
// found first; any refused row is reported by its line and nothing is
// written. Otherwise the members are replaced in one write, against the
// etag read first, so that the same file imported twice changes nothing
// the second time.
void AddMembersImport(CLI::App& members, std::shared_ptr<Context> context) {
  struct Flags {
    std::string alliance, file;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = members.add_subcommand(
      "import", "Replace an alliance's members with a CSV file (角色,名称,统一社会信用代码,备注)");
  command->add_option("alliance", flags->alliance, "alliances/ID")->required();
  command->add_option("file", flags->file, "The CSV file, UTF-8, with the header row")->required();
  command->callback([context, flags] {
    const Alliance current = CurrentVersion(*context, context->org(), &OrgStub::GetAlliance,
                                            ResourceName(flags->alliance, "alliances", "ALLIANCE"));
    const std::string district = DistrictOf(*context, current);
    Alliance next;
    next.set_name(current.name());
    next.set_etag(current.etag());
    int refused = 0;
    refused += ForEachCsvRecord(flags->file, MembersCsvHeader(), [&](const CsvRow& r) {
      const auto field = [&](size_t i) { return i < r.fields.size() ? r.fields[i] : ""; };
      const auto refuse = [&](absl::string_view problem) {
        std::cerr << flags->file << ": line " << r.line << ": " << problem << "\n";
        ++refused;
      };
      const std::optional<Member::Role> role = RoleOf(field(0));
      if (!role) return refuse(absl::StrCat("角色: \"", field(0), "\" is not one of ", kRoles));
      Member member;
      member.set_role(*role);
      if (!RoleNamesOrganisation(*role)) {
        member.set_display_name(field(1));
      } else {
        absl::StatusOr<std::string> org = FindExternalOrg(*context, district, field(1), field(2));
        if (!org.ok()) return refuse(org.status().message());
        member.set_external_org(*org);
        member.set_display_name(field(3));
      }
      *next.add_members() = std::move(member);
    });
    if (refused > 0) {
      throw CommandError(kExitCallFailed,
                         absl::StrCat(refused, " rows were refused; nothing was written"));
    }
    const Alliance written = WriteAlliance(*context, std::move(next), {"members"});
    std::cout << written.name() << ": " << written.members_size() << " members\n";
  });
}

void AddMembersExport(CLI::App& members, std::shared_ptr<Context> context) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = members.add_subcommand(
      "export", "Write an alliance's members as CSV (角色,名称,统一社会信用代码,备注)");
  command->add_option("alliance", *name, "alliances/ID")->required();
  command->callback([context, name] {
    const Alliance alliance = CurrentVersion(*context, context->org(), &OrgStub::GetAlliance,
                                             ResourceName(*name, "alliances", "ALLIANCE"));
    std::cout << kUtf8Bom << FormatCsvRecord(MembersCsvHeader());
    for (const Member& m : alliance.members()) {
      const std::string role(Label(static_cast<org::AllianceMemberRole>(m.role())));
      if (m.external_org().empty()) {
        std::cout << FormatCsvRecord({role, m.display_name(), "", ""});
        continue;
      }
      const org::v1::ExternalOrg org =
          CurrentVersion(*context, context->org(), &OrgStub::GetExternalOrg, m.external_org());
      std::cout << FormatCsvRecord({role, org.display_name(), org.credit_code(), m.display_name()});
    }
  });
}

// `alliances/{a}/items/{i}` as given, checked as the service checks it.
std::string ItemName(const std::string& text) {
  const absl::StatusOr<org::AllianceItemId> id = org::ParseAllianceItemName(text, "NAME");
  if (!id.ok()) UsageError(std::string(id.status().message()));
  return text;
}

AllianceItem CurrentItem(Context& context, const std::string& name) {
  org::v1::GetAllianceItemRequest request;
  request.set_name(name);
  return context.Call(context.org(), &OrgStub::GetAllianceItem, request);
}

void AddItemCommands(CLI::App& noun, std::shared_ptr<Context> context) {
  CLI::App* items =
      noun.add_subcommand("items", "The three lists of an alliance: 资源、需求、责任");
  items->require_subcommand(1);

  struct AddFlags {
    std::string alliance, kind, title, description, request_id;
  };
  auto add = std::make_shared<AddFlags>();
  CLI::App* add_command = items->add_subcommand("add", "Put an item on a list");
  add_command->add_option("alliance", add->alliance, "alliances/ID")->required();
  add_command->add_option("--kind", add->kind, "资源 (RESOURCE), 需求 (NEED) or 责任")->required();
  add_command->add_option("--title", add->title, "What it is, e.g. 3号楼电梯维修")->required();
  add_command->add_option("--description", add->description, "More about it");
  AddRequestIdFlag(add_command, &add->request_id);
  add_command->callback([context, add] {
    org::v1::CreateAllianceItemRequest request;
    request.set_parent(ResourceName(add->alliance, "alliances", "ALLIANCE"));
    request.mutable_item()->set_kind(ItemKindFlag(add->kind));
    request.mutable_item()->set_title(add->title);
    request.mutable_item()->set_description(add->description);
    request.set_request_id(RequestId(add->request_id));
    Print(*context, context->Call(context->org(), &OrgStub::CreateAllianceItem, request),
          AllianceItemTableColumns());
  });

  auto get = std::make_shared<std::string>();
  CLI::App* get_command = items->add_subcommand("get", "Show one");
  get_command->add_option("name", *get, "alliances/ID/items/ID")->required();
  get_command->callback([context, get] {
    Print(*context, CurrentItem(*context, ItemName(*get)), AllianceItemTableColumns());
  });

  struct ListItemFlags {
    std::string alliance, kind, state;
    ListFlags list;
  };
  auto list = std::make_shared<ListItemFlags>();
  CLI::App* list_command = items->add_subcommand("list", "The items of an alliance");
  list_command->add_option("alliance", list->alliance, "alliances/ID")->required();
  list_command->add_option("--kind", list->kind, "Only 资源, 需求 or 责任");
  list_command->add_option("--state", list->state, "Only OPEN, CLAIMED or DONE");
  AddListFlags(list_command, &list->list, /*show_deleted=*/false);
  list_command->callback([context, list] {
    org::v1::ListAllianceItemsRequest request;
    request.set_parent(ResourceName(list->alliance, "alliances", "ALLIANCE"));
    std::vector<std::string> conditions;
    if (!list->kind.empty()) {
      conditions.push_back(absl::StrCat("kind = ", EnumName(ItemKindFlag(list->kind))));
    }
    if (!list->state.empty()) {
      conditions.push_back(absl::StrCat(
          "state = ", EnumName(ParseEnum<AllianceItem::State>(list->state, "--state"))));
    }
    request.set_filter(JoinFilter(std::move(conditions), list->list));
    PrintList(*context,
              context->ListAll(context->org(), &OrgStub::ListAllianceItems, request,
                               &org::v1::ListAllianceItemsResponse::items, list->list.limit),
              AllianceItemTableColumns());
  });

  struct StepFlags {
    std::string name, by, result, etag;
  };
  auto claim = std::make_shared<StepFlags>();
  CLI::App* claim_command =
      items->add_subcommand("claim", "Claim an OPEN item for a member (主动认领)");
  claim_command->add_option("name", claim->name, "alliances/ID/items/ID")->required();
  claim_command
      ->add_option("--by", claim->by,
                   "externalOrgs/ID of a member, or partyOrgs/ID of the leading organisation")
      ->required();
  claim_command->add_option("--etag", claim->etag, "Write only if the etag still matches");
  claim_command->callback([context, claim] {
    org::v1::ClaimAllianceItemRequest request;
    request.set_name(ItemName(claim->name));
    request.set_claimed_by(absl::StartsWith(claim->by, "partyOrgs/")
                               ? claim->by
                               : ResourceName(claim->by, "externalOrgs", "--by"));
    request.set_etag(claim->etag.empty() ? CurrentItem(*context, request.name()).etag()
                                         : claim->etag);
    Print(*context, context->Call(context->org(), &OrgStub::ClaimAllianceItem, request),
          AllianceItemTableColumns());
  });

  auto complete = std::make_shared<StepFlags>();
  CLI::App* complete_command = items->add_subcommand("complete", "Report a CLAIMED item done");
  complete_command->add_option("name", complete->name, "alliances/ID/items/ID")->required();
  complete_command->add_option("--result", complete->result, "What was done");
  complete_command->add_option("--etag", complete->etag, "Write only if the etag still matches");
  complete_command->callback([context, complete] {
    org::v1::CompleteAllianceItemRequest request;
    request.set_name(ItemName(complete->name));
    request.set_result(complete->result);
    request.set_etag(complete->etag.empty() ? CurrentItem(*context, request.name()).etag()
                                            : complete->etag);
    Print(*context, context->Call(context->org(), &OrgStub::CompleteAllianceItem, request),
          AllianceItemTableColumns());
  });
}

}  // namespace

const Columns<Alliance>& AllianceTableColumns() {
  static const Columns<Alliance> columns = {
      {"name", [](const Alliance& a) { return a.name(); }},
      {"kind", [](const Alliance& a) { return EnumName(a.kind()); }},
      {"display_name", [](const Alliance& a) { return a.display_name(); }},
      {"unit", [](const Alliance& a) { return a.unit(); }},
      {"leading_party_org", [](const Alliance& a) { return a.leading_party_org(); }},
      {"members", [](const Alliance& a) { return absl::StrCat(a.members_size()); }},
      {"state", [](const Alliance& a) { return EnumName(a.state()); }},
      {"established", [](const Alliance& a) { return FormatDate(a.established_date()); }},
  };
  return columns;
}

const Columns<AllianceItem>& AllianceItemTableColumns() {
  static const Columns<AllianceItem> columns = {
      {"name", [](const AllianceItem& i) { return i.name(); }},
      {"kind", [](const AllianceItem& i) { return EnumName(i.kind()); }},
      {"title", [](const AllianceItem& i) { return i.title(); }},
      {"state", [](const AllianceItem& i) { return EnumName(i.state()); }},
      {"claimed_by", [](const AllianceItem& i) { return i.claimed_by(); }},
      {"result", [](const AllianceItem& i) { return i.result(); }},
  };
  return columns;
}

void AddAllianceCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* noun = app.add_subcommand(
      "alliances", "Alliances around a unit (\"1+4+X\", 近邻党建联盟) and their three lists");
  noun->require_subcommand(1);
  AddCreate(*noun, context);
  AddGetCommand(*noun, context, kAlliances);
  AddList(*noun, context);
  AddUpdate(*noun, context);
  AddStateCommand(*noun, context, kAlliances, "dissolve", "Dissolve an alliance (as of today)",
                  &OrgStub::DissolveAlliance);
  AddStateCommand(*noun, context, kAlliances, "delete", "Delete an alliance (soft)",
                  &OrgStub::DeleteAlliance);
  AddStateCommand(*noun, context, kAlliances, "undelete", "Restore a deleted alliance",
                  &OrgStub::UndeleteAlliance);
  CLI::App* members = noun->add_subcommand("members", "An alliance's members as a spreadsheet");
  members->require_subcommand(1);
  AddMembersImport(*members, context);
  AddMembersExport(*members, context);
  AddItemCommands(*noun, context);
}

}  // namespace grassroots::cli
