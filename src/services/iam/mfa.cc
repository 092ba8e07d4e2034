// iam: CreateVirtualMFADevice, DeleteVirtualMFADevice, EnableMFADevice, DeactivateMFADevice,
// ResyncMFADevice, GetMFADevice, ListMFADevices, ListVirtualMFADevices, TagMFADevice,
// UntagMFADevice, ListMFADeviceTags. The seed and its QR code are returned once, by
// CreateVirtualMFADevice; the store keeps the seed sealed under the master key.
#include <openssl/evp.h>

#include <algorithm>

#include "auth/qr_png.h"
#include "auth/totp.h"
#include "core/crypto.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "core/uri.h"
#include "services/iam/mfa_codes.h"
#include "services/iam/pagination.h"
#include "services/iam/tags.h"

namespace gatehouse::services::iam {
namespace {

using nlohmann::json;

constexpr size_t kSeedBytes = 40;  // AWS's seeds are 64 base32 characters
constexpr size_t kMaxDeviceNameLength = 226;
constexpr char kIssuer[] = "Amazon Web Services";

// The name an authenticator app shows after the device's: the account's alias, else its id.
std::string AccountLabel(const store::Directory& dir, const std::string& account) {
  for (const auto& alias : dir.Scan<model::AccountAlias>("")) {
    if (alias->account_id == account) return alias->alias;
  }
  return account;
}

std::string OtpAuthUri(const std::string& device_name, const std::string& account_label,
                       const std::string& base32_seed) {
  return "otpauth://totp/" + UriEncode(kIssuer) + ":" + UriEncode(device_name) + "@" +
         UriEncode(account_label) + "?secret=" + base32_seed + "&issuer=" + UriEncode(kIssuer);
}

// The caller's own MFA owner when the request names no user: itself, or the root user.
Result<MfaOwner> OwnerOf(const IamContext& iam, const OperationContext& c) {
  Result<std::string> target = TargetUserName(c);
  if (!target.ok()) return target.status();
  const std::string& name = *target;
  if (name.empty()) return MfaOwner{"", true};
  auto user = iam.state.directory().FindUser(c.caller.account_id, name);
  if (user == nullptr) return NoSuchUser(name);
  return MfaOwner{user->name, false};
}

json AssignedUserJson(const store::Directory& dir, const model::MfaDevice& d) {
  if (d.root) {
    auto account = dir.FindAccount(d.account_id);
    return {{"UserId", d.account_id},
            {"Arn", "arn:aws:iam::" + d.account_id + ":root"},
            {"CreateDate", FormatIsoTime(account ? account->created_ms : 0)}};
  }
  auto user = dir.FindUser(d.account_id, d.user_name);
  return user ? UserJson(dir, *user, false) : json();
}

Result<std::shared_ptr<const model::MfaDevice>> InputDevice(const IamContext& iam,
                                                            const OperationContext& c) {
  return FindMfaDevice(iam.state.directory(), c.caller.account_id,
                       c.input.at("SerialNumber").get<std::string>());
}

void RegisterDeviceOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "CreateVirtualMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    std::string name = c.input.at("VirtualMFADeviceName");
    if (name.size() > kMaxDeviceNameLength) {
      return Status(ErrorCode::kValidationError,
                    "1 validation error detected: Value '" + name +
                        "' at 'virtualMFADeviceName' failed to satisfy constraint: Member must "
                        "have length less than or equal to " +
                        std::to_string(kMaxDeviceNameLength));
    }
    model::MfaDevice device;
    device.account_id = c.caller.account_id;
    device.name = name;
    device.path = c.input.value("Path", "/");
    device.created_ms = iam.now_ms();
    if (auto tags = c.input.find("Tags"); tags != c.input.end()) {
      Result<std::vector<model::Tag>> merged = MergeTags({}, *tags, kMfaDeviceTags);
      if (!merged.ok()) return merged.status();
      device.tags = std::move(merged).value();
    }
    Status exists(ErrorCode::kEntityAlreadyExists,
                  "MFADevice entity at the same path and name already exists.");
    const store::Directory& dir = iam.state.directory();
    if (dir.Get<model::MfaDevice>(device.Key()) != nullptr) return exists;

