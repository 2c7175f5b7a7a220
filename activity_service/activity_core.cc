// The rules of ActivityCore: each write is a plan run on the writer thread
// against the newest state, after the places, organisations and people it
// names were checked with the org service and the roster; the reads answer
// from the index at a revision. The single RecordAttendance and the rows of
// ImportAttendance go through one plan (PlanLine), so a rule and its
// message exist once.

#include "activity_service/activity_core.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "activity_service/activity_filter.h"
#include "common/commit_engine.h"
#include "common/etag.h"
#include "common/page_token.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/update_paths.h"

namespace grassroots::activity {

using org_client::Place;
using org_client::PlaceFacts;

// The kit's write context, with the lookups of the newest state.
struct ActivityCore::WriteContext : ::grassroots::WriteContext<ActivityIndex, Snapshot> {
  const Activity* activity(int64_t id) const {
    return index.FindActivity(id, ActivityIndex::kHead);
  }
  const ServicePoint* point(int64_t id) const {
    return index.FindServicePoint(id, ActivityIndex::kHead);
  }
};

namespace {

// Past this many places, a subtree list tests each activity's place with a
// walk up the replica instead of gathering the subtree's ids (as the
// roster lists roles).
constexpr size_t kMaxPlacesToGather = 20'000;

absl::Status ActivityNotFound(int64_t id, absl::string_view field) {
  return ResourceNotFound(field, ActivityName(id));
}

absl::Status ServicePointNotFound(int64_t id, absl::string_view field) {
  return ResourceNotFound(field, ServicePointName(id));
}

std::string UnitName(int64_t id) { return org_client::PlaceName({Place::Kind::kUnit, id}); }
std::string PartyOrgName(int64_t id) { return org_client::PlaceName({Place::Kind::kPartyOrg, id}); }

bool Names(const std::vector<std::string>& paths, absl::string_view path) {
  return std::find(paths.begin(), paths.end(), path) != paths.end() ||
         std::find(paths.begin(), paths.end(), "*") != paths.end();
}

// The service point `id` that an activity names in `field`, live.
absl::StatusOr<const ServicePoint*> LiveServicePoint(const ActivityIndex& index, int64_t id,
                                                     int64_t revision, absl::string_view field) {
  const ServicePoint* point = index.FindServicePoint(id, revision);
  if (point == nullptr) return ServicePointNotFound(id, field);
  if (point->deleted) {
    return absl::FailedPreconditionError(absl::StrCat(
        field, ": ", ServicePointName(id), " is deleted; an activity cannot take place there"));
  }
  return point;
}

// With a service point, the activity takes place at its unit: a place
// given alongside (`place_named`) must be that unit.
absl::Status PlaceAtPoint(Activity& activity, const ServicePoint& point, bool place_named,
                          absl::string_view prefix) {
  if (place_named && activity.place_id != 0 && activity.place_id != point.unit_id) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "place: ", UnitName(activity.place_id), " is not where ",
                     ServicePointName(point.id), " is (", UnitName(point.unit_id),
                     "); with a service point, leave the place empty or give its unit"));
  }
  activity.place_id = point.unit_id;
  return absl::OkStatus();
}

absl::Status ApplyActivityPaths(const ActivityUpdate& update, Activity& activity) {
  const Activity& v = update.values;
  return ApplyUpdatePaths(update.paths,
                          "theme, description, kind, place, service_point, start_time, end_time, "
                          "organiser, capacity, co_organisers",
                          [&](UpdatePath& p) {
                            p.Take("theme", activity.theme, v.theme);
                            p.Take("description", activity.description, v.description);
                            p.Take("kind", activity.kind, v.kind);
                            p.Take("place", activity.place_id, v.place_id);
                            p.Take("service_point", activity.service_point_id, v.service_point_id);
                            p.Take("start_time", activity.start_time, v.start_time);
                            p.Take("end_time", activity.end_time, v.end_time);
                            p.Take("organiser", activity.organiser_id, v.organiser_id);
                            p.Take("capacity", activity.capacity, v.capacity);
                            p.Take("co_organisers", activity.co_organisers, v.co_organisers);
                          });
}

absl::Status ApplyServicePointPaths(const ServicePointUpdate& update, ServicePoint& point) {
  const ServicePoint& v = update.values;
  return ApplyUpdatePaths(update.paths, "display_name, kind, address", [&](UpdatePath& p) {
    p.Take("display_name", point.display_name, v.display_name);
    p.Take("kind", point.kind, v.kind);
    p.Take("address", point.address, v.address);
  });
}

// The external organisation a co-organiser names, 0 for an alliance. The
// org service's directory does not describe alliances, so "alliances/N" is
// accepted by its form only (ValidatePlannedFields checks it).
int64_t ExternalOrgOf(const std::string& co_organiser) {
  if (!absl::StartsWith(co_organiser, "externalOrgs/")) return 0;
  absl::StatusOr<int64_t> id = ParseResourceName(co_organiser, "externalOrgs", "co_organisers");
  return id.ok() ? *id : 0;
}

// ALREADY_EXISTS when another live point of the unit has the name.
absl::Status CheckPointNameFree(const ActivityIndex& index, const ServicePoint& point,
                                absl::string_view field) {
  const int64_t other = index.LiveServicePointNamed(point.unit_id, point.display_name);
  if (other == 0 || other == point.id) return absl::OkStatus();
  return absl::AlreadyExistsError(
      absl::StrCat(field, ": ", UnitName(point.unit_id), " has a live service point named \"",
                   point.display_name, "\" already (", ServicePointName(other), ")"));
}

