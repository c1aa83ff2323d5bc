# Every dependency comes from a Debian package (scripts/install-deps installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(tl-expected REQUIRED)          # libexpected-dev
find_package(fmt REQUIRED)                  # libfmt-dev
find_package(spdlog REQUIRED)               # libspdlog-dev
find_package(CLI11 REQUIRED)                # libcli11-dev
find_package(nlohmann_json 3.10 REQUIRED)   # nlohmann-json3-dev
find_package(SQLite3 REQUIRED)              # libsqlite3-dev
find_package(PostgreSQL REQUIRED)           # libpq-dev
find_package(OpenSSL REQUIRED)              # libssl-dev
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)      # libcpp-httplib-dev
pkg_check_modules(TOMLPP REQUIRED IMPORTED_TARGET tomlplusplus)      # libtomlplusplus-dev
pkg_check_modules(PUGIXML REQUIRED IMPORTED_TARGET pugixml)          # libpugixml-dev
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)            # libzip-dev
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)     # libicu-dev
find_package(ZLIB REQUIRED)                                          # zlib1g-dev
find_package(simdjson REQUIRED)                                      # libsimdjson-dev
pkg_check_modules(RDKAFKA REQUIRED IMPORTED_TARGET rdkafka)          # librdkafka-dev
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)         # libsodium-dev
# mimalloc (libmimalloc-dev) replaces malloc in the kycloud binary: glibc's allocator spent a fifth
# of a bulk import's CPU (docs/benchmarks.md). Not with the sanitizers, which bring their own.
if(NOT KYCLOUD_SANITIZE)
  find_package(mimalloc 2.0 REQUIRED)
endif()
pkg_check_modules(MAXMINDDB REQUIRED IMPORTED_TARGET libmaxminddb)   # libmaxminddb-dev
find_library(PHONENUMBER_LIBRARY phonenumber REQUIRED)               # libphonenumber-dev
if(KYCLOUD_BUILD_TESTS)
  find_package(GTest REQUIRED)              # libgtest-dev, libgmock-dev
endif()
if(KYCLOUD_BUILD_BENCH)
  find_package(benchmark REQUIRED)          # libbenchmark-dev
endif()
