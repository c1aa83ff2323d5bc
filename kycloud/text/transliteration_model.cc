#include "kycloud/text/transliteration_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>

#include "kycloud/text/translit_model_data.h"

namespace kycloud::text {

namespace {

struct Segment {
  int a, b;  // letters taken from source and target
};
// The segment shapes of the model: deletion, insertion, substitution, one-to-two, two-to-one.
constexpr std::array<Segment, 5> kSegments = {{{1, 0}, {0, 1}, {1, 1}, {1, 2}, {2, 1}}};
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

int LetterIndex(char c) { return c >= 'a' && c <= 'z' ? c - 'a' : -1; }

std::string_view ScriptKey(Script s) { return ScriptName(s); }

}  // namespace

std::string ModelLetters(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c >= 'a' && c <= 'z') out += c;
  }
  return out;
}

std::uint64_t TransliterationModel::Key(std::string_view a, std::string_view b) {
  // Five bits per letter (1..26, 0 = none), three letters a side at most.
  std::uint64_t k = 0;
  for (size_t i = 0; i < 3; ++i) k = (k << 5) | (i < a.size() ? (a[i] - 'a' + 1) : 0);
  for (size_t i = 0; i < 3; ++i) k = (k << 5) | (i < b.size() ? (b[i] - 'a' + 1) : 0);
  return k;
}

double TransliterationModel::SegmentLogP(std::string_view a, std::string_view b) const {
  auto it = log_p_.find(Key(a, b));
  if (it != log_p_.end()) return it->second;
  return a.size() <= 1 && b.size() <= 1 ? log_floor_ : kNegInf;
}

TransliterationModel TransliterationModel::Train(const std::vector<Pair>& raw_pairs,
                                                 const TrainOptions& options) {
  std::vector<Pair> pairs;
  for (const Pair& p : raw_pairs) {
    Pair q{ModelLetters(p.source), ModelLetters(p.target)};
    if (q.source.empty() || q.target.empty()) continue;
    if (q.source.size() > options.max_length || q.target.size() > options.max_length) continue;
    pairs.push_back(std::move(q));
  }
  TransliterationModel m;
  // Unigram letter models of each side (add-one smoothed), for the log-odds.
  std::array<double, 26> src{}, tgt{};
  src.fill(1);
  tgt.fill(1);
  for (const Pair& p : pairs) {
    for (char c : p.source) src[LetterIndex(c)] += 1;
    for (char c : p.target) tgt[LetterIndex(c)] += 1;
  }
  double ns = 0, nt = 0;
  for (int i = 0; i < 26; ++i) {
    ns += src[i];
    nt += tgt[i];
  }
  for (int i = 0; i < 26; ++i) {
    m.source_unigram_[i] = static_cast<float>(std::log(src[i] / ns));
    m.target_unigram_[i] = static_cast<float>(std::log(tgt[i] / nt));
  }

  // EM over all alignments. Iteration 0 treats every segment pair as equally likely.
  std::unordered_map<std::uint64_t, double> prob;
  std::vector<double> alpha, beta;
  for (int iter = 0; iter <= options.iterations; ++iter) {
    std::unordered_map<std::uint64_t, double> counts;
    auto p_of = [&](std::string_view a, std::string_view b) {
      if (iter == 0) return 1e-3;
      auto it = prob.find(Key(a, b));
      if (it != prob.end()) return it->second;
      return a.size() <= 1 && b.size() <= 1 ? options.floor : 0.0;
    };
    for (const Pair& pr : pairs) {
      const std::string& x = pr.source;
      const std::string& y = pr.target;
      size_t n = x.size(), mlen = y.size(), w = mlen + 1;
      alpha.assign((n + 1) * w, 0.0);
      beta.assign((n + 1) * w, 0.0);
      alpha[0] = 1;
      for (size_t i = 0; i <= n; ++i) {
        for (size_t j = 0; j <= mlen; ++j) {
          if (i == 0 && j == 0) continue;
          double s = 0;
          for (const Segment& g : kSegments) {
            if (static_cast<size_t>(g.a) > i || static_cast<size_t>(g.b) > j) continue;
            double a = alpha[(i - g.a) * w + (j - g.b)];
            if (a == 0) continue;
            s += a * p_of(std::string_view(x).substr(i - g.a, g.a),
                          std::string_view(y).substr(j - g.b, g.b));
          }
          alpha[i * w + j] = s;
        }
      }
      double z = alpha[n * w + mlen];
      if (!(z > 0) || !std::isfinite(z)) continue;
      beta[n * w + mlen] = 1;
      for (size_t i = n + 1; i-- > 0;) {
        for (size_t j = mlen + 1; j-- > 0;) {
          if (i == n && j == mlen) continue;
          double s = 0;
          for (const Segment& g : kSegments) {
            if (i + g.a > n || j + g.b > mlen) continue;
            double b = beta[(i + g.a) * w + (j + g.b)];
            if (b == 0) continue;
            s += b * p_of(std::string_view(x).substr(i, g.a), std::string_view(y).substr(j, g.b));
          }
          beta[i * w + j] = s;
        }
      }
      for (size_t i = 0; i <= n; ++i) {
        for (size_t j = 0; j <= mlen; ++j) {
          double a = alpha[i * w + j];
          if (a == 0) continue;
          for (const Segment& g : kSegments) {
            if (i + g.a > n || j + g.b > mlen) continue;
            std::string_view sa = std::string_view(x).substr(i, g.a);
            std::string_view sb = std::string_view(y).substr(j, g.b);
            double c = a * p_of(sa, sb) * beta[(i + g.a) * w + (j + g.b)] / z;
            if (c > 1e-12) counts[Key(sa, sb)] += c;
          }
        }
      }
    }
    double total = 0;
    for (const auto& [k, c] : counts) total += c;
    prob.clear();
    if (total <= 0) break;
    for (const auto& [k, c] : counts) prob[k] = c / total;
  }
  for (const auto& [k, p] : prob) {
    if (p >= options.min_probability) m.log_p_[k] = static_cast<float>(std::log(p));
  }
  m.log_floor_ = static_cast<float>(std::log(options.floor));
  m.Finalize();
  return m;
}

