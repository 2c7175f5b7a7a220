// The reads of RosterCore: people, memberships, registrations and roles,
// at a published revision, paged.

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/page_token.h"
#include "common/personal_data.h"
#include "common/status_macros.h"
#include "roster_service/roster_core.h"
#include "roster_service/roster_filter.h"
#include "roster_service/roster_plans.h"

namespace grassroots::roster {

// --- Reads.

absl::StatusOr<Person> RosterCore::GetPerson(int64_t id) const {
  return engine_.Read([&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Person> {
    const Person* person = index.FindPerson(id, revision);
    if (person == nullptr) return PersonNotFound(id, "name");
    return *person;
  });
}

absl::StatusOr<std::vector<Person>> RosterCore::BatchGetPeople(
    absl::Span<const int64_t> ids) const {
  return engine_.Read([&](const RosterIndex& index, int64_t revision) {
    return GetAll<Person>(
        ids, [&](int64_t id) { return index.FindPerson(id, revision); }, &PersonNotFound);
  });
}

absl::StatusOr<Page<Person>> RosterCore::ListPeople(const ListPeopleQuery& query) const {
  ASSIGN_OR_RETURN(const PersonFilter filter, ParsePersonFilter(query.filter));
  const uint64_t fingerprint =
      StableHasher().Add("people").Add(query.filter).Add(query.show_deleted ? 1 : 0).hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  return engine_.ReadAt(
      list.revision,
      [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Page<Person>> {
        PageCollector<Person> page(list.page_size, revision);
        // An external key names at most a few people: use its index.
        auto find = [&](int64_t id) { return index.FindPerson(id, revision); };
        auto keep = [&](const Person& p) {
          return (!p.deleted || query.show_deleted) && filter.Matches(p);
        };
        if (filter.external_key) {
          OfferFrom<Person>(index.PeopleWithExternalKey(*filter.external_key), list.cursor.last_key,
                            find, keep, page);
        } else {
          OfferRange<Person>(list.cursor.last_key, index.max_person_id(), find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

absl::StatusOr<Person> RosterCore::LookupPersonByIdCard(const std::string& number) const {
  const std::string normalized = NormalizeIdCardNumber(number);
  if (absl::Status s = ParseIdCardNumber(normalized, "id_card_number", Today()).status(); !s.ok()) {
    return s;
  }
  return engine_.Read([&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Person> {
    for (int64_t id : index.PeopleWithIdCard(normalized)) {
      const Person* person = index.FindPerson(id, revision);
      if (person != nullptr && !person->deleted && person->id_card_number == normalized) {
        return *person;
      }
    }
    return absl::NotFoundError("id_card_number: no live person has this ID-card number");
  });
}

namespace {

// Memberships and registrations are periods a person spends at a place (an
// organisation, a community); both list alike, by person, by place or all.
template <typename T>
struct PeriodIndex;

template <>
struct PeriodIndex<Membership> {
  static constexpr absl::string_view kCollection = "memberships";
  static absl::Span<const int64_t> Of(const RosterIndex& index, int64_t person) {
    return index.MembershipsOf(person);
  }
  static absl::Span<const int64_t> At(const RosterIndex& index, int64_t place) {
    return index.MembershipsAt(place);
  }
  static int64_t MaxId(const RosterIndex& index) { return index.max_membership_id(); }
  static const Membership* Find(const RosterIndex& index, int64_t id, int64_t revision) {
    return index.FindMembership(id, revision);
  }
  static int64_t PlaceOf(const Membership& m) { return m.party_org_id; }
};

template <>
struct PeriodIndex<Registration> {
  static constexpr absl::string_view kCollection = "registrations";
  static absl::Span<const int64_t> Of(const RosterIndex& index, int64_t person) {
    return index.RegistrationsOf(person);
  }
  static absl::Span<const int64_t> At(const RosterIndex& index, int64_t place) {
    return index.RegistrationsAt(place);
  }
  static int64_t MaxId(const RosterIndex& index) { return index.max_registration_id(); }
  static const Registration* Find(const RosterIndex& index, int64_t id, int64_t revision) {
    return index.FindRegistration(id, revision);
  }
  static int64_t PlaceOf(const Registration& r) { return r.community_id; }
};

template <typename T>
uint64_t PeriodFingerprint(int64_t person_id, int64_t place_id, bool current_only) {
  return StableHasher()
      .Add(PeriodIndex<T>::kCollection)
      .Add(person_id)
      .Add(place_id)
      .Add(current_only ? 1 : 0)
      .hash();
}

template <typename T>
absl::StatusOr<Page<T>> ListPeriods(const RosterIndex& index, int64_t revision,
                                    const ListRequest& list, int64_t person_id, int64_t place_id,
                                    bool current_only) {
  using Traits = PeriodIndex<T>;
  if (person_id != 0 && index.FindPerson(person_id, revision) == nullptr) {
    return PersonNotFound(person_id, "parent");
  }
  PageCollector<T> page(list.page_size, revision);
  auto find = [&](int64_t id) { return Traits::Find(index, id, revision); };
  auto keep = [&](const T& period) {
    return (place_id == 0 || Traits::PlaceOf(period) == place_id) &&
           (!current_only || period.current());
  };
  if (person_id != 0) {
    OfferFrom<T>(Traits::Of(index, person_id), list.cursor.last_key, find, keep, page);
  } else if (place_id != 0) {
    OfferFrom<T>(Traits::At(index, place_id), list.cursor.last_key, find, keep, page);
  } else {
    OfferRange<T>(list.cursor.last_key, Traits::MaxId(index), find, keep, page);
  }
  return std::move(page).Finish(list.fingerprint);
}

}  // namespace

absl::StatusOr<Page<Membership>> RosterCore::ListMemberships(
    const ListMembershipsQuery& query) const {
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest(PeriodFingerprint<Membership>(
                                        query.person_id, query.party_org_id, query.current_only),
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(list.revision, [&](const RosterIndex& index, int64_t revision) {
    return ListPeriods<Membership>(index, revision, list, query.person_id, query.party_org_id,
                                   query.current_only);
  });
}

absl::StatusOr<Page<Registration>> RosterCore::ListRegistrations(
    const ListRegistrationsQuery& query) const {
  ASSIGN_OR_RETURN(const ListRequest list,
                   ParseListRequest(PeriodFingerprint<Registration>(
                                        query.person_id, query.community_id, query.current_only),
                                    query.page_size, query.page_token, query.read_revision));
  return engine_.ReadAt(list.revision, [&](const RosterIndex& index, int64_t revision) {
    return ListPeriods<Registration>(index, revision, list, query.person_id, query.community_id,
                                     query.current_only);
  });
}

absl::StatusOr<RoleAssignment> RosterCore::GetRoleAssignment(int64_t id) const {
  return engine_.Read(
      [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<RoleAssignment> {
        const RoleAssignment* role = index.FindRoleAssignment(id, revision);
        if (role == nullptr) return RoleNotFound(id, "name");
        return *role;
      });
}

absl::StatusOr<Page<RoleAssignment>> RosterCore::ListRoleAssignments(
    const ListRolesQuery& query) const {
  if (query.include_descendants && (!query.place || query.place->kind != Place::Kind::kUnit)) {
    return absl::InvalidArgumentError(
        "include_descendants: needs a unit place (units/{id}) to list below");
  }
  StableHasher hasher;
  hasher.Add("roles").Add(query.person_id).Add(query.include_descendants ? 1 : 0);
  hasher.Add(query.current_only ? 1 : 0);
  if (query.place) hasher.Add(PlaceName(*query.place));
  for (Role role : query.roles) hasher.Add(static_cast<int64_t>(role));
  const uint64_t fingerprint = hasher.hash();
  ASSIGN_OR_RETURN(const ListRequest list, ParseListRequest(fingerprint, query.page_size,
                                                            query.page_token, query.read_revision));
  // The places below a unit come from the org replica, outside the roster's
  // lock: a walk over its child lists, no call to the org service. A page
  // gathers the roles of every such place and sorts them, which costs the
  // whole subtree on every page: fine for a street, quadratic over a city.
  // So a subtree of more than kMaxPlacesToGather places is listed the other
  // way: every role in id order from the cursor, each place tested by a walk
  // up the replica, so that a page costs about its own rows divided by the
  // subtree's share of all roles.
  constexpr size_t kMaxPlacesToGather = 20'000;
  std::vector<Place> places;
  bool scan_every_role = false;
  if (query.include_descendants) {
    ASSIGN_OR_RETURN(std::optional<std::vector<Place>> under,
                     directory_->PlacesUnderAtMost(query.place->id, kMaxPlacesToGather));
    if (under) {
      places = *std::move(under);
    } else {
      scan_every_role = true;
    }
  } else if (query.place) {
    places.push_back(*query.place);
  }
  const absl::CivilDay today = Today();
  return engine_.ReadAt(
      list.revision,
      [&](const RosterIndex& index, int64_t revision) -> absl::StatusOr<Page<RoleAssignment>> {
        std::vector<int64_t> ids;
        if (query.person_id != 0) {
          const absl::Span<const int64_t> of = index.RolesOf(query.person_id);
          ids.assign(of.begin(), of.end());
        } else if (!places.empty()) {
          for (const Place& place : places) {
            const absl::Span<const int64_t> at = index.RolesAt(place);
            ids.insert(ids.end(), at.begin(), at.end());
          }
          std::sort(ids.begin(), ids.end());
        }
        const absl::flat_hash_set<Place> place_set(places.begin(), places.end());
        PageCollector<RoleAssignment> page(list.page_size, revision);
        auto find = [&](int64_t id) { return index.FindRoleAssignment(id, revision); };
        auto keep = [&](const RoleAssignment& r) {
          return (query.roles.empty() ||
                  std::find(query.roles.begin(), query.roles.end(), r.role) != query.roles.end()) &&
                 (!query.current_only || r.CurrentOn(today)) &&
                 (places.empty() || place_set.contains(r.place)) &&
                 (!scan_every_role || directory_->IsPlaceUnder(r.place, query.place->id));
        };
        if (query.person_id == 0 && (scan_every_role || !query.place)) {
          OfferRange<RoleAssignment>(list.cursor.last_key, index.max_role_assignment_id(), find,
                                     keep, page);
        } else {
          OfferFrom<RoleAssignment>(ids, list.cursor.last_key, find, keep, page);
        }
        return std::move(page).Finish(fingerprint);
      });
}

}  // namespace grassroots::roster
