// Test helpers: requests signed the way an SDK signs them, for driving a Dispatcher in unit
// tests (dispatcher_test.cc, authorization_agreement_test.cc).
#pragma once

#include <string>

#include "auth/signing_key_cache.h"
#include "auth/sigv4.h"
#include "core/crypto.h"
#include "core/http_message.h"
#include "core/time_format.h"

namespace gatehouse::services::testing_support {

// Signs `r` as of `now` (epoch seconds) the way an SDK does (Authorization header over host,
// x-amz-date and, when present, content-type and x-amz-target).
inline void Sign(HttpRequest& r, const std::string& key_id, const std::string& secret,
                 const std::string& service, int64_t now) {
  std::string date = FormatAmzDate(now);
  r.headers.emplace_back("Host", "localhost:4566");
  r.headers.emplace_back("X-Amz-Date", date);
  std::string signed_headers = "host;x-amz-date";
  if (r.Header("content-type") != nullptr) signed_headers = "content-type;" + signed_headers;
  if (r.Header("x-amz-target") != nullptr) signed_headers += ";x-amz-target";
  auth::SignatureClaim claim;
  claim.access_key_id = key_id;
  claim.date = date.substr(0, 8);
  claim.region = "us-east-1";
  claim.service = service;
  claim.amz_date = date;
  for (std::string_view h : {"content-type", "host", "x-amz-date", "x-amz-target"}) {
    if (signed_headers.find(h) != std::string::npos) claim.signed_headers.emplace_back(h);
  }
  auth::HttpRequestView view{r.method, r.target, {}, r.body};
  for (const auto& [k, v] : r.headers) view.headers.emplace_back(k, v);
  Sha256Digest key = auth::SigningKeyCache::Derive(secret, claim.date, claim.region, service);
  std::string signature = HexEncode(
      HmacSha256(AsBytes(key), auth::StringToSign(claim, auth::CanonicalRequest(view, claim))));
  r.headers.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + key_id + "/" +
                                              claim.Scope() + ", SignedHeaders=" + signed_headers +
                                              ", Signature=" + signature);
}

// A query-protocol request with a form body.
inline HttpRequest Form(const std::string& body) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/";
  r.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
  r.body = body;
  return r;
}

}  // namespace gatehouse::services::testing_support
