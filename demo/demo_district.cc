#include "demo/demo_district.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "audit/audit_rules.h"
#include "common/personal_data.h"

namespace grassroots::demo {
namespace {

namespace rules = ::grassroots::audit::rules;

using org::CompoundKind;
using org::Level;
using org::OrgForm;
using roster::Gender;
using roster::MemberCategory;
using roster::PartyStatus;
using roster::Role;

// splitmix64 (Steele, Lea and Flood, 2014). Our own generator and our own
// reductions, because the std:: distributions differ between standard
// libraries and the district must be the same byte for byte everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) for n > 0 (Lemire's multiply-shift; its bias of
  // n / 2^64 does not matter here).
  int64_t Below(int64_t n) {
    return static_cast<int64_t>(
        (static_cast<unsigned __int128>(Next()) * static_cast<uint64_t>(n)) >> 64);
  }
  int64_t Between(int64_t lo, int64_t hi) { return lo + Below(hi - lo + 1); }  // inclusive
  bool Percent(int p) { return Below(100) < p; }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) std::swap(v[i - 1], v[Below(static_cast<int64_t>(i))]);
  }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& a) {
    return a[Below(N)];
  }

 private:
  uint64_t state_;
};

constexpr uint64_t kSeed = 0x7a3c2110430211ULL;

// --- Fixed lists: names, places, numbers.

// Tianyuan's own streets first; further streets get made-up names.
constexpr std::array<absl::string_view, 6> kStreetNames = {"嵩山路街道", "泰山路街道", "栗雨街道",
                                                           "长江街道",   "马家河街道", "天台街道"};

constexpr std::array<absl::string_view, 40> kPlaceFirst = {
    "天", "元", "嵩", "泰", "栗", "长", "湘", "株", "金", "银", "华", "兴", "盛", "龙",
    "凤", "桂", "兰", "梅", "竹", "松", "柏", "荷", "月", "星", "云", "霞", "翠", "碧",
    "绿", "青", "明", "光", "新", "东", "南", "西", "北", "和", "平", "安"};
constexpr std::array<absl::string_view, 40> kPlaceSecond = {
    "湖", "园", "山", "城", "港", "庭", "峰", "塘", "桥", "田", "林", "泉", "溪", "坪",
    "洲", "岸", "台", "阳", "景", "庄", "苑", "岭", "江", "河", "雨", "泽", "源", "丰",
    "乐", "福", "康", "宁", "瑞", "祥", "荣", "晖", "锦", "枫", "桐", "沙"};
constexpr std::array<absl::string_view, 10> kCommoditySuffixes = {
    "花园", "雅苑", "名城", "家园", "华庭", "公馆", "新城", "国际", "尚府", "湾"};
constexpr std::array<absl::string_view, 4> kOldSuffixes = {"新村", "小区", "宿舍区", "生活区"};
constexpr std::array<absl::string_view, 3> kResettlementSuffixes = {"安置小区", "安置区",
                                                                    "还建小区"};

constexpr std::array<absl::string_view, 80> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵",   "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "高", "林", "罗", "郑", "梁",   "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",   "潘", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "任", "沈", "姚",   "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦",   "方", "白", "邹", "孟", "熊", "秦",
    "邱", "江", "尹", "贺", "龙", "易", "文", "欧阳", "颜", "雷"};
constexpr std::array<absl::string_view, 40> kMaleGiven = {
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏",
    "华", "飞", "鑫", "波", "宁", "建", "国", "志", "文", "海", "东", "林", "峰", "亮",
    "俊", "浩", "宇", "轩", "博", "昊", "晨", "立", "新", "春", "德", "湘"};
constexpr std::array<absl::string_view, 40> kFemaleGiven = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "桂", "英", "秀", "兰",
    "萍", "红", "梅", "琳", "婷", "雪", "慧", "琴", "云", "洁", "倩", "颖", "佳", "欣",
    "悦", "怡", "思", "雨", "晶", "岚", "蓉", "菊", "凤", "月", "珍", "丹"};

// Where people were born: Zhuzhou's districts and counties first, then a few
// places nearby (residents come from elsewhere too).
constexpr std::array<absl::string_view, 12> kRegionCodes = {"430211", "430202", "430203", "430204",
                                                            "430212", "430223", "430224", "430225",
                                                            "430281", "430102", "430302", "360302"};
// Zhangping's: Longyan's districts and counties first. Different places of
// birth keep the two profiles' ID-card numbers apart, so that both load
// into one suite.
constexpr std::array<absl::string_view, 12> kZhangpingRegionCodes = {
    "350881", "350802", "350803", "350821", "350823", "350824",
    "350825", "350102", "350203", "350502", "350602", "440105"};

// The district agencies that second cadres (区直单位), and property
// companies.
constexpr std::array<absl::string_view, 12> kAgencies = {
    "区委组织部",   "区委宣传部",       "区发展和改革局",         "区教育局",
    "区民政局",     "区财政局",         "区人力资源和社会保障局", "区住房和城乡建设局",
    "区卫生健康局", "区市场监督管理局", "区城市管理和综合执法局", "区退役军人事务局"};
constexpr std::array<absl::string_view, 8> kPropertyCompanies = {
    "湘江物业服务有限公司", "株洲城发物业管理有限公司", "天元红色物业服务有限公司",
    "神农物业管理有限公司", "栗雨物业服务有限公司",     "嵩山物业管理有限公司",
    "泰山物业服务有限公司", "长江北物业管理有限公司"};

// Who co-builds with Zhangping's communities ("街(社)企、街(社)校合作"): schools,
// hospitals and enterprises of the directory.
struct CoBuilder {
  org::ExternalOrgKind kind;
  absl::string_view name;
};
constexpr std::array<CoBuilder, 10> kCoBuilders = {{
    {org::ExternalOrgKind::kSchool, "漳平市第一中学"},
    {org::ExternalOrgKind::kSchool, "漳平市实验小学"},
    {org::ExternalOrgKind::kSchool, "漳平职业技术学校"},
    {org::ExternalOrgKind::kHospital, "漳平市医院"},
    {org::ExternalOrgKind::kHospital, "漳平市中医院"},
    {org::ExternalOrgKind::kEnterprise, "漳平市自来水有限公司"},
    {org::ExternalOrgKind::kEnterprise, "国网漳平市供电公司"},
    {org::ExternalOrgKind::kEnterprise, "漳平农村商业银行"},
    {org::ExternalOrgKind::kEnterprise, "漳平市燃气有限公司"},
    {org::ExternalOrgKind::kSocialOrganisation, "漳平市志愿者协会"},
}};

// The three lists an alliance starts with (资源、需求、责任).
constexpr std::array<std::pair<org::ItemKind, absl::string_view>, 3> kAllianceItems = {{
    {org::ItemKind::kResource, "开放活动场地供居民使用"},
    {org::ItemKind::kNeed, "老旧小区加装电梯协调"},
    {org::ItemKind::kResponsibility, "包保责任区文明创建"},
}};

constexpr std::array<absl::string_view, 20> kPhonePrefixes = {
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150",
    "151", "152", "155", "157", "158", "159", "180", "186", "187", "189"};

// What the figures scale from: Tianyuan (seed 000) and Zhangping (seed 003).
struct Targets {
  // The district: its name, code and its own streets' names.
  absl::string_view district_name, district_code;
  const absl::string_view* street_names = nullptr;
  size_t street_name_count = 0;
  int64_t streets = 0, communities = 0, compounds = 0, orgs = 0;
  int64_t general = 0, joint3 = 0, joint2 = 0, single = 0;
  int64_t urban_villages = 0, rural = 0, old = 0, resettlement = 0;
  int64_t with_property = 0, red_owners_committee = 0;
  int64_t first_secretaries = 0, work_teams = 0, work_team_members = 0;
  // Zhangping's exact figures; 0 (or -1) where the Tianyuan shape decides.
  int64_t party_groups = 0;            // in total
  int64_t owners_committees = -1;      // -1: every housing compound
  int64_t red_owners_committees = -1;  // -1: 90.16% of them
  int64_t cross_appointments = 0;      // 0: by chance, 37% of branches
  int64_t registered_with_post = 0;    // 0: seven in eight
  int64_t alliances = 0;               // neighbourhood alliances of communities
  bool self_managed_without_company = false;
};

// Below this the planted violations would not find distinct branches; above
// the other the person index would overflow an int long before memory does.
constexpr double kMinScale = 0.05;
constexpr double kMaxScale = 1000;

int64_t Scaled(double base, double scale, int64_t min = 0) {
  return std::max<int64_t>(min, std::llround(base * scale));
}

constexpr std::array<absl::string_view, 2> kZhangpingStreets = {"菁城街道", "桂林街道"};

