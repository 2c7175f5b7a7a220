// The writes of CaseworkCore: reports, updates, the transitions of an
// issue's lifecycle, dispatches, and the sweeper's escalations. Each rule
// and its message live in one plan, run on the writer thread against the
// newest state.

#include "casework_service/casework_core.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "casework_service/casework_filter.h"
#include "common/commit_engine.h"
#include "common/etag.h"
#include "common/resource_name.h"
#include "common/status_macros.h"
#include "common/text.h"
#include "common/update_paths.h"

namespace grassroots::casework {

using org_client::Place;
using org_client::PlaceFacts;

// The kit's write context, with the service-level table and the lookups of
// the newest state.
struct CaseworkCore::WriteContext : ::grassroots::WriteContext<CaseworkIndex, Snapshot> {
  const ServiceLevels* levels = nullptr;

  const Issue* issue(int64_t id) const { return index.FindIssue(id, CaseworkIndex::kHead); }
  const Dispatch* dispatch(int64_t id) const {
    return index.FindDispatch(id, CaseworkIndex::kHead);
  }
};

namespace {

absl::Status IssueNotFound(int64_t id, absl::string_view field) {
  return ResourceNotFound(field, IssueName(id));
}

// Starts the clock of `level` on `issue` at `now`.
void StartClock(Issue& issue, const ServiceLevels& levels, absl::Time now) {
  issue.due_time = now + levels.DueAfter(issue.handling_level, issue.category);
}

void StopClock(Issue& issue) { issue.due_time = absl::UnixEpoch(); }

// Moves `issue` one level up: the next level of its chain, a new due time,
// no assignee or party organisation yet (the new level accepts and names
// its own). FAILED_PRECONDITION at the top.
absl::Status Escalate(Issue& issue, absl::string_view reason, const ServiceLevels& levels,
                      absl::Time now) {
  const HandlingLevel next = issue.chain.LowestFrom(NextLevel(issue.handling_level));
  if (next == HandlingLevel::kUnspecified) {
    return absl::FailedPreconditionError(absl::StrCat(
        IssueName(issue.id), " is handled at the ", HandlingLevelName(issue.handling_level),
        " level already; there is no level above it to escalate to"));
  }
  issue.handling_level = next;
  issue.handling_party_org_id = 0;
  issue.assignee_id = 0;
  issue.state = IssueState::kEscalated;
  issue.state_reason = std::string(reason);
  ++issue.escalations;
  StartClock(issue, levels, now);
  return absl::OkStatus();
}

absl::Status ApplyIssuePaths(const IssueUpdate& update, Issue& issue) {
  const Issue& v = update.values;
  return ApplyUpdatePaths(update.paths, "title, description, category, reporter, reporter_contact",
                          [&](UpdatePath& p) {
                            p.Take("title", issue.title, v.title);
                            p.Take("description", issue.description, v.description);
                            p.Take("category", issue.category, v.category);
                            p.Take("reporter", issue.reporter_id, v.reporter_id);
                            p.Take("reporter_contact", issue.reporter_contact, v.reporter_contact);
                          });
}

// The party organisation named to lead the handling must cover the handling
// unit or a unit below it.
absl::Status CheckCovers(const org_client::OrgDirectory& directory, int64_t org_id, int64_t unit_id,
                         absl::string_view field) {
  if (org_id == 0) return absl::OkStatus();
  if (directory.IsPlaceUnder(Place{Place::Kind::kPartyOrg, org_id}, unit_id)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      field, ": ", org_client::PlaceName(Place{Place::Kind::kPartyOrg, org_id}),
      " covers no unit at or below ", org_client::PlaceName(Place{Place::Kind::kUnit, unit_id}),
      ", which handles the issue"));
}

// The walk up from a place to its district, one question a level (at most
// five), each answered on the org client's thread; its state travels with
// the callbacks.
struct ChainWalk {
  HandlingChain chain;
  std::function<void(HandlingChain)> then;
  std::function<void(absl::Status)> fail;
  org_client::OrgDirectory* directory = nullptr;
  std::string field;  // the request field naming the place
};

// Describes `unit` (the reported place when `first`) and goes on up.
void StepUp(std::shared_ptr<ChainWalk> walk, int64_t unit, bool first) {
  const Place place{Place::Kind::kUnit, unit};
  org_client::OrgDirectory* directory = walk->directory;
  directory->Describe(place, [walk = std::move(walk), place,
                              first](absl::StatusOr<PlaceFacts> facts) mutable {
    const std::string field = first ? walk->field : absl::StrCat(walk->field, " (a unit above it)");
    if (absl::Status refused = org_client::PlaceRefusal(facts, place, field); !refused.ok()) {
      return walk->fail(std::move(refused));
    }
    const org::Level level = facts->level;
    if (first && level != org::Level::kBuilding && level != org::Level::kCompound &&
        level != org::Level::kCommunity) {
      return walk->fail(absl::InvalidArgumentError(
          absl::StrCat(field, ": ", org_client::PlaceName(place), " is a ", org::LevelName(level),
                       "; an issue is reported at a BUILDING, COMPOUND or COMMUNITY")));
    }
    switch (level) {
      case org::Level::kCompound:
        walk->chain.compound_id = place.id;
        break;
      case org::Level::kCommunity:
        walk->chain.community_id = place.id;
        break;
      case org::Level::kStreet:
        walk->chain.street_id = place.id;
        break;
      case org::Level::kDistrict:
        walk->chain.district_id = place.id;
        return walk->then(walk->chain);
      default:
        break;
    }
    if (facts->parent_id == 0) {
      return walk->fail(absl::FailedPreconditionError(
          absl::StrCat(field, ": ", org_client::PlaceName(place), " hangs under no district")));
    }
    StepUp(std::move(walk), facts->parent_id, /*first=*/false);
  });
}

}  // namespace

