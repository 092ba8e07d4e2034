// Pagination markers: a sealed key opens to itself, whatever its bytes; anything the server did
// not seal — garbage, a truncated or edited token, a bare key — is refused in each service's
// words, and an input without a marker is left alone.
#include "services/page_markers.h"

#include <gtest/gtest.h>

namespace gatehouse::services {
namespace {

using nlohmann::json;

TEST(PageMarkersTest, ASealedKeyOpensToItself) {
  for (std::string key : {std::string(), std::string("alice"), std::string("111122223333/Team"),
                          std::string("\x00\xff\n|", 4), std::string(300, 'k')}) {
    std::string token = SealPageMarker(key);
    EXPECT_EQ(token.find(key.empty() ? "\x01" : key), std::string::npos) << "opaque";
    EXPECT_EQ(OpenPageMarker(token), key);
  }
}

TEST(PageMarkersTest, WhatWasNotSealedIsRefused) {
  const std::string token = SealPageMarker("alice");
  std::string edited = token;
  edited[2] = edited[2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {std::string("alice"), std::string("not base64!"), std::string(""), edited,
        token.substr(0, token.size() - 4), SealPageMarker("alice").substr(4)}) {
    EXPECT_EQ(OpenPageMarker(bad), std::nullopt) << bad;
  }
}

TEST(PageMarkersTest, EachServiceRefusesInItsOwnWords) {
  Result<std::optional<json>> iam = OpenInputMarker("iam", {{"Marker", "garbage"}});
  EXPECT_EQ(iam.status().code(), ErrorCode::kValidationError);
  EXPECT_EQ(iam.status().message(), "Invalid Marker.");
  Result<std::optional<json>> orgs = OpenInputMarker("organizations", {{"NextToken", "garbage"}});
  EXPECT_EQ(orgs.status().code(), ErrorCode::kInvalidInputException);
  EXPECT_EQ(orgs.status().reason(), "INVALID_NEXT_TOKEN");

  Result<std::optional<json>> none = OpenInputMarker("iam", {{"MaxItems", 2}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  Result<std::optional<json>> opened =
      OpenInputMarker("iam", {{"Marker", SealPageMarker("bob")}, {"MaxItems", 2}});
  ASSERT_TRUE(opened.ok() && opened->has_value());
  EXPECT_EQ(**opened, json({{"Marker", "bob"}, {"MaxItems", 2}}));

  json out = {{"IsTruncated", true}, {"Marker", "carol"}};
  SealOutputMarker("iam", out);
  EXPECT_EQ(OpenPageMarker(out["Marker"].get<std::string>()), "carol");
  json org_out = {{"NextToken", "x"}};
  SealOutputMarker("organizations", org_out);
  EXPECT_EQ(OpenPageMarker(org_out["NextToken"].get<std::string>()), "x");
}

}  // namespace
}  // namespace gatehouse::services
