// Customer: a Customer Identification Program record (R2-R7, R18; proposed 15 CFR 7.302) — the
// customer (an individual or an organisation), its beneficial owners, payment instruments,
// contacts, national ids and reseller relationship, as kycloud keeps them after validation and
// normalisation (cip/customer_json.h). Personal data lives only here and is encrypted at rest by
// the store; everything a decision needs without it (countries, shares, states) is plain.
//
// Thread-safety: value types.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace kycloud::cip {

struct Name {
  std::string full;            // as written, NFC-normalised
  std::string kind = "legal";  // legal | other | former | trading | local_script
};

struct Address {
  std::vector<std::string> lines;
  std::string locality;
  std::string region;
  std::string postcode;
  std::string country;      // ISO 3166-1 alpha-2
  std::string subdivision;  // ISO 3166-2, when known ("UA-43")
};

struct NationalId {
  std::string type;  // passport | national_id | tax_id | company_registration | other
  std::string number;
  std::string country;  // issuing country, ISO alpha-2
};

struct BeneficialOwner {
  std::string id;    // the provider's id for the owner (unique within the customer)
  std::string kind;  // person | company
  std::vector<Name> names;
  std::string nationality;        // ISO alpha-2 (persons)
  std::string residence_country;  // ISO alpha-2
  std::string date_of_birth;      // YYYY-MM-DD, optional
  double share = 0;               // ownership in [0, 1]
  std::string control_role;       // e.g. "director", "CEO"; "" when owner by share only
  std::vector<NationalId> national_ids;
  bool us_person = false;  // declared; classification keeps the evidence
};

struct PaymentInstrument {
  std::string type;  // card | bank_account | wallet | invoice | other
  std::string institution;
  std::string issuing_country;  // ISO alpha-2
  std::string fingerprint;      // the provider's token or fingerprint — never a card number
  std::string wallet_address;   // for wallets
  std::string holder_name;      // who pays, when not the customer (a payer, R27), NFC
};

struct Customer {
  std::string id;
  std::string kind;  // individual | organisation
  std::vector<Name> names;
  std::vector<Address> addresses;
  std::string date_of_birth;  // individuals, optional
  std::vector<std::string> nationalities;
  std::string country_of_incorporation;  // organisations
  std::string headquarters_country;
  std::string ultimate_parent_name;
  std::string ultimate_parent_country;
  std::string website;
  std::vector<std::string> emails;  // normalised
  std::vector<std::string> phones;  // E.164
  std::vector<NationalId> national_ids;
  std::vector<BeneficialOwner> beneficial_owners;
  std::vector<PaymentInstrument> payment_instruments;
  std::string reseller_id;  // the reseller this customer buys through
  bool is_reseller = false;
  std::vector<std::string> end_user_countries;  // a reseller's declared end users' countries
  bool us_presence = false;  // declared presence in the US (an office, residence)
};

}  // namespace kycloud::cip
