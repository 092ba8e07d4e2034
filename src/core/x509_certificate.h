// X.509 certificates as IAM takes them: PEM text holding one certificate (a user's signing
// certificate, a server certificate's body) or several (a server certificate's chain), and the
// check that a private key is the certificate's own. Each certificate is kept as OpenSSL writes
// it back (canonical PEM), with what IAM shows or decides on. Stateless; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace gatehouse {

struct PemCertificate {
  std::string pem;         // "-----BEGIN CERTIFICATE-----\n…", as OpenSSL writes it
  std::string sha256_hex;  // of the DER encoding: the same certificate, however it was spelled
  int64_t not_before_ms = 0;
  int64_t not_after_ms = 0;
  std::string subject;  // RFC 2253 names
  std::string issuer;
  std::string der;
};

// The one certificate `text` holds (surrounding whitespace ignored). MalformedCertificate when it
// holds anything else: no PEM certificate, a damaged one, or more than one.
Result<PemCertificate> ParsePemCertificate(std::string_view text);

// The certificates `text` holds, in order (at least one); MalformedCertificate otherwise.
Result<std::vector<PemCertificate>> ParsePemCertificates(std::string_view text);

// Whether `child`'s signature verifies under `parent`'s public key.
bool CertificateIssuedBy(const PemCertificate& child, const PemCertificate& parent);

// Ok when `private_key_pem` is an unencrypted PEM private key whose public half is `cert`'s;
// MalformedCertificate when it is not a private key, KeyPairMismatch when it is another's.
Status CheckCertificateKey(const PemCertificate& cert, std::string_view private_key_pem);

}  // namespace gatehouse
