#include "casework_service/casework_event.h"

namespace grassroots::casework {
namespace {

struct NameOf {
  std::string operator()(const Issue& issue) const { return IssueName(issue.id); }
  std::string operator()(const Dispatch& dispatch) const {
    return DispatchName(dispatch.issue_id, dispatch.id);
  }
};

}  // namespace

std::string SnapshotName(const Snapshot& snapshot) { return std::visit(NameOf{}, snapshot); }

}  // namespace grassroots::casework
