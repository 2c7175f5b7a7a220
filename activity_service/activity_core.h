#ifndef GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_CORE_H_
#define GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_CORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "activity_service/activity.h"
#include "activity_service/activity_event.h"
#include "activity_service/activity_index.h"
#include "activity_service/activity_store.h"
#include "activity_service/attendance.h"
#include "activity_service/service_point.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/paging.h"
#include "common/service_kit.h"
#include "org_client/org_directory.h"
#include "roster_client/person_directory.h"

namespace grassroots::activity {

// A change to some fields of a DRAFT activity (AIP-134): theme,
// description, kind, place, service_point, start_time, end_time,
// organiser, capacity, co_organisers, or "*".
struct ActivityUpdate {
  int64_t id = 0;
  Activity values;
  std::vector<std::string> paths;
  std::string etag;
};

// A change to some fields of a live service point: display_name, kind,
// address, or "*".
struct ServicePointUpdate {
  int64_t id = 0;
  ServicePoint values;
  std::vector<std::string> paths;
  std::string etag;
};

// What an import of a sign-in sheet did.
struct ImportAttendanceResult {
  struct Error {
    int32_t row = 0;
    std::string field;  // "attendances[3].minutes"
    std::string message;
  };
  int32_t recorded = 0;   // lines stored now (or that would be, validate_only)
  int32_t unchanged = 0;  // lines recorded before, by key or person
  std::vector<Error> errors;
  // The line of each row, in order: its attendance id (AttendanceName with
  // the activity's id), 0 for a refused row.
  std::vector<int64_t> ids;
};

struct ListActivitiesQuery {
  int64_t place_id = 0;  // units/{id}: at or below it; 0: anywhere
  std::string filter;    // ParseActivityFilter
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListAttendancesQuery {
  int64_t activity_id = 0;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListCreditEntriesQuery {
  int64_t person_id = 0;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

struct ListServicePointsQuery {
  int64_t unit_id = 0;  // units/{id}: at or below it; 0: anywhere
  bool show_deleted = false;
  int32_t page_size = 0;
  std::string page_token;
  int64_t read_revision = 0;
};

inline constexpr size_t kMaxImportRows = 10000;

// The rules of activities, attendance, volunteer credit and service points
// (docs/activities.md). Reads are answered from the in-memory ActivityIndex
// at a revision; writes go through the shared CommitEngine, each a plan run
// on the writer thread against the newest state.
//
// A write that names a place, an organisation or a person asks the org
// service (OrgDirectory::Describe) or the roster (PersonDirectory) first,
// without blocking, and is queued only when each is live: NOT_FOUND for an
// unknown one, FAILED_PRECONDITION for a deleted one, UNAVAILABLE when the
// service cannot answer — and then nothing is written. Every refusal
// leaves the state unchanged.
//
// A line of attendance, the credit entry it earns and the activity's
// totals are one mutation, so a line is never credited twice, also across
// a kill -9.
//
// Thread-safe. Write callbacks run on the writer thread or on the org or
// roster client's callback thread and must not block.
class ActivityCore : public ServiceCore<Snapshot, ActivityIndex, StoredActivities> {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  // `people` (may be null: people are then not checked) says whether the
  // organiser and the people of attendance lines exist in the roster.
  ActivityCore(ActivityStore* store, org_client::OrgDirectory* directory, const Clock* clock,
               CoreOptions options = {}, roster_client::PersonDirectory* people = nullptr);
  ~ActivityCore() { Stop(); }

  // --- Activities.
  // `activity`: party_org_id, kind, theme, place_id or service_point_id,
  // start_time, end_time; optionally description, organiser_id, capacity,
  // co_organisers. Output-only fields are ignored. It starts DRAFT.
  void CreateActivity(const Caller& caller, Activity activity, std::string request_id,
                      Done<Activity> done);
  void UpdateActivity(const Caller& caller, ActivityUpdate update, Done<Activity> done);
  void SubmitActivity(const Caller& caller, int64_t id, std::string etag, Done<Activity> done);
  // `approver_id`: partyOrgs/{id}, the organiser's parent (or the organiser
  // itself when it has none).
  void ApproveActivity(const Caller& caller, int64_t id, std::string etag, int64_t approver_id,
                       Done<Activity> done);
  void ReturnActivity(const Caller& caller, int64_t id, std::string etag, int64_t approver_id,
                      std::string reason, Done<Activity> done);
  void HoldActivity(const Caller& caller, int64_t id, std::string etag, Done<Activity> done);
  void RecordActivity(const Caller& caller, int64_t id, std::string etag, Done<Activity> done);
  void CancelActivity(const Caller& caller, int64_t id, std::string etag, std::string reason,
                      Done<Activity> done);

  // --- Attendance and credit.
  // One line of a HELD activity: a line whose key or person was recorded
  // before is returned unchanged (nothing written).
  void RecordAttendance(const Caller& caller, int64_t activity_id, Attendance attendance,
                        Done<Attendance> done);
  // 1..kMaxImportRows lines; each checked on its own, refused lines
  // reported by row; the accepted ones committed in one mutation.
  void ImportAttendance(const Caller& caller, int64_t activity_id, std::vector<Attendance> rows,
                        bool validate_only, Done<ImportAttendanceResult> done);
  // A negative entry of `amount` (1..kMaxRedemption) points;
  // FAILED_PRECONDITION above the balance.
  void RedeemCredit(const Caller& caller, int64_t person_id, int64_t amount, std::string reason,
                    std::string request_id, Done<CreditEntry> done);

  // --- Service points.
  // `point`: unit_id, display_name, kind; optionally address.
  void CreateServicePoint(const Caller& caller, ServicePoint point, std::string request_id,
                          Done<ServicePoint> done);
  void UpdateServicePoint(const Caller& caller, ServicePointUpdate update, Done<ServicePoint> done);
  void DeleteServicePoint(const Caller& caller, int64_t id, std::string etag,
                          Done<ServicePoint> done);

  // --- Reads.
  absl::StatusOr<Activity> GetActivity(int64_t id, int64_t read_revision = 0) const;
  absl::StatusOr<Page<Activity>> ListActivities(const ListActivitiesQuery& query) const;
  absl::StatusOr<Page<Attendance>> ListAttendances(const ListAttendancesQuery& query) const;
  // An empty account (balance 0, revision 0) for a person with no entries.
  absl::StatusOr<CreditAccount> GetCreditAccount(int64_t person_id,
                                                 int64_t read_revision = 0) const;
  absl::StatusOr<Page<CreditEntry>> ListCreditEntries(const ListCreditEntriesQuery& query) const;
  absl::StatusOr<ServicePoint> GetServicePoint(int64_t id, int64_t read_revision = 0) const;
  absl::StatusOr<Page<ServicePoint>> ListServicePoints(const ListServicePointsQuery& query) const;

  absl::Time Now() const { return clock_->Now(); }

 private:
  struct WriteContext;
  using Plan = std::function<absl::StatusOr<Snapshot>(WriteContext&)>;
  // One check with another service before a write is queued: calls its
  // argument once with OK or the refusal.
  using Check = std::function<void(std::function<void(absl::Status)>)>;

  struct Transition {
    int64_t id = 0;
    ActivityAction action = ActivityAction::kSubmit;
    std::string etag;
    std::string reason;       // return, cancel
    int64_t approver_id = 0;  // approve, return
  };

  void Submit(const Caller& caller, std::string method, std::string request_id, Plan plan,
              Done<Snapshot> done);
  void TransitionActivity(const Caller& caller, Transition t, Done<Activity> done);

  // Runs `checks` one after another; `then` when all pass, else `fail` with
  // the first refusal.
  static void RunChecks(std::vector<Check> checks, std::function<void()> then,
                        std::function<void(absl::Status)> fail);
  // A live `place` (request field `field`); `facts`, when given, receives
  // what the org service said of it.
  Check LivePlace(org_client::Place place, std::string field,
                  std::shared_ptr<org_client::PlaceFacts> facts = nullptr) const;
  // A live person of the roster (nothing to check when `id` is 0 or there
  // is no roster).
  Check LivePerson(int64_t id, std::string field) const;
  // The unit of the live service point `point_id` (request field `field`)
  // in the published state.
  absl::StatusOr<int64_t> PointUnit(int64_t point_id, absl::string_view field) const;
  // The units at or below `unit_id` (the org replica), or nullopt when the
  // subtree is too large to gather: a list then tests each place.
  absl::StatusOr<std::optional<std::vector<int64_t>>> UnitsUnder(int64_t unit_id) const;

  org_client::OrgDirectory* const directory_;
  roster_client::PersonDirectory* const people_;
  const Clock* const clock_;
};

}  // namespace grassroots::activity

#endif  // GRASSROOTS_ACTIVITY_SERVICE_ACTIVITY_CORE_H_
