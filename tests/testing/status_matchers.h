#ifndef GRASSROOTS_TESTS_TESTING_STATUS_MATCHERS_H_
#define GRASSROOTS_TESTS_TESTING_STATUS_MATCHERS_H_

// gMock matchers for grpc::Status, absl::Status and absl::StatusOr<T>
// (abseil 20220623 ships none), and the ASSERT_OK family of macros.
//
//   EXPECT_THAT(status, StatusIs(grpc::StatusCode::NOT_FOUND, HasSubstr("units/9")));
//   EXPECT_THAT(client.GetUnit("units/1"), IsOk());
//   EXPECT_THAT(ParseX("7"), IsOkAndHolds(7));
//   ASSERT_OK_AND_ASSIGN(v1::Unit unit, client.CreateUnit(...));
//
// StatusIs and IsOk take any of the three types; the codes of gRPC and
// abseil share their numbers, so either enum may be used with either.

#include <ostream>
#include <string>
#include <type_traits>
#include <utility>

#include "absl/base/config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "common/grpc_status.h"
#include "gmock/gmock.h"
#include "grpcpp/support/status.h"

namespace grassroots::testing {

// grpc::Status -> absl::Status, keeping the code and the message: the
// suite's one conversion (common/grpc_status.h).
inline absl::Status ToAbslStatus(const grpc::Status& status) { return FromGrpcStatus(status); }

inline absl::StatusCode ToAbslCode(grpc::StatusCode code) { return FromGrpcCode(code); }

namespace internal_status {

// The code and message of any of the status types.
struct StatusParts {
  absl::StatusCode code = absl::StatusCode::kOk;
  std::string message;

  std::string ToString() const {
    if (code == absl::StatusCode::kOk) return "OK";
    return absl::StrCat(absl::StatusCodeToString(code), ": ", message);
  }
};

inline StatusParts PartsOf(const absl::Status& status) {
  return {status.code(), std::string(status.message())};
}
inline StatusParts PartsOf(const grpc::Status& status) {
  return {ToAbslCode(status.error_code()), status.error_message()};
}
template <typename T>
StatusParts PartsOf(const absl::StatusOr<T>& status_or) {
  return PartsOf(status_or.status());
}

class StatusIsMatcher {
 public:
  StatusIsMatcher(::testing::Matcher<absl::StatusCode> code,
                  ::testing::Matcher<const std::string&> message)
      : code_(std::move(code)), message_(std::move(message)) {}

  template <typename T>
  operator ::testing::Matcher<T>() const {  // NOLINT: implicit by design
    return ::testing::Matcher<T>(new Impl<T>(code_, message_));
  }

 private:
  template <typename T>
  class Impl : public ::testing::MatcherInterface<T> {
   public:
    Impl(::testing::Matcher<absl::StatusCode> code, ::testing::Matcher<const std::string&> message)
        : code_(std::move(code)), message_(std::move(message)) {}

    bool MatchAndExplain(T value, ::testing::MatchResultListener* listener) const override {
      const StatusParts parts = PartsOf(value);
      *listener << "whose status is " << parts.ToString();
      ::testing::StringMatchResultListener inner;
      if (!code_.MatchAndExplain(parts.code, &inner)) {
        if (!inner.str().empty()) *listener << ", and its code " << inner.str();
        return false;
      }
      if (!message_.MatchAndExplain(parts.message, &inner)) {
        if (!inner.str().empty()) *listener << ", and its message " << inner.str();
        return false;
      }
      return true;
    }

    void DescribeTo(std::ostream* os) const override {
      *os << "has a status code that ";
      code_.DescribeTo(os);
      *os << " and a message that ";
      message_.DescribeTo(os);
    }

    void DescribeNegationTo(std::ostream* os) const override {
      *os << "has a status code that ";
      code_.DescribeNegationTo(os);
      *os << " or a message that ";
      message_.DescribeNegationTo(os);
    }

   private:
    ::testing::Matcher<absl::StatusCode> code_;
    ::testing::Matcher<const std::string&> message_;
  };

  ::testing::Matcher<absl::StatusCode> code_;
  ::testing::Matcher<const std::string&> message_;
};

class IsOkMatcher {
 public:
  template <typename T>
  operator ::testing::Matcher<T>() const {  // NOLINT: implicit by design
    return ::testing::Matcher<T>(new Impl<T>());
  }

 private:
  template <typename T>
  class Impl : public ::testing::MatcherInterface<T> {
   public:
    bool MatchAndExplain(T value, ::testing::MatchResultListener* listener) const override {
      const StatusParts parts = PartsOf(value);
      if (parts.code == absl::StatusCode::kOk) return true;
      *listener << "whose status is " << parts.ToString();
      return false;
    }
    void DescribeTo(std::ostream* os) const override { *os << "is OK"; }
    void DescribeNegationTo(std::ostream* os) const override { *os << "is not OK"; }
  };
};

template <typename InnerMatcher>
class IsOkAndHoldsMatcher {
 public:
  explicit IsOkAndHoldsMatcher(InnerMatcher inner) : inner_(std::move(inner)) {}

