#include "services/sts/session_inputs.h"

#include "core/crypto.h"
#include "core/ids.h"
#include "core/strings.h"
#include "core/time_format.h"
#include "policy/parse.h"
#include "policy/size.h"
#include "services/iam/mfa_codes.h"

namespace gatehouse::services::sts {
namespace {

using nlohmann::json;

Status InvalidParameter(std::string message) {
  return Status(ErrorCode::kInvalidParameterValue, std::move(message));
}

Status MfaFailed() {
  return Status(ErrorCode::kAccessDenied,
                "MultiFactorAuthentication failed with invalid MFA one time pass code. ");
}

}  // namespace

Result<SessionInputs> ReadSessionInputs(
    const json& input, const std::vector<std::pair<std::string, std::string>>& inherited_tags) {
  SessionInputs out;
  size_t packed = 0;
  if (auto policy = input.find("Policy"); policy != input.end() && policy->is_string()) {
    Result<policy::Document> doc =
        policy::ParsePolicy(policy->get<std::string>(), policy::PolicyKind::kSession);
    if (!doc.ok()) return doc.status();
    out.policy = policy->get<std::string>();
    out.has_policy = true;
    // Whitespace between tokens does not count toward the packed size.
    packed += policy::PolicySize(out.policy, policy::SizeRule::kIgnoreWhitespace);
  }
  if (auto arns = input.find("PolicyArns"); arns != input.end() && arns->is_array()) {
    for (const json& descriptor : *arns) {
      std::string arn = descriptor.value("arn", "");
      if (arn.empty()) continue;
      out.policy_arns.push_back(arn);
      out.has_policy = true;
      packed += arn.size();
    }
  }
  for (const auto& [key, value] : inherited_tags) packed += key.size() + value.size();
  if (auto tags = input.find("Tags"); tags != input.end() && tags->is_array()) {
    for (const json& tag : *tags) {
      std::string key = tag.value("Key", "");
      for (const auto& [seen, unused] : out.tags) {
        if (EqualsIgnoreCase(seen, key)) {
          return InvalidParameter(
              "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
        }
      }
      for (const auto& [inherited, unused] : inherited_tags) {
        if (EqualsIgnoreCase(inherited, key)) {
          return InvalidParameter(
              "One or more transitive tag keys in the request conflict with the tag keys of "
              "the session: " +
              key);
        }
      }
      out.tags.emplace_back(key, tag.value("Value", ""));
      packed += key.size() + out.tags.back().second.size();
    }
  }
  if (auto keys = input.find("TransitiveTagKeys"); keys != input.end() && keys->is_array()) {
    for (const json& key : *keys) {
      std::string name = key.get<std::string>();
      bool tagged = false;
      for (const auto& [tag, unused] : out.tags) tagged = tagged || EqualsIgnoreCase(tag, name);
      if (!tagged) {
        return InvalidParameter(
            "The specified transitive tag key must be included in the requested tags.");
      }
      out.transitive_tag_keys.push_back(name);
    }
  }
  out.packed_percent = static_cast<int>((packed * 100 + kPackedAllowance - 1) / kPackedAllowance);
  if (out.packed_percent > 100) {
    return Status(ErrorCode::kPackedPolicyTooLarge,
                  "Packed policy consumes " + std::to_string(out.packed_percent) +
                      "% of allotted space, please use smaller policy.");
  }
  return out;
}

Result<json> IssueCredentials(StsContext& sts, auth::SessionClaims& claims,
                              int64_t duration_seconds) {
  const int64_t now_ms = sts.iam.now_ms();
  Result<std::pair<uint32_t, std::string>> key = sts.keys.Current(now_ms);
  if (!key.ok()) return key.status();
  claims.access_key_id = NewAccessKeyId(sts.iam.random, /*temporary=*/true, claims.account_id);
  claims.default_regions_only =
      sts.region == "us-east-1" &&
      iam::GlobalEndpointTokenVersion(sts.iam.state.directory(), claims.account_id) == 1;
  claims.secret = NewSecretAccessKey(sts.iam.random);
  claims.issued_ms = now_ms;
  // AWS's expirations are whole seconds.
  claims.expires_ms = (now_ms / 1000 + duration_seconds) * 1000;
  std::string token =
      auth::SealSessionToken(claims, key->first, key->second, sts.iam.random.Bytes(12));
  return json{{"AccessKeyId", claims.access_key_id},
              {"SecretAccessKey", claims.secret},
              {"SessionToken", std::move(token)},
              {"Expiration", FormatIsoTime(claims.expires_ms)}};
}

Status CheckMfaInput(StsContext& sts, const OperationContext& c, bool* authenticated) {
  *authenticated = false;
  std::string serial = c.input.value("SerialNumber", "");
  std::string code = c.input.value("TokenCode", "");
  if (serial.empty() && code.empty()) return Status::Ok();
  if (serial.empty() || code.empty()) return MfaFailed();
  // Only a user (or the root user) with long-term credentials owns a device.
  if (c.caller.session != nullptr && c.caller.session->kind != auth::SessionKind::kUserSession) {
    return MfaFailed();
  }
  iam::MfaOwner owner{"", false};
  if (c.caller.principal_arn.ends_with(":root")) {
    owner.root = true;
  } else {
    owner.user_name = c.caller.principal_arn.substr(c.caller.principal_arn.rfind('/') + 1);
  }
  auto device = iam::FindMfaDevice(sts.iam.state.directory(), c.caller.account_id, serial);
  if (!device.ok() || !owner.Owns(**device)) return MfaFailed();
  if (!iam::ConsumeMfaCode(sts.iam, c.caller.account_id, serial, code).ok()) return MfaFailed();
  *authenticated = true;
  return Status::Ok();
}

}  // namespace gatehouse::services::sts
