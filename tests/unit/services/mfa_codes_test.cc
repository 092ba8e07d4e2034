// Virtual MFA devices' codes and assignment at a fixed clock: codes are accepted once, the
// root user can hold a device (AWS offers that in the console only), and a device opens only
// under its master key.
#include "services/iam/mfa_codes.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "auth/totp.h"
#include "core/crypto.h"
#include "temp_iam_state.h"

namespace gatehouse::services::iam {
namespace {

constexpr char kAccount[] = "111111111111";
constexpr int64_t kNowSeconds = 1795935600;  // 2026-11-29T07:00:00Z
const std::string kSeed = "0123456789abcdefghij0123456789abcdefghij";

class MfaCodesTest : public testing::Test {
 protected:
  void SetUp() override {
    store::WriteBatch batch;
    batch.writes.push_back(store::InsertAccount{{kAccount, "acct", "root@example.com", 1000}});
    batch.writes.push_back(store::InsertUser{{kAccount, "alice", "/", "AIDAALICE", 2000, {}}});
    model::MfaDevice device;
    device.account_id = kAccount;
    device.name = "dev";
    device.sealed_seed =
        HexEncode(Seal(iam_->master_key, kSeed, device.SerialNumber(), std::string(12, 'n')));
    serial_ = device.SerialNumber();
    batch.writes.push_back(store::Put<model::MfaDevice>{device, true});
    ASSERT_TRUE(state_->Commit(batch).ok());
  }

  std::string Code(int64_t step) const { return auth::TotpCode(kSeed, step); }
  int64_t Step() const { return auth::TotpStep(now_ms_ / 1000); }
  model::MfaDevice Device() const {
    return *FindMfaDevice(state_->directory(), kAccount, serial_).value();
  }

  int64_t now_ms_ = kNowSeconds * 1000;
  testing_support::TempIamState temp_{std::string(kSealKeySize, 'k'), [this] { return now_ms_; }};
  store::State* state_ = &temp_.state();
  IamContext* iam_ = &temp_.iam();
  std::string serial_;
};

TEST_F(MfaCodesTest, FindsDevicesBySerialNumberOnly) {
  EXPECT_TRUE(FindMfaDevice(state_->directory(), kAccount, serial_).ok());
  auto missing = FindMfaDevice(state_->directory(), kAccount, "GAHT12345678");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(missing.status().message(),
            "VirtualMFADevice with serial number GAHT12345678 does not exist.");
  EXPECT_FALSE(
      FindMfaDevice(state_->directory(), "222222222222", "arn:aws:iam::111111111111:mfa/dev").ok());
}

TEST_F(MfaCodesTest, RootUserHoldsADevice) {
  MfaOwner root{"", true};
  ASSERT_TRUE(EnableMfaDevice(*iam_, kAccount, serial_, root, Code(Step() - 1), Code(Step())).ok());
  model::MfaDevice device = Device();
  EXPECT_TRUE(device.root);
  EXPECT_TRUE(device.user_name.empty());
  EXPECT_EQ(device.enabled_ms, now_ms_);
  EXPECT_EQ(device.last_step, Step());
  EXPECT_FALSE(MfaOwner({"alice", false}).Owns(device));
  Status taken =
      EnableMfaDevice(*iam_, kAccount, serial_, {"alice", false}, Code(Step()), Code(Step() + 1));
  EXPECT_EQ(taken.message(), "MFA Device is already in use.");
  EXPECT_EQ(DeactivateMfaDevice(*iam_, kAccount, serial_, {"alice", false}).message(),
            "MFA Device invalid for user.");
  ASSERT_TRUE(DeactivateMfaDevice(*iam_, kAccount, serial_, root).ok());
  EXPECT_FALSE(Device().assigned());
  EXPECT_EQ(Device().last_step, Step());  // spent codes stay spent
}

TEST_F(MfaCodesTest, EachCodeIsAcceptedOnce) {
  ASSERT_TRUE(
      EnableMfaDevice(*iam_, kAccount, serial_, {"alice", false}, Code(Step() - 1), Code(Step()))
          .ok());
  // The enabling codes are spent; the next step's code signs in once.
  EXPECT_EQ(ConsumeMfaCode(*iam_, kAccount, serial_, Code(Step())).code(),
            ErrorCode::kInvalidAuthenticationCode);
  now_ms_ += 30'000;
  Result<model::MfaDevice> verified = VerifyMfaCode(*iam_, Device(), Code(Step()));
  ASSERT_TRUE(verified.ok());
  EXPECT_EQ(verified->last_step, Step());
  EXPECT_EQ(Device().last_step, Step() - 1);  // VerifyMfaCode commits nothing
  ASSERT_TRUE(ConsumeMfaCode(*iam_, kAccount, serial_, Code(Step())).ok());
  Status again = ConsumeMfaCode(*iam_, kAccount, serial_, Code(Step()));
  EXPECT_EQ(again.code(), ErrorCode::kInvalidAuthenticationCode);
  EXPECT_EQ(again.message(), "Authentication code for device is not valid.");
  // One step of clock skew either side, no more.
  EXPECT_TRUE(ConsumeMfaCode(*iam_, kAccount, serial_, Code(Step() + 1)).ok());
  EXPECT_FALSE(ConsumeMfaCode(*iam_, kAccount, serial_, Code(Step() + 3)).ok());
}

TEST_F(MfaCodesTest, ResyncAcceptsADriftedDevice) {
  MfaOwner alice{"alice", false};
  ASSERT_TRUE(
      EnableMfaDevice(*iam_, kAccount, serial_, alice, Code(Step() - 1), Code(Step())).ok());
  EXPECT_FALSE(
      ResyncMfaDevice(*iam_, kAccount, serial_, alice, Code(Step() + 11), Code(Step() + 12)).ok());
  ASSERT_TRUE(
      ResyncMfaDevice(*iam_, kAccount, serial_, alice, Code(Step() + 7), Code(Step() + 8)).ok());
  EXPECT_EQ(Device().last_step, Step() + 8);
}

TEST_F(MfaCodesTest, ADeviceOpensOnlyUnderItsMasterKey) {
  iam_->master_key = std::string(kSealKeySize, 'x');
  Status s =
      EnableMfaDevice(*iam_, kAccount, serial_, {"alice", false}, Code(Step() - 1), Code(Step()));
  EXPECT_EQ(s.code(), ErrorCode::kServiceFailure);
  EXPECT_FALSE(Device().assigned());
}

}  // namespace
}  // namespace gatehouse::services::iam
