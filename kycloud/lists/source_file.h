// Reading list files: whole-file reads with transparent gzip decompression (by magic bytes, so
// "x.csv.gz" and a gzipped file without the suffix both work), and text clean-up shared by every
// parser: a UTF-8 byte-order mark is dropped, text that is not valid UTF-8 is taken as
// Windows-1252 (OFAC's legacy files) and converted, and a trailing 0x1A (DOS end-of-file) is cut.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "kycloud/base/result.h"

namespace kycloud::lists {

// Largest decompressed list file accepted (gzip or a zip member): the biggest official list is
// tens of MB; a larger size is a corrupt or hostile file ("zip bomb").
inline constexpr size_t kMaxDecompressedBytes = size_t{512} << 20;

// The bytes of `path`, gunzipped if they start with the gzip magic. Errors: NotFound,
// DataLoss (corrupt gzip, naming the file).
Result<std::string> ReadListFile(const std::string& path);

// Decompresses gzip data. Errors: DataLoss (corrupt, or larger than kMaxDecompressedBytes).
Result<std::string> Gunzip(std::string_view data, std::string_view origin);

// BOM, encoding and 0x1A clean-up as described above.
std::string ToCleanUtf8(std::string text);

bool IsValidUtf8(std::string_view text);

// Trims ASCII whitespace (and NBSP) at both ends.
std::string_view Trim(std::string_view s);

}  // namespace kycloud::lists
