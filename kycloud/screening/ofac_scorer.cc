#include "kycloud/screening/ofac_scorer.h"

#include <rapidfuzz/distance/Levenshtein.hpp>

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "kycloud/text/normalizer.h"

namespace kycloud::screening {

namespace {

constexpr double kPrefixScale = 0.1;
constexpr size_t kMaxPrefix = 5;

bool IsAsciiAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// Upper-case ASCII with apostrophes and periods deleted, hyphens kept and every other character
// a space; non-ASCII runs are folded with Normalize() (marks removed), so that accented Latin
// letters keep their base letter and other scripts fall out (SLS has no transliteration).
std::string Fold(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) {
      size_t j = i;
      while (j < raw.size() && static_cast<unsigned char>(raw[j]) >= 0x80) ++j;
      std::string_view run = raw.substr(i, j - i);
      // Apostrophe-like characters are deleted, not turned into a break.
      bool apostrophe = run == "\u2019" || run == "\u2018" || run == "\u02BC" || run == "\u02BB" ||
                        run == "\u00B4";
      if (!apostrophe) {
        for (char f : text::Normalize(run)) {
          out += IsAsciiAlnum(f) ? static_cast<char>(std::toupper(static_cast<unsigned char>(f)))
                                 : ' ';
        }
      }
      i = j;
      continue;
    }
    char ch = static_cast<char>(c);
    if (ch == '\'' || ch == '.' || ch == '`') {
      // deleted
    } else if (ch == '-') {
      out += '-';
    } else if (IsAsciiAlnum(ch)) {
      out += static_cast<char>(std::toupper(c));
    } else {
      out += ' ';
    }
    ++i;
  }
  return out;
}

}  // namespace

OfacName PrepareOfacName(std::string_view raw) {
  OfacName n;
  std::string folded = Fold(raw);
  std::string part;
  for (char c : folded) {
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      part += c;
    } else if (!part.empty()) {
      n.parts.push_back(std::move(part));
      part.clear();
    }
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') n.key += c;
  }
  if (!part.empty()) n.parts.push_back(std::move(part));
  for (const auto& p : n.parts) {
    if (p.size() > 2) n.kept.push_back(p);
  }
  if (n.kept.empty()) n.kept = n.parts;
  return n;
}

double OfacJaroWinkler(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return 0.0;
  size_t la = a.size(), lb = b.size();
  size_t window = std::max(la, lb) / 2;
  window = window > 0 ? window - 1 : 0;
  thread_local std::vector<char> used_b;
  thread_local std::vector<char> matched_a;
  used_b.assign(lb, 0);
  matched_a.assign(la, 0);
  size_t m = 0;
  for (size_t i = 0; i < la; ++i) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = std::min(lb - 1, i + window);
    for (size_t j = lo; j <= hi && j < lb; ++j) {
      if (!used_b[j] && a[i] == b[j]) {
        used_b[j] = 1;
        matched_a[i] = 1;
        ++m;
        break;
      }
    }
  }
  if (m == 0) return 0.0;
  size_t k = 0, j = 0;
  for (size_t i = 0; i < la; ++i) {
    if (!matched_a[i]) continue;
    while (!used_b[j]) ++j;
    if (a[i] != b[j]) ++k;
    ++j;
  }
  double t = k / 2.0;
  double md = static_cast<double>(m);
  double jaro = (md / la + md / lb + (md - t) / md) / 3.0;
  size_t prefix = 0;
  while (prefix < std::min({la, lb, kMaxPrefix}) && a[prefix] == b[prefix]) ++prefix;
  return jaro + prefix * kPrefixScale * (1.0 - jaro);
}

bool OfacQualifies(std::string_view q, std::string_view c) {
  if (q.empty() || c.empty() || q[0] != c[0]) return false;
  size_t longest = std::max(q.size(), c.size());
  size_t cutoff = longest / 2;
  size_t d = rapidfuzz::levenshtein_distance(q, c, {1, 1, 1}, cutoff);
  return 2 * d <= longest;
}

