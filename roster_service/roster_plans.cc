#include "roster_service/roster_plans.h"

#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace grassroots::roster {

absl::Status PersonNotFound(int64_t id, absl::string_view field) {
  return ResourceNotFound(field, PersonName(id));
}

absl::Status RoleNotFound(int64_t id, absl::string_view field) {
  return ResourceNotFound(field, RoleAssignmentName(id));
}

absl::StatusOr<const Person*> LivePerson(const RosterIndex& index, int64_t id,
                                         absl::string_view field) {
  const Person* person = index.FindPerson(id, RosterIndex::kHead);
  if (person == nullptr) return PersonNotFound(id, field);
  if (person->deleted) {
    return absl::FailedPreconditionError(absl::StrCat(field, ": ", PersonName(id), " is deleted"));
  }
  return person;
}

const Membership* CurrentMembership(const RosterIndex& index, int64_t person_id, int64_t revision) {
  for (int64_t id : index.MembershipsOf(person_id)) {
    const Membership* m = index.FindMembership(id, revision);
    if (m != nullptr && m->current()) return m;
  }
  return nullptr;
}

const Registration* CurrentRegistration(const RosterIndex& index, int64_t person_id,
                                        int64_t revision) {
  for (int64_t id : index.RegistrationsOf(person_id)) {
    const Registration* r = index.FindRegistration(id, revision);
    if (r != nullptr && r->current()) return r;
  }
  return nullptr;
}

std::vector<const RoleAssignment*> CurrentRoles(const RosterIndex& index, int64_t person_id,
                                                absl::CivilDay today, int64_t revision) {
  std::vector<const RoleAssignment*> roles;
  for (int64_t id : index.RolesOf(person_id)) {
    const RoleAssignment* role = index.FindRoleAssignment(id, revision);
    if (role != nullptr && role->CurrentOn(today)) roles.push_back(role);
  }
  return roles;
}

// --- Places.

absl::Status CheckResidenceBuilding(const PlaceFacts& facts, absl::string_view field) {
  if (facts.level == org::Level::kBuilding) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", PlaceName(facts.place), " is a ",
                                                 org::LevelName(facts.level), ", not a BUILDING"));
}

// --- People.

absl::Status CheckPersonIsUnique(const RosterIndex& index, const Person& person) {
  const auto other_live = [&](absl::Span<const int64_t> ids, auto same) -> int64_t {
    for (int64_t id : ids) {
      const Person* other = index.FindPerson(id, RosterIndex::kHead);
      if (id != person.id && other != nullptr && !other->deleted && same(*other)) return id;
    }
    return 0;
  };
  if (!person.id_card_number.empty()) {
    if (int64_t other = other_live(
            index.PeopleWithIdCard(person.id_card_number),
            [&](const Person& p) { return p.id_card_number == person.id_card_number; })) {
      return absl::AlreadyExistsError(absl::StrCat("person.id_card_number: ", PersonName(other),
                                                   " already has this ID-card number"));
    }
  }
  if (!person.external_key.empty()) {
    if (int64_t other =
            other_live(index.PeopleWithExternalKey(person.external_key),
                       [&](const Person& p) { return p.external_key == person.external_key; })) {
      return absl::AlreadyExistsError(absl::StrCat("person.external_key: ", PersonName(other),
                                                   " already has external key \"",
                                                   person.external_key, "\""));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPersonIsUniqueFor(RosterWriteContext& ctx, const Person& person,
                                    const Person* current) {
  const bool rationed =
      ctx.caller != nullptr && ctx.budget != nullptr && !ctx.caller->may_see_personal_data;
  if (!rationed) return CheckPersonIsUnique(ctx.index, person);
  const bool new_number = !person.id_card_number.empty() &&
                          (current == nullptr || current->id_card_number != person.id_card_number);
  const bool new_key = !person.external_key.empty() &&
                       (current == nullptr || current->external_key != person.external_key);
  const std::string& principal = ctx.caller->principal;
  if ((new_number || new_key) && !ctx.budget->CanTell(principal, ctx.now)) {
    return absl::ResourceExhaustedError(absl::StrCat(
        new_number ? "person.id_card_number" : "person.external_key",
        ": too many of your writes named numbers or keys that other people have; this one was "
        "not checked. Ask someone with the personal-data grant, or try again in an hour"));
  }
  absl::Status unique = CheckPersonIsUnique(ctx.index, person);
  if (absl::IsAlreadyExists(unique)) {
    ctx.budget->Spend(principal, ctx.now);
    // Never the number; the operator sees who keeps guessing.
    std::fprintf(stderr,
                 "security: %s (without the personal-data grant) was told that an ID-card number "
                 "or key it sent is taken\n",
                 principal.c_str());
  }
  return unique;
}

absl::Status PlanCreatePerson(RosterWriteContext& ctx, Person& person) {
  person.id = ctx.index.max_person_id() + 1;
  RETURN_IF_ERROR(CheckPersonIsUniqueFor(ctx, person, nullptr));
  person.create_time = ctx.now;
  person.deleted = false;
  Touch(person, ctx.now, ctx.revision);
  ctx.Add(std::nullopt, person);
  return absl::OkStatus();
}

absl::Status PlanReplacePerson(RosterWriteContext& ctx, const Person& current, Person& next) {
  RETURN_IF_ERROR(CheckPersonIsUniqueFor(ctx, next, &current));
  if (!IsPartyMember(next.party_status) &&
      CurrentMembership(ctx.index, next.id, RosterIndex::kHead) != nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("person.party_status: ", PersonName(next.id),
                     " has a current membership; end it before changing the party status to NONE"));
  }
  next.create_time = current.create_time;
  Touch(next, ctx.now, ctx.revision);
  ctx.Add(current, next);
  return absl::OkStatus();
}

// --- Memberships.

absl::Status CheckPartyMember(const Person& person, absl::string_view person_field) {
  if (IsPartyMember(person.party_status)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat(person_field, ": ", PersonName(person.id),
                   " is not a party member; only members have a membership"));
}

namespace {

// Adds a membership of `person_id` in `party_org_id` from `start`.
Membership AddMembership(RosterWriteContext& ctx, int64_t person_id, int64_t party_org_id,
                         absl::CivilDay start) {
  return AddPeriod(ctx, ctx.index.max_membership_id() + 1, person_id, &Membership::party_org_id,
                   party_org_id, start);
}

}  // namespace

absl::StatusOr<Membership> PlanStartMembership(RosterWriteContext& ctx, const Person& person,
                                               const Membership* current, int64_t party_org_id,
                                               absl::CivilDay start,
                                               absl::string_view person_field) {
  RETURN_IF_ERROR(CheckPartyMember(person, person_field));
  if (current != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        person_field, ": ", PersonName(person.id), " already has a current membership (",
        MembershipName(person.id, current->id), "); use TransferMembership to move it"));
  }
  return AddMembership(ctx, person.id, party_org_id, start);
}

