#include "kycloud/cip/access_log.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "kycloud/base/log.h"
#include "kycloud/cip/sealed_columns.h"

namespace kycloud::cip {

namespace {

using json = nlohmann::json;

// The canonical text of an IPv4 or IPv6 address; nullopt if `ip` is neither.
std::optional<std::string> CanonicalIp(const std::string& ip) {
  unsigned char buf[sizeof(in6_addr)];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, ip.c_str(), buf) == 1) {
    return std::string(inet_ntop(AF_INET, buf, out, sizeof(out)));
  }
  if (inet_pton(AF_INET6, ip.c_str(), buf) == 1) {
    return std::string(inet_ntop(AF_INET6, buf, out, sizeof(out)));
  }
  return std::nullopt;
}

}  // namespace

AccessLog::AccessLog(storage::CustomerStore& customers, const storage::PiiCipher& cipher,
                     const IpGeolocator* geo, Onboarding& onboarding)
    : customers_(customers), cipher_(cipher), geo_(geo), onboarding_(onboarding) {}

Result<AccessBatchResult> AccessLog::Record(const std::string& customer_id, std::string_view body,
                                            const std::string& actor) {
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return Err(InvalidArgumentError("the body must be {\"events\": [...]}").WithField(""));
  }
  for (const auto& [key, v] : j.items()) {
    if (key != "events") {
      return Err(InvalidArgumentError(fmt::format("unknown field '{}'", key)).WithField("/" + key));
    }
  }
  auto it = j.find("events");
  if (it == j.end() || !it->is_array() || it->empty()) {
    return Err(InvalidArgumentError("'events' must be a non-empty array").WithField("/events"));
  }
  if (it->size() > kMaxAccessBatch) {
    return Err(ResourceExhaustedError(
                   fmt::format("{} events in one batch; at most {}", it->size(), kMaxAccessBatch))
                   .WithField("/events")
                   .WithReason("batch_too_large"));
  }
  AccessBatchResult out;
  out.received = it->size();
  std::vector<storage::AccessEventRow> rows;
  rows.reserve(it->size());
  const std::string associated = std::string(kAccessSealPrefix) + customer_id;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    auto bad = [&](std::string_view field, std::string message) {
      out.errors.push_back(
          AccessEventError{i, fmt::format("/events/{}{}{}", i, field.empty() ? "" : "/", field),
                           std::move(message)});
    };
    if (!e.is_object()) {
      bad("", "must be an object {ip, at, action}");
      continue;
    }
    std::string unknown;
    for (const auto& [key, v] : e.items()) {
      if (key != "ip" && key != "at" && key != "action") unknown = key;
    }
    if (!unknown.empty()) {
      bad(unknown, "is not a field of an access event (ip, at, action)");
      continue;
    }
    auto ip = e.find("ip");
    auto at = e.find("at");
    auto action = e.find("action");
    if (ip == e.end() || !ip->is_string()) {
      bad("ip", "is required (an IPv4 or IPv6 address)");
      continue;
    }
    auto canonical = CanonicalIp(ip->get<std::string>());
    if (!canonical) {
      bad("ip", fmt::format("'{}' is not an IPv4 or IPv6 address", ip->get<std::string>()));
      continue;
    }
    if (at == e.end() || !at->is_string()) {
      bad("at", "is required (an RFC 3339 time)");
      continue;
    }
    auto when = ParseRfc3339(at->get<std::string>());
    if (!when) {
      bad("at", std::string(when.error().message()));
      continue;
    }
    if (action == e.end() || !action->is_string() ||
        (*action != "login" && *action != "admin" && *action != "api")) {
      bad("action", "must be login, admin or api");
      continue;
    }
    std::string country;
    if (geo_) {
      if (auto c = geo_->Country(*canonical)) country = *c;
    }
    rows.push_back(storage::AccessEventRow{0, customer_id, *when, action->get<std::string>(),
                                           cipher_.Seal(*canonical, associated), country});
  }
  if (rows.empty()) {
    const AccessEventError& first = out.errors.front();
    return Err(InvalidArgumentError(fmt::format("no valid event: {}", first.message))
                   .WithField(first.field));
  }
  KY_ASSIGN_OR_RETURN(std::vector<std::string> before, customers_.AccessCountries(customer_id));
  KY_TRY(customers_.AppendAccessEvents(customer_id, rows));
  out.accepted = rows.size();
  KY_ASSIGN_OR_RETURN(out.countries, customers_.AccessCountries(customer_id));
  if (out.countries != before) {
    KY_ASSIGN_OR_RETURN(auto r, onboarding_.Refresh(customer_id, actor));
    out.redecided = std::move(r);  // linked again as it was decided
  } else if (CustomerLinks* links = onboarding_.links()) {
    // Best effort: the events are stored; linking them is the next decision's too.
    auto relinked = links->RelinkStored(customer_id);
    if (!relinked.has_value()) {
      KY_LOG_WARN("linking: {} not linked again after new access events: {}", customer_id,
                  relinked.error().ToString());
      return out;
    }
    out.relinked = std::move(*relinked);
    for (const std::string& id : out.relinked) {
      if (auto again = onboarding_.Refresh(id, actor); !again.has_value()) {
        KY_LOG_WARN("linking: deciding {} again after new access IPs of {} failed: {}", id,
                    customer_id, again.error().ToString());
      }
    }
  }
  return out;
}

}  // namespace kycloud::cip
