#include "federation/oidc_keys.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace gatehouse::federation {
namespace {

// Entries are few (one per registered provider); past this many the cache starts over rather
// than grow with thumbprint lists changed over and over.
constexpr size_t kMaxEntries = 10000;

Status Unreachable() {
  return Status(ErrorCode::kIdpCommunicationError, std::string(kNoVerificationKeyMessage));
}

std::string CacheKey(const OidcProviderRef& provider) {
  std::string key = provider.url;
  for (const std::string& t : provider.thumbprints) key += "|" + t;
  return key;
}

// The https `jwks_uri` of a discovery document; nullopt when it has none.
std::optional<std::string> JwksUri(const std::string& discovery) {
  nlohmann::json doc = nlohmann::json::parse(discovery, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return std::nullopt;
  auto it = doc.find("jwks_uri");
  if (it == doc.end() || !it->is_string()) return std::nullopt;
  std::string uri = it->get<std::string>();
  if (!uri.starts_with("https://")) return std::nullopt;
  return uri;
}

}  // namespace

std::shared_ptr<OidcKeyFetcher::Entry> OidcKeyFetcher::EntryFor(const OidcProviderRef& provider) {
  std::lock_guard lock(mu_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  std::shared_ptr<Entry>& entry = entries_[CacheKey(provider)];
  if (!entry) entry = std::make_shared<Entry>();
  return entry;
}

Result<JwkSet> OidcKeyFetcher::Keys(const OidcProviderRef& provider, bool refresh) {
  std::shared_ptr<Entry> entry = EntryFor(provider);
  std::lock_guard lock(entry->mu);
  const int64_t now = options_.now_ms();
  const int64_t min_refetch_ms = options_.min_refetch.count() * 1000;
  const bool fresh = entry->keys && now - entry->fetched_ms < options_.cache_for.count() * 1000;
  if (fresh && !refresh) return *entry->keys;
  // Tokens naming unknown keys get one fetch per interval, however many arrive.
  if (fresh && now - entry->refreshed_ms < min_refetch_ms) return *entry->keys;
  // A provider that just failed is not asked again at once: its failure stands for a while.
  if (!fresh && !entry->last_failure.ok() && now - entry->attempted_ms < min_refetch_ms) {
    return entry->last_failure;
  }
  entry->attempted_ms = now;
  if (fresh) entry->refreshed_ms = now;
  Result<JwkSet> fetched = Fetch(provider);
  if (!fetched.ok()) {
    entry->last_failure = fetched.status();
    if (entry->keys && !fresh) entry->keys.reset();  // stale keys are not used past their time
    return entry->keys ? Result<JwkSet>(*entry->keys) : fetched;
  }
  entry->keys = *fetched;
  entry->fetched_ms = now;
  entry->last_failure = Status::Ok();
  return fetched;
}

Result<JwkSet> OidcKeyFetcher::Fetch(const OidcProviderRef& provider) const {
  Result<std::string> discovery =
      Get("https://" + provider.url + "/.well-known/openid-configuration", provider);
  if (!discovery.ok()) return discovery.status();
  std::optional<std::string> jwks_uri = JwksUri(*discovery);
  if (!jwks_uri) return Unreachable();
  Result<std::string> jwks = Get(*jwks_uri, provider);
  if (!jwks.ok()) return jwks.status();
  Result<JwkSet> keys = JwkSet::Parse(*jwks);
  if (!keys.ok()) return Unreachable();
  return keys;
}

// `url` over TLS a trusted CA vouches for; failing that, over TLS anchored at the presented
// certificate whose thumbprint the provider lists.
Result<std::string> OidcKeyFetcher::Get(const std::string& url,
                                        const OidcProviderRef& provider) const {
  FetchResult result = HttpsGet(url, options_.fetch);
  if (result.failure == FetchFailure::kNone) return std::move(result.body);
  spdlog::warn("OpenID Connect provider {}: {}", provider.url, result.error);
  if (result.failure != FetchFailure::kUntrusted) return Unreachable();
  Result<std::vector<std::string>> presented = PresentedCertificates(url, options_.fetch);
  if (!presented.ok()) return Unreachable();
  for (const std::string& pem : *presented) {
    const std::string thumbprint = CertificateThumbprint(pem);
    if (thumbprint.empty() || std::find(provider.thumbprints.begin(), provider.thumbprints.end(),
                                        thumbprint) == provider.thumbprints.end()) {
      continue;
    }
    FetchOptions pinned = options_.fetch;
    pinned.pinned_pem = pem;
    FetchResult anchored = HttpsGet(url, pinned);
    if (anchored.failure == FetchFailure::kNone) return std::move(anchored.body);
    spdlog::warn("OpenID Connect provider {} (thumbprint {}): {}", provider.url, thumbprint,
                 anchored.error);
    if (anchored.failure != FetchFailure::kUntrusted) return Unreachable();
  }
  return Status(ErrorCode::kInvalidIdentityToken, kThumbprintMismatch);
}

}  // namespace gatehouse::federation
