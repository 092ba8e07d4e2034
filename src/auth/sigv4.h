// AWS Signature Version 4 verification, for the Authorization header and for presigned query
// strings. Verification is split in two so the caller can look the access key up between them:
//   1. ParseSignature reads what the request claims (key id, scope, signed headers, signature,
//      time) or fails with MissingAuthenticationToken / IncompleteSignature;
//   2. VerifySignature checks the time (AWS's 15-minute skew, a presigned URL's expiry) and
//      recomputes the signature with the secret of that key.
// Canonicalization follows AWS's rules for services other than S3: normalized, re-encoded path;
// decoded (core/uri.h's one decoding, as routing reads it), re-encoded and sorted query; trimmed
// header values; the payload hash always of the body as received: an x-amz-content-sha256
// header must be signed and equal it (UNSIGNED-PAYLOAD is refused), so that no byte of the body
// escapes the signature. Pure except for the optional signing-key cache; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/http_request.h"
#include "auth/signing_key_cache.h"
#include "core/status.h"

namespace gatehouse::auth {

inline constexpr int64_t kMaxClockSkewSeconds = 15 * 60;
inline constexpr int64_t kMaxPresignedExpirySeconds = 7 * 24 * 3600;

struct SignatureClaim {
  bool presigned = false;
  std::string access_key_id;
  std::string date;  // YYYYMMDD of the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;    // lowercase, as listed
  std::string signature;                      // hex
  std::string amz_date;                       // YYYYMMDD'T'HHMMSS'Z'
  int64_t amz_time = 0;                       // amz_date as epoch seconds
  int64_t expires_seconds = 0;                // presigned only
  std::optional<std::string> security_token;  // X-Amz-Security-Token

  std::string Scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

Result<SignatureClaim> ParseSignature(const HttpRequestView& request);

// The canonical request and string to sign, as AWS defines them (exposed for tests and for
// explaining a mismatch).
std::string CanonicalRequest(const HttpRequestView& request, const SignatureClaim& claim);
std::string StringToSign(const SignatureClaim& claim, std::string_view canonical_request);

// Checks time and signature. `cache` may be null.
Status VerifySignature(const HttpRequestView& request, const SignatureClaim& claim,
                       std::string_view secret, int64_t now_epoch_seconds, SigningKeyCache* cache);

}  // namespace gatehouse::auth
