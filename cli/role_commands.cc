#include "cli/role_commands.h"

#include <string>
#include <vector>

#include "cli/common_commands.h"
#include "cli/output.h"

namespace grassroots::cli {
namespace {

using roster::v1::RoleAssignment;
using RosterStub = roster::v1::RosterService::Stub;

const Columns<RoleAssignment>& RoleColumns() {
  static const Columns<RoleAssignment> columns = {
      {"name", [](const RoleAssignment& r) { return r.name(); }},
      {"role", [](const RoleAssignment& r) { return EnumName(r.role()); }},
      {"person", [](const RoleAssignment& r) { return r.person(); }},
      {"place", [](const RoleAssignment& r) { return r.place(); }},
      {"start_date", [](const RoleAssignment& r) { return FormatDate(r.start_date()); }},
      {"end_date", [](const RoleAssignment& r) { return FormatDate(r.end_date()); }},
      {"current", [](const RoleAssignment& r) { return YesNo(r.current()); }},
      {"note", [](const RoleAssignment& r) { return r.note(); }},
      {"sending_org", [](const RoleAssignment& r) { return r.sending_org(); }},
  };
  return columns;
}

const ResourceKind<RosterStub, roster::v1::GetRoleAssignmentRequest, RoleAssignment> kRoles = {
    &Context::roster, "roleAssignments", &RosterStub::GetRoleAssignment, &RoleColumns};

void AddAssign(CLI::App& roles, std::shared_ptr<Context> context) {
  struct Flags {
    std::string person;
    std::string role;
    std::string place;
    std::string start;
    std::string end;
    std::string note;
    std::string sending_org;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = roles.add_subcommand("assign", "Give a person a role at a place");
  command->add_option("--person", flags->person, "people/ID")->required();
  command->add_option("--role", flags->role, "SECRETARY, BUILDING_LEAD, GRID_WORKER, ...")
      ->required();
  command->add_option("--place", flags->place, "units/ID or partyOrgs/ID")->required();
  command->add_option("--start", flags->start, "First day (2024-01-01)")->required();
  command->add_option("--end", flags->end, "Last day, when already known");
  command->add_option("--note", flags->note, "A note, at most 256 characters");
  command->add_option("--sending-org", flags->sending_org,
                      "externalOrgs/ID that seconds the holder (first secretary, work team)");
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    roster::v1::AssignRoleRequest request;
    RoleAssignment* role = request.mutable_role_assignment();
    role->set_person(ResourceName(flags->person, "people", "--person"));
    role->set_role(ParseEnum<roster::v1::Role>(flags->role, "--role"));
    role->set_place(PlaceName(flags->place, "--place"));
    *role->mutable_start_date() = ParseDate(flags->start, "--start");
    *role->mutable_end_date() = ParseDate(flags->end, "--end");
    role->set_note(flags->note);
    role->set_sending_org(
        OptionalResourceName(flags->sending_org, "externalOrgs", "--sending-org"));
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->roster(), &RosterStub::AssignRole, request),
          RoleColumns());
  });
}

void AddEnd(CLI::App& roles, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    std::string date;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = roles.add_subcommand("end", "End a role assignment");
  command->add_option("name", flags->name, "roleAssignments/ID")->required();
  command->add_option("--date", flags->date, "The last day (default: today)");
  command->add_option("--etag", flags->etag, "End only if the etag still matches");
  command->callback([context, flags] {
    roster::v1::EndRoleAssignmentRequest request;
    request.set_name(ResourceName(flags->name, "roleAssignments", "NAME"));
    *request.mutable_end_date() = flags->date.empty() ? Today() : ParseDate(flags->date, "--date");
    request.set_etag(flags->etag.empty()
                         ? CurrentVersion(*context, context->roster(),
                                          &RosterStub::GetRoleAssignment, request.name())
                               .etag()
                         : flags->etag);
    Print(*context, context->Call(context->roster(), &RosterStub::EndRoleAssignment, request),
          RoleColumns());
  });
}

void AddList(CLI::App& roles, std::shared_ptr<Context> context) {
  struct Flags {
    std::string person;
    std::string place;
    bool subtree = false;
    std::vector<std::string> roles;
    bool all = false;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = roles.add_subcommand("list", "List role assignments");
  command->add_option("--person", flags->person, "Only the roles of people/ID");
  CLI::Option* place =
      command->add_option("--place", flags->place, "Only roles held at units/ID or partyOrgs/ID");
  command->add_flag("--subtree", flags->subtree, "With a unit --place: everywhere below it too")
      ->needs(place);
  command->add_option("--role", flags->roles, "Only these roles: BUILDING_LEAD,GRID_WORKER")
      ->delimiter(',');
  command->add_flag("--all", flags->all, "Include ended assignments");
  command->add_option("--limit", flags->list.limit, "Print at most N (default: all)")
      ->check(CLI::NonNegativeNumber);
  command->callback([context, flags] {
    roster::v1::ListRoleAssignmentsRequest request;
    request.set_person(OptionalResourceName(flags->person, "people", "--person"));
    if (!flags->place.empty()) request.set_place(PlaceName(flags->place, "--place"));
    request.set_include_descendants(flags->subtree);
    for (const std::string& role : flags->roles) {
      request.add_roles(ParseEnum<roster::v1::Role>(role, "--role"));
    }
    request.set_current_only(!flags->all);
    PrintList(*context,
              context->ListAll(context->roster(), &RosterStub::ListRoleAssignments, request,
                               &roster::v1::ListRoleAssignmentsResponse::role_assignments,
                               flags->list.limit),
              RoleColumns());
  });
}

}  // namespace

void AddRoleCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* roles = app.add_subcommand("roles", "Roles held at units and party organisations");
  roles->require_subcommand(1);
  AddAssign(*roles, context);
  AddEnd(*roles, context);
  AddGetCommand(*roles, context, kRoles);
  AddList(*roles, context);
}

}  // namespace grassroots::cli
