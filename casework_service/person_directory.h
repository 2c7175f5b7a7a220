#ifndef GRASSROOTS_CASEWORK_SERVICE_PERSON_DIRECTORY_H_
#define GRASSROOTS_CASEWORK_SERVICE_PERSON_DIRECTORY_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace grassroots::casework {

// What the casework core needs of the roster: whether a person an issue
// names (its reporter, its assignee) exists and is live. The server's
// implementation asks the roster service (roster_people.h).
//
// Thread-safe.
class PersonDirectory {
 public:
  virtual ~PersonDirectory() = default;
  // `done` gets OK for a live person, NOT_FOUND for an unknown one,
  // FAILED_PRECONDITION for a deleted one, UNAVAILABLE (or
  // DEADLINE_EXCEEDED) when the roster cannot answer; never blocks.
  virtual void CheckPerson(int64_t person_id, std::function<void(absl::Status)> done) = 0;
};

}  // namespace grassroots::casework

#endif  // GRASSROOTS_CASEWORK_SERVICE_PERSON_DIRECTORY_H_
