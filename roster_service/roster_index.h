#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_INDEX_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_INDEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "common/versioned_table.h"
#include "roster_service/roster_event.h"
#include "roster_service/roster_store.h"

namespace grassroots::roster {

// The roster in memory, with every version a read at a retained revision
// may need (see CommitEngine for the State contract it fulfils).
//
// Secondary indexes (by person, by place, by organisation, by ID-card
// number) list every id that ever matched, ascending; readers check the
// version at their revision. The fields they index never change except a
// person's ID-card number and external key, whose lists only grow.
//
// Not thread-safe: the CommitEngine guards it.
class RosterIndex {
 public:
  static constexpr int64_t kHead = INT64_MAX;

  // --- The CommitEngine State contract.
  int64_t published_revision() const { return published_revision_; }
  int64_t oldest_readable_revision() const { return oldest_readable_; }
  void Apply(const Mutation& mutation);
  void Publish(int64_t revision) { published_revision_ = revision; }
  void Prune(int64_t horizon);
  void Reset(StoredRoster stored);
  absl::StatusOr<Snapshot> FindByName(const std::string& name) const;

  // --- Reads at `revision` (published, or kHead for the writer).
  const Person* FindPerson(int64_t id, int64_t revision) const { return people_.At(id, revision); }
  const Membership* FindMembership(int64_t id, int64_t revision) const {
    return memberships_.At(id, revision);
  }
  const Registration* FindRegistration(int64_t id, int64_t revision) const {
    return registrations_.At(id, revision);
  }
  const RoleAssignment* FindRoleAssignment(int64_t id, int64_t revision) const {
    return roles_.At(id, revision);
  }
  int64_t max_person_id() const { return people_.max_id(); }
  int64_t max_membership_id() const { return memberships_.max_id(); }
  int64_t max_registration_id() const { return registrations_.max_id(); }
  int64_t max_role_assignment_id() const { return roles_.max_id(); }

  // Ids that ever matched, ascending (see the class comment). Valid until
  // the next Apply, Prune or Reset.
  absl::Span<const int64_t> MembershipsOf(int64_t person_id) const;
  absl::Span<const int64_t> RegistrationsOf(int64_t person_id) const;
  absl::Span<const int64_t> RolesOf(int64_t person_id) const;
  absl::Span<const int64_t> RolesAt(const Place& place) const;
  absl::Span<const int64_t> MembershipsAt(int64_t party_org_id) const;
  absl::Span<const int64_t> RegistrationsAt(int64_t community_id) const;
  absl::Span<const int64_t> PeopleWithIdCard(const std::string& number) const;
  absl::Span<const int64_t> PeopleWithExternalKey(const std::string& key) const;

 private:
  // Most lists hold one or two ids (a person's ID-card number, external key,
  // membership, roles): kept inline, they cost no allocation of their own,
  // which at a million people is a good part of the roster's memory.
  using IdList = absl::InlinedVector<int64_t, 2>;
  static void Append(IdList& ids, int64_t id);
  void Index(const Snapshot& after);

  VersionedTable<Person> people_;
  VersionedTable<Membership> memberships_;
  VersionedTable<Registration> registrations_;
  VersionedTable<RoleAssignment> roles_;
  absl::flat_hash_map<int64_t, IdList> memberships_of_;
  absl::flat_hash_map<int64_t, IdList> registrations_of_;
  absl::flat_hash_map<int64_t, IdList> roles_of_;
  absl::flat_hash_map<Place, IdList> roles_at_;
  absl::flat_hash_map<int64_t, IdList> memberships_at_;
  absl::flat_hash_map<int64_t, IdList> registrations_at_;
  absl::flat_hash_map<std::string, IdList> people_by_id_card_;
  absl::flat_hash_map<std::string, IdList> people_by_external_key_;
  int64_t published_revision_ = 0;
  int64_t oldest_readable_ = 0;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_INDEX_H_
