#include "cli/gateway_commands.h"

#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/common_commands.h"
#include "cli/output.h"
#include "common/proto_convert.h"

namespace grassroots::cli {
namespace {

using gateway::v1::BuildingProfile;
using gateway::v1::CompoundProfile;
using gateway::v1::Holder;
using gateway::v1::PathLevel;
using GatewayStub = gateway::v1::GatewayService::Stub;

// `幸福小区 (units/4)`; empty for an unset resource.
template <typename Resource>
std::string Labelled(const Resource& resource) {
  if (resource.name().empty()) return "";
  return absl::StrCat(resource.display_name(), " (", resource.name(), ")");
}

std::string HolderNames(const google::protobuf::RepeatedPtrField<Holder>& holders) {
  std::vector<std::string> names;
  for (const Holder& holder : holders) names.push_back(Labelled(holder.person()));
  return absl::StrJoin(names, ", ");
}

const Columns<PathLevel>& PathColumns() {
  static const Columns<PathLevel> columns = {
      {"level", [](const PathLevel& l) { return EnumName(l.unit().level()); }},
      {"unit", [](const PathLevel& l) { return l.unit().name(); }},
      {"display_name", [](const PathLevel& l) { return l.unit().display_name(); }},
      {"party_org", [](const PathLevel& l) { return Labelled(l.party_org()); }},
      {"secretaries", [](const PathLevel& l) { return HolderNames(l.secretaries()); }},
  };
  return columns;
}

const Columns<BuildingProfile>& BuildingColumns() {
  static const Columns<BuildingProfile> columns = {
      {"building", [](const BuildingProfile& b) { return b.building().name(); }},
      {"display_name", [](const BuildingProfile& b) { return b.building().display_name(); }},
      {"party_group", [](const BuildingProfile& b) { return Labelled(b.party_group()); }},
      {"building_leads", [](const BuildingProfile& b) { return HolderNames(b.building_leads()); }},
      {"party_group_members",
       [](const BuildingProfile& b) { return absl::StrCat(b.party_group_member_count()); }},
      {"residents", [](const BuildingProfile& b) { return absl::StrCat(b.resident_count()); }},
  };
  return columns;
}

const Columns<Holder>& HolderColumns() {
  static const Columns<Holder> columns = {
      {"role", [](const Holder& h) { return EnumName(h.role_assignment().role()); }},
      {"person", [](const Holder& h) { return Labelled(h.person()); }},
      {"start_date", [](const Holder& h) { return FormatDate(h.role_assignment().start_date()); }},
      {"note", [](const Holder& h) { return h.role_assignment().note(); }},
  };
  return columns;
}

template <typename M>
std::vector<M> ToVector(const google::protobuf::RepeatedPtrField<M>& items) {
  return {items.begin(), items.end()};
}

// The profile for a terminal: the compound and its branch, then a table of
// its buildings and one of the other roles held at it.
std::string ProfileText(const CompoundProfile& profile) {
  Table summary{.header = {"compound", Labelled(profile.compound())}};
  summary.rows = {
      {"covering_party_org", Labelled(profile.covering_party_org())},
      {"own_branch", YesNo(profile.has_own_branch())},
      {"secretaries", HolderNames(profile.secretaries())},
      {"first_secretaries", HolderNames(profile.first_secretaries())},
      {"branch_members", absl::StrCat(profile.branch_member_count())},
  };
  std::string text = FormatTable(summary);
  absl::StrAppend(
      &text, "\n",
      RenderList(OutputFormat::kTable, ToVector(profile.buildings()), BuildingColumns()));
  if (!profile.compound_roles().empty()) {
    absl::StrAppend(
        &text, "\n",
        RenderList(OutputFormat::kTable, ToVector(profile.compound_roles()), HolderColumns()));
  }
  return text;
}

void AddWhoAmI(CLI::App& app, std::shared_ptr<Context> context) {
  using gateway::v1::WhoAmIResponse;
  static const Columns<WhoAmIResponse> columns = {
      {"principal", [](const WhoAmIResponse& r) { return r.principal(); }},
      {"role", [](const WhoAmIResponse& r) { return EnumName(r.role()); }},
      {"scope", [](const WhoAmIResponse& r) { return r.scope(); }},
      {"personal_data", [](const WhoAmIResponse& r) { return YesNo(r.may_see_personal_data()); }},
  };
  CLI::App* command = app.add_subcommand("whoami", "Who the token belongs to: role and scope");
  command->callback([context] {
    Print(*context,
          context->Call(context->gateway_service(), &GatewayStub::WhoAmI,
                        gateway::v1::WhoAmIRequest()),
          columns);
  });
}

void AddProfile(CLI::App& app, std::shared_ptr<Context> context) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "profile",
      "A compound: its branch and secretaries, buildings with party groups and leads "
      "(-o csv: the buildings)");
  command->add_option("name", *name, "units/ID of a compound")->required();
  command->callback([context, name] {
    gateway::v1::GetCompoundProfileRequest request;
    request.set_name(ResourceName(*name, "units", "NAME"));
    const CompoundProfile profile =
        context->Call(context->gateway_service(), &GatewayStub::GetCompoundProfile, request);
    switch (context->output) {
      case OutputFormat::kJson:
        std::cout << ToJson(profile) << "\n";
        break;
      case OutputFormat::kCsv:
        std::cout << RenderList(OutputFormat::kCsv, ToVector(profile.buildings()),
                                BuildingColumns());
        break;
      case OutputFormat::kTable:
        std::cout << ProfileText(profile);
        break;
    }
    std::cout << std::flush;
  });
}

}  // namespace

