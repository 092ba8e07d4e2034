#include "auth/sigv4.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/crypto.h"

namespace gatehouse::auth {
namespace {

using nlohmann::json;

// A request owning its strings, viewed as HttpRequestView.
struct OwnedRequest {
  std::string method, target, body;
  std::vector<std::pair<std::string, std::string>> headers;
  HttpRequestView View() const {
    HttpRequestView v{method, target, {}, body};
    for (const auto& [k, val] : headers) v.headers.emplace_back(k, val);
    return v;
  }
};

// AWS's published "get-vanilla" example of the Signature Version 4 test suite.
OwnedRequest GetVanilla() {
  return {"GET",
          "/",
          "",
          {{"Host", "example.amazonaws.com"},
           {"X-Amz-Date", "20150830T123600Z"},
           {"Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"}}};
}
constexpr char kVanillaSecret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
constexpr int64_t kVanillaTime = 1440938160;  // 2015-08-30T12:36:00Z

TEST(SigV4Test, AwsGetVanillaVector) {
  OwnedRequest r = GetVanilla();
  auto claim = ParseSignature(r.View());
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(claim->Scope(), "20150830/us-east-1/service/aws4_request");
  EXPECT_EQ(CanonicalRequest(r.View(), *claim),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"
            "host;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(VerifySignature(r.View(), *claim, kVanillaSecret, kVanillaTime, nullptr).ok());
}

TEST(SigV4Test, WrongSecretDoesNotMatch) {
  OwnedRequest r = GetVanilla();
  auto claim = ParseSignature(r.View());
  ASSERT_TRUE(claim.ok());
  Status s = VerifySignature(r.View(), *claim, "not-the-secret", kVanillaTime, nullptr);
  EXPECT_EQ(s.code(), ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(s.message(),
            "The request signature we calculated does not match the signature you provided. "
            "Check your AWS Secret Access Key and signing method. Consult the service "
            "documentation for details.");
}

TEST(SigV4Test, ClockSkewOfFifteenMinutes) {
  OwnedRequest r = GetVanilla();
  auto claim = ParseSignature(r.View());
  ASSERT_TRUE(claim.ok());
  EXPECT_TRUE(VerifySignature(r.View(), *claim, kVanillaSecret, kVanillaTime + 900, nullptr).ok());
  Status late = VerifySignature(r.View(), *claim, kVanillaSecret, kVanillaTime + 901, nullptr);
  EXPECT_EQ(late.code(), ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(late.message(),
            "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z "
            "(20150830T125101Z - 15 min.)");
  Status early = VerifySignature(r.View(), *claim, kVanillaSecret, kVanillaTime - 901, nullptr);
  EXPECT_EQ(early.code(), ErrorCode::kSignatureDoesNotMatch);
  EXPECT_EQ(early.message(),
            "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z "
            "(20150830T122059Z + 15 min.)");
}

TEST(SigV4Test, AnAbsurdClockIsRefusedWithoutOverflow) {
  OwnedRequest r = GetVanilla();
  auto claim = ParseSignature(r.View());
  ASSERT_TRUE(claim.ok());
  for (int64_t now : {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()}) {
    for (bool presigned : {false, true}) {
      SignatureClaim c = *claim;
      c.presigned = presigned;
      Status s = VerifySignature(r.View(), c, kVanillaSecret, now, nullptr);
      EXPECT_FALSE(s.ok()) << now;
    }
  }
}

TEST(SigV4Test, MissingAndIncompleteAuthentication) {
  OwnedRequest none{"GET", "/?Action=ListUsers", "", {{"Host", "h"}}};
  auto missing = ParseSignature(none.View());
  EXPECT_EQ(missing.status().code(), ErrorCode::kMissingAuthenticationToken);
  EXPECT_EQ(missing.status().message(), "Request is missing Authentication Token");

  OwnedRequest partial{"GET",
                       "/",
                       "",
                       {{"Host", "h"},
                        {"X-Amz-Date", "20150830T123600Z"},
                        {"Authorization",
                         "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/"
                         "aws4_request, SignedHeaders=host;x-amz-date"}}};
  auto incomplete = ParseSignature(partial.View());
  EXPECT_EQ(incomplete.status().code(), ErrorCode::kIncompleteSignature);
  EXPECT_EQ(incomplete.status().message(),
            "Authorization header requires 'Signature' parameter. Authorization=AWS4-HMAC-SHA256 "
            "Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
            "SignedHeaders=host;x-amz-date");

  OwnedRequest bad_scope = GetVanilla();
  bad_scope.headers[2].second =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1, SignedHeaders=host, "
      "Signature=00";
  EXPECT_EQ(ParseSignature(bad_scope.View()).status().message(),
            "Credential must have exactly 5 slash-delimited elements, e.g. "
            "keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1'");

  OwnedRequest other_day = GetVanilla();
  other_day.headers[1].second = "20150831T123600Z";
  EXPECT_EQ(ParseSignature(other_day.View()).status().code(), ErrorCode::kSignatureDoesNotMatch);

  OwnedRequest host_unsigned = GetVanilla();
  host_unsigned.headers[2].second =
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
      "SignedHeaders=x-amz-date, Signature=00";
  EXPECT_EQ(ParseSignature(host_unsigned.View()).status().code(), ErrorCode::kIncompleteSignature);
}

TEST(SigV4Test, SigningKeyCacheNeverReusesAnotherSecret) {
  SigningKeyCache cache;
  Sha256Digest a = cache.Get("AKID", "secret-1", "20150830", "us-east-1", "iam");
  EXPECT_EQ(a, cache.Get("AKID", "secret-1", "20150830", "us-east-1", "iam"));
  EXPECT_NE(a, cache.Get("AKID", "secret-2", "20150830", "us-east-1", "iam"));
  EXPECT_EQ(a, SigningKeyCache::Derive("secret-1", "20150830", "us-east-1", "iam"));
}

// Requests signed by botocore itself (tests/auth/sigv4/generate_vectors.py).
struct Vector {
  std::string name;
  json data;
};

// Printed by its name: test listings must not depend on anything but the vectors file.
void PrintTo(const Vector& vector, std::ostream* out) { *out << vector.name; }

class BotocoreVectors : public testing::TestWithParam<Vector> {};

OwnedRequest FromVector(const json& v) {
  OwnedRequest r{v.at("method"), v.at("target"), v.at("body"), {}};
  for (const json& h : v.at("headers")) r.headers.emplace_back(h[0], h[1]);
  return r;
}

TEST_P(BotocoreVectors, VerifiesAndRecomputesTheCanonicalRequest) {
  const json& v = GetParam().data;
  OwnedRequest r = FromVector(v);
  auto claim = ParseSignature(r.View());
  ASSERT_TRUE(claim.ok()) << claim.status().ToString();
  EXPECT_EQ(claim->presigned, v.at("presigned").get<bool>());
  EXPECT_EQ(CanonicalRequest(r.View(), *claim), v.at("canonicalRequest").get<std::string>());
  const std::string secret = v.at("secret");
  const int64_t now = v.at("now");
  SigningKeyCache cache;
  EXPECT_TRUE(VerifySignature(r.View(), *claim, secret, now, &cache).ok());
  EXPECT_TRUE(VerifySignature(r.View(), *claim, secret, now + 60, &cache).ok());
  EXPECT_EQ(VerifySignature(r.View(), *claim, secret + "x", now, &cache).code(),
            ErrorCode::kSignatureDoesNotMatch);

  OwnedRequest tampered = r;
  tampered.target += tampered.target.find('?') == std::string::npos ? "?extra=1" : "&extra=1";
  auto tampered_claim = ParseSignature(tampered.View());
  ASSERT_TRUE(tampered_claim.ok());
  EXPECT_EQ(VerifySignature(tampered.View(), *tampered_claim, secret, now, &cache).code(),
            ErrorCode::kSignatureDoesNotMatch);

  // The payload is the body as received: another body, or a payload header the signature does
  // not cover naming it, is refused.
  if (!claim->presigned) {
    OwnedRequest other_body = r;
    other_body.body += other_body.body.empty() ? "Action=GetSessionToken" : "&Action=Other";
    EXPECT_EQ(VerifySignature(other_body.View(), *claim, secret, now, &cache).code(),
              ErrorCode::kSignatureDoesNotMatch);
    const std::string payloads[] = {HexEncode(Sha256(other_body.body)), "UNSIGNED-PAYLOAD"};
    for (const std::string& payload : payloads) {
      OwnedRequest with_header = other_body;
      with_header.headers.emplace_back("X-Amz-Content-Sha256", payload);
      EXPECT_EQ(VerifySignature(with_header.View(), *claim, secret, now, &cache).code(),
                ErrorCode::kIncompleteSignature);
    }
  }

  if (claim->presigned) {
    Status expired =
        VerifySignature(r.View(), *claim, secret, now + claim->expires_seconds + 1, &cache);
    EXPECT_EQ(expired.code(), ErrorCode::kRequestExpired);
  }
}

std::vector<Vector> LoadVectors() {
  std::ifstream in(std::string(GATEHOUSE_SIGV4_VECTORS) + "/botocore_vectors.json");
  std::stringstream buf;
  buf << in.rdbuf();
  json file = json::parse(buf.str());
  std::vector<Vector> vectors;
  for (const json& v : file.at("vectors")) vectors.push_back({v.at("name"), v});
  return vectors;
}

std::string VectorName(const testing::TestParamInfo<Vector>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Botocore, BotocoreVectors, testing::ValuesIn(LoadVectors()), VectorName);

}  // namespace
}  // namespace gatehouse::auth