// The field a refusal names ("attendances[3].minutes: ..." names
// "attendances[3].minutes"); `fallback` when it names none under `prefix`.
std::string FieldOf(const absl::Status& status, absl::string_view prefix,
                    absl::string_view fallback) {
  const absl::string_view message = status.message();
  const size_t colon = message.find(": ");
  if (absl::StartsWith(message, prefix) && colon != absl::string_view::npos) {
    return std::string(message.substr(0, colon));
  }
  return std::string(fallback);
}

// The lines of attendance one plan adds to one activity (one for
// RecordAttendance, a sheet's for ImportAttendance), with the activity's
// totals as they grow.
struct LineBatch {
  const Activity* before = nullptr;
  Activity after;
  int64_t next_line_id = 0;
  int64_t next_entry_id = 0;
  // The lines added by this plan, by key and by person.
  absl::flat_hash_map<std::string, Attendance> by_key;
  absl::flat_hash_map<int64_t, Attendance> by_person;
  std::vector<Snapshot> added;  // lines and credit entries, in order
};

struct LineOutcome {
  Attendance line;
  bool recorded = false;  // false: recorded before, nothing changed
};

// The HELD activity `id` a line is recorded for, as a LineBatch.
absl::StatusOr<LineBatch> StartLines(const ActivityIndex& index, int64_t activity_id) {
  const Activity* activity = index.FindActivity(activity_id, ActivityIndex::kHead);
  if (activity == nullptr) return ActivityNotFound(activity_id, "parent");
  RETURN_IF_ERROR(CheckTransition(activity_id, activity->state, ActivityAction::kRecordAttendance));
  LineBatch batch;
  batch.before = activity;
  batch.after = *activity;
  batch.next_line_id = index.max_attendance_id() + 1;
  batch.next_entry_id = index.max_credit_entry_id() + 1;
  return batch;
}

// One line (fields valid, person live) of `batch`'s activity: the line
// recorded before with its key or person, unchanged; or a new line, its
// credit entry and the activity's totals.
absl::StatusOr<LineOutcome> PlanLine(const ActivityIndex& index, LineBatch& batch, Attendance line,
                                     absl::string_view prefix, absl::Time now, int64_t revision) {
  const int64_t activity_id = batch.after.id;
  if (!line.key.empty()) {
    if (auto it = batch.by_key.find(line.key); it != batch.by_key.end()) {
      return LineOutcome{it->second, false};
    }
    if (const int64_t id = index.AttendanceWithKey(activity_id, line.key)) {
      return LineOutcome{*index.FindAttendance(id, ActivityIndex::kHead), false};
    }
  }
  if (line.person_id != 0) {
    if (auto it = batch.by_person.find(line.person_id); it != batch.by_person.end()) {
      return LineOutcome{it->second, false};
    }
    if (const int64_t id = index.AttendanceOfPerson(activity_id, line.person_id)) {
      return LineOutcome{*index.FindAttendance(id, ActivityIndex::kHead), false};
    }
    if (batch.after.capacity > 0 && batch.after.attendees >= batch.after.capacity) {
      return absl::FailedPreconditionError(
          absl::StrCat(prefix, "person: ", ActivityName(activity_id), " is at its capacity of ",
                       batch.after.capacity, " people"));
    }
  } else if (static_cast<int64_t>(batch.after.residents_served) + line.head_count >
             std::numeric_limits<int32_t>::max()) {
    return absl::FailedPreconditionError(absl::StrCat(
        prefix, "head_count: ", ActivityName(activity_id), " cannot count more residents"));
  }
  line.activity_id = activity_id;
  line.id = batch.next_line_id++;
  line.place_id = batch.after.place_id;
  line.credit = CreditFor(batch.after.kind, line);
  line.create_time = now;
  line.revision = revision;
  if (line.person_id != 0) {
    ++batch.after.attendees;
    batch.after.service_minutes += line.minutes;
  } else {
    batch.after.residents_served += line.head_count;
  }
  batch.after.credit_awarded += line.credit;
  batch.added.push_back(line);
  if (line.credit > 0) {
    CreditEntry entry;
    entry.person_id = line.person_id;
    entry.id = batch.next_entry_id++;
    entry.amount = line.credit;
    entry.activity_id = activity_id;
    entry.attendance_id = line.id;
    entry.create_time = now;
    entry.revision = revision;
    batch.added.push_back(entry);
  }
  if (!line.key.empty()) batch.by_key[line.key] = line;
  if (line.person_id != 0) batch.by_person[line.person_id] = line;
  return LineOutcome{line, true};
}

// Adds the batch's lines, entries and the activity with its new totals:
// one mutation, so a line is never without its credit or its totals.
template <typename Context>
void FinishLines(Context& ctx, LineBatch& batch) {
  if (batch.added.empty()) return;
  for (Snapshot& added : batch.added) ctx.Add(std::nullopt, std::move(added));
  Touch(batch.after, ctx.now, ctx.revision);
  ctx.Add(*batch.before, batch.after);
}

}  // namespace

