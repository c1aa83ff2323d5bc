// Fuzz target: the policy parsers and the decision on arbitrary bytes. The first byte picks what
// the rest is — one of the policy files (replacing the bundled one) or a party's facts (JSON) —
// and the bundled policy decides for the parsed party. Invariants: a parsed policy has a version
// and a 64-hex hash; a special measure ends after it starts; a decision's outcome is its most
// severe reason's action.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "kycloud/policy/authorizer.h"
#include "kycloud/policy/policy_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kycloud::policy;
  if (size == 0) return 0;
  const char* kFiles[] = {"policy.toml", "country-groups.toml", "special-measures.toml",
                          "accelerator-status.toml", "cloud-regions.toml"};
  const uint8_t selector = data[0] % 6;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (selector < 5) {
    auto files = BundledPolicyFiles();
    for (PolicyFile& f : files) {
      if (f.name == kFiles[selector]) f.text = text;
    }
    auto p = Policy::Parse(files);
    if (!p) return 0;
    if (p->version().empty() || p->hash().size() != 64) std::abort();
    for (const SpecialMeasure& m : p->special_measures()) {
      if (!(m.expires > m.effective)) std::abort();
    }
    return 0;
  }
  auto facts = ParsePartyFacts(text);
  if (!facts) return 0;
  PartyDirectory dir;
  dir.Put(*facts);
  const Date date = ParseDate("2026-12-01").value();
  const Standing s = EvaluateStanding(Policy::Bundled(), dir, *facts, date);
  const Decision d =
      Decide(Policy::Bundled(), &s,
             AuthorizeRequest{facts->id, {{"x", "3A090.a", 8}}, "us-east-1", {}}, date);
  Action worst = Action::kAllow;
  for (const Reason& r : d.reasons) worst = std::max(worst, r.action);
  if (worst != d.outcome) std::abort();
  // Round trip: the JSON form parses back.
  if (!ParsePartyFacts(PartyFactsJson(*facts))) std::abort();
  return 0;
}