Targets ComputeTargets(double scale, DemoProfile profile) {
  const double s = std::isfinite(scale) ? std::clamp(scale, kMinScale, kMaxScale) : kMinScale;
  Targets t;
  if (profile == DemoProfile::kZhangping) {
    t.district_name = "漳平市";
    t.district_code = "350881";
    t.street_names = kZhangpingStreets.data();
    t.street_name_count = kZhangpingStreets.size();
    t.streets = Scaled(2, s, 1);
    // 15 community party-mass service centres: 15 communities.
    t.communities = std::max(t.streets, Scaled(15, s, 1));
    // 221 compound party organisations, one a compound.
    t.compounds = std::max(t.communities, Scaled(221, s, 1));
    t.orgs = t.compounds;
    t.single = t.orgs;
    t.old = Scaled(60, s);
    t.resettlement = Scaled(12, s);
    t.with_property = std::min(Scaled(150, s), t.compounds);
    t.party_groups = Scaled(465, s);
    // 90.16% is 55 of 61: the smallest fraction that rounds to it.
    t.owners_committees = std::min(Scaled(61, s), t.compounds);
    t.red_owners_committees = std::llround(0.9016 * static_cast<double>(t.owners_committees));
    t.cross_appointments = Scaled(78, s);
    t.registered_with_post = Scaled(520, s);
    // "截至目前,共组建近邻党建联盟67个".
    t.alliances = Scaled(67, s);
    t.self_managed_without_company = true;
    return t;
  }
  t.district_name = "天元区";
  t.district_code = "430211";
  t.street_names = kStreetNames.data();
  t.street_name_count = kStreetNames.size();
  t.streets = Scaled(6, s, 1);
  t.communities = std::max(t.streets, Scaled(40, s, 1));
  t.compounds = std::max(t.communities, Scaled(309, s, 1));
  t.orgs = std::clamp(Scaled(211, s, 1), t.communities, t.compounds);
  // 211 organisations over 309 compounds: the 98 compounds more than
  // organisations are joined two or three to a joint branch.
  t.general = Scaled(5, s);
  const int64_t excess = t.compounds - t.orgs;
  t.joint3 = std::min(Scaled(28, s), excess / 2);
  t.joint2 = excess - 2 * t.joint3;
  t.single = t.orgs - t.general - t.joint3 - t.joint2;
  if (t.single < 0) {  // not reached for scales in range; kept safe
    t.general = std::max<int64_t>(0, t.general + t.single);
    t.single = t.orgs - t.general - t.joint3 - t.joint2;
  }
  // "共300多个小区…另有城中村22个": the villages come in addition to the
  // compounds, each with its own village branch. (The 7 rural areas of seed
  // 001 are another district's.)
  t.urban_villages = Scaled(22, s);
  t.rural = 0;
  t.old = Scaled(90, s);
  t.resettlement = Scaled(30, s);
  // ~67% of the compounds with a property company (Tianyuan); all of them
  // red (Zhangping).
  t.with_property = std::min(Scaled(207, s), t.compounds);
  // 208 first secretaries for 211 branches: one each, three without.
  t.first_secretaries = std::min(Scaled(208, s), t.orgs);
  // 95 teams of 415 cadres (leaders included), at compounds without a
  // property company, resettlement compounds and urban villages; the number
  // of targets is known once the compounds are planned.
  t.work_teams = Scaled(95, s);
  t.work_team_members = std::max(Scaled(415, s), t.work_teams);
  return t;
}

enum class Plant : int8_t {
  kNone,
  kUncovered,         // a joint branch of three leaves its third compound uncovered
  kNoSecretary,       // 5 full members, no secretary
  kTooSmall,          // 2 full members
  kNoCommittee,       // 9 full members, a secretary and no committee member
  kLarge,             // 52 full members
  kProbationOverdue,  // one of its probationary members is overdue
  kNoRelationship,    // a full member living in its area has no membership
};

struct OrgPlan {
  OrgForm form = OrgForm::kBranch;
  int size = 1;  // compounds in its area; all covered unless kUncovered
  Plant plant = Plant::kNone;
  bool village = false;  // an urban village's branch
  bool first_secretary = false;
  int groups = -1;  // party groups to form; -1: by its members, by chance
  int cross = -1;   // committee members on its compound's owners committee; -1: by chance
  int64_t first_compound = 0;  // ordinal of its first compound in the district
  int Covered() const { return size - (plant == Plant::kUncovered ? 1 : 0); }
};

struct CompoundPlan {
  CompoundKind kind = CompoundKind::kCommodity;
  bool property = false;
  bool owners_committee = false;
  bool red_owners_committee = false;
  int work_team = 0;  // members of its work team, 0 for none
};

// One building of an organisation's area, and who lives there.
struct AreaBuilding {
  int unit = 0;
  int compound = 0;  // unit index
  bool covered = true;
  int first_member = -1;  // a party member living there, for building leads
};

class Generator {
 public:
  explicit Generator(const DemoOptions& options)
      : options_(options),
        today_(options.today),
        rng_(options.profile == DemoProfile::kZhangping ? kSeed ^ 0x350881 : kSeed),
        region_codes_(options.profile == DemoProfile::kZhangping ? kZhangpingRegionCodes
                                                                 : kRegionCodes),
        key_prefix_(options.profile == DemoProfile::kZhangping ? "demo-zp-" : "demo-"),
        targets_(ComputeTargets(options.scale, options.profile)),
        epoch_(1900, 1, 1),
        days_(std::max<int64_t>(1, today_ - epoch_ + 1)),
        id_counters_(region_codes_.size() * static_cast<size_t>(days_) * 2, 0) {}

  DemoDistrict Run() {
    Plan();
    // About 28 people per compound; a little spare so that the vector never
    // grows (a late doubling would copy millions of people).
    const double expected_people = 30.0 * static_cast<double>(targets_.compounds) + 64;
    out_.units.reserve(static_cast<size_t>(targets_.compounds * 9.5));
    out_.party_orgs.reserve(static_cast<size_t>(targets_.orgs * 3.6 + targets_.communities));
    out_.people.reserve(static_cast<size_t>(expected_people));
    Build();
    AddAlliances();
    KeepPeople(options_.people_fraction);
    if (options_.second_role) AddSecondRoles();
    RegisterInServiceMembers();
    CountFigures();
    return std::move(out_);
  }

 private:
  // --- Planning: the shape of every organisation and compound, before any
  // unit exists, so that the exact figures hold.

  void Plan() {
    const Targets& t = targets_;
    plans_.reserve(static_cast<size_t>(t.orgs + t.urban_villages));
    for (int64_t i = 0; i < t.general; ++i) plans_.push_back({OrgForm::kGeneralBranch, 1});
    for (int64_t i = 0; i < t.joint3; ++i) plans_.push_back({OrgForm::kJointBranch, 3});
    for (int64_t i = 0; i < t.joint2; ++i) plans_.push_back({OrgForm::kJointBranch, 2});
    for (int64_t i = 0; i < t.single; ++i) plans_.push_back({OrgForm::kBranch, 1});
    for (int64_t i = 0; i < t.urban_villages; ++i) {
      plans_.push_back({.form = OrgForm::kBranch, .size = 1, .village = true});
    }
    rng_.Shuffle(plans_);
    int64_t ordinal = 0;
    for (OrgPlan& plan : plans_) {
      plan.first_compound = ordinal;
      ordinal += plan.size;
    }
    if (options_.plant_violations) PlanViolations();
    PlanCompounds();
    PlanFirstSecretaries();
    if (targets_.party_groups > 0) PlanPartyGroups();
    if (targets_.cross_appointments > 0) PlanCrossAppointments();
  }

  // The plan at or after `from` (wrapping) that `fits` and carries no plant.
  template <typename Fits>
  int FindPlan(int64_t from, Fits fits) {
    const int64_t n = static_cast<int64_t>(plans_.size());
    for (int64_t k = 0; k < n; ++k) {
      const int64_t i = (from + k) % n;
      if (plans_[i].plant == Plant::kNone && fits(plans_[i])) return static_cast<int>(i);
    }
    return -1;
  }

  // Zhangping: exactly the party groups asked for, spread evenly over the
  // branches without a planted violation.
  void PlanPartyGroups() {
    std::vector<int> order;
    for (size_t i = 0; i < plans_.size(); ++i) {
      plans_[i].groups = 0;
      if (plans_[i].plant == Plant::kNone) order.push_back(static_cast<int>(i));
    }
    if (order.empty()) return;
    rng_.Shuffle(order);
    const int64_t n = static_cast<int64_t>(order.size());
    for (int64_t k = 0; k < n; ++k) {
      plans_[order[k]].groups =
          static_cast<int>(targets_.party_groups / n + (k < targets_.party_groups % n));
    }
  }

  // Zhangping: exactly the cross-appointments asked for: one committee
  // member of each compound with an owners committee sits on it, two where
  // more are needed.
  void PlanCrossAppointments() {
    std::vector<int> order;
    for (size_t i = 0; i < plans_.size(); ++i) {
      plans_[i].cross = 0;
      if (plans_[i].plant == Plant::kNone &&
          compounds_[plans_[i].first_compound].owners_committee) {
        order.push_back(static_cast<int>(i));
      }
    }
    rng_.Shuffle(order);
    int64_t left = targets_.cross_appointments;
    for (int round = 0; round < 2 && left > 0; ++round) {
      for (int i : order) {
        if (left == 0) break;
        ++plans_[i].cross;
        --left;
      }
    }
  }

  void PlanViolations() {
    const int64_t n = static_cast<int64_t>(plans_.size());
    if (int i = FindPlan(
            n / 2, [](const OrgPlan& p) { return p.form == OrgForm::kJointBranch && p.size == 3; });
        i >= 0) {
      plans_[i].plant = Plant::kUncovered;
    }
    const std::pair<Plant, int64_t> branch_plants[] = {
        {Plant::kNoSecretary, n / 8},        {Plant::kProbationOverdue, n / 4},
        {Plant::kTooSmall, 3 * n / 8},       {Plant::kNoCommittee, 5 * n / 8},
        {Plant::kNoRelationship, 3 * n / 4}, {Plant::kLarge, 7 * n / 8}};
    for (const auto& [plant, from] : branch_plants) {
      if (int i = FindPlan(
              from, [](const OrgPlan& p) { return p.form == OrgForm::kBranch && !p.village; });
          i >= 0) {
        plans_[i].plant = plant;
      }
    }
  }

