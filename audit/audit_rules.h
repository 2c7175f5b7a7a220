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
// [WARNING] A branch of 7 or more full members whose committee (secretary,
// deputies and committee members, counted once each) has fewer than 3 or
// more than 7 people (支部工作条例: 3 to 5, generally no more than 7). A
// branch with no committee member at all is branch-without-committee.
inline constexpr char kCommitteeSize[] = "branch-committee-size";
// [WARNING] A joint branch covering more than 5 units (支部工作条例: a joint
// branch generally covers no more than 5).
inline constexpr char kJointBranchTooWide[] = "joint-branch-too-wide";
// [WARNING] A branch of more than 50 members, which should become a general
// branch; [INFO] a general branch of 100 or more, large enough for a party
// committee.
inline constexpr char kBranchLargeEnough[] = "branch-large-enough";
// [ERROR] A current membership at a party group: the relationship sits with
// the group's branch.
inline constexpr char kMembershipAtPartyGroup[] = "membership-at-party-group";
// [WARNING] A live party organisation whose term has ended with no
// postponement reaching today (2020 election regulations: 5 years for
// community bodies, 3 for other branches; a postponement of at most a
// year). Organisations without a recorded term are not checked.
inline constexpr char kElectionOverdue[] = "election-overdue";
// [WARNING] A live party group with no current group leader.
inline constexpr char kPartyGroupWithoutLeader[] = "party-group-without-leader";
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
// [WARNING] A probationary member admitted more than a year ago (without an
// extension), or whose extended probation has ended (with one).
inline constexpr char kProbationOverdue[] = "probation-overdue";
inline constexpr char kProbationExtensionOverdue[] = "probation-extension-overdue";
// [INFO] A compound with a property company that is not a red property.
inline constexpr char kPropertyNotRed[] = "property-company-not-red";
// [ERROR] A red owners committee where the compound has no owners committee
// in office (the body recorded is none or a 物管会, or its term has ended).
inline constexpr char kRedFlagWithoutOwnersCommittee[] = "red-flag-without-owners-committee";
// [WARNING] An active alliance whose leading party organisation is deleted
// or no longer covers the alliance's unit: nobody leads it.
inline constexpr char kAllianceWithoutLeader[] = "alliance-without-leader";
// [WARNING] An open issue (诉求) past its due time at the level handling it:
// stuck there (the service escalates overdue issues below the district one
// level at a time; at the district nothing moves it on). The message names
// the issue, the level, the handling unit and how long it is overdue, never
// the issue's free text.
inline constexpr char kIssueOverdue[] = "issue-overdue";
// [WARNING] A department summoned to an issue (街道吹哨) that has not
// acknowledged it (部门报到) by the dispatch's due time. Only the dispatches
// of open issues handled by a street or the district are read.
inline constexpr char kDispatchNotAcknowledged[] = "dispatch-not-acknowledged";
// [INFO] A live building with no current building lead.
inline constexpr char kBuildingWithoutLead[] = "building-without-lead";
// [WARNING] A compound-level unit with no property company, no work team
// and no first secretary at a branch covering it: nobody is charged with it.
inline constexpr char kCompoundUnattended[] = "compound-unattended";
// [INFO] An in-service member living in the subtree who is not registered
// with the community they live in (双报到).
inline constexpr char kInServiceNotRegistered[] = "in-service-not-registered";
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
