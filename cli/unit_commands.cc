#include "cli/unit_commands.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/common_commands.h"
#include "cli/gateway_commands.h"

namespace grassroots::cli {
namespace {

using org::v1::CompoundDetails;
using org::v1::Level;
using org::v1::Unit;
using OrgStub = org::v1::OrgService::Stub;

const ResourceKind<OrgStub, org::v1::GetUnitRequest, Unit> kUnits = {
    &Context::org, "units", &OrgStub::GetUnit, &UnitTableColumns};

// The flags that set a unit's fields; create and update take the same ones.
struct UnitFlags {
  std::optional<std::string> display_name;
  std::optional<std::string> code;
  std::optional<std::string> compound_kind;
  std::optional<bool> has_property_company;
  std::optional<bool> red_property;
  std::optional<bool> has_owners_committee;
  std::optional<bool> red_owners_committee;
  std::optional<std::string> renovation;
  // The property service and the owners' body, each written whole.
  std::optional<std::string> property_mode;
  std::optional<std::string> property_company;
  std::optional<std::string> owners_body;
  std::optional<std::string> owners_body_term_end;
  std::optional<int> households;
  std::optional<int> floors;
  std::optional<std::string> address;
};

void AddUnitFieldFlags(CLI::App* command, UnitFlags* flags) {
  command->add_option("--name", flags->display_name, "The Chinese name, e.g. 幸福社区");
  command->add_option("--code", flags->code, "The administrative code, unique among siblings");
  command->add_option("--compound-kind", flags->compound_kind,
                      "Compound: COMMODITY, OLD, RESETTLEMENT, URBAN_VILLAGE, RURAL_CONCENTRATED");
  AddYesNoFlag(command, "--has-property-company", &flags->has_property_company,
               "Compound: managed by a property company (=false to unset)");
  AddYesNoFlag(command, "--red-property", &flags->red_property,
               "Compound: the property company is party-led (红色物业)");
  AddYesNoFlag(command, "--has-owners-committee", &flags->has_owners_committee,
               "Compound: has an owners committee");
  AddYesNoFlag(command, "--red-owners-committee", &flags->red_owners_committee,
               "Compound: the owners committee is party-led (红色业委会)");
  command->add_option("--renovation", flags->renovation,
                      "Compound: NOT_NEEDED, PLANNED, IN_PROGRESS, COMPLETED");
  command->add_option("--property-mode", flags->property_mode,
                      "Compound: COMPANY, SELF_MANAGED or NONE (物业服务; the has-property-company "
                      "flag follows it)");
  command->add_option("--property-company", flags->property_company,
                      "Compound, with --property-mode COMPANY: externalOrgs/ID of the company");
  command->add_option("--owners-body", flags->owners_body,
                      "Compound: OWNERS_COMMITTEE or PROPERTY_MANAGEMENT_COMMITTEE (物管会)");
  command->add_option("--owners-body-term-end", flags->owners_body_term_end,
                      "Compound, with --owners-body: the day its term ends");
  command->add_option("--households", flags->households, "Compound or building: households");
  command->add_option("--floors", flags->floors, "Building: floors above ground");
  command->add_option("--address", flags->address, "Building: street address");
}

// Sets the flagged fields on `unit`, a unit at `level`, and adds their paths
// to `paths` (the update mask of an update).
void ApplyUnitFlags(const UnitFlags& flags, Level level, Unit* unit,
                    std::vector<std::string>* paths) {
  const auto require = [level](bool given, const char* flag, Level wanted) {
    if (given && level != wanted) {
      UsageError(absl::StrCat(flag, " applies only to a ", EnumName(wanted), ", not to a ",
                              EnumName(level)));
    }
  };
  require(flags.compound_kind.has_value(), "--compound-kind", org::v1::COMPOUND);
  require(flags.has_property_company.has_value(), "--has-property-company", org::v1::COMPOUND);
  require(flags.red_property.has_value(), "--red-property", org::v1::COMPOUND);
  require(flags.has_owners_committee.has_value(), "--has-owners-committee", org::v1::COMPOUND);
  require(flags.red_owners_committee.has_value(), "--red-owners-committee", org::v1::COMPOUND);
  require(flags.renovation.has_value(), "--renovation", org::v1::COMPOUND);
  require(flags.property_mode.has_value(), "--property-mode", org::v1::COMPOUND);
  require(flags.owners_body.has_value(), "--owners-body", org::v1::COMPOUND);
  if (flags.property_company && !flags.property_mode) {
    UsageError("--property-company needs --property-mode COMPANY");
  }
  if (flags.owners_body_term_end && !flags.owners_body) {
    UsageError("--owners-body-term-end needs --owners-body");
  }
  require(flags.floors.has_value(), "--floors", org::v1::BUILDING);
  require(flags.address.has_value(), "--address", org::v1::BUILDING);
  if (flags.households && level != org::v1::COMPOUND && level != org::v1::BUILDING) {
    UsageError("--households applies only to a COMPOUND or a BUILDING");
  }

  const auto set = [paths](const auto& value, const char* path, auto setter) {
    if (!value) return;
    setter(*value);
    paths->push_back(path);
  };
  set(flags.display_name, "display_name", [&](const std::string& v) { unit->set_display_name(v); });
  set(flags.code, "code", [&](const std::string& v) { unit->set_code(v); });
  if (level == org::v1::COMPOUND) {
    CompoundDetails* compound = unit->mutable_compound();
    set(flags.compound_kind, "compound.kind", [&](const std::string& v) {
      compound->set_kind(ParseEnum<CompoundDetails::Kind>(v, "--compound-kind"));
    });
    set(flags.has_property_company, "compound.has_property_company",
        [&](bool v) { compound->set_has_property_company(v); });
    set(flags.red_property, "compound.red_property",
        [&](bool v) { compound->set_red_property(v); });
    set(flags.has_owners_committee, "compound.has_owners_committee",
        [&](bool v) { compound->set_has_owners_committee(v); });
    set(flags.red_owners_committee, "compound.red_owners_committee",
        [&](bool v) { compound->set_red_owners_committee(v); });
    set(flags.renovation, "compound.renovation_status", [&](const std::string& v) {
      compound->set_renovation_status(
          ParseEnum<CompoundDetails::RenovationStatus>(v, "--renovation"));
    });
    set(flags.households, "compound.households", [&](int v) { compound->set_households(v); });
    set(flags.property_mode, "compound.property_service", [&](const std::string& v) {
      org::v1::PropertyService* service = compound->mutable_property_service();
      service->set_mode(ParseEnum<org::v1::PropertyService::Mode>(v, "--property-mode"));
      if (flags.property_company) {
        service->set_company(
            ResourceName(*flags.property_company, "externalOrgs", "--property-company"));
      }
    });
    set(flags.owners_body, "compound.owners_body", [&](const std::string& v) {
      org::v1::OwnersBody* body = compound->mutable_owners_body();
      body->set_kind(ParseEnum<org::v1::OwnersBody::Kind>(v, "--owners-body"));
      if (flags.owners_body_term_end) {
        *body->mutable_term_end_date() =
            ParseDate(*flags.owners_body_term_end, "--owners-body-term-end");
      }
    });
  } else if (level == org::v1::BUILDING) {
    org::v1::BuildingDetails* building = unit->mutable_building();
    set(flags.households, "building.households", [&](int v) { building->set_households(v); });
    set(flags.floors, "building.floors", [&](int v) { building->set_floors(v); });
    set(flags.address, "building.address", [&](const std::string& v) { building->set_address(v); });
  }
}

void AddCreate(CLI::App& units, std::shared_ptr<Context> context) {
  struct Flags {
    std::string parent;
    std::string level;
    UnitFlags fields;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = units.add_subcommand("create", "Create a unit");
  command->add_option("--parent", flags->parent, "units/ID one level up (none for a DISTRICT)");
  command->add_option("--level", flags->level, "DISTRICT, STREET, COMMUNITY, COMPOUND, BUILDING")
      ->required();
  AddUnitFieldFlags(command, &flags->fields);
  command->get_option("--name")->required();
  command->get_option("--code")->required();
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    org::v1::CreateUnitRequest request;
    Unit* unit = request.mutable_unit();
    unit->set_parent(OptionalResourceName(flags->parent, "units", "--parent"));
    unit->set_level(ParseEnum<Level>(flags->level, "--level"));
    std::vector<std::string> paths;
    ApplyUnitFlags(flags->fields, unit->level(), unit, &paths);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->org(), &OrgStub::CreateUnit, request),
          UnitTableColumns());
  });
}