CaseworkCore::CaseworkCore(CaseworkStore* store, org_client::OrgDirectory* directory,
                           const Clock* clock, ServiceLevels levels, CoreOptions options,
                           roster_client::PersonDirectory* people)
    : ServiceCore(store, clock, std::move(options), "the casework service"),
      directory_(directory),
      people_(people),
      clock_(clock),
      levels_(std::move(levels)) {}

void CaseworkCore::Submit(const Caller& caller, std::string method, std::string request_id,
                          Plan plan, Done<Snapshot> done) {
  engine_.Submit(
      caller, std::move(method), std::move(request_id),
      [this, plan = std::move(plan)](const CaseworkIndex& index, Mutation& mutation) {
        WriteContext ctx{{index, mutation}, &levels_};
        return plan(ctx);
      },
      std::move(done));
}

void CaseworkCore::WithLivePlace(Place place, std::string field, std::function<void()> then,
                                 std::function<void(absl::Status)> fail) {
  if (place.id == 0) return then();
  directory_->Describe(place, [place, field = std::move(field), then = std::move(then),
                               fail = std::move(fail)](absl::StatusOr<PlaceFacts> facts) {
    if (absl::Status refused = org_client::PlaceRefusal(facts, place, field); !refused.ok()) {
      return fail(std::move(refused));
    }
    then();
  });
}

void CaseworkCore::WithLivePeople(std::vector<std::pair<int64_t, std::string>> people,
                                  std::function<void()> then,
                                  std::function<void(absl::Status)> fail) {
  while (!people.empty() && (people.back().first == 0 || people_ == nullptr)) people.pop_back();
  if (people.empty()) return then();
  // Named copies: a lambda may not capture structured bindings (C++20, clang).
  const int64_t id = people.back().first;
  const std::string field = people.back().second;
  people.pop_back();
  people_->CheckPerson(id, [this, id, field, people = std::move(people), then = std::move(then),
                            fail = std::move(fail)](absl::Status status) mutable {
    const std::string name = FormatResourceName("people", id);
    if (absl::IsNotFound(status)) {
      return fail(
          absl::NotFoundError(absl::StrCat(field, ": ", name, " does not exist in the roster")));
    }
    if (absl::IsFailedPrecondition(status)) {
      return fail(absl::FailedPreconditionError(
          absl::StrCat(field, ": ", name, " is deleted in the roster")));
    }
    if (!status.ok()) {
      return fail(
          absl::UnavailableError(absl::StrCat(field, ": the roster could not confirm ", name,
                                              "; nothing was written (", status.message(), ")")));
    }
    WithLivePeople(std::move(people), std::move(then), std::move(fail));
  });
}

