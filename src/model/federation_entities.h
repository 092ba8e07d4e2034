// The IAM identity providers an account trusts for federation (OpenID Connect and SAML 2.0), the
// record of a SAML assertion's use that keeps it from being used twice, and the account's own
// issuer of outbound web identity tokens. Plain immutable
// values; each has a `Key()` under which the store and the directory keep it (see
// store/record_kinds.def). Timestamps are milliseconds since the epoch.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/entities.h"
#include "model/iam_entities.h"

namespace gatehouse::model {

// An OpenID Connect provider: tokens whose `iss` is https://URL, for one of the audiences
// (client ids), are accepted by AssumeRoleWithWebIdentity. `url` is kept as IAM shows it:
// without "https://", host lower-cased, no trailing '/'.
struct OidcProvider {
  std::string account_id;
  std::string url;
  std::vector<std::string> client_ids;   // in the order added; unique
  std::vector<std::string> thumbprints;  // 40 lower-case hex digits each (SHA-1 of a CA cert)
  int64_t created_ms = 0;
  std::vector<Tag> tags;

  std::string Arn() const { return "arn:aws:iam::" + account_id + ":oidc-provider/" + url; }
  std::string Key() const { return RecordKey({account_id, url}); }
};

// A private key a SAML provider's assertions may be encrypted to, sealed under the master key
// (its key id as associated data).
struct SamlPrivateKey {
  std::string key_id;
  std::string sealed_pem;  // hex
  int64_t created_ms = 0;
};

// A SAML 2.0 provider: the IdP's metadata document (its entity id and signing certificates),
// the name in its ARN, and how assertions from it are encrypted.
struct SamlProvider {
  std::string account_id;
  std::string name;
  std::string uuid;  // SAMLProviderUUID
  std::string metadata;
  int64_t created_ms = 0;
  int64_t valid_until_ms = 0;
  std::string assertion_encryption_mode;  // "", "Allowed" or "Required"
  std::vector<SamlPrivateKey> private_keys;
  std::vector<Tag> tags;

  std::string Arn() const { return "arn:aws:iam::" + account_id + ":saml-provider/" + name; }
  std::string Key() const { return RecordKey({account_id, name}); }
};

// A SAML assertion already exchanged for credentials, kept until it expires: `key` is the
// SHA-256 (hex) of its issuer and ID, so that replaying it is refused on every instance.
struct UsedAssertion {
  std::string key;
  int64_t expires_ms = 0;

  std::string Key() const { return key; }
};

// The account's outbound identity federation (EnableOutboundWebIdentityFederation): the issuer
// its web identity tokens (STS GetWebIdentityToken) name, and the two keys that sign them (RS256
// and ES384), each a PKCS #8 PEM private key sealed under the server's master key (hex). The
// record outlives DisableOutboundWebIdentityFederation, so that the issuer keeps publishing the
// keys that verify the tokens issued before, and enabling the feature again keeps the issuer.
struct OutboundFederation {
  std::string account_id;
  std::string issuer_id;  // random: the last segment of the issuer URL
  bool enabled = false;
  std::string sealed_rsa_key;
  std::string sealed_ec_key;
  int64_t created_ms = 0;

  std::string Key() const { return RecordKey({account_id}); }
};

}  // namespace gatehouse::model
