#include "core/uri.h"

#include <gtest/gtest.h>

#include "core/crypto.h"

namespace gatehouse {
namespace {

TEST(UriTest, EncodesAllButUnreserved) {
  EXPECT_EQ(UriEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(UriEncode("a b+c/d=é"), "a%20b%2Bc%2Fd%3D%C3%A9");
  EXPECT_EQ(UriEncode("/a b/", /*keep_slash=*/true), "/a%20b/");
  EXPECT_EQ(UriEncode("%"), "%25");
}

TEST(UriTest, Decodes) {
  EXPECT_EQ(UriDecode("a%20b%2Bc+d"), "a b+c+d");
  EXPECT_EQ(UriDecode("%C3%A9"), "é");
  EXPECT_EQ(UriDecode("100%"), "100%");
  EXPECT_EQ(UriDecode("%zz%4"), "%zz%4");
}

TEST(CryptoTest, KnownDigests) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
}

}  // namespace
}  // namespace gatehouse