void CaseworkCore::ResolveChain(int64_t place_id, std::function<void(HandlingChain)> then,
                                std::function<void(absl::Status)> fail, std::string field) {
  auto walk = std::make_shared<ChainWalk>();
  walk->field = std::move(field);
  walk->then = std::move(then);
  walk->fail = std::move(fail);
  walk->directory = directory_;
  StepUp(std::move(walk), place_id, /*first=*/true);
}

// --- Issues.

void CaseworkCore::ReportIssue(const Caller& caller, Issue issue, std::string request_id,
                               Done<Issue> done) {
  if (absl::Status s = ValidateReportedFields(issue, "issue."); !s.ok()) return done(s);
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  const int64_t party_org = issue.handling_party_org_id;
  auto submit = [this, caller, issue, request_id = std::move(request_id),
                 done](HandlingChain chain) mutable {
    issue.chain = chain;
    Submit(
        caller, "ReportIssue", std::move(request_id),
        [this, issue = std::move(issue)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          Issue made = issue;
          made.id = ctx.index.max_issue_id() + 1;
          made.handling_level = made.chain.LowestFrom(HandlingLevel::kCompound);
          RETURN_IF_ERROR(CheckCovers(*directory_, made.handling_party_org_id,
                                      made.handling_unit_id(), "issue.handling_party_org"));
          made.state = IssueState::kReported;
          made.state_reason.clear();
          made.satisfaction = Satisfaction::kUnspecified;
          made.resolution.clear();
          made.escalations = 0;
          made.resolve_time = absl::UnixEpoch();
          made.close_time = absl::UnixEpoch();
          StartClock(made, *ctx.levels, ctx.now);
          made.create_time = ctx.now;
          Touch(made, ctx.now, ctx.revision);
          ctx.Add(std::nullopt, made);
          return made;
        },
        TypedDone<Issue, Snapshot>(std::move(done)));
  };
  auto fail = [done](absl::Status s) { done(std::move(s)); };
  const int64_t place_id = issue.place_id;
  std::vector<std::pair<int64_t, std::string>> people = {{issue.reporter_id, "issue.reporter"},
                                                         {issue.assignee_id, "issue.assignee"}};
  WithLivePeople(
      std::move(people),
      [this, party_org, place_id, submit = std::move(submit), fail]() mutable {
        WithLivePlace(
            Place{Place::Kind::kPartyOrg, party_org}, "issue.handling_party_org",
            [this, place_id, submit = std::move(submit), fail]() mutable {
              ResolveChain(place_id, std::move(submit), fail);
            },
            fail);
      },
      fail);
}

void CaseworkCore::UpdateIssue(const Caller& caller, IssueUpdate update, Done<Issue> done) {
  const bool names_reporter =
      std::find(update.paths.begin(), update.paths.end(), "reporter") != update.paths.end() ||
      std::find(update.paths.begin(), update.paths.end(), "*") != update.paths.end();
  const int64_t reporter = names_reporter ? update.values.reporter_id : 0;
  auto submit = [this, caller, update = std::move(update), done]() {
    Submit(
        caller, "UpdateIssue", "",
        [update](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const Issue* current = ctx.issue(update.id);
          if (current == nullptr) return IssueNotFound(update.id, "issue.name");
          RETURN_IF_ERROR(CheckEtag(update.etag, current->revision, IssueName(update.id)));
          RETURN_IF_ERROR(CheckTransition(update.id, current->state, IssueAction::kUpdate));
          Issue next = *current;
          RETURN_IF_ERROR(ApplyIssuePaths(update, next));
          RETURN_IF_ERROR(ValidateReportedFields(next, "issue."));
          if (next == *current) return next;
          Touch(next, ctx.now, ctx.revision);
          ctx.Add(*current, next);
          return next;
        },
        TypedDone<Issue, Snapshot>(done));
  };
  WithLivePeople({{reporter, "issue.reporter"}}, std::move(submit),
                 [done](absl::Status s) { done(std::move(s)); });
}

