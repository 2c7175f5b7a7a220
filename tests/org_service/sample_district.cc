#include "tests/org_service/sample_district.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "grassroots/org/v1/resources.pb.h"
#include "tests/org_service/org_builders.h"
#include "tests/org_service/org_client_wrapper.h"

namespace grassroots::org::testing {

absl::StatusOr<SampleDistrict> CreateSampleDistrict(const OrgClient& client) {
  SampleDistrict s;
  absl::Status status;
  const auto code = [](absl::string_view suffix) { return absl::StrCat("420103", suffix); };
  const auto unit = [&](v1::Unit* out, const v1::Unit& request) {
    if (!status.ok()) return;
    absl::StatusOr<v1::Unit> created = client.CreateUnit(request);
    if (created.ok()) {
      *out = *std::move(created);
    } else {
      status = absl::Status(
          created.status().code(),
          absl::StrCat("creating ", request.display_name(), ": ", created.status().message()));
    }
  };
  const auto org = [&](v1::PartyOrg* out, const v1::PartyOrg& request) {
    if (!status.ok()) return;
    absl::StatusOr<v1::PartyOrg> created = client.CreatePartyOrg(request);
    if (created.ok()) {
      *out = *std::move(created);
    } else {
      status = absl::Status(
          created.status().code(),
          absl::StrCat("creating ", request.display_name(), ": ", created.status().message()));
    }
  };

  v1::CompoundDetails commodity;
  commodity.set_kind(v1::CompoundDetails::COMMODITY);
  commodity.set_has_property_company(true);
  commodity.set_red_property(true);
  commodity.set_has_owners_committee(true);
  commodity.set_households(520);
  commodity.set_renovation_status(v1::CompoundDetails::NOT_NEEDED);
  v1::CompoundDetails old;
  old.set_kind(v1::CompoundDetails::OLD);
  old.set_households(180);
  old.set_renovation_status(v1::CompoundDetails::PLANNED);
  v1::CompoundDetails plain;
  plain.set_kind(v1::CompoundDetails::OLD);
  plain.set_households(96);
  v1::CompoundDetails resettlement;
  resettlement.set_kind(v1::CompoundDetails::RESETTLEMENT);
  resettlement.set_has_property_company(true);
  resettlement.set_households(640);
  v1::CompoundDetails village;
  village.set_kind(v1::CompoundDetails::URBAN_VILLAGE);
  village.set_has_owners_committee(true);
  village.set_red_owners_committee(true);
  village.set_households(300);

  unit(&s.district, NewUnit(v1::DISTRICT, "", "江汉区", code("")));
  unit(&s.street1, NewUnit(v1::STREET, s.district.name(), "民族街道", code("001")));
  unit(&s.street2, NewUnit(v1::STREET, s.district.name(), "花楼街道", code("002")));
  unit(&s.community1, NewUnit(v1::COMMUNITY, s.street1.name(), "水塔社区", code("001001")));
  unit(&s.community2, NewUnit(v1::COMMUNITY, s.street1.name(), "友谊社区", code("001002")));
  unit(&s.community3, NewUnit(v1::COMMUNITY, s.street2.name(), "交易社区", code("002001")));
  unit(&s.compound1, NewCompound(s.community1.name(), "幸福花园", "XF", commodity));
  unit(&s.compound2, NewCompound(s.community1.name(), "老街小区", "LJ", old));
  unit(&s.compound3, NewCompound(s.community1.name(), "建设小区", "JS", plain));
  unit(&s.compound4, NewCompound(s.community2.name(), "阳光花园", "YG", resettlement));
  unit(&s.compound5, NewCompound(s.community3.name(), "江滩家园", "JT", village));
  unit(&s.building1, NewBuilding(s.compound1.name(), "1栋", "B1", 60, 18, "幸福花园1栋"));
  unit(&s.building2, NewBuilding(s.compound1.name(), "2栋", "B2", 72, 24, "幸福花园2栋"));
  unit(&s.building3, NewBuilding(s.compound2.name(), "1栋", "B1", 24, 6, "老街小区1栋"));
  unit(&s.building4, NewBuilding(s.compound4.name(), "1栋", "B1", 90, 30, "阳光花园1栋"));
  unit(&s.building5, NewBuilding(s.compound4.name(), "2栋", "B2", 90, 30, "阳光花园2栋"));

  org(&s.working_committee1,
      NewPartyOrg(v1::PartyOrg::WORKING_COMMITTEE, "民族街道大党工委", {s.street1.name()}));
  org(&s.working_committee2,
      NewPartyOrg(v1::PartyOrg::WORKING_COMMITTEE, "花楼街道大党工委", {s.street2.name()}));
  org(&s.party_committee, NewPartyOrg(v1::PartyOrg::PARTY_COMMITTEE, "水塔社区大党委",
                                      {s.community1.name()}, s.working_committee1.name()));
  org(&s.branch, NewPartyOrg(v1::PartyOrg::BRANCH, "幸福花园党支部", {s.compound1.name()},
                             s.party_committee.name()));
  org(&s.joint_branch,
      NewPartyOrg(v1::PartyOrg::JOINT_BRANCH, "老街建设联合党支部",
                  {s.compound2.name(), s.compound3.name()}, s.party_committee.name()));
  org(&s.party_group, NewPartyOrg(v1::PartyOrg::PARTY_GROUP, "幸福花园楼栋党小组",
                                  {s.building1.name(), s.building2.name()}, s.branch.name()));
  if (!status.ok()) return status;
  return s;
}

}  // namespace grassroots::org::testing
