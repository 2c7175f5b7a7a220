#ifndef GRASSROOTS_COMMON_PROTO_CONVERT_H_
#define GRASSROOTS_COMMON_PROTO_CONVERT_H_

// Conversions of well-known and shared proto types, used by every service's
// proto layer.

#include <optional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/etag.h"
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

// proto3 enums are open: a client can send any int32, and the parser keeps
// it. Returns `value` as a `DomainEnum` when the proto declares it
// (`is_valid` is the generated `Foo_IsValid`), INVALID_ARGUMENT naming
// `field` otherwise. Only for domain enums numbered as the proto's; the
// proto layers static_assert that they are.
template <typename DomainEnum>
absl::StatusOr<DomainEnum> EnumFromProto(int value, bool (*is_valid)(int),
                                         absl::string_view field) {
  if (!is_valid(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": ", value, " is not a known value"));
  }
  return static_cast<DomainEnum>(value);
}

// The fields every resource of the suite ends with: create and update time,
// etag and revision (common/etag.h).
template <typename Resource, typename Proto>
void ResourceTimesToProto(const Resource& resource, Proto* proto) {
  TimeToProto(resource.create_time, proto->mutable_create_time());
  TimeToProto(resource.update_time, proto->mutable_update_time());
  proto->set_etag(EtagForRevision(resource.revision));
  proto->set_revision(resource.revision);
}

// As ResourceTimesToProto, for a resource that is soft-deleted (AIP-164):
// also its state (`Proto`'s nested ACTIVE or DELETED) and delete time.
template <typename Resource, typename Proto>
void SoftDeletableToProto(const Resource& resource, Proto* proto) {
  proto->set_state(resource.deleted ? Proto::DELETED : Proto::ACTIVE);
  if (resource.deleted) TimeToProto(resource.delete_time, proto->mutable_delete_time());
  ResourceTimesToProto(resource, proto);
}

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_PROTO_CONVERT_H_