void CaseworkCore::TransitionIssue(const Caller& caller, IssueTransition t, Done<Issue> done) {
  switch (t.action) {
    case IssueAction::kEscalate:
    case IssueAction::kReopen:
    case IssueAction::kReject:
      if (absl::Status s = ValidateReason(t.text, "reason", kMaxReasonChars); !s.ok()) {
        return done(s);
      }
      break;
    case IssueAction::kResolve:
      if (absl::Status s = ValidateReason(t.text, "resolution", kMaxResolutionChars); !s.ok()) {
        return done(s);
      }
      break;
    case IssueAction::kConfirm:
      if (t.satisfaction == Satisfaction::kDissatisfied) {
        return done(absl::InvalidArgumentError(
            "satisfaction: a dissatisfied resident does not confirm; reopen the issue instead "
            "(ReopenIssue, with what is still wrong)"));
      }
      if (t.satisfaction != Satisfaction::kSatisfied &&
          t.satisfaction != Satisfaction::kBasicallySatisfied) {
        return done(absl::InvalidArgumentError(
            "satisfaction: is required: SATISFIED or BASICALLY_SATISFIED"));
      }
      break;
    case IssueAction::kAccept:
    case IssueAction::kUpdate:
      break;
  }
  static constexpr absl::string_view kMethods[] = {"AcceptIssue",  "EscalateIssue", "ResolveIssue",
                                                   "ConfirmIssue", "ReopenIssue",   "RejectIssue",
                                                   "UpdateIssue"};
  const std::string method(kMethods[static_cast<int>(t.action)]);
  auto submit = [this, caller, t, method, done]() {
    Submit(
        caller, method, "",
        [this, t](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const Issue* current = ctx.issue(t.id);
          if (current == nullptr) return IssueNotFound(t.id, "name");
          RETURN_IF_ERROR(CheckEtag(t.etag, current->revision, IssueName(t.id)));
          RETURN_IF_ERROR(CheckTransition(t.id, current->state, t.action));
          Issue next = *current;
          switch (t.action) {
            case IssueAction::kAccept:
              next.state = IssueState::kAccepted;
              if (t.assignee_id != 0) next.assignee_id = t.assignee_id;
              if (t.handling_party_org_id != 0) {
                RETURN_IF_ERROR(CheckCovers(*directory_, t.handling_party_org_id,
                                            next.handling_unit_id(), "handling_party_org"));
                next.handling_party_org_id = t.handling_party_org_id;
              }
              break;
            case IssueAction::kEscalate:
              RETURN_IF_ERROR(Escalate(next, t.text, *ctx.levels, ctx.now));
              break;
            case IssueAction::kResolve:
              next.state = IssueState::kResolved;
              next.resolution = t.text;
              next.resolve_time = ctx.now;
              StopClock(next);
              break;
            case IssueAction::kConfirm:
              next.state = IssueState::kConfirmed;
              next.satisfaction = t.satisfaction;
              next.close_time = ctx.now;
              break;
            case IssueAction::kReopen:
              next.state = IssueState::kReopened;
              next.state_reason = t.text;
              next.satisfaction = Satisfaction::kDissatisfied;
              StartClock(next, *ctx.levels, ctx.now);
              break;
            case IssueAction::kReject:
              next.state = IssueState::kRejected;
              next.state_reason = t.text;
              next.close_time = ctx.now;
              StopClock(next);
              break;
            case IssueAction::kUpdate:
              break;
          }
          Touch(next, ctx.now, ctx.revision);
          ctx.Add(*current, next);
          return next;
        },
        TypedDone<Issue, Snapshot>(done));
  };
  if (t.action != IssueAction::kAccept) return submit();
  auto fail = [done](absl::Status s) { done(std::move(s)); };
  WithLivePeople(
      {{t.assignee_id, "assignee"}},
      [this, t, submit, fail] {
        WithLivePlace(Place{Place::Kind::kPartyOrg, t.handling_party_org_id}, "handling_party_org",
                      submit, fail);
      },
      fail);
}

