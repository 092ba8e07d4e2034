// JwkSet::Parse: which keys of a JWKS document are kept (RSA of 2048–8192 bits, EC on the NIST
// curves with a valid point, for signatures only) and which documents are refused whole.
#include "federation/jwk_set.h"

#include <gtest/gtest.h>

#include <string>

#include "jwt_test_keys.h"

namespace gatehouse::federation {
namespace {

using nlohmann::json;
using testing_support::Jwk;
using testing_support::Keys;
using testing_support::KeySet;

const std::string kNoKey =
    "Couldn't retrieve verification key from your identity provider,  please reference "
    "AssumeRoleWithWebIdentity documentation for requirements";

JwkSet MustParse(const std::string& document) {
  Result<JwkSet> set = JwkSet::Parse(document);
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *set : JwkSet();
}

// The number of keys kept from a set holding `key` alone.
size_t Kept(const json& key) { return MustParse(KeySet({key})).size(); }

TEST(JwkSetParse, KeepsRsaAndEcKeys) {
  json rsa = Jwk(Keys().rsa.get(), "rsa-1");
  rsa["alg"] = "RS256";
  rsa["use"] = "sig";
  JwkSet set = MustParse(KeySet({rsa, Jwk(Keys().p256.get(), "ec-256"),
                                 Jwk(Keys().p384.get(), "ec-384"), Jwk(Keys().p521.get())}));
  ASSERT_EQ(set.size(), 4u);
  const federation::Jwk& first = set.keys()[0];
  EXPECT_EQ(first.kid, "rsa-1");
  EXPECT_EQ(first.alg, "RS256");
  EXPECT_EQ(first.type, JwkType::kRsa);
  EXPECT_EQ(first.bits, 2048);
  EXPECT_EQ(first.curve, "");
  ASSERT_NE(first.key, nullptr);
  EXPECT_EQ(EVP_PKEY_eq(first.key.get(), Keys().rsa.get()), 1);
  EXPECT_EQ(set.keys()[1].type, JwkType::kEc);
  EXPECT_EQ(set.keys()[1].curve, "P-256");
  EXPECT_EQ(set.keys()[2].curve, "P-384");
  EXPECT_EQ(set.keys()[3].curve, "P-521");
  EXPECT_EQ(set.keys()[3].bits, 521);
  EXPECT_EQ(set.keys()[3].kid, "");
  EXPECT_EQ(EVP_PKEY_eq(set.keys()[3].key.get(), Keys().p521.get()), 1);
}

TEST(JwkSetParse, RefusesDocumentsWithoutAKeysArray) {
  for (const std::string& document :
       {std::string(""), std::string("[]"), std::string("{}"), std::string("null"),
        std::string(R"({"keys":{}})"), std::string(R"({"keys":"[]"})"),
        std::string(R"({"Keys":[]})"), std::string(R"({"keys":[])"),
        std::string(R"({"keys":[],"keys":[]})"), std::string(R"({"keys":[]} [])"),
        std::string(R"([{"keys":[]}])")}) {
    Result<JwkSet> set = JwkSet::Parse(document);
    ASSERT_FALSE(set.ok()) << document;
    EXPECT_EQ(set.status().code(), ErrorCode::kInvalidIdentityToken);
    EXPECT_EQ(set.status().message(), kNoKey);
  }
}

TEST(JwkSetParse, AnEmptySetIsNotAnError) {
  EXPECT_EQ(MustParse(R"({"keys":[]})").size(), 0u);
  EXPECT_EQ(MustParse(R"({"keys":[1,"x",null,[],{}]})").size(), 0u);
}

TEST(JwkSetParse, RefusesDocumentsOverOneMebibyte) {
  json filler = Jwk(Keys().p256.get(), "ec");
  filler["x5c"] = json::array({std::string(kMaxJwksSize, 'A')});
  Result<JwkSet> set = JwkSet::Parse(KeySet({filler}));
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().message(), kNoKey);
  // Just under the bound, the same key is kept.
  std::string fits = KeySet({Jwk(Keys().p256.get(), "ec")});
  fits.insert(fits.size() - 1,
              ",\"pad\":\"" + std::string(kMaxJwksSize - fits.size() - 9, 'p') + "\"");
  ASSERT_EQ(fits.size(), kMaxJwksSize);
  EXPECT_EQ(MustParse(fits).size(), 1u);
}

TEST(JwkSetParse, RefusesDeepNesting) {
  Result<JwkSet> set = JwkSet::Parse("{\"keys\":[],\"x\":" + std::string(500000, '[') +
                                     std::string(500000, ']') + "}");
  ASSERT_FALSE(set.ok());
  EXPECT_EQ(set.status().message(), kNoKey);
  json nested = Jwk(Keys().p256.get());
  nested["extra"] = json::parse(std::string(20, '[') + std::string(20, ']'));
  EXPECT_FALSE(JwkSet::Parse(KeySet({nested})).ok());
}

TEST(JwkSetParse, SkipsSymmetricKeys) {
  EXPECT_EQ(Kept({{"kty", "oct"}, {"kid", "hmac"}, {"k", "c2VjcmV0"}, {"alg", "HS256"}}), 0u);
  EXPECT_EQ(Kept({{"kty", "oct"}, {"k", "c2VjcmV0"}}), 0u);
  // An oct key with RSA members is still an oct key.
  json disguised = Jwk(Keys().rsa.get(), "k");
  disguised["kty"] = "oct";
  EXPECT_EQ(Kept(disguised), 0u);
}

TEST(JwkSetParse, SkipsKeysNotForSignatures) {
  json key = Jwk(Keys().rsa.get(), "k");
  EXPECT_EQ(Kept(key), 1u);
  for (const json& use : {json("enc"), json("SIG"), json(""), json(nullptr), json(1)}) {
    key["use"] = use;
    EXPECT_EQ(Kept(key), 0u) << use.dump();
  }
  key["use"] = "sig";
  EXPECT_EQ(Kept(key), 1u);
  key.erase("use");
  key["key_ops"] = {"encrypt", "wrapKey"};
  EXPECT_EQ(Kept(key), 0u);
  key["key_ops"] = json::array();
  EXPECT_EQ(Kept(key), 0u);
  key["key_ops"] = "verify";
  EXPECT_EQ(Kept(key), 0u);
  key["key_ops"] = json::array({"verify", 1});
  EXPECT_EQ(Kept(key), 0u);
  key["key_ops"] = {"sign", "verify"};
  EXPECT_EQ(Kept(key), 1u);
}

TEST(JwkSetParse, SkipsRsaKeysOutsideTheSizeBounds) {
  EXPECT_EQ(Kept(Jwk(Keys().rsa_1024.get(), "small")), 0u);
  // Moduli need not be real for the bound: an odd number of 8192 bits is kept, of 8193 not.
  auto modulus = [](size_t bytes, char top) {
    std::string n(bytes, '\xff');
    n[0] = top;
    return Base64UrlEncode(n);
  };
  json key = {{"kty", "RSA"}, {"e", "AQAB"}};
  key["n"] = modulus(1024, '\xff');
  EXPECT_EQ(Kept(key), 1u);
  key["n"] = modulus(1025, '\x01');
  EXPECT_EQ(Kept(key), 0u);
  key["n"] = modulus(256, '\x80');  // 2048 bits
  EXPECT_EQ(Kept(key), 1u);
  key["n"] = modulus(256, '\x7f');  // 2047 bits
  EXPECT_EQ(Kept(key), 0u);
  key["n"] = Base64UrlEncode(std::string(4, '\0') + std::string(256, '\xff'));  // leading zeros
  EXPECT_EQ(Kept(key), 1u);
  key["n"] = Base64UrlEncode(std::string(300000, '\xff'));
  EXPECT_EQ(Kept(key), 0u);
}

TEST(JwkSetParse, SkipsMalformedRsaKeys) {
  json good = Jwk(Keys().rsa.get(), "k");
  ASSERT_EQ(Kept(good), 1u);
  std::string n = good["n"];
  auto with = [&](const char* member, const json& value) {
    json key = good;
    key[member] = value;
    return Kept(key);
  };
  EXPECT_EQ(with("n", n + "="), 0u);                          // padding
  EXPECT_EQ(with("n", n.substr(0, n.size() - 1) + "+"), 0u);  // standard alphabet
  EXPECT_EQ(with("n", 12345), 0u);
  EXPECT_EQ(with("e", "AQA"), 0u);                                    // 0x0100: even
  EXPECT_EQ(with("e", "AQ"), 0u);                                     // 1
  EXPECT_EQ(with("e", ""), 0u);                                       // 0
  EXPECT_EQ(with("e", Base64UrlEncode(std::string(9, '\x01'))), 0u);  // 72 bits
  EXPECT_EQ(with("e", "Aw"), 1u);                                     // 3
  EXPECT_EQ(with("kid", 7), 0u);
  EXPECT_EQ(with("alg", json::array({"RS256"})), 0u);
  EXPECT_EQ(with("alg", ""), 0u);
  EXPECT_EQ(with("alg", "RS256"), 1u);
  EXPECT_EQ(with("kty", "rsa"), 0u);
  json no_e = good;
  no_e.erase("e");
  EXPECT_EQ(Kept(no_e), 0u);
  std::string even = *Base64UrlDecode(n);
  even.back() = static_cast<char>(even.back() & ~1);
  EXPECT_EQ(with("n", Base64UrlEncode(even)), 0u);
}

TEST(JwkSetParse, SkipsMalformedEcKeys) {
  json good = Jwk(Keys().p256.get(), "k");
  ASSERT_EQ(Kept(good), 1u);
  auto with = [&](const char* member, const json& value) {
    json key = good;
    key[member] = value;
    return Kept(key);
  };
  EXPECT_EQ(with("crv", "secp256k1"), 0u);
  EXPECT_EQ(with("crv", "P-384"), 0u);  // coordinates of the wrong size for the curve
  EXPECT_EQ(with("crv", "p-256"), 0u);
  EXPECT_EQ(with("kty", "OKP"), 0u);
  std::string x = *Base64UrlDecode(good["x"].get<std::string>());
  std::string y = *Base64UrlDecode(good["y"].get<std::string>());
  EXPECT_EQ(with("x", Base64UrlEncode(x.substr(1))), 0u);               // short coordinate
  EXPECT_EQ(with("x", Base64UrlEncode(std::string(1, '\0') + x)), 0u);  // long coordinate
  std::string off_curve = y;
  off_curve.back() = static_cast<char>(off_curve.back() ^ 1);
  EXPECT_EQ(with("y", Base64UrlEncode(off_curve)), 0u);
  EXPECT_EQ(with("x", Base64UrlEncode(std::string(32, '\0'))), 0u);
  json no_y = good;
  no_y.erase("y");
  EXPECT_EQ(Kept(no_y), 0u);
}

TEST(JwkSetParse, KeepsAtMostAHundredKeys) {
  json::array_t keys(150, Jwk(Keys().p256.get()));
  for (size_t i = 0; i < keys.size(); ++i) keys[i]["kid"] = "k" + std::to_string(i);
  JwkSet set = MustParse(json{{"keys", keys}}.dump());
  EXPECT_EQ(set.size(), kMaxJwksKeys);
  EXPECT_TRUE(set.Has("k99"));
  EXPECT_FALSE(set.Has("k100"));
}

TEST(JwkSetParse, LooksAtAThousandEntriesAtMost) {
  json::array_t keys(kMaxJwksEntries, json{{"kty", "oct"}, {"k", "AA"}});
  keys.push_back(Jwk(Keys().p256.get(), "late"));
  EXPECT_EQ(MustParse(json{{"keys", keys}}.dump()).size(), 0u);
  keys.erase(keys.begin());
  EXPECT_EQ(MustParse(json{{"keys", keys}}.dump()).size(), 1u);
}

TEST(JwkSetParse, FindMatchesTheKidExactly) {
  JwkSet set = MustParse(KeySet({Jwk(Keys().p256.get(), "a"), Jwk(Keys().p384.get(), "b"),
                                 Jwk(Keys().p521.get(), "b"), Jwk(Keys().rsa.get())}));
  ASSERT_NE(set.Find("a"), nullptr);
  EXPECT_EQ(set.Find("a")->curve, "P-256");
  EXPECT_EQ(set.Find("b")->curve, "P-384");  // the first of two
  EXPECT_EQ(set.Find("A"), nullptr);
  EXPECT_EQ(set.Find("a "), nullptr);
  EXPECT_EQ(set.Find(""), nullptr);  // a key without kid is not found by an empty one
  EXPECT_TRUE(set.Has("b"));
  EXPECT_FALSE(set.Has("c"));
}

TEST(JwkSetParse, CopiesShareTheKeys) {
  JwkSet copy;
  {
    JwkSet set = MustParse(KeySet({Jwk(Keys().p256.get(), "a")}));
    copy = set;
    EXPECT_EQ(copy.keys()[0].key.get(), set.keys()[0].key.get());
  }
  ASSERT_EQ(copy.size(), 1u);
  EXPECT_EQ(EVP_PKEY_eq(copy.keys()[0].key.get(), Keys().p256.get()), 1);
}

}  // namespace
}  // namespace gatehouse::federation
