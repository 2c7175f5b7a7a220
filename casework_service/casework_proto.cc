#include "casework_service/casework_proto.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "common/personal_data.h"
#include "common/proto_convert.h"
#include "common/resource_name.h"
#include "common/status_macros.h"

namespace grassroots::casework {
namespace {

// The domain enums are numbered as the proto's.
static_assert(static_cast<int>(HandlingLevel::kDistrict) == v1::DISTRICT);
static_assert(static_cast<int>(Category::kOther) == v1::OTHER);
static_assert(static_cast<int>(Channel::kRepresentativeWorkroom) == v1::REPRESENTATIVE_WORKROOM);
static_assert(static_cast<int>(Satisfaction::kDissatisfied) == v1::DISSATISFIED);
static_assert(static_cast<int>(IssueState::kReopened) == v1::Issue::REOPENED);
static_assert(static_cast<int>(IssueState::kEscalated) == v1::Issue::ESCALATED);
static_assert(static_cast<int>(DispatchState::kReported) == v1::Dispatch::REPORTED);

std::string UnitOrEmpty(int64_t id) { return id == 0 ? "" : FormatResourceName("units", id); }
std::string NameOrEmpty(absl::string_view collection, int64_t id) {
  return id == 0 ? "" : FormatResourceName(collection, id);
}
// Sets a time field only for a time that is set (not the epoch): asking
// for the mutable field alone would make it present.
template <typename Mutable>
void OptionalTimeToProto(absl::Time time, Mutable mutable_field) {
  if (time != absl::UnixEpoch()) TimeToProto(time, mutable_field());
}
std::string Text(absl::string_view text, const View& view) {
  return view.unmask_personal_data ? std::string(text) : RedactPersonalData(text);
}

struct SnapshotWriter {
  const View& view;
  v1::ResourceSnapshot* proto;
  void operator()(const Issue& issue) const { IssueToProto(issue, view, proto->mutable_issue()); }
  void operator()(const Dispatch& dispatch) const {
    DispatchToProto(dispatch, view, proto->mutable_dispatch());
  }
};

}  // namespace

std::string MaskContact(absl::string_view contact) {
  if (contact.empty()) return "";
  if (ValidateMobilePhone(contact, "contact").ok()) return MaskMobilePhone(contact);
  return "***";
}

void IssueToProto(const Issue& issue, const View& view, v1::Issue* proto) {
  proto->Clear();
  proto->set_name(IssueName(issue.id));
  proto->set_place(UnitOrEmpty(issue.place_id));
  proto->set_category(static_cast<v1::Category>(issue.category));
  proto->set_channel(static_cast<v1::Channel>(issue.channel));
  proto->set_title(Text(issue.title, view));
  proto->set_description(Text(issue.description, view));
  proto->set_reporter(NameOrEmpty("people", issue.reporter_id));
  proto->set_reporter_contact(view.unmask_personal_data ? issue.reporter_contact
                                                        : MaskContact(issue.reporter_contact));
  proto->set_handling_level(static_cast<v1::HandlingLevel>(issue.handling_level));
  proto->set_handling_unit(UnitOrEmpty(issue.handling_unit_id()));
  proto->set_handling_party_org(NameOrEmpty("partyOrgs", issue.handling_party_org_id));
  proto->set_assignee(NameOrEmpty("people", issue.assignee_id));
  OptionalTimeToProto(issue.due_time, [proto] { return proto->mutable_due_time(); });
  proto->set_state(static_cast<v1::Issue::State>(issue.state));
  proto->set_state_reason(Text(issue.state_reason, view));
  proto->set_satisfaction(static_cast<v1::Satisfaction>(issue.satisfaction));
  proto->set_resolution(Text(issue.resolution, view));
  proto->set_escalations(issue.escalations);
  proto->set_compound(UnitOrEmpty(issue.chain.compound_id));
  proto->set_community(UnitOrEmpty(issue.chain.community_id));
  proto->set_street(UnitOrEmpty(issue.chain.street_id));
  proto->set_district(UnitOrEmpty(issue.chain.district_id));
  OptionalTimeToProto(issue.resolve_time, [proto] { return proto->mutable_resolve_time(); });
  OptionalTimeToProto(issue.close_time, [proto] { return proto->mutable_close_time(); });
  proto->set_overdue(issue.IsOverdue(view.now));
  proto->set_external_key(issue.external_key);
  ResourceTimesToProto(issue, proto);
}

void DispatchToProto(const Dispatch& dispatch, const View& view, v1::Dispatch* proto) {
  proto->Clear();
  proto->set_name(DispatchName(dispatch.issue_id, dispatch.id));
  proto->set_department_org(NameOrEmpty("externalOrgs", dispatch.department_org_id));
  proto->set_department_name(dispatch.department_name);
  proto->set_summoning_unit(UnitOrEmpty(dispatch.summoning_unit_id));
  OptionalTimeToProto(dispatch.due_time, [proto] { return proto->mutable_due_time(); });
  proto->set_state(static_cast<v1::Dispatch::State>(dispatch.state));
  proto->set_request(Text(dispatch.request, view));
  proto->set_report(Text(dispatch.report, view));
  OptionalTimeToProto(dispatch.acknowledge_time,
                      [proto] { return proto->mutable_acknowledge_time(); });
  OptionalTimeToProto(dispatch.report_time, [proto] { return proto->mutable_report_time(); });
  proto->set_place(UnitOrEmpty(dispatch.place_id));
  ResourceTimesToProto(dispatch, proto);
}

void EventToProto(const Event& event, const View& view, v1::Event* proto) {
  proto->Clear();
  proto->set_revision(event.revision);
  proto->set_index(event.index);
  TimeToProto(event.time, proto->mutable_time());
  proto->set_actor(event.actor);
  proto->set_method(event.method);
  proto->set_resource(SnapshotName(event.after));
  if (event.before) std::visit(SnapshotWriter{view, proto->mutable_before()}, *event.before);
  std::visit(SnapshotWriter{view, proto->mutable_after()}, event.after);
}

absl::StatusOr<Issue> IssueFromProto(const v1::Issue& proto, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Issue issue;
  if (proto.place().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field("place"), ": is required"));
  }
  ASSIGN_OR_RETURN(issue.place_id, ParseResourceName(proto.place(), "units", field("place")));
  ASSIGN_OR_RETURN(issue.category, EnumFromProto<Category>(proto.category(), v1::Category_IsValid,
                                                           field("category")));
  ASSIGN_OR_RETURN(issue.channel,
                   EnumFromProto<Channel>(proto.channel(), v1::Channel_IsValid, field("channel")));
  issue.title = proto.title();
  issue.description = proto.description();
  ASSIGN_OR_RETURN(issue.reporter_id,
                   ParseOptionalResourceName(proto.reporter(), "people", field("reporter")));
  issue.reporter_contact = proto.reporter_contact();
  ASSIGN_OR_RETURN(issue.handling_party_org_id,
                   ParseOptionalResourceName(proto.handling_party_org(), "partyOrgs",
                                             field("handling_party_org")));
  ASSIGN_OR_RETURN(issue.assignee_id,
                   ParseOptionalResourceName(proto.assignee(), "people", field("assignee")));
  return issue;
}

