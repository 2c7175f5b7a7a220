// The activity domain: names, the lifecycle table, the validation of each
// field, the credit rule and its ledger, credit periods, filters and labels.

#include <algorithm>
#include <string>
#include <vector>

#include "activity_service/activity.h"
#include "activity_service/activity_event.h"
#include "activity_service/activity_filter.h"
#include "activity_service/activity_labels.h"
#include "activity_service/attendance.h"
#include "activity_service/service_point.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/label_table_checks.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::activity {
namespace {

using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

absl::Time At(absl::string_view rfc3339) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, rfc3339, &time, &error)) << error;
  return time;
}

// ---------------------------------------------------------------------------
// Names

TEST(ActivityNamesTest, RoundTripAndNameTheField) {
  EXPECT_EQ(ActivityName(7), "activities/7");
  EXPECT_THAT(ParseActivityName("activities/7", "name"), IsOkAndHolds(7));
  EXPECT_THAT(ParseActivityName("issues/7", "name"), StatusIs(kInvalid, HasSubstr("name")));
  EXPECT_THAT(ParseActivityName("activities/0", "parent"), StatusIs(kInvalid, HasSubstr("parent")));

  EXPECT_EQ(AttendanceName(7, 12), "activities/7/attendances/12");
  absl::StatusOr<AttendanceId> id = ParseAttendanceName("activities/7/attendances/12", "name");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(id->activity_id, 7);
  EXPECT_EQ(id->id, 12);
  EXPECT_THAT(ParseAttendanceName("activities/7/entries/12", "name"),
              StatusIs(kInvalid, HasSubstr("name")));
  EXPECT_THAT(ParseAttendanceName("activities/7", "attendance"),
              StatusIs(kInvalid, HasSubstr("attendance")));
  EXPECT_THAT(ParseAttendanceName("activities/x/attendances/1", "name"),
              StatusIs(kInvalid, HasSubstr("name")));

  EXPECT_EQ(CreditAccountName(5), "creditAccounts/5");
  EXPECT_THAT(ParseCreditAccountName("creditAccounts/5", "account"), IsOkAndHolds(5));
  EXPECT_THAT(ParseCreditAccountName("people/5", "account"),
              StatusIs(kInvalid, HasSubstr("account")));
  EXPECT_EQ(CreditEntryName(5, 9), "creditAccounts/5/entries/9");

  EXPECT_EQ(ServicePointName(3), "servicePoints/3");
  EXPECT_THAT(ParseServicePointName("servicePoints/3", "name"), IsOkAndHolds(3));
  EXPECT_THAT(ParseServicePointName("units/3", "name"), StatusIs(kInvalid, HasSubstr("name")));
}

TEST(ActivityNamesTest, SnapshotNameOfEachKind) {
  Activity activity;
  activity.id = 4;
  Attendance attendance;
  attendance.activity_id = 4;
  attendance.id = 2;
  CreditEntry entry;
  entry.person_id = 5;
  entry.id = 9;
  ServicePoint point;
  point.id = 3;
  EXPECT_EQ(SnapshotName(activity), "activities/4");
  EXPECT_EQ(SnapshotName(attendance), "activities/4/attendances/2");
  EXPECT_EQ(SnapshotName(entry), "creditAccounts/5/entries/9");
  EXPECT_EQ(SnapshotName(point), "servicePoints/3");
}

TEST(EnumNamesTest, ProtoNamesRoundTripAndUnspecifiedIsNotParsed) {
  for (int n = 1; n < kActivityKindCount; ++n) {
    const auto kind = static_cast<ActivityKind>(n);
    EXPECT_EQ(ParseActivityKindName(ActivityKindName(kind)), kind);
    EXPECT_TRUE(IsValidActivityKind(kind));
  }
  EXPECT_FALSE(IsValidActivityKind(ActivityKind::kUnspecified));
  EXPECT_FALSE(IsValidActivityKind(static_cast<ActivityKind>(kActivityKindCount)));
  EXPECT_EQ(ActivityKindName(ActivityKind::kNeighbourhoodFestival), "NEIGHBOURHOOD_FESTIVAL");
  EXPECT_EQ(ParseActivityKindName("ACTIVITY_KIND_UNSPECIFIED"), std::nullopt);
  EXPECT_EQ(ParseActivityKindName("themed_party_day"), std::nullopt);
  for (int n = 1; n <= 6; ++n) {
    const auto state = static_cast<ActivityState>(n);
    EXPECT_EQ(ParseActivityStateName(ActivityStateName(state)), state);
  }
  EXPECT_EQ(ActivityStateName(ActivityState::kHeld), "HELD");
  EXPECT_EQ(ActivityStateName(static_cast<ActivityState>(40)), "UNKNOWN");
  EXPECT_EQ(ParseActivityStateName("STATE_UNSPECIFIED"), std::nullopt);
  for (int n = 1; n <= 4; ++n) {
    const auto kind = static_cast<AttendeeKind>(n);
    EXPECT_EQ(ParseAttendeeKindName(AttendeeKindName(kind)), kind);
    const auto point = static_cast<ServicePointKind>(n);
    EXPECT_EQ(ParseServicePointKindName(ServicePointKindName(point)), point);
  }
  EXPECT_EQ(AttendeeKindName(AttendeeKind::kInServiceMember), "IN_SERVICE_MEMBER");
  EXPECT_EQ(ServicePointKindName(ServicePointKind::kElderlyServicePoint), "ELDERLY_SERVICE_POINT");
}