void CaseworkCore::ImportIssues(const Caller& caller, std::vector<ImportRow> rows,
                                bool validate_only, ImportDone done) {
  struct Import {
    std::vector<ImportRow> rows;
    std::vector<absl::StatusOr<ImportRowResult>> results;
    absl::Mutex mu;
    size_t pending ABSL_GUARDED_BY(mu) = 0;
    ImportDone done;
  };
  auto import = std::make_shared<Import>();
  import->rows = std::move(rows);
  import->results.assign(import->rows.size(), absl::UnknownError("not answered"));
  import->done = std::move(done);
  if (import->rows.empty() || import->rows.size() > kMaxBatchGet) {
    return import->done({absl::InvalidArgumentError(absl::StrCat(
        "issues: between 1 and ", kMaxBatchGet, " rows a call; got ", import->rows.size()))});
  }
  {
    absl::MutexLock lock(&import->mu);
    import->pending = import->rows.size();
  }
  const auto answer = [import](size_t i, absl::StatusOr<ImportRowResult> result) {
    bool last = false;
    {
      absl::MutexLock lock(&import->mu);
      import->results[i] = std::move(result);
      last = --import->pending == 0;
    }
    if (last) import->done(std::move(import->results));
  };
  for (size_t i = 0; i < import->rows.size(); ++i) {
    const std::string prefix = absl::StrCat("issues[", i, "].");
    ImportRow& row = import->rows[i];
    const absl::Time now = clock_->Now();
    if (absl::Status s = ValidateReportedFields(row.issue, absl::StrCat(prefix, "issue."));
        !s.ok()) {
      answer(i, s);
      continue;
    }
    const int64_t place = row.issue.place_id;
    auto submit = [this, caller, import, i, prefix, validate_only, answer,
                   now](HandlingChain chain) {
      ImportRow row = import->rows[i];
      row.issue.chain = chain;
      const absl::Duration due_after =
          levels_.DueAfter(row.issue.handling_level, row.issue.category);
      if (absl::Status s =
              ValidateImportedIssue(row.issue, now, due_after, absl::StrCat(prefix, "issue."));
          !s.ok()) {
        return answer(i, s);
      }
      for (size_t d = 0; d < row.dispatches.size(); ++d) {
        const std::string dispatch_prefix = absl::StrCat(prefix, "dispatches[", d, "].");
        absl::Status s = ValidateImportedDispatch(row.dispatches[d], row.issue.create_time, now,
                                                  dispatch_prefix);
        if (!s.ok()) return answer(i, s);
      }
      if (!row.dispatches.empty() && row.issue.handling_level != HandlingLevel::kStreet &&
          row.issue.handling_level != HandlingLevel::kDistrict) {
        return answer(i, absl::InvalidArgumentError(
                             absl::StrCat(prefix,
                                          "dispatches: only an issue handled by a STREET or the "
                                          "DISTRICT has departments summoned")));
      }
      auto result = std::make_shared<ImportRowResult>();
      Submit(
          caller, "ImportIssues", "",
          [this, row = std::move(row), validate_only, prefix,
           result](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
            if (const int64_t known =
                    ctx.index.IssueWithKey(row.issue.chain.district_id, row.issue.external_key)) {
              // The same record again changes nothing. Another issue's key
              // is refused without naming that issue, which may lie outside
              // the caller's scope.
              const Issue* existing = ctx.issue(known);
              if (existing->place_id != row.issue.place_id) {
                return absl::AlreadyExistsError(absl::StrCat(
                    prefix, "external_key: another issue of this district was imported with it"));
              }
              result->issue_id = known;
              return *existing;
            }
            Issue made = row.issue;
            made.id = ctx.index.max_issue_id() + 1;
            RETURN_IF_ERROR(CheckCovers(*directory_, made.handling_party_org_id,
                                        made.handling_unit_id(),
                                        absl::StrCat(prefix, "issue.handling_party_org")));
            Touch(made, ctx.now, ctx.revision);
            result->issue_id = made.id;
            result->imported = true;
            if (validate_only) return made;
            ctx.Add(std::nullopt, made);
            int64_t dispatch_id = ctx.index.max_dispatch_id();
            for (Dispatch dispatch : row.dispatches) {
              dispatch.id = ++dispatch_id;
              dispatch.issue_id = made.id;
              dispatch.place_id = made.place_id;
              dispatch.summoning_unit_id = made.handling_unit_id();
              Touch(dispatch, ctx.now, ctx.revision);
              ctx.Add(std::nullopt, dispatch);
            }
            return made;
          },
          [answer, i, result](absl::StatusOr<Snapshot> written) {
            if (!written.ok()) return answer(i, written.status());
            answer(i, *result);
          });
    };
    auto refuse = [answer, i](absl::Status s) { answer(i, std::move(s)); };
    WithLivePeople(
        {{row.issue.reporter_id, absl::StrCat(prefix, "issue.reporter")},
         {row.issue.assignee_id, absl::StrCat(prefix, "issue.assignee")}},
        [this, place, submit, refuse, prefix] {
          ResolveChain(place, submit, refuse, absl::StrCat(prefix, "issue.place"));
        },
        refuse);
  }
}

