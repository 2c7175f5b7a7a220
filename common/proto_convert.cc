#include "common/proto_convert.h"

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace grassroots {
namespace {

// The range grassroots.type.Date documents; the SQLite stores and the
// domain's own checks (org::ValidateCivilDay) assume it.
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2200;

absl::Status Invalid(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool IsAllZero(const grassroots::type::Date& proto) {
  return proto.year() == 0 && proto.month() == 0 && proto.day() == 0;
}

}  // namespace

// Timestamps are normalised: nanos in [0, 1e9), as ToUnixSeconds rounds
// toward negative infinity.
void TimeToProto(absl::Time time, google::protobuf::Timestamp* proto) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  proto->set_seconds(seconds);
  proto->set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

absl::Time TimeFromProto(const google::protobuf::Timestamp& proto) {
  return absl::FromUnixSeconds(proto.seconds()) + absl::Nanoseconds(proto.nanos());
}

void DateToProto(const std::optional<absl::CivilDay>& date, grassroots::type::Date* proto) {
  if (!date) {
    proto->Clear();
    return;
  }
  DateToProto(*date, proto);
}

void DateToProto(const absl::CivilDay& date, grassroots::type::Date* proto) {
  proto->set_year(static_cast<int32_t>(date.year()));
  proto->set_month(date.month());
  proto->set_day(date.day());
}

absl::StatusOr<std::optional<absl::CivilDay>> DateFromProto(const grassroots::type::Date& proto,
                                                            absl::string_view field) {
  if (IsAllZero(proto)) return std::nullopt;
  if (proto.year() == 0 || proto.month() == 0 || proto.day() == 0) {
    return Invalid(field, "set year, month and day, or none of them");
  }
  // CivilDay normalises out-of-range fields (month 13 is January of the next
  // year), so a date that changes on the way in does not exist.
  const absl::CivilDay day(proto.year(), proto.month(), proto.day());
  if (day.year() != proto.year() || day.month() != proto.month() || day.day() != proto.day()) {
    return Invalid(field, absl::StrFormat("%04d-%02d-%02d is not a date", proto.year(),
                                          proto.month(), proto.day()));
  }
  // Worded as org::ValidateCivilDay words it, so that the org service's
  // messages did not change when this check moved here from its domain.
  if (day.year() < kMinYear || day.year() > kMaxYear) {
    return Invalid(field, absl::StrCat("year must be between ", kMinYear, " and ", kMaxYear));
  }
  return day;
}

}  // namespace grassroots