TEST(EnumNamesTest, OrganisationalLifeIsTheFirstSixKinds) {
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kThemedPartyDay));
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kOpenThemedPartyDay));
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kBranchAssembly));
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kBranchCommittee));
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kPartyGroupMeeting));
  EXPECT_TRUE(IsOrganisationalLife(ActivityKind::kPartyLecture));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kVolunteerService));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kCourtyardMeeting));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kServiceDay));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kNeighbourhoodFestival));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kTraining));
  EXPECT_FALSE(IsOrganisationalLife(ActivityKind::kUnspecified));
}

// ---------------------------------------------------------------------------
// The lifecycle

// The whole lifecycle table: which state allows which action, and where it
// leads.
TEST(TransitionTest, EveryStateAllowsExactlyItsActions) {
  using S = ActivityState;
  using A = ActivityAction;
  struct Row {
    A action;
    std::vector<S> allowed;
    S to;  // kUnspecified: the state is kept
  };
  const Row rows[] = {
      {A::kUpdate, {S::kDraft}, S::kUnspecified},
      {A::kSubmit, {S::kDraft}, S::kSubmitted},
      {A::kApprove, {S::kSubmitted}, S::kApproved},
      {A::kReturn, {S::kSubmitted}, S::kDraft},
      {A::kHold, {S::kApproved}, S::kHeld},
      {A::kRecord, {S::kHeld}, S::kRecorded},
      {A::kCancel, {S::kDraft, S::kSubmitted, S::kApproved}, S::kCancelled},
      {A::kRecordAttendance, {S::kHeld}, S::kUnspecified},
  };
  const S states[] = {S::kDraft, S::kSubmitted, S::kApproved,
                      S::kHeld,  S::kRecorded,  S::kCancelled};
  for (const Row& row : rows) {
    for (S state : states) {
      const bool allowed =
          std::find(row.allowed.begin(), row.allowed.end(), state) != row.allowed.end();
      const absl::Status status = CheckTransition(7, state, row.action);
      if (allowed) {
        EXPECT_TRUE(status.ok()) << ActivityStateName(state) << " "
                                 << ActivityActionVerb(row.action) << ": " << status;
        EXPECT_EQ(StateAfter(state, row.action), row.to == S::kUnspecified ? state : row.to)
            << ActivityStateName(state) << " " << ActivityActionVerb(row.action);
      } else {
        EXPECT_THAT(status,
                    StatusIs(absl::StatusCode::kFailedPrecondition,
                             HasSubstr(absl::StrCat("activities/7 is ", ActivityStateName(state),
                                                    "; only a "))))
            << ActivityActionVerb(row.action);
      }
    }
  }
}

TEST(TransitionTest, MessagesNameTheStateAndWhatAllowsTheAction) {
  using S = ActivityState;
  using A = ActivityAction;
  EXPECT_THAT(CheckTransition(7, S::kHeld, A::kApprove),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "activities/7 is HELD; only a SUBMITTED activity can be approved"));
  EXPECT_THAT(CheckTransition(7, S::kHeld, A::kCancel),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "activities/7 is HELD; only a DRAFT, SUBMITTED or APPROVED activity can be "
                       "cancelled"));
  EXPECT_THAT(CheckTransition(3, S::kApproved, A::kUpdate),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       "activities/3 is APPROVED; only a DRAFT activity can be changed"));
  EXPECT_THAT(CheckTransition(3, S::kRecorded, A::kRecordAttendance),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("only a HELD activity")));
  EXPECT_EQ(ActivityActionVerb(A::kSubmit), "submitted");
  EXPECT_EQ(ActivityActionVerb(A::kReturn), "returned");
}

// ---------------------------------------------------------------------------
// Validation