void CaseworkCore::SweepOverdue(int max, std::function<void(absl::StatusOr<int>)> done) {
  auto escalated = std::make_shared<int>(0);
  const Caller service{.principal = kServiceActor, .may_see_personal_data = false};
  Submit(
      service, "SweepOverdue", "",
      [escalated, max](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        std::vector<int64_t> due;
        for (const CaseworkIndex::DueEntry& entry : ctx.index.open_by_due()) {
          if (entry.first > ctx.now || static_cast<int>(due.size()) >= max) break;
          due.push_back(entry.second);
        }
        Snapshot last = Issue{};
        for (int64_t id : due) {
          const Issue* current = ctx.issue(id);
          if (current == nullptr || !current->IsOverdue(ctx.now)) continue;
          Issue next = *current;
          const std::string reason = absl::StrCat(
              "overdue: not resolved at the ", HandlingLevelName(current->handling_level),
              " level by ",
              absl::FormatTime("%Y-%m-%d %H:%M", current->due_time, absl::FixedTimeZone(8 * 3600)));
          if (!Escalate(next, reason, *ctx.levels, ctx.now).ok()) continue;
          Touch(next, ctx.now, ctx.revision);
          ctx.Add(*current, next);
          last = next;
          ++*escalated;
        }
        return last;
      },
      [escalated, done = std::move(done)](absl::StatusOr<Snapshot> result) {
        if (!result.ok()) return done(result.status());
        done(*escalated);
      });
}

// --- Dispatches.

