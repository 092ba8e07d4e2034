#include "services/sts/session_key_ring.h"

#include <chrono>
#include <mutex>

#include "core/crypto.h"

namespace gatehouse::services::sts {
namespace {

std::string Aad(const model::SessionKey& key) { return "session-key/" + key.Key(); }

}  // namespace

std::optional<std::string> SessionKeyRing::OpenKey(const model::SessionKey& key) const {
  std::optional<std::string> sealed = HexDecode(key.sealed_key);
  if (!sealed) return std::nullopt;
  return Open(master_key_, *sealed, Aad(key));
}

Result<std::pair<uint32_t, std::string>> SessionKeyRing::Current(int64_t now_ms) {
  {
    std::shared_lock lock(mu_);
    if (current_created_ms_ >= 0 && now_ms - current_created_ms_ < rotation_ms_) {
      return std::make_pair(current_id_, opened_.at(current_id_));
    }
  }
  std::unique_lock lock(mu_);
  if (current_created_ms_ < 0 || now_ms - current_created_ms_ >= rotation_ms_) {
    // The newest key in the store (another server, or this one before a restart, made it).
    for (const auto& key : state_.directory().Scan<model::SessionKey>("")) {
      if (key->created_ms <= current_created_ms_ || now_ms - key->created_ms >= rotation_ms_) {
        continue;
      }
      std::optional<std::string> opened = OpenKey(*key);
      if (!opened) continue;  // sealed under another master key
      opened_[key->id] = std::move(*opened);
      current_id_ = key->id;
      current_created_ms_ = key->created_ms;
    }
    if (current_created_ms_ < 0 || now_ms - current_created_ms_ >= rotation_ms_) {
      if (Status s = Rotate(now_ms); !s.ok()) return s;
    }
  }
  return std::make_pair(current_id_, opened_.at(current_id_));
}

Status SessionKeyRing::Rotate(int64_t now_ms) {
  model::SessionKey key;
  uint8_t id_bytes[4];
  random_.Fill(id_bytes, sizeof(id_bytes));
  key.id = (uint32_t{id_bytes[0]} << 24) | (uint32_t{id_bytes[1]} << 16) |
           (uint32_t{id_bytes[2]} << 8) | id_bytes[3];
  key.created_ms = now_ms;
  std::string bytes = random_.Bytes(kSealKeySize);
  key.sealed_key = HexEncode(Seal(master_key_, bytes, Aad(key), random_.Bytes(12)));
  store::WriteBatch batch;
  batch.writes.push_back(store::Put<model::SessionKey>{key, /*create=*/true});
  // A key older than a rotation period plus the longest session seals nothing still valid.
  for (const auto& old : state_.directory().Scan<model::SessionKey>("")) {
    if (now_ms - old->created_ms > rotation_ms_ + kMaxSessionMs) {
      batch.writes.push_back(store::Erase<model::SessionKey>::Of(*old));
      opened_.erase(old->id);
    }
  }
  if (Status s = state_.Commit(batch); !s.ok()) return s;
  opened_[key.id] = std::move(bytes);
  current_id_ = key.id;
  current_created_ms_ = now_ms;
  return Status::Ok();
}

std::optional<std::string> SessionKeyRing::Find(uint32_t id) const {
  {
    std::shared_lock lock(mu_);
    auto it = opened_.find(id);
    if (it != opened_.end()) return it->second;
  }
  if (std::optional<std::string> key = FindInDirectory(id)) return key;
  // Another instance may have made the key a moment ago: catch up with the store, then look
  // again — also when this catch-up found nothing new, since the change follower may have
  // applied the key in the meantime. A failed catch-up (the database away) leaves the
  // directory as it was.
  if (!catch_up_.CatchUp(state_)) return std::nullopt;
  return FindInDirectory(id);
}

std::optional<std::string> SessionKeyRing::FindInDirectory(uint32_t id) const {
  model::SessionKey probe;
  probe.id = id;
  std::shared_ptr<const model::SessionKey> key =
      state_.directory().Get<model::SessionKey>(probe.Key());
  if (key == nullptr) return std::nullopt;
  std::optional<std::string> opened = OpenKey(*key);
  if (!opened) return std::nullopt;
  std::unique_lock lock(mu_);
  opened_[id] = *opened;
  return opened;
}

}  // namespace gatehouse::services::sts