Activity Planned() {
  Activity activity;
  activity.party_org_id = 3;
  activity.kind = ActivityKind::kThemedPartyDay;
  activity.theme = "学习二十大精神";
  activity.description = "支部全体党员参加";
  activity.place_id = 40;
  activity.start_time = At("2026-12-05T09:00:00+08:00");
  activity.end_time = At("2026-12-05T11:00:00+08:00");
  activity.capacity = 30;
  activity.co_organisers = {"externalOrgs/3", "alliances/2"};
  return activity;
}

absl::Status Validate(const Activity& activity) {
  return ValidatePlannedFields(activity, "activity.");
}

TEST(ActivityValidationTest, APlannedActivityPasses) {
  EXPECT_OK(Validate(Planned()));
  Activity at_point = Planned();
  at_point.place_id = 0;
  at_point.service_point_id = 6;
  EXPECT_OK(Validate(at_point));
  Activity minimal = Planned();
  minimal.description = "";
  minimal.capacity = 0;
  minimal.co_organisers.clear();
  EXPECT_OK(Validate(minimal));
  Activity week = Planned();
  week.end_time = week.start_time + kMaxActivityLength;
  EXPECT_OK(Validate(week));
  Activity limits = Planned();
  limits.theme = std::string(kMaxThemeChars, 'x');
  limits.capacity = kMaxCapacity;
  for (size_t i = limits.co_organisers.size(); i < kMaxCoOrganisers; ++i) {
    limits.co_organisers.push_back(absl::StrCat("externalOrgs/", 100 + i));
  }
  EXPECT_OK(Validate(limits));
}

TEST(ActivityValidationTest, EachFieldIsCheckedWithItsNameAndTheFirstProblemWins) {
  struct Case {
    const char* what;
    void (*change)(Activity&);
    const char* field;
  };
  const Case cases[] = {
      {"no organisation", [](Activity& a) { a.party_org_id = 0; }, "activity.party_org"},
      {"no kind", [](Activity& a) { a.kind = ActivityKind::kUnspecified; }, "activity.kind"},
      {"unknown kind", [](Activity& a) { a.kind = static_cast<ActivityKind>(12); },
       "activity.kind"},
      {"no theme", [](Activity& a) { a.theme = ""; }, "activity.theme"},
      {"blank theme", [](Activity& a) { a.theme = "  　"; }, "activity.theme"},
      {"long theme", [](Activity& a) { a.theme = std::string(kMaxThemeChars + 1, 'x'); },
       "activity.theme"},
      {"theme of 129 Chinese characters",
       [](Activity& a) {
         a.theme.clear();
         for (size_t i = 0; i <= kMaxThemeChars; ++i) a.theme += "党";
       },
       "activity.theme"},
      {"invalid UTF-8 theme", [](Activity& a) { a.theme = "主题\xff"; }, "activity.theme"},
      {"control character", [](Activity& a) { a.theme = "主题\x01"; }, "activity.theme"},
      {"long description",
       [](Activity& a) { a.description = std::string(kMaxDescriptionChars + 1, 'x'); },
       "activity.description"},
      {"invalid UTF-8 description", [](Activity& a) { a.description = "\xc0\xaf"; },
       "activity.description"},
      {"no place", [](Activity& a) { a.place_id = 0; }, "activity.place"},
      {"no start", [](Activity& a) { a.start_time = absl::UnixEpoch(); }, "activity.start_time"},
      {"no end", [](Activity& a) { a.end_time = absl::UnixEpoch(); }, "activity.end_time"},
      {"end before start", [](Activity& a) { a.end_time = a.start_time - absl::Minutes(1); },
       "activity.end_time"},
      {"end at start", [](Activity& a) { a.end_time = a.start_time; }, "activity.end_time"},
      {"longer than a week",
       [](Activity& a) { a.end_time = a.start_time + kMaxActivityLength + absl::Seconds(1); },
       "activity.end_time"},
      {"negative capacity", [](Activity& a) { a.capacity = -1; }, "activity.capacity"},
      {"capacity too large", [](Activity& a) { a.capacity = kMaxCapacity + 1; },
       "activity.capacity"},
      {"co-organiser of another collection",
       [](Activity& a) {
         a.co_organisers = {"externalOrgs/3", "units/4"};
       },
       "activity.co_organisers[1]"},
      {"co-organiser with a bad id", [](Activity& a) { a.co_organisers = {"alliances/0"}; },
       "activity.co_organisers[0]"},
      {"empty co-organiser", [](Activity& a) { a.co_organisers = {""}; },
       "activity.co_organisers[0]"},
      {"co-organiser twice",
       [](Activity& a) {
         a.co_organisers = {"alliances/2", "externalOrgs/2", "alliances/2"};
       },
       "activity.co_organisers[2]"},
      {"too many co-organisers",
       [](Activity& a) {
         a.co_organisers.clear();
         for (size_t i = 0; i <= kMaxCoOrganisers; ++i) {
           a.co_organisers.push_back(absl::StrCat("externalOrgs/", i + 1));
         }
       },
       "activity.co_organisers"},
  };
  for (const Case& c : cases) {
    Activity activity = Planned();
    c.change(activity);
    EXPECT_THAT(Validate(activity), StatusIs(kInvalid, HasSubstr(absl::StrCat(c.field, ": "))))
        << c.what;
  }
  EXPECT_THAT(ValidatePlannedFields(Activity(), "update.activity."),
              StatusIs(kInvalid, "update.activity.party_org: is required"));
  Activity long_theme = Planned();
  long_theme.theme = std::string(kMaxThemeChars + 1, 'x');
  EXPECT_THAT(Validate(long_theme),
              StatusIs(kInvalid, HasSubstr("activity.theme: is 129 characters long")));
}

