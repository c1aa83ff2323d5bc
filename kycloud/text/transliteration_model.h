// TransliterationModel: how a name written in one script is spelled in Latin letters, learned
// from name pairs, so that "فيينا" can be recognised as "villena" and "瑪莎" as "martha" where
// ICU's rule-based romanisation ("fyyna", "ma sha") alone is too far from the Latin spelling for
// edit distance.
//
// The model is a joint "many-to-many" stochastic edit model (Ristad & Yianilos 1998; Jiampojamarn
// et al. 2007): a name pair is generated as a sequence of segment pairs (a, b), where `a` is 0-2
// letters of the source (the ICU romanisation of the original script, text/normalizer.h ToLatin)
// and `b` is 0-2 letters of the Latin spelling, never both empty and never 2:2. The probability of
// each segment pair is estimated with expectation-maximisation over all alignments of the training
// pairs (forward-backward), with a small floor for unseen pairs of single letters.
//
// A pair is scored by the log-odds of its best alignment against two independent unigram letter
// models (one per side), per aligned letter: positive when the two strings correspond better than
// chance. Similarity() maps that to [0, 1] with a logistic calibrated per script so that the
// engine's threshold separates true pairs from hard negatives (Latin names of the same first
// letter and length) at a low false-positive rate on the development pairs.
//
// Models live in a TransliterationModels set keyed by script (one per script with training
// data, plus "generic", trained on all pairs, for the others). The set is serialised as TSV
// (data/text/translit_model.tsv, compiled in; bench/train_translit regenerates it).
//
// Thread-safety: immutable after construction or Parse(); Default() is built once, thread-safely.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/text/normalizer.h"

namespace kycloud::text {

class TransliterationModel {
 public:
  struct Pair {
    std::string source;  // romanised original script, ASCII letters (other characters ignored)
    std::string target;  // Latin spelling, ASCII letters (other characters ignored)
  };
  struct TrainOptions {
    int iterations = 8;             // EM iterations
    size_t max_length = 32;         // longer pairs are skipped in training
    double floor = 1e-7;            // probability floor for unseen single-letter pairs
    double min_probability = 2e-7;  // pairs below this are dropped after training
  };

  TransliterationModel() = default;
  static TransliterationModel Train(const std::vector<Pair>& pairs, const TrainOptions& options);

  // Log-odds of the best alignment per aligned letter (see above); very negative for strings
  // that cannot be aligned. Characters other than 'a'..'z' are ignored; empty input scores
  // -infinity.
  double LogOdds(std::string_view source, std::string_view target) const;
  // LogOdds mapped to [0, 1]: 1 / (1 + exp(-slope * (log_odds - length_term / sqrt(L) -
  // midpoint))), L the number of target letters. Short strings agree by chance more often, so
  // they need more log-odds per letter (the trainer fits length_term).
  double Similarity(std::string_view source, std::string_view target) const;
  double Calibrated(double log_odds, size_t target_letters) const;

  // Calibration of Similarity(); set by the trainer.
  void SetCalibration(double midpoint, double slope, double length_term) {
    midpoint_ = midpoint;
    slope_ = slope;
    length_term_ = length_term;
  }
  double length_term() const { return length_term_; }
  double midpoint() const { return midpoint_; }
  double slope() const { return slope_; }
  size_t size() const { return log_p_.size(); }

  // Serialisation: lines "seg\tsource\ttarget\tlogp", "uni\tside\tletter\tlogp" and
  // "cal\tmidpoint\tslope\tlength_term" (the script column is added by TransliterationModels).
  void AppendTsv(std::string_view script, std::string& out) const;
  // Applies one parsed TSV line (without the script column). Returns false if malformed.
  // Finalize() must follow the last line.
  bool ApplyTsvLine(const std::vector<std::string_view>& fields);
  // Builds the dense scoring tables from the segment probabilities and letter models.
  void Finalize();

 private:
  static std::uint64_t Key(std::string_view a, std::string_view b);
  double SegmentLogP(std::string_view a, std::string_view b) const;

  std::unordered_map<std::uint64_t, float> log_p_;  // segment pair -> log probability
  float log_floor_ = -25.0f;                        // for a 1:1 / 1:0 / 0:1 pair never seen
  float source_unigram_[27] = {};                   // log q(letter), [26] = unused
  float target_unigram_[27] = {};
  double midpoint_ = 0.0;
  double slope_ = 4.0;
  double length_term_ = 0.0;
  // Dense log-odds of each segment shape (log p(a, b) - log q(a) - log q(b)), -inf if impossible;
  // letters 0..25, pairs of letters as 26 * first + second.
  std::vector<float> del_, ins_, sub_, one_two_, two_one_;
};

class TransliterationModels {
 public:
  // The compiled-in models (data/text/translit_model.tsv).
  static const TransliterationModels& Default();
  static Result<TransliterationModels> Parse(std::string_view tsv);
  std::string Serialize() const;

  // The model for names written in `script`: its own if trained, else "generic"; null when the
  // set is empty or the script is Latin or unknown.
  const TransliterationModel* For(Script script) const;
  void Set(std::string_view script, TransliterationModel model);
  bool empty() const { return models_.empty(); }

 private:
  std::map<std::string, TransliterationModel, std::less<>> models_;
};

// Letters of `s` that the models use: ASCII 'a'..'z' (lower-cased), everything else dropped.
std::string ModelLetters(std::string_view s);

}  // namespace kycloud::text