ActivityCore::ActivityCore(ActivityStore* store, org_client::OrgDirectory* directory,
                           const Clock* clock, CoreOptions options,
                           roster_client::PersonDirectory* people)
    : ServiceCore(store, clock, std::move(options), "the activity service"),
      directory_(directory),
      people_(people),
      clock_(clock) {}

void ActivityCore::Submit(const Caller& caller, std::string method, std::string request_id,
                          Plan plan, Done<Snapshot> done) {
  engine_.Submit(
      caller, std::move(method), std::move(request_id),
      [plan = std::move(plan)](const ActivityIndex& index, Mutation& mutation) {
        WriteContext ctx{{index, mutation}};
        return plan(ctx);
      },
      std::move(done));
}

// --- Checks with the org service and the roster.

void ActivityCore::RunChecks(std::vector<Check> checks, std::function<void()> then,
                             std::function<void(absl::Status)> fail) {
  struct Run {
    std::vector<Check> checks;
    size_t next = 0;
    std::function<void()> then;
    std::function<void(absl::Status)> fail;
  };
  auto run = std::make_shared<Run>();
  run->checks = std::move(checks);
  run->then = std::move(then);
  run->fail = std::move(fail);
  // Each check answers on the other service's thread (or at once); the
  // next one starts from its answer.
  struct Step {
    static void Go(std::shared_ptr<Run> run) {
      if (run->next == run->checks.size()) return run->then();
      Check& check = run->checks[run->next++];
      check([run](absl::Status status) mutable {
        if (!status.ok()) return run->fail(std::move(status));
        Go(std::move(run));
      });
    }
  };
  Step::Go(std::move(run));
}

ActivityCore::Check ActivityCore::LivePlace(Place place, std::string field,
                                            std::shared_ptr<PlaceFacts> facts) const {
  return [directory = directory_, place, field = std::move(field),
          facts = std::move(facts)](std::function<void(absl::Status)> answer) {
    directory->Describe(place, [place, field, facts,
                                answer = std::move(answer)](absl::StatusOr<PlaceFacts> described) {
      if (absl::Status refused = org_client::PlaceRefusal(described, place, field); !refused.ok()) {
        return answer(std::move(refused));
      }
      if (facts != nullptr) *facts = *std::move(described);
      answer(absl::OkStatus());
    });
  };
}

namespace {

// What the roster said of person `id`, as the refusal of a write naming it
// in `field`.
absl::Status PersonRefusal(const absl::Status& status, int64_t id, absl::string_view field) {
  const std::string name = FormatResourceName("people", id);
  if (status.ok()) return absl::OkStatus();
  if (absl::IsNotFound(status)) {
    return absl::NotFoundError(absl::StrCat(field, ": ", name, " does not exist in the roster"));
  }
  if (absl::IsFailedPrecondition(status)) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": ", name, " is deleted in the roster"));
  }
  return absl::UnavailableError(absl::StrCat(field, ": the roster could not confirm ", name,
                                             "; nothing was written (", status.message(), ")"));
}

}  // namespace

ActivityCore::Check ActivityCore::LivePerson(int64_t id, std::string field) const {
  return
      [people = people_, id, field = std::move(field)](std::function<void(absl::Status)> answer) {
        if (id == 0 || people == nullptr) return answer(absl::OkStatus());
        people->CheckPerson(id, [id, field, answer = std::move(answer)](absl::Status status) {
          answer(PersonRefusal(status, id, field));
        });
      };
}

