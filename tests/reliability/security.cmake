# Security: logs scanned for tokens and personal data after a realistic
# session, tokens at rest and in flight, bad page tokens and page sizes, a
# connection flood from one principal, TLS to the services. Three real
# processes (and, for some tests, a second gateway) on loopback.
grassroots_test(security_test
  SOURCES security_test.cc
  LIBS org_proto roster_proto gateway_proto grassroots_grpc_common grassroots_common
  LABELS reliability security integration)
target_compile_definitions(security_test PRIVATE
  ORG_SERVICE_BINARY="$<TARGET_FILE:org_service>"
  ROSTER_SERVICE_BINARY="$<TARGET_FILE:roster_service>"
  GATEWAY_BINARY="$<TARGET_FILE:gateway>")
add_dependencies(security_test org_service roster_service gateway)