namespace {

absl::Time OptionalTimeFromProto(bool has, const google::protobuf::Timestamp& proto) {
  return has ? TimeFromProto(proto) : absl::UnixEpoch();
}

}  // namespace

absl::StatusOr<Issue> ImportedIssueFromProto(const v1::ImportedIssue& proto,
                                             absl::string_view field_prefix) {
  const std::string prefix = absl::StrCat(field_prefix, "issue.");
  const auto field = [&](absl::string_view name) { return absl::StrCat(prefix, name); };
  const v1::Issue& p = proto.issue();
  ASSIGN_OR_RETURN(Issue issue, IssueFromProto(p, prefix));
  issue.external_key = proto.external_key();
  ASSIGN_OR_RETURN(issue.state,
                   EnumFromProto<IssueState>(p.state(), v1::Issue::State_IsValid, field("state")));
  ASSIGN_OR_RETURN(issue.handling_level,
                   EnumFromProto<HandlingLevel>(p.handling_level(), v1::HandlingLevel_IsValid,
                                                field("handling_level")));
  ASSIGN_OR_RETURN(issue.satisfaction,
                   EnumFromProto<Satisfaction>(p.satisfaction(), v1::Satisfaction_IsValid,
                                               field("satisfaction")));
  issue.state_reason = p.state_reason();
  issue.resolution = p.resolution();
  issue.escalations = p.escalations();
  issue.create_time = OptionalTimeFromProto(p.has_create_time(), p.create_time());
  issue.resolve_time = OptionalTimeFromProto(p.has_resolve_time(), p.resolve_time());
  issue.close_time = OptionalTimeFromProto(p.has_close_time(), p.close_time());
  issue.due_time = OptionalTimeFromProto(p.has_due_time(), p.due_time());
  return issue;
}

absl::StatusOr<Dispatch> ImportedDispatchFromProto(const v1::Dispatch& proto,
                                                   absl::string_view field_prefix) {
  ASSIGN_OR_RETURN(Dispatch dispatch, DispatchFromProto(proto, field_prefix));
  ASSIGN_OR_RETURN(dispatch.state,
                   EnumFromProto<DispatchState>(proto.state(), v1::Dispatch::State_IsValid,
                                                absl::StrCat(field_prefix, "state")));
  dispatch.report = proto.report();
  dispatch.create_time = OptionalTimeFromProto(proto.has_create_time(), proto.create_time());
  dispatch.acknowledge_time =
      OptionalTimeFromProto(proto.has_acknowledge_time(), proto.acknowledge_time());
  dispatch.report_time = OptionalTimeFromProto(proto.has_report_time(), proto.report_time());
  return dispatch;
}

absl::StatusOr<Dispatch> DispatchFromProto(const v1::Dispatch& proto,
                                           absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Dispatch dispatch;
  ASSIGN_OR_RETURN(
      dispatch.department_org_id,
      ParseOptionalResourceName(proto.department_org(), "externalOrgs", field("department_org")));
  dispatch.department_name = proto.department_name();
  if (proto.has_due_time()) dispatch.due_time = TimeFromProto(proto.due_time());
  dispatch.request = proto.request();
  return dispatch;
}

}  // namespace grassroots::casework
