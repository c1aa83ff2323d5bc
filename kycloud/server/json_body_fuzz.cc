// Fuzz target: JSON request bodies as the API reads them (depth check, parse, object check) and
// screening queries built from them.
#include <cstdint>
#include <string>

#include "kycloud/server/json_body.h"
#include "kycloud/server/screening_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body(reinterpret_cast<const char*>(data), size);
  auto j = kycloud::server::ParseJsonObject(body);
  if (!j) return 0;
  (void)kycloud::server::CheckKnownFields(*j, {"name", "role"});
  (void)kycloud::server::RequiredString(*j, "name");
  (void)kycloud::server::QueryFromJson(*j, "/queries/0");
  if (auto q = j->find("queries"); q != j->end() && q->is_array()) {
    for (const auto& item : *q) (void)kycloud::server::QueryFromJson(item, "/queries/x");
  }
  return 0;
}