  void PlanCompounds() {
    const Targets& t = targets_;
    // One per ordinal: the compounds and the urban villages.
    int64_t ordinals = 0;
    for (const OrgPlan& plan : plans_) ordinals += plan.size;
    compounds_.assign(static_cast<size_t>(ordinals), CompoundPlan{});
    // Large compounds (general branches) are commodity housing; the other
    // kinds are spread over the rest.
    std::vector<bool> large(compounds_.size(), false), village(compounds_.size(), false);
    int64_t large_count = 0;
    for (const OrgPlan& plan : plans_) {
      if (plan.form == OrgForm::kGeneralBranch) {
        large[plan.first_compound] = true;
        ++large_count;
      }
      if (plan.village) village[plan.first_compound] = true;
    }
    std::vector<CompoundKind> kinds;
    kinds.reserve(compounds_.size());
    kinds.insert(kinds.end(), t.rural, CompoundKind::kRuralConcentrated);
    kinds.insert(kinds.end(), t.old, CompoundKind::kOld);
    kinds.insert(kinds.end(), t.resettlement, CompoundKind::kResettlement);
    kinds.resize(static_cast<size_t>(t.compounds - large_count), CompoundKind::kCommodity);
    rng_.Shuffle(kinds);
    size_t next_kind = 0;
    for (size_t k = 0; k < compounds_.size(); ++k) {
      compounds_[k].kind = village[k] ? CompoundKind::kUrbanVillage
                           : large[k] ? CompoundKind::kCommodity
                                      : kinds[next_kind++];
    }
    // The planted uncovered compound has a property company, so that nobody
    // being charged with it is not a second finding.
    std::vector<bool> uncovered(compounds_.size(), false);
    for (const OrgPlan& plan : plans_) {
      if (plan.plant == Plant::kUncovered) uncovered[plan.first_compound + plan.size - 1] = true;
    }

    // Property companies: commodity housing first, then resettlement, then
    // old compounds; villages never.
    const auto property_rank = [](CompoundKind kind) {
      switch (kind) {
        case CompoundKind::kCommodity:
          return 0;
        case CompoundKind::kResettlement:
          return 1;
        case CompoundKind::kOld:
          return 2;
        default:
          return 3;
      }
    };
    std::vector<int> order = ShuffledCompounds();
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      return (uncovered[a] ? -1 : property_rank(compounds_[a].kind)) <
             (uncovered[b] ? -1 : property_rank(compounds_[b].kind));
    });
    for (int64_t i = 0; i < t.with_property; ++i) compounds_[order[i]].property = true;
    // Red property in 100% of compounds with a property company (Zhangping)
    // is set where the units are made.

    // Owners committees wherever there are owners (not in villages); red
    // ones first where the property company is red too. Zhangping's 90.16%
    // is over the compounds that have an owners committee.
    order = ShuffledCompounds();
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return compounds_[a].property > compounds_[b].property; });
    int64_t with_committee = 0;
    if (t.owners_committees >= 0) {
      // A given number, where there is a property company first, in
      // compounds whose branch carries no planted violation (their
      // committees sit on the owners committees).
      std::vector<bool> planted(compounds_.size(), false);
      for (const OrgPlan& plan : plans_) {
        for (int c = 0; c < plan.size; ++c) {
          planted[plan.first_compound + c] = plan.plant != Plant::kNone;
        }
      }
      for (int k : order) {
        if (with_committee == t.owners_committees) break;
        if (planted[k]) continue;
        compounds_[k].owners_committee = true;
        ++with_committee;
      }
    } else {
      for (CompoundPlan& c : compounds_) {
        c.owners_committee =
            c.kind != CompoundKind::kUrbanVillage && c.kind != CompoundKind::kRuralConcentrated;
        with_committee += c.owners_committee;
      }
    }
    const int64_t red_target = t.red_owners_committees >= 0
                                   ? t.red_owners_committees
                                   : std::llround(0.9016 * static_cast<double>(with_committee));
    int64_t red = 0;
    for (int k : order) {
      CompoundPlan& c = compounds_[k];
      if (c.owners_committee && red < red_target) {
        c.red_owners_committee = true;
        ++red;
      }
    }

    // Work teams go to urban villages first, then to compounds without a
    // property company, then to resettlement compounds (无物业小区、安置小区
    // 和城中村).
    order = ShuffledCompounds();
    const auto team_rank = [&](int k) {
      if (compounds_[k].kind == CompoundKind::kUrbanVillage) return 0;
      if (!compounds_[k].property) return 1;
      if (compounds_[k].kind == CompoundKind::kResettlement) return 2;
      return 3;
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](int a, int b) { return team_rank(a) < team_rank(b); });
    int64_t targets = 0;
    for (int k : order) targets += team_rank(k) < 3;
    const int64_t teams_wanted = std::min(t.work_teams, targets);
    for (int64_t teams = 0; teams < teams_wanted; ++teams) {
      compounds_[order[teams]].work_team = static_cast<int>(
          t.work_team_members / teams_wanted + (teams < t.work_team_members % teams_wanted));
    }
  }

  std::vector<int> ShuffledCompounds() {
    std::vector<int> order(compounds_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
    rng_.Shuffle(order);
    return order;
  }

  // One first secretary per compound branch (villages have their own), all
  // but a few: those few are branches whose every compound has a property
  // company or a work team, so that no compound is left with nobody charged
  // with it.
  void PlanFirstSecretaries() {
    std::vector<int> order;
    for (size_t i = 0; i < plans_.size(); ++i) {
      if (!plans_[i].village) order.push_back(static_cast<int>(i));
    }
    rng_.Shuffle(order);
    const auto managed = [&](const OrgPlan& plan) {
      for (int c = 0; c < plan.size; ++c) {
        const CompoundPlan& compound = compounds_[plan.first_compound + c];
        if (!compound.property && compound.work_team == 0) return false;
      }
      return true;
    };
    // Managed branches without a plant go last, and are the ones left out.
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
      const bool spare_a = managed(plans_[a]) && plans_[a].plant == Plant::kNone;
      const bool spare_b = managed(plans_[b]) && plans_[b].plant == Plant::kNone;
      return spare_a < spare_b;
    });
    const int64_t take =
        std::min<int64_t>(targets_.first_secretaries, static_cast<int64_t>(order.size()));
    for (int64_t k = 0; k < take; ++k) plans_[order[k]].first_secretary = true;
  }

  // --- Building the district.

  // The directory: agencies (机关, registration authority 1, type 1) and
  // property companies (enterprises, 9 1), with codes whose GB 32100 check
  // character is right, one per organisation.
  void AddExternalOrgs() {
    const auto add = [&](org::ExternalOrgKind kind, std::string name, absl::string_view prefix,
                         int serial) {
      std::string code = absl::StrCat(prefix, targets_.district_code);
      AppendDigits(code, 400000000 + serial, 9);
      code.push_back(org::CreditCodeCheckCharacter(code));
      out_.external_orgs.push_back({kind, std::move(name), std::move(code)});
      return static_cast<int>(out_.external_orgs.size()) - 1;
    };
    for (size_t i = 0; i < kAgencies.size(); ++i) {
      agencies_.push_back(add(org::ExternalOrgKind::kAgency, AgencyName(kAgencies[i]), "11",
                              static_cast<int>(i) + 1));
    }
    for (size_t i = 0; i < kPropertyCompanies.size(); ++i) {
      property_companies_.push_back(add(org::ExternalOrgKind::kPropertyCompany,
                                        std::string(kPropertyCompanies[i]), "91",
                                        static_cast<int>(i) + 101));
    }
    if (targets_.alliances == 0) return;
    for (size_t i = 0; i < kCoBuilders.size(); ++i) {
      const bool enterprise = kCoBuilders[i].kind == org::ExternalOrgKind::kEnterprise;
      co_builders_.push_back(add(kCoBuilders[i].kind, std::string(kCoBuilders[i].name),
                                 enterprise ? "91" : "12", static_cast<int>(i) + 201));
    }
  }

  // The neighbourhood alliances, spread over the communities in turn, each
  // led by the community's party committee with two co-builders, and its
  // three lists: one item of each kind, the first claimed and done, the
  // second claimed, the third open. Decided without the random stream, so
  // the rest of the district is the same whether there are any or not.
  void AddAlliances() {
    if (communities_.empty()) return;
    for (int64_t a = 0; a < targets_.alliances; ++a) {
      const auto [unit, committee] = communities_[a % communities_.size()];
      DemoAlliance alliance;
      alliance.kind = org::AllianceKind::kNeighbourhood;
      alliance.unit = unit;
      alliance.leading_org = committee;
      alliance.display_name = absl::StrCat(out_.units[unit].display_name, "近邻党建联盟",
                                           a / static_cast<int64_t>(communities_.size()) + 1);
      alliance.established = out_.party_orgs[committee].established + 30 + a;
      const auto member = [&](int64_t k) {
        const int co_builder = co_builders_[k % co_builders_.size()];
        const org::ExternalOrgKind kind = out_.external_orgs[co_builder].kind;
        const org::AllianceMemberRole role = kind == org::ExternalOrgKind::kEnterprise
                                                 ? org::AllianceMemberRole::kEnterprise
                                             : kind == org::ExternalOrgKind::kSocialOrganisation
                                                 ? org::AllianceMemberRole::kSocialOrganisation
                                                 : org::AllianceMemberRole::kCoBuildingUnit;
        return std::make_pair(role, co_builder);
      };
      alliance.members = {member(a), member(a + 5)};
      for (size_t i = 0; i < kAllianceItems.size(); ++i) {
        DemoAllianceItem item{kAllianceItems[i].first, std::string(kAllianceItems[i].second)};
        if (i < 2) {
          item.state = i == 0 ? org::ItemState::kDone : org::ItemState::kClaimed;
          item.claimed_by = alliance.members[i].second;
        }
        alliance.items.push_back(std::move(item));
      }
      out_.alliances.push_back(std::move(alliance));
    }
  }

  // "区民政局" of 天元区 is "天元区民政局"; of 漳平市, "漳平市民政局".
  std::string AgencyName(absl::string_view agency) const {
    const absl::string_view district = targets_.district_name;
    // Both names end in a one-character level (区, 市), which the agency's
    // own first character repeats.
    return absl::StrCat(district, agency.substr(3));
  }

  // The agency that seconds the next cadre: in turn.
  int NextAgency() { return agencies_[next_agency_++ % agencies_.size()]; }

  void Build() {
    const Targets& t = targets_;
    AddExternalOrgs();
    const int district = AddUnit(-1, Level::kDistrict, std::string(targets_.district_name),
                                 std::string(targets_.district_code));
    int64_t community = 0;
    for (int64_t s = 0; s < t.streets; ++s) {
      const std::string name = s < static_cast<int64_t>(t.street_name_count)
                                   ? std::string(t.street_names[s])
                                   : absl::StrCat(MadeUpPlace(s + 17), "街道");
      const int street = AddUnit(district, Level::kStreet, name,
                                 absl::StrFormat("%s%03d", targets_.district_code, s + 1));
      const absl::CivilDay wc_established = today_ - (2800 + rng_.Below(200));
      const int wc = AddOrg(-1, OrgForm::kWorkingCommittee, absl::StrCat(name, "大党工委"),
                            {street}, wc_established);
      AddOrgLeadership(wc, /*residence_percent=*/0, /*committee=*/3);
      AddPerson(PersonKind::kResident, -1, MemberCategory::kUnspecified);
      AddRole(Role::kVolunteer, false, street, RecentStart());

      const int64_t community_end = (s + 1) * t.communities / t.streets;
      for (int64_t j = 0; community < community_end; ++community, ++j) {
        BuildCommunity(street, wc, community, j);
      }
    }
  }

  void BuildCommunity(int street, int wc, int64_t community, int64_t index_in_street) {
    const Targets& t = targets_;
    const std::string name = absl::StrCat(MadeUpPlace(community), "社区");
    const int unit =
        AddUnit(street, Level::kCommunity, name,
                absl::StrFormat("%s%03d", out_.units[street].code, index_in_street + 1));
    const absl::CivilDay established = out_.party_orgs[wc].established + rng_.Below(300);
    const int pc =
        AddOrg(wc, OrgForm::kPartyCommittee, absl::StrCat(name, "大党委"), {unit}, established);
    communities_.emplace_back(unit, pc);
    community_compounds_.clear();
    community_buildings_.clear();
    const int64_t plans = static_cast<int64_t>(plans_.size());
    const int64_t plan_begin = community * plans / t.communities;
    const int64_t plan_end = (community + 1) * plans / t.communities;
    int compound_in_community = 0;
    for (int64_t p = plan_begin; p < plan_end; ++p) {
      BuildBranch(unit, pc, plans_[p], compound_in_community);
      compound_in_community += plans_[p].size;
    }

    // The community's own committee and staff.
    const int secretary =
        AddOrgLeadership(pc, /*residence_percent=*/40, 2 + static_cast<int>(rng_.Below(2)));
    // The residents' committee: in three communities of four the secretary
    // also directs it (一肩挑).
    if (rng_.Percent(75)) {
      AddRoleFor(secretary, Role::kResidentsCommitteeDirector, false, unit, RecentStart());
    } else {
      AddPerson(PersonKind::kStaff, RandomCommunityBuilding(60), MemberCategory::kUnspecified);
      AddRole(Role::kResidentsCommitteeDirector, false, unit, RecentStart());
    }
    for (int m = 0; m < 2; ++m) {
      AddPerson(PersonKind::kStaff, RandomCommunityBuilding(60), MemberCategory::kUnspecified);
      AddRole(Role::kResidentsCommitteeMember, false, unit, RecentStart());
    }
    const int grid_workers = std::max<int>(1, static_cast<int>(community_compounds_.size()) / 3);
    for (int g = 0; g < grid_workers; ++g) {
      AddPerson(PersonKind::kStaff, RandomCommunityBuilding(50), MemberCategory::kUnspecified);
      const bool at_compound = g > 0 || rng_.Percent(50);
      AddRole(Role::kGridWorker, false,
              at_compound ? community_compounds_[g % community_compounds_.size()] : unit,
              RecentStart());
    }
    AddPerson(PersonKind::kResident, RandomCommunityBuilding(100), MemberCategory::kUnspecified);
    AddRole(Role::kResidentRepresentative, false, unit, RecentStart());
    AddPerson(PersonKind::kResident, RandomCommunityBuilding(100), MemberCategory::kUnspecified);
    AddRole(Role::kVolunteer, false, unit, RecentStart());
  }

  int RandomCommunityBuilding(int percent) {
    if (percent == 0 || community_buildings_.empty() || !rng_.Percent(percent)) return -1;
    return community_buildings_[rng_.Below(static_cast<int64_t>(community_buildings_.size()))];
  }

  // A compound organisation with its compounds, buildings, party groups,
  // members and every role in its area.
  void BuildBranch(int community, int pc, const OrgPlan& plan, int compound_in_community) {
    // Compounds and their buildings.
    area_.clear();
    std::vector<int> compound_units;
    for (int c = 0; c < plan.size; ++c) {
      const int64_t ordinal = plan.first_compound + c;
      const bool covered = !(plan.plant == Plant::kUncovered && c == plan.size - 1);
      compound_units.push_back(BuildCompound(community, compounds_[ordinal], ordinal,
                                             plan.form == OrgForm::kGeneralBranch,
                                             compound_in_community + c, covered));
    }
    std::vector<int> covered_units(compound_units.begin(), compound_units.begin() + plan.Covered());

    // The organisation.
    const DemoUnit& first = out_.units[covered_units[0]];
    std::string name;
    OrgForm form = plan.form;
    if (form == OrgForm::kJointBranch && covered_units.size() < 2) form = OrgForm::kBranch;
    switch (form) {
      case OrgForm::kGeneralBranch:
        name = absl::StrCat(first.display_name, "党总支");
        break;
      case OrgForm::kJointBranch:
        name = absl::StrCat(first.display_name, "等", covered_units.size() == 2 ? "两" : "三",
                            "个小区联合党支部");
        break;
      default:
        name = absl::StrCat(first.display_name, "党支部");
        break;
    }
    const absl::CivilDay established = out_.party_orgs[pc].established + rng_.Below(1000);
    const int branch = AddOrg(pc, form, std::move(name), covered_units, established);

    // How many members: branches of 3..27 full members, joint branches
    // larger, general branches 38..46 (kept under 50 with probationers, so
    // that only the planted branch is "large enough").
    int full = 0;
    switch (plan.form) {
      case OrgForm::kGeneralBranch:
        full = static_cast<int>(rng_.Between(38, 46));
        break;
      case OrgForm::kJointBranch:
        full = static_cast<int>(rng_.Between(8, 38));
        break;
      default:
        full = static_cast<int>(rng_.Between(3, 27));
        break;
    }
    int probationary = rng_.Percent(60) ? 0 : (rng_.Percent(75) ? 1 : 2);
    // Zhangping's plans: enough full members to lead the groups asked for,
    // and a committee (7 or more) where its members sit on the owners
    // committee.
    if (plan.plant == Plant::kNone) {
      full = std::max({full, plan.groups, plan.cross > 0 ? 7 : 0});
    }
    switch (plan.plant) {
      case Plant::kNoSecretary:
        full = 5;
        break;
      case Plant::kTooSmall:
        full = 2;
        probationary = 1;
        break;
      case Plant::kNoCommittee:
        full = 9;
        break;
      case Plant::kLarge:
        full = 52;
        probationary = 2;
        break;
      default:
        break;
    }

    // Members live in the area's buildings.
    std::vector<int> full_members;
    full_members.reserve(full);
    for (int i = 0; i < full + probationary; ++i) {
      const bool is_full = i < full;
      const int64_t at = rng_.Below(static_cast<int64_t>(area_.size()));
      const int person = AddPerson(is_full ? PersonKind::kFullMember : PersonKind::kProbationary,
                                   area_[at].unit, RandomCategory());
      JoinOrg(person, branch);
      if (is_full) full_members.push_back(person);
      if (area_[at].first_member < 0) area_[at].first_member = person;
      DemoPerson& p = out_.people[person];
      const int compound = area_[at].compound;
      if (rng_.Percent(30)) AddRole(Role::kPartyHousehold, false, area_[at].unit, RoleStart(p));
      if (rng_.Percent(12)) AddRole(Role::kVolunteer, false, compound, RoleStart(p));
      if (p.category == MemberCategory::kInService && rng_.Percent(8)) {
        // Double reporting: in-service members serve where they live.
        AddRole(Role::kGridWorker, false, compound, RoleStart(p));
      }
    }
    if (plan.plant == Plant::kProbationOverdue) {
      const int person = AddPerson(PersonKind::kProbationary, area_[0].unit, RandomCategory());
      DemoPerson& p = out_.people[person];
      p.admission = today_ - (365 + 30 + rng_.Below(200));
      JoinOrg(person, branch);
      out_.violations.push_back({std::string(rules::kProbationOverdue), {}, {}, {person}});
    }
    if (plan.plant == Plant::kNoRelationship) {
      const int person =
          AddPerson(PersonKind::kFullMember, area_[0].unit, MemberCategory::kRetired);
      AddRole(Role::kVolunteer, false, area_[0].compound, RecentStart());
      out_.violations.push_back({std::string(rules::kMemberWithoutRelationship), {}, {}, {person}});
    }

    // Leadership: a secretary; a deputy and committee members where the
    // branch has 7 or more full members (a smaller one may have a deputy).
    std::vector<int> committee;
    // (A copy: adding party groups below moves the organisations.)
    const absl::CivilDay branch_established = out_.party_orgs[branch].established;
    if (plan.plant != Plant::kNoSecretary) {
      AddRoleFor(full_members[0], Role::kSecretary, true, branch,
                 LeaderStart(full_members[0], branch_established));
    }
    if (plan.plant != Plant::kNoCommittee && full >= 2 && rng_.Percent(full >= 7 ? 70 : 30)) {
      AddRoleFor(full_members[1], Role::kDeputySecretary, true, branch,
                 LeaderStart(full_members[1], branch_established));
      committee.push_back(full_members[1]);
    }
    if (full >= 7 && plan.plant != Plant::kNoCommittee) {
      const int members = 2 + static_cast<int>(rng_.Below(3));
      for (int i = 2; i < 2 + members; ++i) {
        AddRoleFor(full_members[i], Role::kCommitteeMember, true, branch,
                   LeaderStart(full_members[i], branch_established));
        committee.push_back(full_members[i]);
      }
    }
    if (plan.plant != Plant::kNoSecretary) committee.push_back(full_members[0]);

    // Party groups (Zhangping: 465 over 221 organisations), one building
    // each, led by members other than the secretary.
    std::vector<int> group_buildings;
    for (const AreaBuilding& b : area_) {
      if (b.covered) group_buildings.push_back(b.unit);
    }
    const int groups =
        plan.groups >= 0
            ? std::min<int>({static_cast<int>(group_buildings.size()), plan.groups, full})
            : std::min<int>(static_cast<int>(group_buildings.size()),
                            (full + static_cast<int>(rng_.Below(6))) / 8);
    for (int g = 0; g < groups; ++g) {
      const int building = group_buildings[g * group_buildings.size() / groups];
      const DemoUnit& b = out_.units[building];
      const int group =
          AddOrg(branch, OrgForm::kPartyGroup,
                 absl::StrCat(out_.units[b.parent].display_name, b.display_name, "党小组"),
                 {building}, branch_established + rng_.Below(300));
      const int leader = full_members[full - 1 - g];
      AddRoleFor(leader, Role::kGroupLeader, true, group,
                 LeaderStart(leader, out_.party_orgs[group].established));
    }

    // Cross-appointment (Zhangping: 78 people): a committee member also on
    // the owners committee of a compound of the branch.
    int cross_compound = -1;
    if (plan.cross > 0) {
      // As many as planned, distinct members of the committee, at its
      // compound (a single branch's).
      cross_compound = covered_units[0];
      const int n = std::min<int>(plan.cross, static_cast<int>(committee.size()));
      for (int i = 0; i < n; ++i) {
        AddRoleFor(committee[i], Role::kOwnersCommitteeMember, false, cross_compound,
                   RecentStart());
      }
    } else if (plan.cross < 0 && !committee.empty() && rng_.Percent(37)) {
      for (int unit : covered_units) {
        if (out_.units[unit].has_owners_committee) {
          cross_compound = unit;
          break;
        }
      }
      if (cross_compound >= 0) {
        const int person = committee[rng_.Below(static_cast<int64_t>(committee.size()))];
        AddRoleFor(person, Role::kOwnersCommitteeMember, false, cross_compound, RecentStart());
      }
    }

    // A first secretary, seconded from an agency: their organisational
    // relationship stays with the sending agency, outside the district.
    if (plan.first_secretary) {
      const int person = AddPerson(PersonKind::kCadre, -1, MemberCategory::kInService);
      AddRole(Role::kFirstSecretary, true, branch, LeaderStart(person, branch_established));
      out_.people[person].roles.back().sending_org = NextAgency();
    }

    // Building leads: a party member living there, or a resident. Every
    // building has one (the draw that once left some without is kept, so
    // that the rest of the district stays as it was).
    for (const AreaBuilding& b : area_) {
      rng_.Percent(88);
      if (b.first_member >= 0 && rng_.Percent(40)) {
        AddRoleFor(b.first_member, Role::kBuildingLead, false, b.unit, RecentStart());
      } else {
        AddPerson(PersonKind::kResident, b.unit, MemberCategory::kUnspecified);
        AddRole(Role::kBuildingLead, false, b.unit, RecentStart());
      }
    }

    for (int c = 0; c < plan.size; ++c) {
      const int unit = compound_units[c];
      BuildCompoundRoles(unit, plan.first_compound + c, pc, unit == cross_compound, full_members);
    }

    if (options_.plant_violations) {
      switch (plan.plant) {
        case Plant::kUncovered:
          out_.violations.push_back(
              {std::string(rules::kCompoundNotCovered), {compound_units.back()}, {}, {}});
          break;
        case Plant::kNoSecretary:
          out_.violations.push_back({std::string(rules::kNoSecretary), {}, {branch}, {}});
          break;
        case Plant::kTooSmall:
          out_.violations.push_back({std::string(rules::kBranchTooSmall), {}, {branch}, {}});
          break;
        case Plant::kNoCommittee:
          out_.violations.push_back(
              {std::string(rules::kBranchWithoutCommittee), {}, {branch}, {}});
          break;
        case Plant::kLarge:
          out_.violations.push_back({std::string(rules::kBranchLargeEnough), {}, {branch}, {}});
          break;
        default:
          break;
      }
    }
  }

  int BuildCompound(int community, const CompoundPlan& c, int64_t ordinal, bool large,
                    int index_in_community, bool covered) {
    std::string name = MadeUpPlace(ordinal * 7 + 3);
    switch (c.kind) {
      case CompoundKind::kCommodity:
        absl::StrAppend(&name, rng_.Pick(kCommoditySuffixes));
        break;
      case CompoundKind::kOld:
        absl::StrAppend(&name, rng_.Pick(kOldSuffixes));
        break;
      case CompoundKind::kResettlement:
        absl::StrAppend(&name, rng_.Pick(kResettlementSuffixes));
        break;
      case CompoundKind::kUrbanVillage:
        absl::StrAppend(&name, "村");
        break;
      case CompoundKind::kRuralConcentrated:
        absl::StrAppend(&name, "村集中居住区");
        break;
      default:
        break;
    }
    const int unit = AddUnit(community, Level::kCompound, std::move(name),
                             absl::StrFormat("XQ%03d", index_in_community + 1));
    {
      DemoUnit& u = out_.units[unit];
      u.kind = c.kind;
      u.has_property_company = c.property;
      u.red_property = c.property;
      if (c.property) {
        u.property_company =
            property_companies_[static_cast<size_t>(ordinal) % property_companies_.size()];
      }
      u.has_owners_committee = c.owners_committee;
      u.red_owners_committee = c.red_owners_committee;
      u.self_managed = !c.property && targets_.self_managed_without_company;
    }
    community_compounds_.push_back(unit);
    const int buildings = static_cast<int>(large ? rng_.Between(12, 20) : rng_.Between(4, 12));
    int32_t households = 0;
    for (int b = 0; b < buildings; ++b) {
      int floors = 0, per_floor = 0;
      switch (c.kind) {
        case CompoundKind::kCommodity:
          floors = static_cast<int>(rng_.Between(6, 33));
          per_floor = static_cast<int>(rng_.Between(2, 6));
          break;
        case CompoundKind::kOld:
          floors = static_cast<int>(rng_.Between(5, 7));
          per_floor = static_cast<int>(rng_.Between(2, 6));
          break;
        case CompoundKind::kResettlement:
          floors = static_cast<int>(rng_.Between(11, 18));
          per_floor = static_cast<int>(rng_.Between(4, 8));
          break;
        default:  // village houses: one household per floor or two
          floors = static_cast<int>(rng_.Between(2, 5));
          per_floor = 1;
          break;
      }
      households += floors * per_floor;
      const int building =
          AddUnit(unit, Level::kBuilding, absl::StrCat(b + 1, "栋"), absl::StrCat(b + 1));
      out_.units[building].floors = floors;
      area_.push_back({building, unit, covered, -1});
      community_buildings_.push_back(building);
    }
    out_.units[unit].households = households;
    return unit;
  }

  // The roles at one compound that do not depend on its organisation.
  void BuildCompoundRoles(int compound, int64_t ordinal, int pc, bool cross_appointed,
                          const std::vector<int>& members) {
    const DemoUnit& c = out_.units[compound];  // units do not grow here
    // The compound's buildings follow it directly in `units`.
    int buildings = 0;
    while (compound + 1 + buildings < static_cast<int>(out_.units.size()) &&
           out_.units[compound + 1 + buildings].parent == compound) {
      ++buildings;
    }
    const auto resident_building = [&]() {
      return compound + 1 + static_cast<int>(rng_.Below(buildings));
    };
    if (c.has_property_company) {
      const int contacts = rng_.Percent(30) ? 2 : 1;
      for (int i = 0; i < contacts; ++i) {
        AddPerson(PersonKind::kStaff, -1, MemberCategory::kUnspecified);
        AddRole(Role::kPropertyContact, false, compound, RecentStart());
      }
    }
    if (c.has_owners_committee) {
      const int size = static_cast<int>(rng_.Between(3, 5)) - (cross_appointed ? 1 : 0);
      for (int i = 0; i < size; ++i) {
        AddPerson(PersonKind::kElder, resident_building(), MemberCategory::kUnspecified);
        AddRole(Role::kOwnersCommitteeMember, false, compound, RecentStart());
      }
    }
    const int representatives = static_cast<int>(rng_.Between(1, 2));
    for (int i = 0; i < representatives; ++i) {
      AddPerson(PersonKind::kResident, resident_building(), MemberCategory::kUnspecified);
      AddRole(Role::kResidentRepresentative, false, compound, RecentStart());
    }
    if (!members.empty() && rng_.Percent(30)) {
      const int person = members[rng_.Below(static_cast<int64_t>(members.size()))];
      AddRoleFor(person, Role::kResidentRepresentative, false, compound, RecentStart());
    }
    const int volunteers = static_cast<int>(rng_.Below(3));
    for (int i = 0; i < volunteers; ++i) {
      const int building = resident_building();
      AddPerson(PersonKind::kResident, building, MemberCategory::kUnspecified);
      AddRole(Role::kVolunteer, false, rng_.Percent(25) ? building : compound, RecentStart());
    }
    if (rng_.Percent(60)) {
      const int building = resident_building();
      AddPerson(PersonKind::kResident, building, MemberCategory::kUnspecified);
      AddRole(Role::kMicroGridLiaison, false, rng_.Percent(50) ? building : compound,
              RecentStart());
    }
    // "Cadres into compounds": a work team of agency cadres led by the head
    // of a district agency (区直单位"一把手"挂帅), 70%+ of them party members.
    // They are seconded: their relationships stay with their agencies.
    for (int i = 0; i < compounds_[ordinal].work_team; ++i) {
      const bool member = i == 0 || cadre_count_ % 4 != 3;
      ++cadre_count_;
      AddPerson(member ? PersonKind::kCadre : PersonKind::kStaff, -1,
                member ? MemberCategory::kInService : MemberCategory::kUnspecified);
      AddRole(i == 0 ? Role::kWorkTeamLeader : Role::kWorkTeamMember, false, compound,
              RecentStart());
      out_.people.back().roles.back().sending_org = NextAgency();
    }
  }

  // A secretary, a deputy and `committee` committee members for a street or
  // community organisation, new full members whose relationship sits there.
  // Staff of a community live in one of its buildings `residence_percent`
  // of the time. Returns the secretary.
  int AddOrgLeadership(int org, int residence_percent, int committee) {
    int secretary = -1;
    for (int i = 0; i < 2 + committee; ++i) {
      const Role role =
          i == 0 ? Role::kSecretary : (i == 1 ? Role::kDeputySecretary : Role::kCommitteeMember);
      const int person = AddPerson(PersonKind::kCadre, RandomCommunityBuilding(residence_percent),
                                   MemberCategory::kInService);
      JoinOrg(person, org);
      AddRole(role, true, org, LeaderStart(person, out_.party_orgs[org].established));
      if (i == 0) secretary = person;
    }
    return secretary;
  }

  // --- Units, organisations, people, roles.

  int AddUnit(int parent, Level level, std::string name, std::string code) {
    DemoUnit& u = out_.units.emplace_back();
    u.parent = parent;
    u.level = level;
    u.display_name = std::move(name);
    u.code = std::move(code);
    return static_cast<int>(out_.units.size()) - 1;
  }

  int AddOrg(int parent, OrgForm form, std::string name, std::vector<int> units,
             absl::CivilDay established) {
    DemoPartyOrg& o = out_.party_orgs.emplace_back();
    o.parent = parent;
    o.form = form;
    o.display_name = std::move(name);
    o.units = std::move(units);
    o.established = std::min(established, today_);
    // Elections every term since it was established, the last on or before
    // today.
    const int32_t years = org::DefaultTermYears(form);
    int32_t terms = (today_.year() - o.established.year()) / years;
    absl::CivilDay start(o.established.year() + terms * years, o.established.month(),
                         o.established.day());
    if (start > today_) start = absl::CivilDay(start.year() - years, start.month(), start.day());
    o.term_start = std::max(start, o.established);
    // Last year's rating, by position (not from the random stream): three in
    // ten advanced, one in ten lagging.
    const int index = static_cast<int>(out_.party_orgs.size()) - 1;
    if ((form == OrgForm::kBranch || form == OrgForm::kJointBranch ||
         form == OrgForm::kGeneralBranch) &&
        o.established.year() < today_.year()) {
      const int k = index % 10;
      o.rating =
          k < 3 ? org::Rating::kAdvanced : (k < 9 ? org::Rating::kOrdinary : org::Rating::kLagging);
      o.rating_year = today_.year() - 1;
      o.stars = k < 3 ? 4 + k % 2 : (k < 9 ? 2 + k % 2 : 1);
    }
    return index;
  }

  enum class PersonKind {
    kFullMember,
    kProbationary,
    kCadre,     // a full member sent from an agency or working for one
    kResident,  // a non-member
    kElder,     // a non-member, older (owners committees)
    kStaff,     // a non-member of working age (grid workers, property staff)
  };

  MemberCategory RandomCategory() {
    const int64_t r = rng_.Below(100);
    if (r < 35) return MemberCategory::kRetired;
    if (r < 62) return MemberCategory::kInService;
    if (r < 90) return MemberCategory::kDirect;
    return MemberCategory::kFloating;
  }

  int AddPerson(PersonKind kind, int residence, MemberCategory category) {
    const int index = static_cast<int>(out_.people.size());
    DemoPerson& p = out_.people.emplace_back();
    p.external_key = std::string(key_prefix_);
    AppendDigits(p.external_key, index + 1, 6);
    const bool member = kind == PersonKind::kFullMember || kind == PersonKind::kProbationary ||
                        kind == PersonKind::kCadre;
    p.gender = rng_.Percent(member ? 60 : 48) ? Gender::kMale : Gender::kFemale;
    // Ages by what the person is.
    int min_age = 20, max_age = 80;
    if (kind == PersonKind::kProbationary) {
      min_age = 20, max_age = 40;
    } else if (kind == PersonKind::kCadre || kind == PersonKind::kStaff) {
      min_age = 25, max_age = 56;
    } else if (kind == PersonKind::kElder) {
      min_age = 35, max_age = 75;
    } else if (kind == PersonKind::kFullMember) {
      switch (category) {
        case MemberCategory::kRetired:
          min_age = 60, max_age = 90;
          break;
        case MemberCategory::kInService:
          min_age = 25, max_age = 58;
          break;
        case MemberCategory::kFloating:
          min_age = 22, max_age = 55;
          break;
        default:
          min_age = 30, max_age = 85;
          break;
      }
    }
    const int year = today_.year() - static_cast<int>(rng_.Between(min_age, max_age));
    p.birth_date = absl::CivilDay(year, 1, 1) + rng_.Below(365);
    p.id_card_number = IdCardNumber(p.birth_date, p.gender);
    p.display_name = PersonName(p.gender);
    p.phone = Phone(index);
    p.residence_building = residence;
    if (residence >= 0) p.residence_room = Room(residence);
    if (member) {
      p.category = category;
      if (kind == PersonKind::kProbationary) {
        if (category == MemberCategory::kRetired) p.category = MemberCategory::kDirect;
        p.party_status = PartyStatus::kProbationary;
        p.admission = today_ - rng_.Between(30, 330);
      } else {
        p.party_status = PartyStatus::kFull;
        // Admitted at 18 or later, and more than a year ago (else they would
        // still be probationary).
        const absl::CivilDay adult(p.birth_date.year() + 18, p.birth_date.month(),
                                   p.birth_date.day());
        const absl::CivilDay latest = today_ - 400;
        const int64_t span = std::max<int64_t>(0, std::min<int64_t>(latest - adult, 40 * 365));
        p.admission = adult + rng_.Below(span + 1);
      }
    }
    return index;
  }

  void JoinOrg(int person, int org) {
    DemoPerson& p = out_.people[person];
    p.party_org = org;
    p.membership_start = std::max(*p.admission, out_.party_orgs[org].established);
  }

  // A role for the person added last.
  void AddRole(Role role, bool at_party_org, int place, absl::CivilDay start) {
    AddRoleFor(static_cast<int>(out_.people.size()) - 1, role, at_party_org, place, start);
  }
  // Nobody takes a role before they are 18.
  void AddRoleFor(int person, Role role, bool at_party_org, int place, absl::CivilDay start) {
    DemoPerson& p = out_.people[person];
    const absl::CivilDay adult(p.birth_date.year() + 18, p.birth_date.month(), p.birth_date.day());
    p.roles.push_back({role, at_party_org, place, std::min(std::max(start, adult), today_)});
  }

  absl::CivilDay RecentStart() { return today_ - rng_.Between(30, 1500); }
  absl::CivilDay RoleStart(const DemoPerson& p) {
    return std::max(RecentStart(), p.membership_start.value_or(p.birth_date));
  }
  // Leaders take office after the organisation exists and they belong to a
  // party organisation.
  absl::CivilDay LeaderStart(int person, absl::CivilDay established) {
    const DemoPerson& p = out_.people[person];
    absl::CivilDay from = std::max(established, p.admission.value_or(established));
    if (p.membership_start) from = std::max(from, *p.membership_start);
    return from + rng_.Below(std::max<int64_t>(1, std::min<int64_t>(365, today_ - from)));
  }

  // --- Personal data.

  std::string PersonName(Gender gender) {
    std::string name(rng_.Pick(kSurnames));
    const auto& given = gender == Gender::kMale ? kMaleGiven : kFemaleGiven;
    absl::StrAppend(&name, rng_.Pick(given));
    if (rng_.Percent(72)) absl::StrAppend(&name, rng_.Pick(given));
    return name;
  }

  // A GB 11643 number, unique in the district: per region, birth day and
  // sex there are 500 sequence numbers; when a day's run out, the person is
  // born a day earlier.
  std::string IdCardNumber(absl::CivilDay& birth, Gender gender) {
    const int region = static_cast<int>(rng_.Percent(70) ? 0 : rng_.Below(region_codes_.size()));
    const int male = gender == Gender::kMale ? 1 : 0;
    int sequence = 0;
    for (;;) {
      const int64_t day = birth - epoch_;
      uint16_t& used = id_counters_[(region * days_ + day) * 2 + male];
      if (used < 500) {
        sequence = used++ * 2 + male;
        break;
      }
      birth -= 1;
    }
    std::string number(region_codes_[region]);
    number.reserve(18);
    AppendDigits(number, birth.year(), 4);
    AppendDigits(number, birth.month(), 2);
    AppendDigits(number, birth.day(), 2);
    AppendDigits(number, sequence, 3);
    number.push_back(IdCardCheckCharacter(number));
    return number;
  }

  // Unique per person: the last eight digits are a bijection of the index.
  std::string Phone(int index) {
    const uint64_t digits = (static_cast<uint64_t>(index) * 48271 + 13579246) % 100000000;
    std::string phone(rng_.Pick(kPhonePrefixes));
    AppendDigits(phone, static_cast<int64_t>(digits), 8);
    return phone;
  }

  std::string Room(int building) {
    const DemoUnit& b = out_.units[building];
    const CompoundKind kind = out_.units[b.parent].kind;
    if (kind == CompoundKind::kUrbanVillage || kind == CompoundKind::kRuralConcentrated) {
      return absl::StrCat(rng_.Between(1, 60), "号");
    }
    const int floor = static_cast<int>(rng_.Between(1, std::max(1, b.floors)));
    std::string room = absl::StrCat(rng_.Between(1, 3), "-", floor);
    AppendDigits(room, rng_.Between(1, 4), 2);
    return room;
  }

  // `value` in decimal, zero-padded to `width` digits (StrFormat's "%0*d"
  // costs more than the rest of a person when there are millions of them).
  static void AppendDigits(std::string& out, int64_t value, int width) {
    char buf[24];
    int n = 0;
    do {
      buf[n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value > 0);
    for (int i = n; i < width; ++i) out.push_back('0');
    while (n > 0) out.push_back(buf[--n]);
  }

  // Two characters from the place lists, different for the first 1600 `i`.
  static std::string MadeUpPlace(int64_t i) {
    const int64_t n = static_cast<int64_t>(kPlaceFirst.size());
    const int64_t a = i % n;
    const int64_t b = (i / n + a) % n;
    std::string name = absl::StrCat(kPlaceFirst[a], kPlaceSecond[b]);
    if (i >= n * n) absl::StrAppend(&name, i / (n * n) + 1);
    return name;
  }

  // DemoOptions::people_fraction: keeps person i when the running count
  // floor(i * fraction) steps up there (evenly spread), and every leader of
  // a party organisation; the kept keep their order and external keys.
  void KeepPeople(double fraction) {
    if (!(fraction < 1)) return;
    fraction = std::max(0.0, fraction);
    const size_t n = out_.people.size();
    std::vector<int> kept_as(n, -1);
    size_t kept = 0;
    for (size_t i = 0; i < n; ++i) {
      DemoPerson& p = out_.people[i];
      const bool leader = std::any_of(p.roles.begin(), p.roles.end(),
                                      [](const DemoRole& r) { return r.at_party_org; });
      const bool chosen = std::floor(static_cast<double>(i + 1) * fraction) >
                          std::floor(static_cast<double>(i) * fraction);
      if (!leader && !chosen) continue;
      kept_as[i] = static_cast<int>(kept);
      if (kept != i) out_.people[kept] = std::move(p);
      ++kept;
    }
    out_.people.resize(kept);
    out_.people.shrink_to_fit();
    std::vector<PlantedViolation> violations;
    for (PlantedViolation& v : out_.violations) {
      bool gone = false;
      for (int& person : v.people) {
        person = kept_as[person];
        gone |= person < 0;
      }
      if (!gone) violations.push_back(std::move(v));
    }
    out_.violations = std::move(violations);
  }

  // DemoOptions::second_role.
  void AddSecondRoles() {
    for (size_t i = 0; i < out_.people.size(); ++i) {
      DemoPerson& p = out_.people[i];
      int place = p.residence_building;
      for (size_t r = 0; place < 0 && r < p.roles.size(); ++r) {
        if (!p.roles[r].at_party_org) place = p.roles[r].place;
      }
      for (size_t r = 0; place < 0 && r < p.roles.size(); ++r) {
        if (!p.roles[r].at_party_org) continue;
        const std::vector<int>& units = out_.party_orgs[p.roles[r].place].units;
        if (!units.empty()) place = units.front();
      }
      if (place < 0 && p.party_org >= 0 && !out_.party_orgs[p.party_org].units.empty()) {
        place = out_.party_orgs[p.party_org].units.front();
      }
      if (place <= 0) continue;  // nowhere, or the district itself
      const bool volunteers_there =
          std::any_of(p.roles.begin(), p.roles.end(), [&](const DemoRole& r) {
            return r.role == Role::kVolunteer && !r.at_party_org && r.place == place;
          });
      if (volunteers_there) continue;
      AddRoleFor(static_cast<int>(i), Role::kVolunteer, false, place,
                 today_ - (30 + static_cast<int64_t>(i % 1500)));
    }
  }

  // Every in-service member with a home here registers with the community
  // they live in (双报到), at their compound; three in four take a post
  // (grid worker, building lead, volunteer, a seat on the branch committee)
  // and a duty zone, their building. Decided by index, not by the random
  // stream, so that nothing else in the district changes with it.
  void RegisterInServiceMembers() {
    static constexpr roster::RegistrationPost kPosts[] = {
        roster::RegistrationPost::kUnspecified,  roster::RegistrationPost::kGridWorker,
        roster::RegistrationPost::kBuildingLead, roster::RegistrationPost::kVolunteer,
        roster::RegistrationPost::kGridWorker,   roster::RegistrationPost::kBranchCommittee,
        roster::RegistrationPost::kVolunteer,    roster::RegistrationPost::kBuildingLead};
    int64_t posts = 0;  // given so far, against targets_.registered_with_post
    for (size_t i = 0; i < out_.people.size(); ++i) {
      DemoPerson& p = out_.people[i];
      if (p.category != MemberCategory::kInService || !roster::IsPartyMember(p.party_status) ||
          p.residence_building < 0) {
        continue;
      }
      const int compound = out_.units[p.residence_building].parent;
      p.registered_community = out_.units[compound].parent;
      p.registered_compound = compound;
      p.registration_post = kPosts[i % 8];
      if (targets_.registered_with_post > 0) {
        // Zhangping's head count: posts for the first so many, in turn.
        p.registration_post = posts < targets_.registered_with_post
                                  ? kPosts[1 + posts % 7]
                                  : roster::RegistrationPost::kUnspecified;
        posts += p.registration_post != roster::RegistrationPost::kUnspecified;
      }
      if (p.registration_post != roster::RegistrationPost::kUnspecified) {
        p.duty_zone = out_.units[p.residence_building].display_name;
      }
    }
  }

  // --- Figures, counted from what was generated.

  void CountFigures() {
    DemoFigures& f = out_.figures;
    f.alliances = static_cast<int64_t>(out_.alliances.size());
    const size_t n = out_.units.size();
    const auto is_village = [](const DemoUnit& u) {
      return u.kind == CompoundKind::kUrbanVillage || u.kind == CompoundKind::kRuralConcentrated;
    };
    for (const DemoUnit& u : out_.units) {
      switch (u.level) {
        case Level::kStreet:
          ++f.streets;
          break;
        case Level::kCommunity:
          ++f.communities;
          break;
        case Level::kCompound:
          if (u.kind == CompoundKind::kUrbanVillage) {
            ++f.urban_villages;
          } else if (!is_village(u)) {
            ++f.compounds;
            f.compounds_with_property += u.has_property_company;
            f.compounds_with_red_property += u.red_property;
          }
          f.compounds_with_owners_committee += u.has_owners_committee;
          f.compounds_with_red_owners_committee += u.red_owners_committee;
          f.work_team_targets += !u.has_property_company || u.kind == CompoundKind::kResettlement ||
                                 u.kind == CompoundKind::kUrbanVillage;
          break;
        case Level::kBuilding:
          ++f.buildings;
          break;
        default:
          break;
      }
    }
    std::vector<bool> covered(n, false), grouped(n, false), work_team(n, false), lead(n, false),
        director_of(n, false);
    std::vector<int> secretary_of(n, -1);  // community -> its party committee's secretary
    for (const DemoPartyOrg& o : out_.party_orgs) {
      const bool compound_org = o.form == OrgForm::kBranch || o.form == OrgForm::kJointBranch ||
                                o.form == OrgForm::kGeneralBranch;
      if (compound_org) {
        const bool village = std::all_of(o.units.begin(), o.units.end(),
                                         [&](int u) { return is_village(out_.units[u]); });
        ++(village ? f.village_branches : f.compound_branches);
        f.joint_branches += o.form == OrgForm::kJointBranch;
        for (int u : o.units) covered[u] = true;
      }
      if (o.form == OrgForm::kPartyGroup) {
        for (int u : o.units) grouped[u] = true;
      }
    }
    std::vector<std::pair<int, int>> directors;  // (community, person)
    for (size_t i = 0; i < out_.people.size(); ++i) {
      const DemoPerson& p = out_.people[i];
      ++f.people;
      f.party_members += roster::IsPartyMember(p.party_status);
      if (p.category == MemberCategory::kInService && roster::IsPartyMember(p.party_status) &&
          p.residence_building >= 0) {
        ++f.in_service_residents;
        f.in_service_registered += p.registered_community >= 0;
      }
      if (p.registered_community >= 0 &&
          p.registration_post != roster::RegistrationPost::kUnspecified) {
        ++f.registered_with_post;
      }
      for (const DemoRole& r : p.roles) {
        if (r.role == Role::kFirstSecretary && r.at_party_org) {
          ++f.first_secretaries;
        } else if ((r.role == Role::kWorkTeamMember || r.role == Role::kWorkTeamLeader) &&
                   !r.at_party_org) {
          ++f.work_team_members;
          work_team[r.place] = true;
        } else if (r.role == Role::kBuildingLead && !r.at_party_org) {
          lead[r.place] = true;
        } else if (r.role == Role::kSecretary && r.at_party_org &&
                   out_.party_orgs[r.place].form == OrgForm::kPartyCommittee) {
          for (int u : out_.party_orgs[r.place].units) secretary_of[u] = static_cast<int>(i);
        } else if (r.role == Role::kResidentsCommitteeDirector && !r.at_party_org) {
          directors.emplace_back(r.place, static_cast<int>(i));
        }
      }
    }
    for (const auto& [community, person] : directors) {
      if (secretary_of[community] == person && !director_of[community]) {
        director_of[community] = true;
        ++f.communities_one_shoulder;
      }
    }
    for (size_t u = 0; u < n; ++u) {
      if (out_.units[u].level == Level::kCompound && !is_village(out_.units[u])) {
        f.compounds_covered += covered[u];
      }
      f.work_teams += work_team[u];
      f.buildings_with_party_group += grouped[u];
      f.buildings_with_lead += lead[u];
    }
  }

  const DemoOptions& options_;
  const absl::CivilDay today_;
  Rng rng_;
  // Places of birth for ID-card numbers, and the prefix of external keys:
  // per profile, so that both profiles load into one suite.
  const std::array<absl::string_view, 12>& region_codes_;
  const absl::string_view key_prefix_;
  const Targets targets_;
  const absl::CivilDay epoch_;
  const int64_t days_;
  std::vector<uint16_t> id_counters_;  // per region, day of birth and sex

  std::vector<OrgPlan> plans_;
  std::vector<CompoundPlan> compounds_;
  int64_t cadre_count_ = 0;
  std::vector<int> agencies_, property_companies_, co_builders_;  // indices into external_orgs
  // Every community: (unit index, its party committee's index).
  std::vector<std::pair<int, int>> communities_;
  size_t next_agency_ = 0;

  // The community and organisation being built.
  std::vector<int> community_compounds_;
  std::vector<int> community_buildings_;
  std::vector<AreaBuilding> area_;

  DemoDistrict out_;
};

