#include "kycloud/base/log.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <mutex>

#include "kycloud/base/clock.h"
#include "kycloud/base/time.h"

namespace kycloud::log {
namespace {

std::atomic<int> g_level{static_cast<int>(Level::kInfo)};
std::atomic<int> g_format{static_cast<int>(Format::kText)};

spdlog::logger& Logger() {
  // spdlog's stderr sink is thread-safe; the pattern is "%v" because lines are pre-formatted.
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = std::make_shared<spdlog::logger>("kycloud",
                                              std::make_shared<spdlog::sinks::stderr_sink_mt>());
    l->set_pattern("%v");
    l->set_level(spdlog::level::trace);
    l->flush_on(spdlog::level::trace);
    return l;
  }();
  return *logger;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kTrace:
      return "trace";
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      return "off";
  }
  return "info";
}

const char* BaseName(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

}  // namespace

void Init(const LogOptions& options) {
  g_level = static_cast<int>(options.level);
  g_format = static_cast<int>(options.format);
  Logger();
}

bool Enabled(Level level) {
  return static_cast<int>(level) >= g_level.load(std::memory_order_relaxed);
}

void Write(Level level, const char* file, int line, std::string_view message,
           std::initializer_list<Field> fields) {
  std::string out;
  out.reserve(128 + message.size());
  std::string ts = FormatRfc3339(SystemClock::Default().Now());
  if (static_cast<Format>(g_format.load()) == Format::kJson) {
    out += "{\"ts\":\"";
    out += ts;
    out += "\",\"level\":\"";
    out += LevelName(level);
    out += "\",\"msg\":\"";
    AppendJsonEscaped(out, message);
    out += "\",\"src\":\"";
    out += BaseName(file);
    out += ':';
    out += std::to_string(line);
    out += '"';
    for (const Field& f : fields) {
      out += ",\"";
      AppendJsonEscaped(out, f.key);
      out += "\":\"";
      AppendJsonEscaped(out, f.value);
      out += '"';
    }
    out += '}';
  } else {
    out += ts;
    out += ' ';
    out += static_cast<char>(std::toupper(LevelName(level)[0]));
    out += ' ';
    out += BaseName(file);
    out += ':';
    out += std::to_string(line);
    out += "] ";
    out.append(message);
    for (const Field& f : fields) {
      out += ' ';
      out.append(f.key);
      out += '=';
      out += f.value;
    }
  }
  Logger().log(spdlog::level::info, "{}", out);
}

Result<Level> ParseLevel(std::string_view text) {
  for (Level l :
       {Level::kTrace, Level::kDebug, Level::kInfo, Level::kWarn, Level::kError, Level::kOff}) {
    if (text == LevelName(l)) return l;
  }
  return Err(InvalidArgumentError(
      fmt::format("unknown log level '{}' (trace, debug, info, warn, error, off)", text)));
}

Result<Format> ParseFormat(std::string_view text) {
  if (text == "text") return Format::kText;
  if (text == "json") return Format::kJson;
  return Err(InvalidArgumentError(fmt::format("unknown log format '{}' (text, json)", text)));
}

void AppendJsonEscaped(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        default:
          if (c < 0x20) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 0xf];
          } else {
            out += static_cast<char>(c);
          }
      }
      ++i;
      continue;
    }
    // Validate one UTF-8 sequence; copy it through or emit U+FFFD.
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    bool valid = len != 0 && i + len <= s.size();
    for (size_t k = 1; valid && k < len; ++k) {
      valid = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
    }
    if (valid) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xef\xbf\xbd";
      ++i;
    }
  }
}

}  // namespace kycloud::log
