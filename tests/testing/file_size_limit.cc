#include "tests/testing/file_size_limit.h"

namespace grassroots::testing {

FileSizeLimit::FileSizeLimit(rlim_t bytes) {
  old_handler_ = signal(SIGXFSZ, SIG_IGN);
  getrlimit(RLIMIT_FSIZE, &saved_);
  rlimit limit = saved_;
  limit.rlim_cur = bytes;
  ok_ = setrlimit(RLIMIT_FSIZE, &limit) == 0;
}

FileSizeLimit::~FileSizeLimit() {
  setrlimit(RLIMIT_FSIZE, &saved_);
  signal(SIGXFSZ, old_handler_);
}

}  // namespace grassroots::testing