void AddList(CLI::App& units, std::shared_ptr<Context> context) {
  struct Flags {
    std::string parent;
    std::string level;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = units.add_subcommand("list", "List the children of a unit, or the districts");
  command->add_option("--parent", flags->parent, "units/ID whose children to list");
  command->add_option("--level", flags->level, "Only units at this level");
  AddListFlags(command, &flags->list);
  command->callback([context, flags] {
    org::v1::ListUnitsRequest request;
    request.set_parent(OptionalResourceName(flags->parent, "units", "--parent"));
    std::vector<std::string> conditions;
    if (!flags->level.empty()) {
      conditions.push_back(
          absl::StrCat("level = ", EnumName(ParseEnum<Level>(flags->level, "--level"))));
    }
    request.set_filter(JoinFilter(std::move(conditions), flags->list));
    request.set_show_deleted(flags->list.show_deleted);
    PrintList(*context,
              context->ListAll(context->org(), &OrgStub::ListUnits, request,
                               &org::v1::ListUnitsResponse::units, flags->list.limit),
              UnitTableColumns());
  });
}

void AddUpdate(CLI::App& units, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    UnitFlags fields;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = units.add_subcommand("update", "Change the fields given, and only those");
  command->add_option("name", flags->name, "units/ID")->required();
  AddUnitFieldFlags(command, &flags->fields);
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, flags] {
    org::v1::UpdateUnitRequest request;
    Unit* unit = request.mutable_unit();
    unit->set_name(ResourceName(flags->name, "units", "NAME"));
    // The level says which details the flags belong to.
    const Unit current = CurrentVersion(*context, context->org(), &OrgStub::GetUnit, unit->name());
    unit->set_etag(flags->etag.empty() ? current.etag() : flags->etag);
    std::vector<std::string> paths;
    ApplyUnitFlags(flags->fields, current.level(), unit, &paths);
    if (paths.empty()) UsageError("nothing to update: give the fields to change (see --help)");
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    Print(*context, context->Call(context->org(), &OrgStub::UpdateUnit, request),
          UnitTableColumns());
  });
}