TEST(ActivityValidationTest, ReasonsAreTextOfTheirLength) {
  EXPECT_OK(ValidateReason("时间冲突", "reason", kMaxReasonChars));
  EXPECT_THAT(ValidateReason("", "reason", kMaxReasonChars),
              StatusIs(kInvalid, "reason: is required"));
  EXPECT_THAT(ValidateReason(std::string(kMaxReasonChars + 1, 'x'), "reason", kMaxReasonChars),
              StatusIs(kInvalid, HasSubstr("reason: ")));
  EXPECT_THAT(ValidateReason("\xe4\xb8", "reason", kMaxReasonChars),
              StatusIs(kInvalid, "reason: is not valid UTF-8"));
}

Attendance PersonLine(AttendeeKind kind, int32_t minutes) {
  Attendance line;
  line.kind = kind;
  line.person_id = 21;
  line.minutes = minutes;
  return line;
}

Attendance Residents(int32_t head_count) {
  Attendance line;
  line.kind = AttendeeKind::kResidents;
  line.head_count = head_count;
  return line;
}

TEST(AttendanceValidationTest, PersonLinesAndHeadCounts) {
  for (AttendeeKind kind :
       {AttendeeKind::kMember, AttendeeKind::kInServiceMember, AttendeeKind::kVolunteer}) {
    EXPECT_OK(ValidateAttendanceFields(PersonLine(kind, 1), "attendance."));
    EXPECT_OK(ValidateAttendanceFields(PersonLine(kind, kMaxMinutes), "attendance."));
  }
  EXPECT_OK(ValidateAttendanceFields(Residents(1), "attendance."));
  EXPECT_OK(ValidateAttendanceFields(Residents(kMaxHeadCount), "attendance."));
  Attendance keyed = Residents(40);
  keyed.key = "签到表-3";
  EXPECT_OK(ValidateAttendanceFields(keyed, "attendance."));

  struct Case {
    const char* what;
    Attendance line;
    const char* field;
  };
  Attendance no_kind = PersonLine(AttendeeKind::kUnspecified, 60);
  Attendance unknown_kind = PersonLine(static_cast<AttendeeKind>(5), 60);
  Attendance no_person = PersonLine(AttendeeKind::kVolunteer, 60);
  no_person.person_id = 0;
  Attendance person_with_count = PersonLine(AttendeeKind::kMember, 60);
  person_with_count.head_count = 3;
  Attendance residents_with_person = Residents(10);
  residents_with_person.person_id = 4;
  Attendance residents_with_minutes = Residents(10);
  residents_with_minutes.minutes = 30;
  Attendance long_key = Residents(10);
  long_key.key = std::string(kMaxKeyChars + 1, 'k');
  Attendance bad_key = Residents(10);
  bad_key.key = "\xff";
  const Case cases[] = {
      {"no kind", no_kind, "attendance.kind"},
      {"unknown kind", unknown_kind, "attendance.kind"},
      {"no person", no_person, "attendance.person"},
      {"no minutes", PersonLine(AttendeeKind::kMember, 0), "attendance.minutes"},
      {"negative minutes", PersonLine(AttendeeKind::kMember, -30), "attendance.minutes"},
      {"more than a day", PersonLine(AttendeeKind::kMember, kMaxMinutes + 1), "attendance.minutes"},
      {"a person with a head count", person_with_count, "attendance.head_count"},
      {"residents naming a person", residents_with_person, "attendance.person"},
      {"no head count", Residents(0), "attendance.head_count"},
      {"head count too large", Residents(kMaxHeadCount + 1), "attendance.head_count"},
      {"residents with minutes", residents_with_minutes, "attendance.minutes"},
      {"long key", long_key, "attendance.key"},
      {"invalid UTF-8 key", bad_key, "attendance.key"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ValidateAttendanceFields(c.line, "attendance."),
                StatusIs(kInvalid, HasSubstr(absl::StrCat(c.field, ": "))))
        << c.what;
  }
}

