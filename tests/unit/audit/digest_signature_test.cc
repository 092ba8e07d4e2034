// The digests' signatures: one key per deployment, derived from its master key; a signature
// holds for the digest it was made for, in its scope, and for nothing else.
#include "audit/digest_signature.h"

#include <gtest/gtest.h>

#include <string>

#include "core/crypto.h"

namespace gatehouse::audit {
namespace {

model::AuditDigest Digest() { return {4, 6, std::string(64, '1'), std::string(64, '2')}; }

TEST(DigestSignature, TheKeyIsTheMasterKeysAndOnlyItsOwn) {
  const std::string master(32, 'm');
  EXPECT_EQ(DigestSigner::FromMasterKey(master).public_key(),
            DigestSigner::FromMasterKey(master).public_key());
  EXPECT_NE(DigestSigner::FromMasterKey(master).public_key(),
            DigestSigner::FromMasterKey(std::string(32, 'n')).public_key());
  const auto key = ParsePublicKey(DigestSigner::FromMasterKey(master).public_key());
  ASSERT_TRUE(key);
  EXPECT_EQ(key->size(), 32u);
  // The public key is not the master key, nor its seed's plain hash.
  EXPECT_EQ(key->find(master), std::string::npos);
}

TEST(DigestSignature, ASignatureHoldsForItsDigestAndScopeOnly) {
  const DigestSigner signer = DigestSigner::FromMasterKey(std::string(32, 'm'));
  const std::string key = *ParsePublicKey(signer.public_key());
  model::AuditDigest d = Digest();
  d.signature = signer.Sign(d, DigestScope::kStore);
  EXPECT_TRUE(SignatureHolds(key, d, DigestScope::kStore));
  EXPECT_FALSE(SignatureHolds(key, d, DigestScope::kFile));
  for (int field = 0; field < 4; ++field) {
    model::AuditDigest changed = d;
    if (field == 0) changed.first_seq = 5;
    if (field == 1) changed.last_seq = 7;
    if (field == 2) changed.previous[63] = '3';
    if (field == 3) changed.digest[0] = '3';
    EXPECT_FALSE(SignatureHolds(key, changed, DigestScope::kStore)) << field;
  }
  model::AuditDigest flipped = d;
  flipped.signature[3] = flipped.signature[3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(SignatureHolds(key, flipped, DigestScope::kStore));
  for (const char* bad : {"", "not base64!", "AAAA"}) {
    model::AuditDigest garbled = d;
    garbled.signature = bad;
    EXPECT_FALSE(SignatureHolds(key, garbled, DigestScope::kStore)) << bad;
  }
  const std::string other =
      *ParsePublicKey(DigestSigner::FromMasterKey(std::string(32, 'o')).public_key());
  EXPECT_FALSE(SignatureHolds(other, d, DigestScope::kStore));
}

TEST(DigestSignature, PublicKeysAreThirtyTwoBytesOfBase64) {
  EXPECT_FALSE(ParsePublicKey(""));
  EXPECT_FALSE(ParsePublicKey("not base64"));
  EXPECT_FALSE(ParsePublicKey(Base64Encode(std::string(31, 'a'))));
  EXPECT_FALSE(ParsePublicKey(Base64Encode(std::string(33, 'a'))));
  EXPECT_TRUE(ParsePublicKey(Base64Encode(std::string(32, 'a'))));
}

}  // namespace
}  // namespace gatehouse::audit
