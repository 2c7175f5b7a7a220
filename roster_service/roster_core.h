#ifndef GRASSROOTS_ROSTER_SERVICE_ROSTER_CORE_H_
#define GRASSROOTS_ROSTER_SERVICE_ROSTER_CORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/commit_engine.h"
#include "common/paging.h"
#include "common/service_kit.h"
#include "org_client/org_directory.h"
#include "roster_service/roster_event.h"
#include "roster_service/roster_index.h"
#include "roster_service/roster_store.h"
#include "roster_service/uniqueness_budget.h"

namespace grassroots::roster {

// The commit engine's options (common/service_kit.h).
using RosterCoreOptions = ::grassroots::CoreOptions;

struct RosterWriteContext;  // roster_plans.h

// A change to some fields of a person (AIP-134).
struct PersonUpdate {
  int64_t id = 0;
  Person values;
  std::vector<std::string> paths;
  std::string etag;
};

struct ListPeopleQuery {
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  bool show_deleted = false;
  int64_t read_revision = 0;
};

struct ListMembershipsQuery {
  int64_t person_id = 0;     // 0: everyone's
  int64_t party_org_id = 0;  // 0: any organisation
  bool current_only = false;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListRegistrationsQuery {
  int64_t person_id = 0;     // 0: everyone's
  int64_t community_id = 0;  // 0: any community
  bool current_only = false;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListRolesQuery {
  int64_t person_id = 0;       // 0: anyone's
  std::optional<Place> place;  // none: anywhere
  // With a unit place: also every place below it (OrgDirectory::PlacesUnder).
  bool include_descendants = false;
  std::vector<Role> roles;  // empty: all
  bool current_only = false;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

// One row of a bulk import: a person, and optionally the organisation of
// their membership and the roles they hold.
struct ImportRowInput {
  Person person;  // external_key makes a re-import update, not duplicate
  int64_t party_org_id = 0;
  std::optional<absl::CivilDay> membership_start;
  std::vector<RoleAssignment> roles;  // person_id is ignored
};

struct ImportRowResult {
  enum class Outcome { kCreated, kUpdated, kUnchanged };
  Outcome outcome = Outcome::kUnchanged;
  int64_t person_id = 0;
  int roles_assigned = 0;
};

// The rules of the roster. Reads are answered from the in-memory RosterIndex
// at a revision; writes go through the shared CommitEngine (group commit).
// A write that names a unit or party organisation asks the org service
// (OrgDirectory::Describe) first, without blocking, and is queued only when
// the place exists, is live and fits the rule: NOT_FOUND for an unknown
// place, FAILED_PRECONDITION for a deleted one, UNAVAILABLE when the org
// service cannot answer — and then nothing is written.
//
// Errors otherwise as in the org service: INVALID_ARGUMENT naming the field,
// NOT_FOUND, ALREADY_EXISTS (a duplicate ID-card number or external key),
// FAILED_PRECONDITION (a second current membership, a person who is not a
// party member, a secretary already in office), ABORTED (stale etag).
//
// Thread-safe. Write callbacks run on the writer thread or on the org
// client's callback thread and must not block.
class RosterCore : public ServiceCore<Snapshot, RosterIndex, StoredRoster> {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  RosterCore(RosterStore* store, org_client::OrgDirectory* directory, const Clock* clock,
             RosterCoreOptions options = {});
  ~RosterCore() { Stop(); }

  // Today in China (UTC+8), for dates that depend on it.
  absl::CivilDay Today() const;

  // --- Writes.
  void CreatePerson(const Caller& caller, Person person, std::string request_id, Done<Person> done);
  void UpdatePerson(const Caller& caller, PersonUpdate update, Done<Person> done);
  void DeletePerson(const Caller& caller, int64_t id, std::string etag, Done<Person> done);
  void UndeletePerson(const Caller& caller, int64_t id, std::string etag, Done<Person> done);
  void StartMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                       absl::CivilDay start, Done<Membership> done);
  void TransferMembership(const Caller& caller, int64_t person_id, int64_t party_org_id,
                          absl::CivilDay date, Done<Membership> done);
  void EndMembership(const Caller& caller, int64_t person_id, absl::CivilDay end,
                     Done<Membership> done);
  // `registration`: person_id, community_id, start_date, and optionally a
  // compound of that community, a post and a duty zone.
  void CreateRegistration(const Caller& caller, Registration registration, Done<Registration> done);
  void EndRegistration(const Caller& caller, ChildName name, absl::CivilDay end,
                       Done<Registration> done);
  void AssignRole(const Caller& caller, RoleAssignment assignment, std::string request_id,
                  Done<RoleAssignment> done);
  void EndRoleAssignment(const Caller& caller, int64_t id, absl::CivilDay end, std::string etag,
                         Done<RoleAssignment> done);
  // Imports one row as one mutation: all of it or nothing. The person is
  // matched by external key (updated when it differs), the membership is
  // started, or transferred when it sits elsewhere, and roles already held
  // (same role, place and start) are not assigned again. With
  // `validate_only` every check runs and nothing is stored.
  void ImportRow(const Caller& caller, ImportRowInput row, bool validate_only,
                 Done<ImportRowResult> done);
  // ImportRow for many rows (one message of an ImportPeople stream), with
  // one OrgDirectory::DescribeMany for the places they all name rather than
  // a question per place. Each row is still its own mutation, all of it or
  // nothing, and is answered on its own: `done(i, result)` once for rows[i],
  // when it is refused or durable. `queued` runs once every row has been
  // refused or handed to the writer, in the order given, so that the rows of
  // a later call are applied after these (a re-import of the same external
  // key in the same stream keeps its order).
  using RowDone = std::function<void(size_t, absl::StatusOr<ImportRowResult>)>;
  void ImportRows(const Caller& caller, std::vector<ImportRowInput> rows, bool validate_only,
                  RowDone done, std::function<void()> queued);

  // --- Reads.
  absl::StatusOr<Person> GetPerson(int64_t id) const;
  absl::StatusOr<std::vector<Person>> BatchGetPeople(absl::Span<const int64_t> ids) const;
  absl::StatusOr<Page<Person>> ListPeople(const ListPeopleQuery& query) const;
  absl::StatusOr<Person> LookupPersonByIdCard(const std::string& number) const;
  absl::StatusOr<Page<Membership>> ListMemberships(const ListMembershipsQuery& query) const;
  absl::StatusOr<Page<Registration>> ListRegistrations(const ListRegistrationsQuery& query) const;
  absl::StatusOr<RoleAssignment> GetRoleAssignment(int64_t id) const;
  absl::StatusOr<Page<RoleAssignment>> ListRoleAssignments(const ListRolesQuery& query) const;

 private:
  using WriteContext = RosterWriteContext;
  using Plan = std::function<absl::StatusOr<Snapshot>(WriteContext&)>;

  void Submit(const Caller& caller, std::string method, std::string request_id, Plan plan,
              Done<Snapshot> done);
  // Queues one checked import row with the writer.
  void SubmitImportRow(const Caller& caller, ImportRowInput row, bool validate_only,
                       Done<ImportRowResult> done);
  // Asks the org service about `place` (named by request field `field`), and
  // when it is live runs `then` with what it said; otherwise `fail` with the
  // refusal (PlaceRefusal in roster_plans.h).
  void WithPlace(const Place& place, std::string field, std::function<void(const PlaceFacts&)> then,
                 std::function<void(absl::Status)> fail);
  // `then` once the external organisation `id` is known to the org service
  // and live (at once when `id` is 0: none named); `fail` otherwise.
  void WithExternalOrg(int64_t id, std::string field, std::function<void()> then,
                       std::function<void(absl::Status)> fail);

  org_client::OrgDirectory* const directory_;
  const Clock* const clock_;
  UniquenessBudget budget_;
};

}  // namespace grassroots::roster

#endif  // GRASSROOTS_ROSTER_SERVICE_ROSTER_CORE_H_