absl::StatusOr<int64_t> ActivityCore::PointUnit(int64_t point_id, absl::string_view field) const {
  return engine_.Read([&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<int64_t> {
    ASSIGN_OR_RETURN(const ServicePoint* point, LiveServicePoint(index, point_id, revision, field));
    return point->unit_id;
  });
}

// --- Activities.

void ActivityCore::CreateActivity(const Caller& caller, Activity activity, std::string request_id,
                                  Done<Activity> done) {
  if (absl::Status s = ValidatePlannedFields(activity, "activity."); !s.ok()) return done(s);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  // The place is the service point's unit: the point must be live now, and
  // again when the plan runs.
  int64_t place_id = activity.place_id;
  if (activity.service_point_id != 0) {
    absl::StatusOr<int64_t> unit = PointUnit(activity.service_point_id, "activity.service_point");
    if (!unit.ok()) return done(unit.status());
    if (place_id != 0 && place_id != *unit) {
      ServicePoint point;
      point.id = activity.service_point_id;
      point.unit_id = *unit;
      return done(PlaceAtPoint(activity, point, /*place_named=*/true, "activity."));
    }
    place_id = *unit;
  }
  auto party_org = std::make_shared<PlaceFacts>();
  std::vector<Check> checks;
  checks.push_back(
      LivePlace({Place::Kind::kPartyOrg, activity.party_org_id}, "activity.party_org", party_org));
  checks.push_back(LivePlace(
      {Place::Kind::kUnit, place_id},
      activity.service_point_id != 0 ? "activity.service_point (its unit)" : "activity.place"));
  checks.push_back(LivePerson(activity.organiser_id, "activity.organiser"));
  for (size_t i = 0; i < activity.co_organisers.size(); ++i) {
    if (const int64_t org = ExternalOrgOf(activity.co_organisers[i])) {
      checks.push_back(LivePlace({Place::Kind::kExternalOrg, org},
                                 absl::StrCat("activity.co_organisers[", i, "]")));
    }
  }
  auto submit = [this, caller, activity = std::move(activity), request_id = std::move(request_id),
                 party_org, done]() mutable {
    activity.party_org_unit_ids = party_org->unit_ids;
    Submit(
        caller, "CreateActivity", std::move(request_id),
        [activity = std::move(activity)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          Activity made = activity;
          if (made.service_point_id != 0) {
            ASSIGN_OR_RETURN(const ServicePoint* point,
                             LiveServicePoint(ctx.index, made.service_point_id,
                                              ActivityIndex::kHead, "activity.service_point"));
            RETURN_IF_ERROR(PlaceAtPoint(made, *point, /*place_named=*/true, "activity."));
          }
          made.id = ctx.index.max_activity_id() + 1;
          made.state = ActivityState::kDraft;
          made.state_reason.clear();
          made.approver_id = 0;
          made.attendees = 0;
          made.residents_served = 0;
          made.service_minutes = 0;
          made.credit_awarded = 0;
          made.create_time = ctx.now;
          Touch(made, ctx.now, ctx.revision);
          ctx.Add(std::nullopt, made);
          return made;
        },
        TypedDone<Activity, Snapshot>(std::move(done)));
  };
  RunChecks(std::move(checks), std::move(submit), [done](absl::Status s) { done(std::move(s)); });
}

void ActivityCore::UpdateActivity(const Caller& caller, ActivityUpdate update,
                                  Done<Activity> done) {
  // What the update would make of the activity as published, so that only
  // what changes is checked with the other services; the plan refuses the
  // update if the activity changed meanwhile.
  absl::StatusOr<Activity> current = GetActivity(update.id);
  if (!current.ok()) {
    return done(ActivityNotFound(update.id, "activity.name"));
  }
  if (absl::Status s = CheckEtag(update.etag, current->revision, ActivityName(update.id));
      !s.ok()) {
    return done(s);
  }
  if (absl::Status s = CheckTransition(update.id, current->state, ActivityAction::kUpdate);
      !s.ok()) {
    return done(s);
  }
  Activity next = *current;
  if (absl::Status s = ApplyActivityPaths(update, next); !s.ok()) return done(s);
  const bool place_named = Names(update.paths, "place");
  if (next.service_point_id != 0) {
    absl::StatusOr<int64_t> unit = PointUnit(next.service_point_id, "activity.service_point");
    if (!unit.ok()) return done(unit.status());
    ServicePoint point;
    point.id = next.service_point_id;
    point.unit_id = *unit;
    if (absl::Status s = PlaceAtPoint(next, point, place_named, "activity."); !s.ok()) {
      return done(s);
    }
  }
  if (absl::Status s = ValidatePlannedFields(next, "activity."); !s.ok()) return done(s);
  std::vector<Check> checks;
  if (next.place_id != current->place_id) {
    checks.push_back(LivePlace(
        {Place::Kind::kUnit, next.place_id},
        next.service_point_id != 0 ? "activity.service_point (its unit)" : "activity.place"));
  }
  if (next.organiser_id != current->organiser_id) {
    checks.push_back(LivePerson(next.organiser_id, "activity.organiser"));
  }
  for (size_t i = 0; i < next.co_organisers.size(); ++i) {
    const std::string& co = next.co_organisers[i];
    if (std::find(current->co_organisers.begin(), current->co_organisers.end(), co) !=
        current->co_organisers.end()) {
      continue;
    }
    if (const int64_t org = ExternalOrgOf(co)) {
      checks.push_back(LivePlace({Place::Kind::kExternalOrg, org},
                                 absl::StrCat("activity.co_organisers[", i, "]")));
    }
  }
  const int64_t checked_revision = current->revision;
  auto submit = [this, caller, update = std::move(update), place_named, checked_revision, done]() {
    Submit(
        caller, "UpdateActivity", "",
        [update, place_named, checked_revision](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const Activity* current = ctx.activity(update.id);
          if (current == nullptr) return ActivityNotFound(update.id, "activity.name");
          RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, ActivityName(update.id)));
          RETURN_IF_ERROR(CheckTransition(update.id, current->state, ActivityAction::kUpdate));
          if (current->revision != checked_revision) {
            return absl::AbortedError(absl::StrCat(
                ActivityName(update.id),
                " changed while the update was being checked; read it again and retry"));
          }
          Activity next = *current;
          RETURN_IF_ERROR(ApplyActivityPaths(update, next));
          if (next.service_point_id != 0) {
            ASSIGN_OR_RETURN(const ServicePoint* point,
                             LiveServicePoint(ctx.index, next.service_point_id,
                                              ActivityIndex::kHead, "activity.service_point"));
            RETURN_IF_ERROR(PlaceAtPoint(next, *point, place_named, "activity."));
          }
          RETURN_IF_ERROR(ValidatePlannedFields(next, "activity."));
          if (next == *current) return next;
          Touch(next, ctx.now, ctx.revision);
          ctx.Add(*current, next);
          return next;
        },
        TypedDone<Activity, Snapshot>(done));
  };
  RunChecks(std::move(checks), std::move(submit), [done](absl::Status s) { done(std::move(s)); });
}

void ActivityCore::SubmitActivity(const Caller& caller, int64_t id, std::string etag,
                                  Done<Activity> done) {
  TransitionActivity(caller, {.id = id, .action = ActivityAction::kSubmit, .etag = std::move(etag)},
                     std::move(done));
}

