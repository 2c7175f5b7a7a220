#ifndef GRASSROOTS_TESTS_TESTING_PROTO_MATCHERS_H_
#define GRASSROOTS_TESTS_TESTING_PROTO_MATCHERS_H_

// EqualsProto(expected): matches a protobuf message equal to `expected`
// field by field (google::protobuf::util::MessageDifferencer), explaining a
// mismatch with the differing fields.
//
//   EXPECT_THAT(after_restart, EqualsProto(before_restart));
//   EXPECT_THAT(units, ElementsAreArray(EqualsProtos(expected_units)));

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"

namespace grassroots::testing {
namespace internal_proto {

class EqualsProtoMatcher {
 public:
  explicit EqualsProtoMatcher(const google::protobuf::Message& expected)
      : expected_(expected.New()) {
    expected_->CopyFrom(expected);
  }

  template <typename T>
  operator ::testing::Matcher<T>() const {  // NOLINT: implicit by design
    return ::testing::Matcher<T>(new Impl<T>(expected_));
  }

 private:
  template <typename T>
  class Impl : public ::testing::MatcherInterface<T> {
   public:
    explicit Impl(std::shared_ptr<const google::protobuf::Message> expected)
        : expected_(std::move(expected)) {}

    bool MatchAndExplain(T actual, ::testing::MatchResultListener* listener) const override {
      const google::protobuf::Message& message = actual;
      if (message.GetDescriptor() != expected_->GetDescriptor()) {
        *listener << "which is a " << message.GetDescriptor()->full_name();
        return false;
      }
      std::string differences;
      google::protobuf::util::MessageDifferencer differencer;
      differencer.ReportDifferencesToString(&differences);
      if (differencer.Compare(*expected_, message)) return true;
      *listener << "which differs (expected -> actual):\n" << differences;
      return false;
    }

    void DescribeTo(std::ostream* os) const override {
      *os << "equals <" << expected_->ShortDebugString() << ">";
    }
    void DescribeNegationTo(std::ostream* os) const override {
      *os << "does not equal <" << expected_->ShortDebugString() << ">";
    }

   private:
    std::shared_ptr<const google::protobuf::Message> expected_;
  };

  std::shared_ptr<google::protobuf::Message> expected_;
};

}  // namespace internal_proto

inline internal_proto::EqualsProtoMatcher EqualsProto(const google::protobuf::Message& expected) {
  return internal_proto::EqualsProtoMatcher(expected);
}

// One EqualsProto matcher per element, for ElementsAreArray:
//   EXPECT_THAT(actual, ElementsAreArray(EqualsProtos(expected)));
template <typename Message>
std::vector<::testing::Matcher<const Message&>> EqualsProtos(const std::vector<Message>& expected) {
  std::vector<::testing::Matcher<const Message&>> matchers;
  matchers.reserve(expected.size());
  for (const Message& message : expected) matchers.push_back(EqualsProto(message));
  return matchers;
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_PROTO_MATCHERS_H_
