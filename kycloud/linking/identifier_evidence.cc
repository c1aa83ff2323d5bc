#include "kycloud/linking/identifier_evidence.h"

namespace kycloud::linking {

IdentifierEvidence IdentifierFloor(const Levels& levels, bool organisations) {
  auto at = [&](Comparison c) { return levels[static_cast<size_t>(c)]; };
  auto exact = [&](Comparison c) { return at(c) == LevelCount(c) - 1; };
  IdentifierEvidence out;
  std::string strong;
  for (Comparison c : {Comparison::kPayment, Comparison::kBankAccount, Comparison::kWallet,
                       Comparison::kNationalId}) {
    if (exact(c)) strong += (strong.empty() ? "" : ", ") + std::string(ComparisonName(c));
  }
  std::string contact;
  int contacts = 0;
  for (Comparison c : {Comparison::kPhone, Comparison::kEmail, Comparison::kOwner}) {
    if (!exact(c) || (c == Comparison::kOwner && !organisations)) continue;
    ++contacts;
    contact += (contact.empty() ? "" : ", ") + std::string(ComparisonName(c));
  }
  if (!strong.empty()) {
    out.probability = kStrongIdentifierFloor;
    out.rule = "shared " + strong;
  } else if (contacts >= 2) {
    out.probability = kStrongIdentifierFloor;
    out.rule = "shared " + contact;
  } else if (contacts == 1) {
    out.probability = kIdentifierFloor;
    out.rule = "shared " + contact;
  } else if (organisations && at(Comparison::kEmail) == 1) {
    // A non-free, non-generic e-mail domain: one organisation's accounts (between persons it
    // says they work at one place, not that they are one).
    out.probability = kIdentifierFloor;
    out.rule = "shared e-mail domain";
  }
  return out;
}

}  // namespace kycloud::linking
