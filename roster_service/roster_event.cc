#include "roster_service/roster_event.h"

#include <variant>

namespace grassroots::roster {
namespace {

struct NameOf {
  std::string operator()(const Person& person) const { return PersonName(person.id); }
  std::string operator()(const Membership& membership) const {
    return MembershipName(membership.person_id, membership.id);
  }
  std::string operator()(const Registration& registration) const {
    return RegistrationName(registration.person_id, registration.id);
  }
  std::string operator()(const RoleAssignment& assignment) const {
    return RoleAssignmentName(assignment.id);
  }
};

}  // namespace

std::string SnapshotName(const Snapshot& snapshot) { return std::visit(NameOf{}, snapshot); }

}  // namespace grassroots::roster
