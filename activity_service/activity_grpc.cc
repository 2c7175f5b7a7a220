#include "activity_service/activity_grpc.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/event_stream.h"
#include "common/grpc_status.h"
#include "common/resource_name.h"
#include "common/unary_reactor.h"

namespace grassroots::activity {

namespace {

std::vector<std::string> MaskPaths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

// Writes each page item with `write(item, view, response->add_...())`.
template <typename T, typename Response, typename Add, typename Write>
void FillPage(const Page<T>& page, const View& view, Response* response, Add add, Write write) {
  for (const T& item : page.items) write(item, view, (response->*add)());
  response->set_next_page_token(page.next_page_token);
  response->set_revision(page.revision);
}

}  // namespace

// --- Activities.

grpc::ServerUnaryReactor* ActivityGrpcService::CreateActivity(
    grpc::CallbackServerContext* context, const v1::CreateActivityRequest* request,
    v1::Activity* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<Activity> activity = ActivityFromProto(request->activity(), "activity.");
  if (!activity.ok()) return Finish(context, activity.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateActivity(*caller, *std::move(activity), request->request_id(),
                        Answer(reactor, *caller, &ActivityToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::GetActivity(grpc::CallbackServerContext* context,
                                                           const v1::GetActivityRequest* request,
                                                           v1::Activity* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseActivityName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetActivity(*id, request->read_revision()),
                    [&](const Activity& a) { ActivityToProto(a, ViewFor(*caller), response); });
}

grpc::ServerUnaryReactor* ActivityGrpcService::UpdateActivity(
    grpc::CallbackServerContext* context, const v1::UpdateActivityRequest* request,
    v1::Activity* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseActivityName(request->activity().name(), "activity.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<Activity> values = ActivityFromProto(request->activity(), "activity.");
  if (!values.ok()) return Finish(context, values.status());
  ActivityUpdate update{.id = *id,
                        .values = *std::move(values),
                        .paths = MaskPaths(request->update_mask()),
                        .etag = request->activity().etag()};
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateActivity(*caller, std::move(update),
                        Answer(reactor, *caller, &ActivityToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::ListActivities(
    grpc::CallbackServerContext* context, const v1::ListActivitiesRequest* request,
    v1::ListActivitiesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> place = ParseOptionalResourceName(request->place(), "units", "place");
  if (!place.ok()) return Finish(context, place.status());
  ListActivitiesQuery query{.place_id = *place,
                            .filter = request->filter(),
                            .page_size = request->page_size(),
                            .page_token = request->page_token(),
                            .read_revision = request->read_revision()};
  return FinishWith(context, core_->ListActivities(query), [&](const Page<Activity>& page) {
    FillPage(page, ViewFor(*caller), response, &v1::ListActivitiesResponse::add_activities,
             &ActivityToProto);
  });
}

// --- Transitions.

template <typename Call>
grpc::ServerUnaryReactor* ActivityGrpcService::Transition(grpc::CallbackServerContext* context,
                                                          const std::string& name,
                                                          v1::Activity* response, Call call) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseActivityName(name, "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  call(*caller, *id, Answer(reactor, *caller, &ActivityToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::SubmitActivity(
    grpc::CallbackServerContext* context, const v1::SubmitActivityRequest* request,
    v1::Activity* response) {
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      core_->SubmitActivity(caller, id, request->etag(), std::move(done));
                    });
}

namespace {

// The `approver` of an approval or a return: required, `partyOrgs/{id}`.
absl::StatusOr<int64_t> ParseApprover(const std::string& approver) {
  absl::StatusOr<int64_t> id = ParseOptionalResourceName(approver, "partyOrgs", "approver");
  if (id.ok() && *id == 0) return absl::InvalidArgumentError("approver: is required");
  return id;
}

}  // namespace

grpc::ServerUnaryReactor* ActivityGrpcService::ApproveActivity(
    grpc::CallbackServerContext* context, const v1::ApproveActivityRequest* request,
    v1::Activity* response) {
  // The approver is parsed after the caller is admitted (in Transition), so
  // that an unsigned call is UNAUTHENTICATED whatever it carries.
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      absl::StatusOr<int64_t> approver = ParseApprover(request->approver());
                      if (!approver.ok()) return done(approver.status());
                      core_->ApproveActivity(caller, id, request->etag(), *approver,
                                             std::move(done));
                    });
}

grpc::ServerUnaryReactor* ActivityGrpcService::ReturnActivity(
    grpc::CallbackServerContext* context, const v1::ReturnActivityRequest* request,
    v1::Activity* response) {
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      absl::StatusOr<int64_t> approver = ParseApprover(request->approver());
                      if (!approver.ok()) return done(approver.status());
                      core_->ReturnActivity(caller, id, request->etag(), *approver,
                                            request->reason(), std::move(done));
                    });
}

grpc::ServerUnaryReactor* ActivityGrpcService::HoldActivity(grpc::CallbackServerContext* context,
                                                            const v1::HoldActivityRequest* request,
                                                            v1::Activity* response) {
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      core_->HoldActivity(caller, id, request->etag(), std::move(done));
                    });
}

