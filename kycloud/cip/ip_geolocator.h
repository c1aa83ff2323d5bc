// IpGeolocator: IP address -> country (ISO 3166-1 alpha-2) from a MaxMind DB file (.mmdb) through
// libmaxminddb — MaxMind GeoIP2/GeoLite2 Country, DB-IP, or the bundled ip-location-db file
// (data/geo/PROVENANCE.md). Reads `country.iso_code` (MaxMind layout) or `country_code`
// (ip-location-db layout).
//
// Thread-safety: lookups are safe from many threads (the database is memory-mapped, read-only).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"
#include "kycloud/base/time.h"

namespace kycloud::cip {

class IpGeolocator {
 public:
  // Errors: NotFound (no file), InvalidArgument (not a MaxMind DB file).
  static Result<std::unique_ptr<IpGeolocator>> Open(const std::string& path);
  ~IpGeolocator();
  IpGeolocator(const IpGeolocator&) = delete;
  IpGeolocator& operator=(const IpGeolocator&) = delete;

  // The country of `ip` ("" when the database has none). Errors: InvalidArgument for text that
  // is not an IPv4 or IPv6 address.
  Result<std::string> Country(std::string_view ip) const;

  Timestamp build_time() const;  // when the database was built (its metadata)
  const std::string& database_type() const { return type_; }
  const std::string& path() const { return path_; }

 private:
  IpGeolocator() = default;
  struct Db;
  std::unique_ptr<Db> db_;
  std::string type_, path_;
};

}  // namespace kycloud::cip
