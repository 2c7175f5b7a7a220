#ifndef GRASSROOTS_TESTS_TESTING_FILE_SIZE_LIMIT_H_
#define GRASSROOTS_TESTS_TESTING_FILE_SIZE_LIMIT_H_

// Lowers RLIMIT_FSIZE of this process while alive, so that writes past
// `bytes` fail with EFBIG as a full disk fails them (SQLite then reports a
// storage fault). Unlike file permissions this also works as root. SIGXFSZ
// is ignored meanwhile, or it would kill the test.

#include <signal.h>
#include <sys/resource.h>

namespace grassroots::testing {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes);
  ~FileSizeLimit();
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;

  // False when the limit could not be set.
  bool ok() const { return ok_; }

 private:
  rlimit saved_{};
  sighandler_t old_handler_;
  bool ok_ = false;
};

}  // namespace grassroots::testing

#endif  // GRASSROOTS_TESTS_TESTING_FILE_SIZE_LIMIT_H_
