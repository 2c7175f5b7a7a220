// The single writes of RosterCore. Their rules are the plans of
// roster_plans.h, which the import calls too.

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/etag.h"
#include "common/page_token.h"
#include "common/personal_data.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_filter.h"
#include "roster_service/roster_plans.h"

namespace grassroots::roster {

namespace {

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
    take("probation_extension_months", person.probation_extension_months,
         v.probation_extension_months);
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

// --- People.

void RosterCore::CreatePerson(const Caller& caller, Person person, std::string request_id,
                              Done<Person> done) {
  if (absl::Status s = ValidateAndNormalizePerson(person, Today(), "person."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  auto submit = [this, caller, person, request_id = std::move(request_id), done]() mutable {
    Submit(
        caller, "CreatePerson", std::move(request_id),
        [person = std::move(person)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          Person made = person;
          RETURN_IF_ERROR(PlanCreatePerson(ctx, made));
          return made;
        },
        TypedDone<Person, Snapshot>(std::move(done)));
  };
  if (person.residence_building_id == 0) return submit();
  WithPlace(
      Place{Place::Kind::kUnit, person.residence_building_id}, "person.residence_building",
      [submit, done](const PlaceFacts& facts) mutable {
        if (absl::Status s = CheckResidenceBuilding(facts, "person.residence_building"); !s.ok()) {
          return done(s);
        }
        submit();
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::UpdatePerson(const Caller& caller, PersonUpdate update, Done<Person> done) {
  const int64_t building = update.values.residence_building_id;
  const bool check_building = building != 0 && PathsTouch(update.paths, "residence_building");
  auto submit = [this, caller, update = std::move(update), done]() mutable {
    Submit(
        caller, "UpdatePerson", "",
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
          RETURN_IF_ERROR(PlanReplacePerson(ctx, *current, next));
          return next;
        },
        TypedDone<Person, Snapshot>(std::move(done)));
  };
  if (!check_building) return submit();
  WithPlace(
      Place{Place::Kind::kUnit, building}, "person.residence_building",
      [submit, done](const PlaceFacts& facts) mutable {
        if (absl::Status s = CheckResidenceBuilding(facts, "person.residence_building"); !s.ok()) {
          return done(s);
        }
        submit();
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::DeletePerson(const Caller& caller, int64_t id, std::string etag,
                              Done<Person> done) {
  Submit(
      caller, "DeletePerson", "",
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
          return absl::FailedPreconditionError(absl::StrCat("name: ", PersonName(id), " has ", held,
                                                            "; end it before deleting the person"));
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
  Submit(
      caller, "UndeletePerson", "",
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
        RETURN_IF_ERROR(CheckPersonIsUniqueFor(ctx, next, current));
        Touch(next, ctx.now, ctx.revision);
        ctx.Add(*current, next);
        return next;
      },
      TypedDone<Person, Snapshot>(std::move(done)));
}

// --- Memberships and registrations.

void RosterCore::StartMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                                 absl::CivilDay start, Done<Membership> done) {
  WithPlace(
      Place{Place::Kind::kPartyOrg, party_org_id}, "party_org",
      [this, caller, person_id, party_org_id, start, done](const PlaceFacts& facts) {
        if (absl::Status s = CheckMembershipPlace(facts, "party_org"); !s.ok()) return done(s);
        Submit(
            caller, "StartMembership", "",
            [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
              ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
              return PlanStartMembership(
                  ctx, *person, CurrentMembership(ctx.index, person_id, RosterIndex::kHead),
                  party_org_id, start, "person");
            },
            TypedDone<Membership, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::TransferMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                                    absl::CivilDay date, Done<Membership> done) {
  WithPlace(
      Place{Place::Kind::kPartyOrg, party_org_id}, "party_org",
      [this, caller, person_id, party_org_id, date, done](const PlaceFacts& facts) {
        if (absl::Status s = CheckMembershipPlace(facts, "party_org"); !s.ok()) return done(s);
        Submit(
            caller, "TransferMembership", "",
            [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
              ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
              return PlanTransferMembership(
                  ctx, *person, CurrentMembership(ctx.index, person_id, RosterIndex::kHead),
                  party_org_id, date, "person", "date");
            },
            TypedDone<Membership, Snapshot>(done));
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndMembership(const Caller& caller, int64_t person_id, absl::CivilDay end,
                               Done<Membership> done) {
  Submit(
      caller, "EndMembership", "",
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

void RosterCore::CreateRegistration(const Caller& caller, Registration registration,
                                    Done<Registration> done) {
  if (absl::Status s = ValidateRegistrationFields(registration, ""); !s.ok()) return done(s);
  auto submit = [this, caller, registration, done]() {
    Submit(
        caller, "CreateRegistration", "",
        [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const int64_t person_id = registration.person_id;
          ASSIGN_OR_RETURN(const Person* person, LivePerson(ctx.index, person_id, "person"));
          if (!IsPartyMember(person->party_status) ||
              person->member_category != MemberCategory::kInService) {
            return absl::FailedPreconditionError(absl::StrCat(
                "person: ", PersonName(person_id),
                " is not an in-service party member; only they report to a community"));
          }
          if (const Registration* current =
                  CurrentRegistration(ctx.index, person_id, RosterIndex::kHead)) {
            return absl::FailedPreconditionError(
                absl::StrCat("person: ", PersonName(person_id), " is already registered (",
                             RegistrationName(person_id, current->id), "); end that first"));
          }
          Registration made = AddPeriod(ctx, ctx.index.max_registration_id() + 1, person_id,
                                        &Registration::community_id, registration.community_id,
                                        registration.start_date, [&](Registration& r) {
                                          r.compound_id = registration.compound_id;
                                          r.post = registration.post;
                                          r.duty_zone = registration.duty_zone;
                                          r.employer_id = registration.employer_id;
                                        });
          return made;
        },
        TypedDone<Registration, Snapshot>(done));
  };
  // The employer, when named, is checked last, just before the write.
  auto checked = [this, employer = registration.employer_id, submit, done]() {
    WithExternalOrg(employer, "employer", submit, [done](absl::Status s) { done(s); });
  };
  const Place community{Place::Kind::kUnit, registration.community_id};
  WithPlace(
      community, "community",
      [this, registration, community, checked, done](const PlaceFacts& facts) {
        if (facts.level != org::Level::kCommunity) {
          return done(absl::InvalidArgumentError(absl::StrCat("community: ", PlaceName(facts.place),
                                                              " is a ", org::LevelName(facts.level),
                                                              ", not a COMMUNITY")));
        }
        if (registration.compound_id == 0) return checked();
        const Place compound{Place::Kind::kUnit, registration.compound_id};
        WithPlace(
            compound, "compound",
            [compound, community, checked, done](const PlaceFacts& compound_facts) {
              if (compound_facts.level != org::Level::kCompound ||
                  compound_facts.parent_id != community.id) {
                return done(absl::InvalidArgumentError(
                    absl::StrCat("compound: ", PlaceName(compound), " is not a COMPOUND of ",
                                 PlaceName(community))));
              }
              checked();
            },
            [done](absl::Status s) { done(s); });
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndRegistration(const Caller& caller, ChildName name, absl::CivilDay end,
                                 Done<Registration> done) {
  Submit(
      caller, "EndRegistration", "",
      [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        const Registration* current = ctx.index.FindRegistration(name.id, RosterIndex::kHead);
        if (current == nullptr || current->person_id != name.person_id) {
          return absl::NotFoundError(
              absl::StrCat("name: ", RegistrationName(name.person_id, name.id), " does not exist"));
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

void RosterCore::AssignRole(const Caller& caller, RoleAssignment assignment, std::string request_id,
                            Done<RoleAssignment> done) {
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
        WithExternalOrg(
            assignment.sending_org_id, "role_assignment.sending_org",
            [this, caller, assignment, request_id, done] {
              Submit(
                  caller, "AssignRole", request_id,
                  [assignment](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
                    ASSIGN_OR_RETURN(
                        const Person* person,
                        LivePerson(ctx.index, assignment.person_id, "role_assignment.person"));
                    return PlanAssignRole(ctx, *person, assignment,
                                          ctx.index.max_role_assignment_id() + 1,
                                          "role_assignment.");
                  },
                  TypedDone<RoleAssignment, Snapshot>(done));
            },
            [done](absl::Status s) { done(s); });
      },
      [done](absl::Status s) { done(s); });
}

void RosterCore::EndRoleAssignment(const Caller& caller, int64_t id, absl::CivilDay end,
                                   std::string etag, Done<RoleAssignment> done) {
  Submit(
      caller, "EndRoleAssignment", "",
      [=](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        const RoleAssignment* current = ctx.index.FindRoleAssignment(id, RosterIndex::kHead);
        if (current == nullptr) return RoleNotFound(id, "name");
        RETURN_IF_ERROR(CheckEtag(etag, current->revision, RoleAssignmentName(id)));
        if (current->end_date && *current->end_date <= end) {
          return absl::FailedPreconditionError(
              absl::StrCat("name: ", RoleAssignmentName(id), " has already ended"));
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

}  // namespace grassroots::roster