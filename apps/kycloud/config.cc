#include "config.h"

#include <fmt/format.h>

#include <toml++/toml.h>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include "kycloud/storage/open_database.h"

namespace kycloud::app {

namespace {

std::string Where(std::string_view origin, const toml::node& node) {
  const auto& src = node.source();
  return fmt::format("{}:{}", origin, src.begin.line);
}

class Reader {
 public:
  Reader(const toml::table& root, std::string_view origin) : root_(root), origin_(origin) {}

  // Checks that `table` holds only `known` keys.
  Status Known(std::string_view table_name, std::initializer_list<std::string_view> known) {
    const toml::table* t = root_[table_name].as_table();
    if (!t) return OkStatus();
    for (const auto& [key, node] : *t) {
      if (std::find(known.begin(), known.end(), key.str()) == known.end()) {
        return InvalidArgumentError(fmt::format("{}: unknown key '{}.{}'", Where(origin_, node),
                                                table_name, key.str()))
            .WithField(fmt::format("{}.{}", table_name, key.str()));
      }
    }
    return OkStatus();
  }

  template <typename T>
  Status Get(std::string_view table, std::string_view key, T& out) {
    const toml::node* node = root_[table][key].node();
    if (!node) return OkStatus();
    std::string name = fmt::format("{}.{}", table, key);
    if constexpr (std::is_same_v<T, std::string>) {
      if (auto v = node->value<std::string>()) {
        out = *v;
        return OkStatus();
      }
      return TypeError(*node, name, "a string");
    } else if constexpr (std::is_same_v<T, bool>) {
      if (auto v = node->value<bool>(); v && node->is_boolean()) {
        out = *v;
        return OkStatus();
      }
      return TypeError(*node, name, "true or false");
    } else if constexpr (std::is_same_v<T, double>) {
      // An integer is a number too: rate = 100 means 100.0.
      if (auto v = node->value<double>(); v && (node->is_floating_point() || node->is_integer())) {
        out = *v;
        return OkStatus();
      }
      return TypeError(*node, name, "a number");
    } else {
      auto v = node->is_integer() ? node->value<std::int64_t>() : std::nullopt;
      if (!v) return TypeError(*node, name, "an integer");
      if (*v < 0 || *v > static_cast<std::int64_t>(std::numeric_limits<int>::max())) {
        return InvalidArgumentError(
                   fmt::format("{}: '{}' is out of range", Where(origin_, *node), name))
            .WithField(name);
      }
      out = static_cast<T>(*v);
      return OkStatus();
    }
  }

