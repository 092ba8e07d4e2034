#include "services/outbound_issuer.h"

#include <optional>

#include "core/crypto.h"

namespace gatehouse::services {
namespace {

using federation::SigningAlgorithm;

std::string KeyAad(std::string_view account_id, SigningAlgorithm alg) {
  return "outbound-federation/" + std::string(account_id) + "/" +
         std::string(federation::SigningAlgorithmName(alg));
}

const std::string& SealedKey(const model::OutboundFederation& issuer, SigningAlgorithm alg) {
  return alg == SigningAlgorithm::kRs256 ? issuer.sealed_rsa_key : issuer.sealed_ec_key;
}

Result<std::string> NewSealedKey(std::string_view account_id, SigningAlgorithm alg,
                                 std::string_view master_key, Random& random) {
  Result<std::string> pem = federation::GenerateSigningKey(alg);
  if (!pem.ok()) return pem.status();
  return HexEncode(Seal(master_key, *pem, KeyAad(account_id, alg), random.Bytes(12)));
}

}  // namespace

std::string OutboundIssuerUrl(std::string_view base_url, std::string_view issuer_id) {
  std::string url(base_url);
  while (url.ends_with('/')) url.pop_back();
  return url + std::string(kOutboundIssuerPath) + std::string(issuer_id);
}

Result<model::OutboundFederation> NewOutboundFederation(std::string_view account_id,
                                                        std::string_view master_key, Random& random,
                                                        int64_t now_ms) {
  model::OutboundFederation issuer;
  issuer.account_id = std::string(account_id);
  issuer.issuer_id = random.Uuid();
  issuer.enabled = true;
  issuer.created_ms = now_ms;
  Result<std::string> rsa = NewSealedKey(account_id, SigningAlgorithm::kRs256, master_key, random);
  if (!rsa.ok()) return rsa.status();
  Result<std::string> ec = NewSealedKey(account_id, SigningAlgorithm::kEs384, master_key, random);
  if (!ec.ok()) return ec.status();
  issuer.sealed_rsa_key = std::move(rsa).value();
  issuer.sealed_ec_key = std::move(ec).value();
  return issuer;
}

Result<federation::JwtSigner> OutboundSigner(const model::OutboundFederation& issuer,
                                             SigningAlgorithm alg, std::string_view master_key) {
  std::optional<std::string> sealed = HexDecode(SealedKey(issuer, alg));
  std::optional<std::string> pem =
      sealed ? Open(master_key, *sealed, KeyAad(issuer.account_id, alg)) : std::nullopt;
  if (!pem) {
    return Status(ErrorCode::kInternalFailure, "the outbound issuer's signing key of account " +
                                                   issuer.account_id +
                                                   " does not open with this server's master key");
  }
  return federation::JwtSigner::FromPem(alg, *pem);
}

}  // namespace gatehouse::services