TEST(ServicePointValidationTest, EachFieldNamed) {
  ServicePoint point;
  point.unit_id = 40;
  point.display_name = "幸福里邻里服务点";
  point.kind = ServicePointKind::kNeighbourhoodServicePoint;
  point.address = "幸福路12号";
  EXPECT_OK(ValidateServicePointFields(point, "service_point."));
  ServicePoint no_address = point;
  no_address.address = "";
  EXPECT_OK(ValidateServicePointFields(no_address, "service_point."));

  struct Case {
    const char* what;
    void (*change)(ServicePoint&);
    const char* field;
  };
  const Case cases[] = {
      {"no unit", [](ServicePoint& p) { p.unit_id = 0; }, "service_point.unit"},
      {"no name", [](ServicePoint& p) { p.display_name = ""; }, "service_point.display_name"},
      {"long name",
       [](ServicePoint& p) { p.display_name = std::string(kMaxServicePointNameChars + 1, 'n'); },
       "service_point.display_name"},
      {"invalid UTF-8 name", [](ServicePoint& p) { p.display_name = "服务\xe5"; },
       "service_point.display_name"},
      {"no kind", [](ServicePoint& p) { p.kind = ServicePointKind::kUnspecified; },
       "service_point.kind"},
      {"unknown kind", [](ServicePoint& p) { p.kind = static_cast<ServicePointKind>(5); },
       "service_point.kind"},
      {"long address", [](ServicePoint& p) { p.address = std::string(kMaxAddressChars + 1, 'a'); },
       "service_point.address"},
      {"invalid UTF-8 address", [](ServicePoint& p) { p.address = "\xed\xa0\x80"; },
       "service_point.address"},
  };
  for (const Case& c : cases) {
    ServicePoint changed = point;
    c.change(changed);
    EXPECT_THAT(ValidateServicePointFields(changed, "service_point."),
                StatusIs(kInvalid, HasSubstr(absl::StrCat(c.field, ": "))))
        << c.what;
  }
}

// ---------------------------------------------------------------------------
// The credit rule and the ledger

TEST(CreditRuleTest, OnePointPerFullHalfHourOfService) {
  const ActivityKind service = ActivityKind::kVolunteerService;
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 1)), 0);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 29)), 0);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 30)), 1);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 59)), 1);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 60)), 2);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 89)), 2);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kVolunteer, 90)), 3);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kMember, kMaxMinutes)), 48);
  EXPECT_EQ(CreditFor(service, PersonLine(AttendeeKind::kInServiceMember, 120)), 4);
}

TEST(CreditRuleTest, OnlyServiceToResidentsEarnsAndNeverAHeadCount) {
  const ActivityKind earning[] = {ActivityKind::kVolunteerService, ActivityKind::kServiceDay,
                                  ActivityKind::kNeighbourhoodFestival,
                                  ActivityKind::kOpenThemedPartyDay,
                                  ActivityKind::kCourtyardMeeting};
  const ActivityKind not_earning[] = {
      ActivityKind::kThemedPartyDay,  ActivityKind::kBranchAssembly,
      ActivityKind::kBranchCommittee, ActivityKind::kPartyGroupMeeting,
      ActivityKind::kPartyLecture,    ActivityKind::kTraining,
      ActivityKind::kUnspecified};
  for (ActivityKind kind : earning) {
    EXPECT_EQ(CreditFor(kind, PersonLine(AttendeeKind::kMember, 60)), 2) << ActivityKindName(kind);
    EXPECT_EQ(CreditFor(kind, Residents(500)), 0) << ActivityKindName(kind);
  }
  for (ActivityKind kind : not_earning) {
    EXPECT_EQ(CreditFor(kind, PersonLine(AttendeeKind::kMember, 600)), 0) << ActivityKindName(kind);
  }
  Attendance residents_with_minutes = Residents(10);
  residents_with_minutes.minutes = 600;
  EXPECT_EQ(CreditFor(ActivityKind::kVolunteerService, residents_with_minutes), 0);
}

TEST(CreditMonthTest, CountsInBeijingTime) {
  // 16:00 UTC on 31 December is already 1 January in Beijing.
  EXPECT_EQ(CreditMonth(At("2026-12-31T15:59:59Z")), absl::CivilMonth(2026, 12));
  EXPECT_EQ(CreditMonth(At("2026-12-31T16:00:00Z")), absl::CivilMonth(2027, 1));
  EXPECT_EQ(CreditMonth(At("2027-01-01T00:00:00+08:00")), absl::CivilMonth(2027, 1));
  EXPECT_EQ(CreditMonth(At("2026-06-30T23:59:59+08:00")), absl::CivilMonth(2026, 6));
}

