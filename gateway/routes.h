#ifndef GRASSROOTS_GATEWAY_ROUTES_H_
#define GRASSROOTS_GATEWAY_ROUTES_H_

// Every method the gateway forwards, and what it takes to allow it: which
// backend serves it, its shape, the action the caller's role must allow,
// the resources the request names (each must be in the caller's scope), and
// how a response is filtered to the scope.
//
// The table is the one place that knows the services' APIs field by field;
// the forwarder knows none of them.

#include <grpcpp/support/byte_buffer.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gateway/principal.h"
#include "gateway/scope_checker.h"

namespace grassroots::gateway {

enum class Backend : int8_t { kOrg, kRoster, kCasework, kActivity };
enum class CallShape : int8_t { kUnary, kServerStream, kClientStream };

// Decides whether one item of a response is in scope: nullopt when it
// cannot be decided without a lookup.
using KeepFn = std::function<std::optional<bool>(const Target&)>;

enum class FilterOutcome : int8_t {
  kUnchanged,  // every item stays; the bytes are forwarded as they came
  kChanged,    // items were removed; the buffer now holds the filtered message
  kUndecided,  // `keep` could not decide an item; nothing was changed
  kEmpty,      // a stream message with nothing left: skip it
  kDenied,     // a single resource outside the scope
};

struct Route {
  std::string method;      // "/grassroots.org.v1.OrgService/GetUnit"
  std::string short_name;  // "OrgService.GetUnit", for logs and messages
  Backend backend = Backend::kOrg;
  CallShape shape = CallShape::kUnary;
  Action action = Action::kRead;

  // What a request message names that must lie in the caller's scope.
  // INVALID_ARGUMENT (naming the field) for a name that does not parse;
  // PERMISSION_DENIED for what only a principal with every district in
  // scope may ask (a new district, a person placed nowhere). Called for
  // scoped principals only; for streams, once per request message.
  std::function<absl::StatusOr<std::vector<Target>>(const grpc::ByteBuffer&)> targets;

  // Filters one response message to the scope; null when a response needs
  // none (it is about what the request named, already checked).
  std::function<FilterOutcome(grpc::ByteBuffer&, const KeepFn&)> filter;

  // For a principal without the personal-data grant, refuses (with
  // PERMISSION_DENIED naming the field) a request that would test a guess
  // against personal data it may not see: a lookup by ID-card number, a
  // birth date checked against a hidden number, a key that is an ID-card
  // number. Null when the method has nothing of the kind. Called for every
  // principal without the grant, scoped or not; for streams, once per
  // request message.
  std::function<absl::Status(const grpc::ByteBuffer&)> needs_grant;

  // A lookup by something other than a name (an ID-card number): for a
  // scoped principal NOT_FOUND and "outside" must look alike, so both
  // become PERMISSION_DENIED with this message.
  std::string hide_not_found_message;

  // For a paged list, the field numbers of the request's page_token and
  // page_size and of the response's next_page_token (0 for other methods),
  // read from the messages' descriptors: the gateway seals the tokens
  // (gateway/page_token_sealer.h).
  int page_token_field = 0;
  int page_size_field = 0;
  int next_page_token_field = 0;
  // read_revision, which a client may pin from the second page on (the
  // service checks it against its token): not part of the query either.
  int read_revision_field = 0;
};

// `people/{id}` in a service's message, replaced by "another person" (a
// person's memberships, registrations and role assignments alike), for a
// principal who may not know who that is.
std::string RedactPersonNames(const std::string& message);

// The forwarded methods by full name. Immutable once built; thread-safe.
class RouteTable {
 public:
  RouteTable();
  RouteTable(const RouteTable&) = delete;  // by_method_ points into routes_
  RouteTable& operator=(const RouteTable&) = delete;
  const Route* Find(const std::string& method) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  absl::flat_hash_map<std::string, const Route*> by_method_;
};

}  // namespace grassroots::gateway

#endif  // GRASSROOTS_GATEWAY_ROUTES_H_
