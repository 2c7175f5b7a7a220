# Crash durability through the gateway: concurrent writers, kill -9 of
# org_service or roster_service at random moments, every acknowledged write
# checked after each restart. GRASSROOTS_CRASH_ROUNDS (default 20) and
# GRASSROOTS_CRASH_SEED (default random, printed) bound and replay it.
grassroots_test(reliability_crash_test
  SOURCES crash_durability_test.cc
  LIBS reliability_testing
  LABELS reliability integration)