    const std::string seed = iam.random.Bytes(kSeedBytes);
    const std::string base32 = auth::Base32Encode(seed);
    std::optional<std::string> png =
        auth::QrCodePng(OtpAuthUri(name, AccountLabel(dir, device.account_id), base32));
    if (base32.empty() || !png) {
      return Status(ErrorCode::kServiceFailure, "The MFA device could not be created.");
    }
    device.sealed_seed =
        HexEncode(Seal(iam.master_key, seed, device.SerialNumber(), iam.random.Bytes(12)));
    Status s = iam.state.Commit({{store::Put<model::MfaDevice>{device, /*create=*/true}}});
    if (s.code() == ErrorCode::kEntityAlreadyExists) return exists;
    if (!s.ok()) return s;
    json out = {{"SerialNumber", device.SerialNumber()},
                {"Base32StringSeed", Base64Encode(base32)},
                {"QRCodePNG", Base64Encode(*png)}};
    if (!device.tags.empty()) out["Tags"] = TagsJson(device.tags);
    return json{{"VirtualMFADevice", std::move(out)}};
  });

  d.Register("iam", "DeleteVirtualMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Status s = ChangeMfaDevice(
        iam, c.caller.account_id, c.input.at("SerialNumber").get<std::string>(),
        [](const model::MfaDevice& device) -> Result<std::optional<model::MfaDevice>> {
          if (device.assigned()) {
            return Status(ErrorCode::kDeleteConflict,
                          "MFA VirtualDevice in use. Must deactivate first.");
          }
          return std::optional<model::MfaDevice>();
        });
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListVirtualMFADevices", [&iam](const OperationContext& c) -> Result<json> {
    const std::string status = c.input.value("AssignmentStatus", "Any");
    const store::Directory& dir = iam.state.directory();
    json out;
    auto devices = ScanPage<model::MfaDevice>(
        dir, model::RecordKey({c.caller.account_id}) + "/", ReadPage(c.input),
        [&](const model::MfaDevice& device) {
          return status == "Any" || device.assigned() == (status == "Assigned");
        },
        out);
    json list = json::array();
    for (const auto& device : devices) {
      json item = {{"SerialNumber", device->SerialNumber()}};
      if (device->assigned()) {
        item["User"] = AssignedUserJson(dir, *device);
        item["EnableDate"] = FormatIsoTime(device->enabled_ms);
      }
      list.push_back(std::move(item));
    }
    out["VirtualMFADevices"] = std::move(list);
    return out;
  });
}

void RegisterAssignmentOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "EnableMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Result<MfaOwner> owner = OwnerOf(iam, c);
    if (!owner.ok()) return owner.status();
    Status s =
        EnableMfaDevice(iam, c.caller.account_id, c.input.at("SerialNumber").get<std::string>(),
                        *owner, c.input.at("AuthenticationCode1").get<std::string>(),
                        c.input.at("AuthenticationCode2").get<std::string>());
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ResyncMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Result<MfaOwner> owner = OwnerOf(iam, c);
    if (!owner.ok()) return owner.status();
    Status s =
        ResyncMfaDevice(iam, c.caller.account_id, c.input.at("SerialNumber").get<std::string>(),
                        *owner, c.input.at("AuthenticationCode1").get<std::string>(),
                        c.input.at("AuthenticationCode2").get<std::string>());
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "DeactivateMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Result<MfaOwner> owner = OwnerOf(iam, c);
    if (!owner.ok()) return owner.status();
    Status s = DeactivateMfaDevice(iam, c.caller.account_id,
                                   c.input.at("SerialNumber").get<std::string>(), *owner);
    if (!s.ok()) return s;
    return json::object();
  });

  // AWS documents GetMFADevice for FIDO security keys, whose certifications it reports;
  // gatehouse's devices are virtual, so the answer is the device's owner and enable date, with
  // no Certifications. A device not enabled for the user is no such entity.
  d.Register("iam", "GetMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Result<MfaOwner> owner = OwnerOf(iam, c);
    if (!owner.ok()) return owner.status();
    auto device = InputDevice(iam, c);
    if (!device.ok()) return device.status();
    if (!(*device)->assigned() || !owner->Owns(**device)) {
      return Status(ErrorCode::kNoSuchEntity,
                    "MFA device with serial number " + (*device)->SerialNumber() +
                        " does not exist for user " +
                        (owner->root ? c.caller.account_id : owner->user_name) + ".");
    }
    return json{{"UserName", owner->root ? c.caller.account_id : owner->user_name},
                {"SerialNumber", (*device)->SerialNumber()},
                {"EnableDate", FormatIsoTime((*device)->enabled_ms)}};
  });

  // The root user's own devices, listed by the root user, carry the account id as user name.
  d.Register("iam", "ListMFADevices", [&iam](const OperationContext& c) -> Result<json> {
    Result<MfaOwner> owner = OwnerOf(iam, c);
    if (!owner.ok()) return owner.status();
    std::vector<std::shared_ptr<const model::MfaDevice>> owned;
    const std::string account = c.caller.account_id;
    for (auto& device :
         iam.state.directory().Scan<model::MfaDevice>(model::RecordKey({account}) + "/")) {
      if ((owner->root || !owner->user_name.empty()) && owner->Owns(*device)) {
        owned.push_back(std::move(device));
      }
    }
    json out;
    json list = json::array();
    for (const auto& device : SlicePage(
             owned, ReadPage(c.input), [](const auto& d) { return AsciiLower(d->name); }, out)) {
      list.push_back({{"UserName", device->root ? account : device->user_name},
                      {"SerialNumber", device->SerialNumber()},
                      {"EnableDate", FormatIsoTime(device->enabled_ms)}});
    }
    out["MFADevices"] = std::move(list);
    return out;
  });
}

void RegisterTagOperations(Dispatcher& d, IamContext& iam) {
  d.Register("iam", "TagMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Status s = ChangeMfaDevice(
        iam, c.caller.account_id, c.input.at("SerialNumber").get<std::string>(),
        [&](const model::MfaDevice& device) -> Result<std::optional<model::MfaDevice>> {
          Result<std::vector<model::Tag>> tags =
              MergeTags(device.tags, c.input.at("Tags"), kMfaDeviceTags);
          if (!tags.ok()) return tags.status();
          model::MfaDevice tagged = device;
          tagged.tags = std::move(tags).value();
          return std::optional<model::MfaDevice>(std::move(tagged));
        });
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "UntagMFADevice", [&iam](const OperationContext& c) -> Result<json> {
    Status s = ChangeMfaDevice(
        iam, c.caller.account_id, c.input.at("SerialNumber").get<std::string>(),
        [&](const model::MfaDevice& device) -> Result<std::optional<model::MfaDevice>> {
          model::MfaDevice untagged = device;
          untagged.tags = RemoveTags(device.tags, c.input.at("TagKeys"));
          return std::optional<model::MfaDevice>(std::move(untagged));
        });
    if (!s.ok()) return s;
    return json::object();
  });

  d.Register("iam", "ListMFADeviceTags", [&iam](const OperationContext& c) -> Result<json> {
    auto device = InputDevice(iam, c);
    if (!device.ok()) return device.status();
    return ListTagsJson((*device)->tags, c.input);
  });
}

}  // namespace

void RegisterMfaOperations(Dispatcher& d, IamContext& iam) {
  RegisterDeviceOperations(d, iam);
  RegisterAssignmentOperations(d, iam);
  RegisterTagOperations(d, iam);
}

}  // namespace gatehouse::services::iam
