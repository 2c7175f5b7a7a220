#include "roster_service/roster_grpc.h"

#include <malloc.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/event_stream.h"
#include "common/grpc_status.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/unary_reactor.h"
#include "roster_service/roster_proto.h"

namespace grassroots::roster {
namespace {

// A date the request must carry.
absl::StatusOr<absl::CivilDay> RequiredDate(const grassroots::type::Date& date,
                                            absl::string_view field) {
  absl::StatusOr<std::optional<absl::CivilDay>> day = DateFromProto(date, field);
  if (!day.ok()) return day.status();
  if (!day->has_value()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  return **day;
}

// "people/{id}", or "people/-" (0) where everyone's is allowed.
absl::StatusOr<int64_t> ParsePersonOrAll(absl::string_view name, absl::string_view field) {
  if (name == "people/-") return 0;
  return ParsePersonName(name, field);
}

// Reads import rows message by message. The rows of one message are handed
// to the core together (one question to the org service for all their
// places, and the engine commits them in large batches). The next message
// is read as soon as this one's rows are queued with the writer, while they
// are being committed, unless more than kMaxRowsInFlight rows are still
// unanswered; so memory stays bounded by that and one message however long
// the import, and reading, checking and committing overlap. The call ends
// once the client has sent everything and every row is answered (durable or
// refused).
class PeopleImporter final : public grpc::ServerReadReactor<v1::ImportPeopleRequest> {
 public:
  PeopleImporter(RosterCore* core, Caller caller, v1::ImportPeopleResponse* response)
      : core_(core), caller_(std::move(caller)), response_(response) {
    {
      absl::MutexLock lock(&mu_);
      reading_ = true;
    }
    StartRead(&request_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client has sent everything
      Next next;
      {
        absl::MutexLock lock(&mu_);
        reading_ = false;
        client_done_ = true;
        next = DecideNext();
      }
      return Act(next);
    }
    std::vector<ImportRowInput> rows;
    auto row_numbers = std::make_shared<std::vector<int>>();
    bool validate_only = false;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (!first_read_) validate_only_ = request_.validate_only();
      first_read_ = true;
      validate_only = validate_only_;
      response_->set_rows_received(response_->rows_received() + request_.rows_size());
      for (const v1::ImportRow& row : request_.rows()) {
        const int row_number = ++rows_seen_;
        absl::StatusOr<ImportRowInput> input = Convert(row);
        if (input.ok()) {
          rows.push_back(*std::move(input));
          row_numbers->push_back(row_number);
        } else {
          RecordError(row_number, input.status());
        }
      }
      rows_in_flight_ += static_cast<int64_t>(rows.size());
      queued_ = false;
    }
    // Outside the lock: the core may answer a row at once, on this thread.
    core_->ImportRows(
        caller_, std::move(rows), validate_only,
        [this, row_numbers](size_t i, absl::StatusOr<ImportRowResult> result) {
          Next next;
          {
            absl::MutexLock lock(&mu_);
            Record((*row_numbers)[i], result);
            --rows_in_flight_;
            next = DecideNext();
          }
          Act(next);
        },
        [this] {
          Next next;
          {
            absl::MutexLock lock(&mu_);
            queued_ = true;
            next = DecideNext();
          }
          Act(next);
        });
  }

  void OnDone() override { delete this; }

 private:
  static absl::StatusOr<ImportRowInput> Convert(const v1::ImportRow& row) {
    ImportRowInput input;
    absl::StatusOr<Person> person = PersonFromProto(row.person(), "person.");
    if (!person.ok()) return person.status();
    input.person = *std::move(person);
    absl::StatusOr<int64_t> org =
        ParseOptionalResourceName(row.party_org(), "partyOrgs", "party_org");
    if (!org.ok()) return org.status();
    input.party_org_id = *org;
    absl::StatusOr<std::optional<absl::CivilDay>> start =
        DateFromProto(row.membership_start_date(), "membership_start_date");
    if (!start.ok()) return start.status();
    input.membership_start = *start;
    for (int i = 0; i < row.roles_size(); ++i) {
      // The row's own person holds the role; ImportRow sets the holder, so
      // any well-formed name lets the rest of the assignment convert.
      v1::RoleAssignment role = row.roles(i);
      role.set_person("people/1");
      absl::StatusOr<RoleAssignment> converted =
          RoleAssignmentFromProto(role, absl::StrCat("roles[", i, "]."));
      if (!converted.ok()) return converted.status();
      input.roles.push_back(*std::move(converted));
    }
    return input;
  }

  void Record(int row, const absl::StatusOr<ImportRowResult>& result)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!result.ok()) return RecordError(row, result.status());
    switch (result->outcome) {
      case ImportRowResult::Outcome::kCreated:
        response_->set_people_created(response_->people_created() + 1);
        break;
      case ImportRowResult::Outcome::kUpdated:
        response_->set_people_updated(response_->people_updated() + 1);
        break;
      case ImportRowResult::Outcome::kUnchanged:
        if (result->roles_assigned == 0)
          response_->set_rows_unchanged(response_->rows_unchanged() + 1);
        break;
    }
    response_->set_roles_assigned(response_->roles_assigned() + result->roles_assigned);
  }

