#ifndef GRASSROOTS_TESTS_ORG_CLIENT_SAMPLE_STREET_H_
#define GRASSROOTS_TESTS_ORG_CLIENT_SAMPLE_STREET_H_

// A large street for the replica's hierarchy, shared by its test (what
// PlacesUnder returns) and its benchmark (bench/org_hierarchy_bench.cc: how
// fast).

#include <cstdint>

#include "org_client/org_hierarchy.h"

namespace grassroots::org_client::testing {

// Adds a street with `communities` communities, 25 compounds each, 20
// buildings each, and a branch per compound (20 communities: 10521 units
// and 500 branches); ids from 1. Returns the street's id.
inline int64_t AddSampleStreet(OrgHierarchy& hierarchy, int communities = 20) {
  int64_t next_id = 1;
  const int64_t street = next_id++;
  hierarchy.PutUnit({street, 0});
  for (int c = 0; c < communities; ++c) {
    const int64_t community = next_id++;
    hierarchy.PutUnit({community, street});
    for (int k = 0; k < 25; ++k) {
      const int64_t compound = next_id++;
      hierarchy.PutUnit({compound, community});
      hierarchy.PutPartyOrg({.id = compound, .unit_ids = {compound}});
      for (int b = 0; b < 20; ++b) hierarchy.PutUnit({next_id++, compound});
    }
  }
  return street;
}

}  // namespace grassroots::org_client::testing

#endif  // GRASSROOTS_TESTS_ORG_CLIENT_SAMPLE_STREET_H_
