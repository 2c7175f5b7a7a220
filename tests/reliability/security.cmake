# Security: logs scanned for tokens and personal data after a realistic
# session, tokens at rest and in flight, bad page tokens and page sizes, a
# connection flood from one principal, TLS to the services. Three real
# processes (and, for some tests, a second gateway) on loopback.
grassroots_test(security_test
  SOURCES security_test.cc
  LIBS gateway_testing grassroots_common
  LABELS reliability security integration)
# The test launches a second gateway of its own.
target_compile_definitions(security_test PRIVATE
  GATEWAY_BINARY="$<TARGET_FILE:gateway>")
