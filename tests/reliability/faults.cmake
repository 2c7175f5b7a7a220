# Backend faults while the gateway serves: a service stopped, hung
# (SIGSTOP) or restarted under calls and streams; a slow org service under
# roster writes. Calls fail fast and cleanly; the gateway recovers by itself.
grassroots_test(reliability_faults_test
  SOURCES backend_faults_test.cc
  LIBS reliability_testing
  LABELS reliability integration)
