# Backend faults while the gateway serves: a service stopped, hung
# (SIGSTOP) or restarted under calls and streams; a slow org service under
# roster writes. Calls fail fast and cleanly; the gateway recovers by itself.
grassroots_test(reliability_faults_test
  SOURCES backend_faults_test.cc
  LIBS org_proto roster_proto gateway_proto grassroots_grpc_common
  LABELS reliability integration)
target_compile_definitions(reliability_faults_test PRIVATE
  ORG_SERVICE_BINARY="$<TARGET_FILE:org_service>"
  ROSTER_SERVICE_BINARY="$<TARGET_FILE:roster_service>"
  GATEWAY_BINARY="$<TARGET_FILE:gateway>")
add_dependencies(reliability_faults_test org_service roster_service gateway)