TEST(CreditPeriodTest, AYearOrAMonth) {
  absl::StatusOr<CreditPeriod> year = ParseCreditPeriod("2026", "period");
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->first, absl::CivilMonth(2026, 1));
  EXPECT_EQ(year->last, absl::CivilMonth(2026, 12));
  EXPECT_EQ(year->text, "2026");
  absl::StatusOr<CreditPeriod> month = ParseCreditPeriod("2026-12", "period");
  ASSERT_TRUE(month.ok()) << month.status();
  EXPECT_EQ(month->first, absl::CivilMonth(2026, 12));
  EXPECT_EQ(month->last, absl::CivilMonth(2026, 12));
  EXPECT_EQ(month->text, "2026-12");
  absl::StatusOr<CreditPeriod> short_month = ParseCreditPeriod("2026-3", "period");
  ASSERT_TRUE(short_month.ok()) << short_month.status();
  EXPECT_EQ(short_month->first, absl::CivilMonth(2026, 3));
  EXPECT_EQ(short_month->text, "2026-03");

  const CreditPeriod june = MonthPeriod(absl::CivilMonth(2026, 6));
  EXPECT_EQ(june.first, absl::CivilMonth(2026, 6));
  EXPECT_EQ(june.last, absl::CivilMonth(2026, 6));
  EXPECT_EQ(june.text, "2026-06");

  for (absl::string_view bad :
       {"", "2026-13", "26-1", "2026-0", "2026-", "-12", "2026-123", "20260", "2026/12", " 2026",
        "2026-12-01", "２０２６", "1899", "x2026", "2026-1a"}) {
    EXPECT_THAT(ParseCreditPeriod(bad, "period"), StatusIs(kInvalid, HasSubstr("period: ")))
        << "\"" << bad << "\"";
  }
}

CreditEntry Entry(int64_t id, int64_t amount, absl::string_view time) {
  CreditEntry entry;
  entry.person_id = 5;
  entry.id = id;
  entry.amount = amount;
  entry.create_time = At(time);
  entry.revision = 10 + id;
  return entry;
}

TEST(CreditAccountTest, AddKeepsBalanceTotalsAndMonthsInOrder) {
  CreditAccount account;
  account.Add(Entry(1, 4, "2026-03-10T10:00:00+08:00"));
  account.Add(Entry(2, 6, "2026-01-20T10:00:00+08:00"));  // an earlier month comes later
  account.Add(Entry(3, -3, "2026-03-15T10:00:00+08:00"));
  account.Add(Entry(4, 2, "2026-12-31T23:30:00+08:00"));
  account.Add(Entry(5, 5, "2027-01-01T00:10:00+08:00"));
  EXPECT_EQ(account.person_id, 5);
  EXPECT_EQ(account.balance, 14);
  EXPECT_EQ(account.earned_total, 17);
  EXPECT_EQ(account.redeemed_total, 3);
  EXPECT_EQ(account.revision, 15);
  EXPECT_EQ(account.update_time, At("2027-01-01T00:10:00+08:00"));
  using Month = CreditAccount::Month;
  EXPECT_THAT(account.months, ::testing::ElementsAre(Month{absl::CivilMonth(2026, 1), 6, 0},
                                                     Month{absl::CivilMonth(2026, 3), 4, 3},
                                                     Month{absl::CivilMonth(2026, 12), 2, 0},
                                                     Month{absl::CivilMonth(2027, 1), 5, 0}));
}

