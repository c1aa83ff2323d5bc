#include "records.h"

namespace kycloud::testing {

nlohmann::json SingaporeCompany(const std::string& id, const std::string& name,
                                const std::string& phone, const std::string& card) {
  return nlohmann::json{{"id", id},
                        {"kind", "organisation"},
                        {"names", {{{"full", name}}}},
                        {"addresses", {{{"lines", {"8 Marina View"}}, {"country", "SG"}}}},
                        {"country_of_incorporation", "SG"},
                        {"emails", {"ops@" + id + ".example"}},
                        {"phones", {phone}},
                        {"beneficial_owners",
                         {{{"id", "bo-1"},
                           {"kind", "person"},
                           {"names", {{{"full", "Owner of " + name}}}},
                           {"nationality", "SG"},
                           {"share", 0.6}}}},
                        {"payment_instruments",
                         {{{"type", "card"}, {"issuing_country", "SG"}, {"fingerprint", card}}}}};
}

}  // namespace kycloud::testing