void TransliterationModel::Finalize() {
  const float inf = -std::numeric_limits<float>::infinity();
  del_.assign(26, inf);
  ins_.assign(26, inf);
  sub_.assign(26 * 26, inf);
  one_two_.assign(26 * 676, inf);
  two_one_.assign(676 * 26, inf);
  const float* qs = source_unigram_;
  const float* qt = target_unigram_;
  std::string a(1, 'a'), b(1, 'a'), aa(2, 'a'), bb(2, 'a');
  for (int i = 0; i < 26; ++i) {
    a[0] = static_cast<char>('a' + i);
    del_[i] = static_cast<float>(SegmentLogP(a, "")) - qs[i];
    ins_[i] = static_cast<float>(SegmentLogP("", a)) - qt[i];
    for (int j = 0; j < 26; ++j) {
      b[0] = static_cast<char>('a' + j);
      sub_[i * 26 + j] = static_cast<float>(SegmentLogP(a, b)) - qs[i] - qt[j];
    }
  }
  for (const auto& [k, lp] : log_p_) {
    int c[6];
    for (int i = 0; i < 6; ++i) c[i] = static_cast<int>((k >> (5 * (5 - i))) & 31) - 1;
    // c[0..2] source letters, c[3..5] target letters, -1 = none.
    if (c[0] >= 0 && c[1] < 0 && c[3] >= 0 && c[4] >= 0 && c[5] < 0) {
      one_two_[c[0] * 676 + c[3] * 26 + c[4]] = lp - qs[c[0]] - qt[c[3]] - qt[c[4]];
    } else if (c[0] >= 0 && c[1] >= 0 && c[2] < 0 && c[3] >= 0 && c[4] < 0) {
      two_one_[(c[0] * 26 + c[1]) * 26 + c[3]] = lp - qs[c[0]] - qs[c[1]] - qt[c[3]];
    }
  }
}