  // Messages start with the field ("person.id_card_number: ...").
  void RecordError(int row, const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    v1::ImportRowError* error = response_->add_errors();
    error->set_row(row);
    const absl::string_view message = status.message();
    const size_t colon = message.find(": ");
    if (colon != absl::string_view::npos &&
        message.substr(0, colon).find(' ') == absl::string_view::npos) {
      error->set_field(std::string(message.substr(0, colon)));
    }
    error->set_message(std::string(message));
  }

  enum class Next { kNothing, kRead, kFinish };

  // What to do now; the caller does it after unlocking, and touches nothing
  // of this object afterwards (finishing may delete it).
  Next DecideNext() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finishing_ || reading_) return Next::kNothing;
    if (client_done_) {
      if (rows_in_flight_ > 0 || !queued_) return Next::kNothing;
      finishing_ = true;
      return Next::kFinish;
    }
    if (!queued_ || rows_in_flight_ > kMaxRowsInFlight) return Next::kNothing;
    reading_ = true;
    return Next::kRead;
  }

  void Act(Next next) {
    switch (next) {
      case Next::kRead:
        return StartRead(&request_);
      case Next::kFinish:
        SortErrors();
        // A large import leaves the heap of every thread that held its rows
        // full of freed blocks; they go back to the system.
        if (rows_seen_unlocked() >= kTrimAfterRows) malloc_trim(0);
        return Finish(grpc::Status::OK);
      case Next::kNothing:
        return;
    }
  }

  // Rows are answered out of order; the report lists them in order.
  void SortErrors() {
    absl::MutexLock lock(&mu_);
    std::sort(
        response_->mutable_errors()->begin(), response_->mutable_errors()->end(),
        [](const v1::ImportRowError& a, const v1::ImportRowError& b) { return a.row() < b.row(); });
  }

  RosterCore* const core_;
  const Caller caller_;
  v1::ImportPeopleResponse* const response_;
  absl::Mutex mu_;
  v1::ImportPeopleRequest request_;
  // Rows handed to the core and not answered yet, beyond which the next
  // message waits.
  static constexpr int64_t kMaxRowsInFlight = 4096;
  static constexpr int kTrimAfterRows = 100000;
  // Only once finishing, when nothing else touches it.
  int rows_seen_unlocked() ABSL_NO_THREAD_SAFETY_ANALYSIS { return rows_seen_; }
  bool first_read_ ABSL_GUARDED_BY(mu_) = false;
  bool validate_only_ ABSL_GUARDED_BY(mu_) = false;
  int rows_seen_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t rows_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;      // a read is outstanding
  bool queued_ ABSL_GUARDED_BY(mu_) = true;        // the last message's rows are with the core
  bool client_done_ ABSL_GUARDED_BY(mu_) = false;  // the client has sent everything
  bool finishing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerReadReactor<v1::ImportPeopleRequest>* RosterGrpcService::ImportPeople(
    grpc::CallbackServerContext* context, v1::ImportPeopleResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return new ::grassroots::FailedReader<v1::ImportPeopleRequest>(caller.status());
  return new PeopleImporter(core_, *caller, response);
}

View RosterGrpcService::ViewFor(const Caller& caller) const {
  return View{caller.may_see_personal_data, core_->Today()};
}

// --- People.

