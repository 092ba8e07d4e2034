#include "auth/signing_key_cache.h"

namespace gatehouse::auth {

Sha256Digest SigningKeyCache::Derive(std::string_view secret, std::string_view date,
                                     std::string_view region, std::string_view service) {
  std::string seed = "AWS4" + std::string(secret);
  Sha256Digest k = HmacSha256(seed, date);
  k = HmacSha256(AsBytes(k), region);
  k = HmacSha256(AsBytes(k), service);
  return HmacSha256(AsBytes(k), "aws4_request");
}

Sha256Digest SigningKeyCache::Get(std::string_view access_key_id, std::string_view secret,
                                  std::string_view date, std::string_view region,
                                  std::string_view service) {
  std::string id;
  id.reserve(access_key_id.size() + date.size() + region.size() + service.size() + 3);
  id.append(access_key_id)
      .append("/")
      .append(date)
      .append("/")
      .append(region)
      .append("/")
      .append(service);
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(id);
    if (it != entries_.end() && ConstantTimeEquals(it->second.secret, secret)) {
      return it->second.key;
    }
  }
  Sha256Digest key = Derive(secret, date, region, service);
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= max_entries_) entries_.clear();  // keys are cheap to derive again
  entries_[std::move(id)] = Entry{std::string(secret), key};
  return key;
}

}  // namespace gatehouse::auth
