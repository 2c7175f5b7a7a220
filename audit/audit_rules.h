#ifndef GRASSROOTS_AUDIT_AUDIT_RULES_H_
#define GRASSROOTS_AUDIT_AUDIT_RULES_H_

// The nightly audit: coverage figures and rule findings over one subtree.
// Pure computation over an AuditInput; no I/O.

#include "absl/status/statusor.h"
#include "audit/audit_model.h"

namespace grassroots::audit {

// The rules, by stable id. Severity in brackets.
namespace rules {
// [ERROR] A live compound that no live branch (own, joint or general
// branch attached to it) covers.
inline constexpr char kCompoundNotCovered[] = "compound-not-covered";
// [ERROR] A live party organisation other than a party group with no current
// secretary; the message says for how many days (since the last secretary
// left, or since it was established/created).
inline constexpr char kNoSecretary[] = "party-org-without-secretary";
// [WARNING] A branch (branch, joint branch) with fewer than 3 full members.
inline constexpr char kBranchTooSmall[] = "branch-too-small";
// [WARNING] A branch of 7 or more full members with no committee member.
inline constexpr char kBranchWithoutCommittee[] = "branch-without-committee";
// [INFO] A branch large enough for a general branch (more than 50 members) or a
// party committee (100+).
inline constexpr char kBranchLargeEnough[] = "branch-large-enough";
// [ERROR] A live party member (full or probationary) with no current
// membership, or with two or more.
inline constexpr char kMemberWithoutRelationship[] = "member-without-relationship";
inline constexpr char kMemberWithTwoRelationships[] = "member-with-two-relationships";
// [ERROR] Cross-service drift: a current role or membership at a deleted or
// unknown unit or organisation, or held by a deleted or unknown person.
inline constexpr char kRoleAtDeletedPlace[] = "role-at-deleted-place";
inline constexpr char kRoleAtUnknownPlace[] = "role-at-unknown-place";
inline constexpr char kRoleOfDeletedPerson[] = "role-of-deleted-person";
inline constexpr char kRoleOfUnknownPerson[] = "role-of-unknown-person";
inline constexpr char kMembershipAtMissingOrg[] = "membership-at-missing-party-org";
// [WARNING] A probationary member admitted more than a year ago.
inline constexpr char kProbationOverdue[] = "probation-overdue";
// [ERROR] Two live people with the same ID-card number; a number whose GB
// 11643 check character is wrong. Only unmasked numbers are checked.
inline constexpr char kDuplicateIdCard[] = "duplicate-id-card";
inline constexpr char kInvalidIdCard[] = "invalid-id-card";
// [ERROR] A current role held where its level rule does not allow it
// (roster::CheckRolePlace).
inline constexpr char kRoleLevelRule[] = "role-level-rule";
}  // namespace rules

// The report of the subtree of input.root_unit_id: coverage per street and
// community under it (and totals), and every finding in it, sorted.
// INVALID_ARGUMENT when the root is not among the input's units.
absl::StatusOr<AuditReport> RunAudit(const AuditInput& input);

}  // namespace grassroots::audit

#endif  // GRASSROOTS_AUDIT_AUDIT_RULES_H_