  template <typename StatusOrType>
  operator ::testing::Matcher<StatusOrType>() const {  // NOLINT: implicit by design
    using Value = typename std::decay_t<StatusOrType>::value_type;
    return ::testing::Matcher<StatusOrType>(
        new Impl<StatusOrType, Value>(::testing::SafeMatcherCast<const Value&>(inner_)));
  }

 private:
  template <typename StatusOrType, typename Value>
  class Impl : public ::testing::MatcherInterface<StatusOrType> {
   public:
    explicit Impl(::testing::Matcher<const Value&> inner) : inner_(std::move(inner)) {}

    bool MatchAndExplain(StatusOrType value,
                         ::testing::MatchResultListener* listener) const override {
      if (!value.ok()) {
        *listener << "whose status is " << PartsOf(value).ToString();
        return false;
      }
      ::testing::StringMatchResultListener inner;
      const bool matches = inner_.MatchAndExplain(*value, &inner);
      *listener << "whose value " << ::testing::PrintToString(*value);
      if (!inner.str().empty()) *listener << ", " << inner.str();
      return matches;
    }

    void DescribeTo(std::ostream* os) const override {
      *os << "is OK and has a value that ";
      inner_.DescribeTo(os);
    }
    void DescribeNegationTo(std::ostream* os) const override {
      *os << "is not OK or has a value that ";
      inner_.DescribeNegationTo(os);
    }

   private:
    ::testing::Matcher<const Value&> inner_;
  };

  InnerMatcher inner_;
};

}  // namespace internal_status

// The code most validation tests expect, spelled short.
inline constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;

// Matches a status (or the status of a StatusOr) whose code matches `code`
// and whose message matches `message` (anything when omitted).
inline internal_status::StatusIsMatcher StatusIs(
    ::testing::Matcher<absl::StatusCode> code,
    ::testing::Matcher<const std::string&> message = ::testing::_) {
  return internal_status::StatusIsMatcher(std::move(code), std::move(message));
}
inline internal_status::StatusIsMatcher StatusIs(
    grpc::StatusCode code, ::testing::Matcher<const std::string&> message = ::testing::_) {
  return StatusIs(::testing::Eq(ToAbslCode(code)), std::move(message));
}

// Matches an OK status, or a StatusOr holding a value.
inline internal_status::IsOkMatcher IsOk() { return {}; }

// Matches a StatusOr holding a value that matches `inner`.
template <typename InnerMatcher>
internal_status::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>> IsOkAndHolds(
    InnerMatcher&& inner) {
  return internal_status::IsOkAndHoldsMatcher<std::decay_t<InnerMatcher>>(
      std::forward<InnerMatcher>(inner));
}

}  // namespace grassroots::testing

namespace absl {
ABSL_NAMESPACE_BEGIN
// Lets gtest print a StatusOr as its status or its value rather than as raw
// bytes: abseil 20220623 has no operator<< for it. Found by ADL; remove when
// abseil provides one.
template <typename T>
void PrintTo(const StatusOr<T>& status_or, std::ostream* os) {
  if (status_or.ok()) {
    *os << "OK: " << ::testing::PrintToString(*status_or);
  } else {
    *os << status_or.status();
  }
}
ABSL_NAMESPACE_END
}  // namespace absl

namespace grpc {
// The same for grpc::Status, which has no operator<< either.
inline void PrintTo(const Status& status, std::ostream* os) {
  *os << ::grassroots::testing::internal_status::PartsOf(status).ToString();
}
}  // namespace grpc

#define GRASSROOTS_TESTING_CONCAT_INNER_(a, b) a##b
#define GRASSROOTS_TESTING_CONCAT_(a, b) GRASSROOTS_TESTING_CONCAT_INNER_(a, b)

// EXPECT_OK(expr) / ASSERT_OK(expr): `expr` is an OK status (any type).
#define EXPECT_OK(expr) EXPECT_THAT((expr), ::grassroots::testing::IsOk())
#define ASSERT_OK(expr) ASSERT_THAT((expr), ::grassroots::testing::IsOk())

// ASSERT_OK_AND_ASSIGN(auto value, MakeStatusOr());
// Declares or assigns `lhs` from the value of an absl::StatusOr, or fails
// the test (returning from the enclosing void function) when not OK.
#define ASSERT_OK_AND_ASSIGN(lhs, expr)          \
  GRASSROOTS_TESTING_ASSERT_OK_AND_ASSIGN_IMPL_( \
      GRASSROOTS_TESTING_CONCAT_(grassroots_testing_statusor_, __LINE__), lhs, expr)
#define GRASSROOTS_TESTING_ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                                  \
  ASSERT_THAT(statusor.status(), ::grassroots::testing::IsOk());           \
  lhs = std::move(statusor).value()

#endif  // GRASSROOTS_TESTS_TESTING_STATUS_MATCHERS_H_
