// Linker: batch account linking — normalise, find generic values, block, compare, train a
// Fellegi-Sunter model (EM for m, random pairs for u, term frequencies), score (with the floor
// of shared identifiers, identifier_evidence.h), cluster with the over-merge guard and judgements
// (docs/linking.md).
//
// The result does not depend on the order of the input records: the random pairs for u are chosen
// by a hash of the record ids, and clustering breaks ties by id.
//
// Thread-safety: Link is a pure function of its arguments; it uses `threads` worker threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "kycloud/base/result.h"
#include "kycloud/linking/blocking.h"
#include "kycloud/linking/clusterer.h"
#include "kycloud/linking/comparisons.h"
#include "kycloud/linking/fellegi_sunter.h"
#include "kycloud/linking/link_record.h"

namespace kycloud::linking {

struct LinkOptions {
  double threshold = 0.95;   // match probability at which two records link
  double strong = 0.99999;   // probability of a single link allowed to join two groups
  size_t max_block = 200;    // keys held by more records form no pairs
  size_t generic_min = 100;  // identifier values held by more records are generic
  size_t random_pairs = 200000;
  unsigned threads = 0;    // 0: the number of cores
  bool keep_pairs = true;  // return the scored pairs at or above the threshold
  // Shared non-generic cards, bank accounts, wallets, national ids, phones and e-mail addresses
  // set a floor under the weight (identifier_evidence.h); off: Fellegi-Sunter alone.
  bool identifier_floor = true;
  // A model trained before (a batch run's LinkResult::model): used as it is, nothing trained.
  // For populations too small to train on (a new service: docs/linking.md).
  std::shared_ptr<const FellegiSunterModel> model;
};

struct LinkedPair {
  std::uint32_t a, b;
  double weight;
  double probability;
  Levels levels;
};

struct LinkResult {
  std::vector<NormalizedRecord> records;
  std::vector<std::uint32_t> group;  // per record: the index of its group's smallest id
  std::vector<LinkedPair> pairs;     // scored pairs at or above the threshold (keep_pairs)
  FellegiSunterModel model;
  BlockingStats blocking;
  size_t generic_values = 0;
  double seconds_normalise = 0, seconds_block = 0, seconds_compare = 0, seconds_train = 0,
         seconds_cluster = 0;
};

// Errors: InvalidArgument on duplicate record ids (named) or bad options.
Result<LinkResult> Link(const std::vector<LinkRecord>& records,
                        const std::vector<Judgement>& judgements, const LinkOptions& options);

// The evidence of one pair, for explanations: each comparison's level and weight (JSON).
std::string ExplainPair(const LinkResult& result, const LinkedPair& pair);
std::string ExplainLink(const FellegiSunterModel& model, const NormalizedRecord& a,
                        const NormalizedRecord& b, const Levels& levels, double weight);

// Whether agreeing address parts count once (as their strongest) rather than summed: where an
// organisation is one of the pair (co-tenants, virtual offices), and where both the birth dates
// and the national ids differ outright (two people at one address: a household, a shared flat — the
// address is one fact, not five independent ones that outvote the identity).
bool CountAddressOnce(const Levels& levels, const NormalizedRecord& a, const NormalizedRecord& b);

// The weight of a pair as the linker scores it: the model's weight (address parts counted once
// as CountAddressOnce says) raised to the floor of shared identifiers
// (identifier_evidence.h) when `identifier_floor`.
double ScorePair(const FellegiSunterModel& model, const Levels& levels, const NormalizedRecord& a,
                 const NormalizedRecord& b, bool identifier_floor = true);

}  // namespace kycloud::linking
