#include "core/ids.h"

#include <gtest/gtest.h>

#include <set>

#include "core/crypto.h"

namespace gatehouse {
namespace {

bool AllOf(std::string_view s, std::string_view alphabet) {
  return s.find_first_not_of(alphabet) == std::string_view::npos;
}

TEST(IdsTest, AwsFormats) {
  SystemRandom random;
  std::string account = NewAccountId(random);
  EXPECT_EQ(account.size(), 12u);
  EXPECT_NE(account[0], '0');
  EXPECT_TRUE(AllOf(account, "0123456789"));
  std::string user = NewUniqueId(random, IdKind::kUser);
  EXPECT_EQ(user.size(), 21u);
  EXPECT_EQ(user.substr(0, 4), "AIDA");
  EXPECT_TRUE(AllOf(user.substr(4), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
  EXPECT_EQ(NewUniqueId(random, IdKind::kRole).substr(0, 4), "AROA");
  std::string key = NewAccessKeyId(random, false);
  EXPECT_EQ(key.size(), 20u);
  EXPECT_EQ(key.substr(0, 4), "AKIA");
  EXPECT_EQ(NewAccessKeyId(random, true).substr(0, 4), "ASIA");
  std::string secret = NewSecretAccessKey(random);
  EXPECT_EQ(secret.size(), 40u);
  std::string transfer = NewResponsibilityTransferId(random);
  EXPECT_EQ(transfer.size(), 19u);
  EXPECT_EQ(transfer.substr(0, 3), "rt-");
  EXPECT_TRUE(AllOf(transfer.substr(3), "0123456789abcdefghijklmnopqrstuvwxyz"));
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) seen.insert(NewAccessKeyId(random, false));
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(IdsTest, AccessKeyIdsCarryTheirAccount) {
  SystemRandom random;
  for (const char* account : {"100000000000", "123456789012", "999999999999"}) {
    for (bool temporary : {false, true}) {
      std::string id = NewAccessKeyId(random, temporary, account);
      EXPECT_EQ(id.size(), 20u);
      EXPECT_EQ(id.substr(0, 4), temporary ? "ASIA" : "AKIA");
      EXPECT_TRUE(AllOf(id.substr(4), "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"));
      EXPECT_EQ(AccountOfAccessKeyId(id), account);
    }
  }
  // Two keys of one account differ in their random half.
  EXPECT_NE(NewAccessKeyId(random, true, "123456789012"),
            NewAccessKeyId(random, true, "123456789012"));
  EXPECT_FALSE(AccountOfAccessKeyId("AKIA"));
  EXPECT_FALSE(AccountOfAccessKeyId("AKIAAAAAAAAAAAAAAAAA"));  // account 0
  EXPECT_FALSE(AccountOfAccessKeyId("AIDAB3XKQZ5DMFXXXXXX"));
  EXPECT_FALSE(AccountOfAccessKeyId("AKIA1111111111111111"));  // not base32
}

TEST(CodecTest, HexAndBase64) {
  EXPECT_EQ(HexDecode("00ff10Ab"), std::string("\x00\xff\x10\xab", 4));
  EXPECT_FALSE(HexDecode("abc"));
  EXPECT_FALSE(HexDecode("zz"));
  for (std::string bytes : {std::string(""), std::string("a"), std::string("ab"),
                            std::string("abc"), std::string("\x00\xff\x01\x02", 4)}) {
    EXPECT_EQ(Base64Decode(Base64Encode(bytes)), bytes);
  }
  EXPECT_FALSE(Base64Decode("abc"));
  EXPECT_FALSE(Base64Decode("ab!d"));
}

TEST(SealTest, RoundTripAndTamper) {
  std::string key(kSealKeySize, 'k');
  std::string nonce(12, 'n');
  std::string sealed = Seal(key, "secret access key", "AKIAEXAMPLE", nonce);
  EXPECT_EQ(sealed.size(), 17 + kSealOverhead);
  EXPECT_EQ(Open(key, sealed, "AKIAEXAMPLE"), "secret access key");
  EXPECT_FALSE(Open(key, sealed, "AKIAOTHER"));
  EXPECT_FALSE(Open(std::string(kSealKeySize, 'x'), sealed, "AKIAEXAMPLE"));
  std::string tampered = sealed;
  tampered[14] ^= 1;
  EXPECT_FALSE(Open(key, tampered, "AKIAEXAMPLE"));
  EXPECT_FALSE(Open(key, "short", ""));
}

}  // namespace
}  // namespace gatehouse
