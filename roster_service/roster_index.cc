#include "roster_service/roster_index.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace grassroots::roster {
namespace {

absl::Span<const int64_t> Lookup(const auto& map, const auto& key) {
  auto it = map.find(key);
  if (it == map.end()) return {};
  return absl::MakeConstSpan(it->second);
}

}  // namespace

void RosterIndex::Append(IdList& ids, int64_t id) {
  // Ids are created in ascending order, so appending keeps lists sorted; a
  // new version of a row already listed is not listed again.
  if (ids.empty() || ids.back() < id) {
    ids.push_back(id);
  } else if (!std::binary_search(ids.begin(), ids.end(), id)) {
    ids.insert(std::lower_bound(ids.begin(), ids.end(), id), id);
  }
}

void RosterIndex::Index(const Snapshot& after) {
  if (const auto* person = std::get_if<Person>(&after)) {
    people_.Put(*person);
    if (!person->id_card_number.empty()) {
      Append(people_by_id_card_[person->id_card_number], person->id);
    }
    if (!person->external_key.empty()) {
      Append(people_by_external_key_[person->external_key], person->id);
    }
  } else if (const auto* membership = std::get_if<Membership>(&after)) {
    memberships_.Put(*membership);
    Append(memberships_of_[membership->person_id], membership->id);
    Append(memberships_at_[membership->party_org_id], membership->id);
  } else if (const auto* registration = std::get_if<Registration>(&after)) {
    registrations_.Put(*registration);
    Append(registrations_of_[registration->person_id], registration->id);
    Append(registrations_at_[registration->community_id], registration->id);
  } else {
    const auto& role = std::get<RoleAssignment>(after);
    roles_.Put(role);
    Append(roles_of_[role.person_id], role.id);
    Append(roles_at_[role.place], role.id);
  }
}

void RosterIndex::Apply(const Mutation& mutation) {
  for (const Change& change : mutation.changes) Index(change.after);
}

void RosterIndex::Prune(int64_t horizon) {
  horizon = std::min(horizon, published_revision_);
  if (horizon <= oldest_readable_) return;
  oldest_readable_ = horizon;
  people_.Prune(horizon);
  memberships_.Prune(horizon);
  registrations_.Prune(horizon);
  roles_.Prune(horizon);
}

void RosterIndex::Reset(StoredRoster stored) {
  *this = RosterIndex();
  people_.Reserve(stored.max_person_id);
  memberships_.Reserve(stored.max_membership_id);
  registrations_.Reserve(stored.max_registration_id);
  roles_.Reserve(stored.max_role_assignment_id);
  for (Person& person : stored.people) Index(std::move(person));
  for (Membership& membership : stored.memberships) Index(std::move(membership));
  for (Registration& registration : stored.registrations) Index(std::move(registration));
  for (RoleAssignment& role : stored.role_assignments) Index(std::move(role));
  published_revision_ = stored.revision;
  oldest_readable_ = stored.revision;
}

absl::StatusOr<Snapshot> RosterIndex::FindByName(const std::string& name) const {
  if (auto id = ParsePersonName(name, "request_id"); id.ok()) {
    if (const Person* person = FindPerson(*id, kHead)) return *person;
  } else if (auto role = ParseRoleAssignmentName(name, "request_id"); role.ok()) {
    if (const RoleAssignment* found = FindRoleAssignment(*role, kHead)) return *found;
  }
  return absl::InternalError(absl::StrCat("request_id: names ", name, ", which is not loaded"));
}

absl::Span<const int64_t> RosterIndex::MembershipsOf(int64_t person_id) const {
  return Lookup(memberships_of_, person_id);
}
absl::Span<const int64_t> RosterIndex::RegistrationsOf(int64_t person_id) const {
  return Lookup(registrations_of_, person_id);
}
absl::Span<const int64_t> RosterIndex::RolesOf(int64_t person_id) const {
  return Lookup(roles_of_, person_id);
}
absl::Span<const int64_t> RosterIndex::RolesAt(const Place& place) const {
  return Lookup(roles_at_, place);
}
absl::Span<const int64_t> RosterIndex::MembershipsAt(int64_t party_org_id) const {
  return Lookup(memberships_at_, party_org_id);
}
absl::Span<const int64_t> RosterIndex::RegistrationsAt(int64_t community_id) const {
  return Lookup(registrations_at_, community_id);
}
absl::Span<const int64_t> RosterIndex::PeopleWithIdCard(const std::string& number) const {
  return Lookup(people_by_id_card_, number);
}
absl::Span<const int64_t> RosterIndex::PeopleWithExternalKey(const std::string& key) const {
  return Lookup(people_by_external_key_, key);
}

}  // namespace grassroots::roster
