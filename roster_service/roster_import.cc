// The bulk import of RosterCore: each row is checked by the same plans as
// the single writes (roster_plans.h) and committed as one mutation.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_plans.h"

namespace grassroots::roster {

// --- Bulk import.

namespace {

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

// What a row may do to personal data its caller cannot see. Without the
// personal-data grant, an existing person's ID-card number and phone reach
// the caller masked, and the birth date is checked against the number: a
// row that leaves them empty, or sends a mask back (a CSV exported without
// the grant; ImportRows has emptied those), keeps them as stored; a row that gives another
// ID-card number or birth date is refused, as UpdatePerson refuses those
// fields through the gateway — it would overwrite, or test a guess
// against, what the caller never saw. A phone may be replaced, as with
// UpdatePerson.
absl::Status KeepHiddenPersonalData(const Caller* caller, const Person& existing, Person& row) {
  if (caller == nullptr || caller->may_see_personal_data) return absl::OkStatus();
  if (row.id_card_number.empty()) {
    row.id_card_number = existing.id_card_number;
  } else if (!existing.id_card_number.empty() && row.id_card_number != existing.id_card_number) {
    return absl::PermissionDeniedError(
        "person.id_card_number: replacing the ID-card number of an existing person needs the "
        "personal-data grant");
  }
  if (!row.birth_date) {
    row.birth_date = existing.birth_date;
  } else if (existing.birth_date && row.birth_date != existing.birth_date) {
    return absl::PermissionDeniedError(
        "person.birth_date: changing the birth date of an existing person needs the "
        "personal-data grant");
  }
  if (row.phone.empty()) row.phone = existing.phone;
  return absl::OkStatus();
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
    std::vector<int> role_of;         // parallel: the role whose place it is, -1 else
  };
  auto batch = std::make_shared<Batch>();
  std::vector<Place> places;
  const absl::CivilDay today = Today();
  for (size_t r = 0; r < rows.size(); ++r) {
    ImportRowInput& row = rows[r];
    if (!caller.may_see_personal_data) {
      // A masked number (a CSV exported without the grant) stands for the
      // one stored, which the caller never saw: it is kept (see
      // KeepHiddenPersonalData). A real number never holds a '*'.
      if (absl::StrContains(row.person.id_card_number, '*')) row.person.id_card_number.clear();
      if (absl::StrContains(row.person.phone, '*')) row.person.phone.clear();
    }
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
    batch->role_of.resize(batch->fields.size(), -1);
    for (size_t i = 0; i < row.roles.size(); ++i) {
      places.push_back(row.roles[i].place);
      batch->fields.push_back(absl::StrCat("roles[", i, "].place"));
      batch->role_of.push_back(static_cast<int>(i));
      if (row.roles[i].sending_org_id != 0) {
        places.push_back({Place::Kind::kExternalOrg, row.roles[i].sending_org_id});
        batch->fields.push_back(absl::StrCat("roles[", i, "].sending_org"));
        batch->role_of.push_back(-1);
      }
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
            if (field == "party_org") {
              refused = CheckMembershipPlace(*facts[k], field);
            } else if (field == "person.residence_building") {
              refused = CheckResidenceBuilding(*facts[k], field);
            } else if (const int role = batch->role_of[k]; role >= 0) {
              refused = CheckRolePlace(row.roles[role].role, *facts[k], field);
            }
          }
          if (!refused.ok()) {
            done(r, refused);
            continue;
          }
          SubmitImportRow(
              caller, std::move(batch->rows[b]), validate_only,
              [done, r](absl::StatusOr<ImportRowResult> result) { done(r, std::move(result)); });
        }
        queued();
      });
}

void RosterCore::SubmitImportRow(const Caller& caller, ImportRowInput row, bool validate_only,
                                 Done<ImportRowResult> done) {
  auto result = std::make_shared<ImportRowResult>();
  Submit(
      caller, "ImportPeople", "",
      [row = std::move(row), validate_only, result](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        // The person: matched by external key among live people; created,
        // or replaced when the row differs, by the plans of Create- and
        // UpdatePerson.
        const Person* existing = nullptr;
        for (int64_t id : ctx.index.PeopleWithExternalKey(row.person.external_key)) {
          const Person* p = ctx.person(id);
          if (p != nullptr && !p->deleted && p->external_key == row.person.external_key) {
            existing = p;
          }
        }
        Person person = row.person;
        if (existing == nullptr) {
          RETURN_IF_ERROR(PlanCreatePerson(ctx, person));
          result->outcome = ImportRowResult::Outcome::kCreated;
        } else {
          person.id = existing->id;
          RETURN_IF_ERROR(KeepHiddenPersonalData(ctx.caller, *existing, person));
          if (SamePersonData(person, *existing)) {
            person = *existing;
          } else {
            RETURN_IF_ERROR(PlanReplacePerson(ctx, *existing, person));
            result->outcome = ImportRowResult::Outcome::kUpdated;
          }
        }
        result->person_id = person.id;
        // The membership: started, or transferred here when it sits
        // elsewhere, by the plans of Start- and TransferMembership.
        if (row.party_org_id != 0) {
          const absl::CivilDay start =
              row.membership_start.value_or(person.admission_date.value_or(ctx.today));
          const Membership* current =
              existing ? CurrentMembership(ctx.index, person.id, RosterIndex::kHead) : nullptr;
          if (current == nullptr) {
            RETURN_IF_ERROR(
                PlanStartMembership(ctx, person, current, row.party_org_id, start, "party_org")
                    .status());
          } else if (current->party_org_id != row.party_org_id) {
            RETURN_IF_ERROR(PlanTransferMembership(ctx, person, current, row.party_org_id, start,
                                                   "party_org", "membership_start_date")
                                .status());
          } else {
            RETURN_IF_ERROR(CheckPartyMember(person, "party_org"));
          }
          // A membership started or moved changes the person's record.
          if (current == nullptr || current->party_org_id != row.party_org_id) {
            if (result->outcome == ImportRowResult::Outcome::kUnchanged) {
              result->outcome = ImportRowResult::Outcome::kUpdated;
            }
          }
        }
        // Roles not already held (same role, place and start), by the plan
        // of AssignRole.
        int64_t next_role_id = ctx.index.max_role_assignment_id() + 1;
        for (size_t i = 0; i < row.roles.size(); ++i) {
          const RoleAssignment& role = row.roles[i];
          bool held = false;
          for (int64_t id : ctx.index.RolesOf(person.id)) {
            const RoleAssignment* r = ctx.index.FindRoleAssignment(id, RosterIndex::kHead);
            held |=
                r->role == role.role && r->place == role.place && r->start_date == role.start_date;
          }
          if (held) continue;
          RETURN_IF_ERROR(
              PlanAssignRole(ctx, person, role, next_role_id++, absl::StrCat("roles[", i, "]."))
                  .status());
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
