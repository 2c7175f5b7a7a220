#include "cli/people_commands.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/common_commands.h"

namespace grassroots::cli {
namespace {

using roster::v1::Person;
using RosterStub = roster::v1::RosterService::Stub;

const ResourceKind<RosterStub, roster::v1::GetPersonRequest, Person> kPeople = {
    &Context::roster, "people", &RosterStub::GetPerson, &PersonTableColumns};

// The flags that set a person's fields; create and update take the same ones.
struct PersonFlags {
  std::optional<std::string> display_name;
  std::optional<std::string> gender;
  std::optional<std::string> birth;
  std::optional<std::string> id_card;
  std::optional<std::string> phone;
  std::optional<std::string> building;
  std::optional<std::string> room;
  std::optional<std::string> party_status;
  std::optional<std::string> admission;
  std::optional<std::string> category;
  std::optional<std::string> external_key;
};

void AddPersonFieldFlags(CLI::App* command, PersonFlags* flags) {
  command->add_option("--name", flags->display_name, "The name, e.g. 张三");
  command->add_option("--gender", flags->gender, "MALE or FEMALE");
  command->add_option("--birth", flags->birth, "Birth date (1960-05-01)");
  command->add_option("--id-card", flags->id_card, "The 18-character ID-card number");
  command->add_option("--phone", flags->phone, "A mainland mobile number");
  command->add_option("--building", flags->building, "units/ID of the building lived in");
  command->add_option("--room", flags->room, "The room, e.g. 1-101");
  command->add_option("--party-status", flags->party_status, "FULL, PROBATIONARY or NONE");
  command->add_option("--admission", flags->admission, "Admitted to the party on (2001-07-01)");
  command->add_option("--category", flags->category, "IN_SERVICE, RETIRED, DIRECT or FLOATING");
  command->add_option("--external-key", flags->external_key, "The key in the system of origin");
}

// Sets the flagged fields on `person` and adds their paths to `paths`.
void ApplyPersonFlags(const PersonFlags& flags, Person* person, std::vector<std::string>* paths) {
  const auto set = [paths](const auto& value, const char* path, auto setter) {
    if (!value) return;
    setter(*value);
    paths->push_back(path);
  };
  using V = const std::string&;
  set(flags.display_name, "display_name", [&](V v) { person->set_display_name(v); });
  set(flags.gender, "gender",
      [&](V v) { person->set_gender(ParseEnum<Person::Gender>(v, "--gender")); });
  set(flags.birth, "birth_date",
      [&](V v) { *person->mutable_birth_date() = ParseDate(v, "--birth"); });
  set(flags.id_card, "id_card_number", [&](V v) { person->set_id_card_number(v); });
  set(flags.phone, "phone", [&](V v) { person->set_phone(v); });
  set(flags.building, "residence_building",
      [&](V v) { person->set_residence_building(OptionalResourceName(v, "units", "--building")); });
  set(flags.room, "residence_room", [&](V v) { person->set_residence_room(v); });
  set(flags.party_status, "party_status",
      [&](V v) { person->set_party_status(ParseEnum<Person::PartyStatus>(v, "--party-status")); });
  set(flags.admission, "admission_date",
      [&](V v) { *person->mutable_admission_date() = ParseDate(v, "--admission"); });
  set(flags.category, "member_category", [&](V v) {
    person->set_member_category(ParseEnum<Person::MemberCategory>(v, "--category"));
  });
  set(flags.external_key, "external_key", [&](V v) { person->set_external_key(v); });
}

void AddCreate(CLI::App& people, std::shared_ptr<Context> context) {
  struct Flags {
    PersonFlags fields;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = people.add_subcommand("create", "Create a person");
  AddPersonFieldFlags(command, &flags->fields);
  command->get_option("--name")->required();
  command->get_option("--party-status")->required();
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    roster::v1::CreatePersonRequest request;
    std::vector<std::string> paths;
    ApplyPersonFlags(flags->fields, request.mutable_person(), &paths);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->roster(), &RosterStub::CreatePerson, request),
          PersonTableColumns());
  });
}

// `people get NAME`, or `people get --id-card N` (LookupPersonByIdCard).
void AddGet(CLI::App& people, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    std::string id_card;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = people.add_subcommand("get", "Show one person, by name or ID-card number");
  CLI::Option* name = command->add_option("name", flags->name, "people/ID");
  CLI::Option* id_card =
      command->add_option("--id-card", flags->id_card, "Find the person with this number");
  name->excludes(id_card);
  command->callback([context, flags] {
    if (!flags->id_card.empty()) {
      roster::v1::LookupPersonByIdCardRequest request;
      request.set_id_card_number(flags->id_card);
      Print(*context, context->Call(context->roster(), &RosterStub::LookupPersonByIdCard, request),
            PersonTableColumns());
      return;
    }
    if (flags->name.empty()) UsageError("give people/ID or --id-card NUMBER");
    roster::v1::GetPersonRequest request;
    request.set_name(ResourceName(flags->name, "people", "NAME"));
    Print(*context, context->Call(context->roster(), &RosterStub::GetPerson, request),
          PersonTableColumns());
  });
}

