#ifndef GRASSROOTS_TESTS_TESTING_LABEL_TABLE_CHECKS_H_
#define GRASSROOTS_TESTS_TESTING_LABEL_TABLE_CHECKS_H_

// The properties every table of Chinese labels (org_service/org_labels.h)
// must have, checked for one enum whose values run from 1 to `last`.

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "org_service/org_labels.h"

namespace grassroots::testing {

// Every value 1..last has a label and the table holds nothing else;
// label → value round-trips; no two values share a label or an alias.
template <typename Enum>
void ExpectCompleteLabelTable(Enum last) {
  const int count = static_cast<int>(last);
  EXPECT_EQ(Labels<Enum>().size(), static_cast<size_t>(count));
  std::set<std::string> spellings;
  for (int n = 1; n <= count; ++n) {
    const Enum value = static_cast<Enum>(n);
    const absl::string_view label = Label(value);
    EXPECT_FALSE(label.empty()) << "value " << n << " has no label";
    EXPECT_EQ(ParseLabel<Enum>(label), value) << label;
  }
  for (const EnumLabel<Enum>& entry : Labels<Enum>()) {
    EXPECT_TRUE(spellings.insert(std::string(entry.label)).second)
        << entry.label << " is the label of two values";
    for (absl::string_view alias : entry.aliases) {
      if (alias.empty()) continue;
      EXPECT_TRUE(spellings.insert(std::string(alias)).second)
          << alias << " is the spelling of two values";
      EXPECT_EQ(ParseLabel<Enum>(alias), entry.value) << alias;
    }
  }
  EXPECT_EQ(Label(static_cast<Enum>(0)), "");
  EXPECT_EQ(Label(static_cast<Enum>(count + 1)), "");
}

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_LABEL_TABLE_CHECKS_H_
