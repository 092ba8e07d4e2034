// Ed25519 through OpenSSL: RFC 8032's first test vector, and what must not verify.
#include "core/crypto.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse {
namespace {

std::string Hex(std::string_view hex) { return HexDecode(hex).value(); }

// RFC 8032, 7.1, TEST 1: the empty message.
const std::string kSeed = Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const std::string kPublic = Hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const std::string kSignature = Hex(
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
    "6bd25bf5f0595bbe24655141438e7a100b");

TEST(Ed25519, MatchesTheRfcsFirstVector) {
  EXPECT_EQ(HexEncode(Ed25519PublicKey(kSeed)), HexEncode(kPublic));
  EXPECT_EQ(HexEncode(Ed25519Sign(kSeed, "")), HexEncode(kSignature));
  EXPECT_TRUE(Ed25519Verify(kPublic, "", kSignature));
}

TEST(Ed25519, OnlyTheSignedMessageUnderItsKeyVerifies) {
  const std::string signature = Ed25519Sign(kSeed, "digest");
  EXPECT_TRUE(Ed25519Verify(kPublic, "digest", signature));
  EXPECT_FALSE(Ed25519Verify(kPublic, "digesT", signature));
  std::string flipped = signature;
  flipped[10] ^= 1;
  EXPECT_FALSE(Ed25519Verify(kPublic, "digest", flipped));
  std::string other_key = kPublic;
  other_key[0] ^= 1;
  EXPECT_FALSE(Ed25519Verify(other_key, "digest", signature));
  // Keys and signatures of the wrong size are refused, not read past.
  EXPECT_FALSE(Ed25519Verify(kPublic.substr(0, 31), "digest", signature));
  EXPECT_FALSE(Ed25519Verify(kPublic, "digest", signature.substr(0, 63)));
  EXPECT_EQ(Ed25519PublicKey(kSeed.substr(0, 31)), "");
  EXPECT_EQ(Ed25519Sign(kSeed + "x", "digest"), "");
}

}  // namespace
}  // namespace gatehouse
