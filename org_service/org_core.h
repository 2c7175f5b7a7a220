#ifndef GRASSROOTS_ORG_SERVICE_ORG_CORE_H_
#define GRASSROOTS_ORG_SERVICE_ORG_CORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/caller.h"
#include "common/clock.h"
#include "common/commit_engine.h"
#include "common/paging.h"
#include "common/service_kit.h"
#include "org_service/org_event.h"
#include "org_service/org_index.h"
#include "org_service/org_store.h"

namespace grassroots::org {

// The commit engine's options (common/service_kit.h): how long a superseded
// revision stays readable (read_revision, page tokens, the streams of
// ListDescendants), and the most mutations per group commit.
using OrgCoreOptions = ::grassroots::CoreOptions;

// A change to some fields of a unit (AIP-134). `paths` are field-mask paths.
struct UnitUpdate {
  int64_t id = 0;
  Unit values;
  std::vector<std::string> paths;
  std::string etag;
};

struct PartyOrgUpdate {
  int64_t id = 0;
  PartyOrg values;
  std::vector<std::string> paths;
  std::string etag;
};

struct ExternalOrgUpdate {
  int64_t id = 0;
  ExternalOrg values;
  std::vector<std::string> paths;
  std::string etag;
};

struct ListExternalOrgsQuery {
  int64_t district_id = 0;  // 0: every district's
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  bool show_deleted = false;
  int64_t read_revision = 0;
};

struct AllianceUpdate {
  int64_t id = 0;
  Alliance values;
  std::vector<std::string> paths;
  std::string etag;
};

struct ListAlliancesQuery {
  int64_t unit_id = 0;  // 0: every alliance; else those at the unit or below it
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  bool show_deleted = false;
  int64_t read_revision = 0;
};

struct ListAllianceItemsQuery {
  int64_t alliance_id = 0;
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  int64_t read_revision = 0;
};

// Who claims an item: exactly one of the two.
struct Claimant {
  int64_t external_org_id = 0;
  int64_t party_org_id = 0;
};

struct ListUnitsQuery {
  int64_t parent_id = 0;  // 0: the districts
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  bool show_deleted = false;
  int64_t read_revision = 0;
};

struct ListPartyOrgsQuery {
  int64_t parent_id = 0;  // 0: all
  int32_t page_size = 0;
  std::string page_token;
  std::string filter;
  bool show_deleted = false;
  int64_t read_revision = 0;
};

using ::grassroots::Page;

struct AncestorPath {
  std::vector<Unit> ancestors;  // district first
  int64_t revision = 0;
};

struct CountResult {
  DescendantCounts counts;            // counts.revision is the revision read at
  Level level = Level::kUnspecified;  // the unit's own level
};

struct CoveringResult {
  PartyOrg party_org;
  int64_t covered_unit_id = 0;
  int64_t revision = 0;
};

// A ListDescendants stream in progress: created by StartDescendants, advanced
// by NextDescendants until `cursor.done`.
struct DescendantsWalk {
  int64_t root_id = 0;
  int64_t revision = 0;
  int max_depth = 0;
  std::vector<Level> levels;  // empty: all
  bool include_deleted = false;
  WalkCursor cursor;
};

using EventPage = ::grassroots::EventPage<Snapshot>;

// The rules of the hierarchy and its party organisations, and the engine
// that applies them: reads are answered from the in-memory OrgIndex at a
// revision; writes go through one writer thread that validates them against
// the newest state, commits many at a time to the store (group commit: one
// transaction and one fsync for a whole batch), and only then publishes them
// to readers and answers the callers.
//
// Errors follow the API: INVALID_ARGUMENT for malformed input (the message
// names the field), NOT_FOUND, ALREADY_EXISTS (a duplicate code among live
// siblings), FAILED_PRECONDITION when the state forbids the change (live
// children, a deleted parent, a revision no longer readable), ABORTED for a
// stale etag, and the store's UNAVAILABLE/INTERNAL when a commit fails.
//
// Thread-safe. Write callbacks run on the writer thread and must not block.
class OrgCore : public ServiceCore<Snapshot, OrgIndex, StoredState> {
 public:
  template <typename T>
  using Done = std::function<void(absl::StatusOr<T>)>;

  OrgCore(OrgStore* store, const Clock* clock, OrgCoreOptions options = {});
  ~OrgCore() { Stop(); }

  // --- Writes: `done` is called once, after the change is durable.
  void CreateUnit(const Caller& caller, Unit unit, std::string request_id, Done<Unit> done);
  void UpdateUnit(const Caller& caller, UnitUpdate update, Done<Unit> done);
  void DeleteUnit(const Caller& caller, int64_t id, std::string etag, bool cascade,
                  Done<Unit> done);
  void UndeleteUnit(const Caller& caller, int64_t id, std::string etag, bool cascade,
                    Done<Unit> done);
  void MoveUnit(const Caller& caller, int64_t id, int64_t new_parent_id, std::string etag,
                Done<Unit> done);
  void CreatePartyOrg(const Caller& caller, PartyOrg org, std::string request_id,
                      Done<PartyOrg> done);
  void UpdatePartyOrg(const Caller& caller, PartyOrgUpdate update, Done<PartyOrg> done);
  void DeletePartyOrg(const Caller& caller, int64_t id, std::string etag, bool cascade,
                      Done<PartyOrg> done);
  void UndeletePartyOrg(const Caller& caller, int64_t id, std::string etag, bool cascade,
                        Done<PartyOrg> done);

