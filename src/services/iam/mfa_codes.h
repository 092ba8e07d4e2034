// Virtual MFA devices beyond their CRUD: finding one by serial number, opening its sealed TOTP
// seed, checking codes (each accepted once: a device remembers the newest time step it
// accepted), and assigning devices to IAM users or to the account's root user. The MFA
// operations use these; so will STS (SerialNumber/TokenCode) and the console's sign-in and
// root MFA set-up, which AWS offers only in the console.
// Changes of one device serialize on a lock, so a code cannot be spent twice concurrently.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "model/iam_entities.h"
#include "services/iam/iam_context.h"

namespace gatehouse::services::iam {

inline constexpr size_t kMfaDevicesPerUser = 8;

// Who a device is assigned to: an IAM user (by name) or the account's root user.
struct MfaOwner {
  std::string user_name;
  bool root = false;

  bool Owns(const model::MfaDevice& device) const;
};

// The virtual MFA device `serial_number` of `account`; NoSuchEntity (AWS's wording) otherwise.
Result<std::shared_ptr<const model::MfaDevice>> FindMfaDevice(const store::Directory& directory,
                                                              std::string_view account,
                                                              std::string_view serial_number);

// `device` with its last accepted step moved to the step of `code`, when `code` is the device's
// code for the current time step (or one step either side) and newer than any code accepted
// before; InvalidAuthenticationCode otherwise. Commits nothing: see ConsumeMfaCode.
Result<model::MfaDevice> VerifyMfaCode(const IamContext& iam, const model::MfaDevice& device,
                                       std::string_view code);

// VerifyMfaCode on the current state of device `serial_number`, committing the accepted step.
Status ConsumeMfaCode(IamContext& iam, std::string_view account, std::string_view serial_number,
                      std::string_view code);

// Runs `change` on the current device `serial_number` of `account` and commits its answer — the
// new device, or nullopt to delete it — all under the devices' lock.
using MfaDeviceChange =
    std::function<Result<std::optional<model::MfaDevice>>(const model::MfaDevice& current)>;
Status ChangeMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaDeviceChange& change);

// EnableMFADevice: assigns a free device to `owner` given two consecutive codes.
Status EnableMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaOwner& owner, std::string_view code1, std::string_view code2);

// ResyncMFADevice: re-anchors `owner`'s device on two consecutive codes.
Status ResyncMfaDevice(IamContext& iam, std::string_view account, std::string_view serial_number,
                       const MfaOwner& owner, std::string_view code1, std::string_view code2);

// DeactivateMFADevice: unassigns `owner`'s device (its accepted step is kept, so the codes it
// accepted stay spent).
Status DeactivateMfaDevice(IamContext& iam, std::string_view account,
                           std::string_view serial_number, const MfaOwner& owner);

}  // namespace gatehouse::services::iam