void AddMove(CLI::App& units, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    std::string to;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = units.add_subcommand("move", "Move a unit with its subtree to a new parent");
  command->add_option("name", flags->name, "units/ID")->required();
  command->add_option("--to", flags->to, "units/ID of the new parent, one level up")->required();
  command->add_option("--etag", flags->etag, "Move only if the etag still matches");
  command->callback([context, flags] {
    org::v1::MoveUnitRequest request;
    request.set_name(ResourceName(flags->name, "units", "NAME"));
    request.set_new_parent(ResourceName(flags->to, "units", "--to"));
    request.set_etag(
        flags->etag.empty()
            ? CurrentVersion(*context, context->org(), &OrgStub::GetUnit, request.name()).etag()
            : flags->etag);
    Print(*context, context->Call(context->org(), &OrgStub::MoveUnit, request), UnitTableColumns());
  });
}

// The units of a subtree as ListDescendants streams them, depth first.
std::vector<Unit> ReadDescendants(Context& context,
                                  const org::v1::ListDescendantsRequest& request) {
  grpc::ClientContext call;
  // A subtree streams in well under a unary deadline; keeping it bounds a
  // hung gateway.
  context.Prepare(call);
  std::unique_ptr<grpc::ClientReader<org::v1::ListDescendantsResponse>> reader =
      context.org().ListDescendants(&call, request);
  std::vector<Unit> units;
  org::v1::ListDescendantsResponse response;
  while (reader->Read(&response)) {
    units.insert(units.end(), response.units().begin(), response.units().end());
  }
  if (const grpc::Status status = reader->Finish(); !status.ok()) CallFailed(status);
  return units;
}