  // External organisations: owned by a live district; the credit code, when
  // given, unique among the district's live ones (ALREADY_EXISTS). Delete
  // refuses one that a live compound names as its property company.
  void CreateExternalOrg(const Caller& caller, ExternalOrg org, std::string request_id,
                         Done<ExternalOrg> done);
  void UpdateExternalOrg(const Caller& caller, ExternalOrgUpdate update, Done<ExternalOrg> done);
  void DeleteExternalOrg(const Caller& caller, int64_t id, std::string etag,
                         Done<ExternalOrg> done);
  void UndeleteExternalOrg(const Caller& caller, int64_t id, std::string etag,
                           Done<ExternalOrg> done);

  // Alliances: at a live unit of the level their kind needs, led by a live
  // territorial party organisation covering it, with members from the
  // unit's district's directory; at most one live ACTIVE "1+4+X" a compound
  // (ALREADY_EXISTS). A deleted or dissolved alliance takes no new items and
  // no claims (FAILED_PRECONDITION).
  void CreateAlliance(const Caller& caller, Alliance alliance, std::string request_id,
                      Done<Alliance> done);
  void UpdateAlliance(const Caller& caller, AllianceUpdate update, Done<Alliance> done);
  // `date` unset: today (Beijing).
  void DissolveAlliance(const Caller& caller, int64_t id, std::string etag,
                        std::optional<absl::CivilDay> date, Done<Alliance> done);
  void DeleteAlliance(const Caller& caller, int64_t id, std::string etag, Done<Alliance> done);
  void UndeleteAlliance(const Caller& caller, int64_t id, std::string etag, Done<Alliance> done);
  void CreateAllianceItem(const Caller& caller, int64_t alliance_id, AllianceItem item,
                          std::string request_id, Done<AllianceItem> done);
  // OPEN → CLAIMED by a member external organisation or the leading party
  // organisation; CLAIMED → DONE. FAILED_PRECONDITION naming the state.
  void ClaimAllianceItem(const Caller& caller, AllianceItemId id, std::string etag,
                         Claimant claimant, Done<AllianceItem> done);
  void CompleteAllianceItem(const Caller& caller, AllianceItemId id, std::string etag,
                            std::string result, Done<AllianceItem> done);

  // --- Reads, at the latest published revision unless told otherwise.
  absl::StatusOr<Unit> GetUnit(int64_t id) const;
  absl::StatusOr<std::vector<Unit>> BatchGetUnits(absl::Span<const int64_t> ids) const;
  absl::StatusOr<Page<Unit>> ListUnits(const ListUnitsQuery& query) const;
  absl::StatusOr<AncestorPath> GetAncestors(int64_t id) const;
  absl::StatusOr<CountResult> CountDescendants(int64_t id, int64_t read_revision) const;
  absl::StatusOr<CoveringResult> GetCoveringPartyOrg(int64_t unit_id) const;
  absl::StatusOr<DescendantsWalk> StartDescendants(int64_t root_id, int max_depth,
                                                   std::vector<Level> levels, int64_t read_revision,
                                                   bool include_deleted = false) const;
  // Appends up to about `limit` units of the walk to `out`.
  absl::Status NextDescendants(DescendantsWalk& walk, int limit, std::vector<Unit>* out) const;

  absl::StatusOr<PartyOrg> GetPartyOrg(int64_t id) const;
  absl::StatusOr<std::vector<PartyOrg>> BatchGetPartyOrgs(absl::Span<const int64_t> ids) const;
  absl::StatusOr<Page<PartyOrg>> ListPartyOrgs(const ListPartyOrgsQuery& query) const;

  absl::StatusOr<ExternalOrg> GetExternalOrg(int64_t id) const;
  absl::StatusOr<Page<ExternalOrg>> ListExternalOrgs(const ListExternalOrgsQuery& query) const;

  absl::StatusOr<Alliance> GetAlliance(int64_t id) const;
  absl::StatusOr<Page<Alliance>> ListAlliances(const ListAlliancesQuery& query) const;
  absl::StatusOr<AllianceItem> GetAllianceItem(AllianceItemId id) const;
  absl::StatusOr<Page<AllianceItem>> ListAllianceItems(const ListAllianceItemsQuery& query) const;

 private:
  struct WriteContext;
  struct WriteRequest {
    Caller caller;
    std::string method;
    std::string request_id;
    std::function<absl::StatusOr<Snapshot>(WriteContext&)> plan;
    Done<Snapshot> done;
  };

  void Submit(WriteRequest request);

  // Plans, each run on the writer thread against the newest state.
  absl::StatusOr<Snapshot> PlanCreateUnit(WriteContext& ctx, const Unit& unit);
  absl::StatusOr<Snapshot> PlanUpdateUnit(WriteContext& ctx, const UnitUpdate& update);
  absl::StatusOr<Snapshot> PlanDeleteUnit(WriteContext& ctx, int64_t id, const std::string& etag,
                                          bool cascade);
  absl::StatusOr<Snapshot> PlanUndeleteUnit(WriteContext& ctx, int64_t id, const std::string& etag,
                                            bool cascade);
  absl::StatusOr<Snapshot> PlanMoveUnit(WriteContext& ctx, int64_t id, int64_t new_parent_id,
                                        const std::string& etag);
  absl::StatusOr<Snapshot> PlanCreatePartyOrg(WriteContext& ctx, const PartyOrg& org);
  absl::StatusOr<Snapshot> PlanUpdatePartyOrg(WriteContext& ctx, const PartyOrgUpdate& update);
  absl::StatusOr<Snapshot> PlanDeletePartyOrg(WriteContext& ctx, int64_t id,
                                              const std::string& etag, bool cascade);
  absl::StatusOr<Snapshot> PlanUndeletePartyOrg(WriteContext& ctx, int64_t id,
                                                const std::string& etag, bool cascade);
};

}  // namespace grassroots::org

#endif  // GRASSROOTS_ORG_SERVICE_ORG_CORE_H_