// --- A year of residents' issues, from a stream of its own (so that the
// rest of the district is the same with or without them).

using casework::Category;
using casework::HandlingLevel;
using casework::IssueState;

// Generic titles by category: no personal data, nothing about anyone.
constexpr std::array<std::pair<Category, absl::string_view>, 8> kIssueKinds = {{
    {Category::kPropertyMaintenance, "楼道照明损坏"},
    {Category::kEnvironmentSanitation, "垃圾清运不及时"},
    {Category::kSafetyHazard, "消防通道被占用"},
    {Category::kNeighbourDispute, "楼上漏水纠纷"},
    {Category::kParking, "小区停车位不足"},
    {Category::kElderlyAndChildren, "老年助餐需求"},
    {Category::kRenovation, "老旧小区加装电梯"},
    {Category::kCertificate, "不动产权证办理"},
}};
constexpr std::array<casework::Channel, 7> kIssueChannels = {
    casework::Channel::kGridWorker,           casework::Channel::kBuildingLead,
    casework::Channel::kPartyMemberHousehold, casework::Channel::kResident,
    casework::Channel::kOwnersCommittee,      casework::Channel::kHotline,
    casework::Channel::kPropertyCompany};
constexpr std::array<absl::string_view, 5> kDepartments = {"区住建局", "区城管局", "区市场监管局",
                                                           "区消防救援大队", "区自然资源局"};