void CaseworkCore::CreateDispatch(const Caller& caller, Dispatch dispatch, std::string request_id,
                                  Done<Dispatch> done) {
  if (absl::Status s = ValidateNewDispatch(dispatch, clock_->Now(), "dispatch."); !s.ok()) {
    return done(s);
  }
  if (absl::Status s = ValidateRequestId(request_id); !s.ok()) return done(s);
  const int64_t org = dispatch.department_org_id;
  auto submit = [this, caller, dispatch = std::move(dispatch), request_id = std::move(request_id),
                 done]() mutable {
    Submit(
        caller, "CreateDispatch", std::move(request_id),
        [dispatch = std::move(dispatch)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
          const Issue* issue = ctx.issue(dispatch.issue_id);
          if (issue == nullptr) return IssueNotFound(dispatch.issue_id, "parent");
          if (!IsOpen(issue->state)) {
            return absl::FailedPreconditionError(
                absl::StrCat(IssueName(issue->id), " is ", IssueStateName(issue->state),
                             "; departments are summoned to open issues only"));
          }
          if (issue->handling_level != HandlingLevel::kStreet &&
              issue->handling_level != HandlingLevel::kDistrict) {
            return absl::FailedPreconditionError(absl::StrCat(
                IssueName(issue->id), " is handled at the ",
                HandlingLevelName(issue->handling_level),
                " level; a department is summoned by the STREET or the DISTRICT (escalate it "
                "first)"));
          }
          Dispatch made = dispatch;
          made.id = ctx.index.max_dispatch_id() + 1;
          made.place_id = issue->place_id;
          made.summoning_unit_id = issue->handling_unit_id();
          made.state = DispatchState::kSummoned;
          made.report.clear();
          made.acknowledge_time = absl::UnixEpoch();
          made.report_time = absl::UnixEpoch();
          made.create_time = ctx.now;
          Touch(made, ctx.now, ctx.revision);
          ctx.Add(std::nullopt, made);
          return made;
        },
        TypedDone<Dispatch, Snapshot>(std::move(done)));
  };
  WithLivePlace(Place{Place::Kind::kExternalOrg, org}, "dispatch.department_org", std::move(submit),
                [done](absl::Status s) { done(std::move(s)); });
}

namespace {

// The dispatch `id` names, under its issue: NOT_FOUND when either is
// unknown or the dispatch belongs to another issue.
absl::StatusOr<const Dispatch*> FindDispatchOf(const CaseworkIndex& index, DispatchId id,
                                               int64_t revision, absl::string_view field) {
  const Dispatch* dispatch = index.FindDispatch(id.id, revision);
  if (dispatch == nullptr || dispatch->issue_id != id.issue_id) {
    return ResourceNotFound(field, DispatchName(id.issue_id, id.id));
  }
  return dispatch;
}

}  // namespace

void CaseworkCore::AcknowledgeDispatch(const Caller& caller, DispatchId id, std::string etag,
                                       Done<Dispatch> done) {
  Submit(
      caller, "AcknowledgeDispatch", "",
      [id, etag = std::move(etag)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        ASSIGN_OR_RETURN(const Dispatch* current,
                         FindDispatchOf(ctx.index, id, CaseworkIndex::kHead, "name"));
        RETURN_IF_ERROR(CheckEtag(etag, current->revision, DispatchName(id.issue_id, id.id)));
        RETURN_IF_ERROR(CheckDispatchState(*current, DispatchState::kSummoned, "acknowledged"));
        Dispatch next = *current;
        next.state = DispatchState::kAcknowledged;
        next.acknowledge_time = ctx.now;
        Touch(next, ctx.now, ctx.revision);
        ctx.Add(*current, next);
        return next;
      },
      TypedDone<Dispatch, Snapshot>(std::move(done)));
}

void CaseworkCore::ReportDispatch(const Caller& caller, DispatchId id, std::string etag,
                                  std::string report, Done<Dispatch> done) {
  if (absl::Status s = ValidateReason(report, "report", kMaxReportChars); !s.ok()) return done(s);
  Submit(
      caller, "ReportDispatch", "",
      [id, etag = std::move(etag),
       report = std::move(report)](WriteContext& ctx) -> absl::StatusOr<Snapshot> {
        ASSIGN_OR_RETURN(const Dispatch* current,
                         FindDispatchOf(ctx.index, id, CaseworkIndex::kHead, "name"));
        RETURN_IF_ERROR(CheckEtag(etag, current->revision, DispatchName(id.issue_id, id.id)));
        RETURN_IF_ERROR(CheckDispatchState(*current, DispatchState::kAcknowledged, "reported on"));
        Dispatch next = *current;
        next.state = DispatchState::kReported;
        next.report = report;
        next.report_time = ctx.now;
        Touch(next, ctx.now, ctx.revision);
        ctx.Add(*current, next);
        return next;
      },
      TypedDone<Dispatch, Snapshot>(std::move(done)));
}

