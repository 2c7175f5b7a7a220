#ifndef GRASSROOTS_COMMON_STATUS_MACROS_H_
#define GRASSROOTS_COMMON_STATUS_MACROS_H_

// abseil 20220623 ships no status macros; these are the two we use.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define GRASSROOTS_CONCAT_INNER_(a, b) a##b
#define GRASSROOTS_CONCAT_(a, b) GRASSROOTS_CONCAT_INNER_(a, b)

// Returns from the enclosing function when `expr` (an absl::Status) is not OK.
#define RETURN_IF_ERROR(expr)                                \
  do {                                                       \
    ::absl::Status grassroots_status_ = (expr);              \
    if (!grassroots_status_.ok()) return grassroots_status_; \
  } while (0)

// `ASSIGN_OR_RETURN(auto x, MakeX());` declares or assigns `lhs` from the
// value of an absl::StatusOr, or returns its status from the enclosing
// function.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(GRASSROOTS_CONCAT_(grassroots_statusor_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr)        \
  auto statusor = (expr);                                  \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = *std::move(statusor)

#endif  // GRASSROOTS_COMMON_STATUS_MACROS_H_
