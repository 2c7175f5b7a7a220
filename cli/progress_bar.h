#ifndef GRASSROOTS_CLI_PROGRESS_BAR_H_
#define GRASSROOTS_CLI_PROGRESS_BAR_H_

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <string>
#include <utility>

namespace grassroots::cli {

// A bar on stderr, drawn only when stderr is a terminal, so that logs and
// pipes get none.
class ProgressBar {
 public:
  // `unit` names what is counted ("rows", "units").
  explicit ProgressBar(int64_t total, std::string unit = "rows")
      : total_(total), unit_(std::move(unit)), shown_(total > 0 && isatty(STDERR_FILENO) == 1) {}
  ~ProgressBar() { Clear(); }

  void Update(int64_t done, int items) {
    if (!shown_) return;
    const int percent = static_cast<int>(100 * std::min(done, total_) / total_);
    if (percent == percent_) return;
    percent_ = percent;
    const int filled = percent * kWidth / 100;
    std::cerr << "\r[" << std::string(filled, '#') << std::string(kWidth - filled, '.') << "] "
              << percent << "%  " << items << " " << unit_ << std::flush;
  }

  // Erases the bar, so that what follows starts on a clean line.
  void Clear() {
    if (shown_ && percent_ >= 0) std::cerr << "\r\033[K" << std::flush;
    percent_ = -1;
  }

 private:
  static constexpr int kWidth = 40;
  const int64_t total_;
  const std::string unit_;
  const bool shown_;
  int percent_ = -1;
};

}  // namespace grassroots::cli

#endif  // GRASSROOTS_CLI_PROGRESS_BAR_H_
