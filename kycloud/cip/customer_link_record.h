// CustomerLinkRecord: what account linking (linking/) sees of a customer — its names, addresses,
// date of birth, phones, e-mail addresses, national ids, payment fingerprints, bank accounts,
// wallets, beneficial owners (name and date of birth) and the IP addresses it connects from.
//
// Organisations give their legal (or first) name as the organisation name and each other name
// kind is left out (a trading name differs by design); individuals give the full name. The first
// address counts (linking compares one per record); owners that are companies count by name.
//
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "kycloud/cip/customer.h"
#include "kycloud/linking/link_record.h"

namespace kycloud::cip {

linking::LinkRecord CustomerLinkRecord(const Customer& c, const std::vector<std::string>& ips = {});

}  // namespace kycloud::cip
