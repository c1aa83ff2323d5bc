// Policy: one published version of the rules kycloud enforces, as data (policy/*.toml; each fact
// names its source and date): country groups (EAR Part 740 Supp. 1: D:1, D:4, D:5, E:1, E:2,
// Macau), comprehensive embargoes, regimes with dates and a state, the special-measures table, the
// legal status of accelerator SKUs and the country of each cloud region.
//
// A regime is `in_force`, `proposed`, `suspended` or `dormant`. In force: it applies from
// `effective` (inclusive) to `ends` (exclusive), except between `suspended_from` (inclusive) and
// `suspended_until` (exclusive). Proposed and dormant: it applies only when the provider switches
// it on (`enabled = true`), within the same dates. Suspended: like in force, with the suspension
// window required. Each rule of a regime has an action (`deny` or `review`) set in the data.
//
// A version is identified by its label (`version` in policy.toml) and the SHA-256 of every file's
// name and text: `Id()` = "LABEL+HASH12". Published versions are never edited in place: changing a
// file changes the hash.
//
// Thread-safety: a value type, immutable once parsed; Bundled() is safe from many threads.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/base/result.h"

namespace kycloud::policy {

using Date = std::chrono::sys_days;
// "YYYY-MM-DD". Errors: InvalidArgument.
Result<Date> ParseDate(std::string_view text);
std::string FormatDate(Date d);

// Ordered by severity: the decision is the most severe action of the rules that fire.
enum class Action { kAllow, kReview, kDeny };
std::string_view ActionName(Action a);  // "allow", "review", "deny"
Result<Action> ParseAction(std::string_view text);

enum class RegimeState { kInForce, kProposed, kSuspended, kDormant };
std::string_view RegimeStateName(RegimeState s);  // "in_force", "proposed", ...

struct Regime {
  std::string id;  // e.g. "ear-advanced-computing"
  std::string title;
  std::string source;
  RegimeState state = RegimeState::kInForce;
  bool enabled = false;  // the switch for proposed and dormant regimes
  Date effective{};
  std::optional<Date> ends;
  std::optional<Date> suspended_from, suspended_until;
  std::map<std::string, Action> actions;  // rule id -> action
  // Named lists of country groups, e.g. licence_destinations = ["D:1", "D:4", "D:5", "Macau"].
  std::map<std::string, std::vector<std::string>> groups;
  std::map<std::string, double> numbers;  // numeric parameters (e.g. min_chips)

  bool AppliesAt(Date d) const;
  // What the regime is on `d`: "in_force", "proposed (on)", "proposed (off)", "suspended",
  // "dormant (off)", "dormant (on)", "not yet effective", "ended".
  std::string StatusAt(Date d) const;
  // The action of `rule`; Review when the data does not name it.
  Action ActionOf(std::string_view rule) const;
};

struct CountryGroup {
  std::string id;  // "D:1", "D:4", "D:5", "E:1", "E:2", "Macau"
  std::string name;
  std::string source;
  std::string note;
  Date as_of{};
  std::set<std::string> countries;  // ISO 3166-1 alpha-2
};

struct Embargo {
  std::string id;
  std::string country;  // ISO 3166-1 alpha-2
  std::string region;   // "" = the whole country; else a named region (e.g. "Crimea")
  std::vector<std::string> subdivisions;  // ISO 3166-2 codes of the region ("UA-43")
  std::string program;
  std::string source;
  std::string note;
  Date effective{};
  std::optional<Date> ended;  // exclusive

  bool ActiveAt(Date d) const { return d >= effective && (!ended || d < *ended); }
};

// A special measure under the proposed 15 CFR 7.307: prohibits or conditions accounts by or on
// behalf of persons in a jurisdiction, or of named persons, from `effective` (inclusive) to
// `expires` (exclusive; default effective + 365 days).
struct SpecialMeasure {
  std::string id;
  std::string jurisdiction;          // ISO alpha-2, or ""
  std::vector<std::string> persons;  // customer ids, list entity ids or exact names
  Date effective{};
  Date expires{};
  Action action = Action::kDeny;  // "prohibit" -> deny, "condition" -> review
  std::string conditions;
  std::string source;

  bool ActiveAt(Date d) const { return d >= effective && d < expires; }
};

// The maintained legal classification of an accelerator SKU; overrides the numeric test.
struct AcceleratorStatus {
  std::string name;  // catalog name (Epoch's) as the compute catalog resolves it
  std::string eccn;  // "3A090.a", "3A090.b", "4A090.a", "3A991", "EAR99", ...
  std::string source;
  Date as_of{};
  bool Controlled() const;  // 3A090 or 4A090
};

struct PolicyFile {
  std::string name;  // "policy.toml", "country-groups.toml", ...
  std::string text;
};

class Policy {
 public:
  // Parses and validates the files of one version (names as in policy/; policy.toml and
  // country-groups.toml required; special-measures.toml, accelerator-status.toml,
  // cloud-regions.toml optional; other .toml files are carried in the hash but not read here).
  // Errors: InvalidArgument "FILE:LINE: what" naming the key (a TOML syntax error, a missing or
  // ill-typed key, an unknown state or action, an unknown country group, a bad date or country
  // code, duplicate ids, expiry before effect).
  static Result<Policy> Parse(std::vector<PolicyFile> files);
  // policy/ as compiled in.
  static const Policy& Bundled();

  const std::string& version() const { return version_; }
  const std::string& hash() const { return hash_; }  // hex SHA-256
  std::string Id() const { return version_ + "+" + hash_.substr(0, 12); }
  const std::string& title() const { return title_; }
  const std::vector<PolicyFile>& files() const { return files_; }

  const std::vector<Regime>& regimes() const { return regimes_; }
  const std::vector<CountryGroup>& groups() const { return groups_; }
  const std::vector<Embargo>& embargoes() const { return embargoes_; }
  const std::vector<SpecialMeasure>& special_measures() const { return measures_; }
  const std::vector<AcceleratorStatus>& accelerator_statuses() const { return accelerators_; }
  const std::map<std::string, std::string>& regions() const { return regions_; }

  const Regime* FindRegime(std::string_view id) const;
  const CountryGroup* FindGroup(std::string_view id) const;
  bool InGroup(std::string_view group, std::string_view country) const;
  // Active comprehensive embargoes on `country` (any region) at `d`.
  std::vector<const Embargo*> EmbargoesOn(std::string_view country, Date d) const;
  // The maintained status of the accelerator named `name` (exact catalog name); nullptr if none.
  const AcceleratorStatus* StatusOf(std::string_view name) const;
  // The country of a cloud region ("us-east-1" -> "US"), or of an ISO code given as the region.
  std::optional<std::string> CountryOfRegion(std::string_view region) const;

 private:
  std::string version_, hash_, title_;
  std::vector<PolicyFile> files_;
  std::vector<Regime> regimes_;
  std::vector<CountryGroup> groups_;
  std::vector<Embargo> embargoes_;
  std::vector<SpecialMeasure> measures_;
  std::vector<AcceleratorStatus> accelerators_;
  std::map<std::string, std::string> regions_;
  std::unordered_map<std::string, size_t> status_by_name_;
};

// Is `code` two upper-case ASCII letters (the form, not whether ISO assigned it)?
bool IsCountryCode(std::string_view code);

}  // namespace kycloud::policy
