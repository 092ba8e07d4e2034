#include "services/sts/authorization_message.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "core/crypto.h"
#include "temp_iam_state.h"

namespace gatehouse::services::sts {
namespace {

using testing_support::TempIamState;

TEST(AuthorizationMessageTest, DecodesToAwsShape) {
  TempIamState temp(std::string(kSealKeySize, 'm'), [] { return int64_t{0}; });
  SessionKeyRing ring(temp.state(), temp.iam().master_key, temp.random());
  authz::AuthzRequest request;
  request.principal_arn = "arn:aws:iam::111122223333:user/bob";
  request.user_id = "AIDAEXAMPLE";
  request.action = "iam:CreateUser";
  request.resource = "arn:aws:iam::111122223333:user/eve";
  request.context = {{"aws:RequestTag/team", {"blue"}}};
  authz::Evaluation evaluation;
  evaluation.decision = policy::Decision::kExplicitDeny;
  evaluation.explanation.matched.push_back(
      {policy::Layer::kIdentity, "identity[0]", 1, "NoUsers", policy::Effect::kDeny});

  Result<std::string> encoded =
      EncodeAuthorizationMessage(request, evaluation, ring, temp.random(), 1000);
  ASSERT_TRUE(encoded.ok());
  EXPECT_EQ(encoded->find("CreateUser"), std::string::npos);
  Result<std::string> decoded = DecodeAuthorizationMessage(*encoded, ring, "111122223333");
  ASSERT_TRUE(decoded.ok());
  auto j = nlohmann::json::parse(*decoded);
  EXPECT_FALSE(j["allowed"].get<bool>());
  EXPECT_TRUE(j["explicitDeny"].get<bool>());
  EXPECT_EQ(j["matchedStatements"]["items"][0]["statementId"], "NoUsers");
  EXPECT_EQ(j["context"]["principal"]["arn"], request.principal_arn);
  EXPECT_EQ(j["context"]["action"], "iam:CreateUser");
  EXPECT_EQ(j["context"]["resource"], request.resource);
  EXPECT_EQ(j["context"]["conditions"]["items"][0]["key"], "aws:RequestTag/team");
  EXPECT_EQ(j["context"]["conditions"]["items"][0]["values"]["items"][0]["value"], "blue");

  // Another account cannot read it.
  Result<std::string> elsewhere = DecodeAuthorizationMessage(*encoded, ring, "444455556666");
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.status().code(), ErrorCode::kInvalidAuthorizationMessage);

  std::string bytes = *Base64Decode(*encoded);
  bytes[bytes.size() / 2] ^= 1;
  for (const std::string& bad : {Base64Encode(bytes), std::string("garbage"), std::string()}) {
    Result<std::string> refused = DecodeAuthorizationMessage(bad, ring, "111122223333");
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidAuthorizationMessage);
  }
}

}  // namespace
}  // namespace gatehouse::services::sts
