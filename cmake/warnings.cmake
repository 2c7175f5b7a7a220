# Compiler warnings for our own code.
#
# -Wall -Wextra everywhere (minus two that our code uses on purpose: unused
# parameters of interface overrides, and designated or aggregate
# initialisers that leave fields at their defaults). With GRASSROOTS_WERROR
# they are errors. The option defaults to ON when the environment has
# CI=true (as CI systems set it), and the CMake presets that the scripts use
# (CMakePresets.json) turn it on, so a warning fails CI but a developer's
# own configuration keeps building while they work.
#
# -Werror is added after protos/ has been read (see the top-level
# CMakeLists.txt), so protoc's generated code keeps the warnings but never
# fails the build on them: it is not ours to fix.

add_compile_options(-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)

if(DEFINED ENV{CI} AND "$ENV{CI}" STREQUAL "true")
  set(grassroots_werror_default ON)
else()
  set(grassroots_werror_default OFF)
endif()
option(GRASSROOTS_WERROR "Turn compiler warnings into errors in our own code (ON when CI=true)"
  ${grassroots_werror_default})

# Called once the generated-code directories have been added.
#
# GCC's -Wmaybe-uninitialized stays a warning: it depends on the optimisation
# level and inlining (so differs between the RelWithDebInfo, ASan -O1 and
# TSan builds), and GCC 12 gives it falsely for values moved out of a
# std::optional inside an absl::StatusOr (ASSIGN_OR_RETURN of an
# optional<vector> in roster_service/org_replica.cc:167, a well-known kind
# of false report); a -Werror that trips on those would soon be turned off.
macro(grassroots_enable_werror)
  if(GRASSROOTS_WERROR)
    add_compile_options(-Werror $<$<CXX_COMPILER_ID:GNU>:-Wno-error=maybe-uninitialized>)
  endif()
endmacro()
