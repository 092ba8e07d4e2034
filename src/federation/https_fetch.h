// One HTTPS GET for federation's documents (an OpenID provider's discovery document and its
// keys): TLS always verified — against the system's CA store and an optional extra bundle, or
// against one pinned certificate taken as the trust anchor — with a timeout and a cap on the
// answer's size, so that a slow or hostile provider can neither wedge a worker nor fill its
// memory. Redirects are not followed. Thread-safe: each call has its own handle.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace gatehouse::federation {

struct FetchOptions {
  std::string extra_ca_file;  // PEM bundle trusted besides the system's ("": none)
  std::string pinned_pem;     // when set: the only trust anchor (an IAM thumbprint's certificate)
  std::chrono::milliseconds timeout{5000};
  size_t max_bytes = 1 << 20;
};

// Why a fetch failed: the peer's certificate was not trusted (a thumbprint may still vouch for
// it), or anything else (unreachable, timed out, not 200, too large).
enum class FetchFailure { kNone, kUntrusted, kOther };

struct FetchResult {
  FetchFailure failure = FetchFailure::kNone;
  std::string body;
  std::string error;  // what went wrong, for the log (never a secret: the URL is public)
};

// GET `url` (https only).
FetchResult HttpsGet(const std::string& url, const FetchOptions& options);

// The certificates the server at `url` presents, in the order it sends them (its own first), as
// PEM, read without trusting them: only to find the one an IAM thumbprint names, which then
// becomes FetchOptions::pinned_pem for a verified fetch.
Result<std::vector<std::string>> PresentedCertificates(const std::string& url,
                                                       const FetchOptions& options);

// The lower-case hex SHA-1 of a PEM certificate's DER (IAM's thumbprint); "" if unreadable.
std::string CertificateThumbprint(std::string_view pem);

}  // namespace gatehouse::federation
