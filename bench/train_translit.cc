// Trains the cross-script transliteration models (text/transliteration_model.h) from the
// Wikidata name pairs of testdata/eval/translit and, with --write, stores them in
// data/text/translit_model.tsv (compiled into the engine).
//
// For each script it first trains on four fifths of the pairs and reports, on the held-out fifth,
// the recall and the false-positive rate (against hard negatives: the Latin name of another pair
// with the same first letter and the closest length) at the log-odds threshold chosen on the
// training part; then it trains on all pairs for the shipped model. A "generic" model, trained on
// a sample of every script's pairs, serves scripts without data of their own.
//
// Usage: train_translit SOURCE_DIR [--write] [--fp RATE] [--similarity S]
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "bench/translit_pairs.h"
#include "kycloud/text/normalizer.h"
#include "kycloud/text/transliteration_model.h"

using namespace kycloud;
using text::TransliterationModel;

namespace {

struct NamedPair {
  std::string latin;  // as in the file
  TransliterationModel::Pair pair;
};

std::vector<NamedPair> ReadPairs(const std::string& path) {
  std::vector<NamedPair> out;
  for (const auto& p : bench::ReadTranslitPairs(path)) {
    out.push_back({p.latin,
                   {text::ModelLetters(text::ToLatin(p.native)),
                    text::ModelLetters(text::ToLatin(p.latin))}});
  }
  return out;
}

std::vector<size_t> HardNegatives(const std::vector<NamedPair>& pairs) {
  return bench::HardNegatives(pairs,
                              [](const NamedPair& p) -> const std::string& { return p.latin; });
}

// Log-odds of each pair and of its hard negative, with the target lengths.
struct Scores {
  std::vector<double> pos, neg;
  std::vector<size_t> pos_len, neg_len;
  // The log-odds adjusted for length: lo - length_term / sqrt(letters).
  std::vector<double> Adjusted(bool positives, double length_term) const {
    const auto& lo = positives ? pos : neg;
    const auto& len = positives ? pos_len : neg_len;
    std::vector<double> out(lo.size());
    for (size_t i = 0; i < lo.size(); ++i) {
      out[i] = len[i] == 0 ? -1e9 : lo[i] - length_term / std::sqrt(static_cast<double>(len[i]));
    }
    return out;
  }
};

Scores ScoreAll(const TransliterationModel& m, const std::vector<NamedPair>& pairs) {
  auto negs = HardNegatives(pairs);
  Scores s;
  s.pos.resize(pairs.size());
  s.neg.resize(pairs.size());
  s.pos_len.resize(pairs.size());
  s.neg_len.resize(pairs.size());
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      for (size_t i = t; i < pairs.size(); i += threads) {
        s.pos[i] = std::max(-1e9, m.LogOdds(pairs[i].pair.source, pairs[i].pair.target));
        s.pos_len[i] = pairs[i].pair.target.size();
        const auto& neg = pairs[negs[i]].pair;
        s.neg[i] =
            negs[i] == i ? -1e9 : std::max(-1e9, m.LogOdds(pairs[i].pair.source, neg.target));
        s.neg_len[i] = neg.target.size();
      }
    });
  }
  for (auto& t : pool) t.join();
  return s;
}

double Rate(const std::vector<double>& v, double t) {
  return v.empty() ? 0 : 100.0 * std::count_if(v.begin(), v.end(), [&](double x) {
                           return x >= t;
                         }) / v.size();
}

double Quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * v.size()))];
}

struct Calibration {
  double length_term = 0, threshold = 0;
};

// The length term (from a grid) with the best recall when the threshold admits `fp` of the
// negatives.
Calibration Fit(const Scores& s, double fp) {
  Calibration best;
  double best_recall = -1;
  for (double k = 0; k <= 6.0; k += 0.25) {
    double t = Quantile(s.Adjusted(false, k), 1.0 - fp);
    double recall = Rate(s.Adjusted(true, k), t);
    if (recall > best_recall + 1e-9) {
      best_recall = recall;
      best = {k, t};
    }
  }
  return best;
}