double TransliterationModel::LogOdds(std::string_view source_in, std::string_view target_in) const {
  if (sub_.empty()) return kNegInf;  // not finalised: no model
  thread_local std::string xs, ys;
  xs = ModelLetters(source_in);
  ys = ModelLetters(target_in);
  if (xs.empty() || ys.empty()) return kNegInf;
  size_t n = xs.size(), m = ys.size(), w = m + 1;
  thread_local std::vector<int> x, y;
  x.resize(n);
  y.resize(m);
  for (size_t i = 0; i < n; ++i) x[i] = xs[i] - 'a';
  for (size_t j = 0; j < m; ++j) y[j] = ys[j] - 'a';
  // Viterbi over segment pairs, each scored by its log-odds (dense tables, see Finalize()).
  thread_local std::vector<float> v;
  const float inf = -std::numeric_limits<float>::infinity();
  v.assign((n + 1) * w, inf);
  v[0] = 0;
  for (size_t i = 0; i <= n; ++i) {
    float* row = &v[i * w];
    const float* up = i >= 1 ? &v[(i - 1) * w] : nullptr;
    const float* up2 = i >= 2 ? &v[(i - 2) * w] : nullptr;
    for (size_t j = 0; j <= m; ++j) {
      if (i == 0 && j == 0) continue;
      float best = inf;
      if (up) best = std::max(best, up[j] + del_[x[i - 1]]);
      if (j >= 1) best = std::max(best, row[j - 1] + ins_[y[j - 1]]);
      if (up && j >= 1) best = std::max(best, up[j - 1] + sub_[x[i - 1] * 26 + y[j - 1]]);
      if (up && j >= 2) {
        best = std::max(best, up[j - 2] + one_two_[x[i - 1] * 676 + y[j - 2] * 26 + y[j - 1]]);
      }
      if (up2 && j >= 1) {
        best = std::max(best, up2[j - 1] + two_one_[(x[i - 2] * 26 + x[i - 1]) * 26 + y[j - 1]]);
      }
      row[j] = best;
    }
  }
  float total = v[n * w + m];
  if (total == inf) return kNegInf;
  return total / (static_cast<double>(n + m) / 2);
}

double TransliterationModel::Calibrated(double lo, size_t target_letters) const {
  if (lo == kNegInf || target_letters == 0) return 0.0;
  double adjusted = lo - length_term_ / std::sqrt(static_cast<double>(target_letters));
  return 1.0 / (1.0 + std::exp(-slope_ * (adjusted - midpoint_)));
}

double TransliterationModel::Similarity(std::string_view source, std::string_view target) const {
  size_t letters = 0;  // ModelLetters(target).size(), without building the string
  for (char c : target) letters += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  return Calibrated(LogOdds(source, target), letters);
}

void TransliterationModel::AppendTsv(std::string_view script, std::string& out) const {
  out += fmt::format("{}\tcal\t{:.6f}\t{:.6f}\t{:.6f}\n", script, midpoint_, slope_, length_term_);
  out += fmt::format("{}\tfloor\t{:.4f}\n", script, log_floor_);
  for (int i = 0; i < 26; ++i) {
    out += fmt::format("{}\tuni\ts\t{}\t{:.4f}\n", script, static_cast<char>('a' + i),
                       source_unigram_[i]);
    out += fmt::format("{}\tuni\tt\t{}\t{:.4f}\n", script, static_cast<char>('a' + i),
                       target_unigram_[i]);
  }
  // Deterministic order: by key.
  std::vector<std::pair<std::uint64_t, float>> rows(log_p_.begin(), log_p_.end());
  std::sort(rows.begin(), rows.end());
  for (const auto& [k, lp] : rows) {
    std::string a, b;
    for (int i = 0; i < 3; ++i) {
      int c = static_cast<int>((k >> (5 * (5 - i))) & 31);
      if (c) a += static_cast<char>('a' + c - 1);
    }
    for (int i = 0; i < 3; ++i) {
      int c = static_cast<int>((k >> (5 * (2 - i))) & 31);
      if (c) b += static_cast<char>('a' + c - 1);
    }
    out += fmt::format("{}\tseg\t{}\t{}\t{:.4f}\n", script, a.empty() ? "-" : a,
                       b.empty() ? "-" : b, lp);
  }
}

