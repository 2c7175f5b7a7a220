#ifndef GRASSROOTS_FUZZ_FUZZ_CHECK_H_
#define GRASSROOTS_FUZZ_FUZZ_CHECK_H_

// FUZZ_CHECK(condition) << "what": a property that must hold for every
// input. When it does not, prints the message and aborts, which libFuzzer
// reports as a crash and saves the input for. Active in every build type,
// unlike assert(). Personal data in the message is masked.

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>

#include "common/personal_data.h"

namespace grassroots::fuzz {

class CheckFailure {
 public:
  CheckFailure(const char* file, int line, const char* condition) {
    out_ << file << ":" << line << ": property failed: " << condition << ": ";
  }
  [[noreturn]] ~CheckFailure() {
    std::fprintf(stderr, "%s\n", RedactPersonalData(out_.str()).c_str());
    std::abort();
  }
  template <typename T>
  CheckFailure& operator<<(const T& value) {
    out_ << value;
    return *this;
  }

 private:
  std::ostringstream out_;
};

// Lets the failure's stream expression stand as the false branch of ?:.
struct Voidify {
  void operator&(const CheckFailure&) {}
};

}  // namespace grassroots::fuzz

#define FUZZ_CHECK(condition)                   \
  (condition) ? static_cast<void>(0)            \
              : ::grassroots::fuzz::Voidify() & \
                    ::grassroots::fuzz::CheckFailure(__FILE__, __LINE__, #condition)

#endif  // GRASSROOTS_FUZZ_FUZZ_CHECK_H_
