// External organisations (externalOrgs/{id}) and a compound's property
// service and owners' body: the domain checks and the core's rules, on a
// real store in a temporary directory.

#include "org_service/external_org.h"

#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "org_service/org_core.h"
#include "tests/org_service/org_core_fixture.h"
#include "tests/testing/status_matchers.h"

namespace grassroots::org {
namespace {

using ::grassroots::org::testing::Sync;
using ::grassroots::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

// A code with a right check character: 91 (enterprise, registered by market
// regulation), Tianyuan's division code 430211, an organisation code.
std::string CreditCode(absl::string_view organisation = "MA4L0XXX1") {
  std::string code = absl::StrCat("91430211", organisation);
  code.push_back(CreditCodeCheckCharacter(code));
  return code;
}

TEST(CreditCodeTest, TheCheckCharacterFollowsGb32100) {
  // Published examples of valid codes.
  EXPECT_TRUE(ValidateCreditCode("91350100M000100Y43", "c").ok());
  EXPECT_TRUE(ValidateCreditCode("911100001000079554", "c").ok());
  EXPECT_EQ(CreditCodeCheckCharacter("91350100M000100Y4"), '3');
  EXPECT_THAT(ValidateCreditCode("91350100M000100Y44", "external_org.credit_code"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("external_org.credit_code: the check character")));
  EXPECT_THAT(ValidateCreditCode("91350100M000100Y4", "c"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("18 characters")));
  // I, O, S, V and Z are not in the alphabet.
  EXPECT_THAT(ValidateCreditCode("91350100MO00100Y43", "c"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("character 10")));
  EXPECT_THAT(ValidateCreditCode("913501A0M000100Y43", "c"),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("division code")));
  // The message never repeats the code.
  EXPECT_THAT(std::string(ValidateCreditCode("91350100M000100Y44", "c").message()),
              Not(HasSubstr("91350100")));
}

TEST(ExternalOrgTest, FieldsAreValidatedAndTheCodeUpperCased) {
  ExternalOrg org;
  org.display_name = "天元区住房和城乡建设局";
  EXPECT_THAT(ValidateAndNormalizeExternalOrg(org, "external_org."),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("external_org.kind")));
  org.kind = ExternalOrgKind::kAgency;
  org.credit_code = "91350100m000100y43";
  ASSERT_TRUE(ValidateAndNormalizeExternalOrg(org, "external_org.").ok());
  EXPECT_EQ(org.credit_code, "91350100M000100Y43");
  EXPECT_EQ(ExternalOrgName(5), "externalOrgs/5");
  EXPECT_THAT(ParseExternalOrgName("partyOrgs/5", "name").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class ExternalOrgCoreTest : public testing::OrgCoreFixture {
 protected:
  static CompoundDetails ManagedBy(int64_t company) {
    CompoundDetails c;
    c.kind = CompoundKind::kCommodity;
    c.property_mode = PropertyMode::kCompany;
    c.property_company_id = company;
    c.contract_start = absl::CivilDay(2024, 1, 1);
    c.contract_end = absl::CivilDay(2026, 12, 31);
    return c;
  }
};

TEST_F(ExternalOrgCoreTest, ADistrictsDirectoryKeepsCreditCodesUnique) {
  EXPECT_THAT(CreateExternal(street_, ExternalOrgKind::kEnterprise).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("external_org.district: units/3 is a STREET, not a DISTRICT")));
  EXPECT_THAT(CreateExternal(99, ExternalOrgKind::kEnterprise).status(),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("external_org.district")));
  absl::StatusOr<ExternalOrg> first =
      CreateExternal(district_, ExternalOrgKind::kPropertyCompany, CreditCode());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->id, 1);
  const int64_t before = core_->published_revision();
  EXPECT_THAT(CreateExternal(district_, ExternalOrgKind::kEnterprise, CreditCode()).status(),
              StatusIs(absl::StatusCode::kAlreadyExists,
                       HasSubstr("external_org.credit_code: externalOrgs/1")));
  EXPECT_EQ(core_->published_revision(), before);
  // Another district's directory is its own.
  EXPECT_TRUE(CreateExternal(other_district_, ExternalOrgKind::kEnterprise, CreditCode()).ok());

  // Deleted, its code is free; undeleting it while another has it is not.
  ASSERT_TRUE(Sync<ExternalOrg>([&](auto done) {
                core_->DeleteExternalOrg(caller_, first->id, "", done);
              }).ok());
  absl::StatusOr<ExternalOrg> second =
      CreateExternal(district_, ExternalOrgKind::kEnterprise, CreditCode());
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Sync<ExternalOrg>([&](auto done) {
                core_->UndeleteExternalOrg(caller_, first->id, "", done);
              }).status(),
              StatusIs(absl::StatusCode::kAlreadyExists));

  // Kept across a restart, and listed by district.
  Open();
  absl::StatusOr<Page<ExternalOrg>> listed =
      core_->ListExternalOrgs({.district_id = district_, .filter = "kind = ENTERPRISE"});
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->items.size(), 1u);
  EXPECT_EQ(listed->items[0], *second);
  EXPECT_EQ(listed->items[0].credit_code, CreditCode());
}