// Sets the model's calibration so that Similarity equals `similarity` at the fitted threshold and
// 0.97 at the positives' median.
void Calibrate(TransliterationModel& m, const Scores& s, double fp, double similarity) {
  Calibration c = Fit(s, fp);
  double median = Quantile(s.Adjusted(true, c.length_term), 0.5);
  double logit_t = std::log(similarity / (1 - similarity));
  double logit_hi = std::log(0.97 / 0.03);
  double slope = median > c.threshold + 1e-6 ? (logit_hi - logit_t) / (median - c.threshold) : 4.0;
  m.SetCalibration(c.threshold - logit_t / slope, slope, c.length_term);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: train_translit SOURCE_DIR [--write] [--fp RATE] [--similarity S]\n");
    return 2;
  }
  std::string root = argv[1];
  bool write = false;
  double fp = 0.015, similarity = 0.80;
  for (int i = 2; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--write")) write = true;
    if (!std::strcmp(argv[i], "--fp") && i + 1 < argc) fp = std::atof(argv[++i]);
    if (!std::strcmp(argv[i], "--similarity") && i + 1 < argc) similarity = std::atof(argv[++i]);
  }
  const std::vector<std::pair<std::string, std::string>> scripts = {
      {"russian", "cyrillic"}, {"arabic", "arabic"}, {"hebrew", "hebrew"},
      {"chinese", "han"},      {"katakana", "kana"}, {"korean", "hangul"}};
  TransliterationModel::TrainOptions options;
  text::TransliterationModels models;
  std::vector<TransliterationModel::Pair> generic;
  std::printf("threshold at %.1f%% hard-negative false positives on the training part\n", 100 * fp);
  std::printf("%-10s %6s | %-24s | %-24s\n", "script", "pairs", "train: recall / fp",
              "held-out fifth: recall / fp");
  for (const auto& [file, script] : scripts) {
    auto pairs = ReadPairs(root + "/testdata/eval/translit/wd_" + file + "_20.dev");
    std::vector<NamedPair> train, held;
    for (size_t i = 0; i < pairs.size(); ++i) (i % 5 == 4 ? held : train).push_back(pairs[i]);
    std::vector<TransliterationModel::Pair> train_pairs;
    for (const auto& p : train) train_pairs.push_back(p.pair);
    TransliterationModel m = TransliterationModel::Train(train_pairs, options);
    Scores st = ScoreAll(m, train), sh = ScoreAll(m, held);
    Calibration c = Fit(st, fp);
    double k = c.length_term, t = c.threshold;
    std::printf("%-10s %6zu | %9.1f%% / %5.1f%%       | %9.1f%% / %5.1f%%   (length term %.2f)\n",
                script.c_str(), pairs.size(), Rate(st.Adjusted(true, k), t),
                Rate(st.Adjusted(false, k), t), Rate(sh.Adjusted(true, k), t),
                Rate(sh.Adjusted(false, k), t), k);
    std::fflush(stdout);
    if (!write) continue;
    std::vector<TransliterationModel::Pair> all;
    for (size_t i = 0; i < pairs.size(); ++i) {
      all.push_back(pairs[i].pair);
      if (i % 4 == 0) generic.push_back(pairs[i].pair);
    }
    TransliterationModel full = TransliterationModel::Train(all, options);
    Calibrate(full, ScoreAll(full, pairs), fp, similarity);
    models.Set(script, std::move(full));
  }
  if (!write) return 0;
  {
    TransliterationModel g = TransliterationModel::Train(generic, options);
    std::vector<NamedPair> sample;
    for (const auto& p : generic) sample.push_back({p.target, p});
    Calibrate(g, ScoreAll(g, sample), fp, similarity);
    models.Set("generic", std::move(g));
  }
  std::string path = root + "/data/text/translit_model.tsv";
  std::ofstream out(path);
  out << models.Serialize();
  std::printf("wrote %s\n", path.c_str());
  return 0;
}
