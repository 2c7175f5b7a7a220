// The activity proto layer: every field both ways, the redaction of
// personal data for callers without the grant, and parse errors naming the
// field under the caller's prefix.

#include "activity_service/activity_proto.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::activity {
namespace {

using ::grassroots::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::StatusCode kBadArgument = absl::StatusCode::kInvalidArgument;
constexpr View kMasked{.unmask_personal_data = false};
constexpr View kClear{.unmask_personal_data = true};

constexpr char kPhone[] = "13800138000";
constexpr char kIdCard[] = "11010519800101111X";

Activity FullActivity() {
  Activity activity;
  activity.id = 7;
  activity.party_org_id = 3;
  activity.kind = ActivityKind::kVolunteerService;
  activity.theme = absl::StrCat("义务理发 联系", kPhone);
  activity.description = absl::StrCat("报名请联系 ", kPhone, "，身份证 ", kIdCard);
  activity.place_id = 40;
  activity.service_point_id = 6;
  activity.start_time = absl::FromUnixSeconds(1796000000);
  activity.end_time = absl::FromUnixSeconds(1796007200);
  activity.organiser_id = 21;
  activity.capacity = 30;
  activity.co_organisers = {"externalOrgs/3", "alliances/2"};
  activity.state = ActivityState::kCancelled;
  activity.state_reason = absl::StrCat("负责人 ", kPhone, " 生病");
  activity.approver_id = 2;
  activity.party_org_unit_ids = {40, 41, 45};
  activity.attendees = 12;
  activity.residents_served = 80;
  activity.service_minutes = 720;
  activity.credit_awarded = 24;
  activity.create_time = absl::FromUnixSeconds(1795000000);
  activity.update_time = absl::FromUnixSeconds(1795500000);
  activity.revision = 19;
  return activity;
}

TEST(ActivityProtoTest, EveryFieldOfAnActivity) {
  v1::Activity proto;
  ActivityToProto(FullActivity(), kClear, &proto);
  EXPECT_EQ(proto.name(), "activities/7");
  EXPECT_EQ(proto.party_org(), "partyOrgs/3");
  EXPECT_EQ(proto.kind(), v1::VOLUNTEER_SERVICE);
  EXPECT_EQ(proto.theme(), FullActivity().theme);
  EXPECT_EQ(proto.description(), FullActivity().description);
  EXPECT_EQ(proto.place(), "units/40");
  EXPECT_EQ(proto.service_point(), "servicePoints/6");
  EXPECT_EQ(proto.start_time().seconds(), 1796000000);
  EXPECT_EQ(proto.end_time().seconds(), 1796007200);
  EXPECT_EQ(proto.organiser(), "people/21");
  EXPECT_EQ(proto.capacity(), 30);
  EXPECT_THAT(proto.co_organisers(), ElementsAre("externalOrgs/3", "alliances/2"));
  EXPECT_EQ(proto.state(), v1::Activity::CANCELLED);
  EXPECT_EQ(proto.state_reason(), FullActivity().state_reason);
  EXPECT_EQ(proto.approver(), "partyOrgs/2");
  EXPECT_THAT(proto.party_org_units(), ElementsAre("units/40", "units/41", "units/45"));
  EXPECT_EQ(proto.attendees(), 12);
  EXPECT_EQ(proto.residents_served(), 80);
  EXPECT_EQ(proto.service_minutes(), 720);
  EXPECT_EQ(proto.credit_awarded(), 24);
  EXPECT_EQ(proto.create_time().seconds(), 1795000000);
  EXPECT_EQ(proto.update_time().seconds(), 1795500000);
  EXPECT_EQ(proto.revision(), 19);
  EXPECT_FALSE(proto.etag().empty());

  // What was never set stays empty: no organiser, approver or service point.
  Activity bare = FullActivity();
  bare.organiser_id = 0;
  bare.approver_id = 0;
  bare.service_point_id = 0;
  ActivityToProto(bare, kClear, &proto);
  EXPECT_EQ(proto.organiser(), "");
  EXPECT_EQ(proto.approver(), "");
  EXPECT_EQ(proto.service_point(), "");

  // An update of the same revision has the same etag; another revision not.
  v1::Activity again;
  ActivityToProto(FullActivity(), kMasked, &again);
  Activity later = FullActivity();
  later.revision = 20;
  v1::Activity newer;
  ActivityToProto(later, kClear, &newer);
  EXPECT_EQ(again.etag(), proto.etag());
  EXPECT_NE(newer.etag(), proto.etag());
}

TEST(ActivityProtoTest, FreeTextIsRedactedWithoutTheGrant) {
  v1::Activity masked;
  ActivityToProto(FullActivity(), kMasked, &masked);
  EXPECT_THAT(masked.description(), Not(HasSubstr(kPhone)));
  EXPECT_THAT(masked.description(), Not(HasSubstr(kIdCard)));
  EXPECT_THAT(masked.description(), HasSubstr("报名请联系"));
  EXPECT_THAT(masked.theme(), Not(HasSubstr(kPhone)));
  EXPECT_THAT(masked.state_reason(), Not(HasSubstr(kPhone)));
  // Names and numbers that are not personal data are left alone.
  EXPECT_EQ(masked.party_org(), "partyOrgs/3");
  EXPECT_EQ(masked.service_minutes(), 720);

  v1::Activity clear;
  ActivityToProto(FullActivity(), kClear, &clear);
  EXPECT_THAT(clear.description(), HasSubstr(kPhone));
  EXPECT_THAT(clear.description(), HasSubstr(kIdCard));

  Attendance line;
  line.activity_id = 7;
  line.id = 12;
  line.kind = AttendeeKind::kVolunteer;
  line.person_id = 21;
  line.key = kPhone;
  v1::Attendance attendance;
  AttendanceToProto(line, kMasked, &attendance);
  EXPECT_THAT(attendance.key(), Not(HasSubstr(kPhone)));
  AttendanceToProto(line, kClear, &attendance);
  EXPECT_EQ(attendance.key(), kPhone);

  CreditEntry redemption;
  redemption.person_id = 21;
  redemption.id = 3;
  redemption.amount = -5;
  redemption.reason = absl::StrCat("兑换米面油，电话", kPhone);
  v1::CreditEntry entry;
  CreditEntryToProto(redemption, kMasked, &entry);
  EXPECT_THAT(entry.reason(), Not(HasSubstr(kPhone)));
  EXPECT_THAT(entry.reason(), HasSubstr("兑换米面油"));
  CreditEntryToProto(redemption, kClear, &entry);
  EXPECT_THAT(entry.reason(), HasSubstr(kPhone));

  ServicePoint point;
  point.id = 6;
  point.unit_id = 40;
  point.display_name = "幸福里邻里服务点";
  point.address = absl::StrCat("幸福路12号（管理员", kPhone, "）");
  v1::ServicePoint service_point;
  ServicePointToProto(point, kMasked, &service_point);
  EXPECT_THAT(service_point.address(), Not(HasSubstr(kPhone)));
  EXPECT_EQ(service_point.display_name(), "幸福里邻里服务点");
}

TEST(ActivityProtoTest, AttendanceCreditEntryAndServicePoint) {
  Attendance line;
  line.activity_id = 7;
  line.id = 12;
  line.place_id = 40;
  line.kind = AttendeeKind::kInServiceMember;
  line.person_id = 21;
  line.minutes = 90;
  line.credit = 3;
  line.key = "sheet-1/row-4";
  line.create_time = absl::FromUnixSeconds(1796003600);
  line.revision = 22;
  v1::Attendance attendance;
  AttendanceToProto(line, kMasked, &attendance);
  EXPECT_EQ(attendance.name(), "activities/7/attendances/12");
  EXPECT_EQ(attendance.kind(), v1::IN_SERVICE_MEMBER);
  EXPECT_EQ(attendance.person(), "people/21");
  EXPECT_EQ(attendance.head_count(), 0);
  EXPECT_EQ(attendance.minutes(), 90);
  EXPECT_EQ(attendance.credit(), 3);
  EXPECT_EQ(attendance.key(), "sheet-1/row-4");
  EXPECT_EQ(attendance.create_time().seconds(), 1796003600);
  EXPECT_EQ(attendance.revision(), 22);
  EXPECT_EQ(attendance.place(), "units/40");
  Attendance residents = line;
  residents.kind = AttendeeKind::kResidents;
  residents.person_id = 0;
  residents.head_count = 80;
  residents.minutes = 0;
  AttendanceToProto(residents, kMasked, &attendance);
  EXPECT_EQ(attendance.person(), "");
  EXPECT_EQ(attendance.head_count(), 80);

  CreditEntry earned;
  earned.person_id = 21;
  earned.id = 9;
  earned.amount = 3;
  earned.activity_id = 7;
  earned.attendance_id = 12;
  earned.create_time = absl::FromUnixSeconds(1796003600);
  earned.revision = 22;
  v1::CreditEntry entry;
  CreditEntryToProto(earned, kMasked, &entry);
  EXPECT_EQ(entry.name(), "creditAccounts/21/entries/9");
  EXPECT_EQ(entry.amount(), 3);
  EXPECT_EQ(entry.attendance(), "activities/7/attendances/12");
  EXPECT_EQ(entry.reason(), "");
  EXPECT_EQ(entry.create_time().seconds(), 1796003600);
  EXPECT_EQ(entry.revision(), 22);
  CreditEntry redeemed = earned;
  redeemed.amount = -2;
  redeemed.activity_id = 0;
  redeemed.attendance_id = 0;
  redeemed.reason = "兑换";
  CreditEntryToProto(redeemed, kMasked, &entry);
  EXPECT_EQ(entry.attendance(), "");
  EXPECT_EQ(entry.amount(), -2);
  EXPECT_EQ(entry.reason(), "兑换");

  ServicePoint point;
  point.id = 6;
  point.unit_id = 40;
  point.display_name = "党群服务中心";
  point.kind = ServicePointKind::kPartyMassServiceCentre;
  point.address = "幸福路12号";
  point.create_time = absl::FromUnixSeconds(1790000000);
  point.update_time = absl::FromUnixSeconds(1791000000);
  point.revision = 4;
  v1::ServicePoint proto;
  ServicePointToProto(point, kMasked, &proto);
  EXPECT_EQ(proto.name(), "servicePoints/6");
  EXPECT_EQ(proto.unit(), "units/40");
  EXPECT_EQ(proto.display_name(), "党群服务中心");
  EXPECT_EQ(proto.kind(), v1::ServicePoint::PARTY_MASS_SERVICE_CENTRE);
  EXPECT_EQ(proto.address(), "幸福路12号");
  EXPECT_EQ(proto.state(), v1::ServicePoint::ACTIVE);
  EXPECT_FALSE(proto.has_delete_time());
  EXPECT_EQ(proto.update_time().seconds(), 1791000000);
  EXPECT_EQ(proto.revision(), 4);
  EXPECT_FALSE(proto.etag().empty());
  point.deleted = true;
  point.delete_time = absl::FromUnixSeconds(1792000000);
  ServicePointToProto(point, kMasked, &proto);
  EXPECT_EQ(proto.state(), v1::ServicePoint::DELETED);
  EXPECT_EQ(proto.delete_time().seconds(), 1792000000);
}

TEST(ActivityProtoTest, CreditAccountCarriesThePeriodsTotals) {
  CreditAccount account;
  const auto add = [&account](int64_t id, int64_t amount, int64_t unix_seconds) {
    CreditEntry entry;
    entry.person_id = 21;
    entry.id = id;
    entry.amount = amount;
    entry.create_time = absl::FromUnixSeconds(unix_seconds);
    entry.revision = 30 + id;
    account.Add(entry);
  };
  add(1, 5, 1796000000);   // 2026-11-30 in Beijing
  add(2, 4, 1796100000);   // 2026-12-01
  add(3, -3, 1796200000);  // 2026-12-02
  absl::StatusOr<CreditPeriod> december = ParseCreditPeriod("2026-12", "period");
  ASSERT_TRUE(december.ok()) << december.status();
  v1::CreditAccount proto;
  CreditAccountToProto(account, *december, &proto);
  EXPECT_EQ(proto.name(), "creditAccounts/21");
  EXPECT_EQ(proto.person(), "people/21");
  EXPECT_EQ(proto.balance(), 6);
  EXPECT_EQ(proto.earned_total(), 9);
  EXPECT_EQ(proto.redeemed_total(), 3);
  EXPECT_EQ(proto.period(), "2026-12");
  EXPECT_EQ(proto.period_earned(), 4);
  EXPECT_EQ(proto.period_redeemed(), 3);
  EXPECT_EQ(proto.revision(), 33);
  EXPECT_EQ(proto.update_time().seconds(), 1796200000);

  CreditAccount empty;
  empty.person_id = 22;
  CreditAccountToProto(empty, MonthPeriod(absl::CivilMonth(2026, 12)), &proto);
  EXPECT_EQ(proto.name(), "creditAccounts/22");
  EXPECT_EQ(proto.balance(), 0);
  EXPECT_EQ(proto.period(), "2026-12");
  EXPECT_FALSE(proto.has_update_time());
}

TEST(ActivityProtoTest, EventsCarryBothSnapshotsRedacted) {
  Event event;
  event.revision = 19;
  event.index = 1;
  event.time = absl::FromUnixSeconds(1795500000);
  event.actor = "users/4";
  event.method = "CancelActivity";
  Activity before = FullActivity();
  before.state = ActivityState::kApproved;
  before.revision = 18;
  event.before = before;
  event.after = FullActivity();
  v1::Event proto;
  EventToProto(event, kMasked, &proto);
  EXPECT_EQ(proto.revision(), 19);
  EXPECT_EQ(proto.index(), 1);
  EXPECT_EQ(proto.time().seconds(), 1795500000);
  EXPECT_EQ(proto.actor(), "users/4");
  EXPECT_EQ(proto.method(), "CancelActivity");
  EXPECT_EQ(proto.resource(), "activities/7");
  ASSERT_TRUE(proto.before().has_activity());
  EXPECT_EQ(proto.before().activity().state(), v1::Activity::APPROVED);
  ASSERT_TRUE(proto.after().has_activity());
  EXPECT_EQ(proto.after().activity().state(), v1::Activity::CANCELLED);
  EXPECT_THAT(proto.after().activity().description(), Not(HasSubstr(kPhone)));
  EXPECT_THAT(proto.before().activity().description(), Not(HasSubstr(kIdCard)));

  ServicePoint point;
  point.id = 6;
  point.unit_id = 40;
  Event created;
  created.after = point;
  EventToProto(created, kClear, &proto);
  EXPECT_EQ(proto.resource(), "servicePoints/6");
  EXPECT_FALSE(proto.has_before());
  EXPECT_TRUE(proto.after().has_service_point());
  Attendance line;
  line.activity_id = 7;
  line.id = 12;
  created.after = line;
  EventToProto(created, kClear, &proto);
  EXPECT_EQ(proto.resource(), "activities/7/attendances/12");
  EXPECT_TRUE(proto.after().has_attendance());
  CreditEntry entry;
  entry.person_id = 21;
  entry.id = 9;
  created.after = entry;
  EventToProto(created, kClear, &proto);
  EXPECT_EQ(proto.resource(), "creditAccounts/21/entries/9");
  EXPECT_TRUE(proto.after().has_credit_entry());
}

TEST(ActivityProtoTest, ActivityFromProtoReadsWhatACreateCarries) {
  v1::Activity proto;
  ActivityToProto(FullActivity(), kClear, &proto);
  absl::StatusOr<Activity> back = ActivityFromProto(proto, "activity.");
  ASSERT_TRUE(back.ok()) << back.status();
  const Activity full = FullActivity();
  EXPECT_EQ(back->party_org_id, 3);
  EXPECT_EQ(back->kind, ActivityKind::kVolunteerService);
  EXPECT_EQ(back->theme, full.theme);
  EXPECT_EQ(back->description, full.description);
  EXPECT_EQ(back->place_id, 40);
  EXPECT_EQ(back->service_point_id, 6);
  EXPECT_EQ(back->start_time, full.start_time);
  EXPECT_EQ(back->end_time, full.end_time);
  EXPECT_EQ(back->organiser_id, 21);
  EXPECT_EQ(back->capacity, 30);
  EXPECT_EQ(back->co_organisers, full.co_organisers);
  // Output-only fields are not read.
  EXPECT_EQ(back->id, 0);
  EXPECT_EQ(back->state, ActivityState::kUnspecified);
  EXPECT_EQ(back->state_reason, "");
  EXPECT_EQ(back->approver_id, 0);
  EXPECT_TRUE(back->party_org_unit_ids.empty());
  EXPECT_EQ(back->attendees, 0);
  EXPECT_EQ(back->revision, 0);

  // Unset names and times read as none; whether they are required is the
  // domain's validation.
  absl::StatusOr<Activity> empty = ActivityFromProto(v1::Activity(), "activity.");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->party_org_id, 0);
  EXPECT_EQ(empty->start_time, absl::UnixEpoch());
  EXPECT_THAT(ValidatePlannedFields(*empty, "activity."),
              StatusIs(kBadArgument, HasSubstr("activity.party_org")));

