// OutboundIssuerEndpoint: the discovery document and key set of each account's issuer, found by
// its id; a disabled issuer still publishes its keys; made-up, malformed and other-method
// requests are answered 404/405, never from another account's record; a key set follows the
// record's keys.
#include "services/outbound_issuer_endpoint.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "federation/jwk_set.h"
#include "federation/jwt.h"
#include "federation/jwt_signature.h"
#include "services/outbound_issuer.h"
#include "store/memory_store.h"

namespace gatehouse::services {
namespace {

using nlohmann::json;

const std::string kMasterKey(32, 'k');
const std::string kBase = "https://gatehouse.example";

class OutboundIssuerEndpointTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(state_.Load().ok()); }

  model::OutboundFederation Enable(const std::string& account) {
    Result<model::OutboundFederation> issuer =
        NewOutboundFederation(account, kMasterKey, random_, 1000);
    EXPECT_TRUE(issuer.ok()) << issuer.status().ToString();
    Put(*issuer);
    return *issuer;
  }
  void Put(const model::OutboundFederation& issuer) {
    ASSERT_TRUE(state_.Commit({.writes = {store::Put<model::OutboundFederation>{issuer}}}).ok());
  }
  HttpResponse Get(const std::string& target, const std::string& method = "GET") {
    HttpRequest request;
    request.method = method;
    request.target = target;
    return endpoint_.Handle(request);
  }
  static std::string Path(const model::OutboundFederation& issuer, const std::string& doc) {
    return std::string(kOutboundIssuerPath) + issuer.issuer_id + "/.well-known/" + doc;
  }

  SystemRandom random_;
  store::MemoryStore store_;
  store::State state_{store_};
  OutboundIssuerEndpoint endpoint_{state_, kMasterKey, [] { return kBase; }, 0};
};

TEST_F(OutboundIssuerEndpointTest, HandlesOnlyTheIssuersPaths) {
  HttpRequest request;
  request.target = "/outbound-federation/x";
  EXPECT_TRUE(OutboundIssuerEndpoint::Handles(request));
  request.target = "/?Action=GetCallerIdentity";
  EXPECT_FALSE(OutboundIssuerEndpoint::Handles(request));
  request.target = "/outbound-federationx/";
  EXPECT_FALSE(OutboundIssuerEndpoint::Handles(request));
}

TEST_F(OutboundIssuerEndpointTest, TheDiscoveryDocumentNamesTheIssuerAndItsKeys) {
  model::OutboundFederation issuer = Enable("111111111111");
  HttpResponse response = Get(Path(issuer, "openid-configuration"));
  ASSERT_EQ(response.status, 200) << response.body;
  json document = json::parse(response.body);
  const std::string url = kBase + "/outbound-federation/" + issuer.issuer_id;
  EXPECT_EQ(document["issuer"], url);
  EXPECT_EQ(document["jwks_uri"], url + "/.well-known/jwks.json");
  EXPECT_EQ(document["id_token_signing_alg_values_supported"], json({"RS256", "ES384"}));
}

TEST_F(OutboundIssuerEndpointTest, TheKeySetVerifiesTokensOfBothKeys) {
  model::OutboundFederation issuer = Enable("111111111111");
  HttpResponse response = Get(Path(issuer, "jwks.json") + "?cache=1");
  ASSERT_EQ(response.status, 200) << response.body;
  Result<federation::JwkSet> keys = federation::JwkSet::Parse(response.body);
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  for (auto alg : {federation::SigningAlgorithm::kRs256, federation::SigningAlgorithm::kEs384}) {
    Result<federation::JwtSigner> signer = OutboundSigner(issuer, alg, kMasterKey);
    ASSERT_TRUE(signer.ok());
    Result<federation::Jwt> jwt = federation::ParseJwt(*signer->Sign(json{{"sub", "x"}}));
    ASSERT_TRUE(jwt.ok());
    EXPECT_TRUE(federation::VerifyJwtSignature(*jwt, *keys).ok());
  }
  EXPECT_EQ(json::parse(response.body).dump().find("\"d\""), std::string::npos);
}

