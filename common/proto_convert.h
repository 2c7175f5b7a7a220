#ifndef GRASSROOTS_COMMON_PROTO_CONVERT_H_
#define GRASSROOTS_COMMON_PROTO_CONVERT_H_

// Conversions of well-known and shared proto types, used by every service's
// proto layer.

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "grassroots/type/date.pb.h"

namespace grassroots {

void TimeToProto(absl::Time time, google::protobuf::Timestamp* proto);
absl::Time TimeFromProto(const google::protobuf::Timestamp& proto);

// An unset date is all zeros.
void DateToProto(const std::optional<absl::CivilDay>& date, grassroots::type::Date* proto);
void DateToProto(const absl::CivilDay& date, grassroots::type::Date* proto);

// All zeros: nullopt. A partly set date, or one that does not exist (Feb 30),
// or a year outside 1900..2200: INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::optional<absl::CivilDay>> DateFromProto(const grassroots::type::Date& proto,
                                                            absl::string_view field);

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PROTO_CONVERT_H_
