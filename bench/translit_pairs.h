// The Wikidata transliteration pairs of testdata/eval/translit (lines "latin<TAB>space-separated
// characters<TAB>count") and their hard negatives, shared by eval_screening and train_translit so
// that both measure the same thing.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace kycloud::bench {

struct TranslitPair {
  std::string latin;   // as in the file
  std::string native;  // the original-script name, characters joined
};

inline std::vector<TranslitPair> ReadTranslitPairs(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  std::vector<TranslitPair> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string latin, spaced;
    if (!std::getline(ls, latin, '\t') || !std::getline(ls, spaced, '\t') || latin.empty()) {
      continue;
    }
    std::string native;
    for (char c : spaced) {
      if (c != ' ') native += c;
    }
    out.push_back({latin, native});
  }
  return out;
}

// For each pair, the index of its hard negative: the pair whose Latin name has the same first
// letter and the closest length (ties: the nearest in the file), or the pair itself if none.
template <typename T, typename LatinOf>
std::vector<size_t> HardNegatives(const std::vector<T>& pairs, LatinOf latin_of) {
  std::map<char, std::vector<size_t>> by_letter;
  for (size_t i = 0; i < pairs.size(); ++i) by_letter[latin_of(pairs[i])[0]].push_back(i);
  std::vector<size_t> out(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    const std::string& li = latin_of(pairs[i]);
    size_t best = i, best_diff = SIZE_MAX;
    for (size_t j : by_letter[li[0]]) {
      const std::string& lj = latin_of(pairs[j]);
      if (j == i || lj == li) continue;
      size_t diff = std::abs(static_cast<long>(lj.size()) - static_cast<long>(li.size())) * 1000 +
                    (j > i ? j - i : i - j) % 1000;
      if (diff < best_diff) {
        best_diff = diff;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

}  // namespace kycloud::bench
