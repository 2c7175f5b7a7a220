#include "org_service/org_proto.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "absl/strings/str_cat.h"
#include "common/personal_data.h"
#include "common/proto_convert.h"
#include "common/status_macros.h"

namespace grassroots::org {
namespace {

// The domain enums are converted with a cast, which is right only while
// their values equal the proto's. These fail the build if either side is
// renumbered.
static_assert(static_cast<int>(Level::kDistrict) == v1::DISTRICT &&
              static_cast<int>(Level::kStreet) == v1::STREET &&
              static_cast<int>(Level::kCommunity) == v1::COMMUNITY &&
              static_cast<int>(Level::kCompound) == v1::COMPOUND &&
              static_cast<int>(Level::kBuilding) == v1::BUILDING && v1::Level_MAX == v1::BUILDING);
static_assert(static_cast<int>(CompoundKind::kCommodity) == v1::CompoundDetails::COMMODITY &&
              static_cast<int>(CompoundKind::kOld) == v1::CompoundDetails::OLD &&
              static_cast<int>(CompoundKind::kResettlement) == v1::CompoundDetails::RESETTLEMENT &&
              static_cast<int>(CompoundKind::kUrbanVillage) == v1::CompoundDetails::URBAN_VILLAGE &&
              static_cast<int>(CompoundKind::kRuralConcentrated) ==
                  v1::CompoundDetails::RURAL_CONCENTRATED &&
              v1::CompoundDetails::Kind_MAX == v1::CompoundDetails::RURAL_CONCENTRATED);
static_assert(static_cast<int>(RenovationStatus::kNotNeeded) == v1::CompoundDetails::NOT_NEEDED &&
              static_cast<int>(RenovationStatus::kPlanned) == v1::CompoundDetails::PLANNED &&
              static_cast<int>(RenovationStatus::kInProgress) == v1::CompoundDetails::IN_PROGRESS &&
              static_cast<int>(RenovationStatus::kCompleted) == v1::CompoundDetails::COMPLETED &&
              v1::CompoundDetails::RenovationStatus_MAX == v1::CompoundDetails::COMPLETED);
static_assert(static_cast<int>(OrgForm::kWorkingCommittee) == v1::PartyOrg::WORKING_COMMITTEE &&
              static_cast<int>(OrgForm::kPartyCommittee) == v1::PartyOrg::PARTY_COMMITTEE &&
              static_cast<int>(OrgForm::kGeneralBranch) == v1::PartyOrg::GENERAL_BRANCH &&
              static_cast<int>(OrgForm::kBranch) == v1::PartyOrg::BRANCH &&
              static_cast<int>(OrgForm::kJointBranch) == v1::PartyOrg::JOINT_BRANCH &&
              static_cast<int>(OrgForm::kFunctionalBranch) == v1::PartyOrg::FUNCTIONAL_BRANCH &&
              static_cast<int>(OrgForm::kPartyGroup) == v1::PartyOrg::PARTY_GROUP &&
              v1::PartyOrg::Form_MAX == v1::PartyOrg::PARTY_GROUP);
static_assert(static_cast<int>(PropertyMode::kNone) == v1::PropertyService::NONE &&
              static_cast<int>(PropertyMode::kSelfManaged) == v1::PropertyService::SELF_MANAGED &&
              v1::PropertyService::Mode_MAX == v1::PropertyService::NONE);
static_assert(static_cast<int>(OwnersBodyKind::kPropertyManagementCommittee) ==
                  v1::OwnersBody::PROPERTY_MANAGEMENT_COMMITTEE &&
              v1::OwnersBody::Kind_MAX == v1::OwnersBody::PROPERTY_MANAGEMENT_COMMITTEE);
static_assert(static_cast<int>(ExternalOrgKind::kPropertyCompany) ==
                  v1::ExternalOrg::PROPERTY_COMPANY &&
              static_cast<int>(ExternalOrgKind::kOther) == v1::ExternalOrg::OTHER &&
              v1::ExternalOrg::Kind_MAX == v1::ExternalOrg::OTHER);
static_assert(static_cast<int>(AllianceKind::kNeighbourhood) == v1::Alliance::NEIGHBOURHOOD &&
              v1::Alliance::Kind_MAX == v1::Alliance::NEIGHBOURHOOD &&
              static_cast<int>(AllianceState::kDissolved) == v1::Alliance::DISSOLVED &&
              v1::Alliance::State_MAX == v1::Alliance::DISSOLVED);
static_assert(static_cast<int>(AllianceMemberRole::kPropertyCompany) ==
                  v1::Alliance::Member::PROPERTY_COMPANY &&
              static_cast<int>(AllianceMemberRole::kOther) == v1::Alliance::Member::OTHER &&
              v1::Alliance::Member::Role_MAX == v1::Alliance::Member::OTHER);
static_assert(static_cast<int>(ItemKind::kResponsibility) == v1::AllianceItem::RESPONSIBILITY &&
              v1::AllianceItem::Kind_MAX == v1::AllianceItem::RESPONSIBILITY &&
              static_cast<int>(ItemState::kDone) == v1::AllianceItem::DONE &&
              v1::AllianceItem::State_MAX == v1::AllianceItem::DONE);
static_assert(static_cast<int>(Rating::kAdvanced) == v1::PartyOrg::ADVANCED &&
              static_cast<int>(Rating::kOrdinary) == v1::PartyOrg::ORDINARY &&
              static_cast<int>(Rating::kLagging) == v1::PartyOrg::LAGGING &&
              v1::PartyOrg::Rating_MAX == v1::PartyOrg::LAGGING);

// An empty name means "none" (id 0) where the field is optional.
absl::StatusOr<int64_t> ParseOptionalName(absl::string_view name,
                                          absl::StatusOr<int64_t> (*parse)(absl::string_view,
                                                                           absl::string_view),
                                          absl::string_view field) {
  if (name.empty()) return 0;
  return parse(name, field);
}

void CompoundToProto(const CompoundDetails& details, v1::CompoundDetails* proto) {
  proto->set_kind(static_cast<v1::CompoundDetails::Kind>(details.kind));
  proto->set_has_property_company(details.has_property_company);
  proto->set_red_property(details.red_property);
  proto->set_has_owners_committee(details.has_owners_committee);
  proto->set_red_owners_committee(details.red_owners_committee);
  proto->set_households(details.households);
  proto->set_renovation_status(
      static_cast<v1::CompoundDetails::RenovationStatus>(details.renovation_status));
  if (details.property_mode != PropertyMode::kUnspecified) {
    v1::PropertyService* service = proto->mutable_property_service();
    service->set_mode(static_cast<v1::PropertyService::Mode>(details.property_mode));
    if (details.property_company_id != 0) {
      service->set_company(ExternalOrgName(details.property_company_id));
    }
    if (details.contract_start) {
      DateToProto(*details.contract_start, service->mutable_contract_start_date());
    }
    if (details.contract_end)
      DateToProto(*details.contract_end, service->mutable_contract_end_date());
  }
  if (details.owners_body != OwnersBodyKind::kNone) {
    v1::OwnersBody* body = proto->mutable_owners_body();
    body->set_kind(static_cast<v1::OwnersBody::Kind>(details.owners_body));
    if (details.owners_body_term_start) {
      DateToProto(*details.owners_body_term_start, body->mutable_term_start_date());
    }
    if (details.owners_body_term_end) {
      DateToProto(*details.owners_body_term_end, body->mutable_term_end_date());
    }
  }
}

void BuildingToProto(const BuildingDetails& details, v1::BuildingDetails* proto) {
  proto->set_households(details.households);
  proto->set_floors(details.floors);
  proto->set_address(details.address);
}

absl::StatusOr<CompoundDetails> CompoundFromProto(const v1::CompoundDetails& proto,
                                                  absl::string_view field) {
  CompoundDetails details;
  ASSIGN_OR_RETURN(details.kind,
                   EnumFromProto<CompoundKind>(proto.kind(), v1::CompoundDetails_Kind_IsValid,
                                               absl::StrCat(field, ".kind")));
  ASSIGN_OR_RETURN(details.renovation_status,
                   EnumFromProto<RenovationStatus>(proto.renovation_status(),
                                                   v1::CompoundDetails_RenovationStatus_IsValid,
                                                   absl::StrCat(field, ".renovation_status")));
  details.has_property_company = proto.has_property_company();
  details.red_property = proto.red_property();
  details.has_owners_committee = proto.has_owners_committee();
  details.red_owners_committee = proto.red_owners_committee();
  details.households = proto.households();
  const std::string service = absl::StrCat(field, ".property_service.");
  ASSIGN_OR_RETURN(
      details.property_mode,
      EnumFromProto<PropertyMode>(proto.property_service().mode(), v1::PropertyService_Mode_IsValid,
                                  absl::StrCat(service, "mode")));
  ASSIGN_OR_RETURN(details.property_company_id,
                   ParseOptionalName(proto.property_service().company(), ParseExternalOrgName,
                                     absl::StrCat(service, "company")));
  ASSIGN_OR_RETURN(details.contract_start,
                   DateFromProto(proto.property_service().contract_start_date(),
                                 absl::StrCat(service, "contract_start_date")));
  ASSIGN_OR_RETURN(details.contract_end, DateFromProto(proto.property_service().contract_end_date(),
                                                       absl::StrCat(service, "contract_end_date")));
  const std::string body = absl::StrCat(field, ".owners_body.");
  ASSIGN_OR_RETURN(details.owners_body, EnumFromProto<OwnersBodyKind>(proto.owners_body().kind(),
                                                                      v1::OwnersBody_Kind_IsValid,
                                                                      absl::StrCat(body, "kind")));
  ASSIGN_OR_RETURN(
      details.owners_body_term_start,
      DateFromProto(proto.owners_body().term_start_date(), absl::StrCat(body, "term_start_date")));
  ASSIGN_OR_RETURN(
      details.owners_body_term_end,
      DateFromProto(proto.owners_body().term_end_date(), absl::StrCat(body, "term_end_date")));
  return details;
}

BuildingDetails BuildingFromProto(const v1::BuildingDetails& proto) {
  BuildingDetails details;
  details.households = proto.households();
  details.floors = proto.floors();
  details.address = proto.address();
  return details;
}

absl::StatusOr<UnitDetails> DetailsFromProto(const v1::Unit& proto,
                                             absl::string_view field_prefix) {
  switch (proto.details_case()) {
    case v1::Unit::kCompound: {
      ASSIGN_OR_RETURN(CompoundDetails compound,
                       CompoundFromProto(proto.compound(), absl::StrCat(field_prefix, "compound")));
      return UnitDetails(std::move(compound));
    }
    case v1::Unit::kBuilding:
      return UnitDetails(BuildingFromProto(proto.building()));
    case v1::Unit::DETAILS_NOT_SET:
      break;
  }
  return UnitDetails();
}

void SnapshotToProto(const Snapshot& snapshot, bool personal_data, v1::ResourceSnapshot* proto) {
  if (const auto* unit = std::get_if<Unit>(&snapshot)) {
    UnitToProto(*unit, proto->mutable_unit());
  } else if (const auto* external = std::get_if<ExternalOrg>(&snapshot)) {
    ExternalOrgToProto(*external, proto->mutable_external_org());
  } else if (const auto* alliance = std::get_if<Alliance>(&snapshot)) {
    AllianceToProto(*alliance, proto->mutable_alliance());
  } else if (const auto* item = std::get_if<AllianceItem>(&snapshot)) {
    AllianceItemToProto(*item, personal_data, proto->mutable_alliance_item());
  } else {
    PartyOrgToProto(std::get<PartyOrg>(snapshot), proto->mutable_party_org());
  }
}

}  // namespace

void UnitToProto(const Unit& unit, v1::Unit* proto) {
  proto->Clear();
  proto->set_name(UnitName(unit.id));
  if (unit.parent_id != 0) proto->set_parent(UnitName(unit.parent_id));
  proto->set_level(static_cast<v1::Level>(unit.level));
  proto->set_display_name(unit.display_name);
  proto->set_code(unit.code);
  if (const auto* compound = std::get_if<CompoundDetails>(&unit.details)) {
    CompoundToProto(*compound, proto->mutable_compound());
  } else if (const auto* building = std::get_if<BuildingDetails>(&unit.details)) {
    BuildingToProto(*building, proto->mutable_building());
  }
  SoftDeletableToProto(unit, proto);
}

void PartyOrgToProto(const PartyOrg& org, v1::PartyOrg* proto) {
  proto->Clear();
  proto->set_name(PartyOrgName(org.id));
  if (org.parent_id != 0) proto->set_parent(PartyOrgName(org.parent_id));
  proto->set_form(static_cast<v1::PartyOrg::Form>(org.form));
  proto->set_display_name(org.display_name);
  for (int64_t unit_id : org.unit_ids) proto->add_units(UnitName(unit_id));
  if (org.established_date) DateToProto(*org.established_date, proto->mutable_established_date());
  proto->set_rating(static_cast<v1::PartyOrg::Rating>(org.rating));
  if (org.term.start) {
    v1::Term* term = proto->mutable_term();
    DateToProto(*org.term.start, term->mutable_start_date());
    term->set_years(org.term.years > 0 ? org.term.years : DefaultTermYears(org.form));
    if (org.term.postponed_until) {
      DateToProto(*org.term.postponed_until, term->mutable_postponed_until());
    }
    DateToProto(*TermEnd(org.term, org.form), term->mutable_end_date());
  }
  for (const RatingRecord& r : org.ratings) {
    v1::RatingRecord* record = proto->add_ratings();
    record->set_year(r.year);
    record->set_rating(static_cast<v1::PartyOrg::Rating>(r.rating));
    record->set_stars(r.stars);
    record->set_rectification(r.rectification);
  }
  SoftDeletableToProto(org, proto);
}

void ExternalOrgToProto(const ExternalOrg& org, v1::ExternalOrg* proto) {
  proto->Clear();
  proto->set_name(ExternalOrgName(org.id));
  proto->set_district(UnitName(org.district_id));
  proto->set_kind(static_cast<v1::ExternalOrg::Kind>(org.kind));
  proto->set_display_name(org.display_name);
  proto->set_credit_code(org.credit_code);
  proto->set_address(org.address);
  SoftDeletableToProto(org, proto);
}

absl::StatusOr<ExternalOrg> ExternalOrgFromProto(const v1::ExternalOrg& proto,
                                                 absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  ExternalOrg org;
  ASSIGN_OR_RETURN(org.district_id,
                   ParseOptionalName(proto.district(), ParseUnitName, field("district")));
  ASSIGN_OR_RETURN(org.kind, EnumFromProto<ExternalOrgKind>(
                                 proto.kind(), v1::ExternalOrg_Kind_IsValid, field("kind")));
  org.display_name = proto.display_name();
  org.credit_code = proto.credit_code();
  org.address = proto.address();
  return org;
}

std::vector<std::string> ImpliedExternalOrgUpdatePaths(const v1::ExternalOrg& proto) {
  std::vector<std::string> paths;
  if (!proto.display_name().empty()) paths.push_back("display_name");
  if (proto.kind() != v1::ExternalOrg::KIND_UNSPECIFIED) paths.push_back("kind");
  if (!proto.credit_code().empty()) paths.push_back("credit_code");
  if (!proto.address().empty()) paths.push_back("address");
  return paths;
}

void AllianceToProto(const Alliance& alliance, v1::Alliance* proto) {
  proto->Clear();
  proto->set_name(AllianceName(alliance.id));
  proto->set_kind(static_cast<v1::Alliance::Kind>(alliance.kind));
  proto->set_unit(UnitName(alliance.unit_id));
  proto->set_leading_party_org(PartyOrgName(alliance.leading_party_org_id));
  proto->set_display_name(alliance.display_name);
  for (const AllianceMember& m : alliance.members) {
    v1::Alliance::Member* member = proto->add_members();
    member->set_role(static_cast<v1::Alliance::Member::Role>(m.role));
    if (m.external_org_id != 0) member->set_external_org(ExternalOrgName(m.external_org_id));
    member->set_display_name(m.display_name);
  }
  if (alliance.established_date) {
    DateToProto(*alliance.established_date, proto->mutable_established_date());
  }
  proto->set_state(static_cast<v1::Alliance::State>(alliance.state));
  if (alliance.dissolved_date) {
    DateToProto(*alliance.dissolved_date, proto->mutable_dissolved_date());
  }
  proto->set_deleted(alliance.deleted);
  if (alliance.deleted) TimeToProto(alliance.delete_time, proto->mutable_delete_time());
  ResourceTimesToProto(alliance, proto);
}

void AllianceItemToProto(const AllianceItem& item, bool personal_data, v1::AllianceItem* proto) {
  proto->Clear();
  proto->set_name(AllianceItemName(item.alliance_id, item.id));
  proto->set_kind(static_cast<v1::AllianceItem::Kind>(item.kind));
  proto->set_title(item.title);
  proto->set_description(personal_data ? item.description : RedactPersonalData(item.description));
  proto->set_state(static_cast<v1::AllianceItem::State>(item.state));
  if (item.claimed_by_external_org_id != 0) {
    proto->set_claimed_by(ExternalOrgName(item.claimed_by_external_org_id));
  } else if (item.claimed_by_party_org_id != 0) {
    proto->set_claimed_by(PartyOrgName(item.claimed_by_party_org_id));
  }
  proto->set_result(personal_data ? item.result : RedactPersonalData(item.result));
  if (item.state != ItemState::kOpen) TimeToProto(item.claim_time, proto->mutable_claim_time());
  if (item.state == ItemState::kDone) TimeToProto(item.done_time, proto->mutable_done_time());
  ResourceTimesToProto(item, proto);
  proto->set_unit(UnitName(item.unit_id));
}

absl::StatusOr<Alliance> AllianceFromProto(const v1::Alliance& proto,
                                           absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Alliance alliance;
  ASSIGN_OR_RETURN(alliance.kind, EnumFromProto<AllianceKind>(
                                      proto.kind(), v1::Alliance_Kind_IsValid, field("kind")));
  ASSIGN_OR_RETURN(alliance.unit_id, ParseOptionalName(proto.unit(), ParseUnitName, field("unit")));
  ASSIGN_OR_RETURN(
      alliance.leading_party_org_id,
      ParseOptionalName(proto.leading_party_org(), ParsePartyOrgName, field("leading_party_org")));
  alliance.display_name = proto.display_name();
  for (int i = 0; i < proto.members_size(); ++i) {
    const v1::Alliance::Member& m = proto.members(i);
    const std::string prefix = field(absl::StrCat("members[", i, "]."));
    AllianceMember member;
    ASSIGN_OR_RETURN(member.role,
                     EnumFromProto<AllianceMemberRole>(m.role(), v1::Alliance_Member_Role_IsValid,
                                                       absl::StrCat(prefix, "role")));
    ASSIGN_OR_RETURN(member.external_org_id,
                     ParseOptionalName(m.external_org(), ParseExternalOrgName,
                                       absl::StrCat(prefix, "external_org")));
    member.display_name = m.display_name();
    alliance.members.push_back(std::move(member));
  }
  ASSIGN_OR_RETURN(alliance.established_date,
                   DateFromProto(proto.established_date(), field("established_date")));
  return alliance;
}

absl::StatusOr<AllianceItem> AllianceItemFromProto(const v1::AllianceItem& proto,
                                                   absl::string_view field_prefix) {
  AllianceItem item;
  ASSIGN_OR_RETURN(item.kind, EnumFromProto<ItemKind>(proto.kind(), v1::AllianceItem_Kind_IsValid,
                                                      absl::StrCat(field_prefix, "kind")));
  item.title = proto.title();
  item.description = proto.description();
  return item;
}

std::vector<std::string> ImpliedAllianceUpdatePaths(const v1::Alliance& proto) {
  std::vector<std::string> paths;
  if (!proto.display_name().empty()) paths.push_back("display_name");
  if (!proto.leading_party_org().empty()) paths.push_back("leading_party_org");
  if (proto.members_size() > 0) paths.push_back("members");
  const grassroots::type::Date& date = proto.established_date();
  if (date.year() != 0 || date.month() != 0 || date.day() != 0) {
    paths.push_back("established_date");
  }
  return paths;
}

void EventToProto(const Event& event, bool personal_data, v1::Event* proto) {
  proto->Clear();
  proto->set_revision(event.revision);
  proto->set_index(event.index);
  TimeToProto(event.time, proto->mutable_time());
  proto->set_actor(event.actor);
  proto->set_method(event.method);
  proto->set_resource(SnapshotName(event.after));
  if (event.before) SnapshotToProto(*event.before, personal_data, proto->mutable_before());
  SnapshotToProto(event.after, personal_data, proto->mutable_after());
}

absl::StatusOr<Unit> UnitFromProto(const v1::Unit& proto, absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  Unit unit;
  ASSIGN_OR_RETURN(unit.parent_id,
                   ParseOptionalName(proto.parent(), ParseUnitName, field("parent")));
  ASSIGN_OR_RETURN(unit.level,
                   EnumFromProto<Level>(proto.level(), v1::Level_IsValid, field("level")));
  unit.display_name = proto.display_name();
  unit.code = proto.code();
  ASSIGN_OR_RETURN(unit.details, DetailsFromProto(proto, field_prefix));
  return unit;
}

absl::StatusOr<PartyOrg> PartyOrgFromProto(const v1::PartyOrg& proto,
                                           absl::string_view field_prefix) {
  const auto field = [&](absl::string_view name) { return absl::StrCat(field_prefix, name); };
  PartyOrg org;
  ASSIGN_OR_RETURN(org.parent_id,
                   ParseOptionalName(proto.parent(), ParsePartyOrgName, field("parent")));
  ASSIGN_OR_RETURN(org.form,
                   EnumFromProto<OrgForm>(proto.form(), v1::PartyOrg_Form_IsValid, field("form")));
  org.display_name = proto.display_name();
  org.unit_ids.reserve(proto.units_size());
  for (int i = 0; i < proto.units_size(); ++i) {
    ASSIGN_OR_RETURN(const int64_t unit_id,
                     ParseUnitName(proto.units(i), field(absl::StrCat("units[", i, "]"))));
    org.unit_ids.push_back(unit_id);
  }
  // Sorted so that the order a client lists units in is not a change; any
  // duplicates are kept for ValidatePartyOrgFields to refuse.
  std::sort(org.unit_ids.begin(), org.unit_ids.end());
  if (proto.has_established_date()) {
    ASSIGN_OR_RETURN(org.established_date,
                     DateFromProto(proto.established_date(), field("established_date")));
  }
  ASSIGN_OR_RETURN(org.rating, EnumFromProto<Rating>(proto.rating(), v1::PartyOrg_Rating_IsValid,
                                                     field("rating")));
  ASSIGN_OR_RETURN(org.term.start,
                   DateFromProto(proto.term().start_date(), field("term.start_date")));
  org.term.years = proto.term().years();
  ASSIGN_OR_RETURN(org.term.postponed_until,
                   DateFromProto(proto.term().postponed_until(), field("term.postponed_until")));
  for (int i = 0; i < proto.ratings_size(); ++i) {
    const v1::RatingRecord& r = proto.ratings(i);
    RatingRecord record;
    record.year = r.year();
    ASSIGN_OR_RETURN(record.rating,
                     EnumFromProto<Rating>(r.rating(), v1::PartyOrg_Rating_IsValid,
                                           field(absl::StrCat("ratings[", i, "].rating"))));
    record.stars = r.stars();
    record.rectification = r.rectification();
    org.ratings.push_back(record);
  }
  return org;
}

std::vector<std::string> ImpliedUnitUpdatePaths(const v1::Unit& proto) {
  std::vector<std::string> paths;
  if (!proto.display_name().empty()) paths.push_back("display_name");
  if (!proto.code().empty()) paths.push_back("code");
  if (proto.has_compound()) paths.push_back("compound");
  if (proto.has_building()) paths.push_back("building");
  return paths;
}

std::vector<std::string> ImpliedPartyOrgUpdatePaths(const v1::PartyOrg& proto) {
  std::vector<std::string> paths;
  if (!proto.parent().empty()) paths.push_back("parent");
  if (!proto.display_name().empty()) paths.push_back("display_name");
  if (proto.units_size() > 0) paths.push_back("units");
  // An all-zero date is the unset value, so it implies no change.
  const grassroots::type::Date& date = proto.established_date();
  if (date.year() != 0 || date.month() != 0 || date.day() != 0) {
    paths.push_back("established_date");
  }
  if (proto.rating() != v1::PartyOrg::RATING_UNSPECIFIED) paths.push_back("rating");
  if (proto.has_term()) paths.push_back("term");
  if (proto.ratings_size() > 0) paths.push_back("ratings");
  return paths;
}

}  // namespace grassroots::org