TEST(CreditAccountTest, PeriodTotalsOverAYearAndAMonth) {
  CreditAccount account;
  account.Add(Entry(1, 7, "2025-12-31T23:59:00+08:00"));
  account.Add(Entry(2, 4, "2026-01-01T00:00:00+08:00"));
  account.Add(Entry(3, 6, "2026-03-10T10:00:00+08:00"));
  account.Add(Entry(4, -5, "2026-03-20T10:00:00+08:00"));
  account.Add(Entry(5, 2, "2026-12-31T15:00:00Z"));  // 23:00 in Beijing: still December
  account.Add(Entry(6, 9, "2026-12-31T16:00:00Z"));  // 1 January 2027 in Beijing
  account.Add(Entry(7, -1, "2027-02-01T09:00:00+08:00"));

  const auto period = [](absl::string_view text) {
    absl::StatusOr<CreditPeriod> p = ParseCreditPeriod(text, "period");
    EXPECT_TRUE(p.ok()) << p.status();
    return p.value_or(CreditPeriod{});
  };
  using Totals = std::pair<int64_t, int64_t>;
  EXPECT_EQ(account.PeriodTotals(period("2026")), Totals(12, 5));
  EXPECT_EQ(account.PeriodTotals(period("2025")), Totals(7, 0));
  EXPECT_EQ(account.PeriodTotals(period("2027")), Totals(9, 1));
  EXPECT_EQ(account.PeriodTotals(period("2024")), Totals(0, 0));
  EXPECT_EQ(account.PeriodTotals(period("2026-03")), Totals(6, 5));
  EXPECT_EQ(account.PeriodTotals(period("2026-12")), Totals(2, 0));
  EXPECT_EQ(account.PeriodTotals(period("2026-02")), Totals(0, 0));
  EXPECT_EQ(account.PeriodTotals(period("2027-01")), Totals(9, 0));
  EXPECT_EQ(account.PeriodTotals(MonthPeriod(absl::CivilMonth(2027, 2))), Totals(0, 1));
  EXPECT_EQ(account.balance, 22);
  EXPECT_EQ(CreditAccount().PeriodTotals(period("2026")), Totals(0, 0));
}

// ---------------------------------------------------------------------------
// Filters

Activity Listed(ActivityState state, ActivityKind kind, int64_t party_org_id,
                absl::string_view start) {
  Activity activity = Planned();
  activity.id = 1;
  activity.state = state;
  activity.kind = kind;
  activity.party_org_id = party_org_id;
  activity.start_time = At(start);
  activity.end_time = activity.start_time + absl::Hours(2);
  return activity;
}

TEST(ActivityFilterTest, ParsesEachFieldAndMatches) {
  absl::StatusOr<ActivityFilter> filter = ParseActivityFilter(
      "state = APPROVED AND kind = THEMED_PARTY_DAY AND party_org = \"partyOrgs/3\" AND "
      "start_time >= \"2026-12-01T00:00:00+08:00\" AND start_time < \"2027-01-01T00:00:00+08:00\"");
  ASSERT_TRUE(filter.ok()) << filter.status();
  EXPECT_EQ(filter->state, ActivityState::kApproved);
  EXPECT_EQ(filter->kind, ActivityKind::kThemedPartyDay);
  EXPECT_EQ(filter->party_org_id, 3);
  EXPECT_EQ(filter->start_from, At("2026-12-01T00:00:00+08:00"));
  EXPECT_EQ(filter->start_before, At("2027-01-01T00:00:00+08:00"));

  const auto approved = [](absl::string_view start) {
    return Listed(ActivityState::kApproved, ActivityKind::kThemedPartyDay, 3, start);
  };
  EXPECT_TRUE(filter->Matches(approved("2026-12-01T00:00:00+08:00")));  // >= is inclusive
  EXPECT_TRUE(filter->Matches(approved("2026-12-31T23:59:59+08:00")));
  EXPECT_FALSE(filter->Matches(approved("2027-01-01T00:00:00+08:00")));  // < is exclusive
  EXPECT_FALSE(filter->Matches(approved("2026-11-30T23:59:59+08:00")));
  EXPECT_FALSE(filter->Matches(
      Listed(ActivityState::kHeld, ActivityKind::kThemedPartyDay, 3, "2026-12-05T09:00:00Z")));
  EXPECT_FALSE(filter->Matches(
      Listed(ActivityState::kApproved, ActivityKind::kTraining, 3, "2026-12-05T09:00:00Z")));
  EXPECT_FALSE(filter->Matches(
      Listed(ActivityState::kApproved, ActivityKind::kThemedPartyDay, 4, "2026-12-05T09:00:00Z")));

  absl::StatusOr<ActivityFilter> empty = ParseActivityFilter("");
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_TRUE(empty->Matches(approved("1999-01-01T00:00:00Z")));

  // Without spaces, and one bound alone.
  absl::StatusOr<ActivityFilter> tight = ParseActivityFilter("start_time<\"2026-12-01T00:00:00Z\"");
  ASSERT_TRUE(tight.ok()) << tight.status();
  EXPECT_EQ(tight->start_from, std::nullopt);
  EXPECT_EQ(tight->start_before, At("2026-12-01T00:00:00Z"));
  absl::StatusOr<ActivityFilter> from = ParseActivityFilter("start_time>=\"2026-12-01T00:00:00Z\"");
  ASSERT_TRUE(from.ok()) << from.status();
  EXPECT_EQ(from->start_from, At("2026-12-01T00:00:00Z"));
  // A comparison inside a quoted value is text, not an operator.
  absl::StatusOr<ActivityFilter> quoted =
      ParseActivityFilter("start_time >= \"2026-12-01T00:00:00Z\" AND kind = TRAINING");
  ASSERT_TRUE(quoted.ok()) << quoted.status();
}

