#include "kycloud/lists/source_file.h"

#include "kycloud/base/csv_reader.h"

#include <fmt/format.h>
#include <zlib.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace kycloud::lists {

Result<std::string> Gunzip(std::string_view data, std::string_view origin) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return Err(InternalError("inflateInit2 failed"));
  std::string out;
  out.resize(std::max<size_t>(data.size() * 4, 1 << 16));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  int rc = Z_OK;
  size_t produced = 0;
  while (rc != Z_STREAM_END) {
    if (produced == out.size()) {
      if (out.size() >= kMaxDecompressedBytes) {
        inflateEnd(&zs);
        return Err(DataLossError(fmt::format("{}: decompresses to more than {} MiB", origin,
                                             kMaxDecompressedBytes >> 20)));
      }
      out.resize(std::min(out.size() * 2, kMaxDecompressedBytes));
    }
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + produced);
    zs.avail_out = static_cast<uInt>(out.size() - produced);
    rc = inflate(&zs, Z_NO_FLUSH);
    produced = out.size() - zs.avail_out;
    if (rc == Z_STREAM_END && zs.avail_in > 0) {  // concatenated gzip members
      inflateReset(&zs);
      rc = Z_OK;
      continue;
    }
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&zs);
      return Err(DataLossError(
          fmt::format("{}: corrupt gzip data ({})", origin, zs.msg ? zs.msg : "truncated")));
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Err(DataLossError(fmt::format("{}: gzip data ends early", origin)));
    }
  }
  inflateEnd(&zs);
  out.resize(produced);
  return out;
}

Result<std::string> ReadListFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Err(NotFoundError(fmt::format("cannot read {}", path)));
  std::ostringstream ss;
  ss << in.rdbuf();
  std::string data = ss.str();
  if (data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
      static_cast<unsigned char>(data[1]) == 0x8b) {
    return Gunzip(data, path);
  }
  return data;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xe  ? 3
                 : (c >> 3) == 0x1e ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    if (len == 2 && c < 0xc2) return false;  // overlong
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xc0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

namespace {

// Windows-1252 0x80..0x9F; other bytes >= 0xA0 map to the same code point (Latin-1).
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

}  // namespace

std::string ToCleanUtf8(std::string text) {
  if (text.size() >= 3 && text.compare(0, 3, "\xef\xbb\xbf") == 0) text.erase(0, 3);
  while (!text.empty() && (text.back() == '\x1a' || text.back() == '\n' || text.back() == '\r')) {
    if (text.back() == '\x1a') {
      text.pop_back();
    } else {
      break;
    }
  }
  if (auto pos = text.rfind('\x1a'); pos != std::string::npos) {
    // An end marker followed only by line ends.
    if (text.find_first_not_of("\r\n", pos + 1) == std::string::npos) text.erase(pos);
  }
  if (IsValidUtf8(text)) return text;
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (unsigned char c : text) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0xa0) {
      AppendUtf8(out, kCp1252High[c - 0x80]);
    } else {
      AppendUtf8(out, c);
    }
  }
  return out;
}

std::string_view Trim(std::string_view s) { return TrimSpace(s); }

}  // namespace kycloud::lists
