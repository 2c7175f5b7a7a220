#ifndef GRASSROOTS_ROSTER_CLIENT_PERSON_DIRECTORY_H_
#define GRASSROOTS_ROSTER_CLIENT_PERSON_DIRECTORY_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"

namespace grassroots::roster_client {

// What a backend's core needs of the roster: whether a person a resource
// names (an issue's reporter, an activity's organiser) exists and is live. The server's
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

}  // namespace grassroots::roster_client

#endif  // GRASSROOTS_ROSTER_CLIENT_PERSON_DIRECTORY_H_