// --- Reads.

absl::StatusOr<Issue> CaseworkCore::GetIssue(int64_t id, int64_t read_revision) const {
  return engine_.ReadAt(read_revision,
                        [&](const CaseworkIndex& index, int64_t revision) -> absl::StatusOr<Issue> {
                          const Issue* issue = index.FindIssue(id, revision);
                          if (issue == nullptr) return IssueNotFound(id, "name");
                          return *issue;
                        });
}

absl::StatusOr<std::vector<Issue>> CaseworkCore::BatchGetIssues(
    absl::Span<const int64_t> ids) const {
  return engine_.Read([&](const CaseworkIndex& index, int64_t revision) {
    return GetAll<Issue>(
        ids, [&](int64_t id) { return index.FindIssue(id, revision); }, &IssueNotFound);
  });
}

absl::StatusOr<Page<Issue>> CaseworkCore::ListIssues(const ListIssuesQuery& query) const {
  ASSIGN_OR_RETURN(const IssueFilter filter, ParseIssueFilter(query.filter));
  const uint64_t fingerprint =
      StableHasher().Add("issues").Add(query.place_id).Add(query.filter).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  const absl::Time now = clock_->Now();
  return engine_.ReadAt(
      list.revision,
      [&](const CaseworkIndex& index, int64_t revision) -> absl::StatusOr<Page<Issue>> {
        PageCollector<Issue> page(list.page_size, revision);
        auto find = [&](int64_t id) { return index.FindIssue(id, revision); };
        auto keep = [&](const Issue& issue) { return filter.Matches(issue, now); };
        if (filter.OpenOnly()) {
          // Walk the open issues (and those closed since `revision`) only.
          int64_t after = list.cursor.last_key;
          const size_t chunk = static_cast<size_t>(list.page_size) + 1;
          while (true) {
            const std::vector<int64_t> ids =
                index.MaybeOpenUnder(query.place_id, after, revision, chunk);
            for (int64_t id : ids) {
              const Issue* issue = find(id);
              if (issue != nullptr && keep(*issue) && !page.Offer(*issue)) {
                return std::move(page).Finish(fingerprint);
              }
            }
            if (ids.size() < chunk) break;
            after = ids.back();
          }
        } else if (query.place_id != 0) {
          OfferFrom<Issue>(index.IssuesUnder(query.place_id), list.cursor.last_key, find, keep,
                           page);
        } else {
          OfferRange<Issue>(list.cursor.last_key, index.max_issue_id(), find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<Dispatch> CaseworkCore::GetDispatch(DispatchId id, int64_t read_revision) const {
  return engine_.ReadAt(
      read_revision, [&](const CaseworkIndex& index, int64_t revision) -> absl::StatusOr<Dispatch> {
        ASSIGN_OR_RETURN(const Dispatch* dispatch, FindDispatchOf(index, id, revision, "name"));
        return *dispatch;
      });
}

absl::StatusOr<Page<Dispatch>> CaseworkCore::ListDispatches(
    const ListDispatchesQuery& query) const {
  const uint64_t fingerprint = StableHasher().Add("dispatches").Add(query.issue_id).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const CaseworkIndex& index, int64_t revision) -> absl::StatusOr<Page<Dispatch>> {
        if (index.FindIssue(query.issue_id, revision) == nullptr) {
          return IssueNotFound(query.issue_id, "parent");
        }
        PageCollector<Dispatch> page(list.page_size, revision);
        OfferFrom<Dispatch>(
            index.DispatchesOf(query.issue_id), list.cursor.last_key,
            [&](int64_t id) { return index.FindDispatch(id, revision); },
            [](const Dispatch&) { return true; }, page);
        return std::move(page).Finish(fingerprint);
      });
}

}  // namespace grassroots::casework
