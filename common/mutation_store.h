#ifndef GRASSROOTS_COMMON_MUTATION_STORE_H_
#define GRASSROOTS_COMMON_MUTATION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mutation.h"

namespace grassroots {

// The payload under which a store's error says, in words an operator can act
// on, what keeps it from using its storage: "the disk is full", "the file
// system is read-only", "an I/O error occurred (Input/output error)". Set
// only for such faults, so that a service can tell its callers why a write
// failed without knowing how its store keeps data (and without passing them
// file names).
inline constexpr absl::string_view kStorageFaultCause = "grassroots/storage-fault-cause";

// Durable storage of a service's resources, their history and its event log.
// The service keeps its working state in memory and uses the store to
// persist mutations and to read back the event log; the store never decides
// a business rule. `Stored` is the whole current state, as loaded at start.
//
// Implementations are thread-safe. Commit is called from one writer thread
// at a time; ReadEvents and LookupRequest may be called from any thread
// concurrently with Commit.
template <typename Snapshot, typename Stored>
class MutationStore {
 public:
  virtual ~MutationStore() = default;

  // Reads the current state. Called at start-up, and to recover after a
  // failed commit.
  virtual absl::StatusOr<Stored> Load() = 0;

  // Persists `mutations` (consecutive revisions, ascending) in one
  // transaction: every change's `after` becomes the current row of its
  // resource and a history row, every change becomes an event, every
  // request_id is remembered. When it returns OK the batch is durable (it
  // survives kill -9 and power loss); otherwise nothing of it is stored.
  // Errors: UNAVAILABLE for a full disk, a read-only or locked database
  // (retryable once the cause is fixed), INTERNAL for an I/O error or a bad
  // batch, DATA_LOSS for a corrupt file; kStorageFaultCause says which
  // fault of the storage it was, when it was one.
  virtual absl::Status Commit(const std::vector<Mutation<Snapshot>>& mutations) = 0;

  // Up to `limit` events from (start_revision, start_index) on, in
  // (revision, index) order.
  virtual absl::StatusOr<std::vector<Event<Snapshot>>> ReadEvents(int64_t start_revision,
                                                                  int32_t start_index,
                                                                  int limit) = 0;

  // The resource name a committed create with `request_id` produced, or
  // nullopt when no committed create carried it.
  virtual absl::StatusOr<std::optional<std::string>> LookupRequest(
      absl::string_view request_id) = 0;
};

}  // namespace grassroots

#endif  // GRASSROOTS_COMMON_MUTATION_STORE_H_
