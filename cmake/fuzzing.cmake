# libFuzzer build (GRASSROOTS_FUZZ), included before any subdirectory.
#
# Every library is built with libFuzzer's coverage instrumentation
# (fuzzer-no-link) and with AddressSanitizer and UBSan, so that the fuzz
# targets in fuzz/ see the coverage of the product code they drive and stop
# at the first memory error or undefined behaviour. Only the fuzz targets
# link libFuzzer itself (-fsanitize=fuzzer, in fuzz/CMakeLists.txt): the
# servers, tools and tests of this build stay ordinary programs, sanitized.
# That is the "asan" preset: one clang build serves both the sanitized test
# run and the fuzzers (a second build of every library with the same
# sanitizers would cost CI a quarter of an hour).
#
# gRPC, protobuf and abseil are Debian's gcc-built shared libraries; clang
# with libstdc++ links against them as it is.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "GRASSROOTS_FUZZ needs clang for libFuzzer (Debian: clang and libclang-rt-14-dev); "
    "configure with CC=clang CXX=clang++. The C++ compiler is ${CMAKE_CXX_COMPILER_ID}.")
endif()
if(GRASSROOTS_ASAN OR GRASSROOTS_TSAN)
  message(FATAL_ERROR "GRASSROOTS_FUZZ brings its own sanitizers; turn GRASSROOTS_ASAN and GRASSROOTS_TSAN off.")
endif()

# -O1 is what libFuzzer's documentation suggests: fast enough to run, quick
# to build. No -DNDEBUG, so that assertions are checked while fuzzing.
# Line tables are all a stack trace needs, and build faster than full -g.
set(CMAKE_CXX_FLAGS_RELWITHDEBINFO "-O1 -gline-tables-only")
set(CMAKE_CXX_FLAGS_RELEASE "-O1 -gline-tables-only")
set(CMAKE_CXX_FLAGS_DEBUG "-O0 -g")

add_compile_options(
  -fsanitize=fuzzer-no-link,address,undefined
  -fno-sanitize-recover=undefined
  -fno-omit-frame-pointer)
add_link_options(-fsanitize=address,undefined)
