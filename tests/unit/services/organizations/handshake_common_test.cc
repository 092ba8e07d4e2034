#include "services/organizations/handshake_common.h"

#include <gtest/gtest.h>

namespace gatehouse::services::organizations {
namespace {

model::Handshake OpenInvitation() {
  model::Handshake h;
  h.id = "h-abcdefgh12";
  h.organization_id = "o-exampleorg";
  h.management_account_id = "111111111111";
  h.parties = {{"o-exampleorg", "ORGANIZATION"}, {"222222222222", "ACCOUNT"}};
  h.resources = {{"ORGANIZATION", "o-exampleorg", {{"MASTER_NAME", "Management", {}}}},
                 {"ACCOUNT", "222222222222", {}},
                 {"NOTES", "welcome", {}}};
  h.requested_ms = 1'000'000;
  h.expires_ms = 2'000'000;
  h.target_account_id = "222222222222";
  return h;
}

TEST(HandshakeStateTest, OpenHandshakeReadsAsExpiredFromItsExpiration) {
  model::Handshake h = OpenInvitation();
  EXPECT_EQ(EffectiveState(h, 1'999'999), "OPEN");
  EXPECT_EQ(EffectiveState(h, 2'000'000), "EXPIRED");
  EXPECT_EQ(EffectiveState(h, 9'000'000), "EXPIRED");
}

TEST(HandshakeStateTest, EndedHandshakeKeepsItsStatePastExpiration) {
  model::Handshake h = OpenInvitation();
  h.state = model::kHandshakeAccepted;
  EXPECT_EQ(EffectiveState(h, 9'000'000), "ACCEPTED");
  h.state = model::kHandshakeCanceled;
  EXPECT_EQ(EffectiveState(h, 9'000'000), "CANCELED");
}

TEST(HandshakeStateTest, ARequestedHandshakeExpiresAndCanOnlyBeCanceled) {
  model::Handshake h = OpenInvitation();
  h.state = kHandshakeRequested;
  EXPECT_EQ(EffectiveState(h, 1'999'999), "REQUESTED");
  EXPECT_EQ(EffectiveState(h, 2'000'000), "EXPIRED");
  EXPECT_TRUE(CheckTransition("REQUESTED", "CANCELED").ok());
  EXPECT_EQ(CheckTransition("REQUESTED", "ACCEPTED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
  EXPECT_EQ(CheckTransition("REQUESTED", "DECLINED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
}

TEST(HandshakeStateTest, OnlyOpenHandshakesMove) {
  EXPECT_TRUE(CheckTransition("OPEN", "ACCEPTED").ok());
  EXPECT_TRUE(CheckTransition("OPEN", "DECLINED").ok());
  EXPECT_TRUE(CheckTransition("OPEN", "CANCELED").ok());
  EXPECT_EQ(CheckTransition("ACCEPTED", "ACCEPTED").code(),
            ErrorCode::kHandshakeAlreadyInStateException);
  EXPECT_EQ(CheckTransition("CANCELED", "CANCELED").code(),
            ErrorCode::kHandshakeAlreadyInStateException);
  EXPECT_EQ(CheckTransition("ACCEPTED", "CANCELED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
  EXPECT_EQ(CheckTransition("DECLINED", "ACCEPTED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
  EXPECT_EQ(CheckTransition("EXPIRED", "ACCEPTED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
  EXPECT_EQ(CheckTransition("EXPIRED", "DECLINED").code(),
            ErrorCode::kInvalidHandshakeTransitionException);
}

TEST(HandshakeJsonTest, ArnNamesTheActionInLowerCase) {
  model::Handshake h = OpenInvitation();
  EXPECT_EQ(HandshakeArn(h),
            "arn:aws:organizations::111111111111:handshake/o-exampleorg/invite/h-abcdefgh12");
  h.action = "ENABLE_ALL_FEATURES";
  EXPECT_EQ(HandshakeArn(h),
            "arn:aws:organizations::111111111111:handshake/o-exampleorg/enable_all_features/"
            "h-abcdefgh12");
}

TEST(HandshakeJsonTest, ShapeNestsResourcesAndReadsStateAtTheGivenTime) {
  nlohmann::json j = HandshakeJson(OpenInvitation(), 5'000'000);
  EXPECT_EQ(j["Id"], "h-abcdefgh12");
  EXPECT_EQ(j["State"], "EXPIRED");
  EXPECT_EQ(j["Action"], "INVITE");
  EXPECT_EQ(j["Parties"][1], (nlohmann::json{{"Id", "222222222222"}, {"Type", "ACCOUNT"}}));
  ASSERT_EQ(j["Resources"].size(), 3u);
  EXPECT_EQ(j["Resources"][0]["Resources"][0]["Type"], "MASTER_NAME");
  EXPECT_FALSE(j["Resources"][1].contains("Resources"));
  EXPECT_EQ(j["Resources"][2], (nlohmann::json{{"Type", "NOTES"}, {"Value", "welcome"}}));
}

TEST(HandshakeEmailTest, RecognizesPlausibleAddresses) {
  EXPECT_TRUE(LooksLikeEmail("juan@example.com"));
  EXPECT_TRUE(LooksLikeEmail("a.b+c@sub.example.org"));
  EXPECT_FALSE(LooksLikeEmail("juan"));
  EXPECT_FALSE(LooksLikeEmail("@example.com"));
  EXPECT_FALSE(LooksLikeEmail("juan@example"));
  EXPECT_FALSE(LooksLikeEmail("juan@example."));
  EXPECT_FALSE(LooksLikeEmail("ju an@example.com"));
  EXPECT_FALSE(LooksLikeEmail("a@b@example.com"));
}

}  // namespace
}  // namespace gatehouse::services::organizations
