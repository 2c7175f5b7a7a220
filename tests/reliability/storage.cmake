# Storage faults: a full disk, a read-only data directory, a corrupt or
# newer-schema database file, against the real org_service and
# roster_service binaries. Mounts a small tmpfs as the data directory where
# it may (root with CAP_SYS_ADMIN, as in CI); otherwise it lowers
# RLIMIT_FSIZE and drops privileges in the child (see the test's top).
grassroots_test(storage_faults_test
  SOURCES storage_faults_test.cc
  LIBS roster_testing grassroots_common grassroots_sqlite grassroots_crypto
  LABELS reliability integration)
# The test launches the services itself.
target_compile_definitions(storage_faults_test PRIVATE
  ORG_SERVICE_BINARY="$<TARGET_FILE:org_service>"
  ROSTER_SERVICE_BINARY="$<TARGET_FILE:roster_service>")
