// An account's outbound web identity token issuer (model::OutboundFederation): its URL, under
// the server's own address, and the keys that sign its tokens, sealed under the master key with
// the account and the algorithm as associated data (a key cannot be moved to another account's
// record). IAM makes and switches the issuer, STS signs with it, and the issuer's discovery
// endpoint (outbound_issuer_endpoint.h) publishes its public keys. Pure functions, but for the
// randomness NewOutboundFederation draws; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/random.h"
#include "core/status.h"
#include "federation/jwt_signer.h"
#include "model/federation_entities.h"

namespace gatehouse::services {

// The issuers' URLs are BASE + kOutboundIssuerPath + ISSUER-ID; their OpenID Connect discovery
// documents are that + "/.well-known/openid-configuration", their keys "/.well-known/jwks.json".
inline constexpr std::string_view kOutboundIssuerPath = "/outbound-federation/";

std::string OutboundIssuerUrl(std::string_view base_url, std::string_view issuer_id);

// A new, enabled issuer for `account_id`: a random id and a new key for each algorithm.
Result<model::OutboundFederation> NewOutboundFederation(std::string_view account_id,
                                                        std::string_view master_key, Random& random,
                                                        int64_t now_ms);

// The signer of `alg` of `issuer`, its key opened with `master_key`; InternalFailure when the key
// does not open (another master key, a record altered in the database).
Result<federation::JwtSigner> OutboundSigner(const model::OutboundFederation& issuer,
                                             federation::SigningAlgorithm alg,
                                             std::string_view master_key);

}  // namespace gatehouse::services