int OfacScore(const OfacName& query, const OfacName& name) {
  bool retrieved = false;
  double sum = 0;
  for (const auto& q : query.kept) {
    double best = 0;
    for (const auto& c : name.parts) {
      if (!OfacQualifies(q, c)) continue;
      retrieved = true;
      best = std::max(best, OfacJaroWinkler(q, c));
    }
    sum += best;
  }
  if (!retrieved) return -1;
  double t2 = sum / static_cast<double>(query.kept.size());
  double t1 = OfacJaroWinkler(query.key, name.key);
  return static_cast<int>(std::floor(100.0 * std::max(t1, t2) + 0.5 + 1e-9));
}

int OfacScore(std::string_view query, std::string_view name) {
  return OfacScore(PrepareOfacName(query), PrepareOfacName(name));
}

std::shared_ptr<const OfacIndex> OfacIndex::Build(
    std::shared_ptr<const lists::ListSnapshot> snapshot) {
  auto index = std::make_shared<OfacIndex>();
  index->snapshot_ = std::move(snapshot);
  std::unordered_map<std::string, std::uint32_t> part_ids;
  const auto& entities = index->snapshot_->entities();
  for (std::uint32_t e = 0; e < entities.size(); ++e) {
    for (std::uint32_t k = 0; k < entities[e].names.size(); ++k) {
      OfacName n = PrepareOfacName(entities[e].names[k].text);
      if (n.parts.empty()) continue;
      auto id = static_cast<std::uint32_t>(index->names_.size());
      std::unordered_set<std::string> seen;
      for (const auto& p : n.parts) {
        if (!seen.insert(p).second) continue;
        auto [it, fresh] =
            part_ids.try_emplace(p, static_cast<std::uint32_t>(index->parts_.size()));
        if (fresh) {
          index->parts_.push_back(p);
          index->part_names_.emplace_back();
          index->by_initial_[p[0]].push_back(it->second);
        }
        index->part_names_[it->second].push_back(id);
      }
      index->names_.push_back({e, k, std::move(n)});
    }
  }
  return index;
}

std::vector<OfacIndex::Hit> OfacIndex::Search(std::string_view raw_query, int min_score,
                                              size_t limit) const {
  OfacName query = PrepareOfacName(raw_query);
  std::vector<std::uint32_t> candidates;
  for (const auto& q : query.kept) {
    auto it = by_initial_.find(q[0]);
    if (it == by_initial_.end()) continue;
    for (std::uint32_t p : it->second) {
      const std::string& part = parts_[p];
      // Qualifying parts are within half to twice the length of the query part.
      if (2 * part.size() < q.size() || part.size() > 2 * q.size()) continue;
      if (!OfacQualifies(q, part)) continue;
      candidates.insert(candidates.end(), part_names_[p].begin(), part_names_[p].end());
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  std::unordered_map<std::uint32_t, Hit> best;
  for (std::uint32_t id : candidates) {
    const Name& n = names_[id];
    int score = OfacScore(query, n.ofac);
    if (score < min_score) continue;
    auto [it, fresh] = best.try_emplace(n.entity, Hit{n.entity, n.name, score});
    if (!fresh && score > it->second.score) it->second = Hit{n.entity, n.name, score};
  }
  std::vector<Hit> hits;
  hits.reserve(best.size());
  for (const auto& [e, h] : best) hits.push_back(h);
  const auto& entities = snapshot_->entities();
  std::sort(hits.begin(), hits.end(), [&](const Hit& a, const Hit& b) {
    if (a.score != b.score) return a.score > b.score;
    const auto& ea = entities[a.entity];
    const auto& eb = entities[b.entity];
    return ea.list != eb.list ? ea.list < eb.list : ea.id < eb.id;
  });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace kycloud::screening