  struct Case {
    void (*change)(v1::Activity&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::Activity& p) { p.set_party_org("units/3"); }, "create.activity.party_org: "},
      {[](v1::Activity& p) { p.set_kind(static_cast<v1::ActivityKind>(99)); },
       "create.activity.kind: 99 is not a known value"},
      {[](v1::Activity& p) { p.set_place("partyOrgs/40"); }, "create.activity.place: "},
      {[](v1::Activity& p) { p.set_service_point("servicePoints/x"); },
       "create.activity.service_point: "},
      {[](v1::Activity& p) { p.set_organiser("people/0"); }, "create.activity.organiser: "},
  };
  for (const Case& c : cases) {
    v1::Activity bad = proto;
    c.change(bad);
    EXPECT_THAT(ActivityFromProto(bad, "create.activity."),
                StatusIs(kBadArgument, HasSubstr(c.field)));
  }
}

TEST(ActivityProtoTest, AttendanceAndServicePointFromProto) {
  v1::Attendance line;
  line.set_kind(v1::VOLUNTEER);
  line.set_person("people/21");
  line.set_minutes(60);
  line.set_key("row-4");
  line.set_credit(99);  // output only
  line.set_name("activities/7/attendances/12");
  absl::StatusOr<Attendance> attendance = AttendanceFromProto(line, "attendance.");
  ASSERT_TRUE(attendance.ok()) << attendance.status();
  EXPECT_EQ(attendance->kind, AttendeeKind::kVolunteer);
  EXPECT_EQ(attendance->person_id, 21);
  EXPECT_EQ(attendance->minutes, 60);
  EXPECT_EQ(attendance->key, "row-4");
  EXPECT_EQ(attendance->credit, 0);
  EXPECT_EQ(attendance->id, 0);
  v1::Attendance residents;
  residents.set_kind(v1::RESIDENTS);
  residents.set_head_count(80);
  attendance = AttendanceFromProto(residents, "attendances[3].");
  ASSERT_TRUE(attendance.ok()) << attendance.status();
  EXPECT_EQ(attendance->person_id, 0);
  EXPECT_EQ(attendance->head_count, 80);
  v1::Attendance bad = line;
  bad.set_kind(static_cast<v1::AttendeeKind>(7));
  EXPECT_THAT(AttendanceFromProto(bad, "attendances[3]."),
              StatusIs(kBadArgument, HasSubstr("attendances[3].kind: 7 is not a known value")));
  bad = line;
  bad.set_person("units/21");
  EXPECT_THAT(AttendanceFromProto(bad, "attendances[3]."),
              StatusIs(kBadArgument, HasSubstr("attendances[3].person: ")));

  v1::ServicePoint point;
  point.set_unit("units/40");
  point.set_display_name("邻里服务点");
  point.set_kind(v1::ServicePoint::ELDERLY_SERVICE_POINT);
  point.set_address("幸福路12号");
  point.set_state(v1::ServicePoint::DELETED);  // output only
  absl::StatusOr<ServicePoint> parsed = ServicePointFromProto(point, "service_point.");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->unit_id, 40);
  EXPECT_EQ(parsed->display_name, "邻里服务点");
  EXPECT_EQ(parsed->kind, ServicePointKind::kElderlyServicePoint);
  EXPECT_EQ(parsed->address, "幸福路12号");
  EXPECT_FALSE(parsed->deleted);
  v1::ServicePoint bad_point = point;
  bad_point.set_unit("servicePoints/40");
  EXPECT_THAT(ServicePointFromProto(bad_point, "service_point."),
              StatusIs(kBadArgument, HasSubstr("service_point.unit: ")));
  bad_point = point;
  bad_point.set_kind(static_cast<v1::ServicePoint::Kind>(9));
  EXPECT_THAT(ServicePointFromProto(bad_point, "service_point."),
              StatusIs(kBadArgument, HasSubstr("service_point.kind: 9 is not a known value")));
}

}  // namespace
}  // namespace grassroots::activity
