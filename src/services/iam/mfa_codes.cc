#include "services/iam/mfa_codes.h"

#include <mutex>

#include "auth/totp.h"
#include "core/crypto.h"
#include "core/strings.h"

namespace gatehouse::services::iam {
namespace {

// Resynchronizing accepts codes further from the server's clock than signing in does.
constexpr int64_t kSignInWindow = 1;
constexpr int64_t kEnableWindow = 1;
constexpr int64_t kResyncWindow = 10;

std::mutex& DeviceLock() {
  static std::mutex mu;
  return mu;
}

Status InvalidCode() {
  return Status(ErrorCode::kInvalidAuthenticationCode,
                "Authentication code for device is not valid.");
}

Status InvalidForUser() { return Status(ErrorCode::kNoSuchEntity, "MFA Device invalid for user."); }

// The device's TOTP seed; ServiceFailure when it cannot be opened (a different master key).
Result<std::string> OpenSeed(const IamContext& iam, const model::MfaDevice& device) {
  std::optional<std::string> sealed = HexDecode(device.sealed_seed);
  std::optional<std::string> seed;
  if (sealed) seed = Open(iam.master_key, *sealed, device.SerialNumber());
  if (!seed) return Status(ErrorCode::kServiceFailure, "The MFA device cannot be read.");
  return std::move(*seed);
}

int64_t NowStep(const IamContext& iam) { return auth::TotpStep(iam.now_ms() / 1000); }

// `device` re-anchored on two consecutive codes within `window` steps of now.
Result<model::MfaDevice> AnchorOnCodes(const IamContext& iam, model::MfaDevice device,
                                       std::string_view code1, std::string_view code2,
                                       int64_t window) {
  Result<std::string> seed = OpenSeed(iam, device);
  if (!seed.ok()) return seed.status();
  std::optional<int64_t> step =
      auth::MatchConsecutiveTotp(*seed, code1, code2, NowStep(iam), window, device.last_step);
  if (!step) return InvalidCode();
  device.last_step = *step + 1;
  return device;
}

}  // namespace

bool MfaOwner::Owns(const model::MfaDevice& device) const {
  if (root) return device.root;
  return !device.root && EqualsIgnoreCase(device.user_name, user_name);
}

Result<std::shared_ptr<const model::MfaDevice>> FindMfaDevice(const store::Directory& directory,
                                                              std::string_view account,
                                                              std::string_view serial_number) {
  const std::string prefix = "arn:aws:iam::" + std::string(account) + ":mfa/";
  std::shared_ptr<const model::MfaDevice> device;
  if (StartsWith(serial_number, prefix)) {
    device = directory.Get<model::MfaDevice>(
        model::MfaDeviceKey(account, serial_number.substr(prefix.size())));
  }
  if (device == nullptr || !EqualsIgnoreCase(device->SerialNumber(), serial_number)) {
    return Status(ErrorCode::kNoSuchEntity, "VirtualMFADevice with serial number " +
                                                std::string(serial_number) + " does not exist.");
  }
  return device;
}

Result<model::MfaDevice> VerifyMfaCode(const IamContext& iam, const model::MfaDevice& device,
                                       std::string_view code) {
  Result<std::string> seed = OpenSeed(iam, device);
  if (!seed.ok()) return seed.status();
  std::optional<int64_t> step =
      auth::MatchTotpStep(*seed, code, NowStep(iam), kSignInWindow, device.last_step);
  if (!step) return InvalidCode();
  model::MfaDevice updated = device;
  updated.last_step = *step;
  return updated;
}

Status ChangeMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaDeviceChange& change) {
  std::lock_guard<std::mutex> lock(DeviceLock());
  auto device = FindMfaDevice(iam.state.directory(), account, serial_number);
  if (!device.ok()) return device.status();
  Result<std::optional<model::MfaDevice>> changed = change(**device);
  if (!changed.ok()) return changed.status();
  // The lock orders this process's changes; the preconditions hold them against every other
  // writer of the store: the device as read and, for a device newly given to a user, the user
  // and that user's MFA quota.
  std::vector<store::Precondition> preconditions{store::Unchanged(**device)};
  if (!changed->has_value()) {
    return iam.state.Commit({.writes = {store::Erase<model::MfaDevice>::Of(**device)},
                             .preconditions = std::move(preconditions)});
  }
  const model::MfaDevice& updated = **changed;
  if (!updated.root && !updated.user_name.empty() &&
      !EqualsIgnoreCase(updated.user_name, (*device)->user_name)) {
    auto user = iam.state.directory().FindUser(account, updated.user_name);
    if (user == nullptr) return NoSuchUser(updated.user_name);
    preconditions.push_back(store::UserUnchanged(*user));
    preconditions.push_back(store::ExpectFewer<model::MfaDevice>{
        model::RecordKey({account}) + "/", static_cast<int64_t>(kMfaDevicesPerUser), "user_name",
        updated.user_name});
  }
  return iam.state.Commit({.writes = {store::Put<model::MfaDevice>{updated}},
                           .preconditions = std::move(preconditions)});
}

