#ifndef GRASSROOTS_CASEWORK_SERVICE_CASEWORK_CORE_H_
#define GRASSROOTS_CASEWORK_SERVICE_CASEWORK_CORE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "casework_service/casework_event.h"
#include "casework_service/casework_index.h"
#include "casework_service/casework_store.h"
#include "casework_service/service_levels.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/paging.h"
#include "common/service_kit.h"
#include "org_client/org_directory.h"
#include "roster_client/person_directory.h"

namespace grassroots::casework {

// A change to some fields of an open issue (AIP-134): title, description,
// category, reporter, reporter_contact.
struct IssueUpdate {
  int64_t id = 0;
  Issue values;
  std::vector<std::string> paths;
  std::string etag;
};

// One transition of an issue's state (see Issue in the proto).
struct IssueTransition {
  int64_t id = 0;
  IssueAction action = IssueAction::kAccept;
  std::string etag;
  std::string text;  // the reason (escalate, reopen, reject) or the resolution
  Satisfaction satisfaction = Satisfaction::kUnspecified;  // confirm
  int64_t assignee_id = 0;                                 // accept; 0 keeps it
  int64_t handling_party_org_id = 0;                       // accept; 0 keeps it
};

// One issue of an import, as another system recorded it (ImportedIssue in
// the proto): the issue with its state, level, times and external_key, and
// the departments summoned to it.
struct ImportRow {
  Issue issue;
  std::vector<Dispatch> dispatches;
};

struct ImportRowResult {
  bool imported = false;  // false: its key was imported before, nothing changed
  int64_t issue_id = 0;
};

struct ListIssuesQuery {
  int64_t place_id = 0;  // 0: anywhere
  std::string filter;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListDispatchesQuery {
  int64_t issue_id = 0;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

// The rules of casework. Reads are answered from the in-memory
// CaseworkIndex at a revision; writes go through the shared CommitEngine.
//
// A report names a place: the core asks the org service (OrgDirectory) for
// it and for each unit above it, without blocking, and queues the write
// only when the place is a live building, compound or community — NOT_FOUND
// for an unknown place, FAILED_PRECONDITION for a deleted one, UNAVAILABLE
// when the org service cannot answer, and then nothing is written. The
// units found (compound, community, street, district) are the issue's
// handling chain for its whole life. A party organisation named as the
// handling one must be live and cover the handling unit or a unit below it
// (the directory's replica says which); a department named by organisation
// must be a live external organisation. A reporter or assignee must be a
// live person of the roster (roster_client::PersonDirectory), checked the same way.
//
// The sweeper (SweepOverdue, called on a timer by the server) escalates
// open issues whose due time has passed one level, as one mutation whose
// actor is kServiceActor. Each escalation sets a new due time in the same
// transaction, so a sweep repeated after a restart or a kill -9 finds
// nothing to do for the period already escalated.
//
// Thread-safe. Write callbacks run on the writer thread or on the org
// client's callback thread and must not block.
class CaseworkCore : public ServiceCore<Snapshot, CaseworkIndex, StoredCasework> {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // `people` (may be null: people are then not checked) says whether the
  // reporter and assignee an issue names exist in the roster.
  CaseworkCore(CaseworkStore* store, org_client::OrgDirectory* directory, const Clock* clock,
               ServiceLevels levels = {}, CoreOptions options = {},
               roster_client::PersonDirectory* people = nullptr);
  ~CaseworkCore() { Stop(); }

  // --- Writes.
  // `issue`: place, category, channel, title; optionally description,
  // reporter, reporter_contact, handling_party_org, assignee.
  void ReportIssue(const Caller& caller, Issue issue, std::string request_id, Done<Issue> done);
  void UpdateIssue(const Caller& caller, IssueUpdate update, Done<Issue> done);
  void TransitionIssue(const Caller& caller, IssueTransition transition, Done<Issue> done);
  // `dispatch`: issue_id, department (org or name), due_time, request.
  void CreateDispatch(const Caller& caller, Dispatch dispatch, std::string request_id,
                      Done<Dispatch> done);
  void AcknowledgeDispatch(const Caller& caller, DispatchId id, std::string etag,
                           Done<Dispatch> done);
  void ReportDispatch(const Caller& caller, DispatchId id, std::string etag, std::string report,
                      Done<Dispatch> done);

  // Imports each row as its own mutation, all of it or nothing; a row whose
  // external_key its district knows already changes nothing (same place) or
  // is ALREADY_EXISTS (another place; the other issue is not named). Each row's place is
  // asked of the org service as a report's is. `done` gets one result per row, in order,
  // once every row is answered. With `validate_only` every check runs and
  // nothing is stored.
  using ImportDone = std::function<void(std::vector<absl::StatusOr<ImportRowResult>>)>;
  void ImportIssues(const Caller& caller, std::vector<ImportRow> rows, bool validate_only,
                    ImportDone done);

  // Escalates up to `max` overdue issues (oldest due time first) in one
  // mutation; `done` gets how many it escalated. Costs O(overdue + log
  // open): closed issues are never visited.
  void SweepOverdue(int max, std::function<void(absl::StatusOr<int>)> done);

  // --- Reads.
  absl::StatusOr<Issue> GetIssue(int64_t id, int64_t read_revision = 0) const;
  absl::StatusOr<std::vector<Issue>> BatchGetIssues(absl::Span<const int64_t> ids) const;
  absl::StatusOr<Page<Issue>> ListIssues(const ListIssuesQuery& query) const;
  absl::StatusOr<Dispatch> GetDispatch(DispatchId id, int64_t read_revision = 0) const;
  absl::StatusOr<Page<Dispatch>> ListDispatches(const ListDispatchesQuery& query) const;

  absl::Time Now() const { return clock_->Now(); }

 private:
  struct WriteContext;
  using Plan = std::function<absl::StatusOr<Snapshot>(WriteContext&)>;

  void Submit(const Caller& caller, std::string method, std::string request_id, Plan plan,
              Done<Snapshot> done);
  // Asks the org service about `place`, then each unit above it, and calls
  // `then` with the handling chain, or `fail` with the refusal.
  void ResolveChain(int64_t place_id, std::function<void(HandlingChain)> then,
                    std::function<void(absl::Status)> fail, std::string field = "issue.place");
  // `then` once `place` (named by `field`) is live in the org service; at
  // once when `id` is 0 (none named).
  void WithLivePlace(org_client::Place place, std::string field, std::function<void()> then,
                     std::function<void(absl::Status)> fail);

  // `then` once every person of `people` (id, request field; id 0: none
  // named) is live in the roster; `fail` with the first refusal otherwise.
  void WithLivePeople(std::vector<std::pair<int64_t, std::string>> people,
                      std::function<void()> then, std::function<void(absl::Status)> fail);

  org_client::OrgDirectory* const directory_;
  roster_client::PersonDirectory* const people_;
  const Clock* const clock_;
  const ServiceLevels levels_;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_CASEWORK_CORE_H_
