#ifndef GRASSROOTS_GATEWAY_SCOPE_CHECKER_H_
#define GRASSROOTS_GATEWAY_SCOPE_CHECKER_H_

// Whether resources lie inside a principal's scope: the heart of the
// gateway's object-level authorisation.
//
// The rules (docs/gateway.md):
// - a unit is in scope when it is the scope unit or below it;
// - a party organisation is readable when any unit it covers is in scope,
//   and writable only when every unit it covers is (so that a community
//   cannot change a joint branch it shares with another);
// - a person is in scope when they live in a building in scope, hold a
//   current role at a place in scope, or their current membership sits in a
//   party organisation in scope;
// - a role assignment is in scope when its place is;
// - a district's directory of external organisations, and each of them, is
//   readable when the scope lies in the district and writable only with the
//   district itself as the scope;
// - an issue of the casework service is readable when its place is in
//   scope and writable when its handling unit is (escalation moves the
//   handling unit up, out of a community's reach and into the street's);
//   a dispatch is its issue's;
// - an activity of the activity service is in scope (read and write alike)
//   when its place or any unit its organising organisation covered
//   (`party_org_units`) is; a service point when its unit is;
// - for a principal scoped to every district ("*") everything is.
//
// Units and party organisations are answered from memory (the replica of
// the hierarchy) without a call; what the replica does not hold yet, people
// role assignments, issues, activities and service points take lookups at the
// services, which block: callers
// run Check off gRPC's callback threads when TryCheck cannot answer.
//
// A resource that does not exist is out of scope for a scoped principal,
// exactly like one that exists elsewhere, so that the answer never tells
// which.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gateway/principal.h"
#include "grassroots/activity/v1/activity_service.grpc.pb.h"
#include "grassroots/casework/v1/casework_service.grpc.pb.h"
#include "grassroots/org/v1/org_service.grpc.pb.h"
#include "grassroots/roster/v1/roster_service.grpc.pb.h"

namespace grassroots::gateway {

// What the checker knows of the hierarchy without a call. Thread-safe.
class HierarchyView {
 public:
  virtual ~HierarchyView() = default;
  // Whether `unit_id` is `ancestor_id` or below it; nullopt when unknown.
  virtual std::optional<bool> IsWithin(int64_t unit_id, int64_t ancestor_id) const = 0;
  // The units a party organisation covers; nullopt when unknown.
  virtual std::optional<std::vector<int64_t>> UnitsOf(int64_t org_id) const = 0;
};

enum class TargetKind : int8_t {
  kUnit,
  kPartyOrg,
  kPerson,
  kRoleAssignment,
  // A person to be matched by external key in an import: in scope when no
  // live person has the key (the row creates one) or the one who has it is,
  // with their current membership when the row moves it (`write`), and
  // only if they live nowhere when the row gives no residence.
  kPersonByExternalKey,
  // The current membership of the person `id` (that a write ends or moves):
  // in scope when its party organisation is readable, or when there is none
  // (the service refuses the write then). A person may be in scope through
  // a role while their membership sits elsewhere.
  kCurrentMembershipOf,
  // The registration `child_id` of the person `id`: in scope when its
  // community is (or when it does not exist: the service says NOT_FOUND).
  kRegistration,
  // The directory of external organisations of district `id`: readable by
  // every principal whose scope lies in the district, writable (`write`) only
  // by one scoped to the district itself.
  kDistrictDirectory,
  // The external organisation `id`: as the directory it belongs to.
  kExternalOrg,
  // The alliance `id` (and its items): as its unit, for reads and writes.
  kAlliance,
  // The issue `id` of the casework service (and its dispatches): read
  // (`write` false) when its place is in scope, write when its handling unit
  // is. A community reads and answers for every issue at its places, but
  // acts on one only while it handles it: once escalated to the street, the
  // street's principals act on it.
  kIssue,
  // The activity `id` of the activity service (and its attendance lines): in
  // scope when its place or any of the units its organising organisation
  // covered (`party_org_units`) is, for reads and writes alike (`write` says
  // which the request does, for the log). Looked up with GetActivity unless
  // `units` holds them already (an activity of a response). Unknown is
  // outside.
  kActivity,
  // The service point `id`: as its unit (looked up), reads and writes.
  kServicePoint,
};

// One resource a call names, and how it is used.
struct Target {
  TargetKind kind = TargetKind::kUnit;
  int64_t id = 0;
  // The request field that named it ("unit.parent"), for the message; empty
  // for the top-level `name`.
  std::string field;
  // Writes to a party organisation need every unit it covers in scope.
  bool write = false;
  // For a unit not yet in the replica (an event's snapshot of a unit just
  // created): its parent, which decides as well.
  int64_t parent_hint = 0;
  // For a person whose residence is already known (a list's item): spares
  // the lookup of the person.
  std::optional<int64_t> residence_hint;
  // For kPersonByExternalKey.
  std::string external_key;
  // For kRegistration: the registration's id under the person `id`.
  int64_t child_id = 0;
  // For kPersonByExternalKey: whether the row gives a residence (`write`:
  // whether it moves the person's membership).
  bool keeps_residence = true;
  // For kActivity from a response: its place and `party_org_units`, any of
  // which puts it in scope; no lookup then. Empty: look it up by `id`.
  std::vector<int64_t> units;