bool TransliterationModel::ApplyTsvLine(const std::vector<std::string_view>& f) {
  auto num = [](std::string_view s, double& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
  };
  auto letters = [](std::string_view s, std::string& out) {
    if (s == "-") return true;
    if (s.empty() || s.size() > 2) return false;
    for (char c : s) {
      if (c < 'a' || c > 'z') return false;
    }
    out = s;
    return true;
  };
  if (f.empty()) return false;
  double a = 0, b = 0, c = 0;
  if (f[0] == "cal" && f.size() == 4 && num(f[1], a) && num(f[2], b) && b > 0 && num(f[3], c)) {
    SetCalibration(a, b, c);
    return true;
  }
  if (f[0] == "floor" && f.size() == 2 && num(f[1], a) && a <= 0) {
    log_floor_ = static_cast<float>(a);
    return true;
  }
  if (f[0] == "uni" && f.size() == 4 && (f[1] == "s" || f[1] == "t") && f[2].size() == 1 &&
      LetterIndex(f[2][0]) >= 0 && num(f[3], a) && a <= 0) {
    float* table = f[1] == "s" ? source_unigram_ : target_unigram_;
    table[LetterIndex(f[2].front())] = static_cast<float>(a);
    return true;
  }
  std::string sa, sb;
  if (f[0] == "seg" && f.size() == 4 && letters(f[1], sa) && letters(f[2], sb) &&
      !(sa.empty() && sb.empty()) && num(f[3], a) && a <= 0) {
    log_p_[Key(sa, sb)] = static_cast<float>(a);
    return true;
  }
  return false;
}

Result<TransliterationModels> TransliterationModels::Parse(std::string_view tsv) {
  TransliterationModels out;
  size_t line_no = 0;
  while (!tsv.empty()) {
    ++line_no;
    size_t eol = tsv.find('\n');
    std::string_view line = tsv.substr(0, eol);
    tsv = eol == std::string_view::npos ? std::string_view() : tsv.substr(eol + 1);
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string_view> fields;
    while (true) {
      size_t tab = line.find('\t');
      fields.push_back(line.substr(0, tab));
      if (tab == std::string_view::npos) break;
      line = line.substr(tab + 1);
    }
    if (fields.size() < 2 || fields[0].empty()) {
      return Err(InvalidArgumentError(
          fmt::format("transliteration model line {}: expected script and record", line_no)));
    }
    std::string script(fields[0]);
    fields.erase(fields.begin());
    if (!out.models_[script].ApplyTsvLine(fields)) {
      return Err(InvalidArgumentError(
          fmt::format("transliteration model line {}: malformed '{}' record", line_no, fields[0])));
    }
  }
  for (auto& [script, model] : out.models_) model.Finalize();
  return out;
}

std::string TransliterationModels::Serialize() const {
  std::string out =
      "# kycloud transliteration models (bench/train_translit); columns: script, record, "
      "values\n";
  for (const auto& [script, model] : models_) model.AppendTsv(script, out);
  return out;
}

const TransliterationModel* TransliterationModels::For(Script script) const {
  if (script == Script::kLatin || script == Script::kUnknown) return nullptr;
  auto it = models_.find(ScriptKey(script));
  if (it != models_.end()) return &it->second;
  it = models_.find("generic");
  return it != models_.end() ? &it->second : nullptr;
}

void TransliterationModels::Set(std::string_view script, TransliterationModel model) {
  models_[std::string(script)] = std::move(model);
}

const TransliterationModels& TransliterationModels::Default() {
  static const TransliterationModels kModels = [] {
    auto parsed = Parse(TranslitModelTsv());
    return parsed ? std::move(*parsed) : TransliterationModels();
  }();
  return kModels;
}

}  // namespace kycloud::text
