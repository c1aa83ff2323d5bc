#include "kycloud/screening/screening_index.h"

#include <algorithm>
#include <cmath>

namespace kycloud::screening {

using text::NameToken;
using text::TokenKind;

namespace {
constexpr size_t kCommonPosting = 3000;  // postings longer than this are "common"
}  // namespace

std::string ScreeningIndex::PhoneticKey(std::string_view t) {
  if (t.size() < 2) return "";
  std::string key;
  key += t[0];
  char last = t[0];
  for (size_t i = 1; i < t.size(); ++i) {
    char c = t[i];
    switch (c) {
      case 'a':
      case 'e':
      case 'i':
      case 'o':
      case 'u':
      case 'y':
      case 'h':
      case 'w':
        continue;
      case 'c':
      case 'q':
        c = 'k';
        break;
      case 'z':
        c = 's';
        break;
      case 'd':
        c = 't';
        break;
      case 'b':
        c = 'p';
        break;
      case 'v':
        c = 'f';
        break;
      default:
        break;
    }
    if (c >= '0' && c <= '9') return "";  // numbers are matched exactly
    if (c == last) continue;
    key += c;
    last = c;
  }
  return key.size() >= 2 ? key : "";
}

std::shared_ptr<const ScreeningIndex> ScreeningIndex::Build(
    std::shared_ptr<const lists::ListSnapshot> snapshot) {
  auto index = std::shared_ptr<ScreeningIndex>(new ScreeningIndex());
  index->snapshot_ = std::move(snapshot);
  const auto& entities = index->snapshot_->entities();
  for (std::uint32_t e = 0; e < entities.size(); ++e) {
    bool person = entities[e].schema == lists::Schema::kPerson;
    for (std::uint32_t n = 0; n < entities[e].names.size(); ++n) {
      text::PreparedName p = text::PrepareName(entities[e].names[n].text, person);
      if (p.tokens.empty()) continue;
      index->names_.push_back({e, n, std::move(p)});
    }
  }
  for (std::uint32_t id = 0; id < index->names_.size(); ++id) {
    const auto& tokens = index->names_[id].prepared.tokens;
    std::vector<std::string> keys, words;
    for (size_t i = 0; i < tokens.size(); ++i) {
      words.push_back(tokens[i].text);
      if (i + 1 < tokens.size()) words.push_back(tokens[i].text + tokens[i + 1].text);
      if (std::string k = PhoneticKey(tokens[i].text); !k.empty()) keys.push_back(k);
    }
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& w : words) {
      index->postings_[w].push_back(id);
      ++index->df_[w];
    }
    for (const auto& k : keys) index->key_postings_[k].push_back(id);
  }
  index->log_n_ = std::log(static_cast<double>(index->names_.size()) + 1);
  index->scored_.reserve(index->names_.size());
  std::vector<double> weights;
  for (const auto& n : index->names_) {
    weights.clear();
    for (const auto& t : n.prepared.tokens) weights.push_back(index->Weight(t));
    Scored s{};
    s.units = static_cast<std::uint32_t>(index->units_.size());
    s.texts = static_cast<std::uint32_t>(index->texts_.size());
    s.total_weight = AppendScoringUnits(n.prepared, weights, index->units_, index->texts_);
    s.unit_count = static_cast<std::uint32_t>(index->units_.size()) - s.units;
    s.token_count = static_cast<std::uint32_t>(n.prepared.tokens.size());
    s.entity = n.entity;
    s.person = n.prepared.person;
    s.script = n.prepared.script;
    index->scored_.push_back(s);
  }
  return index;
}

void ScreeningIndex::Prefetch(std::uint32_t id, int stage) const {
  const Scored& s = scored_[id];
  if (stage == 0) {
    __builtin_prefetch(&s);
    return;
  }
  const char* units = reinterpret_cast<const char*>(units_.data() + s.units);
  const size_t bytes = s.unit_count * sizeof(ScoringUnit);
  for (size_t off = 0; off < bytes; off += 64) __builtin_prefetch(units + off);
  __builtin_prefetch(texts_.data() + s.texts);
}

ScoringView ScreeningIndex::Scoring(std::uint32_t id) const {
  const Scored& s = scored_[id];
  ScoringView v;
  v.name = &names_[id].prepared;
  v.units = units_.data() + s.units;
  v.unit_count = s.unit_count;
  v.token_count = s.token_count;
  v.texts = texts_.data() + s.texts;
  v.total_weight = s.total_weight;
  v.person = s.person;
  v.script = s.script;
  return v;
}

double ScreeningIndex::Weight(const NameToken& t) const {
  double idf;
  auto it = df_.find(t.text);
  std::uint32_t df = it == df_.end() ? 0 : it->second;
  idf = std::clamp(log_n_ - std::log(df + 1.0), 1.0, 10.0);
  switch (t.kind) {
    case TokenKind::kLegalForm:
      return 0.3;
    case TokenKind::kPrefix:
      return 0.1;
    case TokenKind::kNumber:
      return std::max(idf, 4.0);
    case TokenKind::kWord:
      return t.text.size() == 1 ? std::min(idf, 1.0) : idf;
  }
  return idf;
}

std::vector<std::uint32_t> ScreeningIndex::Candidates(const text::PreparedName& query,
                                                      size_t max_candidates) const {
  thread_local std::vector<float> acc;
  thread_local std::vector<std::uint32_t> touched;
  if (acc.size() < names_.size()) acc.assign(names_.size(), 0.f);
  touched.clear();

  struct Lookup {
    const std::vector<std::uint32_t>* postings;
    float weight;
  };
  std::vector<Lookup> lookups;
  const auto& tokens = query.tokens;
  for (size_t i = 0; i < tokens.size(); ++i) {
    float w = static_cast<float>(Weight(tokens[i]));
    if (auto it = postings_.find(tokens[i].text); it != postings_.end()) {
      lookups.push_back({&it->second, w});
    }
    if (i + 1 < tokens.size()) {
      std::string joined = tokens[i].text + tokens[i + 1].text;
      if (auto it = postings_.find(joined); it != postings_.end())
        lookups.push_back({&it->second, w});
    }
    if (std::string k = PhoneticKey(tokens[i].text); !k.empty()) {
      if (auto it = key_postings_.find(k); it != key_postings_.end()) {
        lookups.push_back({&it->second, w * 0.7f});
      }
    }
  }
  bool has_rare = std::any_of(lookups.begin(), lookups.end(),
                              [](const Lookup& l) { return l.postings->size() <= kCommonPosting; });
  for (const Lookup& l : lookups) {
    if (has_rare && l.postings->size() > kCommonPosting) continue;  // bounded work
    for (std::uint32_t id : *l.postings) {
      if (acc[id] == 0.f) touched.push_back(id);
      acc[id] += l.weight;
    }
  }
  size_t keep = std::min(max_candidates, touched.size());
  std::partial_sort(touched.begin(), touched.begin() + keep, touched.end(),
                    [](std::uint32_t a, std::uint32_t b) { return acc[a] > acc[b]; });
  std::vector<std::uint32_t> out(touched.begin(), touched.begin() + keep);
  for (std::uint32_t id : touched) acc[id] = 0.f;
  return out;
}

}  // namespace kycloud::screening