void ActivityCore::ApproveActivity(const Caller& caller, int64_t id, std::string etag,
                                   int64_t approver_id, Done<Activity> done) {
  TransitionActivity(caller,
                     {.id = id,
                      .action = ActivityAction::kApprove,
                      .etag = std::move(etag),
                      .approver_id = approver_id},
                     std::move(done));
}

void ActivityCore::ReturnActivity(const Caller& caller, int64_t id, std::string etag,
                                  int64_t approver_id, std::string reason, Done<Activity> done) {
  TransitionActivity(caller,
                     {.id = id,
                      .action = ActivityAction::kReturn,
                      .etag = std::move(etag),
                      .reason = std::move(reason),
                      .approver_id = approver_id},
                     std::move(done));
}

void ActivityCore::HoldActivity(const Caller& caller, int64_t id, std::string etag,
                                Done<Activity> done) {
  TransitionActivity(caller, {.id = id, .action = ActivityAction::kHold, .etag = std::move(etag)},
                     std::move(done));
}

void ActivityCore::RecordActivity(const Caller& caller, int64_t id, std::string etag,
                                  Done<Activity> done) {
  TransitionActivity(caller, {.id = id, .action = ActivityAction::kRecord, .etag = std::move(etag)},
                     std::move(done));
}

void ActivityCore::CancelActivity(const Caller& caller, int64_t id, std::string etag,
                                  std::string reason, Done<Activity> done) {
  TransitionActivity(caller,
                     {.id = id,
                      .action = ActivityAction::kCancel,
                      .etag = std::move(etag),
                      .reason = std::move(reason)},
                     std::move(done));
}

void ActivityCore::TransitionActivity(const Caller& caller, Transition t, Done<Activity> done) {
  const bool by_approver =
      t.action == ActivityAction::kApprove || t.action == ActivityAction::kReturn;
  if (t.action == ActivityAction::kReturn || t.action == ActivityAction::kCancel) {
    if (absl::Status s = ValidateReason(t.reason, "reason", kMaxReasonChars); !s.ok()) {
      return done(s);
    }
  }
  if (by_approver && t.approver_id <= 0) {
    return done(absl::InvalidArgumentError(
        "approver: is required: the partyOrgs/{id} above the organising organisation"));
  }
  static constexpr absl::string_view kMethods[] = {
      "UpdateActivity", "SubmitActivity", "ApproveActivity", "ReturnActivity",
      "HoldActivity",   "RecordActivity", "CancelActivity",  "RecordAttendance"};
  const std::string method(kMethods[static_cast<int>(t.action)]);
  auto submit = [this, caller, t, method, done]() {
    Submit(
        caller, method, "",
        [t](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const Activity* current = ctx.activity(t.id);
          if (current == nullptr) return ActivityNotFound(t.id, "name");
          RETURN_IF_ERROR(CheckEtag(t.etag, current->revision, ActivityName(t.id)));
          RETURN_IF_ERROR(CheckTransition(t.id, current->state, t.action));
          if (t.action == ActivityAction::kHold && ctx.now < current->start_time) {
            return absl::FailedPreconditionError(
                absl::StrCat(ActivityName(t.id), " starts at ",
                             absl::FormatTime("%Y-%m-%d %H:%M", current->start_time,
                                              absl::FixedTimeZone(8 * 3600)),
                             " (Beijing time); it can be held once it has started"));
          }
          Activity next = *current;
          next.state = StateAfter(current->state, t.action);
          if (t.action == ActivityAction::kApprove) next.approver_id = t.approver_id;
          if (t.action == ActivityAction::kReturn || t.action == ActivityAction::kCancel) {
            next.state_reason = t.reason;
          }
          Touch(next, ctx.now, ctx.revision);
          ctx.Add(*current, next);
          return next;
        },
        TypedDone<Activity, Snapshot>(done));
  };
  if (!by_approver) return submit();
  // The approver is the organiser's parent as the org service says now (an
  // organisation with none above approves its own).
  absl::StatusOr<Activity> activity = GetActivity(t.id);
  if (!activity.ok()) return done(ActivityNotFound(t.id, "name"));
  const int64_t organiser = activity->party_org_id;
  const Place organiser_place{Place::Kind::kPartyOrg, organiser};
  directory_->Describe(organiser_place, [this, t, organiser, organiser_place, submit,
                                         done](absl::StatusOr<PlaceFacts> facts) {
    // A deleted organiser still has its place in the hierarchy.
    if (!facts.ok()) {
      return done(org_client::PlaceRefusal(facts, organiser_place, "name (its party_org)"));
    }
    const int64_t expected = facts->parent_id != 0 ? facts->parent_id : organiser;
    if (t.approver_id != expected) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("approver: ", PartyOrgName(t.approver_id), " is not the organisation above ",
                       PartyOrgName(organiser), ", which organises ", ActivityName(t.id), "; ",
                       PartyOrgName(expected), " approves and returns its activities")));
    }
    RunChecks({LivePlace({Place::Kind::kPartyOrg, t.approver_id}, "approver")}, submit,
              [done](absl::Status s) { done(std::move(s)); });
  });
}

// --- Attendance and credit.

