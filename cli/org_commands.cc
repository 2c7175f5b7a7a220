#include "cli/org_commands.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/common_commands.h"

namespace grassroots::cli {
namespace {

using org::v1::PartyOrg;
using OrgStub = org::v1::OrgService::Stub;

const ResourceKind<OrgStub, org::v1::GetPartyOrgRequest, PartyOrg> kPartyOrgs = {
    &Context::org, "partyOrgs", &OrgStub::GetPartyOrg, &PartyOrgTableColumns};

// The flags that set an organisation's fields; create and update take the
// same ones. The form is fixed at creation.
struct PartyOrgFlags {
  std::optional<std::string> display_name;
  std::optional<std::vector<std::string>> units;
  std::optional<std::string> parent;
  std::optional<std::string> established;
  std::optional<std::string> rating;
  // The term: any of these writes the term whole, the others kept from the
  // organisation as it is (update) or unset (create).
  std::optional<std::string> term_start, term_postponed_until;
  std::optional<int32_t> term_years;
  // YEAR:RATING:STARS[:rectification], each replacing that year's record.
  std::vector<std::string> rating_records;
};

void AddPartyOrgFieldFlags(CLI::App* command, PartyOrgFlags* flags) {
  command->add_option("--name", flags->display_name, "The name, e.g. 幸福小区党支部");
  command->add_option("--units", flags->units, "The units covered: units/5,units/6")
      ->delimiter(',');
  command->add_option("--parent", flags->parent, "partyOrgs/ID of the organisation above");
  command->add_option("--established", flags->established, "Established on (2020-07-01)");
  command->add_option("--rating", flags->rating, "ADVANCED, ORDINARY or LAGGING");
  command->add_option("--term-start", flags->term_start,
                      "The election that began the current term (2023-06-01)");
  command->add_option("--term-years", flags->term_years,
                      "The term's length, 1..5 (default: 5 for community bodies, 3 otherwise)");
  command->add_option("--term-postponed-until", flags->term_postponed_until,
                      "An approved postponement of the election, at most a year past the term");
  command->add_option("--rating-record", flags->rating_records,
                      "A year's rating (晋位升级, 达标创星): YEAR:RATING:STARS[:rectification], "
                      "e.g. 2025:ADVANCED:5; repeat it; replaces that year's record");
}

// YEAR:RATING:STARS[:rectification].
org::v1::RatingRecord ParseRatingRecord(const std::string& text) {
  const std::vector<std::string> parts = absl::StrSplit(text, ':');
  int32_t year = 0, stars = 0;
  if ((parts.size() != 3 && parts.size() != 4) || !absl::SimpleAtoi(parts[0], &year) ||
      !absl::SimpleAtoi(parts[2], &stars) || (parts.size() == 4 && parts[3] != "rectification")) {
    UsageError(absl::StrCat("--rating-record: \"", text,
                            "\" is not YEAR:RATING:STARS[:rectification], e.g. 2025:ADVANCED:5"));
  }
  org::v1::RatingRecord record;
  record.set_year(year);
  record.set_rating(ParseEnum<PartyOrg::Rating>(parts[1], "--rating-record"));
  record.set_stars(stars);
  record.set_rectification(parts.size() == 4);
  return record;
}

// The term and the ratings as the flags change them, on top of `current`'s
// (empty for a create).
void ApplyTermAndRatings(const PartyOrgFlags& flags, const PartyOrg& current, PartyOrg* org,
                         std::vector<std::string>* paths) {
  if (flags.term_start || flags.term_years || flags.term_postponed_until) {
    org::v1::Term* term = org->mutable_term();
    *term = current.term();
    term->clear_end_date();  // output only
    if (flags.term_start)
      *term->mutable_start_date() = ParseDate(*flags.term_start, "--term-start");
    if (flags.term_years) term->set_years(*flags.term_years);
    if (flags.term_postponed_until) {
      *term->mutable_postponed_until() =
          ParseDate(*flags.term_postponed_until, "--term-postponed-until");
    }
    paths->push_back("term");
  }
  if (!flags.rating_records.empty()) {
    std::map<int32_t, org::v1::RatingRecord> by_year;
    for (const org::v1::RatingRecord& r : current.ratings()) by_year[r.year()] = r;
    for (const std::string& text : flags.rating_records) {
      const org::v1::RatingRecord record = ParseRatingRecord(text);
      by_year[record.year()] = record;
    }
    for (const auto& [year, record] : by_year) *org->add_ratings() = record;
    paths->push_back("ratings");
  }
}

// Sets the flagged fields on `org` and adds their paths to `paths`.
void ApplyPartyOrgFlags(const PartyOrgFlags& flags, PartyOrg* org,
                        std::vector<std::string>* paths) {
  const auto set = [paths](const auto& value, const char* path, auto setter) {
    if (!value) return;
    setter(*value);
    paths->push_back(path);
  };
  set(flags.display_name, "display_name", [&](const std::string& v) { org->set_display_name(v); });
  set(flags.units, "units", [&](const std::vector<std::string>& units) {
    for (const std::string& unit : units) org->add_units(ResourceName(unit, "units", "--units"));
  });
  set(flags.parent, "parent", [&](const std::string& v) {
    org->set_parent(OptionalResourceName(v, "partyOrgs", "--parent"));
  });
  set(flags.established, "established_date", [&](const std::string& v) {
    *org->mutable_established_date() = ParseDate(v, "--established");
  });
  set(flags.rating, "rating",
      [&](const std::string& v) { org->set_rating(ParseEnum<PartyOrg::Rating>(v, "--rating")); });
}

void AddCreate(CLI::App& orgs, std::shared_ptr<Context> context) {
  struct Flags {
    std::string form;
    PartyOrgFlags fields;
    std::string request_id;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = orgs.add_subcommand("create", "Create a party organisation");
  command
      ->add_option("--form", flags->form,
                   "WORKING_COMMITTEE, PARTY_COMMITTEE, GENERAL_BRANCH, BRANCH, "
                   "JOINT_BRANCH, FUNCTIONAL_BRANCH or PARTY_GROUP")
      ->required();
  AddPartyOrgFieldFlags(command, &flags->fields);
  command->get_option("--name")->required();
  AddRequestIdFlag(command, &flags->request_id);
  command->callback([context, flags] {
    org::v1::CreatePartyOrgRequest request;
    PartyOrg* org = request.mutable_party_org();
    org->set_form(ParseEnum<PartyOrg::Form>(flags->form, "--form"));
    std::vector<std::string> paths;
    ApplyPartyOrgFlags(flags->fields, org, &paths);
    ApplyTermAndRatings(flags->fields, PartyOrg(), org, &paths);
    request.set_request_id(RequestId(flags->request_id));
    Print(*context, context->Call(context->org(), &OrgStub::CreatePartyOrg, request),
          PartyOrgTableColumns());
  });
}

void AddList(CLI::App& orgs, std::shared_ptr<Context> context) {
  struct Flags {
    std::string parent;
    std::string form;
    std::string unit;
    ListFlags list;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = orgs.add_subcommand("list", "List party organisations");
  command->add_option("--parent", flags->parent, "Only those directly below partyOrgs/ID");
  command->add_option("--form", flags->form, "Only this form");
  command->add_option("--unit", flags->unit, "Only those covering units/ID");
  AddListFlags(command, &flags->list);
  command->callback([context, flags] {
    org::v1::ListPartyOrgsRequest request;
    request.set_parent(OptionalResourceName(flags->parent, "partyOrgs", "--parent"));
    std::vector<std::string> conditions;
    if (!flags->form.empty()) {
      conditions.push_back(
          absl::StrCat("form = ", EnumName(ParseEnum<PartyOrg::Form>(flags->form, "--form"))));
    }
    if (!flags->unit.empty()) {
      conditions.push_back(
          absl::StrCat("unit = ", FilterString(ResourceName(flags->unit, "units", "--unit"))));
    }
    request.set_filter(JoinFilter(std::move(conditions), flags->list));
    request.set_show_deleted(flags->list.show_deleted);
    PrintList(*context,
              context->ListAll(context->org(), &OrgStub::ListPartyOrgs, request,
                               &org::v1::ListPartyOrgsResponse::party_orgs, flags->list.limit),
              PartyOrgTableColumns());
  });
}

void AddUpdate(CLI::App& orgs, std::shared_ptr<Context> context) {
  struct Flags {
    std::string name;
    PartyOrgFlags fields;
    std::string etag;
  };
  auto flags = std::make_shared<Flags>();
  CLI::App* command = orgs.add_subcommand("update", "Change the fields given, and only those");
  command->add_option("name", flags->name, "partyOrgs/ID")->required();
  AddPartyOrgFieldFlags(command, &flags->fields);
  command->add_option("--etag", flags->etag, "Write only if the etag still matches");
  command->callback([context, flags] {
    org::v1::UpdatePartyOrgRequest request;
    PartyOrg* org = request.mutable_party_org();
    org->set_name(ResourceName(flags->name, "partyOrgs", "NAME"));
    std::vector<std::string> paths;
    ApplyPartyOrgFlags(flags->fields, org, &paths);
    const PartyOrg current =
        CurrentVersion(*context, context->org(), &OrgStub::GetPartyOrg, org->name());
    ApplyTermAndRatings(flags->fields, current, org, &paths);
    if (paths.empty()) UsageError("nothing to update: give the fields to change (see --help)");
    for (const std::string& path : paths) request.mutable_update_mask()->add_paths(path);
    // The etag of what the term and ratings were merged with, unless given.
    org->set_etag(flags->etag.empty() ? current.etag() : flags->etag);
    Print(*context, context->Call(context->org(), &OrgStub::UpdatePartyOrg, request),
          PartyOrgTableColumns());
  });
}

}  // namespace

const Columns<PartyOrg>& PartyOrgTableColumns() {
  static const Columns<PartyOrg> columns = {
      {"name", [](const PartyOrg& o) { return o.name(); }},
      {"form", [](const PartyOrg& o) { return EnumName(o.form()); }},
      {"display_name", [](const PartyOrg& o) { return o.display_name(); }},
      {"units", [](const PartyOrg& o) { return absl::StrJoin(o.units(), " "); }},
      {"parent", [](const PartyOrg& o) { return o.parent(); }},
      {"rating", [](const PartyOrg& o) { return EnumName(o.rating()); }},
      {"term_end", [](const PartyOrg& o) { return FormatDate(o.term().end_date()); }},
      {"state", [](const PartyOrg& o) { return EnumName(o.state()); }},
  };
  return columns;
}

void AddOrgCommands(CLI::App& app, std::shared_ptr<Context> context) {
  CLI::App* orgs = app.add_subcommand("orgs", "Party organisations and the units they cover");
  orgs->require_subcommand(1);
  AddCreate(*orgs, context);
  AddGetCommand(*orgs, context, kPartyOrgs);
  AddList(*orgs, context);
  AddUpdate(*orgs, context);
  AddStateCommand(*orgs, context, kPartyOrgs, "delete", "Delete an organisation (soft)",
                  &OrgStub::DeletePartyOrg);
  AddStateCommand(*orgs, context, kPartyOrgs, "undelete", "Restore a deleted organisation",
                  &OrgStub::UndeletePartyOrg);
}

}  // namespace grassroots::cli
