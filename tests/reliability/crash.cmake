# Crash durability through the gateway: concurrent writers, kill -9 of
# org_service or roster_service at random moments, every acknowledged write
# checked after each restart. GRASSROOTS_CRASH_ROUNDS (default 20) and
# GRASSROOTS_CRASH_SEED (default random, printed) bound and replay it.
grassroots_test(reliability_crash_test
  SOURCES crash_durability_test.cc
  LIBS org_proto roster_proto gateway_proto grassroots_grpc_common
  LABELS reliability integration)
target_compile_definitions(reliability_crash_test PRIVATE
  ORG_SERVICE_BINARY="$<TARGET_FILE:org_service>"
  ROSTER_SERVICE_BINARY="$<TARGET_FILE:roster_service>"
  GATEWAY_BINARY="$<TARGET_FILE:gateway>")
add_dependencies(reliability_crash_test org_service roster_service gateway)
