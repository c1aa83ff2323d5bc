#include "kycloud/audit/audit_log.h"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

namespace kycloud::audit {

struct AuditLog::Writer {
  std::vector<AuditEvent>* events;
  Result<std::vector<AppendedEntry>> result = std::vector<AppendedEntry>{};
  bool done = false;
  std::condition_variable cv;
};

namespace {

Hash ToHash(const std::string& bytes) {
  Hash h{};
  if (bytes.size() == h.size()) std::memcpy(h.data(), bytes.data(), h.size());
  return h;
}

std::string FromHash(const Hash& h) {
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

constexpr int kMaxRetries = 5;

std::string JsonString(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

AuditLog::AuditLog(storage::AuditStore& store, const Clock& clock, const SigningKey* key,
                   AuditLogOptions options)
    : store_(store), clock_(clock), key_(key), options_(std::move(options)) {
  if (key_) pii_secret_ = key_->DerivedSecret("audit pii digest");
}

std::string AuditLog::PiiDigest(std::string_view value) const {
  if (pii_secret_.empty()) return "sha256:" + Sha256Hex(value);
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), pii_secret_.data(), static_cast<int>(pii_secret_.size()),
       reinterpret_cast<const unsigned char*>(value.data()), value.size(), out, &len);
  return "hmac-sha256:" + HexEncode(std::string_view(reinterpret_cast<char*>(out), len));
}

Result<AppendedEntry> AuditLog::Append(AuditEvent event) {
  std::vector<AuditEvent> events;
  events.push_back(std::move(event));
  KY_ASSIGN_OR_RETURN(auto out, AppendAll(std::move(events)));
  return std::move(out[0]);
}

Result<std::vector<AppendedEntry>> AuditLog::AppendAll(std::vector<AuditEvent> events) {
  for (auto& e : events) {
    if (e.kind.empty()) return Err(InvalidArgumentError("audit event without a kind"));
    // Parsed once here and kept in canonical form (sorted keys, no spaces) for WriteGroup.
    auto parsed = e.data_json.empty()
                      ? nlohmann::json::object()
                      : nlohmann::json::parse(e.data_json, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_object()) {
      return Err(
          InvalidArgumentError(fmt::format("audit event {}: data is not a JSON object", e.kind)));
    }
    e.data_json = parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (events.empty()) return std::vector<AppendedEntry>{};
  Writer w{&events};
  std::unique_lock<std::mutex> lock(mu_);
  queue_.push_back(&w);
  while (!w.done && queue_.front() != &w) w.cv.wait(lock);
  if (w.done) return std::move(w.result);
  // This writer leads: it writes its own events and those queued behind it, up to max_batch.
  std::vector<Writer*> group;
  size_t n = 0;
  for (Writer* p : queue_) {
    if (!group.empty() && n + p->events->size() > options_.max_batch) break;
    group.push_back(p);
    n += p->events->size();
  }
  lock.unlock();
  auto written = WriteGroup(group);
  lock.lock();
  size_t offset = 0;
  for (Writer* p : group) {
    queue_.pop_front();
    if (written.has_value()) {
      auto begin = written->begin() + static_cast<std::ptrdiff_t>(offset);
      p->result = std::vector<AppendedEntry>(
          std::make_move_iterator(begin),
          std::make_move_iterator(begin + static_cast<std::ptrdiff_t>(p->events->size())));
    } else {
      p->result = Err(written.error());
    }
    offset += p->events->size();
    if (p != &w) {
      p->done = true;
      p->cv.notify_one();
    }
  }
  if (!queue_.empty()) queue_.front()->cv.notify_one();
  return std::move(w.result);
}

Status AuditLog::LoadTree() {
  KY_ASSIGN_OR_RETURN(std::int64_t size, store_.Size());
  auto ids = CompactTree::FrontierIds(size);
  KY_ASSIGN_OR_RETURN(HashLookup lookup, FetchLookup(ids));
  std::vector<Hash> hashes;
  for (const NodeId& id : ids) {
    Hash h;
    if (!lookup(id, &h)) {
      return DataLossError(fmt::format(
          "audit log: stored hash of subtree level {} index {} is missing", id.level, id.index));
    }
    hashes.push_back(h);
  }
  tree_ = CompactTree(size, std::move(hashes));
  loaded_ = true;
  return OkStatus();
}

Result<std::vector<AppendedEntry>> AuditLog::WriteGroup(std::vector<Writer*>& group) {
  for (int attempt = 0;; ++attempt) {
    if (!loaded_) KY_TRY(LoadTree());
    CompactTree tree = tree_;
    const std::int64_t start = tree.size();
    Timestamp now = clock_.Now();
    std::string time = FormatRfc3339(now);
    std::vector<AppendedEntry> out;
    std::vector<storage::AuditEntryRecord> records;
    std::vector<storage::AuditNodeRecord> nodes;
    for (Writer* p : group) {
      for (const AuditEvent& e : *p->events) {
        // Keys in sorted order: actor, data, index, kind, time (data is canonical already).
        AppendedEntry a;
        a.index = tree.size();
        a.entry = fmt::format(R"({{"actor":{},"data":{},"index":{},"kind":{},"time":{}}})",
                              JsonString(e.actor), e.data_json, a.index, JsonString(e.kind),
                              JsonString(time));
        a.leaf_hash = LeafHash(a.entry);
        for (const auto& [id, h] : tree.Append(a.leaf_hash)) {
          if (id.level > 0) nodes.push_back({id.level, id.index, FromHash(h)});
        }
        records.push_back({a.index, ToUnixMicros(now), e.kind, a.entry, FromHash(a.leaf_hash)});
        out.push_back(std::move(a));
      }
    }
    Status st = store_.Append(start, records, nodes);
    if (st.ok()) {
      tree_ = std::move(tree);
      return out;
    }
    loaded_ = false;  // another process appended, or the write failed: re-read before retrying
    if (st.reason() != "audit_head_moved" || attempt + 1 >= kMaxRetries) return Err(st);
  }
}

Result<HashLookup> AuditLog::FetchLookup(const std::vector<NodeId>& ids) {
  std::vector<std::pair<int, std::int64_t>> keys;
  keys.reserve(ids.size());
  for (const NodeId& id : ids) keys.push_back({id.level, id.index});
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  KY_ASSIGN_OR_RETURN(auto rows, store_.Nodes(keys));
  auto map = std::make_shared<std::map<NodeId, Hash>>();
  for (const auto& r : rows) (*map)[NodeId{r.level, r.index}] = ToHash(r.hash);
  return HashLookup([map](const NodeId& id, Hash* out) {
    auto it = map->find(id);
    if (it == map->end()) return false;
    *out = it->second;
    return true;
  });
}

Result<TreeHead> AuditLog::Head() {
  KY_ASSIGN_OR_RETURN(std::int64_t size, store_.Size());
  KY_ASSIGN_OR_RETURN(Hash root, RootAt(size));
  return TreeHead{size, root};
}

Result<Hash> AuditLog::RootAt(std::int64_t size) {
  KY_ASSIGN_OR_RETURN(HashLookup lookup, FetchLookup(RootNodes(size)));
  return RootFromLookup(size, lookup);
}

Result<InclusionProofResult> AuditLog::ProveInclusion(std::int64_t index, std::int64_t tree_size) {
  KY_ASSIGN_OR_RETURN(std::int64_t size, store_.Size());
  if (tree_size == 0) tree_size = size;
  if (tree_size < 0 || tree_size > size) {
    return Err(InvalidArgumentError(
                   fmt::format("tree_size {} is beyond the log's {} entries", tree_size, size))
                   .WithField("tree_size"));
  }
  if (index < 0 || index >= tree_size) {
    return Err(InvalidArgumentError(
                   fmt::format("entry {} is not in a tree of {} entries", index, tree_size))
                   .WithField("leaf"));
  }
  KY_ASSIGN_OR_RETURN(HashLookup lookup, FetchLookup(InclusionProofNodes(index, tree_size)));
  KY_ASSIGN_OR_RETURN(auto proof, InclusionProof(index, tree_size, lookup));
  KY_ASSIGN_OR_RETURN(auto entries, store_.Entries(index, index + 1));
  if (entries.empty()) return Err(DataLossError(fmt::format("audit entry {} is missing", index)));
  return InclusionProofResult{index, tree_size, entries[0].entry, ToHash(entries[0].leaf_hash),
                              std::move(proof)};
}

Result<std::vector<Hash>> AuditLog::ProveConsistency(std::int64_t from, std::int64_t to) {
  KY_ASSIGN_OR_RETURN(std::int64_t size, store_.Size());
  if (from < 1 || from > to || to > size) {
    return Err(InvalidArgumentError(
                   fmt::format("need 1 <= from <= to <= {} (the log's size); got from={} to={}",
                               size, from, to))
                   .WithField(from < 1 || from > to ? "from" : "to"));
  }
  KY_ASSIGN_OR_RETURN(HashLookup lookup, FetchLookup(ConsistencyProofNodes(from, to)));
  return ConsistencyProof(from, to, lookup);
}

Result<std::optional<storage::AuditCheckpointRecord>> AuditLog::LatestCheckpoint() {
  return store_.LatestCheckpoint();
}

Result<std::optional<storage::AuditCheckpointRecord>> AuditLog::CheckpointIfDue(bool force) {
  if (!key_) return Err(FailedPreconditionError("no audit signing key configured"));
  std::lock_guard<std::mutex> lock(checkpoint_mu_);
  KY_ASSIGN_OR_RETURN(std::int64_t size, store_.Size());
  KY_ASSIGN_OR_RETURN(auto latest, store_.LatestCheckpoint());
  std::int64_t last_size = latest ? latest->size : 0;
  if (size == 0 || size <= last_size) return std::optional<storage::AuditCheckpointRecord>();
  Timestamp now = clock_.Now();
  bool due = force || size - last_size >= options_.checkpoint_every_entries || !latest ||
             now - FromUnixMicros(latest->created_at_us) >= options_.checkpoint_every;
  if (!due) return std::optional<storage::AuditCheckpointRecord>();
  KY_ASSIGN_OR_RETURN(Hash root, RootAt(size));
  Checkpoint c{options_.origin, size, root, now};
  KY_ASSIGN_OR_RETURN(std::string note, SignCheckpoint(c, *key_));
  storage::AuditCheckpointRecord record{size, FromHash(root), ToUnixMicros(now), note};
  Status st = store_.AddCheckpoint(record);
  if (st.code() == StatusCode::kAlreadyExists) return store_.LatestCheckpoint();  // another node
  KY_TRY(st);
  return std::optional<storage::AuditCheckpointRecord>(record);
}

}  // namespace kycloud::audit
