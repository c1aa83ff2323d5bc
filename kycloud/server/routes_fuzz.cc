// Fuzz target: every API route with arbitrary JSON bodies and query strings, called through the
// router as `kycloud serve` calls it (server/testing/service_router.h), as an admin (every route
// open). An input is "METHOD /path?query\n" followed by the body. The invariant: bad input is
// the caller's error (4xx, or 503 for a service not ready), never a crash, a sanitizer report or
// a 500.
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "kycloud/server/api_error.h"
#include "kycloud/server/testing/service_router.h"

namespace {

using kycloud::server::HttpRequest;

std::string Decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out += ' ';
    } else if (s[i] == '%' && i + 2 < s.size() &&
               std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
               std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

const kycloud::server::Router& TheRouter() {
  static const kycloud::server::Router router = kycloud::server::testing::ServiceRouter();
  return router;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t eol = input.find('\n');
  if (eol == std::string::npos) return 0;
  const std::string line = input.substr(0, eol);
  const size_t space = line.find(' ');
  if (space == std::string::npos) return 0;
  auto method = kycloud::server::ParseMethod(line.substr(0, space));
  if (!method) return 0;
  std::string target = line.substr(space + 1);
  HttpRequest req;
  req.method = *method;
  const size_t q = target.find('?');
  req.path = target.substr(0, q);
  // The batch re-link trains a model on a simulated population: seconds per call, no parsing.
  if (req.path == "/v1/links/relink") return 0;
  if (q != std::string::npos) {
    std::string_view query = std::string_view(target).substr(q + 1);
    while (!query.empty()) {
      const size_t amp = query.find('&');
      std::string_view pair = query.substr(0, amp);
      const size_t eq = pair.find('=');
      req.query.emplace(Decode(pair.substr(0, eq)),
                        eq == std::string_view::npos ? "" : Decode(pair.substr(eq + 1)));
      if (amp == std::string_view::npos) break;
      query.remove_prefix(amp + 1);
    }
  }
  auto match = TheRouter().Find(req.method, req.path);
  if (!match.route) return 0;
  req.path_params = match.params;
  req.headers.emplace("content-type", "application/json");
  req.body = input.substr(eol + 1);
  req.remote_addr = "127.0.0.1";
  kycloud::server::RequestContext ctx;
  ctx.request_id = "fuzz";
  ctx.principal = kycloud::server::Principal{"kyc_fuzz", "fuzzer", "admin"};
  ctx.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  auto res = match.route->handler(req, ctx);
  const int status = res.has_value() ? res->status : kycloud::server::HttpStatusFor(res.error());
  if (status >= 500 && status != 503) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", line.substr(0, space).c_str(), target.c_str(),
                 status, res.has_value() ? res->body.c_str() : res.error().ToString().c_str());
    std::abort();
  }
  return 0;
}
