// SigningKeyCache: the SigV4 signing key (four chained HMACs of the secret, the date, the
// region and the service) derived once per access key and day instead of on every request.
// An entry remembers the secret it was derived from, so a changed secret never reuses a stale
// key. Bounded; thread-safe (one mutex; the critical sections are a hash lookup).
#pragma once

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/crypto.h"

namespace gatehouse::auth {

class SigningKeyCache {
 public:
  explicit SigningKeyCache(size_t max_entries = 65536) : max_entries_(max_entries) {}

  // The key for (secret, date YYYYMMDD, region, service), from the cache when possible.
  Sha256Digest Get(std::string_view access_key_id, std::string_view secret, std::string_view date,
                   std::string_view region, std::string_view service);

  // Derives the key without caching.
  static Sha256Digest Derive(std::string_view secret, std::string_view date,
                             std::string_view region, std::string_view service);

 private:
  struct Entry {
    std::string secret;
    Sha256Digest key;
  };
  const size_t max_entries_;
  std::mutex mu_;
  std::unordered_map<std::string, Entry> entries_;  // "akid/date/region/service"
};

}  // namespace gatehouse::auth
