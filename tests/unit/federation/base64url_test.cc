// Base64Url: RFC 4648 §5 without padding, and one spelling per byte string.
#include "federation/base64url.h"

#include <gtest/gtest.h>

namespace gatehouse::federation {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
  EXPECT_EQ(Base64UrlEncode(""), "");
  EXPECT_EQ(Base64UrlEncode("f"), "Zg");
  EXPECT_EQ(Base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(Base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(Base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("Zm9vYg"), "foob");
  EXPECT_EQ(Base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_EQ(Base64UrlDecode(""), "");
}

TEST(Base64Url, RoundTripsEveryLength) {
  std::string bytes;
  for (int i = 0; i < 40; ++i) {
    std::string encoded = Base64UrlEncode(bytes);
    EXPECT_EQ(encoded.find_first_of("=+/"), std::string::npos);
    EXPECT_EQ(Base64UrlDecode(encoded), bytes) << encoded;
    bytes.push_back(static_cast<char>(0xf8 + i));
  }
}

TEST(Base64Url, RefusesEverythingButTheCanonicalForm) {
  for (std::string_view bad : {"Zg==", "Zg=", "Zm8=", "=", "Z", "Zm9vY", "Zh", "Zm9", "Zm+", "Zm/",
                               "Z g", "Zg\n", " Zg", "Zm9v\r\n", "Zm\x80v", "Zm.v"}) {
    EXPECT_EQ(Base64UrlDecode(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(Base64UrlDecode(std::string_view("Zm\0v", 4)), std::nullopt);
  // "Zh" and "Zm9" carry set bits beyond their bytes; "Zg" and "Zm8" are the same bytes.
  EXPECT_EQ(Base64UrlDecode("Zg"), "f");
  EXPECT_EQ(Base64UrlDecode("Zm8"), "fo");
}

}  // namespace
}  // namespace gatehouse::federation
