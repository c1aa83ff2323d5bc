// ServerOptions: how `kycloud serve` listens and protects itself. Loaded from the [server] table
// of the config file; --listen overrides `listen`.
#pragma once

#include <cstddef>
#include <string>

namespace kycloud::server {

struct ServerOptions {
  // "HOST:PORT" ("[::1]:8080" for IPv6). Port 0 picks a free port (printed at start).
  // Default: "127.0.0.1:8080" (loopback only; put a TLS proxy in front for remote access).
  std::string listen = "127.0.0.1:8080";
  // Worker threads handling connections. Default: 32.
  int threads = 32;
  // Requests handled at once on routes that do real work (not health checks or metrics); more get
  // 429 with Retry-After. Must be below `threads` so health checks always find a worker.
  // Default: 24.
  int max_in_flight = 24;
  // Connections waiting for a worker when all `threads` are busy (each keep-alive connection
  // holds one). More are shed: answered 429 with Retry-After and closed. Default: 64.
  int max_queued_connections = 64;
  // Each API key may make this many requests per second on average, and `key_burst` at once;
  // more get 429 with Retry-After. Per instance. 0 turns the limit off. Default: 100 and 200.
  double key_rate_per_second = 100;
  double key_burst = 200;
  // Largest accepted request body in bytes; larger bodies get 413. Default: 1 MiB.
  std::size_t max_body_bytes = 1 << 20;
  // Time allowed to receive a request and to send a response, in ms. Default: 10000 each.
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  // How long an idle keep-alive connection is kept open, in ms. Default: 5000.
  int keep_alive_timeout_ms = 5000;
  // Deadline handed to handlers; long operations stop and answer 504 past it. Default: 30000.
  int request_timeout_ms = 30000;
  // Directory of the web console's built files (web/dist), served at "/". Empty: no console.
  // `kycloud serve` finds web/dist next to the source tree when this is not set.
  std::string web_root;
  // HTTPS: the certificate chain (PEM, the server's certificate first) and its private key (PEM).
  // Both set: the server speaks only TLS (1.2 or later). Neither: plain HTTP, for loopback or
  // behind a TLS-terminating proxy. Default: "" (plain HTTP).
  std::string tls_cert_file;
  std::string tls_key_file;
  // One log line per request (method, route, status, duration, key id). Default: true.
  bool access_log = true;
};

}  // namespace kycloud::server