TEST(ActivityFilterTest, RefusesWhatItDoesNotTake) {
  struct Case {
    const char* filter;
    const char* message;
  };
  const Case cases[] = {
      {"state = LOST", "filter: state"},
      {"state = STATE_UNSPECIFIED", "filter: state"},
      {"kind = 主题党日", "filter: kind"},
      {"party_org = \"units/3\"", "filter: party_org"},
      {"theme = \"x\"", "not a field"},
      {"state : APPROVED", "filter: state: takes only ="},
      {"state = DRAFT AND state = HELD", "filter: state: is given twice"},
      {"start_time = \"2026-12-01T00:00:00Z\"", "filter: start_time: takes >= or <"},
      {"start_time > \"2026-12-01T00:00:00Z\"", "filter: start_time: takes >= or <"},
      {"start_time <= \"2026-12-01T00:00:00Z\"", "filter: start_time: takes >= or <"},
      {"start_time >= \"2026-12-01\"", "filter: start_time >=: \"2026-12-01\" is not an RFC 3339"},
      {"start_time < \"soon\"", "filter: start_time <: \"soon\" is not an RFC 3339"},
      {"start_time >= \"2026-12-01T00:00:00Z\" AND start_time >= \"2026-12-02T00:00:00Z\"",
       "filter: start_time >=: is given twice"},
      {"start_time < \"2026-12-01T00:00:00Z\" AND start_time < \"2026-12-02T00:00:00Z\"",
       "filter: start_time <: is given twice"},
      {"start_tmGE = \"2026-12-01T00:00:00Z\"", "not a field"},
      {"state = DRAFT OR state = HELD", "OR is not supported"},
      {"kind != TRAINING", "is not supported"},
  };
  for (const Case& c : cases) {
    EXPECT_THAT(ParseActivityFilter(c.filter), StatusIs(kInvalid, HasSubstr(c.message)))
        << c.filter;
  }
  // Messages never show the internal names the comparisons are read as.
  for (absl::string_view filter : {"title = 1", "start_time >= \"x\" AND start_time >= \"y\""}) {
    const absl::Status status = ParseActivityFilter(filter).status();
    EXPECT_THAT(status.message(), Not(HasSubstr("start_tm"))) << filter;
  }
  EXPECT_THAT(ParseActivityFilter("title = 1"),
              StatusIs(kInvalid, HasSubstr("use state, kind, party_org, start_time >=, "
                                           "start_time <")));
  // The shared parser's positions are those of the filter as written.
  EXPECT_THAT(ParseActivityFilter("start_time >= \"2026-12-01T00:00:00Z\" AND \"x"),
              StatusIs(kInvalid, HasSubstr("at position 42")));
}

// ---------------------------------------------------------------------------
// Labels

TEST(ActivityLabelsTest, EveryValueHasALabel) {
  ::grassroots::testing::ExpectCompleteLabelTable(ActivityKind::kTraining);
  ::grassroots::testing::ExpectCompleteLabelTable(ActivityState::kCancelled);
  ::grassroots::testing::ExpectCompleteLabelTable(AttendeeKind::kResidents);
  ::grassroots::testing::ExpectCompleteLabelTable(ServicePointKind::kOther);
  EXPECT_EQ(Label(ActivityKind::kThemedPartyDay), "主题党日");
  EXPECT_EQ(Label(ActivityKind::kOpenThemedPartyDay), "开放式主题党日");
  EXPECT_EQ(Label(ActivityKind::kServiceDay), "党员服务日");
  EXPECT_EQ(Label(ActivityState::kSubmitted), "已申报");
  EXPECT_EQ(Label(ActivityState::kRecorded), "已归档");
  EXPECT_EQ(Label(AttendeeKind::kInServiceMember), "在职党员");
  EXPECT_EQ(Label(ServicePointKind::kPartyMassServiceCentre), "党群服务中心");
  EXPECT_EQ(ParseLabel<ActivityKind>("邻里节"), ActivityKind::kNeighbourhoodFestival);
  EXPECT_EQ(ParseLabel<AttendeeKind>("居民群众"), AttendeeKind::kResidents);
  EXPECT_EQ(ParseLabel<ServicePointKind>("养老服务点"), ServicePointKind::kElderlyServicePoint);
  EXPECT_EQ(ParseLabel<ActivityState>("举行"), std::nullopt);
}

}  // namespace
}  // namespace grassroots::activity