class CaseworkGenerator {
 public:
  explicit CaseworkGenerator(DemoDistrict& out) : out_(out), rng_(kSeed ^ 0x16'0016) {}

  void Run(bool plant) {
    if (!FindPlaces()) return;
    // Resolved, by final level: most at the compound or community, fewer at
    // the street, a few at the district.
    const std::array<std::pair<HandlingLevel, int>, 4> resolved = {
        {{HandlingLevel::kCompound, 605},
         {HandlingLevel::kCommunity, 330},
         {HandlingLevel::kStreet, 132},
         {HandlingLevel::kDistrict, kDemoResolvedIssues - 605 - 330 - 132}}};
    for (const auto& [level, count] : resolved) {
      for (int i = 0; i < count; ++i) {
        DemoIssue& issue = Add(level, RandomKind());
        Resolve(issue, i % 10 == 9 ? IssueState::kResolved : IssueState::kConfirmed);
        // 街道吹哨、部门报到: a department summoned to one street issue in six,
        // acknowledged and reported back before it was resolved.
        if (level == HandlingLevel::kStreet && i % 6 == 0) {
          const absl::Duration created = issue.created_ago - absl::Hours(12);
          issue.dispatches.push_back({.department_name = Department(),
                                      .state = casework::DispatchState::kReported,
                                      .request = "请派员到现场核查处置",
                                      .created_ago = created,
                                      .due_in = -(created - absl::Hours(72)),
                                      .acknowledged_ago = created - absl::Hours(2),
                                      .reported_ago = *issue.resolved_ago + absl::Hours(1)});
        }
      }
    }
    // Suggestions (意见建议): 134 adopted and resolved, the rest rejected as
    // not adopted.
    for (int i = 0; i < kDemoSuggestions; ++i) {
      const bool adopted = i < kDemoSuggestionsAdopted;
      DemoIssue& issue = Add(i % 3 == 0 ? HandlingLevel::kStreet : HandlingLevel::kCommunity,
                             {Category::kSuggestion, "关于完善社区服务的建议"});
      if (adopted) {
        Resolve(issue, IssueState::kConfirmed);
      } else {
        issue.state = IssueState::kRejected;
        issue.closed_ago = issue.created_ago - absl::Hours(rng_.Between(24, 240));
      }
    }
    // Reopened: the resident was not satisfied; due again later.
    for (int i = 0; i < 12; ++i) {
      DemoIssue& issue = Add(i % 2 ? HandlingLevel::kStreet : HandlingLevel::kCommunity,
                             RandomKind(), /*recent=*/true);
      issue.resolved_ago = issue.created_ago - absl::Hours(rng_.Between(24, 120));
      issue.state = IssueState::kReopened;
      issue.due_in = absl::Hours(rng_.Between(72, 240));
    }
    // Open and due later, at every level below the district.
    for (int i = 0; i < 40; ++i) {
      const HandlingLevel level = i % 4 == 0   ? HandlingLevel::kStreet
                                  : i % 2 == 0 ? HandlingLevel::kCommunity
                                               : HandlingLevel::kCompound;
      DemoIssue& issue = Add(level, RandomKind(), /*recent=*/true);
      issue.state = i % 3 == 0 ? IssueState::kReported : IssueState::kAccepted;
      if (level == HandlingLevel::kStreet && i % 8 == 0) {
        issue.state = IssueState::kEscalated;
      }
      issue.due_in = absl::Hours(rng_.Between(72, 240));
      // A department summoned to some, acknowledged and due later.
      if (level == HandlingLevel::kStreet && i % 8 == 4) {
        const absl::Duration created = issue.created_ago - absl::Hours(6);
        issue.dispatches.push_back({.department_name = Department(),
                                    .state = casework::DispatchState::kAcknowledged,
                                    .request = "请派员到现场核查处置",
                                    .created_ago = created,
                                    .due_in = absl::Hours(rng_.Between(48, 120)),
                                    .acknowledged_ago = created - absl::Hours(3)});
      }
    }
    // Rejected: duplicates and matters outside the hierarchy's remit.
    for (int i = 0; i < 20; ++i) {
      DemoIssue& issue = Add(HandlingLevel::kCommunity, RandomKind());
      issue.state = IssueState::kRejected;
      issue.closed_ago = issue.created_ago - absl::Hours(rng_.Between(2, 48));
    }
    if (plant) {
      // Stuck at the district past their due time: nothing escalates them.
      for (int i = 0; i < kDemoOverdueIssues; ++i) {
        DemoIssue& issue = Add(HandlingLevel::kDistrict, RandomKind(), /*recent=*/true);
        issue.state = IssueState::kAccepted;
        issue.created_ago = absl::Hours(24 * (40 + i));
        issue.due_in = -absl::Hours(24 * (2 + 3 * i) + 5);
        out_.overdue_issues.push_back(static_cast<int>(out_.issues.size()) - 1);
      }
      // A department summoned by the street that never acknowledged it; the
      // issue itself is due later.
      for (int i = 0; i < kDemoUnacknowledgedDispatches; ++i) {
        DemoIssue& issue = Add(HandlingLevel::kStreet, RandomKind(), /*recent=*/true);
        issue.state = IssueState::kAccepted;
        issue.due_in = absl::Hours(rng_.Between(72, 240));
        const absl::Duration created = issue.created_ago - absl::Hours(4);
        issue.dispatches.push_back({.department_name = Department(),
                                    .state = casework::DispatchState::kSummoned,
                                    .request = "请派员到现场核查处置",
                                    .created_ago = created,
                                    .due_in = -absl::Hours(26 + 24 * i)});
        out_.unacknowledged_dispatches.emplace_back(static_cast<int>(out_.issues.size()) - 1, 0);
      }
    }
    CountFigures();
  }

 private:
  // The first street's compounds (with a building each) and communities.
  bool FindPlaces() {
    int street = -1;
    for (size_t u = 0; u < out_.units.size() && street < 0; ++u) {
      if (out_.units[u].level == Level::kStreet) street = static_cast<int>(u);
    }
    if (street < 0) return false;
    std::vector<bool> in_street(out_.units.size(), false);
    in_street[street] = true;
    for (size_t u = 0; u < out_.units.size(); ++u) {  // parents come first
      const DemoUnit& unit = out_.units[u];
      if (unit.parent < 0 || !in_street[unit.parent]) continue;
      in_street[u] = true;
      if (unit.level == Level::kCommunity) communities_.push_back(static_cast<int>(u));
      if (unit.level == Level::kCompound) compounds_.push_back(static_cast<int>(u));
      if (unit.level == Level::kBuilding) buildings_.push_back(static_cast<int>(u));
    }
    return !communities_.empty() && !compounds_.empty();
  }

  std::pair<Category, absl::string_view> RandomKind() { return rng_.Pick(kIssueKinds); }
  std::string Department() { return std::string(rng_.Pick(kDepartments)); }

  // A new issue handled at `level` now, reported within the year (in its
  // last month when `recent`): at a building or compound for a compound's
  // level, at a community for one in three of the others.
  DemoIssue& Add(HandlingLevel level, std::pair<Category, absl::string_view> kind,
                 bool recent = false) {
    DemoIssue issue;
    issue.external_key = absl::StrCat("DEMO-", out_.issues.size() + 1);
    const int64_t pick = rng_.Below(3);
    if (level != HandlingLevel::kCompound && pick == 0) {
      issue.place = communities_[rng_.Below(static_cast<int64_t>(communities_.size()))];
    } else if (pick == 1 && !buildings_.empty()) {
      issue.place = buildings_[rng_.Below(static_cast<int64_t>(buildings_.size()))];
    } else {
      issue.place = compounds_[rng_.Below(static_cast<int64_t>(compounds_.size()))];
    }
    issue.category = kind.first;
    issue.title = std::string(kind.second);
    issue.channel = rng_.Pick(kIssueChannels);
    issue.level = level;
    // Within the last 360 days (an audit a little later still counts it),
    // and at least 60 days back for the ones resolved since.
    issue.created_ago =
        recent ? absl::Hours(rng_.Between(24 * 7, 24 * 30))
               : absl::Hours(rng_.Between(24 * 60, 24 * 360)) + absl::Minutes(rng_.Below(60));
    out_.issues.push_back(std::move(issue));
    return out_.issues.back();
  }

  // Resolved after a time that grows with the level, then confirmed a day
  // or two later (CONFIRMED) or not yet (RESOLVED).
  void Resolve(DemoIssue& issue, IssueState state) {
    int64_t lo = 1, hi = 72;  // hours
    switch (issue.level) {
      case HandlingLevel::kCommunity:
        lo = 24, hi = 24 * 7;
        break;
      case HandlingLevel::kStreet:
        lo = 24 * 3, hi = 24 * 20;
        break;
      case HandlingLevel::kDistrict:
        lo = 24 * 10, hi = 24 * 45;
        break;
      default:
        break;
    }
    issue.state = state;
    issue.resolved_ago =
        issue.created_ago - absl::Hours(rng_.Between(lo, hi)) - absl::Minutes(rng_.Below(60));
    if (state == IssueState::kConfirmed) {
      issue.closed_ago = *issue.resolved_ago - absl::Hours(rng_.Between(2, 48));
      issue.satisfaction = rng_.Percent(85) ? casework::Satisfaction::kSatisfied
                                            : casework::Satisfaction::kBasicallySatisfied;
    }
  }

  void CountFigures() {
    DemoCaseworkFigures& f = out_.casework;
    for (size_t i = 0; i < out_.issues.size(); ++i) {
      const DemoIssue& issue = out_.issues[i];
      ++f.issues;
      f.dispatches += static_cast<int64_t>(issue.dispatches.size());
      const bool resolved =
          issue.state == IssueState::kResolved || issue.state == IssueState::kConfirmed;
      f.closed += issue.state == IssueState::kConfirmed || issue.state == IssueState::kRejected;
      if (resolved) {
        ++f.resolved;
        f.resolved_in_community += issue.level <= HandlingLevel::kCommunity;
        f.resolved_in_street += issue.level <= HandlingLevel::kStreet;
        f.resolve_times[static_cast<int>(issue.level) - 1].push_back(issue.created_ago -
                                                                     *issue.resolved_ago);
      }
      f.resolved_ever += resolved || issue.state == IssueState::kReopened;
      f.reopened += issue.state == IssueState::kReopened;
      if (casework::IsOpen(issue.state)) {
        ++f.open;
        f.open_overdue += issue.due_in < absl::ZeroDuration();
      }
      if (issue.category == Category::kSuggestion) {
        ++f.suggestions;
        f.suggestions_resolved += resolved;
        f.suggestions_rejected += issue.state == IssueState::kRejected;
      }
    }
    for (auto& times : f.resolve_times) std::sort(times.begin(), times.end());
  }

  DemoDistrict& out_;
  Rng rng_;
  std::vector<int> communities_, compounds_, buildings_;
};

}  // namespace

DemoDistrict GenerateDemoDistrict(const DemoOptions& options) {
  DemoDistrict district = Generator(options).Run();
  if (options.casework) CaseworkGenerator(district).Run(options.plant_violations);
  return district;
}

}  // namespace grassroots::demo
