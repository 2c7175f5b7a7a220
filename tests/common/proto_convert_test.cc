#include "common/proto_convert.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "tests/testing/proto_matchers.h"
#include "tests/testing/status_matchers.h"

namespace grassroots {
namespace {

using ::grassroots::testing::EqualsProto;
using ::grassroots::testing::IsOkAndHolds;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Optional;

using ::grassroots::testing::kInvalid;

grassroots::type::Date ParseDate(absl::string_view text) {
  grassroots::type::Date date;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &date)) << text;
  return date;
}

// --- Timestamps ---

TEST(TimeToProtoTest, KeepsNanoseconds) {
  google::protobuf::Timestamp proto;
  TimeToProto(absl::FromUnixNanos(1714552200'123456789), &proto);
  EXPECT_EQ(proto.seconds(), 1714552200);
  EXPECT_EQ(proto.nanos(), 123456789);
}

TEST(TimeToProtoTest, NormalisesTimesBeforeTheEpoch) {
  // Nanos stay in [0, 1e9): one nanosecond before the epoch is -1 s + 999999999 ns.
  google::protobuf::Timestamp proto;
  TimeToProto(absl::UnixEpoch() - absl::Nanoseconds(1), &proto);
  EXPECT_EQ(proto.seconds(), -1);
  EXPECT_EQ(proto.nanos(), 999'999'999);
}

TEST(TimeFromProtoTest, RoundTrips) {
  for (const absl::Time time :
       {absl::UnixEpoch(), absl::FromUnixNanos(1714552200'123456789),
        absl::UnixEpoch() - absl::Nanoseconds(1), absl::FromUnixSeconds(-2208988800)}) {
    google::protobuf::Timestamp proto;
    TimeToProto(time, &proto);
    EXPECT_EQ(TimeFromProto(proto), time) << proto.ShortDebugString();
  }
}

TEST(TimeFromProtoTest, AnUnsetTimestampIsTheEpoch) {
  EXPECT_EQ(TimeFromProto(google::protobuf::Timestamp()), absl::UnixEpoch());
}

// --- Dates ---

TEST(DateToProtoTest, WritesYearMonthAndDay) {
  grassroots::type::Date proto;
  DateToProto(absl::CivilDay(2024, 2, 29), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseDate("year: 2024 month: 2 day: 29")));
}

TEST(DateToProtoTest, AnUnsetDateIsAllZeros) {
  grassroots::type::Date proto = ParseDate("year: 2024 month: 2 day: 29");
  DateToProto(std::optional<absl::CivilDay>(), &proto);
  EXPECT_THAT(proto, EqualsProto(grassroots::type::Date()));

  DateToProto(std::optional<absl::CivilDay>(absl::CivilDay(1921, 7, 1)), &proto);
  EXPECT_THAT(proto, EqualsProto(ParseDate("year: 1921 month: 7 day: 1")));
}

TEST(DateFromProtoTest, RoundTripsTheWholeRange) {
  for (const absl::CivilDay day :
       {absl::CivilDay(1900, 1, 1), absl::CivilDay(2024, 2, 29), absl::CivilDay(2200, 12, 31)}) {
    grassroots::type::Date proto;
    DateToProto(day, &proto);
    EXPECT_THAT(DateFromProto(proto, "date"), IsOkAndHolds(Optional(day)));
  }
}

TEST(DateFromProtoTest, AllZerosIsUnset) {
  EXPECT_THAT(DateFromProto(grassroots::type::Date(), "date"), IsOkAndHolds(std::nullopt));
}

TEST(DateFromProtoTest, RefusesAPartlySetDate) {
  for (const char* text : {"year: 2024", "year: 2024 month: 5", "month: 5 day: 1", "day: 1"}) {
    EXPECT_THAT(DateFromProto(ParseDate(text), "person.birth_date"),
                StatusIs(kInvalid, HasSubstr("person.birth_date: set year, month and day, or "
                                             "none of them")))
        << text;
  }
}

TEST(DateFromProtoTest, RefusesDatesThatDoNotExist) {
  struct Case {
    const char* text;
    const char* shown;
  };
  for (const Case& c : {Case{"year: 2023 month: 2 day: 29", "2023-02-29"},
                        Case{"year: 2024 month: 4 day: 31", "2024-04-31"},
                        Case{"year: 2024 month: 13 day: 1", "2024-13-01"},
                        Case{"year: 2024 month: -1 day: 1", "2024--1-01"}}) {
    EXPECT_THAT(
        DateFromProto(ParseDate(c.text), "start_date"),
        StatusIs(kInvalid, HasSubstr(absl::StrCat("start_date: ", c.shown, " is not a date"))))
        << c.text;
  }
}

TEST(DateFromProtoTest, RefusesYearsOutsideTheProtoRange) {
  for (const char* text :
       {"year: 1899 month: 12 day: 31", "year: 2201 month: 1 day: 1", "year: -5 month: 1 day: 1"}) {
    EXPECT_THAT(DateFromProto(ParseDate(text), "end_date"),
                StatusIs(kInvalid, HasSubstr("end_date: year must be between 1900 and 2200")))
        << text;
  }
}

// --- Enums ---

bool IsSmallEnum(int value) { return value >= 0 && value <= 2; }
enum class Small : int8_t { kZero = 0, kOne = 1, kTwo = 2 };

TEST(EnumFromProtoTest, ConvertsDeclaredValues) {
  EXPECT_THAT(EnumFromProto<Small>(2, IsSmallEnum, "x.kind"), IsOkAndHolds(Small::kTwo));
  EXPECT_THAT(EnumFromProto<Small>(0, IsSmallEnum, "x.kind"), IsOkAndHolds(Small::kZero));
}

TEST(EnumFromProtoTest, RefusesUndeclaredValuesNamingTheField) {
  EXPECT_THAT(EnumFromProto<Small>(3, IsSmallEnum, "x.kind"),
              StatusIs(kInvalid, HasSubstr("x.kind: 3 is not a known value")));
  EXPECT_THAT(EnumFromProto<Small>(-1, IsSmallEnum, "x.kind"),
              StatusIs(kInvalid, HasSubstr("x.kind: -1 is not a known value")));
}

}  // namespace
}  // namespace grassroots
