#include "services/organizations/transfer_common.h"

#include <gtest/gtest.h>

#include "store/directory.h"

namespace gatehouse::services::organizations {
namespace {

constexpr int64_t kStart = 4'000'000;
constexpr int64_t kEnd = 6'000'000;

model::ResponsibilityTransfer Requested() {
  model::ResponsibilityTransfer t;
  t.id = "rt-abcdefgh12345678";
  t.handshake_id = "h-abcdefgh12";
  t.target_organization_id = "o-targetorg1";
  t.target_account_id = "111111111111";
  t.target_name = "theirs";
  t.source_account_id = "222222222222";
  t.source_name = "ours";
  t.requested_ms = 1'000'000;
  t.expires_ms = 2'000'000;
  t.start_ms = kStart;
  return t;
}

model::Organization OrganizationOf(std::string id, std::string management) {
  model::Organization o;
  o.id = std::move(id);
  o.management_account_id = std::move(management);
  return o;
}

TEST(TransferStatusTest, ARequestedTransferExpiresWithItsInvitation) {
  model::ResponsibilityTransfer t = Requested();
  EXPECT_EQ(EffectiveStatus(t, 1'999'999), "REQUESTED");
  EXPECT_EQ(EffectiveStatus(t, 2'000'000), "EXPIRED");
  EXPECT_TRUE(CountsInbound(t, 1'999'999));
  EXPECT_FALSE(CountsInbound(t, 2'000'000));
  EXPECT_FALSE(Binds(t, 1'000'000));
}

TEST(TransferStatusTest, AnAcceptedTransferBindsUntilTheEndOfItsWithdrawal) {
  model::ResponsibilityTransfer t = Requested();
  t.status = model::kTransferAccepted;
  EXPECT_EQ(EffectiveStatus(t, 9'000'000), "ACCEPTED");  // past the invitation's expiry
  EXPECT_TRUE(Binds(t, 9'000'000));
  t.status = model::kTransferWithdrawn;
  t.end_ms = kEnd;
  EXPECT_TRUE(Binds(t, kEnd));
  EXPECT_TRUE(CountsInbound(t, kEnd));
  EXPECT_FALSE(Binds(t, kEnd + 1));
  EXPECT_FALSE(CountsInbound(t, kEnd + 1));
  for (const char* ended : {model::kTransferDeclined, model::kTransferCanceled}) {
    t.status = ended;
    EXPECT_FALSE(Binds(t, 1'000'000)) << ended;
    EXPECT_FALSE(CountsInbound(t, 1'000'000)) << ended;
  }
}

class TransferViewTest : public ::testing::Test {
 protected:
  store::Directory dir_;  // empty: no account has an email
  model::Organization target_ = OrganizationOf("o-targetorg1", "111111111111");
  model::Organization source_ = OrganizationOf("o-sourceorg1", "222222222222");
  model::Organization stranger_ = OrganizationOf("o-strangers1", "333333333333");
};

TEST_F(TransferViewTest, EachOrganizationSeesItsOwnSideOrNothing) {
  model::ResponsibilityTransfer t = Requested();
  EXPECT_EQ(SideOf(dir_, t, target_), TransferSide::kInbound);
  EXPECT_EQ(SideOf(dir_, t, source_), TransferSide::kOutbound);
  EXPECT_EQ(SideOf(dir_, t, stranger_), TransferSide::kNone);
  // Once accepted, the accepting organization is the source, whoever manages it later.
  t.source_organization_id = source_.id;
  t.source_account_id = "222222222222";
  model::Organization moved = OrganizationOf(source_.id, "444444444444");
  EXPECT_EQ(SideOf(dir_, t, moved), TransferSide::kOutbound);
  EXPECT_EQ(SideOf(dir_, t, stranger_), TransferSide::kNone);
}

TEST_F(TransferViewTest, ArnsAndNamesFollowTheSide) {
  model::ResponsibilityTransfer t = Requested();
  nlohmann::json in = TransferJson(dir_, t, target_, TransferSide::kInbound, 1'000'000);
  EXPECT_EQ(in["Arn"],
            "arn:aws:organizations::111111111111:transfer/o-targetorg1/billing/inbound/"
            "rt-abcdefgh12345678");
  EXPECT_EQ(in["Name"], "theirs");
  EXPECT_EQ(in["Status"], "REQUESTED");
  EXPECT_EQ(in["ActiveHandshakeId"], "h-abcdefgh12");
  EXPECT_EQ(in["StartTimestamp"], 4000.0);
  EXPECT_FALSE(in.contains("EndTimestamp"));
  nlohmann::json out = TransferJson(dir_, t, source_, TransferSide::kOutbound, 1'000'000);
  EXPECT_EQ(out["Arn"],
            "arn:aws:organizations::222222222222:transfer/o-sourceorg1/billing/outbound/"
            "rt-abcdefgh12345678");
  EXPECT_EQ(out["Name"], "ours");
}

TEST_F(TransferViewTest, TheTargetLearnsOnlyWhatItsInvitationNamedUntilAccepted) {
  model::ResponsibilityTransfer by_id = Requested();
  nlohmann::json seen = TransferJson(dir_, by_id, target_, TransferSide::kInbound, 1'000'000);
  EXPECT_EQ(seen["Source"], (nlohmann::json{{"ManagementAccountId", "222222222222"}}));

  model::ResponsibilityTransfer by_email = Requested();
  by_email.invited_by_email = true;
  by_email.source_email = "owner@example.com";  // resolved to 222222222222, not to be shown
  seen = TransferJson(dir_, by_email, target_, TransferSide::kInbound, 1'000'000);
  EXPECT_EQ(seen["Source"], (nlohmann::json{{"ManagementAccountEmail", "owner@example.com"}}));

  by_id.source_organization_id = source_.id;
  by_id.source_email = "root@source.example";
  by_id.status = model::kTransferAccepted;
  seen = TransferJson(dir_, by_id, target_, TransferSide::kInbound, 1'000'000);
  EXPECT_EQ(seen["Source"], (nlohmann::json{{"ManagementAccountId", "222222222222"},
                                            {"ManagementAccountEmail", "root@source.example"}}));
}

}  // namespace
}  // namespace gatehouse::services::organizations
