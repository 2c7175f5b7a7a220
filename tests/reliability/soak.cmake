# A bounded soak through the gateway: mixed reads and writes from many
# concurrent clients, then memory, file descriptors and threads of the three
# processes compared with their values after warm-up. GRASSROOTS_SOAK_SECONDS
# sets how long the load runs (default 40 for CI; a real soak is e.g.
# GRASSROOTS_SOAK_SECONDS=600 ctest -L soak -V).
grassroots_test(soak_test
  SOURCES soak_test.cc
  LIBS gateway_testing grassroots_common
  LABELS reliability soak)
# The test relaunches the services itself.
target_compile_definitions(soak_test PRIVATE
  ORG_SERVICE_BINARY="$<TARGET_FILE:org_service>"
  ROSTER_SERVICE_BINARY="$<TARGET_FILE:roster_service>")