 private:
  Status TypeError(const toml::node& node, const std::string& name, std::string_view want) {
    return InvalidArgumentError(
               fmt::format("{}: '{}' must be {}", Where(origin_, node), name, want))
        .WithField(name);
  }
  const toml::table& root_;
  std::string_view origin_;
};

}  // namespace

Result<Config> ParseConfig(std::string_view text, std::string_view origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    return Err(InvalidArgumentError(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                                e.source().begin.column, e.description())));
  }
  for (const auto& [key, node] : root) {
    static const std::set<std::string> kTables = {"server",    "auth",  "storage", "log",
                                                  "screening", "audit", "cases",   "compute",
                                                  "security",  "cip",   "cluster", "linking"};
    if (!kTables.contains(std::string(key.str())) || !node.is_table()) {
      return Err(InvalidArgumentError(fmt::format("{}: unknown section '{}' (expected [server], "
                                                  "[auth], [storage], [log], [screening], "
                                                  "[audit], [cases], [compute], [security], [cip], "
                                                  "[cluster], [linking])",
                                                  Where(origin, node), key.str()))
                     .WithField(std::string(key.str())));
    }
  }
  Config c;
  Reader r(root, origin);
  KY_TRY(r.Known("server", {"listen", "threads", "max_in_flight", "max_queued_connections",
                            "key_rate_per_second", "key_burst", "max_body_bytes", "read_timeout_ms",
                            "write_timeout_ms", "keep_alive_timeout_ms", "request_timeout_ms",
                            "access_log", "web_root", "tls_cert_file", "tls_key_file"}));
  KY_TRY(r.Get("server", "listen", c.server.listen));
  KY_TRY(r.Get("server", "threads", c.server.threads));
  KY_TRY(r.Get("server", "max_in_flight", c.server.max_in_flight));
  KY_TRY(r.Get("server", "max_queued_connections", c.server.max_queued_connections));
  KY_TRY(r.Get("server", "key_rate_per_second", c.server.key_rate_per_second));
  KY_TRY(r.Get("server", "key_burst", c.server.key_burst));
  if (c.server.max_queued_connections < 1) {
    return Err(InvalidArgumentError("server.max_queued_connections must be at least 1")
                   .WithField("server.max_queued_connections"));
  }
  if (c.server.key_rate_per_second < 0 || c.server.key_burst < 1) {
    return Err(InvalidArgumentError("server.key_rate_per_second must be >= 0 (0: no limit) and "
                                    "server.key_burst >= 1")
                   .WithField("server.key_rate_per_second"));
  }
  KY_TRY(r.Get("server", "max_body_bytes", c.server.max_body_bytes));
  KY_TRY(r.Get("server", "read_timeout_ms", c.server.read_timeout_ms));
  KY_TRY(r.Get("server", "write_timeout_ms", c.server.write_timeout_ms));
  KY_TRY(r.Get("server", "keep_alive_timeout_ms", c.server.keep_alive_timeout_ms));
  KY_TRY(r.Get("server", "request_timeout_ms", c.server.request_timeout_ms));
  KY_TRY(r.Get("server", "access_log", c.server.access_log));
  KY_TRY(r.Get("server", "web_root", c.server.web_root));
  KY_TRY(r.Get("server", "tls_cert_file", c.server.tls_cert_file));
  KY_TRY(r.Get("server", "tls_key_file", c.server.tls_key_file));
  if (c.server.tls_cert_file.empty() != c.server.tls_key_file.empty()) {
    return Err(InvalidArgumentError("server.tls_cert_file and server.tls_key_file go together: "
                                    "set both for HTTPS, or neither")
                   .WithField(c.server.tls_cert_file.empty() ? "server.tls_cert_file"
                                                             : "server.tls_key_file"));
  }

  KY_TRY(r.Known("auth", {"cache_ttl_ms", "session_minutes", "secure_cookie"}));
  int ttl_ms = static_cast<int>(c.auth.cache_ttl.count());
  KY_TRY(r.Get("auth", "cache_ttl_ms", ttl_ms));
  c.auth.cache_ttl = std::chrono::milliseconds(ttl_ms);
  int session_minutes = static_cast<int>(c.sessions.lifetime.count());
  KY_TRY(r.Get("auth", "session_minutes", session_minutes));
  if (session_minutes < 1 || session_minutes > 7 * 24 * 60) {
    return Err(InvalidArgumentError("auth.session_minutes must be 1 to 10080 (a week)")
                   .WithField("auth.session_minutes"));
  }
  c.sessions.lifetime = std::chrono::minutes(session_minutes);
  KY_TRY(r.Get("auth", "secure_cookie", c.sessions.secure_cookie));
  // Over HTTPS the console's session cookie is always marked Secure.
  if (!c.server.tls_cert_file.empty()) c.sessions.secure_cookie = true;

  KY_TRY(r.Known("storage", {"uri", "pool_size", "busy_timeout_ms", "sqlite_synchronous",
                             "postgres_schema", "password_file"}));
  KY_TRY(r.Get("storage", "uri", c.storage.uri));
  KY_TRY(r.Get("storage", "pool_size", c.storage.pool_size));
  KY_TRY(r.Get("storage", "busy_timeout_ms", c.storage.busy_timeout_ms));
  KY_TRY(r.Get("storage", "sqlite_synchronous", c.storage.sqlite_synchronous));
  KY_TRY(r.Get("storage", "postgres_schema", c.storage.postgres_schema));
  KY_TRY(r.Get("storage", "password_file", c.storage_password_file));

  KY_TRY(r.Known("screening", {"lists_dir", "lists_poll_seconds"}));
  KY_TRY(r.Get("screening", "lists_dir", c.lists_dir));
  KY_TRY(r.Get("screening", "lists_poll_seconds", c.lists_poll_seconds));
  if (c.lists_poll_seconds < 0) {
    return Err(InvalidArgumentError("screening.lists_poll_seconds must be >= 0")
                   .WithField("screening.lists_poll_seconds"));
  }

  KY_TRY(r.Known("audit", {"signing_key_file", "origin", "checkpoint_every_seconds",
                           "checkpoint_every_entries"}));
  KY_TRY(r.Get("audit", "signing_key_file", c.audit_signing_key_file));
  KY_TRY(r.Get("audit", "origin", c.audit.origin));
  std::int64_t every_s = c.audit.checkpoint_every.count();
  KY_TRY(r.Get("audit", "checkpoint_every_seconds", every_s));
  KY_TRY(r.Get("audit", "checkpoint_every_entries", c.audit.checkpoint_every_entries));
  if (every_s < 1 || c.audit.checkpoint_every_entries < 1) {
    return Err(InvalidArgumentError("audit.checkpoint_every_seconds and "
                                    "audit.checkpoint_every_entries must be >= 1")
                   .WithField("audit.checkpoint_every_seconds"));
  }
  if (c.audit.origin.empty() || c.audit.origin.find('\n') != std::string::npos) {
    return Err(
        InvalidArgumentError("audit.origin must be one non-empty line").WithField("audit.origin"));
  }
  c.audit.checkpoint_every = std::chrono::seconds(every_s);

  KY_TRY(r.Known("cases", {"due_hours_critical", "due_hours_high", "due_hours_medium",
                           "due_hours_low", "cooldown_hours", "max_evidence_bytes"}));
  struct HoursKey {
    const char* key;
    std::chrono::seconds* value;
  };
  for (auto [key, value] : {HoursKey{"due_hours_critical", &c.cases.due_critical},
                            HoursKey{"due_hours_high", &c.cases.due_high},
                            HoursKey{"due_hours_medium", &c.cases.due_medium},
                            HoursKey{"due_hours_low", &c.cases.due_low},
                            HoursKey{"cooldown_hours", &c.cases.cooldown}}) {
    std::int64_t hours = value->count() / 3600;
    KY_TRY(r.Get("cases", key, hours));
    if (hours < 0 || hours > 24 * 3660) {
      return Err(InvalidArgumentError(fmt::format("cases.{} must be from 0 to 87840 hours", key))
                     .WithField(fmt::format("cases.{}", key)));
    }
    *value = std::chrono::hours(hours);
  }
  KY_TRY(r.Get("cases", "max_evidence_bytes", c.cases.max_evidence_bytes));

  KY_TRY(r.Known("compute", {"thresholds_file"}));
  KY_TRY(r.Get("compute", "thresholds_file", c.compute_thresholds_file));

  KY_TRY(r.Known("security", {"data_key_file", "old_data_key_files"}));
  KY_TRY(r.Get("security", "data_key_file", c.data_key_file));
  if (const toml::array* old = root.at_path("security.old_data_key_files").as_array()) {
    for (const toml::node& e : *old) {
      auto v = e.value<std::string>();
      if (!v) {
        return Err(InvalidArgumentError(fmt::format("{}: security.old_data_key_files must hold "
                                                    "paths",
                                                    Where(origin, e)))
                       .WithField("security.old_data_key_files"));
      }
      c.old_data_key_files.push_back(*v);
    }
  }

  KY_TRY(r.Known("cip", {"geoip_database"}));
  KY_TRY(r.Get("cip", "geoip_database", c.geoip_database));

  KY_TRY(r.Known("linking", {"min_training"}));
  KY_TRY(r.Get("linking", "min_training", c.linking_min_training));
  KY_TRY(r.Known("cluster", {"poll_ms", "lease_seconds", "feed_retention_hours"}));
  KY_TRY(r.Get("cluster", "poll_ms", c.cluster_poll_ms));
  KY_TRY(r.Get("cluster", "lease_seconds", c.cluster_lease_seconds));
  KY_TRY(r.Get("cluster", "feed_retention_hours", c.cluster_feed_retention_hours));
  if (c.cluster_poll_ms < 10 || c.cluster_poll_ms > 60000) {
    return Err(
        InvalidArgumentError("cluster.poll_ms must be 10 to 60000").WithField("cluster.poll_ms"));
  }
  if (c.cluster_lease_seconds < 3 || c.cluster_lease_seconds > 600) {
    return Err(InvalidArgumentError("cluster.lease_seconds must be 3 to 600")
                   .WithField("cluster.lease_seconds"));
  }
  if (c.cluster_feed_retention_hours < 1) {
    return Err(InvalidArgumentError("cluster.feed_retention_hours must be at least 1")
                   .WithField("cluster.feed_retention_hours"));
  }

  KY_TRY(r.Known("log", {"level", "format"}));
  std::string level, format;
  KY_TRY(r.Get("log", "level", level));
  KY_TRY(r.Get("log", "format", format));
  if (!level.empty()) {
    auto l = log::ParseLevel(level);
    if (!l) return Err(l.error().WithField("log.level"));
    c.log.level = *l;
  }
  if (!format.empty()) {
    auto f = log::ParseFormat(format);
    if (!f) return Err(f.error().WithField("log.format"));
    c.log.format = *f;
  }
  if (c.server.max_in_flight < 1 || c.server.threads < 2) {
    return Err(InvalidArgumentError("server.threads must be >= 2 and server.max_in_flight >= 1")
                   .WithField("server.threads"));
  }
  return c;
}

Result<Config> LoadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Err(NotFoundError(fmt::format("cannot read config file {}", path)));
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseConfig(ss.str(), path);
}

Status ResolveSecrets(Config& config, const char* (*getenv_fn)(const char*)) {
  if (storage::UriHasPassword(config.storage.uri)) {
    return InvalidArgumentError(
               "the database URI must not contain a password: set KYCLOUD_DB_PASSWORD or "
               "storage.password_file")
        .WithField("storage.uri");
  }
  if (const char* pw = getenv_fn("KYCLOUD_DB_PASSWORD"); pw && *pw) {
    config.storage.password = pw;
  } else if (!config.storage_password_file.empty()) {
    std::ifstream in(config.storage_password_file);
    std::string pw_line;
    if (!in || !std::getline(in, pw_line)) {
      return NotFoundError(
                 fmt::format("cannot read storage.password_file {}", config.storage_password_file))
          .WithField("storage.password_file");
    }
    config.storage.password = pw_line;
  }
  return OkStatus();
}

}  // namespace kycloud::app
