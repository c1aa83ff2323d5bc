// OFAC-parity scoring: what OFAC's own Sanctions List Search (SLS) would score, for auditors who
// ask "what would OFAC's site say" (`kycloud screen --algorithm ofac`). Name only; no context.
//
// OFAC FAQ 249 describes the method: candidates share the first letter of an entered name part
// and are at least 50% similar by edit distance; the entire name entered is compared with
// Jaro-Winkler against the full list name, and each entered name part against the list name's
// parts; the higher of the two is the score (0..100). The details the FAQ leaves open were fixed
// against scores captured from the SLS site (testdata/eval/ofac, docs/adr/0004-ofac-parity.md):
//
//   fold:    NFKD without marks (text/normalizer.h), upper case, apostrophes and periods deleted
//   parts:   runs of A-Z and 0-9 (space, comma, hyphen... separate); query parts of one or two
//            characters are ignored unless all parts are that short
//   key:     the folded name keeping only A-Z, 0-9 and '-' ("PUTIN, Vladimir" -> "PUTINVLADIMIR";
//            the list name keeps its stored order)
//   qualify: parts q, c qualify if they share the first letter and 2 * levenshtein <= max length
//   retrieved: some kept query part qualifies with some list-name part (else: no score at all)
//   JW:      Jaro (window max/2 - 1, transpositions / 2 not rounded) + Winkler bonus 0.1 per
//            common prefix character up to 5, with no 0.7 boost threshold
//   T1 = JW(key(query), key(name)); T2 = mean over kept query parts of the best JW with a
//   qualifying list-name part (0 if none); score = round(100 * max(T1, T2)).
//
// Soundex, which the FAQ also names, changes no captured score beyond a point and is left out.
//
// Thread-safety: OfacName and OfacIndex are immutable after construction; the functions are pure.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/lists/list_snapshot.h"

namespace kycloud::screening {

// A name folded and split the OFAC way.
struct OfacName {
  std::string key;                 // whole-name key (T1)
  std::vector<std::string> parts;  // all name parts
  std::vector<std::string> kept;   // parts that take part as query parts
};
OfacName PrepareOfacName(std::string_view raw);

// OFAC's Jaro-Winkler variant (see above), in [0, 1].
double OfacJaroWinkler(std::string_view a, std::string_view b);
// Whether two name parts qualify (same first letter, at least 50% similar by edit distance).
bool OfacQualifies(std::string_view q, std::string_view c);
// The SLS score of `name` for `query` in 0..100, or -1 if SLS would not retrieve the name.
int OfacScore(const OfacName& query, const OfacName& name);
int OfacScore(std::string_view query, std::string_view name);

// Every name of a snapshot prepared the OFAC way, with a blocking index on name parts (first
// letter), so that a query scores only names with a qualifying part (never a full scan).
class OfacIndex {
 public:
  struct Hit {
    std::uint32_t entity;  // into snapshot.entities()
    std::uint32_t name;    // into that entity's names
    int score;             // 0..100
  };
  static std::shared_ptr<const OfacIndex> Build(
      std::shared_ptr<const lists::ListSnapshot> snapshot);
  // The best-scoring name of each retrieved entity with score >= min_score, best first (ties by
  // list and id), at most `limit`.
  std::vector<Hit> Search(std::string_view query, int min_score, size_t limit) const;
  const lists::ListSnapshot& snapshot() const { return *snapshot_; }

 private:
  struct Name {
    std::uint32_t entity, name;
    OfacName ofac;
  };
  std::shared_ptr<const lists::ListSnapshot> snapshot_;
  std::vector<Name> names_;
  std::vector<std::string> parts_;                      // distinct list-name parts
  std::vector<std::vector<std::uint32_t>> part_names_;  // part -> names containing it
  // first letter (or digit) -> parts starting with it, by length
  std::unordered_map<char, std::vector<std::uint32_t>> by_initial_;
};

}  // namespace kycloud::screening
