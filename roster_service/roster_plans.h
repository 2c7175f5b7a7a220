#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_PLANS_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_PLANS_H_

// Internal to the roster core (roster_core*.cc, roster_writes.cc,
// roster_import.cc): each rule of the roster's writes, and its message,
// written once. The single writes (CreatePerson, UpdatePerson,
// StartMembership, TransferMembership, AssignRole) and the rows of an import
// call the same checks and plans, with the request fields that name what
// they check ("role_assignment." for AssignRole, "roles[2]." for an import
// row's third role), so that a refusal reads the same either way.
//
// Checks return OK or the refusal. Plans check the rules against the newest
// state in a RosterWriteContext and, when they pass, Add() their changes to
// the mutation; they look nothing up that their caller already has (the
// person, their current membership) and allocate only what they add.

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/caller.h"
#include "common/service_kit.h"
#include "org_client/place.h"
#include "roster_service/roster_event.h"
#include "roster_service/roster_index.h"
#include "roster_service/uniqueness_budget.h"

namespace grassroots::roster {

// The kit's write context, with today's date in China (roles and dates are
// current by it) and the roster's lookup of the newest state.
struct RosterWriteContext : ::grassroots::WriteContext<RosterIndex, Snapshot> {
  absl::CivilDay today;
  // Who asks for the write, and how often a caller without the
  // personal-data grant may still hear that a number is taken.
  const Caller* caller = nullptr;
  UniquenessBudget* budget = nullptr;

  const Person* person(int64_t id) const { return index.FindPerson(id, RosterIndex::kHead); }
};

// --- Lookups.

absl::Status PersonNotFound(int64_t id, absl::string_view field);
absl::Status RoleNotFound(int64_t id, absl::string_view field);

// The live person `id`, for a write that names it in `field`: NOT_FOUND, or
// FAILED_PRECONDITION when deleted.
absl::StatusOr<const Person*> LivePerson(const RosterIndex& index, int64_t id,
                                         absl::string_view field);

// The current membership, registration, roles of `person_id` at `revision`.
const Membership* CurrentMembership(const RosterIndex& index, int64_t person_id, int64_t revision);
const Registration* CurrentRegistration(const RosterIndex& index, int64_t person_id,
                                        int64_t revision);
std::vector<const RoleAssignment*> CurrentRoles(const RosterIndex& index, int64_t person_id,
                                                absl::CivilDay today, int64_t revision);

// --- Places (what the org service said of them).

// INVALID_ARGUMENT unless the (live) place is a building, where people live.
absl::Status CheckResidenceBuilding(const PlaceFacts& facts, absl::string_view field);

// --- People.

// ALREADY_EXISTS when another live person has `person`'s ID-card number or
// external key. Messages name the other person, never the number.
absl::Status CheckPersonIsUnique(const RosterIndex& index, const Person& person);

// CheckPersonIsUnique for the write of `ctx.caller`, who gives `person` the
// numbers and key it has (`current`: what it had, null for a new person).
// A caller without the personal-data grant hears of a taken ID-card number
// or key only as often as ctx.budget allows; once it is spent, a write that
// names a number or key new to the person is RESOURCE_EXHAUSTED before the
// check, so that the answer tells nothing.
absl::Status CheckPersonIsUniqueFor(RosterWriteContext& ctx, const Person& person,
                                    const Person* current);

// Creates `person` (validated and normalised): gives it the next id, checks
// that it is unique, stamps and adds it. On success `person` is what was
// added.
absl::Status PlanCreatePerson(RosterWriteContext& ctx, Person& person);

// Replaces `current` by `next` (validated and normalised, different from
// `current`): checks that it is still unique and that a person who is no
// longer a party member has no current membership, stamps and adds it.
absl::Status PlanReplacePerson(RosterWriteContext& ctx, const Person& current, Person& next);

// --- Memberships. `person_field` names the request field of the person.

// Adds the new period `id` (a Membership, a Registration) that `person_id`
// spends at the place `place_id` (its member `place`) from `start`.
// `fill`, when given, sets the period's other fields first.
template <typename Period, typename Fill = void (*)(Period&)>
Period AddPeriod(
    RosterWriteContext& ctx, int64_t id, int64_t person_id, int64_t Period::*place,
    int64_t place_id, absl::CivilDay start, Fill fill = [](Period&) {}) {
  Period made;
  fill(made);
  made.id = id;
  made.person_id = person_id;
  made.*place = place_id;
  made.start_date = start;
  made.create_time = ctx.now;
  Touch(made, ctx.now, ctx.revision);
  ctx.Add(std::nullopt, made);
  return made;
}

// FAILED_PRECONDITION unless `person` is a party member.
absl::Status CheckPartyMember(const Person& person, absl::string_view person_field);

// Starts a membership of `person` (whose current membership is `current`,
// null when none) in `party_org_id` on `start`.
absl::StatusOr<Membership> PlanStartMembership(RosterWriteContext& ctx, const Person& person,
                                               const Membership* current, int64_t party_org_id,
                                               absl::CivilDay start,
                                               absl::string_view person_field);

// Moves the current membership of `person` (`current`, null when none) to
// `party_org_id` on `date` (request field `date_field`): the old one ends
// and the new one starts that day, in one mutation.
absl::StatusOr<Membership> PlanTransferMembership(RosterWriteContext& ctx, const Person& person,
                                                  const Membership* current, int64_t party_org_id,
                                                  absl::CivilDay date,
                                                  absl::string_view person_field,
                                                  absl::string_view date_field);

// --- Roles. `prefix` is the request path of the assignment
// ("role_assignment.", "roles[0].").

// FAILED_PRECONDITION when `assignment` is for a role with one holder per
// place (a secretary) and someone holds it there now.
absl::Status CheckSingleHolder(const RosterIndex& index, const RoleAssignment& assignment,
                               absl::CivilDay today, absl::string_view prefix);

// Assigns `assignment` (fields validated, place checked with CheckRolePlace)
// to `holder` under `id`: the holder must be a full party member where the
// role needs one, and a single-holder role must be vacant.
absl::StatusOr<RoleAssignment> PlanAssignRole(RosterWriteContext& ctx, const Person& holder,
                                              RoleAssignment assignment, int64_t id,
                                              absl::string_view prefix);

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_PLANS_H_
