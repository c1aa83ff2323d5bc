#include "kycloud/cip/ip_geolocator.h"

#include <fmt/format.h>
#include <maxminddb.h>

#include <filesystem>

namespace kycloud::cip {

struct IpGeolocator::Db {
  MMDB_s mmdb;
  ~Db() { MMDB_close(&mmdb); }
};

Result<std::unique_ptr<IpGeolocator>> IpGeolocator::Open(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return Err(NotFoundError(fmt::format("{}: no IP geolocation database", path)));
  }
  auto g = std::unique_ptr<IpGeolocator>(new IpGeolocator());
  g->db_ = std::make_unique<Db>();
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &g->db_->mmdb);
  if (status != MMDB_SUCCESS) {
    g->db_.release();  // nothing to close
    return Err(InvalidArgumentError(
        fmt::format("{}: not a MaxMind DB file ({})", path, MMDB_strerror(status))));
  }
  g->type_ = g->db_->mmdb.metadata.database_type ? g->db_->mmdb.metadata.database_type : "";
  g->path_ = path;
  return g;
}

IpGeolocator::~IpGeolocator() = default;

Result<std::string> IpGeolocator::Country(std::string_view ip) const {
  int gai_error = 0, mmdb_error = 0;
  const std::string text(ip);
  MMDB_lookup_result_s r = MMDB_lookup_string(&db_->mmdb, text.c_str(), &gai_error, &mmdb_error);
  if (gai_error != 0) {
    return Err(InvalidArgumentError(fmt::format("'{}' is not an IP address", ip)));
  }
  if (mmdb_error != MMDB_SUCCESS || !r.found_entry) return std::string();
  MMDB_entry_data_s data;
  if (MMDB_get_value(&r.entry, &data, "country_code", nullptr) == MMDB_SUCCESS && data.has_data &&
      data.type == MMDB_DATA_TYPE_UTF8_STRING) {
    return std::string(data.utf8_string, data.data_size);
  }
  if (MMDB_get_value(&r.entry, &data, "country", "iso_code", nullptr) == MMDB_SUCCESS &&
      data.has_data && data.type == MMDB_DATA_TYPE_UTF8_STRING) {
    return std::string(data.utf8_string, data.data_size);
  }
  return std::string();
}

Timestamp IpGeolocator::build_time() const {
  return Timestamp(std::chrono::seconds(db_->mmdb.metadata.build_epoch));
}

}  // namespace kycloud::cip