grpc::ServerUnaryReactor* ActivityGrpcService::RecordActivity(
    grpc::CallbackServerContext* context, const v1::RecordActivityRequest* request,
    v1::Activity* response) {
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      core_->RecordActivity(caller, id, request->etag(), std::move(done));
                    });
}

grpc::ServerUnaryReactor* ActivityGrpcService::CancelActivity(
    grpc::CallbackServerContext* context, const v1::CancelActivityRequest* request,
    v1::Activity* response) {
  return Transition(context, request->name(), response,
                    [&](const Caller& caller, int64_t id, ActivityCore::Done<Activity> done) {
                      core_->CancelActivity(caller, id, request->etag(), request->reason(),
                                            std::move(done));
                    });
}

// --- Attendance and credit.

grpc::ServerUnaryReactor* ActivityGrpcService::RecordAttendance(
    grpc::CallbackServerContext* context, const v1::RecordAttendanceRequest* request,
    v1::Attendance* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> activity = ParseActivityName(request->parent(), "parent");
  if (!activity.ok()) return Finish(context, activity.status());
  absl::StatusOr<Attendance> line = AttendanceFromProto(request->attendance(), "attendance.");
  if (!line.ok()) return Finish(context, line.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->RecordAttendance(*caller, *activity, *std::move(line),
                          Answer(reactor, *caller, &AttendanceToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::ImportAttendance(
    grpc::CallbackServerContext* context, const v1::ImportAttendanceRequest* request,
    v1::ImportAttendanceResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> activity = ParseActivityName(request->parent(), "parent");
  if (!activity.ok()) return Finish(context, activity.status());
  const int rows_given = request->attendances_size();
  if (rows_given == 0 || rows_given > static_cast<int>(kMaxImportRows)) {
    return Finish(context, absl::InvalidArgumentError(
                               absl::StrCat("attendances: between 1 and ", kMaxImportRows,
                                            " lines a call; got ", rows_given)));
  }
  // Lines that do not convert are answered here; the rest go to the core.
  std::vector<Attendance> rows;
  auto positions = std::make_shared<std::vector<int>>();
  for (int i = 0; i < rows_given; ++i) {
    absl::StatusOr<Attendance> line =
        AttendanceFromProto(request->attendances(i), absl::StrCat("attendances[", i, "]."));
    if (!line.ok()) {
      SetRowError(i, line.status(), response->add_errors());
      continue;
    }
    rows.push_back(*std::move(line));
    positions->push_back(i);
  }
  response->mutable_names()->Reserve(rows_given);
  for (int i = 0; i < rows_given; ++i) response->add_names();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (rows.empty()) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  const int64_t activity_id = *activity;
  core_->ImportAttendance(
      *caller, activity_id, std::move(rows), request->validate_only(),
      [reactor, response, positions, activity_id](absl::StatusOr<ImportAttendanceResult> result) {
        if (!result.ok()) {
          reactor->Finish(ToGrpcStatus(result.status()));
          return;
        }
        // The core numbers rows as it was given them: map them back to the
        // request's lines, errors in row order.
        const auto line_of = [&](int32_t k) {
          return k >= 0 && static_cast<size_t>(k) < positions->size() ? (*positions)[k] : k;
        };
        for (const ImportAttendanceResult::Error& e : result->errors) {
          // The core names fields by its own row ("attendances[2].minutes");
          // a line refused above shifts them from the request's.
          const std::string core_prefix = absl::StrCat("attendances[", e.row, "]");
          const std::string line_prefix = absl::StrCat("attendances[", line_of(e.row), "]");
          const auto renumber = [&](const std::string& text) {
            return absl::StartsWith(text, core_prefix)
                       ? absl::StrCat(line_prefix, text.substr(core_prefix.size()))
                       : text;
          };
          v1::ImportAttendanceError* error = response->add_errors();
          error->set_row(line_of(e.row));
          error->set_field(renumber(e.field));
          error->set_message(renumber(e.message));
        }
        for (size_t k = 0; k < result->ids.size() && k < positions->size(); ++k) {
          if (result->ids[k] != 0) {
            response->set_names((*positions)[k], AttendanceName(activity_id, result->ids[k]));
          }
        }
        response->set_recorded(result->recorded);
        response->set_unchanged(result->unchanged);
        std::sort(response->mutable_errors()->begin(), response->mutable_errors()->end(),
                  [](const v1::ImportAttendanceError& a, const v1::ImportAttendanceError& b) {
                    return a.row() < b.row();
                  });
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::ListAttendances(
    grpc::CallbackServerContext* context, const v1::ListAttendancesRequest* request,
    v1::ListAttendancesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> activity = ParseActivityName(request->parent(), "parent");
  if (!activity.ok()) return Finish(context, activity.status());
  ListAttendancesQuery query{.activity_id = *activity,
                             .page_size = request->page_size(),
                             .page_token = request->page_token(),
                             .read_revision = request->read_revision()};
  return FinishWith(context, core_->ListAttendances(query), [&](const Page<Attendance>& page) {
    FillPage(page, ViewFor(*caller), response, &v1::ListAttendancesResponse::add_attendances,
             &AttendanceToProto);
  });
}

grpc::ServerUnaryReactor* ActivityGrpcService::GetCreditAccount(
    grpc::CallbackServerContext* context, const v1::GetCreditAccountRequest* request,
    v1::CreditAccount* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParseCreditAccountName(request->name(), "name");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<CreditPeriod> period = request->period().empty()
                                            ? MonthPeriod(CreditMonth(core_->Now()))
                                            : ParseCreditPeriod(request->period(), "period");
  if (!period.ok()) return Finish(context, period.status());
  return FinishWith(
      context, core_->GetCreditAccount(*person, request->read_revision()),
      [&](const CreditAccount& account) { CreditAccountToProto(account, *period, response); });
}

grpc::ServerUnaryReactor* ActivityGrpcService::ListCreditEntries(
    grpc::CallbackServerContext* context, const v1::ListCreditEntriesRequest* request,
    v1::ListCreditEntriesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParseCreditAccountName(request->parent(), "parent");
  if (!person.ok()) return Finish(context, person.status());
  ListCreditEntriesQuery query{.person_id = *person,
                               .page_size = request->page_size(),
                               .page_token = request->page_token(),
                               .read_revision = request->read_revision()};
  return FinishWith(context, core_->ListCreditEntries(query), [&](const Page<CreditEntry>& page) {
    FillPage(page, ViewFor(*caller), response, &v1::ListCreditEntriesResponse::add_entries,
             &CreditEntryToProto);
  });
}

grpc::ServerUnaryReactor* ActivityGrpcService::RedeemCredit(grpc::CallbackServerContext* context,
                                                            const v1::RedeemCreditRequest* request,
                                                            v1::CreditEntry* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParseCreditAccountName(request->account(), "account");
  if (!person.ok()) return Finish(context, person.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->RedeemCredit(*caller, *person, request->amount(), request->reason(), request->request_id(),
                      Answer(reactor, *caller, &CreditEntryToProto, response));
  return reactor;
}

// --- Service points.

grpc::ServerUnaryReactor* ActivityGrpcService::CreateServicePoint(
    grpc::CallbackServerContext* context, const v1::CreateServicePointRequest* request,
    v1::ServicePoint* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<ServicePoint> point =
      ServicePointFromProto(request->service_point(), "service_point.");
  if (!point.ok()) return Finish(context, point.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateServicePoint(*caller, *std::move(point), request->request_id(),
                            Answer(reactor, *caller, &ServicePointToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::GetServicePoint(
    grpc::CallbackServerContext* context, const v1::GetServicePointRequest* request,
    v1::ServicePoint* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseServicePointName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(
      context, core_->GetServicePoint(*id, request->read_revision()),
      [&](const ServicePoint& p) { ServicePointToProto(p, ViewFor(*caller), response); });
}

grpc::ServerUnaryReactor* ActivityGrpcService::UpdateServicePoint(
    grpc::CallbackServerContext* context, const v1::UpdateServicePointRequest* request,
    v1::ServicePoint* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id =
      ParseServicePointName(request->service_point().name(), "service_point.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<ServicePoint> values =
      ServicePointFromProto(request->service_point(), "service_point.");
  if (!values.ok()) return Finish(context, values.status());
  ServicePointUpdate update{.id = *id,
                            .values = *std::move(values),
                            .paths = MaskPaths(request->update_mask()),
                            .etag = request->service_point().etag()};
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateServicePoint(*caller, std::move(update),
                            Answer(reactor, *caller, &ServicePointToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::DeleteServicePoint(
    grpc::CallbackServerContext* context, const v1::DeleteServicePointRequest* request,
    v1::ServicePoint* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseServicePointName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeleteServicePoint(*caller, *id, request->etag(),
                            Answer(reactor, *caller, &ServicePointToProto, response));
  return reactor;
}

grpc::ServerUnaryReactor* ActivityGrpcService::ListServicePoints(
    grpc::CallbackServerContext* context, const v1::ListServicePointsRequest* request,
    v1::ListServicePointsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> unit = ParseOptionalResourceName(request->unit(), "units", "unit");
  if (!unit.ok()) return Finish(context, unit.status());
  ListServicePointsQuery query{.unit_id = *unit,
                               .show_deleted = request->show_deleted(),
                               .page_size = request->page_size(),
                               .page_token = request->page_token(),
                               .read_revision = request->read_revision()};
  return FinishWith(context, core_->ListServicePoints(query), [&](const Page<ServicePoint>& page) {
    FillPage(page, ViewFor(*caller), response, &v1::ListServicePointsResponse::add_service_points,
             &ServicePointToProto);
  });
}

// --- Events.

grpc::ServerUnaryReactor* ActivityGrpcService::ListEvents(grpc::CallbackServerContext* context,
                                                          const v1::ListEventsRequest* request,
                                                          v1::ListEventsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  return FinishWith(
      context,
      core_->ListEvents(request->start_revision(), request->page_size(), request->page_token()),
      [&](const EventPage<Snapshot>& page) {
        const View view = ViewFor(*caller);
        for (const Event& event : page.events) EventToProto(event, view, response->add_events());
        response->set_next_page_token(page.next_page_token);
        response->set_current_revision(page.current_revision);
      });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* ActivityGrpcService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return new ::grassroots::FailedWriter<v1::WatchEventsResponse>(caller.status());
  return StartEventWatch<Event, ActivityCore, v1::WatchEventsResponse>(
      core_, *request, [view = ViewFor(*caller)](const Event& event, v1::WatchEventsResponse* r) {
        EventToProto(event, view, r->add_events());
      });
}

}  // namespace grassroots::activity