void ActivityCore::RecordAttendance(const Caller& caller, int64_t activity_id,
                                    Attendance attendance, Done<Attendance> done) {
  if (absl::Status s = ValidateAttendanceFields(attendance, "attendance."); !s.ok()) {
    return done(s);
  }
  const int64_t person = attendance.person_id;
  auto submit = [this, caller, activity_id, attendance = std::move(attendance), done]() {
    Submit(
        caller, "RecordAttendance", "",
        [activity_id, attendance](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          ASSIGN_OR_RETURN(LineBatch batch, StartLines(ctx.index, activity_id));
          ASSIGN_OR_RETURN(LineOutcome outcome, PlanLine(ctx.index, batch, attendance,
                                                         "attendance.", ctx.now, ctx.revision));
          FinishLines(ctx, batch);
          return outcome.line;
        },
        TypedDone<Attendance, Snapshot>(done));
  };
  RunChecks({LivePerson(person, "attendance.person")}, std::move(submit),
            [done](absl::Status s) { done(std::move(s)); });
}

void ActivityCore::ImportAttendance(const Caller& caller, int64_t activity_id,
                                    std::vector<Attendance> rows, bool validate_only,
                                    Done<ImportAttendanceResult> done) {
  if (rows.empty() || rows.size() > kMaxImportRows) {
    return done(absl::InvalidArgumentError(absl::StrCat(
        "attendances: between 1 and ", kMaxImportRows, " lines a call; got ", rows.size())));
  }
  struct Import {
    std::vector<Attendance> rows;
    std::vector<bool> refused;
    ImportAttendanceResult result;
    // The roster's answer for each distinct person.
    absl::Mutex mu;
    absl::flat_hash_map<int64_t, absl::Status> people ABSL_GUARDED_BY(mu);
    size_t pending ABSL_GUARDED_BY(mu) = 0;
  };
  auto import = std::make_shared<Import>();
  import->rows = std::move(rows);
  import->refused.assign(import->rows.size(), false);
  import->result.ids.assign(import->rows.size(), 0);
  const auto prefix_of = [](size_t i) { return absl::StrCat("attendances[", i, "]."); };
  const auto refuse = [import, prefix_of](size_t i, const absl::Status& status) {
    const std::string prefix = prefix_of(i);
    import->refused[i] = true;
    import->result.errors.push_back({static_cast<int32_t>(i),
                                     FieldOf(status, prefix, prefix.substr(0, prefix.size() - 1)),
                                     std::string(status.message())});
  };
  std::vector<int64_t> people;
  {
    absl::flat_hash_set<int64_t> seen;
    for (size_t i = 0; i < import->rows.size(); ++i) {
      const Attendance& row = import->rows[i];
      if (absl::Status s = ValidateAttendanceFields(row, prefix_of(i)); !s.ok()) {
        refuse(i, s);
        continue;
      }
      if (row.person_id != 0 && people_ != nullptr && seen.insert(row.person_id).second) {
        people.push_back(row.person_id);
      }
    }
  }
  auto submit = [this, caller, activity_id, validate_only, import, refuse, prefix_of, done]() {
    // The roster's refusals, by row; any other answer refuses the call.
    for (size_t i = 0; i < import->rows.size(); ++i) {
      if (import->refused[i] || import->rows[i].person_id == 0 || people_ == nullptr) continue;
      absl::Status answer;
      {
        absl::MutexLock lock(&import->mu);
        answer = import->people[import->rows[i].person_id];
      }
      if (answer.ok()) continue;
      const absl::Status refusal =
          PersonRefusal(answer, import->rows[i].person_id, absl::StrCat(prefix_of(i), "person"));
      if (absl::IsUnavailable(refusal)) return done(refusal);
      refuse(i, refusal);
    }
    Submit(
        caller, "ImportAttendance", "",
        [activity_id, validate_only, import, refuse,
         prefix_of](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          ASSIGN_OR_RETURN(LineBatch batch, StartLines(ctx.index, activity_id));
          ImportAttendanceResult& result = import->result;
          for (size_t i = 0; i < import->rows.size(); ++i) {
            if (import->refused[i]) continue;
            absl::StatusOr<LineOutcome> outcome =
                PlanLine(ctx.index, batch, import->rows[i], prefix_of(i), ctx.now, ctx.revision);
            if (!outcome.ok()) {
              refuse(i, outcome.status());
              continue;
            }
            result.ids[i] = outcome->line.id;
            ++(outcome->recorded ? result.recorded : result.unchanged);
          }
          std::sort(result.errors.begin(), result.errors.end(),
                    [](const auto& a, const auto& b) { return a.row < b.row; });
          if (!validate_only) FinishLines(ctx, batch);
          return batch.after;
        },
        [import, done](absl::StatusOr<Snapshot> written) {
          if (!written.ok()) return done(written.status());
          done(std::move(import->result));
        });
  };
  if (people.empty()) return submit();
  // One question per distinct person, all at once; the last answer goes on.
  {
    absl::MutexLock lock(&import->mu);
    import->pending = people.size();
  }
  for (int64_t person : people) {
    people_->CheckPerson(person, [import, person, submit](absl::Status status) {
      bool last = false;
      {
        absl::MutexLock lock(&import->mu);
        import->people[person] = std::move(status);
        last = --import->pending == 0;
      }
      if (last) submit();
    });
  }
}