TEST_F(OutboundIssuerEndpointTest, ADisabledIssuerStillPublishesItsKeys) {
  model::OutboundFederation issuer = Enable("111111111111");
  issuer.enabled = false;
  Put(issuer);
  EXPECT_EQ(Get(Path(issuer, "jwks.json")).status, 200);
  EXPECT_EQ(Get(Path(issuer, "openid-configuration")).status, 200);
}

TEST_F(OutboundIssuerEndpointTest, UnknownMalformedAndOtherRequestsAreRefused) {
  model::OutboundFederation issuer = Enable("111111111111");
  std::string upper = issuer.issuer_id;
  for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  for (const std::string& target :
       {std::string("/outbound-federation/"), "/outbound-federation/" + issuer.issuer_id,
        "/outbound-federation/" + issuer.issuer_id + "/.well-known/",
        "/outbound-federation/" + issuer.issuer_id + "/.well-known/keys",
        "/outbound-federation/" + upper + "/.well-known/jwks.json",
        "/outbound-federation/../" + issuer.issuer_id + "/.well-known/jwks.json",
        "/outbound-federation/" + issuer.issuer_id + "/x/.well-known/jwks.json",
        std::string("/outbound-federation/00000000-0000-4000-8000-000000000000/.well-known/"
                    "jwks.json"),
        "/outbound-federation/" + std::string(100000, 'a') + "/.well-known/jwks.json"}) {
    EXPECT_EQ(Get(target).status, 404) << target.substr(0, 120);
  }
  HttpResponse post = Get(Path(issuer, "jwks.json"), "POST");
  EXPECT_EQ(post.status, 405);
}

TEST_F(OutboundIssuerEndpointTest, AnIssuerFoundByIdIsThatAccountsOwn) {
  model::OutboundFederation a = Enable("111111111111");
  model::OutboundFederation b = Enable("222222222222");
  HttpResponse keys_a = Get(Path(a, "jwks.json"));
  HttpResponse keys_b = Get(Path(b, "jwks.json"));
  ASSERT_EQ(keys_a.status, 200);
  ASSERT_EQ(keys_b.status, 200);
  EXPECT_NE(keys_a.body, keys_b.body);
  // A record whose issuer id changed (the index still names the old one) is not found by it.
  model::OutboundFederation moved = a;
  moved.issuer_id = "00000000-0000-4000-8000-000000000001";
  Put(moved);
  EXPECT_EQ(Get(Path(a, "jwks.json")).status, 404);
  EXPECT_EQ(Get(Path(moved, "jwks.json")).status, 200);
}

TEST_F(OutboundIssuerEndpointTest, TheKeySetFollowsTheRecordsKeys) {
  model::OutboundFederation issuer = Enable("111111111111");
  const std::string before = Get(Path(issuer, "jwks.json")).body;
  Result<model::OutboundFederation> fresh =
      NewOutboundFederation("111111111111", kMasterKey, random_, 2000);
  ASSERT_TRUE(fresh.ok());
  fresh->issuer_id = issuer.issuer_id;
  Put(*fresh);
  EXPECT_NE(Get(Path(issuer, "jwks.json")).body, before);
}

TEST_F(OutboundIssuerEndpointTest, KeysThatDoNotOpenAreAServerErrorNotAnotherKey) {
  model::OutboundFederation issuer = Enable("111111111111");
  // Another account's sealed key does not open under this account's associated data.
  model::OutboundFederation other = Enable("222222222222");
  issuer.sealed_ec_key = other.sealed_ec_key;
  Put(issuer);
  EXPECT_EQ(Get(Path(issuer, "jwks.json")).status, 500);
  EXPECT_FALSE(OutboundSigner(issuer, federation::SigningAlgorithm::kEs384, kMasterKey).ok());
  EXPECT_FALSE(
      OutboundSigner(other, federation::SigningAlgorithm::kEs384, std::string(32, 'x')).ok());
}

}  // namespace
}  // namespace gatehouse::services