void AddPathCommand(CLI::App& parent, std::shared_ptr<Context> context) {
  auto name = std::make_shared<std::string>();
  CLI::App* command = parent.add_subcommand(
      "path", "A unit and its ancestors, each with its party organisation and secretaries");
  command->add_option("name", *name, "units/ID")->required();
  command->callback([context, name] {
    gateway::v1::GetUnitPathRequest request;
    request.set_name(ResourceName(*name, "units", "NAME"));
    const gateway::v1::UnitPath path =
        context->Call(context->gateway_service(), &GatewayStub::GetUnitPath, request);
    if (context->output == OutputFormat::kJson) {
      std::cout << ToJson(path) << "\n" << std::flush;
      return;
    }
    PrintList(*context, ToVector(path.levels()), PathColumns());
  });
}

void AddSecurity(CLI::App& app, std::shared_ptr<Context> context) {
  using gateway::v1::SecurityCounters;
  static const Columns<SecurityCounters> columns = {
      {"principal", [](const SecurityCounters& c) { return c.principal(); }},
      {"unauthenticated",
       [](const SecurityCounters& c) { return absl::StrCat(c.unauthenticated()); }},
      {"permission_denied",
       [](const SecurityCounters& c) { return absl::StrCat(c.permission_denied()); }},
      {"rate_limited", [](const SecurityCounters& c) { return absl::StrCat(c.rate_limited()); }},
      {"uniqueness_conflicts",
       [](const SecurityCounters& c) { return absl::StrCat(c.uniqueness_conflicts()); }},
      {"last",
       [](const SecurityCounters& c) {
         return absl::FormatTime("%Y-%m-%d %H:%M:%S", TimeFromProto(c.last_time()),
                                 absl::LocalTimeZone());
       }},
  };
  CLI::App* command = app.add_subcommand(
      "security",
      "Refused calls and uniqueness conflicts per principal since the gateway started "
      "(ADMIN or AUDITOR of every district)");
  command->callback([context] {
    const gateway::v1::ListSecurityCountersResponse response =
        context->Call(context->gateway_service(), &GatewayStub::ListSecurityCounters,
                      gateway::v1::ListSecurityCountersRequest());
    PrintList(*context, ToVector(response.counters()), columns);
  });
}

void AddGatewayCommands(CLI::App& app, std::shared_ptr<Context> context) {
  AddWhoAmI(app, context);
  AddProfile(app, context);
  AddSecurity(app, context);
}

}  // namespace grassroots::cli