void AddList(CLI::App& people, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    std::string party_status;
    std::string category;
    std::string building;
    std::string external_key;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = people.add_subcommand("list", "List people");
  command->add_option("--name", flags->name, "Only names containing this");
  command->add_option("--party-status", flags->party_status, "Only this party status");
  command->add_option("--category", flags->category, "Only this member category");
  command->add_option("--building", flags->building, "Only residents of units/ID");
  command->add_option("--external-key", flags->external_key, "Only the person with this key");
  AddListFlags(command, &flags->list);
  command->callback([context, flags] {
    std::vector<std::string> conditions;
    if (!flags->name.empty()) {
      conditions.push_back(absl::StrCat("display_name : ", FilterString(flags->name)));
    }
    if (!flags->party_status.empty()) {
      conditions.push_back(absl::StrCat(
          "party_status = ",
          EnumName(ParseEnum<Person::PartyStatus>(flags->party_status, "--party-status"))));
    }
    if (!flags->category.empty()) {
      conditions.push_back(
          absl::StrCat("member_category = ",
                       EnumName(ParseEnum<Person::MemberCategory>(flags->category, "--category"))));
    }
    if (!flags->building.empty()) {
      conditions.push_back(
          absl::StrCat("residence_building = ",
                       FilterString(ResourceName(flags->building, "units", "--building"))));
    }
    if (!flags->external_key.empty()) {
      conditions.push_back(absl::StrCat("external_key = ", FilterString(flags->external_key)));
    }
    roster::v1::ListPeopleRequest request;
    request.set_filter(JoinFilter(std::move(conditions), flags->list));
    request.set_show_deleted(flags->list.show_deleted);
    PrintList(*context,
              context->ListAll(context->roster(), &RosterStub::ListPeople, request,
                               &roster::v1::ListPeopleResponse::people, flags->list.limit),
              PersonTableColumns());
  });
}

void AddUpdate(CLI::App& people, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    PersonFlags fields;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = people.add_subcommand("update", "Change the fields given, and only those");
  command->add_option("name", flags->name, "people/ID")->required();
  AddPersonFieldFlags(command, &flags->fields);
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, flags] {
    roster::v1::UpdatePersonRequest request;
    Person* person = request.mutable_person();
    person->set_name(ResourceName(flags->name, "people", "NAME"));
    std::vector<std::string> paths;
    ApplyPersonFlags(flags->fields, person, &paths);
    if (paths.empty()) UsageError("nothing to update: give the fields to change (see --help)");
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    person->set_etag(flags->etag.empty() ? CurrentVersion(*context, context->roster(),
                                                          &RosterStub::GetPerson, person->name())
                                               .etag()
                                         : flags->etag);
    Print(*context, context->Call(context->roster(), &RosterStub::UpdatePerson, request),
          PersonTableColumns());
  });
}

}  // namespace

const Columns<Person>& PersonTableColumns() {
  static const Columns<Person> columns = {
      {"name", [](const Person& p) { return p.name(); }},
      {"display_name", [](const Person& p) { return p.display_name(); }},
      {"gender", [](const Person& p) { return EnumName(p.gender()); }},
      {"party_status", [](const Person& p) { return EnumName(p.party_status()); }},
      {"member_category", [](const Person& p) { return EnumName(p.member_category()); }},
      {"admission_date", [](const Person& p) { return FormatDate(p.admission_date()); }},
      {"id_card_number", [](const Person& p) { return p.id_card_number(); }},
      {"phone", [](const Person& p) { return p.phone(); }},
      {"residence_building", [](const Person& p) { return p.residence_building(); }},
      {"residence_room", [](const Person& p) { return p.residence_room(); }},
      {"external_key", [](const Person& p) { return p.external_key(); }},
      {"state", [](const Person& p) { return EnumName(p.state()); }},
  };
  return columns;
}

void AddPeopleCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* people = app.add_subcommand("people", "People: party members and role holders");
  people->require_subcommand(1);
  AddCreate(*people, context);
  AddGet(*people, context);
  AddList(*people, context);
  AddUpdate(*people, context);
  AddStateCommand(*people, context, kPeople, "delete", "Delete a person (soft)",
                  &RosterStub::DeletePerson);
  AddStateCommand(*people, context, kPeople, "undelete", "Restore a deleted person",
                  &RosterStub::UndeletePerson);
}

}  // namespace grassroots::cli
