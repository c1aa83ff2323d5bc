#include "kycloud/audit/checkpoint.h"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <vector>

namespace kycloud::audit {

namespace {

constexpr std::string_view kDash = "\xe2\x80\x94 ";  // "— "

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

std::string CheckpointBody(const Checkpoint& c) {
  std::string root(reinterpret_cast<const char*>(c.root.data()), c.root.size());
  return fmt::format("{}\n{}\n{}\ntime {}\n", c.origin, c.size, Base64Encode(root),
                     FormatRfc3339(c.time));
}

Result<std::string> SignCheckpoint(const Checkpoint& c, const SigningKey& key) {
  std::string body = CheckpointBody(c);
  KY_ASSIGN_OR_RETURN(std::string sig, key.Sign(body));
  std::uint32_t id = key.key_id();
  std::string blob;
  for (int shift : {24, 16, 8, 0}) blob.push_back(static_cast<char>((id >> shift) & 0xff));
  blob += sig;
  return fmt::format("{}\n{}{} {}\n", body, kDash, key.name(), Base64Encode(blob));
}

Result<ParsedCheckpoint> ParseCheckpoint(std::string_view note, const VerifierKey* key) {
  size_t split = note.find("\n\n");
  if (split == std::string_view::npos) {
    return Err(InvalidArgumentError("checkpoint: no blank line before the signatures"));
  }
  std::string_view body = note.substr(0, split + 1);
  auto lines = SplitLines(body);
  if (lines.size() < 3) {
    return Err(InvalidArgumentError("checkpoint: needs origin, size and root lines"));
  }
  ParsedCheckpoint out;
  out.checkpoint.origin = std::string(lines[0]);
  auto [p, ec] =
      std::from_chars(lines[1].data(), lines[1].data() + lines[1].size(), out.checkpoint.size);
  if (ec != std::errc() || p != lines[1].data() + lines[1].size() || out.checkpoint.size < 0) {
    return Err(InvalidArgumentError("checkpoint line 2: not a tree size"));
  }
  auto root = Base64Decode(lines[2]);
  if (!root.has_value() || root->size() != 32) {
    return Err(InvalidArgumentError("checkpoint line 3: not a base64 SHA-256 root hash"));
  }
  std::memcpy(out.checkpoint.root.data(), root->data(), 32);
  for (size_t i = 3; i < lines.size(); ++i) {
    if (lines[i].starts_with("time ")) {
      auto t = ParseRfc3339(lines[i].substr(5));
      if (!t.has_value()) {
        return Err(InvalidArgumentError(fmt::format("checkpoint line {}: bad time", i + 1)));
      }
      out.checkpoint.time = *t;
    }
  }
  if (key == nullptr) return out;
  auto sig_lines = SplitLines(note.substr(split + 2));
  for (std::string_view line : sig_lines) {
    if (!line.starts_with(kDash)) continue;
    line.remove_prefix(kDash.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos || line.substr(0, sp) != key->name) continue;
    auto blob = Base64Decode(line.substr(sp + 1));
    if (!blob.has_value() || blob->size() != 68) continue;
    std::uint32_t id = 0;
    for (int i = 0; i < 4; ++i) id = (id << 8) | static_cast<unsigned char>((*blob)[i]);
    if (id != key->key_id()) continue;
    if (VerifyEd25519(key->public_key, body, std::string_view(*blob).substr(4))) {
      out.signature_checked = true;
      return out;
    }
  }
  return Err(
      PermissionDeniedError(fmt::format("checkpoint: no valid signature by key '{}'", key->name)));
}

}  // namespace kycloud::audit
