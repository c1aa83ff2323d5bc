#include "kycloud/linking/evaluation.h"

#include <map>
#include <unordered_map>

namespace kycloud::linking {

LinkingScores ScoreLinking(const std::vector<std::string>& predicted,
                           const std::vector<std::string>& truth) {
  LinkingScores s;
  const size_t n = std::min(predicted.size(), truth.size());
  std::unordered_map<std::string, size_t> p_size, t_size;
  std::map<std::pair<std::string, std::string>, size_t> both;
  for (size_t i = 0; i < n; ++i) {
    ++p_size[predicted[i]];
    ++t_size[truth[i]];
    ++both[{predicted[i], truth[i]}];
  }
  auto pairs = [](size_t k) { return k * (k - 1) / 2; };
  for (const auto& [k, v] : p_size) s.predicted_pairs += pairs(v);
  for (const auto& [k, v] : t_size) s.true_pairs += pairs(v);
  for (const auto& [k, v] : both) s.correct_pairs += pairs(v);
  s.precision = s.predicted_pairs ? double(s.correct_pairs) / double(s.predicted_pairs) : 1.0;
  s.recall = s.true_pairs ? double(s.correct_pairs) / double(s.true_pairs) : 1.0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0;
  // B-cubed: each record in cell (p, t) has precision |cell|/|p| and recall |cell|/|t|.
  double bp = 0, br = 0;
  for (const auto& [key, v] : both) {
    bp += double(v) * double(v) / double(p_size[key.first]);
    br += double(v) * double(v) / double(t_size[key.second]);
  }
  s.bcubed_precision = n ? bp / double(n) : 1.0;
  s.bcubed_recall = n ? br / double(n) : 1.0;
  return s;
}

}  // namespace kycloud::linking