grpc::ServerUnaryReactor* RosterGrpcService::CreatePerson(grpc::CallbackServerContext* context,
                                                          const v1::CreatePersonRequest* request,
                                                          v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<Person> person = PersonFromProto(request->person(), "person.");
  if (!person.ok()) return Finish(context, person.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreatePerson(
      *caller, *std::move(person), request->request_id(),
      AnswerWhenDone<Person>(reactor, [response, view = ViewFor(*caller)](const Person& p) {
        PersonToProto(p, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::GetPerson(grpc::CallbackServerContext* context,
                                                       const v1::GetPersonRequest* request,
                                                       v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePersonName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetPerson(*id),
                    [&](const Person& p) { PersonToProto(p, ViewFor(*caller), response); });
}

grpc::ServerUnaryReactor* RosterGrpcService::BatchGetPeople(
    grpc::CallbackServerContext* context, const v1::BatchGetPeopleRequest* request,
    v1::BatchGetPeopleResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<std::vector<int64_t>> ids = ParseNames(request->names(), &ParsePersonName);
  if (!ids.ok()) return Finish(context, ids.status());
  return FinishWith(context, core_->BatchGetPeople(*ids), [&](const std::vector<Person>& people) {
    const View view = ViewFor(*caller);
    for (const Person& p : people) PersonToProto(p, view, response->add_people());
  });
}

grpc::ServerUnaryReactor* RosterGrpcService::UpdatePerson(grpc::CallbackServerContext* context,
                                                          const v1::UpdatePersonRequest* request,
                                                          v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePersonName(request->person().name(), "person.name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<Person> values = PersonFromProto(request->person(), "person.");
  if (!values.ok()) return Finish(context, values.status());
  PersonUpdate update;
  update.id = *id;
  update.values = *std::move(values);
  update.etag = request->person().etag();
  update.paths = request->has_update_mask()
                     ? std::vector<std::string>(request->update_mask().paths().begin(),
                                                request->update_mask().paths().end())
                     : ImpliedPersonUpdatePaths(request->person());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UpdatePerson(
      *caller, std::move(update),
      AnswerWhenDone<Person>(reactor, [response, view = ViewFor(*caller)](const Person& p) {
        PersonToProto(p, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::DeletePerson(grpc::CallbackServerContext* context,
                                                          const v1::DeletePersonRequest* request,
                                                          v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePersonName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->DeletePerson(
      *caller, *id, request->etag(),
      AnswerWhenDone<Person>(reactor, [response, view = ViewFor(*caller)](const Person& p) {
        PersonToProto(p, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::UndeletePerson(
    grpc::CallbackServerContext* context, const v1::UndeletePersonRequest* request,
    v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParsePersonName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->UndeletePerson(
      *caller, *id, request->etag(),
      AnswerWhenDone<Person>(reactor, [response, view = ViewFor(*caller)](const Person& p) {
        PersonToProto(p, view, response);
      }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::ListPeople(grpc::CallbackServerContext* context,
                                                        const v1::ListPeopleRequest* request,
                                                        v1::ListPeopleResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  ListPeopleQuery query{request->page_size(), request->page_token(), request->filter(),
                        request->show_deleted(), request->read_revision()};
  return FinishWith(context, core_->ListPeople(query), [&](const Page<Person>& page) {
    const View view = ViewFor(*caller);
    for (const Person& p : page.items) PersonToProto(p, view, response->add_people());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

grpc::ServerUnaryReactor* RosterGrpcService::LookupPersonByIdCard(
    grpc::CallbackServerContext* context, const v1::LookupPersonByIdCardRequest* request,
    v1::Person* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  return FinishWith(context, core_->LookupPersonByIdCard(request->id_card_number()),
                    [&](const Person& p) { PersonToProto(p, ViewFor(*caller), response); });
}

// --- Memberships and registrations.

grpc::ServerUnaryReactor* RosterGrpcService::StartMembership(
    grpc::CallbackServerContext* context, const v1::StartMembershipRequest* request,
    v1::Membership* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonName(request->person(), "person");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<int64_t> org = ParseResourceName(request->party_org(), "partyOrgs", "party_org");
  if (!org.ok()) return Finish(context, org.status());
  absl::StatusOr<absl::CivilDay> start = RequiredDate(request->start_date(), "start_date");
  if (!start.ok()) return Finish(context, start.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->StartMembership(*caller, *person, *org, *start,
                         AnswerWhenDone<Membership>(reactor, [response](const Membership& m) {
                           MembershipToProto(m, response);
                         }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::TransferMembership(
    grpc::CallbackServerContext* context, const v1::TransferMembershipRequest* request,
    v1::Membership* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonName(request->person(), "person");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<int64_t> org = ParseResourceName(request->party_org(), "partyOrgs", "party_org");
  if (!org.ok()) return Finish(context, org.status());
  absl::StatusOr<absl::CivilDay> date = RequiredDate(request->date(), "date");
  if (!date.ok()) return Finish(context, date.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->TransferMembership(*caller, *person, *org, *date,
                            AnswerWhenDone<Membership>(reactor, [response](const Membership& m) {
                              MembershipToProto(m, response);
                            }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::EndMembership(grpc::CallbackServerContext* context,
                                                           const v1::EndMembershipRequest* request,
                                                           v1::Membership* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonName(request->person(), "person");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<absl::CivilDay> end = RequiredDate(request->end_date(), "end_date");
  if (!end.ok()) return Finish(context, end.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->EndMembership(*caller, *person, *end,
                       AnswerWhenDone<Membership>(reactor, [response](const Membership& m) {
                         MembershipToProto(m, response);
                       }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::ListMemberships(
    grpc::CallbackServerContext* context, const v1::ListMembershipsRequest* request,
    v1::ListMembershipsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonOrAll(request->parent(), "parent");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<int64_t> org =
      ParseOptionalResourceName(request->party_org(), "partyOrgs", "party_org");
  if (!org.ok()) return Finish(context, org.status());
  ListMembershipsQuery query{*person,
                             *org,
                             request->current_only(),
                             request->page_size(),
                             request->page_token(),
                             request->read_revision()};
  return FinishWith(context, core_->ListMemberships(query), [&](const Page<Membership>& page) {
    for (const Membership& m : page.items) MembershipToProto(m, response->add_memberships());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

grpc::ServerUnaryReactor* RosterGrpcService::CreateRegistration(
    grpc::CallbackServerContext* context, const v1::CreateRegistrationRequest* request,
    v1::Registration* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonName(request->person(), "person");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<int64_t> community = ParseResourceName(request->community(), "units", "community");
  if (!community.ok()) return Finish(context, community.status());
  absl::StatusOr<absl::CivilDay> start = RequiredDate(request->start_date(), "start_date");
  if (!start.ok()) return Finish(context, start.status());
  absl::StatusOr<int64_t> compound =
      ParseOptionalResourceName(request->compound(), "units", "compound");
  if (!compound.ok()) return Finish(context, compound.status());
  Registration registration;
  registration.person_id = *person;
  registration.community_id = *community;
  registration.start_date = *start;
  registration.compound_id = *compound;
  registration.post = static_cast<RegistrationPost>(request->post());
  registration.duty_zone = request->duty_zone();
  absl::StatusOr<int64_t> employer =
      ParseOptionalResourceName(request->employer(), "externalOrgs", "employer");
  if (!employer.ok()) return Finish(context, employer.status());
  registration.employer_id = *employer;
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->CreateRegistration(
      *caller, std::move(registration),
      AnswerWhenDone<Registration>(
          reactor, [response](const Registration& r) { RegistrationToProto(r, response); }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::EndRegistration(
    grpc::CallbackServerContext* context, const v1::EndRegistrationRequest* request,
    v1::Registration* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<ChildName> name = ParseRegistrationName(request->name(), "name");
  if (!name.ok()) return Finish(context, name.status());
  absl::StatusOr<absl::CivilDay> end = RequiredDate(request->end_date(), "end_date");
  if (!end.ok()) return Finish(context, end.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->EndRegistration(*caller, *name, *end,
                         AnswerWhenDone<Registration>(reactor, [response](const Registration& r) {
                           RegistrationToProto(r, response);
                         }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::ListRegistrations(
    grpc::CallbackServerContext* context, const v1::ListRegistrationsRequest* request,
    v1::ListRegistrationsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> person = ParsePersonOrAll(request->parent(), "parent");
  if (!person.ok()) return Finish(context, person.status());
  absl::StatusOr<int64_t> community =
      ParseOptionalResourceName(request->community(), "units", "community");
  if (!community.ok()) return Finish(context, community.status());
  ListRegistrationsQuery query{*person,
                               *community,
                               request->current_only(),
                               request->page_size(),
                               request->page_token(),
                               request->read_revision()};
  return FinishWith(context, core_->ListRegistrations(query), [&](const Page<Registration>& page) {
    for (const Registration& r : page.items) RegistrationToProto(r, response->add_registrations());
    response->set_next_page_token(page.next_page_token);
    response->set_revision(page.revision);
  });
}

// --- Roles.

grpc::ServerUnaryReactor* RosterGrpcService::AssignRole(grpc::CallbackServerContext* context,
                                                        const v1::AssignRoleRequest* request,
                                                        v1::RoleAssignment* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<RoleAssignment> assignment =
      RoleAssignmentFromProto(request->role_assignment(), "role_assignment.");
  if (!assignment.ok()) return Finish(context, assignment.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->AssignRole(*caller, *std::move(assignment), request->request_id(),
                    AnswerWhenDone<RoleAssignment>(
                        reactor, [response, view = ViewFor(*caller)](const RoleAssignment& r) {
                          RoleAssignmentToProto(r, view, response);
                        }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::EndRoleAssignment(
    grpc::CallbackServerContext* context, const v1::EndRoleAssignmentRequest* request,
    v1::RoleAssignment* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kWrite);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseRoleAssignmentName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  absl::StatusOr<absl::CivilDay> end = RequiredDate(request->end_date(), "end_date");
  if (!end.ok()) return Finish(context, end.status());
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  core_->EndRoleAssignment(
      *caller, *id, *end, request->etag(),
      AnswerWhenDone<RoleAssignment>(reactor,
                                     [response, view = ViewFor(*caller)](const RoleAssignment& r) {
                                       RoleAssignmentToProto(r, view, response);
                                     }));
  return reactor;
}

grpc::ServerUnaryReactor* RosterGrpcService::GetRoleAssignment(
    grpc::CallbackServerContext* context, const v1::GetRoleAssignmentRequest* request,
    v1::RoleAssignment* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  absl::StatusOr<int64_t> id = ParseRoleAssignmentName(request->name(), "name");
  if (!id.ok()) return Finish(context, id.status());
  return FinishWith(context, core_->GetRoleAssignment(*id), [&](const RoleAssignment& r) {
    RoleAssignmentToProto(r, ViewFor(*caller), response);
  });
}

grpc::ServerUnaryReactor* RosterGrpcService::ListRoleAssignments(
    grpc::CallbackServerContext* context, const v1::ListRoleAssignmentsRequest* request,
    v1::ListRoleAssignmentsResponse* response) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return Finish(context, caller.status());
  ListRolesQuery query;
  if (!request->person().empty()) {
    absl::StatusOr<int64_t> person = ParsePersonName(request->person(), "person");
    if (!person.ok()) return Finish(context, person.status());
    query.person_id = *person;
  }
  if (!request->place().empty()) {
    absl::StatusOr<Place> place = ParsePlaceName(request->place(), "place");
    if (!place.ok()) return Finish(context, place.status());
    query.place = *place;
  }
  for (int role : request->roles()) {
    if (!IsValidRole(static_cast<Role>(role))) {
      return Finish(context, absl::InvalidArgumentError(
                                 absl::StrCat("roles: ", role, " is not a known role")));
    }
    query.roles.push_back(static_cast<Role>(role));
  }
  query.include_descendants = request->include_descendants();
  query.current_only = request->current_only();
  query.page_size = request->page_size();
  query.page_token = request->page_token();
  query.read_revision = request->read_revision();
  return FinishWith(context, core_->ListRoleAssignments(query),
                    [&](const Page<RoleAssignment>& page) {
                      const View view = ViewFor(*caller);
                      for (const RoleAssignment& r : page.items) {
                        RoleAssignmentToProto(r, view, response->add_role_assignments());
                      }
                      response->set_next_page_token(page.next_page_token);
                      response->set_revision(page.revision);
                    });
}

// --- Events.

grpc::ServerUnaryReactor* RosterGrpcService::ListEvents(grpc::CallbackServerContext* context,
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

grpc::ServerWriteReactor<v1::WatchEventsResponse>* RosterGrpcService::WatchEvents(
    grpc::CallbackServerContext* context, const v1::WatchEventsRequest* request) {
  absl::StatusOr<Caller> caller = callers_.Admit(*context, CallAccess::kRead);
  if (!caller.ok()) return new ::grassroots::FailedWriter<v1::WatchEventsResponse>(caller.status());
  return StartEventWatch<Event, RosterCore, v1::WatchEventsResponse>(
      core_, *request,
      [view = ViewFor(*caller)](const Event& event, v1::WatchEventsResponse* response) {
        EventToProto(event, view, response->add_events());
      });
}

}  // namespace grassroots::roster
