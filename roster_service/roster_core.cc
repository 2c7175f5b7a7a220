#include "roster_service/roster_core.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/page_token.h"
#include "common/personal_data.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "roster_service/roster_filter.h"

namespace grassroots::roster {

using org::CheckEtag;

// What a plan sees and builds: the newest state, and the mutation.
struct RosterCore::WriteContext {
  const RosterIndex& index;
  Mutation& mutation;
  const absl::CivilDay today;
  const int64_t revision = mutation.revision;
  const absl::Time now = mutation.time;

  const Person* person(int64_t id) const { return index.FindPerson(id, RosterIndex::kHead); }
  void Add(std::optional<Snapshot> before, Snapshot after) {
    mutation.changes.push_back(Change{std::move(before), std::move(after)});
  }
};

namespace {

absl::Status PersonNotFound(int64_t id, absl::string_view field) {
  return absl::NotFoundError(absl::StrCat(field, ": ", PersonName(id), " does not exist"));
}

absl::Status RoleNotFound(int64_t id, absl::string_view field) {
  return absl::NotFoundError(absl::StrCat(field, ": ", RoleAssignmentName(id), " does not exist"));
}

template <typename T>
void Touch(T& resource, const absl::Time now, int64_t revision) {
  resource.update_time = now;
  resource.revision = revision;
}


// The live person `id`, for a write that names it in `field`.
absl::StatusOr<const Person*> LivePerson(const RosterIndex& index, int64_t id,
                                         absl::string_view field) {
  const Person* person = index.FindPerson(id, RosterIndex::kHead);
  if (person == nullptr) return PersonNotFound(id, field);
  if (person->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", PersonName(id), " is deleted"));
  }
  return person;
}

// The current membership of `person_id` at `revision`, if any.
const Membership* CurrentMembership(const RosterIndex& index, int64_t person_id,
                                    int64_t revision) {
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

// ALREADY_EXISTS when another live person has `person`'s ID-card number or
// external key. Messages name the other person, never the number.
absl::Status CheckPersonIsUnique(const RosterIndex& index, const Person& person) {
  const auto other_live = [&](absl::Span<const int64_t> ids, auto same) -> int64_t {
    for (int64_t id : ids) {
      const Person* other = index.FindPerson(id, RosterIndex::kHead);
      if (id != person.id && other != nullptr && !other->deleted && same(*other)) return id;
    }
    return 0;
  };
  if (!person.id_card_number.empty()) {
    if (int64_t other = other_live(index.PeopleWithIdCard(person.id_card_number),
                                   [&](const Person& p) {
                                     return p.id_card_number == person.id_card_number;
                                   })) {
      return absl::AlreadyExistsError(absl::StrCat(
          "person.id_card_number: ", PersonName(other), " already has this ID-card number"));
    }
  }
  if (!person.external_key.empty()) {
    if (int64_t other = other_live(index.PeopleWithExternalKey(person.external_key),
                                   [&](const Person& p) {
                                     return p.external_key == person.external_key;
                                   })) {
      return absl::AlreadyExistsError(absl::StrCat("person.external_key: ", PersonName(other),
                                                   " already has external key \"",
                                                   person.external_key, "\""));
    }
  }
  return absl::OkStatus();
}

// Applies the update paths to `person`. A masked ID-card number or phone
// sent back as read (a client that saved what Get returned) means
// "unchanged".
absl::Status ApplyPersonPaths(const PersonUpdate& update, Person& person) {
  const Person& v = update.values;
  for (const std::string& path : update.paths) {
    const bool all = path == "*";
    bool known = all;
    const auto take = [&](absl::string_view name, auto& field, const auto& value) {
      if (all || path == name) {
        field = value;
        known = true;
      }
    };
    take("display_name", person.display_name, v.display_name);
    take("gender", person.gender, v.gender);
    take("birth_date", person.birth_date, v.birth_date);
    if (v.id_card_number != MaskIdCardNumber(person.id_card_number) ||
        person.id_card_number.empty()) {
      take("id_card_number", person.id_card_number, v.id_card_number);
    } else if (path == "id_card_number") {
      known = true;
    }
    if (v.phone != MaskMobilePhone(person.phone) || person.phone.empty()) {
      take("phone", person.phone, v.phone);
    } else if (path == "phone") {
      known = true;
    }
    take("residence_building", person.residence_building_id, v.residence_building_id);
    take("residence_room", person.residence_room, v.residence_room);
    take("party_status", person.party_status, v.party_status);
    take("admission_date", person.admission_date, v.admission_date);
    take("member_category", person.member_category, v.member_category);
    take("external_key", person.external_key, v.external_key);
    if (known) continue;
    if (path == "name" || path == "state" || path == "create_time" || path == "update_time" ||
        path == "delete_time" || path == "etag" || path == "revision") {
      return absl::InvalidArgumentError(absl::StrCat("update_mask: ", path, " is output only"));
    }
    return absl::InvalidArgumentError(absl::StrCat("update_mask: unknown field \"", path, "\""));
  }
  return absl::OkStatus();
}

bool PathsTouch(const std::vector<std::string>& paths, absl::string_view field) {
  return std::find(paths.begin(), paths.end(), "*") != paths.end() ||
         std::find(paths.begin(), paths.end(), field) != paths.end();
}

}  // namespace

RosterCore::RosterCore(RosterStore* store, org_client::OrgDirectory* directory, const Clock* clock,
                       RosterCoreOptions options)
    : directory_(directory),
      clock_(clock),
      engine_(store, clock,
              {.revision_retention = options.revision_retention,
               .max_batch = options.max_batch,
               .service_name = "the roster service"}) {}

absl::CivilDay RosterCore::Today() const {
  // Dates in this domain are Beijing dates, whatever the server's zone.
  return ChinaDay(clock_->Now());
}

void RosterCore::Submit(const Caller& caller, std::string method, std::string request_id,
                        Plan plan, Done<Snapshot> done) {
  engine_.Submit(
      caller, std::move(method), std::move(request_id),
      [plan = std::move(plan), today = Today()](const RosterIndex& index, Mutation& mutation) {
        WriteContext ctx{index, mutation, today};
        return plan(ctx);
      },
      std::move(done));
}

void RosterCore::WithPlace(const Place& place, std::string field,
                           std::function<void(const PlaceFacts&)> then,
                           std::function<void(absl::Status)> fail) {
  directory_->Describe(place, [place, field = std::move(field), then = std::move(then),
                               fail = std::move(fail)](absl::StatusOr<PlaceFacts> facts) {
    if (facts.ok() && facts->deleted) {
      return fail(absl::FailedPreconditionError(
          absl::StrCat(field, ": ", PlaceName(place), " is deleted in the org service")));
    }
    if (facts.ok()) return then(*facts);
    if (absl::IsNotFound(facts.status())) {
      return fail(absl::NotFoundError(
          absl::StrCat(field, ": ", PlaceName(place), " does not exist in the org service")));
    }
    // Whatever kept the org service from answering, the caller may retry.
    fail(absl::UnavailableError(absl::StrCat(field, ": the org service could not confirm ",
                                             PlaceName(place), "; nothing was written (",
                                             facts.status().message(), ")")));
  });
}

// --- People.

void RosterCore::CreatePerson(const Caller& caller, Person person, std::string request_id,
                              Done<Person> done) {
  if (absl::Status s = ValidateAndNormalizePerson(person, Today(), "person."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  auto submit = [this, caller, person, request_id = std::move(request_id),
                 done](const PlaceFacts* /*residence*/) mutable {
    Submit(caller, "CreatePerson", std::move(request_id),
           [person = std::move(person)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
             Person made = person;
             made.id = ctx.index.max_person_id() + 1;
             RETURN_IF_ERROR(CheckPersonIsUnique(ctx.index, made));
             made.create_time = ctx.now;
             made.deleted = false;
             Touch(made, ctx.now, ctx.revision);
             ctx.Add(std::nullopt, made);
             return made;
           },
           TypedDone<Person, Snapshot>(std::move(done)));
  };
  if (person.residence_building_id == 0) return submit(nullptr);
  WithPlace(
      Place{Place::Kind::kUnit, person.residence_building_id}, "person.residence_building",
      [submit, done](const PlaceFacts& facts) mutable {
        if (facts.level != org::Level::kBuilding) {
          return done(absl::InvalidArgumentError(absl::StrCat(
              "person.residence_building: ", PlaceName(facts.place), " is a ",
              org::LevelName(facts.level), ", not a BUILDING")));
        }
        submit(&facts);
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::UpdatePerson(const Caller& caller, PersonUpdate update, Done<Person> done) {
  const int64_t building = update.values.residence_building_id;
  const bool check_building = building != 0 && PathsTouch(update.paths, "residence_building");
  auto submit = [this, caller, update = std::move(update), done]() mutable {
    Submit(caller, "UpdatePerson", "",
           [update = std::move(update)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
             const Person* current = ctx.person(update.id);
             if (current == nullptr) return PersonNotFound(update.id, "person.name");
             RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, PersonName(update.id)));
             if (current->deleted) {
               return absl::FailedPreconditionError(absl::StrCat(
                   "person.name: ", PersonName(update.id), " is deleted; undelete it first"));
             }
             Person next = *current;
             RETURN_IF_ERROR(ApplyPersonPaths(update, next));
             // Birth date and sex were read from the old number; a corrected
             // number is read again unless the caller sets them too.
             if (next.id_card_number != current->id_card_number) {
               if (!PathsTouch(update.paths, "birth_date")) next.birth_date.reset();
               if (!PathsTouch(update.paths, "gender")) next.gender = Gender::kUnspecified;
             }
             RETURN_IF_ERROR(ValidateAndNormalizePerson(next, ctx.today, "person."));
             if (next == *current) return next;
             RETURN_IF_ERROR(CheckPersonIsUnique(ctx.index, next));
             if (!IsPartyMember(next.party_status) &&
                 CurrentMembership(ctx.index, next.id, RosterIndex::kHead) != nullptr) {
               return absl::FailedPreconditionError(absl::StrCat(
                   "person.party_status: ", PersonName(next.id),
                   " has a current membership; end it before changing the party status to NONE"));
             }
             Touch(next, ctx.now, ctx.revision);
             ctx.Add(*current, next);
             return next;
           },
           TypedDone<Person, Snapshot>(std::move(done)));
  };
  if (!check_building) return submit();
  WithPlace(
      Place{Place::Kind::kUnit, building}, "person.residence_building",
      [submit, done](const PlaceFacts& facts) mutable {
        if (facts.level != org::Level::kBuilding) {
          return done(absl::InvalidArgumentError(
              absl::StrCat("person.residence_building: ", PlaceName(facts.place), " is a ",
                           org::LevelName(facts.level), ", not a BUILDING")));
        }
        submit();
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::DeletePerson(const Caller& caller, int64_t id, std::string etag,
                              Done<Person> done) {
  Submit(caller, "DeletePerson", "",
         [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
           const Person* current = ctx.person(id);
           if (current == nullptr) return PersonNotFound(id, "name");
           RETURN_IF_ERROR(CheckEtag(etag, current->revision, PersonName(id)));
           if (current->deleted) {
             return absl::FailedPreconditionError(
                 absl::StrCat("name: ", PersonName(id), " is already deleted"));
           }
           // A person still on the books somewhere is not deleted silently.
           std::string held;
           if (CurrentMembership(ctx.index, id, RosterIndex::kHead) != nullptr) {
             held = "a current membership";
           } else if (CurrentRegistration(ctx.index, id, RosterIndex::kHead) != nullptr) {
             held = "a current registration";
           } else if (auto roles = CurrentRoles(ctx.index, id, ctx.today, RosterIndex::kHead);
                      !roles.empty()) {
             held = absl::StrCat("a current role (", RoleAssignmentName(roles.front()->id), ")");
           }
           if (!held.empty()) {
             return absl::FailedPreconditionError(absl::StrCat(
                 "name: ", PersonName(id), " has ", held, "; end it before deleting the person"));
           }
           Person next = *current;
           next.deleted = true;
           next.delete_time = ctx.now;
           Touch(next, ctx.now, ctx.revision);
           ctx.Add(*current, next);
           return next;
         },
         TypedDone<Person, Snapshot>(std::move(done)));
}

void RosterCore::UndeletePerson(const Caller& caller, int64_t id, std::string etag,
                                Done<Person> done) {
  Submit(caller, "UndeletePerson", "",
         [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
           const Person* current = ctx.person(id);
           if (current == nullptr) return PersonNotFound(id, "name");
           RETURN_IF_ERROR(CheckEtag(etag, current->revision, PersonName(id)));
           if (!current->deleted) {
             return absl::FailedPreconditionError(
                 absl::StrCat("name: ", PersonName(id), " is not deleted"));
           }
           Person next = *current;
           next.deleted = false;
           next.delete_time = absl::UnixEpoch();
           RETURN_IF_ERROR(CheckPersonIsUnique(ctx.index, next));
           Touch(next, ctx.now, ctx.revision);
           ctx.Add(*current, next);
           return next;
         },
         TypedDone<Person, Snapshot>(std::move(done)));
}

// --- Memberships and registrations.

namespace {

absl::Status CheckPartyMember(const Person& person, absl::string_view field) {
  if (IsPartyMember(person.party_status)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", PersonName(person.id), " is not a party member; only members have a membership"));
}

Membership NewMembership(int64_t id, absl::Time now, int64_t revision, int64_t person_id,
                         int64_t party_org_id, absl::CivilDay start) {
  Membership made;
  made.id = id;
  made.person_id = person_id;
  made.party_org_id = party_org_id;
  made.start_date = start;
  made.create_time = now;
  Touch(made, now, revision);
  return made;
}

}  // namespace

void RosterCore::StartMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                                 absl::CivilDay start, Done<Membership> done) {
  WithPlace(
      Place{Place::Kind::kPartyOrg, party_org_id}, "party_org",
      [this, caller, person_id, party_org_id, start, done](const PlaceFacts&) {
        Submit(caller, "StartMembership", "",
               [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
                 ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
                 RETURN_IF_ERROR(CheckPartyMember(*person, "person"));
                 if (const Membership* current =
                         CurrentMembership(ctx.index, person_id, RosterIndex::kHead)) {
                   return absl::FailedPreconditionError(absl::StrCat(
                       "person: ", PersonName(person_id), " already has a current membership (",
                       MembershipName(person_id, current->id),
                       "); use TransferMembership to move it"));
                 }
                 Membership made = NewMembership(ctx.index.max_membership_id() + 1, ctx.now, ctx.revision,
                                                 person_id, party_org_id, start);
                 ctx.Add(std::nullopt, made);
                 return made;
               },
               TypedDone<Membership, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::TransferMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                                    absl::CivilDay date, Done<Membership> done) {
  WithPlace(
      Place{Place::Kind::kPartyOrg, party_org_id}, "party_org",
      [this, caller, person_id, party_org_id, date, done](const PlaceFacts&) {
        Submit(caller, "TransferMembership", "",
               [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
                 ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
                 RETURN_IF_ERROR(CheckPartyMember(*person, "person"));
                 const Membership* current =
                     CurrentMembership(ctx.index, person_id, RosterIndex::kHead);
                 if (current == nullptr) {
                   return absl::FailedPreconditionError(
                       absl::StrCat("person: ", PersonName(person_id),
                                    " has no current membership to transfer; start one"));
                 }
                 if (current->party_org_id == party_org_id) {
                   return absl::InvalidArgumentError(absl::StrCat(
                       "party_org: the membership already sits in partyOrgs/", party_org_id));
                 }
                 RETURN_IF_ERROR(CheckPeriod(current->start_date, date, "date"));
                 // One mutation: the old one ends and the new one starts on
                 // the same day, or neither happens.
                 Membership ended = *current;
                 ended.end_date = date;
                 Touch(ended, ctx.now, ctx.revision);
                 ctx.Add(*current, ended);
                 Membership made = NewMembership(ctx.index.max_membership_id() + 1, ctx.now, ctx.revision,
                                                 person_id, party_org_id, date);
                 ctx.Add(std::nullopt, made);
                 return made;
               },
               TypedDone<Membership, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndMembership(const Caller& caller, int64_t person_id, absl::CivilDay end,
                               Done<Membership> done) {
  Submit(caller, "EndMembership", "",
         [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
           if (ctx.person(person_id) == nullptr) return PersonNotFound(person_id, "person");
           const Membership* current = CurrentMembership(ctx.index, person_id, RosterIndex::kHead);
           if (current == nullptr) {
             return absl::FailedPreconditionError(
                 absl::StrCat("person: ", PersonName(person_id), " has no current membership"));
           }
           RETURN_IF_ERROR(CheckPeriod(current->start_date, end, "end_date"));
           Membership ended = *current;
           ended.end_date = end;
           Touch(ended, ctx.now, ctx.revision);
           ctx.Add(*current, ended);
           return ended;
         },
         TypedDone<Membership, Snapshot>(std::move(done)));
}

void RosterCore::CreateRegistration(const Caller& caller, int64_t person_id, int64_t community_id,
                                    absl::CivilDay start, Done<Registration> done) {
  WithPlace(
      Place{Place::Kind::kUnit, community_id}, "community",
      [this, caller, person_id, community_id, start, done](const PlaceFacts& facts) {
        if (facts.level != org::Level::kCommunity) {
          return done(absl::InvalidArgumentError(
              absl::StrCat("community: ", PlaceName(facts.place), " is a ",
                           org::LevelName(facts.level), ", not a COMMUNITY")));
        }
        Submit(caller, "CreateRegistration", "",
               [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
                 ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
                 if (!IsPartyMember(person->party_status) ||
                     person->member_category != MemberCategory::kInService) {
                   return absl::FailedPreconditionError(absl::StrCat(
                       "person: ", PersonName(person_id),
                       " is not an in-service party member; only they report to a community"));
                 }
                 if (const Registration* current =
                         CurrentRegistration(ctx.index, person_id, RosterIndex::kHead)) {
                   return absl::FailedPreconditionError(absl::StrCat(
                       "person: ", PersonName(person_id), " is already registered (",
                       RegistrationName(person_id, current->id), "); end that first"));
                 }
                 Registration made;
                 made.id = ctx.index.max_registration_id() + 1;
                 made.person_id = person_id;
                 made.community_id = community_id;
                 made.start_date = start;
                 made.create_time = ctx.now;
                 Touch(made, ctx.now, ctx.revision);
                 ctx.Add(std::nullopt, made);
                 return made;
               },
               TypedDone<Registration, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndRegistration(const Caller& caller, ChildName name, absl::CivilDay end,
                                 Done<Registration> done) {
  Submit(caller, "EndRegistration", "",
         [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
           const Registration* current = ctx.index.FindRegistration(name.id, RosterIndex::kHead);
           if (current == nullptr || current->person_id != name.person_id) {
             return absl::NotFoundError(absl::StrCat(
                 "name: ", RegistrationName(name.person_id, name.id), " does not exist"));
           }
           if (!current->current()) {
             return absl::FailedPreconditionError(absl::StrCat(
                 "name: ", RegistrationName(name.person_id, name.id), " has already ended"));
           }
           RETURN_IF_ERROR(CheckPeriod(current->start_date, end, "end_date"));
           Registration ended = *current;
           ended.end_date = end;
           Touch(ended, ctx.now, ctx.revision);
           ctx.Add(*current, ended);
           return ended;
         },
         TypedDone<Registration, Snapshot>(std::move(done)));
}

// --- Roles.

namespace {

// FAILED_PRECONDITION when `assignment` is for a role with one holder per
// place (a secretary) and someone holds it there now.
absl::Status CheckSingleHolder(const RosterIndex& index, const RoleAssignment& assignment,
                               absl::CivilDay today, absl::string_view field) {
  if (!RoleIsSingleHolder(assignment.role)) return absl::OkStatus();
  if (assignment.end_date && *assignment.end_date <= today) return absl::OkStatus();
  for (int64_t id : index.RolesAt(assignment.place)) {
    const RoleAssignment* other = index.FindRoleAssignment(id, RosterIndex::kHead);
    if (other->role == assignment.role && other->CurrentOn(today)) {
      return absl::FailedPreconditionError(absl::StrCat(
          field, ": ", PlaceName(assignment.place), " already has a ", RoleName(assignment.role),
          " in office (", RoleAssignmentName(id), "); end that assignment first"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

void RosterCore::AssignRole(const Caller& caller, RoleAssignment assignment,
                            std::string request_id, Done<RoleAssignment> done) {
  if (absl::Status s = ValidateRoleAssignmentFields(assignment, "role_assignment."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  const Place place = assignment.place;
  WithPlace(
      place, "role_assignment.place",
      [this, caller, assignment = std::move(assignment), request_id = std::move(request_id),
       done](const PlaceFacts& facts) {
        if (absl::Status s = CheckRolePlace(assignment.role, facts, "role_assignment.place");
            !s.ok()) {
          return done(s);
        }
        Submit(caller, "AssignRole", request_id,
               [assignment](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
                 ASSIGN_OR_RETURN(const Person* person,
                                  LivePerson(ctx.index, assignment.person_id,
                                             "role_assignment.person"));
                 if (RoleNeedsFullMember(assignment.role) &&
                     person->party_status != PartyStatus::kFull) {
                   return absl::FailedPreconditionError(absl::StrCat(
                       "role_assignment.person: ", PersonName(person->id), " is not a full party ",
                       "member; a ", RoleName(assignment.role), " must be one"));
                 }
                 RETURN_IF_ERROR(CheckSingleHolder(ctx.index, assignment, ctx.today,
                                                   "role_assignment.role"));
                 RoleAssignment made = assignment;
                 made.id = ctx.index.max_role_assignment_id() + 1;
                 made.create_time = ctx.now;
                 Touch(made, ctx.now, ctx.revision);
                 ctx.Add(std::nullopt, made);
                 return made;
               },
               TypedDone<RoleAssignment, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndRoleAssignment(const Caller& caller, int64_t id, absl::CivilDay end,
                                   std::string etag, Done<RoleAssignment> done) {
  Submit(caller, "EndRoleAssignment", "",
         [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
           const RoleAssignment* current = ctx.index.FindRoleAssignment(id, RosterIndex::kHead);
           if (current == nullptr) return RoleNotFound(id, "name");
           RETURN_IF_ERROR(CheckEtag(etag, current->revision, RoleAssignmentName(id)));
           if (current->end_date && *current->end_date <= end) {
             return absl::FailedPreconditionError(absl::StrCat(
                 "name: ", RoleAssignmentName(id), " has already ended"));
           }
           RETURN_IF_ERROR(CheckPeriod(current->start_date, end, "end_date"));
           RoleAssignment ended = *current;
           ended.end_date = end;
           Touch(ended, ctx.now, ctx.revision);
           ctx.Add(*current, ended);
           return ended;
         },
         TypedDone<RoleAssignment, Snapshot>(std::move(done)));
}

// --- Reads.

namespace {

// Offers the rows of `ids` (ascending) past the cursor, as of `revision`,
// that `keep` accepts.
template <typename T, typename Find, typename Keep>
void OfferFrom(absl::Span<const int64_t> ids, int64_t after_id, Find find, Keep keep,
               PageCollector<T>& page) {
  for (auto it = std::upper_bound(ids.begin(), ids.end(), after_id); it != ids.end(); ++it) {
    const T* row = find(*it);
    if (row != nullptr && keep(*row) && !page.Offer(*row)) return;
  }
}

// Offers the rows with ids after_id+1..max_id, for lists without a narrower
// index. Lazily: a page costs its own rows, not every row past the cursor.
template <typename T, typename Find, typename Keep>
void OfferRange(int64_t after_id, int64_t max_id, Find find, Keep keep, PageCollector<T>& page) {
  for (int64_t id = after_id + 1; id <= max_id; ++id) {
    const T* row = find(id);
    if (row != nullptr && keep(*row) && !page.Offer(*row)) return;
  }
}

}  // namespace

absl::StatusOr<Person> RosterCore::GetPerson(int64_t id) const {
  return engine_.Read([&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Person> {
    const Person* person = index.FindPerson(id, revision);
    if (person == nullptr) return PersonNotFound(id, "name");
    return *person;
  });
}

absl::StatusOr<std::vector<Person>> RosterCore::BatchGetPeople(
    absl::Span<const int64_t> ids) const {
  return engine_.Read([&](const RosterIndex& index, int64_t revision) {
    return GetAll<Person>(
        ids, [&](int64_t id) { return index.FindPerson(id, revision); }, &PersonNotFound);
  });
}

absl::StatusOr<Page<Person>> RosterCore::ListPeople(const ListPeopleQuery& query) const {
  ASSIGN_OR_RETURN(const PersonFilter filter, ParsePersonFilter(query.filter));
  const uint64_t fingerprint =
      StableHasher().Add("people").Add(query.filter).Add(query.show_deleted ? 1 : 0).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision, [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Page<Person>> {
        PageCollector<Person> page(list.page_size, revision);
        // An external key names at most a few people: use its index.
        auto find = [&](int64_t id) { return index.FindPerson(id, revision); };
        auto keep = [&](const Person& p) {
          return (!p.deleted || query.show_deleted) && filter.Matches(p);
        };
        if (filter.external_key) {
          OfferFrom<Person>(index.PeopleWithExternalKey(*filter.external_key),
                            list.cursor.last_key, find, keep, page);
        } else {
          OfferRange<Person>(list.cursor.last_key, index.max_person_id(), find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<Person> RosterCore::LookupPersonByIdCard(const std::string& number) const {
  const std::string normalized = NormalizeIdCardNumber(number);
  if (absl::Status s = ParseIdCardNumber(normalized, "id_card_number", Today()).status();
      !s.ok()) {
    return s;
  }
  return engine_.Read([&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Person> {
    for (int64_t id : index.PeopleWithIdCard(normalized)) {
      const Person* person = index.FindPerson(id, revision);
      if (person != nullptr && !person->deleted && person->id_card_number == normalized) {
        return *person;
      }
    }
    return absl::NotFoundError("id_card_number: no live person has this ID-card number");
  });
}

namespace {

// Memberships and registrations are periods a person spends at a place (an
// organisation, a community); both list alike, by person, by place or all.
template <typename T>
struct PeriodIndex;

template <>
struct PeriodIndex<Membership> {
  static constexpr absl::string_view kCollection = "memberships";
  static absl::Span<const int64_t> Of(const RosterIndex& index, int64_t person) {
    return index.MembershipsOf(person);
  }
  static absl::Span<const int64_t> At(const RosterIndex& index, int64_t place) {
    return index.MembershipsAt(place);
  }
  static int64_t MaxId(const RosterIndex& index) { return index.max_membership_id(); }
  static const Membership* Find(const RosterIndex& index, int64_t id, int64_t revision) {
    return index.FindMembership(id, revision);
  }
  static int64_t PlaceOf(const Membership& m) { return m.party_org_id; }
};

template <>
struct PeriodIndex<Registration> {
  static constexpr absl::string_view kCollection = "registrations";
  static absl::Span<const int64_t> Of(const RosterIndex& index, int64_t person) {
    return index.RegistrationsOf(person);
  }
  static absl::Span<const int64_t> At(const RosterIndex& index, int64_t place) {
    return index.RegistrationsAt(place);
  }
  static int64_t MaxId(const RosterIndex& index) { return index.max_registration_id(); }
  static const Registration* Find(const RosterIndex& index, int64_t id, int64_t revision) {
    return index.FindRegistration(id, revision);
  }
  static int64_t PlaceOf(const Registration& r) { return r.community_id; }
};

template <typename T>
uint64_t PeriodFingerprint(int64_t person_id, int64_t place_id, bool current_only) {
  return StableHasher()
      .Add(PeriodIndex<T>::kCollection)
      .Add(person_id)
      .Add(place_id)
      .Add(current_only ? 1 : 0)
      .hash();
}

template <typename T>
absl::StatusOr<Page<T>> ListPeriods(const RosterIndex& index, int64_t revision,
                                    const ListRequest& list, int64_t person_id, int64_t place_id,
                                    bool current_only) {
  using Traits = PeriodIndex<T>;
  if (person_id != 0 && index.FindPerson(person_id, revision) == nullptr) {
    return PersonNotFound(person_id, "parent");
  }
  PageCollector<T> page(list.page_size, revision);
  auto find = [&](int64_t id) { return Traits::Find(index, id, revision); };
  auto keep = [&](const T& period) {
    return (place_id == 0 || Traits::PlaceOf(period) == place_id) &&
           (!current_only || period.current());
  };
  if (person_id != 0) {
    OfferFrom<T>(Traits::Of(index, person_id), list.cursor.last_key, find, keep, page);
  } else if (place_id != 0) {
    OfferFrom<T>(Traits::At(index, place_id), list.cursor.last_key, find, keep, page);
  } else {
    OfferRange<T>(list.cursor.last_key, Traits::MaxId(index), find, keep, page);
  }
  return std::move(page).Finish(list.fingerprint);
}

}  // namespace

absl::StatusOr<Page<Membership>> RosterCore::ListMemberships(
    const ListMembershipsQuery& query) const {
  ASSIGN_OR_RETURN(
      const ListRequest list,
      ParseListRequest(PeriodFingerprint<Membership>(query.person_id, query.party_org_id,
                                                     query.current_only),
                       query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(list.revision, [&](const RosterIndex& index, int64_t revision) {
    return ListPeriods<Membership>(index, revision, list, query.person_id, query.party_org_id,
                                   query.current_only);
  });
}

absl::StatusOr<Page<Registration>> RosterCore::ListRegistrations(
    const ListRegistrationsQuery& query) const {
  ASSIGN_OR_RETURN(
      const ListRequest list,
      ParseListRequest(PeriodFingerprint<Registration>(query.person_id, query.community_id,
                                                       query.current_only),
                       query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(list.revision, [&](const RosterIndex& index, int64_t revision) {
    return ListPeriods<Registration>(index, revision, list, query.person_id, query.community_id,
                                     query.current_only);
  });
}

absl::StatusOr<RoleAssignment> RosterCore::GetRoleAssignment(int64_t id) const {
  return engine_.Read(
      [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<RoleAssignment> {
        const RoleAssignment* role = index.FindRoleAssignment(id, revision);
        if (role == nullptr) return RoleNotFound(id, "name");
        return *role;
      });
}

absl::StatusOr<Page<RoleAssignment>> RosterCore::ListRoleAssignments(
    const ListRolesQuery& query) const {
  if (query.include_descendants &&
      (!query.place || query.place->kind != Place::Kind::kUnit)) {
    return absl::InvalidArgumentError(
        "include_descendants: needs a unit place (units/{id}) to list below");
  }
  StableHasher hasher;
  hasher.Add("roles").Add(query.person_id).Add(query.include_descendants ? 1 : 0);
  hasher.Add(query.current_only ? 1 : 0);
  if (query.place) hasher.Add(PlaceName(*query.place));
  for (Role role : query.roles) hasher.Add(static_cast<int64_t>(role));
  const uint64_t fingerprint = hasher.hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  // The places below a unit come from the org replica, outside the roster's
  // lock: a walk over its child lists, no call to the org service. A page
  // gathers the roles of every such place and sorts them, which costs the
  // whole subtree on every page: fine for a street, quadratic over a city.
  // So a subtree of more than kMaxPlacesToGather places is listed the other
  // way: every role in id order from the cursor, each place tested by a walk
  // up the replica, so that a page costs about its own rows divided by the
  // subtree's share of all roles.
  constexpr size_t kMaxPlacesToGather = 20'000;
  std::vector<Place> places;
  bool scan_every_role = false;
  if (query.include_descendants) {
    ASSIGN_OR_RETURN(std::optional<std::vector<Place>> under,
                     directory_->PlacesUnderAtMost(query.place->id, kMaxPlacesToGather));
    if (under) {
      places = *std::move(under);
    } else {
      scan_every_role = true;
    }
  } else if (query.place) {
    places.push_back(*query.place);
  }
  const absl::CivilDay today = Today();
  return engine_.ReadAt(
      list.revision,
      [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Page<RoleAssignment>> {
        std::vector<int64_t> ids;
        if (query.person_id != 0) {
          const absl::Span<const int64_t> of = index.RolesOf(query.person_id);
          ids.assign(of.begin(), of.end());
        } else if (!places.empty()) {
          for (const Place& place : places) {
            const absl::Span<const int64_t> at = index.RolesAt(place);
            ids.insert(ids.end(), at.begin(), at.end());
          }
          std::sort(ids.begin(), ids.end());
        }
        const absl::flat_hash_set<Place> place_set(places.begin(), places.end());
        PageCollector<RoleAssignment> page(list.page_size, revision);
        auto find = [&](int64_t id) { return index.FindRoleAssignment(id, revision); };
        auto keep = [&](const RoleAssignment& r) {
          return (query.roles.empty() ||
                  std::find(query.roles.begin(), query.roles.end(), r.role) !=
                      query.roles.end()) &&
                 (!query.current_only || r.CurrentOn(today)) &&
                 (places.empty() || place_set.contains(r.place)) &&
                 (!scan_every_role || directory_->IsPlaceUnder(r.place, query.place->id));
        };
        if (query.person_id == 0 && (scan_every_role || !query.place)) {
          OfferRange<RoleAssignment>(list.cursor.last_key, index.max_role_assignment_id(), find,
                                     keep, page);
        } else {
          OfferFrom<RoleAssignment>(ids, list.cursor.last_key, find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

}  // namespace grassroots::roster

namespace grassroots::roster {

// --- Bulk import.

namespace {

// What a write is told when the org service's answer about `place` (named
// by request field `field`) keeps it from going ahead; OK for a live place.
absl::Status PlaceRefusal(const absl::StatusOr<PlaceFacts>& facts, const Place& place,
                          absl::string_view field) {
  if (facts.ok() && facts->deleted) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", PlaceName(place), " is deleted in the org service"));
  }
  if (facts.ok()) return absl::OkStatus();
  if (absl::IsNotFound(facts.status())) {
    return absl::NotFoundError(
        absl::StrCat(field, ": ", PlaceName(place), " does not exist in the org service"));
  }
  return absl::UnavailableError(absl::StrCat(field, ": the org service could not confirm ",
                                             PlaceName(place), "; nothing was written"));
}

bool SamePersonData(const Person& a, const Person& b) {
  Person x = a;
  x.id = b.id;
  x.create_time = b.create_time;
  x.update_time = b.update_time;
  x.revision = b.revision;
  x.deleted = b.deleted;
  x.delete_time = b.delete_time;
  return x == b;
}

}  // namespace

void RosterCore::ImportRow(const Caller& caller, ImportRowInput row, bool validate_only,
                           Done<ImportRowResult> done) {
  std::vector<ImportRowInput> rows;
  rows.push_back(std::move(row));
  ImportRows(
      caller, std::move(rows), validate_only,
      [done = std::move(done)](size_t, absl::StatusOr<ImportRowResult> result) {
        done(std::move(result));
      },
      [] {});
}

void RosterCore::ImportRows(const Caller& caller, std::vector<ImportRowInput> rows,
                            bool validate_only, RowDone done, std::function<void()> queued) {
  // The rows that pass the checks that need no one else, with the places
  // they name: rows[i]'s are places[first_place[i] ...].
  struct Batch {
    std::vector<size_t> row_of;  // index into the caller's rows
    std::vector<ImportRowInput> rows;
    std::vector<size_t> first_place;
    std::vector<Place> places;
    std::vector<std::string> fields;  // parallel to the places
  };
  auto batch = std::make_shared<Batch>();
  std::vector<Place> places;
  const absl::CivilDay today = Today();
  for (size_t r = 0; r < rows.size(); ++r) {
    ImportRowInput& row = rows[r];
    if (absl::Status s = ValidateAndNormalizePerson(row.person, today, "person."); !s.ok()) {
      done(r, s);
      continue;
    }
    if (row.person.external_key.empty()) {
      done(r, absl::InvalidArgumentError(
                  "person.external_key: is required in an import, so that a re-import updates "
                  "the row"));
      continue;
    }
    absl::Status role_fields;
    for (size_t i = 0; i < row.roles.size() && role_fields.ok(); ++i) {
      role_fields = ValidateRoleAssignmentFields(row.roles[i], absl::StrCat("roles[", i, "]."));
    }
    if (!role_fields.ok()) {
      done(r, role_fields);
      continue;
    }
    batch->row_of.push_back(r);
    batch->first_place.push_back(places.size());
    if (row.party_org_id != 0) {
      places.push_back({Place::Kind::kPartyOrg, row.party_org_id});
      batch->fields.push_back("party_org");
    }
    if (row.person.residence_building_id != 0) {
      places.push_back({Place::Kind::kUnit, row.person.residence_building_id});
      batch->fields.push_back("person.residence_building");
    }
    for (size_t i = 0; i < row.roles.size(); ++i) {
      places.push_back(row.roles[i].place);
      batch->fields.push_back(absl::StrCat("roles[", i, "].place"));
    }
    batch->rows.push_back(std::move(row));
  }
  batch->first_place.push_back(places.size());
  batch->places = places;
  if (batch->rows.empty()) return queued();
  // One question for the whole batch (OrgReplica: a few BatchGet calls, not
  // one call per place); then each row goes to the writer, in order.
  directory_->DescribeMany(
      places, [this, caller, validate_only, batch, done = std::move(done),
               queued = std::move(queued)](std::vector<absl::StatusOr<PlaceFacts>> facts) {
        for (size_t b = 0; b < batch->rows.size(); ++b) {
          const size_t r = batch->row_of[b];
          const ImportRowInput& row = batch->rows[b];
          const size_t begin = batch->first_place[b], end = batch->first_place[b + 1];
          // Every place found and live first; then each fits its use.
          absl::Status refused;
          for (size_t k = begin; k < end && refused.ok(); ++k) {
            refused = PlaceRefusal(facts[k], batch->places[k], batch->fields[k]);
          }
          for (size_t k = begin; k < end && refused.ok(); ++k) {
            const std::string& field = batch->fields[k];
            if (field == "person.residence_building" && facts[k]->level != org::Level::kBuilding) {
              refused = absl::InvalidArgumentError(
                  absl::StrCat(field, ": ", PlaceName(facts[k]->place), " is not a BUILDING"));
            } else if (absl::StartsWith(field, "roles[")) {
              // The row's places are its party organisation, its residence,
              // then its roles in order.
              const size_t role = row.roles.size() - (end - k);
              refused = CheckRolePlace(row.roles[role].role, *facts[k], field);
            }
          }
          if (!refused.ok()) {
            done(r, refused);
            continue;
          }
          SubmitImportRow(caller, std::move(batch->rows[b]), validate_only,
                          [done, r](absl::StatusOr<ImportRowResult> result) {
                            done(r, std::move(result));
                          });
        }
        queued();
      });
}

void RosterCore::SubmitImportRow(const Caller& caller, ImportRowInput row, bool validate_only,
                                 Done<ImportRowResult> done) {
    auto result = std::make_shared<ImportRowResult>();
    Submit(
        caller, "ImportPeople", "",
        [row, validate_only, result](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          // The person: matched by external key among live people.
          const Person* existing = nullptr;
          for (int64_t id : ctx.index.PeopleWithExternalKey(row.person.external_key)) {
            const Person* p = ctx.person(id);
            if (p != nullptr && !p->deleted && p->external_key == row.person.external_key) {
              existing = p;
            }
          }
          Person person = row.person;
          person.id = existing ? existing->id : ctx.index.max_person_id() + 1;
          RETURN_IF_ERROR(CheckPersonIsUnique(ctx.index, person));
          if (existing == nullptr) {
            person.create_time = ctx.now;
            Touch(person, ctx.now, ctx.revision);
            ctx.Add(std::nullopt, person);
            result->outcome = ImportRowResult::Outcome::kCreated;
          } else if (!SamePersonData(person, *existing)) {
            person.create_time = existing->create_time;
            Touch(person, ctx.now, ctx.revision);
            ctx.Add(*existing, person);
            result->outcome = ImportRowResult::Outcome::kUpdated;
          } else {
            person = *existing;
          }
          result->person_id = person.id;
          // The membership: started, or moved here when it sits elsewhere.
          if (row.party_org_id != 0) {
            RETURN_IF_ERROR(CheckPartyMember(person, "party_org"));
            const absl::CivilDay start =
                row.membership_start.value_or(person.admission_date.value_or(ctx.today));
            const Membership* current = existing ? CurrentMembership(ctx.index, person.id,
                                                                     RosterIndex::kHead)
                                                 : nullptr;
            if (current != nullptr && current->party_org_id != row.party_org_id) {
              RETURN_IF_ERROR(CheckPeriod(current->start_date, start, "membership_start_date"));
              Membership ended = *current;
              ended.end_date = start;
              Touch(ended, ctx.now, ctx.revision);
              ctx.Add(*current, ended);
            }
            if (current == nullptr || current->party_org_id != row.party_org_id) {
              ctx.Add(std::nullopt, NewMembership(ctx.index.max_membership_id() + 1, ctx.now,
                                                  ctx.revision, person.id, row.party_org_id, start));
              // A membership started or moved changes the person's record.
              if (result->outcome == ImportRowResult::Outcome::kUnchanged) {
                result->outcome = ImportRowResult::Outcome::kUpdated;
              }
            }
          }
          // Roles not already held.
          int64_t next_role_id = ctx.index.max_role_assignment_id() + 1;
          for (size_t i = 0; i < row.roles.size(); ++i) {
            RoleAssignment role = row.roles[i];
            role.person_id = person.id;
            bool held = false;
            for (int64_t id : ctx.index.RolesOf(person.id)) {
              const RoleAssignment* r = ctx.index.FindRoleAssignment(id, RosterIndex::kHead);
              held |= r->role == role.role && r->place == role.place &&
                      r->start_date == role.start_date;
            }
            if (held) continue;
            if (RoleNeedsFullMember(role.role) && person.party_status != PartyStatus::kFull) {
              return absl::FailedPreconditionError(absl::StrCat(
                  "roles[", i, "]: a ", RoleName(role.role), " must be a full party member"));
            }
            RETURN_IF_ERROR(CheckSingleHolder(ctx.index, role, ctx.today,
                                              absl::StrCat("roles[", i, "].role")));
            role.id = next_role_id++;
            role.create_time = ctx.now;
            Touch(role, ctx.now, ctx.revision);
            ctx.Add(std::nullopt, role);
            ++result->roles_assigned;
          }
          if (validate_only) ctx.mutation.changes.clear();
          return Snapshot(person);
        },
        [result, done](absl::StatusOr<Snapshot> person) {
          if (!person.ok()) return done(person.status());
          done(*result);
        });
}

}  // namespace grassroots::roster