TEST_F(ExternalOrgCoreTest, ACompoundNamesAPropertyCompanyOfItsOwnDistrict) {
  absl::StatusOr<ExternalOrg> company =
      CreateExternal(district_, ExternalOrgKind::kPropertyCompany);
  absl::StatusOr<ExternalOrg> school = CreateExternal(district_, ExternalOrgKind::kSchool);
  absl::StatusOr<ExternalOrg> elsewhere =
      CreateExternal(other_district_, ExternalOrgKind::kPropertyCompany);
  ASSERT_TRUE(company.ok() && school.ok() && elsewhere.ok());
  EXPECT_THAT(CreateUnit(community_, Level::kCompound, "X1", ManagedBy(school->id)).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not a PROPERTY_COMPANY")));
  EXPECT_THAT(
      CreateUnit(community_, Level::kCompound, "X2", ManagedBy(elsewhere->id)).status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("unit.compound.property_service.company")));
  CompoundDetails contradicting = ManagedBy(company->id);
  contradicting.property_mode = PropertyMode::kNone;
  EXPECT_THAT(CreateUnit(community_, Level::kCompound, "X3", contradicting).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mode COMPANY only")));
  CompoundDetails backwards = ManagedBy(company->id);
  backwards.contract_end = absl::CivilDay(2023, 1, 1);
  EXPECT_THAT(CreateUnit(community_, Level::kCompound, "X4", backwards).status(),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("contract_end_date")));

  CompoundDetails managed = ManagedBy(company->id);
  managed.owners_body = OwnersBodyKind::kOwnersCommittee;
  managed.owners_body_term_start = absl::CivilDay(2023, 5, 1);
  managed.owners_body_term_end = absl::CivilDay(2028, 4, 30);
  absl::StatusOr<Unit> compound = CreateUnit(community_, Level::kCompound, "X5", managed);
  ASSERT_TRUE(compound.ok()) << compound.status();
  const auto& details = std::get<CompoundDetails>(compound->details);
  // The flags follow the mode and the body.
  EXPECT_TRUE(details.has_property_company);
  EXPECT_TRUE(details.has_owners_committee);
  EXPECT_EQ(details.property_company_id, company->id);

  // A company that manages a live compound is neither deleted nor made a
  // school.
  EXPECT_THAT(Sync<ExternalOrg>([&](auto done) {
                core_->DeleteExternalOrg(caller_, company->id, "", done);
              }).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("property company of 1")));
  ExternalOrgUpdate update{.id = company->id, .paths = {"kind"}};
  update.values.kind = ExternalOrgKind::kSchool;
  EXPECT_THAT(Sync<ExternalOrg>([&](auto done) {
                core_->UpdateExternalOrg(caller_, update, done);
              }).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("manages 1 compounds")));

  // The compound turns self-managed: the flag follows, and the company may go.
  UnitUpdate self{.id = compound->id, .paths = {"compound.property_service"}};
  CompoundDetails self_managed;
  self_managed.property_mode = PropertyMode::kSelfManaged;
  self.values.details = self_managed;
  absl::StatusOr<Unit> updated =
      Sync<Unit>([&](auto done) { core_->UpdateUnit(caller_, self, done); });
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_FALSE(std::get<CompoundDetails>(updated->details).has_property_company);
  EXPECT_TRUE(Sync<ExternalOrg>([&](auto done) {
                core_->DeleteExternalOrg(caller_, company->id, "", done);
              }).ok());

  // Everything survives a restart.
  Open();
  absl::StatusOr<Unit> reread = core_->GetUnit(compound->id);
  ASSERT_TRUE(reread.ok());
  EXPECT_EQ(*reread, *updated);
}

}  // namespace
}  // namespace grassroots::org
