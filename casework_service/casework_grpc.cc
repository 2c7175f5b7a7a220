#include "casework_service/casework_grpc.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "common/event_stream.h"
#include "common/grpc_status.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/unary_reactor.h"

namespace grassroots::casework {

View CaseworkGrpcService::ViewFor(const Caller& caller) const {
  return View{caller.may_see_personal_data, core_->Now()};
}

// --- Issues.

grpc::ServerUnaryReactor* CaseworkGrpcService::ReportIssue(grpc::CallbackServerContext* context,
                                                           const v1::ReportIssueRequest* request,
                                                           v1::Issue* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<Issue> issue = IssueFromProto(request->issue(), "issue.");
  if (!issue.ok()) return Finish(context, issue.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->ReportIssue(
      *caller, *std::move(issue), request->request_id(),
      AnswerWhenDone<Issue>(reactor, [response, view = ViewFor(*caller)](const Issue& i) {
        IssueToProto(i, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* CaseworkGrpcService::GetIssue(grpc::CallbackServerContext* context,
                                                        const v1::GetIssueRequest* request,
                                                        v1::Issue* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseIssueName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetIssue(*id, request->read_revision()),
                    [&](const Issue& i) { IssueToProto(i, ViewFor(*caller), response); });
}

grpc::ServerUnaryReactor* CaseworkGrpcService::BatchGetIssues(
    grpc::CallbackServerContext* context, const v1::BatchGetIssuesRequest* request,
    v1::BatchGetIssuesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<std::vector<int64_t>> ids = ParseNames(request->names(), &ParseIssueName);
  if (!ids.ok()) return Finish(context, ids.status());
  return FinishWith(context, core_->BatchGetIssues(*ids), [&](const std::vector<Issue>& issues) {
    const View view = ViewFor(*caller);
    for (const Issue& i : issues) IssueToProto(i, view, response->add_issues());
  });
}

grpc::ServerUnaryReactor* CaseworkGrpcService::UpdateIssue(grpc::CallbackServerContext* context,
                                                           const v1::UpdateIssueRequest* request,
                                                           v1::Issue* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseIssueName(request->issue().name(), "issue.name");
  if (!id.ok()) return Finish(context, id.status());
  IssueUpdate update;
  update.id = *id;
  update.etag = request->issue().etag();
  update.paths.assign(request->update_mask().paths().begin(), request->update_mask().paths().end());
  // The place is immutable and the rest is checked by path; give the
  // converter a place so that the fields it parses can be read.
  v1::Issue values = request->issue();
  values.set_place("units/1");
  absl::StatusOr<Issue> parsed = IssueFromProto(values, "issue.");
  if (!parsed.ok()) return Finish(context, parsed.status());
  update.values = *std::move(parsed);
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdateIssue(
      *caller, std::move(update),
      AnswerWhenDone<Issue>(reactor, [response, view = ViewFor(*caller)](const Issue& i) {
        IssueToProto(i, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ListIssues(grpc::CallbackServerContext* context,
                                                          const v1::ListIssuesRequest* request,
                                                          v1::ListIssuesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  ListIssuesQuery query;
  absl::StatusOr<int64_t> place = ParseOptionalResourceName(request->place(), "units", "place");
  if (!place.ok()) return Finish(context, place.status());
  query.place_id = *place;
  query.filter = request->filter();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.read_revision = request->read_revision();
  return FinishWith(context, core_->ListIssues(query), [&](const Page<Issue>& page) {
    const View view = ViewFor(*caller);
    for (const Issue& i : page.items) IssueToProto(i, view, response->add_issues());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

// --- Transitions.

grpc::ServerUnaryReactor* CaseworkGrpcService::Transition(grpc::CallbackServerContext* context,
                                                          const std::string& name,
                                                          IssueTransition transition,
                                                          v1::Issue* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseIssueName(name, "name");
  if (!id.ok()) return Finish(context, id.status());
  transition.id = *id;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->TransitionIssue(
      *caller, std::move(transition),
      AnswerWhenDone<Issue>(reactor, [response, view = ViewFor(*caller)](const Issue& i) {
        IssueToProto(i, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* CaseworkGrpcService::AcceptIssue(grpc::CallbackServerContext* context,
                                                           const v1::AcceptIssueRequest* request,
                                                           v1::Issue* response) {
  IssueTransition t{.action = IssueAction::kAccept, .etag = request->etag()};
  absl::StatusOr<int64_t> assignee =
      ParseOptionalResourceName(request->assignee(), "people", "assignee");
  if (!assignee.ok()) return Finish(context, assignee.status());
  absl::StatusOr<int64_t> org =
      ParseOptionalResourceName(request->handling_party_org(), "partyOrgs", "handling_party_org");
  if (!org.ok()) return Finish(context, org.status());
  t.assignee_id = *assignee;
  t.handling_party_org_id = *org;
  return Transition(context, request->name(), std::move(t), response);
}

grpc::ServerUnaryReactor* CaseworkGrpcService::EscalateIssue(
    grpc::CallbackServerContext* context, const v1::EscalateIssueRequest* request,
    v1::Issue* response) {
  return Transition(
      context, request->name(),
      {.action = IssueAction::kEscalate, .etag = request->etag(), .text = request->reason()},
      response);
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ResolveIssue(grpc::CallbackServerContext* context,
                                                            const v1::ResolveIssueRequest* request,
                                                            v1::Issue* response) {
  return Transition(
      context, request->name(),
      {.action = IssueAction::kResolve, .etag = request->etag(), .text = request->resolution()},
      response);
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ConfirmIssue(grpc::CallbackServerContext* context,
                                                            const v1::ConfirmIssueRequest* request,
                                                            v1::Issue* response) {
  absl::StatusOr<Satisfaction> satisfaction = EnumFromProto<Satisfaction>(
      request->satisfaction(), v1::Satisfaction_IsValid, "satisfaction");
  if (!satisfaction.ok()) return Finish(context, satisfaction.status());
  return Transition(
      context, request->name(),
      {.action = IssueAction::kConfirm, .etag = request->etag(), .satisfaction = *satisfaction},
      response);
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ReopenIssue(grpc::CallbackServerContext* context,
                                                           const v1::ReopenIssueRequest* request,
                                                           v1::Issue* response) {
  return Transition(
      context, request->name(),
      {.action = IssueAction::kReopen, .etag = request->etag(), .text = request->reason()},
      response);
}

grpc::ServerUnaryReactor* CaseworkGrpcService::RejectIssue(grpc::CallbackServerContext* context,
                                                           const v1::RejectIssueRequest* request,
                                                           v1::Issue* response) {
  return Transition(
      context, request->name(),
      {.action = IssueAction::kReject, .etag = request->etag(), .text = request->reason()},
      response);
}

// --- Dispatches.

grpc::ServerUnaryReactor* CaseworkGrpcService::CreateDispatch(
    grpc::CallbackServerContext* context, const v1::CreateDispatchRequest* request,
    v1::Dispatch* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> issue = ParseIssueName(request->parent(), "parent");
  if (!issue.ok()) return Finish(context, issue.status());
  absl::StatusOr<Dispatch> dispatch = DispatchFromProto(request->dispatch(), "dispatch.");
  if (!dispatch.ok()) return Finish(context, dispatch.status());
  dispatch->issue_id = *issue;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateDispatch(
      *caller, *std::move(dispatch), request->request_id(),
      AnswerWhenDone<Dispatch>(reactor, [response, view = ViewFor(*caller)](const Dispatch& d) {
        DispatchToProto(d, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* CaseworkGrpcService::GetDispatch(grpc::CallbackServerContext* context,
                                                           const v1::GetDispatchRequest* request,
                                                           v1::Dispatch* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<DispatchId> id = ParseDispatchName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetDispatch(*id, request->read_revision()),
                    [&](const Dispatch& d) { DispatchToProto(d, ViewFor(*caller), response); });
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ListDispatches(
    grpc::CallbackServerContext* context, const v1::ListDispatchesRequest* request,
    v1::ListDispatchesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> issue = ParseIssueName(request->parent(), "parent");
  if (!issue.ok()) return Finish(context, issue.status());
  ListDispatchesQuery query{.issue_id = *issue,
                            .page_size = request->page_size(),
                            .page_token = request->page_token(),
                            .read_revision = request->read_revision()};
  return FinishWith(context, core_->ListDispatches(query), [&](const Page<Dispatch>& page) {
    const View view = ViewFor(*caller);
    for (const Dispatch& d : page.items) DispatchToProto(d, view, response->add_dispatches());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

template <typename Call>
grpc::ServerUnaryReactor* CaseworkGrpcService::DispatchStep(grpc::CallbackServerContext* context,
                                                            const std::string& name,
                                                            v1::Dispatch* response, Call call) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<DispatchId> id = ParseDispatchName(name, "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  call(*caller, *id,
       AnswerWhenDone<Dispatch>(reactor, [response, view = ViewFor(*caller)](const Dispatch& d) {
         DispatchToProto(d, view, response);
       }));
  return reactor;
}

grpc::ServerUnaryReactor* CaseworkGrpcService::AcknowledgeDispatch(
    grpc::CallbackServerContext* context, const v1::AcknowledgeDispatchRequest* request,
    v1::Dispatch* response) {
  return DispatchStep(context, request->name(), response,
                      [&](const Caller& caller, DispatchId id, CaseworkCore::Done<Dispatch> done) {
                        core_->AcknowledgeDispatch(caller, id, request->etag(), std::move(done));
                      });
}

grpc::ServerUnaryReactor* CaseworkGrpcService::ReportDispatch(
    grpc::CallbackServerContext* context, const v1::ReportDispatchRequest* request,
    v1::Dispatch* response) {
  return DispatchStep(context, request->name(), response,
                      [&](const Caller& caller, DispatchId id, CaseworkCore::Done<Dispatch> done) {
                        core_->ReportDispatch(caller, id, request->etag(), request->report(),
                                              std::move(done));
                      });
}

// --- Import.

grpc::ServerUnaryReactor* CaseworkGrpcService::ImportIssues(grpc::CallbackServerContext* context,
                                                            const v1::ImportIssuesRequest* request,
                                                            v1::ImportIssuesResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  if (request->issues().empty() || request->issues_size() > static_cast<int>(kMaxBatchGet)) {
    return Finish(context, absl::InvalidArgumentError(
                               absl::StrCat("issues: between 1 and ", kMaxBatchGet,
                                            " rows a call; got ", request->issues_size())));
  }
  // Rows that do not convert are answered here; the rest go to the core.
  std::vector<ImportRow> rows;
  auto positions = std::make_shared<std::vector<int>>();
  for (int i = 0; i < request->issues_size(); ++i) {
    const v1::ImportedIssue& imported = request->issues(i);
    const std::string prefix = absl::StrCat("issues[", i, "].");
    absl::StatusOr<Issue> issue = ImportedIssueFromProto(imported, prefix);
    ImportRow row;
    absl::Status converted = issue.status();
    if (issue.ok()) row.issue = *std::move(issue);
    for (int d = 0; converted.ok() && d < imported.dispatches_size(); ++d) {
      absl::StatusOr<Dispatch> dispatch = ImportedDispatchFromProto(
          imported.dispatches(d), absl::StrCat(prefix, "dispatches[", d, "]."));
      converted = dispatch.status();
      if (dispatch.ok()) row.dispatches.push_back(*std::move(dispatch));
    }
    if (!converted.ok()) {
      SetRowError(i, converted, response->add_errors());
      continue;
    }
    rows.push_back(std::move(row));
    positions->push_back(i);
  }
  response->mutable_names()->Reserve(request->issues_size());
  for (int i = 0; i < request->issues_size(); ++i) response->add_names();
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (rows.empty()) {
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
  core_->ImportIssues(
      *caller, std::move(rows), request->validate_only(),
      [reactor, response, positions](std::vector<absl::StatusOr<ImportRowResult>> results) {
        for (size_t k = 0; k < results.size() && k < positions->size(); ++k) {
          const int row = (*positions)[k];
          if (!results[k].ok()) {
            SetRowError(row, results[k].status(), response->add_errors());
            continue;
          }
          response->set_names(row, IssueName(results[k]->issue_id));
          if (results[k]->imported) {
            response->set_imported(response->imported() + 1);
          } else {
            response->set_unchanged(response->unchanged() + 1);
          }
        }
        std::sort(response->mutable_errors()->begin(), response->mutable_errors()->end(),
                  [](const v1::ImportIssueError& a, const v1::ImportIssueError& b) {
                    return a.row() < b.row();
                  });
        reactor->Finish(grpc::Status::OK);
      });
  return reactor;
}

// --- Events.

grpc::ServerUnaryReactor* CaseworkGrpcService::ListEvents(grpc::CallbackServerContext* context,
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

grpc::ServerWriteReactor<v1::WatchEventsResponse>* CaseworkGrpcService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return new ::grassroots::FailedWriter<v1::WatchEventsResponse>(caller.status());
  return StartEventWatch<Event, CaseworkCore, v1::WatchEventsResponse>(
      core_, *request,
      [caller = *caller, this](const Event& event, v1::WatchEventsResponse* response) {
        EventToProto(event, ViewFor(caller), response->add_events());
      });
}

}  // namespace grassroots::casework
