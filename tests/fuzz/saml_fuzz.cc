// libFuzzer target: arbitrary bytes as the SAML response of AssumeRoleWithSAML, verified with
// fixed expectations (VerifySamlResponse). The first input byte picks the shape: even, the rest
// is SAMLAssertion as sent (base64 text); odd, the rest is the XML itself, base64-encoded here so
// that mutations reach the parser, the signature checks and the assertion readers instead of
// breaking base64. The seeds hold responses these certificates' keys signed (RSA-SHA256 on the
// Response, the Assertion, both; ECDSA-SHA256) and known attacks. Any crash, sanitizer report or
// hang is a finding.
#include <cstdint>
#include <string>

#include "core/crypto.h"
#include "federation/saml_response.h"

using namespace gatehouse;
using namespace gatehouse::federation;

namespace {

// The identity provider's signing certificates (DER, base64): an RSA 2048 key and a P-256 key.
constexpr const char* kRsaCertificate =
    "MIIClTCCAX2gAwIBAgIBATANBgkqhkiG9w0BAQsFADAOMQwwCgYDVQQDDANpZHAwHhcNMjYxMjA1MjAwNzI5WhcNMzYx"
    "MjAyMjAwNzI5WjAOMQwwCgYDVQQDDANpZHAwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDpjI8uqqOn3vl1"
    "v7BNO5Gku3cVMeGtD8c6ihNJE0J/hLg3KzD7RSqou+gAUm6/CIap2571Pmj4SndzJVoTVi+/+6Tu+iR8am7u+jU0BW6J"
    "8uzXAdRPKNo33Dt9pM8G+slbpEhXYmtZBdLU/kMhan3mRXjnjf/yc9FWe65Vr/NcdKq/OuQMko2VbvuH1ZUN/5Xcpxu4"
    "Xc2fgZ4GWKTcOoFix9tF+R3yX62NxnZw/d1X8ytIJOPrKmM7GKBYSEP+YSBbdvZZglhHIZXJKQ2P8ZDxXRDfVhtyk1aO"
    "pHGI/YYTkclHC0eTcecGcPwTI7kvIjDbc/VEjkNDq1Xs6VPlq3LvAgMBAAEwDQYJKoZIhvcNAQELBQADggEBAF06TZ7r"
    "u8MQTWETf59eZ4mi1BQ8Z71Sb8L8a3GThNtA5wBVFGDbWVM6L8YwtpbjjaAEOEUErMGqItBY7bNAkK33qqoLL+0/gFMK"
    "mLSce89umkUe3Bj2ueWlkot8LDCuO20bRDIop10Lkht8xpIEsR+CZunV2O6O8ly6kB+1YCExmVX0D0ca8fiuDc46pTfp"
    "/nAXMiLI/N5ISgHe8BXX00Xl5GC6loimFWREFlQjw9ufIzxFCH7/DltK6JBNn83qfpQ8JYeOQMkeKhcmMenKLVb6hROh"
    "B0Ohk2zY8qaHE9wHn0Y5p7BqD+EQdhtNsjpPadC2tY7Zra6rikCp64l9KOQ=";
constexpr const char* kEcCertificate =
    "MIIBDjCBtaADAgECAgEBMAoGCCqGSM49BAMCMBExDzANBgNVBAMMBmlkcC1lYzAeFw0yNjEyMDUyMDA3MjlaFw0zNjEy"
    "MDIyMDA3MjlaMBExDzANBgNVBAMMBmlkcC1lYzBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABHDgFsETclWsT7tPAUoQ"
    "w91fDEKJLYhmVfvlhhiST3suesNdHxi0o+ZjXs5O7Kg9/tBmgxSZkFjX/cLpLJJ1tH4wCgYIKoZIzj0EAwIDSAAwRQIh"
    "AOzYi1ylcJ20Xqbrqz6PywnvbkLl3NWHgAMC3LqH6o0cAiBTdGzmKQUM6MjrEpvl/nK32u+qT45DSwh4Gv3zFRdVsQ==";

// What the seeds were made for: 2023-11-14T22:13:20Z, AWS's sign-in endpoint.
const SamlExpectations& FixedExpectations() {
  static const SamlExpectations expect = [] {
    SamlExpectations e;
    e.idp_certificates = {*Base64Decode(kRsaCertificate), *Base64Decode(kEcCertificate)};
    e.idp_entity_id = "https://idp.example.com/metadata";
    e.audiences = {"https://signin.aws.amazon.com/saml", "urn:amazon:webservices"};
    e.recipients = {"https://signin.aws.amazon.com/saml"};
    e.now_ms = 1700000000000;
    return e;
  }();
  return expect;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string base64 = (data[0] & 1) != 0 ? Base64Encode(rest) : rest;
  // What the console reads first, before it knows whose keys to verify with.
  Result<std::string> issuer = ClaimedSamlIssuer(base64);
  if (issuer.ok()) {
    volatile size_t sink = issuer->size();
    (void)sink;
  }
  Result<SamlAssertion> assertion = VerifySamlResponse(base64, FixedExpectations());
  if (assertion.ok()) {
    // A verified assertion is whole: every field readable.
    size_t total = assertion->id.size() + assertion->name_id.size();
    for (const auto& [name, values] : assertion->attributes) total += name.size() + values.size();
    volatile size_t sink = total;
    (void)sink;
  }
  return 0;
}