absl::StatusOr<Membership> PlanTransferMembership(RosterWriteContext& ctx, const Person& person,
                                                  const Membership* current, int64_t party_org_id,
                                                  absl::CivilDay date,
                                                  absl::string_view person_field,
                                                  absl::string_view date_field) {
  RETURN_IF_ERROR(CheckPartyMember(person, person_field));
  if (current == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat(person_field, ": ", PersonName(person.id),
                     " has no current membership to transfer; start one"));
  }
  if (current->party_org_id == party_org_id) {
    return absl::InvalidArgumentError(
        absl::StrCat("party_org: the membership already sits in partyOrgs/", party_org_id));
  }
  RETURN_IF_ERROR(CheckPeriod(current->start_date, date, date_field));
  // One mutation: the old one ends and the new one starts on the same day,
  // or neither happens.
  Membership ended = *current;
  ended.end_date = date;
  Touch(ended, ctx.now, ctx.revision);
  ctx.Add(*current, std::move(ended));
  return AddMembership(ctx, person.id, party_org_id, date);
}

// --- Roles.

absl::Status CheckSingleHolder(const RosterIndex& index, const RoleAssignment& assignment,
                               absl::CivilDay today, absl::string_view prefix) {
  if (!RoleIsSingleHolder(assignment.role)) return absl::OkStatus();
  if (assignment.end_date && *assignment.end_date <= today) return absl::OkStatus();
  for (int64_t id : index.RolesAt(assignment.place)) {
    const RoleAssignment* other = index.FindRoleAssignment(id, RosterIndex::kHead);
    if (other->role == assignment.role && other->CurrentOn(today)) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "role: ", PlaceName(assignment.place), " already has a ",
                       RoleName(assignment.role), " in office (", RoleAssignmentName(id),
                       "); end that assignment first"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<RoleAssignment> PlanAssignRole(RosterWriteContext& ctx, const Person& holder,
                                              RoleAssignment assignment, int64_t id,
                                              absl::string_view prefix) {
  if (RoleNeedsFullMember(assignment.role) && holder.party_status != PartyStatus::kFull) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, "person: ", PersonName(holder.id),
                                                      " is not a full party ", "member; a ",
                                                      RoleName(assignment.role), " must be one"));
  }
  if (RoleNeedsPartyMember(assignment.role) && !IsPartyMember(holder.party_status)) {
    return absl::FailedPreconditionError(absl::StrCat(prefix, "person: ", PersonName(holder.id),
                                                      " is not a party member; a ",
                                                      RoleName(assignment.role), " must be one"));
  }
  RETURN_IF_ERROR(CheckSingleHolder(ctx.index, assignment, ctx.today, prefix));
  assignment.id = id;
  assignment.person_id = holder.id;
  assignment.create_time = ctx.now;
  Touch(assignment, ctx.now, ctx.revision);
  ctx.Add(std::nullopt, assignment);
  return assignment;
}

}  // namespace grassroots::roster