Status ConsumeMfaCode(IamContext& iam, std::string_view account, std::string_view serial_number,
                      std::string_view code) {
  return ChangeMfaDevice(iam, account, serial_number,
                         [&](const model::MfaDevice& d) -> Result<std::optional<model::MfaDevice>> {
                           Result<model::MfaDevice> verified = VerifyMfaCode(iam, d, code);
                           if (!verified.ok()) return verified.status();
                           return std::optional<model::MfaDevice>(std::move(verified).value());
                         });
}

Status EnableMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaOwner& owner, std::string_view code1, std::string_view code2) {
  return ChangeMfaDevice(
      iam, account, serial_number,
      [&](const model::MfaDevice& d) -> Result<std::optional<model::MfaDevice>> {
        if (d.assigned()) {
          return Status(ErrorCode::kEntityAlreadyExists, "MFA Device is already in use.");
        }
        Result<model::MfaDevice> anchored = AnchorOnCodes(iam, d, code1, code2, kEnableWindow);
        if (!anchored.ok()) return anchored.status();
        size_t owned = 0;
        for (const auto& other :
             iam.state.directory().Scan<model::MfaDevice>(model::RecordKey({account}) + "/")) {
          if (owner.Owns(*other)) ++owned;
        }
        if (owned >= kMfaDevicesPerUser) {
          return Status(ErrorCode::kLimitExceeded, "Cannot exceed quota for MFADevicesPerUser: " +
                                                       std::to_string(kMfaDevicesPerUser));
        }
        anchored->root = owner.root;
        anchored->user_name = owner.root ? "" : owner.user_name;
        anchored->enabled_ms = iam.now_ms();
        return std::optional<model::MfaDevice>(std::move(anchored).value());
      });
}

Status ResyncMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaOwner& owner, std::string_view code1, std::string_view code2) {
  return ChangeMfaDevice(iam, account, serial_number,
                         [&](const model::MfaDevice& d) -> Result<std::optional<model::MfaDevice>> {
                           if (!owner.Owns(d)) return InvalidForUser();
                           Result<model::MfaDevice> anchored =
                               AnchorOnCodes(iam, d, code1, code2, kResyncWindow);
                           if (!anchored.ok()) return anchored.status();
                           return std::optional<model::MfaDevice>(std::move(anchored).value());
                         });
}

Status DeactivateMfaDevice(IamContext& iam, std::string_view account,
                           std::string_view serial_number, const MfaOwner& owner) {
  return ChangeMfaDevice(iam, account, serial_number,
                         [&](const model::MfaDevice& d) -> Result<std::optional<model::MfaDevice>> {
                           if (!owner.Owns(d)) return InvalidForUser();
                           model::MfaDevice freed = d;
                           freed.user_name.clear();
                           freed.root = false;
                           freed.enabled_ms = 0;
                           return std::optional<model::MfaDevice>(std::move(freed));
                         });
}

}  // namespace gatehouse::services::iam