void ActivityCore::RedeemCredit(const Caller& caller, int64_t person_id, int64_t amount,
                                std::string reason, std::string request_id,
                                Done<CreditEntry> done) {
  if (person_id <= 0) {
    return done(absl::InvalidArgumentError("account: is required: creditAccounts/{person_id}"));
  }
  if (amount < 1 || amount > kMaxRedemption) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("amount: must be between 1 and ", kMaxRedemption, " points; got ", amount)));
  }
  if (absl::Status s = ValidateReason(reason, "reason", kMaxRedemptionReasonChars); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  Submit(
      caller, "RedeemCredit", std::move(request_id),
      [person_id, amount,
       reason = std::move(reason)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        const CreditAccount* account = ctx.index.FindCreditAccount(person_id, ActivityIndex::kHead);
        const int64_t balance = account == nullptr ? 0 : account->balance;
        if (balance < amount) {
          return absl::FailedPreconditionError(absl::StrCat(CreditAccountName(person_id), " has ",
                                                            balance, " points; ", amount,
                                                            " cannot be redeemed"));
        }
        CreditEntry entry;
        entry.person_id = person_id;
        entry.id = ctx.index.max_credit_entry_id() + 1;
        entry.amount = -amount;
        entry.reason = reason;
        entry.create_time = ctx.now;
        entry.revision = ctx.revision;
        ctx.Add(std::nullopt, entry);
        return entry;
      },
      TypedDone<CreditEntry, Snapshot>(std::move(done)));
}

// --- Service points.

void ActivityCore::CreateServicePoint(const Caller& caller, ServicePoint point,
                                      std::string request_id, Done<ServicePoint> done) {
  if (absl::Status s = ValidateServicePointFields(point, "service_point."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  const Place unit{Place::Kind::kUnit, point.unit_id};
  auto submit = [this, caller, point = std::move(point), request_id = std::move(request_id),
                 done]() mutable {
    Submit(
        caller, "CreateServicePoint", std::move(request_id),
        [point = std::move(point)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          ServicePoint made = point;
          made.id = ctx.index.max_service_point_id() + 1;
          RETURN_IF_ERROR(CheckPointNameFree(ctx.index, made, "service_point.display_name"));
          made.deleted = false;
          made.delete_time = absl::UnixEpoch();
          made.create_time = ctx.now;
          Touch(made, ctx.now, ctx.revision);
          ctx.Add(std::nullopt, made);
          return made;
        },
        TypedDone<ServicePoint, Snapshot>(std::move(done)));
  };
  RunChecks({LivePlace(unit, "service_point.unit")}, std::move(submit),
            [done](absl::Status s) { done(std::move(s)); });
}

void ActivityCore::UpdateServicePoint(const Caller& caller, ServicePointUpdate update,
                                      Done<ServicePoint> done) {
  Submit(
      caller, "UpdateServicePoint", "",
      [update = std::move(update)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        const ServicePoint* current = ctx.point(update.id);
        if (current == nullptr) return ServicePointNotFound(update.id, "service_point.name");
        RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, ServicePointName(update.id)));
        if (current->deleted) {
          return absl::FailedPreconditionError(
              absl::StrCat(ServicePointName(update.id), " is deleted; it cannot be changed"));
        }
        ServicePoint next = *current;
        RETURN_IF_ERROR(ApplyServicePointPaths(update, next));
        RETURN_IF_ERROR(ValidateServicePointFields(next, "service_point."));
        RETURN_IF_ERROR(CheckPointNameFree(ctx.index, next, "service_point.display_name"));
        if (next == *current) return next;
        Touch(next, ctx.now, ctx.revision);
        ctx.Add(*current, next);
        return next;
      },
      TypedDone<ServicePoint, Snapshot>(std::move(done)));
}

void ActivityCore::DeleteServicePoint(const Caller& caller, int64_t id, std::string etag,
                                      Done<ServicePoint> done) {
  Submit(
      caller, "DeleteServicePoint", "",
      [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        const ServicePoint* current = ctx.point(id);
        if (current == nullptr) return ServicePointNotFound(id, "name");
        RETURN_IF_ERROR(CheckEtag(etag, current->revision, ServicePointName(id)));
        if (current->deleted) {
          return absl::FailedPreconditionError(
              absl::StrCat(ServicePointName(id), " is deleted already"));
        }
        ServicePoint next = *current;
        next.deleted = true;
        next.delete_time = ctx.now;
        Touch(next, ctx.now, ctx.revision);
        ctx.Add(*current, next);
        return next;
      },
      TypedDone<ServicePoint, Snapshot>(std::move(done)));
}

// --- Reads.

