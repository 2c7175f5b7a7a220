#include "activity_service/activity_event.h"

namespace grassroots::activity {
namespace {

struct NameOf {
  std::string operator()(const Activity& activity) const { return ActivityName(activity.id); }
  std::string operator()(const Attendance& attendance) const {
    return AttendanceName(attendance.activity_id, attendance.id);
  }
  std::string operator()(const CreditEntry& entry) const {
    return CreditEntryName(entry.person_id, entry.id);
  }
  std::string operator()(const ServicePoint& point) const { return ServicePointName(point.id); }
};

}  // namespace

std::string SnapshotName(const Snapshot& snapshot) { return std::visit(NameOf{}, snapshot); }

}  // namespace grassroots::activity