  std::string ResourceName() const;  // "units/7"
};

class ScopeChecker {
 public:
  // The stubs are used for lookups, each with `lookup_timeout` (or the
  // caller's deadline when sooner). None is owned.
  ScopeChecker(const HierarchyView* hierarchy, org::v1::OrgService::Stub* org,
               roster::v1::RosterService::Stub* roster,
               casework::v1::CaseworkService::Stub* casework,
               activity::v1::ActivityService::Stub* activity, absl::Duration lookup_timeout);

  // From memory only: the answer of Check, or nullopt when a lookup is
  // needed.
  std::optional<absl::Status> TryCheck(const Principal& principal,
                                       const std::vector<Target>& targets) const;

  // OK when every target is in scope; PERMISSION_DENIED naming the first
  // that is not ("unit.parent: units/123 is outside your scope units/7");
  // UNAVAILABLE or DEADLINE_EXCEEDED when a lookup could not be answered.
  // May block for lookups until `deadline`.
  absl::Status Check(const Principal& principal, const std::vector<Target>& targets,
                     absl::Time deadline) const;

  // For filtering lists: whether one target is in scope, from memory only
  // (nullopt: a lookup is needed), or with lookups.
  std::optional<bool> TryInScope(const Principal& principal, const Target& target) const;
  absl::StatusOr<bool> InScope(const Principal& principal, const Target& target,
                               absl::Time deadline) const;

  static absl::Status OutOfScope(const Principal& principal, const Target& target);

 private:
  std::optional<bool> TryUnit(int64_t scope, int64_t unit, int64_t parent_hint) const;
  std::optional<bool> TryPartyOrg(int64_t scope, int64_t org, bool write) const;
  absl::StatusOr<bool> Unit(int64_t scope, int64_t unit, absl::Time deadline) const;
  absl::StatusOr<bool> PartyOrg(int64_t scope, int64_t org, bool write, absl::Time deadline) const;
  absl::StatusOr<bool> Place(int64_t scope, const std::string& place, bool write,
                             absl::Time deadline) const;
  absl::StatusOr<bool> Person(int64_t scope, const Target& target, absl::Time deadline) const;
  absl::StatusOr<bool> RoleAssignment(int64_t scope, int64_t id, bool write,
                                      absl::Time deadline) const;
  // InScope's lookups, after TryInScope could not decide.
  absl::StatusOr<bool> LookUp(const Principal& principal, const Target& target,
                              absl::Time deadline) const;
  absl::StatusOr<bool> PersonByExternalKey(int64_t scope, const Target& target,
                                           absl::Time deadline) const;
  absl::StatusOr<bool> CurrentMembershipOf(int64_t scope, int64_t person,
                                           absl::Time deadline) const;
  // The lookup of `person`'s current membership (one page: there is at most
  // one), which both the person's scope and CurrentMembershipOf read.
  grpc::Status CurrentMemberships(int64_t person, absl::Time deadline,
                                  roster::v1::ListMembershipsResponse* page) const;
  absl::StatusOr<bool> Registration(int64_t scope, int64_t person, int64_t registration,
                                    absl::Time deadline) const;
  std::optional<bool> TryDistrictDirectory(int64_t scope, int64_t district, bool write) const;
  absl::StatusOr<bool> DistrictDirectory(int64_t scope, int64_t district, bool write,
                                         absl::Time deadline) const;
  absl::StatusOr<bool> ExternalOrg(int64_t scope, int64_t id, bool write,
                                   absl::Time deadline) const;
  absl::StatusOr<bool> Alliance(int64_t scope, int64_t id, absl::Time deadline) const;
  absl::StatusOr<bool> Issue(int64_t scope, int64_t id, bool write, absl::Time deadline) const;
  // Whether any of `units` is in scope, from memory (nullopt: a unit the
  // replica does not hold yet, and none of the others in scope).
  std::optional<bool> TryAnyUnit(int64_t scope, const std::vector<int64_t>& units) const;
  absl::StatusOr<bool> AnyUnit(int64_t scope, const std::vector<int64_t>& units,
                               absl::Time deadline) const;
  absl::StatusOr<bool> Activity(int64_t scope, const Target& target, absl::Time deadline) const;
  absl::StatusOr<bool> ServicePoint(int64_t scope, int64_t id, absl::Time deadline) const;
  // A context for one lookup.
  std::unique_ptr<grpc::ClientContext> LookupContext(absl::Time deadline) const;

  const HierarchyView* const hierarchy_;
  org::v1::OrgService::Stub* const org_;
  roster::v1::RosterService::Stub* const roster_;
  casework::v1::CaseworkService::Stub* const casework_;
  activity::v1::ActivityService::Stub* const activity_;
  const absl::Duration lookup_timeout_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_SCOPE_CHECKER_H_
