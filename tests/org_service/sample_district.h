#ifndef GRASSROOTS_TESTS_ORG_SERVICE_SAMPLE_DISTRICT_H_
#define GRASSROOTS_TESTS_ORG_SERVICE_SAMPLE_DISTRICT_H_

// The sample district the integration tests create through an OrgClient.

#include <vector>

#include "absl/status/statusor.h"
#include "grassroots/org/v1/resources.pb.h"
#include "tests/org_service/org_client_wrapper.h"

namespace grassroots::org::testing {

namespace v1 = ::grassroots::org::v1;

// A small district with every level and the party organisations of the
// articles:
//
//   江汉区 district
//   ├─ 民族街道 street1  ── working_committee1
//   │   ├─ 水塔社区 community1  ── party_committee (under working_committee1)
//   │   │   ├─ 幸福花园 compound1 (commodity, red property)  ── branch (under party_committee)
//   │   │   │   ├─ 1栋 building1  ┐
//   │   │   │   └─ 2栋 building2  ┴─ party_group (under branch)
//   │   │   ├─ 老街小区 compound2 (old)  ┐
//   │   │   │   └─ 1栋 building3         ├─ joint_branch (under party_committee)
//   │   │   └─ 建设小区 compound3        ┘
//   │   └─ 友谊社区 community2
//   │       └─ 阳光花园 compound4 (resettlement)
//   │           ├─ 1栋 building4
//   │           └─ 2栋 building5
//   └─ 花楼街道 street2  ── working_committee2
//       └─ 交易社区 community3
//           └─ 江滩家园 compound5 (urban village)
//
// Each member holds what the server returned when it was created. They are
// created in the order of AllUnits() then AllPartyOrgs(), one revision each.
struct SampleDistrict {
  v1::Unit district;
  v1::Unit street1, street2;
  v1::Unit community1, community2, community3;
  v1::Unit compound1, compound2, compound3, compound4, compound5;
  v1::Unit building1, building2, building3, building4, building5;
  v1::PartyOrg working_committee1, working_committee2;
  v1::PartyOrg party_committee, branch, joint_branch, party_group;

  // In creation order.
  std::vector<v1::Unit> AllUnits() const {
    return {district,  street1,   street2,   community1, community2, community3,
            compound1, compound2, compound3, compound4,  compound5,  building1,
            building2, building3, building4, building5};
  }
  std::vector<v1::PartyOrg> AllPartyOrgs() const {
    return {working_committee1, working_committee2, party_committee, branch,
            joint_branch,       party_group};
  }
};

// Creates the sample district, stopping at the first error.
absl::StatusOr<SampleDistrict> CreateSampleDistrict(const OrgClient& client);

}  // namespace grassroots::org::testing

#endif  // GRASSROOTS_TESTS_ORG_SERVICE_SAMPLE_DISTRICT_H_