absl::StatusOr<Activity> ActivityCore::GetActivity(int64_t id, int64_t read_revision) const {
  return engine_.ReadAt(
      read_revision, [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<Activity> {
        const Activity* activity = index.FindActivity(id, revision);
        if (activity == nullptr) return ActivityNotFound(id, "name");
        return *activity;
      });
}

absl::StatusOr<std::optional<std::vector<int64_t>>> ActivityCore::UnitsUnder(
    int64_t unit_id) const {
  ASSIGN_OR_RETURN(std::optional<std::vector<Place>> under,
                   directory_->PlacesUnderAtMost(unit_id, kMaxPlacesToGather));
  if (!under) return std::nullopt;
  std::vector<int64_t> units;
  for (const Place& place : *under) {
    if (place.kind == Place::Kind::kUnit) units.push_back(place.id);
  }
  return units;
}

absl::StatusOr<Page<Activity>> ActivityCore::ListActivities(
    const ListActivitiesQuery& query) const {
  ASSIGN_OR_RETURN(const ActivityFilter filter, ParseActivityFilter(query.filter));
  const uint64_t fingerprint =
      StableHasher().Add("activities").Add(query.place_id).Add(query.filter).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  // The units below the place come from the org replica, outside the lock;
  // a subtree too large to gather is tested activity by activity instead.
  std::optional<std::vector<int64_t>> units;
  if (query.place_id != 0) {
    ASSIGN_OR_RETURN(units, UnitsUnder(query.place_id));
  }
  const bool test_each = query.place_id != 0 && !units;
  return engine_.ReadAt(
      list.revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<Page<Activity>> {
        PageCollector<Activity> page(list.page_size, revision);
        const absl::flat_hash_set<int64_t> unit_set =
            units ? absl::flat_hash_set<int64_t>(units->begin(), units->end())
                  : absl::flat_hash_set<int64_t>();
        auto find = [&](int64_t id) { return index.FindActivity(id, revision); };
        auto keep = [&](const Activity& a) {
          return filter.Matches(a) && (!units || unit_set.contains(a.place_id)) &&
                 (!test_each ||
                  directory_->IsPlaceUnder(Place{Place::Kind::kUnit, a.place_id}, query.place_id));
        };
        if (units) {
          std::vector<int64_t> ids;
          for (int64_t unit : *units) {
            const absl::Span<const int64_t> at = index.ActivitiesAt(unit);
            ids.insert(ids.end(), at.begin(), at.end());
          }
          std::sort(ids.begin(), ids.end());
          ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
          OfferFrom<Activity>(ids, list.cursor.last_key, find, keep, page);
        } else {
          OfferRange<Activity>(list.cursor.last_key, index.max_activity_id(), find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<Page<Attendance>> ActivityCore::ListAttendances(
    const ListAttendancesQuery& query) const {
  const uint64_t fingerprint = StableHasher().Add("attendances").Add(query.activity_id).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<Page<Attendance>> {
        if (index.FindActivity(query.activity_id, revision) == nullptr) {
          return ActivityNotFound(query.activity_id, "parent");
        }
        PageCollector<Attendance> page(list.page_size, revision);
        OfferFrom<Attendance>(
            index.AttendancesOf(query.activity_id), list.cursor.last_key,
            [&](int64_t id) { return index.FindAttendance(id, revision); },
            [](const Attendance&) { return true; }, page);
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<CreditAccount> ActivityCore::GetCreditAccount(int64_t person_id,
                                                             int64_t read_revision) const {
  if (person_id <= 0) {
    return absl::InvalidArgumentError("name: is required: creditAccounts/{person_id}");
  }
  return engine_.ReadAt(
      read_revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<CreditAccount> {
        if (const CreditAccount* account = index.FindCreditAccount(person_id, revision)) {
          return *account;
        }
        CreditAccount empty;
        empty.person_id = person_id;
        return empty;
      });
}

absl::StatusOr<Page<CreditEntry>> ActivityCore::ListCreditEntries(
    const ListCreditEntriesQuery& query) const {
  const uint64_t fingerprint = StableHasher().Add("creditEntries").Add(query.person_id).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<Page<CreditEntry>> {
        PageCollector<CreditEntry> page(list.page_size, revision);
        OfferFrom<CreditEntry>(
            index.CreditEntriesOf(query.person_id), list.cursor.last_key,
            [&](int64_t id) { return index.FindCreditEntry(id, revision); },
            [](const CreditEntry&) { return true; }, page);
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<ServicePoint> ActivityCore::GetServicePoint(int64_t id,
                                                           int64_t read_revision) const {
  return engine_.ReadAt(
      read_revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<ServicePoint> {
        const ServicePoint* point = index.FindServicePoint(id, revision);
        if (point == nullptr) return ServicePointNotFound(id, "name");
        return *point;
      });
}

absl::StatusOr<Page<ServicePoint>> ActivityCore::ListServicePoints(
    const ListServicePointsQuery& query) const {
  const uint64_t fingerprint =
      StableHasher().Add("servicePoints").Add(query.unit_id).Add(query.show_deleted ? 1 : 0).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  std::optional<std::vector<int64_t>> units;
  if (query.unit_id != 0) {
    ASSIGN_OR_RETURN(units, UnitsUnder(query.unit_id));
  }
  const bool test_each = query.unit_id != 0 && !units;
  return engine_.ReadAt(
      list.revision,
      [&](const ActivityIndex& index, int64_t revision) -> absl::StatusOr<Page<ServicePoint>> {
        PageCollector<ServicePoint> page(list.page_size, revision);
        auto find = [&](int64_t id) { return index.FindServicePoint(id, revision); };
        auto keep = [&](const ServicePoint& p) {
          return (query.show_deleted || !p.deleted) &&
                 (!test_each ||
                  directory_->IsPlaceUnder(Place{Place::Kind::kUnit, p.unit_id}, query.unit_id));
        };
        if (units) {
          std::vector<int64_t> ids;
          for (int64_t unit : *units) {
            const absl::Span<const int64_t> at = index.ServicePointsAt(unit);
            ids.insert(ids.end(), at.begin(), at.end());
          }
          std::sort(ids.begin(), ids.end());
          ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
          OfferFrom<ServicePoint>(ids, list.cursor.last_key, find, keep, page);
        } else {
          OfferRange<ServicePoint>(list.cursor.last_key, index.max_service_point_id(), find, keep,
                                   page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

}  // namespace grassroots::activity
