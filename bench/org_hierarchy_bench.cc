// How fast the replica's hierarchy lists a subtree (OrgHierarchy::PlacesUnder),
// the walk behind every scope check of the gateway and every subtree read of
// the roster. Moved here from tests/org_client/org_replica_test.cc, which
// keeps only what PlacesUnder returns. The street is the test's.

#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "org_client/org_hierarchy.h"
#include "tests/org_client/sample_street.h"

namespace grassroots::org_client {
namespace {

void BM_PlacesUnderStreet(benchmark::State& state) {
  OrgHierarchy hierarchy;
  const int64_t street = testing::AddSampleStreet(hierarchy, static_cast<int>(state.range(0)));
  size_t places = 0;
  for (auto _ : state) {
    auto under = hierarchy.PlacesUnder(street);
    if (!under.ok()) {
      state.SkipWithError("PlacesUnder failed");
      break;
    }
    places = under->size();
    benchmark::DoNotOptimize(under);
  }
  state.counters["places"] = static_cast<double>(places);
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(places));
}
BENCHMARK(BM_PlacesUnderStreet)->Arg(1)->Arg(20)->Arg(200)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace grassroots::org_client

BENCHMARK_MAIN();
