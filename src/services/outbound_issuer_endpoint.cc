#include "services/outbound_issuer_endpoint.h"

#include <nlohmann/json.hpp>

#include "services/outbound_issuer.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

constexpr std::string_view kDiscoverySuffix = "/.well-known/openid-configuration";
constexpr std::string_view kKeysSuffix = "/.well-known/jwks.json";
constexpr size_t kIssuerIdLength = 36;  // a UUID, as Random::Uuid spells it

bool LooksLikeIssuerId(std::string_view id) {
  if (id.size() != kIssuerIdLength) return false;
  for (char ch : id) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || ch == '-')) return false;
  }
  return true;
}

HttpResponse PlainResponse(int status, std::string body) {
  return HttpResponse{status, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)};
}

HttpResponse JsonResponse(std::string body) {
  return HttpResponse{
      200,
      {{"Content-Type", "application/json"}, {"Cache-Control", "public, max-age=300"}},
      std::move(body)};
}

}  // namespace

bool OutboundIssuerEndpoint::Handles(const HttpRequest& request) {
  return std::string_view(request.target).starts_with(kOutboundIssuerPath);
}

HttpResponse OutboundIssuerEndpoint::Handle(const HttpRequest& request) {
  if (request.method != "GET") {
    HttpResponse response = PlainResponse(405, "Method Not Allowed\n");
    response.headers.push_back({"Allow", "GET"});
    return response;
  }
  std::string_view path(request.target);
  path = path.substr(0, path.find('?'));
  path.remove_prefix(kOutboundIssuerPath.size());
  const bool discovery = path.ends_with(kDiscoverySuffix);
  const bool keys = path.ends_with(kKeysSuffix);
  if (discovery) path.remove_suffix(kDiscoverySuffix.size());
  if (keys) path.remove_suffix(kKeysSuffix.size());
  std::shared_ptr<const model::OutboundFederation> issuer;
  if ((discovery || keys) && LooksLikeIssuerId(path)) issuer = FindIssuer(path);
  if (!issuer) return PlainResponse(404, "Not Found\n");
  return discovery ? Discovery(*issuer) : Keys(*issuer);
}

std::shared_ptr<const model::OutboundFederation> OutboundIssuerEndpoint::FindIssuer(
    std::string_view issuer_id) {
  std::optional<std::string> account = IndexedAccount(issuer_id);
  if (!account && rebuild_.CatchUp(state_)) {
    RebuildIndex();
    account = IndexedAccount(issuer_id);
  }
  if (!account) return nullptr;
  auto issuer = state_.directory().Get<model::OutboundFederation>(model::RecordKey({*account}));
  // The index may be older than the record: trust only the record's own id.
  return issuer && issuer->issuer_id == issuer_id ? issuer : nullptr;
}

std::optional<std::string> OutboundIssuerEndpoint::IndexedAccount(std::string_view issuer_id) {
  std::lock_guard lock(mu_);
  auto it = accounts_.find(issuer_id);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

void OutboundIssuerEndpoint::RebuildIndex() {
  std::map<std::string, std::string, std::less<>> accounts;
  for (const auto& issuer : state_.directory().Scan<model::OutboundFederation>("")) {
    accounts[issuer->issuer_id] = issuer->account_id;
  }
  std::lock_guard lock(mu_);
  accounts_ = std::move(accounts);
}

HttpResponse OutboundIssuerEndpoint::Discovery(const model::OutboundFederation& issuer) const {
  const std::string url = OutboundIssuerUrl(base_url_ ? base_url_() : "", issuer.issuer_id);
  json document{{"issuer", url},
                {"jwks_uri", url + std::string(kKeysSuffix)},
                {"response_types_supported", {"id_token"}},
                {"subject_types_supported", {"public"}},
                {"id_token_signing_alg_values_supported", {"RS256", "ES384"}},
                {"claims_supported",
                 {"aud", "exp", "iat", "iss", "jti", "sub", "https://sts.amazonaws.com/"}}};
  return JsonResponse(document.dump());
}

HttpResponse OutboundIssuerEndpoint::Keys(const model::OutboundFederation& issuer) {
  const std::string sealed = issuer.sealed_rsa_key + "|" + issuer.sealed_ec_key;
  {
    std::lock_guard lock(mu_);
    auto it = key_sets_.find(issuer.account_id);
    if (it != key_sets_.end() && it->second.sealed_keys == sealed) {
      return JsonResponse(it->second.document);
    }
  }
  json keys = json::array();
  for (auto alg : {federation::SigningAlgorithm::kRs256, federation::SigningAlgorithm::kEs384}) {
    Result<federation::JwtSigner> signer = OutboundSigner(issuer, alg, master_key_);
    if (!signer.ok()) return PlainResponse(500, "The issuer's keys cannot be read.\n");
    keys.push_back(signer->public_jwk());
  }
  std::string document = json{{"keys", std::move(keys)}}.dump();
  std::lock_guard lock(mu_);
  key_sets_[issuer.account_id] = KeySet{sealed, document};
  return JsonResponse(std::move(document));
}

}  // namespace gatehouse::services
