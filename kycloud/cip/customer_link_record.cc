#include "kycloud/cip/customer_link_record.h"

#include <cctype>

namespace kycloud::cip {

using linking::Field;

linking::LinkRecord CustomerLinkRecord(const Customer& c, const std::vector<std::string>& ips) {
  linking::LinkRecord r;
  r.id = c.id;
  const Name* name = nullptr;
  for (const Name& n : c.names) {
    if (n.kind == "legal") {
      name = &n;
      break;
    }
  }
  if (!name && !c.names.empty()) name = &c.names.front();
  if (name) r.Add(c.kind == "individual" ? Field::kFullName : Field::kOrgName, name->full);
  if (!c.date_of_birth.empty()) r.Add(Field::kDateOfBirth, c.date_of_birth);
  // The first address (linking compares one address per record: the lines of several would be
  // joined into one text that matches nothing).
  if (!c.addresses.empty()) {
    const Address& a = c.addresses.front();
    for (const std::string& line : a.lines) r.Add(Field::kAddressLine, line);
    if (!a.lines.empty()) {
      // The street number: a leading number ("10 Downing Street") or a trailing one
      // ("Hauptstraße 5").
      const std::string& first = a.lines.front();
      size_t end = 0;
      while (end < first.size() && std::isdigit(static_cast<unsigned char>(first[end]))) ++end;
      if (end > 0) {
        r.Add(Field::kStreetNumber, first.substr(0, end));
      } else {
        size_t begin = first.size();
        while (begin > 0 && std::isdigit(static_cast<unsigned char>(first[begin - 1]))) --begin;
        if (begin < first.size() && begin > 0 && first[begin - 1] == ' ') {
          r.Add(Field::kStreetNumber, first.substr(begin));
        }
      }
    }
    if (!a.locality.empty()) r.Add(Field::kLocality, a.locality);
    if (!a.postcode.empty()) r.Add(Field::kPostcode, a.postcode);
    if (!a.region.empty()) r.Add(Field::kRegion, a.region);
    if (!a.country.empty()) r.Add(Field::kCountry, a.country);
  }
  for (const std::string& p : c.phones) r.Add(Field::kPhone, p);
  for (const std::string& e : c.emails) r.Add(Field::kEmail, e);
  for (const NationalId& id : c.national_ids) {
    r.Add(Field::kNationalId, id.country + id.number);
  }
  for (const PaymentInstrument& p : c.payment_instruments) {
    if (p.type == "card" && !p.fingerprint.empty()) {
      r.Add(Field::kPaymentFingerprint, p.fingerprint);
    } else if (p.type == "bank_account" && !p.fingerprint.empty()) {
      r.Add(Field::kBankAccount, p.fingerprint);
    } else if (p.type == "wallet" && !p.wallet_address.empty()) {
      r.Add(Field::kWallet, p.wallet_address);
    } else if (!p.fingerprint.empty()) {
      r.Add(Field::kPaymentFingerprint, p.fingerprint);
    }
  }
  for (const BeneficialOwner& o : c.beneficial_owners) {
    if (o.names.empty()) continue;
    std::string v = o.names.front().full;
    if (!o.date_of_birth.empty()) v += "|" + o.date_of_birth;
    r.Add(Field::kBeneficialOwner, std::move(v));
  }
  for (const std::string& ip : ips) r.Add(Field::kIp, ip);
  return r;
}

}  // namespace kycloud::cip
