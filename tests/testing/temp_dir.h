#ifndef GRASSROOTS_TESTS_TESTING_TEMP_DIR_H_
#define GRASSROOTS_TESTS_TESTING_TEMP_DIR_H_

#include <string>

#include "absl/strings/string_view.h"

namespace grassroots::testing {

// A fresh directory under $TEST_TMPDIR (or /tmp), removed with everything in
// it when the object goes away.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name.
  std::string File(absl::string_view name) const;

 private:
  std::string path_;
};

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_TEMP_DIR_H_
