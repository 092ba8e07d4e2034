// The signing keys of an OpenID Connect provider, as AssumeRoleWithWebIdentity needs them:
// https://URL/.well-known/openid-configuration names its `jwks_uri`, whose JSON Web Key Set is
// fetched over verified TLS (https_fetch.h) and cached. A certificate no trusted CA vouches for
// is accepted when one the server presents has a thumbprint the IAM provider lists, and then only
// over a connection verified with that certificate as the anchor: a thumbprint is public, so it
// must never stand in for the verification itself.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "federation/https_fetch.h"
#include "federation/jwk_set.h"

namespace gatehouse::federation {

// An IAM OpenID Connect provider as the key fetch needs it.
struct OidcProviderRef {
  std::string url;                       // as IAM keeps it: "issuer.example.com/path"
  std::vector<std::string> thumbprints;  // lower-case hex SHA-1
};

// AWS's answer when the provider's certificate is neither from a trusted CA nor listed.
inline constexpr char kThumbprintMismatch[] =
    "OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint";

class OidcKeySource {
 public:
  virtual ~OidcKeySource() = default;
  // The provider's keys: cached, or fetched. `refresh` asks for a fetch even when cached keys
  // are fresh (the token names a key they lack); the source may decline when it fetched very
  // recently, so that tokens naming made-up keys cannot make it hammer the provider.
  // IDPCommunicationError when the provider cannot be reached or answers nonsense;
  // InvalidIdentityToken when its certificate is not trusted.
  virtual Result<JwkSet> Keys(const OidcProviderRef& provider, bool refresh) = 0;
};

class OidcKeyFetcher final : public OidcKeySource {
 public:
  struct Options {
    FetchOptions fetch;                    // extra CA bundle, timeout, size cap
    std::chrono::seconds cache_for{3600};  // how long fetched keys are used
    std::chrono::seconds min_refetch{10};  // no provider is fetched more often than this
    std::function<int64_t()> now_ms;       // the clock (milliseconds since the epoch)
  };
  explicit OidcKeyFetcher(Options options) : options_(std::move(options)) {}

  Result<JwkSet> Keys(const OidcProviderRef& provider, bool refresh) override;

 private:
  // One provider's cache; its lock is held while it is fetched, so that concurrent requests
  // for one provider wait for one fetch instead of each making their own.
  struct Entry {
    std::mutex mu;
    std::optional<JwkSet> keys;
    int64_t fetched_ms = 0;
    int64_t attempted_ms = 0;  // the last fetch, whatever came of it
    int64_t refreshed_ms = 0;  // the last fetch made while the keys were still fresh
    Status last_failure;
  };
  std::shared_ptr<Entry> EntryFor(const OidcProviderRef& provider);
  Result<JwkSet> Fetch(const OidcProviderRef& provider) const;
  Result<std::string> Get(const std::string& url, const OidcProviderRef& provider) const;

  Options options_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>> entries_;  // by URL and thumbprints
};

}  // namespace gatehouse::federation
