// The public side of the accounts' outbound token issuers: for an issuer URL
// BASE/outbound-federation/ID (services/outbound_issuer.h), GET of
// ID/.well-known/openid-configuration answers its OpenID Connect discovery document and
// ID/.well-known/jwks.json its public keys, unauthenticated, as external services fetch them to
// verify the tokens of GetWebIdentityToken. A disabled issuer still publishes its keys (the tokens
// issued before stay verifiable); an unknown one is 404.
// Issuer ids are looked up in an index built from the directory. A miss rebuilds it, after
// catching up with the store (another instance may have just enabled the issuer), at most once
// per kRebuildEveryMs, so that made-up ids cost a scan of memory no more often than that.
// Each issuer's key set is computed once per key pair and kept. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "core/http_message.h"
#include "store/catch_up_limiter.h"
#include "store/directory.h"

namespace gatehouse::services {

class OutboundIssuerEndpoint {
 public:
  static constexpr int64_t kRebuildEveryMs = 1000;

  // `base_url` as IamContext::base_url: the address the issuers' URLs name.
  OutboundIssuerEndpoint(store::State& state, std::string master_key,
                         std::function<std::string()> base_url,
                         int64_t rebuild_every_ms = kRebuildEveryMs)
      : state_(state),
        master_key_(std::move(master_key)),
        base_url_(std::move(base_url)),
        rebuild_(rebuild_every_ms) {}

  // Whether `request` is for an issuer (its path starts with kOutboundIssuerPath).
  static bool Handles(const HttpRequest& request);
  HttpResponse Handle(const HttpRequest& request);

 private:
  struct KeySet {
    std::string sealed_keys;  // the record's two sealed keys, which the document was made of
    std::string document;
  };

  std::shared_ptr<const model::OutboundFederation> FindIssuer(std::string_view issuer_id);
  std::optional<std::string> IndexedAccount(std::string_view issuer_id);
  void RebuildIndex();
  HttpResponse Discovery(const model::OutboundFederation& issuer) const;
  HttpResponse Keys(const model::OutboundFederation& issuer);

  store::State& state_;
  const std::string master_key_;
  const std::function<std::string()> base_url_;
  store::CatchUpLimiter rebuild_;
  std::mutex mu_;
  std::map<std::string, std::string, std::less<>> accounts_;  // issuer id → account
  std::map<std::string, KeySet, std::less<>> key_sets_;       // account → its published keys
};

}  // namespace gatehouse::services