// The subtree as a table whose first column draws it:
//   幸福街道
//   ├── 幸福社区
//   │   └── 一号小区
//   └── 和平社区
Table TreeTable(const Unit& root, const std::vector<Unit>& descendants) {
  std::map<std::string, std::vector<const Unit*>> children;
  for (const Unit& unit : descendants) children[unit.parent()].push_back(&unit);
  Table table{.header = {"DISPLAY_NAME", "NAME", "LEVEL", "CODE"}};
  const auto add_row = [&](const Unit& unit, const std::string& tree) {
    std::string label = tree + unit.display_name();
    if (unit.state() == Unit::DELETED) label += " (deleted)";
    table.rows.push_back({label, unit.name(), EnumName(unit.level()), unit.code()});
  };
  // `indent` is what the ancestors draw: "│   " under a parent with more
  // children to come, "    " under a last child.
  const auto add_children = [&](const auto& self, const std::string& parent,
                                const std::string& indent) -> void {
    const auto found = children.find(parent);
    if (found == children.end()) return;
    const std::vector<const Unit*>& list = found->second;
    for (size_t i = 0; i < list.size(); ++i) {
      const bool last = i + 1 == list.size();
      add_row(*list[i], indent + (last ? "└── " : "├── "));
      self(self, list[i]->name(), indent + (last ? "    " : "│   "));
    }
  };
  add_row(root, "");
  add_children(add_children, root.name(), "");
  return table;
}

void AddTree(CLI::App& parent, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    int depth = 0;
    bool show_deleted = false;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = parent.add_subcommand("tree", "Draw a unit's subtree");
  command->add_option("name", flags->name, "units/ID at the top")->required();
  command->add_option("--depth", flags->depth, "Levels below it (default: all)")
      ->check(CLI::NonNegativeNumber);
  command->add_flag("--show-deleted", flags->show_deleted, "Include deleted units");
  command->callback([context, flags] {
    org::v1::GetUnitRequest get;
    get.set_name(ResourceName(flags->name, "units", "NAME"));
    const Unit root = context->Call(context->org(), &OrgStub::GetUnit, get);
    org::v1::ListDescendantsRequest request;
    request.set_name(root.name());
    request.set_max_depth(flags->depth);
    request.set_show_deleted(flags->show_deleted);
    std::vector<Unit> units = ReadDescendants(*context, request);
    if (context->output == OutputFormat::kTable) {
      std::cout << FormatTable(TreeTable(root, units)) << std::flush;
      return;
    }
    // CSV and JSON list the units depth first; `parent` gives the shape.
    units.insert(units.begin(), root);
    PrintList(*context, units, UnitTableColumns());
  });
}

}  // namespace

const Columns<Unit>& UnitTableColumns() {
  static const Columns<Unit> columns = {
      {"name", [](const Unit& u) { return u.name(); }},
      {"level", [](const Unit& u) { return EnumName(u.level()); }},
      {"display_name", [](const Unit& u) { return u.display_name(); }},
      {"code", [](const Unit& u) { return u.code(); }},
      {"parent", [](const Unit& u) { return u.parent(); }},
      {"state", [](const Unit& u) { return EnumName(u.state()); }},
  };
  return columns;
}

void AddUnitCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* units = app.add_subcommand("units", "Administrative units: district to building");
  units->require_subcommand(1);
  AddCreate(*units, context);
  AddGetCommand(*units, context, kUnits);
  AddList(*units, context);
  AddUpdate(*units, context);
  AddMove(*units, context);
  AddStateCommand(*units, context, kUnits, "delete", "Delete a unit (soft; see undelete)",
                  &OrgStub::DeleteUnit);
  AddStateCommand(*units, context, kUnits, "undelete", "Restore a deleted unit",
                  &OrgStub::UndeleteUnit);
  AddTree(*units, context);
  AddPathCommand(*units, context);
  // `orgctl tree` and `orgctl path`: the two reads people type most.
  AddTree(app, context);
  AddPathCommand(app, context);
}

}  // namespace grassroots::cli
