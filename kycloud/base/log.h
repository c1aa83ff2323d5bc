// Logging for kycloud: text lines for the CLI, JSON lines for the service, always to stderr
// (stdout carries results). Backed by spdlog; callers use the macros below only.
//
//   KY_LOG_INFO("loaded {} entries from {}", n, path);
//   KY_LOG_EVENT(kInfo, "request", {{"route", route}, {"status", "200"}});
//
// Secrets and PII must never be passed to the logger.
// Thread-safety: all functions are safe to call from any thread; Init() should be called once at
// start-up before other threads log.
#pragma once

#include <fmt/format.h>

#include <initializer_list>
#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud::log {

enum class Level { kTrace = 0, kDebug, kInfo, kWarn, kError, kOff };
enum class Format { kText, kJson };

struct LogOptions {
  // Lowest level written. Default: info.
  Level level = Level::kInfo;
  // kText: "2026-11-22T10:00:00.123Z I file.cc:12] message k=v"; kJson: one JSON object a line.
  // Default: text (the service switches to JSON).
  Format format = Format::kText;
};

struct Field {
  std::string_view key;
  std::string value;
};

// Replaces the process-wide logger configuration.
void Init(const LogOptions& options);
bool Enabled(Level level);
void Write(Level level, const char* file, int line, std::string_view message,
           std::initializer_list<Field> fields = {});

// "trace", "debug", "info", "warn", "error", "off".
Result<Level> ParseLevel(std::string_view text);
Result<Format> ParseFormat(std::string_view text);

// Escapes `text` as the inside of a JSON string (no quotes added); invalid UTF-8 becomes U+FFFD.
void AppendJsonEscaped(std::string& out, std::string_view text);

}  // namespace kycloud::log

#define KY_LOG_AT_(lvl, ...)                                                      \
  do {                                                                            \
    if (::kycloud::log::Enabled(lvl))                                             \
      ::kycloud::log::Write(lvl, __FILE__, __LINE__, ::fmt::format(__VA_ARGS__)); \
  } while (0)

#define KY_LOG_DEBUG(...) KY_LOG_AT_(::kycloud::log::Level::kDebug, __VA_ARGS__)
#define KY_LOG_INFO(...) KY_LOG_AT_(::kycloud::log::Level::kInfo, __VA_ARGS__)
#define KY_LOG_WARN(...) KY_LOG_AT_(::kycloud::log::Level::kWarn, __VA_ARGS__)
#define KY_LOG_ERROR(...) KY_LOG_AT_(::kycloud::log::Level::kError, __VA_ARGS__)

// A structured event: a fixed message and key/value fields.
#define KY_LOG_EVENT(lvl, message, ...)                                                            \
  do {                                                                                             \
    if (::kycloud::log::Enabled(::kycloud::log::Level::lvl))                                       \
      ::kycloud::log::Write(::kycloud::log::Level::lvl, __FILE__, __LINE__, message, __VA_ARGS__); \
  } while (0)
