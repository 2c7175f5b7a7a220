#include "cli/member_commands.h"

#include <string>

#include "cli/common_commands.h"
#include "cli/output.h"

namespace grassroots::cli {
namespace {

using roster::v1::Membership;
using RosterStub = roster::v1::RosterService::Stub;

const Columns<Membership>& MembershipColumns() {
  static const Columns<Membership> columns = {
      {"name", [](const Membership& m) { return m.name(); }},
      {"party_org", [](const Membership& m) { return m.party_org(); }},
      {"start_date", [](const Membership& m) { return FormatDate(m.start_date()); }},
      {"end_date", [](const Membership& m) { return FormatDate(m.end_date()); }},
      {"current", [](const Membership& m) { return YesNo(m.current()); }},
  };
  return columns;
}

// What start, transfer and end take: the member, maybe an organisation, a day.
struct MoveFlags {
  std::string person;
  std::string party_org;
  std::string date;
};

CLI::App* AddMoveCommand(CLI::App& members, const std::string& verb, const std::string& description,
                         MoveFlags* flags) {
  CLI::App* command = members.add_subcommand(verb, description);
  command->add_option("person,--person", flags->person, "people/ID of the member")->required();
  command->add_option("--date", flags->date, "The day it takes effect (default: today)");
  return command;
}

type::Date DateOrToday(const std::string& date) {
  return date.empty() ? Today() : ParseDate(date, "--date");
}

void AddStart(CLI::App& members, std::shared_ptr<Context> context) {
  auto flags = std::make_shared<MoveFlags>();
  CLI::App* command = AddMoveCommand(members, "start",
                                     "Start the membership of a member who has none", flags.get());
  command->add_option("--org", flags->party_org, "partyOrgs/ID")->required();
  command->callback([context, flags] {
    roster::v1::StartMembershipRequest request;
    request.set_person(ResourceName(flags->person, "people", "PERSON"));
    request.set_party_org(ResourceName(flags->party_org, "partyOrgs", "--org"));
    *request.mutable_start_date() = DateOrToday(flags->date);
    Print(*context, context->Call(context->roster(), &RosterStub::StartMembership, request),
          MembershipColumns());
  });
}

void AddTransfer(CLI::App& members, std::shared_ptr<Context> context) {
  auto flags = std::make_shared<MoveFlags>();
  CLI::App* command =
      AddMoveCommand(members, "transfer",
                     "Move a membership to another organisation (history is kept)", flags.get());
  command->add_option("--to", flags->party_org, "partyOrgs/ID it moves to")->required();
  command->callback([context, flags] {
    roster::v1::TransferMembershipRequest request;
    request.set_person(ResourceName(flags->person, "people", "PERSON"));
    request.set_party_org(ResourceName(flags->party_org, "partyOrgs", "--to"));
    *request.mutable_date() = DateOrToday(flags->date);
    Print(*context, context->Call(context->roster(), &RosterStub::TransferMembership, request),
          MembershipColumns());
  });
}

void AddEnd(CLI::App& members, std::shared_ptr<Context> context) {
  auto flags = std::make_shared<MoveFlags>();
  CLI::App* command = AddMoveCommand(members, "end", "End the current membership", flags.get());
  command->callback([context, flags] {
    roster::v1::EndMembershipRequest request;
    request.set_person(ResourceName(flags->person, "people", "PERSON"));
    *request.mutable_end_date() = DateOrToday(flags->date);
    Print(*context, context->Call(context->roster(), &RosterStub::EndMembership, request),
          MembershipColumns());
  });
}

// `history PERSON` lists one member's memberships; `list` everyone's.
void AddList(CLI::App& members, std::shared_ptr<Context> context, bool history) {
  struct Flags {
    std::string person;
    std::string party_org;
    bool current = false;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command =
      history ? members.add_subcommand("history", "A member's memberships, oldest first")
              : members.add_subcommand("list", "Memberships at an organisation, or everyone's");
  if (history) {
    command->add_option("person,--person", flags->person, "people/ID")->required();
  } else {
    command->add_option("--org", flags->party_org, "Only memberships at partyOrgs/ID");
    command->add_flag("--current", flags->current, "Only current memberships");
  }
  command->add_option("--limit", flags->list.limit, "Print at most N (default: all)")
      ->check(CLI::NonNegativeNumber);
  command->callback([context, flags, history] {
    roster::v1::ListMembershipsRequest request;
    request.set_parent(history ? ResourceName(flags->person, "people", "PERSON") : "people/-");
    request.set_party_org(OptionalResourceName(flags->party_org, "partyOrgs", "--org"));
    request.set_current_only(flags->current);
    PrintList(
        *context,
        context->ListAll(context->roster(), &RosterStub::ListMemberships, request,
                         &roster::v1::ListMembershipsResponse::memberships, flags->list.limit),
        MembershipColumns());
  });
}

// Double reporting (双报到): an in-service member reports to the community
// where they live, at a compound, with a post and a duty zone.
const Columns<roster::v1::Registration>& RegistrationColumns() {
  using roster::v1::Registration;
  static const Columns<Registration> columns = {
      {"name", [](const Registration& r) { return r.name(); }},
      {"community", [](const Registration& r) { return r.community(); }},
      {"compound", [](const Registration& r) { return r.compound(); }},
      {"post", [](const Registration& r) { return EnumName(r.post()); }},
      {"duty_zone", [](const Registration& r) { return r.duty_zone(); }},
      {"employer", [](const Registration& r) { return r.employer(); }},
      {"start_date", [](const Registration& r) { return FormatDate(r.start_date()); }},
      {"current", [](const Registration& r) { return YesNo(r.current()); }},
  };
  return columns;
}

void AddRegister(CLI::App& members, std::shared_ptr<Context> context) {
  struct Flags {
    std::string person, community, compound, post, duty_zone, employer, date;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = members.add_subcommand(
      "register", "Double reporting (双报到): an in-service member reports where they live");
  command->add_option("person,--person", flags->person, "people/ID of the member")->required();
  command->add_option("--community", flags->community, "units/ID of the community")->required();
  command->add_option("--compound", flags->compound, "units/ID of a compound of it");
  command->add_option("--post", flags->post,
                      "BRANCH_COMMITTEE, GRID_WORKER, BUILDING_LEAD or VOLUNTEER");
  command->add_option("--duty-zone", flags->duty_zone, "The duty zone taken (责任区)");
  command->add_option("--employer", flags->employer, "externalOrgs/ID of the employer");
  command->add_option("--date", flags->date, "The day it starts (default: today)");
  command->callback([context, flags] {
    roster::v1::CreateRegistrationRequest request;
    request.set_person(ResourceName(flags->person, "people", "PERSON"));
    request.set_community(ResourceName(flags->community, "units", "--community"));
    request.set_compound(OptionalResourceName(flags->compound, "units", "--compound"));
    if (!flags->post.empty()) {
      request.set_post(ParseEnum<roster::v1::Registration::Post>(flags->post, "--post"));
    }
    request.set_duty_zone(flags->duty_zone);
    request.set_employer(OptionalResourceName(flags->employer, "externalOrgs", "--employer"));
    *request.mutable_start_date() = DateOrToday(flags->date);
    Print(*context, context->Call(context->roster(), &RosterStub::CreateRegistration, request),
          RegistrationColumns());
  });
}

void AddRegistrations(CLI::App& members, std::shared_ptr<Context> context) {
  struct Flags {
    std::string person, community;
    bool current = false;
    int64_t limit = 0;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command =
      members.add_subcommand("registrations", "Double-reporting registrations (双报到)");
  command->add_option("--person", flags->person, "Only people/ID's");
  command->add_option("--community", flags->community, "Only those at units/ID");
  command->add_flag("--current", flags->current, "Only current registrations");
  command->add_option("--limit", flags->limit, "Print at most N (default: all)")
      ->check(CLI::NonNegativeNumber);
  command->callback([context, flags] {
    roster::v1::ListRegistrationsRequest request;
    request.set_parent(flags->person.empty() ? "people/-"
                                             : ResourceName(flags->person, "people", "--person"));
    request.set_community(OptionalResourceName(flags->community, "units", "--community"));
    request.set_current_only(flags->current);
    PrintList(*context,
              context->ListAll(context->roster(), &RosterStub::ListRegistrations, request,
                               &roster::v1::ListRegistrationsResponse::registrations, flags->limit),
              RegistrationColumns());
  });
}

}  // namespace

void AddMemberCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* members =
      app.add_subcommand("members", "Party memberships (组织关系): start, transfer, history");
  members->require_subcommand(1);
  AddStart(*members, context);
  AddTransfer(*members, context);
  AddEnd(*members, context);
  AddList(*members, context, /*history=*/true);
  AddList(*members, context, /*history=*/false);
  AddRegister(*members, context);
  AddRegistrations(*members, context);
}

}  // namespace grassroots::cli
